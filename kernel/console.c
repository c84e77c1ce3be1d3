/*
 * console.c: joins the serial port and the VGA screen into one console.
 * Owns nothing but the newline rule: every '\n' written becomes "\r\n" on
 * the serial line (the contract's line ending). Output of a transaction
 * body is first held by kernel/smartbuf.c until the body commits. Node-local: panic prints
 * through here.
 */
#include "drivers/serial.h"
#include "drivers/vga.h"
#include "kernel/console.h"
#include "kernel/smartbuf.h"

void console_init(void)
{
	serial_init();
	vga_init();
}

void console_putc(char c)
{
	if (smartbuf_take(c))
		return;         /* a transaction body: printed at commit */
	if (c == '\n')
		serial_putc('\r');
	serial_putc(c);
	vga_putc(c);
}

void console_puts(const char *s)
{
	for (; *s; s++)
		console_putc(*s);
}

int console_getc(void)
{
	return serial_getc();
}

int console_ready(void *arg)
{
	(void)arg;
	return serial_rx_ready();
}
