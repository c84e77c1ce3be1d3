/*
 * rtl8139.h: the Realtek RTL8139 Fast Ethernet controller (QEMU's
 * `-device rtl8139`). Raw Ethernet frames in and out; no protocol here.
 *
 * Interface rules:
 * - rtl8139_send copies the frame; it may be called with interrupts on or
 *   off, from the receive path too. It returns -1 when the four hardware
 *   descriptors and the software queue behind them are all full; the
 *   caller decides whether to wait (wait_until rtl8139_tx_room) or drop.
 * - The receive handler runs in interrupt context (or from rtl8139_poll
 *   with interrupts off). `frame` is valid only during the call; n is the
 *   length without the Ethernet FCS. It must not allocate or block.
 * - Each interrupt handles at most NET_RX_BUDGET frames; if more are
 *   waiting, receive interrupts are masked and rtl8139_backlog() is true
 *   until rtl8139_poll (called by wait_until) has drained the ring.
 */
#ifndef PLURIX_DRIVERS_RTL8139_H
#define PLURIX_DRIVERS_RTL8139_H

#include <stddef.h>
#include <stdint.h>

struct rtl8139_stats {
	uint32_t rx_frames;     /* frames handed to the receive handler */
	uint32_t tx_frames;     /* frames the NIC reported sent (TOK) */
	uint32_t rx_errors;     /* bad ring headers, RER interrupts, frames too long */
	uint32_t rx_overflows;  /* RxOverflow and RxFIFOOverflow events */
	uint32_t rx_drops;      /* frames the NIC missed (MPC) */
	uint32_t rx_resets;     /* receiver restarts after a bad ring header */
	uint32_t tx_errors;     /* TER, aborted or underrun transmissions */
	uint32_t tx_queued;     /* frames that waited in the software queue */
	uint32_t tx_full;       /* sends refused: descriptors and queue full */
	uint32_t irqs;          /* interrupts taken */
};

typedef void (*rtl8139_rx_fn)(const uint8_t *frame, size_t n);

int rtl8139_init(rtl8139_rx_fn fn);     /* -1: no RTL8139 on the PCI bus */
int rtl8139_present(void);
void rtl8139_mac(uint8_t mac[6]);
int rtl8139_send(const void *frame, size_t n);
int rtl8139_tx_room(void);              /* 1: a send now would not be refused */
int rtl8139_backlog(void);
void rtl8139_poll(void);                /* interrupts off */
void rtl8139_promisc(int on);           /* accept frames for every MAC */
const struct rtl8139_stats *rtl8139_stats(void);
void rtl8139_describe(char *buf, size_t cap); /* "io 0xc000 irq 11" */

#endif
