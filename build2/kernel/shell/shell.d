build2/kernel/shell/shell.o: shell/shell.c drivers/rtl8139.h \
 drivers/serial.h kernel/console.h kernel/dsmenv.h dsm/frame.h \
 kernel/cmdline.h kernel/param.h dsm/param.h kernel/kalloc.h \
 kernel/kcode.h kernel/heaplayout.h kernel/memlayout.h kernel/kernel.h \
 kernel/net.h kernel/objheap.h gc/gc.h mm/mm.h mm/param.h kernel/psnode.h \
 kernel/sched.h kernel/time.h kernel/vm.h kernel/wait.h kernel/x86.h \
 shell/cmds.h shell/shell.h
drivers/rtl8139.h:
drivers/serial.h:
kernel/console.h:
kernel/dsmenv.h:
dsm/frame.h:
kernel/cmdline.h:
kernel/param.h:
dsm/param.h:
kernel/kalloc.h:
kernel/kcode.h:
kernel/heaplayout.h:
kernel/memlayout.h:
kernel/kernel.h:
kernel/net.h:
kernel/objheap.h:
gc/gc.h:
mm/mm.h:
mm/param.h:
kernel/psnode.h:
kernel/sched.h:
kernel/time.h:
kernel/vm.h:
kernel/wait.h:
kernel/x86.h:
shell/cmds.h:
shell/shell.h:
