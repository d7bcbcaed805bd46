/*
 * memory/bus.h - the guest's two address spaces: the 64 KiB port space and
 * the 4 GiB physical memory space, plus RAM/ROM mapping, the A20 gate and
 * the per-page dirty bytes.
 *
 * A device exposes registers through an IoRegion. Handlers get the offset
 * from the region's base, so the same code works wherever the board (or a
 * PCI BAR write) places the region. 'size' is 1, 2 or 4. Accesses wider than
 * ops->max_size, or straddling two regions, are split into little-endian
 * pieces, low address first. Unclaimed ports read as all ones and ignore
 * writes (logged under -d unimp); unclaimed memory reads as all ones too.
 *
 * Memory is mapped with 4 KiB page granularity: each page is RAM (host
 * pointer, writable), ROM (host pointer, writes ignored) or MMIO (IoRegion).
 * With the A20 gate off, bit 20 of every physical address is forced to 0
 * (the 8086 wrap-around) before the page is looked up.
 *
 * Dirty tracking: one byte per physical page, one bit per client (VGA,
 * translated code, migration). Every write through mem_write and mem_host_ptr
 * for writing marks the page dirty for all clients; each client clears its
 * own bit when it has looked.
 */
#ifndef MEMORY_BUS_H
#define MEMORY_BUS_H

#include "emu.h"

typedef struct IoOps {
    uint32_t (*read)(void *dev, uint32_t off, unsigned size);
    void     (*write)(void *dev, uint32_t off, uint32_t val, unsigned size);
    unsigned  max_size;   /* widest access implemented (1, 2 or 4) */
} IoOps;

typedef struct IoRegion {
    const char  *name;    /* "pit", "pic1", "ide0-cmd": used in traces */
    const IoOps *ops;
    void        *dev;     /* handed back to every handler */
    uint64_t     base;    /* set by io_map(), read-only for devices */
    uint64_t     len;
} IoRegion;

typedef struct AddrSpace AddrSpace;

enum { ADDR_SPACE_IO, ADDR_SPACE_MEM };

/* Dirty clients: one bit each in the per-page dirty byte. */
enum {
    DIRTY_VGA     = 1u << 0,
    DIRTY_CODE    = 1u << 1,
    DIRTY_MIGRATE = 1u << 2,
    DIRTY_ALL     = 0xff,
};

#define PAGE_SHIFT 12
#define PAGE_SIZE  4096u
#define PAGE_MASK  (~(uint32_t)(PAGE_SIZE - 1))

AddrSpace *addr_space_new(int kind);
void addr_space_free(AddrSpace *as);

void io_region_init(IoRegion *r, const char *name, const IoOps *ops, void *dev);
/* Map r at [base, base+len). Ports: any granularity. Memory: base and len
 * must be page aligned. A later mapping replaces an earlier one. */
void io_map(AddrSpace *as, IoRegion *r, uint64_t base, uint64_t len);
void io_unmap(AddrSpace *as, IoRegion *r);

/* Port space accesses (size 1, 2, 4). */
uint32_t io_read(AddrSpace *as, uint32_t port, unsigned size);
void io_write(AddrSpace *as, uint32_t port, uint32_t val, unsigned size);

/* RAM and ROM on the memory space: host must stay valid while mapped. */
void mem_map_ram(AddrSpace *as, uint32_t phys, uint32_t len, uint8_t *host);
void mem_map_rom(AddrSpace *as, uint32_t phys, uint32_t len, uint8_t *host);

/*
 * Host pointer to the byte at phys (after A20), or NULL when the page is
 * MMIO/unmapped, or when 'write' is set and the page is ROM. A write
 * request marks the page dirty. The pointer is valid to the page's end.
 */
uint8_t *mem_host_ptr(AddrSpace *as, uint32_t phys, bool write);

/* Any-region accesses (size 1, 2, 4); may cross pages. */
uint32_t mem_read(AddrSpace *as, uint32_t phys, unsigned size);
void mem_write(AddrSpace *as, uint32_t phys, uint32_t val, unsigned size);
void mem_read_buf(AddrSpace *as, uint32_t phys, void *buf, size_t len);
void mem_write_buf(AddrSpace *as, uint32_t phys, const void *buf, size_t len);

/* A20 gate. The listener (the CPU's TLB flush) runs on every change. */
void mem_set_a20(AddrSpace *as, bool enabled);
bool mem_a20(AddrSpace *as);
uint32_t mem_a20_mask(AddrSpace *as);
void mem_set_a20_listener(AddrSpace *as, void (*fn)(void *opaque), void *opaque);

/* Dirty bytes. */
void mem_dirty_set(AddrSpace *as, uint32_t phys, uint32_t len);
/* True if any page in [phys, phys+len) is dirty for 'client'; clears it. */
bool mem_dirty_test_clear(AddrSpace *as, uint32_t phys, uint32_t len, unsigned client);

/*
 * Translated-code protection (the translator's SMC detection). A RAM page
 * holding translated code is marked with mem_code_protect(). Every write
 * through this bus to a marked page - mem_write, mem_write_buf, and
 * mem_host_ptr(write) used by DMA - first calls the code listener with the
 * physical range about to change; the listener drops the translations that
 * overlap it and unmarks the page when none is left. CPUs must not cache
 * write access to a marked page (their TLBs send such writes here).
 */
typedef void CodeWriteFn(void *opaque, uint32_t phys, uint32_t len);
void mem_set_code_listener(AddrSpace *as, CodeWriteFn *fn, void *opaque);
void mem_code_protect(AddrSpace *as, uint32_t phys, bool on);
static inline bool mem_code_page(const uint8_t *code_map, uint32_t phys)
{
    return code_map[phys >> PAGE_SHIFT] != 0;
}
/* The map itself (one byte per page, non-zero = code), for fast tests. */
const uint8_t *mem_code_map(AddrSpace *as);

/* Name of the region claiming port/phys, or NULL (for traces). */
const char *io_region_name(AddrSpace *as, uint32_t where);

#endif
