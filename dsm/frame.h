/*
 * frame.h: the plurix frame, the one wire format for everything nodes say to
 * each other. Shared by the kernel, the protocol core, the simulator and the
 * host tools (tools/inject.c builds hostile frames from these definitions).
 *
 * Portable: freestanding headers only. Multi-byte fields are little-endian on
 * the wire and are always written and read byte by byte (frame.c), never by
 * casting a buffer to a struct, so alignment and host byte order never matter.
 *
 *   Ethernet II header (14 bytes)
 *   +0   dst MAC        6   ff:ff:ff:ff:ff:ff or the destination node's MAC
 *   +6   src MAC        6
 *   +12  EtherType      2   0x88B5 (IEEE local experimental), big-endian
 *   plurix header (28 bytes), offsets from the start of the plurix header
 *   +0   magic          2   0x504C ("PL")
 *   +2   version        1   FRAME_VERSION
 *   +3   type           1   enum frame_type
 *   +4   cluster        2   cluster id; frames of another cluster are rejected
 *   +6   src node       2
 *   +8   dst node       2   FRAME_NODE_ALL for broadcast
 *   +10  payload len    2   bytes of payload that follow the header
 *   +12  seq            4   sender's sequence number
 *   +16  gtime          8   sender's 64-bit global time
 *   +24  crc32          4   CRC-32 (IEEE) over the plurix header with this
 *                           field zero, followed by the payload
 *   +28  payload        0..FRAME_PAYLOAD_MAX
 *
 * Ethernet pads short frames to 60 bytes; the padding is ignored, so the
 * decoder accepts a buffer longer than header + payload len, never shorter.
 */
#ifndef PLURIX_DSM_FRAME_H
#define PLURIX_DSM_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_ETHERTYPE    0x88B5u
#define FRAME_MAGIC        0x504Cu
#define FRAME_VERSION      1u
#define FRAME_NODE_ALL     0xFFFFu  /* dst node: every node */
#define FRAME_NODE_MAX     0xFFFEu  /* largest valid node id */

#define FRAME_ETH_HDR_LEN  14u
#define FRAME_HDR_LEN      28u      /* plurix header, after Ethernet */
#define FRAME_MTU          1500u    /* Ethernet payload limit of the bridge */
#define FRAME_PAYLOAD_MAX  (FRAME_MTU - FRAME_HDR_LEN)              /* 1472 */
#define FRAME_WIRE_MAX     (FRAME_ETH_HDR_LEN + FRAME_MTU)          /* 1514 */
#define FRAME_WIRE_MIN     60u      /* Ethernet minimum without FCS */

_Static_assert(FRAME_HDR_LEN == 2 + 1 + 1 + 2 + 2 + 2 + 2 + 4 + 8 + 4,
               "plurix header layout");
_Static_assert(FRAME_PAYLOAD_MAX == 1472, "payload limit");
_Static_assert(FRAME_WIRE_MAX == 1514, "wire limit");

/* Message types. The protocol core adds its own from FRAME_TYPE_DSM_FIRST. */
enum frame_type {
	FRAME_TYPE_PING = 1,       /* payload: opaque bytes, echoed back */
	FRAME_TYPE_PONG = 2,       /* payload: the ping's payload */
	FRAME_TYPE_BENCH = 3,      /* payload: filler; counted and dropped (bench tx) */
	FRAME_TYPE_TRAIN_REQ = 4,  /* payload: token u32, parts u8, part bytes u16 */
	FRAME_TYPE_TRAIN = 5,      /* payload: token u32, index u8, filler: one of parts */
	FRAME_TYPE_DSM_FIRST = 16, /* 16..127: dsm/ and txn/ (dsm/proto.h) */
	FRAME_TYPE_PS_FIRST = 128, /* 128..191: pageserver/ */
	FRAME_TYPE_MAX = 255
};

/* The decoded plurix header. */
struct frame_hdr {
	uint8_t type;
	uint16_t cluster;
	uint16_t src;
	uint16_t dst;
	uint16_t len;      /* payload bytes */
	uint32_t seq;
	uint64_t gtime;
};

/* Why a received buffer was rejected. Each reason has its own counter. */
enum frame_verdict {
	FRAME_OK = 0,
	FRAME_REJ_SHORT,      /* shorter than Ethernet + plurix header */
	FRAME_REJ_OVERSIZE,   /* longer than FRAME_WIRE_MAX */
	FRAME_REJ_ETHERTYPE,  /* not FRAME_ETHERTYPE */
	FRAME_REJ_MAGIC,
	FRAME_REJ_VERSION,
	FRAME_REJ_CLUSTER,    /* another cluster's frame */
	FRAME_REJ_LENGTH,     /* payload len larger than what arrived or than the max */
	FRAME_REJ_CRC,
	FRAME_REJ_NODE,       /* src is not a valid node id, or dst is neither us nor all */
	FRAME_NVERDICTS
};

struct frame_counters {
	uint32_t accepted;
	uint32_t rejected[FRAME_NVERDICTS]; /* index FRAME_OK unused */
};

/* CRC-32 (IEEE 802.3, reflected, poly 0xEDB88320). Continue a running crc by
 * passing the previous result; start with 0. */
uint32_t frame_crc32(uint32_t crc, const void *data, size_t len);

/*
 * Encode one frame into buf (capacity cap): Ethernet header, plurix header
 * (hdr->len is taken from len), payload, CRC. Returns the number of bytes to
 * transmit (padded with zeros to FRAME_WIRE_MIN), or 0 if len exceeds
 * FRAME_PAYLOAD_MAX or cap is too small. Never writes past cap.
 */
size_t frame_encode(uint8_t *buf, size_t cap, const uint8_t dst_mac[6],
                    const uint8_t src_mac[6], const struct frame_hdr *hdr,
                    const void *payload, size_t len);

/*
 * Decode and check a received buffer of n bytes, trusting nothing in it.
 * my_cluster: frames of another cluster are rejected. my_node: a frame whose
 * dst is neither my_node nor FRAME_NODE_ALL is rejected as FRAME_REJ_NODE
 * (pass FRAME_NODE_ALL to accept every destination, as a snooper does).
 * On FRAME_OK, *hdr is filled and *payload points into buf; on FRAME_REJ_NODE
 * too (a good frame for another node, which a snooper may want). If counters is not
 * NULL the verdict is counted there. No side effect other than the counter.
 */
enum frame_verdict frame_decode(const uint8_t *buf, size_t n, uint16_t my_cluster,
                                uint16_t my_node, struct frame_hdr *hdr,
                                const uint8_t **payload,
                                struct frame_counters *counters);

/* A short lower-case name for a verdict ("ok", "short", "crc", ...). */
const char *frame_verdict_name(enum frame_verdict v);

/* Byte helpers for little-endian wire fields, used by every codec in the tree. */
static inline void frame_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}
static inline void frame_put32(uint8_t *p, uint32_t v)
{
	frame_put16(p, (uint16_t)v);
	frame_put16(p + 2, (uint16_t)(v >> 16));
}
static inline void frame_put64(uint8_t *p, uint64_t v)
{
	frame_put32(p, (uint32_t)v);
	frame_put32(p + 4, (uint32_t)(v >> 32));
}
static inline uint16_t frame_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}
static inline uint32_t frame_get32(const uint8_t *p)
{
	return (uint32_t)frame_get16(p) | ((uint32_t)frame_get16(p + 2) << 16);
}
static inline uint64_t frame_get64(const uint8_t *p)
{
	return (uint64_t)frame_get32(p) | ((uint64_t)frame_get32(p + 4) << 32);
}

#endif
