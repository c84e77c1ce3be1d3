/*
 * boot.c: kmain, the node-local boot. Owns the boot order of the node-local
 * part (each step may use only what came before it), the node's identity
 * from the command line (kernel_cmdline), and the wiring of the machine to
 * the port: it registers the page-fault handler and the after-interrupt hook
 * with trap.c. Then it enters the heap-resident kernel through the
 * descriptor at the start of the heap part (kernel/part.h). A boot error
 * prints one `error: boot: ...` line (docs/CONTRACT.md) and halts.
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
#include "kernel/part.h"
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
	/* linker.ld: the heap part begins with its descriptor */
	const struct kernel_part *rest = (const struct kernel_part *)__heappart_start;

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
	if (rest->magic != KERNEL_PART_MAGIC)
		boot_fail("this image holds only the node-local part, and no kernel to run "
			  "(boot build/plurix.elf)");
	rest->entry();
}
