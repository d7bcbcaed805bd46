/*
 * bios/mouse.c - the PS/2 pointing device BIOS: INT 15h AH=C2h services
 * and the IRQ12 handler (INT 74h) that collects packets for the far
 * handler a driver installs with AX=C207h.
 *
 * Models:      C200h enable/disable, C201h reset, C202h sample rate, C203h
 *              resolution, C204h device type, C205h initialise (packet size),
 *              C206h status and scaling, C207h handler. Commands reach the
 *              mouse through the 8042 "write to auxiliary device" (D4h)
 *              command with the keyboard interface off; the answer (ACK and
 *              data, one byte per 8042 refill) is collected by the INT 15h
 *              stub spinning on mouse_poll() with interrupts off, because C
 *              cannot wait for guest time. Handler address, state, packet
 *              and the pending answer live in the EBDA (22h-4Bh).
 * Not modeled: packet sizes other than 3 for the handler call (bytes 4-8
 *              are collected but only status, X, Y are passed; Z = 0).
 * Spec:        IBM PS/2 Technical Reference, "Pointing Device BIOS
 *              Interface"; Ralf Brown's Interrupt List INT 15h AX=C200h-
 *              C207h and INT 74h.
 */
#include "bios/internal.h"

enum { MOUSE_OK = 0, MOUSE_BAD_FN = 1, MOUSE_BAD_INPUT = 2, MOUSE_IFACE = 3,
       MOUSE_RESEND = 4, MOUSE_NO_HANDLER = 5, MOUSE_COLLECT = -1 };
enum { MF2_HANDLER = 0x80, MF2_ENABLED = 0x40 };
enum { MOUSE_POLLS = 200000 };    /* spins before "interface error" */

static void kbc_command(Bios *b, uint8_t cmd)
{
    for (int i = 0; i < 10000 && (inb(b, 0x64) & 0x02); i++)
        ;
    outb(b, 0x64, cmd);
}

static void kbc_data(Bios *b, uint8_t v)
{
    for (int i = 0; i < 10000 && (inb(b, 0x64) & 0x02); i++)
        ;
    outb(b, 0x60, v);
}

/*
 * Send 'n' bytes to the mouse (8042 command D4h before each) with the
 * keyboard interface off, and have the INT 15h stub collect 'want' answer
 * bytes through mouse_poll(). The mouse takes command bytes back to back;
 * its ACKs and data then arrive one per 8042 refill.
 */
static int mouse_send(Bios *b, uint8_t fn, const uint8_t *bytes, int n, int want)
{
    uint32_t e = ebda_lin(b);
    kbc_command(b, 0xad);
    for (int i = 0; i < n; i++) {
        kbc_command(b, 0xd4);
        kbc_data(b, bytes[i]);
    }
    wr8(b, e + EBDA_MOUSE_WANT, (uint8_t)want);
    wr8(b, e + EBDA_MOUSE_GOT, 0);
    wr8(b, e + EBDA_MOUSE_FN, fn);
    wr32(b, e + EBDA_MOUSE_POLLS, MOUSE_POLLS);
    return MOUSE_COLLECT;
}

void mouse_post(Bios *b)
{
    uint32_t e = ebda_lin(b);
    wr32(b, e + EBDA_MOUSE_HANDLER, 0);
    wr8(b, e + EBDA_MOUSE_FLAGS1, 0);
    wr8(b, e + EBDA_MOUSE_FLAGS2, 2);            /* 3-byte packets */
}

static int mouse_fn(Bios *b, uint8_t al)
{
    uint32_t e = ebda_lin(b);
    uint8_t f2 = rd8(b, e + EBDA_MOUSE_FLAGS2), bh = reg8(b, R8_BH);
    static const uint8_t rates[7] = { 10, 20, 40, 60, 80, 100, 200 };
    switch (al) {
    case 0x00: {                                 /* enable / disable */
        if (bh > 1)
            return MOUSE_BAD_INPUT;
        if (bh == 1 && !(f2 & MF2_HANDLER))
            return MOUSE_NO_HANDLER;
        wr8(b, e + EBDA_MOUSE_FLAGS1, 0);
        wr8(b, e + EBDA_MOUSE_FLAGS2, bh ? f2 | MF2_ENABLED : f2 & (uint8_t)~MF2_ENABLED);
        if (bh == 1) {
            kbc_command(b, 0x60);                /* command byte: translate, */
            kbc_data(b, 0x47);                   /* system, IRQ12, IRQ1, aux on */
            kbc_command(b, 0xa8);
            outb(b, 0xa1, inb(b, 0xa1) & 0xef);  /* unmask IRQ12 */
            outb(b, 0x21, inb(b, 0x21) & 0xfb);  /* and the cascade */
        }
        const uint8_t cmd = bh ? 0xf4 : 0xf5;
        return mouse_send(b, al, &cmd, 1, 1);
    }
    case 0x01: {                                 /* reset: FA, AA, id */
        const uint8_t cmd = 0xff;
        wr8(b, e + EBDA_MOUSE_FLAGS1, 0);
        wr8(b, e + EBDA_MOUSE_FLAGS2, f2 & (uint8_t)~MF2_ENABLED);
        return mouse_send(b, al, &cmd, 1, 3);
    }
    case 0x02: {
        if (bh > 6)
            return MOUSE_BAD_INPUT;
        const uint8_t cmd[2] = { 0xf3, rates[bh] };
        return mouse_send(b, al, cmd, 2, 2);
    }
    case 0x03: {
        if (bh > 3)
            return MOUSE_BAD_INPUT;
        const uint8_t cmd[2] = { 0xe8, bh };
        return mouse_send(b, al, cmd, 2, 2);
    }
    case 0x04: {
        const uint8_t cmd = 0xf2;
        return mouse_send(b, al, &cmd, 1, 2);
    }
    case 0x05: {                                 /* initialise: packet size */
        if (bh < 1 || bh > 8)
            return MOUSE_BAD_INPUT;
        wr8(b, e + EBDA_MOUSE_FLAGS1, 0);
        wr8(b, e + EBDA_MOUSE_FLAGS2, (uint8_t)((f2 & MF2_HANDLER) | (bh - 1)));
        const uint8_t cmd[2] = { 0xf5, 0xf6 };   /* disable, defaults */
        return mouse_send(b, al, cmd, 2, 2);
    }
    case 0x06: {
        if (bh > 2)
            return MOUSE_BAD_INPUT;
        const uint8_t cmd = bh == 0 ? 0xe9 : bh == 1 ? 0xe6 : 0xe7;
        return mouse_send(b, al, &cmd, 1, bh == 0 ? 4 : 1);
    }
    case 0x07: {                                 /* far handler ES:BX */
        uint16_t seg = b->cpu->seg[SEG_ES].sel, off = reg16(b, R_EBX);
        wr16(b, e + EBDA_MOUSE_HANDLER, off);
        wr16(b, e + EBDA_MOUSE_HANDLER + 2, seg);
        wr8(b, e + EBDA_MOUSE_FLAGS2, (seg || off) ? f2 | MF2_HANDLER
                                                   : f2 & (uint8_t)~MF2_HANDLER);
        return MOUSE_OK;
    }
    default:
        return MOUSE_BAD_FN;
    }
}

/* Returns true when the stub must collect the answer (mouse_poll). */
bool int15_mouse(Bios *b)
{
    int st = mouse_fn(b, reg8(b, R8_AL));
    if (st == MOUSE_COLLECT)
        return true;
    ret_status(b, (uint8_t)st);
    return false;
}

static void mouse_finish(Bios *b, int st)
{
    uint32_t e = ebda_lin(b);
    uint8_t ans[8];
    rd_buf(b, e + EBDA_MOUSE_ANSWER, ans, sizeof ans);
    uint8_t fn = rd8(b, e + EBDA_MOUSE_FN), want = rd8(b, e + EBDA_MOUSE_WANT);
    kbc_command(b, 0xae);                        /* keyboard back on */
    if (st == MOUSE_OK && (fn == 0x02 || fn == 0x03 || fn == 0x05) && ans[want - 1] != 0xfa)
        st = MOUSE_IFACE;                        /* second command's ACK */
    if (st == MOUSE_OK) {
        switch (fn) {
        case 0x01: set_reg8(b, R8_BL, ans[1]); set_reg8(b, R8_BH, ans[2]); break;
        case 0x04: set_reg8(b, R8_BH, ans[1]); break;
        case 0x06:
            if (want == 4) {
                set_reg8(b, R8_BL, ans[1]);
                set_reg8(b, R8_CL, ans[2]);
                set_reg8(b, R8_DL, ans[3]);
            }
            break;
        default: break;
        }
    }
    ret_status(b, (uint8_t)st);
    set_live_zf(b, false);
}

/* One spin of the INT 15h C2h stub: take an aux byte if the 8042 has one.
 * Bytes before the first ACK (a packet in flight) are dropped, and so is a
 * keyboard byte (the keyboard is off, so at most one). */
void mouse_poll(Bios *b)
{
    uint32_t e = ebda_lin(b);
    unsigned want = rd8(b, e + EBDA_MOUSE_WANT), got = rd8(b, e + EBDA_MOUSE_GOT);
    set_live_zf(b, true);
    uint8_t st = inb(b, 0x64);
    if (st & 0x01) {
        uint8_t v = inb(b, 0x60);
        if ((st & 0x20) && (got > 0 || v == 0xfa || v == 0xfe)) {
            if (got == 0 && v == 0xfe) {
                mouse_finish(b, MOUSE_RESEND);
                return;
            }
            if (got < 8)
                wr8(b, e + EBDA_MOUSE_ANSWER + got, v);
            wr8(b, e + EBDA_MOUSE_GOT, (uint8_t)++got);
        }
    }
    if (got >= want) {
        mouse_finish(b, MOUSE_OK);
        return;
    }
    uint32_t polls = rd32(b, e + EBDA_MOUSE_POLLS);
    if (polls <= 1) {
        mouse_finish(b, MOUSE_IFACE);
        return;
    }
    wr32(b, e + EBDA_MOUSE_POLLS, polls - 1);
}

/* IRQ12: one byte of a packet. ZF=0 with AX/BX/CX/DX = status, X, Y, 0
 * when a packet is complete and the handler is enabled. */
void int74_service(Bios *b)
{
    uint32_t e = ebda_lin(b);
    set_live_zf(b, true);
    if ((inb(b, 0x64) & 0x21) != 0x21)
        return;                                  /* no aux byte: stray IRQ12 */
    uint8_t v = inb(b, 0x60);
    uint8_t f1 = rd8(b, e + EBDA_MOUSE_FLAGS1), f2 = rd8(b, e + EBDA_MOUSE_FLAGS2);
    unsigned idx = f1 & 7, size = (f2 & 7) + 1u;
    if (idx == 0 && size >= 3 && !(v & 0x08))
        return;                                  /* resync: bit 3 is always 1 */
    wr8(b, e + EBDA_MOUSE_PACKET + idx, v);
    if (++idx < size) {
        wr8(b, e + EBDA_MOUSE_FLAGS1, (uint8_t)((f1 & ~7) | idx));
        return;
    }
    wr8(b, e + EBDA_MOUSE_FLAGS1, f1 & (uint8_t)~7);
    if ((f2 & (MF2_HANDLER | MF2_ENABLED)) != (MF2_HANDLER | MF2_ENABLED))
        return;
    set_reg16(b, R_EAX, rd8(b, e + EBDA_MOUSE_PACKET));
    set_reg16(b, R_EBX, rd8(b, e + EBDA_MOUSE_PACKET + 1));
    set_reg16(b, R_ECX, rd8(b, e + EBDA_MOUSE_PACKET + 2));
    set_reg16(b, R_EDX, 0);
    set_live_zf(b, false);
}
