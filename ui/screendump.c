/*
 * ui/screendump.c - text screens as UTF-8 and frames as PNG/PPM files.
 *
 * Models:       the CP437 -> Unicode mapping (control range as the
 *               pictographs the VGA draws, 0x7F as U+2302, 0x00 and 0x20 as
 *               spaces), trailing-space trimming per row; a PNG encoder
 *               (8-bit truecolour, filter type 0, one zlib stream in one
 *               IDAT chunk) and binary PPM.
 * Not modelled: attributes (colours, blink) in the text dump; PNG filters
 *               other than None.
 * Spec:         PNG Specification 1.2 (W3C/ISO 15948): signature, IHDR,
 *               IDAT, IEND, CRC-32 over type and data; Netpbm PPM format;
 *               Unicode consortium table for code page 437; RFC 3629 UTF-8.
 */
#include <errno.h>
#include <zlib.h>

#include "ui/screendump.h"

/* ---- CP437 ------------------------------------------------------------------ */
static const uint16_t cp437_unicode[256] = {
    0x0020, 0x263A, 0x263B, 0x2665, 0x2666, 0x2663, 0x2660, 0x2022,  /* 00-07 */
    0x25D8, 0x25CB, 0x25D9, 0x2642, 0x2640, 0x266A, 0x266B, 0x263C,  /* 08-0F */
    0x25BA, 0x25C4, 0x2195, 0x203C, 0x00B6, 0x00A7, 0x25AC, 0x21A8,  /* 10-17 */
    0x2191, 0x2193, 0x2192, 0x2190, 0x221F, 0x2194, 0x25B2, 0x25BC,  /* 18-1F */
    0x0020, 0x0021, 0x0022, 0x0023, 0x0024, 0x0025, 0x0026, 0x0027,  /* 20-27 */
    0x0028, 0x0029, 0x002A, 0x002B, 0x002C, 0x002D, 0x002E, 0x002F,  /* 28-2F */
    0x0030, 0x0031, 0x0032, 0x0033, 0x0034, 0x0035, 0x0036, 0x0037,  /* 30-37 */
    0x0038, 0x0039, 0x003A, 0x003B, 0x003C, 0x003D, 0x003E, 0x003F,  /* 38-3F */
    0x0040, 0x0041, 0x0042, 0x0043, 0x0044, 0x0045, 0x0046, 0x0047,  /* 40-47 */
    0x0048, 0x0049, 0x004A, 0x004B, 0x004C, 0x004D, 0x004E, 0x004F,  /* 48-4F */
    0x0050, 0x0051, 0x0052, 0x0053, 0x0054, 0x0055, 0x0056, 0x0057,  /* 50-57 */
    0x0058, 0x0059, 0x005A, 0x005B, 0x005C, 0x005D, 0x005E, 0x005F,  /* 58-5F */
    0x0060, 0x0061, 0x0062, 0x0063, 0x0064, 0x0065, 0x0066, 0x0067,  /* 60-67 */
    0x0068, 0x0069, 0x006A, 0x006B, 0x006C, 0x006D, 0x006E, 0x006F,  /* 68-6F */
    0x0070, 0x0071, 0x0072, 0x0073, 0x0074, 0x0075, 0x0076, 0x0077,  /* 70-77 */
    0x0078, 0x0079, 0x007A, 0x007B, 0x007C, 0x007D, 0x007E, 0x2302,  /* 78-7F */
    0x00C7, 0x00FC, 0x00E9, 0x00E2, 0x00E4, 0x00E0, 0x00E5, 0x00E7,  /* 80-87 */
    0x00EA, 0x00EB, 0x00E8, 0x00EF, 0x00EE, 0x00EC, 0x00C4, 0x00C5,  /* 88-8F */
    0x00C9, 0x00E6, 0x00C6, 0x00F4, 0x00F6, 0x00F2, 0x00FB, 0x00F9,  /* 90-97 */
    0x00FF, 0x00D6, 0x00DC, 0x00A2, 0x00A3, 0x00A5, 0x20A7, 0x0192,  /* 98-9F */
    0x00E1, 0x00ED, 0x00F3, 0x00FA, 0x00F1, 0x00D1, 0x00AA, 0x00BA,  /* A0-A7 */
    0x00BF, 0x2310, 0x00AC, 0x00BD, 0x00BC, 0x00A1, 0x00AB, 0x00BB,  /* A8-AF */
    0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556,  /* B0-B7 */
    0x2555, 0x2563, 0x2551, 0x2557, 0x255D, 0x255C, 0x255B, 0x2510,  /* B8-BF */
    0x2514, 0x2534, 0x252C, 0x251C, 0x2500, 0x253C, 0x255E, 0x255F,  /* C0-C7 */
    0x255A, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256C, 0x2567,  /* C8-CF */
    0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256B,  /* D0-D7 */
    0x256A, 0x2518, 0x250C, 0x2588, 0x2584, 0x258C, 0x2590, 0x2580,  /* D8-DF */
    0x03B1, 0x00DF, 0x0393, 0x03C0, 0x03A3, 0x03C3, 0x00B5, 0x03C4,  /* E0-E7 */
    0x03A6, 0x0398, 0x03A9, 0x03B4, 0x221E, 0x03C6, 0x03B5, 0x2229,  /* E8-EF */
    0x2261, 0x00B1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00F7, 0x2248,  /* F0-F7 */
    0x00B0, 0x2219, 0x00B7, 0x221A, 0x207F, 0x00B2, 0x25A0, 0x00A0,  /* F8-FF */
};

uint32_t screendump_cp437(uint8_t ch)
{
    return cp437_unicode[ch];
}

/* Encode code point u (< 0x10000) as UTF-8 into out; returns the length. */
static size_t utf8_encode(uint32_t u, char *out)
{
    if (u < 0x80) {
        out[0] = (char)u;
        return 1;
    }
    if (u < 0x800) {
        out[0] = (char)(0xC0 | u >> 6);
        out[1] = (char)(0x80 | (u & 0x3F));
        return 2;
    }
    out[0] = (char)(0xE0 | u >> 12);
    out[1] = (char)(0x80 | ((u >> 6) & 0x3F));
    out[2] = (char)(0x80 | (u & 0x3F));
    return 3;
}

/* Row r as UTF-8 without trailing spaces into line (room for 3 bytes a cell). */
static size_t row_utf8(const VgaText *t, int r, char *line)
{
    int cols = t->cols < 0 ? 0 : t->cols > VGA_TEXT_MAX_COLS ? VGA_TEXT_MAX_COLS : t->cols;
    int end = cols;
    while (end > 0 && screendump_cp437((uint8_t)t->cells[r * cols + end - 1]) == ' ')
        end--;
    size_t n = 0;
    for (int c = 0; c < end; c++)
        n += utf8_encode(screendump_cp437((uint8_t)t->cells[r * cols + c]), line + n);
    return n;
}

static int text_rows(const VgaText *t)
{
    if (t->rows < 0 || t->cols <= 0)
        return 0;
    return t->rows > VGA_TEXT_MAX_ROWS ? VGA_TEXT_MAX_ROWS : t->rows;
}

int screendump_text(const VgaText *t, FILE *f)
{
    char line[VGA_TEXT_MAX_COLS * 3 + 1];
    for (int r = 0; r < text_rows(t); r++) {
        size_t n = row_utf8(t, r, line);
        line[n++] = '\n';
        if (fwrite(line, 1, n, f) != n)
            return -1;
    }
    return fflush(f) == 0 ? 0 : -1;
}

void screendump_text_string(const VgaText *t, char *buf, size_t len)
{
    char line[VGA_TEXT_MAX_COLS * 3 + 1];
    size_t used = 0;
    if (len == 0)
        return;
    for (int r = 0; r < text_rows(t); r++) {
        size_t n = row_utf8(t, r, line), full = n;
        if (r > 0) {
            if (used + 1 >= len)
                break;
            buf[used++] = '\n';
        }
        /* Truncate only at a character boundary (UTF-8 continuation bytes). */
        while (n > 0 && used + n >= len)
            do n--; while (n > 0 && ((unsigned char)line[n] & 0xC0) == 0x80);
        memcpy(buf + used, line, n);
        used += n;
        if (n < full)
            break;
    }
    buf[used] = 0;
}

/* ---- PNG -------------------------------------------------------------------- */
static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

/* One chunk: length, type, data, CRC-32 of type and data. */
static int png_chunk(FILE *f, const char *type, const uint8_t *data, uint32_t len)
{
    uint8_t head[8], tail[4];
    put_be32(head, len);
    memcpy(head + 4, type, 4);
    uLong crc = crc32(0L, Z_NULL, 0);
    crc = crc32(crc, head + 4, 4);
    if (len)
        crc = crc32(crc, data, len);
    put_be32(tail, (uint32_t)crc);
    if (fwrite(head, 1, 8, f) != 8 || (len && fwrite(data, 1, len, f) != len) ||
        fwrite(tail, 1, 4, f) != 4)
        return -1;
    return 0;
}

static bool bad_frame(const uint32_t *pixels, int w, int h, int stride)
{
    return !pixels || w <= 0 || h <= 0 || stride < w || w > 16384 || h > 16384;
}

int screendump_png(const uint32_t *pixels, int w, int h, int stride, const char *path)
{
    static const uint8_t signature[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n' };
    if (bad_frame(pixels, w, h, stride)) {
        errno = EINVAL;
        return -1;
    }
    /* Raw scan lines: filter byte 0 (None), then R, G, B per pixel. */
    size_t row_len = 1 + (size_t)w * 3, raw_len = row_len * (size_t)h;
    uint8_t *raw = xzalloc(raw_len);
    for (int y = 0; y < h; y++) {
        uint8_t *o = raw + (size_t)y * row_len + 1;
        const uint32_t *in = pixels + (size_t)y * (size_t)stride;
        for (int x = 0; x < w; x++) {
            *o++ = (uint8_t)(in[x] >> 16), *o++ = (uint8_t)(in[x] >> 8), *o++ = (uint8_t)in[x];
        }
    }
    uLongf zlen = compressBound((uLong)raw_len);
    uint8_t *z = xzalloc(zlen);
    int zrc = compress2(z, &zlen, raw, (uLong)raw_len, 6);
    free(raw);
    if (zrc != Z_OK) {
        free(z);
        errno = ENOMEM;
        return -1;
    }
    uint8_t ihdr[13];
    put_be32(ihdr, (uint32_t)w);
    put_be32(ihdr + 4, (uint32_t)h);
    ihdr[8] = 8;      /* bit depth */
    ihdr[9] = 2;      /* colour type: truecolour */
    ihdr[10] = 0, ihdr[11] = 0, ihdr[12] = 0;   /* deflate, adaptive filters, no interlace */
    FILE *f = fopen(path, "wb");
    if (!f) {
        free(z);
        return -1;
    }
    int rc = fwrite(signature, 1, 8, f) == 8 ? 0 : -1;
    if (rc == 0)
        rc = png_chunk(f, "IHDR", ihdr, sizeof ihdr);
    if (rc == 0)
        rc = png_chunk(f, "IDAT", z, (uint32_t)zlen);
    if (rc == 0)
        rc = png_chunk(f, "IEND", NULL, 0);
    free(z);
    int saved = errno;
    if (fclose(f) != 0 && rc == 0)
        return -1;
    errno = saved;
    return rc;
}

/* ---- PPM -------------------------------------------------------------------- */
int screendump_ppm(const uint32_t *pixels, int w, int h, int stride, const char *path)
{
    if (bad_frame(pixels, w, h, stride)) {
        errno = EINVAL;
        return -1;
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int rc = fprintf(f, "P6\n%d %d\n255\n", w, h) > 0 ? 0 : -1;
    for (int y = 0; y < h && rc == 0; y++) {
        for (int x = 0; x < w && rc == 0; x++) {
            uint32_t p = pixels[(size_t)y * (size_t)stride + (size_t)x];
            uint8_t rgb[3] = { (uint8_t)(p >> 16), (uint8_t)(p >> 8), (uint8_t)p };
            rc = fwrite(rgb, 1, 3, f) == 3 ? 0 : -1;
        }
    }
    if (fclose(f) != 0 && rc == 0)
        return -1;
    return rc;
}
