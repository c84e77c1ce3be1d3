/*
 * vm.h: the page tables. One address space for the whole node: local RAM
 * identity-mapped (except page 0), the heap range HEAP_VBASE..HEAP_VLAST
 * reserved and unmapped (memlayout.h). Node-local: the page-fault path
 * will map heap pages through vm_map.
 */
#ifndef PLURIX_KERNEL_VM_H
#define PLURIX_KERNEL_VM_H

#include <stdint.h>

#define PTE_P   0x001u  /* present */
#define PTE_W   0x002u  /* writable */
#define PTE_PCD 0x010u  /* cache disable */

/* Build the identity map of [0, top) and turn paging on; -1 if out of frames. */
int vm_init(uint32_t top);
/* Map one page va -> pa with flags; -1 if a page table cannot be allocated. */
int vm_map(uint32_t va, uint32_t pa, uint32_t flags);
/* Make va not present (the frame stays the caller's); flushes va's TLB entry. */
void vm_unmap(uint32_t va);
uint32_t vm_mapped_bytes(void);

#endif
