/*
 * cpu/sensitive.h - the sensitive-but-unprivileged instructions: which ones
 * they are, how often they ran, and what each site would have told a guest
 * that a trap-and-emulate monitor runs deprivileged.
 *
 * Models:      the instructions of DESIGN.md section 4 (Robin & Irvine's
 *              list for the Pentium, minus the privileged ones): they read
 *              or depend on privileged state but do not trap at CPL > 0, so
 *              a classic monitor cannot see them (Popek & Goldberg's
 *              condition fails). A classifier over decoded instructions,
 *              one counter per kind, and the -d sensitive reporter: one
 *              line per site, written from the live CPU state.
 * Not modeled: INT3 and INTO (they check the gate DPL too, but the opcode map
 *              does not flag them); MOV to/POP into DS/ES/FS/GS (their DPL
 *              checks fault, so a monitor does see them); UMIP (later CPUs).
 * Spec:        SDM Vol. 2 (each instruction's Operation section), Vol. 3A
 *              5 (protection), 6.12 (interrupt gates), 20 (virtual-8086).
 *
 * The interpreter calls sens_note() for every instruction whose opcode-map
 * row has OPF_SENSITIVE, before its semantics run; the translator calls it
 * from the block for the same instructions. Counters are plain globals: emu
 * has one CPU.
 */
#ifndef CPU_SENSITIVE_H
#define CPU_SENSITIVE_H

#include "cpu/insn.h"

typedef enum SensKind {
    SENS_SGDT, SENS_SIDT, SENS_SLDT, SENS_SMSW, SENS_STR, SENS_PUSHF, SENS_POPF,
    SENS_LAR, SENS_LSL, SENS_VERR, SENS_VERW, SENS_MOV_FROM_SEG,
    SENS_PUSH_SEG /* PUSH CS, PUSH SS */,
    SENS_POP_SS, SENS_CALL_FAR, SENS_JMP_FAR, SENS_RET_FAR, SENS_INT, SENS_IRET,
    SENS_COUNT, SENS_NONE = -1
} SensKind;

/* Sites -d sensitive lists before it prints "further sites not listed". */
enum { SENS_SITES_MAX = 3072 };

/* Classify a decoded instruction by opcode and ModRM.reg; SENS_NONE if it is
 * not one of the kinds above. Agrees with OPF_SENSITIVE in cpu/opmap.c. */
SensKind sens_kind(const Insn *in);

/* Short name of a kind: "sgdt", "pushf", "mov from seg" ...; "?" if none. */
const char *sens_name(SensKind k);

/*
 * Count one execution of 'in' (nothing happens if it is not sensitive).
 * Call it before the instruction's semantics, with the CPU state as at the
 * start of the instruction: registers, flags and segments unchanged. The
 * site is CS.base + in->eip, so cpu->eip may already point past it. Under
 * LOG_SENSITIVE (-d sensitive) the first execution of each site (linear
 * address and kind) prints one line: what the guest sees here and what a
 * trap-and-emulate monitor running this guest deprivileged would have got
 * wrong. After SENS_SITES_MAX sites one "further sites not listed" line
 * follows and the rest are only counted. Never raises a guest exception
 * and changes no guest state: it only peeks at memory (cpu_read_lin).
 */
void sens_note(CpuState *cpu, const Insn *in);

/* Executions of kind k counted since start or the last sens_reset(). */
uint64_t sens_count(SensKind k);

/* Zero the counters and forget the sites already listed. */
void sens_reset(void);

/* The "sensitive instructions by kind" table for -d stats: a heading, one
 * line per kind that ran, then the total (printed even when it is 0). */
void sens_stats_print(FILE *f);

#endif
