/*
 * ui/options.c - command-line parsing (see options.h). The help text here
 * is the reference that docs/cli.md mirrors.
 */
#include "ui/options.h"

#include <errno.h>

static const struct {
    const char *name;
    unsigned mask;
    const char *help;
} log_items[] = {
    { "in_asm", LOG_IN_ASM, "guest code: each block as it is translated, or each instruction interpreted" },
    { "out_asm", LOG_OUT_ASM, "host code generated for each block (capstone)" },
    { "exec", LOG_EXEC, "each entry into translated code" },
    { "int", LOG_INT, "interrupts and exceptions" },
    { "cpu", LOG_CPU, "CPU registers before each traced instruction" },
    { "unimp", LOG_UNIMP, "unclaimed ports and unimplemented features" },
    { "bios", LOG_BIOS, "BIOS service calls" },
    { "guest_errors", LOG_GUEST_ERRORS, "odd but legal guest behaviour" },
    { "stats", LOG_STATS, "statistics counters at exit (translator, sensitive instructions)" },
    { "sensitive", LOG_SENSITIVE, "each sensitive instruction site once, with what trap-and-emulate misses" },
    { "ide", LOG_IDE, "IDE register accesses and commands" },
};

void options_help(FILE *f)
{
    fprintf(f,
"Usage: emu [options]\n"
"A full-system x86 PC emulator. With no disk, emu boots its built-in demo.\n"
"\n"
"Machine:\n"
"  -m MB                 RAM size in MiB (default 128, 1-3584)\n"
"  -fda FILE, -fdb FILE  floppy images (160K to 2.88M, by size)\n"
"  -hda FILE, -hdb FILE  raw hard-disk images (primary IDE master/slave)\n"
"  -cdrom FILE           ISO image in the CD-ROM drive (secondary IDE master)\n"
"  -boot ORDER           boot order: a (floppy), c (hard disk), d (CD-ROM), e.g. 'ca'\n"
"  -kernel FILE          boot a Linux bzImage or Multiboot kernel directly\n"
"  -initrd FILE          Linux initrd; Multiboot: modules 'FILE ARGS,FILE2'\n"
"  -append STRING        the kernel command line\n"
"  -snapshot             never write to the disk images (writes kept in RAM)\n"
"  -no-reboot            exit instead of resetting when the guest resets\n"
"  -serial DEV           COM1: stdio, file:PATH, null (default null; the\n"
"                        --expect-serial checks see COM1 in every case)\n"
"  -debugcon DEV         port 0xE9 output: stdio, file:PATH, null (default stderr)\n"
"  -display sdl|none     window or headless (default: sdl when a display exists)\n"
"  -accel ENGINE         jit (default: the translator), interp (the\n"
"                        interpreter) or lockstep (both, compared per block)\n"
"\n"
"Debugging:\n"
"  -d ITEMS              comma-separated trace items (-d help lists them)\n"
"  -D FILE               write traces to FILE instead of stderr\n"
"\n"
"Automation (CI):\n"
"  --timeout SECONDS     exit with status 124 after SECONDS of host time\n"
"  --expect-screen TEXT  exit 0 as soon as TEXT is on the text screen\n"
"  --expect-serial TEXT  exit 0 as soon as TEXT appears on COM1\n"
"  --screen-dump FILE    at exit, save the screen (.txt text, .png pixels)\n"
"  --script FILE         run an automation script (see docs/cli.md)\n"
"\n"
"  -h, --help            this text\n"
"  --version             version\n"
"\n"
"Exit status: 0 success, 1 a check failed, 2 bad usage or input, 124 timeout;\n"
"a guest write of V to port 0xf4 exits with (V<<1)|1.\n");
}

int options_parse_log(const char *items, unsigned *mask)
{
    char *copy = xstrdup(items), *save = NULL;
    int rc = 0;
    for (char *it = strtok_r(copy, ",", &save); it; it = strtok_r(NULL, ",", &save)) {
        if (strcmp(it, "help") == 0) {
            for (size_t i = 0; i < ARRAY_SIZE(log_items); i++)
                printf("%-14s %s\n", log_items[i].name, log_items[i].help);
            rc = 1;
            continue;
        }
        size_t i;
        for (i = 0; i < ARRAY_SIZE(log_items); i++)
            if (strcmp(it, log_items[i].name) == 0)
                break;
        if (i == ARRAY_SIZE(log_items)) {
            emu_error("-d", "unknown trace item '%s' (-d help lists them)", it);
            rc = -1;
            break;
        }
        *mask |= log_items[i].mask;
    }
    free(copy);
    return rc;
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || v > max)
        return false;
    *out = v;
    return true;
}

/* Does arg (with 1 or 2 dashes) name option 'name'? */
static bool is_opt(const char *arg, const char *name)
{
    if (arg[0] != '-')
        return false;
    arg += arg[1] == '-' ? 2 : 1;
    return strcmp(arg, name) == 0;
}

static const char *const value_opts[] = {
    "m", "fda", "fdb", "hda", "hdb", "cdrom", "boot", "kernel", "initrd", "append",
    "bios", "serial", "debugcon", "monitor", "display", "accel", "d", "D", "nic",
    "loadvm", "timeout", "expect-screen", "expect-serial", "screen-dump", "script",
};

int options_parse(EmuOptions *o, int argc, char **argv)
{
    memset(o, 0, sizeof *o);
    o->ram_mb = 128;
    o->accel = ACCEL_JIT;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (is_opt(a, "h") || is_opt(a, "help")) {
            options_help(stdout);
            return 1;
        }
        if (is_opt(a, "version")) {
            printf("emu %s\n", EMU_VERSION);
            return 1;
        }
        if (is_opt(a, "snapshot")) { o->snapshot = true; continue; }
        if (is_opt(a, "no-reboot")) { o->no_reboot = true; continue; }
        if (is_opt(a, "nographic")) { o->display = DISPLAY_NONE; continue; }

        const char *name = a[0] == '-' ? a + (a[1] == '-' ? 2 : 1) : NULL;
        bool takes_value = false;
        for (size_t k = 0; name && k < ARRAY_SIZE(value_opts); k++)
            if (strcmp(name, value_opts[k]) == 0)
                takes_value = true;
        if (!takes_value) {
            emu_error("usage", "unknown option '%s' (see emu --help)", a);
            return 2;
        }
        if (i + 1 >= argc) {
            emu_error("usage", "option '%s' needs a value", a);
            return 2;
        }
        const char *v = argv[++i];
        unsigned long n;
        if (!strcmp(name, "m")) {
            /* QEMU accepts a trailing M; so do we. */
            char buf[32];
            snprintf(buf, sizeof buf, "%s", v);
            size_t len = strlen(buf);
            if (len && (buf[len - 1] == 'M' || buf[len - 1] == 'm'))
                buf[len - 1] = 0;
            if (!parse_uint(buf, 3584, &n) || n < 1) {
                emu_error("-m", "bad memory size '%s' (MiB, 1 to 3584)", v);
                return 2;
            }
            o->ram_mb = (uint32_t)n;
        } else if (!strcmp(name, "fda")) o->fda = v;
        else if (!strcmp(name, "fdb")) o->fdb = v;
        else if (!strcmp(name, "hda")) o->hda = v;
        else if (!strcmp(name, "hdb")) o->hdb = v;
        else if (!strcmp(name, "cdrom")) o->cdrom = v;
        else if (!strcmp(name, "boot")) {
            const char *order = v;
            if (!strncmp(order, "order=", 6))
                order += 6;
            if (!*order || strspn(order, "acd") != strlen(order)) {
                emu_error("-boot", "bad boot order '%s' (letters a, c, d)", v);
                return 2;
            }
            o->boot = order;
        } else if (!strcmp(name, "kernel")) o->kernel = v;
        else if (!strcmp(name, "initrd")) o->initrd = v;
        else if (!strcmp(name, "append")) o->append = v;
        else if (!strcmp(name, "bios")) o->bios = v;
        else if (!strcmp(name, "serial")) o->serial = v;
        else if (!strcmp(name, "debugcon")) o->debugcon = v;
        else if (!strcmp(name, "monitor")) o->monitor = v;
        else if (!strcmp(name, "display")) {
            if (!strcmp(v, "sdl")) o->display = DISPLAY_SDL;
            else if (!strcmp(v, "none")) o->display = DISPLAY_NONE;
            else {
                emu_error("-display", "unknown display '%s' (sdl or none)", v);
                return 2;
            }
        } else if (!strcmp(name, "accel")) {
            if (!strcmp(v, "interp")) o->accel = ACCEL_INTERP;
            else if (!strcmp(v, "jit")) o->accel = ACCEL_JIT;
            else if (!strcmp(v, "lockstep")) o->accel = ACCEL_LOCKSTEP;
            else {
                emu_error("-accel", "unknown engine '%s' (jit, interp, lockstep)", v);
                return 2;
            }
        } else if (!strcmp(name, "d")) {
            int rc = options_parse_log(v, &o->log_mask);
            if (rc)
                return rc < 0 ? 2 : 1;
        } else if (!strcmp(name, "D")) o->log_file = v;
        else if (!strcmp(name, "nic")) o->nic = v;
        else if (!strcmp(name, "loadvm")) o->loadvm = v;
        else if (!strcmp(name, "timeout")) {
            char *end;
            errno = 0;
            double t = strtod(v, &end);
            if (errno || end == v || *end || !(t > 0) || t > 1e7) {
                emu_error("--timeout", "bad number of seconds '%s'", v);
                return 2;
            }
            o->timeout_s = t;
        } else if (!strcmp(name, "expect-screen") || !strcmp(name, "expect-serial")) {
            bool screen = name[7] == 's' && name[8] == 'c';
            int *count = screen ? &o->n_expect_screen : &o->n_expect_serial;
            const char **list = screen ? o->expect_screen : o->expect_serial;
            if (*count == MAX_EXPECTS) {
                emu_error(a, "at most %d of these", MAX_EXPECTS);
                return 2;
            }
            if (!*v) {
                emu_error(a, "empty text");
                return 2;
            }
            list[(*count)++] = v;
        } else if (!strcmp(name, "screen-dump")) o->screen_dump = v;
        else if (!strcmp(name, "script")) o->script = v;
    }
    return 0;
}
