/*
 * heapcmd.c: the shell's heap commands (docs/CONTRACT.md):
 *   peek <addr> [len]   one transaction reads len bytes (default: one 32-bit
 *                       word) at a heap address and prints them after commit
 *   poke <addr> <value> one transaction writes a 32-bit word (addr aligned)
 *   heap                pages present/owned/replicated, faults, fetch latency
 * Numbers are decimal or 0x-hex. The bodies only touch the heap and their
 * argument (kernel/dsmenv.h): output waits until the transaction committed.
 * Heap-resident.
 */
#include "dsm/dsm.h"
#include "kernel/dsmenv.h"
#include "kernel/kalloc.h"
#include "kernel/kernel.h"
#include "kernel/memlayout.h"
#include "kernel/txrun.h"
#include "shell/cmds.h"
#include "shell/shell.h"

#define PEEK_MAX 256u   /* bytes one peek may read */

struct peek_arg {
	uint32_t addr, len;
	uint8_t buf[PEEK_MAX];
};

struct poke_arg {
	uint32_t addr, value;
};

/* addr..addr+len-1 inside the heap this node holds, or a clear error. */
static int heap_range(const char *cmd, const char *arg, uint32_t len, uint32_t *addr)
{
	uint32_t size = dsmenv_heap_bytes();

	if (shell_word(arg, addr) < 0)
		return shell_error("%s: bad address '%s'", cmd, arg);
	if (!dsmenv_on())
		return shell_error("%s: %s", cmd, dsmenv_strerror(DSMENV_EOFF));
	if (size == 0)
		return shell_error("%s: %s", cmd, dsmenv_strerror(DSMENV_ENOTYET));
	if (*addr < HEAP_VBASE || *addr - HEAP_VBASE >= size || len > size - (*addr - HEAP_VBASE))
		return shell_error("%s: 0x%08x is not a heap address (0x%08x-0x%08x)", cmd, *addr,
				   HEAP_VBASE, HEAP_VBASE + size - 1u);
	return 0;
}

static void peek_body(void *a)
{
	struct peek_arg *p = a;
	const volatile uint8_t *src = (const volatile uint8_t *)p->addr;

	for (uint32_t i = 0; i < p->len; i++)
		p->buf[i] = src[i];
}

static void poke_body(void *a)
{
	struct poke_arg *p = a;

	*(volatile uint32_t *)p->addr = p->value;
}

static void peek_print(const struct peek_arg *p, int word)
{
	if (word) {
		uint32_t v = (uint32_t)p->buf[0] | (uint32_t)p->buf[1] << 8 |
			     (uint32_t)p->buf[2] << 16 | (uint32_t)p->buf[3] << 24;
		kprintf("0x%08x: 0x%08x %u\n", p->addr, v, v);
		return;
	}
	for (uint32_t i = 0; i < p->len; i += 16) {
		char line[16 * 3 + 1];
		uint32_t k = 0;
		for (uint32_t j = i; j < p->len && j < i + 16; j++)
			k += (uint32_t)ksnprintf(line + k, sizeof(line) - k, " %02x", p->buf[j]);
		line[k] = '\0';
		kprintf("0x%08x:%s\n", p->addr + i, line);
	}
}

int heapcmd_peek(int argc, char **argv)
{
	static struct peek_arg p;
	uint32_t len = 4;
	int r;

	if (argc < 2 || argc > 3)
		return shell_error("usage: peek <addr> [len]");
	if (argc == 3 && (shell_number(argv[2], PEEK_MAX, &len) < 0 || len == 0))
		return shell_error("peek: len must be 1..%u", PEEK_MAX);
	if (heap_range("peek", argv[1], len, &p.addr) < 0)
		return -1;
	p.len = len;
	r = txrun(peek_body, &p);
	if (r < 0)
		return shell_error("peek: %s", dsmenv_strerror(r));
	peek_print(&p, argc == 2);
	return 0;
}

int heapcmd_poke(int argc, char **argv)
{
	struct poke_arg p;
	int r;

	if (argc != 3)
		return shell_error("usage: poke <addr> <value>");
	if (shell_word(argv[2], &p.value) < 0)
		return shell_error("poke: bad value '%s'", argv[2]);
	if (heap_range("poke", argv[1], 4, &p.addr) < 0)
		return -1;
	if (p.addr % 4u)
		return shell_error("poke: 0x%08x is not 4-byte aligned", p.addr);
	r = txrun(poke_body, &p);
	if (r < 0)
		return shell_error("poke: %s", dsmenv_strerror(r));
	kprintf("0x%08x: 0x%08x gtime %llu\n", p.addr, p.value, dsmenv_node()->gtime);
	return 0;
}

/* "<name> min a median b max c (last n)" over a ring of latency samples. */
static void lat_print(const char *name, const uint32_t *ring, uint32_t cap, uint32_t count)
{
	uint32_t n = count < cap ? count : cap;
	uint32_t v[64];

	if (n > NELEM(v))
		n = NELEM(v);
	if (n == 0) {
		kprintf("%s none\n", name);
		return;
	}
	for (uint32_t i = 0; i < n; i++) {     /* insertion sort: n <= 64 */
		uint32_t x = ring[i], j = i;
		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
	kprintf("%s min %u median %u max %u (last %u)\n", name, v[0], v[n / 2], v[n - 1], n);
}

int heapcmd_heap(int argc, char **argv)
{
	const struct dsm_node *n = dsmenv_node();
	const struct dsmenv_stats *s = dsmenv_stats();
	uint32_t owned = 0, replica = 0;

	(void)argc, (void)argv;
	if (!dsmenv_on())
		return shell_error("heap: %s", dsmenv_strerror(DSMENV_EOFF));
	for (uint32_t p = 0; p < n->npages; p++) {
		owned += n->page[p].state == DSM_OWNED;
		replica += n->page[p].state == DSM_REPLICA;
	}
	kprintf("mode %s\nmanager %u\nheap 0x%08x-0x%08x\npages %u\n",
		n->mode == DSM_ACTIVE ? "active" : "joining", n->manager, HEAP_VBASE,
		HEAP_VBASE + n->npages * 4096u - (n->npages ? 1u : 0u), n->npages);
	kprintf("present %u\nowned %u\nreplicated %u\ngtime %llu\n", owned + replica, owned,
		replica, n->gtime);
	kprintf("frames %u\nframes_free %u\nevictions %u\n", dsmenv_frames_held(),
		kalloc_free_frames(), n->stats.evictions);
	kprintf("faults %u\nremote_faults %u\n", s->faults, s->remote);
	lat_print("fetch_us", s->lat_us, DSMENV_LAT_SAMPLES, s->lat_n);
	kprintf("frames_in %u\nframes_out %u\nframes_bad %u\nrx_queued %u\nrx_drops %u\n"
		"tx_drops %u\npages_served %u\npages_installed %u\nfetch_timeouts %u\n",
		n->stats.frames_in, n->stats.frames_out, n->stats.frames_bad, s->rx_queued,
		s->rx_drops, s->tx_drops, n->stats.pages_served, n->stats.pages_installed,
		n->stats.fetch_timeouts);
	return 0;
}

/* txstat's heap lines: time, epoch, resets and takeovers (dsm/proto.h 10, 11). */
static void txstat_heap(const struct dsm_node *n)
{
	kprintf("gtime %llu\nepoch %llu\nresets %u\ntakeovers_followed %u\n", n->gtime,
		dsm_epoch(n->gtime), n->resets, n->takeovers);
	if (n->resets && (n->reset_flags & DSM_RESET_TAKEOVER))
		kprintf("last_reset at gtime %llu to the checkpoint of gtime %llu (node %u took "
			"over from node %u)\n", n->reset_t, n->reset_image_t, n->manager,
			n->reset_node);
	else if (n->resets)
		kprintf("last_reset at gtime %llu to the checkpoint of gtime %llu (page %u lost)\n",
			n->reset_t, n->reset_image_t, n->reset_page);
	if (n->mgr.active)
		kprintf("manager_fenced %u (times %u)\n", n->mgr.fenced, n->mgr.n_fenced);
}

/* txstat: the runner's and the core's transaction counters. */
int heapcmd_txstat(int argc, char **argv)
{
	static const char *const cause[TXN_NCAUSES] = {
		"conflict", "stale", "recovery", "lost_race", "local", "reset",
	};
	const struct txrun_stats *r = txrun_stats();
	const struct txn *x = &dsmenv_node()->txn;

	(void)argc, (void)argv;
	if (!dsmenv_on())
		return shell_error("txstat: %s", dsmenv_strerror(DSMENV_EOFF));
	kprintf("txns %u\nok %u\nfailed %u\nattempts %u\nretries %u\nmax_retries %u\n",
		r->txns, r->ok, r->failed, r->attempts, r->retries, r->max_retries);
	kprintf("max_wait_us %llu\n", r->max_wait_us);
	kprintf("commits %u\naborts %u\n", x->n_commits, x->n_aborts);
	for (int c = 0; c < TXN_NCAUSES; c++)
		kprintf("aborts_%s %u\n", cause[c], x->n_cause[c]);
	kprintf("irq_aborts %u\nstarving %u\ntoken_yields %u\nundo_runs %u\n", r->irq_aborts,
		x->n_starving, x->n_yields, r->undo_runs);
	kprintf("read_only_commits %u\ntime_checks %u\nsnapshot_commits %u\n", x->n_ro_commits,
		x->n_time_checks, x->n_snapshots);
	txstat_heap(dsmenv_node());
	lat_print("commit_us", r->lat_us, TXRUN_LAT_SAMPLES, r->lat_n);
	return 0;
}
