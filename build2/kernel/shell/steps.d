build2/kernel/shell/steps.o: shell/steps.c dsm/dsm.h dsm/env.h \
 dsm/frame.h dsm/param.h dsm/proto.h txn/txn.h kernel/dsmenv.h \
 kernel/cmdline.h kernel/param.h kernel/kernel.h kernel/time.h \
 kernel/txrun.h shell/shell.h shell/steps.h
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
kernel/time.h:
kernel/txrun.h:
shell/shell.h:
shell/steps.h:
