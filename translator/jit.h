/*
 * translator/jit.h - the dynamic binary translator's public API.
 *
 * The translator runs a CpuState like cpu_exec() does - same budget, same
 * exit reasons, same architectural results - by turning guest basic blocks
 * into x86-64 host code (translator/codegen.c) kept in a code cache
 * (translator/cache.c) and entered from a run loop (translator/run.c).
 * The lockstep engine (translator/lockstep.c) runs every block twice, once
 * translated and once interpreted, and stops at the first difference.
 * docs/architecture.md has the map; the essay at the top of
 * translator/codegen.c explains the code generation.
 */
#ifndef TRANSLATOR_JIT_H
#define TRANSLATOR_JIT_H

#include "cpu/cpu.h"

typedef struct Jit Jit;

/* Attach a translator to a CPU (one per CPU). lockstep: check every block
 * against the interpreter. */
Jit *jit_new(CpuState *cpu, bool lockstep);
void jit_free(Jit *j);

/* Like cpu_exec(): run up to 'budget' instructions. */
CpuExit jit_exec(Jit *j, int64_t budget);

/* Drop every translation (the next blocks are translated afresh). */
void jit_flush(Jit *j);

/* Lockstep found a difference: the report went to stderr; the caller
 * stops the machine with exit status 1. */
bool jit_lockstep_failed(const Jit *j);

/* "-d stats" / "info jit": blocks, host bytes, chains, helpers, flushes,
 * SMC invalidations, sensitive instructions by kind. */
void jit_stats_print(const Jit *j, FILE *f);

#endif
