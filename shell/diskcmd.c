/*
 * diskcmd.c: the shell's disk commands (docs/CONTRACT.md style: lines, then
 * `ok` or `error: <reason>`). Heap-resident: built only on drivers/ata.h, the
 * shell and the clock; it owns the test buffer and nothing else.
 *
 *   disk               the drive's identity and the driver's counters
 *   disktest <MB> [pio] [end]
 *                      OVERWRITES the first <MB> MB of the disk (with `end`:
 *                      the last <MB> MB, which on a disk over 128 GB takes
 *                      the LBA48 commands), DMA unless `pio`: writes a
 *                      pattern sequentially in DISKTEST_CHUNK requests, flushes,
 *                      reads it back and verifies every word. Prints the
 *                      throughput (MB/s, 1 MB = 2^20 bytes) and the mean time
 *                      per request (us) of each phase, timed with the TSC
 *                      around the driver calls only (filling and checking the
 *                      buffer is not counted; the flush is, in the write).
 *                      Progress lines at every 25% when the run is long.
 *
 * The pattern of each 32-bit word depends on the run, the sector (counted
 * from the start of the test area) and the word's place, so data left by an earlier run, a sector written to the
 * wrong place or a torn request all fail the verify.
 */
#include "drivers/ata.h"
#include "kernel/kalloc.h"
#include "kernel/kernel.h"
#include "kernel/memlayout.h"
#include "kernel/psnode.h"
#include "kernel/time.h"
#include "kernel/x86.h"
#include "shell/cmds.h"
#include "shell/shell.h"

#define DISKTEST_MB_MAX    4096u   /* largest test */
#define DISKTEST_CHUNK_PAGES 32u   /* 128 KB per request: one PIIX command */
#define DISKTEST_CHUNK     (DISKTEST_CHUNK_PAGES * PGSIZE)
#define DISKTEST_PROGRESS_MB 8u    /* runs at least this long print progress */
#define SECTORS_PER_MB     (1024u * 1024u / ATA_SECTOR_SIZE)
#define WORDS_PER_SECTOR   (ATA_SECTOR_SIZE / 4u)

static uint32_t *chunk;         /* DISKTEST_CHUNK bytes, physically contiguous */
static uint32_t run;            /* a new pattern for every disktest */

struct phase {
	const char *name;       /* "write" or "read" */
	uint32_t mb;
	uint64_t base;          /* first sector of the test area */
	enum ata_mode mode;
	uint64_t cycles;        /* TSC cycles spent in the driver */
	uint32_t requests;
};

static void stat(const char *name, uint64_t v)
{
	kprintf("%s %llu\n", name, v);
}

static int disk_error(const char *what, int err)
{
	const struct ata_stats *s = ata_stats();

	if (err == ATA_EDEVICE)
		return shell_error("%s: device error (status 0x%02x error 0x%02x: %s)", what,
				   s->last_status, s->last_error, ata_error_name(s->last_error));
	return shell_error("%s: %s", what, ata_strerror(err));
}

int diskcmd_disk(int argc, char **argv)
{
	const struct ata_info *d = ata_info();
	const struct ata_stats *s = ata_stats();

	(void)argc, (void)argv;
	if (!ata_present())
		return disk_error("disk", ATA_ENODEV);
	kprintf("model %s\n", d->model);
	stat("sectors", d->sectors);
	stat("mb", d->sectors / SECTORS_PER_MB);
	kprintf("lba48 %d\ndma %d\n", d->lba48, d->dma);
	stat("reads", s->reads);
	stat("writes", s->writes);
	stat("flushes", s->flushes);
	stat("sectors_read", s->sectors_read);
	stat("sectors_written", s->sectors_written);
	stat("errors", s->errors);
	stat("timeouts", s->timeouts);
	stat("irqs", s->irqs);
	stat("late_wakeups", s->late_wakeups);
	kprintf("last_status 0x%02x\nlast_error 0x%02x\n", s->last_status, s->last_error);
	return 0;
}

static uint32_t pattern(uint32_t sector, uint32_t word)
{
	uint32_t x = (sector * WORDS_PER_SECTOR + word) ^ (run * 0x9E3779B9u);

	x ^= x >> 15;
	return x * 0x2C1B3C6Du + sector;
}

/* Fill (check == 0) or verify (check == 1) one chunk that starts at
 * `sector`; returns the index of the first bad word, or -1. */
static int32_t chunk_pattern(uint32_t sector, uint32_t nsect, int check)
{
	for (uint32_t s = 0; s < nsect; s++)
		for (uint32_t w = 0; w < WORDS_PER_SECTOR; w++) {
			uint32_t i = s * WORDS_PER_SECTOR + w, v = pattern(sector + s, w);
			if (!check)
				chunk[i] = v;
			else if (chunk[i] != v)
				return (int32_t)i;
		}
	return -1;
}

static void progress(const struct phase *p, uint32_t done, uint32_t total)
{
	uint32_t step = total / 4;

	if (p->mb < DISKTEST_PROGRESS_MB || step == 0 || done % step || done == total)
		return;
	kprintf("%s %u%% (%u of %u MB)\n", p->name, done / step * 25,
		(uint32_t)((uint64_t)done * DISKTEST_CHUNK >> 20), p->mb);
}

static int verify_fail(uint64_t base, uint32_t sector, int32_t bad)
{
	uint32_t s = sector + (uint32_t)bad / WORDS_PER_SECTOR, w = (uint32_t)bad % WORDS_PER_SECTOR;

	return shell_error("disktest: verify: sector %llu word %u read 0x%08x expected 0x%08x",
			   base + s, w, chunk[bad], pattern(s, w));
}

/* One pass over the test area: write (fill, then time the request) or
 * read (time the request, then verify). */
static int disktest_pass(struct phase *p, int write)
{
	uint32_t per = DISKTEST_CHUNK / ATA_SECTOR_SIZE, total = p->mb * SECTORS_PER_MB / per;

	for (uint32_t c = 0; c < total; c++) {
		uint32_t sector = c * per;
		uint64_t lba = p->base + sector, t0;
		int r;

		if (write)
			chunk_pattern(sector, per, 0);
		else
			memset(chunk, 0, DISKTEST_CHUNK);
		t0 = rdtsc();
		r = write ? ata_write(lba, per, chunk, p->mode) : ata_read(lba, per, chunk, p->mode);
		p->cycles += rdtsc() - t0;
		p->requests++;
		if (r)
			return disk_error(write ? "disktest: write" : "disktest: read", r);
		if (!write) {
			int32_t bad = chunk_pattern(sector, per, 1);
			if (bad >= 0)
				return verify_fail(p->base, sector, bad);
		}
		progress(p, c + 1, total);
	}
	return 0;
}

static void phase_report(const struct phase *p)
{
	uint64_t us = time_tsc_to_us(p->cycles);
	uint64_t tenths = us ? ((uint64_t)p->mb * 10 * 1000000) / us : 0;

	kprintf("%s %s %u MB in %llu us: %llu.%llu MB/s, %llu us per %u KB request\n",
		p->name, p->mode == ATA_DMA ? "dma" : "pio", p->mb, us, tenths / 10,
		tenths % 10, p->requests ? us / p->requests : 0, DISKTEST_CHUNK / 1024);
}

/* disktest <MB> [pio|dma] [end]: fills p (mb, mode, base) or fails. */
static int disktest_args(int argc, char **argv, struct phase *p)
{
	const struct ata_info *d = ata_info();
	int end = 0;

	if (argc < 2 || shell_number(argv[1], DISKTEST_MB_MAX, &p->mb) < 0 || p->mb == 0)
		return shell_error("usage: disktest <MB 1..%u> [pio|dma] [end]", DISKTEST_MB_MAX);
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "pio") || !strcmp(argv[i], "dma"))
			p->mode = argv[i][0] == 'p' ? ATA_PIO : ATA_DMA;
		else if (!strcmp(argv[i], "end"))
			end = 1;
		else
			return shell_error("disktest: unknown option '%s' (pio, dma, end)", argv[i]);
	}
	if (!ata_present())
		return disk_error("disktest", ATA_ENODEV);
	if (kernel_cmdline.role == CMDLINE_ROLE_PAGESERVER &&
	    (!end || p->mb > psnode_scratch_mb()))
		return shell_error("disktest: this disk holds the PageServer's image; only its last "
				   "%u MB are free to test (disktest <MB> end)", psnode_scratch_mb());
	if ((uint64_t)p->mb * SECTORS_PER_MB > d->sectors)
		return shell_error("disktest: disk too small: %u MB asked, the disk has %llu MB",
				   p->mb, d->sectors / SECTORS_PER_MB);
	if (p->mode == ATA_DMA && !d->dma)
		return shell_error("disktest: no DMA on this controller (try: disktest %u pio)", p->mb);
	if (!chunk && !(chunk = kalloc_contig(DISKTEST_CHUNK_PAGES)))
		return shell_error("disktest: out of memory for a %u KB buffer", DISKTEST_CHUNK / 1024);
	p->base = end ? d->sectors - (uint64_t)p->mb * SECTORS_PER_MB : 0;
	return 0;
}

int diskcmd_disktest(int argc, char **argv)
{
	struct phase w = { .name = "write", .mode = ATA_DMA }, r;
	uint64_t t0;
	int err;

	if (disktest_args(argc, argv, &w) < 0)
		return -1;
	r = w;
	r.name = "read";
	run++;
	if (disktest_pass(&w, 1) < 0)
		return -1;
	t0 = rdtsc();
	err = ata_flush();
	w.cycles += rdtsc() - t0;
	if (err)
		return disk_error("disktest: flush", err);
	phase_report(&w);
	if (disktest_pass(&r, 0) < 0)
		return -1;
	phase_report(&r);
	kprintf("verify %u sectors from %llu ok\n", w.mb * SECTORS_PER_MB, w.base);
	return 0;
}
