/*
 * multiboot.h: the parts of the Multiboot v1 information structure plurix
 * reads (Multiboot Specification 0.6.96, section 3.3). Only the fields up
 * to the memory map; all addresses are physical.
 */
#ifndef PLURIX_KERNEL_MULTIBOOT_H
#define PLURIX_KERNEL_MULTIBOOT_H

#include <stdint.h>

#define MULTIBOOT_BOOT_MAGIC 0x2BADB002u  /* in EAX at entry */
#define MB_INFO_MEM      (1u << 0)        /* mem_lower, mem_upper valid */
#define MB_INFO_CMDLINE  (1u << 2)        /* cmdline valid */
#define MB_INFO_MMAP     (1u << 6)        /* mmap_length, mmap_addr valid */
#define MB_MMAP_AVAILABLE 1u              /* type of usable RAM */

struct multiboot_info {
	uint32_t flags;
	uint32_t mem_lower;     /* KiB below 1 MiB */
	uint32_t mem_upper;     /* KiB from 1 MiB to the first hole */
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count;
	uint32_t mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length;
	uint32_t mmap_addr;
} __attribute__((packed));

/* One memory map entry; `size` does not count itself, so the next entry
 * is at (entry + size + 4). */
struct multiboot_mmap {
	uint32_t size;
	uint64_t addr;
	uint64_t len;
	uint32_t type;
} __attribute__((packed));

#endif
