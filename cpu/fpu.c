/*
 * cpu/fpu.c - the x87 FPU: state, the escape opcode map (D8-DF), the
 * register stack, exception reporting (#MF, FERR#) and WAIT.
 *
 * Models:      the on-chip x87 of a P6-class processor. Every D8-DF opcode is
 *              decoded through the tables below (SDM Vol. 2 Appendix A.4,
 *              tables: memory forms by ModRM.reg, register forms
 *              by ModRM.reg and, for the D9/DA/DB/DE/DF groups, ModRM.rm), one
 *              semantics function per instruction (cpu/fpu_ops.c,
 *              cpu/fpu_env.c). Reserved register encodings raise #UD; the
 *              undocumented aliases a P6 executes (FSTP1, FXCH4, FXCH7,
 *              FSTP8, FSTP9, FCOM2, FCOMP3, FCOMP5, FFREEP, FENI/FDISI/FSETPM
 *              as no-ops) are kept.
 *              CR0.EM or CR0.TS -> #NM before anything else. A waiting
 *              instruction (all but FNINIT, FNCLEX, FNSTCW, FNSTSW, FNSTENV,
 *              FNSAVE) first checks for a pending unmasked exception (FSW.ES):
 *              CR0.NE=1 raises #MF; CR0.NE=0 asserts FERR# (cpu->ferr, routed
 *              to IRQ13 by the board) and restarts the instruction once so the
 *              interrupt is taken first; on the retry it proceeds as if
 *              IGNNE# were active. FERR# drops when ES clears.
 *              Non-control instructions record FIP/FCS, FOP and, with a memory
 *              operand, FDP/FDS (offset and selector); their semantics take
 *              the operand's offset from FDP (fpu_data_off). Memory operands
 *              inside one page with a soft-TLB hit are copied in one piece.
 * Not modeled: the 8087/287 interrupt-enable bits (FENI/FDISI are no-ops);
 *              the Pentium's FERR# timing (asserted at the next waiting
 *              instruction, as on later processors).
 * Spec:        SDM Vol. 1 8.1 (state), 8.3.12 (FNINIT state), 8.6-8.7 (x87
 *              exception synchronisation, MS-DOS compatibility mode), D.1-D.2
 *              (FERR#, IGNNE#); Vol. 3A 2.5 (CR0.NE/EM/TS/MP), 9.1.1 table 9-1
 *              (power-up state); Vol. 2 Appendix A.4 (escape opcode map).
 */
#include "cpu/fpu_core.h"
#include "cpu/internal.h"
#include "cpu/ops.h"

/* ---- register stack (the accessors are inline in cpu/fpu_core.h) ------------------ */

/* Full tag of one physical register as FSTENV/FSAVE report it (SDM Vol. 1
 * 8.1.7): 00 valid, 01 zero, 10 special (NaN, infinity, denormal,
 * unsupported), 11 empty. */
unsigned fpu_tag_of(const CpuState *cpu, int phys)
{
    if (((cpu->fpu.ftw >> (2 * phys)) & 3) == 3)
        return 3;
    switch (fp_class(cpu->fpu.st[phys])) {
    case FPC_ZERO:
        return 1;
    case FPC_NORMAL:
        return 0;
    default:
        return 2;
    }
}

uint16_t fpu_full_tags(const CpuState *cpu)
{
    uint16_t t = 0;
    for (int p = 0; p < 8; p++)
        t |= (uint16_t)(fpu_tag_of(cpu, p) << (2 * p));
    return t;
}

/* ---- exceptions ------------------------------------------------------------------ */

/* ES and B follow the unmasked exception flags; FERR# drops with them. */
void fpu_update_es(CpuState *cpu)
{
    FpuState *f = &cpu->fpu;
    if (f->fsw & ~f->fcw & FP_EXC) {
        f->fsw |= FP_ES | FP_B;
        return;
    }
    f->fsw &= (uint16_t)~(FP_ES | FP_B);
    if (f->ferr) {
        f->ferr = false;
        if (cpu->ferr)
            cpu->ferr(cpu->ferr_opaque, false);
    }
}

/*
 * A waiting instruction meets a pending unmasked exception (SDM Vol. 1 8.7,
 * D.2.1). Returns false when the instruction must not run now.
 */
static bool check_pending(CpuState *cpu)
{
    FpuState *f = &cpu->fpu;
    if (!(f->fsw & FP_ES))
        return true;
    if (cpu->cr[0] & CR0_NE)
        cpu_raise(cpu, EXC_MF, NO_ERROR_CODE);
    if (f->ferr)
        return true;                 /* FERR# already signalled: as with IGNNE# */
    f->ferr = true;
    if (cpu->ferr)
        cpu->ferr(cpu->ferr_opaque, true);
    cpu->eip = cpu->in->insn_eip;    /* retry after the IRQ13 handler */
    return false;
}

bool fpu_mmx_prologue(CpuState *cpu)
{
    /* SDM Vol. 1 9.5.1 / Vol. 3A 2.5 table 2-2: EM -> #UD, TS -> #NM, pending #MF */
    if (cpu->cr[0] & CR0_EM)
        cpu_raise(cpu, EXC_UD, NO_ERROR_CODE);
    if (cpu->cr[0] & CR0_TS)
        cpu_raise(cpu, EXC_NM, NO_ERROR_CODE);
    return check_pending(cpu);
}

/* ---- reset ----------------------------------------------------------------------- */

void fpu_reset(CpuState *cpu)
{
    FpuState *f = &cpu->fpu;
    if (f->ferr && cpu->ferr)
        cpu->ferr(cpu->ferr_opaque, false);
    memset(f, 0, sizeof *f);
    f->fcw = 0x0040;                 /* SDM Vol. 3A table 9-1 */
    f->ftw = 0x5555;
    f->mxcsr = 0x1f80;
    cpu->in->fpu_present = true;
    cpu->in->cpuid_fpu_bits = 1u << 23 | 1u << 24;   /* CPUID.1:EDX MMX, FXSR */
}

void fpu_init(CpuState *cpu)
{
    FpuState *f = &cpu->fpu;
    f->fcw = 0x037f;                 /* SDM Vol. 1 8.1.5, FNINIT */
    f->fsw = 0;
    f->ftw = 0xffff;
    f->fip = f->fdp = 0;
    f->fcs = f->fds = f->fop = 0;
    fpu_update_es(cpu);
}

/* ---- the escape opcode map --------------------------------------------------------- */

enum {
    FOP_NOWAIT = 1u << 0,            /* FNINIT, FNCLEX, FNSTCW, FNSTSW, FNSTENV, FNSAVE */
    FOP_CONTROL = 1u << 1,           /* does not update FIP/FOP/FDP */
};

typedef struct FpuOp {
    const char *mnemonic;
    ExecFn *exec;
    const struct FpuOp *sub;         /* register forms selected by ModRM.rm */
    uint8_t flags;
} FpuOp;

#define BAD { "(bad)", NULL, NULL, 0 }
#define CTL(m, f, fl) { m, f, NULL, FOP_CONTROL | (fl) }

/* D8-DF with a memory operand, by ModRM.reg (table, ... A-21). */
static const FpuOp x87_mem[8][8] = {
    {   { "fadd", op_fadd_m32, NULL, 0 }, { "fmul", op_fmul_m32, NULL, 0 },
        { "fcom", op_fcom_m32, NULL, 0 }, { "fcomp", op_fcomp_m32, NULL, 0 },
        { "fsub", op_fsub_m32, NULL, 0 }, { "fsubr", op_fsubr_m32, NULL, 0 },
        { "fdiv", op_fdiv_m32, NULL, 0 }, { "fdivr", op_fdivr_m32, NULL, 0 } },
    {   { "fld", op_fld_m32, NULL, 0 }, BAD,
        { "fst", op_fst_m32, NULL, 0 }, { "fstp", op_fstp_m32, NULL, 0 },
        CTL("fldenv", op_fldenv_M, 0), CTL("fldcw", op_fldcw_Mw, 0),
        CTL("fnstenv", op_fnstenv_M, FOP_NOWAIT), CTL("fnstcw", op_fnstcw_Mw, FOP_NOWAIT) },
    {   { "fiadd", op_fiadd_m32, NULL, 0 }, { "fimul", op_fimul_m32, NULL, 0 },
        { "ficom", op_ficom_m32, NULL, 0 }, { "ficomp", op_ficomp_m32, NULL, 0 },
        { "fisub", op_fisub_m32, NULL, 0 }, { "fisubr", op_fisubr_m32, NULL, 0 },
        { "fidiv", op_fidiv_m32, NULL, 0 }, { "fidivr", op_fidivr_m32, NULL, 0 } },
    {   { "fild", op_fild_m32, NULL, 0 }, BAD,
        { "fist", op_fist_m32, NULL, 0 }, { "fistp", op_fistp_m32, NULL, 0 },
        BAD, { "fld", op_fld_m80, NULL, 0 }, BAD, { "fstp", op_fstp_m80, NULL, 0 } },
    {   { "fadd", op_fadd_m64, NULL, 0 }, { "fmul", op_fmul_m64, NULL, 0 },
        { "fcom", op_fcom_m64, NULL, 0 }, { "fcomp", op_fcomp_m64, NULL, 0 },
        { "fsub", op_fsub_m64, NULL, 0 }, { "fsubr", op_fsubr_m64, NULL, 0 },
        { "fdiv", op_fdiv_m64, NULL, 0 }, { "fdivr", op_fdivr_m64, NULL, 0 } },
    {   { "fld", op_fld_m64, NULL, 0 }, BAD,
        { "fst", op_fst_m64, NULL, 0 }, { "fstp", op_fstp_m64, NULL, 0 },
        CTL("frstor", op_frstor_M, 0), BAD,
        CTL("fnsave", op_fnsave_M, FOP_NOWAIT), CTL("fnstsw", op_fnstsw_Mw, FOP_NOWAIT) },
    {   { "fiadd", op_fiadd_m16, NULL, 0 }, { "fimul", op_fimul_m16, NULL, 0 },
        { "ficom", op_ficom_m16, NULL, 0 }, { "ficomp", op_ficomp_m16, NULL, 0 },
        { "fisub", op_fisub_m16, NULL, 0 }, { "fisubr", op_fisubr_m16, NULL, 0 },
        { "fidiv", op_fidiv_m16, NULL, 0 }, { "fidivr", op_fidivr_m16, NULL, 0 } },
    {   { "fild", op_fild_m16, NULL, 0 }, BAD,
        { "fist", op_fist_m16, NULL, 0 }, { "fistp", op_fistp_m16, NULL, 0 },
        { "fbld", op_fbld_m80, NULL, 0 }, { "fild", op_fild_m64, NULL, 0 },
        { "fbstp", op_fbstp_m80, NULL, 0 }, { "fistp", op_fistp_m64, NULL, 0 } },
};

static const FpuOp d9_e0[8] = {
    { "fchs", op_fchs, NULL, 0 }, { "fabs", op_fabs, NULL, 0 }, BAD, BAD,
    { "ftst", op_ftst, NULL, 0 }, { "fxam", op_fxam, NULL, 0 }, BAD, BAD,
};
static const FpuOp d9_e8[8] = {
    { "fld1", op_fldconst, NULL, 0 }, { "fldl2t", op_fldconst, NULL, 0 },
    { "fldl2e", op_fldconst, NULL, 0 }, { "fldpi", op_fldconst, NULL, 0 },
    { "fldlg2", op_fldconst, NULL, 0 }, { "fldln2", op_fldconst, NULL, 0 },
    { "fldz", op_fldconst, NULL, 0 }, BAD,
};
static const FpuOp d9_f0[8] = {
    { "f2xm1", op_f2xm1, NULL, 0 }, { "fyl2x", op_fyl2x, NULL, 0 },
    { "fptan", op_fptan, NULL, 0 }, { "fpatan", op_fpatan, NULL, 0 },
    { "fxtract", op_fxtract, NULL, 0 }, { "fprem1", op_fprem1, NULL, 0 },
    { "fdecstp", op_fdecstp, NULL, 0 }, { "fincstp", op_fincstp, NULL, 0 },
};
static const FpuOp d9_f8[8] = {
    { "fprem", op_fprem, NULL, 0 }, { "fyl2xp1", op_fyl2xp1, NULL, 0 },
    { "fsqrt", op_fsqrt, NULL, 0 }, { "fsincos", op_fsincos, NULL, 0 },
    { "frndint", op_frndint, NULL, 0 }, { "fscale", op_fscale, NULL, 0 },
    { "fsin", op_fsin, NULL, 0 }, { "fcos", op_fcos, NULL, 0 },
};
static const FpuOp d9_d0[8] = { { "fnop", op_fnop, NULL, 0 }, BAD, BAD, BAD, BAD, BAD, BAD, BAD };
static const FpuOp da_e8[8] = { BAD, { "fucompp", op_fucompp, NULL, 0 }, BAD, BAD, BAD, BAD, BAD, BAD };
static const FpuOp db_e0[8] = {
    CTL("fneni", op_fnop, 0), CTL("fndisi", op_fnop, 0),
    CTL("fnclex", op_fnclex, FOP_NOWAIT), CTL("fninit", op_fninit, FOP_NOWAIT),
    CTL("fnsetpm", op_fnop, 0), BAD, BAD, BAD,
};
static const FpuOp de_d8[8] = { BAD, { "fcompp", op_fcompp, NULL, 0 }, BAD, BAD, BAD, BAD, BAD, BAD };
static const FpuOp df_e0[8] = { CTL("fnstsw", op_fnstsw_AX, FOP_NOWAIT), BAD, BAD, BAD, BAD, BAD, BAD, BAD };

#define SUB(t) { "grp", NULL, t, 0 }

/* D8-DF with a register operand, by ModRM.reg (tables, ... A-22). */
static const FpuOp x87_reg[8][8] = {
    {   { "fadd", op_fadd_ST0_STi, NULL, 0 }, { "fmul", op_fmul_ST0_STi, NULL, 0 },
        { "fcom", op_fcom_STi, NULL, 0 }, { "fcomp", op_fcomp_STi, NULL, 0 },
        { "fsub", op_fsub_ST0_STi, NULL, 0 }, { "fsubr", op_fsubr_ST0_STi, NULL, 0 },
        { "fdiv", op_fdiv_ST0_STi, NULL, 0 }, { "fdivr", op_fdivr_ST0_STi, NULL, 0 } },
    {   { "fld", op_fld_STi, NULL, 0 }, { "fxch", op_fxch_STi, NULL, 0 },
        SUB(d9_d0), { "fstp1", op_fstp1_STi, NULL, 0 },
        SUB(d9_e0), SUB(d9_e8), SUB(d9_f0), SUB(d9_f8) },
    {   { "fcmovb", op_fcmovcc_ST0_STi, NULL, 0 }, { "fcmove", op_fcmovcc_ST0_STi, NULL, 0 },
        { "fcmovbe", op_fcmovcc_ST0_STi, NULL, 0 }, { "fcmovu", op_fcmovcc_ST0_STi, NULL, 0 },
        BAD, SUB(da_e8), BAD, BAD },
    {   { "fcmovnb", op_fcmovcc_ST0_STi, NULL, 0 }, { "fcmovne", op_fcmovcc_ST0_STi, NULL, 0 },
        { "fcmovnbe", op_fcmovcc_ST0_STi, NULL, 0 }, { "fcmovnu", op_fcmovcc_ST0_STi, NULL, 0 },
        SUB(db_e0), { "fucomi", op_fucomi_ST0_STi, NULL, 0 },
        { "fcomi", op_fcomi_ST0_STi, NULL, 0 }, BAD },
    {   { "fadd", op_fadd_STi_ST0, NULL, 0 }, { "fmul", op_fmul_STi_ST0, NULL, 0 },
        { "fcom2", op_fcom_STi, NULL, 0 }, { "fcomp3", op_fcomp_STi, NULL, 0 },
        { "fsubr", op_fsubr_STi_ST0, NULL, 0 }, { "fsub", op_fsub_STi_ST0, NULL, 0 },
        { "fdivr", op_fdivr_STi_ST0, NULL, 0 }, { "fdiv", op_fdiv_STi_ST0, NULL, 0 } },
    {   { "ffree", op_ffree_STi, NULL, 0 }, { "fxch4", op_fxch_STi, NULL, 0 },
        { "fst", op_fst_STi, NULL, 0 }, { "fstp", op_fstp_STi, NULL, 0 },
        { "fucom", op_fucom_STi, NULL, 0 }, { "fucomp", op_fucomp_STi, NULL, 0 }, BAD, BAD },
    {   { "faddp", op_faddp_STi_ST0, NULL, 0 }, { "fmulp", op_fmulp_STi_ST0, NULL, 0 },
        { "fcomp5", op_fcomp_STi, NULL, 0 }, SUB(de_d8),
        { "fsubrp", op_fsubrp_STi_ST0, NULL, 0 }, { "fsubp", op_fsubp_STi_ST0, NULL, 0 },
        { "fdivrp", op_fdivrp_STi_ST0, NULL, 0 }, { "fdivp", op_fdivp_STi_ST0, NULL, 0 } },
    {   { "ffreep", op_ffreep_STi, NULL, 0 }, { "fxch7", op_fxch_STi, NULL, 0 },
        { "fstp8", op_fstp_STi, NULL, 0 }, { "fstp9", op_fstp_STi, NULL, 0 },
        SUB(df_e0), { "fucomip", op_fucomip_ST0_STi, NULL, 0 },
        { "fcomip", op_fcomip_ST0_STi, NULL, 0 }, BAD },
};

static const FpuOp *lookup(const Insn *in)
{
    unsigned esc = in->opcode & 7;
    if (in->mod != 3)
        return &x87_mem[esc][in->reg];
    const FpuOp *op = &x87_reg[esc][in->reg];
    return op->sub ? &op->sub[in->rm] : op;
}

const char *fpu_mnemonic(const Insn *in)
{
    return lookup(in)->mnemonic;
}

void op_esc(CpuState *cpu, const Insn *in)
{
    /* SDM Vol. 3A 2.5 table 2-2: EM or TS -> #NM for every x87 instruction */
    if (cpu->cr[0] & (CR0_EM | CR0_TS))
        cpu_raise(cpu, EXC_NM, NO_ERROR_CODE);
    const FpuOp *op = lookup(in);
    if (!op->exec)
        cpu_raise(cpu, EXC_UD, NO_ERROR_CODE);
    if (!(op->flags & FOP_NOWAIT) && !check_pending(cpu))
        return;
    if (!(op->flags & FOP_CONTROL)) {
        FpuState *f = &cpu->fpu;
        f->fip = in->eip;
        f->fcs = cpu->seg[SEG_CS].sel;
        f->fop = (uint16_t)((in->opcode & 7) << 8 | in->modrm);
        if (in->mod != 3) {
            f->fdp = insn_ea(cpu, in);
            f->fds = cpu->seg[in->seg].sel;
        }
    }
    op->exec(cpu, in);
}

void op_wait(CpuState *cpu, const Insn *in)
{
    /* SDM Vol. 2 WAIT: #NM only when both MP and TS are set */
    if ((cpu->cr[0] & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS))
        cpu_raise(cpu, EXC_NM, NO_ERROR_CODE);
    check_pending(cpu);
}

/* ---- memory operands ------------------------------------------------------------- */

/*
 * An operand inside one page whose soft-TLB entry is valid for the access
 * (the hit test of lin_read/lin_write in cpu/internal.h) cannot fault part
 * way: it is copied straight from or to the host page, as lin_read and
 * lin_write do on a hit (a write then marks the page like lin_write).
 */
static const TlbEntry *tlb_hit(const CpuState *cpu, uint32_t lin, unsigned len, bool write)
{
    const TlbEntry *e = &cpu->in->tlb[(lin >> PAGE_SHIFT) % TLB_ENTRIES];
    if ((write ? e->tag_write : e->tag_read) != (lin & PAGE_MASK) ||
        (lin & (PAGE_SIZE - 1)) > PAGE_SIZE - len)
        return NULL;
    return e;
}

/* The operands tlb_hit() does not cover, one lin_read/lin_write at a time. */
static void read_pieces(CpuState *cpu, uint32_t lin, uint8_t *buf, unsigned len)
{
    unsigned i = 0;
    for (; i + 4 <= len; i += 4) {
        uint32_t v = lin_read(cpu, lin + i, 4);
        for (unsigned k = 0; k < 4; k++)
            buf[i + k] = (uint8_t)(v >> (8 * k));
    }
    for (; i < len; i++)
        buf[i] = (uint8_t)lin_read(cpu, lin + i, 1);
}

static void write_pieces(CpuState *cpu, uint32_t lin, const uint8_t *buf, unsigned len)
{
    /* probe both ends first: a fault must leave memory untouched */
    cpu_translate(cpu, lin, true);
    cpu_translate(cpu, lin + len - 1, true);
    unsigned i = 0;
    for (; i + 4 <= len; i += 4)
        lin_write(cpu, lin + i, (uint32_t)buf[i] | (uint32_t)buf[i + 1] << 8 |
                  (uint32_t)buf[i + 2] << 16 | (uint32_t)buf[i + 3] << 24, 4);
    for (; i < len; i++)
        lin_write(cpu, lin + i, buf[i], 1);
}

void fpu_read_mem(CpuState *cpu, int seg, uint32_t off, uint8_t *buf, unsigned len)
{
    uint32_t lin = seg_lin(cpu, seg, off, len);
    const TlbEntry *e = tlb_hit(cpu, lin, len, false);
    if (!e) {
        read_pieces(cpu, lin, buf, len);
        return;
    }
    const uint8_t *host = (const uint8_t *)((uintptr_t)lin + e->addend);
    /* constant sizes for the common operands: no library call */
    switch (len) {
    case 2: memcpy(buf, host, 2); break;
    case 4: memcpy(buf, host, 4); break;
    case 8: memcpy(buf, host, 8); break;
    default: memcpy(buf, host, len); break;
    }
}

void fpu_write_mem(CpuState *cpu, int seg, uint32_t off, const uint8_t *buf, unsigned len)
{
    uint32_t lin = seg_lin_w(cpu, seg, off, len);
    const TlbEntry *e = tlb_hit(cpu, lin, len, true);
    if (!e) {
        write_pieces(cpu, lin, buf, len);
        return;
    }
    /* what lin_write does on a hit, once for the whole operand */
    uint8_t *host = (uint8_t *)((uintptr_t)lin + e->addend);
    switch (len) {
    case 2: memcpy(host, buf, 2); break;
    case 4: memcpy(host, buf, 4); break;
    case 8: memcpy(host, buf, 8); break;
    default: memcpy(host, buf, len); break;
    }
}
