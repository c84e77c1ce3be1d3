build2/kernel/drivers/pit.o: drivers/pit.c drivers/pit.h kernel/trap.h \
 kernel/x86.h
drivers/pit.h:
kernel/trap.h:
kernel/x86.h:
