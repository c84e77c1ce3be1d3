/*
 * impl.h: what dsm/ and txn/ call of each other, and nobody else. dsm/ and
 * txn/ are one module sharing struct dsm_node (dsm/dsm.h); the environments
 * (kernel/dsmenv.c, the simulator, the unit tests) use dsm/dsm.h and
 * txn/txn.h only. Grouped by the file that defines them.
 */
#ifndef PLURIX_DSM_IMPL_H
#define PLURIX_DSM_IMPL_H

#include "dsm/dsm.h"

/* 0 in every real build. The simulator's mutants (mk/core.mk sim-mutants,
 * tests/sim/mutants.sh) build the core with -DDSM_MUTANT=n, n = 1..8: each
 * breaks the protocol at the one place marked `#if DSM_MUTANT == n`, and the
 * simulator's checkers must catch it. */
#ifndef DSM_MUTANT
#define DSM_MUTANT 0
#endif

/* node.c */
void dsm_send(struct dsm_node *n, uint16_t dst, const struct dsm_msg *m);
void dsm_drain(struct dsm_node *n);
uint64_t dsm_now(const struct dsm_node *n);
void dsm_note_time(struct dsm_node *n, uint64_t t);
bool dsm_is_current(const struct dsm_node *n);
void dsm_observe(struct dsm_node *n, const struct dsm_obs_event *ev);
void dsm_put_pages(uint8_t *body, const uint32_t *pages, uint32_t count);

/* page.c */
void dsm_page_drop(struct dsm_node *n, uint32_t page);
void dsm_page_arrived(struct dsm_node *n, uint32_t page, uint64_t v, const uint8_t *data);
void dsm_page_on_req(struct dsm_node *n, const struct dsm_msg *m);
void dsm_page_on_data(struct dsm_node *n, const struct dsm_msg *m);
void dsm_page_on_stale(struct dsm_node *n, const struct dsm_msg *m);
void dsm_fetch_tick(struct dsm_node *n);
void dsm_fetch_start(struct dsm_node *n, struct dsm_fetch *f, uint32_t page);
void dsm_fetch_retry(struct dsm_node *n, struct dsm_fetch *f);
/* 1.3: the fetch waited its timeout while the node could ask (not recovering). */
bool dsm_fetch_timed_out(struct dsm_node *n, struct dsm_fetch *f);
bool dsm_parts_take(struct dsm_parts *a, const struct dsm_msg *m);
bool dsm_fetch_take(struct dsm_node *n, struct dsm_fetch *f, const struct dsm_msg *m);
bool dsm_fetch_stale(struct dsm_node *n, struct dsm_fetch *f, const struct dsm_msg *m);
void dsm_fetch_begin(struct dsm_node *n, uint32_t page);
void dsm_page_set(struct dsm_node *n, uint32_t page, uint64_t v, const uint8_t *data);
void dsm_page_serve(struct dsm_node *n, const struct dsm_msg *req);

/* gtime.c */
void dsm_gtime_on_commit(struct dsm_node *n, const struct dsm_msg *m);
void dsm_gtime_on_recover_ack(struct dsm_node *n, const struct dsm_msg *m);
bool dsm_recover_part(struct dsm_node *n, const struct dsm_msg *m, uint32_t nonce);
void dsm_gtime_on_reset(struct dsm_node *n, const struct dsm_msg *m);
void dsm_gtime_on_commit_ack(struct dsm_node *n, const struct dsm_msg *m);
void dsm_gtime_tick(struct dsm_node *n);

/* mgr.c */
void dsm_mgr_init(struct dsm_node *n);
void dsm_mgr_on_msg(struct dsm_node *n, const struct dsm_msg *m);
void dsm_mgr_tick(struct dsm_node *n);
void dsm_mgr_restore(struct dsm_node *n, uint64_t t);
void dsm_mgr_take_over(struct dsm_node *n);
void dsm_mgr_step_down(struct dsm_node *n);
void dsm_mgr_saved(struct dsm_node *n, uint64_t t);
bool dsm_mgr_read_time(struct dsm_node *n, uint64_t *t);

/* ps.c */
void dsm_ps_reload(struct dsm_node *n, uint64_t t);
void dsm_ps_heard(struct dsm_node *n, const struct frame_hdr *h);
bool dsm_ps_rejoin_tick(struct dsm_node *n);
bool dsm_ps_join_ok(struct dsm_node *n, const struct dsm_msg *ack);
void dsm_ps_on_msg(struct dsm_node *n, const struct dsm_msg *m);
bool dsm_ps_on_page_req(struct dsm_node *n, const struct dsm_msg *m);
void dsm_ps_joined(struct dsm_node *n);
void dsm_ps_on_zero_map(struct dsm_node *n, const struct dsm_msg *m);
bool dsm_ps_staged(const struct dsm_node *n, uint32_t p);
bool dsm_ps_on_data(struct dsm_node *n, const struct dsm_msg *m);
bool dsm_ps_on_stale(struct dsm_node *n, const struct dsm_msg *m);
void dsm_ps_written(struct dsm_node *n, uint32_t page);
void dsm_ps_progress(struct dsm_node *n);
void dsm_ps_tick(struct dsm_node *n);

/* txn/txn.c, for dsm/ */
int txn_access(struct dsm_node *n, uint32_t page, bool write);
bool txn_touches(const struct dsm_node *n, uint32_t page);
void txn_conflict(struct dsm_node *n, enum txn_cause cause, uint32_t page);
void txn_fail(struct dsm_node *n, int err);
bool txn_own_commit(struct dsm_node *n, uint32_t grant, uint64_t t);
void txn_foreign_commit(struct dsm_node *n, uint64_t t);
void txn_caught_up(struct dsm_node *n);
void txn_tick(struct dsm_node *n);
void txn_on_grant(struct dsm_node *n, const struct dsm_msg *m);
void txn_on_commit_reject(struct dsm_node *n, const struct dsm_msg *m);
void txn_on_time_ack(struct dsm_node *n, const struct dsm_msg *m);

#endif
