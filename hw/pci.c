/*
 * hw/pci.c: PCI bus 0, configuration mechanism #1, BAR decoding and INTx
 * routing (the bus half of the i440FX/PIIX3 chipset; see pci.h).
 *
 * Models:      CONFIG_ADDRESS at 0xCF8 (32-bit accesses only; bits 30:24
 *              and 1:0 read 0) and CONFIG_DATA at 0xCFC-0xCFF with any size
 *              and offset; bus 0 only (other bus numbers and absent
 *              functions read all ones, writes vanish); 256-byte config
 *              spaces with per-byte write masks and write-one-to-clear
 *              status bits; the multi-function bit of function 0; BAR size
 *              probing (all ones in, size mask out); I/O and memory BARs
 *              decoded only while the command register's I/O / memory
 *              enable is set and the base is not 0; INTA#-INTD# levels
 *              swizzled per slot onto PIRQA#-PIRQD# and routed to ISA IRQs
 *              by the router's route registers (PIIX3 0x60-0x63); the PIIX3
 *              reset control register at 0xCF9 (RST_CPU requests a reset).
 * Not modeled: configuration mechanism #2, type 1 (bridge) cycles, special
 *              cycles, expansion ROM BARs (read 0), 64-bit and prefetchable
 *              BARs, parity/SERR reporting; memory BARs never decode at or
 *              above 0xFEC00000 and I/O BARs never over 0xCF8-0xCFF
 *              (LIMITATION: the address spaces cannot stack regions, so a
 *              BAR placed over other ports or memory hides them, and moving
 *              it away leaves that range unclaimed).
 * Spec:        PCI Local Bus Specification 2.1, 3.7.4 "Configuration
 *              Mechanism #1", 6.1-6.2 (header), 6.2.5 (base addresses);
 *              Intel 82371SB (PIIX3) datasheet, 2.2.7 PIRQRC and 4.1.16
 *              reset control register.
 */
#include "hw/pci.h"

/* ---- Registers -------------------------------------------------------------- */
enum { PCI_PORT_ADDRESS = 0, PCI_PORT_RCR = 1, PCI_PORT_DATA = 4 };
#define PCI_ADDR_ENABLE   0x80000000u
#define PCI_ADDR_MASK     0x80fffffcu   /* bits 30:24 and 1:0 read 0 */
#define PIIX_RCR_RST_CPU  0x04
#define PCI_MEM_LIMIT     0xfec00000u
#define PCI_STATUS_W1C    0xf900u       /* parity, SERR, aborts: write 1 to clear */

/* ---- State ------------------------------------------------------------------ */
typedef struct PciBar {
    IoRegion *r;
    uint32_t  size;             /* 0: no BAR */
    uint8_t   kind;             /* PCI_BAR_IO / PCI_BAR_MEM */
    uint32_t  mapped;           /* where r is mapped now, 0 = nowhere */
} PciBar;

struct PciDevice {
    uint8_t  config[256];
    uint8_t  irq_level;         /* INTx as the function drives it */
    /* wiring: never saved */
    uint8_t  init[256], wmask[256], w1cmask[256];
    PciBus  *bus;
    const PciDeviceInfo *info;
    void    *dev;
    int      devfn;
    PciBar   bar[6];
    DeviceInfo dinfo;           /* "pci-<name>" section for this function */
    char     name[32];
};

struct PciBus {
    uint32_t config_addr;       /* CONFIG_ADDRESS */
    uint8_t  rcr;               /* PIIX3 reset control (0xCF9) */
    uint16_t isa_level;         /* ISA IRQs driven high by PIRQ routing */
    /* wiring: never saved */
    Machine   *m;
    IrqLine    isa_irq[16];
    PciDevice *dev[256];
    PciDevice *router;
    unsigned   route_reg;
    IoRegion   io;
};

/* ---- Snapshot ---------------------------------------------------------------- */
static const StateField pci_bus_fields[] = {
    SF_INT(PciBus, config_addr), SF_INT(PciBus, rcr), SF_INT(PciBus, isa_level),
    SF_END
};
static const StateField pci_dev_fields[] = {
    SF_BYTES(PciDevice, config), SF_INT(PciDevice, irq_level),
    SF_END
};

/* ---- Bus logic: IRQ routing and BAR decoding ---------------------------------- */
int pci_slot_pirq(int devfn, int pin)
{
    return (int)(((unsigned)devfn >> 3) + (unsigned)pin + 2u) & 3;
}

static bool pirq_irq_valid(unsigned irq)
{
    /* PIIX3 PIRQRC: IRQ 3-7, 9-12, 14, 15 (0-2, 8 and 13 are reserved). */
    return irq >= 3 && irq != 8 && irq != 13 && irq <= 15;
}

static void update_irqs(PciBus *bus)
{
    unsigned pirq = 0;
    for (int i = 0; i < 256; i++) {
        PciDevice *d = bus->dev[i];
        uint8_t pin = d ? d->config[PCI_INT_PIN] : 0;
        if (d && d->irq_level && pin >= PCI_PIN_A && pin <= PCI_PIN_D)
            pirq |= 1u << pci_slot_pirq(i, pin);
    }
    uint16_t isa = 0;
    for (int p = 0; p < 4 && bus->router; p++) {
        uint8_t route = bus->router->config[bus->route_reg + p];
        if ((pirq & (1u << p)) && !(route & 0x80) && pirq_irq_valid(route & 15))
            isa |= (uint16_t)(1u << (route & 15));
    }
    uint16_t changed = isa ^ bus->isa_level;
    bus->isa_level = isa;
    for (int i = 0; i < 16; i++)
        if (changed & (1u << i))
            irq_set(bus->isa_irq[i], (isa >> i) & 1);
}

static uint32_t bar_decode(PciDevice *d, int i)
{
    PciBar *b = &d->bar[i];
    uint16_t cmd = (uint16_t)pci_config_get(d, PCI_COMMAND, 2);
    uint32_t raw = pci_config_get(d, PCI_BAR0 + 4 * i, 4);
    if (b->kind == PCI_BAR_IO) {
        uint32_t base = raw & ~3u;
        if (!(cmd & PCI_CMD_IO) || !base || base + b->size > 0x10000 ||
            (base < 0xd00 && base + b->size > 0xcf8))
            return 0;               /* the config ports stay the bridge's */
        return base;
    }
    uint32_t base = raw & ~15u;
    if (!(cmd & PCI_CMD_MEM) || !base || base >= PCI_MEM_LIMIT ||
        b->size > PCI_MEM_LIMIT - base)
        return 0;
    return base;
}

static void update_bar(PciDevice *d, int i)
{
    PciBar *b = &d->bar[i];
    if (!b->size)
        return;
    uint32_t want = bar_decode(d, i);
    if (want == b->mapped)
        return;
    AddrSpace *as = b->kind == PCI_BAR_IO ? machine_io(d->bus->m) : machine_mem(d->bus->m);
    if (b->r && b->mapped)
        io_unmap(as, b->r);
    if (b->r && want)
        io_map(as, b->r, want, b->size);
    b->mapped = want;
    if (d->info->bar_moved)
        d->info->bar_moved(d->dev, i, want);
}

static void update_bars(PciDevice *d)
{
    for (int i = 0; i < 6; i++)
        update_bar(d, i);
}

/* ---- Config space access --------------------------------------------------------- */
uint32_t pci_config_get(PciDevice *d, unsigned off, unsigned size)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < size && off + i < 256; i++)
        v |= (uint32_t)d->config[off + i] << (8 * i);
    return v;
}

void pci_config_set(PciDevice *d, unsigned off, uint32_t val, unsigned size)
{
    for (unsigned i = 0; i < size && off + i < 256; i++)
        d->config[off + i] = (uint8_t)(val >> (8 * i));
}

void pci_config_init(PciDevice *d, unsigned off, uint32_t val, unsigned size, uint32_t wmask)
{
    for (unsigned i = 0; i < size && off + i < 256; i++) {
        d->init[off + i] = d->config[off + i] = (uint8_t)(val >> (8 * i));
        d->wmask[off + i] = (uint8_t)(wmask >> (8 * i));
    }
}

static bool overlaps(unsigned off, unsigned size, unsigned lo, unsigned len)
{
    return off < lo + len && lo < off + size;
}

uint32_t pci_bus_config_read(PciBus *bus, int devfn, unsigned off, unsigned size)
{
    PciDevice *d = devfn >= 0 && devfn < 256 ? bus->dev[devfn] : NULL;
    if (!d)
        return 0xffffffffu >> (32 - 8 * size);
    return pci_config_get(d, off & 0xff, size);
}

void pci_bus_config_write(PciBus *bus, int devfn, unsigned off, uint32_t val, unsigned size)
{
    PciDevice *d = devfn >= 0 && devfn < 256 ? bus->dev[devfn] : NULL;
    if (!d)
        return;
    off &= 0xff;
    for (unsigned i = 0; i < size && off + i < 256; i++) {
        uint8_t v = (uint8_t)(val >> (8 * i));
        uint8_t *c = &d->config[off + i];
        *c = (uint8_t)((*c & ~d->wmask[off + i]) | (v & d->wmask[off + i]));
        *c &= (uint8_t)~(v & d->w1cmask[off + i]);
    }
    if (overlaps(off, size, PCI_COMMAND, 2) || overlaps(off, size, PCI_BAR0, 24))
        update_bars(d);
    if (d == bus->router && overlaps(off, size, bus->route_reg, 4))
        update_irqs(bus);
    if (d->info->config_write)
        d->info->config_write(d->dev, off, val, size);
}

/* ---- Guest-visible registers: 0xCF8-0xCFF ------------------------------------------ */
static uint32_t data_read(PciBus *bus, unsigned byte, unsigned size)
{
    uint32_t a = bus->config_addr;
    if (!(a & PCI_ADDR_ENABLE) || ((a >> 16) & 0xff) != 0)
        return 0xffffffffu >> (32 - 8 * size);
    return pci_bus_config_read(bus, (a >> 8) & 0xff, (a & 0xfc) + byte, size);
}

static void data_write(PciBus *bus, unsigned byte, uint32_t val, unsigned size)
{
    uint32_t a = bus->config_addr;
    if (!(a & PCI_ADDR_ENABLE) || ((a >> 16) & 0xff) != 0)
        return;
    pci_bus_config_write(bus, (a >> 8) & 0xff, (a & 0xfc) + byte, val, size);
}

static uint32_t pci_io_read(void *dev, uint32_t off, unsigned size)
{
    PciBus *bus = dev;
    if (off == PCI_PORT_ADDRESS && size == 4)
        return bus->config_addr;
    if (off >= PCI_PORT_DATA && off - PCI_PORT_DATA + size <= 4)
        return data_read(bus, off - PCI_PORT_DATA, size);
    if (size == 1)
        return off == PCI_PORT_RCR ? bus->rcr : 0xff;
    uint32_t v = 0;                 /* odd sizes across the two registers */
    for (unsigned i = 0; i < size; i++)
        v |= pci_io_read(dev, off + i, 1) << (8 * i);
    return v;
}

static void pci_io_write(void *dev, uint32_t off, uint32_t val, unsigned size)
{
    PciBus *bus = dev;
    if (off == PCI_PORT_ADDRESS && size == 4) {
        bus->config_addr = val & PCI_ADDR_MASK;
    } else if (off >= PCI_PORT_DATA && off - PCI_PORT_DATA + size <= 4) {
        data_write(bus, off - PCI_PORT_DATA, val, size);
    } else if (size == 1) {
        if (off == PCI_PORT_RCR) {
            bus->rcr = (uint8_t)(val & 0x06);
            if (val & PIIX_RCR_RST_CPU) {
                bus->rcr &= (uint8_t)~PIIX_RCR_RST_CPU;
                machine_request_reset(bus->m);
            }
        }
        /* byte writes to 0xCF8/0xCFA/0xCFB: ISA cycles, nobody there */
    } else {
        for (unsigned i = 0; i < size; i++)
            pci_io_write(dev, off + i, (uint8_t)(val >> (8 * i)), 1);
    }
}

static const IoOps pci_io_ops = { pci_io_read, pci_io_write, 4 };

/* ---- Lifecycle ---------------------------------------------------------------------- */
static void pci_bus_reset(void *dev)
{
    PciBus *bus = dev;
    bus->config_addr = 0;
    bus->rcr = 0;
}

static void pci_bus_post_load(void *dev)
{
    PciBus *bus = dev;
    bus->config_addr &= PCI_ADDR_MASK;
}

static const DeviceInfo pci_bus_info = {
    .name = "pci-bus", .version = 1, .state = pci_bus_fields,
    .reset = pci_bus_reset, .post_load = pci_bus_post_load,
};

static void pci_dev_reset(void *dev)
{
    PciDevice *d = dev;
    memcpy(d->config, d->init, sizeof d->config);
    d->irq_level = 0;
    update_bars(d);
    update_irqs(d->bus);
}

static void pci_dev_post_load(void *dev)
{
    PciDevice *d = dev;
    d->irq_level = d->irq_level != 0;
    update_bars(d);
    update_irqs(d->bus);
}

static const DeviceInfo pci_dev_info = {
    .name = "pci", .version = 1, .state = pci_dev_fields,
    .reset = pci_dev_reset, .post_load = pci_dev_post_load,
};

PciBus *pci_bus_create(Machine *m, const IrqLine *isa_irq)
{
    PciBus *bus = xzalloc(sizeof *bus);
    bus->m = m;
    for (int i = 0; i < 16 && isa_irq; i++)
        bus->isa_irq[i] = isa_irq[i];
    io_region_init(&bus->io, "pci-conf", &pci_io_ops, bus);
    io_map(machine_io(m), &bus->io, 0xcf8, 8);
    machine_add(m, &pci_bus_info, bus);
    return bus;
}

PciDevice *pci_register(PciBus *bus, int devfn, const PciDeviceInfo *info, void *dev)
{
    if (devfn < 0 || devfn > 255 || bus->dev[devfn])
        return NULL;
    PciDevice *d = xzalloc(sizeof *d);
    d->bus = bus;
    d->info = info;
    d->dev = dev;
    d->devfn = devfn;
    pci_config_init(d, PCI_VENDOR_ID, info->vendor_id, 2, 0);
    pci_config_init(d, PCI_DEVICE_ID, info->device_id, 2, 0);
    pci_config_init(d, PCI_COMMAND, 0, 2, 0x0147);   /* I/O, mem, master, PERR, SERR */
    pci_config_init(d, PCI_STATUS, 0x0280, 2, 0);    /* medium DEVSEL, fast b2b */
    d->w1cmask[PCI_STATUS] = (uint8_t)PCI_STATUS_W1C;
    d->w1cmask[PCI_STATUS + 1] = (uint8_t)(PCI_STATUS_W1C >> 8);
    pci_config_init(d, PCI_REVISION, info->revision, 1, 0);
    pci_config_init(d, PCI_PROG_IF, info->class_code, 3, 0);
    pci_config_init(d, PCI_LATENCY, 0, 1, 0xff);
    pci_config_init(d, PCI_INT_LINE, 0, 1, 0xff);
    pci_config_init(d, PCI_INT_PIN, info->int_pin, 1, 0);
    /* Multi-function: function 0 of the slot says so in its header type. */
    int fn0 = devfn & ~7;
    bool multi = false;
    for (int f = fn0 + 1; f < fn0 + 8; f++)
        multi = multi || bus->dev[f] != NULL;
    if (devfn != fn0 && bus->dev[fn0]) {
        PciDevice *f0 = bus->dev[fn0];
        f0->config[PCI_HEADER_TYPE] |= 0x80;
        f0->init[PCI_HEADER_TYPE] |= 0x80;
    } else if (devfn == fn0 && multi) {
        pci_config_init(d, PCI_HEADER_TYPE, 0x80, 1, 0);
    }
    snprintf(d->name, sizeof d->name, "pci-%s", info->name);
    d->dinfo = pci_dev_info;
    d->dinfo.name = d->name;
    bus->dev[devfn] = d;
    machine_add(bus->m, &d->dinfo, d);
    return d;
}

void pci_bar_init(PciDevice *d, int bar, uint32_t size, unsigned kind, IoRegion *r)
{
    if (bar < 0 || bar > 5)
        return;
    uint32_t min = kind == PCI_BAR_IO ? 4 : PAGE_SIZE;
    if (size < min)
        size = min;
    while (size & (size - 1))
        size += size & -size;       /* round up to a power of two */
    PciBar *b = &d->bar[bar];
    b->r = r;
    b->size = size;
    b->kind = (uint8_t)kind;
    /* I/O BARs decode 16 address bits, so bits 31:16 read 0. */
    uint32_t wmask = kind == PCI_BAR_IO ? ~(size - 1) & 0xfffcu : ~(size - 1);
    pci_config_init(d, PCI_BAR0 + 4 * bar, kind == PCI_BAR_IO ? 1 : 0, 4, wmask);
}

uint32_t pci_bar_base(PciDevice *d, int bar)
{
    return bar >= 0 && bar < 6 ? d->bar[bar].mapped : 0;
}

bool pci_bus_master(PciDevice *d)
{
    return d->config[PCI_COMMAND] & PCI_CMD_MASTER;
}

void pci_set_irq(PciDevice *d, int level)
{
    uint8_t l = level != 0;
    if (l == d->irq_level)
        return;
    d->irq_level = l;
    update_irqs(d->bus);
}

void pci_set_pirq_router(PciBus *bus, PciDevice *router, unsigned route_reg)
{
    bus->router = router;
    bus->route_reg = route_reg & 0xfc;
    update_irqs(bus);
}
