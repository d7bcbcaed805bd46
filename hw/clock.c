/*
 * hw/clock.c - virtual clock and timer queue (see clock.h).
 *
 * The queue is a singly linked list sorted by deadline: a PC has a few dozen
 * timers at most and the head is all the main loop looks at.
 */
#include "hw/clock.h"

#include <time.h>

struct Clock {
    ClockMode mode;
    uint64_t manual_ns;        /* CLOCK_MANUAL: current time */
    int64_t host_offset_ns;    /* CLOCK_HOST: guest = host + offset */
    bool paused;
    uint64_t paused_at_ns;
    uint64_t last_ns;          /* monotonic guard */
    uint64_t (*source)(void *);
    void *source_opaque;
    Timer *head;
};

static uint64_t host_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

Clock *clock_new(ClockMode mode)
{
    Clock *c = xzalloc(sizeof *c);
    c->mode = mode;
    if (mode == CLOCK_HOST)
        c->host_offset_ns = -(int64_t)host_ns();
    return c;
}

void clock_free(Clock *c)
{
    free(c);
}

ClockMode clock_mode(Clock *c)
{
    return c->mode;
}

uint64_t clock_now_ns(Clock *c)
{
    uint64_t t;
    switch (c->mode) {
    case CLOCK_HOST:
        t = c->paused ? c->paused_at_ns : (uint64_t)((int64_t)host_ns() + c->host_offset_ns);
        break;
    case CLOCK_ICOUNT:
        t = c->source ? c->source(c->source_opaque) : c->manual_ns;
        break;
    default:
        t = c->manual_ns;
        break;
    }
    if (t < c->last_ns)
        t = c->last_ns;
    c->last_ns = t;
    return t;
}

void clock_step_to(Clock *c, uint64_t t_ns)
{
    /* Fire timers one deadline at a time so callbacks see their own time. */
    while (c->head && c->head->deadline_ns <= t_ns) {
        if (c->head->deadline_ns > c->manual_ns)
            c->manual_ns = c->head->deadline_ns;
        clock_run_timers(c);
    }
    if (t_ns > c->manual_ns)
        c->manual_ns = t_ns;
}

void clock_set_source(Clock *c, uint64_t (*now_ns)(void *), void *opaque)
{
    c->source = now_ns;
    c->source_opaque = opaque;
}

void clock_pause(Clock *c)
{
    if (c->mode != CLOCK_HOST || c->paused)
        return;
    c->paused_at_ns = clock_now_ns(c);
    c->paused = true;
}

void clock_resume(Clock *c)
{
    if (c->mode != CLOCK_HOST || !c->paused)
        return;
    c->host_offset_ns = (int64_t)c->paused_at_ns - (int64_t)host_ns();
    c->paused = false;
}

void clock_set_ns(Clock *c, uint64_t t_ns)
{
    c->last_ns = t_ns;
    c->manual_ns = t_ns;
    c->paused_at_ns = t_ns;
    c->host_offset_ns = (int64_t)t_ns - (int64_t)host_ns();
}

void timer_init(Timer *t, Clock *c, const char *name, void (*cb)(void *), void *opaque)
{
    memset(t, 0, sizeof *t);
    t->name = name;
    t->cb = cb;
    t->opaque = opaque;
    t->clock = c;
}

void timer_del(Timer *t)
{
    if (!t->armed)
        return;
    for (Timer **pp = &t->clock->head; *pp; pp = &(*pp)->next) {
        if (*pp == t) {
            *pp = t->next;
            break;
        }
    }
    t->armed = false;
    t->next = NULL;
}

void timer_mod(Timer *t, uint64_t deadline_ns)
{
    timer_del(t);
    Timer **pp = &t->clock->head;
    while (*pp && (*pp)->deadline_ns <= deadline_ns)
        pp = &(*pp)->next;
    t->deadline_ns = deadline_ns;
    t->next = *pp;
    *pp = t;
    t->armed = true;
}

uint64_t clock_next_deadline(Clock *c)
{
    return c->head ? c->head->deadline_ns : UINT64_MAX;
}

int clock_run_timers(Clock *c)
{
    int fired = 0;
    uint64_t now = clock_now_ns(c);
    /* Bounded: a callback that re-arms at 'now' or earlier runs again only
     * on the next call, so a buggy device cannot spin the main loop. */
    for (int guard = 0; guard < 1000 && c->head && c->head->deadline_ns <= now; guard++) {
        Timer *t = c->head;
        c->head = t->next;
        t->next = NULL;
        t->armed = false;
        t->cb(t->opaque);
        fired++;
    }
    return fired;
}
