/*
 * alloc.c: two-level allocation. The central manager (page 0 on) hands out
 * whole-page extents: allocator regions of one node and one kind (RW, RO,
 * SYS), and large objects (blocks > MM_SMALL_MAX), page-aligned. Each node
 * allocates small blocks from its own regions, with its allocator state in
 * its own system page, so private allocations on different nodes never touch
 * the same page; only a refill (a new region) touches the manager.
 *
 * Freeing: a block freed by its owner goes on the owner's free list (or back
 * to the manager if large); freed by another node, on the owner's inbox in
 * the GC page, which the owner drains in its next gc_run (gc/gc.c). So no
 * node writes another node's system page. A freed block still on a GC
 * candidate list (flag CAND) stays there until the list's GC pops it (gc/
 * calls mm_reclaim then). A new object (not pinned) is pushed on the node's
 * candidate list here: garbage unless linked before commit.
 *
 * Rules: callers validate objects first; these helpers assume a checked
 * header. Must not write another node's system page.
 */
#include "mm/impl.h"

static uint32_t map_at(const struct mm *mm, uint32_t page)
{
	return mm->base + G_MAP + 4u * page;
}

/* The manager: first fit over the page map, bounded by the heap's pages. */
int mm_mgr_take(struct mm *mm, uint32_t npages, uint32_t kind, uint32_t *first)
{
	if (!mm_formatted(mm))
		return MM_ECORRUPT;
	uint32_t run = 0, start = mm->mgr_pages + mm->nodes + 2u;
	for (uint32_t p = start; p < mm->npages; p++) {
		run = PG_KIND(mm_ld(mm, map_at(mm, p))) == PG_FREE ? run + 1u : 0u;
		if (run < npages)
			continue;
		uint32_t f = p + 1u - npages;
		for (uint32_t i = 0; i < npages; i++)
			mm_st(mm, map_at(mm, f + i), PG_ENTRY(kind, mm->node, i));
		mm_add(mm, mm->base + G_FREEPAGES, -(int32_t)npages);
		if (kind == PG_LARGE) {
			mm_add(mm, mm->base + G_LARGE, 1);
			mm_add(mm, mm->base + G_LPAGES, (int32_t)npages);
		} else {
			mm_add(mm, mm->base + G_REGIONS, 1);
		}
		*first = f;
		return MM_OK;
	}
	return MM_ENOMEM;
}

/* Give back the large object's extent that starts at `page`. */
static void mgr_give(struct mm *mm, uint32_t page)
{
	uint32_t n = 0;
	while (page + n < mm->npages && n < MM_LARGE_PAGES_MAX) {
		uint32_t e = mm_ld(mm, map_at(mm, page + n));
		if (PG_KIND(e) != PG_LARGE || PG_BACK(e) != n)
			break;
		mm_st(mm, map_at(mm, page + n), PG_ENTRY(PG_FREE, 0, 0));
		n++;
	}
	mm_add(mm, mm->base + G_FREEPAGES, (int32_t)n);
	mm_add(mm, mm->base + G_LARGE, -1);
	mm_add(mm, mm->base + G_LPAGES, -(int32_t)n);
}

static uint32_t alloc_at(const struct mm *mm, enum mm_kind kind)
{
	return mm_node_addr(mm, mm->node) + N_ALLOC + A_SIZE * (uint32_t)kind;
}

/* An exact-size block from the free list (looks at MM_FREE_SCAN entries). */
static int free_take(struct mm *mm, uint32_t a, uint32_t need, uint32_t *blk)
{
	uint32_t prev = a + A_FREE, cur = mm_ld(mm, prev);
	for (uint32_t i = 0; i < MM_FREE_SCAN && cur; i++) {
		struct mm_hdr h;
		if (mm_hdr_read(mm, cur, &h) != MM_OK || !(h.flags & F_FREE) || (h.flags & F_CAND))
			return MM_ECORRUPT;
		if (mm_block(h.size) == need) {
			mm_st(mm, prev, mm_ld(mm, cur + H_FREE));
			*blk = cur;
			return MM_OK;
		}
		prev = cur + H_FREE;
		cur = mm_ld(mm, prev);
	}
	return MM_ENOMEM;
}

/* Close the rest of a region [cur, end) so region walkers can skip it. */
static void region_close(struct mm *mm, uint32_t cur, uint32_t end, enum mm_kind kind)
{
	uint32_t gap = end - cur;
	if (cur == 0 || gap == 0)
		return;
	if (gap < MM_HDR) {
		mm_st(mm, cur, MM_PAD | gap);
		return;
	}
	mm_hdr_write(mm, cur, F_FREE | (uint32_t)kind << F_KIND_SHIFT, MM_NO_NODE,
		     mm_meta_desc(mm), gap - MM_HDR);
}

/* Take [cur, cur+need); a zero word after it ends the region's walk (a
 * reused page may hold stale data). */
static void bump(struct mm *mm, uint32_t a, uint32_t cur, uint32_t end, uint32_t need)
{
	mm_st(mm, a + A_CUR, cur + need);
	if (end - cur - need >= 4u)
		mm_st(mm, cur + need, 0);
}

int mm_block_take(struct mm *mm, enum mm_kind kind, uint32_t need, uint32_t *blk)
{
	static const uint8_t pg_kind[MM_NKINDS] = {PG_RW, PG_RO, PG_SYS};
	uint32_t a = alloc_at(mm, kind);
	if (mm_ld(mm, mm_node_addr(mm, mm->node) + N_MAGIC) != MM_NODE_MAGIC)
		return MM_ECORRUPT;
	int r = free_take(mm, a, need, blk);
	if (r != MM_ENOMEM)
		return r;
	uint32_t cur = mm_ld(mm, a + A_CUR), end = mm_ld(mm, a + A_END);
	if (cur && cur <= end && end - cur >= need) {
		bump(mm, a, cur, end, need);
		*blk = cur;
		return MM_OK;
	}
	uint32_t pages = kind == MM_RW ? mm_ld(mm, mm->base + G_REGION) : 1u, first;
	if (pages == 0 || pages > MM_LARGE_PAGES_MAX)
		return MM_ECORRUPT;
	r = mm_mgr_take(mm, pages, pg_kind[kind], &first);
	if (r != MM_OK)
		return r;
	region_close(mm, cur, end, kind);
	cur = mm_page_addr(mm, first);
	end = cur + pages * MM_PAGE_SIZE;
	mm_st(mm, a + A_END, end);
	bump(mm, a, cur, end, need);
	mm_add(mm, mm_node_addr(mm, mm->node) + N_REFILLS, 1);
	*blk = cur;
	return MM_OK;
}

int mm_large_take(struct mm *mm, uint32_t need, uint32_t *blk)
{
	uint32_t pages = (need + MM_PAGE_SIZE - 1u) / MM_PAGE_SIZE, first;
	if (pages > MM_LARGE_PAGES_MAX)
		return MM_ETOOBIG;
	int r = mm_mgr_take(mm, pages, PG_LARGE, &first);
	if (r == MM_OK)
		*blk = mm_page_addr(mm, first);
	return r;
}

/* Objects and bytes by kind, counted on the node that allocates or frees
 * (its own page): the sum over all nodes is the heap's total. */
void mm_count_obj(struct mm *mm, const struct mm_hdr *h, int32_t sign)
{
	uint32_t n = mm_node_addr(mm, mm->node), k = mm_hdr_kind(h->flags);
	if (h->flags & F_LARGE) {
		mm_add(mm, n + N_LOBJS, sign);
		mm_add(mm, n + N_LBYTES, sign * (int32_t)h->size);
	} else {
		mm_add(mm, n + N_OBJS + 4u * k, sign);
		mm_add(mm, n + N_BYTES + 4u * k, sign * (int32_t)h->size);
	}
}

int mm_alloc_flags(struct mm *mm, uint32_t desc, uint32_t size, enum mm_kind kind,
		   uint32_t flags, uint32_t *obj)
{
	uint32_t dsize, nrefs, blk;
	if ((unsigned)kind >= MM_NKINDS || !obj || size % 4u)
		return MM_EINVAL;
	int r = mm_desc_check(mm, desc, &dsize, &nrefs);
	if (r != MM_OK)
		return r == MM_ECORRUPT ? r : MM_ETYPE;
	if (dsize && size && size != dsize)
		return MM_ETYPE;
	size = dsize ? dsize : size;
	if (size > MM_LARGE_PAGES_MAX * MM_PAGE_SIZE - MM_HDR)
		return MM_ETOOBIG;
	uint32_t need = mm_block(size);
	if (need > MM_SMALL_MAX) {
		flags |= F_LARGE;
		r = mm_large_take(mm, need, &blk);
	} else {
		r = mm_block_take(mm, kind, need, &blk);
	}
	if (r != MM_OK)
		return r;
	flags |= (uint32_t)kind << F_KIND_SHIFT;
	mm_hdr_write(mm, blk, flags, mm->node, desc, size);
	for (uint32_t w = 0; w < size; w += 4)
		mm_st(mm, blk + MM_HDR + w, 0);
	mm_cells_init(mm, blk, desc, nrefs);
	struct mm_hdr h = {.addr = blk, .flags = flags, .owner = mm->node, .size = size};
	mm_count_obj(mm, &h, 1);
	if (!(flags & F_PIN))
		mm_cand_push(mm, blk);   /* garbage unless linked before commit */
	*obj = blk;
	return MM_OK;
}

int mm_alloc(struct mm *mm, uint32_t desc, uint32_t size, enum mm_kind kind, uint32_t *obj)
{
	return mm_alloc_flags(mm, desc, size, kind, 0, obj);
}

/* A freed block (FREE set, CAND clear) goes back where its owner finds it. */
void mm_reclaim(struct mm *mm, const struct mm_hdr *h)
{
	if (h->owner != mm->node && h->owner != MM_NO_NODE) {
		uint32_t inbox = mm_gc_addr(mm) + GC_INBOX + 4u * h->owner;
		mm_st(mm, h->addr + H_FREE, mm_ld(mm, inbox));
		mm_st(mm, inbox, h->addr);
		return;
	}
	if (h->flags & F_LARGE) {
		mgr_give(mm, (h->addr - mm->base) / MM_PAGE_SIZE);
		return;
	}
	uint32_t a = alloc_at(mm, (enum mm_kind)mm_hdr_kind(h->flags));
	mm_st(mm, h->addr + H_FREE, mm_ld(mm, a + A_FREE));
	mm_st(mm, a + A_FREE, h->addr);
}

/* Free a checked block whose cells are already unlinked. */
void mm_release(struct mm *mm, const struct mm_hdr *h)
{
	mm_set_flags(mm, h->addr, F_FREE, 0);
	mm_count_obj(mm, h, -1);
	mm_add(mm, mm_node_addr(mm, mm->node) + N_FREED, 1);
	if (!(h->flags & F_CAND)) {
		struct mm_hdr f = *h;
		f.flags |= F_FREE;
		mm_reclaim(mm, &f);
	}
}

int mm_free(struct mm *mm, uint32_t obj)
{
	struct mm_hdr h;
	int r = mm_obj_get(mm, obj, &h);
	if (r != MM_OK)
		return r;
	if (h.flags & F_PIN)
		return MM_EPINNED;
	if (h.bc)
		return MM_EBUSY;
	r = mm_unlink_all(mm, &h);
	if (r != MM_OK)
		return r;
	h.flags = (mm_ld(mm, obj + H_WORD0) >> 8) & 255u;  /* unlinking may self-candidate */
	mm_release(mm, &h);
	return MM_OK;
}
