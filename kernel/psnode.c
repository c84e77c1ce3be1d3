/*
 * psnode.c: the PageServer role on this kernel (dsm/proto.h, 7 and 8). Owns
 * the disk as a struct ps_dev over drivers/ata.c, the image state of
 * pageserver/image.c, the restore index, and the list of pages a checkpoint
 * stages (written from the node's own heap frames, which the core keeps
 * unchanged until the commit: no copy). The protocol core decides what goes into a checkpoint; this
 * file only moves pages between it and the disk:
 *
 *   boot     open the disk (a blank one is formatted; a foreign or damaged
 *            one is left alone, with a clear line), scan the log (one line
 *            per checkpoint with its verdict), hand the restore point's
 *            index to the core (dsm_ps_load) before the node answers
 *            anybody; pages are read back as the core asks (ps_read)
 *   ps_begin / ps_save / ps_commit   the core's checkpoint, staged in frames
 *            and appended to the log as one checkpoint
 *
 * Rules: runs in the main thread only (the core calls it from dsmenv_poll);
 * disk I/O blocks that thread, never an interrupt. Nothing is formatted over
 * data that is not a blank disk. Heap-resident.
 */
#include "drivers/ata.h"
#include "dsm/dsm.h"
#include "kernel/dsmenv.h"
#include "kernel/kernel.h"
#include "kernel/psnode.h"
#include "kernel/time.h"
#include "kernel/x86.h"
#include "pageserver/image.h"

static struct ps_image img;
static struct ps_index idx;
static struct ps_index_entry idx_e[DSMENV_HEAP_PAGES];
static struct ps_dev dev;
static struct ps_page staged[DSMENV_HEAP_PAGES];
static uint32_t nstage;
static uint64_t ckpt_t0;
static int usable;
static int idx_stale;           /* a failed append left idx half updated: rescan */
static uint32_t die_after;      /* test: stop dead after this many sectors (0: off) */
static uint64_t written;        /* sectors written in this checkpoint */
static struct psnode_stats st;

/* DMA when the controller has it and the buffer suits it (2-byte aligned:
 * the core's own buffers need not be), else PIO. */
static enum ata_mode dev_mode(const void *buf)
{
	return ata_info()->dma && !((uint32_t)buf & 1u) ? ATA_DMA : ATA_PIO;
}

static int dev_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	(void)ctx;
	return ata_read(lba, count, buf, dev_mode(buf));
}

/* The test knob (psnode_die_after): a PageServer that dies mid-write. */
static void die_check(uint32_t count)
{
	written += count;
	if (!die_after || written < die_after)
		return;
	kprintf("pageserver: test: dead after %llu sectors of this checkpoint\n", written);
	cli();
	for (;;)
		hlt();
}

static int dev_write(void *ctx, uint64_t lba, uint32_t count, const void *buf)
{
	(void)ctx;
	die_check(count);
	return ata_write(lba, count, buf, dev_mode(buf));
}

/* A segment's blocks straight from the heap frames (page-aligned, so one
 * PRD entry each), one DMA command. Without DMA, or with the test knob set
 * (it stops the node between two blocks), write_blocks is NULL and the
 * image writes a block at a time. */
static int dev_write_blocks(void *ctx, uint64_t lba, const void *const *blocks, uint32_t n)
{
	(void)ctx;
	return ata_write_pages(lba, blocks, n);
}

static int dev_flush(void *ctx)
{
	(void)ctx;
	return ata_flush();
}

static void scan_line(void *ctx, const struct ps_ckpt_info *ck)
{
	(void)ctx;
	kprintf("pageserver: checkpoint %u at gtime %llu: %s, %u pages%s%s%s\n", ck->seq,
		ck->gtime, ps_verdict_name(ck->verdict), ck->npages, ck->full ? ", full" : "",
		ck->verdict == PS_GOOD ? "" : ", ", ck->verdict == PS_GOOD ? "" : ps_why_name(ck->why));
	if (ck->verdict != PS_GOOD)
		st.bad_ckpts++;
}

/* A disk we may use: ours (cluster, heap size), or blank and now formatted. */
static int disk_open(uint16_t cluster)
{
	struct ps_format_params fp = { .cluster = cluster, .heap_pages = DSMENV_HEAP_PAGES,
				       .nonce = (uint32_t)rdtsc() | 1u };
	int r = ps_open(&img, &dev);

	if (r == PS_ENOFMT) {
		kprintf("pageserver: blank disk: formatting it for cluster %u\n", cluster);
		if ((r = ps_format(&img, &dev, &fp)) == PS_OK)
			r = ps_open(&img, &dev);
	}
	if (r < 0) {
		kprintf("pageserver: error: disk: %s; left as it is, no checkpoints\n",
			ps_strerror(r));
		return -1;
	}
	if (img.sb.cluster != cluster || img.sb.heap_pages != DSMENV_HEAP_PAGES) {
		kprintf("pageserver: error: the disk holds cluster %u's heap of %u pages, not "
			"cluster %u's of %u; left as it is, no checkpoints\n", img.sb.cluster,
			img.sb.heap_pages, cluster, DSMENV_HEAP_PAGES);
		return -1;
	}
	return 0;
}

/* Hand the restore point to the core: each page's version now, its
 * contents when somebody asks for them (the core reads them back through
 * psnode_read), so the PageServer answers at once however large the image. */
static void image_load(struct dsm_node *n)
{
	uint32_t pages = 0;

	for (uint32_t p = 0; p < DSMENV_HEAP_PAGES; p++) {
		if (idx_e[p].block == 0)
			continue;
		dsm_ps_load(n, p, idx_e[p].version, 0);
		pages++;
	}
	dsm_ps_loaded(n, img.restore.gtime, img.sb.heap_pages);
	st.image_pages = pages;
	kprintf("pageserver: image of gtime %llu (checkpoint %u): %u pages, read from the "
		"disk as they are asked for\n", img.restore.gtime, img.restore.seq, pages);
}

void psnode_boot(struct dsm_node *n, uint16_t cluster)
{
	struct ps_scan_cb cb = { .ckpt = scan_line };
	int r;

	dev = (struct ps_dev){ .read = dev_read, .write = dev_write, .flush = dev_flush,
			       .write_blocks = ata_info()->dma ? dev_write_blocks : 0,
			       .sectors = ata_present() ? ata_info()->sectors : 0 };
	if (dev.sectors >= 2u * PSNODE_SCRATCH_SECTORS)
		dev.sectors -= PSNODE_SCRATCH_SECTORS;  /* the tail is disktest's */
	idx = (struct ps_index){ .e = idx_e, .cap = DSMENV_HEAP_PAGES };
	if (!ata_present()) {
		kprintf("pageserver: error: no disk; no checkpoints\n");
		return;
	}
	if (disk_open(cluster) < 0)
		return;
	r = ps_scan(&img, &idx, &cb);
	usable = 1;
	dsmenv_set_disk(&psnode_disk);
	if (r == PS_ENOCKPT)
		kprintf("pageserver: error: no checkpoint on the disk can be restored\n");
	else if (r < 0)
		kprintf("pageserver: error: scanning the disk: %s\n", ps_strerror(r));
	else if (img.restore.seq == 0)
		kprintf("pageserver: the disk holds no checkpoint yet\n");
	else
		image_load(n);
}

/* --- the core's checkpoint (dsm/env.h) ---------------------------------- */

int psnode_begin(uint64_t t)
{
	(void)t;
	if (!usable)
		return -1;
	nstage = 0;
	written = 0;
	ckpt_t0 = time_us();
	return ps_want_full(&img) || img.need_full;
}

int psnode_save(uint32_t page, uint64_t v, const uint8_t *data)
{
	if (!usable || nstage == DSMENV_HEAP_PAGES)
		return -1;
	staged[nstage] = (struct ps_page){ .page = page, .version = v, .data = data };
	nstage++;
	return 0;
}

int psnode_commit(uint64_t t, uint32_t npages, bool full)
{
	uint64_t us, held_us;
	int r;

	if (!usable || npages != nstage)
		return -1;
	held_us = time_us() - ckpt_t0;  /* the token went back just before this call */
	r = ps_append(&img, staged, nstage, t, full, &idx);  /* idx follows it */
	us = time_us() - ckpt_t0;
	if (r < 0) {
		kprintf("pageserver: error: checkpoint at gtime %llu: %s\n", t, ps_strerror(r));
		st.failed++;
		idx_stale = 1;          /* half updated: scan the disk before trusting it */
		return -1;
	}
	st.ckpts++;
	st.last_us = us;
	st.last_bytes = (uint64_t)nstage * PS_PAGE_SIZE;
	kprintf("pageserver: checkpoint at gtime %llu: %u pages (%s), %llu KB in %llu us "
		"(token held %llu us, written in %llu us)\n", t, nstage,
		full ? "full" : "incremental", st.last_bytes / 1024u, us, held_us, us - held_us);
	return 0;
}

/* The newest good checkpoint's copy of a page (a reset reloads them all). */
int psnode_read(uint32_t page, uint8_t *buf, uint64_t *v)
{
	int r;

	if (!usable)
		return -1;
	if (idx_stale) {
		if ((r = ps_scan(&img, &idx, 0)) < 0) {
			kprintf("pageserver: error: rescanning the disk: %s\n", ps_strerror(r));
			return -1;
		}
		idx_stale = 0;
	}
	if (page >= DSMENV_HEAP_PAGES || idx_e[page].block == 0)
		return 1;
	r = ps_read_page(&img, &idx, page, buf, v);
	if (r < 0)
		kprintf("pageserver: error: page %u of the image: %s\n", page, ps_strerror(r));
	return r < 0 ? -1 : 0;
}

uint32_t psnode_scratch_mb(void)
{
	return ata_present() && ata_info()->sectors >= 2u * PSNODE_SCRATCH_SECTORS
	       ? PSNODE_SCRATCH_SECTORS / 2048u : 0;
}

void psnode_die_after(uint32_t sectors)
{
	die_after = sectors;
	dev.write_blocks = 0;   /* a block at a time: it can stop between two */
}

int psnode_usable(void)
{
	return usable;
}

const struct psnode_stats *psnode_stats(void)
{
	return &st;
}

const struct ps_image *psnode_image(void)
{
	return &img;
}

const struct dsmenv_disk psnode_disk = {
	.begin = psnode_begin, .save = psnode_save, .commit = psnode_commit, .read = psnode_read,
};
