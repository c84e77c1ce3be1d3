/*
 * vga.c: text-mode output to the VGA buffer, with scrolling. Owns the
 * cursor position; touches only the text buffer and the CRTC cursor ports.
 */
#include <stdint.h>

#include "drivers/vga.h"
#include "kernel/x86.h"

#define VGA_BUF   ((volatile uint16_t *)0xB8000)
#define VGA_COLS  80
#define VGA_ROWS  25
#define VGA_ATTR  0x0700        /* light grey on black */
#define CRTC_ADDR 0x3D4         /* CRTC index register */
#define CRTC_DATA 0x3D5
#define CRTC_CURSOR_HI 0x0E
#define CRTC_CURSOR_LO 0x0F

static int row, col;

static void vga_cursor(void)
{
	uint16_t pos = (uint16_t)(row * VGA_COLS + col);

	outb(CRTC_ADDR, CRTC_CURSOR_HI);
	outb(CRTC_DATA, (uint8_t)(pos >> 8));
	outb(CRTC_ADDR, CRTC_CURSOR_LO);
	outb(CRTC_DATA, (uint8_t)pos);
}

static void vga_scroll(void)
{
	for (int i = 0; i < (VGA_ROWS - 1) * VGA_COLS; i++)
		VGA_BUF[i] = VGA_BUF[i + VGA_COLS];
	for (int i = 0; i < VGA_COLS; i++)
		VGA_BUF[(VGA_ROWS - 1) * VGA_COLS + i] = VGA_ATTR | ' ';
	row = VGA_ROWS - 1;
}

void vga_init(void)
{
	for (int i = 0; i < VGA_ROWS * VGA_COLS; i++)
		VGA_BUF[i] = VGA_ATTR | ' ';
	row = col = 0;
	vga_cursor();
}

void vga_putc(char c)
{
	if (c == '\n') {
		col = 0;
		row++;
	} else if (c == '\r') {
		col = 0;
	} else if (c == '\b') {
		if (col > 0)
			col--;
	} else {
		VGA_BUF[row * VGA_COLS + col] = VGA_ATTR | (uint8_t)c;
		if (++col == VGA_COLS) {
			col = 0;
			row++;
		}
	}
	if (row >= VGA_ROWS)
		vga_scroll();
	if (c == '\n')
		vga_cursor();
}
