/*
 * image.c: the PageServer's checkpoint image (format.h for the layout and
 * the rules, image.h for the interface). Portable: freestanding headers,
 * dsm/frame.h (CRC-32, little-endian helpers) and dsm/lib.h (memcpy,
 * memset); no globals, no allocation, no kernel header. It owns nothing but
 * what the caller hands it: struct ps_image (state and two block buffers) and
 * struct ps_index. It must not touch the device except through struct ps_dev,
 * and never outside [0, dev->sectors).
 *
 * Shape of the scan: decode and check each block before anything is changed
 * (seL4 style); a checkpoint reaches the index only after its commit and all
 * its blocks verified, by a second walk over its segment headers alone.
 */
#include "dsm/frame.h"
#include "dsm/lib.h"
#include "pageserver/format.h"
#include "pageserver/image.h"

/* ---- codec ------------------------------------------------------------ */

static uint32_t block_crc(const uint8_t *blk)
{
	static const uint8_t zero[4];
	uint32_t crc = frame_crc32(0, blk, PS_CRC_OFF);

	crc = frame_crc32(crc, zero, sizeof zero);
	return frame_crc32(crc, blk + PS_HDR_LEN, PS_BLOCK_SIZE - PS_HDR_LEN);
}

void ps_block_seal(uint8_t *blk)
{
	frame_put32(blk + PS_CRC_OFF, block_crc(blk));
}

bool ps_block_sealed(const uint8_t *blk)
{
	return frame_get32(blk + PS_CRC_OFF) == block_crc(blk);
}

void ps_super_encode(uint8_t *blk, const struct ps_super *sb)
{
	memset(blk, 0, PS_BLOCK_SIZE);
	frame_put32(blk + PS_SB_MAGIC_OFF, PS_SB_MAGIC);
	frame_put32(blk + PS_SB_VERSION, sb->version);
	frame_put32(blk + PS_SB_SEQ, sb->sb_seq);
	frame_put32(blk + PS_SB_NONCE, sb->nonce);
	frame_put16(blk + PS_SB_CLUSTER, sb->cluster);
	frame_put32(blk + PS_SB_SECTOR_SIZE, sb->sector_size);
	frame_put32(blk + PS_SB_BLOCK_SIZE, sb->block_size);
	frame_put32(blk + PS_SB_HEAP_PAGES, sb->heap_pages);
	frame_put64(blk + PS_SB_DISK_SECTORS, sb->disk_sectors);
	frame_put32(blk + PS_SB_LOG_START, sb->log_start);
	frame_put32(blk + PS_SB_LOG_END, sb->log_end);
	frame_put32(blk + PS_SB_TAIL, sb->tail);
	frame_put32(blk + PS_SB_TAIL_SEQ, sb->tail_seq);
	ps_block_seal(blk);
}

/* The fields must describe a log that fits the geometry they give. */
static bool super_sane(const struct ps_super *sb)
{
	return sb->sector_size == PS_SECTOR_SIZE && sb->block_size == PS_BLOCK_SIZE &&
	       sb->heap_pages > 0 && sb->heap_pages <= PS_HEAP_PAGES_MAX &&
	       sb->log_start >= PS_LOG_START && sb->log_start < sb->log_end &&
	       sb->log_end - sb->log_start >= PS_LOG_BLOCKS_MIN &&
	       sb->disk_sectors / PS_SECTORS_PER_BLOCK >= sb->log_end &&
	       sb->tail >= sb->log_start && sb->tail < sb->log_end && sb->tail_seq > 0;
}

int ps_super_decode(const uint8_t *blk, struct ps_super *sb)
{
	if (frame_get32(blk + PS_SB_MAGIC_OFF) != PS_SB_MAGIC)
		return PS_ENOFMT;
	if (!ps_block_sealed(blk))
		return PS_EBADSB;
	sb->version = frame_get32(blk + PS_SB_VERSION);
	if (sb->version != PS_VERSION)
		return PS_EVERSION;
	sb->sb_seq = frame_get32(blk + PS_SB_SEQ);
	sb->nonce = frame_get32(blk + PS_SB_NONCE);
	sb->cluster = frame_get16(blk + PS_SB_CLUSTER);
	sb->sector_size = frame_get32(blk + PS_SB_SECTOR_SIZE);
	sb->block_size = frame_get32(blk + PS_SB_BLOCK_SIZE);
	sb->heap_pages = frame_get32(blk + PS_SB_HEAP_PAGES);
	sb->disk_sectors = frame_get64(blk + PS_SB_DISK_SECTORS);
	sb->log_start = frame_get32(blk + PS_SB_LOG_START);
	sb->log_end = frame_get32(blk + PS_SB_LOG_END);
	sb->tail = frame_get32(blk + PS_SB_TAIL);
	sb->tail_seq = frame_get32(blk + PS_SB_TAIL_SEQ);
	return super_sane(sb) ? PS_OK : PS_EBADSB;
}

void ps_rec_encode(uint8_t *blk, const struct ps_rec *r)
{
	memset(blk, 0, PS_BLOCK_SIZE);
	frame_put32(blk + PS_REC_MAGIC_OFF, PS_REC_MAGIC);
	frame_put32(blk + PS_REC_TYPE, r->type);
	frame_put32(blk + PS_REC_NONCE, r->nonce);
	frame_put32(blk + PS_REC_SEQ, r->seq);
	frame_put32(blk + PS_REC_FIRST, r->ckpt_first);
	frame_put32(blk + PS_REC_BLOCKS, r->ckpt_blocks);
	frame_put64(blk + PS_REC_GTIME, r->gtime);
	frame_put32(blk + PS_REC_SEG, r->seg);
	frame_put32(blk + PS_REC_NSEGS, r->nsegs);
	frame_put32(blk + PS_REC_NPAGES, r->npages);
	frame_put32(blk + PS_REC_FLAGS, r->flags);
	frame_put32(blk + PS_REC_HDRS_CRC, r->hdrs_crc);
}

int ps_rec_decode(const uint8_t *blk, struct ps_rec *r)
{
	if (frame_get32(blk + PS_REC_MAGIC_OFF) != PS_REC_MAGIC || !ps_block_sealed(blk))
		return PS_ECORRUPT;
	r->type = frame_get32(blk + PS_REC_TYPE);
	r->nonce = frame_get32(blk + PS_REC_NONCE);
	r->seq = frame_get32(blk + PS_REC_SEQ);
	r->ckpt_first = frame_get32(blk + PS_REC_FIRST);
	r->ckpt_blocks = frame_get32(blk + PS_REC_BLOCKS);
	r->gtime = frame_get64(blk + PS_REC_GTIME);
	r->seg = frame_get32(blk + PS_REC_SEG);
	r->nsegs = frame_get32(blk + PS_REC_NSEGS);
	r->npages = frame_get32(blk + PS_REC_NPAGES);
	r->flags = frame_get32(blk + PS_REC_FLAGS);
	r->hdrs_crc = frame_get32(blk + PS_REC_HDRS_CRC);
	if (r->type < PS_REC_SEG_T || r->type > PS_REC_WRAP_T || (r->flags & ~PS_CKPT_FULL))
		return PS_ECORRUPT;
	if (r->type == PS_REC_SEG_T && r->npages > PS_SEG_PAGES_MAX)
		return PS_ECORRUPT;
	return PS_OK;
}

void ps_entry_put(uint8_t *blk, uint32_t i, const struct ps_entry *e)
{
	uint8_t *p = blk + PS_HDR_LEN + (size_t)(i % PS_SEG_PAGES_MAX) * PS_ENTRY_LEN;

	frame_put32(p, e->page);
	frame_put32(p + 4, e->data_crc);
	frame_put64(p + 8, e->version);
}

void ps_entry_get(const uint8_t *blk, uint32_t i, struct ps_entry *e)
{
	const uint8_t *p = blk + PS_HDR_LEN + (size_t)(i % PS_SEG_PAGES_MAX) * PS_ENTRY_LEN;

	e->page = frame_get32(p);
	e->data_crc = frame_get32(p + 4);
	e->version = frame_get64(p + 8);
}

/* ---- device ----------------------------------------------------------- */

/* The device's answer to one request, counted. */
static int dev_done(struct ps_image *img, int r)
{
	if (r < 0) {
		img->cnt.io_errors++;
		return PS_EIO;
	}
	return PS_OK;
}

/* Blocks [block, block + n) are on the device; their first sector. */
static bool dev_range(struct ps_image *img, uint32_t block, uint32_t n, uint64_t *lba)
{
	*lba = (uint64_t)block * PS_SECTORS_PER_BLOCK;
	if (*lba + (uint64_t)n * PS_SECTORS_PER_BLOCK <= img->dev->sectors)
		return true;
	img->cnt.len_bad++;
	return false;
}

/* n blocks from `block` on, one device request. */
static int dev_io(struct ps_image *img, uint32_t block, uint32_t n, void *buf,
		  const void *wbuf)
{
	const struct ps_dev *d = img->dev;
	uint32_t count = n * PS_SECTORS_PER_BLOCK;
	uint64_t lba;

	if (!dev_range(img, block, n, &lba))
		return PS_EIO;
	if (wbuf) {
		img->cnt.writes++;
		return dev_done(img, d->write(d->ctx, lba, count, wbuf));
	}
	img->cnt.reads++;
	return dev_done(img, d->read(d->ctx, lba, count, buf));
}

static int dev_read(struct ps_image *img, uint32_t block, void *buf)
{
	return dev_io(img, block, 1, buf, NULL);
}

static int dev_write(struct ps_image *img, uint32_t block, const void *buf)
{
	return dev_io(img, block, 1, NULL, buf);
}

/* A segment's data blocks, from wherever the pages are: one request where
 * the device gathers (write_blocks), else one a block. */
static int dev_write_blocks(struct ps_image *img, uint32_t block, const struct ps_page *pages,
			    uint32_t n)
{
	const struct ps_dev *d = img->dev;
	const void *where[PS_SEG_PAGES_MAX];
	uint64_t lba;
	int r = PS_OK;

	if (!d->write_blocks) {
		for (uint32_t i = 0; r == PS_OK && i < n; i++)
			r = dev_write(img, block + i, pages[i].data);
		return r;
	}
	if (n > PS_SEG_PAGES_MAX || !dev_range(img, block, n, &lba))
		return PS_EIO;
	for (uint32_t i = 0; i < n; i++)
		where[i] = pages[i].data;
	img->cnt.writes++;
	return dev_done(img, d->write_blocks(d->ctx, lba, where, n));
}

static int dev_flush(struct ps_image *img)
{
	img->cnt.flushes++;
	return dev_done(img, img->dev->flush(img->dev->ctx));
}

/* A record of this image (nonce) that decodes. */
static bool rec_ours(const struct ps_image *img, const uint8_t *blk, struct ps_rec *r)
{
	return ps_rec_decode(blk, r) == PS_OK && r->nonce == img->sb.nonce;
}

/* ---- format and open -------------------------------------------------- */

int ps_format(struct ps_image *img, const struct ps_dev *dev, const struct ps_format_params *p)
{
	uint64_t blocks = dev->sectors / PS_SECTORS_PER_BLOCK;
	struct ps_super sb = {
		.version = PS_VERSION, .nonce = p->nonce, .cluster = p->cluster,
		.sector_size = PS_SECTOR_SIZE, .block_size = PS_BLOCK_SIZE,
		.heap_pages = p->heap_pages, .disk_sectors = dev->sectors,
		.log_start = PS_LOG_START, .tail = PS_LOG_START, .tail_seq = 1,
	};
	int r;

	memset(img, 0, sizeof *img);
	img->dev = dev;
	if (p->heap_pages == 0 || p->heap_pages > PS_HEAP_PAGES_MAX)
		return PS_EINVAL;
	if (blocks < PS_LOG_START + PS_LOG_BLOCKS_MIN)
		return PS_ESMALL;
	sb.log_end = blocks > PS_BLOCKS_MAX ? PS_BLOCKS_MAX : (uint32_t)blocks;
	memset(img->blk, 0, PS_BLOCK_SIZE);
	r = dev_write(img, PS_LOG_START, img->blk);     /* no stale record at the start */
	for (uint32_t c = 0; r == PS_OK && c < PS_SB_COPIES; c++) {
		sb.sb_seq = c;
		ps_super_encode(img->blk, &sb);
		r = dev_write(img, c, img->blk);
	}
	return r ? r : dev_flush(img);
}

/* Both copies failed: the most telling reason. */
static int super_error(int r0, int r1)
{
	static const int order[] = { PS_EVERSION, PS_EBADSB, PS_EIO };

	for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
		if (r0 == order[i] || r1 == order[i])
			return order[i];
	return PS_ENOFMT;
}

int ps_open(struct ps_image *img, const struct ps_dev *dev)
{
	struct ps_super sb[PS_SB_COPIES];
	int r[PS_SB_COPIES], use;

	memset(img, 0, sizeof *img);
	img->dev = dev;
	if (dev->sectors < PS_SB_COPIES * PS_SECTORS_PER_BLOCK)
		return PS_ETRUNC;
	for (uint32_t c = 0; c < PS_SB_COPIES; c++) {
		r[c] = dev_read(img, c, img->blk);
		if (r[c] == PS_OK)
			r[c] = ps_super_decode(img->blk, &sb[c]);
		if (r[c] != PS_OK)
			img->cnt.sb_bad++;
	}
	if (r[0] != PS_OK && r[1] != PS_OK)
		return super_error(r[0], r[1]);
	use = r[0] != PS_OK || (r[1] == PS_OK && sb[1].sb_seq > sb[0].sb_seq);
	img->sb = sb[use];              /* kept on PS_ETRUNC too, for the message */
	img->sb_copy = use;
	if (sb[use].disk_sectors > dev->sectors)
		return PS_ETRUNC;
	img->opened = true;
	return PS_OK;
}

/* ---- scan ------------------------------------------------------------- */

struct scan {
	struct ps_index *idx;
	const struct ps_scan_cb *cb;
	uint32_t p, seq;        /* where the next checkpoint should be, its seq */
	uint64_t last_gtime;    /* of the newest committed checkpoint */
	bool chain_ok;          /* every checkpoint since the last full is good */
	uint32_t hdrs_crc;      /* chained over the segment headers walked */
};

static void index_clear(const struct ps_image *img, struct ps_index *idx)
{
	memset(idx->e, 0, (size_t)img->sb.heap_pages * sizeof idx->e[0]);
	idx->npages = 0;
}

/* Segment header 0 of checkpoint st->seq at st->p, following a wrap (a WRAP
 * record, or the end of the log). On true it is decoded in *h. */
static bool scan_locate(struct ps_image *img, struct scan *st, struct ps_rec *h)
{
	const struct ps_super *sb = &img->sb;

	for (int hop = 0; hop < 2; hop++) {
		if (st->p >= sb->log_end) {
			st->p = sb->log_start;
			continue;
		}
		if (dev_read(img, st->p, img->hdr) < 0 || !rec_ours(img, img->hdr, h) ||
		    h->seq != st->seq)
			return false;
		if (h->type == PS_REC_WRAP_T && st->p != sb->log_start) {
			st->p = sb->log_start;
			continue;
		}
		return h->type == PS_REC_SEG_T && h->seg == 0 && h->ckpt_first == st->p;
	}
	return false;
}

/* Keep the first failure of a checkpoint and the block it was in. */
static void note(struct ps_ckpt_info *ck, enum ps_why w, uint32_t block)
{
	if (ck->why == PS_WHY_OK && w != PS_WHY_OK) {
		ck->why = w;
		ck->bad_block = block;
	}
}

/* Read segment header k at block q (before the commit at block c) into
 * img->hdr and check it belongs to this checkpoint. */
static enum ps_why walk_header(struct ps_image *img, const struct ps_ckpt_info *ck,
			       uint32_t k, uint32_t q, uint32_t c, struct ps_rec *h)
{
	if (q >= c) {
		img->cnt.len_bad++;
		return PS_WHY_LENGTH;
	}
	if (dev_read(img, q, img->hdr) < 0)
		return PS_WHY_IO;
	if (!rec_ours(img, img->hdr, h) || h->type != PS_REC_SEG_T || h->seq != ck->seq ||
	    h->seg != k || h->nsegs != ck->nsegs || h->ckpt_first != ck->first ||
	    h->ckpt_blocks != ck->blocks || h->gtime != ck->gtime ||
	    (h->flags & PS_CKPT_FULL) != (ck->full ? PS_CKPT_FULL : 0)) {
		img->cnt.rec_bad++;
		return PS_WHY_SEG_HEADER;
	}
	if (h->npages > c - q - 1) {
		img->cnt.len_bad++;
		return PS_WHY_LENGTH;
	}
	return PS_WHY_OK;
}

static void index_put(struct ps_index *idx, const struct ps_entry *e, uint32_t block)
{
	struct ps_index_entry *x = &idx->e[e->page];

	if (!x->block)
		idx->npages++;
	x->block = block;
	x->data_crc = e->data_crc;
	x->version = e->version;
}

/* Verify one data block (b, entry e) of the run in hand; true if good. */
static bool verify_block(struct ps_image *img, struct scan *st, struct ps_ckpt_info *ck,
			 const struct ps_entry *e, uint32_t b, const uint8_t *data, bool read_ok)
{
	bool ok = read_ok;

	note(ck, ok ? PS_WHY_OK : PS_WHY_IO, b);
	if (ok && frame_crc32(0, data, PS_BLOCK_SIZE) != e->data_crc) {
		img->cnt.data_bad++;
		note(ck, PS_WHY_DATA_CRC, b);
		ok = false;
	}
	if (st->cb && st->cb->page)
		st->cb->page(st->cb->ctx, ck, e, b, ok);
	return ok;
}

/* The entries of the segment whose header (block q) is in img->hdr:
 * apply puts them in the index; otherwise each data block is read (in
 * runs of PS_VERIFY_RUN blocks, one device request each) and checked,
 * and reported to the page callback. Failures go to ck. */
static void walk_entries(struct ps_image *img, struct scan *st, struct ps_ckpt_info *ck,
			 const struct ps_rec *h, uint32_t q, bool apply)
{
	uint32_t run_first = 0, run_n = 0;
	bool run_ok = false;

	for (uint32_t i = 0; i < h->npages; i++) {
		struct ps_entry e;
		uint32_t b = q + 1 + i;

		ps_entry_get(img->hdr, i, &e);
		if (e.page >= img->sb.heap_pages) {
			img->cnt.len_bad++;
			note(ck, PS_WHY_PAGE_RANGE, q);
			continue;
		}
		if (apply) {
			index_put(st->idx, &e, b);
			continue;
		}
		if (i >= run_first + run_n) {
			run_first = i;
			run_n = h->npages - i < PS_VERIFY_RUN ? h->npages - i : PS_VERIFY_RUN;
			img->run_n = 0;         /* not ps_read_page's read-ahead now */
			run_ok = dev_io(img, b, run_n, img->run, NULL) == PS_OK;
		}
		verify_block(img, st, ck, &e, b, img->run + (i - run_first) * PS_BLOCK_SIZE,
			     run_ok);
	}
}

/* Walk every segment of the checkpoint: verify (every block read and
 * checked) or apply (headers only, entries into the index). The first
 * failure goes to ck->why and ck->bad_block. */
static void walk(struct ps_image *img, struct scan *st, struct ps_ckpt_info *ck, bool apply)
{
	uint32_t q = ck->first, c = ck->first + ck->blocks - 1;

	ck->npages = 0;
	st->hdrs_crc = 0;
	for (uint32_t k = 0; k < ck->nsegs; k++) {
		struct ps_rec h;
		enum ps_why w = walk_header(img, ck, k, q, c, &h);

		if (w != PS_WHY_OK) {           /* its length is unknown: stop */
			note(ck, w, q);
			return;
		}
		st->hdrs_crc = frame_crc32(st->hdrs_crc, img->hdr + PS_CRC_OFF, 4);
		walk_entries(img, st, ck, &h, q, apply);
		q += 1 + h.npages;
		ck->npages += h.npages;
	}
	if (q != c) {
		img->cnt.len_bad++;
		note(ck, PS_WHY_LENGTH, q);
	}
}

/* The commit record at the checkpoint's last block, matching header 0. */
static enum ps_why read_commit(struct ps_image *img, const struct ps_ckpt_info *ck,
			       struct ps_rec *c)
{
	if (dev_read(img, ck->first + ck->blocks - 1, img->blk) < 0)
		return PS_WHY_IO;
	if (!rec_ours(img, img->blk, c)) {
		img->cnt.rec_bad++;
		return PS_WHY_NO_COMMIT;
	}
	if (c->type != PS_REC_COMMIT_T || c->seq != ck->seq || c->ckpt_first != ck->first ||
	    c->ckpt_blocks != ck->blocks || c->nsegs != ck->nsegs || c->gtime != ck->gtime ||
	    (c->flags & PS_CKPT_FULL) != (ck->full ? PS_CKPT_FULL : 0))
		return PS_WHY_NO_COMMIT;
	return PS_WHY_OK;
}

/* Verdict on the checkpoint whose segment header 0 (h0) is at st->p. */
static void scan_check(struct ps_image *img, struct scan *st, const struct ps_rec *h0,
		       struct ps_ckpt_info *ck)
{
	struct ps_rec c;

	memset(ck, 0, sizeof *ck);
	ck->seq = h0->seq;
	ck->gtime = h0->gtime;
	ck->first = st->p;
	ck->blocks = h0->ckpt_blocks;
	ck->nsegs = h0->nsegs;
	ck->full = (h0->flags & PS_CKPT_FULL) != 0;
	ck->verdict = PS_TORN;
	if (ck->blocks < 2 || ck->nsegs == 0 || ck->nsegs >= ck->blocks ||
	    ck->blocks > img->sb.log_end - ck->first) {
		img->cnt.len_bad++;
		ck->why = PS_WHY_LENGTH;
		return;
	}
	note(ck, read_commit(img, ck, &c), ck->first + ck->blocks - 1);
	if (ck->why != PS_WHY_OK)
		return;
	ck->verdict = PS_CORRUPT;
	walk(img, st, ck, false);
	if (c.npages != ck->npages || c.hdrs_crc != st->hdrs_crc)
		note(ck, PS_WHY_COMMIT_MISMATCH, ck->first + ck->blocks - 1);
	if (ck->gtime <= st->last_gtime)
		note(ck, PS_WHY_TIME, ck->first + ck->blocks - 1);
	if (ck->why == PS_WHY_OK)
		ck->verdict = PS_GOOD;
}

/* A committed checkpoint: the chain rule, the index, the bookkeeping.
 * PS_EIO if the apply walk fails where the verify walk passed (the disk
 * changed or failed under the scan: the index cannot be trusted). */
static int scan_accept(struct ps_image *img, struct scan *st, struct ps_ckpt_info *ck)
{
	struct ps_ref ref = { ck->seq, ck->first, ck->gtime };

	if (ck->verdict == PS_GOOD && !ck->full && !st->chain_ok) {
		ck->verdict = PS_UNUSABLE;
		ck->why = PS_WHY_CHAIN;
	}
	if (ck->verdict == PS_GOOD) {
		if (ck->full) {
			index_clear(img, st->idx);
			img->base = ref;
		}
		walk(img, st, ck, true);
		if (ck->why != PS_WHY_OK)
			return PS_EIO;
		st->chain_ok = true;
		img->restore = ref;
	} else if (ck->verdict == PS_CORRUPT) {
		st->chain_ok = false;
		img->cnt.corrupt++;
	} else {
		img->cnt.unusable++;
	}
	if (ck->gtime > st->last_gtime)
		st->last_gtime = ck->gtime;
	img->newest = ref;
	img->ncommitted++;
	st->p = ck->first + ck->blocks;
	st->seq++;
	img->head = st->p;
	img->next_seq = st->seq;
	return PS_OK;
}

static void scan_reset(struct ps_image *img)
{
	img->head = img->sb.tail;
	img->next_seq = img->sb.tail_seq;
	img->ncommitted = img->nckpts = 0;
	memset(&img->newest, 0, sizeof img->newest);
	memset(&img->restore, 0, sizeof img->restore);
	memset(&img->base, 0, sizeof img->base);
	img->scanned = false;
}

int ps_scan(struct ps_image *img, struct ps_index *idx, const struct ps_scan_cb *cb)
{
	struct scan st = { idx, cb, img->sb.tail, img->sb.tail_seq, 0, false, 0 };
	uint32_t log_blocks = img->sb.log_end - img->sb.log_start, seen = 0;

	if (!img->opened)
		return PS_ESTATE;
	if (!idx || !idx->e || idx->cap < img->sb.heap_pages)
		return PS_EINVAL;
	scan_reset(img);
	index_clear(img, idx);
	for (uint32_t i = 0; i < log_blocks && seen < log_blocks; i++) {
		struct ps_ckpt_info ck;
		struct ps_rec h0;

		if (!scan_locate(img, &st, &h0))
			break;
		scan_check(img, &st, &h0, &ck);
		img->nckpts++;
		seen += ck.blocks;
		if (ck.verdict == PS_TORN)
			img->cnt.torn++;
		else if (scan_accept(img, &st, &ck) < 0)
			return PS_EIO;
		if (cb && cb->ckpt)
			cb->ckpt(cb->ctx, &ck);
		if (ck.verdict == PS_TORN)
			break;
	}
	img->need_full = img->restore.seq == 0 || img->restore.seq != img->newest.seq;
	img->scanned = true;
	return img->ncommitted && !img->restore.seq ? PS_ENOCKPT : PS_OK;
}

/* ---- append ----------------------------------------------------------- */

struct plan {
	uint32_t nsegs, blocks; /* segments, blocks incl. the commit */
	uint32_t pos;           /* first block */
	bool wrap;              /* starts at log_start after a wrap */
	uint32_t hdrs_crc;
};

static int append_check(const struct ps_image *img, const struct ps_page *pages, uint32_t n,
			uint64_t gtime, bool full)
{
	if (!img->scanned)
		return PS_ESTATE;
	if (n && !pages)
		return PS_EINVAL;
	if (img->newest.seq && gtime <= img->newest.gtime)
		return PS_EINVAL;
	if (!full && img->need_full)
		return PS_ENEEDFULL;
	for (uint32_t i = 0; i < n; i++)
		if (pages[i].page >= img->sb.heap_pages || !pages[i].data)
			return PS_EINVAL;
	return PS_OK;
}

/* Where the checkpoint goes; PS_ENOSPC if it would reach the live log
 * [tail, head). The end never touches the tail, so head == tail only
 * while the log is empty. */
static int append_place(const struct ps_image *img, uint32_t n, struct plan *pl)
{
	const struct ps_super *sb = &img->sb;
	uint64_t nsegs = n ? (n + PS_SEG_PAGES_MAX - 1) / PS_SEG_PAGES_MAX : 1;
	uint64_t nb = n + nsegs + 1, end;
	uint32_t head = img->head, tail = sb->tail;

	if (nb > sb->log_end - sb->log_start)
		return PS_ENOSPC;
	pl->wrap = head + nb > sb->log_end;
	pl->pos = pl->wrap ? sb->log_start : head;
	end = pl->pos + nb;
	if (img->ncommitted && (head >= tail ? pl->wrap && end >= tail : pl->wrap || end >= tail))
		return PS_ENOSPC;
	pl->nsegs = (uint32_t)nsegs;
	pl->blocks = (uint32_t)nb;
	pl->hdrs_crc = 0;
	return PS_OK;
}

static struct ps_rec plan_rec(const struct ps_image *img, const struct plan *pl,
			      uint32_t type, uint64_t gtime, bool full)
{
	struct ps_rec r = {
		.type = type, .nonce = img->sb.nonce, .seq = img->next_seq,
		.ckpt_first = pl->pos, .ckpt_blocks = pl->blocks, .gtime = gtime,
		.nsegs = pl->nsegs, .flags = full ? PS_CKPT_FULL : 0,
	};
	return r;
}

/* Segment k: its header, then its data blocks, from block *q on. */
static int append_segment(struct ps_image *img, struct plan *pl, const struct ps_page *pages,
			  uint32_t n, uint32_t k, struct ps_rec *h, uint32_t *q,
			  struct ps_index *idx)
{
	uint32_t first = k * PS_SEG_PAGES_MAX;
	uint32_t m = n - first < PS_SEG_PAGES_MAX ? n - first : PS_SEG_PAGES_MAX;
	int r;

	h->seg = k;
	h->npages = n ? m : 0;
	ps_rec_encode(img->hdr, h);
	for (uint32_t i = 0; i < h->npages; i++) {
		const struct ps_page *pg = &pages[first + i];
		struct ps_entry e = { pg->page, frame_crc32(0, pg->data, PS_PAGE_SIZE), pg->version };
		ps_entry_put(img->hdr, i, &e);
		if (idx)
			index_put(idx, &e, *q + 1 + i);
	}
	ps_block_seal(img->hdr);
	pl->hdrs_crc = frame_crc32(pl->hdrs_crc, img->hdr + PS_CRC_OFF, 4);
	r = dev_write(img, (*q)++, img->hdr);
	if (r == PS_OK && h->npages)
		r = dev_write_blocks(img, *q, pages + first, h->npages);
	*q += h->npages;
	return r;
}

static int append_write(struct ps_image *img, struct plan *pl, const struct ps_page *pages,
			uint32_t n, uint64_t gtime, bool full, struct ps_index *idx)
{
	struct ps_rec h = plan_rec(img, pl, PS_REC_SEG_T, gtime, full), c;
	uint32_t q = pl->pos;
	int r = PS_OK;

	if (pl->wrap && img->head < img->sb.log_end) {
		struct ps_rec w = { .type = PS_REC_WRAP_T, .nonce = img->sb.nonce,
				    .seq = img->next_seq };
		ps_rec_encode(img->blk, &w);
		ps_block_seal(img->blk);
		r = dev_write(img, img->head, img->blk);
	}
	for (uint32_t k = 0; r == PS_OK && k < pl->nsegs; k++)
		r = append_segment(img, pl, pages, n, k, &h, &q, idx);
	if (r == PS_OK)
		r = dev_flush(img);
	if (r != PS_OK)
		return r;
	c = plan_rec(img, pl, PS_REC_COMMIT_T, gtime, full);
	c.npages = n;
	c.hdrs_crc = pl->hdrs_crc;
	ps_rec_encode(img->blk, &c);
	ps_block_seal(img->blk);
	r = dev_write(img, q, img->blk);
	return r ? r : dev_flush(img);
}

/* A full checkpoint committed: the tail moves to the full checkpoint that
 * began the chain it replaces (format.h), through the other superblock copy. */
static int move_tail(struct ps_image *img, const struct ps_ref *old_base)
{
	struct ps_super sb = img->sb;
	int r;

	if (!old_base->seq || (old_base->block == sb.tail && old_base->seq == sb.tail_seq))
		return PS_OK;
	sb.tail = old_base->block;
	sb.tail_seq = old_base->seq;
	sb.sb_seq++;
	ps_super_encode(img->blk, &sb);
	r = dev_write(img, sb.sb_seq % PS_SB_COPIES, img->blk);
	if (r == PS_OK)
		r = dev_flush(img);
	if (r != PS_OK)
		return r;
	img->sb = sb;
	img->sb_copy = (int)(sb.sb_seq % PS_SB_COPIES);
	return PS_OK;
}

int ps_append(struct ps_image *img, const struct ps_page *pages, uint32_t n, uint64_t gtime,
	      bool full, struct ps_index *idx)
{
	struct ps_ref ref, old_base = img->base;
	struct plan pl;
	int r = append_check(img, pages, n, gtime, full);

	img->run_n = 0;                 /* the log changes: forget the read-ahead */
	if (r == PS_OK)
		r = append_place(img, n, &pl);
	if (r == PS_OK && idx && full) {        /* nothing older is part of it */
		memset(idx->e, 0, (size_t)idx->cap * sizeof(idx->e[0]));
		idx->npages = 0;
	}
	if (r == PS_OK)
		r = append_write(img, &pl, pages, n, gtime, full, idx);
	if (r != PS_OK)
		return r;
	ref.seq = img->next_seq;
	ref.block = pl.pos;
	ref.gtime = gtime;
	img->head = pl.pos + pl.blocks;
	img->next_seq++;
	img->ncommitted++;
	img->newest = ref;
	img->restore = ref;
	img->need_full = false;
	if (!full)
		return PS_OK;
	img->base = ref;
	return move_tail(img, &old_base);
}

/* ---- read back, policy, names ----------------------------------------- */

int ps_read_page(struct ps_image *img, const struct ps_index *idx, uint32_t page,
		 uint8_t *out, uint64_t *version)
{
	const struct ps_index_entry *x;

	if (!img->scanned)
		return PS_ESTATE;
	if (!idx || page >= idx->cap || page >= img->sb.heap_pages || !idx->e[page].block)
		return PS_ENOPAGE;
	x = &idx->e[page];
	if (x->block < img->sb.log_start || x->block >= img->sb.log_end) {
		img->cnt.len_bad++;
		return PS_ECORRUPT;
	}
	if (!(img->run_n && x->block >= img->run_first &&
	      x->block - img->run_first < img->run_n)) {
		/* read ahead: a checkpoint holds its pages in page order, so the
		 * next pages asked for are likely in the blocks that follow */
		uint32_t n = img->sb.log_end - x->block;
		n = n < PS_VERIFY_RUN ? n : PS_VERIFY_RUN;
		img->run_n = 0;
		if (dev_io(img, x->block, n, img->run, NULL) < 0)
			return PS_EIO;
		img->run_first = x->block;
		img->run_n = n;
	}
	memcpy(out, img->run + (size_t)(x->block - img->run_first) * PS_BLOCK_SIZE, PS_PAGE_SIZE);
	if (frame_crc32(0, out, PS_PAGE_SIZE) != x->data_crc) {
		img->cnt.data_bad++;
		return PS_ECORRUPT;
	}
	if (version)
		*version = x->version;
	return PS_OK;
}

bool ps_want_full(const struct ps_image *img)
{
	const struct ps_super *sb = &img->sb;
	uint32_t from = img->base.block, to = img->head, used;

	if (!img->scanned || img->need_full || !img->base.seq)
		return true;
	used = to >= from ? to - from : (sb->log_end - from) + (to - sb->log_start);
	return used > (sb->log_end - sb->log_start) / 4;
}

const char *ps_strerror(int err)
{
	static const char *const names[] = {
		"ok", "device i/o error", "not a PageServer image (no superblock)",
		"corrupt superblock", "unknown format version", "image truncated",
		"disk too small", "bad argument", "log full (take a full checkpoint)",
		"a full checkpoint is needed", "no restorable checkpoint",
		"page not in the image", "checksum mismatch", "not opened or scanned",
	};

	return err <= 0 && -err < (int)(sizeof names / sizeof names[0]) ? names[-err] : "unknown error";
}

const char *ps_verdict_name(enum ps_verdict v)
{
	static const char *const names[] = { "good", "torn", "corrupt", "unusable" };

	return (unsigned)v < sizeof names / sizeof names[0] ? names[v] : "?";
}

const char *ps_why_name(enum ps_why w)
{
	static const char *const names[PS_WHY_N] = {
		"ok", "no commit record", "commit does not match its segments",
		"bad segment header", "length out of range", "page number out of range",
		"data checksum", "read error", "global time not increasing",
		"an earlier checkpoint of its chain is bad",
	};

	return (unsigned)w < PS_WHY_N ? names[w] : "?";
}
