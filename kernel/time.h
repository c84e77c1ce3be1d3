/*
 * time.h: kernel time. Microseconds come from the TSC, calibrated once
 * against the PIT at boot; `ticks` counts PIT interrupts (PIT_HZ) and is
 * only a coarse wake-up source. Node-local.
 */
#ifndef PLURIX_KERNEL_TIME_H
#define PLURIX_KERNEL_TIME_H

#include <stdint.h>

void time_init(void);
uint64_t time_us(void);                 /* since the first boot instruction */
uint64_t time_tsc_to_us(uint64_t cycles);
extern uint32_t time_tsc_per_ms;        /* calibration result (cycles) */
extern volatile uint32_t time_ticks;
extern uint64_t boot_tsc;               /* boot/entry.asm */

#endif
