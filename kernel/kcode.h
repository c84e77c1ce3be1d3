/*
 * kcode.h: the kernel in the heap (DESIGN.md, "One link, two images"). The
 * heap-resident kernel is linked to run from the heap's code area
 * (kernel/heaplayout.h, HEAP_PG_CODE): its code and read-only data there,
 * its per-node variables (.data, .bss) in a node-local window at a fixed
 * address (linker.ld), so no other node's commit can touch them.
 *
 * The code area, as the master installs it (in transactions, descriptor last):
 *   page HEAP_PG_CODE        struct kcode_desc
 *   pages after it           the image: code and read-only data as linked
 *                            (from KCODE_VA), then the initial .data
 * The descriptor is valid when its magic and its own CRC are right; then
 * every code page's CRC is in it. A node whose node-local part is another
 * build than the descriptor's runs none of it.
 *
 * Boot (kernel/boot.c calls kcode_boot once the core runs):
 *   master, new heap      install from its own image (build/plurix.elf),
 *                         seal the area (dsm/proto.h 12), publish it once
 *                         no takeover can lose it (12.4: page
 *                         HEAP_PG_CODE_READY), run it
 *   master restoring,     wait for the heap, wait for the publication (a
 *   slave                 master restoring: or publish it), read the
 *                         descriptor (a code fault, served by the owner or
 *                         the PageServer), check the build, seal with the
 *                         install's time, set up the window, run it
 *   PageServer            runs its own image (it restores the heap)
 * Node-local.
 */
#ifndef PLURIX_KERNEL_KCODE_H
#define PLURIX_KERNEL_KCODE_H

#include <stdint.h>

#include "kernel/heaplayout.h"

#define KCODE_MAGIC       0x45444f43u   /* "CODE" */
#define KCODE_VERSION     1u
#define KCODE_DESC_VA     HEAP_PAGE_VA(HEAP_PG_CODE)
#define KCODE_VA          HEAP_PAGE_VA(HEAP_PG_CODE + 1u)  /* linker.ld links it here */
#define KCODE_PAGES_MAX   1000u         /* image pages one descriptor describes */
#define KCODE_INSTALL_PAGES 24u         /* image pages one install transaction writes */
#define KCODE_PROBE_TICKS 6000u         /* a node waits this long for a descriptor: 60 s */
#define KCODE_READY_MAGIC 0x59444552u   /* "REDY": struct kcode_ready is written */
#define KCODE_TRACE_RING  128u          /* ktrace=1: fetches kept until printed */

struct kcode_desc {
	uint32_t magic, version;
	uint32_t build;             /* kernel_build_id of the node-local part it was linked with */
	uint32_t entry;             /* the heap-resident kernel's entry: void entry(void) */
	uint32_t image_bytes;       /* code and read-only data, from KCODE_VA */
	uint32_t data_va, data_bytes;   /* the window's .data ... */
	uint32_t data_init_va;      /* ... its initial bytes, in the code area */
	uint32_t bss_va, bss_bytes; /* the window's .bss: zeroed at boot */
	uint32_t pages;             /* image pages after the descriptor */
	uint32_t reserved;
	uint32_t crc[KCODE_PAGES_MAX];  /* frame_crc32 of each image page */
	uint32_t desc_crc;          /* of every byte above */
};
_Static_assert(sizeof(struct kcode_desc) <= 4096u, "the descriptor is one page");
_Static_assert(KCODE_PAGES_MAX < HEAP_CODE_PAGES, "the image fits the code area");

/* What `kernel` prints (shell/kernelcmd.c). */
struct kcode_stats {
	int booted_full;            /* 1: this node's image holds the kernel (plurix.elf) */
	int installed;              /* 1: this node installed the code area */
	uint32_t code_pages;        /* image pages in the heap (the descriptor's) */
	uint32_t fetched;           /* code pages this node fetched since boot */
	uint32_t fetched_by_ready;  /* ... of those, before its ready line */
	uint32_t prefetched;        /* ... of those, by kcode_prefetch */
	uint32_t verified;          /* code pages whose CRC this node checked */
	uint32_t lat_n;             /* fetch latencies kept (us) */
	uint32_t lat_us[64];
	uint64_t ready_us;          /* the heap-resident kernel entered at */
};

extern const uint32_t kernel_build_id;          /* build/kernel/buildid.c */

void kcode_boot(void) __attribute__((noreturn));
/* The fault path (kernel/dsmenv.c): a code page came in (first time: its CRC
 * is checked against the descriptor, panic if it differs) in us microseconds,
 * fetched from node `from` (or held already). */
void kcode_page_in(uint32_t page, const uint8_t *frame, uint32_t us, int fetched,
		   uint16_t from);
int kcode_trace(void);                          /* ktrace=1 */
/* ktrace=1: a code page fetched, as the fault path recorded it. */
struct kcode_fetch {
	uint32_t page, us;
	uint16_t from;
};
/* The oldest fetch not printed yet (1), or none (0); *lost: fetches not kept
 * since the last call (more than KCODE_TRACE_RING waiting). */
int kcode_trace_take(struct kcode_fetch *f, uint32_t *lost);
const struct kcode_stats *kcode_stats(void);
/* The heap-resident kernel is ready (its ready line): the boot's figures. */
void kcode_ready(void);
/* Between commands (the shell's idle loop): fetch one code page this node
 * does not hold yet, so that soon after boot it holds the whole kernel and
 * runs on if it is cut off from every node that could serve it. */
void kcode_prefetch(void);
const struct kcode_desc *kcode_desc(void);      /* NULL until read */
struct dsm_code_seg;
const struct dsm_code_seg *kcode_seg(void);     /* the kernel's sealed segment, or NULL */
uint32_t kcode_pages_here(void);                /* of the descriptor and the image: held here */

#endif
