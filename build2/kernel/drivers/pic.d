build2/kernel/drivers/pic.o: drivers/pic.c drivers/pic.h kernel/trap.h \
 kernel/x86.h
drivers/pic.h:
kernel/trap.h:
kernel/x86.h:
