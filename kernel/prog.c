/*
 * prog.c: programs in the heap (kernel/prog.h): the table and records, the
 * code area's free pages above the kernel's, install (plan, then one
 * transaction that links into the code area and a data object, then the
 * publication), run (seal the program's segment, call main, catch its
 * faults) and the list. Owns the layout of the table, records and exports;
 * touches the heap only through mm/ and the program's own pages inside the
 * transactions it runs, and nothing node-local but its buffers and the
 * running program's recovery point. Heap-resident.
 */
#include "dsm/dsm.h"
#include "kernel/dsmenv.h"
#include "kernel/heaplayout.h"
#include "kernel/kcode.h"
#include "kernel/kernel.h"
#include "kernel/ktrace.h"
#include "kernel/objheap.h"
#include "kernel/plx.h"
#include "kernel/prog.h"
#include "kernel/sched.h"
#include "kernel/time.h"
#include "kernel/trap.h"
#include "kernel/txbody.h"
#include "kernel/txrun.h"
#include "kernel/wait.h"
#include "kernel/x86.h"
#include "prog/elf.h"

enum { T_NEXT = PROG_SLOTS * 12u, T_NFREE = T_NEXT + 4u, T_FREE = T_NFREE + 4u,
       T_COLLECTED = T_FREE + PROG_FREE_MAX * 8u, T_FREED_PAGES = T_COLLECTED + 4u,
       T_SIZE = T_FREED_PAGES + 4u };
enum { R_DATA = 0, R_EXPORTS = 12, R_PREV = 24, R_NAME = 36, R_VERSION = 60,
       R_TEXT_PAGE = 64, R_TEXT_PAGES = 68, R_TEXT_BYTES = 72, R_DATA_BYTES = 76,
       R_MAIN = 80, R_INSTALLER = 84, R_OBJ_BYTES = 88, R_INSTALL_T = 92,
       R_PUBLISHED = 100, R_FUNCS = 108, R_LINKED = 120, R_SIZE = 124 };
enum { X_COUNT = 0, X_FIRST = 4, X_ADDR = PROG_NAME_MAX, X_BYTES = PROG_NAME_MAX + 4u };

#define PROG_EMM   -300          /* + an mm_result the heap gave */
#define PROG_EBAD  -400          /* the object or the request: err says why */

static uint8_t upload[PROG_UPLOAD_MAX];
static uint8_t text_buf[PROG_TEXT_PAGES * PGSIZE];
static uint8_t data_buf[PROG_DATA_MAX];
static struct prog_plan plan;

uint8_t *prog_upload_buf(void) { return upload; }

/* --- inside a body ------------------------------------------------------ */

static struct {
	const char *name;
	const uint8_t *obj;
	uint32_t len;
	struct prog_info info;          /* what install wrote, or lookup found */
	struct prog_info *v;            /* list: out */
	uint32_t max, got;
	int mm_err;                     /* the mm_result that ended the attempt */
	char *err;
	uint32_t errlen;
	int bad;                        /* the attempt ended on an error in err */
	uint32_t moved, removed;        /* install: the entries retarget_entries changed */
} op;

static void must(int r)
{
	if (r != MM_OK) {
		op.mm_err = r;
		txbody_unwind(DSM_EABORTED);
	}
}

/* The request is wrong: the attempt ends, with err saying why. */
static void refuse(const char *why, const char *what)
{
	ksnprintf(op.err, op.errlen, why, what);
	op.bad = 1;
	txbody_unwind(DSM_EABORTED);
}

static uint32_t word(struct mm *mm, uint32_t obj, uint32_t off)
{
	uint32_t v;

	must(mm_word_load(mm, obj, off, &v));
	return v;
}

static uint64_t word64(struct mm *mm, uint32_t obj, uint32_t off)
{
	return word(mm, obj, off) | (uint64_t)word(mm, obj, off + 4u) << 32;
}

static void put(struct mm *mm, uint32_t obj, uint32_t off, uint32_t v)
{
	must(mm_word_store(mm, obj, off, v));
}

static void put64(struct mm *mm, uint32_t obj, uint32_t off, uint64_t v)
{
	put(mm, obj, off, (uint32_t)v);
	put(mm, obj, off + 4u, (uint32_t)(v >> 32));
}

static void str_out(struct mm *mm, uint32_t obj, uint32_t off, char *s, uint32_t max)
{
	must(objheap_str_load(mm, obj, off, s, max));
}

static void str_in(struct mm *mm, uint32_t obj, uint32_t off, const char *s, uint32_t max)
{
	must(objheap_str_store(mm, obj, off, s, max));
}

struct types { uint32_t table, rec, exports, data; };

static int types_get(struct mm *mm, struct types *ty, int create)
{
	static const char *const names[4] = { "t.progtab", "t.prog", "t.progexp", "t.progdata" };
	uint32_t *out[4] = { &ty->table, &ty->rec, &ty->exports, &ty->data };
	uint32_t toffs[PROG_SLOTS], roffs[4] = { R_DATA, R_EXPORTS, R_PREV, R_FUNCS };
	int r = mm_dir_lookup(mm, names[0], out[0]);

	if (r == MM_OK) {
		for (int i = 1; i < 4; i++)
			must(mm_dir_lookup(mm, names[i], out[i]));
		return MM_OK;
	}
	if (r != MM_ENOENT || !create)
		return r;
	for (uint32_t i = 0; i < PROG_SLOTS; i++)
		toffs[i] = 12u * i;
	must(mm_desc_create(mm, T_SIZE, PROG_SLOTS, toffs, &ty->table));
	must(mm_desc_create(mm, R_SIZE, 4, roffs, &ty->rec));
	must(mm_desc_create(mm, 0, 0, 0, &ty->exports));
	must(mm_desc_create(mm, 0, 0, 0, &ty->data));
	for (int i = 0; i < 4; i++)
		must(mm_dir_bind(mm, names[i], *out[i]));
	return MM_OK;
}

static int table_get(struct mm *mm, struct types *ty, int create, uint32_t *tab)
{
	int r = types_get(mm, ty, create);

	if (r != MM_OK)
		return r;
	r = mm_dir_lookup(mm, "k.progs", tab);
	if (r == MM_ENOENT && create) {
		must(mm_alloc(mm, ty->table, T_SIZE, MM_RW, tab));
		must(mm_dir_bind(mm, "k.progs", *tab));
		return MM_OK;
	}
	return r == MM_OK ? mm_check_type(mm, *tab, ty->table) : r;
}

static void info_out(struct mm *mm, const struct types *ty, uint32_t rec, struct prog_info *p)
{
	must(mm_check_type(mm, rec, ty->rec));
	p->rec = rec;
	str_out(mm, rec, R_NAME, p->name, PROG_PNAME_MAX);
	p->version = word(mm, rec, R_VERSION);
	p->text_page = word(mm, rec, R_TEXT_PAGE);
	p->text_pages = word(mm, rec, R_TEXT_PAGES);
	p->text_bytes = word(mm, rec, R_TEXT_BYTES);
	p->data_bytes = word(mm, rec, R_DATA_BYTES);
	must(mm_ref_load(mm, rec, R_DATA, &p->data_obj));
	p->main_va = word(mm, rec, R_MAIN);
	p->installer = word(mm, rec, R_INSTALLER);
	p->obj_bytes = word(mm, rec, R_OBJ_BYTES);
	p->install_t = word64(mm, rec, R_INSTALL_T);
	p->published_t = word64(mm, rec, R_PUBLISHED);
	if (p->text_page < HEAP_PG_CODE || p->text_pages > PROG_TEXT_PAGES ||
	    p->text_page + p->text_pages > HEAP_PG_CODE + HEAP_CODE_PAGES)
		must(MM_ECORRUPT);
}

/* The slot holding program name (*rec its record), or the first free slot
 * (*rec 0), or PROG_SLOTS: the table is full. */
static uint32_t slot_find(struct mm *mm, const struct types *ty, uint32_t tab, const char *name,
			  uint32_t *rec)
{
	uint32_t free_slot = PROG_SLOTS;
	struct prog_info p;

	for (uint32_t i = 0; i < PROG_SLOTS; i++) {
		must(mm_ref_load(mm, tab, 12u * i, rec));
		if (!*rec) {
			if (free_slot == PROG_SLOTS)
				free_slot = i;
			continue;
		}
		info_out(mm, ty, *rec, &p);
		if (strcmp(p.name, name) == 0)
			return i;
	}
	*rec = 0;
	return free_slot;
}

/* --- symbols: the kernel's exports, then the programs installed before -- */

static struct mm *resolve_mm;
static const struct types *resolve_ty;
static uint32_t resolve_tab;

static int exports_find(struct mm *mm, uint32_t xobj, const char *name, uint32_t *va)
{
	char s[PROG_NAME_MAX];
	uint32_t n = word(mm, xobj, X_COUNT);

	for (uint32_t i = 0; i < n && i < PROG_FUNCS_MAX; i++) {
		uint32_t at = X_FIRST + i * X_BYTES;
		str_out(mm, xobj, at, s, PROG_NAME_MAX);
		if (strcmp(s, name) == 0) {
			*va = word(mm, xobj, at + X_ADDR);
			return 1;
		}
	}
	return 0;
}

static bool resolve(void *ctx, const char *name, uint32_t *va)
{
	(void)ctx;
	if (plx_export_find(name, va))
		return true;
	for (uint32_t i = 0; i < PROG_SLOTS; i++) {
		uint32_t rec, x;
		must(mm_ref_load(resolve_mm, resolve_tab, 12u * i, &rec));
		if (!rec)
			continue;
		must(mm_check_type(resolve_mm, rec, resolve_ty->rec));
		must(mm_ref_load(resolve_mm, rec, R_EXPORTS, &x));
		if (x && exports_find(resolve_mm, x, name, va)) {
			put(resolve_mm, rec, R_LINKED, 1);  /* never collected (prog.h) */
			return true;
		}
	}
	return false;
}

/* --- install -------------------------------------------------------------- */

/* n pages of the code area: the first free extent that holds them (pages a
 * collected version left), else the pages above the last taken. */
static uint32_t code_pages_take(struct mm *mm, uint32_t tab, uint32_t n)
{
	const struct kcode_desc *d = kcode_desc();
	uint32_t next = word(mm, tab, T_NEXT), nfree = word(mm, tab, T_NFREE);

	for (uint32_t i = 0; i < nfree && i < PROG_FREE_MAX; i++) {
		uint32_t at = T_FREE + 8u * i, first = word(mm, tab, at), count = word(mm, tab, at + 4u);
		if (count < n)
			continue;
		if (count == n) {               /* the extent is used up: the last takes its place */
			uint32_t last = T_FREE + 8u * (nfree - 1u);
			put(mm, tab, at, word(mm, tab, last));
			put(mm, tab, at + 4u, word(mm, tab, last + 4u));
			put(mm, tab, T_NFREE, nfree - 1u);
		} else {
			put(mm, tab, at, first + n);
			put(mm, tab, at + 4u, count - n);
		}
		return first;
	}
	if (!next) {
		if (!d)
			refuse("%s: this node has no kernel descriptor", "install");
		next = HEAP_PG_CODE + 1u + d->pages;
	}
	if (next < HEAP_PG_CODE || n > HEAP_PG_CODE + HEAP_CODE_PAGES - next)
		refuse("%s: the code area is full (its free pages are taken)", "install");
	put(mm, tab, T_NEXT, next + n);
	return next;
}

/* A collected version's pages [first, first + n) are free again: joined to
 * an extent they touch, or one of their own (if PROG_FREE_MAX are in use,
 * they stay taken: 0). */
static uint32_t code_pages_free(struct mm *mm, uint32_t tab, uint32_t first, uint32_t n)
{
	uint32_t nfree = word(mm, tab, T_NFREE);

	for (uint32_t i = 0; i < nfree && i < PROG_FREE_MAX; i++) {
		uint32_t at = T_FREE + 8u * i, f = word(mm, tab, at), c = word(mm, tab, at + 4u);
		if (f + c == first || first + n == f) {
			put(mm, tab, at, f < first ? f : first);
			put(mm, tab, at + 4u, c + n);
			return n;
		}
	}
	if (nfree >= PROG_FREE_MAX)
		return 0;
	put(mm, tab, T_FREE + 8u * nfree, first);
	put(mm, tab, T_FREE + 8u * nfree + 4u, n);
	put(mm, tab, T_NFREE, nfree + 1u);
	return n;
}

/* A symbol list object: count, then { name, address } (text or data region). */
static void symbols_write(struct mm *mm, uint32_t xobj, const struct prog_symbol *v, uint32_t n,
			  uint32_t text_va, uint32_t data_va)
{
	put(mm, xobj, X_COUNT, n);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t at = X_FIRST + i * X_BYTES;
		str_in(mm, xobj, at, v[i].name, PROG_NAME_MAX);
		put(mm, xobj, at + X_ADDR, (v[i].where == PROG_TEXT ? text_va : data_va) + v[i].off);
	}
}

/* The name of the function at va in symbol list xobj: 1, or 0 (none there). */
static int symbols_name_at(struct mm *mm, uint32_t xobj, uint32_t va, char *name)
{
	uint32_t n = xobj ? word(mm, xobj, X_COUNT) : 0;

	for (uint32_t i = 0; i < n && i < PROG_FUNCS_MAX; i++) {
		uint32_t at = X_FIRST + i * X_BYTES;
		if (word(mm, xobj, at + X_ADDR) == va) {
			str_out(mm, xobj, at, name, PROG_NAME_MAX);
			return 1;
		}
	}
	return 0;
}

/* Does record rec's text hold va? */
static int text_holds(struct mm *mm, uint32_t rec, uint32_t va)
{
	uint32_t first = HEAP_PAGE_VA(word(mm, rec, R_TEXT_PAGE));

	return va >= first && va - first < word(mm, rec, R_TEXT_BYTES);
}

/* kobj_retarget's map while a new version is installed: the address of the
 * new version's function named as the one at code in an older version (old,
 * its record), or 0: the entry goes. */
struct retarget { uint32_t old, text_va; };

static uint32_t retarget_map(void *ctx, uint32_t code)
{
	const struct retarget *rt = ctx;
	char name[PROG_NAME_MAX];
	uint32_t fobj;

	must(mm_ref_load(objheap_mm(), rt->old, R_FUNCS, &fobj));
	if (!symbols_name_at(objheap_mm(), fobj, code, name))
		return 0;
	for (uint32_t i = 0; i < plan.nfuncs; i++)
		if (!strcmp(plan.funcs[i].name, name))
			return rt->text_va + plan.funcs[i].off;
	return 0;
}

/* The commands and tasks whose code is in an older version (old and the
 * versions before it) now call the new one's function of that name, or go. */
static void retarget_entries(struct mm *mm, uint32_t old, uint32_t text_va)
{
	struct retarget rt = { old, text_va };

	for (uint32_t k = 0; rt.old && k < PROG_VERSIONS_MAX; k++) {
		uint32_t lo = HEAP_PAGE_VA(word(mm, rt.old, R_TEXT_PAGE));
		must(kobj_retarget(mm, lo, lo + word(mm, rt.old, R_TEXT_BYTES), retarget_map, &rt,
				   &op.moved, &op.removed));
		must(mm_ref_load(mm, rt.old, R_PREV, &rt.old));
	}
}

static void record_write(struct mm *mm, uint32_t rec, const struct prog_info *p)
{
	str_in(mm, rec, R_NAME, p->name, PROG_PNAME_MAX);
	put(mm, rec, R_VERSION, p->version);
	put(mm, rec, R_TEXT_PAGE, p->text_page);
	put(mm, rec, R_TEXT_PAGES, p->text_pages);
	put(mm, rec, R_TEXT_BYTES, p->text_bytes);
	put(mm, rec, R_DATA_BYTES, p->data_bytes);
	put(mm, rec, R_MAIN, p->main_va);
	put(mm, rec, R_INSTALLER, p->installer);
	put(mm, rec, R_OBJ_BYTES, p->obj_bytes);
	put64(mm, rec, R_INSTALL_T, 0);
	put64(mm, rec, R_PUBLISHED, 0);
}

static uint32_t data_align(void)
{
	return plan.data_align > 8u ? plan.data_align : 8u;
}

/* One transaction: the pages, the data object, the exports, the record,
 * its slot. Linking is redone by every attempt (it only fills buffers). */
static void install_body(void *a)
{
	struct mm *mm = objheap_mm();
	struct prog_info *p = &op.info;
	struct types ty;
	uint32_t tab, old, slot, data, xobj, fobj, rec, text_va, data_va;

	(void)a;
	op.moved = op.removed = 0;
	must(table_get(mm, &ty, 1, &tab));
	slot = slot_find(mm, &ty, tab, op.name, &old);
	if (slot == PROG_SLOTS)
		refuse("%s: the program table is full", "install");
	memset(p, 0, sizeof(*p));
	ksnprintf(p->name, sizeof(p->name), "%s", op.name);
	p->version = 1;
	if (old)
		p->version = word(mm, old, R_VERSION) + 1u;
	p->text_pages = plan.text_size ? (plan.text_size + PGSIZE - 1u) / PGSIZE : 1u;
	p->text_page = code_pages_take(mm, tab, p->text_pages);
	p->text_bytes = plan.text_size;
	p->data_bytes = plan.data_size;
	must(mm_alloc(mm, ty.data, plan.data_size + data_align(), MM_RW, &data));
	text_va = HEAP_PAGE_VA(p->text_page);
	data_va = (data + MM_HDR_BYTES + data_align() - 1u) & ~(data_align() - 1u);
	resolve_mm = mm, resolve_ty = &ty, resolve_tab = tab;
	if (prog_elf_link(op.obj, op.len, &plan, text_buf, text_va, data_buf, data_va, resolve, 0,
			  op.err, op.errlen) < 0) {
		op.bad = 1;
		txbody_unwind(DSM_EABORTED);
	}
	memcpy((void *)text_va, text_buf, p->text_pages * PGSIZE);
	memcpy((void *)data_va, data_buf, plan.data_size);
	p->main_va = plan.has_main ? text_va + plan.main_off : 0;
	p->installer = dsmenv_node()->cfg.id;
	p->obj_bytes = op.len;
	must(mm_alloc(mm, ty.exports, X_FIRST + plan.nexports * X_BYTES, MM_RO, &xobj));
	symbols_write(mm, xobj, plan.exports, plan.nexports, text_va, data_va);
	must(mm_alloc(mm, ty.exports, X_FIRST + plan.nfuncs * X_BYTES, MM_RO, &fobj));
	symbols_write(mm, fobj, plan.funcs, plan.nfuncs, text_va, data_va);
	must(mm_alloc(mm, ty.rec, R_SIZE, MM_RO, &rec));
	record_write(mm, rec, p);
	must(mm_ref_store(mm, rec, R_DATA, data));
	must(mm_ref_store(mm, rec, R_EXPORTS, xobj));
	must(mm_ref_store(mm, rec, R_PREV, old));
	must(mm_ref_store(mm, rec, R_FUNCS, fobj));
	must(mm_ref_store(mm, tab, 12u * slot, rec));
	if (old)
		retarget_entries(mm, old, text_va);
	p->entries_moved = op.moved;
	p->entries_removed = op.removed;
	p->rec = rec;
	p->data_obj = data;
}

static void publish_body(void *a)
{
	struct mm *mm = objheap_mm();
	struct types ty;

	(void)a;
	must(types_get(mm, &ty, 0));
	must(mm_check_type(mm, op.info.rec, ty.rec));
	put64(mm, op.info.rec, R_INSTALL_T, op.info.install_t);
	put64(mm, op.info.rec, R_PUBLISHED, op.info.install_t);
}

/* Run body(arg) as a transaction (snapshot: a read-only one at our own
 * time, txrun_snapshot): 0, or an error, said in op.err. */
static int run_txn(void (*body)(void *), void *arg, int snapshot)
{
	int r;

	if (!objheap_mm()) {
		ksnprintf(op.err, op.errlen, "this node has no object heap");
		return PROG_EBAD;
	}
	op.mm_err = MM_OK;
	op.bad = 0;
	r = snapshot ? txrun_snapshot(body, arg) : txrun(body, arg);
	if (r < 0 && op.bad)
		return PROG_EBAD;
	if (r < 0 && op.mm_err != MM_OK)
		r = PROG_EMM + op.mm_err;
	if (r < 0)
		ksnprintf(op.err, op.errlen, "%s", prog_strerror(r));
	return r;
}

static int run_body_snapshot(void (*body)(void *), void *arg)
{
	return run_txn(body, arg, 1);
}

static int run_body(void (*body)(void *))
{
	return run_txn(body, 0, 0);
}

const char *prog_strerror(int r)
{
	return r <= PROG_EMM && r > PROG_EBAD ? objheap_strerror(r - PROG_EMM) : dsmenv_strerror(r);
}

static int name_ok(const char *s)
{
	uint32_t n = 0;

	for (; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') ||
		      s[n] == '_' || s[n] == '-'))
			return 0;
	return n > 0 && n < PROG_PNAME_MAX;
}

static int code_saved(void *arg)
{
	return dsm_code_saved(dsmenv_node(), *(const uint32_t *)arg);
}

/* 12.4: seal our install, wait until no takeover can lose it (asking for a
 * checkpoint every second), then publish it in the record. */
static int publish(char *err, uint32_t errlen)
{
	struct dsm_node *n = dsmenv_node();
	uint32_t first = op.info.text_page, start = time_ticks;

	op.info.install_t = n->txn.commit_t;
	if (!dsm_code_seal(n, first, op.info.text_pages, op.info.install_t)) {
		ksnprintf(err, errlen, "a reset lost the install as it ended, or this node "
			  "seals no more segments");
		return PROG_EBAD;
	}
	while (wait_until(code_saved, &first, PIT_HZ) < 0) {
		if (time_ticks - start > PROG_PUBLISH_TICKS) {
			ksnprintf(err, errlen, "installed, but on no checkpoint after %u s: not "
				  "published (install it again)", PROG_PUBLISH_TICKS / PIT_HZ);
			return PROG_EBAD;
		}
		(void)dsm_ckpt_ask(n);
	}
	op.err = err, op.errlen = errlen;
	return run_body(publish_body);
}

int prog_install(const char *name, const uint8_t *obj, uint32_t len, struct prog_info *out,
		 char *err, uint32_t errlen)
{
	int r;

	if (!name_ok(name)) {
		ksnprintf(err, errlen, "a program's name is 1 to %u of a-z 0-9 _ -",
			  PROG_PNAME_MAX - 1u);
		return PROG_EBAD;
	}
	if (prog_elf_plan(obj, len, PROG_LIBRARY, &plan, err, errlen) < 0)
		return PROG_EBAD;
	if (plan.text_size > sizeof(text_buf) || plan.data_size > PROG_DATA_MAX - data_align()) {
		ksnprintf(err, errlen, "too large: text %u bytes (at most %u), data %u (at most %u)",
			  plan.text_size, (uint32_t)sizeof(text_buf), plan.data_size,
			  PROG_DATA_MAX - data_align());
		return PROG_EBAD;
	}
	memset(text_buf, 0, sizeof(text_buf));
	op.name = name, op.obj = obj, op.len = len, op.err = err, op.errlen = errlen;
	if ((r = run_body(install_body)) < 0)
		return r;
	if ((r = publish(err, errlen)) < 0)
		return r;
	*out = op.info;
	out->published_t = op.info.install_t;
	return 0;
}

/* --- lookup and list -------------------------------------------------- */

static void lookup_body(void *a)
{
	struct mm *mm = objheap_mm();
	struct types ty;
	uint32_t tab, rec;

	(void)a;
	must(table_get(mm, &ty, 0, &tab));
	(void)slot_find(mm, &ty, tab, op.name, &rec);
	if (!rec)
		refuse("no program '%s' (`programs` lists them)", op.name);
	info_out(mm, &ty, rec, &op.info);
}

static void list_body(void *a)
{
	struct mm *mm = objheap_mm();
	struct types ty;
	uint32_t tab, rec;

	(void)a;
	op.got = 0;
	must(table_get(mm, &ty, 0, &tab));
	for (uint32_t i = 0; i < PROG_SLOTS && op.got < op.max; i++) {
		must(mm_ref_load(mm, tab, 12u * i, &rec));
		if (rec)
			info_out(mm, &ty, rec, &op.v[op.got++]);
	}
}

int prog_list(struct prog_info *v, uint32_t max, uint32_t *n)
{
	static char err[96];
	int r;

	op.v = v, op.max = max, op.err = err, op.errlen = sizeof(err);
	r = run_body(list_body);
	if (r == PROG_EMM + MM_ENOENT) {
		*n = 0;
		return 0;                       /* nothing installed yet */
	}
	*n = op.got;
	return r;
}

/* --- run --------------------------------------------------------------- */

/* Seal p's segment here with its install's publication (12.4, 12.6). */
static int seal(const struct prog_info *p, char *err, uint32_t errlen)
{
	struct dsm_node *n = dsmenv_node();

	if (!p->published_t && !dsm_code_seg(n, p->text_page)) {
		ksnprintf(err, errlen, "%s is installed but not published yet (its install is on "
			  "no checkpoint)", p->name);
		return PROG_EBAD;
	}
	if (!dsm_code_seal(n, p->text_page, p->text_pages, p->published_t)) {
		ksnprintf(err, errlen, "%s: its code pages cannot be sealed here", p->name);
		return PROG_EBAD;
	}
	return 0;
}

static struct {
	int active;
	const struct prog_info *p;
	uint32_t jb[6];
	int faulted;
	uint32_t vector, addr, eip;
} cur;

int prog_running(void) { return cur.active; }

/* The program faulted (trap context): end the body it was in, or the
 * program itself, at its recovery point. */
static void __attribute__((noreturn)) prog_exception_unwind(struct trapframe *tf)
{
	cur.faulted = 1;
	cur.vector = tf->vector;
	cur.addr = tf->vector == T_PF ? cr2_read() : 0;
	cur.eip = tf->eip;
	if (txbody_active())
		txbody_unwind(DSMENV_EFAULT);   /* plx_txn_run then ends the program */
	txbody_longjmp(cur.jb);
}

static int prog_exception(struct trapframe *tf)
{
	if (!cur.active)
		return 0;
	prog_exception_unwind(tf);
}

void prog_fault_check(void)
{
	if (cur.active && cur.faulted)
		txbody_longjmp(cur.jb);
}

static struct { uint32_t eip, best; char name[PROG_NAME_MAX]; } near;

/* The program's function nearest below near.eip (a snapshot: names only). */
static void near_body(void *a)
{
	struct mm *mm = objheap_mm();
	uint32_t x, n;

	(void)a;
	near.best = 0;
	must(mm_ref_load(mm, cur.p->rec, R_FUNCS, &x));
	n = x ? word(mm, x, X_COUNT) : 0;
	for (uint32_t i = 0; i < n && i < PROG_FUNCS_MAX; i++) {
		uint32_t at = X_FIRST + i * X_BYTES, va = word(mm, x, at + X_ADDR);
		if (va <= near.eip && va > near.best) {
			near.best = va;
			str_out(mm, x, at, near.name, PROG_NAME_MAX);
		}
	}
}

/* Where eip is: the program's function below it (else the program's name) and
 * the offset, or the kernel's symbol. */
static void where(uint32_t eip, char *buf, uint32_t cap)
{
	const struct prog_info *p = cur.p;
	uint32_t text_va = HEAP_PAGE_VA(p->text_page);

	if (eip < text_va || eip >= text_va + p->text_bytes) {
		ksym_name(eip, buf, cap);
		return;
	}
	near.eip = eip;
	if (txrun_snapshot(near_body, 0) == 0 && near.best >= text_va)
		ksnprintf(buf, cap, "%s+0x%x", near.name, eip - near.best);
	else
		ksnprintf(buf, cap, "%s+0x%x", p->name, eip - text_va);
}

/* Call entry (main, or a command the program registered) with its faults
 * caught: 0 and *status, or PROG_EBAD and err. */
static int run_entry(const struct prog_info *p, uint32_t entry, int argc, char **argv,
		     int *status, char *err, uint32_t errlen)
{
	char at[64];

	cur.p = p;
	cur.faulted = 0;
	trap_exc_register(prog_exception);
	if (txbody_setjmp(cur.jb) == 0) {
		cur.active = 1;
		*status = ((int (*)(int, char **))entry)(argc, argv);
		cur.active = 0;
		return 0;
	}
	cur.active = 0;
	sti();
	where(cur.eip, at, sizeof(at));
	if (cur.vector == T_PF)
		ksnprintf(err, errlen, "%s: page fault at 0x%08x (eip 0x%08x, in %s)", p->name,
			  cur.addr, cur.eip, at);
	else
		ksnprintf(err, errlen, "%s: %s (eip 0x%08x, in %s)", p->name,
			  trap_name(cur.vector), cur.eip, at);
	return PROG_EBAD;
}

/* --- pins: what this node may still run (the collection's input) -------- */

/* This node, for the collection (prog.h): the view each run in progress
 * began from, the views its copies of the command and task tables were
 * read at, and how far it has unsealed the versions retired before. */
static struct {
	uint64_t pin[PROG_PINS_MAX];
	uint32_t npins;
	uint64_t cache_view[PROG_CACHES];
	uint64_t unsealed_through;
	int ready;                      /* a beat of this boot is out (prog_ready) */
	struct prog_gc_info info;       /* as the last tick saw it */
} col;

static int pin_push(uint64_t view, char *err, uint32_t errlen)
{
	if (col.npins == PROG_PINS_MAX) {
		ksnprintf(err, errlen, "%u program runs in progress on this node already",
			  PROG_PINS_MAX);
		return PROG_EBAD;
	}
	col.pin[col.npins++] = view;
	return 0;
}

static void pin_pop(void)
{
	col.npins--;
}

void prog_cache_viewed(enum prog_cache c, uint64_t view)
{
	col.cache_view[c] = view;
}

/* The oldest view this node may still run code from, at most `upto`. */
static uint64_t horizon_below(uint64_t upto)
{
	uint64_t h = upto;

	for (uint32_t i = 0; i < col.npins; i++)
		h = col.pin[i] < h ? col.pin[i] : h;
	for (uint32_t c = 0; c < PROG_CACHES; c++)
		h = col.cache_view[c] < h ? col.cache_view[c] : h;
	return h;
}

uint64_t prog_horizon(void)
{
	return horizon_below(col.unsealed_through);
}

void prog_beat_committed(void)
{
	col.ready = 1;
}

int prog_ready(void)
{
	if (!col.ready && sched_beat() == 0)
		col.ready = 1;
	return col.ready;
}

int prog_run(int argc, char **argv, int *status, char *err, uint32_t errlen)
{
	static struct prog_info p;
	int r;

	if (!prog_ready()) {
		ksnprintf(err, errlen, "this node's first heartbeat is not out yet: try again");
		return PROG_EBAD;
	}
	op.name = argv[0], op.err = err, op.errlen = errlen;
	if ((r = run_body(lookup_body)) < 0) {
		if (r == PROG_EMM + MM_ENOENT)
			ksnprintf(err, errlen, "no program '%s' (`programs` lists them)", argv[0]);
		return r == PROG_EMM + MM_ENOENT ? PROG_EBAD : r;
	}
	p = op.info;
	if (!p.main_va) {
		ksnprintf(err, errlen, "%s is a library (no main)", p.name);
		return PROG_EBAD;
	}
	if ((r = pin_push(dsmenv_node()->txn.commit_t, err, errlen)) < 0)
		return r;
	if ((r = seal(&p, err, errlen)) == 0)
		r = run_entry(&p, p.main_va, argc, argv, status, err, errlen);
	pin_pop();
	return r;
}

/* --- code a program registered (kernel/kobj.h's entries) ------------------ */

static void owner_body(void *a)
{
	struct mm *mm = objheap_mm();
	struct types ty;
	uint32_t tab, rec, va = *(const uint32_t *)a;

	op.info.rec = 0;
	must(table_get(mm, &ty, 0, &tab));
	for (uint32_t i = 0; i < PROG_SLOTS; i++) {
		must(mm_ref_load(mm, tab, 12u * i, &rec));
		for (uint32_t k = 0; rec && k < PROG_VERSIONS_MAX; k++) {
			info_out(mm, &ty, rec, &op.info);
			uint32_t first = HEAP_PAGE_VA(op.info.text_page);
			if (va >= first && va < first + op.info.text_bytes)
				return;
			must(mm_ref_load(mm, rec, R_PREV, &rec));
		}
	}
	op.info.rec = 0;
	refuse("%s", "its code is no installed program's");
}

/* The program (any version) whose code holds va, its segment sealed here. */
static int code_owner(uint32_t va, struct prog_info *p, char *err, uint32_t errlen)
{
	int r;

	op.err = err, op.errlen = errlen;
	if ((r = run_body_snapshot(owner_body, &va)) < 0)
		return r;
	*p = op.info;
	return seal(p, err, errlen);
}

int prog_code(uint32_t va)
{
	return va >= HEAP_PAGE_VA(HEAP_PG_CODE) &&
	       va < HEAP_PAGE_VA(HEAP_PG_CODE + HEAP_CODE_PAGES);
}

int prog_call(uint32_t entry, int argc, char **argv, int *status, char *err, uint32_t errlen)
{
	static struct prog_info p;
	int r = pin_push(col.cache_view[PROG_CACHE_CMDS], err, errlen);

	if (r < 0)
		return r;
	if ((r = code_owner(entry, &p, err, errlen)) == 0)
		r = run_entry(&p, entry, argc, argv, status, err, errlen);
	pin_pop();
	return r;
}

static struct { void (*fn)(void *); } task;

static void task_entry(void *a)
{
	task.fn(a);
}

static int task_call(uint32_t entry, char *err, uint32_t errlen)
{
	static struct prog_info p;
	int r = code_owner(entry, &p, err, errlen);

	if (r < 0)
		return r;
	task.fn = (void (*)(void *))entry;
	cur.p = &p;
	cur.faulted = 0;
	trap_exc_register(prog_exception);
	if (txbody_setjmp(cur.jb) == 0) {
		cur.active = 1;
		r = txrun(task_entry, 0);
		cur.active = 0;
		return cur.faulted ? PROG_EBAD : r;
	}
	cur.active = 0;
	sti();
	ksnprintf(err, errlen, "%s: a task faulted (eip 0x%08x)", p.name, cur.eip);
	return PROG_EBAD;
}

int prog_task(uint32_t entry, char *err, uint32_t errlen)
{
	int r = pin_push(col.cache_view[PROG_CACHE_TASKS], err, errlen);

	if (r < 0)
		return r;
	r = task_call(entry, err, errlen);
	pin_pop();
	return r;
}

/* --- collection of replaced versions (prog.h) ----------------------------- */

/* Inside a body: the address to register for code in a program's text: code
 * in its newest version, the newest version's function of the same name for
 * code in an older one, 0 if neither. */
uint32_t prog_code_now(struct mm *mm, uint32_t code)
{
	struct types ty;
	char name[PROG_NAME_MAX];
	uint32_t tab, rec, newest, fobj, va;

	if (table_get(mm, &ty, 0, &tab) != MM_OK)
		return 0;
	for (uint32_t i = 0; i < PROG_SLOTS; i++) {
		must(mm_ref_load(mm, tab, 12u * i, &newest));
		rec = newest;
		for (uint32_t k = 0; rec && k < PROG_VERSIONS_MAX; k++) {
			must(mm_check_type(mm, rec, ty.rec));
			if (text_holds(mm, rec, code)) {
				if (rec == newest)
					return code;
				must(mm_ref_load(mm, rec, R_FUNCS, &fobj));
				if (!symbols_name_at(mm, fobj, code, name))
					return 0;
				must(mm_ref_load(mm, newest, R_FUNCS, &fobj));
				return fobj && exports_find(mm, fobj, name, &va) ? va : 0;
			}
			must(mm_ref_load(mm, rec, R_PREV, &rec));
		}
	}
	return 0;
}

/* The versions replaced so far, oldest last, as one body read them. */
static struct {
	uint32_t n;
	struct { uint32_t first; uint64_t retired_t; } v[PROG_RETIRED_MAX];
	uint64_t min_horizon;           /* the nodes' beats: the lowest horizon */
	uint32_t min_node, nodes;
} ret;

/* The lowest horizon the nodes that ever beat published (ret.min_*). */
static void horizons_read(void)
{
	ret.min_horizon = ~0ull, ret.min_node = 0, ret.nodes = 0;
	for (uint32_t i = 0; i < HEAP_NODES_MAX; i++) {
		volatile struct sched_beat *b = SCHED_BEAT_OF(i);
		if (!b->beats)
			continue;
		ret.nodes++;
		if (b->prog_horizon < ret.min_horizon)
			ret.min_horizon = b->prog_horizon, ret.min_node = i;
	}
}

/* The chain of slot i, newest first, into recs[]: its length. */
static uint32_t chain_read(struct mm *mm, const struct types *ty, uint32_t tab, uint32_t i,
			   uint32_t *recs)
{
	uint32_t n = 0, rec;

	must(mm_ref_load(mm, tab, 12u * i, &rec));
	while (rec && n < PROG_VERSIONS_MAX) {
		must(mm_check_type(mm, rec, ty->rec));
		recs[n++] = rec;
		must(mm_ref_load(mm, rec, R_PREV, &rec));
	}
	return n;
}

/* A version is retired once its successor is published, at that time (a
 * version another program linked against is never: it stays). */
static uint64_t retired_at(struct mm *mm, const uint32_t *recs, uint32_t k)
{
	if (k == 0 || word(mm, recs[k], R_LINKED))
		return 0;
	return word64(mm, recs[k - 1], R_PUBLISHED);
}

static void retired_body(void *a)
{
	static uint32_t recs[PROG_VERSIONS_MAX];
	struct mm *mm = objheap_mm();
	struct types ty;
	uint32_t tab;

	(void)a;
	ret.n = 0;
	must(table_get(mm, &ty, 0, &tab));
	for (uint32_t i = 0; i < PROG_SLOTS; i++) {
		uint32_t n = chain_read(mm, &ty, tab, i, recs);
		for (uint32_t k = 1; k < n && ret.n < PROG_RETIRED_MAX; k++) {
			uint64_t t = retired_at(mm, recs, k);
			if (!t)
				continue;
			ret.v[ret.n].first = word(mm, recs[k], R_TEXT_PAGE);
			ret.v[ret.n++].retired_t = t;
		}
	}
	col.info.collected = word(mm, tab, T_COLLECTED);
	col.info.pages_freed = word(mm, tab, T_FREED_PAGES);
	ret.min_horizon = ~0ull;
	if (ret.n)
		horizons_read();
}

/* Version rec goes: its pages to the free extents, its objects freed (one
 * still referenced from elsewhere is left to the collector of objects). */
static void version_free(struct mm *mm, uint32_t tab, uint32_t rec)
{
	uint32_t cells[3] = { R_DATA, R_EXPORTS, R_FUNCS }, obj[3];

	for (int i = 0; i < 3; i++)
		must(mm_ref_load(mm, rec, cells[i], &obj[i]));
	put(mm, tab, T_FREED_PAGES, word(mm, tab, T_FREED_PAGES) +
	    code_pages_free(mm, tab, word(mm, rec, R_TEXT_PAGE), word(mm, rec, R_TEXT_PAGES)));
	put(mm, tab, T_COLLECTED, word(mm, tab, T_COLLECTED) + 1u);
	must(mm_ref_store(mm, rec, R_PREV, 0));
	must(mm_free(mm, rec));
	for (int i = 0; i < 3; i++) {
		int r = obj[i] ? mm_free(mm, obj[i]) : MM_OK;
		if (r != MM_EBUSY)
			must(r);
	}
}

/* Every node's horizon is at or after a version's retirement: no node runs
 * it or can begin to (prog.h), and every node unsealed it. From the oldest
 * such version on (none of them linked), each goes. */
static void collect_body(void *a)
{
	static uint32_t recs[PROG_VERSIONS_MAX];
	struct mm *mm = objheap_mm();
	struct types ty;
	uint32_t tab;

	(void)a;
	op.got = 0;
	must(table_get(mm, &ty, 0, &tab));
	horizons_read();
	for (uint32_t i = 0; i < PROG_SLOTS; i++) {
		uint32_t n = chain_read(mm, &ty, tab, i, recs), from = n;
		for (uint32_t k = n; k-- > 1;) {
			uint64_t t = retired_at(mm, recs, k);
			if (!t || t > ret.min_horizon)
				break;
			from = k;
		}
		if (from == n)
			continue;
		must(mm_ref_store(mm, recs[from - 1], R_PREV, 0));
		for (uint32_t k = from; k < n; k++)
			version_free(mm, tab, recs[k]);
		op.got += n - from;
	}
}

/* Unseal here every retired version at or before `through` (no run here
 * began before it: prog.h), then say so in our next beat. */
static void unseal_through(uint64_t through)
{
	struct dsm_node *n = dsmenv_node();

	for (uint32_t i = 0; i < ret.n; i++)
		if (ret.v[i].retired_t <= through && dsm_code_seg(n, ret.v[i].first)) {
			dsm_code_unseal(n, ret.v[i].first);
			col.info.unsealed++;
		}
	if (through > col.unsealed_through)
		col.unsealed_through = through;
}

void prog_collect_tick(void)
{
	static char err[96];
	uint64_t oldest = ~0ull;

	if (!objheap_mm() || !col.ready)
		return;
	op.err = err, op.errlen = sizeof(err);
	if (run_body_snapshot(retired_body, 0) < 0)
		return;
	unseal_through(horizon_below(dsmenv_node()->txn.commit_t));
	for (uint32_t i = 0; i < ret.n; i++)
		oldest = ret.v[i].retired_t < oldest ? ret.v[i].retired_t : oldest;
	col.info.waiting = ret.n;
	col.info.horizon = prog_horizon();
	col.info.cluster_horizon = ret.min_horizon;
	col.info.blocking_node = ret.min_node;
	if (!ret.n || oldest > ret.min_horizon)
		return;
	if (run_body(collect_body) < 0) {
		col.info.errors++;
		return;
	}
	col.info.collected_here += op.got;
}

const struct prog_gc_info *prog_gc(void)
{
	return &col.info;
}
