/*
 * fakeplx.h: a host stand-in for the kernel side of include/plurix.h, so a
 * program (programs/raytrace) runs under ASan + UBSan in one process
 * (xv6's memide.c: a fake device behind the real interface). fakeplx.c
 * implements the plx_* functions the program uses; printf and the string
 * functions are libc's.
 *
 * What it models: one heap below 4 GB (objects are uint32_t addresses whose
 * body begins PLX_HDR_BYTES after them; types with their reference cells,
 * and plx_ref_store refuses an offset that is not one); a directory of a few
 * names; transactions that the fake cuts off, seeded, at any plurix call
 * inside a body and just before the commit, undoing the heap (a copy of all
 * of it) and running the body again; plx_txn_fail; a clock that advances
 * FAKE_TICK_US per read; a current node id; and a node's death: after
 * kill_after transactions, fake_run does not return to the program.
 * What it does not: several nodes at once (one program runs at a time).
 */
#ifndef FAKEPLX_H
#define FAKEPLX_H

#include "plurix.h"

#define FAKE_TICK_US 100u

struct fake_stats {
	uint32_t commits, aborts, fails;
};

/* A fresh, empty heap and directory; cuts with 1 in cut_one_in chances (0: none), seeded. */
void fake_reset(uint32_t seed, uint32_t cut_one_in);
/* Run main(argc, argv) as node: its status, or -1 if it died (kill_after > 0 and
 * that many transactions began). */
int fake_run(int (*main_fn)(int, char **), uint32_t node, uint32_t kill_after, int argc,
	     char **argv);
struct fake_stats fake_stats(void);

#endif
