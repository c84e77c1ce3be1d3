/*
 * stat.c: what the heap reports about itself: objstat (counters summed over
 * the manager and every node's system page), the false-sharing monitor, and
 * mm_verify, a full consistency check. Owns the region walker: blocks in a
 * region are laid end to end from its start (a pad word covers a tail too
 * small for a header), up to the owner's allocation cursor if the region is
 * the owner's current one.
 *
 * False-sharing monitor: the kernel calls mm_fsmon_abort on every abort with
 * the conflicting pages (node-local counters in struct mm, outside any
 * transaction, so they survive the abort they describe). mm_fsmon_top names
 * the worst pages, mm_fsmon_objects the objects on one, mm_fsmon_relocate
 * moves all but the first object of the worst page apart (in the caller's
 * transaction). Only pages are counted: the abort path knows no objects.
 *
 * Rules: read-only except mm_fsmon_relocate (through reloc.c). Every walk is
 * bounded by the heap's pages and by MM_LARGE_PAGES_MAX pages per extent.
 */
#include "mm/impl.h"

typedef int (*mm_visit)(struct mm *mm, const struct mm_hdr *h, void *arg);

static uint32_t map_entry(struct mm *mm, uint32_t page)
{
	return mm_ld(mm, mm->base + G_MAP + 4u * page);
}

/* The block range [start, limit) of the extent whose first page is `first`. */
static int extent_range(struct mm *mm, uint32_t first, uint32_t *start, uint32_t *limit)
{
	uint32_t e = map_entry(mm, first), kind = PG_KIND(e), node = PG_NODE(e), n = 1;
	while (first + n < mm->npages && n < MM_LARGE_PAGES_MAX &&
	       map_entry(mm, first + n) == PG_ENTRY(kind, node, n))
		n++;
	*start = mm_page_addr(mm, first);
	*limit = *start + n * MM_PAGE_SIZE;
	if (kind == PG_LARGE || kind == PG_DIR) {
		*limit = *start + 1u;   /* one object per extent */
		return MM_OK;
	}
	return node < mm->nodes ? MM_OK : MM_ECORRUPT;
}

/* Visit the live objects of one extent that overlap [lo, hi). */
static int walk_extent(struct mm *mm, uint32_t first, uint32_t lo, uint32_t hi, mm_visit fn,
		       void *arg)
{
	uint32_t a, limit;
	int r = extent_range(mm, first, &a, &limit);
	for (uint32_t k = 0; r == MM_OK && a < limit && a < hi; k++) {
		uint32_t w = mm_ld(mm, a);
		if (w == 0)
			break;   /* the end of the allocated part */
		if (k >= MM_LARGE_PAGES_MAX * MM_PAGE_SIZE / 8u)
			return MM_ECORRUPT;
		if ((w & 0xFFFF0000u) == MM_PAD) {
			if ((w & 0xFFFFu) == 0 || (w & 7u))
				return MM_ECORRUPT;
			a += w & 0xFFFFu;
			continue;
		}
		struct mm_hdr h;
		r = mm_hdr_read(mm, a, &h);
		if (r != MM_OK)
			return MM_ECORRUPT;
		if (!(h.flags & F_FREE) && a + mm_block(h.size) > lo)
			r = fn(mm, &h, arg);
		a += mm_block(h.size);
	}
	return r;
}

static bool walkable(uint32_t kind)
{
	return kind == PG_DIR || kind == PG_RW || kind == PG_RO || kind == PG_SYS ||
	       kind == PG_LARGE;
}

/* Add node n's counters (its system page) to st. */
static int node_add(struct mm *mm, uint32_t n, struct mm_stat *st)
{
	uint32_t a = mm_node_addr(mm, n);
	if (mm_ld(mm, a + N_MAGIC) != MM_NODE_MAGIC)
		return MM_ECORRUPT;
	for (uint32_t k = 0; k < MM_NKINDS; k++) {
		st->objects[k] += mm_ld(mm, a + N_OBJS + 4u * k);
		st->bytes[k] += mm_ld(mm, a + N_BYTES + 4u * k);
	}
	st->large_bytes += mm_ld(mm, a + N_LBYTES);
	st->bc_entries += (int32_t)(mm_ld(mm, a + N_LINKS) - mm_ld(mm, a + N_UNLINKS));
	st->refills += mm_ld(mm, a + N_REFILLS);
	st->freed += mm_ld(mm, a + N_FREED);
	st->relocated += mm_ld(mm, a + N_RELOC);
	st->gc_runs += mm_ld(mm, a + N_GCRUNS);
	st->candidates += mm_ld(mm, a + N_NCAND);
	return MM_OK;
}

int mm_objstat(struct mm *mm, struct mm_stat *st)
{
	if (!mm_formatted(mm))
		return MM_ECORRUPT;
	*st = (struct mm_stat){0};
	st->large_objects = mm_ld(mm, mm->base + G_LARGE);
	st->large_pages = mm_ld(mm, mm->base + G_LPAGES);
	st->regions = mm_ld(mm, mm->base + G_REGIONS);
	st->free_pages = mm_ld(mm, mm->base + G_FREEPAGES);
	for (uint32_t n = 0; n < mm->nodes; n++)
		if (node_add(mm, n, st) != MM_OK)
			return MM_ECORRUPT;
	return MM_OK;
}

int mm_objstat_node(struct mm *mm, uint32_t node, struct mm_stat *st)
{
	if (!mm_formatted(mm) || node >= mm->nodes)
		return mm_formatted(mm) ? MM_EINVAL : MM_ECORRUPT;
	*st = (struct mm_stat){0};
	st->large_objects = mm_ld(mm, mm_node_addr(mm, node) + N_LOBJS);
	return node_add(mm, node, st);
}

void mm_fsmon_abort(struct mm *mm, const uint32_t *pages, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (pages[i] < mm->npages && mm->fsmon[pages[i]] < 0xFFFFu)
			mm->fsmon[pages[i]]++;
}

uint32_t mm_fsmon_top(struct mm *mm, uint32_t *pages, uint16_t *counts, uint32_t max)
{
	uint32_t n = 0;
	if (max > MM_FSMON_TOP_MAX)
		max = MM_FSMON_TOP_MAX;
	for (; n < max; n++) {
		uint32_t best = mm->npages;
		for (uint32_t p = 0; p < mm->npages; p++) {
			bool taken = false;
			for (uint32_t i = 0; i < n && !taken; i++)
				taken = pages[i] == p;
			if (!taken && mm->fsmon[p] && (best == mm->npages || mm->fsmon[p] > mm->fsmon[best]))
				best = p;
		}
		if (best == mm->npages)
			break;
		pages[n] = best;
		counts[n] = mm->fsmon[best];
	}
	return n;
}

struct obj_list {
	uint32_t *objs, max, n;
};

static int list_add(struct mm *mm, const struct mm_hdr *h, void *arg)
{
	struct obj_list *l = arg;
	(void)mm;
	if (l->n < l->max)
		l->objs[l->n++] = h->addr;
	return MM_OK;
}

int mm_fsmon_objects(struct mm *mm, uint32_t page, uint32_t *objs, uint32_t max, uint32_t *n)
{
	*n = 0;
	if (page >= mm->npages)
		return MM_EINVAL;
	uint32_t e = map_entry(mm, page), kind = PG_KIND(e);
	if (kind == PG_FREE || kind == PG_MGR || kind == PG_GC || kind == PG_NODE)
		return MM_OK;   /* no shared objects: a node page is its node's alone */
	if (!walkable(kind) || PG_BACK(e) > page)
		return MM_ECORRUPT;
	struct obj_list l = {.objs = objs, .max = max, .n = 0};
	uint32_t lo = mm_page_addr(mm, page);
	int r = walk_extent(mm, page - PG_BACK(e), lo, lo + MM_PAGE_SIZE, list_add, &l);
	*n = l.n;
	return r;
}

int mm_fsmon_relocate(struct mm *mm, uint32_t min_aborts, enum mm_reloc where, uint32_t *moved)
{
	uint32_t page, objs[MM_FSMON_OBJS_MAX], n;
	uint16_t count;
	*moved = 0;
	if (mm_fsmon_top(mm, &page, &count, 1) == 0 || count < min_aborts)
		return MM_OK;
	int r = mm_fsmon_objects(mm, page, objs, MM_FSMON_OBJS_MAX, &n);
	for (uint32_t i = 1; r == MM_OK && i < n; i++) {
		uint32_t to;
		r = mm_relocate(mm, objs[i], where, &to);
		if (r == MM_EPINNED) {
			r = MM_OK;
			continue;
		}
		if (r == MM_OK)
			(*moved)++;
	}
	mm->fsmon[page] = 0;
	return r;
}

/* mm_verify: every live object's header, cells and both chain directions. */
static int verify_obj(struct mm *mm, const struct mm_hdr *h, void *arg)
{
	struct mm_hdr t;
	uint32_t size, nrefs, len, prev;
	int r = mm_obj_get(mm, h->addr, &t);
	if (r == MM_OK)
		r = mm_desc_check(mm, h->desc, &size, &nrefs);
	if (r == MM_OK)
		r = mm_backchain_len(mm, h->addr, &len);
	for (uint32_t i = 0; r == MM_OK && i < nrefs; i++) {
		uint32_t cell = h->addr + MM_HDR + mm_desc_off(mm, h->desc, i);
		uint32_t tgt = mm_ld(mm, cell + C_TARGET);
		if (mm_ld(mm, cell + C_BACK) != cell - h->addr)
			return MM_ECORRUPT;
		if (tgt && (mm_obj_get(mm, tgt, &t) != MM_OK || mm_bc_find(mm, tgt, cell, &prev) != MM_OK))
			return MM_ECORRUPT;
	}
	if (r == MM_OK)
		(*(uint32_t *)arg)++;
	return r == MM_OK ? MM_OK : MM_ECORRUPT;
}

int mm_verify(struct mm *mm, uint32_t *objects)
{
	return mm_verify_pages(mm, 0, mm->npages, objects);
}

/* The extents that start in [first, first+n): a transaction reads a bounded
 * number of pages, so a kernel checks a big heap in pieces. */
int mm_verify_pages(struct mm *mm, uint32_t first, uint32_t n, uint32_t *objects)
{
	*objects = 0;
	if (!mm_formatted(mm) || first > mm->npages)
		return mm_formatted(mm) ? MM_EINVAL : MM_ECORRUPT;
	for (uint32_t p = first; p < mm->npages && p - first < n; p++) {
		uint32_t e = map_entry(mm, p);
		if (!walkable(PG_KIND(e)) || PG_BACK(e) != 0)
			continue;
		int r = walk_extent(mm, p, 0, 0xFFFFFFFFu, verify_obj, objects);
		if (r != MM_OK)
			return r;
	}
	return MM_OK;
}
