/*
 * part.h: how a master's node-local boot finds the heap-resident kernel in
 * its own image (build/plurix.elf) to install it. The heap part's image
 * begins (linker.ld: linked at KCODE_VA, loaded at __kcode_lma) with one
 * struct kernel_part, defined by kernel/main.c; kernel/kcode.c checks its
 * magic (plurix-node.elf has none) and puts its entry in the code area's
 * descriptor (kernel/kcode.h), through which every node enters the kernel.
 * The descriptor and the hooks registered at run time (trap_pf_register,
 * trap_exit_register, trap_irq_register, dsmenv_set_disk, txrun_on_aborted)
 * are the only ways from the node-local part into the rest; `make
 * local-check` keeps it so.
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
