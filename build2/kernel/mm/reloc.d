build2/kernel/mm/reloc.o: mm/reloc.c mm/impl.h mm/mm.h mm/param.h
mm/impl.h:
mm/mm.h:
mm/param.h:
