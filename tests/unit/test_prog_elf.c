/*
 * test_prog_elf.c: host tests of the program loader (prog/elf.c) on real
 * objects that make compiles with the flags (mk/programs.mk):
 * build/programs/{hello,libdemo}.o and the objects of build/host/progs, read from the
 * repository's top (make test-unit and tests/run-all run from there).
 *
 * An oracle written here from <elf.h> checks every linked byte: each
 * relocated word is S + A or S + A - P computed from the object's own
 * tables and the plan's layout, at two load addresses; every other byte is
 * the object's, the bss zero. Then: named values (pointers, calls),
 * COMMON symbols, a library and a program linked against its exports, the
 * undefined-symbol error with the buffers untouched, each refusal's
 * message, every truncation, and a seeded fuzz of mutations.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "prog/elf.h"
#include "tests/unit/check.h"

#define OBJ_HELLO   "build/programs/hello.o"
#define OBJ_LIBDEMO "build/programs/libdemo.o"
#define OBJ_RELOC   "build/host/progs/reloc.o"
#define OBJ_COMMON  "build/host/progs/common.o"
#define OBJ_USELIB  "build/host/progs/uselib.o"
#define OBJ_PIC     "build/host/progs/pic.o"
#define OBJ_LONG    "build/host/progs/longname.o"

#define FUZZ_MUTATIONS 20000
#define FUZZ_SEED      0x13u

struct obj {
	uint8_t *buf;
	size_t len;
};

/* A resolver's table: names and their addresses. */
#define NAMES_MAX 16
struct names {
	const char *name[NAMES_MAX];
	uint32_t va[NAMES_MAX];
	int n;
};

/* A linked program: its two regions, at their addresses. */
struct linked {
	uint8_t *text, *data;
	uint32_t text_va, data_va;
};

static struct prog_plan plan, plan2;   /* 9 KiB each */
static char err[256];

static const struct names kernel_names = {
	{ "printf", "plx_node_id", "ext_value", "ext_fn" },
	{ 0xc0001000u, 0xc0002010u, 0xc0003020u, 0xc0004030u },
	4,
};

static struct obj obj_read(const char *path)
{
	struct obj o = { NULL, 0 };
	FILE *f = fopen(path, "rb");

	if (!f) {
		printf("  cannot read %s (make builds it; run from the repository's top)\n", path);
		return o;
	}
	fseek(f, 0, SEEK_END);
	o.len = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	o.buf = malloc(o.len);
	if (fread(o.buf, 1, o.len, f) != o.len) {
		free(o.buf);
		o.buf = NULL;
	}
	fclose(f);
	return o;
}

static bool names_resolve(void *ctx, const char *name, uint32_t *va)
{
	const struct names *nm = ctx;

	for (int i = 0; i < nm->n; i++)
		if (strcmp(nm->name[i], name) == 0) {
			*va = nm->va[i];
			return true;
		}
	return false;
}

static int link_at(const struct obj *o, const struct prog_plan *p, uint32_t text_va,
		   uint32_t data_va, const struct names *nm, struct linked *l)
{
	l->text = p->text_size ? malloc(p->text_size) : NULL;
	l->data = p->data_size ? malloc(p->data_size) : NULL;
	l->text_va = text_va;
	l->data_va = data_va;
	return prog_elf_link(o->buf, o->len, p, l->text, text_va, l->data, data_va,
			     names_resolve, (void *)nm, err, sizeof(err));
}

static void linked_free(struct linked *l)
{
	free(l->text);
	free(l->data);
}

static uint32_t word(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static const struct prog_symbol *export_of(const struct prog_plan *p, const char *name)
{
	for (uint32_t i = 0; i < p->nexports; i++)
		if (strcmp(p->exports[i].name, name) == 0)
			return &p->exports[i];
	return NULL;
}

/* The address an export was linked at (0 and a failed check if there is none). */
static uint32_t export_va(const struct prog_plan *p, const struct linked *l, const char *name)
{
	const struct prog_symbol *s = export_of(p, name);

	CHECK(s != NULL);
	if (!s)
		return 0;
	return (s->where == PROG_TEXT ? l->text_va : l->data_va) + s->off;
}

/* The bytes at an export's place in the linked regions. */
static const uint8_t *export_at(const struct prog_plan *p, const struct linked *l,
				const char *name)
{
	const struct prog_symbol *s = export_of(p, name);

	return s->where == PROG_TEXT ? l->text + s->off : l->data + s->off;
}

static bool in_plan(const struct prog_plan *p, const char *name, bool undef)
{
	const struct prog_symbol *list = undef ? p->undef : p->exports;
	uint32_t n = undef ? p->nundef : p->nexports;

	for (uint32_t i = 0; i < n; i++)
		if (strcmp(list[i].name, name) == 0)
			return true;
	return false;
}

static bool contains(const uint8_t *buf, size_t n, const void *what, size_t len)
{
	for (size_t i = 0; i + len <= n; i++)
		if (memcmp(buf + i, what, len) == 0)
			return true;
	return false;
}

/* Calls (e8 rel32) in the linked text whose target is va. */
static int calls_to(const struct prog_plan *p, const struct linked *l, uint32_t va)
{
	int n = 0;

	for (uint32_t i = 0; i + 5 <= p->text_size; i++)
		if (l->text[i] == 0xe8 && l->text_va + i + 5 + word(l->text + i + 1) == va)
			n++;
	return n;
}

static Elf32_Shdr shdr_of(const struct obj *o, uint32_t i)
{
	Elf32_Ehdr eh;
	Elf32_Shdr sh;

	memcpy(&eh, o->buf, sizeof(eh));
	memcpy(&sh, o->buf + eh.e_shoff + i * sizeof(sh), sizeof(sh));
	return sh;
}

static uint32_t shnum_of(const struct obj *o)
{
	Elf32_Ehdr eh;

	memcpy(&eh, o->buf, sizeof(eh));
	return eh.e_shnum;
}

/* The index of the section named name (0: none); its header's file offset in *hdr. */
static uint32_t section_find(const struct obj *o, const char *name, size_t *hdr)
{
	Elf32_Ehdr eh;

	memcpy(&eh, o->buf, sizeof(eh));
	Elf32_Shdr names = shdr_of(o, eh.e_shstrndx);
	for (uint32_t i = 1; i < eh.e_shnum; i++) {
		Elf32_Shdr sh = shdr_of(o, i);
		if (strcmp((const char *)o->buf + names.sh_offset + sh.sh_name, name) == 0) {
			if (hdr)
				*hdr = eh.e_shoff + i * sizeof(Elf32_Shdr);
			return i;
		}
	}
	return 0;
}

/* S of the oracle: what symbol k of symtab is worth once linked. */
static uint32_t oracle_sym(const struct obj *o, const struct prog_plan *p, const struct linked *l,
			   const struct names *nm, const Elf32_Shdr *symtab, uint32_t k)
{
	uint32_t va[3] = { 0, l->text_va, l->data_va };
	Elf32_Sym s;
	uint32_t v = 0;

	memcpy(&s, o->buf + symtab->sh_offset + k * sizeof(s), sizeof(s));
	if (s.st_shndx == SHN_UNDEF) {
		Elf32_Shdr str = shdr_of(o, symtab->sh_link);
		if (k && !names_resolve((void *)nm, (const char *)o->buf + str.sh_offset + s.st_name, &v))
			v = 0;
		return v;
	}
	if (s.st_shndx == SHN_ABS)
		return s.st_value;
	if (s.st_shndx == SHN_COMMON)
		return l->data_va + p->sym_off[k];
	return va[p->sec_where[s.st_shndx]] + p->sec_off[s.st_shndx] + s.st_value;
}

/* Every relocation of a loaded section: the linked word against S + A (- P). */
static int oracle_relocs(const struct obj *o, const struct prog_plan *p, const struct linked *l,
			 const struct names *nm, uint8_t *mark[3], int *checked)
{
	uint32_t va[3] = { 0, l->text_va, l->data_va };
	uint8_t *buf[3] = { NULL, l->text, l->data };
	int bad = 0;

	for (uint32_t i = 1; i < shnum_of(o); i++) {
		Elf32_Shdr rs = shdr_of(o, i);
		if (rs.sh_type != SHT_REL || p->sec_where[rs.sh_info] == PROG_NONE)
			continue;
		Elf32_Shdr t = shdr_of(o, rs.sh_info), symtab = shdr_of(o, rs.sh_link);
		uint8_t w = p->sec_where[rs.sh_info];
		for (uint32_t k = 0; k < rs.sh_size / sizeof(Elf32_Rel); k++) {
			Elf32_Rel r;
			memcpy(&r, o->buf + rs.sh_offset + k * sizeof(r), sizeof(r));
			uint32_t at = p->sec_off[rs.sh_info] + r.r_offset;
			uint32_t s = oracle_sym(o, p, l, nm, &symtab, ELF32_R_SYM(r.r_info));
			uint32_t a = word(o->buf + t.sh_offset + r.r_offset);
			uint32_t want = ELF32_R_TYPE(r.r_info) == R_386_PC32 ? s + a - (va[w] + at) : s + a;
			if (ELF32_R_TYPE(r.r_info) == R_386_NONE)
				continue;
			bad += word(buf[w] + at) != want;
			memset(mark[w] + at, 1, 4);
			(*checked)++;
		}
	}
	return bad;
}

/* Every loaded section: aligned, inside its region, apart from the others;
 * its unrelocated bytes the object's, or zero (bss). */
static int oracle_bytes(const struct obj *o, const struct prog_plan *p, const struct linked *l,
			uint8_t *mark[3])
{
	uint32_t size[3] = { 0, p->text_size, p->data_size };
	uint8_t *buf[3] = { NULL, l->text, l->data };
	int bad = 0;

	for (uint32_t i = 1; i < shnum_of(o); i++) {
		Elf32_Shdr s = shdr_of(o, i);
		uint8_t w = p->sec_where[i];
		if (w == PROG_NONE)
			continue;
		uint32_t off = p->sec_off[i];
		bad += off > size[w] || s.sh_size > size[w] - off;
		bad += s.sh_addralign > 1 && off % s.sh_addralign;
		bad += (w == PROG_DATA) != !!(s.sh_flags & SHF_WRITE);
		for (uint32_t j = 1; j < shnum_of(o); j++) {
			Elf32_Shdr t = shdr_of(o, j);
			bad += j != i && p->sec_where[j] == w && t.sh_size && s.sh_size &&
			       p->sec_off[j] < off + s.sh_size && off < p->sec_off[j] + t.sh_size;
		}
		for (uint32_t b = 0; b < s.sh_size && !bad; b++)
			if (!mark[w][off + b])
				bad += buf[w][off + b] !=
				       (s.sh_type == SHT_NOBITS ? 0 : o->buf[s.sh_offset + b]);
	}
	return bad;
}

/* The oracle: mismatches found (0 expected); *checked counts the relocations. */
static int oracle(const struct obj *o, const struct prog_plan *p, const struct linked *l,
		  const struct names *nm, int *checked)
{
	uint8_t *mark[3] = { NULL, calloc(1, p->text_size + 1), calloc(1, p->data_size + 1) };
	int bad;

	*checked = 0;
	bad = oracle_relocs(o, p, l, nm, mark, checked) + oracle_bytes(o, p, l, mark);
	free(mark[PROG_TEXT]);
	free(mark[PROG_DATA]);
	return bad;
}

/* Link o at two address pairs and hold each against the oracle. */
static void check_linked_twice(const struct obj *o, const struct prog_plan *p,
			       const struct names *nm, int min_relocs)
{
	static const uint32_t at[2][2] = { { 0x10000000u, 0x20000000u },
					   { 0x8fc3e000u, 0x00401000u } };
	struct linked l;
	int checked;

	for (int k = 0; k < 2; k++) {
		REQUIRE(link_at(o, p, at[k][0], at[k][1], nm, &l) == 0);
		CHECK(oracle(o, p, &l, nm, &checked) == 0);
		CHECK(checked >= min_relocs);
		linked_free(&l);
	}
}

TEST(prog_elf_hello)
{
	struct obj o = obj_read(OBJ_HELLO);
	struct linked l;

	REQUIRE(o.buf);
	REQUIRE(prog_elf_plan(o.buf, o.len, 0, &plan, err, sizeof(err)) == 0);
	CHECK(err[0] == '\0');
	CHECK(plan.has_main && plan.main_off < plan.text_size);
	CHECK(plan.nundef == 2 && in_plan(&plan, "printf", true) &&
	      in_plan(&plan, "plx_node_id", true));
	CHECK(plan.nexports == 1 && export_of(&plan, "main")->where == PROG_TEXT);
	CHECK(plan.nfuncs == 1 && plan.funcs_dropped == 0 && !strcmp(plan.funcs[0].name, "main") &&
	      plan.funcs[0].where == PROG_TEXT && plan.funcs[0].off == plan.main_off);
	CHECK(plan.data_size == 0 && plan.text_size > 0 && plan.text_align == 16);
	CHECK(plan.sec_where[section_find(&o, ".eh_frame", NULL)] == PROG_NONE);
	CHECK(plan.sec_where[section_find(&o, ".rodata.str1.1", NULL)] == PROG_TEXT);
	check_linked_twice(&o, &plan, &kernel_names, 7);
	REQUIRE(link_at(&o, &plan, 0x10000000u, 0, &kernel_names, &l) == 0);
	CHECK(contains(l.text, plan.text_size, "hello from node %u:", 20));
	CHECK(calls_to(&plan, &l, 0xc0001000u) == 3);      /* printf */
	CHECK(calls_to(&plan, &l, 0xc0002010u) == 1);      /* plx_node_id */
	linked_free(&l);
	free(o.buf);
}

TEST(prog_elf_reloc_values)
{
	struct obj o = obj_read(OBJ_RELOC);
	struct linked a, b;

	REQUIRE(o.buf);
	CHECK(prog_elf_plan(o.buf, o.len, 0, &plan, err, sizeof(err)) == -1);
	CHECK(strcmp(err, "no main (and not loaded as a library)") == 0);
	REQUIRE(prog_elf_plan(o.buf, o.len, PROG_LIBRARY, &plan, err, sizeof(err)) == 0);
	CHECK(!plan.has_main && plan.nundef == 3);
	CHECK(plan.undef[2].weak || plan.undef[1].weak || plan.undef[0].weak);
	check_linked_twice(&o, &plan, &kernel_names, 8);
	REQUIRE(link_at(&o, &plan, 0x10000000u, 0x20000000u, &kernel_names, &a) == 0);
	REQUIRE(link_at(&o, &plan, 0x30000040u, 0x40000080u, &kernel_names, &b) == 0);
	CHECK(word(export_at(&plan, &a, "rel_ptr_table")) == export_va(&plan, &a, "rel_table") + 8);
	CHECK(word(export_at(&plan, &b, "rel_ptr_table")) == export_va(&plan, &b, "rel_table") + 8);
	CHECK(word(export_at(&plan, &b, "rel_fn_local")) == export_va(&plan, &b, "rel_local"));
	CHECK(word(export_at(&plan, &a, "rel_ptr_ext")) == 0xc0003020u);
	CHECK(word(export_at(&plan, &b, "rel_fn_ext")) == 0xc0004030u);
	CHECK(word(export_at(&plan, &b, "rel_ptr_weak")) == 0);          /* weak, unresolved */
	CHECK(word(export_at(&plan, &a, "rel_table") + 12) == 44);
	CHECK(word(export_at(&plan, &a, "rel_counter")) == 0);
	uint32_t g = word(export_at(&plan, &b, "rel_greeting"));
	REQUIRE(g - b.text_va < plan.text_size);
	CHECK(strcmp((const char *)b.text + (g - b.text_va), "relocated") == 0);
	CHECK(calls_to(&plan, &a, 0xc0004030u) == 2 && calls_to(&plan, &b, 0xc0004030u) == 2);
	linked_free(&a);
	linked_free(&b);
	free(o.buf);
}

TEST(prog_elf_common)
{
	struct obj o = obj_read(OBJ_COMMON);
	static const char *const names[] = { "com_small", "com_buf", "com_aligned" };
	static const uint32_t size[] = { 4, 100, 8 };
	const struct prog_symbol *s[3];

	REQUIRE(o.buf);
	REQUIRE(prog_elf_plan(o.buf, o.len, 0, &plan, err, sizeof(err)) == 0);
	for (int i = 0; i < 3; i++) {
		s[i] = export_of(&plan, names[i]);
		REQUIRE(s[i] && s[i]->where == PROG_DATA);
		CHECK(s[i]->off + size[i] <= plan.data_size);
		CHECK(s[i]->off % (i == 2 ? 8 : 4) == 0);
	}
	for (int i = 0; i < 3; i++)
		for (int j = i + 1; j < 3; j++)
			CHECK(s[i]->off + size[i] <= s[j]->off || s[j]->off + size[j] <= s[i]->off);
	CHECK(plan.data_align >= 8);
	check_linked_twice(&o, &plan, &kernel_names, 3);
	free(o.buf);
}

TEST(prog_elf_library)
{
	struct obj lib = obj_read(OBJ_LIBDEMO), use = obj_read(OBJ_USELIB);
	struct names nm = kernel_names;
	struct linked ll, lu;

	REQUIRE(lib.buf && use.buf);
	CHECK(prog_elf_plan(lib.buf, lib.len, 0, &plan, err, sizeof(err)) == -1);
	REQUIRE(prog_elf_plan(lib.buf, lib.len, PROG_LIBRARY, &plan, err, sizeof(err)) == 0);
	CHECK(export_of(&plan, "demo_add")->where == PROG_TEXT);
	CHECK(export_of(&plan, "demo_greet")->where == PROG_TEXT);
	CHECK(export_of(&plan, "demo_calls")->where == PROG_DATA);
	CHECK(plan.nundef == 2 && !in_plan(&plan, "demo_add", true));
	check_linked_twice(&lib, &plan, &kernel_names, 8);
	REQUIRE(link_at(&lib, &plan, 0x40000000u, 0x50000000u, &kernel_names, &ll) == 0);
	CHECK(calls_to(&plan, &ll, export_va(&plan, &ll, "demo_add")) == 1);  /* across ld -r */
	static const char *const lib_names[] = { "demo_add", "demo_greet", "demo_calls" };
	for (int i = 0; i < 3; i++) {
		nm.name[nm.n] = lib_names[i];
		nm.va[nm.n++] = export_va(&plan, &ll, lib_names[i]);
	}
	REQUIRE(prog_elf_plan(use.buf, use.len, 0, &plan2, err, sizeof(err)) == 0);
	CHECK(plan2.nundef == 3 && in_plan(&plan2, "demo_calls", true));
	check_linked_twice(&use, &plan2, &nm, 3);
	REQUIRE(link_at(&use, &plan2, 0x60000000u, 0x70000000u, &nm, &lu) == 0);
	CHECK(calls_to(&plan2, &lu, nm.va[4]) == 1);           /* demo_add */
	CHECK(calls_to(&plan2, &lu, nm.va[5]) == 1);           /* demo_greet */
	CHECK(contains(lu.text, plan2.text_size, &nm.va[6], 4));   /* demo_calls */
	linked_free(&ll);
	linked_free(&lu);
	free(lib.buf);
	free(use.buf);
}

TEST(prog_elf_undefined_writes_nothing)
{
	struct obj o = obj_read(OBJ_HELLO);
	struct names nm = { { "plx_node_id" }, { 0xc0002010u }, 1 };

	REQUIRE(o.buf);
	REQUIRE(prog_elf_plan(o.buf, o.len, 0, &plan, err, sizeof(err)) == 0);
	uint8_t *text = malloc(plan.text_size);
	memset(text, 0xaa, plan.text_size);
	CHECK(prog_elf_link(o.buf, o.len, &plan, text, 0x1000, NULL, 0, names_resolve, &nm, err,
			    sizeof(err)) == -1);
	CHECK(strcmp(err, "undefined symbol 'printf'") == 0);
	CHECK(prog_elf_link(o.buf, o.len, &plan, text, 0x1000, NULL, 0, NULL, NULL, err,
			    sizeof(err)) == -1);
	CHECK(strstr(err, "undefined symbol '") != NULL);
	int touched = 0;
	for (uint32_t i = 0; i < plan.text_size; i++)
		touched += text[i] != 0xaa;
	CHECK(touched == 0);
	free(text);
	free(o.buf);
}

/* Plan a copy of o with one 32-bit (or 16-bit) field at off set to v: plan's result. */
static int plan_patched(const struct obj *o, size_t off, uint32_t v, int bytes, unsigned flags)
{
	uint8_t *c = malloc(o->len);
	int r;

	memcpy(c, o->buf, o->len);
	memcpy(c + off, &v, (size_t)bytes);
	r = prog_elf_plan(c, o->len, flags, &plan, err, sizeof(err));
	free(c);
	return r;
}

TEST(prog_elf_refusals)
{
	struct obj o = obj_read(OBJ_RELOC), pic = obj_read(OBJ_PIC), lng = obj_read(OBJ_LONG);
	char want[128];
	size_t hdr, shf = offsetof(Elf32_Shdr, sh_flags), sht = offsetof(Elf32_Shdr, sh_type);

	REQUIRE(o.buf && pic.buf && lng.buf);
	CHECK(prog_elf_plan(pic.buf, pic.len, 0, &plan, err, sizeof(err)) == -1);
	CHECK(strstr(err, " (R_386_GOT") && strstr(err, "in .rel.text") && strstr(err, "at offset 0x") &&
	      strstr(err, "is not supported"));
	CHECK(prog_elf_plan(lng.buf, lng.len, 0, &plan, err, sizeof(err)) == -1);
	CHECK(strstr(err, "is longer than 39 bytes") != NULL);
	uint32_t rel = section_find(&o, ".rel.text", &hdr);
	REQUIRE(rel);
	Elf32_Shdr rs = shdr_of(&o, rel);
	Elf32_Rel r;
	memcpy(&r, o.buf + rs.sh_offset, sizeof(r));
	CHECK(plan_patched(&o, rs.sh_offset + 4, (r.r_info & ~0xffu) | R_386_GOTPC, 4, 1) == -1);
	snprintf(want, sizeof(want),
		 "relocation type 10 (R_386_GOTPC) in .rel.text at offset 0x%x is not supported",
		 r.r_offset);
	CHECK(strcmp(err, want) == 0);
	CHECK(plan_patched(&o, rs.sh_offset + 4, (r.r_info & 0xffu) | 0xffff00u, 4, 1) == -1);
	CHECK(strstr(err, "is out of range") != NULL);
	CHECK(plan_patched(&o, rs.sh_offset, shdr_of(&o, rs.sh_info).sh_size - 3, 4, 1) == -1);
	CHECK(strstr(err, "is outside .text") != NULL);
	CHECK(plan_patched(&o, hdr + sht, SHT_RELA, 4, 1) == -1);
	CHECK(strcmp(err, "section .rel.text: SHT_RELA relocations are not supported") == 0);
	uint32_t text = section_find(&o, ".text", &hdr);
	CHECK(plan_patched(&o, hdr + shf, shdr_of(&o, text).sh_flags | SHF_WRITE, 4, 1) == -1);
	CHECK(strcmp(err, "section .text is writable code") == 0);
	CHECK(plan_patched(&o, offsetof(Elf32_Ehdr, e_machine), EM_X86_64, 2, 1) == -1);
	CHECK(strcmp(err, "e_machine 62: not i386 (EM_386)") == 0);
	CHECK(plan_patched(&o, offsetof(Elf32_Ehdr, e_type), ET_EXEC, 2, 1) == -1);
	CHECK(strstr(err, "not a relocatable object") != NULL);
	CHECK(plan_patched(&o, EI_CLASS, ELFCLASS64, 1, 1) == -1);
	CHECK(strstr(err, "not an ELF32 little-endian object") != NULL);
	REQUIRE(section_find(&o, ".bss", &hdr));
	CHECK(plan_patched(&o, hdr + offsetof(Elf32_Shdr, sh_size), PROG_REGION_MAX, 4, 1) == -1);
	CHECK(strcmp(err, ".bss: the data region would be larger than PROG_REGION_MAX "
		     "(16777216)") == 0);
	CHECK(plan_patched(&o, hdr + offsetof(Elf32_Shdr, sh_size), 1u << 20, 4, 1) == 0);
	CHECK(plan.data_size > 1u << 20 && plan.data_size < 2u << 20);
	uint8_t *big = calloc(1, PROG_OBJ_MAX + 1);
	memcpy(big, o.buf, o.len);
	CHECK(prog_elf_plan(big, PROG_OBJ_MAX + 1, 1, &plan, err, sizeof(err)) == -1);
	CHECK(strstr(err, "larger than PROG_OBJ_MAX") != NULL);
	free(big);
	free(o.buf);
	free(pic.buf);
	free(lng.buf);
}

TEST(prog_elf_link_refusals)
{
	struct obj o = obj_read(OBJ_HELLO);
	uint8_t text[4096];

	REQUIRE(o.buf);
	REQUIRE(prog_elf_plan(o.buf, o.len, 0, &plan, err, sizeof(err)) == 0);
	REQUIRE(plan.text_size <= sizeof(text));
#define LINK(obj, va) prog_elf_link(obj, o.len, &plan, text, va, NULL, 0, names_resolve, \
				    (void *)&kernel_names, err, sizeof(err))
	CHECK(LINK(o.buf, 0x1008) == -1 && strstr(err, "is not aligned to 16"));
	CHECK(LINK(o.buf, 0xfffffff0u) == -1 && strstr(err, "passes 4 GiB"));
	CHECK(prog_elf_link(o.buf, o.len, &plan, NULL, 0x1000, NULL, 0, NULL, NULL, err,
			    sizeof(err)) == -1 && strstr(err, "no text buffer"));
	o.buf[o.len / 2] ^= 1;
	CHECK(LINK(o.buf, 0x1000) == -1 && strcmp(err, "the object is not the one planned") == 0);
	o.buf[o.len / 2] ^= 1;
	CHECK(LINK(o.buf, 0x1000) == 0);
	plan.magic = 0;
	CHECK(LINK(o.buf, 0x1000) == -1 && strstr(err, "no plan"));
#undef LINK
	free(o.buf);
}

/* Every name resolves, to one address. */
static bool resolve_any(void *ctx, const char *name, uint32_t *va)
{
	(void)ctx;
	(void)name;
	*va = 0xd0000000u;
	return true;
}

/* Plan a copy of o's first len bytes (a buffer of exactly that size, so the
 * sanitizer sees any read past it); if it passes, link it too. 0: planned. */
static int plan_exact(const uint8_t *bytes, size_t len, int *linked)
{
	uint8_t *c = malloc(len ? len : 1);
	int r;

	memcpy(c, bytes, len);
	r = prog_elf_plan(c, len, PROG_LIBRARY, &plan, err, sizeof(err));
	if (r == 0) {
		CHECK(plan.text_size <= PROG_REGION_MAX && plan.data_size <= PROG_REGION_MAX);
		CHECK(!plan.has_main || plan.main_off < plan.text_size);
		uint8_t *t = malloc(plan.text_size + 1), *d = malloc(plan.data_size + 1);
		if (prog_elf_link(c, len, &plan, t, 0x10000000u, d, 0x20000000u, resolve_any,
				  NULL, err, sizeof(err)) == 0)
			(*linked)++;
		free(t);
		free(d);
	}
	free(c);
	return r;
}

TEST(prog_elf_truncated)
{
	static const char *const paths[] = { OBJ_HELLO, OBJ_RELOC, OBJ_LIBDEMO };
	int linked = 0;

	for (int k = 0; k < 3; k++) {
		struct obj o = obj_read(paths[k]);
		REQUIRE(o.buf);
		int refused = 0;
		for (size_t len = 0; len < o.len; len++)
			refused += plan_exact(o.buf, len, &linked) != 0;
		/* The section headers are the object's last bytes: every cut loses some. */
		CHECK(refused == (int)o.len);
		CHECK(plan_exact(o.buf, o.len, &linked) == 0);
		free(o.buf);
	}
	CHECK(linked == 3);     /* the three whole objects */
}

/* A 32-bit LCG (Numerical Recipes): the fuzz's fixed-seed noise. */
static uint32_t fuzz_rand(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8 | *s << 24;
}

/* A value worth writing into a field of an object of len bytes. */
static uint32_t fuzz_value(uint32_t *s, uint32_t old, size_t len)
{
	uint32_t small = fuzz_rand(s) % 64, any = fuzz_rand(s);
	const uint32_t v[] = { 0, 1, 4, 0xffffffffu, 0x7fffffffu, 0x80000000u, (uint32_t)len,
			       (uint32_t)len - 1, (uint32_t)len + 1, old + 1, old - 1,
			       old + 4, old ^ 0x100, small, any };

	return v[fuzz_rand(s) % (sizeof(v) / sizeof(v[0]))];
}

/* The file offset of a random field the loader reads (*bytes wide): the
 * header's section table fields, a section header's, or a word of the
 * symbol table or of a relocation section. */
static size_t fuzz_field(uint32_t *s, const struct obj *o, int *bytes)
{
	Elf32_Ehdr eh;

	memcpy(&eh, o->buf, sizeof(eh));
	uint32_t i = 1 + fuzz_rand(s) % (eh.e_shnum - 1u);
	size_t hdr = eh.e_shoff + i * sizeof(Elf32_Shdr);
	*bytes = 4;
	switch (fuzz_rand(s) % 4) {
	case 0:
		if (fuzz_rand(s) % 3 == 0)
			return offsetof(Elf32_Ehdr, e_shoff);
		*bytes = 2;
		return fuzz_rand(s) % 2 ? offsetof(Elf32_Ehdr, e_shnum) : offsetof(Elf32_Ehdr, e_shstrndx);
	case 1:
		return hdr + 4 * (fuzz_rand(s) % 10);
	default:
		for (uint32_t k = 0; k < eh.e_shnum; k++, i = 1 + i % (eh.e_shnum - 1u)) {
			Elf32_Shdr sh = shdr_of(o, i);
			if ((sh.sh_type == SHT_SYMTAB || sh.sh_type == SHT_REL) && sh.sh_size >= 4)
				return sh.sh_offset + (fuzz_rand(s) % (sh.sh_size / 4)) * 4;
		}
		return hdr;
	}
}

/* The fuzz's kinds of mutation: each run's mutations are of one kind; a run
 * whose object is then cut short counts as FUZZ_CUT. */
enum { FUZZ_BIT, FUZZ_BYTE, FUZZ_FIELD, FUZZ_CUT, FUZZ_KINDS };
static const char *const fuzz_kind_name[FUZZ_KINDS] = {
	"bit flips", "random bytes", "header, section, symbol and relocation fields",
	"any of those, then cut short",
};

/* One mutation of kind into c (a copy of o). */
static void fuzz_mutate(uint32_t *s, const struct obj *o, uint8_t *c, int kind)
{
	int bytes;
	size_t off;
	uint32_t old = 0;

	if (kind == FUZZ_BIT) {
		c[fuzz_rand(s) % o->len] ^= (uint8_t)(1u << fuzz_rand(s) % 8);
	} else if (kind == FUZZ_BYTE) {
		c[fuzz_rand(s) % o->len] = (uint8_t)fuzz_rand(s);
	} else {
		off = fuzz_field(s, o, &bytes);
		if (off + (size_t)bytes > o->len)
			return;
		memcpy(&old, c + off, (size_t)bytes);
		old = fuzz_value(s, old, o->len);
		memcpy(c + off, &old, (size_t)bytes);
	}
}

TEST(prog_elf_fuzz)
{
	static const char *const paths[] = { OBJ_HELLO, OBJ_RELOC, OBJ_LIBDEMO, OBJ_COMMON,
					     OBJ_USELIB };
	struct obj o[5];
	uint32_t seed = FUZZ_SEED;
	int refused = 0, linked = 0, tried[FUZZ_KINDS] = { 0 }, refused_k[FUZZ_KINDS] = { 0 };

	for (int k = 0; k < 5; k++) {
		o[k] = obj_read(paths[k]);
		REQUIRE(o[k].buf);
	}
	uint8_t *c = malloc(8192);
	for (int i = 0; i < FUZZ_MUTATIONS; i++) {
		const struct obj *src = &o[i % 5];
		REQUIRE(src->len <= 8192);
		memcpy(c, src->buf, src->len);
		int kind = (int)(fuzz_rand(&seed) % 4);
		kind = kind > FUZZ_FIELD ? FUZZ_FIELD : kind;     /* half the runs: fields */
		for (uint32_t m = 1 + fuzz_rand(&seed) % 3; m; m--)
			fuzz_mutate(&seed, src, c, kind);
		size_t len = fuzz_rand(&seed) % 8 ? src->len : fuzz_rand(&seed) % src->len;
		kind = len < src->len ? FUZZ_CUT : kind;
		int r = plan_exact(c, len, &linked) != 0;
		tried[kind]++;
		refused_k[kind] += r;
		refused += r;
	}
	printf("  fuzz: %d mutated objects (seed %u): %d refused by plan, %d planned, of those "
	       "%d linked\n", FUZZ_MUTATIONS, FUZZ_SEED, refused, FUZZ_MUTATIONS - refused, linked);
	for (int k = 0; k < FUZZ_KINDS; k++)
		printf("    %s: %d of %d refused\n", fuzz_kind_name[k], refused_k[k], tried[k]);
	CHECK(refused > FUZZ_MUTATIONS / 2 && refused < FUZZ_MUTATIONS);
	free(c);
	for (int k = 0; k < 5; k++)
		free(o[k].buf);
}
