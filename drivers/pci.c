/*
 * pci.c: PCI enumeration (PCI Local Bus Spec 3.0, 3.2.2.3.2: configuration
 * mechanism #1). Owns ports 0xCF8/0xCFC and the device table. Scans every
 * bus/device/function once at boot (bounded: 256 x 32 x 8); only functions
 * of multi-function devices beyond 0 are probed.
 */
#include "drivers/pci.h"
#include "kernel/kernel.h"
#include "kernel/param.h"
#include "kernel/x86.h"

#define PCI_CONFIG_ADDRESS 0xCF8    /* enable bit 31, bus, dev, fn, register */
#define PCI_CONFIG_DATA    0xCFC
#define PCI_VENDOR_ID      0x00     /* 16: vendor, 16: device */
#define PCI_CLASS          0x08     /* 8: rev, 8: prog-if, 8: subclass, 8: class */
#define PCI_HEADER_TYPE    0x0E     /* 8: bit 7 = multi-function */
#define PCI_BAR0           0x10     /* six 32-bit base address registers */
#define PCI_INTERRUPT_LINE 0x3C     /* 8: IRQ routed by the firmware */

static struct pci_dev devs[PCI_DEVS_MAX];
static int ndevs;

static uint32_t cfg_read(uint8_t bus, uint8_t dev, uint8_t fn, uint8_t off)
{
	outl(PCI_CONFIG_ADDRESS, 0x80000000u | (uint32_t)bus << 16 |
	     (uint32_t)dev << 11 | (uint32_t)fn << 8 | (off & 0xFC));
	return inl(PCI_CONFIG_DATA);
}

uint32_t pci_read32(const struct pci_dev *d, uint8_t off)
{
	return cfg_read(d->bus, d->dev, d->fn, off);
}

uint16_t pci_read16(const struct pci_dev *d, uint8_t off)
{
	return (uint16_t)(pci_read32(d, off) >> ((off & 2) * 8));
}

void pci_write16(const struct pci_dev *d, uint8_t off, uint16_t v)
{
	outl(PCI_CONFIG_ADDRESS, 0x80000000u | (uint32_t)d->bus << 16 |
	     (uint32_t)d->dev << 11 | (uint32_t)d->fn << 8 | (off & 0xFC));
	outw((uint16_t)(PCI_CONFIG_DATA + (off & 2)), v);
}

static void pci_add(uint8_t bus, uint8_t dev, uint8_t fn, uint32_t id)
{
	struct pci_dev *d;
	uint32_t cls;

	if (ndevs == PCI_DEVS_MAX)
		return;
	d = &devs[ndevs++];
	d->bus = bus;
	d->dev = dev;
	d->fn = fn;
	d->vendor = (uint16_t)id;
	d->device = (uint16_t)(id >> 16);
	cls = cfg_read(bus, dev, fn, PCI_CLASS);
	d->class = (uint8_t)(cls >> 24);
	d->subclass = (uint8_t)(cls >> 16);
	d->irq = (uint8_t)cfg_read(bus, dev, fn, PCI_INTERRUPT_LINE);
	for (int i = 0; i < 6; i++)
		d->bar[i] = cfg_read(bus, dev, fn, (uint8_t)(PCI_BAR0 + 4 * i));
}

static void pci_scan_dev(uint8_t bus, uint8_t dev)
{
	uint32_t id = cfg_read(bus, dev, 0, PCI_VENDOR_ID);
	int nfn;

	if ((id & 0xFFFF) == 0xFFFF)
		return;
	nfn = (cfg_read(bus, dev, 0, PCI_HEADER_TYPE & 0xFC) >> 16) & 0x80 ? 8 : 1;
	for (int fn = 0; fn < nfn; fn++) {
		if (fn)
			id = cfg_read(bus, dev, (uint8_t)fn, PCI_VENDOR_ID);
		if ((id & 0xFFFF) != 0xFFFF)
			pci_add(bus, dev, (uint8_t)fn, id);
	}
}

void pci_init(void)
{
	for (int bus = 0; bus < 256; bus++)
		for (int dev = 0; dev < 32; dev++)
			pci_scan_dev((uint8_t)bus, (uint8_t)dev);
}

int pci_count(void) { return ndevs; }
const struct pci_dev *pci_get(int i) { return i >= 0 && i < ndevs ? &devs[i] : NULL; }

const struct pci_dev *pci_find(uint16_t vendor, uint16_t device)
{
	for (int i = 0; i < ndevs; i++)
		if (devs[i].vendor == vendor && devs[i].device == device)
			return &devs[i];
	return NULL;
}
