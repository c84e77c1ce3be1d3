/*
 * progcmd.c: programs in the heap (kernel/prog.h; docs/CONTRACT.md,
 * "Programs"): `proginstall` receives an object over the console in hex
 * lines and installs it, `run` runs one, `programs` lists them. Owns the
 * upload's progress; touches the heap only through kernel/prog.c.
 * Heap-resident.
 */
#include "dsm/frame.h"
#include "kernel/kernel.h"
#include "kernel/prog.h"
#include "shell/cmds.h"
#include "shell/shell.h"

static struct {
	char name[PROG_PNAME_MAX];
	uint32_t want, got;
	int open;
} up;

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static int parse_u32(const char *s, uint32_t base, uint32_t *v)
{
	uint32_t x = 0;
	int d;

	if (!*s)
		return -1;
	for (; *s; s++) {
		if ((d = hexval(*s)) < 0 || (uint32_t)d >= base || x > (0xFFFFFFFFu - (uint32_t)d) / base)
			return -1;
		x = x * base + (uint32_t)d;
	}
	*v = x;
	return 0;
}

static int upload_begin(char *name, char *bytes)
{
	uint32_t n;

	if (parse_u32(bytes, 10, &n) < 0 || n == 0 || n > PROG_UPLOAD_MAX)
		return shell_error("proginstall: the size must be 1 to %u bytes", PROG_UPLOAD_MAX);
	if (strlen(name) >= sizeof(up.name))
		return shell_error("proginstall: a name has at most %u characters",
				   (uint32_t)sizeof(up.name) - 1u);
	ksnprintf(up.name, sizeof(up.name), "%s", name);
	up.want = n, up.got = 0, up.open = 1;
	return 0;
}

static int upload_data(const char *hex)
{
	uint32_t n = (uint32_t)strlen(hex);
	uint8_t *buf = prog_upload_buf();

	if (!up.open)
		return shell_error("proginstall: no upload begun (proginstall begin <name> <bytes>)");
	if (n % 2u || n / 2u > up.want - up.got)
		return shell_error("proginstall: %u hex digits past the %u bytes announced (or odd)",
				   n, up.want);
	for (uint32_t i = 0; i < n; i += 2u) {
		int hi = hexval(hex[i]), lo = hexval(hex[i + 1u]);
		if (hi < 0 || lo < 0) {
			up.open = 0;
			return shell_error("proginstall: not a hex digit at %u; upload dropped", i);
		}
		buf[up.got + i / 2u] = (uint8_t)(hi << 4 | lo);
	}
	up.got += n / 2u;
	return 0;
}

static int upload_end(const char *crc_hex)
{
	static char err[160];
	struct prog_info p;
	uint32_t crc;

	if (!up.open)
		return shell_error("proginstall: no upload begun");
	up.open = 0;
	if (up.got != up.want)
		return shell_error("proginstall: %u of %u bytes came; nothing installed", up.got,
				   up.want);
	if (parse_u32(crc_hex, 16, &crc) < 0 || crc != frame_crc32(0, prog_upload_buf(), up.got))
		return shell_error("proginstall: the CRC is not the upload's (%08x); nothing "
				   "installed", frame_crc32(0, prog_upload_buf(), up.got));
	if (prog_install(up.name, prog_upload_buf(), up.got, &p, err, sizeof(err)) < 0)
		return shell_error("install: %s: %s", up.name, err);
	kprintf("installed %s version %u: %u code pages (%u bytes) at 0x%08x, data %u bytes, "
		"%s, published at %llu\n", p.name, p.version, p.text_pages, p.text_bytes,
		0x80000000u + p.text_page * 4096u, p.data_bytes, p.main_va ? "main" : "a library",
		p.published_t);
	if (p.entries_moved || p.entries_removed)
		kprintf("commands and tasks of version %u: %u now call version %u, %u removed (no "
			"function of that name)\n", p.version - 1u, p.entries_moved, p.version,
			p.entries_removed);
	return 0;
}

int progcmd_proginstall(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "begin"))
		return upload_begin(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "data"))
		return upload_data(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "end"))
		return upload_end(argv[2]);
	return shell_error("usage: proginstall begin <name> <bytes> | data <hex> | end <crc32>");
}

int progcmd_run(int argc, char **argv)
{
	static char err[160];
	int status = 0;

	if (argc < 2)
		return shell_error("usage: run <program> [args...]");
	if (prog_run(argc - 1, argv + 1, &status, err, sizeof(err)) < 0)
		return shell_error("%s", err);
	if (status != 0)
		return shell_error("%s exited %d", argv[1], status);
	return 0;
}

/* What the collection of replaced versions did (kernel/prog.h). */
static void gc_line(void)
{
	const struct prog_gc_info *g = prog_gc();

	kprintf("old versions: %u waiting, %u collected (%u code pages freed), this node: horizon "
		"%llu, %u unsealed, %u collected", g->waiting, g->collected, g->pages_freed,
		g->horizon, g->unsealed, g->collected_here);
	if (g->waiting && g->cluster_horizon != ~0ull)
		kprintf("; the lowest horizon is node %u's, %llu", g->blocking_node,
			g->cluster_horizon);
	kprintf("\n");
}

int progcmd_programs(int argc, char **argv)
{
	static struct prog_info v[PROG_SLOTS];
	uint32_t n;
	int r;

	(void)argv;
	if (argc != 1)
		return shell_error("usage: programs");
	if ((r = prog_list(v, PROG_SLOTS, &n)) < 0)
		return shell_error("programs: %s", prog_strerror(r));
	for (uint32_t i = 0; i < n; i++)
		kprintf("program %s version %u bytes %u code %u data %u node %u installed %llu %s\n",
			v[i].name, v[i].version, v[i].obj_bytes, v[i].text_bytes, v[i].data_bytes,
			v[i].installer, v[i].install_t, v[i].main_va ? "main" : "library");
	kprintf("programs %u\n", n);
	gc_line();
	return 0;
}
