# mk/pageserver.mk: the PageServer's checkpoint image (pageserver/, issue 6) and its tool.
#   pageserver/image.c   built for the host unit tests (PORTABLE_SRCS, ASan + UBSan) and
#                        for the kernel (KERNEL_CORE_SRCS, KCFLAGS)
#   ps-check             like core-check: pageserver/ includes only freestanding headers,
#                        its own and dsm/{frame,lib,param}.h, no inline asm, every source
#                        compiles with KCFLAGS, and linked with dsm/frame.c it needs
#                        nothing but memcpy/memset/memcmp
#   build/tools/psimage  prints and verifies an image file (host, no sanitizers, like
#                        the tools in mk/tools.mk)
.PHONY: ps-check

PS_SRCS := $(wildcard pageserver/*.c)
PS_HDRS := $(wildcard pageserver/*.h)
PS_DSM_HDRS := dsm/frame.h dsm/lib.h dsm/param.h
PORTABLE_SRCS += $(PS_SRCS)
KERNEL_CORE_SRCS += $(PS_SRCS)

# kernel.mk and tests.mk list prerequisites that were expanded before (or without)
# this file: name ours explicitly.
PS_KERNEL_OBJS := $(patsubst %.c,$(KOBJDIR)/%.o,$(PS_SRCS))
$(KERNEL_ELF): $(PS_KERNEL_OBJS)
-include $(PS_KERNEL_OBJS:.o=.d)
$(BUILD)/host/unit: $(PS_SRCS) $(PS_HDRS)

# --- ps-check ------------------------------------------------------------
# The kernel's own objects (mk/kernel.mk builds them with KCFLAGS).
PS_KOBJS := $(patsubst %.c,$(KOBJDIR)/%.o,$(PS_SRCS) dsm/frame.c)

ps-check: $(PS_KOBJS)
	@mk/freestanding-check ps-check '(pageserver/[a-z0-9_]+|dsm/(frame|lib|param))' \
		'pageserver/*.[ch]' $(PS_KOBJS)

all: ps-check

# --- psimage -------------------------------------------------------------
$(BUILD)/tools/psimage: tools/psimage.c $(PS_SRCS) $(PS_HDRS) dsm/frame.c $(PS_DSM_HDRS)
	@mkdir -p $(dir $@)
	$(call step,HOSTCC,$@)$(HOST_CC) $(TOOLS_CFLAGS) -o $@ tools/psimage.c $(PS_SRCS) dsm/frame.c

all: $(BUILD)/tools/psimage
