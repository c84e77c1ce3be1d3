build2/kernel/shell/pscmd.o: shell/pscmd.c dsm/dsm.h dsm/env.h \
 dsm/frame.h dsm/param.h dsm/proto.h txn/txn.h kernel/dsmenv.h \
 kernel/cmdline.h kernel/param.h kernel/kernel.h kernel/psnode.h \
 kernel/time.h kernel/wait.h pageserver/image.h pageserver/format.h \
 shell/cmds.h shell/shell.h
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
kernel/psnode.h:
kernel/time.h:
kernel/wait.h:
pageserver/image.h:
pageserver/format.h:
shell/cmds.h:
shell/shell.h:
