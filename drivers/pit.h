/*
 * pit.h: the 8253/8254 programmable interval timer. Channel 0 gives the
 * periodic tick (IRQ 0); channel 2 measures one fixed interval for the TSC
 * calibration.
 */
#ifndef PLURIX_DRIVERS_PIT_H
#define PLURIX_DRIVERS_PIT_H

#include <stdint.h>

#define PIT_FREQ_HZ 1193182u    /* input clock of the 8254 */

void pit_start_tick(uint32_t hz, void (*fn)(void));
/* Run channel 2 for `count` input clocks; returns the TSC cycles that took,
 * or 0 if the gate output never rose (no PIT?). */
uint64_t pit_measure_tsc(uint16_t count);

#endif
