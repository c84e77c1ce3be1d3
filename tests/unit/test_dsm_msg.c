/*
 * test_dsm_msg.c: the DSM payload codecs (dsm/msg.c): every message type
 * round-trips, and malformed payloads (short, long, bad counts) are rejected.
 */
#include <string.h>

#include "dsm/proto.h"
#include "tests/unit/check.h"

static uint8_t rt_buf[FRAME_PAYLOAD_MAX];  /* out->body points in here */

static bool roundtrip(const struct dsm_msg *in, struct dsm_msg *out)
{
	uint8_t *buf = rt_buf;
	size_t len = dsm_msg_encode(in, buf);
	return len > 0 && dsm_msg_decode(in->type, buf, len, out);
}

TEST(dsm_msg_commit_roundtrip)
{
	uint8_t body[12];
	for (int i = 0; i < 3; i++)
		frame_put32(body + 4 * i, (uint32_t)(100 + i));
	struct dsm_msg m = {.type = DSM_MSG_COMMIT, .t = 0x1122334455667788ull, .grant = 77,
			    .node = 5, .part = 1, .nparts = 2, .count = 3, .body = body}, o;
	REQUIRE(roundtrip(&m, &o));
	CHECK(o.t == m.t && o.grant == 77 && o.node == 5 && o.part == 1 && o.nparts == 2);
	CHECK(o.count == 3 && frame_get32(o.body + 8) == 102);
}

TEST(dsm_msg_page_data_roundtrip)
{
	static uint8_t page[DSM_PAGE_SIZE];
	for (size_t i = 0; i < sizeof(page); i++)
		page[i] = (uint8_t)i;
	struct dsm_msg m = {.type = DSM_MSG_PAGE_DATA, .page = 9, .id = 4, .v = 3, .t = 8,
			    .part = 2, .nparts = DSM_DATA_PARTS,
			    .count = DSM_PAGE_SIZE - 2 * DSM_DATA_CHUNK,
			    .body = page + 2 * DSM_DATA_CHUNK}, o;
	REQUIRE(roundtrip(&m, &o));
	CHECK(o.page == 9 && o.id == 4 && o.v == 3 && o.t == 8 && o.part == 2);
	CHECK(memcmp(o.body, page + 2 * DSM_DATA_CHUNK, o.count) == 0);
	m.count = 10;   /* a part that does not end where the page layout says */
	uint8_t buf[FRAME_PAYLOAD_MAX];
	size_t len = dsm_msg_encode(&m, buf);
	CHECK(len > 0 && !dsm_msg_decode(m.type, buf, len, &o));
}

/* proto.h 11 and 7.6: a takeover's Reset keeps its flags and epoch time;
 * a JoinAck carries the last reset and its image. */
TEST(dsm_msg_takeover_fields_roundtrip)
{
	uint64_t t1 = (uint64_t)1 << DSM_EPOCH_SHIFT;
	struct dsm_msg r = {.type = DSM_MSG_RESET, .t = t1, .v = 57, .page = 65536, .node = 0,
			    .flags = DSM_RESET_TAKEOVER | DSM_RESET_REMINDER}, o;
	REQUIRE(roundtrip(&r, &o));
	CHECK(o.t == t1 && o.v == 57 && o.page == 65536 && o.node == 0);
	CHECK(o.flags == (DSM_RESET_TAKEOVER | DSM_RESET_REMINDER));
	struct dsm_msg j = {.type = DSM_MSG_JOIN_ACK, .id = 7, .t = t1 + 9, .node = 3,
			    .page = 65536, .v = t1, .w = 57};
	REQUIRE(roundtrip(&j, &o));
	CHECK(o.t == t1 + 9 && o.node == 3 && o.v == t1 && o.w == 57);
}

/* proto.h 3.9: a TimeAck carries the attempt and the manager's time. */
TEST(dsm_msg_time_check_roundtrip)
{
	uint64_t t = ((uint64_t)3 << DSM_EPOCH_SHIFT) + 41;
	struct dsm_msg q = {.type = DSM_MSG_TIME_REQ, .id = 77}, a = {.type = DSM_MSG_TIME_ACK,
								      .id = 77, .t = t}, o;
	REQUIRE(roundtrip(&q, &o));
	CHECK(o.id == 77);
	REQUIRE(roundtrip(&a, &o));
	CHECK(o.id == 77 && o.t == t);
}

TEST(dsm_msg_every_type_roundtrips)
{
	static uint8_t bitmap[DSM_PAGE_SIZE];
	for (uint8_t t = DSM_MSG_PAGE_REQ; t < DSM_MSG_LAST; t++) {
		struct dsm_msg m = {.type = t, .page = 3, .id = 0xdeadbeef, .grant = 12, .v = 99,
				    .t = 1000, .node = 2, .flags = 1, .part = 0, .nparts = 1,
				    .count = 0, .body = bitmap}, o;
		if (t == DSM_MSG_PAGE_DATA) {
			m.nparts = DSM_DATA_PARTS;
			m.count = DSM_DATA_CHUNK;
		}
		if (t == DSM_MSG_RECOVER_ACK) {
			m.page = 64;
			m.span = 64;
			m.count = 8;
		}
		REQUIRE(roundtrip(&m, &o));
		CHECK(o.type == t);
	}
}

TEST(dsm_msg_rejects_malformed)
{
	uint8_t buf[FRAME_PAYLOAD_MAX] = {0};
	static const uint8_t zeros[DSM_PAGES_MAX / 8 + 8];
	struct dsm_msg o;
	CHECK(!dsm_msg_decode(DSM_MSG_PAGE_REQ, buf, DSM_PL_PAGE_REQ - 1, &o));
	CHECK(!dsm_msg_decode(DSM_MSG_PAGE_REQ, buf, DSM_PL_PAGE_REQ + 1, &o));
	CHECK(!dsm_msg_decode(DSM_MSG_LAST, buf, 8, &o));
	CHECK(!dsm_msg_decode(3, buf, 8, &o));
	/* a commit whose count promises more page numbers than arrived */
	struct dsm_msg m = {.type = DSM_MSG_COMMIT, .nparts = 1, .count = 2, .body = zeros};
	size_t len = dsm_msg_encode(&m, buf);
	CHECK(!dsm_msg_decode(DSM_MSG_COMMIT, buf, len - 4, &o));
	/* part beyond nparts */
	buf[14] = 3;
	buf[15] = 2;
	CHECK(!dsm_msg_decode(DSM_MSG_COMMIT, buf, len, &o));
	/* a recovery bitmap larger than the heap limit */
	m = (struct dsm_msg){.type = DSM_MSG_RECOVER_ACK, .page = DSM_PAGES_MAX + 8,
			     .span = DSM_RECOVER_SPAN, .nparts = DSM_RECOVER_PARTS + 1,
			     .part = DSM_RECOVER_PARTS, .count = 1, .body = zeros};
	len = dsm_msg_encode(&m, buf);
	CHECK(len == 0 || !dsm_msg_decode(DSM_MSG_RECOVER_ACK, buf, len, &o));
}

/* RecoverAck parts: each covers span pages, the last one the rest; the
 * counts, the number of parts and the span must agree, else rejected. */
TEST(dsm_msg_recover_parts)
{
	uint8_t buf[FRAME_PAYLOAD_MAX];
	static const uint8_t zeros[DSM_RECOVER_SPAN / 8];
	struct dsm_msg o;
	struct dsm_msg m = {.type = DSM_MSG_RECOVER_ACK, .page = 20000, .span = 8192,
			    .nparts = 3, .part = 2, .count = (20000 - 16384 + 7) / 8, .body = zeros};
	size_t len = dsm_msg_encode(&m, buf);
	REQUIRE(len > 0);
	REQUIRE(dsm_msg_decode(DSM_MSG_RECOVER_ACK, buf, len, &o));
	CHECK(o.part == 2 && o.nparts == 3 && o.span == 8192 && o.count == 452);
	const struct { uint16_t span; uint8_t part, nparts; uint16_t count; } bad[] = {
		{8192, 1, 3, 452},      /* a middle part must be a whole span */
		{8192, 2, 2, 452},      /* 20000 pages are 3 parts of 8192 */
		{8192, 3, 3, 452},      /* part beyond nparts */
		{100, 0, 200, 13},      /* span not whole bytes */
		{512, 0, 40, 64},       /* more than 32 parts */
		{16384, 0, 2, 1024},    /* span beyond DSM_RECOVER_SPAN */
		{0, 0, 1, 0},           /* no span */
	};
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m.span = bad[i].span;
		m.part = bad[i].part;
		m.nparts = bad[i].nparts;
		m.count = bad[i].count;
		len = dsm_msg_encode(&m, buf);
		CHECK(len == 0 || !dsm_msg_decode(DSM_MSG_RECOVER_ACK, buf, len, &o));
	}
}
