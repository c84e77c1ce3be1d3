/*
 * ata.c: ATA disk driver for the primary channel of a PCI IDE controller in
 * compatibility mode (QEMU's PIIX3/PIIX4 IDE). References: ATA/ATAPI-6
 * (T13/1410D) for the task file, the commands and IDENTIFY DEVICE; Intel
 * 82371AB PIIX4 datasheet, 5.2 and 2.7, for the bus-master IDE registers and
 * the physical region descriptor (PRD) table. Node-local: it owns ports
 * 0x1F0-0x1F7 and 0x3F6, the bus-master registers at BAR4, IRQ 14, and one
 * local frame holding the PRD table. It must not touch the secondary channel
 * (QEMU's default CD-ROM lives there) or any other device.
 *
 * Every request is one drive command of at most CMD_SECTORS_MAX sectors
 * (CMD_SECTORS_MAX48 for DMA on an LBA48 drive; larger requests are split).
 * ata_write_pages gathers scattered page frames into one DMA command, one
 * PRD entry each (a PageServer writes heap frames where they are). Completion is interrupt-driven: the IRQ 14
 * handler latches Status and the bus-master status and sets irq_seen; the
 * caller waits in wait_until until then or until its deadline (TSC). PIO
 * data-in raises one interrupt per sector; PIO data-out polls DRQ for the
 * first sector, then gets one interrupt per sector written. A wait that runs
 * out resets the channel (SRST) so the drive is usable again.
 *
 * Not done (QEMU does not need it): SET FEATURES to pick a transfer mode and
 * the PIIX timing registers, which real hardware wants before UDMA.
 */
#include "drivers/ata.h"
#include "drivers/pci.h"
#include "kernel/kalloc.h"
#include "kernel/kernel.h"
#include "kernel/memlayout.h"
#include "kernel/time.h"
#include "kernel/param.h"
#include "kernel/trap.h"
#include "kernel/wait.h"
#include "kernel/x86.h"

/* Command block registers, primary channel in compatibility mode. */
#define ATA_DATA     0x1F0  /* Data: 16-bit PIO transfers */
#define ATA_ERROR    0x1F1  /* Error (read): why ERR was set */
#define ATA_FEATURES 0x1F1  /* Features (write) */
#define ATA_SECCOUNT 0x1F2  /* Sector Count (LBA48: written twice, high byte first) */
#define ATA_LBA_LOW  0x1F3  /* LBA Low: bits 0..7 (LBA48 previous: 24..31) */
#define ATA_LBA_MID  0x1F4  /* LBA Mid: bits 8..15 (previous: 32..39) */
#define ATA_LBA_HIGH 0x1F5  /* LBA High: bits 16..23 (previous: 40..47) */
#define ATA_DEVICE   0x1F6  /* Device: LBA mode, DEV (0 = master), LBA28 bits 24..27 */
#define ATA_STATUS   0x1F7  /* Status (read): reading it clears INTRQ */
#define ATA_COMMAND  0x1F7  /* Command (write) */
/* Control block register. */
#define ATA_ALTSTATUS 0x3F6 /* Alternate Status (read): Status, INTRQ untouched */
#define ATA_DEVCTL   0x3F6  /* Device Control (write) */
#define ATA_IRQ      14     /* primary channel interrupt (ISA IRQ 14, edge) */

/* Status bits */
#define ST_BSY   0x80       /* busy: no other bit is valid */
#define ST_DRDY  0x40       /* device ready */
#define ST_DF    0x20       /* device fault */
#define ST_DRQ   0x08       /* data request: PIO data may move */
#define ST_ERR   0x01       /* error: see the Error register */
/* Device Control bits */
#define CTL_NIEN 0x02       /* INTRQ disabled */
#define CTL_SRST 0x04       /* software reset of both drives */
/* Device register */
#define DEV_LBA28 0xE0      /* LBA mode, master, obsolete bits 7 and 5 set */
#define DEV_LBA48 0x40      /* LBA mode, master */
#define DEV_MASTER 0xA0     /* select the master (CHS bits, for probing) */
/* Error register bits */
#define ER_ICRC  0x80       /* interface CRC error */
#define ER_UNC   0x40       /* uncorrectable data error */
#define ER_MC    0x20       /* media changed */
#define ER_IDNF  0x10       /* ID not found: address out of range */
#define ER_MCR   0x08       /* media change request */
#define ER_ABRT  0x04       /* command aborted */
#define ER_NM    0x02       /* no media */
#define ER_AMNF  0x01       /* address mark not found */

/* Commands (ATA/ATAPI-6, 8) */
#define CMD_IDENTIFY        0xEC
#define CMD_READ_SECTORS    0x20
#define CMD_READ_SECTORS_EXT 0x24
#define CMD_WRITE_SECTORS   0x30
#define CMD_WRITE_SECTORS_EXT 0x34
#define CMD_READ_DMA        0xC8
#define CMD_READ_DMA_EXT    0x25
#define CMD_WRITE_DMA       0xCA
#define CMD_WRITE_DMA_EXT   0x35
#define CMD_FLUSH_CACHE     0xE7
#define CMD_FLUSH_CACHE_EXT 0xEA

/* IDENTIFY DEVICE words */
#define ID_MODEL      27    /* words 27..46: model, two ASCII bytes per word, high first */
#define ID_CAPS       49    /* bit 9: LBA, bit 8: DMA */
#define ID_LBA28      60    /* words 60..61: LBA28 addressable sectors */
#define ID_CMDSET2    83    /* bit 10: 48-bit address feature set */
#define ID_LBA48      100   /* words 100..103: LBA48 addressable sectors */
#define ID_CAPS_LBA   0x0200
#define ID_CAPS_DMA   0x0100
#define ID_CMDSET2_LBA48 0x0400

/* Bus-master IDE registers (PIIX4 5.2), offsets from BAR4, primary channel. */
#define BMICX    0x00       /* Bus Master IDE Command */
#define BMISX    0x02       /* Bus Master IDE Status */
#define BMIDTPX  0x04       /* Descriptor Table Pointer (dword aligned) */
#define BMICX_SSBM  0x01    /* start/stop bus master */
#define BMICX_RWCON 0x08    /* 1: bus master writes memory (a disk read) */
#define BMISX_ACTIVE 0x01   /* BMIDEA: bus master active */
#define BMISX_ERR   0x02    /* DMA error (PCI target/master abort), write 1 clears */
#define BMISX_INTS  0x04    /* IDEINTS: the drive raised its interrupt, write 1 clears */
#define BMISX_CAP   0x60    /* DMA0CAP/DMA1CAP: software flags, preserved */
#define PRD_EOT     0x8000  /* last descriptor of the table */
#define PRD_MAX     (PGSIZE / 8)

#define PCI_CLASS_REG     0x08  /* 8: rev, 8: prog-if, 8: subclass, 8: class */
#define PCI_CLASS_STORAGE 0x01
#define PCI_SUBCLASS_IDE  0x01
#define PROGIF_PRI_NATIVE 0x01  /* primary channel in native (PCI) mode */
#define PROGIF_BUSMASTER  0x80  /* bus-master IDE registers at BAR4 */

#define CMD_SECTORS_MAX  256u      /* sectors per drive command (128 KB) */
#define CMD_SECTORS_MAX48 2048u    /* ... DMA on an LBA48 drive (1 MB) */
#define LBA28_LIMIT      0x10000000ull /* LBA28 addresses lie below this */
#define TIMEOUT_CMD_MS   5000u     /* one drive command, data included */
#define TIMEOUT_FLUSH_MS 30000u    /* a cache flush may take seconds on a real drive */
#define TIMEOUT_PROBE_MS 1000u     /* IDENTIFY of a drive that answers at all */
#define TIMEOUT_RESET_MS 2000u     /* BSY after SRST */
#define SPIN_MAX         200000000u /* backstop on every loop besides the TSC deadline */

struct prd {
	uint32_t addr;          /* physical base, even */
	uint16_t count;         /* bytes, even; 0 means 64 KB */
	uint16_t flags;         /* PRD_EOT on the last entry */
};
_Static_assert(sizeof(struct prd) == 8, "PIIX PRD entry is 8 bytes");

static int present;
static uint16_t bmbase;                 /* 0: no bus master, PIO only */
static struct prd *prd;                 /* one local frame, dword aligned, < 64K span */
static struct ata_info info;
static struct ata_stats st;
static volatile int irq_seen;
static volatile uint8_t irq_status;     /* Status read by the interrupt */
static volatile uint8_t irq_bmstatus;   /* BMISX read by the interrupt */
static volatile uint64_t irq_tsc;       /* when the interrupt came */

static uint64_t deadline_ms(uint32_t ms)
{
	return rdtsc() + (uint64_t)ms * time_tsc_per_ms;
}

/* The drive needs 400 ns after a Device or Command write before Status is
 * valid: four Alternate Status reads of >= 100 ns each on an ISA-timed port. */
static void delay400(void)
{
	for (int i = 0; i < 4; i++)
		(void)inb(ATA_ALTSTATUS);
}

static void delay_us(uint32_t us)
{
	uint64_t end = rdtsc() + (uint64_t)us * time_tsc_per_ms / 1000;

	for (uint32_t i = 0; i < SPIN_MAX && rdtsc() < end; i++)
		;
}

static void pio_in(void *buf)
{
	uint32_t n = ATA_SECTOR_SIZE / 2;

	__asm__ volatile("rep insw" : "+D"(buf), "+c"(n) : "d"(ATA_DATA) : "memory");
}

static void pio_out(const void *buf)
{
	uint32_t n = ATA_SECTOR_SIZE / 2;

	__asm__ volatile("rep outsw" : "+S"(buf), "+c"(n) : "d"(ATA_DATA) : "memory");
}

/* Poll Alternate Status until BSY is clear and (status & mask) == want, or
 * ERR/DF is set; *out is the last status. ATA_ETIMEOUT past the deadline. */
static int ata_poll(uint8_t mask, uint8_t want, uint64_t deadline, uint8_t *out)
{
	uint8_t s = 0;

	for (uint32_t i = 0; i < SPIN_MAX; i++) {
		s = inb(ATA_ALTSTATUS);
		if (!(s & ST_BSY) && ((s & (ST_ERR | ST_DF)) || (s & mask) == want)) {
			*out = s;
			return ATA_OK;
		}
		if (rdtsc() > deadline)
			break;
	}
	*out = s;
	return ATA_ETIMEOUT;
}

/* IRQ 14. Reading Status deasserts INTRQ; IDEINTS is cleared (write 1)
 * without touching the DMA error bit, which the waiter reads from the copy. */
static void ata_intr(void)
{
	uint8_t bms = 0;

	st.irqs++;
	if (bmbase)
		bms = inb(bmbase + BMISX);
	irq_status = inb(ATA_STATUS);
	if (bmbase)
		outb(bmbase + BMISX, (bms & BMISX_CAP) | BMISX_INTS);
	irq_bmstatus = bms;
	irq_tsc = rdtsc();
	irq_seen = 1;
}

static int irq_came(void *arg)
{
	(void)arg;
	return irq_seen;
}

/* Sleep until the interrupt came or the deadline passed (wait_until tests
 * irq_seen with interrupts off before it halts: no wake-up is lost). A wait
 * that saw its interrupt more than 1 ms late is counted as late_wakeups:
 * the background work wait_until ran (queued frames) took that long. */
static int ata_wait_irq(uint64_t deadline)
{
	uint64_t now = rdtsc();
	uint32_t ticks = now >= deadline ? 0 :
			 (uint32_t)((deadline - now) / time_tsc_per_ms * PIT_HZ / 1000u) + 1u;

	if (wait_until(irq_came, 0, ticks) < 0)
		return ATA_ETIMEOUT;
	if (rdtsc() - irq_tsc > time_tsc_per_ms)
		st.late_wakeups++;
	return ATA_OK;
}

/* Software reset of the channel after a timeout: stop the bus master,
 * pulse SRST (>= 5 us), wait for BSY to clear, select the master again. */
static void ata_reset(void)
{
	uint8_t s;

	if (bmbase)
		outb(bmbase + BMICX, 0);
	outb(ATA_DEVCTL, CTL_SRST | CTL_NIEN);
	delay_us(10);
	outb(ATA_DEVCTL, 0);
	delay_us(2000);
	(void)ata_poll(ST_BSY, 0, deadline_ms(TIMEOUT_RESET_MS), &s);
	outb(ATA_DEVICE, DEV_LBA28);
	(void)inb(ATA_STATUS);          /* drop an INTRQ the reset left behind */
}

/* Count a failed request and keep its registers for `disk`. */
static int ata_fail(int err, uint8_t status)
{
	st.errors++;
	st.last_status = status;
	st.last_error = (status & ST_ERR) ? inb(ATA_ERROR) : 0;
	if (err == ATA_ETIMEOUT) {
		st.timeouts++;
		ata_reset();
	}
	return err;
}

static int use_lba48(uint64_t lba, uint32_t n)
{
	return info.lba48 && (lba + n > LBA28_LIMIT || n > CMD_SECTORS_MAX);
}

static uint32_t cmd_sectors(enum ata_mode mode)
{
	return mode == ATA_DMA && info.lba48 ? CMD_SECTORS_MAX48 : CMD_SECTORS_MAX;
}

/* Load the task file and write the command (LBA48 form when the range
 * needs it). irq_seen is cleared just before the Command write. */
static int ata_issue(uint8_t cmd28, uint8_t cmd48, uint64_t lba, uint32_t n,
		     uint64_t deadline, uint8_t *status)
{
	int big = use_lba48(lba, n);

	outb(ATA_DEVICE, big ? DEV_LBA48 : (uint8_t)(DEV_LBA28 | ((lba >> 24) & 0x0F)));
	delay400();
	if (ata_poll(ST_BSY | ST_DRQ, 0, deadline, status) < 0)
		return ATA_ETIMEOUT;
	if (big) {                      /* the "previous" bytes first */
		outb(ATA_SECCOUNT, (uint8_t)(n >> 8));
		outb(ATA_LBA_LOW, (uint8_t)(lba >> 24));
		outb(ATA_LBA_MID, (uint8_t)(lba >> 32));
		outb(ATA_LBA_HIGH, (uint8_t)(lba >> 40));
	}
	outb(ATA_SECCOUNT, (uint8_t)n);         /* LBA28: 0 means 256 */
	outb(ATA_LBA_LOW, (uint8_t)lba);
	outb(ATA_LBA_MID, (uint8_t)(lba >> 8));
	outb(ATA_LBA_HIGH, (uint8_t)(lba >> 16));
	irq_seen = 0;
	outb(ATA_COMMAND, big ? cmd48 : cmd28);
	return ATA_OK;
}

/* Status after an interrupt: ERR or DF, or DRQ not as expected, fails. */
static int check_status(uint8_t s, uint8_t drq)
{
	if ((s & (ST_ERR | ST_DF)) || (s & ST_DRQ) != drq)
		return ATA_EDEVICE;
	return ATA_OK;
}

static int pio_read(uint64_t lba, uint32_t n, uint8_t *buf, uint8_t *status)
{
	uint64_t deadline = deadline_ms(TIMEOUT_CMD_MS);
	int r = ata_issue(CMD_READ_SECTORS, CMD_READ_SECTORS_EXT, lba, n, deadline, status);

	for (uint32_t i = 0; r == ATA_OK && i < n; i++) {
		r = ata_wait_irq(deadline);
		*status = r ? inb(ATA_ALTSTATUS) : irq_status;
		if (r == ATA_OK)
			r = check_status(*status, ST_DRQ);
		if (r == ATA_OK) {
			irq_seen = 0;   /* before the data: the next sector interrupts after it */
			pio_in(buf + (size_t)i * ATA_SECTOR_SIZE);
		}
	}
	return r;
}

static int pio_write(uint64_t lba, uint32_t n, const uint8_t *buf, uint8_t *status)
{
	uint64_t deadline = deadline_ms(TIMEOUT_CMD_MS);
	int r = ata_issue(CMD_WRITE_SECTORS, CMD_WRITE_SECTORS_EXT, lba, n, deadline, status);

	for (uint32_t i = 0; r == ATA_OK && i <= n; i++) {
		if (i == 0) {           /* no interrupt before the first sector */
			r = ata_poll(ST_DRQ, ST_DRQ, deadline, status);
		} else {
			r = ata_wait_irq(deadline);
			*status = r ? inb(ATA_ALTSTATUS) : irq_status;
		}
		if (r == ATA_OK)
			r = check_status(*status, i < n ? ST_DRQ : 0);
		if (r == ATA_OK && i < n) {
			irq_seen = 0;
			pio_out(buf + (size_t)i * ATA_SECTOR_SIZE);
		}
	}
	return r;
}

/* Describe [pa, pa + bytes) in the PRD table, no entry crossing 64 KB. */
static void prd_fill(uint32_t pa, uint32_t bytes)
{
	uint32_t i = 0;

	for (; bytes && i < PRD_MAX; i++) {
		uint32_t room = 0x10000u - (pa & 0xFFFFu);
		uint32_t n = bytes < room ? bytes : room;

		prd[i].addr = pa;
		prd[i].count = (uint16_t)n;     /* 64 KB wraps to 0, as the PIIX wants */
		prd[i].flags = 0;
		pa += n;
		bytes -= n;
	}
	prd[i - 1].flags = PRD_EOT;
}

/* One DMA command over the PRD table as filled. */
static int dma_run(uint64_t lba, uint32_t n, int write, uint8_t *status)
{
	uint64_t deadline = deadline_ms(TIMEOUT_CMD_MS);
	uint8_t dir = write ? 0 : BMICX_RWCON;
	int r;

	outb(bmbase + BMICX, dir);                      /* stopped, direction set */
	outl(bmbase + BMIDTPX, (uint32_t)prd);
	outb(bmbase + BMISX, (inb(bmbase + BMISX) & BMISX_CAP) | BMISX_INTS | BMISX_ERR);
	r = write ? ata_issue(CMD_WRITE_DMA, CMD_WRITE_DMA_EXT, lba, n, deadline, status)
		  : ata_issue(CMD_READ_DMA, CMD_READ_DMA_EXT, lba, n, deadline, status);
	if (r)
		return r;
	outb(bmbase + BMICX, dir | BMICX_SSBM);
	r = ata_wait_irq(deadline);
	outb(bmbase + BMICX, dir);                      /* the drive is done (or gave up) */
	*status = r ? inb(ATA_ALTSTATUS) : irq_status;
	if (r)
		return r;
	if (irq_bmstatus & BMISX_ERR)
		return ATA_EDMA;
	return check_status(*status, 0);
}

static int dma_xfer(uint64_t lba, uint32_t n, uint8_t *buf, int write, uint8_t *status)
{
	prd_fill((uint32_t)buf, n * ATA_SECTOR_SIZE);
	return dma_run(lba, n, write, status);
}

/* Arguments first, no side effects: drive, count, range, buffer. */
static int ata_check(uint64_t lba, uint32_t count, const void *buf, enum ata_mode mode)
{
	uint32_t pa = (uint32_t)buf;

	if (!present)
		return ATA_ENODEV;
	if (count == 0 || !buf)
		return ATA_EINVAL;
	if (lba > info.sectors || count > info.sectors - lba)
		return ATA_ERANGE;
	if (mode == ATA_DMA && (!info.dma || (pa & 1) ||
				(uint64_t)pa + (uint64_t)count * ATA_SECTOR_SIZE > KMEM_LOCAL_MAX))
		return ATA_EINVAL;
	return ATA_OK;
}

static void count_io(uint32_t n, int write)
{
	if (write) {
		st.writes++;
		st.sectors_written += n;
	} else {
		st.reads++;
		st.sectors_read += n;
	}
}

static int ata_request(uint64_t lba, uint32_t count, uint8_t *buf, enum ata_mode mode,
		       int write)
{
	int r = ata_check(lba, count, buf, mode);

	for (uint32_t done = 0; r == ATA_OK && done < count;) {
		uint32_t max = cmd_sectors(mode);
		uint32_t n = count - done < max ? count - done : max;
		uint8_t *p = buf + (size_t)done * ATA_SECTOR_SIZE;
		uint8_t s = 0;

		if (mode == ATA_DMA)
			r = dma_xfer(lba + done, n, p, write, &s);
		else
			r = write ? pio_write(lba + done, n, p, &s) : pio_read(lba + done, n, p, &s);
		if (r)
			return ata_fail(r, s);
		count_io(n, write);
		done += n;
	}
	return r;
}

/* n page frames (4 KB each, page-aligned, in local RAM) to the sectors from
 * lba on, by DMA, as few commands as the PRD table and the drive allow. */
int ata_write_pages(uint64_t lba, const void *const *pages, uint32_t n)
{
	uint32_t per = ATA_PAGE_SECTORS;
	uint32_t chunk = cmd_sectors(ATA_DMA) / per < PRD_MAX ? cmd_sectors(ATA_DMA) / per : PRD_MAX;
	int r = n ? ata_check(lba, n * per, pages[0], ATA_DMA) : ATA_EINVAL;

	for (uint32_t i = 0; r == ATA_OK && i < n; i++)
		if (((uint32_t)pages[i] & (PGSIZE - 1)) || (uint32_t)pages[i] >= KMEM_LOCAL_MAX)
			r = ATA_EINVAL;
	for (uint32_t done = 0; r == ATA_OK && done < n; done += chunk) {
		uint32_t m = n - done < chunk ? n - done : chunk;
		uint8_t s = 0;

		for (uint32_t i = 0; i < m; i++)
			prd[i] = (struct prd){ .addr = (uint32_t)pages[done + i], .count = PGSIZE,
					       .flags = i + 1 == m ? PRD_EOT : 0 };
		r = dma_run(lba + (uint64_t)done * per, m * per, 1, &s);
		if (r)
			return ata_fail(r, s);
		count_io(m * per, 1);
	}
	return r;
}

int ata_read(uint64_t lba, uint32_t count, void *buf, enum ata_mode mode)
{
	return ata_request(lba, count, buf, mode, 0);
}

int ata_write(uint64_t lba, uint32_t count, const void *buf, enum ata_mode mode)
{
	/* the buffer is only read: PIO data-out and DMA to the drive */
	return ata_request(lba, count, (uint8_t *)(uintptr_t)buf, mode, 1);
}

int ata_flush(void)
{
	uint8_t cmd = info.lba48 ? CMD_FLUSH_CACHE_EXT : CMD_FLUSH_CACHE;
	uint64_t deadline = deadline_ms(TIMEOUT_FLUSH_MS);
	uint8_t s = 0;
	int r;

	if (!present)
		return ATA_ENODEV;
	r = ata_issue(cmd, cmd, 0, 0, deadline, &s);
	if (r == ATA_OK)
		r = ata_wait_irq(deadline);
	s = r ? inb(ATA_ALTSTATUS) : irq_status;
	if (r == ATA_OK)
		r = check_status(s, 0);
	if (r)
		return ata_fail(r, s);
	st.flushes++;
	return ATA_OK;
}

/* IDENTIFY DEVICE on the primary master, polled with INTRQ off (interrupts
 * are not on yet at boot). NULL and id[] filled, or why there is no disk.
 * An empty channel reads Status 0x00 (QEMU) or 0xFF (floating bus): no wait. */
static const char *ata_identify(uint16_t *id)
{
	uint64_t deadline = deadline_ms(TIMEOUT_PROBE_MS);
	uint8_t s;

	outb(ATA_DEVCTL, CTL_NIEN);
	outb(ATA_DEVICE, DEV_MASTER);
	delay400();
	s = inb(ATA_STATUS);
	if (s == 0x00 || s == 0xFF)
		return "no drive on the primary channel";
	if (ata_poll(ST_BSY, 0, deadline, &s) < 0)
		return "drive stays busy";
	outb(ATA_SECCOUNT, 0);
	outb(ATA_LBA_LOW, 0);
	outb(ATA_LBA_MID, 0);
	outb(ATA_LBA_HIGH, 0);
	outb(ATA_COMMAND, CMD_IDENTIFY);
	delay400();
	if (inb(ATA_ALTSTATUS) == 0)
		return "no drive on the primary channel";
	if (ata_poll(ST_BSY, 0, deadline, &s) < 0)
		return "IDENTIFY timed out";
	if (inb(ATA_LBA_MID) || inb(ATA_LBA_HIGH))
		return "ATAPI or SATA signature, not an ATA disk";
	if (ata_poll(ST_DRQ, ST_DRQ, deadline, &s) < 0 || (s & (ST_ERR | ST_DF)))
		return "IDENTIFY failed";
	pio_in(id);                     /* 256 words, one sector's worth */
	(void)inb(ATA_STATUS);
	return NULL;
}

static void ata_parse_identify(const uint16_t *id)
{
	int n = 40;

	for (int i = 0; i < 20; i++) {
		info.model[2 * i] = (char)(id[ID_MODEL + i] >> 8);
		info.model[2 * i + 1] = (char)id[ID_MODEL + i];
	}
	for (int i = 0; i < 40; i++)
		if (info.model[i] < 0x20 || info.model[i] > 0x7e)
			info.model[i] = '?';
	while (n > 0 && info.model[n - 1] == ' ')
		n--;
	info.model[n] = '\0';
	info.lba48 = (id[ID_CMDSET2] & ID_CMDSET2_LBA48) != 0;
	if (info.lba48)
		info.sectors = (uint64_t)id[ID_LBA48] | (uint64_t)id[ID_LBA48 + 1] << 16 |
			       (uint64_t)id[ID_LBA48 + 2] << 32 | (uint64_t)id[ID_LBA48 + 3] << 48;
	else
		info.sectors = (uint32_t)id[ID_LBA28] | (uint32_t)id[ID_LBA28 + 1] << 16;
	info.dma = bmbase && prd && (id[ID_CAPS] & ID_CAPS_DMA);
}

/* The first PCI IDE controller; NULL and *why if none we can drive. */
static const struct pci_dev *ata_controller(const char **why)
{
	for (int i = 0; i < pci_count(); i++) {
		const struct pci_dev *d = pci_get(i);
		uint8_t progif;

		if (d->class != PCI_CLASS_STORAGE || d->subclass != PCI_SUBCLASS_IDE)
			continue;
		progif = (uint8_t)(pci_read32(d, PCI_CLASS_REG) >> 8);
		if (progif & PROGIF_PRI_NATIVE) {
			*why = "IDE controller in native mode";
			return NULL;
		}
		if ((progif & PROGIF_BUSMASTER) && (d->bar[4] & 1))
			bmbase = (uint16_t)(d->bar[4] & 0xFFFC);
		pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) | PCI_CMD_IO |
			    (bmbase ? PCI_CMD_MASTER : 0));
		return d;
	}
	*why = "no IDE controller";
	return NULL;
}

int ata_init(void)
{
	static uint16_t id[256];
	const char *why = NULL;

	if (ata_controller(&why) && !(why = ata_identify(id)) && !(id[ID_CAPS] & ID_CAPS_LBA))
		why = "drive without LBA";
	if (why) {
		kprintf("ata: no disk (%s)\n", why);
		return ATA_ENODEV;
	}
	if (bmbase)
		prd = kalloc();
	ata_parse_identify(id);
	present = 1;
	trap_irq_register(ATA_IRQ, ata_intr);
	outb(ATA_DEVCTL, 0);                    /* INTRQ on */
	kprintf("ata: %s %llu sectors (%llu MB), %s\n", info.model, info.sectors,
		info.sectors / (1024 * 1024 / ATA_SECTOR_SIZE), info.dma ? "DMA" : "PIO");
	return ATA_OK;
}

int ata_present(void) { return present; }
const struct ata_info *ata_info(void) { return &info; }
const struct ata_stats *ata_stats(void) { return &st; }

const char *ata_strerror(int err)
{
	switch (err) {
	case ATA_OK: return "ok";
	case ATA_ENODEV: return "no disk";
	case ATA_ETIMEOUT: return "timeout (channel reset)";
	case ATA_EDEVICE: return "device error";
	case ATA_ERANGE: return "LBA range beyond the disk";
	case ATA_EDMA: return "bus-master DMA error";
	case ATA_EINVAL: return "bad request (count, buffer or DMA not available)";
	}
	return "unknown error";
}

const char *ata_error_name(uint8_t e)
{
	static const struct { uint8_t bit; const char *name; } names[] = {
		{ ER_ABRT, "ABRT command aborted" }, { ER_IDNF, "IDNF sector not found" },
		{ ER_UNC, "UNC uncorrectable data" }, { ER_ICRC, "ICRC interface CRC" },
		{ ER_AMNF, "AMNF address mark not found" }, { ER_NM, "NM no media" },
		{ ER_MC, "MC media changed" }, { ER_MCR, "MCR media change request" },
	};

	for (size_t i = 0; i < NELEM(names); i++)
		if (e & names[i].bit)
			return names[i].name;
	return "none";
}
