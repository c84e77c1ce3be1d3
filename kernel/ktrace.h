/*
 * ktrace.h: ktrace=1's lines, printed between commands (kernel/ktrace.c).
 */
#ifndef PLURIX_KERNEL_KTRACE_H
#define PLURIX_KERNEL_KTRACE_H

/* Print a line for every code page fetched since the last call. */
void ktrace_flush(void);

#endif
