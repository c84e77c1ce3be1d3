/*
 * net.c: the plurix frame layer between the RTL8139 driver and its users
 * (see net.h for the interface rules).
 *
 * Owns: the peer table (node -> MAC), the frame counters, the transmit
 * sequence number, the encode buffer and the pong mailbox. The encode
 * buffer is shared by every context, so net_send runs with interrupts off.
 *
 * Receive path, per frame (interrupt context): the one place a received
 * frame is decoded and its CRC checked, with the one set of counters.
 *   1. drop our own frames (a multicast hub loops them back)
 *   2. frame_decode: reject and count, or accept; a PageServer hands good
 *      frames for other nodes to the core's snoop queue (kernel/dsmenv.c)
 *   3. learn src node -> src MAC
 *   4. PING: send PONG with the same payload; PONG: fill the mailbox;
 *      DSM types (16..127): the header and payload queued for the protocol
 *      core (kernel/dsmenv.c), which runs later, outside this interrupt
 */
#include "drivers/rtl8139.h"
#include "kernel/dsmenv.h"
#include "kernel/kernel.h"
#include "kernel/net.h"
#include "kernel/param.h"
#include "kernel/x86.h"

static const uint8_t mac_bcast[6] = { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF };

static uint16_t my_node, my_cluster;
static uint8_t my_mac[6];
static uint32_t tx_seq;
static uint8_t txbuf[FRAME_WIRE_MAX];
static struct frame_counters counters;
static struct net_stats st;

static struct {
	uint16_t node;
	uint8_t mac[6];
} peers[NET_PEERS_MAX];
static int snooping;            /* net_snoop: frames for others go to the PageServer */
static int npeers;

/* One answer the shell waits for: armed by the waiter, fired by the receive
 * interrupt with the TSC of the arrival. */
struct waiter {
	volatile int armed;
	volatile int done;
	uint64_t tsc;
};

static struct {
	struct waiter w;
	const uint8_t *payload;
	size_t len;
	uint16_t from;
	uint16_t src;
} mbox;

/* The frame train being waited for (net_train_ask). */
static struct {
	struct waiter w;
	uint32_t token;
	uint32_t want, got;     /* masks of part indexes */
} train;

static void waiter_set(struct waiter *w, int armed)
{
	uint32_t f = irq_save();

	w->done = 0;
	w->armed = armed;
	irq_restore(f);
}

static void waiter_fire(struct waiter *w)
{
	w->tsc = rdtsc();
	w->armed = 0;
	w->done = 1;
}

static int waiter_done(const struct waiter *w, uint64_t *tsc)
{
	if (!w->done)
		return 0;
	*tsc = w->tsc;
	return 1;
}

static int peer_find(uint16_t node)
{
	for (int i = 0; i < npeers; i++)
		if (peers[i].node == node)
			return i;
	return -1;
}

static void peer_learn(uint16_t node, const uint8_t mac[6])
{
	int i = peer_find(node);

	if (i < 0) {
		if (npeers == NET_PEERS_MAX) {
			st.peers_full++;
			return;
		}
		i = npeers++;
		peers[i].node = node;
	}
	memcpy(peers[i].mac, mac, 6);
}

int net_send(uint16_t dst, uint8_t type, const void *payload, size_t len)
{
	struct frame_hdr h = { 0 };
	const uint8_t *dmac = mac_bcast;
	uint32_t f;
	size_t n;
	int i, r;

	if (!rtl8139_present())
		return NET_ERR_NONIC;
	f = irq_save();
	i = dst == FRAME_NODE_ALL ? -1 : peer_find(dst);
	if (i >= 0)
		dmac = peers[i].mac;
	h.type = type;
	h.cluster = my_cluster;
	h.src = my_node;
	h.dst = dst;
	h.seq = tx_seq++;
	h.gtime = 0;            /* only the core's own frames carry the global time */
	n = frame_encode(txbuf, sizeof(txbuf), dmac, my_mac, &h, payload, len);
	r = n == 0 ? NET_ERR_LEN : (rtl8139_send(txbuf, n) < 0 ? NET_ERR_FULL : 0);
	irq_restore(f);
	return r;
}

/* A frame the protocol core encoded (MACs zero): put in our MAC and the
 * destination's (broadcast if unknown or FRAME_NODE_ALL) and send it. */
int net_send_frame(uint16_t dst, const uint8_t *frame, size_t n)
{
	uint32_t f;
	int i, r;

	if (!rtl8139_present())
		return NET_ERR_NONIC;
	if (n < FRAME_ETH_HDR_LEN || n > sizeof(txbuf))
		return NET_ERR_LEN;
	f = irq_save();
	i = dst == FRAME_NODE_ALL ? -1 : peer_find(dst);
	memcpy(txbuf, frame, n);
	memcpy(txbuf, i >= 0 ? peers[i].mac : mac_bcast, 6);
	memcpy(txbuf + 6, my_mac, 6);
	r = rtl8139_send(txbuf, n) < 0 ? NET_ERR_FULL : 0;
	irq_restore(f);
	return r;
}

/* Answer a TRAIN_REQ: `parts` frames of `bytes` payload, back to back. */
static void net_train_answer(const struct frame_hdr *h, const uint8_t *p)
{
	static uint8_t part[FRAME_PAYLOAD_MAX];
	uint32_t parts = h->len >= 7 ? p[4] : 0, bytes = h->len >= 7 ? frame_get16(p + 5) : 0;

	if (parts == 0 || parts > 8 || bytes < 5 || bytes > FRAME_PAYLOAD_MAX) {
		st.rx_unknown_type++;
		return;
	}
	memcpy(part, p, 4);
	for (uint32_t i = 0; i < parts; i++) {
		part[4] = (uint8_t)i;
		if (net_send(h->src, FRAME_TYPE_TRAIN, part, bytes) != 0)
			st.tx_dropped++;
	}
	st.trains_sent++;
}

static void net_train_part(const struct frame_hdr *h, const uint8_t *p)
{
	if (!train.w.armed || h->len < 5 || frame_get32(p) != train.token || p[4] >= 32)
		return;
	train.got |= 1u << p[4];
	if ((train.got & train.want) == train.want)
		waiter_fire(&train.w);
}

static void net_pong(const struct frame_hdr *h, const uint8_t *payload)
{
	if (mbox.w.armed && h->len == mbox.len &&
	    (mbox.from == FRAME_NODE_ALL || mbox.from == h->src) &&
	    memcmp(payload, mbox.payload, h->len) == 0) {
		mbox.src = h->src;
		waiter_fire(&mbox.w);
	} else {
		st.pongs_unmatched++;
	}
}

/* One of our own frames, looped back by a hub: our MAC and our node id in
 * the src fields. A frame with only our MAC is another node that shares
 * it (two QEMUs left at the default MAC): it is decoded normally. */
static int net_own(const uint8_t *frame, size_t n)
{
	const uint8_t *ph = frame + FRAME_ETH_HDR_LEN;

	return n >= FRAME_ETH_HDR_LEN + FRAME_HDR_LEN &&
	       memcmp(frame + 6, my_mac, 6) == 0 && frame_get16(ph + 6) == my_node;
}

static void net_rx(const uint8_t *frame, size_t n)
{
	enum frame_verdict v;
	struct frame_hdr h;
	const uint8_t *payload;

	if (net_own(frame, n)) {
		st.rx_own++;
		return;
	}
	v = frame_decode(frame, n, my_cluster, my_node, &h, &payload, &counters);
	if (v == FRAME_REJ_NODE && snooping) {
		dsmenv_rx_snoop(&h, payload);   /* another node's frame: the PageServer looks */
		return;
	}
	if (v != FRAME_OK)
		return;
	if (h.src == my_node) {
		st.rx_dup_node++;
		return;
	}
	peer_learn(h.src, frame + 6);
	if (h.type == FRAME_TYPE_PING) {
		if (net_send(h.src, FRAME_TYPE_PONG, payload, h.len) == 0)
			st.pings_answered++;
		else
			st.tx_dropped++;
	} else if (h.type == FRAME_TYPE_PONG) {
		net_pong(&h, payload);
	} else if (h.type == NET_TYPE_BENCH) {
		st.rx_bench++;
	} else if (h.type == FRAME_TYPE_TRAIN_REQ) {
		net_train_answer(&h, payload);
	} else if (h.type == FRAME_TYPE_TRAIN) {
		net_train_part(&h, payload);
	} else if (h.type >= FRAME_TYPE_DSM_FIRST && h.type < FRAME_TYPE_PS_FIRST) {
		st.rx_dsm++;
		dsmenv_rx(&h, payload);
	} else {
		st.rx_unknown_type++;
	}
}

/* The PageServer sees every frame on the segment (the bridge is a hub). */
void net_snoop(int on)
{
	snooping = on;
	rtl8139_promisc(on);
}

void net_init(uint16_t node, uint16_t cluster)
{
	my_node = node;
	my_cluster = cluster;
	if (rtl8139_init(net_rx) == 0)
		rtl8139_mac(my_mac);
}

void net_pong_arm(const uint8_t *payload, size_t len, uint16_t from)
{
	waiter_set(&mbox.w, 0);
	mbox.payload = payload;
	mbox.len = len;
	mbox.from = from;
	waiter_set(&mbox.w, 1);
}

int net_pong_done(uint64_t *tsc, uint16_t *src)
{
	*src = mbox.src;
	return waiter_done(&mbox.w, tsc);
}

void net_pong_disarm(void)
{
	waiter_set(&mbox.w, 0);
}

int net_train_ask(uint16_t dst, uint32_t token, uint32_t parts, uint32_t bytes)
{
	uint8_t req[7];

	waiter_set(&train.w, 0);
	train.token = token;
	train.want = (1u << parts) - 1u;
	train.got = 0;
	waiter_set(&train.w, 1);
	frame_put32(req, token);
	req[4] = (uint8_t)parts;
	frame_put16(req + 5, (uint16_t)bytes);
	return net_send(dst, FRAME_TYPE_TRAIN_REQ, req, sizeof(req));
}

int net_train_done(uint64_t *tsc)
{
	return waiter_done(&train.w, tsc);
}

void net_train_disarm(void)
{
	waiter_set(&train.w, 0);
}

int net_up(void)
{
	return rtl8139_present();
}

int net_peer_count(void)
{
	return npeers;
}

int net_peer(int i, uint16_t *node, uint8_t mac[6])
{
	if (i < 0 || i >= npeers)
		return -1;
	*node = peers[i].node;
	memcpy(mac, peers[i].mac, 6);
	return 0;
}

const struct frame_counters *net_frame_counters(void) { return &counters; }
const struct net_stats *net_stats(void) { return &st; }
