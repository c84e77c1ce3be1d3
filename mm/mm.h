/*
 * mm.h: the object heap, portable core (issue 5): allocation and free,
 * references and their backchains, relocation, the root directory and the
 * heap's statistics. Owns the layout of every object, type descriptor,
 * reference cell, allocator, the memory manager, the GC's candidate lists and
 * inboxes, and the root directory inside the distributed heap. mm/ pushes
 * candidates (allocation, reference stores, relocation); the collector that
 * pops and examines them lives in gc/ (gc/gc.h), works on these layouts and
 * frees through mm/'s free path.
 * It reads and writes heap memory only through struct mm_access (kernel:
 * plain loads/stores at the heap's virtual address, faulting into the DSM;
 * simulator: sim_load/sim_store; unit tests: a flat array), so every call
 * runs inside the caller's transaction and an abort undoes all of it.
 *
 * Interface rules
 *   - Every call gets the node's struct mm; no globals. Heap state changes
 *     only inside a transaction (the caller's); struct mm holds only the
 *     layout, scratch and the node-local false-sharing counters.
 *   - A reference is a plain uint32 heap address of an object header (0 =
 *     null). Heap references are stored ONLY with mm_ref_store (it keeps the
 *     backchains); mm_word_store refuses an offset inside a reference cell.
 *     References on the stack are not tracked: between transactions there
 *     are none, so an object with an empty backchain is garbage.
 *   - Every call validates first (address in heap, aligned, header magic,
 *     descriptor) and changes nothing when it returns an error. Every loop
 *     over heap data is bounded (param.h): corrupt data gives MM_ECORRUPT.
 *   - Must not touch: anything but the heap range and struct mm (no kernel,
 *     driver or DSM state). The kernel feeds mm_fsmon_abort from its abort path.
 *
 * LAYOUT (heap offsets; page p is at base + p*4096; M = manager pages, N = nodes)
 *   pages 0..M-1    manager state                    (kind MGR)
 *   pages M..M+N-1  node n's system page             (kind NODE, node n)
 *   page  M+N       GC page: per-node inboxes         (kind GC)
 *   page  M+N+1     the root directory (pinned)      (kind DIR)
 *   page  M+N+2     the formatting node's first RO region; its first block
 *                   is the meta-descriptor (a fixed address, so checking a
 *                   type never reads the manager's pages)
 *   the rest        free; handed out as regions and large objects
 *
 * OBJECT HEADER (24 bytes, 8-aligned; a reference is the header's address)
 *   +0  magic 0xB10C <<16 | flags <<8 | owner node (255: none)
 *   +4  type descriptor (address of a descriptor object)
 *   +8  body size in bytes; the block is align8(24 + size)
 *   +12 backchain head: address of the first reference cell pointing here
 *   +16 candidate link: next object on a GC candidate list (flag CAND)
 *   +20 free link: next block on a free list or an inbox (flag FREE)
 *   +24 body
 *   A gap of 8 or 16 bytes at a region's end holds one pad word 0xB10D0000|len.
 *   Why: the owner byte lets free() find the right free list without the
 *   manager; two links let a freed object stay on a candidate list safely.
 *
 * REFERENCE CELL (12 bytes, 4-aligned, at offsets the descriptor lists)
 *   +0  target: object address or 0
 *   +4  next cell in the target's backchain (singly linked, head in header)
 *   +8  back: bytes from the holder's header to this cell (set at allocation)
 *   Why: linking touches only the cell and the target's header; `back` gives
 *   the holder of a cell, so GC traces backwards through backchains to a root.
 *
 * TYPE DESCRIPTOR (a pinned read-only object whose descriptor is the meta one)
 *   +0 'TYPE'  +4 instance body size (0: variable)  +8 nrefs  +12 flags
 *   +16 nrefs cell offsets, ascending, 4-aligned, 12 bytes apart at least.
 *   The meta-descriptor describes descriptors (variable size, no refs).
 *
 * MANAGER STATE (page 0 on)
 *   +0 'MMGR' +4 npages +8 nodes +12 mgr pages +16 region pages +20 meta desc
 *   +24 dir +28 dir desc +32 regions handed out +36 large objects live
 *   +40 large pages live +44 free pages +64 page map: one word per page:
 *   kind (4 bits) | node <<4 (8 bits) | pages back to the extent start <<12.
 *
 * NODE SYSTEM PAGE (only node n ever writes it: its allocator state, nothing else)
 *   +0 'MMND' +4 node  +8 allocators RW, RO, SYS: {cur, end, free list} x 3
 *   +44 candidate list head +48 candidates pushed
 *   +52 objects[3] +64 bytes[3] +76 large objects +80 large bytes
 *   +84 backchain links +88 unlinks +92 refills +96 freed +100 relocated
 *   +104 GC runs.  Objects and bytes: allocated minus freed by this node.
 *   Why a page of its own: an object here (say a system object) would be
 *   written by other nodes (backchain heads, relocation fixing references to
 *   it), and every such write would abort this node's allocations.
 *
 * GC PAGE  +0 'MMGC'  +4 inbox[N]: blocks of node n freed by other nodes.
 * DIRECTORY  a pinned object; body = MM_DIR_SLOTS x {name[24], cell[12]}.
 */
#ifndef PLURIX_MM_MM_H
#define PLURIX_MM_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mm/param.h"

#define MM_HDR_BYTES 24u   /* the object header: a body begins this far after its reference */

enum mm_result {
	MM_OK = 0,
	MM_EINVAL = -1,    /* address outside the heap, misaligned, bad argument */
	MM_EMAGIC = -2,    /* no object header there (or a freed one) */
	MM_ETYPE = -3,     /* wrong type descriptor */
	MM_ENOMEM = -4,    /* no free pages in the heap */
	MM_ECORRUPT = -5,  /* a backchain, list or header is inconsistent */
	MM_ENOTREF = -6,   /* mm_ref_*: the offset is not a reference cell */
	MM_EREFCELL = -7,  /* mm_word_*: the offset lies in a reference cell */
	MM_EBUSY = -8,     /* mm_free: the object is still referenced */
	MM_ENOENT = -9,    /* name not bound */
	MM_EEXIST = -10,   /* name bound, or heap already formatted */
	MM_EFULL = -11,    /* directory full */
	MM_EPINNED = -12,  /* pinned or read-only objects do not move or go */
	MM_ETOOBIG = -13   /* an object bigger than param.h allows */
};

/* Allocator kinds: small objects come from a per-node region of each kind. */
enum mm_kind { MM_RW = 0, MM_RO = 1, MM_SYS = 2, MM_NKINDS = 3 };

/* Relocation targets. */
enum mm_reloc { MM_RELOC_HERE = 0, /* the caller's RW allocator */
		MM_RELOC_PAGE = 1  /* a page (or pages) of its own */ };

/* The heap accessor. Addresses and lengths are multiples of 4. */
struct mm_access {
	uint32_t (*load)(void *ctx, uint32_t addr);
	void (*store)(void *ctx, uint32_t addr, uint32_t val);
	void (*copy_out)(void *ctx, uint32_t addr, void *buf, uint32_t len); /* heap -> buf */
	void (*copy_in)(void *ctx, uint32_t addr, const void *buf, uint32_t len);
};

/* One node's view of the heap (node-local; the caller owns it). */
struct mm {
	const struct mm_access *acc;
	void *ctx;
	uint32_t base, npages;     /* heap range: base .. base + npages*4096 */
	uint16_t node, nodes;      /* this node; node slots in the layout */
	uint32_t mgr_pages;        /* derived layout (mm_init) */
	uint32_t meta;             /* the meta-descriptor: first block after the fixed pages */
	uint32_t trace[MM_TRACE_MAX];  /* gc/'s scratch: one trace set (gc/gc.c) */
	uint32_t ntrace;
	uint16_t fsmon[MM_HEAP_PAGES_MAX]; /* aborts per page, fed by mm_fsmon_abort */
};

struct mm_stat {
	uint32_t objects[MM_NKINDS], bytes[MM_NKINDS];
	uint32_t large_objects, large_bytes, large_pages;
	uint32_t regions;          /* allocators handed out by the manager */
	uint32_t free_pages;
	int32_t bc_entries;        /* backchain entries (links - unlinks) */
	uint32_t freed, relocated, gc_runs, refills, candidates;
};

/* heap.c: layout, formatting, validation */
int mm_init(struct mm *mm, const struct mm_access *acc, void *ctx, uint32_t base,
	    uint32_t size, uint16_t node, uint16_t nodes);
int mm_format(struct mm *mm, uint32_t region_pages);
bool mm_formatted(struct mm *mm);
int mm_check_type(struct mm *mm, uint32_t obj, uint32_t desc);
int mm_size(struct mm *mm, uint32_t obj, uint32_t *size);
uint32_t mm_meta_desc(struct mm *mm);

/* desc.c: type descriptors */
int mm_desc_create(struct mm *mm, uint32_t size, uint32_t nrefs, const uint32_t *offs,
		   uint32_t *desc);

/* alloc.c: allocation and free */
int mm_alloc(struct mm *mm, uint32_t desc, uint32_t size, enum mm_kind kind, uint32_t *obj);
int mm_free(struct mm *mm, uint32_t obj);

/* ref.c: the one reference-store operation, and word access */
int mm_ref_store(struct mm *mm, uint32_t obj, uint32_t off, uint32_t target);
int mm_ref_load(struct mm *mm, uint32_t obj, uint32_t off, uint32_t *target);
int mm_word_store(struct mm *mm, uint32_t obj, uint32_t off, uint32_t val);
int mm_word_load(struct mm *mm, uint32_t obj, uint32_t off, uint32_t *val);
int mm_backchain_len(struct mm *mm, uint32_t obj, uint32_t *n);

/* reloc.c: relocation */
int mm_relocate(struct mm *mm, uint32_t obj, enum mm_reloc where, uint32_t *moved);

/* dir.c: the root directory */
int mm_dir_bind(struct mm *mm, const char *name, uint32_t obj);
int mm_dir_lookup(struct mm *mm, const char *name, uint32_t *obj);
int mm_dir_unbind(struct mm *mm, const char *name);

/* stat.c: objstat and the false-sharing monitor */
int mm_objstat(struct mm *mm, struct mm_stat *st);
/* One node's allocators only (its system page): objects, bytes, its large
 * objects; the heap-wide fields stay 0. */
int mm_objstat_node(struct mm *mm, uint32_t node, struct mm_stat *st);
void mm_fsmon_abort(struct mm *mm, const uint32_t *pages, uint32_t n);
uint32_t mm_fsmon_top(struct mm *mm, uint32_t *pages, uint16_t *counts, uint32_t max);
int mm_fsmon_objects(struct mm *mm, uint32_t page, uint32_t *objs, uint32_t max,
		     uint32_t *n);
int mm_fsmon_relocate(struct mm *mm, uint32_t min_aborts, enum mm_reloc where,
		      uint32_t *moved);

/* heap.c: a consistency check of the whole heap (tests, `objstat -v`) */
int mm_verify(struct mm *mm, uint32_t *objects);
int mm_verify_pages(struct mm *mm, uint32_t first, uint32_t n, uint32_t *objects);

#endif
