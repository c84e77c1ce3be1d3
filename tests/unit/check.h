/*
 * check.h: the host unit-test harness. A test is a function registered with
 * TEST(name); CHECK(cond) records a failure with file and line and goes on;
 * REQUIRE(cond) records it and leaves the test. tests/unit/main.c runs every
 * registered test and prints "PASS name" or "FAIL name", then the closing
 * line "N passed, N failed" that tests/run-all adds up.
 *
 * Tests register themselves from a constructor, so a new test file needs no
 * edit anywhere else: add it to tests/unit/ and it is built and run.
 */
#ifndef PLURIX_TESTS_CHECK_H
#define PLURIX_TESTS_CHECK_H

#include <stdio.h>

typedef void (*check_fn)(void);
void check_register(const char *name, check_fn fn);
void check_fail(const char *file, int line, const char *expr);

#define TEST(name)                                                      \
	static void test_##name(void);                                  \
	__attribute__((constructor)) static void register_##name(void) \
	{                                                               \
		check_register(#name, test_##name);                     \
	}                                                               \
	static void test_##name(void)

#define CHECK(cond)                                              \
	do {                                                     \
		if (!(cond))                                     \
			check_fail(__FILE__, __LINE__, #cond);   \
	} while (0)

#define REQUIRE(cond)                                            \
	do {                                                     \
		if (!(cond)) {                                   \
			check_fail(__FILE__, __LINE__, #cond);   \
			return;                                  \
		}                                                \
	} while (0)

#endif
