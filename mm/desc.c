/*
 * desc.c: type descriptors (layout in mm/mm.h). A descriptor is a pinned
 * read-only heap object, typed by the meta-descriptor, giving an instance's
 * body size and the offsets of its reference cells. Owns the checks that make
 * the descriptor the interface's type check: a cell offset is one the
 * descriptor lists, a word access does not overlap a cell.
 *
 * Rules: descriptors are immutable after mm_desc_create (they sit on RO
 * pages; instances' headers name them). Must not write any other object.
 */
#include "mm/impl.h"

/* Is desc a descriptor? Returns its instance size and cell count. */
int mm_desc_check(struct mm *mm, uint32_t desc, uint32_t *size, uint32_t *nrefs)
{
	struct mm_hdr h;
	int r = mm_hdr_read(mm, desc, &h);
	if (r != MM_OK)
		return r;
	if ((h.flags & F_FREE) || h.desc != mm_meta_desc(mm) || h.size < D_OFFS)
		return MM_ETYPE;
	uint32_t b = desc + MM_HDR;
	if (mm_ld(mm, b + D_MAGIC) != MM_DESC_MAGIC)
		return MM_ETYPE;
	*size = mm_ld(mm, b + D_SIZE);
	*nrefs = mm_ld(mm, b + D_NREFS);
	if (*nrefs > MM_DESC_REFS_MAX || h.size != D_OFFS + 4u * *nrefs)
		return MM_ECORRUPT;
	return MM_OK;
}

uint32_t mm_desc_off(struct mm *mm, uint32_t desc, uint32_t i)
{
	return mm_ld(mm, desc + MM_HDR + D_OFFS + 4u * i);
}

/* Does body range [off, off+len) overlap a reference cell? *cell says so.
 * MM_OK: no overlap, or the range starts exactly at a cell; MM_EREFCELL: it
 * overlaps a cell anywhere else. The caller checks the range is in the body. */
int mm_desc_find(struct mm *mm, uint32_t desc, uint32_t off, uint32_t len, bool *cell)
{
	uint32_t size, nrefs;
	int r = mm_desc_check(mm, desc, &size, &nrefs);
	if (r != MM_OK)
		return r;
	*cell = false;
	for (uint32_t i = 0; i < nrefs; i++) {
		uint32_t c = mm_desc_off(mm, desc, i);
		if (off < c + MM_CELL && c < off + len) {
			*cell = true;
			return c == off ? MM_OK : MM_EREFCELL;
		}
	}
	return MM_OK;
}

void mm_cells_init(struct mm *mm, uint32_t obj, uint32_t desc, uint32_t nrefs)
{
	for (uint32_t i = 0; i < nrefs; i++) {
		uint32_t c = obj + MM_HDR + mm_desc_off(mm, desc, i);
		mm_st(mm, c + C_TARGET, 0);
		mm_st(mm, c + C_NEXT, 0);
		mm_st(mm, c + C_BACK, c - obj);
	}
}

static int desc_offsets_ok(uint32_t size, uint32_t nrefs, const uint32_t *offs)
{
	if (nrefs > MM_DESC_REFS_MAX || (nrefs && !offs))
		return MM_EINVAL;
	if (size == 0 && nrefs)
		return MM_EINVAL;   /* variable-size objects carry no cells */
	if (size > MM_LARGE_PAGES_MAX * MM_PAGE_SIZE - MM_HDR)
		return MM_ETOOBIG;
	for (uint32_t i = 0; i < nrefs; i++) {
		if (offs[i] % 4u || offs[i] > size || size - offs[i] < MM_CELL)
			return MM_EINVAL;
		if (i && offs[i] < offs[i - 1] + MM_CELL)
			return MM_EINVAL;
	}
	return MM_OK;
}

int mm_desc_create(struct mm *mm, uint32_t size, uint32_t nrefs, const uint32_t *offs,
		   uint32_t *desc)
{
	int r = desc_offsets_ok(size, nrefs, offs);
	if (r != MM_OK)
		return r;
	uint32_t d;
	r = mm_alloc_flags(mm, mm_meta_desc(mm), D_OFFS + 4u * nrefs, MM_RO, F_PIN, &d);
	if (r != MM_OK)
		return r;
	uint32_t b = d + MM_HDR;
	mm_st(mm, b + D_MAGIC, MM_DESC_MAGIC);
	mm_st(mm, b + D_SIZE, size);
	mm_st(mm, b + D_NREFS, nrefs);
	mm_st(mm, b + D_FLAGS, 0);
	for (uint32_t i = 0; i < nrefs; i++)
		mm_st(mm, b + D_OFFS + 4u * i, offs[i]);
	*desc = d;
	return MM_OK;
}
