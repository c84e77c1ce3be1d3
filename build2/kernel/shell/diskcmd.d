build2/kernel/shell/diskcmd.o: shell/diskcmd.c drivers/ata.h \
 kernel/kalloc.h kernel/kernel.h kernel/cmdline.h kernel/memlayout.h \
 kernel/psnode.h kernel/time.h kernel/x86.h shell/cmds.h shell/shell.h
drivers/ata.h:
kernel/kalloc.h:
kernel/kernel.h:
kernel/cmdline.h:
kernel/memlayout.h:
kernel/psnode.h:
kernel/time.h:
kernel/x86.h:
shell/cmds.h:
shell/shell.h:
