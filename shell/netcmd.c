/*
 * netcmd.c: the shell's network commands, `ping` and `bench tx`
 * (docs/CONTRACT.md). Heap-resident: built only on net.h.
 *
 * ping: one PING at a time; each waits up to PING_TIMEOUT_TICKS for a PONG
 * that echoes its payload exactly (payload bytes 0..3 carry a token that
 * is new for every ping, so a late PONG never matches a later ping). The
 * round trip is TSC at send to TSC in the receive interrupt.
 * `ping all` first broadcasts one PING (every node answers, and answers
 * teach net.c their MACs), then pings each node seen so far in turn.
 * `ping <node> <count> page`: the raw transport of a page fetch instead, a
 * small request answered by a train of DSM_DATA_PARTS frames of a PageData's
 * size (dsm/proto.h); the round trip ends when the whole train is in. The
 * heap benchmark sets page fetches beside it.
 */
#include "drivers/rtl8139.h"
#include "dsm/proto.h"
#include "kernel/kernel.h"
#include "kernel/net.h"
#include "kernel/param.h"
#include "kernel/time.h"
#include "kernel/wait.h"
#include "kernel/x86.h"
#include "shell/cmds.h"
#include "shell/shell.h"

#define PING_COUNT_DEFAULT 10
#define PING_BYTES_DEFAULT 56
#define PING_BYTES_MIN     4            /* room for the token */
#define RTT_MAX            10000        /* round trips kept for the median */
#define BENCH_STALL_US     1000000      /* transmitter stuck: give up */
#define PING_TRAIN         0xFFFFFFFFu  /* bytes: a page-sized frame train */
#define TRAIN_PART_BYTES   (DSM_PL_PAGE_DATA + DSM_DATA_CHUNK)

static uint8_t payload[FRAME_PAYLOAD_MAX];
static uint32_t rtt[RTT_MAX];
static uint32_t token;

struct ping_result {
	uint32_t sent, received;
	uint32_t min, median, max;
};

static void shellsort(uint32_t *a, uint32_t n)
{
	static const uint32_t gaps[] = { 1750, 701, 301, 132, 57, 23, 10, 4, 1 };

	for (size_t g = 0; g < NELEM(gaps); g++)
		for (uint32_t i = gaps[g]; i < n; i++) {
			uint32_t v = a[i], j = i;
			for (; j >= gaps[g] && a[j - gaps[g]] > v; j -= gaps[g])
				a[j] = a[j - gaps[g]];
			a[j] = v;
		}
}

static void payload_fill(uint32_t bytes)
{
	token++;
	for (uint32_t i = 0; i < bytes; i++)
		payload[i] = (uint8_t)(i * 7 + token);
	frame_put32(payload, token);
}

static int train_in(void *arg)
{
	uint64_t tsc;

	(void)arg;
	return net_train_done(&tsc);
}

static int pong_in(void *arg)
{
	uint64_t tsc;
	uint16_t src;

	(void)arg;
	return net_pong_done(&tsc, &src);
}

static int tx_room(void *arg)
{
	(void)arg;
	return rtl8139_tx_room();
}

/* One train round trip: 1 and *us when the whole train came back, 0 if not. */
static int train_once(uint16_t dst, uint32_t *us)
{
	uint64_t t0, t1;
	int got = 0;

	t0 = rdtsc();
	if (net_train_ask(dst, ++token, DSM_DATA_PARTS, TRAIN_PART_BYTES) == 0)
		got = wait_until(train_in, 0, PING_TIMEOUT_TICKS) == 0 && net_train_done(&t1);
	net_train_disarm();
	if (got)
		*us = (uint32_t)time_tsc_to_us(t1 - t0);
	return got;
}

/* One round trip: 1 and *us on an answer, 0 if lost. */
static int ping_once(uint16_t dst, uint32_t bytes, uint32_t *us)
{
	uint64_t t0, t1;
	uint16_t src;
	int got = 0;

	if (bytes == PING_TRAIN)
		return train_once(dst, us);
	payload_fill(bytes);
	net_pong_arm(payload, bytes, dst);
	t0 = rdtsc();
	if (net_send(dst, FRAME_TYPE_PING, payload, bytes) == 0)
		got = wait_until(pong_in, 0, PING_TIMEOUT_TICKS) == 0 && net_pong_done(&t1, &src);
	net_pong_disarm();
	if (got)
		*us = (uint32_t)time_tsc_to_us(t1 - t0);
	return got;
}

static void ping_node(uint16_t dst, uint32_t count, uint32_t bytes, struct ping_result *r)
{
	uint32_t us, kept = 0;

	r->sent = r->received = 0;
	for (uint32_t i = 0; i < count; i++) {
		r->sent++;
		if (!ping_once(dst, bytes, &us))
			continue;
		r->received++;
		if (kept < RTT_MAX)
			rtt[kept++] = us;
	}
	shellsort(rtt, kept);
	r->min = kept ? rtt[0] : 0;
	r->median = kept ? rtt[kept / 2] : 0;
	r->max = kept ? rtt[kept - 1] : 0;
}

/* Ping one node and print its line; 0 if at least one answer came back. */
static int ping_report(uint16_t dst, uint32_t count, uint32_t bytes)
{
	struct ping_result r;

	ping_node(dst, count, bytes, &r);
	kprintf("%s %u: sent %u received %u lost %u min %u median %u max %u us%s\n",
		bytes == PING_TRAIN ? "train" : "ping", dst, r.sent, r.received,
		r.sent - r.received, r.min, r.median, r.max,
		bytes == PING_TRAIN ? " (a page-sized train back)" : "");
	return r.received ? 0 : -1;
}

/* Broadcast one PING so every node answers and is learned. */
static void ping_discover(uint32_t bytes)
{
	payload_fill(bytes);
	if (net_send(FRAME_NODE_ALL, FRAME_TYPE_PING, payload, bytes) != 0)
		return;
	(void)wait_until(wait_never, 0, PING_TIMEOUT_TICKS);     /* every answer, learned */
}

static int ping_all(uint32_t count, uint32_t bytes)
{
	uint16_t node, failed = FRAME_NODE_ALL;
	uint8_t mac[6];
	int n;

	ping_discover(bytes);
	n = net_peer_count();
	if (n == 0)
		return shell_error("ping: no other node answered");
	for (int i = 0; i < n; i++) {
		if (net_peer(i, &node, mac) == 0 && ping_report(node, count, bytes) < 0)
			failed = node;
	}
	if (failed != FRAME_NODE_ALL)
		return shell_error("ping: no reply from node %u", failed);
	return 0;
}

int netcmd_ping(int argc, char **argv)
{
	uint32_t dst = FRAME_NODE_ALL, count = PING_COUNT_DEFAULT, bytes = PING_BYTES_DEFAULT;

	if (argc < 2 || argc > 4)
		return shell_error("usage: ping <node|all> [count] [bytes|page]");
	if (strcmp(argv[1], "all") && (shell_number(argv[1], FRAME_NODE_MAX, &dst) < 0 ||
				       dst == kernel_cmdline.node))
		return shell_error("ping: bad node '%s' (0..%u, not ourselves, or all)",
				   argv[1], FRAME_NODE_MAX);
	if (argc > 2 && (shell_number(argv[2], PING_COUNT_MAX, &count) < 0 || count == 0))
		return shell_error("ping: bad count '%s' (1..%u)", argv[2], PING_COUNT_MAX);
	if (argc > 3 && !strcmp(argv[3], "page") && dst != FRAME_NODE_ALL)
		bytes = PING_TRAIN;
	else if (argc > 3 && (shell_number(argv[3], FRAME_PAYLOAD_MAX, &bytes) < 0 ||
			      bytes < PING_BYTES_MIN))
		return shell_error("ping: bad bytes '%s' (%u..%u, or page to one node)", argv[3],
				   PING_BYTES_MIN, FRAME_PAYLOAD_MAX);
	if (!net_up())
		return shell_error("ping: no network interface");
	if (dst == FRAME_NODE_ALL)
		return ping_all(count, bytes);
	if (ping_report((uint16_t)dst, count, bytes) < 0)
		return shell_error("ping: no reply from node %u", dst);
	return 0;
}

/* Send one bench frame, waiting while the transmit queue is full. */
static int bench_send(uint16_t dst, uint32_t bytes)
{
	int r = net_send(dst, NET_TYPE_BENCH, payload, bytes);

	if (r == NET_ERR_FULL &&
	    wait_until(tx_room, 0, BENCH_STALL_US / 1000000u * PIT_HZ) == 0)
		r = net_send(dst, NET_TYPE_BENCH, payload, bytes);
	return r;
}

int netcmd_bench(int argc, char **argv)
{
	uint32_t dst, count, bytes, sent = 0;
	uint64_t t0, us;

	if (argc != 5 || strcmp(argv[1], "tx"))
		return shell_error("usage: bench tx <node> <count> <bytes>");
	if (shell_number(argv[2], FRAME_NODE_MAX, &dst) < 0)
		return shell_error("bench: bad node '%s' (0..%u)", argv[2], FRAME_NODE_MAX);
	if (shell_number(argv[3], BENCH_COUNT_MAX, &count) < 0 || count == 0)
		return shell_error("bench: bad count '%s' (1..%u)", argv[3], BENCH_COUNT_MAX);
	if (shell_number(argv[4], FRAME_PAYLOAD_MAX, &bytes) < 0)
		return shell_error("bench: bad bytes '%s' (0..%u)", argv[4], FRAME_PAYLOAD_MAX);
	payload_fill(bytes);
	t0 = rdtsc();
	for (; sent < count; sent++)
		if (bench_send((uint16_t)dst, bytes) != 0)
			break;
	us = time_tsc_to_us(rdtsc() - t0);
	kprintf("sent %u in %llu us, %llu frames/s\n", sent, us,
		us ? (uint64_t)sent * 1000000u / us : 0);
	if (sent < count)
		return shell_error("bench: transmitter stalled after %u frames", sent);
	return 0;
}
