/*
 * hw/dma.c: the PC/AT's two Intel 8237A DMA controllers and page registers.
 *
 * Models:      controller 1 (channels 0-3, byte transfers, ports 0x00-0x0F)
 *              and controller 2 (channels 4-7, word transfers with word
 *              addresses and counts, ports 0xC0-0xDE, A0 ignored); base and
 *              current address/count registers through the byte pointer
 *              flip-flop; the mode register (verify/write/read, autoinit,
 *              address decrement, demand/single/block/cascade); single and
 *              all-channel mask writes, clear mask; the request register;
 *              the status register (TC bits cleared on read, request bits);
 *              the command register's controller disable; master clear;
 *              the temporary register (last byte moved); the 74LS612 page
 *              registers 0x81-0x8F (unused ones kept as scratch), with the
 *              64 KiB (8-bit) and 128 KiB (16-bit) address wrap inside a
 *              page. Transfers happen when a device calls dma_transfer().
 * Not modeled: memory-to-memory transfers, DACK/EOP polarity, rotating vs
 *              fixed priority (devices call in whatever order they run);
 *              the difference between demand, single and block modes (a
 *              call moves as much as the device offers); the cascade
 *              channel 4's mask does not gate channels 0-3; a software
 *              request does not start a transfer by itself.
 * Spec:        Intel 8237A High Performance Programmable DMA Controller
 *              datasheet: "Register Description", Tables 2-4, "Mode
 *              Register", "Status Register", "Software Commands"; IBM PC AT
 *              Technical Reference, "DMA Controller" (page register map).
 */
#include "hw/dma.h"

/* ---- Registers (datasheet names) ----------------------------------------- */
enum {
    DMA_REG_STATUS = 8, DMA_REG_COMMAND = 8, DMA_REG_REQUEST = 9,
    DMA_REG_SINGLE_MASK = 10, DMA_REG_MODE = 11, DMA_REG_CLEAR_FF = 12,
    DMA_REG_TEMP = 13, DMA_REG_MASTER_CLEAR = 13, DMA_REG_CLEAR_MASK = 14,
    DMA_REG_ALL_MASK = 15,
};
#define DMA_CMD_DISABLE      0x04    /* controller disable */
#define DMA_MODE_AUTOINIT    0x10
#define DMA_MODE_DECREMENT   0x20
#define DMA_MODE_CASCADE     0xc0
#define DMA_MASK_SET         0x04    /* single mask / request: set bit */

/* Page register (port 0x80 + index) for each channel (IBM AT map). */
static const uint8_t page_port[8] = { 0x7, 0x3, 0x1, 0x2, 0xf, 0xb, 0x9, 0xa };

/* ---- State --------------------------------------------------------------- */
typedef struct DmaChannel {
    uint16_t base_addr, base_count;
    uint16_t cur_addr, cur_count;
    uint8_t  mode;
    bool     tc;             /* TC reached since the count was written */
} DmaChannel;

typedef struct DmaCtrl {
    DmaChannel ch[4];
    uint8_t    command, status, request, mask, temp;
    bool       flipflop;     /* byte pointer: next access is the high byte */
} DmaCtrl;

struct Dma {
    DmaCtrl ctrl[2];
    uint8_t page[16];        /* ports 0x80-0x8F by low nibble (0 unused) */
    /* wiring: never saved */
    Machine *m;
    IoRegion io[2];
    IoRegion page_io;
};

/* ---- Snapshot ------------------------------------------------------------ */
static const StateField dma_channel_fields[] = {
    SF_INT(DmaChannel, base_addr), SF_INT(DmaChannel, base_count),
    SF_INT(DmaChannel, cur_addr), SF_INT(DmaChannel, cur_count),
    SF_INT(DmaChannel, mode), SF_INT(DmaChannel, tc),
    SF_END
};
static const StateField dma_ctrl_fields[] = {
    SF_STRUCTS(DmaCtrl, ch, dma_channel_fields),
    SF_INT(DmaCtrl, command), SF_INT(DmaCtrl, status), SF_INT(DmaCtrl, request),
    SF_INT(DmaCtrl, mask), SF_INT(DmaCtrl, temp), SF_INT(DmaCtrl, flipflop),
    SF_END
};
static const StateField dma_fields[] = {
    SF_STRUCTS(Dma, ctrl, dma_ctrl_fields),
    SF_BYTES(Dma, page),
    SF_END
};

/* ---- Chip logic ------------------------------------------------------------ */
static void master_clear(DmaCtrl *c)
{
    /* 8237A "Clear Master": like a hardware reset, all four masks set. */
    c->command = 0;
    c->status = 0;
    c->request = 0;
    c->temp = 0;
    c->flipflop = false;
    c->mask = 0x0f;
}

/* Guest physical address of unit 'addr' (a byte, or a word on controller 2
 * where A0 is 0, A16-A1 the address register and A23-A17 the page). */
static uint32_t unit_phys(const Dma *d, int channel, uint16_t addr)
{
    uint32_t page = d->page[page_port[channel]];
    if (channel >= 4)
        return (page & 0xfe) << 16 | (uint32_t)addr << 1;
    return page << 16 | addr;
}

/* Moves n units starting at the current address of 'channel'. */
static void move_units(Dma *d, int channel, uint8_t *buf, uint32_t n, bool dec, bool write)
{
    AddrSpace *mem = machine_mem(d->m);
    DmaChannel *ch = &d->ctrl[channel >> 2].ch[channel & 3];
    unsigned unit = channel >= 4 ? 2 : 1;
    if (!dec) {
        /* The caller keeps the run inside the address register's range, so
         * it is contiguous in guest memory. */
        uint32_t phys = unit_phys(d, channel, ch->cur_addr);
        if (write)
            mem_write_buf(mem, phys, buf, n * unit);
        else
            mem_read_buf(mem, phys, buf, n * unit);
        return;
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t phys = unit_phys(d, channel, (uint16_t)(ch->cur_addr - i));
        if (write)
            mem_write_buf(mem, phys, buf + i * unit, unit);
        else
            mem_read_buf(mem, phys, buf + i * unit, unit);
    }
}

/* ---- Guest-visible registers ----------------------------------------------- */
static uint8_t ctrl_read(DmaCtrl *c, unsigned reg)
{
    if (reg < 8) {
        DmaChannel *ch = &c->ch[reg >> 1];
        uint16_t v = (reg & 1) ? ch->cur_count : ch->cur_addr;
        bool high = c->flipflop;
        c->flipflop = !c->flipflop;
        return (uint8_t)(high ? v >> 8 : v);
    }
    switch (reg) {
    case DMA_REG_STATUS: {
        uint8_t v = (uint8_t)((c->status & 0x0f) | (c->request & 0x0f) << 4);
        c->status &= 0xf0;          /* TC bits clear on each status read */
        return v;
    }
    case DMA_REG_TEMP:
        return c->temp;
    case DMA_REG_ALL_MASK:
        return 0xf0 | c->mask;      /* readable on PIIX-class chipsets */
    default:
        return 0xff;                /* write-only registers */
    }
}

static void ctrl_write(DmaCtrl *c, unsigned reg, uint8_t val)
{
    if (reg < 8) {
        DmaChannel *ch = &c->ch[reg >> 1];
        uint16_t *base = (reg & 1) ? &ch->base_count : &ch->base_addr;
        uint16_t *cur = (reg & 1) ? &ch->cur_count : &ch->cur_addr;
        /* Writes go to both the base and the current register. */
        if (c->flipflop)
            *base = (uint16_t)((*base & 0x00ff) | val << 8);
        else
            *base = (uint16_t)((*base & 0xff00) | val);
        *cur = *base;
        c->flipflop = !c->flipflop;
        if (reg & 1)
            ch->tc = false;
        return;
    }
    uint8_t bit = (uint8_t)(1u << (val & 3));
    switch (reg) {
    case DMA_REG_COMMAND:
        c->command = val;
        break;
    case DMA_REG_REQUEST:
        c->request = (val & DMA_MASK_SET) ? c->request | bit : c->request & (uint8_t)~bit;
        break;
    case DMA_REG_SINGLE_MASK:
        c->mask = (val & DMA_MASK_SET) ? c->mask | bit : c->mask & (uint8_t)~bit;
        break;
    case DMA_REG_MODE:
        c->ch[val & 3].mode = val;
        break;
    case DMA_REG_CLEAR_FF:
        c->flipflop = false;
        break;
    case DMA_REG_MASTER_CLEAR:
        master_clear(c);
        break;
    case DMA_REG_CLEAR_MASK:
        c->mask = 0;
        break;
    default:                        /* DMA_REG_ALL_MASK */
        c->mask = val & 0x0f;
        break;
    }
}

static uint32_t dma1_read(void *dev, uint32_t off, unsigned size)
{
    Dma *d = dev;
    return ctrl_read(&d->ctrl[0], off & 15);
}

static void dma1_write(void *dev, uint32_t off, uint32_t val, unsigned size)
{
    Dma *d = dev;
    ctrl_write(&d->ctrl[0], off & 15, (uint8_t)val);
}

/* Controller 2 sits on A1-A4 (registers every other port from 0xC0). */
static uint32_t dma2_read(void *dev, uint32_t off, unsigned size)
{
    Dma *d = dev;
    return ctrl_read(&d->ctrl[1], (off >> 1) & 15);
}

static void dma2_write(void *dev, uint32_t off, uint32_t val, unsigned size)
{
    Dma *d = dev;
    ctrl_write(&d->ctrl[1], (off >> 1) & 15, (uint8_t)val);
}

static uint32_t page_read(void *dev, uint32_t off, unsigned size)
{
    Dma *d = dev;
    return d->page[(off + 1) & 15];
}

static void page_write(void *dev, uint32_t off, uint32_t val, unsigned size)
{
    Dma *d = dev;
    d->page[(off + 1) & 15] = (uint8_t)val;
}

static const IoOps dma1_ops = { dma1_read, dma1_write, 1 };
static const IoOps dma2_ops = { dma2_read, dma2_write, 1 };
static const IoOps page_ops = { page_read, page_write, 1 };

/* ---- Device interface ---------------------------------------------------------- */
static DmaChannel *channel_of(Dma *d, int channel)
{
    if (!d || channel < 0 || channel > 7)
        return NULL;
    return &d->ctrl[channel >> 2].ch[channel & 3];
}

size_t dma_transfer(Dma *d, int channel, void *buf, size_t len, bool to_memory)
{
    DmaChannel *ch = channel_of(d, channel);
    if (!ch || !buf)
        return 0;
    DmaCtrl *c = &d->ctrl[channel >> 2];
    uint8_t bit = (uint8_t)(1u << (channel & 3));
    if ((c->command & DMA_CMD_DISABLE) || (c->mask & bit) ||
        (ch->mode & DMA_MODE_CASCADE) == DMA_MODE_CASCADE)
        return 0;
    int type = ch->mode >> 2 & 3;
    bool data = (type == DMA_TRANSFER_WRITE && to_memory) ||
                (type == DMA_TRANSFER_READ && !to_memory);
    if (!data && (type == DMA_TRANSFER_WRITE || type == DMA_TRANSFER_READ))
        LOG(LOG_GUEST_ERRORS, "dma: channel %d programmed against the device's direction\n",
            channel);
    bool dec = (ch->mode & DMA_MODE_DECREMENT) != 0;
    unsigned unit = channel >= 4 ? 2 : 1;
    uint8_t *p = buf;
    size_t units = len / unit, done = 0;
    while (units > 0) {
        uint32_t left = (uint32_t)ch->cur_count + 1;     /* units until TC */
        uint32_t n = units < left ? (uint32_t)units : left;
        /* Stop the run where the address register wraps inside the page. */
        uint32_t room = dec ? (uint32_t)ch->cur_addr + 1 : 0x10000u - ch->cur_addr;
        if (n > room)
            n = room;
        if (data) {
            move_units(d, channel, p + done, n, dec, type == DMA_TRANSFER_WRITE);
            c->temp = p[done + (size_t)n * unit - 1];
        }
        ch->cur_addr = (uint16_t)(dec ? ch->cur_addr - n : ch->cur_addr + n);
        ch->cur_count = (uint16_t)(left - n - 1);        /* 0xFFFF at TC */
        done += (size_t)n * unit;
        units -= n;
        if (n < left)
            continue;
        /* Terminal count: status TC, request cleared; autoinitialize
         * reloads from the base registers, otherwise the mask bit is set
         * (8237A "Autoinitialize", "Mask Register"). */
        c->status |= bit;
        c->request &= (uint8_t)~bit;
        ch->tc = true;
        if (!(ch->mode & DMA_MODE_AUTOINIT)) {
            c->mask |= bit;
            break;
        }
        ch->cur_addr = ch->base_addr;
        ch->cur_count = ch->base_count;
    }
    return done;
}

bool dma_channel_tc(Dma *d, int channel)
{
    DmaChannel *ch = channel_of(d, channel);
    return ch && ch->tc;
}

bool dma_channel_masked(Dma *d, int channel)
{
    if (!channel_of(d, channel))
        return true;
    return (d->ctrl[channel >> 2].mask >> (channel & 3)) & 1;
}

int dma_channel_mode(Dma *d, int channel)
{
    DmaChannel *ch = channel_of(d, channel);
    return ch ? ch->mode >> 2 & 3 : -1;
}

/* ---- Lifecycle ------------------------------------------------------------- */
static void dma_reset(void *dev)
{
    Dma *d = dev;
    memset(d->ctrl, 0, sizeof d->ctrl);
    memset(d->page, 0, sizeof d->page);
    master_clear(&d->ctrl[0]);
    master_clear(&d->ctrl[1]);
}

static void dma_post_load(void *dev)
{
    /* No timers or lines: transfers are driven by the devices. */
}

static const DeviceInfo dma_info = {
    .name = "dma", .version = 1, .state = dma_fields,
    .reset = dma_reset, .post_load = dma_post_load,
};

Dma *dma_create(Machine *m)
{
    Dma *d = xzalloc(sizeof *d);
    d->m = m;
    io_region_init(&d->io[0], "dma1", &dma1_ops, d);
    io_region_init(&d->io[1], "dma2", &dma2_ops, d);
    io_region_init(&d->page_io, "dma-page", &page_ops, d);
    io_map(machine_io(m), &d->io[0], 0x00, 16);
    io_map(machine_io(m), &d->io[1], 0xc0, 32);
    io_map(machine_io(m), &d->page_io, 0x81, 15);
    machine_add(m, &dma_info, d);
    dma_reset(d);
    return d;
}
