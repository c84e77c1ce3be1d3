/*
 * main.c: kmain, the boot sequence, and kernel_idle.
 * Owns the boot order (each step may use only what came before it) and the
 * node's identity from the command line. A boot error prints one
 * `error: boot: ...` line (docs/CONTRACT.md) and halts.
 */
#include "drivers/ata.h"
#include "drivers/pci.h"
#include "drivers/pic.h"
#include "drivers/rtl8139.h"
#include "drivers/serial.h"
#include "kernel/console.h"
#include "kernel/dsmenv.h"
#include "kernel/heaplayout.h"
#include "kernel/kalloc.h"
#include "kernel/kernel.h"
#include "kernel/multiboot.h"
#include "kernel/net.h"
#include "kernel/psnode.h"
#include "kernel/sched.h"
#include "kernel/param.h"
#include "shell/shell.h"
#include "kernel/time.h"
#include "kernel/trap.h"
#include "kernel/vm.h"
#include "kernel/x86.h"

struct cmdline kernel_cmdline;
uint64_t kernel_ready_us;

static void boot_fail(const char *why)
{
	kprintf("error: boot: %s\n", why);
	kernel_halt(1);
}

/* Copy the command line out of loader memory, then parse it. */
static void boot_cmdline(const struct multiboot_info *mbi)
{
	static char line[CMDLINE_COPY_MAX];
	char err[128];
	const char *src = (mbi->flags & MB_INFO_CMDLINE) ? (const char *)mbi->cmdline : "";
	size_t n = 0;

	for (; src[n] && n < sizeof(line) - 1; n++)
		line[n] = src[n];
	line[n] = '\0';
	if (src[n])
		boot_fail("command line too long");
	if (cmdline_parse(line, &kernel_cmdline, err, sizeof(err)) < 0) {
		kernel_test_mode = kernel_cmdline.test;
		boot_fail(err);
	}
	kernel_test_mode = kernel_cmdline.test;
}

static void boot_memory(const struct multiboot_info *mbi)
{
	if (kalloc_init(mbi) < 0)
		boot_fail("no usable memory map from the loader");
	if (vm_init(kalloc_ram_top()) < 0)
		boot_fail("out of memory for page tables");
}

void kmain(uint32_t magic, uint32_t mbi_pa)
{
	const struct multiboot_info *mbi = (const struct multiboot_info *)mbi_pa;

	console_init();
	kprintf("\n");         /* the firmware leaves its cursor mid-line */
	gdt_init();
	trap_init();
	pic_init();
	if (magic != MULTIBOOT_BOOT_MAGIC)
		boot_fail("not started by a Multiboot loader");
	boot_cmdline(mbi);
	boot_memory(mbi);
	time_init();
	serial_enable_irq();
	pci_init();
	ata_init();
	net_init(kernel_cmdline.node, kernel_cmdline.cluster);
	dsmenv_init(&kernel_cmdline);
	sti();
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

/* An interrupt that comes while the core runs (dsmenv_poll) may be the one
 * the caller waits for: if any came, do not halt, let the caller look. */
void kernel_idle(void)
{
	uint32_t irqs = trap_irq_total;

	dsmenv_poll();
	cli();
	if (trap_irq_total != irqs) {
		sti();
		return;
	}
	if (rtl8139_backlog()) {
		rtl8139_poll();
		sti();
		return;
	}
	if (dsmenv_pending()) {
		sti();
		return;
	}
	sti_hlt();
}
