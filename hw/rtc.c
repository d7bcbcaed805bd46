/*
 * hw/rtc.c: Motorola MC146818A real-time clock plus CMOS RAM (PC/AT 0x70).
 *
 * Models:      the time, calendar and alarm registers in BCD or binary
 *              (DM) and 12- or 24-hour (24/12) format, advanced by the
 *              chip's own update cycle once per second with days-per-month
 *              and leap-year carries; register A divider control (DV2-DV0:
 *              divider reset stops the chain, the first update comes 500 ms
 *              after it is released), rate select RS3-RS0 with the periodic
 *              flag at 32768 Hz >> (RS-1) (RS 1 and 2 as 256 and 128 Hz),
 *              UIP set for 244 us before each update; register B SET (stops
 *              updates, clears UIE), PIE/AIE/UIE, DM, 24/12; register C
 *              flags PF/AF/UF with IRQF = PF.PIE + AF.AIE + UF.UIE, cleared
 *              by reading it; register D VRT = 1; alarm with "don't care"
 *              bytes (0xC0-0xFF); port 0x70 bit 7 stored as the NMI mask;
 *              the RESET pin on machine reset (enables and flags cleared,
 *              clock and RAM kept). Time is derived from guest nanoseconds:
 *              flags are folded in lazily on access, and timers run only
 *              for the update cycle and, while PIE is set, the periodic
 *              interrupt.
 * Not modeled: daylight saving (DSE is stored only); the square wave
 *              output (SQWE); the 1984 us window in which time bytes are
 *              being updated (updates are instantaneous); the 4.194304 and
 *              1.048576 MHz time bases (every running DV is 32.768 kHz).
 * Spec:        Motorola MC146818A datasheet: "Address Map", "Time, Calendar
 *              and Alarm Locations" (Table 3), "Register A-D", "Update
 *              Cycle", "Periodic Interrupt Rate" (Table 5); IBM PC AT
 *              Technical Reference, "CMOS RAM" (checksum at 0x2E-0x2F).
 */
#include "hw/rtc.h"

/* ---- Registers (datasheet names) ----------------------------------------- */
enum {
    RTC_SECONDS = 0, RTC_SECONDS_ALARM = 1, RTC_MINUTES = 2,
    RTC_MINUTES_ALARM = 3, RTC_HOURS = 4, RTC_HOURS_ALARM = 5,
    RTC_DAY_OF_WEEK = 6, RTC_DAY_OF_MONTH = 7, RTC_MONTH = 8, RTC_YEAR = 9,
    RTC_REG_A = 10, RTC_REG_B = 11, RTC_REG_C = 12, RTC_REG_D = 13,
};
#define RTC_REG_A_UIP   0x80
#define RTC_REG_A_DV    0x70
#define RTC_REG_A_RS    0x0f
#define RTC_REG_B_SET   0x80
#define RTC_REG_B_PIE   0x40
#define RTC_REG_B_AIE   0x20
#define RTC_REG_B_UIE   0x10
#define RTC_REG_B_DM    0x04    /* 1 = binary, 0 = BCD */
#define RTC_REG_B_24H   0x02
#define RTC_REG_C_IRQF  0x80
#define RTC_REG_C_PF    0x40
#define RTC_REG_C_AF    0x20
#define RTC_REG_C_UF    0x10
#define RTC_REG_D_VRT   0x80
#define RTC_DONT_CARE   0xc0
#define RTC_CENTURY     0x32    /* IBM AT CMOS map */

#define RTC_HZ          32768u          /* time base on a PC */
#define RTC_UIP_NS      244141u         /* 8 cycles of 32768 Hz */
#define RTC_FIRST_UPDATE_NS (NS_PER_SEC / 2)

/* ---- State --------------------------------------------------------------- */
struct Rtc {
    uint8_t  cmos[128];       /* time bytes, alarm, A-D, then CMOS RAM */
    uint8_t  index;           /* port 0x70 bits 6-0 */
    bool     nmi_masked;      /* port 0x70 bit 7 */
    uint64_t phase_ns;        /* divider chain released from reset */
    uint64_t next_update_ns;  /* next update cycle not yet applied */
    uint64_t pf_since_ns;     /* periodic edges folded into PF up to here */
    /* wiring: never saved */
    Machine *m;
    IrqLine  irq8;
    int      irq_level;       /* -1 = unknown */
    Timer    update_timer;
    Timer    periodic_timer;
    IoRegion io;
};

/* ---- Snapshot ------------------------------------------------------------ */
static const StateField rtc_fields[] = {
    SF_BYTES(Rtc, cmos), SF_INT(Rtc, index), SF_INT(Rtc, nmi_masked),
    SF_INT(Rtc, phase_ns), SF_INT(Rtc, next_update_ns), SF_INT(Rtc, pf_since_ns),
    SF_END
};

/* ---- Calendar arithmetic ---------------------------------------------------- */
static bool leap_year(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int64_t y, int mon)
{
    static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (mon < 1 || mon > 12)
        return 31;
    return mon == 2 && leap_year(y) ? 29 : days[mon - 1];
}

/* Days from 1970-01-01 to y-mon-d (y >= 1; 719162 days separate 0001-01-01
 * and 1970-01-01 in the proleptic Gregorian calendar). */
static int64_t days_since_epoch(int64_t y, int mon, int d)
{
    int64_t yb = y - 1;
    int64_t days = yb * 365 + yb / 4 - yb / 100 + yb / 400;
    for (int i = 1; i < mon; i++)
        days += month_days(y, i);
    return days + d - 1 - 719162;
}

static void civil_from_days(int64_t days, int64_t *y, int *mon, int *d)
{
    int64_t yy = 1970 + days / 366;
    while (days_since_epoch(yy + 1, 1, 1) <= days)
        yy++;
    while (yy > 1 && days_since_epoch(yy, 1, 1) > days)
        yy--;
    int64_t left = days - days_since_epoch(yy, 1, 1);
    int m = 1;
    while (m < 12 && left >= month_days(yy, m))
        left -= month_days(yy, m++);
    *y = yy;
    *mon = m;
    *d = (int)left + 1;
}

/* ---- Chip logic: register formats ------------------------------------------ */
static bool binary_mode(const Rtc *r)
{
    return r->cmos[RTC_REG_B] & RTC_REG_B_DM;
}

static int decode(const Rtc *r, uint8_t v)
{
    return binary_mode(r) ? v : (v >> 4) * 10 + (v & 15);
}

static uint8_t encode(const Rtc *r, int v)
{
    return binary_mode(r) ? (uint8_t)v : (uint8_t)((v / 10 % 10) << 4 | v % 10);
}

/* Hours as 0-23 whatever the 24/12 format (bit 7 = PM in 12-hour mode). */
static int decode_hour(const Rtc *r, uint8_t v)
{
    if (r->cmos[RTC_REG_B] & RTC_REG_B_24H)
        return decode(r, v);
    return decode(r, v & 0x7f) % 12 + ((v & 0x80) ? 12 : 0);
}

static uint8_t encode_hour(const Rtc *r, int hour)
{
    if (r->cmos[RTC_REG_B] & RTC_REG_B_24H)
        return encode(r, hour);
    int h = hour % 12;
    return (uint8_t)(encode(r, h ? h : 12) | (hour >= 12 ? 0x80 : 0));
}

static bool alarm_match(const Rtc *r)
{
    static const uint8_t pairs[3][2] = {
        { RTC_SECONDS_ALARM, RTC_SECONDS }, { RTC_MINUTES_ALARM, RTC_MINUTES },
        { RTC_HOURS_ALARM, RTC_HOURS },
    };
    for (int i = 0; i < 3; i++) {
        uint8_t alarm = r->cmos[pairs[i][0]];
        if ((alarm & RTC_DONT_CARE) != RTC_DONT_CARE && alarm != r->cmos[pairs[i][1]])
            return false;
    }
    return true;
}

/* One update cycle: +1 second with the chip's carries. Out-of-range values
 * written by the guest carry at the next step instead of counting on. The
 * chip's leap-year rule is "year divisible by 4" (valid 1901-2099). */
static void tick_second(Rtc *r)
{
    uint8_t *c = r->cmos;
    int sec = decode(r, c[RTC_SECONDS]), min = decode(r, c[RTC_MINUTES]);
    int hour = decode_hour(r, c[RTC_HOURS]);
    if (sec < 59) {
        c[RTC_SECONDS] = encode(r, sec + 1);
        return;
    }
    c[RTC_SECONDS] = encode(r, 0);
    if (min < 59) {
        c[RTC_MINUTES] = encode(r, min + 1);
        return;
    }
    c[RTC_MINUTES] = encode(r, 0);
    if (hour < 23) {
        c[RTC_HOURS] = encode_hour(r, hour + 1);
        return;
    }
    c[RTC_HOURS] = encode_hour(r, 0);
    int dow = decode(r, c[RTC_DAY_OF_WEEK]);
    c[RTC_DAY_OF_WEEK] = encode(r, dow >= 1 && dow < 7 ? dow + 1 : 1);
    int day = decode(r, c[RTC_DAY_OF_MONTH]), mon = decode(r, c[RTC_MONTH]);
    int year = decode(r, c[RTC_YEAR]);
    int mdays = mon == 2 && year % 4 == 0 ? 29 : month_days(1, mon);
    if (day < mdays) {
        c[RTC_DAY_OF_MONTH] = encode(r, day + 1);
        return;
    }
    c[RTC_DAY_OF_MONTH] = encode(r, 1);
    if (mon < 12) {
        c[RTC_MONTH] = encode(r, mon + 1);
        return;
    }
    c[RTC_MONTH] = encode(r, 1);
    c[RTC_YEAR] = encode(r, year < 99 ? year + 1 : 0);
}

/* Write the calendar bytes for 'secs' seconds since 1970 (current formats). */
static void set_time_bytes(Rtc *r, int64_t secs)
{
    int64_t days = secs / 86400, rem = secs % 86400, y;
    int mon, d;
    civil_from_days(days, &y, &mon, &d);
    r->cmos[RTC_SECONDS] = encode(r, (int)(rem % 60));
    r->cmos[RTC_MINUTES] = encode(r, (int)(rem / 60 % 60));
    r->cmos[RTC_HOURS] = encode_hour(r, (int)(rem / 3600));
    r->cmos[RTC_DAY_OF_WEEK] = encode(r, (int)((days + 4) % 7) + 1);  /* 1970-01-01: Thu */
    r->cmos[RTC_DAY_OF_MONTH] = encode(r, d);
    r->cmos[RTC_MONTH] = encode(r, mon);
    r->cmos[RTC_YEAR] = encode(r, (int)(y % 100));
}

static int clampi(int v, int lo, int hi)
{
    return v < lo ? lo : v > hi ? hi : v;
}

/* Skip 'n' seconds at once (long gaps between looks at the chip): through
 * seconds since 1970, with the two-digit year taken as 20yy. */
static void skip_seconds(Rtc *r, uint64_t n)
{
    const uint8_t *c = r->cmos;
    int64_t y = 2000 + clampi(decode(r, c[RTC_YEAR]), 0, 99);
    int mon = clampi(decode(r, c[RTC_MONTH]), 1, 12);
    int d = clampi(decode(r, c[RTC_DAY_OF_MONTH]), 1, month_days(y, mon));
    int64_t secs = days_since_epoch(y, mon, d) * 86400 +
                   clampi(decode_hour(r, c[RTC_HOURS]), 0, 23) * 3600 +
                   clampi(decode(r, c[RTC_MINUTES]), 0, 59) * 60 +
                   clampi(decode(r, c[RTC_SECONDS]), 0, 59);
    int dow = clampi(decode(r, c[RTC_DAY_OF_WEEK]), 1, 7);
    int64_t new_secs = secs + (int64_t)(n % (UINT64_C(400) * 365 * 86400));
    int64_t day_step = new_secs / 86400 - secs / 86400;
    set_time_bytes(r, new_secs);
    r->cmos[RTC_DAY_OF_WEEK] = encode(r, (int)((dow - 1 + day_step) % 7) + 1);
}

/* ---- Chip logic: time ----------------------------------------------------------- */
static uint64_t now_ns(Rtc *r)
{
    return clock_now_ns(machine_clock(r->m));
}

static bool divider_running(const Rtc *r)
{
    return (r->cmos[RTC_REG_A] & 0x60) != 0x60;     /* DV = 11x: reset */
}

/* Periodic flag period in 32768 Hz cycles, 0 when RS = 0 (Table 5). */
static uint64_t periodic_cycles(const Rtc *r)
{
    int rs = r->cmos[RTC_REG_A] & RTC_REG_A_RS;
    if (rs == 0)
        return 0;
    if (rs < 3)
        rs += 7;            /* RS 1, 2 give 256 Hz and 128 Hz */
    return UINT64_C(1) << (rs - 1);
}

static uint64_t cycles_since_phase(const Rtc *r, uint64_t t_ns)
{
    uint64_t d = t_ns > r->phase_ns ? t_ns - r->phase_ns : 0;
    return d / NS_PER_SEC * RTC_HZ + d % NS_PER_SEC * RTC_HZ / NS_PER_SEC;
}

/* Guest time of 32768 Hz cycle j after the phase point (rounded up). */
static uint64_t cycle_ns(const Rtc *r, uint64_t j)
{
    return r->phase_ns + j / RTC_HZ * NS_PER_SEC +
           (j % RTC_HZ * NS_PER_SEC + RTC_HZ - 1) / RTC_HZ;
}

/* Apply every update cycle due by now: time +1 s, UF, AF on a match. */
static void sync_updates(Rtc *r, uint64_t now)
{
    if (!divider_running(r) || now < r->next_update_ns)
        return;
    uint64_t n = (now - r->next_update_ns) / NS_PER_SEC + 1;
    r->next_update_ns += n * NS_PER_SEC;
    if (r->cmos[RTC_REG_B] & RTC_REG_B_SET)
        return;             /* SET inhibits the update; the divider runs */
    if (n > 2 * 86400) {
        skip_seconds(r, n - 86400);
        n = 86400;          /* a day still visits every alarm time */
    }
    uint8_t flags = RTC_REG_C_UF;
    for (uint64_t i = 0; i < n; i++) {
        tick_second(r);
        if (alarm_match(r))
            flags |= RTC_REG_C_AF;
    }
    r->cmos[RTC_REG_C] |= flags;
}

static void sync_periodic(Rtc *r, uint64_t now)
{
    uint64_t p = periodic_cycles(r);
    if (p && divider_running(r) && now > r->pf_since_ns &&
        cycles_since_phase(r, now) / p > cycles_since_phase(r, r->pf_since_ns) / p)
        r->cmos[RTC_REG_C] |= RTC_REG_C_PF;
    r->pf_since_ns = now;
}

static void sync(Rtc *r, uint64_t now)
{
    sync_updates(r, now);
    sync_periodic(r, now);
}

static void update_irq(Rtc *r)
{
    uint8_t flags = r->cmos[RTC_REG_C] & (RTC_REG_C_PF | RTC_REG_C_AF | RTC_REG_C_UF);
    bool irqf = flags & r->cmos[RTC_REG_B] & (RTC_REG_B_PIE | RTC_REG_B_AIE | RTC_REG_B_UIE);
    r->cmos[RTC_REG_C] = flags | (irqf ? RTC_REG_C_IRQF : 0);
    if ((int)irqf != r->irq_level) {
        r->irq_level = irqf;
        irq_set(r->irq8, irqf);
    }
}

/* ---- Time ------------------------------------------------------------------------ */
static void rearm(Rtc *r, uint64_t now)
{
    if (divider_running(r))
        timer_mod(&r->update_timer, r->next_update_ns);
    else
        timer_del(&r->update_timer);
    uint64_t p = periodic_cycles(r);
    if (p && divider_running(r) && (r->cmos[RTC_REG_B] & RTC_REG_B_PIE)) {
        uint64_t next = (cycles_since_phase(r, now) / p + 1) * p;
        timer_mod(&r->periodic_timer, cycle_ns(r, next));
    } else {
        timer_del(&r->periodic_timer);
    }
}

static void rtc_timer(void *dev)
{
    Rtc *r = dev;
    uint64_t now = now_ns(r);
    sync(r, now);
    update_irq(r);
    rearm(r, now);
}

/* ---- Guest-visible registers -------------------------------------------------------- */
static uint8_t reg_read(Rtc *r, int index, bool side_effects)
{
    uint64_t now = now_ns(r);
    sync(r, now);
    switch (index) {
    case RTC_REG_A: {
        uint8_t v = r->cmos[RTC_REG_A];
        if (divider_running(r) && !(r->cmos[RTC_REG_B] & RTC_REG_B_SET) &&
            now + RTC_UIP_NS >= r->next_update_ns)
            v |= RTC_REG_A_UIP;
        return v;
    }
    case RTC_REG_C: {
        update_irq(r);
        uint8_t v = r->cmos[RTC_REG_C];
        if (side_effects) {
            r->cmos[RTC_REG_C] = 0;     /* reading C clears every flag */
            update_irq(r);
        }
        return v;
    }
    case RTC_REG_D:
        return RTC_REG_D_VRT;
    default:
        return r->cmos[index];
    }
}

static void reg_write(Rtc *r, int index, uint8_t val)
{
    uint64_t now = now_ns(r);
    sync(r, now);
    switch (index) {
    case RTC_REG_A: {
        bool was_running = divider_running(r);
        r->cmos[RTC_REG_A] = val & (uint8_t)~RTC_REG_A_UIP;
        if (!was_running && divider_running(r)) {
            /* Leaving divider reset: the first update is 500 ms later. */
            r->phase_ns = now;
            r->next_update_ns = now + RTC_FIRST_UPDATE_NS;
        }
        break;
    }
    case RTC_REG_B:
        if (val & RTC_REG_B_SET)
            val &= (uint8_t)~RTC_REG_B_UIE;
        r->cmos[RTC_REG_B] = val;
        break;
    case RTC_REG_C:
    case RTC_REG_D:
        break;              /* read-only */
    default:
        r->cmos[index] = val;
        break;
    }
    r->pf_since_ns = now;
    update_irq(r);
    rearm(r, now);
}

static uint32_t rtc_read(void *dev, uint32_t off, unsigned size)
{
    Rtc *r = dev;
    if (!(off & 1))
        return 0xff;        /* the index register is write-only */
    if (r->index <= RTC_REG_D)
        return reg_read(r, r->index, true);
    return r->cmos[r->index];
}

static void rtc_write(void *dev, uint32_t off, uint32_t val, unsigned size)
{
    Rtc *r = dev;
    if (!(off & 1)) {
        r->index = val & 0x7f;
        r->nmi_masked = (val & 0x80) != 0;
        return;
    }
    if (r->index <= RTC_REG_D)
        reg_write(r, r->index, (uint8_t)val);
    else
        r->cmos[r->index] = (uint8_t)val;
}

static const IoOps rtc_io_ops = { rtc_read, rtc_write, 1 };

/* ---- Board interface ------------------------------------------------------------------ */
void rtc_set_cmos(Rtc *r, int index, uint8_t value)
{
    index &= 0x7f;
    if (index <= RTC_REG_D)
        reg_write(r, index, value);
    else
        r->cmos[index] = value;
}

uint8_t rtc_get_cmos(Rtc *r, int index)
{
    index &= 0x7f;
    return index <= RTC_REG_D ? reg_read(r, index, false) : r->cmos[index];
}

void rtc_update_checksum(Rtc *r)
{
    unsigned sum = 0;
    for (int i = 0x10; i <= 0x2d; i++)
        sum += r->cmos[i];
    r->cmos[0x2e] = (uint8_t)(sum >> 8);
    r->cmos[0x2f] = (uint8_t)sum;
}

bool rtc_nmi_masked(Rtc *r)
{
    return r->nmi_masked;
}

/* ---- Lifecycle ------------------------------------------------------------------------- */
/* The RESET pin: interrupt enables and flags only (datasheet, "RESET");
 * the clock, the calendar and the RAM survive a machine reset. */
static void rtc_reset(void *dev)
{
    Rtc *r = dev;
    uint64_t now = now_ns(r);
    sync(r, now);
    r->cmos[RTC_REG_B] &= (uint8_t)~(RTC_REG_B_PIE | RTC_REG_B_AIE | RTC_REG_B_UIE | 0x08);
    r->cmos[RTC_REG_C] = 0;
    update_irq(r);
    rearm(r, now);
}

static void rtc_post_load(void *dev)
{
    Rtc *r = dev;
    r->irq_level = -1;
    update_irq(r);
    rearm(r, now_ns(r));
}

static const DeviceInfo rtc_info = {
    .name = "rtc", .version = 1, .state = rtc_fields,
    .reset = rtc_reset, .post_load = rtc_post_load,
};

Rtc *rtc_create(Machine *m, uint16_t base, IrqLine irq8, int64_t host_epoch_s)
{
    Rtc *r = xzalloc(sizeof *r);
    r->m = m;
    r->irq8 = irq8;
    r->irq_level = -1;
    timer_init(&r->update_timer, machine_clock(m), "rtc-update", rtc_timer, r);
    timer_init(&r->periodic_timer, machine_clock(m), "rtc-periodic", rtc_timer, r);
    io_region_init(&r->io, "rtc", &rtc_io_ops, r);
    io_map(machine_io(m), &r->io, base, 2);
    machine_add(m, &rtc_info, r);

    uint64_t now = now_ns(r);
    int64_t secs = host_epoch_s > 0 ? host_epoch_s : 0;
    r->cmos[RTC_REG_A] = 0x26;      /* 32.768 kHz, 1024 Hz periodic rate */
    r->cmos[RTC_REG_B] = RTC_REG_B_24H;
    set_time_bytes(r, secs);
    int64_t y;
    int mon, d;
    civil_from_days(secs / 86400, &y, &mon, &d);
    r->cmos[RTC_CENTURY] = encode(r, (int)(y / 100 % 100));
    r->phase_ns = now;
    r->next_update_ns = now + RTC_FIRST_UPDATE_NS;
    r->pf_since_ns = now;
    rtc_reset(r);
    return r;
}
