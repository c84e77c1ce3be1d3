/*
 * txn.c: a node's transaction (txn.h) and the client side of the commit
 * token (proto.h, 3 and 5). Owns struct txn: the access set (pages mapped
 * in this transaction), the write set with one shadow per written page, the
 * token request, the grant, and the retry counter of the unit of work.
 *
 * Rules: the first write to a page copies it to a shadow before the page
 * becomes writable; an abort puts every shadow back; a commit frees them.
 * Outside a transaction every page is protected NONE. COMMITTING is left only
 * by the manager's word (Commit, CommitAck, CommitReject) or a foreign
 * commit at our time, never by a timeout: the decision may already stand.
 */
#include "dsm/impl.h"
#include "dsm/lib.h"

enum txn_status txn_state(const struct dsm_node *n)
{
	return (enum txn_status)n->txn.status;
}

int txn_error(const struct dsm_node *n)
{
	return n->txn.err;
}

bool txn_touches(const struct dsm_node *n, uint32_t page)
{
	return n->page[page].access != 0;
}

const uint8_t *txn_shadow_of(const struct dsm_node *n, uint32_t page)
{
	uint8_t s = n->page[page].shadow;
	return s ? n->txn.shadow[s - 1u] : NULL;
}

static void txn_send_token_req(struct dsm_node *n)
{
	struct txn *x = &n->txn;
	struct dsm_msg m = {.type = DSM_MSG_TOKEN_REQ, .id = x->seq, .flags = x->starving};
	dsm_send(n, n->manager, &m);
	x->next_send = dsm_now(n) + DSM_TOKEN_RETRY_TICKS;
}

static void txn_send_return(struct dsm_node *n)
{
	struct txn *x = &n->txn;
	struct dsm_msg m = {.type = DSM_MSG_TOKEN_RETURN, .id = x->seq,
			    .grant = x->granted ? x->grant : 0};
	dsm_send(n, n->manager, &m);
	x->granted = false;
}

/* Leave the transaction: every touched page back to NONE, sets emptied. */
static void txn_release_pages(struct dsm_node *n, bool restore)
{
	struct txn *x = &n->txn;
	for (uint32_t i = 0; i < x->nwrite; i++) {
		struct dsm_page *pg = &n->page[x->wpage[i]];
		if (restore && pg->state != DSM_ABSENT)
			n->env->page_copy(n->env_ctx, x->wpage[i], DSM_COPY_IN, x->shadow[i]);
		pg->shadow = 0;
	}
	for (uint32_t i = 0; i < x->naccess; i++) {
		struct dsm_page *pg = &n->page[x->access[i]];
		pg->access = 0;
		if (pg->state != DSM_ABSENT)
			n->env->page_protect(n->env_ctx, x->access[i], DSM_PROT_NONE);
	}
	x->naccess = 0;
	x->nwrite = 0;
}

/* End the attempt as ABORTED (for `cause`, on `page`) or FAILED (cause
 * unused); give back a token we wait for. */
static void txn_end(struct dsm_node *n, enum txn_status how, int err, enum txn_cause cause,
		    uint32_t page)
{
	struct txn *x = &n->txn;
	bool asked = (x->status == TXN_WAIT_TOKEN && !x->time_check) ||
		     x->status == TXN_TOKEN_FIRST || x->granted;
	txn_release_pages(n, true);
	if (asked)
		txn_send_return(n);
	x->time_check = false;
	x->status = (uint8_t)how;
	x->err = (int8_t)err;
	if (how == TXN_ABORTED) {
		x->aborts++;
		x->n_aborts++;
		x->n_cause[cause]++;
		x->abort_page = page;
		if (x->aborts > x->max_aborts)
			x->max_aborts = x->aborts;
		struct dsm_obs_event ev = {.kind = DSM_OBS_ABORT};
		dsm_observe(n, &ev);
	} else {
		x->n_failed++;
	}
	n->env->wake(n->env_ctx);
}

static bool txn_live(const struct txn *x)
{
	return x->status == TXN_TOKEN_FIRST || x->status == TXN_RUNNING ||
	       x->status == TXN_WAIT_TOKEN || x->status == TXN_COMMITTING;
}

int txn_begin(struct dsm_node *n)
{
	struct txn *x = &n->txn;
	if (txn_live(x) || n->mode != DSM_ACTIVE || n->ps.active)
		return TXN_ESTATE;      /* a PageServer runs no transactions (proto.h, 8) */
	if (x->status != TXN_ABORTED)
		x->aborts = 0;
	x->seq++;
	x->granted = false;
	x->time_check = false;
	x->read_t_known = false;
	x->err = 0;
	x->starving = x->aborts >= DSM_STARVE_AFTER;
	if (!x->starving) {
		x->status = TXN_RUNNING;
		return TXN_OK;
	}
	x->n_starving++;
	x->status = TXN_TOKEN_FIRST;
	x->wait_start = dsm_now(n);
	if (dsm_is_current(n))
		txn_send_token_req(n);
	dsm_drain(n);
	return TXN_EWAIT;
}

void txn_abort(struct dsm_node *n)
{
	if (txn_live(&n->txn) && n->txn.status != TXN_COMMITTING) {
		txn_end(n, TXN_ABORTED, TXN_EABORTED, TXN_CAUSE_LOCAL, TXN_NO_PAGE);
		dsm_drain(n);
	}
}

void txn_rewind(struct dsm_node *n)
{
	struct txn *x = &n->txn;
	if (x->status != TXN_RUNNING)
		return;
	for (uint32_t i = 0; i < x->nwrite; i++)
		n->env->page_copy(n->env_ctx, x->wpage[i], DSM_COPY_IN, x->shadow[i]);
}

/* The access fault on a present page: record it, shadow a first write. */
int txn_access(struct dsm_node *n, uint32_t page, bool write)
{
	struct txn *x = &n->txn;
	struct dsm_page *pg = &n->page[page];
	if (!pg->access) {
		if (x->naccess == DSM_RSET_MAX) {
			txn_fail(n, TXN_ETOOBIG);
			return DSM_ETOOBIG;
		}
		x->access[x->naccess++] = page;
		pg->access = 1;
	}
	if (write && !pg->shadow) {
		if (x->nwrite == DSM_WSET_MAX) {
			txn_fail(n, TXN_ETOOBIG);
			return DSM_ETOOBIG;
		}
		uint32_t i = x->nwrite++;
		x->wpage[i] = page;
		n->env->page_copy(n->env_ctx, page, DSM_COPY_OUT, x->shadow[i]);
		pg->shadow = (uint8_t)(i + 1u);
	}
	n->env->page_protect(n->env_ctx, page, pg->shadow ? DSM_PROT_WRITE : DSM_PROT_READ);
	return DSM_OK;
}

static void txn_send_commit_req(struct dsm_node *n)
{
	struct txn *x = &n->txn;
	uint32_t per = n->cfg.part_pages;
	uint32_t nparts = (x->nwrite + per - 1u) / per;
	uint8_t body[4u * DSM_WSET_MAX];
	for (uint32_t part = 0; part < nparts; part++) {
		uint32_t first = part * per;
		uint32_t k = x->nwrite - first < per ? x->nwrite - first : per;
		dsm_put_pages(body, x->wpage + first, k);
		struct dsm_msg m = {.type = DSM_MSG_COMMIT_REQ, .grant = x->grant,
				    .part = (uint8_t)part, .nparts = (uint8_t)nparts,
				    .count = (uint16_t)k, .body = body};
		dsm_send(n, n->manager, &m);
	}
	x->next_send = dsm_now(n) + DSM_TOKEN_RETRY_TICKS;
}

static void txn_enter_committing(struct dsm_node *n)
{
	n->txn.status = TXN_COMMITTING;
	txn_send_commit_req(n);
}

/* A read-only transaction commits here, at our gtime. */
static void txn_commit_read_only(struct dsm_node *n)
{
	struct txn *x = &n->txn;
	txn_release_pages(n, false);
	if (x->granted)
		txn_send_return(n);
	x->status = TXN_COMMITTED;
	x->committed_ro = true;
	x->commit_t = n->gtime;
	x->time_check = false;
	x->n_commits++;
	x->n_ro_commits++;
	n->env->wake(n->env_ctx);
}

static void txn_send_time_req(struct dsm_node *n)
{
	struct txn *x = &n->txn;
	struct dsm_msg m = {.type = DSM_MSG_TIME_REQ, .id = x->seq};
	dsm_send(n, n->manager, &m);
	x->next_send = dsm_now(n) + DSM_TOKEN_RETRY_TICKS;
}

/* 3.9: the manager's time is known: commit once we applied every commit up
 * to it (a conflicting one aborted us meanwhile). */
static bool txn_time_checked(struct dsm_node *n)
{
	struct txn *x = &n->txn;
	if (x->status != TXN_WAIT_TOKEN || !x->time_check || !x->read_t_known ||
	    n->gtime < x->read_t || n->recovering)
		return false;
	txn_commit_read_only(n);
	return true;
}

/* 3.9: a read-only transaction asks for the manager's time (the manager's
 * own node reads it), unless it holds a current grant. */
static int txn_commit_strict(struct dsm_node *n)
{
	struct txn *x = &n->txn;
	if ((x->granted && n->gtime == x->grant_t) || DSM_MUTANT == 7) {
		/* mutant 7 (ro-unchecked): no read-only transaction asks the time */
		txn_commit_read_only(n);
		return TXN_OK;
	}
	x->status = TXN_WAIT_TOKEN;
	x->time_check = true;
	x->wait_start = dsm_now(n);
	x->n_time_checks++;
	if (n->mgr.active) {
		x->read_t_known = dsm_mgr_read_time(n, &x->read_t);
		if (!x->read_t_known)
			txn_fail(n, TXN_EFENCED);   /* our time may not be the newest (11.1) */
		else if (txn_time_checked(n))
			return TXN_OK;
	} else if (dsm_is_current(n)) {
		txn_send_time_req(n);
	}
	dsm_drain(n);
	return TXN_EWAIT;
}

int txn_commit_snapshot(struct dsm_node *n)
{
	struct txn *x = &n->txn;
	if (x->status != TXN_RUNNING || x->nwrite != 0)
		return txn_commit(n);
	x->n_snapshots++;
	txn_commit_read_only(n);
	dsm_drain(n);
	return TXN_OK;
}

void txn_on_time_ack(struct dsm_node *n, const struct dsm_msg *m)
{
	struct txn *x = &n->txn;
	if (m->src != n->manager || m->id != x->seq || x->status != TXN_WAIT_TOKEN ||
	    !x->time_check || x->read_t_known)
		return;
	dsm_note_time(n, m->t);
	x->read_t = m->t;
	x->read_t_known = true;
	(void)txn_time_checked(n);
}

int txn_commit(struct dsm_node *n)
{
	struct txn *x = &n->txn;
	if (x->status != TXN_RUNNING)
		return TXN_ESTATE;
	if (x->nwrite == 0) {
		int r = txn_commit_strict(n);
		dsm_drain(n);
		return r;
	}
	if (x->granted && n->gtime == x->grant_t) {
		txn_enter_committing(n);
	} else {
		x->status = TXN_WAIT_TOKEN;
		x->wait_start = dsm_now(n);
		if (!x->granted && dsm_is_current(n))
			txn_send_token_req(n);
	}
	dsm_drain(n);
	return TXN_EWAIT;
}

/* Our time moved: a grant for it lets us go on; a grant behind it is dead. */
void txn_caught_up(struct dsm_node *n)
{
	struct txn *x = &n->txn;
	if (txn_time_checked(n) || !x->granted || x->status == TXN_COMMITTING)
		return;
	if (n->gtime > x->grant_t) {
		x->granted = false;
		x->next_send = dsm_now(n);
		return;
	}
	if (n->gtime != x->grant_t || n->recovering)
		return;
	if (x->status == TXN_WAIT_TOKEN) {
		txn_enter_committing(n);
	} else if (x->status == TXN_TOKEN_FIRST) {
		x->status = TXN_RUNNING;
		x->next_send = dsm_now(n) + DSM_KEEP_TICKS;
		n->env->wake(n->env_ctx);
	}
}

void txn_on_grant(struct dsm_node *n, const struct dsm_msg *m)
{
	struct txn *x = &n->txn;
	if (m->src != n->manager)
		return;
	dsm_note_time(n, m->v);
	if (x->granted && x->grant == m->grant)
		return;
	bool wanted = m->id == x->seq && !x->granted && m->v >= n->gtime &&
		      (x->status == TXN_WAIT_TOKEN || x->status == TXN_TOKEN_FIRST);
	if (!wanted) {
		struct dsm_msg r = {.type = DSM_MSG_TOKEN_RETURN, .id = m->id, .grant = m->grant};
		dsm_send(n, n->manager, &r);
		return;
	}
	x->granted = true;
	x->grant = m->grant;
	x->grant_t = m->v;
	txn_caught_up(n);
}

void txn_on_commit_reject(struct dsm_node *n, const struct dsm_msg *m)
{
	struct txn *x = &n->txn;
	if (m->src != n->manager || x->status != TXN_COMMITTING || m->grant != x->grant)
		return;
	x->granted = false;
	txn_end(n, TXN_ABORTED, TXN_EABORTED, TXN_CAUSE_LOST_RACE, TXN_NO_PAGE);
}

/* 3.5: called by gtime.c after it made the written pages ours at t. */
bool txn_own_commit(struct dsm_node *n, uint32_t grant, uint64_t t)
{
	struct txn *x = &n->txn;
	if (x->status != TXN_COMMITTING || x->grant != grant)
		return false;
	txn_release_pages(n, false);
	x->granted = false;
	x->status = TXN_COMMITTED;
	x->committed_ro = false;
	x->commit_t = t;
	x->n_commits++;
	struct dsm_obs_event ev = {.kind = DSM_OBS_COMMITTED, .t = t};
	dsm_observe(n, &ev);
	n->env->wake(n->env_ctx);
	return true;
}

/* Another node's commit at t (or a recovery to t) was applied here. */
void txn_foreign_commit(struct dsm_node *n, uint64_t t)
{
	struct txn *x = &n->txn;
	if (x->status == TXN_COMMITTING && t > x->grant_t) {
		x->granted = false;
		txn_end(n, TXN_ABORTED, TXN_EABORTED, TXN_CAUSE_LOST_RACE, TXN_NO_PAGE);
		return;
	}
	if (x->granted && t > x->grant_t && x->status != TXN_COMMITTING) {
		x->granted = false;
		x->next_send = dsm_now(n);
	}
}

void txn_conflict(struct dsm_node *n, enum txn_cause cause, uint32_t page)
{
	if (txn_live(&n->txn))
		txn_end(n, TXN_ABORTED, TXN_EABORTED, cause, page);
}

void txn_fail(struct dsm_node *n, int err)
{
	if (txn_live(&n->txn))
		txn_end(n, TXN_FAILED, err, TXN_CAUSE_LOCAL, TXN_NO_PAGE);
}

/* A starving holder blocked on a fetch for long (its owner may be gone)
 * gives the token back and waits for the page without it, so one lost page
 * cannot stop every commit; the fetch goes on, and the transaction asks for
 * the token again at once, still starving (proto.h, 5). */
static void txn_yield_token(struct dsm_node *n)
{
	struct txn *x = &n->txn;
	txn_rewind(n);
	txn_send_return(n);
	x->status = TXN_TOKEN_FIRST;
	x->wait_start = dsm_now(n);
	x->next_send = dsm_now(n) + DSM_TOKEN_RETRY_TICKS;
	x->n_yields++;
}

void txn_tick(struct dsm_node *n)
{
	struct txn *x = &n->txn;
	uint64_t now = dsm_now(n);
	bool waiting = x->status == TXN_WAIT_TOKEN || x->status == TXN_TOKEN_FIRST;
	if (waiting && now - x->wait_start >= DSM_TOKEN_WAIT_TICKS) {
		txn_fail(n, TXN_ENOTOKEN);
		return;
	}
	if (waiting && !x->granted && dsm_mgr_fenced(n)) {
		txn_fail(n, TXN_EFENCED);       /* no grant comes until the PageServer is back */
		return;
	}
	if (x->status == TXN_RUNNING && x->granted && n->fetch.active &&
	    now - n->fetch.start >= DSM_HOLD_FETCH_TICKS) {
		txn_yield_token(n);
		return;
	}
	if (now < x->next_send || !dsm_is_current(n))
		return;
	if (waiting && x->time_check) {
		if (!x->read_t_known && !n->mgr.active)
			txn_send_time_req(n);
		(void)txn_time_checked(n);
	} else if (waiting && !x->granted) {
		txn_send_token_req(n);
	} else if (x->status == TXN_RUNNING && x->starving && x->granted) {
		struct dsm_msg m = {.type = DSM_MSG_TOKEN_KEEP, .grant = x->grant};
		dsm_send(n, n->manager, &m);
		x->next_send = now + DSM_KEEP_TICKS;
	} else if (x->status == TXN_COMMITTING) {
		txn_send_commit_req(n);
	}
}
