/*
 * cmdline.h: the boot command line (docs/CONTRACT.md):
 *     node=<0..65534> role=<master|slave|pageserver> cluster=<0..65535> [test=1]
 *     [image=1] [ckpt=<seconds>]
 * image=1 (a master): ask the cluster's PageServer for an image and restart
 * the heap from it, before creating a new one. ckpt=<s> (a PageServer):
 * checkpoint every s seconds besides on request (0 or absent: on request).
 * Portable C (freestanding headers only), unit-tested on the host
 * (tests/unit/test_cmdline.c). Loaders put the kernel's own name first
 * (QEMU -kernel, GRUB, iPXE); a first word without '=' is skipped.
 */
#ifndef PLURIX_KERNEL_CMDLINE_H
#define PLURIX_KERNEL_CMDLINE_H

#include <stddef.h>
#include <stdint.h>

#define CMDLINE_LEN_MAX  1024   /* longer command lines are rejected */
#define CMDLINE_CKPT_MAX 86400u /* longest checkpoint period, seconds */

enum cmdline_role {
	CMDLINE_ROLE_NONE = 0,
	CMDLINE_ROLE_MASTER,
	CMDLINE_ROLE_SLAVE,
	CMDLINE_ROLE_PAGESERVER,
};

struct cmdline {
	uint16_t node;
	uint16_t cluster;
	enum cmdline_role role;
	int test;               /* test=1 */
	int image;              /* image=1 */
	uint32_t ckpt_s;        /* ckpt=<seconds> */
	int ktrace;             /* ktrace=1: a line per code page fetched */
};

/*
 * Parse s (NUL-terminated; NULL means empty) into *out. Returns 0, or -1
 * with a one-line reason in err (capacity errcap, always NUL-terminated),
 * e.g. "node: not a number 'x'". On error, out->test is still set if
 * test=1 appeared anywhere, so the caller knows how to halt.
 */
int cmdline_parse(const char *s, struct cmdline *out, char *err, size_t errcap);

/* "master", "slave", "pageserver", or "none". */
const char *cmdline_role_name(enum cmdline_role r);

#endif
