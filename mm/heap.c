/*
 * heap.c: the heap's layout, formatting, and the checks every other mm/ file
 * relies on (address in heap, alignment, header magic, descriptor sanity).
 * Owns the manager page header, the node system pages' initial state, the GC
 * page and the directory object created by mm_format (layouts: mm/mm.h).
 *
 * Rules: mm_init touches no heap memory; mm_format runs once, inside the
 * master's first transaction, and refuses a heap that is already formatted.
 * Must not touch memory outside [base, base + npages*4096).
 */
#include "mm/impl.h"

uint32_t mm_ld(struct mm *mm, uint32_t addr) { return mm->acc->load(mm->ctx, addr); }
void mm_st(struct mm *mm, uint32_t addr, uint32_t v) { mm->acc->store(mm->ctx, addr, v); }
void mm_add(struct mm *mm, uint32_t addr, int32_t delta)
{
	mm_st(mm, addr, mm_ld(mm, addr) + (uint32_t)delta);
}

bool mm_in_heap(const struct mm *mm, uint32_t addr, uint32_t len)
{
	uint32_t size = mm->npages * MM_PAGE_SIZE;
	return addr >= mm->base && addr - mm->base <= size && len <= size - (addr - mm->base);
}

uint32_t mm_block(uint32_t size) { return (MM_HDR + size + 7u) & ~7u; }
uint32_t mm_page_addr(const struct mm *mm, uint32_t page) { return mm->base + page * MM_PAGE_SIZE; }
uint32_t mm_node_addr(const struct mm *mm, uint32_t node)
{
	return mm_page_addr(mm, mm->mgr_pages + node);
}
uint32_t mm_gc_addr(const struct mm *mm) { return mm_page_addr(mm, mm->mgr_pages + mm->nodes); }
uint32_t mm_dir_addr(const struct mm *mm) { return mm_gc_addr(mm) + MM_PAGE_SIZE; }
uint32_t mm_meta_desc(struct mm *mm) { return mm->meta; }
uint32_t mm_hdr_kind(uint32_t flags) { return (flags >> F_KIND_SHIFT) & 3u; }

int mm_init(struct mm *mm, const struct mm_access *acc, void *ctx, uint32_t base,
	    uint32_t size, uint16_t node, uint16_t nodes)
{
	if (!acc || !acc->load || !acc->store || !acc->copy_in || !acc->copy_out)
		return MM_EINVAL;
	if (base == 0 || base % MM_PAGE_SIZE || size % MM_PAGE_SIZE || base + (size - 1u) < base)
		return MM_EINVAL;
	uint32_t npages = size / MM_PAGE_SIZE;
	uint32_t mgr_pages = (G_MAP + 4u * npages + MM_PAGE_SIZE - 1u) / MM_PAGE_SIZE;
	if (npages > MM_HEAP_PAGES_MAX || nodes == 0 || nodes > MM_NODES_MAX || node >= nodes ||
	    mgr_pages + nodes + 3u > npages)
		return MM_EINVAL;
	mm->acc = acc;
	mm->ctx = ctx;
	mm->base = base;
	mm->npages = npages;
	mm->node = node;
	mm->nodes = nodes;
	mm->mgr_pages = mgr_pages;
	mm->meta = mm_page_addr(mm, mgr_pages + nodes + 2u);
	mm->ntrace = 0;
	for (uint32_t p = 0; p < MM_HEAP_PAGES_MAX; p++)
		mm->fsmon[p] = 0;
	return MM_OK;
}

bool mm_formatted(struct mm *mm)
{
	return mm_ld(mm, mm->base + G_MAGIC) == MM_MGR_MAGIC &&
	       mm_ld(mm, mm->base + G_NPAGES) == mm->npages &&
	       mm_ld(mm, mm->base + G_NODES) == mm->nodes;
}

void mm_hdr_write(struct mm *mm, uint32_t obj, uint32_t flags, uint32_t owner, uint32_t desc,
		  uint32_t size)
{
	mm_st(mm, obj + H_WORD0, MM_MAGIC << 16 | (flags & 255u) << 8 | (owner & 255u));
	mm_st(mm, obj + H_DESC, desc);
	mm_st(mm, obj + H_SIZE, size);
	mm_st(mm, obj + H_BC, 0);
	mm_st(mm, obj + H_CAND, 0);
	mm_st(mm, obj + H_FREE, 0);
}

void mm_set_flags(struct mm *mm, uint32_t obj, uint32_t set, uint32_t clear)
{
	uint32_t w = mm_ld(mm, obj + H_WORD0);
	uint32_t f = ((w >> 8) & 255u & ~clear) | set;
	mm_st(mm, obj + H_WORD0, (w & 0xFFFF00FFu) | f << 8);
}

/* Any header, freed ones included: in heap, aligned, magic, a sane size. */
int mm_hdr_read(struct mm *mm, uint32_t obj, struct mm_hdr *h)
{
	if (obj % 8u || !mm_in_heap(mm, obj, MM_HDR))
		return MM_EINVAL;
	uint32_t w = mm_ld(mm, obj + H_WORD0);
	if (w >> 16 != MM_MAGIC)
		return MM_EMAGIC;
	h->addr = obj;
	h->flags = (w >> 8) & 255u;
	h->owner = w & 255u;
	h->desc = mm_ld(mm, obj + H_DESC);
	h->size = mm_ld(mm, obj + H_SIZE);
	h->bc = mm_ld(mm, obj + H_BC);
	uint32_t max = h->flags & F_LARGE ? MM_LARGE_PAGES_MAX * MM_PAGE_SIZE : MM_SMALL_MAX;
	if (h->size > max - MM_HDR || !mm_in_heap(mm, obj, mm_block(h->size)))
		return MM_ECORRUPT;
	if (h->owner != MM_NO_NODE && h->owner >= mm->nodes)
		return MM_ECORRUPT;
	return MM_OK;
}

/* A live object: a header, not freed, a real descriptor that fits its size. */
int mm_obj_get(struct mm *mm, uint32_t obj, struct mm_hdr *h)
{
	int r = mm_hdr_read(mm, obj, h);
	if (r != MM_OK)
		return r;
	if (h->flags & F_FREE)
		return MM_EMAGIC;
	uint32_t dsize, nrefs;
	r = mm_desc_check(mm, h->desc, &dsize, &nrefs);
	if (r != MM_OK)
		return MM_ECORRUPT;   /* the header names no descriptor */
	if (dsize != 0 && dsize != h->size)
		return MM_ECORRUPT;
	return MM_OK;
}

int mm_check_type(struct mm *mm, uint32_t obj, uint32_t desc)
{
	struct mm_hdr h;
	int r = mm_obj_get(mm, obj, &h);
	if (r != MM_OK)
		return r;
	return h.desc == desc ? MM_OK : MM_ETYPE;
}

int mm_size(struct mm *mm, uint32_t obj, uint32_t *size)
{
	struct mm_hdr h;
	int r = mm_obj_get(mm, obj, &h);
	if (r == MM_OK)
		*size = h.size;
	return r;
}

static void format_map(struct mm *mm, uint32_t region_pages)
{
	uint32_t g = mm->base;
	mm_st(mm, g + G_NPAGES, mm->npages);
	mm_st(mm, g + G_NODES, mm->nodes);
	mm_st(mm, g + G_MGRPAGES, mm->mgr_pages);
	mm_st(mm, g + G_REGION, region_pages);
	for (uint32_t w = G_REGIONS; w < G_MAP; w += 4)
		mm_st(mm, g + w, 0);
	uint32_t fixed = mm->mgr_pages + mm->nodes + 2u;
	for (uint32_t p = 0; p < mm->npages; p++) {
		uint32_t e = PG_ENTRY(PG_FREE, 0, 0);
		if (p < mm->mgr_pages)
			e = PG_ENTRY(PG_MGR, MM_NO_NODE, p);
		else if (p < mm->mgr_pages + mm->nodes)
			e = PG_ENTRY(PG_NODE, p - mm->mgr_pages, 0);
		else if (p < fixed)
			e = PG_ENTRY(p + 1u == fixed ? PG_DIR : PG_GC, MM_NO_NODE, 0);
		mm_st(mm, g + G_MAP + 4u * p, e);
	}
	mm_st(mm, g + G_FREEPAGES, mm->npages - fixed);
}

static void format_nodes(struct mm *mm)
{
	for (uint32_t n = 0; n < mm->nodes; n++) {
		uint32_t a = mm_node_addr(mm, n);
		for (uint32_t w = 0; w < N_END; w += 4)
			mm_st(mm, a + w, 0);
		mm_st(mm, a + N_MAGIC, MM_NODE_MAGIC);
		mm_st(mm, a + N_NODE, n);
	}
	uint32_t gc = mm_gc_addr(mm);
	mm_st(mm, gc + GC_MAGIC, MM_GC_MAGIC);
	for (uint32_t n = 0; n < mm->nodes; n++)
		mm_st(mm, gc + GC_INBOX + 4u * n, 0);
}

/* The meta-descriptor describes itself: allocated raw from the RO allocator. */
static int format_meta(struct mm *mm, uint32_t *meta)
{
	uint32_t blk;
	int r = mm_block_take(mm, MM_RO, mm_block(D_OFFS), &blk);
	if (r != MM_OK)
		return r;
	if (blk != mm->meta)
		return MM_ECORRUPT;
	mm_hdr_write(mm, blk, F_PIN | MM_RO << F_KIND_SHIFT, mm->node, blk, D_OFFS);
	mm_st(mm, blk + MM_HDR + D_MAGIC, MM_DESC_MAGIC);
	mm_st(mm, blk + MM_HDR + D_SIZE, 0);
	mm_st(mm, blk + MM_HDR + D_NREFS, 0);
	mm_st(mm, blk + MM_HDR + D_FLAGS, 0);
	mm_st(mm, mm->base + G_META, blk);
	struct mm_hdr h = {.addr = blk, .flags = F_PIN | MM_RO << F_KIND_SHIFT, .size = D_OFFS};
	mm_count_obj(mm, &h, 1);
	*meta = blk;
	return MM_OK;
}

static int format_dir(struct mm *mm)
{
	uint32_t offs[MM_DIR_SLOTS], desc;
	for (uint32_t i = 0; i < MM_DIR_SLOTS; i++)
		offs[i] = i * DIR_ENTRY + DIR_CELL;
	int r = mm_desc_create(mm, MM_DIR_SLOTS * DIR_ENTRY, MM_DIR_SLOTS, offs, &desc);
	if (r != MM_OK)
		return r;
	uint32_t dir = mm_dir_addr(mm);
	mm_hdr_write(mm, dir, F_PIN, MM_NO_NODE, desc, MM_DIR_SLOTS * DIR_ENTRY);
	for (uint32_t w = 0; w < MM_DIR_SLOTS * DIR_ENTRY; w += 4)
		mm_st(mm, dir + MM_HDR + w, 0);
	mm_cells_init(mm, dir, desc, MM_DIR_SLOTS);
	mm_st(mm, mm->base + G_DIR, dir);
	mm_st(mm, mm->base + G_DIRDESC, desc);
	return MM_OK;
}

int mm_format(struct mm *mm, uint32_t region_pages)
{
	if (region_pages == 0)
		region_pages = MM_REGION_PAGES;
	if (mm_ld(mm, mm->base + G_MAGIC) == MM_MGR_MAGIC)
		return MM_EEXIST;
	if (mm->mgr_pages + mm->nodes + 2u + region_pages > mm->npages ||
	    region_pages > MM_LARGE_PAGES_MAX)
		return MM_ENOMEM;
	format_map(mm, region_pages);
	format_nodes(mm);
	mm_st(mm, mm->base + G_MAGIC, MM_MGR_MAGIC);
	uint32_t meta;
	int r = format_meta(mm, &meta);
	if (r == MM_OK)
		r = format_dir(mm);
	return r;
}
