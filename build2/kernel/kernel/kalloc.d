build2/kernel/kernel/kalloc.o: kernel/kalloc.c kernel/kalloc.h \
 kernel/kernel.h kernel/cmdline.h kernel/memlayout.h kernel/multiboot.h
kernel/kalloc.h:
kernel/kernel.h:
kernel/cmdline.h:
kernel/memlayout.h:
kernel/multiboot.h:
