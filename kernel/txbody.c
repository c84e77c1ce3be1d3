/*
 * txbody.c: the restart point of a transaction body (see txbody.h). Owns the
 * saved registers of the running body, its in-body flag, why it was cut off,
 * and the count of bodies an interrupt cut off. Node-local: the fault path
 * and the trap path unwind through it.
 */
#include "dsm/dsm.h"
#include "kernel/dsmenv.h"
#include "kernel/txbody.h"
#include "kernel/x86.h"

static struct {
	uint32_t jb[6];                 /* ebx esi edi ebp esp eip */
	volatile int active;
	volatile int err;               /* why the body was cut off */
	uint32_t irq_aborts;
} run;

__asm__(".text\n"
	".globl txbody_setjmp\n"
	"txbody_setjmp:\n"
	"	movl 4(%esp), %eax\n"
	"	movl %ebx, 0(%eax)\n"
	"	movl %esi, 4(%eax)\n"
	"	movl %edi, 8(%eax)\n"
	"	movl %ebp, 12(%eax)\n"
	"	leal 4(%esp), %ecx\n"       /* esp after our ret */
	"	movl %ecx, 16(%eax)\n"
	"	movl (%esp), %ecx\n"
	"	movl %ecx, 20(%eax)\n"
	"	xorl %eax, %eax\n"
	"	ret\n"
	".globl txbody_longjmp\n"
	"txbody_longjmp:\n"
	"	movl 4(%esp), %edx\n"
	"	movl 0(%edx), %ebx\n"
	"	movl 4(%edx), %esi\n"
	"	movl 8(%edx), %edi\n"
	"	movl 12(%edx), %ebp\n"
	"	movl 16(%edx), %esp\n"
	"	movl $1, %eax\n"            /* setjmp returns 1 */
	"	jmp *20(%edx)\n");

int txbody_run(void (*body)(void *arg), void *arg)
{
	if (txbody_setjmp(run.jb) != 0) {
		sti();                  /* a fault or an interrupt unwound with them off */
		return TXBODY_CUT;
	}
	run.err = 0;
	run.active = 1;
	body(arg);
	run.active = 0;
	return 0;
}

int txbody_active(void)
{
	return run.active;
}

int txbody_error(void)
{
	return run.err;
}

void txbody_unwind(int err)
{
	run.err = err;
	run.active = 0;
	txbody_longjmp(run.jb);
}

/* Where an interrupted, aborted body resumes (txbody_irq_exit): unwind. */
static void __attribute__((noreturn, used)) irq_abort_landing(void)
{
	txbody_unwind(DSM_EABORTED);
}

void txbody_irq_exit(struct trapframe *tf)
{
	if (!run.active || dsmenv_busy())
		return;
	dsmenv_poll();
	if (txn_state(dsmenv_node()) == TXN_RUNNING)
		return;
	run.irq_aborts++;
	tf->eip = (uint32_t)irq_abort_landing;
}

uint32_t txbody_irq_aborts(void)
{
	return run.irq_aborts;
}
