build2/kernel/mm/ref.o: mm/ref.c mm/impl.h mm/mm.h mm/param.h
mm/impl.h:
mm/mm.h:
mm/param.h:
