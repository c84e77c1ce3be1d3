/*
 * plurix.h: the one header a program includes (issue 13; the way xv6's user
 * programs include only user.h). A program is one ELF32 relocatable object
 * (make programs: gcc -m32 -ffreestanding -fno-pic -fno-pie
 * -fno-stack-protector -nostdinc -I include -c, several .c joined with
 * ld -r) that defines
 *     int main(int argc, char **argv);
 * Every function below is a symbol of the kernel's export table: the loader
 * (prog/elf.h) links a program's undefined symbols against that table and
 * against the programs installed before it, and refuses a program that
 * names anything else ("undefined symbol 'foo'"). Nothing else of the kernel
 * is reachable by name, and no libc is there: what is not declared here does
 * not exist for a program.
 *
 * Interface rules:
 * - main runs like a shell command: on one node, outside any transaction,
 *   argv[0] the program's name. Its return value is the command's status
 *   (0: success).
 * - The heap (plx_alloc ... plx_dir_*) is reached only inside a transaction
 *   body: plx_txn_run(body, arg) runs body(arg) until one attempt commits.
 *   An attempt can be cut off at any instruction and run again from its
 *   start, so a body changes only the heap and *arg, and sets *arg so that
 *   running it twice gives what running it once does.
 * - printf inside a body is held and printed once, when the attempt commits
 *   (an aborted attempt prints nothing); outside a body it prints at once.
 * - Heap objects are uint32_t addresses of their header (0: none); a body
 *   begins PLX_HDR_BYTES after it. References between objects are stored
 *   only with plx_ref_store, which keeps the backchains the collector
 *   follows; a reference written any other way is invisible to it, and the
 *   object it names may be freed under it.
 * - Errors are negative numbers (plx_strerror names them); 0 is success.
 *
 * WHAT A PROGRAM CAN STILL BREAK. A program runs in ring 0, in the kernel's
 * address space, with the kernel's privileges; the loader checks its object
 * file, not what its code does. Its code can write any byte this node maps:
 * the node-local part (the protocol core, the page-fault path, the NIC's
 * rings), other programs' data, the heap around mm's bookkeeping (a
 * reference written without plx_ref_store, a forged object header); it can
 * turn interrupts off, run in/out instructions, loop forever (nothing
 * preempts a body: the node stops answering its peers and they count it
 * gone), or overflow the kernel stack. What it does to the heap is
 * transactional (an abort undoes it, and only a commit reaches the other
 * nodes), but a wrong write that commits is every node's. The code area
 * is sealed read-only once installed, so a program cannot rewrite code.
 * What would protect the node-local part: programs in ring 3 with the
 * node-local pages supervisor-only, these functions entered through a call
 * gate or int instead of a plain call, a stack of their own, and a
 * watchdog in the timer interrupt that cuts off a body running too long.
 */
#ifndef PLURIX_H
#define PLURIX_H

#define PLURIX_API_VERSION 1   /* raised when a declaration below changes meaning */

/* The fixed-width types, from the compiler's own macros: -nostdinc leaves
 * a program no <stdint.h>. */
typedef __UINT8_TYPE__ uint8_t;
typedef __UINT16_TYPE__ uint16_t;
typedef __UINT32_TYPE__ uint32_t;
typedef __UINT64_TYPE__ uint64_t;
typedef __INT32_TYPE__ int32_t;
typedef __INT64_TYPE__ int64_t;
typedef __SIZE_TYPE__ size_t;
#if !defined(__bool_true_false_are_defined) && __STDC_VERSION__ < 202311L
typedef _Bool bool;
#define true 1
#define false 0
#endif
#ifndef NULL
#define NULL ((void *)0)
#endif

#define PLX_HDR_BYTES 24u      /* an object's body begins this far after its address */
#define PLX_NAME_MAX 24u       /* bytes of a directory name, its NUL included */
#define PLX_CMD_NAME_MAX 16u   /* bytes of a command's or task's name, its NUL included */
#define PLX_CMD_TEXT_MAX 96u   /* bytes of a command's usage line, its NUL included */

/* Errors plurix.h's own functions return (others: the kernel's, plx_strerror names them). */
#define PLX_EINVAL   -1        /* a bad argument (no such object, offset, name too long) */
#define PLX_ENOMEM   -4        /* the heap has no room */
#define PLX_ENOENT   -9        /* the name is not bound */
#define PLX_EEXIST   -10       /* the name is bound already */

/* ---- Console ---- */

/* Format to the console: %d %u %x %s %c %p, with 0-fill, a width and l/ll.
 * Inside a body: held until the attempt commits. The characters written. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Format into buf (at most cap bytes, NUL included); the length it wanted. */
int snprintf(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* ---- Strings and memory (libc's meaning) ---- */

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);

/* ---- The cluster and time ---- */

/* This node's id (the boot's node=). */
uint32_t plx_node_id(void);
/* The node slots of the cluster's heap: node ids are 0 .. plx_nodes() - 1. */
uint32_t plx_nodes(void);
/* Microseconds since this node booted (its own clock: not comparable across nodes). */
uint64_t plx_time_us(void);

/* ---- Transactions ---- */

/* Run body(arg) as one transaction, restarted from its start after an abort,
 * until an attempt commits: 0, or the error that ended it. Not inside a body. */
int plx_txn_run(void (*body)(void *arg), void *arg);
/* Long work split into transactions: step(arg, i) for i = 0 .. n-1, each its
 * own plx_txn_run; stops at the first error. 0, or that error; *done: the
 * steps that committed. */
int plx_txn_steps(void (*step)(void *arg, uint32_t i), void *arg, uint32_t n, uint32_t *done);
/* Inside a body: end this attempt with err (< 0), undoing what it did;
 * plx_txn_run returns err. Does not return. */
void plx_txn_fail(int err) __attribute__((noreturn));

/* ---- Heap objects (inside a body only) ---- */

/* A type: instances of size bytes (0: each allocation says its size) whose
 * reference cells (12 bytes each) are at the nrefs offsets offs[], ascending.
 * Types are read-only objects; bind one in the directory to find it again. */
int plx_type_create(uint32_t size, uint32_t nrefs, const uint32_t *offs, uint32_t *type);
/* A new object of type (size: its body's bytes if the type's is 0), zeroed. */
int plx_alloc(uint32_t type, uint32_t size, uint32_t *obj);
/* Free obj: refused (PLX_EINVAL or busy) while a reference names it. */
int plx_free(uint32_t obj);
/* Store target (an object or 0) in obj's reference cell at body offset off,
 * keeping the backchains: the one way to store a reference. */
int plx_ref_store(uint32_t obj, uint32_t off, uint32_t target);
/* The reference in obj's cell at off. */
int plx_ref_load(uint32_t obj, uint32_t off, uint32_t *target);
/* A plain 32-bit word of obj's body (refused inside a reference cell). */
int plx_word_store(uint32_t obj, uint32_t off, uint32_t val);
int plx_word_load(uint32_t obj, uint32_t off, uint32_t *val);
/* Bind name (shorter than PLX_NAME_MAX) to obj in the cluster's name
 * directory: a root, so obj and what it references stay alive. */
int plx_dir_bind(const char *name, uint32_t obj);
/* The object bound to name (PLX_ENOENT: none). */
int plx_dir_lookup(const char *name, uint32_t *obj);
/* Remove name's binding. */
int plx_dir_unbind(const char *name);

/* ---- Commands and periodic tasks (for every node; not inside a body) ---- */

/* A shell command on every node: name runs fn(argc, argv) there; usage is
 * its help line. Replaces the command of that name. 0, or an error. */
int plx_cmd_register(const char *name, int (*fn)(int argc, char **argv), const char *usage);
/* A periodic task on every node: fn(NULL) as one transaction body every
 * period_ms milliseconds (rounded to timer ticks), between commands.
 * Replaces the task of that name. 0, or an error. */
int plx_task_register(const char *name, void (*fn)(void *arg), uint32_t period_ms);

/* The words for an error of any of these functions. */
const char *plx_strerror(int err);

#endif
