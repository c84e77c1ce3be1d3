/*
 * plx.c: include/plurix.h on this kernel, and its export table (kernel/plx.h).
 * Each function here is one of plurix.h's under a kernel name (plx_k_*: this
 * file cannot include plurix.h, whose types are a program's), bound to
 * plurix.h's name by the table; the functions that are the kernel's own
 * (memcpy, strlen, ...) are bound directly. Owns nothing but the table and
 * the state of one program's transaction (the error it ended itself with).
 * Touches the heap only through mm/ (objheap_mm) inside the program's
 * bodies, and the shell's and scheduler's tables through kernel/kobj.c.
 * Heap-resident.
 */
#include <stdarg.h>

#include "dsm/dsm.h"
#include "kernel/cmdline.h"
#include "kernel/dsmenv.h"
#include "kernel/kernel.h"
#include "kernel/kobj.h"
#include "kernel/objheap.h"
#include "kernel/plx.h"
#include "kernel/prog.h"
#include "kernel/time.h"
#include "kernel/txbody.h"
#include "kernel/txrun.h"

#define PLX_ETXN   -1000         /* + a kernel error (DSM_E*, TXN_E*, DSMENV_E*) */

/* ---- console ---- */

static int plx_k_printf(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kprintf("%s", buf);
	return n;
}

/* ---- the cluster and time ---- */

static uint32_t plx_k_node_id(void) { return kernel_cmdline.node; }
static uint32_t plx_k_nodes(void) { return DSM_NODES_MAX; }
static uint64_t plx_k_time_us(void) { return time_us(); }

/* ---- transactions ---- */

static int fail_err;             /* plx_txn_fail's, for the plx_txn_run it ends */

static int plx_k_txn_run(void (*body)(void *), void *arg)
{
	int r;

	if (txbody_active())
		return PLX_ETXN + TXN_ESTATE;
	fail_err = 0;
	r = txrun(body, arg);
	prog_fault_check();              /* a fault in the body ends the program */
	if (r == DSMENV_EPROG)
		return fail_err;
	return r < 0 ? PLX_ETXN + r : 0;
}

static struct { void (*step)(void *, uint32_t); void *arg; uint32_t i; } steps;

static void step_body(void *a)
{
	(void)a;
	steps.step(steps.arg, steps.i);
}

static int plx_k_txn_steps(void (*step)(void *, uint32_t), void *arg, uint32_t n,
			   uint32_t *done)
{
	int r = 0;

	*done = 0;
	for (uint32_t i = 0; i < n && r == 0; i++) {
		steps.step = step, steps.arg = arg, steps.i = i;
		if ((r = plx_k_txn_run(step_body, 0)) == 0)
			(*done)++;
	}
	return r;
}

static void __attribute__((noreturn)) plx_k_txn_fail(int err)
{
	fail_err = err < 0 ? err : MM_EINVAL;
	txbody_unwind(DSMENV_EPROG);
}

/* ---- heap objects: mm/ on the object heap, inside a body only ---- */

static struct mm *mm_in_body(void)
{
	return txbody_active() ? objheap_mm() : 0;
}

static int plx_k_type_create(uint32_t size, uint32_t nrefs, const uint32_t *offs, uint32_t *t)
{
	struct mm *mm = mm_in_body();
	return mm ? mm_desc_create(mm, size, nrefs, offs, t) : MM_EINVAL;
}

static int plx_k_alloc(uint32_t type, uint32_t size, uint32_t *obj)
{
	struct mm *mm = mm_in_body();
	return mm ? mm_alloc(mm, type, size, MM_RW, obj) : MM_EINVAL;
}

static int plx_k_free(uint32_t obj)
{
	struct mm *mm = mm_in_body();
	return mm ? mm_free(mm, obj) : MM_EINVAL;
}

static int plx_k_ref_store(uint32_t obj, uint32_t off, uint32_t target)
{
	struct mm *mm = mm_in_body();
	return mm ? mm_ref_store(mm, obj, off, target) : MM_EINVAL;
}

static int plx_k_ref_load(uint32_t obj, uint32_t off, uint32_t *target)
{
	struct mm *mm = mm_in_body();
	return mm ? mm_ref_load(mm, obj, off, target) : MM_EINVAL;
}

static int plx_k_word_store(uint32_t obj, uint32_t off, uint32_t val)
{
	struct mm *mm = mm_in_body();
	return mm ? mm_word_store(mm, obj, off, val) : MM_EINVAL;
}

static int plx_k_word_load(uint32_t obj, uint32_t off, uint32_t *val)
{
	struct mm *mm = mm_in_body();
	return mm ? mm_word_load(mm, obj, off, val) : MM_EINVAL;
}

static int plx_k_dir_bind(const char *name, uint32_t obj)
{
	struct mm *mm = mm_in_body();
	return mm ? mm_dir_bind(mm, name, obj) : MM_EINVAL;
}

static int plx_k_dir_lookup(const char *name, uint32_t *obj)
{
	struct mm *mm = mm_in_body();
	return mm ? mm_dir_lookup(mm, name, obj) : MM_EINVAL;
}

static int plx_k_dir_unbind(const char *name)
{
	struct mm *mm = mm_in_body();
	return mm ? mm_dir_unbind(mm, name) : MM_EINVAL;
}

/* ---- commands and tasks ---- */

static int entry_register(enum kobj_table t, const char *name, uint32_t code, uint32_t period,
			  const char *text)
{
	struct kobj_entry e;
	int r;

	if (txbody_active() || !name || strlen(name) >= KOBJ_NAME_MAX)
		return MM_EINVAL;
	memset(&e, 0, sizeof(e));
	e.code = code;
	e.period_ticks = period;
	ksnprintf(e.name, sizeof(e.name), "%s", name);
	if (text)
		ksnprintf(e.text, sizeof(e.text), "%s", text);
	r = kobj_register(t, &e);
	return r <= KOBJ_EMM ? r - KOBJ_EMM : (r < 0 ? PLX_ETXN + r : 0);
}

static int plx_k_cmd_register(const char *name, int (*fn)(int, char **), const char *usage)
{
	return entry_register(KOBJ_CMDS, name, (uint32_t)fn, 0, usage);
}

static int plx_k_task_register(const char *name, void (*fn)(void *), uint32_t period_ms)
{
	uint32_t ticks = (period_ms * PIT_HZ + 999u) / 1000u;

	return entry_register(KOBJ_TASKS, name, (uint32_t)fn, ticks ? ticks : 1u, 0);
}

static const char *plx_k_strerror(int err)
{
	if (err <= PLX_ETXN)
		return dsmenv_strerror(err - PLX_ETXN);
	return objheap_strerror(err);
}

/* ---- the table ---- */

struct plx_export {
	const char *name;
	uint32_t va;
};

#define X(name, fn) { name, (uint32_t)(fn) }
static const struct plx_export exports[] = {
	X("printf", plx_k_printf),           X("snprintf", ksnprintf),
	X("memcpy", memcpy),                 X("memmove", memmove),
	X("memset", memset),                 X("memcmp", memcmp),
	X("strlen", strlen),                 X("strcmp", strcmp),
	X("plx_node_id", plx_k_node_id),     X("plx_nodes", plx_k_nodes),
	X("plx_time_us", plx_k_time_us),
	X("plx_txn_run", plx_k_txn_run),     X("plx_txn_steps", plx_k_txn_steps),
	X("plx_txn_fail", plx_k_txn_fail),
	X("plx_type_create", plx_k_type_create), X("plx_alloc", plx_k_alloc),
	X("plx_free", plx_k_free),
	X("plx_ref_store", plx_k_ref_store), X("plx_ref_load", plx_k_ref_load),
	X("plx_word_store", plx_k_word_store), X("plx_word_load", plx_k_word_load),
	X("plx_dir_bind", plx_k_dir_bind),   X("plx_dir_lookup", plx_k_dir_lookup),
	X("plx_dir_unbind", plx_k_dir_unbind),
	X("plx_cmd_register", plx_k_cmd_register), X("plx_task_register", plx_k_task_register),
	X("plx_strerror", plx_k_strerror),
};
#undef X

int plx_export_find(const char *name, uint32_t *va)
{
	for (uint32_t i = 0; i < NELEM(exports); i++)
		if (strcmp(exports[i].name, name) == 0) {
			*va = exports[i].va;
			return 1;
		}
	return 0;
}

uint32_t plx_export_count(void)
{
	return NELEM(exports);
}
