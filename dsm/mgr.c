/*
 * mgr.c: the commit-token manager, run by the master (proto.h, sequences 2,
 * 3, 4, 5, manager side). Owns the global time, the token (one grant at a
 * time, with a lease), the queue of requests with its contention manager,
 * and per page the time and node of the last write, which answers recovery.
 *
 * Also the fence while the PageServer is silent, and the PageServer's
 * takeover (11): a new epoch of the global time, begun by a reset.
 *
 * Rules: a grant is decided at most once, at time+1, and only while it is
 * current; a revoked grant is never decided. Decisions are the only thing
 * that advances the global time. Bounded: one queue entry per node.
 */
#include "dsm/impl.h"
#include "dsm/lib.h"

void dsm_mgr_init(struct dsm_node *n)
{
	struct dsm_mgr *g = &n->mgr;
	g->active = true;
	g->grant_next = 1;
	for (uint32_t p = 0; p < n->npages; p++)
		g->last_writer[p] = n->cfg.id;
	g->next_beacon = dsm_now(n) + DSM_BEACON_TICKS;
}

/* 7.3: restarting from an image at time t: the global time goes on from t;
 * no page was written after it (recovery bitmaps are empty until commits). */
void dsm_mgr_restore(struct dsm_node *n, uint64_t t)
{
	struct dsm_mgr *g = &n->mgr;
	g->time = t;
	for (uint32_t p = 0; p < n->npages; p++)
		g->last_write[p] = 0;
}

static void mgr_send_grant(struct dsm_node *n)
{
	struct dsm_mgr *g = &n->mgr;
	struct dsm_msg m = {.type = DSM_MSG_TOKEN_GRANT, .id = g->holder_txn,
			    .grant = g->grant, .v = g->time};
	dsm_send(n, g->holder, &m);
}

/* The contention manager: the PageServer's checkpoint first (8.2), then
 * every other request in arrival order, starving or not (proto.h, 5): a
 * class ahead of the rest would let a stream of starving requests keep an
 * optimistic commit waiting for ever. */
static int mgr_pick(const struct dsm_mgr *g)
{
	int best = -1;
	for (uint32_t i = 0; i < DSM_NODES_MAX; i++) {
		const struct dsm_waiter *w = &g->wait[i];
		if (!w->waiting)
			continue;
		const struct dsm_waiter *b = best < 0 ? NULL : &g->wait[best];
		if (!b || w->ckpt > b->ckpt || (w->ckpt == b->ckpt && w->order < b->order))
			best = (int)i;
	}
	return best;
}

/* 11.1: no grant while the PageServer, once heard, is silent: it may be on
 * the other side of a partition, and take over there. Nor once a frame of a
 * later epoch came: it did; its reminder (11.2) ends our epoch soon. */
static bool mgr_must_fence(const struct dsm_node *n)
{
	return (n->ps_node != 0 && !n->ps.active &&
		dsm_now(n) - n->ps_heard > DSM_PS_SILENT_TICKS) ||
	       dsm_epoch(n->seen) > dsm_epoch(n->mgr.time);
}

/* 12.4: no checkpoint of our heap exists or was begun: every one to come is
 * after now. */
static bool mgr_no_ckpt(const struct dsm_node *n)
{
	return n->image_good_t == 0 && n->mgr.n_ckpt_grants == 0;
}

static void mgr_try_grant(struct dsm_node *n)
{
	struct dsm_mgr *g = &n->mgr;
	if (g->held || g->fenced)
		return;
	int next = mgr_pick(g);
	if (next < 0 || (g->unsaved && !g->wait[next].ckpt))
		return;                 /* 11.5: our checkpoint first, then anybody */
	g->held = true;
	g->holder = (uint16_t)next;
	g->holder_txn = g->wait[next].txn;
	g->grant = g->grant_next++;
	g->lease_end = dsm_now(n) + DSM_LEASE_TICKS;
	memset(&g->req, 0, sizeof(g->req));
	g->wait[next].waiting = false;
	g->n_grants++;
	g->n_ckpt_grants += g->wait[next].ckpt;
	if (g->wait[next].ckpt && !n->ps.active)
		g->ckpt_open_t = g->time;       /* 8.6: open till we hear how it ended */
	mgr_send_grant(n);
}

static void mgr_release(struct dsm_node *n)
{
	n->mgr.held = false;
	mgr_try_grant(n);
}

/* 2.2: a (re)joining node starts afresh: its old grant and request go. */
static void mgr_on_join(struct dsm_node *n, const struct dsm_msg *m)
{
	struct dsm_mgr *g = &n->mgr;
	if (g->join_nonce[m->src] != m->id) {
		g->join_nonce[m->src] = m->id;
		g->wait[m->src].waiting = false;
		g->decided_grant[m->src] = 0;
		if (g->held && g->holder == m->src) {
			g->n_revoked++;
			mgr_release(n);
		}
	}
	struct dsm_msg a = {.type = DSM_MSG_JOIN_ACK, .id = m->id, .t = g->time,
			    .node = n->cfg.id, .page = n->npages, .v = g->reset_t,
			    .w = g->reset_image};
	dsm_send(n, m->src, &a);
}

static void mgr_on_token_req(struct dsm_node *n, const struct dsm_msg *m)
{
	struct dsm_mgr *g = &n->mgr;
	if (g->held && g->holder == m->src) {
		if (g->holder_txn == m->id) {
			g->lease_end = dsm_now(n) + DSM_LEASE_TICKS;
			mgr_send_grant(n);
			return;
		}
		g->n_revoked++;   /* the holder moved on; its return was lost */
		g->held = false;
	}
	struct dsm_waiter *w = &g->wait[m->src];
	if (w->waiting && w->txn == m->id) {
		w->ckpt = w->ckpt || (m->flags & 2u);
	} else {
		w->waiting = true;
		w->ckpt = (m->flags & 2u) != 0;
		w->txn = m->id;
		w->order = g->order_next++;
	}
	mgr_try_grant(n);
}

static void mgr_on_return(struct dsm_node *n, const struct dsm_msg *m)
{
	struct dsm_mgr *g = &n->mgr;
	if (g->held && g->holder == m->src && (g->grant == m->grant || g->holder_txn == m->id)) {
		mgr_release(n);
		return;
	}
	if (g->wait[m->src].waiting && g->wait[m->src].txn == m->id)
		g->wait[m->src].waiting = false;
}

/* 3.4: broadcast the decided commit in parts, and apply it here too. */
static void mgr_broadcast(struct dsm_node *n, uint64_t t, uint16_t committer, uint32_t grant,
			  const uint32_t *pages, uint32_t count)
{
	uint32_t per = n->cfg.part_pages;
	uint32_t nparts = count == 0 ? 1 : (count + per - 1) / per;
	uint8_t body[4u * DSM_WSET_MAX];
	for (uint32_t part = 0; part < nparts; part++) {
		uint32_t first = part * per;
		uint32_t k = count - first < per ? count - first : per;
		dsm_put_pages(body, pages + first, k);
		struct dsm_msg m = {.type = DSM_MSG_COMMIT, .t = t, .grant = grant,
				    .node = committer, .part = (uint8_t)part,
				    .nparts = (uint8_t)nparts, .count = (uint16_t)k, .body = body};
		dsm_send(n, FRAME_NODE_ALL, &m);
		m.src = n->cfg.id;
		dsm_gtime_on_commit(n, &m);
	}
}

static void mgr_decide(struct dsm_node *n)
{
	struct dsm_mgr *g = &n->mgr;
#if DSM_MUTANT == 4
	if (g->n_decided % 2u == 1u)
		g->time--;      /* mutant 4 (one-time): two grants decided at one time */
#endif
	uint64_t t = ++g->time;
	for (uint32_t i = 0; i < g->req.npages; i++) {
		g->last_write[g->req.pages[i]] = t;
		g->last_writer[g->req.pages[i]] = g->holder;
	}
	g->decided_grant[g->holder] = g->grant;
	g->decided_t[g->holder] = t;
	g->n_decided++;
	g->held = false;
	struct dsm_obs_event ev = {.kind = DSM_OBS_DECIDE, .node = g->holder, .t = t,
				   .pages = g->req.pages, .n = g->req.npages};
	dsm_observe(n, &ev);
	struct dsm_commit_slot c = g->req;
	mgr_broadcast(n, t, g->holder, g->grant, c.pages, c.npages);
	mgr_try_grant(n);
}

static bool mgr_take_part(struct dsm_node *n, const struct dsm_msg *m)
{
	struct dsm_commit_slot *c = &n->mgr.req;
	if (!c->used) {
		c->used = true;
		c->nparts = m->nparts;
	}
	if (c->nparts != m->nparts || (c->mask & (1u << m->part)) ||
	    c->npages + m->count > DSM_WSET_MAX)
		return false;
	for (uint32_t i = 0; i < m->count; i++) {
		uint32_t p = frame_get32(m->body + 4u * i);
		if (p >= n->npages)
			return false;
		c->pages[c->npages + i] = p;
	}
	c->npages = (uint16_t)(c->npages + m->count);
	c->mask |= 1u << m->part;
	return c->mask == (1u << c->nparts) - 1u;
}

static void mgr_on_commit_req(struct dsm_node *n, const struct dsm_msg *m)
{
	struct dsm_mgr *g = &n->mgr;
	if (!(g->held && g->holder == m->src && g->grant == m->grant)) {
		struct dsm_msg a = {.grant = m->grant};
		if (m->grant != 0 && g->decided_grant[m->src] == m->grant) {
			a.type = DSM_MSG_COMMIT_ACK;
			a.t = g->decided_t[m->src];
		} else {
			a.type = DSM_MSG_COMMIT_REJECT;
		}
		dsm_send(n, m->src, &a);
		return;
	}
	g->lease_end = dsm_now(n) + DSM_LEASE_TICKS;
	if (mgr_take_part(n, m))
		mgr_decide(n);
}

/* The last reset decided (10.2), as its Reset message. */
static struct dsm_msg mgr_reset_msg(const struct dsm_mgr *g)
{
	return (struct dsm_msg){.type = DSM_MSG_RESET, .t = g->reset_t, .v = g->reset_image,
				.page = g->reset_page, .node = g->reset_owner,
				.flags = g->reset_flags};
}

/* The last reset decided, to `dst`. */
static struct dsm_msg mgr_send_reset_to(struct dsm_node *n, uint16_t dst)
{
	struct dsm_msg r = mgr_reset_msg(&n->mgr);
	dsm_send(n, dst, &r);
	return r;
}

static void mgr_send_reset(struct dsm_node *n)
{
	struct dsm_mgr *g = &n->mgr;
	struct dsm_msg r = mgr_send_reset_to(n, FRAME_NODE_ALL);
	r.src = n->cfg.id;
	dsm_gtime_on_reset(n, &r);
	g->reset_sends--;
	g->next_reset = dsm_now(n) + DSM_BEACON_TICKS;
}

/* 4.2: was page p written after time v by another node than src? The zero
 * map (7.5, 7.6) asks for every write after v, by anybody. */
static bool mgr_written(const struct dsm_node *n, uint32_t p, const struct dsm_msg *m)
{
	const struct dsm_mgr *g = &n->mgr;
	if (m->flags & DSM_RECOVER_ZERO_MAP)
		return (m->v == 0 && n->restored) || g->last_write[p] > m->v;
	return g->last_write[p] > m->v && g->last_writer[p] != m->src;
}

/* 4.2: the pages written since the requester's time, as one bitmap in parts
 * of cfg.recover_span pages, all at this one time. */
static void mgr_on_recover_req(struct dsm_node *n, const struct dsm_msg *m)
{
	struct dsm_mgr *g = &n->mgr;
	uint32_t span = n->cfg.recover_span;
	if (!(m->flags & DSM_RECOVER_ZERO_MAP) && m->v < g->reset_t) {
		mgr_send_reset_to(n, m->src);  /* 4.2: a reset it missed comes first (10.3) */
		return;
	}
	struct dsm_msg a = {.type = DSM_MSG_RECOVER_ACK, .id = m->id, .t = g->time,
			    .grant = g->decided_grant[m->src], .v = g->decided_t[m->src],
			    .page = n->npages, .span = (uint16_t)span, .flags = m->flags,
			    .nparts = (uint8_t)((n->npages + span - 1u) / span), .body = n->scratch};
	for (uint32_t first = 0; first < n->npages; first += span) {
		uint32_t end = first + span < n->npages ? first + span : n->npages;
		a.count = (uint16_t)((end - first + 7u) / 8u);
		memset(n->scratch, 0, a.count);
		for (uint32_t p = first; p < end; p++)
			if (mgr_written(n, p, m))
				dsm_bit_put(n->scratch, p - first, true);
		dsm_send(n, m->src, &a);
		a.part++;
	}
}

/* 10.2: a step of the global time that writes every page with the image's
 * contents; `page` was lost with `owner` (11.2: npages, the old manager). */
static void mgr_reset(struct dsm_node *n, uint32_t page, uint16_t owner, uint8_t flags)
{
	struct dsm_mgr *g = &n->mgr;
	g->reset_t = ++g->time;
	g->reset_image = n->image_good_t;
	g->reset_page = page;
	g->reset_owner = owner;
	g->reset_flags = flags;
	for (uint32_t p = 0; p < n->npages; p++) {
		g->last_write[p] = g->reset_t;
		g->last_writer[p] = DSM_NOBODY;
	}
	if (g->held) {
		g->n_revoked++;  /* its CommitReq now gets CommitReject */
		g->held = false;
	}
	g->reset_sends = DSM_RESET_SENDS;
	struct dsm_obs_event ev = {.kind = DSM_OBS_RESET, .t = g->reset_t, .v = g->reset_image,
				   .page = page, .node = owner};
	dsm_observe(n, &ev);
	mgr_send_reset(n);
	mgr_try_grant(n);
}

/* 10.2: a page written after the last good checkpoint is lost with its owner:
 * the heap goes back to that checkpoint, as one step of the global time
 * that writes every page (the PageServer's image becomes every page). */
static void mgr_on_lost(struct dsm_node *n, const struct dsm_msg *m)
{
	struct dsm_mgr *g = &n->mgr;
	if (m->page >= n->npages || n->image_good_t == 0 ||
	    g->last_write[m->page] <= n->image_good_t || g->last_writer[m->page] == m->src ||
	    g->last_writer[m->page] == DSM_NOBODY)
		return;         /* no image to go back to, or the image has the page */
	if (n->image_good_t < dsm_code_newest(n)) {
		g->n_lost_no_code++;    /* the image lacks the code area we sealed (12.3, 12.5) */
		return;
	}
	if (!n->ps.active && dsm_now(n) - n->ps_heard > DSM_PS_SILENT_TICKS) {
		g->n_lost_no_ps++;      /* the PageServer is not on our side: no reset; */
		g->lost_page = m->page; /* the environment says so (kernel/sched.c) */
		g->lost_owner = g->last_writer[m->page];
		return;
	}
	if (g->ckpt_open_t) {
		g->n_lost_deferred++;   /* 8.6: the disk may be getting a newer image */
		g->lost_deferred = true;
		g->lost_wait = *m;
		return;
	}
	mgr_reset(n, m->page, g->last_writer[m->page], 0);
}

/* 8.6: the checkpoint granted at ckpt_open_t ended (`last`, the grant time
 * of the checkpoint P ended last, is at or after it); `ok`: it is on the
 * disk, a good image. A Lost that waited is decided now (10.2). */
static void mgr_ckpt_closed(struct dsm_node *n, uint64_t last, bool ok)
{
	struct dsm_mgr *g = &n->mgr;
	if (ok && last > n->image_good_t)
		n->image_good_t = last;
	if (!g->ckpt_open_t || last < g->ckpt_open_t)
		return;
	g->ckpt_open_t = 0;
	if (g->lost_deferred) {
		g->lost_deferred = false;
		mgr_on_lost(n, &g->lost_wait);
	}
}

void dsm_mgr_on_ckpt_done(struct dsm_node *n, const struct dsm_msg *m)
{
	if (n->mgr.active)
		mgr_ckpt_closed(n, m->t, m->flags == DSM_PS_OK);
}

/* 10.2, 8.6: the PageServer's Beacon: it is on our side, and it says which
 * checkpoint it ended last. */
void dsm_mgr_on_ps_beacon(struct dsm_node *n, const struct dsm_msg *m)
{
	if (n->mgr.active && m->src == n->ps_node)
		mgr_ckpt_closed(n, m->v, (m->flags & DSM_BEACON_LAST_OK) != 0);
}

/* 11.2: the PageServer becomes the manager of the next epoch, and the heap
 * its checkpoint: a reset at the epoch's first time, which every node of an
 * older epoch follows (11.3). Grant numbers start afresh in the epoch too;
 * the first one is for a checkpoint of the epoch (11.5). */
void dsm_mgr_take_over(struct dsm_node *n)
{
	struct dsm_mgr *g = &n->mgr;
	uint64_t newest = n->seen > n->gtime ? n->seen : n->gtime;
	uint64_t epoch = dsm_epoch(newest) + 1;
	uint16_t old = n->manager;
	dsm_mgr_init(n);
	g->time = (epoch << DSM_EPOCH_SHIFT) - 1u;
	g->grant_next = (uint32_t)(epoch << 24) | 1u;
	n->manager = n->cfg.id;
	n->recovering = false;
	g->unsaved = true;
	mgr_reset(n, n->npages, old, DSM_RESET_TAKEOVER);
	g->takeover = mgr_reset_msg(g);
}

/* 11.5: our checkpoint of time t is on our disk; of our epoch, we grant. */
void dsm_mgr_saved(struct dsm_node *n, uint64_t t)
{
	if (n->mgr.active && dsm_epoch(t) == dsm_epoch(n->mgr.time))
		n->mgr.unsaved = false;
}

/* 11.3: a manager of a later epoch exists: ours is over. */
void dsm_mgr_step_down(struct dsm_node *n)
{
	n->mgr.active = false;
	n->mgr.held = false;
	n->mgr.fenced = false;
	n->mgr.unsaved = false;
}

/* 11.2: the takeover again, for nodes that were cut off when it happened. */
static void mgr_remind_takeover(struct dsm_node *n)
{
	struct dsm_msg r = n->mgr.takeover;
	r.flags |= DSM_RESET_REMINDER;
	dsm_send(n, FRAME_NODE_ALL, &r);
}

/* 11.1: fenced while the PageServer is silent; counted when it begins,
 * and a Beacon tells the nodes at once when it begins or ends. */
static void mgr_fence_tick(struct dsm_node *n)
{
	struct dsm_mgr *g = &n->mgr;
	bool fenced = mgr_must_fence(n);
	if (fenced != g->fenced)
		g->next_beacon = dsm_now(n);
	g->n_fenced += fenced && !g->fenced;
	g->fenced = fenced;
	n->beacon_fenced = fenced;
}

/* 11.1: the operator says the PageServer is gone for good: grant again
 * without it. No reset is possible until a PageServer checkpoints again
 * (its CkptDone makes it the one to wait for), and were it alive on the
 * other side of a partition, both sides would commit until one follows. */
bool dsm_mgr_forget_ps(struct dsm_node *n)
{
	if (!n->mgr.active || n->ps_node == 0)
		return false;
	n->ps_node = 0;
	n->mgr.ckpt_open_t = 0;         /* nothing more reaches its disk */
	n->mgr.lost_deferred = false;
	mgr_fence_tick(n);
	return true;
}

/* 3.9: our time, for a read-only transaction's check; none while fenced
 * (11.1: the PageServer's side may be committing in a later epoch). */
static void mgr_on_time_req(struct dsm_node *n, const struct dsm_msg *m)
{
	struct dsm_msg a = {.type = DSM_MSG_TIME_ACK, .id = m->id, .t = n->mgr.time};
	if (n->mgr.fenced || mgr_must_fence(n) || n->mgr.unsaved)
		return;         /* 11.5: nor before our epoch is on the disk */
	n->mgr.n_time_acks++;
	dsm_send(n, m->src, &a);
}

/* 3.9 on the manager's own node: its time, false while fenced. */
bool dsm_mgr_read_time(struct dsm_node *n, uint64_t *t)
{
	if (!n->mgr.active || n->mgr.fenced || mgr_must_fence(n) || n->mgr.unsaved)
		return false;
	*t = n->mgr.time;
	return true;
}

void dsm_mgr_on_msg(struct dsm_node *n, const struct dsm_msg *m)
{
	if (!n->mgr.active)
		return;
	switch (m->type) {
	case DSM_MSG_JOIN_REQ:     mgr_on_join(n, m); break;
	case DSM_MSG_TOKEN_REQ:    mgr_on_token_req(n, m); break;
	case DSM_MSG_TOKEN_RETURN: mgr_on_return(n, m); break;
	case DSM_MSG_COMMIT_REQ:   mgr_on_commit_req(n, m); break;
	case DSM_MSG_RECOVER_REQ:  mgr_on_recover_req(n, m); break;
	case DSM_MSG_LOST:         mgr_on_lost(n, m); break;
	case DSM_MSG_TIME_REQ:     mgr_on_time_req(n, m); break;
	case DSM_MSG_TOKEN_KEEP:
		if (n->mgr.held && n->mgr.holder == m->src && n->mgr.grant == m->grant)
			n->mgr.lease_end = dsm_now(n) + DSM_LEASE_TICKS;
		break;
	default:
		break;
	}
}

void dsm_mgr_tick(struct dsm_node *n)
{
	struct dsm_mgr *g = &n->mgr;
	uint64_t now = dsm_now(n);
	if (!g->active)
		return;
	if (g->held && now >= g->lease_end) {
		g->n_revoked++;
		mgr_release(n);
	}
	if (g->reset_sends > 0 && now >= g->next_reset)
		mgr_send_reset(n);
	if (now >= g->next_beacon) {
		struct dsm_msg b = {.type = DSM_MSG_BEACON, .t = g->time,
				    .flags = (g->fenced ? DSM_BEACON_FENCED : 0) |
					     (mgr_no_ckpt(n) ? DSM_BEACON_NO_CKPT : 0)};
		dsm_send(n, FRAME_NODE_ALL, &b);
		if (g->takeover.type == DSM_MSG_RESET)
			mgr_remind_takeover(n);
		g->next_beacon = now + DSM_BEACON_TICKS;
	}
	mgr_fence_tick(n);
	mgr_try_grant(n);
}
