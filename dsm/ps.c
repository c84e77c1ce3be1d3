/*
 * ps.c: the PageServer's side of the protocol (proto.h, sequences 7 and 8).
 * Owns struct dsm_ps: what the disk holds (saved[]), which pages have no
 * live owner (orphan), the checkpoint being collected, and the recent page
 * requests. Talks to the disk only through env->ps_begin, ps_save, ps_commit
 * and ps_read (env.h).
 * Takes over as manager when the manager is gone from its side (proto.h 11).
 *
 * Rules: a checkpoint is collected while the PageServer holds the commit
 * token, so no commit can fall inside it: every page it stages is the page
 * at the grant's time t. A page is staged from the PageServer's own copy if
 * it has one (on a current node every present copy is current: a commit
 * that writes a page drops it), else fetched like any page (rule F holds).
 * saved[] moves only when the environment wrote the whole checkpoint. The PageServer serves only current copies, and only pages
 * nobody else can serve: orphans (no commit wrote them since the image was
 * restored) at once, any other page on a request repeated DSM_PS_REPEATS
 * times (its owner is silent or gone). A current copy equals the owner's
 * committed page, so serving it can never hand out a stale page.
 */
#include "dsm/impl.h"
#include "dsm/lib.h"

static bool ps_orphan(const struct dsm_ps *s, uint32_t p)
{
	return dsm_bit(s->orphan, p);
}

/* A page that is still the zero page the last reset gave it (10.3): the reset
 * wrote every page, but a full checkpoint leaves the zero ones out as it
 * leaves out pages never written (known is exact from commits, so a write
 * since, or a recovery that named it, shows as known > reset_t). */
static bool ps_reset_zero(const struct dsm_node *n, uint32_t p)
{
	return dsm_bit(n->ps.reset_zero, p) && n->page[p].known == n->reset_t;
}

void dsm_ps_written(struct dsm_node *n, uint32_t page)
{
	if (n->ps.active) {
		dsm_bit_put(n->ps.orphan, page, false);
		dsm_bit_put(n->ps.reset_zero, page, false);
	}
}

/* --- boot: the image, then the join ------------------------------------ */

/* A page of the image: its contents now, or (data NULL) only its version,
 * the contents staying on the disk until somebody needs them (ps_fill). */
void dsm_ps_load(struct dsm_node *n, uint32_t page, uint64_t v, const uint8_t *data)
{
	DSM_ASSERT(n, n->ps.active && n->mode == DSM_JOINING && page < DSM_PAGES_MAX);
	if (data)
		dsm_page_set(n, page, v, data);
	n->ps.saved[page] = v;
}

/* A page we lack whose newest version is the one on our disk (known ==
 * saved: known is an upper bound of the newest write, so it is exact) is
 * read back from the disk: an image page not loaded at boot (7.4), or one
 * dropped for memory (dsm_page_evict); true if it is present now. */
static bool ps_fill(struct dsm_node *n, uint32_t p)
{
	struct dsm_page *pg = &n->page[p];
	uint64_t v;
	if (pg->state != DSM_ABSENT)
		return true;
	if (n->ps.saved[p] == 0 || pg->known != n->ps.saved[p])
		return false;
	int r = n->env->ps_read(n->env_ctx, p, n->scratch, &v);
	if (r > 0) {                    /* not in the image: the zero page */
		memset(n->scratch, 0, DSM_PAGE_SIZE);
		v = 0;
	}
	/* the disk's copy is version saved[p]; after a reset (10.3) the pages
	 * dsm_ps_reload read, older on the disk, are the reset's version until
	 * the next (full) checkpoint rewrites them */
	bool reset_copy = n->ps.saved[p] == n->reset_t && v < n->reset_t;
	if (r < 0 || (v != n->ps.saved[p] && !reset_copy)) {
		n->ps.n_reload_errors++;
		return false;
	}
	dsm_page_set(n, p, n->ps.saved[p], n->scratch);
	n->ps.n_disk_reads++;
	return true;
}

void dsm_ps_loaded(struct dsm_node *n, uint64_t t, uint32_t npages)
{
	DSM_ASSERT(n, n->ps.active && n->mode == DSM_JOINING);
	n->ps.loaded = true;
	n->ps.image_t = t;
	n->ps.boot_image_t = t;
	n->ps.image_pages = npages;
}

/* 7.4: joined at n->gtime. The image is the heap iff the manager restored
 * it (same time); else it is from another life: forget it, and the first
 * checkpoint will hold every page. */
void dsm_ps_joined(struct dsm_node *n)
{
	struct dsm_ps *s = &n->ps;
	if (!s->active)
		return;
	bool same = s->loaded && s->image_t == n->gtime;
	for (uint32_t p = 0; p < DSM_PAGES_MAX; p++) {
		struct dsm_page *pg = &n->page[p];
		if (!same || p >= n->npages) {
			dsm_page_drop(n, p);
			s->saved[p] = 0;
			continue;
		}
		if (pg->state == DSM_ABSENT && s->saved[p] == 0) {  /* never written: zero */
			n->env->page_map(n->env_ctx, p);
			pg->state = DSM_REPLICA;
			pg->version = 0;
		}
		/* exact: nothing was written since; an absent page is on the disk */
		pg->known = pg->state != DSM_ABSENT ? pg->version : s->saved[p];
		dsm_bit_put(s->orphan, p, true);
	}
	s->join_t = n->gtime;
	if (!same) {
		/* 7.6: after a reset to the image we hold, its pages are ours to serve
		 * (the one the manager named, or a newer one it did not hear of) */
		bool reset_to_ours = s->loaded && n->reset_t != 0 &&
				     s->image_t >= n->reset_image_t && s->image_t < n->reset_t;
		s->zmap_since = reset_to_ours ? n->reset_t : 0;
		s->image_t = 0;
		s->zmap_pending = true;         /* 7.5 */
		s->zmap_nonce = n->env->random(n->env_ctx);
		s->zmap_next = dsm_now(n);
	}
	s->next_auto = dsm_now(n) + n->cfg.ckpt_ticks;
}

static void ps_zero_map_send(struct dsm_node *n)
{
	struct dsm_msg m = {.type = DSM_MSG_RECOVER_REQ, .id = n->ps.zmap_nonce,
			    .v = n->ps.zmap_since, .flags = DSM_RECOVER_ZERO_MAP};
	dsm_send(n, n->manager, &m);
	n->ps.zmap_next = dsm_now(n) + DSM_RECOVER_RETRY_TICKS;
}

/* 7.5: pages nobody ever wrote are the zero page: known = 0, unless a
 * commit we applied since the join wrote them (known > join time). 7.6:
 * pages nobody wrote after the reset at zmap_since are its, from our disk. */
void dsm_ps_on_zero_map(struct dsm_node *n, const struct dsm_msg *m)
{
	struct dsm_ps *s = &n->ps;
	if (!s->active || !s->zmap_pending || m->id != s->zmap_nonce || m->src != n->manager ||
	    m->page != n->npages || !dsm_recover_part(n, m, s->zmap_nonce))
		return;
	uint32_t zero = 0;
	for (uint32_t p = 0; p < n->npages; p++) {
		struct dsm_page *pg = &n->page[p];
		if (dsm_bit(n->rec.bits, p) || pg->state != DSM_ABSENT ||
		    pg->known != s->join_t)
			continue;
		pg->known = s->zmap_since;
		s->saved[p] = s->zmap_since;
		dsm_bit_put(s->orphan, p, s->zmap_since != 0);
		zero += s->zmap_since == 0;
	}
	n->rec.mask = 0;
	s->zmap_pending = false;
	s->n_zero_pages = zero;
	dsm_ps_progress(n);
}

/* --- serving ----------------------------------------------------------- */

/* How often this (src, id) request was seen before; remembers it. */
static uint8_t ps_repeats(struct dsm_ps *s, const struct dsm_msg *m)
{
	for (uint32_t i = 0; i < DSM_PS_REQS; i++) {
		struct dsm_ps_req *r = &s->reqs[i];
		if (r->src == m->src && r->id == m->id && r->seen)
			return r->seen < 255 ? r->seen++ : r->seen;
	}
	struct dsm_ps_req *r = &s->reqs[s->req_next++ % DSM_PS_REQS];
	r->src = m->src;
	r->id = m->id;
	r->seen = 1;
	return 0;
}

/* 8.7: true if the PageServer answered (or refused as stale) the request. */
bool dsm_ps_on_page_req(struct dsm_node *n, const struct dsm_msg *m)
{
	struct dsm_ps *s = &n->ps;
	if (!s->active || !dsm_is_current(n) || m->page >= n->npages || m->src == n->cfg.id)
		return false;
	const struct dsm_page *pg = &n->page[m->page];
	bool orphan = ps_orphan(s, m->page);
	uint8_t seen = ps_repeats(s, m);
	if ((!orphan && seen < DSM_PS_REPEATS) || m->gtime > n->gtime || !ps_fill(n, m->page) ||
	    pg->version > m->gtime)
		return false;
	if (orphan)
		s->n_served_orphan++;
	else
		s->n_served_repeat++;
	dsm_page_serve(n, m);
	return true;
}

/* 7.2: a manager that starts asks whether we hold an image. */
static void ps_on_restore_req(struct dsm_node *n, const struct dsm_msg *m)
{
	struct dsm_msg a = {.type = DSM_MSG_RESTORE_ACK, .id = m->id, .t = n->ps.image_t,
			    .page = n->ps.image_pages,
			    .flags = n->ps.loaded && n->mode == DSM_JOINING};
	dsm_send(n, m->src, &a);
}

/* --- checkpoints ------------------------------------------------------- */

/* The staged pages are the environment's to write until ps_commit: they
 * stay (dsm_page_evict leaves them) until the checkpoint is over. */
static void ps_unstage(struct dsm_node *n)
{
	struct dsm_ps *s = &n->ps;
	for (uint32_t i = 0; i < s->npend; i++)
		dsm_bit_put(s->staged, s->pend[i], false);
	s->npend = 0;
}

bool dsm_ps_staged(const struct dsm_node *n, uint32_t p)
{
	return dsm_bit(n->ps.staged, p);
}

static void ps_send_token_req(struct dsm_node *n)
{
	struct dsm_msg m = {.type = DSM_MSG_TOKEN_REQ, .id = n->ps.req_id, .flags = 2};
	dsm_send(n, n->manager, &m);
	n->ps.next_send = dsm_now(n) + DSM_TOKEN_RETRY_TICKS;
}

/* 8.1: a checkpoint begins by fetching, without the token, the pages
 * modified since the image (prefetch), so that the cluster stands still only
 * for the pages written again meanwhile. */
static void ps_start(struct dsm_node *n)
{
	struct dsm_ps *s = &n->ps;
	s->phase = DSM_PS_PREFETCH;
	s->req_id = n->env->random(n->env_ctx);
	s->granted = false;
	s->again = false;
	s->full = s->image_t == 0;
	s->cursor = 0;
	ps_unstage(n);
	s->started = dsm_now(n);
	dsm_ps_progress(n);
}

static void ps_want_token(struct dsm_node *n)
{
	struct dsm_ps *s = &n->ps;
	s->phase = DSM_PS_WANT_TOKEN;
	s->cursor = 0;
	s->wait_start = dsm_now(n);
	if (dsm_is_current(n))
		ps_send_token_req(n);
}

/* A full checkpoint on disk: pages it left out are zero there, which is a
 * never-written page (saved 0) or the reset's zero page (saved reset_t,
 * which ps_fill reads back as the zero page). */
static void ps_saved_full(struct dsm_node *n)
{
	for (uint32_t p = 0; p < n->npages; p++)
		n->ps.saved[p] = ps_reset_zero(n, p) ? n->reset_t : 0;
}

/* 8.6: the end of a checkpoint, good or not; everybody hears of it. */
static void ps_finish(struct dsm_node *n, enum dsm_ps_status st)
{
	struct dsm_ps *s = &n->ps;
	if (s->granted || s->phase == DSM_PS_WANT_TOKEN) {
		struct dsm_msg r = {.type = DSM_MSG_TOKEN_RETURN, .id = s->req_id,
				    .grant = s->granted ? s->grant : 0};
		dsm_send(n, n->manager, &r);
	}
	if (st == DSM_PS_OK && n->env->ps_commit(n->env_ctx, s->grant_t, s->npend, s->full) < 0)
		st = DSM_PS_EDISK;
	if (st == DSM_PS_OK) {
		dsm_mgr_saved(n, s->grant_t);
		if (s->full)
			ps_saved_full(n);
		for (uint32_t i = 0; i < s->npend; i++)
			s->saved[s->pend[i]] = s->pend_v[i];
		s->image_t = s->grant_t;
		s->n_ckpts++;
		s->n_pages += s->npend;
	} else {
		s->n_failed++;
	}
	s->last_status = (uint8_t)st;
	s->last_t = s->grant_t;
	s->last_pages = s->npend;
	s->last_ticks = dsm_now(n) - s->started;
	ps_unstage(n);
	s->phase = DSM_PS_IDLE;
	s->granted = false;
	/* 11.5: a manager that took over tries again soon: it grants nothing till then */
	s->next_auto = dsm_now(n) + (n->mgr.unsaved ? DSM_BEACON_TICKS : n->cfg.ckpt_ticks);
	struct dsm_msg d = {.type = DSM_MSG_CKPT_DONE, .id = s->ask_id, .t = s->grant_t,
			    .page = s->last_pages, .flags = (uint8_t)st};
	dsm_send(n, FRAME_NODE_ALL, &d);
	d.src = n->cfg.id;
	dsm_ps_on_msg(n, &d);
	if (s->again)
		ps_start(n);
}

/* Stage page p from our current copy, which stays as it is until ps_commit:
 * no commit can drop it while we hold the token, and anything that could
 * (a recovery, a reset) moves our time past the grant's, which fails the
 * checkpoint before it is committed. False if the environment refused. */
static bool ps_stage(struct dsm_node *n, uint32_t p)
{
	struct dsm_ps *s = &n->ps;
	if (n->env->ps_save(n->env_ctx, p, n->page[p].version) < 0)
		return false;
	s->pend[s->npend] = p;
	s->pend_v[s->npend] = n->page[p].version;
	s->npend++;
	dsm_bit_put(s->staged, p, true);
	return true;
}

/* A page the checkpoint leaves out: zero (never written) in a full one,
 * unchanged since the image in an incremental one. A present copy's version
 * is exact (a current node drops a page any commit wrote); known is exact
 * from commits but only an upper bound since a join or a recovery. */
static bool ps_unchanged(const struct dsm_node *n, uint32_t p)
{
	const struct dsm_page *pg = &n->page[p];
	uint64_t base = n->ps.full ? 0 : n->ps.saved[p];
	return pg->known <= base || (pg->state != DSM_ABSENT && pg->version <= base) ||
	       ps_reset_zero(n, p);
}

static bool ps_pulling(const struct dsm_ps *s, uint32_t p)
{
	for (uint32_t i = 0; i < DSM_PS_PULLS; i++)
		if (s->pulls[i].active && s->pulls[i].page == p)
			return true;
	return false;
}

static struct dsm_fetch *ps_free_pull(struct dsm_ps *s)
{
	for (uint32_t i = 0; i < DSM_PS_PULLS; i++)
		if (!s->pulls[i].active)
			return &s->pulls[i];
	return 0;
}

static bool ps_pulls_idle(const struct dsm_ps *s)
{
	for (uint32_t i = 0; i < DSM_PS_PULLS; i++)
		if (s->pulls[i].active)
			return false;
	return true;
}

/* 8.1: fetch what the checkpoint will need, without the token, up to
 * DSM_PS_PULLS pages at once; the token is asked for when they are in. */
static void ps_prefetch(struct dsm_node *n)
{
	struct dsm_ps *s = &n->ps;
	if (s->zmap_pending)
		return;                 /* the map spares fetching the zero pages */
	for (uint32_t i = 0; i <= n->npages; i++) {      /* a pass over the pages at most */
		if (s->cursor == n->npages) {
			if (ps_pulls_idle(s))
				ps_want_token(n);
			return;
		}
		uint32_t p = s->cursor;
		if (ps_unchanged(n, p) || ps_fill(n, p) || ps_pulling(s, p) ||
		    (n->fetch.failed && n->fetch.page == p)) {
			s->cursor++;
			continue;
		}
		struct dsm_fetch *f = ps_free_pull(s);
		if (!f)
			return;                  /* goes on when one is installed */
		dsm_fetch_start(n, f, p);
		s->cursor++;
	}
}

/* 8.4: walk the pages modified since the image; stage each, fetching the
 * ones we lack. Bounded per call; goes on after each install. */
void dsm_ps_progress(struct dsm_node *n)
{
	struct dsm_ps *s = &n->ps;
	if (s->active && s->phase == DSM_PS_PREFETCH && dsm_is_current(n)) {
		ps_prefetch(n);
		return;
	}
	if (!s->active || s->phase != DSM_PS_COLLECT || n->gtime != s->grant_t || n->recovering)
		return;
	for (uint32_t i = 0; i <= n->npages; i++) {      /* a pass over the pages at most */
		if (s->cursor == n->npages) {
			ps_finish(n, DSM_PS_OK);
			return;
		}
		uint32_t p = s->cursor;
		if (ps_unchanged(n, p)) {
			s->cursor++;
		} else if (ps_fill(n, p)) {
			if (!ps_stage(n, p)) {
				ps_finish(n, DSM_PS_EDISK);
				return;
			}
			s->cursor++;
		} else if (n->fetch.failed && n->fetch.page == p) {
			n->fetch.failed = false;
			ps_finish(n, DSM_PS_EFETCH);
			return;
		} else {
			if (!n->fetch.active || n->fetch.page != p)
				dsm_fetch_begin(n, p);
			return;                  /* goes on when it is installed */
		}
	}
}

/* 8.5: a collection waiting on one fetch for DSM_HOLD_FETCH_TICKS (its
 * owner may be gone) gives the token back, as a starving transaction does
 * (5), and goes back to fetching without it: the cluster never stands still
 * for a whole fetch timeout. The prefetch either gets the page or marks it
 * failed, and the next collection then ends the checkpoint (EFETCH). */
static void ps_yield(struct dsm_node *n)
{
	struct dsm_ps *s = &n->ps;
	struct dsm_msg r = {.type = DSM_MSG_TOKEN_RETURN, .id = s->req_id, .grant = s->grant};
	dsm_send(n, n->manager, &r);
	s->granted = false;
	s->phase = DSM_PS_PREFETCH;
	s->req_id = n->env->random(n->env_ctx);
	s->cursor = 0;
	ps_unstage(n);
	s->n_yields++;
	dsm_ps_progress(n);
}

bool dsm_ps_on_data(struct dsm_node *n, const struct dsm_msg *m)
{
	for (uint32_t i = 0; n->ps.active && i < DSM_PS_PULLS; i++)
		if (dsm_fetch_take(n, &n->ps.pulls[i], m))
			return true;
	return false;
}

bool dsm_ps_on_stale(struct dsm_node *n, const struct dsm_msg *m)
{
	for (uint32_t i = 0; n->ps.active && i < DSM_PS_PULLS; i++)
		if (dsm_fetch_stale(n, &n->ps.pulls[i], m))
			return true;
	return false;
}

/* The prefetch's fetches: retried as any fetch; one that nobody answers in
 * DSM_FETCH_TIMEOUT_TICKS is a modified page lost with its owner: the
 * checkpoint cannot be taken (EFETCH), and the manager hears of the loss
 * (10.1) as from any fetch. */
static void ps_pulls_tick(struct dsm_node *n)
{
	struct dsm_ps *s = &n->ps;
	for (uint32_t i = 0; i < DSM_PS_PULLS; i++) {
		struct dsm_fetch *f = &s->pulls[i];
		if (!f->active)
			continue;
		if (!dsm_fetch_timed_out(n, f)) {
			dsm_fetch_retry(n, f);
			continue;
		}
		f->active = false;
		n->stats.fetch_timeouts++;
		struct dsm_msg lost = {.type = DSM_MSG_LOST, .page = f->page};
		dsm_send(n, n->manager, &lost);
		if (s->phase == DSM_PS_PREFETCH)
			ps_finish(n, DSM_PS_EFETCH);
	}
}

static void ps_on_grant(struct dsm_node *n, const struct dsm_msg *m)
{
	struct dsm_ps *s = &n->ps;
	dsm_note_time(n, m->v);
	if (s->phase != DSM_PS_WANT_TOKEN || s->granted || m->v < n->gtime) {
		struct dsm_msg r = {.type = DSM_MSG_TOKEN_RETURN, .id = m->id, .grant = m->grant};
		if (!(s->granted && s->grant == m->grant))
			dsm_send(n, n->manager, &r);
		return;
	}
	s->granted = true;
	s->grant = m->grant;
	s->grant_t = m->v;
	int want = n->env->ps_begin(n->env_ctx, m->v);
	if (want < 0) {
		ps_finish(n, DSM_PS_EDISK);
		return;
	}
	s->full = want > 0 || s->image_t == 0;   /* no image to build on: full */
	s->phase = DSM_PS_COLLECT;
	s->next_send = dsm_now(n) + DSM_KEEP_TICKS;
	dsm_ps_progress(n);
}

static void ps_on_ask(struct dsm_node *n, const struct dsm_msg *m)
{
	struct dsm_ps *s = &n->ps;
	s->ask_id = m->id;
	if (s->phase == DSM_PS_IDLE && n->mode == DSM_ACTIVE)
		ps_start(n);
	else
		s->again = true;
}

/* Every node: remember the newest CkptDone (for `checkpoint` waiting on it)
 * and the newest good checkpoint (the manager resets the heap to it, 9). */
static void ps_on_done(struct dsm_node *n, const struct dsm_msg *m)
{
	if (m->flags == DSM_PS_OK && m->t > n->image_good_t)
		n->image_good_t = m->t;
	dsm_mgr_on_ckpt_done(n, m);
	if (n->ckpt.any && m->t < n->ckpt.t)
		return;
	n->ckpt.any = true;
	n->ckpt.id = m->id;
	n->ckpt.t = m->t;
	n->ckpt.pages = m->page;
	n->ckpt.status = m->flags;
	n->env->wake(n->env_ctx);
}

uint32_t dsm_ckpt_ask(struct dsm_node *n)
{
	struct dsm_msg m = {.type = DSM_MSG_CKPT_ASK, .id = n->env->random(n->env_ctx)};
	if (n->ps.active) {
		m.src = n->cfg.id;
		ps_on_ask(n, &m);
	} else {
		dsm_send(n, FRAME_NODE_ALL, &m);
	}
	dsm_drain(n);
	return m.id;
}

void dsm_ps_on_msg(struct dsm_node *n, const struct dsm_msg *m)
{
	switch (m->type) {
	case DSM_MSG_CKPT_DONE:
		ps_on_done(n, m);
		return;
	case DSM_MSG_RESTORE_REQ:
		if (n->ps.active)
			ps_on_restore_req(n, m);
		return;
	case DSM_MSG_CKPT_ASK:
		if (n->ps.active)
			ps_on_ask(n, m);
		return;
	case DSM_MSG_TOKEN_GRANT:
		if (n->ps.active && m->id == n->ps.req_id && m->src == n->manager)
			ps_on_grant(n, m);
		return;
	default:
		return;
	}
}

/* 11.2: frames that ask for the manager: somebody needs one. */
bool dsm_ps_asks_manager(uint8_t type)
{
	return type == DSM_MSG_TOKEN_REQ || type == DSM_MSG_COMMIT_REQ ||
	       type == DSM_MSG_RECOVER_REQ || type == DSM_MSG_LOST || type == DSM_MSG_JOIN_REQ ||
	       type == DSM_MSG_TIME_REQ;
}

/* 11.2: a frame went by or came: a node on our side asked for the manager
 * (a frame for it, a JoinReq to all, or, 11.4, one for us as the manager
 * we were); while we join, the newest time it shows. */
void dsm_ps_heard(struct dsm_node *n, const struct frame_hdr *h)
{
	struct dsm_ps *s = &n->ps;
	if (!s->active || n->mgr.active || h->src == n->cfg.id)
		return;
	if (n->mode == DSM_JOINING && h->gtime > s->join_seen)
		s->join_seen = h->gtime;
	/* 11.4: somebody's manager was us: they ask us while we join, or from a
	 * later epoch than the one we joined (we joined an older manager) */
	if (h->dst == n->cfg.id && dsm_ps_asks_manager(h->type) &&
	    (n->mode == DSM_JOINING || dsm_epoch(h->gtime) > dsm_epoch(n->gtime)))
		s->asked_as_mgr = true;
	bool to_mgr = h->dst == FRAME_NODE_ALL || h->dst == n->cfg.id ||
		      (n->mode == DSM_ACTIVE && h->dst == n->manager && h->src != n->manager);
	if (to_mgr && dsm_ps_asks_manager(h->type))
		s->mgr_wanted = dsm_now(n) | 1u;
}

/* 11.2: the manager silent for DSM_TAKEOVER_TICKS while nodes on our side
 * ask for it (after it fell silent: an ask that went by just before a cut
 * does not count), and a good checkpoint on our disk. Not a PageServer cut
 * off alone. */
static bool ps_manager_gone(const struct dsm_node *n, uint64_t now)
{
	const struct dsm_ps *s = &n->ps;
	return n->image_good_t != 0 && s->mgr_wanted > n->mgr_heard + 2u * DSM_BEACON_TICKS &&
	       now - n->mgr_heard > DSM_TAKEOVER_TICKS && now - s->mgr_wanted <= DSM_TAKEOVER_TICKS;
}

/* We take over: the heap goes back to our disk's checkpoint (11.2); after
 * 11.4 that is the image our disk held at boot, this heap's since we were
 * its manager. A checkpoint under way ends (its token was the old one's),
 * and one of the new epoch begins at once: nobody else gets the token before
 * our epoch is on our disk (11.5). */
static void ps_take_over(struct dsm_node *n)
{
	struct dsm_ps *s = &n->ps;
	if (n->image_good_t == 0)
		n->image_good_t = s->boot_image_t;
	if (s->phase != DSM_PS_IDLE)
		ps_finish(n, DSM_PS_ETOKEN);
	s->again = false;
	s->asked_as_mgr = false;
	s->older_mgr = false;
	dsm_mgr_take_over(n);
	ps_start(n);
}

/* 11.2, and 11.4 for a PageServer that joined an older manager than the
 * one it was: a node of a later epoch asks it as its manager. */
static void ps_take_over_if_asked(struct dsm_node *n, uint64_t now)
{
	const struct dsm_ps *s = &n->ps;
	if (!n->mgr.active && ((s->asked_as_mgr && s->boot_image_t != 0) || ps_manager_gone(n, now)))
		ps_take_over(n);
}

/* 11.4: a PageServer takes a JoinAck only a beacon period after it booted,
 * when nobody asked it as their manager meanwhile, and from a manager of
 * an epoch at least as new as any frame showed and as its disk's image. A
 * later epoch was ours (only a PageServer takes over): its nodes need us, as
 * the older manager does. An image of a later epoch on our disk says we took
 * over into it and saved it (11.5), even if nobody followed: joining the old
 * epoch would leave its pages (every page after a reset) without a server,
 * as our image is not its heap (seed 1796242340712253). */
bool dsm_ps_join_ok(struct dsm_node *n, const struct dsm_msg *ack)
{
	struct dsm_ps *s = &n->ps;
	if (!s->active)
		return true;
	uint64_t seen = s->join_seen > s->boot_image_t ? s->join_seen : s->boot_image_t;
	if (dsm_epoch(seen) > dsm_epoch(ack->t))
		s->older_mgr = true;
	return dsm_now(n) - s->boot_tick >= DSM_BEACON_TICKS && !s->asked_as_mgr &&
	       !s->older_mgr;
}

/* 11.4: we were the manager, failed and rebooted: nodes ask us for the token
 * as their manager. With an image on our disk we take over again, a beacon
 * period after boot, at the epoch after the newest time their frames showed
 * (every asker's time is in it) and our image's (an epoch we began and
 * granted in is on our disk, 11.5). */
bool dsm_ps_rejoin_tick(struct dsm_node *n)
{
	struct dsm_ps *s = &n->ps;
	uint64_t now = dsm_now(n);
	if (!s->active || !(s->asked_as_mgr || s->older_mgr) || s->boot_image_t == 0 ||
	    s->image_pages == 0 || now - s->boot_tick < DSM_BEACON_TICKS)
		return false;
	n->mode = DSM_ACTIVE;
	n->npages = s->image_pages;
	n->manager = n->cfg.id;
	n->seen = s->join_seen > s->boot_image_t ? s->join_seen : s->boot_image_t;
	s->join_t = 0;
	s->next_auto = now + n->cfg.ckpt_ticks;
	ps_take_over(n);
	return true;
}

void dsm_ps_tick(struct dsm_node *n)
{
	struct dsm_ps *s = &n->ps;
	uint64_t now = dsm_now(n);
	if (!s->active || n->mode != DSM_ACTIVE)
		return;
	if (s->zmap_pending && now >= s->zmap_next && dsm_is_current(n))
		ps_zero_map_send(n);
	ps_take_over_if_asked(n, now);
	if (now >= s->next_alive && !n->mgr.active) { /* 10.2, 11.1: the manager needs us */
		struct dsm_msg b = {.type = DSM_MSG_BEACON, .t = n->gtime, .v = s->last_t,
				    .flags = s->last_status == DSM_PS_OK && s->last_t ?
					     DSM_BEACON_LAST_OK : 0};
		dsm_send(n, n->manager, &b);
		s->next_alive = now + DSM_BEACON_TICKS;
	}
	ps_pulls_tick(n);
	if (s->phase == DSM_PS_IDLE) {
		if ((n->cfg.ckpt_ticks || n->mgr.unsaved) && now >= s->next_auto)
			ps_start(n);
		return;
	}
	if (s->phase == DSM_PS_PREFETCH) {
		dsm_ps_progress(n);
		return;
	}
	if (s->phase == DSM_PS_WANT_TOKEN) {
		if (now - s->wait_start >= DSM_TOKEN_WAIT_TICKS)
			ps_finish(n, DSM_PS_ETOKEN);
		else if (now >= s->next_send && dsm_is_current(n))
			ps_send_token_req(n);
		return;
	}
	if (n->gtime > s->grant_t) {         /* a commit came: our lease was lost */
		ps_finish(n, DSM_PS_ETOKEN);
		return;
	}
	if (n->fetch.active && now - n->fetch.start >= DSM_HOLD_FETCH_TICKS) {
		ps_yield(n);
		return;
	}
	if (now >= s->next_send) {
		struct dsm_msg k = {.type = DSM_MSG_TOKEN_KEEP, .grant = s->grant};
		dsm_send(n, n->manager, &k);
		s->next_send = now + DSM_KEEP_TICKS;
	}
	dsm_ps_progress(n);
}

/* 10.3 on the PageServer: every page not written since the reset at t becomes
 * its image's copy again, an orphan. The reset is a step of the global time
 * that wrote every page, so each copy's version is t, and the disk already
 * holds it (saved = t). A page the disk fails to read stays there, read back
 * when somebody asks for it (ps_fill), as an image page not loaded at boot:
 * we are its only server. */
void dsm_ps_reload(struct dsm_node *n, uint64_t t)
{
	struct dsm_ps *s = &n->ps;
	uint64_t v;
	for (uint32_t p = 0; p < n->npages; p++) {
		struct dsm_page *pg = &n->page[p];
		if (pg->known > t)
			continue;       /* written after the reset: it has an owner */
		int r = n->env->ps_read(n->env_ctx, p, n->scratch, &v);
		if (r < 0) {
			dsm_page_drop(n, p);
			s->n_reload_errors++;
		} else {
			if (r > 0)
				memset(n->scratch, 0, DSM_PAGE_SIZE);
			dsm_page_set(n, p, t, n->scratch);
		}
		pg->known = t;
		s->saved[p] = t;
		dsm_bit_put(s->orphan, p, true);
		dsm_bit_put(s->reset_zero, p, r > 0);
	}
	s->image_t = 0;         /* the disk's versions predate t: the next one is full */
}

/* 8.8: keep a page that went by when it is the newest version we know of
 * (version == known: exact, or an upper bound that then refuses it) and
 * not newer than our time: rule F holds, the copy is current; any later
 * write's commit drops it as it drops every copy. */
static void ps_snoop_install(struct dsm_node *n, const struct dsm_ps_snoop *x)
{
	struct dsm_page *pg = &n->page[x->page];
	uint64_t v = x->parts.v;
	if (pg->state != DSM_ABSENT || v != pg->known || v > n->gtime) {
		n->ps.n_snoop_skipped++;
		return;
	}
	n->ps.n_snooped++;
	dsm_page_arrived(n, x->page, v, x->parts.buf);
}

static struct dsm_ps_snoop *ps_snoop_slot(struct dsm_ps *s, const struct dsm_msg *m)
{
	for (uint32_t i = 0; i < DSM_PS_SNOOPS; i++) {
		struct dsm_ps_snoop *x = &s->snoop[i];
		if (x->used && x->src == m->src && x->req == m->id && x->page == m->page)
			return x;
	}
	struct dsm_ps_snoop *x = &s->snoop[s->snoop_next++ % DSM_PS_SNOOPS];
	x->used = true;
	x->src = m->src;
	x->req = m->id;
	x->page = m->page;
	x->parts.mask = 0;
	return x;
}

void dsm_ps_snoop(struct dsm_node *n, const struct frame_hdr *h, const uint8_t *payload)
{
	struct dsm_msg m;
	if (!n->ps.active || h->src >= DSM_NODES_MAX || h->dst == n->cfg.id)
		return;
	dsm_ps_heard(n, h);
	if (!dsm_is_current(n) || h->type != DSM_MSG_PAGE_DATA ||
	    !dsm_msg_decode(h->type, payload, h->len, &m) || m.page >= n->npages)
		return;
	m.src = h->src;
	struct dsm_ps_snoop *x = ps_snoop_slot(&n->ps, &m);
	if (!dsm_parts_take(&x->parts, &m))
		return;
	x->used = false;
	ps_snoop_install(n, x);
	dsm_drain(n);
}
