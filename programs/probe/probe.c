/*
 * probe.c: a program that tries what programs may and may not do, for
 * tests/qemu/programs (issue 13). Each word of its command line is one probe:
 *   exit N     main returns N (the shell says `error: probe exited N`)
 *   count      adds 1 to a shared counter object ("probe.count"), in a
 *              transaction, and prints it (every node sees one counter)
 *   version    prints this build's version word (tests replace the program)
 *   null       reads address 0 outside any transaction: a page fault
 *   heap       reads the heap outside any transaction: a page fault
 *   txnnull    writes address 0 inside a transaction: the transaction ends,
 *              then the program
 *   loop N     runs N transactions that each read the version (a run that a
 *              replacement must not disturb)
 *   register   registers the shell command `probecmd` for every node: it
 *              prints its node, its arguments and this build's version
 *   task       registers the periodic task `probetask` for every node: every
 *              200 ms it adds 1 to the shared counter, as one transaction
 * Touches the heap only through include/plurix.h.
 */
#include <plurix.h>

#ifndef PROBE_VERSION
#define PROBE_VERSION 1
#endif

static uint32_t number(const char *s)
{
	uint32_t n = 0;

	while (*s >= '0' && *s <= '9')
		n = n * 10u + (uint32_t)(*s++ - '0');
	return n;
}

struct count_arg {
	uint32_t value;
	int err;
};

static void count_body(void *a)
{
	struct count_arg *c = a;
	uint32_t obj, v;
	int r = plx_dir_lookup("probe.count", &obj);

	if (r == PLX_ENOENT) {
		uint32_t type;
		if ((r = plx_type_create(4, 0, NULL, &type)) != 0 ||
		    (r = plx_alloc(type, 4, &obj)) != 0 || (r = plx_dir_bind("probe.count", obj)) != 0)
			plx_txn_fail(r);
	} else if (r != 0) {
		plx_txn_fail(r);
	}
	if ((r = plx_word_load(obj, 0, &v)) != 0 || (r = plx_word_store(obj, 0, v + 1u)) != 0)
		plx_txn_fail(r);
	c->value = v + 1u;
}

/* probetask: a task's body is its transaction (the scheduler runs it). */
static void task_body(void *a)
{
	struct count_arg c = { 0, 0 };

	(void)a;
	count_body(&c);
}

static void null_write_body(void *a)
{
	(void)a;
	*(volatile uint32_t *)0 = 1;
}

static void version_body(void *a)
{
	*(uint32_t *)a = PROBE_VERSION;
}

static int probecmd(int argc, char **argv)
{
	printf("probecmd on node %u, version %u:", plx_node_id(), PROBE_VERSION);
	for (int i = 1; i < argc; i++)
		printf(" %s", argv[i]);
	printf("\n");
	return 0;
}

static int probe(const char *what, const char *arg)
{
	struct count_arg c = { 0, 0 };
	uint32_t v = 0;
	int r;

	if (!strcmp(what, "exit"))
		return (int)number(arg);
	if (!strcmp(what, "count")) {
		if ((r = plx_txn_run(count_body, &c)) != 0) {
			printf("probe: count: %s\n", plx_strerror(r));
			return 1;
		}
		printf("probe: count %u on node %u\n", c.value, plx_node_id());
		return 0;
	}
	if (!strcmp(what, "version")) {
		printf("probe: version %u\n", PROBE_VERSION);
		return 0;
	}
	if (!strcmp(what, "register")) {
		if ((r = plx_cmd_register("probecmd", probecmd, "probecmd [args]: probe's command")))
			printf("probe: register: %s\n", plx_strerror(r));
		return r ? 1 : 0;
	}
	if (!strcmp(what, "task")) {
		if ((r = plx_task_register("probetask", task_body, 200)))
			printf("probe: task: %s\n", plx_strerror(r));
		return r ? 1 : 0;
	}
	if (!strcmp(what, "null"))
		return (int)*(volatile uint32_t *)0;
	if (!strcmp(what, "heap"))
		return (int)*(volatile uint32_t *)0x80001000u;
	if (!strcmp(what, "txnnull"))
		return plx_txn_run(null_write_body, 0);
	if (!strcmp(what, "loop")) {
		uint32_t n = number(arg), seen = 0;
		for (uint32_t i = 0; i < n; i++) {
			if ((r = plx_txn_run(version_body, &v)) != 0)
				return 1;
			seen |= 1u << (v & 31u);
		}
		printf("probe: loop %u transactions, versions seen 0x%x\n", n, seen);
		return 0;
	}
	printf("probe: unknown probe '%s' (exit N | count | version | register | task | null | heap | "
	       "txnnull | loop N)\n", what);
	return 2;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		int r = probe(argv[i], i + 1 < argc ? argv[i + 1] : "0");
		if (r != 0)
			return r;
		if (!strcmp(argv[i], "exit") || !strcmp(argv[i], "loop"))
			i++;
	}
	return 0;
}
