/*
 * wait.h: the one wait primitive of this kernel (Plan 9's tsleep for a single
 * thread). Every loop that waits for something (a disk interrupt, a page, the
 * commit token, console input, a pong) calls wait_until; none halts itself.
 *
 * wait_until(cond, arg, ticks) returns 0 as soon as cond(arg) is true, or
 * WAIT_TIMEOUT once `ticks` PIT ticks passed (WAIT_FOREVER: never). Between
 * looks it runs the node's background work (the protocol core's queued frames
 * and ticks, a NIC receive backlog), then tests cond with interrupts off and
 * halts only if it is still false: the halting `sti; hlt` takes the next
 * interrupt, so a wake-up that lands between the test and the halt is never
 * lost (the interrupt itself ends the halt).
 *
 * Rules: cond runs with interrupts off: it only reads (flags, counters,
 * states) and never blocks. Call with interrupts on (the timer bounds the
 * halt to one tick). Node-local: the fault path and the drivers wait here.
 */
#ifndef PLURIX_KERNEL_WAIT_H
#define PLURIX_KERNEL_WAIT_H

#include <stdint.h>

#define WAIT_FOREVER  0xFFFFFFFFu
#define WAIT_TIMEOUT  -1

typedef int (*wait_cond)(void *arg);

int wait_until(wait_cond cond, void *arg, uint32_t ticks);
/* A cond for "nothing but the timeout": wait_until(wait_never, 0, n) sleeps n ticks. */
int wait_never(void *arg);

#endif
