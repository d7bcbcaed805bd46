/*
 * tests/test_isadebug.c - debug console, isa-debug-exit and POST port.
 */
#include <check.h>

#include "hw/isadebug.h"
#include "tests/bench.h"

typedef struct Sink { uint8_t buf[64]; size_t len; } Sink;

static void sink_write(void *opaque, const uint8_t *buf, size_t len)
{
    Sink *s = opaque;
    for (size_t i = 0; i < len && s->len < sizeof s->buf; i++)
        s->buf[s->len++] = buf[i];
}

START_TEST(debugcon_bytes_reach_backend)
{
    Bench *b = bench_new(0);
    Sink s = { .len = 0 };
    CharBackend chr = { .write = sink_write, .opaque = &s };
    debugcon_create(bench_machine(b), 0xE9, &chr);
    const char *msg = "ok\n";
    for (const char *p = msg; *p; p++)
        bench_out8(b, 0xE9, (uint8_t)*p);
    ck_assert_uint_eq(s.len, 3);
    ck_assert_int_eq(memcmp(s.buf, "ok\n", 3), 0);
    ck_assert_uint_eq(bench_in8(b, 0xE9), 0xE9);
    bench_free(b);
}
END_TEST

START_TEST(debugcon_without_backend_is_harmless)
{
    Bench *b = bench_new(0);
    debugcon_create(bench_machine(b), 0xE9, NULL);
    bench_out8(b, 0xE9, 'x');
    bench_out(b, 0xE9, 0x4142, 2);
    ck_assert_uint_eq(bench_in8(b, 0xE9), 0xE9);
    bench_free(b);
}
END_TEST

static int exit_status_after(unsigned size, uint16_t port_off, uint32_t v)
{
    Bench *b = bench_new(0);
    debug_exit_create(bench_machine(b), 0xF4);
    int status = -12345;
    ck_assert(!machine_exit_requested(bench_machine(b), &status));
    bench_out(b, 0xF4 + port_off, v, size);
    ck_assert(machine_exit_requested(bench_machine(b), &status));
    bench_free(b);
    return status;
}

START_TEST(debug_exit_status_codes)
{
    ck_assert_int_eq(exit_status_after(1, 0, 0), 1);
    ck_assert_int_eq(exit_status_after(1, 0, 1), 3);
    ck_assert_int_eq(exit_status_after(1, 0, 2), 5);
    ck_assert_int_eq(exit_status_after(1, 3, 0x10), 0x21);
    ck_assert_int_eq(exit_status_after(2, 0, 0x1234), 0x2469);
    ck_assert_int_eq(exit_status_after(4, 0, 0x00012345), 0x2468b);
    /* a byte write masks the value to 8 bits */
    ck_assert_int_eq(exit_status_after(1, 0, 0x1ff), 0x1ff);
}
END_TEST

START_TEST(post_port_keeps_value)
{
    Bench *b = bench_new(0);
    PostPort *p = post_port_create(bench_machine(b), 0x80);
    ck_assert_uint_eq(post_port_value(p), 0);
    bench_out8(b, 0x80, 0x55);
    ck_assert_uint_eq(post_port_value(p), 0x55);
    ck_assert_uint_eq(bench_in8(b, 0x80), 0x55);
    const DeviceInfo *info;
    void *dev = machine_device(bench_machine(b), 0, &info);
    ck_assert_ptr_eq(dev, p);
    ck_assert(bench_state_roundtrip(info->state, dev, 64));
    machine_reset_devices(bench_machine(b));
    ck_assert_uint_eq(post_port_value(p), 0);
    bench_free(b);
}
END_TEST

START_TEST(isadebug_fuzz)
{
    Bench *b = bench_new(0);
    Sink s = { .len = 0 };
    CharBackend chr = { .write = sink_write, .opaque = &s };
    debugcon_create(bench_machine(b), 0xE9, &chr);
    post_port_create(bench_machine(b), 0x80);
    uint32_t x = 12345;
    for (int i = 0; i < 2000; i++) {
        x = x * 1103515245u + 12345u;
        uint16_t port = (x >> 16) & 1 ? 0xE9 : 0x80;
        bench_out(b, port, x, 1u << ((x >> 8) % 3));
        (void)bench_in(b, port, 1u << ((x >> 4) % 3));
    }
    bench_free(b);
}
END_TEST

Suite *isadebug_suite(void)
{
    Suite *s = suite_create("isadebug");
    TCase *tc = tcase_create("isadebug");
    tcase_add_test(tc, debugcon_bytes_reach_backend);
    tcase_add_test(tc, debugcon_without_backend_is_harmless);
    tcase_add_test(tc, debug_exit_status_codes);
    tcase_add_test(tc, post_port_keeps_value);
    tcase_add_test(tc, isadebug_fuzz);
    suite_add_tcase(s, tc);
    return s;
}
