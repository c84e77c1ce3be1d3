/*
 * string.c: memset, memcpy, memmove, memcmp, strlen, strcmp (and
 * kernel_random, seeded once at boot by kernel/boot.c) for the kernel (there
 * is no libc). memcpy and memset use `rep movs/stos`, which the
 * NIC's transmit copies (up to 1514 bytes per frame) feel under emulation;
 * the rest are plain byte loops.
 */
#include "kernel/kernel.h"
#include "kernel/x86.h"

void *memset(void *d, int c, size_t n)
{
	void *p = d;

	__asm__ volatile("rep stosb" : "+D"(p), "+c"(n) : "a"(c) : "memory");
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	void *dp = d;
	size_t words = n / 4, rest = n % 4;

	__asm__ volatile("rep movsl; movl %3, %%ecx; rep movsb"
			 : "+D"(dp), "+S"(s), "+c"(words) : "r"(rest) : "memory");
	return d;
}

void *memmove(void *d, const void *s, size_t n)
{
	uint8_t *dp = d;
	const uint8_t *sp = s;

	if (dp <= sp || dp >= sp + n)
		return memcpy(d, s, n);
	for (size_t i = n; i > 0; i--)
		dp[i - 1] = sp[i - 1];
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (uint8_t)*a - (uint8_t)*b;
}

static uint32_t random_state;

void kernel_random_seed(uint32_t seed)
{
	random_state = (uint32_t)rdtsc() * 2654435761u + seed + 1u;
	if (random_state == 0)
		random_state = 1;       /* xorshift stays at 0 forever */
}

uint32_t kernel_random(void)
{
	uint32_t x = random_state ? random_state : 1u;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	random_state = x;
	return x;
}
