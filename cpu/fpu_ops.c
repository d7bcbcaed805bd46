/*
 * cpu/fpu_ops.c - x87 arithmetic, compare, stack and transcendental
 * instructions: the semantics behind the D8-DF map of cpu/fpu.c.
 *
 * Models:      each instruction checks its stack operands (an empty register
 *              is a stack underflow: IE+SF, C1=0; a full ST(7) on a push is an
 *              overflow: IE+SF, C1=1; masked, the destination receives the
 *              real indefinite), runs the arithmetic core (the fast paths
 *              of cpu/fpu_fast.c for + - * / sqrt and compares of ordinary
 *              operands, else cpu/fpu_arith.c, cpu/fpu_trans.c) and
 *              commits: with an unmasked IE, DE or ZE
 *              nothing is stored and nothing popped; otherwise the result is
 *              written, the stack popped, flags merged, C1 = rounded up. FCOM
 *              family condition codes, FCOMI/FUCOMI EFLAGS (ZF PF CF, OF SF AF
 *              cleared), FXAM classes, FPREM quotient bits, C2 for the
 *              trigonometric range check (|x| >= 2^63 leaves ST(0) alone).
 * Not modeled: -
 * Spec:        SDM Vol. 1 8.3 (x87 instruction set), 8.5 (exception
 *              conditions), Vol. 2 per instruction (FADD ... FYL2XP1).
 */
#include "cpu/fpu_core.h"
#include "cpu/internal.h"
#include "cpu/ops.h"

typedef Fp80 BinFn(FpCtx *c, Fp80 a, Fp80 b);

/* The operation of D8/DA/DC/DE by ModRM.reg (2, 3: the compares). */
enum { A_ADD, A_MUL, A_SUB = 4, A_SUBR, A_DIV, A_DIVR };

/* a op b: the fast path (cpu/fpu_fast.c) answers for ordinary operands,
 * the reference core (cpu/fpu_arith.c) for everything else. */
static Fp80 arith(FpCtx *c, int op, const Fp80 *a, const Fp80 *b)
{
    Fp80 r;
    switch (op) {
    case A_ADD:
        return fp_add_fast(c, a, b, false, &r) ? r : fp_add(c, *a, *b, false);
    case A_MUL:
        return fp_mul_fast(c, a, b, &r) ? r : fp_mul(c, *a, *b);
    case A_SUB:
        return fp_add_fast(c, a, b, true, &r) ? r : fp_add(c, *a, *b, true);
    case A_SUBR:
        return fp_add_fast(c, b, a, true, &r) ? r : fp_add(c, *b, *a, true);
    case A_DIV:
        return fp_div_fast(c, a, b, &r) ? r : fp_div(c, *a, *b);
    default:
        return fp_div_fast(c, b, a, &r) ? r : fp_div(c, *b, *a);
    }
}

void fpu_stack_underflow(FpCtx *c)
{
    c->exc |= FP_IE | FP_SF;
    c->up = false;
}

void fpu_stack_overflow(FpCtx *c)
{
    c->exc |= FP_IE | FP_SF;
    c->up = true;
}

static void finish_c1(CpuState *cpu, const FpCtx *c)
{
    fpu_finish(cpu, c, FP_C1, c->up ? FP_C1 : 0);
}

static bool phys_empty(const CpuState *cpu, int p)
{
    return ((cpu->fpu.ftw >> (2 * p)) & 3) == 3;
}

/* The result r of an operation on physical register p: stored (and the
 * stack popped) unless an unmasked IE, DE or ZE stopped it; flags and C1. */
static void commit(CpuState *cpu, const FpCtx *c, int p, Fp80 r, bool pop)
{
    if (!fp_faulted(c)) {
        cpu->fpu.st[p] = r;
        fpu_set_tag(cpu, p, false);
        if (pop)
            fpu_pop(cpu);
    }
    finish_c1(cpu, c);
}

/* ST(dst) = ST(dst) op ST(src), then pop if asked: 'fn' when given (FSCALE,
 * FYL2X ...), else the D8-DE operation 'op'. */
static void arith_st(CpuState *cpu, int op, BinFn *fn, int dst, int src, bool pop)
{
    int pd = fpu_phys(cpu, dst), ps = fpu_phys(cpu, src);
    FpCtx c = fpu_ctx(cpu);
    Fp80 r;
    if (phys_empty(cpu, pd) || phys_empty(cpu, ps)) {
        fpu_stack_underflow(&c);
        r = fp_indefinite();
    } else if (fn) {
        r = fn(&c, cpu->fpu.st[pd], cpu->fpu.st[ps]);
    } else {
        r = arith(&c, op, &cpu->fpu.st[pd], &cpu->fpu.st[ps]);
    }
    commit(cpu, &c, pd, r, pop);
}

/* Memory operand kinds of the D8/DA/DC/DE arithmetic and compares. */
enum { M_F32, M_I32, M_F64, M_I16 };

static Fp80 read_operand(CpuState *cpu, const Insn *in, int kind, uint64_t *raw)
{
    static const unsigned len[4] = { 4, 4, 8, 2 };
    uint8_t b[8] = { 0 };
    fpu_read_mem(cpu, in->seg, fpu_data_off(cpu), b, len[kind]);
    uint64_t v;
    memcpy(&v, b, 8);                        /* little-endian, like the host (lin_read) */
    *raw = v;
    switch (kind) {
    case M_I32:
        return fp_from_int((int32_t)v);
    case M_I16:
        return fp_from_int((int16_t)v);
    default:
        return fp_zero(false);
    }
}

/*
 * Convert the raw operand (after the stack check). A denormal single/double
 * becomes a normal extended value, so its DE is raised here - unless ST(0)
 * is a NaN or unsupported, or 'zero_divides' (FDIVR by a zero ST(0)): the
 * higher-priority IE/QNaN/ZE cases of SDM Vol. 1 4.9.2 come first.
 */
static Fp80 convert_operand(FpCtx *c, int kind, uint64_t raw, Fp80 ival, Fp80 st0,
                            bool zero_divides)
{
    if (kind != M_F32 && kind != M_F64)
        return ival;
    FpCtx conv = *c;
    conv.exc = 0;
    Fp80 m = kind == M_F32 ? fp_from_f32(&conv, (uint32_t)raw, false) : fp_from_f64(&conv, raw, false);
    if (!conv.exc)
        return m;                            /* the common case: nothing to order */
    int k0 = fp_class(st0);
    bool first = k0 == FPC_QNAN || k0 == FPC_SNAN || k0 == FPC_UNSUPPORTED ||
                 (zero_divides && k0 == FPC_ZERO);
    if (!first)
        c->exc |= conv.exc;
    return m;
}

static void arith_mem(CpuState *cpu, const Insn *in, int kind)
{
    uint64_t raw;
    Fp80 ival = read_operand(cpu, in, kind, &raw);
    int p0 = fpu_phys(cpu, 0);
    FpCtx c = fpu_ctx(cpu);
    Fp80 r = fp_indefinite();
    if (phys_empty(cpu, p0)) {
        fpu_stack_underflow(&c);
    } else {
        Fp80 st0 = cpu->fpu.st[p0];
        Fp80 m = convert_operand(&c, kind, raw, ival, st0, in->reg == A_DIVR);
        if (!fp_faulted(&c))
            r = arith(&c, in->reg, &st0, &m);
    }
    commit(cpu, &c, p0, r, false);
}

void op_fadd_m32(CpuState *cpu, const Insn *in) { arith_mem(cpu, in, M_F32); }
void op_fmul_m32(CpuState *cpu, const Insn *in) { arith_mem(cpu, in, M_F32); }
void op_fsub_m32(CpuState *cpu, const Insn *in) { arith_mem(cpu, in, M_F32); }
void op_fsubr_m32(CpuState *cpu, const Insn *in) { arith_mem(cpu, in, M_F32); }
void op_fdiv_m32(CpuState *cpu, const Insn *in) { arith_mem(cpu, in, M_F32); }
void op_fdivr_m32(CpuState *cpu, const Insn *in) { arith_mem(cpu, in, M_F32); }
void op_fadd_m64(CpuState *cpu, const Insn *in) { arith_mem(cpu, in, M_F64); }
void op_fmul_m64(CpuState *cpu, const Insn *in) { arith_mem(cpu, in, M_F64); }
void op_fsub_m64(CpuState *cpu, const Insn *in) { arith_mem(cpu, in, M_F64); }
void op_fsubr_m64(CpuState *cpu, const Insn *in) { arith_mem(cpu, in, M_F64); }
void op_fdiv_m64(CpuState *cpu, const Insn *in) { arith_mem(cpu, in, M_F64); }
void op_fdivr_m64(CpuState *cpu, const Insn *in) { arith_mem(cpu, in, M_F64); }
void op_fiadd_m32(CpuState *cpu, const Insn *in) { arith_mem(cpu, in, M_I32); }
void op_fimul_m32(CpuState *cpu, const Insn *in) { arith_mem(cpu, in, M_I32); }
void op_fisub_m32(CpuState *cpu, const Insn *in) { arith_mem(cpu, in, M_I32); }
void op_fisubr_m32(CpuState *cpu, const Insn *in) { arith_mem(cpu, in, M_I32); }
void op_fidiv_m32(CpuState *cpu, const Insn *in) { arith_mem(cpu, in, M_I32); }
void op_fidivr_m32(CpuState *cpu, const Insn *in) { arith_mem(cpu, in, M_I32); }
void op_fiadd_m16(CpuState *cpu, const Insn *in) { arith_mem(cpu, in, M_I16); }
void op_fimul_m16(CpuState *cpu, const Insn *in) { arith_mem(cpu, in, M_I16); }
void op_fisub_m16(CpuState *cpu, const Insn *in) { arith_mem(cpu, in, M_I16); }
void op_fisubr_m16(CpuState *cpu, const Insn *in) { arith_mem(cpu, in, M_I16); }
void op_fidiv_m16(CpuState *cpu, const Insn *in) { arith_mem(cpu, in, M_I16); }
void op_fidivr_m16(CpuState *cpu, const Insn *in) { arith_mem(cpu, in, M_I16); }

void op_fadd_ST0_STi(CpuState *cpu, const Insn *in) { arith_st(cpu, A_ADD, NULL, 0, in->rm, false); }
void op_fmul_ST0_STi(CpuState *cpu, const Insn *in) { arith_st(cpu, A_MUL, NULL, 0, in->rm, false); }
void op_fsub_ST0_STi(CpuState *cpu, const Insn *in) { arith_st(cpu, A_SUB, NULL, 0, in->rm, false); }
void op_fsubr_ST0_STi(CpuState *cpu, const Insn *in) { arith_st(cpu, A_SUBR, NULL, 0, in->rm, false); }
void op_fdiv_ST0_STi(CpuState *cpu, const Insn *in) { arith_st(cpu, A_DIV, NULL, 0, in->rm, false); }
void op_fdivr_ST0_STi(CpuState *cpu, const Insn *in) { arith_st(cpu, A_DIVR, NULL, 0, in->rm, false); }
void op_fadd_STi_ST0(CpuState *cpu, const Insn *in) { arith_st(cpu, A_ADD, NULL, in->rm, 0, false); }
void op_fmul_STi_ST0(CpuState *cpu, const Insn *in) { arith_st(cpu, A_MUL, NULL, in->rm, 0, false); }
void op_fsub_STi_ST0(CpuState *cpu, const Insn *in) { arith_st(cpu, A_SUB, NULL, in->rm, 0, false); }
void op_fsubr_STi_ST0(CpuState *cpu, const Insn *in) { arith_st(cpu, A_SUBR, NULL, in->rm, 0, false); }
void op_fdiv_STi_ST0(CpuState *cpu, const Insn *in) { arith_st(cpu, A_DIV, NULL, in->rm, 0, false); }
void op_fdivr_STi_ST0(CpuState *cpu, const Insn *in) { arith_st(cpu, A_DIVR, NULL, in->rm, 0, false); }
void op_faddp_STi_ST0(CpuState *cpu, const Insn *in) { arith_st(cpu, A_ADD, NULL, in->rm, 0, true); }
void op_fmulp_STi_ST0(CpuState *cpu, const Insn *in) { arith_st(cpu, A_MUL, NULL, in->rm, 0, true); }
void op_fsubp_STi_ST0(CpuState *cpu, const Insn *in) { arith_st(cpu, A_SUB, NULL, in->rm, 0, true); }
void op_fsubrp_STi_ST0(CpuState *cpu, const Insn *in) { arith_st(cpu, A_SUBR, NULL, in->rm, 0, true); }
void op_fdivp_STi_ST0(CpuState *cpu, const Insn *in) { arith_st(cpu, A_DIV, NULL, in->rm, 0, true); }
void op_fdivrp_STi_ST0(CpuState *cpu, const Insn *in) { arith_st(cpu, A_DIVR, NULL, in->rm, 0, true); }

/* ---- one-operand arithmetic on ST(0) ------------------------------------------------- */

typedef Fp80 UnFn(FpCtx *c, Fp80 a);

static void unary(CpuState *cpu, UnFn *fn)
{
    FpCtx c = fpu_ctx(cpu);
    Fp80 r;
    if (fpu_empty(cpu, 0)) {
        fpu_stack_underflow(&c);
        r = fp_indefinite();
    } else {
        r = fn(&c, *fpu_st(cpu, 0));
    }
    if (!fp_faulted(&c))
        fpu_write(cpu, 0, r);
    finish_c1(cpu, &c);
}

static Fp80 f_sqrt(FpCtx *c, Fp80 a)
{
    Fp80 r;
    return fp_sqrt_fast(c, &a, &r) ? r : fp_sqrt(c, a);
}

void op_fsqrt(CpuState *cpu, const Insn *in) { unary(cpu, f_sqrt); }
void op_frndint(CpuState *cpu, const Insn *in) { unary(cpu, fp_rndint); }
void op_f2xm1(CpuState *cpu, const Insn *in) { unary(cpu, fp_f2xm1); }

static Fp80 f_chs(FpCtx *c, Fp80 a) { return fp_neg(a); }
static Fp80 f_abs(FpCtx *c, Fp80 a) { return fp_abs(a); }
void op_fchs(CpuState *cpu, const Insn *in) { unary(cpu, f_chs); }
void op_fabs(CpuState *cpu, const Insn *in) { unary(cpu, f_abs); }

void op_fscale(CpuState *cpu, const Insn *in) { arith_st(cpu, 0, fp_scale, 0, 1, false); }

/* FYL2X, FYL2XP1, FPATAN: ST(1) = f(ST(0), ST(1)), pop. */
static Fp80 f_yl2x(FpCtx *c, Fp80 y, Fp80 x) { return fp_yl2x(c, x, y); }
static Fp80 f_yl2xp1(FpCtx *c, Fp80 y, Fp80 x) { return fp_yl2xp1(c, x, y); }
static Fp80 f_atan(FpCtx *c, Fp80 y, Fp80 x) { return fp_atan2(c, y, x); }
void op_fyl2x(CpuState *cpu, const Insn *in) { arith_st(cpu, 0, f_yl2x, 1, 0, true); }
void op_fyl2xp1(CpuState *cpu, const Insn *in) { arith_st(cpu, 0, f_yl2xp1, 1, 0, true); }
void op_fpatan(CpuState *cpu, const Insn *in) { arith_st(cpu, 0, f_atan, 1, 0, true); }

static void prem(CpuState *cpu, bool ieee)
{
    FpCtx c = fpu_ctx(cpu);
    Fp80 r = fp_indefinite();
    uint16_t cc = 0;
    if (fpu_empty(cpu, 0) || fpu_empty(cpu, 1))
        fpu_stack_underflow(&c);
    else
        cc = fp_prem(&c, *fpu_st(cpu, 0), *fpu_st(cpu, 1), ieee, &r);
    if (fp_faulted(&c)) {
        fpu_finish(cpu, &c, FP_C1 | FP_C2, 0);
        return;
    }
    fpu_write(cpu, 0, r);
    /* NaN and invalid results: C2 = C1 = 0, C0 and C3 kept (measured) */
    fpu_finish(cpu, &c, (c.exc & FP_IE) || fp_is_nan(r) ? FP_C1 | FP_C2 : FP_CC, cc);
}

void op_fprem(CpuState *cpu, const Insn *in) { prem(cpu, false); }
void op_fprem1(CpuState *cpu, const Insn *in) { prem(cpu, true); }

void op_fxtract(CpuState *cpu, const Insn *in)
{
    FpCtx c = fpu_ctx(cpu);
    Fp80 sig = fp_indefinite(), exp = fp_indefinite();
    if (fpu_empty(cpu, 0))
        fpu_stack_underflow(&c);
    else if (!fpu_empty(cpu, 7))
        fpu_stack_overflow(&c);
    else
        fp_xtract(&c, *fpu_st(cpu, 0), &sig, &exp);
    if (!fp_faulted(&c)) {
        fpu_write(cpu, 0, exp);
        fpu_push(cpu, sig);
    }
    finish_c1(cpu, &c);
}

/* ---- trigonometry: C2 = operand out of range ------------------------------------------ */

static void trig(CpuState *cpu, int which)
{
    FpCtx c = fpu_ctx(cpu);
    Fp80 s = fp_indefinite(), co = fp_indefinite();
    bool pushes = which != 0 && which != 1;
    if (fpu_empty(cpu, 0)) {
        fpu_stack_underflow(&c);
    } else if (pushes && !fpu_empty(cpu, 7)) {
        fpu_stack_overflow(&c);
    } else {
        FpCtx cc = c;
        bool ok = which == 3 ? fp_tan(&c, *fpu_st(cpu, 0), &s)
                             : fp_sincos(&c, &cc, *fpu_st(cpu, 0), &s, &co);
        if (which == 1)
            c = cc;
        else if (which == 2)
            c.exc |= cc.exc;
        if (!ok) {
            fpu_finish(cpu, &c, FP_C1 | FP_C2, FP_C2);
            return;
        }
    }
    if (!fp_faulted(&c)) {
        if (which == 0) {
            fpu_write(cpu, 0, s);
        } else if (which == 1) {
            fpu_write(cpu, 0, co);
        } else if (which == 2) {
            fpu_write(cpu, 0, s);
            fpu_push(cpu, co);
        } else {
            fpu_write(cpu, 0, s);
            /* SDM Vol. 2 FPTAN: push 1.0; a NaN result is pushed again (measured) */
            fpu_push(cpu, fp_is_nan(s) ? s : fp_make(false, FP_EXP_BIAS, 1ull << 63));
        }
    }
    fpu_finish(cpu, &c, FP_C1 | FP_C2, c.up ? FP_C1 : 0);
}

void op_fsin(CpuState *cpu, const Insn *in) { trig(cpu, 0); }
void op_fcos(CpuState *cpu, const Insn *in) { trig(cpu, 1); }
void op_fsincos(CpuState *cpu, const Insn *in) { trig(cpu, 2); }
void op_fptan(CpuState *cpu, const Insn *in) { trig(cpu, 3); }

/* ---- compares ------------------------------------------------------------------------- */

enum { CMP_CC, CMP_EFLAGS };

static void compare(CpuState *cpu, FpCtx *c, bool b_empty, Fp80 b, bool quiet, int pops, int mode)
{
    unsigned r = FP_CMP_UN;
    if (fpu_empty(cpu, 0) || b_empty) {
        fpu_stack_underflow(c);
    } else {
        int fast = fp_compare_fast(fpu_st(cpu, 0), &b);
        r = fast >= 0 ? (unsigned)fast : fp_compare(c, *fpu_st(cpu, 0), b, quiet);
    }
    bool faulted = fp_faulted(c);
    if (mode == CMP_EFLAGS) {
        /* SDM Vol. 2 FCOMI: ZF PF CF from the compare, OF SF AF cleared;
         * C1 is left alone unless the stack faulted */
        uint32_t f = ((r & FP_C3) ? EFLAGS_ZF : 0) | ((r & FP_C2) ? EFLAGS_PF : 0) |
                     ((r & FP_C0) ? EFLAGS_CF : 0);
        flags_set_arith(cpu, FLAGS_ARITH, f);
        fpu_finish(cpu, c, (c->exc & FP_SF) ? FP_C1 : 0, 0);
    } else {
        /* an unmasked IE/DE still reports the outcome (measured), but no pop */
        fpu_finish(cpu, c, FP_CC, (uint16_t)r);
    }
    while (!faulted && pops-- > 0)
        fpu_pop(cpu);
}

static void compare_st(CpuState *cpu, int i, bool quiet, int pops, int mode)
{
    FpCtx c = fpu_ctx(cpu);
    compare(cpu, &c, fpu_empty(cpu, i), *fpu_st(cpu, i), quiet, pops, mode);
}

static void compare_mem(CpuState *cpu, const Insn *in, int kind, int pops)
{
    uint64_t raw;
    Fp80 ival = read_operand(cpu, in, kind, &raw);
    FpCtx c = fpu_ctx(cpu);
    Fp80 m = fpu_empty(cpu, 0) ? ival : convert_operand(&c, kind, raw, ival, *fpu_st(cpu, 0), false);
    compare(cpu, &c, false, m, false, pops, CMP_CC);
}

void op_fcom_m32(CpuState *cpu, const Insn *in) { compare_mem(cpu, in, M_F32, 0); }
void op_fcomp_m32(CpuState *cpu, const Insn *in) { compare_mem(cpu, in, M_F32, 1); }
void op_fcom_m64(CpuState *cpu, const Insn *in) { compare_mem(cpu, in, M_F64, 0); }
void op_fcomp_m64(CpuState *cpu, const Insn *in) { compare_mem(cpu, in, M_F64, 1); }
void op_ficom_m32(CpuState *cpu, const Insn *in) { compare_mem(cpu, in, M_I32, 0); }
void op_ficomp_m32(CpuState *cpu, const Insn *in) { compare_mem(cpu, in, M_I32, 1); }
void op_ficom_m16(CpuState *cpu, const Insn *in) { compare_mem(cpu, in, M_I16, 0); }
void op_ficomp_m16(CpuState *cpu, const Insn *in) { compare_mem(cpu, in, M_I16, 1); }

void op_fcom_STi(CpuState *cpu, const Insn *in) { compare_st(cpu, in->rm, false, 0, CMP_CC); }
void op_fcomp_STi(CpuState *cpu, const Insn *in) { compare_st(cpu, in->rm, false, 1, CMP_CC); }
void op_fcompp(CpuState *cpu, const Insn *in) { compare_st(cpu, 1, false, 2, CMP_CC); }
void op_fucom_STi(CpuState *cpu, const Insn *in) { compare_st(cpu, in->rm, true, 0, CMP_CC); }
void op_fucomp_STi(CpuState *cpu, const Insn *in) { compare_st(cpu, in->rm, true, 1, CMP_CC); }
void op_fucompp(CpuState *cpu, const Insn *in) { compare_st(cpu, 1, true, 2, CMP_CC); }
void op_fcomi_ST0_STi(CpuState *cpu, const Insn *in) { compare_st(cpu, in->rm, false, 0, CMP_EFLAGS); }
void op_fcomip_ST0_STi(CpuState *cpu, const Insn *in) { compare_st(cpu, in->rm, false, 1, CMP_EFLAGS); }
void op_fucomi_ST0_STi(CpuState *cpu, const Insn *in) { compare_st(cpu, in->rm, true, 0, CMP_EFLAGS); }
void op_fucomip_ST0_STi(CpuState *cpu, const Insn *in) { compare_st(cpu, in->rm, true, 1, CMP_EFLAGS); }

void op_ftst(CpuState *cpu, const Insn *in)
{
    FpCtx c = fpu_ctx(cpu);
    compare(cpu, &c, false, fp_zero(false), false, 0, CMP_CC);
}

void op_fxam(CpuState *cpu, const Insn *in)
{
    /* SDM Vol. 2 FXAM table: C3 C2 C0 class, C1 sign */
    static const uint16_t cls[] = {
        [FPC_ZERO] = FP_C3, [FPC_DENORMAL] = FP_C3 | FP_C2, [FPC_NORMAL] = FP_C2,
        [FPC_INF] = FP_C2 | FP_C0, [FPC_QNAN] = FP_C0, [FPC_SNAN] = FP_C0,
        [FPC_UNSUPPORTED] = 0,
    };
    Fp80 a = *fpu_st(cpu, 0);
    uint16_t cc = fpu_empty(cpu, 0) ? FP_C3 | FP_C0 : cls[fp_class(a)];
    if (fp_sign(a))
        cc |= FP_C1;
    FpCtx c = fpu_ctx(cpu);
    fpu_finish(cpu, &c, FP_CC, cc);
}

/* ---- FCMOVcc (SDM Vol. 2 FCMOVcc: B E BE U, then the negations under DB) ------------ */

void op_fcmovcc_ST0_STi(CpuState *cpu, const Insn *in)
{
    static const uint8_t cc[4] = { 2, 4, 6, 10 };     /* Jcc codes B, E, BE, P */
    bool cond = flags_cond(cpu, cc[in->reg & 3]);
    if (in->opcode == 0xdb)
        cond = !cond;
    FpCtx c = fpu_ctx(cpu);
    if (fpu_empty(cpu, 0) || fpu_empty(cpu, in->rm)) {
        fpu_stack_underflow(&c);
        if (!fp_faulted(&c))
            fpu_write(cpu, 0, fp_indefinite());
    } else if (cond) {
        fpu_write(cpu, 0, *fpu_st(cpu, in->rm));
    }
    fpu_finish(cpu, &c, (c.exc & FP_SF) ? FP_C1 : 0, 0);
}

/* ---- register stack housekeeping --------------------------------------------------------- */

void op_fxch_STi(CpuState *cpu, const Insn *in)
{
    FpCtx c = fpu_ctx(cpu);
    int i = in->rm;
    if (fpu_empty(cpu, 0) || fpu_empty(cpu, i)) {
        fpu_stack_underflow(&c);
        if (fp_faulted(&c)) {
            finish_c1(cpu, &c);
            return;
        }
        if (fpu_empty(cpu, 0))
            fpu_write(cpu, 0, fp_indefinite());
        if (fpu_empty(cpu, i))
            fpu_write(cpu, i, fp_indefinite());
    }
    Fp80 t = *fpu_st(cpu, 0);
    *fpu_st(cpu, 0) = *fpu_st(cpu, i);
    *fpu_st(cpu, i) = t;
    finish_c1(cpu, &c);
}

void op_ffree_STi(CpuState *cpu, const Insn *in)
{
    fpu_set_tag(cpu, fpu_phys(cpu, in->rm), true);
    cpu->fpu.fsw &= (uint16_t)~FP_C1;        /* measured: C1 cleared */
}

void op_ffreep_STi(CpuState *cpu, const Insn *in)
{
    /* undocumented DF C0+i: FFREE ST(i), then pop (measured: C1 cleared) */
    fpu_set_tag(cpu, fpu_phys(cpu, in->rm), true);
    fpu_pop(cpu);
    cpu->fpu.fsw &= (uint16_t)~FP_C1;
}

void op_fincstp(CpuState *cpu, const Insn *in)
{
    fpu_incstp(cpu);
    cpu->fpu.fsw &= (uint16_t)~FP_C1;
}

void op_fdecstp(CpuState *cpu, const Insn *in)
{
    fpu_decstp(cpu);
    cpu->fpu.fsw &= (uint16_t)~FP_C1;
}

void op_fnop(CpuState *cpu, const Insn *in)
{
}
