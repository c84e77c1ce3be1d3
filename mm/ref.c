/*
 * ref.c: the one reference-store operation and the backchains it keeps, the
 * checked word accessors, and the push side of the GC candidate lists it
 * feeds (mm_cand_push, also called by allocation and relocation; the
 * collector in gc/ pops them). Every heap reference store in plurix goes
 * through mm_ref_store: it unlinks the cell from the old target's backchain
 * (the old target becomes a GC candidate: it lost an entry), and links it at
 * the head of the new target's chain.
 *
 * Rules: validate everything (holder, cell offset against the descriptor,
 * the cell's back word, the new target, the old target's chain) before the
 * first write, so an error leaves the heap as it was. Stack references are
 * not tracked. Must not write anything but the cell, the two targets'
 * headers, and this node's system page (counters, candidate list).
 */
#include "mm/impl.h"

/* Find the word that points at `cell` in target's backchain (read only). */
int mm_bc_find(struct mm *mm, uint32_t target, uint32_t cell, uint32_t *prev)
{
	uint32_t p = target + H_BC, cur = mm_ld(mm, p);
	for (uint32_t i = 0; i < MM_BC_MAX; i++) {
		if (cur == 0)
			return MM_ECORRUPT;
		if (cur == cell) {
			*prev = p;
			return MM_OK;
		}
		if (cur % 4u || !mm_in_heap(mm, cur, MM_CELL) || mm_ld(mm, cur + C_TARGET) != target)
			return MM_ECORRUPT;
		p = cur + C_NEXT;
		cur = mm_ld(mm, p);
	}
	return MM_ECORRUPT;
}

void mm_cand_push(struct mm *mm, uint32_t obj)
{
	uint32_t w = mm_ld(mm, obj + H_WORD0), f = (w >> 8) & 255u;
	if (f & (F_CAND | F_PIN))
		return;
	uint32_t n = mm_node_addr(mm, mm->node);
	mm_st(mm, obj + H_WORD0, w | (uint32_t)F_CAND << 8);
	mm_st(mm, obj + H_CAND, mm_ld(mm, n + N_CAND));
	mm_st(mm, n + N_CAND, obj);
	mm_add(mm, n + N_NCAND, 1);
}

/* The cell at body offset `off` of a live object: checked against its
 * descriptor and its back word. */
static int cell_get(struct mm *mm, uint32_t obj, uint32_t off, uint32_t *cell)
{
	struct mm_hdr h;
	bool is_cell;
	int r = mm_obj_get(mm, obj, &h);
	if (r != MM_OK)
		return r;
	if (off % 4u || off >= h.size)
		return MM_EINVAL;
	if (h.size - off < MM_CELL)
		return MM_ENOTREF;
	r = mm_desc_find(mm, h.desc, off, MM_CELL, &is_cell);
	if (r != MM_OK || !is_cell)
		return r == MM_OK || r == MM_EREFCELL ? MM_ENOTREF : r;
	*cell = obj + MM_HDR + off;
	if (mm_ld(mm, *cell + C_BACK) != MM_HDR + off)
		return MM_ECORRUPT;
	return MM_OK;
}

/* Set a checked cell to target (0 or a checked live object). */
static int cell_set(struct mm *mm, uint32_t cell, uint32_t target)
{
	uint32_t old = mm_ld(mm, cell + C_TARGET), prev = 0;
	if (old == target)
		return MM_OK;
	if (old) {
		struct mm_hdr oh;
		if (mm_hdr_read(mm, old, &oh) != MM_OK || (oh.flags & F_FREE) ||
		    mm_bc_find(mm, old, cell, &prev) != MM_OK)
			return MM_ECORRUPT;
	}
	uint32_t n = mm_node_addr(mm, mm->node);
	if (old) {
		mm_st(mm, prev, mm_ld(mm, cell + C_NEXT));
		mm_add(mm, n + N_UNLINKS, 1);
		mm_cand_push(mm, old);
	}
	mm_st(mm, cell + C_TARGET, target);
	mm_st(mm, cell + C_NEXT, target ? mm_ld(mm, target + H_BC) : 0u);
	if (target) {
		mm_st(mm, target + H_BC, cell);
		mm_add(mm, n + N_LINKS, 1);
	}
	return MM_OK;
}

int mm_ref_store(struct mm *mm, uint32_t obj, uint32_t off, uint32_t target)
{
	uint32_t cell;
	int r = cell_get(mm, obj, off, &cell);
	if (r != MM_OK)
		return r;
	if (target) {
		struct mm_hdr th;
		r = mm_obj_get(mm, target, &th);
		if (r != MM_OK)
			return r;
	}
	return cell_set(mm, cell, target);
}

int mm_ref_load(struct mm *mm, uint32_t obj, uint32_t off, uint32_t *target)
{
	uint32_t cell;
	int r = cell_get(mm, obj, off, &cell);
	if (r == MM_OK)
		*target = mm_ld(mm, cell + C_TARGET);
	return r;
}

/* A data word at body offset `off`, outside every reference cell. */
static int word_at(struct mm *mm, uint32_t obj, uint32_t off, uint32_t *addr)
{
	struct mm_hdr h;
	bool is_cell;
	int r = mm_obj_get(mm, obj, &h);
	if (r != MM_OK)
		return r;
	if (off % 4u || off >= h.size || h.size - off < 4u)
		return MM_EINVAL;
	r = mm_desc_find(mm, h.desc, off, 4, &is_cell);
	if (r != MM_OK && r != MM_EREFCELL)
		return r;
	if (is_cell)
		return MM_EREFCELL;
	*addr = obj + MM_HDR + off;
	return MM_OK;
}

int mm_word_store(struct mm *mm, uint32_t obj, uint32_t off, uint32_t val)
{
	uint32_t a;
	int r = word_at(mm, obj, off, &a);
	if (r == MM_OK)
		mm_st(mm, a, val);
	return r;
}

int mm_word_load(struct mm *mm, uint32_t obj, uint32_t off, uint32_t *val)
{
	uint32_t a;
	int r = word_at(mm, obj, off, &a);
	if (r == MM_OK)
		*val = mm_ld(mm, a);
	return r;
}

int mm_backchain_len(struct mm *mm, uint32_t obj, uint32_t *n)
{
	struct mm_hdr h;
	int r = mm_obj_get(mm, obj, &h);
	if (r != MM_OK)
		return r;
	uint32_t cur = h.bc;
	for (uint32_t i = 0; i <= MM_BC_MAX; i++) {
		if (cur == 0) {
			*n = i;
			return MM_OK;
		}
		if (cur % 4u || !mm_in_heap(mm, cur, MM_CELL) || mm_ld(mm, cur + C_TARGET) != obj)
			return MM_ECORRUPT;
		cur = mm_ld(mm, cur + C_NEXT);
	}
	return MM_ECORRUPT;
}

/* Clear every reference cell of a checked object (free, GC). */
int mm_unlink_all(struct mm *mm, const struct mm_hdr *h)
{
	uint32_t size, nrefs;
	int r = mm_desc_check(mm, h->desc, &size, &nrefs);
	for (uint32_t i = 0; r == MM_OK && i < nrefs; i++) {
		uint32_t cell = h->addr + MM_HDR + mm_desc_off(mm, h->desc, i);
		if (mm_ld(mm, cell + C_BACK) != cell - h->addr)
			return MM_ECORRUPT;
		r = cell_set(mm, cell, 0);
	}
	return r;
}

/* Relocation: new_cell takes old_cell's place in target's backchain. */
int mm_bc_replace(struct mm *mm, uint32_t target, uint32_t old_cell, uint32_t new_cell)
{
	uint32_t prev;
	int r = mm_bc_find(mm, target, old_cell, &prev);
	if (r != MM_OK)
		return r;
	mm_st(mm, new_cell + C_NEXT, mm_ld(mm, old_cell + C_NEXT));
	mm_st(mm, prev, new_cell);
	return MM_OK;
}
