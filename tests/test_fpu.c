/*
 * tests/test_fpu.c - unit tests for the x87 FPU and MMX (cpu/fpu*.c,
 * cpu/ops_mmx.c): short instruction sequences run in real mode from RAM, the
 * arithmetic core called directly, and the differential run against the
 * host's x87 (tests/fpu-diff.c). No disk image.
 *
 * Layout: code at 0100:0000, data segment 3000 (phys 0x30000), stack
 * 2000:FFFE, IVT entries pointing at one HLT per vector at 0050:2*vector.
 */
#include <check.h>

#include "cpu/fpu_core.h"
#include "cpu/internal.h"

#define RAM_SIZE (1u << 21)
#define CODE_PHYS 0x1000u
#define DATA_PHYS 0x30000u
#define HANDLER(v) (0x500u + 2u * (v))

int fpu_diff_run(int cases_per_op, const char *only, bool verbose, int *total_cases);

typedef struct Rig {
    AddrSpace *mem, *io;
    uint8_t *ram;
    CpuState *cpu;
    int ferr_level, ferr_edges;
} Rig;

static void fake_ferr(void *opaque, bool level)
{
    Rig *r = opaque;
    r->ferr_edges += level && !r->ferr_level;
    r->ferr_level = level;
}

static Rig *rig_new(const uint8_t *code, size_t len)
{
    Rig *r = xzalloc(sizeof *r);
    r->mem = addr_space_new(ADDR_SPACE_MEM);
    r->io = addr_space_new(ADDR_SPACE_IO);
    r->ram = xzalloc(RAM_SIZE);
    mem_map_ram(r->mem, 0, RAM_SIZE, r->ram);
    r->cpu = cpu_create(r->mem, r->io);
    CpuState *cpu = r->cpu;
    for (unsigned v = 0; v < 256; v++) {
        uint16_t off = (uint16_t)(HANDLER(v) - 0x500);
        r->ram[v * 4] = (uint8_t)off;
        r->ram[v * 4 + 1] = (uint8_t)(off >> 8);
        r->ram[v * 4 + 2] = 0x50;
        r->ram[HANDLER(v)] = 0xf4;
    }
    memcpy(r->ram + CODE_PHYS, code, len);
    cpu->idtr.base = 0;
    cpu->idtr.limit = 0x3ff;
    cpu_set_seg_real(cpu, SEG_CS, CODE_PHYS >> 4);
    cpu_set_seg_real(cpu, SEG_SS, 0x2000);
    cpu_set_seg_real(cpu, SEG_DS, DATA_PHYS >> 4);
    cpu->eip = 0;
    cpu->regs[R_ESP] = 0xfffe;
    cpu->ferr = fake_ferr;
    cpu->ferr_opaque = r;
    return r;
}

static void rig_free(Rig *r)
{
    cpu_free(r->cpu);
    addr_space_free(r->mem);
    addr_space_free(r->io);
    free(r->ram);
    free(r);
}

static void run(Rig *r)
{
    ck_assert_int_eq(cpu_exec(r->cpu, 1000), CPU_EXIT_HALT);
}

static uint16_t d16(Rig *r, unsigned off) { return (uint16_t)(r->ram[DATA_PHYS + off] | r->ram[DATA_PHYS + off + 1] << 8); }
static uint32_t d32(Rig *r, unsigned off) { return d16(r, off) | (uint32_t)d16(r, off + 2) << 16; }
static uint64_t d64(Rig *r, unsigned off) { return d32(r, off) | (uint64_t)d32(r, off + 4) << 32; }
static void set16(Rig *r, unsigned off, uint16_t v) { r->ram[DATA_PHYS + off] = (uint8_t)v; r->ram[DATA_PHYS + off + 1] = (uint8_t)(v >> 8); }
static void set32(Rig *r, unsigned off, uint32_t v) { set16(r, off, (uint16_t)v); set16(r, off + 2, (uint16_t)(v >> 16)); }

static Fp80 st(Rig *r, int i) { return *fpu_st(r->cpu, i); }

/* ---- control, power-on, FINIT ---------------------------------------------------- */

START_TEST(fpu_reset_and_finit_state)
{
    static const uint8_t code[] = {
        0xd9, 0x3e, 0x00, 0x00,             /* fnstcw [0] (power-on) */
        0xdb, 0xe3,                         /* fninit */
        0xd9, 0x3e, 0x02, 0x00,             /* fnstcw [2] */
        0xdd, 0x3e, 0x04, 0x00,             /* fnstsw [4] */
        0xdf, 0xe0,                         /* fnstsw ax */
        0x66, 0xb8, 0x01, 0x00, 0x00, 0x00, /* mov eax,1 */
        0x0f, 0xa2,                         /* cpuid */
        0xf4,
    };
    Rig *r = rig_new(code, sizeof code);
    set16(r, 4, 0x5a5a);
    ck_assert_uint_eq(r->cpu->fpu.ftw, 0x5555);           /* SDM Vol. 3A table 9-1 */
    run(r);
    ck_assert_uint_eq(d16(r, 0), 0x0040);
    ck_assert_uint_eq(d16(r, 2), 0x037f);
    ck_assert_uint_eq(d16(r, 4), 0);
    ck_assert_uint_eq(r->cpu->fpu.ftw, 0xffff);
    uint32_t edx = r->cpu->regs[R_EDX];
    ck_assert(edx & 1);                                   /* FPU */
    ck_assert(edx & (1u << 23));                          /* MMX */
    ck_assert(edx & (1u << 24));                          /* FXSR */
    rig_free(r);
}
END_TEST

/* 1/3 under every precision and rounding control (FLD1; FIDIV m16 3). */
START_TEST(fpu_one_third_precision_rounding)
{
    static const uint8_t code[] = {
        0xdb, 0xe3,                         /* fninit */
        0xd9, 0x2e, 0x00, 0x00,             /* fldcw [0] */
        0xd9, 0xe8,                         /* fld1 */
        0xde, 0x36, 0x02, 0x00,             /* fidiv word [2] */
        0xdd, 0x3e, 0x04, 0x00,             /* fnstsw [4] */
        0xdb, 0x3e, 0x10, 0x00,             /* fstp tbyte [10] */
        0xf4,
    };
    /* significands of 1/3 (exp 3ffd): 0.0101... rounded at 24/53/64 bits */
    static const struct { unsigned pc, rc; uint64_t sig; bool up; } want[] = {
        { 0, FP_RC_NEAREST, 0xaaaaab0000000000ull, true },
        { 0, FP_RC_DOWN, 0xaaaaaa0000000000ull, false },
        { 0, FP_RC_UP, 0xaaaaab0000000000ull, true },
        { 0, FP_RC_ZERO, 0xaaaaaa0000000000ull, false },
        { 2, FP_RC_NEAREST, 0xaaaaaaaaaaaaa800ull, false },
        { 2, FP_RC_UP, 0xaaaaaaaaaaaab000ull, true },
        { 3, FP_RC_NEAREST, 0xaaaaaaaaaaaaaaabull, true },
        { 3, FP_RC_DOWN, 0xaaaaaaaaaaaaaaaaull, false },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        Rig *r = rig_new(code, sizeof code);
        set16(r, 0, (uint16_t)(0x007f | want[i].pc << 8 | want[i].rc << 10));
        set16(r, 2, 3);
        run(r);
        ck_assert_uint_eq(d64(r, 0x10), want[i].sig);
        ck_assert_uint_eq(d16(r, 0x18), 0x3ffd);
        ck_assert_uint_eq(d16(r, 4) & FP_PE, FP_PE);
        ck_assert_uint_eq((d16(r, 4) & FP_C1) != 0, want[i].up);
        rig_free(r);
    }
}
END_TEST

/* ---- the arithmetic core directly --------------------------------------------------- */

static FpCtx ctx(uint16_t cw) { FpCtx c = { cw, 0, false }; return c; }

START_TEST(fpu_core_halfway_and_denormals)
{
    /* 1 + 2^-64 is halfway between 1 and 1+2^-63: ties to even -> 1 */
    FpCtx c = ctx(0x037f);
    Fp80 one = fp_make(false, 0x3fff, 1ull << 63);
    Fp80 r = fp_add(&c, one, fp_make(false, 0x3fff - 64, 1ull << 63), false);
    ck_assert_uint_eq(r.sig, 1ull << 63);
    ck_assert_uint_eq(c.exc, FP_PE);
    ck_assert(!c.up);
    /* 3 * 2^-64 more: above halfway -> rounds up, C1 */
    c = ctx(0x037f);
    r = fp_add(&c, one, fp_make(false, 0x3fff - 63, 3ull << 62), false);
    ck_assert_uint_eq(r.sig, (1ull << 63) + 2);
    ck_assert(c.up);
    /* smallest normal / 2 -> denormal, exact: no UE while masked */
    c = ctx(0x037f);
    r = fp_div(&c, fp_make(false, 1, 1ull << 63), fp_make(false, 0x4000, 1ull << 63));
    ck_assert_uint_eq(r.se, 0);
    ck_assert_uint_eq(r.sig, 1ull << 62);
    ck_assert_uint_eq(c.exc, 0);
    /* tiny and inexact: UE + PE, gradual underflow */
    c = ctx(0x037f);
    r = fp_mul(&c, fp_make(false, 1, 0xc000000000000001ull), fp_make(false, 0x3ffe, 1ull << 63));
    ck_assert_uint_eq(r.se, 0);
    ck_assert_uint_eq(c.exc, FP_UE | FP_PE);
    /* a denormal operand raises DE */
    c = ctx(0x037f);
    fp_add(&c, fp_make(false, 0, 1), one, false);
    ck_assert_uint_eq(c.exc & FP_DE, FP_DE);
}
END_TEST

START_TEST(fpu_core_overflow_by_rounding_mode)
{
    Fp80 big = fp_make(false, 0x7ffe, ~0ull);
    static const struct { unsigned rc; bool neg; bool inf; } cases[] = {
        { FP_RC_NEAREST, false, true }, { FP_RC_ZERO, false, false },
        { FP_RC_UP, false, true }, { FP_RC_DOWN, false, false },
        { FP_RC_UP, true, false }, { FP_RC_DOWN, true, true },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        FpCtx c = ctx((uint16_t)(0x037f | cases[i].rc << 10));
        Fp80 a = cases[i].neg ? fp_neg(big) : big;
        Fp80 r = fp_add(&c, a, a, false);
        ck_assert_uint_eq(c.exc, FP_OE | FP_PE);
        ck_assert_uint_eq(fp_sign(r), cases[i].neg);
        if (cases[i].inf) {
            ck_assert_int_eq(fp_class(r), FPC_INF);
        } else {
            ck_assert_uint_eq(fp_exp(r), 0x7ffe);
            ck_assert_uint_eq(r.sig, ~0ull);
        }
    }
    /* unmasked overflow to a register: exponent wrapped by 24576 */
    FpCtx c = ctx(0x0377);
    Fp80 r = fp_mul(&c, big, fp_make(false, 0x4000, 1ull << 63));
    ck_assert_uint_eq(c.exc & FP_OE, FP_OE);
    ck_assert_uint_eq(fp_exp(r), 0x7fff - 24576);
    /* storing to single: overflow by range of the destination */
    c = ctx(0x037f);
    uint32_t f;
    ck_assert(fp_to_f32(&c, fp_make(false, 0x3fff + 128, 1ull << 63), &f));
    ck_assert_uint_eq(f, 0x7f800000u);
    ck_assert_uint_eq(c.exc, FP_OE | FP_PE);
}
END_TEST

START_TEST(fpu_core_nan_propagation)
{
    FpCtx c = ctx(0x037f);
    Fp80 one = fp_make(false, 0x3fff, 1ull << 63);
    Fp80 snan = fp_make(false, 0x7fff, 0x8000000000000001ull);
    Fp80 qnan_small = fp_make(true, 0x7fff, 0xc000000000000001ull);
    Fp80 qnan_big = fp_make(false, 0x7fff, 0xc000000000000100ull);
    Fp80 r = fp_add(&c, one, snan, false);           /* SNaN -> IE, quieted */
    ck_assert_uint_eq(c.exc, FP_IE);
    ck_assert_uint_eq(r.sig, 0xc000000000000001ull);
    c = ctx(0x037f);
    r = fp_mul(&c, qnan_small, qnan_big);            /* larger significand */
    ck_assert_uint_eq(c.exc, 0);
    ck_assert_uint_eq(r.sig, qnan_big.sig);
    c = ctx(0x037f);
    r = fp_div(&c, snan, qnan_small);                /* QNaN beats SNaN */
    ck_assert_uint_eq(c.exc, FP_IE);
    ck_assert_uint_eq(r.se, qnan_small.se);
    c = ctx(0x037f);
    r = fp_add(&c, fp_inf(false), fp_inf(true), false);   /* inf - inf */
    ck_assert_uint_eq(c.exc, FP_IE);
    ck_assert_uint_eq(r.se, 0xffff);
    ck_assert_uint_eq(r.sig, 0xc000000000000000ull);
    c = ctx(0x037f);
    fp_sqrt(&c, fp_make(false, 0x3fff, 0x4000000000000000ull));   /* unnormal */
    ck_assert_uint_eq(c.exc, FP_IE);
}
END_TEST

/* ---- stack faults ------------------------------------------------------------------- */

START_TEST(fpu_stack_overflow_underflow)
{
    static const uint8_t code[] = {
        0xdb, 0xe3,                         /* fninit */
        0xd9, 0xe8, 0xd9, 0xe8, 0xd9, 0xe8, 0xd9, 0xe8,
        0xd9, 0xe8, 0xd9, 0xe8, 0xd9, 0xe8, 0xd9, 0xe8,   /* 8x fld1 */
        0xd9, 0xee,                         /* fldz: overflow */
        0xdd, 0x3e, 0x00, 0x00,             /* fnstsw [0] */
        0xdb, 0xe3,                         /* fninit */
        0xd8, 0xc1,                         /* fadd st0,st1: underflow */
        0xdd, 0x3e, 0x02, 0x00,             /* fnstsw [2] */
        0xf4,
    };
    Rig *r = rig_new(code, sizeof code);
    run(r);
    ck_assert_uint_eq(d16(r, 0) & 0x7ff, FP_IE | FP_SF | FP_C1);
    ck_assert_uint_eq(d16(r, 2) & 0x7ff, FP_IE | FP_SF);
    /* masked response: ST(0) holds the indefinite */
    ck_assert_uint_eq(st(r, 0).se, 0xffff);
    ck_assert_uint_eq(st(r, 0).sig, 0xc000000000000000ull);
    rig_free(r);
}
END_TEST

/* ---- exceptions: #MF, FERR#, #NM ------------------------------------------------------ */

START_TEST(fpu_unmasked_exception_mf_and_ferr)
{
    static const uint8_t code[] = {
        0xdb, 0xe3,                         /* fninit */
        0xd9, 0x2e, 0x00, 0x00,             /* fldcw [0] (ZE unmasked) */
        0xd9, 0xe8,                         /* fld1 */
        0xd9, 0xee,                         /* fldz */
        0xde, 0xf9,                         /* fdivp: 1/0 -> ES, no result */
        0x9b,                               /* fwait: #MF / FERR# here */
        0xf4,
    };
    Rig *r = rig_new(code, sizeof code);
    set16(r, 0, 0x037b);
    r->cpu->cr[0] |= CR0_NE;
    run(r);
    /* #MF (16) delivered with the return address of the FWAIT */
    ck_assert_uint_eq(r->cpu->seg[SEG_CS].sel, 0x0050);
    ck_assert_uint_eq(r->cpu->eip, HANDLER(16) - 0x500 + 1);
    ck_assert_uint_eq(r->ram[0x20000 + r->cpu->regs[R_ESP]], 12);
    ck_assert_uint_eq(r->cpu->fpu.fsw & (FP_ES | FP_B | FP_ZE), FP_ES | FP_B | FP_ZE);
    ck_assert_uint_eq(fpu_top(r->cpu), 6);                /* unmasked: not popped */
    rig_free(r);

    /* CR0.NE = 0: FERR# goes up once, the FWAIT retries and then proceeds */
    r = rig_new(code, sizeof code);
    set16(r, 0, 0x037b);
    run(r);
    ck_assert_int_eq(r->ferr_edges, 1);
    ck_assert_int_eq(r->ferr_level, 1);
    ck_assert_uint_eq(r->cpu->eip, sizeof code);
    rig_free(r);
}
END_TEST

START_TEST(fpu_fnclex_drops_ferr)
{
    static const uint8_t code[] = {
        0xdb, 0xe3, 0xd9, 0x2e, 0x00, 0x00, 0xd9, 0xe8, 0xd9, 0xee, 0xde, 0xf9,
        0x9b,                               /* fwait: FERR# */
        0xdb, 0xe2,                         /* fnclex: FERR# drops */
        0xd9, 0xe8,                         /* fld1 runs normally */
        0xf4,
    };
    Rig *r = rig_new(code, sizeof code);
    set16(r, 0, 0x037b);
    run(r);
    ck_assert_int_eq(r->ferr_edges, 1);
    ck_assert_int_eq(r->ferr_level, 0);
    ck_assert_uint_eq(r->cpu->fpu.fsw & (FP_ES | FP_EXC), 0);
    rig_free(r);
}
END_TEST

START_TEST(fpu_em_ts_raise_nm)
{
    static const uint8_t code[] = { 0xd9, 0xe8, 0xf4 };          /* fld1 */
    static const uint8_t wait[] = { 0x9b, 0xf4 };
    static const uint8_t mmx[] = { 0x0f, 0x77, 0xf4 };           /* emms */
    Rig *r = rig_new(code, sizeof code);
    r->cpu->cr[0] |= CR0_EM;
    run(r);
    ck_assert_uint_eq(r->cpu->eip, HANDLER(7) - 0x500 + 1);
    rig_free(r);
    r = rig_new(wait, sizeof wait);
    r->cpu->cr[0] |= CR0_TS;                                     /* MP = 0: WAIT runs */
    run(r);
    ck_assert_uint_eq(r->cpu->eip, sizeof wait);
    rig_free(r);
    r = rig_new(wait, sizeof wait);
    r->cpu->cr[0] |= CR0_TS | CR0_MP;
    run(r);
    ck_assert_uint_eq(r->cpu->eip, HANDLER(7) - 0x500 + 1);
    rig_free(r);
    r = rig_new(mmx, sizeof mmx);
    r->cpu->cr[0] |= CR0_EM;                                     /* MMX: #UD */
    run(r);
    ck_assert_uint_eq(r->cpu->eip, HANDLER(6) - 0x500 + 1);
    rig_free(r);
}
END_TEST

/* ---- environment layouts -------------------------------------------------------------- */

static const uint8_t save_code[] = {
    0xdb, 0xe3,                         /* fninit */
    0xd9, 0xe8,                         /* fld1 */
    0xd9, 0xeb,                         /* fldpi */
    0xd9, 0xee,                         /* fldz */
    0xdd, 0x36, 0x00, 0x01,             /* fnsave [100] (16-bit) */
    0x66, 0xdd, 0x36, 0x00, 0x02,       /* fnsave [200] (32-bit) */
    0xdd, 0x26, 0x00, 0x01,             /* frstor [100] */
    0xdd, 0x3e, 0x00, 0x00,             /* fnstsw [0] */
    0xd9, 0x36, 0x00, 0x03,             /* fnstenv [300] (16-bit) */
    0xf4,
};

START_TEST(fpu_fsave_frstor_real_mode_layouts)
{
    Rig *r = rig_new(save_code, sizeof save_code);
    run(r);
    /* 16-bit real-mode layout (figure 8-11): 14 bytes, then ST(0)..ST(7) */
    ck_assert_uint_eq(d16(r, 0x100), 0x037f);
    ck_assert_uint_eq(d16(r, 0x102) >> 11 & 7, 5);                  /* TOP */
    ck_assert_uint_eq(d16(r, 0x104), 0x07ff);      /* ST0 zero, ST1 valid, ST2 valid */
    uint32_t fip = (uint32_t)d16(r, 0x106) | (uint32_t)(d16(r, 0x108) >> 12) << 16;
    ck_assert_uint_eq(fip, CODE_PHYS + 6);                          /* linear, fldz */
    ck_assert_uint_eq(d16(r, 0x108) & 0x7ff, 0x1ee);                /* FOP D9 EE */
    ck_assert_uint_eq(d16(r, 0x10e + 8), 0);                        /* ST0 = +0 */
    ck_assert_uint_eq(d64(r, 0x10e + 10), 0xc90fdaa22168c235ull);   /* ST1 = pi */
    ck_assert_uint_eq(d16(r, 0x10e + 28), 0x3fff);                  /* ST2 = 1 */
    /* FNSAVE re-initialised: the 32-bit save saw an empty FPU */
    ck_assert_uint_eq(d32(r, 0x200), 0xffff037f);
    ck_assert_uint_eq(d32(r, 0x208), 0xffffffff);
    /* FRSTOR brought the first state back */
    ck_assert_uint_eq(d16(r, 0) >> 11 & 7, 5);
    ck_assert_uint_eq(st(r, 1).sig, 0xc90fdaa22168c235ull);
    ck_assert_uint_eq(d16(r, 0x304), 0x07ff);
    /* FNSTENV then masked everything */
    ck_assert_uint_eq(r->cpu->fpu.fcw & 0x3f, 0x3f);
    rig_free(r);
}
END_TEST

START_TEST(fpu_fstenv_protected_mode_layouts)
{
    static const uint8_t code[] = {
        0xdb, 0xe3,                         /* fninit */
        0xd9, 0xe8,                         /* fld1 */
        0xd9, 0x06, 0x40, 0x00,             /* fld dword [40] */
        0x66, 0xd9, 0x36, 0x00, 0x02,       /* fnstenv [200] (32-bit) */
        0xd9, 0x36, 0x00, 0x01,             /* fnstenv [100] (16-bit) */
        0xf4,
    };
    Rig *r = rig_new(code, sizeof code);
    r->cpu->cr[0] |= CR0_PE;          /* 16-bit code, segment caches as in real mode */
    cpu_exec(r->cpu, 5);
    /* 32-bit protected-mode layout (SDM Vol. 1 figure 8-9) */
    ck_assert_uint_eq(d32(r, 0x200), 0xffff037f);
    ck_assert_uint_eq(d32(r, 0x208), 0xffff1fff);           /* R6 zero, R7 valid */
    ck_assert_uint_eq(d32(r, 0x20c), 4);                            /* FIP offset */
    ck_assert_uint_eq(d32(r, 0x210), (uint32_t)0x106 << 16 | (CODE_PHYS >> 4));   /* FOP:FCS */
    ck_assert_uint_eq(d32(r, 0x214), 0x40);                         /* FDP */
    ck_assert_uint_eq(d32(r, 0x218), 0xffff0000u | (DATA_PHYS >> 4));   /* FDS */
    /* 16-bit protected-mode layout (figure 8-10) */
    ck_assert_uint_eq(d16(r, 0x106), 4);
    ck_assert_uint_eq(d16(r, 0x108), CODE_PHYS >> 4);
    ck_assert_uint_eq(d16(r, 0x10a), 0x40);
    ck_assert_uint_eq(d16(r, 0x10c), DATA_PHYS >> 4);
    rig_free(r);
}
END_TEST

START_TEST(fpu_fxsave_layout_and_alignment)
{
    static const uint8_t code[] = {
        0xdb, 0xe3,                         /* fninit */
        0xd9, 0xe8,                         /* fld1 */
        0xd9, 0xee,                         /* fldz */
        0x0f, 0xae, 0x06, 0x00, 0x04,       /* fxsave [400] */
        0xdb, 0xe3,                         /* fninit */
        0x0f, 0xae, 0x0e, 0x00, 0x04,       /* fxrstor [400] */
        0x0f, 0xae, 0x06, 0x08, 0x06,       /* fxsave [608]: #GP */
        0xf4,
    };
    Rig *r = rig_new(code, sizeof code);
    memset(r->ram + DATA_PHYS + 0x400, 0xaa, 512);
    run(r);
    ck_assert_uint_eq(d16(r, 0x400), 0x037f);
    ck_assert_uint_eq(d16(r, 0x402) >> 11 & 7, 6);
    ck_assert_uint_eq(r->ram[DATA_PHYS + 0x404], 0xc0);          /* abridged tags R6 R7 */
    ck_assert_uint_eq(d16(r, 0x406), 0x1ee);                     /* FOP */
    ck_assert_uint_eq(d32(r, 0x408), 4);                         /* FIP */
    ck_assert_uint_eq(d32(r, 0x418), 0x1f80);                    /* MXCSR */
    ck_assert_uint_eq(d32(r, 0x41c), 0xffbf);                    /* MXCSR_MASK */
    ck_assert_uint_eq(d64(r, 0x430), 0x8000000000000000ull);     /* ST1 = 1.0 */
    ck_assert_uint_eq(d16(r, 0x438), 0x3fff);
    ck_assert_uint_eq(r->ram[DATA_PHYS + 0x400 + 160], 0xaa);   /* XMM area untouched */
    ck_assert_uint_eq(fpu_top(r->cpu), 6);                       /* FXRSTOR */
    ck_assert_uint_eq(r->cpu->fpu.ftw, 0x0fff);
    ck_assert_uint_eq(r->cpu->eip, HANDLER(13) - 0x500 + 1);     /* misaligned: #GP */
    rig_free(r);
}
END_TEST

/* ---- BCD, FPREM, compares ------------------------------------------------------------ */

START_TEST(fpu_fbstp_fbld)
{
    static const uint8_t code[] = {
        0xdb, 0xe3,
        0xdf, 0x26, 0x00, 0x00,             /* fbld [0] */
        0xd9, 0xe0,                         /* fchs */
        0xdf, 0x36, 0x10, 0x00,             /* fbstp [10] */
        0xdf, 0x2e, 0x20, 0x00,             /* fild qword [20] = 10^18 */
        0xdf, 0x36, 0x30, 0x00,             /* fbstp [30]: invalid -> indefinite */
        0xdd, 0x3e, 0x40, 0x00,             /* fnstsw [40] */
        0xf4,
    };
    Rig *r = rig_new(code, sizeof code);
    static const uint8_t bcd[10] = { 0x21, 0x43, 0x65, 0x87, 0x09, 0x21, 0x43, 0x65, 0x87, 0x00 };
    memcpy(r->ram + DATA_PHYS, bcd, 10);
    set32(r, 0x20, 0xa7640000u);
    set32(r, 0x24, 0x0de0b6b3u);            /* 1000000000000000000 */
    run(r);
    ck_assert_mem_eq(r->ram + DATA_PHYS + 0x10, bcd, 9);
    ck_assert_uint_eq(r->ram[DATA_PHYS + 0x19], 0x80);
    static const uint8_t indef[10] = { 0, 0, 0, 0, 0, 0, 0, 0xc0, 0xff, 0xff };
    ck_assert_mem_eq(r->ram + DATA_PHYS + 0x30, indef, 10);
    ck_assert_uint_eq(d16(r, 0x40) & FP_IE, FP_IE);
    rig_free(r);
}
END_TEST

START_TEST(fpu_fprem_partial_remainders)
{
    /* 2^200 mod 3: FPREM needs several rounds, C2 = 1 until done */
    static const uint8_t code[] = {
        0xdb, 0xe3,
        0xdf, 0x06, 0x00, 0x00,             /* fild word [0] = 3 */
        0xdb, 0x2e, 0x10, 0x00,             /* fld tbyte [10] = 2^200 */
        0xd9, 0xf8,                         /* again: fprem */
        0x43,                               /* inc bx (count rounds) */
        0xdf, 0xe0,                         /* fnstsw ax */
        0x9e,                               /* sahf: C2 -> PF */
        0x7a, 0xf8,                         /* jp again */
        0xf4,
    };
    Rig *r = rig_new(code, sizeof code);
    set16(r, 0, 3);
    set32(r, 0x10, 0);
    set32(r, 0x14, 0x80000000u);
    set16(r, 0x18, 0x3fff + 200);
    run(r);
    ck_assert_uint_gt(r->cpu->regs[R_EBX], 1);
    /* 2^200 = 4^100 = 1 (mod 3) */
    ck_assert_uint_eq(st(r, 0).se, 0x3fff);
    ck_assert_uint_eq(st(r, 0).sig, 1ull << 63);
    ck_assert_uint_eq(r->cpu->fpu.fsw & FP_C2, 0);
    rig_free(r);
}
END_TEST

START_TEST(fpu_compare_flags)
{
    static const uint8_t code[] = {
        0xdb, 0xe3,
        0xd9, 0xe8,                         /* fld1 */
        0xd9, 0xeb,                         /* fldpi */
        0xd8, 0xd1,                         /* fcom st1: pi > 1 */
        0xdf, 0xe0, 0x89, 0xc1,             /* fnstsw ax; mov cx,ax */
        0xdb, 0xf1,                         /* fcomi st1 */
        0x9c, 0x5a,                         /* pushf; pop dx */
        0xd9, 0xc9,                         /* fxch */
        0xdb, 0xf1,                         /* fcomi st1: 1 < pi -> CF */
        0x9c, 0x5b,                         /* pushf; pop bx */
        0xd9, 0xe4,                         /* ftst */
        0xdf, 0xe0,                         /* fnstsw ax */
        0xf4,
    };
    Rig *r = rig_new(code, sizeof code);
    run(r);
    ck_assert_uint_eq(r->cpu->regs[R_ECX] & (FP_C3 | FP_C2 | FP_C0), 0);
    ck_assert_uint_eq(r->cpu->regs[R_EDX] & 0x45, 0);
    ck_assert_uint_eq(r->cpu->regs[R_EBX] & 0x45, EFLAGS_CF);
    ck_assert_uint_eq(r->cpu->regs[R_EAX] & (FP_C3 | FP_C2 | FP_C0), 0);   /* 1 > 0 */
    rig_free(r);
}
END_TEST

/* ---- MMX ------------------------------------------------------------------------------------ */

START_TEST(fpu_mmx_saturation_and_aliasing)
{
    static const uint8_t code[] = {
        0xdb, 0xe3,                         /* fninit */
        0xd9, 0xe8,                         /* fld1: TOP = 7 */
        0x0f, 0x6f, 0x06, 0x00, 0x00,       /* movq mm0,[0] */
        0x0f, 0xed, 0x06, 0x08, 0x00,       /* paddsw mm0,[8] */
        0x0f, 0x6f, 0xc8,                   /* movq mm1,mm0 */
        0x0f, 0xdd, 0x0e, 0x08, 0x00,       /* paddusw mm1,[8] */
        0x0f, 0x7f, 0x06, 0x10, 0x00,       /* movq [10],mm0 */
        0x0f, 0x7f, 0x0e, 0x18, 0x00,       /* movq [18],mm1 */
        0xdd, 0x3e, 0x20, 0x00,             /* fnstsw [20] */
        0xd9, 0x36, 0x30, 0x00,             /* fnstenv [30] */
        0x0f, 0x77,                         /* emms */
        0xf4,
    };
    Rig *r = rig_new(code, sizeof code);
    set32(r, 0, 0x80007ff0u);               /* words: 7ff0, 8000, 0001, fffe */
    set32(r, 4, 0xfffe0001u);
    set32(r, 8, 0xffff0020u);               /* words: 0020, ffff, 0002, 0003 */
    set32(r, 12, 0x00030002u);
    run(r);
    ck_assert_uint_eq(d64(r, 0x10), 0x0001000380007fffull);   /* signed saturation */
    ck_assert_uint_eq(d64(r, 0x18), 0x00040005ffff801full);   /* unsigned saturation */
    ck_assert_uint_eq(d16(r, 0x20) >> 11 & 7, 0);             /* MMX: TOP = 0 */
    /* all tags in use, FSTENV derives them: R0 R1 special (exponent all
     * ones), R2-R6 zero (power-on contents), R7 valid (the 1.0) */
    ck_assert_uint_eq(d16(r, 0x34), 0x155a);
    ck_assert_uint_eq(r->cpu->fpu.st[0].se, 0xffff);          /* aliasing: exponent all ones */
    ck_assert_uint_eq(r->cpu->fpu.st[1].sig, 0x00040005ffff801full);
    ck_assert_uint_eq(r->cpu->fpu.ftw, 0xffff);               /* EMMS */
    rig_free(r);
}
END_TEST

/* ---- against the host's x87 ------------------------------------------------------------- */

START_TEST(fpu_differential_vs_host)
{
    int total = 0;
    int bad = fpu_diff_run(2500, NULL, true, &total);
    if (bad < 0) {
        fprintf(stderr, "fpu-diff: SKIP (no executable memory on this host)\n");
        return;
    }
    fprintf(stderr, "fpu-diff: %d cases, %d mismatches\n", total, bad);
    ck_assert_int_eq(bad, 0);
}
END_TEST

Suite *fpu_suite(void)
{
    Suite *s = suite_create("fpu");
    TCase *tc = tcase_create("x87");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, fpu_reset_and_finit_state);
    tcase_add_test(tc, fpu_one_third_precision_rounding);
    tcase_add_test(tc, fpu_core_halfway_and_denormals);
    tcase_add_test(tc, fpu_core_overflow_by_rounding_mode);
    tcase_add_test(tc, fpu_core_nan_propagation);
    tcase_add_test(tc, fpu_stack_overflow_underflow);
    tcase_add_test(tc, fpu_unmasked_exception_mf_and_ferr);
    tcase_add_test(tc, fpu_fnclex_drops_ferr);
    tcase_add_test(tc, fpu_em_ts_raise_nm);
    tcase_add_test(tc, fpu_fsave_frstor_real_mode_layouts);
    tcase_add_test(tc, fpu_fstenv_protected_mode_layouts);
    tcase_add_test(tc, fpu_fxsave_layout_and_alignment);
    tcase_add_test(tc, fpu_fbstp_fbld);
    tcase_add_test(tc, fpu_fprem_partial_remainders);
    tcase_add_test(tc, fpu_compare_flags);
    tcase_add_test(tc, fpu_mmx_saturation_and_aliasing);
    tcase_add_test(tc, fpu_differential_vs_host);
    suite_add_tcase(s, tc);
    return s;
}
