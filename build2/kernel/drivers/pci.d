build2/kernel/drivers/pci.o: drivers/pci.c drivers/pci.h kernel/kernel.h \
 kernel/cmdline.h kernel/param.h dsm/param.h kernel/x86.h
drivers/pci.h:
kernel/kernel.h:
kernel/cmdline.h:
kernel/param.h:
dsm/param.h:
kernel/x86.h:
