/*
 * vm.c: two-level i386 paging, 4 KiB pages, no PAE, no large pages.
 * Owns the page directory and every page table. The identity map covers
 * local RAM from 4 KiB up to the top given by kalloc; page 0 stays absent
 * so NULL dereferences fault. Nothing at or above HEAP_VBASE is mapped at
 * boot.
 */
#include "kernel/kalloc.h"
#include "kernel/kernel.h"
#include "kernel/memlayout.h"
#include "kernel/vm.h"
#include "kernel/x86.h"

#define PDX(va)     ((va) >> 22)
#define PTX(va)     (((va) >> 12) & 0x3FF)
#define PTE_ADDR(e) ((e) & ~0xFFFu)
#define CR0_PG      0x80000000u
#define CR0_WP      0x00010000u     /* honour read-only pages in ring 0 */

static uint32_t *pgdir;
static uint32_t mapped;

int vm_map(uint32_t va, uint32_t pa, uint32_t flags)
{
	uint32_t *pt;

	if (!(pgdir[PDX(va)] & PTE_P)) {
		pt = kalloc();
		if (!pt)
			return -1;
		pgdir[PDX(va)] = (uint32_t)pt | PTE_P | PTE_W;
	}
	pt = (uint32_t *)PTE_ADDR(pgdir[PDX(va)]);
	if (!(pt[PTX(va)] & PTE_P))
		mapped += PGSIZE;
	pt[PTX(va)] = PGROUNDDOWN(pa) | flags | PTE_P;
	if (cr0_read() & CR0_PG)
		invlpg(va);
	return 0;
}

/* Clear one page's entry (its frame is the caller's) and flush its TLB entry. */
void vm_unmap(uint32_t va)
{
	uint32_t *pt;

	if (!(pgdir[PDX(va)] & PTE_P))
		return;
	pt = (uint32_t *)PTE_ADDR(pgdir[PDX(va)]);
	if (pt[PTX(va)] & PTE_P)
		mapped -= PGSIZE;
	pt[PTX(va)] = 0;
	invlpg(va);
}

int vm_init(uint32_t top)
{
	ASSERT(top <= KMEM_LOCAL_MAX);
	pgdir = kalloc();
	if (!pgdir)
		return -1;
	for (uint32_t a = PGSIZE; a < top; a += PGSIZE)
		if (vm_map(a, a, PTE_W) < 0)
			return -1;
	cr3_write((uint32_t)pgdir);
	cr0_write(cr0_read() | CR0_PG | CR0_WP);
	return 0;
}

uint32_t vm_mapped_bytes(void)
{
	return mapped;
}
