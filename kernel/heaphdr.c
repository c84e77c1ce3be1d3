/*
 * heaphdr.c: the heap header at page 0 (kernel/heaplayout.h) and the boot
 * roles around it. A master creates a new heap: its first transaction
 * writes the header; with image=1 it first asks the PageServer for an image
 * (dsm/proto.h, 7) and, if there is one, reads the restored header instead.
 * A slave joins a live heap (dsm/proto.h, 2), then reads the header in a
 * transaction, which fetches page 0 from its owner, and
 * checks magic, layout version and size. A node whose join takes longer
 * than HEAPHDR_JOIN_WAIT_US becomes ready anyway and keeps joining in the
 * background: heap commands say "not joined" until it has.
 * Heap-resident: touches the heap only inside transactions.
 */
#include "dsm/dsm.h"
#include "kernel/dsmenv.h"
#include "kernel/heaplayout.h"
#include "kernel/kernel.h"
#include "kernel/objheap.h"
#include "kernel/param.h"
#include "kernel/time.h"
#include "kernel/txrun.h"
#include "kernel/wait.h"


struct hdr_arg {
	struct heap_header h;
};

static void hdr_write_body(void *a)
{
	struct hdr_arg *x = a;
	volatile struct heap_header *h = (volatile struct heap_header *)HEAP_PAGE_VA(0);

	h->magic = HEAP_MAGIC;
	h->layout_version = HEAP_LAYOUT_VERSION;
	h->npages = x->h.npages;
	h->creator = x->h.creator;
	h->gtime_created = dsmenv_node()->gtime + 1u;   /* the time this commit gets */
	h->root = 0;
	h->reserved = 0;
}

static void hdr_read_body(void *a)
{
	struct hdr_arg *x = a;
	const volatile struct heap_header *h = (const volatile struct heap_header *)HEAP_PAGE_VA(0);

	x->h.magic = h->magic;
	x->h.layout_version = h->layout_version;
	x->h.npages = h->npages;
	x->h.creator = h->creator;
	x->h.gtime_created = h->gtime_created;
	x->h.root = h->root;
}

static void heap_create(void)
{
	struct hdr_arg a = { .h = { .npages = dsmenv_node()->npages,
				    .creator = kernel_cmdline.node } };
	int r = txrun(hdr_write_body, &a);

	if (r < 0)
		kprintf("heap: error: writing the header: %s\n", dsmenv_strerror(r));
	else
		kprintf("heap: created, %u pages at 0x%08x, header at gtime %llu\n", a.h.npages,
			HEAP_VBASE, dsmenv_node()->gtime);
}

static int joined(void *arg)
{
	(void)arg;
	return dsmenv_heap_bytes() != 0;
}

static int wait_joined(uint64_t limit_us)
{
	return wait_until(joined, 0, (uint32_t)(limit_us * PIT_HZ / 1000000u) + 1u);
}

/* Read and check the header; `what` says how this node came to the heap. */
static void heap_check(const char *what, uint64_t t0, uint32_t before)
{
	struct hdr_arg a;
	int r = txrun(hdr_read_body, &a);

	if (r < 0) {
		kprintf("heap: error: reading the header: %s\n", dsmenv_strerror(r));
	} else if (a.h.magic != HEAP_MAGIC || a.h.layout_version != HEAP_LAYOUT_VERSION ||
		   a.h.npages != dsmenv_node()->npages) {
		kprintf("heap: error: bad header (magic 0x%08x version %u pages %u, want 0x%08x "
			"%u %u)\n", a.h.magic, a.h.layout_version, a.h.npages, HEAP_MAGIC,
			HEAP_LAYOUT_VERSION, dsmenv_node()->npages);
	} else {
		kprintf("heap: %s at gtime %llu, created by node %u at gtime %llu; "
			"%u pages fetched in %llu us\n", what, dsmenv_node()->gtime, a.h.creator,
			a.h.gtime_created, dsmenv_node()->stats.pages_installed - before,
			time_us() - t0);
	}
}

static void heap_join(void)
{
	if (wait_joined(HEAPHDR_JOIN_WAIT_US) < 0) {
		kprintf("heap: no master answered in %u ms; joining in the background\n",
			HEAPHDR_JOIN_WAIT_US / 1000u);
		return;
	}
	if (dsmenv_node()->ps.active)
		kprintf("heap: pageserver joined at gtime %llu\n", dsmenv_node()->gtime);
	else
		heap_check("joined", time_us(), dsmenv_node()->stats.pages_installed);
}

/* A master: a new heap, or (image=1) the one a PageServer's image holds. */
static void heap_start(void)
{
	uint64_t t0 = time_us();

	if (wait_joined(HEAPHDR_RESTORE_WAIT_US) < 0) {
		kprintf("heap: error: no heap after %u ms\n", HEAPHDR_RESTORE_WAIT_US / 1000u);
		return;
	}
	if (dsmenv_node()->restored)
		heap_check("restored from the PageServer", t0, 0);
	else
		heap_create();
}

void heaphdr_boot(void)
{
	if (!dsmenv_on())
		return;
	if (dsmenv_node()->cfg.manager)
		heap_start();
	else
		heap_join();
	objheap_boot();
}
