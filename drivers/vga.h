/*
 * vga.h: the VGA text screen (80x25 at 0xB8000), a mirror of the serial
 * console for someone watching the QEMU window.
 */
#ifndef PLURIX_DRIVERS_VGA_H
#define PLURIX_DRIVERS_VGA_H

void vga_init(void);
void vga_putc(char c);

#endif
