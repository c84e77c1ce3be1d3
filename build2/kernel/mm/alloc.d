build2/kernel/mm/alloc.o: mm/alloc.c mm/impl.h mm/mm.h mm/param.h
mm/impl.h:
mm/mm.h:
mm/param.h:
