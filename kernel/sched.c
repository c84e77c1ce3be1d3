/*
 * sched.c: periodic tasks, each run as one transaction (sched.h), and the
 * first of them, the heartbeat: every node writes its own beat record in the
 * heap (kernel/heaplayout.h, HEAP_PG_BEAT + node) every BEAT_TICKS, so any
 * node can see the cluster from the heap itself (`nodes`). A node that died
 * owned its beat page: reading it then ends in "page unavailable", which
 * `nodes` reports for that node alone.
 * Heap part: touches the heap only inside transactions.
 */
#include "dsm/dsm.h"
#include "kernel/dsmenv.h"
#include "kernel/heaplayout.h"
#include "kernel/kernel.h"
#include "kernel/objheap.h"
#include "kernel/param.h"
#include "kernel/sched.h"
#include "kernel/shell.h"
#include "kernel/time.h"
#include "kernel/txrun.h"

#define BEAT_TICKS 200u          /* heartbeat period: 2 s at PIT_HZ 100 */
#define MGR_SILENT_TICKS 300u    /* no frame from the manager this long: say so */

struct beat {
	uint32_t node;
	uint32_t beats;
	uint64_t gtime;          /* the node's global time when it beat */
	uint64_t uptime_ms;
};

#define BEAT_OF(n) ((volatile struct beat *)HEAP_PAGE_VA(HEAP_PG_BEAT + (n)))

struct task {
	const char *name;
	uint32_t period_ticks;
	void (*body)(void *);
	uint32_t next;
	uint32_t runs, fails;
	int last_err;
};

static void beat_body(void *a)
{
	volatile struct beat *b = BEAT_OF(kernel_cmdline.node);

	(void)a;
	b->node = kernel_cmdline.node;
	b->beats++;
	b->gtime = dsmenv_node()->gtime;
	b->uptime_ms = time_us() / 1000u;
}

static struct task tasks[] = {
	{ "heartbeat", BEAT_TICKS, beat_body, 0, 0, 0, 0 },
	{ "objgc", OBJHEAP_GC_TICKS, objheap_gc_task, 0, 0, 0, 0 },
};

void sched_init(void)
{
	for (uint32_t i = 0; i < NELEM(tasks); i++)
		tasks[i].next = time_ticks + tasks[i].period_ticks;
}

/* A reset (dsm/proto.h, 10) is never silent: one console line each. */
static void reset_report(void)
{
	static uint32_t told;
	const struct dsm_node *n = dsmenv_node();

	if (!dsmenv_on() || n->resets == told)
		return;
	told = n->resets;
	if ((n->reset_flags & DSM_RESET_TAKEOVER) && n->reset_node == n->manager)
		shell_notice("heap: node %u (the PageServer), the manager, restarted and took over "
			     "again: reset to the checkpoint of gtime %llu at gtime %llu (epoch %llu)",
			     n->manager, n->reset_image_t, n->reset_t, dsm_epoch(n->reset_t));
	else if (n->reset_flags & DSM_RESET_TAKEOVER)
		shell_notice("heap: node %u (the PageServer) took over as manager from node %u, "
			     "which it had not heard for %u s: reset to the checkpoint of gtime %llu "
			     "at gtime %llu (epoch %llu)", n->manager, n->reset_node,
			     DSM_TAKEOVER_TICKS / PIT_HZ, n->reset_image_t, n->reset_t,
			     dsm_epoch(n->reset_t));
	else
		shell_notice("heap: reset to the checkpoint of gtime %llu at gtime %llu: page %u "
			     "was lost with its owner", n->reset_image_t, n->reset_t, n->reset_page);
}

/* The manager grants nothing while the PageServer is silent (dsm/proto.h
 * 11.1): every node of its side says so when it begins and when it ends.
 * 1 while it lasts. */
static int fence_report(void)
{
	static int told;
	const struct dsm_node *n = dsmenv_node();

	if (!dsmenv_on() || dsm_mgr_fenced(n) == told)
		return told;
	told = dsm_mgr_fenced(n);
	if (told)
		shell_notice("heap: the manager (node %u) has had no word from the PageServer "
			     "(node %u) for %u s: no commits on this side until it is back (it may "
			     "take over on its side); waiting (gone for good: `forgetps` on the "
			     "manager)", n->manager, n->ps_node, DSM_PS_SILENT_TICKS / PIT_HZ);
	else if (!n->mgr_fenced)      /* (else the manager itself fell silent: manager_report) */
		shell_notice("heap: the manager (node %u) grants the commit token again: commits "
			     "go on", n->manager);
	return told;
}

/* The manager heard of a page lost with its owner but cannot reset: no
 * PageServer on its side (a partition, or it failed). Said once per loss. */
static void lost_report(void)
{
	static uint32_t told;
	const struct dsm_node *n = dsmenv_node();

	if (!dsmenv_on() || n->mgr.n_lost_no_ps == told)
		return;
	told = n->mgr.n_lost_no_ps;
	shell_notice("heap: page %u was lost with node %u, and no PageServer is on this side "
		     "(silent %u s): no reset; waiting for it", n->mgr.lost_page,
		     n->mgr.lost_owner, DSM_PS_SILENT_TICKS / PIT_HZ);
}

/* A node cut off from the manager (a partition, or the manager failed) can
 * commit nothing: it waits, and says so once, and again when it is back.
 * 1 while it is cut off. */
static int manager_report(void)
{
	static int told;
	const struct dsm_node *n = dsmenv_node();
	int silent;

	if (!dsmenv_on() || n->mode != DSM_ACTIVE || n->mgr.active)
		return 0;
	silent = n->mgr_heard + MGR_SILENT_TICKS < time_ticks;
	if (silent && !told)
		shell_notice("heap: no word from the manager (node %u) for %u s: cut off from it, "
			     "or it failed; waiting", n->manager, MGR_SILENT_TICKS / PIT_HZ);
	else if (!silent && told)
		shell_notice("heap: the manager (node %u) answers again, at gtime %llu", n->manager,
			     n->gtime);
	told = silent;
	return silent;
}

/* Run every due task once; a node with no heap (yet) runs nothing. */
void sched_poll(void)
{
	reset_report();
	lost_report();
	if (fence_report() | manager_report())
		return;         /* cut off: a task could not commit, and would block the shell */
	if (dsmenv_heap_bytes() == 0 || kernel_cmdline.node >= HEAP_NODES_MAX ||
	    dsmenv_node()->ps.active)
		return;                 /* the PageServer runs no transactions */
	for (uint32_t i = 0; i < NELEM(tasks); i++) {
		struct task *t = &tasks[i];
		if ((int32_t)(time_ticks - t->next) < 0)
			continue;
		t->next = time_ticks + t->period_ticks;
		t->last_err = txrun(t->body, 0);
		t->runs++;
		t->fails += t->last_err < 0;
	}
}

int sched_cmd_tasks(int argc, char **argv)
{
	(void)argc, (void)argv;
	for (uint32_t i = 0; i < NELEM(tasks); i++)
		kprintf("task %s every %u ms: runs %u failed %u last %s\n", tasks[i].name,
			tasks[i].period_ticks * 10u, tasks[i].runs, tasks[i].fails,
			tasks[i].last_err < 0 ? dsmenv_strerror(tasks[i].last_err) : "ok");
	return 0;
}

struct beat_arg {
	uint32_t node;
	struct beat b;
};

static void beat_read_body(void *a)
{
	struct beat_arg *x = a;
	volatile struct beat *b = BEAT_OF(x->node);

	x->b.node = b->node;
	x->b.beats = b->beats;
	x->b.gtime = b->gtime;
	x->b.uptime_ms = b->uptime_ms;
}

/* nodes: every beat record, each in its own transaction. */
int sched_cmd_nodes(int argc, char **argv)
{
	struct beat_arg x;
	uint32_t seen = 0;

	(void)argc, (void)argv;
	if (dsmenv_heap_bytes() == 0)
		return shell_error("nodes: %s", dsmenv_strerror(DSMENV_ENOTYET));
	for (x.node = 0; x.node < HEAP_NODES_MAX; x.node++) {
		int r = txrun(beat_read_body, &x);
		if (r < 0) {
			kprintf("node %u: %s\n", x.node, dsmenv_strerror(r));
			continue;
		}
		if (x.b.beats == 0)
			continue;
		seen++;
		kprintf("node %u: beats %u, last at gtime %llu, uptime %llu ms\n", x.node,
			x.b.beats, x.b.gtime, x.b.uptime_ms);
	}
	kprintf("nodes seen in the heap: %u (now gtime %llu)\n", seen, dsmenv_node()->gtime);
	return 0;
}
