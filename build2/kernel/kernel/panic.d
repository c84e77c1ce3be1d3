build2/kernel/kernel/panic.o: kernel/panic.c kernel/console.h \
 kernel/kernel.h kernel/cmdline.h kernel/smartbuf.h kernel/param.h \
 dsm/param.h kernel/x86.h
kernel/console.h:
kernel/kernel.h:
kernel/cmdline.h:
kernel/smartbuf.h:
kernel/param.h:
dsm/param.h:
kernel/x86.h:
