/*
 * main.c: runs every test registered through check.h, in registration order,
 * or only those whose name contains argv[1]. Exit status 0 iff none failed.
 */
#include <string.h>

#include "tests/unit/check.h"

#define CHECK_TESTS_MAX 512

static struct {
	const char *name;
	check_fn fn;
} tests[CHECK_TESTS_MAX];
static int ntests;
static int current_failures;

void check_register(const char *name, check_fn fn)
{
	if (ntests == CHECK_TESTS_MAX) {
		fprintf(stderr, "check: more than %d tests\n", CHECK_TESTS_MAX);
		return;
	}
	tests[ntests].name = name;
	tests[ntests].fn = fn;
	ntests++;
}

void check_fail(const char *file, int line, const char *expr)
{
	printf("  %s:%d: check failed: %s\n", file, line, expr);
	current_failures++;
}

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;

	for (int i = 0; i < ntests; i++) {
		if (argc > 1 && !strstr(tests[i].name, argv[1]))
			continue;
		current_failures = 0;
		tests[i].fn();
		if (current_failures) {
			printf("FAIL %s\n", tests[i].name);
			failed++;
		} else {
			printf("PASS %s\n", tests[i].name);
			passed++;
		}
	}
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
