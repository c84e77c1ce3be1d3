build2/kernel/shell/schedcmd.o: shell/schedcmd.c dsm/dsm.h dsm/env.h \
 dsm/frame.h dsm/param.h dsm/proto.h txn/txn.h kernel/dsmenv.h \
 kernel/cmdline.h kernel/param.h kernel/heaplayout.h kernel/memlayout.h \
 kernel/kernel.h kernel/sched.h kernel/txrun.h shell/cmds.h shell/shell.h
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
kernel/sched.h:
kernel/txrun.h:
shell/cmds.h:
shell/shell.h:
