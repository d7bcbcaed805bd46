/*
 * translator/hoist.c - which memory accesses of a block can share one TLB
 * probe made at the block's entry.
 *
 * An inline memory access normally probes the soft TLB itself: about ten
 * host instructions, a branch to a slow path, and - since the probe
 * clobbers the host's EFLAGS - the guest flags stored first when they are
 * live. Most accesses of a block, though, are at addresses fixed relative
 * to register values the block started with: pushes and pops at known
 * distances from the entry ESP, [EBP-8] and [EBP+12] with EBP untouched,
 * [ESI+EAX+k] before EAX is incremented, [EAX+1] after it is, a global at
 * a constant address, a table indexed by a register just loaded with
 * MOVZX (so at most 255 elements in). This pass follows every guest
 * register through the block as "entry value of register s + delta"
 * (MOV r,r / LEA / ADD-SUB-INC-DEC by constants / PUSH-POP on ESP keep that
 * form; MOV r,imm gives a constant) or as a value with a known upper bound
 * (MOVZX, AND with a constant, SHR), and gathers the accesses whose address
 * is entry-register terms plus a constant (plus a bounded part) into
 * groups: same terms, all bytes within HOIST_SPAN of each other.
 *
 * codegen.c probes each group once after the block's prologue - from the
 * entry registers, before anything is changed - for the whole span of
 * bytes and keeps the host addend in JitCtx.gaddend; the group's accesses
 * then cost a LEA and a load of that addend and cannot fault. A group
 * that misses (a page boundary inside the span, an unmapped or MMIO page,
 * a page holding code for a write) sends the block to a second copy of
 * its code generated without groups, which probes per access as usual.
 *
 * Only flat segments (linear = offset) and 32-bit addressing take part;
 * x87 memory operands and everything the code generator does not inline
 * keep their own probes.
 */
#include "translator/internal.h"

enum { SRC_CONST = 8 };

typedef struct RegVal {
    bool known;          /* value = entry(src) + delta (src SRC_CONST: delta) */
    uint8_t src;
    uint32_t delta;
    uint32_t max;        /* !known: an upper bound of the value */
} RegVal;

/* A group under construction: offsets relative to its first access. */
typedef struct Open {
    int8_t a, b;         /* term sources (-1 none); a has scale 0 unless b is none */
    uint8_t sa, sb;
    uint32_t first;
    int32_t min, max;
    bool late;           /* an access whose address the block computed */
} Open;

static void set_unknown(RegVal *v, uint32_t max)
{
    v->known = false;
    v->max = max;
}

/* Registers an instruction may write (guest register bits, 0xff when not
 * known), conservatively. Also codegen.c's test of whether an instruction
 * keeps a flag recipe's registers. */
uint8_t insn_regs_written(const Insn *in)
{
    unsigned op = in->opcode;
    bool byte = !(op & 1);
    uint8_t rm = (uint8_t)(in->mod == 3 ? 1u << (byte && op < 0x100 ? in->rm & 3 : in->rm) : 0);
    uint8_t reg = (uint8_t)(1u << (byte && op < 0x100 ? in->reg & 3 : in->reg));
    if (op < 0x40 && (op & 7) < 6) {
        if ((op >> 3) == 7)
            return 0;                                   /* CMP */
        if ((op & 7) >= 4)
            return 1u << R_EAX;
        return (op & 7) < 2 ? rm : reg;
    }
    if (op >= 0x40 && op <= 0x4f)
        return (uint8_t)(1u << (op & 7));
    if ((op >= 0x70 && op <= 0x7f) || (op >= 0x0f80 && op <= 0x0f8f) || op == 0xe9 ||
        op == 0xeb || op == 0x84 || op == 0x85 || op == 0xa8 || op == 0xa9 ||
        (op >= 0xd8 && op <= 0xdf && op != 0xdf) || op == 0xf8 || op == 0xf9 ||
        op == 0xf5 || op == 0xfc || op == 0xfd)
        return 0;
    if (op >= 0x0f90 && op <= 0x0f9f)
        return (uint8_t)(in->mod == 3 ? 1u << (in->rm & 3) : 0);
    if ((op >= 0x0f40 && op <= 0x0f4f) || op == 0x0faf || op == 0x69 || op == 0x6b)
        return reg;
    switch (op) {
    case 0x80: case 0x81: case 0x83:
        return in->reg == 7 ? 0 : rm;
    case 0xc0: case 0xc1: case 0xd0: case 0xd1: case 0xd2: case 0xd3:
        return rm;
    case 0xf6: case 0xf7:
        if (in->reg == 0)
            return 0;
        if (in->reg <= 3)
            return rm;
        return (uint8_t)(1u << R_EAX | (op == 0xf7 ? 1u << R_EDX : 0));
    case 0xfe: case 0xff:
        if (in->reg <= 1)
            return rm;
        return in->reg == 2 || in->reg == 6 ? 1u << R_ESP : in->reg == 4 ? 0 : 0xff;
    case 0x86: case 0x87:
        return (uint8_t)(rm | reg);
    case 0xe8: case 0xc3: case 0xc2:
        return 1u << R_ESP;
    case 0xc9:
        return 1u << R_ESP | 1u << R_EBP;
    case 0x9e: case 0x9f:
        return op == 0x9f ? 1u << R_EAX : 0;
    case 0xe4: case 0xe5: case 0xec: case 0xed:          /* IN */
        return 1u << R_EAX;
    case 0xe6: case 0xe7: case 0xee: case 0xef:          /* OUT */
        return 0;
    default:
        break;
    }
    /* moves, stack, LEA and the like; 0xff when unknown */
    uint8_t w = 0;
    switch (op) {
    case 0x88: case 0x89: case 0xc6: case 0xc7: w = rm; break;
    case 0x8a: case 0x8b: w = reg; break;
    case 0x8d: case 0x0fb6: case 0x0fb7: case 0x0fbe: case 0x0fbf: w = (uint8_t)(1u << in->reg); break;
    case 0xa0: case 0xa1: w = 1u << R_EAX; break;
    case 0xa2: case 0xa3: case 0x90: w = 0; break;
    case 0x68: case 0x6a: w = 1u << R_ESP; break;
    case 0x8f: w = (uint8_t)(1u << R_ESP | (in->mod == 3 ? 1u << in->rm : 0)); break;
    case 0x98: w = 1u << R_EAX; break;
    case 0x99: w = 1u << R_EDX; break;
    default:
        if (op >= 0x50 && op <= 0x57)
            w = 1u << R_ESP;
        else if (op >= 0x58 && op <= 0x5f)
            w = (uint8_t)(1u << R_ESP | 1u << (op & 7));
        else if (op >= 0xb0 && op <= 0xb7)
            w = (uint8_t)(1u << (op & 3));
        else if (op >= 0xb8 && op <= 0xbf)
            w = (uint8_t)(1u << (op & 7));
        else if (op >= 0x91 && op <= 0x97)
            w = (uint8_t)(1u << R_EAX | 1u << (op & 7));
        else if (op >= 0x0fc8 && op <= 0x0fcf)
            w = (uint8_t)(1u << (op & 7));
        else
            w = 0xff;
    }
    return w;
}

/* The ModRM memory operand the code generator accesses inline, if any. */
static bool modrm_access(const Insn *in, unsigned *size, bool *write)
{
    unsigned op = in->opcode, sz = in->opsize;
    if (in->mod == 3)
        return false;
    *write = false;
    if (op < 0x40 && (op & 7) < 4) {
        *size = (op & 1) ? sz : 1;
        *write = !(op & 2) && (op >> 3) != 7;
        return (op >> 3) != 2 && (op >> 3) != 3;       /* ADC/SBB keep their probes */
    }
    switch (op) {
    case 0x80: case 0x81: case 0x83:
        *size = op == 0x80 ? 1 : sz;
        *write = in->reg != 7;
        return in->reg != 2 && in->reg != 3;
    case 0x84: case 0x85: case 0x8a: case 0x8b:
        *size = (op & 1) ? sz : 1;
        return true;
    case 0x88: case 0x89: case 0xc6: case 0xc7:
        *size = (op & 1) ? sz : 1;
        *write = true;
        return true;
    case 0x0fb6: case 0x0fbe: *size = 1; return true;
    case 0x0fb7: case 0x0fbf: *size = 2; return true;
    case 0x0faf: case 0x69: case 0x6b: *size = sz; return true;
    case 0xf6: case 0xf7:
        *size = op == 0xf6 ? 1 : sz;
        *write = in->reg == 2 || in->reg == 3;
        return in->reg != 1;
    case 0xfe: case 0xff:
        *size = op == 0xfe ? 1 : sz;
        *write = in->reg <= 1;
        return in->reg <= 2 || in->reg == 4 || in->reg == 6;
    case 0xc0: case 0xc1: case 0xd0: case 0xd1:
        *size = (op & 1) ? sz : 1;
        *write = true;
        return true;
    default:
        if (op >= 0x0f40 && op <= 0x0f4f) {
            *size = sz;
            return true;
        }
        return false;
    }
}

/* Where the stack access of an instruction is, relative to ESP (or EBP). */
static bool stack_access(const Insn *in, int32_t *off, unsigned *size, bool *write, bool *ebp)
{
    unsigned op = in->opcode;
    *size = in->opsize;
    *ebp = false;
    *write = true;
    *off = -(int32_t)in->opsize;
    if ((op >= 0x50 && op <= 0x57) || op == 0x68 || op == 0x6a || op == 0xe8 ||
        (op == 0xff && (in->reg == 2 || in->reg == 6)))
        return true;
    *write = false;
    *off = 0;
    if ((op >= 0x58 && op <= 0x5f) || (op == 0x8f && in->mod == 3) || op == 0xc3 || op == 0xc2)
        return true;
    if (op == 0xc9) {
        *ebp = true;
        return true;
    }
    return false;
}

/* A term of an address: register r (value v) times 2^sc. *late: the
 * value is not simply register r's at entry. */
static bool add_term(const RegVal *v, int r, int sc, int8_t *src, uint8_t *scale, int *nterms,
                     uint32_t *off, uint32_t *ext, bool *late)
{
    if (!v->known || v->src != r || v->delta)
        *late = true;
    if (v->known) {
        *off += v->delta << sc;
        if (v->src == SRC_CONST)
            return true;
        src[*nterms] = (int8_t)v->src;
        scale[*nterms] = (uint8_t)sc;
        (*nterms)++;
        return true;
    }
    if (v->max > (uint32_t)(HOIST_SPAN >> sc))
        return false;
    *ext += v->max << sc;
    return true;
}

/* Put an access [terms + off, + ext + size) into a group: its index or -1. */
static int place(HoistPlan *p, Open *open, const int8_t *src, const uint8_t *scale, int nterms,
                 uint32_t off, uint32_t ext, unsigned size, bool write, bool late)
{
    int8_t a = -1, b = -1;
    uint8_t sa = 0, sb = 0;
    if (nterms == 2 && scale[0] && scale[1])
        return -1;                      /* one LEA cannot form it */
    if (nterms >= 1) {
        int k = nterms == 2 && scale[0] ? 1 : 0;
        a = src[k];
        sa = scale[k];
        if (nterms == 2) {
            b = src[1 - k];
            sb = scale[1 - k];
        }
        if (b >= 0 && sa == 0 && sb == 0 && b < a) {
            int8_t t = a;
            a = b;
            b = t;
        }
        if (b < 0 && sa) {              /* a scaled term alone: the index */
            b = a;
            sb = sa;
            a = -1;
            sa = 0;
        }
    }
    int32_t len = (int32_t)(ext + size);
    for (int k = 0; k < p->ngroups; k++) {
        Open *o = &open[k];
        HoistGroup *g = &p->g[k];
        if (o->a != a || o->b != b || o->sa != sa || o->sb != sb)
            continue;
        int32_t rel = (int32_t)(off - o->first);
        int32_t mn = rel < o->min ? rel : o->min, mx = rel + len > o->max ? rel + len : o->max;
        if ((int64_t)mx - mn > HOIST_SPAN || rel < -HOIST_SPAN || rel > HOIST_SPAN)
            continue;
        o->min = mn;
        o->max = mx;
        o->late |= late;
        g->write |= write;
        g->read |= !write;
        g->accesses++;
        return k;
    }
    if (p->ngroups == HOIST_GROUPS)
        return -1;
    int k = p->ngroups++;
    open[k] = (Open){ a, b, sa, sb, off, 0, len, late };
    p->g[k] = (HoistGroup){ .base = a, .index = b, .scale = sb, .write = write, .read = !write,
                            .accesses = 1 };
    return k;
}

/* The register effects the addresses of later instructions depend on. */
static void step(RegVal *v, const Insn *in)
{
    unsigned op = in->opcode;
    bool d32 = in->opsize == 4;
    RegVal *esp = &v[R_ESP];
    uint8_t w = insn_regs_written(in);
    /* first the register's new form, for the instructions that keep one */
    if (op >= 0xb8 && op <= 0xbf && d32) {
        v[op & 7] = (RegVal){ true, SRC_CONST, in->imm, 0 };
        return;
    }
    if ((op == 0x89 || op == 0x8b) && in->mod == 3 && d32) {
        int dst = op == 0x89 ? in->rm : in->reg, src = op == 0x89 ? in->reg : in->rm;
        v[dst] = v[src];
        return;
    }
    if (op == 0x8d && d32 && in->addrsize == 4) {
        RegVal r = { false, 0, 0, ~0u };
        if (in->base == EA_NONE && in->index == EA_NONE)
            r = (RegVal){ true, SRC_CONST, in->disp, 0 };
        else if (in->index == EA_NONE && v[in->base].known)
            r = (RegVal){ true, v[in->base].src, v[in->base].delta + in->disp, 0 };
        else if (in->base == EA_NONE && in->scale == 0 && v[in->index].known)
            r = (RegVal){ true, v[in->index].src, v[in->index].delta + in->disp, 0 };
        v[in->reg] = r;
        return;
    }
    if ((op == 0x81 || op == 0x83) && in->mod == 3 && d32 && (in->reg == 0 || in->reg == 5)) {
        if (v[in->rm].known)
            v[in->rm].delta += in->reg == 0 ? in->imm : 0u - in->imm;
        else
            set_unknown(&v[in->rm], ~0u);
        return;
    }
    if ((op == 0x81 || op == 0x83) && in->mod == 3 && d32 && in->reg == 4) {
        set_unknown(&v[in->rm], in->imm);                /* AND r, imm: <= imm */
        return;
    }
    if ((op == 0xc1 || op == 0xd1) && in->mod == 3 && d32 && in->reg == 5) {
        unsigned c = (op == 0xd1 ? 1 : in->imm) & 31;
        if (c)
            set_unknown(&v[in->rm], 0xffffffffu >> c);
        return;
    }
    if (op >= 0x40 && op <= 0x4f && d32) {
        RegVal *r = &v[op & 7];
        if (r->known)
            r->delta += op < 0x48 ? 1 : 0xffffffffu;
        else
            set_unknown(r, ~0u);
        return;
    }
    if ((op == 0x0fb6 || op == 0x0fb7) && d32) {
        set_unknown(&v[in->reg], op == 0x0fb6 ? 0xff : 0xffff);
        return;
    }
    if (op == 0xc9 && d32) {
        *esp = v[R_EBP];
        if (esp->known)
            esp->delta += 4;
        else
            set_unknown(esp, ~0u);
        set_unknown(&v[R_EBP], ~0u);
        return;
    }
    /* pops write the register, then ESP moves; pushes move ESP */
    int32_t move = 0;
    if ((op >= 0x58 && op <= 0x5f) || (op == 0x8f && in->mod == 3)) {
        int r = op == 0x8f ? in->rm : (int)(op & 7);
        set_unknown(&v[r], ~0u);
        w &= (uint8_t)~(1u << r);
        move = (int32_t)in->opsize;
        if (r == R_ESP)
            move = 0;
    } else if ((op >= 0x50 && op <= 0x57) || op == 0x68 || op == 0x6a ||
               (op == 0xff && in->reg == 6)) {
        move = -(int32_t)in->opsize;
    }
    if (move && esp->known) {
        esp->delta += (uint32_t)move;
        w &= (uint8_t)~(1u << R_ESP);
    }
    for (int r = 0; r < 8; r++)
        if (w & (1u << r))
            set_unknown(&v[r], ~0u);
}

void hoist_plan(const Insn *ins, int n, uint8_t flat, bool stack32, HoistPlan *p)
{
    RegVal v[8];
    Open open[HOIST_GROUPS];
    p->ngroups = 0;
    for (int r = 0; r < 8; r++)
        v[r] = (RegVal){ true, (uint8_t)r, 0, 0 };
    for (int i = 0; i < n; i++) {
        const Insn *in = &ins[i];
        p->mem[i] = p->stack[i] = -1;
        int8_t src[2];
        uint8_t scale[2];
        unsigned size;
        bool write, ebp;
        int32_t soff;
        if (in->addrsize == 4 && (flat & (1u << in->seg))) {
            int nt = 0;
            uint32_t off = in->disp, ext = 0;
            bool ok = false, late = false;
            if (in->opcode >= 0xa0 && in->opcode <= 0xa3) {
                size = (in->opcode & 1) ? in->opsize : 1;
                write = in->opcode >= 0xa2;
                ok = true;
            } else if (modrm_access(in, &size, &write)) {
                ok = (in->base == EA_NONE ||
                      add_term(&v[in->base], in->base, 0, src, scale, &nt, &off, &ext, &late)) &&
                     (in->index == EA_NONE ||
                      add_term(&v[in->index], in->index, in->scale, src, scale, &nt, &off, &ext,
                               &late));
            }
            if (ok) {
                p->mem[i] = (int8_t)place(p, open, src, scale, nt, off, ext, size, write, late);
                p->msize[i] = (uint8_t)size;
            }
        }
        if (stack32 && (flat & (1u << SEG_SS)) && stack_access(in, &soff, &size, &write, &ebp)) {
            int r = ebp ? R_EBP : R_ESP;
            int nt = 0;
            uint32_t off = (uint32_t)soff, ext = 0;
            bool late = false;
            if (v[r].known && add_term(&v[r], r, 0, src, scale, &nt, &off, &ext, &late))
                p->stack[i] = (int8_t)place(p, open, src, scale, nt, off, ext, size, write, late);
        }
        step(v, in);
    }
    /* A lone access at an address the entry registers give directly gains
     * nothing from an early probe (it would add a store and a load): it
     * keeps its own. Hoisting pays for several accesses, or for one whose
     * address the block computes, taking the probe off its dependency chain. */
    int8_t renum[HOIST_GROUPS];
    int kept = 0;
    for (int k = 0; k < p->ngroups; k++) {
        if (p->g[k].accesses < 2 && !open[k].late) {
            renum[k] = -1;
            continue;
        }
        renum[k] = (int8_t)kept;
        p->g[kept] = p->g[k];
        p->g[kept].lo = open[k].first + (uint32_t)open[k].min;
        p->g[kept].span = (uint32_t)(open[k].max - open[k].min);
        kept++;
    }
    p->ngroups = kept;
    for (int i = 0; i < n; i++) {
        if (p->mem[i] >= 0)
            p->mem[i] = renum[p->mem[i]];
        if (p->stack[i] >= 0)
            p->stack[i] = renum[p->stack[i]];
    }
}
