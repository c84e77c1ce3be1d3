# mk/gc.mk: the garbage collector's portable core (gc/, on mm/'s heap).
#   The gc/ sources are built for the host unit tests (PORTABLE_SRCS, ASan + UBSan), for
#   the kernel (KERNEL_CORE_SRCS, KCFLAGS) and linked into the simulator (CORE_SRCS).
#   gc-check   like mm-check: gc/ includes only freestanding headers, its own and
#              mm/'s, no inline asm, compiles with KCFLAGS, and linked with mm/ it
#              needs nothing but memcpy/memset/memcmp.
# This file is read before mk/kernel.mk and mk/mm.mk (include mk/*.mk, in name order):
# it names the mm/ objects it links against itself.
.PHONY: gc-check

GC_SRCS := $(wildcard gc/*.c)
GC_HDRS := $(wildcard gc/*.h)
PORTABLE_SRCS += $(GC_SRCS)
KERNEL_CORE_SRCS += $(GC_SRCS)

# The simulator links gc/ (tests/sim/work_obj.c): core.mk's link line reads
# CORE_SRCS when it runs; its prerequisites were expanded before: name ours.
CORE_SRCS += $(GC_SRCS)
$(BUILD)/host/unit $(SIM_BIN) $(SIM_BROKEN_BIN) $(SIM_BROKEN_CODE_BIN): $(GC_SRCS) $(GC_HDRS)

# The kernel's own objects of gc/ and mm/ (mk/kernel.mk builds them with KCFLAGS).
GC_KOBJS := $(patsubst %.c,$(KOBJDIR)/%.o,$(GC_SRCS) $(wildcard mm/*.c))

gc-check: $(GC_KOBJS)
	@mk/freestanding-check gc-check '(gc|mm)/[a-z0-9_]+' 'gc/*.[ch]' $(GC_KOBJS)

all: gc-check
