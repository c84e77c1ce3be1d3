/*
 * smartbuf.c: console output held until commit (see smartbuf.h).
 * Owns the buffer and its fill level. A body that prints more than
 * SMARTBUF_BYTES keeps the first part; the commit then prints a line saying
 * how much was lost, never a silent cut.
 */
#include "kernel/console.h"
#include "kernel/kernel.h"
#include "kernel/smartbuf.h"

static char buf[SMARTBUF_BYTES];
static uint32_t len, lost, lost_total;
static int holding;

void smartbuf_open(void)
{
	len = 0;
	lost = 0;
	holding = 1;
}

int smartbuf_take(char c)
{
	if (!holding)
		return 0;
	if (len < SMARTBUF_BYTES)
		buf[len++] = c;
	else
		lost++;
	return 1;
}

void smartbuf_commit(void)
{
	uint32_t n = len, cut = lost;

	holding = 0;
	for (uint32_t i = 0; i < n; i++)
		console_putc(buf[i]);
	if (cut) {
		lost_total += cut;
		kprintf("[smartbuf: %u bytes of output lost, buffer is %u]\n", cut, SMARTBUF_BYTES);
	}
	len = 0;
	lost = 0;
}

void smartbuf_discard(void)
{
	holding = 0;
	len = 0;
	lost = 0;
}

void smartbuf_off(void)
{
	smartbuf_discard();
}

uint32_t smartbuf_dropped(void)
{
	return lost_total;
}
