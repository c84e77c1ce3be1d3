# mk/tools.mk: host tools (tools/), `make run`, `make bench`, `make deps`, `make test-qemu`.
#   build/tools/hub     the fault-injecting hub tools/cluster runs in place of the bridge
#   build/tools/inject  the hostile-frame injector (links the kernel's own dsm/frame.c)
# tools/cluster is Python (stdlib only) and needs no build. Host tools are built without
# sanitizers: they are test equipment that runs next to QEMU, not code under test.
.PHONY: tools run bench deps test-qemu

TOOLS_CFLAGS := -std=c11 -Wall -Wextra -Werror -O2 -g -I.
TOOLS_BIN := $(BUILD)/tools/hub $(BUILD)/tools/inject

all: tools
tools: $(TOOLS_BIN)

$(BUILD)/tools/hub: tools/hub.c
	@mkdir -p $(dir $@)
	$(call step,HOSTCC,$@)$(HOST_CC) $(TOOLS_CFLAGS) -o $@ tools/hub.c

$(BUILD)/tools/inject: tools/inject.c dsm/frame.c dsm/frame.h
	@mkdir -p $(dir $@)
	$(call step,HOSTCC,$@)$(HOST_CC) $(TOOLS_CFLAGS) -o $@ tools/inject.c dsm/frame.c

deps:
	@tools/deps

# make run: a 3-node cluster named "default", node 0's console; Ctrl-] detaches, and the
# cluster is taken down on every way out (detach, Ctrl-C during boot, an error).
run:
	@tools/deps
	@$(MAKE) --no-print-directory all
	@tools/run-default

# The QEMU suite alone; `make test` runs it through tests/run-all.
test-qemu: all
	@tools/deps
	tests/qemu/run

bench: all
	@tools/deps
	tests/bench/run
	tests/bench/heap
	tests/bench/pageserver
	tests/bench/objects
	tests/bench/programs

