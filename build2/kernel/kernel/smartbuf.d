build2/kernel/kernel/smartbuf.o: kernel/smartbuf.c kernel/console.h \
 kernel/kernel.h kernel/cmdline.h kernel/smartbuf.h kernel/param.h \
 dsm/param.h
kernel/console.h:
kernel/kernel.h:
kernel/cmdline.h:
kernel/smartbuf.h:
kernel/param.h:
dsm/param.h:
