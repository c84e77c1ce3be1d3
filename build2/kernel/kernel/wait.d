build2/kernel/kernel/wait.o: kernel/wait.c drivers/rtl8139.h \
 kernel/dsmenv.h dsm/frame.h kernel/cmdline.h kernel/param.h dsm/param.h \
 kernel/time.h kernel/wait.h kernel/x86.h
drivers/rtl8139.h:
kernel/dsmenv.h:
dsm/frame.h:
kernel/cmdline.h:
kernel/param.h:
dsm/param.h:
kernel/time.h:
kernel/wait.h:
kernel/x86.h:
