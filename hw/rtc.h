/*
 * hw/rtc.h - Motorola MC146818A real-time clock with 128 bytes of CMOS RAM
 * (PC/AT: ports 0x70-0x71, IRQ8; port 0x70 bit 7 is the NMI mask).
 */
#ifndef HW_RTC_H
#define HW_RTC_H

#include "hw/irq.h"
#include "hw/machine.h"

typedef struct Rtc Rtc;

/*
 * An RTC at base (index/NMI mask) and base+1 (data) raising irq8 as a level
 * (high while IRQF is set). host_epoch_s is the wall-clock time, in seconds
 * since 1970-01-01 00:00:00, at creation (the board passes host local
 * time); the RTC then runs on guest time from there.
 */
Rtc *rtc_create(Machine *m, uint16_t base, IrqLine irq8, int64_t host_epoch_s);

/* CMOS bytes for the board and BIOS (index 0..127; 0x00-0x0D go through
 * the clock registers as a guest write/read would, without side effects on
 * register C). */
void rtc_set_cmos(Rtc *r, int index, uint8_t value);
uint8_t rtc_get_cmos(Rtc *r, int index);

/* Store the IBM AT checksum of bytes 0x10-0x2D at 0x2E (MSB) and 0x2F. */
void rtc_update_checksum(Rtc *r);

/* The state of port 0x70 bit 7 (1 = NMI disabled), for the board's NMI
 * logic. */
bool rtc_nmi_masked(Rtc *r);

#endif
