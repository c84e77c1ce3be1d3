/*
 * cmdline.c: parser of the boot command line (see cmdline.h).
 * Portable: no kernel headers, no libc calls; the kernel and the host unit
 * tests build the same file. Decodes the whole line first and reports the
 * first problem; only then is the result trusted (seL4 rule).
 */
#include "kernel/cmdline.h"

#define WORD_MAX 64     /* longest key=value word */

struct err {
	char *buf;
	size_t cap;
	size_t n;
};

static void err_add(struct err *e, const char *s)
{
	for (size_t i = 0; s[i] && i < WORD_MAX * 2; i++)
		if (e->n + 1 < e->cap)
			e->buf[e->n++] = s[i];
	if (e->cap)
		e->buf[e->n] = '\0';
}

static int streq(const char *a, const char *b)
{
	size_t i = 0;

	for (; a[i] && a[i] == b[i]; i++)
		;
	return a[i] == b[i];
}

/* Decimal 0..max, no sign, no leading '+', at most 5 digits. */
static int parse_uint(const char *v, uint32_t max, uint32_t *out)
{
	uint32_t x = 0;
	size_t i = 0;

	for (; v[i]; i++) {
		if (v[i] < '0' || v[i] > '9' || i >= 5)
			return -1;
		x = x * 10 + (uint32_t)(v[i] - '0');
	}
	if (i == 0 || x > max)
		return -1;
	*out = x;
	return 0;
}

static enum cmdline_role parse_role(const char *v)
{
	if (streq(v, "master"))
		return CMDLINE_ROLE_MASTER;
	if (streq(v, "slave"))
		return CMDLINE_ROLE_SLAVE;
	if (streq(v, "pageserver"))
		return CMDLINE_ROLE_PAGESERVER;
	return CMDLINE_ROLE_NONE;
}

const char *cmdline_role_name(enum cmdline_role r)
{
	switch (r) {
	case CMDLINE_ROLE_MASTER: return "master";
	case CMDLINE_ROLE_SLAVE: return "slave";
	case CMDLINE_ROLE_PAGESERVER: return "pageserver";
	default: return "none";
	}
}

enum { SEEN_NODE = 1, SEEN_ROLE = 2, SEEN_CLUSTER = 4, SEEN_TEST = 8, SEEN_IMAGE = 16,
       SEEN_CKPT = 32, SEEN_KTRACE = 64 };

static const struct key {
	const char *name;
	unsigned bit;
	uint32_t max;           /* numbers: 0..max */
	const char *why;        /* what a bad value is told */
} keys[] = {
	{ "node", SEEN_NODE, 65534, "must be a number 0..65534" },
	{ "role", SEEN_ROLE, 0, "must be master, slave or pageserver" },
	{ "cluster", SEEN_CLUSTER, 65535, "must be a number 0..65535" },
	{ "test", SEEN_TEST, 1, "must be 0 or 1" },
	{ "image", SEEN_IMAGE, 1, "must be 0 or 1" },
	{ "ckpt", SEEN_CKPT, CMDLINE_CKPT_MAX, "must be seconds 0..86400" },
	{ "ktrace", SEEN_KTRACE, 1, "must be 0 or 1" },
};

static void store(struct cmdline *c, unsigned bit, uint32_t x)
{
	switch (bit) {
	case SEEN_NODE:    c->node = (uint16_t)x; break;
	case SEEN_CLUSTER: c->cluster = (uint16_t)x; break;
	case SEEN_TEST:    c->test = (int)x; break;
	case SEEN_IMAGE:   c->image = (int)x; break;
	case SEEN_KTRACE:  c->ktrace = (int)x; break;
	default:           c->ckpt_s = x; break;
	}
}

/* Apply one key=value word; returns a reason, or NULL if it was fine. */
static const char *apply(const char *key, const char *val, struct cmdline *c,
			 unsigned *seen)
{
	const struct key *k = 0;
	uint32_t x;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (streq(key, keys[i].name))
			k = &keys[i];
	if (!k)
		return "unknown key";
	if (*seen & k->bit)
		return "given twice";
	*seen |= k->bit;
	if (k->bit == SEEN_ROLE) {
		c->role = parse_role(val);
		return c->role == CMDLINE_ROLE_NONE ? k->why : 0;
	}
	if (parse_uint(val, k->max, &x))
		return k->why;
	store(c, k->bit, x);
	return 0;
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Copy the next whitespace-separated word of s at *pos into w and move
 * *pos past it. Returns its length, 0 at the end of s, or -1 if it does
 * not fit in WORD_MAX - 1 characters (w is then empty). */
static int next_word(const char *s, size_t *pos, char *w)
{
	size_t i = *pos, n = 0;

	while (is_space(s[i]))
		i++;
	for (; s[i] && !is_space(s[i]); i++, n++)
		if (n < WORD_MAX - 1)
			w[n] = s[i];
	*pos = i;
	if (n >= WORD_MAX) {
		w[0] = '\0';
		return -1;
	}
	w[n] = '\0';
	return (int)n;
}

/* Split "key=value" in place; returns the value, or NULL if there is no '='. */
static char *split(char *w)
{
	for (; *w; w++)
		if (*w == '=') {
			*w = '\0';
			return w + 1;
		}
	return 0;
}

static void report(struct err *e, const char *key, const char *val, const char *why)
{
	if (e->n)
		return;         /* keep the first problem */
	err_add(e, key);
	if (val) {
		err_add(e, "='");
		err_add(e, val);
		err_add(e, "'");
	}
	err_add(e, ": ");
	err_add(e, why);
}

static void check_required(struct err *e, unsigned seen)
{
	if (!(seen & SEEN_NODE))
		report(e, "node", 0, "missing (node=<0..65534>)");
	if (!(seen & SEEN_ROLE))
		report(e, "role", 0, "missing (role=<master|slave|pageserver>)");
	if (!(seen & SEEN_CLUSTER))
		report(e, "cluster", 0, "missing (cluster=<0..65535>)");
}

int cmdline_parse(const char *s, struct cmdline *out, char *err, size_t errcap)
{
	struct err e = { err, errcap, 0 };
	struct cmdline c = { 0, 0, CMDLINE_ROLE_NONE, 0, 0, 0, 0 };
	unsigned seen = 0;
	size_t pos = 0, len = 0;
	char w[WORD_MAX];

	err_add(&e, "");
	if (!s)
		s = "";
	while (s[len] && len <= CMDLINE_LEN_MAX)
		len++;
	if (len > CMDLINE_LEN_MAX)
		report(&e, "command line", 0, "too long");
	/* After a problem, go on: test=1 later on the line must still count. */
	for (int i = 0; i < CMDLINE_LEN_MAX; i++) {
		int n = next_word(s, &pos, w);
		char *val;
		const char *why;

		if (n == 0)
			break;
		if (n < 0) {
			report(&e, "word", 0, "too long");
			continue;
		}
		val = split(w);
		if (!val) {
			if (i == 0)
				continue;       /* the loader's kernel path */
			report(&e, w, 0, "expected key=value");
			continue;
		}
		why = apply(w, val, &c, &seen);
		if (why)
			report(&e, w, val, why);
	}
	if (!e.n)
		check_required(&e, seen);
	out->test = c.test;
	if (e.n)
		return -1;
	*out = c;
	return 0;
}
