/*
 * bios/time.c - time-of-day services: the IRQ0 tick (INT 08h), INT 1Ah
 * clock functions, and the RTC interrupt (INT 70h) that times INT 15h
 * AH=83h/86h waits and the alarm.
 *
 * Models:      the tick count at 40:6C with the midnight rollover at
 *              1800B0h ticks (flag 40:70), the diskette motor-off count
 *              40:40; INT 1Ah AH=00h-07h with the RTC's own BCD/binary
 *              format as stored; the RTC periodic interrupt (1024 Hz)
 *              counting down 40:9C in 976 us steps and setting bit 7 of the
 *              byte at 40:98 when done; the alarm calling INT 4Ah.
 *              AH=B1h goes to the PCI BIOS (bios/pcibios.c).
 * Not modeled: AH=0Ah/0Bh day counters (CF=1).
 * Spec:        IBM PC/AT Technical Reference, TIMER_INT, TIME_OF_DAY and
 *              RTC_INT listings; Motorola MC146818A datasheet (registers A-D);
 *              Ralf Brown's Interrupt List INT 1Ah and INT 70h.
 */
#include "bios/internal.h"

enum { RTC_SEC = 0x00, RTC_SEC_ALARM = 0x01, RTC_MIN = 0x02, RTC_MIN_ALARM = 0x03,
       RTC_HOUR = 0x04, RTC_HOUR_ALARM = 0x05, RTC_DAY = 0x07, RTC_MONTH = 0x08,
       RTC_YEAR = 0x09, RTC_REG_A = 0x0a, RTC_REG_B = 0x0b, RTC_REG_C = 0x0c,
       RTC_CENTURY = 0x32 };
enum { RTC_A_UIP = 0x80, RTC_B_SET = 0x80, RTC_B_PIE = 0x40, RTC_B_AIE = 0x20,
       RTC_B_BINARY = 0x04, RTC_B_24H = 0x02, RTC_B_DST = 0x01,
       RTC_C_PF = 0x40, RTC_C_AF = 0x20 };

#define TICKS_PER_DAY 0x1800b0u

uint8_t cmos_read(Bios *b, uint8_t reg)
{
    outb(b, 0x70, reg & 0x7f);
    return inb(b, 0x71);
}

void cmos_write(Bios *b, uint8_t reg, uint8_t v)
{
    outb(b, 0x70, reg & 0x7f);
    outb(b, 0x71, v);
}

/* Wait (bounded) for the RTC to be outside its update cycle. */
static bool rtc_ready(Bios *b)
{
    for (int i = 0; i < 100000; i++)
        if (!(cmos_read(b, RTC_REG_A) & RTC_A_UIP))
            return true;
    return false;
}

/* A time register as a binary number, whatever format register B says. */
static unsigned rtc_value(Bios *b, uint8_t reg, uint8_t regb)
{
    uint8_t v = cmos_read(b, reg);
    bool pm = false;
    if (reg == RTC_HOUR && !(regb & RTC_B_24H)) {
        pm = v & 0x80;
        v &= 0x7f;
    }
    unsigned n = regb & RTC_B_BINARY ? v : bcd_to_bin(v);
    if (reg == RTC_HOUR && !(regb & RTC_B_24H))
        n = n % 12 + (pm ? 12 : 0);
    return n;
}

/* Ticks since midnight from the RTC: seconds * 1193182 / 65536. */
uint32_t rtc_ticks_now(Bios *b)
{
    rtc_ready(b);
    uint8_t regb = cmos_read(b, RTC_REG_B);
    unsigned h = rtc_value(b, RTC_HOUR, regb), m = rtc_value(b, RTC_MIN, regb);
    unsigned s = rtc_value(b, RTC_SEC, regb);
    if (h > 23 || m > 59 || s > 59)
        return 0;                     /* no RTC, or garbage */
    uint64_t secs = h * 3600u + m * 60u + s;
    return (uint32_t)(secs * 1193182u / 65536u);
}

/* ---- INT 08h ----------------------------------------------------------------- */

void int08_service(Bios *b)
{
    uint32_t t = bda32(b, BDA_TICKS) + 1;
    if (t >= TICKS_PER_DAY) {
        t = 0;
        set_bda8(b, BDA_MIDNIGHT, 1);
    }
    set_bda32(b, BDA_TICKS, t);
    uint8_t count = bda8(b, BDA_FD_MOTOR_COUNT);
    if (count) {
        set_bda8(b, BDA_FD_MOTOR_COUNT, --count);
        if (count == 0 && (bda8(b, BDA_FD_MOTOR) & 0x0f)) {
            set_bda8(b, BDA_FD_MOTOR, bda8(b, BDA_FD_MOTOR) & 0xf0);
            outb(b, 0x3f2, 0x0c);     /* motors off, controller enabled */
        }
    }
}

/* ---- INT 1Ah ------------------------------------------------------------------- */

static void rtc_set_regs(Bios *b, const uint8_t *regs, const uint8_t *vals, int n)
{
    uint8_t regb = cmos_read(b, RTC_REG_B);
    cmos_write(b, RTC_REG_B, regb | RTC_B_SET);
    for (int i = 0; i < n; i++)
        cmos_write(b, regs[i], vals[i]);
    cmos_write(b, RTC_REG_B, regb & (uint8_t)~RTC_B_SET);
}

void int1a_service(Bios *b)
{
    uint8_t ah = reg8(b, R8_AH);
    set_cf(b, false);
    switch (ah) {
    case 0x00: {
        uint32_t t = bda32(b, BDA_TICKS);
        set_reg16(b, R_ECX, (uint16_t)(t >> 16));
        set_reg16(b, R_EDX, (uint16_t)t);
        set_reg8(b, R8_AL, bda8(b, BDA_MIDNIGHT));
        set_bda8(b, BDA_MIDNIGHT, 0);
        return;
    }
    case 0x01:
        set_bda32(b, BDA_TICKS, (uint32_t)reg16(b, R_ECX) << 16 | reg16(b, R_EDX));
        set_bda8(b, BDA_MIDNIGHT, 0);
        return;
    case 0x02:
        if (!rtc_ready(b)) {
            set_cf(b, true);
            return;
        }
        set_reg8(b, R8_CH, cmos_read(b, RTC_HOUR));
        set_reg8(b, R8_CL, cmos_read(b, RTC_MIN));
        set_reg8(b, R8_DH, cmos_read(b, RTC_SEC));
        set_reg8(b, R8_DL, cmos_read(b, RTC_REG_B) & RTC_B_DST);
        return;
    case 0x03: {
        const uint8_t regs[] = { RTC_HOUR, RTC_MIN, RTC_SEC };
        const uint8_t vals[] = { reg8(b, R8_CH), reg8(b, R8_CL), reg8(b, R8_DH) };
        rtc_set_regs(b, regs, vals, 3);
        uint8_t regb = cmos_read(b, RTC_REG_B);
        cmos_write(b, RTC_REG_B, (uint8_t)((regb & ~RTC_B_DST) | (reg8(b, R8_DL) & 1)));
        return;
    }
    case 0x04:
        if (!rtc_ready(b)) {
            set_cf(b, true);
            return;
        }
        set_reg8(b, R8_CH, cmos_read(b, RTC_CENTURY));
        set_reg8(b, R8_CL, cmos_read(b, RTC_YEAR));
        set_reg8(b, R8_DH, cmos_read(b, RTC_MONTH));
        set_reg8(b, R8_DL, cmos_read(b, RTC_DAY));
        return;
    case 0x05: {
        const uint8_t regs[] = { RTC_YEAR, RTC_MONTH, RTC_DAY, RTC_CENTURY };
        const uint8_t vals[] = { reg8(b, R8_CL), reg8(b, R8_DH), reg8(b, R8_DL), reg8(b, R8_CH) };
        rtc_set_regs(b, regs, vals, 4);
        return;
    }
    case 0x06: {                      /* set alarm */
        uint8_t regb = cmos_read(b, RTC_REG_B);
        if (regb & RTC_B_AIE) {
            set_cf(b, true);          /* already set */
            return;
        }
        cmos_write(b, RTC_HOUR_ALARM, reg8(b, R8_CH));
        cmos_write(b, RTC_MIN_ALARM, reg8(b, R8_CL));
        cmos_write(b, RTC_SEC_ALARM, reg8(b, R8_DH));
        cmos_write(b, RTC_REG_B, regb | RTC_B_AIE);
        outb(b, 0xa1, inb(b, 0xa1) & 0xfe);     /* unmask IRQ8 */
        outb(b, 0x21, inb(b, 0x21) & 0xfb);     /* and the cascade */
        return;
    }
    case 0x07:
        cmos_write(b, RTC_REG_B, cmos_read(b, RTC_REG_B) & (uint8_t)~RTC_B_AIE);
        return;
    case 0xb1:                        /* PCI BIOS (bios/pcibios.c) */
        pcibios_service(b);
        return;
    default:
        set_cf(b, true);
        return;
    }
}

/* ---- INT 70h -------------------------------------------------------------------- */

/* Periodic interrupt: count down the INT 15h AH=83h/86h wait; alarm: ask
 * the stub (AH=1) to call INT 4Ah. */
void int70_service(Bios *b)
{
    uint8_t regc = cmos_read(b, RTC_REG_C), regb = cmos_read(b, RTC_REG_B);
    set_reg8(b, R8_AH, 0);
    if ((regc & RTC_C_PF) && (regb & RTC_B_PIE)) {
        if (bda8(b, BDA_WAIT_ACTIVE) & 0x01) {
            int32_t left = (int32_t)bda32(b, BDA_WAIT_US) - 976;
            set_bda32(b, BDA_WAIT_US, (uint32_t)left);
            if (left <= 0) {
                /* PC/AT RTC_INT: turn off the wait, then post the user's
                 * flag (for AH=86h that flag byte is 40:A0 itself). */
                set_bda8(b, BDA_WAIT_ACTIVE, 0);
                uint32_t ptr = bda32(b, BDA_WAIT_PTR);
                uint32_t lin = (ptr >> 16) * 16 + (ptr & 0xffff);
                wr8(b, lin, rd8(b, lin) | 0x80);
                cmos_write(b, RTC_REG_B, regb & (uint8_t)~RTC_B_PIE);
            }
        } else {
            cmos_write(b, RTC_REG_B, regb & (uint8_t)~RTC_B_PIE);
        }
    }
    if ((regc & RTC_C_AF) && (regb & RTC_B_AIE))
        set_reg8(b, R8_AH, 1);
}
