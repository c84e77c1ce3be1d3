/*
 * dsm.h: one node of the distributed shared memory: its context and the
 * callbacks the environment drives (env.h). Owns the node's page table, its
 * one outstanding page fetch, the commits it buffers ahead of its time, its
 * recovery and, on the master, the token manager (dsm/mgr.c).
 *
 * Rules: no globals; everything a node knows is in struct dsm_node, so many
 * nodes live in one process. This header is what the environments (the
 * kernel, the simulator, the unit tests) call; what only dsm/ and txn/ call
 * of each other is in dsm/impl.h. The environment calls dsm_frame_in, dsm_tick and
 * dsm_fault (and txn/txn.h) for a node one at a time, never concurrently.
 * Fields are the core's; the simulator's checkers read them, nobody writes.
 */
#ifndef PLURIX_DSM_DSM_H
#define PLURIX_DSM_DSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dsm/env.h"
#include "dsm/frame.h"
#include "dsm/param.h"
#include "dsm/proto.h"
#include "txn/txn.h"

enum dsm_result {
	DSM_OK = 0,
	DSM_EWAIT = 1,         /* the page is being fetched: wait for wake */
	DSM_EABORTED = -10,    /* the transaction was aborted: begin again */
	DSM_EUNAVAIL = -11,    /* nobody served the page in time (owner gone) */
	DSM_EINVAL = -12,      /* page out of range, or no running transaction */
	DSM_ETOOBIG = -13,     /* access or write set full */
	DSM_EROFS = -14        /* a write to the sealed code area (proto.h 12) */
};

enum dsm_pstate { DSM_ABSENT = 0, DSM_REPLICA = 1, DSM_OWNED = 2 };

struct dsm_page {
	uint8_t state;        /* enum dsm_pstate */
	uint8_t access;       /* in the running transaction's access set */
	uint8_t shadow;       /* 0, or 1 + index into txn.wpage/shadow */
	uint64_t version;     /* of the local copy, if present */
	uint64_t known;       /* newest write this node knows of (proto.h, 1.3) */
};

struct dsm_config {
	uint16_t id;          /* this node, < DSM_NODES_MAX */
	uint16_t cluster;
	bool manager;         /* run the token manager; create the heap */
	bool await_image;     /* manager: first ask a PageServer for an image (7) */
	bool pageserver;      /* checkpoint the heap and serve orphan pages (7, 8) */
	uint32_t ckpt_ticks;  /* pageserver: checkpoint this often (0: on request only) */
	uint32_t npages;      /* heap pages, <= DSM_PAGES_MAX (manager) */
	uint16_t part_pages;  /* page numbers per Commit frame (0: the max) */
	uint16_t recover_span; /* manager: pages per RecoverAck part (0: the max) */
};

/* Parts of one page version being put together (proto.h 1.3): the answers
 * to a fetch, or a page going by a PageServer (8.8). */
struct dsm_parts {
	uint8_t mask;         /* parts arrived of version v (from any server) */
	uint64_t v, s;        /* the version, and the latest server time vouching for it */
	uint16_t src;         /* the node that sent the last part */
	uint8_t buf[DSM_PAGE_SIZE];
};

/* The one outstanding page fetch (proto.h, 1). */
struct dsm_fetch {
	bool active;
	bool failed;          /* timed out (its transaction failed then): a PageServer
			       * collecting a checkpoint gives the page up (8.4) */
	uint32_t page;
	uint32_t req;
	uint64_t start;
	uint64_t next_retry;
	uint32_t backoff;
	struct dsm_parts parts;
};

/* A RecoverAck being reassembled (4.2): the parts of the newest answer to
 * our pending RecoverReq; applied when every part arrived. */
struct dsm_recover {
	uint32_t nonce;
	uint64_t t, v;        /* manager's time; our decided grant's time */
	uint32_t grant;
	uint32_t mask;        /* parts arrived */
	uint8_t nparts;
	uint8_t bits[DSM_PAGES_MAX / 8u];
};

/* A commit being reassembled, or buffered ahead of gtime (proto.h, 3.8). */
struct dsm_commit_slot {
	bool used;
	uint64_t t;
	uint32_t grant;
	uint16_t committer;
	uint8_t nparts;
	uint32_t mask;
	uint16_t npages;
	uint32_t pages[DSM_WSET_MAX];
};

struct dsm_waiter {
	bool waiting;
	bool ckpt;            /* the PageServer's checkpoint: before everybody */
	uint32_t txn;
	uint32_t order;       /* arrival order at the manager */
};

/* The token manager (proto.h, 3 to 5); only the master's is active. */
struct dsm_mgr {
	bool active;
	uint64_t time;                      /* the global time: last decided */
	uint32_t grant_next;
	bool held;
	uint16_t holder;
	uint32_t grant, holder_txn;
	uint64_t lease_end;
	struct dsm_commit_slot req;         /* the holder's CommitReq parts */
	struct dsm_waiter wait[DSM_NODES_MAX];
	uint32_t order_next;
	uint32_t decided_grant[DSM_NODES_MAX];
	uint64_t decided_t[DSM_NODES_MAX];
	uint32_t join_nonce[DSM_NODES_MAX]; /* a repeated JoinReq forgets nothing */
	uint64_t next_beacon;
	uint64_t last_write[DSM_PAGES_MAX];
	uint16_t last_writer[DSM_PAGES_MAX];
	uint32_t n_grants, n_revoked, n_decided;
	uint32_t n_ckpt_grants;             /* grants to a checkpoint (8.3; 12.4) */
	uint64_t restore_deadline;          /* DSM_RESTORING: give up waiting then */
	uint64_t reset_t, reset_image;      /* the last reset decided (10.2) */
	uint32_t reset_page;
	uint16_t reset_owner;
	uint8_t reset_sends;                /* broadcasts of it still to come */
	uint32_t n_lost_no_ps;              /* losses not reset: no PageServer heard */
	uint32_t n_lost_no_code;            /* ... the image is older than our seal (10.2) */
	uint32_t lost_page;                 /* ... the last one */
	uint16_t lost_owner;
	uint64_t ckpt_open_t;               /* 8.6: a checkpoint granted at this time
					     * may still reach the disk (0: none) */
	uint32_t n_lost_deferred;           /* Losts that waited for it (10.2) */
	bool lost_deferred;                 /* ... one waits now: */
	struct dsm_msg lost_wait;           /* ... the last one */
	uint64_t next_reset;
	uint8_t reset_flags;                /* ... its flags (DSM_RESET_TAKEOVER) */
	bool fenced;                        /* 11.1: no grants, the PageServer is silent */
	uint32_t n_fenced;                  /* times it began */
	uint32_t n_time_acks;               /* TimeAcks sent (3.9) */
	struct dsm_msg takeover;            /* 11.2: our epoch's first Reset, reminded */
	bool unsaved;                       /* 11.5: took over, and no checkpoint of our
					     * epoch is on our disk yet: no grant but its */
};

/* The PageServer (proto.h, 7 and 8); only a pageserver's is active. */
enum dsm_ps_status {
	DSM_PS_OK = 0,
	DSM_PS_EFETCH = 1,    /* a modified page nobody served: checkpoint abandoned */
	DSM_PS_EDISK = 2,     /* the environment could not stage or write it */
	DSM_PS_ETOKEN = 3,    /* no grant in time, or the lease was lost */
	DSM_PS_NSTATUS
};
enum dsm_ps_phase { DSM_PS_IDLE = 0, DSM_PS_PREFETCH, DSM_PS_WANT_TOKEN, DSM_PS_COLLECT };

struct dsm_ps_req {         /* a recent PageReq, to see it repeated */
	uint16_t src;
	uint32_t id;
	uint8_t seen;
};

/* A page on its way between two other nodes, being reassembled (8.8). */
struct dsm_ps_snoop {
	bool used;
	uint16_t src;
	uint32_t req, page;
	struct dsm_parts parts;
};

struct dsm_ps {
	bool active;
	bool loaded;          /* pages of an image were loaded at boot */
	bool again;           /* an ask came during a checkpoint: one more after it */
	bool full;            /* this checkpoint holds every page that is not zero */
	uint8_t phase;        /* enum dsm_ps_phase */
	uint64_t image_t;     /* time of the image on disk (loaded or last written) */
	uint32_t image_pages; /* the loaded image's heap size */
	uint32_t req_id;      /* TokenReq id of the running checkpoint */
	bool granted;
	uint32_t grant;
	uint64_t grant_t;     /* the checkpoint's time */
	uint64_t wait_start, next_send, next_auto, started;
	uint64_t next_alive;  /* the next Beacon to the manager: we are on its side */
	uint32_t cursor;      /* next page to look at */
	bool zmap_pending;    /* 7.5: waiting for the written-pages map */
	uint32_t zmap_nonce;
	uint64_t zmap_next;   /* its next retry */
	uint64_t zmap_since;  /* 7.6: the map of pages written after this reset (0: ever) */
	uint64_t join_t;      /* the time we joined at */
	uint64_t boot_tick;   /* 11.4: when we began to join */
	uint64_t join_seen;   /* 11.4: the newest time a frame showed while we joined */
	bool asked_as_mgr;    /* 11.4: a node asked us, as its manager, while we joined or
			       * from a later epoch than ours */
	uint64_t boot_image_t; /* 11.4: the image our disk held at boot (0: none) */
	bool older_mgr;       /* 11.4: a manager of an older epoch than we saw answered */
	uint32_t npend;       /* pages staged for this checkpoint */
	uint32_t pend[DSM_PAGES_MAX];
	uint64_t pend_v[DSM_PAGES_MAX];
	uint64_t saved[DSM_PAGES_MAX];      /* version on disk; 0: never written (zeros) */
	uint8_t orphan[DSM_PAGES_MAX / 8u]; /* no live owner: served at once */
	uint8_t staged[DSM_PAGES_MAX / 8u]; /* in pend[]: the environment writes it */
	uint8_t reset_zero[DSM_PAGES_MAX / 8u]; /* zero in the image the last reset went
						 * back to, and not written since */
	uint32_t ask_id;      /* the newest CkptAsk this checkpoint answers */
	uint64_t mgr_wanted;  /* 11.2: a node on our side last asked for the manager */
	uint32_t req_next;
	struct dsm_ps_req reqs[DSM_PS_REQS];
	uint32_t snoop_next;
	struct dsm_ps_snoop snoop[DSM_PS_SNOOPS];
	struct dsm_fetch pulls[DSM_PS_PULLS];   /* the prefetch's fetches in flight (8.1) */
	/* counters and the last result */
	uint32_t n_ckpts, n_failed, n_pages, n_served_orphan, n_served_repeat;
	uint32_t n_reload_errors, n_snooped, n_snoop_skipped, n_yields;
	uint32_t n_zero_pages;      /* pages the written-pages map showed zero (7.5) */
	uint32_t n_disk_reads;      /* image pages read back from the disk on demand */
	uint64_t last_t, last_ticks;
	uint32_t last_pages;
	uint8_t last_status;
};

/* What a node last heard of a checkpoint (CkptDone), for `checkpoint`. */
struct dsm_ckpt_seen {
	uint32_t id;
	uint64_t t;
	uint32_t pages;
	uint8_t status;
	bool any;
};

struct dsm_stats {
	uint32_t frames_out, frames_in, frames_bad, selfq_drops;
	uint32_t page_reqs, pages_served, pages_installed, pages_rejected;
	uint32_t stale_replies, fetch_timeouts, commits_applied, recoveries;
	uint32_t dup_frames, evictions;
	uint32_t code_fetches, code_timeouts; /* code pages fetched (12.2), fetches asked again */
	uint32_t code_lost;                 /* seals a takeover's older image undid (12.5) */
};

enum dsm_mode { DSM_JOINING = 0, DSM_ACTIVE = 1, DSM_RESTORING = 2 };

/* A sealed segment of the code area (proto.h 12.6). */
struct dsm_code_seg {
	uint32_t first, end;                /* pages [first, end) */
	uint64_t install_t;                 /* its install's time (12.1, 12.5, 10.2) */
};

struct dsm_node {
	const struct dsm_env *env;
	void *env_ctx;
	struct dsm_config cfg;
	uint8_t mode;                       /* enum dsm_mode */
	uint16_t manager;                   /* node id of the token manager */
	uint32_t npages;
	uint64_t gtime;                     /* last commit applied, in order */
	uint64_t seen;                      /* highest time any frame showed */
	uint64_t behind_since;              /* when seen first exceeded gtime */
	uint64_t mgr_heard;                 /* when a frame from the manager last came */
	bool beacon_fenced;                 /* the manager's last Beacon: it grants nothing (11.1) */
	uint64_t ps_heard;                  /* manager: ... from the PageServer (ps_node) */
	uint16_t ps_node;                   /* the PageServer, as its CkptDone says */
	bool recovering;
	uint32_t nonce;                     /* of the pending Join/RecoverReq */
	uint64_t next_retry;                /* of Join/RecoverReq */
	uint32_t seq;                       /* frame sequence number */
	uint32_t evict_next;                /* dsm_page_evict's clock hand */
	struct dsm_code_seg code[DSM_CODE_SEGS]; /* the sealed segments (proto.h 12.6) */
	uint32_t ncode;                     /* ... in use: code[0 .. ncode) */
	struct dsm_page page[DSM_PAGES_MAX];
	struct dsm_fetch fetch;
	struct dsm_recover rec;
	struct dsm_commit_slot window[DSM_COMMIT_WINDOW];
	struct txn txn;
	struct dsm_mgr mgr;
	struct dsm_ps ps;
	uint64_t restored_t;                /* manager: restored from an image at this time */
	bool restored;
	uint64_t image_good_t;              /* newest good checkpoint known (0: none) */
	uint64_t no_ckpt_t;                 /* the manager's newest Beacon(NO_CKPT) (12.4) */
	uint64_t reset_t;                   /* the last reset applied (10) */
	uint64_t reset_image_t;             /* ... the checkpoint it went back to */
	uint32_t reset_page;                /* ... the page whose loss caused it (npages:
					     * a takeover, 11) */
	uint16_t reset_node;                /* ... its owner, or the manager taken over from */
	uint8_t reset_flags;                /* ... DSM_RESET_TAKEOVER */
	uint32_t resets;
	uint32_t takeovers;                 /* 11.3: managers of a later epoch followed */
	struct dsm_ckpt_seen ckpt;
	uint8_t selfq[DSM_SELFQ_MAX][FRAME_WIRE_MAX];
	uint16_t selfq_len[DSM_SELFQ_MAX];
	uint8_t selfq_head, selfq_count;
	bool draining;
	uint8_t txbuf[FRAME_WIRE_MAX];      /* dsm_send's frame */
	uint8_t rxbuf[FRAME_WIRE_MAX];      /* dsm_drain's frame */
	uint8_t plbuf[FRAME_PAYLOAD_MAX];   /* dsm_send's payload */
	uint8_t scratch[DSM_PAGE_SIZE];     /* a page being served; a bitmap */
	struct dsm_stats stats;
};

/* The epoch of global time t (proto.h 11). */
static inline uint64_t dsm_epoch(uint64_t t)
{
	return t >> DSM_EPOCH_SHIFT;
}

void dsm_init(struct dsm_node *n, const struct dsm_env *env, void *env_ctx,
	      const struct dsm_config *cfg);
/* A frame arrived, as the environment got it (the simulator): decoded and
 * checked here once, then handed on as dsm_msg_in or dsm_ps_snoop would. */
void dsm_frame_in(struct dsm_node *n, const uint8_t *buf, size_t len);
/* A frame for this node (or for all) that the environment decoded and
 * checked itself with frame_decode (FRAME_OK): the header and its payload. */
void dsm_msg_in(struct dsm_node *n, const struct frame_hdr *h, const uint8_t *payload);
void dsm_tick(struct dsm_node *n);
int dsm_fault(struct dsm_node *n, uint32_t page, bool write);
/* The environment, short of memory for a page other than `keep`: drop one
 * replica nobody needs now (it is fetched again when used). False if none. */
bool dsm_page_evict(struct dsm_node *n, uint32_t keep);
/* proto.h 12: pages [first, first + count) are a segment of the code area,
 * complete: read-only from now on, faulted in or out of transactions, never
 * dropped. dsm_fault on one works with no transaction running. install_t is
 * the time of the install's last commit (the installer's, its commit time;
 * any other node's, from the publication it read: 12.4). Sealing a segment
 * again (the same first) extends it to count if the pages are free (its
 * install time stays). False, and nothing sealed, if the
 * last reset we applied was after install_t, to an older image (the install
 * is lost: 12.5), if the range overlaps another segment, or if DSM_CODE_SEGS
 * are sealed. */
bool dsm_code_seal(struct dsm_node *n, uint32_t first, uint32_t count, uint64_t install_t);
bool dsm_code_page(const struct dsm_node *n, uint32_t page);
/* The segment that begins at first, or NULL. */
const struct dsm_code_seg *dsm_code_seg(const struct dsm_node *n, uint32_t first);
/* 12.4: may the installer publish the segment at first? No takeover can lose
 * it: a good checkpoint at or after its install is known, or we are the
 * manager and granted no checkpoint yet. */
bool dsm_code_saved(const struct dsm_node *n, uint32_t first);
/* The segment at first was sealed too early (its descriptor is not there
 * yet), or a reset lost it (12.5): it is no segment any more, and the
 * replicas of its pages go (a commit may have written them meanwhile), so
 * the next look fetches them afresh. */
void dsm_code_unseal(struct dsm_node *n, uint32_t first);
/* 10.2: the newest install time of our segments (0: none). */
uint64_t dsm_code_newest(const struct dsm_node *n);

/* The environment hands a PageServer every frame it saw that was not for
 * it (the segment is a hub), decoded and checked by frame_decode (verdict
 * FRAME_REJ_NODE): pages going by are kept (proto.h, 8.8). */
void dsm_ps_snoop(struct dsm_node *n, const struct frame_hdr *h, const uint8_t *payload);

/* A PageServer's environment: frame types it should queue from other
 * nodes' traffic (besides PageData): the asks for the manager (11.2). */
bool dsm_ps_asks_manager(uint8_t type);

/* The PageServer's environment side (kernel or simulator), before the node
 * joins: one page of the image on disk, then the image's time and heap size. */
void dsm_ps_load(struct dsm_node *n, uint32_t page, uint64_t v, const uint8_t *data);
void dsm_ps_loaded(struct dsm_node *n, uint64_t t, uint32_t npages);
/* The manager: stop waiting for a PageServer that is gone for good (proto.h
 * 11.1); false if this node is not the manager or waits for none. */
bool dsm_mgr_forget_ps(struct dsm_node *n);
/* The manager: a checkpoint ended (CkptDone), or the PageServer's Beacon
 * said which ended last (proto.h 8.6): a reset may be decided again. */
void dsm_mgr_on_ckpt_done(struct dsm_node *n, const struct dsm_msg *m);
void dsm_mgr_on_ps_beacon(struct dsm_node *n, const struct dsm_msg *m);
/* Any node: does the manager, heard lately, grant nothing (proto.h 11.1)? */
bool dsm_mgr_fenced(const struct dsm_node *n);
/* Any node: ask the PageServer for a checkpoint; returns the ask's id. */
uint32_t dsm_ckpt_ask(struct dsm_node *n);

#endif
