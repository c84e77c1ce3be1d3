/*
 * part.h: how the node-local part finds the heap-resident kernel. The heap
 * part of the image begins (linker.ld, __heappart_start) with one struct
 * kernel_part, defined by kernel/main.c; kernel/boot.c checks its magic and
 * calls its entry once the node-local boot is done. This descriptor and the
 * hooks registered at run time (trap_pf_register, trap_exit_register,
 * trap_irq_register, dsmenv_set_disk, ...) are the only ways from the
 * node-local part into the rest; `make local-check` keeps it so.
 */
#ifndef PLURIX_KERNEL_PART_H
#define PLURIX_KERNEL_PART_H

#include <stdint.h>

#define KERNEL_PART_MAGIC 0x4b50584cu     /* "LXPK" little-endian */

struct kernel_part {
	uint32_t magic;
	void (*entry)(void);    /* never returns */
};

#endif
