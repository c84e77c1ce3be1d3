/*
 * env.h: the protocol core's whole view of the world. Implemented once by the
 * kernel (RTL8139, PIT, the MMU's page tables) and once by the simulator
 * (tests/sim/sim.c: a seeded network, per-node page tables). The core never
 * touches hardware, real time or a global: every call gets the node's ctx.
 *
 * Calls out (struct dsm_env, filled by the environment):
 *   send          transmit one encoded frame to a node, or to FRAME_NODE_ALL.
 *                 May drop it; never delivers a broadcast back to the sender.
 *   now           ticks since boot, monotonic.
 *   random        32 random bits (kernel: TSC mix; simulator: the seed).
 *   page_map      give heap page `page` a local frame, zero-filled, no access.
 *   page_unmap    take the frame away; its contents are gone.
 *   page_protect  set the access the running code has: NONE, READ, or WRITE
 *                 (which implies READ). The next access beyond it faults.
 *   page_copy     copy bytes between a mapped page's frame and a core buffer.
 *   wake          a transaction that waited (page fetch, token, commit) can run:
 *                 the kernel readies the blocked thread, the simulator re-runs it.
 *   panic         a broken invariant; never returns.
 *   observe       optional (NULL in the kernel for now): protocol events for
 *                 the simulator's checkers and, later, the live monitor.
 *   ps_begin/ps_save/ps_commit/ps_read  a PageServer's disk (proto.h, 8):
 *                 begin a checkpoint, stage one page of it, write the staged
 *                 pages with the checkpoint's time; read a page of the image
 *                 back. Any of them may fail (an error, a torn write when the
 *                 node dies in ps_commit: the image stays the last good one).
 *
 * Callbacks in (dsm/dsm.h and txn/txn.h, called by the environment):
 *   dsm_frame_in(node, buf, len)     a frame arrived (interrupt or sim delivery)
 *   dsm_tick(node)                   a tick passed (retries, leases, beacons)
 *   dsm_fault(node, page, write)     the running transaction touched a page it
 *                                    may not access (the MMU's page fault)
 * All three run to completion, do bounded work and never block.
 */
#ifndef PLURIX_DSM_ENV_H
#define PLURIX_DSM_ENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum dsm_prot { DSM_PROT_NONE = 0, DSM_PROT_READ = 1, DSM_PROT_WRITE = 2 };
enum dsm_copy { DSM_COPY_OUT = 0, /* frame -> buffer */ DSM_COPY_IN = 1 /* buffer -> frame */ };

/* Events for observe(). Arguments: see each line. */
enum dsm_obs {
	DSM_OBS_DECIDE = 1,   /* manager decided commit `t` by `node`; pages[n] */
	DSM_OBS_SERVE,        /* served `page` at version `v` for requester time `t`; data */
	DSM_OBS_INSTALL,      /* installed fetched `page` at version `v`, node time `t`; data */
	DSM_OBS_COMMITTED,    /* this node's own commit `t` applied */
	DSM_OBS_ABORT,        /* this node's transaction aborted */
	DSM_OBS_RECOVERED,    /* this node recovered to time `t` */
	DSM_OBS_RESET         /* manager: the heap is the checkpoint of time `v` from time `t` */
};

struct dsm_obs_event {
	enum dsm_obs kind;
	uint16_t node;        /* committer (DECIDE) */
	uint32_t page;
	uint64_t v;
	uint64_t t;
	const uint32_t *pages;
	uint32_t n;
	const uint8_t *data;  /* DSM_PAGE_SIZE bytes */
};

struct dsm_env {
	void (*send)(void *ctx, uint16_t dst, const uint8_t *frame, size_t len);
	uint64_t (*now)(void *ctx);
	uint32_t (*random)(void *ctx);
	void (*page_map)(void *ctx, uint32_t page);
	void (*page_unmap)(void *ctx, uint32_t page);
	void (*page_protect)(void *ctx, uint32_t page, enum dsm_prot prot);
	void (*page_copy)(void *ctx, uint32_t page, enum dsm_copy dir, uint8_t *buf);
	void (*wake)(void *ctx);
	void (*panic)(void *ctx, const char *file, int line, const char *expr);
	void (*observe)(void *ctx, const struct dsm_obs_event *ev);
	/* PageServer only (NULL elsewhere): begin checkpoint t (1: the disk wants
	 * it full, every page; 0: incremental), stage page `page` at version v
	 * (its contents are this node's copy of it: the core keeps that copy
	 * unchanged until ps_commit, so the environment may write it from there),
	 * then write the staged pages as checkpoint t (full: they are all the
	 * pages that are not zero). Each returns < 0 if it could not. */
	int (*ps_begin)(void *ctx, uint64_t t);
	int (*ps_save)(void *ctx, uint32_t page, uint64_t v);
	int (*ps_commit)(void *ctx, uint64_t t, uint32_t npages, bool full);
	/* ... and read back page `page` of the newest good checkpoint on disk into
	 * buf (0, *v its version; 1: not in the image, a zero page; < 0 error:
	 * buf and *v hold anything). A failed ps_commit may still have written
	 * the checkpoint (its flush failed), so the image read back may be newer
	 * than the last one ps_commit reported good. */
	int (*ps_read)(void *ctx, uint32_t page, uint8_t *buf, uint64_t *v);
};

#endif
