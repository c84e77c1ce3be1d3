/*
 * boot.c: kmain, the node-local boot. Owns the boot order of the node-local
 * part (each step may use only what came before it), the node's identity
 * from the command line (kernel_cmdline), and the wiring of the machine to
 * the port: it registers the page-fault handler and the after-interrupt hook
 * with trap.c. A PageServer loads its disk's image first (kernel/psnode.c).
 * Then kcode_boot (kernel/kcode.c) installs the heap-resident kernel in the
 * heap's code area or finds it there, and enters it. A boot error prints one
 * `error: boot: ...` line (docs/CONTRACT.md) and halts.
 */
#include "drivers/ata.h"
#include "drivers/pci.h"
#include "drivers/pic.h"
#include "drivers/serial.h"
#include "kernel/console.h"
#include "kernel/dsmenv.h"
#include "kernel/kalloc.h"
#include "kernel/kernel.h"
#include "kernel/memlayout.h"
#include "kernel/multiboot.h"
#include "kernel/net.h"
#include "kernel/param.h"
#include "kernel/kcode.h"
#include "kernel/psnode.h"
#include "kernel/time.h"
#include "kernel/trap.h"
#include "kernel/txbody.h"
#include "kernel/vm.h"
#include "kernel/x86.h"

struct cmdline kernel_cmdline;

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
	kernel_random_seed(kernel_cmdline.node);
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
	trap_pf_register(dsmenv_fault);
	trap_exit_register(txbody_irq_exit);
	sti();
	if (kernel_cmdline.role == CMDLINE_ROLE_PAGESERVER && dsmenv_on()) {
		net_snoop(1);           /* pages going by the PageServer are kept */
		dsmenv_hold(1);         /* nobody hears from us before the image is in */
		psnode_boot(dsmenv_node(), kernel_cmdline.cluster);
		dsmenv_hold(0);
	}
	if (!dsmenv_on())
		boot_fail("no heap on this node, and the kernel lives in the heap");
	kcode_boot();
}
