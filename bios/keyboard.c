/*
 * bios/keyboard.c - the keyboard BIOS: INT 09h turns scan codes into keys
 * in the BIOS data area buffer, INT 16h hands them out.
 *
 * Models:      scan code set 1 as the 8042 translates it (E0 and E1
 *              prefixes, the fake shifts around grey keys), shift/lock
 *              state at 40:17, 40:18, 40:96, LEDs at 40:97 through the
 *              keyboard's EDh command, the 16-key ring buffer at 40:1E
 *              (head/tail 40:1A/40:1C within 40:80-40:82), Alt+keypad
 *              codes (40:19), Ctrl-Break (40:71, INT 1Bh), Print Screen
 *              (INT 05h), Pause, Ctrl-Alt-Del (40:72 = 1234h, reset via the
 *              8042 pulse command FEh); INT 16h AH=00h-02h, 05h, 09h, 0Ah,
 *              10h-12h (03h accepted and ignored).
 * Not modeled: SysRq (INT 15h AH=85h), 84-key keyboard quirks (Ctrl-NumLock
 *              pause, Shift-PrtSc on the keypad), typematic control,
 *              non-US layouts (the guest's KEYB driver does those).
 * Spec:        IBM PC/AT Technical Reference, KYBD_IO and KB_INT listings
 *              and the "Character Codes" tables; Ralf Brown's Interrupt List
 *              INT 16h and MEMORY.LST 40:17/40:18/40:96/40:97.
 */
#include "bios/internal.h"

/* 40:17 */
enum { KF_RSHIFT = 0x01, KF_LSHIFT = 0x02, KF_CTRL = 0x04, KF_ALT = 0x08,
       KF_SCROLL = 0x10, KF_NUM = 0x20, KF_CAPS = 0x40, KF_INSERT = 0x80 };
/* 40:18 */
enum { KF1_LCTRL = 0x01, KF1_LALT = 0x02, KF1_SYSREQ = 0x04, KF1_PAUSE = 0x08,
       KF1_SCROLL = 0x10, KF1_NUM = 0x20, KF1_CAPS = 0x40, KF1_INSERT = 0x80 };
/* 40:96 */
enum { KF3_E1 = 0x01, KF3_E0 = 0x02, KF3_RCTRL = 0x04, KF3_RALT = 0x08, KF3_101 = 0x10 };

/* Key codes (scan << 8 | ASCII) for set-1 make codes 01h-58h, in the
 * columns normal, Shift, Ctrl, Alt; 0 = no key (PC/AT "Character Codes"). */
static const uint16_t keymap[0x59][4] = {
    [0x01] = { 0x011b, 0x011b, 0x011b, 0x0100 },
    [0x02] = { 0x0231, 0x0221, 0x0000, 0x7800 },
    [0x03] = { 0x0332, 0x0340, 0x0300, 0x7900 },
    [0x04] = { 0x0433, 0x0423, 0x0000, 0x7a00 },
    [0x05] = { 0x0534, 0x0524, 0x0000, 0x7b00 },
    [0x06] = { 0x0635, 0x0625, 0x0000, 0x7c00 },
    [0x07] = { 0x0736, 0x075e, 0x071e, 0x7d00 },
    [0x08] = { 0x0837, 0x0826, 0x0000, 0x7e00 },
    [0x09] = { 0x0938, 0x092a, 0x0000, 0x7f00 },
    [0x0a] = { 0x0a39, 0x0a28, 0x0000, 0x8000 },
    [0x0b] = { 0x0b30, 0x0b29, 0x0000, 0x8100 },
    [0x0c] = { 0x0c2d, 0x0c5f, 0x0c1f, 0x8200 },
    [0x0d] = { 0x0d3d, 0x0d2b, 0x0000, 0x8300 },
    [0x0e] = { 0x0e08, 0x0e08, 0x0e7f, 0x0e00 },
    [0x0f] = { 0x0f09, 0x0f00, 0x9400, 0xa500 },
    [0x10] = { 0x1071, 0x1051, 0x1011, 0x1000 },
    [0x11] = { 0x1177, 0x1157, 0x1117, 0x1100 },
    [0x12] = { 0x1265, 0x1245, 0x1205, 0x1200 },
    [0x13] = { 0x1372, 0x1352, 0x1312, 0x1300 },
    [0x14] = { 0x1474, 0x1454, 0x1414, 0x1400 },
    [0x15] = { 0x1579, 0x1559, 0x1519, 0x1500 },
    [0x16] = { 0x1675, 0x1655, 0x1615, 0x1600 },
    [0x17] = { 0x1769, 0x1749, 0x1709, 0x1700 },
    [0x18] = { 0x186f, 0x184f, 0x180f, 0x1800 },
    [0x19] = { 0x1970, 0x1950, 0x1910, 0x1900 },
    [0x1a] = { 0x1a5b, 0x1a7b, 0x1a1b, 0x1a00 },
    [0x1b] = { 0x1b5d, 0x1b7d, 0x1b1d, 0x1b00 },
    [0x1c] = { 0x1c0d, 0x1c0d, 0x1c0a, 0x1c00 },
    [0x1e] = { 0x1e61, 0x1e41, 0x1e01, 0x1e00 },
    [0x1f] = { 0x1f73, 0x1f53, 0x1f13, 0x1f00 },
    [0x20] = { 0x2064, 0x2044, 0x2004, 0x2000 },
    [0x21] = { 0x2166, 0x2146, 0x2106, 0x2100 },
    [0x22] = { 0x2267, 0x2247, 0x2207, 0x2200 },
    [0x23] = { 0x2368, 0x2348, 0x2308, 0x2300 },
    [0x24] = { 0x246a, 0x244a, 0x240a, 0x2400 },
    [0x25] = { 0x256b, 0x254b, 0x250b, 0x2500 },
    [0x26] = { 0x266c, 0x264c, 0x260c, 0x2600 },
    [0x27] = { 0x273b, 0x273a, 0x0000, 0x2700 },
    [0x28] = { 0x2827, 0x2822, 0x0000, 0x2800 },
    [0x29] = { 0x2960, 0x297e, 0x0000, 0x2900 },
    [0x2b] = { 0x2b5c, 0x2b7c, 0x2b1c, 0x2b00 },
    [0x2c] = { 0x2c7a, 0x2c5a, 0x2c1a, 0x2c00 },
    [0x2d] = { 0x2d78, 0x2d58, 0x2d18, 0x2d00 },
    [0x2e] = { 0x2e63, 0x2e43, 0x2e03, 0x2e00 },
    [0x2f] = { 0x2f76, 0x2f56, 0x2f16, 0x2f00 },
    [0x30] = { 0x3062, 0x3042, 0x3002, 0x3000 },
    [0x31] = { 0x316e, 0x314e, 0x310e, 0x3100 },
    [0x32] = { 0x326d, 0x324d, 0x320d, 0x3200 },
    [0x33] = { 0x332c, 0x333c, 0x0000, 0x3300 },
    [0x34] = { 0x342e, 0x343e, 0x0000, 0x3400 },
    [0x35] = { 0x352f, 0x353f, 0x0000, 0x3500 },
    [0x37] = { 0x372a, 0x372a, 0x9600, 0x3700 },
    [0x39] = { 0x3920, 0x3920, 0x3920, 0x3920 },
    [0x47] = { 0x4700, 0x4737, 0x7700, 0x0000 },
    [0x48] = { 0x4800, 0x4838, 0x8d00, 0x0000 },
    [0x49] = { 0x4900, 0x4939, 0x8400, 0x0000 },
    [0x4a] = { 0x4a2d, 0x4a2d, 0x8e00, 0x4a00 },
    [0x4b] = { 0x4b00, 0x4b34, 0x7300, 0x0000 },
    [0x4c] = { 0x4c00, 0x4c35, 0x8f00, 0x0000 },
    [0x4d] = { 0x4d00, 0x4d36, 0x7400, 0x0000 },
    [0x4e] = { 0x4e2b, 0x4e2b, 0x9000, 0x4e00 },
    [0x4f] = { 0x4f00, 0x4f31, 0x7500, 0x0000 },
    [0x50] = { 0x5000, 0x5032, 0x9100, 0x0000 },
    [0x51] = { 0x5100, 0x5133, 0x7600, 0x0000 },
    [0x52] = { 0x5200, 0x5230, 0x9200, 0x0000 },
    [0x53] = { 0x5300, 0x532e, 0x9300, 0x0000 },
    [0x56] = { 0x565c, 0x567c, 0x0000, 0x0000 },
    [0x57] = { 0x8500, 0x8700, 0x8900, 0x8b00 },
    [0x58] = { 0x8600, 0x8800, 0x8a00, 0x8c00 },
};

/* Grey keys after E0: normal, Ctrl, Alt (Shift gives the normal code). */
static const struct { uint8_t scan; uint16_t code[3]; } grey_keys[] = {
    { 0x1c, { 0xe00d, 0xe00a, 0xa600 } },
    { 0x35, { 0xe02f, 0x9500, 0xa400 } },
    { 0x47, { 0x47e0, 0x77e0, 0x9700 } },
    { 0x48, { 0x48e0, 0x8de0, 0x9800 } },
    { 0x49, { 0x49e0, 0x84e0, 0x9900 } },
    { 0x4b, { 0x4be0, 0x73e0, 0x9b00 } },
    { 0x4d, { 0x4de0, 0x74e0, 0x9d00 } },
    { 0x4f, { 0x4fe0, 0x75e0, 0x9f00 } },
    { 0x50, { 0x50e0, 0x91e0, 0xa000 } },
    { 0x51, { 0x51e0, 0x76e0, 0xa100 } },
    { 0x52, { 0x52e0, 0x92e0, 0xa200 } },
    { 0x53, { 0x53e0, 0x93e0, 0xa300 } },
};

/* ---- The ring buffer ------------------------------------------------------- */

static uint16_t buf_next(Bios *b, uint16_t ptr)
{
    ptr = (uint16_t)(ptr + 2);
    return ptr >= bda16(b, BDA_KB_END) ? bda16(b, BDA_KB_START) : ptr;
}

/* Append a key; false if the buffer is full (PC/AT: beep, key dropped). */
bool kbd_store(Bios *b, uint16_t key)
{
    uint16_t tail = bda16(b, BDA_KB_TAIL), next = buf_next(b, tail);
    if (next == bda16(b, BDA_KB_HEAD))
        return false;
    wr16(b, BDA_LIN + tail, key);
    set_bda16(b, BDA_KB_TAIL, next);
    return true;
}

static bool buf_peek(Bios *b, uint16_t *key)
{
    uint16_t head = bda16(b, BDA_KB_HEAD);
    if (head == bda16(b, BDA_KB_TAIL))
        return false;
    *key = rd16(b, BDA_LIN + head);
    return true;
}

static void buf_drop(Bios *b)
{
    set_bda16(b, BDA_KB_HEAD, buf_next(b, bda16(b, BDA_KB_HEAD)));
}

/* ---- INT 09h ---------------------------------------------------------------- */

static void update_leds(Bios *b)
{
    uint8_t f = bda8(b, BDA_KB_FLAGS0);
    uint8_t leds = (uint8_t)((f & KF_SCROLL ? 1 : 0) | (f & KF_NUM ? 2 : 0) | (f & KF_CAPS ? 4 : 0));
    uint8_t old = bda8(b, BDA_KB_LEDS);
    if ((old & 7) == leds)
        return;
    set_bda8(b, BDA_KB_LEDS, (uint8_t)((old & ~7) | leds));
    const uint8_t cmd[2] = { 0xed, leds };
    for (int i = 0; i < 2; i++) {
        for (int n = 0; n < 1000 && (inb(b, 0x64) & 0x02); n++)
            ;
        outb(b, 0x60, cmd[i]);
    }
}

/* Shift, Ctrl, Alt and the locks; returns true if the code was one. */
static bool shift_key(Bios *b, uint8_t code, bool e0)
{
    uint8_t f0 = bda8(b, BDA_KB_FLAGS0), f1 = bda8(b, BDA_KB_FLAGS1), f3 = bda8(b, BDA_KB_FLAGS3);
    bool brk = code & 0x80;
    uint8_t scan = code & 0x7f;
    switch (scan) {
    case 0x2a: case 0x36:
        if (e0)                       /* fake shifts around grey keys */
            return true;
        if (brk)
            f0 &= (uint8_t)~(scan == 0x2a ? KF_LSHIFT : KF_RSHIFT);
        else
            f0 |= scan == 0x2a ? KF_LSHIFT : KF_RSHIFT;
        break;
    case 0x1d:
        if (e0)
            f3 = brk ? (uint8_t)(f3 & ~KF3_RCTRL) : (uint8_t)(f3 | KF3_RCTRL);
        else
            f1 = brk ? (uint8_t)(f1 & ~KF1_LCTRL) : (uint8_t)(f1 | KF1_LCTRL);
        f0 = (f1 & KF1_LCTRL) || (f3 & KF3_RCTRL) ? f0 | KF_CTRL : (uint8_t)(f0 & ~KF_CTRL);
        break;
    case 0x38:
        if (e0)
            f3 = brk ? (uint8_t)(f3 & ~KF3_RALT) : (uint8_t)(f3 | KF3_RALT);
        else
            f1 = brk ? (uint8_t)(f1 & ~KF1_LALT) : (uint8_t)(f1 | KF1_LALT);
        f0 = (f1 & KF1_LALT) || (f3 & KF3_RALT) ? f0 | KF_ALT : (uint8_t)(f0 & ~KF_ALT);
        if (brk && !(f0 & KF_ALT)) {  /* Alt released: keypad-entered code */
            uint8_t v = bda8(b, BDA_ALT_NUMPAD);
            set_bda8(b, BDA_ALT_NUMPAD, 0);
            if (v)
                kbd_store(b, v);
        }
        break;
    case 0x3a: case 0x45: case 0x46: {
        if (e0 || (scan == 0x46 && (f0 & KF_CTRL)))
            return false;             /* Ctrl-Break, not Scroll Lock */
        uint8_t lock = scan == 0x3a ? KF_CAPS : scan == 0x45 ? KF_NUM : KF_SCROLL;
        uint8_t held = scan == 0x3a ? KF1_CAPS : scan == 0x45 ? KF1_NUM : KF1_SCROLL;
        if (brk) {
            f1 &= (uint8_t)~held;
        } else if (!(f1 & held)) {    /* toggle once per press, not per repeat */
            f1 |= held;
            f0 ^= lock;
        }
        break;
    }
    default:
        return false;
    }
    set_bda8(b, BDA_KB_FLAGS0, f0);
    set_bda8(b, BDA_KB_FLAGS1, f1);
    set_bda8(b, BDA_KB_FLAGS3, f3);
    update_leds(b);
    return true;
}

static int keypad_digit(uint8_t scan)
{
    static const int8_t digit[] = { 7, 8, 9, -1, 4, 5, 6, -1, 1, 2, 3, 0 };
    return scan >= 0x47 && scan <= 0x52 ? digit[scan - 0x47] : -1;
}

/* A make code that is not a shift key: compute and store its key code.
 * Returns the INT 09h stub action (0, 1 Ctrl-Break, 2 Print Screen). */
static uint8_t make_key(Bios *b, uint8_t scan, bool e0)
{
    uint8_t f0 = bda8(b, BDA_KB_FLAGS0);
    bool shift = f0 & (KF_LSHIFT | KF_RSHIFT), ctrl = f0 & KF_CTRL, alt = f0 & KF_ALT;

    if (ctrl && alt && scan == 0x53) {           /* Ctrl-Alt-Del */
        set_bda16(b, BDA_RESET_FLAG, 0x1234);
        outb(b, 0x64, 0xfe);                     /* 8042: pulse reset line */
        return 0;
    }
    if ((e0 && scan == 0x46) || (ctrl && scan == 0x46)) {   /* Ctrl-Break */
        set_bda16(b, BDA_KB_HEAD, bda16(b, BDA_KB_TAIL));
        set_bda8(b, BDA_BREAK, 0x80);
        kbd_store(b, 0x0000);
        return 1;
    }
    if (e0 && scan == 0x37)                      /* Print Screen */
        return ctrl ? 0 : 2;
    uint16_t key = 0;
    if (e0) {
        for (size_t i = 0; i < ARRAY_SIZE(grey_keys); i++)
            if (grey_keys[i].scan == scan)
                key = grey_keys[i].code[alt ? 2 : ctrl ? 1 : 0];
        if (!key)
            return 0;
    } else {
        if (scan >= ARRAY_SIZE(keymap))
            return 0;
        int d = keypad_digit(scan);
        if (alt && d >= 0) {                     /* Alt + keypad digits */
            set_bda8(b, BDA_ALT_NUMPAD, (uint8_t)(bda8(b, BDA_ALT_NUMPAD) * 10 + d));
            return 0;
        }
        int col = alt ? 3 : ctrl ? 2 : 0;
        if (col == 0) {
            bool upper = shift;
            uint8_t ascii = (uint8_t)keymap[scan][0];
            if (ascii >= 'a' && ascii <= 'z' && (f0 & KF_CAPS))
                upper = !upper;
            if (d >= 0 || scan == 0x53)          /* keypad: Num Lock flips Shift */
                upper = (f0 & KF_NUM) ? !shift : shift;
            col = upper ? 1 : 0;
        }
        key = keymap[scan][col];
        if (!key)
            return 0;
    }
    if ((key >> 8) == 0x52 && (key & 0xff) != '0') {   /* Insert key */
        uint8_t f1 = bda8(b, BDA_KB_FLAGS1);
        if (f1 & KF1_INSERT)
            return 0;                            /* typematic repeat */
        set_bda8(b, BDA_KB_FLAGS1, f1 | KF1_INSERT);
        set_bda8(b, BDA_KB_FLAGS0, f0 ^ KF_INSERT);
    }
    kbd_store(b, key);
    return 0;
}

/* The byte in AL, after INT 15h AH=4Fh let it through. Sets AH for the
 * stub: 1 = call INT 1Bh, 2 = call INT 05h. */
void int09_service(Bios *b)
{
    uint8_t code = reg8(b, R8_AL), f3 = bda8(b, BDA_KB_FLAGS3);
    set_reg8(b, R8_AH, 0);
    switch (code) {
    case 0x00: case 0xff:                        /* overrun */
        return;
    case 0xfa:                                   /* acknowledge (LED command) */
        set_bda8(b, BDA_KB_LEDS, bda8(b, BDA_KB_LEDS) | 0x10);
        return;
    case 0xfe:                                   /* resend */
        set_bda8(b, BDA_KB_LEDS, bda8(b, BDA_KB_LEDS) | 0x20);
        return;
    case 0xe0:
        set_bda8(b, BDA_KB_FLAGS3, (uint8_t)((f3 & ~KF3_E1) | KF3_E0));
        return;
    case 0xe1:
        set_bda8(b, BDA_KB_FLAGS3, (uint8_t)((f3 & ~KF3_E0) | KF3_E1));
        return;
    default:
        break;
    }
    bool e0 = f3 & KF3_E0;
    if (f3 & KF3_E1) {                           /* E1 1D 45 = Pause */
        if ((code & 0x7f) == 0x1d)
            return;
        set_bda8(b, BDA_KB_FLAGS3, f3 & (uint8_t)~KF3_E1);
        if (code == 0x45)
            set_bda8(b, BDA_KB_FLAGS1, bda8(b, BDA_KB_FLAGS1) | KF1_PAUSE);
        return;
    }
    set_bda8(b, BDA_KB_FLAGS3, f3 & (uint8_t)~KF3_E0);
    if (shift_key(b, code, e0))
        return;
    if (code & 0x80) {
        if ((code & 0x7f) == 0x52)               /* Insert released */
            set_bda8(b, BDA_KB_FLAGS1, bda8(b, BDA_KB_FLAGS1) & (uint8_t)~KF1_INSERT);
        return;
    }
    uint8_t f1 = bda8(b, BDA_KB_FLAGS1);
    if (f1 & KF1_PAUSE) {                        /* any key ends Pause, and is eaten */
        set_bda8(b, BDA_KB_FLAGS1, f1 & (uint8_t)~KF1_PAUSE);
        return;
    }
    set_reg8(b, R8_AH, make_key(b, code, e0));
}

void pause_poll(Bios *b)
{
    set_live_zf(b, bda8(b, BDA_KB_FLAGS1) & KF1_PAUSE);
}

/* ---- INT 16h ------------------------------------------------------------------ */

/* The AH=00h/01h view of a key: grey-key E0 bytes become the PC/XT
 * codes; keys only an enhanced keyboard makes return false (discarded). */
static bool legacy_key(uint16_t *key)
{
    uint8_t scan = *key >> 8, ascii = (uint8_t)*key;
    if (scan == 0xe0) {
        *key = (uint16_t)((ascii == 0x2f ? 0x35 : 0x1c) << 8 | ascii);
        return true;
    }
    if (scan > 0x84)
        return false;
    if (ascii == 0xe0 && scan)
        *key = (uint16_t)(scan << 8);
    return true;
}

static void read_key(Bios *b, bool extended, bool remove)
{
    uint16_t key;
    for (;;) {
        if (!buf_peek(b, &key)) {
            if (remove) {
                set_live_zf(b, true);            /* stub waits for a key */
            } else {
                set_zf(b, true);
                set_live_zf(b, false);
            }
            return;
        }
        if (extended) {
            if ((key & 0xff) == 0xf0 && (key >> 8))
                key &= 0xff00;
            break;
        }
        if (legacy_key(&key))
            break;
        buf_drop(b);                             /* not for AH=00h/01h */
    }
    if (remove)
        buf_drop(b);
    else
        set_zf(b, false);
    set_live_zf(b, false);
    set_reg16(b, R_EAX, key);
}

void int16_service(Bios *b)
{
    uint8_t ah = reg8(b, R8_AH);
    set_live_zf(b, false);
    switch (ah) {
    case 0x00: read_key(b, false, true); break;
    case 0x01: read_key(b, false, false); break;
    case 0x10: read_key(b, true, true); break;
    case 0x11: read_key(b, true, false); break;
    case 0x02: set_reg8(b, R8_AL, bda8(b, BDA_KB_FLAGS0)); break;
    case 0x12: {
        uint8_t f1 = bda8(b, BDA_KB_FLAGS1), f3 = bda8(b, BDA_KB_FLAGS3);
        uint8_t hi = (uint8_t)((f1 & (KF1_LCTRL | KF1_LALT)) | (f3 & (KF3_RCTRL | KF3_RALT)) |
                               (f1 & (KF1_SCROLL | KF1_NUM | KF1_CAPS)) |
                               (f1 & KF1_SYSREQ ? 0x80 : 0));
        set_reg8(b, R8_AL, bda8(b, BDA_KB_FLAGS0));
        set_reg8(b, R8_AH, hi);
        break;
    }
    case 0x03:                                   /* typematic rate: accepted */
        if (reg8(b, R8_AL) == 0x06)
            set_reg16(b, R_EBX, 0);
        break;
    case 0x05:
        set_reg8(b, R8_AL, kbd_store(b, reg16(b, R_ECX)) ? 0 : 1);
        break;
    case 0x09:
        set_reg8(b, R8_AL, 0x10);                /* AH=0Ah supported */
        break;
    case 0x0a:
        set_reg16(b, R_EBX, 0x41ab);             /* MF2 keyboard, translated */
        break;
    default:
        break;
    }
}
