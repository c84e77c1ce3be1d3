/*
 * txrun.h: the runner of transactions on this kernel: every unit of work
 * (a shell command's step, a periodic task, a workload step) is a body run
 * by txrun() as one transaction of the protocol core, restarted from its
 * beginning after an abort.
 *
 * Interface rules:
 * - txrun(body, arg) runs body(arg) until one attempt commits (0), or returns
 *   an error (DSM_E*, TXN_E*, DSMENV_E*; dsmenv_strerror names it).
 * - The body touches heap addresses directly; each first access of a page
 *   faults into kernel/dsmenv.c. A body that finds an error of its own ends
 *   itself with txbody_unwind(err) (kernel/txbody.h). It may change only the heap and *arg, and
 *   must be ready to run again from the start: an attempt can be cut off at
 *   any instruction (a fault that finds the transaction aborted, or the
 *   interrupt that delivered the conflicting commit).
 * - What the body prints is held (kernel/smartbuf.c) and printed once, when
 *   the attempt commits. A device effect the body cannot hold back registers
 *   an undo hook (txrun_on_abort), run if the attempt aborts or fails.
 * - Bodies do not nest; txrun is called from the main thread only.
 */
#ifndef PLURIX_KERNEL_TXRUN_H
#define PLURIX_KERNEL_TXRUN_H

#include <stdint.h>


#include "kernel/param.h"

struct txrun_stats {
	uint32_t txns;          /* units of work run */
	uint32_t ok, failed;    /* of those: committed, ended with an error */
	uint32_t attempts;      /* bodies started, restarts included */
	uint32_t retries, max_retries;
	uint64_t max_wait_us;   /* the longest unit of work that committed: txrun's call to
				 * its commit, retries and token waits included */
	uint32_t last_retries;  /* restarts of the last unit of work */
	uint32_t irq_aborts;    /* attempts cut off by an interrupt's commit */
	uint32_t undo_runs;     /* undo hooks run */
	uint32_t lat_n;         /* commit latencies recorded (us, write txns) */
	uint32_t lat_us[TXRUN_LAT_SAMPLES];
};

int txrun(void (*body)(void *arg), void *arg);
/* As txrun, but a read-only body commits at this node's own time without
 * asking the manager's (dsm/proto.h 3.9): serialisable, not strict; for
 * callers that chose it (a node's view of itself, a benchmark). */
int txrun_snapshot(void (*body)(void *arg), void *arg);
/* Inside a body: run fn(arg) if this attempt aborts or fails (LIFO). 0, or
 * -1 if TXRUN_UNDO_MAX hooks are registered already. */
int txrun_on_abort(void (*fn)(void *arg), void *arg);
const struct txrun_stats *txrun_stats(void);
/* Run fn after every attempt that aborted or failed, outside the body (one
 * hook: the object heap's false-sharing monitor registers it at boot). */
void txrun_on_aborted(void (*fn)(void));


#endif
