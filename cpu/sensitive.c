/*
 * cpu/sensitive.c - classifier, counters and -d sensitive reporter for the
 * sensitive-but-unprivileged instructions.
 *
 * Why these instructions matter
 * -----------------------------
 * Popek and Goldberg's theorem: a machine can host a trap-and-emulate
 * monitor if every *sensitive* instruction (one that reads or changes the
 * machine's privileged configuration, or behaves differently depending on
 * it) is also *privileged* (traps when run outside the most privileged
 * mode). The monitor then runs the guest kernel deprivileged - ring 1 or
 * ring 3, real mode as virtual-8086 mode - and emulates whatever traps.
 * Robin and Irvine showed in 2000 that the Pentium breaks the condition
 * with a list of such instructions, and the P6 keeps them. They fall in three
 * groups, and this file explains each site in those terms:
 *
 *  - They reveal privileged state: SGDT, SIDT, SLDT, STR and SMSW store
 *    GDTR, IDTR, LDTR, TR and CR0's low word at any CPL; PUSHF shows the
 *    real IF and IOPL; MOV from CS/SS and PUSH CS/SS show the CPL in the
 *    selector's RPL. A deprivileged guest reads the monitor's values.
 *  - They act differently at another privilege level without trapping:
 *    POPF and IRET silently keep IF when CPL > IOPL and IOPL when CPL > 0,
 *    so the monitor never hears that the guest switched interrupts off;
 *    IRET enters V86 mode only at CPL 0.
 *  - They check descriptor privilege against the real CPL and RPL: LAR,
 *    LSL, VERR, VERW answer differently, POP SS, far CALL/JMP/RET and
 *    INT n take other paths (a gate that no longer changes privilege, a
 *    return that pops no outer stack) or fault where hardware would not.
 *
 * What helps: in virtual-8086 mode PUSHF, POPF, INT n and IRET (and CLI,
 * STI) trap with #GP(0) when IOPL < 3, and CR4.VME makes the 16-bit forms
 * act on VIF instead; so real-mode guests were virtualizable, protected-
 * mode kernels were not - hence binary translation (VMware, 1999) and later
 * VT-x. emu is an interpreter: it sees every instruction and needs none of
 * that, which is the point -d sensitive demonstrates.
 *
 * The reporter builds one line per site from the live state: the values
 * the instruction is about to store or check (descriptors, the stack top,
 * gates) are read with cpu_read_lin, which neither faults nor sets
 * accessed bits, so the note changes nothing the guest can see.
 *
 * Models:      the kinds of cpu/sensitive.h; the privilege rules of each
 *              (as cpu/ops_*.c and cpu/ctrl_pm.c implement them) restated
 *              for the report.
 * Not modeled: the report does not predict faults from limits, paging or
 *              stack overflow; a far transfer's description stops at the
 *              first descriptor check that fails.
 * Spec:        SDM Vol. 2 SGDT, SIDT, SLDT, STR, SMSW, PUSHF, POPF, LAR, LSL,
 *              VERR/VERW, MOV, PUSH, POP, CALL, JMP, RET, INT n, IRET;
 *              Vol. 3A 5.8 (privilege checks), 6.12.1.1, 20.2.7 (V86),
 *              20.3 (VME). J. S. Robin, C. E. Irvine, "Analysis of the Intel
 *              Pentium's Ability to Support a Secure Virtual Machine
 *              Monitor", USENIX Security 2000.
 */
#include <stdarg.h>

#include "cpu/sensitive.h"
#include "cpu/sys.h"

/* ---- counters and the site table ------------------------------------------ */

static uint64_t sens_counts[SENS_COUNT];

/* Open addressing, linear probing; a slot is free when kind == 0. */
enum { SITE_SLOTS = 4096 };
typedef struct Site {
    uint32_t lin;
    uint8_t kind;            /* SensKind + 1; 0: free */
} Site;
static Site sens_sites[SITE_SLOTS];
static unsigned sens_site_count;
static bool sens_sites_full_said;

static const char *const sens_names[SENS_COUNT] = {
    [SENS_SGDT] = "sgdt", [SENS_SIDT] = "sidt", [SENS_SLDT] = "sldt",
    [SENS_SMSW] = "smsw", [SENS_STR] = "str", [SENS_PUSHF] = "pushf",
    [SENS_POPF] = "popf", [SENS_LAR] = "lar", [SENS_LSL] = "lsl",
    [SENS_VERR] = "verr", [SENS_VERW] = "verw", [SENS_MOV_FROM_SEG] = "mov from seg",
    [SENS_PUSH_SEG] = "push cs/ss", [SENS_POP_SS] = "pop ss",
    [SENS_CALL_FAR] = "call far", [SENS_JMP_FAR] = "jmp far", [SENS_RET_FAR] = "ret far",
    [SENS_INT] = "int n", [SENS_IRET] = "iret",
};

const char *sens_name(SensKind k)
{
    return (k >= 0 && k < SENS_COUNT) ? sens_names[k] : "?";
}

SensKind sens_kind(const Insn *in)
{
    switch (in->opcode) {
    case 0x0f00:                               /* group 6 */
        switch (in->reg) {
        case 0: return SENS_SLDT;
        case 1: return SENS_STR;
        case 4: return SENS_VERR;
        case 5: return SENS_VERW;
        default: return SENS_NONE;
        }
    case 0x0f01:                               /* group 7 */
        switch (in->reg) {
        case 0: return SENS_SGDT;
        case 1: return SENS_SIDT;
        case 4: return SENS_SMSW;
        default: return SENS_NONE;
        }
    case 0x0f02: return SENS_LAR;
    case 0x0f03: return SENS_LSL;
    case 0x0e: case 0x16: return SENS_PUSH_SEG;
    case 0x17: return SENS_POP_SS;
    case 0x8c: return SENS_MOV_FROM_SEG;
    case 0x9a: return SENS_CALL_FAR;
    case 0xea: return SENS_JMP_FAR;
    case 0xff:                                 /* group 5: /3 CALL Mp, /5 JMP Mp */
        return in->reg == 3 ? SENS_CALL_FAR : in->reg == 5 ? SENS_JMP_FAR : SENS_NONE;
    case 0x9c: return SENS_PUSHF;
    case 0x9d: return SENS_POPF;
    case 0xca: case 0xcb: return SENS_RET_FAR;
    case 0xcd: return SENS_INT;
    case 0xcf: return SENS_IRET;
    default: return SENS_NONE;
    }
}

uint64_t sens_count(SensKind k)
{
    return (k >= 0 && k < SENS_COUNT) ? sens_counts[k] : 0;
}

void sens_reset(void)
{
    memset(sens_counts, 0, sizeof sens_counts);
    memset(sens_sites, 0, sizeof sens_sites);
    sens_site_count = 0;
    sens_sites_full_said = false;
}

void sens_stats_print(FILE *f)
{
    uint64_t total = 0;
    fprintf(f, "sensitive instructions by kind:\n");
    for (int k = 0; k < SENS_COUNT; k++) {
        if (!sens_counts[k])
            continue;
        fprintf(f, "  %-38s %llu\n", sens_names[k], (unsigned long long)sens_counts[k]);
        total += sens_counts[k];
    }
    fprintf(f, "  %-38s %llu\n", "total", (unsigned long long)total);
}

/* True the first time (lin, k) is seen; false when known or the table is full
 * (*full set then, unless the site was known). */
static bool site_first(uint32_t lin, SensKind k, bool *full)
{
    uint32_t h = (lin * 2654435761u) ^ ((uint32_t)k * 0x9e3779b9u);
    *full = false;
    for (unsigned i = 0; i < SITE_SLOTS; i++) {
        Site *s = &sens_sites[((h >> 20) + i) % SITE_SLOTS];
        if (s->kind == 0) {
            if (sens_site_count >= SENS_SITES_MAX) {
                *full = true;
                return false;
            }
            s->lin = lin;
            s->kind = (uint8_t)(k + 1);
            sens_site_count++;
            return true;
        }
        if (s->lin == lin && s->kind == k + 1)
            return false;
    }
    *full = true;                              /* unreachable: load stays <= 75% */
    return false;
}

/* ---- reading guest state without side effects ------------------------------ */

typedef struct Text {
    char buf[1024];
    size_t len;
} Text;

static void add(Text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(Text *t, const char *fmt, ...)
{
    if (t->len + 1 >= sizeof t->buf)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->len, sizeof t->buf - t->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        t->len += (size_t)n < sizeof t->buf - t->len ? (size_t)n : sizeof t->buf - t->len - 1;
}

static bool peek(CpuState *cpu, uint32_t lin, unsigned size, uint32_t *v)
{
    uint8_t b[4] = { 0 };
    if (cpu_read_lin(cpu, lin, b, size) < 0)
        return false;
    *v = b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
    return true;
}

/* The stack at SS:ESP + off (ESP wrapped to 16 bits for a 16-bit stack). */
static bool peek_stack(CpuState *cpu, uint32_t off, unsigned size, uint32_t *v)
{
    uint32_t esp = cpu->regs[R_ESP] + off;
    if (!stack32(cpu))
        esp &= 0xffff;
    return peek(cpu, cpu->seg[SEG_SS].base + esp, size, v);
}

/* The memory operand's linear address (no limit check: a report only). */
static uint32_t mem_lin(const CpuState *cpu, const Insn *in)
{
    return cpu->seg[in->seg].base + insn_ea(cpu, in);
}

/* A 16-bit Ew operand (a selector). */
static bool peek_Ew(CpuState *cpu, const Insn *in, uint16_t *sel)
{
    uint32_t v;
    if (in->mod == 3)
        v = cpu->regs[in->rm];
    else if (!peek(cpu, mem_lin(cpu, in), 2, &v))
        return false;
    *sel = (uint16_t)v;
    return true;
}

/* The descriptor a selector names in the GDT or LDT; false if null or
 * beyond the table (or on a page that is not present). */
static bool peek_desc(CpuState *cpu, uint16_t sel, Desc *d)
{
    uint32_t base, limit;
    if (sel & 4) {
        if (sel_null(cpu->ldtr.sel))
            return false;
        base = cpu->ldtr.base;
        limit = cpu->ldtr.limit;
    } else {
        if (sel_null(sel))
            return false;
        base = cpu->gdtr.base;
        limit = cpu->gdtr.limit;
    }
    if ((uint32_t)(sel | 7) > limit)
        return false;
    uint32_t at = base + (sel & ~7u);
    return peek(cpu, at, 4, &d->lo) && peek(cpu, at + 4, 4, &d->hi);
}

static const char *const sys_type_names[16] = {
    "reserved type 0", "16-bit TSS", "LDT", "busy 16-bit TSS", "16-bit call gate",
    "task gate", "16-bit interrupt gate", "16-bit trap gate", "reserved type 8",
    "32-bit TSS", "reserved type 10", "busy 32-bit TSS", "32-bit call gate",
    "reserved type 13", "32-bit interrupt gate", "32-bit trap gate",
};

static const char *desc_kind(const Desc *d)
{
    if (!desc_is_seg(d))
        return sys_type_names[desc_type(d)];
    static const char *const data[4] = {
        "read-only data", "writable data", "read-only expand-down data",
        "writable expand-down data",
    };
    static const char *const code[4] = {
        "execute-only code", "readable code", "conforming execute-only code",
        "conforming readable code",
    };
    unsigned t = (desc_type(d) >> 1) & 3;     /* data: E W; code: C R */
    return desc_is_code(d) ? code[t] : data[t];
}

static bool conforming(const Desc *d)
{
    return desc_is_code(d) && (d->hi & 0x400);
}

static unsigned iopl_of(const CpuState *cpu)
{
    return (cpu->eflags >> 12) & 3;
}

static unsigned bit(uint32_t v, uint32_t m)
{
    return (v & m) != 0;
}

static const char *const seg_names[SEG_COUNT] = { "es", "cs", "ss", "ds", "fs", "gs" };

/* Descriptor types LAR and LSL accept besides segments (SDM Vol. 2 LAR, LSL). */
static const uint32_t lar_sys_types = (1u << SYS_TSS16) | (1u << SYS_LDT) | (1u << SYS_TSS16_BUSY) |
                                      (1u << SYS_CALL16) | (1u << SYS_TASK) | (1u << SYS_TSS32) |
                                      (1u << SYS_TSS32_BUSY) | (1u << SYS_CALL32);
static const uint32_t lsl_sys_types = (1u << SYS_TSS16) | (1u << SYS_LDT) | (1u << SYS_TSS16_BUSY) |
                                      (1u << SYS_TSS32) | (1u << SYS_TSS32_BUSY);

/* ---- the explanations, one per kind ------------------------------------------ */

/* SLDT, STR, LAR, LSL, VERR, VERW: #UD outside protected mode. */
static bool not_in_pm(Text *t, const CpuState *cpu, const char *what)
{
    if (prot_mode(cpu))
        return false;
    add(t, "#UD: %s is not recognized in %s mode, so nothing leaks here", what,
        v86_mode(cpu) ? "virtual-8086" : "real-address");
    return true;
}

static void explain_dtr(Text *t, const CpuState *cpu, const Insn *in, const DescTable *dt,
                        const char *reg, const char *loader)
{
    add(t, "stores %s base=%08x limit=%04x", reg, dt->base, dt->limit);
    if (in->opsize == 2)
        add(t, " (16-bit operand: base stored as %06x, top byte 0)", dt->base & 0xffffff);
    add(t, "; no trap at any CPL, in V86 or in real mode, so a deprivileged guest would read the "
        "monitor's %s, not the one it loaded with %s", reg, loader);
    if (prot_mode(cpu) && cpu->cpl == 3)
        add(t, " (and here an application learns where its kernel's table is)");
}

static void explain_sldt(Text *t, const CpuState *cpu)
{
    if (not_in_pm(t, cpu, "SLDT"))
        return;
    add(t, "stores LDTR=%04x", cpu->ldtr.sel);
    if (sel_null(cpu->ldtr.sel))
        add(t, " (null: no LDT)");
    else
        add(t, " (LDT base=%08x limit=%x)", cpu->ldtr.base, cpu->ldtr.limit);
    add(t, "; no trap at any CPL, so a deprivileged guest would see the LDT the monitor really "
        "loaded (a shadow), not necessarily the selector it gave LLDT");
}

static void explain_str(Text *t, const CpuState *cpu)
{
    if (not_in_pm(t, cpu, "STR"))
        return;
    add(t, "stores TR=%04x (TSS base=%08x limit=%x); no trap at any CPL, so a deprivileged "
        "guest would see the monitor's TSS selector, not the one it gave LTR",
        cpu->tr.sel, cpu->tr.base, cpu->tr.limit);
}

static void explain_smsw(Text *t, const CpuState *cpu, const Insn *in)
{
    uint32_t cr0 = cpu->cr[0];
    add(t, "stores MSW=%04x (PE=%u MP=%u EM=%u TS=%u ET=%u NE=%u)", cr0 & 0xffff,
        bit(cr0, CR0_PE), bit(cr0, CR0_MP), bit(cr0, CR0_EM), bit(cr0, CR0_TS),
        bit(cr0, CR0_ET), bit(cr0, CR0_NE));
    if (in->mod == 3 && in->opsize == 4)
        add(t, ", into a 32-bit register all of CR0=%08x (the SDM leaves bits 16-31 undefined)",
            cr0);
    add(t, "; no trap at any CPL or in V86 mode, although MOV from CR0 would trap (#GP(0) at "
        "CPL > 0 and in V86 mode)");
    if (real_mode(cpu))
        add(t, ": a monitor running this real-mode code in V86 mode could not hide PE=1 from it");
    else
        add(t, ": a deprivileged guest reads the real CR0 - PE=1 even where it believes it is in "
            "real mode, and TS/EM/MP as the monitor's lazy FPU switching left them");
}

/* EFLAGS with the arithmetic flags computed, leaving the lazy state as it
 * was (the translator may count on it). */
static uint32_t eflags_peek(CpuState *cpu)
{
    uint8_t lf_op = cpu->in->lf_op;
    uint32_t saved = cpu->eflags;
    uint32_t f = cpu_get_eflags(cpu);
    cpu->in->lf_op = lf_op;
    cpu->eflags = saved;
    return f;
}

static void explain_pushf(Text *t, CpuState *cpu, const Insn *in)
{
    uint32_t f = eflags_peek(cpu);
    unsigned iopl = iopl_of(cpu), cur_if = bit(f, EFLAGS_IF);
    if (real_mode(cpu)) {
        add(t, "pushes FLAGS=%04x (IF=%u IOPL=%u); real mode has no privilege levels, but a "
            "monitor runs real-mode code in V86 mode with IOPL < 3, where PUSHF traps (#GP(0)) "
            "and can be emulated", f & 0xffff, cur_if, iopl);
    } else if (v86_mode(cpu)) {
        if (iopl == 3)
            add(t, "pushes FLAGS=%04x with the real IF=%u and no trap (IOPL 3): a V86 monitor "
                "that grants IOPL 3 cannot keep a virtual IF", f & 0xffff, cur_if);
        else if ((cpu->cr[4] & CR4_VME) && in->opsize == 2)
            add(t, "CR4.VME: pushes IF=VIF=%u and IOPL=3 without a trap - the hardware shows the "
                "monitor's virtual interrupt flag, so this case is virtualized",
                bit(cpu->eflags, EFLAGS_VIF));
        else
            add(t, "#GP(0) to the V86 monitor (IOPL %u < 3%s): this case traps, so a monitor can "
                "emulate it", iopl, (cpu->cr[4] & CR4_VME) ? ", 32-bit form" : "");
    } else {
        uint32_t image = in->opsize == 2 ? f & 0xffff : f & ~(EFLAGS_VM | EFLAGS_RF);
        add(t, "pushes %s=%0*x: IF=%u IOPL=%u, with no trap at any CPL",
            in->opsize == 2 ? "FLAGS" : "EFLAGS", in->opsize * 2, image, cur_if, iopl);
        if ((unsigned)cpu->cpl > iopl)
            add(t, "; CLI/STI would #GP at CPL %d > IOPL %u, so a monitor emulates them with a "
                "virtual IF - but PUSHF shows the real IF=%u and IOPL, not the guest's virtual "
                "ones", cpu->cpl, iopl, cur_if);
        else if (cpu->cpl == 0)
            add(t, "; deprivileged to CPL 1 with IOPL 0, this kernel would read the real IF "
                "(which the monitor keeps at 1) and the monitor's IOPL, not what it set with "
                "CLI/STI/POPF");
        else
            add(t, "; CPL %d <= IOPL %u: CLI/STI work here, so IF is really the guest's - a "
                "monitor that grants this IOPL gives the guest real control of interrupts and "
                "I/O ports", cpu->cpl, iopl);
    }
}

static const char *if_intent(unsigned cur_if, unsigned new_if)
{
    if (cur_if != new_if)
        return new_if ? "enabled interrupts" : "disabled interrupts";
    return new_if ? "wanted interrupts on" : "wanted interrupts off";
}

static void explain_popf_pm(Text *t, const CpuState *cpu, uint32_t v, int w)
{
    unsigned iopl = iopl_of(cpu), cur_if = bit(cpu->eflags, EFLAGS_IF);
    unsigned new_if = bit(v, EFLAGS_IF), new_iopl = (v >> 12) & 3;
    int cpl = cpu->cpl;
    add(t, "pops %0*x ", w, v);
    if ((unsigned)cpl > iopl) {
        add(t, "(CPL %d > IOPL %u): ", cpl, iopl);
        if (new_if != cur_if)
            add(t, "the IF change (%u -> %u) is silently dropped without a trap - a monitor never "
                "learns the guest tried to %s interrupts", cur_if, new_if,
                new_if ? "enable" : "disable");
        else
            add(t, "IF stays %u as the image says; a change of IF would be dropped just as "
                "silently, without a trap", cur_if);
        if (new_iopl != iopl)
            add(t, "; the IOPL change (%u -> %u) is dropped too", iopl, new_iopl);
    } else if (cpl == 0) {
        add(t, "at CPL 0: IF becomes %u, IOPL becomes %u", new_if, new_iopl);
        if (new_if != cur_if)
            add(t, "; deprivileged (CPL 1, IOPL 0) the IF change%s would be dropped silently, "
                "without a trap - the monitor would never learn that the guest %s",
                new_iopl != iopl ? " and the IOPL change" : "", if_intent(cur_if, new_if));
        else if (new_iopl != iopl)
            add(t, "; deprivileged (CPL 1, IOPL 0) the IOPL change would be dropped silently, "
                "without a trap");
        else
            add(t, " (as before); deprivileged (CPL 1, IOPL 0) a change of either would be "
                "dropped silently, without a trap");
    } else {
        add(t, "(CPL %d <= IOPL %u): IF becomes %u", cpl, iopl, new_if);
        if (new_iopl != iopl)
            add(t, "; the IOPL change (%u -> %u) is silently dropped at CPL > 0", iopl, new_iopl);
        add(t, "; a monitor that grants this IOPL gives the guest real control of IF");
    }
}

static void explain_popf(Text *t, CpuState *cpu, const Insn *in)
{
    unsigned iopl = iopl_of(cpu);
    int w = in->opsize * 2;
    uint32_t v;
    if (!peek_stack(cpu, 0, in->opsize, &v)) {
        add(t, "pops flags from a stack that is not readable now (it will fault)");
        return;
    }
    unsigned new_if = bit(v, EFLAGS_IF);
    if (real_mode(cpu)) {
        add(t, "pops FLAGS=%04x: IF becomes %u, IOPL %u (real mode changes every flag); a "
            "monitor running this in V86 mode with IOPL < 3 gets #GP(0) and can emulate it",
            v & 0xffff, new_if, (v >> 12) & 3);
    } else if (v86_mode(cpu)) {
        if (iopl == 3)
            add(t, "pops FLAGS=%0*x: IF becomes %u, IOPL stays 3 (never changed by POPF in V86 "
                "mode), no trap: a V86 monitor that grants IOPL 3 never sees IF change", w, v,
                new_if);
        else if ((cpu->cr[4] & CR4_VME) && in->opsize == 2)
            add(t, "CR4.VME: the popped IF=%u goes to VIF while IF and IOPL stay, no trap%s",
                new_if, ((v & EFLAGS_TF) || (new_if && (cpu->eflags & EFLAGS_VIP)))
                ? " - except that this image (TF, or IF with VIP pending) raises #GP(0)" : "");
        else
            add(t, "#GP(0) to the V86 monitor (IOPL %u < 3): this case traps, so a monitor can "
                "emulate it", iopl);
    } else {
        explain_popf_pm(t, cpu, v, w);
    }
}

static void explain_probe(Text *t, CpuState *cpu, const Insn *in, SensKind k)
{
    static const char *const names[] = { "LAR", "LSL", "VERR", "VERW" };
    if (not_in_pm(t, cpu, names[k - SENS_LAR]))
        return;
    uint16_t sel;
    if (!peek_Ew(cpu, in, &sel)) {
        add(t, "selector operand not readable now (it will fault)");
        return;
    }
    Desc d;
    bool zf = false;
    add(t, "selector %04x", sel);
    if (!peek_desc(cpu, sel, &d)) {
        add(t, " (null or beyond the table)");
    } else {
        unsigned dpl = desc_dpl(&d);
        add(t, " -> %s, DPL %u%s", desc_kind(&d), dpl, desc_present(&d) ? "" : ", not present");
        bool visible = conforming(&d) || (dpl >= (unsigned)cpu->cpl && dpl >= (sel & 3u));
        bool type_ok;
        if (k == SENS_VERR)
            type_ok = desc_is_seg(&d) && (!desc_is_code(&d) || (d.hi & 0x200));
        else if (k == SENS_VERW)
            type_ok = desc_is_data(&d) && (d.hi & 0x200);
        else
            type_ok = desc_is_seg(&d) ||
                      (((k == SENS_LAR ? lar_sys_types : lsl_sys_types) >> desc_type(&d)) & 1);
        zf = visible && type_ok;
    }
    add(t, ": ZF=%u", zf);
    if (zf && k == SENS_LAR)
        add(t, ", access rights %08x", d.hi & (in->opsize == 4 ? 0x00f0ff00u : 0xff00u));
    if (zf && k == SENS_LSL)
        add(t, ", limit %08x", desc_limit(&d));
    add(t, "; DPL is compared with the real CPL %d and RPL %u without a trap: a guest kernel "
        "deprivileged to ring 1 or 3 would get ZF=0 for its own DPL-0 descriptors (or see in LAR "
        "the DPL a monitor raised), answers bare hardware never gives it", cpu->cpl, sel & 3u);
}

/* MOV r/m, Sreg and PUSH CS/SS. */
static void explain_sel_read(Text *t, const CpuState *cpu, int seg, const char *verb)
{
    uint16_t sel = cpu->seg[seg].sel;
    if (!prot_mode(cpu)) {
        add(t, "%s %s=%04x, a paragraph number with no privilege information: nothing a "
            "monitor must hide", verb, seg_names[seg], sel);
    } else if (seg == SEG_CS || seg == SEG_SS) {
        add(t, "%s %s=%04x: reveals RPL=%u, which is the CPL, without a trap", verb,
            seg_names[seg], sel, sel & 3u);
        if (cpu->cpl == 0)
            add(t, "; a guest deprivileged to ring 1/3 would read RPL 1/3 here and see it is "
                "not in ring 0");
        else
            add(t, "; a guest kernel deprivileged to ring %d would read the same and see it is "
                "not in ring 0", cpu->cpl);
    } else {
        add(t, "%s %s=%04x (RPL %u) without a trap: the selector as loaded - if a monitor "
            "rewrote the guest's selectors (RPL, shadow table index) to run it deprivileged, the "
            "guest would see the rewritten value", verb, seg_names[seg], sel, sel & 3u);
    }
}

static void explain_mov_from_seg(Text *t, const CpuState *cpu, const Insn *in)
{
    if (in->reg >= SEG_COUNT)
        add(t, "#UD: there is no segment register %u", in->reg);
    else
        explain_sel_read(t, cpu, in->reg, "reads");
}

static void explain_pop_ss(Text *t, CpuState *cpu)
{
    uint32_t v;
    if (!peek_stack(cpu, 0, 2, &v)) {
        add(t, "pops SS from a stack that is not readable now (it will fault)");
        return;
    }
    uint16_t sel = (uint16_t)v;
    int cpl = cpu->cpl;
    Desc d;
    if (!prot_mode(cpu)) {
        add(t, "pops SS=%04x (base %05x) with no checks in %s mode and blocks interrupts for one "
            "instruction: nothing a monitor must hide", sel, (unsigned)sel << 4,
            v86_mode(cpu) ? "V86" : "real");
        return;
    }
    add(t, "pops SS=%04x", sel);
    if (sel_null(sel))
        add(t, ": null, #GP(0)");
    else if (!peek_desc(cpu, sel, &d))
        add(t, ": beyond the table, #GP(%04x)", sel & 0xfffcu);
    else if ((sel & 3u) != (unsigned)cpl || desc_dpl(&d) != (unsigned)cpl)
        add(t, " (%s, DPL %u): #GP(%04x), RPL and DPL must equal CPL %d", desc_kind(&d),
            desc_dpl(&d), sel & 0xfffcu, cpl);
    else if (!desc_is_data(&d) || !(d.hi & 0x200))
        add(t, " (%s): #GP(%04x), not a writable data segment", desc_kind(&d), sel & 0xfffcu);
    else if (!desc_present(&d))
        add(t, " (%s): #SS(%04x), not present", desc_kind(&d), sel & 0xfffcu);
    else
        add(t, " (%s, DPL %u): loads it and blocks interrupts for one instruction",
            desc_kind(&d), desc_dpl(&d));
    add(t, "; RPL and DPL are checked against the real CPL, so a guest kernel deprivileged to "
        "ring 1 would fault on its own ring-0 stack selector, and a monitor that rewrites "
        "selectors and descriptors to avoid that is revealed by MOV/PUSH from SS");
}

/* ---- far transfers ----------------------------------------------------------- */

static bool far_pointer(CpuState *cpu, const Insn *in, uint16_t *sel, uint32_t *off)
{
    if (in->opcode == 0x9a || in->opcode == 0xea) {          /* Ap */
        *sel = (uint16_t)in->imm2;
        *off = in->imm;
        return true;
    }
    uint32_t lin = mem_lin(cpu, in), o, s;                    /* Mp: offset, then selector */
    if (!peek(cpu, lin, in->opsize, &o) || !peek(cpu, lin + in->opsize, 2, &s))
        return false;
    *sel = (uint16_t)s;
    *off = o;
    return true;
}

static void far_direct(Text *t, const CpuState *cpu, uint16_t sel, const Desc *d)
{
    int cpl = cpu->cpl, dpl = (int)desc_dpl(d);
    add(t, ": %s, DPL %d", desc_kind(d), dpl);
    if (!desc_is_code(d))
        add(t, ": #GP(%04x), not code", sel & 0xfffcu);
    else if (conforming(d) && dpl <= cpl)
        add(t, ": allowed, CPL stays %d and becomes CS.RPL", cpl);
    else if (conforming(d))
        add(t, ": #GP(%04x), DPL above CPL %d", sel & 0xfffcu, cpl);
    else if ((int)(sel & 3u) <= cpl && dpl == cpl)
        add(t, ": allowed at the same CPL %d", cpl);
    else
        add(t, ": #GP(%04x), needs DPL = CPL %d and RPL <= CPL", sel & 0xfffcu, cpl);
    add(t, "; DPL and RPL are checked against the real CPL: deprivileged to ring 1, a guest "
        "kernel's transfer to its own DPL-0 code would #GP (a trap the monitor must emulate), and "
        "once the monitor rewrites its descriptors the CS it reads back carries RPL 1");
}

static void far_gate(Text *t, CpuState *cpu, uint16_t sel, const Desc *g, bool call)
{
    int cpl = cpu->cpl, gdpl = (int)desc_dpl(g);
    uint16_t tsel = gate_sel(g);
    uint32_t toff = desc_type(g) == SYS_CALL32 ? gate_off(g) : gate_off(g) & 0xffff;
    Desc c;
    add(t, " (offset ignored): %s, DPL %d, to %04x:%08x", desc_kind(g), gdpl, tsel, toff);
    if (gdpl < cpl || gdpl < (int)(sel & 3u)) {
        add(t, ": #GP(%04x), gate DPL below CPL %d or RPL %u", sel & 0xfffcu, cpl, sel & 3u);
    } else if (!peek_desc(cpu, tsel, &c) || !desc_is_code(&c)) {
        add(t, ": the gate's target is not code, #GP(%04x)", tsel & 0xfffcu);
    } else {
        int tdpl = (int)desc_dpl(&c);
        if (tdpl > cpl)
            add(t, ": #GP(%04x), target DPL %d above CPL %d", tsel & 0xfffcu, tdpl, cpl);
        else if (call && !conforming(&c) && tdpl < cpl)
            add(t, ": CPL %d -> %d, stack switch to TSS.SS%d:ESP%d, %u parameter(s) copied",
                cpl, tdpl, tdpl, tdpl, gate_params(g));
        else if (!call && !conforming(&c) && tdpl != cpl)
            add(t, ": #GP(%04x), a JMP through a gate cannot change privilege", tsel & 0xfffcu);
        else
            add(t, ": same privilege, CPL %d", cpl);
    }
    add(t, "; gate and target DPLs are compared with the real CPL: with a guest kernel "
        "deprivileged to ring 3 beside its applications, their calls through its gates stay at "
        "CPL 3 - no stack switch, no SS:ESP or parameters copied, so the kernel finds another "
        "frame and is no longer protected from them - and nothing traps");
}

static void far_task(Text *t, const CpuState *cpu, uint16_t sel, const Desc *d)
{
    int cpl = cpu->cpl, dpl = (int)desc_dpl(d);
    add(t, ": %s, DPL %d", desc_kind(d), dpl);
    if (dpl < cpl || dpl < (int)(sel & 3u))
        add(t, ": #GP(%04x), DPL below CPL %d or RPL %u", sel & 0xfffcu, cpl, sel & 3u);
    else if (desc_type(d) == SYS_TASK)
        add(t, ": task switch to TSS %04x", gate_sel(d));
    else
        add(t, ": task switch");
    add(t, "; the DPL check uses the real CPL, and the switch reads and writes the real TSSs and "
        "the busy bits in the real GDT without a trap: a monitor would have to shadow them all");
}

static void explain_far(Text *t, CpuState *cpu, const Insn *in, bool call)
{
    uint16_t sel;
    uint32_t off;
    Desc d;
    if (!far_pointer(cpu, in, &sel, &off)) {
        add(t, "far pointer not readable now (it will fault)");
        return;
    }
    if (!prot_mode(cpu)) {
        add(t, "to %04x:%04x: a far transfer with no privilege checks in %s mode: nothing a "
            "monitor must hide", sel, off, v86_mode(cpu) ? "V86" : "real");
        return;
    }
    add(t, "to %04x:%08x", sel, off);
    if (sel_null(sel)) {
        add(t, ": null selector, #GP(0)");
        return;
    }
    if (!peek_desc(cpu, sel, &d)) {
        add(t, ": beyond the table, #GP(%04x)", sel & 0xfffcu);
        return;
    }
    unsigned type = desc_type(&d);
    if (desc_is_seg(&d))
        far_direct(t, cpu, sel, &d);
    else if (type == SYS_CALL16 || type == SYS_CALL32)
        far_gate(t, cpu, sel, &d, call);
    else if (type == SYS_TASK || type == SYS_TSS16 || type == SYS_TSS32)
        far_task(t, cpu, sel, &d);
    else
        add(t, ": %s, #GP(%04x)", desc_kind(&d), sel & 0xfffcu);
}

static void explain_retf(Text *t, CpuState *cpu, const Insn *in)
{
    unsigned sz = in->opsize;
    uint32_t extra = in->opcode == 0xca ? (in->imm & 0xffff) : 0;
    uint32_t eip, cs, esp, ss;
    int cpl = cpu->cpl;
    if (!peek_stack(cpu, 0, sz, &eip) || !peek_stack(cpu, sz, 2, &cs)) {
        add(t, "return address not readable now (it will fault)");
        return;
    }
    if (!prot_mode(cpu)) {
        add(t, "returns to %04x:%04x with no checks in %s mode: nothing a monitor must hide",
            cs, eip, v86_mode(cpu) ? "V86" : "real");
        return;
    }
    int rpl = (int)(cs & 3);
    if (rpl < cpl)
        add(t, "returns to %04x:%08x: #GP(%04x), RPL %d is more privileged than CPL %d", cs, eip,
            cs & 0xfffcu, rpl, cpl);
    else if (rpl == cpl)
        add(t, "returns to %04x:%08x at the same CPL %d", cs, eip, cpl);
    else if (peek_stack(cpu, 2 * sz + extra, sz, &esp) && peek_stack(cpu, 3 * sz + extra, 2, &ss))
        add(t, "returns outward from CPL %d to %d at %04x:%08x, popping SS:ESP=%04x:%08x and "
            "nulling the data segment registers CPL %d may not use", cpl, rpl, cs, eip, ss, esp,
            rpl);
    else
        add(t, "returns outward from CPL %d to %d at %04x:%08x", cpl, rpl, cs, eip);
    add(t, "; the popped RPL is compared with the real CPL: a guest kernel deprivileged to ring 3 "
        "beside its applications would return to them at the same level, popping no SS:ESP, so "
        "the application would go on with the kernel's stack; deprivileged to ring 1 it would #GP "
        "returning to its own RPL-0 code; only the second traps");
}

/* ---- INT n and IRET ---------------------------------------------------------------- */

static bool peek_gate(CpuState *cpu, unsigned vec, Desc *g)
{
    if (vec * 8 + 7 > cpu->idtr.limit)
        return false;
    uint32_t at = cpu->idtr.base + vec * 8;
    return peek(cpu, at, 4, &g->lo) && peek(cpu, at + 4, 4, &g->hi);
}

static void explain_int_v86(Text *t, CpuState *cpu, unsigned vec)
{
    unsigned iopl = iopl_of(cpu);
    uint32_t iomap, byte, ivt;
    /* SDM Vol. 3A 20.3.3: with VME, a clear bit in the redirection bitmap
     * (32 bytes below the I/O map base) sends INT n to the 8086 IVT */
    if ((cpu->cr[4] & CR4_VME) && peek(cpu, cpu->tr.base + 0x66, 2, &iomap) &&
        peek(cpu, cpu->tr.base + iomap - 32 + vec / 8, 1, &byte) && !((byte >> (vec & 7)) & 1) &&
        peek(cpu, 4 * vec, 4, &ivt)) {
        add(t, "CR4.VME, redirection bit clear: to the 8086 handler %04x:%04x in V86 mode with no "
            "trap - virtualized by the hardware", ivt >> 16, ivt & 0xffff);
    } else if (iopl == 3) {
        Desc g;
        if (peek_gate(cpu, vec, &g) && desc_dpl(&g) < 3)
            add(t, "IOPL 3, but IDT gate %02x has DPL %u: #GP(%04x) to the V86 monitor", vec,
                desc_dpl(&g), vec * 8 + 2);
        else
            add(t, "IOPL 3: through IDT gate %02x (DPL 3) straight to its ring-0 handler, no "
                "#GP: the monitor's handler for this vector must tell V86 callers apart", vec);
    } else {
        add(t, "#GP(0) to the V86 monitor (IOPL %u < 3): this traps, so a monitor can emulate it",
            iopl);
    }
}

static void explain_int_pm(Text *t, CpuState *cpu, unsigned vec)
{
    int cpl = cpu->cpl;
    unsigned err = vec * 8 + 2;                /* IDT bit set (SDM Vol. 3A 6.13) */
    Desc g, c;
    bool task = false;
    add(t, "vector %02x", vec);
    if (!peek_gate(cpu, vec, &g)) {
        add(t, ": beyond the IDT limit, #GP(%04x)", err);
    } else {
        unsigned type = desc_type(&g), gdpl = desc_dpl(&g);
        bool gate = !desc_is_seg(&g) && (type == SYS_TASK || (type & 6) == 6);
        uint16_t tsel = gate_sel(&g);
        if (!gate)
            add(t, ": %s in the IDT, #GP(%04x)", desc_kind(&g), err);
        else if ((int)gdpl < cpl)
            add(t, ": %s DPL %u < CPL %d, #GP(%04x)", desc_kind(&g), gdpl, cpl, err);
        else if (!desc_present(&g))
            add(t, ": %s not present, #NP(%04x)", desc_kind(&g), err);
        else if ((task = type == SYS_TASK))
            add(t, ": task gate DPL %u, task switch to TSS %04x", gdpl, tsel);
        else {
            add(t, ": %s DPL %u to %04x:%08x", desc_kind(&g), gdpl, tsel,
                (type & 8) ? gate_off(&g) : gate_off(&g) & 0xffff);
            if (peek_desc(cpu, tsel, &c) && desc_is_code(&c) && (int)desc_dpl(&c) <= cpl) {
                int to = conforming(&c) ? cpl : (int)desc_dpl(&c);
                add(t, ", handler at CPL %d%s", to, to < cpl ? " on the TSS stack" : "");
            }
        }
    }
    if (task) {
        add(t, "; the gate DPL is checked against the real CPL, and the switch saves the real "
            "EFLAGS (IF=%u, IOPL %u) and segment selectors into the old TSS without a trap",
            bit(cpu->eflags, EFLAGS_IF), iopl_of(cpu));
        return;
    }
    add(t, "; the gate DPL is checked against the real CPL, and the frame holds the real CS "
        "(RPL %d) and EFLAGS (IF=%u, IOPL %u): a guest kernel deprivileged to ring 1 would #GP on "
        "its own DPL-0 gates, and its handlers would find RPL 1 in the saved CS where they expect "
        "0 for a kernel caller, with no trap to let a monitor fix the frame", cpl,
        bit(cpu->eflags, EFLAGS_IF), iopl_of(cpu));
}

static void explain_int(Text *t, CpuState *cpu, const Insn *in)
{
    unsigned vec = in->imm & 0xff;
    uint32_t ivt;
    if (real_mode(cpu)) {
        if (peek(cpu, cpu->idtr.base + 4 * vec, 4, &ivt))
            add(t, "through the IVT to %04x:%04x; ", ivt >> 16, ivt & 0xffff);
        add(t, "real mode has no checks, and a monitor running this code in V86 mode with IOPL < 3 "
            "gets #GP(0) and can emulate it");
    } else if (v86_mode(cpu)) {
        explain_int_v86(t, cpu, vec);
    } else {
        explain_int_pm(t, cpu, vec);
    }
}

static void explain_iret_pm(Text *t, CpuState *cpu, unsigned sz, uint32_t eip, uint32_t cs,
                            uint32_t fl)
{
    int cpl = cpu->cpl, rpl = (int)(cs & 3);
    unsigned iopl = iopl_of(cpu);
    if (sz == 4 && (fl & EFLAGS_VM) && cpl == 0) {
        add(t, "returns to virtual-8086 mode at %04x:%04x (IOPL %u, IF=%u); only an IRET at CPL 0 "
            "does that: deprivileged, this IRET would ignore VM=1 and take %04x for a "
            "protected-mode code selector (a #GP at best), never entering V86 mode", cs,
            eip & 0xffff, (fl >> 12) & 3, bit(fl, EFLAGS_IF), cs);
        return;
    }
    uint32_t esp, ss;
    if (rpl < cpl) {
        add(t, "returns to %04x:%08x: #GP(%04x), RPL %d below CPL %d", cs, eip, cs & 0xfffcu,
            rpl, cpl);
    } else {
        if (rpl == cpl)
            add(t, "returns to %04x:%08x at the same CPL %d", cs, eip, cpl);
        else if (peek_stack(cpu, 3 * sz, sz, &esp) && peek_stack(cpu, 4 * sz, 2, &ss))
            add(t, "returns outward from CPL %d to %d at %04x:%08x, popping SS:ESP=%04x:%08x",
                cpl, rpl, cs, eip, ss, esp);
        else
            add(t, "returns outward from CPL %d to %d at %04x:%08x", cpl, rpl, cs, eip);
        add(t, "; image %0*x: ", (int)sz * 2, fl);
        if ((unsigned)cpl <= iopl)
            add(t, "IF becomes %u", bit(fl, EFLAGS_IF));
        else
            add(t, "IF stays %u silently (CPL %d > IOPL %u)", bit(cpu->eflags, EFLAGS_IF), cpl,
                iopl);
        if (cpl == 0)
            add(t, ", IOPL becomes %u", (fl >> 12) & 3);
        else
            add(t, ", IOPL stays %u silently", iopl);
        if (sz == 4 && (fl & EFLAGS_VM))
            add(t, ", VM=1 ignored (only CPL 0 enters V86 mode)");
    }
    if (cpl == 0)
        add(t, "; deprivileged (CPL 1, IOPL 0) the IF and IOPL of the image would be dropped "
            "without a trap, so a monitor would not see that on return the guest %s",
            if_intent(bit(cpu->eflags, EFLAGS_IF), bit(fl, EFLAGS_IF)));
    else
        add(t, "; the dropped bits raise no trap, so a monitor running a kernel here would not see "
            "it change IF or IOPL");
}

static void explain_iret(Text *t, CpuState *cpu, const Insn *in)
{
    unsigned sz = in->opsize, iopl = iopl_of(cpu);
    uint32_t eip, cs, fl, link;
    if (prot_mode(cpu) && (cpu->eflags & EFLAGS_NT)) {
        if (!peek(cpu, cpu->tr.base, 2, &link))
            link = 0;
        add(t, "NT=1: a task return to the TSS in the back link (%04x), at any CPL; a monitor sees "
            "no trap and would have to shadow the TSS chain", link);
        return;
    }
    if (!peek_stack(cpu, 0, sz, &eip) || !peek_stack(cpu, sz, 2, &cs) ||
        !peek_stack(cpu, 2 * sz, sz, &fl)) {
        add(t, "return frame not readable now (it will fault)");
        return;
    }
    if (real_mode(cpu))
        add(t, "returns to %04x:%04x with FLAGS=%04x (IF=%u): real mode has no checks, and a "
            "monitor running this code in V86 mode with IOPL < 3 gets #GP(0) and can emulate it",
            cs, eip & 0xffff, fl & 0xffff, bit(fl, EFLAGS_IF));
    else if (v86_mode(cpu) && iopl == 3)
        add(t, "returns to %04x:%04x within V86 mode: IF becomes %u, IOPL stays 3, no trap", cs,
            eip & 0xffff, bit(fl, EFLAGS_IF));
    else if (v86_mode(cpu) && (cpu->cr[4] & CR4_VME) && sz == 2)
        add(t, "CR4.VME: returns to %04x:%04x with the popped IF=%u going to VIF, no trap", cs,
            eip, bit(fl, EFLAGS_IF));
    else if (v86_mode(cpu))
        add(t, "#GP(0) to the V86 monitor (IOPL %u < 3): this traps, so a monitor can emulate it",
            iopl);
    else
        explain_iret_pm(t, cpu, sz, eip, cs, fl);
}

/* ---- the entry point ------------------------------------------------------------- */

static void explain(Text *t, CpuState *cpu, const Insn *in, SensKind k)
{
    switch (k) {
    case SENS_SGDT: explain_dtr(t, cpu, in, &cpu->gdtr, "GDTR", "LGDT"); break;
    case SENS_SIDT: explain_dtr(t, cpu, in, &cpu->idtr, "IDTR", "LIDT"); break;
    case SENS_SLDT: explain_sldt(t, cpu); break;
    case SENS_STR: explain_str(t, cpu); break;
    case SENS_SMSW: explain_smsw(t, cpu, in); break;
    case SENS_PUSHF: explain_pushf(t, cpu, in); break;
    case SENS_POPF: explain_popf(t, cpu, in); break;
    case SENS_LAR: case SENS_LSL: case SENS_VERR: case SENS_VERW:
        explain_probe(t, cpu, in, k);
        break;
    case SENS_MOV_FROM_SEG: explain_mov_from_seg(t, cpu, in); break;
    case SENS_PUSH_SEG:
        explain_sel_read(t, cpu, in->opcode == 0x0e ? SEG_CS : SEG_SS, "pushes");
        break;
    case SENS_POP_SS: explain_pop_ss(t, cpu); break;
    case SENS_CALL_FAR: explain_far(t, cpu, in, true); break;
    case SENS_JMP_FAR: explain_far(t, cpu, in, false); break;
    case SENS_RET_FAR: explain_retf(t, cpu, in); break;
    case SENS_INT: explain_int(t, cpu, in); break;
    case SENS_IRET: explain_iret(t, cpu, in); break;
    default: break;
    }
}

/* "sensitive: CS:EIP text (mode): " */
static void explain_site(Text *t, CpuState *cpu, const Insn *in, SensKind k, uint32_t lin)
{
    char text[96];
    if (cpu_disasm(cpu, lin, text, sizeof text) <= 0)
        snprintf(text, sizeof text, "%s", sens_name(k));
    size_t n = strlen(text);
    while (n > 0 && text[n - 1] == ' ')
        text[--n] = '\0';
    uint16_t cs = cpu->seg[SEG_CS].sel;
    if (real_mode(cpu))
        add(t, "sensitive: %04x:%04x %s (real mode): ", cs, in->eip, text);
    else if (v86_mode(cpu))
        add(t, "sensitive: %04x:%04x %s (V86, IOPL %u): ", cs, in->eip, text, iopl_of(cpu));
    else
        add(t, "sensitive: %04x:%08x %s (CPL %d): ", cs, in->eip, text, cpu->cpl);
}

void sens_note(CpuState *cpu, const Insn *in)
{
    SensKind k = sens_kind(in);
    if (k == SENS_NONE)
        return;
    sens_counts[k]++;
    if (!(emu_log_mask & LOG_SENSITIVE))
        return;
    uint32_t lin = cpu->seg[SEG_CS].base + in->eip;
    bool full;
    if (!site_first(lin, k, &full)) {
        if (full && !sens_sites_full_said) {
            sens_sites_full_said = true;
            emu_log("sensitive: further sites not listed (%d listed; -d stats still counts "
                    "every execution)\n", SENS_SITES_MAX);
        }
        return;
    }
    Text t;
    t.len = 0;
    t.buf[0] = '\0';
    explain_site(&t, cpu, in, k, lin);
    explain(&t, cpu, in, k);
    emu_log("%s\n", t.buf);
}
