# mk/programs.mk: programs (issue 13): prog/ (the ELF32 loader's portable part) and
# programs/ (the programs themselves, which include only include/plurix.h).
#   prog/elf.c       built for the host unit tests (PORTABLE_SRCS, ASan + UBSan); the
#                    kernel does not link it (prog-check builds it with KCFLAGS)
#   prog-check       like mm-check: prog/ includes only freestanding headers and its
#                    own, no inline asm, compiles with KCFLAGS, and needs nothing but
#                    memcpy/memset/memcmp; `all` runs it
#   make programs    every folder programs/<name>/: its *.c compiled with PROG_CFLAGS
#                    (the issue's flags) into build/program-parts/<name>/, joined with
#                    ld -r into build/programs/<name>.o, the object the loader takes;
#                    then mk/prog-undef-check: every undefined symbol of every program is
#                    a function plurix.h declares or another program's (no __udivdi3)
#   test objects     tests/unit/progs/*.c -> build/host/progs/*.o, with PROG_CFLAGS
#                    (and the one flag each file's comment names): the unit tests
#                    (tests/unit/test_prog_elf.c) load them and build/programs/*.o
#   raytrace's core  programs/raytrace/rt.c is also built for the host: in the unit
#                    tests (tests/unit/test_raytrace.c) and in make rtref
#                    (build/host/rtref, tools/rtref.c: the reference renderer, and
#                    build/host/rtref32 with rt.c built as a program's part); both
#                    find plurix.h, which rt.h includes for its types, with -I include
#   raytrace-fake    build/host/raytrace-fake: programs/raytrace/main.c run against
#                    tests/fakeplx/ (plurix.h's kernel side faked), ASan + UBSan
.PHONY: programs prog-check rtref

PROG_SRCS := $(wildcard prog/*.c)
PROG_HDRS := $(wildcard prog/*.h)
PORTABLE_SRCS += $(PROG_SRCS)
$(BUILD)/host/unit: $(PROG_SRCS) $(PROG_HDRS)

PROG_CC     ?= gcc
PROG_LD     ?= ld
PROG_CFLAGS := -m32 -ffreestanding -fno-pic -fno-pie -fno-stack-protector -nostdinc \
	-I include -O2 -Wall -Werror

PROGRAMS     := $(notdir $(patsubst %/,%,$(wildcard programs/*/)))
PROGRAM_OBJS := $(patsubst %,$(BUILD)/programs/%.o,$(PROGRAMS))

# Every program's object, then the check that each names only plurix.h and other programs.
programs: $(PROGRAM_OBJS)
	@mk/prog-undef-check include/plurix.h $(PROGRAM_OBJS)
all: programs

# A part also depends on its folder's headers (raytrace's rt.h).
$(BUILD)/program-parts/%.o: programs/%.c include/plurix.h $$(wildcard programs/$$(dir $$*)*.h)
	@mkdir -p $(dir $@)
	$(call step,CC,$<)$(PROG_CC) $(PROG_CFLAGS) -c -o $@ $<

# A program's object: its folder's parts, joined (one part or several).
program_parts = $(patsubst programs/%.c,$(BUILD)/program-parts/%.o,$(wildcard programs/$(1)/*.c))
$(BUILD)/programs/%.o: $$(call program_parts,$$*)
	@mkdir -p $(dir $@)
	$(call step,LD,$@)$(PROG_LD) -m elf_i386 -r -o $@ $^

# The unit tests' own objects: tests/unit/progs/common.c keeps its tentative
# definitions COMMON (-fcommon); pic.c is compiled position-independent
# (-fpic), so that it has relocations the loader refuses.
UNIT_PROG_OBJS := $(patsubst tests/unit/progs/%.c,$(BUILD)/host/progs/%.o,\
	$(wildcard tests/unit/progs/*.c))
$(BUILD)/host/progs/common.o: PROG_EXTRA := -fcommon
$(BUILD)/host/progs/pic.o: PROG_EXTRA := -fpic

$(BUILD)/host/progs/%.o: tests/unit/progs/%.c include/plurix.h
	@mkdir -p $(dir $@)
	$(call step,CC,$<)$(PROG_CC) $(PROG_CFLAGS) $(PROG_EXTRA) -c -o $@ $<

$(BUILD)/host/unit: $(UNIT_PROG_OBJS) $(PROGRAM_OBJS)

RT_CORE := programs/raytrace/rt.c
PORTABLE_SRCS += $(RT_CORE)
$(BUILD)/host/unit: HOST_CFLAGS += -I include
$(BUILD)/host/unit: programs/raytrace/rt.h include/plurix.h

# The program itself on the host (tests/fakeplx/: the kernel side faked, transactions
# cut off at random): main.c with its main renamed, the unit harness's main.c.
RT_FAKE := $(BUILD)/host/raytrace-fake
RT_FAKE_SRCS := $(wildcard tests/fakeplx/*.c) tests/unit/main.c $(RT_CORE)
all: $(RT_FAKE)
$(BUILD)/host/raytrace-main.o: programs/raytrace/main.c programs/raytrace/rt.h include/plurix.h
	@mkdir -p $(dir $@)
	$(call step,HOSTCC,$<)$(HOST_CC) $(HOST_CFLAGS) -I include -Dmain=raytrace_main -c -o $@ $<
$(RT_FAKE): $(BUILD)/host/raytrace-main.o $(RT_FAKE_SRCS) $(wildcard tests/fakeplx/*.h) \
		tests/unit/check.h programs/raytrace/rt.h include/plurix.h
	$(call step,HOSTLD,$@)$(HOST_CC) $(HOST_CFLAGS) -I include -o $@ $< $(RT_FAKE_SRCS) \
		$(HOST_LDFLAGS)

# rtref32: the same main linked with rt.c compiled with PROG_CFLAGS, as a node runs it
# (-m32 code, 32-bit libc): tests/build/rtpng.sh finds its checksums rtref's.
rtref: $(BUILD)/host/rtref $(BUILD)/host/rtref32
all: rtref
$(BUILD)/host/rtref: tools/rtref.c $(RT_CORE) programs/raytrace/rt.h include/plurix.h
	@mkdir -p $(dir $@)
	$(call step,HOSTCC,$@)$(HOST_CC) $(TOOLS_CFLAGS) -I include -o $@ tools/rtref.c $(RT_CORE)
$(BUILD)/host/rt-prog.o: $(RT_CORE) programs/raytrace/rt.h include/plurix.h
	@mkdir -p $(dir $@)
	$(call step,CC,$@)$(PROG_CC) $(PROG_CFLAGS) -c -o $@ $(RT_CORE)
$(BUILD)/host/rtref32: tools/rtref.c $(BUILD)/host/rt-prog.o
	$(call step,HOSTCC,$@)$(HOST_CC) -m32 -no-pie $(TOOLS_CFLAGS) -I include -o $@ $^

PROG_KOBJS := $(patsubst %.c,$(KOBJDIR)/%.o,$(PROG_SRCS))

prog-check: $(PROG_KOBJS)
	@mk/freestanding-check prog-check 'prog/[a-z0-9_]+' 'prog/*.[ch]' $(PROG_KOBJS)

all: prog-check
