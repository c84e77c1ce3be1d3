/*
 * time.c: TSC calibration and the PIT tick. Owns time_tsc_per_ms and the
 * tick counter. Calibration runs PIT channel 2 for 5 ms, twice, and
 * keeps the smallest result (an emulator may be descheduled mid-way, which
 * only ever makes a measurement longer).
 */
#include "drivers/pit.h"
#include "kernel/kernel.h"
#include "kernel/param.h"
#include "kernel/time.h"
#include "kernel/x86.h"

#define CAL_MS     5
#define CAL_COUNT  ((uint16_t)(PIT_FREQ_HZ * CAL_MS / 1000))
#define CAL_TRIES  2
#define TSC_FALLBACK_PER_MS 1000000u    /* 1 GHz if the PIT gives nothing */

uint32_t time_tsc_per_ms;
volatile uint32_t time_ticks;

static void time_tick(void)
{
	time_ticks++;
}

void time_init(void)
{
	uint64_t best = 0;

	for (int i = 0; i < CAL_TRIES; i++) {
		uint64_t c = pit_measure_tsc(CAL_COUNT);
		if (c && (!best || c < best))
			best = c;
	}
	time_tsc_per_ms = best ? (uint32_t)(best / CAL_MS) : TSC_FALLBACK_PER_MS;
	if (!time_tsc_per_ms)
		time_tsc_per_ms = 1;
	pit_start_tick(PIT_HZ, time_tick);
}

uint64_t time_tsc_to_us(uint64_t cycles)
{
	return cycles * 1000u / time_tsc_per_ms;
}

uint64_t time_us(void)
{
	return time_tsc_to_us(rdtsc() - boot_tsc);
}
