/*
 * hello.c: the smallest program (issue 13): one line with this node's id
 * and the arguments it was given, then status 0. It includes only
 * plurix.h and touches nothing but the console.
 */
#include "plurix.h"

int main(int argc, char **argv)
{
	printf("hello from node %u:", plx_node_id());
	for (int i = 0; i < argc; i++)
		printf(" %s", argv[i]);
	printf("\n");
	return 0;
}
