/*
 * memory/bus.c - port space and physical memory map (see bus.h).
 *
 * Models: 64 KiB of ports with per-port region lookup; a 4 GiB physical
 * space in 4 KiB pages, each RAM, ROM, MMIO or unmapped; the A20 gate;
 * per-page dirty bytes.
 * Not modelled: sub-page MMIO granularity (no PC device needs it), bus
 * timing, SMRAM.
 */
#include "memory/bus.h"

#define IO_PORTS   0x10000u
#define MEM_PAGES  (1u << 20)

enum { PAGE_UNMAPPED, PAGE_RAM, PAGE_ROM, PAGE_MMIO };

typedef struct MemPage {
    uint8_t *host;        /* RAM/ROM: host address of the page's first byte */
    IoRegion *mmio;       /* MMIO: the region */
    uint8_t kind;
} MemPage;

struct AddrSpace {
    int kind;
    IoRegion **ports;     /* ADDR_SPACE_IO */
    MemPage *pages;       /* ADDR_SPACE_MEM */
    uint8_t *dirty;       /* one byte per page */
    uint8_t *code;        /* one byte per page: translated code lives here */
    CodeWriteFn *code_fn;
    void *code_opaque;
    uint32_t a20_mask;
    void (*a20_listener)(void *);
    void *a20_opaque;
};

AddrSpace *addr_space_new(int kind)
{
    AddrSpace *as = xzalloc(sizeof *as);
    as->kind = kind;
    as->a20_mask = 0xffffffffu;
    if (kind == ADDR_SPACE_IO) {
        as->ports = xzalloc(IO_PORTS * sizeof *as->ports);
    } else {
        as->pages = xzalloc((size_t)MEM_PAGES * sizeof *as->pages);
        as->dirty = xzalloc(MEM_PAGES);
        as->code = xzalloc(MEM_PAGES);
    }
    return as;
}

void addr_space_free(AddrSpace *as)
{
    if (!as)
        return;
    free(as->ports);
    free(as->pages);
    free(as->dirty);
    free(as->code);
    free(as);
}

void io_region_init(IoRegion *r, const char *name, const IoOps *ops, void *dev)
{
    memset(r, 0, sizeof *r);
    r->name = name;
    r->ops = ops;
    r->dev = dev;
}

void io_map(AddrSpace *as, IoRegion *r, uint64_t base, uint64_t len)
{
    r->base = base;
    r->len = len;
    if (as->kind == ADDR_SPACE_IO) {
        for (uint64_t p = base; p < base + len && p < IO_PORTS; p++)
            as->ports[p] = r;
        return;
    }
    for (uint64_t pg = base >> PAGE_SHIFT; pg < (base + len) >> PAGE_SHIFT && pg < MEM_PAGES; pg++) {
        as->pages[pg].kind = PAGE_MMIO;
        as->pages[pg].mmio = r;
        as->pages[pg].host = NULL;
    }
}

void io_unmap(AddrSpace *as, IoRegion *r)
{
    if (as->kind == ADDR_SPACE_IO) {
        for (uint32_t p = 0; p < IO_PORTS; p++)
            if (as->ports[p] == r)
                as->ports[p] = NULL;
        return;
    }
    for (uint32_t pg = 0; pg < MEM_PAGES; pg++)
        if (as->pages[pg].mmio == r)
            memset(&as->pages[pg], 0, sizeof as->pages[pg]);
}

static void map_host(AddrSpace *as, uint32_t phys, uint32_t len, uint8_t *host, int kind)
{
    for (uint64_t off = 0; off < len; off += PAGE_SIZE) {
        MemPage *p = &as->pages[(phys + off) >> PAGE_SHIFT];
        p->kind = (uint8_t)kind;
        p->host = host + off;
        p->mmio = NULL;
    }
}

void mem_map_ram(AddrSpace *as, uint32_t phys, uint32_t len, uint8_t *host)
{
    map_host(as, phys, len, host, PAGE_RAM);
}

void mem_map_rom(AddrSpace *as, uint32_t phys, uint32_t len, uint8_t *host)
{
    map_host(as, phys, len, host, PAGE_ROM);
}

/* ---- ports ---------------------------------------------------------------- */

static uint32_t port_read_piece(AddrSpace *as, uint32_t port, unsigned size)
{
    IoRegion *r = as->ports[port & 0xffff];
    if (!r) {
        LOG(LOG_UNIMP, "io: read%u from unclaimed port %#x\n", size * 8, port);
        return size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
    }
    return r->ops->read ? r->ops->read(r->dev, port - (uint32_t)r->base, size)
                        : (size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1);
}

static void port_write_piece(AddrSpace *as, uint32_t port, uint32_t val, unsigned size)
{
    IoRegion *r = as->ports[port & 0xffff];
    if (!r) {
        LOG(LOG_UNIMP, "io: write%u %#x to unclaimed port %#x\n", size * 8, val, port);
        return;
    }
    if (r->ops->write)
        r->ops->write(r->dev, port - (uint32_t)r->base, val, size);
}

/* Can one region handle [port, port+size) in one call? */
static bool port_whole(AddrSpace *as, uint32_t port, unsigned size)
{
    IoRegion *r = as->ports[port & 0xffff];
    if (!r || r->ops->max_size < size)
        return false;
    return port + size - 1 < IO_PORTS && as->ports[port + size - 1] == r;
}

uint32_t io_read(AddrSpace *as, uint32_t port, unsigned size)
{
    STAT(io_reads);
    port &= 0xffff;
    if (size == 1 || port_whole(as, port, size))
        return port_read_piece(as, port, size);
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= port_read_piece(as, (port + i) & 0xffff, 1) << (8 * i);
    return v;
}

void io_write(AddrSpace *as, uint32_t port, uint32_t val, unsigned size)
{
    STAT(io_writes);
    port &= 0xffff;
    if (size == 1 || port_whole(as, port, size)) {
        port_write_piece(as, port, val, size);
        return;
    }
    for (unsigned i = 0; i < size; i++)
        port_write_piece(as, (port + i) & 0xffff, (val >> (8 * i)) & 0xff, 1);
}

const char *io_region_name(AddrSpace *as, uint32_t where)
{
    if (as->kind == ADDR_SPACE_IO)
        return as->ports[where & 0xffff] ? as->ports[where & 0xffff]->name : NULL;
    MemPage *p = &as->pages[where >> PAGE_SHIFT];
    switch (p->kind) {
    case PAGE_RAM: return "ram";
    case PAGE_ROM: return "rom";
    case PAGE_MMIO: return p->mmio->name;
    default: return NULL;
    }
}

/* ---- memory ----------------------------------------------------------------- */

/* A write to [phys, phys+len) (after A20) is about to happen: tell the
 * translator if translated code may live there. */
static inline void code_write(AddrSpace *as, uint32_t phys, uint32_t len)
{
    if (as->code[phys >> PAGE_SHIFT] && as->code_fn)
        as->code_fn(as->code_opaque, phys, len);
}

void mem_set_code_listener(AddrSpace *as, CodeWriteFn *fn, void *opaque)
{
    as->code_fn = fn;
    as->code_opaque = opaque;
}

void mem_code_protect(AddrSpace *as, uint32_t phys, bool on)
{
    as->code[(phys & as->a20_mask) >> PAGE_SHIFT] = on;
}

const uint8_t *mem_code_map(AddrSpace *as)
{
    return as->code;
}

uint8_t *mem_host_ptr(AddrSpace *as, uint32_t phys, bool write)
{
    phys &= as->a20_mask;
    MemPage *p = &as->pages[phys >> PAGE_SHIFT];
    if (p->kind == PAGE_RAM) {
        if (write) {
            code_write(as, phys, PAGE_SIZE - (phys & (PAGE_SIZE - 1)));
            as->dirty[phys >> PAGE_SHIFT] = DIRTY_ALL;
        }
        return p->host + (phys & (PAGE_SIZE - 1));
    }
    if (p->kind == PAGE_ROM && !write)
        return p->host + (phys & (PAGE_SIZE - 1));
    return NULL;
}

static uint32_t mmio_read(IoRegion *r, uint32_t phys, unsigned size)
{
    STAT(mmio_accesses);
    uint32_t off = phys - (uint32_t)r->base;
    if (r->ops->max_size >= size)
        return r->ops->read(r->dev, off, size);
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= r->ops->read(r->dev, off + i, 1) << (8 * i);
    return v;
}

static void mmio_write(IoRegion *r, uint32_t phys, uint32_t val, unsigned size)
{
    STAT(mmio_accesses);
    uint32_t off = phys - (uint32_t)r->base;
    if (r->ops->max_size >= size) {
        r->ops->write(r->dev, off, val, size);
        return;
    }
    for (unsigned i = 0; i < size; i++)
        r->ops->write(r->dev, off + i, (val >> (8 * i)) & 0xff, 1);
}

static uint8_t read_byte(AddrSpace *as, uint32_t phys)
{
    phys &= as->a20_mask;
    MemPage *p = &as->pages[phys >> PAGE_SHIFT];
    switch (p->kind) {
    case PAGE_RAM:
    case PAGE_ROM:
        return p->host[phys & (PAGE_SIZE - 1)];
    case PAGE_MMIO:
        return (uint8_t)mmio_read(p->mmio, phys, 1);
    default:
        return 0xff;
    }
}

static void write_byte(AddrSpace *as, uint32_t phys, uint8_t v)
{
    phys &= as->a20_mask;
    MemPage *p = &as->pages[phys >> PAGE_SHIFT];
    switch (p->kind) {
    case PAGE_RAM:
        code_write(as, phys, 1);
        p->host[phys & (PAGE_SIZE - 1)] = v;
        as->dirty[phys >> PAGE_SHIFT] = DIRTY_ALL;
        break;
    case PAGE_MMIO:
        mmio_write(p->mmio, phys, v, 1);
        break;
    default:
        break;
    }
}

uint32_t mem_read(AddrSpace *as, uint32_t phys, unsigned size)
{
    uint32_t m = phys & as->a20_mask;
    if ((m & (PAGE_SIZE - 1)) + size <= PAGE_SIZE) {
        MemPage *p = &as->pages[m >> PAGE_SHIFT];
        if (p->kind == PAGE_RAM || p->kind == PAGE_ROM) {
            const uint8_t *h = p->host + (m & (PAGE_SIZE - 1));
            uint32_t v = 0;
            for (unsigned i = 0; i < size; i++)
                v |= (uint32_t)h[i] << (8 * i);
            return v;
        }
        if (p->kind == PAGE_MMIO)
            return mmio_read(p->mmio, m, size);
    }
    uint32_t v = 0;
    for (unsigned i = 0; i < size; i++)
        v |= (uint32_t)read_byte(as, phys + i) << (8 * i);
    return v;
}

void mem_write(AddrSpace *as, uint32_t phys, uint32_t val, unsigned size)
{
    uint32_t m = phys & as->a20_mask;
    if ((m & (PAGE_SIZE - 1)) + size <= PAGE_SIZE) {
        MemPage *p = &as->pages[m >> PAGE_SHIFT];
        if (p->kind == PAGE_MMIO) {
            mmio_write(p->mmio, m, val, size);
            return;
        }
    }
    for (unsigned i = 0; i < size; i++)
        write_byte(as, phys + i, (uint8_t)(val >> (8 * i)));
}

void mem_read_buf(AddrSpace *as, uint32_t phys, void *buf, size_t len)
{
    uint8_t *b = buf;
    while (len) {
        uint32_t m = phys & as->a20_mask;
        size_t chunk = PAGE_SIZE - (m & (PAGE_SIZE - 1));
        if (chunk > len)
            chunk = len;
        uint8_t *h = mem_host_ptr(as, phys, false);
        if (h)
            memcpy(b, h, chunk);
        else
            for (size_t i = 0; i < chunk; i++)
                b[i] = read_byte(as, phys + (uint32_t)i);
        b += chunk;
        phys += (uint32_t)chunk;
        len -= chunk;
    }
}

void mem_write_buf(AddrSpace *as, uint32_t phys, const void *buf, size_t len)
{
    const uint8_t *b = buf;
    while (len) {
        uint32_t m = phys & as->a20_mask;
        size_t chunk = PAGE_SIZE - (m & (PAGE_SIZE - 1));
        if (chunk > len)
            chunk = len;
        MemPage *p = &as->pages[m >> PAGE_SHIFT];
        if (p->kind == PAGE_RAM) {
            code_write(as, m, (uint32_t)chunk);
            as->dirty[m >> PAGE_SHIFT] = DIRTY_ALL;
            memcpy(p->host + (m & (PAGE_SIZE - 1)), b, chunk);
        } else {
            for (size_t i = 0; i < chunk; i++)
                write_byte(as, phys + (uint32_t)i, b[i]);
        }
        b += chunk;
        phys += (uint32_t)chunk;
        len -= chunk;
    }
}

void mem_set_a20(AddrSpace *as, bool enabled)
{
    uint32_t mask = enabled ? 0xffffffffu : ~(1u << 20);
    if (mask == as->a20_mask)
        return;
    as->a20_mask = mask;
    if (as->a20_listener)
        as->a20_listener(as->a20_opaque);
}

bool mem_a20(AddrSpace *as)
{
    return as->a20_mask == 0xffffffffu;
}

uint32_t mem_a20_mask(AddrSpace *as)
{
    return as->a20_mask;
}

void mem_set_a20_listener(AddrSpace *as, void (*fn)(void *), void *opaque)
{
    as->a20_listener = fn;
    as->a20_opaque = opaque;
}

void mem_dirty_set(AddrSpace *as, uint32_t phys, uint32_t len)
{
    if (!len)
        return;
    for (uint64_t pg = phys >> PAGE_SHIFT; pg <= ((uint64_t)phys + len - 1) >> PAGE_SHIFT && pg < MEM_PAGES; pg++)
        as->dirty[pg] = DIRTY_ALL;
}

bool mem_dirty_test_clear(AddrSpace *as, uint32_t phys, uint32_t len, unsigned client)
{
    bool any = false;
    if (!len)
        return false;
    for (uint64_t pg = phys >> PAGE_SHIFT; pg <= ((uint64_t)phys + len - 1) >> PAGE_SHIFT && pg < MEM_PAGES; pg++) {
        if (as->dirty[pg] & client) {
            any = true;
            as->dirty[pg] &= (uint8_t)~client;
        }
    }
    return any;
}
