/*
 * gdt.c: the global descriptor table: flat 4 GiB code and data segments
 * for ring 0, nothing else (no user mode, no TSS yet). Selectors 0x08 and
 * 0x10 are also written in boot/trap.asm.
 */
#include <stdint.h>

#include "kernel/trap.h"

#define GDT_KCODE 0x08
#define GDT_KDATA 0x10

struct gdtr {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));

/* base 0, limit 0xFFFFF pages, 32-bit, present, ring 0 */
static const uint64_t gdt[3] = {
	0,
	0x00CF9A000000FFFFull,  /* code: execute/read */
	0x00CF92000000FFFFull,  /* data: read/write */
};

void gdt_load(const struct gdtr *r);     /* boot/trap.asm */

void gdt_init(void)
{
	static struct gdtr r;

	r.limit = sizeof(gdt) - 1;
	r.base = (uint32_t)gdt;
	gdt_load(&r);
}
