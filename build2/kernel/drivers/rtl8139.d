build2/kernel/drivers/rtl8139.o: drivers/rtl8139.c drivers/pci.h \
 drivers/rtl8139.h kernel/kalloc.h kernel/kernel.h kernel/cmdline.h \
 kernel/memlayout.h kernel/param.h dsm/param.h kernel/trap.h kernel/x86.h
drivers/pci.h:
drivers/rtl8139.h:
kernel/kalloc.h:
kernel/kernel.h:
kernel/cmdline.h:
kernel/memlayout.h:
kernel/param.h:
dsm/param.h:
kernel/trap.h:
kernel/x86.h:
