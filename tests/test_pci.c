/*
 * tests/test_pci.c - PCI bus (mechanism #1 config cycles, write masks, BAR
 * sizing and decoding, command register gating, PIRQ routing), the i440FX
 * and PIIX3 functions, and the BIOS side: POST resource assignment and the
 * INT 1Ah AH=B1h PCI BIOS services.
 */
#include <check.h>

#include "bios/internal.h"
#include "cpu/cpu.h"
#include "hw/i440fx.h"
#include "hw/pci.h"
#include "hw/piix.h"
#include "tests/bench.h"

#define CF8 0xcf8
#define CFC 0xcfc
#define DEVFN_ISA  PCI_DEVFN(1, 0)
#define DEVFN_IDE  PCI_DEVFN(1, 1)
#define DEVFN_TEST PCI_DEVFN(2, 0)

typedef struct Rig {
    Bench *b;
    PciBus *bus;
    IrqProbe *irq[16];
    PciDevice *test_dev;
    Ide *ide;
} Rig;

static const PciDeviceInfo test_info = {
    .name = "test", .vendor_id = 0x1234, .device_id = 0x5678, .revision = 3,
    .class_code = 0x020000, .int_pin = PCI_PIN_A,
};

static Rig *rig_new(void)
{
    Rig *r = xzalloc(sizeof *r);
    r->b = bench_new(1024);
    Machine *m = bench_machine(r->b);
    IrqLine lines[16];
    for (int i = 0; i < 16; i++) {
        char name[16];
        snprintf(name, sizeof name, "irq%d", i);
        r->irq[i] = bench_irq_probe(r->b, name);
        lines[i] = irq_probe_line(r->irq[i]);
    }
    r->bus = pci_bus_create(m, lines);
    ck_assert_ptr_nonnull(i440fx_create(m, r->bus, 64u << 20));
    ck_assert_ptr_nonnull(piix3_create(m, r->bus, DEVFN_ISA));
    r->ide = ide_create(m, 0x170, 0x376, irq_probe_line(r->irq[15]));
    ck_assert_ptr_nonnull(piix_ide_create(m, r->bus, DEVFN_IDE, NULL, r->ide));
    r->test_dev = pci_register(r->bus, DEVFN_TEST, &test_info, r);
    ck_assert_ptr_nonnull(r->test_dev);
    return r;
}

static void rig_free(Rig *r)
{
    bench_free(r->b);
    free(r);
}

static uint32_t cfg_read(Rig *r, int devfn, unsigned reg, unsigned size)
{
    bench_out(r->b, CF8, 0x80000000u | (uint32_t)devfn << 8 | (reg & 0xfc), 4);
    return bench_in(r->b, (uint16_t)(CFC + (reg & 3)), size);
}

static void cfg_write(Rig *r, int devfn, unsigned reg, uint32_t v, unsigned size)
{
    bench_out(r->b, CF8, 0x80000000u | (uint32_t)devfn << 8 | (reg & 0xfc), 4);
    bench_out(r->b, (uint16_t)(CFC + (reg & 3)), v, size);
}

START_TEST(pci_config_cycles)
{
    Rig *r = rig_new();
    ck_assert_uint_eq(cfg_read(r, 0, 0, 4), 0x12378086u);
    ck_assert_uint_eq(cfg_read(r, 0, 0x0a, 2), 0x0600);
    ck_assert_uint_eq(cfg_read(r, DEVFN_ISA, 0, 4), 0x70008086u);
    ck_assert_uint_eq(cfg_read(r, DEVFN_ISA, 0x0e, 1), 0x80);     /* multi-function */
    ck_assert_uint_eq(cfg_read(r, DEVFN_IDE, 0, 4), 0x70108086u);
    ck_assert_uint_eq(cfg_read(r, DEVFN_IDE, 0x08, 4), 0x01018000u);
    ck_assert_uint_eq(cfg_read(r, DEVFN_IDE, 0x0e, 1), 0x00);
    ck_assert_uint_eq(cfg_read(r, DEVFN_ISA, 0x60, 4), 0x80808080u);
    /* Byte and word reads at every offset of CONFIG_DATA. */
    ck_assert_uint_eq(cfg_read(r, 0, 1, 1), 0x80);
    ck_assert_uint_eq(cfg_read(r, 0, 2, 2), 0x1237);
    ck_assert_uint_eq(cfg_read(r, 0, 3, 1), 0x12);
    /* CONFIG_ADDRESS reads back with reserved bits 0; bytes do not touch it. */
    bench_out(r->b, CF8, 0xfffffffful, 4);
    ck_assert_uint_eq(bench_in(r->b, CF8, 4), 0x80fffffcu);
    bench_out(r->b, CF8, 0x80000000u, 4);
    bench_out8(r->b, CF8 + 3, 0x01);
    ck_assert_uint_eq(bench_in(r->b, CF8, 4), 0x80000000u);
    /* Absent function, other bus, enable bit clear: all ones. */
    ck_assert_uint_eq(cfg_read(r, PCI_DEVFN(5, 0), 0, 4), 0xffffffffu);
    bench_out(r->b, CF8, 0x80010000u, 4);
    ck_assert_uint_eq(bench_in(r->b, CFC, 4), 0xffffffffu);
    bench_out(r->b, CF8, 0x00000000u, 4);
    ck_assert_uint_eq(bench_in(r->b, CFC, 4), 0xffffffffu);
    bench_out(r->b, CFC, 0, 4);               /* ignored */
    ck_assert_uint_eq(cfg_read(r, 0, 0, 4), 0x12378086u);
    rig_free(r);
}
END_TEST

START_TEST(pci_write_masks)
{
    Rig *r = rig_new();
    cfg_write(r, 0, 0x00, 0, 4);              /* IDs are read-only */
    ck_assert_uint_eq(cfg_read(r, 0, 0, 4), 0x12378086u);
    cfg_write(r, DEVFN_TEST, 0x3c, 0x0b, 1);
    ck_assert_uint_eq(cfg_read(r, DEVFN_TEST, 0x3c, 2), 0x010b);  /* pin A stays */
    /* i440FX PAM0 keeps only bits 5:4; PAM1 bits 5:4 and 1:0. */
    cfg_write(r, 0, 0x59, 0xffff, 2);
    ck_assert_uint_eq(cfg_read(r, 0, 0x59, 2), 0x3330);
    /* SMRAM: C_BASE_SEG fixed; D_LCK locks D_OPEN off. */
    cfg_write(r, 0, 0x72, 0x40, 1);
    ck_assert_uint_eq(cfg_read(r, 0, 0x72, 1), 0x42);
    cfg_write(r, 0, 0x72, 0x50, 1);
    ck_assert_uint_eq(cfg_read(r, 0, 0x72, 1), 0x12);
    cfg_write(r, 0, 0x72, 0x48, 1);
    ck_assert_uint_eq(cfg_read(r, 0, 0x72, 1), 0x12);
    /* PIRQ route registers: bits 7 and 3:0. */
    cfg_write(r, DEVFN_ISA, 0x60, 0x7f, 1);
    ck_assert_uint_eq(cfg_read(r, DEVFN_ISA, 0x60, 1), 0x0f);
    rig_free(r);
}
END_TEST

START_TEST(pci_bar_sizing_and_gating)
{
    Rig *r = rig_new();
    const unsigned bar4 = 0x20;
    ck_assert_uint_eq(cfg_read(r, DEVFN_IDE, bar4, 4), 0x00000001u);
    cfg_write(r, DEVFN_IDE, bar4, 0xffffffffu, 4);
    ck_assert_uint_eq(cfg_read(r, DEVFN_IDE, bar4, 4), 0x0000fff1u);   /* 16 bytes of I/O */
    cfg_write(r, DEVFN_IDE, 0x10, 0xffffffffu, 4);
    ck_assert_uint_eq(cfg_read(r, DEVFN_IDE, 0x10, 4), 0);             /* no BAR0 */
    cfg_write(r, DEVFN_IDE, bar4, 0xc000, 4);
    ck_assert_uint_eq(cfg_read(r, DEVFN_IDE, bar4, 4), 0xc001u);
    /* I/O space disabled: nothing at C000h. */
    ck_assert_uint_eq(bench_in8(r->b, 0xc00a), 0xff);
    cfg_write(r, DEVFN_IDE, 0x04, 0x0001, 2);
    ck_assert_uint_eq(bench_in8(r->b, 0xc00a), 0x00);
    bench_out8(r->b, 0xc00a, 0x60);                   /* BMISTA drive DMA capable */
    ck_assert_uint_eq(bench_in8(r->b, 0xc00a), 0x60);
    bench_out(r->b, 0xc00c, 0x12345677u, 4);          /* BMIDTP: dword aligned */
    ck_assert_uint_eq(bench_in(r->b, 0xc00c, 4), 0x12345674u);
    /* Memory enable alone does not decode an I/O BAR. */
    cfg_write(r, DEVFN_IDE, 0x04, 0x0002, 2);
    ck_assert_uint_eq(cfg_read(r, DEVFN_IDE, 0x04, 2), 0x0000);       /* not writable */
    ck_assert_uint_eq(bench_in8(r->b, 0xc00a), 0xff);
    /* Moving the BAR while enabled moves the registers. */
    cfg_write(r, DEVFN_IDE, 0x04, 0x0005, 2);
    cfg_write(r, DEVFN_IDE, bar4, 0xd000, 4);
    ck_assert_uint_eq(bench_in8(r->b, 0xc00a), 0xff);
    ck_assert_uint_eq(bench_in8(r->b, 0xd00a), 0x60);
    /* Sizing while enabled, then restoring: the registers come back. */
    cfg_write(r, DEVFN_IDE, bar4, 0xffffffffu, 4);
    cfg_write(r, DEVFN_IDE, bar4, 0xd000, 4);
    ck_assert_uint_eq(bench_in8(r->b, 0xd00a), 0x60);
    /* Never over the configuration ports. */
    cfg_write(r, DEVFN_IDE, bar4, 0x0cf0, 4);
    ck_assert_uint_eq(cfg_read(r, 0, 0, 4), 0x12378086u);
    rig_free(r);
}
END_TEST

START_TEST(pci_status_write_one_to_clear)
{
    Rig *r = rig_new();
    PciDevice *d = r->test_dev;
    pci_config_set(d, PCI_STATUS, 0x3280, 2);   /* aborts latched */
    cfg_write(r, DEVFN_TEST, 0x06, 0x1000, 2);
    ck_assert_uint_eq(cfg_read(r, DEVFN_TEST, 0x06, 2), 0x2280);
    rig_free(r);
}
END_TEST

START_TEST(pci_pirq_routing)
{
    Rig *r = rig_new();
    /* Slot 2, INTA -> PIRQ (2 - 1 + 0) mod 4 = B (route register 61h). */
    ck_assert_int_eq(pci_slot_pirq(DEVFN_TEST, PCI_PIN_A), 1);
    ck_assert_int_eq(pci_slot_pirq(PCI_DEVFN(1, 0), PCI_PIN_A), 0);
    ck_assert_int_eq(pci_slot_pirq(PCI_DEVFN(3, 0), PCI_PIN_D), 1);
    pci_set_irq(r->test_dev, 1);
    for (int i = 0; i < 16; i++)
        ck_assert_int_eq(irq_probe_level(r->irq[i]), 0);   /* routing disabled */
    cfg_write(r, DEVFN_ISA, 0x61, 0x0b, 1);
    ck_assert_int_eq(irq_probe_level(r->irq[11]), 1);
    cfg_write(r, DEVFN_ISA, 0x60, 0x0b, 1);                  /* PIRQA too: still 1 */
    ck_assert_int_eq(irq_probe_level(r->irq[11]), 1);
    cfg_write(r, DEVFN_ISA, 0x61, 0x0a, 1);
    ck_assert_int_eq(irq_probe_level(r->irq[11]), 0);
    ck_assert_int_eq(irq_probe_level(r->irq[10]), 1);
    pci_set_irq(r->test_dev, 0);
    ck_assert_int_eq(irq_probe_level(r->irq[10]), 0);
    pci_set_irq(r->test_dev, 1);
    ck_assert_int_eq(irq_probe_level(r->irq[10]), 1);
    cfg_write(r, DEVFN_ISA, 0x61, 0x8a, 1);                  /* disabled */
    ck_assert_int_eq(irq_probe_level(r->irq[10]), 0);
    cfg_write(r, DEVFN_ISA, 0x61, 0x02, 1);                  /* IRQ 2: reserved */
    ck_assert_int_eq(irq_probe_level(r->irq[2]), 0);
    cfg_write(r, DEVFN_ISA, 0x61, 0x0a, 1);
    ck_assert_int_eq(irq_probe_level(r->irq[10]), 1);
    /* Reset: function lowers its pin, routing returns to disabled. */
    machine_reset_devices(bench_machine(r->b));
    ck_assert_int_eq(irq_probe_level(r->irq[10]), 0);
    ck_assert_uint_eq(cfg_read(r, DEVFN_ISA, 0x60, 4), 0x80808080u);
    rig_free(r);
}
END_TEST

static size_t state_extent(const StateField *f)
{
    size_t end = 0;
    for (; f->name; f++)
        if (f->offset + f->size * f->count > end)
            end = f->offset + f->size * f->count;
    return end;
}

START_TEST(pci_fuzz_and_state)
{
    Rig *r = rig_new();
    uint32_t x = 777;
    for (int i = 0; i < 50000; i++) {
        x = x * 1103515245u + 12345u;
        uint32_t v = x ^ (x << 7);
        unsigned size = 1u << ((x >> 4) % 3);
        switch ((x >> 28) & 7) {
        case 0: case 1:
            bench_out(r->b, CF8, 0x80000000u | (v & 0x0001fffcu), 4);
            break;
        case 2: bench_out(r->b, (uint16_t)(CFC + ((x >> 8) & 3)), v, size); break;
        case 3: (void)bench_in(r->b, (uint16_t)(CFC + ((x >> 8) & 3)), size); break;
        case 4: (void)bench_in(r->b, (uint16_t)(CF8 + ((x >> 8) & 7)), size); break;
        case 5: bench_out(r->b, (uint16_t)(0xc000 + ((x >> 8) & 0x3fff)), v & 0xf6, 1); break;
        case 6: pci_set_irq(r->test_dev, (int)(x >> 9) & 1); break;
        case 7: cfg_write(r, DEVFN_IDE, 0x20, 0xc000 + (v & 0x3ff0), 4);
                cfg_write(r, DEVFN_IDE, 0x04, 5, 2);
                break;
        }
    }
    Machine *m = bench_machine(r->b);
    for (int i = 0; i < machine_device_count(m); i++) {
        const DeviceInfo *info;
        void *dev = machine_device(m, i, &info);
        ck_assert(bench_state_roundtrip(info->state, dev, state_extent(info->state)));
        if (info->post_load)
            info->post_load(dev);
    }
    ck_assert_uint_eq(cfg_read(r, 0, 0, 4), 0x12378086u);
    rig_free(r);
}
END_TEST

/* ---- The BIOS side: POST assignment and INT 1Ah AH=B1h ------------------------------- */

typedef struct BiosRig {
    Rig *r;
    CpuState *cpu;
    Bios *bios;
} BiosRig;

static BiosRig *bios_rig_new(void)
{
    BiosRig *br = xzalloc(sizeof *br);
    br->r = rig_new();
    Machine *m = bench_machine(br->r->b);
    br->cpu = cpu_create(machine_mem(m), machine_io(m));
    BiosConfig cfg = { .ram_size = 1u << 20, .boot_order = "c" };
    br->bios = bios_create(m, br->cpu, &cfg);
    ck_assert_ptr_nonnull(br->bios);
    cpu_set_seg_real(br->cpu, SEG_SS, 0);
    br->cpu->regs[R_ESP] = 0x7000;
    return br;
}

static void bios_rig_free(BiosRig *br)
{
    rig_free(br->r);
    cpu_free(br->cpu);
    free(br);
}

static bool int1a(BiosRig *br, uint16_t ax)
{
    uint8_t *sp = bench_ram(br->r->b) + 0x7000;
    sp[0] = 0; sp[1] = 0; sp[2] = 0; sp[3] = 0; sp[4] = 0x02; sp[5] = 0x02;
    cpu_set_reg16(br->cpu, R_EAX, ax);
    ck_assert(bios_call(br->bios, br->cpu, SVC_INT1A));
    return sp[4] & 1;           /* CF as the caller sees it */
}

START_TEST(pcibios_services)
{
    BiosRig *br = bios_rig_new();
    CpuState *cpu = br->cpu;
    ck_assert(!int1a(br, 0xb101));
    ck_assert_uint_eq(cpu_reg8(cpu, R8_AH), 0);
    ck_assert_uint_eq(cpu_reg8(cpu, R8_AL) & 1, 1);
    ck_assert_uint_eq(cpu_reg16(cpu, R_EBX), 0x0210);
    ck_assert_uint_eq(cpu->regs[R_EDX], 0x20494350u);
    /* Find the PIIX3 IDE function by ID and by class. */
    cpu_set_reg16(cpu, R_ECX, 0x7010);
    cpu_set_reg16(cpu, R_EDX, 0x8086);
    cpu_set_reg16(cpu, R_ESI, 0);
    ck_assert(!int1a(br, 0xb102));
    ck_assert_uint_eq(cpu_reg16(cpu, R_EBX), DEVFN_IDE);
    cpu_set_reg16(cpu, R_ESI, 1);
    ck_assert(int1a(br, 0xb102));
    ck_assert_uint_eq(cpu_reg8(cpu, R8_AH), 0x86);
    cpu_set_reg16(cpu, R_EDX, 0xffff);
    ck_assert(int1a(br, 0xb102));
    ck_assert_uint_eq(cpu_reg8(cpu, R8_AH), 0x83);
    cpu->regs[R_ECX] = 0x060100;
    cpu_set_reg16(cpu, R_ESI, 0);
    ck_assert(!int1a(br, 0xb103));
    ck_assert_uint_eq(cpu_reg16(cpu, R_EBX), DEVFN_ISA);
    /* Config reads and writes. */
    cpu_set_reg16(cpu, R_EBX, 0);
    cpu_set_reg16(cpu, R_EDI, 0);
    ck_assert(!int1a(br, 0xb10a));
    ck_assert_uint_eq(cpu->regs[R_ECX], 0x12378086u);
    cpu_set_reg16(cpu, R_EDI, 2);
    ck_assert(!int1a(br, 0xb109));
    ck_assert_uint_eq(cpu_reg16(cpu, R_ECX), 0x1237);
    cpu_set_reg16(cpu, R_EDI, 1);
    ck_assert(int1a(br, 0xb109));
    ck_assert_uint_eq(cpu_reg8(cpu, R8_AH), 0x87);
    cpu_set_reg16(cpu, R_EBX, DEVFN_TEST);
    cpu_set_reg16(cpu, R_EDI, 0x3c);
    cpu_set_reg8(cpu, R8_CL, 0x0e);
    ck_assert(!int1a(br, 0xb10b));
    ck_assert(!int1a(br, 0xb108));
    ck_assert_uint_eq(cpu_reg8(cpu, R8_CL), 0x0e);
    ck_assert(int1a(br, 0xb106));
    ck_assert_uint_eq(cpu_reg8(cpu, R8_AH), 0x81);
    bios_rig_free(br);
}
END_TEST

START_TEST(pcibios_post_assigns)
{
    BiosRig *br = bios_rig_new();
    Rig *r = br->r;
    br->cpu->regs[R_EDX] = 1;
    ck_assert(bios_call(br->bios, br->cpu, SVC_POST));
    /* IDE: bus master registers at C000h, I/O and bus master on, decode on. */
    ck_assert_uint_eq(cfg_read(r, DEVFN_IDE, 0x20, 4), 0xc001u);
    ck_assert_uint_eq(cfg_read(r, DEVFN_IDE, 0x04, 2) & 5, 5);
    ck_assert_uint_eq(cfg_read(r, DEVFN_IDE, 0x40, 2) & 0x8000, 0x8000);
    ck_assert_uint_eq(bench_in8(r->b, 0xc002), 0x00);
    /* PIRQ routing and the test device's interrupt line (slot 2 INTA = B). */
    ck_assert_uint_eq(cfg_read(r, DEVFN_ISA, 0x60, 4), 0x0b0b0a0au);
    ck_assert_uint_eq(cfg_read(r, DEVFN_TEST, 0x3c, 1), 10);
    ck_assert_uint_eq(bench_in8(r->b, 0x4d1) & 0x0c, 0x0c);
    pci_set_irq(r->test_dev, 1);
    ck_assert_int_eq(irq_probe_level(r->irq[10]), 1);
    bios_rig_free(br);
}
END_TEST

Suite *pci_suite(void)
{
    Suite *s = suite_create("pci");
    TCase *tc = tcase_create("pci");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, pci_config_cycles);
    tcase_add_test(tc, pci_write_masks);
    tcase_add_test(tc, pci_bar_sizing_and_gating);
    tcase_add_test(tc, pci_status_write_one_to_clear);
    tcase_add_test(tc, pci_pirq_routing);
    tcase_add_test(tc, pci_fuzz_and_state);
    tcase_add_test(tc, pcibios_services);
    tcase_add_test(tc, pcibios_post_assigns);
    suite_add_tcase(s, tc);
    return s;
}
