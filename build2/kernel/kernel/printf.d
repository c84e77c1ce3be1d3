build2/kernel/kernel/printf.o: kernel/printf.c kernel/console.h \
 kernel/kernel.h kernel/cmdline.h
kernel/console.h:
kernel/kernel.h:
kernel/cmdline.h:
