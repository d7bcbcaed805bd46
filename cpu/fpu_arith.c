/*
 * cpu/fpu_arith.c - x87 arithmetic core: rounding, + - * / sqrt, FRNDINT,
 * FSCALE, FXTRACT, FPREM/FPREM1 and compares on 80-bit values.
 *
 * Models:      correctly rounded IEEE 754 results with the x87's precision
 *              control (24/53/64-bit significand, always the 15-bit exponent
 *              range for register results), all four rounding modes,
 *              gradual underflow with tininess detected after rounding,
 *              masked responses to overflow (infinity or largest finite by
 *              rounding mode), the 24576 exponent wrap of unmasked O/U on
 *              register destinations, NaN propagation (SDM Vol. 1 table 4-7),
 *              the real indefinite for invalid operations, unsupported
 *              encodings (unnormals, pseudo-NaN/infinity) as invalid operands,
 *              pseudo-denormals as denormal operands, C1 = rounded up.
 *              Exact results are computed on 128-bit integers (a 64-bit
 *              significand plus 64 guard bits with a sticky bit), so every
 *              operation rounds exactly once.
 * Not modeled: -
 * Spec:        SDM Vol. 1 4.4-4.9 (formats, rounding, exceptions), 8.2
 *              (x87 data types, unsupported formats), 8.5 (x87 exception
 *              conditions); Vol. 2 FADD, FMUL, FDIV, FSQRT, FRNDINT, FSCALE,
 *              FXTRACT, FPREM, FPREM1, FCOM, FUCOM.
 */
#include "cpu/fpu_core.h"


#define SIG_INT (1ull << 63)
#define SIG_QUIET (1ull << 62)

int fp_class(Fp80 a)
{
    unsigned e = fp_exp(a);
    bool integer = (a.sig >> 63) != 0;
    if (e == FP_EXP_MAX) {
        if (!integer)
            return FPC_UNSUPPORTED;          /* pseudo-infinity, pseudo-NaN */
        if ((a.sig << 1) == 0)
            return FPC_INF;
        return (a.sig & SIG_QUIET) ? FPC_QNAN : FPC_SNAN;
    }
    if (e == 0)
        return a.sig == 0 ? FPC_ZERO : FPC_DENORMAL;   /* incl. pseudo-denormals */
    return integer ? FPC_NORMAL : FPC_UNSUPPORTED;     /* unnormal */
}

bool fp_is_nan(Fp80 a)
{
    int k = fp_class(a);
    return k == FPC_QNAN || k == FPC_SNAN;
}

FpUnpacked fp_unpack(Fp80 a)
{
    FpUnpacked u;
    int32_t e = (int32_t)fp_exp(a);
    int sh = a.sig ? __builtin_clzll(a.sig) : 0;
    u.sign = fp_sign(a);
    if (e == 0)
        e = 1;                               /* denormals: exponent of 2^-16382 */
    u.sig = a.sig << sh;
    u.exp = e - sh;
    return u;
}

int fp_precision(const FpCtx *c)
{
    /* SDM Vol. 1 8.1.5.2: 00 single, 10 double, 11 double extended (01 reserved) */
    static const int prec[4] = { 24, 64, 53, 64 };
    return prec[(c->cw >> 8) & 3];
}

static int rounding(const FpCtx *c)
{
    return (c->cw >> 10) & 3;
}

static bool round_decision(int rc, bool sign, uint64_t frac, bool odd)
{
    switch (rc) {
    case FP_RC_NEAREST:
        return frac > SIG_INT || (frac == SIG_INT && odd);
    case FP_RC_UP:
        return !sign && frac;
    case FP_RC_DOWN:
        return sign && frac;
    default:
        return false;
    }
}

/* Round *sig at 'prec' bits; returns true on carry out of bit 63. */
static bool round_bits(uint64_t *sig, uint64_t rest, int prec, int rc, bool sign,
                       bool *inexact, bool *up)
{
    uint64_t frac, ulp;
    if (prec >= 64) {
        frac = rest;
        ulp = 1;
    } else {
        frac = (*sig << prec) | (rest != 0);
        ulp = 1ull << (64 - prec);
        *sig &= ~(ulp - 1);
    }
    *inexact = frac != 0;
    *up = round_decision(rc, sign, frac, (*sig & ulp) != 0);
    if (!*up)
        return false;
    *sig += ulp;
    if (*sig == 0) {
        *sig = SIG_INT;
        return true;
    }
    return false;
}

static void shr_jam(uint64_t *hi, uint64_t *lo, int32_t n)
{
    u128 v = (u128)*hi << 64 | *lo;
    if (n <= 0)
        return;
    if (n >= 128)
        v = v != 0;
    else
        v = (v >> n) | ((v << (128 - n)) != 0);
    *hi = (uint64_t)(v >> 64);
    *lo = (uint64_t)v;
}

bool fp_round(FpCtx *c, FpRounded *r, bool sign, int32_t exp, uint64_t sig, uint64_t rest,
              int prec, int32_t emin, int32_t emax, bool reg)
{
    int rc = rounding(c);
    bool inexact, up;
    r->sign = sign;
    c->up = false;
    if (exp < emin) {
        /* SDM Vol. 1 4.9.1.5: tiny when the result rounded to an unbounded
         * exponent is still below the smallest normal (after rounding). */
        bool tiny = true;
        if (exp == emin - 1) {
            uint64_t s = sig;
            bool ix, u;
            tiny = !round_bits(&s, rest, prec, rc, sign, &ix, &u);
        }
        if (tiny && !(c->cw & FP_UE)) {
            c->exc |= FP_UE;
            if (!reg)
                return false;
            exp += 24576;                    /* SDM Vol. 1 8.5.5: unmasked response */
            if (exp < emin) {
                /* beyond the wrap: a signed zero (measured) */
                c->exc |= FP_PE;
                r->exp = emin;
                r->sig = 0;
                return true;
            }
        }
        if (exp < emin) {
            shr_jam(&sig, &rest, emin - exp);
            round_bits(&sig, rest, prec, rc, sign, &inexact, &up);
            if (inexact)
                c->exc |= (tiny ? FP_UE : 0) | FP_PE;
            c->up = up;
            r->exp = emin;
            r->sig = sig;
            return true;
        }
    }
    if (round_bits(&sig, rest, prec, rc, sign, &inexact, &up))
        exp++;
    if (exp > emax) {
        if (!(c->cw & FP_OE) && (exp - 24576 <= emax || !reg)) {
            c->exc |= FP_OE;
            if (!reg)
                return false;
            exp -= 24576;                    /* SDM Vol. 1 8.5.4: unmasked response */
        } else {
            /* masked: infinity or the largest finite by rounding mode;
             * unmasked but beyond the wrap: infinity (measured) */
            bool to_inf = rc == FP_RC_NEAREST || (rc == FP_RC_UP && !sign) ||
                          (rc == FP_RC_DOWN && sign) || !(c->cw & FP_OE);
            c->exc |= FP_OE | FP_PE;
            c->up = to_inf;
            r->exp = to_inf ? emax + 1 : emax;
            r->sig = to_inf ? SIG_INT : ~0ull << (64 - prec);
            return true;
        }
    }
    if (inexact)
        c->exc |= FP_PE;
    c->up = up;
    r->exp = exp;
    r->sig = sig;
    return true;
}

static Fp80 pack_reg(const FpRounded *r)
{
    if (r->exp >= FP_EXP_MAX)
        return fp_inf(r->sign);
    if (!(r->sig >> 63))
        return fp_make(r->sign, 0, r->sig);   /* denormal or zero */
    return fp_make(r->sign, (unsigned)r->exp, r->sig);
}

Fp80 fp_round_reg(FpCtx *c, bool sign, int32_t exp, uint64_t sig, uint64_t rest, bool use_pc)
{
    FpRounded r;
    fp_round(c, &r, sign, exp, sig, rest, use_pc ? fp_precision(c) : 64, 1, FP_EXP_MAX - 1, true);
    return pack_reg(&r);
}

bool fp_int_part(int rc, bool sign, int32_t exp, uint64_t sig, uint64_t *mag,
                 bool *inexact, bool *up)
{
    int32_t k = exp - FP_EXP_BIAS;
    *inexact = *up = false;
    if (k >= 64)
        return false;
    if (k == 63) {
        *mag = sig;
        return true;
    }
    int32_t n = 63 - k;                      /* fraction bits in sig, >= 1 */
    uint64_t ip = n >= 64 ? 0 : sig >> n;
    uint64_t frac;
    if (n < 64)
        frac = sig << (64 - n);
    else if (n == 64)
        frac = sig;
    else if (n < 128)
        frac = (sig >> (n - 64)) | ((sig << (128 - n)) != 0);
    else
        frac = sig != 0;
    *inexact = frac != 0;
    *up = round_decision(rc, sign, frac, ip & 1);
    *mag = ip + *up;
    return true;
}

/* ---- operand screening ----------------------------------------------------------- */

static Fp80 quiet(Fp80 a)
{
    a.sig |= SIG_QUIET;
    return a;
}

bool fp_nan_operand(FpCtx *c, Fp80 a, Fp80 *res)
{
    int k = fp_class(a);
    if (k == FPC_UNSUPPORTED) {
        c->exc |= FP_IE;
        *res = fp_indefinite();
        return true;
    }
    if (k == FPC_SNAN)
        c->exc |= FP_IE;
    if (k != FPC_SNAN && k != FPC_QNAN)
        return false;
    *res = quiet(a);
    return true;
}

bool fp_nan_operands(FpCtx *c, Fp80 a, Fp80 b, Fp80 *res)
{
    int ka = fp_class(a), kb = fp_class(b);
    if (ka == FPC_UNSUPPORTED || kb == FPC_UNSUPPORTED) {
        c->exc |= FP_IE;
        *res = fp_indefinite();
        return true;
    }
    bool na = ka == FPC_SNAN || ka == FPC_QNAN;
    bool nb = kb == FPC_SNAN || kb == FPC_QNAN;
    if (!na && !nb)
        return false;
    if (ka == FPC_SNAN || kb == FPC_SNAN)
        c->exc |= FP_IE;
    if (na && nb) {
        /* SDM Vol. 1 table 4-7: a QNaN beats an SNaN; otherwise the larger
         * significand wins (ties: the positive one). */
        if (ka != kb)
            *res = quiet(ka == FPC_QNAN ? a : b);
        else if ((a.sig << 1) != (b.sig << 1))
            *res = quiet((a.sig << 1) > (b.sig << 1) ? a : b);
        else
            *res = quiet(fp_sign(a) ? b : a);
    } else {
        *res = quiet(na ? a : b);
    }
    return true;
}

bool fp_check_denormal(FpCtx *c, Fp80 a)
{
    if (fp_class(a) != FPC_DENORMAL)
        return false;
    c->exc |= FP_DE;
    return fp_unmasked(c, FP_DE);
}

/* DE for either operand; true if the operation must stop. */
static bool denormals(FpCtx *c, Fp80 a, Fp80 b)
{
    bool stop = fp_check_denormal(c, a);
    return fp_check_denormal(c, b) || stop;
}

/* A value passed through unchanged: a pseudo-denormal comes out with the
 * exponent field 1 (same value), anything else as is. */
static Fp80 canonical(Fp80 a)
{
    if (fp_exp(a) == 0 && (a.sig >> 63))
        a.se |= 1;
    return a;
}

static Fp80 round_value(FpCtx *c, Fp80 a, bool use_pc)
{
    FpUnpacked u = fp_unpack(a);
    return fp_round_reg(c, u.sign, u.exp, u.sig, 0, use_pc);
}

/* ---- + - * / sqrt ---------------------------------------------------------------- */

Fp80 fp_add(FpCtx *c, Fp80 a, Fp80 b, bool subtract)
{
    Fp80 res;
    if (fp_nan_operands(c, a, b, &res))
        return res;
    if (subtract)
        b = fp_neg(b);
    int ka = fp_class(a), kb = fp_class(b);
    if (ka == FPC_INF && kb == FPC_INF && fp_sign(a) != fp_sign(b)) {
        c->exc |= FP_IE;
        return fp_indefinite();
    }
    if (denormals(c, a, b))
        return a;
    if (ka == FPC_INF || kb == FPC_INF)
        return ka == FPC_INF ? a : b;
    if (ka == FPC_ZERO && kb == FPC_ZERO) {
        bool s = fp_sign(a) == fp_sign(b) ? fp_sign(a) : rounding(c) == FP_RC_DOWN;
        return fp_zero(s);
    }
    if (ka == FPC_ZERO)
        return round_value(c, b, true);
    if (kb == FPC_ZERO)
        return round_value(c, a, true);
    FpUnpacked x = fp_unpack(a), y = fp_unpack(b);
    if (x.exp < y.exp || (x.exp == y.exp && x.sig < y.sig)) {
        FpUnpacked t = x;
        x = y;
        y = t;
    }
    u128 xs = (u128)x.sig << 62, ys = (u128)y.sig << 62;
    int32_t d = x.exp - y.exp;
    if (d >= 128)
        ys = 1;
    else if (d > 0)
        ys = (ys >> d) | ((ys << (128 - d)) != 0);
    u128 s = x.sign == y.sign ? xs + ys : xs - ys;
    if (s == 0)
        return fp_zero(rounding(c) == FP_RC_DOWN);
    uint64_t hi = (uint64_t)(s >> 64);
    int lz = hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((uint64_t)s);
    s <<= lz;
    return fp_round_reg(c, x.sign, x.exp + 2 - lz, (uint64_t)(s >> 64), (uint64_t)s, true);
}

Fp80 fp_mul(FpCtx *c, Fp80 a, Fp80 b)
{
    Fp80 res;
    if (fp_nan_operands(c, a, b, &res))
        return res;
    int ka = fp_class(a), kb = fp_class(b);
    bool sign = fp_sign(a) ^ fp_sign(b);
    if ((ka == FPC_INF && kb == FPC_ZERO) || (ka == FPC_ZERO && kb == FPC_INF)) {
        c->exc |= FP_IE;
        return fp_indefinite();
    }
    if (denormals(c, a, b))
        return a;
    if (ka == FPC_INF || kb == FPC_INF)
        return fp_inf(sign);
    if (ka == FPC_ZERO || kb == FPC_ZERO)
        return fp_zero(sign);
    FpUnpacked x = fp_unpack(a), y = fp_unpack(b);
    u128 p = (u128)x.sig * y.sig;
    int32_t e = x.exp + y.exp - FP_EXP_BIAS + 1;
    if (!(p >> 127)) {
        p <<= 1;
        e--;
    }
    return fp_round_reg(c, sign, e, (uint64_t)(p >> 64), (uint64_t)p, true);
}

Fp80 fp_div(FpCtx *c, Fp80 a, Fp80 b)
{
    Fp80 res;
    if (fp_nan_operands(c, a, b, &res))
        return res;
    int ka = fp_class(a), kb = fp_class(b);
    bool sign = fp_sign(a) ^ fp_sign(b);
    if ((ka == FPC_INF && kb == FPC_INF) || (ka == FPC_ZERO && kb == FPC_ZERO)) {
        c->exc |= FP_IE;
        return fp_indefinite();
    }
    if (kb == FPC_ZERO && ka != FPC_INF) {
        c->exc |= FP_ZE;                     /* SDM Vol. 1 4.9.2: before DE */
        return fp_inf(sign);
    }
    if (denormals(c, a, b))
        return a;
    if (ka == FPC_INF)
        return fp_inf(sign);
    if (kb == FPC_INF || kb == FPC_ZERO)
        return kb == FPC_INF ? fp_zero(sign) : fp_inf(sign);
    if (ka == FPC_ZERO)
        return fp_zero(sign);
    FpUnpacked x = fp_unpack(a), y = fp_unpack(b);
    int32_t e = x.exp - y.exp + FP_EXP_BIAS;
    u128 num;
    if (x.sig >= y.sig) {
        num = (u128)x.sig << 63;
    } else {
        num = (u128)x.sig << 64;
        e--;
    }
    uint64_t q = (uint64_t)(num / y.sig);
    uint64_t r = (uint64_t)(num % y.sig);
    u128 num2 = (u128)r << 64;
    uint64_t q2 = (uint64_t)(num2 / y.sig);
    bool sticky = (num2 % y.sig) != 0;
    return fp_round_reg(c, sign, e, q, q2 | sticky, true);
}

/* floor(sqrt(n)) and the remainder n - root^2 (digit by digit). */
uint64_t fp_isqrt128(u128 n, u128 *rem)
{
    u128 root = 0, bit = (u128)1 << 126;
    while (bit > n)
        bit >>= 2;
    while (bit) {
        if (n >= root + bit) {
            n -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
        bit >>= 2;
    }
    *rem = n;
    return (uint64_t)root;
}

Fp80 fp_sqrt(FpCtx *c, Fp80 a)
{
    Fp80 res;
    if (fp_nan_operand(c, a, &res))
        return res;
    int k = fp_class(a);
    if (k == FPC_ZERO)
        return a;
    if (fp_sign(a)) {
        c->exc |= FP_IE;
        return fp_indefinite();
    }
    if (fp_check_denormal(c, a))
        return a;
    if (k == FPC_INF)
        return a;
    FpUnpacked x = fp_unpack(a);
    int32_t ue = x.exp - FP_EXP_BIAS;
    u128 n, rem;
    int32_t re;
    if (ue & 1) {
        n = (u128)x.sig << 64;
        re = (ue - 1) / 2;
    } else {
        n = (u128)x.sig << 63;
        re = ue / 2;
    }
    uint64_t root = fp_isqrt128(n, &rem);
    /* sqrt(n) = root + f: f > 1/2 exactly when rem > root; never == 1/2 */
    uint64_t rest = rem == 0 ? 0 : rem > root ? SIG_INT | 1 : 1;
    return fp_round_reg(c, false, re + FP_EXP_BIAS, root, rest, true);
}

/* ---- FRNDINT, FSCALE, FXTRACT ------------------------------------------------------- */

Fp80 fp_rndint(FpCtx *c, Fp80 a)
{
    Fp80 res;
    if (fp_nan_operand(c, a, &res))
        return res;
    if (fp_check_denormal(c, a))
        return a;
    int k = fp_class(a);
    if (k == FPC_ZERO || k == FPC_INF)
        return a;
    FpUnpacked x = fp_unpack(a);
    uint64_t mag;
    bool inexact, up;
    if (!fp_int_part(rounding(c), x.sign, x.exp, x.sig, &mag, &inexact, &up))
        return a;                            /* |a| >= 2^64: already integral */
    if (inexact)
        c->exc |= FP_PE;
    c->up = up;
    if (mag == 0)
        return fp_zero(x.sign);
    int lz = __builtin_clzll(mag);
    return fp_make(x.sign, (unsigned)(FP_EXP_BIAS + 63 - lz), mag << lz);
}

Fp80 fp_scale(FpCtx *c, Fp80 a, Fp80 b)
{
    Fp80 res;
    if (fp_nan_operands(c, a, b, &res))
        return res;
    int ka = fp_class(a), kb = fp_class(b);
    /* SDM Vol. 2 FSCALE table: 0 * 2^+inf and inf * 2^-inf are invalid */
    if (kb == FPC_INF && ((!fp_sign(b) && ka == FPC_ZERO) || (fp_sign(b) && ka == FPC_INF))) {
        c->exc |= FP_IE;
        return fp_indefinite();
    }
    if (denormals(c, a, b))
        return a;
    if (kb == FPC_INF) {
        if (ka == FPC_ZERO || ka == FPC_INF)
            return a;
        return fp_sign(b) ? fp_zero(fp_sign(a)) : fp_inf(fp_sign(a));
    }
    if (ka == FPC_ZERO || ka == FPC_INF)
        return a;
    if (kb == FPC_ZERO)
        return canonical(a);                 /* unchanged, even a denormal (measured) */
    int32_t n = 0;
    if (kb != FPC_ZERO) {
        /* any |n| beyond 2^20 over- or underflows anyway: clamp it */
        FpUnpacked y = fp_unpack(b);
        int32_t ue = y.exp - FP_EXP_BIAS;
        if (ue >= 20)
            n = 1 << 20;
        else if (ue >= 0)
            n = (int32_t)(y.sig >> (63 - ue));
        if (y.sign)
            n = -n;
    }
    FpUnpacked x = fp_unpack(a);
    return fp_round_reg(c, x.sign, x.exp + n, x.sig, 0, false);
}

void fp_xtract(FpCtx *c, Fp80 a, Fp80 *sig, Fp80 *exp)
{
    Fp80 res;
    if (fp_nan_operand(c, a, &res)) {
        *sig = *exp = res;
        return;
    }
    if (fp_check_denormal(c, a))
        return;
    int k = fp_class(a);
    if (k == FPC_ZERO) {
        /* SDM Vol. 2 FXTRACT: ZE, exponent -inf, significand the zero */
        c->exc |= FP_ZE;
        *exp = fp_inf(true);
        *sig = a;
        return;
    }
    if (k == FPC_INF) {
        *sig = a;
        *exp = fp_inf(false);
        return;
    }
    FpUnpacked x = fp_unpack(a);
    *sig = fp_make(x.sign, FP_EXP_BIAS, x.sig);
    *exp = fp_from_int(x.exp - FP_EXP_BIAS);
}

/* ---- FPREM, FPREM1 ------------------------------------------------------------------- */

/* Quotient bits Q2 Q1 Q0 -> C0 C3 C1 (SDM Vol. 2 FPREM). */
static uint16_t quotient_cc(uint64_t q)
{
    return (uint16_t)(((q & 4) ? FP_C0 : 0) | ((q & 2) ? FP_C3 : 0) | ((q & 1) ? FP_C1 : 0));
}

/*
 * Exponent difference developed by one partial FPREM/FPREM1 step when the
 * full difference d is 64 or more: SDM Vol. 2 FPREM "N", between 32 and 63.
 */
static int32_t partial_steps(int32_t d)
{
    return 32 + (d - 32) % 32;
}

uint16_t fp_prem(FpCtx *c, Fp80 a, Fp80 b, bool ieee, Fp80 *res)
{
    if (fp_nan_operands(c, a, b, res))
        return 0;
    int ka = fp_class(a), kb = fp_class(b);
    if (ka == FPC_INF || kb == FPC_ZERO) {
        c->exc |= FP_IE;
        *res = fp_indefinite();
        return 0;
    }
    if (denormals(c, a, b))
        return 0;
    if (ka == FPC_ZERO || kb == FPC_INF) {
        *res = canonical(a);                 /* as is, even a denormal (measured) */
        return 0;
    }
    FpUnpacked x = fp_unpack(a), y = fp_unpack(b);
    int32_t d = x.exp - y.exp;
    bool sign = x.sign;
    uint64_t q = 0;
    uint16_t cc = 0;
    u128 r = x.sig;
    int32_t rexp = x.exp;
    if (d < 0) {
        /* |a| < |b|: quotient 0, except FPREM1 rounding |a| > |b|/2 up to 1 */
        if (ieee && d == -1 && x.sig > y.sig) {
            r = ((u128)y.sig << 1) - x.sig;
            q = 1;
            sign = !sign;
        }
    } else {
        int32_t steps = d;
        if (d >= 64) {
            steps = partial_steps(d);
            cc = FP_C2;
        }
        if (r >= y.sig) {
            r -= y.sig;
            q = 1;
        }
        for (int32_t i = 0; i < steps; i++) {
            r <<= 1;
            q <<= 1;
            if (r >= y.sig) {
                r -= y.sig;
                q |= 1;
            }
        }
        rexp = x.exp - steps;
        if (ieee && !cc && ((r << 1) > y.sig || ((r << 1) == y.sig && (q & 1)))) {
            r = y.sig - r;
            q++;
            sign = !sign;
        }
    }
    if (!cc)
        cc = quotient_cc(q);
    if (r == 0) {
        *res = fp_zero(x.sign);
        return cc;
    }
    int lz = __builtin_clzll((uint64_t)r);
    *res = fp_round_reg(c, sign, rexp - lz, (uint64_t)r << lz, 0, false);
    return cc;
}

/* ---- compares ------------------------------------------------------------------------ */

unsigned fp_compare(FpCtx *c, Fp80 a, Fp80 b, bool quiet)
{
    int ka = fp_class(a), kb = fp_class(b);
    if (ka == FPC_UNSUPPORTED || kb == FPC_UNSUPPORTED) {
        c->exc |= FP_IE;
        return FP_CMP_UN;
    }
    if (ka == FPC_SNAN || kb == FPC_SNAN || ka == FPC_QNAN || kb == FPC_QNAN) {
        if (!quiet || ka == FPC_SNAN || kb == FPC_SNAN)
            c->exc |= FP_IE;
        return FP_CMP_UN;
    }
    denormals(c, a, b);                      /* an unmasked DE still compares (measured) */
    if (ka == FPC_ZERO && kb == FPC_ZERO)
        return FP_CMP_EQ;
    if (ka == FPC_ZERO)
        return fp_sign(b) ? FP_CMP_GT : FP_CMP_LT;
    if (kb == FPC_ZERO)
        return fp_sign(a) ? FP_CMP_LT : FP_CMP_GT;
    if (fp_sign(a) != fp_sign(b))
        return fp_sign(a) ? FP_CMP_LT : FP_CMP_GT;
    FpUnpacked x = fp_unpack(a), y = fp_unpack(b);
    if (ka == FPC_INF)
        x.exp = INT32_MAX;
    if (kb == FPC_INF)
        y.exp = INT32_MAX;
    if (x.exp == y.exp && x.sig == y.sig)
        return FP_CMP_EQ;
    bool greater = x.exp != y.exp ? x.exp > y.exp : x.sig > y.sig;
    if (x.sign)
        greater = !greater;
    return greater ? FP_CMP_GT : FP_CMP_LT;
}
