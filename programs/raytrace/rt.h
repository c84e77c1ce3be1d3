/*
 * rt.h: the ray tracer's core (issue 13's raytrace program, after Frenz et
 * al., "Parallel ray-tracing with a transactional DSM"): built-in scenes of
 * spheres over a checkerboard plane, one or two point lights, diffuse and
 * specular shading, shadows and one reflection bounce, rendered a tile at a
 * time in 16.16 fixed point.
 *
 * rt.c is pure integer code with no state of its own: no globals but the
 * const scene table, no libc, no floats, no 64-bit division (the kernel's
 * export table has no __divdi3), and everything through arguments. So the
 * same source compiled for a node (-m32, make programs) and for the host
 * (tests/unit/test_raytrace.c, tools/rtref.c) renders the same bytes, and
 * a pixel does not depend on the tile it was rendered in.
 *
 * Interface rules:
 * - rt_scene_build fills a scene from the table; a scene read back from
 *   somewhere else (the heap) is rendered only after rt_scene_check.
 * - rt_render_tile writes tw * th pixels, 3 bytes (R, G, B) each, row after
 *   row with no padding: rgb[((y - y0) * tw + (x - x0)) * 3].
 * - Sizes: 1 <= w <= RT_W_MAX, 1 <= h <= RT_H_MAX; the tile lies inside.
 *
 * Reference checksums (rt_fnv1a over the whole picture, row after row from
 * the top, starting at RT_FNV_INIT), which the unit test checks on the host
 * and a cluster render of the same scene and size must print:
 *     scene 0 160x120  0x8cf50ef9
 *     scene 1 160x120  0x24466755
 *     scene 2 160x120  0xe30072e6
 *     scene 3 160x120  0xe65f779c
 *     scene 0 256x256  0x169e0fb3
 */
#ifndef RT_H
#define RT_H

#include "plurix.h"

typedef int32_t fx;                /* 16.16 fixed point */
#define FX_SHIFT 16
#define FX_ONE (1 << FX_SHIFT)
/* n thousandths as fx, folded at compile time (65536 / 1000 = 8192 / 125,
 * which keeps n * 8192 inside int32 for |n| < 262144). */
#define FX_MILLI(n) ((fx)((n) * 8192 / 125))

#define RT_SCENES      4           /* built-in scenes 0 .. RT_SCENES - 1 */
#define RT_SPHERES_MAX 10
#define RT_LIGHTS_MAX  2
#define RT_W_MAX       256         /* pixels: keeps every hit point and dot product in range */
#define RT_H_MAX       256
#define RT_TILE        16          /* a tile's side in pixels (edge tiles are smaller) */
#define RT_TILE_BYTES  (RT_TILE * RT_TILE * 3)
#define RT_FNV_INIT    0x811c9dc5u

struct rt_vec {
	fx x, y, z;
};

struct rt_sphere {
	struct rt_vec center;
	fx radius;
	fx inv_radius;                  /* derived: 1 / radius */
	struct rt_vec color;            /* 0 .. FX_ONE per channel */
	fx reflect;                     /* 0 .. FX_ONE: how much of the bounce is mixed in */
	fx specular;                    /* 0 .. FX_ONE: the highlight's strength */
};

struct rt_light {
	struct rt_vec pos;
	struct rt_vec color;
};

/* A scene: the table gives everything above "derived", rt_scene_build the rest.
 * All fields are 32-bit, so the layout is the same on the host and a node. */
struct rt_scene {
	uint32_t number;
	uint32_t nspheres, nlights;
	struct rt_vec eye, look;        /* the camera and the point it looks at */
	fx half_tan;                    /* tan(half the vertical field of view) */
	struct rt_sphere sphere[RT_SPHERES_MAX];
	struct rt_light light[RT_LIGHTS_MAX];
	fx plane_y;                     /* the checkerboard plane y = plane_y */
	uint32_t check_shift;           /* squares of 2^(check_shift - 16) units */
	struct rt_vec check_a, check_b;
	fx plane_reflect;
	struct rt_vec ambient, sky_horizon, sky_zenith;
	struct rt_vec forward, right, up; /* derived: the camera's basis, right and up scaled by half_tan */
};
_Static_assert(sizeof(struct rt_scene) == 596, "struct rt_scene is shared between nodes");

/* Fill *s with built-in scene number: 0, or -1 if there is none. */
int rt_scene_build(uint32_t number, struct rt_scene *s);
/* 0 if *s can be rendered safely (counts in range), else -1. */
int rt_scene_check(const struct rt_scene *s);
/* Render the tile x0 .. x0+tw-1, y0 .. y0+th-1 of a w x h picture into rgb. */
void rt_render_tile(const struct rt_scene *s, uint32_t w, uint32_t h, uint32_t x0, uint32_t y0,
		    uint32_t tw, uint32_t th, uint8_t *rgb);
/* FNV-1a 32 of n bytes, continuing from hash (RT_FNV_INIT to start). */
uint32_t rt_fnv1a(uint32_t hash, const uint8_t *p, uint32_t n);
/* n bytes as 2n lowercase hex digits and a NUL: out holds 2n + 1 bytes
 * (a --dump row's text; tools/rtpng reads it back). */
void rt_hex(const uint8_t *p, uint32_t n, char *out);

#endif
