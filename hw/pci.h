/*
 * hw/pci.h - PCI bus 0 behind configuration mechanism #1 (ports 0xCF8 and
 * 0xCFC-0xCFF), its functions' 256-byte configuration spaces, BAR decoding
 * and INTx routing through the PIIX3 PIRQ route registers.
 *
 * A device registers a function with pci_register(), then describes its
 * registers: pci_config_init() for the initial value and write mask of any
 * field, pci_bar_init() for each BAR. The bus keeps the configuration
 * space (it is saved in a "pci" section of its own per function), decodes
 * config cycles, and maps or unmaps a BAR's IoRegion whenever the BAR or
 * the command register's I/O / memory enable bits change; the device's
 * bar_moved hook, if any, then learns the new base.
 *
 *   PciDevice *p = pci_register(bus, PCI_DEVFN(1, 1), &piix_ide_pci, ide);
 *   pci_bar_init(p, 4, 16, PCI_BAR_IO, &ide->bm_io);
 *   pci_set_irq(p, 1);          (INTx, routed by the board's PIRQ router)
 */
#ifndef HW_PCI_H
#define HW_PCI_H

#include "hw/irq.h"
#include "hw/machine.h"

typedef struct PciBus PciBus;
typedef struct PciDevice PciDevice;

#define PCI_DEVFN(slot, fn) (((slot) & 0x1f) << 3 | ((fn) & 7))

/* Configuration header registers (PCI Local Bus Spec 2.1, 6.1). */
enum {
    PCI_VENDOR_ID = 0x00, PCI_DEVICE_ID = 0x02, PCI_COMMAND = 0x04,
    PCI_STATUS = 0x06, PCI_REVISION = 0x08, PCI_PROG_IF = 0x09,
    PCI_SUBCLASS = 0x0a, PCI_CLASS = 0x0b, PCI_CACHE_LINE = 0x0c,
    PCI_LATENCY = 0x0d, PCI_HEADER_TYPE = 0x0e, PCI_BAR0 = 0x10,
    PCI_SUBSYS_VENDOR = 0x2c, PCI_SUBSYS_ID = 0x2e, PCI_ROM = 0x30,
    PCI_INT_LINE = 0x3c, PCI_INT_PIN = 0x3d,
};

/* Command register bits. */
#define PCI_CMD_IO      0x0001
#define PCI_CMD_MEM     0x0002
#define PCI_CMD_MASTER  0x0004

/* BAR kinds for pci_bar_init. */
#define PCI_BAR_IO      0x01
#define PCI_BAR_MEM     0x00

/* Interrupt pins (config 0x3D). */
enum { PCI_PIN_NONE, PCI_PIN_A, PCI_PIN_B, PCI_PIN_C, PCI_PIN_D };

typedef struct PciDeviceInfo {
    const char *name;           /* "i440fx", "piix3", "piix3-ide" */
    uint16_t vendor_id, device_id;
    uint8_t  revision;
    uint32_t class_code;        /* class << 16 | subclass << 8 | prog-if */
    uint8_t  int_pin;           /* PCI_PIN_* */
    /* Optional: called after a guest config write landed in the space
     * (off and size as the guest wrote them). */
    void (*config_write)(void *dev, unsigned off, uint32_t val, unsigned size);
    /* Optional: BAR 'bar' now decodes at 'base', or not at all (base 0). */
    void (*bar_moved)(void *dev, int bar, uint32_t base);
} PciDeviceInfo;

/*
 * Bus 0 with its config ports at 0xCF8-0xCFF. isa_irq (16 lines, may be
 * NULL) are the interrupt controller inputs PIRQ routing can drive.
 */
PciBus *pci_bus_create(Machine *m, const IrqLine *isa_irq);

/*
 * Register function devfn (PCI_DEVFN(slot, fn)) with the header of 'info'.
 * 'dev' is handed back to the hooks. Registering a function other than 0
 * marks function 0 of the slot multi-function. Returns NULL if devfn is
 * taken.
 */
PciDevice *pci_register(PciBus *bus, int devfn, const PciDeviceInfo *info, void *dev);

/* Initial (reset) value and guest write mask of 'size' bytes at 'off'. */
void pci_config_init(PciDevice *d, unsigned off, uint32_t val, unsigned size, uint32_t wmask);

/* Raw access for the owning device (no hooks, no masks). */
uint32_t pci_config_get(PciDevice *d, unsigned off, unsigned size);
void pci_config_set(PciDevice *d, unsigned off, uint32_t val, unsigned size);

/*
 * BAR 'bar' (0-5) decodes 'size' bytes (a power of two; I/O at least 4,
 * memory at least 4096) of I/O or memory space through 'r' (may be NULL
 * when the device only wants bar_moved).
 */
void pci_bar_init(PciDevice *d, int bar, uint32_t size, unsigned kind, IoRegion *r);
/* Where BAR 'bar' decodes now (0: nowhere). */
uint32_t pci_bar_base(PciDevice *d, int bar);
/* Command register's bus master enable. */
bool pci_bus_master(PciDevice *d);

/* Drive the function's INTx pin (level). */
void pci_set_irq(PciDevice *d, int level);

/*
 * The PIRQ router: 4 route registers at route_reg.. in router's config
 * space (PIIX3: 0x60-0x63, bit 7 = disabled, bits 3:0 = ISA IRQ). Slot s
 * pin p (1 = INTA) drives PIRQ (s - 1 + p - 1) mod 4, the i440FX board
 * swizzle the BIOS programs interrupt lines by.
 */
void pci_set_pirq_router(PciBus *bus, PciDevice *router, unsigned route_reg);
int pci_slot_pirq(int devfn, int pin);

/* Config cycle helpers for tests and the board (mechanism #1 semantics). */
uint32_t pci_bus_config_read(PciBus *bus, int devfn, unsigned off, unsigned size);
void pci_bus_config_write(PciBus *bus, int devfn, unsigned off, uint32_t val, unsigned size);

#endif
