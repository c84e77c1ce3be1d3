build2/kernel/shell/news.o: shell/news.c dsm/dsm.h dsm/env.h dsm/frame.h \
 dsm/param.h dsm/proto.h txn/txn.h kernel/dsmenv.h kernel/cmdline.h \
 kernel/param.h kernel/kernel.h kernel/sched.h kernel/heaplayout.h \
 kernel/memlayout.h kernel/time.h shell/shell.h
dsm/dsm.h:
dsm/env.h:
dsm/frame.h:
dsm/param.h:
dsm/proto.h:
txn/txn.h:
kernel/dsmenv.h:
kernel/cmdline.h:
kernel/param.h:
kernel/kernel.h:
kernel/sched.h:
kernel/heaplayout.h:
kernel/memlayout.h:
kernel/time.h:
shell/shell.h:
