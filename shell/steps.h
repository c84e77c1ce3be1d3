/*
 * steps.h: a run of transactions for the shell's workloads (shell/workcmd.c,
 * shell/objcmd.c): `count` of them, or as many as fit until a time, each one
 * body run by txrun(). The run stops at its first error and says how far it
 * got; a long run prints a progress line each quarter.
 *
 * Per step, outside the transaction: prepare(arg, i) before it (random draws,
 * resetting a result), check(arg) after it committed (< 0: the body found an
 * error of its own; the run stops with it and explain() words it).
 */
#ifndef PLURIX_SHELL_STEPS_H
#define PLURIX_SHELL_STEPS_H

#include <stdint.h>

struct steps {
	const char *what;
	void (*body)(void *);
	void (*prepare)(void *arg, uint32_t i);  /* optional */
	int (*check)(void *arg);                 /* optional: < 0 stops the run */
	int (*explain)(const struct steps *s);   /* optional: the error line of check's error */
	void *arg;
	int snapshot;                   /* 1: read-only steps commit at the node's own time
					 * (txrun_snapshot), not strict */
	uint32_t count;                 /* 0: until until_us */
	uint64_t until_us;
	uint32_t done, max_retries, retries, aborts;
	uint64_t us;
	int err;                        /* txrun's error, or check's */
	int checked;                    /* err came from check */
};

void steps_run(struct steps *s);
/* The summary line, then 0, or the error line (shell_error) and -1. */
int steps_report(const struct steps *s);

#endif
