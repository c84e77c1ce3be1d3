/*
 * param.h: the kernel's limits, one comment each.
 */
#ifndef PLURIX_KERNEL_PARAM_H
#define PLURIX_KERNEL_PARAM_H

#define PIT_HZ             100     /* timer tick; timing itself uses the TSC */
#define CONSOLE_RX_RING    256     /* serial input bytes buffered (power of 2) */
#define SHELL_LINE_MAX     128     /* longest command line */
#define SHELL_ARGS_MAX     8       /* words per command line */
#define CMDLINE_COPY_MAX   512     /* bytes of the boot command line kept */
#define PCI_DEVS_MAX       32      /* PCI functions remembered */
#define NET_PEERS_MAX      64      /* node -> MAC entries learned */
#define NET_TXQ_LEN        32      /* frames queued behind the 4 TX descriptors */
#define NET_RX_BUDGET      64      /* frames handled per receive interrupt */
#define PING_TIMEOUT_US    200000  /* one ping waits this long for its pong */
#define PING_COUNT_MAX     100000  /* ping count limit */
#define BENCH_COUNT_MAX    10000000 /* bench tx count limit */
#define BEAT_TICKS         200u    /* heartbeat period of every node: 2 s */
#define MGR_SILENT_TICKS   300u    /* no frame from the manager this long: cut off, say so */

#endif
