/*
 * inject.c: send hostile frames into a plurix cluster's segment from the host, and print
 * what each node's decoder should make of them, so a test can compare every node's
 * `stats` reject counters (rej_*, accepted) with what was sent.
 *
 *   usage: inject -C cluster [-n count] [-s seed] [-r frames/s] [-w window]
 *                 [-c cat,cat,...] -i iface [-i iface ...]
 *   Run inside the cluster's namespace (ip netns exec plx-<name> ...). Every frame is sent
 *   on every -i interface: give the nodes' taps to reach each node once, or br0.
 *
 * Categories (-c, default all, sent round-robin; built from dsm/frame.h's encoder):
 *   random     random bytes of random length, broadcast destination MAC
 *   truncated  a valid frame cut short inside its header or payload
 *   oversize   1515..1518 bytes (an 802.1Q EtherType lets the host send 4 bytes over MTU)
 *   ethertype  a valid frame with another EtherType
 *   cluster    a valid frame of another cluster (CRC right)
 *   crc        a valid frame with one bit flipped after the CRC was computed
 *   length     valid header whose payload length lies: longer than what follows, or
 *              over FRAME_PAYLOAD_MAX in a frame at the MTU limit (1514 bytes)
 *   magic, version   one header field wrong
 *   node       a valid frame to node 0xFFFE (no such node) or from node 0xFFFF
 *   broadcast  a valid frame to every node: accepted, not rejected
 * Every frame carries message type 255 (unused) and source node 0xFFFE, so a frame that
 * a node accepts (broadcast, or a truncation that happens to stay valid) asks for no reply:
 * nothing a node sends back can land in another node's counters.
 *
 * Expected verdicts: each frame is decoded here with the kernel's own frame_decode(),
 * exactly as the node's NIC will present it: QEMU's RTL8139 pads frames shorter than 60
 * bytes with zeros. The decode uses node 0xFFFD (not in the cluster), which gives every
 * node the same verdict for these frames as long as no node has id 0xFFFD or 0xFFFE.
 *
 * Flow control: -w W keeps at most W frames queued in each interface (sent minus the
 * interface's tx_packets, which a tap counts when QEMU reads the frame), so the tap's
 * queue never overflows; -r paces the whole run. A tap's tx_dropped delta is printed.
 * Output lines (one pair per line): "category <name> <n>", "expect <counter> <n>",
 * "iface <name> sent <n> tx_dropped <n>", "send_errors <n>".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dsm/frame.h"

#define INJECT_IFACES_MAX  16
#define INJECT_BUF         2048
#define DECODE_NODE        0xFFFDu  /* decode as a node that is not in the cluster */
#define BAD_NODE_DST       0xFFFEu
#define VLAN_ETHERTYPE     0x8100u

enum cat {
	CAT_RANDOM, CAT_TRUNCATED, CAT_OVERSIZE, CAT_ETHERTYPE, CAT_CLUSTER, CAT_CRC,
	CAT_LENGTH, CAT_MAGIC, CAT_VERSION, CAT_NODE, CAT_BROADCAST, NCATS
};
static const char *const cat_names[NCATS] = {
	"random", "truncated", "oversize", "ethertype", "cluster", "crc", "length",
	"magic", "version", "node", "broadcast",
};

struct iface {
	const char *name;
	int fd;
	unsigned long long sent, tx_packets0, tx_dropped0;
};

static struct iface ifaces[INJECT_IFACES_MAX];
static int nifaces;
static uint16_t cluster;
static uint64_t rng_state;
static const uint8_t mac_bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
static const uint8_t mac_self[6] = { 0x02, 0x00, 0x00, 0x00, 0xbe, 0xef };

static uint32_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 32);
}

/* Uniform in [lo, hi]. */
static uint32_t rnd_in(uint32_t lo, uint32_t hi)
{
	return lo + rnd() % (hi - lo + 1);
}

static void rnd_fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd();
}

/* A valid frame of this cluster with a random payload; returns its wire length. */
static size_t valid_frame(uint8_t *buf, uint16_t cl, uint16_t dst, uint8_t type,
                          size_t payload_len)
{
	uint8_t payload[FRAME_PAYLOAD_MAX];
	struct frame_hdr h = { .type = type, .cluster = cl, .src = 0xFFFE, .dst = dst,
	                       .seq = rnd(), .gtime = ((uint64_t)rnd() << 32) | rnd() };

	rnd_fill(payload, payload_len);
	return frame_encode(buf, INJECT_BUF, mac_bcast, mac_self, &h, payload, payload_len);
}

static size_t rnd_payload_len(void)
{
	return rnd_in(0, FRAME_PAYLOAD_MAX);
}

/* Build frame of category c into buf; returns its length. */
static size_t build(enum cat c, uint8_t *buf)
{
	uint8_t *ph = buf + FRAME_ETH_HDR_LEN;
	size_t n, len;

	switch (c) {
	case CAT_RANDOM:
		n = rnd_in(FRAME_ETH_HDR_LEN, FRAME_WIRE_MAX);
		memcpy(buf, mac_bcast, 6);
		rnd_fill(buf + 6, n - 6);
		return n;
	case CAT_TRUNCATED:
		len = rnd_in(1, FRAME_PAYLOAD_MAX);
		valid_frame(buf, cluster, FRAME_NODE_ALL, FRAME_TYPE_MAX, len);
		return rnd_in(FRAME_ETH_HDR_LEN, FRAME_ETH_HDR_LEN + FRAME_HDR_LEN + len - 1);
	case CAT_OVERSIZE:
		n = rnd_in(FRAME_WIRE_MAX + 1, FRAME_WIRE_MAX + 4);
		valid_frame(buf, cluster, FRAME_NODE_ALL, FRAME_TYPE_MAX, FRAME_PAYLOAD_MAX);
		rnd_fill(buf + FRAME_WIRE_MAX, n - FRAME_WIRE_MAX);
		buf[12] = VLAN_ETHERTYPE >> 8;
		buf[13] = VLAN_ETHERTYPE & 0xff;
		return n;
	case CAT_ETHERTYPE:
		n = valid_frame(buf, cluster, FRAME_NODE_ALL, FRAME_TYPE_MAX, rnd_payload_len());
		do {
			buf[12] = (uint8_t)rnd();
			buf[13] = (uint8_t)rnd();
		} while (((buf[12] << 8) | buf[13]) == FRAME_ETHERTYPE);
		return n;
	case CAT_CLUSTER:
		return valid_frame(buf, (uint16_t)(cluster + rnd_in(1, 0xFFFF)), FRAME_NODE_ALL,
		                   FRAME_TYPE_MAX, rnd_payload_len());
	case CAT_CRC:
		n = valid_frame(buf, cluster, FRAME_NODE_ALL, FRAME_TYPE_MAX, rnd_payload_len());
		/* flip one bit in seq, gtime, crc or payload: fields no earlier check reads */
		len = rnd_in(12, (uint32_t)(n - FRAME_ETH_HDR_LEN - 1));
		if (len >= FRAME_HDR_LEN + frame_get16(ph + 10))
			len = 24 + rnd_in(0, 3);   /* stay out of the padding: hit the crc */
		ph[len] ^= (uint8_t)(1u << rnd_in(0, 7));
		return n;
	case CAT_LENGTH:
		if (rnd() & 1) {   /* longer than what follows, within the limit */
			len = rnd_in(0, FRAME_PAYLOAD_MAX - 1);
			n = valid_frame(buf, cluster, FRAME_NODE_ALL, FRAME_TYPE_MAX, len);
			frame_put16(ph + 10, (uint16_t)rnd_in((uint32_t)(n - FRAME_ETH_HDR_LEN -
			            FRAME_HDR_LEN + 1), FRAME_PAYLOAD_MAX));
			return n;
		}
		n = valid_frame(buf, cluster, FRAME_NODE_ALL, FRAME_TYPE_MAX, FRAME_PAYLOAD_MAX);
		frame_put16(ph + 10, (uint16_t)rnd_in(FRAME_PAYLOAD_MAX + 1, 0xFFFF));
		return n;
	case CAT_MAGIC:
		n = valid_frame(buf, cluster, FRAME_NODE_ALL, FRAME_TYPE_MAX, rnd_payload_len());
		frame_put16(ph, (uint16_t)(FRAME_MAGIC ^ rnd_in(1, 0xFFFF)));
		return n;
	case CAT_VERSION:
		n = valid_frame(buf, cluster, FRAME_NODE_ALL, FRAME_TYPE_MAX, rnd_payload_len());
		ph[2] = (uint8_t)(FRAME_VERSION + rnd_in(1, 255));
		return n;
	case CAT_NODE:
		if (rnd() & 1)
			return valid_frame(buf, cluster, BAD_NODE_DST, FRAME_TYPE_MAX,
			                   rnd_payload_len());
		n = valid_frame(buf, cluster, FRAME_NODE_ALL, FRAME_TYPE_MAX, rnd_payload_len());
		frame_put16(ph + 6, 0xFFFF);   /* src: not a node id; the CRC must still hold */
		frame_put32(ph + 24, 0);
		frame_put32(ph + 24, frame_crc32(frame_crc32(0, ph, FRAME_HDR_LEN),
		                                 ph + FRAME_HDR_LEN, frame_get16(ph + 10)));
		return n;
	default:
		return valid_frame(buf, cluster, FRAME_NODE_ALL, FRAME_TYPE_MAX, rnd_payload_len());
	}
}

/* The verdict a node's decoder reaches: the NIC pads short frames to 60 bytes. */
static enum frame_verdict expect(const uint8_t *buf, size_t n)
{
	uint8_t pad[INJECT_BUF];
	struct frame_hdr h;
	const uint8_t *p;

	memcpy(pad, buf, n);
	if (n < FRAME_WIRE_MIN) {
		memset(pad + n, 0, FRAME_WIRE_MIN - n);
		n = FRAME_WIRE_MIN;
	}
	return frame_decode(pad, n, cluster, DECODE_NODE, &h, &p, NULL);
}

static unsigned long long sysfs_stat(const char *ifname, const char *stat)
{
	char path[128];
	unsigned long long v = 0;

	snprintf(path, sizeof path, "/sys/class/net/%s/statistics/%s", ifname, stat);
	FILE *f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = 0;
		fclose(f);
	}
	return v;
}

static int iface_open(const char *name)
{
	struct iface *it = &ifaces[nifaces];
	unsigned idx = if_nametoindex(name);
	int fd = socket(AF_PACKET, SOCK_RAW, 0);   /* protocol 0: send only */

	if (idx == 0 || fd < 0) {
		fprintf(stderr, "inject: %s: %s\n", name, strerror(errno));
		return -1;
	}
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_ifindex = (int)idx };
	if (bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0) {
		fprintf(stderr, "inject: bind %s: %s\n", name, strerror(errno));
		return -1;
	}
	it->name = name;
	it->fd = fd;
	it->tx_packets0 = sysfs_stat(name, "tx_packets");
	it->tx_dropped0 = sysfs_stat(name, "tx_dropped");
	nifaces++;
	return 0;
}

/* Wait until fewer than window frames sent on it are still queued in the interface. */
static void iface_wait(struct iface *it, unsigned window)
{
	for (int spins = 0; window && spins < 200000; spins++) {
		unsigned long long done = sysfs_stat(it->name, "tx_packets") - it->tx_packets0 +
		                          sysfs_stat(it->name, "tx_dropped") - it->tx_dropped0;
		if (it->sent < done + window)
			return;
		struct timespec ts = { 0, 50000 };
		nanosleep(&ts, NULL);
	}
}

static int parse_cats(char *list, enum cat *cats)
{
	int n = 0;

	for (char *t = strtok(list, ","); t; t = strtok(NULL, ",")) {
		int c = 0;
		while (c < NCATS && strcmp(cat_names[c], t) != 0)
			c++;
		if (c == NCATS) {
			fprintf(stderr, "inject: unknown category %s\n", t);
			return -1;
		}
		cats[n++] = (enum cat)c;
	}
	return n;
}

static void report(unsigned long long *per_cat, unsigned long long *per_verdict,
                   unsigned long long send_errors)
{
	for (int c = 0; c < NCATS; c++)
		if (per_cat[c])
			printf("category %s %llu\n", cat_names[c], per_cat[c]);
	printf("expect accepted %llu\n", per_verdict[FRAME_OK]);
	for (int v = 1; v < FRAME_NVERDICTS; v++)
		printf("expect rej_%s %llu\n", frame_verdict_name((enum frame_verdict)v),
		       per_verdict[v]);
	for (int i = 0; i < nifaces; i++)
		printf("iface %s sent %llu tx_dropped %llu\n", ifaces[i].name, ifaces[i].sent,
		       sysfs_stat(ifaces[i].name, "tx_dropped") - ifaces[i].tx_dropped0);
	printf("send_errors %llu\n", send_errors);
}

int main(int argc, char **argv)
{
	unsigned long long count = 100000, seed = 1, per_cat[NCATS] = { 0 };
	unsigned long long per_verdict[FRAME_NVERDICTS] = { 0 }, send_errors = 0;
	double rate = 0;
	unsigned window = 0;
	enum cat cats[NCATS * 4];
	int ncats = NCATS, opt, have_cluster = 0;

	for (int c = 0; c < NCATS; c++)
		cats[c] = (enum cat)c;
	while ((opt = getopt(argc, argv, "C:n:s:r:w:c:i:")) != -1) {
		switch (opt) {
		case 'C': cluster = (uint16_t)strtoul(optarg, NULL, 0); have_cluster = 1; break;
		case 'n': count = strtoull(optarg, NULL, 0); break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'r': rate = atof(optarg); break;
		case 'w': window = (unsigned)strtoul(optarg, NULL, 0); break;
		case 'c':
			if (strlen(optarg) > 200 || (ncats = parse_cats(optarg, cats)) <= 0)
				return 2;
			break;
		case 'i':
			if (nifaces == INJECT_IFACES_MAX || iface_open(optarg) < 0)
				return 1;
			break;
		default: goto usage;
		}
	}
	if (!have_cluster || nifaces == 0 || optind != argc)
		goto usage;
	rng_state = seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull;

	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned long long k = 0; k < count; k++) {
		uint8_t buf[INJECT_BUF];
		enum cat c = cats[k % (unsigned long long)ncats];
		size_t n = build(c, buf);

		per_cat[c]++;
		per_verdict[expect(buf, n)]++;
		if (rate > 0) {
			double at = (double)k / rate;
			struct timespec ts = { t0.tv_sec + (time_t)at,
			                       t0.tv_nsec + (long)((at - (double)(time_t)at) * 1e9) };
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
		}
		for (int i = 0; i < nifaces; i++) {
			iface_wait(&ifaces[i], window);
			if (send(ifaces[i].fd, buf, n, 0) == (ssize_t)n)
				ifaces[i].sent++;
			else
				send_errors++;
		}
	}
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	report(per_cat, per_verdict, send_errors);
	printf("seconds %.3f\n", (double)(t1.tv_sec - t0.tv_sec) +
	       (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	return send_errors ? 1 : 0;
usage:
	fprintf(stderr, "usage: inject -C cluster [-n count] [-s seed] [-r fps] [-w window]"
	        " [-c cat,...] -i iface [-i iface...]\n");
	return 2;
}
