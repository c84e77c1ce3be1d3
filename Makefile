# plurix top-level Makefile. Each part keeps its rules in mk/<part>.mk:
#   mk/kernel.mk      boot/, kernel/, drivers/, shell/: build/plurix.elf, build/plurix.iso
#   mk/core.mk        dsm/, txn/ (portable core): simulator, core-check
#   mk/mm.mk          mm/ (the object heap's portable core): mm-check
#   mk/gc.mk          gc/ (the garbage collector's portable core): gc-check
#   mk/pageserver.mk  pageserver/ (the checkpoint image): ps-check, psimage
#   mk/programs.mk    prog/ (the program loader), programs/: prog-check, make programs
#   mk/tools.mk       tools/: host tools (hub, inject), make run, make bench
#   mk/tests.mk       tests/: unit tests, the `make test` aggregator
# Shared variables are set here, once.
#
# A plain `make` prints one short line per step (`CC kernel/main.c`) and every
# warning in full; `make V=1` prints the full commands (the Linux kbuild convention).
# A recipe line starts with $(call step,WHAT,TARGET) instead of a command's echo.
V ?= 0
ifeq ($(V),1)
step =
else
step = @printf '  %-7s %s\n' '$(1)' '$(2)';
endif

BUILD    := build
KOBJDIR  := $(BUILD)/kernel
HOST_CC  ?= gcc
# Host builds of portable code run under AddressSanitizer and UBSan.
HOST_CFLAGS := -std=c11 -Wall -Wextra -Werror -O1 -g -I. \
	-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
HOST_LDFLAGS := -fsanitize=address,undefined
# Kernel builds: 32-bit, freestanding, no libc.
KCC      ?= gcc
KCFLAGS  := -std=c11 -m32 -ffreestanding -fno-pic -fno-pie -fno-stack-protector \
	-fno-builtin -nostdinc -isystem $(shell $(KCC) -m32 -print-file-name=include) \
	-mno-sse -mno-mmx -mno-80387 -O2 -g -Wall -Wextra -Werror -I.

.PHONY: all test run bench clean deps
all:

# Lists such as KERNEL_CORE_SRCS grow in every mk file; prerequisites written $$(...)
# are expanded once all of them are read (mk/kernel.mk's link rule uses this).
.SECONDEXPANSION:
include mk/*.mk

clean:
	rm -rf $(BUILD)
