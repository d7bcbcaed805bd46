/*
 * cpu/ops_mmx.c - MMX instructions (0F 60-7F, 0F D1-FE).
 *
 * Models:      MM0-MM7 aliased onto the significands of the x87 physical
 *              registers R0-R7: every MMX instruction but EMMS sets TOP = 0
 *              and tags all registers valid; a write to MMi also sets bits
 *              64-79 of Ri to all ones; EMMS tags all registers empty (SDM
 *              Vol. 1 9.5). CR0.EM -> #UD, CR0.TS -> #NM, a pending x87
 *              exception -> #MF (or FERR#) first. MOVD/MOVQ, PADD/PSUB
 *              B/W/D (+Q, the SSE2 form, accepted) with wrap-around, signed
 *              and unsigned saturation, PCMPEQ/PCMPGT, PMULLW/PMULHW/PMADDWD,
 *              PAND/PANDN/POR/PXOR, PSLL/PSRL/PSRA by MMX register or imm8
 *              (counts beyond the element width clear the element or fill it
 *              with the sign), PACKSSWB/PACKSSDW/PACKUSWB, PUNPCKL/H BW/WD/DQ.
 *              The element width comes from the opcode (as the shift groups
 *              of cpu/ops_shift.c take their count from the row).
 * Not modeled: SSE/SSE2 forms with a 66/F2/F3 prefix (the prefix is ignored,
 *              as on processors without SSE), the SSE integer additions to
 *              MMX (PSHUFW, PMINUB ...): #UD.
 * Spec:        SDM Vol. 1 9.2-9.6; Vol. 2 per instruction; Vol. 3A 2.5.
 */
#include "cpu/fpu_core.h"
#include "cpu/internal.h"
#include "cpu/ops.h"

static uint64_t mm_get(const CpuState *cpu, int r)
{
    return cpu->fpu.st[r].sig;
}

static void mm_set(CpuState *cpu, int r, uint64_t v)
{
    cpu->fpu.st[r].sig = v;
    cpu->fpu.st[r].se = 0xffff;
}

/* After the operands are read: the x87 state as MMX leaves it. */
static void mm_enter(CpuState *cpu)
{
    cpu->fpu.fsw &= (uint16_t)~0x3800u;
    cpu->fpu.ftw = 0;
}

static uint64_t read_q(CpuState *cpu, const Insn *in, unsigned len)
{
    if (in->mod == 3)
        return mm_get(cpu, in->rm);
    uint8_t b[8] = { 0 };
    fpu_read_mem(cpu, in->seg, insn_ea(cpu, in), b, len);
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | b[i];
    return v;
}

/* Common start: checks, source operand. False: retry (FERR# stall). */
static bool mm_source(CpuState *cpu, const Insn *in, unsigned len, uint64_t *src)
{
    if (!fpu_mmx_prologue(cpu))
        return false;
    *src = read_q(cpu, in, len);
    mm_enter(cpu);
    return true;
}

/* ---- lanes ------------------------------------------------------------------------- */

static unsigned width_of(unsigned sel)
{
    return 8u << sel;            /* 0 byte, 1 word, 2 dword, 3 qword */
}

static int64_t lane_s(uint64_t v, unsigned w, unsigned i)
{
    uint64_t x = v >> (i * w);
    return w == 64 ? (int64_t)x : (int64_t)(x << (64 - w)) >> (64 - w);
}

static uint64_t lane_u(uint64_t v, unsigned w, unsigned i)
{
    uint64_t x = v >> (i * w);
    return w == 64 ? x : x & ((1ull << w) - 1);
}

static uint64_t put_lane(uint64_t v, unsigned w, unsigned i, uint64_t x)
{
    uint64_t m = w == 64 ? ~0ull : ((1ull << w) - 1);
    return (v & ~(m << (i * w))) | (x & m) << (i * w);
}

static int64_t sat_s(int64_t x, unsigned w)
{
    int64_t hi = (int64_t)((1ull << (w - 1)) - 1), lo = -hi - 1;
    return x > hi ? hi : x < lo ? lo : x;
}

static uint64_t sat_u(int64_t x, unsigned w)
{
    int64_t hi = (int64_t)((1ull << w) - 1);
    return (uint64_t)(x > hi ? hi : x < 0 ? 0 : x);
}

enum { ADD_WRAP, ADD_SAT_S, ADD_SAT_U };

static void add_lanes(CpuState *cpu, const Insn *in, unsigned w, int mode, bool sub)
{
    uint64_t s;
    if (!mm_source(cpu, in, 8, &s))
        return;
    uint64_t d = mm_get(cpu, in->reg), r = 0;
    for (unsigned i = 0; i < 64 / w; i++) {
        uint64_t x;
        if (mode == ADD_SAT_S) {
            int64_t a = lane_s(d, w, i), b = lane_s(s, w, i);
            x = (uint64_t)sat_s(sub ? a - b : a + b, w);
        } else if (mode == ADD_SAT_U) {
            int64_t a = (int64_t)lane_u(d, w, i), b = (int64_t)lane_u(s, w, i);
            x = sat_u(sub ? a - b : a + b, w);
        } else {
            x = sub ? lane_u(d, w, i) - lane_u(s, w, i) : lane_u(d, w, i) + lane_u(s, w, i);
        }
        r = put_lane(r, w, i, x);
    }
    mm_set(cpu, in->reg, r);
}

/* 0F FC-FE, D4 / F8-FB: element width from the opcode. */
void op_padd_Pq_Qq(CpuState *cpu, const Insn *in)
{
    unsigned op = in->opcode & 0xff;
    add_lanes(cpu, in, op == 0xd4 ? 64 : width_of(op - 0xfc), ADD_WRAP, false);
}

void op_psub_Pq_Qq(CpuState *cpu, const Insn *in)
{
    unsigned op = in->opcode & 0xff;
    add_lanes(cpu, in, width_of(op - 0xf8), ADD_WRAP, true);
}

void op_padds_Pq_Qq(CpuState *cpu, const Insn *in) { add_lanes(cpu, in, width_of(in->opcode & 1), ADD_SAT_S, false); }
void op_psubs_Pq_Qq(CpuState *cpu, const Insn *in) { add_lanes(cpu, in, width_of(in->opcode & 1), ADD_SAT_S, true); }
void op_paddus_Pq_Qq(CpuState *cpu, const Insn *in) { add_lanes(cpu, in, width_of(in->opcode & 1), ADD_SAT_U, false); }
void op_psubus_Pq_Qq(CpuState *cpu, const Insn *in) { add_lanes(cpu, in, width_of(in->opcode & 1), ADD_SAT_U, true); }

/* ---- compares, multiplies, logic ------------------------------------------------------ */

static void compare_lanes(CpuState *cpu, const Insn *in, bool gt)
{
    uint64_t s;
    if (!mm_source(cpu, in, 8, &s))
        return;
    unsigned w = width_of((in->opcode & 0xf) % 4);
    uint64_t d = mm_get(cpu, in->reg), r = 0;
    for (unsigned i = 0; i < 64 / w; i++) {
        bool t = gt ? lane_s(d, w, i) > lane_s(s, w, i) : lane_u(d, w, i) == lane_u(s, w, i);
        r = put_lane(r, w, i, t ? ~0ull : 0);
    }
    mm_set(cpu, in->reg, r);
}

void op_pcmpeq_Pq_Qq(CpuState *cpu, const Insn *in) { compare_lanes(cpu, in, false); }
void op_pcmpgt_Pq_Qq(CpuState *cpu, const Insn *in) { compare_lanes(cpu, in, true); }

static void mul_words(CpuState *cpu, const Insn *in, int kind)
{
    uint64_t s;
    if (!mm_source(cpu, in, 8, &s))
        return;
    uint64_t d = mm_get(cpu, in->reg), r = 0;
    if (kind == 2) {
        /* PMADDWD: pairs of signed word products summed into dwords */
        for (unsigned i = 0; i < 2; i++) {
            int64_t p = lane_s(d, 16, 2 * i) * lane_s(s, 16, 2 * i) +
                        lane_s(d, 16, 2 * i + 1) * lane_s(s, 16, 2 * i + 1);
            r = put_lane(r, 32, i, (uint64_t)p);
        }
    } else {
        for (unsigned i = 0; i < 4; i++) {
            int64_t p = lane_s(d, 16, i) * lane_s(s, 16, i);
            r = put_lane(r, 16, i, (uint64_t)(kind == 1 ? p >> 16 : p));
        }
    }
    mm_set(cpu, in->reg, r);
}

void op_pmullw_Pq_Qq(CpuState *cpu, const Insn *in) { mul_words(cpu, in, 0); }
void op_pmulhw_Pq_Qq(CpuState *cpu, const Insn *in) { mul_words(cpu, in, 1); }
void op_pmaddwd_Pq_Qq(CpuState *cpu, const Insn *in) { mul_words(cpu, in, 2); }

enum { LOGIC_AND, LOGIC_ANDN, LOGIC_OR, LOGIC_XOR };

static void logic(CpuState *cpu, const Insn *in, int kind)
{
    uint64_t s;
    if (!mm_source(cpu, in, 8, &s))
        return;
    uint64_t d = mm_get(cpu, in->reg);
    switch (kind) {
    case LOGIC_AND: d &= s; break;
    case LOGIC_ANDN: d = ~d & s; break;
    case LOGIC_OR: d |= s; break;
    default: d ^= s; break;
    }
    mm_set(cpu, in->reg, d);
}

void op_pand_Pq_Qq(CpuState *cpu, const Insn *in) { logic(cpu, in, LOGIC_AND); }
void op_pandn_Pq_Qq(CpuState *cpu, const Insn *in) { logic(cpu, in, LOGIC_ANDN); }
void op_por_Pq_Qq(CpuState *cpu, const Insn *in) { logic(cpu, in, LOGIC_OR); }
void op_pxor_Pq_Qq(CpuState *cpu, const Insn *in) { logic(cpu, in, LOGIC_XOR); }

/* ---- shifts ----------------------------------------------------------------------------- */

enum { SHIFT_RL, SHIFT_RA, SHIFT_LL };

static uint64_t shift_lanes(uint64_t d, unsigned w, int kind, uint64_t count)
{
    uint64_t r = 0;
    for (unsigned i = 0; i < 64 / w; i++) {
        uint64_t x;
        if (kind == SHIFT_RA)
            x = (uint64_t)(lane_s(d, w, i) >> (count >= w ? w - 1 : count));
        else if (count >= w)
            x = 0;
        else if (kind == SHIFT_RL)
            x = lane_u(d, w, i) >> count;
        else
            x = lane_u(d, w, i) << count;
        r = put_lane(r, w, i, x);
    }
    return r;
}

/* 0F D1-D3 psrl, E1-E2 psra, F1-F3 psll: width from the low opcode bits. */
void op_pshift_Pq_Qq(CpuState *cpu, const Insn *in)
{
    uint64_t s;
    if (!mm_source(cpu, in, 8, &s))
        return;
    unsigned op = in->opcode & 0xff;
    int kind = op < 0xe0 ? SHIFT_RL : op < 0xf0 ? SHIFT_RA : SHIFT_LL;
    unsigned w = width_of(op & 3);
    mm_set(cpu, in->reg, shift_lanes(mm_get(cpu, in->reg), w, kind, s));
}

/* 0F 71-73 /2 /4 /6 ib: 71 words, 72 dwords, 73 qword. */
void op_pshift_Nq_Ib(CpuState *cpu, const Insn *in)
{
    if (in->mod != 3)
        cpu_raise(cpu, EXC_UD, NO_ERROR_CODE);
    if (!fpu_mmx_prologue(cpu))
        return;
    mm_enter(cpu);
    int kind = in->reg == 2 ? SHIFT_RL : in->reg == 4 ? SHIFT_RA : SHIFT_LL;
    unsigned w = width_of((in->opcode & 0xff) - 0x70);
    mm_set(cpu, in->rm, shift_lanes(mm_get(cpu, in->rm), w, kind, in->imm & 0xff));
}

/* ---- pack, unpack ------------------------------------------------------------------------- */

static void pack(CpuState *cpu, const Insn *in, unsigned w, bool is_unsigned)
{
    uint64_t s;
    if (!mm_source(cpu, in, 8, &s))
        return;
    uint64_t d = mm_get(cpu, in->reg), r = 0;
    unsigned n = 64 / w, h = w / 2;
    for (unsigned i = 0; i < 2 * n; i++) {
        int64_t x = i < n ? lane_s(d, w, i) : lane_s(s, w, i - n);
        r = put_lane(r, h, i, is_unsigned ? sat_u(x, h) : (uint64_t)sat_s(x, h));
    }
    mm_set(cpu, in->reg, r);
}

void op_packsswb_Pq_Qq(CpuState *cpu, const Insn *in) { pack(cpu, in, 16, false); }
void op_packssdw_Pq_Qq(CpuState *cpu, const Insn *in) { pack(cpu, in, 32, false); }
void op_packuswb_Pq_Qq(CpuState *cpu, const Insn *in) { pack(cpu, in, 16, true); }

static void unpack(CpuState *cpu, const Insn *in, bool high)
{
    uint64_t s;
    if (!mm_source(cpu, in, high ? 8 : 4, &s))
        return;
    unsigned w = width_of((in->opcode & 0xff) - (high ? 0x68 : 0x60));
    unsigned n = 32 / w, base = high ? n : 0;
    uint64_t d = mm_get(cpu, in->reg), r = 0;
    for (unsigned i = 0; i < n; i++) {
        r = put_lane(r, w, 2 * i, lane_u(d, w, base + i));
        r = put_lane(r, w, 2 * i + 1, lane_u(s, w, base + i));
    }
    mm_set(cpu, in->reg, r);
}

void op_punpckl_Pq_Qq(CpuState *cpu, const Insn *in) { unpack(cpu, in, false); }
void op_punpckh_Pq_Qq(CpuState *cpu, const Insn *in) { unpack(cpu, in, true); }

/* ---- moves, EMMS ----------------------------------------------------------------------------- */

void op_movd_Pq_Ed(CpuState *cpu, const Insn *in)
{
    if (!fpu_mmx_prologue(cpu))
        return;
    uint32_t v = read_E(cpu, in, 4);
    mm_enter(cpu);
    mm_set(cpu, in->reg, v);
}

void op_movd_Ed_Pq(CpuState *cpu, const Insn *in)
{
    if (!fpu_mmx_prologue(cpu))
        return;
    write_E(cpu, in, 4, (uint32_t)mm_get(cpu, in->reg));
    mm_enter(cpu);
}

void op_movq_Pq_Qq(CpuState *cpu, const Insn *in)
{
    uint64_t s;
    if (mm_source(cpu, in, 8, &s))
        mm_set(cpu, in->reg, s);
}

void op_movq_Qq_Pq(CpuState *cpu, const Insn *in)
{
    if (!fpu_mmx_prologue(cpu))
        return;
    uint64_t v = mm_get(cpu, in->reg);
    if (in->mod == 3) {
        mm_set(cpu, in->rm, v);
    } else {
        uint8_t b[8];
        for (int i = 0; i < 8; i++)
            b[i] = (uint8_t)(v >> (8 * i));
        fpu_write_mem(cpu, in->seg, insn_ea(cpu, in), b, 8);
    }
    mm_enter(cpu);
}

void op_emms(CpuState *cpu, const Insn *in)
{
    if (!fpu_mmx_prologue(cpu))
        return;
    mm_enter(cpu);                           /* measured: TOP = 0 as well */
    cpu->fpu.ftw = 0xffff;
}
