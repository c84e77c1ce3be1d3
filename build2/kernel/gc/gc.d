build2/kernel/gc/gc.o: gc/gc.c gc/gc.h mm/mm.h mm/param.h mm/impl.h
gc/gc.h:
mm/mm.h:
mm/param.h:
mm/impl.h:
