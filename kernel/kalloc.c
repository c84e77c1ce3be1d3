/*
 * kalloc.c: physical frame allocator. Owns a bitmap with one bit per frame
 * of local RAM (bit set = in use). A frame is free only if the Multiboot
 * map calls it available and it lies above the kernel image; frame 0..1 MiB
 * (BIOS, loader data, VGA) is never handed out. Searches are next-fit and
 * bounded by the map size. Interrupt handlers must not call in here.
 */
#include "kernel/kalloc.h"
#include "kernel/kernel.h"
#include "kernel/memlayout.h"
#include "kernel/multiboot.h"

#define NFRAMES     (KMEM_LOCAL_MAX / PGSIZE)
#define MMAP_ENTRIES_MAX 128

static uint32_t used[NFRAMES / 32];
static uint32_t nframes;        /* frames below ram_top */
static uint32_t nfree;
static uint32_t next_hint;
static uint32_t ram_bytes;

static int bit_get(uint32_t f) { return (used[f / 32] >> (f % 32)) & 1; }
static void bit_set(uint32_t f) { used[f / 32] |= 1u << (f % 32); }
static void bit_clr(uint32_t f) { used[f / 32] &= ~(1u << (f % 32)); }

/* Mark [addr, addr+len) free, clipped to whole frames above the kernel. */
static void free_range(uint64_t addr, uint64_t len)
{
	uint64_t lo = PGROUNDUP(addr), hi = (addr + len) & ~(uint64_t)(PGSIZE - 1);
	uint64_t floor = PGROUNDUP((uint32_t)__kernel_end);

	if (lo < floor)
		lo = floor;
	if (hi > KMEM_LOCAL_MAX)
		hi = KMEM_LOCAL_MAX;
	for (uint64_t a = lo; a < hi; a += PGSIZE) {
		uint32_t f = (uint32_t)(a / PGSIZE);
		if (bit_get(f)) {
			bit_clr(f);
			nfree++;
		}
		if (f + 1 > nframes)
			nframes = f + 1;
	}
}

static int kalloc_from_mmap(const struct multiboot_info *mbi)
{
	uint32_t p = mbi->mmap_addr, end = mbi->mmap_addr + mbi->mmap_length;

	for (int i = 0; i < MMAP_ENTRIES_MAX && p + sizeof(struct multiboot_mmap) <= end; i++) {
		const struct multiboot_mmap *m = (const struct multiboot_mmap *)p;
		if (m->type == MB_MMAP_AVAILABLE) {
			ram_bytes += (uint32_t)(m->len > 0xFFFFFFFFu ? 0xFFFFFFFFu : m->len);
			free_range(m->addr, m->len);
		}
		p += m->size + 4;
	}
	return nfree ? 0 : -1;
}

int kalloc_init(const struct multiboot_info *mbi)
{
	memset(used, 0xFF, sizeof(used));
	if (mbi->flags & MB_INFO_MMAP)
		return kalloc_from_mmap(mbi);
	if (mbi->flags & MB_INFO_MEM) {         /* no map: one block above 1 MiB */
		ram_bytes = (mbi->mem_lower + mbi->mem_upper) * 1024u;
		free_range(0x100000, (uint64_t)mbi->mem_upper * 1024u);
		return nfree ? 0 : -1;
	}
	return -1;
}

/* n contiguous frames, marked used; not zeroed. */
static void *frames_take(uint32_t n)
{
	uint32_t run = 0;

	for (uint32_t i = 0; i < nframes; i++) {
		uint32_t f = (next_hint + i) % nframes;
		if (f == 0)
			run = 0;        /* a run never wraps around the end */
		run = bit_get(f) ? 0 : run + 1;
		if (run == n) {
			uint32_t first = f + 1 - n;
			for (uint32_t j = first; j <= f; j++)
				bit_set(j);
			nfree -= n;
			next_hint = f + 1;
			return (void *)(first * PGSIZE);
		}
	}
	return NULL;
}

void *kalloc_contig(uint32_t n)
{
	void *p = frames_take(n);

	if (p)
		memset(p, 0, n * PGSIZE);
	return p;
}

void *kalloc(void)
{
	return kalloc_contig(1);
}

void *kalloc_dirty(void)
{
	return frames_take(1);
}

void kfree(void *frame)
{
	uint32_t f = (uint32_t)frame / PGSIZE;

	ASSERT(((uint32_t)frame & (PGSIZE - 1)) == 0 && f < nframes && bit_get(f));
	bit_clr(f);
	nfree++;
}

uint32_t kalloc_free_frames(void) { return nfree; }
uint32_t kalloc_ram_top(void) { return nframes * PGSIZE; }
uint32_t kalloc_ram_bytes(void) { return ram_bytes; }
