build2/kernel/kernel/kcode.o: kernel/kcode.c dsm/dsm.h dsm/env.h \
 dsm/frame.h dsm/param.h dsm/proto.h txn/txn.h kernel/dsmenv.h \
 kernel/cmdline.h kernel/param.h kernel/kcode.h kernel/heaplayout.h \
 kernel/memlayout.h kernel/kernel.h kernel/part.h kernel/time.h \
 kernel/txrun.h kernel/wait.h
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
kernel/part.h:
kernel/time.h:
kernel/txrun.h:
kernel/wait.h:
