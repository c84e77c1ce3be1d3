build2/kernel/kernel/string.o: kernel/string.c kernel/kernel.h \
 kernel/cmdline.h kernel/x86.h
kernel/kernel.h:
kernel/cmdline.h:
kernel/x86.h:
