/*
 * histcmd.c: the shell's `hist` command, the client side of the history test
 * (tests/qemu/history, docs/CONTRACT.md):
 *   hist get <key>          prints `hist <key> <value>`
 *   hist put <key> <value>  writes value, prints `hist <key> <value>`
 *   hist inc <key>          adds 1, prints `hist <key> <new value>`
 * key 0..63 names one 64-bit word of page HEAP_PG_HIST (kernel/heaplayout.h);
 * values are decimal, 0..2^64-1. Each command is one strict transaction
 * (txrun): what it prints is what that transaction read or wrote. It touches
 * only that page and its own argument. Heap-resident.
 */
#include <stdint.h>

#include "kernel/dsmenv.h"
#include "kernel/heaplayout.h"
#include "kernel/kernel.h"
#include "kernel/txrun.h"
#include "shell/cmds.h"
#include "shell/shell.h"

#define HIST_KEYS 64u   /* words of the page the command uses */

enum hist_op { HIST_GET, HIST_PUT, HIST_INC };

struct hist_arg {
	enum hist_op op;
	uint32_t key;
	uint64_t value;   /* in: put's value; out: the value read or written */
};

/* A decimal 64-bit number; 0, or -1 if s is not one (or overflows). */
static int hist_number(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		uint64_t d = (uint64_t)(*s - '0');
		if (*s < '0' || *s > '9' || v > (UINT64_MAX - d) / 10u)
			return -1;
		v = v * 10u + d;
	}
	*out = v;
	return 0;
}

static void hist_body(void *a)
{
	struct hist_arg *h = a;
	volatile uint64_t *w = (volatile uint64_t *)HEAP_PAGE_VA(HEAP_PG_HIST) + h->key;

	if (h->op == HIST_GET)
		h->value = *w;
	else if (h->op == HIST_PUT)
		*w = h->value;
	else
		h->value = *w = *w + 1u;
}

/* Decode argv into *h; 0, or shell_error's -1 with nothing done. */
static int hist_parse(int argc, char **argv, struct hist_arg *h)
{
	if (argc < 3)
		return shell_error("usage: hist get|put|inc <key> [value]");
	if (!strcmp(argv[1], "get") && argc == 3)
		h->op = HIST_GET;
	else if (!strcmp(argv[1], "put") && argc == 4)
		h->op = HIST_PUT;
	else if (!strcmp(argv[1], "inc") && argc == 3)
		h->op = HIST_INC;
	else
		return shell_error("usage: hist get|put|inc <key> [value]");
	if (shell_number(argv[2], HIST_KEYS - 1u, &h->key) < 0)
		return shell_error("hist: bad key '%s' (0..%u)", argv[2], HIST_KEYS - 1u);
	h->value = 0;
	if (h->op == HIST_PUT && hist_number(argv[3], &h->value) < 0)
		return shell_error("hist: bad number '%s'", argv[3]);
	return 0;
}

int histcmd_hist(int argc, char **argv)
{
	struct hist_arg h;
	int r;

	if (hist_parse(argc, argv, &h) < 0)
		return -1;
	if (!dsmenv_on())
		return shell_error("hist: %s", dsmenv_strerror(DSMENV_EOFF));
	if (dsmenv_heap_bytes() == 0)
		return shell_error("hist: %s", dsmenv_strerror(DSMENV_ENOTYET));
	r = txrun(hist_body, &h);
	if (r < 0)
		return shell_error("hist: %s", dsmenv_strerror(r));
	kprintf("hist %u %llu\n", h.key, h.value);
	return 0;
}
