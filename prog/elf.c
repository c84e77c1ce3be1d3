/*
 * elf.c: the ELF32 relocatable-object loader (see elf.h for what it loads,
 * refuses and its limits). Portable: freestanding headers only, no libc
 * calls but the memcpy/memset gcc's builtins may emit; the kernel and the
 * host unit tests build the same file.
 *
 * Every field is read with rd16/rd32 from bytes whose range was checked
 * first (overflow-safe: `size <= len - off`, never `off + size <= len`), so
 * a garbled object can only be refused. prog_elf_plan checks in this order,
 * each step trusting only what the steps before it checked:
 *   1. elf_open       the ELF header and the section header table's range
 *   2. plan_sections  each section's range, names, kind; the two regions
 *   3. plan_symbols   the symbol table, its names, where each symbol is
 *   4. rel_walk       every relocation of a loaded section (plan_rel_check)
 * prog_elf_link trusts the plan (it checks that the object is the one
 * planned), resolves, and only then writes: the same rel_walk applies the
 * relocations (link_rel_apply), which cannot fail.
 */
#include "prog/elf.h"

/* ELF32 constants (System V ABI, i386 supplement). */
#define EHDR_SIZE       52u
#define SHDR_SIZE       40u
#define SYM_SIZE        16u
#define REL_SIZE        8u
#define ELFCLASS32      1
#define ELFDATA2LSB     1
#define ET_REL          1
#define EM_386          3
#define SHT_PROGBITS    1u
#define SHT_SYMTAB      2u
#define SHT_STRTAB      3u
#define SHT_RELA        4u
#define SHT_NOTE        7u
#define SHT_NOBITS      8u
#define SHT_REL         9u
#define SHT_INIT_ARRAY  14u
#define SHT_FINI_ARRAY  15u
#define SHT_PREINIT_ARRAY 16u
#define SHT_SYMTAB_SHNDX 18u
#define SHF_WRITE       0x1u
#define SHF_ALLOC       0x2u
#define SHF_EXECINSTR   0x4u
#define SHF_TLS         0x400u
#define SHN_UNDEF       0u
#define SHN_LORESERVE   0xff00u
#define SHN_ABS         0xfff1u
#define SHN_COMMON      0xfff2u
#define STB_LOCAL       0
#define STB_GLOBAL      1
#define STB_WEAK        2
#define STT_FUNC        2
#define STT_SECTION     3
#define STT_TLS         6
#define STV_INTERNAL    1
#define STV_HIDDEN      2
#define R_386_NONE      0u
#define R_386_32        1u
#define R_386_PC32      2u

struct err {
	char *buf;
	size_t cap, n;
};

/* A section header, decoded. */
struct shdr {
	uint32_t name, type, flags, offset, size, link, info, align, entsize;
};

/* A symbol table entry, decoded. */
struct sym {
	uint32_t name, value, size;
	uint8_t bind, type, vis;
	uint16_t shndx;
};

/* The object being read: what elf_open and plan_sections checked. */
struct elf {
	const uint8_t *obj;
	uint32_t len;
	uint32_t shoff, shnum;
	uint32_t shstr_off, shstr_size;    /* section names */
	uint32_t symtab;                   /* its section index; 0: none yet */
	uint32_t sym_off, nsyms;
	uint32_t str_off, str_size;        /* symbol names */
	struct err e;
};

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void err_c(struct err *e, char c)
{
	if (e->n + 1 < e->cap) {
		e->buf[e->n++] = c;
		e->buf[e->n] = '\0';
	}
}

static void err_u(struct err *e, uint32_t v, uint32_t base)
{
	char d[10];
	int n = 0;

	do {
		d[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	while (n)
		err_c(e, d[--n]);
}

/*
 * The error line: fmt with %s (a string), %u (decimal) and %x (hex, after
 * the 0x the format writes). Always -1, so a check reads `return fail(...)`.
 */
static int fail(struct elf *f, const char *fmt, ...)
{
	struct err *e = &f->e;
	__builtin_va_list ap;

	e->n = 0;
	if (e->cap)
		e->buf[0] = '\0';
	__builtin_va_start(ap, fmt);
	for (; *fmt; fmt++) {
		if (*fmt != '%' || !fmt[1]) {
			err_c(e, *fmt);
			continue;
		}
		fmt++;
		if (*fmt == 's')
			for (const char *s = __builtin_va_arg(ap, const char *); *s; s++)
				err_c(e, *s);
		else if (*fmt == 'u' || *fmt == 'x')
			err_u(e, __builtin_va_arg(ap, uint32_t), *fmt == 'u' ? 10 : 16);
		else
			err_c(e, *fmt);
	}
	__builtin_va_end(ap);
	return -1;
}

/* off..off+size lies inside the object. */
static bool in_obj(const struct elf *f, uint32_t off, uint32_t size)
{
	return off <= f->len && size <= f->len - off;
}

/* A string table: inside the object, not empty, its last byte NUL. */
static bool strtab_ok(const struct elf *f, uint32_t off, uint32_t size)
{
	return size > 0 && in_obj(f, off, size) && f->obj[off + size - 1] == '\0';
}

static void shdr_read(const struct elf *f, uint32_t i, struct shdr *s)
{
	const uint8_t *p = f->obj + f->shoff + i * SHDR_SIZE;

	s->name = rd32(p);
	s->type = rd32(p + 4);
	s->flags = rd32(p + 8);
	s->offset = rd32(p + 16);
	s->size = rd32(p + 20);
	s->link = rd32(p + 24);
	s->info = rd32(p + 28);
	s->align = rd32(p + 32);
	s->entsize = rd32(p + 36);
}

static void sym_read(const struct elf *f, uint32_t i, struct sym *s)
{
	const uint8_t *p = f->obj + f->sym_off + i * SYM_SIZE;

	s->name = rd32(p);
	s->value = rd32(p + 4);
	s->size = rd32(p + 8);
	s->bind = p[12] >> 4;
	s->type = p[12] & 0xf;
	s->vis = p[13] & 3;
	s->shndx = rd16(p + 14);
}

/* Section i's name (plan_sections checked every sh_name). */
static const char *sec_name(const struct elf *f, uint32_t i)
{
	struct shdr s;

	shdr_read(f, i, &s);
	return (const char *)f->obj + f->shstr_off + s.name;
}

/* Symbol i's name, or its section's for a section symbol (plan_symbols checked both). */
static const char *sym_name(const struct elf *f, uint32_t i)
{
	struct sym s;

	sym_read(f, i, &s);
	if (s.type == STT_SECTION && s.shndx != SHN_UNDEF && s.shndx < f->shnum)
		return sec_name(f, s.shndx);
	return (const char *)f->obj + f->str_off + s.name;
}

static bool streq(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

/* 1. The ELF header, and the section header table inside the object. */
static int elf_open(struct elf *f, const uint8_t *obj, size_t len)
{
	static const uint8_t ident[7] = { 0x7f, 'E', 'L', 'F', ELFCLASS32, ELFDATA2LSB, 1 };

	f->obj = obj;
	if (len > PROG_OBJ_MAX)
		return fail(f, "object of %u bytes is larger than PROG_OBJ_MAX (%u)",
			    (uint32_t)(len > 0xffffffffu ? 0xffffffffu : len), PROG_OBJ_MAX);
	f->len = (uint32_t)len;
	if (len < EHDR_SIZE)
		return fail(f, "truncated: %u bytes, an ELF header is %u", f->len, EHDR_SIZE);
	for (uint32_t i = 0; i < sizeof(ident); i++)
		if (obj[i] != ident[i])
			return fail(f, "not an ELF32 little-endian object (e_ident byte %u)", i);
	if (rd16(obj + 16) != ET_REL)
		return fail(f, "e_type %u: not a relocatable object (ET_REL)", rd16(obj + 16));
	if (rd16(obj + 18) != EM_386)
		return fail(f, "e_machine %u: not i386 (EM_386)", rd16(obj + 18));
	if (rd32(obj + 20) != 1 || rd16(obj + 40) < EHDR_SIZE)
		return fail(f, "bad e_version or e_ehsize");
	if (rd16(obj + 46) != SHDR_SIZE)
		return fail(f, "e_shentsize %u: must be %u", rd16(obj + 46), SHDR_SIZE);
	f->shoff = rd32(obj + 32);
	f->shnum = rd16(obj + 48);
	if (f->shnum == 0 || f->shnum > PROG_SECTIONS_MAX)
		return fail(f, "%u sections: 1 to PROG_SECTIONS_MAX (%u)", f->shnum,
			    PROG_SECTIONS_MAX);
	if (!in_obj(f, f->shoff, f->shnum * SHDR_SIZE))
		return fail(f, "section headers at 0x%x (%u of them) are outside the object",
			    f->shoff, f->shnum);
	uint32_t shstrndx = rd16(obj + 50);
	if (shstrndx == 0 || shstrndx >= f->shnum)
		return fail(f, "e_shstrndx %u is not a section", shstrndx);
	struct shdr s;
	shdr_read(f, shstrndx, &s);
	if (s.type != SHT_STRTAB || !strtab_ok(f, s.offset, s.size))
		return fail(f, "section name table (section %u) is not a NUL-terminated string table "
			    "inside the object", shstrndx);
	f->shstr_off = s.offset;
	f->shstr_size = s.size;
	return 0;
}

/* The symbol table and its string table (section i, SHT_SYMTAB). */
static int open_symtab(struct elf *f, uint32_t i, const struct shdr *s)
{
	struct shdr str;

	if (f->symtab)
		return fail(f, "two symbol tables (sections %u and %u)", f->symtab, i);
	if (s->entsize != SYM_SIZE || s->size % SYM_SIZE || s->size == 0)
		return fail(f, "symbol table %s: entry size %u, size %u", sec_name(f, i),
			    s->entsize, s->size);
	if (s->size / SYM_SIZE > PROG_SYMBOLS_MAX)
		return fail(f, "%u symbols: more than PROG_SYMBOLS_MAX (%u)", s->size / SYM_SIZE,
			    PROG_SYMBOLS_MAX);
	if (s->link == 0 || s->link >= f->shnum)
		return fail(f, "symbol table's sh_link %u is not a section", s->link);
	shdr_read(f, s->link, &str);
	if (str.type != SHT_STRTAB || !strtab_ok(f, str.offset, str.size))
		return fail(f, "symbol names (section %u) are not a NUL-terminated string table "
			    "inside the object", s->link);
	f->symtab = i;
	f->sym_off = s->offset;
	f->nsyms = s->size / SYM_SIZE;
	f->str_off = str.offset;
	f->str_size = str.size;
	return 0;
}

/* Where section i goes (PROG_NONE: dropped), or a refusal. */
static int sec_classify(struct elf *f, uint32_t i, const struct shdr *s, uint8_t *where)
{
	const char *name = sec_name(f, i);

	*where = PROG_NONE;
	if (s->type == SHT_RELA)
		return fail(f, "section %s: SHT_RELA relocations are not supported", name);
	if (s->type == SHT_SYMTAB_SHNDX)
		return fail(f, "section %s: extended section indexes are not supported", name);
	if (s->type == SHT_INIT_ARRAY || s->type == SHT_FINI_ARRAY || s->type == SHT_PREINIT_ARRAY)
		return fail(f, "section %s: constructors and destructors are not supported", name);
	if (!(s->flags & SHF_ALLOC) || s->type == SHT_NOTE || streq(name, ".eh_frame"))
		return 0;
	if (s->flags & SHF_TLS)
		return fail(f, "section %s: thread-local storage is not supported", name);
	if ((s->flags & SHF_WRITE) && (s->flags & SHF_EXECINSTR))
		return fail(f, "section %s is writable code", name);
	if (s->type != SHT_PROGBITS && s->type != SHT_NOBITS)
		return fail(f, "section %s: type %u is not supported", name, s->type);
	if (s->type == SHT_NOBITS && !(s->flags & SHF_WRITE))
		return fail(f, "section %s: read-only SHT_NOBITS is not supported", name);
	if (s->align > PROG_ALIGN_MAX || (s->align & (s->align - 1)))
		return fail(f, "section %s: alignment %u (a power of 2 up to %u)", name, s->align,
			    PROG_ALIGN_MAX);
	*where = (s->flags & SHF_WRITE) ? PROG_DATA : PROG_TEXT;
	return 0;
}

/* The regions as they grow: size and alignment of PROG_TEXT and PROG_DATA. */
struct layout {
	uint32_t size[3], align[3];
};

/* Place size bytes, aligned, at the end of region r: *off, or a refusal naming what. */
static int place(struct elf *f, struct layout *l, uint8_t r, uint32_t size, uint32_t align,
		 const char *what, uint32_t *off)
{
	if (align == 0)
		align = 1;
	uint32_t at = (l->size[r] + align - 1) & ~(align - 1);
	if (size > PROG_REGION_MAX || at > PROG_REGION_MAX - size)
		return fail(f, "%s: the %s region would be larger than PROG_REGION_MAX (%u)", what,
			    r == PROG_TEXT ? "text" : "data", PROG_REGION_MAX);
	*off = at;
	l->size[r] = at + size;
	if (align > l->align[r])
		l->align[r] = align;
	return 0;
}

/* 2. Every section: inside the object, named, classified; then the layout. */
static int plan_sections(struct elf *f, struct prog_plan *plan, struct layout *l)
{
	struct shdr s;

	for (uint32_t i = 1; i < f->shnum; i++) {
		shdr_read(f, i, &s);
		if (s.name >= f->shstr_size)
			return fail(f, "section %u: sh_name 0x%x is outside the name table", i, s.name);
		if (s.type != SHT_NOBITS && !in_obj(f, s.offset, s.size))
			return fail(f, "section %s: 0x%x bytes at 0x%x are outside the object",
				    sec_name(f, i), s.size, s.offset);
		if (sec_classify(f, i, &s, &plan->sec_where[i]) < 0)
			return -1;
		if (s.type == SHT_SYMTAB && open_symtab(f, i, &s) < 0)
			return -1;
	}
	if (!f->symtab)
		return fail(f, "no symbol table");
	/* PROGBITS first, then NOBITS: the bss at the end of the data region. */
	for (uint32_t nobits = 0; nobits < 2; nobits++)
		for (uint32_t i = 1; i < f->shnum; i++) {
			shdr_read(f, i, &s);
			if (plan->sec_where[i] != PROG_NONE && (s.type == SHT_NOBITS) == nobits &&
			    place(f, l, plan->sec_where[i], s.size, s.align, sec_name(f, i),
				  &plan->sec_off[i]) < 0)
				return -1;
		}
	plan->nsections = f->shnum;
	return 0;
}

/* A global name into dst, or a refusal if it is too long. */
static int copy_name(struct elf *f, char *dst, const char *name)
{
	uint32_t n = 0;

	while (name[n] && n < PROG_NAME_MAX)
		n++;
	if (n == PROG_NAME_MAX)
		return fail(f, "symbol name '%s' is longer than %u bytes", name, PROG_NAME_MAX - 1);
	__builtin_memcpy(dst, name, n + 1);
	return 0;
}

/* An entry of plan->undef or plan->exports for symbol s (a global). */
static int list_symbol(struct elf *f, struct prog_symbol *list, uint32_t *n, uint32_t max,
		       const char *name, const struct sym *s, uint8_t where, uint32_t off)
{
	if (*n == max)
		return fail(f, "symbol '%s': more than %u %s symbols", name, max,
			    where == PROG_UNDEF ? "undefined" : "exported");
	if (copy_name(f, list[*n].name, name) < 0)
		return -1;
	list[*n].where = where;
	list[*n].weak = s->bind == STB_WEAK;
	list[*n].off = off;
	(*n)++;
	return 0;
}

/* Where symbol s (named name) is: plan->sym_where/sym_off[i]; a COMMON one is placed. */
static int sym_locate(struct elf *f, struct prog_plan *plan, struct layout *l, uint32_t i,
		      const struct sym *s, const char *name)
{
	uint8_t *where = &plan->sym_where[i];
	uint32_t *off = &plan->sym_off[i];
	struct shdr sec;

	if (i == 0 || s->shndx == SHN_ABS) {
		*where = PROG_ABS;
		*off = i == 0 ? 0 : s->value;
		return 0;
	}
	if (s->shndx == SHN_UNDEF) {
		if (s->bind == STB_LOCAL || !name[0])
			return fail(f, "symbol %u ('%s'): a local or unnamed undefined symbol", i, name);
		*where = PROG_UNDEF;
		*off = plan->nundef;
		return list_symbol(f, plan->undef, &plan->nundef, PROG_UNDEF_MAX, name, s,
				   PROG_UNDEF, 0);
	}
	if (s->shndx == SHN_COMMON) {
		if (s->value == 0 || s->value > PROG_ALIGN_MAX || (s->value & (s->value - 1)))
			return fail(f, "COMMON symbol '%s': alignment %u", name, s->value);
		*where = PROG_DATA;
		return place(f, l, PROG_DATA, s->size, s->value, name, off);
	}
	if (s->shndx >= f->shnum)
		return fail(f, "symbol '%s': section index 0x%x is not supported", name, s->shndx);
	*where = plan->sec_where[s->shndx];
	if (*where == PROG_NONE)
		return 0;
	shdr_read(f, s->shndx, &sec);
	if (s->value > sec.size)
		return fail(f, "symbol '%s' at 0x%x is outside its section %s (0x%x bytes)", name,
			    s->value, sec_name(f, s->shndx), sec.size);
	*off = plan->sec_off[s->shndx] + s->value;
	return 0;
}

/* A function of the text region into plan->funcs, if its name fits and there is room. */
static void list_func(struct prog_plan *plan, const char *name, const struct sym *s,
		      uint8_t where, uint32_t off)
{
	uint32_t n = 0;

	if (s->type != STT_FUNC || where != PROG_TEXT || !name[0])
		return;
	while (name[n] && n < PROG_NAME_MAX)
		n++;
	if (n == PROG_NAME_MAX || plan->nfuncs == PROG_FUNCS_MAX) {
		plan->funcs_dropped++;
		return;
	}
	struct prog_symbol *f = &plan->funcs[plan->nfuncs++];
	__builtin_memcpy(f->name, name, n + 1);
	f->where = PROG_TEXT;
	f->weak = s->bind == STB_WEAK;
	f->off = off;
}

/* 3. Every symbol: its name, where it is; the undefined, exported and function lists; main. */
static int plan_symbols(struct elf *f, struct prog_plan *plan, struct layout *l)
{
	struct sym s;

	for (uint32_t i = 0; i < f->nsyms; i++) {
		sym_read(f, i, &s);
		if (s.name >= f->str_size)
			return fail(f, "symbol %u: st_name 0x%x is outside the name table", i, s.name);
		const char *name = (const char *)f->obj + f->str_off + s.name;
		if (s.bind != STB_LOCAL && s.bind != STB_GLOBAL && s.bind != STB_WEAK)
			return fail(f, "symbol '%s': binding %u is not supported", name, s.bind);
		if (s.type == STT_TLS)
			return fail(f, "symbol '%s': thread-local storage is not supported", name);
		if (sym_locate(f, plan, l, i, &s, name) < 0)
			return -1;
		uint8_t where = plan->sym_where[i];
		list_func(plan, name, &s, where, plan->sym_off[i]);
		if (s.bind == STB_LOCAL || (where != PROG_TEXT && where != PROG_DATA) ||
		    s.vis == STV_HIDDEN || s.vis == STV_INTERNAL)
			continue;
		if (list_symbol(f, plan->exports, &plan->nexports, PROG_EXPORTS_MAX, name, &s,
				where, plan->sym_off[i]) < 0)
			return -1;
		if (streq(name, "main")) {
			if (where != PROG_TEXT)
				return fail(f, "main is not in a code section");
			plan->has_main = true;
			plan->main_off = plan->sym_off[i];
		}
	}
	plan->nsymbols = f->nsyms;
	plan->symtab = f->symtab;
	return 0;
}

/* One relocation, as rel_walk hands it to its visitor. */
struct rel {
	uint32_t sec;            /* the SHT_REL section */
	uint32_t target;         /* the section it patches */
	uint32_t target_size;
	uint32_t offset, type, sym;
};

typedef int (*rel_visit_fn)(struct elf *f, const struct prog_plan *plan, const struct rel *r,
			    void *arg);

/*
 * Every relocation of every SHT_REL section whose target is loaded, to
 * visit (those of dropped sections are not read). Checks each section's
 * shape first: its symbol table, target and entry size.
 */
static int rel_walk(struct elf *f, const struct prog_plan *plan, rel_visit_fn visit, void *arg)
{
	struct shdr s, t;
	struct rel r;

	for (uint32_t i = 1; i < f->shnum; i++) {
		shdr_read(f, i, &s);
		if (s.type != SHT_REL)
			continue;
		if (s.info >= f->shnum)
			return fail(f, "section %s: sh_info %u is not a section", sec_name(f, i), s.info);
		if (plan->sec_where[s.info] == PROG_NONE)
			continue;
		shdr_read(f, s.info, &t);
		if (s.link != f->symtab || s.entsize != REL_SIZE || s.size % REL_SIZE)
			return fail(f, "section %s: sh_link %u, entry size %u, size %u", sec_name(f, i),
				    s.link, s.entsize, s.size);
		if (t.type == SHT_NOBITS)
			return fail(f, "section %s relocates %s, which has no bytes", sec_name(f, i),
				    sec_name(f, s.info));
		r.sec = i;
		r.target = s.info;
		r.target_size = t.size;
		for (uint32_t k = 0; k < s.size / REL_SIZE; k++) {
			const uint8_t *p = f->obj + s.offset + k * REL_SIZE;
			r.offset = rd32(p);
			r.type = rd32(p + 4) & 0xff;
			r.sym = rd32(p + 4) >> 8;
			if (visit(f, plan, &r, arg) < 0)
				return -1;
		}
	}
	return 0;
}

static const char *rel_type_name(uint32_t type)
{
	static const char *const names[] = {
		[0] = "R_386_NONE", [1] = "R_386_32", [2] = "R_386_PC32", [3] = "R_386_GOT32",
		[4] = "R_386_PLT32", [5] = "R_386_COPY", [6] = "R_386_GLOB_DAT",
		[7] = "R_386_JMP_SLOT", [8] = "R_386_RELATIVE", [9] = "R_386_GOTOFF",
		[10] = "R_386_GOTPC", [11] = "R_386_32PLT", [20] = "R_386_16", [21] = "R_386_PC16",
		[22] = "R_386_8", [23] = "R_386_PC8", [43] = "R_386_GOT32X",
	};

	if (type < sizeof(names) / sizeof(names[0]) && names[type])
		return names[type];
	return "unknown";
}

/* 4. One relocation: a type we apply, a symbol that is loaded, 4 bytes of room. */
static int plan_rel_check(struct elf *f, const struct prog_plan *plan, const struct rel *r,
			  void *arg)
{
	(void)arg;
	if (r->type == R_386_NONE)
		return 0;
	if (r->type != R_386_32 && r->type != R_386_PC32)
		return fail(f, "relocation type %u (%s) in %s at offset 0x%x is not supported",
			    r->type, rel_type_name(r->type), sec_name(f, r->sec), r->offset);
	if (r->sym >= f->nsyms)
		return fail(f, "relocation in %s at offset 0x%x: symbol index %u is out of range",
			    sec_name(f, r->sec), r->offset, r->sym);
	if (r->target_size < 4 || r->offset > r->target_size - 4)
		return fail(f, "relocation in %s at offset 0x%x is outside %s (0x%x bytes)",
			    sec_name(f, r->sec), r->offset, sec_name(f, r->target), r->target_size);
	if (plan->sym_where[r->sym] == PROG_NONE)
		return fail(f, "relocation in %s at offset 0x%x refers to '%s', which is not loaded",
			    sec_name(f, r->sec), r->offset, sym_name(f, r->sym));
	return 0;
}

/* FNV-1a of the object: link's check that it got the bytes plan checked. */
static uint32_t obj_hash(const uint8_t *obj, uint32_t len)
{
	uint32_t h = 2166136261u;

	for (uint32_t i = 0; i < len; i++)
		h = (h ^ obj[i]) * 16777619u;
	return h;
}

int prog_elf_plan(const uint8_t *obj, size_t len, unsigned flags, struct prog_plan *plan,
		  char *err, size_t errlen)
{
	struct elf f = { .e = { err, errlen, 0 } };
	struct layout l = { { 0, 0, 0 }, { 1, 1, 1 } };

	if (errlen)
		err[0] = '\0';
	__builtin_memset(plan, 0, sizeof(*plan));
	if (elf_open(&f, obj, len) < 0 || plan_sections(&f, plan, &l) < 0 ||
	    plan_symbols(&f, plan, &l) < 0 || rel_walk(&f, plan, plan_rel_check, NULL) < 0)
		return -1;
	if (!plan->has_main && !(flags & PROG_LIBRARY))
		return fail(&f, "no main (and not loaded as a library)");
	plan->text_size = l.size[PROG_TEXT];
	plan->text_align = l.align[PROG_TEXT];
	plan->data_size = l.size[PROG_DATA];
	plan->data_align = l.align[PROG_DATA];
	plan->obj_len = f.len;
	plan->obj_hash = obj_hash(obj, f.len);
	plan->magic = PROG_PLAN_MAGIC;
	return 0;
}

/* Where link writes and what the symbols are worth. */
struct target {
	uint8_t *buf[3];                   /* indexed by PROG_TEXT, PROG_DATA */
	uint32_t va[3];
	uint32_t undef_va[PROG_UNDEF_MAX];
};

static uint32_t sym_value(const struct prog_plan *plan, const struct target *t, uint32_t i)
{
	uint32_t off = plan->sym_off[i];

	switch (plan->sym_where[i]) {
	case PROG_TEXT:
	case PROG_DATA:
		return t->va[plan->sym_where[i]] + off;
	case PROG_UNDEF:
		return t->undef_va[off];
	default:
		return off;
	}
}

/* One relocation into the copied bytes: R_386_32 S + A, R_386_PC32 S + A - P. */
static int link_rel_apply(struct elf *f, const struct prog_plan *plan, const struct rel *r,
			  void *arg)
{
	const struct target *t = arg;
	uint8_t where = plan->sec_where[r->target];
	uint32_t at = plan->sec_off[r->target] + r->offset;

	(void)f;
	if (r->type == R_386_NONE)     /* plan checked nothing else of it */
		return 0;
	uint8_t *p = t->buf[where] + at;
	uint32_t v = sym_value(plan, t, r->sym) + rd32(p);
	if (r->type == R_386_PC32)
		v -= t->va[where] + at;
	wr32(p, v);
	return 0;
}

/* The link's arguments, checked before anything is resolved or written. */
static int link_check(struct elf *f, const uint8_t *obj, size_t len,
		      const struct prog_plan *plan, const struct target *t)
{
	static const char *const region[3] = { "", "text", "data" };
	uint32_t size[3] = { 0, plan->text_size, plan->data_size };
	uint32_t align[3] = { 1, plan->text_align, plan->data_align };

	if (plan->magic != PROG_PLAN_MAGIC)
		return fail(f, "no plan (prog_elf_plan did not succeed)");
	if (len != plan->obj_len || obj_hash(obj, plan->obj_len) != plan->obj_hash)
		return fail(f, "the object is not the one planned");
	for (uint8_t r = PROG_TEXT; r <= PROG_DATA; r++) {
		if (size[r] && !t->buf[r])
			return fail(f, "no %s buffer for %u bytes", region[r], size[r]);
		if (t->va[r] & (align[r] - 1))
			return fail(f, "%s address 0x%x is not aligned to %u", region[r], t->va[r],
				    align[r]);
		if (size[r] && t->va[r] > 0xffffffffu - (size[r] - 1))
			return fail(f, "%s region at 0x%x (0x%x bytes) passes 4 GiB", region[r],
				    t->va[r], size[r]);
	}
	return 0;
}

/* Every undefined symbol through the callback, before anything is written. */
static int link_resolve(struct elf *f, const struct prog_plan *plan, struct target *t,
			prog_resolve_fn resolve, void *ctx)
{
	for (uint32_t i = 0; i < plan->nundef; i++) {
		const struct prog_symbol *u = &plan->undef[i];
		uint32_t va = 0;
		bool found = resolve && resolve(ctx, u->name, &va);
		if (!found && !u->weak)
			return fail(f, "undefined symbol '%s'", u->name);
		t->undef_va[i] = found ? va : 0;  /* an unresolved weak symbol: 0 */
	}
	return 0;
}

/* The regions' bytes: zeroes, then every loaded SHT_PROGBITS section in place. */
static void link_copy(struct elf *f, const struct prog_plan *plan, const struct target *t)
{
	struct shdr s;

	if (plan->text_size)
		__builtin_memset(t->buf[PROG_TEXT], 0, plan->text_size);
	if (plan->data_size)
		__builtin_memset(t->buf[PROG_DATA], 0, plan->data_size);
	for (uint32_t i = 1; i < plan->nsections; i++) {
		shdr_read(f, i, &s);
		if (plan->sec_where[i] != PROG_NONE && s.type != SHT_NOBITS && s.size)
			__builtin_memcpy(t->buf[plan->sec_where[i]] + plan->sec_off[i],
					 f->obj + s.offset, s.size);
	}
}

int prog_elf_link(const uint8_t *obj, size_t len, const struct prog_plan *plan,
		  uint8_t *text_buf, uint32_t text_va, uint8_t *data_buf, uint32_t data_va,
		  prog_resolve_fn resolve, void *ctx, char *err, size_t errlen)
{
	struct elf f = { .e = { err, errlen, 0 } };
	struct target t = { { NULL, text_buf, data_buf }, { 0, text_va, data_va }, { 0 } };
	struct shdr s;

	if (errlen)
		err[0] = '\0';
	if (link_check(&f, obj, len, plan, &t) < 0 || elf_open(&f, obj, len) < 0)
		return -1;
	shdr_read(&f, plan->symtab, &s);
	if (open_symtab(&f, plan->symtab, &s) < 0 || link_resolve(&f, plan, &t, resolve, ctx) < 0)
		return -1;
	/* From here on nothing fails: the plan checked every byte read below. */
	link_copy(&f, plan, &t);
	return rel_walk(&f, plan, link_rel_apply, &t);
}
