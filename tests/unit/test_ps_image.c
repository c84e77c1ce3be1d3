/*
 * test_ps_image.c: the PageServer image (pageserver/image.c) on a RAM disk.
 * The RAM disk checks that the image never reads or writes outside the
 * device, and can die after a given number of written sectors (a PageServer
 * killed mid-write). Page contents are a function of (page, version), so any
 * page read back can be checked against what was written.
 *
 *   empty image, call order, argument checks
 *   three incremental checkpoints restore exactly the newest pages
 *   a torn last checkpoint (cut at many points) restores the previous one
 *   one flipped bit in a data block / segment header / commit: detected,
 *   reported, the previous good checkpoint restores
 *   truncated and garbage images: clean errors; seeded mutations of a valid
 *   image never crash and never return a page that was not written
 *   the log wraps many times under the full-checkpoint rule
 *   a torn superblock rewrite: the other copy is used
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pageserver/image.h"
#include "tests/unit/check.h"

#define HEAP_PAGES 512u
#define DISK_MB    4u

struct ramdisk {
	uint8_t *mem;
	uint64_t sectors;
	uint64_t budget;        /* sectors it may still write before it dies */
	int outside;            /* requests beyond the device (must stay 0) */
	int dead;
};

struct fixture {
	struct ramdisk rd;
	struct ps_dev dev;
	struct ps_image img;
	struct ps_index idx;
	struct ps_index_entry entries[HEAP_PAGES];
	uint64_t want[HEAP_PAGES];      /* model: newest version of each page, 0 = none */
	uint64_t tried[HEAP_PAGES];     /* the model had the last append succeeded */
	uint64_t gtime;
};

static int rd_read(void *ctx, uint64_t lba, uint32_t n, void *buf)
{
	struct ramdisk *rd = ctx;

	if (lba > rd->sectors || n > rd->sectors - lba) {
		rd->outside++;
		return -1;
	}
	memcpy(buf, rd->mem + lba * PS_SECTOR_SIZE, (size_t)n * PS_SECTOR_SIZE);
	return 0;
}

/* Writes whole sectors until the budget runs out, then fails for good. */
static int rd_write(void *ctx, uint64_t lba, uint32_t n, const void *buf)
{
	struct ramdisk *rd = ctx;
	uint32_t ok = n;

	if (lba > rd->sectors || n > rd->sectors - lba) {
		rd->outside++;
		return -1;
	}
	if (rd->dead)
		return -1;
	if (ok > rd->budget)
		ok = (uint32_t)rd->budget;
	memcpy(rd->mem + lba * PS_SECTOR_SIZE, buf, (size_t)ok * PS_SECTOR_SIZE);
	rd->budget -= ok;
	if (ok < n)
		rd->dead = 1;
	return ok < n ? -1 : 0;
}

/* Gathered blocks, as the kernel's DMA does them: one request. */
static int rd_write_blocks(void *ctx, uint64_t lba, const void *const *blocks, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (rd_write(ctx, lba + (uint64_t)i * PS_SECTORS_PER_BLOCK, PS_SECTORS_PER_BLOCK,
			     blocks[i]) < 0)
			return -1;
	return 0;
}

static int rd_flush(void *ctx)
{
	return ((struct ramdisk *)ctx)->dead ? -1 : 0;
}

static struct fixture *fx_new(uint64_t bytes)
{
	struct fixture *f = calloc(1, sizeof *f);

	f->rd.sectors = bytes / PS_SECTOR_SIZE;
	f->rd.mem = calloc(1, bytes);
	f->rd.budget = UINT64_MAX;
	f->dev = (struct ps_dev){ rd_read, rd_write, rd_flush, &f->rd, f->rd.sectors,
				  rd_write_blocks };
	f->idx = (struct ps_index){ f->entries, HEAP_PAGES, 0 };
	return f;
}

static void fx_free(struct fixture *f)
{
	CHECK(f->rd.outside == 0);
	free(f->rd.mem);
	free(f);
}

static int fx_format(struct fixture *f)
{
	struct ps_format_params p = { 7, HEAP_PAGES, 0x5eed1234u };

	return ps_format(&f->img, &f->dev, &p);
}

static int fx_open_scan(struct fixture *f, const struct ps_scan_cb *cb)
{
	int r = ps_open(&f->img, &f->dev);

	return r ? r : ps_scan(&f->img, &f->idx, cb);
}

static void page_fill(uint8_t *buf, uint32_t page, uint64_t version)
{
	uint32_t x = page * 2654435761u ^ (uint32_t)version * 40503u ^ 0xA5A5A5A5u;

	for (uint32_t i = 0; i < PS_PAGE_SIZE; i++) {
		x ^= x << 13, x ^= x >> 17, x ^= x << 5;
		buf[i] = (uint8_t)x;
	}
}

/* Checkpoint the pages [lo, hi) step `step` at the next global time. */
static int fx_ckpt(struct fixture *f, uint32_t lo, uint32_t hi, uint32_t step, bool full)
{
	static uint8_t data[HEAP_PAGES][PS_PAGE_SIZE];
	static struct ps_page pages[HEAP_PAGES];
	uint32_t n = 0;
	int r;

	f->gtime += 10;
	for (uint32_t p = lo; p < hi; p += step, n++) {
		page_fill(data[n], p, f->gtime);
		pages[n] = (struct ps_page){ p, f->gtime, data[n] };
	}
	r = ps_append(&f->img, pages, n, f->gtime, full, &f->idx);
	memcpy(f->tried, f->want, sizeof f->tried);
	if (full)
		memset(f->tried, 0, sizeof f->tried);
	for (uint32_t i = 0; i < n && r != PS_EINVAL; i++)
		f->tried[pages[i].page] = f->gtime;
	if (r == PS_OK)
		memcpy(f->want, f->tried, sizeof f->want);
	return r;
}

/* Every page restores exactly as the model says, and nothing else is there. */
static int fx_matches(struct fixture *f, const uint64_t *want)
{
	static uint8_t got[PS_PAGE_SIZE], exp[PS_PAGE_SIZE];
	int bad = 0;

	for (uint32_t p = 0; p < HEAP_PAGES; p++) {
		uint64_t v = 0;
		int r = ps_read_page(&f->img, &f->idx, p, got, &v);

		if (!want[p]) {
			bad += r != PS_ENOPAGE;
			continue;
		}
		page_fill(exp, p, want[p]);
		bad += r != PS_OK || v != want[p] || memcmp(got, exp, PS_PAGE_SIZE) != 0;
	}
	return bad == 0;
}

struct report {
	uint32_t n;
	struct ps_ckpt_info ck[16];
};

static void on_ckpt(void *ctx, const struct ps_ckpt_info *ck)
{
	struct report *rep = ctx;

	if (rep->n < 16)
		rep->ck[rep->n] = *ck;
	rep->n++;
}

/* Format, then checkpoints 1 (full, 300 pages: two segments), 2 and 3
 * (incremental); saves the model after each one. */
static void fx_three(struct fixture *f, uint64_t want[3][HEAP_PAGES])
{
	REQUIRE(fx_format(f) == PS_OK);
	REQUIRE(fx_open_scan(f, NULL) == PS_OK);
	REQUIRE(fx_ckpt(f, 0, 300, 1, true) == PS_OK);
	memcpy(want[0], f->want, sizeof f->want);
	REQUIRE(fx_ckpt(f, 0, 300, 7, false) == PS_OK);
	memcpy(want[1], f->want, sizeof f->want);
	REQUIRE(fx_ckpt(f, 250, 400, 3, false) == PS_OK);
	memcpy(want[2], f->want, sizeof f->want);
}

TEST(ps_empty_image_and_call_order)
{
	struct fixture *f = fx_new(DISK_MB << 20);
	uint8_t buf[PS_PAGE_SIZE];

	CHECK(ps_open(&f->img, &f->dev) == PS_ENOFMT);
	CHECK(ps_scan(&f->img, &f->idx, NULL) == PS_ESTATE);
	CHECK(fx_format(f) == PS_OK);
	CHECK(fx_ckpt(f, 0, 1, 1, true) == PS_ESTATE);
	REQUIRE(fx_open_scan(f, NULL) == PS_OK);
	CHECK(f->img.restore.seq == 0 && f->img.nckpts == 0 && f->img.need_full);
	CHECK(f->img.sb.cluster == 7 && f->img.sb.heap_pages == HEAP_PAGES);
	CHECK(fx_ckpt(f, 0, 4, 1, false) == PS_ENEEDFULL);
	CHECK(ps_read_page(&f->img, &f->idx, 3, buf, NULL) == PS_ENOPAGE);
	CHECK(fx_ckpt(f, HEAP_PAGES, HEAP_PAGES + 1, 1, true) == PS_EINVAL);
	CHECK(ps_append(&f->img, NULL, 0, 1, true, NULL) == PS_OK);  /* an empty full checkpoint */
	CHECK(ps_append(&f->img, NULL, 0, 1, false, NULL) == PS_EINVAL); /* time did not advance */
	f->idx.cap = HEAP_PAGES - 1;
	CHECK(ps_scan(&f->img, &f->idx, NULL) == PS_EINVAL);
	fx_free(f);
}

TEST(ps_three_incremental_restore_newest)
{
	struct fixture *f = fx_new(DISK_MB << 20);
	static uint64_t want[3][HEAP_PAGES];
	struct report rep = { 0 };
	struct ps_scan_cb cb = { &rep, on_ckpt, NULL };

	fx_three(f, want);
	REQUIRE(fx_open_scan(f, &cb) == PS_OK);
	CHECK(rep.n == 3 && f->img.nckpts == 3);
	for (uint32_t i = 0; i < 3 && i < rep.n; i++)
		CHECK(rep.ck[i].verdict == PS_GOOD && rep.ck[i].seq == i + 1 &&
		      rep.ck[i].gtime == 10 * (i + 1) && rep.ck[i].full == (i == 0));
	CHECK(rep.ck[0].npages == 300 && rep.ck[0].nsegs == 2);
	CHECK(f->img.restore.seq == 3 && f->img.newest.seq == 3 && !f->img.need_full);
	CHECK(f->idx.npages == 300 + 33);      /* 301, 304, ... 397 are new in 3 */
	CHECK(fx_matches(f, want[2]));
	CHECK(f->img.cnt.data_bad == 0 && f->img.cnt.rec_bad == 0);
	/* appending after a scan continues the log */
	CHECK(fx_ckpt(f, 5, 6, 1, false) == PS_OK);
	REQUIRE(fx_open_scan(f, NULL) == PS_OK);
	CHECK(f->img.restore.seq == 4 && fx_matches(f, f->want));
	fx_free(f);
}

/* The index ps_append keeps (the PageServer reads pages back through it
 * after each checkpoint) is the one a scan of the disk builds. */
TEST(ps_append_keeps_the_index_a_scan_builds)
{
	struct fixture *f = fx_new(DISK_MB << 20);
	static struct ps_index_entry kept[HEAP_PAGES];
	uint32_t kept_n;

	REQUIRE(fx_format(f) == PS_OK && fx_open_scan(f, NULL) == PS_OK);
	CHECK(fx_ckpt(f, 0, 300, 1, true) == PS_OK);
	CHECK(fx_ckpt(f, 100, 400, 3, false) == PS_OK);
	CHECK(fx_ckpt(f, 250, 260, 1, false) == PS_OK);
	memcpy(kept, f->entries, sizeof kept);
	kept_n = f->idx.npages;
	REQUIRE(fx_open_scan(f, NULL) == PS_OK);
	CHECK(kept_n == f->idx.npages && kept_n == 300 + 33);
	CHECK(memcmp(kept, f->entries, sizeof kept) == 0);
	CHECK(fx_ckpt(f, 10, 20, 1, true) == PS_OK);   /* a full one starts afresh */
	memcpy(kept, f->entries, sizeof kept);
	REQUIRE(fx_open_scan(f, NULL) == PS_OK);
	CHECK(f->idx.npages == 10 && memcmp(kept, f->entries, sizeof kept) == 0);
	fx_free(f);
}

TEST(ps_torn_last_checkpoint_falls_back)
{
	static uint64_t want[HEAP_PAGES];
	/* checkpoint 3 is 52 blocks (header, 50 pages, commit) = 416 sectors: cut
	 * inside header 0, right after it, in the data, before the commit, and
	 * inside the commit. The commit's header is in its first sector and the
	 * rest of the block is zero, as on this fresh disk: once that sector is
	 * written the checkpoint is complete (its data was flushed before). */
	static const uint64_t cuts[] = { 1, 7, 8, 9, 100, 257, 407, 408, 409, 415 };

	for (size_t i = 0; i < sizeof cuts / sizeof cuts[0]; i++) {
		struct fixture *f = fx_new(DISK_MB << 20);
		uint64_t cut = cuts[i], seq;

		REQUIRE(fx_format(f) == PS_OK && fx_open_scan(f, NULL) == PS_OK);
		REQUIRE(fx_ckpt(f, 0, 300, 1, true) == PS_OK);
		REQUIRE(fx_ckpt(f, 0, 300, 7, false) == PS_OK);
		memcpy(want, f->want, sizeof want);
		f->rd.budget = cut;     /* dies `cut` sectors into checkpoint 3 */
		CHECK(fx_ckpt(f, 250, 400, 3, false) == PS_EIO);
		f->rd.dead = 0;
		f->rd.budget = UINT64_MAX;
		REQUIRE(fx_open_scan(f, NULL) == PS_OK);
		seq = cut > 408 ? 3 : 2;
		CHECK(f->img.restore.seq == seq && f->img.newest.seq == seq && !f->img.need_full);
		/* header 0 (64 + 50 x 16 bytes: 2 sectors, the rest zero) not
		 * written: the log simply ends there */
		CHECK(f->img.cnt.torn == (cut >= 2 && seq == 2));
		CHECK(f->img.nckpts == 2 + (cut >= 2));
		CHECK(fx_matches(f, seq == 3 ? f->tried : want));
		memcpy(f->want, seq == 3 ? f->tried : want, sizeof f->want);
		CHECK(fx_ckpt(f, 250, 400, 3, false) == PS_OK);   /* overwrites a torn one */
		REQUIRE(fx_open_scan(f, NULL) == PS_OK);
		CHECK(f->img.restore.seq == seq + 1 && f->img.cnt.torn == 0);
		CHECK(fx_matches(f, f->want));
		fx_free(f);
	}
}

/* Flip one bit of block b, rescan; the report and the scan's result. */
static int flip_and_scan(struct fixture *f, uint32_t b, uint32_t byte, struct report *rep)
{
	struct ps_scan_cb cb = { rep, on_ckpt, NULL };

	f->rd.mem[(size_t)b * PS_BLOCK_SIZE + byte] ^= 0x10;
	memset(rep, 0, sizeof *rep);
	return fx_open_scan(f, &cb);
}

TEST(ps_bitflip_detected_previous_restores)
{
	static uint64_t want[3][HEAP_PAGES];
	struct report rep;
	struct fixture *f = fx_new(DISK_MB << 20);
	uint32_t c3, c2, seg1 = PS_LOG_START + 1 + PS_SEG_PAGES_MAX;

	fx_three(f, want);
	c3 = f->img.restore.block;      /* checkpoint 3: header, 50 pages, commit */
	c2 = c3 - (1 + 43 + 1);         /* checkpoint 2: header, 43 pages, commit */
	CHECK(flip_and_scan(f, c3 + 5, 100, &rep) == PS_OK);    /* a data block of 3 */
	REQUIRE(rep.n == 3);
	CHECK(rep.ck[2].verdict == PS_CORRUPT && rep.ck[2].why == PS_WHY_DATA_CRC &&
	      rep.ck[2].bad_block == c3 + 5);
	CHECK(f->img.restore.seq == 2 && f->img.need_full && fx_matches(f, want[1]));
	CHECK(f->img.cnt.data_bad == 1 && f->img.cnt.corrupt == 1);
	CHECK(fx_ckpt(f, 0, 1, 1, false) == PS_ENEEDFULL);
	CHECK(flip_and_scan(f, c2 + 1, 7, &rep) == PS_OK);     /* one of 2: 3 builds on it */
	CHECK(rep.ck[1].verdict == PS_CORRUPT && rep.ck[2].verdict == PS_CORRUPT);
	CHECK(f->img.restore.seq == 1 && fx_matches(f, want[0]));
	CHECK(flip_and_scan(f, c3 + 5, 100, &rep) == PS_OK);   /* 3's data is good again */
	CHECK(rep.ck[2].verdict == PS_UNUSABLE && rep.ck[2].why == PS_WHY_CHAIN);
	CHECK(flip_and_scan(f, c2 + 1, 7, &rep) == PS_OK);     /* all good again */
	CHECK(f->img.restore.seq == 3 && fx_matches(f, want[2]));
	/* segment header 1 of checkpoint 1: nothing restorable, all reported */
	CHECK(flip_and_scan(f, seg1, 70, &rep) == PS_ENOCKPT);
	CHECK(rep.n == 3 && rep.ck[0].verdict == PS_CORRUPT &&
	      rep.ck[0].why == PS_WHY_SEG_HEADER && rep.ck[0].bad_block == seg1);
	CHECK(rep.ck[1].verdict == PS_UNUSABLE && rep.ck[2].verdict == PS_UNUSABLE);
	CHECK(flip_and_scan(f, seg1, 70, &rep) == PS_OK);
	/* segment header 0 of checkpoint 3: the log ends before it */
	CHECK(flip_and_scan(f, c3, 70, &rep) == PS_OK);
	CHECK(rep.n == 2 && f->img.restore.seq == 2 && fx_matches(f, want[1]));
	CHECK(flip_and_scan(f, c3, 70, &rep) == PS_OK);
	/* the commit record of checkpoint 3: torn */
	CHECK(flip_and_scan(f, f->img.head - 1, 3000, &rep) == PS_OK);
	CHECK(rep.ck[2].verdict == PS_TORN && rep.ck[2].why == PS_WHY_NO_COMMIT);
	CHECK(f->img.restore.seq == 2 && fx_matches(f, want[1]));
	fx_free(f);
}

TEST(ps_truncated_image_is_a_clear_error)
{
	struct fixture *f = fx_new(DISK_MB << 20);

	REQUIRE(fx_format(f) == PS_OK);
	f->dev.sectors = (DISK_MB << 20) / PS_SECTOR_SIZE - 1;
	CHECK(ps_open(&f->img, &f->dev) == PS_ETRUNC);
	f->dev.sectors = 15;            /* not even both superblocks */
	CHECK(ps_open(&f->img, &f->dev) == PS_ETRUNC);
	f->dev.sectors = 0;
	CHECK(ps_open(&f->img, &f->dev) == PS_ETRUNC);
	f->dev.sectors = 8;             /* too small to format */
	CHECK(fx_format(f) == PS_ESMALL);
	fx_free(f);
}

static uint32_t rng(uint32_t *s)
{
	*s ^= *s << 13, *s ^= *s >> 17, *s ^= *s << 5;
	return *s;
}

TEST(ps_garbage_image_is_a_clean_error)
{
	struct fixture *f = fx_new(DISK_MB << 20);
	uint32_t s = 12345;

	for (size_t i = 0; i < (DISK_MB << 20); i++)
		f->rd.mem[i] = (uint8_t)rng(&s);
	CHECK(ps_open(&f->img, &f->dev) == PS_ENOFMT);
	memcpy(f->rd.mem, "PXSB", 4);  /* the magic but nothing behind it */
	CHECK(ps_open(&f->img, &f->dev) == PS_EBADSB);
	REQUIRE(fx_format(f) == PS_OK);  /* a good superblock over a garbage log */
	CHECK(fx_open_scan(f, NULL) == PS_OK && f->img.nckpts == 0);
	fx_free(f);
}

/* Any page the image hands out must be exactly one that was written. */
static int pages_written_only(struct fixture *f, const uint64_t want[3][HEAP_PAGES])
{
	static uint8_t got[PS_PAGE_SIZE], exp[PS_PAGE_SIZE];
	int bad = 0;

	for (uint32_t p = 0; p < HEAP_PAGES; p++) {
		uint64_t v = 0;
		int known = 0;

		if (ps_read_page(&f->img, &f->idx, p, got, &v) != PS_OK)
			continue;
		for (int k = 0; k < 3; k++)
			known |= want[k][p] == v;
		page_fill(exp, p, v);
		bad += !known || memcmp(got, exp, PS_PAGE_SIZE) != 0;
	}
	return bad == 0;
}

TEST(ps_mutated_images_never_crash)
{
	static uint64_t want[3][HEAP_PAGES];
	struct fixture *f = fx_new(2 << 20);
	uint8_t *good = malloc(2 << 20);
	uint32_t s = 777, used;

	fx_three(f, want);
	used = f->img.head;
	memcpy(good, f->rd.mem, 2 << 20);
	for (int round = 0; round < 100; round++) {
		int r;

		memcpy(f->rd.mem, good, 2 << 20);
		for (int k = 0, n = 1 + (int)(rng(&s) % 8); k < n; k++) {
			uint32_t b = rng(&s) % used, off = rng(&s) % 64;
			if (rng(&s) % 2)        /* a record header field or a random byte */
				off = rng(&s) % PS_BLOCK_SIZE;
			f->rd.mem[(size_t)b * PS_BLOCK_SIZE + off] ^= (uint8_t)(1 + rng(&s) % 255);
		}
		r = fx_open_scan(f, NULL);
		CHECK(r == PS_OK || r == PS_ENOCKPT || r == PS_EBADSB || r == PS_ENOFMT);
		if (r == PS_OK)
			CHECK(pages_written_only(f, want));
	}
	free(good);
	fx_free(f);
}

TEST(ps_log_wraps_under_the_full_rule)
{
	struct fixture *f = fx_new(64 * PS_BLOCK_SIZE * 4);     /* 254 log blocks */
	int fulls = 0, wraps = 0;
	uint32_t last_head = 0;

	REQUIRE(fx_format(f) == PS_OK && fx_open_scan(f, NULL) == PS_OK);
	for (int round = 0; round < 60; round++) {
		bool full = ps_want_full(&f->img);
		uint32_t lo = (uint32_t)round % 30;

		REQUIRE(full ? fx_ckpt(f, 0, 40, 1, true) == PS_OK
			     : fx_ckpt(f, lo, lo + 10, 1, false) == PS_OK);
		fulls += full;
		wraps += f->img.head < last_head;
		last_head = f->img.head;
		REQUIRE(fx_open_scan(f, NULL) == PS_OK);
		CHECK(f->img.restore.seq == f->img.newest.seq && fx_matches(f, f->want));
	}
	CHECK(fulls >= 3 && wraps >= 2);
	/* a checkpoint larger than the log never fits */
	CHECK(fx_ckpt(f, 0, HEAP_PAGES, 1, true) == PS_ENOSPC);
	fx_free(f);
}

TEST(ps_log_full_without_full_checkpoints)
{
	struct fixture *f = fx_new(64 * PS_BLOCK_SIZE * 4);
	int r = PS_OK, n = 0;

	REQUIRE(fx_format(f) == PS_OK && fx_open_scan(f, NULL) == PS_OK);
	REQUIRE(fx_ckpt(f, 0, 40, 1, true) == PS_OK);
	while (n++ < 100 && (r = fx_ckpt(f, 0, 20, 1, false)) == PS_OK)
		;
	CHECK(r == PS_ENOSPC);  /* the live log is never overwritten */
	REQUIRE(fx_open_scan(f, NULL) == PS_OK);
	CHECK(fx_matches(f, f->want));
	fx_free(f);
}

TEST(ps_torn_superblock_uses_other_copy)
{
	struct fixture *f = fx_new(64 * PS_BLOCK_SIZE * 4);
	uint32_t tail;

	REQUIRE(fx_format(f) == PS_OK && fx_open_scan(f, NULL) == PS_OK);
	REQUIRE(fx_ckpt(f, 0, 40, 1, true) == PS_OK);
	REQUIRE(fx_ckpt(f, 0, 40, 1, true) == PS_OK);
	REQUIRE(fx_ckpt(f, 0, 40, 1, true) == PS_OK);     /* the tail moves to #2 */
	tail = f->img.sb.tail;
	REQUIRE(fx_open_scan(f, NULL) == PS_OK);
	CHECK(tail != PS_LOG_START && f->img.sb.tail == tail && f->img.nckpts == 2);
	f->rd.mem[(size_t)f->img.sb_copy * PS_BLOCK_SIZE + 9] ^= 1;
	REQUIRE(fx_open_scan(f, NULL) == PS_OK);            /* the older copy: tail #1 */
	CHECK(f->img.sb.tail == PS_LOG_START && f->img.nckpts == 3 && f->img.cnt.sb_bad == 1);
	CHECK(f->img.restore.seq == 3 && fx_matches(f, f->want));
	fx_free(f);
}
