/*
 * tests/test_keymap.c - characters, sendkey combos and SDL scancodes to
 * set-1 key numbers.
 */
#include <check.h>

#include "ui/keymap.h"

START_TEST(chars_on_us_layout)
{
    static const struct { char c; uint16_t code; bool shift; } cases[] = {
        { 'a', 0x1E, false }, { 'A', 0x1E, true }, { 'z', 0x2C, false }, { '1', 0x02, false },
        { '!', 0x02, true }, { '0', 0x0B, false }, { ')', 0x0B, true }, { ' ', 0x39, false },
        { '\n', 0x1C, false }, { '\t', 0x0F, false }, { 0x1B, 0x01, false }, { '\b', 0x0E, false },
        { ':', 0x27, true }, { '\\', 0x2B, false }, { '|', 0x2B, true }, { '~', 0x29, true },
        { '"', 0x28, true }, { '?', 0x35, true }, { '.', 0x34, false }, { '_', 0x0C, true },
    };
    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        uint16_t code = 0;
        bool shift = !cases[i].shift;
        ck_assert_int_eq(keymap_char(cases[i].c, &code, &shift), 0);
        ck_assert_uint_eq(code, cases[i].code);
        ck_assert_int_eq(shift, cases[i].shift);
    }
    /* Every printable ASCII character is typeable. */
    for (int c = 0x20; c < 0x7F; c++) {
        uint16_t code;
        bool shift;
        ck_assert_int_eq(keymap_char((char)c, &code, &shift), 0);
    }
    uint16_t code;
    bool shift;
    ck_assert_int_eq(keymap_char('\x01', &code, &shift), -1);
    ck_assert_int_eq(keymap_char((char)0xE9, &code, &shift), -1);
    ck_assert_int_eq(keymap_char(0, &code, &shift), -1);
}
END_TEST

START_TEST(sendkey_combos)
{
    uint16_t k[8];
    ck_assert_int_eq(keymap_combo("ctrl-alt-delete", k, 8), 3);
    ck_assert_uint_eq(k[0], 0x1D);
    ck_assert_uint_eq(k[1], 0x38);
    ck_assert_uint_eq(k[2], 0xE053);
    ck_assert_int_eq(keymap_combo("shift-a", k, 8), 2);
    ck_assert_uint_eq(k[0], 0x2A);
    ck_assert_uint_eq(k[1], 0x1E);
    static const struct { const char *name; uint16_t code; } single[] = {
        { "f1", 0x3B }, { "F10", 0x44 }, { "f12", 0x58 }, { "ret", 0x1C }, { "esc", 0x01 },
        { "up", 0xE048 }, { "pgdn", 0xE051 }, { "kp_enter", 0xE01C }, { "spc", 0x39 },
        { "enter", 0x1C }, { "tab", 0x0F }, { "x", 0x2D }, { "7", 0x08 }, { "home", 0xE047 },
        { "backspace", 0x0E }, { "minus", 0x0C }, { "kp_5", 0x4C }, { "pause", 0xE11D },
    };
    for (size_t i = 0; i < ARRAY_SIZE(single); i++) {
        ck_assert_int_eq(keymap_combo(single[i].name, k, 8), 1);
        ck_assert_uint_eq(k[0], single[i].code);
    }
    ck_assert_int_eq(keymap_combo("alt-x", k, 8), 2);
    ck_assert_uint_eq(k[0], 0x38);
    ck_assert_uint_eq(k[1], 0x2D);
    ck_assert_int_eq(keymap_combo("A", k, 8), 2);   /* capital: shift + a */
    ck_assert_int_eq(keymap_combo("ctrl-alt-delete", k, 2), -1);
    ck_assert_int_eq(keymap_combo("bogus", k, 8), -1);
    ck_assert_int_eq(keymap_combo("ctrl-", k, 8), -1);
    ck_assert_int_eq(keymap_combo("", k, 8), -1);
    ck_assert_int_eq(keymap_combo("-", k, 8), -1);
    ck_assert_int_eq(keymap_combo("averyveryveryverylongkeynamethatoverflows", k, 8), -1);
}
END_TEST

START_TEST(sdl_scancodes)
{
    ck_assert_uint_eq(keymap_sdl_scancode(4), 0x1E);     /* SDL_SCANCODE_A */
    ck_assert_uint_eq(keymap_sdl_scancode(29), 0x2C);    /* Z */
    ck_assert_uint_eq(keymap_sdl_scancode(40), 0x1C);    /* RETURN */
    ck_assert_uint_eq(keymap_sdl_scancode(82), 0xE048);  /* UP */
    ck_assert_uint_eq(keymap_sdl_scancode(88), 0xE01C);  /* KP_ENTER */
    ck_assert_uint_eq(keymap_sdl_scancode(224), 0x1D);   /* LCTRL */
    ck_assert_uint_eq(keymap_sdl_scancode(230), 0xE038); /* RALT */
    ck_assert_uint_eq(keymap_sdl_scancode(0), 0);
    ck_assert_uint_eq(keymap_sdl_scancode(-5), 0);
    ck_assert_uint_eq(keymap_sdl_scancode(100000), 0);
}
END_TEST

Suite *keymap_suite(void)
{
    Suite *s = suite_create("keymap");
    TCase *tc = tcase_create("keymap");
    tcase_add_test(tc, chars_on_us_layout);
    tcase_add_test(tc, sendkey_combos);
    tcase_add_test(tc, sdl_scancodes);
    suite_add_tcase(s, tc);
    return s;
}
