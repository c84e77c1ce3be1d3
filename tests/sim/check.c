/*
 * check.c: the truth and the checkers. The truth is every committed version
 * of every page (time, content hash, writer), recorded when the manager
 * decides a commit, from the committer's frozen dirty pages. Checkers, after
 * every event:
 *   - at most one owner per page: a node owns a page only at the version the
 *     truth has for the node's time (so an owner that has not yet applied the
 *     commit that took the page is allowed, a second current one is not);
 *   - versions only grow: node time, every page's known time, the manager's;
 *   - no committed write is lost: the writer of every page's latest version,
 *     if up, owns it at that version, or is committing it with that content;
 *   - every present copy equals the truth at its node's time (replicas are
 *     the owner's version or invalid), and is protected as the core says;
 *   - no node serves a page it should not: a served or installed page equals
 *     the truth at the requester's time, and a recovering node never serves.
 * Each bank commit also checks the sum of all accounts in the committed state.
 * With a PageServer: the disk's image is the heap at its time (each page on
 * the disk equals the truth then, pages left out are zero) when a checkpoint
 * is written and when a restart or a reset reads it, torn writes or not;
 * and a reset appends, for every page, a version at the reset's time whose
 * contents are the disk's (owned by nobody: the PageServer serves it), but
 * for the same takeover reset again (proto.h 11.5).
 * The code area (proto.h 12, work_code.c): a code page never changes after
 * its install: no commit writes it again, no reset brings other contents,
 * and every copy a node holds of a page it sealed, arriving or held, is the
 * install's (whatever its version: 12.3 keeps it across commits and resets);
 * it is never mapped for writing, and once there it stays. A node whose seal
 * is only a look (its descriptor not read yet) may hold any committed version.
 * Every version names its transaction in the history (history.c), which
 * checks after the run that the committed transactions are strictly
 * serializable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/sim/sim.h"

static uint64_t check_zero_hash;

/* Versions stay in time order: after a takeover (proto.h 11) the old
 * manager may still decide commits of its older epoch, below the new one. */
static void truth_append(struct sim *s, uint32_t page, struct truth_ver v)
{
	struct truth_page *tp = &s->truth[page];
	if (tp->n == tp->cap) {
		tp->cap = tp->cap ? tp->cap * 2 : 16;
		tp->v = realloc(tp->v, tp->cap * sizeof(*tp->v));
	}
	uint32_t i = tp->n++;
	for (; i > 0 && tp->v[i - 1].t > v.t; i--)
		tp->v[i] = tp->v[i - 1];
	tp->v[i] = v;
}

/* A decision or reset at time t of an epoch older than the newest one: the
 * heap of that epoch is gone (it stays in the truth for its own times). */
static bool check_old_epoch(struct sim *s, uint64_t t)
{
	if (t > s->time_max)
		s->time_max = t;
	if (dsm_epoch(t) < s->epoch)
		return true;
	s->epoch = dsm_epoch(t);
	return false;
}

/* Time t must come after the page's last version in t's own epoch. */
static void check_after(struct sim *s, const char *what, uint32_t page, uint64_t t)
{
	uint64_t last = check_truth_at(s, page, t)->t;
	if (t <= last)
		sim_fail(s, "%s: time %llu not after page %u's %llu", what,
			 (unsigned long long)t, page, (unsigned long long)last);
}

void check_init(struct sim *s)
{
	static const uint8_t zero[DSM_PAGE_SIZE];
	check_zero_hash = sim_hash(zero, DSM_PAGE_SIZE);
	for (uint32_t p = 0; p < SIM_PAGES; p++) {
		struct truth_ver v = {.t = 0, .hash = check_zero_hash, .writer = 0, .known = true};
		truth_append(s, p, v);
	}
	history_init(s);
}

void check_free(struct sim *s)
{
	history_free(s);
	for (uint32_t p = 0; p < SIM_PAGES; p++)
		free(s->truth[p].v);
	free(s->enq);
	free(s->deq);
}

const struct truth_ver *check_latest(struct sim *s, uint32_t page)
{
	return &s->truth[page].v[s->truth[page].n - 1];
}

const struct truth_ver *check_truth_at(struct sim *s, uint32_t page, uint64_t t)
{
	const struct truth_page *tp = &s->truth[page];
	for (uint32_t i = tp->n; i-- > 0;)
		if (tp->v[i].t <= t)
			return &tp->v[i];
	return &tp->v[0];
}

/* Was the page's newest version lost at some moment since `tick`? */
bool check_lost_since(struct sim *s, uint32_t page, uint64_t tick)
{
	const struct truth_page *tp = &s->truth[page];
	for (uint32_t i = tp->n; i-- > 0;) {
		if (tp->v[i].lost)
			return true;
		if (tp->v[i].tick <= tick)
			break;
	}
	return false;
}

void check_crash(struct sim *s, struct sim_node *sn)
{
	for (uint32_t p = 0; p < SIM_PAGES; p++) {
		struct truth_page *tp = &s->truth[p];
		if (tp->v[tp->n - 1].writer == sn->id && tp->v[tp->n - 1].t > 0)
			tp->v[tp->n - 1].lost = true;
	}
}

static void check_bank_sum(struct sim *s)
{
	int64_t sum = 0;
	for (uint32_t a = 0; a < SIM_BANK_ACCOUNTS; a++) {
		uint32_t page = SIM_PG_BANK + a % SIM_BANK_PAGES;
		if (s->truth_unknown[page])
			return;
		int64_t v;
		memcpy(&v, s->truth_mem[page] + 8u * (a / SIM_BANK_PAGES), sizeof(v));
		sum += v;
	}
	if (sum != 0)
		sim_fail(s, "bank: committed state has sum %lld", (long long)sum);
}

/* The disk's image is the heap at its time: when a checkpoint was written,
 * and when a restart or a reset reads it (a torn checkpoint never is it). */
void check_image(struct sim *s, const char *when)
{
	const struct sim_disk *d = &s->disk;
	for (uint32_t p = 0; p < SIM_PAGES; p++) {
		const struct truth_ver *tv = check_truth_at(s, p, d->t);
		if (!tv->known)
			continue;
		uint64_t h = d->has[p] ? sim_hash(d->data[p], DSM_PAGE_SIZE) : check_zero_hash;
		if (h != tv->hash)
			sim_fail(s, "%s: the image of %llu: page %u %s differs from the heap at "
				 "that time (version %llu)", when, (unsigned long long)d->t, p,
				 d->has[p] ? "on disk" : "(left out, zero)", (unsigned long long)tv->t);
	}
}

/* The PageServer wrote checkpoint t: the disk must be the heap at time t. */
void check_ckpt(struct sim *s, uint64_t t)
{
	const struct sim_disk *d = &s->disk;
	check_image(s, "checkpoint");
	for (uint32_t i = 0; i < d->nstaged; i++)
		if (d->staged_v[i] != check_truth_at(s, d->staged[i], t)->t)
			sim_fail(s, "checkpoint %llu: page %u staged at version %llu, truth %llu",
				 (unsigned long long)t, d->staged[i],
				 (unsigned long long)d->staged_v[i],
				 (unsigned long long)check_truth_at(s, d->staged[i], t)->t);
	s->st.ckpts++;
}

static bool check_code_area(uint32_t page)
{
	return page >= SIM_PG_CODE && page < SIM_PG_CODE + SIM_CODE_PAGES;
}

/* 12.5: a reset to an image without the install, before it was published:
 * the install is lost, as any unsaved work of a takeover's other side. */
static void check_code_lost(struct sim *s, uint64_t t, uint32_t p)
{
	struct sim_code *code = &s->code;
	if (code->published)
		sim_fail(s, "code: a reset at %llu gives page %u contents unlike its install at "
			 "%llu, published (the image of %llu)", (unsigned long long)t, p,
			 (unsigned long long)code->v[p - SIM_PG_CODE],
			 (unsigned long long)s->disk.t);
	memset(code->v, 0, sizeof(code->v));
	s->st.code_lost++;
	if (s->cfg.verbose)
		printf("%6llu code: the reset at %llu lost the install (page %u)\n",
		       (unsigned long long)s->now, (unsigned long long)t, p);
}

/* A commit or a reset at t gives code page p the contents of hash h: only
 * the install's commit may, once; then only a reset to the same contents,
 * or one that loses the install (check_code_lost). */
static void check_code_write(struct sim *s, const struct sim_node *c, uint32_t p, uint64_t t,
			     uint64_t h)
{
	struct sim_code *code = &s->code;
	uint32_t i = p - SIM_PG_CODE;
	if (!check_code_area(p))
		return;
	if (!c && code->v[i] && h != code->hash[i])
		check_code_lost(s, t, p);
	if (!c)
		return;
	if (c->id != 0 || c->op.kind != OP_CODE_INSTALL || code->v[i])
		sim_fail(s, "code: node %u writes page %u at %llu, installed at %llu", c->id, p,
			 (unsigned long long)t, (unsigned long long)code->v[i]);
	code->v[i] = t;
}

/* 12.4: a commit of the current epoch wrote the publication. */
static void check_code_published(struct sim *s, const struct sim_node *c, uint32_t p)
{
	uint64_t t;
	if (p != SIM_PG_CODE_READY)
		return;
	memcpy(&t, c->mem[p], sizeof(t));
	if (!t)
		return;
	if (!s->code.v[0] || t < s->code.v[0])
		sim_fail(s, "code: node %u publishes an install at %llu; the descriptor's is %llu",
			 c->id, (unsigned long long)t, (unsigned long long)s->code.v[0]);
	s->code.published = true;
}

/* A copy at version v of a page node sn sealed (data; NULL: the one it
 * holds): the install's, or (a look not done yet) a committed version.
 * False: not sealed there, the other checks apply. */
static bool check_code_copy(struct sim *s, struct sim_node *sn, uint32_t page, uint64_t v,
			    const uint8_t *data)
{
	if (!dsm_code_page(sn->dsm, page))
		return false;
	uint64_t h = data ? sim_hash(data, DSM_PAGE_SIZE) : sim_node_hash(sn, page);
	const struct truth_ver *tv = sn->code_sealed ? NULL : check_truth_at(s, page, v);
	if (tv ? tv->t != v || (tv->known && h != tv->hash) : h != s->code.hash[page - SIM_PG_CODE])
		sim_fail(s, "code: node %u holds sealed page %u at version %llu unlike %s", sn->id,
			 page, (unsigned long long)v,
			 sn->code_sealed ? "its install" : "any committed version");
	if (sn->prot[page] == DSM_PROT_WRITE)
		sim_fail(s, "code: node %u maps sealed page %u for writing", sn->id, page);
	return true;
}

/* 12.3: a page a node sealed, once there, stays (the node may be running it). */
static void check_code_kept(struct sim *s, struct sim_node *sn, uint32_t p)
{
	if (!sn->code_sealed || !check_code_area(p))
		return;
	uint8_t bit = (uint8_t)(1u << (p - SIM_PG_CODE));
	if (sn->dsm->page[p].state != DSM_ABSENT)
		sn->code_had |= bit;
	else if (sn->code_had & bit)
		sim_fail(s, "code: node %u dropped sealed page %u (time %llu)", sn->id, p,
			 (unsigned long long)sn->dsm->gtime);
}

/* The reset at ev->t writes every page with the disk's image (the newest
 * epoch's committed state too, unless ev->t is of an older one). */
static void check_reset_truth(struct sim *s, const struct dsm_obs_event *ev)
{
	static const uint8_t zero[DSM_PAGE_SIZE];
	bool old = check_old_epoch(s, ev->t);
	uint32_t txn = history_reset(s, ev);
	for (uint32_t p = 0; p < SIM_PAGES; p++) {
		const uint8_t *data = s->disk.has[p] ? s->disk.data[p] : zero;
		struct truth_ver v = {.t = ev->t, .tick = s->now, .hash = sim_hash(data, DSM_PAGE_SIZE),
				      .writer = (uint16_t)(s->nnodes - 1), .known = true,
				      .image = true, .txn = txn};
		check_after(s, "reset", p, ev->t);
		if (!old)
			check_code_write(s, NULL, p, ev->t, v.hash);
		truth_append(s, p, v);
		if (old)
			continue;
		memcpy(s->truth_mem[p], data, DSM_PAGE_SIZE);
		s->truth_unknown[p] = false;
	}
}

/* proto.h 11.5: a PageServer that failed before its new epoch was on its
 * disk may take over into it again: the same reset, if nothing was decided
 * after the first and the image is the same; it serves the pages again. */
static bool check_reset_again(struct sim *s, uint64_t t)
{
	static const uint8_t zero[DSM_PAGE_SIZE];
	for (uint32_t p = 0; p < SIM_PAGES; p++) {
		const struct truth_ver *l = check_latest(s, p);
		const uint8_t *data = s->disk.has[p] ? s->disk.data[p] : zero;
		if (l->t != t || !l->image || l->hash != sim_hash(data, DSM_PAGE_SIZE))
			return false;
	}
	for (uint32_t p = 0; p < SIM_PAGES; p++) {
		struct truth_ver *l = &s->truth[p].v[s->truth[p].n - 1];
		l->lost = false;
		l->tick = s->now;
	}
	return true;
}

/* The manager reset the heap to the PageServer's image at time ev->t. */
void check_reset(struct sim *s, struct sim_node *mgr, const struct dsm_obs_event *ev)
{
	if (!s->cfg.pageserver || !s->disk.t)
		sim_fail(s, "reset at %llu by node %u without a PageServer's image",
			 (unsigned long long)ev->t, mgr->id);
	check_image(s, "reset");
	bool again = check_reset_again(s, ev->t);
	if (!again)
		check_reset_truth(s, ev);
	s->resets++;
	s->st.resets++;
	s->st.takeovers += ev->page >= SIM_PAGES;       /* proto.h 11.2, 11.4 */
	check_bank_sum(s);      /* the image is one consistent state */
	if (s->cfg.verbose && ev->page >= SIM_PAGES)
		printf("%6llu takeover: node %u resets at %llu to the image of %llu (node %u "
		       "silent)%s\n", (unsigned long long)s->now, mgr->id, (unsigned long long)ev->t,
		       (unsigned long long)ev->v, ev->node, again ? ", again (11.5)" : "");
	else if (s->cfg.verbose)
		printf("%6llu reset at %llu to the image of %llu (page %u lost with node %u)\n",
		       (unsigned long long)s->now, (unsigned long long)ev->t,
		       (unsigned long long)ev->v, ev->page, ev->node);
}

/* The manager decided commit t: record the committer's dirty pages. */
static void check_decide(struct sim *s, struct sim_node *mgr, const struct dsm_obs_event *ev)
{
	if (ev->node >= s->nnodes)
		sim_fail(s, "decide: committer %u unknown", ev->node);
	struct sim_node *c = s->node[ev->node];
	const struct txn *x = &c->dsm->txn;
	bool valid = c->up && x->status == TXN_COMMITTING && x->grant == mgr->dsm->mgr.grant &&
		     x->nwrite == ev->n;
	if (s->cfg.verbose) {
		printf("%6llu decide t %llu by %u valid %d pages", (unsigned long long)s->now,
		       (unsigned long long)ev->t, ev->node, valid);
		for (uint32_t i = 0; i < ev->n; i++)
			printf(" %u", ev->pages[i]);
		printf("\n");
	}
	bool old = check_old_epoch(s, ev->t);
	uint32_t txn = history_decided(s, ev, valid);
	for (uint32_t i = 0; i < ev->n; i++) {
		uint32_t p = ev->pages[i];
		check_after(s, "decide", p, ev->t);
		struct truth_ver v = {.t = ev->t, .tick = s->now, .writer = ev->node, .known = valid,
				      .lost = !valid, .txn = txn};
		if (valid) {
			if (!c->dsm->page[p].shadow || !c->mapped[p])
				sim_fail(s, "decide: node %u commits page %u it did not write",
					 c->id, p);
			v.hash = sim_node_hash(c, p);
			if (!old) {
				check_code_write(s, c, p, ev->t, v.hash);
				check_code_published(s, c, p);
				memcpy(s->truth_mem[p], c->mem[p], DSM_PAGE_SIZE);
			}
		} else if (!old) {
			s->truth_unknown[p] = true;
		}
		truth_append(s, p, v);
	}
	if (old)
		return;         /* the committed state and the tallies are the newest epoch's */
	check_bank_sum(s);
	if (valid)
		work_tally(s, &c->op, c->id);
}

static void check_copy(struct sim *s, const char *what, uint16_t node, uint32_t page,
		       uint64_t v, uint64_t t, const uint8_t *data)
{
	const struct truth_ver *tv = check_truth_at(s, page, t);
	if (tv->t != v || (tv->known && sim_hash(data, DSM_PAGE_SIZE) != tv->hash))
		sim_fail(s, "%s: node %u page %u version %llu for time %llu, truth is version "
			 "%llu%s", what, node, page, (unsigned long long)v,
			 (unsigned long long)t, (unsigned long long)tv->t,
			 tv->t == v ? " with other contents" : "");
}

void check_observe(void *ctx, const struct dsm_obs_event *ev)
{
	struct sim_node *sn = ctx;
	struct sim *s = sn->sim;
	switch (ev->kind) {
	case DSM_OBS_DECIDE:
		check_decide(s, sn, ev);
		break;
	case DSM_OBS_SERVE:
		if (sn->dsm->recovering)
			sim_fail(s, "serve: node %u serves page %u while recovering", sn->id,
				 ev->page);
		s->st.code_ps_served += sim_is_ps(s, sn) && check_code_area(ev->page);
		if (!check_code_copy(s, sn, ev->page, ev->v, ev->data))
			check_copy(s, "stale page served", sn->id, ev->page, ev->v, ev->t,
				   ev->data);
		break;
	case DSM_OBS_INSTALL:
		if (!check_code_copy(s, sn, ev->page, ev->v, ev->data))
			check_copy(s, "stale page installed", sn->id, ev->page, ev->v, ev->t,
				   ev->data);
		break;
	case DSM_OBS_RESET:
		check_reset(s, sn, ev);
		break;
	default:
		break;
	}
}

/* The one way known may go back (proto.h 7.5, 7.6): the PageServer learns
 * from the written-pages map that a page was not written since a time (0,
 * or the reset it joined after); then the truth must agree, up to the
 * PageServer's time. */
static bool check_zero_mapped(struct sim *s, const struct sim_node *sn, uint32_t p)
{
	const struct dsm_node *d = sn->dsm;
	uint64_t k = d->page[p].known;
	if (!d->ps.active || k != d->ps.zmap_since)
		return false;
	if (check_truth_at(s, p, d->gtime)->t != k)
		sim_fail(s, "node %u page %u: mapped as last written at %llu, but written at %llu",
			 sn->id, p, (unsigned long long)k,
			 (unsigned long long)check_truth_at(s, p, d->gtime)->t);
	return true;
}

/* Metadata of one node: monotonic times, page states, protections. */
static void check_node_meta(struct sim *s, struct sim_node *sn)
{
	const struct dsm_node *d = sn->dsm;
	if (d->gtime < sn->prev_gtime)
		sim_fail(s, "node %u: time went back from %llu to %llu", sn->id,
			 (unsigned long long)sn->prev_gtime, (unsigned long long)d->gtime);
	sn->prev_gtime = d->gtime;
	if (d->gtime > s->time_max)
		sim_fail(s, "node %u: time %llu ahead of the manager", sn->id,
			 (unsigned long long)d->gtime);
	for (uint32_t p = 0; p < SIM_PAGES; p++) {
		const struct dsm_page *pg = &d->page[p];
		if (pg->known < sn->prev_known[p] && !check_zero_mapped(s, sn, p))
			sim_fail(s, "node %u page %u: known time went back", sn->id, p);
		sn->prev_known[p] = pg->known;
		check_code_kept(s, sn, p);
		if ((pg->state != DSM_ABSENT) != sn->mapped[p])
			sim_fail(s, "node %u page %u: state %u but mapped %d", sn->id, p,
				 pg->state, sn->mapped[p]);
		if (pg->state != DSM_ABSENT &&
		    check_code_copy(s, sn, p, pg->version, NULL))
			continue;       /* 12.2, 12.3: mapped read-only, kept at any version */
		uint8_t want = !pg->access ? DSM_PROT_NONE : pg->shadow ? DSM_PROT_WRITE
									  : DSM_PROT_READ;
		if (pg->state != DSM_ABSENT && sn->prot[p] != want)
			sim_fail(s, "node %u page %u: protection %u, should be %u", sn->id, p,
				 sn->prot[p], want);
		if (pg->state == DSM_ABSENT)
			continue;
		const struct truth_ver *tv = check_truth_at(s, p, d->gtime);
		if (pg->version != tv->t)
			sim_fail(s, "node %u page %u: holds version %llu at time %llu, truth %llu "
				 "(invalidation missed)", sn->id, p, (unsigned long long)pg->version,
				 (unsigned long long)d->gtime, (unsigned long long)tv->t);
	}
}

/* Contents of one node's present pages: the committed copy equals the truth. */
static void check_node_data(struct sim *s, struct sim_node *sn)
{
	const struct dsm_node *d = sn->dsm;
	for (uint32_t p = 0; p < SIM_PAGES; p++) {
		const struct dsm_page *pg = &d->page[p];
		if (pg->state == DSM_ABSENT || dsm_code_page(d, p))
			continue;       /* check_node_meta checked a sealed page */
		const struct truth_ver *tv = check_truth_at(s, p, d->gtime);
		if (!tv->known)
			continue;
		const uint8_t *sh = txn_shadow_of(d, p);
		uint64_t h = sh ? sim_hash(sh, DSM_PAGE_SIZE) : sim_node_hash(sn, p);
		if (h != tv->hash)
			sim_fail(s, "node %u page %u version %llu: contents differ from the "
				 "committed ones", sn->id, p, (unsigned long long)pg->version);
	}
}

/* One owner per page, and the latest version of each page is somewhere. */
static void check_owners(struct sim *s)
{
	for (uint32_t p = 0; p < SIM_PAGES; p++) {
		const struct truth_ver *l = check_latest(s, p);
		int owners = 0;
		for (int i = 0; i < s->nnodes; i++) {
			const struct sim_node *sn = s->node[i];
			if (!sn->up || sn->dsm->mode != DSM_ACTIVE)
				continue;
			const struct dsm_page *pg = &sn->dsm->page[p];
			if (pg->state == DSM_OWNED && pg->version == l->t)
				owners++;
		}
		if (owners > 1)
			sim_fail(s, "page %u: %d current owners of version %llu", p, owners,
				 (unsigned long long)l->t);
		struct sim_node *w = s->node[l->writer];
		if (l->lost || !l->known || l->image || !w->up || w->dsm->mode != DSM_ACTIVE)
			continue;       /* an image's page has no owner: the PageServer serves it */
		const struct dsm_node *d = w->dsm;
		if (d->gtime >= l->t) {
			if (d->page[p].state != DSM_OWNED || d->page[p].version != l->t)
				sim_fail(s, "page %u: committed write at %llu lost: writer %u does not "
					 "own it", p, (unsigned long long)l->t, w->id);
		} else if (d->txn.status != TXN_COMMITTING || !d->page[p].shadow ||
			   sim_node_hash(w, p) != l->hash) {
			sim_fail(s, "page %u: committed write at %llu lost: writer %u at %llu "
				 "is not committing it", p, (unsigned long long)l->t, w->id,
				 (unsigned long long)d->gtime);
		}
	}
}

void check_event(struct sim *s, struct sim_node *sn)
{
	s->st.events++;
	if (s->cfg.bench)
		return;
	if (sn->up && sn->dsm->mode == DSM_ACTIVE) {
		check_node_meta(s, sn);
		check_node_data(s, sn);
	}
	check_owners(s);
}
