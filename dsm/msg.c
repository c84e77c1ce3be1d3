/*
 * msg.c: payload codecs of the DSM messages listed in proto.h. No state, no
 * I/O. Decoding checks the length of the fixed part, then the count of the
 * variable body against what arrived and against the limits, before it
 * returns; a malformed payload is rejected, never trusted.
 */
#include "dsm/proto.h"
#include "dsm/lib.h"

static const uint8_t msg_fixed_len[DSM_MSG_LAST - DSM_MSG_PAGE_REQ] = {
	DSM_PL_PAGE_REQ, DSM_PL_PAGE_DATA, DSM_PL_PAGE_STALE, DSM_PL_JOIN_REQ,
	DSM_PL_JOIN_ACK, DSM_PL_TOKEN_REQ, DSM_PL_TOKEN_GRANT, DSM_PL_COMMIT_REQ,
	DSM_PL_TOKEN_KEEP, DSM_PL_COMMIT, DSM_PL_COMMIT_ACK, DSM_PL_COMMIT_REJECT,
	DSM_PL_TOKEN_RETURN, DSM_PL_RECOVER_REQ, DSM_PL_RECOVER_ACK, DSM_PL_BEACON,
	DSM_PL_RESTORE_REQ, DSM_PL_RESTORE_ACK, DSM_PL_CKPT_ASK, DSM_PL_CKPT_DONE,
	DSM_PL_LOST, DSM_PL_RESET, DSM_PL_TIME_REQ, DSM_PL_TIME_ACK,
};

/* Bytes of variable body for this message, from its count. */
static size_t msg_body_len(const struct dsm_msg *m)
{
	switch (m->type) {
	case DSM_MSG_COMMIT_REQ:
	case DSM_MSG_COMMIT:
		return (size_t)m->count * 4u;
	case DSM_MSG_PAGE_DATA:
	case DSM_MSG_RECOVER_ACK:
		return m->count;
	default:
		return 0;
	}
}

static void msg_put_fixed(const struct dsm_msg *m, uint8_t *p)
{
	switch (m->type) {
	case DSM_MSG_PAGE_REQ:
		frame_put32(p, m->page); frame_put32(p + 4, m->id); break;
	case DSM_MSG_PAGE_DATA:
		frame_put32(p, m->page); frame_put32(p + 4, m->id);
		frame_put64(p + 8, m->v); frame_put64(p + 16, m->t);
		p[24] = m->part; p[25] = m->nparts; frame_put16(p + 26, m->count); break;
	case DSM_MSG_PAGE_STALE:
		frame_put32(p, m->page); frame_put32(p + 4, m->id);
		frame_put64(p + 8, m->v); frame_put64(p + 16, m->t); break;
	case DSM_MSG_JOIN_REQ:
	case DSM_MSG_RESTORE_REQ:
	case DSM_MSG_CKPT_ASK:
	case DSM_MSG_TIME_REQ:
		frame_put32(p, m->id); break;
	case DSM_MSG_TIME_ACK:
		frame_put32(p, m->id); frame_put64(p + 4, m->t); break;
	case DSM_MSG_LOST:
		frame_put32(p, m->page); break;
	case DSM_MSG_RESET:
		frame_put64(p, m->t); frame_put64(p + 8, m->v); frame_put32(p + 16, m->page);
		frame_put16(p + 20, m->node); p[22] = m->flags; break;
	case DSM_MSG_TOKEN_KEEP:
	case DSM_MSG_COMMIT_REJECT:
		frame_put32(p, m->grant); break;
	case DSM_MSG_RESTORE_ACK:
	case DSM_MSG_CKPT_DONE:
		frame_put32(p, m->id); frame_put64(p + 4, m->t); frame_put32(p + 12, m->page);
		p[16] = m->flags; break;
	case DSM_MSG_JOIN_ACK:
		frame_put32(p, m->id); frame_put64(p + 4, m->t);
		frame_put16(p + 12, m->node); frame_put32(p + 14, m->page);
		frame_put64(p + 18, m->v); frame_put64(p + 26, m->w); break;
	case DSM_MSG_TOKEN_REQ:
		frame_put32(p, m->id); p[4] = m->flags; break;
	case DSM_MSG_TOKEN_GRANT:
		frame_put32(p, m->id); frame_put32(p + 4, m->grant); frame_put64(p + 8, m->v); break;
	case DSM_MSG_COMMIT_REQ:
		frame_put32(p, m->grant); p[4] = m->part; p[5] = m->nparts;
		frame_put16(p + 6, m->count); break;
	case DSM_MSG_COMMIT:
		frame_put64(p, m->t); frame_put32(p + 8, m->grant); frame_put16(p + 12, m->node);
		p[14] = m->part; p[15] = m->nparts; frame_put16(p + 16, m->count); break;
	case DSM_MSG_COMMIT_ACK:
		frame_put32(p, m->grant); frame_put64(p + 4, m->t); break;
	case DSM_MSG_TOKEN_RETURN:
		frame_put32(p, m->id); frame_put32(p + 4, m->grant); break;
	case DSM_MSG_RECOVER_REQ:
		frame_put32(p, m->id); frame_put64(p + 4, m->v); p[12] = m->flags; break;
	case DSM_MSG_RECOVER_ACK:
		frame_put32(p, m->id); frame_put64(p + 4, m->t); frame_put32(p + 12, m->grant);
		frame_put64(p + 16, m->v); frame_put32(p + 24, m->page);
		p[28] = m->part; p[29] = m->nparts; frame_put16(p + 30, m->span);
		frame_put16(p + 32, m->count); p[34] = m->flags; break;
	case DSM_MSG_BEACON:
		frame_put64(p, m->t); p[8] = m->flags; frame_put64(p + 9, m->v); break;
	default:
		break;
	}
}

size_t dsm_msg_encode(const struct dsm_msg *m, uint8_t *buf)
{
	if (m->type < DSM_MSG_PAGE_REQ || m->type >= DSM_MSG_LAST)
		return 0;
	size_t fixed = msg_fixed_len[m->type - DSM_MSG_PAGE_REQ];
	size_t body = msg_body_len(m);
	if (fixed + body > FRAME_PAYLOAD_MAX)
		return 0;
	msg_put_fixed(m, buf);
	if (body)
		memcpy(buf + fixed, m->body, body);
	return fixed + body;
}

static void msg_get_fixed(struct dsm_msg *m, const uint8_t *p)
{
	switch (m->type) {
	case DSM_MSG_PAGE_REQ:
		m->page = frame_get32(p); m->id = frame_get32(p + 4); break;
	case DSM_MSG_PAGE_DATA:
		m->page = frame_get32(p); m->id = frame_get32(p + 4);
		m->v = frame_get64(p + 8); m->t = frame_get64(p + 16);
		m->part = p[24]; m->nparts = p[25]; m->count = frame_get16(p + 26); break;
	case DSM_MSG_PAGE_STALE:
		m->page = frame_get32(p); m->id = frame_get32(p + 4);
		m->v = frame_get64(p + 8); m->t = frame_get64(p + 16); break;
	case DSM_MSG_JOIN_REQ:
	case DSM_MSG_RESTORE_REQ:
	case DSM_MSG_CKPT_ASK:
	case DSM_MSG_TIME_REQ:
		m->id = frame_get32(p); break;
	case DSM_MSG_TIME_ACK:
		m->id = frame_get32(p); m->t = frame_get64(p + 4); break;
	case DSM_MSG_LOST:
		m->page = frame_get32(p); break;
	case DSM_MSG_RESET:
		m->t = frame_get64(p); m->v = frame_get64(p + 8); m->page = frame_get32(p + 16);
		m->node = frame_get16(p + 20); m->flags = p[22]; break;
	case DSM_MSG_RESTORE_ACK:
	case DSM_MSG_CKPT_DONE:
		m->id = frame_get32(p); m->t = frame_get64(p + 4); m->page = frame_get32(p + 12);
		m->flags = p[16]; break;
	case DSM_MSG_TOKEN_KEEP:
	case DSM_MSG_COMMIT_REJECT:
		m->grant = frame_get32(p); break;
	case DSM_MSG_JOIN_ACK:
		m->id = frame_get32(p); m->t = frame_get64(p + 4);
		m->node = frame_get16(p + 12); m->page = frame_get32(p + 14);
		m->v = frame_get64(p + 18); m->w = frame_get64(p + 26); break;
	case DSM_MSG_TOKEN_REQ:
		m->id = frame_get32(p); m->flags = p[4]; break;
	case DSM_MSG_TOKEN_GRANT:
		m->id = frame_get32(p); m->grant = frame_get32(p + 4); m->v = frame_get64(p + 8); break;
	case DSM_MSG_COMMIT_REQ:
		m->grant = frame_get32(p); m->part = p[4]; m->nparts = p[5];
		m->count = frame_get16(p + 6); break;
	case DSM_MSG_COMMIT:
		m->t = frame_get64(p); m->grant = frame_get32(p + 8); m->node = frame_get16(p + 12);
		m->part = p[14]; m->nparts = p[15]; m->count = frame_get16(p + 16); break;
	case DSM_MSG_COMMIT_ACK:
		m->grant = frame_get32(p); m->t = frame_get64(p + 4); break;
	case DSM_MSG_TOKEN_RETURN:
		m->id = frame_get32(p); m->grant = frame_get32(p + 4); break;
	case DSM_MSG_RECOVER_REQ:
		m->id = frame_get32(p); m->v = frame_get64(p + 4); m->flags = p[12]; break;
	case DSM_MSG_RECOVER_ACK:
		m->id = frame_get32(p); m->t = frame_get64(p + 4); m->grant = frame_get32(p + 12);
		m->v = frame_get64(p + 16); m->page = frame_get32(p + 24);
		m->part = p[28]; m->nparts = p[29]; m->span = frame_get16(p + 30);
		m->count = frame_get16(p + 32); m->flags = p[34]; break;
	case DSM_MSG_BEACON:
		m->t = frame_get64(p); m->flags = p[8]; m->v = frame_get64(p + 9); break;
	default:
		break;
	}
}

/* A RecoverAck part: part k of a heap of `page` pages covers pages
 * [k * span, min((k + 1) * span, page)), one bit each. */
static bool recover_part_ok(const struct dsm_msg *m)
{
	if (m->page == 0 || m->page > DSM_PAGES_MAX || m->span == 0 ||
	    m->span > DSM_RECOVER_SPAN || m->span % 8u != 0)
		return false;
	uint32_t nparts = (m->page + m->span - 1u) / m->span;
	if (nparts > 32u || m->nparts != nparts || m->part >= nparts)
		return false;
	uint32_t first = (uint32_t)m->part * m->span;
	uint32_t pages = m->page - first < m->span ? m->page - first : m->span;
	return m->count == (pages + 7u) / 8u;
}

/* Limits on the variable part, checked before anything uses it. */
static bool msg_counts_ok(const struct dsm_msg *m)
{
	switch (m->type) {
	case DSM_MSG_PAGE_DATA:
		return m->nparts == DSM_DATA_PARTS && m->part < DSM_DATA_PARTS &&
		       (uint32_t)m->part * DSM_DATA_CHUNK + m->count ==
			       (m->part + 1u == DSM_DATA_PARTS ? DSM_PAGE_SIZE
							      : (m->part + 1u) * DSM_DATA_CHUNK);
	case DSM_MSG_COMMIT_REQ:
	case DSM_MSG_COMMIT:
		return m->count <= DSM_PART_PAGES_MAX && m->nparts >= 1 &&
		       m->nparts <= 32 && m->part < m->nparts;
	case DSM_MSG_RECOVER_ACK:
		return recover_part_ok(m);
	default:
		return true;
	}
}

bool dsm_msg_decode(uint8_t type, const uint8_t *p, size_t len, struct dsm_msg *m)
{
	memset(m, 0, sizeof(*m));
	if (type < DSM_MSG_PAGE_REQ || type >= DSM_MSG_LAST)
		return false;
	size_t fixed = msg_fixed_len[type - DSM_MSG_PAGE_REQ];
	if (len < fixed)
		return false;
	m->type = type;
	msg_get_fixed(m, p);
	if (!msg_counts_ok(m) || len != fixed + msg_body_len(m))
		return false;
	m->body = p + fixed;
	return true;
}
