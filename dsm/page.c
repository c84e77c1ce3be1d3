/*
 * page.c: pages and their transfer (proto.h, sequence 1). Owns the page
 * table's state and version fields and the node's one outstanding fetch
 * (a PageServer's prefetch runs a few more, struct dsm_ps.pulls, through the
 * same functions: dsm_fetch_start, dsm_fetch_take, dsm_fetch_retry).
 * The access fault is the way in: dsm_fault() either maps the page for the
 * running transaction (txn_access) or starts a fetch and says DSM_EWAIT; on
 * the sealed code area (proto.h 12) it needs no transaction and keeps no
 * access set.
 *
 * Rules: only the owner serves; it serves the shadow, never uncommitted data;
 * a requester installs only under rule F. A fetch is bounded by
 * DSM_FETCH_TIMEOUT_TICKS, after which the transaction fails with DSM_EUNAVAIL.
 */
#include "dsm/impl.h"
#include "dsm/lib.h"

static void fetch_send(struct dsm_node *n, const struct dsm_fetch *f)
{
	struct dsm_msg m = {.type = DSM_MSG_PAGE_REQ, .page = f->page, .id = f->req};
	dsm_send(n, FRAME_NODE_ALL, &m);
	n->stats.page_reqs++;
}

void dsm_fetch_begin(struct dsm_node *n, uint32_t page)
{
	dsm_fetch_start(n, &n->fetch, page);
}

void dsm_fetch_start(struct dsm_node *n, struct dsm_fetch *f, uint32_t page)
{
	f->active = true;
	f->failed = false;
	f->page = page;
	f->req = n->env->random(n->env_ctx);
	f->start = dsm_now(n);
	f->backoff = DSM_FETCH_RETRY_TICKS;
	f->next_retry = f->start + f->backoff;
	f->parts.mask = 0;
	if (dsm_is_current(n))
		fetch_send(n, f);
}

const struct dsm_code_seg *dsm_code_seg(const struct dsm_node *n, uint32_t first)
{
	for (uint32_t i = 0; i < n->ncode; i++)
		if (n->code[i].first == first)
			return &n->code[i];
	return NULL;
}

/* Does [first, end) overlap a segment? */
static bool code_overlaps(const struct dsm_node *n, uint32_t first, uint32_t end)
{
	for (uint32_t i = 0; i < n->ncode; i++)
		if (first < n->code[i].end && n->code[i].first < end)
			return true;
	return false;
}

bool dsm_code_seal(struct dsm_node *n, uint32_t first, uint32_t count, uint64_t install_t)
{
	DSM_ASSERT(n, first <= n->npages && count <= n->npages - first && count > 0);
	struct dsm_code_seg *c = (struct dsm_code_seg *)dsm_code_seg(n, first);
	if (c) {                        /* sealed: extended, if the pages are free */
		if (first + count > c->end && code_overlaps(n, c->end, first + count))
			return false;
		if (first + count > c->end)
			c->end = first + count;
		return true;
	}
	if ((n->reset_t > install_t && n->reset_image_t < install_t) ||
	    n->ncode == DSM_CODE_SEGS || code_overlaps(n, first, first + count))
		return false;
	n->code[n->ncode++] = (struct dsm_code_seg){first, first + count, install_t};
	return true;
}

bool dsm_code_saved(const struct dsm_node *n, uint32_t first)
{
	const struct dsm_code_seg *c = dsm_code_seg(n, first);
	if (!c)
		return false;
	return n->image_good_t >= c->install_t || n->no_ckpt_t >= c->install_t ||
	       (n->mgr.active && n->image_good_t == 0 && n->mgr.n_ckpt_grants == 0);
}

void dsm_code_unseal(struct dsm_node *n, uint32_t first)
{
	const struct dsm_code_seg *c = dsm_code_seg(n, first);
	if (!c)
		return;
	uint32_t end = c->end;
	n->code[c - n->code] = n->code[--n->ncode];
	for (uint32_t p = first; p < end; p++)
		if (n->page[p].state == DSM_REPLICA && !n->page[p].access)
			dsm_page_drop(n, p);
}

uint64_t dsm_code_newest(const struct dsm_node *n)
{
	uint64_t t = 0;
	for (uint32_t i = 0; i < n->ncode; i++)
		if (n->code[i].install_t > t)
			t = n->code[i].install_t;
	return t;
}

bool dsm_code_page(const struct dsm_node *n, uint32_t page)
{
	for (uint32_t i = 0; i < n->ncode; i++)
		if (page >= n->code[i].first && page < n->code[i].end)
			return true;
	return false;
}

/* 12.2: a sealed page: mapped read-only if present, else fetched. */
static int code_fault(struct dsm_node *n, uint32_t page, bool write)
{
	struct dsm_fetch *f = &n->fetch;
#if DSM_MUTANT == 8
	/* mutant 8 (code-write): a write to a sealed page is taken as on any page */
	if (write)
		return txn_state(n) == TXN_RUNNING ? txn_access(n, page, write) : DSM_EINVAL;
#endif
	if (write)
		return DSM_EROFS;
	if (n->page[page].state != DSM_ABSENT) {
		n->env->page_protect(n->env_ctx, page, DSM_PROT_READ);
		return DSM_OK;
	}
	if (!f->active) {
		dsm_fetch_begin(n, page);
		n->stats.code_fetches++;
	}
	dsm_drain(n);
	return DSM_EWAIT;           /* ours, or another page's fetch first */
}

int dsm_fault(struct dsm_node *n, uint32_t page, bool write)
{
	if (dsm_code_page(n, page))
		return code_fault(n, page, write);
	enum txn_status st = txn_state(n);
	if (st == TXN_ABORTED)
		return DSM_EABORTED;
	if (st == TXN_FAILED)
		return txn_error(n);
	if (st != TXN_RUNNING || page >= n->npages)
		return DSM_EINVAL;
	struct dsm_fetch *f = &n->fetch;
	if (n->page[page].state != DSM_ABSENT)
		return txn_access(n, page, write);
	if (!f->active || f->page != page)
		dsm_fetch_begin(n, page);
	dsm_drain(n);
	return DSM_EWAIT;
}

/* 1.3: nobody answered for DSM_FETCH_TIMEOUT_TICKS while we could ask. A
 * node that is not current (recovering, 4) sends no PageReq, so its silence
 * says nothing about the owner: the wait starts again when it can ask, and
 * the first retry goes out then (a Lost from a node that never asked would
 * reset the heap for a page whose owner is up). */
bool dsm_fetch_timed_out(struct dsm_node *n, struct dsm_fetch *f)
{
	uint64_t now = dsm_now(n);
	if (!dsm_is_current(n)) {
		f->start = now;
		f->next_retry = now;
		return false;
	}
	return now - f->start >= DSM_FETCH_TIMEOUT_TICKS;
}

void dsm_fetch_tick(struct dsm_node *n)
{
	struct dsm_fetch *f = &n->fetch;
	if (!f->active)
		return;
	bool timed_out = dsm_fetch_timed_out(n, f);
	if (timed_out && dsm_code_page(n, f->page)) {
		n->stats.code_timeouts++;       /* 12.2: ask again, fail nothing */
		struct dsm_msg lost = {.type = DSM_MSG_LOST, .page = f->page};
		dsm_send(n, n->manager, &lost);
		dsm_fetch_start(n, f, f->page);
		n->env->wake(n->env_ctx);
		return;
	}
	if (timed_out) {
		f->active = false;
		f->failed = true;
		n->stats.fetch_timeouts++;
		if (txn_state(n) != TXN_COMMITTING)
			txn_fail(n, DSM_EUNAVAIL);
		struct dsm_msg lost = {.type = DSM_MSG_LOST, .page = f->page};
		dsm_send(n, n->manager, &lost);     /* 10.1: the manager may reset */
		n->env->wake(n->env_ctx);
		return;
	}
	dsm_fetch_retry(n, f);
}

/* Ask again when the (doubling) retry time came. */
void dsm_fetch_retry(struct dsm_node *n, struct dsm_fetch *f)
{
	uint64_t now = dsm_now(n);
	if (now < f->next_retry)
		return;
	if (dsm_is_current(n))
		fetch_send(n, f);
	f->backoff = f->backoff * 2u > DSM_FETCH_BACKOFF_MAX ? DSM_FETCH_BACKOFF_MAX
							       : f->backoff * 2u;
	f->next_retry = now + f->backoff;
}

/* The last committed contents of an owned page: the shadow if written. */
static const uint8_t *page_committed(struct dsm_node *n, uint32_t page)
{
	const uint8_t *sh = txn_shadow_of(n, page);
#if DSM_MUTANT == 6
	sh = NULL;      /* mutant 6 (dirty): the owner serves what its transaction wrote */
#endif
	if (sh)
		return sh;
	n->env->page_copy(n->env_ctx, page, DSM_COPY_OUT, n->scratch);
	return n->scratch;
}

void dsm_page_serve(struct dsm_node *n, const struct dsm_msg *req)
{
	const struct dsm_page *pg = &n->page[req->page];
	const uint8_t *data = page_committed(n, req->page);
	for (uint8_t part = 0; part < DSM_DATA_PARTS; part++) {
		uint32_t off = part * DSM_DATA_CHUNK;
		uint32_t len = DSM_PAGE_SIZE - off < DSM_DATA_CHUNK ? DSM_PAGE_SIZE - off
								   : DSM_DATA_CHUNK;
		struct dsm_msg m = {
			.type = DSM_MSG_PAGE_DATA, .page = req->page, .id = req->id,
			.v = pg->version, .t = n->gtime, .part = part,
			.nparts = DSM_DATA_PARTS, .count = (uint16_t)len, .body = data + off,
		};
		dsm_send(n, req->src, &m);
	}
	n->stats.pages_served++;
	struct dsm_obs_event ev = {.kind = DSM_OBS_SERVE, .node = req->src, .page = req->page,
				   .v = pg->version, .t = req->gtime, .data = data};
	dsm_observe(n, &ev);
}

/* 1.2: only a current owner answers, and only for a requester it can serve. */
void dsm_page_on_req(struct dsm_node *n, const struct dsm_msg *m)
{
	if (!dsm_is_current(n) || m->page >= n->npages || m->src == n->cfg.id)
		return;
	const struct dsm_page *pg = &n->page[m->page];
	if (pg->state != DSM_OWNED) {
		dsm_ps_on_page_req(n, m);   /* a PageServer may answer for a silent owner */
		return;
	}
	if (m->gtime > n->gtime)
		return;
	if (pg->version > m->gtime) {
		struct dsm_msg s = {.type = DSM_MSG_PAGE_STALE, .page = m->page, .id = m->id,
				    .v = pg->version, .t = n->gtime};
		dsm_send(n, m->src, &s);
		return;
	}
	dsm_page_serve(n, m);
}

/* Make `data` this node's copy of `page` at version v, a replica: the one
 * way a page's contents arrive, by fetch (1.3), snoop (8.8) or from a
 * PageServer's disk (7.4, 10.3). The caller has checked that it may. */
void dsm_page_set(struct dsm_node *n, uint32_t page, uint64_t v, const uint8_t *data)
{
	struct dsm_page *pg = &n->page[page];
	if (dsm_code_page(n, page) && pg->state != DSM_ABSENT)
		return;                 /* 12.3: the copy held is the one copy there is */
	if (pg->state == DSM_ABSENT)
		n->env->page_map(n->env_ctx, page);
	n->env->page_copy(n->env_ctx, page, DSM_COPY_IN, (uint8_t *)data);
	pg->state = DSM_REPLICA;
	pg->version = v;
}

/* A page that came over the wire (a fetch, or a snoop 8.8) is installed:
 * the checkers see it, a waiting fault wakes, a checkpoint goes on. */
void dsm_page_arrived(struct dsm_node *n, uint32_t page, uint64_t v, const uint8_t *data)
{
	dsm_page_set(n, page, v, data);
	struct dsm_obs_event ev = {.kind = DSM_OBS_INSTALL, .page = page, .v = v,
				   .t = n->gtime, .data = data};
	dsm_observe(n, &ev);
	n->env->wake(n->env_ctx);
	dsm_ps_progress(n);         /* a checkpoint waiting for this page goes on */
}

static void page_install(struct dsm_node *n, struct dsm_fetch *f)
{
	f->active = false;
	if (n->page[f->page].state != DSM_ABSENT)
		return;
	n->stats.pages_installed++;
	dsm_page_arrived(n, f->page, f->parts.v, f->parts.buf);
}

/* The page is newer than our request's time: we missed commits (or they
 * are on the way). Ask again soon after catching up. The fetch lost a race
 * with a writer of the page: an optimistic transaction waiting for it is
 * aborted, whether or not we caught up meanwhile, and that counts towards
 * the contention manager (proto.h 5): a transaction whose fetches keep
 * losing to writers of a hot page ends up running under the token, where no
 * commit can overtake its fetch. */
static void fetch_behind(struct dsm_node *n, struct dsm_fetch *f, uint64_t v)
{
	dsm_note_time(n, v);
	f->start = dsm_now(n);     /* an owner answered: it is not gone */
	f->backoff = DSM_FETCH_RETRY_TICKS;
	f->next_retry = dsm_now(n) + DSM_FETCH_RETRY_TICKS;
	if (f == &n->fetch && txn_state(n) == TXN_RUNNING && !n->txn.starving &&
	    !dsm_code_page(n, f->page))
		txn_conflict(n, TXN_CAUSE_STALE, f->page);
}

/* 1.3: put PageData part m into a; true once a holds every part of its
 * version. Two servers may answer one request (an owner and a PageServer
 * standing in, 8.7) and their parts interleave. One version has one
 * content, so parts of the same version combine, whoever sent them, valid
 * up to the later server time; a newer version starts over; an older one is
 * late and dropped. The one place a page's parts are put together. */
bool dsm_parts_take(struct dsm_parts *a, const struct dsm_msg *m)
{
	if (a->mask == 0 || m->v > a->v) {
		a->mask = 0;
		a->v = m->v;
		a->s = m->t;
	} else if (m->v < a->v) {
		return false;
	} else if (m->t > a->s) {
		a->s = m->t;
	}
	memcpy(a->buf + (uint32_t)m->part * DSM_DATA_CHUNK, m->body, m->count);
	a->mask |= (uint8_t)(1u << m->part);
	a->src = m->src;
	return a->mask == (1u << DSM_DATA_PARTS) - 1u;
}

/* 1.3: an answer to f: its parts, then rule F, then the page is installed.
 * False if m does not answer f. */
bool dsm_fetch_take(struct dsm_node *n, struct dsm_fetch *f, const struct dsm_msg *m)
{
	if (!f->active || m->id != f->req || m->page != f->page)
		return false;
	if (!dsm_parts_take(&f->parts, m))
		return true;
	bool stale = n->page[f->page].known > f->parts.s;
#if DSM_MUTANT == 2
	stale = false;  /* mutant 2 (rule-f): a copy older than a write we know of is taken */
#endif
	if (!dsm_is_current(n) || f->parts.v > n->gtime || stale) {
		n->stats.pages_rejected++;
		f->parts.mask = 0;
		fetch_behind(n, f, f->parts.v);
		return true;
	}
	page_install(n, f);
	return true;
}

void dsm_page_on_data(struct dsm_node *n, const struct dsm_msg *m)
{
	if (!dsm_fetch_take(n, &n->fetch, m) && !dsm_ps_on_data(n, m))
		n->stats.dup_frames++;
}

/* A stale answer to f; false if m does not answer f. */
bool dsm_fetch_stale(struct dsm_node *n, struct dsm_fetch *f, const struct dsm_msg *m)
{
	if (!f->active || m->id != f->req)
		return false;
	n->stats.stale_replies++;
	fetch_behind(n, f, m->v);
	return true;
}

void dsm_page_on_stale(struct dsm_node *n, const struct dsm_msg *m)
{
	if (!dsm_fetch_stale(n, &n->fetch, m))
		dsm_ps_on_stale(n, m);
}

/* May page p's copy go to make room? Only a replica the running transaction
 * does not use; on a PageServer only one its disk holds as it is (version ==
 * saved == known: ps_fill reads it back), never a staged one. */
static bool page_evictable(const struct dsm_node *n, uint32_t p)
{
	const struct dsm_page *pg = &n->page[p];
	if (pg->state != DSM_REPLICA || pg->access || pg->shadow || dsm_code_page(n, p))
		return false;
	return !n->ps.active || (pg->version > 0 && pg->version == n->ps.saved[p] &&
				 pg->known == pg->version && !dsm_ps_staged(n, p));
}

/* The environment is short of memory: drop one replica (not `keep`), the
 * next evictable page after the last one dropped (a clock without the
 * reference bit: the read set needs no help to stay). False if none. */
bool dsm_page_evict(struct dsm_node *n, uint32_t keep)
{
	for (uint32_t i = 0; i < n->npages; i++) {
		uint32_t p = (n->evict_next + i) % n->npages;
		if (p == keep || !page_evictable(n, p))
			continue;
		dsm_page_drop(n, p);
		n->evict_next = p + 1u;
		n->stats.evictions++;
		return true;
	}
	return false;
}

/* The page's frame goes; the caller has taken it out of the transaction.
 * A sealed page stays (12.3), a replica: were we its owner, we serve it no
 * more (after a reset the PageServer does). */
void dsm_page_drop(struct dsm_node *n, uint32_t page)
{
	struct dsm_page *pg = &n->page[page];
	DSM_ASSERT(n, !pg->access && !pg->shadow);
	if (pg->state != DSM_ABSENT && dsm_code_page(n, page))
		pg->state = DSM_REPLICA;
	if (pg->state == DSM_ABSENT || dsm_code_page(n, page))
		return;
	n->env->page_unmap(n->env_ctx, page);
	pg->state = DSM_ABSENT;
}
