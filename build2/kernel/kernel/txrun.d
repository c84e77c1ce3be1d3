build2/kernel/kernel/txrun.o: kernel/txrun.c dsm/dsm.h dsm/env.h \
 dsm/frame.h dsm/param.h dsm/proto.h txn/txn.h kernel/dsmenv.h \
 kernel/cmdline.h kernel/param.h kernel/kernel.h kernel/smartbuf.h \
 kernel/time.h kernel/txbody.h kernel/trap.h kernel/txrun.h kernel/wait.h \
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
kernel/kernel.h:
kernel/smartbuf.h:
kernel/time.h:
kernel/txbody.h:
kernel/trap.h:
kernel/txrun.h:
kernel/wait.h:
kernel/x86.h:
