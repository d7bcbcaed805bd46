/*
 * tests/test_fpu_host.c - the x87 fast paths (cpu/fpu_fast.c) against the
 * reference arithmetic core (cpu/fpu_arith.c, cpu/fpu_conv.c) and against the
 * host's x87, and the instruction layer's fall-back to the reference when an
 * exception is unmasked. No disk image.
 *
 * The random operands cover every class (normals near a common exponent,
 * with few significant bits for exact results and ties, extremes near
 * underflow and overflow and near the single/double limits, zeros,
 * denormals, pseudo-denormals, infinities, NaNs, unsupported encodings) under
 * random control words (all precision and rounding controls, random masks).
 * Every case where a fast path answers must give the reference's result,
 * flags and C1 bit for bit, and the host's x87 (x86 hosts) must agree too;
 * where it declines, it must have changed nothing.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "cpu/fpu_core.h"
#include "cpu/internal.h"

/* ---- random operands (xorshift64*) ------------------------------------------------- */

static uint64_t rng = 0x243f6a8885a308d3ull;
static uint64_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545f4914f6cdd1dull;
}
static unsigned rndn(unsigned n) { return (unsigned)(rnd() % n); }

static uint64_t rnd_sig(void)
{
    uint64_t s = rnd();
    switch (rndn(8)) {
    case 0: s &= ~0ull << rndn(64); break;                 /* trailing zeros */
    case 1: s |= (1ull << rndn(64)) - 1; break;            /* trailing ones */
    case 2: s &= ~0ull << (40 + rndn(24)); break;          /* a few significant bits */
    case 3: s = (s & ~0ull << 11) | (rndn(2) ? 0x400 : 0x3ff); break;  /* near a double tie */
    case 4: s = (s & ~0ull << 40) | (rndn(2) ? 1ull << 39 : 0); break; /* near a single tie */
    default: break;
    }
    return s | 1ull << 63;
}

/* (Each random draw is its own statement: the order in which a call's
 * arguments are evaluated is unspecified, and the sequence must not depend
 * on the compiler.) */
static Fp80 rnd_value(int base)
{
    bool sign = rnd() & 1;
    unsigned k = rndn(100);
    unsigned e;
    if (k < 50) {
        e = (unsigned)(base + (int)rndn(9) - 4);
        return fp_make(sign, e, rnd_sig());
    }
    if (k < 58) {
        e = 1 + rndn(0x7ffe);
        return fp_make(sign, e, rnd_sig());
    }
    if (k < 66) {
        e = rndn(2) ? 1 + rndn(70) : 0x7ffe - rndn(70);
        return fp_make(sign, e, rnd_sig());
    }
    if (k < 74) {
        /* around the single and double real exponent limits */
        static const int edge[4] = { FP_EXP_BIAS - 1022, FP_EXP_BIAS + 1023,
                                     FP_EXP_BIAS - 126, FP_EXP_BIAS + 127 };
        int near = edge[rndn(4)];
        e = (unsigned)(near + (int)rndn(120) - 60);
        return fp_make(sign, e, rnd_sig());
    }
    if (k < 80)
        return fp_zero(sign);
    unsigned shift;
    switch (k % 10) {
    case 0:                                                          /* denormal */
        shift = 1 + rndn(63);
        return fp_make(sign, 0, rnd() >> shift);
    case 1: return fp_make(sign, 0, rnd_sig());                      /* pseudo-denormal */
    case 2: return fp_inf(sign);
    case 3: return fp_make(sign, 0x7fff, 0xc000000000000000ull | rnd() >> 2);        /* QNaN */
    case 4: return fp_make(sign, 0x7fff, 0x8000000000000000ull | (rnd() >> 2 | 1));  /* SNaN */
    case 5:                                                          /* unnormal */
        e = 1 + rndn(0x7ffe);
        return fp_make(sign, e, rnd() >> 1);
    case 6: return fp_make(sign, 0x7fff, rnd() >> 1);                /* pseudo-NaN/inf */
    case 7: return fp_indefinite();
    default: return fp_make(sign, (unsigned)base, rnd_sig());
    }
}

/* A square of a 32-bit integer at a random even or odd exponent: exact roots. */
static Fp80 rnd_square(void)
{
    uint64_t m = rnd() >> 32 | 1;
    uint64_t sq = m * m;
    unsigned e = FP_EXP_BIAS - 200 + rndn(400);
    return fp_make(false, e, sq << __builtin_clzll(sq));
}

static uint16_t rnd_cw(void)
{
    unsigned masks = rndn(3) ? 0x3f : rndn(64);
    unsigned pc = rndn(4);
    unsigned rc = rndn(4);
    return (uint16_t)(0x0040 | pc << 8 | rc << 10 | masks);
}

static int rnd_base(void)
{
    if (rndn(8) == 0)
        return rndn(2) ? 5 + (int)rndn(60) : 0x7ffe - 4 - (int)rndn(60);
    return FP_EXP_BIAS + (int)rndn(400) - 200;
}

/* ---- the host's x87 (x86 hosts only) -------------------------------------------------- */

enum { T_ADD, T_SUB, T_MUL, T_DIV, T_SQRT, T_F32, T_F64, T_CMP, T_KINDS };
static const char *const kind_name[T_KINDS] = {
    "add", "sub", "mul", "div", "sqrt", "fst m32", "fst m64", "compare",
};

typedef struct HostOut {
    Fp80 r;
    uint64_t m;          /* T_F32, T_F64: the stored bits */
    uint16_t sw;         /* the host's status word after the instruction */
} HostOut;

#if defined(__x86_64__) || defined(__i386__)
enum { HAVE_HOST = 1 };

/* The host runs with the guest's precision and rounding control (the
 * reserved precision 01 as 64 bits, as the reference does), all exceptions
 * masked, flags cleared before and after; its control word is restored. The
 * status word is taken right after the operation (a later FSTP m80 would
 * clear C1). */
static uint16_t host_cw(uint16_t cw)
{
    return (uint16_t)((cw & 0x0f00) | ((cw & 0x0100) << 1) | 0x007f);
}

static void host_run(int kind, uint16_t guest_cw, Fp80 a, Fp80 b, HostOut *o)
{
    uint16_t cw = host_cw(guest_cw), save;
    uint32_t m32 = 0;
    uint64_t m64 = 0;
    __asm__ volatile("fnstcw %0\n\tfldcw %1\n\tfnclex" : "=m"(save) : "m"(cw));
    switch (kind) {
    case T_ADD:
        __asm__ volatile("fldt %3\n\tfldt %2\n\tfadd %%st(1), %%st\n\tfnstsw %1\n\t"
                         "fstpt %0\n\tfstp %%st(0)"
                         : "=m"(o->r), "=m"(o->sw) : "m"(a), "m"(b) : "st", "st(1)");
        break;
    case T_SUB:
        __asm__ volatile("fldt %3\n\tfldt %2\n\tfsub %%st(1), %%st\n\tfnstsw %1\n\t"
                         "fstpt %0\n\tfstp %%st(0)"
                         : "=m"(o->r), "=m"(o->sw) : "m"(a), "m"(b) : "st", "st(1)");
        break;
    case T_MUL:
        __asm__ volatile("fldt %3\n\tfldt %2\n\tfmul %%st(1), %%st\n\tfnstsw %1\n\t"
                         "fstpt %0\n\tfstp %%st(0)"
                         : "=m"(o->r), "=m"(o->sw) : "m"(a), "m"(b) : "st", "st(1)");
        break;
    case T_DIV:
        __asm__ volatile("fldt %3\n\tfldt %2\n\tfdiv %%st(1), %%st\n\tfnstsw %1\n\t"
                         "fstpt %0\n\tfstp %%st(0)"
                         : "=m"(o->r), "=m"(o->sw) : "m"(a), "m"(b) : "st", "st(1)");
        break;
    case T_SQRT:
        __asm__ volatile("fldt %2\n\tfsqrt\n\tfnstsw %1\n\tfstpt %0"
                         : "=m"(o->r), "=m"(o->sw) : "m"(a) : "st");
        break;
    case T_F32:
        __asm__ volatile("fldt %2\n\tfstps %0\n\tfnstsw %1" : "=m"(m32), "=m"(o->sw) : "m"(a) : "st");
        break;
    case T_F64:
        __asm__ volatile("fldt %2\n\tfstpl %0\n\tfnstsw %1" : "=m"(m64), "=m"(o->sw) : "m"(a) : "st");
        break;
    default:
        __asm__ volatile("fldt %2\n\tfldt %1\n\tfucompp\n\tfnstsw %0"
                         : "=m"(o->sw) : "m"(a), "m"(b) : "st", "st(1)");
        break;
    }
    __asm__ volatile("fnclex\n\tfldcw %0" : : "m"(save));
    o->m = kind == T_F32 ? m32 : m64;
}
#else
enum { HAVE_HOST = 0 };
static void host_run(int kind, uint16_t guest_cw, Fp80 a, Fp80 b, HostOut *o)
{
    memset(o, 0, sizeof *o);
}
#endif

/* ---- one case: fast vs reference vs host ----------------------------------------------- */

typedef struct Outcome {
    bool handled;        /* the fast path answered */
    Fp80 r;
    uint64_t m;
    int cmp;
    FpCtx c;
} Outcome;

static void run_fast(int kind, FpCtx *c, Fp80 a, Fp80 b, Outcome *o)
{
    uint32_t m32 = 0;
    o->m = 0;
    o->r = fp_zero(false);
    o->cmp = -1;
    switch (kind) {
    case T_ADD: o->handled = fp_add_fast(c, &a, &b, false, &o->r); break;
    case T_SUB: o->handled = fp_add_fast(c, &a, &b, true, &o->r); break;
    case T_MUL: o->handled = fp_mul_fast(c, &a, &b, &o->r); break;
    case T_DIV: o->handled = fp_div_fast(c, &a, &b, &o->r); break;
    case T_SQRT: o->handled = fp_sqrt_fast(c, &a, &o->r); break;
    case T_F32: o->handled = fp_to_f32_fast(c, &a, &m32); o->m = m32; break;
    case T_F64: o->handled = fp_to_f64_fast(c, &a, &o->m); break;
    default: o->cmp = fp_compare_fast(&a, &b); o->handled = o->cmp >= 0; break;
    }
    o->c = *c;
}

static void run_reference(int kind, FpCtx *c, Fp80 a, Fp80 b, Outcome *o)
{
    uint32_t m32 = 0;
    o->m = 0;
    o->r = fp_zero(false);
    o->cmp = -1;
    o->handled = true;
    switch (kind) {
    case T_ADD: o->r = fp_add(c, a, b, false); break;
    case T_SUB: o->r = fp_add(c, a, b, true); break;
    case T_MUL: o->r = fp_mul(c, a, b); break;
    case T_DIV: o->r = fp_div(c, a, b); break;
    case T_SQRT: o->r = fp_sqrt(c, a); break;
    case T_F32: o->handled = fp_to_f32(c, a, &m32); o->m = m32; break;
    case T_F64: o->handled = fp_to_f64(c, a, &o->m); break;
    default: o->cmp = (int)fp_compare(c, a, b, true); break;
    }
    o->c = *c;
}

static bool same_fp(Fp80 x, Fp80 y) { return x.sig == y.sig && x.se == y.se; }

static bool same_outcome(const Outcome *x, const Outcome *y)
{
    return x->handled == y->handled && same_fp(x->r, y->r) && x->m == y->m &&
           x->cmp == y->cmp && x->c.exc == y->c.exc && x->c.up == y->c.up;
}

static void print_case(const char *what, int kind, uint16_t cw, Fp80 a, Fp80 b)
{
    fprintf(stderr, "  %s %s cw=%04x a=%04x:%016llx b=%04x:%016llx\n", kind_name[kind], what, cw,
            a.se, (unsigned long long)a.sig, b.se, (unsigned long long)b.sig);
}

typedef struct Tally {
    int cases, handled, bad;
} Tally;

/* The host agrees with a handled case: result, stored bits, flags, C1 or
 * the compare's condition codes. */
static bool host_agrees(int kind, uint16_t cw, Fp80 a, Fp80 b, const Outcome *fast)
{
    if (!HAVE_HOST)
        return true;
    HostOut h;
    host_run(kind, cw, a, b, &h);
    if (kind == T_CMP)
        return (h.sw & (FP_C0 | FP_C2 | FP_C3)) == fast->cmp;
    if ((h.sw & FP_EXC) != fast->c.exc || ((h.sw & FP_C1) != 0) != fast->c.up)
        return false;
    if (kind == T_F32 || kind == T_F64)
        return h.m == fast->m;
    return same_fp(h.r, fast->r);
}

static void one_case(int kind, uint16_t cw, Fp80 a, Fp80 b, Tally *t)
{
    /* start from random earlier flags and C1: the fast path must keep them
     * exactly where the reference keeps them */
    uint16_t exc = (uint16_t)(rnd() & FP_EXC);
    bool up = rnd() & 1;
    FpCtx init = { cw, exc, up };
    FpCtx cf = init, cr = init;
    Outcome fast, ref;
    t->cases++;
    run_fast(kind, &cf, a, b, &fast);
    if (!fast.handled) {
        if (cf.cw != init.cw || cf.exc != init.exc || cf.up != init.up) {
            if (t->bad++ < 5)
                print_case("declined but changed the context", kind, cw, a, b);
        }
        return;
    }
    t->handled++;
    run_reference(kind, &cr, a, b, &ref);
    if (kind == T_CMP)
        ref.c = fast.c;                      /* fp_compare_fast raises nothing: checked below */
    if (!same_outcome(&fast, &ref) || (kind == T_CMP && cr.exc != init.exc)) {
        if (t->bad++ < 5) {
            print_case("fast != reference", kind, cw, a, b);
            fprintf(stderr, "    fast %04x:%016llx m=%016llx exc=%02x up=%d cmp=%d\n",
                    fast.r.se, (unsigned long long)fast.r.sig, (unsigned long long)fast.m,
                    fast.c.exc, fast.c.up, fast.cmp);
            fprintf(stderr, "    ref  %04x:%016llx m=%016llx exc=%02x up=%d cmp=%d\n",
                    ref.r.se, (unsigned long long)ref.r.sig, (unsigned long long)ref.m,
                    ref.c.exc, ref.c.up, ref.cmp);
        }
        return;
    }
    FpCtx clean = { cw, 0, false };
    run_fast(kind, &clean, a, b, &fast);
    if (!host_agrees(kind, cw, a, b, &fast) && t->bad++ < 5) {
        print_case("fast != host", kind, cw, a, b);
        HostOut h;
        host_run(kind, cw, a, b, &h);
        fprintf(stderr, "    fast %04x:%016llx m=%016llx exc=%02x up=%d cmp=%d\n",
                fast.r.se, (unsigned long long)fast.r.sig, (unsigned long long)fast.m,
                fast.c.exc, fast.c.up, fast.cmp);
        fprintf(stderr, "    host %04x:%016llx m=%016llx sw=%04x\n", h.r.se,
                (unsigned long long)h.r.sig, (unsigned long long)h.m, h.sw);
    }
}

static Tally run_kind(int kind, int n)
{
    Tally t = { 0, 0, 0 };
    for (int i = 0; i < n; i++) {
        int base = rnd_base();
        uint16_t cw = rnd_cw();
        Fp80 a = rnd_value(base);
        Fp80 b = rnd_value(base);
        if (kind == T_SQRT && rndn(4) == 0)
            a = rnd_square();
        if (kind == T_SQRT && rndn(2))
            a = fp_abs(a);
        one_case(kind, cw, a, b, &t);
    }
    fprintf(stderr, "fpu-fast: %-8s %d cases, %d on the fast path, %d mismatches\n",
            kind_name[kind], t.cases, t.handled, t.bad);
    return t;
}

static void check_kind(int kind)
{
    Tally t = run_kind(kind, 200000);
    ck_assert_int_eq(t.bad, 0);
    /* both paths exercised: the generator makes ordinary operands most of
     * the time and everything else often */
    ck_assert_int_gt(t.handled, t.cases / 5);
    ck_assert_int_lt(t.handled, t.cases - t.cases / 10);
}

START_TEST(fpu_fast_add_sub) { check_kind(T_ADD); check_kind(T_SUB); }
END_TEST
START_TEST(fpu_fast_mul) { check_kind(T_MUL); }
END_TEST
START_TEST(fpu_fast_div) { check_kind(T_DIV); }
END_TEST
START_TEST(fpu_fast_sqrt) { check_kind(T_SQRT); }
END_TEST
START_TEST(fpu_fast_store_f32_f64) { check_kind(T_F32); check_kind(T_F64); }
END_TEST
START_TEST(fpu_fast_compare) { check_kind(T_CMP); }
END_TEST

/* Sums that cancel: operands a few units apart at the same exponent, or
 * x and y ~ x/2... at adjacent exponents, so the difference is normalised by
 * a long shift, down to the single borrow of 2^e - (2^e - ulp). */
START_TEST(fpu_fast_add_cancellation)
{
    Tally t = { 0, 0, 0 };
    for (int i = 0; i < 100000; i++) {
        uint16_t cw = rnd_cw();
        unsigned e = FP_EXP_BIAS - 100 + rndn(200);
        bool sign = rnd() & 1;
        Fp80 a = fp_make(sign, e, rnd_sig()), b;
        unsigned shift;
        switch (rndn(4)) {
        case 0:
            b = fp_make(sign, e, (a.sig + rndn(9) - 4) | 1ull << 63);
            break;
        case 1:
            a.sig = (1ull << 63) + rndn(16);
            b = fp_make(sign, e - 1, ~0ull - rndn(16));
            break;
        case 2:
            shift = 1 + rndn(63);
            b = fp_make(sign, e, a.sig ^ (rnd() >> shift));
            break;
        default:
            a.sig = 1ull << 63;
            b = fp_make(sign, e - 1, ~0ull);
            break;
        }
        one_case(T_SUB, cw, a, b, &t);
        one_case(T_SUB, cw, b, a, &t);
        one_case(T_ADD, cw, a, fp_neg(b), &t);
    }
    ck_assert_int_eq(t.bad, 0);
    ck_assert_int_eq(t.handled, t.cases);
}
END_TEST

/* Square roots at the edges of the integer root: perfect squares, their
 * neighbours, the largest and smallest significands, at both exponent
 * parities, under every rounding control. */
START_TEST(fpu_fast_sqrt_edges)
{
    static const uint64_t sigs[] = {
        0x8000000000000000ull, 0x8000000000000001ull, 0xffffffffffffffffull,
        0xfffffffffffffffeull, 0xc000000000000000ull, 0xb504f333f9de6484ull,
        0xb504f333f9de6485ull, 0x9000000000000000ull, 0xe100000000000000ull,
    };
    Tally t = { 0, 0, 0 };
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        for (unsigned e = 0x3ffd; e <= 0x4000; e++)
            for (unsigned rc = 0; rc < 4; rc++)
                for (unsigned pc = 0; pc < 4; pc++)
                    one_case(T_SQRT, (uint16_t)(0x007f | pc << 8 | rc << 10),
                             fp_make(false, e, sigs[i]), fp_zero(false), &t);
    for (int i = 0; i < 20000; i++) {
        uint64_t m = rnd() | 1ull << 63;
        u128 sq = (u128)m * m;                   /* a 128-bit square and its neighbours */
        uint64_t hi = (uint64_t)(sq >> 64) + (uint64_t)rndn(3) - 1;
        if (!(hi >> 63))
            hi = 1ull << 63;
        unsigned pc = rndn(4);
        unsigned rc = rndn(4);
        unsigned e = 0x3fff + rndn(2);
        one_case(T_SQRT, (uint16_t)(0x007f | pc << 8 | rc << 10), fp_make(false, e, hi),
                 fp_zero(false), &t);
    }
    ck_assert_int_eq(t.bad, 0);
    ck_assert_int_eq(t.handled, t.cases);
}
END_TEST

/* ---- the instruction layer: fall-back for unmasked exceptions --------------------------- */

#define RAM_SIZE (1u << 20)
#define CODE_PHYS 0x1000u
#define DATA_PHYS 0x30000u

typedef struct Rig {
    AddrSpace *mem, *io;
    uint8_t *ram;
    CpuState *cpu;
} Rig;

/* Real mode, code at 0100:0000, DS at 3000, one instruction then HLT; the
 * x87 holds ST(0) = a, ST(1) = b, the rest empty, with control word 'cw'. */
static Rig *rig_new(const uint8_t *code, size_t len, uint16_t cw, Fp80 a, Fp80 b)
{
    Rig *r = xzalloc(sizeof *r);
    r->mem = addr_space_new(ADDR_SPACE_MEM);
    r->io = addr_space_new(ADDR_SPACE_IO);
    r->ram = xzalloc(RAM_SIZE);
    mem_map_ram(r->mem, 0, RAM_SIZE, r->ram);
    r->cpu = cpu_create(r->mem, r->io);
    CpuState *cpu = r->cpu;
    memcpy(r->ram + CODE_PHYS, code, len);
    r->ram[CODE_PHYS + len] = 0xf4;
    cpu_set_seg_real(cpu, SEG_CS, CODE_PHYS >> 4);
    cpu_set_seg_real(cpu, SEG_DS, DATA_PHYS >> 4);
    cpu->eip = 0;
    cpu->cr[0] |= CR0_NE;
    fpu_init(cpu);
    cpu->fpu.fcw = cw;
    fpu_push(cpu, b);
    fpu_push(cpu, a);
    return r;
}

static void rig_run(Rig *r)
{
    ck_assert_int_eq(cpu_exec(r->cpu, 100), CPU_EXIT_HALT);
}

static void rig_free(Rig *r)
{
    cpu_free(r->cpu);
    addr_space_free(r->mem);
    addr_space_free(r->io);
    free(r->ram);
    free(r);
}

static const uint8_t FMUL_ST0_ST1[] = { 0xd8, 0xc9 };
static const uint8_t FDIV_ST0_ST1[] = { 0xd8, 0xf1 };
static const uint8_t FADD_ST0_ST1[] = { 0xd8, 0xc1 };
static const uint8_t FSQRT[] = { 0xd9, 0xfa };
static const uint8_t FST_M64[] = { 0xdd, 0x16, 0x00, 0x00 };      /* fst qword [0] */

/* Run 'code' on (a, b) under 'cw'; the reference's answer for the same
 * operation decides what ST(0) must hold afterwards. */
static void expect_st0(const uint8_t *code, size_t len, uint16_t cw, Fp80 a, Fp80 b,
                       Fp80 want, uint16_t want_flags)
{
    Rig *r = rig_new(code, len, cw, a, b);
    rig_run(r);
    Fp80 got = *fpu_st(r->cpu, 0);
    ck_assert_uint_eq(got.se, want.se);
    ck_assert_uint_eq(got.sig, want.sig);
    ck_assert_uint_eq(r->cpu->fpu.fsw & (FP_EXC | FP_ES | FP_C1), want_flags);
    rig_free(r);
}

START_TEST(fpu_fast_unmasked_exceptions_fall_back)
{
    Fp80 big = fp_make(false, 0x7ff0, 0xc000000000000000ull);
    Fp80 tiny = fp_make(false, 0x0010, 0xc000000000000000ull);
    Fp80 three = fp_make(false, 0x4000, 0xc000000000000000ull);
    Fp80 one = fp_make(false, 0x3fff, 1ull << 63);
    FpCtx c;

    /* overflow, OE masked: infinity (round to nearest); unmasked: the
     * exponent wrapped by 24576 and ES */
    expect_st0(FMUL_ST0_ST1, 2, 0x037f, big, big, fp_inf(false), FP_OE | FP_PE | FP_C1);
    c = (FpCtx){ 0x0377, 0, false };
    Fp80 wrapped = fp_mul(&c, big, big);
    ck_assert_uint_eq(wrapped.se, 0x7ff0 + 0x7ff0 - FP_EXP_BIAS + 1 - 24576);
    expect_st0(FMUL_ST0_ST1, 2, 0x0377, big, big, wrapped, FP_OE | FP_ES);

    /* underflow, UE unmasked: wrapped the other way */
    c = (FpCtx){ 0x036f, 0, false };
    Fp80 up = fp_mul(&c, tiny, tiny);
    ck_assert_uint_eq(c.exc, FP_UE);
    expect_st0(FMUL_ST0_ST1, 2, 0x036f, tiny, tiny, up, FP_UE | FP_ES);

    /* division by zero, ZE unmasked: ST(0) keeps the dividend */
    expect_st0(FDIV_ST0_ST1, 2, 0x037b, three, fp_zero(false), three, FP_ZE | FP_ES);
    /* ... masked: infinity */
    expect_st0(FDIV_ST0_ST1, 2, 0x037f, three, fp_zero(false), fp_inf(false), FP_ZE);

    /* square root of a negative number, IE unmasked: operand kept */
    expect_st0(FSQRT, 2, 0x037e, fp_neg(three), one, fp_neg(three), FP_IE | FP_ES);

    /* a denormal operand with DE unmasked: nothing written */
    Fp80 den = fp_make(false, 0, 0x4000000000000000ull);
    expect_st0(FADD_ST0_ST1, 2, 0x037d, one, den, one, FP_DE | FP_ES);

    /* PE unmasked stops nothing: 1 + 2^-70 is delivered rounded, with ES */
    Fp80 eps = fp_make(false, 0x3fff - 70, 1ull << 63);
    expect_st0(FADD_ST0_ST1, 2, 0x035f, one, eps, one, FP_PE | FP_ES);
    /* ... and rounded up under round up, C1 = 1 */
    expect_st0(FADD_ST0_ST1, 2, 0x0b5f, one, eps, fp_make(false, 0x3fff, (1ull << 63) | 1),
               FP_PE | FP_ES | FP_C1);
}
END_TEST

START_TEST(fpu_fast_store_tiny_exact_falls_back)
{
    /* 2^-1030 is a double denormal, exactly: with UE masked it is stored
     * without flags; unmasked, underflow is signalled and nothing stored */
    Fp80 v = fp_make(false, FP_EXP_BIAS - 1030, 1ull << 63);
    for (int unmasked = 0; unmasked < 2; unmasked++) {
        uint16_t cw = unmasked ? 0x036f : 0x037f;
        Rig *r = rig_new(FST_M64, sizeof FST_M64, cw, v, fp_zero(false));
        memset(r->ram + DATA_PHYS, 0xaa, 8);
        rig_run(r);
        uint64_t m;
        memcpy(&m, r->ram + DATA_PHYS, 8);
        if (unmasked) {
            ck_assert_uint_eq(m, 0xaaaaaaaaaaaaaaaaull);
            ck_assert_uint_eq(r->cpu->fpu.fsw & (FP_EXC | FP_ES), FP_UE | FP_ES);
        } else {
            ck_assert_uint_eq(m, 1ull << (1074 - 1030));
            ck_assert_uint_eq(r->cpu->fpu.fsw & (FP_EXC | FP_ES), 0);
        }
        rig_free(r);
    }
}
END_TEST

Suite *fpu_fast_suite(void)
{
    Suite *s = suite_create("fpu_fast");
    TCase *tc = tcase_create("fast paths");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, fpu_fast_add_sub);
    tcase_add_test(tc, fpu_fast_add_cancellation);
    tcase_add_test(tc, fpu_fast_mul);
    tcase_add_test(tc, fpu_fast_div);
    tcase_add_test(tc, fpu_fast_sqrt);
    tcase_add_test(tc, fpu_fast_sqrt_edges);
    tcase_add_test(tc, fpu_fast_store_f32_f64);
    tcase_add_test(tc, fpu_fast_compare);
    tcase_add_test(tc, fpu_fast_unmasked_exceptions_fall_back);
    tcase_add_test(tc, fpu_fast_store_tiny_exact_falls_back);
    suite_add_tcase(s, tc);
    return s;
}
