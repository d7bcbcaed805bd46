/*
 * tests/test_dma.c - 8237A pair: programming through ports, transfers into
 * bench RAM with page registers, TC and masking, autoinit, decrement, the
 * 16-bit controller's word addressing, 64K/128K wraps, status, temporary
 * register, master clear, fuzz and the state table.
 */
#include <check.h>

#include "hw/dma.h"
#include "tests/bench.h"

static size_t state_extent(const StateField *f)
{
    size_t end = 0;
    for (; f->name; f++)
        if (f->offset + f->size * f->count > end)
            end = f->offset + f->size * f->count;
    return end;
}

/* Ports of an 8-bit (0-3) or 16-bit (4-7) channel's registers. */
static uint16_t reg_port(int ch, int reg)
{
    return ch < 4 ? (uint16_t)reg : (uint16_t)(0xc0 + 2 * reg);
}

static const uint16_t page_ports[8] = { 0x87, 0x83, 0x81, 0x82, 0x8f, 0x8b, 0x89, 0x8a };

/* What a BIOS or DOS driver does: mask, mode, flip-flop, address, count,
 * page, unmask. */
static void program(Bench *b, int ch, uint8_t mode, uint8_t page, uint16_t addr, uint16_t count)
{
    int c = ch & 3;
    bench_out8(b, reg_port(ch, 10), (uint8_t)(0x04 | c));
    bench_out8(b, reg_port(ch, 11), (uint8_t)(mode | c));
    bench_out8(b, reg_port(ch, 12), 0);
    bench_out8(b, reg_port(ch, 2 * c), (uint8_t)addr);
    bench_out8(b, reg_port(ch, 2 * c), (uint8_t)(addr >> 8));
    bench_out8(b, reg_port(ch, 2 * c + 1), (uint8_t)count);
    bench_out8(b, reg_port(ch, 2 * c + 1), (uint8_t)(count >> 8));
    bench_out8(b, page_ports[ch], page);
    bench_out8(b, reg_port(ch, 10), (uint8_t)c);
}

static uint16_t read16(Bench *b, uint16_t port)
{
    uint8_t lo = bench_in8(b, port);
    return (uint16_t)(lo | bench_in8(b, port) << 8);
}

START_TEST(dma_floppy_style_write_to_memory)
{
    Bench *b = bench_new(1024);
    Dma *d = dma_create(bench_machine(b));
    uint8_t *ram = bench_ram(b);
    ck_assert(dma_channel_masked(d, 2));                    /* power-on: masked */
    program(b, 2, 0x44, 0x01, 0x1234, 511);                 /* single, write */
    ck_assert(!dma_channel_masked(d, 2));
    ck_assert_int_eq(dma_channel_mode(d, 2), DMA_TRANSFER_WRITE);
    uint8_t buf[512];
    for (int i = 0; i < 512; i++)
        buf[i] = (uint8_t)(i * 7);
    ck_assert_uint_eq(dma_transfer(d, 2, buf, 256, true), 256);
    ck_assert(!dma_channel_tc(d, 2));
    ck_assert_uint_eq(dma_transfer(d, 2, buf + 256, 1000, true), 256);
    ck_assert(dma_channel_tc(d, 2));
    ck_assert_int_eq(memcmp(ram + 0x11234, buf, 512), 0);
    ck_assert_uint_eq(ram[0x11234 + 512], 0);
    /* TC without autoinit sets the mask bit: no more transfers. */
    ck_assert(dma_channel_masked(d, 2));
    ck_assert_uint_eq(dma_transfer(d, 2, buf, 512, true), 0);
    /* Status: TC bit for channel 2, cleared by the read. */
    ck_assert_uint_eq(bench_in8(b, 0x08) & 0x0f, 0x04);
    ck_assert_uint_eq(bench_in8(b, 0x08) & 0x0f, 0x00);
    bench_out8(b, 0x0c, 0);
    ck_assert_uint_eq(read16(b, 0x04), 0x1434);             /* current address */
    ck_assert_uint_eq(read16(b, 0x05), 0xffff);             /* count past 0 */
    ck_assert_uint_eq(bench_in8(b, 0x0d), (uint8_t)(511 * 7));   /* temp */
    bench_free(b);
}
END_TEST

START_TEST(dma_read_autoinit_decrement)
{
    Bench *b = bench_new(1024);
    Dma *d = dma_create(bench_machine(b));
    uint8_t *ram = bench_ram(b);
    for (int i = 0; i < 100; i++)
        ram[0x20000 + i] = (uint8_t)(0x80 + i);
    /* Read (memory -> device), autoinitialize: wraps back to the base. */
    program(b, 3, 0x58, 0x02, 0x0000, 99);
    ck_assert_int_eq(dma_channel_mode(d, 3), DMA_TRANSFER_READ);
    uint8_t buf[250];
    ck_assert_uint_eq(dma_transfer(d, 3, buf, sizeof buf, false), 250);
    ck_assert_uint_eq(buf[0], 0x80);
    ck_assert_uint_eq(buf[99], 0x80 + 99);
    ck_assert_uint_eq(buf[100], 0x80);
    ck_assert_uint_eq(buf[249], 0x80 + 49);
    ck_assert(dma_channel_tc(d, 3));
    ck_assert(!dma_channel_masked(d, 3));
    bench_out8(b, 0x0c, 0);
    ck_assert_uint_eq(read16(b, 0x06), 50);
    ck_assert_uint_eq(read16(b, 0x07), 49);
    /* Address decrement, write. */
    program(b, 1, 0x64, 0x00, 0x2000, 3);
    uint8_t four[4] = { 1, 2, 3, 4 };
    ck_assert_uint_eq(dma_transfer(d, 1, four, 4, true), 4);
    ck_assert_uint_eq(ram[0x2000], 1);
    ck_assert_uint_eq(ram[0x1fff], 2);
    ck_assert_uint_eq(ram[0x1ffe], 3);
    ck_assert_uint_eq(ram[0x1ffd], 4);
    /* Verify: count and address move, memory does not. */
    program(b, 0, 0x40, 0x00, 0x3000, 9);
    memset(buf, 0xee, 10);
    ck_assert_uint_eq(dma_transfer(d, 0, buf, 10, true), 10);
    ck_assert_uint_eq(ram[0x3000], 0);
    ck_assert(dma_channel_tc(d, 0));
    /* Direction disagreeing with the mode: no data moves either. */
    program(b, 0, 0x44, 0x00, 0x3000, 9);
    ck_assert_uint_eq(dma_transfer(d, 0, buf, 10, false), 10);
    ck_assert_uint_eq(ram[0x3000], 0);
    bench_free(b);
}
END_TEST

START_TEST(dma_16bit_channels_and_wraps)
{
    Bench *b = bench_new(1024);
    Dma *d = dma_create(bench_machine(b));
    uint8_t *ram = bench_ram(b);
    uint8_t buf[64];
    for (int i = 0; i < 64; i++)
        buf[i] = (uint8_t)(i + 1);
    /* Channel 5: word address 0x0800 in page 2 is byte 0x21000. */
    program(b, 5, 0x44, 0x02, 0x0800, 9);
    ck_assert_uint_eq(dma_transfer(d, 5, buf, 21, true), 20);   /* whole words */
    ck_assert_int_eq(memcmp(ram + 0x21000, buf, 20), 0);
    ck_assert(dma_channel_tc(d, 5));
    ck_assert_uint_eq(bench_in8(b, 0xd0) & 0x0f, 0x02);
    bench_out8(b, 0xd8, 0);
    ck_assert_uint_eq(read16(b, 0xc4), 0x080a);
    /* 8-bit wrap stays inside the 64K page. */
    program(b, 1, 0x44, 0x03, 0xfff0, 31);
    ck_assert_uint_eq(dma_transfer(d, 1, buf, 32, true), 32);
    ck_assert_int_eq(memcmp(ram + 0x3fff0, buf, 16), 0);
    ck_assert_int_eq(memcmp(ram + 0x30000, buf + 16, 16), 0);
    ck_assert_uint_eq(ram[0x40000], 0);
    /* 16-bit wrap stays inside the 128K page; page bit 0 is ignored. */
    program(b, 6, 0x44, 0x05, 0xfffc, 7);
    ck_assert_uint_eq(dma_transfer(d, 6, buf, 16, true), 16);
    ck_assert_int_eq(memcmp(ram + 0x5fff8, buf, 8), 0);
    ck_assert_int_eq(memcmp(ram + 0x40000, buf + 8, 8), 0);
    ck_assert_uint_eq(ram[0x60000], 0);
    bench_free(b);
}
END_TEST

START_TEST(dma_registers)
{
    Bench *b = bench_new(64);
    Dma *d = dma_create(bench_machine(b));
    /* Mask register, clear mask, write-all mask. */
    bench_out8(b, 0x0e, 0);
    ck_assert_uint_eq(bench_in8(b, 0x0f) & 0x0f, 0x00);
    bench_out8(b, 0x0f, 0x05);
    ck_assert(dma_channel_masked(d, 0));
    ck_assert(!dma_channel_masked(d, 1));
    ck_assert(dma_channel_masked(d, 2));
    bench_out8(b, 0xde, 0x0e);
    ck_assert(!dma_channel_masked(d, 4));
    ck_assert(dma_channel_masked(d, 7));
    /* Request register shows in status bits 4-7. */
    bench_out8(b, 0x09, 0x06);
    ck_assert_uint_eq(bench_in8(b, 0x08), 0x40);
    bench_out8(b, 0x09, 0x02);
    ck_assert_uint_eq(bench_in8(b, 0x08), 0x00);
    /* Flip-flop: write low, high; reading alternates. */
    bench_out8(b, 0x0c, 0);
    bench_out8(b, 0x00, 0x34);
    bench_out8(b, 0x00, 0x12);
    ck_assert_uint_eq(read16(b, 0x00), 0x1234);
    /* Page registers and the scratch ones. */
    bench_out8(b, 0x84, 0x5a);
    bench_out8(b, 0x8f, 0xa5);
    ck_assert_uint_eq(bench_in8(b, 0x84), 0x5a);
    ck_assert_uint_eq(bench_in8(b, 0x8f), 0xa5);
    /* Controller disable and cascade mode move nothing. */
    uint8_t buf[4] = { 0 };
    program(b, 1, 0x44, 0, 0x100, 3);
    bench_out8(b, 0x08, 0x04);
    ck_assert_uint_eq(dma_transfer(d, 1, buf, 4, true), 0);
    bench_out8(b, 0x08, 0x00);
    ck_assert_uint_eq(dma_transfer(d, 1, buf, 4, true), 4);
    bench_out8(b, 0xd6, 0xc0);                   /* channel 4 cascade */
    bench_out8(b, 0xd4, 0x00);
    ck_assert_uint_eq(dma_transfer(d, 4, buf, 4, true), 0);
    /* Master clear: everything masked, flip-flop low. */
    bench_out8(b, 0x00, 0x99);
    bench_out8(b, 0x0d, 0);
    for (int ch = 0; ch < 4; ch++)
        ck_assert(dma_channel_masked(d, ch));
    bench_out8(b, 0x00, 0x78);
    bench_out8(b, 0x00, 0x56);
    ck_assert_uint_eq(read16(b, 0x00), 0x5678);
    /* Bad arguments are harmless. */
    ck_assert_uint_eq(dma_transfer(d, 8, buf, 4, true), 0);
    ck_assert_uint_eq(dma_transfer(d, -1, buf, 4, true), 0);
    ck_assert_int_eq(dma_channel_mode(d, 9), -1);
    ck_assert(dma_channel_masked(d, 9));
    ck_assert(!dma_channel_tc(d, -3));
    bench_free(b);
}
END_TEST

START_TEST(dma_fuzz_and_state)
{
    Bench *b = bench_new(256);
    Dma *d = dma_create(bench_machine(b));
    uint8_t buf[300];
    memset(buf, 0x11, sizeof buf);
    uint32_t seed = 99;
    for (int i = 0; i < 100000; i++) {
        seed = seed * 1103515245u + 12345u;
        uint32_t r = seed >> 8;
        uint16_t port;
        switch (r % 3) {
        case 0: port = (uint16_t)((r >> 4) % 16); break;
        case 1: port = (uint16_t)(0xc0 + (r >> 4) % 32); break;
        default: port = (uint16_t)(0x81 + (r >> 4) % 15); break;
        }
        if ((r >> 10) % 3 == 0)
            (void)bench_in8(b, port);
        else if ((r >> 10) % 3 == 1)
            bench_out8(b, port, (uint8_t)(r >> 12));
        else
            ck_assert_uint_le(dma_transfer(d, (int)((r >> 12) % 8), buf,
                                           (r >> 15) % sizeof buf, (r >> 20) & 1),
                              sizeof buf);
    }
    const DeviceInfo *info;
    void *dev = machine_device(bench_machine(b), 0, &info);
    ck_assert_str_eq(info->name, "dma");
    ck_assert(bench_state_roundtrip(info->state, dev, state_extent(info->state)));
    info->reset(dev);
    ck_assert(dma_channel_masked(d, 2));
    bench_free(b);
}
END_TEST

Suite *dma_suite(void)
{
    Suite *s = suite_create("dma");
    TCase *tc = tcase_create("dma");
    tcase_add_test(tc, dma_floppy_style_write_to_memory);
    tcase_add_test(tc, dma_read_autoinit_decrement);
    tcase_add_test(tc, dma_16bit_channels_and_wraps);
    tcase_add_test(tc, dma_registers);
    tcase_add_test(tc, dma_fuzz_and_state);
    suite_add_tcase(s, tc);
    return s;
}
