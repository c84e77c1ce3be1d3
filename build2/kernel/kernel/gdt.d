build2/kernel/kernel/gdt.o: kernel/gdt.c kernel/trap.h
kernel/trap.h:
