/*
 * smartbuf.h: the smart buffer of console output (DESIGN: "output and device
 * effects wait in smart buffers until commit"). While a transaction body
 * runs, everything it prints is held here; the runner (kernel/dsmenv.c)
 * prints it when the attempt commits and throws it away when it aborts, so
 * an aborted transaction prints nothing and a restarted one prints once.
 *
 * Rules: one buffer, for the one running transaction (bodies do not nest).
 * smartbuf_take is called by console_putc for every byte; it returns 1 when
 * it kept the byte. panic() calls smartbuf_off first, so a panic inside a
 * body is printed at once. Node-local: console output goes through here.
 */
#ifndef PLURIX_KERNEL_SMARTBUF_H
#define PLURIX_KERNEL_SMARTBUF_H

#include <stdint.h>

#include "kernel/param.h"


void smartbuf_open(void);       /* an attempt starts: hold output from now */
void smartbuf_commit(void);     /* it committed: print what it held, stop holding */
void smartbuf_discard(void);    /* it aborted: forget what it held, stop holding */
void smartbuf_off(void);        /* stop holding at once, keeping nothing (panic) */
int smartbuf_take(char c);      /* 1: held; 0: not holding, print it */
uint32_t smartbuf_dropped(void);   /* bytes lost to a full buffer, ever */

#endif
