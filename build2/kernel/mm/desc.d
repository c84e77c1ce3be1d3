build2/kernel/mm/desc.o: mm/desc.c mm/impl.h mm/mm.h mm/param.h
mm/impl.h:
mm/mm.h:
mm/param.h:
