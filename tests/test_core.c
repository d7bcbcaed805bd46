/*
 * tests/test_core.c - unit tests for the shared core: port/memory buses,
 * A20, dirty bytes, the clock and timer queue, state tables, block backends.
 */
#include <check.h>
#include <unistd.h>

#include "hw/backend.h"
#include "hw/clock.h"
#include "memory/bus.h"
#include "snapshot/state.h"
#include "tests/bench.h"

typedef struct Regs { uint8_t r[4]; int writes; } Regs;

static uint32_t regs_read(void *dev, uint32_t off, unsigned size)
{
    Regs *r = dev;
    return r->r[off & 3];
}

static void regs_write(void *dev, uint32_t off, uint32_t val, unsigned size)
{
    Regs *r = dev;
    r->r[off & 3] = (uint8_t)val;
    r->writes++;
}

static const IoOps regs_ops = { regs_read, regs_write, 1 };

START_TEST(io_unclaimed_reads_ones_and_splits_words)
{
    AddrSpace *io = addr_space_new(ADDR_SPACE_IO);
    Regs r = { { 0x11, 0x22, 0x33, 0x44 }, 0 };
    IoRegion reg;
    io_region_init(&reg, "regs", &regs_ops, &r);
    io_map(io, &reg, 0x100, 4);
    ck_assert_uint_eq(io_read(io, 0x200, 1), 0xff);
    ck_assert_uint_eq(io_read(io, 0x200, 2), 0xffff);
    ck_assert_uint_eq(io_read(io, 0x200, 4), 0xffffffffu);
    ck_assert_uint_eq(io_read(io, 0x101, 2), 0x3322);
    ck_assert_uint_eq(io_read(io, 0x103, 2), 0xff44);   /* straddles the end */
    io_write(io, 0x100, 0xa1b2c3d4, 4);
    ck_assert_int_eq(r.writes, 4);
    ck_assert_uint_eq(r.r[0], 0xd4);
    ck_assert_uint_eq(r.r[3], 0xa1);
    io_unmap(io, &reg);
    ck_assert_uint_eq(io_read(io, 0x100, 1), 0xff);
    addr_space_free(io);
}
END_TEST

START_TEST(mem_ram_rom_a20_dirty)
{
    AddrSpace *mem = addr_space_new(ADDR_SPACE_MEM);
    uint8_t *ram = xzalloc(2 << 20);
    uint8_t rom[4096];
    memset(rom, 0x5a, sizeof rom);
    mem_map_ram(mem, 0, 2 << 20, ram);
    mem_map_rom(mem, 0xfffff000u, 4096, rom);
    mem_write(mem, 0x0ffe, 0x12345678, 4);              /* crosses a page */
    ck_assert_uint_eq(mem_read(mem, 0x0ffe, 4), 0x12345678);
    ck_assert_uint_eq(ram[0x1001], 0x12);
    mem_write(mem, 0xfffff010u, 0, 1);                  /* ROM ignores writes */
    ck_assert_uint_eq(mem_read(mem, 0xfffff010u, 1), 0x5a);
    ck_assert_uint_eq(mem_read(mem, 0x40000000u, 4), 0xffffffffu);
    ck_assert(mem_dirty_test_clear(mem, 0x1000, 1, DIRTY_VGA));
    ck_assert(!mem_dirty_test_clear(mem, 0x1000, 1, DIRTY_VGA));
    ck_assert(mem_dirty_test_clear(mem, 0x1000, 1, DIRTY_CODE));
    /* A20 off: 1 MiB + x aliases x. */
    ram[0x10] = 0x77;
    ram[0x100010] = 0x88;
    ck_assert_uint_eq(mem_read(mem, 0x100010, 1), 0x88);
    mem_set_a20(mem, false);
    ck_assert_uint_eq(mem_read(mem, 0x100010, 1), 0x77);
    ck_assert(!mem_a20(mem));
    mem_set_a20(mem, true);
    ck_assert_uint_eq(mem_read(mem, 0x100010, 1), 0x88);
    addr_space_free(mem);
    free(ram);
}
END_TEST

typedef struct Fired { int n; uint64_t at[8]; Clock *c; } Fired;

static void fired_cb(void *opaque)
{
    Fired *f = opaque;
    if (f->n < 8)
        f->at[f->n] = clock_now_ns(f->c);
    f->n++;
}

START_TEST(clock_timers_fire_in_order)
{
    Clock *c = clock_new(CLOCK_MANUAL);
    Fired fa = { .c = c }, fb = { .c = c };
    Timer a, b;
    timer_init(&a, c, "a", fired_cb, &fa);
    timer_init(&b, c, "b", fired_cb, &fb);
    timer_mod(&a, 300);
    timer_mod(&b, 100);
    ck_assert_uint_eq(clock_next_deadline(c), 100);
    clock_step_to(c, 200);
    ck_assert_int_eq(fb.n, 1);
    ck_assert_uint_eq(fb.at[0], 100);
    ck_assert_int_eq(fa.n, 0);
    timer_del(&a);
    clock_step_to(c, 1000);
    ck_assert_int_eq(fa.n, 0);
    ck_assert_uint_eq(clock_now_ns(c), 1000);
    clock_free(c);
}
END_TEST

typedef struct Sub { uint16_t x; bool flag; } Sub;
typedef struct Dev { uint8_t a; uint32_t b; uint64_t c; uint16_t arr[3]; uint8_t raw[5]; Sub subs[2]; } Dev;
static const StateField sub_fields[] = { SF_INT(Sub, x), SF_INT(Sub, flag), SF_END };
static const StateField dev_fields[] = {
    SF_INT(Dev, a), SF_INT(Dev, b), SF_INT(Dev, c), SF_ARRAY(Dev, arr),
    SF_BYTES(Dev, raw), SF_STRUCTS(Dev, subs, sub_fields), SF_END };

START_TEST(state_roundtrip_and_by_name)
{
    Dev d;
    memset(&d, 0, sizeof d);    /* padding too, for the memcmp below */
    d.a = 1; d.b = 0xdeadbeef; d.c = 0x0123456789abcdefull;
    d.arr[0] = 1; d.arr[1] = 2; d.arr[2] = 3;
    memcpy(d.raw, "abcd", 5);
    d.subs[0].x = 7; d.subs[0].flag = true; d.subs[1].x = 9;
    ck_assert(bench_state_roundtrip(dev_fields, &d, sizeof d));
    StateBuf buf = { 0 };
    state_save(dev_fields, &d, &buf);
    Dev e;
    memset(&e, 0, sizeof e);
    ck_assert_int_eq(state_load(dev_fields, &e, buf.data, buf.len), 0);
    ck_assert_int_eq(memcmp(&d, &e, sizeof d), 0);
    /* A table without 'b' ignores it; truncated data is rejected. */
    static const StateField fewer[] = { SF_INT(Dev, a), SF_END };
    Dev f;
    memset(&f, 0, sizeof f);
    ck_assert_int_eq(state_load(fewer, &f, buf.data, buf.len), 0);
    ck_assert_uint_eq(f.a, 1);
    ck_assert_uint_eq(f.b, 0);
    ck_assert_int_eq(state_load(dev_fields, &f, buf.data, buf.len - 3), -1);
    statebuf_free(&buf);
}
END_TEST

START_TEST(block_snapshot_overlay_keeps_file)
{
    char path[] = "/tmp/emu-blk-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    uint8_t data[2048];
    for (int i = 0; i < 2048; i++)
        data[i] = (uint8_t)i;
    ck_assert_int_eq(write(fd, data, sizeof data), 2048);
    close(fd);
    char err[128];
    BlockBackend *b = blk_open(path, false, true, err, sizeof err);
    ck_assert_ptr_nonnull(b);
    uint8_t w[100], r[2048];
    memset(w, 0xee, sizeof w);
    ck_assert_int_eq(blk_write(b, 500, w, sizeof w), 0);
    ck_assert_int_eq(blk_read(b, 0, r, sizeof r), 0);
    ck_assert_uint_eq(r[499], (uint8_t)499);
    ck_assert_uint_eq(r[500], 0xee);
    ck_assert_uint_eq(r[599], 0xee);
    ck_assert_uint_eq(r[600], (uint8_t)600);
    ck_assert_int_eq(blk_read(b, 2000, r, 100), -1);  /* past the end */
    blk_close(b);
    b = blk_open(path, false, false, err, sizeof err);
    ck_assert_int_eq(blk_read(b, 500, r, 1), 0);
    ck_assert_uint_eq(r[0], (uint8_t)500);              /* file untouched */
    blk_close(b);
    ck_assert_ptr_null(blk_open("/nonexistent/x.img", false, false, err, sizeof err));
    unlink(path);
}
END_TEST

Suite *core_suite(void)
{
    Suite *s = suite_create("core");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, io_unclaimed_reads_ones_and_splits_words);
    tcase_add_test(tc, mem_ram_rom_a20_dirty);
    tcase_add_test(tc, clock_timers_fire_in_order);
    tcase_add_test(tc, state_roundtrip_and_by_name);
    tcase_add_test(tc, block_snapshot_overlay_keeps_file);
    suite_add_tcase(s, tc);
    return s;
}
