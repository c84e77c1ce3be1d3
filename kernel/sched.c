/*
 * sched.c: periodic tasks, each run as one transaction (sched.h), and the
 * first of them, the heartbeat: every node writes its own beat record in the
 * heap (kernel/heaplayout.h, HEAP_PG_BEAT + node) every BEAT_TICKS, so any
 * node can see the cluster from the heap itself (`nodes`). A node that died
 * owned its beat page: reading it then ends in "page unavailable", which
 * `nodes` reports for that node alone.
 * Heap-resident: touches the heap only inside transactions; the shell's
 * `tasks` and `nodes` (shell/schedcmd.c) read what it keeps.
 */
#include "dsm/dsm.h"
#include "kernel/dsmenv.h"
#include "kernel/heaplayout.h"
#include "kernel/kernel.h"
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
}

static struct sched_task tasks[] = {
	{ "heartbeat", BEAT_TICKS, beat_body, 0, 0, 0, 0 },
	{ "objgc", OBJHEAP_GC_TICKS, objheap_gc_task, 0, 0, 0, 0 },
};

void sched_init(void)
{
	for (uint32_t i = 0; i < NELEM(tasks); i++)
		tasks[i].next = time_ticks + tasks[i].period_ticks;
}

const struct sched_task *sched_tasks(uint32_t *ntasks)
{
	*ntasks = NELEM(tasks);
	return tasks;
}

int sched_manager_silent(void)
{
	const struct dsm_node *n = dsmenv_node();

	return dsmenv_on() && n->mode == DSM_ACTIVE && !n->mgr.active &&
	       n->mgr_heard + MGR_SILENT_TICKS < time_ticks;
}

/* Run every due task once; a node with no heap (yet) runs nothing, and a
 * node that cannot commit (fenced, cut off) runs nothing either: a task
 * would wait for the token and block the shell. */
void sched_poll(void)
{
	if (dsm_mgr_fenced(dsmenv_node()) || sched_manager_silent())
		return;
	if (dsmenv_heap_bytes() == 0 || kernel_cmdline.node >= HEAP_NODES_MAX ||
	    dsmenv_node()->ps.active)
		return;                 /* the PageServer runs no transactions */
	for (uint32_t i = 0; i < NELEM(tasks); i++) {
		struct sched_task *t = &tasks[i];
		if ((int32_t)(time_ticks - t->next) < 0)
			continue;
		t->next = time_ticks + t->period_ticks;
		t->last_err = txrun(t->body, 0);
		t->runs++;
		t->fails += t->last_err < 0;
	}
}

