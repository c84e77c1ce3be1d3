; trap.asm: the entry stubs of all 48 interrupt vectors, and gdt_load.
;
; Owns: the machine side of interrupt entry. Each stub pushes a dummy error
; code where the CPU pushes none (so every frame looks the same), then its
; vector, and jumps to trap_common, which saves the registers into a
; struct trapframe (kernel/trap.h; the two layouts must match) and calls
; trap_dispatch(tf). Everything runs in ring 0: the CPU pushes no SS:ESP.
;
; Vectors 0..31 are CPU exceptions; 32..47 the remapped 8259 IRQs 0..15.

section .text

%macro TRAP_NOERR 1
global trap_stub%1
trap_stub%1:
	push 0
	push %1
	jmp trap_common
%endmacro

%macro TRAP_ERR 1                   ; the CPU already pushed an error code
global trap_stub%1
trap_stub%1:
	push %1
	jmp trap_common
%endmacro

TRAP_NOERR 0
TRAP_NOERR 1
TRAP_NOERR 2
TRAP_NOERR 3
TRAP_NOERR 4
TRAP_NOERR 5
TRAP_NOERR 6
TRAP_NOERR 7
TRAP_ERR   8
TRAP_NOERR 9
TRAP_ERR   10
TRAP_ERR   11
TRAP_ERR   12
TRAP_ERR   13
TRAP_ERR   14
TRAP_NOERR 15
TRAP_NOERR 16
TRAP_ERR   17
TRAP_NOERR 18
TRAP_NOERR 19
TRAP_NOERR 20
TRAP_ERR   21
%assign v 22
%rep 26                             ; 22..31 reserved, 32..47 IRQs
TRAP_NOERR v
%assign v v + 1
%endrep

extern trap_dispatch
trap_common:
	pushad
	push ds
	push es
	push fs
	push gs
	mov ax, 0x10                    ; GDT_KDATA
	mov ds, ax
	mov es, ax
	mov fs, ax
	mov gs, ax
	cld
	push esp                        ; trap_dispatch(struct trapframe *)
	call trap_dispatch
	add esp, 4
	pop gs
	pop fs
	pop es
	pop ds
	popad
	add esp, 8                      ; vector and error code
	iretd

; The table of stub addresses, indexed by vector, read by trap_init.
section .data
align 4
global trap_stubs
trap_stubs:
%assign v 0
%rep 48
	dd trap_stub %+ v
%assign v v + 1
%endrep

; void gdt_load(const void *gdtr): load the GDT, then reload every segment
; register (CS by a far return) so none keeps a descriptor from the loader.
section .text
global gdt_load
gdt_load:
	mov eax, [esp + 4]
	lgdt [eax]
	mov ax, 0x10                    ; GDT_KDATA
	mov ds, ax
	mov es, ax
	mov fs, ax
	mov gs, ax
	mov ss, ax
	pop eax                         ; return address
	push 0x08                       ; GDT_KCODE
	push eax
	retf

section .note.GNU-stack noalloc noexec nowrite progbits
