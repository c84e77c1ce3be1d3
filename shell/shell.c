/*
 * shell.c: the command shell on the serial console (docs/CONTRACT.md).
 * Owns the line buffer and the command table. Reads bytes from the console
 * ring, echoes them, and runs one command per line: CR or LF ends a line
 * (an LF right after a CR is the same line end), 0x08 / 0x7f erase.
 * The command table is the heap's (kernel/kobj.h, "k.cmds"): the master
 * installs the builtins below there when it boots; every node runs commands
 * from its copy of the table (in the window: only this node reads it),
 * re-read between commands every KOBJ_REFRESH_TICKS and whenever a line
 * names a command the copy lacks, so a command registered on any node runs
 * here too. Until the heap's table is read (no heap yet, or the PageServer,
 * which has no object heap) the copy is the builtins.
 * Heap-resident; it touches the devices only through the console, net and
 * the drivers' stats, and the kernel only through the kernel's headers.
 */
#include "drivers/rtl8139.h"
#include "dsm/dsm.h"
#include "drivers/serial.h"
#include "kernel/console.h"
#include "kernel/dsmenv.h"
#include "kernel/kalloc.h"
#include "kernel/kcode.h"
#include "kernel/kernel.h"
#include "kernel/kobj.h"
#include "kernel/prog.h"
#include "kernel/ktrace.h"
#include "kernel/memlayout.h"
#include "kernel/net.h"
#include "kernel/objheap.h"
#include "kernel/param.h"
#include "kernel/psnode.h"
#include "kernel/sched.h"
#include "kernel/time.h"
#include "kernel/vm.h"
#include "kernel/wait.h"
#include "kernel/x86.h"
#include "shell/cmds.h"
#include "shell/shell.h"

static char errbuf[160];

int shell_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(errbuf, sizeof(errbuf), fmt, ap);
	va_end(ap);
	return -1;
}

int shell_number(const char *s, uint32_t max, uint32_t *out)
{
	uint32_t x = 0;
	int i = 0;

	for (; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 10)
			return -1;
		if (x > (0xFFFFFFFFu - 9) / 10)
			return -1;
		x = x * 10 + (uint32_t)(s[i] - '0');
	}
	if (i == 0 || x > max)
		return -1;
	*out = x;
	return 0;
}

/* A 32-bit number, decimal or 0x-hex (1 to 8 digits). */
int shell_word(const char *s, uint32_t *out)
{
	uint32_t x = 0;
	int i = 0;

	if (s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return shell_number(s, 0xFFFFFFFFu, out);
	for (s += 2; s[i]; i++) {
		char c = s[i];
		uint32_t d = c >= '0' && c <= '9' ? (uint32_t)(c - '0')
			   : c >= 'a' && c <= 'f' ? (uint32_t)(c - 'a' + 10)
			   : c >= 'A' && c <= 'F' ? (uint32_t)(c - 'A' + 10) : 16u;
		if (d == 16u || i >= 8)
			return -1;
		x = x << 4 | d;
	}
	if (i == 0)
		return -1;
	*out = x;
	return 0;
}

static int cmd_help(int argc, char **argv);

static int cmd_info(int argc, char **argv)
{
	uint8_t mac[6] = { 0 };
	char nic[48];

	(void)argc, (void)argv;
	rtl8139_mac(mac);
	rtl8139_describe(nic, sizeof(nic));
	kprintf("node %u\nrole %s\ncluster %u\n", kernel_cmdline.node,
		cmdline_role_name(kernel_cmdline.role), kernel_cmdline.cluster);
	kprintf("mac %02x:%02x:%02x:%02x:%02x:%02x\n",
		mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	kprintf("nic %s\n", rtl8139_present() ? nic : "none");
	kprintf("mem_kb %u\nmem_free_kb %u\nmapped_kb %u\n", kalloc_ram_bytes() / 1024,
		kalloc_free_frames() * (PGSIZE / 1024), vm_mapped_bytes() / 1024);
	kprintf("local_part_bytes %u\nheap_part_bytes %u\n",
		(uint32_t)(__local_end - __local_start),
		(uint32_t)(__heappart_end - __heappart_start));
	kprintf("heap_range 0x%08x-0x%08x\n", HEAP_VBASE, HEAP_VLAST);
	kprintf("tsc_khz %u\nuptime_us %llu\nready_us %llu\npeers %d\n",
		time_tsc_per_ms, time_us(), kernel_ready_us, net_peer_count());
	return 0;
}

static void stat(const char *name, uint32_t v)
{
	kprintf("%s %u\n", name, v);
}

/* The counters, copied at one instant (interrupts off) and then printed:
 * printing takes a while, and a frame that came in meanwhile would be
 * counted by some lines and not by others. */
static int cmd_stats(int argc, char **argv)
{
	static struct rtl8139_stats rs;
	static struct frame_counters fcs;
	static struct net_stats ns;
	const struct rtl8139_stats *r = &rs;
	const struct frame_counters *fc = &fcs;
	const struct net_stats *n = &ns;
	uint32_t f = irq_save();

	rs = *rtl8139_stats();
	fcs = *net_frame_counters();
	ns = *net_stats();
	irq_restore(f);
	(void)argc, (void)argv;
	stat("rx_frames", r->rx_frames);
	stat("tx_frames", r->tx_frames);
	stat("rx_errors", r->rx_errors);
	stat("rx_overflows", r->rx_overflows);
	stat("rx_drops", r->rx_drops);
	stat("rx_resets", r->rx_resets);
	stat("tx_errors", r->tx_errors);
	stat("tx_queued", r->tx_queued);
	stat("tx_full", r->tx_full);
	stat("nic_irqs", r->irqs);
	stat("accepted", fc->accepted);
	for (int v = FRAME_OK + 1; v < FRAME_NVERDICTS; v++)
		kprintf("rej_%s %u\n", frame_verdict_name((enum frame_verdict)v), fc->rejected[v]);
	stat("rx_own", n->rx_own);
	stat("rx_dup_node", n->rx_dup_node);
	stat("rx_unknown_type", n->rx_unknown_type);
	stat("rx_bench", n->rx_bench);
	stat("rx_dsm", n->rx_dsm);
	stat("pings_answered", n->pings_answered);
	stat("pongs_unmatched", n->pongs_unmatched);
	stat("tx_dropped", n->tx_dropped);
	stat("peers_full", n->peers_full);
	stat("serial_rx_dropped", serial_rx_dropped);
	return 0;
}

static int cmd_crash(int argc, char **argv)
{
	if (argc != 2)
		return shell_error("usage: crash <pf|ud|de|gp>");
	if (!strcmp(argv[1], "pf"))
		*(volatile uint32_t *)HEAP_VBASE = 1;   /* heap range: unmapped */
	else if (!strcmp(argv[1], "ud"))
		__asm__ volatile("ud2");
	else if (!strcmp(argv[1], "de"))
		__asm__ volatile("xorl %%ecx, %%ecx; divl %%ecx" ::: "eax", "ecx", "edx");
	else if (!strcmp(argv[1], "gp"))    /* selector past the GDT's end */
		__asm__ volatile("movw $0x18, %%ax; movw %%ax, %%ds" ::: "eax");
	else
		return shell_error("crash: unknown kind '%s' (pf, ud, de, gp)", argv[1]);
	return shell_error("crash: the fault did not happen");
}

static int cmd_poweroff(int argc, char **argv)
{
	(void)argc, (void)argv;
	kprintf("ok\n");
	kernel_halt(0);
}

/* The builtins: this image's commands, as the master puts them in the heap. */
#define CMD(name, fn, usage) { name, fn, 0, 0, usage }
static const struct kobj_seed builtins[] = {
	CMD("help", cmd_help, "help: this list"),
	CMD("info", cmd_info, "info: node, role, cluster, mac, memory, uptime, ready_us"),
	CMD("ping", netcmd_ping, "ping <node|all> [count] [bytes|page]: raw-frame round trips"),
	CMD("stats", cmd_stats, "stats: NIC and frame decoder counters"),
	CMD("crash", cmd_crash, "crash <pf|ud|de|gp>: fault on purpose (tests)"),
	CMD("poweroff", cmd_poweroff, "poweroff: exit QEMU with the pass code"),
	CMD("bench", netcmd_bench, "bench tx <node> <count> <bytes>: send frames flat out"),
	CMD("peek", heapcmd_peek, "peek <addr> [len]: read heap bytes in one transaction"),
	CMD("poke", heapcmd_poke, "poke <addr> <value>: write a heap word in one transaction"),
	CMD("hist", histcmd_hist, "hist get|put|inc <key> [value]: one heap word, one transaction"),
	CMD("heap", heapcmd_heap, "heap: pages present/owned/replicated, faults, fetch latency"),
	CMD("disk", diskcmd_disk, "disk: the ATA drive's identity and the driver's counters"),
	CMD("disktest", diskcmd_disktest,
	    "disktest <MB> [pio] [end]: overwrite MB of the disk, MB/s"),
	CMD("txstat", heapcmd_txstat, "txstat: commits, aborts by cause, retries, commit latency"),
	CMD("bank", workcmd_bank, "bank init <accounts> <balance> | run <transfers> | check"),
	CMD("counter", workcmd_counter, "counter add <n> | counter show"),
	CMD("txbench", workcmd_txbench, "txbench <disjoint|contended|readonly> <seconds>: transactions/s"),
	CMD("checkpoint", pscmd_checkpoint,
	    "checkpoint: the PageServer writes the heap to disk now"),
	CMD("pageserver", pscmd_pageserver, "pageserver: the PageServer's image and counters"),
	CMD("forgetps", pscmd_forgetps,
	    "forgetps: (the manager) commit on without a PageServer gone for good"),
	CMD("fill", workcmd_fill, "fill <first-page> <pages> <value>: write data pages"),
	CMD("sum", workcmd_sum, "sum <first-page> <pages>: checksum of data pages"),
	CMD("kernel", kernelcmd_kernel,
	    "kernel: where this node's kernel came from, its code pages"),
	CMD("kobj", kernelcmd_kobj,
	    "kobj [alias cmd|task <new> <existing> [ms]]: the heap's command and task tables"),
	CMD("tasks", schedcmd_tasks, "tasks: the periodic tasks and how their runs went"),
	CMD("nodes", schedcmd_nodes, "nodes: every node's heartbeat as the heap holds it"),
	CMD("txprint", workcmd_txprint,
	    "txprint <n>: print inside n transactions (smart buffer test)"),
	CMD("proginstall", progcmd_proginstall,
	    "proginstall begin <name> <bytes> | data <hex> | end <crc32>: install a program"),
	CMD("run", progcmd_run, "run <program> [args...]: run an installed program here"),
	CMD("programs", progcmd_programs, "programs: the installed programs"),
	CMD("objstat", objcmd_objstat,
	    "objstat [verify]: objects and bytes by allocator, backchains"),
	CMD("gc", objcmd_gc, "gc: one garbage collection on this node; prints what it freed"),
	CMD("relocate", objcmd_relocate,
	    "relocate <addr|name> [page]: move an object, fix its references"),
	CMD("fsmon", objcmd_fsmon,
	    "fsmon [relocate [min]]: pages with the most aborts, their objects"),
	CMD("obj", objcmd_obj, "obj new|get|set|value|bind|drop|free ...: single heap objects"),
	CMD("list", objcmd_list, "list new|push|pop|inc|reloc|check <name> ...: lists of objects"),
	CMD("objbench", objcmd_objbench,
	    "objbench alloc|ref <n>: cycles per allocation / ref store"),
	CMD("fsbench", objcmd_fsbench, "fsbench setup | run <n> [auto]: false-sharing workload"),
};

/* This node's copy of the command table, and a second buffer to read into. */
static struct kobj_entry table[KOBJ_ENTRIES_MAX], fresh[KOBJ_ENTRIES_MAX];
static struct shell_table_info tab;

static void table_builtins(void)
{
	tab.n = NELEM(builtins);
	for (uint32_t i = 0; i < tab.n; i++)
		kobj_from_seed(&builtins[i], &table[i]);
}

/* Read the heap's table into the copy (strict, or a snapshot for the
 * periodic refresh); it stays as it was if that fails. */
static void table_read(int snap)
{
	uint32_t n;
	int r;

	tab.refreshed_at = time_ticks;
	if (!sched_can_run() || !prog_ready())
		return;
	r = snap ? kobj_read_snapshot(KOBJ_CMDS, fresh, NELEM(fresh), &n)
		 : kobj_read(KOBJ_CMDS, fresh, NELEM(fresh), &n);
	if (r != 0 || n == 0)
		return;
	prog_cache_viewed(PROG_CACHE_CMDS, dsmenv_node()->txn.commit_t);
	memcpy(table, fresh, n * sizeof(table[0]));
	tab.n = n;
	tab.from_heap = 1;
	tab.reads++;
}

void shell_table_refresh(void)
{
	table_read(0);
}

const struct shell_table_info *shell_table_info(void)
{
	return &tab;
}

/* Boot: the builtins, put in the heap's table by the master, then its copy. */
void shell_init(void)
{
	table_builtins();
	(void)kobj_install(KOBJ_CMDS, builtins, NELEM(builtins));
	shell_table_refresh();
}

static const struct kobj_entry *table_find(const char *name)
{
	for (uint32_t i = 0; i < tab.n; i++)
		if (!strcmp(table[i].name, name))
			return &table[i];
	return 0;
}

static int cmd_help(int argc, char **argv)
{
	(void)argc, (void)argv;
	shell_table_refresh();          /* the list as the heap holds it now */
	for (uint32_t i = 0; i < tab.n; i++)
		kprintf("%s\n", table[i].text[0] ? table[i].text : table[i].name);
	return 0;
}

/* Split line in place into at most SHELL_ARGS_MAX words; -1 if more. */
static int split_words(char *line, char **argv)
{
	int argc = 0;

	for (char *p = line; *p;) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		if (argc == SHELL_ARGS_MAX)
			return -1;
		argv[argc++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	return argc;
}

/* A command a program registered: its program's code, faults caught. */
static int program_command(const struct kobj_entry *e, int argc, char **argv)
{
	static char err[160];
	int status = 0;

	if (prog_call(e->code, argc, argv, &status, err, sizeof(err)) < 0)
		return shell_error("%s: %s", e->name, err);
	return status ? shell_error("%s exited %d", e->name, status) : 0;
}

static void shell_exec(char *line)
{
	char *argv[SHELL_ARGS_MAX];
	int argc = split_words(line, argv), r = -1;
	const struct kobj_entry *e;

	if (argc == 0)
		return;
	errbuf[0] = '\0';
	if (argc < 0) {
		shell_error("too many words (at most %d)", SHELL_ARGS_MAX);
	} else {
		e = table_find(argv[0]);
		if (!e) {
			shell_table_refresh();  /* registered since the last read? */
			e = table_find(argv[0]);
		}
		if (e && kobj_kernel_code(e->code))
			r = ((int (*)(int, char **))(uintptr_t)e->code)(argc, argv);
		else if (e && kobj_code_ok(e->code))
			r = program_command(e, argc, argv);
		else if (e)
			shell_error("command '%s': its code 0x%08x is not the kernel's", e->name,
				    e->code);
		else
			shell_error("unknown command '%s' (try help)", argv[0]);
	}
	if (r == 0)
		kprintf("ok\n");
	else
		kprintf("error: %s\n", errbuf[0] ? errbuf : "failed");
}

static void prompt(void)
{
	kprintf("plurix:%u> ", kernel_cmdline.node);
}

/* Between commands only: a line of news on a line of its own, then the
 * prompt again (what was typed so far stays in the line buffer). */
void shell_notice(const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	kprintf("\n%s\n", buf);
	prompt();
}

void shell_run(void)
{
	static char line[SHELL_LINE_MAX];
	size_t len = 0;
	int last = 0, overflow = 0;

	prompt();
	for (;;) {
		int c = console_getc();
		if (c < 0) {
			news_poll();            /* the heap's news, between commands */
			kcode_prefetch();       /* the rest of the kernel, a page at a time */
			ktrace_flush();         /* ktrace=1: the code pages fetched */
			if (time_ticks - tab.refreshed_at >= KOBJ_REFRESH_TICKS)
				table_read(1);   /* the heap's command table */
			sched_poll();           /* periodic transactions, between commands */
			(void)wait_until(console_ready, 0, 1);  /* a key, or the next tick */
			continue;
		}
		if (c == '\n' && last == '\r') {
			last = 0;
			continue;
		}
		last = c;
		if (c == '\r' || c == '\n') {
			console_putc('\n');
			line[len] = '\0';
			if (overflow)
				kprintf("error: line longer than %d characters\n", SHELL_LINE_MAX - 1);
			else
				shell_exec(line);
			len = 0;
			overflow = 0;
			prompt();
		} else if (c == 0x08 || c == 0x7f) {
			if (len > 0) {
				len--;
				console_puts("\b \b");
			}
		} else if (c >= 0x20 && c < 0x7f) {
			console_putc((char)c);
			if (len < SHELL_LINE_MAX - 1)
				line[len++] = (char)c;
			else
				overflow = 1;
		}
	}
}
