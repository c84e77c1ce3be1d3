/*
 * ata.h: the ATA disk on the primary channel of the PCI IDE controller
 * (QEMU's PIIX3/PIIX4 IDE): the master drive only, 512-byte sectors, LBA28
 * or LBA48, PIO or bus-master DMA. Node-local driver.
 *
 * Interface rules:
 * - ata_init runs once at boot, after pci_init and before interrupts are on;
 *   it prints the one line `ata: no disk` or `ata: <model> <N> sectors
 *   (<MB> MB), DMA|PIO`. It never waits long when there is no drive.
 * - ata_read / ata_write block the caller (they wait in wait_until for the
 *   drive's interrupt, every wait bounded by a timeout); call them with
 *   interrupts on, from thread context, never from an interrupt handler.
 *   One request at a time: the driver is not re-entrant.
 * - ATA_DMA buffers are handed to the controller by address: they must be
 *   physically contiguous local memory below KMEM_LOCAL_MAX (kalloc frames or
 *   kernel data; never a heap-range address) and 2-byte aligned. PIO takes
 *   any kernel buffer.
 * - Every call returns ATA_OK (0) or a negative enum ata_err; ata_strerror
 *   names it, and on ATA_EDEVICE ata_stats()->last_error holds the drive's
 *   Error register (ata_error_name decodes it).
 * - After a timeout the channel is reset (SRST) so the next request starts
 *   clean; the data of the failed request is undefined.
 */
#ifndef PLURIX_DRIVERS_ATA_H
#define PLURIX_DRIVERS_ATA_H

#include <stdint.h>

#define ATA_SECTOR_SIZE 512u

enum ata_err {
	ATA_OK = 0,
	ATA_ENODEV = -1,        /* no controller or no ATA drive on it */
	ATA_ETIMEOUT = -2,      /* the drive did not finish in time */
	ATA_EDEVICE = -3,       /* the drive set ERR or DF (see last_error) */
	ATA_ERANGE = -4,        /* lba + count beyond the drive's last sector */
	ATA_EDMA = -5,          /* the bus master reported a PCI abort */
	ATA_EINVAL = -6,        /* count 0, bad buffer, or DMA not available */
};

enum ata_mode { ATA_PIO = 0, ATA_DMA = 1 };

struct ata_info {
	char model[41];         /* IDENTIFY words 27..46, trailing blanks cut */
	uint64_t sectors;       /* addressable sectors (LBA48 count if supported) */
	int lba48;              /* the drive has the 48-bit command set */
	int dma;                /* bus-master DMA usable (controller and drive) */
};

struct ata_stats {
	uint32_t reads;         /* read requests (one per drive command) */
	uint32_t writes;        /* write requests */
	uint32_t flushes;       /* cache flushes */
	uint64_t sectors_read;
	uint64_t sectors_written;
	uint32_t errors;        /* requests that failed, timeouts included */
	uint32_t timeouts;      /* waits that ran out (the channel was reset) */
	uint32_t irqs;          /* IRQ 14 interrupts taken */
	uint32_t late_wakeups;  /* waits that saw their interrupt > 1 ms late: background
				   work ran meanwhile (a lost wake-up cannot happen) */
	uint8_t last_status;    /* Status register of the last failed request */
	uint8_t last_error;     /* Error register of the last failed request */
};

int ata_init(void);             /* 0: a drive is ready; ATA_ENODEV: none */
int ata_present(void);
const struct ata_info *ata_info(void);
const struct ata_stats *ata_stats(void);

int ata_read(uint64_t lba, uint32_t count, void *buf, enum ata_mode mode);
int ata_write(uint64_t lba, uint32_t count, const void *buf, enum ata_mode mode);
int ata_flush(void);            /* FLUSH CACHE (EXT): data reaches the medium */
/* n scattered page frames to consecutive sectors from lba, DMA only. */
#define ATA_PAGE_SECTORS 8u
int ata_write_pages(uint64_t lba, const void *const *pages, uint32_t n);

const char *ata_strerror(int err);
const char *ata_error_name(uint8_t error_reg);  /* the first bit set, e.g. "ABRT" */

#endif
