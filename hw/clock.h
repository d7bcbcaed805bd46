/*
 * hw/clock.h - the one virtual clock and its timer queue.
 *
 * Guest time is a 64-bit count of nanoseconds. Devices never read the host
 * clock or sleep: they read clock_now_ns() and arm Timers. Where the clock
 * comes from is decided here, in one place:
 *   CLOCK_HOST    follows the host's monotonic clock while the VM runs
 *                 (frozen while paused); the default.
 *   CLOCK_MANUAL  moves only when clock_step_to() is called (unit tests).
 *   CLOCK_ICOUNT  derived from retired guest instructions through a source
 *                 callback (deterministic runs).
 * Timers fire from clock_run_timers(), called by the main loop (and the test
 * bench) between CPU slices; callbacks may re-arm themselves.
 */
#ifndef HW_CLOCK_H
#define HW_CLOCK_H

#include "emu.h"

typedef struct Clock Clock;

typedef enum ClockMode { CLOCK_HOST, CLOCK_MANUAL, CLOCK_ICOUNT } ClockMode;

typedef struct Timer {
    const char *name;
    void (*cb)(void *opaque);
    void *opaque;
    Clock *clock;
    uint64_t deadline_ns;
    bool armed;
    struct Timer *next;       /* queue link, sorted by deadline */
} Timer;

Clock *clock_new(ClockMode mode);
void clock_free(Clock *c);
ClockMode clock_mode(Clock *c);

/* Current guest time. Never goes backwards. */
uint64_t clock_now_ns(Clock *c);

/* CLOCK_MANUAL: move time forward to t, firing timers in deadline order. */
void clock_step_to(Clock *c, uint64_t t_ns);

/* CLOCK_ICOUNT: where time comes from. */
void clock_set_source(Clock *c, uint64_t (*now_ns)(void *opaque), void *opaque);

/* CLOCK_HOST: stop/restart guest time (pause, snapshot load). */
void clock_pause(Clock *c);
void clock_resume(Clock *c);
/* Set the current guest time (snapshot restore). */
void clock_set_ns(Clock *c, uint64_t t_ns);

void timer_init(Timer *t, Clock *c, const char *name, void (*cb)(void *), void *opaque);
/* Arm (or re-arm) t to fire at deadline_ns (absolute guest time). */
void timer_mod(Timer *t, uint64_t deadline_ns);
void timer_del(Timer *t);
static inline bool timer_pending(const Timer *t) { return t->armed; }

/* Earliest armed deadline, or UINT64_MAX. */
uint64_t clock_next_deadline(Clock *c);
/* Fire every timer whose deadline is <= now. Returns how many fired. */
int clock_run_timers(Clock *c);

#define NS_PER_SEC 1000000000ull

#endif
