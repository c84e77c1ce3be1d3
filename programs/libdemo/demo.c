/*
 * demo.c: a library program (no main), two files joined with ld -r: the
 * loader's library case (tests/unit/test_prog_elf.c). It exports demo_add
 * and demo_calls, a count of demo_add's calls on this node (its data
 * region); greet.c calls demo_add across the join.
 */
#include "plurix.h"

uint32_t demo_calls;

int demo_add(int a, int b)
{
	demo_calls++;
	return a + b;
}
