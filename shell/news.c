/*
 * news.c: the heap's news on the console, between commands (shell_notice):
 * a reset, the manager's fence (dsm/proto.h 11.1), a page lost with no
 * PageServer to reset it, a node cut off from its manager. Each is said once
 * when it begins and (where it ends) once when it ends. The shell calls
 * news_poll whenever it waits for input; the kernel never prints these itself.
 */
#include "dsm/dsm.h"
#include "kernel/dsmenv.h"
#include "kernel/kernel.h"
#include "kernel/param.h"
#include "kernel/sched.h"
#include "kernel/time.h"
#include "shell/shell.h"

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
 * 11.1): every node of its side says so when it begins and when it ends. */
static void fence_report(void)
{
	static int told;
	const struct dsm_node *n = dsmenv_node();

	if (!dsmenv_on() || dsm_mgr_fenced(n) == told)
		return;
	told = dsm_mgr_fenced(n);
	if (told)
		shell_notice("heap: the manager (node %u) has had no word from the PageServer "
			     "(node %u) for %u s: no commits on this side until it is back (it may "
			     "take over on its side); waiting (gone for good: `forgetps` on the "
			     "manager)", n->manager, n->ps_node, DSM_PS_SILENT_TICKS / PIT_HZ);
	else if (!n->beacon_fenced)      /* (else the manager itself fell silent: manager_report) */
		shell_notice("heap: the manager (node %u) grants the commit token again: commits "
			     "go on", n->manager);
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
 * commit nothing: it waits, and says so once, and again when it is back. */
static void manager_report(void)
{
	static int told;
	const struct dsm_node *n = dsmenv_node();
	int silent;

	silent = sched_manager_silent();
	if (silent && !told)
		shell_notice("heap: no word from the manager (node %u) for %u s: cut off from it, "
			     "or it failed; waiting", n->manager, MGR_SILENT_TICKS / PIT_HZ);
	else if (!silent && told)
		shell_notice("heap: the manager (node %u) answers again, at gtime %llu", n->manager,
			     n->gtime);
	told = silent;
}

void news_poll(void)
{
	reset_report();
	lost_report();
	fence_report();
	manager_report();
}
