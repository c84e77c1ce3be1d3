/*
 * plx.h: the kernel's side of include/plurix.h (kernel/plx.c): the export
 * table a program's undefined symbols are linked against (prog/elf.h's
 * resolve callback, kernel/prog.c). The table is heap-resident read-only
 * data: it lives in the heap's code area with the kernel that implements it.
 */
#ifndef PLURIX_KERNEL_PLX_H
#define PLURIX_KERNEL_PLX_H

#include <stdint.h>

/* The address plurix.h's function `name` has on this kernel: 1 and *va, or 0. */
int plx_export_find(const char *name, uint32_t *va);
/* The number of exports (`programs` prints it). */
uint32_t plx_export_count(void);

#endif
