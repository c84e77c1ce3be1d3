/*
 * serial.c: the COM1 16550 UART.
 * Owns the UART registers and the input ring. The interrupt handler is the
 * only producer of the ring and console_getc (the shell, interrupts on) the
 * only consumer; head and tail are each written by one side only, so no
 * lock is needed on a single CPU. Output polls the transmitter (bounded).
 */
#include "drivers/serial.h"
#include "kernel/param.h"
#include "kernel/trap.h"
#include "kernel/x86.h"

#define COM1        0x3F8
#define UART_RBR    0       /* receive buffer (read, DLAB=0) */
#define UART_THR    0       /* transmit holding (write, DLAB=0) */
#define UART_DLL    0       /* divisor latch low (DLAB=1) */
#define UART_IER    1       /* interrupt enable (DLAB=0) */
#define UART_DLM    1       /* divisor latch high (DLAB=1) */
#define UART_FCR    2       /* FIFO control (write) */
#define UART_LCR    3       /* line control; bit 7 = DLAB */
#define UART_MCR    4       /* modem control; OUT2 gates the IRQ line */
#define UART_LSR    5       /* line status */

#define IER_RDA     0x01    /* interrupt on received data available */
#define LSR_DR      0x01    /* data ready */
#define LSR_THRE    0x20    /* transmit holding register empty */
#define MCR_DTR_RTS_OUT2 0x0B
#define IRQ_COM1    4
#define SERIAL_TX_SPIN 100000   /* bound on waiting for THRE */

_Static_assert((CONSOLE_RX_RING & (CONSOLE_RX_RING - 1)) == 0, "ring size");

static volatile uint8_t rx_ring[CONSOLE_RX_RING];
static volatile uint32_t rx_head;   /* written by the interrupt only */
static volatile uint32_t rx_tail;   /* written by serial_getc only */
uint32_t serial_rx_dropped;

void serial_init(void)
{
	outb(COM1 + UART_IER, 0);
	outb(COM1 + UART_LCR, 0x80);    /* DLAB on */
	outb(COM1 + UART_DLL, 1);       /* 115200 / 1 */
	outb(COM1 + UART_DLM, 0);
	outb(COM1 + UART_LCR, 0x03);    /* 8N1, DLAB off */
	outb(COM1 + UART_FCR, 0xC7);    /* FIFO on, cleared, 14-byte trigger */
	outb(COM1 + UART_MCR, MCR_DTR_RTS_OUT2);
}

static void serial_intr(void)
{
	for (int i = 0; i < 64 && (inb(COM1 + UART_LSR) & LSR_DR); i++) {
		uint8_t c = inb(COM1 + UART_RBR);
		if (rx_head - rx_tail >= CONSOLE_RX_RING) {
			serial_rx_dropped++;
			continue;
		}
		rx_ring[rx_head % CONSOLE_RX_RING] = c;
		rx_head++;
	}
}

void serial_enable_irq(void)
{
	trap_irq_register(IRQ_COM1, serial_intr);
	outb(COM1 + UART_IER, IER_RDA);
	serial_intr();                  /* bytes that came before the IRQ */
}

void serial_putc(char c)
{
	for (int i = 0; i < SERIAL_TX_SPIN; i++)
		if (inb(COM1 + UART_LSR) & LSR_THRE)
			break;
	outb(COM1 + UART_THR, (uint8_t)c);
}

int serial_rx_ready(void)
{
	return rx_tail != rx_head;
}

int serial_getc(void)
{
	int c;

	if (rx_tail == rx_head)
		return -1;
	c = rx_ring[rx_tail % CONSOLE_RX_RING];
	rx_tail++;
	return c;
}
