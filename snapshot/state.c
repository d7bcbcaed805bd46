/*
 * snapshot/state.c - serialising StateField tables (see state.h).
 *
 * Record layout, all little-endian:
 *   u8 name_len, name bytes, u32 data_len, data
 * A struct field's data is the concatenation of its elements' records, each
 * element wrapped as one record named "[i]".
 */
#include "snapshot/state.h"

void statebuf_put(StateBuf *b, const void *data, size_t len)
{
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        while (cap < b->len + len)
            cap *= 2;
        b->data = xrealloc(b->data, cap);
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
}

void statebuf_free(StateBuf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}

static void put_u32(StateBuf *b, uint32_t v)
{
    uint8_t le[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24) };
    statebuf_put(b, le, 4);
}

static uint64_t get_int(const uint8_t *p, size_t size)
{
    switch (size) {
    case 1: return *p;
    case 2: { uint16_t v; memcpy(&v, p, 2); return v; }
    case 4: { uint32_t v; memcpy(&v, p, 4); return v; }
    default: { uint64_t v; memcpy(&v, p, 8); return v; }
    }
}

static void set_int(uint8_t *p, size_t size, uint64_t v)
{
    switch (size) {
    case 1: *p = (uint8_t)v; break;
    case 2: { uint16_t x = (uint16_t)v; memcpy(p, &x, 2); break; }
    case 4: { uint32_t x = (uint32_t)v; memcpy(p, &x, 4); break; }
    default: memcpy(p, &v, 8); break;
    }
}

static void put_record_head(StateBuf *b, const char *name, uint32_t data_len)
{
    uint8_t n = (uint8_t)strlen(name);
    statebuf_put(b, &n, 1);
    statebuf_put(b, name, n);
    put_u32(b, data_len);
}

static void save_field(const StateField *f, const uint8_t *base, StateBuf *b)
{
    const uint8_t *p = base + f->offset;
    if (f->type == SF_T_STRUCT) {
        StateBuf inner = { 0 };
        for (size_t i = 0; i < f->count; i++) {
            StateBuf elem = { 0 };
            state_save(f->sub, p + i * f->size, &elem);
            char name[24];
            snprintf(name, sizeof name, "[%zu]", i);
            put_record_head(&inner, name, (uint32_t)elem.len);
            statebuf_put(&inner, elem.data, elem.len);
            statebuf_free(&elem);
        }
        put_record_head(b, f->name, (uint32_t)inner.len);
        statebuf_put(b, inner.data, inner.len);
        statebuf_free(&inner);
        return;
    }
    uint32_t len = (uint32_t)(f->size * f->count);
    put_record_head(b, f->name, len);
    if (f->type == SF_T_BYTES) {
        statebuf_put(b, p, len);
        return;
    }
    for (size_t i = 0; i < f->count; i++) {
        uint64_t v = get_int(p + i * f->size, f->size);
        for (size_t k = 0; k < f->size; k++) {
            uint8_t byte = (uint8_t)(v >> (8 * k));
            statebuf_put(b, &byte, 1);
        }
    }
}

void state_save(const StateField *fields, const void *obj, StateBuf *b)
{
    for (const StateField *f = fields; f->type != SF_T_END; f++)
        save_field(f, obj, b);
}

/* Read one record header; returns the data pointer or NULL if malformed. */
static const uint8_t *next_record(const uint8_t **pp, const uint8_t *end,
                                  char *name, uint32_t *len)
{
    const uint8_t *p = *pp;
    if (p >= end)
        return NULL;
    uint8_t n = *p++;
    if ((size_t)(end - p) < (size_t)n + 4)
        return NULL;
    memcpy(name, p, n);
    name[n] = 0;
    p += n;
    *len = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
    p += 4;
    if ((size_t)(end - p) < *len)
        return NULL;
    *pp = p + *len;
    return p;
}

static int load_field(const StateField *f, uint8_t *base, const uint8_t *d, uint32_t len)
{
    uint8_t *p = base + f->offset;
    if (f->type == SF_T_STRUCT) {
        const uint8_t *q = d, *end = d + len;
        for (size_t i = 0; q < end; i++) {
            char name[256];
            uint32_t elen;
            const uint8_t *e = next_record(&q, end, name, &elen);
            if (!e)
                return -1;
            if (i < f->count && state_load(f->sub, p + i * f->size, e, elen) < 0)
                return -1;
        }
        return 0;
    }
    if (len != f->size * f->count)
        return -1;
    if (f->type == SF_T_BYTES) {
        memcpy(p, d, len);
        return 0;
    }
    for (size_t i = 0; i < f->count; i++) {
        uint64_t v = 0;
        for (size_t k = 0; k < f->size; k++)
            v |= (uint64_t)d[i * f->size + k] << (8 * k);
        set_int(p + i * f->size, f->size, v);
    }
    return 0;
}

int state_load(const StateField *fields, void *obj, const uint8_t *data, size_t len)
{
    const uint8_t *p = data, *end = data + len;
    while (p < end) {
        char name[256];
        uint32_t flen;
        const uint8_t *d = next_record(&p, end, name, &flen);
        if (!d)
            return -1;
        for (const StateField *f = fields; f->type != SF_T_END; f++) {
            if (strcmp(f->name, name) == 0) {
                if (load_field(f, obj, d, flen) < 0)
                    return -1;
                break;
            }
        }
    }
    return 0;
}

static void dump_fields(const StateField *fields, const uint8_t *obj, FILE *out, const char *prefix)
{
    for (const StateField *f = fields; f->type != SF_T_END; f++) {
        const uint8_t *p = obj + f->offset;
        if (f->type == SF_T_STRUCT) {
            for (size_t i = 0; i < f->count; i++) {
                char pre[256];
                snprintf(pre, sizeof pre, "%s%s[%zu].", prefix, f->name, i);
                dump_fields(f->sub, p + i * f->size, out, pre);
            }
            continue;
        }
        fprintf(out, "%s%s =", prefix, f->name);
        if (f->type == SF_T_BYTES) {
            fprintf(out, " (%zu bytes)\n", f->count);
            continue;
        }
        for (size_t i = 0; i < f->count && i < 32; i++)
            fprintf(out, " %#llx", (unsigned long long)get_int(p + i * f->size, f->size));
        fprintf(out, f->count > 32 ? " ...\n" : "\n");
    }
}

void state_dump(const StateField *fields, const void *obj, FILE *f)
{
    dump_fields(fields, obj, f, "");
}
