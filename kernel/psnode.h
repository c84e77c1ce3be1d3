/*
 * psnode.h: the PageServer role on this kernel (kernel/psnode.c): the disk,
 * the image loaded at boot, and the disk side of the core's checkpoints
 * (the ps_begin/ps_save/ps_commit of dsm/env.h, called by kernel/dsmenv.c).
 */
#ifndef PLURIX_KERNEL_PSNODE_H
#define PLURIX_KERNEL_PSNODE_H

#include <stdbool.h>
#include <stdint.h>

struct dsm_node;
struct dsmenv_disk;
struct ps_image;

struct psnode_stats {
	uint32_t ckpts, failed;         /* checkpoints written, failed to write */
	uint32_t bad_ckpts;             /* checkpoints the boot scan found bad */
	uint32_t image_pages;           /* pages in the image found at boot */
	uint64_t last_us, last_bytes;   /* the last checkpoint written */
};

/* After interrupts are on, before the node answers anybody: open, scan and
 * load the disk into the core (which is still joining). */
void psnode_boot(struct dsm_node *n, uint16_t cluster);
extern const struct dsmenv_disk psnode_disk;  /* handed to kernel/dsmenv.c */
int psnode_begin(uint64_t t);
int psnode_save(uint32_t page, uint64_t v, const uint8_t *data);
int psnode_commit(uint64_t t, uint32_t npages, bool full);
int psnode_usable(void);
int psnode_read(uint32_t page, uint8_t *buf, uint64_t *v);
/* The last PSNODE_SCRATCH_SECTORS of a PageServer's disk are never part of
 * the image: `disktest <MB> end` measures the driver there, next to a live
 * image. MB of it (0: the disk is too small to spare it). */
#define PSNODE_SCRATCH_SECTORS (64u * 2048u)
uint32_t psnode_scratch_mb(void);
/* Test only: in the next checkpoints, stop dead (interrupts off, halted)
 * once this many sectors were written; 0 disarms. */
void psnode_die_after(uint32_t sectors);
const struct psnode_stats *psnode_stats(void);
const struct ps_image *psnode_image(void);

#endif
