/*
 * common.c: a test object compiled with -fcommon (mk/programs.mk), so that
 * its tentative definitions are COMMON symbols the loader places in bss.
 */
#include "plurix.h"

int com_small;
char com_buf[100];
double com_aligned;

int main(int argc, char **argv)
{
	(void)argv;
	com_small = argc;
	com_buf[0] = 'x';
	com_aligned = 1;
	return 0;
}
