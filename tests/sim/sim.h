/*
 * sim.h: the deterministic cluster simulator. N nodes of the unchanged
 * protocol core (dsm/, txn/) in one process, driven by one 64-bit seed:
 * a network that loses, duplicates, delays, reorders and corrupts frames and
 * partitions the cluster (one-way too), crashes and restarts nodes, a
 * PageServer's disk that fails (an error from any call; a crash inside a
 * checkpoint's write, which leaves it torn), a clock per node (its own origin,
 * drawn at every boot, and its own rate, within DSM_CLOCK_DRIFT_PPM of the
 * real ticks), and workloads that touch heap memory only through each node's
 * page permission table and the core's access-fault callback, as the MMU does
 * in the kernel.
 *
 *   sim.c     the environment (env.h), network, faults, the run loop
 *   work.c    workloads: bank (opacity), counters, queue, hot spot
 *   work_obj.c  objects: the object heap (mm/) shared by the nodes
 *   work_code.c the code area (proto.h 12): installed by node 0, sealed and
 *             run by every node
 *   check.c   the truth (every committed version) and the checkers, run
 *             after every event
 *   history.c every committed transaction, and after the run the check that
 *             the history is strictly serializable (history.h)
 *   main.c    command line: one seed, a range of seeds, bench, soak
 *
 * Everything random comes from the seed; nothing reads the host's clock. A
 * run is one function call that returns pass/fail, so many seeds run in one
 * process. Faults (frames, crashes, partitions, the disk) come only in the
 * safety phase; the liveness phase heals them. s->now is the real tick; the
 * sim's own deadlines (restarts, heals, the liveness bounds) are in real
 * ticks, the core's in its node's clock (env_now).
 */
#ifndef PLURIX_TESTS_SIM_H
#define PLURIX_TESTS_SIM_H

#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "dsm/dsm.h"
#include "mm/mm.h"
#include "tests/sim/history.h"

#define SIM_NODES_MAX  16
#define SIM_PAGES      48      /* 0..31 the workloads below, 32..47 the object heap */
#define SIM_CODE_IMAGE 5       /* image pages of the code area (work_code.c) */
#define SIM_NET_MAX    65536   /* frames in flight */

/* Heap layout shared by the workloads (page numbers). */
enum {
	SIM_PG_BANK = 0, SIM_BANK_PAGES = 4, SIM_BANK_ACCOUNTS = 24,
	SIM_PG_COUNT = 4,                 /* shared counter */
	SIM_PG_PRIV = 5,                  /* 5..20: one private page per node */
	SIM_PG_QHDR = 21, SIM_PG_QSLOTS = 22, SIM_Q_PAGES = 2,
	SIM_PG_HOT = 24,
	SIM_PG_CODE_READY = 25,           /* the code area's publication: word 0 is the
					   * install's time (proto.h 12.4; 0: none) */
	SIM_PG_CODE = 26, SIM_CODE_PAGES = 1 + SIM_CODE_IMAGE, /* the code area (proto.h 12):
							 * its descriptor, then the image */
	SIM_PG_MM = 32, SIM_MM_PAGES = 16  /* objects: an mm/ heap (work_obj.c) */
};
#define SIM_Q_CAP (SIM_Q_PAGES * 512u)

enum sim_wl { WL_BANK = 1, WL_COUNTERS = 2, WL_QUEUE = 4, WL_HOT = 8, WL_PRIVATE = 16,
	      WL_OBJ = 32 };
#define SIM_WL_COUNT 6
enum sim_op_kind { OP_NONE, OP_TRANSFER, OP_AUDIT, OP_COUNT, OP_PRIVATE, OP_ENQ, OP_DEQ,
		   OP_HOT, OP_OBJ, OP_CODE_INSTALL, OP_CODE_LOOK, OP_CODE_RUN,
		   OP_CODE_READY,   /* read the code area's publication, read-only */
		   OP_CODE_PUBLISH, /* node 0: write it, once the install is saved */
		   OP_READ /* counters: read the shared counter, read-only */ };

/* What a workload body's run ended in (work.c runs it, work_code.c too). */
enum { BODY_DONE = 0, BODY_BLOCKED = 1, BODY_ABORTED = 2, BODY_FAILED = 3 };

/* The objects workload's model of the committed heap (work_obj.c). */
#define OBJW_NODES  4      /* node slots of the object heap; 1..3 run operations */
#define OBJW_ELEMS  256    /* elements the model tracks */
struct objw_model {
	uint32_t n;
	uint32_t token[OBJW_ELEMS], list[OBJW_ELEMS], value[OBJW_ELEMS];
	uint32_t next_token;
	uint64_t alloc_aborts, mgr_aborts, ops, relocs, gc_freed, nomem;
};

struct sim_op {
	uint8_t kind;
	uint32_t a, b;
	int64_t amount;
	uint64_t value;        /* enqueued value; dequeued value of the last run */
	bool got;              /* dequeue found an element */
	uint64_t start;        /* tick the unit of work began */
	uint32_t retries;
	uint32_t code;         /* 1 + the code page the body runs first (0: none) */
	bool in_txn;           /* OP_CODE_RUN: inside a transaction */
};

/* The code area (work_code.c): its image, drawn from the seed, and the
 * install's progress on node 0. The descriptor page holds SIM_CODE_MAGIC,
 * the image's page count, a hash per image page, and a hash of these. */
#define SIM_CODE_MAGIC 0x45444f43u
struct sim_code {
	uint8_t image[SIM_CODE_IMAGE][DSM_PAGE_SIZE];
	uint8_t desc[DSM_PAGE_SIZE];
	uint64_t hash[SIM_CODE_PAGES];  /* of each page as installed: desc, then image */
	uint64_t v[SIM_CODE_PAGES];     /* the version each was installed at (check.c;
					 * 0: not in the heap; the descriptor's set:
					 * installed) */
	bool published;                 /* a publication of it was decided (check.c) */
	uint64_t next_ask;              /* node 0 asks for a checkpoint to publish then */
	bool killed;                    /* cfg.kill_mgr_at: node 0 is dead for good */
};

struct sim_cfg {
	uint64_t seed;
	int nodes;
	int workloads;         /* enum sim_wl mask */
	int faults;            /* 0 none, 1 mixed */
	uint64_t safety_ticks, live_ticks, live_new_ops, live_bound;
	uint32_t part_pages;   /* Commit frame split, small to exercise parts */
	uint32_t recover_span; /* RecoverAck split (pages per part), likewise */
	double loss, dup, corrupt;
	uint32_t delay_max;
	bool verbose;
	bool bench;            /* no faults, steady load, count only */
	bool pageserver;       /* the last node is the PageServer (proto.h 7-9) */
	uint32_t ckpt_ticks;   /* its checkpoint period */
	uint64_t split_at, split_ticks; /* one long partition, the PageServer away from the
					 * manager (proto.h 11): it takes over; 0: none */
	double disk_err;       /* the chance one disk call fails in the fault phase (a
				* commit twice that, and it may kill its PageServer) */
	uint32_t drift_ppm;    /* node clocks run at 1e6 +- this ppm of real ticks
				* (0: one clock for all, from 0) */
	uint64_t code_at;      /* node 0 installs the code area from this tick */
	uint64_t kill_mgr_at;  /* node 0 dies for good at this tick, once the code area is
				* on the PageServer's disk; nodes run no code before (0: never) */
	bool strict_ro;        /* history.h: read-only transactions in real-time order too */
};

/* The PageServer's disk, as pageserver/image.c writes one (format.h): a
 * checkpoint's pages go to the log, then its commit record; only then is it
 * the image, which a restart loads and ps_read reads. A checkpoint without
 * its commit record (torn: the PageServer died writing it) is never read;
 * the next one overwrites it. The disk survives the PageServer's crashes. */
struct sim_disk {
	/* the image: the newest checkpoint whose commit record was written */
	bool has[SIM_PAGES];
	uint64_t v[SIM_PAGES];
	uint8_t data[SIM_PAGES][DSM_PAGE_SIZE];
	uint64_t t;                 /* its time (0: none) */
	uint32_t ckpts;             /* checkpoints committed */
	/* the checkpoint being collected (ps_save), and its pages in the log */
	uint32_t staged[SIM_PAGES];
	uint64_t staged_v[SIM_PAGES];
	uint32_t nstaged;
	uint8_t log[SIM_PAGES][DSM_PAGE_SIZE];
	uint32_t nlog;              /* staged pages written to the log so far */
};

struct sim;

struct sim_node {
	struct sim *sim;
	uint16_t id;
	bool up;
	uint32_t incarnation;
	uint64_t restart_at;
	struct dsm_node *dsm;
	uint8_t mem[SIM_PAGES][DSM_PAGE_SIZE];
	bool mapped[SIM_PAGES];
	uint8_t prot[SIM_PAGES];
	uint64_t hash[SIM_PAGES];
	bool hash_ok[SIM_PAGES];
	uint64_t rng;
	/* its clock (env_now), drawn at every boot: it read clock_base at real
	 * tick clock_boot and runs at clock_ppm millionths of a real tick */
	uint64_t clock_base, clock_boot;
	uint32_t clock_ppm;
	struct mm mm;           /* objects workload: this node's view of the heap */
	bool wake;
	bool busy;              /* an op is in progress */
	uint64_t next_op_at;
	struct sim_op op;
	jmp_buf jb;
	/* checker memory: values seen before, to prove they only grow */
	uint64_t prev_gtime;
	uint64_t prev_known[SIM_PAGES];
	/* counts */
	uint32_t ops_committed, ops_failed, runs;
	/* the code area as this node sees it (work_code.c), cleared at boot */
	bool code_sealed;       /* its descriptor was there and whole: the seal stays */
	bool code_ran_live;     /* ran every code page after the heal */
	uint8_t code_had;       /* the sealed pages it held (check.c: they stay) */
	uint64_t code_desc[SIM_CODE_IMAGE]; /* the descriptor's hash of each image page */
	uint64_t code_next_look;
	uint64_t code_ready_t;  /* the publication it read (12.4; 0: none yet) */
	bool code_look_own;     /* node 0, installed but unpublished: seal with its time */
};

struct sim_frame {
	uint64_t due, order;
	uint16_t src, dst, len;
	bool snoop;             /* a copy the PageServer sees on the hub (not for it) */
	uint8_t data[FRAME_WIRE_MAX];
};

struct truth_ver {
	uint64_t t;
	uint64_t tick;        /* when it was decided */
	uint64_t hash;
	uint16_t writer;
	bool known;           /* hash known (the committer was up at the decision) */
	bool lost;            /* its owner crashed: nobody can serve it */
	bool image;           /* written by a reset: the PageServer's image, no owner */
	uint32_t txn;         /* its transaction in the history (history.h) */
};

struct truth_page {
	struct truth_ver *v;
	uint32_t n, cap;
};

struct sim_stats {
	uint64_t frames_sent, frames_lost, frames_dup, frames_corrupt, frames_delivered;
	uint64_t commits, ro_commits, aborts, fails, fails_unavail, runs, crashes, partitions;
	uint64_t page_reqs, recoveries, ckpts, resets, snooped;
	uint64_t splits, takeovers, follows;  /* proto.h 11: long partitions, takeovers (a
					       * restarted manager's too), nodes that followed */
	uint64_t disk_errors, torn_writes;   /* disk calls failed; checkpoints torn by a
					      * crash in their write (sim_disk) */
	uint64_t code_fetches, code_timeouts, code_ps_served; /* proto.h 12.2: code pages
						    * fetched, fetches asked again, and
						    * served by the PageServer */
	uint64_t code_lost, code_unsealed;  /* 12.5: installs a takeover lost (check.c), and
					     * seals the core undid for it */
	uint64_t master_kills;               /* cfg.kill_mgr_at: node 0 died for good */
	uint32_t max_retries;
	uint64_t events;
	uint64_t min_node_commits;           /* the fewest commits of one node (proto.h 5) */
	uint64_t turns;                      /* attempts begun on a turn's grant (5) */
	uint64_t aborts_cause[TXN_NCAUSES];
};

struct sim {
	struct sim_cfg cfg;
	uint64_t rng;
	uint64_t now;
	uint64_t digest;
	int nnodes;
	struct sim_node *node[SIM_NODES_MAX];
	struct sim_frame **heap;   /* min-heap by (due, order) */
	uint32_t nheap;
	struct sim_frame *delivering;  /* freed by teardown if a check fails in it */
	uint64_t order_next;
	bool cut[SIM_NODES_MAX][SIM_NODES_MAX];  /* cut[a][b]: a's frames do not reach b */
	uint64_t heal_at;
	bool live;                 /* liveness phase: faults healed */
	/* truth */
	struct truth_page truth[SIM_PAGES];
	uint8_t truth_mem[SIM_PAGES][DSM_PAGE_SIZE];
	bool truth_unknown[SIM_PAGES];
	uint64_t tally_count, tally_hot, tally_priv[SIM_NODES_MAX];
	uint64_t *enq, *deq;
	uint32_t nenq, ndeq, capq;
	struct objw_model objw;
	struct hist hist;
	struct sim_stats st;
	struct sim_disk disk;
	struct sim_code code;
	uint32_t resets;           /* the workloads' models no longer hold after one */
	uint64_t epoch;            /* the newest epoch a manager decided in (proto.h 11) */
	uint64_t time_max;         /* the newest time any manager decided (no node is ahead) */
	/* a PageServer's crash in its disk's write: back to node_call */
	struct sim_node *in_call;  /* the node whose core runs now (NULL: none) */
	jmp_buf crash_jb;
	/* failure */
	bool failed;
	char why[512];
	jmp_buf panic_jb;
};

/* sim.c */
bool sim_is_ps(const struct sim *s, const struct sim_node *sn);
uint64_t sim_rand(uint64_t *s);
uint32_t sim_below(struct sim *s, uint32_t n);
bool sim_chance(struct sim *s, double p);
void sim_fail(struct sim *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sim_run(const struct sim_cfg *cfg, struct sim_stats *out, uint64_t *digest,
	    char *why, size_t whylen);
void sim_cfg_from_seed(struct sim_cfg *cfg, uint64_t seed);
uint64_t sim_hash(const uint8_t *p, size_t n);
uint64_t sim_node_hash(struct sim_node *sn, uint32_t page);
uint64_t sim_real_ticks(const struct sim *s, uint64_t node_ticks);

/* work.c: accessors and workloads */
uint64_t sim_load(struct sim_node *sn, uint32_t page, uint32_t off);
void sim_store(struct sim_node *sn, uint32_t page, uint32_t off, uint64_t v);
void work_pick(struct sim *s, struct sim_node *sn);
void work_body(struct sim_node *sn);
bool work_readonly(const struct sim_op *op);
struct sim_node *sim_manager(struct sim *s);
void work_tally(struct sim *s, const struct sim_op *op, uint16_t node);
void work_final_check(struct sim *s);

/* work_obj.c: the objects workload (mm/ over the DSM) */
void work_obj_pick(struct sim *s, struct sim_node *sn);
void work_obj_body(struct sim_node *sn);
void work_obj_tally(struct sim *s, const struct sim_op *op, uint16_t node);
void work_obj_aborted(struct sim *s, struct sim_node *sn);
void work_obj_final(struct sim *s);

/* work_code.c: the code area (proto.h 12) */
void work_code_init(struct sim *s);
void work_code_boot(struct sim_node *sn);
bool work_code_ready(const struct sim *s, const struct sim_node *sn);
bool work_code_due(const struct sim *s, const struct sim_node *sn);
bool work_code_pick(struct sim *s, struct sim_node *sn);
void work_code_body(struct sim_node *sn);
void work_code_exec(struct sim_node *sn);
bool work_code_outside(const struct sim_op *op);
void work_code_committed(struct sim *s, struct sim_node *sn);
bool work_code_saved(const struct sim *s);
bool work_code_kill_due(const struct sim *s);
void work_code_final(struct sim *s);

/* check.c */
void check_ckpt(struct sim *s, uint64_t t);
void check_image(struct sim *s, const char *when);
void check_reset(struct sim *s, struct sim_node *mgr, const struct dsm_obs_event *ev);
void check_init(struct sim *s);
void check_free(struct sim *s);
void check_event(struct sim *s, struct sim_node *sn);
void check_observe(void *ctx, const struct dsm_obs_event *ev);
void check_crash(struct sim *s, struct sim_node *sn);
const struct truth_ver *check_truth_at(struct sim *s, uint32_t page, uint64_t t);
const struct truth_ver *check_latest(struct sim *s, uint32_t page);
bool check_lost_since(struct sim *s, uint32_t page, uint64_t tick);

#endif
