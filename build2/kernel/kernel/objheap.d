build2/kernel/kernel/objheap.o: kernel/objheap.c dsm/dsm.h dsm/env.h \
 dsm/frame.h dsm/param.h dsm/proto.h txn/txn.h kernel/cmdline.h \
 kernel/dsmenv.h kernel/param.h kernel/heaplayout.h kernel/memlayout.h \
 kernel/kernel.h kernel/objheap.h gc/gc.h mm/mm.h mm/param.h \
 kernel/txbody.h kernel/trap.h kernel/txrun.h
dsm/dsm.h:
dsm/env.h:
dsm/frame.h:
dsm/param.h:
dsm/proto.h:
txn/txn.h:
kernel/cmdline.h:
kernel/dsmenv.h:
kernel/param.h:
kernel/heaplayout.h:
kernel/memlayout.h:
kernel/kernel.h:
kernel/objheap.h:
gc/gc.h:
mm/mm.h:
mm/param.h:
kernel/txbody.h:
kernel/trap.h:
kernel/txrun.h:
