/*
 * ktrace.h: ktrace=1's lines, printed between commands (kernel/ktrace.c).
 */
#ifndef PLURIX_KERNEL_KTRACE_H
#define PLURIX_KERNEL_KTRACE_H

/* Print a line for every code page fetched since the last call. */
void ktrace_flush(void);
/* The kernel symbol at or below va, as name+0xoff ("?" outside the kernel). */
void ksym_name(uint32_t va, char *buf, uint32_t cap);

#endif
