# mk/kernel.mk: boot/, kernel/, drivers/, shell/ -> build/plurix.elf (Multiboot v1
# ELF, for QEMU -kernel, GRUB `multiboot` and iPXE) and build/plurix.iso
# (GRUB rescue image, one menu entry per role).
#
# Kernel objects go to build/kernel/<dir>/<name>.o. The portable sources
# (KERNEL_CORE_SRCS: dsm/, txn/, mm/, gc/, pageserver/) are built here with
# KCFLAGS and linked in (kernel/dsmenv.c is the core's environment on this
# kernel).
#
# The node-local part (DESIGN.md) is the list LOCAL_SRCS below, and nothing
# else: its objects are linked on their own first (build/kernel/local.o, with
# libgcc), and linker.ld puts local.o first in the image and everything else
# after it, in the heap part.
#   local-check   fails, naming the object and the symbol, when the node-local
#                 part refers to anything outside it but the roots in
#                 mk/local-roots (mk/local-check); `all` runs it.
#
# kernel/cmdline.c is portable too, and host-tested (tests/unit).
PORTABLE_SRCS += kernel/cmdline.c

.PHONY: kernel iso run-kernel local-check

KASM     ?= nasm
KLD      ?= ld
KLIBGCC  := $(shell $(KCC) -m32 -print-libgcc-file-name)
KDEPFLAGS = -MMD -MP

KERNEL_CORE_SRCS += $(wildcard dsm/*.c txn/*.c prog/*.c)
KERNEL_C    = $(wildcard kernel/*.c drivers/*.c shell/*.c) $(sort $(KERNEL_CORE_SRCS))
KERNEL_ASM  := $(wildcard boot/*.asm)
KERNEL_OBJS = $(patsubst %.asm,$(KOBJDIR)/%.o,$(KERNEL_ASM)) \
               $(patsubst %.c,$(KOBJDIR)/%.o,$(KERNEL_C))
KERNEL_ELF  := $(BUILD)/plurix.elf
NODE_ELF    := $(BUILD)/plurix-node.elf
KERNEL_ISO  := $(BUILD)/plurix.iso

# The node-local part: always present, never invalidated. Boot, traps and
# exceptions, paging, frames, timers, the console's raw output, the drivers,
# the frame layer, the protocol core and its environment with the page-fault
# path, a transaction body's restart point, the one wait primitive, the smart
# console buffer, the command-line parser the boot needs.
LOCAL_SRCS := boot/entry.asm boot/trap.asm \
	kernel/boot.c kernel/trap.c kernel/gdt.c kernel/vm.c kernel/kalloc.c \
	kernel/time.c kernel/console.c kernel/printf.c kernel/string.c kernel/panic.c \
	kernel/cmdline.c kernel/net.c kernel/dsmenv.c kernel/smartbuf.c \
	kernel/txbody.c kernel/txrun.c kernel/wait.c kernel/kcode.c kernel/psnode.c \
	$(wildcard drivers/*.c) $(wildcard dsm/*.c) $(wildcard txn/*.c) pageserver/image.c
LOCAL_OBJS := $(addprefix $(KOBJDIR)/,$(addsuffix .o,$(basename $(LOCAL_SRCS))))
LOCAL_O    := $(KOBJDIR)/local.o
BUILDID_O  := $(KOBJDIR)/buildid.o
HEAPPART_OBJS = $(filter-out $(LOCAL_OBJS),$(KERNEL_OBJS))

all: $(KERNEL_ELF) $(NODE_ELF) $(KERNEL_ISO) local-check
kernel: $(KERNEL_ELF)
iso: $(KERNEL_ISO)

$(KOBJDIR)/%.o: %.c
	@mkdir -p $(dir $@)
	$(call step,CC,$<)$(KCC) $(KCFLAGS) $(KDEPFLAGS) -c -o $@ $<

$(KOBJDIR)/%.o: %.asm
	@mkdir -p $(dir $@)
	$(call step,AS,$<)$(KASM) -f elf32 -g -F dwarf -o $@ $<

$(LOCAL_O): $(LOCAL_OBJS)
	$(call step,LD,$@)$(KLD) -m elf_i386 -r -o $@ $(LOCAL_OBJS) $(KLIBGCC)

# The build id of the node-local part: a CRC of local.o, in an object of its
# own (kernel_build_id), linked into both images' node-local part.
$(BUILDID_O): $(LOCAL_O)
	@printf 'const unsigned int kernel_build_id = %su;\n' \
		"$$(cksum < $(LOCAL_O) | awk '{print $$1}')" > $(KOBJDIR)/buildid.c
	$(call step,CC,$(KOBJDIR)/buildid.c)$(KCC) $(KCFLAGS) -c -o $@ $(KOBJDIR)/buildid.c

# The full image, linked twice: first with an empty symbol table, whose
# symbols mk/ksyms then writes as build/kernel/ksyms.c; then with it. The
# table is the heap part's last section (linker.ld), so the second link moves
# no symbol of the first (checked: the two symbol lists, but for the table's
# own, are the same).
KLINK = $(KLD) -m elf_i386 -nostdlib -z noexecstack --no-warn-rwx-segments -T linker.ld
KSYMS_LIST = nm -n --defined-only $(1) | grep -Ev ' (ksyms|__heappart_end$$|__kcode_lma_end$$|__kernel_end$$)'
# $$(...): expanded after every mk file appended its sources (Makefile).
$(KERNEL_ELF): $(LOCAL_O) $(BUILDID_O) $$(HEAPPART_OBJS) linker.ld mk/ksyms
	@mk/ksyms - $(KOBJDIR)/ksyms0.c
	@$(KCC) $(KCFLAGS) -c -o $(KOBJDIR)/ksyms0.o $(KOBJDIR)/ksyms0.c
	@$(KLINK) -o $@.pass1 $(LOCAL_O) $(BUILDID_O) $(HEAPPART_OBJS) $(KOBJDIR)/ksyms0.o $(KLIBGCC)
	@mk/ksyms $@.pass1 $(KOBJDIR)/ksyms.c
	$(call step,CC,$(KOBJDIR)/ksyms.c)$(KCC) $(KCFLAGS) -c -o $(KOBJDIR)/ksyms.o $(KOBJDIR)/ksyms.c
	$(call step,LD,$@)$(KLINK) -o $@ $(LOCAL_O) $(BUILDID_O) $(HEAPPART_OBJS) \
		$(KOBJDIR)/ksyms.o $(KLIBGCC)
	@$(call KSYMS_LIST,$@.pass1) > $@.syms1; $(call KSYMS_LIST,$@) > $@.syms2; \
	cmp -s $@.syms1 $@.syms2 || \
		{ rm -f $@; echo "ksyms: linking the symbol table in moved symbols of $@" >&2; exit 1; }
	@mk/image-size $@

# The node image: the node-local part alone, the same layout, no heap part
# image: it runs the kernel it finds in the heap (kernel/kcode.c).
# Each image's loaded size is printed when it is linked.
$(NODE_ELF): $(LOCAL_O) $(BUILDID_O) linker.ld
	$(call step,LD,$@)$(KLINK) -o $@ $(LOCAL_O) $(BUILDID_O) $(KLIBGCC)
	@mk/image-size $@

local-check: $(LOCAL_O) $$(HEAPPART_OBJS)
	@mk/local-check mk/local-roots $(LOCAL_O) $(LOCAL_OBJS) -- $(HEAPPART_OBJS)

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

-include $(patsubst %.c,$(KOBJDIR)/%.d,$(wildcard kernel/*.c drivers/*.c shell/*.c gc/*.c dsm/*.c txn/*.c mm/*.c pageserver/*.c))
