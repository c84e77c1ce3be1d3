build2/kernel/shell/kernelcmd.o: shell/kernelcmd.c dsm/dsm.h dsm/env.h \
 dsm/frame.h dsm/param.h dsm/proto.h txn/txn.h kernel/dsmenv.h \
 kernel/cmdline.h kernel/param.h kernel/kcode.h kernel/heaplayout.h \
 kernel/memlayout.h kernel/kernel.h kernel/objheap.h gc/gc.h mm/mm.h \
 mm/param.h kernel/txrun.h shell/cmds.h shell/shell.h
dsm/dsm.h:
dsm/env.h:
dsm/frame.h:
dsm/param.h:
dsm/proto.h:
txn/txn.h:
kernel/dsmenv.h:
kernel/cmdline.h:
kernel/param.h:
kernel/kcode.h:
kernel/heaplayout.h:
kernel/memlayout.h:
kernel/kernel.h:
kernel/objheap.h:
gc/gc.h:
mm/mm.h:
mm/param.h:
kernel/txrun.h:
shell/cmds.h:
shell/shell.h:
