/*
 * tests/test_screendump.c - CP437 to UTF-8 text dumps and the PNG writer.
 */
#include <check.h>
#include <unistd.h>
#include <zlib.h>

#include "ui/screendump.h"

static void fill(VgaText *t, int cols, int rows)
{
    memset(t, 0, sizeof *t);
    t->cols = cols, t->rows = rows;
    for (int i = 0; i < cols * rows; i++)
        t->cells[i] = ' ' | 0x07 << 8;
}

static void put(VgaText *t, int row, int col, const char *s)
{
    for (; *s; s++)
        t->cells[row * t->cols + col++] = (uint16_t)((uint8_t)*s | 0x1F << 8);
}

START_TEST(cp437_mapping)
{
    ck_assert_uint_eq(screendump_cp437(0xB0), 0x2591);
    ck_assert_uint_eq(screendump_cp437(0xC9), 0x2554);
    ck_assert_uint_eq(screendump_cp437(0x01), 0x263A);
    ck_assert_uint_eq(screendump_cp437(0x00), ' ');
    ck_assert_uint_eq(screendump_cp437(0x20), ' ');
    ck_assert_uint_eq(screendump_cp437('A'), 'A');
    ck_assert_uint_eq(screendump_cp437(0x7F), 0x2302);
    ck_assert_uint_eq(screendump_cp437(0x80), 0x00C7);
    ck_assert_uint_eq(screendump_cp437(0xE1), 0x00DF);
    ck_assert_uint_eq(screendump_cp437(0xDB), 0x2588);
    ck_assert_uint_eq(screendump_cp437(0xFE), 0x25A0);
    ck_assert_uint_eq(screendump_cp437(0xFF), 0x00A0);
}
END_TEST

START_TEST(text_dump_trims_and_encodes)
{
    static VgaText t;
    fill(&t, 80, 3);
    put(&t, 0, 0, "C:\\>dir   ");
    put(&t, 1, 2, "\xC9\xCD\xBB \x01");
    t.cells[2 * 80 + 79] = 0;                     /* NUL reads as space */
    char buf[512];
    screendump_text_string(&t, buf, sizeof buf);
    ck_assert_str_eq(buf, "C:\\>dir\n  \xE2\x95\x94\xE2\x95\x90\xE2\x95\x97 \xE2\x98\xBA\n");
    char *mem = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&mem, &len);
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(screendump_text(&t, f), 0);
    fclose(f);
    ck_assert_str_eq(mem, "C:\\>dir\n  \xE2\x95\x94\xE2\x95\x90\xE2\x95\x97 \xE2\x98\xBA\n\n");
    free(mem);
    /* Truncation keeps whole characters and the terminator. */
    char small[12];
    screendump_text_string(&t, small, sizeof small);
    ck_assert_str_eq(small, "C:\\>dir\n  ");
    screendump_text_string(&t, small, 1);
    ck_assert_str_eq(small, "");
}
END_TEST

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

START_TEST(png_writes_a_decodable_file)
{
    enum { W = 37, H = 11, STRIDE = 40 };
    static uint32_t px[STRIDE * H];
    for (int y = 0; y < H; y++)
        for (int x = 0; x < STRIDE; x++)
            px[y * STRIDE + x] = (uint32_t)(x * 7) << 16 | (uint32_t)(y * 20) << 8 | (uint32_t)(x ^ y);
    char path[] = "/tmp/emu-png-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(screendump_png(px, W, H, STRIDE, path), 0);
    FILE *f = fopen(path, "rb");
    static uint8_t file[65536];
    size_t n = fread(file, 1, sizeof file, f);
    fclose(f);
    unlink(path);
    ck_assert_int_eq(memcmp(file, "\x89PNG\r\n\x1a\n", 8), 0);
    /* Walk the chunks, checking every CRC and collecting IDAT. */
    static uint8_t idat[65536];
    size_t idat_len = 0, off = 8;
    bool ihdr = false, iend = false;
    while (off + 12 <= n) {
        uint32_t len = be32(file + off);
        const uint8_t *type = file + off + 4, *data = file + off + 8;
        ck_assert_uint_le(off + 12 + len, n);
        uLong crc = crc32(crc32(0L, Z_NULL, 0), type, 4 + len);
        ck_assert_uint_eq(be32(data + len), (uint32_t)crc);
        if (!memcmp(type, "IHDR", 4)) {
            ck_assert_uint_eq(be32(data), W);
            ck_assert_uint_eq(be32(data + 4), H);
            ck_assert_uint_eq(data[8], 8);
            ck_assert_uint_eq(data[9], 2);
            ihdr = true;
        } else if (!memcmp(type, "IDAT", 4)) {
            memcpy(idat + idat_len, data, len);
            idat_len += len;
        } else if (!memcmp(type, "IEND", 4)) {
            iend = true;
        }
        off += 12 + len;
    }
    ck_assert(ihdr && iend);
    static uint8_t raw[(1 + W * 3) * H];
    uLongf raw_len = sizeof raw;
    ck_assert_int_eq(uncompress(raw, &raw_len, idat, idat_len), Z_OK);
    ck_assert_uint_eq(raw_len, sizeof raw);
    for (int y = 0; y < H; y++) {
        const uint8_t *row = raw + y * (1 + W * 3);
        ck_assert_uint_eq(row[0], 0);
        for (int x = 0; x < W; x++) {
            uint32_t p = px[y * STRIDE + x];
            ck_assert_uint_eq(row[1 + x * 3], (p >> 16) & 0xFF);
            ck_assert_uint_eq(row[2 + x * 3], (p >> 8) & 0xFF);
            ck_assert_uint_eq(row[3 + x * 3], p & 0xFF);
        }
    }
    /* Bad arguments and paths fail with errno, never crash. */
    ck_assert_int_eq(screendump_png(px, 0, H, STRIDE, path), -1);
    ck_assert_int_eq(screendump_png(px, W, H, STRIDE, "/nonexistent-dir/x.png"), -1);
}
END_TEST

START_TEST(ppm_header)
{
    static const uint32_t px[4] = { 0xFF0000, 0x00FF00, 0x0000FF, 0xFFFFFF };
    char path[] = "/tmp/emu-ppm-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(screendump_ppm(px, 2, 2, 2, path), 0);
    FILE *f = fopen(path, "rb");
    uint8_t buf[64];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    unlink(path);
    ck_assert_uint_eq(n, 11 + 12);
    ck_assert_int_eq(memcmp(buf, "P6\n2 2\n255\n\xFF\x00\x00\x00\xFF\x00", 17), 0);
}
END_TEST

Suite *screendump_suite(void)
{
    Suite *s = suite_create("screendump");
    TCase *tc = tcase_create("screendump");
    tcase_add_test(tc, cp437_mapping);
    tcase_add_test(tc, text_dump_trims_and_encodes);
    tcase_add_test(tc, png_writes_a_decodable_file);
    tcase_add_test(tc, ppm_header);
    suite_add_tcase(s, tc);
    return s;
}
