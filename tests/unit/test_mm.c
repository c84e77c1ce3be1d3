/*
 * test_mm.c: the object heap (mm/) and its collector (gc/) on a flat RAM
 * heap behind a trivial accessor: allocation (small, large, read-only, per
 * node), descriptor checks, exact backchains, relocation, candidate GC with
 * cycles (gc_run), allocator
 * refills, the directory, and corrupt headers/backchains giving errors.
 */
#include <stdlib.h>
#include <string.h>

#include "gc/gc.h"
#include "mm/mm.h"
#include "tests/unit/check.h"

#define T_BASE  0x80000000u
#define T_PAGES 64u

struct t_heap {
	uint8_t *mem;
	uint32_t npages;
	int bad;    /* accesses outside the heap */
};

static uint8_t *t_at(struct t_heap *h, uint32_t a, uint32_t len)
{
	if (a < T_BASE || a - T_BASE + len > h->npages * 4096u) {
		h->bad++;
		return NULL;
	}
	return h->mem + (a - T_BASE);
}
static uint32_t t_load(void *c, uint32_t a)
{
	uint32_t v = 0;
	uint8_t *p = t_at(c, a, 4);
	if (p)
		memcpy(&v, p, 4);
	return v;
}
static void t_store(void *c, uint32_t a, uint32_t v)
{
	uint8_t *p = t_at(c, a, 4);
	if (p)
		memcpy(p, &v, 4);
}
static void t_out(void *c, uint32_t a, void *buf, uint32_t len)
{
	uint8_t *p = t_at(c, a, len);
	if (p)
		memcpy(buf, p, len);
}
static void t_in(void *c, uint32_t a, const void *buf, uint32_t len)
{
	uint8_t *p = t_at(c, a, len);
	if (p)
		memcpy(p, buf, len);
}
static const struct mm_access t_acc = {t_load, t_store, t_out, t_in};

struct t_ctx {
	struct t_heap heap;
	struct mm mm[3];
	uint32_t node_t, pair_t;  /* node: {next cell, peer cell, value}; pair: 2 cells */
};

enum { NEXT = 0, PEER = 12, VALUE = 24, NODE_SIZE = 28 };

static struct t_ctx *t_setup(uint32_t region_pages)
{
	struct t_ctx *t = calloc(1, sizeof(*t));
	t->heap.mem = calloc(T_PAGES, 4096);
	t->heap.npages = T_PAGES;
	for (uint16_t n = 0; n < 3; n++)
		if (mm_init(&t->mm[n], &t_acc, &t->heap, T_BASE, T_PAGES * 4096u, n, 3) != MM_OK)
			return NULL;
	if (mm_format(&t->mm[0], region_pages) != MM_OK)
		return NULL;
	uint32_t offs[2] = {NEXT, PEER};
	if (mm_desc_create(&t->mm[0], NODE_SIZE, 2, offs, &t->node_t) != MM_OK ||
	    mm_desc_create(&t->mm[0], 24, 2, offs, &t->pair_t) != MM_OK)
		return NULL;
	return t;
}

static void t_done(struct t_ctx *t)
{
	CHECK(t->heap.bad == 0);
	free(t->heap.mem);
	free(t);
}

static uint32_t t_new(struct t_ctx *t, int node, uint32_t value)
{
	uint32_t o = 0;
	if (mm_alloc(&t->mm[node], t->node_t, 0, MM_RW, &o) == MM_OK)
		mm_word_store(&t->mm[node], o, VALUE, value);
	return o;
}

static uint32_t bc_len(struct t_ctx *t, uint32_t o)
{
	uint32_t n = 999;
	CHECK(mm_backchain_len(&t->mm[0], o, &n) == MM_OK);
	return n;
}

static bool live(struct t_ctx *t, uint32_t o)
{
	uint32_t sz;
	return mm_size(&t->mm[0], o, &sz) == MM_OK;
}

TEST(mm_alloc_kinds_and_pages)
{
	struct t_ctx *t = t_setup(2);
	REQUIRE(t);
	CHECK(mm_format(&t->mm[1], 2) == MM_EEXIST);
	uint32_t a = t_new(t, 0, 1), b = t_new(t, 1, 2), c = t_new(t, 2, 3), ro, big, sys;
	REQUIRE(a && b && c);
	/* per-node regions: no two nodes' objects on one page */
	CHECK(a / 4096 != b / 4096 && b / 4096 != c / 4096 && a / 4096 != c / 4096);
	CHECK(mm_alloc(&t->mm[1], t->node_t, 0, MM_RO, &ro) == MM_OK);
	CHECK(mm_alloc(&t->mm[1], t->node_t, 0, MM_SYS, &sys) == MM_OK);
	CHECK(ro / 4096 != b / 4096 && sys / 4096 != b / 4096 && sys / 4096 != ro / 4096);
	CHECK(mm_alloc(&t->mm[1], mm_meta_desc(&t->mm[1]), 9000, MM_RW, &big) == MM_OK);
	CHECK(big % 4096 == 0);
	uint32_t v = 0;
	CHECK(mm_word_load(&t->mm[0], b, VALUE, &v) == MM_OK && v == 2);
	struct mm_stat st;
	REQUIRE(mm_objstat(&t->mm[0], &st) == MM_OK);
	CHECK(st.objects[MM_RW] == 3 && st.objects[MM_RO] == 5 && st.objects[MM_SYS] == 1);
	CHECK(st.large_objects == 1 && st.large_pages == 3 && st.large_bytes == 9000);
	uint32_t nobj;
	CHECK(mm_verify(&t->mm[0], &nobj) == MM_OK && nobj == 3 + 5 + 1 + 1 + 1);
	t_done(t);
}

TEST(mm_descriptor_checks_refuse_wrong_type)
{
	struct t_ctx *t = t_setup(1);
	REQUIRE(t);
	uint32_t a = t_new(t, 0, 7), p;
	REQUIRE(mm_alloc(&t->mm[0], t->pair_t, 0, MM_RW, &p) == MM_OK);
	CHECK(mm_check_type(&t->mm[0], a, t->node_t) == MM_OK);
	CHECK(mm_check_type(&t->mm[0], a, t->pair_t) == MM_ETYPE);
	CHECK(mm_check_type(&t->mm[0], a + 8, t->node_t) == MM_EMAGIC);
	CHECK(mm_check_type(&t->mm[0], a + 2, t->node_t) == MM_EINVAL);
	CHECK(mm_check_type(&t->mm[0], 0x1000, t->node_t) == MM_EINVAL);
	CHECK(mm_alloc(&t->mm[0], a, 0, MM_RW, &p) == MM_ETYPE);          /* not a descriptor */
	CHECK(mm_alloc(&t->mm[0], t->node_t, 32, MM_RW, &p) == MM_ETYPE); /* wrong size */
	CHECK(mm_ref_store(&t->mm[0], a, VALUE, a) == MM_ENOTREF);
	CHECK(mm_ref_store(&t->mm[0], a, 4, a) == MM_ENOTREF);
	CHECK(mm_word_store(&t->mm[0], a, NEXT, 5) == MM_EREFCELL);
	CHECK(mm_word_store(&t->mm[0], a, PEER + 8, 5) == MM_EREFCELL);
	CHECK(mm_word_store(&t->mm[0], a, NODE_SIZE, 5) == MM_EINVAL);
	uint32_t bad[2] = {0, 4};
	CHECK(mm_desc_create(&t->mm[0], 32, 2, bad, &p) == MM_EINVAL);  /* cells overlap */
	t_done(t);
}

TEST(mm_backchains_exact)
{
	struct t_ctx *t = t_setup(1);
	REQUIRE(t);
	uint32_t x = t_new(t, 0, 1), a = t_new(t, 1, 2), b = t_new(t, 2, 3);
	REQUIRE(mm_ref_store(&t->mm[1], a, NEXT, x) == MM_OK);
	REQUIRE(mm_ref_store(&t->mm[2], b, NEXT, x) == MM_OK);
	REQUIRE(mm_ref_store(&t->mm[2], b, PEER, x) == MM_OK);
	REQUIRE(mm_ref_store(&t->mm[0], x, PEER, x) == MM_OK);   /* self reference */
	CHECK(bc_len(t, x) == 4 && bc_len(t, a) == 0);
	CHECK(mm_ref_store(&t->mm[2], b, PEER, a) == MM_OK);     /* overwrite unlinks */
	CHECK(bc_len(t, x) == 3 && bc_len(t, a) == 1);
	CHECK(mm_ref_store(&t->mm[1], a, NEXT, 0) == MM_OK);     /* clear unlinks */
	CHECK(bc_len(t, x) == 2);
	CHECK(mm_ref_store(&t->mm[1], a, NEXT, 0) == MM_OK);     /* clearing twice is fine */
	uint32_t r = 0;
	CHECK(mm_ref_load(&t->mm[0], b, NEXT, &r) == MM_OK && r == x);
	CHECK(mm_free(&t->mm[0], x) == MM_EBUSY);
	struct mm_stat st;
	REQUIRE(mm_objstat(&t->mm[0], &st) == MM_OK);
	CHECK(st.bc_entries == 3);
	uint32_t nobj;
	CHECK(mm_verify(&t->mm[0], &nobj) == MM_OK);
	t_done(t);
}

TEST(mm_relocation_fixes_every_reference)
{
	struct t_ctx *t = t_setup(1);
	REQUIRE(t);
	uint32_t x = t_new(t, 0, 42), a = t_new(t, 0, 1), b = t_new(t, 1, 2), y = t_new(t, 2, 9);
	REQUIRE(mm_ref_store(&t->mm[0], a, NEXT, x) == MM_OK);
	REQUIRE(mm_ref_store(&t->mm[1], b, PEER, x) == MM_OK);
	REQUIRE(mm_ref_store(&t->mm[0], x, NEXT, y) == MM_OK);
	REQUIRE(mm_ref_store(&t->mm[0], x, PEER, x) == MM_OK);
	REQUIRE(mm_dir_bind(&t->mm[0], "x", x) == MM_OK);
	uint32_t to = 0, r, v;
	REQUIRE(mm_relocate(&t->mm[1], x, MM_RELOC_PAGE, &to) == MM_OK);
	CHECK(to % 4096 == 0 && to != x && !live(t, x));
	CHECK(mm_ref_load(&t->mm[0], a, NEXT, &r) == MM_OK && r == to);
	CHECK(mm_ref_load(&t->mm[0], b, PEER, &r) == MM_OK && r == to);
	CHECK(mm_ref_load(&t->mm[0], to, PEER, &r) == MM_OK && r == to);
	CHECK(mm_ref_load(&t->mm[0], to, NEXT, &r) == MM_OK && r == y);
	CHECK(mm_dir_lookup(&t->mm[2], "x", &r) == MM_OK && r == to);
	CHECK(mm_word_load(&t->mm[0], to, VALUE, &v) == MM_OK && v == 42);
	CHECK(bc_len(t, to) == 4 && bc_len(t, y) == 1);
	uint32_t back;
	REQUIRE(mm_relocate(&t->mm[2], to, MM_RELOC_HERE, &back) == MM_OK);
	CHECK(mm_ref_load(&t->mm[0], a, NEXT, &r) == MM_OK && r == back);
	CHECK(mm_word_load(&t->mm[0], back, VALUE, &v) == MM_OK && v == 42);
	uint32_t nobj;
	CHECK(mm_verify(&t->mm[0], &nobj) == MM_OK);
	CHECK(mm_relocate(&t->mm[0], t->node_t, MM_RELOC_HERE, &r) == MM_EPINNED);
	t_done(t);
}

/* Run GC on every node until nothing changes. */
static void gc_all(struct t_ctx *t)
{
	for (int round = 0; round < 4; round++)
		for (int n = 0; n < 3; n++) {
			struct gc_result res;
			CHECK(gc_run(&t->mm[n], 1000, &res) == MM_OK);
		}
}

TEST(mm_gc_frees_exactly_the_unreachable)
{
	struct t_ctx *t = t_setup(1);
	REQUIRE(t);
	uint32_t root = t_new(t, 0, 0), keep = t_new(t, 1, 1), drop = t_new(t, 2, 2);
	uint32_t c1 = t_new(t, 1, 10), c2 = t_new(t, 2, 11);          /* a 2-cycle */
	uint32_t r[4];
	for (int i = 0; i < 4; i++)
		r[i] = t_new(t, i % 3, 20u + (uint32_t)i);               /* a 4-cycle */
	uint32_t lone = t_new(t, 0, 99);                              /* never linked */
	REQUIRE(mm_dir_bind(&t->mm[0], "root", root) == MM_OK);
	REQUIRE(mm_ref_store(&t->mm[0], root, NEXT, keep) == MM_OK);
	REQUIRE(mm_ref_store(&t->mm[0], keep, NEXT, keep) == MM_OK);  /* live self-cycle */
	REQUIRE(mm_ref_store(&t->mm[0], root, PEER, drop) == MM_OK);
	REQUIRE(mm_ref_store(&t->mm[0], drop, NEXT, c1) == MM_OK);
	REQUIRE(mm_ref_store(&t->mm[0], c1, NEXT, c2) == MM_OK);
	REQUIRE(mm_ref_store(&t->mm[0], c2, NEXT, c1) == MM_OK);
	REQUIRE(mm_ref_store(&t->mm[0], drop, PEER, r[0]) == MM_OK);
	for (int i = 0; i < 4; i++)
		REQUIRE(mm_ref_store(&t->mm[i % 3], r[i], NEXT, r[(i + 1) % 4]) == MM_OK);
	gc_all(t);
	CHECK(live(t, root) && live(t, keep) && live(t, drop) && live(t, c1) && live(t, c2));
	CHECK(live(t, r[0]) && live(t, r[3]) && !live(t, lone));
	REQUIRE(mm_ref_store(&t->mm[1], root, PEER, 0) == MM_OK);     /* drop the branch */
	gc_all(t);
	CHECK(live(t, root) && live(t, keep));
	CHECK(!live(t, drop) && !live(t, c1) && !live(t, c2));
	for (int i = 0; i < 4; i++)
		CHECK(!live(t, r[i]));
	struct mm_stat st;
	REQUIRE(mm_objstat(&t->mm[0], &st) == MM_OK);
	CHECK(st.objects[MM_RW] == 2 && st.bc_entries == 3);
	uint32_t nobj;
	CHECK(mm_verify(&t->mm[0], &nobj) == MM_OK && nobj == 2 + 4 + 1);
	/* freed blocks are reused by their owner */
	uint32_t again = t_new(t, 2, 5);
	CHECK(again == drop || again == c2 || again == r[2]);
	t_done(t);
}

TEST(mm_allocator_exhaustion_gets_a_new_region)
{
	struct t_ctx *t = t_setup(1);
	REQUIRE(t);
	struct mm_stat st0, st1;
	REQUIRE(mm_objstat(&t->mm[0], &st0) == MM_OK);
	uint32_t first = t_new(t, 1, 0), last = first, root = t_new(t, 1, 0);
	REQUIRE(mm_dir_bind(&t->mm[1], "keep", root) == MM_OK);
	for (int i = 0; i < 200; i++) {
		last = t_new(t, 1, (uint32_t)i);
		REQUIRE(last);
		REQUIRE(mm_ref_store(&t->mm[1], last, NEXT, root) == MM_OK);
	}
	CHECK(last / 4096 != first / 4096);
	REQUIRE(mm_objstat(&t->mm[0], &st1) == MM_OK);
	CHECK(st1.regions >= st0.regions + 3 && st1.refills >= 3);
	uint32_t big, n = 0;
	while (mm_alloc(&t->mm[2], mm_meta_desc(&t->mm[2]), 16000, MM_RW, &big) == MM_OK && n < 99)
		n++;
	CHECK(n > 3 && n < 99);
	CHECK(mm_alloc(&t->mm[2], mm_meta_desc(&t->mm[2]), 16000, MM_RW, &big) == MM_ENOMEM);
	t_done(t);
}

TEST(mm_directory_names)
{
	struct t_ctx *t = t_setup(1);
	REQUIRE(t);
	uint32_t a = t_new(t, 0, 1), r = 0;
	CHECK(mm_dir_bind(&t->mm[0], "shared.list", a) == MM_OK);
	CHECK(mm_dir_bind(&t->mm[1], "shared.list", a) == MM_EEXIST);
	CHECK(mm_dir_lookup(&t->mm[2], "shared.list", &r) == MM_OK && r == a);
	CHECK(mm_dir_lookup(&t->mm[2], "shared.lis", &r) == MM_ENOENT);
	CHECK(mm_dir_bind(&t->mm[0], "", a) == MM_EINVAL);
	CHECK(mm_dir_bind(&t->mm[0], "a-name-that-is-too-long-x", a) == MM_EINVAL);
	CHECK(bc_len(t, a) == 1);
	CHECK(mm_dir_unbind(&t->mm[1], "shared.list") == MM_OK);
	CHECK(bc_len(t, a) == 0);
	CHECK(mm_dir_lookup(&t->mm[2], "shared.list", &r) == MM_ENOENT);
	int full = 0;
	for (int i = 0; i < 70; i++) {
		char name[8] = {'n', (char)('a' + i / 26), (char)('a' + i % 26), 0};
		full += mm_dir_bind(&t->mm[0], name, a) == MM_EFULL;
	}
	CHECK(full == 70 - (int)MM_DIR_SLOTS);
	t_done(t);
}

TEST(mm_corruption_gives_errors)
{
	struct t_ctx *t = t_setup(1);
	REQUIRE(t);
	uint32_t x = t_new(t, 0, 1), a = t_new(t, 0, 2), b = t_new(t, 0, 3), nobj;
	REQUIRE(mm_ref_store(&t->mm[0], a, NEXT, x) == MM_OK);
	REQUIRE(mm_ref_store(&t->mm[0], b, NEXT, x) == MM_OK);
	REQUIRE(mm_dir_bind(&t->mm[0], "a", a) == MM_OK && mm_dir_bind(&t->mm[0], "b", b) == MM_OK);
	uint8_t *mem = t->heap.mem;
	/* a backchain loop: b's cell points back to itself as next */
	uint32_t bcell = b + 24 + NEXT, acell = a + 24 + NEXT, save;
	memcpy(&save, mem + (bcell + 4 - T_BASE), 4);
	memcpy(mem + (bcell + 4 - T_BASE), &bcell, 4);
	CHECK(mm_ref_store(&t->mm[0], a, NEXT, 0) == MM_ECORRUPT);    /* no hang */
	uint32_t n;
	CHECK(mm_backchain_len(&t->mm[0], x, &n) == MM_ECORRUPT);
	CHECK(mm_verify(&t->mm[0], &nobj) == MM_ECORRUPT);
	struct gc_result res;
	REQUIRE(mm_ref_store(&t->mm[0], b, PEER, a) == MM_OK);
	(void)gc_run(&t->mm[0], 100, &res);                           /* bounded, no crash */
	memcpy(mem + (bcell + 4 - T_BASE), &save, 4);
	/* a smashed header */
	uint32_t junk = 0xDEADBEEF;
	memcpy(mem + (x - T_BASE), &junk, 4);
	CHECK(mm_ref_store(&t->mm[0], b, NEXT, 0) == MM_ECORRUPT);
	CHECK(mm_word_store(&t->mm[0], x, VALUE, 1) == MM_EMAGIC);
	CHECK(mm_relocate(&t->mm[0], x, MM_RELOC_HERE, &n) == MM_EMAGIC);
	/* a cell whose back word lies */
	junk = 4;
	memcpy(mem + (acell + 8 - T_BASE), &junk, 4);
	CHECK(mm_ref_store(&t->mm[0], a, NEXT, b) == MM_ECORRUPT);
	/* a forged descriptor address */
	memcpy(mem + (a + 4 - T_BASE), &b, 4);
	CHECK(mm_check_type(&t->mm[0], a, t->node_t) == MM_ECORRUPT);
	t_done(t);
}

TEST(mm_fsmon_finds_and_separates_objects)
{
	struct t_ctx *t = t_setup(1);
	REQUIRE(t);
	uint32_t o[4], root = t_new(t, 1, 0);
	REQUIRE(mm_dir_bind(&t->mm[1], "r", root) == MM_OK);
	for (int i = 0; i < 4; i++) {
		o[i] = t_new(t, 0, (uint32_t)i);
		REQUIRE(mm_ref_store(&t->mm[0], o[i], NEXT, root) == MM_OK);
		REQUIRE(mm_ref_store(&t->mm[1], root, i % 2 ? NEXT : PEER, o[i]) == MM_OK);
	}
	uint32_t page = (o[0] - T_BASE) / 4096, other = page + 1, pages[3] = {page, page, other};
	mm_fsmon_abort(&t->mm[2], pages, 3);
	uint32_t top[4];
	uint16_t cnt[4];
	CHECK(mm_fsmon_top(&t->mm[2], top, cnt, 4) == 2 && top[0] == page && cnt[0] == 2);
	uint32_t objs[8], n;
	CHECK(mm_fsmon_objects(&t->mm[2], page, objs, 8, &n) == MM_OK && n == 4 && objs[0] == o[0]);
	uint32_t moved;
	CHECK(mm_fsmon_relocate(&t->mm[2], 2, MM_RELOC_PAGE, &moved) == MM_OK && moved == 3);
	CHECK(mm_fsmon_objects(&t->mm[2], page, objs, 8, &n) == MM_OK && n == 1);
	uint32_t nobj, v, r;
	CHECK(mm_verify(&t->mm[0], &nobj) == MM_OK);
	CHECK(mm_ref_load(&t->mm[0], root, PEER, &r) == MM_OK && r != o[2]);
	CHECK(mm_word_load(&t->mm[0], r, VALUE, &v) == MM_OK && v == 2);
	t_done(t);
}

static void bind_n(struct t_ctx *t, int node, char c, uint32_t i, uint32_t obj)
{
	char name[8] = {c, (char)('a' + i / 26), (char)('a' + i % 26), 0};
	CHECK(obj == 0 ? mm_dir_unbind(&t->mm[node], name) == MM_OK
		       : mm_dir_bind(&t->mm[node], name, obj) == MM_OK);
}

TEST(mm_free_returns_memory_to_its_owner)
{
	struct t_ctx *t = t_setup(1);
	REQUIRE(t);
	uint32_t big[40], n = 0, again, a = t_new(t, 1, 1), b;
	struct gc_result res;
	for (; n < 40 && mm_alloc(&t->mm[1], mm_meta_desc(&t->mm[1]), 8000, MM_RW, &big[n]) == MM_OK; n++)
		bind_n(t, 1, 'b', n, big[n]);
	REQUIRE(n > 2 && n < 40);
	bind_n(t, 1, 'a', 0, a);
	CHECK(gc_run(&t->mm[1], 100, &res) == MM_OK && res.live == n + 1 && res.freed == 0);
	bind_n(t, 2, 'b', 0, 0);                        /* node 2 drops big[0] */
	CHECK(gc_run(&t->mm[2], 100, &res) == MM_OK && res.freed == 1);  /* to node 1's inbox */
	CHECK(mm_alloc(&t->mm[1], mm_meta_desc(&t->mm[1]), 8000, MM_RW, &again) == MM_ENOMEM);
	CHECK(gc_run(&t->mm[1], 100, &res) == MM_OK && res.reclaimed == 1);  /* the owner drains */
	CHECK(mm_alloc(&t->mm[1], mm_meta_desc(&t->mm[1]), 8000, MM_RW, &again) == MM_OK);
	CHECK(again == big[0]);
	/* a small block freed by its owner is reused at once; freed by another
	 * node, after the owner's next GC */
	bind_n(t, 1, 'a', 0, 0);
	CHECK(gc_run(&t->mm[1], 100, &res) == MM_OK && res.freed == 2);   /* a, and again */
	CHECK((b = t_new(t, 1, 2)) == a);
	bind_n(t, 1, 'a', 0, b);
	CHECK(gc_run(&t->mm[1], 100, &res) == MM_OK && res.live == 1);
	bind_n(t, 0, 'a', 0, 0);
	CHECK(gc_run(&t->mm[0], 100, &res) == MM_OK && res.freed == 1);
	uint32_t c = t_new(t, 1, 3);
	CHECK(c != b);
	bind_n(t, 1, 'c', 0, c);
	CHECK(gc_run(&t->mm[1], 100, &res) == MM_OK && res.reclaimed == 1);
	CHECK(t_new(t, 1, 4) == b);
	CHECK(mm_free(&t->mm[0], t->node_t) == MM_EPINNED);
	uint32_t nobj;
	CHECK(mm_verify(&t->mm[0], &nobj) == MM_OK);
	t_done(t);
}

TEST(mm_kernel_sized_heap)
{
	/* the kernel's heap: 11264 pages at 0x80000000, 16 nodes, 8-page regions */
	struct t_heap *h = calloc(1, sizeof(*h));
	struct mm *mm = calloc(1, sizeof(*mm));
	h->npages = 11264;
	h->mem = calloc(h->npages, 4096);
	REQUIRE(mm_init(mm, &t_acc, h, T_BASE, h->npages * 4096u, 5, 16) == MM_OK);
	CHECK(mm->mgr_pages == 12);
	REQUIRE(mm_format(mm, 0) == MM_OK);
	uint32_t offs[1] = {0}, d, o, big, nobj;
	REQUIRE(mm_desc_create(mm, 16, 1, offs, &d) == MM_OK);
	for (int i = 0; i < 1000; i++)
		REQUIRE(mm_alloc(mm, d, 0, MM_RW, &o) == MM_OK);
	CHECK(mm_alloc(mm, mm_meta_desc(mm), 60000, MM_RW, &big) == MM_OK && big % 4096 == 0);
	CHECK(mm_alloc(mm, mm_meta_desc(mm), 70000, MM_RW, &big) == MM_ETOOBIG);
	struct mm_stat st;
	CHECK(mm_objstat(mm, &st) == MM_OK && st.objects[MM_RW] == 1000 && st.regions == 3);
	CHECK(mm_verify(mm, &nobj) == MM_OK && nobj == 1000 + 3 + 1 + 1);
	CHECK(h->bad == 0);
	free(h->mem);
	free(h);
	free(mm);
}
