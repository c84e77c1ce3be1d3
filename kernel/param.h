/*
 * param.h: the kernel's limits, one comment each.
 */
#ifndef PLURIX_KERNEL_PARAM_H
#define PLURIX_KERNEL_PARAM_H

#define PIT_HZ             100     /* timer tick; timing itself uses the TSC */
#define CONSOLE_RX_RING    256     /* serial input bytes buffered (power of 2) */
#define SHELL_LINE_MAX     128     /* longest command line */
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

#endif
