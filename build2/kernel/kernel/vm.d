build2/kernel/kernel/vm.o: kernel/vm.c kernel/kalloc.h kernel/kernel.h \
 kernel/cmdline.h kernel/memlayout.h kernel/vm.h kernel/x86.h
kernel/kalloc.h:
kernel/kernel.h:
kernel/cmdline.h:
kernel/memlayout.h:
kernel/vm.h:
kernel/x86.h:
