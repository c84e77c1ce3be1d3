/*
 * ktrace.c: ktrace=1's lines (docs/CONTRACT.md): one per code page this node
 * fetched, with what the page holds, named from the heap part's symbol table
 * (kernel/ksyms.h). The fault path only records a fetch (kernel/kcode.c);
 * this prints the records between commands (the shell's idle loop) and after
 * the boot, where reading the table may itself fault code pages in (they are
 * traced in turn). Heap-resident; reads kcode's records and the table only.
 */
#include "kernel/heaplayout.h"
#include "kernel/kcode.h"
#include "kernel/kernel.h"
#include "kernel/ksyms.h"
#include "kernel/ktrace.h"
#include "kernel/memlayout.h"

extern const uint8_t __heaprodata_end[];        /* linker.ld */

/* The index of the last symbol at or below va (0 if none). */
static uint32_t sym_at(uint32_t va)
{
	uint32_t lo = 0, hi = ksyms_count;

	while (hi - lo > 1u) {
		uint32_t mid = (lo + hi) / 2u;
		if (ksyms[mid].addr <= va)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

void ksym_name(uint32_t va, char *buf, uint32_t cap)
{
	uint32_t i;

	if (va < (uint32_t)__heappart_start || va >= (uint32_t)__heaprodata_end || !ksyms_count) {
		ksnprintf(buf, cap, "?");
		return;
	}
	i = sym_at(va);
	if (ksyms[i].addr > va)
		ksnprintf(buf, cap, "?");
	else
		ksnprintf(buf, cap, "%s+0x%x", ksyms_names + ksyms[i].name, va - ksyms[i].addr);
}

/* What the code page at va holds, in words. */
static void page_holds(uint32_t page, char *buf, uint32_t cap)
{
	const struct kcode_desc *d = kcode_desc();
	uint32_t va = HEAP_PAGE_VA(page), end = va + PGSIZE, first, last;

	if (page == HEAP_PG_CODE) {
		ksnprintf(buf, cap, "the descriptor");
		return;
	}
	if (d && va >= KCODE_VA + d->image_bytes) {
		ksnprintf(buf, cap, "initial data");
		return;
	}
	if (va >= (uint32_t)__heaprodata_end || ksyms_count == 0) {
		ksnprintf(buf, cap, "the symbol table");
		return;
	}
	first = sym_at(va);
	last = sym_at(end - 1u);
	if (ksyms[first].addr > va) {
		ksnprintf(buf, cap, "before %s", ksyms_names + ksyms[first].name);
		return;
	}
	ksnprintf(buf, cap, "%s+0x%x .. %s (%u symbols)", ksyms_names + ksyms[first].name,
		  va - ksyms[first].addr, ksyms_names + ksyms[last].name, last - first + 1u);
}

void ktrace_flush(void)
{
	struct kcode_fetch f;
	uint32_t lost;
	char holds[120];

	while (kcode_trace_take(&f, &lost)) {
		if (lost)
			kprintf("ktrace: %u code page fetches not traced (more than %u waiting)\n",
				lost, KCODE_TRACE_RING);
		page_holds(f.page, holds, sizeof(holds));
		kprintf("ktrace: code page %u (0x%08x..0x%08x) from node %u in %u us: %s\n",
			f.page, HEAP_PAGE_VA(f.page), HEAP_PAGE_VA(f.page) + PGSIZE - 1u, f.from,
			f.us, holds);
	}
}
