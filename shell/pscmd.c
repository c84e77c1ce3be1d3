/*
 * pscmd.c: the shell's PageServer commands (dsm/proto.h, 8):
 *   checkpoint   on any node: ask the PageServer for a checkpoint and wait
 *                (at most PSCMD_WAIT_US) until one that holds every commit
 *                this node has seen is on disk; prints its time and size
 *   pageserver   on the PageServer: its image, checkpoints and serving counters
 *   pageserver die <sectors>   test only: the next checkpoint stops the node
 *                dead after that many sectors (a PageServer killed mid-write)
 * Heap-resident.
 */
#include "dsm/dsm.h"
#include "kernel/dsmenv.h"
#include "kernel/kernel.h"
#include "kernel/param.h"
#include "kernel/psnode.h"
#include "kernel/time.h"
#include "kernel/wait.h"
#include "pageserver/image.h"
#include "shell/cmds.h"
#include "shell/shell.h"


static const char *const ps_status_name[DSM_PS_NSTATUS] = {
	"ok", "a modified page nobody served", "the disk failed", "no commit token",
};

/* A CkptDone came for a checkpoint that holds every commit up to *want. */
static int ckpt_holds(void *want)
{
	const struct dsm_node *n = dsmenv_node();

	return n->ckpt.any && n->ckpt.t >= *(const uint64_t *)want;
}

int pscmd_checkpoint(int argc, char **argv)
{
	struct dsm_node *n = dsmenv_node();
	uint64_t want, t0 = time_us();

	(void)argv;
	if (argc != 1)
		return shell_error("usage: checkpoint");
	if (!dsmenv_on() || dsmenv_heap_bytes() == 0)
		return shell_error("checkpoint: %s", dsmenv_strerror(DSMENV_ENOTYET));
	dsmenv_poll();
	want = n->gtime;
	n->ckpt.any = false;
	dsm_ckpt_ask(n);
	if (wait_until(ckpt_holds, &want, PSCMD_WAIT_US / 1000000u * PIT_HZ) < 0)
		return shell_error("checkpoint: no PageServer answered in %u s",
				   PSCMD_WAIT_US / 1000000u);
	if (n->ckpt.status != DSM_PS_OK)
		return shell_error("checkpoint at gtime %llu failed: %s", n->ckpt.t,
				   n->ckpt.status < DSM_PS_NSTATUS ? ps_status_name[n->ckpt.status]
								   : "unknown");
	kprintf("checkpoint at gtime %llu: %u pages written, %llu us\n", n->ckpt.t,
		n->ckpt.pages, time_us() - t0);
	return 0;
}

/* forgetps: on the manager, stop waiting for a PageServer that is gone for
 * good (dsm/proto.h 11.1): commits go on, and nothing can be reset to a
 * checkpoint until a PageServer writes one again. */
int pscmd_forgetps(int argc, char **argv)
{
	struct dsm_node *n = dsmenv_node();
	uint16_t ps = n->ps_node;

	(void)argv;
	if (argc != 1)
		return shell_error("usage: forgetps");
	if (!dsmenv_on() || !n->mgr.active)
		return shell_error("forgetps: this node is not the manager (node %u is)", n->manager);
	if (!dsm_mgr_forget_ps(n))
		return shell_error("forgetps: the manager waits for no PageServer");
	kprintf("forgetps: node %u forgotten: commits go on without a PageServer; a lost page "
		"can no longer be reset to a checkpoint until one checkpoints again\n", ps);
	return 0;
}

int pscmd_pageserver(int argc, char **argv)
{
	const struct dsm_node *n = dsmenv_node();
	const struct dsm_ps *s = &n->ps;
	const struct psnode_stats *p = psnode_stats();
	const struct ps_image *img = psnode_image();

	if (!dsmenv_on() || !s->active)
		return shell_error("pageserver: this node is not the PageServer");
	if (argc == 3 && !strcmp(argv[1], "die")) {
		uint32_t sectors;
		if (shell_number(argv[2], 1u << 30, &sectors) < 0)
			return shell_error("pageserver: die takes a number of sectors");
		psnode_die_after(sectors);
		kprintf("pageserver: test: the next checkpoint stops after %u sectors\n", sectors);
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "page")) {
		uint32_t pg;
		if (shell_number(argv[2], n->npages ? n->npages - 1u : 0u, &pg) < 0)
			return shell_error("pageserver: page must be 0..%u", n->npages - 1u);
		kprintf("page %u state %u version %llu known %llu saved %llu orphan %u\n", pg,
			n->page[pg].state, n->page[pg].version, n->page[pg].known, s->saved[pg],
			(s->orphan[pg / 8u] >> (pg % 8u)) & 1u);
		kprintf("node gtime %llu seen %llu recovering %u reloads_failed %u\n", n->gtime,
			n->seen, n->recovering, s->n_reload_errors);
		return 0;
	}
	if (argc != 1)
		return shell_error("usage: pageserver [die <sectors> | page <n>]");
	kprintf("disk %s\nimage_gtime %llu\nimage_pages %u\nbad_checkpoints_at_boot %u\n",
		psnode_usable() ? "ok" : "unusable", s->image_t, p->image_pages, p->bad_ckpts);
	kprintf("checkpoints %u\nfailed %u\npages_written %u\n", s->n_ckpts, s->n_failed,
		s->n_pages);
	kprintf("last gtime %llu pages %u status %s in %llu ticks\n", s->last_t, s->last_pages,
		s->last_status < DSM_PS_NSTATUS ? ps_status_name[s->last_status] : "?",
		s->last_ticks);
	if (p->last_us)
		kprintf("last_write %llu KB in %llu us (%llu KB/s)\n", p->last_bytes / 1024u,
			p->last_us, p->last_bytes * 1000000u / 1024u / p->last_us);
	kprintf("served_orphans %u\nserved_for_silent_owners %u\n", s->n_served_orphan,
		s->n_served_repeat);
	kprintf("pages_kept_going_by %u\npages_going_by_not_kept %u\n", s->n_snooped,
		s->n_snoop_skipped);
	kprintf("zero_pages %u\nread_back_from_disk %u\ndisk_read_errors %u\ntoken_yields %u\n",
		s->n_zero_pages, s->n_disk_reads, s->n_reload_errors, s->n_yields);
	kprintf("phase %s cursor %u staged %u granted %u at gtime %llu (node gtime %llu)\n",
		s->phase == DSM_PS_IDLE ? "idle" : s->phase == DSM_PS_PREFETCH ? "prefetch"
		: s->phase == DSM_PS_WANT_TOKEN ? "want_token" : "collect", s->cursor, s->npend, s->granted, s->grant_t, n->gtime);
	if (psnode_usable())
		kprintf("log head %u next_seq %u need_full %u\n", img->head, img->next_seq,
			img->need_full);
	return 0;
}
