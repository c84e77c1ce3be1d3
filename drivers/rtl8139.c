/*
 * rtl8139.c: RTL8139 driver (Realtek RTL8139C(L) datasheet 1.6, and its
 * Programming Guide). Node-local: it owns the NIC registers, the receive
 * ring, the four transmit descriptors and the software transmit queue.
 *
 * Receive ring: 64K+16 bytes (RBLEN=11: room for about 40 full frames, so a
 * node the host schedules late, or a PageServer that snoops a busy hub,
 * does not overflow while many pages are in flight) with WRAP=0, so the NIC itself
 * wraps a frame that reaches the end of the ring back to its start; a
 * wrapped frame is copied into `bounce` so the handler always sees one
 * contiguous frame. The allocation is larger than 64K+16 (RX_ALLOC) so a NIC
 * that writes a little past the end (the 16 spare bytes, or a DMA burst)
 * never touches anything else. Each ring entry is:
 *     status (16) | length incl. 4-byte FCS (16) | frame | pad to 4 bytes
 * and CAPR is written 16 bytes behind the read offset (a chip quirk).
 *
 * Transmit: TSAD0..3 point at four fixed 2 KB buffers used round-robin;
 * when all four are busy, frames wait in a software ring (NET_TXQ_LEN)
 * and move to a descriptor as transmit-done interrupts free them.
 *
 * Overflow (RxOverflow / RxFIFOOverflow): the frames already in the ring
 * are good, so the handler drains them and acks the overflow bits after
 * CAPR has moved (the bit stays set until then). A ring header that makes
 * no sense restarts the receiver. Under a flood, each interrupt handles at
 * most NET_RX_BUDGET frames and then masks receive interrupts; wait_until
 * drains the rest through rtl8139_poll, so the shell always gets to run.
 */
#include "drivers/pci.h"
#include "drivers/rtl8139.h"
#include "kernel/kalloc.h"
#include "kernel/kernel.h"
#include "kernel/memlayout.h"
#include "kernel/param.h"
#include "kernel/trap.h"
#include "kernel/x86.h"

/* Registers: offsets from the I/O base (BAR0). */
#define IDR0     0x00   /* ID registers 0..5: the MAC address */
#define MAR0     0x08   /* multicast hash 0..7 (unused) */
#define TSD0     0x10   /* transmit status of descriptor 0..3 (4 bytes apart) */
#define TSAD0    0x20   /* transmit start address of descriptor 0..3 */
#define RBSTART  0x30   /* receive buffer start (physical) */
#define CR       0x37   /* command register */
#define CAPR     0x38   /* current address of packet read (ours, minus 16) */
#define CBR      0x3A   /* current buffer address (the NIC's write offset) */
#define IMR      0x3C   /* interrupt mask */
#define ISR      0x3E   /* interrupt status, write 1 to clear */
#define TCR      0x40   /* transmit configuration */
#define RCR      0x44   /* receive configuration */
#define MPC      0x4C   /* missed packet counter, any write clears */
#define CR9346   0x50   /* 93C46 command: unlock config registers */
#define CONFIG1  0x52   /* configuration 1: power and wake-up */

/* CR bits */
#define CR_RST   0x10   /* software reset, self-clearing */
#define CR_RE    0x08   /* receiver enable */
#define CR_TE    0x04   /* transmitter enable */
#define CR_BUFE  0x01   /* receive buffer empty */

/* ISR / IMR bits */
#define INT_ROK     0x0001  /* receive OK */
#define INT_RER     0x0002  /* receive error */
#define INT_TOK     0x0004  /* transmit OK */
#define INT_TER     0x0008  /* transmit error */
#define INT_RXOVW   0x0010  /* Rx buffer overflow */
#define INT_PUN     0x0020  /* packet underrun / link change */
#define INT_FOVW    0x0040  /* Rx FIFO overflow */
#define INT_TIMEOUT 0x4000  /* TCTR reached TimerInt */
#define INT_SERR    0x8000  /* PCI system error */
#define INT_RX      (INT_ROK | INT_RER | INT_RXOVW | INT_FOVW)
#define INT_TX      (INT_TOK | INT_TER)
#define INT_ALL     (INT_RX | INT_TX | INT_PUN | INT_SERR)

/* RCR bits */
#define RCR_AAP      0x00000001 /* accept all physical addresses (promiscuous) */
#define RCR_APM      0x00000002 /* accept physical match (our MAC) */
#define RCR_AB       0x00000008 /* accept broadcast */
#define RCR_WRAP     0x00000080 /* 1: overflow past the ring end; we use 0 */
#define RCR_MXDMA    0x00000700 /* max DMA burst: unlimited */
#define RCR_RBLEN_64K 0x00001800 /* ring 64K+16 */
#define RCR_RXFTH    0x0000E000 /* Rx FIFO threshold: whole frame */
#define RCR_VALUE    (RCR_APM | RCR_AB | RCR_MXDMA | RCR_RBLEN_64K | RCR_RXFTH)

/* TCR bits */
#define TCR_IFG96    0x03000000 /* standard 9.6 us interframe gap */
#define TCR_MXDMA    0x00000600 /* max DMA burst 1024 bytes */

/* TSD bits */
#define TSD_SIZE     0x00001FFF /* frame length */
#define TSD_OWN      0x00002000 /* DMA of the buffer into the FIFO done */
#define TSD_TUN      0x00004000 /* transmit FIFO underrun */
#define TSD_TOK      0x00008000 /* transmit OK */
#define TSD_ERTXTH   0x00080000 /* early Tx threshold: 8 x 32 = 256 bytes */
#define TSD_TABT     0x40000000 /* transmit aborted */

/* Receive ring entry status bits */
#define RSR_ROK      0x0001     /* frame received OK */

#define RTL_VENDOR   0x10EC
#define RTL_DEVICE   0x8139
#define RX_RING      65536u     /* ring size the offsets wrap at */
#define RX_ALLOC     (18 * PGSIZE) /* 64K+16, plus room for overshoot */
#define TX_BUF       2048u      /* one descriptor's buffer */
#define NTXDESC      4
#define FRAME_LEN_MAX 1514u     /* Ethernet frame without FCS */
#define RX_LEN_MAX   2048u      /* longest ring entry we accept (incl. FCS) */
#define RX_LEN_MIN   (14u + 4u) /* Ethernet header + FCS */
#define RESET_SPIN   100000

static uint16_t iobase;
static uint8_t irq = 0xFF;
static uint8_t mac[6];
static uint8_t *rx_ring;
static uint32_t rx_off;                 /* our read offset in the ring */
static uint8_t *tx_buf[NTXDESC];
static uint32_t tx_head, tx_tail;       /* next descriptor to fill / to finish */
static uint32_t tx_busy;                /* descriptors owned by the NIC */
static volatile int rx_backlog;
static rtl8139_rx_fn rx_fn;
static struct rtl8139_stats st;
static uint8_t bounce[RX_LEN_MAX];      /* a frame that wrapped the ring */

static struct {
	uint16_t len;
	uint8_t data[FRAME_LEN_MAX];
} txq[NET_TXQ_LEN];
static uint32_t txq_head, txq_tail;     /* free-running; head - tail = queued */

static uint32_t rcr_extra;      /* RCR_AAP while promiscuous */

static void rx_start(void)
{
	outl(iobase + RBSTART, (uint32_t)rx_ring);
	outb(iobase + CR, CR_RE | CR_TE);
	outl(iobase + RCR, RCR_VALUE | rcr_extra); /* also resets the NIC's ring pointers */
	rx_off = 0;
}

/* A ring header made no sense: restart the receiver from offset 0. */
static void rx_reset(void)
{
	st.rx_resets++;
	outb(iobase + CR, CR_TE);
	rx_start();
}

/* Hand one ring entry (the frame after its 4-byte header) to the handler. */
static void rx_deliver(uint32_t off, uint32_t len)
{
	uint32_t start = (off + 4) % RX_RING;
	uint32_t n = len - 4;           /* drop the FCS */

	if (start + n <= RX_RING) {
		rx_fn(rx_ring + start, n);
	} else {
		uint32_t first = RX_RING - start;
		memcpy(bounce, rx_ring + start, first);
		memcpy(bounce + first, rx_ring, n - first);
		rx_fn(bounce, n);
	}
	st.rx_frames++;
}

/* Handle up to `budget` frames; returns 1 if the ring is not yet empty. */
static int rx_drain(int budget)
{
	for (int i = 0; i < budget; i++) {
		uint32_t status, len;

		if (inb(iobase + CR) & CR_BUFE)
			return 0;
		status = rx_ring[rx_off] | (uint32_t)rx_ring[(rx_off + 1) % RX_RING] << 8;
		len = rx_ring[(rx_off + 2) % RX_RING] |
		      (uint32_t)rx_ring[(rx_off + 3) % RX_RING] << 8;
		if (len == 0xFFF0)
			return 1;       /* header not written yet (early receive) */
		if (!(status & RSR_ROK) || len < RX_LEN_MIN || len > RX_LEN_MAX) {
			st.rx_errors++;
			rx_reset();
			return 0;
		}
		if (rx_fn)
			rx_deliver(rx_off, len);
		rx_off = (rx_off + len + 4 + 3) & ~3u;
		rx_off %= RX_RING;
		outw(iobase + CAPR, (uint16_t)(rx_off - 16));
	}
	return !(inb(iobase + CR) & CR_BUFE);
}

/* Reclaim finished descriptors, then refill them from the software queue. */
static void tx_reap(void)
{
	for (int i = 0; i < NTXDESC && tx_busy; i++) {
		uint32_t tsd = inl(iobase + TSD0 + 4 * tx_tail);
		if (!(tsd & (TSD_TOK | TSD_TABT | TSD_TUN)))
			break;
		if (tsd & TSD_TOK)
			st.tx_frames++;
		else
			st.tx_errors++;
		tx_tail = (tx_tail + 1) % NTXDESC;
		tx_busy--;
	}
}

static void tx_kick(const void *frame, uint32_t n)
{
	memcpy(tx_buf[tx_head], frame, n);
	outl(iobase + TSD0 + 4 * tx_head, TSD_ERTXTH | (n & TSD_SIZE));
	tx_head = (tx_head + 1) % NTXDESC;
	tx_busy++;
}

static void tx_refill(void)
{
	tx_reap();
	for (int i = 0; i < NTXDESC && tx_busy < NTXDESC && txq_head != txq_tail; i++) {
		uint32_t slot = txq_tail % NET_TXQ_LEN;
		tx_kick(txq[slot].data, txq[slot].len);
		txq_tail++;
	}
}

int rtl8139_send(const void *frame, size_t n)
{
	uint32_t f;
	int r = 0;

	if (!iobase || n > FRAME_LEN_MAX)
		return -1;
	f = irq_save();
	tx_refill();
	if (tx_busy < NTXDESC && txq_head == txq_tail) {
		tx_kick(frame, (uint32_t)n);
	} else if (txq_head - txq_tail < NET_TXQ_LEN) {
		uint32_t slot = txq_head % NET_TXQ_LEN;
		memcpy(txq[slot].data, frame, n);
		txq[slot].len = (uint16_t)n;
		txq_head++;
		st.tx_queued++;
	} else {
		st.tx_full++;
		r = -1;
	}
	irq_restore(f);
	return r;
}

int rtl8139_tx_room(void)
{
	return txq_head - txq_tail < NET_TXQ_LEN;
}

static void rtl8139_intr(void)
{
	uint16_t isr = inw(iobase + ISR);

	st.irqs++;
	/* ack everything but the overflow bits, which must wait for CAPR */
	outw(iobase + ISR, isr & (uint16_t)~(INT_RXOVW | INT_FOVW));
	if (isr & INT_RER)
		st.rx_errors++;
	if (isr & (INT_RXOVW | INT_FOVW)) {
		st.rx_overflows++;
		st.rx_drops += inl(iobase + MPC) & 0xFFFFFF;
		outl(iobase + MPC, 0);
	}
	if ((isr & INT_RX) && !rx_backlog && rx_drain(NET_RX_BUDGET)) {
		rx_backlog = 1;
		outw(iobase + IMR, INT_ALL & ~INT_RX);
	}
	if (isr & (INT_RXOVW | INT_FOVW))
		outw(iobase + ISR, isr & (INT_RXOVW | INT_FOVW));
	if (isr & INT_TX)
		tx_refill();
}

int rtl8139_backlog(void)
{
	return rx_backlog;
}

void rtl8139_poll(void)
{
	if (!rx_backlog)
		return;
	if (rx_drain(NET_RX_BUDGET))
		return;
	rx_backlog = 0;
	outw(iobase + ISR, INT_RXOVW | INT_FOVW);
	outw(iobase + IMR, INT_ALL);
}

static int rtl8139_reset(void)
{
	outb(iobase + CONFIG1, 0x00);       /* power on (LWAKE/LWPTN low) */
	outb(iobase + CR, CR_RST);
	for (int i = 0; i < RESET_SPIN; i++)
		if (!(inb(iobase + CR) & CR_RST))
			return 0;
	return -1;
}

static int rtl8139_buffers(void)
{
	uint8_t *tx = kalloc_contig(NTXDESC * TX_BUF / PGSIZE);

	rx_ring = kalloc_contig(RX_ALLOC / PGSIZE);
	if (!rx_ring || !tx)
		return -1;
	for (int i = 0; i < NTXDESC; i++)
		tx_buf[i] = tx + i * TX_BUF;
	return 0;
}

static void rtl8139_setup(void)
{
	for (int i = 0; i < 6; i++)
		mac[i] = inb(iobase + IDR0 + i);
	rx_start();
	outl(iobase + TCR, TCR_IFG96 | TCR_MXDMA);
	for (int i = 0; i < NTXDESC; i++)
		outl(iobase + TSAD0 + 4 * i, (uint32_t)tx_buf[i]);
	outl(iobase + MPC, 0);
	outw(iobase + ISR, 0xFFFF);
	outw(iobase + IMR, INT_ALL);
}

int rtl8139_init(rtl8139_rx_fn fn)
{
	const struct pci_dev *d = pci_find(RTL_VENDOR, RTL_DEVICE);
	uint16_t io;

	if (!d || !(d->bar[0] & 1))
		return -1;
	io = (uint16_t)(d->bar[0] & ~3u);
	pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) | PCI_CMD_IO | PCI_CMD_MASTER);
	iobase = io;
	if (rtl8139_reset() < 0 || rtl8139_buffers() < 0) {
		iobase = 0;
		return -1;
	}
	rx_fn = fn;
	rtl8139_setup();
	irq = d->irq;
	if (irq < T_NIRQ)
		trap_irq_register(irq, rtl8139_intr);
	return 0;
}

int rtl8139_present(void) { return iobase != 0; }
void rtl8139_mac(uint8_t out[6]) { memcpy(out, mac, 6); }
const struct rtl8139_stats *rtl8139_stats(void) { return &st; }

void rtl8139_describe(char *buf, size_t cap)
{
	ksnprintf(buf, cap, "io 0x%x irq %u", iobase, irq);
}

/* Promiscuous (RCR.AAP): every frame on the segment, not only ours and
 * broadcasts; the PageServer snoops pages going by (dsm/proto.h, 8.8). */
void rtl8139_promisc(int on)
{
	rcr_extra = on ? RCR_AAP : 0;
	if (iobase)
		outl(iobase + RCR, (inl(iobase + RCR) & ~RCR_AAP) | rcr_extra);
}
