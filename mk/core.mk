# mk/core.mk: the portable protocol core (dsm/, txn/) and its simulator.
#   core-check      the core includes only freestanding headers and its own,
#                   no kernel/ or drivers/ header, no inline asm, and every
#                   core source compiles with the kernel's flags (KCFLAGS);
#                   the linked core needs nothing but memcpy/memset/memcmp.
#   sim             one seed, replayed bit for bit: make sim SEED=n [NODES=n
#                   WORKLOAD=mix|bank|counters|queue|hotspot FAULTS=0|1 ...]
#   test-sim        >= 3,000 seeds with mixed faults on 2 cores, plus the
#                   broken-protocol test; last line "N passed, N failed"
#   sim-mutants     the deliberately broken protocols (dsm/impl.h DSM_MUTANT),
#                   each caught on 38 of its 40 seeds (tests/sim/mutants.sh)
#   sim-bench       commits per tick, abort rate, frames per commit
#   sim-soak        fresh seeds for SECONDS (default 60), an -O2 build
# Host builds use HOST_CFLAGS (ASan + UBSan) from the top Makefile.
.PHONY: core-check sim test-sim sim-bench sim-soak sim-mutants

CORE_SRCS := dsm/msg.c dsm/node.c dsm/page.c dsm/gtime.c dsm/mgr.c dsm/ps.c txn/txn.c
CORE_HDRS := $(wildcard dsm/*.h txn/*.h)
# dsm/frame.c (the frame codec; tests.mk adds it to PORTABLE_SRCS) is linked
# into the simulator and checked by core-check with the rest of dsm/. The
# kernel links every dsm/*.c and txn/*.c (mk/kernel.mk, KERNEL_CORE_SRCS).
PORTABLE_SRCS += $(CORE_SRCS)

SIM_SRCS := $(wildcard tests/sim/*.c)
SIM_HDRS := $(wildcard tests/sim/*.h)
SIM_BIN := $(BUILD)/host/sim
# The deliberately broken protocols: the core built with -DDSM_MUTANT=n
# (dsm/impl.h); test-sim runs two of them (1: invalidation skipped, 8: a
# write to the sealed code area taken), sim-mutants all.
SIM_MUTANTS := 1 2 3 4 5 6 7 8
SIM_MUTANT_BINS := $(foreach m,$(SIM_MUTANTS),$(BUILD)/host/sim-mutant-$(m))
SIM_BROKEN_BIN := $(BUILD)/host/sim-mutant-1
SIM_BROKEN_CODE_BIN := $(BUILD)/host/sim-mutant-8
SIM_JOBS ?= 2
SEEDS ?= 3000
SECONDS ?= 60

$(SIM_BIN): $(SIM_SRCS) $(SIM_HDRS) $(CORE_SRCS) dsm/frame.c $(CORE_HDRS)
	@mkdir -p $(dir $@)
	$(call step,HOSTLD,$@)$(HOST_CC) $(HOST_CFLAGS) -o $@ $(SIM_SRCS) $(CORE_SRCS) dsm/frame.c $(HOST_LDFLAGS)

# The mutants, built only for the checkers' own tests ($$(...): with mm/ and gc/).
$(SIM_MUTANT_BINS): $(BUILD)/host/sim-mutant-%: $(SIM_SRCS) $(SIM_HDRS) $$(CORE_SRCS) dsm/frame.c \
		$(CORE_HDRS) $$(MM_HDRS) $$(GC_HDRS)
	@mkdir -p $(dir $@)
	$(call step,HOSTLD,$@)$(HOST_CC) $(HOST_CFLAGS) -DDSM_MUTANT=$* -o $@ $(SIM_SRCS) \
		$(CORE_SRCS) dsm/frame.c $(HOST_LDFLAGS)

all: $(SIM_BIN) core-check

# --- core-check ----------------------------------------------------------
# The kernel's own objects of the core (mk/kernel.mk builds them with KCFLAGS).
KCORE_OBJS := $(patsubst %.c,$(KOBJDIR)/%.o,$(CORE_SRCS) dsm/frame.c)

core-check: $(KCORE_OBJS)
	@mk/freestanding-check core-check '(dsm|txn)/[a-z0-9_]+' 'dsm/*.[ch] txn/*.[ch]' $(KCORE_OBJS)

# --- simulator -----------------------------------------------------------
SEED ?= 1
SIM_ARGS ?=
sim: $(SIM_BIN)
	$(SIM_BIN) --seed $(SEED) $(if $(NODES),--nodes $(NODES)) \
		$(if $(WORKLOAD),--workload $(WORKLOAD)) $(if $(FAULTS),--faults $(FAULTS)) \
		$(if $(TICKS),--ticks $(TICKS)) $(if $(VERBOSE),--verbose) $(SIM_ARGS)

test-sim: $(SIM_BIN) $(SIM_BROKEN_BIN) $(SIM_BROKEN_CODE_BIN) core-check
	@bash tests/sim/run-seeds.sh $(SIM_BIN) $(SIM_BROKEN_BIN) $(SEEDS) $(SIM_JOBS) \
		$(SIM_BROKEN_CODE_BIN)

sim-mutants: $(SIM_BIN) $(SIM_MUTANT_BINS)
	@bash tests/sim/mutants.sh $(SIM_BIN) $(BUILD)/host/sim-mutant-

sim-bench: $(SIM_BIN)
	$(SIM_BIN) --bench

# The soak's own build: -O2 without the sanitizers, about 5 times faster, so
# that 10^5 seeds fit in hours (test-sim's seeds run under the sanitizers).
# SIM_SOAK_FROM=n starts at seed n (default: from the clock); JOBS processes.
SIM_FAST_BIN := $(BUILD)/host/sim-fast
$(SIM_FAST_BIN): $(SIM_SRCS) $(SIM_HDRS) $(CORE_SRCS) dsm/frame.c $(CORE_HDRS)
	@mkdir -p $(dir $@)
	$(call step,HOSTLD,$@)$(HOST_CC) -std=c11 -Wall -Wextra -Werror -O2 -I. -o $@ \
		$(SIM_SRCS) $(CORE_SRCS) dsm/frame.c

sim-soak: $(SIM_FAST_BIN)
	$(SIM_FAST_BIN) --soak $(SECONDS)
