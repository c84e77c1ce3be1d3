/*
 * pci.h: PCI configuration space through mechanism #1 (ports 0xCF8/0xCFC)
 * and a table of the functions found at boot.
 */
#ifndef PLURIX_DRIVERS_PCI_H
#define PLURIX_DRIVERS_PCI_H

#include <stdint.h>

struct pci_dev {
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint8_t class, subclass;
	uint8_t irq;            /* interrupt line (config 0x3C), 0xFF = none */
	uint32_t bar[6];
};

#define PCI_COMMAND     0x04    /* config: 16-bit command register */
#define PCI_CMD_IO      0x0001  /* command: I/O space enable */
#define PCI_CMD_MEM     0x0002  /* command: memory space enable */
#define PCI_CMD_MASTER  0x0004  /* command: bus master (DMA) enable */

void pci_init(void);            /* enumerate every bus into the table */
int pci_count(void);
const struct pci_dev *pci_get(int i);
const struct pci_dev *pci_find(uint16_t vendor, uint16_t device);
uint32_t pci_read32(const struct pci_dev *d, uint8_t off);
void pci_write16(const struct pci_dev *d, uint8_t off, uint16_t v);
uint16_t pci_read16(const struct pci_dev *d, uint8_t off);

#endif
