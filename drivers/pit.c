/*
 * pit.c: Intel 8254 programming. Owns channels 0 and 2 and the channel-2
 * gate in port 0x61 (speaker off).
 */
#include "drivers/pit.h"
#include "kernel/trap.h"
#include "kernel/x86.h"

#define PIT_CH0     0x40    /* channel 0 counter */
#define PIT_CH2     0x42    /* channel 2 counter */
#define PIT_MODE    0x43    /* mode/command register */
#define PIT_PORTB   0x61    /* bit 0: ch2 gate, bit 1: speaker, bit 5: ch2 out */
#define MODE_CH0_RATE   0x34 /* ch0, lobyte/hibyte, mode 2 (rate generator) */
#define MODE_CH2_ONESHOT 0xB0 /* ch2, lobyte/hibyte, mode 0 (terminal count) */
#define PORTB_GATE2 0x01
#define PORTB_SPKR  0x02
#define PORTB_OUT2  0x20
#define PIT_SPIN_MAX 50000000 /* bound on the calibration wait */

void pit_start_tick(uint32_t hz, void (*fn)(void))
{
	uint32_t div = PIT_FREQ_HZ / hz;

	outb(PIT_MODE, MODE_CH0_RATE);
	outb(PIT_CH0, (uint8_t)div);
	outb(PIT_CH0, (uint8_t)(div >> 8));
	trap_irq_register(0, fn);
}

uint64_t pit_measure_tsc(uint16_t count)
{
	uint8_t b = inb(PIT_PORTB);
	uint64_t t0, t1;

	outb(PIT_PORTB, (uint8_t)((b & ~PORTB_SPKR) & ~PORTB_GATE2));
	outb(PIT_MODE, MODE_CH2_ONESHOT);
	outb(PIT_CH2, (uint8_t)count);
	outb(PIT_CH2, (uint8_t)(count >> 8));
	/* mode 0 starts counting when the gate rises; OUT2 goes high at zero */
	outb(PIT_PORTB, (uint8_t)((b & ~PORTB_SPKR) | PORTB_GATE2));
	t0 = rdtsc();
	for (int i = 0; i < PIT_SPIN_MAX; i++)
		if (inb(PIT_PORTB) & PORTB_OUT2) {
			t1 = rdtsc();
			outb(PIT_PORTB, b & ~PORTB_GATE2);
			return t1 - t0;
		}
	outb(PIT_PORTB, b & ~PORTB_GATE2);
	return 0;
}
