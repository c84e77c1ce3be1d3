build2/kernel/kernel/boot.o: kernel/boot.c drivers/ata.h drivers/pci.h \
 drivers/pic.h drivers/serial.h kernel/console.h kernel/dsmenv.h \
 dsm/frame.h kernel/cmdline.h kernel/param.h dsm/param.h kernel/kalloc.h \
 kernel/kernel.h kernel/memlayout.h kernel/multiboot.h kernel/net.h \
 kernel/kcode.h kernel/heaplayout.h kernel/psnode.h kernel/time.h \
 kernel/trap.h kernel/txbody.h kernel/vm.h kernel/x86.h
drivers/ata.h:
drivers/pci.h:
drivers/pic.h:
drivers/serial.h:
kernel/console.h:
kernel/dsmenv.h:
dsm/frame.h:
kernel/cmdline.h:
kernel/param.h:
dsm/param.h:
kernel/kalloc.h:
kernel/kernel.h:
kernel/memlayout.h:
kernel/multiboot.h:
kernel/net.h:
kernel/kcode.h:
kernel/heaplayout.h:
kernel/psnode.h:
kernel/time.h:
kernel/trap.h:
kernel/txbody.h:
kernel/vm.h:
kernel/x86.h:
