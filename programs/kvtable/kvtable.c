/*
 * kvtable.c: a hash table in the heap that every node writes at once (issue
 * 13's third program): the way people share a map among threads, here among
 * nodes, each update a transaction. Touches the heap only through
 * include/plurix.h; keeps no globals (they would be shared by every node).
 *
 *   run kvtable init            makes the table ("kv.table"): KV_BUCKETS
 *                               bucket objects of KV_SLOTS (key, value) slots
 *   run kvtable bench <s> [k]   for s seconds: one transaction per update, a
 *                               random key of k (default 256) gets +1; this
 *                               node's update count is in its own object
 *                               (allocated here, so on a page of its own
 *                               allocator); prints updates, updates/s, aborts
 *   run kvtable check           every value added up equals every node's
 *                               update count added up; prints both
 *
 * Layout: the table's body holds KV_BUCKETS reference cells (the buckets),
 * then KV_NODES cells (each node's count object); a bucket's body is
 * KV_SLOTS pairs of words (key + 1, value; key 0: empty); a count object's
 * body is one word. A bucket is KV_BUCKET_BYTES, so two share a page: like
 * any packed table, buckets on one page conflict as one.
 */
#include <plurix.h>

#define KV_NAME         "kv.table"
#define KV_BUCKETS      32u
#define KV_NODES        16u
#define KV_SLOTS        250u
#define KV_BUCKET_BYTES (KV_SLOTS * 8u)
#define KV_REF          12u             /* a reference cell's bytes (plurix.h) */
#define KV_TABLE_BYTES  ((KV_BUCKETS + KV_NODES) * KV_REF)

struct update {
	uint32_t key, runs;
	int full;                       /* the key's bucket had no slot left */
};

static uint32_t hash(uint32_t k)
{
	k ^= k >> 16;
	k *= 0x45d9f3bu;
	k ^= k >> 16;
	return k;
}

static uint32_t table(void)
{
	uint32_t t;
	int r = plx_dir_lookup(KV_NAME, &t);

	if (r)
		plx_txn_fail(r);
	return t;
}

static uint32_t ref(uint32_t obj, uint32_t cell)
{
	uint32_t v;
	int r = plx_ref_load(obj, cell * KV_REF, &v);

	if (r)
		plx_txn_fail(r);
	return v;
}

static uint32_t *body(uint32_t obj)
{
	return (uint32_t *)(size_t)(obj + PLX_HDR_BYTES);
}

static void init_body(void *arg)
{
	uint32_t offs[KV_BUCKETS + KV_NODES], ttype, btype, t, b, old;
	int r;

	(void)arg;
	for (uint32_t i = 0; i < KV_BUCKETS + KV_NODES; i++)
		offs[i] = i * KV_REF;
	if ((r = plx_type_create(KV_TABLE_BYTES, KV_BUCKETS + KV_NODES, offs, &ttype)) ||
	    (r = plx_type_create(0, 0, NULL, &btype)) || (r = plx_alloc(ttype, 0, &t)))
		plx_txn_fail(r);
	for (uint32_t i = 0; i < KV_BUCKETS; i++)
		if ((r = plx_alloc(btype, KV_BUCKET_BYTES, &b)) || (r = plx_ref_store(t, i * KV_REF, b)))
			plx_txn_fail(r);
	if (plx_dir_lookup(KV_NAME, &old) == 0 && (r = plx_dir_unbind(KV_NAME)))
		plx_txn_fail(r);
	if ((r = plx_dir_bind(KV_NAME, t)))
		plx_txn_fail(r);
}

/* This node's count object, made on first use. */
static uint32_t *my_count(uint32_t t)
{
	uint32_t me = plx_node_id(), c = ref(t, KV_BUCKETS + me), type;
	int r;

	if (!c) {
		if ((r = plx_type_create(0, 0, NULL, &type)) || (r = plx_alloc(type, 4, &c)) ||
		    (r = plx_ref_store(t, (KV_BUCKETS + me) * KV_REF, c)))
			plx_txn_fail(r);
	}
	return body(c);
}

static void update_body(void *arg)
{
	struct update *u = arg;
	uint32_t t, *slot;

	u->runs++;
	t = table();
	slot = body(ref(t, hash(u->key) % KV_BUCKETS));
	u->full = 1;
	for (uint32_t i = 0; i < KV_SLOTS; i++) {
		uint32_t *s = slot + 2u * ((hash(u->key) / KV_BUCKETS + i) % KV_SLOTS);
		if (s[0] == u->key + 1u || s[0] == 0) {
			s[0] = u->key + 1u;
			s[1]++;
			u->full = 0;
			break;
		}
	}
	if (!u->full)
		(*my_count(t))++;
}

struct sums {
	uint32_t values, counts, keys;
};

static void check_body(void *arg)
{
	struct sums *s = arg;
	uint32_t t = table();

	s->values = s->counts = s->keys = 0;
	for (uint32_t b = 0; b < KV_BUCKETS; b++) {
		uint32_t *slot = body(ref(t, b));
		for (uint32_t i = 0; i < KV_SLOTS; i++) {
			s->keys += slot[2u * i] != 0;
			s->values += slot[2u * i + 1u];
		}
	}
	for (uint32_t n = 0; n < KV_NODES; n++) {
		uint32_t c = ref(t, KV_BUCKETS + n);
		if (c)
			s->counts += *body(c);
	}
}

static uint32_t number(const char *s)
{
	uint32_t n = 0;

	while (*s >= '0' && *s <= '9')
		n = n * 10u + (uint32_t)(*s++ - '0');
	return n;
}

static int bench(uint32_t seconds, uint32_t keys)
{
	uint64_t t0 = plx_time_us(), end = t0 + (uint64_t)seconds * 1000000u, now;
	uint32_t done = 0, runs = 0, seed = plx_node_id() * 2654435761u + (uint32_t)t0;
	struct update u;
	int r;

	do {
		seed = seed * 1103515245u + 12345u;
		u.key = (seed >> 8) % keys, u.runs = 0;
		if ((r = plx_txn_run(update_body, &u))) {
			printf("kvtable: update: %s\n", plx_strerror(r));
			return 1;
		}
		if (u.full) {
			printf("kvtable: a bucket is full: use fewer keys\n");
			return 1;
		}
		done++;
		runs += u.runs;
		now = plx_time_us();
	} while (now < end);
	uint32_t ms = (uint32_t)(now - t0) / 1000u;     /* 32-bit: programs have no __udivdi3 */
	printf("kvtable: node %u: %u updates in %u ms (%u/s), aborts %u, keys %u\n", plx_node_id(),
	       done, ms, ms ? done * 1000u / ms : 0u, runs - done, keys);
	return 0;
}

int main(int argc, char **argv)
{
	struct sums s;
	int r;

	if (argc == 2 && !strcmp(argv[1], "init")) {
		if ((r = plx_txn_run(init_body, 0))) {
			printf("kvtable: init: %s\n", plx_strerror(r));
			return 1;
		}
		printf("kvtable: %u buckets of %u slots\n", KV_BUCKETS, KV_SLOTS);
		return 0;
	}
	if ((argc == 3 || argc == 4) && !strcmp(argv[1], "bench") && number(argv[2]) > 0) {
		uint32_t keys = argc == 4 ? number(argv[3]) : 256u;
		if (keys == 0 || keys > KV_BUCKETS * KV_SLOTS / 2u) {
			printf("kvtable: keys: 1 to %u\n", KV_BUCKETS * KV_SLOTS / 2u);
			return 2;
		}
		return bench(number(argv[2]), keys);
	}
	if (argc == 2 && !strcmp(argv[1], "check")) {
		if ((r = plx_txn_run(check_body, &s))) {
			printf("kvtable: check: %s\n", plx_strerror(r));
			return 1;
		}
		printf("kvtable: %u keys, values add up to %u, nodes' updates to %u: %s\n", s.keys,
		       s.values, s.counts, s.values == s.counts ? "equal" : "DIFFERENT");
		return s.values == s.counts ? 0 : 1;
	}
	printf("usage: kvtable init | bench <seconds> [keys] | check\n");
	return 2;
}
