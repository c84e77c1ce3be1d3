/*
 * image.h: the PageServer's checkpoint image on a disk (format.h): format a
 * disk, append checkpoints, scan the log into a restore index, read pages
 * back. Portable C like dsm/: no globals, no kernel headers, no allocation;
 * all state is in the caller's struct ps_image and struct ps_index.
 *
 * Interface rules:
 * - The disk is reached only through struct ps_dev: read/write whole
 *   512-byte sectors, flush; each returns 0 or negative. `sectors` is the
 *   device size; nothing beyond it is ever asked for. ctx is passed back.
 * - Call order: ps_open (superblock), then ps_scan (builds the index, finds
 *   the head), then any number of ps_append / ps_read_page. ps_format makes
 *   an empty image; ps_open and ps_scan it before use.
 * - ps_append writes in the order format.h gives and returns only after the
 *   commit record is flushed. On an error the checkpoint is torn (the next
 *   append overwrites it) or, if the device wrote the commit before it
 *   failed, complete: the next scan tells. It does not update the index:
 *   scan again to restore.
 * - Nothing read from the disk is trusted: every length, position and page
 *   number is checked before use. Bad input gives a verdict or an error and a
 *   counter in ps_counters, never a crash or a read outside the device.
 * - All calls run to completion and never sleep except inside the device
 *   callbacks. The struct ps_image is large (two block buffers): keep it in
 *   static or allocated memory, not on a small kernel stack.
 */
#ifndef PLURIX_PAGESERVER_IMAGE_H
#define PLURIX_PAGESERVER_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pageserver/format.h"

enum ps_err {
	PS_OK = 0,
	PS_EIO = -1,            /* the device failed a read, write or flush */
	PS_ENOFMT = -2,         /* no superblock magic: not a PageServer image */
	PS_EBADSB = -3,         /* superblock present but corrupt or inconsistent */
	PS_EVERSION = -4,       /* another format version */
	PS_ETRUNC = -5,         /* the device is shorter than the image */
	PS_ESMALL = -6,         /* the device is too small to format */
	PS_EINVAL = -7,         /* bad argument: page range, time order, count */
	PS_ENOSPC = -8,         /* the checkpoint would overwrite the live log */
	PS_ENEEDFULL = -9,      /* incremental checkpoint on a broken chain */
	PS_ENOCKPT = -10,       /* checkpoints exist but none can be restored */
	PS_ENOPAGE = -11,       /* the page is not in the restore index */
	PS_ECORRUPT = -12,      /* a block failed its checksum */
	PS_ESTATE = -13,        /* called out of order (not opened or scanned) */
};

struct ps_dev {
	int (*read)(void *ctx, uint64_t lba, uint32_t count, void *buf);
	int (*write)(void *ctx, uint64_t lba, uint32_t count, const void *buf);
	int (*flush)(void *ctx);
	void *ctx;
	uint64_t sectors;
	/* optional: n whole blocks from n places, to consecutive blocks from lba
	 * on, in one request (NULL: one write a block) */
	int (*write_blocks)(void *ctx, uint64_t lba, const void *const *blocks, uint32_t n);
};

struct ps_format_params {
	uint16_t cluster;
	uint32_t heap_pages;    /* 1 .. PS_HEAP_PAGES_MAX */
	uint32_t nonce;         /* must differ from the disk's previous format */
};

/* One page of a checkpoint: data is PS_PAGE_SIZE bytes. */
struct ps_page {
	uint32_t page;
	uint64_t version;
	const uint8_t *data;
};

enum ps_verdict { PS_GOOD = 0, PS_TORN, PS_CORRUPT, PS_UNUSABLE };

/* Why a checkpoint is not good: the first thing that failed. */
enum ps_why {
	PS_WHY_OK = 0,
	PS_WHY_NO_COMMIT,       /* the commit block is not a commit record of this checkpoint */
	PS_WHY_COMMIT_MISMATCH, /* a valid commit whose counts or header CRCs differ */
	PS_WHY_SEG_HEADER,      /* a segment header is missing, corrupt or out of order */
	PS_WHY_LENGTH,          /* a length or position that does not fit the log */
	PS_WHY_PAGE_RANGE,      /* a page number beyond heap_pages */
	PS_WHY_DATA_CRC,        /* a data block does not match its CRC */
	PS_WHY_IO,              /* the device could not read a block */
	PS_WHY_TIME,            /* global time not after the previous checkpoint's */
	PS_WHY_CHAIN,           /* builds on a checkpoint that is not good */
	PS_WHY_N
};

struct ps_ckpt_info {
	uint32_t seq;
	uint64_t gtime;
	uint32_t first, blocks; /* where, and how long (commit included) */
	uint32_t nsegs, npages;
	bool full;
	enum ps_verdict verdict;
	enum ps_why why;
	uint32_t bad_block;     /* the block that failed, if any */
};

/* Scan callbacks, both optional: every checkpoint found (with its verdict),
 * and every page entry of it (ok: its data block verified). */
struct ps_scan_cb {
	void *ctx;
	void (*ckpt)(void *ctx, const struct ps_ckpt_info *ck);
	void (*page)(void *ctx, const struct ps_ckpt_info *ck, const struct ps_entry *e,
		     uint32_t block, bool ok);
};

/* The restore index: e[page] for page < cap (cap >= heap_pages). block 0
 * means absent (block 0 is a superblock, never data). */
struct ps_index_entry {
	uint32_t block;
	uint32_t data_crc;
	uint64_t version;
};

struct ps_index {
	struct ps_index_entry *e;
	uint32_t cap;
	uint32_t npages;        /* entries present */
};

struct ps_counters {
	uint32_t reads, writes, flushes;        /* device calls */
	uint32_t io_errors;     /* device calls that failed */
	uint32_t sb_bad;        /* superblock copies that failed to decode */
	uint32_t rec_bad;       /* record blocks with a bad magic, crc or type */
	uint32_t data_bad;      /* data blocks that failed their CRC */
	uint32_t len_bad;       /* lengths, positions, page numbers out of range */
	uint32_t torn, corrupt, unusable;       /* checkpoint verdicts seen */
};

/* A checkpoint's place, for the chain bookkeeping. seq 0 = none. */
struct ps_ref {
	uint32_t seq;
	uint32_t block;
	uint64_t gtime;
};

#define PS_VERIFY_RUN 32u       /* data blocks one verifying read brings in (128 KB) */

struct ps_image {
	const struct ps_dev *dev;
	struct ps_super sb;
	int sb_copy;            /* which superblock copy is in use */
	bool opened, scanned;
	uint32_t head;          /* where the next checkpoint goes */
	uint32_t next_seq;
	uint32_t ncommitted;    /* checkpoints with a valid commit since the tail */
	uint32_t nckpts;        /* checkpoints the scan found, torn included */
	struct ps_ref newest;   /* newest checkpoint with a valid commit */
	struct ps_ref restore;  /* the restore point */
	struct ps_ref base;     /* the full checkpoint that began the restore chain */
	bool need_full;         /* the next checkpoint must be full */
	struct ps_counters cnt;
	uint8_t blk[PS_BLOCK_SIZE];     /* scratch: data blocks, commit records */
	uint8_t run[PS_VERIFY_RUN * PS_BLOCK_SIZE];  /* data blocks being verified, or read
							* ahead by ps_read_page */
	uint32_t run_first, run_n;      /* blocks in run[] for ps_read_page (0: none) */
	uint8_t hdr[PS_BLOCK_SIZE];     /* scratch: the segment header in hand */
};

/* Write an empty image (both superblocks, the first log block zeroed);
 * img is only scratch here: ps_open it afterwards. */
int ps_format(struct ps_image *img, const struct ps_dev *dev, const struct ps_format_params *p);
/* Read the superblock (the valid copy with the larger sb_seq). On PS_ETRUNC
 * img->sb is the superblock that wants more sectors (or zero if the device
 * cannot even hold one). */
int ps_open(struct ps_image *img, const struct ps_dev *dev);
/* PS_OK: the restore point is set (restore.seq 0: the log is empty);
 * PS_ENOCKPT: checkpoints exist, none restorable. cb may be NULL. */
int ps_scan(struct ps_image *img, struct ps_index *idx, const struct ps_scan_cb *cb);
/* Append one checkpoint. idx (may be NULL), the index of the restore point,
 * is brought up to date as the blocks are written (a full checkpoint starts
 * it afresh); after an error it is no longer trustworthy: ps_scan again. */
int ps_append(struct ps_image *img, const struct ps_page *pages, uint32_t n,
	      uint64_t gtime, bool full, struct ps_index *idx);
/* Read the restore copy of `page` into out (PS_PAGE_SIZE bytes), verified;
 * the blocks after it are read ahead into img->run (PS_VERIFY_RUN in all). */
int ps_read_page(struct ps_image *img, const struct ps_index *idx, uint32_t page,
		 uint8_t *out, uint64_t *version);
/* True when the next checkpoint should be full (format.h: the space rule). */
bool ps_want_full(const struct ps_image *img);

const char *ps_strerror(int err);
const char *ps_verdict_name(enum ps_verdict v);
const char *ps_why_name(enum ps_why w);

#endif
