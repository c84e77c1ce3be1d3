/*
 * greet.c: libdemo's second file: demo_greet prints a line naming this
 * node, through demo_add of demo.c (a reference the ld -r join resolves).
 */
#include "plurix.h"

int demo_add(int a, int b);

static const char *const demo_words[] = { "hello", "again" };

int demo_greet(int times)
{
	int n = demo_add(times, 1);

	printf("%s from node %u, %d\n", demo_words[n & 1], plx_node_id(), n);
	return n;
}
