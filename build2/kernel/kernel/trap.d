build2/kernel/kernel/trap.o: kernel/trap.c drivers/pic.h kernel/kernel.h \
 kernel/cmdline.h kernel/trap.h kernel/x86.h
drivers/pic.h:
kernel/kernel.h:
kernel/cmdline.h:
kernel/trap.h:
kernel/x86.h:
