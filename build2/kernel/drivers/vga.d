build2/kernel/drivers/vga.o: drivers/vga.c drivers/vga.h kernel/x86.h
drivers/vga.h:
kernel/x86.h:
