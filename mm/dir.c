/*
 * dir.c: the name service: a root directory of named objects in the heap
 * (layout in mm/mm.h), at a fixed address every node computes, so programs
 * on any node find shared objects by name. The directory is pinned: it is
 * the GC's root, and every object bound in it (and everything reachable from
 * those) is live.
 *
 * Rules: names are 1..MM_NAME_MAX-1 bytes, compared exactly; a slot's cell is
 * written only with mm_ref_store, so bound objects carry the backchain entry.
 * Must not touch anything but the directory and what mm_ref_store touches.
 */
#include "mm/impl.h"

/* The name, zero-padded to MM_NAME_MAX bytes, as words. */
static int name_words(const char *name, uint32_t w[MM_NAME_MAX / 4u])
{
	uint32_t len = 0;
	if (!name)
		return MM_EINVAL;
	while (len < MM_NAME_MAX && name[len])
		len++;
	if (len == 0 || len >= MM_NAME_MAX)
		return MM_EINVAL;
	for (uint32_t i = 0; i < MM_NAME_MAX / 4u; i++)
		w[i] = 0;
	for (uint32_t i = 0; i < len; i++)
		w[i / 4u] |= (uint32_t)(uint8_t)name[i] << (8u * (i % 4u));
	return MM_OK;
}

/* Check the directory; find the slot bound to w (or -1) and a free one. */
static int dir_find(struct mm *mm, const uint32_t *w, int *slot, int *free_slot)
{
	struct mm_hdr h;
	uint32_t dir = mm_dir_addr(mm);
	int r = mm_obj_get(mm, dir, &h);
	if (r != MM_OK)
		return r == MM_EMAGIC ? MM_ECORRUPT : r;
	if (!(h.flags & F_PIN) || h.size != MM_DIR_SLOTS * DIR_ENTRY)
		return MM_ECORRUPT;
	*slot = *free_slot = -1;
	for (uint32_t i = 0; i < MM_DIR_SLOTS && *slot < 0; i++) {
		uint32_t e = dir + MM_HDR + i * DIR_ENTRY, same = 1;
		uint32_t first = mm_ld(mm, e + DIR_NAME);
		if (first == 0) {
			if (*free_slot < 0)
				*free_slot = (int)i;
			continue;
		}
		for (uint32_t k = 0; k < MM_NAME_MAX / 4u && same; k++)
			same = mm_ld(mm, e + DIR_NAME + 4u * k) == w[k];
		if (same)
			*slot = (int)i;
	}
	return MM_OK;
}

static uint32_t cell_off(int slot) { return (uint32_t)slot * DIR_ENTRY + DIR_CELL; }

int mm_dir_bind(struct mm *mm, const char *name, uint32_t obj)
{
	uint32_t w[MM_NAME_MAX / 4u];
	int slot, free_slot;
	struct mm_hdr h;
	int r = name_words(name, w);
	if (r == MM_OK)
		r = mm_obj_get(mm, obj, &h);
	if (r == MM_OK)
		r = dir_find(mm, w, &slot, &free_slot);
	if (r != MM_OK)
		return r;
	if (slot >= 0)
		return MM_EEXIST;
	if (free_slot < 0)
		return MM_EFULL;
	r = mm_ref_store(mm, mm_dir_addr(mm), cell_off(free_slot), obj);
	if (r != MM_OK)
		return r;
	uint32_t e = mm_dir_addr(mm) + MM_HDR + (uint32_t)free_slot * DIR_ENTRY;
	for (uint32_t k = 0; k < MM_NAME_MAX / 4u; k++)
		mm_st(mm, e + DIR_NAME + 4u * k, w[k]);
	return MM_OK;
}

/* The slot bound to `name`, or MM_ENOENT. */
static int dir_slot(struct mm *mm, const char *name, int *slot)
{
	uint32_t w[MM_NAME_MAX / 4u];
	int free_slot;
	int r = name_words(name, w);
	if (r == MM_OK)
		r = dir_find(mm, w, slot, &free_slot);
	if (r == MM_OK && *slot < 0)
		r = MM_ENOENT;
	return r;
}

int mm_dir_lookup(struct mm *mm, const char *name, uint32_t *obj)
{
	int slot;
	int r = dir_slot(mm, name, &slot);
	if (r != MM_OK)
		return r;
	return mm_ref_load(mm, mm_dir_addr(mm), cell_off(slot), obj);
}

int mm_dir_unbind(struct mm *mm, const char *name)
{
	int slot;
	int r = dir_slot(mm, name, &slot);
	if (r != MM_OK)
		return r;
	r = mm_ref_store(mm, mm_dir_addr(mm), cell_off(slot), 0);
	if (r != MM_OK)
		return r;
	uint32_t e = mm_dir_addr(mm) + MM_HDR + (uint32_t)slot * DIR_ENTRY;
	for (uint32_t k = 0; k < MM_NAME_MAX / 4u; k++)
		mm_st(mm, e + DIR_NAME + 4u * k, 0);
	return MM_OK;
}
