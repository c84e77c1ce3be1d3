/*
 * work_obj.c: the objects workload: the object heap (mm/) on top of the DSM,
 * in simulator pages SIM_PG_MM.. (sim.h). mm/ reaches heap memory only
 * through the accessor below, which goes through sim_load/sim_store, so
 * every access faults into the protocol core exactly as the MMU does.
 *
 * Nodes 0..OBJW_NODES-1 run object operations, the others idle on this
 * workload (node 0, the token manager, takes part since its self-queue holds
 * a CommitReq of DSM_WSET_MAX parts). The first one formats the heap and binds the
 * types in the directory, the next one creates the two shared lists (one
 * object, on a page of its own) and binds it. Operations, one transaction each:
 *   push/cycle  allocate an element (and, for cycle, a partner that forms a
 *               2-cycle with it) and push it on a shared list
 *   pop         unlink a list's first element: it and its cycle are garbage
 *   write       increment the value of the k-th element of a list
 *   private     push/pop on the node's own list (head: a per-node system object)
 *   relocate    move the k-th element (own page or here), or let the
 *               false-sharing monitor separate the worst page
 *   gc          gc_run (gc/) on this node's candidates
 * The model (struct objw_model) follows committed operations. After the run,
 * on the committed heap: mm_verify passes, every list holds exactly the
 * model's elements with their values and intact cycles, and after a final GC
 * the live objects are exactly the reachable ones. Without faults, no object
 * operation aborts on a node's allocator page; aborts on the manager's pages
 * (two nodes refilling or taking pages for large objects at once) are counted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gc/gc.h"
#include "tests/sim/sim.h"

#define OBJW_BASE      0x80000000u
#define OBJW_LISTS     2u
#define OBJW_LIST_MAX  12u     /* a push on a longer list pops instead */
#define OBJW_PRIV_MAX  6u
#define OBJW_CYCLE_BIT 0x80000000u
#define OBJW_WALK_MAX  64u

enum { SUB_PUSH, SUB_CYCLE, SUB_POP, SUB_WRITE, SUB_PRIV, SUB_RELOC, SUB_GC, SUB_N };
enum { DID_NOTHING, DID_PUSH, DID_POP, DID_WRITE, DID_RELOC, DID_GC, DID_NOMEM, DID_SETUP, DID_OP };
enum { E_NEXT = 0, E_PEER = 12, E_TOKEN = 24, E_VALUE = 28, E_SIZE = 32 };
/* a list object: two lists, each a first cell and a count (private lists use 0) */
enum { L_FIRST = 0, L_COUNT = 24, L_SIZE = 32 };
#define L_FIRST_OF(k) (L_FIRST + 12u * (k))
#define L_COUNT_OF(k) (L_COUNT + 4u * (k))


static uint32_t heap_nodes(const struct sim *s)
{
	return s->nnodes < (int)OBJW_NODES ? (uint32_t)s->nnodes : OBJW_NODES;
}

/* --- the accessor: 32-bit words through sim_load/sim_store ------------------ */

static void split(struct sim_node *sn, uint32_t a, uint32_t *page, uint32_t *off)
{
	if (a < OBJW_BASE || a - OBJW_BASE >= SIM_MM_PAGES * DSM_PAGE_SIZE || a % 4u)
		sim_fail(sn->sim, "node %u: mm accessed 0x%08x outside its heap", sn->id, a);
	*page = SIM_PG_MM + (a - OBJW_BASE) / DSM_PAGE_SIZE;
	*off = (a - OBJW_BASE) % DSM_PAGE_SIZE;
}

static uint32_t w_load(void *ctx, uint32_t a)
{
	uint32_t page, off;
	split(ctx, a, &page, &off);
	return (uint32_t)(sim_load(ctx, page, off & ~7u) >> (8u * (off & 4u)));
}

static void w_store(void *ctx, uint32_t a, uint32_t v)
{
	uint32_t page, off;
	split(ctx, a, &page, &off);
	uint64_t w = sim_load(ctx, page, off & ~7u), sh = 8u * (off & 4u);
	w = (w & ~(0xFFFFFFFFull << sh)) | (uint64_t)v << sh;
	sim_store(ctx, page, off & ~7u, w);
}

static void w_copy_out(void *ctx, uint32_t a, void *buf, uint32_t len)
{
	for (uint32_t i = 0; i < len; i += 4) {
		uint32_t v = w_load(ctx, a + i);
		memcpy((uint8_t *)buf + i, &v, 4);
	}
}

static void w_copy_in(void *ctx, uint32_t a, const void *buf, uint32_t len)
{
	for (uint32_t i = 0; i < len; i += 4) {
		uint32_t v;
		memcpy(&v, (const uint8_t *)buf + i, 4);
		w_store(ctx, a + i, v);
	}
}

static const struct mm_access w_acc = {w_load, w_store, w_copy_out, w_copy_in};

/* --- operations ------------------------------------------------------------ */

static void must(struct sim_node *sn, int r, const char *what)
{
	if (r != MM_OK)
		sim_fail(sn->sim, "objects: node %u: %s returned %d", sn->id, what, r);
}

/* The shared lists: one object on a page of its own, bound by name. */
static void setup_lists(struct sim_node *sn, uint32_t list_t)
{
	uint32_t l, moved;
	must(sn, mm_alloc(&sn->mm, list_t, 0, MM_RW, &l), "alloc lists");
	must(sn, mm_relocate(&sn->mm, l, MM_RELOC_PAGE, &moved), "relocate lists");
	must(sn, mm_dir_bind(&sn->mm, "objw.lists", moved), "bind lists");
}

static void setup_heap(struct sim_node *sn)
{
	struct mm *mm = &sn->mm;
	uint32_t eoffs[2] = {E_NEXT, E_PEER}, loffs[2] = {L_FIRST_OF(0), L_FIRST_OF(1)};
	uint32_t elem_t, list_t;
	must(sn, mm_format(mm, 1), "format");
	must(sn, mm_desc_create(mm, E_SIZE, 2, eoffs, &elem_t), "elem type");
	must(sn, mm_desc_create(mm, L_SIZE, 2, loffs, &list_t), "list type");
	must(sn, mm_dir_bind(mm, "objw.elem", elem_t), "bind elem");
	must(sn, mm_dir_bind(mm, "objw.listt", list_t), "bind list type");
}

/* The node's private list: a system object of its own (0: no memory). */
static uint32_t priv_list(struct sim_node *sn, uint32_t list_t)
{
	char name[MM_NAME_MAX];
	uint32_t l;
	snprintf(name, sizeof(name), "objw.priv%u", sn->id);
	int r = mm_dir_lookup(&sn->mm, name, &l);
	if (r == MM_ENOENT) {
		r = mm_alloc(&sn->mm, list_t, 0, MM_SYS, &l);
		if (r == MM_ENOMEM)
			return 0;
		must(sn, r, "alloc private list");
		must(sn, mm_dir_bind(&sn->mm, name, l), "bind private list");
	}
	must(sn, r, "lookup private list");
	return l;
}

static uint32_t list_count(struct sim_node *sn, uint32_t l, uint32_t k)
{
	uint32_t n;
	must(sn, mm_word_load(&sn->mm, l, L_COUNT_OF(k), &n), "list count");
	return n;
}

static void push(struct sim_node *sn, uint32_t elem_t, uint32_t l, uint32_t k, bool cycle)
{
	struct mm *mm = &sn->mm;
	struct sim_op *op = &sn->op;
	uint32_t e, f, first, token = (uint32_t)op->value;
	int r = mm_alloc(mm, elem_t, 0, MM_RW, &e);
	if (r == MM_OK && cycle)
		r = mm_alloc(mm, elem_t, 0, MM_RW, &f);
	if (r == MM_ENOMEM) {
		op->amount = DID_NOMEM;
		return;
	}
	must(sn, r, "alloc element");
	must(sn, mm_word_store(mm, e, E_TOKEN, token), "token");
	must(sn, mm_ref_load(mm, l, L_FIRST_OF(k), &first), "load first");
	must(sn, mm_ref_store(mm, e, E_NEXT, first), "store next");
	must(sn, mm_ref_store(mm, l, L_FIRST_OF(k), e), "store first");
	must(sn, mm_word_store(mm, l, L_COUNT_OF(k), list_count(sn, l, k) + 1u), "count");
	if (cycle) {
		must(sn, mm_word_store(mm, f, E_TOKEN, token | OBJW_CYCLE_BIT), "token");
		must(sn, mm_ref_store(mm, e, E_PEER, f), "store peer");
		must(sn, mm_ref_store(mm, f, E_PEER, e), "store peer back");
	}
	op->amount = DID_PUSH;
}

static void pop(struct sim_node *sn, uint32_t l, uint32_t k)
{
	struct mm *mm = &sn->mm;
	uint32_t e, next, token;
	must(sn, mm_ref_load(mm, l, L_FIRST_OF(k), &e), "load first");
	if (e == 0)
		return;
	must(sn, mm_ref_load(mm, e, E_NEXT, &next), "load next");
	must(sn, mm_word_load(mm, e, E_TOKEN, &token), "load token");
	must(sn, mm_ref_store(mm, l, L_FIRST_OF(k), next), "unlink first");
	if (sn->op.b & 1u)   /* else the garbage keeps its reference to the list */
		must(sn, mm_ref_store(mm, e, E_NEXT, 0), "clear next");
	must(sn, mm_word_store(mm, l, L_COUNT_OF(k), list_count(sn, l, k) - 1u), "count");
	sn->op.value = (sn->op.value & 0xFFFFFFFFull) | (uint64_t)token << 32;
	sn->op.amount = DID_POP;
}

/* The i-th element (mod its length) of list k, or 0 if it is empty. */
static uint32_t nth(struct sim_node *sn, uint32_t l, uint32_t k, uint32_t at)
{
	uint32_t n = list_count(sn, l, k), e;
	must(sn, mm_ref_load(&sn->mm, l, L_FIRST_OF(k), &e), "load first");
	for (uint32_t i = 0; n && i < at % n && e; i++)
		must(sn, mm_ref_load(&sn->mm, e, E_NEXT, &e), "walk");
	return e;
}

static void write_nth(struct sim_node *sn, uint32_t l, uint32_t k)
{
	uint32_t e = nth(sn, l, k, sn->op.b >> 1), v, token;
	if (!e)
		return;
	must(sn, mm_word_load(&sn->mm, e, E_VALUE, &v), "load value");
	must(sn, mm_word_store(&sn->mm, e, E_VALUE, v + 1u), "store value");
	must(sn, mm_word_load(&sn->mm, e, E_TOKEN, &token), "load token");
	sn->op.value = (sn->op.value & 0xFFFFFFFFull) | (uint64_t)token << 32;
	sn->op.amount = DID_WRITE;
}

static void relocate_nth(struct sim_node *sn, uint32_t l, uint32_t k)
{
	uint32_t e = nth(sn, l, k, sn->op.b >> 3), moved;
	int r;
	if (sn->op.b % 4u == 1u)
		r = mm_fsmon_relocate(&sn->mm, 2, MM_RELOC_HERE, &moved);
	else if (!e)
		return;
	else
		r = mm_relocate(&sn->mm, e, sn->op.b % 4u == 0 ? MM_RELOC_PAGE : MM_RELOC_HERE,
				&moved);
	if (r == MM_ENOMEM) {
		sn->op.amount = DID_NOMEM;
		return;
	}
	must(sn, r, "relocate");
	sn->op.amount = DID_RELOC;
}

static void do_op(struct sim_node *sn, uint32_t elem_t, uint32_t list_t)
{
	struct sim_op *op = &sn->op;
	uint32_t l, res_n, k = op->b % OBJW_LISTS;
	must(sn, mm_dir_lookup(&sn->mm, "objw.lists", &l), "lookup lists");
	bool full = list_count(sn, l, k) >= OBJW_LIST_MAX;
	switch (op->a) {
	case SUB_PUSH:
	case SUB_CYCLE:
		if (full)
			pop(sn, l, k);
		else
			push(sn, elem_t, l, k, op->a == SUB_CYCLE);
		break;
	case SUB_POP:   pop(sn, l, k); break;
	case SUB_WRITE: write_nth(sn, l, k); break;
	case SUB_RELOC: relocate_nth(sn, l, k); break;
	case SUB_PRIV:
		l = priv_list(sn, list_t);
		if (!l)
			op->amount = DID_NOMEM;
		else if (list_count(sn, l, 0) >= OBJW_PRIV_MAX)
			pop(sn, l, 0);
		else
			push(sn, elem_t, l, 0, false);
		break;
	default: {
		struct gc_result res;
		must(sn, gc_run(&sn->mm, 8, &res), "gc");
		res_n = res.freed;
		op->value = (op->value & 0xFFFFFFFFull) | (uint64_t)res_n << 32;
		op->amount = DID_GC;
		break;
	}
	}
}

void work_obj_body(struct sim_node *sn)
{
	struct sim *s = sn->sim;
	struct sim_op *op = &sn->op;
	uint32_t elem_t, list_t;
	op->amount = DID_NOTHING;
	op->value &= 0xFFFFFFFFull;
	op->got = false;
	if (!sn->mm.acc &&
	    mm_init(&sn->mm, &w_acc, sn, OBJW_BASE, SIM_MM_PAGES * DSM_PAGE_SIZE, sn->id,
		    (uint16_t)heap_nodes(s)) != MM_OK)
		sim_fail(s, "objects: mm_init failed on node %u", sn->id);
	int r = mm_dir_lookup(&sn->mm, "objw.elem", &elem_t);
	if (r == MM_ECORRUPT) {   /* no directory yet: the first operation formats */
		op->amount = DID_SETUP;
		setup_heap(sn);
		return;
	}
	must(sn, r, "lookup elem type");
	must(sn, mm_dir_lookup(&sn->mm, "objw.listt", &list_t), "lookup list type");
	uint32_t l;
	if (mm_dir_lookup(&sn->mm, "objw.lists", &l) == MM_ENOENT) {
		op->amount = DID_SETUP;
		setup_lists(sn, list_t);
		return;
	}
	do_op(sn, elem_t, list_t);
	op->got = op->amount != DID_NOTHING && op->amount != DID_NOMEM;
	if (op->amount == DID_NOTHING)
		op->amount = DID_OP;   /* ran, changed nothing: a read-only commit */
}

void work_obj_pick(struct sim *s, struct sim_node *sn)
{
	struct sim_op *op = &sn->op;
	if (sn->id >= heap_nodes(s))
		return;   /* OP_NONE: a read-only commit */
	static const uint8_t weights[SUB_N] = {5, 2, 3, 4, 5, 2, 2};
	uint32_t w = sim_below(s, 23);
	op->kind = OP_OBJ;
	op->a = 0;
	while (op->a + 1u < SUB_N && w >= weights[op->a])
		w -= weights[op->a++];
	op->b = sim_below(s, 256);
	op->value = ++s->objw.next_token;
}

/* --- the model ---------------------------------------------------------------- */

static int model_find(const struct objw_model *m, uint32_t token)
{
	for (uint32_t i = 0; i < m->n; i++)
		if (m->token[i] == token)
			return (int)i;
	return -1;
}

void work_obj_tally(struct sim *s, const struct sim_op *op, uint16_t node)
{
	struct objw_model *m = &s->objw;
	uint32_t in = (uint32_t)op->value, out = (uint32_t)(op->value >> 32);
	int i;
	m->ops++;
	if (s->resets)
		return;         /* the heap went back to a checkpoint: the model is void */
	switch (op->amount) {
	case DID_PUSH:
		if (m->n == OBJW_ELEMS)
			sim_fail(s, "objects: model full");
		m->token[m->n] = in;
		m->list[m->n] = op->a == SUB_PRIV ? OBJW_LISTS + node : op->b % OBJW_LISTS;
		m->value[m->n++] = 0;
		break;
	case DID_POP:
		if ((i = model_find(m, out)) < 0)
			sim_fail(s, "objects: popped token %u the model does not have", out);
		m->n--;
		m->token[i] = m->token[m->n];
		m->list[i] = m->list[m->n];
		m->value[i] = m->value[m->n];
		break;
	case DID_WRITE:
		if ((i = model_find(m, out)) < 0)
			sim_fail(s, "objects: wrote token %u the model does not have", out);
		m->value[i]++;
		break;
	case DID_RELOC: m->relocs++; break;
	case DID_GC:    m->gc_freed += out; break;
	case DID_NOMEM: m->nomem++; break;
	default: break;
	}
}

void work_obj_aborted(struct sim *s, struct sim_node *sn)
{
	uint32_t p = sn->dsm->txn.abort_page;
	if (p == TXN_NO_PAGE || p < SIM_PG_MM || !sn->mm.acc || sn->op.amount == DID_SETUP)
		return;   /* setting the heap up collides with everything, once */
	p -= SIM_PG_MM;
	mm_fsmon_abort(&sn->mm, &p, 1);
	if (s->cfg.faults)
		return;
	if (p < sn->mm.mgr_pages)
		s->objw.mgr_aborts++;     /* two refills (or large objects) at once */
	else if (p < sn->mm.mgr_pages + sn->mm.nodes)
		s->objw.alloc_aborts++;   /* must not happen: a node's allocator page */
}

/* --- the final check on the committed heap ------------------------------------ */

static uint32_t f_load(void *ctx, uint32_t a)
{
	uint32_t v;
	memcpy(&v, (uint8_t *)ctx + (a - OBJW_BASE), 4);
	return v;
}
static void f_store(void *ctx, uint32_t a, uint32_t v) { memcpy((uint8_t *)ctx + (a - OBJW_BASE), &v, 4); }
static void f_out(void *ctx, uint32_t a, void *b, uint32_t n) { memcpy(b, (uint8_t *)ctx + (a - OBJW_BASE), n); }
static void f_in(void *ctx, uint32_t a, const void *b, uint32_t n) { memcpy((uint8_t *)ctx + (a - OBJW_BASE), b, n); }
static const struct mm_access f_acc = {f_load, f_store, f_out, f_in};

/* Walk list k of list object l (model id `id`) on the committed heap
 * against the model; returns the objects it holds (elements and partners). */
static uint32_t final_list(struct sim *s, struct mm *mm, uint32_t l, uint32_t k, uint32_t id)
{
	uint32_t e, n = 0, objs = 0, count, want = 0;
	if (mm_ref_load(mm, l, L_FIRST_OF(k), &e) != MM_OK ||
	    mm_word_load(mm, l, L_COUNT_OF(k), &count) != MM_OK)
		sim_fail(s, "objects: list %u unreadable", id);
	for (; e && n < OBJW_WALK_MAX; n++) {
		uint32_t token, value, peer, back, ptoken;
		if (mm_word_load(mm, e, E_TOKEN, &token) || mm_word_load(mm, e, E_VALUE, &value) ||
		    mm_ref_load(mm, e, E_PEER, &peer))
			sim_fail(s, "objects: list %u element %u invalid", id, n);
		int i = model_find(&s->objw, token);
		if (i < 0 || s->objw.list[i] != id || s->objw.value[i] != value)
			sim_fail(s, "objects: list %u holds token %u value %u, not the model's", id,
				 token, value);
		objs++;
		if (peer && (mm_ref_load(mm, peer, E_PEER, &back) || back != e ||
			     mm_word_load(mm, peer, E_TOKEN, &ptoken) || ptoken != (token | OBJW_CYCLE_BIT)))
			sim_fail(s, "objects: list %u token %u: its cycle is broken", id, token);
		objs += peer != 0;
		if (mm_ref_load(mm, e, E_NEXT, &e) != MM_OK)
			sim_fail(s, "objects: list %u: bad next", id);
	}
	for (uint32_t i = 0; i < s->objw.n; i++)
		want += s->objw.list[i] == id;
	if (e || n != want || n != count)
		sim_fail(s, "objects: list %u has %u elements (count %u), the model %u", id, n,
			 count, want);
	return objs;
}

/* Collect on every node slot until a round frees and puts back nothing. */
static void final_gc(struct sim *s, struct mm *mm, uint8_t *heap)
{
	for (int round = 0; round < 8; round++) {
		uint32_t freed = 0;
		for (uint16_t n = 0; n < heap_nodes(s); n++) {
			struct gc_result res;
			mm_init(mm, &f_acc, heap, OBJW_BASE, SIM_MM_PAGES * DSM_PAGE_SIZE, n,
				(uint16_t)heap_nodes(s));
			if (gc_run(mm, GC_BATCH_MAX, &res) != MM_OK)
				sim_fail(s, "objects: final gc on node slot %u failed", n);
			freed += res.freed + res.reclaimed;
		}
		if (!freed)
			return;
	}
}

static void final_heap(struct sim *s, struct mm *mm, uint8_t *heap)
{
	uint32_t nobj, reach = 0, l;
	struct mm_stat st;
	final_gc(s, mm, heap);
	if (mm_verify(mm, &nobj) != MM_OK)
		sim_fail(s, "objects: the committed heap fails mm_verify");
	if (mm_dir_lookup(mm, "objw.lists", &l) == MM_OK)
		reach += 1u + final_list(s, mm, l, 0, 0) + final_list(s, mm, l, 1, 1);
	for (uint32_t i = 0; i < heap_nodes(s); i++) {
		char name[MM_NAME_MAX];
		snprintf(name, sizeof(name), "objw.priv%u", i);
		if (mm_dir_lookup(mm, name, &l) == MM_OK)
			reach += 1u + final_list(s, mm, l, 0, OBJW_LISTS + i);
	}
	if (mm_objstat(mm, &st) != MM_OK)
		sim_fail(s, "objects: objstat failed");
	uint32_t objs = st.objects[MM_RW] + st.objects[MM_SYS] + st.large_objects;
	if (objs != reach)
		sim_fail(s, "objects: after GC %u objects live, %u reachable", objs, reach);
}

void work_obj_final(struct sim *s)
{
	if (!s->cfg.faults && s->objw.alloc_aborts)
		sim_fail(s, "objects: %llu aborts on a node's allocator page without faults",
			 (unsigned long long)s->objw.alloc_aborts);
	for (uint32_t p = SIM_PG_MM; p < SIM_PG_MM + SIM_MM_PAGES; p++)
		if (s->truth_unknown[p])
			return;   /* a lost commit: the committed heap is not known */
	/* the run is over: check (and collect) the committed pages in place,
	 * with node 0's struct mm as scratch */
	uint8_t *heap = s->truth_mem[SIM_PG_MM];
	struct mm *mm = &s->node[0]->mm;
	mm_init(mm, &f_acc, heap, OBJW_BASE, SIM_MM_PAGES * DSM_PAGE_SIZE, 0,
		(uint16_t)heap_nodes(s));
	if (mm_formatted(mm))
		final_heap(s, mm, heap);
}
