/*
 * wait.c: wait_until (see wait.h). Owns nothing but the loop; the background
 * work it runs belongs to kernel/dsmenv.c (the protocol core) and the RTL8139
 * driver.
 */
#include "drivers/rtl8139.h"
#include "kernel/dsmenv.h"
#include "kernel/time.h"
#include "kernel/wait.h"
#include "kernel/x86.h"

int wait_never(void *arg)
{
	(void)arg;
	return 0;
}

/* Interrupts off: is there background work, so that halting would sit on it? */
static int work_pending(void)
{
	if (rtl8139_backlog()) {
		rtl8139_poll();         /* interrupts off, as it wants */
		return 1;
	}
	return dsmenv_pending();
}

int wait_until(wait_cond cond, void *arg, uint32_t ticks)
{
	uint32_t start = time_ticks;

	for (;;) {
		dsmenv_poll();
		cli();
		if (cond(arg)) {
			sti();
			return 0;
		}
		if (ticks != WAIT_FOREVER && time_ticks - start >= ticks) {
			sti();
			return WAIT_TIMEOUT;
		}
		if (work_pending()) {
			sti();
			continue;
		}
		sti_hlt();              /* the next interrupt, whatever it is, ends it */
	}
}
