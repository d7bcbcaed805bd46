/*
 * tests/test_ui.c - command-line and automation-script parsing, and the
 * serial text log that --expect-serial searches.
 */
#include <check.h>

#include "ui/hostchar.h"
#include "ui/options.h"
#include "ui/script.h"

static int parse(EmuOptions *o, const char *const *args)
{
    char *argv[32];
    int argc = 0;
    argv[argc++] = (char *)"emu";
    for (; *args; args++)
        argv[argc++] = (char *)*args;
    argv[argc] = NULL;
    return options_parse(o, argc, argv);
}

START_TEST(options_accept_one_or_two_dashes)
{
    EmuOptions o;
    const char *a[] = { "-m", "64", "--fda", "a.img", "-hda", "c.img", "-display", "none",
                        "--timeout", "2.5", "--expect-screen", "A:\\>", "-expect-serial", "OK",
                        "-no-reboot", "-boot", "ca", "-d", "int,unimp", NULL };
    ck_assert_int_eq(parse(&o, a), 0);
    ck_assert_uint_eq(o.ram_mb, 64);
    ck_assert_str_eq(o.fda, "a.img");
    ck_assert_str_eq(o.hda, "c.img");
    ck_assert_int_eq(o.display, DISPLAY_NONE);
    ck_assert(o.timeout_s == 2.5);
    ck_assert_int_eq(o.n_expect_screen, 1);
    ck_assert_str_eq(o.expect_serial[0], "OK");
    ck_assert(o.no_reboot);
    ck_assert_str_eq(o.boot, "ca");
    ck_assert_uint_eq(o.log_mask, LOG_INT | LOG_UNIMP);
}
END_TEST

START_TEST(options_reject_bad_input)
{
    EmuOptions o;
    const char *bad_m[] = { "-m", "0", NULL };
    const char *bad_m2[] = { "-m", "12x", NULL };
    const char *unknown[] = { "--frobnicate", NULL };
    const char *missing[] = { "-fda", NULL };
    const char *bad_boot[] = { "-boot", "z", NULL };
    const char *bad_d[] = { "-d", "nonsense", NULL };
    const char *bad_t[] = { "--timeout", "-1", NULL };
    ck_assert_int_eq(parse(&o, bad_m), 2);
    ck_assert_int_eq(parse(&o, bad_m2), 2);
    ck_assert_int_eq(parse(&o, unknown), 2);
    ck_assert_int_eq(parse(&o, missing), 2);
    ck_assert_int_eq(parse(&o, bad_boot), 2);
    ck_assert_int_eq(parse(&o, bad_d), 2);
    ck_assert_int_eq(parse(&o, bad_t), 2);
    const char *mm[] = { "-m", "256M", NULL };
    ck_assert_int_eq(parse(&o, mm), 0);
    ck_assert_uint_eq(o.ram_mb, 256);
}
END_TEST

START_TEST(script_parses_every_command)
{
    Script *s = script_parse("t", "# comment\n\nwait-screen C:\\> 30\nwait-serial \"Version 6\"\n"
                                  "type dir\\n\ntype \"a b\"\nkey ctrl-alt-delete\nsleep 0.5\n"
                                  "screendump out.png\nsavevm base\nexit 3\n");
    ck_assert_ptr_nonnull(s);
    ck_assert_int_eq(s->n, 9);
    ck_assert_int_eq(s->cmds[0].op, SC_WAIT_SCREEN);
    ck_assert_str_eq(s->cmds[0].text, "C:\\>");
    ck_assert(s->cmds[0].seconds == 30);
    ck_assert_int_eq(s->cmds[0].line, 3);
    ck_assert_str_eq(s->cmds[1].text, "Version 6");
    ck_assert(s->cmds[1].seconds == 0);
    ck_assert_str_eq(s->cmds[2].text, "dir\n");
    ck_assert_str_eq(s->cmds[3].text, "a b");
    ck_assert_int_eq(s->cmds[4].op, SC_KEY);
    ck_assert(s->cmds[5].seconds == 0.5);
    ck_assert_str_eq(s->cmds[6].text, "out.png");
    ck_assert_int_eq(s->cmds[7].op, SC_SAVEVM);
    ck_assert_int_eq(s->cmds[8].code, 3);
    script_free(s);
}
END_TEST

START_TEST(script_rejects_bad_lines)
{
    ck_assert_ptr_null(script_parse("t", "frobnicate\n"));
    ck_assert_ptr_null(script_parse("t", "sleep soon\n"));
    ck_assert_ptr_null(script_parse("t", "exit 300\n"));
    ck_assert_ptr_null(script_parse("t", "wait-screen \"unterminated\n"));
    ck_assert_ptr_null(script_parse("t", "wait-serial\n"));
    ck_assert_ptr_null(script_load("/nonexistent/script"));
}
END_TEST

START_TEST(textlog_finds_after_cursor)
{
    TextLog t = { 0 };
    textlog_append(&t, (const uint8_t *)"boot OK\0more OK", 15);
    long end = textlog_find(&t, "OK", 0);
    ck_assert_int_eq(end, 7);
    ck_assert_int_eq(textlog_find(&t, "OK", (size_t)end), 15);
    ck_assert_int_eq(textlog_find(&t, "OK", 15), -1);
    ck_assert_int_eq(textlog_find(&t, "OK more", 0), 12);
    textlog_free(&t);
}
END_TEST

Suite *ui_suite(void)
{
    Suite *s = suite_create("ui");
    TCase *tc = tcase_create("ui");
    tcase_add_test(tc, options_accept_one_or_two_dashes);
    tcase_add_test(tc, options_reject_bad_input);
    tcase_add_test(tc, script_parses_every_command);
    tcase_add_test(tc, script_rejects_bad_lines);
    tcase_add_test(tc, textlog_finds_after_cursor);
    suite_add_tcase(s, tc);
    return s;
}
