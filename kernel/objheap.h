/*
 * objheap.h: the object heap (mm/) on this kernel: the node's struct mm over
 * the heap pages HEAP_PG_MM.. (kernel/heaplayout.h), its boot, the periodic
 * GC task and the abort hook that feeds the false-sharing monitor.
 *
 * Interface rules:
 * - objheap_mm() is NULL on a node without the object heap (no heap, the
 *   PageServer). Every mm_* and gc_* call on it runs inside a txrun() body.
 * - The types below are created once, with the format, and never move or
 *   go (pinned read-only descriptors): their addresses may be cached.
 * - objheap_txn_ended() runs outside any body (txrun's attempt_end) and
 *   touches only node-local counters, never the heap.
 */
#ifndef PLURIX_KERNEL_OBJHEAP_H
#define PLURIX_KERNEL_OBJHEAP_H

#include <stdint.h>

#include "gc/gc.h"
#include "kernel/param.h"
#include "mm/mm.h"


/* The element: two reference cells, a value and a spare word. */
enum { OBJ_E_NEXT = 0, OBJ_E_PEER = 12, OBJ_E_VALUE = 24, OBJ_E_TOKEN = 28, OBJ_E_SIZE = 32 };
/* The list: its first element and a count. */
enum { OBJ_L_FIRST = 0, OBJ_L_COUNT = 12, OBJ_L_SIZE = 16 };

struct objheap_types {
	uint32_t elem, list;       /* descriptor addresses, 0 until known */
};

void objheap_boot(void);                 /* kernel/heaphdr.c, after the heap is there */
struct mm *objheap_mm(void);
/* Inside a body: the types (looked up by name once, then cached). MM_OK or an error. */
int objheap_types(struct objheap_types *t);
const char *objheap_strerror(int r);     /* an mm_result, in words */
/* A NUL-padded string of max bytes (a multiple of 4, at most 128) in obj's
 * body at off, word by word through mm (inside a body): an mm_result. */
int objheap_str_load(struct mm *mm, uint32_t obj, uint32_t off, char *s, uint32_t max);
int objheap_str_store(struct mm *mm, uint32_t obj, uint32_t off, const char *s, uint32_t max);
void objheap_gc_task(void *arg);         /* kernel/sched.c: a body, every OBJHEAP_GC_TICKS */
void objheap_txn_ended(void);            /* kernel/txrun.c: after an attempt that did not commit */

/* The GC task's last results and the abort hook's counts (objstat, gc). */
struct objheap_stats {
	uint32_t gc_runs, gc_skipped, gc_freed, gc_reclaimed, gc_errors;
	uint32_t auto_moved;                 /* objects the task moved off colliding pages */
	uint32_t aborts_seen, aborts_in_mm;  /* aborts the hook saw; of those, on mm pages */
	int last_err;
};
const struct objheap_stats *objheap_stats(void);
/* One GC round in the caller's body; budget candidates. */
int objheap_gc_once(uint32_t budget, struct gc_result *res);
/* In a body: if a page has >= min aborts, relocate its objects apart. */
int objheap_fsmon_step(uint32_t min, uint32_t *moved);

#endif
