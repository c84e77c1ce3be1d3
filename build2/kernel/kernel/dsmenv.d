build2/kernel/kernel/dsmenv.o: kernel/dsmenv.c dsm/dsm.h dsm/env.h \
 dsm/frame.h dsm/param.h dsm/proto.h txn/txn.h kernel/dsmenv.h \
 kernel/cmdline.h kernel/param.h kernel/kalloc.h kernel/kcode.h \
 kernel/heaplayout.h kernel/memlayout.h kernel/kernel.h kernel/net.h \
 kernel/time.h kernel/txbody.h kernel/trap.h kernel/vm.h kernel/wait.h \
 kernel/x86.h
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
kernel/kcode.h:
kernel/heaplayout.h:
kernel/memlayout.h:
kernel/kernel.h:
kernel/net.h:
kernel/time.h:
kernel/txbody.h:
kernel/trap.h:
kernel/vm.h:
kernel/wait.h:
kernel/x86.h:
