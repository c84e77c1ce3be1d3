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

# The kernel's own objects of mm/ (mk/kernel.mk builds them with KCFLAGS).
MM_KOBJS := $(patsubst %.c,$(KOBJDIR)/%.o,$(MM_SRCS))

# The simulator links mm/ too (tests/sim/work_obj.c): core.mk's link line
# reads CORE_SRCS when it runs, so appending here is enough; its own objects
# list for core-check was fixed before this file was read.
CORE_SRCS += $(MM_SRCS)
$(BUILD)/host/unit $(SIM_BIN) $(SIM_BROKEN_BIN) $(SIM_BROKEN_CODE_BIN): $(MM_SRCS) $(MM_HDRS)

mm-check: $(MM_KOBJS)
	@mk/freestanding-check mm-check 'mm/[a-z0-9_]+' 'mm/*.[ch]' $(MM_KOBJS)

all: mm-check
