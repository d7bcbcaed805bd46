/*
 * cpu/fpu_conv.c - x87 format conversions: single/double real, 16/32/64-bit
 * integers and 18-digit packed BCD to and from double extended.
 *
 * Models:      loads (FLD m32/m64, FILD, FBLD) are exact; an SNaN source
 *              raises IE and loads as a QNaN, a denormal single/double raises
 *              DE and loads normalised. Stores (FST m32/m64, FIST, FBSTP)
 *              round with the control word's rounding mode to the
 *              destination format, including its exponent range: masked
 *              overflow/underflow per SDM Vol. 1 4.9.1.4-5, NaNs truncated
 *              (SNaN -> IE, QNaN), unsupported encodings -> IE and the real
 *              indefinite; FIST/FBSTP of NaN, infinity or out-of-range values
 *              -> IE and the integer/BCD indefinite.
 * Not modeled: -
 * Spec:        SDM Vol. 1 4.2.2 (formats), 4.7 (packed BCD), 4.8.3.6-7
 *              (indefinites), 8.5.1; Vol. 2 FLD, FST, FILD, FIST, FBLD, FBSTP.
 */
#include <string.h>

#include "cpu/fpu_core.h"

#define SIG_INT (1ull << 63)

static Fp80 from_ieee(FpCtx *c, bool sign, uint32_t e, uint64_t frac, int frac_bits,
                      uint32_t emax_field, int32_t bias, bool load)
{
    int shift = 63 - frac_bits;
    if (e == emax_field) {
        if (frac == 0)
            return fp_inf(sign);
        if (!load)
            return fp_make(sign, FP_EXP_MAX, SIG_INT | frac << shift);
        if (!(frac >> (frac_bits - 1)))
            c->exc |= FP_IE;                 /* SNaN: SDM Vol. 2 FLD #IA */
        return fp_make(sign, FP_EXP_MAX, SIG_INT | (1ull << 62) | frac << shift);
    }
    if (e == 0) {
        if (frac == 0)
            return fp_zero(sign);
        c->exc |= FP_DE;
        uint64_t s = frac << shift;
        int lz = __builtin_clzll(s);
        return fp_make(sign, (unsigned)(FP_EXP_BIAS - bias + 1 - lz), s << lz);
    }
    return fp_make(sign, (unsigned)((int32_t)e - bias + FP_EXP_BIAS), SIG_INT | frac << shift);
}

Fp80 fp_from_f32(FpCtx *c, uint32_t v, bool load)
{
    return from_ieee(c, v >> 31, (v >> 23) & 0xff, v & 0x7fffff, 23, 0xff, 127, load);
}

Fp80 fp_from_f64(FpCtx *c, uint64_t v, bool load)
{
    return from_ieee(c, v >> 63, (uint32_t)(v >> 52) & 0x7ff, v & 0xfffffffffffffull, 52,
                     0x7ff, 1023, load);
}

/*
 * Round to a binary interchange format with 'frac_bits' fraction bits and
 * exponent bias 'bias'; returns the encoding (sign excluded) or false.
 */
static bool to_ieee(FpCtx *c, Fp80 a, int frac_bits, int32_t bias, uint64_t *enc)
{
    int shift = 63 - frac_bits;
    uint64_t emax_field = (uint64_t)(2 * bias + 1);
    uint64_t frac_mask = (1ull << frac_bits) - 1;
    switch (fp_class(a)) {
    case FPC_UNSUPPORTED:
        c->exc |= FP_IE;
        if (fp_unmasked(c, FP_IE))
            return false;
        *enc = emax_field << frac_bits | 1ull << (frac_bits - 1);   /* indefinite, sign below */
        return true;
    case FPC_SNAN:
        c->exc |= FP_IE;
        if (fp_unmasked(c, FP_IE))
            return false;
        /* fall through */
    case FPC_QNAN:
        *enc = emax_field << frac_bits | ((a.sig >> shift) & frac_mask) | 1ull << (frac_bits - 1);
        return true;
    case FPC_INF:
        *enc = emax_field << frac_bits;
        return true;
    case FPC_ZERO:
        *enc = 0;
        return true;
    default:
        break;
    }
    FpUnpacked u = fp_unpack(a);
    FpRounded r;
    int32_t emin = FP_EXP_BIAS - bias + 1, emax = FP_EXP_BIAS + bias;
    if (!fp_round(c, &r, u.sign, u.exp, u.sig, 0, frac_bits + 1, emin, emax, false))
        return false;
    if (r.exp > emax)
        *enc = emax_field << frac_bits;
    else if (!(r.sig >> 63))
        *enc = r.sig >> shift;               /* denormal or zero */
    else
        *enc = (uint64_t)(r.exp - emin + 1) << frac_bits | ((r.sig >> shift) & frac_mask);
    return true;
}

bool fp_to_f32(FpCtx *c, Fp80 a, uint32_t *out)
{
    uint64_t enc;
    if (!to_ieee(c, a, 23, 127, &enc))
        return false;
    bool sign = fp_sign(a) || fp_class(a) == FPC_UNSUPPORTED;
    *out = (uint32_t)enc | (sign ? 0x80000000u : 0);
    return true;
}

bool fp_to_f64(FpCtx *c, Fp80 a, uint64_t *out)
{
    uint64_t enc;
    if (!to_ieee(c, a, 52, 1023, &enc))
        return false;
    bool sign = fp_sign(a) || fp_class(a) == FPC_UNSUPPORTED;
    *out = enc | (sign ? 1ull << 63 : 0);
    return true;
}

Fp80 fp_from_int(int64_t v)
{
    if (v == 0)
        return fp_zero(false);
    bool sign = v < 0;
    uint64_t mag = sign ? 0 - (uint64_t)v : (uint64_t)v;
    int lz = __builtin_clzll(mag);
    return fp_make(sign, (unsigned)(FP_EXP_BIAS + 63 - lz), mag << lz);
}

/* Round a finite or special value to an integer magnitude below 'limit'
 * (inclusive bound for negative values 'neg_limit'); false: invalid. */
static bool to_integer(FpCtx *c, Fp80 a, uint64_t limit, uint64_t neg_limit, uint64_t *mag)
{
    int k = fp_class(a);
    if (k == FPC_ZERO) {
        *mag = 0;
        return true;
    }
    if (k != FPC_NORMAL && k != FPC_DENORMAL) {
        c->exc |= FP_IE;
        return false;
    }
    FpUnpacked u = fp_unpack(a);
    bool inexact, up;
    if (!fp_int_part((c->cw >> 10) & 3, u.sign, u.exp, u.sig, mag, &inexact, &up) ||
        *mag > (u.sign ? neg_limit : limit)) {
        c->exc |= FP_IE;
        return false;
    }
    if (inexact)
        c->exc |= FP_PE;
    c->up = up;
    return true;
}

bool fp_to_int(FpCtx *c, Fp80 a, int bits, int64_t *out)
{
    uint64_t lim = (1ull << (bits - 1)) - 1, mag;
    if (!to_integer(c, a, lim, lim + 1, &mag)) {
        if (fp_unmasked(c, FP_IE))
            return false;
        *out = INT64_MIN >> (64 - bits);     /* integer indefinite 80..00 */
        return true;
    }
    *out = fp_sign(a) ? (int64_t)(0 - mag) : (int64_t)mag;
    return true;
}

Fp80 fp_from_bcd(const uint8_t bcd[10])
{
    uint64_t v = 0;
    for (int i = 8; i >= 0; i--)
        v = v * 100 + (uint64_t)(bcd[i] >> 4) * 10 + (bcd[i] & 15);
    Fp80 r = fp_from_int((int64_t)v);
    if (bcd[9] & 0x80)
        r = fp_neg(r);
    return r;
}

bool fp_to_bcd(FpCtx *c, Fp80 a, uint8_t bcd[10])
{
    uint64_t mag;
    if (!to_integer(c, a, 999999999999999999ull, 999999999999999999ull, &mag)) {
        if (fp_unmasked(c, FP_IE))
            return false;
        /* packed BCD indefinite (SDM Vol. 1 table 4-4): FFFF C000...0 */
        memset(bcd, 0, 10);
        bcd[7] = 0xc0;
        bcd[8] = bcd[9] = 0xff;
        return true;
    }
    for (int i = 0; i < 9; i++) {
        unsigned lo = (unsigned)(mag % 10);
        mag /= 10;
        unsigned hi = (unsigned)(mag % 10);
        mag /= 10;
        bcd[i] = (uint8_t)(hi << 4 | lo);
    }
    bcd[9] = fp_sign(a) ? 0x80 : 0;
    return true;
}
