build2/kernel/shell/objcmd.o: shell/objcmd.c dsm/dsm.h dsm/env.h \
 dsm/frame.h dsm/param.h dsm/proto.h txn/txn.h kernel/dsmenv.h \
 kernel/cmdline.h kernel/param.h kernel/heaplayout.h kernel/memlayout.h \
 kernel/kernel.h kernel/objheap.h gc/gc.h mm/mm.h mm/param.h \
 kernel/time.h kernel/txbody.h kernel/trap.h kernel/txrun.h kernel/x86.h \
 shell/cmds.h shell/shell.h shell/steps.h
dsm/dsm.h:
dsm/env.h:
dsm/frame.h:
dsm/param.h:
dsm/proto.h:
txn/txn.h:
kernel/dsmenv.h:
kernel/cmdline.h:
kernel/param.h:
kernel/heaplayout.h:
kernel/memlayout.h:
kernel/kernel.h:
kernel/objheap.h:
gc/gc.h:
mm/mm.h:
mm/param.h:
kernel/time.h:
kernel/txbody.h:
kernel/trap.h:
kernel/txrun.h:
kernel/x86.h:
shell/cmds.h:
shell/shell.h:
shell/steps.h:
