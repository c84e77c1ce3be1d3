/*
 * txn.h: transactions on the distributed heap (the client side of proto.h's
 * sequences 3 and 5). Owns a node's running transaction: its access set, its
 * write set with the shadow of every written page, its token request and its
 * commit. Every unit of work runs as one transaction:
 *
 *   txn_begin(n)            TXN_OK: run the body now; TXN_EWAIT: wait for
 *                           env->wake, then txn_state() is RUNNING (a starving
 *                           transaction waits for the token first).
 *   ... the body touches heap pages; each first access faults into dsm_fault()
 *   txn_commit(n)           TXN_OK: committed (read-only, and the manager's
 *                           time known at once); TXN_EWAIT: wait for wake,
 *                           then txn_state() says COMMITTED/ABORTED/FAILED. A
 *                           read-only transaction waits for the manager's time
 *                           (proto.h 3.9: strict serializability).
 *   txn_state(n), txn_error(n)  after ABORTED: begin again (the retry counter
 *                           of the unit of work grows); after FAILED: the
 *                           error (DSM_EUNAVAIL, TXN_ENOTOKEN, TXN_ETOOBIG).
 *   txn_rewind(n)           restore every written page from its shadow but
 *                           keep the transaction: for an environment that
 *                           re-runs a body from the start after it waited
 *                           (the simulator), instead of blocking a thread.
 *
 * txn/ and dsm/ are one module: they share struct dsm_node (dsm/dsm.h) and
 * call each other through dsm/impl.h (txn_access, txn_conflict, ... for
 * dsm/; dsm_send, dsm_fetch_begin, ... for txn/). This header is what the
 * environments call. Must not touch the network or pages except through
 * dsm/ and env.h.
 */
#ifndef PLURIX_TXN_TXN_H
#define PLURIX_TXN_TXN_H

#include <stdbool.h>
#include <stdint.h>

#include "dsm/param.h"

struct dsm_node;
struct dsm_msg;

enum txn_status {
	TXN_IDLE = 0,
	TXN_TOKEN_FIRST, /* starving: waiting for the token before running */
	TXN_RUNNING,
	TXN_WAIT_TOKEN,  /* body done, writes pending: waiting for the grant */
	TXN_COMMITTING,  /* CommitReq sent: the manager decides */
	TXN_COMMITTED,
	TXN_ABORTED,
	TXN_FAILED
};

enum txn_result {
	TXN_OK = 0,
	TXN_EWAIT = 1,
	TXN_EABORTED = -1,
	TXN_ENOTOKEN = -2,  /* the token manager did not answer in time */
	TXN_ETOOBIG = -3,   /* more pages than DSM_RSET_MAX / DSM_WSET_MAX */
	TXN_ESTATE = -4,    /* called in the wrong state */
	TXN_EFENCED = -5    /* the manager grants nothing: the PageServer is silent (proto.h 11.1) */
};

/* Why an attempt aborted (txstat); the counters are indexed by it. */
enum txn_cause {
	TXN_CAUSE_CONFLICT = 0, /* a foreign commit wrote a page in our access set */
	TXN_CAUSE_STALE,        /* a fetch showed our snapshot is behind (proto.h 1.2) */
	TXN_CAUSE_RECOVERY,     /* recovery dropped a page in our access set (4.3) */
	TXN_CAUSE_LOST_RACE,    /* our grant died: CommitReject, or a commit at our time */
	TXN_CAUSE_LOCAL,        /* the environment gave up (txn_abort) */
	TXN_CAUSE_RESET,        /* the heap went back to the last checkpoint (10) */
	TXN_NCAUSES
};
#define TXN_NO_PAGE 0xFFFFFFFFu

/* A node's transaction. Lives in struct dsm_node; fields are the core's. */
struct txn {
	uint8_t status;         /* enum txn_status */
	int8_t err;             /* FAILED: why */
	bool starving;          /* this attempt runs under the token */
	bool granted;           /* we hold grant `grant` for time grant_t */
	bool time_check;        /* WAIT_TOKEN for a read-only commit: for the manager's
				 * time (proto.h 3.9), not for a grant */
	bool read_t_known;      /* ... and it came: commit once gtime >= read_t */
	uint64_t read_t;
	bool committed_ro;      /* the last commit: read-only (at commit_t = our gtime
				 * then), or a write decided at commit_t */
	uint64_t commit_t;
	uint32_t seq;           /* attempt id in TokenReq (fresh per attempt) */
	uint32_t aborts;        /* aborts of the current unit of work */
	uint32_t grant;
	uint64_t grant_t;
	uint64_t next_send;     /* retransmission of TokenReq/CommitReq/Keep */
	uint64_t wait_start;    /* since when we wait for the token */
	uint32_t naccess;
	uint32_t access[DSM_RSET_MAX];  /* pages touched: mapped in this txn */
	uint32_t nwrite;
	uint32_t wpage[DSM_WSET_MAX];   /* written pages; shadow[i] is wpage[i]'s */
	uint8_t shadow[DSM_WSET_MAX][DSM_PAGE_SIZE];
	uint32_t abort_page;    /* the page that caused the last abort, or TXN_NO_PAGE */
	/* counters */
	uint32_t n_commits, n_aborts, n_failed, n_starving, n_yields, max_aborts;
	uint32_t n_ro_commits;  /* of n_commits: read-only */
	uint32_t n_time_checks; /* read-only commits that asked the manager's time (3.9) */
	uint32_t n_snapshots;   /* read-only commits at the local time (txn_commit_snapshot) */
	uint32_t n_cause[TXN_NCAUSES];
};

int txn_begin(struct dsm_node *n);
int txn_commit(struct dsm_node *n);
/* As txn_commit, but a read-only transaction commits at once at this node's
 * time, without asking the manager's (proto.h 3.9): serialisable, not
 * strict. The caller's explicit choice; txn_commit is strict. */
int txn_commit_snapshot(struct dsm_node *n);
void txn_abort(struct dsm_node *n);
void txn_rewind(struct dsm_node *n);
enum txn_status txn_state(const struct dsm_node *n);
int txn_error(const struct dsm_node *n);

/* The shadow (the page before this transaction wrote it), or NULL: for the
 * simulator's checkers. */
const uint8_t *txn_shadow_of(const struct dsm_node *n, uint32_t page);

#endif
