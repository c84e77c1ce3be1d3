/*
 * node.c: a node's entry points (init, frame in, tick), its sending, and the
 * join (proto.h, 2). Dispatches each decoded message to the module that owns
 * it: page.c (1), gtime.c (3.4-3.8, 4), mgr.c (manager side of 2-5),
 * txn/txn.c (client side of 3).
 *
 * Frames a node sends to itself (the manager's own node asking the manager,
 * a Commit the manager decided) go through a bounded queue drained at the end
 * of every entry point, so no handler ever runs inside another.
 */
#include "dsm/impl.h"
#include "dsm/lib.h"

static const uint8_t node_bcast_mac[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
static const uint8_t node_zero_mac[6];

uint64_t dsm_now(const struct dsm_node *n)
{
	return n->env->now(n->env_ctx);
}

void dsm_observe(struct dsm_node *n, const struct dsm_obs_event *ev)
{
	if (n->env->observe)
		n->env->observe(n->env_ctx, ev);
}

/* The environment fills in both MACs (bytes 0..11) from the node id. */
void dsm_send(struct dsm_node *n, uint16_t dst, const struct dsm_msg *m)
{
	uint8_t *payload = n->plbuf;
	size_t len = dsm_msg_encode(m, payload);
	DSM_ASSERT(n, len > 0);
	struct frame_hdr h = {
		.type = m->type, .cluster = n->cfg.cluster, .src = n->cfg.id,
		.dst = dst, .seq = ++n->seq, .gtime = n->gtime,
	};
	if (dst == n->cfg.id) {
		if (n->selfq_count == DSM_SELFQ_MAX) {
			n->stats.selfq_drops++;
			return;
		}
		uint8_t slot = (uint8_t)((n->selfq_head + n->selfq_count) % DSM_SELFQ_MAX);
		size_t w = frame_encode(n->selfq[slot], FRAME_WIRE_MAX, node_bcast_mac,
					node_zero_mac, &h, payload, len);
		DSM_ASSERT(n, w > 0);
		n->selfq_len[slot] = (uint16_t)w;
		n->selfq_count++;
		return;
	}
	size_t w = frame_encode(n->txbuf, sizeof(n->txbuf), node_bcast_mac, node_zero_mac,
				&h, payload, len);
	DSM_ASSERT(n, w > 0);
	n->stats.frames_out++;
	n->env->send(n->env_ctx, dst, n->txbuf, w);
}

static void node_join_send(struct dsm_node *n)
{
	struct dsm_msg m = {.type = DSM_MSG_JOIN_REQ, .id = n->nonce};
	dsm_send(n, FRAME_NODE_ALL, &m);
	n->next_retry = dsm_now(n) + DSM_RECOVER_RETRY_TICKS;
}

/* 7.1: a manager that may restart a heap asks for a PageServer's image. */
static void node_restore_send(struct dsm_node *n)
{
	struct dsm_msg m = {.type = DSM_MSG_RESTORE_REQ, .id = n->nonce};
	dsm_send(n, FRAME_NODE_ALL, &m);
	n->next_retry = dsm_now(n) + DSM_RECOVER_RETRY_TICKS;
}

/* A new heap: every page ours, zero, at version 0. */
static void node_create_heap(struct dsm_node *n)
{
	n->mode = DSM_ACTIVE;
	n->manager = n->cfg.id;
	n->npages = n->cfg.npages;
	for (uint32_t p = 0; p < n->npages; p++) {
		n->env->page_map(n->env_ctx, p);
		n->page[p].state = DSM_OWNED;
	}
	dsm_mgr_init(n);
}

/* 7.3: the heap the PageServer's image holds, at its time t: we own
 * nothing, every page comes from the PageServer until somebody writes it. */
static void node_restore_heap(struct dsm_node *n, uint64_t t)
{
	n->mode = DSM_ACTIVE;
	n->manager = n->cfg.id;
	n->npages = n->cfg.npages;
	n->gtime = n->seen = t;
	for (uint32_t p = 0; p < n->npages; p++)
		n->page[p].known = t;
	dsm_mgr_init(n);
	dsm_mgr_restore(n, t);
	n->restored = true;
	n->restored_t = t;
	n->image_good_t = t;
}

static void node_on_restore_ack(struct dsm_node *n, const struct dsm_msg *m)
{
	if (n->mode != DSM_RESTORING || m->id != n->nonce)
		return;
	if ((m->flags & 1u) && m->page == n->cfg.npages)
		node_restore_heap(n, m->t);
	else
		node_create_heap(n);   /* no image, or one of another heap's size */
	n->env->wake(n->env_ctx);
}

/* Whole bytes of bitmap per part, and at most 32 parts for the heap. */
static void node_fit_recover_span(struct dsm_config *c)
{
	uint32_t span = c->recover_span ? c->recover_span : DSM_RECOVER_SPAN;
	uint32_t least = (c->npages + 31u) / 32u;
	if (span < least)
		span = least;
	span = (span + 7u) / 8u * 8u;
	c->recover_span = (uint16_t)(span < DSM_RECOVER_SPAN ? span : DSM_RECOVER_SPAN);
}

void dsm_init(struct dsm_node *n, const struct dsm_env *env, void *env_ctx,
	      const struct dsm_config *cfg)
{
	memset(n, 0, sizeof(*n));
	n->env = env;
	n->env_ctx = env_ctx;
	n->cfg = *cfg;
	if (n->cfg.part_pages == 0 || n->cfg.part_pages > DSM_PART_PAGES_MAX)
		n->cfg.part_pages = DSM_PART_PAGES_MAX;
	node_fit_recover_span(&n->cfg);
	DSM_ASSERT(n, cfg->id < DSM_NODES_MAX);
	DSM_ASSERT(n, !cfg->pageserver ||
		      (env->ps_begin && env->ps_save && env->ps_commit && env->ps_read));
	n->seq = env->random(env_ctx);
	n->txn.seq = env->random(env_ctx);
	n->ps.active = cfg->pageserver && !cfg->manager;
	n->ps.boot_tick = dsm_now(n);
	if (!cfg->manager) {
		n->mode = DSM_JOINING;
		n->nonce = env->random(env_ctx);
		node_join_send(n);
		return;
	}
	DSM_ASSERT(n, cfg->npages > 0 && cfg->npages <= DSM_PAGES_MAX);
	if (cfg->await_image) {
		n->mode = DSM_RESTORING;
		n->nonce = env->random(env_ctx);
		n->mgr.restore_deadline = dsm_now(n) + DSM_RESTORE_WAIT_TICKS;
		node_restore_send(n);
		return;
	}
	node_create_heap(n);
}

static void node_on_join_ack(struct dsm_node *n, const struct dsm_msg *m)
{
	if (n->mode != DSM_JOINING || m->id != n->nonce)
		return;
	if (m->page == 0 || m->page > DSM_PAGES_MAX || m->node >= DSM_NODES_MAX)
		return;
	if (!dsm_ps_join_ok(n, m))
		return;         /* 11.4: we may have been the manager */
	n->mode = DSM_ACTIVE;
	n->manager = m->node;
	n->npages = m->page;
	n->gtime = m->t;
	if (n->seen < m->t)
		n->seen = m->t;
	for (uint32_t p = 0; p < n->npages; p++)
		n->page[p].known = m->t;
	n->reset_t = m->v;              /* our heap is after it: it is not ours to apply */
	n->reset_image_t = m->w;
	dsm_ps_joined(n);
	n->env->wake(n->env_ctx);
}

/* A frame showed time t: a node that sees it missed commits is behind. */
void dsm_note_time(struct dsm_node *n, uint64_t t)
{
	if (t <= n->seen)
		return;
	if (n->seen <= n->gtime)
		n->behind_since = dsm_now(n);
	n->seen = t;
}

void dsm_put_pages(uint8_t *body, const uint32_t *pages, uint32_t count)
{
	for (uint32_t i = 0; i < count; i++)
		frame_put32(body + 4u * i, pages[i]);
}

/* 11.1: the manager, heard lately, says it grants nothing. */
bool dsm_mgr_fenced(const struct dsm_node *n)
{
	return n->beacon_fenced && dsm_now(n) - n->mgr_heard <= 2u * DSM_BEACON_TICKS;
}

bool dsm_is_current(const struct dsm_node *n)
{
	return n->mode == DSM_ACTIVE && !n->recovering;
}

static void node_dispatch(struct dsm_node *n, const struct dsm_msg *m)
{
	switch (m->type) {
	case DSM_MSG_PAGE_REQ:      dsm_page_on_req(n, m); break;
	case DSM_MSG_PAGE_DATA:     dsm_page_on_data(n, m); break;
	case DSM_MSG_PAGE_STALE:    dsm_page_on_stale(n, m); break;
	case DSM_MSG_JOIN_ACK:      node_on_join_ack(n, m); break;
	case DSM_MSG_RESTORE_ACK:   node_on_restore_ack(n, m); break;
	case DSM_MSG_RESTORE_REQ:
	case DSM_MSG_CKPT_ASK:
	case DSM_MSG_CKPT_DONE:     dsm_ps_on_msg(n, m); break;
	case DSM_MSG_RESET:         dsm_gtime_on_reset(n, m); break;
	case DSM_MSG_TOKEN_GRANT:
		if (n->ps.active)
			dsm_ps_on_msg(n, m);
		else
			txn_on_grant(n, m);
		break;
	case DSM_MSG_COMMIT:        dsm_gtime_on_commit(n, m); break;
	case DSM_MSG_COMMIT_ACK:    dsm_gtime_on_commit_ack(n, m); break;
	case DSM_MSG_COMMIT_REJECT: txn_on_commit_reject(n, m); break;
	case DSM_MSG_TIME_ACK:      txn_on_time_ack(n, m); break;
	case DSM_MSG_RECOVER_ACK:
		if (m->flags & DSM_RECOVER_ZERO_MAP)
			dsm_ps_on_zero_map(n, m);
		else
			dsm_gtime_on_recover_ack(n, m);
		break;
	case DSM_MSG_BEACON:
		dsm_note_time(n, m->t);
		if (m->src == n->manager)
			n->beacon_fenced = (m->flags & DSM_BEACON_FENCED) != 0;
		if (m->src == n->manager && (m->flags & DSM_BEACON_NO_CKPT) && m->t > n->no_ckpt_t)
			n->no_ckpt_t = m->t;    /* 12.4: every checkpoint is after it */
		if (m->src != n->manager)
			dsm_mgr_on_ps_beacon(n, m);     /* 8.6, 10.2 */
		break;
	default:                    dsm_mgr_on_msg(n, m); break;
	}
}

/* A checked frame for us: its message, then the module that owns it. */
static void node_receive(struct dsm_node *n, const struct frame_hdr *h, const uint8_t *payload)
{
	struct dsm_msg m;
	if (h->src >= DSM_NODES_MAX || !dsm_msg_decode(h->type, payload, h->len, &m)) {
		n->stats.frames_bad++;
		return;
	}
	n->stats.frames_in++;
	m.src = h->src;
	m.gtime = h->gtime;
	if (m.src == n->manager)
		n->mgr_heard = dsm_now(n);
	if (m.type == DSM_MSG_CKPT_DONE)
		n->ps_node = m.src;
	if (m.src == n->ps_node && n->ps_node)
		n->ps_heard = dsm_now(n);
	dsm_ps_heard(n, h);
	/* A joining node knows no time yet; only JoinAck counts (and a
	 * PageServer's image is asked for before anybody has joined). A
	 * restoring manager waits for the image alone. */
	if (n->mode == DSM_JOINING && m.type != DSM_MSG_JOIN_ACK && m.type != DSM_MSG_JOIN_REQ &&
	    m.type != DSM_MSG_RESTORE_REQ)
		return;
	if (n->mode == DSM_RESTORING && m.type != DSM_MSG_RESTORE_ACK)
		return;
	if (n->mode == DSM_ACTIVE)
		dsm_note_time(n, h->gtime);
	node_dispatch(n, &m);
}

/* An encoded frame: decoded and checked once, here. */
static void node_decode(struct dsm_node *n, const uint8_t *buf, size_t len)
{
	struct frame_hdr h;
	const uint8_t *payload;
	enum frame_verdict v = frame_decode(buf, len, n->cfg.cluster, n->cfg.id, &h, &payload, 0);
	if (v == FRAME_OK)
		node_receive(n, &h, payload);
	else if (v == FRAME_REJ_NODE && n->ps.active)
		dsm_ps_snoop(n, &h, payload);
}

void dsm_drain(struct dsm_node *n)
{
	if (n->draining)
		return;
	n->draining = true;
	for (uint32_t i = 0; i < 4u * DSM_SELFQ_MAX && n->selfq_count > 0; i++) {
		uint8_t slot = n->selfq_head;
		uint8_t *frame = n->rxbuf;
		uint16_t len = n->selfq_len[slot];
		memcpy(frame, n->selfq[slot], len);
		n->selfq_head = (uint8_t)((slot + 1u) % DSM_SELFQ_MAX);
		n->selfq_count--;
		node_decode(n, frame, len);
	}
	n->draining = false;
}

void dsm_frame_in(struct dsm_node *n, const uint8_t *buf, size_t len)
{
	node_decode(n, buf, len);
	dsm_drain(n);
}

void dsm_msg_in(struct dsm_node *n, const struct frame_hdr *h, const uint8_t *payload)
{
	node_receive(n, h, payload);
	dsm_drain(n);
}

void dsm_tick(struct dsm_node *n)
{
	uint64_t now = dsm_now(n);
	if (n->mode == DSM_JOINING) {
		if (dsm_ps_rejoin_tick(n))
			n->env->wake(n->env_ctx);
		else if (now >= n->next_retry)
			node_join_send(n);
		dsm_drain(n);
		return;
	}
	if (n->mode == DSM_RESTORING) {
		if (now >= n->mgr.restore_deadline)
			node_create_heap(n);        /* no PageServer answered */
		else if (now >= n->next_retry)
			node_restore_send(n);
		dsm_drain(n);
		return;
	}
	dsm_mgr_tick(n);
	dsm_gtime_tick(n);
	dsm_fetch_tick(n);
	txn_tick(n);
	dsm_ps_tick(n);
	dsm_drain(n);
}
