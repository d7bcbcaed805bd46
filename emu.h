/*
 * emu.h - the few basics every module shares: fixed-width types, allocation
 * that never returns NULL, one-line errors and debug logging.
 *
 * Keep this small: anything that belongs to one module lives in that
 * module's header.
 */
#ifndef EMU_H
#define EMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation: out of memory is fatal (one error line, exit status 2). */
void *xzalloc(size_t size);
void *xrealloc(void *p, size_t size);
char *xstrdup(const char *s);

/* Print "emu: CONTEXT: WHAT" on stderr. */
void emu_error(const char *context, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Same, then exit(status). */
_Noreturn void emu_fatal(int status, const char *context, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Debug log channels, enabled by -d ITEMS and written to the -D file
 * (stderr by default). LOG() costs one test when the channel is off.
 */
enum {
    LOG_IN_ASM  = 1u << 0,   /* guest code as it is executed/translated */
    LOG_INT     = 1u << 1,   /* interrupts and exceptions */
    LOG_CPU     = 1u << 2,   /* register state before each block/insn */
    LOG_UNIMP   = 1u << 3,   /* unclaimed ports, unimplemented features */
    LOG_OUT_ASM = 1u << 4,   /* host code from the translator */
    LOG_EXEC    = 1u << 5,   /* blocks executed */
    LOG_STATS   = 1u << 6,   /* statistics at exit */
    LOG_SENSITIVE = 1u << 7, /* sensitive instruction sites */
    LOG_BIOS    = 1u << 8,   /* BIOS service calls */
    LOG_GUEST_ERRORS = 1u << 9, /* guest did something odd but legal */
    LOG_IDE     = 1u << 10,  /* IDE register accesses and commands */
};
extern unsigned emu_log_mask;
extern FILE *emu_log_file;
void emu_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define LOG(chan, ...) \
    do { if (emu_log_mask & (chan)) emu_log(__VA_ARGS__); } while (0)

/* Statistics counters: one X-macro list in stats.def. */
enum {
#define STAT_DEF(name, text) STAT_##name,
#include "stats.def"
#undef STAT_DEF
    STAT_COUNT
};
extern uint64_t emu_stats[STAT_COUNT];
#define STAT(name) (emu_stats[STAT_##name]++)

#endif
