/*
 * trap.c: the IDT, the exception panic, and IRQ dispatch.
 * Owns the IDT, the IRQ handler table and the two hooks others register the
 * way drivers register IRQs (Plan 9's trapenable): a page-fault handler,
 * which may resolve a fault (kernel/dsmenv.c: a heap page, now mapped), and
 * an after-interrupt hook, run after every IRQ's handler and EOI, which may
 * redirect the interrupted code (kernel/txbody.c: a body whose transaction
 * the IRQ's frames aborted). trap.c names neither.
 *
 * A third hook sees every exception nothing resolved before the panic
 * (kernel/prog.c: a program's fault ends the program, not the node).
 *
 * Every other CPU exception is fatal: it prints one `panic: ` line
 * (docs/CONTRACT.md) with vector, error code, EIP, CR2 and the registers,
 * then halts (test=1: QEMU exits with the failure code).
 */
#include "drivers/pic.h"
#include "kernel/kernel.h"
#include "kernel/trap.h"
#include "kernel/x86.h"

#define IDT_N        (T_IRQ0 + T_NIRQ)
#define IDT_INTGATE  0x8E       /* present, ring 0, 32-bit interrupt gate */

struct idt_gate {
	uint16_t off_lo;
	uint16_t sel;
	uint8_t zero;
	uint8_t type;
	uint16_t off_hi;
} __attribute__((packed));

struct idtr {
	uint16_t limit;
	uint32_t base;
} __attribute__((packed));

extern uint32_t trap_stubs[IDT_N];     /* boot/trap.asm */
static struct idt_gate idt[IDT_N];
static trap_irq_fn irq_fns[T_NIRQ];
static trap_pf_fn pf_fn;
static trap_exit_fn exit_fn;
static trap_exc_fn exc_fn;
uint32_t trap_irq_count[T_NIRQ];

static const char *const exc_names[] = {
	"divide error", "debug", "nmi", "breakpoint", "overflow",
	"bound range", "invalid opcode", "no fpu", "double fault",
	"fpu segment overrun", "invalid tss", "segment not present",
	"stack fault", "general protection", "page fault", "reserved",
	"fpu error", "alignment check", "machine check", "simd error",
	"virtualization", "control protection",
};

void trap_init(void)
{
	static struct idtr r;

	for (int v = 0; v < IDT_N; v++) {
		idt[v].off_lo = (uint16_t)trap_stubs[v];
		idt[v].sel = 0x08;
		idt[v].zero = 0;
		idt[v].type = IDT_INTGATE;
		idt[v].off_hi = (uint16_t)(trap_stubs[v] >> 16);
	}
	r.limit = sizeof(idt) - 1;
	r.base = (uint32_t)idt;
	__asm__ volatile("lidt (%0)" : : "r"(&r));
}

void trap_irq_register(int irq, trap_irq_fn fn)
{
	ASSERT(irq >= 0 && irq < T_NIRQ);
	irq_fns[irq] = fn;
	pic_unmask(irq);
}

void trap_pf_register(trap_pf_fn fn)
{
	pf_fn = fn;
}

void trap_exit_register(trap_exit_fn fn)
{
	exit_fn = fn;
}

void trap_exc_register(trap_exc_fn fn)
{
	exc_fn = fn;
}

const char *trap_name(uint32_t vector)
{
	return vector < NELEM(exc_names) ? exc_names[vector] : "reserved";
}

static void trap_exception(struct trapframe *tf)
{
	const char *name = trap_name(tf->vector);
	/* ring 0 trap: the interrupted ESP is just above the CPU's frame */
	uint32_t esp = (uint32_t)&tf->eflags + 4;

	panic("vector %u (%s) err 0x%x eip 0x%08x cr2 0x%08x eax 0x%08x ebx 0x%08x "
	      "ecx 0x%08x edx 0x%08x esi 0x%08x edi 0x%08x ebp 0x%08x esp 0x%08x "
	      "eflags 0x%08x cs 0x%x",
	      tf->vector, name, tf->err, tf->eip, cr2_read(), tf->eax, tf->ebx,
	      tf->ecx, tf->edx, tf->esi, tf->edi, tf->ebp, esp, tf->eflags, tf->cs);
}

void trap_dispatch(struct trapframe *tf)
{
	int irq;

	if (tf->vector == T_PF && pf_fn && pf_fn(tf->err, cr2_read()))
		return;                 /* resolved: retry the instruction */
	if (tf->vector < T_IRQ0 && exc_fn)
		(void)exc_fn(tf);       /* returns only if it leaves it to the panic */
	if (tf->vector < T_IRQ0)
		trap_exception(tf);     /* does not return */
	irq = (int)(tf->vector - T_IRQ0);
	if (irq >= T_NIRQ)
		return;
	if (pic_spurious(irq))
		return;
	trap_irq_count[irq]++;
	if (irq_fns[irq])
		irq_fns[irq]();
	pic_eoi(irq);
	if (exit_fn)
		exit_fn(tf);
}
