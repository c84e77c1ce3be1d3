/*
 * reloc.c: moving an object to another place and fixing every reference to
 * it through its backchain, inside the caller's one transaction. Used by the
 * false-sharing monitor (stat.c) to put colliding objects apart, and by
 * command (`relocate`).
 *
 * Order: check first (the object, each outgoing cell's entry in its target's
 * chain, the whole incoming chain), then allocate, copy, splice the new cells
 * into the targets' chains in place of the old ones, re-point every incoming
 * cell, and free the old block. Pinned and read-only objects do not move
 * (the directory is at a fixed place; headers name descriptors directly).
 * Must not touch anything but the object, its referrers' cells, its targets'
 * chains and this node's allocator state.
 */
#include "mm/impl.h"

/* Every outgoing cell is on its target's chain; every incoming cell points
 * here. Read only. */
static int reloc_check(struct mm *mm, const struct mm_hdr *h, uint32_t nrefs)
{
	for (uint32_t i = 0; i < nrefs; i++) {
		uint32_t cell = h->addr + MM_HDR + mm_desc_off(mm, h->desc, i);
		uint32_t t = mm_ld(mm, cell + C_TARGET), prev;
		struct mm_hdr th;
		if (mm_ld(mm, cell + C_BACK) != cell - h->addr)
			return MM_ECORRUPT;
		if (t && (mm_hdr_read(mm, t, &th) != MM_OK || mm_bc_find(mm, t, cell, &prev) != MM_OK))
			return MM_ECORRUPT;
	}
	uint32_t len;
	return mm_backchain_len(mm, h->addr, &len);
}

static int reloc_take(struct mm *mm, const struct mm_hdr *h, enum mm_reloc where,
		      uint32_t *blk, uint32_t *flags)
{
	uint32_t need = mm_block(h->size);
	*flags = h->flags & ~(uint32_t)(F_CAND | F_FREE | F_LARGE);
	if (where == MM_RELOC_PAGE || need > MM_SMALL_MAX) {
		*flags |= F_LARGE;
		return mm_large_take(mm, need, blk);
	}
	return mm_block_take(mm, MM_RW, need, blk);
}

/* Splice the copy's cells into the chains and re-point the referrers. */
static int reloc_fix(struct mm *mm, const struct mm_hdr *h, uint32_t nrefs, uint32_t to)
{
	for (uint32_t i = 0; i < nrefs; i++) {
		uint32_t off = MM_HDR + mm_desc_off(mm, h->desc, i);
		uint32_t t = mm_ld(mm, h->addr + off + C_TARGET);
		if (t && mm_bc_replace(mm, t, h->addr + off, to + off) != MM_OK)
			return MM_ECORRUPT;
	}
	uint32_t cur = mm_ld(mm, h->addr + H_BC);
	mm_st(mm, to + H_BC, cur);
	mm_st(mm, h->addr + H_BC, 0);
	for (uint32_t i = 0; cur && i < MM_BC_MAX; i++) {
		mm_st(mm, cur + C_TARGET, to);
		cur = mm_ld(mm, cur + C_NEXT);
	}
	return cur ? MM_ECORRUPT : MM_OK;
}

int mm_relocate(struct mm *mm, uint32_t obj, enum mm_reloc where, uint32_t *moved)
{
	struct mm_hdr h;
	uint32_t size, nrefs, to, flags;
	int r = mm_obj_get(mm, obj, &h);
	if (r != MM_OK)
		return r;
	if ((h.flags & F_PIN) || mm_hdr_kind(h.flags) == MM_RO)
		return MM_EPINNED;
	r = mm_desc_check(mm, h.desc, &size, &nrefs);
	if (r == MM_OK)
		r = reloc_check(mm, &h, nrefs);
	if (r == MM_OK)
		r = reloc_take(mm, &h, where, &to, &flags);
	if (r != MM_OK)
		return r;
	mm_hdr_write(mm, to, flags, mm->node, h.desc, h.size);
	for (uint32_t w = 0; w < h.size; w += 4)
		mm_st(mm, to + MM_HDR + w, mm_ld(mm, obj + MM_HDR + w));
	r = reloc_fix(mm, &h, nrefs, to);
	if (r != MM_OK)
		return r;   /* checked above: only a heap changed under us gets here */
	struct mm_hdr n = {.addr = to, .flags = flags, .owner = mm->node, .size = h.size};
	mm_count_obj(mm, &n, 1);
	if ((h.flags & F_CAND) || mm_ld(mm, to + H_BC) == 0)
		mm_cand_push(mm, to);   /* the old block's candidacy moves with it */
	mm_release(mm, &h);
	mm_add(mm, mm_node_addr(mm, mm->node) + N_RELOC, 1);
	*moved = to;
	return MM_OK;
}
