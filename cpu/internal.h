/*
 * cpu/internal.h - state and helpers shared by the files of cpu/ only.
 *
 * Models:      the hidden per-CPU state (lazy flags, software TLB, exception
 *              unwinding), register access by operand size, and the memory
 *              access path: segment check -> linear -> TLB -> host pointer.
 *              Segment checks use bounds precomputed at load time
 *              (seg_rmax/seg_wmax); paging lives behind the TLB (two sets:
 *              supervisor and user accesses). The system architecture's
 *              private API is cpu/sys.h.
 * Not modeled: -
 * Spec:        SDM Vol. 3A 3.4 (segmentation), 4 (paging), 6 (exceptions).
 *
 * Everything here is private to cpu/. The translator will use the same
 * helpers when it calls handlers; the TLB layout is what it will inline.
 */
#ifndef CPU_INTERNAL_H
#define CPU_INTERNAL_H

#include <setjmp.h>

#include "cpu/cpu.h"
#include "cpu/insn.h"

/* Exception vectors (SDM Vol. 3A table 6-1). */
enum {
    EXC_DE = 0, EXC_DB = 1, EXC_NMI = 2, EXC_BP = 3, EXC_OF = 4, EXC_BR = 5,
    EXC_UD = 6, EXC_NM = 7, EXC_DF = 8, EXC_TS = 10, EXC_NP = 11,
    EXC_SS = 12, EXC_GP = 13, EXC_PF = 14, EXC_MF = 16, EXC_AC = 17,
};
enum { NO_ERROR_CODE = -1 };

/* Lazy flag operations (cpu/flags.c). */
/* LF_HOST: the arithmetic flags are the bits of lf_host, an RFLAGS image
 * the translator's code stored with PUSHF (translator/codegen.c). */
enum { LF_NONE, LF_ADD, LF_SUB, LF_LOGIC, LF_INC, LF_DEC, LF_HOST };

#define FLAGS_ARITH (EFLAGS_CF | EFLAGS_PF | EFLAGS_AF | EFLAGS_ZF | EFLAGS_SF | EFLAGS_OF)

/* Software TLB: direct mapped, one entry per linear page. */
#define TLB_ENTRIES 8192
enum { TLB_INVALID_TAG = 1 };      /* low bit set: never equals a page address */

typedef struct TlbEntry {
    uint32_t tag_read;       /* lin page, or TLB_INVALID_TAG */
    uint32_t tag_write;      /* set only once the walk allowed a write (D set) */
    uint32_t phys_page;
    uint32_t flags;          /* TLBF_* */
    uintptr_t addend;        /* host pointer = lin + addend */
    uint64_t pad;            /* 32 bytes: translated code indexes with a shift */
} TlbEntry;
enum { TLBF_GLOBAL = 1u << 0, TLBF_LARGE = 1u << 1 };

/* Maximum ordinary (element-by-element) iterations of a REP string
 * instruction per execution; bulk runs are bounded by bytes (ops_string.c). */
#define REP_CHUNK 1024

/* Lockstep's record of guest memory writes (cpu/tlb.c fills it while set):
 * a RAM page is copied when it gets a write tag (later writes to it are
 * fast, inline ones included), other writes leave their old bytes. */
typedef struct WriteLogEntry {
    uint32_t phys;
    uint32_t old;
    uint8_t size;
} WriteLogEntry;
typedef struct WriteLog {
    WriteLogEntry *e;        /* writes that took the slow path */
    uint32_t n, cap;
    uint32_t *page;          /* RAM pages given a write tag: content before */
    uint8_t *page_old;       /* npages x PAGE_SIZE */
    uint32_t npages, page_cap;
    bool io;                 /* a write reached MMIO: not replayable */
} WriteLog;

typedef struct CpuInternal {
    jmp_buf unwind;          /* cpu_raise() longjmps here (set in cpu_exec) */
    bool unwind_valid;

    /* lazy flags: arithmetic flags are (lf_op, lf_a, lf_b, lf_res) unless LF_NONE */
    uint8_t lf_op, lf_size;
    uint32_t lf_a, lf_b, lf_res;
    uint64_t lf_host;

    /* current instruction, for precise exceptions */
    Insn insn;
    uint32_t insn_eip, insn_esp;
    bool shadow_next;        /* MOV SS / POP SS / STI: inhibit interrupts after this one */

    /* pending exception (set by cpu_raise) and nesting for #DF / shutdown */
    int exc_vector;
    int exc_code;
    int exc_depth;           /* exceptions raised while delivering one */
    int last_vector;         /* last interrupt/exception delivered (for tests, traces) */
    bool shutdown;

    int64_t executed;        /* instructions retired in the current cpu_exec */

    /* soft TLB: set [0] for supervisor accesses, [1] for user (CPL 3) ones;
     * 'tlb' points at the set of the current privilege (cpu/tlb.c) */
    TlbEntry *tlb;
    TlbEntry tlb_set[2][TLB_ENTRIES];
    bool tlb_large;          /* a 4 MiB page is cached: INVLPG flushes all */

    /* segmentation: last offset an access may reach, per segment register,
     * computed at load time (seg_update); -1 sends every access to the slow
     * check (null, unreadable/unwritable, expand-down) */
    int64_t seg_rmax[SEG_COUNT];
    int64_t seg_wmax[SEG_COUNT];
    uint8_t seg_flat;        /* bit n: segment n has base 0 and reads/writes reach 4 GiB */

    /* the translator (translator/): told of TLB flushes (one linear page,
     * or all) so it can drop its linear-address jump cache; code_map marks pages holding translated
     * code (memory/bus.h), whose writes must not be cached in the TLB */
    void (*tlb_flush_hook)(void *opaque, uint32_t lin, bool all);
    void *tlb_flush_opaque;
    const uint8_t *code_map;
    volatile uint8_t attention;
    bool probing;            /* decode_probe: a fault only ends the probe */
    WriteLog *wlog;          /* lockstep: log writes (see WriteLog) */
    uint16_t wtag[64];       /* entries given a write tag since the last drop: */
    uint8_t wtag_set[64];    /* index and set, so cpu_write_log need not scan */
    int nwtag;               /* -1: too many, scan the whole TLB */   /* INTR raised, NMI or exit request: run loops look */

    /* event delivery (cpu/except.c) */
    int deliver_class;       /* class of the event being delivered, or -1 */
    bool deliver_ext;        /* it is external: error codes get EXT=1 */

    /* debug registers (cpu/debug.c) */
    uint8_t dr_exec;         /* enabled instruction breakpoints, bit n = DRn */
    uint8_t dr_data;         /* enabled data breakpoints */
    uint8_t dr_io;           /* enabled I/O breakpoints (CR4.DE) */
    bool fetching;           /* instruction fetch: data breakpoints do not apply */
    uint32_t dr6_hits;       /* DR6 B0-B3 bits hit by the current instruction */

    bool fpu_present;        /* false: ESC opcodes act as with no coprocessor */
    uint32_t cpuid_fpu_bits; /* CPUID.1:EDX bits the x87/MMX code adds (MMX, FXSR) */
} CpuInternal;

/* ---- exceptions (cpu/except.c) ------------------------------------------ */

/* Raise a fault: unwinds to cpu_exec, which restores EIP/ESP to the start of
 * the instruction and delivers 'vector'. error_code: NO_ERROR_CODE or 0..0xffff. */
_Noreturn void cpu_raise(CpuState *cpu, int vector, int error_code);

/* Deliver an interrupt now through the IVT/IDT with return address cpu->eip
 * (software INT n, INTO, INT3, hardware interrupts, and faults after the
 * unwinder reset EIP). May raise (e.g. #GP beyond the IVT limit). */
void cpu_deliver(CpuState *cpu, int vector, int error_code, bool soft);

/* After the unwind: #DF/shutdown rules, then delivery. False: shutdown. */
bool except_unwound(CpuState *cpu);

/* ---- the run loop's pieces, shared with the translator (cpu/exec.c) ------ */

void cpu_exec_one(CpuState *cpu);          /* one instruction, with its #DB traps */
bool cpu_take_interrupt(CpuState *cpu);    /* deliver a pending NMI/INTR if allowed */
/* cpu_raise() longjmped to in->unwind: restore EIP/ESP of the faulting
 * instruction and deliver the exception. False: shutdown (triple fault). */
bool cpu_unwound(CpuState *cpu);
void cpu_tlb_code_protect(CpuState *cpu, uint32_t phys_page);
/* Start (log != NULL) or stop logging writes; starting drops write tags. */
void cpu_write_log(CpuState *cpu, WriteLog *log);
/* Decode the instruction at CS:eip without raising: false if decoding it
 * would fault (the translator's look-ahead; cpu/decode.c). */
bool decode_probe(CpuState *cpu, uint32_t eip, Insn *out);

/* ---- lazy flags (cpu/flags.c) ------------------------------------------- */

static inline void flags_lazy(CpuState *cpu, int op, uint32_t a, uint32_t b,
                              uint32_t res, unsigned size)
{
    CpuInternal *in = cpu->in;
    in->lf_op = (uint8_t)op;
    in->lf_size = (uint8_t)size;
    in->lf_a = a;
    in->lf_b = b;
    in->lf_res = res;
}
void flags_sync(CpuState *cpu);             /* make cpu->eflags exact */
bool flags_cf(CpuState *cpu);
bool flags_zf(CpuState *cpu);
bool flags_sf(CpuState *cpu);
bool flags_of(CpuState *cpu);
bool flags_pf(CpuState *cpu);
bool flags_af(CpuState *cpu);
bool flags_cond(CpuState *cpu, unsigned cc);  /* Jcc/SETcc/CMOVcc condition 0-15 */
/* Set the arithmetic flags concretely: 'set' bits of 'mask' (others kept). */
void flags_set_arith(CpuState *cpu, uint32_t mask, uint32_t set);
/* SZP from a result, other arithmetic flags given explicitly. */
void flags_szp(CpuState *cpu, uint32_t res, unsigned size, uint32_t cf_of_af);
bool parity8(uint32_t v);
void flags_write(CpuState *cpu, uint32_t val, uint32_t mask);  /* POPF/IRET/SAHF */

static inline uint32_t size_mask(unsigned size)
{
    return size == 4 ? 0xffffffffu : (1u << (size * 8)) - 1;
}
static inline uint32_t size_sign(unsigned size)
{
    return 1u << ((size * 8 - 1) & 31);
}

/* ---- registers ------------------------------------------------------------ */

static inline uint32_t reg_read(const CpuState *cpu, int r, unsigned size)
{
    if (size == 1)
        return cpu_reg8(cpu, r);
    return size == 2 ? (uint16_t)cpu->regs[r] : cpu->regs[r];
}
static inline void reg_write(CpuState *cpu, int r, unsigned size, uint32_t v)
{
    if (size == 1)
        cpu_set_reg8(cpu, r, (uint8_t)v);
    else if (size == 2)
        cpu_set_reg16(cpu, r, (uint16_t)v);
    else
        cpu->regs[r] = v;
}

/* Current stack width: SS.B (SDM Vol. 3A 3.4.5, D/B flag). */
static inline bool stack32(const CpuState *cpu)
{
    return (cpu->seg[SEG_SS].flags & 0x4000) != 0;
}
static inline bool code32(const CpuState *cpu)
{
    return (cpu->seg[SEG_CS].flags & 0x4000) != 0;
}
static inline bool real_mode(const CpuState *cpu)
{
    return !(cpu->cr[0] & CR0_PE);
}
static inline bool v86_mode(const CpuState *cpu)
{
    return (cpu->eflags & EFLAGS_VM) != 0;
}
/* Protected mode proper: PE=1 and not virtual-8086. */
static inline bool prot_mode(const CpuState *cpu)
{
    return (cpu->cr[0] & CR0_PE) && !(cpu->eflags & EFLAGS_VM);
}

/* ---- memory: linear addresses (cpu/tlb.c) -------------------------------- */

uint32_t cpu_translate(CpuState *cpu, uint32_t lin, bool write);  /* lin -> phys */
uint32_t lin_read_slow(CpuState *cpu, uint32_t lin, unsigned size);
void lin_write_slow(CpuState *cpu, uint32_t lin, uint32_t val, unsigned size);

static inline uint32_t lin_read(CpuState *cpu, uint32_t lin, unsigned size)
{
    const TlbEntry *e = &cpu->in->tlb[(lin >> PAGE_SHIFT) % TLB_ENTRIES];
    if (e->tag_read == (lin & PAGE_MASK) && (lin & (PAGE_SIZE - 1)) <= PAGE_SIZE - size) {
        const uint8_t *host = (const uint8_t *)((uintptr_t)lin + e->addend);
        if (size == 1)
            return host[0];
        if (size == 2) {
            uint16_t v;
            memcpy(&v, host, 2);
            return v;
        }
        uint32_t v;
        memcpy(&v, host, 4);
        return v;
    }
    return lin_read_slow(cpu, lin, size);
}

static inline void lin_write(CpuState *cpu, uint32_t lin, uint32_t val, unsigned size)
{
    const TlbEntry *e = &cpu->in->tlb[(lin >> PAGE_SHIFT) % TLB_ENTRIES];
    if (e->tag_write == (lin & PAGE_MASK) && (lin & (PAGE_SIZE - 1)) <= PAGE_SIZE - size) {
        uint8_t *host = (uint8_t *)((uintptr_t)lin + e->addend);
        if (size == 1) {
            host[0] = (uint8_t)val;
        } else if (size == 2) {
            uint16_t v = (uint16_t)val;
            memcpy(host, &v, 2);
        } else {
            memcpy(host, &val, 4);
        }
        return;
    }
    lin_write_slow(cpu, lin, val, size);
}

/* ---- memory: segment:offset (cpu/seg.c) ---------------------------------- */

_Noreturn void seg_fault(CpuState *cpu, int seg);
uint32_t seg_lin_slow(CpuState *cpu, int seg, uint32_t off, unsigned size, bool write);

/*
 * Segment check and offset -> linear. The fast path compares against a
 * bound computed when the register was loaded; anything else (beyond the
 * limit, expand-down, null, execute-only, read-only) takes seg_lin_slow,
 * which raises #SS(0) for SS and #GP(0) otherwise. Real mode uses the
 * cached limit too (normally 0xFFFF, SDM Vol. 3A 20.1.2).
 */
static inline uint32_t seg_lin(CpuState *cpu, int seg, uint32_t off, unsigned size)
{
    if ((int64_t)off + (int64_t)(size - 1) > cpu->in->seg_rmax[seg])
        return seg_lin_slow(cpu, seg, off, size, false);
    return cpu->seg[seg].base + off;
}
static inline uint32_t seg_lin_w(CpuState *cpu, int seg, uint32_t off, unsigned size)
{
    if ((int64_t)off + (int64_t)(size - 1) > cpu->in->seg_wmax[seg])
        return seg_lin_slow(cpu, seg, off, size, true);
    return cpu->seg[seg].base + off;
}
static inline uint32_t seg_read(CpuState *cpu, int seg, uint32_t off, unsigned size)
{
    return lin_read(cpu, seg_lin(cpu, seg, off, size), size);
}
static inline void seg_write(CpuState *cpu, int seg, uint32_t off, uint32_t val, unsigned size)
{
    lin_write(cpu, seg_lin_w(cpu, seg, off, size), val, size);
}

/* Load a segment register (real mode: base = sel << 4; PM: descriptor). */
void seg_load(CpuState *cpu, int seg, uint16_t sel);

/* ---- operands (cpu/operand.c) --------------------------------------------- */

uint32_t insn_ea(const CpuState *cpu, const Insn *in);   /* offset of the memory operand */

/* The r/m operand resolved once: a register or seg:off. */
typedef struct Operand {
    int reg;                 /* >= 0: register number; -1: memory */
    int seg;
    uint32_t off;
} Operand;

static inline Operand operand_E(const CpuState *cpu, const Insn *in)
{
    Operand o;
    if (in->mod == 3) {
        o.reg = in->rm;
        o.seg = 0;
        o.off = 0;
    } else {
        o.reg = -1;
        o.seg = in->seg;
        o.off = insn_ea(cpu, in);
    }
    return o;
}
static inline uint32_t operand_read(CpuState *cpu, const Operand *o, unsigned size)
{
    if (o->reg >= 0)
        return reg_read(cpu, o->reg, size);
    return seg_read(cpu, o->seg, o->off, size);
}
static inline void operand_write(CpuState *cpu, const Operand *o, unsigned size, uint32_t v)
{
    if (o->reg >= 0)
        reg_write(cpu, o->reg, size, v);
    else
        seg_write(cpu, o->seg, o->off, v, size);
}
static inline uint32_t read_E(CpuState *cpu, const Insn *in, unsigned size)
{
    if (in->mod == 3)
        return reg_read(cpu, in->rm, size);
    return seg_read(cpu, in->seg, insn_ea(cpu, in), size);
}
static inline void write_E(CpuState *cpu, const Insn *in, unsigned size, uint32_t v)
{
    if (in->mod == 3)
        reg_write(cpu, in->rm, size, v);
    else
        seg_write(cpu, in->seg, insn_ea(cpu, in), v, size);
}

/* ---- stack (cpu/ops_stack.c) ---------------------------------------------- */

void push(CpuState *cpu, uint32_t val, unsigned size);
uint32_t pop(CpuState *cpu, unsigned size);
/* Read the stack at ESP+offset without moving ESP (for multi-pop instructions). */
uint32_t stack_peek(CpuState *cpu, uint32_t offset, unsigned size);
void stack_adjust(CpuState *cpu, int32_t delta);

/* Bits POPF/IRET may change (cpu/ops_stack.c). */
uint32_t popf_mask(const CpuState *cpu, unsigned size);

/* ---- control transfer helpers (cpu/ops_ctrl.c) ---------------------------- */

void jump_near(CpuState *cpu, const Insn *in, uint32_t eip);
void jump_far(CpuState *cpu, uint16_t sel, uint32_t eip);

/* ---- misc ----------------------------------------------------------------- */

void cpu_tlb_init(CpuState *cpu);
/* x87/MMX power-on state (SDM Vol. 3A table 9-1), cpu/fpu.c */
uint64_t cpu_tsc_base(CpuState *cpu);
void fpu_reset(CpuState *cpu);
void cpu_a20_changed(void *opaque);

#endif
