/*
 * tests/test_uart.c - 16550A: registers, FIFOs, interrupts, timing, loopback.
 */
#include <check.h>

#include "hw/uart.h"
#include "tests/bench.h"

#define COM1 0x3F8
#define CHAR_NS_115200 86806u       /* 10 bits at 115200 baud, rounded up */

typedef struct Sink { uint8_t buf[256]; size_t len; } Sink;

static void sink_write(void *opaque, const uint8_t *buf, size_t len)
{
    Sink *s = opaque;
    for (size_t i = 0; i < len && s->len < sizeof s->buf; i++)
        s->buf[s->len++] = buf[i];
}

typedef struct Rig {
    Bench *b;
    IrqProbe *irq;
    Sink sink;
    CharBackend chr;
    Uart *u;
} Rig;

static Rig *rig_new(void)
{
    Rig *r = xzalloc(sizeof *r);
    r->b = bench_new(0);
    r->irq = bench_irq_probe(r->b, "irq4");
    r->chr.write = sink_write;
    r->chr.opaque = &r->sink;
    r->u = uart_create(bench_machine(r->b), COM1, irq_probe_line(r->irq), &r->chr);
    /* 115200 8N1 */
    bench_out8(r->b, COM1 + 3, 0x80);
    bench_out8(r->b, COM1 + 0, 1);
    bench_out8(r->b, COM1 + 1, 0);
    bench_out8(r->b, COM1 + 3, 0x03);
    return r;
}

static void rig_free(Rig *r)
{
    bench_free(r->b);
    free(r);
}

static size_t state_extent(const StateField *f)
{
    size_t end = 0;
    for (; f->type != SF_T_END; f++)
        if (f->offset + f->size * f->count > end)
            end = f->offset + f->size * f->count;
    return end;
}

START_TEST(uart_reset_values_and_scratch)
{
    Rig *r = rig_new();
    Bench *b = r->b;
    ck_assert_uint_eq(bench_in8(b, COM1 + 1), 0);
    ck_assert_uint_eq(bench_in8(b, COM1 + 2), 0x01);
    ck_assert_uint_eq(bench_in8(b, COM1 + 5), 0x60);
    ck_assert_uint_eq(bench_in8(b, COM1 + 4), 0);
    bench_out8(b, COM1 + 7, 0xA5);
    ck_assert_uint_eq(bench_in8(b, COM1 + 7), 0xA5);
    bench_out8(b, COM1 + 7, 0x5A);
    ck_assert_uint_eq(bench_in8(b, COM1 + 7), 0x5A);
    rig_free(r);
}
END_TEST

START_TEST(uart_divisor_latch)
{
    Rig *r = rig_new();
    Bench *b = r->b;
    bench_out8(b, COM1 + 3, 0x83);
    bench_out8(b, COM1 + 0, 0x34);
    bench_out8(b, COM1 + 1, 0x12);
    ck_assert_uint_eq(bench_in8(b, COM1 + 0), 0x34);
    ck_assert_uint_eq(bench_in8(b, COM1 + 1), 0x12);
    bench_out8(b, COM1 + 3, 0x03);
    /* IER is separate from DLM */
    ck_assert_uint_eq(bench_in8(b, COM1 + 1), 0);
    bench_out8(b, COM1 + 1, 0x0f);
    ck_assert_uint_eq(bench_in8(b, COM1 + 1), 0x0f);
    bench_out8(b, COM1 + 3, 0x83);
    ck_assert_uint_eq(bench_in8(b, COM1 + 1), 0x12);
    /* a divisor write did not transmit anything */
    ck_assert_uint_eq(r->sink.len, 0);
    rig_free(r);
}
END_TEST

START_TEST(uart_thre_temt_timing)
{
    Rig *r = rig_new();
    Bench *b = r->b;
    bench_out8(b, COM1 + 0, 'A');
    ck_assert_uint_eq(r->sink.len, 1);
    ck_assert_uint_eq(r->sink.buf[0], 'A');
    /* THR moved to the shift register at once; TEMT after one character */
    ck_assert_uint_eq(bench_in8(b, COM1 + 5) & 0x60, 0x20);
    bench_out8(b, COM1 + 0, 'B');
    ck_assert_uint_eq(bench_in8(b, COM1 + 5) & 0x60, 0x00);
    ck_assert_uint_eq(r->sink.len, 2);
    bench_run_ns(b, CHAR_NS_115200 - 1000);
    ck_assert_uint_eq(bench_in8(b, COM1 + 5) & 0x60, 0x00);
    bench_run_ns(b, 1000);
    ck_assert_uint_eq(bench_in8(b, COM1 + 5) & 0x60, 0x20);
    bench_run_ns(b, CHAR_NS_115200);
    ck_assert_uint_eq(bench_in8(b, COM1 + 5) & 0x60, 0x60);
    /* slower baud rate: 9600 -> about 1.04 ms per character */
    bench_out8(b, COM1 + 3, 0x83);
    bench_out8(b, COM1 + 0, 12);
    bench_out8(b, COM1 + 3, 0x03);
    bench_out8(b, COM1 + 0, 'C');
    bench_run_ns(b, 1000000);
    ck_assert_uint_eq(bench_in8(b, COM1 + 5) & 0x40, 0);
    bench_run_ns(b, 50000);
    ck_assert_uint_eq(bench_in8(b, COM1 + 5) & 0x40, 0x40);
    rig_free(r);
}
END_TEST

START_TEST(uart_thre_interrupt_semantics)
{
    Rig *r = rig_new();
    Bench *b = r->b;
    bench_out8(b, COM1 + 4, 0x08);          /* OUT2 */
    ck_assert_int_eq(irq_probe_level(r->irq), 0);
    bench_out8(b, COM1 + 1, 0x02);          /* ETBEI with THR empty */
    ck_assert_int_eq(irq_probe_level(r->irq), 1);
    ck_assert_uint_eq(bench_in8(b, COM1 + 2), 0x02);
    /* reading IIR cleared it */
    ck_assert_int_eq(irq_probe_level(r->irq), 0);
    ck_assert_uint_eq(bench_in8(b, COM1 + 2), 0x01);
    /* two bytes: the first goes to the TSR (THRE again at once), the
     * second waits; THRE returns one character later */
    bench_out8(b, COM1 + 0, 'x');
    ck_assert_int_eq(irq_probe_level(r->irq), 1);
    bench_out8(b, COM1 + 0, 'y');           /* writing THR clears THRE int */
    ck_assert_int_eq(irq_probe_level(r->irq), 0);
    bench_run_ns(b, CHAR_NS_115200 + 10);
    ck_assert_int_eq(irq_probe_level(r->irq), 1);
    ck_assert_uint_eq(bench_in8(b, COM1 + 2), 0x02);
    ck_assert_int_eq(irq_probe_level(r->irq), 0);
    rig_free(r);
}
END_TEST

START_TEST(uart_out2_gates_irq)
{
    Rig *r = rig_new();
    Bench *b = r->b;
    bench_out8(b, COM1 + 1, 0x01);          /* ERBFI */
    ck_assert(chr_receive(&r->chr, 'z'));
    ck_assert_uint_eq(bench_in8(b, COM1 + 2), 0x04);
    ck_assert_int_eq(irq_probe_level(r->irq), 0);   /* OUT2 = 0 */
    bench_out8(b, COM1 + 4, 0x08);
    ck_assert_int_eq(irq_probe_level(r->irq), 1);
    bench_out8(b, COM1 + 4, 0x00);
    ck_assert_int_eq(irq_probe_level(r->irq), 0);
    bench_out8(b, COM1 + 4, 0x08);
    ck_assert_uint_eq(bench_in8(b, COM1 + 0), 'z');
    ck_assert_int_eq(irq_probe_level(r->irq), 0);
    ck_assert_uint_eq(bench_in8(b, COM1 + 5) & 1, 0);
    rig_free(r);
}
END_TEST

START_TEST(uart_loopback)
{
    Rig *r = rig_new();
    Bench *b = r->b;
    bench_out8(b, COM1 + 4, 0x10);          /* LOOP */
    ck_assert_uint_eq(bench_in8(b, COM1 + 6) & 0xf0, 0x00);
    bench_out8(b, COM1 + 4, 0x1f);          /* DTR RTS OUT1 OUT2 looped */
    uint8_t msr = bench_in8(b, COM1 + 6);
    ck_assert_uint_eq(msr & 0xf0, 0xf0);
    ck_assert_uint_eq(msr & 0x0b, 0x0b);    /* DCTS DDSR DDCD */
    ck_assert_uint_eq(bench_in8(b, COM1 + 6) & 0x0f, 0);  /* deltas cleared */
    bench_out8(b, COM1 + 4, 0x1b);          /* OUT1 off: RI falls -> TERI */
    ck_assert_uint_eq(bench_in8(b, COM1 + 6) & 0x0f, 0x04);
    /* the byte loops to the receiver after one character, not to the host */
    bench_out8(b, COM1 + 0, 0x5A);
    ck_assert_uint_eq(r->sink.len, 0);
    ck_assert_uint_eq(bench_in8(b, COM1 + 5) & 1, 0);
    bench_run_ns(b, CHAR_NS_115200 + 10);
    ck_assert_uint_eq(bench_in8(b, COM1 + 5) & 1, 1);
    ck_assert_uint_eq(bench_in8(b, COM1 + 0), 0x5A);
    /* host input is disconnected in loopback */
    ck_assert(!chr_receive(&r->chr, 'q'));
    /* overrun: two bytes looped without reading (no FIFO) */
    bench_out8(b, COM1 + 0, 1);
    bench_out8(b, COM1 + 0, 2);
    bench_run_ns(b, 3 * CHAR_NS_115200);
    uint8_t lsr = bench_in8(b, COM1 + 5);
    ck_assert_uint_eq(lsr & 0x03, 0x03);
    ck_assert_uint_eq(bench_in8(b, COM1 + 5) & 0x02, 0);  /* OE read-clears */
    ck_assert_uint_eq(bench_in8(b, COM1 + 0), 2);
    rig_free(r);
}
END_TEST

START_TEST(uart_fifo_trigger_and_timeout)
{
    Rig *r = rig_new();
    Bench *b = r->b;
    bench_out8(b, COM1 + 2, 0x87);          /* FIFO on, clear, trigger 8 */
    ck_assert_uint_eq(bench_in8(b, COM1 + 2) & 0xC0, 0xC0);
    bench_out8(b, COM1 + 4, 0x08);
    bench_out8(b, COM1 + 1, 0x01);
    for (int i = 0; i < 7; i++)
        ck_assert(chr_receive(&r->chr, (uint8_t)('a' + i)));
    ck_assert_int_eq(irq_probe_level(r->irq), 0);
    ck_assert_uint_eq(bench_in8(b, COM1 + 2), 0xC1);
    ck_assert(chr_receive(&r->chr, 'h'));
    ck_assert_int_eq(irq_probe_level(r->irq), 1);
    ck_assert_uint_eq(bench_in8(b, COM1 + 2), 0xC4);
    for (int i = 0; i < 5; i++)
        ck_assert_uint_eq(bench_in8(b, COM1 + 0), 'a' + i);
    /* 3 left, below trigger: no interrupt until the timeout */
    ck_assert_int_eq(irq_probe_level(r->irq), 0);
    bench_run_ns(b, 3 * CHAR_NS_115200);
    ck_assert_int_eq(irq_probe_level(r->irq), 0);
    bench_run_ns(b, 2 * CHAR_NS_115200);
    ck_assert_int_eq(irq_probe_level(r->irq), 1);
    ck_assert_uint_eq(bench_in8(b, COM1 + 2), 0xCC);
    ck_assert_uint_eq(bench_in8(b, COM1 + 0), 'f');
    ck_assert_int_eq(irq_probe_level(r->irq), 0);
    ck_assert_uint_eq(bench_in8(b, COM1 + 0), 'g');
    ck_assert_uint_eq(bench_in8(b, COM1 + 0), 'h');
    ck_assert_uint_eq(bench_in8(b, COM1 + 5) & 1, 0);
    bench_run_ns(b, 10 * CHAR_NS_115200);
    ck_assert_int_eq(irq_probe_level(r->irq), 0);
    /* FIFO full: host is told to wait; 16 bytes fit */
    for (int i = 0; i < 16; i++)
        ck_assert(chr_receive(&r->chr, (uint8_t)i));
    ck_assert(!chr_receive(&r->chr, 99));
    /* clear RX FIFO */
    bench_out8(b, COM1 + 2, 0x83);
    ck_assert_uint_eq(bench_in8(b, COM1 + 5) & 1, 0);
    rig_free(r);
}
END_TEST

START_TEST(uart_iir_priorities)
{
    Rig *r = rig_new();
    Bench *b = r->b;
    bench_out8(b, COM1 + 4, 0x10);          /* loopback, outputs off */
    bench_out8(b, COM1 + 1, 0x0f);          /* all sources; THRE pending */
    bench_out8(b, COM1 + 0, 1);
    bench_out8(b, COM1 + 0, 2);             /* second byte overruns RBR */
    bench_run_ns(b, 3 * CHAR_NS_115200);
    bench_out8(b, COM1 + 4, 0x11);          /* DTR loops to DSR: DDSR */
    ck_assert_uint_eq(bench_in8(b, COM1 + 2), 0x06);    /* line status */
    ck_assert_uint_eq(bench_in8(b, COM1 + 5) & 0x03, 0x03);
    ck_assert_uint_eq(bench_in8(b, COM1 + 2), 0x04);    /* rx data */
    ck_assert_uint_eq(bench_in8(b, COM1 + 0), 2);
    ck_assert_uint_eq(bench_in8(b, COM1 + 2), 0x02);    /* THRE, read clears */
    ck_assert_uint_eq(bench_in8(b, COM1 + 2), 0x00);    /* modem status */
    ck_assert_int_eq(irq_probe_level(r->irq), 0);       /* loopback: gated */
    ck_assert_uint_eq(bench_in8(b, COM1 + 6) & 0x02, 0x02);
    ck_assert_uint_eq(bench_in8(b, COM1 + 2), 0x01);
    rig_free(r);
}
END_TEST

START_TEST(uart_no_backend_and_fuzz)
{
    Bench *b = bench_new(0);
    IrqProbe *irq = bench_irq_probe(b, "irq");
    Uart *u = uart_create(bench_machine(b), COM1, irq_probe_line(irq), NULL);
    bench_out8(b, COM1, 'x');
    uint32_t x = 99;
    for (int i = 0; i < 20000; i++) {
        x = x * 1103515245u + 12345u;
        uint16_t port = COM1 + ((x >> 16) & 7);
        if (x & 0x80000000u)
            bench_out8(b, port, (uint8_t)(x >> 8));
        else
            (void)bench_in8(b, port);
        if ((x & 0xff) == 7)
            bench_run_ns(b, (x >> 12) & 0xfffff);
    }
    const DeviceInfo *info;
    void *dev = machine_device(bench_machine(b), 0, &info);
    ck_assert_ptr_eq(dev, u);
    ck_assert(bench_state_roundtrip(info->state, dev, state_extent(info->state)));
    info->post_load(dev);
    machine_reset_devices(bench_machine(b));
    ck_assert_uint_eq(bench_in8(b, COM1 + 5), 0x60);
    bench_free(b);
}
END_TEST

START_TEST(uart_unpaced_drains_at_once)
{
    Rig *r = rig_new();
    Bench *b = r->b;
    uart_set_paced(r->u, false);
    bench_out8(b, COM1 + 2, 0x07);                 /* FIFO on, cleared */
    bench_out8(b, COM1 + 1, 0x02);                 /* ETBEI */
    bench_out8(b, COM1 + 4, 0x08);                 /* OUT2: IRQ to the bus */
    ck_assert_int_eq(irq_probe_level(r->irq), 1);   /* THRE with ETBEI */
    irq_probe_clear(r->irq);
    for (int i = 0; i < 20; i++)
        bench_out8(b, COM1 + 0, (uint8_t)('a' + i));
    ck_assert_uint_eq(r->sink.len, 20);
    /* each write clears THRE and the empty FIFO asserts it again: an edge
     * per write, so an edge-triggered PIC never misses the new interrupt */
    ck_assert_int_eq(irq_probe_rising_edges(r->irq), 20);
    /* no time passes, yet THR and TSR are empty and THRE is pending */
    ck_assert_uint_eq(bench_in8(b, COM1 + 5) & 0x60, 0x60);
    ck_assert_uint_eq(bench_in8(b, COM1 + 2) & 0x0f, 0x02);
    /* loopback still echoes every byte into the receiver */
    bench_out8(b, COM1 + 4, 0x10);
    bench_out8(b, COM1 + 0, 'Z');
    ck_assert_uint_eq(bench_in8(b, COM1 + 5) & 0x01, 0x01);
    ck_assert_uint_eq(bench_in8(b, COM1 + 0), 'Z');
    rig_free(r);
}
END_TEST

Suite *uart_suite(void)
{
    Suite *s = suite_create("uart");
    TCase *tc = tcase_create("uart");
    tcase_add_test(tc, uart_reset_values_and_scratch);
    tcase_add_test(tc, uart_divisor_latch);
    tcase_add_test(tc, uart_thre_temt_timing);
    tcase_add_test(tc, uart_unpaced_drains_at_once);
    tcase_add_test(tc, uart_thre_interrupt_semantics);
    tcase_add_test(tc, uart_out2_gates_irq);
    tcase_add_test(tc, uart_loopback);
    tcase_add_test(tc, uart_fifo_trigger_and_timeout);
    tcase_add_test(tc, uart_iir_priorities);
    tcase_add_test(tc, uart_no_backend_and_fuzz);
    suite_add_tcase(s, tc);
    return s;
}
