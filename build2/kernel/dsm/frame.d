build2/kernel/dsm/frame.o: dsm/frame.c dsm/frame.h
dsm/frame.h:
