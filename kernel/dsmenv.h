/*
 * dsmenv.h: the protocol core (dsm/, txn/) on this kernel: the one node's
 * struct dsm_node, the environment of dsm/env.h over the RTL8139, the PIT
 * and the MMU, the heap page-fault path, and the runner of one transaction.
 *
 * Interface rules:
 * - The core runs only in the main thread, never from an interrupt and never
 *   inside itself: dsmenv_rx (interrupt context) only queues a frame;
 *   dsmenv_poll (kernel_idle, wait loops) delivers queued frames and ticks.
 * - dsmenv_txn runs body(arg) as one transaction, restarted from the start
 *   after an abort. The body touches heap addresses directly; each first
 *   access of a page faults into dsmenv_fault. The body may not print or
 *   change anything outside the heap and *arg: it can run several times, and
 *   an aborted run is cut off mid-way (longjmp from the fault handler).
 */
#ifndef PLURIX_KERNEL_DSMENV_H
#define PLURIX_KERNEL_DSMENV_H

#include <stddef.h>
#include <stdint.h>

#include "kernel/cmdline.h"

#define DSMENV_HEAP_PAGES  1024u   /* heap pages (4 MiB), a frame each, from boot */
#define DSMENV_RXQ         64u     /* DSM frames queued between interrupt and core */
#define DSMENV_RETRIES_MAX 200u    /* restarts of one transaction before giving up */
#define DSMENV_WAIT_TICKS  3000u   /* longest wait for a page, a token or a decision */
#define DSMENV_LAT_SAMPLES 64u     /* remote fault latencies kept for `heap` */

/* dsmenv_txn's errors besides the core's (DSM_E*, TXN_E*). */
#define DSMENV_EOFF     -100    /* no heap on this node (node id too large) */
#define DSMENV_ENOTYET  -101    /* not joined yet */
#define DSMENV_ETIMEOUT -102    /* no answer within DSMENV_WAIT_TICKS */
#define DSMENV_ERETRIES -103    /* aborted DSMENV_RETRIES_MAX times */

struct dsmenv_stats {
	uint32_t faults;        /* heap page faults taken inside a transaction */
	uint32_t remote;        /* of those, faults that waited for a fetch */
	uint32_t rx_queued, rx_drops, tx_drops;
	uint32_t txns, retries, max_retries;
	uint32_t lat_n;         /* remote fault latencies recorded (us) */
	uint32_t lat_us[DSMENV_LAT_SAMPLES];
};

struct dsm_node;

void dsmenv_init(const struct cmdline *c);
int dsmenv_on(void);
void dsmenv_rx(const uint8_t *frame, size_t n);
int dsmenv_pending(void);               /* call with interrupts off */
void dsmenv_poll(void);
int dsmenv_fault(uint32_t err, uint32_t va);   /* 1: handled, retry; 0: not ours */
int dsmenv_txn(void (*body)(void *arg), void *arg);
const char *dsmenv_strerror(int err);
uint32_t dsmenv_heap_bytes(void);       /* 0 until the node holds a heap */
const struct dsm_node *dsmenv_node(void);
const struct dsmenv_stats *dsmenv_stats(void);

/* heapcmd.c: the shell's heap commands. */
int heapcmd_peek(int argc, char **argv);
int heapcmd_poke(int argc, char **argv);
int heapcmd_heap(int argc, char **argv);

#endif
