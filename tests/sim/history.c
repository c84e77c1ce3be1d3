/*
 * history.c: the history checker (what it records and asserts: history.h).
 * Owns struct hist in struct sim; reads the core's transaction (struct txn,
 * struct dsm_page) and the truth (check.c), writes neither. The check runs
 * once, after the run: a graph of the committed transactions, a cycle in it
 * fails the seed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/sim/sim.h"

/* --- recording ------------------------------------------------------------ */

static void *hist_grow(void *p, uint32_t *cap, uint32_t need, size_t size)
{
	if (need <= *cap)
		return p;
	while (*cap < need)
		*cap = *cap ? *cap * 2 : 256;
	return realloc(p, *cap * size);
}

static uint32_t hist_add(struct hist *h, struct hist_txn x, const struct hist_read *r,
			 uint32_t nread)
{
	h->txn = hist_grow(h->txn, &h->captxn, h->ntxn + 1, sizeof(*h->txn));
	h->reads = hist_grow(h->reads, &h->capreads, h->nreads + nread, sizeof(*h->reads));
	if (nread)
		memcpy(h->reads + h->nreads, r, nread * sizeof(*r));
	x.read0 = h->nreads;
	x.nread = nread;
	h->nreads += nread;
	h->txn[h->ntxn] = x;
	return h->ntxn++;
}

/* The empty heap: version 0 of every page, before everything (transaction 0). */
void history_init(struct sim *s)
{
	struct hist *h = &s->hist;
	h->stamp = 1;
	for (uint32_t i = 0; i < DSM_NODES_MAX; i++)
		h->pend[i].txn = HIST_NONE;
	struct hist_txn x = {.kind = HIST_INIT, .inv = HIST_NEVER, .resp = 0};
	hist_add(h, x, NULL, 0);
}

void history_free(struct sim *s)
{
	struct hist_graph *g = &s->hist.g;
	free(s->hist.txn);
	free(s->hist.reads);
	free(g->gone);
	free(g->resets);
	free(g->e);
	free(g->first);
	free(g->adj);
	free(g->mark);
	free(g->cursor);
	free(g->stack);
	free(g->par);
	free(g->ev);
}

void history_invoke(struct sim *s, struct sim_node *sn)
{
	struct hist_pending *p = &s->hist.pend[sn->id];
	p->opno = ++s->hist.opno[sn->id];
	p->op = sn->op.kind;
	p->inv = s->hist.stamp++;
	p->inv_tick = s->now;
	p->nread = 0;
	p->txn = HIST_NONE;
}

/* The body ran to the end: the attempt's reads are the access set as it is. */
void history_body_done(struct sim *s, struct sim_node *sn)
{
	struct hist_pending *p = &s->hist.pend[sn->id];
	const struct dsm_node *d = sn->dsm;
	for (uint32_t i = 0; i < d->txn.naccess; i++) {
		uint32_t pg = d->txn.access[i];
		p->reads[i] = (struct hist_read){.page = pg, .v = d->page[pg].version};
	}
	p->nread = d->txn.naccess;
	p->gtime = d->gtime;
	p->txn = HIST_NONE;
}

static struct hist_txn hist_from_pending(const struct hist_pending *p, uint16_t node)
{
	return (struct hist_txn){.node = node, .opno = p->opno, .op = p->op, .inv = p->inv,
				 .inv_tick = p->inv_tick, .resp = HIST_NEVER};
}

/* txn_commit said TXN_OK: a read-only transaction, at the node's time. */
void history_read_only(struct sim *s, struct sim_node *sn)
{
	struct hist *h = &s->hist;
	const struct hist_pending *p = &h->pend[sn->id];
	struct hist_txn x = hist_from_pending(p, sn->id);
	x.kind = HIST_READONLY;
	x.t = sn->dsm->txn.commit_t;    /* the node's time when it committed (3.9) */
	x.resp = h->stamp++;
	x.resp_tick = s->now;
	hist_add(h, x, p->reads, p->nread);
}

/* The manager decided commit ev->t by ev->node: its reads are the node's
 * pending ones if the decision is the node's running attempt (valid). */
uint32_t history_decided(struct sim *s, const struct dsm_obs_event *ev, bool valid)
{
	struct hist *h = &s->hist;
	struct hist_pending *p = &h->pend[ev->node];
	struct hist_txn x = {.kind = HIST_WRITE, .node = ev->node, .t = ev->t,
			     .inv = HIST_NEVER, .resp = HIST_NEVER};
	if (!valid)
		return hist_add(h, x, NULL, 0);
	x = hist_from_pending(p, ev->node);
	x.kind = HIST_WRITE;
	x.t = ev->t;
	p->txn = hist_add(h, x, p->reads, p->nread);
	return p->txn;
}

/* The caller learns its unit of work committed (TXN_COMMITTED). */
void history_responded(struct sim *s, struct sim_node *sn)
{
	struct hist *h = &s->hist;
	const struct hist_pending *p = &h->pend[sn->id];
	if (p->txn == HIST_NONE)
		sim_fail(s, "history: node %u op %u committed, but no decision was its", sn->id,
			 p->opno);
	h->txn[p->txn].resp = h->stamp++;
	h->txn[p->txn].resp_tick = s->now;
}

/* The reset at ev->t: it reads the disk's image (every page at the image's
 * time) and writes every page; decided, it is done at once. */
uint32_t history_reset(struct sim *s, const struct dsm_obs_event *ev)
{
	struct hist *h = &s->hist;
	struct hist_read r[SIM_PAGES];
	for (uint32_t p = 0; p < SIM_PAGES; p++)
		r[p] = (struct hist_read){.page = p, .v = check_truth_at(s, p, s->disk.t)->t};
	struct hist_txn x = {.kind = HIST_RESET, .t = ev->t, .image = s->disk.t,
			     .inv_tick = s->now, .resp_tick = s->now};
	x.inv = h->stamp++;
	x.resp = h->stamp++;
	return hist_add(h, x, r, SIM_PAGES);
}

/* --- describing a transaction ---------------------------------------------- */

static const char *hist_op_name(uint8_t op)
{
	static const char *names[] = {"none", "transfer", "audit", "count", "private",
				      "enqueue", "dequeue", "hot", "object", "code-install",
				      "code-look", "code-run", "read"};
	return op < sizeof(names) / sizeof(names[0]) ? names[op] : "?";
}

static int hist_describe(char *buf, size_t len, const struct hist_txn *x)
{
	char resp[24] = "?";
	if (x->resp != HIST_NEVER)
		snprintf(resp, sizeof(resp), "%llu", (unsigned long long)x->resp_tick);
	switch (x->kind) {
	case HIST_INIT:
		return snprintf(buf, len, "the empty heap");
	case HIST_RESET:
		return snprintf(buf, len, "reset at %llu (image %llu, tick %llu)",
				(unsigned long long)x->t, (unsigned long long)x->image,
				(unsigned long long)x->inv_tick);
	default:
		if (x->opno == 0)
			return snprintf(buf, len, "node %u's lost commit %llu", x->node,
					(unsigned long long)x->t);
		return snprintf(buf, len, "node %u op %u %s (ticks %llu-%s, %s %llu)", x->node,
				x->opno, hist_op_name(x->op), (unsigned long long)x->inv_tick, resp,
				x->kind == HIST_READONLY ? "read-only at" : "commit",
				(unsigned long long)x->t);
	}
}

/* --- versions: the truth's, each naming its transaction ----------------------- */

/* The index of version v in page p's truth, or HIST_NONE. */
static uint32_t hist_version(const struct sim *s, uint32_t p, uint64_t v)
{
	const struct truth_page *tp = &s->truth[p];
	uint32_t lo = 0, hi = tp->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (tp->v[mid].t < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < tp->n && tp->v[lo].t == v ? lo : HIST_NONE;
}

/* The reset that first discarded time t (t in (image, t')), or HIST_NONE. */
static uint32_t hist_lost_by(const struct hist *h, const uint32_t *resets, uint32_t nresets,
			     uint64_t t)
{
	uint32_t by = HIST_NONE;
	for (uint32_t i = 0; i < nresets; i++) {
		const struct hist_txn *r = &h->txn[resets[i]];
		if (r->image < t && t < r->t && (by == HIST_NONE || r->t < h->txn[by].t))
			by = resets[i];
	}
	return by;
}

/* --- resets: what they discarded, and who read it ----------------------------- */

/* A read-only transaction that the old epoch's manager timed after takeover
 * reset r was decided (proto.h 11.2: that manager was not fenced, as in a
 * one-way split): work of the old side, gone with the reset as the writes
 * that side decided meanwhile are (proto.h 11, "Why it is safe"). Strict
 * serializability holds within an epoch; across a takeover it holds only for
 * what the new epoch kept. */
static bool hist_old_side(const struct hist_txn *x, const struct hist_txn *r)
{
	return x->kind == HIST_READONLY && dsm_epoch(x->t) < dsm_epoch(r->t);
}

/* Reset r was never observed: no transaction ran at its time or after it
 * (a later reset of its own time is its repeat, proto.h 11.5). A takeover
 * that nobody followed, whose PageServer then failed before its epoch was
 * on the disk and joined the old epoch again, is one (seed
 * 1796242340775585): the old epoch's work went on and is the heap; the
 * reset discarded nothing. */
static bool hist_unobserved(const struct hist *h, uint32_t r)
{
	uint64_t t = h->txn[r].t;
	for (uint32_t i = 0; i < h->ntxn; i++) {
		const struct hist_txn *x = &h->txn[i];
		if (i != r && (x->t > t || (x->t == t && x->kind != HIST_RESET)))
			return false;
	}
	return true;
}

static void hist_mark_lost(struct sim *s)
{
	struct hist *h = &s->hist;
	struct hist_graph *g = &h->g;
	g->gone = calloc(h->ntxn, 1);
	g->resets = calloc(h->ntxn, sizeof(uint32_t));
	for (uint32_t i = 0; i < h->ntxn; i++) {
		if (h->txn[i].kind != HIST_RESET)
			continue;
		if (hist_unobserved(h, i))
			g->gone[i] = true;
		else
			g->resets[g->nresets++] = i;
	}
	for (uint32_t i = 0; i < h->ntxn; i++) {
		uint8_t k = h->txn[i].kind;
		uint32_t by = hist_lost_by(h, g->resets, g->nresets, h->txn[i].t);
		if (k == HIST_WRITE || k == HIST_RESET)
			g->gone[i] |= by != HIST_NONE;
		else if (by != HIST_NONE)
			g->gone[i] = hist_old_side(&h->txn[i], &h->txn[by]);
	}
}

/* Transaction x read a version reset r discarded: only a read-only one, at
 * a time before r (and, strict, invoked before r was decided), may have. */
static bool hist_read_ok(const struct sim *s, const struct hist_txn *x, const struct hist_txn *r)
{
	if (x->kind != HIST_READONLY || x->t >= r->t)
		return false;
	if (hist_old_side(x, r))
		return true;
	return !s->cfg.strict_ro || x->inv == HIST_NEVER || x->inv < r->resp;
}

/* x read version r->v; `by` discarded it (NULL: nobody wrote it). */
static void hist_fail_read(struct sim *s, const struct hist_txn *x, const struct hist_read *r,
			   const struct hist_txn *by)
{
	char who[160], reset[100] = "";
	hist_describe(who, sizeof(who), x);
	if (by)
		hist_describe(reset, sizeof(reset), by);
	sim_fail(s, "history: %s read page %u version %llu, %s%s", who, r->page,
		 (unsigned long long)r->v, by ? "discarded before by the " : "which nobody wrote",
		 reset);
}

/* Every version transaction i read exists; one a reset discarded leaves i
 * out of the graph, if it may have read it at all. */
static void hist_check_reads(struct sim *s, uint32_t i)
{
	struct hist *h = &s->hist;
	struct hist_graph *g = &h->g;
	const struct hist_txn *x = &h->txn[i];
	bool branch = false;
	for (uint32_t k = 0; k < x->nread && !g->gone[i]; k++) {
		const struct hist_read *r = &h->reads[x->read0 + k];
		if (hist_version(s, r->page, r->v) == HIST_NONE)
			hist_fail_read(s, x, r, NULL);
		uint32_t by = hist_lost_by(h, g->resets, g->nresets, r->v);
		if (by == HIST_NONE)
			continue;
		if (!hist_read_ok(s, x, &h->txn[by]))
			hist_fail_read(s, x, r, &h->txn[by]);
		branch = true;
	}
	g->gone[i] |= branch;
}

/* --- the serialization graph ---------------------------------------------- */

static void hist_edge(struct hist_graph *g, uint32_t from, uint32_t to, uint8_t kind,
		      uint32_t page)
{
	if (from == to)
		return;
	g->e = hist_grow(g->e, &g->cape, g->ne + 1, sizeof(*g->e));
	g->e[g->ne++] = (struct hist_edge){.from = from, .to = to, .kind = kind, .page = page};
}

/* ww: each page's versions in the truth's order, the discarded ones left out. */
static void hist_edges_ww(struct sim *s)
{
	struct hist_graph *g = &s->hist.g;
	for (uint32_t p = 0; p < SIM_PAGES; p++) {
		const struct truth_page *tp = &s->truth[p];
		uint32_t prev = HIST_NONE;
		for (uint32_t k = 0; k < tp->n; k++) {
			uint32_t x = tp->v[k].txn;
			if (g->gone[x])
				continue;
			if (prev != HIST_NONE)
				hist_edge(g, prev, x, HIST_WW, p);
			prev = x;
		}
	}
}

/* wr and rw of transaction i's reads. */
static void hist_edges_reads(struct sim *s, uint32_t i)
{
	struct hist_graph *g = &s->hist.g;
	const struct hist_txn *x = &s->hist.txn[i];
	for (uint32_t k = 0; k < x->nread; k++) {
		const struct hist_read *r = &s->hist.reads[x->read0 + k];
		const struct truth_page *tp = &s->truth[r->page];
		uint32_t at = hist_version(s, r->page, r->v);
		hist_edge(g, tp->v[at].txn, i, HIST_WR, r->page);
		uint32_t next = at + 1;
		while (next < tp->n && g->gone[tp->v[next].txn])
			next++;
		if (next < tp->n)
			hist_edge(g, i, tp->v[next].txn, HIST_RW, r->page);
	}
}

struct hist_stampev {
	uint64_t stamp;
	uint32_t txn;
	bool resp;
};

static int hist_stamp_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct hist_stampev *)a)->stamp;
	uint64_t y = ((const struct hist_stampev *)b)->stamp;
	return x < y ? -1 : x > y;
}

/* Does transaction i take part in real-time order? */
static bool hist_timed(const struct sim *s, uint32_t i)
{
	return !s->hist.g.gone[i] && (s->hist.txn[i].kind != HIST_READONLY || s->cfg.strict_ro);
}

/* rt: invocations and responses in stamp order; each run of responses is a
 * point of time, the points a chain, and a point leads to every transaction
 * invoked after it: T1 reaches T2 by rt edges iff T1 responded before T2 began. */
static void hist_edges_rt(struct sim *s)
{
	struct hist *h = &s->hist;
	struct hist_graph *g = &h->g;
	uint32_t n = 0, point = HIST_NONE;
	g->ev = calloc(2u * h->ntxn + 1u, sizeof(*g->ev));
	for (uint32_t i = 0; i < h->ntxn; i++) {
		if (!hist_timed(s, i))
			continue;
		if (h->txn[i].inv != HIST_NEVER)
			g->ev[n++] = (struct hist_stampev){.stamp = h->txn[i].inv, .txn = i};
		if (h->txn[i].resp != HIST_NEVER)
			g->ev[n++] = (struct hist_stampev){.stamp = h->txn[i].resp, .txn = i,
							    .resp = true};
	}
	qsort(g->ev, n, sizeof(*g->ev), hist_stamp_cmp);
	bool fresh = false;
	for (uint32_t k = 0; k < n; k++) {
		if (g->ev[k].resp && !fresh) {
			uint32_t q = g->nv++;
			if (point != HIST_NONE)
				hist_edge(g, point, q, HIST_RT, 0);
			point = q;
		}
		if (g->ev[k].resp)
			hist_edge(g, g->ev[k].txn, point, HIST_RT, 0);
		else if (point != HIST_NONE)
			hist_edge(g, point, g->ev[k].txn, HIST_RT, 0);
		fresh = g->ev[k].resp;
	}
}

/* The edges from each vertex, together (first, adj). */
static void hist_index(struct hist_graph *g)
{
	g->first = calloc(g->nv + 1u, sizeof(uint32_t));
	g->adj = calloc(g->ne + 1u, sizeof(uint32_t));
	g->cursor = calloc(g->nv + 1u, sizeof(uint32_t));
	for (uint32_t k = 0; k < g->ne; k++)
		g->first[g->e[k].from + 1u]++;
	for (uint32_t v = 0; v < g->nv; v++)
		g->first[v + 1u] += g->first[v];
	memcpy(g->cursor, g->first, g->nv * sizeof(uint32_t));
	for (uint32_t k = 0; k < g->ne; k++)
		g->adj[g->cursor[g->e[k].from]++] = k;
}

/* Depth first: a vertex on a cycle (an edge back to the path), or HIST_NONE. */
static uint32_t hist_on_cycle(struct hist_graph *g)
{
	enum { WHITE, GREY, BLACK };
	g->mark = calloc(g->nv + 1u, sizeof(uint32_t));
	g->stack = calloc(g->nv + 1u, sizeof(uint32_t));
	for (uint32_t root = 0; root < g->nv; root++) {
		if (g->mark[root] != WHITE)
			continue;
		uint32_t sp = 0;
		g->stack[sp++] = root;
		g->mark[root] = GREY;
		g->cursor[root] = g->first[root];
		while (sp) {
			uint32_t u = g->stack[sp - 1];
			if (g->cursor[u] == g->first[u + 1u]) {
				g->mark[u] = BLACK;
				sp--;
				continue;
			}
			uint32_t v = g->e[g->adj[g->cursor[u]++]].to;
			if (g->mark[v] == GREY)
				return v;
			if (g->mark[v] == WHITE) {
				g->mark[v] = GREY;
				g->cursor[v] = g->first[v];
				g->stack[sp++] = v;
			}
		}
	}
	return HIST_NONE;
}

/* The cycle closed by edge ek (u -> v), u reached from v by par[]: its
 * edges in g->stack[0..n), in order; returns n. */
static uint32_t hist_cycle_edges(struct hist_graph *g, uint32_t ek, uint32_t u, uint32_t v)
{
	uint32_t n = 0;
	for (g->stack[n++] = ek; u != v; u = g->e[g->par[u]].from)
		g->stack[n++] = g->par[u];
	for (uint32_t i = 0; i < n / 2; i++) {
		uint32_t t = g->stack[i];
		g->stack[i] = g->stack[n - 1 - i];
		g->stack[n - 1 - i] = t;
	}
	return n;
}

/* Breadth first from v: the shortest cycle through it (hist_cycle_edges). */
static uint32_t hist_shortest_cycle(struct hist_graph *g, uint32_t v)
{
	g->par = calloc(g->nv + 1u, sizeof(uint32_t));
	uint32_t *queue = g->cursor, head = 0, tail = 0;
	memset(g->par, 0xFF, g->nv * sizeof(uint32_t));
	queue[tail++] = v;
	while (head < tail) {
		uint32_t u = queue[head++];
		for (uint32_t k = g->first[u]; k < g->first[u + 1u]; k++) {
			uint32_t ek = g->adj[k], w = g->e[ek].to;
			if (w == v)
				return hist_cycle_edges(g, ek, u, v);
			if (g->par[w] == HIST_NONE && w != v) {
				g->par[w] = ek;
				queue[tail++] = w;
			}
		}
	}
	return 0;
}

/* The cycle g->stack[0..n) as "A -rw p3-> B -rt-> A", from its first transaction. */
static void hist_fail_cycle(struct sim *s, uint32_t n)
{
	static const char *kinds[] = {"ww", "wr", "rw", "rt"};
	const struct hist_graph *g = &s->hist.g;
	char buf[480];
	size_t k = 0;
	uint32_t ntx = 0, start = 0;
	while (start < n && g->e[g->stack[start]].from >= s->hist.ntxn)
		start++;
	for (uint32_t i = 0; i <= n && k < sizeof(buf); i++) {
		const struct hist_edge *e = &g->e[g->stack[(start + i) % n]];
		if (e->from >= s->hist.ntxn)
			continue;       /* a point of time: the rt edge goes on */
		k += (size_t)hist_describe(buf + k, sizeof(buf) - k, &s->hist.txn[e->from]);
		if (i == n || k >= sizeof(buf))
			break;
		ntx++;
		if (e->kind == HIST_RT)
			k += (size_t)snprintf(buf + k, sizeof(buf) - k, " -rt-> ");
		else
			k += (size_t)snprintf(buf + k, sizeof(buf) - k, " -%s p%u-> ", kinds[e->kind],
					      e->page);
	}
	sim_fail(s, "history: not strictly serializable: a cycle of %u: %s", ntx, buf);
}

/* After the run: committed-then-lost work, then a cycle in the rest. */
void history_check(struct sim *s)
{
	struct hist *h = &s->hist;
	hist_mark_lost(s);
	for (uint32_t i = 0; i < h->ntxn; i++)
		hist_check_reads(s, i);
	h->g.nv = h->ntxn;
	hist_edges_ww(s);
	for (uint32_t i = 0; i < h->ntxn; i++)
		if (!h->g.gone[i])
			hist_edges_reads(s, i);
	hist_edges_rt(s);
	hist_index(&h->g);
	uint32_t v = hist_on_cycle(&h->g);
	if (v != HIST_NONE)
		hist_fail_cycle(s, hist_shortest_cycle(&h->g, v));
}
