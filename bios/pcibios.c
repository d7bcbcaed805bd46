/*
 * bios/pcibios.c - PCI in the BIOS: the POST's resource assignment and the
 * real-mode PCI BIOS services of INT 1Ah AH=B1h.
 *
 * Models:      POST: a scan of bus 0 (function 0 first, functions 1-7 of
 *              multi-function devices), BAR sizing with all ones and
 *              assignment (I/O from C000h up, memory from F0000000h up,
 *              each aligned to its size), the command register's I/O and
 *              memory enables (and bus master for IDE controllers), the
 *              interrupt line register from the board's INTx swizzle and
 *              the PIRQ routing the POST programs into the PIIX3 (PIRQA-D
 *              -> IRQ 10, 10, 11, 11, marked level triggered in the ELCR),
 *              and the PIIX3 IDE decode enables. INT 1Ah AX=B101h
 *              (installation check: mechanism #1, version 2.10, last bus 0,
 *              EDX = "PCI "), B102h (find device), B103h (find class code),
 *              B108h-B10Dh (read/write config byte/word/dword with the
 *              register alignment checks).
 * Not modeled: the 32-bit BIOS32 service directory and protected-mode PCI
 *              BIOS entry, B106h (special cycle), B10Eh/B10Fh (IRQ routing
 *              options / set IRQ), a $PIR routing table, bridges and buses
 *              other than 0, 64-bit BARs above 4 GiB, option ROMs.
 * Spec:        PCI BIOS Specification 2.1 (PCI SIG, 1994), 2.3 "Function
 *              list" and return codes; PCI Local Bus Specification 2.1,
 *              3.7.4.1 and 6.2.5.1 (address assignment); Intel 82371SB
 *              datasheet (PIRQRC, IDETIM); Ralf Brown's Interrupt List
 *              INT 1Ah AX=B101h-B10Dh.
 *
 * The BIOS reaches PCI only through the configuration ports 0CF8h/0CFCh,
 * like a ROM BIOS, never through hw/pci.c's C interface.
 */
#include "bios/internal.h"

enum {
    PCIBIOS_SUCCESSFUL = 0x00, PCIBIOS_FUNC_NOT_SUPPORTED = 0x81,
    PCIBIOS_BAD_VENDOR_ID = 0x83, PCIBIOS_DEVICE_NOT_FOUND = 0x86,
    PCIBIOS_BAD_REGISTER_NUMBER = 0x87,
};

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA    0xcfc
#define PCI_IO_START       0xc000u
#define PCI_MEM_START      0xf0000000u

/* The IRQ each PIRQ line is routed to (PIIX3 PIRQRC A-D). */
static const uint8_t pirq_irq[4] = { 10, 10, 11, 11 };

/* ---- Configuration cycles ------------------------------------------------------------ */

static uint32_t cfg_read(Bios *b, int bus, int devfn, unsigned reg, unsigned size)
{
    io_write(b->io, PCI_CONFIG_ADDRESS,
             0x80000000u | (uint32_t)bus << 16 | (uint32_t)devfn << 8 | (reg & 0xfc), 4);
    return io_read(b->io, PCI_CONFIG_DATA + (reg & 3), size);
}

static void cfg_write(Bios *b, int bus, int devfn, unsigned reg, uint32_t v, unsigned size)
{
    io_write(b->io, PCI_CONFIG_ADDRESS,
             0x80000000u | (uint32_t)bus << 16 | (uint32_t)devfn << 8 | (reg & 0xfc), 4);
    io_write(b->io, PCI_CONFIG_DATA + (reg & 3), v, size);
}

/* Next present function after devfn (-1 to start); -1 at the end. */
static int next_function(Bios *b, int devfn)
{
    for (devfn++; devfn < 256; devfn++) {
        int fn0 = devfn & ~7;
        if (cfg_read(b, 0, fn0, 0x00, 2) == 0xffff) {
            devfn = fn0 + 7;          /* empty slot */
            continue;
        }
        if ((devfn & 7) && !(cfg_read(b, 0, fn0, 0x0e, 1) & 0x80)) {
            devfn = fn0 + 7;          /* single-function device */
            continue;
        }
        if (cfg_read(b, 0, devfn, 0x00, 2) != 0xffff)
            return devfn;
    }
    return -1;
}

/* ---- POST ------------------------------------------------------------------------------ */

/* The board's INTx swizzle (hw/pci.h pci_slot_pirq): slot s, pin p -> PIRQ. */
static int slot_pirq(int devfn, int pin)
{
    return ((devfn >> 3) + pin + 2) & 3;
}

static uint16_t assign_bars(Bios *b, int devfn, uint32_t *io_next, uint32_t *mem_next)
{
    uint16_t enable = 0;
    for (int i = 0; i < 6; i++) {
        unsigned reg = 0x10 + 4 * i;
        uint32_t orig = cfg_read(b, 0, devfn, reg, 4);
        cfg_write(b, 0, devfn, reg, 0xffffffffu, 4);
        uint32_t probe = cfg_read(b, 0, devfn, reg, 4);
        cfg_write(b, 0, devfn, reg, orig, 4);
        if (probe == 0 || probe == 0xffffffffu)
            continue;
        if (probe & 1) {
            uint32_t size = (~(probe & 0xfffcu) + 1) & 0xffffu;
            if (!size)
                continue;
            uint32_t base = (*io_next + size - 1) & ~(size - 1);
            cfg_write(b, 0, devfn, reg, base, 4);
            *io_next = base + size;
            enable |= 0x0001;
        } else {
            uint32_t size = ~(probe & ~15u) + 1;
            uint32_t base = (*mem_next + size - 1) & ~(size - 1);
            cfg_write(b, 0, devfn, reg, base, 4);
            *mem_next = base + size;
            enable |= 0x0002;
            if ((probe & 6) == 4 && i < 5) {   /* 64-bit BAR: upper half 0 */
                cfg_write(b, 0, devfn, reg + 4, 0, 4);
                i++;
            }
        }
    }
    return enable;
}

void pci_post(Bios *b)
{
    uint32_t io_next = PCI_IO_START, mem_next = PCI_MEM_START;
    if (cfg_read(b, 0, 0, 0x00, 2) == 0xffff)
        return;                       /* no PCI host bridge */
    for (int devfn = next_function(b, -1); devfn >= 0; devfn = next_function(b, devfn)) {
        uint32_t id = cfg_read(b, 0, devfn, 0x00, 4);
        uint16_t cls = (uint16_t)cfg_read(b, 0, devfn, 0x0a, 2);
        uint16_t cmd = assign_bars(b, devfn, &io_next, &mem_next);
        int pin = (int)cfg_read(b, 0, devfn, 0x3d, 1);
        if (pin >= 1 && pin <= 4)
            cfg_write(b, 0, devfn, 0x3c, pirq_irq[slot_pirq(devfn, pin)], 1);
        if (cls == 0x0101)
            cmd |= 0x0005;            /* legacy IDE ports and bus mastering */
        if (cls == 0x0300)
            cmd |= 0x0003;
        if (id == 0x70108086) {       /* PIIX3 IDE: decode both channels */
            cfg_write(b, 0, devfn, 0x40, 0x8000, 2);
            cfg_write(b, 0, devfn, 0x42, 0x8000, 2);
        }
        if (id == 0x70008086) {       /* PIIX3 ISA bridge: PIRQ routing */
            for (int p = 0; p < 4; p++)
                cfg_write(b, 0, devfn, 0x60 + p, pirq_irq[p], 1);
            uint8_t elcr2 = 0;
            for (int p = 0; p < 4; p++)
                elcr2 |= (uint8_t)(1u << (pirq_irq[p] - 8));
            outb(b, 0x4d1, inb(b, 0x4d1) | elcr2);
        }
        if (cmd)
            cfg_write(b, 0, devfn, 0x04, cfg_read(b, 0, devfn, 0x04, 2) | cmd, 2);
    }
}

/* ---- INT 1Ah AH=B1h ------------------------------------------------------------------------ */

static uint8_t find_device(Bios *b, bool by_class)
{
    uint32_t want = by_class ? b->cpu->regs[R_ECX] & 0xffffffu
                             : (uint32_t)reg16(b, R_ECX) << 16 | reg16(b, R_EDX);
    unsigned index = reg16(b, R_ESI);
    if (!by_class && reg16(b, R_EDX) == 0xffff)
        return PCIBIOS_BAD_VENDOR_ID;
    for (int devfn = next_function(b, -1); devfn >= 0; devfn = next_function(b, devfn)) {
        uint32_t v = by_class ? cfg_read(b, 0, devfn, 0x08, 4) >> 8 : cfg_read(b, 0, devfn, 0x00, 4);
        if (v != want)
            continue;
        if (index-- == 0) {
            set_reg8(b, R8_BH, 0);
            set_reg8(b, R8_BL, (uint8_t)devfn);
            return PCIBIOS_SUCCESSFUL;
        }
    }
    return PCIBIOS_DEVICE_NOT_FOUND;
}

/* AL=08h-0Dh: BH bus, BL devfn, DI register; data in CL/CX/ECX. */
static uint8_t config_access(Bios *b, uint8_t al)
{
    static const unsigned sizes[3] = { 1, 2, 4 };
    unsigned size = sizes[(al - 0x08) % 3];
    bool write = al >= 0x0b;
    uint16_t reg = reg16(b, R_EDI);
    int bus = reg8(b, R8_BH), devfn = reg8(b, R8_BL);
    if (reg > 0xff || (reg & (size - 1)))
        return PCIBIOS_BAD_REGISTER_NUMBER;
    if (write) {
        cfg_write(b, bus, devfn, reg, b->cpu->regs[R_ECX], size);
        return PCIBIOS_SUCCESSFUL;
    }
    uint32_t v = cfg_read(b, bus, devfn, reg, size);
    if (size == 1)
        set_reg8(b, R8_CL, (uint8_t)v);
    else if (size == 2)
        set_reg16(b, R_ECX, (uint16_t)v);
    else
        b->cpu->regs[R_ECX] = v;
    return PCIBIOS_SUCCESSFUL;
}

void pcibios_service(Bios *b)
{
    uint8_t al = reg8(b, R8_AL), st;
    bool present = cfg_read(b, 0, 0, 0x00, 2) != 0xffff;
    if (!present) {
        ret_status(b, PCIBIOS_FUNC_NOT_SUPPORTED);
        return;
    }
    switch (al) {
    case 0x01:
        set_reg8(b, R8_AL, 0x01);     /* configuration mechanism #1 */
        set_reg16(b, R_EBX, 0x0210);  /* version 2.10 */
        set_reg8(b, R8_CL, 0);        /* last bus */
        b->cpu->regs[R_EDX] = 0x20494350u;   /* "PCI " */
        st = PCIBIOS_SUCCESSFUL;
        break;
    case 0x02: st = find_device(b, false); break;
    case 0x03: st = find_device(b, true); break;
    case 0x08: case 0x09: case 0x0a: case 0x0b: case 0x0c: case 0x0d:
        st = config_access(b, al);
        break;
    default:
        st = PCIBIOS_FUNC_NOT_SUPPORTED;
        break;
    }
    ret_status(b, st);
}
