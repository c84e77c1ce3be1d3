/*
 * test_raytrace_prog.c: the raytrace program (programs/raytrace/main.c,
 * its main renamed raytrace_main) run on the host against fakeplx, with
 * transactions cut off at random plurix calls: bad arguments, --work and
 * --dump with no job, a render whose checksum is rt.h's reference and whose
 * --dump is the picture rt_render_tile makes, and a starter that dies
 * holding a tile: a second start is refused, --work on another node takes
 * the tile again after its wait and finishes the job, and a new job then
 * replaces the finished one. Each run's output is captured through a
 * temporary file (RT_SHOW=1 in the environment: also printed to stderr,
 * 600 bytes of each). Built as build/host/raytrace-fake (mk/programs.mk).
 */
#define _DEFAULT_SOURCE   /* dup */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "programs/raytrace/rt.h"
#include "tests/fakeplx/fakeplx.h"
#include "tests/unit/check.h"

int raytrace_main(int argc, char **argv);

#define OUT_MAX (1u << 20)
#define CUT_ONE_IN 6

static char out[OUT_MAX];

/* raytrace's status on node with words (NULL-terminated), its output in out. */
static int run(uint32_t node, uint32_t kill_after, const char *words)
{
	char buf[128], *argv[8];
	int argc = 0;

	snprintf(buf, sizeof buf, "raytrace %s", words);
	for (char *w = strtok(buf, " "); w && argc < 7; w = strtok(NULL, " "))
		argv[argc++] = w;
	argv[argc] = NULL;
	FILE *f = tmpfile();
	fflush(stdout);
	int saved = dup(1);
	dup2(fileno(f), 1);
	int status = fake_run(raytrace_main, node, kill_after, argc, argv);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	rewind(f);
	size_t n = fread(out, 1, OUT_MAX - 1, f);
	out[n] = 0;
	fclose(f);
	if (getenv("RT_SHOW"))
		fprintf(stderr, "raytrace %s: status %d\n%.600s", words, status, out);
	return status;
}

static int hex_digit(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* out as --dump's text of a w x h picture into rgb: 0, or -1 if it is not exactly that. */
static int dump_parse(uint32_t w, uint32_t h, uint8_t *rgb)
{
	char *p = out;
	unsigned pw, ph;
	int used;

	if (sscanf(p, "P %u %u\n%n", &pw, &ph, &used) != 2 || pw != w || ph != h)
		return -1;
	p += used;
	for (uint32_t y = 0; y < h; y++) {
		unsigned py;
		if (sscanf(p, "R %u %n", &py, &used) != 1 || py != y)
			return -1;
		p += used;
		for (uint32_t i = 0; i < w * 3; i++, p += 2) {
			int hi = hex_digit(p[0]), lo = hi < 0 ? -1 : hex_digit(p[1]);
			if (lo < 0)
				return -1;
			rgb[y * w * 3 + i] = (uint8_t)(hi << 4 | lo);
		}
		if (*p++ != '\n')
			return -1;
	}
	return *p ? -1 : 0;
}

/* --dump on node is scene number's w x h picture, byte for byte. */
static int dump_matches(uint32_t node, uint32_t number, uint32_t w, uint32_t h)
{
	struct rt_scene s;
	uint8_t *want = malloc(w * h * 3), *got = malloc(w * h * 3);
	int ok = want && got && rt_scene_build(number, &s) == 0 && run(node, 0, "--dump") == 0 &&
		 dump_parse(w, h, got) == 0;

	if (ok) {
		rt_render_tile(&s, w, h, 0, 0, w, h, want);
		ok = memcmp(want, got, w * h * 3) == 0;
	}
	free(want);
	free(got);
	return ok;
}

TEST(raytrace_prog_bad_arguments)
{
	static const char *const bad[] = { "", "0 10", "10 257", "10 10 4", "--bogus", "10 x",
					   "10 10 1 1", "4294967297 10", "--work 1" };

	fake_reset(1, 0);
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		CHECK(run(0, 0, bad[i]) == 2);
		CHECK(strstr(out, "usage: raytrace") != NULL);
	}
}

TEST(raytrace_prog_no_job)
{
	fake_reset(2, 0);
	CHECK(run(1, 0, "--work") == 1);
	CHECK(strstr(out, "--work: no job") != NULL);
	CHECK(run(1, 0, "--dump") == 1);
	CHECK(strstr(out, "--dump: no job") != NULL);
}

TEST(raytrace_prog_render_and_dump_with_cuts)
{
	fake_reset(3, CUT_ONE_IN);
	CHECK(run(0, 0, "160 120 0") == 0);
	CHECK(strstr(out, "raytrace: node 0: 80 tiles") != NULL);
	CHECK(strstr(out, "80 tiles in") != NULL);
	CHECK(strstr(out, "checksum fnv1a 0x8cf50ef9") != NULL);  /* rt.h's reference */
	CHECK(fake_stats().aborts > 0);
	CHECK(dump_matches(2, 0, 160, 120));
	CHECK(run(1, 0, "--work") == 0);
	CHECK(strstr(out, "node 1 rendered 0 tiles") != NULL);
}

TEST(raytrace_prog_dead_starter)
{
	fake_reset(4, CUT_ONE_IN);
	/* 1 create, 2-4 its 3 bands, 5 bind it, 6 attach, 7 claim tile 0 (12
	 * tiles left: a claim of one), 8 finish it, 9 claim tile 1: dies at 10. */
	CHECK(run(0, 10, "64 48 3") == -1);
	CHECK(run(2, 0, "64 48 3") == 1);
	CHECK(strstr(out, "unfinished (1 of 12 tiles done)") != NULL);
	CHECK(dump_matches(2, 3, 64, 48) == 0);   /* unfinished: refused */
	CHECK(run(1, 0, "--work") == 0);
	CHECK(strstr(out, "node 1 rendered 11 tiles") != NULL);
	CHECK(dump_matches(2, 3, 64, 48));
	CHECK(run(2, 0, "33 17 1") == 0);          /* replaces the finished job; edge tiles */
	CHECK(strstr(out, "node 2: 6 tiles") != NULL);
	CHECK(dump_matches(0, 1, 33, 17));
}
