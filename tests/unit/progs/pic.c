/*
 * pic.c: a test object compiled with -fpic (mk/programs.mk): its accesses
 * to globals need the GOT (R_386_GOTPC, R_386_GOTOFF, R_386_GOT32X), which
 * the loader refuses.
 */
#include "plurix.h"

int pic_value = 5;

int main(int argc, char **argv)
{
	(void)argv;
	return pic_value + argc;
}
