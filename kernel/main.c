/*
 * main.c: the entry of the heap-resident kernel (kernel/part.h), which the
 * node-local boot (kernel/boot.c) calls once the machine, the NIC and the
 * protocol core are up. Owns the rest of the boot order: a PageServer loads
 * its image, the heap's header is created or checked, the periodic tasks
 * start, the ready line, then the shell.
 */
#include "kernel/dsmenv.h"
#include "kernel/heaplayout.h"
#include "kernel/kernel.h"
#include "kernel/net.h"
#include "kernel/part.h"
#include "kernel/psnode.h"
#include "kernel/sched.h"
#include "kernel/time.h"
#include "shell/shell.h"

uint64_t kernel_ready_us;

static void kernel_main(void) __attribute__((noreturn));

/* First in the heap part (linker.ld keeps the section there). */
const struct kernel_part kernel_part __attribute__((section(".heappart.head"), used)) = {
	.magic = KERNEL_PART_MAGIC, .entry = kernel_main,
};

static void kernel_main(void)
{
	if (kernel_cmdline.role == CMDLINE_ROLE_PAGESERVER && dsmenv_on()) {
		net_snoop(1);           /* pages going by the PageServer are kept */
		dsmenv_hold(1);         /* nobody hears from us before the image is in */
		psnode_boot(dsmenv_node(), kernel_cmdline.cluster);
		dsmenv_hold(0);
	}
	heaphdr_boot();
	sched_init();
	kernel_ready_us = time_us();
	kprintf("plurix: node %u role %s cluster %u ready in %llu us\n",
		kernel_cmdline.node, cmdline_role_name(kernel_cmdline.role),
		kernel_cmdline.cluster, kernel_ready_us);
	shell_run();
}
