/*
 * hw/ps2.c: IBM PS/2 keyboard (MF II) and mouse, behind the 8042.
 *
 * Models:      keyboard: host key numbers (set-1 make codes, 0xE0nn for the
 *              extended keys) encoded in scan code set 2 (the keyboard's
 *              default) or set 1, with break codes, E0 prefixes and the
 *              special Pause and Print Screen sequences; commands ED (LEDs),
 *              EE (echo), F0 (get/set scan code set), F2 (identify: AB 83),
 *              F3 (typematic), F4/F5/F6 (enable/disable/defaults), FE
 *              (resend), FF (reset: FA AA); unknown commands answer FE; a
 *              16-byte output buffer with the overrun code when it fills.
 *              Mouse: standard 3-byte stream packets, remote mode (EB),
 *              wrap mode (EE/EC), commands E6/E7 scaling, E8 resolution, E9
 *              status request, F2 identify, F3 sample rate, F4/F5/F6,
 *              FE resend, FF reset (FA AA 00); the IntelliMouse knock (rates
 *              200,100,80 -> ID 3, 4-byte packets with the wheel) and the
 *              IntelliMouse Explorer knock (200,200,80 -> ID 4).
 * Not modeled: scan code set 3 codes (set 3 can be selected and is reported,
 *              but set-2 codes are sent; logged); typematic repeat (the host
 *              repeats keys); Pause's Ctrl+Break form; 2:1 scaling of motion.
 * Spec:        IBM PS/2 Hardware Interface Technical Reference, "Keyboard
 *              and Auxiliary Device Controller", "Keyboard" (scan code
 *              tables, commands) and "Pointing Device"; Microsoft IntelliMouse
 *              PS/2 protocol notes.
 */
#include "hw/ps2.h"

/* ---- Registers / protocol bytes (IBM names) ------------------------------- */
#define PS2_ACK         0xFA
#define PS2_RESEND      0xFE
#define PS2_BAT_OK      0xAA
#define PS2_ECHO        0xEE
#define PS2_QUEUE_LEN   16

enum {
    KBD_CMD_SET_LEDS = 0xED, KBD_CMD_ECHO = 0xEE, KBD_CMD_SCANCODE = 0xF0,
    KBD_CMD_IDENTIFY = 0xF2, KBD_CMD_TYPEMATIC = 0xF3, KBD_CMD_ENABLE = 0xF4,
    KBD_CMD_DISABLE = 0xF5, KBD_CMD_DEFAULTS = 0xF6, KBD_CMD_RESEND = 0xFE,
    KBD_CMD_RESET = 0xFF,
};

enum {
    AUX_CMD_SCALE11 = 0xE6, AUX_CMD_SCALE21 = 0xE7, AUX_CMD_SET_RES = 0xE8,
    AUX_CMD_STATUS = 0xE9, AUX_CMD_STREAM = 0xEA, AUX_CMD_READ_DATA = 0xEB,
    AUX_CMD_RESET_WRAP = 0xEC, AUX_CMD_WRAP = 0xEE, AUX_CMD_REMOTE = 0xF0,
    AUX_CMD_GET_ID = 0xF2, AUX_CMD_SET_RATE = 0xF3, AUX_CMD_ENABLE = 0xF4,
    AUX_CMD_DISABLE = 0xF5, AUX_CMD_DEFAULTS = 0xF6, AUX_CMD_RESEND = 0xFE,
    AUX_CMD_RESET = 0xFF,
};

/* Mouse status byte 1 (E9 response). */
#define AUX_STAT_RIGHT  0x01
#define AUX_STAT_MIDDLE 0x02
#define AUX_STAT_LEFT   0x04
#define AUX_STAT_SCALE  0x10
#define AUX_STAT_ENABLE 0x20
#define AUX_STAT_REMOTE 0x40

/* ---- Scan code tables (IBM technical reference, keyboard chapter) --------- */
/* Set-1 make code (index) -> set-2 make code; 0 = no such key. */
static const uint8_t set1_to_set2[0x80] = {
    [0x01] = 0x76, [0x02] = 0x16, [0x03] = 0x1E, [0x04] = 0x26, [0x05] = 0x25,
    [0x06] = 0x2E, [0x07] = 0x36, [0x08] = 0x3D, [0x09] = 0x3E, [0x0A] = 0x46,
    [0x0B] = 0x45, [0x0C] = 0x4E, [0x0D] = 0x55, [0x0E] = 0x66, [0x0F] = 0x0D,
    [0x10] = 0x15, [0x11] = 0x1D, [0x12] = 0x24, [0x13] = 0x2D, [0x14] = 0x2C,
    [0x15] = 0x35, [0x16] = 0x3C, [0x17] = 0x43, [0x18] = 0x44, [0x19] = 0x4D,
    [0x1A] = 0x54, [0x1B] = 0x5B, [0x1C] = 0x5A, [0x1D] = 0x14, [0x1E] = 0x1C,
    [0x1F] = 0x1B, [0x20] = 0x23, [0x21] = 0x2B, [0x22] = 0x34, [0x23] = 0x33,
    [0x24] = 0x3B, [0x25] = 0x42, [0x26] = 0x4B, [0x27] = 0x4C, [0x28] = 0x52,
    [0x29] = 0x0E, [0x2A] = 0x12, [0x2B] = 0x5D, [0x2C] = 0x1A, [0x2D] = 0x22,
    [0x2E] = 0x21, [0x2F] = 0x2A, [0x30] = 0x32, [0x31] = 0x31, [0x32] = 0x3A,
    [0x33] = 0x41, [0x34] = 0x49, [0x35] = 0x4A, [0x36] = 0x59, [0x37] = 0x7C,
    [0x38] = 0x11, [0x39] = 0x29, [0x3A] = 0x58, [0x3B] = 0x05, [0x3C] = 0x06,
    [0x3D] = 0x04, [0x3E] = 0x0C, [0x3F] = 0x03, [0x40] = 0x0B, [0x41] = 0x83,
    [0x42] = 0x0A, [0x43] = 0x01, [0x44] = 0x09, [0x45] = 0x77, [0x46] = 0x7E,
    [0x47] = 0x6C, [0x48] = 0x75, [0x49] = 0x7D, [0x4A] = 0x7B, [0x4B] = 0x6B,
    [0x4C] = 0x73, [0x4D] = 0x74, [0x4E] = 0x79, [0x4F] = 0x69, [0x50] = 0x72,
    [0x51] = 0x7A, [0x52] = 0x70, [0x53] = 0x71, [0x54] = 0x84, [0x56] = 0x61,
    [0x57] = 0x78, [0x58] = 0x07,
};

/* Extended keys (E0 xx in set 1 -> E0 yy in set 2) whose set-2 code is not
 * the same key position's base code. */
static const uint8_t ext_set1_to_set2[][2] = {
    { 0x5B, 0x1F }, { 0x5C, 0x27 }, { 0x5D, 0x2F }, { 0x5E, 0x37 },
    { 0x5F, 0x3F }, { 0x63, 0x5E },
};

/* ---- State ---------------------------------------------------------------- */
typedef struct Ps2Queue {
    uint8_t data[PS2_QUEUE_LEN];
    uint8_t head, count;
} Ps2Queue;

struct Ps2Kbd {
    Ps2Queue q;
    uint8_t  pending_cmd;       /* command awaiting its parameter, or 0 */
    uint8_t  last_sent;         /* for RESEND */
    uint8_t  scancode_set;      /* 1, 2 or 3 */
    uint8_t  leds;
    uint8_t  typematic;
    bool     scanning;          /* F4/F5 */
    /* wiring: never saved */
    Machine *m;
};

struct Ps2Mouse {
    Ps2Queue q;
    uint8_t  pending_cmd;
    uint8_t  last_sent;
    uint8_t  status;            /* AUX_STAT_* mode bits (buttons live below) */
    uint8_t  resolution, sample_rate;
    uint8_t  id;                /* 0, 3 (IntelliMouse) or 4 (Explorer) */
    uint8_t  rate_hist[3];      /* last three sample rates, for the knock */
    bool     wrap;
    uint8_t  buttons;
    int32_t  dx, dy, dz;        /* motion not yet reported */
    /* wiring: never saved */
    Machine *m;
};

/* ---- Snapshot ------------------------------------------------------------- */
static const StateField ps2_queue_fields[] = {
    SF_BYTES(Ps2Queue, data), SF_INT(Ps2Queue, head), SF_INT(Ps2Queue, count),
    SF_END
};
static const StateField ps2_kbd_fields[] = {
    SF_STRUCT(Ps2Kbd, q, ps2_queue_fields),
    SF_INT(Ps2Kbd, pending_cmd), SF_INT(Ps2Kbd, last_sent),
    SF_INT(Ps2Kbd, scancode_set), SF_INT(Ps2Kbd, leds),
    SF_INT(Ps2Kbd, typematic), SF_INT(Ps2Kbd, scanning),
    SF_END
};
static const StateField ps2_mouse_fields[] = {
    SF_STRUCT(Ps2Mouse, q, ps2_queue_fields),
    SF_INT(Ps2Mouse, pending_cmd), SF_INT(Ps2Mouse, last_sent),
    SF_INT(Ps2Mouse, status), SF_INT(Ps2Mouse, resolution),
    SF_INT(Ps2Mouse, sample_rate), SF_INT(Ps2Mouse, id),
    SF_ARRAY(Ps2Mouse, rate_hist), SF_INT(Ps2Mouse, wrap),
    SF_INT(Ps2Mouse, buttons),
    SF_INT(Ps2Mouse, dx), SF_INT(Ps2Mouse, dy), SF_INT(Ps2Mouse, dz),
    SF_END
};

/* ---- Queues ---------------------------------------------------------------- */
static unsigned queue_free(const Ps2Queue *q) { return PS2_QUEUE_LEN - q->count; }

static void queue_push(Ps2Queue *q, uint8_t byte)
{
    if (q->count >= PS2_QUEUE_LEN)
        return;
    q->data[(q->head + q->count) % PS2_QUEUE_LEN] = byte;
    q->count++;
}

static bool queue_pop(Ps2Queue *q, uint8_t *byte)
{
    if (!q->count)
        return false;
    *byte = q->data[q->head];
    q->head = (q->head + 1) % PS2_QUEUE_LEN;
    q->count--;
    return true;
}

static void queue_clear(Ps2Queue *q) { q->head = q->count = 0; }

static void queue_sanitize(Ps2Queue *q)
{
    q->head %= PS2_QUEUE_LEN;
    if (q->count > PS2_QUEUE_LEN)
        q->count = PS2_QUEUE_LEN;
}

/* ---- Scan codes ------------------------------------------------------------ */
static uint8_t ext_code(uint8_t set1)
{
    for (size_t i = 0; i < ARRAY_SIZE(ext_set1_to_set2); i++)
        if (ext_set1_to_set2[i][0] == set1)
            return ext_set1_to_set2[i][1];
    return set1 < 0x80 ? set1_to_set2[set1] : 0;
}

uint8_t ps2_set2_to_set1(uint8_t code)
{
    /* The 8042 table maps 00 (overrun) to FF, translates the two set-2
     * codes above 7F and passes other bytes >= 80 (FA, AA, E0, E1...). */
    if (code == 0x00)
        return 0xFF;
    if (code == 0x02)
        return 0x41;    /* why a translated F0 00 reports set 2 as 41 */
    for (unsigned i = 1; i < 0x80; i++)
        if (set1_to_set2[i] == code)
            return (uint8_t)i;
    for (size_t i = 0; i < ARRAY_SIZE(ext_set1_to_set2); i++)
        if (ext_set1_to_set2[i][1] == code)
            return ext_set1_to_set2[i][0];
    return code;
}

/* Encode one key event; returns the byte count written to out (max 8). */
static unsigned encode_key(uint8_t set, uint16_t keycode, bool down, uint8_t *out)
{
    unsigned n = 0;
    bool ext = (keycode >> 8) == 0xE0;
    uint8_t code = keycode & 0xff;
    if (keycode == 0xE11D) {            /* Pause: make only, no break */
        static const uint8_t s2[] = { 0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77 };
        static const uint8_t s1[] = { 0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5 };
        if (!down)
            return 0;
        const uint8_t *src = set == 1 ? s1 : s2;
        n = set == 1 ? sizeof s1 : sizeof s2;
        memcpy(out, src, n);
        return n;
    }
    if (keycode == 0xE037) {            /* Print Screen: fake shift around it */
        static const uint8_t s2m[] = { 0xE0, 0x12, 0xE0, 0x7C };
        static const uint8_t s2b[] = { 0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12 };
        static const uint8_t s1m[] = { 0xE0, 0x2A, 0xE0, 0x37 };
        static const uint8_t s1b[] = { 0xE0, 0xB7, 0xE0, 0xAA };
        const uint8_t *src = set == 1 ? (down ? s1m : s1b) : (down ? s2m : s2b);
        n = set == 1 ? 4 : (down ? 4 : 6);
        memcpy(out, src, n);
        return n;
    }
    if ((!ext && keycode > 0x7f) || (ext && code > 0x7f))
        return 0;
    if (set == 1) {
        if (ext)
            out[n++] = 0xE0;
        out[n++] = (uint8_t)(code | (down ? 0 : 0x80));
        return n;
    }
    uint8_t s2 = ext ? ext_code(code) : set1_to_set2[code];
    if (!s2)
        return 0;
    if (ext)
        out[n++] = 0xE0;
    if (!down)
        out[n++] = 0xF0;
    out[n++] = s2;
    return n;
}

/* ---- Keyboard -------------------------------------------------------------- */
static void kbd_send(Ps2Kbd *k, uint8_t byte)
{
    queue_push(&k->q, byte);
}

static void kbd_defaults(Ps2Kbd *k)
{
    k->scancode_set = 2;
    k->typematic = 0x2B;        /* 10.9 cps, 500 ms: the power-on default */
    k->scanning = true;
}

void ps2_kbd_key(Ps2Kbd *k, uint16_t keycode, bool down)
{
    uint8_t buf[8];
    if (!k->scanning)
        return;
    unsigned n = encode_key(k->scancode_set == 1 ? 1 : 2, keycode, down, buf);
    if (!n)
        return;
    if (queue_free(&k->q) < n) {
        /* Buffer full: the keyboard replaces the last slot with the
         * overrun code (00 in set 2, FF in set 1). */
        if (k->q.count) {
            unsigned last = (k->q.head + k->q.count - 1) % PS2_QUEUE_LEN;
            k->q.data[last] = k->scancode_set == 1 ? 0xFF : 0x00;
        }
        return;
    }
    for (unsigned i = 0; i < n; i++)
        kbd_send(k, buf[i]);
}

static void kbd_param(Ps2Kbd *k, uint8_t cmd, uint8_t byte)
{
    switch (cmd) {
    case KBD_CMD_SET_LEDS:
        k->leds = byte & 7;
        kbd_send(k, PS2_ACK);
        break;
    case KBD_CMD_TYPEMATIC:
        k->typematic = byte & 0x7f;
        kbd_send(k, PS2_ACK);
        break;
    case KBD_CMD_SCANCODE:
        kbd_send(k, PS2_ACK);
        if (byte == 0) {
            kbd_send(k, k->scancode_set);
        } else if (byte <= 3) {
            if (byte == 3)
                LOG(LOG_UNIMP, "ps2: scan code set 3 selected, sending set 2\n");
            k->scancode_set = byte;
        } else {
            queue_clear(&k->q);
            kbd_send(k, PS2_RESEND);
        }
        break;
    }
}

void ps2_kbd_write(Ps2Kbd *k, uint8_t byte)
{
    if (k->pending_cmd) {
        uint8_t cmd = k->pending_cmd;
        k->pending_cmd = 0;
        /* A command byte in place of the parameter starts a new command. */
        if (byte < 0xED || cmd == KBD_CMD_TYPEMATIC) {
            kbd_param(k, cmd, byte);
            return;
        }
    }
    switch (byte) {
    case KBD_CMD_SET_LEDS:
    case KBD_CMD_SCANCODE:
    case KBD_CMD_TYPEMATIC:
        k->pending_cmd = byte;
        kbd_send(k, PS2_ACK);
        break;
    case KBD_CMD_ECHO:
        kbd_send(k, PS2_ECHO);
        break;
    case KBD_CMD_IDENTIFY:
        kbd_send(k, PS2_ACK);
        kbd_send(k, 0xAB);
        kbd_send(k, 0x83);
        break;
    case KBD_CMD_ENABLE:
        queue_clear(&k->q);
        k->scanning = true;
        kbd_send(k, PS2_ACK);
        break;
    case KBD_CMD_DISABLE:       /* disable also restores the defaults */
        queue_clear(&k->q);
        kbd_defaults(k);
        k->scanning = false;
        kbd_send(k, PS2_ACK);
        break;
    case KBD_CMD_DEFAULTS:
        queue_clear(&k->q);
        kbd_defaults(k);
        kbd_send(k, PS2_ACK);
        break;
    case KBD_CMD_RESEND:
        kbd_send(k, k->last_sent);
        break;
    case KBD_CMD_RESET:
        queue_clear(&k->q);
        kbd_defaults(k);
        k->leds = 0;
        kbd_send(k, PS2_ACK);
        kbd_send(k, PS2_BAT_OK);
        break;
    default:
        kbd_send(k, PS2_RESEND);
        break;
    }
}

bool ps2_kbd_read(Ps2Kbd *k, uint8_t *byte)
{
    if (!queue_pop(&k->q, byte))
        return false;
    k->last_sent = *byte;
    return true;
}

bool ps2_kbd_empty(Ps2Kbd *k) { return k->q.count == 0; }

static void ps2_kbd_reset(void *dev)
{
    Ps2Kbd *k = dev;
    queue_clear(&k->q);
    k->pending_cmd = 0;
    k->last_sent = 0;
    k->leds = 0;
    kbd_defaults(k);
}

static void ps2_kbd_post_load(void *dev)
{
    Ps2Kbd *k = dev;
    queue_sanitize(&k->q);
}

static const DeviceInfo ps2_kbd_info = {
    .name = "ps2-kbd", .version = 1, .state = ps2_kbd_fields,
    .reset = ps2_kbd_reset, .post_load = ps2_kbd_post_load,
};

Ps2Kbd *ps2_kbd_create(Machine *m)
{
    Ps2Kbd *k = xzalloc(sizeof *k);
    k->m = m;
    ps2_kbd_reset(k);
    machine_add(m, &ps2_kbd_info, k);
    return k;
}

/* ---- Mouse ------------------------------------------------------------------ */
static void mouse_send(Ps2Mouse *ms, uint8_t byte) { queue_push(&ms->q, byte); }

static void mouse_defaults(Ps2Mouse *ms)
{
    ms->status = 0;             /* stream mode, disabled, 1:1 */
    ms->resolution = 2;         /* 4 counts/mm */
    ms->sample_rate = 100;
    ms->dx = ms->dy = ms->dz = 0;
}

static int clamp(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

static unsigned packet_len(const Ps2Mouse *ms) { return ms->id ? 4 : 3; }

/* Queue one movement packet from the accumulated motion (IBM "Data Report"). */
static void mouse_packet(Ps2Mouse *ms)
{
    int dx = clamp(ms->dx, -256, 255);
    int dy = clamp(-ms->dy, -256, 255);     /* PS/2 y grows upwards */
    int dz = clamp(ms->dz, -8, 7);
    uint8_t b0 = 0x08 | (ms->buttons & 7);
    if (dx < 0) b0 |= 0x10;
    if (dy < 0) b0 |= 0x20;
    /* No overflow bits: motion beyond one packet is carried into the next. */
    mouse_send(ms, b0);
    mouse_send(ms, (uint8_t)(dx & 0xff));
    mouse_send(ms, (uint8_t)(dy & 0xff));
    if (ms->id)
        mouse_send(ms, (uint8_t)(dz & 0x0f));
    ms->dx -= dx;
    ms->dy += dy;
    ms->dz -= dz;
}

static bool mouse_streaming(const Ps2Mouse *ms)
{
    return (ms->status & AUX_STAT_ENABLE) && !(ms->status & AUX_STAT_REMOTE) && !ms->wrap;
}

void ps2_mouse_event(Ps2Mouse *ms, int dx, int dy, int dz, unsigned buttons)
{
    if (!mouse_streaming(ms))
        return;
    /* Accumulate with a bound so a runaway host cannot overflow int32. */
    ms->dx = clamp(ms->dx + clamp(dx, -65536, 65536), -65536, 65536);
    ms->dy = clamp(ms->dy + clamp(dy, -65536, 65536), -65536, 65536);
    ms->dz = clamp(ms->dz + clamp(dz, -64, 64), -64, 64);
    bool changed = (buttons & 7) != ms->buttons;
    ms->buttons = buttons & 7;
    if ((changed || ms->dx || ms->dy || ms->dz) && queue_free(&ms->q) >= packet_len(ms))
        mouse_packet(ms);
}

static void mouse_knock(Ps2Mouse *ms, uint8_t rate)
{
    ms->rate_hist[0] = ms->rate_hist[1];
    ms->rate_hist[1] = ms->rate_hist[2];
    ms->rate_hist[2] = rate;
    if (ms->rate_hist[0] == 200 && ms->rate_hist[2] == 80) {
        if (ms->rate_hist[1] == 100 && ms->id == 0)
            ms->id = 3;
        else if (ms->rate_hist[1] == 200 && ms->id == 3)
            ms->id = 4;
    }
}

static void mouse_param(Ps2Mouse *ms, uint8_t cmd, uint8_t byte)
{
    if (cmd == AUX_CMD_SET_RATE) {
        ms->sample_rate = byte;
        mouse_knock(ms, byte);
    } else {
        ms->resolution = byte & 3;
    }
    mouse_send(ms, PS2_ACK);
}

void ps2_mouse_write(Ps2Mouse *ms, uint8_t byte)
{
    if (ms->pending_cmd) {
        uint8_t cmd = ms->pending_cmd;
        ms->pending_cmd = 0;
        mouse_param(ms, cmd, byte);
        return;
    }
    if (ms->wrap && byte != AUX_CMD_RESET_WRAP && byte != AUX_CMD_RESET) {
        mouse_send(ms, byte);   /* wrap mode echoes everything else */
        return;
    }
    switch (byte) {
    case AUX_CMD_SCALE11: ms->status &= ~AUX_STAT_SCALE; mouse_send(ms, PS2_ACK); break;
    case AUX_CMD_SCALE21: ms->status |= AUX_STAT_SCALE; mouse_send(ms, PS2_ACK); break;
    case AUX_CMD_SET_RES:
    case AUX_CMD_SET_RATE:
        ms->pending_cmd = byte;
        mouse_send(ms, PS2_ACK);
        break;
    case AUX_CMD_STATUS: {
        uint8_t b = ms->status;
        if (ms->buttons & 1) b |= AUX_STAT_LEFT;
        if (ms->buttons & 2) b |= AUX_STAT_RIGHT;
        if (ms->buttons & 4) b |= AUX_STAT_MIDDLE;
        mouse_send(ms, PS2_ACK);
        mouse_send(ms, b);
        mouse_send(ms, ms->resolution);
        mouse_send(ms, ms->sample_rate);
        break;
    }
    case AUX_CMD_STREAM: ms->status &= ~AUX_STAT_REMOTE; mouse_send(ms, PS2_ACK); break;
    case AUX_CMD_REMOTE: ms->status |= AUX_STAT_REMOTE; mouse_send(ms, PS2_ACK); break;
    case AUX_CMD_READ_DATA:
        mouse_send(ms, PS2_ACK);
        if (queue_free(&ms->q) >= packet_len(ms))
            mouse_packet(ms);
        break;
    case AUX_CMD_RESET_WRAP: ms->wrap = false; mouse_send(ms, PS2_ACK); break;
    case AUX_CMD_WRAP: ms->wrap = true; mouse_send(ms, PS2_ACK); break;
    case AUX_CMD_GET_ID:
        mouse_send(ms, PS2_ACK);
        mouse_send(ms, ms->id);
        break;
    case AUX_CMD_ENABLE:
        ms->status |= AUX_STAT_ENABLE;
        mouse_send(ms, PS2_ACK);
        break;
    case AUX_CMD_DISABLE:
        ms->status &= ~AUX_STAT_ENABLE;
        mouse_send(ms, PS2_ACK);
        break;
    case AUX_CMD_DEFAULTS:
        mouse_defaults(ms);
        mouse_send(ms, PS2_ACK);
        break;
    case AUX_CMD_RESEND:
        mouse_send(ms, ms->last_sent);
        break;
    case AUX_CMD_RESET:
        queue_clear(&ms->q);
        mouse_defaults(ms);
        ms->wrap = false;
        ms->id = 0;
        mouse_send(ms, PS2_ACK);
        mouse_send(ms, PS2_BAT_OK);
        mouse_send(ms, 0x00);
        break;
    default:
        mouse_send(ms, PS2_RESEND);
        break;
    }
}

bool ps2_mouse_read(Ps2Mouse *ms, uint8_t *byte)
{
    if (!queue_pop(&ms->q, byte))
        return false;
    ms->last_sent = *byte;
    /* Motion left over from a clamped packet goes out once there is room. */
    if (!ms->q.count && mouse_streaming(ms) && (ms->dx || ms->dy || ms->dz))
        mouse_packet(ms);
    return true;
}

bool ps2_mouse_empty(Ps2Mouse *ms) { return ms->q.count == 0; }

static void ps2_mouse_reset(void *dev)
{
    Ps2Mouse *ms = dev;
    queue_clear(&ms->q);
    mouse_defaults(ms);
    ms->pending_cmd = 0;
    ms->last_sent = 0;
    ms->id = 0;
    ms->wrap = false;
    ms->buttons = 0;
    memset(ms->rate_hist, 0, sizeof ms->rate_hist);
}

static void ps2_mouse_post_load(void *dev)
{
    Ps2Mouse *ms = dev;
    queue_sanitize(&ms->q);
    ms->dx = clamp(ms->dx, -65536, 65536);
    ms->dy = clamp(ms->dy, -65536, 65536);
    ms->dz = clamp(ms->dz, -64, 64);
}

static const DeviceInfo ps2_mouse_info = {
    .name = "ps2-mouse", .version = 1, .state = ps2_mouse_fields,
    .reset = ps2_mouse_reset, .post_load = ps2_mouse_post_load,
};

Ps2Mouse *ps2_mouse_create(Machine *m)
{
    Ps2Mouse *ms = xzalloc(sizeof *ms);
    ms->m = m;
    ps2_mouse_reset(ms);
    machine_add(m, &ps2_mouse_info, ms);
    return ms;
}
