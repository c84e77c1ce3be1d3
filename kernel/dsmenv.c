/*
 * dsmenv.c: the protocol core on the kernel (see dsmenv.h for the rules).
 * Owns this node's struct dsm_node, the local frames of the heap pages it
 * holds, the DSM receive queue and the heap page-fault handler.
 *
 * The environment (dsm/env.h) on this machine:
 *   send          net_send_frame: our MAC and the peer's (or broadcast) go
 *                 into the core's frame; a full transmit queue drops it (the
 *                 core retries)
 *   now           PIT ticks (PIT_HZ)
 *   page_map      the page is zero: its old frame (if any) goes back to kalloc,
 *                 and a zeroed one is taken when the page is first used, so a
 *                 heap of 256 MB costs a node only the pages it touches (the
 *                 master's new heap costs nothing); no PTE yet
 *   page_protect  NONE: PTE cleared; READ: present; WRITE: present+writable.
 *                 vm_map/vm_unmap invlpg the address (CR0.WP is on, so a
 *                 read-only PTE stops ring-0 writes)
 *   page_unmap    PTE cleared, frame back to kalloc
 *   page_copy     through the frame's identity mapping, never the heap
 *                 address, so the core never faults on the heap itself
 *   wake          a flag the wait loops look at
 *
 * Fault path: a heap fault inside a transaction body calls dsm_fault. OK:
 * the instruction is retried. EWAIT: the handler waits with interrupts on
 * (wait_until, which runs the core), then asks again. Anything else: the
 * attempt is over, and the handler unwinds the body to its restart point
 * (kernel/txbody.c); the runner (kernel/txrun.c) begins again (aborted) or
 * returns the error (failed).
 *
 * The read set is MMU-based without accessed bits: outside a transaction
 * every heap PTE is cleared (page_protect NONE), so the first access of each
 * page in a transaction faults and dsm_fault records it. That costs one
 * fault per page per transaction, but it is exact (accessed bits would need
 * a scan of every PTE at commit and a TLB flush to be trustworthy) and it is
 * the same path the simulator drives.
 */
#include "dsm/dsm.h"
#include "kernel/dsmenv.h"
#include "kernel/kalloc.h"
#include "kernel/kcode.h"
#include "kernel/kernel.h"
#include "kernel/memlayout.h"
#include "kernel/net.h"
#include "kernel/param.h"
#include "kernel/time.h"
#include "kernel/txbody.h"
#include "kernel/vm.h"
#include "kernel/wait.h"
#include "kernel/x86.h"

_Static_assert(DSMENV_HEAP_PAGES <= DSM_PAGES_MAX, "the core holds the whole heap");
/* env_now counts PIT ticks, the unit of dsm/param.h (kernel/param.h asserts
 * the kernel's waits outlast the core's own timeouts). */

static struct dsm_node node;
static int on;
static int in_core;             /* the core is running: never enter it again */
static int held;                /* dsmenv_hold: frames wait in the queue */
static volatile int woken;
static int fault_waiting;       /* the fault path waits for a page: it runs the core */
static uint32_t last_tick;
static uint32_t rnd;
static uint8_t *frame_of[DSMENV_HEAP_PAGES];   /* NULL: absent, or zero until used */
static uint32_t frames_held;
static struct dsmenv_stats st;

/* Frames net.c decoded and checked, waiting for the core: the header and
 * the payload (the NIC's ring slot is reused once the interrupt returns). */
static struct rxq_slot {
	struct frame_hdr h;
	uint8_t snoop;          /* 1: another node's frame, for dsm_ps_snoop */
	uint8_t payload[FRAME_PAYLOAD_MAX];
} rxq[DSMENV_RXQ];
static volatile uint32_t rxq_head, rxq_tail;   /* head: interrupt; tail: core */

static uint32_t page_va(uint32_t page)
{
	return HEAP_VBASE + page * PGSIZE;
}

/* --- the environment --------------------------------------------------- */

static void env_send(void *ctx, uint16_t dst, const uint8_t *frame, size_t len)
{
	(void)ctx;
	if (net_send_frame(dst, frame, len) != 0)
		st.tx_drops++;
}

static uint64_t env_now(void *ctx)
{
	(void)ctx;
	return time_ticks;
}

static uint32_t env_random(void *ctx)
{
	(void)ctx;
	rnd ^= (uint32_t)rdtsc();
	rnd ^= rnd << 13;       /* xorshift32 over the TSC's low bits */
	rnd ^= rnd >> 17;
	rnd ^= rnd << 5;
	return rnd;
}

/* A page's frame, taken from kalloc on its first use (zeroed unless the
 * caller fills it). Short of frames, the core drops replicas nobody uses now
 * (dsm_page_evict) until one is free; a node whose RAM cannot hold even the
 * pages it must keep (owned, in the transaction, a PageServer's unsaved
 * ones) stops with a clear line (fail-stop, which the cluster survives). */
static uint8_t *frame_get(uint32_t page, int zeroed)
{
	ASSERT(page < DSMENV_HEAP_PAGES);
	while (!frame_of[page]) {
		frame_of[page] = zeroed ? kalloc() : kalloc_dirty();
		if (frame_of[page])
			frames_held++;
		else if (!dsm_page_evict(&node, page))
			panic("dsm: out of local memory at heap page %u: this node holds %u "
			      "heap pages (%u MB) it cannot let go; boot it with more memory",
			      page, frames_held, frames_held / 256u);
	}
	return frame_of[page];
}

static uint8_t *env_frame(uint32_t page)
{
	return frame_get(page, 1);
}

static void frame_put(uint32_t page)
{
	if (frame_of[page]) {
		kfree(frame_of[page]);
		frame_of[page] = 0;
		frames_held--;
	}
}

/* dsmenv_code_private: these pages' addresses map this node's own copy of
 * the code, not the heap's frames (which the core still keeps and serves). */
static uint32_t private_first, private_end;

static int page_private(uint32_t page)
{
	return page >= private_first && page < private_end;
}

static void page_unmap_va(uint32_t page)
{
	if (!page_private(page))
		vm_unmap(page_va(page));
}

static void env_page_map(void *ctx, uint32_t page)
{
	(void)ctx;
	ASSERT(page < DSMENV_HEAP_PAGES);
	page_unmap_va(page);
	frame_put(page);        /* zero from now on: a zeroed frame on first use */
}

static void env_page_unmap(void *ctx, uint32_t page)
{
	(void)ctx;
	ASSERT(page < DSMENV_HEAP_PAGES);
	page_unmap_va(page);
	frame_put(page);
}

static void env_page_protect(void *ctx, uint32_t page, enum dsm_prot prot)
{
	uint32_t pa = (uint32_t)env_frame(page);

	(void)ctx;
	if (page_private(page))
		return;
	if (prot == DSM_PROT_NONE)
		vm_unmap(page_va(page));
	else
		ASSERT(vm_map(page_va(page), pa, prot == DSM_PROT_WRITE ? PTE_W : 0) == 0);
}

void dsmenv_code_private(uint32_t first, uint32_t npages, uint32_t pa)
{
	ASSERT(first + npages <= DSMENV_HEAP_PAGES);
	for (uint32_t i = 0; i < npages; i++)
		ASSERT(vm_map(page_va(first + i), pa + i * PGSIZE, 0) == 0);
	private_first = first;
	private_end = first + npages;
}

/* A zero page read without being mapped (served, staged) takes no frame. */
static const uint8_t *frame_or_zero(uint32_t page)
{
	static const uint8_t zero_page[PGSIZE] __attribute__((aligned(PGSIZE)));

	ASSERT(page < DSMENV_HEAP_PAGES);
	return frame_of[page] ? frame_of[page] : zero_page;
}

static void env_page_copy(void *ctx, uint32_t page, enum dsm_copy dir, uint8_t *buf)
{
	(void)ctx;
	if (dir == DSM_COPY_OUT)
		memcpy(buf, frame_or_zero(page), PGSIZE);
	else
		memcpy(frame_get(page, 0), buf, PGSIZE);
}

static void env_wake(void *ctx)
{
	(void)ctx;
	woken = 1;
}

static void env_panic(void *ctx, const char *file, int line, const char *expr)
{
	(void)ctx;
	panic("dsm: assert %s at %s:%d", expr, file, line);
}

/* The PageServer's disk side (kernel/psnode.c, heap-resident) is reached only
 * through this one root, set by dsmenv_set_disk: no other pointer from this
 * node-local file into heap-resident code. Unset: every call fails. */
static const struct dsmenv_disk *disk;

void dsmenv_set_disk(const struct dsmenv_disk *d)
{
	disk = d;
}

static int env_ps_begin(void *ctx, uint64_t t)
{
	(void)ctx;
	return disk ? disk->begin(t) : -1;
}

static int env_ps_save(void *ctx, uint32_t page, uint64_t v)
{
	(void)ctx;
	return disk ? disk->save(page, v, frame_or_zero(page)) : -1;
}

static int env_ps_commit(void *ctx, uint64_t t, uint32_t npages, bool full)
{
	(void)ctx;
	return disk ? disk->commit(t, npages, full) : -1;
}

static int env_ps_read(void *ctx, uint32_t page, uint8_t *buf, uint64_t *v)
{
	(void)ctx;
	return disk ? disk->read(page, buf, v) : -1;
}

static const struct dsm_env kernel_env = {
	.send = env_send, .now = env_now, .random = env_random,
	.page_map = env_page_map, .page_unmap = env_page_unmap,
	.page_protect = env_page_protect, .page_copy = env_page_copy,
	.wake = env_wake, .panic = env_panic, .observe = 0,
	.ps_begin = env_ps_begin, .ps_save = env_ps_save, .ps_commit = env_ps_commit,
	.ps_read = env_ps_read,
};

/* --- boot, receive queue, poll ----------------------------------------- */

/* The page tables of the heap range, now, so the fault path never
 * allocates one (frames for the pages come as pages arrive). */
static int heap_reserve(void)
{
	for (uint32_t p = 0; p < DSMENV_HEAP_PAGES; p += 1024u) {
		if (vm_map(page_va(p), KERNEL_BASE, 0) < 0)
			return -1;
		vm_unmap(page_va(p));
	}
	return 0;
}

void dsmenv_init(const struct cmdline *c)
{
	struct dsm_config cfg = {
		.id = c->node, .cluster = c->cluster,
		.manager = c->role == CMDLINE_ROLE_MASTER, .npages = DSMENV_HEAP_PAGES,
		.await_image = c->image != 0, .pageserver = c->role == CMDLINE_ROLE_PAGESERVER,
		.ckpt_ticks = c->ckpt_s * PIT_HZ,
	};

	if (c->node >= DSM_NODES_MAX) {
		kprintf("dsm: node %u >= %u: no heap on this node\n", c->node, DSM_NODES_MAX);
		return;
	}
	if (heap_reserve() < 0) {
		kprintf("dsm: out of frames for the heap: no heap on this node\n");
		return;
	}
	kprintf("dsm: heap of %u MB; this node has room for %u MB of it\n",
		DSMENV_HEAP_PAGES / 256u, kalloc_free_frames() / 256u);
	rnd = (uint32_t)rdtsc() * 2654435761u + c->node + 1u;
	last_tick = time_ticks;
	in_core = 1;
	dsm_init(&node, &kernel_env, 0, &cfg);
	in_core = 0;
	on = 1;
}

int dsmenv_on(void)
{
	return on;
}

/* Interrupt context (or rtl8139_poll, interrupts off): queue, never run.
 * The payload's one copy on its way to the core. */
static void rxq_put(const struct frame_hdr *h, const uint8_t *payload, uint8_t snoop)
{
	struct rxq_slot *q;

	if (!on || h->len > FRAME_PAYLOAD_MAX)
		return;
	if (rxq_head - rxq_tail == DSMENV_RXQ) {
		st.rx_drops++;
		return;
	}
	q = &rxq[rxq_head % DSMENV_RXQ];
	q->h = *h;
	q->snoop = snoop;
	memcpy(q->payload, payload, h->len);
	__asm__ volatile("" ::: "memory");
	rxq_head++;
	st.rx_queued++;
}

void dsmenv_rx(const struct frame_hdr *h, const uint8_t *payload)
{
	rxq_put(h, payload, 0);
}

void dsmenv_rx_snoop(const struct frame_hdr *h, const uint8_t *payload)
{
	if (node.ps.active && (h->type == DSM_MSG_PAGE_DATA || dsm_ps_asks_manager(h->type)))
		rxq_put(h, payload, 1);
}

int dsmenv_pending(void)
{
	return on && !held && (rxq_head != rxq_tail || time_ticks != last_tick);
}

/* Main thread: hand the core what arrived, and a tick if one passed. */
void dsmenv_poll(void)
{
	uint32_t t;

	if (!on || in_core || held)
		return;
	in_core = 1;
	for (uint32_t i = 0; i < DSMENV_RXQ && rxq_tail != rxq_head; i++) {
		const struct rxq_slot *q = &rxq[rxq_tail % DSMENV_RXQ];
		if (q->snoop)
			dsm_ps_snoop(&node, &q->h, q->payload);
		else
			dsm_msg_in(&node, &q->h, q->payload);
		__asm__ volatile("" ::: "memory");
		rxq_tail++;
	}
	t = time_ticks;
	if (t != last_tick) {
		last_tick = t;
		dsm_tick(&node);
	}
	in_core = 0;
}

/* --- the fault path ---------------------------------------------------- */

static int core_fault(uint32_t page, int write)
{
	int r;

	in_core = 1;
	r = dsm_fault(&node, page, write != 0);
	in_core = 0;
	return r;
}

static void lat_record(uint64_t t0)
{
	st.lat_us[st.lat_n % DSMENV_LAT_SAMPLES] = (uint32_t)time_tsc_to_us(rdtsc() - t0);
	st.lat_n++;
}

static int fault_woken(void *arg)
{
	(void)arg;
	return woken;
}

/* Wait, interrupts on, for the core to wake us (a page came) or one tick:
 * the fault path's one wait, in which it runs the core itself. */
static void fault_wait(void)
{
	woken = 0;
	fault_waiting = 1;
	sti();
	(void)wait_until(fault_woken, 0, 1);
	cli();
	fault_waiting = 0;
}

/* A fault on the sealed code area (dsm/proto.h 12), in or out of a body:
 * wait for the page as long as it takes (a fetch that times out is asked
 * again, and said), check it (kcode_page_in), retry the instruction. */
static int code_fault(uint32_t page, uint32_t va, int write)
{
	uint32_t timeouts = node.stats.code_timeouts;
	uint64_t t0 = 0;

	if (in_core || fault_waiting)
		panic("dsm: code page %u (0x%08x) faulted inside the fault path: node-local code "
		      "must not run heap-resident code", page, va);
	for (;;) {
		int r = core_fault(page, write);
		if (r == DSM_OK) {
			kcode_page_in(page, frame_or_zero(page),
				      t0 ? (uint32_t)time_tsc_to_us(rdtsc() - t0) : 0, t0 != 0,
				      node.fetch.parts.src);
			return 1;
		}
		if (r == DSM_EROFS && txbody_active())
			txbody_unwind(r);
		if (r != DSM_EWAIT)
			panic("dsm: write to the read-only code area at 0x%08x outside a "
			      "transaction", va);
		if (!t0)
			t0 = rdtsc();
		if (node.stats.code_timeouts != timeouts) {
			timeouts = node.stats.code_timeouts;
			kprintf("dsm: code page %u: no answer in %u s; asking again\n", page,
				DSM_FETCH_TIMEOUT_TICKS / PIT_HZ);
		}
		fault_wait();
	}
}

/* Trap context, interrupts off. Waits for a fetch with interrupts on: one
 * tick at most between asks, or until the core wakes us (the page came). */
int dsmenv_fault(uint32_t err, uint32_t va)
{
	uint32_t page = (va - HEAP_VBASE) / PGSIZE, start = time_ticks;
	uint64_t t0 = 0;

	if (!on || va < HEAP_VBASE || va > HEAP_VLAST)
		return 0;
	if (dsm_code_page(&node, page))
		return code_fault(page, va, err & 2u);
	if (!txbody_active() || in_core)
		return 0;
	st.faults++;
	for (;;) {
		int r = core_fault(page, err & 2u);
		if (r == DSM_OK) {
			if (t0)
				lat_record(t0);
			return 1;
		}
		if (r != DSM_EWAIT)
			txbody_unwind(r);
		if (!t0) {
			t0 = rdtsc();
			st.remote++;
		}
		if (time_ticks - start > DSMENV_WAIT_TICKS)
			txbody_unwind(DSMENV_ETIMEOUT);
		fault_wait();
	}
}

const char *dsmenv_strerror(int err)
{
	switch (err) {
	case DSM_EUNAVAIL:    return "page unavailable (its owner did not answer)";
	case DSM_EINVAL:      return "not a heap page";
	case DSM_EROFS:       return "the code area is read-only";
	case DSM_ETOOBIG:
	case TXN_ETOOBIG:     return "transaction touches too many pages";
	case TXN_ENOTOKEN:    return "commit token manager did not answer";
	case TXN_EFENCED:     return "no commits: the manager does not hear the PageServer "
				     "(a partition, or it failed); waiting for it";
	case TXN_ESTATE:      return "a transaction is still pending";
	case DSMENV_EOFF:     return "no heap on this node";
	case DSMENV_ENOTYET:  return "not joined to the heap yet";
	case DSMENV_ETIMEOUT: return "timed out waiting for the heap";
	case DSMENV_ERETRIES: return "aborted too often";
	case DSMENV_EPS:      return "the PageServer runs no transactions";
	case DSMENV_EFAULT:   return "the program faulted";
	case DSMENV_EPROG:    return "the program ended its transaction";
	case DSMENV_EYIELDS:  return "no progress: the token was given back too often "
				     "(a page's owner is slow or gone)";
	default:              return "transaction failed";
	}
}

uint32_t dsmenv_frames_held(void)
{
	return frames_held;
}

uint32_t dsmenv_heap_bytes(void)
{
	return on && node.mode == DSM_ACTIVE ? node.npages * PGSIZE : 0;
}

struct dsm_node *dsmenv_node(void)
{
	return &node;
}

int dsmenv_busy(void)
{
	return in_core || held || fault_waiting;
}

void dsmenv_hold(int on_hold)
{
	held = on_hold;
}

const struct dsmenv_stats *dsmenv_stats(void)
{
	return &st;
}
