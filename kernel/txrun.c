/*
 * txrun.c: the transaction runner (see txrun.h). Owns the running attempt's
 * undo hooks, the hook run after every aborted attempt, and the runner's
 * counters; the restart point of the body is kernel/txbody.c. Node-local:
 * the boot installs the kernel in the heap with it (kernel/kcode.c). Talks to the protocol core through txn/txn.h
 * and dsm/dsm.h on dsmenv_node(), and waits only in wait_until (which runs
 * the core).
 *
 * One attempt:
 *   txn_begin -> [starving: wait for the token] -> body -> txn_commit ->
 *   [wait for the decision] -> COMMITTED (print held output) | ABORTED
 *   (undo, drop output, begin again) | FAILED (undo, drop output, error).
 * A body is cut off (unwound to its restart point, kernel/txbody.c) by the
 * fault path when the core refuses a page, and at the end of an interrupt
 * whose frames aborted the transaction. A starving transaction that gave the token back
 * while waiting for a page (proto.h, 5: its writes are rewound, it stays
 * live) runs its body again from the start once it holds the token again.
 */
#include "dsm/dsm.h"
#include "kernel/dsmenv.h"
#include "kernel/kernel.h"
#include "kernel/smartbuf.h"
#include "kernel/time.h"
#include "kernel/txbody.h"
#include "kernel/txrun.h"
#include "kernel/wait.h"
#include "kernel/x86.h"

static struct {
	uint32_t nundo;
	void (*undo_fn[TXRUN_UNDO_MAX])(void *);
	void *undo_arg[TXRUN_UNDO_MAX];
} run;

static struct txrun_stats st;
static void (*aborted_hook)(void);      /* txrun_on_aborted: heap-resident */

void txrun_on_aborted(void (*fn)(void))
{
	aborted_hook = fn;
}

int txrun_on_abort(void (*fn)(void *arg), void *arg)
{
	if (!txbody_active() || run.nundo == TXRUN_UNDO_MAX)
		return -1;
	run.undo_fn[run.nundo] = fn;
	run.undo_arg[run.nundo] = arg;
	run.nundo++;
	return 0;
}

/* The attempt is over: keep its effects (commit) or undo them. */
static void attempt_end(int committed)
{
	if (committed) {
		smartbuf_commit();
	} else {
		smartbuf_discard();
		if (aborted_hook)
			aborted_hook(); /* the false-sharing monitor (kernel/objheap.c) */
		while (run.nundo > 0) {
			run.nundo--;
			run.undo_fn[run.nundo](run.undo_arg[run.nundo]);
			st.undo_runs++;
		}
	}
	run.nundo = 0;
}

/* Run the body once; 0 if it finished, TXBODY_CUT if it was cut off. */
static int body_run(void (*body)(void *), void *arg)
{
	st.attempts++;
	run.nundo = 0;
	smartbuf_open();
	return txbody_run(body, arg);
}

static int waiting(enum txn_status s)
{
	return s == TXN_TOKEN_FIRST || s == TXN_WAIT_TOKEN || s == TXN_COMMITTING;
}

static int decided(void *arg)
{
	(void)arg;
	return !waiting(txn_state(dsmenv_node()));
}

/* Run the core until the transaction leaves a waiting state. */
static int wait_decided(void)
{
	return wait_until(decided, 0, DSMENV_WAIT_TICKS) == 0 ? 0 : DSMENV_ETIMEOUT;
}

static void lat_record(uint64_t t0)
{
	st.lat_us[st.lat_n % TXRUN_LAT_SAMPLES] = (uint32_t)time_tsc_to_us(rdtsc() - t0);
	st.lat_n++;
}

static int snapshot;             /* txrun_snapshot is running */

/* Commit a body that ran to its end; the decision may take a while. */
static int commit_wait(void)
{
	struct dsm_node *n = dsmenv_node();
	int writes = n->txn.nwrite != 0;
	uint64_t t0 = rdtsc();
	int r = snapshot ? txn_commit_snapshot(n) : txn_commit(n);

	if (r == TXN_EWAIT && (r = wait_decided()) < 0)
		return r;
	if (writes && txn_state(n) == TXN_COMMITTED)
		lat_record(t0);
	return 0;
}

/* How an attempt ended, for txrun: 1 committed, 0 aborted, < 0 an error. */
static int attempt_result(struct dsm_node *n)
{
	switch (txn_state(n)) {
	case TXN_COMMITTED:
		attempt_end(1);
		return 1;
	case TXN_ABORTED:
		attempt_end(0);
		return 0;
	case TXN_FAILED:
		attempt_end(0);
		return txn_error(n) ? txn_error(n) : TXN_EABORTED;
	default:                        /* still live: give up this attempt */
		txn_abort(n);
		attempt_end(0);
		return DSMENV_EYIELDS;
	}
}

/* One attempt. The body runs more than once only after a starving yield. */
static int txn_attempt(void (*body)(void *), void *arg)
{
	struct dsm_node *n = dsmenv_node();
	int r;

	if (txn_begin(n) == TXN_ESTATE)
		return TXN_ESTATE;
	for (uint32_t i = 0; i < TXRUN_RUNS_MAX; i++) {
		if ((r = wait_decided()) < 0)
			break;                  /* attempt_result gives up */
		if (txn_state(n) != TXN_RUNNING)
			break;
		if (body_run(body, arg) == 0) {
			if ((r = commit_wait()) < 0)
				return r;       /* undecided: the next txrun waits */
			break;
		}
		if (txn_state(n) == TXN_RUNNING) {
			txn_abort(n);           /* a bad page or our own timeout */
			attempt_end(0);
			return txbody_error();
		}
		attempt_end(0);                 /* cut off; TOKEN_FIRST runs it again */
	}
	return attempt_result(n);
}

/* How long to wait for a reset after an unavailable page: a moment; cut off
 * from the manager, until a PageServer on our side would have taken over
 * (dsm/proto.h 11), which resets too. */
static uint32_t reset_wait_ticks(void)
{
	uint32_t silent = time_ticks - (uint32_t)dsmenv_node()->mgr_heard;

	if (silent < 2u * DSM_BEACON_TICKS)
		return TXRUN_RESET_WAIT_TICKS;
	if (silent > DSM_TAKEOVER_TICKS)
		silent = DSM_TAKEOVER_TICKS;
	return DSM_TAKEOVER_TICKS - silent + TXRUN_TAKEOVER_SLACK_TICKS;
}

static int resets_moved(void *arg)
{
	return dsmenv_node()->resets != *(const uint32_t *)arg;
}

/* A page nobody served may have been lost with its owner: the manager then
 * resets the heap to the last checkpoint (dsm/proto.h, 10) a moment later.
 * 1 if that happened (run the unit of work again, on the restored heap). */
static int reset_followed(uint32_t resets_before)
{
	return wait_until(resets_moved, &resets_before, reset_wait_ticks()) == 0;
}

int txrun_snapshot(void (*body)(void *arg), void *arg)
{
	int r;

	snapshot = 1;
	r = txrun(body, arg);
	snapshot = 0;
	return r;
}

/* A fetch timed out (proto.h 1, 6): say what the node saw, so a user can
 * tell a dead owner (requests sent, nothing came) from a node that could not
 * ask (it was recovering) or answers that kept coming too new (stale). */
static void report_unavailable(const struct dsm_node *n, uint32_t reqs0, uint32_t stale0)
{
	const struct dsm_fetch *f = &n->fetch;
	kprintf("dsm: heap page %u: no owner answered in %u ms; parts 0x%x of version %llu "
		"arrived; this attempt sent %u page requests and got %u stale replies; gtime "
		"%llu, recovering %d, recoveries %u\n", f->page,
		DSM_FETCH_TIMEOUT_TICKS * 1000u / PIT_HZ, f->parts.mask,
		(unsigned long long)f->parts.v, n->stats.page_reqs - reqs0,
		n->stats.stale_replies - stale0, (unsigned long long)n->gtime, n->recovering,
		n->stats.recoveries);
}

int txrun(void (*body)(void *arg), void *arg)
{
	struct dsm_node *n = dsmenv_node();
	int r = 0;

	if (!dsmenv_on())
		return DSMENV_EOFF;
	dsmenv_poll();
	if (n->mode != DSM_ACTIVE)
		return DSMENV_ENOTYET;
	if (n->ps.active)
		return DSMENV_EPS;
	if (wait_decided() < 0)
		return TXN_ESTATE;              /* an earlier commit is still undecided */
	st.txns++;
	uint64_t t0 = time_us();
	for (uint32_t i = 0; i < TXRUN_RETRIES_MAX; i++) {
		uint32_t resets = n->resets, reqs0 = n->stats.page_reqs;
		uint32_t stale0 = n->stats.stale_replies;
		r = txn_attempt(body, arg);
		if (r == DSM_EUNAVAIL && reset_followed(resets))
			r = 0;                  /* the heap went back: run it again */
		else if (r == DSM_EUNAVAIL)
			report_unavailable(n, reqs0, stale0);
		st.last_retries = i;
		if (i > st.max_retries)
			st.max_retries = i;
		if (r != 0)
			break;
		st.retries++;
	}
	if (r == 0)
		r = DSMENV_ERETRIES;
	if (r > 0) {
		st.ok++;
		if (time_us() - t0 > st.max_wait_us)
			st.max_wait_us = time_us() - t0;
		return 0;
	}
	st.failed++;
	return r;
}

const struct txrun_stats *txrun_stats(void)
{
	st.irq_aborts = txbody_irq_aborts();
	return &st;
}
