/*
 * work.c: the simulator's workloads and the per-node runner. Workload code
 * reads and writes heap memory only through sim_load/sim_store, which check
 * the node's page permission table and call dsm_fault() exactly where the
 * MMU would fault in the kernel. A body that must wait (a page is fetched)
 * is unwound with longjmp and re-run from the start when the core wakes the
 * node (txn_rewind first), which the protocol allows: it is an abort that
 * keeps the transaction's sets.
 *
 * Workloads (heap layout in sim.h):
 *   bank      transfers between accounts; an audit reads every account and
 *             checks the sum in every run, even one that later aborts (opacity)
 *   counters  a shared counter and the node's private counter
 *   private   only the node's private page: the disjoint workload
 *   queue     a ring in two pages: enqueue unique values, dequeue them
 *   hot spot  every node increments one page
 *   objects   the object heap (mm/): see work_obj.c
 *   code      the code area (proto.h 12), in every run: see work_code.c; its
 *             ops outside a transaction block only on a code fetch
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/sim/sim.h"

static void access_fault(struct sim_node *sn, uint32_t page, bool write)
{
	int r = dsm_fault(sn->dsm, page, write);
	if (r == DSM_OK) {
		uint8_t need = write ? DSM_PROT_WRITE : DSM_PROT_READ;
		if (sn->prot[page] < need)
			sim_fail(sn->sim, "node %u: fault on page %u said ok, not mapped", sn->id,
				 page);
		return;
	}
	longjmp(sn->jb, r == DSM_EWAIT ? BODY_BLOCKED : r == DSM_EABORTED ? BODY_ABORTED
									     : BODY_FAILED);
}

uint64_t sim_load(struct sim_node *sn, uint32_t page, uint32_t off)
{
	if (sn->prot[page] < DSM_PROT_READ)
		access_fault(sn, page, false);
	uint64_t v;
	memcpy(&v, sn->mem[page] + off, sizeof(v));
	return v;
}

void sim_store(struct sim_node *sn, uint32_t page, uint32_t off, uint64_t v)
{
	if (sn->prot[page] < DSM_PROT_WRITE)
		access_fault(sn, page, true);
	memcpy(sn->mem[page] + off, &v, sizeof(v));
	sn->hash_ok[page] = false;
}

static uint32_t acct_page(uint32_t a) { return SIM_PG_BANK + a % SIM_BANK_PAGES; }
static uint32_t acct_off(uint32_t a) { return 8u * (a / SIM_BANK_PAGES); }
static uint32_t qslot_page(uint64_t i) { return SIM_PG_QSLOTS + (uint32_t)(i % SIM_Q_CAP) / 512u; }
static uint32_t qslot_off(uint64_t i) { return 8u * ((uint32_t)(i % SIM_Q_CAP) % 512u); }

static void body_bank(struct sim_node *sn, struct sim_op *op)
{
	if (op->kind == OP_AUDIT) {
		int64_t sum = 0;
		for (uint32_t a = 0; a < SIM_BANK_ACCOUNTS; a++)
			sum += (int64_t)sim_load(sn, acct_page(a), acct_off(a));
		if (sum != 0)
			sim_fail(sn->sim, "opacity: node %u audit saw sum %lld at gtime %llu",
				 sn->id, (long long)sum, (unsigned long long)sn->dsm->gtime);
		return;
	}
	int64_t va = (int64_t)sim_load(sn, acct_page(op->a), acct_off(op->a));
	int64_t vb = (int64_t)sim_load(sn, acct_page(op->b), acct_off(op->b));
	sim_store(sn, acct_page(op->a), acct_off(op->a), (uint64_t)(va - op->amount));
	sim_store(sn, acct_page(op->b), acct_off(op->b), (uint64_t)(vb + op->amount));
}

static void body_queue(struct sim_node *sn, struct sim_op *op)
{
	uint64_t head = sim_load(sn, SIM_PG_QHDR, 0);
	uint64_t tail = sim_load(sn, SIM_PG_QHDR, 8);
	if (head > tail || tail - head > SIM_Q_CAP)
		sim_fail(sn->sim, "queue: node %u sees head %llu tail %llu", sn->id,
			 (unsigned long long)head, (unsigned long long)tail);
	op->got = false;
	if (op->kind == OP_ENQ) {
		if (tail - head == SIM_Q_CAP)
			return;
		sim_store(sn, qslot_page(tail), qslot_off(tail), op->value);
		sim_store(sn, SIM_PG_QHDR, 8, tail + 1);
		op->got = true;
		return;
	}
	if (head == tail)
		return;
	op->value = sim_load(sn, qslot_page(head), qslot_off(head));
	sim_store(sn, SIM_PG_QHDR, 0, head + 1);
	op->got = true;
}

static void bump(struct sim_node *sn, uint32_t page, uint32_t off)
{
	sim_store(sn, page, off, sim_load(sn, page, off) + 1);
}

void work_body(struct sim_node *sn)
{
	struct sim_op *op = &sn->op;
	work_code_exec(sn);
	switch (op->kind) {
	case OP_TRANSFER:
	case OP_AUDIT:
		body_bank(sn, op);
		break;
	case OP_COUNT:
		bump(sn, SIM_PG_COUNT, 0);
		bump(sn, SIM_PG_PRIV + sn->id, 0);
		break;
	case OP_PRIVATE:
		bump(sn, SIM_PG_PRIV + sn->id, 0);
		break;
	case OP_READ:
		(void)sim_load(sn, SIM_PG_COUNT, 0);
		break;
	case OP_ENQ:
	case OP_DEQ:
		body_queue(sn, op);
		break;
	case OP_HOT:
		bump(sn, SIM_PG_HOT, 0);
		bump(sn, SIM_PG_HOT, 8u + 8u * sn->id);
		break;
	case OP_OBJ:
		work_obj_body(sn);
		break;
	case OP_CODE_INSTALL:
	case OP_CODE_LOOK:
	case OP_CODE_RUN:
	case OP_CODE_READY:
	case OP_CODE_PUBLISH:
		work_code_body(sn);
		break;
	default:
		break;
	}
}

bool work_readonly(const struct sim_op *op)
{
	return op->kind == OP_AUDIT || op->kind == OP_READ || op->kind == OP_CODE_READY;
}

void work_pick(struct sim *s, struct sim_node *sn)
{
	int wl[SIM_WL_COUNT], nwl = 0;
	for (int b = 0; b < SIM_WL_COUNT; b++)
		if (s->cfg.workloads & (1 << b))
			wl[nwl++] = 1 << b;
	int w = wl[sim_below(s, (uint32_t)nwl)];
	struct sim_op *op = &sn->op;
	memset(op, 0, sizeof(*op));
	if (work_code_pick(s, sn))
		return;
	switch (w) {
	case WL_BANK:
		op->kind = sim_below(s, 4) == 0 ? OP_AUDIT : OP_TRANSFER;
		op->a = sim_below(s, SIM_BANK_ACCOUNTS);
		op->b = (op->a + 1 + sim_below(s, SIM_BANK_ACCOUNTS - 1)) % SIM_BANK_ACCOUNTS;
		op->amount = (int64_t)sim_below(s, 100) - 30;
		break;
	case WL_COUNTERS: op->kind = sim_below(s, 4) != 0 ? OP_READ : OP_COUNT; break;
	case WL_PRIVATE:  op->kind = OP_PRIVATE; break;
	case WL_OBJ:      work_obj_pick(s, sn); break;
	case WL_QUEUE:
		op->kind = sim_below(s, 2) ? OP_ENQ : OP_DEQ;
		op->value = ((uint64_t)(sn->id + 1) << 40) | (s->st.runs << 8) | sim_below(s, 256);
		break;
	default:          op->kind = OP_HOT; break;
	}
}

/* The manager decided this op's commit: count its effect. */
void work_tally(struct sim *s, const struct sim_op *op, uint16_t node)
{
	switch (op->kind) {
	case OP_COUNT:   s->tally_count++; s->tally_priv[node]++; break;
	case OP_PRIVATE: s->tally_priv[node]++; break;
	case OP_HOT:     s->tally_hot++; break;
	case OP_OBJ:     work_obj_tally(s, op, node); break;
	case OP_ENQ:
	case OP_DEQ:
		if (!op->got)
			break;
		if (s->nenq + s->ndeq + 1 >= s->capq) {
			s->capq = s->capq ? s->capq * 2 : 1024;
			s->enq = realloc(s->enq, s->capq * sizeof(uint64_t));
			s->deq = realloc(s->deq, s->capq * sizeof(uint64_t));
		}
		if (op->kind == OP_ENQ)
			s->enq[s->nenq++] = op->value;
		else
			s->deq[s->ndeq++] = op->value;
		break;
	default:
		break;
	}
}

/* --- the runner ---------------------------------------------------------- */

static void op_finish(struct sim *s, struct sim_node *sn)
{
	sn->busy = false;
	sn->next_op_at = s->now + (s->cfg.bench ? 0 : sim_below(s, 4));
}

static void op_committed(struct sim *s, struct sim_node *sn)
{
	if (sn->dsm->txn.committed_ro)
		history_read_only(s, sn);
	else
		history_responded(s, sn);
	s->st.commits++;
	s->st.ro_commits += sn->dsm->txn.committed_ro;
	sn->ops_committed++;
	work_code_committed(s, sn);
	op_finish(s, sn);
}

static void op_aborted(struct sim *s, struct sim_node *sn)
{
	s->st.aborts++;
	if (sn->op.kind == OP_OBJ)
		work_obj_aborted(s, sn);
	sn->op.retries++;
	if (sn->op.retries > s->st.max_retries)
		s->st.max_retries = sn->op.retries;
	sn->wake = false;
	/* begin again at once: the contention manager, not backoff, is what
	 * guarantees progress (proto.h, 5) */
	if (txn_begin(sn->dsm) == TXN_ESTATE)
		sim_fail(s, "node %u: cannot begin after abort", sn->id);
}

static void op_failed(struct sim *s, struct sim_node *sn)
{
	int err = txn_error(sn->dsm);
	/* healed, the manager hears the PageServer within a beacon period: until
	 * then it grants nothing, and says so (proto.h 11.1) */
	bool fence_window = s->now < s->cfg.safety_ticks + s->cfg.delay_max +
					 sim_real_ticks(s, 2u * DSM_BEACON_TICKS);
	s->st.fails++;
	sn->ops_failed++;
	if (err == DSM_EUNAVAIL) {
		s->st.fails_unavail++;
		const struct truth_ver *l = check_latest(s, sn->dsm->fetch.page);
		/* a fetch silent since before the heal may time out in the first ticks */
		uint64_t timeout = sim_real_ticks(s, DSM_FETCH_TIMEOUT_TICKS);
		bool heal_window = s->now < s->cfg.safety_ticks + timeout + s->cfg.delay_max;
		bool lost = check_lost_since(s, sn->dsm->fetch.page, s->now - timeout);
		if (s->live && !lost && !heal_window && !s->cfg.bench)
			sim_fail(s, "liveness: node %u: page %u unavailable but its owner %u is up "
				 "(gtime %llu, rejected %u, stale %u, recoveries %u, owner state %u "
				 "v %llu gtime %llu rec %d; truth t %llu known %d)", sn->id, sn->dsm->fetch.page, l->writer,
				 (unsigned long long)sn->dsm->gtime, sn->dsm->stats.pages_rejected,
				 sn->dsm->stats.stale_replies, sn->dsm->stats.recoveries,
				 s->node[l->writer]->dsm->page[sn->dsm->fetch.page].state,
				 (unsigned long long)s->node[l->writer]->dsm->page[sn->dsm->fetch.page].version,
				 (unsigned long long)s->node[l->writer]->dsm->gtime,
				 s->node[l->writer]->dsm->recovering, (unsigned long long)l->t, l->known);
	} else if (s->live && !s->cfg.bench && !(err == TXN_EFENCED && fence_window)) {
		sim_fail(s, "liveness: node %u transaction failed with %d", sn->id, err);
	}
	op_finish(s, sn);
}

static int run_body(struct sim_node *sn)
{
	int r = setjmp(sn->jb);
	if (r == 0) {
		sn->runs++;
		sn->sim->st.runs++;
		txn_rewind(sn->dsm);
		work_body(sn);
		return BODY_DONE;
	}
	return r;
}

static void body_step(struct sim *s, struct sim_node *sn)
{
	int r = run_body(sn);
	if (r == BODY_DONE) {
		history_body_done(s, sn);
		int c = txn_commit(sn->dsm);
		if (c == TXN_OK)
			op_committed(s, sn);
		else if (c != TXN_EWAIT)
			sim_fail(s, "node %u: txn_commit returned %d", sn->id, c);
	} else if (r == BODY_ABORTED) {
		op_aborted(s, sn);
	} else if (r == BODY_FAILED) {
		op_failed(s, sn);
	}
}

/* A code op outside any transaction (proto.h 12.2): it waits only on a
 * code fetch, which never fails. */
static void outside_step(struct sim *s, struct sim_node *sn)
{
	int r = run_body(sn);
	if (r == BODY_DONE)
		op_finish(s, sn);
	else if (r != BODY_BLOCKED)
		sim_fail(s, "node %u: a code fault outside a transaction failed (%d)", sn->id, r);
}

static void op_start(struct sim *s, struct sim_node *sn)
{
	work_pick(s, sn);
	history_invoke(s, sn);
	sn->busy = true;
	sn->op.start = s->now;
	sn->wake = false;
	if (work_code_outside(&sn->op)) {
		outside_step(s, sn);
		return;
	}
	int r = txn_begin(sn->dsm);
	if (r == TXN_OK)
		body_step(s, sn);
	else if (r != TXN_EWAIT)
		sim_fail(s, "node %u: txn_begin returned %d", sn->id, r);
}

void work_step(struct sim *s, struct sim_node *sn)
{
	if (sn->dsm->mode != DSM_ACTIVE || sim_is_ps(s, sn))
		return;                 /* the PageServer runs no transactions */
	if (!sn->busy) {
		bool stop = s->live && s->now > s->cfg.safety_ticks + s->cfg.live_new_ops;
		if (s->now >= sn->next_op_at && (!stop || s->cfg.bench || work_code_due(s, sn)) &&
		    work_code_ready(s, sn))
			op_start(s, sn);
		return;
	}
	if (!sn->wake)
		return;
	sn->wake = false;
	if (work_code_outside(&sn->op)) {
		outside_step(s, sn);
		return;
	}
	switch (txn_state(sn->dsm)) {
	case TXN_RUNNING:
		body_step(s, sn);
		break;
	case TXN_COMMITTED:
		op_committed(s, sn);
		break;
	case TXN_ABORTED:
		op_aborted(s, sn);
		if (txn_state(sn->dsm) == TXN_RUNNING)
			body_step(s, sn);
		break;
	case TXN_FAILED:
		op_failed(s, sn);
		break;
	default:
		break;
	}
}

/* --- end-of-run checks on the committed state ----------------------------- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static uint64_t truth_u64(struct sim *s, uint32_t page, uint32_t off)
{
	uint64_t v;
	memcpy(&v, s->truth_mem[page] + off, sizeof(v));
	return v;
}

static void final_queue(struct sim *s)
{
	if (s->truth_unknown[SIM_PG_QHDR] || s->truth_unknown[SIM_PG_QSLOTS] ||
	    s->truth_unknown[SIM_PG_QSLOTS + 1])
		return;
	uint64_t head = truth_u64(s, SIM_PG_QHDR, 0), tail = truth_u64(s, SIM_PG_QHDR, 8);
	uint32_t n = s->ndeq + (uint32_t)(tail - head);
	uint64_t *out = malloc((n + 1) * sizeof(uint64_t));
	if (s->ndeq)
		memcpy(out, s->deq, s->ndeq * sizeof(uint64_t));
	for (uint64_t i = head; i < tail; i++)
		out[s->ndeq + (i - head)] = truth_u64(s, qslot_page(i), qslot_off(i));
	if (n)
		qsort(out, n, sizeof(uint64_t), cmp_u64);
	if (s->nenq)
		qsort(s->enq, s->nenq, sizeof(uint64_t), cmp_u64);
	bool same = n == s->nenq && (n == 0 || memcmp(out, s->enq, n * sizeof(uint64_t)) == 0);
	free(out);
	if (!same)
		sim_fail(s, "queue: %u enqueued, %u dequeued + %llu queued: lost or duplicated",
			 s->nenq, s->ndeq, (unsigned long long)(tail - head));
}

void work_final_check(struct sim *s)
{
	for (int i = 0; i < s->nnodes; i++)
		if (s->node[i]->up && s->node[i]->busy)
			sim_fail(s, "liveness: node %d still has a transaction at the end (state %d)",
				 i, txn_state(s->node[i]->dsm));
	work_code_final(s);
	if (s->resets)
		return;         /* the heap went back to a checkpoint: the models of
				 * committed work no longer hold (the checkers did) */
	if (!s->truth_unknown[SIM_PG_COUNT] && truth_u64(s, SIM_PG_COUNT, 0) != s->tally_count)
		sim_fail(s, "counters: shared %llu, committed increments %llu",
			 (unsigned long long)truth_u64(s, SIM_PG_COUNT, 0),
			 (unsigned long long)s->tally_count);
	for (int i = 0; i < s->nnodes; i++)
		if (!s->truth_unknown[SIM_PG_PRIV + i] &&
		    truth_u64(s, SIM_PG_PRIV + (uint32_t)i, 0) != s->tally_priv[i])
			sim_fail(s, "counters: node %d private %llu, committed %llu", i,
				 (unsigned long long)truth_u64(s, SIM_PG_PRIV + (uint32_t)i, 0),
				 (unsigned long long)s->tally_priv[i]);
	if (!s->truth_unknown[SIM_PG_HOT] && truth_u64(s, SIM_PG_HOT, 0) != s->tally_hot)
		sim_fail(s, "hot spot: %llu, committed %llu",
			 (unsigned long long)truth_u64(s, SIM_PG_HOT, 0),
			 (unsigned long long)s->tally_hot);
	final_queue(s);
	work_obj_final(s);
}
