/*
 * serial.h: COM1, a 16550 UART at 115200 8N1. Polled output, interrupt-
 * driven input into a ring buffer (IRQ 4).
 */
#ifndef PLURIX_DRIVERS_SERIAL_H
#define PLURIX_DRIVERS_SERIAL_H

#include <stdint.h>

void serial_init(void);
void serial_enable_irq(void);   /* after trap_init: route IRQ 4 to us */
void serial_putc(char c);
int serial_getc(void);          /* -1 if the ring is empty */
int serial_rx_ready(void);      /* 1 if serial_getc has a byte */
extern uint32_t serial_rx_dropped; /* bytes lost to a full ring */

#endif
