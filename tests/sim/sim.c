/*
 * sim.c: the simulator's environment (dsm/env.h), its network and faults,
 * and the run loop (see sim.h). One tick: deliver due frames, tick every
 * node, step every node's workload, draw faults; the checkers run after each
 * of these events. The safety phase injects faults; the liveness phase heals
 * them and demands that every transaction finishes within a bound.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/sim/sim.h"

uint64_t sim_rand(uint64_t *s)
{
	/* splitmix64: tiny, good enough, and the same on every host */
	uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

uint32_t sim_below(struct sim *s, uint32_t n)
{
	return n ? (uint32_t)(sim_rand(&s->rng) % n) : 0;
}

bool sim_chance(struct sim *s, double p)
{
	return (double)(sim_rand(&s->rng) >> 11) * (1.0 / 9007199254740992.0) < p;
}

uint64_t sim_hash(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	return h;
}

uint64_t sim_node_hash(struct sim_node *sn, uint32_t page)
{
	if (!sn->hash_ok[page]) {
		sn->hash[page] = sim_hash(sn->mem[page], DSM_PAGE_SIZE);
		sn->hash_ok[page] = true;
	}
	return sn->hash[page];
}

/* Real ticks by which every node's clock showed node_ticks: the slowest
 * clock the drift bound allows (the sim's deadlines for the core's timers). */
uint64_t sim_real_ticks(const struct sim *s, uint64_t node_ticks)
{
	return node_ticks * 1000000u / (1000000u - s->cfg.drift_ppm) + 1u;
}

static void digest_mix(struct sim *s, uint64_t v)
{
	s->digest = (s->digest ^ v) * 0x100000001b3ull;
}

void sim_fail(struct sim *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int k = snprintf(s->why, sizeof(s->why), "tick %llu: ", (unsigned long long)s->now);
	vsnprintf(s->why + k, sizeof(s->why) - (size_t)k, fmt, ap);
	va_end(ap);
	s->failed = true;
	longjmp(s->panic_jb, 1);
}

/* --- the network -------------------------------------------------------- */

static bool net_less(const struct sim_frame *a, const struct sim_frame *b)
{
	return a->due < b->due || (a->due == b->due && a->order < b->order);
}

static void net_push(struct sim *s, struct sim_frame *f)
{
	uint32_t i = s->nheap++;
	s->heap[i] = f;
	while (i > 0 && net_less(s->heap[i], s->heap[(i - 1) / 2])) {
		struct sim_frame *t = s->heap[i];
		s->heap[i] = s->heap[(i - 1) / 2];
		s->heap[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static struct sim_frame *net_pop(struct sim *s)
{
	struct sim_frame *top = s->heap[0];
	s->heap[0] = s->heap[--s->nheap];
	uint32_t i = 0;
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < s->nheap && net_less(s->heap[l], s->heap[m]))
			m = l;
		if (r < s->nheap && net_less(s->heap[r], s->heap[m]))
			m = r;
		if (m == i)
			break;
		struct sim_frame *t = s->heap[i];
		s->heap[i] = s->heap[m];
		s->heap[m] = t;
		i = m;
	}
	return top;
}

static void net_enqueue_as(struct sim *s, uint16_t src, uint16_t dst, const uint8_t *buf,
			   size_t len, bool snoop)
{
	const struct sim_cfg *c = &s->cfg;
	bool faulty = c->faults && !s->live;
	s->st.frames_sent++;
	if (s->cut[src][dst] || (faulty && sim_chance(s, c->loss))) {
		s->st.frames_lost++;
		return;
	}
	int copies = faulty && sim_chance(s, c->dup) ? 2 : 1;
	s->st.frames_dup += (uint64_t)(copies - 1);
	for (int k = 0; k < copies && s->nheap < SIM_NET_MAX; k++) {
		struct sim_frame *f = malloc(sizeof(*f));
		f->due = s->now + 1 + sim_below(s, c->delay_max);
		f->order = s->order_next++;
		f->src = src;
		f->dst = dst;
		f->snoop = snoop;
		f->len = (uint16_t)len;
		memcpy(f->data, buf, len);
		if (faulty && sim_chance(s, c->corrupt)) {
			f->data[sim_below(s, (uint32_t)len)] ^= (uint8_t)(1u + sim_below(s, 255));
			s->st.frames_corrupt++;
		}
		net_push(s, f);
	}
}

/* A unicast frame; with a PageServer the segment is a hub, so it sees a copy. */
static void net_enqueue(struct sim *s, uint16_t src, uint16_t dst, const uint8_t *buf,
			size_t len)
{
	uint16_t ps = (uint16_t)(s->nnodes - 1);
	net_enqueue_as(s, src, dst, buf, len, false);
	if (s->cfg.pageserver && dst != ps && src != ps && dst != FRAME_NODE_ALL)
		net_enqueue_as(s, src, ps, buf, len, true);
}

/* --- the environment of one node ---------------------------------------- */

static void env_send(void *ctx, uint16_t dst, const uint8_t *frame, size_t len)
{
	struct sim_node *sn = ctx;
	struct sim *s = sn->sim;
	if (len < 12 || len > FRAME_WIRE_MAX)
		sim_fail(s, "node %u sent a frame of %zu bytes", sn->id, len);
	uint8_t buf[FRAME_WIRE_MAX];
	memcpy(buf, frame, len);
	/* MACs from node ids: 02:00:00:00:00:<id> */
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	uint8_t mac[6] = {2, 0, 0, 0, 0, (uint8_t)dst};
	memcpy(buf, dst == FRAME_NODE_ALL ? bcast : mac, 6);
	uint8_t smac[6] = {2, 0, 0, 0, 0, (uint8_t)sn->id};
	memcpy(buf + 6, smac, 6);
	if (s->cfg.verbose)
		printf("%6llu send %2u -> %5u type %2u gtime %llu\n", (unsigned long long)s->now,
		       sn->id, dst, buf[FRAME_ETH_HDR_LEN + 3],
		       (unsigned long long)frame_get64(buf + FRAME_ETH_HDR_LEN + 16));
	if (dst != FRAME_NODE_ALL) {
		if (dst >= s->nnodes)
			sim_fail(s, "node %u sent to unknown node %u", sn->id, dst);
		net_enqueue(s, sn->id, dst, buf, len);
		return;
	}
	for (int i = 0; i < s->nnodes; i++)
		if (i != sn->id)
			net_enqueue_as(s, sn->id, (uint16_t)i, buf, len, false);
}

/* The node's own clock: its origin and rate drawn at boot (node_clock_draw),
 * monotonic and integer, as a PIT's ticks since boot on a crystal that is
 * a little off. */
static uint64_t env_now(void *ctx)
{
	const struct sim_node *sn = ctx;
	return sn->clock_base + (sn->sim->now - sn->clock_boot) * sn->clock_ppm / 1000000u;
}

static uint32_t env_random(void *ctx)
{
	return (uint32_t)sim_rand(&((struct sim_node *)ctx)->rng);
}

static void env_page_map(void *ctx, uint32_t page)
{
	struct sim_node *sn = ctx;
	if (page >= SIM_PAGES || sn->mapped[page])
		sim_fail(sn->sim, "node %u maps page %u twice or out of range", sn->id, page);
	sn->mapped[page] = true;
	memset(sn->mem[page], 0, DSM_PAGE_SIZE);
	sn->prot[page] = DSM_PROT_NONE;
	sn->hash_ok[page] = false;
	/* short of memory now and then, as a node with a small RAM is
	 * (kernel/dsmenv.c): a stress of the fault phase, like loss */
	if (!sn->sim->live && sim_below(sn->sim, 20) == 0)
		dsm_page_evict(sn->dsm, page);
}

static void env_page_unmap(void *ctx, uint32_t page)
{
	struct sim_node *sn = ctx;
	if (page >= SIM_PAGES || !sn->mapped[page])
		sim_fail(sn->sim, "node %u unmaps unmapped page %u", sn->id, page);
	sn->mapped[page] = false;
	memset(sn->mem[page], 0xAA, DSM_PAGE_SIZE);  /* poison: stale reads show */
	sn->prot[page] = DSM_PROT_NONE;
	sn->hash_ok[page] = false;
}

static void env_page_protect(void *ctx, uint32_t page, enum dsm_prot prot)
{
	struct sim_node *sn = ctx;
	if (page >= SIM_PAGES || !sn->mapped[page])
		sim_fail(sn->sim, "node %u protects unmapped page %u", sn->id, page);
	sn->prot[page] = (uint8_t)prot;
}

static void env_page_copy(void *ctx, uint32_t page, enum dsm_copy dir, uint8_t *buf)
{
	struct sim_node *sn = ctx;
	if (page >= SIM_PAGES || !sn->mapped[page])
		sim_fail(sn->sim, "node %u copies unmapped page %u", sn->id, page);
	if (dir == DSM_COPY_OUT) {
		memcpy(buf, sn->mem[page], DSM_PAGE_SIZE);
	} else {
		memcpy(sn->mem[page], buf, DSM_PAGE_SIZE);
		sn->hash_ok[page] = false;
	}
}

static void env_wake(void *ctx)
{
	((struct sim_node *)ctx)->wake = true;
}

static void env_panic(void *ctx, const char *file, int line, const char *expr)
{
	struct sim_node *sn = ctx;
	sim_fail(sn->sim, "node %u: ASSERT %s at %s:%d", sn->id, expr, file, line);
}

/* --- the PageServer's disk (struct sim_disk) ---------------------------- */

static bool faults_may_take(const struct sim *s, const struct sim_node *sn);

/* Disk faults come in the fault phase only, as every other fault: the
 * liveness phase measures the protocol. A call fails with chance p. */
static bool disk_fails(struct sim *s, double p)
{
	return s->cfg.faults && !s->live && sim_chance(s, p);
}

static int disk_error(struct sim *s)
{
	s->st.disk_errors++;
	return -1;
}

static int env_ps_begin(void *ctx, uint64_t t)
{
	struct sim *s = ((struct sim_node *)ctx)->sim;
	(void)t;
	s->disk.nstaged = 0;
	s->disk.nlog = 0;               /* a torn checkpoint is overwritten */
	if (disk_fails(s, s->cfg.disk_err))
		return disk_error(s);
	return s->disk.ckpts % 4u == 3u;    /* every fourth one full, as a disk may ask */
}

static int env_ps_save(void *ctx, uint32_t page, uint64_t v)
{
	struct sim_node *sn = ctx;
	struct sim_disk *d = &sn->sim->disk;
	if (page >= SIM_PAGES || !sn->mapped[page] || d->nstaged == SIM_PAGES)
		sim_fail(sn->sim, "pageserver stages page %u it does not hold", page);
	if (disk_fails(sn->sim, sn->sim->cfg.disk_err / 16))  /* one of many pages */
		return disk_error(sn->sim);
	d->staged[d->nstaged] = page;
	d->staged_v[d->nstaged++] = v;
	return 0;
}

/* The staged pages, up to `upto`, go to the log from the PageServer's own
 * copies (env.h: they are unchanged since ps_save). */
static void disk_write_log(struct sim_node *sn, uint32_t upto)
{
	struct sim_disk *d = &sn->sim->disk;
	for (; d->nlog < upto; d->nlog++)
		memcpy(d->log[d->nlog], sn->mem[d->staged[d->nlog]], DSM_PAGE_SIZE);
}

/* The commit record: the logged checkpoint is the image now (a full one
 * is the whole image: pages it left out are zero). */
static void disk_commit_record(struct sim_disk *d, uint64_t t, bool full)
{
	if (full)
		memset(d->has, 0, sizeof(d->has));
	for (uint32_t i = 0; i < d->nlog; i++) {
		uint32_t p = d->staged[i];
		memcpy(d->data[p], d->log[i], DSM_PAGE_SIZE);
		d->v[p] = d->staged_v[i];
		d->has[p] = true;
	}
	d->t = t;
	d->ckpts++;
}

/* The PageServer dies inside its disk's write, if a crash may come now
 * (node_call: it is gone from this instant, nothing after it happens). */
static void disk_crash(struct sim_node *sn, bool torn)
{
	struct sim *s = sn->sim;
	s->st.torn_writes += torn;
	if (s->cfg.verbose)
		printf("%6llu pageserver %u dies writing a checkpoint (%u of %u pages%s)\n",
		       (unsigned long long)s->now, sn->id, s->disk.nlog, s->disk.nstaged,
		       torn ? ", no commit record: torn" : " and the commit record");
	longjmp(s->crash_jb, 1);
}

/* How a checkpoint's write ends, drawn in the fault phase: written; an error
 * before the commit record (the next checkpoint overwrites it) or after it
 * (its flush failed: the image is the new one, though the core hears of an
 * error, as from pageserver/image.c); or the PageServer dies in it. */
enum disk_end { DISK_OK, DISK_ERR_BEFORE, DISK_ERR_AFTER, DISK_DIES };

static enum disk_end disk_draw_end(struct sim *s, struct sim_node *sn, uint32_t *upto)
{
	*upto = s->disk.nstaged;
	if (!disk_fails(s, 2 * s->cfg.disk_err))       /* many writes, and a flush */
		return DISK_OK;
	uint32_t k = sim_below(s, 3);
	if (k == 0 && s->in_call == sn && faults_may_take(s, sn)) {
		*upto = sim_below(s, s->disk.nstaged + 2);  /* nstaged + 1: the record too */
		return DISK_DIES;
	}
	if (k == 1)
		return DISK_ERR_AFTER;
	*upto = sim_below(s, s->disk.nstaged + 1);
	return DISK_ERR_BEFORE;
}

/* Write the staged pages and the commit record, then check the image is the
 * heap at t. */
static int env_ps_commit(void *ctx, uint64_t t, uint32_t npages, bool full)
{
	struct sim_node *sn = ctx;
	struct sim *s = sn->sim;
	struct sim_disk *d = &s->disk;
	if (npages != d->nstaged)
		sim_fail(s, "pageserver commits %u pages, staged %u", npages, d->nstaged);
	uint32_t upto;
	enum disk_end end = disk_draw_end(s, sn, &upto);
	disk_write_log(sn, upto < d->nstaged ? upto : d->nstaged);
	if (end == DISK_DIES && upto <= d->nstaged)
		disk_crash(sn, true);
	if (end == DISK_ERR_BEFORE)
		return disk_error(s);
	disk_commit_record(d, t, full);
	check_ckpt(s, t);
	if (end == DISK_DIES)
		disk_crash(sn, false);
	return end == DISK_ERR_AFTER ? disk_error(s) : 0;
}

/* The image's copy of a page. A read error (a block that fails its
 * checksum) leaves a page that is almost right in buf, and a wrong version:
 * the core must not use either. */
static int env_ps_read(void *ctx, uint32_t page, uint8_t *buf, uint64_t *v)
{
	struct sim *s = ((struct sim_node *)ctx)->sim;
	struct sim_disk *d = &s->disk;
	if (page >= SIM_PAGES || !d->has[page])
		return 1;
	memcpy(buf, d->data[page], DSM_PAGE_SIZE);
	*v = d->v[page];
	if (!disk_fails(s, s->cfg.disk_err))
		return 0;
	buf[sim_below(s, DSM_PAGE_SIZE)] ^= (uint8_t)(1u + sim_below(s, 255));
	*v += 1u + sim_below(s, 3);
	return disk_error(s);
}

static const struct dsm_env sim_env = {
	.send = env_send, .now = env_now, .random = env_random,
	.page_map = env_page_map, .page_unmap = env_page_unmap,
	.page_protect = env_page_protect, .page_copy = env_page_copy,
	.wake = env_wake, .panic = env_panic, .observe = check_observe,
	.ps_begin = env_ps_begin, .ps_save = env_ps_save, .ps_commit = env_ps_commit,
	.ps_read = env_ps_read,
};

bool sim_is_ps(const struct sim *s, const struct sim_node *sn)
{
	return s->cfg.pageserver && sn->id == s->nnodes - 1;
}

/* A PageServer boots with its disk's image, before it joins (proto.h 7.4). */
static void node_load_disk(struct sim *s, struct sim_node *sn)
{
	if (!s->disk.t)
		return;
	check_image(s, "restart");
	bool lazy = sn->incarnation % 2 == 0;   /* contents on the disk until asked for */
	for (uint32_t p = 0; p < SIM_PAGES; p++)
		if (s->disk.has[p])
			dsm_ps_load(sn->dsm, p, s->disk.v[p], lazy ? NULL : s->disk.data[p]);
	dsm_ps_loaded(sn->dsm, s->disk.t, SIM_PAGES);
}

/* --- nodes: boot, crash, restart ---------------------------------------- */

/* A clock for this life of the node: from 0 (a kernel's ticks since boot)
 * one boot in four, else from anywhere below 2^40 (the core must not care);
 * its rate a quarter of the time at either end of the drift bound, else
 * anywhere within it. */
static void node_clock_draw(struct sim *s, struct sim_node *sn)
{
	uint32_t d = s->cfg.drift_ppm;
	sn->clock_boot = s->now;
	sn->clock_base = 0;
	sn->clock_ppm = 1000000u;
	if (d == 0)
		return;
	if (sim_below(s, 4) != 0)
		sn->clock_base = sim_rand(&s->rng) >> 24;
	uint32_t k = sim_below(s, 8);
	sn->clock_ppm = k == 0 ? 1000000u - d : k == 1 ? 1000000u + d
						  : 1000000u - d + sim_below(s, 2 * d + 1);
}

/* The core's code-area counters of the node's life that ends (at a boot, or
 * the run's end): dsm_init clears them. */
static void node_collect_code(struct sim *s, const struct dsm_node *d)
{
	s->st.code_fetches += d->stats.code_fetches;
	s->st.code_timeouts += d->stats.code_timeouts;
	s->st.code_unsealed += d->stats.code_lost;
}

static void node_boot(struct sim *s, struct sim_node *sn)
{
	node_collect_code(s, sn->dsm);
	memset(sn->mapped, 0, sizeof(sn->mapped));
	memset(sn->prot, 0, sizeof(sn->prot));
	memset(sn->hash_ok, 0, sizeof(sn->hash_ok));
	memset(sn->prev_known, 0, sizeof(sn->prev_known));
	sn->prev_gtime = 0;
	sn->up = true;
	sn->wake = false;
	sn->busy = false;
	sn->next_op_at = s->now + sim_below(s, 4);
	sn->rng = sim_rand(&s->rng);
	sn->incarnation++;
	node_clock_draw(s, sn);
	work_code_boot(sn);
	struct dsm_config c = {.id = sn->id, .cluster = 7, .manager = sn->id == 0,
			       .npages = SIM_PAGES, .part_pages = (uint16_t)s->cfg.part_pages,
			       .recover_span = (uint16_t)s->cfg.recover_span,
			       .pageserver = sim_is_ps(s, sn), .ckpt_ticks = s->cfg.ckpt_ticks};
	dsm_init(sn->dsm, &sim_env, sn, &c);
	if (c.pageserver)
		node_load_disk(s, sn);
}

static void node_crash(struct sim *s, struct sim_node *sn)
{
	sn->up = false;
	s->st.crashes++;
	check_crash(s, sn);
	sn->restart_at = s->now + 30 + sim_below(s, 120);
	if (s->cfg.verbose)
		printf("%6llu crash node %u\n", (unsigned long long)s->now, sn->id);
}

/* A crash may come while fewer than half the nodes but the manager are down. */
static bool faults_may_crash(const struct sim *s)
{
	int down = 0;
	for (int i = 0; i < s->nnodes; i++)
		down += !s->node[i]->up;
	return down * 2 < s->nnodes - 1;
}

/* With the master dead for good (cfg.kill_mgr_at) the PageServer is the one
 * node that can go on as the manager (proto.h 11): it fails only once it took
 * over, its epoch is on its disk and every node up follows it, so that 11.4
 * brings it back (a second failure the protocol does not promise to outlive). */
static bool faults_ps_needed(const struct sim *s, const struct sim_node *sn)
{
	const struct dsm_node *d = sn->dsm;
	if (!sim_is_ps(s, sn) || !s->cfg.kill_mgr_at)
		return false;
	if (!d->mgr.active || d->mgr.unsaved)
		return true;
	for (int i = 1; i < s->nnodes; i++)
		if (s->node[i]->up && s->node[i]->dsm->manager != sn->id)
			return true;
	return false;
}

/* ... and may take sn. */
static bool faults_may_take(const struct sim *s, const struct sim_node *sn)
{
	return !faults_ps_needed(s, sn) && faults_may_crash(s);
}

enum node_entry { NODE_FRAME, NODE_TICK };

/* Every call into a node's core: a PageServer may die inside one (in its
 * disk's write, disk_crash), and is down from that instant on. */
static void node_call(struct sim *s, struct sim_node *sn, enum node_entry e,
		      const struct sim_frame *f)
{
	if (setjmp(s->crash_jb)) {
		s->in_call = NULL;
		node_crash(s, sn);
		return;
	}
	s->in_call = sn;
	if (e == NODE_FRAME)
		dsm_frame_in(sn->dsm, f->data, f->len);
	else
		dsm_tick(sn->dsm);
	s->in_call = NULL;
}

/* --- faults ------------------------------------------------------------- */

static void faults_heal(struct sim *s)
{
	memset(s->cut, 0, sizeof(s->cut));
}

static void faults_partition(struct sim *s)
{
	faults_heal(s);
	uint32_t side = 0;
	for (int i = 0; i < s->nnodes; i++)
		side |= sim_below(s, 2) << i;
	bool one_way = sim_below(s, 3) == 0;
	for (int a = 0; a < s->nnodes; a++)
		for (int b = 0; b < s->nnodes; b++)
			if (((side >> a) & 1) && !((side >> b) & 1)) {
				s->cut[a][b] = true;
				s->cut[b][a] = !one_way;
			}
	s->heal_at = s->now + 20 + sim_below(s, 150);
	s->st.partitions++;
}

/* The long partition of cfg.split_at: node 0 (the manager) on one side, the
 * PageServer and at least one other node on the other, long enough for the
 * PageServer to take over (proto.h 11). */
static void faults_split(struct sim *s)
{
	int ps = s->nnodes - 1;
	bool away[SIM_NODES_MAX] = {false};
	int others = 0;
	away[ps] = true;
	for (int i = 1; i < ps; i++) {
		away[i] = sim_below(s, 2) != 0;
		others += away[i];
	}
	if (others == 0)
		away[ps - 1] = true;
	faults_heal(s);
	for (int a = 0; a < s->nnodes; a++)
		for (int b = 0; b < s->nnodes; b++)
			s->cut[a][b] = away[a] != away[b];
	s->heal_at = s->now + s->cfg.split_ticks;
	s->st.partitions++;
	s->st.splits++;
	if (s->cfg.verbose)
		printf("%6llu split: the PageServer away from the manager for %llu ticks\n",
		       (unsigned long long)s->now, (unsigned long long)s->cfg.split_ticks);
}

/* cfg.kill_mgr_at: node 0, the master, dies for good once the PageServer's
 * disk holds the whole code area; the PageServer serves it from then on
 * (proto.h 8.7, and as orphans after it took over, 11). */
static void faults_kill_master(struct sim *s)
{
	struct sim_node *m = s->node[0], *ps = s->node[s->nnodes - 1];
	if (!work_code_kill_due(s) || !m->up || !ps->up)
		return;
	s->code.killed = true;
	s->st.master_kills++;
	node_crash(s, m);
	if (s->cfg.verbose)
		printf("%6llu node 0, the master, dies for good\n", (unsigned long long)s->now);
}

static void faults_step(struct sim *s)
{
	if (!s->cfg.faults || s->live)
		return;
	if (s->cfg.split_at && s->now == s->cfg.split_at) {
		faults_split(s);
	} else if (s->heal_at && s->now >= s->heal_at) {
		faults_heal(s);
		s->heal_at = 0;
	} else if (!s->heal_at && sim_chance(s, 0.004)) {
		faults_partition(s);
	}
	for (int i = 1; i < s->nnodes; i++) {
		struct sim_node *sn = s->node[i];
		if (!sn->up && s->now >= sn->restart_at)
			node_boot(s, sn);
		else if (sn->up && faults_may_take(s, sn) && sim_chance(s, 0.0004))
			node_crash(s, sn);
	}
	faults_kill_master(s);
}

/* --- the run loop ------------------------------------------------------- */

static void run_deliver(struct sim *s)
{
	for (uint32_t k = 0; k < SIM_NET_MAX && s->nheap && s->heap[0]->due <= s->now; k++) {
		struct sim_frame *f = net_pop(s);
		s->delivering = f;
		struct sim_node *sn = s->node[f->dst];
		if (sn->up && !s->cut[f->src][f->dst]) {
			digest_mix(s, sim_hash(f->data, f->len) ^ ((uint64_t)f->dst << 48));
			s->st.frames_delivered++;
			node_call(s, sn, NODE_FRAME, f);  /* snooped too (8.8) */
			check_event(s, sn);
		}
		s->delivering = NULL;
		free(f);
	}
}

void work_step(struct sim *s, struct sim_node *sn);

static void run_tick(struct sim *s)
{
	run_deliver(s);
	uint32_t first = sim_below(s, (uint32_t)s->nnodes);
	for (int k = 0; k < s->nnodes; k++) {
		struct sim_node *sn = s->node[(first + (uint32_t)k) % (uint32_t)s->nnodes];
		if (!sn->up)
			continue;
		node_call(s, sn, NODE_TICK, NULL);
		check_event(s, sn);
		if (!sn->up)
			continue;       /* it died in the tick (disk_crash) */
		work_step(s, sn);
		check_event(s, sn);
	}
	faults_step(s);
	digest_mix(s, s->now);
}

static void run_enter_live(struct sim *s)
{
	s->live = true;
	faults_heal(s);
	s->heal_at = 0;
	for (int i = 0; i < s->nnodes; i++) {
		struct sim_node *sn = s->node[i];
		if (!sn->up && !(i == 0 && s->code.killed))
			node_boot(s, sn);
		if (sn->busy && sn->op.start < s->now)
			sn->op.start = s->now;
	}
}

static void run_liveness_check(struct sim *s)
{
	for (int i = 0; i < s->nnodes; i++) {
		struct sim_node *sn = s->node[i];
		if (sn->up && sn->busy && s->now - sn->op.start > s->cfg.live_bound)
			sim_fail(s, "liveness: node %u op %u pending for %llu ticks (txn state %d, "
				 "retries %u, gtime %llu, recovering %d)", sn->id, sn->op.kind,
				 (unsigned long long)(s->now - sn->op.start),
				 txn_state(sn->dsm), sn->op.retries,
				 (unsigned long long)sn->dsm->gtime, sn->dsm->recovering);
		/* the PageServer that was the manager takes over again instead (11.4) */
		uint64_t join_bound = sim_is_ps(s, sn) ? sim_real_ticks(s, DSM_TAKEOVER_TICKS) + 200u
						       : 200u;
		if (sn->up && sn->dsm->mode != DSM_ACTIVE &&
		    s->now - s->cfg.safety_ticks > join_bound)
			sim_fail(s, "liveness: node %u never joined", sn->id);
	}
}

static void run_setup(struct sim *s, const struct sim_cfg *cfg)
{
	s->cfg = *cfg;
	s->rng = cfg->seed * 0x2545F4914F6CDD1Dull + 1;
	s->nnodes = cfg->nodes;
	s->digest = 0xcbf29ce484222325ull;
	s->heap = calloc(SIM_NET_MAX, sizeof(*s->heap));
	check_init(s);
	work_code_init(s);
	for (int i = 0; i < s->nnodes; i++) {
		struct sim_node *sn = calloc(1, sizeof(*sn));
		sn->sim = s;
		sn->id = (uint16_t)i;
		sn->dsm = calloc(1, sizeof(*sn->dsm));
		s->node[i] = sn;
	}
	for (int i = 0; i < s->nnodes; i++)
		node_boot(s, s->node[i]);
}

static void run_teardown(struct sim *s)
{
	free(s->delivering);
	while (s->nheap)
		free(net_pop(s));
	free(s->heap);
	for (int i = 0; i < s->nnodes; i++) {
		free(s->node[i]->dsm);
		free(s->node[i]);
	}
	check_free(s);
}

static void run_collect(struct sim *s)
{
	s->st.min_node_commits = UINT64_MAX;
	for (int i = 0; i < s->nnodes; i++) {
		struct dsm_node *d = s->node[i]->dsm;
		if (s->node[i]->ops_committed < s->st.min_node_commits)
			s->st.min_node_commits = s->node[i]->ops_committed;
		for (int c = 0; c < TXN_NCAUSES; c++)
			s->st.aborts_cause[c] += d->txn.n_cause[c];
		s->st.page_reqs += d->stats.page_reqs;
		s->st.recoveries += d->stats.recoveries;
		s->st.snooped += d->ps.n_snooped;
		s->st.follows += d->takeovers;
		node_collect_code(s, d);
	}
}

/* The manager of the newest epoch: node 0 until the PageServer takes over
 * (proto.h 11); after a split, the old one may still run on its side. */
struct sim_node *sim_manager(struct sim *s)
{
	struct sim_node *best = s->node[0];
	for (int i = 1; i < s->nnodes; i++) {
		struct sim_node *sn = s->node[i];
		if (sn->up && sn->dsm->mgr.active && sn->dsm->mgr.time > best->dsm->mgr.time)
			best = sn;
	}
	return best;
}

/* --verbose: the state of every node and of the manager after a failure. */
static void sim_dump(struct sim *s)
{
	const struct dsm_mgr *g = &sim_manager(s)->dsm->mgr;
	printf("manager %u:", sim_manager(s)->id);
	printf(" time %llu held %d holder %u grant %u txn %u lease_end %llu "
	       "grants %u revoked %u decided %u\n", (unsigned long long)g->time, g->held,
	       g->holder, g->grant, g->holder_txn, (unsigned long long)g->lease_end,
	       g->n_grants, g->n_revoked, g->n_decided);
	for (int i = 0; i < s->nnodes; i++) {
		const struct sim_node *sn = s->node[i];
		const struct dsm_node *d = sn->dsm;
		const struct dsm_waiter *w = &g->wait[i];
		printf("node %2d up %d mode %u gtime %llu seen %llu rec %d txn %u seq %u granted %d "
		       "grant %u/%llu starving %d aborts %u fetch %d/%u start %llu stale %u rej %u wait %d/%u/%u busy %d\n",
		       i, sn->up, d->mode, (unsigned long long)d->gtime,
		       (unsigned long long)d->seen, d->recovering, d->txn.status, d->txn.seq,
		       d->txn.granted, d->txn.grant, (unsigned long long)d->txn.grant_t,
		       d->txn.starving, d->txn.aborts, d->fetch.active, d->fetch.page, (unsigned long long)d->fetch.start, d->stats.stale_replies, d->stats.pages_rejected,
		       w->waiting, w->order, w->txn, sn->busy);
	}
}

int sim_run(const struct sim_cfg *cfg, struct sim_stats *out, uint64_t *digest, char *why,
	    size_t whylen)
{
	struct sim *s = calloc(1, sizeof(*s));
	if (setjmp(s->panic_jb) == 0) {
		run_setup(s, cfg);
		uint64_t end = cfg->safety_ticks + cfg->live_ticks;
		for (s->now = 1; s->now <= end; s->now++) {
			if (s->now == cfg->safety_ticks)
				run_enter_live(s);
			run_tick(s);
			if (s->live)
				run_liveness_check(s);  /* every mode, the bench's too */
		}
		if (!cfg->bench) {
			work_final_check(s);
			history_check(s);
		}
	}
	if (s->failed && cfg->verbose)
		sim_dump(s);
	run_collect(s);
	int failed = s->failed;
	if (why)
		snprintf(why, whylen, "%s", s->why);
	if (out)
		*out = s->st;
	if (digest)
		*digest = s->digest;
	run_teardown(s);
	free(s);
	return failed ? 1 : 0;
}

/* Everything about a run is drawn from its seed, so `make sim SEED=n` replays. */
void sim_cfg_from_seed(struct sim_cfg *c, uint64_t seed)
{
	uint64_t r = seed ^ 0xA5A5A5A55A5A5A5Aull;
	memset(c, 0, sizeof(*c));
	c->seed = seed;
	static const int sizes[] = {2, 2, 3, 3, 4, 4, 5, 6, 8, 16};
	c->nodes = sizes[sim_rand(&r) % 10];
	c->workloads = (int)(sim_rand(&r) % 63) + 1;   /* any mix of the six, objects too */
	c->faults = sim_rand(&r) % 8 != 0;
	c->safety_ticks = 300;
	c->live_ticks = 1400;
	c->live_new_ops = 500;
	c->live_bound = 900;
	c->part_pages = 1 + (uint32_t)(sim_rand(&r) % 4);
	c->loss = 0.02 + (double)(sim_rand(&r) % 8) / 100.0;
	c->dup = 0.02;
	c->corrupt = 0.01;
	c->delay_max = 1 + (uint32_t)(sim_rand(&r) % 6);
	c->pageserver = c->nodes >= 3 && sim_rand(&r) % 2 == 0;
	c->ckpt_ticks = 40 + (uint32_t)(sim_rand(&r) % 80);
	static const uint32_t spans[] = {8, 16, 24, 0};  /* 6, 2 or 3 RecoverAck parts, or 1 */
	c->recover_span = spans[sim_rand(&r) % 4];
	if (c->pageserver && c->faults && sim_rand(&r) % 3 == 0) {
		c->split_at = 250 + sim_rand(&r) % 100;
		c->split_ticks = 600 + sim_rand(&r) % 300;
		c->safety_ticks = c->split_at + c->split_ticks + 150;
	}
	c->disk_err = (double)(sim_rand(&r) % 5) * 0.04;   /* 0 (a sound disk) .. 16 % */
	c->drift_ppm = DSM_CLOCK_DRIFT_PPM;
	c->strict_ro = true;          /* proto.h 3.9: read-only transactions are strict */
	c->code_at = sim_rand(&r) % 4 == 0 ? sim_rand(&r) % 80 : 0; /* late: nodes look early */
	if (c->pageserver && c->faults && !c->split_at && sim_rand(&r) % 3 == 0) {
		c->kill_mgr_at = 150 + sim_rand(&r) % 100;
		c->safety_ticks = c->kill_mgr_at + 1000;
	}
}
