build2/kernel/kernel/cmdline.o: kernel/cmdline.c kernel/cmdline.h
kernel/cmdline.h:
