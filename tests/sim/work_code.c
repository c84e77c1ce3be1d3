/*
 * work_code.c: the code area (proto.h 12), used as kernel/kcode.c uses it.
 * Owns struct sim_code (the image, drawn from the seed, and the install's
 * progress) and each node's view of the area (the code_* fields of struct
 * sim_node). Touches the heap only through sim_load/sim_store (work.c) and
 * the core's dsm_code_* calls; the checker of the area's truth (a code page
 * never changes after its install) is check.c's.
 *
 *   install  node 0, the master, from cfg.code_at: the image pages in
 *            ordinary write transactions, SIM_CODE_INSTALL pages each, then
 *            the descriptor LAST (a magic, the page count, a hash per image
 *            page, a hash of these), then it seals the range with its time.
 *   publish  node 0, sealed, once the core says no takeover can lose the
 *            install (dsm_code_saved; it asks for checkpoints meanwhile):
 *            a transaction writes the install's time into SIM_PG_CODE_READY
 *            (12.4), and again now and then (a takeover may lose the word).
 *            A takeover to an older image before that unseals node 0 (12.5,
 *            the core's): it installs again.
 *   look     every other node but the PageServer (it runs no code): read the
 *            publication in a read-only transaction until it holds a time;
 *            then, outside a transaction, seal with that time, read the
 *            descriptor through a code fault, keep the seal if it is whole,
 *            else unseal and look again later (12.1). A restarted node looks
 *            again (node 0 too, once installed; unpublished, it seals with
 *            its own time, an upper bound of the install's, and publishes).
 *            Until its seal stays a node runs nothing else, and node 0
 *            nothing before its install.
 *   run      fault code pages in, outside a transaction or inside one (an
 *            OP_CODE_RUN, or any workload's body now and then), and check
 *            each against the descriptor, as kcode_page_in does; now and
 *            then try a write, which the core must refuse with DSM_EROFS.
 *            After the heal every node runs every page once (the liveness
 *            bound of the run's op, and work_code_final).
 */
#include <stdio.h>
#include <string.h>

#include "tests/sim/sim.h"

#define SIM_CODE_INSTALL 2u     /* image pages one install transaction writes */
#define SIM_CODE_STAGES ((SIM_CODE_IMAGE + SIM_CODE_INSTALL - 1u) / SIM_CODE_INSTALL + 1u)
#define SIM_KILL_WAIT 150u      /* ticks cfg.kill_mgr_at waits for the area on the disk */
#define SIM_ASK_TICKS 40u       /* node 0 asks for a checkpoint to publish this often */

/* Descriptor words: magic, pages, a hash per image page, the hash of those. */
enum { DESC_MAGIC = 0, DESC_PAGES = 1, DESC_HASH = 2, DESC_SELF = DESC_HASH + SIM_CODE_IMAGE };

static uint64_t desc_word(const uint8_t *d, uint32_t w)
{
	uint64_t v;
	memcpy(&v, d + 8u * w, sizeof(v));
	return v;
}

static void desc_put(uint8_t *d, uint32_t w, uint64_t v)
{
	memcpy(d + 8u * w, &v, sizeof(v));
}

static bool desc_whole(const uint8_t *d)
{
	return desc_word(d, DESC_MAGIC) == SIM_CODE_MAGIC &&
	       desc_word(d, DESC_PAGES) == SIM_CODE_IMAGE &&
	       desc_word(d, DESC_SELF) == sim_hash(d, 8u * DESC_SELF);
}

/* This node's seal of the area (proto.h 12.6: the one segment here), or NULL. */
static const struct dsm_code_seg *code_seg(const struct sim_node *sn)
{
	return dsm_code_seg(sn->dsm, SIM_PG_CODE);
}

static bool code_installed(const struct sim *s)
{
	return s->code.v[0] != 0;
}

/* The first install transaction with a page the heap lacks (check.c keeps
 * what each page was installed at, and forgets it when a takeover loses
 * the install: 12.5); the descriptor's is the last. */
static uint32_t code_next_stage(const struct sim *s)
{
	for (uint32_t i = 0; i < SIM_CODE_IMAGE; i++)
		if (!s->code.v[1u + i])
			return i / SIM_CODE_INSTALL;
	return SIM_CODE_STAGES - 1u;
}

/* The image from the seed alone; the descriptor, as the master builds it. */
void work_code_init(struct sim *s)
{
	struct sim_code *c = &s->code;
	uint64_t r = s->cfg.seed ^ 0xC0DEC0DEC0DEull;
	for (uint32_t i = 0; i < SIM_CODE_IMAGE; i++) {
		for (uint32_t w = 0; w < DSM_PAGE_SIZE / 8u; w++)
			desc_put(c->image[i], w, sim_rand(&r));
		c->hash[1 + i] = sim_hash(c->image[i], DSM_PAGE_SIZE);
		desc_put(c->desc, DESC_HASH + i, c->hash[1 + i]);
	}
	desc_put(c->desc, DESC_MAGIC, SIM_CODE_MAGIC);
	desc_put(c->desc, DESC_PAGES, SIM_CODE_IMAGE);
	desc_put(c->desc, DESC_SELF, sim_hash(c->desc, 8u * DESC_SELF));
	c->hash[0] = sim_hash(c->desc, DSM_PAGE_SIZE);
}

void work_code_boot(struct sim_node *sn)
{
	sn->code_sealed = false;
	sn->code_ran_live = false;
	sn->code_had = 0;
	sn->code_next_look = sn->sim->now;
	sn->code_ready_t = 0;
	sn->code_look_own = false;
}

/* Does the PageServer know of a good checkpoint with the whole code area
 * (one it can take over with, proto.h 11.2; the disk may hold a newer one
 * it heard an error of)? */
bool work_code_saved(const struct sim *s)
{
	const struct sim_node *ps = s->node[s->nnodes - 1];
	return code_installed(s) && ps->up && ps->dsm->image_good_t >= s->code.v[0];
}

/* Nodes but the master run no code (they may read the descriptor) until
 * cfg.kill_mgr_at killed the master, or gave up waiting for the area to be
 * on the disk: the PageServer serves the image pages. */
static bool code_held(const struct sim *s)
{
	return s->cfg.kill_mgr_at && !s->code.killed &&
	       s->now <= s->cfg.kill_mgr_at + SIM_KILL_WAIT;
}

/* Is it time to kill the master (sim.c)? Once the area is on the disk, and
 * early enough for the PageServer to take over before the heal. */
bool work_code_kill_due(const struct sim *s)
{
	return code_held(s) && s->now >= s->cfg.kill_mgr_at && work_code_saved(s);
}

static void pick_run(struct sim *s, struct sim_node *sn, struct sim_op *op)
{
	op->kind = OP_CODE_RUN;
	op->in_txn = sim_below(s, 2) == 0;
	op->b = sim_below(s, SIM_CODE_IMAGE);
	if (work_code_due(s, sn)) {
		op->a = SIM_CODE_IMAGE;         /* every page, and a write */
		op->amount = 1;
		return;
	}
	op->a = 1 + sim_below(s, 2);
	op->amount = sim_below(s, 4) == 0;
}

/* May sn start an op now? Node 0 waits for cfg.code_at, then installs; any
 * other node does nothing but look until its seal stays, as a kernel waits
 * for its descriptor before it runs anything. */
bool work_code_ready(const struct sim *s, const struct sim_node *sn)
{
	if (s->cfg.bench || sim_is_ps(s, sn))
		return true;
	if (sn->id == 0)
		return code_installed(s) || s->now >= s->cfg.code_at;
	return sn->code_sealed || s->now >= sn->code_next_look;
}

/* Must sn still run every code page since the heal (ops or no new ops)? */
bool work_code_due(const struct sim *s, const struct sim_node *sn)
{
	return !s->cfg.bench && s->live && !sim_is_ps(s, sn) && !sn->code_ran_live;
}

/* 12.5: the core unsealed node 0's install (a takeover reset the heap to an
 * image older than it, before it was published): it installs again. */
static void code_seal_lost(struct sim *s, struct sim_node *sn)
{
	if (!sn->code_sealed || code_seg(sn))
		return;
	if (sn->id != 0 || s->code.published)
		sim_fail(s, "code: node %u lost its seal of the code area (seals lost %u, %s)",
			 sn->id, sn->dsm->stats.code_lost,
			 s->code.published ? "published" : "not published");
	sn->code_sealed = false;
	sn->code_had = 0;
	sn->code_ready_t = 0;
	sn->code_look_own = false;
}

/* Node 0, sealed: publish the install once it is saved (12.4), and again
 * now and then, as a takeover may lose the word; until it is saved, ask
 * for a checkpoint every SIM_ASK_TICKS. */
static bool code_publish_due(struct sim *s, struct sim_node *sn)
{
	if (!dsm_code_saved(sn->dsm, SIM_PG_CODE)) {
		if (s->now >= s->code.next_ask && sn->dsm->mode == DSM_ACTIVE) {
			(void)dsm_ckpt_ask(sn->dsm);
			s->code.next_ask = s->now + SIM_ASK_TICKS;
		}
		return false;
	}
	return sn->code_ready_t != code_seg(sn)->install_t || sim_below(s, 8) == 0;
}

/* The op, if the code area wants one of this node now (op is zeroed); else
 * a workload's body may run one code page first (op->code). */
bool work_code_pick(struct sim *s, struct sim_node *sn)
{
	struct sim_op *op = &sn->op;
	if (s->cfg.bench || sim_is_ps(s, sn))
		return false;
	code_seal_lost(s, sn);
	if (sn->id == 0 && !code_installed(s) && !sn->code_sealed) {
		op->kind = OP_CODE_INSTALL;
		op->a = code_next_stage(s);
		return true;
	}
	if (!sn->code_sealed) {
		op->kind = sn->code_ready_t || (sn->id == 0 && sn->code_look_own) ? OP_CODE_LOOK
										   : OP_CODE_READY;
		return true;
	}
	if (sn->id == 0 && code_publish_due(s, sn)) {
		op->kind = OP_CODE_PUBLISH;
		return true;
	}
	if (code_held(s))
		return false;
	if (work_code_due(s, sn) || sim_below(s, 6) == 0) {
		pick_run(s, sn, op);
		return true;
	}
	if (sim_below(s, 4) == 0)
		op->code = 1 + sim_below(s, SIM_CODE_IMAGE);
	return false;
}

bool work_code_outside(const struct sim_op *op)
{
	return op->kind == OP_CODE_LOOK || (op->kind == OP_CODE_RUN && !op->in_txn);
}

/* A page of the install: the write fault puts it in the write set. */
static void code_put(struct sim_node *sn, uint32_t page, const uint8_t *data)
{
	sim_store(sn, page, 0, 0);
	memcpy(sn->mem[page], data, DSM_PAGE_SIZE);
	sn->hash_ok[page] = false;
}

static void code_install(struct sim_node *sn, uint32_t stage)
{
	const struct sim_code *c = &sn->sim->code;
	uint32_t first = stage * SIM_CODE_INSTALL;
	if (stage == SIM_CODE_STAGES - 1u) {
		code_put(sn, SIM_PG_CODE, c->desc);
		return;
	}
	for (uint32_t i = first; i < first + SIM_CODE_INSTALL && i < SIM_CODE_IMAGE; i++)
		code_put(sn, SIM_PG_CODE + 1u + i, c->image[i]);
}

static void code_keep_desc(struct sim_node *sn, const uint8_t *d)
{
	for (uint32_t i = 0; i < SIM_CODE_IMAGE; i++)
		sn->code_desc[i] = desc_word(d, DESC_HASH + i);
	sn->code_sealed = true;
}

static void code_look_later(struct sim_node *sn)
{
	sn->code_next_look = sn->sim->now + 20u + sim_below(sn->sim, 40);
}

/* As kcode.c's desc_look: the seal stays while the fault waits; its time is
 * the publication's (node 0's own, unpublished: its time now, after it). */
static void code_look(struct sim_node *sn)
{
	if (!code_seg(sn))
		(void)dsm_code_seal(sn->dsm, SIM_PG_CODE, SIM_CODE_PAGES,
				    sn->code_ready_t ? sn->code_ready_t : sn->dsm->gtime);
	(void)sim_load(sn, SIM_PG_CODE, 0);
	if (desc_whole(sn->mem[SIM_PG_CODE])) {
		code_keep_desc(sn, sn->mem[SIM_PG_CODE]);
		return;
	}
	dsm_code_unseal(sn->dsm, SIM_PG_CODE);
	sn->code_ready_t = 0;
	sn->code_look_own = false;
	code_look_later(sn);
}

/* 12.4: the publication, in a transaction (the body may run again). */
static void code_read_ready(struct sim_node *sn)
{
	sn->op.value = sim_load(sn, SIM_PG_CODE_READY, 0);
}

static void code_publish(struct sim_node *sn)
{
	uint64_t t = code_seg(sn)->install_t;
	if (sim_load(sn, SIM_PG_CODE_READY, 0) != t)
		sim_store(sn, SIM_PG_CODE_READY, 0, t);
}

/* Run image page i: fault it in, then it must be what the descriptor says. */
static void code_run_page(struct sim_node *sn, uint32_t i)
{
	uint32_t page = SIM_PG_CODE + 1u + i;
	(void)sim_load(sn, page, 0);
	if (sim_node_hash(sn, page) != sn->code_desc[i])
		sim_fail(sn->sim, "code: node %u runs page %u (version %llu) unlike its descriptor",
			 sn->id, page, (unsigned long long)sn->dsm->page[page].version);
}

/* A write to a sealed page: refused, and nothing of it is mapped. */
static void code_try_write(struct sim_node *sn, uint32_t i)
{
	uint32_t page = SIM_PG_CODE + 1u + i;
	int r = dsm_fault(sn->dsm, page, true);
	if (r != DSM_EROFS || sn->prot[page] == DSM_PROT_WRITE)
		sim_fail(sn->sim, "code: node %u writes sealed page %u: the fault says %d, not "
			 "DSM_EROFS (protection %u)", sn->id, page, r, sn->prot[page]);
}

static void code_run(struct sim_node *sn, const struct sim_op *op)
{
	for (uint32_t k = 0; k < op->a; k++)
		code_run_page(sn, (op->b + k) % SIM_CODE_IMAGE);
	if (op->amount)
		code_try_write(sn, op->b);
	if (op->a == SIM_CODE_IMAGE && sn->sim->live)
		sn->code_ran_live = true;
}

void work_code_body(struct sim_node *sn)
{
	const struct sim_op *op = &sn->op;
	if (op->kind == OP_CODE_INSTALL)
		code_install(sn, op->a);
	else if (op->kind == OP_CODE_LOOK)
		code_look(sn);
	else if (op->kind == OP_CODE_READY)
		code_read_ready(sn);
	else if (op->kind == OP_CODE_PUBLISH)
		code_publish(sn);
	else
		code_run(sn, op);
}

/* A workload's body runs one code page first, in its transaction. */
void work_code_exec(struct sim_node *sn)
{
	if (sn->op.code && sn->code_sealed)
		code_run_page(sn, sn->op.code - 1u);
}

/* The op committed: an install's stage is done; after the descriptor the
 * master seals the area. */
void work_code_committed(struct sim *s, struct sim_node *sn)
{
	if (sn->op.kind == OP_CODE_READY) {
		sn->code_ready_t = sn->op.value;
		sn->code_look_own = sn->id == 0 && code_installed(s) && !sn->op.value;
		if (!sn->op.value && !sn->code_look_own)
			code_look_later(sn);
		return;
	}
	if (sn->op.kind == OP_CODE_PUBLISH) {
		sn->code_ready_t = code_seg(sn)->install_t;
		return;
	}
	if (sn->op.kind != OP_CODE_INSTALL || sn->op.a != SIM_CODE_STAGES - 1u ||
	    !dsm_code_seal(sn->dsm, SIM_PG_CODE, SIM_CODE_PAGES, sn->dsm->txn.commit_t))
		return;         /* not the descriptor, or a reset lost it already (12.5) */
	code_keep_desc(sn, s->code.desc);
	if (s->cfg.verbose)
		printf("%6llu code: node %u installed and sealed the code area (pages %u..%u)\n",
		       (unsigned long long)s->now, sn->id, SIM_PG_CODE,
		       SIM_PG_CODE + SIM_CODE_PAGES - 1u);
}

/* Liveness: after the heal every node that runs code ran every page. */
void work_code_final(struct sim *s)
{
	if (!code_installed(s))
		sim_fail(s, "liveness: node 0 never installed the code area (stage %u)",
			 code_next_stage(s));
	for (int i = 0; i < s->nnodes; i++) {
		const struct sim_node *sn = s->node[i];
		if (sn->up && !sim_is_ps(s, sn) && !sn->code_ran_live)
			sim_fail(s, "liveness: node %d never ran every code page after the heal "
				 "(descriptor %s)", i, sn->code_sealed ? "read" : "not read");
	}
}
