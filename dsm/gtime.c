/*
 * gtime.c: global time on a node (proto.h, sequences 3.4-3.8 and 4). Owns
 * gtime, seen, the window of commits buffered ahead of gtime, and recovery.
 * Commits are applied strictly in time order, each exactly once; a node that
 * cannot close a gap within DSM_BEHIND_GRACE_TICKS recovers from the manager
 * and, until it has, serves nothing, fetches nothing, asks for no token.
 * Resets (10.3), and following a manager that took over (11.3).
 */
#include "dsm/impl.h"
#include "dsm/lib.h"

static void gtime_advance(struct dsm_node *n, uint64_t t)
{
	DSM_ASSERT(n, t >= n->gtime);
	n->gtime = t;
	if (n->seen < t)
		n->seen = t;
}

/* Our own commit `t` for `grant`: the written pages become ours. */
static bool gtime_apply_own(struct dsm_node *n, uint32_t grant, uint64_t t)
{
	const struct txn *x = &n->txn;
	if (x->status != TXN_COMMITTING || x->grant != grant)
		return false;
	for (uint32_t i = 0; i < x->nwrite; i++) {
		struct dsm_page *pg = &n->page[x->wpage[i]];
		DSM_ASSERT(n, pg->state != DSM_ABSENT);
		pg->state = DSM_OWNED;
		pg->version = t;
		pg->known = t;
	}
	return txn_own_commit(n, grant, t);
}

/* Pages written by somebody else at time t: drop them, abort on conflict. */
static void gtime_drop_written(struct dsm_node *n, const uint32_t *pages, uint32_t count,
			       uint64_t t)
{
	for (uint32_t i = 0; i < count; i++) {
#if DSM_MUTANT == 3
		break;  /* mutant 3 (no-abort): a conflicting commit aborts nothing */
#endif
		if (txn_touches(n, pages[i])) {
			txn_conflict(n, TXN_CAUSE_CONFLICT, pages[i]);
			break;
		}
	}
	for (uint32_t i = 0; i < count; i++) {
		n->page[pages[i]].known = t;
#if DSM_MUTANT == 3
		if (txn_touches(n, pages[i]))
			continue;       /* mutant 3: ... and the transaction keeps its copy */
#endif
		dsm_page_drop(n, pages[i]);
		dsm_ps_written(n, pages[i]);
	}
}

static void gtime_apply(struct dsm_node *n, const struct dsm_commit_slot *c)
{
	DSM_ASSERT(n, c->t == n->gtime + 1);
	bool own = c->committer == n->cfg.id && gtime_apply_own(n, c->grant, c->t);
	if (!own) {
#if DSM_MUTANT == 1
		/* Mutant 1 (invalidate), built only for the checkers' own test
		 * (tests/sim): replicas survive a commit that wrote them. */
		for (uint32_t i = 0; i < c->npages; i++)
			if (n->page[c->pages[i]].state == DSM_OWNED)
				gtime_drop_written(n, &c->pages[i], 1, c->t);
#else
		gtime_drop_written(n, c->pages, c->npages, c->t);
#endif
		txn_foreign_commit(n, c->t);
	}
	gtime_advance(n, c->t);
	n->stats.commits_applied++;
	txn_caught_up(n);
}

static void gtime_try_apply(struct dsm_node *n)
{
	for (uint32_t i = 0; i < DSM_COMMIT_WINDOW && !n->recovering; i++) {
		struct dsm_commit_slot *c = &n->window[(n->gtime + 1) % DSM_COMMIT_WINDOW];
		if (!c->used || c->t != n->gtime + 1 || c->mask != (1u << c->nparts) - 1u)
			return;
		c->used = false;
		gtime_apply(n, c);
	}
}

static bool gtime_slot_take(struct dsm_commit_slot *c, const struct dsm_msg *m)
{
	if (!c->used || c->t != m->t) {
		memset(c, 0, sizeof(*c));
		c->used = true;
		c->t = m->t;
		c->grant = m->grant;
		c->committer = m->node;
		c->nparts = m->nparts;
	}
	return c->grant == m->grant && c->committer == m->node && c->nparts == m->nparts;
}

/* 3.4/3.8: buffer one part of commit m->t; apply what is complete, in order. */
void dsm_gtime_on_commit(struct dsm_node *n, const struct dsm_msg *m)
{
	if (m->src != n->manager)
		return;
	dsm_note_time(n, m->t);
	if (m->t <= n->gtime || m->t > n->gtime + DSM_COMMIT_WINDOW) {
		n->stats.dup_frames += m->t <= n->gtime;
		return;
	}
	struct dsm_commit_slot *c = &n->window[m->t % DSM_COMMIT_WINDOW];
	if (!gtime_slot_take(c, m) || (c->mask & (1u << m->part)) ||
	    c->npages + m->count > DSM_WSET_MAX || m->node >= DSM_NODES_MAX)
		return;
	for (uint32_t i = 0; i < m->count; i++) {
		uint32_t p = frame_get32(m->body + 4u * i);
		if (p >= n->npages) {
			c->used = false;
			return;
		}
		c->pages[c->npages + i] = p;
	}
	c->npages = (uint16_t)(c->npages + m->count);
	c->mask |= 1u << m->part;
#if DSM_MUTANT == 5
	/* mutant 5 (out-of-order): a complete commit ahead of a gap is applied at
	 * once; the ones before it come late, as duplicates */
	if (c->mask == (1u << c->nparts) - 1u && m->t > n->gtime + 1 && !n->recovering)
		n->gtime = m->t - 1;
#endif
	gtime_try_apply(n);
}

/* 3.6: the manager confirms our commit; same effect as its Commit frame. */
void dsm_gtime_on_commit_ack(struct dsm_node *n, const struct dsm_msg *m)
{
	if (m->src != n->manager || n->recovering || m->t != n->gtime + 1)
		return;
	if (!gtime_apply_own(n, m->grant, m->t))
		return;
	gtime_advance(n, m->t);
	n->stats.commits_applied++;
	gtime_try_apply(n);
}

static void gtime_recover_send(struct dsm_node *n)
{
	struct dsm_msg m = {.type = DSM_MSG_RECOVER_REQ, .id = n->nonce, .v = n->gtime};
	dsm_send(n, n->manager, &m);
	n->next_retry = dsm_now(n) + DSM_RECOVER_RETRY_TICKS;
}

void dsm_gtime_tick(struct dsm_node *n)
{
	uint64_t now = dsm_now(n);
	if (n->recovering) {
		if (now >= n->next_retry)
			gtime_recover_send(n);
		return;
	}
	if (n->seen > n->gtime && now - n->behind_since >= DSM_BEHIND_GRACE_TICKS) {
		n->recovering = true;
		n->nonce = n->env->random(n->env_ctx);
		n->stats.recoveries++;
		gtime_recover_send(n);
	}
}

/* 4.3, first half: our pending commit was decided, or its grant is dead. */
static void gtime_recover_own(struct dsm_node *n, const struct dsm_msg *m)
{
	if (txn_state(n) != TXN_COMMITTING)
		return;
	if (m->grant == n->txn.grant && m->v > n->gtime) {
		uint64_t t = m->v;
		gtime_apply_own(n, m->grant, t);
	} else if (m->t > n->gtime) {
		txn_foreign_commit(n, m->t);
	}
}

/* 4.2: keep one part of the newest answer to our RecoverReq `nonce`; true
 * once every part of it arrived (n->rec then holds the whole bitmap). */
bool dsm_recover_part(struct dsm_node *n, const struct dsm_msg *m, uint32_t nonce)
{
	struct dsm_recover *r = &n->rec;
	if (r->nonce != nonce || r->mask == 0 || m->t > r->t) {
		*r = (struct dsm_recover){.nonce = nonce, .t = m->t, .v = m->v,
					  .grant = m->grant, .nparts = m->nparts};
		memset(r->bits, 0, (n->npages + 7u) / 8u);
	}
	if (m->t < r->t || m->nparts != r->nparts)
		return false;
	memcpy(r->bits + (uint32_t)m->part * m->span / 8u, m->body, m->count);
	r->mask |= 1u << m->part;
	return r->mask == (m->nparts == 32 ? 0xFFFFFFFFu : (1u << m->nparts) - 1u);
}

/* 4.3: apply the manager's answer atomically, once all its parts are here. */
void dsm_gtime_on_recover_ack(struct dsm_node *n, const struct dsm_msg *m)
{
	if (!n->recovering || m->id != n->nonce || m->src != n->manager || m->t < n->gtime ||
	    m->page != n->npages || !dsm_recover_part(n, m, n->nonce))
		return;
	const struct dsm_recover *r = &n->rec;
	struct dsm_msg whole = {.t = r->t, .v = r->v, .grant = r->grant};
	gtime_recover_own(n, &whole);
	for (uint32_t p = 0; p < n->npages; p++) {
		if (!dsm_bit(r->bits, p))
			continue;
		if (txn_touches(n, p))
			txn_conflict(n, TXN_CAUSE_RECOVERY, p);
		n->page[p].known = r->t;
		dsm_page_drop(n, p);
	}
	uint64_t t = r->t;
	n->rec.mask = 0;
	txn_foreign_commit(n, t);
	gtime_advance(n, t);
	n->recovering = false;
	for (uint32_t i = 0; i < DSM_COMMIT_WINDOW; i++)
		if (n->window[i].used && n->window[i].t <= n->gtime)
			n->window[i].used = false;
	struct dsm_obs_event ev = {.kind = DSM_OBS_RECOVERED, .t = t};
	dsm_observe(n, &ev);
	txn_caught_up(n);
	gtime_try_apply(n);
	n->env->wake(n->env_ctx);
}

/* 11.3: a reset from the manager of a later epoch than ours, which took
 * over while we were cut off from it (or ours failed): follow it; were we
 * the manager, ours is over. */
static bool gtime_follow(struct dsm_node *n, const struct dsm_msg *m)
{
	if (!(m->flags & DSM_RESET_TAKEOVER) || dsm_epoch(m->t) <= dsm_epoch(n->gtime))
		return false;
	if (n->mgr.active)
		dsm_mgr_step_down(n);
	n->manager = m->src;
	n->mgr_heard = dsm_now(n);
	n->beacon_fenced = false;
	n->takeovers++;
	return true;
}

/* 12.5: a reset to an image older than a sealed install loses it (a
 * takeover's, before the install was published): its pages go too. */
static void gtime_code_lost(struct dsm_node *n, uint64_t image_t)
{
	for (uint32_t i = n->ncode; i-- > 0;)
		if (image_t < n->code[i].install_t) {
			dsm_code_unseal(n, n->code[i].first);
			n->stats.code_lost++;
		}
}

/* 10.3: the heap is the checkpoint of time m->v from time m->t on. Every
 * page goes (the PageServer reloads its image instead); a transaction that
 * touched one aborts. A node behind it that recovers gets this Reset first
 * (4.2); a node that joined after it knows it from the JoinAck (reset_t). */
void dsm_gtime_on_reset(struct dsm_node *n, const struct dsm_msg *m)
{
	if (n->mode != DSM_ACTIVE || (m->src != n->manager && !gtime_follow(n, m)))
		return;
	if (m->t <= n->reset_t || ((m->flags & DSM_RESET_REMINDER) && m->t <= n->gtime))
		return;
	dsm_note_time(n, m->t);
	if (m->t > n->gtime) {
		if (txn_state(n) == TXN_COMMITTING)
			txn_foreign_commit(n, m->t);
		else
			txn_conflict(n, TXN_CAUSE_RESET, m->page);
		gtime_code_lost(n, m->v);
		for (uint32_t p = 0; p < n->npages; p++) {
			n->page[p].known = m->t;
			if (!n->ps.active)
				dsm_page_drop(n, p);
		}
		for (uint32_t i = 0; i < DSM_COMMIT_WINDOW; i++)
			if (n->window[i].used && n->window[i].t <= m->t)
				n->window[i].used = false;
		gtime_advance(n, m->t);
	}
	n->fetch.failed = false;        /* a page nobody served is the image's now */
	if (n->ps.active)
		dsm_ps_reload(n, m->t);
	n->reset_t = m->t;
	n->reset_image_t = m->v;
	n->reset_page = m->page;
	n->reset_node = m->node;
	n->reset_flags = m->flags;
	n->resets++;
	n->env->wake(n->env_ctx);
	gtime_try_apply(n);
}
