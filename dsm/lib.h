/*
 * lib.h: the few C library functions the core uses, declared here because the
 * core may include only freestanding headers. The kernel provides them
 * (kernel/), the host gets them from libc. Also the core's ASSERT, which stays
 * on in every build and reports through the node's environment (env.h).
 */
#ifndef PLURIX_DSM_LIB_H
#define PLURIX_DSM_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/* Page bitmaps (orphans, staged pages, recovery maps): bit p of map. */
static inline bool dsm_bit(const uint8_t *map, uint32_t p)
{
	return map[p / 8u] & (1u << (p % 8u));
}

static inline void dsm_bit_put(uint8_t *map, uint32_t p, bool on)
{
	if (on)
		map[p / 8u] |= (uint8_t)(1u << (p % 8u));
	else
		map[p / 8u] &= (uint8_t)~(1u << (p % 8u));
}

/* DSM_ASSERT(node, cond): a broken invariant; the environment's panic never
 * returns (kernel: panic line and halt; simulator: seed, replay command, exit). */
#define DSM_ASSERT(n, cond)                                                  \
	do {                                                                 \
		if (!(cond))                                                 \
			(n)->env->panic((n)->env_ctx, __FILE__, __LINE__, #cond); \
	} while (0)

#endif
