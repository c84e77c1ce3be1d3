/*
 * trap.h: interrupt and exception dispatch.
 * struct trapframe is what boot/trap.asm pushes; the two must match.
 * IRQ handlers run with interrupts off, outside any transaction, and touch
 * only node-local state (DESIGN.md). The 8259 gets its EOI after the handler.
 */
#ifndef PLURIX_KERNEL_TRAP_H
#define PLURIX_KERNEL_TRAP_H

#include <stdint.h>

struct trapframe {
	uint32_t gs, fs, es, ds;
	uint32_t edi, esi, ebp, esp_pusha, ebx, edx, ecx, eax; /* pushad */
	uint32_t vector, err;
	uint32_t eip, cs, eflags;       /* pushed by the CPU (ring 0: no SS:ESP) */
};
_Static_assert(sizeof(struct trapframe) == 17 * 4, "matches boot/trap.asm");

#define T_DE      0     /* divide error */
#define T_UD      6     /* invalid opcode */
#define T_GP      13    /* general protection */
#define T_PF      14    /* page fault */
#define T_IRQ0    32    /* 8259 IRQ 0 after remapping */
#define T_NIRQ    16

typedef void (*trap_irq_fn)(void);
/* Page fault, interrupts off: 1 if resolved (the instruction is retried). */
typedef int (*trap_pf_fn)(uint32_t err, uint32_t cr2);
/* After an IRQ's handler and EOI, interrupts off: may change tf->eip. */
typedef void (*trap_exit_fn)(struct trapframe *tf);
/* An exception nothing resolved, interrupts off: 0 (then the panic), or it
 * does not return (it unwound to a recovery point of its own). */
typedef int (*trap_exc_fn)(struct trapframe *tf);

void gdt_init(void);
void trap_init(void);
void trap_irq_register(int irq, trap_irq_fn fn);
void trap_pf_register(trap_pf_fn fn);
void trap_exit_register(trap_exit_fn fn);
void trap_exc_register(trap_exc_fn fn);
const char *trap_name(uint32_t vector);  /* "page fault", "general protection", ... */
void trap_dispatch(struct trapframe *tf);
extern uint32_t trap_irq_count[T_NIRQ];

#endif
