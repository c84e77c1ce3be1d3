/*
 * pic.h: the two cascaded 8259A interrupt controllers, remapped to
 * vectors 32..47. Every IRQ starts masked; trap_irq_register unmasks.
 */
#ifndef PLURIX_DRIVERS_PIC_H
#define PLURIX_DRIVERS_PIC_H

void pic_init(void);
void pic_unmask(int irq);
void pic_eoi(int irq);
int pic_spurious(int irq);      /* 1 if this IRQ 7/15 was spurious (no EOI due) */

#endif
