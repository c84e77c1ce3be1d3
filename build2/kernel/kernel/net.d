build2/kernel/kernel/net.o: kernel/net.c drivers/rtl8139.h \
 kernel/dsmenv.h dsm/frame.h kernel/cmdline.h kernel/param.h dsm/param.h \
 kernel/kernel.h kernel/net.h kernel/x86.h
drivers/rtl8139.h:
kernel/dsmenv.h:
dsm/frame.h:
kernel/cmdline.h:
kernel/param.h:
dsm/param.h:
kernel/kernel.h:
kernel/net.h:
kernel/x86.h:
