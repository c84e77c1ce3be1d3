/*
 * param.h: every limit of the object heap (mm/), one comment each (xv6 style).
 * Sizes bound every loop over heap data, so a corrupt heap costs an error code,
 * never a hang; the collector (gc/) walks the same data under the same limits
 * (its one limit of its own, GC_BATCH_MAX, is in gc/gc.h). Everything here is
 * a count or a byte size; the heap's base, size and node slots are parameters
 * of mm_init (mm/mm.h), not limits.
 */
#ifndef PLURIX_MM_PARAM_H
#define PLURIX_MM_PARAM_H

#define MM_PAGE_SIZE       4096u  /* heap page; equals DSM_PAGE_SIZE */
#define MM_HEAP_PAGES_MAX  16384u /* heap pages mm can manage (64 MB: the object heap is a part of the DSM heap) */
#define MM_NODES_MAX       16u    /* node slots in a heap (DSM_NODES_MAX) */
#define MM_SMALL_MAX       4096u  /* largest small block (header included); above: large */
#define MM_LARGE_PAGES_MAX 16u    /* pages of one large object (a transaction zeroes them) */
#define MM_REGION_PAGES    8u     /* default pages per allocator region (mm_format) */
#define MM_DESC_REFS_MAX   64u    /* reference cells one type descriptor may declare */
#define MM_BC_MAX          4096u  /* backchain entries walked before calling it corrupt */
#define MM_FREE_SCAN       8u     /* free-list entries an allocation looks at */
#define MM_LIST_MAX        65536u /* entries of any heap list walked (free, inbox, candidates) */
#define MM_TRACE_MAX       256u   /* objects one GC trace may visit (gc/'s scratch in struct mm) */
#define MM_DIR_SLOTS       64u    /* names in the root directory */
#define MM_NAME_MAX        24u    /* bytes of a name, NUL included */
#define MM_FSMON_TOP_MAX   16u    /* pages mm_fsmon_top reports */
#define MM_FSMON_OBJS_MAX  64u    /* objects listed or relocated per page */

_Static_assert(MM_DESC_REFS_MAX <= 64u, "cell masks are 64 bits");
_Static_assert(MM_NAME_MAX % 4u == 0u, "names are copied in words");
_Static_assert(MM_NODES_MAX < 255u, "node ids fit the header byte, 255 is none");

#endif
