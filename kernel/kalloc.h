/*
 * kalloc.h: the physical frame allocator of local RAM. Frames are 4 KiB,
 * identity-mapped (memlayout.h), so a frame's physical address is also its
 * kernel pointer. Not for the receive path: everything it needs is
 * allocated at boot.
 */
#ifndef PLURIX_KERNEL_KALLOC_H
#define PLURIX_KERNEL_KALLOC_H

#include <stdint.h>

struct multiboot_info;

/* Build the free map from the Multiboot memory map; returns -1 with a
 * message printed if the loader gave no usable memory information. */
int kalloc_init(const struct multiboot_info *mbi);
void *kalloc(void);                 /* one zeroed frame, or NULL */
void *kalloc_contig(uint32_t n);    /* n physically contiguous zeroed frames */
void *kalloc_dirty(void);           /* one frame, not zeroed (its user fills it) */
void kfree(void *frame);
uint32_t kalloc_free_frames(void);
uint32_t kalloc_ram_top(void);      /* end of the highest usable local RAM */
uint32_t kalloc_ram_bytes(void);    /* usable RAM the map reported */

#endif
