/*
 * hub.c: the faulty Ethernet segment of a plurix QEMU cluster. A user-space hub that
 * replaces the namespace's bridge for the nodes' taps: every frame received on one port
 * is sent out of every other port, each copy independently lost, duplicated, delayed or
 * held back (reordered) at the rates in its control file, from a seed.
 *
 *   usage: hub [-c ctlfile] [-s seed] port...      (run inside the cluster's namespace)
 *   ctlfile: lines "loss P", "dup P", "reorder P" (percent), "delay MS"; re-read on SIGHUP.
 *   SIGUSR1 prints the counters to stdout; SIGTERM/SIGINT print them and exit.
 *
 * Why this and not vde2 (vde_switch --hub + wirefilter): the sch_netem qdisc is missing on
 * these machines, and vde2 is one more Debian package whose wirefilter sits between two
 * switches only (one wire, not a segment of N ports), would force every node onto
 * `-netdev vde` instead of the tap networking the kernel is tested with, and seeds its
 * faults from the clock. This hub keeps the taps, treats every port alike, runs from
 * a seed, counts every decision, and is about 300 lines we can read.
 *
 * Rules: AF_PACKET sockets, one per port, bound to that interface. Frames the hub itself
 * sent show up on its own socket as PACKET_OUTGOING and are ignored, or the hub would loop.
 * The taps must not be bridge ports while the hub runs (tools/cluster detaches them).
 * Frames the namespace's own stack sends (dnsmasq's DHCP and TFTP replies, through the
 * bridge and the uplink veth) arrive with the UDP checksum left to "hardware"; the hub
 * reads a virtio-net header with every frame (PACKET_VNET_HDR) and completes such a
 * checksum before forwarding, or the nodes' iPXE would drop every reply.
 * Every queue is bounded: a full delay queue drops the frame and counts it (qdrop).
 * Determinism: the random stream depends only on the seed and the order frames arrive.
 * It never touches an interface it was not given.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#define HUB_PORTS_MAX     128
#define HUB_FRAME_MAX     1518     /* Ethernet with one VLAN tag, no FCS */
#define HUB_QUEUE_MAX     8192     /* frames waiting for their delay */
#define HUB_RX_BURST      64       /* frames taken from one port per poll round */
#define REORDER_HOLD_NS   5000000  /* a reordered frame waits 5 ms more than the rest */

struct port {
	const char *name;
	int fd;
	uint64_t rx, tx, lost, dup, delayed, reordered, qdrop, txerr;
	uint64_t bad;        /* over HUB_FRAME_MAX, GSO, or a checksum it cannot fill */
};

struct pending {
	uint64_t due_ns;
	uint64_t order;        /* FIFO among equal due times */
	int port;
	uint16_t len;
	uint8_t data[HUB_FRAME_MAX];
};

static struct port ports[HUB_PORTS_MAX];
static int nports;
static struct pending *queue[HUB_QUEUE_MAX];   /* binary min-heap on (due_ns, order) */
static struct pending pool[HUB_QUEUE_MAX];
static struct pending *freelist[HUB_QUEUE_MAX];
static int nqueue, nfree;
static uint64_t order_next;

static double loss_pct, dup_pct, reorder_pct, delay_ms;
static uint64_t rng_state;
static const char *ctl_path;
static volatile sig_atomic_t want_reload, want_stats, want_quit;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* xorshift64*: small, seeded, good enough for fault decisions. */
static uint64_t rng_next(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545F4914F6CDD1Dull;
}

/* True with probability pct percent. Draws nothing when pct is 0, so that a rate of 0
 * leaves the stream of the other decisions unchanged. */
static int chance(double pct)
{
	if (pct <= 0)
		return 0;
	return (double)(rng_next() >> 11) * (1.0 / 9007199254740992.0) * 100.0 < pct;
}

static int before(const struct pending *a, const struct pending *b)
{
	return a->due_ns < b->due_ns || (a->due_ns == b->due_ns && a->order < b->order);
}

static void heap_push(struct pending *p)
{
	int i = nqueue++;

	queue[i] = p;
	while (i > 0 && before(queue[i], queue[(i - 1) / 2])) {
		struct pending *t = queue[i];
		queue[i] = queue[(i - 1) / 2];
		queue[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static struct pending *heap_pop(void)
{
	struct pending *top = queue[0];
	int i = 0;

	queue[0] = queue[--nqueue];
	for (;;) {
		int l = 2 * i + 1, r = l + 1, m = i;
		if (l < nqueue && before(queue[l], queue[m]))
			m = l;
		if (r < nqueue && before(queue[r], queue[m]))
			m = r;
		if (m == i)
			break;
		struct pending *t = queue[i];
		queue[i] = queue[m];
		queue[m] = t;
		i = m;
	}
	return top;
}

static void port_send(int i, const uint8_t *buf, size_t len)
{
	static struct virtio_net_hdr none;   /* no offload asked of the receiving side */
	struct iovec iov[2] = { { &none, sizeof none }, { (void *)buf, len } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };

	if (sendmsg(ports[i].fd, &mh, MSG_DONTWAIT) == (ssize_t)(sizeof none + len))
		ports[i].tx++;
	else
		ports[i].txerr++;
}

/* Fill in a checksum the sender left to offload: the Internet checksum of
 * buf[start..len), seeded with the pseudo-header sum already stored at start + off. */
static int csum_complete(uint8_t *buf, size_t len, const struct virtio_net_hdr *vh)
{
	size_t start = vh->csum_start, at = start + vh->csum_offset;
	uint32_t sum = 0;

	if (start >= len || at + 2 > len)
		return -1;
	for (size_t k = start; k + 1 < len; k += 2)
		sum += (uint32_t)(buf[k] << 8 | buf[k + 1]);
	if ((len - start) & 1)
		sum += (uint32_t)buf[len - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	uint16_t c = (uint16_t)~sum;
	buf[at] = (uint8_t)(c >> 8);
	buf[at + 1] = (uint8_t)c;
	return 0;
}

/* One copy of a frame for port i: send now, or queue it until due. */
static void copy_out(int i, const uint8_t *buf, size_t len, uint64_t now)
{
	uint64_t due = now + (uint64_t)(delay_ms * 1e6);

	if (chance(reorder_pct)) {
		due += REORDER_HOLD_NS;
		ports[i].reordered++;
	}
	if (due <= now && nqueue == 0) {
		port_send(i, buf, len);
		return;
	}
	if (nfree == 0) {
		ports[i].qdrop++;
		return;
	}
	struct pending *p = freelist[--nfree];
	p->due_ns = due;
	p->order = order_next++;
	p->port = i;
	p->len = (uint16_t)len;
	memcpy(p->data, buf, len);
	heap_push(p);
	if (due > now)
		ports[i].delayed++;
}

static void forward(int from, const uint8_t *buf, size_t len)
{
	uint64_t now = now_ns();

	for (int i = 0; i < nports; i++) {
		if (i == from)
			continue;
		if (chance(loss_pct)) {
			ports[i].lost++;
			continue;
		}
		copy_out(i, buf, len, now);
		if (chance(dup_pct)) {
			ports[i].dup++;
			copy_out(i, buf, len, now);
		}
	}
}

static void flush_due(void)
{
	uint64_t now = now_ns();

	while (nqueue > 0 && queue[0]->due_ns <= now) {
		struct pending *p = heap_pop();
		port_send(p->port, p->data, p->len);
		freelist[nfree++] = p;
	}
}

/* Take up to HUB_RX_BURST frames from port i. */
static void port_receive(int i)
{
	struct virtio_net_hdr vh;
	uint8_t buf[HUB_FRAME_MAX + 1];

	for (int k = 0; k < HUB_RX_BURST; k++) {
		struct sockaddr_ll from;
		struct iovec iov[2] = { { &vh, sizeof vh }, { buf, sizeof buf } };
		struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof from,
		                     .msg_iov = iov, .msg_iovlen = 2 };
		ssize_t n = recvmsg(ports[i].fd, &mh, MSG_DONTWAIT | MSG_TRUNC);
		if (n < (ssize_t)sizeof vh)
			return;
		n -= (ssize_t)sizeof vh;
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		ports[i].rx++;
		if (n > HUB_FRAME_MAX || vh.gso_type != VIRTIO_NET_HDR_GSO_NONE ||
		    ((vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) &&
		     csum_complete(buf, (size_t)n, &vh) < 0)) {
			ports[i].bad++;
			continue;
		}
		forward(i, buf, (size_t)n);
	}
}

static int port_open(int i, const char *name)
{
	unsigned idx = if_nametoindex(name);
	int fd = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));

	if (idx == 0 || fd < 0) {
		fprintf(stderr, "hub: %s: %s\n", name, strerror(errno));
		return -1;
	}
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
	                           .sll_ifindex = (int)idx };
	struct packet_mreq mr = { .mr_ifindex = (int)idx, .mr_type = PACKET_MR_PROMISC };
	int one = 1, big = 4 << 20;
	if (setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof one) < 0 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof sll) < 0 ||
	    setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr) < 0) {
		fprintf(stderr, "hub: %s: %s\n", name, strerror(errno));
		return -1;
	}
#ifdef PACKET_IGNORE_OUTGOING
	setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
#endif
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof big);
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof big);
	ports[i].name = name;
	ports[i].fd = fd;
	return 0;
}

/* Read "key value" lines; unknown keys are an error that keeps the old rates. */
static void ctl_load(void)
{
	double l = loss_pct, d = dup_pct, r = reorder_pct, ms = delay_ms;
	char key[32];
	double v;

	if (!ctl_path)
		return;
	FILE *f = fopen(ctl_path, "r");
	if (!f) {
		fprintf(stderr, "hub: %s: %s\n", ctl_path, strerror(errno));
		return;
	}
	while (fscanf(f, "%31s %lf", key, &v) == 2) {
		if (v < 0 || (strcmp(key, "delay") != 0 && v > 100))
			goto bad;
		if (!strcmp(key, "loss"))
			l = v;
		else if (!strcmp(key, "dup"))
			d = v;
		else if (!strcmp(key, "reorder"))
			r = v;
		else if (!strcmp(key, "delay"))
			ms = v;
		else
			goto bad;
	}
	fclose(f);
	loss_pct = l, dup_pct = d, reorder_pct = r, delay_ms = ms;
	printf("hub: rates loss %g%% dup %g%% reorder %g%% delay %g ms\n", l, d, r, ms);
	fflush(stdout);
	return;
bad:
	fclose(f);
	fprintf(stderr, "hub: %s: bad line \"%s %g\", rates unchanged\n", ctl_path, key, v);
}

static void stats_print(void)
{
	printf("hub: %d ports, queue %d, rates loss %g%% dup %g%% reorder %g%% delay %g ms\n",
	       nports, nqueue, loss_pct, dup_pct, reorder_pct, delay_ms);
	for (int i = 0; i < nports; i++) {
		struct port *p = &ports[i];
		printf("hub: port %s rx %llu tx %llu lost %llu dup %llu reordered %llu delayed %llu"
		       " qdrop %llu txerr %llu bad %llu\n", p->name,
		       (unsigned long long)p->rx, (unsigned long long)p->tx,
		       (unsigned long long)p->lost, (unsigned long long)p->dup,
		       (unsigned long long)p->reordered, (unsigned long long)p->delayed,
		       (unsigned long long)p->qdrop, (unsigned long long)p->txerr,
		       (unsigned long long)p->bad);
	}
	fflush(stdout);
}

static void on_signal(int sig)
{
	if (sig == SIGHUP)
		want_reload = 1;
	else if (sig == SIGUSR1)
		want_stats = 1;
	else
		want_quit = 1;
}

int main(int argc, char **argv)
{
	uint64_t seed = 1;
	int opt;

	while ((opt = getopt(argc, argv, "c:s:")) != -1) {
		if (opt == 'c')
			ctl_path = optarg;
		else if (opt == 's')
			seed = strtoull(optarg, NULL, 0);
		else
			goto usage;
	}
	if (argc - optind < 2 || argc - optind > HUB_PORTS_MAX)
		goto usage;
	rng_state = seed * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull; /* never 0 */
	for (int i = 0; i < HUB_QUEUE_MAX; i++)
		freelist[nfree++] = &pool[i];
	for (int i = optind; i < argc; i++)
		if (port_open(nports++, argv[i]) < 0)
			return 1;
	ctl_load();

	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);

	struct pollfd pfd[HUB_PORTS_MAX];
	for (int i = 0; i < nports; i++)
		pfd[i] = (struct pollfd){ .fd = ports[i].fd, .events = POLLIN };
	printf("hub: %d ports, seed %llu\n", nports, (unsigned long long)seed);
	fflush(stdout);
	while (!want_quit) {
		int timeout_ms = 1000;
		if (nqueue > 0) {
			uint64_t now = now_ns(), due = queue[0]->due_ns;
			timeout_ms = due <= now ? 0 : (int)((due - now) / 1000000u) + 1;
		}
		int n = poll(pfd, (nfds_t)nports, timeout_ms);
		if (want_reload) {
			want_reload = 0;
			ctl_load();
		}
		if (want_stats) {
			want_stats = 0;
			stats_print();
		}
		for (int i = 0; n > 0 && i < nports; i++)
			if (pfd[i].revents & POLLIN)
				port_receive(i);
		flush_due();
	}
	stats_print();
	return 0;
usage:
	fprintf(stderr, "usage: hub [-c ctlfile] [-s seed] port port...\n");
	return 2;
}
