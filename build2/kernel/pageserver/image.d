build2/kernel/pageserver/image.o: pageserver/image.c dsm/frame.h \
 dsm/lib.h pageserver/format.h dsm/param.h pageserver/image.h
dsm/frame.h:
dsm/lib.h:
pageserver/format.h:
dsm/param.h:
pageserver/image.h:
