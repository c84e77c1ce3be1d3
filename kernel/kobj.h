/*
 * kobj.h: the kernel's shared tables as typed objects of the heap (issue 12,
 * "The kernel's state in the heap"): the shell's command table and the
 * scheduler's periodic tasks. Each table is an object bound in the name
 * directory ("k.cmds", "k.tasks"), holding a list of entries; an entry names
 * a function of the code that registered it (the kernel's code area today).
 * Code registers a command or a task for every node by allocating an entry
 * (kobj_register): no node-local table to patch.
 *
 * Heap layout (object bodies, mm/mm.h conventions; types bound "t.ktable"
 * and "t.kentry", created with the first table):
 *   table  +0 first entry (a reference cell)  +12 entries  +16 generation
 *   entry  +0 next entry (a reference cell)   +12 name[16] (NUL-padded)
 *          +28 code address  +32 period in ticks (tasks; 0 for commands)
 *          +36 text[96]: a command's usage line (NUL-padded)
 * Entries and tables come from the RO allocator: written at registration
 * only, never moved, read by every node.
 *
 * Per-node state stays out of the heap: a node keeps its copy of a table
 * (kobj_read) and its own counters beside it (shell/shell.c, kernel/sched.c),
 * in the window, where no other node's commit touches them.
 *
 * Interface rules: kobj_read, kobj_install and kobj_register run their own
 * transaction (never call them inside a body). What they read is checked
 * first: the type of every object, a bounded walk (KOBJ_ENTRIES_MAX), names
 * and texts NUL-terminated; an entry whose code address is outside the code
 * (kobj_code_ok) is counted, and its callers refuse to call it. Heap-resident.
 */
#ifndef PLURIX_KERNEL_KOBJ_H
#define PLURIX_KERNEL_KOBJ_H

#include <stdint.h>

#include "kernel/param.h"

#define KOBJ_NAME_MAX 16u      /* bytes of an entry's name, its NUL included */
#define KOBJ_TEXT_MAX 96u      /* bytes of a command's usage line, its NUL included */

/* Errors: dsmenv's (DSMENV_E*, DSM_E*, TXN_E*), or KOBJ_EMM + an mm_result
 * the heap's data gave; kobj_strerror names both. */
#define KOBJ_EMM      -200

enum kobj_table { KOBJ_CMDS = 0, KOBJ_TASKS = 1, KOBJ_NTABLES = 2 };

/* An entry as this node read it (or a builtin, obj 0). */
struct kobj_entry {
	uint32_t obj;                  /* its heap address; 0: this image's builtin */
	uint32_t code;                 /* the function's address */
	uint32_t period_ticks;         /* tasks: how often; commands: 0 */
	char name[KOBJ_NAME_MAX];
	char text[KOBJ_TEXT_MAX];      /* commands: the usage line */
};

/* What the heap-resident kernel's image registers when the master installs
 * it: one of cmd / task is set. */
struct kobj_seed {
	const char *name;
	int (*cmd)(int argc, char **argv);
	void (*task)(void *arg);
	uint32_t period_ticks;
	const char *text;
};

struct kobj_stats {
	uint32_t installed[KOBJ_NTABLES];  /* entries this node added at install */
	uint32_t reads, read_errors;       /* kobj_read calls; of those failed */
	int last_error;                    /* of the last that failed (kobj_strerror) */
	uint32_t rejected;                 /* entries skipped: code outside the code area */
};

/* The seed as an entry (obj 0). */
void kobj_from_seed(const struct kobj_seed *s, struct kobj_entry *e);
/* On the master (elsewhere nothing): every seed not in the table yet goes in
 * (one transaction; the table and the types are created first if need be),
 * and a line says how many. The number added, or a negative error (said on
 * the console too). */
int kobj_install(enum kobj_table t, const struct kobj_seed *seeds, uint32_t n);
/* Add an entry, or replace the code, period and text of the one of that name. */
int kobj_register(enum kobj_table t, const struct kobj_entry *e);
/* Inside the caller's body: every entry of both tables whose code is in
 * [lo, hi) calls map(ctx, code) instead, or leaves its table if map says 0
 * (counted in *moved, *removed). MM_OK (an mm error ends the attempt). */
struct mm;
typedef uint32_t (*kobj_map_fn)(void *ctx, uint32_t code);
int kobj_retarget(struct mm *mm, uint32_t lo, uint32_t hi, kobj_map_fn map, void *ctx,
		  uint32_t *moved, uint32_t *removed);
/* Copy the table out, in list order, at most max entries: 0 and *n, or a
 * negative error (KOBJ_EMM + MM_ENOENT: no such table yet). */
int kobj_read(enum kobj_table t, struct kobj_entry *v, uint32_t max, uint32_t *n);
/* The same at this node's own time (txrun_snapshot: no TimeReq; it may miss
 * a registration a moment old): the periodic refresh's. */
int kobj_read_snapshot(enum kobj_table t, struct kobj_entry *v, uint32_t max, uint32_t *n);
/* 1 if code is an address in the heap-resident kernel's text, or in the code
 * area's programs (kernel/prog.h: called through prog_call / prog_task). */
int kobj_code_ok(uint32_t code);
int kobj_kernel_code(uint32_t code);    /* the kernel's text alone */
/* The heap address of an entry's code word (`kobj` prints it; tests forge it). */
uint32_t kobj_code_cell(uint32_t obj);
const struct kobj_stats *kobj_stats(void);
const char *kobj_table_name(enum kobj_table t);
const char *kobj_strerror(int r);

#endif
