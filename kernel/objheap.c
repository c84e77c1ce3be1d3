/*
 * objheap.c: the object heap (mm/) on this kernel. Owns the node's struct
 * mm, the accessor over the heap's virtual addresses (plain 32-bit loads and
 * stores at the address: inside a transaction each first touch of a page
 * faults into kernel/dsmenv.c, so mm/ runs on the DSM as on a flat array),
 * the format on the master, the GC task and the abort hook.
 *
 * Boot: every node but the PageServer runs mm_init over HEAP_PG_MM ..
 * HEAP_PG_MM + HEAP_MM_PAGES - 1 with HEAP_NODES_MAX node slots (touches no
 * heap memory); the master that created the heap formats it and creates the
 * two types of the shell's objects (elem, list), bound as "t.elem" and
 * "t.list", in one transaction. A restored heap is formatted already.
 *
 * GC task (kernel/sched.c, every OBJHEAP_GC_TICKS): one transaction that
 * first reads this node's candidate head and inbox (its own system page and
 * the GC page, both usually replicated locally): nothing there, nothing
 * written. Otherwise gc_run on OBJHEAP_GC_BUDGET candidates. Then, if one
 * page saw OBJHEAP_FSMON_AUTO aborts, it moves that page's objects apart.
 *
 * Abort hook: objheap_txn_ended (registered with txrun_on_aborted, run
 * outside the body) hands the page of the last abort to mm_fsmon_abort, which counts in struct mm only
 * (node-local, so the count survives the abort it describes); it never
 * touches the heap.
 *
 * Rules: a body's results reach node-local totals only once its attempt is
 * known to be over and not ended by an abort (pending, below). Must not
 * touch heap pages outside the object heap's range.
 */
#include "dsm/dsm.h"
#include "kernel/cmdline.h"
#include "kernel/dsmenv.h"
#include "kernel/heaplayout.h"
#include "kernel/kernel.h"
#include "kernel/objheap.h"
#include "kernel/txbody.h"
#include "kernel/txrun.h"

#define OBJ_BASE HEAP_PAGE_VA(HEAP_PG_MM)

static uint32_t acc_load(void *ctx, uint32_t a)
{
	(void)ctx;
	return *(volatile uint32_t *)a;
}

static void acc_store(void *ctx, uint32_t a, uint32_t v)
{
	(void)ctx;
	*(volatile uint32_t *)a = v;
}

static void acc_copy_out(void *ctx, uint32_t a, void *buf, uint32_t len)
{
	(void)ctx;
	for (uint32_t i = 0; i < len; i += 4u)
		((uint32_t *)buf)[i / 4u] = *(volatile uint32_t *)(a + i);
}

static void acc_copy_in(void *ctx, uint32_t a, const void *buf, uint32_t len)
{
	(void)ctx;
	for (uint32_t i = 0; i < len; i += 4u)
		*(volatile uint32_t *)(a + i) = ((const uint32_t *)buf)[i / 4u];
}

static const struct mm_access acc = { acc_load, acc_store, acc_copy_out, acc_copy_in };

static struct mm mm;
static int mm_on;
static struct objheap_types types;      /* cached once looked up */
static struct objheap_stats st;
static int formatted_seen;
static uint32_t gc_budget = OBJHEAP_GC_BUDGET;  /* halved after a failed GC attempt */              /* mm_formatted was true once: it stays */
static uint32_t aborts_seen;            /* txn.n_aborts at the last hook */

/* A GC task body's result, folded into st once its attempt is over. */
static struct {
	int valid;
	uint32_t attempt;                       /* txrun_stats()->attempts when made */
	struct gc_result res;
	uint32_t moved, skipped;
	int err;
} pending;

struct mm *objheap_mm(void)
{
	return mm_on ? &mm : 0;
}

int objheap_str_load(struct mm *mm, uint32_t obj, uint32_t off, char *s, uint32_t max)
{
	for (uint32_t i = 0; i < max; i += 4u) {
		uint32_t w;
		int r = mm_word_load(mm, obj, off + i, &w);
		if (r != MM_OK)
			return r;
		memcpy(s + i, &w, 4);
	}
	s[max - 1u] = '\0';
	return MM_OK;
}

int objheap_str_store(struct mm *mm, uint32_t obj, uint32_t off, const char *s, uint32_t max)
{
	char buf[128] = { 0 };

	if (max > sizeof(buf) || max % 4u)
		return MM_EINVAL;
	ksnprintf(buf, max, "%s", s);
	for (uint32_t i = 0; i < max; i += 4u) {
		uint32_t w;
		memcpy(&w, buf + i, 4);
		int r = mm_word_store(mm, obj, off + i, w);
		if (r != MM_OK)
			return r;
	}
	return MM_OK;
}

const char *objheap_strerror(int r)
{
	static const char *const names[] = {
		"ok", "bad address or argument", "no object there (or a freed one)",
		"wrong type", "the object heap is full", "corrupt heap data",
		"not a reference cell", "a reference cell (use a reference store)",
		"still referenced", "no such name", "exists already", "directory full",
		"pinned or read-only: does not move or go", "too big"
	};
	uint32_t i = (uint32_t)-r;

	return r <= 0 && i < NELEM(names) ? names[i] : "unknown error";
}

struct format_arg {
	int r;
	uint32_t elem, list;
};

static void format_body(void *a)
{
	struct format_arg *x = a;
	uint32_t eoffs[2] = { OBJ_E_NEXT, OBJ_E_PEER }, loffs[1] = { OBJ_L_FIRST };

	x->r = mm_format(&mm, 0);
	if (x->r == MM_OK)
		x->r = mm_desc_create(&mm, OBJ_E_SIZE, 2, eoffs, &x->elem);
	if (x->r == MM_OK)
		x->r = mm_desc_create(&mm, OBJ_L_SIZE, 1, loffs, &x->list);
	if (x->r == MM_OK)
		x->r = mm_dir_bind(&mm, "t.elem", x->elem);
	if (x->r == MM_OK)
		x->r = mm_dir_bind(&mm, "t.list", x->list);
	if (x->r != MM_OK && x->r != MM_EEXIST)
		txbody_unwind(DSM_EABORTED);     /* nothing of a half format may commit */
}

static void objheap_format(void)
{
	static struct format_arg x;
	int r = txrun(format_body, &x);

	if (r < 0)
		kprintf("objheap: error: formatting: %s\n", dsmenv_strerror(r));
	else if (x.r == MM_EEXIST)
		kprintf("objheap: formatted already (a restored heap)\n");
	else
		kprintf("objheap: formatted, %u pages at 0x%08x, types elem 0x%08x list 0x%08x\n",
			HEAP_MM_PAGES, OBJ_BASE, x.elem, x.list);
}

void objheap_boot(void)
{
	const struct dsm_node *n;

	if (!dsmenv_on() || kernel_cmdline.role == CMDLINE_ROLE_PAGESERVER ||
	    kernel_cmdline.node >= HEAP_NODES_MAX)
		return;
	txrun_on_aborted(objheap_txn_ended);
	n = dsmenv_node();
	if (n->ps.active || mm_init(&mm, &acc, 0, OBJ_BASE, HEAP_MM_PAGES * PGSIZE,
				    kernel_cmdline.node, HEAP_NODES_MAX) != MM_OK)
		return;
	mm_on = 1;
	if (n->cfg.manager && dsmenv_heap_bytes() != 0)
		objheap_format();
}

int objheap_types(struct objheap_types *t)
{
	struct objheap_types x;
	int r;

	if (types.elem && types.list) {
		*t = types;
		return MM_OK;
	}
	if (!mm_formatted(&mm))
		return MM_ENOENT;
	if ((r = mm_dir_lookup(&mm, "t.elem", &x.elem)) != MM_OK ||
	    (r = mm_dir_lookup(&mm, "t.list", &x.list)) != MM_OK)
		return r;
	types = x;                      /* committed descriptors never move or go */
	*t = x;
	return MM_OK;
}

/* Fold the last GC task result in, if its attempt is over and not aborted. */
static void pending_fold(void)
{
	if (!pending.valid || pending.attempt == txrun_stats()->attempts)
		return;
	pending.valid = 0;
	if (gc_budget < OBJHEAP_GC_BUDGET)
		gc_budget *= 2u;
	st.gc_runs++;
	st.gc_skipped += pending.skipped;
	st.gc_freed += pending.res.freed;
	st.gc_reclaimed += pending.res.reclaimed;
	st.auto_moved += pending.moved;
	st.gc_errors += pending.err != MM_OK;
	st.last_err = pending.err;
}

const struct objheap_stats *objheap_stats(void)
{
	if (!txbody_active())
		pending_fold();
	return &st;
}

int objheap_gc_once(uint32_t budget, struct gc_result *res)
{
	*res = (struct gc_result){ 0 };
	if (!gc_pending(&mm))
		return MM_ENOENT;
	return gc_run(&mm, budget, res);
}

/* Like mm_fsmon_relocate, but at most OBJHEAP_FSMON_MOVES objects a
 * transaction (each to a page of its own: a write each, DSM_WSET_MAX); the
 * page keeps its count until a step finds nothing more on it to move. */
int objheap_fsmon_step(uint32_t min, uint32_t *moved)
{
	uint32_t page, objs[OBJHEAP_FSMON_MOVES + 1u], n, to;
	uint16_t count;
	int r;

	*moved = 0;
	if (mm_fsmon_top(&mm, &page, &count, 1) == 0 || count < min)
		return MM_OK;
	r = mm_fsmon_objects(&mm, page, objs, NELEM(objs), &n);
	for (uint32_t i = 1; r == MM_OK && i < n; i++) {
		r = mm_relocate(&mm, objs[i], MM_RELOC_PAGE, &to);
		*moved += r == MM_OK;
		if (r == MM_EPINNED)
			r = MM_OK;
	}
	if (r == MM_OK && n < NELEM(objs))
		mm.fsmon[page] = 0;             /* one object (or none) left on it */
	return r;
}

void objheap_gc_task(void *arg)
{
	int r;

	(void)arg;
	if (!mm_on)
		return;
	pending_fold();
	pending.valid = 1;
	pending.attempt = txrun_stats()->attempts;
	pending.moved = 0;
	if (!formatted_seen && !(formatted_seen = mm_formatted(&mm))) {
		pending.skipped = 1;
		pending.err = MM_OK;
		return;
	}
	r = objheap_gc_once(gc_budget, &pending.res);
	pending.skipped = r == MM_ENOENT;
	if (r == MM_ENOENT)
		r = MM_OK;
	if (r == MM_OK)
		r = objheap_fsmon_step(OBJHEAP_FSMON_AUTO, &pending.moved);
	pending.err = r;
}

void objheap_txn_ended(void)
{
	const struct dsm_node *n = dsmenv_node();
	uint32_t page = n->txn.abort_page;

	if (pending.valid && pending.attempt == txrun_stats()->attempts) {
		pending.valid = 0;              /* that GC attempt did not commit: */
		if (gc_budget > 1u)
			gc_budget /= 2u;        /* maybe too many pages: fewer next time */
	}
	if (n->txn.n_aborts == aborts_seen)
		return;                         /* failed, or cut off: no new abort */
	aborts_seen = n->txn.n_aborts;
	st.aborts_seen++;
	if (!mm_on || page == TXN_NO_PAGE || page < HEAP_PG_MM ||
	    page >= HEAP_PG_MM + HEAP_MM_PAGES)
		return;
	st.aborts_in_mm++;
	page -= HEAP_PG_MM;
	mm_fsmon_abort(&mm, &page, 1);
}
