/*
 * format.h: the PageServer's on-disk format. One header, shared by
 * pageserver/image.c (built for the kernel and the host) and tools/psimage.c.
 * Portable: freestanding headers and dsm/ headers only. Every multi-byte field
 * is little-endian and is written and read byte by byte (the frame_put/get
 * helpers of dsm/frame.h), never by casting a buffer to a struct. The codec
 * declared at the bottom lives in image.c; it checks, it does not trust.
 *
 * The disk is an array of 4 KB blocks (PS_BLOCK_SIZE, 8 sectors of 512 bytes;
 * block b is sectors 8b .. 8b+7). Block numbers are 32 bits (16 TB).
 *
 *   block 0      superblock, copy 0  \  a rewrite goes to copy (sb_seq % 2), so
 *   block 1      superblock, copy 1  /  a torn superblock write leaves the other
 *   [log_start, log_end)  the log, a circle of checkpoints (log_start = 2)
 *
 * A checkpoint is one linear run of blocks written at the log head:
 *
 *   | seg hdr 0 | page | page | ... | seg hdr 1 | page | ... | commit |
 *     ^ ckpt_first                                              ^ ckpt_first + ckpt_blocks - 1
 *
 * Each segment header lists up to PS_SEG_PAGES_MAX pages (page number,
 * version, CRC-32 of the page's data block) and is followed by those pages'
 * 4 KB data blocks in order. The commit record ends the checkpoint and
 * carries its 64-bit global time. Every record block (superblock, segment
 * header, commit, wrap) has a CRC-32 over the whole block with its crc field
 * zero; every data block has its CRC-32 in its segment header. So every block
 * is checked on read. Every record carries the superblock's nonce, so blocks
 * left over from an earlier format of the same disk never match.
 *
 * Writing checkpoint `seq` (ps_append), strictly in this order:
 *   1. If the checkpoint does not fit between the head and log_end, write a
 *      WRAP record (seq) at the head, if the head is not log_end itself, and
 *      continue at log_start. A checkpoint never straddles the end.
 *   2. The segment headers and data blocks.
 *   3. Flush.  4. The commit record.  5. Flush.
 *   6. A full checkpoint then moves the tail (below): superblock, flush.
 * A PageServer killed before 5 leaves a checkpoint without a valid commit:
 * torn. Nothing after the head is ever needed, so the next checkpoint simply
 * overwrites a torn one.
 *
 * Reading (ps_scan): start at the superblock's tail expecting tail_seq; a
 * checkpoint is where the previous one ended (or at log_start after a WRAP
 * record or at log_end) and begins with segment header 0 of the expected
 * seq. Segment header 0 gives the checkpoint's length, so the commit record
 * is read first, then every segment header and data block. Verdicts:
 *   GOOD      the commit and every block verify
 *   TORN      no valid commit record: the writer died; the scan ends here
 *   CORRUPT   the commit verifies but some block does not (bit rot, a bad
 *             write): the scan goes on after its commit record
 *   UNUSABLE  good itself, but an earlier checkpoint it builds on is not
 * A checkpoint is FULL (every live page) or incremental (the pages modified
 * since the previous checkpoint). The restore point is the newest checkpoint
 * that is GOOD and whose whole chain back to its full checkpoint is GOOD; the
 * restore index (page -> block, version, data CRC) is built by applying the
 * chain's checkpoints in order (a full one clears the index first) during
 * the same single pass, so a restore then reads only the newest copy of each
 * page. A bad checkpoint is never applied, so the index falls back to the
 * previous good state by itself. After a restore from anything but the newest
 * committed checkpoint, the next checkpoint must be full (its chain is broken).
 *
 * Space, wrap and reclaim: the live log is [tail, head). The tail is the
 * first block of the full checkpoint that began the previous restore chain,
 * so two generations stay restorable: when full checkpoint F commits, the
 * tail moves to the full checkpoint that began the chain F replaces, and all
 * before it becomes reclaimable. A checkpoint that would overwrite the live
 * log is refused (PS_ENOSPC). Rule for the PageServer: take a full checkpoint
 * when the chain since the last full one exceeds a quarter of the log
 * (ps_want_full). Then each chain is at most L/4 + I blocks (L the log, I the
 * largest incremental checkpoint), two chains are live, the new full image F
 * is written, and at most F blocks are lost at the end of the log when it
 * wraps: the log never fills as long as F + I <= L/4. Not done yet:
 * compaction that copies still-live pages forward instead of rewriting every
 * page in a full checkpoint.
 */
#ifndef PLURIX_PAGESERVER_FORMAT_H
#define PLURIX_PAGESERVER_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dsm/param.h"

#define PS_SECTOR_SIZE     512u
#define PS_BLOCK_SIZE      4096u
#define PS_SECTORS_PER_BLOCK (PS_BLOCK_SIZE / PS_SECTOR_SIZE)
#define PS_PAGE_SIZE       PS_BLOCK_SIZE   /* one heap page per data block */
#define PS_VERSION         1u
#define PS_SB_MAGIC        0x42535850u     /* "PXSB" on disk */
#define PS_REC_MAGIC       0x43525850u     /* "PXRC" on disk */
#define PS_SB_COPIES       2u              /* blocks 0 and 1 */
#define PS_LOG_START       PS_SB_COPIES    /* first log block */
#define PS_LOG_BLOCKS_MIN  16u             /* smallest log ps_format accepts */
#define PS_BLOCKS_MAX      0xFFFFFFFFu     /* block numbers are 32 bits */
#define PS_HEAP_PAGES_MAX  (1u << 24)      /* pages the superblock may declare (64 GB) */

_Static_assert(PS_PAGE_SIZE == DSM_PAGE_SIZE, "a data block holds one heap page");
_Static_assert(PS_SECTORS_PER_BLOCK == 8, "block = 8 sectors");

/*
 * Superblock (blocks 0 and 1), PS_HDR_LEN bytes, the rest of the block zero:
 *   +0   magic        4   PS_SB_MAGIC
 *   +4   version      4   PS_VERSION
 *   +8   sb_seq       4   +1 on every rewrite; the valid copy with the larger wins
 *   +12  nonce        4   chosen at format; every log record carries it
 *   +16  cluster      2   the cluster this disk belongs to
 *   +18  reserved     2   zero
 *   +20  sector_size  4   PS_SECTOR_SIZE
 *   +24  block_size   4   PS_BLOCK_SIZE
 *   +28  heap_pages   4   page numbers lie in [0, heap_pages)
 *   +32  disk_sectors 8   the device's size at format (geometry)
 *   +40  log_start    4   first log block
 *   +44  log_end      4   one past the last log block
 *   +48  tail         4   the scan starts here ...
 *   +52  tail_seq     4   ... expecting this checkpoint seq
 *   +56  reserved     4   zero
 *   +60  crc          4   CRC-32 over the whole block with this field zero
 */
enum {
	PS_SB_MAGIC_OFF = 0, PS_SB_VERSION = 4, PS_SB_SEQ = 8, PS_SB_NONCE = 12,
	PS_SB_CLUSTER = 16, PS_SB_SECTOR_SIZE = 20, PS_SB_BLOCK_SIZE = 24,
	PS_SB_HEAP_PAGES = 28, PS_SB_DISK_SECTORS = 32, PS_SB_LOG_START = 40,
	PS_SB_LOG_END = 44, PS_SB_TAIL = 48, PS_SB_TAIL_SEQ = 52,
};

/*
 * Record header (segment header, commit, wrap), PS_HDR_LEN bytes:
 *   +0   magic        4   PS_REC_MAGIC
 *   +4   type         4   enum ps_rec_type
 *   +8   nonce        4   the superblock's nonce
 *   +12  seq          4   checkpoint sequence number, 1, 2, ... (WRAP: the
 *                         checkpoint that follows at log_start)
 *   +16  ckpt_first   4   block of the checkpoint's segment header 0
 *   +20  ckpt_blocks  4   blocks of the whole checkpoint, commit included
 *   +24  gtime        8   the checkpoint's 64-bit global time
 *   +32  seg          4   SEG: this segment's index, 0 .. nsegs-1
 *   +36  nsegs        4   segments in the checkpoint (at least 1)
 *   +40  npages       4   SEG: entries that follow; COMMIT: pages in the checkpoint
 *   +44  flags        4   PS_CKPT_FULL
 *   +48  hdrs_crc     4   COMMIT: CRC-32 chained over the crc fields of the
 *                         checkpoint's segment headers in order
 *   +52  reserved     8   zero
 *   +60  crc          4   CRC-32 over the whole block with this field zero
 *   +64  entries      SEG: npages x PS_ENTRY_LEN; the rest of the block zero
 * Unused fields of a type are zero. A segment entry:
 *   +0   page         4   heap page number
 *   +4   data_crc     4   CRC-32 of the page's data block
 *   +8   version      8   the page's version (the commit time that wrote it)
 */
enum {
	PS_REC_MAGIC_OFF = 0, PS_REC_TYPE = 4, PS_REC_NONCE = 8, PS_REC_SEQ = 12,
	PS_REC_FIRST = 16, PS_REC_BLOCKS = 20, PS_REC_GTIME = 24, PS_REC_SEG = 32,
	PS_REC_NSEGS = 36, PS_REC_NPAGES = 40, PS_REC_FLAGS = 44, PS_REC_HDRS_CRC = 48,
};
#define PS_CRC_OFF         60u             /* crc of every record and the superblock */
#define PS_HDR_LEN         64u
#define PS_ENTRY_LEN       16u
#define PS_SEG_PAGES_MAX   ((PS_BLOCK_SIZE - PS_HDR_LEN) / PS_ENTRY_LEN)   /* 252 */
#define PS_CKPT_FULL       0x1u

_Static_assert(PS_SB_TAIL_SEQ + 4 + 4 == PS_CRC_OFF, "superblock layout");
_Static_assert(PS_REC_HDRS_CRC + 4 + 8 == PS_CRC_OFF, "record header layout");
_Static_assert(PS_CRC_OFF + 4 == PS_HDR_LEN, "crc ends the header");
_Static_assert(PS_ENTRY_LEN == 4 + 4 + 8, "segment entry layout");
_Static_assert(PS_SEG_PAGES_MAX == 252, "entries per segment header");
_Static_assert(PS_HDR_LEN + PS_SEG_PAGES_MAX * PS_ENTRY_LEN <= PS_BLOCK_SIZE,
	       "a full segment header fits one block");

enum ps_rec_type { PS_REC_SEG_T = 1, PS_REC_COMMIT_T = 2, PS_REC_WRAP_T = 3 };

/* Decoded forms. */
struct ps_super {
	uint32_t version, sb_seq, nonce;
	uint16_t cluster;
	uint32_t sector_size, block_size, heap_pages;
	uint64_t disk_sectors;
	uint32_t log_start, log_end, tail, tail_seq;
};

struct ps_rec {
	uint32_t type, nonce, seq, ckpt_first, ckpt_blocks;
	uint64_t gtime;
	uint32_t seg, nsegs, npages, flags, hdrs_crc;
};

struct ps_entry {
	uint32_t page, data_crc;
	uint64_t version;
};

/*
 * The codec (image.c). ps_super_encode writes a whole sealed block;
 * ps_rec_encode zero-fills the block and writes the header, the caller adds
 * entries and then seals it (ps_block_seal stores the crc). Decoders check
 * magic, crc and what needs no context (type, version, sizes) and return 0
 * or a negative enum ps_err (pageserver/image.h); they never read past the
 * block (every blk is PS_BLOCK_SIZE bytes).
 */
void ps_super_encode(uint8_t *blk, const struct ps_super *sb);
int ps_super_decode(const uint8_t *blk, struct ps_super *sb);
void ps_rec_encode(uint8_t *blk, const struct ps_rec *r);
int ps_rec_decode(const uint8_t *blk, struct ps_rec *r);
void ps_entry_put(uint8_t *blk, uint32_t i, const struct ps_entry *e);
void ps_entry_get(const uint8_t *blk, uint32_t i, struct ps_entry *e);
void ps_block_seal(uint8_t *blk);         /* store the block's crc */
bool ps_block_sealed(const uint8_t *blk); /* its crc matches */

#endif
