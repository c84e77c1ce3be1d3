/*
 * heaplayout.h: where things live in the distributed heap, the same on every
 * node (addresses from HEAP_VBASE, kernel/memlayout.h). Until the object
 * heap (mm/) hands out objects, the kernel's own heap data sits at these
 * fixed pages, each chosen so unrelated writers never share a page:
 *
 *   page 0        the heap header (struct heap_header): written once by the
 *                 master that creates the heap, read by every joining node
 *   page 1        the code area's publication (struct kcode_ready, kernel/kcode.c):
 *                 the install's time, written by the master once no
 *                 takeover can lose the install (dsm/proto.h 12.4)
 *   page 2        hist: 64 words (uint64 each) the shell's `hist` reads, writes
 *                 and increments (shell/histcmd.c, tests/qemu/history)
 *   pages 3..15   free
 *   pages 16..24  bank: page 16 its header, 17..24 the accounts (int64 each)
 *   page 32       counter: the shared counter
 *   pages 33..48  counter: one private counter page per node (33 + node)
 *   pages 64..79  txbench disjoint: one page per node (64 + node)
 *   page 80       txbench contended: one shared page
 *   pages 96..111 heartbeat: one beat record per node (96 + node), kernel/sched.c
 *   pages 128..63487  bulk data written by `fill` and read by `sum` (shell/workcmd.c)
 *   pages 63488..64511  the code area (kernel/kcode.h): the heap-resident
 *                 kernel's code and read-only data, installed once by the
 *                 master, read-only after (dsm/proto.h 12); page 63488 is its
 *                 descriptor, written last
 *   pages 64512..65535  the object heap (mm/): 4 MB of objects, allocators,
 *                 backchains and the name directory
 */
#ifndef PLURIX_KERNEL_HEAPLAYOUT_H
#define PLURIX_KERNEL_HEAPLAYOUT_H

#include <stdint.h>

#include "dsm/param.h"
#include "kernel/memlayout.h"

#define HEAP_PAGE_VA(p)       (HEAP_VBASE + (uint32_t)(p) * PGSIZE)

#define HEAP_MAGIC            0x50585848u   /* "HXXP" little-endian: plurix heap */
#define HEAP_LAYOUT_VERSION   2u

/* Page 0. gtime_created is the global time of the commit that wrote the
 * header; the live global time travels in every frame (dsm/proto.h), so the
 * header is not rewritten by every commit (that would make page 0 a hot spot).
 * root: the heap's root object (the name directory of mm/, 0 until then). */
struct heap_header {
	uint32_t magic;
	uint32_t layout_version;
	uint32_t npages;
	uint32_t creator;        /* node id of the master that created it */
	uint64_t gtime_created;
	uint32_t root;
	uint32_t reserved;
};
_Static_assert(sizeof(struct heap_header) == 32, "heap header layout");

#define HEAP_PG_CODE_READY    1u
#define HEAP_PG_HIST          2u
#define HEAP_PG_BANK          16u
#define HEAP_BANK_ACCT_PAGES  8u
#define HEAP_BANK_ACCOUNTS_MAX (HEAP_BANK_ACCT_PAGES * PGSIZE / 8u)
#define HEAP_PG_COUNTER       32u
#define HEAP_PG_COUNTER_NODE  33u
#define HEAP_PG_BENCH_NODE    64u
#define HEAP_PG_BENCH_SHARED  80u
#define HEAP_PG_BEAT          96u
#define HEAP_PG_DATA          128u
#define HEAP_PG_CODE          63488u   /* the code area's first page (its descriptor) */
#define HEAP_CODE_PAGES       1024u    /* ... and its size: 4 MB */
#define HEAP_PG_MM            64512u   /* the object heap's first page: the top 4 MB */
_Static_assert(HEAP_PG_CODE + HEAP_CODE_PAGES == HEAP_PG_MM, "the code area ends where mm begins");
#define HEAP_MM_PAGES         1024u    /* ... and its size */
#define HEAP_NODES_MAX        16u   /* per-node pages above: one per node id */
_Static_assert(HEAP_NODES_MAX == DSM_NODES_MAX, "a per-node page for every node id");

/* heaphdr.c: boot roles. The master writes the header; a slave waits (a
 * bounded time) until it joined, then reads and checks it. Prints one
 * `heap: ...` line either way. */
void heaphdr_boot(void);

#endif
