/*
 * steps.c: runs of transactions (see steps.h). Owns nothing but the run in
 * hand; counts come from txrun_stats() and the core's abort counter.
 * Heap-resident.
 */
#include "dsm/dsm.h"
#include "kernel/dsmenv.h"
#include "kernel/kernel.h"
#include "kernel/time.h"
#include "kernel/txrun.h"
#include "shell/shell.h"
#include "shell/steps.h"

#define STEPS_MAX 10000000u     /* steps of one run at most, whatever its count */

static void steps_progress(const struct steps *s)
{
	if (s->count >= 200u && s->done % (s->count / 4u) == 0 && s->done < s->count)
		kprintf("%s: %u of %u\n", s->what, s->done, s->count);
}

void steps_run(struct steps *s)
{
	const struct txrun_stats *r = txrun_stats();
	uint32_t aborts0 = dsmenv_node()->txn.n_aborts;
	uint64_t t0 = time_us();

	s->done = s->max_retries = s->retries = 0;
	s->err = s->checked = 0;
	for (uint32_t i = 0; i < STEPS_MAX; i++) {
		if (s->count ? s->done == s->count : time_us() >= s->until_us)
			break;
		if (s->prepare)
			s->prepare(s->arg, s->done);
		if ((s->err = (s->snapshot ? txrun_snapshot : txrun)(s->body, s->arg)) < 0)
			break;
		if (s->check && (s->err = s->check(s->arg)) < 0) {
			s->checked = 1;
			break;
		}
		s->done++;
		s->retries += r->last_retries;
		if (r->last_retries > s->max_retries)
			s->max_retries = r->last_retries;
		steps_progress(s);
	}
	s->us = time_us() - t0;
	s->aborts = dsmenv_node()->txn.n_aborts - aborts0;
}

int steps_report(const struct steps *s)
{
	uint64_t rate = s->us ? (uint64_t)s->done * 1000000u / s->us : 0;

	kprintf("%s: %u committed in %llu us (%llu tx/s), aborts %u, retries %u, max retries %u\n",
		s->what, s->done, s->us, rate, s->aborts, s->retries, s->max_retries);
	if (s->checked && s->explain)
		return s->explain(s);
	if (s->err < 0)
		return shell_error("%s: stopped after %u: %s", s->what, s->done,
				   dsmenv_strerror(s->err));
	return 0;
}
