# mk/kernel.mk: boot/, kernel/, drivers/ -> build/plurix.elf (Multiboot v1
# ELF, for QEMU -kernel, GRUB `multiboot` and iPXE) and build/plurix.iso
# (GRUB rescue image, one menu entry per role).
#
# Kernel objects go to build/kernel/<dir>/<name>.o; linker.ld sorts them
# into the node-local and the heap part by these paths. The portable
# protocol sources (dsm/*.c, txn/*.c) are built a second time here with
# KCFLAGS and linked in: KERNEL_CORE_SRCS is all of them (kernel/dsmenv.c
# is the core's environment on this kernel).
#
# kernel/cmdline.c is portable too, and host-tested (tests/unit).
PORTABLE_SRCS += kernel/cmdline.c

.PHONY: kernel iso run-kernel

KASM     ?= nasm
KLD      ?= ld
KLIBGCC  := $(shell $(KCC) -m32 -print-libgcc-file-name)
KDEPFLAGS = -MMD -MP

KERNEL_CORE_SRCS += $(wildcard dsm/*.c txn/*.c)
KERNEL_C    = $(wildcard kernel/*.c drivers/*.c) $(sort $(KERNEL_CORE_SRCS))
KERNEL_ASM  := $(wildcard boot/*.asm)
KERNEL_OBJS = $(patsubst %.asm,$(KOBJDIR)/%.o,$(KERNEL_ASM)) \
               $(patsubst %.c,$(KOBJDIR)/%.o,$(KERNEL_C))
KERNEL_ELF  := $(BUILD)/plurix.elf
KERNEL_ISO  := $(BUILD)/plurix.iso

all: $(KERNEL_ELF) $(KERNEL_ISO)
kernel: $(KERNEL_ELF)
iso: $(KERNEL_ISO)

$(KOBJDIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(call step,CC,$<)$(KCC) $(KCFLAGS) $(KDEPFLAGS) -c -o $@ $<

$(KOBJDIR)/%.o: %.asm
	@mkdir -p $(dir $@)
	$(call step,AS,$<)$(KASM) -f elf32 -g -F dwarf -o $@ $<

# $$(KERNEL_OBJS): expanded after every mk file appended its sources (Makefile).
$(KERNEL_ELF): $$(KERNEL_OBJS) linker.ld
	$(call step,LD,$@)$(KLD) -m elf_i386 -nostdlib -z noexecstack --no-warn-rwx-segments -T linker.ld -o $@ $(KERNEL_OBJS) $(KLIBGCC)

# The ISO: GRUB (BIOS) with one entry per role, serial console on COM1.
$(BUILD)/iso/boot/grub/grub.cfg: mk/kernel.mk
	@mkdir -p $(dir $@)
	@printf '%s\n' \
	  'serial --unit=0 --speed=115200' \
	  'terminal_input serial console' \
	  'terminal_output serial console' \
	  'set timeout=3' \
	  'set default=0' \
	  'menuentry "plurix master (node=0 cluster=1)" {' \
	  '  multiboot /boot/plurix.elf node=0 role=master cluster=1' \
	  '}' \
	  'menuentry "plurix slave (node=0 cluster=1)" {' \
	  '  multiboot /boot/plurix.elf node=0 role=slave cluster=1' \
	  '}' \
	  'menuentry "plurix pageserver (node=0 cluster=1)" {' \
	  '  multiboot /boot/plurix.elf node=0 role=pageserver cluster=1' \
	  '}' > $@

$(KERNEL_ISO): $(KERNEL_ELF) $(BUILD)/iso/boot/grub/grub.cfg
	@mkdir -p $(BUILD)/iso/boot
	@cp $(KERNEL_ELF) $(BUILD)/iso/boot/plurix.elf
	$(call step,GRUB,$@)grub-mkrescue -o $@ $(BUILD)/iso 2>$(BUILD)/grub-mkrescue.log || \
	  { cat $(BUILD)/grub-mkrescue.log; exit 1; }

# Boot one node on the terminal (serial on stdio). Ctrl-A X quits.
run-kernel: $(KERNEL_ELF)
	qemu-system-i386 -kernel $(KERNEL_ELF) -append 'node=0 role=master cluster=1' \
	  -nographic -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
	  -device rtl8139,netdev=n0 -netdev user,id=n0,restrict=on

-include $(patsubst %.c,$(KOBJDIR)/%.d,$(wildcard kernel/*.c drivers/*.c dsm/*.c txn/*.c mm/*.c gc/*.c pageserver/*.c))
