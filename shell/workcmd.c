/*
 * workcmd.c: the shell's workloads on the distributed heap, each step one
 * transaction (kernel/txrun.h), at the fixed pages of kernel/heaplayout.h:
 *   bank init <accounts> <balance>   one transaction writes every account
 *   bank run <transfers>             one transaction per random transfer
 *   bank check                       one read-only transaction sums them all
 *   counter add <n>                  n transactions, each adds 1 to the
 *                                    shared counter and to this node's own
 *   counter show                     shared == sum of the nodes' own, or error
 *   txbench <disjoint|contended> <seconds>   transactions per second
 *   txbench readonly <seconds>   read-only transactions, strict then snapshot
 *   fill <first> <pages> <value>     write whole pages of the data area, a
 *                                    pattern from value, FILL_TXN_PAGES a txn
 *   sum <first> <pages>              read them back: one checksum, read-only
 *                                    transactions of SUM_TXN_PAGES pages
 *   txprint <n>                      n contended transactions that print a
 *                                    line and register an undo hook inside
 *                                    the body: the smart buffer's and the
 *                                    undo hooks' test (each line once, one
 *                                    undo per aborted attempt)
 * A run that meets an error (a page nobody serves, no token) stops there
 * and says how far it got: never a hang, never a silent partial result.
 * Heap-resident.
 */
#include "dsm/dsm.h"
#include "kernel/dsmenv.h"
#include "kernel/heaplayout.h"
#include "kernel/kernel.h"
#include "kernel/param.h"
#include "kernel/time.h"
#include "kernel/txrun.h"
#include "kernel/x86.h"
#include "shell/cmds.h"
#include "shell/shell.h"
#include "shell/steps.h"

#define BANK_MAGIC        0x4B4E4142u  /* "BANK" */
#define BANK_BALANCE_MAX  1000000000u
#define BANK_AMOUNT_MAX   100u
#define WORK_COUNT_MAX    1000000u     /* transfers / adds in one command */
#define TXBENCH_SECS_MAX  600u

struct bank_header {
	uint32_t magic;
	uint32_t naccounts;
	uint32_t balance;       /* every account's balance at init */
	uint32_t inits;         /* how often it was initialised */
};

#define BANK_HDR   ((volatile struct bank_header *)HEAP_PAGE_VA(HEAP_PG_BANK))
#define BANK_ACCT  ((volatile int64_t *)HEAP_PAGE_VA(HEAP_PG_BANK + 1u))

struct bank_arg {
	uint32_t naccounts, balance;    /* init */
	uint32_t r1, r2, r3;            /* run: random draws for one transfer */
	int64_t sum;                    /* check */
	uint32_t magic;
	int empty;                      /* check/run: no bank in the heap */
};


static void bank_init_body(void *a)
{
	struct bank_arg *x = a;

	for (uint32_t i = 0; i < x->naccounts; i++)
		BANK_ACCT[i] = x->balance;
	BANK_HDR->magic = BANK_MAGIC;
	BANK_HDR->naccounts = x->naccounts;
	BANK_HDR->balance = x->balance;
	BANK_HDR->inits++;
}

static void bank_transfer_body(void *a)
{
	struct bank_arg *x = a;
	uint32_t n = BANK_HDR->naccounts, from, to;

	x->empty = BANK_HDR->magic != BANK_MAGIC || n < 2 || n > HEAP_BANK_ACCOUNTS_MAX;
	if (x->empty)
		return;
	from = x->r1 % n;
	to = (from + 1u + x->r2 % (n - 1u)) % n;
	BANK_ACCT[from] -= (int64_t)(1u + x->r3 % BANK_AMOUNT_MAX);
	BANK_ACCT[to] += (int64_t)(1u + x->r3 % BANK_AMOUNT_MAX);
}

static void bank_check_body(void *a)
{
	struct bank_arg *x = a;
	uint32_t n = BANK_HDR->naccounts;

	x->magic = BANK_HDR->magic;
	x->empty = x->magic != BANK_MAGIC || n > HEAP_BANK_ACCOUNTS_MAX;
	x->sum = 0;
	if (x->empty)
		return;
	x->naccounts = n;
	x->balance = BANK_HDR->balance;
	for (uint32_t i = 0; i < n; i++)
		x->sum += BANK_ACCT[i];
}

/* The common front of every command here: the heap must be there. */
static int heap_ready(const char *cmd)
{
	if (!dsmenv_on())
		return shell_error("%s: %s", cmd, dsmenv_strerror(DSMENV_EOFF));
	if (dsmenv_heap_bytes() == 0)
		return shell_error("%s: %s", cmd, dsmenv_strerror(DSMENV_ENOTYET));
	return 0;
}

static int count_arg(const char *cmd, const char *s, uint32_t *n)
{
	if (shell_number(s, WORK_COUNT_MAX, n) < 0 || *n == 0)
		return shell_error("%s: count must be 1..%u, not '%s'", cmd, WORK_COUNT_MAX, s);
	return 0;
}

static void bank_prepare(void *a, uint32_t i)
{
	(void)i;
	struct bank_arg *x = a;

	x->r1 = kernel_random();
	x->r2 = kernel_random();
	x->r3 = kernel_random();
}

static int bank_init(char **argv)
{
	static struct bank_arg x;
	int r;

	if (shell_number(argv[2], HEAP_BANK_ACCOUNTS_MAX, &x.naccounts) < 0 || x.naccounts < 2)
		return shell_error("bank init: accounts must be 2..%u", HEAP_BANK_ACCOUNTS_MAX);
	if (shell_number(argv[3], BANK_BALANCE_MAX, &x.balance) < 0)
		return shell_error("bank init: balance must be 0..%u", BANK_BALANCE_MAX);
	if ((r = txrun(bank_init_body, &x)) < 0)
		return shell_error("bank init: %s", dsmenv_strerror(r));
	kprintf("bank: %u accounts of %u, sum %llu\n", x.naccounts, x.balance,
		(uint64_t)x.naccounts * x.balance);
	return 0;
}

static int bank_run(char **argv)
{
	static struct bank_arg x;
	struct steps s = { .what = "bank run", .body = bank_transfer_body,
			   .prepare = bank_prepare, .arg = &x };

	if (count_arg("bank run", argv[2], &s.count) < 0)
		return -1;
	x.empty = 0;
	steps_run(&s);
	if (x.empty)
		return shell_error("bank run: no bank in the heap (bank init first)");
	return steps_report(&s);
}

static int bank_check(void)
{
	static struct bank_arg x;
	int64_t want;
	int r;

	if ((r = txrun(bank_check_body, &x)) < 0)
		return shell_error("bank check: %s", dsmenv_strerror(r));
	if (x.empty)
		return shell_error("bank check: no bank in the heap (magic 0x%08x)", x.magic);
	want = (int64_t)x.naccounts * x.balance;
	kprintf("bank: %u accounts, sum %lld, expected %lld\n", x.naccounts, x.sum, want);
	if (x.sum != want)
		return shell_error("bank check: sum %lld differs from %lld by %lld", x.sum, want,
				   x.sum - want);
	return 0;
}

int workcmd_bank(int argc, char **argv)
{
	if (heap_ready("bank") < 0)
		return -1;
	if (argc == 4 && !strcmp(argv[1], "init"))
		return bank_init(argv);
	if (argc == 3 && !strcmp(argv[1], "run"))
		return bank_run(argv);
	if (argc == 2 && !strcmp(argv[1], "check"))
		return bank_check();
	return shell_error("usage: bank init <accounts> <balance> | bank run <transfers> | "
			   "bank check");
}

#define COUNTER_SHARED ((volatile uint64_t *)HEAP_PAGE_VA(HEAP_PG_COUNTER))
#define COUNTER_OWN(n) ((volatile uint64_t *)HEAP_PAGE_VA(HEAP_PG_COUNTER_NODE + (n)))

struct counter_arg {
	uint64_t shared, own[HEAP_NODES_MAX];
};

static void counter_add_body(void *a)
{
	(void)a;
	*COUNTER_SHARED += 1u;
	*COUNTER_OWN(kernel_cmdline.node) += 1u;
}

static void counter_show_body(void *a)
{
	struct counter_arg *x = a;

	x->shared = *COUNTER_SHARED;
	for (uint32_t i = 0; i < HEAP_NODES_MAX; i++)
		x->own[i] = *COUNTER_OWN(i);
}

static int counter_show(void)
{
	static struct counter_arg x;
	uint64_t sum = 0;
	int r;

	if ((r = txrun(counter_show_body, &x)) < 0)
		return shell_error("counter show: %s", dsmenv_strerror(r));
	for (uint32_t i = 0; i < HEAP_NODES_MAX; i++) {
		sum += x.own[i];
		if (x.own[i])
			kprintf("counter node %u %llu\n", i, x.own[i]);
	}
	kprintf("counter shared %llu\ncounter sum_of_nodes %llu\n", x.shared, sum);
	if (sum != x.shared)
		return shell_error("counter show: shared %llu differs from the nodes' sum %llu",
				   x.shared, sum);
	return 0;
}

int workcmd_counter(int argc, char **argv)
{
	struct steps s = { .what = "counter add", .body = counter_add_body };

	if (heap_ready("counter") < 0)
		return -1;
	if (kernel_cmdline.node >= HEAP_NODES_MAX)
		return shell_error("counter: node %u has no counter page", kernel_cmdline.node);
	if (argc == 2 && !strcmp(argv[1], "show"))
		return counter_show();
	if (argc != 3 || strcmp(argv[1], "add"))
		return shell_error("usage: counter add <n> | counter show");
	if (count_arg("counter add", argv[2], &s.count) < 0)
		return -1;
	steps_run(&s);
	return steps_report(&s);
}

/* a / b in hundredths, 0 if b is 0. */
static uint32_t ratio100(uint64_t a, uint64_t b)
{
	return b ? (uint32_t)(a * 100u / b) : 0u;
}

static void bench_disjoint_body(void *a)
{
	(void)a;
	*(volatile uint64_t *)HEAP_PAGE_VA(HEAP_PG_BENCH_NODE + kernel_cmdline.node) += 1u;
}

static void bench_contended_body(void *a)
{
	(void)a;
	*(volatile uint64_t *)HEAP_PAGE_VA(HEAP_PG_BENCH_SHARED) += 1u;
}

static void bench_readonly_body(void *a)
{
	*(uint64_t *)a = *(volatile uint64_t *)HEAP_PAGE_VA(HEAP_PG_BENCH_SHARED);
}

/* txbench readonly: the same reads for secs seconds strict (each asks the
 * manager's time, dsm/proto.h 3.9), then as long at the node's own time. */
static int txbench_readonly(uint32_t secs)
{
	static uint64_t seen;
	struct steps s = { .what = "txbench readonly strict", .body = bench_readonly_body,
			   .arg = &seen };
	struct steps l = s;

	s.until_us = time_us() + (uint64_t)secs * 1000000u;
	steps_run(&s);
	if (steps_report(&s) < 0)
		return -1;
	l.what = "txbench readonly snapshot";
	l.snapshot = 1;
	l.until_us = time_us() + (uint64_t)secs * 1000000u;
	steps_run(&l);
	if (steps_report(&l) < 0)
		return -1;
	kprintf("txbench readonly: strict %llu us a transaction, snapshot %llu us (%u.%02ux)\n",
		s.us / (s.done ? s.done : 1u), l.us / (l.done ? l.done : 1u),
		ratio100(s.us * l.done, l.us * s.done) / 100u,
		ratio100(s.us * l.done, l.us * s.done) % 100u);
	return 0;
}

int workcmd_txbench(int argc, char **argv)
{
	struct steps s = { .what = "txbench" };
	uint32_t secs;

	if (argc != 3)
		return shell_error("usage: txbench <disjoint|contended|readonly> <seconds>");
	if (!strcmp(argv[1], "disjoint"))
		s.body = bench_disjoint_body;
	else if (!strcmp(argv[1], "contended"))
		s.body = bench_contended_body;
	else if (strcmp(argv[1], "readonly"))
		return shell_error("txbench: workload must be disjoint, contended or readonly, "
				   "not '%s'", argv[1]);
	if (shell_number(argv[2], TXBENCH_SECS_MAX, &secs) < 0 || secs == 0)
		return shell_error("txbench: seconds must be 1..%u", TXBENCH_SECS_MAX);
	if (heap_ready("txbench") < 0)
		return -1;
	if (kernel_cmdline.node >= HEAP_NODES_MAX)
		return shell_error("txbench: node %u has no bench page", kernel_cmdline.node);
	if (argv[1][0] == 'r')
		return txbench_readonly(secs);
	s.what = argv[1][0] == 'd' ? "txbench disjoint" : "txbench contended";
	s.until_us = time_us() + (uint64_t)secs * 1000000u;
	steps_run(&s);
	return steps_report(&s);
}

struct txprint_arg {
	uint32_t i, undone;
};

static void txprint_undo(void *a)
{
	((struct txprint_arg *)a)->undone++;
}

static void txprint_body(void *a)
{
	struct txprint_arg *x = a;
	volatile uint64_t *v = (volatile uint64_t *)HEAP_PAGE_VA(HEAP_PG_BENCH_SHARED);

	txrun_on_abort(txprint_undo, x);
	kprintf("txprint %u of node %u sees %llu\n", x->i, kernel_cmdline.node, *v);
	*v += 1u;               /* the write may abort this attempt: the line goes too */
}

static void txprint_next(void *a, uint32_t i)
{
	(void)i;
	((struct txprint_arg *)a)->i++;
}

int workcmd_txprint(int argc, char **argv)
{
	static struct txprint_arg x;
	struct steps s = { .what = "txprint", .body = txprint_body, .prepare = txprint_next,
			   .arg = &x };

	if (argc != 2)
		return shell_error("usage: txprint <n>");
	if (count_arg("txprint", argv[1], &s.count) < 0 || heap_ready("txprint") < 0)
		return -1;
	x.i = 0;
	x.i--;                  /* txprint_next makes the first one 0 */
	x.undone = 0;
	steps_run(&s);
	kprintf("txprint: undo hooks run %u, aborted attempts %u\n", x.undone, s.retries);
	if (s.err == 0 && x.undone != s.retries)
		return shell_error("txprint: %u undo hooks ran for %u aborted attempts", x.undone,
				   s.retries);
	return steps_report(&s);
}


struct bulk_arg {
	uint32_t first, count, value;   /* this transaction's pages */
	uint64_t sum;
};

static uint32_t fill_word(uint32_t value, uint32_t page, uint32_t i)
{
	return value ^ (page * 1024u + i) * 2654435761u;
}

static void fill_body(void *a)
{
	struct bulk_arg *x = a;

	for (uint32_t p = x->first; p < x->first + x->count; p++) {
		volatile uint32_t *w = (volatile uint32_t *)HEAP_PAGE_VA(p);
		for (uint32_t i = 0; i < PGSIZE / 4u; i++)
			w[i] = fill_word(x->value, p, i);
	}
}

static void sum_body(void *a)
{
	struct bulk_arg *x = a;

	x->sum = 1469598103934665603ull;        /* FNV-1a over the words */
	for (uint32_t p = x->first; p < x->first + x->count; p++) {
		const volatile uint32_t *w = (const volatile uint32_t *)HEAP_PAGE_VA(p);
		for (uint32_t i = 0; i < PGSIZE / 4u; i++)
			x->sum = (x->sum ^ w[i]) * 1099511628211ull;
	}
}

/* "<first> <pages>" inside the data area, or a clear error. */
static int bulk_range(const char *cmd, char **argv, uint32_t *first, uint32_t *count)
{
	uint32_t top = dsmenv_heap_bytes() / PGSIZE;

	if (top > HEAP_PG_CODE)
		top = HEAP_PG_CODE;     /* the code area and the object heap are above it */

	if (shell_number(argv[1], top, first) < 0 || shell_number(argv[2], top, count) < 0 ||
	    *first < HEAP_PG_DATA || *count == 0 || *first + *count > top)
		return shell_error("%s: pages must lie in the data area %u..%u", cmd,
				   HEAP_PG_DATA, top - 1u);
	return 0;
}

/* Run body over [first, first+count) in pieces of `per` pages. */
static int bulk_run(const char *cmd, void (*body)(void *), struct bulk_arg *x,
		    uint32_t first, uint32_t count, uint32_t per, uint64_t *sum)
{
	uint64_t t0 = time_us(), us;

	*sum = 0;
	for (uint32_t p = first; p < first + count; p += per) {
		x->first = p;
		x->count = first + count - p < per ? first + count - p : per;
		int r = txrun(body, x);
		if (r < 0)
			return shell_error("%s: stopped at page %u: %s", cmd, p, dsmenv_strerror(r));
		*sum = *sum * 31u + x->sum;
	}
	us = time_us() - t0;
	kprintf("%s: %u pages (%u KB) in %llu us, %llu KB/s\n", cmd, count, count * 4u, us,
		us ? (uint64_t)count * 4000000u / us : 0);
	return 0;
}

/* fill and sum share their front: a page range of the data area. */
static int bulk_cmd(int argc, char **argv, int fill)
{
	static struct bulk_arg x;
	const char *cmd = fill ? "fill" : "sum";
	uint32_t first, count;
	uint64_t sum;

	if (argc != (fill ? 4 : 3))
		return shell_error("usage: %s <first-page> <pages>%s", cmd, fill ? " <value>" : "");
	if (heap_ready(cmd) < 0 || bulk_range(cmd, argv, &first, &count) < 0)
		return -1;
	if (fill && shell_number(argv[3], 0xFFFFFFFFu, &x.value) < 0)
		return shell_error("fill: bad value '%s'", argv[3]);
	x.sum = 0;
	if (bulk_run(cmd, fill ? fill_body : sum_body, &x, first, count,
		     fill ? FILL_TXN_PAGES : SUM_TXN_PAGES, &sum) < 0)
		return -1;
	if (!fill)
		kprintf("sum %u..%u: 0x%016llx\n", first, first + count - 1u, sum);
	return 0;
}

int workcmd_fill(int argc, char **argv)
{
	return bulk_cmd(argc, argv, 1);
}

int workcmd_sum(int argc, char **argv)
{
	return bulk_cmd(argc, argv, 0);
}
