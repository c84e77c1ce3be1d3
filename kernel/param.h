/*
 * param.h: the kernel's limits, one comment each. The protocol's own limits
 * and timings are in dsm/param.h (the core's, shared with the simulator);
 * where a kernel limit must agree with one of them, an assert below says so.
 * Limits that only shape one command's output stay in that command's file.
 */
#ifndef PLURIX_KERNEL_PARAM_H
#define PLURIX_KERNEL_PARAM_H

#include "dsm/param.h"

#define PIT_HZ             100     /* timer tick; timing itself uses the TSC */
#define CONSOLE_RX_RING    2048    /* serial input bytes buffered (power of 2) */
#define SHELL_LINE_MAX     640     /* longest command line (proginstall data: 512 hex digits) */
#define SHELL_ARGS_MAX     8       /* words per command line */
#define CMDLINE_COPY_MAX   512     /* bytes of the boot command line kept */
#define PCI_DEVS_MAX       32      /* PCI functions remembered */
#define NET_PEERS_MAX      64      /* node -> MAC entries learned */
#define NET_TXQ_LEN        32      /* frames queued behind the 4 TX descriptors */
#define NET_RX_BUDGET      64      /* frames handled per receive interrupt */
#define PING_TIMEOUT_TICKS 20      /* one ping waits this long for its pong: 200 ms */
#define PING_COUNT_MAX     100000  /* ping count limit */
#define BENCH_COUNT_MAX    10000000 /* bench tx count limit */
#define BEAT_TICKS         200u    /* heartbeat period of every node: 2 s */
#define MGR_SILENT_TICKS   300u    /* no frame from the manager this long: cut off, say so */

/* The heap on this kernel (kernel/dsmenv.c). Protocol timing lives in dsm/param.h. */
#define DSMENV_HEAP_PAGES  65536u  /* heap pages (256 MiB, DSM_PAGES_MAX); frames as used */
#define DSMENV_RXQ         256u    /* DSM frames queued between interrupt and core */
#define DSMENV_WAIT_TICKS  3000u   /* longest wait for a page, a token or a decision: 30 s,
				    * above every retry and lease of dsm/param.h */
#define DSMENV_LAT_SAMPLES 64u     /* remote fault latencies kept for `heap` */

/* The transaction runner (kernel/txrun.c). */
#define TXRUN_RETRIES_MAX  200u    /* restarts of one unit of work before giving up */
#define TXRUN_UNDO_MAX     8u      /* undo hooks one attempt may register */
#define TXRUN_RUNS_MAX     64u     /* body runs of one attempt (starving yields; each
				    * waits for the token, so time bounds them first) */
#define TXRUN_LAT_SAMPLES  64u     /* commit latencies kept for txstat */
#define TXRUN_RESET_WAIT_TICKS 100u /* after an unavailable page, wait this long for a reset */
#define TXRUN_TAKEOVER_SLACK_TICKS 300u /* ... cut off from the manager: this long past the
				    * time a PageServer would take over (its reset comes
				    * late on a loaded host: seen 1 s late under TCG) */

/* The heap's boot (kernel/heaphdr.c). */
#define HEAPHDR_JOIN_WAIT_US 5000000u   /* a slave waits this long for its join */
#define HEAPHDR_RESTORE_WAIT_US 15000000u /* a master waits for a PageServer's image */

/* Output held back by a transaction (kernel/smartbuf.c). */
#define SMARTBUF_BYTES     4096u   /* output one transaction may hold back */

/* The object heap's periodic tasks (kernel/objheap.c). */
#define OBJHEAP_GC_TICKS     100u  /* GC task period: 1 s */
#define OBJHEAP_GC_BUDGET    64u   /* candidates one GC transaction examines */
#define OBJHEAP_FSMON_AUTO   20u   /* aborts on one page before the task separates its objects */
#define OBJHEAP_FSMON_MOVES  4u    /* objects one monitor transaction moves */

/* The kernel's tables in the heap (kernel/kobj.c, shell/shell.c, kernel/sched.c). */
#define KOBJ_ENTRIES_MAX     64u   /* entries one table holds (the walk's bound) */
#define KOBJ_REFRESH_TICKS   100u  /* a node re-reads the tables between commands: 1 s */
#define SCHED_TASKS_MAX      16u   /* periodic tasks a node runs */

/* Workload commands whose transactions must fit the core's sets (shell/). */
#define FILL_TXN_PAGES     16u     /* pages one fill transaction writes */
#define SUM_TXN_PAGES      64u     /* pages one sum transaction reads */
#define PSCMD_WAIT_US      60000000u /* `checkpoint`: on disk within a minute */

/* Where kernel limits meet the protocol's (dsm/param.h; ticks are PIT ticks). */
_Static_assert(FILL_TXN_PAGES <= DSM_WSET_MAX, "a fill transaction fits the write set");
_Static_assert(SUM_TXN_PAGES <= DSM_RSET_MAX, "a sum transaction fits the access set");
_Static_assert(HEAPHDR_RESTORE_WAIT_US / 1000000u * PIT_HZ > DSM_RESTORE_WAIT_TICKS,
	       "the master's boot outwaits the core's wait for an image");
_Static_assert(MGR_SILENT_TICKS > 2u * DSM_BEACON_TICKS,
	       "an idle manager beacons: silence this long is not idleness");
_Static_assert(DSMENV_WAIT_TICKS >= DSM_FETCH_TIMEOUT_TICKS &&
	       DSMENV_WAIT_TICKS >= DSM_TOKEN_WAIT_TICKS, "the core times out first");

#endif
