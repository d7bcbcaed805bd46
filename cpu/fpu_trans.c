/*
 * cpu/fpu_trans.c - x87 transcendental instructions: F2XM1, FYL2X, FYL2XP1,
 * FPATAN, FSIN, FCOS, FSINCOS, FPTAN.
 *
 * Models:      results computed with a 128-bit significand ("Wide": Taylor
 *              and atanh series after argument reduction) and rounded once
 *              to double extended with the rounding control, so they are
 *              within an ulp of the true value like the hardware's (which is
 *              not always correctly rounded itself). The trigonometric
 *              argument reduction is exact with respect to the 66-bit value
 *              of pi the x87 uses (SDM Vol. 1 8.3.10: results for large
 *              arguments follow that pi, not the true one); |x| >= 2^63 sets
 *              C2 and leaves the operand alone. Special operands follow the
 *              SDM tables (FPATAN, FYL2X, FYL2XP1, F2XM1, FSIN ...): invalid
 *              operations -> IE, log2(0) -> ZE, NaN propagation, DE after
 *              invalid checks. The precision control does not apply.
 * Not modeled: results outside the documented domains (F2XM1 |x| > 1,
 *              FYL2XP1 |x| >= 1 - sqrt(2)/2) are computed by the same formulas
 *              and may differ from a given processor's.
 * Spec:        SDM Vol. 1 8.3.9-8.3.10 (transcendental instructions, pi),
 *              Vol. 2 F2XM1, FYL2X, FYL2XP1, FPATAN, FSIN, FCOS, FSINCOS, FPTAN.
 */
#include "cpu/fpu_core.h"


/* sign * sig * 2^(exp - 127); sig normalised (bit 127 set) or 0 */
typedef struct Wide {
    bool sign;
    int32_t exp;
    u128 sig;
} Wide;

#define W_TOP ((u128)1 << 127)

static u128 mk128(uint64_t hi, uint64_t lo) { return (u128)hi << 64 | lo; }

static const Wide W_LN2 = { false, -1, (u128)0xb17217f7d1cf79abull << 64 | 0xc9e3b39803f2f6afull };
static const Wide W_LOG2E = { false, 0, (u128)0xb8aa3b295c17f0bbull << 64 | 0xbe87fed0691d3e89ull };
static const Wide W_PI = { false, 1, (u128)0xc90fdaa22168c234ull << 64 | 0xc4c6628b80dc1cd1ull };
static const Wide W_ONE = { false, 0, (u128)1 << 127 };

static int clz128(u128 v)
{
    uint64_t hi = (uint64_t)(v >> 64);
    return hi ? __builtin_clzll(hi) : 64 + __builtin_clzll((uint64_t)v);
}

static Wide w_norm(bool sign, int32_t exp, u128 sig)
{
    Wide w = { sign, exp, sig };
    if (!sig) {
        w.exp = INT32_MIN / 2;
        return w;
    }
    int lz = clz128(sig);
    w.sig = sig << lz;
    w.exp = exp - lz;
    return w;
}

static Wide w_from(Fp80 a)
{
    FpUnpacked u = fp_unpack(a);
    return w_norm(u.sign, u.exp - FP_EXP_BIAS, (u128)u.sig << 64);
}

static Wide w_int(int64_t v)
{
    bool s = v < 0;
    return w_norm(s, 127, (u128)(s ? 0 - (uint64_t)v : (uint64_t)v));
}

static Wide w_neg(Wide a) { a.sign = !a.sign; return a; }
static Wide w_scale(Wide a, int32_t n) { a.exp += n; return a; }

static Wide w_mul(Wide a, Wide b)
{
    if (!a.sig || !b.sig)
        return w_norm(false, 0, 0);
    uint64_t ah = (uint64_t)(a.sig >> 64), al = (uint64_t)a.sig;
    uint64_t bh = (uint64_t)(b.sig >> 64), bl = (uint64_t)b.sig;
    u128 mid = ((u128)ah * bl >> 64) + ((u128)al * bh >> 64);
    u128 hi = (u128)ah * bh + mid;
    return w_norm(a.sign ^ b.sign, a.exp + b.exp + 1, hi);
}

static Wide w_add(Wide a, Wide b)
{
    if (!a.sig)
        return b;
    if (!b.sig)
        return a;
    if (a.exp < b.exp || (a.exp == b.exp && a.sig < b.sig)) {
        Wide t = a;
        a = b;
        b = t;
    }
    int32_t d = a.exp - b.exp;
    u128 x = a.sig >> 1, y = b.sig >> 1;
    /* jam what is shifted out so a tiny addend still tips the rounding */
    if (d >= 127)
        y = 1;
    else if (d > 0)
        y = (y >> d) | ((y << (128 - d)) != 0);
    u128 s = a.sign == b.sign ? x + y : x - y;
    return w_norm(a.sign, a.exp + 1, s);
}

static Wide w_sub(Wide a, Wide b) { return w_add(a, w_neg(b)); }

static Wide w_div(Wide a, Wide b)
{
    if (!a.sig)
        return a;
    u128 r = a.sig, q = 0;
    int32_t exp = a.exp - b.exp;
    if (r >= b.sig) {
        r -= b.sig;
        q = 1;
    }
    for (int i = 0; i < 127; i++) {
        bool carry = r >> 127;
        r <<= 1;
        q <<= 1;
        if (carry || r >= b.sig) {
            r -= b.sig;
            q |= 1;
        }
    }
    return w_norm(a.sign ^ b.sign, exp, q);
}

static Wide w_sqrt(Wide a)
{
    /* 64-bit first guess from the top bits, one Newton step doubles it */
    u128 m = a.sig, rem;
    int32_t e = a.exp - 127;
    if (e & 1) {
        m >>= 1;
        e++;
    }
    u128 root = fp_isqrt128(m, &rem);
    Wide x = w_norm(false, e / 2 + 63, root << 64);
    return w_scale(w_add(x, w_div(a, x)), -1);
}

static Fp80 w_round(FpCtx *c, Wide w)
{
    if (!w.sig)
        return fp_zero(w.sign);
    int32_t e = w.exp + FP_EXP_BIAS;
    if (e > 0x10000)
        e = 0x10000;
    if (e < -0x10000)
        e = -0x10000;
    c->exc |= FP_PE;                         /* never exact (SDM Vol. 1 8.3.10) */
    Fp80 r = fp_round_reg(c, w.sign, e, (uint64_t)(w.sig >> 64), (uint64_t)w.sig, false);
    if (fp_exp(r) == 0 && (c->cw & FP_UE))
        c->exc |= FP_UE;                     /* tiny and inexact */
    return r;
}

/* ---- series ------------------------------------------------------------------- */

/* e^t - 1 for |t| <= 1 */
static Wide w_expm1(Wide t)
{
    Wide sum = t, term = t;
    for (int k = 2; k < 48; k++) {
        term = w_div(w_mul(term, t), w_int(k));
        if (!term.sig || term.exp < sum.exp - 130)
            break;
        sum = w_add(sum, term);
    }
    return sum;
}

/* 2 atanh(s) = ln((1+s)/(1-s)) for |s| <= 0.18 */
static Wide w_2atanh(Wide s)
{
    Wide s2 = w_mul(s, s), term = s, sum = s;
    for (int k = 3; k < 120; k += 2) {
        term = w_mul(term, s2);
        Wide t = w_div(term, w_int(k));
        if (!t.sig || t.exp < sum.exp - 130)
            break;
        sum = w_add(sum, t);
    }
    return w_scale(sum, 1);
}

/* log2(x) for finite x > 0 */
static Wide w_log2(Wide x)
{
    int32_t k = x.exp;
    Wide m = x;
    m.exp = 0;                                   /* m in [1, 2) */
    if (m.sig > mk128(0xb504f333f9de6484ull, 0x597d89b3754abe9full)) {   /* sqrt 2 */
        m.exp = -1;
        k++;
    }
    Wide s = w_div(w_sub(m, W_ONE), w_add(m, W_ONE));
    Wide l = w_mul(w_2atanh(s), W_LOG2E);
    return w_add(w_int(k), l);
}

/* atan(t) for 0 <= t <= 1 */
static Wide w_atan(Wide t)
{
    int halvings = 0;
    while (t.sig && t.exp >= -4 && halvings < 4) {
        /* atan t = 2 atan(t / (1 + sqrt(1 + t^2))) */
        t = w_div(t, w_add(W_ONE, w_sqrt(w_add(W_ONE, w_mul(t, t)))));
        halvings++;
    }
    Wide t2 = w_mul(t, t), term = t, sum = t;
    for (int k = 3; k < 200; k += 2) {
        term = w_neg(w_mul(term, t2));
        Wide x = w_div(term, w_int(k));
        if (!x.sig || x.exp < sum.exp - 130)
            break;
        sum = w_add(sum, x);
    }
    return w_scale(sum, halvings);
}

/* sin and cos of |r| <= pi/4 */
static void w_sincos(Wide r, Wide *s, Wide *co)
{
    Wide r2 = w_mul(r, r);
    Wide ts = r, ss = r, tc = W_ONE, sc = W_ONE;
    for (int k = 1; k < 40; k++) {
        tc = w_neg(w_div(w_mul(tc, r2), w_int((2 * k - 1) * (2 * k))));
        ts = w_neg(w_div(w_mul(ts, r2), w_int((2 * k) * (2 * k + 1))));
        if ((!ts.sig || ts.exp < ss.exp - 130) && (!tc.sig || tc.exp < -130))
            break;
        sc = w_add(sc, tc);
        ss = w_add(ss, ts);
    }
    *s = ss;
    *co = sc;
}

/* ---- instructions --------------------------------------------------------------- */

Fp80 fp_f2xm1(FpCtx *c, Fp80 a)
{
    Fp80 res;
    if (fp_nan_operand(c, a, &res))
        return res;
    int k = fp_class(a);
    if (k == FPC_ZERO)
        return a;
    if (k == FPC_INF)
        return fp_sign(a) ? fp_make(true, FP_EXP_BIAS, 1ull << 63) : a;
    if (fp_check_denormal(c, a))
        return a;
    if (fp_exp(a) >= FP_EXP_BIAS && !(fp_exp(a) == FP_EXP_BIAS && a.sig == 1ull << 63)) {
        c->exc |= FP_PE;                     /* |x| > 1: operand returned (measured) */
        return a;
    }
    return w_round(c, w_expm1(w_mul(w_from(a), W_LN2)));
}

/* y * log2(x) with the special cases of SDM Vol. 2 FYL2X table 3-49 */
Fp80 fp_yl2x(FpCtx *c, Fp80 x, Fp80 y)
{
    Fp80 res;
    if (fp_nan_operands(c, x, y, &res))
        return res;
    int kx = fp_class(x), ky = fp_class(y);
    bool x_one = kx == FPC_NORMAL && x.se == FP_EXP_BIAS && x.sig == 1ull << 63;
    if ((fp_sign(x) && kx != FPC_ZERO) || (kx == FPC_ZERO && ky == FPC_ZERO) ||
        (kx == FPC_INF && ky == FPC_ZERO) || (x_one && ky == FPC_INF)) {
        c->exc |= FP_IE;
        return fp_indefinite();
    }
    if (kx == FPC_ZERO && ky != FPC_INF) {
        c->exc |= FP_ZE;
        return fp_inf(!fp_sign(y));
    }
    bool stop = fp_check_denormal(c, x);
    if (fp_check_denormal(c, y) || stop)
        return x;
    if (kx == FPC_ZERO)
        return fp_inf(!fp_sign(y));
    if (kx == FPC_INF)
        return fp_inf(fp_sign(y));
    if (x_one)
        return fp_zero(fp_sign(y));
    bool below_one = fp_unpack(x).exp < FP_EXP_BIAS;
    if (ky == FPC_INF)
        return fp_inf(fp_sign(y) ^ below_one);
    if (ky == FPC_ZERO)
        return fp_zero(fp_sign(y) ^ below_one);
    return w_round(c, w_mul(w_log2(w_from(x)), w_from(y)));
}

Fp80 fp_yl2xp1(FpCtx *c, Fp80 x, Fp80 y)
{
    Fp80 res;
    if (fp_nan_operands(c, x, y, &res))
        return res;
    int kx = fp_class(x), ky = fp_class(y);
    if ((kx == FPC_ZERO && ky == FPC_INF) || (kx == FPC_INF && ky == FPC_ZERO) ||
        (kx == FPC_INF && fp_sign(x))) {
        c->exc |= FP_IE;
        return fp_indefinite();
    }
    bool stop = fp_check_denormal(c, x);
    if (fp_check_denormal(c, y) || stop)
        return x;
    if (kx == FPC_ZERO || ky == FPC_ZERO)
        return fp_zero(fp_sign(x) ^ fp_sign(y));
    if (kx == FPC_INF || ky == FPC_INF)
        return fp_inf(fp_sign(x) ^ fp_sign(y));
    Wide wx = w_from(x);
    if (wx.exp >= -2) {
        /* outside |x| < 1 - sqrt(2)/2: log2(1 + x) directly; x <= -1
         * returns the operand (measured) */
        if (fp_sign(x) && wx.exp >= 0) {
            c->exc |= FP_PE;
            return x;
        }
        return w_round(c, w_mul(w_log2(w_add(W_ONE, wx)), w_from(y)));
    }
    Wide s = w_div(wx, w_add(w_int(2), wx));
    return w_round(c, w_mul(w_mul(w_2atanh(s), W_LOG2E), w_from(y)));
}

/* FPATAN: atan2(y, x), SDM Vol. 2 FPATAN table 3-30 */
Fp80 fp_atan2(FpCtx *c, Fp80 y, Fp80 x)
{
    Fp80 res;
    if (fp_nan_operands(c, y, x, &res))
        return res;
    bool stop = fp_check_denormal(c, y);
    if (fp_check_denormal(c, x) || stop)
        return y;
    int kx = fp_class(x), ky = fp_class(y);
    bool sy = fp_sign(y), sx = fp_sign(x);
    Wide theta;
    if (ky == FPC_ZERO) {
        if (!sx)
            return y;
        theta = W_PI;
    } else if (ky == FPC_INF) {
        theta = kx == FPC_INF ? w_scale(W_PI, -2) : w_scale(W_PI, -1);
        if (kx == FPC_INF && sx)
            theta = w_sub(W_PI, theta);
    } else if (kx == FPC_ZERO) {
        theta = w_scale(W_PI, -1);
    } else if (kx == FPC_INF) {
        if (!sx)
            return fp_zero(sy);
        theta = W_PI;
    } else {
        Wide a = w_from(fp_abs(y)), b = w_from(fp_abs(x));
        bool swap = a.exp > b.exp || (a.exp == b.exp && a.sig > b.sig);
        theta = swap ? w_sub(w_scale(W_PI, -1), w_atan(w_div(b, a))) : w_atan(w_div(a, b));
        if (sx)
            theta = w_sub(W_PI, theta);
    }
    theta.sign = sy;
    return w_round(c, theta);
}

/*
 * Reduce x (|x| < 2^63) modulo pi/2 exactly against the x87's 66-bit pi:
 * r = x - n * pi66 / 2 with n the nearest integer; returns n mod 4.
 */
static unsigned reduce(Fp80 a, Wide *r)
{
    static const u128 pi66 = (u128)0xc90fdaa22168c234ull << 2 | 3;   /* pi * 2^64 */
    FpUnpacked u = fp_unpack(a);
    int32_t e = u.exp - FP_EXP_BIAS;
    if (e + 2 < 0) {
        *r = w_from(a);
        return 0;
    }
    /* x = sig * 2^(e - 63) = N * 2^-65 with N = sig << (e + 2) */
    u128 n = (u128)u.sig << (e + 2);
    u128 q = n / pi66, rem = n % pi66;
    bool neg = false;
    if (rem > pi66 / 2) {
        q++;
        rem = pi66 - rem;
        neg = true;
    }
    *r = w_norm(u.sign ^ neg, 127 - 65, rem);
    return (unsigned)(u.sign ? (4 - (q & 3)) & 3 : q & 3);
}

static bool trig_special(FpCtx *c, Fp80 a, Fp80 *out)
{
    if (fp_nan_operand(c, a, out))
        return true;
    int k = fp_class(a);
    if (k == FPC_INF) {
        c->exc |= FP_IE;
        *out = fp_indefinite();
        return true;
    }
    return fp_check_denormal(c, a);
}

static bool out_of_range(Fp80 a)
{
    return fp_class(a) == FPC_NORMAL && fp_exp(a) >= FP_EXP_BIAS + 63;
}

bool fp_sincos(FpCtx *c, FpCtx *cc, Fp80 a, Fp80 *sin_out, Fp80 *cos_out)
{
    if (out_of_range(a))
        return false;
    bool special = trig_special(c, a, sin_out);
    cc->exc |= c->exc;
    if (special) {
        *cos_out = *sin_out;
        return true;
    }
    if (fp_class(a) == FPC_ZERO) {
        *sin_out = a;
        *cos_out = fp_make(false, FP_EXP_BIAS, 1ull << 63);
        return true;
    }
    Wide r, s, co;
    unsigned quadrant = reduce(a, &r);
    w_sincos(r, &s, &co);
    Wide rs = s, rc = co;
    switch (quadrant) {
    case 1: rs = co; rc = w_neg(s); break;
    case 2: rs = w_neg(s); rc = w_neg(co); break;
    case 3: rs = w_neg(co); rc = s; break;
    default: break;
    }
    *cos_out = w_round(cc, rc);
    *sin_out = w_round(c, rs);
    return true;
}

bool fp_tan(FpCtx *c, Fp80 a, Fp80 *out)
{
    if (out_of_range(a))
        return false;
    if (trig_special(c, a, out))
        return true;
    if (fp_class(a) == FPC_ZERO) {
        *out = a;
        return true;
    }
    Wide r, s, co;
    unsigned quadrant = reduce(a, &r);
    w_sincos(r, &s, &co);
    *out = w_round(c, quadrant & 1 ? w_neg(w_div(co, s)) : w_div(s, co));
    return true;
}
