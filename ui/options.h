/*
 * ui/options.h - emu's command line (DESIGN.md section 5): every option,
 * parsed into one EmuOptions. Options accept one or two leading dashes.
 */
#ifndef UI_OPTIONS_H
#define UI_OPTIONS_H

#include "emu.h"

#define MAX_EXPECTS 8

typedef enum DisplayKind { DISPLAY_DEFAULT, DISPLAY_SDL, DISPLAY_NONE } DisplayKind;
typedef enum AccelKind { ACCEL_INTERP, ACCEL_JIT, ACCEL_LOCKSTEP } AccelKind;

typedef struct EmuOptions {
    uint32_t ram_mb;
    const char *fda, *fdb, *hda, *hdb, *cdrom;
    const char *boot;            /* "a", "c", "d", or an order such as "ca" */
    const char *kernel, *initrd, *append, *bios;
    const char *serial;          /* stdio | file:PATH | null | none */
    const char *debugcon;        /* stdio | file:PATH | null (default: stderr) */
    const char *monitor;
    DisplayKind display;
    bool snapshot;
    bool no_reboot;
    AccelKind accel;
    unsigned log_mask;
    const char *log_file;
    const char *nic;
    const char *loadvm;
    double timeout_s;            /* 0 = none */
    const char *expect_screen[MAX_EXPECTS];
    int n_expect_screen;
    const char *expect_serial[MAX_EXPECTS];
    int n_expect_serial;
    const char *screen_dump;
    const char *script;
} EmuOptions;

/*
 * Parse argv. Returns 0 on success, 1 if --help/--version was printed
 * (exit 0), or 2 after printing one error line (exit 2).
 */
int options_parse(EmuOptions *o, int argc, char **argv);

/* Parse a -d list ("in_asm,int"); -1 on an unknown item (message printed). */
int options_parse_log(const char *items, unsigned *mask);

void options_help(FILE *f);

#endif
