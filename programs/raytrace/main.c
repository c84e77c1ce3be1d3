/*
 * main.c: the raytrace program (issue 13): a picture rendered by every node
 * that helps, tiles taken from a work queue in the heap by transactions.
 *
 *     run raytrace <w> <h> [scene]   make a job, work on it, print the figures
 *     run raytrace --work            help with the bound job until its queue is empty
 *     run raytrace --dump            print the finished picture (tools/rtpng reads it)
 *
 * It owns one directory name, "rt.job", and the objects it reaches:
 *
 *     "rt.job" -> job (struct rt_job): the queue and the counts
 *                   ref 0      -> scene (struct rt_scene, rt.h)
 *                   ref 1 + b  -> band b: tile row b, tile after tile:
 *                                 tile tx's pixels at tx * RT_TILE_BYTES,
 *                                 rows of tw * 3 bytes (tw: the tile's width)
 *
 * Storing a band tile-major keeps each tile's bytes on one or two pages, so
 * two nodes writing different tiles seldom touch the same page; the job's
 * page is where every claim meets.
 *
 * A tile's life: free -> taken (a short transaction takes the next tiles,
 * an eighth of what is left, at most RT_CLAIM_MAX: few commits on the job's
 * page) -> rendered outside any transaction into a buffer on this node's
 * stack, RT_BATCH at a time -> done (a transaction per batch copies its
 * pixels into their bands and counts them for this node). Program globals live in one heap object shared by every node, so
 * this file has none: per-run state is on the stack.
 *
 * A node that died holding a tile: when nothing is left to take and the job
 * is unfinished, a node that has waited RT_RETAKE_US on its own clock (the
 * nodes' clocks are not comparable, so a claim carries no time) takes the
 * first taken-not-done tile again. Rendering a tile twice is harmless: the
 * bytes are the same, and only the first finish counts it.
 *
 * Every body only reads and writes the heap and its own *arg, and counts its
 * attempts in *arg (runs): the count is stored before the body's first call
 * of a plurix.h function, which the compiler must assume reads *arg, so an
 * attempt cut off later is still counted. A node's aborts are those of the
 * claims that gave it a tile and of its finishes (attempts - 1 of each);
 * polls of an empty queue, the job's making and the reading back are not
 * counted.
 *
 * What it prints (status 0 unless said):
 *     raytrace: scene <n> <w>x<h>: <t> tiles of 16x16          the starter, at once
 *     raytrace: node <id>: <t> tiles, <a> aborts               per node that took part
 *     raytrace: scene <n> <w>x<h>: <t> tiles in <us> us, checksum fnv1a 0x<8 hex>
 *     raytrace: node <id> rendered <t> tiles                   --work [--wait <s>]
 *       (--wait: for an unfinished job to appear, at most s seconds)
 *     P <w> <h>, then R <y> <hex> per row, nothing else        --dump
 *     usage: raytrace ...                                      bad arguments: status 2
 *     raytrace: ...: no job / unfinished / cannot ...          status 1
 * The time is the starter's, from the job's making to its last tile done.
 */
#include "rt.h"

#define RT_JOB_NAME   "rt.job"
#define RT_NEW_NAME   "rt.new"          /* a job being made, until its bands are there */
#define RT_JOB_MAGIC  0x31544a52u       /* "RJT1" */
#define RT_NODES_MAX  16                /* nodes 0 .. 15 count tiles; others are refused */
#define RT_BANDS_MAX  (RT_H_MAX / RT_TILE)
#define RT_TILES_MAX  ((RT_W_MAX / RT_TILE) * RT_BANDS_MAX)
#define RT_REF_BYTES  12                /* plurix.h: a reference cell's size */
#define RT_REFS       (1 + RT_BANDS_MAX)
#define RT_RETAKE_US  3000000u          /* idle this long: take an unfinished tile again */
#define RT_BATCH      4u                /* tiles one finish stores (on the stack until then) */
#define RT_CLAIM_MAX  16u               /* tiles one claim takes at most (a retake: one) */
#define RT_POLL_US    10000u            /* idle: look at the queue again after this */
#define RT_ROUNDS_MAX 200000u           /* claims and polls of one run, at most (> 30 min) */
#define RT_HEX_CHUNK  64                /* bytes of a --dump row printed per printf */

enum { TILE_FREE, TILE_TAKEN, TILE_DONE };

struct rt_job {
	uint32_t magic, id;
	uint32_t w, h, scene;
	uint32_t tiles_x, tiles_y, ntiles;
	uint32_t next;                  /* tiles [0, next) were taken at least once */
	uint32_t done;                  /* tiles done */
	uint32_t node_tiles[RT_NODES_MAX];
	uint32_t node_aborts[RT_NODES_MAX];
	uint8_t tile_state[RT_TILES_MAX];
	uint8_t refs[RT_REFS][RT_REF_BYTES]; /* reference cells: scene, then the bands */
};
#define RT_REF_OFF(i) (__builtin_offsetof(struct rt_job, refs) + (i) * RT_REF_BYTES)

/* What a node knows of the job it works on (a copy, on its stack). */
struct view {
	uint32_t id, w, h, tiles_x, ntiles, done, me;
	struct rt_scene scene;
};

/* An object's body (through size_t: a pointer's width on a node and on the host,
 * where tests/fakeplx/ runs this file against a heap below 4 GB). */
static void *body_of(uint32_t obj)
{
	return (void *)(size_t)(obj + PLX_HDR_BYTES);
}

static void spin_us(uint32_t us)
{
	uint64_t t0 = plx_time_us();

	while (plx_time_us() - t0 < us)
		;
}

/* ---- Inside bodies ---- */

static bool job_sane(const struct rt_job *j)
{
	return j->magic == RT_JOB_MAGIC && j->w >= 1 && j->w <= RT_W_MAX && j->h >= 1 &&
	       j->h <= RT_H_MAX && j->tiles_x == (j->w + RT_TILE - 1) / RT_TILE &&
	       j->tiles_y == (j->h + RT_TILE - 1) / RT_TILE &&
	       j->ntiles == j->tiles_x * j->tiles_y && j->next <= j->ntiles && j->done <= j->ntiles;
}

/* The bound job if it is sane and its id is id (0: any), else NULL; *job its address. */
static struct rt_job *job_find(uint32_t id, uint32_t *job)
{
	struct rt_job *j;

	if (plx_dir_lookup(RT_JOB_NAME, job) != 0)
		return NULL;
	j = body_of(*job);
	if (!job_sane(j) || (id && j->id != id))
		return NULL;
	return j;
}

/* A band's body: the band of tile row b. */
static uint8_t *band_of(uint32_t job, uint32_t b)
{
	uint32_t band;
	int err = plx_ref_load(job, RT_REF_OFF(1 + b), &band);

	if (err || !band)
		plx_txn_fail(err ? err : PLX_EINVAL);
	return body_of(band);
}

static void tile_rect(const struct view *v, uint32_t tile, uint32_t r[4])
{
	r[0] = tile % v->tiles_x * RT_TILE;
	r[1] = tile / v->tiles_x * RT_TILE;
	r[2] = v->w - r[0] < RT_TILE ? v->w - r[0] : RT_TILE;
	r[3] = v->h - r[1] < RT_TILE ? v->h - r[1] : RT_TILE;
}

/* ---- Making the job ---- */

struct create {
	uint32_t id, w, h;
	const struct rt_scene *scene;
	uint32_t busy_done, busy_ntiles; /* out: an unfinished job's progress (ntiles 0: none) */
	uint32_t job, blob, band;        /* out: the new job and its blob type; band: in */
};

/* A new object of type and size with its reference stored in job's cell ref. */
static uint32_t alloc_ref(uint32_t type, uint32_t size, uint32_t job, uint32_t ref)
{
	uint32_t obj;
	int err = plx_alloc(type, size, &obj);

	if (!err)
		err = plx_ref_store(job, RT_REF_OFF(ref), obj);
	if (err)
		plx_txn_fail(err);
	return obj;
}

static void job_fill(struct rt_job *j, const struct create *c)
{
	j->magic = RT_JOB_MAGIC;
	j->id = c->id;
	j->w = c->w;
	j->h = c->h;
	j->scene = c->scene->number;
	j->tiles_x = (c->w + RT_TILE - 1) / RT_TILE;
	j->tiles_y = (c->h + RT_TILE - 1) / RT_TILE;
	j->ntiles = j->tiles_x * j->tiles_y;
}

/* Bind obj to name, replacing what name was bound to. */
static int rebind(const char *name, uint32_t obj)
{
	uint32_t old;
	int err = 0;

	if (plx_dir_lookup(name, &old) == 0)
		err = plx_dir_unbind(name);
	return err ? err : plx_dir_bind(name, obj);
}

/* One band of the new job, a transaction of its own (a picture's bands
 * together are more pages than one transaction may write). */
static void band_body(void *arg)
{
	struct create *c = arg;
	struct rt_job *j = body_of(c->job);

	alloc_ref(c->blob, j->tiles_x * RT_TILE_BYTES, c->job, 1 + c->band);
}

/* The job, its bands made: bound as RT_JOB_NAME, for every node to work on. */
static void publish_body(void *arg)
{
	struct create *c = arg;
	int err = rebind(RT_JOB_NAME, c->job);

	if (!err)
		err = plx_dir_unbind(RT_NEW_NAME);
	if (err)
		plx_txn_fail(err);
}

static void create_body(void *arg);

/* Make a job: its object and scene (bound as RT_NEW_NAME meanwhile, so it
 * stays alive), each band, then bind it. 0, or an error. */
static int job_make(struct create *c)
{
	int err = plx_txn_run(create_body, c);

	for (c->band = 0; !err && !c->busy_ntiles && c->band < (c->h + RT_TILE - 1) / RT_TILE;
	     c->band++)
		err = plx_txn_run(band_body, c);
	if (!err && !c->busy_ntiles)
		err = plx_txn_run(publish_body, c);
	return err;
}

/* Refuse if a bound job is unfinished; else make a new one's object and
 * scene, bound as RT_NEW_NAME (job_make adds the bands). */
static void create_body(void *arg)
{
	struct create *c = arg;
	uint32_t old, job, blob, jtype, offs[RT_REFS];
	struct rt_job *j = job_find(0, &old);

	c->busy_ntiles = 0;
	if (j && j->done < j->ntiles) {
		c->busy_done = j->done;
		c->busy_ntiles = j->ntiles;
		return;
	}
	for (uint32_t i = 0; i < RT_REFS; i++)
		offs[i] = RT_REF_OFF(i);
	int err = plx_type_create(0, 0, NULL, &blob);
	if (!err)
		err = plx_type_create(sizeof(struct rt_job), RT_REFS, offs, &jtype);
	if (!err)
		err = plx_alloc(jtype, 0, &job);
	if (err)
		plx_txn_fail(err);
	j = body_of(job);
	job_fill(j, c);
	memcpy(body_of(alloc_ref(blob, sizeof(struct rt_scene), job, 0)), c->scene,
	       sizeof(struct rt_scene));
	if ((err = rebind(RT_NEW_NAME, job)) != 0)
		plx_txn_fail(err);
	c->job = job;
	c->blob = blob;
}

/* ---- Attaching: a copy of the job's scene and sizes ---- */

struct attach {
	uint32_t id;                    /* in: the job's id, 0: any */
	struct view *v;
	bool found;
};

static void attach_body(void *arg)
{
	struct attach *a = arg;
	uint32_t job, scene;
	struct rt_job *j = job_find(a->id, &job);

	a->found = j != NULL;
	if (!j)
		return;
	int err = plx_ref_load(job, RT_REF_OFF(0), &scene);
	if (err || !scene)
		plx_txn_fail(err ? err : PLX_EINVAL);
	memcpy(&a->v->scene, body_of(scene), sizeof(struct rt_scene));
	a->v->id = j->id;
	a->v->w = j->w;
	a->v->h = j->h;
	a->v->tiles_x = j->tiles_x;
	a->v->ntiles = j->ntiles;
	a->v->done = j->done;
}

/* The bound job (id: that one, 0: any) into *v: 0; 1 if there is none; < 0 an error. */
static int attach(struct view *v, uint32_t id)
{
	struct attach a = { id, v, false };
	int err;

	v->me = plx_node_id();
	err = plx_txn_run(attach_body, &a);
	if (err)
		return err;
	if (!a.found)
		return 1;
	return rt_scene_check(&v->scene) == 0 ? 0 : PLX_EINVAL;
}

/* ---- The queue ---- */

enum { CLAIM_TILE, CLAIM_WAIT, CLAIM_FINISHED, CLAIM_GONE };

struct claim {
	uint32_t id;
	bool retake;                    /* in: may take a taken-not-done tile again */
	int result;
	uint32_t tile, count;           /* tiles [tile, tile + count) */
	uint32_t runs;
};

/* Guided self-scheduling: an eighth of what is left, 1 to RT_CLAIM_MAX
 * tiles, so that claims (commits on the job's page) are few while much is
 * left and the last tiles still spread over the nodes. */
static uint32_t claim_size(uint32_t left)
{
	uint32_t n = left / 8u;

	return n < 1u ? 1u : n > RT_CLAIM_MAX ? RT_CLAIM_MAX : n;
}

static void claim_body(void *arg)
{
	struct claim *c = arg;
	uint32_t job;

	c->runs++;
	struct rt_job *j = job_find(c->id, &job);
	if (!j) {
		c->result = CLAIM_GONE;
	} else if (j->done == j->ntiles) {
		c->result = CLAIM_FINISHED;
	} else if (j->next < j->ntiles) {
		c->result = CLAIM_TILE;
		c->tile = j->next;
		c->count = claim_size(j->ntiles - j->next);
		for (uint32_t k = 0; k < c->count; k++)
			j->tile_state[j->next++] = TILE_TAKEN;
	} else {
		c->result = CLAIM_WAIT;
		for (uint32_t t = 0; c->retake && t < j->ntiles; t++) {
			if (j->tile_state[t] == TILE_TAKEN) {
				c->result = CLAIM_TILE;
				c->tile = t;
				c->count = 1;
				break;
			}
		}
	}
}

struct finish {
	const struct view *v;
	uint32_t tile, count;
	const uint8_t *rgb;             /* count tiles of RT_TILE_BYTES */
	uint32_t aborts_before;         /* the claim's aborts */
	uint32_t runs;
	uint32_t counted;               /* out: the tiles this node finished first */
};

static void finish_body(void *arg)
{
	struct finish *f = arg;
	uint32_t job, r[4];

	f->runs++;
	struct rt_job *j = job_find(f->v->id, &job);
	f->counted = 0;
	if (!j)
		return;
	j->node_aborts[f->v->me] += f->aborts_before + f->runs - 1;
	for (uint32_t k = 0; k < f->count; k++) {
		uint32_t t = f->tile + k;
		if (j->tile_state[t] == TILE_DONE)
			continue;
		tile_rect(f->v, t, r);
		memcpy(band_of(job, r[1] / RT_TILE) + r[0] / RT_TILE * RT_TILE_BYTES,
		       f->rgb + k * RT_TILE_BYTES, r[2] * r[3] * 3);
		j->tile_state[t] = TILE_DONE;
		j->done++;
		j->node_tiles[f->v->me]++;
		f->counted++;
	}
}

/* Render tile outside any transaction, then store it: 1 if this node counted it, 0 if
 * another node had, < 0 an error. */
/* Render the claim's tiles RT_BATCH at a time, each batch stored by one
 * transaction: the tiles this node finished first, or an error. */
static int tile_do(const struct view *v, const struct claim *c)
{
	uint8_t rgb[RT_BATCH * RT_TILE_BYTES];
	uint32_t r[4], counted = 0, aborts = c->runs - 1;

	for (uint32_t first = 0; first < c->count; first += RT_BATCH) {
		uint32_t n = c->count - first < RT_BATCH ? c->count - first : RT_BATCH;
		struct finish f = { v, c->tile + first, n, rgb, aborts, 0, 0 };
		for (uint32_t k = 0; k < n; k++) {
			tile_rect(v, f.tile + k, r);
			rt_render_tile(&v->scene, v->w, v->h, r[0], r[1], r[2], r[3],
				       rgb + k * RT_TILE_BYTES);
		}
		int err = plx_txn_run(finish_body, &f);
		if (err)
			return err;
		counted += f.counted;
		aborts = 0;
	}
	return (int)counted;
}

/* Take and render tiles until the job is finished: 0, or < 0 (an error; 1: the job was
 * replaced). *tiles: the tiles this node counted. */
static int work(const struct view *v, uint32_t *tiles)
{
	uint64_t idle_since = 0;

	*tiles = 0;
	for (uint32_t round = 0; round < RT_ROUNDS_MAX; round++) {
		uint64_t now = plx_time_us();
		struct claim c = { v->id, idle_since && now - idle_since >= RT_RETAKE_US, 0, 0, 0, 0 };
		int err = plx_txn_run(claim_body, &c);
		if (err)
			return err;
		if (c.result == CLAIM_FINISHED)
			return 0;
		if (c.result == CLAIM_GONE)
			return 1;
		if (c.result == CLAIM_WAIT) {
			if (!idle_since)
				idle_since = now;
			spin_us(RT_POLL_US);
			continue;
		}
		idle_since = 0;
		err = tile_do(v, &c);
		if (err < 0)
			return err;
		*tiles += (uint32_t)err;
	}
	return PLX_EINVAL;
}

/* ---- Reading the picture ---- */

struct row {
	const struct view *v;
	uint32_t y;
	uint8_t *rgb;                   /* w * 3 bytes */
	bool found;
};

static void row_body(void *arg)
{
	struct row *rw = arg;
	const struct view *v = rw->v;
	uint32_t job, r[4];

	rw->found = job_find(v->id, &job) != NULL;
	if (!rw->found)
		return;
	uint8_t *band = band_of(job, rw->y / RT_TILE);
	for (uint32_t tx = 0; tx < v->tiles_x; tx++) {
		tile_rect(v, rw->y / RT_TILE * v->tiles_x + tx, r);
		memcpy(rw->rgb + r[0] * 3, band + tx * RT_TILE_BYTES + rw->y % RT_TILE * r[2] * 3,
		       r[2] * 3);
	}
}

/* Row y of the picture into rgb (w * 3 bytes): 0, 1 if the job is gone, < 0 an error. */
static int row_read(const struct view *v, uint32_t y, uint8_t *rgb)
{
	struct row rw = { v, y, rgb, false };
	int err = plx_txn_run(row_body, &rw);

	return err ? err : !rw.found;
}

/* The picture's checksum (rt.h: rt_fnv1a of the rows from the top) into *fnv. */
static int picture_fnv(const struct view *v, uint32_t *fnv)
{
	uint8_t rgb[RT_W_MAX * 3];

	*fnv = RT_FNV_INIT;
	for (uint32_t y = 0; y < v->h; y++) {
		int err = row_read(v, y, rgb);
		if (err)
			return err;
		*fnv = rt_fnv1a(*fnv, rgb, v->w * 3);
	}
	return 0;
}

/* One row as `R <y> <hex>`, printed RT_HEX_CHUNK bytes at a time. */
static void row_print(uint32_t y, const uint8_t *rgb, uint32_t n)
{
	char hex[2 * RT_HEX_CHUNK + 1];

	printf("R %u ", y);
	for (uint32_t i = 0; i < n; i += RT_HEX_CHUNK) {
		rt_hex(rgb + i, n - i < RT_HEX_CHUNK ? n - i : RT_HEX_CHUNK, hex);
		printf("%s", hex);
	}
	printf("\n");
}

/* ---- The commands ---- */

struct report {
	uint32_t id;
	uint32_t node_tiles[RT_NODES_MAX], node_aborts[RT_NODES_MAX];
	bool found;
};

static void report_body(void *arg)
{
	struct report *rp = arg;
	uint32_t job;
	struct rt_job *j = job_find(rp->id, &job);

	rp->found = j != NULL;
	if (!j)
		return;
	memcpy(rp->node_tiles, j->node_tiles, sizeof rp->node_tiles);
	memcpy(rp->node_aborts, j->node_aborts, sizeof rp->node_aborts);
}

/* The figures of a finished render: tiles and aborts per node, time, checksum. */
static int report(const struct view *v, uint64_t us)
{
	struct report rp = { v->id, { 0 }, { 0 }, false };
	uint32_t fnv;
	int err = plx_txn_run(report_body, &rp);

	if (!err && !rp.found)
		err = PLX_ENOENT;
	if (!err)
		err = picture_fnv(v, &fnv);
	if (err) {
		printf("raytrace: cannot read the job back: %s\n", plx_strerror(err));
		return 1;
	}
	for (uint32_t n = 0; n < RT_NODES_MAX; n++)
		if (rp.node_tiles[n] || rp.node_aborts[n])
			printf("raytrace: node %u: %u tiles, %u aborts\n", n, rp.node_tiles[n],
			       rp.node_aborts[n]);
	printf("raytrace: scene %u %ux%u: %u tiles in %u us, checksum fnv1a 0x%08x\n",
	       v->scene.number, v->w, v->h, v->ntiles, (uint32_t)us, fnv);
	return 0;
}

static int cmd_render(uint32_t w, uint32_t h, uint32_t number)
{
	struct rt_scene scene;
	struct view v;
	uint32_t tiles;

	rt_scene_build(number, &scene);
	struct create c = { (plx_node_id() << 24 ^ (uint32_t)plx_time_us()) | 1, w, h, &scene, 0, 0,
			    0, 0, 0 };
	int err = job_make(&c);
	if (!err && c.busy_ntiles) {
		printf("raytrace: a job is unfinished (%u of %u tiles done): "
		       "`run raytrace --work` finishes it\n", c.busy_done, c.busy_ntiles);
		return 1;
	}
	if (!err)
		err = attach(&v, c.id);
	if (err) {
		printf("raytrace: cannot make the job: %s\n", err > 0 ? "it is gone" : plx_strerror(err));
		return 1;
	}
	printf("raytrace: scene %u %ux%u: %u tiles of %ux%u\n", number, w, h, v.ntiles, RT_TILE,
	       RT_TILE);
	uint64_t t0 = plx_time_us();
	err = work(&v, &tiles);
	uint64_t us = plx_time_us() - t0;
	if (err) {
		printf("raytrace: stopped: %s\n", err > 0 ? "the job was replaced" : plx_strerror(err));
		return 1;
	}
	return report(&v, us);
}

/* Attach to the bound job for --work and --dump: 0, or the status to return. */
static int attach_cmd(struct view *v, const char *what)
{
	int err = attach(v, 0);

	if (err == 1)
		printf("raytrace: %s: no job (`%s` is not bound): "
		       "start one with `run raytrace <w> <h> [scene]`\n", what, RT_JOB_NAME);
	else if (err)
		printf("raytrace: %s: cannot read the job: %s\n", what, plx_strerror(err));
	return err ? 1 : 0;
}

/* --wait: attach to the bound job once it is unfinished, looking every
 * 50 ms for at most wait_s seconds: 0, or the status to return. */
static int attach_wait(struct view *v, uint32_t wait_s)
{
	uint64_t until = plx_time_us() + (uint64_t)wait_s * 1000000u;

	for (;;) {
		int err = attach(v, 0);
		if (err < 0) {
			printf("raytrace: --work: cannot read the job: %s\n", plx_strerror(err));
			return 1;
		}
		if (err == 0 && v->done < v->ntiles)
			return 0;
		if (plx_time_us() >= until) {
			printf("raytrace: --work: no unfinished job within %u s\n", wait_s);
			return 1;
		}
		spin_us(5 * RT_POLL_US);
	}
}

static int cmd_work(uint32_t wait_s)
{
	struct view v;
	uint32_t tiles;
	int err = wait_s ? attach_wait(&v, wait_s) : attach_cmd(&v, "--work");

	if (err)
		return err;
	err = work(&v, &tiles);
	if (err) {
		printf("raytrace: node %u stopped after %u tiles: %s\n", v.me, tiles,
		       err > 0 ? "the job was replaced" : plx_strerror(err));
		return 1;
	}
	printf("raytrace: node %u rendered %u tiles\n", v.me, tiles);
	return 0;
}

static int cmd_dump(void)
{
	struct view v;
	uint8_t rgb[RT_W_MAX * 3];
	int err = attach_cmd(&v, "--dump");

	if (err)
		return err;
	if (v.done < v.ntiles) {
		printf("raytrace: --dump: the job is unfinished (%u of %u tiles)\n", v.done, v.ntiles);
		return 1;
	}
	printf("P %u %u\n", v.w, v.h);
	for (uint32_t y = 0; y < v.h; y++) {
		err = row_read(&v, y, rgb);
		if (err) {
			printf("raytrace: --dump: row %u: %s\n", y,
			       err > 0 ? "the job was replaced" : plx_strerror(err));
			return 1;
		}
		row_print(y, rgb, v.w * 3);
	}
	return 0;
}

/* A decimal number in min .. max into *v: 0, or -1. */
static int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *v)
{
	uint32_t n = 0;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9' || n > max / 10)
			return -1;
		n = n * 10 + (uint32_t)(*s - '0');
		if (n > max)
			return -1;
	}
	if (n < min)
		return -1;
	*v = n;
	return 0;
}

int main(int argc, char **argv)
{
	uint32_t w, h, number = 0;

	if (plx_node_id() >= RT_NODES_MAX) {
		printf("raytrace: node %u: the job counts nodes 0 .. %u only\n", plx_node_id(),
		       RT_NODES_MAX - 1);
		return 1;
	}
	if (argc == 2 && strcmp(argv[1], "--work") == 0)
		return cmd_work(0);
	if (argc == 4 && strcmp(argv[1], "--work") == 0 && strcmp(argv[2], "--wait") == 0 &&
	    parse_u32(argv[3], 1, 3600, &w) == 0)
		return cmd_work(w);
	if (argc == 2 && strcmp(argv[1], "--dump") == 0)
		return cmd_dump();
	if ((argc == 3 || argc == 4) && parse_u32(argv[1], 1, RT_W_MAX, &w) == 0 &&
	    parse_u32(argv[2], 1, RT_H_MAX, &h) == 0 &&
	    (argc == 3 || parse_u32(argv[3], 0, RT_SCENES - 1, &number) == 0))
		return cmd_render(w, h, number);
	printf("usage: raytrace <w> <h> [scene] | --work [--wait <s>] | --dump  (1 <= w, h <= %u; "
	       "scene 0 .. %u)\n", RT_W_MAX, RT_SCENES - 1);
	return 2;
}
