/*
 * ui/script.c - parsing the automation script (see script.h). Execution
 * lives in the main loop (ui/loop.c), which owns the machine.
 */
#include "ui/script.h"

#include <ctype.h>
#include <errno.h>

static const struct { const char *name; ScriptOp op; } ops[] = {
    { "wait-screen", SC_WAIT_SCREEN }, { "wait-serial", SC_WAIT_SERIAL },
    { "type", SC_TYPE }, { "key", SC_KEY }, { "sleep", SC_SLEEP },
    { "screendump", SC_SCREENDUMP }, { "savevm", SC_SAVEVM },
    { "loadvm", SC_LOADVM }, { "exit", SC_EXIT },
};

/* Unescape \n \t \e \\ \" into a new string. */
static char *unescape(const char *s, size_t len)
{
    char *out = xzalloc(len + 2), *o = out;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '\\' || i + 1 == len) {
            *o++ = s[i];
            continue;
        }
        char c = s[++i];
        switch (c) {
        case 'n': *o++ = '\n'; break;
        case 't': *o++ = '\t'; break;
        case 'e': *o++ = 0x1b; break;
        case 'b': *o++ = '\b'; break;
        case '\\': case '"': *o++ = c; break;
        default:            /* not an escape: keep it (C:\> stays C:\>) */
            *o++ = '\\';
            *o++ = c;
            break;
        }
    }
    return out;
}

static bool parse_seconds(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || !(v >= 0) || v > 1e7)
        return false;
    while (isspace((unsigned char)*end))
        end++;
    if (*end)
        return false;
    *out = v;
    return true;
}

static bool parse_line(ScriptCmd *c, char *line, const char *name, int lineno)
{
    char *p = line;
    while (isspace((unsigned char)*p))
        p++;
    char *word = p;
    while (*p && !isspace((unsigned char)*p))
        p++;
    size_t wlen = (size_t)(p - word);
    while (isspace((unsigned char)*p))
        p++;
    char *rest = p;
    size_t rlen = strlen(rest);
    while (rlen && isspace((unsigned char)rest[rlen - 1]))
        rest[--rlen] = 0;

    size_t i;
    for (i = 0; i < ARRAY_SIZE(ops); i++)
        if (strlen(ops[i].name) == wlen && !strncmp(word, ops[i].name, wlen))
            break;
    if (i == ARRAY_SIZE(ops)) {
        emu_error(name, "line %d: unknown command '%.*s'", lineno, (int)wlen, word);
        return false;
    }
    c->op = ops[i].op;
    c->line = lineno;

    switch (c->op) {
    case SC_WAIT_SCREEN:
    case SC_WAIT_SERIAL:
        if (rest[0] == '"') {
            char *q = rest + 1;
            while (*q && !(*q == '"' && q[-1] != '\\'))
                q++;
            if (*q != '"') {
                emu_error(name, "line %d: missing closing quote", lineno);
                return false;
            }
            c->text = unescape(rest + 1, (size_t)(q - rest - 1));
            q++;
            while (isspace((unsigned char)*q))
                q++;
            if (*q && !parse_seconds(q, &c->seconds)) {
                emu_error(name, "line %d: bad timeout '%s'", lineno, q);
                return false;
            }
        } else {
            char *last = strrchr(rest, ' ');
            if (last && parse_seconds(last + 1, &c->seconds)) {
                *last = 0;
                rlen = strlen(rest);
                while (rlen && isspace((unsigned char)rest[rlen - 1]))
                    rest[--rlen] = 0;
            }
            c->text = unescape(rest, strlen(rest));
        }
        if (!c->text[0]) {
            emu_error(name, "line %d: %s needs TEXT", lineno, ops[i].name);
            return false;
        }
        return true;
    case SC_TYPE:
        if (rest[0] == '"' && rlen >= 2 && rest[rlen - 1] == '"')
            c->text = unescape(rest + 1, rlen - 2);
        else
            c->text = unescape(rest, rlen);
        return true;
    case SC_SLEEP:
        if (!parse_seconds(rest, &c->seconds)) {
            emu_error(name, "line %d: bad number of seconds '%s'", lineno, rest);
            return false;
        }
        return true;
    case SC_EXIT: {
        char *end;
        long v = strtol(rest, &end, 10);
        if (!*rest || *end || v < 0 || v > 255) {
            emu_error(name, "line %d: exit needs a status 0-255", lineno);
            return false;
        }
        c->code = (int)v;
        return true;
    }
    default:
        if (!*rest) {
            emu_error(name, "line %d: %s needs an argument", lineno, ops[i].name);
            return false;
        }
        c->text = xstrdup(rest);
        return true;
    }
}

Script *script_parse(const char *name, const char *text)
{
    Script *s = xzalloc(sizeof *s);
    s->path = xstrdup(name);
    char *copy = xstrdup(text), *save = NULL;
    int lineno = 0;
    int cap = 0;
    /* strtok_r would merge empty lines and lose line numbers: split by hand */
    char *line = copy;
    while (line) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = 0;
        lineno++;
        size_t len = strlen(line);
        if (len && line[len - 1] == '\r')
            line[len - 1] = 0;
        char *p = line;
        while (isspace((unsigned char)*p))
            p++;
        if (*p && *p != '#') {
            if (s->n == cap) {
                cap = cap ? cap * 2 : 16;
                s->cmds = xrealloc(s->cmds, (size_t)cap * sizeof *s->cmds);
            }
            memset(&s->cmds[s->n], 0, sizeof s->cmds[s->n]);
            if (!parse_line(&s->cmds[s->n], p, name, lineno)) {
                free(s->cmds[s->n].text);
                free(copy);
                script_free(s);
                return NULL;
            }
            s->n++;
        }
        line = nl ? nl + 1 : NULL;
    }
    (void)save;
    free(copy);
    return s;
}

Script *script_load(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        emu_error(path, "cannot open script: %s", strerror(errno));
        return NULL;
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 8192;
            buf = xrealloc(buf, cap);
        }
        size_t n = fread(buf + len, 1, 4096, f);
        len += n;
        if (n < 4096)
            break;
        if (len > (16u << 20)) {
            emu_error(path, "script too large");
            fclose(f);
            free(buf);
            return NULL;
        }
    }
    fclose(f);
    buf[len] = 0;
    if (memchr(buf, 0, len)) {
        emu_error(path, "script contains NUL bytes (not a text file?)");
        free(buf);
        return NULL;
    }
    Script *s = script_parse(path, buf);
    free(buf);
    return s;
}

void script_free(Script *s)
{
    if (!s)
        return;
    for (int i = 0; i < s->n; i++)
        free(s->cmds[i].text);
    free(s->cmds);
    free(s->path);
    free(s);
}
