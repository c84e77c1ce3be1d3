/*
 * sched.c: periodic tasks, each run as one transaction (sched.h), and the
 * first of them, the heartbeat: every node writes its own beat record in the
 * heap (kernel/heaplayout.h, HEAP_PG_BEAT + node) every BEAT_TICKS, so any
 * node can see the cluster from the heap itself (`nodes`). A node that died
 * owned its beat page: reading it then ends in "page unavailable", which
 * `nodes` reports for that node alone.
 * The tasks are the heap's (kernel/kobj.h, "k.tasks"): the master installs
 * the builtins below there when it boots, and every node runs its copy of
 * the table, read again every KOBJ_REFRESH_TICKS, so a task registered on
 * any node runs on every node within a second.
 * Heap-resident: touches the heap only inside transactions; the shell's
 * `tasks` and `nodes` (shell/schedcmd.c) read what it keeps.
 */
#include "dsm/dsm.h"
#include "kernel/dsmenv.h"
#include "kernel/heaplayout.h"
#include "kernel/kernel.h"
#include "kernel/kobj.h"
#include "kernel/prog.h"
#include "kernel/objheap.h"
#include "kernel/param.h"
#include "kernel/sched.h"
#include "kernel/time.h"
#include "kernel/txrun.h"

static void beat_body(void *a)
{
	volatile struct sched_beat *b = SCHED_BEAT_OF(kernel_cmdline.node);

	(void)a;
	b->node = kernel_cmdline.node;
	b->beats++;
	b->gtime = dsmenv_node()->gtime;
	b->uptime_ms = time_us() / 1000u;
	b->prog_horizon = prog_horizon();
}

int sched_beat(void)
{
	int r = txrun(beat_body, 0);

	if (r == 0)
		prog_beat_committed();
	return r;
}

static const struct kobj_seed builtins[] = {
	{ "heartbeat", 0, beat_body, BEAT_TICKS, 0 },
	{ "objgc", 0, objheap_gc_task, OBJHEAP_GC_TICKS, 0 },
};

/* The tasks this node runs: its copy of the heap's table, each entry with
 * this node's own counters (in the window: no other node reads them). */
static struct sched_task tasks[SCHED_TASKS_MAX];
static struct kobj_entry fresh[SCHED_TASKS_MAX];
static uint32_t ntasks, refreshed_at;
static int from_heap;

static void task_set(struct sched_task *t, const struct kobj_entry *e)
{
	t->e = *e;
	t->name = t->e.name;
	t->period_ticks = e->period_ticks ? e->period_ticks : 1u;
	t->body = (void (*)(void *))(uintptr_t)e->code;
}

/* The counters of the task of that name in the old copy, or a fresh start. */
static void task_keep(struct sched_task *t, const struct sched_task *old, uint32_t nold)
{
	for (uint32_t i = 0; i < nold; i++)
		if (!strcmp(old[i].e.name, t->e.name)) {
			t->next = old[i].next, t->runs = old[i].runs;
			t->fails = old[i].fails, t->last_err = old[i].last_err;
			return;
		}
	t->next = time_ticks + t->period_ticks;
	t->runs = t->fails = 0;
	t->last_err = 0;
}

/* Read the heap's task table (strict, or a snapshot for the periodic
 * refresh); keep each task's counters across the read. */
static void tasks_read(int snap)
{
	static struct sched_task old[SCHED_TASKS_MAX];
	uint32_t n, nold = ntasks;
	int r;

	refreshed_at = time_ticks;
	if (!sched_can_run() || !prog_ready())
		return;
	r = snap ? kobj_read_snapshot(KOBJ_TASKS, fresh, NELEM(fresh), &n)
		 : kobj_read(KOBJ_TASKS, fresh, NELEM(fresh), &n);
	if (r != 0 || n == 0)
		return;
	prog_cache_viewed(PROG_CACHE_TASKS, dsmenv_node()->txn.commit_t);
	memcpy(old, tasks, sizeof(old));
	for (uint32_t i = 0; i < n; i++) {
		task_set(&tasks[i], &fresh[i]);
		task_keep(&tasks[i], old, nold);
	}
	ntasks = n;
	from_heap = 1;
}

void sched_tasks_refresh(void)
{
	tasks_read(0);
}

/* Boot: the builtins, put in the heap's table by the master, then its copy. */
void sched_init(void)
{
	struct kobj_entry e;

	ntasks = NELEM(builtins);
	for (uint32_t i = 0; i < ntasks; i++) {
		kobj_from_seed(&builtins[i], &e);
		task_set(&tasks[i], &e);
		tasks[i].next = time_ticks + tasks[i].period_ticks;
	}
	(void)kobj_install(KOBJ_TASKS, builtins, NELEM(builtins));
	sched_tasks_refresh();
}

const struct sched_task *sched_tasks(uint32_t *n, int *heap)
{
	*n = ntasks;
	*heap = from_heap;
	return tasks;
}

int sched_manager_silent(void)
{
	const struct dsm_node *n = dsmenv_node();

	return dsmenv_on() && n->mode == DSM_ACTIVE && !n->mgr.active &&
	       n->mgr_heard + MGR_SILENT_TICKS < time_ticks;
}

/* A node with no heap (yet) runs no transactions between commands, nor one
 * that cannot commit (fenced, cut off: it would wait for the token and block
 * the shell), nor the PageServer. */
int sched_can_run(void)
{
	if (dsm_mgr_fenced(dsmenv_node()) || sched_manager_silent())
		return 0;
	return dsmenv_heap_bytes() != 0 && kernel_cmdline.node < HEAP_NODES_MAX &&
	       !dsmenv_node()->ps.active;
}

/* One run of a task: the kernel's body, or a program's (faults caught). */
static int task_run(struct sched_task *t)
{
	static char err[160];

	if (t->body == beat_body)
		return sched_beat();
	if (kobj_kernel_code(t->e.code))
		return txrun(t->body, 0);
	if (!kobj_code_ok(t->e.code))
		return DSM_EINVAL;
	int r = prog_task(t->e.code, err, sizeof(err));
	if (r < 0 && t->fails == 0)
		kprintf("sched: task %s: %s\n", t->e.name, err);
	return r;
}

/* Run every due task once (the heap's table read again first, every
 * KOBJ_REFRESH_TICKS); a task whose code is not the kernel's never runs. */
void sched_poll(void)
{
	if (!sched_can_run())
		return;
	if (time_ticks - refreshed_at >= KOBJ_REFRESH_TICKS) {
		tasks_read(1);
		prog_collect_tick();
	}
	for (uint32_t i = 0; i < ntasks; i++) {
		struct sched_task *t = &tasks[i];
		if ((int32_t)(time_ticks - t->next) < 0)
			continue;
		t->next = time_ticks + t->period_ticks;
		t->last_err = task_run(t);
		t->runs++;
		t->fails += t->last_err < 0;
	}
}
