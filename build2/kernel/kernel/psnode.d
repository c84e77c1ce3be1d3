build2/kernel/kernel/psnode.o: kernel/psnode.c drivers/ata.h dsm/dsm.h \
 dsm/env.h dsm/frame.h dsm/param.h dsm/proto.h txn/txn.h kernel/dsmenv.h \
 kernel/cmdline.h kernel/param.h kernel/kernel.h kernel/psnode.h \
 kernel/time.h kernel/x86.h pageserver/image.h pageserver/format.h
drivers/ata.h:
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
kernel/x86.h:
pageserver/image.h:
pageserver/format.h:
