/*
 * cpu/fpu_fast.c - fast paths of the x87 arithmetic core: + - * / sqrt,
 * FST m32/m64 and FCOM for the operands ordinary programs use.
 *
 * Models:      the same results, exception flags and C1 (FpCtx.up) as the
 *              reference functions of cpu/fpu_arith.c and cpu/fpu_conv.c, bit
 *              for bit, on a restricted domain: operands that are finite
 *              normals (integer bit set, exponent 1..7FFE) or zeros, and
 *              results that are neither tiny before rounding nor overflowing
 *              after it. Everything else - NaN, infinity, denormal,
 *              pseudo-denormal and unsupported operands, invalid operations,
 *              division by zero, underflow, overflow - returns false and the
 *              caller runs the reference function. On the domain only PE can
 *              be raised and it never stops an instruction, so the guest's
 *              exception masks do not matter here.
 * Not modeled: -
 * Spec:        SDM Vol. 1 4.8.4 (rounding), 8.1.5.2-3 (precision and rounding
 *              control), 8.3.5 (basic arithmetic).
 *
 * Why not the host's x87. The host of emu is an x86-64 with a real x87, and
 * running FADD/FDIV/FSQRT on it (FLDT the operands, FLDCW the guest's
 * precision and rounding control with all exceptions masked, FSTPT the
 * result, FNSTSW for C1 and the flags) gives the right values for about 5 ns.
 * The flags are the problem. To learn which exceptions one instruction
 * raised, the host's sticky flags must be clear before it (FNCLEX, 12 ns),
 * and on the Intel host measured an inexact result while PE is clear (the
 * 0 -> 1 transition of the sticky flag, so nearly every add and multiply)
 * takes about 70 ns more than one while PE is already set; saving and
 * restoring the host environment (FNSTENV/FLDENV) instead costs 130 ns.
 * Both are slower than this file. Keeping the host's
 * flags set and working the guest's flags out in software needs an exactness
 * test per operation that costs as much as the integer operation itself, and
 * leaves the host FPU dirty. So the fast paths are integer code on 64/128-bit
 * values: the reference's algorithms without its case analysis, with one
 * 128/64 division for FDIV (the reference makes two, each with a remainder),
 * and for FSQRT a double precision estimate refined by one Newton step and
 * checked exactly, instead of the reference's 64-step digit recurrence.
 * Host instructions per call, this file / reference (callgrind): add 125 /
 * 365, mul 90 / 280, div 125 / 365, sqrt 160 / 1250, FST m64 70 / 265,
 * compare 50 / 135.
 *
 * Contract: a fast function either returns false having changed nothing, or
 * returns true with the result and with c->exc, c->up updated exactly as the
 * reference would have updated them (c->up is left alone where the reference
 * leaves it alone). tests/test_fpu_host.c checks this on random operands and
 * against the host's x87.
 */
#include <math.h>

#include "cpu/fpu_core.h"

#define SIG_INT (1ull << 63)

/* Biased exponent range of the register format, and of single and double
 * real expressed with the double extended bias (as cpu/fpu_conv.c does). */
enum {
    REG_EMIN = 1, REG_EMAX = FP_EXP_MAX - 1,
    F64_EMIN = FP_EXP_BIAS - 1023 + 1, F64_EMAX = FP_EXP_BIAS + 1023,
    F32_EMIN = FP_EXP_BIAS - 127 + 1, F32_EMAX = FP_EXP_BIAS + 127,
};

static inline bool is_normal(Fp80 a)
{
    return (a.sig >> 63) && (unsigned)(fp_exp(a) - 1) < FP_EXP_MAX - 1;
}

static inline bool is_zero(Fp80 a)
{
    return fp_exp(a) == 0 && a.sig == 0;
}

static inline int precision(const FpCtx *c)
{
    /* 00 single, 01 reserved (as 64), 10 double, 11 double extended */
    static const uint8_t prec[4] = { 24, 64, 53, 64 };
    return prec[(c->cw >> 8) & 3];
}

/*
 * fp_round() for exponents that need neither denormalisation nor overflow
 * handling: sign * (sig + rest / 2^64) * 2^(exp - 16383 - 63), sig
 * normalised, rounded to 'prec' bits with the rounding control. False (and
 * nothing changed) if exp < emin before rounding or exp > emax after it.
 */
static inline bool round_fast(FpCtx *c, FpRounded *r, bool sign, int32_t exp, uint64_t sig,
                              uint64_t rest, int prec, int32_t emin, int32_t emax)
{
    if (exp < emin)
        return false;
    uint64_t frac, ulp;
    if (prec >= 64) {
        frac = rest;
        ulp = 1;
    } else {
        frac = sig << prec | (rest != 0);
        ulp = 1ull << (64 - prec);
        sig &= ~(ulp - 1);
    }
    bool up;
    switch ((c->cw >> 10) & 3) {
    case FP_RC_NEAREST:
        up = frac > SIG_INT || (frac == SIG_INT && (sig & ulp));
        break;
    case FP_RC_UP:
        up = !sign && frac;
        break;
    case FP_RC_DOWN:
        up = sign && frac;
        break;
    default:
        up = false;
        break;
    }
    if (up) {
        sig += ulp;
        if (sig == 0) {
            sig = SIG_INT;
            exp++;
        }
    }
    if (exp > emax)
        return false;
    if (frac)
        c->exc |= FP_PE;
    c->up = up;
    r->sign = sign;
    r->exp = exp;
    r->sig = sig;
    return true;
}

static inline bool round_reg(FpCtx *c, Fp80 *res, bool sign, int32_t exp, uint64_t sig,
                             uint64_t rest)
{
    FpRounded r;
    if (!round_fast(c, &r, sign, exp, sig, rest, precision(c), REG_EMIN, REG_EMAX))
        return false;
    *res = fp_make(r.sign, (unsigned)r.exp, r.sig);
    return true;
}

/* ---- + - * / sqrt ------------------------------------------------------------------ */

/* Operands of add_fast that are not both normal: zeros, or out of the domain. */
static bool add_zero(FpCtx *c, Fp80 a, Fp80 b, Fp80 *res)
{
    if (is_zero(a) && is_zero(b)) {
        bool s = fp_sign(a) == fp_sign(b) ? fp_sign(a) : ((c->cw >> 10) & 3) == FP_RC_DOWN;
        *res = fp_zero(s);
        return true;
    }
    /* x + 0 and 0 + x: x rounded to the precision control */
    if (is_zero(a) && is_normal(b))
        return round_reg(c, res, fp_sign(b), (int32_t)fp_exp(b), b.sig, 0);
    if (is_zero(b) && is_normal(a))
        return round_reg(c, res, fp_sign(a), (int32_t)fp_exp(a), a.sig, 0);
    return false;
}

/* |x| >= |y|, exponents 64 or more apart: y only contributes sticky bits
 * below x's significand (the reference's 128-bit alignment). */
static bool add_far(FpCtx *c, Fp80 x, Fp80 y, int32_t d, Fp80 *res)
{
    u128 xs = (u128)x.sig << 62, ys = (u128)y.sig << 62;
    if (d >= 128)
        ys = 1;
    else
        ys = (ys >> d) | ((ys << (128 - d)) != 0);
    u128 s = fp_sign(x) == fp_sign(y) ? xs + ys : xs - ys;
    int lz = __builtin_clzll((uint64_t)(s >> 64));   /* s >= 2^124 */
    s <<= lz;
    return round_reg(c, res, fp_sign(x), (int32_t)fp_exp(x) + 2 - lz, (uint64_t)(s >> 64),
                     (uint64_t)s);
}

bool fp_add_fast(FpCtx *c, const Fp80 *pa, const Fp80 *pb, bool subtract, Fp80 *res)
{
    Fp80 a = *pa, b = *pb;
    if (subtract)
        b = fp_neg(b);
    if (!is_normal(a) || !is_normal(b))
        return add_zero(c, a, b, res);
    /* x: the operand of larger magnitude */
    Fp80 x = a, y = b;
    if (fp_exp(a) < fp_exp(b) || (fp_exp(a) == fp_exp(b) && a.sig < b.sig)) {
        x = b;
        y = a;
    }
    int32_t d = (int32_t)fp_exp(x) - (int32_t)fp_exp(y);
    if (d >= 64)
        return add_far(c, x, y, d, res);
    /* y aligned to x exactly in 128 bits: yh:yl */
    uint64_t yh = y.sig >> d, yl = d ? y.sig << (64 - d) : 0;
    int32_t e = (int32_t)fp_exp(x);
    uint64_t hi, lo;
    if (fp_sign(x) == fp_sign(y)) {
        hi = x.sig + yh;
        lo = yl;
        if (hi < yh) {
            /* carry out: one place right, the bit shifted out stays sticky */
            lo = (lo >> 1) | (lo & 1) | hi << 63;
            hi = hi >> 1 | SIG_INT;
            e++;
        }
    } else {
        lo = 0 - yl;
        hi = x.sig - yh - (yl != 0);
        if (hi == 0 && lo == 0) {
            *res = fp_zero(((c->cw >> 10) & 3) == FP_RC_DOWN);
            return true;
        }
        if (!(hi >> 63)) {
            int lz = hi ? __builtin_clzll(hi) : 64 + __builtin_clzll(lo);
            if (lz >= 64) {
                hi = lo << (lz - 64);
                lo = 0;
            } else {
                hi = hi << lz | lo >> (64 - lz);
                lo <<= lz;
            }
            e -= lz;
        }
    }
    return round_reg(c, res, fp_sign(x), e, hi, lo);
}

bool fp_mul_fast(FpCtx *c, const Fp80 *pa, const Fp80 *pb, Fp80 *res)
{
    Fp80 a = *pa, b = *pb;
    bool sign = fp_sign(a) ^ fp_sign(b);
    if (!is_normal(a) || !is_normal(b)) {
        if ((is_zero(a) || is_normal(a)) && (is_zero(b) || is_normal(b))) {
            *res = fp_zero(sign);
            return true;
        }
        return false;
    }
    u128 p = (u128)a.sig * b.sig;
    int32_t e = (int32_t)fp_exp(a) + (int32_t)fp_exp(b) - FP_EXP_BIAS + 1;
    if (!(p >> 127)) {
        p <<= 1;
        e--;
    }
    return round_reg(c, res, sign, e, (uint64_t)(p >> 64), (uint64_t)p);
}

bool fp_div_fast(FpCtx *c, const Fp80 *pa, const Fp80 *pb, Fp80 *res)
{
    Fp80 a = *pa, b = *pb;
    bool sign = fp_sign(a) ^ fp_sign(b);
    if (!is_normal(b))
        return false;                        /* zero divisor: ZE or IE */
    if (!is_normal(a)) {
        if (!is_zero(a))
            return false;
        *res = fp_zero(sign);
        return true;
    }
    int32_t e = (int32_t)fp_exp(a) - (int32_t)fp_exp(b) + FP_EXP_BIAS;
    u128 num;
    if (a.sig >= b.sig) {
        num = (u128)a.sig << 63;
    } else {
        num = (u128)a.sig << 64;
        e--;
    }
    /* q has 64 bits (bit 63 set). The reference divides once more for the
     * next 64 bits; rounding only needs how the remainder compares with half
     * the divisor, and whether it is zero. */
    uint64_t q = (uint64_t)(num / b.sig);
    uint64_t r = (uint64_t)num - q * b.sig;
    uint64_t rest = 0;
    if (r) {
        uint64_t other = b.sig - r;          /* r > b.sig / 2  <=>  r > b.sig - r */
        rest = r > other ? SIG_INT | 1 : r == other ? SIG_INT : 1;
    }
    return round_reg(c, res, sign, e, q, rest);
}

/* floor(sqrt(n)) for n in [2^126, 2^128), and n - root^2: a double precision
 * estimate, one Newton step and an exact check. False if the check fails to
 * settle (not expected; the caller then takes the reference). */
static bool isqrt_fast(u128 n, uint64_t *root, u128 *rem)
{
    double est = sqrt((double)(uint64_t)(n >> 64)) * 4294967296.0;   /* * 2^32 */
    uint64_t r0 = est >= 18446744073709551615.0 ? UINT64_MAX : (uint64_t)est;
    if (r0 < SIG_INT)
        r0 = SIG_INT;
    /* Newton from any positive start lands at or above floor(sqrt(n)) */
    u128 r1 = ((u128)r0 + n / r0) >> 1;
    uint64_t r = r1 > UINT64_MAX ? UINT64_MAX : (uint64_t)r1;
    for (int i = 0; i < 4; i++) {
        u128 sq = (u128)r * r;
        if (sq > n) {
            r--;
            continue;
        }
        if (n - sq > 2 * (u128)r)
            return false;                    /* (r + 1)^2 <= n: r too small */
        *root = r;
        *rem = n - sq;
        return true;
    }
    return false;
}

bool fp_sqrt_fast(FpCtx *c, const Fp80 *pa, Fp80 *res)
{
    Fp80 a = *pa;
    if (is_zero(a)) {
        *res = a;
        return true;
    }
    if (!is_normal(a) || fp_sign(a))
        return false;
    int32_t ue = (int32_t)fp_exp(a) - FP_EXP_BIAS;
    u128 n;
    int32_t re;
    if (ue & 1) {
        n = (u128)a.sig << 64;
        re = (ue - 1) / 2;
    } else {
        n = (u128)a.sig << 63;
        re = ue / 2;
    }
    uint64_t root;
    u128 rem;
    if (!isqrt_fast(n, &root, &rem))
        return false;
    /* sqrt(n) = root + f: f > 1/2 exactly when rem > root; never == 1/2 */
    uint64_t rest = rem == 0 ? 0 : rem > root ? SIG_INT | 1 : 1;
    return round_reg(c, res, false, re + FP_EXP_BIAS, root, rest);
}

/* ---- FST m32 / m64 ------------------------------------------------------------------- */

/* The encoding, sign excluded, of a normal or zero 'a' rounded to a binary
 * format with 'frac_bits' fraction bits; false outside the domain. */
static inline bool to_ieee_fast(FpCtx *c, Fp80 a, int frac_bits, int32_t emin, int32_t emax,
                                uint64_t *enc)
{
    if (is_zero(a)) {
        *enc = 0;
        return true;
    }
    FpRounded r;
    if (!is_normal(a) ||
        !round_fast(c, &r, fp_sign(a), (int32_t)fp_exp(a), a.sig, 0, frac_bits + 1, emin, emax))
        return false;
    uint64_t frac = (r.sig >> (63 - frac_bits)) & ((1ull << frac_bits) - 1);
    *enc = (uint64_t)(r.exp - emin + 1) << frac_bits | frac;
    return true;
}

bool fp_to_f32_fast(FpCtx *c, const Fp80 *pa, uint32_t *out)
{
    Fp80 a = *pa;
    uint64_t enc;
    if (!to_ieee_fast(c, a, 23, F32_EMIN, F32_EMAX, &enc))
        return false;
    *out = (uint32_t)enc | (fp_sign(a) ? 0x80000000u : 0);
    return true;
}

bool fp_to_f64_fast(FpCtx *c, const Fp80 *pa, uint64_t *out)
{
    Fp80 a = *pa;
    uint64_t enc;
    if (!to_ieee_fast(c, a, 52, F64_EMIN, F64_EMAX, &enc))
        return false;
    *out = enc | (fp_sign(a) ? 1ull << 63 : 0);
    return true;
}

/* ---- FCOM / FUCOM ---------------------------------------------------------------------- */

int fp_compare_fast(const Fp80 *pa, const Fp80 *pb)
{
    Fp80 a = *pa, b = *pb;
    bool za = is_zero(a), zb = is_zero(b);
    if ((!za && !is_normal(a)) || (!zb && !is_normal(b)))
        return -1;
    if (za && zb)
        return FP_CMP_EQ;
    if (za)
        return fp_sign(b) ? FP_CMP_GT : FP_CMP_LT;
    if (zb || fp_sign(a) != fp_sign(b))
        return fp_sign(a) ? FP_CMP_LT : FP_CMP_GT;
    if (a.se == b.se && a.sig == b.sig)
        return FP_CMP_EQ;
    bool greater = fp_exp(a) != fp_exp(b) ? fp_exp(a) > fp_exp(b) : a.sig > b.sig;
    return greater != fp_sign(a) ? FP_CMP_GT : FP_CMP_LT;
}
