/*
 * tests/fpu-diff.c - differential test of emu's x87/MMX against the host's.
 *
 * The host is an x86-64 with a real x87, and x87/MMX instruction encodings
 * mean the same in 64-bit mode as in emu's real mode for register operands
 * and for the memory form ModRM 00 reg 000 ([rax] on the host, [bx+si] in
 * the guest). So each case builds one random x87 state (control word with
 * random precision/rounding/masks, TOP, tags, register contents drawn from
 * every class of value: normals near a common exponent, extremes, zeros,
 * denormals, pseudo-denormals, infinities, QNaN/SNaN, unsupported encodings),
 * a random memory operand, and runs the same instruction bytes
 *   - on the host, through a few bytes of generated code: FRSTOR the state,
 *     execute, FNSAVE (non-waiting, so unmasked exceptions never trap);
 *   - in emu, one instruction from bench RAM;
 * then compares control/status/tag words, all eight registers, the memory
 * operand and EFLAGS bit for bit. Transcendentals may differ by 1 ulp (the
 * host is within 1 ulp of the true value, emu rounds its own 128-bit result)
 * and C1/PE are not compared for them.
 *
 * Fixed seed; a few thousand cases per instruction; SKIP (pass with a note)
 * when the host cannot map executable memory.
 */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "cpu/fpu_core.h"
#include "cpu/internal.h"

#define RAM_SIZE (1u << 20)
#define CODE_PHYS 0x1000u
#define DATA_PHYS 0x30000u

typedef struct DiffRig {
    AddrSpace *mem, *io;
    uint8_t *ram;
    CpuState *cpu;
    uint8_t *host_code;
} DiffRig;

/* ---- random numbers (xorshift64*) --------------------------------------------------- */

static uint64_t rng_state;
static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dull;
}
static unsigned rndn(unsigned n) { return (unsigned)(rnd() % n); }

static uint64_t rnd_sig(void)
{
    uint64_t s = rnd();
    switch (rndn(6)) {
    case 0: s &= ~0ull << rndn(64); break;          /* trailing zeros: exact / halfway */
    case 1: s |= (1ull << rndn(64)) - 1; break;     /* trailing ones */
    case 2: s = 0x8000000000000000ull | (s & ((1ull << rndn(64)) - 1)); break;
    default: break;
    }
    return s | 0x8000000000000000ull;
}

static int base_exp;

static Fp80 rnd_value(void)
{
    bool sign = rnd() & 1;
    unsigned k = rndn(100);
    if (k < 35)
        return fp_make(sign, (unsigned)(base_exp + (int)rndn(9) - 4), rnd_sig());
    if (k < 50)
        return fp_make(sign, 1 + rndn(0x7ffe), rnd_sig());
    if (k < 58)
        return fp_make(sign, rndn(2) ? 1 + rndn(80) : 0x7ffe - rndn(80), rnd_sig());
    if (k < 68) {
        int64_t i = (int64_t)rndn(2000) - 1000;
        return i ? fp_from_int(i) : fp_make(sign, 0x3ffe, 0x8000000000000000ull);
    }
    switch (k % 10) {
    case 0: return fp_zero(sign);
    case 1: return fp_make(sign, 0, rnd() >> (1 + rndn(63)));          /* denormal */
    case 2: return fp_make(sign, 0, rnd_sig());                        /* pseudo-denormal */
    case 3: return fp_inf(sign);
    case 4: return fp_make(sign, 0x7fff, 0xc000000000000000ull | rnd() >> 2);   /* QNaN */
    case 5: return fp_make(sign, 0x7fff, 0x8000000000000000ull | (rnd() >> 2 | 1));  /* SNaN */
    case 6: return fp_make(sign, 1 + rndn(0x7ffe), rnd() >> 1);        /* unnormal */
    case 7: return fp_make(sign, 0x7fff, rnd() >> 1);                  /* pseudo-NaN/inf */
    case 8: return fp_indefinite();
    default: return fp_make(sign, (unsigned)base_exp, rnd_sig());
    }
}

/* ---- the host side ------------------------------------------------------------------- */

typedef void HostFn(uint8_t *image, uint8_t *mem, uint64_t *rflags);

static HostFn *host_build(DiffRig *r, const uint8_t *insn, unsigned len)
{
    static const uint8_t pre[] = {
        0x53,                   /* push rbx */
        0x48, 0x89, 0xf0,       /* mov rax, rsi */
        0x48, 0x8b, 0x0a,       /* mov rcx, [rdx] */
        0x51, 0x9d,             /* push rcx; popfq */
        0xdd, 0x27,             /* frstor [rdi] */
    };
    static const uint8_t post[] = {
        0x9c, 0x59,             /* pushfq; pop rcx */
        0x48, 0x89, 0x0a,       /* mov [rdx], rcx */
        0xdd, 0x37,             /* fnsave [rdi] */
        0x5b, 0xc3,             /* pop rbx; ret */
    };
    uint8_t *p = r->host_code;
    memcpy(p, pre, sizeof pre);
    memcpy(p + sizeof pre, insn, len);
    memcpy(p + sizeof pre + len, post, sizeof post);
    __builtin___clear_cache((char *)p, (char *)p + 64);
    HostFn *fn;
    memcpy(&fn, &p, sizeof fn);
    return fn;
}

/* ---- the guest side ------------------------------------------------------------------ */

static DiffRig *rig_new(void)
{
    DiffRig *r = xzalloc(sizeof *r);
    void *code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    r->host_code = code == MAP_FAILED ? NULL : code;
    r->mem = addr_space_new(ADDR_SPACE_MEM);
    r->io = addr_space_new(ADDR_SPACE_IO);
    r->ram = xzalloc(RAM_SIZE);
    mem_map_ram(r->mem, 0, RAM_SIZE, r->ram);
    r->cpu = cpu_create(r->mem, r->io);
    return r;
}

static void rig_free(DiffRig *r)
{
    if (r->host_code)
        munmap(r->host_code, 4096);
    cpu_free(r->cpu);
    addr_space_free(r->mem);
    addr_space_free(r->io);
    free(r->ram);
    free(r);
}

static void put16(uint8_t *b, unsigned v) { b[0] = (uint8_t)v; b[1] = (uint8_t)(v >> 8); }
static unsigned get16(const uint8_t *b) { return b[0] | b[1] << 8; }

/* FSAVE image (32-bit protected-mode layout, what the host's FRSTOR takes). */
static void image_build(uint8_t *img, uint16_t cw, uint16_t sw, uint16_t tags, const Fp80 *st)
{
    memset(img, 0, 108);
    put16(img, cw);
    put16(img + 4, sw);
    put16(img + 8, tags);
    for (int i = 0; i < 8; i++) {
        memcpy(img + 28 + 10 * i, &st[i].sig, 8);
        put16(img + 28 + 10 * i + 8, st[i].se);
    }
}

static void guest_load(CpuState *cpu, const uint8_t *img)
{
    FpuState *f = &cpu->fpu;
    f->fcw = (uint16_t)get16(img);
    f->fsw = (uint16_t)get16(img + 4);
    f->ftw = 0;
    unsigned tags = get16(img + 8);
    int top = (f->fsw >> 11) & 7;
    for (int i = 0; i < 8; i++) {
        int p = (top + i) & 7;
        memcpy(&f->st[p].sig, img + 28 + 10 * i, 8);
        f->st[p].se = (uint16_t)get16(img + 28 + 10 * i + 8);
        if (((tags >> (2 * p)) & 3) == 3)
            f->ftw |= (uint16_t)(3u << (2 * p));
    }
}

static void guest_save(CpuState *cpu, uint8_t *img)
{
    Fp80 st[8];
    int top = fpu_top(cpu);
    for (int i = 0; i < 8; i++)
        st[i] = cpu->fpu.st[(top + i) & 7];
    image_build(img, cpu->fpu.fcw, cpu->fpu.fsw, fpu_full_tags(cpu), st);
}

/* ---- one instruction under test ------------------------------------------------------- */

enum { DOM_ANY, DOM_UNIT, DOM_SMALL, DOM_TRIG, DOM_POS };

enum { MEM_NONE, MEM_F32, MEM_F64, MEM_F80, MEM_I16, MEM_I32, MEM_I64, MEM_BCD, MEM_ANY64, MEM_SHIFT };

typedef struct DiffOp {
    const char *name;
    uint8_t bytes[4];
    uint8_t len;
    uint8_t mem;            /* kind of memory operand */
    uint8_t ulps;           /* tolerance for transcendentals, 0 = exact */
    uint8_t full7;          /* percent of cases with ST(7) in use (push overflow) */
    uint8_t domain;         /* ST(0) mostly inside an instruction's domain (DOM_*) */
} DiffOp;

static void rnd_mem(uint8_t *m, int kind)
{
    uint64_t v = rnd();
    for (int i = 0; i < 16; i++)
        m[i] = (uint8_t)rnd();
    if (kind == MEM_F32 || kind == MEM_F64 || kind == MEM_F80) {
        FpCtx c = { 0x037f, 0, false };
        Fp80 x = rnd_value();
        if (kind == MEM_F80) {
            memcpy(m, &x.sig, 8);
            put16(m + 8, x.se);
            return;
        }
        uint32_t f;
        uint64_t d;
        if (rndn(8) == 0) {
            d = rnd();
            if (kind == MEM_F64)
                memcpy(m, &d, 8);
            else
                memcpy(m, &d, 4);
            return;
        }
        if (kind == MEM_F32) {
            if (fp_class(x) == FPC_SNAN)
                x.sig &= ~0x0000ffffffffffffull, x.sig |= 1ull << 50;
            c.cw = 0x037f;
            fp_to_f32(&c, x, &f);
            if (fp_class(x) == FPC_SNAN)
                f &= ~0x400000u;
            memcpy(m, &f, 4);
        } else {
            fp_to_f64(&c, x, &d);
            if (fp_class(x) == FPC_SNAN)
                d &= ~(1ull << 51), d |= 1;
            memcpy(m, &d, 8);
        }
        return;
    }
    if (kind == MEM_I16 || kind == MEM_I32 || kind == MEM_I64) {
        if (rndn(2))
            v = (uint64_t)((int64_t)v >> rndn(64));
        memcpy(m, &v, 8);
    }
    if (kind == MEM_SHIFT) {
        v = rndn(4) ? rndn(70) : rnd();       /* mostly in-range shift counts */
        memcpy(m, &v, 8);
    }
    if (kind == MEM_BCD) {
        for (int i = 0; i < 9; i++)
            m[i] = (uint8_t)(rndn(10) << 4 | rndn(10));
        m[9] = rndn(2) ? 0x80 : 0;
    }
}

static bool within_ulps(Fp80 a, Fp80 b, unsigned ulps)
{
    if (a.se == b.se)
        return (a.sig > b.sig ? a.sig - b.sig : b.sig - a.sig) <= ulps;
    /* across a binade: compare as 80-bit integers of (exp, sig) */
    if ((a.se ^ b.se) & 0x8000)
        return false;
    unsigned __int128 x = (unsigned __int128)(a.se & 0x7fff) << 63 | (a.sig & ~(1ull << 63));
    unsigned __int128 y = (unsigned __int128)(b.se & 0x7fff) << 63 | (b.sig & ~(1ull << 63));
    return (x > y ? x - y : y - x) <= ulps;
}

typedef struct DiffResult {
    int cases, mismatches;
} DiffResult;

static void print_image(const char *who, const uint8_t *img)
{
    fprintf(stderr, "    %s cw=%04x sw=%04x tw=%04x", who, get16(img), get16(img + 4), get16(img + 8));
    for (int i = 0; i < 8; i++) {
        uint64_t s;
        memcpy(&s, img + 28 + 10 * i, 8);
        fprintf(stderr, " %04x:%016llx", get16(img + 36 + 10 * i), (unsigned long long)s);
        if (i == 1)
            fprintf(stderr, " ..");
        if (i == 1)
            break;
    }
    fprintf(stderr, "\n");
}

static bool run_case(DiffRig *r, const DiffOp *op, bool verbose)
{
    Fp80 st[8];
    uint8_t img[108], host_img[108], guest_img[108], mem[16], host_mem[16];
    base_exp = 0x3fff + (int)rndn(200) - 100;
    if (rndn(8) == 0)
        base_exp = rndn(2) ? 1 + (int)rndn(64) : 0x7ffe - (int)rndn(64);
    uint16_t cw = (uint16_t)(0x0040 | rndn(4) << 8 | rndn(4) << 10 | (rndn(5) ? 0x3f : rndn(64)));
    unsigned top = rndn(8);
    uint16_t sw = (uint16_t)(top << 11 | (rnd() & (FP_C0 | FP_C1 | FP_C2 | FP_C3)) |
                             (rnd() & cw & FP_EXC));
    uint16_t tags = 0;
    for (int i = 0; i < 8; i++) {
        st[i] = rnd_value();
        bool empty = i == 7 ? rndn(100) >= op->full7 : (i < 2 ? rndn(40) == 0 : rndn(4) == 0);
        if (empty)
            tags |= (uint16_t)(3u << (2 * ((top + i) & 7)));
    }
    if (op->domain && rndn(10) < 8) {
        static const int span[5][2] = { { 0, 0 }, { -64, 0 }, { -64, -2 }, { -30, 66 }, { -200, 200 } };
        int lo = span[op->domain][0], hi = span[op->domain][1];
        st[0] = fp_make(op->domain == DOM_POS ? false : rnd() & 1,
                        (unsigned)(0x3fff + lo + (int)rndn((unsigned)(hi - lo))), rnd_sig());
        if (op->domain == DOM_UNIT && rndn(20) == 0)
            st[0] = fp_make(rnd() & 1, 0x3fff, 1ull << 63);
    }
    image_build(img, cw, sw, tags, st);
    rnd_mem(mem, op->mem);
    uint64_t flags_in = 0x202 | (rnd() & 0x8d5), host_flags = flags_in;

    memcpy(host_img, img, sizeof img);
    memcpy(host_mem, mem, sizeof mem);
    HostFn *fn = host_build(r, op->bytes, op->len);
    fn(host_img, host_mem, &host_flags);

    CpuState *cpu = r->cpu;
    cpu_reset(cpu);
    cpu_set_seg_real(cpu, SEG_CS, CODE_PHYS >> 4);
    cpu_set_seg_real(cpu, SEG_DS, DATA_PHYS >> 4);
    cpu->eip = 0;
    cpu->regs[R_EBX] = cpu->regs[R_ESI] = 0;
    cpu->regs[R_EAX] = 0;
    cpu->cr[0] |= CR0_NE;
    cpu_set_eflags(cpu, (uint32_t)flags_in);
    memcpy(r->ram + CODE_PHYS, op->bytes, op->len);
    r->ram[CODE_PHYS + op->len] = 0xf4;
    memcpy(r->ram + DATA_PHYS, mem, sizeof mem);
    guest_load(cpu, img);
    cpu_step(cpu);
    guest_save(cpu, guest_img);
    const uint8_t *guest_mem = r->ram + DATA_PHYS;

    bool ok = true;
    uint16_t sw_mask = op->ulps ? (uint16_t)~(FP_C1 | FP_PE) : 0xffff;
    if (get16(host_img) != get16(guest_img) || get16(host_img + 8) != get16(guest_img + 8) ||
        ((get16(host_img + 4) ^ get16(guest_img + 4)) & sw_mask))
        ok = false;
    for (int i = 0; i < 8 && ok; i++) {
        Fp80 h, g;
        memcpy(&h.sig, host_img + 28 + 10 * i, 8);
        h.se = (uint16_t)get16(host_img + 36 + 10 * i);
        memcpy(&g.sig, guest_img + 28 + 10 * i, 8);
        g.se = (uint16_t)get16(guest_img + 36 + 10 * i);
        if (((get16(host_img + 8) >> (2 * ((fpu_top(cpu) + i) & 7))) & 3) == 3)
            continue;                     /* empty: contents not architectural */
        if (op->ulps ? !within_ulps(h, g, op->ulps) : (h.sig != g.sig || h.se != g.se))
            ok = false;
    }
    if (memcmp(host_mem, guest_mem, 16))
        ok = false;
    if (((uint32_t)host_flags ^ cpu_get_eflags(cpu)) & 0x8d5)
        ok = false;
    if (!ok && verbose) {
        fprintf(stderr, "  %s mismatch:\n", op->name);
        print_image("in   ", img);
        fprintf(stderr, "    in st: ");
        for (int i = 0; i < 8; i++)
            fprintf(stderr, "%04x:%016llx%s ", st[i].se, (unsigned long long)st[i].sig,
                    ((tags >> (2 * ((top + i) & 7))) & 3) == 3 ? "(E)" : "");
        fprintf(stderr, "\n    mem in: ");
        for (int i = 0; i < 10; i++)
            fprintf(stderr, "%02x", mem[i]);
        fprintf(stderr, "\n");
        print_image("host ", host_img);
        print_image("emu  ", guest_img);
        fprintf(stderr, "    mem host/emu: ");
        for (int i = 0; i < 10; i++)
            fprintf(stderr, "%02x", host_mem[i]);
        fprintf(stderr, " / ");
        for (int i = 0; i < 10; i++)
            fprintf(stderr, "%02x", guest_mem[i]);
        fprintf(stderr, "  flags host/emu %03llx/%03x\n", (unsigned long long)host_flags & 0x8d5,
                cpu_get_eflags(cpu) & 0x8d5);
    }
    return ok;
}

static const DiffOp diff_ops[] = {
    { "fadd st0,st1", { 0xd8, 0xc1 }, 2, MEM_NONE, 0, 0, 0 },
    { "fsub st0,st1", { 0xd8, 0xe1 }, 2, MEM_NONE, 0, 0, 0 },
    { "fsubr st0,st1", { 0xd8, 0xe9 }, 2, MEM_NONE, 0, 0, 0 },
    { "fmul st0,st1", { 0xd8, 0xc9 }, 2, MEM_NONE, 0, 0, 0 },
    { "fdiv st0,st1", { 0xd8, 0xf1 }, 2, MEM_NONE, 0, 0, 0 },
    { "fdivr st0,st1", { 0xd8, 0xf9 }, 2, MEM_NONE, 0, 0, 0 },
    { "faddp st2,st0", { 0xde, 0xc2 }, 2, MEM_NONE, 0, 0, 0 },
    { "fsubp st1,st0", { 0xde, 0xe9 }, 2, MEM_NONE, 0, 0, 0 },
    { "fdivrp st3,st0", { 0xde, 0xf3 }, 2, MEM_NONE, 0, 0, 0 },
    { "fadd m32", { 0xd8, 0x00 }, 2, MEM_F32, 0, 0, 0 },
    { "fmul m64", { 0xdc, 0x08 }, 2, MEM_F64, 0, 0, 0 },
    { "fdivr m64", { 0xdc, 0x38 }, 2, MEM_F64, 0, 0, 0 },
    { "fisub m16", { 0xde, 0x20 }, 2, MEM_I16, 0, 0, 0 },
    { "fidiv m32", { 0xda, 0x30 }, 2, MEM_I32, 0, 0, 0 },
    { "fsqrt", { 0xd9, 0xfa }, 2, MEM_NONE, 0, 0, 0 },
    { "frndint", { 0xd9, 0xfc }, 2, MEM_NONE, 0, 0, 0 },
    { "fscale", { 0xd9, 0xfd }, 2, MEM_NONE, 0, 0, 0 },
    { "fxtract", { 0xd9, 0xf4 }, 2, MEM_NONE, 0, 30, 0 },
    { "fprem", { 0xd9, 0xf8 }, 2, MEM_NONE, 0, 0, 0 },
    { "fprem1", { 0xd9, 0xf5 }, 2, MEM_NONE, 0, 0, 0 },
    { "fcom st1", { 0xd8, 0xd1 }, 2, MEM_NONE, 0, 0, 0 },
    { "fcompp", { 0xde, 0xd9 }, 2, MEM_NONE, 0, 0, 0 },
    { "fucomp st2", { 0xdd, 0xea }, 2, MEM_NONE, 0, 0, 0 },
    { "fcom m64", { 0xdc, 0x10 }, 2, MEM_F64, 0, 0, 0 },
    { "ficomp m16", { 0xde, 0x18 }, 2, MEM_I16, 0, 0, 0 },
    { "fcomi st1", { 0xdb, 0xf1 }, 2, MEM_NONE, 0, 0, 0 },
    { "fucomip st1", { 0xdf, 0xe9 }, 2, MEM_NONE, 0, 0, 0 },
    { "ftst", { 0xd9, 0xe4 }, 2, MEM_NONE, 0, 0, 0 },
    { "fxam", { 0xd9, 0xe5 }, 2, MEM_NONE, 0, 0, 0 },
    { "fcmovbe st3", { 0xda, 0xd3 }, 2, MEM_NONE, 0, 0, 0 },
    { "fcmovnu st1", { 0xdb, 0xd9 }, 2, MEM_NONE, 0, 0, 0 },
    { "fld m32", { 0xd9, 0x00 }, 2, MEM_F32, 0, 30, 0 },
    { "fld m64", { 0xdd, 0x00 }, 2, MEM_F64, 0, 30, 0 },
    { "fld m80", { 0xdb, 0x28 }, 2, MEM_F80, 0, 30, 0 },
    { "fld st3", { 0xd9, 0xc3 }, 2, MEM_NONE, 0, 30, 0 },
    { "fild m16", { 0xdf, 0x00 }, 2, MEM_I16, 0, 30, 0 },
    { "fild m64", { 0xdf, 0x28 }, 2, MEM_I64, 0, 30, 0 },
    { "fbld", { 0xdf, 0x20 }, 2, MEM_BCD, 0, 30, 0 },
    { "fst m32", { 0xd9, 0x10 }, 2, MEM_ANY64, 0, 0, 0 },
    { "fstp m64", { 0xdd, 0x18 }, 2, MEM_ANY64, 0, 0, 0 },
    { "fstp m80", { 0xdb, 0x38 }, 2, MEM_ANY64, 0, 0, 0 },
    { "fst st2", { 0xdd, 0xd2 }, 2, MEM_NONE, 0, 0, 0 },
    { "fistp m16", { 0xdf, 0x18 }, 2, MEM_ANY64, 0, 0, 0 },
    { "fist m32", { 0xdb, 0x10 }, 2, MEM_ANY64, 0, 0, 0 },
    { "fistp m64", { 0xdf, 0x38 }, 2, MEM_ANY64, 0, 0, 0 },
    { "fbstp", { 0xdf, 0x30 }, 2, MEM_ANY64, 0, 0, 0 },
    { "fxch st3", { 0xd9, 0xcb }, 2, MEM_NONE, 0, 0, 0 },
    { "fchs", { 0xd9, 0xe0 }, 2, MEM_NONE, 0, 0, 0 },
    { "fabs", { 0xd9, 0xe1 }, 2, MEM_NONE, 0, 0, 0 },
    { "fldpi", { 0xd9, 0xeb }, 2, MEM_NONE, 0, 30, 0 },
    { "fldl2e", { 0xd9, 0xea }, 2, MEM_NONE, 0, 30, 0 },
    { "fldl2t", { 0xd9, 0xe9 }, 2, MEM_NONE, 0, 30, 0 },
    { "fldlg2", { 0xd9, 0xec }, 2, MEM_NONE, 0, 30, 0 },
    { "fldln2", { 0xd9, 0xed }, 2, MEM_NONE, 0, 30, 0 },
    { "fld1", { 0xd9, 0xe8 }, 2, MEM_NONE, 0, 30, 0 },
    { "fincstp", { 0xd9, 0xf7 }, 2, MEM_NONE, 0, 0, 0 },
    { "ffree st1", { 0xdd, 0xc1 }, 2, MEM_NONE, 0, 0, 0 },
    { "fnclex", { 0xdb, 0xe2 }, 2, MEM_NONE, 0, 0, 0 },
    { "fnstsw ax", { 0xdf, 0xe0 }, 2, MEM_NONE, 0, 0, 0 },
    { "fldcw", { 0xd9, 0x28 }, 2, MEM_I16, 0, 0, 0 },
    { "f2xm1", { 0xd9, 0xf0 }, 2, MEM_NONE, 1, 0, DOM_UNIT },
    { "fyl2x", { 0xd9, 0xf1 }, 2, MEM_NONE, 1, 0, DOM_POS },
    { "fyl2xp1", { 0xd9, 0xf9 }, 2, MEM_NONE, 1, 0, DOM_SMALL },
    { "fpatan", { 0xd9, 0xf3 }, 2, MEM_NONE, 1, 0, 0 },
    { "fsin", { 0xd9, 0xfe }, 2, MEM_NONE, 1, 0, DOM_TRIG },
    { "fcos", { 0xd9, 0xff }, 2, MEM_NONE, 1, 0, DOM_TRIG },
    { "fsincos", { 0xd9, 0xfb }, 2, MEM_NONE, 1, 30, DOM_TRIG },
    { "fptan", { 0xd9, 0xf2 }, 2, MEM_NONE, 1, 30, DOM_TRIG },
    { "fsubr m32", { 0xd8, 0x28 }, 2, MEM_F32, 0, 0, 0 },
    { "fdiv m32", { 0xd8, 0x30 }, 2, MEM_F32, 0, 0, 0 },
    { "fsub m64", { 0xdc, 0x20 }, 2, MEM_F64, 0, 0, 0 },
    { "fimul m16", { 0xde, 0x08 }, 2, MEM_I16, 0, 0, 0 },
    { "fiadd m32", { 0xda, 0x00 }, 2, MEM_I32, 0, 0, 0 },
    { "fmulp st1,st0", { 0xde, 0xc9 }, 2, MEM_NONE, 0, 0, 0 },
    { "fsubr st2,st0", { 0xdc, 0xe2 }, 2, MEM_NONE, 0, 0, 0 },
    { "fdiv st1,st0", { 0xdc, 0xf9 }, 2, MEM_NONE, 0, 0, 0 },
    { "fcom m32", { 0xd8, 0x10 }, 2, MEM_F32, 0, 0, 0 },
    { "ficom m32", { 0xda, 0x10 }, 2, MEM_I32, 0, 0, 0 },
    { "fucom st1", { 0xdd, 0xe1 }, 2, MEM_NONE, 0, 0, 0 },
    { "fucompp", { 0xda, 0xe9 }, 2, MEM_NONE, 0, 0, 0 },
    { "fcomip st2", { 0xdf, 0xf2 }, 2, MEM_NONE, 0, 0, 0 },
    { "fucomi st3", { 0xdb, 0xeb }, 2, MEM_NONE, 0, 0, 0 },
    { "fcom2 st1", { 0xdc, 0xd1 }, 2, MEM_NONE, 0, 0, 0 },
    { "fcmove st1", { 0xda, 0xc9 }, 2, MEM_NONE, 0, 0, 0 },
    { "fcmovnb st2", { 0xdb, 0xc2 }, 2, MEM_NONE, 0, 0, 0 },
    { "fild m32", { 0xdb, 0x00 }, 2, MEM_I32, 0, 30, 0 },
    { "fldz", { 0xd9, 0xee }, 2, MEM_NONE, 0, 30, 0 },
    { "fst m64", { 0xdd, 0x10 }, 2, MEM_ANY64, 0, 0, 0 },
    { "fstp m32", { 0xd9, 0x18 }, 2, MEM_ANY64, 0, 0, 0 },
    { "fist m16", { 0xdf, 0x10 }, 2, MEM_ANY64, 0, 0, 0 },
    { "fistp m32", { 0xdb, 0x18 }, 2, MEM_ANY64, 0, 0, 0 },
    { "fstp st1", { 0xdd, 0xd9 }, 2, MEM_NONE, 0, 0, 0 },
    { "fstp1 st2", { 0xd9, 0xda }, 2, MEM_NONE, 0, 0, 0 },
    { "fxch st1", { 0xd9, 0xc9 }, 2, MEM_NONE, 0, 0, 0 },
    { "fdecstp", { 0xd9, 0xf6 }, 2, MEM_NONE, 0, 0, 0 },
    { "ffreep st2", { 0xdf, 0xc2 }, 2, MEM_NONE, 0, 0, 0 },
    { "fnop", { 0xd9, 0xd0 }, 2, MEM_NONE, 0, 0, 0 },
    { "fninit", { 0xdb, 0xe3 }, 2, MEM_NONE, 0, 0, 0 },
    { "fnstcw", { 0xd9, 0x38 }, 2, MEM_ANY64, 0, 0, 0 },
    { "fnstsw m16", { 0xdd, 0x38 }, 2, MEM_ANY64, 0, 0, 0 },
    { "paddb", { 0x0f, 0xfc, 0xc1 }, 3, MEM_NONE, 0, 0, 0 },
    { "paddw m64", { 0x0f, 0xfd, 0x00 }, 3, MEM_ANY64, 0, 0, 0 },
    { "paddd", { 0x0f, 0xfe, 0xca }, 3, MEM_NONE, 0, 0, 0 },
    { "psubb", { 0x0f, 0xf8, 0xc1 }, 3, MEM_NONE, 0, 0, 0 },
    { "psubw", { 0x0f, 0xf9, 0xd3 }, 3, MEM_NONE, 0, 0, 0 },
    { "psubd m64", { 0x0f, 0xfa, 0x08 }, 3, MEM_ANY64, 0, 0, 0 },
    { "paddsb", { 0x0f, 0xec, 0xc1 }, 3, MEM_NONE, 0, 0, 0 },
    { "paddsw", { 0x0f, 0xed, 0xc1 }, 3, MEM_NONE, 0, 0, 0 },
    { "paddusb", { 0x0f, 0xdc, 0xc1 }, 3, MEM_NONE, 0, 0, 0 },
    { "paddusw", { 0x0f, 0xdd, 0xc1 }, 3, MEM_NONE, 0, 0, 0 },
    { "psubsb", { 0x0f, 0xe8, 0xc1 }, 3, MEM_NONE, 0, 0, 0 },
    { "psubsw", { 0x0f, 0xe9, 0xc1 }, 3, MEM_NONE, 0, 0, 0 },
    { "psubusb", { 0x0f, 0xd8, 0xc1 }, 3, MEM_NONE, 0, 0, 0 },
    { "psubusw m64", { 0x0f, 0xd9, 0x00 }, 3, MEM_ANY64, 0, 0, 0 },
    { "pcmpeqb", { 0x0f, 0x74, 0xc1 }, 3, MEM_NONE, 0, 0, 0 },
    { "pcmpeqw", { 0x0f, 0x75, 0xc0 }, 3, MEM_NONE, 0, 0, 0 },
    { "pcmpeqd", { 0x0f, 0x76, 0xc1 }, 3, MEM_NONE, 0, 0, 0 },
    { "pcmpgtb", { 0x0f, 0x64, 0xc1 }, 3, MEM_NONE, 0, 0, 0 },
    { "pcmpgtw", { 0x0f, 0x65, 0xc1 }, 3, MEM_NONE, 0, 0, 0 },
    { "pcmpgtd m64", { 0x0f, 0x66, 0x00 }, 3, MEM_ANY64, 0, 0, 0 },
    { "pmullw", { 0x0f, 0xd5, 0xc1 }, 3, MEM_NONE, 0, 0, 0 },
    { "pmulhw", { 0x0f, 0xe5, 0xc1 }, 3, MEM_NONE, 0, 0, 0 },
    { "pmaddwd", { 0x0f, 0xf5, 0xc1 }, 3, MEM_NONE, 0, 0, 0 },
    { "pand", { 0x0f, 0xdb, 0xc1 }, 3, MEM_NONE, 0, 0, 0 },
    { "pandn", { 0x0f, 0xdf, 0xc1 }, 3, MEM_NONE, 0, 0, 0 },
    { "por", { 0x0f, 0xeb, 0xc1 }, 3, MEM_NONE, 0, 0, 0 },
    { "pxor m64", { 0x0f, 0xef, 0x00 }, 3, MEM_ANY64, 0, 0, 0 },
    { "psrlw", { 0x0f, 0xd1, 0xc1 }, 3, MEM_NONE, 0, 0, 0 },
    { "psrld m64", { 0x0f, 0xd2, 0x00 }, 3, MEM_SHIFT, 0, 0, 0 },
    { "psrlq m64", { 0x0f, 0xd3, 0x00 }, 3, MEM_SHIFT, 0, 0, 0 },
    { "psraw m64", { 0x0f, 0xe1, 0x00 }, 3, MEM_SHIFT, 0, 0, 0 },
    { "psrad m64", { 0x0f, 0xe2, 0x00 }, 3, MEM_SHIFT, 0, 0, 0 },
    { "psllw m64", { 0x0f, 0xf1, 0x00 }, 3, MEM_SHIFT, 0, 0, 0 },
    { "pslld m64", { 0x0f, 0xf2, 0x00 }, 3, MEM_SHIFT, 0, 0, 0 },
    { "psllq m64", { 0x0f, 0xf3, 0x00 }, 3, MEM_SHIFT, 0, 0, 0 },
    { "psrlw 5", { 0x0f, 0x71, 0xd1, 0x05 }, 4, MEM_NONE, 0, 0, 0 },
    { "psraw 13", { 0x0f, 0x71, 0xe2, 0x0d }, 4, MEM_NONE, 0, 0, 0 },
    { "psllw 16", { 0x0f, 0x71, 0xf3, 0x10 }, 4, MEM_NONE, 0, 0, 0 },
    { "psrld 31", { 0x0f, 0x72, 0xd4, 0x1f }, 4, MEM_NONE, 0, 0, 0 },
    { "psrad 40", { 0x0f, 0x72, 0xe5, 0x28 }, 4, MEM_NONE, 0, 0, 0 },
    { "pslld 7", { 0x0f, 0x72, 0xf6, 0x07 }, 4, MEM_NONE, 0, 0, 0 },
    { "psrlq 33", { 0x0f, 0x73, 0xd7, 0x21 }, 4, MEM_NONE, 0, 0, 0 },
    { "psllq 63", { 0x0f, 0x73, 0xf0, 0x3f }, 4, MEM_NONE, 0, 0, 0 },
    { "packsswb", { 0x0f, 0x63, 0xc1 }, 3, MEM_NONE, 0, 0, 0 },
    { "packssdw", { 0x0f, 0x6b, 0xc1 }, 3, MEM_NONE, 0, 0, 0 },
    { "packuswb", { 0x0f, 0x67, 0xc1 }, 3, MEM_NONE, 0, 0, 0 },
    { "punpcklbw m32", { 0x0f, 0x60, 0x00 }, 3, MEM_ANY64, 0, 0, 0 },
    { "punpcklwd", { 0x0f, 0x61, 0xc1 }, 3, MEM_NONE, 0, 0, 0 },
    { "punpckldq", { 0x0f, 0x62, 0xc1 }, 3, MEM_NONE, 0, 0, 0 },
    { "punpckhbw", { 0x0f, 0x68, 0xc1 }, 3, MEM_NONE, 0, 0, 0 },
    { "punpckhwd m64", { 0x0f, 0x69, 0x00 }, 3, MEM_ANY64, 0, 0, 0 },
    { "punpckhdq", { 0x0f, 0x6a, 0xc1 }, 3, MEM_NONE, 0, 0, 0 },
    { "movd mm2,m32", { 0x0f, 0x6e, 0x10 }, 3, MEM_ANY64, 0, 0, 0 },
    { "movd m32,mm3", { 0x0f, 0x7e, 0x18 }, 3, MEM_ANY64, 0, 0, 0 },
    { "movq mm4,m64", { 0x0f, 0x6f, 0x20 }, 3, MEM_ANY64, 0, 0, 0 },
    { "movq m64,mm5", { 0x0f, 0x7f, 0x28 }, 3, MEM_ANY64, 0, 0, 0 },
    { "movq mm6,mm1", { 0x0f, 0x6f, 0xf1 }, 3, MEM_NONE, 0, 0, 0 },
    { "movq mm7,mm0 (7f)", { 0x0f, 0x7f, 0xc7 }, 3, MEM_NONE, 0, 0, 0 },
    { "emms", { 0x0f, 0x77 }, 2, MEM_NONE, 0, 0, 0 },
    { "fstp8 st3", { 0xdf, 0xd3 }, 2, MEM_NONE, 0, 0, 0 },
    { "fstp9 st1", { 0xdf, 0xd9 }, 2, MEM_NONE, 0, 0, 0 },
    { "fxch4 st2", { 0xdd, 0xca }, 2, MEM_NONE, 0, 0, 0 },
    { "fxch7 st5", { 0xdf, 0xcd }, 2, MEM_NONE, 0, 0, 0 },
    { "fcomp3 st1", { 0xdc, 0xd9 }, 2, MEM_NONE, 0, 0, 0 },
    { "fcomp5 st2", { 0xde, 0xd2 }, 2, MEM_NONE, 0, 0, 0 },
    { "fneni", { 0xdb, 0xe0 }, 2, MEM_NONE, 0, 0, 0 },
    { "fnsetpm", { 0xdb, 0xe4 }, 2, MEM_NONE, 0, 0, 0 },
};

int fpu_diff_run(int cases_per_op, const char *only, bool verbose, int *total_cases);

/* Returns the number of mismatching cases (-1: host code not available). */
int fpu_diff_run(int cases_per_op, const char *only, bool verbose, int *total_cases)
{
    DiffRig *r = rig_new();
    if (!r->host_code) {
        rig_free(r);
        return -1;
    }
    int bad = 0;
    *total_cases = 0;
    for (size_t k = 0; k < sizeof diff_ops / sizeof diff_ops[0]; k++) {
        const DiffOp *op = &diff_ops[k];
        if (only && strcmp(only, op->name))
            continue;
        rng_state = 0x9e3779b97f4a7c15ull ^ (k * 0x100000001b3ull);
        int n_bad = 0;
        for (int i = 0; i < cases_per_op; i++) {
            uint64_t seed = rng_state;
            if (!run_case(r, op, false)) {
                if (verbose && n_bad < 3) {
                    rng_state = seed;
                    run_case(r, op, true);
                }
                n_bad++;
            }
        }
        if (n_bad)
            fprintf(stderr, "fpu-diff: %-14s %d/%d mismatches\n", op->name, n_bad, cases_per_op);
        bad += n_bad;
        *total_cases += cases_per_op;
    }
    rig_free(r);
    return bad;
}
