/*
 * pic.c: 8259A programming (Intel 8259A datasheet: ICW1..ICW4, OCW1..OCW3).
 * Owns the interrupt masks. The edge/level mode of each line stays as the
 * firmware set it in the ELCR (PCI lines are level-triggered on PIIX).
 */
#include <stdint.h>

#include "drivers/pic.h"
#include "kernel/trap.h"
#include "kernel/x86.h"

#define PIC1_CMD   0x20     /* master: ICW1, OCW2, OCW3 */
#define PIC1_DATA  0x21     /* master: ICW2..4, OCW1 (mask) */
#define PIC2_CMD   0xA0     /* slave */
#define PIC2_DATA  0xA1
#define ICW1_INIT  0x11     /* ICW1: init, ICW4 needed, cascade, edge */
#define ICW4_8086  0x01     /* ICW4: 8086 mode, normal EOI */
#define OCW2_EOI   0x20     /* non-specific end of interrupt */
#define OCW3_ISR   0x0B     /* OCW3: next read of CMD returns the ISR */
#define IRQ_CASCADE 2       /* the slave hangs off master IRQ 2 */

static uint16_t mask = 0xFFFF;  /* bit set = IRQ masked */

static void pic_write_mask(void)
{
	outb(PIC1_DATA, (uint8_t)mask);
	outb(PIC2_DATA, (uint8_t)(mask >> 8));
}

void pic_init(void)
{
	outb(PIC1_DATA, 0xFF);
	outb(PIC2_DATA, 0xFF);
	outb(PIC1_CMD, ICW1_INIT);
	outb(PIC2_CMD, ICW1_INIT);
	outb(PIC1_DATA, T_IRQ0);        /* ICW2: vector base */
	outb(PIC2_DATA, T_IRQ0 + 8);
	outb(PIC1_DATA, 1 << IRQ_CASCADE); /* ICW3: slave on IRQ 2 */
	outb(PIC2_DATA, IRQ_CASCADE);      /* ICW3: slave id */
	outb(PIC1_DATA, ICW4_8086);
	outb(PIC2_DATA, ICW4_8086);
	mask = (uint16_t)~(1u << IRQ_CASCADE);
	pic_write_mask();
}

void pic_unmask(int irq)
{
	mask &= (uint16_t)~(1u << irq);
	pic_write_mask();
}

void pic_eoi(int irq)
{
	if (irq >= 8)
		outb(PIC2_CMD, OCW2_EOI);
	outb(PIC1_CMD, OCW2_EOI);
}

/* IRQ 7 and 15 can fire with nothing in service (a line that dropped
 * before the acknowledge). A spurious IRQ 15 still needs the master EOI. */
int pic_spurious(int irq)
{
	if (irq == 7) {
		outb(PIC1_CMD, OCW3_ISR);
		return !(inb(PIC1_CMD) & 0x80);
	}
	if (irq == 15) {
		outb(PIC2_CMD, OCW3_ISR);
		if (!(inb(PIC2_CMD) & 0x80)) {
			outb(PIC1_CMD, OCW2_EOI);
			return 1;
		}
	}
	return 0;
}
