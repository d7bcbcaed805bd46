/*
 * ui/hostchar.h - host ends of character streams (-serial, -debugcon):
 * stdio, stderr, file:PATH or null, each optionally copying what the guest
 * writes into a TextLog that --expect-serial and wait-serial search.
 */
#ifndef UI_HOSTCHAR_H
#define UI_HOSTCHAR_H

#include "emu.h"
#include "hw/backend.h"

/* Everything a guest wrote to a stream, kept whole for searching. */
typedef struct TextLog {
    char *buf;
    size_t len, cap;
    size_t cursor;          /* wait-serial searches from here */
} TextLog;

void textlog_append(TextLog *t, const uint8_t *data, size_t len);
/* Find s at or after 'from'; returns the offset just past the match or -1. */
long textlog_find(const TextLog *t, const char *s, size_t from);
void textlog_free(TextLog *t);

typedef struct HostChar HostChar;

/* spec: "stdio", "stderr", "null", "file:PATH". NULL and one error line. */
HostChar *hostchar_open(const char *spec, TextLog *log);
CharBackend *hostchar_backend(HostChar *h);
/* Move pending host input (stdin) into the device. */
void hostchar_poll(HostChar *h);
void hostchar_close(HostChar *h);

#endif
