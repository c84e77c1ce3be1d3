/*
 * objcmd.c: the shell's object heap commands (docs/CONTRACT.md, "The object
 * heap"), each step one transaction (kernel/txrun.h) on kernel/objheap.c's
 * struct mm:
 *   objstat [verify]      objects and bytes by allocator, large objects,
 *                         regions, backchain entries, GC and monitor counts
 *   gc                    one collection on this node until no candidate is left
 *   relocate <ref> [page] move an object, fixing every reference to it
 *   fsmon [relocate [min]] the pages with the most aborts and their objects
 *   obj new|get|set|value|bind|drop|free ...   single objects by name or address
 *   list new|push|pop|inc|check|reloc ...      lists of elements by name
 *   objbench alloc|ref <n>                     cycles per allocation / reference store
 *   fsbench setup | fsbench run <n> [auto]     node-private objects on one page
 * A <ref> is a heap address (0x...) or a name in the root directory.
 * Rules: bodies change only the heap and their arg (printing is held until
 * commit); a run stops at its first error and says how far it got.
 * Heap-resident. Must not touch heap pages outside the object heap.
 */
#include "dsm/dsm.h"
#include "kernel/dsmenv.h"
#include "kernel/heaplayout.h"
#include "kernel/kernel.h"
#include "kernel/objheap.h"
#include "kernel/time.h"
#include "kernel/txbody.h"
#include "kernel/txrun.h"
#include "kernel/x86.h"
#include "shell/cmds.h"
#include "shell/shell.h"
#include "shell/steps.h"

#define OBJ_RUN_MAX     100000u  /* transactions in one command */
#define OBJ_WALK_MAX    256u     /* elements one list walk visits */
#define OBJ_BENCH_BATCH 32u      /* operations timed in one transaction */
#define OBJ_GC_ROUNDS   64u      /* GC transactions one `gc` runs at most */
#define FS_SLOTS        3u       /* fsbench: one slot object per node 0..2 */
#define FS_AUTO_EVERY   25u      /* fsbench auto: a monitor step every so many txns */
#define FS_AUTO_MIN     5u       /* ... that moves a page's objects after these aborts */

/* One operation's argument: the names or addresses it works on, its result. */
struct op {
	char name[MM_NAME_MAX], name2[MM_NAME_MAX];
	uint32_t a, b, v, n, k, where;
	uint32_t obj, obj2, out[4];
	struct objheap_types t;
	struct gc_result gc;
	uint64_t cycles;
	int r;
	const char *what;               /* what failed, for the error line */
};

static struct op op;

/* "<ref>": an address (a != 0) or a name (copied into name). */
static int ref_arg(const char *cmd, const char *s, char *name, uint32_t *a)
{
	*a = 0;
	name[0] = '\0';
	if (s[0] >= '0' && s[0] <= '9')
		return shell_word(s, a) < 0 ? shell_error("%s: bad address '%s'", cmd, s) : 0;
	if (strlen(s) >= MM_NAME_MAX)
		return shell_error("%s: name '%s' longer than %u bytes", cmd, s, MM_NAME_MAX - 1u);
	memcpy(name, s, strlen(s) + 1u);
	return 0;
}

/* In a body: resolve a ref to an object address. */
static int resolve(struct mm *mm, const char *name, uint32_t a, uint32_t *obj)
{
	*obj = a;
	return a ? MM_OK : mm_dir_lookup(mm, name, obj);
}

/* In a body: the list named by the op, checked to be a list (the typed interface). */
static int list_get(struct mm *mm, struct op *x, uint32_t *l)
{
	int r = objheap_types(&x->t);

	if (r == MM_OK)
		r = resolve(mm, x->name, x->a, l);
	if (r == MM_OK)
		r = mm_check_type(mm, *l, x->t.list);
	if (r == MM_ETYPE) {
		x->obj = *l;
		x->what = "list";
	}
	return r;
}

static int heap_there(const char *cmd)
{
	if (!objheap_mm())
		return shell_error("%s: no object heap on this node", cmd);
	if (dsmenv_heap_bytes() == 0)
		return shell_error("%s: %s", cmd, dsmenv_strerror(DSMENV_ENOTYET));
	return 0;
}

/* Run one body; a clear error for the transaction's or the heap's failure. */
static int op_run(const char *cmd, void (*body)(void *))
{
	int r;

	op.r = MM_OK;
	op.what = "";
	if ((r = txrun(body, &op)) < 0)
		return shell_error("%s: %s", cmd, dsmenv_strerror(r));
	if (op.r == MM_ETYPE && op.obj)
		return shell_error("%s: object 0x%08x is not a %s: wrong type", cmd, op.obj,
				   op.what[0] ? op.what : "list");
	if (op.r != MM_OK)
		return shell_error("%s: %s%s%s", cmd, op.what, op.what[0] ? ": " : "",
				   objheap_strerror(op.r));
	return 0;
}

/* ---- runs of transactions (shell/steps.h) ----------------------------------- */

/* Before each step: a fresh result and the step's number and random draw. */
static void run_prepare(void *a, uint32_t i)
{
	struct op *x = a;

	x->r = MM_OK;
	x->what = "";
	x->k = kernel_random();
	x->n = i;
}

/* After each step: the heap's own error (an mm_result) stops the run. */
static int run_check(void *a)
{
	return ((struct op *)a)->r;
}

static int run_explain(const struct steps *s)
{
	if (s->err == MM_ETYPE && op.obj)
		return shell_error("%s: stopped after %u: object 0x%08x is not a %s: wrong type",
				   s->what, s->done, op.obj, op.what[0] ? op.what : "list");
	return shell_error("%s: stopped after %u: %s%s%s", s->what, s->done, op.what,
			   op.what[0] ? ": " : "", objheap_strerror(s->err));
}

#define RUN_INIT(name, fn) { .what = (name), .body = (fn), .prepare = run_prepare, \
			     .check = run_check, .explain = run_explain, .arg = &op }

static int run_count(const char *cmd, const char *s, uint32_t *n)
{
	if (shell_number(s, OBJ_RUN_MAX, n) < 0 || *n == 0)
		return shell_error("%s: count must be 1..%u, not '%s'", cmd, OBJ_RUN_MAX, s);
	return 0;
}

/* ---- objstat, gc, relocate, fsmon ------------------------------------------ */

static struct mm_stat ostat;

static void objstat_body(void *a)
{
	struct op *x = a;

	x->r = mm_objstat(objheap_mm(), &ostat);
	x->what = "objstat";
}

#define OBJ_VERIFY_PAGES 16u     /* object heap pages one verify transaction checks */

static void verify_body(void *a)
{
	struct op *x = a;

	x->what = "objstat verify";
	x->r = mm_verify_pages(objheap_mm(), x->k, OBJ_VERIFY_PAGES, &x->out[0]);
}

static int objstat_verify(void)
{
	uint32_t objs = 0;

	for (op.k = 0; op.k < HEAP_MM_PAGES; op.k += OBJ_VERIFY_PAGES) {
		if (op_run("objstat verify", verify_body) < 0)
			return -1;
		objs += op.out[0];
	}
	kprintf("verify: %u objects, every header, cell and backchain consistent\n", objs);
	return 0;
}

int objcmd_objstat(int argc, char **argv)
{
	static const char *const kind[MM_NKINDS] = { "rw", "ro", "sys" };
	const struct objheap_stats *o;

	if (argc > 2 || (argc == 2 && strcmp(argv[1], "verify")))
		return shell_error("usage: objstat [verify]");
	if (heap_there("objstat") < 0)
		return -1;
	op.v = argc == 2;
	if (op_run("objstat", objstat_body) < 0)
		return -1;
	for (uint32_t k = 0; k < MM_NKINDS; k++)
		kprintf("allocator %s objects %u bytes %u\n", kind[k], ostat.objects[k], ostat.bytes[k]);
	kprintf("large objects %u bytes %u pages %u\n", ostat.large_objects, ostat.large_bytes,
		ostat.large_pages);
	kprintf("regions %u\nfree_pages %u\nbackchain_entries %d\n", ostat.regions,
		ostat.free_pages, ostat.bc_entries);
	kprintf("freed %u\nrelocated %u\ngc_runs %u\nrefills %u\ncandidates_pushed %u\n",
		ostat.freed, ostat.relocated, ostat.gc_runs, ostat.refills, ostat.candidates);
	o = objheap_stats();
	kprintf("gc_task runs %u skipped %u freed %u reclaimed %u errors %u moved %u\n",
		o->gc_runs, o->gc_skipped, o->gc_freed, o->gc_reclaimed, o->gc_errors, o->auto_moved);
	kprintf("aborts_seen %u aborts_on_object_pages %u\n", o->aborts_seen, o->aborts_in_mm);
	return op.v ? objstat_verify() : 0;
}

static void gc_body(void *a)
{
	struct op *x = a;

	x->what = "gc";
	x->r = objheap_gc_once(x->k, &x->gc);
	x->v = x->r != MM_ENOENT;       /* there was something to do */
	if (x->r == MM_ENOENT)
		x->r = MM_OK;
}

int objcmd_gc(int argc, char **argv)
{
	struct gc_result sum = { 0 };
	uint32_t i;

	(void)argv;
	if (argc != 1)
		return shell_error("usage: gc");
	if (heap_there("gc") < 0)
		return -1;
	op.k = OBJHEAP_GC_BUDGET;
	for (i = 0; i < OBJ_GC_ROUNDS; i++) {
		int r = txrun(gc_body, &op);
		if (r == TXN_ETOOBIG && op.k > 1u) {
			op.k /= 2u;             /* traces touched too many pages: fewer a txn */
			continue;
		}
		if (r < 0)
			return shell_error("gc: %s", dsmenv_strerror(r));
		if (op.r != MM_OK)
			return shell_error("gc: %s", objheap_strerror(op.r));
		if (!op.v)
			break;
		sum.examined += op.gc.examined;
		sum.freed += op.gc.freed;
		sum.live += op.gc.live;
		sum.deferred += op.gc.deferred;
		sum.reclaimed += op.gc.reclaimed;
	}
	kprintf("gc: %u transactions, examined %u, freed %u, live %u, deferred %u, reclaimed %u\n",
		i, sum.examined, sum.freed, sum.live, sum.deferred, sum.reclaimed);
	return 0;
}

static void relocate_body(void *a)
{
	struct op *x = a;

	x->what = "relocate";
	x->r = resolve(objheap_mm(), x->name, x->a, &x->obj);
	if (x->r == MM_OK)
		x->r = mm_relocate(objheap_mm(), x->obj, (enum mm_reloc)x->where, &x->obj2);
}

int objcmd_relocate(int argc, char **argv)
{
	if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "page")))
		return shell_error("usage: relocate <addr|name> [page]");
	if (heap_there("relocate") < 0 || ref_arg("relocate", argv[1], op.name, &op.a) < 0)
		return -1;
	op.where = argc == 3 ? MM_RELOC_PAGE : MM_RELOC_HERE;
	if (op_run("relocate", relocate_body) < 0)
		return -1;
	kprintf("relocate: 0x%08x -> 0x%08x, every reference fixed\n", op.obj, op.obj2);
	return 0;
}

static uint32_t fs_pages[MM_FSMON_TOP_MAX];
static uint16_t fs_counts[MM_FSMON_TOP_MAX];

static void fsmon_body(void *a)
{
	struct op *x = a;
	struct mm *mm = objheap_mm();
	uint32_t objs[8], n = 0;

	x->what = "fsmon";
	x->r = MM_OK;
	for (uint32_t i = 0; i < x->n && x->r == MM_OK; i++) {
		x->r = mm_fsmon_objects(mm, fs_pages[i], objs, NELEM(objs), &n);
		kprintf("page 0x%08x (%u): aborts %u, objects %u:", mm->base + fs_pages[i] * PGSIZE,
			HEAP_PG_MM + fs_pages[i], fs_counts[i], n);
		for (uint32_t j = 0; j < n && j < NELEM(objs); j++)
			kprintf(" 0x%08x", objs[j]);
		kprintf("\n");
	}
}

static void fsmon_move_body(void *a)
{
	struct op *x = a;

	x->what = "fsmon relocate";
	x->r = objheap_fsmon_step(x->v, &x->obj2);
}

int objcmd_fsmon(int argc, char **argv)
{
	if (heap_there("fsmon") < 0)
		return -1;
	if (argc >= 2 && !strcmp(argv[1], "relocate") && argc <= 3) {
		op.v = 1;
		if (argc == 3 && (shell_number(argv[2], 65535u, &op.v) < 0 || op.v == 0))
			return shell_error("fsmon relocate: min aborts must be 1..65535");
		if (op_run("fsmon relocate", fsmon_move_body) < 0)
			return -1;
		kprintf("fsmon: moved %u objects off the worst page\n", op.obj2);
		return 0;
	}
	if (argc != 1)
		return shell_error("usage: fsmon [relocate [min-aborts]]");
	op.n = mm_fsmon_top(objheap_mm(), fs_pages, fs_counts, 8);
	kprintf("fsmon: %u pages with aborts (aborts seen %u, on object pages %u)\n", op.n,
		objheap_stats()->aborts_seen, objheap_stats()->aborts_in_mm);
	return op.n ? op_run("fsmon", fsmon_body) : 0;
}

/* ---- obj: single objects --------------------------------------------------- */

static void obj_new_body(void *a)
{
	struct op *x = a;
	struct mm *mm = objheap_mm();

	x->what = "obj new";
	if ((x->r = objheap_types(&x->t)) == MM_OK)
		x->r = mm_alloc(mm, x->t.elem, 0, (enum mm_kind)x->where, &x->obj);
	if (x->r == MM_OK)
		x->r = mm_word_store(mm, x->obj, OBJ_E_VALUE, x->v);
	if (x->r == MM_OK)
		x->r = mm_dir_bind(mm, x->name, x->obj);
	if (x->r != MM_OK)
		txbody_unwind(DSM_EABORTED);     /* no half-made object */
	kprintf("obj %s 0x%08x\n", x->name, x->obj);
}

static int obj_get_cells(struct mm *mm, struct op *x, uint32_t desc)
{
	int r = MM_OK;

	if (desc == x->t.elem) {
		r = mm_ref_load(mm, x->obj, OBJ_E_NEXT, &x->out[0]);
		if (r == MM_OK)
			r = mm_ref_load(mm, x->obj, OBJ_E_PEER, &x->out[1]);
		if (r == MM_OK)
			r = mm_word_load(mm, x->obj, OBJ_E_VALUE, &x->out[2]);
		kprintf("obj 0x%08x: elem value %u next 0x%08x peer 0x%08x", x->obj, x->out[2],
			x->out[0], x->out[1]);
	} else if (desc == x->t.list) {
		r = mm_ref_load(mm, x->obj, OBJ_L_FIRST, &x->out[0]);
		if (r == MM_OK)
			r = mm_word_load(mm, x->obj, OBJ_L_COUNT, &x->out[2]);
		kprintf("obj 0x%08x: list count %u first 0x%08x", x->obj, x->out[2], x->out[0]);
	} else {
		kprintf("obj 0x%08x: type 0x%08x", x->obj, desc);
	}
	return r;
}

static void obj_get_body(void *a)
{
	struct op *x = a;
	struct mm *mm = objheap_mm();
	uint32_t size, bc;

	x->what = "obj get";
	if ((x->r = objheap_types(&x->t)) == MM_OK)
		x->r = resolve(mm, x->name, x->a, &x->obj);
	if (x->r == MM_OK)
		x->r = mm_size(mm, x->obj, &size);
	if (x->r == MM_OK)
		x->r = mm_backchain_len(mm, x->obj, &bc);
	if (x->r != MM_OK)
		return;
	x->r = obj_get_cells(mm, x, mm_check_type(mm, x->obj, x->t.elem) == MM_OK ? x->t.elem
				 : mm_check_type(mm, x->obj, x->t.list) == MM_OK ? x->t.list : 0);
	kprintf(", size %u, backchain %u\n", size, bc);
}

static uint32_t cell_off(const char *s)
{
	return !strcmp(s, "next") ? OBJ_E_NEXT : !strcmp(s, "peer") ? OBJ_E_PEER
	       : !strcmp(s, "first") ? OBJ_L_FIRST : 0xFFFFFFFFu;
}

static void obj_set_body(void *a)
{
	struct op *x = a;
	struct mm *mm = objheap_mm();

	x->what = "obj set";
	x->r = resolve(mm, x->name, x->a, &x->obj);
	x->obj2 = x->b;
	if (x->r == MM_OK && x->name2[0])
		x->r = mm_dir_lookup(mm, x->name2, &x->obj2);
	if (x->r == MM_OK)
		x->r = mm_ref_store(mm, x->obj, x->k, x->obj2);
}

static void obj_value_body(void *a)
{
	struct op *x = a;

	x->what = "obj value";
	x->r = resolve(objheap_mm(), x->name, x->a, &x->obj);
	if (x->r == MM_OK)
		x->r = mm_word_store(objheap_mm(), x->obj, OBJ_E_VALUE, x->v);
}

static void obj_name_body(void *a)
{
	struct op *x = a;
	struct mm *mm = objheap_mm();

	x->what = x->v ? "obj bind" : x->k ? "obj free" : "obj drop";
	if (x->v) {
		x->r = resolve(mm, x->name2, x->b, &x->obj);
		if (x->r == MM_OK)
			x->r = mm_dir_bind(mm, x->name, x->obj);
	} else if (x->k) {
		x->r = resolve(mm, x->name, x->a, &x->obj);
		if (x->r == MM_OK)
			x->r = mm_free(mm, x->obj);
	} else {
		x->r = mm_dir_unbind(mm, x->name);
	}
}

static int obj_new(int argc, char **argv)
{
	op.v = 0;
	op.where = MM_RW;
	if (argc > 5 || (argc == 5 && strcmp(argv[4], "ro") && strcmp(argv[4], "sys")))
		return shell_error("usage: obj new <name> [value] [ro|sys]");
	if (ref_arg("obj new", argv[2], op.name, &op.a) < 0)
		return -1;
	if (op.a)
		return shell_error("obj new: '%s' is not a name", argv[2]);
	if (argc >= 4 && shell_number(argv[3], 0xFFFFFFFFu, &op.v) < 0)
		return shell_error("obj new: bad value '%s'", argv[3]);
	if (argc == 5)
		op.where = argv[4][0] == 'r' ? MM_RO : MM_SYS;
	return op_run("obj new", obj_new_body);
}

static int obj_set(char **argv)
{
	op.k = cell_off(argv[3]);
	if (op.k == 0xFFFFFFFFu)
		return shell_error("obj set: cell must be next, peer or first, not '%s'", argv[3]);
	if (ref_arg("obj set", argv[2], op.name, &op.a) < 0 ||
	    ref_arg("obj set", argv[4], op.name2, &op.b) < 0)
		return -1;
	return op_run("obj set", obj_set_body);
}

static int obj_name(int argc, char **argv)
{
	const char *c = argv[1];

	op.v = !strcmp(c, "bind");
	op.k = !strcmp(c, "free");
	if (argc != (op.v ? 4 : 3))
		return shell_error("usage: obj bind <name> <ref> | obj drop <name> | obj free <ref>");
	if (ref_arg("obj", argv[2], op.name, &op.a) < 0 ||
	    (op.v && ref_arg("obj bind", argv[3], op.name2, &op.b) < 0))
		return -1;
	if (!op.k && op.a)
		return shell_error("obj %s: '%s' is not a name", c, argv[2]);
	return op_run(op.v ? "obj bind" : op.k ? "obj free" : "obj drop", obj_name_body);
}

int objcmd_obj(int argc, char **argv)
{
	if (argc < 3)
		return shell_error("usage: obj new|get|set|value|bind|drop|free <ref> ...");
	if (heap_there("obj") < 0)
		return -1;
	if (!strcmp(argv[1], "new"))
		return obj_new(argc, argv);
	if (!strcmp(argv[1], "get") && argc == 3)
		return ref_arg("obj get", argv[2], op.name, &op.a) < 0 ? -1
		       : op_run("obj get", obj_get_body);
	if (!strcmp(argv[1], "set") && argc == 5)
		return obj_set(argv);
	if (!strcmp(argv[1], "value") && argc == 4) {
		if (ref_arg("obj value", argv[2], op.name, &op.a) < 0)
			return -1;
		if (shell_number(argv[3], 0xFFFFFFFFu, &op.v) < 0)
			return shell_error("obj value: bad value '%s'", argv[3]);
		return op_run("obj value", obj_value_body);
	}
	if (!strcmp(argv[1], "bind") || !strcmp(argv[1], "drop") || !strcmp(argv[1], "free"))
		return obj_name(argc, argv);
	return shell_error("obj: unknown or incomplete '%s' (new, get, set, value, bind, drop, "
			   "free)", argv[1]);
}

/* ---- list: lists of elements ----------------------------------------------- */

static void list_new_body(void *a)
{
	struct op *x = a;
	struct mm *mm = objheap_mm();

	x->what = "list new";
	if ((x->r = objheap_types(&x->t)) == MM_OK)
		x->r = mm_alloc(mm, x->t.list, 0, (enum mm_kind)x->where, &x->obj);
	if (x->r == MM_OK)
		x->r = mm_dir_bind(mm, x->name, x->obj);
	if (x->r != MM_OK)
		txbody_unwind(DSM_EABORTED);
	kprintf("list %s 0x%08x\n", x->name, x->obj);
}

static void list_push_body(void *a)
{
	struct op *x = a;
	struct mm *mm = objheap_mm();
	uint32_t l, e, first, count;

	x->what = "list push";
	if ((x->r = list_get(mm, x, &l)) != MM_OK)
		return;
	if ((x->r = mm_alloc(mm, x->t.elem, 0, MM_RW, &e)) != MM_OK)
		return;
	mm_word_store(mm, e, OBJ_E_VALUE, x->n);
	mm_ref_load(mm, l, OBJ_L_FIRST, &first);
	mm_word_load(mm, l, OBJ_L_COUNT, &count);
	if ((x->r = mm_ref_store(mm, e, OBJ_E_NEXT, first)) == MM_OK &&
	    (x->r = mm_ref_store(mm, l, OBJ_L_FIRST, e)) == MM_OK)
		x->r = mm_word_store(mm, l, OBJ_L_COUNT, count + 1u);
	if (x->r != MM_OK)
		txbody_unwind(DSM_EABORTED);
}

static void list_pop_body(void *a)
{
	struct op *x = a;
	struct mm *mm = objheap_mm();
	uint32_t l, first, next = 0, count;

	x->what = "list pop";
	if ((x->r = list_get(mm, x, &l)) != MM_OK)
		return;
	mm_ref_load(mm, l, OBJ_L_FIRST, &first);
	mm_word_load(mm, l, OBJ_L_COUNT, &count);
	if (first == 0 || count == 0) {
		x->r = MM_ENOENT;
		x->what = "list pop: the list is empty";
		return;
	}
	if ((x->r = mm_ref_load(mm, first, OBJ_E_NEXT, &next)) == MM_OK &&
	    (x->r = mm_ref_store(mm, l, OBJ_L_FIRST, next)) == MM_OK)
		x->r = mm_word_store(mm, l, OBJ_L_COUNT, count - 1u);
}

/* In a body: the element at x->k % count (x->obj), after a checked walk. */
static int list_nth(struct mm *mm, struct op *x, uint32_t l)
{
	uint32_t count, e;
	int r;

	mm_word_load(mm, l, OBJ_L_COUNT, &count);
	if ((r = mm_ref_load(mm, l, OBJ_L_FIRST, &e)) != MM_OK)
		return r;
	if (count == 0 || count > OBJ_WALK_MAX) {
		x->what = "the list is empty or too long";
		return MM_EINVAL;
	}
	for (uint32_t i = 0; i < x->k % count && r == MM_OK; i++)
		r = mm_ref_load(mm, e, OBJ_E_NEXT, &e);
	if (r == MM_OK)
		r = mm_check_type(mm, e, x->t.elem);
	if (r == MM_ETYPE)
		x->what = "elem";
	x->obj = e;
	return r;
}

static void list_inc_body(void *a)
{
	struct op *x = a;
	struct mm *mm = objheap_mm();
	uint32_t l, v;

	x->what = "list inc";
	if ((x->r = list_get(mm, x, &l)) != MM_OK || (x->r = list_nth(mm, x, l)) != MM_OK)
		return;
	if ((x->r = mm_word_load(mm, x->obj, OBJ_E_VALUE, &v)) == MM_OK)
		x->r = mm_word_store(mm, x->obj, OBJ_E_VALUE, v + 1u);
}

static void list_reloc_body(void *a)
{
	struct op *x = a;
	struct mm *mm = objheap_mm();
	uint32_t l;

	x->what = "list reloc";
	if ((x->r = list_get(mm, x, &l)) != MM_OK || (x->r = list_nth(mm, x, l)) != MM_OK)
		return;
	x->r = mm_relocate(mm, x->obj, x->n % 2u ? MM_RELOC_PAGE : MM_RELOC_HERE, &x->obj2);
}

/* A reader: walk everything, check every element's type, count and sum. */
static void list_check_body(void *a)
{
	struct op *x = a;
	struct mm *mm = objheap_mm();
	uint32_t l, e, v, i;

	x->what = "list check";
	if ((x->r = list_get(mm, x, &l)) != MM_OK)
		return;
	mm_word_load(mm, l, OBJ_L_COUNT, &x->out[0]);
	x->r = mm_ref_load(mm, l, OBJ_L_FIRST, &e);
	x->out[1] = 0;
	for (i = 0; e && i < OBJ_WALK_MAX && x->r == MM_OK; i++) {
		if ((x->r = mm_check_type(mm, e, x->t.elem)) != MM_OK)
			break;
		mm_word_load(mm, e, OBJ_E_VALUE, &v);
		x->out[1] += v;
		x->r = mm_ref_load(mm, e, OBJ_E_NEXT, &e);
	}
	if (x->r == MM_OK && (e || i != x->out[0])) {
		x->r = MM_ECORRUPT;
		x->what = "list check: the walk does not match the count";
	}
	x->out[2] = i;
}

static int list_runs(int argc, char **argv, struct steps *s)
{
	static const struct { const char *name; void (*body)(void *); } runs[] = {
		{ "push", list_push_body }, { "pop", list_pop_body }, { "inc", list_inc_body },
		{ "reloc", list_reloc_body }, { "check", list_check_body },
	};
	static char what[32];
	uint32_t i;

	for (i = 0; i < NELEM(runs) && strcmp(argv[1], runs[i].name); i++)
		;
	if (i == NELEM(runs))
		return shell_error("list: unknown '%s' (new, push, pop, inc, reloc, check)", argv[1]);
	s->count = 1;
	if (argc == 4 && run_count("list", argv[3], &s->count) < 0)
		return -1;
	if (argc != 4 && !(argc == 3 && i == NELEM(runs) - 1u))
		return shell_error("usage: list %s <name> <n>", argv[1]);
	ksnprintf(what, sizeof(what), "list %s", argv[1]);
	s->what = what;
	s->body = runs[i].body;
	return 0;
}

int objcmd_list(int argc, char **argv)
{
	struct steps s = RUN_INIT("list", 0);

	if (argc < 3)
		return shell_error("usage: list new <name> [private] | list push|pop|inc|reloc <name> "
				   "<n> | list check <name> [n]");
	if (heap_there("list") < 0 || ref_arg("list", argv[2], op.name, &op.a) < 0)
		return -1;
	if (!strcmp(argv[1], "new")) {
		if (op.a || argc > 4 || (argc == 4 && strcmp(argv[3], "private")))
			return shell_error("usage: list new <name> [private]");
		op.where = argc == 4 ? MM_SYS : MM_RW;
		return op_run("list new", list_new_body);
	}
	if (list_runs(argc, argv, &s) < 0)
		return -1;
	op.obj = 0;
	steps_run(&s);
	if (s.body == list_check_body && s.err == 0)
		kprintf("list %s: %u elements, sum %u\n", argv[2], op.out[2], op.out[1]);
	return steps_report(&s);
}

/* ---- benchmarks ------------------------------------------------------------ */

static uint64_t bench_best;             /* fewest cycles of one committed batch */

static void bench_alloc_body(void *a)
{
	struct op *x = a;
	struct mm *mm = objheap_mm();
	uint32_t o;
	uint64_t t0;

	x->what = "objbench alloc";
	if ((x->r = objheap_types(&x->t)) != MM_OK)
		return;
	mm_alloc(mm, x->t.elem, 0, MM_RW, &o);          /* the pages are present now */
	t0 = rdtsc();
	for (uint32_t i = 0; i < OBJ_BENCH_BATCH && x->r == MM_OK; i++)
		x->r = mm_alloc(mm, x->t.elem, 0, MM_RW, &o);
	x->cycles = rdtsc() - t0;
}

static void bench_ref_body(void *a)
{
	struct op *x = a;
	struct mm *mm = objheap_mm();
	uint64_t t0;

	x->what = "objbench ref";
	if ((x->r = mm_dir_lookup(mm, "bench.h", &x->obj)) != MM_OK ||
	    (x->r = mm_dir_lookup(mm, "bench.t1", &x->out[0])) != MM_OK ||
	    (x->r = mm_dir_lookup(mm, "bench.t2", &x->out[1])) != MM_OK)
		return;
	x->r = mm_ref_store(mm, x->obj, OBJ_E_NEXT, x->out[0]);     /* pages present */
	t0 = rdtsc();
	for (uint32_t i = 0; i < OBJ_BENCH_BATCH && x->r == MM_OK; i++)
		x->r = mm_ref_store(mm, x->obj, OBJ_E_NEXT, x->out[(i + 1u) % 2u]);
	x->cycles = rdtsc() - t0;
	if (x->r == MM_OK)
		x->r = mm_ref_store(mm, x->obj, OBJ_E_NEXT, 0);
}

static void bench_setup_body(void *a)
{
	struct op *x = a;
	struct mm *mm = objheap_mm();
	static const char *const names[3] = { "bench.h", "bench.t1", "bench.t2" };

	x->what = "objbench setup";
	if ((x->r = objheap_types(&x->t)) != MM_OK)
		return;
	for (uint32_t i = 0; i < 3 && x->r == MM_OK; i++) {
		if (mm_dir_lookup(mm, names[i], &x->obj) == MM_OK)
			continue;
		x->r = mm_alloc(mm, x->t.elem, 0, MM_RW, &x->obj);
		if (x->r == MM_OK)
			x->r = mm_dir_bind(mm, names[i], x->obj);
	}
}

int objcmd_objbench(int argc, char **argv)
{
	uint32_t n, batches;
	uint64_t cycles = 0;
	int alloc;

	if (argc != 3 || (strcmp(argv[1], "alloc") && strcmp(argv[1], "ref")))
		return shell_error("usage: objbench alloc|ref <n>");
	alloc = argv[1][0] == 'a';
	if (heap_there("objbench") < 0 || run_count("objbench", argv[2], &n) < 0)
		return -1;
	if (!alloc && op_run("objbench", bench_setup_body) < 0)
		return -1;
	batches = (n + OBJ_BENCH_BATCH - 1u) / OBJ_BENCH_BATCH;
	bench_best = ~0ull;
	for (uint32_t i = 0; i < batches; i++) {
		if (op_run(alloc ? "objbench alloc" : "objbench ref",
			   alloc ? bench_alloc_body : bench_ref_body) < 0)
			return -1;
		cycles += op.cycles;
		if (op.cycles < bench_best)
			bench_best = op.cycles;
	}
	n = batches * OBJ_BENCH_BATCH;
	kprintf("objbench %s: %u ops in %u transactions, %llu cycles/op mean, %llu best batch, "
		"%llu ns/op mean, %llu best, tsc_khz %u\n", argv[1], n, batches, cycles / n,
		bench_best / OBJ_BENCH_BATCH, cycles * 1000000u / time_tsc_per_ms / n,
		bench_best * 1000000u / time_tsc_per_ms / OBJ_BENCH_BATCH, time_tsc_per_ms);
	return 0;
}

/* fsbench: FS_SLOTS elements allocated together (one page), "fs.<node>" each;
 * node i increments only fs.<i>: private data, shared page. */
static void fs_setup_body(void *a)
{
	struct op *x = a;
	struct mm *mm = objheap_mm();
	char name[MM_NAME_MAX];
	uint32_t o[FS_SLOTS];

	x->what = "fsbench setup";
	if ((x->r = objheap_types(&x->t)) != MM_OK)
		return;
	for (uint32_t i = 0; i < FS_SLOTS && x->r == MM_OK; i++)
		x->r = mm_alloc(mm, x->t.elem, 0, MM_RW, &o[i]);
	if (x->r == MM_OK && o[0] / PGSIZE != o[FS_SLOTS - 1u] / PGSIZE)
		for (uint32_t i = 0; i < FS_SLOTS && x->r == MM_OK; i++)
			x->r = mm_alloc(mm, x->t.elem, 0, MM_RW, &o[i]);    /* past the page end */
	for (uint32_t i = 0; i < FS_SLOTS && x->r == MM_OK; i++) {
		ksnprintf(name, sizeof(name), "fs.%u", i);
		if (mm_dir_unbind(mm, name) != MM_OK && mm_dir_lookup(mm, name, &x->obj) == MM_OK)
			x->r = MM_ECORRUPT;
		if (x->r == MM_OK)
			x->r = mm_dir_bind(mm, name, o[i]);
	}
	if (x->r != MM_OK)
		txbody_unwind(DSM_EABORTED);
	kprintf("fsbench: slots 0x%08x 0x%08x 0x%08x on page 0x%08x\n", o[0], o[1], o[2],
		o[0] & ~(PGSIZE - 1u));
}

static void fs_step_body(void *a)
{
	struct op *x = a;
	struct mm *mm = objheap_mm();
	char name[MM_NAME_MAX];
	uint32_t o, v;

	x->what = "fsbench";
	ksnprintf(name, sizeof(name), "fs.%u", kernel_cmdline.node % FS_SLOTS);
	if ((x->r = mm_dir_lookup(mm, name, &o)) == MM_OK &&
	    (x->r = mm_word_load(mm, o, OBJ_E_VALUE, &v)) == MM_OK)
		x->r = mm_word_store(mm, o, OBJ_E_VALUE, v + 1u);
}

static void fs_auto_body(void *a)
{
	struct op *x = a;

	x->what = "fsbench auto";
	x->r = objheap_fsmon_step(FS_AUTO_MIN, &x->obj2);
}

static int fs_run(uint32_t n, int autom)
{
	struct steps s = RUN_INIT("fsbench", fs_step_body);
	uint32_t moved = 0, per = autom ? FS_AUTO_EVERY : n, done = 0;
	uint32_t aborts = 0, retries = 0, mr = 0;
	uint64_t us = 0;

	while (done < n) {
		s.count = n - done < per ? n - done : per;
		steps_run(&s);
		done += s.done;
		aborts += s.aborts;
		retries += s.retries;
		us += s.us;
		mr = s.max_retries > mr ? s.max_retries : mr;
		if (s.err < 0 || !autom)
			break;
		if (op_run("fsbench auto", fs_auto_body) < 0)
			return -1;
		moved += op.obj2;
	}
	s.done = done, s.aborts = aborts, s.retries = retries, s.us = us, s.max_retries = mr;
	kprintf("fsbench: %u aborts per 1000 transactions (%s), %u objects moved\n",
		done ? aborts * 1000u / done : 0, autom ? "monitor on" : "monitor off", moved);
	return steps_report(&s);
}

int objcmd_fsbench(int argc, char **argv)
{
	uint32_t n;

	if (heap_there("fsbench") < 0)
		return -1;
	if (argc == 2 && !strcmp(argv[1], "setup"))
		return op_run("fsbench setup", fs_setup_body);
	if (argc < 3 || argc > 4 || strcmp(argv[1], "run") || (argc == 4 && strcmp(argv[3], "auto")))
		return shell_error("usage: fsbench setup | fsbench run <n> [auto]");
	if (run_count("fsbench", argv[2], &n) < 0)
		return -1;
	return fs_run(n, argc == 4);
}
