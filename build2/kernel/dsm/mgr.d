build2/kernel/dsm/mgr.o: dsm/mgr.c dsm/impl.h dsm/dsm.h dsm/env.h \
 dsm/frame.h dsm/param.h dsm/proto.h txn/txn.h dsm/lib.h
dsm/impl.h:
dsm/dsm.h:
dsm/env.h:
dsm/frame.h:
dsm/param.h:
dsm/proto.h:
txn/txn.h:
dsm/lib.h:
