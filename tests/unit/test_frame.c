/*
 * test_frame.c: the plurix frame codec and CRC-32 (dsm/frame.c). Every
 * rejection reason is provoked once, and a seeded flood of mutated frames
 * must never be accepted unless it is byte-for-byte a valid frame.
 */
#include <stdint.h>
#include <string.h>

#include "dsm/frame.h"
#include "tests/unit/check.h"

static const uint8_t mac_a[6] = {0x52, 0x54, 0, 0x12, 0x34, 0x01};
static const uint8_t mac_all[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static struct frame_hdr sample_hdr(void)
{
	struct frame_hdr h = {
		.type = FRAME_TYPE_PING,
		.cluster = 7,
		.src = 3,
		.dst = FRAME_NODE_ALL,
		.seq = 0xdeadbeef,
		.gtime = 0x0102030405060708ull,
	};
	return h;
}

static size_t sample_frame(uint8_t *buf, size_t cap, size_t len)
{
	uint8_t payload[FRAME_PAYLOAD_MAX];
	struct frame_hdr h = sample_hdr();

	for (size_t i = 0; i < len; i++)
		payload[i] = (uint8_t)(i * 7 + 1);
	return frame_encode(buf, cap, mac_all, mac_a, &h, payload, len);
}

/* Eight bytes a step equals a bit at a time, at every length and split. */
static uint32_t crc_bitwise(uint32_t crc, const uint8_t *p, size_t len)
{
	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

TEST(crc32_sliced_equals_bitwise)
{
	static uint8_t buf[4096 + 17];
	uint32_t x = 12345;
	for (size_t i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (uint8_t)(x >> 16);
	}
	for (size_t len = 0; len < 40; len++)
		for (size_t off = 0; off < 9; off++)
			CHECK(frame_crc32(7, buf + off, len) == crc_bitwise(7, buf + off, len));
	CHECK(frame_crc32(0, buf + 3, 4096) == crc_bitwise(0, buf + 3, 4096));
	CHECK(frame_crc32(frame_crc32(0, buf, 1001), buf + 1001, 3095) ==
	      crc_bitwise(0, buf, 4096));
}

TEST(crc32_known_vector)
{
	/* The standard check value of CRC-32/IEEE for "123456789". */
	CHECK(frame_crc32(0, "123456789", 9) == 0xCBF43926u);
	CHECK(frame_crc32(0, "", 0) == 0);
	/* Running form: two halves give the same result as the whole. */
	CHECK(frame_crc32(frame_crc32(0, "12345", 5), "6789", 4) == 0xCBF43926u);
}

TEST(frame_roundtrip_all_lengths)
{
	uint8_t buf[FRAME_WIRE_MAX];
	struct frame_hdr h;
	const uint8_t *payload;

	for (size_t len = 0; len <= FRAME_PAYLOAD_MAX; len += 13) {
		size_t n = sample_frame(buf, sizeof buf, len);
		REQUIRE(n >= FRAME_WIRE_MIN);
		REQUIRE(frame_decode(buf, n, 7, 3, &h, &payload, NULL) == FRAME_OK);
		CHECK(h.len == len && h.type == FRAME_TYPE_PING);
		CHECK(h.cluster == 7 && h.src == 3 && h.dst == FRAME_NODE_ALL);
		CHECK(h.seq == 0xdeadbeef && h.gtime == 0x0102030405060708ull);
		for (size_t i = 0; i < len; i++)
			CHECK(payload[i] == (uint8_t)(i * 7 + 1));
	}
}

TEST(frame_encode_limits)
{
	uint8_t buf[FRAME_WIRE_MAX];
	struct frame_hdr h = sample_hdr();

	CHECK(sample_frame(buf, sizeof buf, FRAME_PAYLOAD_MAX) == FRAME_WIRE_MAX);
	CHECK(frame_encode(buf, sizeof buf, mac_all, mac_a, &h, buf,
	                   FRAME_PAYLOAD_MAX + 1) == 0);
	CHECK(frame_encode(buf, 59, mac_all, mac_a, &h, NULL, 0) == 0);
	/* Short frames are padded with zeros to the Ethernet minimum. */
	CHECK(sample_frame(buf, sizeof buf, 0) == FRAME_WIRE_MIN);
	CHECK(buf[FRAME_WIRE_MIN - 1] == 0);
}

static enum frame_verdict decode_counted(uint8_t *buf, size_t n,
                                         struct frame_counters *c)
{
	struct frame_hdr h;
	const uint8_t *payload;

	return frame_decode(buf, n, 7, 3, &h, &payload, c);
}

TEST(frame_rejects_each_reason)
{
	uint8_t buf[FRAME_WIRE_MAX + 8], good[FRAME_WIRE_MAX];
	struct frame_counters c = {0};
	size_t n = sample_frame(good, sizeof good, 100);
	uint8_t *ph = buf + FRAME_ETH_HDR_LEN;

#define MUTATE(stmt, len, want)                                   \
	do {                                                      \
		memcpy(buf, good, n);                             \
		stmt;                                             \
		CHECK(decode_counted(buf, len, &c) == (want));    \
	} while (0)

	MUTATE((void)0, n, FRAME_OK);
	MUTATE((void)0, FRAME_ETH_HDR_LEN + FRAME_HDR_LEN - 1, FRAME_REJ_SHORT);
	MUTATE((void)0, FRAME_WIRE_MAX + 1, FRAME_REJ_OVERSIZE);
	MUTATE(buf[12] = 0x08, n, FRAME_REJ_ETHERTYPE);
	MUTATE(ph[0] ^= 1, n, FRAME_REJ_MAGIC);
	MUTATE(ph[2] = 9, n, FRAME_REJ_VERSION);
	MUTATE(frame_put16(ph + 10, 99), n, FRAME_REJ_CRC); /* lies short */
	MUTATE(frame_put16(ph + 10, 2000), n, FRAME_REJ_LENGTH);
	MUTATE((void)0, FRAME_ETH_HDR_LEN + FRAME_HDR_LEN + 99, FRAME_REJ_LENGTH);
	MUTATE(ph[FRAME_HDR_LEN + 5] ^= 0x40, n, FRAME_REJ_CRC);
#undef MUTATE
	CHECK(c.accepted == 1);
	CHECK(c.rejected[FRAME_REJ_SHORT] == 1);
	CHECK(c.rejected[FRAME_REJ_OVERSIZE] == 1);
	CHECK(c.rejected[FRAME_REJ_ETHERTYPE] == 1);
	CHECK(c.rejected[FRAME_REJ_MAGIC] == 1);
	CHECK(c.rejected[FRAME_REJ_VERSION] == 1);
	CHECK(c.rejected[FRAME_REJ_LENGTH] == 2);
	CHECK(c.rejected[FRAME_REJ_CRC] == 2);
}

TEST(frame_rejects_cluster_and_node)
{
	uint8_t buf[FRAME_WIRE_MAX];
	struct frame_hdr h = sample_hdr(), out;
	const uint8_t *payload;
	size_t n;

	n = frame_encode(buf, sizeof buf, mac_all, mac_a, &h, "x", 1);
	CHECK(frame_decode(buf, n, 8, 3, &out, &payload, NULL) == FRAME_REJ_CLUSTER);
	h.dst = 4;
	n = frame_encode(buf, sizeof buf, mac_all, mac_a, &h, "x", 1);
	memset(&out, 0, sizeof out);
	CHECK(frame_decode(buf, n, 7, 3, &out, &payload, NULL) == FRAME_REJ_NODE);
	/* ... with the header filled, for a snooper on the receive path */
	CHECK(out.dst == 4 && out.type == h.type && out.len == 1 && payload[0] == 'x');
	CHECK(frame_decode(buf, n, 7, 4, &out, &payload, NULL) == FRAME_OK);
	/* A snooper passes FRAME_NODE_ALL and sees every destination. */
	CHECK(frame_decode(buf, n, 7, FRAME_NODE_ALL, &out, &payload, NULL) ==
	      FRAME_OK);
	h.src = FRAME_NODE_ALL;
	n = frame_encode(buf, sizeof buf, mac_all, mac_a, &h, "x", 1);
	CHECK(frame_decode(buf, n, 7, 4, &out, &payload, NULL) == FRAME_REJ_NODE);
}

/* xorshift64: deterministic noise for the mutation flood. */
static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

TEST(frame_mutation_flood_never_misparses)
{
	uint8_t good[FRAME_WIRE_MAX], buf[FRAME_WIRE_MAX];
	struct frame_counters c = {0};
	uint64_t seed = 0x9e3779b97f4a7c15ull;
	size_t n = sample_frame(good, sizeof good, 300);
	int accepted_changed = 0;

	for (int i = 0; i < 100000; i++) {
		size_t len = n;
		memcpy(buf, good, n);
		int flips = 1 + (int)(next_random(&seed) % 4);
		for (int f = 0; f < flips; f++)
			buf[next_random(&seed) % n] ^=
				(uint8_t)(1 + next_random(&seed) % 255);
		if (next_random(&seed) % 4 == 0)
			len = next_random(&seed) % (n + 1);
		if (decode_counted(buf, len, &c) == FRAME_OK &&
		    memcmp(buf + 14, good + 14, 28 + 300) != 0)
			accepted_changed++;
	}
	/* Only flips in the MAC addresses or the padding may pass. */
	CHECK(accepted_changed == 0);
	CHECK(c.accepted + c.rejected[FRAME_REJ_SHORT] + c.rejected[FRAME_REJ_CRC] +
	      c.rejected[FRAME_REJ_LENGTH] + c.rejected[FRAME_REJ_MAGIC] +
	      c.rejected[FRAME_REJ_VERSION] + c.rejected[FRAME_REJ_ETHERTYPE] +
	      c.rejected[FRAME_REJ_CLUSTER] + c.rejected[FRAME_REJ_NODE] ==
	      100000u);
}

TEST(frame_verdict_names)
{
	CHECK(strcmp(frame_verdict_name(FRAME_OK), "ok") == 0);
	CHECK(strcmp(frame_verdict_name(FRAME_REJ_CRC), "crc") == 0);
	CHECK(strcmp(frame_verdict_name(FRAME_NVERDICTS), "unknown") == 0);
	for (int v = 0; v < FRAME_NVERDICTS; v++)
		CHECK(frame_verdict_name((enum frame_verdict)v) != NULL);
}
