/*
 * net.h: plurix frames over the NIC. Encodes with frame_encode, decodes
 * every received buffer with frame_decode (verdicts counted), learns which
 * MAC each node has from valid frames, answers PING with PONG from the
 * receive path, and hands PONGs to one waiting ping (the pong mailbox).
 * Node-local: runs in interrupt context; no allocation, bounded work.
 *
 * Sending to a node whose MAC is not known yet goes to the Ethernet
 * broadcast address; the plurix dst field still names the node, so only it
 * accepts the frame.
 */
#ifndef PLURIX_KERNEL_NET_H
#define PLURIX_KERNEL_NET_H

#include <stddef.h>
#include <stdint.h>

#include "dsm/frame.h"

/* Test traffic of `bench tx`: counted by the receiver, never answered.
 * A kernel-local type between PONG and FRAME_TYPE_DSM_FIRST. */
#define NET_TYPE_BENCH FRAME_TYPE_BENCH

struct net_stats {
	uint32_t rx_own;        /* our own frames looped back (multicast hub) */
	uint32_t rx_dup_node;   /* another MAC claims our node id */
	uint32_t rx_unknown_type;
	uint32_t rx_bench;      /* NET_TYPE_BENCH frames received */
	uint32_t rx_dsm;        /* protocol frames handed to kernel/dsmenv.c */
	uint32_t pings_answered;
	uint32_t trains_sent;   /* frame trains sent on request (ping ... page) */
	uint32_t pongs_unmatched; /* late, duplicate or foreign pongs */
	uint32_t tx_dropped;    /* frames not sent: transmit queue full */
	uint32_t peers_full;    /* nodes not learned: table full */
};

#define NET_ERR_NONIC  -1
#define NET_ERR_FULL   -2
#define NET_ERR_LEN    -3

void net_init(uint16_t node, uint16_t cluster);
int net_up(void);                       /* 1 if there is a NIC */
/* Send one frame; 0, or NET_ERR_*. Callable from any context. */
int net_send(uint16_t dst, uint8_t type, const void *payload, size_t len);
/* Send a frame the protocol core encoded; fills in both MACs. 0, or NET_ERR_*. */
int net_send_frame(uint16_t dst, const uint8_t *frame, size_t n);
/* 1: the NIC takes every frame, and frames for other nodes go to the protocol
 * core's PageServer (kernel/dsmenv.c, dsmenv_rx_snoop). */
void net_snoop(int on);
int net_peer_count(void);
int net_peer(int i, uint16_t *node, uint8_t mac[6]);   /* 0 if i is valid */

/* The pong mailbox: arm it with the payload just sent, then poll. A PONG
 * from `from` (or from anyone, FRAME_NODE_ALL) that echoes `payload`
 * exactly fills in *tsc and *src and disarms it. */
void net_pong_arm(const uint8_t *payload, size_t len, uint16_t from);
int net_pong_done(uint64_t *tsc, uint16_t *src);     /* 1 once answered */
void net_pong_disarm(void);
/* A frame train (the raw transport of a page fetch): ask dst for `parts`
 * frames of `bytes` payload each; done once every one of them arrived. */
int net_train_ask(uint16_t dst, uint32_t token, uint32_t parts, uint32_t bytes);
int net_train_done(uint64_t *tsc);     /* 1 once the whole train is in */
void net_train_disarm(void);

const struct frame_counters *net_frame_counters(void);
const struct net_stats *net_stats(void);

#endif
