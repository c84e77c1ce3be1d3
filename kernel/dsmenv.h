/*
 * dsmenv.h: the protocol core (dsm/, txn/) on this kernel: the one node's
 * struct dsm_node, the environment of dsm/env.h over the RTL8139, the PIT
 * and the MMU, the heap page-fault path, and the runner of one transaction.
 *
 * Interface rules:
 * - The core never runs inside itself, and never from the receive
 *   interrupt: dsmenv_rx (interrupt context) only queues a frame. It runs
 *   from dsmenv_poll, called by wait_until (kernel/wait.c) in the main
 *   thread, and at the end of an interrupt that cut into a transaction body
 *   while the core was idle (kernel/txbody.c, txbody_irq_exit), so that a
 *   commit that aborts the body is seen at once. dsmenv_busy() says the core
 *   is running right now, or that the fault path is waiting for a page (it
 *   runs the core itself: a page's reply is taken in that one place).
 * - Transactions are run by kernel/txrun.c (heap-resident) on dsmenv_node();
 *   their bodies' restart point is kernel/txbody.c (node-local).
 * - Node-local, with trap.c's page-fault handler (dsmenv_fault), registered
 *   by kernel/boot.c.
 */
#ifndef PLURIX_KERNEL_DSMENV_H
#define PLURIX_KERNEL_DSMENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dsm/frame.h"
#include "kernel/cmdline.h"
#include "kernel/param.h"


/* The runner's errors besides the core's (DSM_E*, TXN_E*). */
#define DSMENV_EOFF     -100    /* no heap on this node (node id too large) */
#define DSMENV_ENOTYET  -101    /* not joined yet */
#define DSMENV_ETIMEOUT -102    /* no answer within DSMENV_WAIT_TICKS */
#define DSMENV_ERETRIES -103    /* aborted TXRUN_RETRIES_MAX times */
#define DSMENV_EPS      -104    /* the PageServer runs no transactions */
#define DSMENV_EYIELDS  -105    /* gave the token back TXRUN_RUNS_MAX times, or no decision */
#define DSMENV_EFAULT   -106    /* a program faulted in the body (kernel/prog.c) */
#define DSMENV_EPROG    -107    /* a program's body ended itself (plx_txn_fail) */

struct dsmenv_stats {
	uint32_t faults;        /* heap page faults taken inside a transaction */
	uint32_t remote;        /* of those, faults that waited for a fetch */
	uint32_t rx_queued, rx_drops, tx_drops;
	uint32_t lat_n;         /* remote fault latencies recorded (us) */
	uint32_t lat_us[DSMENV_LAT_SAMPLES];
};

struct dsm_node;

void dsmenv_init(const struct cmdline *c);
int dsmenv_on(void);
/* A protocol frame for us that net.c decoded and checked (frame_decode,
 * FRAME_OK): queued for the core, which gets the header and the payload. */
void dsmenv_rx(const struct frame_hdr *h, const uint8_t *payload);
/* A checked frame for another node (FRAME_REJ_NODE): a PageServer queues the
 * pages going by (PageData) and the asks for the manager, nothing else. */
void dsmenv_rx_snoop(const struct frame_hdr *h, const uint8_t *payload);
int dsmenv_pending(void);               /* call with interrupts off */
void dsmenv_poll(void);
int dsmenv_fault(uint32_t err, uint32_t va);   /* 1: handled, retry; 0: not ours */
int dsmenv_busy(void);
/* 1: the core runs no more (frames queue) until dsmenv_hold(0); the
 * PageServer loads its image into the core meanwhile (kernel/psnode.c). */
void dsmenv_hold(int on_hold);

/* A PageServer's disk, as the core's ps_* environment calls reach it
 * (dsm/env.h); save gets the page's own heap frame to write from. */
struct dsmenv_disk {
	int (*begin)(uint64_t t);
	int (*save)(uint32_t page, uint64_t v, const uint8_t *data);
	int (*commit)(uint64_t t, uint32_t npages, bool full);
	int (*read)(uint32_t page, uint8_t *buf, uint64_t *v);
};
void dsmenv_set_disk(const struct dsmenv_disk *d);
/* A PageServer runs the kernel from its own image: heap pages [first,
 * first + npages) are mapped read-only to the frames at pa, for good; the
 * core keeps its own copies of those pages (it checkpoints and serves them)
 * but never maps them there. */
void dsmenv_code_private(uint32_t first, uint32_t npages, uint32_t pa);
const char *dsmenv_strerror(int err);
uint32_t dsmenv_heap_bytes(void);       /* 0 until the node holds a heap */
uint32_t dsmenv_frames_held(void);      /* local frames holding heap pages */
struct dsm_node *dsmenv_node(void);     /* the core's context (txrun, the commands) */
const struct dsmenv_stats *dsmenv_stats(void);

#endif
