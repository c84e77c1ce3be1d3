/*
 * longname.c: a test object whose one global name is longer than the
 * loader's PROG_NAME_MAX (39 characters and its NUL), which it refuses.
 */
#include "plurix.h"

int a_function_whose_name_is_longer_than_the_loader_allows(void)
{
	return 1;
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return a_function_whose_name_is_longer_than_the_loader_allows();
}
