/*
 * gc.h: the garbage collector of the object heap, portable core (gc/, built
 * twice like mm/). It collects on mm/'s structures: a node examines the
 * candidates mm/ pushed on its list (objects it allocated, and objects that
 * lost a backchain entry through its reference stores), searches each one's
 * trace set backwards through the backchains, and frees what no pinned root
 * reaches, cycles included. It also drains the node's inbox (its blocks that
 * other nodes freed). The layouts it works on are mm/'s (mm/mm.h).
 *
 * Interface rules
 *   - Like every mm_* call: the node's struct mm, inside the caller's
 *     transaction, so an abort undoes all of it. Stack references are not
 *     tracked: a body that calls gc_run must hold no reference to an object
 *     it has not stored in the heap (its backchain is empty: it is garbage).
 *   - gc_run is bounded: at most `budget` (and GC_BATCH_MAX) candidates, each
 *     trace at most MM_TRACE_MAX objects (mm/param.h). A trace set too large
 *     is left, counted `deferred`, until an unlink makes a member a candidate
 *     again. Corrupt heap data gives MM_ECORRUPT.
 *   - gc_pending only reads: the node's candidate head and its inbox word.
 *   - Must not touch: anything but the heap range and struct mm; it writes no
 *     other node's system page (frees of other nodes' blocks go to their inbox).
 */
#ifndef PLURIX_GC_GC_H
#define PLURIX_GC_GC_H

#include <stdbool.h>
#include <stdint.h>

#include "mm/mm.h"

#define GC_BATCH_MAX 1024u  /* candidates one gc_run call may examine */

struct gc_result {
	uint32_t examined, freed, live, deferred;
	uint32_t reclaimed;        /* freed blocks put back (inbox, freed candidates) */
};

/* One collection on this node; budget = candidates to examine. res may be NULL. */
int gc_run(struct mm *mm, uint32_t budget, struct gc_result *res);
/* Does this node have candidates or inbox blocks to collect? Read only. */
bool gc_pending(struct mm *mm);

#endif
