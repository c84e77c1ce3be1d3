; entry.asm: the Multiboot v1 header and the first instructions of plurix.
;
; Owns: the Multiboot header, the boot stack, the TSC timestamp taken at
; entry (boot_tsc, the zero of "boot-to-ready"), and the jump into kmain().
; Loaded by GRUB (`multiboot`), QEMU -kernel and iPXE as an ELF image: no
; a.out kludge (flag 16) and no video request (flag 2), because iPXE refuses
; any required flag beyond page alignment and the memory map.
;
; On entry (Multiboot spec 3.2): EAX = 0x2BADB002, EBX = physical address of
; the multiboot_info, protected mode, paging off, interrupts off, the GDT is
; the loader's (reloaded by gdt_init before any segment register is written).

MB_MAGIC    equ 0x1BADB002
MB_FLAGS    equ 0x00000003          ; bit 0: page-align modules; bit 1: memory map
MB_CHECKSUM equ -(MB_MAGIC + MB_FLAGS)

BOOT_STACK_SIZE equ 16384

section .multiboot
align 4
	dd MB_MAGIC
	dd MB_FLAGS
	dd MB_CHECKSUM

section .bss
align 16
boot_stack_bottom:
	resb BOOT_STACK_SIZE
global boot_stack_top
boot_stack_top:

section .data
align 8
global boot_tsc
boot_tsc:   dd 0, 0                 ; TSC at the first instruction (lo, hi)

section .text
global _start
extern kmain
_start:
	cli
	mov esi, eax                    ; keep the loader's magic
	rdtsc
	mov [boot_tsc], eax
	mov [boot_tsc + 4], edx
	mov esp, boot_stack_top
	xor ebp, ebp                    ; end of the frame-pointer chain
	push 0                          ; clean EFLAGS: IF=0, DF=0
	popfd
	push ebx                        ; kmain(magic, mbi_pa)
	push esi
	call kmain
.halt:                              ; kmain never returns
	cli
	hlt
	jmp .halt

section .note.GNU-stack noalloc noexec nowrite progbits
