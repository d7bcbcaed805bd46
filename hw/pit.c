/*
 * hw/pit.c: Intel 8254 programmable interval timer.
 *
 * Models:      counters 0-2 in modes 0-5 (6 and 7 alias 2 and 3) with the
 *              datasheet's OUT waveforms; GATE semantics per mode (disable
 *              counting in 0/2/3/4, trigger in 1/5, reload in 2/3, force OUT
 *              high in 2/3); binary and BCD counting (0 = 65536 or 10000);
 *              LSB, MSB and LSB-then-MSB access; the counter latch command;
 *              the read-back command (count and/or status of several
 *              counters) and the status byte with OUTPUT and NULL COUNT;
 *              new counts in modes 2/3 taking effect at the end of the
 *              current period. Counters are derived from the virtual clock
 *              (no per-tick work): each keeps the guest time and tick count
 *              at which its count element was loaded. Counter 0's OUT drives
 *              IRQ0 through one Timer armed at the next OUT edge only.
 * Not modeled: the one-CLK delay between a count write and the count
 *              element load (counting starts at the write); in mode 3 a new
 *              count waits for the end of the whole period, not half-cycle;
 *              counts 1 in modes 2/3 (illegal) leave OUT high; the exact CE
 *              contents before the first count is loaded.
 * Spec:        Intel 8254 Programmable Interval Timer datasheet (order no.
 *              231164): "Control Word Format", "Mode Definitions", Figure
 *              "Gate Pin Operations Summary", "Read-Back Command", "Status
 *              Byte".
 */
#include "hw/pit.h"

/* ---- Registers (datasheet names) ----------------------------------------- */
enum { PIT_PORT_CH0, PIT_PORT_CH1, PIT_PORT_CH2, PIT_PORT_CONTROL };
enum { PIT_RW_LATCH, PIT_RW_LSB, PIT_RW_MSB, PIT_RW_LSB_MSB };
#define PIT_CW_BCD          0x01
#define PIT_SC_READ_BACK    3
#define PIT_RB_COUNT        0x20    /* active low: latch count */
#define PIT_RB_STATUS       0x10    /* active low: latch status */
#define PIT_STATUS_OUTPUT   0x80
#define PIT_STATUS_NULL     0x40

/* ---- State --------------------------------------------------------------- */
typedef struct PitCounter {
    uint8_t  mode;            /* M2-M0 as written (6/7 behave as 2/3) */
    uint8_t  rw;              /* RW1-RW0 */
    bool     bcd;
    bool     gate;
    uint16_t cr;              /* count register: last count written */
    uint16_t ce_count;        /* count the count element is running with */
    bool     has_count;       /* a count was written since the control word */
    bool     loaded;          /* CE counting (modes 1/5: triggered) */
    bool     null_count;      /* CR written but not yet moved into the CE */
    bool     switch_pending;  /* modes 2/3: cr goes to the CE at switch_ticks */
    uint64_t switch_ticks;
    bool     write_msb;       /* LSB-then-MSB: next write is the MSB */
    uint8_t  write_lsb;
    bool     read_msb;        /* LSB-then-MSB: next read is the MSB */
    bool     count_latched;
    uint16_t latch;
    bool     status_latched;
    uint8_t  status;
    bool     running;         /* CLK reaches the CE (GATE allows counting) */
    uint64_t start_ns;        /* guest time when 'running' last changed */
    uint64_t base_ticks;      /* ticks counted before start_ns */
    uint64_t origin_ticks;    /* tick at which ce_count was loaded */
} PitCounter;

struct Pit {
    PitCounter counter[3];
    /* wiring: never saved */
    Machine  *m;
    IrqLine   irq0;
    int       irq0_level;     /* last level driven, -1 = unknown */
    Timer     tick;
    IoRegion  io;
};

/* ---- Snapshot ------------------------------------------------------------ */
static const StateField pit_counter_fields[] = {
    SF_INT(PitCounter, mode), SF_INT(PitCounter, rw), SF_INT(PitCounter, bcd),
    SF_INT(PitCounter, gate), SF_INT(PitCounter, cr), SF_INT(PitCounter, ce_count),
    SF_INT(PitCounter, has_count), SF_INT(PitCounter, loaded),
    SF_INT(PitCounter, null_count), SF_INT(PitCounter, switch_pending),
    SF_INT(PitCounter, switch_ticks), SF_INT(PitCounter, write_msb),
    SF_INT(PitCounter, write_lsb), SF_INT(PitCounter, read_msb),
    SF_INT(PitCounter, count_latched), SF_INT(PitCounter, latch),
    SF_INT(PitCounter, status_latched), SF_INT(PitCounter, status),
    SF_INT(PitCounter, running), SF_INT(PitCounter, start_ns),
    SF_INT(PitCounter, base_ticks), SF_INT(PitCounter, origin_ticks),
    SF_END
};
static const StateField pit_fields[] = {
    SF_STRUCTS(Pit, counter, pit_counter_fields),
    SF_END
};

/* ---- Chip logic: pure functions of (counter, time) ------------------------ */
/* Whole CLK periods in ns nanoseconds (floor), without 64-bit overflow. */
static uint64_t ns_to_ticks(uint64_t ns)
{
    return ns / NS_PER_SEC * PIT_HZ + ns % NS_PER_SEC * PIT_HZ / NS_PER_SEC;
}

/* The first nanosecond at which ns_to_ticks() reaches t (ceiling). */
static uint64_t ticks_to_ns(uint64_t t)
{
    return t / PIT_HZ * NS_PER_SEC + (t % PIT_HZ * NS_PER_SEC + PIT_HZ - 1) / PIT_HZ;
}

static int eff_mode(const PitCounter *c)
{
    return c->mode > 5 ? c->mode - 4 : c->mode;
}

static uint32_t bcd_decode(uint16_t v)
{
    return (v >> 12 & 15) * 1000u + (v >> 8 & 15) * 100u + (v >> 4 & 15) * 10u + (v & 15);
}

static uint16_t bcd_encode(uint32_t n)
{
    n %= 10000;
    return (uint16_t)((n / 1000) << 12 | (n / 100 % 10) << 8 | (n / 10 % 10) << 4 | n % 10);
}

/* Initial count N of the running cycle: 0 stands for 2^16 (10^4 in BCD). */
static uint32_t period(const PitCounter *c)
{
    uint32_t n = c->bcd ? bcd_decode(c->ce_count) : c->ce_count;
    return n ? n : c->bcd ? 10000 : 65536;
}

static uint64_t elapsed(const PitCounter *c, uint64_t now_ns)
{
    if (!c->running || now_ns < c->start_ns)
        return c->base_ticks;
    return c->base_ticks + ns_to_ticks(now_ns - c->start_ns);
}

/* Modes 2 and 3: a count written while counting reaches the CE at the end
 * of the current period ("Mode 2 ... the new count is loaded at the end of
 * the current counting cycle"). Applied lazily, whenever time is looked at. */
static void settle(PitCounter *c, uint64_t now_ns)
{
    if (c->switch_pending && c->loaded && elapsed(c, now_ns) >= c->switch_ticks) {
        c->ce_count = c->cr;
        c->origin_ticks = c->switch_ticks;
        c->switch_pending = false;
        c->null_count = false;
    }
}

static bool counter_out(const PitCounter *c, uint64_t now_ns)
{
    int mode = eff_mode(c);
    if (!c->loaded)
        return mode != 0;   /* after the control word: low in mode 0 only */
    uint64_t n = period(c), e = elapsed(c, now_ns) - c->origin_ticks;
    switch (mode) {
    case 0:
    case 1:
        return e >= n;
    case 2:
        return !c->gate || n < 2 || e % n != n - 1;
    case 3:
        return !c->gate || n < 2 || e % n < (n + 1) / 2;
    default:            /* 4, 5: one CLK low strobe when the count hits 0 */
        return e != n;
    }
}

static uint16_t counter_value(const PitCounter *c, uint64_t now_ns)
{
    if (!c->loaded)
        return c->ce_count;
    uint64_t n = period(c), e = elapsed(c, now_ns) - c->origin_ticks;
    uint64_t mod = c->bcd ? 10000 : 65536, v;
    switch (eff_mode(c)) {
    case 2:
        v = n - e % n;
        break;
    case 3:
        if (n < 2) {
            v = n;
        } else {
            /* Decrements by two; odd counts load N-1 (datasheet, Mode 3). */
            uint64_t h = (n + 1) / 2, p = e % n;
            v = (n & ~(uint64_t)1) - 2 * (p < h ? p : p - h);
        }
        break;
    default:            /* 0, 1, 4, 5 count down and wrap past zero */
        v = n % mod + mod - e % mod;
        break;
    }
    v %= mod;
    return c->bcd ? bcd_encode((uint32_t)v) : (uint16_t)v;
}

/* Tick (absolute, like origin_ticks) of the next OUT change, or UINT64_MAX. */
static uint64_t counter_next_edge(const PitCounter *c, uint64_t now_ns)
{
    if (!c->loaded || !c->running)
        return UINT64_MAX;
    uint64_t n = period(c), e = elapsed(c, now_ns) - c->origin_ticks, next;
    uint64_t p = n ? e % n : 0;
    switch (eff_mode(c)) {
    case 0:
    case 1:
        next = e < n ? n : UINT64_MAX;
        break;
    case 2:
        next = n < 2 ? UINT64_MAX : p < n - 1 ? e - p + n - 1 : e + 1;
        break;
    case 3:
        next = n < 2 ? UINT64_MAX : p < (n + 1) / 2 ? e - p + (n + 1) / 2 : e - p + n;
        break;
    default:
        next = e < n ? n : e == n ? n + 1 : UINT64_MAX;
        break;
    }
    return next == UINT64_MAX ? next : c->origin_ticks + next;
}

static void set_running(PitCounter *c, uint64_t now_ns, bool run)
{
    if (run == c->running)
        return;
    c->base_ticks = elapsed(c, now_ns);
    c->start_ns = now_ns;
    c->running = run;
}

/* Move CR into CE now (a load, a trigger or a mode 2/3 gate reload). */
static void load_ce(PitCounter *c, uint64_t now_ns)
{
    c->ce_count = c->cr;
    c->loaded = true;
    c->origin_ticks = elapsed(c, now_ns);
    c->null_count = false;
    c->switch_pending = false;
}

/* ---- Time ------------------------------------------------------------------ */
static uint64_t now_ns(Pit *p)
{
    return clock_now_ns(machine_clock(p->m));
}

/*
 * Drive IRQ0 from counter 0's OUT at time 'now' and arm the timer for the
 * next edge. One 'now' for the whole decision: with the host clock, time
 * moves between two reads, and a mode 2/4 low strobe is one CLK (838 ns)
 * long - judging it at two instants could miss it entirely.
 */
static void sync_irq0_at(Pit *p, uint64_t now)
{
    PitCounter *c = &p->counter[0];
    settle(c, now);
    int level = counter_out(c, now);
    if (level != p->irq0_level) {
        p->irq0_level = level;
        irq_set(p->irq0, level);
    }
    uint64_t edge = counter_next_edge(c, now);
    if (edge == UINT64_MAX) {
        timer_del(&p->tick);
        return;
    }
    uint64_t deadline = c->start_ns + ticks_to_ns(edge - c->base_ticks);
    timer_mod(&p->tick, deadline > now ? deadline : now + 1);
}

static void sync_irq0(Pit *p)
{
    sync_irq0_at(p, now_ns(p));
}

/*
 * The timer was armed for the next OUT edge. If the host ran it so late
 * that OUT is back at the level IRQ0 already has (the one-CLK low pulse of
 * mode 2/4, or both halves of a mode 3 period, are over), replay the pulse
 * so the PIC still sees one rising edge: missed periods coalesce into one
 * interrupt instead of vanishing.
 */
static void pit_tick(void *dev)
{
    Pit *p = dev;
    PitCounter *c = &p->counter[0];
    uint64_t now = now_ns(p);
    settle(c, now);
    int level = counter_out(c, now);
    if (level == p->irq0_level) {
        irq_set(p->irq0, !level);
        irq_set(p->irq0, level);
    }
    sync_irq0_at(p, now);
}

/* ---- Guest-visible registers ----------------------------------------------- */
static void write_control(Pit *p, uint8_t val, uint64_t now)
{
    int sc = val >> 6;
    int rw = val >> 4 & 3;
    if (sc == PIT_SC_READ_BACK) {
        for (int i = 0; i < 3; i++) {
            PitCounter *c = &p->counter[i];
            if (!(val & (2 << i)))
                continue;
            settle(c, now);
            if (!(val & PIT_RB_COUNT) && !c->count_latched) {
                c->latch = counter_value(c, now);
                c->count_latched = true;
            }
            if (!(val & PIT_RB_STATUS) && !c->status_latched) {
                c->status = (uint8_t)((counter_out(c, now) ? PIT_STATUS_OUTPUT : 0) |
                                      (c->null_count ? PIT_STATUS_NULL : 0) |
                                      c->rw << 4 | c->mode << 1 | c->bcd);
                c->status_latched = true;
            }
        }
        return;
    }
    PitCounter *c = &p->counter[sc];
    settle(c, now);
    if (rw == PIT_RW_LATCH) {
        if (!c->count_latched) {
            c->latch = counter_value(c, now);
            c->count_latched = true;
        }
        return;
    }
    /* A control word resets the counter's logic and sets OUT to its initial
     * state (low in mode 0, high otherwise); counting waits for a count. */
    bool gate = c->gate;
    uint16_t ce = c->ce_count;
    memset(c, 0, sizeof *c);
    c->mode = val >> 1 & 7;
    c->rw = (uint8_t)rw;
    c->bcd = val & PIT_CW_BCD;
    c->gate = gate;
    c->ce_count = ce;
    c->null_count = true;
    c->start_ns = now;
    c->running = gate || eff_mode(c) == 1 || eff_mode(c) == 5;
}

static void write_count(PitCounter *c, uint16_t value, uint64_t now)
{
    c->cr = value;
    c->has_count = true;
    c->null_count = true;
    switch (eff_mode(c)) {
    case 0:
    case 4:
        load_ce(c, now);
        break;
    case 2:
    case 3:
        if (!c->loaded) {
            load_ce(c, now);
        } else {
            uint64_t n = period(c), e = elapsed(c, now) - c->origin_ticks;
            c->switch_pending = true;
            c->switch_ticks = c->origin_ticks + (e / n + 1) * n;
        }
        break;
    default:            /* 1, 5: the count waits for a GATE trigger */
        break;
    }
}

static uint32_t pit_read(void *dev, uint32_t off, unsigned size)
{
    Pit *p = dev;
    if (off >= PIT_PORT_CONTROL)
        return 0xff;            /* the control word register is write-only */
    PitCounter *c = &p->counter[off];
    uint64_t now = now_ns(p);
    settle(c, now);
    if (c->status_latched) {
        c->status_latched = false;
        return c->status;
    }
    uint16_t v = c->count_latched ? c->latch : counter_value(c, now);
    switch (c->rw) {
    case PIT_RW_LSB:
        c->count_latched = false;
        return v & 0xff;
    case PIT_RW_MSB:
        c->count_latched = false;
        return v >> 8;
    default:
        if (!c->read_msb) {
            c->read_msb = true;
            return v & 0xff;
        }
        c->read_msb = false;
        c->count_latched = false;
        return v >> 8;
    }
}

static void pit_write(void *dev, uint32_t off, uint32_t val, unsigned size)
{
    Pit *p = dev;
    uint64_t now = now_ns(p);
    if (off >= PIT_PORT_CONTROL) {
        write_control(p, (uint8_t)val, now);
        if (val >> 6 == 0 || val >> 6 == PIT_SC_READ_BACK)
            sync_irq0(p);
        return;
    }
    PitCounter *c = &p->counter[off];
    settle(c, now);
    switch (c->rw) {
    case PIT_RW_LSB:
        write_count(c, (uint16_t)(val & 0xff), now);
        break;
    case PIT_RW_MSB:
        write_count(c, (uint16_t)((val & 0xff) << 8), now);
        break;
    default:
        if (!c->write_msb) {
            c->write_lsb = (uint8_t)val;
            c->write_msb = true;
            /* Mode 0: writing the first byte stops the count, OUT low. */
            if (eff_mode(c) == 0)
                c->loaded = false;
        } else {
            c->write_msb = false;
            write_count(c, (uint16_t)(c->write_lsb | (val & 0xff) << 8), now);
        }
        break;
    }
    if (off == 0)
        sync_irq0(p);
}

static const IoOps pit_io_ops = { pit_read, pit_write, 1 };

/* ---- Board interface ---------------------------------------------------------- */
void pit_set_gate(Pit *p, int channel, bool gate)
{
    if (!p || channel < 0 || channel > 2)
        return;
    PitCounter *c = &p->counter[channel];
    uint64_t now = now_ns(p);
    settle(c, now);
    if (gate == c->gate)
        return;
    c->gate = gate;
    switch (eff_mode(c)) {
    case 0:
    case 4:
        set_running(c, now, gate);          /* GATE low suspends counting */
        break;
    case 2:
    case 3:
        set_running(c, now, gate);          /* low: OUT high; rising: reload */
        if (gate && c->has_count)
            load_ce(c, now);
        break;
    default:
        if (gate && c->has_count)           /* 1, 5: rising edge triggers */
            load_ce(c, now);
        break;
    }
    if (channel == 0)
        sync_irq0(p);
}

bool pit_out(Pit *p, int channel)
{
    if (!p || channel < 0 || channel > 2)
        return false;
    PitCounter *c = &p->counter[channel];
    uint64_t now = now_ns(p);
    settle(c, now);
    return counter_out(c, now);
}

/* ---- Lifecycle ------------------------------------------------------------- */
static void pit_reset(void *dev)
{
    Pit *p = dev;
    uint64_t now = now_ns(p);
    for (int i = 0; i < 3; i++) {
        PitCounter *c = &p->counter[i];
        memset(c, 0, sizeof *c);
        c->rw = PIT_RW_LSB_MSB;
        c->gate = i != 2;       /* counters 0/1 tied high; 2 from port 0x61 */
        c->running = c->gate;
        c->start_ns = now;
    }
    sync_irq0(p);
}

static void pit_post_load(void *dev)
{
    Pit *p = dev;
    p->irq0_level = -1;
    sync_irq0(p);
}

static const DeviceInfo pit_info = {
    .name = "pit", .version = 1, .state = pit_fields,
    .reset = pit_reset, .post_load = pit_post_load,
};

Pit *pit_create(Machine *m, uint16_t base, IrqLine irq0)
{
    Pit *p = xzalloc(sizeof *p);
    p->m = m;
    p->irq0 = irq0;
    p->irq0_level = -1;
    timer_init(&p->tick, machine_clock(m), "pit", pit_tick, p);
    io_region_init(&p->io, "pit", &pit_io_ops, p);
    io_map(machine_io(m), &p->io, base, 4);
    machine_add(m, &pit_info, p);
    pit_reset(p);
    return p;
}
