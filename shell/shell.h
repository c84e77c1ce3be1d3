/*
 * shell.h: the serial shell of docs/CONTRACT.md. shell_run never returns.
 * Commands print their lines, then the shell prints the one final line:
 * `ok` if the command returned 0, else `error: <reason>` with the reason
 * the command gave to shell_error.
 */
#ifndef PLURIX_SHELL_SHELL_H
#define PLURIX_SHELL_SHELL_H

#include <stdint.h>

/* Boot, before the ready line: the command table (shell.c's header). */
void shell_init(void);
void shell_run(void) __attribute__((noreturn));
/* Where this node's copy of the command table came from (`kernel`). */
struct shell_table_info {
	uint32_t n;             /* commands in the copy */
	int from_heap;          /* 1: read from the heap's table; 0: the builtins */
	uint32_t reads;         /* successful reads of the heap's table */
	uint32_t refreshed_at;  /* time_ticks of the last try */
};
const struct shell_table_info *shell_table_info(void);
/* Read the heap's command table into this node's copy now. */
void shell_table_refresh(void);
/* Record why the command failed; returns -1 for `return shell_error(...)`. */
int shell_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Between commands: print one line of news on its own line, then the prompt. */
void shell_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Parse a decimal number 0..max (no sign); 0, or -1 if it is not one. */
int shell_number(const char *s, uint32_t max, uint32_t *out);
/* A 32-bit number, decimal or 0x-hex; 0, or -1 if it is not one. */
int shell_word(const char *s, uint32_t *out);
/* news.c: print what happened to the heap since the last call. */
void news_poll(void);

#endif
