build2/kernel/mm/stat.o: mm/stat.c mm/impl.h mm/mm.h mm/param.h
mm/impl.h:
mm/mm.h:
mm/param.h:
