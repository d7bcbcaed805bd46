/*
 * hw/i440fx.c: Intel 82441FX PCI and memory controller (PMC), the i440FX
 * host bridge at PCI 00:00.0.
 *
 * Models:      the configuration header (8086:1237 rev 02, class 0600,
 *              command reset value 0006h); the chipset registers as stored
 *              read/write bytes with their datasheet write masks: PMCCFG
 *              (50h-51h), DETURBO (52h), DBC (53h), AXC (54h), DRT (55h-56h),
 *              DRAMC (57h), DRAMT (58h), PAM0-PAM6 (59h-5Fh), DRB0-DRB7
 *              (60h-67h, preset from the RAM size), FDHC (68h), MTT (70h),
 *              CLT (71h), SMRAM (72h: C_BASE_SEG fixed at 010b, D_LCK makes
 *              D_OPEN, D_LCK and G_SMRAME read-only and clears D_OPEN until
 *              reset), ERRCMD (90h), ERRSTS (91h, reads 0: no errors are
 *              ever detected), TRC (93h, stored).
 * Not modeled: what the registers control: PAM shadowing (the C0000-FFFFF
 *              attributes are stored, but the ROM stays the ROM and RAM there
 *              is never exposed; emu's BIOS is not copied to RAM because its
 *              0F FF traps only work from the ROM), SMRAM/SMM (no SMM),
 *              DRAM timing and sizing, the FDHC memory hole, TRC resets.
 * Spec:        Intel 82441FX PCI and Memory Controller (PMC) and 82442FX
 *              Data Bus Accelerator (DBX) datasheet (order 290549), 3.2
 *              "PCI configuration registers".
 */
#include "hw/i440fx.h"

/* ---- Registers (datasheet names) -------------------------------------------- */
enum {
    FX_PMCCFG = 0x50, FX_DETURBO = 0x52, FX_DBC = 0x53, FX_AXC = 0x54,
    FX_DRT = 0x55, FX_DRAMC = 0x57, FX_DRAMT = 0x58, FX_PAM0 = 0x59,
    FX_DRB0 = 0x60, FX_FDHC = 0x68, FX_MTT = 0x70, FX_CLT = 0x71,
    FX_SMRAM = 0x72, FX_ERRCMD = 0x90, FX_ERRSTS = 0x91, FX_TRC = 0x93,
};
#define SMRAM_D_OPEN    0x40
#define SMRAM_D_CLS     0x20
#define SMRAM_D_LCK     0x10
#define SMRAM_G_SMRAME  0x08
#define SMRAM_C_BASE    0x02        /* A0000h, hardwired */

/* ---- State ------------------------------------------------------------------- */
struct I440fx {
    uint8_t smram;              /* SMRAM as last accepted (D_LCK history) */
    /* wiring: never saved */
    PciDevice *pci;
};

/* ---- Snapshot ---------------------------------------------------------------- */
static const StateField i440fx_fields[] = {
    SF_INT(I440fx, smram),
    SF_END
};

/* ---- Guest-visible registers: config writes with side rules ---------------------- */
static void i440fx_config_write(void *dev, unsigned off, uint32_t val, unsigned size)
{
    I440fx *fx = dev;
    if (off > FX_SMRAM || off + size <= FX_SMRAM)
        return;
    uint8_t v = (uint8_t)pci_config_get(fx->pci, FX_SMRAM, 1);
    if (fx->smram & SMRAM_D_LCK) {
        /* Locked: only D_CLS still changes. */
        v = (uint8_t)((fx->smram & ~SMRAM_D_CLS) | (v & SMRAM_D_CLS));
    } else if (v & SMRAM_D_LCK) {
        v &= (uint8_t)~SMRAM_D_OPEN;
    }
    v = (uint8_t)((v & ~7) | SMRAM_C_BASE);
    pci_config_set(fx->pci, FX_SMRAM, v, 1);
    fx->smram = v;
}

static const PciDeviceInfo i440fx_pci = {
    .name = "i440fx", .vendor_id = 0x8086, .device_id = 0x1237, .revision = 0x02,
    .class_code = 0x060000, .int_pin = PCI_PIN_NONE,
    .config_write = i440fx_config_write,
};

/* ---- Lifecycle --------------------------------------------------------------------- */
static void i440fx_reset(void *dev)
{
    I440fx *fx = dev;
    fx->smram = SMRAM_C_BASE;
}

static void i440fx_post_load(void *dev)
{
    I440fx *fx = dev;
    fx->smram = (uint8_t)((fx->smram & ~7) | SMRAM_C_BASE);
}

static const DeviceInfo i440fx_info = {
    .name = "i440fx", .version = 1, .state = i440fx_fields,
    .reset = i440fx_reset, .post_load = i440fx_post_load,
};

I440fx *i440fx_create(Machine *m, PciBus *bus, uint32_t ram_size)
{
    I440fx *fx = xzalloc(sizeof *fx);
    fx->pci = pci_register(bus, PCI_DEVFN(0, 0), &i440fx_pci, fx);
    if (!fx->pci) {
        free(fx);
        return NULL;
    }
    PciDevice *p = fx->pci;
    pci_config_init(p, PCI_COMMAND, 0x0006, 2, 0x0146);   /* memory, master */
    pci_config_init(p, PCI_LATENCY, 0x00, 1, 0xf8);
    pci_config_init(p, FX_PMCCFG, 0x0000, 2, 0xffff);
    pci_config_init(p, FX_DETURBO, 0x80, 1, 0xff);
    pci_config_init(p, FX_DBC, 0x80, 1, 0xff);
    pci_config_init(p, FX_AXC, 0x00, 1, 0xff);
    pci_config_init(p, FX_DRT, 0x0000, 2, 0xffff);
    pci_config_init(p, FX_DRAMC, 0x01, 1, 0x3f);
    pci_config_init(p, FX_DRAMT, 0x10, 1, 0x7f);
    pci_config_init(p, FX_PAM0, 0x00, 1, 0x30);           /* F0000-FFFFF only */
    for (unsigned i = 1; i < 7; i++)
        pci_config_init(p, FX_PAM0 + i, 0x00, 1, 0x33);
    /* DRBn: cumulative top of row n in 8 MiB units (all RAM in row 0). */
    uint32_t units = (ram_size + (8u << 20) - 1) >> 23;
    for (unsigned i = 0; i < 8; i++)
        pci_config_init(p, FX_DRB0 + i, units > 255 ? 255 : units, 1, 0xff);
    pci_config_init(p, FX_FDHC, 0x00, 1, 0xc0);
    pci_config_init(p, FX_MTT, 0x20, 1, 0xf8);
    pci_config_init(p, FX_CLT, 0x10, 1, 0xf8);
    pci_config_init(p, FX_SMRAM, SMRAM_C_BASE, 1, 0x78);
    pci_config_init(p, FX_ERRCMD, 0x00, 1, 0xff);
    pci_config_init(p, FX_ERRSTS, 0x00, 1, 0x00);
    pci_config_init(p, FX_TRC, 0x00, 1, 0x0f);
    i440fx_reset(fx);
    machine_add(m, &i440fx_info, fx);
    return fx;
}
