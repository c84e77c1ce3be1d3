build2/kernel/mm/heap.o: mm/heap.c mm/impl.h mm/mm.h mm/param.h
mm/impl.h:
mm/mm.h:
mm/param.h:
