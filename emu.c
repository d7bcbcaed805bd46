/*
 * emu.c - the shared basics declared in emu.h: allocation, errors, logging,
 * statistics counters.
 */
#include "emu.h"

#include <stdarg.h>

unsigned emu_log_mask;
FILE *emu_log_file;
uint64_t emu_stats[STAT_COUNT];

void *xzalloc(size_t size)
{
    void *p = calloc(1, size ? size : 1);
    if (!p)
        emu_fatal(2, "memory", "out of host memory (%zu bytes)", size);
    return p;
}

void *xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q)
        emu_fatal(2, "memory", "out of host memory (%zu bytes)", size);
    return q;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = xzalloc(n);
    memcpy(d, s, n);
    return d;
}

static void verror(const char *context, const char *fmt, va_list ap)
{
    fflush(stdout);
    fprintf(stderr, "emu: %s: ", context);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void emu_error(const char *context, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror(context, fmt, ap);
    va_end(ap);
}

void emu_fatal(int status, const char *context, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    verror(context, fmt, ap);
    va_end(ap);
    exit(status);
}

void emu_log(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(emu_log_file ? emu_log_file : stderr, fmt, ap);
    va_end(ap);
}
