/*
 * psimage.c: inspect, verify and make PageServer disk images (the format of
 * pageserver/format.h, through the same pageserver/image.c the kernel runs).
 * A host tool: reads and writes only the image file it is given.
 *
 *   psimage [-v] <image>                 superblock, every checkpoint (global
 *                                        time, pages, bytes, verdict), with -v
 *                                        every page; then one `verdict:` line
 *   psimage --format <image> <MB> [cluster [heap_pages]]
 *                                        create (or overwrite) an empty image
 *   psimage --append <image> <pages> [full]
 *                                        append one synthetic checkpoint of
 *                                        pages 0 .. pages-1 (for tests)
 *   psimage --has-page <image> <page>    does the restore point hold the page
 *                                        (written once at least)? Exit 0 yes,
 *                                        1 no (tools/cluster: is a kernel in
 *                                        it, the code area's descriptor page)
 *
 * Exit status: 0 the newest checkpoint verifies and is the restore point (or
 * the log is empty); 1 the image restores only from an older checkpoint, or
 * not at all; 2 the file is missing, unreadable, truncated or not an image,
 * or bad usage. Every failure prints one line saying why.
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pageserver/image.h"

#define HEAP_PAGES_DEFAULT 262144u      /* the 1 GiB heap range of kernel/memlayout.h */
#define EXIT_FALLBACK 1
#define EXIT_BAD 2

struct file_dev {
	int fd;
	uint64_t bytes;         /* the file's size */
	struct ps_dev dev;
};

static int file_read(void *ctx, uint64_t lba, uint32_t n, void *buf)
{
	size_t len = (size_t)n * PS_SECTOR_SIZE;

	return pread(*(int *)ctx, buf, len, (off_t)(lba * PS_SECTOR_SIZE)) == (ssize_t)len ? 0 : -1;
}

static int file_write(void *ctx, uint64_t lba, uint32_t n, const void *buf)
{
	size_t len = (size_t)n * PS_SECTOR_SIZE;

	return pwrite(*(int *)ctx, buf, len, (off_t)(lba * PS_SECTOR_SIZE)) == (ssize_t)len ? 0 : -1;
}

static int file_flush(void *ctx)
{
	return fsync(*(int *)ctx);
}

static int fail(const char *path, const char *why)
{
	fprintf(stderr, "psimage: %s: %s\n", path, why);
	return EXIT_BAD;
}

/* Open the image file as a device; -1 with a message printed. */
static int file_open(struct file_dev *f, const char *path, int flags)
{
	struct stat st;

	f->fd = open(path, flags, 0644);
	if (f->fd < 0 || fstat(f->fd, &st) < 0) {
		fail(path, strerror(errno));
		return -1;
	}
	f->bytes = (uint64_t)st.st_size;
	f->dev = (struct ps_dev){ .read = file_read, .write = file_write, .flush = file_flush,
				  .ctx = &f->fd, .sectors = f->bytes / PS_SECTOR_SIZE };
	return 0;
}

static void on_ckpt(void *ctx, const struct ps_ckpt_info *ck)
{
	(void)ctx;
	printf("ckpt %u gtime %llu %s %u pages %llu bytes blocks %u..%u segs %u: %s",
	       ck->seq, (unsigned long long)ck->gtime, ck->full ? "full" : "incr", ck->npages,
	       (unsigned long long)ck->npages * PS_PAGE_SIZE, ck->first,
	       ck->first + ck->blocks - 1, ck->nsegs, ps_verdict_name(ck->verdict));
	if (ck->verdict != PS_GOOD)
		printf(" (%s, block %u)", ps_why_name(ck->why), ck->bad_block);
	printf("\n");
}

static void on_page(void *ctx, const struct ps_ckpt_info *ck, const struct ps_entry *e,
		    uint32_t block, bool ok)
{
	(void)ctx;
	printf("  ckpt %u page %u version %llu block %u %s\n", ck->seq, e->page,
	       (unsigned long long)e->version, block, ok ? "ok" : "BAD CHECKSUM");
}

static void print_super(const struct ps_image *img, const char *path)
{
	const struct ps_super *sb = &img->sb;

	printf("image %s\n", path);
	printf("superblock copy %d sb_seq %u version %u cluster %u nonce 0x%08x\n",
	       img->sb_copy, sb->sb_seq, sb->version, sb->cluster, sb->nonce);
	printf("geometry %llu sectors (%llu MB) block %u log %u..%u heap_pages %u\n",
	       (unsigned long long)sb->disk_sectors,
	       (unsigned long long)(sb->disk_sectors * PS_SECTOR_SIZE >> 20), sb->block_size,
	       sb->log_start, sb->log_end - 1, sb->heap_pages);
	printf("tail block %u seq %u\n", sb->tail, sb->tail_seq);
}

static void print_counters(const struct ps_counters *c)
{
	printf("counters reads %u writes %u io_errors %u sb_bad %u rec_bad %u data_bad %u "
	       "len_bad %u torn %u corrupt %u unusable %u\n", c->reads, c->writes,
	       c->io_errors, c->sb_bad, c->rec_bad, c->data_bad, c->len_bad, c->torn,
	       c->corrupt, c->unusable);
}

/* The closing line and the exit status (see the top of the file). */
static int verdict(const struct ps_image *img, const struct ps_index *idx, int scan)
{
	const struct ps_ref *r = &img->restore;

	if (img->nckpts == 0) {
		printf("verdict: ok: empty log, nothing to restore\n");
		return 0;
	}
	if (scan == PS_ENOCKPT || !r->seq) {
		printf("verdict: FAIL: %u checkpoints, none restorable\n", img->nckpts);
		return EXIT_FALLBACK;
	}
	printf("restore ckpt %u gtime %llu pages %u; next checkpoint at block %u seq %u%s\n",
	       r->seq, (unsigned long long)r->gtime, idx->npages, img->head, img->next_seq,
	       img->need_full ? " (must be full)" : "");
	if (img->cnt.torn || r->seq != img->newest.seq) {      /* a newer one failed */
		printf("verdict: FALLBACK: the newest checkpoint does not verify; restore uses "
		       "ckpt %u (gtime %llu)\n", r->seq, (unsigned long long)r->gtime);
		return EXIT_FALLBACK;
	}
	printf("verdict: ok: newest checkpoint %u (gtime %llu) verifies\n", r->seq,
	       (unsigned long long)r->gtime);
	return 0;
}

/* Open and scan; the index is allocated here. A message and EXIT_BAD on
 * anything that is not a readable image. */
static int load(struct file_dev *f, struct ps_image *img, struct ps_index *idx,
		const char *path, int flags, const struct ps_scan_cb *cb, int *scan)
{
	int r;

	if (file_open(f, path, flags) < 0)
		return EXIT_BAD;
	r = ps_open(img, &f->dev);
	if (r == PS_ETRUNC) {
		fprintf(stderr, "psimage: %s: %s (%llu bytes; ", path, ps_strerror(r),
			(unsigned long long)f->bytes);
		if (img->sb.disk_sectors)
			fprintf(stderr, "the superblock says %llu)\n",
				(unsigned long long)img->sb.disk_sectors * PS_SECTOR_SIZE);
		else
			fprintf(stderr, "smaller than the two superblocks)\n");
		return EXIT_BAD;
	}
	if (r != PS_OK)
		return fail(path, ps_strerror(r));
	idx->cap = img->sb.heap_pages;
	idx->e = calloc(idx->cap, sizeof idx->e[0]);
	if (!idx->e)
		return fail(path, "out of memory for the restore index");
	if (cb)
		print_super(img, path);
	*scan = ps_scan(img, idx, cb);
	if (*scan != PS_OK && *scan != PS_ENOCKPT)
		return fail(path, ps_strerror(*scan));
	return 0;
}

static int cmd_check(const char *path, bool verbose)
{
	static struct ps_image img;
	struct ps_scan_cb cb = { NULL, on_ckpt, verbose ? on_page : NULL };
	struct ps_index idx = { 0 };
	struct file_dev f;
	int scan = 0, r = load(&f, &img, &idx, path, O_RDONLY, &cb, &scan);

	if (r == 0) {
		print_counters(&img.cnt);
		r = verdict(&img, &idx, scan);
	}
	free(idx.e);
	return r;
}

static int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int cmd_format(int argc, char **argv)
{
	static struct ps_image img;
	struct ps_format_params p = { 1, HEAP_PAGES_DEFAULT, 0 };
	uint32_t mb, cluster = 1;
	struct file_dev f;
	int r;

	if (argc < 4 || argc > 6 || parse_u32(argv[3], 1, 1u << 20, &mb) < 0 ||
	    (argc > 4 && parse_u32(argv[4], 0, 65535, &cluster) < 0) ||
	    (argc > 5 && parse_u32(argv[5], 1, PS_HEAP_PAGES_MAX, &p.heap_pages) < 0))
		return fail("--format", "usage: psimage --format <image> <MB> [cluster [heap_pages]]");
	p.cluster = (uint16_t)cluster;
	p.nonce = (uint32_t)time(NULL) ^ ((uint32_t)getpid() << 16);
	if (file_open(&f, argv[2], O_RDWR | O_CREAT | O_TRUNC) < 0)
		return EXIT_BAD;
	if (ftruncate(f.fd, (off_t)mb << 20) < 0)
		return fail(argv[2], strerror(errno));
	f.dev.sectors = (uint64_t)mb << 20 >> 9;
	r = ps_format(&img, &f.dev, &p);
	close(f.fd);
	if (r != PS_OK)
		return fail(argv[2], ps_strerror(r));
	printf("formatted %s: %u MB, cluster %u, heap_pages %u\n", argv[2], mb, p.cluster,
	       p.heap_pages);
	return 0;
}

/* Synthetic page contents: a function of (page, version). */
static void page_fill(uint8_t *buf, uint32_t page, uint64_t version)
{
	for (uint32_t i = 0; i < PS_PAGE_SIZE; i++)
		buf[i] = (uint8_t)(page * 31 + version * 7 + i);
}

static int append_synthetic(struct ps_image *img, uint32_t n, bool full, const char *path)
{
	uint64_t gtime = img->newest.gtime + 1;
	struct ps_page *pages = calloc(n ? n : 1, sizeof *pages);
	uint8_t *data = calloc(n ? n : 1, PS_PAGE_SIZE);
	int r = PS_OK;

	if (!pages || !data)
		r = PS_EINVAL;
	for (uint32_t i = 0; r == PS_OK && i < n; i++) {
		page_fill(data + (size_t)i * PS_PAGE_SIZE, i, gtime);
		pages[i] = (struct ps_page){ i, gtime, data + (size_t)i * PS_PAGE_SIZE };
	}
	if (r == PS_OK)
		r = ps_append(img, pages, n, gtime, full, NULL);
	free(pages);
	free(data);
	if (r != PS_OK)
		return fail(path, ps_strerror(r));
	printf("appended ckpt %u gtime %llu %s %u pages\n", img->newest.seq,
	       (unsigned long long)gtime, full ? "full" : "incr", n);
	return 0;
}

static int cmd_append(int argc, char **argv)
{
	static struct ps_image img;
	struct ps_index idx = { 0 };
	struct file_dev f;
	uint32_t n;
	int scan = 0, r;

	if (argc < 4 || argc > 5 || parse_u32(argv[3], 0, PS_HEAP_PAGES_MAX, &n) < 0 ||
	    (argc == 5 && strcmp(argv[4], "full")))
		return fail("--append", "usage: psimage --append <image> <pages> [full]");
	r = load(&f, &img, &idx, argv[2], O_RDWR, NULL, &scan);
	if (r == 0 && n > img.sb.heap_pages)
		r = fail(argv[2], "more pages than the image's heap_pages");
	if (r == 0)
		r = append_synthetic(&img, n, argc == 5, argv[2]);
	free(idx.e);
	return r;
}

/* The restore point's index of the image at path, read only: 0, or the exit status. */
static int restore_index(const char *path, struct ps_index *idx, int *scan)
{
	static struct ps_image img;
	struct file_dev f;

	return load(&f, &img, idx, path, O_RDONLY, NULL, scan);
}

static int cmd_has_page(int argc, char **argv)
{
	struct ps_index idx = { 0 };
	uint32_t page;
	int scan = 0, has;

	if (argc != 4 || parse_u32(argv[3], 0, PS_HEAP_PAGES_MAX - 1, &page) < 0)
		return fail("--has-page", "usage: psimage --has-page <image> <page>");
	if (restore_index(argv[2], &idx, &scan) != 0) {
		free(idx.e);
		return EXIT_BAD;
	}
	has = scan == PS_OK && page < idx.cap && idx.e[page].version != 0;
	free(idx.e);
	printf("page %u %s\n", page, has ? "present" : "absent");
	return has ? 0 : EXIT_FALLBACK;
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "--format"))
		return cmd_format(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "--append"))
		return cmd_append(argc, argv);
	if (argc >= 2 && !strcmp(argv[1], "--has-page"))
		return cmd_has_page(argc, argv);
	if (argc == 2 && argv[1][0] != '-')
		return cmd_check(argv[1], false);
	if (argc == 3 && !strcmp(argv[1], "-v"))
		return cmd_check(argv[2], true);
	fprintf(stderr, "usage: psimage [-v] <image> | --format <image> <MB> [cluster [heap_pages]]"
		" | --append <image> <pages> [full] | --has-page <image> <page>\n");
	return EXIT_BAD;
}
