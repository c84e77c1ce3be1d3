# mk/mm.mk: the object heap's portable core (mm/, issue 5).
#   The mm/ sources are built for the host unit tests (PORTABLE_SRCS, ASan + UBSan) and
#   for the kernel (KERNEL_CORE_SRCS, KCFLAGS).
#   mm-check   like core-check: mm/ includes only freestanding headers and its
#              own, no inline asm, compiles with KCFLAGS, and the linked mm
#              core needs nothing but memcpy/memset/memcmp.
.PHONY: mm-check

MM_SRCS := $(wildcard mm/*.c)
MM_HDRS := $(wildcard mm/*.h)
PORTABLE_SRCS += $(MM_SRCS)
KERNEL_CORE_SRCS += $(MM_SRCS)

MM_KDIR := $(BUILD)/kmm
MM_KOBJS := $(patsubst %.c,$(MM_KDIR)/%.o,$(MM_SRCS))

$(MM_KDIR)/%.o: %.c $(MM_HDRS)
	@mkdir -p $(dir $@)
	$(KCC) $(KCFLAGS) -c -o $@ $<

# The simulator links mm/ too (tests/sim/work_obj.c): core.mk's link line
# reads CORE_SRCS when it runs, so appending here is enough; its own objects
# list for core-check was fixed before this file was read.
CORE_SRCS += $(MM_SRCS)
$(BUILD)/host/unit $(SIM_BIN) $(SIM_BROKEN_BIN): $(MM_SRCS) $(MM_HDRS)

mm-check: $(MM_KOBJS)
	@bad=$$(grep -HnE '^[[:space:]]*#[[:space:]]*include' mm/*.[ch] | \
		grep -vE '#[[:space:]]*include[[:space:]]*(<(stdint|stddef|stdbool)\.h>|"mm/[a-z0-9_]+\.h")'); \
	if [ -n "$$bad" ]; then echo "mm-check: forbidden include:"; echo "$$bad"; exit 1; fi
	@bad=$$(grep -HnwE 'asm|__asm__|__asm' mm/*.[ch]); \
	if [ -n "$$bad" ]; then echo "mm-check: inline assembly:"; echo "$$bad"; exit 1; fi
	@ld -m elf_i386 -r -o $(MM_KDIR)/mm.o $(MM_KOBJS)
	@undef=$$(nm -u $(MM_KDIR)/mm.o | awk '{print $$2}' | grep -vxE 'memcpy|memset|memcmp'); \
	if [ -n "$$undef" ]; then echo "mm-check: mm needs symbols it may not:"; echo "$$undef"; exit 1; fi
	@echo "mm-check: ok ($(words $(MM_KOBJS)) sources compile with KCFLAGS, freestanding)"

all: mm-check
