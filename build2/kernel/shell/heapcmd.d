build2/kernel/shell/heapcmd.o: shell/heapcmd.c dsm/dsm.h dsm/env.h \
 dsm/frame.h dsm/param.h dsm/proto.h txn/txn.h kernel/dsmenv.h \
 kernel/cmdline.h kernel/param.h kernel/kalloc.h kernel/kernel.h \
 kernel/memlayout.h kernel/txrun.h shell/cmds.h shell/shell.h
dsm/dsm.h:
dsm/env.h:
dsm/frame.h:
dsm/param.h:
dsm/proto.h:
txn/txn.h:
kernel/dsmenv.h:
kernel/cmdline.h:
kernel/param.h:
kernel/kalloc.h:
kernel/kernel.h:
kernel/memlayout.h:
kernel/txrun.h:
shell/cmds.h:
shell/shell.h:
