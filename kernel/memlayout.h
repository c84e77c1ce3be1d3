/*
 * memlayout.h: the physical and virtual memory map of a plurix node.
 * Every node uses the same map, so a heap address means the same page on
 * every node.
 *
 *   virtual = physical below KMEM_LOCAL_MAX (identity map)
 *
 *   0x00000000  page 0            not mapped: catches NULL dereferences
 *   0x00001000  low memory        BIOS data, loader's multiboot info, VGA
 *                                 text buffer at 0xB8000 (identity-mapped)
 *   0x00100000  KERNEL_BASE       the kernel image (linker.ld):
 *                 node-local part  boot, traps, paging, the page-fault path,
 *                                  timers, console, drivers, the protocol
 *                                  core (mk/kernel.mk LOCAL_SRCS):
 *                                  __local_start .. __local_end
 *                 window           the heap-resident kernel's per-node
 *                                  variables (4 MB at a fixed place)
 *                 heap part image  plurix.elf only: the rest of the kernel
 *                                  as loaded, for a master to install in
 *                                  the heap's code area (__kcode_lma);
 *                                  it runs from 0x8F801000 (kernel/kcode.h)
 *   __kernel_end  local frames     free RAM from the Multiboot memory map,
 *                                  handed out by kalloc (page tables, NIC
 *                                  buffers, the frames of heap pages held)
 *   ...           up to the top of local RAM, at most KMEM_LOCAL_MAX
 *
 *   0x80000000  HEAP_VBASE        the distributed heap: 1 GiB, reserved on
 *   0xBFFFFFFF  HEAP_VLAST        every node, not mapped at boot; pages get
 *                                 mapped as they are fetched or created
 *   0xC0000000  ..0xFFFFFFFF      not used (PCI MMIO hole; our NIC uses ports)
 *
 * Local RAM above KMEM_LOCAL_MAX is ignored, so the identity map can never
 * overlap the heap range.
 */
#ifndef PLURIX_KERNEL_MEMLAYOUT_H
#define PLURIX_KERNEL_MEMLAYOUT_H

#define PGSIZE          4096u
#define PGSHIFT         12
#define PGROUNDUP(a)    (((a) + PGSIZE - 1) & ~(PGSIZE - 1))
#define PGROUNDDOWN(a)  ((a) & ~(PGSIZE - 1))

#define KERNEL_BASE     0x00100000u   /* where the loader puts the kernel */
#define KMEM_LOCAL_MAX  0x80000000u   /* local RAM identity map ends here */

#define HEAP_VBASE      0x80000000u   /* first byte of the distributed heap */
#define HEAP_VSIZE      0x40000000u   /* 1 GiB */
#define HEAP_VLAST      (HEAP_VBASE + HEAP_VSIZE - 1u)

#ifndef __ASSEMBLER__
/* Bounds exported by linker.ld. */
extern char __local_start[], __local_end[];
extern char __heappart_start[], __heappart_end[];
extern char __kernel_end[];
#endif

#endif
