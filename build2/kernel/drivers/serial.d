build2/kernel/drivers/serial.o: drivers/serial.c drivers/serial.h \
 kernel/param.h dsm/param.h kernel/trap.h kernel/x86.h
drivers/serial.h:
kernel/param.h:
dsm/param.h:
kernel/trap.h:
kernel/x86.h:
