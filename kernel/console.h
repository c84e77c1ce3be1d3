/*
 * console.h: the console, COM1 serial (the shell's channel, docs/CONTRACT.md)
 * mirrored on the VGA text screen. Output is raw and synchronous, so panic
 * can use it from any context; "\n" goes out as "\r\n".
 * Input comes from the serial receive interrupt through a ring buffer.
 */
#ifndef PLURIX_KERNEL_CONSOLE_H
#define PLURIX_KERNEL_CONSOLE_H

void console_init(void);
void console_putc(char c);
void console_puts(const char *s);
int console_getc(void);         /* next input byte, or -1 if none */
int console_ready(void *arg);   /* a wait_until cond: console_getc has a byte */

#endif
