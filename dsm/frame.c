/*
 * frame.c: encode and decode plurix frames (format drawn in frame.h).
 *
 * Owns nothing but the codec: no state, no I/O. Portable; runs in the kernel's
 * receive path (so: no allocation, bounded work) and on the host. The decoder
 * checks everything before it fills anything in, and reports one verdict.
 */
#include "dsm/frame.h"

/* Offsets inside the plurix header (after the 14-byte Ethernet header). */
enum {
	OFF_MAGIC = 0,
	OFF_VERSION = 2,
	OFF_TYPE = 3,
	OFF_CLUSTER = 4,
	OFF_SRC = 6,
	OFF_DST = 8,
	OFF_LEN = 10,
	OFF_SEQ = 12,
	OFF_GTIME = 16,
	OFF_CRC = 24,
};
_Static_assert(OFF_CRC + 4 == FRAME_HDR_LEN, "header offsets");

/* CRC-32 (reflected, polynomial 0xEDB88320), eight bytes a step ("slicing
 * by 8"). crc_table[0] is computed by the compiler: entry n is n shifted
 * through the polynomial 8 times (CRC_BIT is one step of the bitwise
 * algorithm); table k is table k-1 shifted one more byte, filled in on the
 * first call (the same values whoever computes them, so a race is benign).
 * Every page a node serves, and every page a PageServer writes or reads, is
 * summed: eight bytes a step costs about a third of one byte a step. */
#define CRC_BIT(c)  (((c) >> 1) ^ (0xEDB88320u & (0u - ((c) & 1u))))
#define CRC_BYTE(n) CRC_BIT(CRC_BIT(CRC_BIT(CRC_BIT(CRC_BIT(CRC_BIT(CRC_BIT(CRC_BIT( \
			(uint32_t)(n)))))))))
#define CRC_4(n)    CRC_BYTE(n), CRC_BYTE(n + 1), CRC_BYTE(n + 2), CRC_BYTE(n + 3)
#define CRC_16(n)   CRC_4(n), CRC_4(n + 4), CRC_4(n + 8), CRC_4(n + 12)
#define CRC_64(n)   CRC_16(n), CRC_16(n + 16), CRC_16(n + 32), CRC_16(n + 48)

static uint32_t crc_table[8][256] = { { CRC_64(0), CRC_64(64), CRC_64(128), CRC_64(192) } };
static volatile int crc_sliced;

static void crc_slices(void)
{
	for (int k = 1; k < 8; k++)
		for (int n = 0; n < 256; n++) {
			uint32_t c = crc_table[k - 1][n];
			crc_table[k][n] = (c >> 8) ^ crc_table[0][c & 0xFFu];
		}
	crc_sliced = 1;
}

static uint32_t crc_le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint32_t frame_crc32(uint32_t crc, const void *data, size_t len)
{
	const uint32_t (*t)[256] = (const uint32_t (*)[256])crc_table;
	const uint8_t *p = data;

	if (!crc_sliced)
		crc_slices();
	crc = ~crc;
	for (; len >= 8; p += 8, len -= 8) {
		uint32_t a = crc ^ crc_le32(p), b = crc_le32(p + 4);
		crc = t[7][a & 0xFFu] ^ t[6][(a >> 8) & 0xFFu] ^ t[5][(a >> 16) & 0xFFu] ^
		      t[4][a >> 24] ^ t[3][b & 0xFFu] ^ t[2][(b >> 8) & 0xFFu] ^
		      t[1][(b >> 16) & 0xFFu] ^ t[0][b >> 24];
	}
	for (; len; p++, len--)
		crc = t[0][(crc ^ *p) & 0xFFu] ^ (crc >> 8);
	return ~crc;
}

/* CRC over the plurix header (crc field taken as zero) and the payload. */
static uint32_t frame_checksum(const uint8_t *hdr, const uint8_t *payload,
                               size_t len)
{
	static const uint8_t zero[4];
	uint32_t crc = frame_crc32(0, hdr, OFF_CRC);

	crc = frame_crc32(crc, zero, sizeof zero);
	return frame_crc32(crc, payload, len);
}

static void frame_copy(uint8_t *dst, const void *src, size_t n)
{
	const uint8_t *s = src;

	for (size_t i = 0; i < n; i++)
		dst[i] = s[i];
}

size_t frame_encode(uint8_t *buf, size_t cap, const uint8_t dst_mac[6],
                    const uint8_t src_mac[6], const struct frame_hdr *hdr,
                    const void *payload, size_t len)
{
	size_t total = FRAME_ETH_HDR_LEN + FRAME_HDR_LEN + len;
	size_t wire = total < FRAME_WIRE_MIN ? FRAME_WIRE_MIN : total;
	uint8_t *ph = buf + FRAME_ETH_HDR_LEN;

	if (len > FRAME_PAYLOAD_MAX || cap < wire)
		return 0;
	frame_copy(buf, dst_mac, 6);
	frame_copy(buf + 6, src_mac, 6);
	buf[12] = (uint8_t)(FRAME_ETHERTYPE >> 8);
	buf[13] = (uint8_t)FRAME_ETHERTYPE;
	frame_put16(ph + OFF_MAGIC, FRAME_MAGIC);
	ph[OFF_VERSION] = FRAME_VERSION;
	ph[OFF_TYPE] = hdr->type;
	frame_put16(ph + OFF_CLUSTER, hdr->cluster);
	frame_put16(ph + OFF_SRC, hdr->src);
	frame_put16(ph + OFF_DST, hdr->dst);
	frame_put16(ph + OFF_LEN, (uint16_t)len);
	frame_put32(ph + OFF_SEQ, hdr->seq);
	frame_put64(ph + OFF_GTIME, hdr->gtime);
	if (len)
		frame_copy(ph + FRAME_HDR_LEN, payload, len);
	frame_put32(ph + OFF_CRC, frame_checksum(ph, ph + FRAME_HDR_LEN, len));
	for (size_t i = total; i < wire; i++)
		buf[i] = 0;
	return wire;
}

/* Every check that needs no field of the header beyond the fixed ones. */
static enum frame_verdict frame_check(const uint8_t *buf, size_t n,
                                      uint16_t my_cluster, uint16_t my_node)
{
	const uint8_t *ph = buf + FRAME_ETH_HDR_LEN;
	uint16_t len, src, dst;

	if (n > FRAME_WIRE_MAX)
		return FRAME_REJ_OVERSIZE;
	if (n < FRAME_ETH_HDR_LEN + FRAME_HDR_LEN)
		return FRAME_REJ_SHORT;
	if (((uint16_t)buf[12] << 8 | buf[13]) != FRAME_ETHERTYPE)
		return FRAME_REJ_ETHERTYPE;
	if (frame_get16(ph + OFF_MAGIC) != FRAME_MAGIC)
		return FRAME_REJ_MAGIC;
	if (ph[OFF_VERSION] != FRAME_VERSION)
		return FRAME_REJ_VERSION;
	len = frame_get16(ph + OFF_LEN);
	if (len > FRAME_PAYLOAD_MAX ||
	    len > n - FRAME_ETH_HDR_LEN - FRAME_HDR_LEN)
		return FRAME_REJ_LENGTH;
	if (frame_get32(ph + OFF_CRC) !=
	    frame_checksum(ph, ph + FRAME_HDR_LEN, len))
		return FRAME_REJ_CRC;
	if (frame_get16(ph + OFF_CLUSTER) != my_cluster)
		return FRAME_REJ_CLUSTER;
	src = frame_get16(ph + OFF_SRC);
	dst = frame_get16(ph + OFF_DST);
	if (src > FRAME_NODE_MAX)
		return FRAME_REJ_NODE;
	if (my_node != FRAME_NODE_ALL && dst != my_node && dst != FRAME_NODE_ALL)
		return FRAME_REJ_NODE;
	return FRAME_OK;
}

enum frame_verdict frame_decode(const uint8_t *buf, size_t n, uint16_t my_cluster,
                                uint16_t my_node, struct frame_hdr *hdr,
                                const uint8_t **payload,
                                struct frame_counters *counters)
{
	const uint8_t *ph = buf + FRAME_ETH_HDR_LEN;
	enum frame_verdict v = frame_check(buf, n, my_cluster, my_node);

	if (counters) {
		if (v == FRAME_OK)
			counters->accepted++;
		else
			counters->rejected[v]++;
	}
	if (v != FRAME_OK && v != FRAME_REJ_NODE)
		return v;
	hdr->type = ph[OFF_TYPE];
	hdr->cluster = frame_get16(ph + OFF_CLUSTER);
	hdr->src = frame_get16(ph + OFF_SRC);
	hdr->dst = frame_get16(ph + OFF_DST);
	hdr->len = frame_get16(ph + OFF_LEN);
	hdr->seq = frame_get32(ph + OFF_SEQ);
	hdr->gtime = frame_get64(ph + OFF_GTIME);
	*payload = ph + FRAME_HDR_LEN;
	return v;
}

const char *frame_verdict_name(enum frame_verdict v)
{
	static const char *const names[FRAME_NVERDICTS] = {
		[FRAME_OK] = "ok",
		[FRAME_REJ_SHORT] = "short",
		[FRAME_REJ_OVERSIZE] = "oversize",
		[FRAME_REJ_ETHERTYPE] = "ethertype",
		[FRAME_REJ_MAGIC] = "magic",
		[FRAME_REJ_VERSION] = "version",
		[FRAME_REJ_CLUSTER] = "cluster",
		[FRAME_REJ_LENGTH] = "length",
		[FRAME_REJ_CRC] = "crc",
		[FRAME_REJ_NODE] = "node",
	};

	if ((unsigned)v >= FRAME_NVERDICTS)
		return "unknown";
	return names[v];
}
