/*
 * cpu/fpu_ldst.c - x87 data transfer and control-word instructions: FLD,
 * FST(P), FILD, FIST(P), FBLD, FBSTP, the constants FLD1 ... FLDZ, FLDCW,
 * FNSTCW, FNSTSW, FNCLEX, FNINIT.
 *
 * Models:      loads push with a stack-overflow check (IE+SF, C1=1; masked:
 *              the indefinite is pushed); FLD m32/m64 raise IE for SNaN and
 *              DE for denormals, FLD m80 and FLD ST(i) copy bits unchanged.
 *              Stores round to the destination (cpu/fpu_fast.c for normal
 *              and zero values in range, else cpu/fpu_conv.c), write memory
 *              before any FPU state changes (a fault leaves the FPU intact)
 *              and pop afterwards; an empty ST(0) stores the indefinite of the
 *              destination format when IE is masked. Constants are held with
 *              extra bits and rounded by RC without PE (SDM Vol. 1 8.3.8).
 *              FLDCW keeps the defined bits; reserved bits 7 and 13-15 read
 *              0 and bit 6 reads 1 (as measured on Intel P6 and later).
 * Not modeled: FISTTP (SSE3): #UD.
 * Spec:        SDM Vol. 1 8.3.3-8.3.8, 8.1.5; Vol. 2 FLD, FST, FILD, FIST,
 *              FBLD, FBSTP, FLD1/FLDL2T/FLDL2E/FLDPI/FLDLG2/FLDLN2/FLDZ,
 *              FLDCW, FSTCW, FSTSW, FCLEX, FINIT.
 */
#include "cpu/fpu_core.h"
#include "cpu/internal.h"
#include "cpu/ops.h"

/* Little-endian operand bytes (len <= 8); the host's byte order is the
 * guest's, as in lin_read. */
static void store_le(uint8_t *b, uint64_t v, unsigned len)
{
    memcpy(b, &v, len);
}

static uint64_t load_le(const uint8_t *b, unsigned len)
{
    uint64_t v = 0;
    memcpy(&v, b, len);
    return v;
}

/* The memory operand of a data instruction (FLD, FST, FILD ...). */
static void read_m(CpuState *cpu, const Insn *in, uint8_t *b, unsigned len)
{
    fpu_read_mem(cpu, in->seg, fpu_data_off(cpu), b, len);
}

static void write_m(CpuState *cpu, const Insn *in, const uint8_t *b, unsigned len)
{
    fpu_write_mem(cpu, in->seg, fpu_data_off(cpu), b, len);
}

/* ---- loads ------------------------------------------------------------------------- */

/* Push v (already converted into c); stack overflow first. */
static void load(CpuState *cpu, FpCtx *c, Fp80 v)
{
    if (!fpu_empty(cpu, 7)) {
        c->exc &= (uint16_t)~(FP_IE | FP_DE);
        fpu_stack_overflow(c);
        v = fp_indefinite();
    }
    /* only an unmasked IE keeps the value out: a denormal is loaded even
     * with DE unmasked, the #MF comes with the next instruction (measured) */
    if (!fp_unmasked(c, c->exc & FP_IE))
        fpu_push(cpu, v);
    fpu_finish(cpu, c, FP_C1, c->up ? FP_C1 : 0);
}

void op_fld_m32(CpuState *cpu, const Insn *in)
{
    uint8_t b[4];
    read_m(cpu, in, b, 4);
    FpCtx c = fpu_ctx(cpu);
    load(cpu, &c, fp_from_f32(&c, (uint32_t)load_le(b, 4), true));
}

void op_fld_m64(CpuState *cpu, const Insn *in)
{
    uint8_t b[8];
    read_m(cpu, in, b, 8);
    FpCtx c = fpu_ctx(cpu);
    load(cpu, &c, fp_from_f64(&c, load_le(b, 8), true));
}

void op_fld_m80(CpuState *cpu, const Insn *in)
{
    uint8_t b[10];
    read_m(cpu, in, b, 10);
    FpCtx c = fpu_ctx(cpu);
    Fp80 v = { load_le(b, 8), (uint16_t)load_le(b + 8, 2) };
    load(cpu, &c, v);
}

void op_fld_STi(CpuState *cpu, const Insn *in)
{
    FpCtx c = fpu_ctx(cpu);
    Fp80 v = *fpu_st(cpu, in->rm);
    if (fpu_empty(cpu, in->rm)) {
        /* the empty source wins over a full ST(7): underflow, C1 = 0 */
        fpu_stack_underflow(&c);
        if (!fp_faulted(&c))
            fpu_push(cpu, fp_indefinite());
        fpu_finish(cpu, &c, FP_C1, 0);
        return;
    }
    load(cpu, &c, v);
}

static void fild(CpuState *cpu, const Insn *in, unsigned len)
{
    uint8_t b[8];
    read_m(cpu, in, b, len);
    uint64_t raw = load_le(b, len);
    int64_t v = len == 2 ? (int16_t)raw : len == 4 ? (int32_t)raw : (int64_t)raw;
    FpCtx c = fpu_ctx(cpu);
    load(cpu, &c, fp_from_int(v));
}

void op_fild_m16(CpuState *cpu, const Insn *in) { fild(cpu, in, 2); }
void op_fild_m32(CpuState *cpu, const Insn *in) { fild(cpu, in, 4); }
void op_fild_m64(CpuState *cpu, const Insn *in) { fild(cpu, in, 8); }

void op_fbld_m80(CpuState *cpu, const Insn *in)
{
    uint8_t b[10];
    read_m(cpu, in, b, 10);
    FpCtx c = fpu_ctx(cpu);
    load(cpu, &c, fp_from_bcd(b));
}

/*
 * The constants with 128 bits of significand: rounded by RC at load time.
 * SDM Vol. 1 8.3.8: the x87 keeps them to more than 64 bits and rounds
 * them with the rounding control; no precision exception.
 */
typedef struct Const128 {
    uint16_t exp;
    uint64_t hi, lo;
} Const128;

static const Const128 constants[7] = {
    { 0x3fff, 0x8000000000000000ull, 0 },                        /* 1 */
    { 0x4000, 0xd49a784bcd1b8afeull, 0x492bf6ff4dafdb4dull },    /* log2(10) */
    { 0x3fff, 0xb8aa3b295c17f0bbull, 0xbe87fed0691d3e89ull },    /* log2(e) */
    { 0x4000, 0xc90fdaa22168c234ull, 0xc4c6628b80dc1cd1ull },    /* pi */
    { 0x3ffd, 0x9a209a84fbcff798ull, 0x8f8959ac0b7c9178ull },    /* log10(2) */
    { 0x3ffe, 0xb17217f7d1cf79abull, 0xc9e3b39803f2f6afull },    /* ln(2) */
    { 0, 0, 0 },                                                 /* +0 */
};

void op_fldconst(CpuState *cpu, const Insn *in)
{
    const Const128 *k = &constants[in->rm];
    FpCtx c = fpu_ctx(cpu);
    Fp80 v = fp_zero(false);
    if (k->hi) {
        FpCtx r = c;
        r.cw |= FP_EXC;              /* rounding only: no flags */
        v = fp_round_reg(&r, false, k->exp, k->hi, k->lo, false);
    }
    load(cpu, &c, v);
}

/* ---- stores ------------------------------------------------------------------------ */

/*
 * Common tail of the memory stores: 'ok' says a value may be written (bytes
 * in b); an empty ST(0) was turned into 'b' = indefinite by the caller.
 */
static void store_finish(CpuState *cpu, const Insn *in, FpCtx *c, bool ok,
                         const uint8_t *b, unsigned len, bool pop)
{
    if (ok && !fp_faulted(c)) {
        write_m(cpu, in, b, len);
        if (pop)
            fpu_pop(cpu);
    }
    fpu_finish(cpu, c, FP_C1, c->up ? FP_C1 : 0);
}

static void fst_real(CpuState *cpu, const Insn *in, unsigned len, bool pop)
{
    FpCtx c = fpu_ctx(cpu);
    uint8_t b[10];
    bool ok = true;
    if (fpu_empty(cpu, 0)) {
        fpu_stack_underflow(&c);
        Fp80 ind = fp_indefinite();
        if (len == 4)
            store_le(b, 0xffc00000u, 4);
        else if (len == 8)
            store_le(b, 0xfff8000000000000ull, 8);
        else {
            store_le(b, ind.sig, 8);
            store_le(b + 8, ind.se, 2);
        }
    } else {
        Fp80 a = *fpu_st(cpu, 0);
        if (len == 4) {
            uint32_t v = 0;
            ok = fp_to_f32_fast(&c, &a, &v) || fp_to_f32(&c, a, &v);
            store_le(b, v, 4);
        } else if (len == 8) {
            uint64_t v = 0;
            ok = fp_to_f64_fast(&c, &a, &v) || fp_to_f64(&c, a, &v);
            store_le(b, v, 8);
        } else {
            store_le(b, a.sig, 8);
            store_le(b + 8, a.se, 2);
        }
    }
    store_finish(cpu, in, &c, ok, b, len, pop);
}

void op_fst_m32(CpuState *cpu, const Insn *in) { fst_real(cpu, in, 4, false); }
void op_fstp_m32(CpuState *cpu, const Insn *in) { fst_real(cpu, in, 4, true); }
void op_fst_m64(CpuState *cpu, const Insn *in) { fst_real(cpu, in, 8, false); }
void op_fstp_m64(CpuState *cpu, const Insn *in) { fst_real(cpu, in, 8, true); }
void op_fstp_m80(CpuState *cpu, const Insn *in) { fst_real(cpu, in, 10, true); }

static void fist(CpuState *cpu, const Insn *in, unsigned len, bool pop)
{
    FpCtx c = fpu_ctx(cpu);
    uint8_t b[8];
    int64_t v = INT64_MIN >> (64 - 8 * len);
    bool ok = true;
    if (fpu_empty(cpu, 0))
        fpu_stack_underflow(&c);
    else
        ok = fp_to_int(&c, *fpu_st(cpu, 0), (int)len * 8, &v);
    store_le(b, (uint64_t)v, len);
    store_finish(cpu, in, &c, ok, b, len, pop);
}

void op_fist_m16(CpuState *cpu, const Insn *in) { fist(cpu, in, 2, false); }
void op_fistp_m16(CpuState *cpu, const Insn *in) { fist(cpu, in, 2, true); }
void op_fist_m32(CpuState *cpu, const Insn *in) { fist(cpu, in, 4, false); }
void op_fistp_m32(CpuState *cpu, const Insn *in) { fist(cpu, in, 4, true); }
void op_fistp_m64(CpuState *cpu, const Insn *in) { fist(cpu, in, 8, true); }

void op_fbstp_m80(CpuState *cpu, const Insn *in)
{
    FpCtx c = fpu_ctx(cpu);
    uint8_t b[10];
    bool ok;
    if (fpu_empty(cpu, 0)) {
        fpu_stack_underflow(&c);
        ok = fp_to_bcd(&c, fp_indefinite(), b);   /* BCD indefinite when masked */
        c.exc |= FP_IE | FP_SF;
    } else {
        ok = fp_to_bcd(&c, *fpu_st(cpu, 0), b);
    }
    store_finish(cpu, in, &c, ok, b, 10, true);
}

/* FST/FSTP ST(i): a register copy, no exceptions but stack underflow. */
static void fst_st(CpuState *cpu, int i, bool pop)
{
    FpCtx c = fpu_ctx(cpu);
    Fp80 v = *fpu_st(cpu, 0);
    if (fpu_empty(cpu, 0)) {
        fpu_stack_underflow(&c);
        v = fp_indefinite();
    }
    if (!fp_faulted(&c)) {
        fpu_write(cpu, i, v);
        if (pop)
            fpu_pop(cpu);
    }
    fpu_finish(cpu, &c, FP_C1, 0);
}

void op_fst_STi(CpuState *cpu, const Insn *in) { fst_st(cpu, in->rm, false); }
void op_fstp_STi(CpuState *cpu, const Insn *in) { fst_st(cpu, in->rm, true); }

/* The undocumented alias D9 D8+i (FSTP1) makes no stack check: an empty
 * ST(0) leaves the destination alone and is just popped (measured). */
void op_fstp1_STi(CpuState *cpu, const Insn *in)
{
    if (!fpu_empty(cpu, 0))
        fpu_write(cpu, in->rm, *fpu_st(cpu, 0));
    fpu_pop(cpu);
    cpu->fpu.fsw &= (uint16_t)~FP_C1;
}

/* ---- control and status words --------------------------------------------------------- */

void op_fldcw_Mw(CpuState *cpu, const Insn *in)
{
    uint8_t b[2];
    fpu_read_mem(cpu, in->seg, insn_ea(cpu, in), b, 2);
    cpu->fpu.fcw = (uint16_t)((load_le(b, 2) & 0x1f3f) | 0x0040);
    fpu_update_es(cpu);
}

void op_fnstcw_Mw(CpuState *cpu, const Insn *in)
{
    uint8_t b[2];
    store_le(b, cpu->fpu.fcw, 2);
    fpu_write_mem(cpu, in->seg, insn_ea(cpu, in), b, 2);
}

void op_fnstsw_Mw(CpuState *cpu, const Insn *in)
{
    uint8_t b[2];
    store_le(b, cpu->fpu.fsw, 2);
    fpu_write_mem(cpu, in->seg, insn_ea(cpu, in), b, 2);
}

void op_fnstsw_AX(CpuState *cpu, const Insn *in)
{
    cpu_set_reg16(cpu, R_EAX, cpu->fpu.fsw);
}

void op_fnclex(CpuState *cpu, const Insn *in)
{
    /* SDM Vol. 2 FCLEX: PE UE OE ZE DE IE, SF, ES and B cleared */
    cpu->fpu.fsw &= (uint16_t)~(FP_EXC | FP_SF | FP_ES | FP_B);
    fpu_update_es(cpu);
}

void op_fninit(CpuState *cpu, const Insn *in)
{
    fpu_init(cpu);
}
