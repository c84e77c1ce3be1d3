/*
 * kernel.h: what every kernel file uses: console output, panic, ASSERT.
 * ASSERT stays on in every build and prints file and line (STYLE).
 */
#ifndef PLURIX_KERNEL_KERNEL_H
#define PLURIX_KERNEL_KERNEL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/cmdline.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* printf.c: %d %u %x %s %c %p, with optional 0-fill, width and l/ll. */
int kvsnprintf(char *buf, size_t cap, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* string.c: the few libc string functions the kernel needs. gcc may emit
 * calls to memcpy/memset itself, so they keep their libc names. */
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
/* 32 random bits for workloads (xorshift seeded from the TSC and the seed the
 * boot gives, the node id): not for anything that must be unpredictable. */
void kernel_random_seed(uint32_t seed);
uint32_t kernel_random(void);

/* panic.c */
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void kernel_halt(int failed) __attribute__((noreturn));
extern int kernel_test_mode;    /* test=1: halting exits QEMU */

#define ASSERT(c)                                                          \
	do {                                                               \
		if (!(c))                                                  \
			panic("assert %s at %s:%d", #c, __FILE__, __LINE__); \
	} while (0)

/* boot.c (node-local): what the node was told at boot. */
extern struct cmdline kernel_cmdline;
/* main.c (heap-resident): when the node became ready. */
extern uint64_t kernel_ready_us;

/* isa-debug-exit (docs/CONTRACT.md) */
#define QEMU_EXIT_PORT  0xf4
#define QEMU_EXIT_PASS  0x10    /* QEMU exits 33 */
#define QEMU_EXIT_FAIL  0x11    /* QEMU exits 35 */

#endif
