build2/kernel/kernel/heaphdr.o: kernel/heaphdr.c dsm/dsm.h dsm/env.h \
 dsm/frame.h dsm/param.h dsm/proto.h txn/txn.h kernel/dsmenv.h \
 kernel/cmdline.h kernel/param.h kernel/heaplayout.h kernel/memlayout.h \
 kernel/kernel.h kernel/objheap.h gc/gc.h mm/mm.h mm/param.h \
 kernel/time.h kernel/txrun.h kernel/wait.h
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
kernel/txrun.h:
kernel/wait.h:
