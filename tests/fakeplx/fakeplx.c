/*
 * fakeplx.c: the host stand-in for plurix.h's kernel side (fakeplx.h says
 * what it models). It owns one arena mapped below 2 GB (MAP_32BIT), which
 * holds all the heap state (the directory, the bump pointer, every object),
 * so undoing an attempt is one copy back of the arena's used part. Only the
 * calls the programs under test make are here.
 *
 * An object: a 24-byte header (magic, type, size) and its body. A type's
 * body: struct type (its instances' size and reference offsets). A
 * reference cell keeps its target in its first word.
 */
#define _DEFAULT_SOURCE   /* MAP_32BIT */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "tests/fakeplx/fakeplx.h"

#define ARENA_BYTES   (1u << 20)
#define OBJ_MAGIC     0x4a424f46u       /* "FOBJ" */
#define DIR_MAX       8
#define REFS_MAX      32
#define ATTEMPTS_CUT  8                 /* later attempts are not cut: every body ends */

struct hdr {
	uint32_t magic, type, size;
	uint8_t pad[PLX_HDR_BYTES - 12];
};
_Static_assert(sizeof(struct hdr) == PLX_HDR_BYTES, "header size");

struct type {
	uint32_t size, nrefs, offs[REFS_MAX];
};

/* The arena's first bytes. */
struct heap {
	uint32_t used;
	char names[DIR_MAX][PLX_NAME_MAX];
	uint32_t objs[DIR_MAX];
};

static uint8_t *arena, *backup;
static uint32_t rng, cut_one_in, node, kill_after, attempt;
static bool in_body;
static int fail_err;
static jmp_buf abort_env, kill_env;
static struct fake_stats stats;
static uint64_t clock_us;

static struct heap *heap(void)
{
	return (struct heap *)arena;
}

static uint32_t addr_of(void *p)
{
	return (uint32_t)(size_t)p;
}

/* A pseudo-random cut-off of the running attempt (never outside a body). */
static void maybe_cut(void)
{
	rng = rng * 1103515245u + 12345u;
	if (in_body && cut_one_in && attempt < ATTEMPTS_CUT && (rng >> 16) % cut_one_in == 0)
		longjmp(abort_env, 1);
}

/* The header of obj, or NULL if obj is not an object of the arena. */
static struct hdr *hdr_of(uint32_t obj)
{
	uint32_t base = addr_of(arena);

	if (!in_body) {
		fprintf(stderr, "fakeplx: the heap reached outside a body\n");
		abort();
	}
	if (obj < base + sizeof(struct heap) || obj + sizeof(struct hdr) > base + heap()->used)
		return NULL;
	struct hdr *h = (struct hdr *)(size_t)obj;
	return h->magic == OBJ_MAGIC ? h : NULL;
}

void fake_reset(uint32_t seed, uint32_t cut)
{
	if (!arena) {
		arena = mmap(NULL, ARENA_BYTES, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
		backup = malloc(ARENA_BYTES);
		if (arena == MAP_FAILED || !backup) {
			fprintf(stderr, "fakeplx: no arena\n");
			abort();
		}
	}
	memset(arena, 0, ARENA_BYTES);
	heap()->used = sizeof(struct heap);
	rng = seed;
	cut_one_in = cut;
	memset(&stats, 0, sizeof stats);
}

int fake_run(int (*main_fn)(int, char **), uint32_t id, uint32_t kill, int argc, char **argv)
{
	node = id;
	kill_after = kill;
	if (setjmp(kill_env))
		return -1;
	return main_fn(argc, argv);
}

struct fake_stats fake_stats(void)
{
	return stats;
}

/* ---- plurix.h ---- */

uint32_t plx_node_id(void)
{
	return node;
}

uint32_t plx_nodes(void)
{
	return 4;
}

uint64_t plx_time_us(void)
{
	clock_us += FAKE_TICK_US;
	return clock_us;
}

int plx_txn_run(void (*body)(void *arg), void *arg)
{
	if (in_body) {
		fprintf(stderr, "fakeplx: plx_txn_run inside a body\n");
		abort();
	}
	if (kill_after && --kill_after == 0)
		longjmp(kill_env, 1);
	uint32_t used = heap()->used;
	memcpy(backup, arena, used);
	for (attempt = 0;; attempt++) {
		int cut = setjmp(abort_env);
		if (!cut) {
			in_body = true;
			body(arg);
			maybe_cut();
			in_body = false;
			stats.commits++;
			return 0;
		}
		in_body = false;
		memset(arena, 0, heap()->used);
		memcpy(arena, backup, used);
		if (cut == 2) {
			stats.fails++;
			return fail_err;
		}
		stats.aborts++;
	}
}

void plx_txn_fail(int err)
{
	fail_err = err;
	longjmp(abort_env, 2);
}

int plx_type_create(uint32_t size, uint32_t nrefs, const uint32_t *offs, uint32_t *type)
{
	struct type t = { size, nrefs, { 0 } };

	maybe_cut();
	if (nrefs > REFS_MAX)
		return PLX_EINVAL;
	for (uint32_t i = 0; i < nrefs; i++) {
		if ((i && offs[i] <= offs[i - 1]) || (size && offs[i] + 12 > size))
			return PLX_EINVAL;
		t.offs[i] = offs[i];
	}
	int err = plx_alloc(0, sizeof t, type);
	if (!err)
		memcpy((uint8_t *)(size_t)*type + PLX_HDR_BYTES, &t, sizeof t);
	return err;
}

/* type 0: a type object itself. */
int plx_alloc(uint32_t type, uint32_t size, uint32_t *obj)
{
	maybe_cut();
	if (type) {
		struct hdr *th = hdr_of(type);
		if (!th)
			return PLX_EINVAL;
		struct type *t = (struct type *)(th + 1);
		if (t->size)
			size = t->size;
	}
	uint32_t bytes = (sizeof(struct hdr) + size + 7) & ~7u;
	if (size > 65536 - PLX_HDR_BYTES || heap()->used + bytes > ARENA_BYTES)
		return PLX_ENOMEM;
	struct hdr *h = (struct hdr *)(arena + heap()->used);
	heap()->used += bytes;
	h->magic = OBJ_MAGIC;
	h->type = type;
	h->size = size;
	*obj = addr_of(h);
	return 0;
}

/* The first word of obj's reference cell at off, or NULL if there is none there. */
static uint32_t *ref_cell(uint32_t obj, uint32_t off)
{
	struct hdr *h = hdr_of(obj);

	if (!h || !h->type)
		return NULL;
	struct type *t = (struct type *)(hdr_of(h->type) + 1);
	for (uint32_t i = 0; i < t->nrefs; i++)
		if (t->offs[i] == off)
			return (uint32_t *)((uint8_t *)(h + 1) + off);
	return NULL;
}

int plx_ref_store(uint32_t obj, uint32_t off, uint32_t target)
{
	maybe_cut();
	uint32_t *cell = ref_cell(obj, off);
	if (!cell || (target && !hdr_of(target)))
		return PLX_EINVAL;
	*cell = target;
	return 0;
}

int plx_ref_load(uint32_t obj, uint32_t off, uint32_t *target)
{
	maybe_cut();
	uint32_t *cell = ref_cell(obj, off);
	if (!cell)
		return PLX_EINVAL;
	*target = *cell;
	return 0;
}

/* name's slot in the directory, or -1. */
static int dir_slot(const char *name)
{
	for (int i = 0; i < DIR_MAX; i++)
		if (heap()->objs[i] && strcmp(heap()->names[i], name) == 0)
			return i;
	return -1;
}

int plx_dir_bind(const char *name, uint32_t obj)
{
	maybe_cut();
	if (strlen(name) >= PLX_NAME_MAX || !hdr_of(obj))
		return PLX_EINVAL;
	if (dir_slot(name) >= 0)
		return PLX_EEXIST;
	for (int i = 0; i < DIR_MAX; i++) {
		if (!heap()->objs[i]) {
			strcpy(heap()->names[i], name);
			heap()->objs[i] = obj;
			return 0;
		}
	}
	return PLX_ENOMEM;
}

int plx_dir_lookup(const char *name, uint32_t *obj)
{
	maybe_cut();
	(void)hdr_of(0);   /* only inside a body */
	int i = dir_slot(name);
	if (i < 0)
		return PLX_ENOENT;
	*obj = heap()->objs[i];
	return 0;
}

int plx_dir_unbind(const char *name)
{
	maybe_cut();
	int i = dir_slot(name);
	if (i < 0)
		return PLX_ENOENT;
	heap()->objs[i] = 0;
	return 0;
}

const char *plx_strerror(int err)
{
	switch (err) {
	case PLX_EINVAL: return "bad argument";
	case PLX_ENOMEM: return "no room";
	case PLX_ENOENT: return "not bound";
	case PLX_EEXIST: return "bound already";
	default: return "error";
	}
}
