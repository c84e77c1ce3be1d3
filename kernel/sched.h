/*
 * sched.h: the cooperative scheduler of periodic work. Each task is a body
 * that kernel/txrun.c runs as one transaction when the task is due; the shell
 * calls sched_poll whenever it waits for input, so tasks run between
 * commands, never inside one, and never nest. A task that fails is counted
 * and tried again at its next period: it never stops the node.
 * The shell prints the news of the heap (shell/news.c) and calls sched_poll
 * whenever it waits for input.
 */
#ifndef PLURIX_KERNEL_SCHED_H
#define PLURIX_KERNEL_SCHED_H

#include <stdint.h>

#include "kernel/heaplayout.h"
#include "kernel/kobj.h"

/* A node's heartbeat record, one page each: HEAP_PG_BEAT + node. */
struct sched_beat {
	uint32_t node;
	uint32_t beats;
	uint64_t gtime;          /* the node's global time when it beat */
	uint64_t uptime_ms;
	uint64_t prog_horizon;   /* kernel/prog.h: the oldest view it may run programs from */
};
#define SCHED_BEAT_OF(n) ((volatile struct sched_beat *)HEAP_PAGE_VA(HEAP_PG_BEAT + (n)))

struct sched_task {
	struct kobj_entry e;    /* the heap's entry (or the builtin) it runs */
	const char *name;       /* e.name */
	uint32_t period_ticks;
	void (*body)(void *);   /* e.code */
	uint32_t next;          /* time_ticks it is due */
	uint32_t runs, fails;
	int last_err;           /* of its last run: 0, or txrun's error */
};

void sched_init(void);
/* One heartbeat now (a transaction): 0, or txrun's error. */
int sched_beat(void);
void sched_poll(void);
/* This node's tasks; *heap: 1 if read from the heap's table, 0: the builtins. */
const struct sched_task *sched_tasks(uint32_t *ntasks, int *heap);
/* Read the heap's task table into this node's copy now (its counters kept). */
void sched_tasks_refresh(void);
/* 1: this node may run a transaction between commands (sched_poll's rule). */
int sched_can_run(void);
/* 1: this node, not the manager, has heard nothing from it for MGR_SILENT_TICKS. */
int sched_manager_silent(void);

#endif
