/*
 * elf.h: the program loader's portable part (issue 13): an ELF32 i386
 * relocatable object (a program, or a library of them: gcc -c, or several
 * joined with ld -r) checked, laid out and linked into buffers the caller
 * owns. Portable: freestanding headers only, no allocation, no globals; the
 * kernel and the host unit tests (tests/unit/test_prog_elf.c) build the same
 * file. prog/ touches nothing but its arguments.
 *
 * Two steps, check then act (the seL4 rule):
 *   1. prog_elf_plan(obj, len, flags, plan, err): reads the object, checks
 *      all of it and lays it out; writes only *plan and err.
 *   2. prog_elf_link(obj, len, plan, text, text_va, data, data_va, resolve):
 *      first resolves every undefined symbol through the caller's callback
 *      (and fails there, having written nothing), then copies the sections
 *      into the two buffers and applies the relocations for the load
 *      addresses. Once the symbols are resolved nothing can fail.
 * The kernel's order: plan; allocate text_size bytes in the code area and
 * data_size bytes in heap objects; link into them, in one transaction.
 *
 * What is loaded:
 *   text region  SHF_ALLOC sections that are not SHF_WRITE: .text*, .rodata*
 *                (read-only after install; never on a page with data)
 *   data region  SHF_ALLOC|SHF_WRITE: .data*, then .bss* (SHT_NOBITS), then
 *                the COMMON symbols (allocated here, in symbol order)
 *   dropped      .eh_frame (no unwinder runs programs), SHT_NOTE, every
 *                section without SHF_ALLOC (.comment, debug info, .symtab),
 *                and the relocation sections that patch them (their entries
 *                are not read)
 * Each region is aligned to the largest alignment of its sections.
 *
 * What is refused, with a message naming the section, symbol, relocation
 * and offset: anything but ELFCLASS32, little-endian, EM_386, ET_REL; a
 * header, section, string table, symbol or relocation outside the buffer or
 * out of range; SHT_RELA; relocation types other than R_386_NONE (skipped),
 * R_386_32 (S + A) and R_386_PC32 (S + A - P), A being the word in place;
 * a relocation of a SHT_NOBITS section, or one that refers to a symbol of a
 * section not loaded; writable code; TLS; .init_array/.fini_array (nothing
 * runs constructors); a local undefined symbol; a global name of
 * PROG_NAME_MAX bytes or more; more than the limits below; no `main` in the
 * text region (unless PROG_LIBRARY).
 *
 * Symbols: every global or weak symbol the object defines in a loaded
 * region, of default or protected visibility, is listed in plan->exports
 * (a program used as a library exports them); every undefined one in
 * plan->undef. An undefined weak symbol the callback cannot resolve is 0.
 * plan->funcs names the functions of the text region (STT_FUNC, local ones
 * included, names shorter than PROG_NAME_MAX, the first PROG_FUNCS_MAX; more
 * are not refused, plan->funcs_dropped counts them): the kernel maps a
 * registered command of one version to the same-named one of the next.
 *
 * Limits (a larger object is refused, not truncated):
 */
#ifndef PLURIX_PROG_ELF_H
#define PLURIX_PROG_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROG_OBJ_MAX       (1u << 20)   /* bytes of an object file */
#define PROG_SECTIONS_MAX  64u          /* section headers, the null one included */
#define PROG_SYMBOLS_MAX   512u         /* symbol table entries, the null one included */
#define PROG_UNDEF_MAX     64u          /* undefined symbols */
#define PROG_EXPORTS_MAX   64u          /* defined global symbols */
#define PROG_FUNCS_MAX     96u          /* functions plan->funcs names */
#define PROG_NAME_MAX      40u          /* bytes of a global symbol's name, its NUL included */
#define PROG_ALIGN_MAX     4096u        /* largest section or COMMON alignment */
#define PROG_REGION_MAX    (16u << 20)  /* bytes of the text or the data region */

/* prog_elf_plan's flags */
#define PROG_LIBRARY       1u           /* no main needed */

/* Where a symbol or section is: a region of the program, or elsewhere. */
enum prog_where {
	PROG_NONE = 0,   /* not loaded (a dropped section) */
	PROG_TEXT = 1,   /* offset in the text region */
	PROG_DATA = 2,   /* offset in the data region */
	PROG_ABS = 3,    /* an absolute value (SHN_ABS, the null symbol) */
	PROG_UNDEF = 4   /* index in plan->undef: the callback resolves it */
};

struct prog_symbol {
	char name[PROG_NAME_MAX];
	uint8_t where;           /* exports: PROG_TEXT or PROG_DATA; undef: PROG_UNDEF */
	bool weak;
	uint32_t off;            /* exports: offset in its region */
};

/* What plan found; link's input. About 13 KiB: not for a small stack. */
struct prog_plan {
	uint32_t magic;          /* PROG_PLAN_MAGIC once plan succeeded */
	uint32_t obj_len, obj_hash;  /* the object plan checked; link refuses another */
	uint32_t text_size, text_align;
	uint32_t data_size, data_align;
	bool has_main;
	uint32_t main_off;       /* main's offset in the text region */
	uint32_t nundef, nexports;
	struct prog_symbol undef[PROG_UNDEF_MAX];
	struct prog_symbol exports[PROG_EXPORTS_MAX];
	uint32_t nfuncs, funcs_dropped;
	struct prog_symbol funcs[PROG_FUNCS_MAX];  /* where: PROG_TEXT */
	/* For link: where each section and each symbol went. */
	uint32_t nsections, nsymbols, symtab;
	uint8_t sec_where[PROG_SECTIONS_MAX];
	uint32_t sec_off[PROG_SECTIONS_MAX];
	uint8_t sym_where[PROG_SYMBOLS_MAX];
	uint32_t sym_off[PROG_SYMBOLS_MAX]; /* region offset, undef index or absolute value */
};
#define PROG_PLAN_MAGIC 0x4e414c50u     /* "PLAN" */

/* The caller's symbol lookup: true and *va, or false (not found). */
typedef bool (*prog_resolve_fn)(void *ctx, const char *name, uint32_t *va);

/* Check obj[0..len) and lay it out in *plan: 0, or -1 and the reason in
 * err (always NUL-terminated if errlen > 0); *plan is then not to be used. */
int prog_elf_plan(const uint8_t *obj, size_t len, unsigned flags, struct prog_plan *plan,
		  char *err, size_t errlen);

/* Link the object plan checked (the same bytes) for text_va and data_va
 * (aligned to plan->text_align / data_align): text_buf gets text_size
 * bytes, data_buf data_size bytes (the bss zeroed). 0, or -1 and err,
 * having written neither buffer. */
int prog_elf_link(const uint8_t *obj, size_t len, const struct prog_plan *plan,
		  uint8_t *text_buf, uint32_t text_va, uint8_t *data_buf, uint32_t data_va,
		  prog_resolve_fn resolve, void *ctx, char *err, size_t errlen);

#endif
