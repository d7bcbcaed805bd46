/*
 * ui/loop.c - the main loop.
 *
 * The loop alternates between a CPU slice (a bounded number of guest
 * instructions), firing the timers that are due on the virtual clock, and,
 * every few milliseconds of host time, the host side: serial input, the SDL
 * window, the keyboard queue fed by the script, the --expect-* checks and the
 * --timeout. When the guest halts, the loop sleeps on the host until the next
 * timer deadline: pacing the host is the UI's business, never a device's.
 *
 * Requests from the guest (reset through the 8042 or port 92h, a triple
 * fault, a write to the exit port 0xf4) reach the loop through the Machine
 * and end the current slice early.
 */
#include "ui/loop.h"

#include <errno.h>
#include <signal.h>
#include <time.h>

#include "cpu/sensitive.h"
#include "hw/kbc.h"
#include "hw/pc.h"
#include "hw/vga.h"
#include "translator/jit.h"
#include "ui/demo.h"
#include "ui/hostchar.h"
#include "ui/keymap.h"
#include "ui/screendump.h"
#include "ui/script.h"
#include "ui/sdl.h"

#define SLICE_INSNS      50000
#define HOST_POLL_NS     (5 * 1000 * 1000ull)
#define SCREEN_POLL_NS   (50 * 1000 * 1000ull)
#define SDL_FRAME_NS     (16 * 1000 * 1000ull)
#define MAX_IDLE_NS      (10 * 1000 * 1000ull)
#define KEY_GAP_NS       (12 * 1000 * 1000ull)   /* guest time between key events */
#define SCREEN_TEXT_MAX  (132 * 60 * 4 + 256)

typedef struct KeyEvent {
    uint16_t code;
    bool down;
} KeyEvent;

typedef struct Session {
    const EmuOptions *o;
    Pc *pc;
    Jit *jit;                     /* -accel jit/lockstep; NULL: the interpreter */
    SdlUi *sdl;
    InputSink input;
    HostChar *serial[2];
    HostChar *debugcon;
    TextLog serial_log;
    BlockBackend *blk[5];         /* fda, fdb, hda, hdb, cdrom */
    Script *script;
    int sc_pc;
    uint64_t sc_started_ns;      /* host time the current command began */
    bool sc_keys_queued;         /* type/key: its events are in the queue */
    KeyEvent *keys;
    int nkeys, key_head, key_cap;
    uint64_t last_key_ns;        /* guest time of the last key event */
    bool *screen_seen, *serial_seen;
    uint64_t host_start_ns;
    VgaText text;
    char *screen_buf;
} Session;

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
    got_signal = sig;
}

static uint64_t host_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* ---- the screen -------------------------------------------------------------- */

/* Current text screen as UTF-8 in s->screen_buf ("" in graphics modes). */
static const char *screen_text(Session *s)
{
    if (vga_get_text(s->pc->vga, &s->text))
        screendump_text_string(&s->text, s->screen_buf, SCREEN_TEXT_MAX);
    else
        snprintf(s->screen_buf, SCREEN_TEXT_MAX, "(the display is in a graphics mode)");
    return s->screen_buf;
}

static void print_screen(Session *s, FILE *f)
{
    fprintf(f, "---- screen ----\n%s\n----------------\n", screen_text(s));
}

static int dump_screen(Session *s, const char *path)
{
    size_t n = strlen(path);
    if (n >= 4 && !strcmp(path + n - 4, ".png")) {
        const uint32_t *px;
        int w, h, stride;
        vga_render(s->pc->vga, &px, &w, &h, &stride);
        if (screendump_png(px, w, h, stride, path) < 0) {
            emu_error(path, "cannot write screen dump: %s", strerror(errno));
            return -1;
        }
        return 0;
    }
    FILE *f = fopen(path, "w");
    if (!f) {
        emu_error(path, "cannot write screen dump: %s", strerror(errno));
        return -1;
    }
    if (vga_get_text(s->pc->vga, &s->text))
        screendump_text(&s->text, f);
    else
        fprintf(f, "(the display is in a graphics mode)\n");
    fclose(f);
    return 0;
}

/* ---- keyboard queue (script typing) ----------------------------------------- */

static void key_push(Session *s, uint16_t code, bool down)
{
    if (s->nkeys == s->key_cap) {
        s->key_cap = s->key_cap ? s->key_cap * 2 : 64;
        s->keys = xrealloc(s->keys, (size_t)s->key_cap * sizeof *s->keys);
    }
    s->keys[s->nkeys].code = code;
    s->keys[s->nkeys].down = down;
    s->nkeys++;
}

static bool key_queue_busy(Session *s)
{
    return s->key_head < s->nkeys;
}

/* Hand the next key event to the keyboard once it has taken the last one. */
static void key_feed(Session *s)
{
    if (!key_queue_busy(s)) {
        s->key_head = s->nkeys = 0;
        return;
    }
    uint64_t now = clock_now_ns(machine_clock(s->pc->m));
    if (!kbc_queue_empty(s->pc->kbc) || now - s->last_key_ns < KEY_GAP_NS)
        return;
    KeyEvent *e = &s->keys[s->key_head++];
    s->input.key(s->input.dev, e->code, e->down);
    s->last_key_ns = now;
}

static bool type_text(Session *s, const char *text, int line)
{
    for (const char *p = text; *p; p++) {
        uint16_t code;
        bool shift;
        if (keymap_char(*p, &code, &shift) < 0) {
            emu_error(s->script->path, "line %d: cannot type character 0x%02x",
                      line, (unsigned char)*p);
            return false;
        }
        if (shift)
            key_push(s, 0x2a, true);
        key_push(s, code, true);
        key_push(s, code, false);
        if (shift)
            key_push(s, 0x2a, false);
    }
    return true;
}

static bool press_combo(Session *s, const char *combo, int line)
{
    uint16_t codes[8];
    int n = keymap_combo(combo, codes, 8);
    if (n <= 0) {
        emu_error(s->script->path, "line %d: unknown key '%s'", line, combo);
        return false;
    }
    for (int i = 0; i < n; i++)
        key_push(s, codes[i], true);
    for (int i = n - 1; i >= 0; i--)
        key_push(s, codes[i], false);
    return true;
}

/* ---- automation ------------------------------------------------------------- */

enum { RUN_ON = -1 };

/*
 * Advance the script as far as it can go now. Returns RUN_ON or the exit
 * status the session must end with.
 */
static int script_step(Session *s, uint64_t host_now)
{
    while (s->script && s->sc_pc < s->script->n) {
        ScriptCmd *c = &s->script->cmds[s->sc_pc];
        if (!s->sc_started_ns)
            s->sc_started_ns = host_now;
        double waited = (double)(host_now - s->sc_started_ns) / 1e9;
        switch (c->op) {
        case SC_WAIT_SCREEN:
        case SC_WAIT_SERIAL: {
            bool found;
            if (c->op == SC_WAIT_SCREEN) {
                found = strstr(screen_text(s), c->text) != NULL;
            } else {
                long end = textlog_find(&s->serial_log, c->text, s->serial_log.cursor);
                found = end >= 0;
                if (found)
                    s->serial_log.cursor = (size_t)end;
            }
            if (!found) {
                if (c->seconds > 0 && waited >= c->seconds) {
                    emu_error(s->script->path, "line %d: %s '%s' timed out after %g s",
                              c->line, c->op == SC_WAIT_SCREEN ? "wait-screen" : "wait-serial",
                              c->text, c->seconds);
                    print_screen(s, stderr);
                    return 1;
                }
                return RUN_ON;
            }
            break;
        }
        case SC_TYPE:
        case SC_KEY:
            if (!s->sc_keys_queued) {
                bool ok = c->op == SC_TYPE ? type_text(s, c->text, c->line)
                                           : press_combo(s, c->text, c->line);
                if (!ok)
                    return 2;
                s->sc_keys_queued = true;
            }
            if (key_queue_busy(s))
                return RUN_ON;
            s->sc_keys_queued = false;
            break;
        case SC_SLEEP:
            if (waited < c->seconds)
                return RUN_ON;
            break;
        case SC_SCREENDUMP:
            if (dump_screen(s, c->text) < 0)
                return 2;
            break;
        case SC_SAVEVM:
        case SC_LOADVM:
            emu_error(s->script->path, "line %d: %s: VM snapshots are not available in this build yet",
                      c->line, c->op == SC_SAVEVM ? "savevm" : "loadvm");
            return 2;
        case SC_EXIT:
            return c->code;
        }
        s->sc_pc++;
        s->sc_started_ns = 0;
    }
    return RUN_ON;
}

/* Exit 0 once every --expect-* text has been seen. */
static int check_expects(Session *s)
{
    const EmuOptions *o = s->o;
    if (!o->n_expect_screen && !o->n_expect_serial)
        return RUN_ON;
    bool all = true;
    const char *screen = o->n_expect_screen ? screen_text(s) : NULL;
    for (int i = 0; i < o->n_expect_screen; i++) {
        if (!s->screen_seen[i] && strstr(screen, o->expect_screen[i]))
            s->screen_seen[i] = true;
        all = all && s->screen_seen[i];
    }
    for (int i = 0; i < o->n_expect_serial; i++) {
        if (!s->serial_seen[i] && textlog_find(&s->serial_log, o->expect_serial[i], 0) >= 0)
            s->serial_seen[i] = true;
        all = all && s->serial_seen[i];
    }
    return all ? 0 : RUN_ON;
}

/* ---- setup ------------------------------------------------------------------ */

static BlockBackend *open_disk(Session *s, const char *path, const char *what)
{
    char err[256];
    BlockBackend *b = blk_open(path, false, s->o->snapshot, err, sizeof err);
    if (!b)
        emu_error(path, "cannot open %s image: %s", what, err);
    else if (blk_size(b) == 0) {
        emu_error(path, "%s image is empty", what);
        blk_close(b);
        b = NULL;
    }
    return b;
}

static const char *unsupported_option(const EmuOptions *o)
{
    if (o->bios) return "-bios";
    if (o->monitor) return "-monitor";
    if (o->loadvm) return "-loadvm";
    if (o->nic && strcmp(o->nic, "none") != 0) return "-nic";
    return NULL;
}

static int session_setup(Session *s)
{
    const EmuOptions *o = s->o;
    const char *unsup = unsupported_option(o);
    if (unsup) {
        emu_error(unsup, "not available in this build yet");
        return 2;
    }
    if ((o->initrd || o->append) && !o->kernel) {
        emu_error(o->initrd ? "-initrd" : "-append", "only works together with -kernel");
        return 2;
    }
    if (o->script && !(s->script = script_load(o->script)))
        return 2;

    PcConfig cfg = { .ram_mb = o->ram_mb, .boot_order = o->boot, .clock_mode = CLOCK_HOST };
    cfg.kernel = o->kernel;
    cfg.initrd = o->initrd;
    cfg.append = o->append;
    const char *paths[4] = { o->fda, o->fdb, o->hda, o->hdb };
    const char *kinds[4] = { "floppy", "floppy", "hard disk", "hard disk" };
    for (int i = 0; i < 4; i++) {
        if (paths[i] && !(s->blk[i] = open_disk(s, paths[i], kinds[i])))
            return 2;
    }
    if (o->cdrom) {
        char cd_err[256];
        s->blk[4] = blk_open(o->cdrom, true, false, cd_err, sizeof cd_err);
        if (!s->blk[4]) {
            emu_error(o->cdrom, "cannot open CD-ROM image: %s", cd_err);
            return 2;
        }
        cfg.cd = s->blk[4];
    }
    if (!o->fda && !o->fdb && !o->hda && !o->hdb && !o->kernel && !o->cdrom)
        s->blk[0] = demo_disk_open();
    cfg.fd[0] = s->blk[0];
    cfg.fd[1] = s->blk[1];
    cfg.hd[0] = s->blk[2];
    cfg.hd[1] = s->blk[3];

    const char *serial_spec = o->serial ? o->serial : "null";
    if (!(s->serial[0] = hostchar_open(serial_spec, &s->serial_log)))
        return 2;
    if (!(s->serial[1] = hostchar_open("null", NULL)))
        return 2;
    if (!(s->debugcon = hostchar_open(o->debugcon ? o->debugcon : "stderr", NULL)))
        return 2;
    cfg.serial[0] = hostchar_backend(s->serial[0]);
    cfg.serial[1] = hostchar_backend(s->serial[1]);
    cfg.debugcon = hostchar_backend(s->debugcon);

    char err[256];
    s->pc = pc_create(&cfg, err, sizeof err);
    if (!s->pc) {
        if (err[0])
            emu_error("machine", "%s", err);
        return 2;
    }
    s->input = kbc_input(s->pc->kbc);
    if (o->accel != ACCEL_INTERP)
        s->jit = jit_new(s->pc->cpu, o->accel == ACCEL_LOCKSTEP);

    if (o->display != DISPLAY_NONE) {
        s->sdl = sdl_ui_new(s->pc->vga, s->input, err, sizeof err);
        if (!s->sdl && o->display == DISPLAY_SDL) {
            emu_error("-display sdl", "%s", err);
            return 2;
        }
    }
    return RUN_ON;
}

static void session_teardown(Session *s)
{
    if (s->sdl)
        sdl_ui_free(s->sdl);
    jit_free(s->jit);
    pc_free(s->pc);
    for (int i = 0; i < 5; i++)
        blk_close(s->blk[i]);
    hostchar_close(s->serial[0]);
    hostchar_close(s->serial[1]);
    hostchar_close(s->debugcon);
    textlog_free(&s->serial_log);
    script_free(s->script);
    free(s->keys);
    free(s->screen_seen);
    free(s->serial_seen);
    free(s->screen_buf);
}

static void print_stats(void)
{
    static const char *const names[] = {
#define STAT_DEF(name, text) text,
#include "stats.def"
#undef STAT_DEF
    };
    for (int i = 0; i < STAT_COUNT; i++)
        emu_log("%-40s %llu\n", names[i], (unsigned long long)emu_stats[i]);
    sens_stats_print(emu_log_file ? emu_log_file : stderr);
}

/* ---- the loop ------------------------------------------------------------------ */

/* Host side, every few milliseconds. Returns RUN_ON or an exit status. */
static int host_poll(Session *s, uint64_t host_now, uint64_t *last_screen, uint64_t *last_frame)
{
    const EmuOptions *o = s->o;
    if (got_signal) {
        emu_error("signal", "stopped by signal %d", (int)got_signal);
        return 128 + (int)got_signal;
    }
    hostchar_poll(s->serial[0]);
    if (s->sdl) {
        if (!sdl_ui_poll(s->sdl))
            return 0;                 /* window closed */
        if (host_now - *last_frame >= SDL_FRAME_NS) {
            sdl_ui_refresh(s->sdl);
            *last_frame = host_now;
        }
    }
    key_feed(s);
    if (host_now - *last_screen >= SCREEN_POLL_NS || key_queue_busy(s)) {
        *last_screen = host_now;
        int rc = script_step(s, host_now);
        if (rc != RUN_ON)
            return rc;
        rc = check_expects(s);
        if (rc != RUN_ON)
            return rc;
        if (s->script && s->sc_pc >= s->script->n && !s->sdl && !o->n_expect_screen
            && !o->n_expect_serial)
            return 0;                 /* headless script ran to its end */
    }
    if (o->timeout_s > 0 && (double)(host_now - s->host_start_ns) / 1e9 >= o->timeout_s) {
        emu_error("timeout", "%g s passed", o->timeout_s);
        if (o->n_expect_screen || o->n_expect_serial || s->script)
            print_screen(s, stderr);
        return 124;
    }
    return RUN_ON;
}

/*
 * The guest reset the machine under -no-reboot: success, unless something
 * was still being waited for (an --expect text or a script).
 */
static int no_reboot_exit(Session *s)
{
    if (check_expects(s) == 0)
        return 0;
    bool waiting = s->o->n_expect_screen || s->o->n_expect_serial ||
                   (s->script && s->sc_pc < s->script->n);
    if (!waiting)
        return 0;
    emu_error("-no-reboot", "the guest reset the machine before the expected text appeared");
    print_screen(s, stderr);
    return 1;
}

/* Sleep on the host until the next timer is due (bounded). */
static void idle(Session *s)
{
    Clock *c = machine_clock(s->pc->m);
    uint64_t now = clock_now_ns(c), next = clock_next_deadline(c);
    uint64_t wait = next > now ? next - now : 0;
    if (wait > MAX_IDLE_NS)
        wait = MAX_IDLE_NS;
    if (wait > 0) {
        struct timespec ts = { (time_t)(wait / NS_PER_SEC), (long)(wait % NS_PER_SEC) };
        nanosleep(&ts, NULL);
    }
}

/* Machine reset: the firmware is reloaded behind the bus, so every
 * translation goes too. */
static void reset(Session *s)
{
    pc_reset(s->pc);
    if (s->jit)
        jit_flush(s->jit);
}

static int run_loop(Session *s)
{
    Machine *m = s->pc->m;
    Clock *clock = machine_clock(m);
    uint64_t last_poll = 0, last_screen = 0, last_frame = 0;
    for (;;) {
        int status;
        if (machine_exit_requested(m, &status))
            return status;
        if (machine_take_reset_request(m)) {
            if (s->o->no_reboot)
                return no_reboot_exit(s);
            reset(s);
        }
        CpuExit r = s->jit ? jit_exec(s->jit, SLICE_INSNS) : cpu_exec(s->pc->cpu, SLICE_INSNS);
        if (s->jit && jit_lockstep_failed(s->jit))
            return 1;
        clock_run_timers(clock);
        if (r == CPU_EXIT_SHUTDOWN) {
            LOG(LOG_INT, "triple fault: %s\n", s->o->no_reboot ? "exiting" : "resetting");
            if (s->o->no_reboot)
                return no_reboot_exit(s);
            reset(s);
        } else if (r == CPU_EXIT_HALT) {
            idle(s);
            clock_run_timers(clock);
        }
        uint64_t host_now = host_now_ns();
        if (host_now - last_poll >= HOST_POLL_NS || r == CPU_EXIT_HALT) {
            last_poll = host_now;
            int rc = host_poll(s, host_now, &last_screen, &last_frame);
            if (rc != RUN_ON)
                return rc;
        }
    }
}

int emu_run(const EmuOptions *o)
{
    Session s;
    memset(&s, 0, sizeof s);
    s.o = o;
    s.host_start_ns = host_now_ns();
    s.screen_buf = xzalloc(SCREEN_TEXT_MAX);
    s.screen_seen = xzalloc(MAX_EXPECTS * sizeof(bool));
    s.serial_seen = xzalloc(MAX_EXPECTS * sizeof(bool));

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);

    int status = session_setup(&s);
    if (status == RUN_ON)
        status = run_loop(&s);
    if (s.pc && o->screen_dump && dump_screen(&s, o->screen_dump) < 0 && status == 0)
        status = 2;
    if (o->log_mask & LOG_STATS) {
        print_stats();
        if (s.jit)
            jit_stats_print(s.jit, emu_log_file ? emu_log_file : stderr);
    }
    session_teardown(&s);
    return status;
}
