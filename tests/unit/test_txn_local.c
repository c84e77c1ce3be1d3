/*
 * test_txn_local.c: transactions on a one-node cluster (the master alone),
 * through a minimal fake environment: a write faults, shadows, commits at
 * time 1 through the node's own token manager; an abort restores the shadow;
 * a read-only transaction commits without the token.
 */
#include <stdlib.h>
#include <string.h>

#include "dsm/impl.h"     /* dsm_page_drop, dsm_page_set: the module's own */
#include "tests/unit/check.h"

#define T_PAGES 4

struct t_env {
	uint64_t now;
	uint32_t rnd;
	uint8_t mem[T_PAGES][DSM_PAGE_SIZE];
	uint8_t prot[T_PAGES];
	int sent, wakes, panics;
};

static void t_send(void *c, uint16_t d, const uint8_t *f, size_t l)
{
	(void)d; (void)f; (void)l;
	((struct t_env *)c)->sent++;
}
static uint64_t t_now(void *c) { return ((struct t_env *)c)->now; }
static uint32_t t_random(void *c) { return ++((struct t_env *)c)->rnd * 2654435761u; }
static void t_map(void *c, uint32_t p) { memset(((struct t_env *)c)->mem[p], 0, DSM_PAGE_SIZE); }
static void t_unmap(void *c, uint32_t p) { (void)c; (void)p; }
static void t_protect(void *c, uint32_t p, enum dsm_prot pr) { ((struct t_env *)c)->prot[p] = (uint8_t)pr; }
static void t_copy(void *c, uint32_t p, enum dsm_copy dir, uint8_t *buf)
{
	struct t_env *e = c;
	if (dir == DSM_COPY_OUT)
		memcpy(buf, e->mem[p], DSM_PAGE_SIZE);
	else
		memcpy(e->mem[p], buf, DSM_PAGE_SIZE);
}
static void t_wake(void *c) { ((struct t_env *)c)->wakes++; }
static void t_panic(void *c, const char *f, int l, const char *e)
{
	printf("  panic %s:%d %s\n", f, l, e);
	((struct t_env *)c)->panics++;
}

static const struct dsm_env t_ops = {
	.send = t_send, .now = t_now, .random = t_random, .page_map = t_map,
	.page_unmap = t_unmap, .page_protect = t_protect, .page_copy = t_copy,
	.wake = t_wake, .panic = t_panic,
};

static struct dsm_node *t_boot(struct t_env *e)
{
	struct dsm_node *n = calloc(1, sizeof(*n));
	memset(e, 0, sizeof(*e));
	struct dsm_config c = {.id = 0, .cluster = 1, .manager = true, .npages = T_PAGES};
	dsm_init(n, &t_ops, e, &c);
	return n;
}

/* Tick the one-node cluster until the commit is decided (a few ticks). */
static void commit_ticks(struct dsm_node *n, struct t_env *e)
{
	for (int i = 0; i < 5 && txn_state(n) != TXN_COMMITTED; i++) {
		e->now++;
		dsm_tick(n);
	}
}

TEST(txn_local_write_commits_at_time_1)
{
	struct t_env *e = calloc(1, sizeof(*e));
	struct dsm_node *n = t_boot(e);
	REQUIRE(txn_begin(n) == TXN_OK);
	CHECK(e->prot[2] == DSM_PROT_NONE);
	REQUIRE(dsm_fault(n, 2, true) == DSM_OK);
	CHECK(e->prot[2] == DSM_PROT_WRITE);
	e->mem[2][0] = 42;
	CHECK(txn_commit(n) == TXN_EWAIT);
	commit_ticks(n, e);
	CHECK(txn_state(n) == TXN_COMMITTED);
	CHECK(n->gtime == 1 && n->mgr.time == 1);
	CHECK(n->page[2].state == DSM_OWNED && n->page[2].version == 1);
	CHECK(e->prot[2] == DSM_PROT_NONE);
	CHECK(e->mem[2][0] == 42 && e->panics == 0);
	free(n);
	free(e);
}

TEST(txn_local_abort_restores_shadow)
{
	struct t_env *e = calloc(1, sizeof(*e));
	struct dsm_node *n = t_boot(e);
	e->mem[1][7] = 5;
	REQUIRE(txn_begin(n) == TXN_OK);
	REQUIRE(dsm_fault(n, 1, true) == DSM_OK);
	e->mem[1][7] = 99;
	txn_abort(n);
	CHECK(txn_state(n) == TXN_ABORTED);
	CHECK(e->mem[1][7] == 5);
	CHECK(n->page[1].shadow == 0 && n->page[1].access == 0);
	CHECK(dsm_fault(n, 1, false) == DSM_EABORTED);
	CHECK(n->gtime == 0 && e->panics == 0);
	free(n);
	free(e);
}

TEST(txn_local_read_only_needs_no_token)
{
	struct t_env *e = calloc(1, sizeof(*e));
	struct dsm_node *n = t_boot(e);
	REQUIRE(txn_begin(n) == TXN_OK);
	REQUIRE(dsm_fault(n, 0, false) == DSM_OK);
	CHECK(e->prot[0] == DSM_PROT_READ);
	CHECK(txn_commit(n) == TXN_OK);
	CHECK(txn_state(n) == TXN_COMMITTED && n->mgr.n_grants == 0);
	CHECK(dsm_fault(n, T_PAGES, false) == DSM_EINVAL);
	free(n);
	free(e);
}

/* proto.h 12: the master installs pages 2..3 in a commit, then seals them. */
TEST(txn_local_code_area_sealed)
{
	struct t_env *e = calloc(1, sizeof(*e));
	struct dsm_node *n = t_boot(e);
	REQUIRE(txn_begin(n) == TXN_OK);
	REQUIRE(dsm_fault(n, 2, true) == DSM_OK);
	REQUIRE(dsm_fault(n, 3, true) == DSM_OK);
	e->mem[2][0] = 0xC3;
	e->mem[3][0] = 0x90;
	REQUIRE(txn_commit(n) == TXN_EWAIT);
	commit_ticks(n, e);
	REQUIRE(txn_state(n) == TXN_COMMITTED);
	REQUIRE(dsm_code_seal(n, 2, 2, n->gtime));
	CHECK(dsm_code_page(n, 2) && dsm_code_page(n, 3) && !dsm_code_page(n, 1));
	/* outside a transaction: a read maps it, a write is refused */
	CHECK(dsm_fault(n, 2, false) == DSM_OK && e->prot[2] == DSM_PROT_READ);
	CHECK(dsm_fault(n, 3, true) == DSM_EROFS);
	/* inside one: the code page is not in the access set */
	REQUIRE(txn_begin(n) == TXN_OK);
	CHECK(dsm_fault(n, 3, false) == DSM_OK && n->page[3].access == 0);
	CHECK(n->txn.naccess == 0);
	CHECK(dsm_fault(n, 2, true) == DSM_EROFS);
	CHECK(txn_state(n) == TXN_RUNNING);
	CHECK(txn_commit(n) == TXN_OK);
	CHECK(e->prot[3] == DSM_PROT_READ);     /* stays mapped after the transaction */
	/* never dropped (an owner's copy stays, a replica: 12.3), never evicted,
	 * never overwritten */
	dsm_page_drop(n, 2);
	CHECK(n->page[2].state == DSM_REPLICA && n->page[2].version == 1);
	CHECK(!dsm_page_evict(n, 0) || n->page[2].state == DSM_REPLICA);
	uint8_t zero[DSM_PAGE_SIZE] = {0};
	dsm_page_set(n, 3, 9, zero);
	CHECK(e->mem[3][0] == 0x90 && e->mem[2][0] == 0xC3 && e->panics == 0);
	free(n);
	free(e);
}

/* proto.h 12.6: segments of the code area, each with its install's time. */
TEST(txn_local_code_segments)
{
	struct t_env *e = calloc(1, sizeof(*e));
	struct dsm_node *n = t_boot(e);
	REQUIRE(dsm_code_seal(n, 0, 1, 5));
	CHECK(dsm_code_seal(n, 0, 2, 9));               /* extended; its time stays 5 */
	CHECK(dsm_code_seg(n, 0)->end == 2 && dsm_code_seg(n, 0)->install_t == 5);
	CHECK(!dsm_code_seal(n, 1, 2, 7));              /* overlaps [0, 2) */
	REQUIRE(dsm_code_seal(n, 3, 1, 8));
	CHECK(!dsm_code_seal(n, 0, 4, 5));              /* extending over [3, 4) */
	CHECK(dsm_code_page(n, 1) && !dsm_code_page(n, 2) && dsm_code_page(n, 3));
	CHECK(dsm_code_newest(n) == 8 && n->ncode == 2);
	/* 12.4: saved once a checkpoint at or after the install is known, or the
	 * manager's beacon said no checkpoint was begun by then */
	n->image_good_t = 6;
	CHECK(dsm_code_saved(n, 0) && !dsm_code_saved(n, 3) && !dsm_code_saved(n, 2));
	n->no_ckpt_t = 8;
	CHECK(dsm_code_saved(n, 3));
	dsm_code_unseal(n, 0);
	CHECK(!dsm_code_page(n, 0) && dsm_code_page(n, 3) && n->ncode == 1);
	/* 12.5: a seal a reset already lost (the reset after it, to an older image) */
	n->reset_t = 12, n->reset_image_t = 9;
	CHECK(!dsm_code_seal(n, 2, 1, 10) && dsm_code_seal(n, 2, 1, 9));
	CHECK(e->panics == 0);
	free(n);
	free(e);
}
