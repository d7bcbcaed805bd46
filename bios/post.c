/*
 * bios/post.c - the power-on self test: chipset setup, the interrupt
 * vector table, the BIOS data areas, video, and the hand-over to INT 19h;
 * plus the resume-from-shutdown check and the small IRQ handlers.
 *
 * Models:      CMOS shutdown codes 05h/0Ah (jump via 40:67), 0Bh (IRET)
 *              and 0Ch (RETF with SS:SP from 40:67); both 8259s (vectors 08h
 *              and 70h, cascade on IR2), PIT channel 0 at 18.2 Hz and the
 *              speaker gate off, RTC registers A/B, the 8042 aux port test,
 *              self test, command byte 65h (translate, system flag, IRQ1,
 *              aux off) and keyboard reset (answers not awaited); the IVT (unused vectors
 *              -> a dummy IRET, 60h-67h left zero for programs); the BDA
 *              (COM/LPT ports found by probing, equipment word, 639 KiB base
 *              memory, keyboard buffer, ticks from the RTC, disk counts), the
 *              1 KiB EBDA at 9FC00h; A20 left off as on the PC/AT; mode 3,
 *              a one-line banner. Unexpected IRQs are masked and recorded at
 *              40:6B like the PC/AT's D11 handler.
 *              PCI devices get their BARs, interrupt lines and PIRQ routing
 *              from pci_post() (bios/pcibios.c).
 * Not modeled: memory test, option ROM scan, setup menu.
 * Spec:        IBM PC/AT Technical Reference, POST listing (test sequence,
 *              shutdown byte at CMOS 0Fh, D11 unexpected-interrupt handler);
 *              Intel 8259A and 8254 datasheets; Ralf Brown's MEMORY.LST.
 */
#include "bios/internal.h"

/* ---- Resume, IRQ helpers ------------------------------------------------------ */

/* First trap at reset: AL = 1 jump via 40:67, 2 IRET, 3 RETF, 0 full POST. */
void post_entry(Bios *b)
{
    uint8_t code = cmos_read(b, 0x0f), action = 0;
    switch (code) {
    case 0x05:                        /* flush keyboard, EOI, jump */
        for (int i = 0; i < 16 && (inb(b, 0x64) & 0x01); i++)
            inb(b, 0x60);
        outb(b, 0xa0, 0x20);
        outb(b, 0x20, 0x20);
        action = 1;
        break;
    case 0x0a: action = 1; break;
    case 0x0b: action = 2; break;
    case 0x0c: action = 3; break;
    default: break;
    }
    if (action)
        cmos_write(b, 0x0f, 0);
    set_reg8(b, R8_AL, action);
}

void irq_other(Bios *b)
{
    uint8_t irq = reg8(b, R8_AL) & 15;
    uint16_t pic = irq < 8 ? 0x20 : 0xa0;
    uint8_t bit = (uint8_t)(1u << (irq & 7));
    outb(b, pic, 0x0b);                          /* OCW3: read ISR */
    uint8_t isr = inb(b, pic);
    if (!(isr & bit)) {                          /* spurious (IR7/IR15) */
        set_bda8(b, BDA_LAST_IRQ, 0xff);
        if (irq >= 8)
            outb(b, 0x20, 0x20);                 /* the master saw a real IR2 */
        return;
    }
    set_bda8(b, BDA_LAST_IRQ, irq < 8 ? bit : 0x04);
    if (irq != 2)
        outb(b, pic + 1, inb(b, pic + 1) | bit); /* mask the stray source */
    if (irq >= 8)
        outb(b, 0xa0, 0x20);
    outb(b, 0x20, 0x20);
}

void int0e_irq6(Bios *b)
{
    set_bda8(b, BDA_FD_RECAL, bda8(b, BDA_FD_RECAL) | 0x80);
}

void int76_irq14(Bios *b)
{
    set_bda8(b, BDA_HD_INT, 0xff);
}

/* ---- Chipset --------------------------------------------------------------------- */

static void pic_init(Bios *b)
{
    outb(b, 0x20, 0x11);              /* ICW1: edge, cascade, ICW4 */
    outb(b, 0x21, 0x08);              /* ICW2: vectors 08h-0Fh */
    outb(b, 0x21, 0x04);              /* ICW3: slave on IR2 */
    outb(b, 0x21, 0x01);              /* ICW4: 8086 mode */
    outb(b, 0xa0, 0x11);
    outb(b, 0xa1, 0x70);              /* vectors 70h-77h */
    outb(b, 0xa1, 0x02);              /* cascade identity 2 */
    outb(b, 0xa1, 0x01);
    outb(b, 0x21, 0xff);
    outb(b, 0xa1, 0xff);
}

static void pic_unmask(Bios *b)
{
    /* Master: timer, keyboard, cascade, diskette if any. Slave: RTC,
     * coprocessor, hard disk if any; the mouse IRQ12 waits for INT 15h
     * AX=C200h to enable the device. */
    uint8_t master = (uint8_t)~(0x01 | 0x02 | 0x04 | (b->nfd ? 0x40 : 0));
    uint8_t slave = (uint8_t)~(0x01 | 0x20 | (b->nhd ? 0x40 : 0));
    outb(b, 0x21, master);
    outb(b, 0xa1, slave);
}

static void pit_init(Bios *b)
{
    outb(b, 0x43, 0x36);              /* counter 0, LSB/MSB, mode 3 */
    outb(b, 0x40, 0x00);              /* count 0 = 65536: 18.2 Hz */
    outb(b, 0x40, 0x00);
    outb(b, 0x43, 0xb6);              /* counter 2 for the beep: 896 Hz */
    outb(b, 0x42, 0x33);
    outb(b, 0x42, 0x05);
    outb(b, 0x61, inb(b, 0x61) & 0xfc);   /* speaker gate and data off */
}

static void rtc_init(Bios *b)
{
    uint8_t regb = cmos_read(b, 0x0b);
    if (regb == 0xff)
        return;                       /* no RTC */
    cmos_write(b, 0x0a, 0x26);        /* 32.768 kHz time base, 1024 Hz periodic */
    cmos_write(b, 0x0b, regb & 0x0f); /* no interrupts; keep format and DST */
    cmos_read(b, 0x0c);
    cmos_read(b, 0x0d);
}

static bool kbc_wait_in(Bios *b)
{
    for (int i = 0; i < 10000; i++)
        if (!(inb(b, 0x64) & 0x02))
            return true;
    return false;
}

static int kbc_read_byte(Bios *b)
{
    for (int i = 0; i < 10000; i++)
        if (inb(b, 0x64) & 0x01)
            return inb(b, 0x60);
    return -1;
}

/*
 * The 8042 and keyboard. C cannot wait for guest time, and the 8042 hands
 * out one byte per ~100 us refill, so only the first answer is read here:
 * the aux interface test (true if a mouse port answered 00h). The other
 * answers (self test 55h, the keyboard's FAh/AAh/FAh) arrive through IRQ1
 * once POST unmasks it, where INT 09h ignores them (55h is no key, AAh is
 * a harmless left-Shift release).
 */
static bool kbc_init(Bios *b)
{
    kbc_wait_in(b);
    outb(b, 0x64, 0xa9);              /* aux interface test */
    bool aux = kbc_read_byte(b) == 0x00;
    kbc_wait_in(b);
    outb(b, 0x64, 0xaa);              /* controller self test */
    kbc_wait_in(b);
    outb(b, 0x64, 0x60);
    kbc_wait_in(b);
    outb(b, 0x60, 0x65);              /* translate, aux off, system flag, IRQ1 */
    kbc_wait_in(b);
    outb(b, 0x64, 0xae);              /* keyboard interface on */
    kbc_wait_in(b);
    outb(b, 0x60, 0xff);              /* keyboard reset */
    return aux;
}

/* ---- Data areas -------------------------------------------------------------------- */

static void ivt_init(Bios *b)
{
    for (int i = 0; i < 256; i++) {
        uint16_t off = b->vec[i];
        wr16(b, i * 4u, off);
        wr16(b, i * 4u + 2, off ? BIOS_SEG : 0);
    }
}

static int probe_ports(Bios *b, const uint16_t *cand, int n, bool serial, unsigned bda_off)
{
    int found = 0;
    for (int i = 0; i < n; i++) {
        uint16_t port = serial ? cand[i] + 7 : cand[i];   /* scratch / data register */
        outb(b, port, 0x5a);
        if (inb(b, port) != 0x5a)
            continue;
        outb(b, port, 0xa5);
        if (inb(b, port) != 0xa5)
            continue;
        set_bda16(b, bda_off + 2 * found, cand[i]);
        found++;
    }
    return found;
}

static uint8_t floppy_media_state(const BiosDisk *d)
{
    switch (d->type) {
    case 4: return 0x17;              /* 1.44M: 500 kbit/s, established */
    case 3: return 0x97;              /* 720K: 250 kbit/s */
    case 2: return 0x15;              /* 1.2M in 1.2M drive */
    case 6: return 0xd7;              /* 2.88M: 1 Mbit/s */
    default: return 0x93;             /* 360K class */
    }
}

static void bda_init(Bios *b, bool fpu, bool mouse)
{
    static const uint16_t coms[4] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };
    static const uint16_t lpts[3] = { 0x3bc, 0x378, 0x278 };
    uint32_t base_kb = (b->ram_size < 0xa0000u ? b->ram_size >> 10 : 640) - EBDA_KB;
    int ncom = probe_ports(b, coms, 4, true, BDA_COM);
    int nlpt = probe_ports(b, lpts, 3, false, BDA_LPT);
    set_bda16(b, BDA_EBDA, (uint16_t)(base_kb * 64));
    uint16_t equip = (uint16_t)(0x20 | (uint16_t)ncom << 9 | (uint16_t)nlpt << 14);
    if (b->nfd)
        equip |= (uint16_t)(0x01 | (b->nfd - 1) << 6);
    if (fpu)
        equip |= 0x02;
    if (mouse)
        equip |= 0x04;
    set_bda16(b, BDA_EQUIP, equip);
    set_bda16(b, BDA_MEM_KB, (uint16_t)base_kb);
    set_bda16(b, BDA_KB_HEAD, BDA_KB_BUF);
    set_bda16(b, BDA_KB_TAIL, BDA_KB_BUF);
    set_bda16(b, BDA_KB_START, BDA_KB_BUF);
    set_bda16(b, BDA_KB_END, BDA_KB_BUF + 32);
    set_bda8(b, BDA_KB_FLAGS3, 0x10);             /* 101/102-key keyboard */
    for (int i = 0; i < 4; i++)
        set_bda8(b, BDA_COM_TIMEOUT + i, 1);
    for (int i = 0; i < 3; i++)
        set_bda8(b, BDA_LPT_TIMEOUT + i, 0x14);
    set_bda32(b, BDA_TICKS, rtc_ticks_now(b));
    set_bda8(b, BDA_HD_COUNT, (uint8_t)b->nhd);
    set_bda8(b, BDA_HD_CONTROL, b->hd[0].heads > 8 ? 0x08 : 0);
    uint8_t info = 0;
    for (int i = 0; i < 2; i++) {
        if (!b->fd[i].present)
            continue;
        info |= (uint8_t)(0x07 << (4 * i));      /* change line, multi-rate, known */
        set_bda8(b, BDA_FD_MEDIA + i, floppy_media_state(&b->fd[i]));
    }
    set_bda8(b, BDA_FD_INFO, info);
    uint32_t e = (uint32_t)base_kb * 1024;
    uint8_t zero[64];
    memset(zero, 0, sizeof zero);
    for (uint32_t off = 0; off < EBDA_KB * 1024; off += sizeof zero)
        wr_buf(b, e + off, zero, sizeof zero);
    wr8(b, e, EBDA_KB);                           /* EBDA size in KiB */
}

static void banner(Bios *b)
{
    char line[80];
    uint32_t mb = b->ram_size >> 20;
    if (mb)
        snprintf(line, sizeof line, "emu BIOS  %u MB RAM\r\n", mb);
    else
        snprintf(line, sizeof line, "emu BIOS  %u KB RAM\r\n", b->ram_size >> 10);
    video_puts(b, line);
}

/* The POST proper. EDX holds CPUID leaf 1 EDX (bit 0: FPU). */
void post_main(Bios *b)
{
    bool fpu = b->cpu->regs[R_EDX] & 1;
    pic_init(b);
    pit_init(b);
    rtc_init(b);
    pci_post(b);                                 /* bios/pcibios.c */

    uint8_t zero[256];
    memset(zero, 0, sizeof zero);
    for (uint32_t lin = 0x400; lin < 0x600; lin += sizeof zero)
        wr_buf(b, lin, zero, sizeof zero);       /* BDA and DOS's 50:00 page */
    ivt_init(b);
    bool mouse = kbc_init(b);
    bda_init(b, fpu, mouse);
    mouse_post(b);
    cmos_write(b, 0x0f, 0);                      /* shutdown code: normal */

    video_set_mode(b, 0x03);
    banner(b);
    a20_set(b, false);
    pic_unmask(b);
}
