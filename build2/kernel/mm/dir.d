build2/kernel/mm/dir.o: mm/dir.c mm/impl.h mm/mm.h mm/param.h
mm/impl.h:
mm/mm.h:
mm/param.h:
