/*
 * rt.c: the ray tracer's core (rt.h): 16.16 fixed-point vectors, ray
 * intersection with spheres and the plane, shading, and the built-in scene
 * table. It touches only its arguments and the const table; it includes
 * only rt.h (plurix.h's types) and calls nothing, so it builds unchanged
 * for a node and for the host.
 *
 * Ranges: scenes lie within about 32 units of the origin and a ray goes at
 * most RT_T_MAX units, so every point stays within 2^23 raw (about 128
 * units) and every product of two coordinates fits int64 with room for a
 * sum of three. Multiplications widen to int64; divisions are 32-bit only
 * (fx_div does the fraction bits by long division).
 */
#include "rt.h"

#define RT_T_MAX    (64 * FX_ONE)   /* a ray that goes farther sees the sky */
#define RT_EPS      (FX_ONE / 256)  /* nearer hits are the surface the ray left */
#define RT_BOUNCES  1               /* reflection bounces after the first hit */
#define RT_SHINE_SQUARINGS 5        /* the highlight is cos^32 */

/* ---- Fixed point ---- */

static fx fx_mul(fx a, fx b)
{
	return (fx)(((int64_t)a * b) >> FX_SHIFT);
}

/* a / b (b != 0) with 32-bit divisions only: the integer part by one
 * division, then 16 fraction bits by long division; saturates. */
static fx fx_div(fx a, fx b)
{
	uint32_t ua = a < 0 ? 0u - (uint32_t)a : (uint32_t)a;
	uint32_t ub = b < 0 ? 0u - (uint32_t)b : (uint32_t)b;
	uint32_t q = ua / ub, r = ua % ub;

	if (q >= 0x8000u) {
		q = 0x7fffffffu;
	} else {
		for (int i = 0; i < FX_SHIFT; i++) {
			r <<= 1;   /* r < ub <= 2^31: no overflow */
			q <<= 1;
			if (r >= ub) {
				r -= ub;
				q |= 1;
			}
		}
	}
	return (a < 0) != (b < 0) ? -(fx)q : (fx)q;
}

/* floor(sqrt(n)), bit by bit. */
static uint32_t isqrt64(uint64_t n)
{
	uint64_t res = 0, bit = (uint64_t)1 << 62;

	while (bit > n)
		bit >>= 2;
	while (bit) {
		if (n >= res + bit) {
			n -= res + bit;
			res = (res >> 1) + bit;
		} else {
			res >>= 1;
		}
		bit >>= 2;
	}
	return (uint32_t)res;
}

/* sqrt of a 16.16 value held in an int64 (v >= 0). */
static fx fx_sqrt(int64_t v)
{
	return (fx)isqrt64((uint64_t)v << FX_SHIFT);
}

static fx fx_clamp01(fx v)
{
	return v < 0 ? 0 : v > FX_ONE ? FX_ONE : v;
}

/* ---- Vectors ---- */

static struct rt_vec v_make(fx x, fx y, fx z)
{
	struct rt_vec v = { x, y, z };
	return v;
}

static struct rt_vec v_add(struct rt_vec a, struct rt_vec b)
{
	return v_make(a.x + b.x, a.y + b.y, a.z + b.z);
}

static struct rt_vec v_sub(struct rt_vec a, struct rt_vec b)
{
	return v_make(a.x - b.x, a.y - b.y, a.z - b.z);
}

static struct rt_vec v_scale(struct rt_vec a, fx k)
{
	return v_make(fx_mul(a.x, k), fx_mul(a.y, k), fx_mul(a.z, k));
}

/* Component by component (colours). */
static struct rt_vec v_mul(struct rt_vec a, struct rt_vec b)
{
	return v_make(fx_mul(a.x, b.x), fx_mul(a.y, b.y), fx_mul(a.z, b.z));
}

/* The dot product as 16.16 in an int64: |a| |b| may exceed int32's range. */
static int64_t v_dot(struct rt_vec a, struct rt_vec b)
{
	return ((int64_t)a.x * b.x + (int64_t)a.y * b.y + (int64_t)a.z * b.z) >> FX_SHIFT;
}

static struct rt_vec v_cross(struct rt_vec a, struct rt_vec b)
{
	return v_make(fx_mul(a.y, b.z) - fx_mul(a.z, b.y), fx_mul(a.z, b.x) - fx_mul(a.x, b.z),
		      fx_mul(a.x, b.y) - fx_mul(a.y, b.x));
}

/* a scaled to length 1, and its length in *len (a zero vector stays zero). */
static struct rt_vec v_unit(struct rt_vec a, fx *len)
{
	fx l = fx_sqrt(v_dot(a, a));

	*len = l;
	if (l == 0)
		return a;
	return v_make(fx_div(a.x, l), fx_div(a.y, l), fx_div(a.z, l));
}

static struct rt_vec v_norm(struct rt_vec a)
{
	fx len;
	return v_unit(a, &len);
}

/* ---- Intersection ---- */

enum { HIT_NONE, HIT_SPHERE, HIT_PLANE };

struct rt_hit {
	int kind;
	uint32_t index;                 /* the sphere's */
	fx t;
	struct rt_vec p, n;             /* the point, the unit normal there */
};

/* The nearer root of |o + t d - c| = r beyond RT_EPS, or -1 (d a unit vector). */
static fx sphere_t(const struct rt_sphere *sp, struct rt_vec o, struct rt_vec d)
{
	struct rt_vec oc = v_sub(o, sp->center);
	fx b = (fx)v_dot(oc, d);
	int64_t c = v_dot(oc, oc) - fx_mul(sp->radius, sp->radius);
	int64_t disc = (((int64_t)b * b) >> FX_SHIFT) - c;

	if (disc < 0)
		return -1;
	fx sq = fx_sqrt(disc);
	if (-b - sq > RT_EPS)
		return -b - sq;
	if (-b + sq > RT_EPS)
		return -b + sq;
	return -1;
}

/* The plane's t beyond RT_EPS and within RT_T_MAX, or -1. */
static fx plane_t(const struct rt_scene *s, struct rt_vec o, struct rt_vec d)
{
	if (d.y == 0)
		return -1;
	fx t = fx_div(s->plane_y - o.y, d.y);
	return t > RT_EPS && t < RT_T_MAX ? t : -1;
}

/* The nearest hit along o + t d with t < t_max: its kind (HIT_NONE: none). */
static int nearest(const struct rt_scene *s, struct rt_vec o, struct rt_vec d, fx t_max,
		   struct rt_hit *h)
{
	h->kind = HIT_NONE;
	h->t = t_max;
	for (uint32_t i = 0; i < s->nspheres; i++) {
		fx t = sphere_t(&s->sphere[i], o, d);
		if (t >= 0 && t < h->t) {
			h->kind = HIT_SPHERE;
			h->index = i;
			h->t = t;
		}
	}
	fx t = plane_t(s, o, d);
	if (t >= 0 && t < h->t) {
		h->kind = HIT_PLANE;
		h->t = t;
	}
	if (h->kind == HIT_NONE)
		return HIT_NONE;
	h->p = v_add(o, v_scale(d, h->t));
	if (h->kind == HIT_PLANE) {
		h->n = v_make(0, o.y > s->plane_y ? FX_ONE : -FX_ONE, 0);
	} else {
		const struct rt_sphere *sp = &s->sphere[h->index];
		h->n = v_scale(v_sub(h->p, sp->center), sp->inv_radius);
	}
	return h->kind;
}

/* ---- Shading ---- */

/* The checker colour under p: squares of 2^(check_shift - 16) units
 * (an arithmetic shift is floor, also below zero). */
static struct rt_vec checker(const struct rt_scene *s, struct rt_vec p)
{
	int32_t ix = p.x >> s->check_shift, iz = p.z >> s->check_shift;
	return (ix + iz) & 1 ? s->check_a : s->check_b;
}

static struct rt_vec sky(const struct rt_scene *s, struct rt_vec d)
{
	fx k = fx_clamp01(d.y);
	return v_add(v_scale(s->sky_horizon, FX_ONE - k), v_scale(s->sky_zenith, k));
}

/* k^(2^RT_SHINE_SQUARINGS) for 0 <= k <= FX_ONE. */
static fx shine(fx k)
{
	for (int i = 0; i < RT_SHINE_SQUARINGS; i++)
		k = fx_mul(k, k);
	return k;
}

/* Light l's diffuse and specular part at hit h seen along d (0 in shadow). */
static struct rt_vec lit(const struct rt_scene *s, const struct rt_light *l,
			 const struct rt_hit *h, struct rt_vec d, struct rt_vec base, fx specular)
{
	struct rt_vec zero = v_make(0, 0, 0);
	fx dist;
	struct rt_vec ldir = v_unit(v_sub(l->pos, h->p), &dist);
	fx ndl = (fx)v_dot(h->n, ldir);
	struct rt_hit block;

	if (ndl <= 0)
		return zero;
	if (nearest(s, v_add(h->p, v_scale(h->n, RT_EPS)), ldir, dist, &block) != HIT_NONE)
		return zero;
	struct rt_vec c = v_scale(v_mul(base, l->color), ndl);
	fx nh = (fx)v_dot(h->n, v_norm(v_sub(ldir, d)));
	if (specular > 0 && nh > 0)
		c = v_add(c, v_scale(l->color, fx_mul(shine(nh), specular)));
	return c;
}

/* The colour of hit h seen along d without its reflection; *reflect: how
 * much of the bounce the surface mixes in. */
static struct rt_vec shade(const struct rt_scene *s, const struct rt_hit *h, struct rt_vec d,
			   fx *reflect)
{
	struct rt_vec base;
	fx specular;

	if (h->kind == HIT_PLANE) {
		base = checker(s, h->p);
		specular = 0;
		*reflect = s->plane_reflect;
	} else {
		const struct rt_sphere *sp = &s->sphere[h->index];
		base = sp->color;
		specular = sp->specular;
		*reflect = sp->reflect;
	}
	struct rt_vec c = v_mul(base, s->ambient);
	for (uint32_t i = 0; i < s->nlights; i++)
		c = v_add(c, lit(s, &s->light[i], h, d, base, specular));
	return c;
}

/* The colour seen along o + t d: the first hit, then up to RT_BOUNCES
 * reflections, each mixed in by its surface's reflect. */
static struct rt_vec trace(const struct rt_scene *s, struct rt_vec o, struct rt_vec d)
{
	struct rt_vec sum = v_make(0, 0, 0);
	fx weight = FX_ONE;
	struct rt_hit h;

	for (int bounce = 0; bounce <= RT_BOUNCES; bounce++) {
		if (nearest(s, o, d, RT_T_MAX, &h) == HIT_NONE) {
			sum = v_add(sum, v_scale(sky(s, d), weight));
			break;
		}
		fx reflect;
		struct rt_vec c = shade(s, &h, d, &reflect);
		if (bounce == RT_BOUNCES)
			reflect = 0;
		sum = v_add(sum, v_scale(c, fx_mul(weight, FX_ONE - reflect)));
		weight = fx_mul(weight, reflect);
		if (weight == 0)
			break;
		fx dn = (fx)v_dot(d, h.n);
		d = v_norm(v_sub(d, v_scale(h.n, 2 * dn)));
		o = v_add(h.p, v_scale(h.n, RT_EPS));
	}
	return sum;
}

static uint8_t channel_byte(fx c)
{
	return (uint8_t)((fx_clamp01(c) * 255 + FX_ONE / 2) >> FX_SHIFT);
}

/* The unit ray through pixel (x, y)'s centre; square pixels, the vertical
 * field of view fixed by half_tan. */
static struct rt_vec pixel_ray(const struct rt_scene *s, uint32_t w, uint32_t h, uint32_t x,
			       uint32_t y)
{
	fx u = (2 * (int32_t)x + 1 - (int32_t)w) * FX_ONE / (int32_t)h;
	fx v = ((int32_t)h - 2 * (int32_t)y - 1) * FX_ONE / (int32_t)h;
	struct rt_vec d = v_add(s->forward, v_add(v_scale(s->right, u), v_scale(s->up, v)));
	return v_norm(d);
}

void rt_render_tile(const struct rt_scene *s, uint32_t w, uint32_t h, uint32_t x0, uint32_t y0,
		    uint32_t tw, uint32_t th, uint8_t *rgb)
{
	for (uint32_t y = 0; y < th; y++) {
		for (uint32_t x = 0; x < tw; x++) {
			struct rt_vec c = trace(s, s->eye, pixel_ray(s, w, h, x0 + x, y0 + y));
			uint8_t *px = rgb + (y * tw + x) * 3;
			px[0] = channel_byte(c.x);
			px[1] = channel_byte(c.y);
			px[2] = channel_byte(c.z);
		}
	}
}

uint32_t rt_fnv1a(uint32_t hash, const uint8_t *p, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		hash ^= p[i];
		hash *= 16777619u;
	}
	return hash;
}

void rt_hex(const uint8_t *p, uint32_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (uint32_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * n] = 0;
}

/* ---- Scenes ---- */

#define M FX_MILLI
#define V(x, y, z) { M(x), M(y), M(z) }
/* centre, radius, colour, reflect, specular (thousandths); inv_radius is derived. */
#define SPHERE(x, y, z, r, cr, cg, cb, refl, spec) \
	{ V(x, y, z), M(r), 0, V(cr, cg, cb), M(refl), M(spec) }
#define LIGHT(x, y, z, cr, cg, cb) { V(x, y, z), V(cr, cg, cb) }

static const struct rt_scene rt_table[RT_SCENES] = {
	{	/* 0: three balls, one of them a mirror, two lights */
		.number = 0, .nspheres = 3, .nlights = 2,
		.eye = V(0, 1500, -2000), .look = V(0, 1000, 6000), .half_tan = M(600),
		.sphere = {
			SPHERE(-1600, 1000, 6000, 1000, 900, 200, 150, 100, 600),
			SPHERE(1300, 700, 4800, 700, 200, 850, 250, 0, 400),
			SPHERE(300, 1500, 9000, 1500, 900, 900, 950, 700, 900),
		},
		.light = { LIGHT(-5000, 8000, 0, 800, 800, 750), LIGHT(6000, 5000, 2000, 300, 350, 500) },
		.plane_y = 0, .check_shift = 16, .check_a = V(900, 900, 900), .check_b = V(150, 150, 180),
		.plane_reflect = M(200),
		.ambient = V(120, 120, 140), .sky_horizon = V(700, 800, 950), .sky_zenith = V(150, 300, 700),
	},
	{	/* 1: a row of five, more of a mirror from left to right */
		.number = 1, .nspheres = 5, .nlights = 1,
		.eye = V(0, 2000, -1000), .look = V(0, 800, 8000), .half_tan = M(550),
		.sphere = {
			SPHERE(-4000, 800, 8000, 800, 950, 300, 300, 0, 300),
			SPHERE(-2000, 800, 8000, 800, 950, 700, 250, 200, 500),
			SPHERE(0, 800, 8000, 800, 300, 900, 300, 400, 700),
			SPHERE(2000, 800, 8000, 800, 300, 500, 950, 600, 800),
			SPHERE(4000, 800, 8000, 800, 800, 800, 800, 850, 900),
		},
		.light = { LIGHT(2000, 9000, 2000, 1000, 1000, 950) },
		.plane_y = 0, .check_shift = 17, .check_a = V(850, 850, 800), .check_b = V(300, 200, 150),
		.plane_reflect = 0,
		.ambient = V(100, 100, 100), .sky_horizon = V(900, 850, 750), .sky_zenith = V(300, 400, 800),
	},
	{	/* 2: a ring of eight round a mirror, seen from above */
		.number = 2, .nspheres = 9, .nlights = 2,
		.eye = V(0, 5000, 0), .look = V(0, 500, 8000), .half_tan = M(500),
		.sphere = {
			SPHERE(0, 1200, 8000, 1200, 950, 950, 950, 800, 900),
			SPHERE(3000, 500, 8000, 500, 950, 200, 200, 0, 500),
			SPHERE(2121, 500, 10121, 500, 950, 600, 200, 0, 500),
			SPHERE(0, 500, 11000, 500, 900, 900, 200, 0, 500),
			SPHERE(-2121, 500, 10121, 500, 300, 900, 200, 0, 500),
			SPHERE(-3000, 500, 8000, 500, 200, 900, 800, 0, 500),
			SPHERE(-2121, 500, 5879, 500, 200, 400, 950, 0, 500),
			SPHERE(0, 500, 5000, 500, 600, 200, 950, 0, 500),
			SPHERE(2121, 500, 5879, 500, 950, 200, 700, 0, 500),
		},
		.light = { LIGHT(-4000, 9000, 3000, 700, 700, 700), LIGHT(5000, 6000, 6000, 400, 400, 300) },
		.plane_y = 0, .check_shift = 16, .check_a = V(700, 700, 700), .check_b = V(100, 120, 100),
		.plane_reflect = 300,
		.ambient = V(100, 100, 100), .sky_horizon = V(600, 700, 900), .sky_zenith = V(100, 200, 500),
	},
	{	/* 3: a pyramid of five under a red and a blue light, a big ball behind */
		.number = 3, .nspheres = 6, .nlights = 2,
		.eye = V(-1200, 2400, 2500), .look = V(0, 900, 7000), .half_tan = M(600),
		.sphere = {
			SPHERE(-700, 600, 6300, 600, 900, 900, 900, 100, 700),
			SPHERE(700, 600, 6300, 600, 900, 900, 900, 100, 700),
			SPHERE(-700, 600, 7700, 600, 900, 900, 900, 100, 700),
			SPHERE(700, 600, 7700, 600, 900, 900, 900, 100, 700),
			SPHERE(0, 1600, 7000, 600, 950, 850, 300, 500, 900),
			SPHERE(2500, 3000, 14000, 3000, 400, 700, 500, 300, 200),
		},
		.light = { LIGHT(-6000, 7000, 3000, 900, 250, 200), LIGHT(6000, 7000, 2000, 200, 300, 900) },
		.plane_y = 0, .check_shift = 16, .check_a = V(850, 850, 850), .check_b = V(250, 250, 250),
		.plane_reflect = 150,
		.ambient = V(80, 80, 80), .sky_horizon = V(500, 500, 600), .sky_zenith = V(50, 50, 150),
	},
};

#undef M
#undef V
#undef SPHERE
#undef LIGHT

/* The camera basis from eye, look and half_tan (the world's up is +y). */
static void camera_build(struct rt_scene *s)
{
	struct rt_vec world_up = v_make(0, FX_ONE, 0);

	s->forward = v_norm(v_sub(s->look, s->eye));
	struct rt_vec right = v_norm(v_cross(world_up, s->forward));
	s->up = v_scale(v_cross(s->forward, right), s->half_tan);
	s->right = v_scale(right, s->half_tan);
}

int rt_scene_build(uint32_t number, struct rt_scene *s)
{
	if (number >= RT_SCENES)
		return -1;
	*s = rt_table[number];
	for (uint32_t i = 0; i < s->nspheres; i++)
		s->sphere[i].inv_radius = fx_div(FX_ONE, s->sphere[i].radius);
	camera_build(s);
	return 0;
}

int rt_scene_check(const struct rt_scene *s)
{
	if (s->nspheres > RT_SPHERES_MAX || s->nlights > RT_LIGHTS_MAX)
		return -1;
	if (s->check_shift < FX_SHIFT || s->check_shift > 24)
		return -1;
	for (uint32_t i = 0; i < s->nspheres; i++)
		if (s->sphere[i].radius <= 0)
			return -1;
	return 0;
}
