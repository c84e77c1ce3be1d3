/*
 * gc.c: the garbage collector (gc/; it was mm/gc.c): collection from
 * candidates, as a transaction of its own (the caller's), without stopping
 * the cluster. Between transactions there are no stack references, so an
 * object nothing refers to is garbage. Instead of checking every object (the
 * seed), a node examines only its candidates: the objects it allocated
 * (garbage unless linked before commit) and those that lost a backchain
 * entry through its reference stores. mm/ pushes them (mm_cand_push in
 * mm/ref.c, from allocation, reference stores and relocation); this file
 * pops them, searches their trace sets and frees the garbage through mm/'s
 * free path (mm_unlink_all, mm_release, mm_reclaim).
 *
 * For a candidate X, trace backwards through backchains (each cell's `back`
 * word names its holder): the set S of X and every object that refers to a
 * member of S. If a pinned object (the directory, a descriptor, a pinned
 * system object) is reached, X is live. If S closes without one, nothing
 * outside S refers into S: S is garbage (a dropped object, or a cycle of any
 * shape hanging off a dropped reference). Free S: clear the members' cells
 * (their outside targets lose entries and become candidates), then free them.
 *
 * Rules: bounded by `budget` candidates (GC_BATCH_MAX at most), MM_TRACE_MAX
 * objects per trace and MM_BC_MAX per chain; a trace set too large is left
 * (counted `deferred`) until an unlink makes its member a candidate again.
 * The trace set is node-local scratch in struct mm (mm->trace, kept there
 * for gc/), rebuilt by every trace, so an abort loses nothing. Owns the
 * candidate list's pop side and the inbox's drain; reads and writes the heap
 * only through mm/impl.h's helpers. Must not write another node's system
 * page (frees go to its inbox).
 */
#include "gc/gc.h"
#include "mm/impl.h"

enum { TRACE_LIVE = 0, TRACE_GARBAGE = 1, TRACE_TOOBIG = 2 };

/* Pop the first object of a heap list (head word at `head`, link at `link`):
 * the candidate list (H_CAND) or the inbox (H_FREE). */
static int list_pop(struct mm *mm, uint32_t head, uint32_t link, uint32_t *obj)
{
	uint32_t o = mm_ld(mm, head);
	if (o == 0)
		return MM_ENOENT;
	struct mm_hdr h;
	if (mm_hdr_read(mm, o, &h) != MM_OK)
		return MM_ECORRUPT;
	mm_st(mm, head, mm_ld(mm, o + link));
	mm_st(mm, o + link, 0);
	*obj = o;
	return MM_OK;
}

static bool trace_has(const struct mm *mm, uint32_t obj)
{
	for (uint32_t i = 0; i < mm->ntrace; i++)
		if (mm->trace[i] == obj)
			return true;
	return false;
}

/* The holder of a backchain cell of `obj`, checked. */
static int cell_holder(struct mm *mm, uint32_t obj, uint32_t cell, struct mm_hdr *h)
{
	if (cell % 4u || !mm_in_heap(mm, cell, MM_CELL) || mm_ld(mm, cell + C_TARGET) != obj)
		return MM_ECORRUPT;
	uint32_t back = mm_ld(mm, cell + C_BACK);
	if (back < MM_HDR || back > cell - mm->base || mm_hdr_read(mm, cell - back, h) != MM_OK)
		return MM_ECORRUPT;
	if ((h->flags & F_FREE) || back - MM_HDR > h->size || h->size - (back - MM_HDR) < MM_CELL)
		return MM_ECORRUPT;
	return MM_OK;
}

/* Visit the referrers of trace[i]; add the new ones to the set. */
static int trace_one(struct mm *mm, uint32_t obj, int *verdict)
{
	uint32_t cur = mm_ld(mm, obj + H_BC);
	for (uint32_t k = 0; cur && k < MM_BC_MAX; k++) {
		struct mm_hdr h;
		if (cell_holder(mm, obj, cur, &h) != MM_OK)
			return MM_ECORRUPT;
		if (h.flags & F_PIN) {
			*verdict = TRACE_LIVE;
			return MM_OK;
		}
		if (!trace_has(mm, h.addr)) {
			if (mm->ntrace == MM_TRACE_MAX) {
				*verdict = TRACE_TOOBIG;
				return MM_OK;
			}
			mm->trace[mm->ntrace++] = h.addr;
		}
		cur = mm_ld(mm, cur + C_NEXT);
	}
	return cur ? MM_ECORRUPT : MM_OK;
}

static int trace(struct mm *mm, uint32_t obj, int *verdict)
{
	mm->trace[0] = obj;
	mm->ntrace = 1;
	*verdict = TRACE_GARBAGE;
	for (uint32_t i = 0; i < mm->ntrace && *verdict == TRACE_GARBAGE; i++) {
		int r = trace_one(mm, mm->trace[i], verdict);
		if (r != MM_OK)
			return r;
	}
	return MM_OK;
}

/* Free the trace set: first every member's cells, then the members. */
static int collect(struct mm *mm, struct gc_result *res)
{
	for (uint32_t i = 0; i < mm->ntrace; i++) {
		struct mm_hdr h;
		int r = mm_obj_get(mm, mm->trace[i], &h);
		if (r == MM_OK)
			r = mm_unlink_all(mm, &h);
		if (r != MM_OK)
			return r;
	}
	for (uint32_t i = 0; i < mm->ntrace; i++) {
		struct mm_hdr h;
		if (mm_hdr_read(mm, mm->trace[i], &h) != MM_OK || h.bc)
			return MM_ECORRUPT;
		mm_release(mm, &h);
		res->freed++;
	}
	return MM_OK;
}

/* Blocks of ours that other nodes freed: back on our free lists. */
static int drain_inbox(struct mm *mm, struct gc_result *res)
{
	uint32_t inbox = mm_gc_addr(mm) + GC_INBOX + 4u * mm->node, obj;
	if (mm_ld(mm, mm_gc_addr(mm) + GC_MAGIC) != MM_GC_MAGIC)
		return MM_ECORRUPT;
	for (uint32_t i = 0; i < MM_LIST_MAX; i++) {
		int r = list_pop(mm, inbox, H_FREE, &obj);
		if (r == MM_ENOENT)
			return MM_OK;
		struct mm_hdr h;
		if (r != MM_OK || mm_hdr_read(mm, obj, &h) != MM_OK || !(h.flags & F_FREE) ||
		    h.owner != mm->node)
			return MM_ECORRUPT;
		if (!(h.flags & F_CAND)) {
			mm_reclaim(mm, &h);
			res->reclaimed++;
		}
	}
	return MM_ECORRUPT;
}

/* Examine one candidate popped from our list. */
static int examine(struct mm *mm, uint32_t obj, struct gc_result *res)
{
	struct mm_hdr h;
	if (mm_hdr_read(mm, obj, &h) != MM_OK || !(h.flags & F_CAND))
		return MM_ECORRUPT;
	mm_set_flags(mm, obj, 0, F_CAND);
	h.flags &= ~(uint32_t)F_CAND;
	if (h.flags & F_FREE) {
		mm_reclaim(mm, &h);   /* freed while it waited here */
		res->reclaimed++;
		return MM_OK;
	}
	if (h.flags & F_PIN)
		return MM_OK;
	res->examined++;
	int verdict, r = mm_obj_get(mm, obj, &h);
	if (r == MM_OK)
		r = trace(mm, obj, &verdict);
	if (r != MM_OK)
		return r;
	if (verdict == TRACE_LIVE)
		res->live++;
	else if (verdict == TRACE_TOOBIG)
		res->deferred++;
	else
		return collect(mm, res);
	return MM_OK;
}

int gc_run(struct mm *mm, uint32_t budget, struct gc_result *res)
{
	struct gc_result local = {0};
	if (!res)
		res = &local;
	*res = local;
	int r = drain_inbox(mm, res);
	uint32_t n = mm_node_addr(mm, mm->node), obj;
	if (budget > GC_BATCH_MAX)
		budget = GC_BATCH_MAX;
	for (uint32_t i = 0; r == MM_OK && i < budget; i++) {
		r = list_pop(mm, n + N_CAND, H_CAND, &obj);
		if (r == MM_ENOENT) {
			r = MM_OK;
			break;
		}
		if (r == MM_OK)
			r = examine(mm, obj, res);
	}
	mm_add(mm, n + N_GCRUNS, 1);
	return r;
}

bool gc_pending(struct mm *mm)
{
	uint32_t inbox = mm_gc_addr(mm) + GC_INBOX + 4u * mm->node;
	return mm_ld(mm, mm_node_addr(mm, mm->node) + N_CAND) != 0 || mm_ld(mm, inbox) != 0;
}
