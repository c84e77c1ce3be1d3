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
#include "kernel/time.h"
#include "kernel/trap.h"
#include "kernel/txbody.h"
#include "kernel/txrun.h"
#include "kernel/wait.h"
#include "kernel/x86.h"
#include "prog/elf.h"

enum { T_NEXT = PROG_SLOTS * 12u, T_SIZE = T_NEXT + 4u };
enum { R_DATA = 0, R_EXPORTS = 12, R_PREV = 24, R_NAME = 36, R_VERSION = 60,
       R_TEXT_PAGE = 64, R_TEXT_PAGES = 68, R_TEXT_BYTES = 72, R_DATA_BYTES = 76,
       R_MAIN = 80, R_INSTALLER = 84, R_OBJ_BYTES = 88, R_INSTALL_T = 92,
       R_PUBLISHED = 100, R_SIZE = 108 };
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
	uint32_t toffs[PROG_SLOTS], roffs[3] = { R_DATA, R_EXPORTS, R_PREV };
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
	must(mm_desc_create(mm, R_SIZE, 3, roffs, &ty->rec));
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

	for (uint32_t i = 0; i < n && i < PROG_EXPORTS_MAX; i++) {
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
		if (x && exports_find(resolve_mm, x, name, va))
			return true;
	}
	return false;
}

/* --- install -------------------------------------------------------------- */

/* The first free page of the code area (above the kernel's segment), and
 * room for n pages there. */
static uint32_t code_pages_take(struct mm *mm, uint32_t tab, uint32_t n)
{
	const struct kcode_desc *d = kcode_desc();
	uint32_t next = word(mm, tab, T_NEXT);

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

static void exports_write(struct mm *mm, uint32_t xobj, uint32_t text_va, uint32_t data_va)
{
	put(mm, xobj, X_COUNT, plan.nexports);
	for (uint32_t i = 0; i < plan.nexports; i++) {
		const struct prog_symbol *s = &plan.exports[i];
		uint32_t at = X_FIRST + i * X_BYTES;
		str_in(mm, xobj, at, s->name, PROG_NAME_MAX);
		put(mm, xobj, at + X_ADDR, (s->where == PROG_TEXT ? text_va : data_va) + s->off);
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
	uint32_t tab, old, slot, data, xobj, rec, text_va, data_va;

	(void)a;
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
	exports_write(mm, xobj, text_va, data_va);
	must(mm_alloc(mm, ty.rec, R_SIZE, MM_RO, &rec));
	record_write(mm, rec, p);
	must(mm_ref_store(mm, rec, R_DATA, data));
	must(mm_ref_store(mm, rec, R_EXPORTS, xobj));
	must(mm_ref_store(mm, rec, R_PREV, old));
	must(mm_ref_store(mm, tab, 12u * slot, rec));
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

/* The program's export nearest below near.eip (a snapshot: names only). */
static void near_body(void *a)
{
	struct mm *mm = objheap_mm();
	uint32_t x, n;

	(void)a;
	near.best = 0;
	must(mm_ref_load(mm, cur.p->rec, R_EXPORTS, &x));
	n = x ? word(mm, x, X_COUNT) : 0;
	for (uint32_t i = 0; i < n && i < PROG_EXPORTS_MAX; i++) {
		uint32_t at = X_FIRST + i * X_BYTES, va = word(mm, x, at + X_ADDR);
		if (va <= near.eip && va > near.best) {
			near.best = va;
			str_out(mm, x, at, near.name, PROG_NAME_MAX);
		}
	}
}

/* Where eip is: the program's export below it (else the program's name) and
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

int prog_run(int argc, char **argv, int *status, char *err, uint32_t errlen)
{
	static struct prog_info p;
	int r;

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
	if ((r = seal(&p, err, errlen)) < 0)
		return r;
	return run_entry(&p, p.main_va, argc, argv, status, err, errlen);
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
	int r = code_owner(entry, &p, err, errlen);

	return r < 0 ? r : run_entry(&p, entry, argc, argv, status, err, errlen);
}

static struct { void (*fn)(void *); } task;

static void task_entry(void *a)
{
	task.fn(a);
}

int prog_task(uint32_t entry, char *err, uint32_t errlen)
{
	static struct prog_info p;
	int r = code_owner(entry, &p, err, errlen), status = 0;

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
	(void)status;
	ksnprintf(err, errlen, "%s: a task faulted (eip 0x%08x)", p.name, cur.eip);
	return PROG_EBAD;
}
