/*
 * kobj.c: the kernel's tables in the heap (kernel/kobj.h): their types, the
 * walk of a table, install, registration and the copy a node keeps. Owns the
 * layout of tables and entries; touches the heap only through mm/ inside the
 * transactions it runs itself, and nothing node-local but its counters and
 * the caller's buffers. Heap-resident.
 */
#include "dsm/dsm.h"
#include "kernel/dsmenv.h"
#include "kernel/kernel.h"
#include "kernel/kobj.h"
#include "kernel/objheap.h"
#include "kernel/prog.h"
#include "kernel/txbody.h"
#include "kernel/txrun.h"

enum { T_FIRST = 0, T_COUNT = 12, T_GEN = 16, T_SIZE = 20 };
enum { E_NEXT = 0, E_NAME = 12, E_CODE = 28, E_PERIOD = 32, E_TEXT = 36,
       E_SIZE = E_TEXT + KOBJ_TEXT_MAX };

extern const uint8_t __heappart_start[], __heaptext_end[];   /* linker.ld */

static const char *const table_names[KOBJ_NTABLES] = { "k.cmds", "k.tasks" };
static struct kobj_stats st;

const struct kobj_stats *kobj_stats(void) { return &st; }
const char *kobj_table_name(enum kobj_table t) { return table_names[t]; }

int kobj_kernel_code(uint32_t code)
{
	return code >= (uint32_t)__heappart_start && code < (uint32_t)__heaptext_end;
}

int kobj_code_ok(uint32_t code)
{
	return kobj_kernel_code(code) || prog_code(code);
}

void kobj_from_seed(const struct kobj_seed *s, struct kobj_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->code = s->cmd ? (uint32_t)(uintptr_t)s->cmd : (uint32_t)(uintptr_t)s->task;
	e->period_ticks = s->period_ticks;
	ksnprintf(e->name, sizeof(e->name), "%s", s->name);
	if (s->text)
		ksnprintf(e->text, sizeof(e->text), "%s", s->text);
}

/* --- inside a body: a failed mm call ends the attempt, nothing commits ---- */

static struct {
	enum kobj_table t;
	const struct kobj_seed *seeds;
	const struct kobj_entry *one;
	uint32_t n, added;
	struct kobj_entry *v;
	uint32_t max, got;
	int mm_err;                     /* the mm_result that ended the attempt */
} op;

/* An mm call failed: the attempt ends, and nothing of it commits. */
static void must(int r)
{
	if (r != MM_OK) {
		op.mm_err = r;
		txbody_unwind(DSM_EABORTED);
	}
}

static uint32_t word(struct mm *mm, uint32_t obj, uint32_t off)
{
	uint32_t v;

	must(mm_word_load(mm, obj, off, &v));
	return v;
}

static void str_out(struct mm *mm, uint32_t obj, uint32_t off, char *s, uint32_t max)
{
	must(objheap_str_load(mm, obj, off, s, max));
}

static void str_in(struct mm *mm, uint32_t obj, uint32_t off, const char *s, uint32_t max)
{
	must(objheap_str_store(mm, obj, off, s, max));
}

struct types { uint32_t table, entry; };

/* The types, created (and bound) if create and not there yet. */
static int types_get(struct mm *mm, struct types *ty, int create)
{
	uint32_t toffs[1] = { T_FIRST }, eoffs[1] = { E_NEXT };
	int r = mm_dir_lookup(mm, "t.ktable", &ty->table);

	if (r == MM_OK)
		return mm_dir_lookup(mm, "t.kentry", &ty->entry);
	if (r != MM_ENOENT || !create)
		return r;
	must(mm_desc_create(mm, T_SIZE, 1, toffs, &ty->table));
	must(mm_desc_create(mm, E_SIZE, 1, eoffs, &ty->entry));
	must(mm_dir_bind(mm, "t.ktable", ty->table));
	must(mm_dir_bind(mm, "t.kentry", ty->entry));
	return MM_OK;
}

/* The table's object, checked, created if create and not there yet. */
static int table_get(struct mm *mm, enum kobj_table t, struct types *ty, int create,
		     uint32_t *tab)
{
	int r = types_get(mm, ty, create);

	if (r != MM_OK)
		return r;
	r = mm_dir_lookup(mm, table_names[t], tab);
	if (r == MM_ENOENT && create) {
		must(mm_alloc(mm, ty->table, T_SIZE, MM_RO, tab));
		must(mm_dir_bind(mm, table_names[t], *tab));
		return MM_OK;
	}
	return r == MM_OK ? mm_check_type(mm, *tab, ty->table) : r;
}

/* Next entry after cell `cell` of object `obj`, checked; *i counts the walk. */
static uint32_t next_entry(struct mm *mm, const struct types *ty, uint32_t obj,
			   uint32_t cell, uint32_t *i)
{
	uint32_t e;

	must(mm_ref_load(mm, obj, cell, &e));
	if (e && (++*i > KOBJ_ENTRIES_MAX || mm_check_type(mm, e, ty->entry) != MM_OK))
		must(MM_ECORRUPT);
	return e;
}

uint32_t kobj_code_cell(uint32_t obj)
{
	return obj + MM_HDR_BYTES + E_CODE;
}

static void entry_out(struct mm *mm, uint32_t obj, struct kobj_entry *e)
{
	e->obj = obj;
	e->code = word(mm, obj, E_CODE);
	e->period_ticks = word(mm, obj, E_PERIOD);
	str_out(mm, obj, E_NAME, e->name, KOBJ_NAME_MAX);
	str_out(mm, obj, E_TEXT, e->text, KOBJ_TEXT_MAX);
}

static void entry_in(struct mm *mm, uint32_t obj, const struct kobj_entry *e)
{
	must(mm_word_store(mm, obj, E_CODE, e->code));
	must(mm_word_store(mm, obj, E_PERIOD, e->period_ticks));
	str_in(mm, obj, E_NAME, e->name, KOBJ_NAME_MAX);
	str_in(mm, obj, E_TEXT, e->text, KOBJ_TEXT_MAX);
}

/* Put e in table tab: replace the entry of its name if replace (else leave
 * it), or append it. 1 if it was added, 0 if not. */
static int table_put(struct mm *mm, const struct types *ty, uint32_t tab,
		     const struct kobj_entry *e, int replace)
{
	static struct kobj_entry cur;
	uint32_t i = 0, last = tab, cell = T_FIRST, obj;

	for (uint32_t x = next_entry(mm, ty, tab, T_FIRST, &i); x;
	     x = next_entry(mm, ty, x, E_NEXT, &i)) {
		entry_out(mm, x, &cur);
		if (!strcmp(cur.name, e->name)) {
			if (replace)
				entry_in(mm, x, e);
			return 0;
		}
		last = x;
		cell = E_NEXT;
	}
	if (i >= KOBJ_ENTRIES_MAX)
		must(MM_EFULL);
	must(mm_alloc(mm, ty->entry, E_SIZE, MM_RO, &obj));
	entry_in(mm, obj, e);
	must(mm_ref_store(mm, last, cell, obj));
	must(mm_word_store(mm, tab, T_COUNT, word(mm, tab, T_COUNT) + 1u));
	must(mm_word_store(mm, tab, T_GEN, word(mm, tab, T_GEN) + 1u));
	return 1;
}

/* The entry x (reached through cell of last) leaves table tab: freed, counted. */
static void entry_unlink(struct mm *mm, uint32_t tab, uint32_t last, uint32_t cell, uint32_t x)
{
	uint32_t next;

	must(mm_ref_load(mm, x, E_NEXT, &next));
	must(mm_ref_store(mm, last, cell, next));
	must(mm_ref_store(mm, x, E_NEXT, 0));
	must(mm_free(mm, x));
	must(mm_word_store(mm, tab, T_COUNT, word(mm, tab, T_COUNT) - 1u));
}

/* One table's part of kobj_retarget. */
static void table_retarget(struct mm *mm, enum kobj_table t, uint32_t lo, uint32_t hi,
			   kobj_map_fn map, void *ctx, uint32_t *moved, uint32_t *removed)
{
	struct types ty;
	uint32_t tab, last, cell = T_FIRST, i = 0, changed = 0;
	int r = table_get(mm, t, &ty, 0, &tab);

	if (r == MM_ENOENT)
		return;
	must(r);
	last = tab;
	for (uint32_t x = next_entry(mm, &ty, tab, T_FIRST, &i); x;
	     x = next_entry(mm, &ty, last, cell, &i)) {
		uint32_t code = word(mm, x, E_CODE), to;
		if (code < lo || code >= hi) {
			last = x, cell = E_NEXT;
			continue;
		}
		changed++;
		if ((to = map(ctx, code)) != 0) {
			must(mm_word_store(mm, x, E_CODE, to));
			(*moved)++;
			last = x, cell = E_NEXT;
			continue;
		}
		entry_unlink(mm, tab, last, cell, x);
		(*removed)++;
	}
	if (changed)
		must(mm_word_store(mm, tab, T_GEN, word(mm, tab, T_GEN) + 1u));
}

int kobj_retarget(struct mm *mm, uint32_t lo, uint32_t hi, kobj_map_fn map, void *ctx,
		  uint32_t *moved, uint32_t *removed)
{
	for (int t = 0; t < KOBJ_NTABLES; t++)
		table_retarget(mm, (enum kobj_table)t, lo, hi, map, ctx, moved, removed);
	return MM_OK;
}

/* --- the transactions -------------------------------------------------- */

static void install_body(void *a)
{
	static struct kobj_entry e;
	struct mm *mm = objheap_mm();
	struct types ty;
	uint32_t tab;

	(void)a;
	op.added = 0;
	must(table_get(mm, op.t, &ty, 1, &tab));
	for (uint32_t i = 0; i < op.n; i++) {
		if (op.one) {
			e = *op.one;
			if (!kobj_kernel_code(e.code) && !(e.code = prog_code_now(mm, e.code)))
				must(MM_EINVAL);        /* no installed program's code */
			op.added += (uint32_t)table_put(mm, &ty, tab, &e, 1);
			continue;
		}
		kobj_from_seed(&op.seeds[i], &e);
		op.added += (uint32_t)table_put(mm, &ty, tab, &e, 0);
	}
}

static void read_body(void *a)
{
	struct mm *mm = objheap_mm();
	struct types ty;
	uint32_t tab, i = 0;

	(void)a;
	op.got = 0;
	must(table_get(mm, op.t, &ty, 0, &tab));
	for (uint32_t x = next_entry(mm, &ty, tab, T_FIRST, &i); x && op.got < op.max;
	     x = next_entry(mm, &ty, x, E_NEXT, &i))
		entry_out(mm, x, &op.v[op.got++]);
}

static int snapshot;             /* kobj_read_snapshot: read at our own time */

/* Run body in a transaction: 0, or an error for kobj_strerror. */
static int run(void (*body)(void *))
{
	int r;

	if (!objheap_mm())
		return KOBJ_EMM + MM_ENOENT;
	op.mm_err = MM_OK;
	r = snapshot ? txrun_snapshot(body, 0) : txrun(body, 0);
	return r < 0 && op.mm_err != MM_OK ? KOBJ_EMM + op.mm_err : r;
}

const char *kobj_strerror(int r)
{
	return r <= KOBJ_EMM ? objheap_strerror(r - KOBJ_EMM) : dsmenv_strerror(r);
}

int kobj_install(enum kobj_table t, const struct kobj_seed *seeds, uint32_t n)
{
	static const char *const what[KOBJ_NTABLES] = { "commands", "tasks" };
	int r;

	if (!dsmenv_node()->cfg.manager || !objheap_mm())
		return 0;
	op.t = t, op.seeds = seeds, op.one = 0, op.n = n;
	r = run(install_body);
	if (r < 0) {
		kprintf("kobj: error: installing the %s: %s\n", what[t], kobj_strerror(r));
		return r;
	}
	st.installed[t] += op.added;
	if (op.added)
		kprintf("kobj: %u %s installed in the heap (%s)\n", op.added, what[t],
			table_names[t]);
	return (int)op.added;
}

int kobj_register(enum kobj_table t, const struct kobj_entry *e)
{
	if (!kobj_code_ok(e->code) || !e->name[0])
		return KOBJ_EMM + MM_EINVAL;
	op.t = t, op.seeds = 0, op.one = e, op.n = 1;
	return run(install_body);
}

/* Count the entries whose code is not the kernel's (they are never called). */
static void count_foreign(const struct kobj_entry *v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		st.rejected += !kobj_code_ok(v[i].code);
}

int kobj_read_snapshot(enum kobj_table t, struct kobj_entry *v, uint32_t max, uint32_t *n)
{
	int r;

	snapshot = 1;
	r = kobj_read(t, v, max, n);
	snapshot = 0;
	return r;
}

int kobj_read(enum kobj_table t, struct kobj_entry *v, uint32_t max, uint32_t *n)
{
	int r;

	op.t = t, op.v = v, op.max = max;
	st.reads++;
	r = run(read_body);
	if (r != 0) {
		st.read_errors++;
		st.last_error = r;
		return r;
	}
	count_foreign(v, op.got);
	*n = op.got;
	return 0;
}
