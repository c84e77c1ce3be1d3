/*
 * rtref.c: the host reference renderer (make rtref: build/host/rtref).
 * `rtref SCENE W H` renders built-in scene SCENE at W x H with
 * programs/raytrace/rt.c, the source a node runs, and prints the picture on
 * stdout in `run raytrace --dump`'s format (`P <w> <h>`, then `R <y> <hex>`
 * per row, nothing else), so `tools/rtpng` makes the same PNG of either and
 * the two can be compared byte for byte. Its checksum (rt_fnv1a, as the
 * program prints it) and the render time go to stderr. Touches nothing but
 * its own memory and the two streams.
 */
#define _POSIX_C_SOURCE 200809L  /* clock_gettime */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "programs/raytrace/rt.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A decimal argument in min .. max into *v: 0, or -1. */
static int arg_u32(const char *s, uint32_t min, uint32_t max, uint32_t *v)
{
	char *end;
	unsigned long n = strtoul(s, &end, 10);

	if (!*s || *end || n < min || n > max)
		return -1;
	*v = (uint32_t)n;
	return 0;
}

int main(int argc, char **argv)
{
	struct rt_scene scene;
	uint32_t number, w, h;

	if (argc != 4 || arg_u32(argv[1], 0, RT_SCENES - 1, &number) ||
	    arg_u32(argv[2], 1, RT_W_MAX, &w) || arg_u32(argv[3], 1, RT_H_MAX, &h)) {
		fprintf(stderr, "usage: rtref SCENE W H (scene 0..%d, 1 <= W <= %d, 1 <= H <= %d)\n",
			RT_SCENES - 1, RT_W_MAX, RT_H_MAX);
		return 2;
	}
	rt_scene_build(number, &scene);
	uint8_t *rgb = malloc((size_t)w * h * 3);
	char *hex = malloc((size_t)w * 6 + 1);
	if (!rgb || !hex)
		return 1;
	double t0 = now_s();
	rt_render_tile(&scene, w, h, 0, 0, w, h, rgb);
	double t1 = now_s();
	printf("P %u %u\n", w, h);
	for (uint32_t y = 0; y < h; y++) {
		rt_hex(rgb + (size_t)y * w * 3, w * 3, hex);
		printf("R %u %s\n", y, hex);
	}
	fprintf(stderr, "rtref: scene %u %ux%u checksum fnv1a 0x%08x, rendered in %.3f s\n",
		scene.number, w, h, rt_fnv1a(RT_FNV_INIT, rgb, w * h * 3), t1 - t0);
	free(hex);
	free(rgb);
	return 0;
}
