/*
 * main.c: the entry of the heap-resident kernel, which runs from the heap's
 * code area: the node-local boot (kernel/boot.c, kernel/kcode.c) installs or
 * finds it there and calls the descriptor's entry, which is kernel_main
 * (kernel/part.h tells the installer where it is). Owns the rest of the boot
 * order: the heap's header is created or checked, the periodic tasks start,
 * the ready line, then the shell.
 */
#include "kernel/dsmenv.h"
#include "kernel/heaplayout.h"
#include "kernel/kcode.h"
#include "kernel/kernel.h"
#include "kernel/ktrace.h"
#include "kernel/part.h"
#include "kernel/sched.h"
#include "kernel/time.h"
#include "shell/shell.h"

uint64_t kernel_ready_us;

static void kernel_main(void) __attribute__((noreturn));

/* First in the heap part's image (linker.ld keeps the section there). */
const struct kernel_part kernel_part __attribute__((section(".heappart.head"), used)) = {
	.magic = KERNEL_PART_MAGIC, .entry = kernel_main,
};

static void kernel_main(void)
{
	heaphdr_boot();
	shell_init();
	sched_init();
	kernel_ready_us = time_us();
	kcode_ready();
	ktrace_flush();
	kprintf("plurix: node %u role %s cluster %u ready in %llu us\n",
		kernel_cmdline.node, cmdline_role_name(kernel_cmdline.role),
		kernel_cmdline.cluster, kernel_ready_us);
	shell_run();
}
