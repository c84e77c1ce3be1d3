/*
 * schedcmd.c: the shell's `tasks` (the periodic tasks of kernel/sched.c and
 * how their runs went) and `nodes` (every node's heartbeat record as the heap
 * holds it, each read in a transaction of its own, so a node whose beat page
 * is unavailable is reported alone).
 */
#include "dsm/dsm.h"
#include "kernel/dsmenv.h"
#include "kernel/heaplayout.h"
#include "kernel/kernel.h"
#include "kernel/param.h"
#include "kernel/sched.h"
#include "kernel/txrun.h"
#include "shell/cmds.h"
#include "shell/shell.h"

int schedcmd_tasks(int argc, char **argv)
{
	uint32_t n;
	int heap;
	const struct sched_task *t = sched_tasks(&n, &heap);

	(void)argc, (void)argv;
	kprintf("tasks %u from %s\n", n, heap ? "the heap (k.tasks)" : "the builtins");
	for (uint32_t i = 0; i < n; i++)
		kprintf("task %s every %u ms: runs %u failed %u last %s\n", t[i].name,
			t[i].period_ticks * (1000u / PIT_HZ), t[i].runs, t[i].fails,
			t[i].last_err < 0 ? dsmenv_strerror(t[i].last_err) : "ok");
	return 0;
}

struct beat_arg {
	uint32_t node;
	struct sched_beat b;
};

static void beat_read_body(void *a)
{
	struct beat_arg *x = a;
	volatile struct sched_beat *b = SCHED_BEAT_OF(x->node);

	x->b.node = b->node;
	x->b.beats = b->beats;
	x->b.gtime = b->gtime;
	x->b.uptime_ms = b->uptime_ms;
}

/* nodes: every beat record, each in its own transaction. */
int schedcmd_nodes(int argc, char **argv)
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
