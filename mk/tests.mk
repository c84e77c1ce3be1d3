# mk/tests.mk: `make test` runs every suite through tests/run-all, which prints
# each suite's results and one closing line "N passed, N failed".
#
# Host unit tests: every tests/unit/*.c, linked with PORTABLE_SRCS, the
# portable sources that other mk files append to (dsm/, txn/, mm/, prog/, kernel/cmdline.c),
# built with AddressSanitizer and UBSan.
.PHONY: test test-unit

PORTABLE_SRCS += dsm/frame.c
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_BIN  := $(BUILD)/host/unit

$(UNIT_BIN): $(UNIT_SRCS) $(PORTABLE_SRCS) $(wildcard tests/unit/*.h dsm/*.h txn/*.h kernel/*.h)
	@mkdir -p $(dir $@)
	$(call step,HOSTLD,$@)$(HOST_CC) $(HOST_CFLAGS) -o $@ $(UNIT_SRCS) $(sort $(PORTABLE_SRCS)) $(HOST_LDFLAGS)

all: $(UNIT_BIN)

test-unit: $(UNIT_BIN)
	$(UNIT_BIN)

# deps first: on a fresh machine `all` needs the packages tools/deps installs.
test: deps
	@$(MAKE) --no-print-directory all
	bash tests/run-all
