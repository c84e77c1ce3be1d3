/*
 * kcode.c: the kernel in the heap (see kcode.h for the format and the boot).
 * Owns this node's copy of the descriptor, the code area's install on a
 * master, the check of every code page that comes in, and the counters of
 * `kernel`. Node-local: it runs before any heap-resident code, and the fault
 * path calls it.
 *
 * It reaches the heap-resident kernel only through the descriptor's entry,
 * and the image it installs only through linker.ld's symbols (mk/local-roots).
 */
#include "dsm/dsm.h"
#include "kernel/dsmenv.h"
#include "kernel/kcode.h"
#include "kernel/kernel.h"
#include "kernel/memlayout.h"
#include "kernel/part.h"
#include "kernel/time.h"
#include "kernel/txrun.h"
#include "kernel/wait.h"

/* linker.ld: the image as loaded (plurix.elf; empty in plurix-node.elf), and
 * the window of the heap-resident kernel's per-node variables. */
extern const uint8_t __kcode_lma[], __kcode_lma_end[];
extern uint8_t __window_data[], __window_data_end[], __window_bss_end[];

static struct kcode_desc desc;
static int desc_valid;
static struct kcode_stats st;
static uint8_t seen[HEAP_CODE_PAGES / 8u];     /* came in once: counted */
static uint8_t verified[HEAP_CODE_PAGES / 8u]; /* its CRC matched the descriptor */

static int bit(const uint8_t *map, uint32_t i)
{
	return (map[i / 8u] >> (i % 8u)) & 1u;
}

static void bit_set(uint8_t *map, uint32_t i)
{
	map[i / 8u] |= (uint8_t)(1u << (i % 8u));
}

static void __attribute__((noreturn)) kcode_fail(const char *why)
{
	kprintf("error: boot: %s\n", why);
	kernel_halt(1);
}

static uint32_t image_bytes(void)
{
	return (uint32_t)(__kcode_lma_end - __kcode_lma);
}

/* The loaded image holds a heap-resident kernel (plurix.elf). */
static int image_present(void)
{
	const struct kernel_part *p = (const struct kernel_part *)__kcode_lma;

	return image_bytes() > sizeof(*p) && p->magic == KERNEL_PART_MAGIC;
}

static uint32_t desc_crc(const struct kcode_desc *d)
{
	return frame_crc32(0, d, __builtin_offsetof(struct kcode_desc, desc_crc));
}

/* --- install (the master of a new heap) -------------------------------- */

/* Byte `off` of the code area's image: the linked image, then .data. */
static uint8_t image_byte(uint32_t off)
{
	uint32_t code = image_bytes(), data = (uint32_t)(__window_data_end - __window_data);

	if (off < code)
		return __kcode_lma[off];
	if (off - code < data)
		return __window_data[off - code];
	return 0;
}

struct install_step {
	uint32_t first, count;          /* image pages */
};

/* One transaction: build each page, note its CRC, write it to the heap. */
static void install_body(void *arg)
{
	static uint8_t buf[PGSIZE];
	const struct install_step *s = arg;

	for (uint32_t i = s->first; i < s->first + s->count; i++) {
		for (uint32_t b = 0; b < PGSIZE; b++)
			buf[b] = image_byte(i * PGSIZE + b);
		desc.crc[i] = frame_crc32(0, buf, PGSIZE);
		memcpy((void *)(KCODE_VA + i * PGSIZE), buf, PGSIZE);
	}
}

static void desc_body(void *arg)
{
	(void)arg;
	memcpy((void *)KCODE_DESC_VA, &desc, sizeof(desc));
}

static void desc_fill(void)
{
	const struct kernel_part *p = (const struct kernel_part *)__kcode_lma;
	uint32_t code = image_bytes(), data = (uint32_t)(__window_data_end - __window_data);

	memset(&desc, 0, sizeof(desc));
	desc.magic = KCODE_MAGIC;
	desc.version = KCODE_VERSION;
	desc.build = kernel_build_id;
	desc.entry = (uint32_t)p->entry;
	desc.image_bytes = code;
	desc.data_va = (uint32_t)__window_data;
	desc.data_bytes = data;
	desc.data_init_va = KCODE_VA + code;
	desc.bss_va = (uint32_t)__window_data_end;
	desc.bss_bytes = (uint32_t)(__window_bss_end - __window_data_end);
	desc.pages = (code + data + PGSIZE - 1u) / PGSIZE;
}

/* --- the publication (dsm/proto.h 12.4) -------------------------------- */

struct kcode_ready {
	uint32_t magic;                 /* KCODE_READY_MAGIC once written */
	uint32_t build;                 /* the descriptor's */
	uint64_t install_t;             /* the time of the descriptor's commit */
};
#define KCODE_READY ((volatile struct kcode_ready *)HEAP_PAGE_VA(HEAP_PG_CODE_READY))

static void ready_read_body(void *arg)
{
	uint64_t *t = arg;

	*t = KCODE_READY->magic == KCODE_READY_MAGIC ? KCODE_READY->install_t : 0;
}

static void ready_write_body(void *arg)
{
	const uint64_t *t = arg;

	KCODE_READY->magic = KCODE_READY_MAGIC;
	KCODE_READY->build = desc.build;
	KCODE_READY->install_t = *t;
}

/* The published install's time, 0 if none (or no transaction ran). */
static uint64_t ready_read(void)
{
	uint64_t t = 0;

	return txrun_snapshot(ready_read_body, &t) == 0 ? t : 0;
}

static int code_saved(void *arg)
{
	(void)arg;
	return dsm_code_saved(dsmenv_node(), HEAP_PG_CODE);
}

const struct dsm_code_seg *kcode_seg(void)
{
	return dsm_code_seg(dsmenv_node(), HEAP_PG_CODE);
}

/* The master: once no takeover can lose the sealed install, say so in the
 * heap; meanwhile ask for a checkpoint every second. */
static void kcode_publish(void)
{
	struct dsm_node *n = dsmenv_node();
	uint64_t t = kcode_seg()->install_t;
	uint32_t start = time_ticks;

	while (wait_until(code_saved, 0, PIT_HZ) < 0) {
		if (time_ticks - start > KCODE_PROBE_TICKS) {
			kprintf("kcode: the kernel's install is on no checkpoint yet: not "
				"published; slaves wait for it\n");
			return;
		}
		if (time_ticks - start <= PIT_HZ)
			kprintf("kcode: waiting for a checkpoint that holds the kernel before "
				"slaves may run it (dsm/proto.h 12.4)\n");
		(void)dsm_ckpt_ask(n);
	}
	if (ready_read() == t)
		return;
	if (txrun(ready_write_body, &t) < 0)
		kprintf("kcode: publishing the install failed; slaves wait for it\n");
}

static void kcode_install(void)
{
	uint64_t t0 = time_us();
	struct install_step s;
	int r = 0;

	desc_fill();
	if (desc.pages > KCODE_PAGES_MAX)
		kcode_fail("the heap-resident kernel is larger than the code area");
	for (s.first = 0; s.first < desc.pages && r == 0; s.first += s.count) {
		s.count = desc.pages - s.first < KCODE_INSTALL_PAGES ? desc.pages - s.first
								      : KCODE_INSTALL_PAGES;
		r = txrun(install_body, &s);
	}
	desc.desc_crc = desc_crc(&desc);
	if (r == 0)
		r = txrun(desc_body, 0);
	if (r < 0) {
		kprintf("error: boot: installing the kernel in the heap: %s\n", dsmenv_strerror(r));
		kernel_halt(1);
	}
	if (!dsm_code_seal(dsmenv_node(), HEAP_PG_CODE, desc.pages + 1u,
			   dsmenv_node()->txn.commit_t))
		kcode_fail("a reset lost the kernel's install as it ended (dsm/proto.h 12.5)");
	desc_valid = 1;
	st.installed = 1;
	kprintf("kcode: installed the kernel in the heap: %u pages (%u KB code and read-only "
		"data, %u bytes data) in %llu us, build %08x\n", desc.pages, desc.image_bytes / 1024u,
		desc.data_bytes, time_us() - t0, desc.build);
	kcode_publish();
}

/* --- the descriptor, from the heap (every other node) ------------------- */

static int heap_ready(void *arg)
{
	(void)arg;
	return dsmenv_heap_bytes() != 0 && !dsmenv_node()->recovering;
}

/* Seal the descriptor's page with the install's time, read it through a
 * code fault; if it is whole, extend the seal over the image it names;
 * else unseal (12.1). 1 if it was there. */
static int desc_look(uint64_t install_t)
{
	struct dsm_node *n = dsmenv_node();

	if (!dsm_code_seal(n, HEAP_PG_CODE, 1, install_t))
		return 0;
	memcpy(&desc, (const void *)KCODE_DESC_VA, sizeof(desc));
	if (desc.magic == KCODE_MAGIC && desc.version == KCODE_VERSION &&
	    desc.desc_crc == desc_crc(&desc) && desc.pages <= KCODE_PAGES_MAX &&
	    dsm_code_seal(n, HEAP_PG_CODE, desc.pages + 1u, install_t))
		return 1;
	dsm_code_unseal(n, HEAP_PG_CODE);
	return 0;
}

/* Did this node restore the heap it manages from an image (dsm/proto.h 7.3)? */
static int restored_here(void)
{
	const struct dsm_node *n = dsmenv_node();

	return n->restored && n->mgr.active && n->manager == n->cfg.id;
}

/* The install's time to seal with: the publication's; a master that
 * restored a heap whose image holds no publication: the image's time (its
 * area came from that image), which it then publishes. */
static uint64_t install_time(void)
{
	uint64_t t = ready_read();

	return t == 0 && restored_here() ? dsmenv_node()->restored_t : t;
}

/* The descriptor, once the heap is here and its install published (dsm/
 * proto.h 12.4). A master with an image to install looks once (nobody else
 * installs in its heap); any other node waits. */
static int desc_read(int once)
{
	uint32_t start = time_ticks, said = 0;
	uint64_t t;

	if (wait_until(heap_ready, 0, KCODE_PROBE_TICKS) < 0)
		return -1;
	while ((t = install_time()) == 0 || !desc_look(t)) {
		if (once || time_ticks - start > KCODE_PROBE_TICKS)
			return -1;
		if (!said++)
			kprintf("kcode: no kernel published in the heap yet (its descriptor at "
				"0x%08x); waiting up to %u s\n", KCODE_DESC_VA,
				KCODE_PROBE_TICKS / PIT_HZ);
		(void)wait_until(wait_never, 0, PIT_HZ / 5u);
	}
	if (restored_here())
		kcode_publish();
	return 0;
}

static void desc_check(void)
{
	char why[160];

	if (desc.build == kernel_build_id)
		return;
	ksnprintf(why, sizeof(why), "the heap's kernel was linked with node-local build %08x; "
		  "this node runs build %08x: boot the plurix-node.elf of that build",
		  desc.build, kernel_build_id);
	kcode_fail(why);
}

/* A PageServer runs the kernel from its own image, mapped where the code
 * area is: it must work before any heap exists (it restores the heap), and
 * alone. Its core still checkpoints and serves the heap's code pages. */
static void kcode_private(void)
{
	if (!st.booted_full)
		kcode_fail("a PageServer runs the kernel from its own image: boot build/plurix.elf");
	desc_fill();
	desc_valid = 1;
	dsmenv_code_private(HEAP_PG_CODE + 1u, (desc.image_bytes + PGSIZE - 1u) / PGSIZE,
			    (uint32_t)__kcode_lma);
	memset((void *)desc.bss_va, 0, desc.bss_bytes);   /* .data: the loader's */
	kprintf("kcode: running the kernel of this image (build %08x, %u KB), mapped at "
		"0x%08x\n", desc.build, desc.image_bytes / 1024u, KCODE_VA);
}

/* The window: the heap-resident kernel's variables, from the code area. */
static void window_init(void)
{
	memcpy((void *)desc.data_va, (const void *)desc.data_init_va, desc.data_bytes);
	memset((void *)desc.bss_va, 0, desc.bss_bytes);
}

static void __attribute__((noreturn)) kcode_enter(void)
{
	st.code_pages = desc.pages;
	st.ready_us = time_us();
	((void (*)(void))desc.entry)();
	kcode_fail("the heap-resident kernel returned");
}

void kcode_boot(void)
{
	const struct cmdline *c = &kernel_cmdline;

	st.booted_full = image_present();
	if (c->role == CMDLINE_ROLE_PAGESERVER) {
		kcode_private();
		kcode_enter();
	}
	if (c->role == CMDLINE_ROLE_MASTER && !c->image) {
		if (!st.booted_full)
			kcode_fail("a master that creates a heap installs the kernel from its "
				   "image: boot build/plurix.elf (this is the node-local part alone)");
		if (wait_until(heap_ready, 0, KCODE_PROBE_TICKS) < 0)
			kcode_fail("no heap to install the kernel in");
		kcode_install();
	} else if (desc_read(c->role == CMDLINE_ROLE_MASTER && st.booted_full) < 0) {
		if (!st.booted_full || c->role != CMDLINE_ROLE_MASTER)
			kcode_fail("the heap holds no kernel (no descriptor in its code area): "
				   "its master must boot build/plurix.elf");
		kprintf("kcode: no kernel in this heap yet: installing this image's\n");
		kcode_install();
	} else {
		desc_valid = 1;
		desc_check();
	}
	window_init();
	kcode_enter();
}

/* --- code pages coming in ------------------------------------------------ */

/* ktrace=1: the fetches, for kernel/ktrace.c to print between commands (the
 * fault path cannot: naming a page's symbols reads the code area). */
static struct kcode_fetch ring[KCODE_TRACE_RING];
static uint32_t ring_in, ring_out, ring_lost;

static void trace_put(uint32_t page, uint32_t us, uint16_t from)
{
	if (ring_in - ring_out == KCODE_TRACE_RING) {
		ring_lost++;
		return;
	}
	ring[ring_in % KCODE_TRACE_RING] = (struct kcode_fetch){ page, us, from };
	ring_in++;
}

int kcode_trace_take(struct kcode_fetch *f, uint32_t *lost)
{
	*lost = ring_lost;
	ring_lost = 0;
	if (ring_out == ring_in)
		return 0;
	*f = ring[ring_out % KCODE_TRACE_RING];
	ring_out++;
	return 1;
}

void kcode_page_in(uint32_t page, const uint8_t *frame, uint32_t us, int fetched,
		   uint16_t from)
{
	uint32_t i = page - HEAP_PG_CODE;

	if (i >= HEAP_CODE_PAGES || bit(verified, i))
		return;
	if (fetched && !bit(seen, i)) {
		bit_set(seen, i);
		st.fetched++;
		st.lat_us[st.lat_n % NELEM(st.lat_us)] = us;
		st.lat_n++;
		if (kernel_cmdline.ktrace)
			trace_put(page, us, from);
	}
	if (!desc_valid || i == 0)
		return;                 /* the descriptor itself: checked by its own CRC */
	if (i - 1u < desc.pages && frame_crc32(0, frame, PGSIZE) != desc.crc[i - 1u])
		panic("kcode: code page %u does not match the descriptor (crc %08x, want %08x): "
		      "mixed code; this node stops", page, frame_crc32(0, frame, PGSIZE),
		      desc.crc[i - 1u]);
	bit_set(verified, i);
	st.verified++;
}

void kcode_ready(void)
{
	st.fetched_by_ready = st.fetched;
}

void kcode_prefetch(void)
{
	static uint32_t next;
	const struct dsm_node *n = dsmenv_node();

	if (!desc_valid || kernel_cmdline.role == CMDLINE_ROLE_PAGESERVER)
		return;
	for (; next < desc.pages; next++) {
		uint32_t p = HEAP_PG_CODE + 1u + next;
		if (n->page[p].state == DSM_ABSENT) {
			(void)*(volatile const uint8_t *)HEAP_PAGE_VA(p);       /* a code fault */
			st.prefetched++;
			next++;
			return;
		}
	}
}

int kcode_trace(void)
{
	return kernel_cmdline.ktrace;
}

const struct kcode_stats *kcode_stats(void)
{
	return &st;
}

const struct kcode_desc *kcode_desc(void)
{
	return desc_valid ? &desc : 0;
}

uint32_t kcode_pages_here(void)
{
	const struct dsm_node *n = dsmenv_node();
	uint32_t k = 0;

	if (!desc_valid)
		return 0;
	for (uint32_t p = HEAP_PG_CODE; p <= HEAP_PG_CODE + desc.pages; p++)
		k += n->page[p].state != DSM_ABSENT;
	return k;
}
