/*
 * ui/keymap.c - names, characters and SDL scancodes to set-1 key numbers.
 *
 * Models:       the US 101/102-key layout: every printable ASCII character,
 *               Enter/Tab/Esc/Backspace, QEMU's sendkey key names, and the
 *               SDL2 scancode set (whose values are USB HID keyboard usage
 *               IDs, so the table needs no SDL header).
 * Not modelled: other national layouts; keys with no set-1 make code
 *               (media keys).
 * Spec:         IBM PC AT Technical Reference, keyboard scan code set 1;
 *               USB HID Usage Tables, page 0x07 (Keyboard/Keypad); QEMU
 *               monitor documentation, "sendkey".
 */
#include <ctype.h>

#include "ui/keymap.h"

/* ---- Characters ------------------------------------------------------------ */
typedef struct CharKey {
    char plain, shifted;
    uint8_t code;
} CharKey;

/* US layout: each key with its unshifted and shifted character. */
static const CharKey char_keys[] = {
    { '1', '!', 0x02 }, { '2', '@', 0x03 }, { '3', '#', 0x04 }, { '4', '$', 0x05 },
    { '5', '%', 0x06 }, { '6', '^', 0x07 }, { '7', '&', 0x08 }, { '8', '*', 0x09 },
    { '9', '(', 0x0A }, { '0', ')', 0x0B }, { '-', '_', 0x0C }, { '=', '+', 0x0D },
    { 'q', 'Q', 0x10 }, { 'w', 'W', 0x11 }, { 'e', 'E', 0x12 }, { 'r', 'R', 0x13 },
    { 't', 'T', 0x14 }, { 'y', 'Y', 0x15 }, { 'u', 'U', 0x16 }, { 'i', 'I', 0x17 },
    { 'o', 'O', 0x18 }, { 'p', 'P', 0x19 }, { '[', '{', 0x1A }, { ']', '}', 0x1B },
    { 'a', 'A', 0x1E }, { 's', 'S', 0x1F }, { 'd', 'D', 0x20 }, { 'f', 'F', 0x21 },
    { 'g', 'G', 0x22 }, { 'h', 'H', 0x23 }, { 'j', 'J', 0x24 }, { 'k', 'K', 0x25 },
    { 'l', 'L', 0x26 }, { ';', ':', 0x27 }, { '\'', '"', 0x28 }, { '`', '~', 0x29 },
    { '\\', '|', 0x2B }, { 'z', 'Z', 0x2C }, { 'x', 'X', 0x2D }, { 'c', 'C', 0x2E },
    { 'v', 'V', 0x2F }, { 'b', 'B', 0x30 }, { 'n', 'N', 0x31 }, { 'm', 'M', 0x32 },
    { ',', '<', 0x33 }, { '.', '>', 0x34 }, { '/', '?', 0x35 }, { ' ', 0, 0x39 },
    { '\n', 0, 0x1C }, { '\r', 0, 0x1C }, { '\t', 0, 0x0F }, { 0x1B, 0, 0x01 },
    { '\b', 0, 0x0E },
};

int keymap_char(char c, uint16_t *code, bool *shift)
{
    if (c == 0)
        return -1;
    for (size_t i = 0; i < ARRAY_SIZE(char_keys); i++) {
        if (char_keys[i].plain == c || char_keys[i].shifted == c) {
            *code = char_keys[i].code;
            *shift = char_keys[i].plain != c;
            return 0;
        }
    }
    return -1;
}

/* ---- Key names -------------------------------------------------------------- */
typedef struct KeyName {
    const char *name;
    uint16_t code;
} KeyName;

/* QEMU sendkey names first, then aliases. Letters and digits go through
 * keymap_char. */
static const KeyName key_names[] = {
    { "shift", 0x2A }, { "shift_r", 0x36 }, { "alt", 0x38 }, { "alt_r", 0xE038 },
    { "altgr", 0xE038 }, { "altgr_r", 0xE038 }, { "ctrl", 0x1D }, { "ctrl_r", 0xE01D },
    { "menu", 0xE05D }, { "esc", 0x01 }, { "minus", 0x0C }, { "equal", 0x0D },
    { "backspace", 0x0E }, { "tab", 0x0F }, { "bracket_left", 0x1A },
    { "bracket_right", 0x1B }, { "ret", 0x1C }, { "semicolon", 0x27 },
    { "apostrophe", 0x28 }, { "grave_accent", 0x29 }, { "backslash", 0x2B },
    { "comma", 0x33 }, { "dot", 0x34 }, { "slash", 0x35 }, { "asterisk", 0x37 },
    { "spc", 0x39 }, { "caps_lock", 0x3A }, { "f1", 0x3B }, { "f2", 0x3C },
    { "f3", 0x3D }, { "f4", 0x3E }, { "f5", 0x3F }, { "f6", 0x40 }, { "f7", 0x41 },
    { "f8", 0x42 }, { "f9", 0x43 }, { "f10", 0x44 }, { "f11", 0x57 }, { "f12", 0x58 },
    { "num_lock", 0x45 }, { "scroll_lock", 0x46 }, { "kp_divide", 0xE035 },
    { "kp_multiply", 0x37 }, { "kp_subtract", 0x4A }, { "kp_add", 0x4E },
    { "kp_enter", 0xE01C }, { "kp_decimal", 0x53 }, { "sysrq", 0x54 },
    { "kp_0", 0x52 }, { "kp_1", 0x4F }, { "kp_2", 0x50 }, { "kp_3", 0x51 },
    { "kp_4", 0x4B }, { "kp_5", 0x4C }, { "kp_6", 0x4D }, { "kp_7", 0x47 },
    { "kp_8", 0x48 }, { "kp_9", 0x49 }, { "less", 0x56 }, { "print", 0xE037 },
    { "home", 0xE047 }, { "pgup", 0xE049 }, { "pgdn", 0xE051 }, { "end", 0xE04F },
    { "left", 0xE04B }, { "up", 0xE048 }, { "down", 0xE050 }, { "right", 0xE04D },
    { "insert", 0xE052 }, { "delete", 0xE053 }, { "meta_l", 0xE05B },
    { "meta_r", 0xE05C }, { "pause", 0xE11D },
    /* aliases */
    { "enter", 0x1C }, { "return", 0x1C }, { "escape", 0x01 }, { "space", 0x39 },
    { "control", 0x1D }, { "del", 0xE053 }, { "ins", 0xE052 }, { "pageup", 0xE049 },
    { "pagedown", 0xE051 }, { "win", 0xE05B }, { "bs", 0x0E }, { "capslock", 0x3A },
    { "period", 0x34 }, { "lshift", 0x2A }, { "rshift", 0x36 }, { "lctrl", 0x1D },
    { "rctrl", 0xE01D }, { "lalt", 0x38 }, { "ralt", 0xE038 },
};

static int lookup_name(const char *name, size_t len, uint16_t *codes, int n, int max)
{
    char lower[32];
    if (len == 0 || len >= sizeof lower)
        return -1;
    for (size_t i = 0; i < len; i++)
        lower[i] = (char)tolower((unsigned char)name[i]);
    lower[len] = 0;
    for (size_t i = 0; i < ARRAY_SIZE(key_names); i++) {
        if (strcmp(key_names[i].name, lower) == 0) {
            if (n >= max)
                return -1;
            codes[n] = key_names[i].code;
            return n + 1;
        }
    }
    /* A single printable character names its key; "A" means shift-a. */
    uint16_t code;
    bool shift;
    if (len != 1 || name[0] == ' ' || keymap_char(name[0], &code, &shift) < 0)
        return -1;
    if (n + (shift ? 2 : 1) > max)
        return -1;
    if (shift)
        codes[n++] = KEY_LSHIFT;
    codes[n++] = code;
    return n;
}

int keymap_combo(const char *combo, uint16_t *codes, int max)
{
    int n = 0;
    const char *p = combo;
    if (!combo || !*combo)
        return -1;
    for (;;) {
        const char *dash = strchr(p, '-');
        size_t len = dash ? (size_t)(dash - p) : strlen(p);
        n = lookup_name(p, len, codes, n, max);
        if (n < 0)
            return -1;
        if (!dash)
            return n;
        p = dash + 1;
    }
}

/* ---- SDL scancodes (USB HID usage IDs) -------------------------------------- */
static const uint16_t hid_to_set1[232] = {
    [4] = 0x1E, [5] = 0x30, [6] = 0x2E, [7] = 0x20, [8] = 0x12, [9] = 0x21,       /* a-f */
    [10] = 0x22, [11] = 0x23, [12] = 0x17, [13] = 0x24, [14] = 0x25, [15] = 0x26, /* g-l */
    [16] = 0x32, [17] = 0x31, [18] = 0x18, [19] = 0x19, [20] = 0x10, [21] = 0x13, /* m-r */
    [22] = 0x1F, [23] = 0x14, [24] = 0x16, [25] = 0x2F, [26] = 0x11, [27] = 0x2D, /* s-x */
    [28] = 0x15, [29] = 0x2C,                                                     /* y z */
    [30] = 0x02, [31] = 0x03, [32] = 0x04, [33] = 0x05, [34] = 0x06,              /* 1-5 */
    [35] = 0x07, [36] = 0x08, [37] = 0x09, [38] = 0x0A, [39] = 0x0B,              /* 6-0 */
    [40] = 0x1C, [41] = 0x01, [42] = 0x0E, [43] = 0x0F, [44] = 0x39,  /* ret esc bs tab spc */
    [45] = 0x0C, [46] = 0x0D, [47] = 0x1A, [48] = 0x1B, [49] = 0x2B,  /* - = [ ] \ */
    [50] = 0x2B, [51] = 0x27, [52] = 0x28, [53] = 0x29, [54] = 0x33,  /* non-US # ; ' ` , */
    [55] = 0x34, [56] = 0x35, [57] = 0x3A,                            /* . / caps */
    [58] = 0x3B, [59] = 0x3C, [60] = 0x3D, [61] = 0x3E, [62] = 0x3F, [63] = 0x40, /* F1-F6 */
    [64] = 0x41, [65] = 0x42, [66] = 0x43, [67] = 0x44, [68] = 0x57, [69] = 0x58, /* F7-F12 */
    [70] = 0xE037, [71] = 0x46, [72] = 0xE11D,                       /* print scroll pause */
    [73] = 0xE052, [74] = 0xE047, [75] = 0xE049, [76] = 0xE053,      /* ins home pgup del */
    [77] = 0xE04F, [78] = 0xE051, [79] = 0xE04D, [80] = 0xE04B,      /* end pgdn right left */
    [81] = 0xE050, [82] = 0xE048, [83] = 0x45,                       /* down up numlock */
    [84] = 0xE035, [85] = 0x37, [86] = 0x4A, [87] = 0x4E, [88] = 0xE01C, /* kp / * - + enter */
    [89] = 0x4F, [90] = 0x50, [91] = 0x51, [92] = 0x4B, [93] = 0x4C,  /* kp 1-5 */
    [94] = 0x4D, [95] = 0x47, [96] = 0x48, [97] = 0x49, [98] = 0x52,  /* kp 6-9 0 */
    [99] = 0x53, [100] = 0x56, [101] = 0xE05D,                        /* kp . 102nd menu */
    [224] = 0x1D, [225] = 0x2A, [226] = 0x38, [227] = 0xE05B,         /* left ctrl shift alt gui */
    [228] = 0xE01D, [229] = 0x36, [230] = 0xE038, [231] = 0xE05C,     /* right ctrl shift alt gui */
};

uint16_t keymap_sdl_scancode(int sdl_scancode)
{
    if (sdl_scancode < 0 || (size_t)sdl_scancode >= ARRAY_SIZE(hid_to_set1))
        return 0;
    return hid_to_set1[sdl_scancode];
}
