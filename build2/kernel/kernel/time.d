build2/kernel/kernel/time.o: kernel/time.c drivers/pit.h kernel/kernel.h \
 kernel/cmdline.h kernel/param.h dsm/param.h kernel/time.h kernel/x86.h
drivers/pit.h:
kernel/kernel.h:
kernel/cmdline.h:
kernel/param.h:
dsm/param.h:
kernel/time.h:
kernel/x86.h:
