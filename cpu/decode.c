/*
 * cpu/decode.c - instruction bytes -> Insn.
 *
 * Models:      legacy prefixes (segment overrides, 66, 67, F0, F2, F3; the
 *              last of each kind wins), one- and two-byte (0F) opcodes, group
 *              selection by ModRM.reg, 16-bit and 32-bit ModRM/SIB addressing
 *              with the SS default for BP/EBP/ESP bases, displacements,
 *              immediates as the SDM operand codes of the OpInfo row describe
 *              them, the 15-byte limit (#GP(0)), the CS limit on fetch,
 *              #UD for undefined opcodes, register forms of memory-only
 *              opcodes and LOCK on a non-lockable instruction or a register
 *              destination (386+ rule, SDM Vol. 2 "LOCK").
 * Not modeled: three-byte opcode maps (0F 38, 0F 3A), VEX, REX.
 * Spec:        SDM Vol. 2 2.1 (instruction format), 2.1.5 tables 2-1..2-3
 *              (ModRM and SIB), Appendix A (opcode map).
 */
#include "cpu/internal.h"

typedef struct Fetch {
    CpuState *cpu;
    const uint8_t *fast;     /* host bytes at CS:EIP when 15 bytes are safely readable */
    uint32_t eip;
    unsigned pos;
} Fetch;

static uint8_t fetch8_slow(Fetch *f)
{
    CpuState *cpu = f->cpu;
    if (f->pos >= 15)
        cpu_raise(cpu, EXC_GP, 0);         /* SDM Vol. 2 2.3.11: 15-byte limit */
    uint32_t off = f->eip + f->pos;
    if (off > cpu->seg[SEG_CS].limit || off < f->eip)
        cpu_raise(cpu, EXC_GP, 0);
    f->pos++;
    cpu->in->fetching = true;            /* no data breakpoints on fetches */
    uint8_t b = (uint8_t)lin_read(cpu, cpu->seg[SEG_CS].base + off, 1);
    cpu->in->fetching = false;
    return b;
}

static inline uint8_t fetch8(Fetch *f)
{
    if (f->fast && f->pos < 15)
        return f->fast[f->pos++];
    return fetch8_slow(f);
}

static uint32_t fetch16(Fetch *f)
{
    uint32_t lo = fetch8(f);
    return lo | (uint32_t)fetch8(f) << 8;
}

static uint32_t fetch32(Fetch *f)
{
    uint32_t lo = fetch16(f);
    return lo | fetch16(f) << 16;
}

static void fetch_start(Fetch *f, CpuState *cpu)
{
    f->cpu = cpu;
    f->eip = cpu->eip;
    f->pos = 0;
    f->fast = NULL;
    const SegCache *cs = &cpu->seg[SEG_CS];
    uint32_t lin = cs->base + f->eip;
    const TlbEntry *e = &cpu->in->tlb[(lin >> PAGE_SHIFT) % TLB_ENTRIES];
    if ((uint64_t)f->eip + 14 <= cs->limit && (lin & (PAGE_SIZE - 1)) <= PAGE_SIZE - 15) {
        if (e->tag_read != (lin & PAGE_MASK)) {
            cpu->in->fetching = true;
            lin_read(cpu, lin, 1);        /* fill the TLB (RAM/ROM) */
            cpu->in->fetching = false;
        }
        if (e->tag_read == (lin & PAGE_MASK))
            f->fast = (const uint8_t *)((uintptr_t)lin + e->addend);
    }
}

static bool has_modrm(const OpInfo *op)
{
    if (op->group)
        return true;
    for (int i = 0; i < 3; i++)
        if (op->opnd[i] >= OPND_Eb && op->opnd[i] <= OPND_MODRM_LAST)
            return true;
    return false;
}

/* SDM Vol. 2 table 2-1: 16-bit ModRM effective addresses. */
static const uint8_t ea16_base[8] = { R_EBX, R_EBX, R_EBP, R_EBP, EA_NONE, EA_NONE, R_EBP, R_EBX };
static const uint8_t ea16_index[8] = { R_ESI, R_EDI, R_ESI, R_EDI, R_ESI, R_EDI, EA_NONE, EA_NONE };

static void decode_ea16(Fetch *f, Insn *in)
{
    in->base = ea16_base[in->rm];
    in->index = ea16_index[in->rm];
    in->scale = 0;
    if (in->mod == 0 && in->rm == 6) {
        in->base = EA_NONE;
        in->disp = (int32_t)fetch16(f);
    } else if (in->mod == 1) {
        in->disp = (int8_t)fetch8(f);
    } else if (in->mod == 2) {
        in->disp = (int32_t)fetch16(f);
    } else {
        in->disp = 0;
    }
    if (in->rm == 4 || in->rm == 5) {     /* [SI], [DI]: index only, treat as base */
        in->base = in->index;
        in->index = EA_NONE;
    }
}

/* SDM Vol. 2 tables 2-2 and 2-3: 32-bit ModRM and SIB. */
static void decode_ea32(Fetch *f, Insn *in)
{
    in->index = EA_NONE;
    in->scale = 0;
    in->base = in->rm;
    if (in->rm == 4) {
        uint8_t sib = fetch8(f);
        in->scale = sib >> 6;
        in->index = (sib >> 3) & 7;
        in->base = sib & 7;
        if (in->index == R_ESP)
            in->index = EA_NONE;
        if (in->base == R_EBP && in->mod == 0) {
            in->base = EA_NONE;
            in->disp = (int32_t)fetch32(f);
            return;
        }
    } else if (in->rm == 5 && in->mod == 0) {
        in->base = EA_NONE;
        in->disp = (int32_t)fetch32(f);
        return;
    }
    if (in->mod == 1)
        in->disp = (int8_t)fetch8(f);
    else if (in->mod == 2)
        in->disp = (int32_t)fetch32(f);
    else
        in->disp = 0;
}

static uint32_t fetch_imm(Fetch *f, Insn *in, int code)
{
    switch (code) {
    case OPND_Ib:
        return fetch8(f);
    case OPND_Ibs:
    case OPND_Jb:
        return (uint32_t)(int32_t)(int8_t)fetch8(f);
    case OPND_Iw:
        return fetch16(f);
    case OPND_Iz:
        return in->opsize == 4 ? fetch32(f) : fetch16(f);
    case OPND_Jz:
        return in->opsize == 4 ? fetch32(f) : (uint32_t)(int32_t)(int16_t)fetch16(f);
    default:
        return 0;
    }
}

static void decode_operands(Fetch *f, Insn *in)
{
    int nimm = 0;
    for (int i = 0; i < 3; i++) {
        int code = in->op->opnd[i];
        uint32_t v;
        switch (code) {
        case OPND_Ib: case OPND_Ibs: case OPND_Iw: case OPND_Iz: case OPND_Jb: case OPND_Jz:
            v = fetch_imm(f, in, code);
            if (nimm++ == 0)
                in->imm = v;
            else
                in->imm2 = v;
            break;
        case OPND_1:
            in->imm = 1;
            nimm++;
            break;
        case OPND_Ap:
            in->imm = in->opsize == 4 ? fetch32(f) : fetch16(f);
            in->imm2 = fetch16(f);
            nimm = 2;
            break;
        case OPND_Ob: case OPND_Ov:
            in->mod = 0;
            in->base = in->index = EA_NONE;
            in->scale = 0;
            in->disp = (int32_t)(in->addrsize == 4 ? fetch32(f) : fetch16(f));
            in->seg = in->seg_override != EA_NONE ? in->seg_override : SEG_DS;
            break;
        default:
            break;
        }
    }
}

void decode_insn(CpuState *cpu, Insn *in)
{
    Fetch f;
    fetch_start(&f, cpu);
    bool c32 = code32(cpu);
    in->eip = cpu->eip;
    in->opsize = in->addrsize = c32 ? 4 : 2;
    in->seg_override = EA_NONE;
    in->rep = REP_NONE;
    in->lock = 0;
    in->imm = in->imm2 = 0;
    in->mod = 3;
    in->modrm = in->reg = in->rm = 0;
    in->disp = 0;

    uint8_t b;
    for (;;) {
        b = fetch8(&f);
        switch (b) {
        case 0x26: in->seg_override = SEG_ES; continue;
        case 0x2e: in->seg_override = SEG_CS; continue;
        case 0x36: in->seg_override = SEG_SS; continue;
        case 0x3e: in->seg_override = SEG_DS; continue;
        case 0x64: in->seg_override = SEG_FS; continue;
        case 0x65: in->seg_override = SEG_GS; continue;
        case 0x66: in->opsize = c32 ? 2 : 4; continue;
        case 0x67: in->addrsize = c32 ? 2 : 4; continue;
        case 0xf0: in->lock = 1; continue;
        case 0xf2: case 0xf3: in->rep = b; continue;
        default: break;
        }
        break;
    }

    const OpInfo *op;
    if (b == 0x0f) {
        b = fetch8(&f);
        in->opcode = 0x0f00 | b;
        op = &map_0f[b];
    } else {
        in->opcode = b;
        op = &map_1byte[b];
    }

    in->seg = in->seg_override != EA_NONE ? in->seg_override : SEG_DS;
    if (has_modrm(op)) {
        in->modrm = fetch8(&f);
        in->mod = in->modrm >> 6;
        in->reg = (in->modrm >> 3) & 7;
        in->rm = in->modrm & 7;
        if (op->group)
            op = &op->group[in->reg];
        if (op->flags & OPF_MOD_IGNORED)
            in->mod = 3;
        if (in->mod != 3) {
            if (in->addrsize == 2)
                decode_ea16(&f, in);
            else
                decode_ea32(&f, in);
            if (in->seg_override == EA_NONE && (in->base == R_EBP || in->base == R_ESP))
                in->seg = SEG_SS;
        }
    }
    in->op = op;
    decode_operands(&f, in);
    in->len = (uint8_t)f.pos;

    if (!op->exec || (op->flags & OPF_UD))
        cpu_raise(cpu, EXC_UD, NO_ERROR_CODE);
    if ((op->flags & OPF_MEM_ONLY) && in->mod == 3)
        cpu_raise(cpu, EXC_UD, NO_ERROR_CODE);
    /* SDM Vol. 2 LOCK: #UD unless a lockable instruction with a memory destination */
    if (in->lock && (!(op->flags & OPF_LOCKABLE) || in->mod == 3))
        cpu_raise(cpu, EXC_UD, NO_ERROR_CODE);
}

bool decode_probe(CpuState *cpu, uint32_t eip, Insn *out)
{
    CpuInternal *in = cpu->in;
    jmp_buf save;
    memcpy(save, in->unwind, sizeof save);
    uint32_t eip0 = cpu->eip;
    bool valid0 = in->unwind_valid;
    volatile bool ok = false;
    in->probing = true;
    in->unwind_valid = true;
    if (!setjmp(in->unwind)) {
        cpu->eip = eip;
        decode_insn(cpu, out);
        ok = true;
    }
    in->probing = false;
    in->fetching = false;
    in->tlb = in->tlb_set[cpu->cpl == 3];
    cpu->eip = eip0;
    in->unwind_valid = valid0;
    memcpy(in->unwind, save, sizeof save);
    return ok;
}
