/*
 * history.h: the simulator's history checker (tests/sim/history.c). Owns the
 * record of every committed transaction of a run and, after the run, the
 * check that the history is strictly serializable.
 *
 * Recorded (hooks of one line in work.c, check.c, sim.c):
 *   - a unit of work's invocation (work.c op_start: the first attempt begins)
 *     and its response (the caller learns it committed: txn_commit said OK,
 *     or the wake found TXN_COMMITTED);
 *   - its reads, when its body has run to the end (work.c, before
 *     txn_commit): every page of the core's access set (struct txn.access)
 *     at the version the node holds (struct dsm_page.version); a written page
 *     counts as read too, at the version its shadow is of;
 *   - its writes and time, when the manager decides it (check.c check_decide:
 *     the pages of the decision, version t); a read-only one commits at the
 *     node's gtime when its body ended (proto.h 3);
 *   - every reset (check.c check_reset_truth) as a pseudo-transaction that
 *     reads every page of the disk's image (at the image's time) and writes
 *     every page at t'; and the empty heap, version 0 of every page.
 * The version order of each page is the truth's (check.c: struct truth_page,
 * in time order); each truth version names its transaction (truth_ver.txn).
 *
 * Asserted after the run (history_check), any failure fails the seed:
 *   - a reset at t' to the image of time i discards every version written in
 *     (i, t'): their transactions are committed-then-lost and leave the
 *     graph. A transaction that read such a version must be lost itself, or
 *     be read-only at a time before t' (it saw the heap before the reset);
 *     with strict read-only transactions, also invoked before the reset was
 *     decided. Such a read-only transaction leaves the graph too.
 *   - the serialization graph of the rest has no cycle: ww (each page's
 *     version order), wr (the writer of a version read -> its reader), rw
 *     (the reader of a version -> the writer of the page's next version) and
 *     rt (T1 responded before T2 was invoked). The message names each
 *     transaction of the shortest cycle found (node, op, ticks, time) and the
 *     kind of every edge.
 *
 * Read-only transactions are strict too (dsm/proto.h 3.9: each asks the
 * manager's time before it commits, at its node's time then): rt edges to
 * and from a read-only transaction are drawn with cfg.strict_ro, the
 * default (sim --strict-ro 0: only serializable, as the core's
 * txn_commit_snapshot promises; mutant 7 commits every read-only
 * transaction so and must be caught).
 */
#ifndef PLURIX_TESTS_SIM_HISTORY_H
#define PLURIX_TESTS_SIM_HISTORY_H

#include <stdbool.h>
#include <stdint.h>

#include "dsm/param.h"

#define HIST_NONE 0xFFFFFFFFu
#define HIST_NEVER UINT64_MAX       /* a stamp not known (never responded) */

enum hist_kind { HIST_INIT = 0, HIST_WRITE, HIST_READONLY, HIST_RESET };

struct hist_read {
	uint32_t page;
	uint64_t v;
};

/* One committed transaction (or the empty heap, or a reset). */
struct hist_txn {
	uint8_t kind;           /* enum hist_kind */
	uint8_t op;             /* enum sim_op_kind of its unit of work */
	uint16_t node;
	uint32_t opno;          /* the node's unit of work, counted from 1 (0: unknown) */
	uint64_t t;             /* version written (read-only: the node's gtime) */
	uint64_t image;         /* reset: the time of the image it went back to */
	uint64_t inv, resp;     /* real-time stamps (struct hist.stamp), HIST_NEVER: unknown */
	uint64_t inv_tick, resp_tick;
	uint32_t read0, nread;  /* its reads: hist.reads[read0 .. read0 + nread) */
};

/* A node's unit of work in progress: what its attempt read so far. */
struct hist_pending {
	uint32_t opno;
	uint8_t op;
	uint64_t inv, inv_tick;
	uint64_t gtime;         /* the node's time when the body last ran to the end */
	uint32_t nread;
	struct hist_read reads[DSM_RSET_MAX];
	uint32_t txn;           /* decided as this transaction (HIST_NONE: not yet) */
};

/* The check's graph: vertices are the transactions, then the points of real
 * time that carry the rt edges; freed with the run (a failing check leaves
 * by longjmp). */
enum hist_edge_kind { HIST_WW, HIST_WR, HIST_RW, HIST_RT };

struct hist_edge {
	uint32_t from, to;
	uint32_t page;          /* ww, wr, rw: the page */
	uint8_t kind;           /* enum hist_edge_kind */
};

struct hist_graph {
	uint8_t *gone;          /* per transaction: not in the graph (lost with a reset) */
	uint32_t *resets, nresets;
	uint32_t nv;
	struct hist_edge *e;
	uint32_t ne, cape;
	uint32_t *first, *adj;  /* the edges from v: e[adj[first[v] .. first[v + 1])] */
	uint32_t *mark, *cursor, *stack, *par;
	struct hist_stampev *ev;
};

struct hist {
	struct hist_txn *txn;
	uint32_t ntxn, captxn;
	struct hist_read *reads;
	uint32_t nreads, capreads;
	uint64_t stamp;         /* real-time order of invocations, responses, resets */
	uint32_t opno[DSM_NODES_MAX];
	struct hist_pending pend[DSM_NODES_MAX];
	struct hist_graph g;
};

struct sim;
struct sim_node;
struct dsm_obs_event;

void history_init(struct sim *s);
void history_free(struct sim *s);
void history_invoke(struct sim *s, struct sim_node *sn);
void history_body_done(struct sim *s, struct sim_node *sn);
void history_read_only(struct sim *s, struct sim_node *sn);
void history_responded(struct sim *s, struct sim_node *sn);
uint32_t history_decided(struct sim *s, const struct dsm_obs_event *ev, bool valid);
uint32_t history_reset(struct sim *s, const struct dsm_obs_event *ev);
void history_check(struct sim *s);

#endif
