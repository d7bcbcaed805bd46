/*
 * cpu/fpu_core.h - the x87 arithmetic core and the x87 instruction layer,
 * shared by cpu/fpu*.c, cpu/ops_mmx.c and the tests (private to cpu/).
 *
 * Models:      80-bit double extended values (Fp80, cpu/cpu.h) and the
 *              operations of the x87 on them as pure functions of (operands,
 *              control word): every function reports the exceptions it
 *              raised and whether rounding went up (C1) in an FpCtx, and
 *              leaves the decision to store/pop to the instruction layer
 *              (cpu/fpu_ops.c, cpu/fpu_ldst.c). A function that hits an
 *              unmasked IE, DE or ZE returns without a meaningful result.
 *              cpu/fpu_arith.c and cpu/fpu_conv.c are the reference;
 *              cpu/fpu_fast.c has cheaper equivalents for ordinary operands
 *              that the instruction layer tries first.
 *              The second half declares the register-stack helpers of
 *              cpu/fpu.c (inline: every instruction uses several) and the
 *              semantics functions its escape map uses.
 * Not modeled: -
 * Spec:        SDM Vol. 1 4.2-4.9 (formats, rounding, exceptions), 8.1.3-8.1.5
 *              (status, control word), 8.5 (x87 exception conditions).
 */
#ifndef CPU_FPU_CORE_H
#define CPU_FPU_CORE_H

#include "cpu/insn.h"

/* FSW and FCW bits (SDM Vol. 1 figures 8-5, 8-6). Exception flags and masks
 * share bit positions 0-5. */
enum {
    FP_IE = 1u << 0, FP_DE = 1u << 1, FP_ZE = 1u << 2, FP_OE = 1u << 3,
    FP_UE = 1u << 4, FP_PE = 1u << 5, FP_SF = 1u << 6, FP_ES = 1u << 7,
    FP_C0 = 1u << 8, FP_C1 = 1u << 9, FP_C2 = 1u << 10, FP_C3 = 1u << 14,
    FP_B = 1u << 15,
    FP_EXC = 0x3f,
    FP_CC = FP_C0 | FP_C1 | FP_C2 | FP_C3,
};
enum { FP_RC_NEAREST, FP_RC_DOWN, FP_RC_UP, FP_RC_ZERO };

/* Operand classes (SDM Vol. 1 8.2.2 table 8-3 and 8.2.3 unsupported). */
enum {
    FPC_ZERO, FPC_DENORMAL, FPC_NORMAL, FPC_INF, FPC_QNAN, FPC_SNAN,
    FPC_UNSUPPORTED,
};

/* Compare outcomes as the C3 C2 C0 bits FCOM sets (SDM Vol. 2 FCOM table). */
enum {
    FP_CMP_GT = 0, FP_CMP_LT = FP_C0, FP_CMP_EQ = FP_C3,
    FP_CMP_UN = FP_C3 | FP_C2 | FP_C0,
};

typedef struct FpCtx {
    uint16_t cw;       /* control word: masks, precision, rounding */
    uint16_t exc;      /* raised: FP_IE..FP_PE, FP_SF */
    bool up;           /* the delivered result was rounded up in magnitude */
} FpCtx;

#define FP_EXP_BIAS 16383
#define FP_EXP_MAX 0x7fff

static inline Fp80 fp_make(bool sign, unsigned exp, uint64_t sig)
{
    Fp80 r = { sig, (uint16_t)((sign ? 0x8000u : 0) | exp) };
    return r;
}
static inline bool fp_sign(Fp80 a) { return (a.se >> 15) != 0; }
static inline unsigned fp_exp(Fp80 a) { return a.se & 0x7fffu; }
static inline Fp80 fp_neg(Fp80 a) { a.se ^= 0x8000; return a; }
static inline Fp80 fp_abs(Fp80 a) { a.se &= 0x7fff; return a; }
/* The real indefinite: negative QNaN 1.1000...0 (SDM Vol. 1 table 4-3). */
static inline Fp80 fp_indefinite(void) { return fp_make(true, FP_EXP_MAX, 0xc000000000000000ull); }
static inline Fp80 fp_zero(bool sign) { return fp_make(sign, 0, 0); }
static inline Fp80 fp_inf(bool sign) { return fp_make(sign, FP_EXP_MAX, 0x8000000000000000ull); }
static inline bool fp_unmasked(const FpCtx *c, unsigned exc) { return (exc & ~c->cw & FP_EXC) != 0; }
/* True when the context says the result must not be delivered. */
static inline bool fp_faulted(const FpCtx *c) { return fp_unmasked(c, c->exc & (FP_IE | FP_DE | FP_ZE)); }

int fp_class(Fp80 a);
bool fp_is_nan(Fp80 a);

/* ---- cpu/fpu_arith.c: rounding core and basic arithmetic ---------------------- */

/*
 * The rounding core. The exact value is
 *     sign * (sig + rest / 2^64) * 2^(exp - 16383 - 63)
 * with sig normalised (bit 63 set, so exp is the biased exponent of the
 * leading bit) and rest holding the lower bits, its lowest bit sticky. fp_round rounds it to 'prec' bits (64, 53, 24) with the
 * rounding control of c->cw into the exponent range [emin, emax] (biased
 * with the double extended bias): masked underflow denormalises (result
 * exp == emin with bit 63 clear), masked overflow gives infinity or the
 * largest finite value by rounding mode. 'reg' marks a register destination:
 * an unmasked overflow/underflow then wraps the exponent by 24576 (SDM Vol. 1
 * 8.5.4, 8.5.5); for memory destinations it delivers nothing and fp_round
 * returns false.
 */
typedef struct FpRounded {
    bool sign;
    int32_t exp;
    uint64_t sig;
} FpRounded;
bool fp_round(FpCtx *c, FpRounded *r, bool sign, int32_t exp, uint64_t sig, uint64_t rest,
              int prec, int32_t emin, int32_t emax, bool reg);
/* fp_round to a register with the precision of the control word (or 64). */
Fp80 fp_round_reg(FpCtx *c, bool sign, int32_t exp, uint64_t sig, uint64_t rest, bool use_pc);
int fp_precision(const FpCtx *c);
/* The integer magnitude of sign * sig * 2^(exp - 16383 - 63) rounded with
 * 'rc'; false if it does not fit 64 bits. */
bool fp_int_part(int rc, bool sign, int32_t exp, uint64_t sig, uint64_t *mag,
                 bool *inexact, bool *up);
/* Finite nonzero operand as (sign, exp, sig) with sig normalised. */
typedef struct FpUnpacked {
    bool sign;
    int32_t exp;
    uint64_t sig;
} FpUnpacked;
FpUnpacked fp_unpack(Fp80 a);

/* Two operands with a NaN or an unsupported encoding: the SDM Vol. 1 table
 * 4-7 result (IE for SNaN and unsupported). True if it handled the case. */
bool fp_nan_operands(FpCtx *c, Fp80 a, Fp80 b, Fp80 *res);
bool fp_nan_operand(FpCtx *c, Fp80 a, Fp80 *res);
/* DE for a denormal operand; true if the operation must stop (unmasked). */
bool fp_check_denormal(FpCtx *c, Fp80 a);

Fp80 fp_add(FpCtx *c, Fp80 a, Fp80 b, bool subtract);
Fp80 fp_mul(FpCtx *c, Fp80 a, Fp80 b);
Fp80 fp_div(FpCtx *c, Fp80 a, Fp80 b);
Fp80 fp_sqrt(FpCtx *c, Fp80 a);
/* floor(sqrt(n)) by the bit-by-bit method; *rem = n - root^2. */
typedef unsigned __int128 u128;
uint64_t fp_isqrt128(u128 n, u128 *rem);
Fp80 fp_rndint(FpCtx *c, Fp80 a);
Fp80 fp_scale(FpCtx *c, Fp80 a, Fp80 b);
/* FXTRACT: *sig gets the significand, *exp the exponent. */
void fp_xtract(FpCtx *c, Fp80 a, Fp80 *sig, Fp80 *exp);
/*
 * FPREM (ieee=false) / FPREM1 (ieee=true) of a by b. Returns the condition
 * code bits (FP_C0..FP_C3) to set: C2 for a partial remainder, else the low
 * three quotient bits in C0, C3, C1.
 */
uint16_t fp_prem(FpCtx *c, Fp80 a, Fp80 b, bool ieee, Fp80 *res);
/* FCOM (quiet=false) / FUCOM (quiet=true): one of FP_CMP_*. */
unsigned fp_compare(FpCtx *c, Fp80 a, Fp80 b, bool quiet);

/* ---- cpu/fpu_conv.c: conversions -------------------------------------------------- */

/* 'load' (FLD): an SNaN raises IE and becomes quiet; otherwise (arithmetic
 * operands) it stays signalling for the operation to see. DE either way. */
Fp80 fp_from_f32(FpCtx *c, uint32_t v, bool load);
Fp80 fp_from_f64(FpCtx *c, uint64_t v, bool load);
/* Store conversions: false if nothing may be written (unmasked exception). */
bool fp_to_f32(FpCtx *c, Fp80 a, uint32_t *out);
bool fp_to_f64(FpCtx *c, Fp80 a, uint64_t *out);
Fp80 fp_from_int(int64_t v);
/* FIST: 'bits' 16, 32, 64; out of range gives the integer indefinite. */
bool fp_to_int(FpCtx *c, Fp80 a, int bits, int64_t *out);
/* FBLD / FBSTP: 10-byte packed BCD (SDM Vol. 1 4.7). */
Fp80 fp_from_bcd(const uint8_t bcd[10]);
bool fp_to_bcd(FpCtx *c, Fp80 a, uint8_t bcd[10]);

/* ---- cpu/fpu_trans.c: transcendentals ----------------------------------------- */

Fp80 fp_f2xm1(FpCtx *c, Fp80 a);
Fp80 fp_yl2x(FpCtx *c, Fp80 x, Fp80 y);
Fp80 fp_yl2xp1(FpCtx *c, Fp80 x, Fp80 y);
Fp80 fp_atan2(FpCtx *c, Fp80 y, Fp80 x);
/* FSIN/FCOS/FSINCOS/FPTAN: false when |a| >= 2^63 (C2 = 1, operand kept).
 * fp_sincos reports the sine's exceptions in c, the cosine's in cc. */
bool fp_sincos(FpCtx *c, FpCtx *cc, Fp80 a, Fp80 *sin_out, Fp80 *cos_out);
bool fp_tan(FpCtx *c, Fp80 a, Fp80 *out);

/* ---- cpu/fpu_fast.c: fast paths for ordinary operands --------------------------- */

/*
 * The same operations as fp_add, fp_mul, fp_div, fp_sqrt, fp_to_f32,
 * fp_to_f64 and fp_compare restricted to finite normal or zero operands and
 * results that neither underflow nor overflow. False (c untouched): outside
 * that domain, run the reference function. True: *res and c are exactly what
 * the reference gives. fp_compare_fast returns FP_CMP_* or -1 (raises nothing).
 * Operands are passed by address (they may be registers of FpuState); the
 * result may not alias them.
 */
bool fp_add_fast(FpCtx *c, const Fp80 *a, const Fp80 *b, bool subtract, Fp80 *res);
bool fp_mul_fast(FpCtx *c, const Fp80 *a, const Fp80 *b, Fp80 *res);
bool fp_div_fast(FpCtx *c, const Fp80 *a, const Fp80 *b, Fp80 *res);
bool fp_sqrt_fast(FpCtx *c, const Fp80 *a, Fp80 *res);
bool fp_to_f32_fast(FpCtx *c, const Fp80 *a, uint32_t *out);
bool fp_to_f64_fast(FpCtx *c, const Fp80 *a, uint64_t *out);
int fp_compare_fast(const Fp80 *a, const Fp80 *b);

/* ---- cpu/fpu.c: the instruction layer's view of CpuState ------------------------- */

/* The register stack accessors are inline: every x87 instruction goes
 * through several of them, and the translator calls the same semantics. */
static inline int fpu_top(const CpuState *cpu) { return (cpu->fpu.fsw >> 11) & 7; }
/* ST(i) -> physical register */
static inline int fpu_phys(const CpuState *cpu, int i) { return (fpu_top(cpu) + i) & 7; }
static inline Fp80 *fpu_st(CpuState *cpu, int i) { return &cpu->fpu.st[fpu_phys(cpu, i)]; }
static inline bool fpu_empty(const CpuState *cpu, int i)
{
    return ((cpu->fpu.ftw >> (2 * fpu_phys(cpu, i))) & 3) == 3;
}
static inline void fpu_set_tag(CpuState *cpu, int phys, bool empty)
{
    cpu->fpu.ftw = (uint16_t)((cpu->fpu.ftw & ~(3u << (2 * phys))) |
                              (empty ? 3u : 0u) << (2 * phys));
}
/* ST(i) = v, tag valid */
static inline void fpu_write(CpuState *cpu, int i, Fp80 v)
{
    int p = fpu_phys(cpu, i);
    cpu->fpu.st[p] = v;
    fpu_set_tag(cpu, p, false);
}
static inline void fpu_decstp(CpuState *cpu)
{
    cpu->fpu.fsw = (uint16_t)((cpu->fpu.fsw & ~0x3800u) | ((cpu->fpu.fsw + 0x3800u) & 0x3800u));
}
static inline void fpu_incstp(CpuState *cpu)
{
    cpu->fpu.fsw = (uint16_t)((cpu->fpu.fsw & ~0x3800u) | ((cpu->fpu.fsw + 0x0800u) & 0x3800u));
}
static inline void fpu_push(CpuState *cpu, Fp80 v)
{
    fpu_decstp(cpu);
    fpu_write(cpu, 0, v);
}
static inline void fpu_pop(CpuState *cpu)
{
    fpu_set_tag(cpu, fpu_top(cpu), true);
    fpu_incstp(cpu);
}
static inline FpCtx fpu_ctx(const CpuState *cpu)
{
    FpCtx c = { cpu->fpu.fcw, 0, false };
    return c;
}
unsigned fpu_tag_of(const CpuState *cpu, int phys);
uint16_t fpu_full_tags(const CpuState *cpu);
/* ES and B follow the unmasked exception flags; FERR# drops with them. */
void fpu_update_es(CpuState *cpu);
/* Merge c's exceptions into FSW, set the condition codes 'cc' under 'cc_mask'. */
static inline void fpu_finish(CpuState *cpu, const FpCtx *c, uint16_t cc_mask, uint16_t cc)
{
    FpuState *f = &cpu->fpu;
    f->fsw = (uint16_t)((f->fsw & ~cc_mask) | (cc & cc_mask) | (c->exc & (FP_EXC | FP_SF)));
    /* nothing unmasked pending, ES/B clear, FERR# low: fpu_update_es would not change a thing */
    if ((f->fsw & (FP_ES | FP_B)) || (f->fsw & ~f->fcw & FP_EXC) || f->ferr)
        fpu_update_es(cpu);
}
void fpu_init(CpuState *cpu);                      /* FNINIT */
const char *fpu_mnemonic(const Insn *in);          /* D8-DF: the x87 mnemonic, for traces */
/* EM -> #UD, TS -> #NM, pending x87 exception; false: retry later (FERR#). */
bool fpu_mmx_prologue(CpuState *cpu);
/* The offset of a data instruction's memory operand: op_esc records it in
 * FDP (SDM Vol. 1 8.1.8) before calling the semantics, which need not work
 * out the effective address again. Control instructions (FLDCW, FNSTENV ...)
 * leave FDP alone and use insn_ea(). */
static inline uint32_t fpu_data_off(const CpuState *cpu) { return cpu->fpu.fdp; }
/* Memory operands of any length, checked whole before any byte is written. */
void fpu_read_mem(CpuState *cpu, int seg, uint32_t off, uint8_t *buf, unsigned len);
void fpu_write_mem(CpuState *cpu, int seg, uint32_t off, const uint8_t *buf, unsigned len);

void fpu_stack_underflow(FpCtx *c);                /* IE+SF, C1=0 */
void fpu_stack_overflow(FpCtx *c);                 /* IE+SF, C1=1 */

/* x87 instruction semantics, reached through op_esc's tables (cpu/fpu.c). */
ExecFn op_f2xm1;
ExecFn op_fabs;
ExecFn op_fadd_ST0_STi;
ExecFn op_fadd_STi_ST0;
ExecFn op_fadd_m32;
ExecFn op_fadd_m64;
ExecFn op_faddp_STi_ST0;
ExecFn op_fbld_m80;
ExecFn op_fbstp_m80;
ExecFn op_fchs;
ExecFn op_fcmovcc_ST0_STi;
ExecFn op_fcom_STi;
ExecFn op_fcom_m32;
ExecFn op_fcom_m64;
ExecFn op_fcomi_ST0_STi;
ExecFn op_fcomip_ST0_STi;
ExecFn op_fcomp_STi;
ExecFn op_fcomp_m32;
ExecFn op_fcomp_m64;
ExecFn op_fcompp;
ExecFn op_fcos;
ExecFn op_fdecstp;
ExecFn op_fdiv_ST0_STi;
ExecFn op_fdiv_STi_ST0;
ExecFn op_fdiv_m32;
ExecFn op_fdiv_m64;
ExecFn op_fdivp_STi_ST0;
ExecFn op_fdivr_ST0_STi;
ExecFn op_fdivr_STi_ST0;
ExecFn op_fdivr_m32;
ExecFn op_fdivr_m64;
ExecFn op_fdivrp_STi_ST0;
ExecFn op_ffree_STi;
ExecFn op_ffreep_STi;
ExecFn op_fiadd_m16;
ExecFn op_fiadd_m32;
ExecFn op_ficom_m16;
ExecFn op_ficom_m32;
ExecFn op_ficomp_m16;
ExecFn op_ficomp_m32;
ExecFn op_fidiv_m16;
ExecFn op_fidiv_m32;
ExecFn op_fidivr_m16;
ExecFn op_fidivr_m32;
ExecFn op_fild_m16;
ExecFn op_fild_m32;
ExecFn op_fild_m64;
ExecFn op_fimul_m16;
ExecFn op_fimul_m32;
ExecFn op_fincstp;
ExecFn op_fist_m16;
ExecFn op_fist_m32;
ExecFn op_fistp_m16;
ExecFn op_fistp_m32;
ExecFn op_fistp_m64;
ExecFn op_fisub_m16;
ExecFn op_fisub_m32;
ExecFn op_fisubr_m16;
ExecFn op_fisubr_m32;
ExecFn op_fld_STi;
ExecFn op_fld_m32;
ExecFn op_fld_m64;
ExecFn op_fld_m80;
ExecFn op_fldconst;
ExecFn op_fldcw_Mw;
ExecFn op_fldenv_M;
ExecFn op_fmul_ST0_STi;
ExecFn op_fmul_STi_ST0;
ExecFn op_fmul_m32;
ExecFn op_fmul_m64;
ExecFn op_fmulp_STi_ST0;
ExecFn op_fnclex;
ExecFn op_fninit;
ExecFn op_fnop;
ExecFn op_fnsave_M;
ExecFn op_fnstcw_Mw;
ExecFn op_fnstenv_M;
ExecFn op_fnstsw_AX;
ExecFn op_fnstsw_Mw;
ExecFn op_fpatan;
ExecFn op_fprem;
ExecFn op_fprem1;
ExecFn op_fptan;
ExecFn op_frndint;
ExecFn op_frstor_M;
ExecFn op_fscale;
ExecFn op_fsin;
ExecFn op_fsincos;
ExecFn op_fsqrt;
ExecFn op_fst_STi;
ExecFn op_fst_m32;
ExecFn op_fst_m64;
ExecFn op_fstp_STi;
ExecFn op_fstp1_STi;
ExecFn op_fstp_m32;
ExecFn op_fstp_m64;
ExecFn op_fstp_m80;
ExecFn op_fsub_ST0_STi;
ExecFn op_fsub_STi_ST0;
ExecFn op_fsub_m32;
ExecFn op_fsub_m64;
ExecFn op_fsubp_STi_ST0;
ExecFn op_fsubr_ST0_STi;
ExecFn op_fsubr_STi_ST0;
ExecFn op_fsubr_m32;
ExecFn op_fsubr_m64;
ExecFn op_fsubrp_STi_ST0;
ExecFn op_ftst;
ExecFn op_fucom_STi;
ExecFn op_fucomi_ST0_STi;
ExecFn op_fucomip_ST0_STi;
ExecFn op_fucomp_STi;
ExecFn op_fucompp;
ExecFn op_fxam;
ExecFn op_fxch_STi;
ExecFn op_fxtract;
ExecFn op_fyl2x;
ExecFn op_fyl2xp1;

#endif
