/*
 * uselib.c: a test program that uses the library programs/libdemo
 * (demo_add, demo_greet, demo_calls), resolved against its exports.
 */
#include "plurix.h"

int demo_add(int a, int b);
int demo_greet(int times);
extern uint32_t demo_calls;

int main(int argc, char **argv)
{
	(void)argv;
	demo_greet(demo_add(argc, 2));
	return (int)demo_calls;
}
