/*
 * net.c: the plurix frame layer between the RTL8139 driver and its users
 * (see net.h for the interface rules).
 *
 * Owns: the peer table (node -> MAC), the frame counters, the transmit
 * sequence number, the encode buffer and the pong mailbox. The encode
 * buffer is shared by every context, so net_send runs with interrupts off.
 *
 * Receive path, per frame (interrupt context):
 *   1. drop our own frames (a multicast hub loops them back)
 *   2. frame_decode: reject and count, or accept
 *   3. learn src node -> src MAC
 *   4. PING: send PONG with the same payload; PONG: fill the mailbox;
 *      DSM types (16..127): queued for the protocol core (kernel/dsmenv.c),
 *      which runs from the main loop, never here
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
static int npeers;

static struct {
	volatile int armed;
	volatile int done;
	const uint8_t *payload;
	size_t len;
	uint16_t from;
	uint16_t src;
	uint64_t tsc;
} mbox;

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
	h.gtime = 0;            /* global time: the protocol core, later */
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

static void net_pong(const struct frame_hdr *h, const uint8_t *payload)
{
	if (mbox.armed && h->len == mbox.len &&
	    (mbox.from == FRAME_NODE_ALL || mbox.from == h->src) &&
	    memcmp(payload, mbox.payload, h->len) == 0) {
		mbox.tsc = rdtsc();
		mbox.src = h->src;
		mbox.armed = 0;
		mbox.done = 1;
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
	struct frame_hdr h;
	const uint8_t *payload;

	if (net_own(frame, n)) {
		st.rx_own++;
		return;
	}
	if (frame_decode(frame, n, my_cluster, my_node, &h, &payload, &counters) != FRAME_OK)
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
	} else if (h.type >= FRAME_TYPE_DSM_FIRST && h.type < FRAME_TYPE_PS_FIRST) {
		st.rx_dsm++;
		dsmenv_rx(frame, n);
	} else {
		st.rx_unknown_type++;
	}
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
	uint32_t f = irq_save();

	mbox.payload = payload;
	mbox.len = len;
	mbox.from = from;
	mbox.done = 0;
	mbox.armed = 1;
	irq_restore(f);
}

int net_pong_done(uint64_t *tsc, uint16_t *src)
{
	if (!mbox.done)
		return 0;
	*tsc = mbox.tsc;
	*src = mbox.src;
	return 1;
}

void net_pong_disarm(void)
{
	uint32_t f = irq_save();

	mbox.armed = 0;
	mbox.done = 0;
	irq_restore(f);
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
