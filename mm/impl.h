/*
 * impl.h: mm/'s private offsets and helpers, shared by the files of mm/ and by
 * the collector in gc/, which works on mm/'s structures (headers, backchains,
 * candidate lists, inboxes) and frees through mm/'s free path. The layouts
 * they index are drawn in mm/mm.h; the numbers live here once. Nothing
 * outside mm/ and gc/ includes this file; mm/ includes nothing of gc/.
 */
#ifndef PLURIX_MM_IMPL_H
#define PLURIX_MM_IMPL_H

#include "mm/mm.h"

#define MM_MAGIC     0xB10Cu
#define MM_PAD       0xB10D0000u      /* | gap bytes: a region tail too small for a header */
#define MM_NO_NODE   255u
#define MM_HDR       MM_HDR_BYTES
#define MM_CELL      12u

/* header words */
enum { H_WORD0 = 0, H_DESC = 4, H_SIZE = 8, H_BC = 12, H_CAND = 16, H_FREE = 20 };
/* header flags (byte 1 of word 0); the allocator kind sits in bits 4-5 */
enum { F_FREE = 0x01, F_PIN = 0x02, F_CAND = 0x04, F_LARGE = 0x08, F_KIND_SHIFT = 4 };
/* reference cell words */
enum { C_TARGET = 0, C_NEXT = 4, C_BACK = 8 };
/* descriptor body words */
enum { D_MAGIC = 0, D_SIZE = 4, D_NREFS = 8, D_FLAGS = 12, D_OFFS = 16 };
#define MM_DESC_MAGIC 0x45505954u     /* "TYPE" */

/* manager state */
enum { G_MAGIC = 0, G_NPAGES = 4, G_NODES = 8, G_MGRPAGES = 12, G_REGION = 16, G_META = 20,
       G_DIR = 24, G_DIRDESC = 28, G_REGIONS = 32, G_LARGE = 36, G_LPAGES = 40,
       G_FREEPAGES = 44, G_MAP = 64 };
#define MM_MGR_MAGIC 0x52474D4Du      /* "MMGR" */
/* page map entry */
enum { PG_FREE = 0, PG_MGR, PG_NODE, PG_GC, PG_DIR, PG_RW, PG_RO, PG_SYS, PG_LARGE };
#define PG_ENTRY(kind, node, back) ((uint32_t)(kind) | (uint32_t)(node) << 4 | (uint32_t)(back) << 12)
#define PG_KIND(e)  ((e) & 15u)
#define PG_NODE(e)  (((e) >> 4) & 255u)
#define PG_BACK(e)  ((e) >> 12)

/* node system page */
enum { N_MAGIC = 0, N_NODE = 4, N_ALLOC = 8, N_CAND = 44, N_NCAND = 48, N_OBJS = 52,
       N_BYTES = 64, N_LOBJS = 76, N_LBYTES = 80, N_LINKS = 84, N_UNLINKS = 88,
       N_REFILLS = 92, N_FREED = 96, N_RELOC = 100, N_GCRUNS = 104, N_END = 128 };
enum { A_CUR = 0, A_END = 4, A_FREE = 8, A_SIZE = 12 };
#define MM_NODE_MAGIC 0x444E4D4Du     /* "MMND" */
/* GC page */
enum { GC_MAGIC = 0, GC_INBOX = 4 };
#define MM_GC_MAGIC 0x43474D4Du       /* "MMGC" */
/* directory entry */
enum { DIR_NAME = 0, DIR_CELL = MM_NAME_MAX, DIR_ENTRY = MM_NAME_MAX + MM_CELL };

/* A validated header. */
struct mm_hdr {
	uint32_t addr, flags, owner, desc, size, bc;
};

/* heap.c */
uint32_t mm_ld(struct mm *mm, uint32_t addr);
void mm_st(struct mm *mm, uint32_t addr, uint32_t v);
void mm_add(struct mm *mm, uint32_t addr, int32_t delta);
bool mm_in_heap(const struct mm *mm, uint32_t addr, uint32_t len);
uint32_t mm_block(uint32_t size);
uint32_t mm_page_addr(const struct mm *mm, uint32_t page);
uint32_t mm_node_addr(const struct mm *mm, uint32_t node);
uint32_t mm_gc_addr(const struct mm *mm);
uint32_t mm_dir_addr(const struct mm *mm);
int mm_hdr_read(struct mm *mm, uint32_t obj, struct mm_hdr *h);
int mm_obj_get(struct mm *mm, uint32_t obj, struct mm_hdr *h);
void mm_hdr_write(struct mm *mm, uint32_t obj, uint32_t flags, uint32_t owner, uint32_t desc,
		  uint32_t size);
void mm_set_flags(struct mm *mm, uint32_t obj, uint32_t set, uint32_t clear);
uint32_t mm_hdr_kind(uint32_t flags);

/* desc.c */
int mm_desc_check(struct mm *mm, uint32_t desc, uint32_t *size, uint32_t *nrefs);
uint32_t mm_desc_off(struct mm *mm, uint32_t desc, uint32_t i);
int mm_desc_find(struct mm *mm, uint32_t desc, uint32_t off, uint32_t len, bool *cell);
void mm_cells_init(struct mm *mm, uint32_t obj, uint32_t desc, uint32_t nrefs);

/* alloc.c */
int mm_alloc_flags(struct mm *mm, uint32_t desc, uint32_t size, enum mm_kind kind,
		   uint32_t flags, uint32_t *obj);
void mm_reclaim(struct mm *mm, const struct mm_hdr *h);
int mm_mgr_take(struct mm *mm, uint32_t npages, uint32_t kind, uint32_t *first);
int mm_block_take(struct mm *mm, enum mm_kind kind, uint32_t need, uint32_t *blk);
int mm_large_take(struct mm *mm, uint32_t need, uint32_t *blk);
void mm_release(struct mm *mm, const struct mm_hdr *h);
void mm_count_obj(struct mm *mm, const struct mm_hdr *h, int32_t sign);

/* ref.c */
int mm_bc_find(struct mm *mm, uint32_t target, uint32_t cell, uint32_t *prev);
void mm_cand_push(struct mm *mm, uint32_t obj);
int mm_unlink_all(struct mm *mm, const struct mm_hdr *h);
int mm_bc_replace(struct mm *mm, uint32_t target, uint32_t old_cell, uint32_t new_cell);

#endif
