/*
 * txbody.h: the restart point of a transaction body, node-local. The runner
 * (kernel/txrun.c, heap-resident) runs every attempt of a unit of work
 * through txbody_run; the fault path (kernel/dsmenv.c) and the end of every
 * interrupt (trap.c's after-interrupt hook, txbody_irq_exit) cut a body off
 * by unwinding to that point. None of them needs anything outside the
 * node-local part to do it.
 *
 * Interface rules:
 * - txbody_run(body, arg) runs body(arg) once: 0 if it returned, or
 *   TXBODY_CUT if it was cut off (txbody_error() says why: DSM_E*, TXN_E*,
 *   DSMENV_E*). Bodies do not nest; main thread only.
 * - txbody_unwind(err), inside a body only (txbody_active()): the body ends at
 *   once with err; interrupts are on again when txbody_run returns.
 * - txbody_irq_exit(tf), at the end of an interrupt: if it interrupted a body
 *   and the protocol core is idle, hand the core what arrived; if that ended
 *   the body's transaction (another node's commit aborted it), the interrupt
 *   returns into an unwind instead of the body.
 */
#ifndef PLURIX_KERNEL_TXBODY_H
#define PLURIX_KERNEL_TXBODY_H

#include <stdint.h>

#include "kernel/trap.h"

#define TXBODY_CUT  -1

int txbody_run(void (*body)(void *arg), void *arg);
int txbody_active(void);
int txbody_error(void);
void txbody_unwind(int err) __attribute__((noreturn));
void txbody_irq_exit(struct trapframe *tf);
uint32_t txbody_irq_aborts(void);       /* bodies cut off by an interrupt's frames */
/* The restart point's own setjmp/longjmp (callee-saved registers, esp, eip),
 * for a recovery point outside bodies (kernel/prog.c: a program's fault). */
int txbody_setjmp(uint32_t jb[6]) __attribute__((returns_twice));
void txbody_longjmp(uint32_t jb[6]) __attribute__((noreturn));

#endif
