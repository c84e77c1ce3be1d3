/*
 * reloc.c: a test object for tests/unit/test_prog_elf.c (no main: it is a
 * library, or refused as a program). Every kind of relocation the loader
 * applies: R_386_32 from data to data, to rodata, to text and to undefined
 * symbols; R_386_PC32 calls to an undefined function; a .bss variable.
 */
#include "plurix.h"

extern int ext_value;
extern int ext_fn(int x);
__attribute__((weak)) extern int ext_weak;

int rel_counter;                               /* .bss */
int rel_table[4] = { 11, 22, 33, 44 };         /* .data */
int *rel_ptr_table = &rel_table[2];            /* data -> data, addend 8 */
const char *rel_greeting = "relocated";        /* data -> .rodata.str */
int *rel_ptr_ext = &ext_value;                 /* data -> undefined */
int *rel_ptr_weak = &ext_weak;                 /* data -> undefined weak */
int (*rel_fn_ext)(int) = ext_fn;               /* data -> undefined function */

int rel_local(int x)
{
	return x * 3 + rel_table[1];
}

int (*rel_fn_local)(int) = rel_local;          /* data -> text */

int rel_call_ext(int x)
{
	rel_counter++;
	return ext_fn(x) + ext_fn(x + 1) + 7;
}
