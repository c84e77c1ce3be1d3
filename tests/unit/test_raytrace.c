/*
 * test_raytrace.c: host tests of the ray tracer's core
 * (programs/raytrace/rt.c, the source `make programs` builds for a node):
 * each built-in scene rendered tile by tile in a scrambled order gives the
 * reference checksum rt.h records (which build/host/rtref computed with the
 * whole picture as one tile, in row order), a picture with edge tiles is
 * byte for byte the one-tile render, the scene check refuses what would
 * index out of range, and rt_hex writes what tools/rtimage.py reads. All
 * the renders together take well under 2 s under ASan + UBSan.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "programs/raytrace/rt.h"
#include "tests/unit/check.h"

#define TIME_BUDGET_CLOCKS (2 * CLOCKS_PER_SEC)

struct picture {
	uint32_t w, h;
	uint8_t *rgb;
};

static struct picture picture_new(uint32_t w, uint32_t h)
{
	struct picture p = { w, h, calloc((size_t)w * h, 3) };
	return p;
}

static uint32_t tile_count(uint32_t n)
{
	return (n + RT_TILE - 1) / RT_TILE;
}

/* Tile k of p (tiles in row order, edge tiles smaller) rendered and copied in. */
static void render_tile_into(const struct rt_scene *s, struct picture *p, uint32_t k)
{
	uint8_t tile[RT_TILE_BYTES];
	uint32_t x0 = k % tile_count(p->w) * RT_TILE, y0 = k / tile_count(p->w) * RT_TILE;
	uint32_t tw = p->w - x0 < RT_TILE ? p->w - x0 : RT_TILE;
	uint32_t th = p->h - y0 < RT_TILE ? p->h - y0 : RT_TILE;

	rt_render_tile(s, p->w, p->h, x0, y0, tw, th, tile);
	for (uint32_t y = 0; y < th; y++)
		memcpy(p->rgb + ((size_t)(y0 + y) * p->w + x0) * 3, tile + y * tw * 3, tw * 3);
}

/* Every tile once, in the order k * step mod n (step odd and prime to n, so a permutation). */
static void render_scrambled(const struct rt_scene *s, struct picture *p, uint32_t step)
{
	uint32_t n = tile_count(p->w) * tile_count(p->h);

	for (uint32_t k = 0; k < n; k++)
		render_tile_into(s, p, k * step % n);
}

static uint32_t picture_fnv(const struct picture *p)
{
	return rt_fnv1a(RT_FNV_INIT, p->rgb, p->w * p->h * 3);
}

static const struct {
	uint32_t scene, w, h, fnv;
} references[] = {
	{ 0, 160, 120, 0x8cf50ef9u },
	{ 1, 160, 120, 0x24466755u },
	{ 2, 160, 120, 0xe30072e6u },
	{ 3, 160, 120, 0xe65f779cu },
	{ 0, 256, 256, 0x169e0fb3u },
};

TEST(raytrace_reference_checksums_in_scrambled_tile_order)
{
	clock_t start = clock();

	for (size_t i = 0; i < sizeof references / sizeof references[0]; i++) {
		struct rt_scene s;
		struct picture p = picture_new(references[i].w, references[i].h);

		REQUIRE(p.rgb != NULL);
		CHECK(rt_scene_build(references[i].scene, &s) == 0);
		CHECK(rt_scene_check(&s) == 0);
		render_scrambled(&s, &p, 7);  /* 80 and 256 tiles: 7 is prime to both */
		uint32_t fnv = picture_fnv(&p);
		if (fnv != references[i].fnv)
			printf("  scene %u %ux%u: fnv1a 0x%08x, rt.h records 0x%08x\n",
			       references[i].scene, p.w, p.h, fnv, references[i].fnv);
		CHECK(fnv == references[i].fnv);
		free(p.rgb);
	}
	clock_t spent = clock() - start;
	printf("  5 pictures rendered in %.3f s of CPU\n", (double)spent / CLOCKS_PER_SEC);
	CHECK(spent < TIME_BUDGET_CLOCKS);
}

/* 37 x 29: edge tiles of 5 and 13 pixels, the render is the one-tile render. */
TEST(raytrace_edge_tiles_match_one_tile)
{
	for (uint32_t n = 0; n < RT_SCENES; n++) {
		struct rt_scene s;
		struct picture whole = picture_new(37, 29), tiled = picture_new(37, 29);

		REQUIRE(whole.rgb && tiled.rgb);
		REQUIRE(rt_scene_build(n, &s) == 0);
		rt_render_tile(&s, whole.w, whole.h, 0, 0, whole.w, whole.h, whole.rgb);
		render_scrambled(&s, &tiled, 5);  /* 6 tiles */
		CHECK(memcmp(whole.rgb, tiled.rgb, 37 * 29 * 3) == 0);
		free(whole.rgb);
		free(tiled.rgb);
	}
}

TEST(raytrace_scene_check)
{
	struct rt_scene s;

	CHECK(rt_scene_build(RT_SCENES, &s) == -1);
	REQUIRE(rt_scene_build(2, &s) == 0);
	CHECK(s.number == 2 && s.nspheres == 9);
	s.nspheres = RT_SPHERES_MAX + 1;
	CHECK(rt_scene_check(&s) == -1);
	REQUIRE(rt_scene_build(0, &s) == 0);
	s.nlights = RT_LIGHTS_MAX + 1;
	CHECK(rt_scene_check(&s) == -1);
	REQUIRE(rt_scene_build(0, &s) == 0);
	s.sphere[1].radius = 0;
	CHECK(rt_scene_check(&s) == -1);
	REQUIRE(rt_scene_build(0, &s) == 0);
	s.check_shift = 31;
	CHECK(rt_scene_check(&s) == -1);
}

TEST(raytrace_hex_and_fnv)
{
	const uint8_t bytes[] = { 0x00, 0xff, 0x10, 0xa5 };
	char hex[2 * sizeof bytes + 1];

	rt_hex(bytes, sizeof bytes, hex);
	CHECK(strcmp(hex, "00ff10a5") == 0);
	CHECK(rt_fnv1a(RT_FNV_INIT, (const uint8_t *)"a", 1) == 0xe40c292cu);  /* FNV's own vector */
	CHECK(rt_fnv1a(RT_FNV_INIT, bytes, 0) == RT_FNV_INIT);
}
