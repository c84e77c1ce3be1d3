/*
 * prog.h: programs in the heap (issue 13). A program is an ELF32 relocatable
 * object (include/plurix.h, prog/elf.h) installed once through any node and
 * run on every node from the heap:
 *   text   its code and read-only data, in pages of the code area that no
 *          other segment shares (dsm/proto.h 12.6), taken from the area's
 *          free pages above the kernel's; sealed by the installer, and by any
 *          other node before it runs the program
 *   data   its .data, .bss and COMMON symbols: one heap object, shared by
 *          every node that runs it
 *   record a heap object naming both, its exports (a library's symbols),
 *          its version, who installed it and when, and the install's
 *          publication (12.4: the time, once no takeover can lose it)
 * The table "k.progs" (bound in the name directory) holds a reference to
 * each program's newest record and the area's next free page; a record
 * references its previous version, so old versions stay whole for the runs
 * that began on them, until the collection below.
 *
 * Collection: how a node knows that no node can still run an old version.
 * A version is retired at R, the commit time of the install that replaced
 * it (once that install is published: no takeover loses it, 12.4). Every
 * run on a node begins from a view: `run`'s lookup transaction (its commit
 * time), or the node's copy of the command or task table (the time of the
 * transaction that read it). A view at or after R sees the new version (the
 * install also points the old version's commands and tasks at the new
 * one's functions of the same name, and a registration from old code is
 * given the new one's), so only a view before R can lead to the old code.
 * Each node's horizon is the oldest view it may still run from: its runs in
 * progress and its table copies, at most the time up to which it has
 * unsealed the retired versions it knew of (the periodic tick reads them,
 * unseals those retired at or before its horizon, then raises it). It
 * publishes the horizon in its heartbeat record (kernel/sched.h); a boot's
 * first beat says 0, before the node reads a table or runs anything. When
 * the lowest horizon of every node that ever beat is at or after R, no node
 * runs the old code, none can begin to, and none holds it sealed: the tick
 * then frees its record, data and symbols and returns its code pages to the
 * area's free extents, in one transaction that reads every beat again. A
 * node that died without booting again keeps its last horizon and holds the
 * collection back (`programs` names the node); one whose beat page cannot be
 * read fails the transaction (nothing freed). Versions another program was
 * linked against are never collected (their code is in that program's), nor
 * the versions before them. The simulator does not model programs: this
 * argument is checked by tests/qemu/programs only.
 *
 * Heap layout (object bodies):
 *   table  +0 .. +PROG_SLOTS*12  reference cells, one per program
 *          +PROG_SLOTS*12        next free page of the code area (0: after the kernel's)
 *   record +0 data  +12 exports  +24 previous version   (reference cells)
 *          +36 name[24]  +60 version  +64 text page  +68 text pages
 *          +72 text bytes  +76 data bytes  +80 main (0: a library)
 *          +84 installer node  +88 object bytes  +92 install time (u64)
 *          +100 published (u64, 0: not yet)  +108 functions (a reference)
 *          +120 linked (another program resolved a symbol here)
 *   table  also: +PROG_SLOTS*12+4 free extents used, then PROG_FREE_MAX x
 *          { first page, pages }, versions collected, pages freed
 *   exports +0 count, then count x { name[40], address }; the functions
 *          object likewise, every function of the text, static ones too
 *
 * Interface rules: the calls run their own transactions (never inside a
 * body); they check what they read from the heap (types, counts, ranges).
 * prog_install checks the whole object first (prog_elf_plan) and installs
 * nothing on any error. Heap-resident.
 */
#ifndef PLURIX_KERNEL_PROG_H
#define PLURIX_KERNEL_PROG_H

#include <stdint.h>

#define PROG_SLOTS        32u        /* programs in "k.progs" */
#define PROG_PNAME_MAX    24u        /* bytes of a program's name, NUL included */
#define PROG_TEXT_PAGES   16u        /* code-area pages one program may take */
#define PROG_DATA_MAX     (7u * 4096u) /* bytes of its data (one object); with the
					* text, under a transaction's DSM_WSET_MAX */
#define PROG_PUBLISH_TICKS 3000u     /* an install waits this long for a checkpoint: 30 s */
#define PROG_VERSIONS_MAX 64u        /* versions of one program a lookup walks */
#define PROG_UPLOAD_MAX   (256u * 1024u)       /* bytes of an object being uploaded */
#define PROG_FREE_MAX     32u        /* free extents of the code area the table keeps */
#define PROG_PINS_MAX     4u         /* program runs in progress on one node */
#define PROG_RETIRED_MAX  (PROG_SLOTS * PROG_VERSIONS_MAX) /* retired versions a tick lists: all */

enum prog_cache { PROG_CACHE_CMDS = 0, PROG_CACHE_TASKS = 1, PROG_CACHES = 2 };

/* The collection, as this node's last tick saw it. */
struct prog_gc_info {
	uint32_t waiting;               /* retired versions not collected yet */
	uint64_t horizon;               /* this node's */
	uint64_t cluster_horizon;       /* the lowest beat's (all ones: none read) */
	uint32_t blocking_node;         /* whose beat it was */
	uint32_t collected, pages_freed; /* in the cluster, ever (the table's counts) */
	uint32_t collected_here, unsealed, errors;
};

/* A program's record, as this node read it. */
struct prog_info {
	uint32_t rec;                   /* its heap address */
	char name[PROG_PNAME_MAX];
	uint32_t version;
	uint32_t text_page, text_pages, text_bytes, data_bytes;
	uint32_t data_obj, main_va;
	uint32_t installer, obj_bytes;
	uint64_t install_t, published_t;
	uint32_t entries_moved, entries_removed;  /* install: commands and tasks retargeted */
};

/* Install the object obj[0..len) as `name` (replacing a program of that
 * name for the runs that begin later): 0 and *out, or a negative error with
 * the reason in err. Waits (asking for checkpoints) until the install is
 * published (dsm/proto.h 12.4), so every node may run it at once. */
int prog_install(const char *name, const uint8_t *obj, uint32_t len, struct prog_info *out,
		 char *err, uint32_t errlen);
/* Run program name with argv[0..argc) (argv[0] its name): its status, or a
 * negative error with the reason in err (no such program, a library, a
 * fault: the program ended there). */
int prog_run(int argc, char **argv, int *status, char *err, uint32_t errlen);
/* Is va in the code area (a program's code, or the kernel's)? */
int prog_code(uint32_t va);
/* Call a command a program registered (entry: its code) with its faults
 * caught, its program's segment sealed here first: as prog_run. */
int prog_call(uint32_t entry, int argc, char **argv, int *status, char *err, uint32_t errlen);
/* Run a task a program registered, as one transaction (txrun), likewise. */
int prog_task(uint32_t entry, char *err, uint32_t errlen);
/* The installed programs, newest versions: 0 and *n, or a negative error. */
int prog_list(struct prog_info *v, uint32_t max, uint32_t *n);
const char *prog_strerror(int r);

/* The collection (see above). The shell and the scheduler say which view
 * their copy of a table was read at; the heartbeat publishes prog_horizon()
 * and says when a beat committed; nothing reads a table from the heap or
 * runs a program before prog_ready() (a beat of this boot is out: it runs
 * one if need be). prog_collect_tick runs every second between commands. */
void prog_cache_viewed(enum prog_cache c, uint64_t view);
uint64_t prog_horizon(void);
void prog_beat_committed(void);
int prog_ready(void);
void prog_collect_tick(void);
const struct prog_gc_info *prog_gc(void);
/* Inside a body (kobj_register): the address to register for program code. */
struct mm;
uint32_t prog_code_now(struct mm *mm, uint32_t code);

/* The upload buffer the shell fills (node-local memory). */
uint8_t *prog_upload_buf(void);

/* For include/plurix.h's functions (kernel/plx.c): is a program running,
 * and did it fault in the body that just ended? */
int prog_running(void);
void prog_fault_check(void);

#endif
