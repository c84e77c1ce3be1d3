/*
 * panic.c: the end of the line. panic prints exactly one `panic: ` line
 * (docs/CONTRACT.md) and halts; under test=1 it first tells QEMU to exit
 * with the failure code. Node-local: must work with nothing else alive.
 */
#include "kernel/console.h"
#include "kernel/kernel.h"
#include "kernel/smartbuf.h"
#include "kernel/x86.h"

#define PANIC_BUF 512

int kernel_test_mode;

void kernel_halt(int failed)
{
	cli();
	if (kernel_test_mode || !failed)
		outb(QEMU_EXIT_PORT, failed ? QEMU_EXIT_FAIL : QEMU_EXIT_PASS);
	for (;;)
		hlt();
}

void panic(const char *fmt, ...)
{
	static int panicking;
	char buf[PANIC_BUF];
	va_list ap;

	cli();
	if (panicking++)        /* a fault while panicking: just stop */
		kernel_halt(1);
	smartbuf_off();         /* a panic inside a transaction body prints now */
	va_start(ap, fmt);
	kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_puts("\npanic: ");
	console_puts(buf);
	console_puts("\n");
	kernel_halt(1);
}
