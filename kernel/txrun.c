/*
 * txrun.c: the transaction runner (see txrun.h). Owns the restart point of
 * the running body, its undo hooks, and the runner's counters. Talks to the
 * protocol core only through txn/txn.h on dsmenv_node(), and runs the core
 * only through dsmenv_poll().
 *
 * One attempt:
 *   txn_begin -> [starving: wait for the token] -> body -> txn_commit ->
 *   [wait for the decision] -> COMMITTED (print held output) | ABORTED
 *   (undo, drop output, begin again) | FAILED (undo, drop output, error).
 * A body is cut off (longjmp to the restart point) by the fault path when
 * the core refuses a page, and by txrun_irq_exit when an interrupt's frames
 * aborted the transaction. A starving transaction that gave the token back
 * while waiting for a page (proto.h, 5: its writes are rewound, it stays
 * live) runs its body again from the start once it holds the token again.
 */
#include "dsm/dsm.h"
#include "kernel/dsmenv.h"
#include "kernel/kernel.h"
#include "kernel/objheap.h"
#include "kernel/smartbuf.h"
#include "kernel/time.h"
#include "kernel/txrun.h"
#include "kernel/x86.h"

static struct {
	uint32_t jb[6];                 /* ebx esi edi ebp esp eip */
	volatile int in_body;
	volatile int err;               /* why the body was cut off */
	uint32_t nundo;
	void (*undo_fn[TXRUN_UNDO_MAX])(void *);
	void *undo_arg[TXRUN_UNDO_MAX];
} run;

static struct txrun_stats st;

int txrun_setjmp(uint32_t jb[6]) __attribute__((returns_twice));
void txrun_longjmp(uint32_t jb[6]) __attribute__((noreturn));
__asm__(".text\n"
	".globl txrun_setjmp\n"
	"txrun_setjmp:\n"
	"	movl 4(%esp), %eax\n"
	"	movl %ebx, 0(%eax)\n"
	"	movl %esi, 4(%eax)\n"
	"	movl %edi, 8(%eax)\n"
	"	movl %ebp, 12(%eax)\n"
	"	leal 4(%esp), %ecx\n"       /* esp after our ret */
	"	movl %ecx, 16(%eax)\n"
	"	movl (%esp), %ecx\n"
	"	movl %ecx, 20(%eax)\n"
	"	xorl %eax, %eax\n"
	"	ret\n"
	".globl txrun_longjmp\n"
	"txrun_longjmp:\n"
	"	movl 4(%esp), %edx\n"
	"	movl 0(%edx), %ebx\n"
	"	movl 4(%edx), %esi\n"
	"	movl 8(%edx), %edi\n"
	"	movl 12(%edx), %ebp\n"
	"	movl 16(%edx), %esp\n"
	"	movl $1, %eax\n"            /* setjmp returns 1 */
	"	jmp *20(%edx)\n");

int txrun_in_body(void)
{
	return run.in_body;
}

void txrun_unwind(int err)
{
	run.err = err;
	run.in_body = 0;
	txrun_longjmp(run.jb);
}

/* Where an interrupted, aborted body resumes (txrun_irq_exit): unwind. */
static void __attribute__((noreturn, used)) irq_abort_landing(void)
{
	txrun_unwind(DSM_EABORTED);
}

/* After an IRQ handler: if it interrupted a body, hand the core what arrived
 * now; if that ended the attempt, the body does not resume: the interrupt
 * returns into irq_abort_landing instead. */
void txrun_irq_exit(struct trapframe *tf)
{
	if (!run.in_body || dsmenv_busy())
		return;
	dsmenv_poll();
	if (txn_state(dsmenv_node()) == TXN_RUNNING)
		return;
	st.irq_aborts++;
	tf->eip = (uint32_t)irq_abort_landing;
}

int txrun_on_abort(void (*fn)(void *arg), void *arg)
{
	if (!run.in_body || run.nundo == TXRUN_UNDO_MAX)
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
		objheap_txn_ended();    /* the false-sharing monitor: node-local counts */
		while (run.nundo > 0) {
			run.nundo--;
			run.undo_fn[run.nundo](run.undo_arg[run.nundo]);
			st.undo_runs++;
		}
	}
	run.nundo = 0;
}

/* Run the body once; 0 if it finished, -1 if it was cut off. */
static int body_run(void (*body)(void *), void *arg)
{
	if (txrun_setjmp(run.jb) != 0) {
		sti();
		return -1;
	}
	st.attempts++;
	run.err = 0;
	run.nundo = 0;
	smartbuf_open();
	run.in_body = 1;
	body(arg);
	run.in_body = 0;
	return 0;
}

static int waiting(enum txn_status s)
{
	return s == TXN_TOKEN_FIRST || s == TXN_WAIT_TOKEN || s == TXN_COMMITTING;
}

/* Run the core until the transaction leaves a waiting state. */
static int wait_decided(void)
{
	uint32_t start = time_ticks;

	for (;;) {
		dsmenv_poll();
		if (!waiting(txn_state(dsmenv_node())))
			return 0;
		if (time_ticks - start > DSMENV_WAIT_TICKS)
			return DSMENV_ETIMEOUT;
		kernel_idle();
	}
}

static void lat_record(uint64_t t0)
{
	st.lat_us[st.lat_n % TXRUN_LAT_SAMPLES] = (uint32_t)time_tsc_to_us(rdtsc() - t0);
	st.lat_n++;
}

/* Commit a body that ran to its end; the decision may take a while. */
static int commit_wait(void)
{
	struct dsm_node *n = dsmenv_node();
	int writes = n->txn.nwrite != 0;
	uint64_t t0 = rdtsc();
	int r = txn_commit(n);

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
			return run.err;
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
	return DSM_TAKEOVER_TICKS - silent + TXRUN_RESET_WAIT_TICKS;
}

/* A page nobody served may have been lost with its owner: the manager then
 * resets the heap to the last checkpoint (dsm/proto.h, 10) a moment later.
 * 1 if that happened (run the unit of work again, on the restored heap). */
static int reset_followed(uint32_t resets_before)
{
	uint32_t start = time_ticks, wait = reset_wait_ticks();

	while (time_ticks - start < wait) {
		dsmenv_poll();
		if (dsmenv_node()->resets != resets_before)
			return 1;
		kernel_idle();
	}
	return 0;
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
	for (uint32_t i = 0; i < TXRUN_RETRIES_MAX; i++) {
		uint32_t resets = n->resets;
		r = txn_attempt(body, arg);
		if (r == DSM_EUNAVAIL && reset_followed(resets))
			r = 0;                  /* the heap went back: run it again */
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
		return 0;
	}
	st.failed++;
	return r;
}

const struct txrun_stats *txrun_stats(void)
{
	return &st;
}
