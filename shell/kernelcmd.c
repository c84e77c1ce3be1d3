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

	x->r = mm_objstat(objheap_mm(), &x->st);
}

/* Objects this node's allocators hold, or -1 (no object heap here). */
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
	fetch_times(s);
	kprintf("kernel_entered_us %llu\n", s->ready_us);
	objs = kernel_objects();
	if (objs < 0)
		kprintf("kernel_objects none (no object heap on this node)\n");
	else
		kprintf("kernel_objects %d\n", objs);
	return 0;
}
