build2/kernel/dsm/msg.o: dsm/msg.c dsm/proto.h dsm/frame.h dsm/param.h \
 dsm/lib.h
dsm/proto.h:
dsm/frame.h:
dsm/param.h:
dsm/lib.h:
