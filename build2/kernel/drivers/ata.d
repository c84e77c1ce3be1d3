build2/kernel/drivers/ata.o: drivers/ata.c drivers/ata.h drivers/pci.h \
 kernel/kalloc.h kernel/kernel.h kernel/cmdline.h kernel/memlayout.h \
 kernel/time.h kernel/param.h dsm/param.h kernel/trap.h kernel/wait.h \
 kernel/x86.h
drivers/ata.h:
drivers/pci.h:
kernel/kalloc.h:
kernel/kernel.h:
kernel/cmdline.h:
kernel/memlayout.h:
kernel/time.h:
kernel/param.h:
dsm/param.h:
kernel/trap.h:
kernel/wait.h:
kernel/x86.h:
