build2/kernel/kernel/console.o: kernel/console.c drivers/serial.h \
 drivers/vga.h kernel/console.h kernel/smartbuf.h kernel/param.h \
 dsm/param.h
drivers/serial.h:
drivers/vga.h:
kernel/console.h:
kernel/smartbuf.h:
kernel/param.h:
dsm/param.h:
