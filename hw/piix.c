/*
 * hw/piix.c: Intel 82371SB PIIX3, PCI functions 0 (PCI-to-ISA bridge) and
 * 1 (IDE controller with bus master DMA).
 *
 * Models:      function 0 (8086:7000, class 0601, multi-function): IORT,
 *              XBCS, PIRQRC[A-D] (60h-63h, reset 80h = disabled; they route
 *              PCI INTx through hw/pci.c), TOM, MSTAT, MBIRQ0/1, MBDMA0/1,
 *              PCSC, APICBASE, DLC and the SMI registers as stored bytes
 *              with datasheet masks. Function 1 (8086:7010, class 0101
 *              prog-if 80h: both channels in legacy mode, bus master
 *              capable): IDETIM/SIDETIM stored, BMIBA (BAR4, 16 bytes of
 *              I/O), and per channel the bus master registers BMICOM
 *              (start/stop, read/write control), BMISTA (active, error and
 *              interrupt write-one-to-clear, drive DMA capable bits) and
 *              BMIDTP (PRD table pointer): scatter-gather DMA along the
 *              physical region descriptor table (address, byte count
 *              with 0 = 64 KiB, EOT) between guest physical memory and the
 *              IDE device; active clears when the EOT entry is used up, the
 *              interrupt bit sets on each rising edge of the channel's
 *              INTRQ; no DMA unless the command register's bus master
 *              enable is set.
 * Not modeled: IDE decode enable (IDETIM bit 15): the legacy ports decode
 *              always; native-mode IDE; PRD entries crossing a 64 KiB
 *              boundary are accepted (the chip would not); the ISA side's
 *              own registers (they live in pic.c, pit.c, dma.c, port92.c),
 *              SMI generation, USB (function 2), the APIC chip select.
 * Spec:        Intel 82371FB (PIIX) and 82371SB (PIIX3) PCI ISA IDE
 *              Xcelerator datasheet (order 290550), 2.2 (function 0), 2.4
 *              (function 1), 2.7 "Bus master IDE I/O registers", 5.6 "IDE
 *              function"; SFF-8038i rev 1.0 (bus master programming).
 */
#include "hw/piix.h"

#include "hw/ata.h"

/* ---- Registers (datasheet names) --------------------------------------------- */
enum {
    PIIX_IORT = 0x4c, PIIX_XBCS = 0x4e, PIIX_PIRQRC = 0x60, PIIX_TOM = 0x69,
    PIIX_MSTAT = 0x6a, PIIX_MBIRQ0 = 0x70, PIIX_MBIRQ1 = 0x71,
    PIIX_MBDMA0 = 0x76, PIIX_MBDMA1 = 0x77, PIIX_PCSC = 0x78,
    PIIX_APICBASE = 0x80, PIIX_DLC = 0x82, PIIX_SMICNTL = 0xa0,
    PIIX_SMIEN = 0xa2, PIIX_SEE = 0xa4, PIIX_FTMR = 0xa8, PIIX_SMIREQ = 0xaa,
    PIIX_CTLTMR = 0xac, PIIX_CTHTMR = 0xae,
};
enum { PIIX_IDETIM = 0x40, PIIX_SIDETIM = 0x44, PIIX_BMIBA_BAR = 4 };

enum { BM_BMICOM = 0, BM_BMISTA = 2, BM_BMIDTP = 4, BM_CHANNEL_SIZE = 8 };
#define BMICOM_SSBM     0x01        /* start/stop bus master */
#define BMICOM_RWCON    0x08        /* 1: bus master writes memory */
#define BMISTA_BMIDEA   0x01        /* active */
#define BMISTA_ERR      0x02
#define BMISTA_IDEINTS  0x04
#define BMISTA_DMACAP   0x60        /* drive 0/1 DMA capable */
#define PRD_EOT         0x80000000u

/* ---- State ------------------------------------------------------------------- */
struct Piix3 {
    uint8_t unused;             /* all of function 0's state is config space */
    /* wiring: never saved */
    PciDevice *pci;
};

typedef struct PiixBm {
    uint8_t  cmd, status;
    uint32_t dtp;               /* PRD table base */
    uint32_t prd;               /* next PRD entry to fetch */
    uint32_t addr, left;        /* current entry: memory address, bytes left */
    bool     last;              /* current entry has EOT */
} PiixBm;

typedef struct PiixBmPort {     /* what each channel's IdeBusMasterOps gets */
    PiixIde *owner;
    int      ch;
} PiixBmPort;

struct PiixIde {
    PiixBm     bm[2];
    /* wiring: never saved */
    Machine   *m;
    PciDevice *pci;
    Ide       *ide[2];
    PiixBmPort port[2];
    IoRegion   io;
};

/* ---- Snapshot ---------------------------------------------------------------- */
static const StateField piix3_fields[] = {
    SF_INT(Piix3, unused),
    SF_END
};
static const StateField piix_bm_fields[] = {
    SF_INT(PiixBm, cmd), SF_INT(PiixBm, status), SF_INT(PiixBm, dtp),
    SF_INT(PiixBm, prd), SF_INT(PiixBm, addr), SF_INT(PiixBm, left),
    SF_INT(PiixBm, last),
    SF_END
};
static const StateField piix_ide_fields[] = {
    SF_STRUCTS(PiixIde, bm, piix_bm_fields),
    SF_END
};

/* ---- Function 0: PCI-to-ISA bridge ---------------------------------------------- */
static const PciDeviceInfo piix3_pci = {
    .name = "piix3", .vendor_id = 0x8086, .device_id = 0x7000, .revision = 0x00,
    .class_code = 0x060100, .int_pin = PCI_PIN_NONE,
};

static void piix3_reset(void *dev) { (void)dev; }

static const DeviceInfo piix3_info = {
    .name = "piix3", .version = 1, .state = piix3_fields, .reset = piix3_reset,
};

Piix3 *piix3_create(Machine *m, PciBus *bus, int devfn)
{
    Piix3 *p = xzalloc(sizeof *p);
    p->pci = pci_register(bus, devfn, &piix3_pci, p);
    if (!p->pci) {
        free(p);
        return NULL;
    }
    PciDevice *d = p->pci;
    pci_config_init(d, PCI_COMMAND, 0x0007, 2, 0x0147);
    pci_config_init(d, PCI_STATUS, 0x0200, 2, 0);
    pci_config_init(d, PIIX_IORT, 0x4d, 1, 0x7f);
    pci_config_init(d, PIIX_XBCS, 0x0003, 2, 0x07ff);
    pci_config_init(d, PIIX_PIRQRC, 0x80808080u, 4, 0x8f8f8f8fu);
    pci_config_init(d, PIIX_TOM, 0x02, 1, 0xfe);
    pci_config_init(d, PIIX_MSTAT, 0x0000, 2, 0x0087);
    pci_config_init(d, PIIX_MBIRQ0, 0x80, 1, 0xcf);
    pci_config_init(d, PIIX_MBIRQ1, 0x80, 1, 0xcf);
    pci_config_init(d, PIIX_MBDMA0, 0x04, 1, 0x87);
    pci_config_init(d, PIIX_MBDMA1, 0x04, 1, 0x87);
    pci_config_init(d, PIIX_PCSC, 0x0002, 2, 0xffff);
    pci_config_init(d, PIIX_APICBASE, 0x00, 1, 0x7f);
    pci_config_init(d, PIIX_DLC, 0x00, 1, 0x0f);
    pci_config_init(d, PIIX_SMICNTL, 0x08, 1, 0x1f);
    pci_config_init(d, PIIX_SMIEN, 0x0000, 2, 0x00ff);
    pci_config_init(d, PIIX_SEE, 0, 4, 0xffffffffu);
    pci_config_init(d, PIIX_FTMR, 0x0f, 1, 0xff);
    pci_config_init(d, PIIX_SMIREQ, 0x0000, 2, 0x00ff);
    pci_config_init(d, PIIX_CTLTMR, 0x00, 1, 0xff);
    pci_config_init(d, PIIX_CTHTMR, 0x00, 1, 0xff);
    pci_set_pirq_router(bus, d, PIIX_PIRQRC);
    machine_add(m, &piix3_info, p);
    return p;
}

/* ---- Function 1: the bus master (SFF-8038i) -------------------------------------- */

/* Fetch the next PRD entry; false when the table is used up. */
static bool prd_fetch(PiixIde *pi, PiixBm *bm)
{
    if (bm->last)
        return false;
    uint8_t e[8];
    mem_read_buf(machine_mem(pi->m), bm->prd, e, sizeof e);
    bm->prd += 8;
    bm->addr = (e[0] | (uint32_t)e[1] << 8 | (uint32_t)e[2] << 16 | (uint32_t)e[3] << 24) & ~1u;
    uint32_t count = (e[4] | (uint32_t)e[5] << 8) & ~1u;
    bm->left = count ? count : 0x10000;
    bm->last = e[7] & 0x80;
    return true;
}

static bool bm_running(void *dev)
{
    PiixBmPort *port = dev;
    PiixBm *bm = &port->owner->bm[port->ch];
    return (bm->cmd & BMICOM_SSBM) && (bm->status & BMISTA_BMIDEA) &&
           pci_bus_master(port->owner->pci);
}

static uint32_t bm_rw(void *dev, uint8_t *buf, uint32_t len, bool to_memory)
{
    PiixBmPort *port = dev;
    PiixIde *pi = port->owner;
    PiixBm *bm = &pi->bm[port->ch];
    uint32_t done = 0;
    if (!bm_running(dev))
        return 0;
    if (!!(bm->cmd & BMICOM_RWCON) != to_memory)
        LOG(LOG_GUEST_ERRORS, "piix-ide: bus master direction differs from the command\n");
    while (done < len) {
        if (!bm->left && !prd_fetch(pi, bm)) {
            bm->status &= (uint8_t)~BMISTA_BMIDEA;
            break;
        }
        uint32_t n = len - done < bm->left ? len - done : bm->left;
        if (to_memory)
            mem_write_buf(machine_mem(pi->m), bm->addr, buf + done, n);
        else
            mem_read_buf(machine_mem(pi->m), bm->addr, buf + done, n);
        bm->addr += n;
        bm->left -= n;
        done += n;
        if (!bm->left && bm->last)
            bm->status &= (uint8_t)~BMISTA_BMIDEA;   /* table exhausted */
    }
    return done;
}

static void bm_irq_raised(void *dev)
{
    PiixBmPort *port = dev;
    port->owner->bm[port->ch].status |= BMISTA_IDEINTS;
}

static const IdeBusMasterOps piix_bm_ops = { bm_rw, bm_running, bm_irq_raised };

static uint8_t bm_read8(PiixIde *pi, uint32_t off)
{
    PiixBm *bm = &pi->bm[off / BM_CHANNEL_SIZE & 1];
    off %= BM_CHANNEL_SIZE;
    switch (off) {
    case BM_BMICOM: return bm->cmd;
    case BM_BMISTA: return bm->status;
    case BM_BMIDTP: case BM_BMIDTP + 1: case BM_BMIDTP + 2: case BM_BMIDTP + 3:
        return (uint8_t)(bm->dtp >> (8 * (off - BM_BMIDTP)));
    }
    return 0;
}

static void bm_write8(PiixIde *pi, uint32_t off, uint8_t v)
{
    int ch = off / BM_CHANNEL_SIZE & 1;
    PiixBm *bm = &pi->bm[ch];
    off %= BM_CHANNEL_SIZE;
    switch (off) {
    case BM_BMICOM: {
        bool start = !(bm->cmd & BMICOM_SSBM) && (v & BMICOM_SSBM);
        bool stop = (bm->cmd & BMICOM_SSBM) && !(v & BMICOM_SSBM);
        bm->cmd = v & (BMICOM_SSBM | BMICOM_RWCON);
        if (start) {
            bm->status |= BMISTA_BMIDEA;
            bm->prd = bm->dtp;
            bm->left = 0;
            bm->last = false;
            if (pi->ide[ch])
                ide_bus_master_started(pi->ide[ch]);
        } else if (stop) {
            bm->status &= (uint8_t)~BMISTA_BMIDEA;   /* abort */
        }
        break;
    }
    case BM_BMISTA:
        bm->status = (uint8_t)((bm->status & ~(v & (BMISTA_ERR | BMISTA_IDEINTS)) &
                                ~BMISTA_DMACAP) | (v & BMISTA_DMACAP));
        break;
    case BM_BMIDTP: case BM_BMIDTP + 1: case BM_BMIDTP + 2: case BM_BMIDTP + 3: {
        unsigned sh = 8 * (off - BM_BMIDTP);
        bm->dtp = ((bm->dtp & ~(0xffu << sh)) | (uint32_t)v << sh) & ~3u;
        break;
    }
    }
}

static uint32_t bm_read(void *dev, uint32_t off, unsigned size)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)bm_read8(dev, off + i) << (8 * i);
    return v;
}

static void bm_write(void *dev, uint32_t off, uint32_t val, unsigned size)
{
    for (unsigned i = 0; i < size; i++)
        bm_write8(dev, off + i, (uint8_t)(val >> (8 * i)));
}

static const IoOps piix_bm_io_ops = { bm_read, bm_write, 4 };

static const PciDeviceInfo piix_ide_pci = {
    .name = "piix3-ide", .vendor_id = 0x8086, .device_id = 0x7010, .revision = 0x00,
    .class_code = 0x010180, .int_pin = PCI_PIN_NONE,
};

/* ---- Lifecycle ------------------------------------------------------------------- */
static void piix_ide_reset(void *dev)
{
    PiixIde *pi = dev;
    memset(pi->bm, 0, sizeof pi->bm);
}

static void piix_ide_post_load(void *dev)
{
    PiixIde *pi = dev;
    for (int i = 0; i < 2; i++) {
        PiixBm *bm = &pi->bm[i];
        bm->cmd &= BMICOM_SSBM | BMICOM_RWCON;
        bm->dtp &= ~3u;
        bm->last = bm->last != 0;
    }
}

static const DeviceInfo piix_ide_info = {
    .name = "piix3-ide", .version = 1, .state = piix_ide_fields,
    .reset = piix_ide_reset, .post_load = piix_ide_post_load,
};

PiixIde *piix_ide_create(Machine *m, PciBus *bus, int devfn, Ide *primary, Ide *secondary)
{
    PiixIde *pi = xzalloc(sizeof *pi);
    pi->m = m;
    pi->pci = pci_register(bus, devfn, &piix_ide_pci, pi);
    if (!pi->pci) {
        free(pi);
        return NULL;
    }
    PciDevice *d = pi->pci;
    pci_config_init(d, PCI_COMMAND, 0x0000, 2, 0x0005);  /* I/O space, bus master */
    pci_config_init(d, PCI_STATUS, 0x0280, 2, 0);
    pci_config_init(d, PCI_LATENCY, 0x00, 1, 0xf0);
    pci_config_init(d, PIIX_IDETIM, 0x0000, 2, 0xffff);
    pci_config_init(d, PIIX_IDETIM + 2, 0x0000, 2, 0xffff);
    pci_config_init(d, PIIX_SIDETIM, 0x00, 1, 0xff);
    io_region_init(&pi->io, "piix-bmdma", &piix_bm_io_ops, pi);
    pci_bar_init(d, PIIX_BMIBA_BAR, 16, PCI_BAR_IO, &pi->io);
    pi->ide[0] = primary;
    pi->ide[1] = secondary;
    for (int i = 0; i < 2; i++) {
        pi->port[i].owner = pi;
        pi->port[i].ch = i;
        if (pi->ide[i])
            ide_set_bus_master(pi->ide[i], &piix_bm_ops, &pi->port[i]);
    }
    machine_add(m, &piix_ide_info, pi);
    return pi;
}
