/*
 * kernelcmd.c: the shell's `kernel`: where this node's kernel came from and
 * what it cost, as `name value` lines (docs/CONTRACT.md): the image it booted
 * (full: plurix.elf, node: plurix-node.elf), the node-local build, the code
 * area's pages in the heap and here, the code pages fetched since boot and
 * their fetch times, and the heap objects this node's allocators hold.
 * Heap-resident; reads kernel/kcode.c's counters and, in one transaction,
 * the object heap's.
 */
#include "dsm/dsm.h"
#include "kernel/dsmenv.h"
#include "kernel/kcode.h"
#include "kernel/kernel.h"
#include "kernel/kobj.h"
#include "kernel/sched.h"
#include "kernel/objheap.h"
#include "kernel/txrun.h"
#include "shell/cmds.h"
#include "shell/shell.h"

struct objs_arg {
	struct mm_stat st;
	int r;
};

static void objs_body(void *a)
{
	struct objs_arg *x = a;

	x->r = mm_objstat_node(objheap_mm(), kernel_cmdline.node, &x->st);
}

/* Objects this node's allocators hold (allocated here, not freed yet), or
 * -1 (no object heap here). */
static int32_t kernel_objects(void)
{
	static struct objs_arg x;
	uint32_t n = 0;

	if (!objheap_mm() || txrun(objs_body, &x) < 0 || x.r != MM_OK)
		return -1;
	for (uint32_t k = 0; k < MM_NKINDS; k++)
		n += x.st.objects[k];
	return (int32_t)(n + x.st.large_objects);
}

static void sort_u32(uint32_t *v, uint32_t n)
{
	for (uint32_t i = 1; i < n; i++)
		for (uint32_t j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint32_t t = v[j];
			v[j] = v[j - 1];
			v[j - 1] = t;
		}
}

static void fetch_times(const struct kcode_stats *s)
{
	uint32_t v[NELEM(s->lat_us)];
	uint32_t n = s->lat_n < NELEM(v) ? s->lat_n : NELEM(v);

	if (n == 0) {
		kprintf("code_fetch_us none\n");
		return;
	}
	memcpy(v, s->lat_us, n * sizeof(v[0]));
	sort_u32(v, n);
	kprintf("code_fetch_us min %u median %u max %u (last %u)\n", v[0], v[n / 2], v[n - 1], n);
}

/* Where this node's command and task tables came from. */
static void kernel_tables(void)
{
	const struct shell_table_info *c = shell_table_info();
	const struct kobj_stats *k = kobj_stats();
	uint32_t ntasks;
	int heap;

	shell_table_refresh();
	sched_tasks_refresh();
	(void)sched_tasks(&ntasks, &heap);
	kprintf("commands %u %s\n", c->n, c->from_heap ? "heap" : "builtin");
	kprintf("tasks %u %s\n", ntasks, heap ? "heap" : "builtin");
	kprintf("kernel_objects_installed %u\n",
		k->installed[KOBJ_CMDS] + k->installed[KOBJ_TASKS]);
	kprintf("table_reads %u failed %u rejected %u\n", k->reads, k->read_errors,
		k->rejected);
	if (k->read_errors)
		kprintf("table_read_error %s\n", kobj_strerror(k->last_error));
}

int kernelcmd_kernel(int argc, char **argv)
{
	const struct kcode_stats *s = kcode_stats();
	const struct kcode_desc *d = kcode_desc();
	int32_t objs;

	(void)argv;
	if (argc != 1)
		return shell_error("usage: kernel");
	kprintf("booted_image %s\n", s->booted_full ? "full" : "node");
	kprintf("build %08x\n", kernel_build_id);
	kprintf("installed_here %u\n", s->installed);
	kprintf("code_pages %u\n", d ? d->pages + 1u : 0u);
	kprintf("code_bytes %u\n", d ? d->image_bytes : 0u);
	kprintf("code_pages_here %u\n", kcode_pages_here());
	kprintf("code_pages_fetched %u\n", s->fetched);
	kprintf("code_pages_fetched_by_ready %u\n", s->fetched_by_ready);
	kprintf("code_pages_prefetched %u\n", s->prefetched);
	kprintf("code_pages_verified %u\n", s->verified);
	kprintf("code_fetch_timeouts %u\n", dsmenv_node()->stats.code_timeouts);
	kprintf("code_install_t %llu\n", kcode_seg() ? kcode_seg()->install_t : 0ull);
	kprintf("code_saved %u\n", dsm_code_saved(dsmenv_node(), HEAP_PG_CODE) ? 1u : 0u);
	kprintf("code_segments %u\n", dsmenv_node()->ncode);
	kprintf("code_seals_lost %u\n", dsmenv_node()->stats.code_lost);
	kprintf("resets_refused_no_code %u\n", dsmenv_node()->mgr.n_lost_no_code);
	fetch_times(s);
	kprintf("kernel_entered_us %llu\n", s->ready_us);
	kernel_tables();
	objs = kernel_objects();
	if (objs < 0)
		kprintf("kernel_objects none (no object heap on this node)\n");
	else
		kprintf("kernel_objects %d\n", objs);
	return 0;
}

static int table_of(const char *w, enum kobj_table *t)
{
	if (!strcmp(w, "cmd"))
		*t = KOBJ_CMDS;
	else if (!strcmp(w, "task"))
		*t = KOBJ_TASKS;
	else
		return -1;
	return 0;
}

/* kobj: both tables as the heap holds them, one line an entry. */
static int kobj_list(void)
{
	static struct kobj_entry v[KOBJ_ENTRIES_MAX];
	uint32_t n;

	for (int t = 0; t < KOBJ_NTABLES; t++) {
		int r = kobj_read((enum kobj_table)t, v, NELEM(v), &n);
		if (r != 0)
			return shell_error("kobj: %s: %s", kobj_table_name((enum kobj_table)t),
					   kobj_strerror(r));
		kprintf("%s: %u entries\n", kobj_table_name((enum kobj_table)t), n);
		for (uint32_t i = 0; i < n; i++)
			kprintf("  %s obj 0x%08x code 0x%08x%s (word at 0x%08x) period %u\n",
				v[i].name, v[i].obj, v[i].code,
				kobj_code_ok(v[i].code) ? "" : " NOT THE KERNEL'S",
				kobj_code_cell(v[i].obj), v[i].period_ticks);
	}
	return 0;
}

/* kobj alias cmd|task <new> <existing> [ms]: a new entry for every node,
 * running the code of an existing one (what an installed program does with
 * its own code). */
static int kobj_alias(int argc, char **argv)
{
	static struct kobj_entry v[KOBJ_ENTRIES_MAX];
	struct kobj_entry e;
	enum kobj_table t;
	uint32_t n, ms = 0, i;
	int r;

	if ((argc != 5 && argc != 6) || table_of(argv[2], &t) < 0 ||
	    (argc == 6 && shell_number(argv[5], 3600000u, &ms) < 0))
		return shell_error("usage: kobj alias cmd|task <new> <existing> [period-ms]");
	if (strlen(argv[3]) >= KOBJ_NAME_MAX)
		return shell_error("kobj: name '%s' longer than %u characters", argv[3],
				   KOBJ_NAME_MAX - 1u);
	if ((r = kobj_read(t, v, NELEM(v), &n)) != 0)
		return shell_error("kobj: %s", kobj_strerror(r));
	for (i = 0; i < n && strcmp(v[i].name, argv[4]); i++)
		;
	if (i == n)
		return shell_error("kobj: no %s '%s' in %s", argv[2], argv[4], kobj_table_name(t));
	e = v[i];
	ksnprintf(e.name, sizeof(e.name), "%s", argv[3]);
	if (t == KOBJ_CMDS)
		ksnprintf(e.text, sizeof(e.text), "%s: as %s", argv[3], argv[4]);
	if (ms)
		e.period_ticks = ms * PIT_HZ / 1000u ? ms * PIT_HZ / 1000u : 1u;
	if ((r = kobj_register(t, &e)) != 0)
		return shell_error("kobj: registering '%s': %s", argv[3], kobj_strerror(r));
	kprintf("kobj: %s '%s' registered in %s\n", argv[2], argv[3], kobj_table_name(t));
	return 0;
}

int kernelcmd_kobj(int argc, char **argv)
{
	if (argc == 1)
		return kobj_list();
	if (!strcmp(argv[1], "alias"))
		return kobj_alias(argc, argv);
	return shell_error("usage: kobj | kobj alias cmd|task <new> <existing> [period-ms]");
}
