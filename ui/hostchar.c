/*
 * ui/hostchar.c - host ends of character streams (see hostchar.h).
 *
 * stdio reads stdin without blocking (non-canonical mode when it is a
 * terminal, restored at close) so keys typed on the host reach COM1.
 */
#include "ui/hostchar.h"

#include <errno.h>
#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

enum { HC_NULL, HC_STDOUT, HC_STDERR, HC_FILE };

struct HostChar {
    CharBackend be;
    int kind;
    FILE *f;
    TextLog *log;
    bool read_stdin;
    bool stdin_configured;  /* flags changed: restore at close */
    bool tty_saved;
    struct termios saved_tio;
    int saved_flags;
    uint8_t pending;        /* a byte the device could not take yet */
    bool has_pending;
};

void textlog_append(TextLog *t, const uint8_t *data, size_t len)
{
    if (t->len + len + 1 > t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 4096;
        while (cap < t->len + len + 1)
            cap *= 2;
        t->buf = xrealloc(t->buf, cap);
        t->cap = cap;
    }
    /* NUL bytes would end the string search early: store them as spaces. */
    for (size_t i = 0; i < len; i++)
        t->buf[t->len + i] = data[i] ? (char)data[i] : ' ';
    t->len += len;
    t->buf[t->len] = 0;
}

long textlog_find(const TextLog *t, const char *s, size_t from)
{
    if (!t->buf || from > t->len)
        return -1;
    const char *hit = strstr(t->buf + from, s);
    return hit ? (long)(hit - t->buf + (long)strlen(s)) : -1;
}

void textlog_free(TextLog *t)
{
    free(t->buf);
    memset(t, 0, sizeof *t);
}

static void hc_write(void *opaque, const uint8_t *buf, size_t len)
{
    HostChar *h = opaque;
    if (h->log)
        textlog_append(h->log, buf, len);
    if (h->f) {
        fwrite(buf, 1, len, h->f);
        fflush(h->f);
    }
}

HostChar *hostchar_open(const char *spec, TextLog *log)
{
    HostChar *h = xzalloc(sizeof *h);
    h->log = log;
    h->be.write = hc_write;
    h->be.opaque = h;
    if (!spec || !strcmp(spec, "null") || !strcmp(spec, "none")) {
        h->kind = HC_NULL;
    } else if (!strcmp(spec, "stdio")) {
        h->kind = HC_STDOUT;
        h->f = stdout;
        h->read_stdin = true;
    } else if (!strcmp(spec, "stderr")) {
        h->kind = HC_STDERR;
        h->f = stderr;
    } else if (!strncmp(spec, "file:", 5) && spec[5]) {
        h->kind = HC_FILE;
        h->f = fopen(spec + 5, "wb");
        if (!h->f) {
            emu_error(spec + 5, "cannot open for writing: %s", strerror(errno));
            free(h);
            return NULL;
        }
    } else {
        emu_error("usage", "unknown character device '%s' (stdio, file:PATH, null)", spec);
        free(h);
        return NULL;
    }
    if (h->read_stdin) {
        if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &h->saved_tio) == 0) {
            struct termios raw = h->saved_tio;
            raw.c_lflag &= (tcflag_t)~(ICANON | ECHO);
            raw.c_cc[VMIN] = 0;
            raw.c_cc[VTIME] = 0;
            tcsetattr(STDIN_FILENO, TCSANOW, &raw);
            h->tty_saved = true;
        }
        h->saved_flags = fcntl(STDIN_FILENO, F_GETFL);
        if (h->saved_flags >= 0)
            fcntl(STDIN_FILENO, F_SETFL, h->saved_flags | O_NONBLOCK);
        h->stdin_configured = true;
    }
    return h;
}

CharBackend *hostchar_backend(HostChar *h)
{
    return &h->be;
}

void hostchar_poll(HostChar *h)
{
    if (!h || !h->read_stdin)
        return;
    for (int i = 0; i < 64; i++) {
        if (!h->has_pending) {
            uint8_t c;
            ssize_t n = read(STDIN_FILENO, &c, 1);
            if (n != 1) {
                if (n == 0)
                    h->read_stdin = false;    /* EOF: stop polling */
                return;
            }
            h->pending = c;
            h->has_pending = true;
        }
        if (!chr_receive(&h->be, h->pending))
            return;
        h->has_pending = false;
    }
}

void hostchar_close(HostChar *h)
{
    if (!h)
        return;
    if (h->stdin_configured) {
        if (h->saved_flags >= 0)
            fcntl(STDIN_FILENO, F_SETFL, h->saved_flags);
        if (h->tty_saved)
            tcsetattr(STDIN_FILENO, TCSANOW, &h->saved_tio);
    }
    if (h->kind == HC_FILE && h->f)
        fclose(h->f);
    free(h);
}
