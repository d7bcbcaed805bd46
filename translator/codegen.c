/*
 * translator/codegen.c - guest basic block -> x86-64 host code.
 *
 * Design
 * ------
 * A block is decoded with the interpreter's decoder (decode_insn; the rest
 * of the block with decode_probe, which never raises) until a control
 * transfer or mode-changing instruction, the end of the 4 KiB page, or
 * MAX_BLOCK_INSNS; a forward conditional branch does not end it (up to
 * MAX_SIDE_EXITS: the taken side is a side exit emitted after the body,
 * storing the flags its target needs and refunding the budget for the
 * instructions not run). Every instruction then gets host code of one of two
 * kinds:
 *
 *  - inline: guest and host are the same ISA, so MOV, ALU, shifts, INC/DEC,
 *    NEG/NOT, IMUL, MUL/DIV (after range checks), LEA, MOVZX/MOVSX, XCHG,
 *    PUSH/POP, CALL/RET/JMP/Jcc, SETcc, CMOVcc, LEAVE, CLC/STC/CMC/CLD/STD
 *    become the same host instruction on host registers that hold the
 *    guest's (translator/internal.h), and the host computes the guest's
 *    flags in its own EFLAGS;
 *  - helper: everything else calls jit_helper_insn() (translator/run.c) with
 *    the decoded Insn, which runs the interpreter's semantics function - the
 *    one definition of each instruction (cpu/ops_*.c, cpu/fpu*.c). Every
 *    inline instruction also has such a call as its slow path.
 *
 * Memory operands: the effective address is computed with a host LEA on the
 * guest registers (16-bit address sums wrap with a MOVZX); a segment whose
 * base is 0 and whose limit lets reads and writes reach 4 GiB ("flat", part
 * of the block key) needs nothing more, others get the interpreter's
 * precomputed limit bound compared and their base added. Then the soft TLB
 * is probed inline (RORX and AND give the 32-byte entry's offset): the
 * entry of the linear page in the set of the block's CPL must carry the
 * page's tag for a read (tag_read) or a write (tag_write), with the
 * access not crossing the page; the host address is
 * then lin + addend. Any miss - unmapped page, MMIO, ROM write, page
 * crossing, data breakpoints, a page holding translated code (no write tag
 * is ever cached for those) - leaves for the instruction's slow path, which
 * runs the whole instruction through its helper; the inline code checks
 * everything before it changes anything, so that is always exact.
 *
 * Flags: guest arithmetic flags live either in cpu->eflags (state MEM, the
 * state at block entry, at every exit and around helpers) or in the host's
 * EFLAGS (state HOST, after an inline flag-writing instruction). A backward
 * liveness pass over the block (insn_flag_use) says which flags later
 * instructions read; anything that may fault counts as reading them all
 * (an exception pushes EFLAGS). Flags that nothing reads are not
 * materialised; a CMP/TEST whose flags are dead is not even emitted. At a
 * block end the successor is decoded ahead (same page only, since a write
 * to the page invalidates both) to find whether it overwrites the flags
 * before reading them. Materialising is PUSHFQ; POP; merge into
 * cpu->eflags. Consumers in state MEM test the bits in memory (Jcc, SETcc,
 * CMOVcc) or load CF with BT (ADC, SBB). PUSHFQ is slow, and most flags a
 * memory access keeps live are live only because the access might fault;
 * so when the last flag writer is a recipe (Recipe: CMP/TEST/ADD/SUB/AND/
 * OR/XOR on registers it left as they were) the access stores nothing and
 * the flags enter state REPLAY: the host's are gone, but the slow path (or
 * the next reader) runs the recipe again to get them back. An instruction
 * that would overwrite a recipe register recreates them first.
 *
 * Hoisted probes: translator/hoist.c plans groups of accesses whose page
 * the entry registers determine; the block then starts with one probe per
 * group (addends into ctx.gaddend), the body using them (no probe, no
 * fault, no flag store), and a second copy of the body without groups
 * that any group miss branches to - see hoist.c's essay.
 *
 * Precise exceptions: a helper is called with cpu->eip at the instruction,
 * ctx.left = the block instructions after it, guest registers stored and
 * flags in MEM state; jit_helper_insn sets insn_eip/insn_esp like the
 * interpreter, so cpu_raise unwinds to the run loop's setjmp with the state
 * the interpreter would have had.
 *
 * Block layout: entry (the budget, R11 -= n, leaving when it goes negative;
 * its 7 bytes are what an invalidation overwrites with a jump to the
 * trailer), the instructions, the exits, the slow paths, and
 * the trailer (store the block's EIP, leave). A direct exit is a JMP rel32
 * to a stub; the stub either asks the run loop to chain (same linear page:
 * the loop patches the rel32 to the next block's entry) or looks the
 * target up in the jump cache inline. Indirect jumps, calls and returns
 * look up the jump cache inline and jump straight into the target's code.
 * Copies of the body after the first: the one without hoisted probes
 * (group misses), and for a self-loop the loop copy (entered from the
 * back edge in FS_REPLAY with the back edge's recipe, unrolled up to four
 * times with one budget charge, the rest refunded at an early exit -
 * Gen.left_extra), with its own entry and trailer (Block.entry2/trailer2).
 */
#include "translator/internal.h"

/* Where the guest's arithmetic flags are (see "Flags" above). */
enum { FS_MEM, FS_HOST, FS_REPLAY };

/*
 * The last flag-writing instruction, when it can be run again to recreate
 * its flags from registers it left unchanged (state FS_REPLAY): CMP and
 * TEST themselves, ADD/SUB as their inverse then themselves, AND/OR/XOR as
 * TEST d,d. d and s are host registers as the original used them (s = -1:
 * imm); mask = the guest registers it reads.
 */
enum { RC_CMP, RC_TEST, RC_ADD, RC_SUB, RC_LOGIC };
typedef struct Recipe {
    bool valid;
    uint8_t kind, size, mask;
    int8_t d, s;
    uint32_t imm;
} Recipe;

#define CPU_OFF(f) ((int32_t)offsetof(CpuState, f))
#define IN_OFF(f)  ((int32_t)offsetof(CpuInternal, f))
#define CTX_OFF(f) ((int32_t)offsetof(JitCtx, f))

_Static_assert(sizeof(TlbEntry) == 32, "the inline TLB probe indexes by (lin >> 7) & mask");
_Static_assert(sizeof(JcEntry) == 24, "the inline jump-cache probe scales by 24");

typedef struct Stub {
    int insn;
    uint8_t *from[6];         /* rel32 fields of the branches that lead here */
    int nfrom;
    uint8_t *resume;          /* continue here after the helper; NULL: leave */
    int fs_after;             /* flag state the resume point expects */
    bool x87;                 /* the host holds the guest x87 here (gen_x87) */
    bool replay;              /* flags in FS_REPLAY at the access: rc recreates them */
    Recipe rc;
    uint32_t left_extra;      /* Gen.left_extra of the copy it belongs to */
} Stub;

/* The taken side of a conditional branch inside a block, emitted after
 * the body with the flag state the branch saw. */
typedef struct SideExit {
    uint8_t *site;            /* rel32 of the Jcc */
    uint32_t target;
    int fs;
    Recipe rc;
    uint32_t refund;          /* block instructions after the branch, and later copies' */
} SideExit;

typedef struct Gen {
    Jit *j;
    CpuState *cpu;
    Emit e;
    Block *b;
    Insn *ins;
    int n;
    uint32_t key, cs_base;
    bool code32, stack32, cs_flat;
    int cpl;
    uint8_t flat;
    int32_t tlb_off;
    uint32_t live[MAX_BLOCK_INSNS + 1];   /* flags live before insn i; [n] at the end */
    int fs;
    Recipe rc;                /* how to recreate the current flags, if valid */
    bool rc_set;              /* the current instruction set rc */
    bool replay_ok;           /* its memory probes may leave the flags to rc */
    Stub stubs[MAX_BLOCK_INSNS * 4];      /* two copies of the body (hoist.c) */
    int nstubs;
    HoistPlan hp;             /* accesses sharing block-entry probes */
    SideExit side[MAX_SIDE_EXITS * 6];   /* taken sides of mid-block Jcc, all copies */
    int nside;
    bool grouped;             /* generating the copy that uses them */
    bool second;              /* generating a copy after the first */
    /* A self-loop (the block's last instruction jumps back to its start)
     * whose back edge leaves the flags to a recipe enters a copy of its
     * body that starts in FS_REPLAY: no PUSHF per iteration. */
    bool loop_ok;             /* this block may get that copy */
    bool in_loop;             /* generating it */
    Recipe loop_rc;           /* the back edge's recipe (valid once seen) */
    uint8_t *loop_sites[4];   /* back-edge jumps to patch to its entry */
    int nloop_sites;
    uint8_t *loop_entry;
    int unroll, copy;         /* the loop copy is unrolled: copy 1..unroll */
    uint8_t *next_sites[4];   /* back edges of this copy, to the next one */
    int nnext;
    uint32_t left_extra;      /* instructions charged at the loop entry for
                                 the copies after this one (refunded at exits) */
    int cur;
    bool ended;
    unsigned xlen;            /* the one instruction crosses pages: its length */
    bool x87res;              /* known here: the host's x87 holds the guest's */
    uint64_t helper_mask;     /* instructions that call their helper (traces) */
} Gen;

static Mem m_cpu(int32_t off) { return mem_bd(H_CPU, off); }
static Mem m_in(int32_t off) { return mem_bd(H_IN, off); }
static Mem m_ctx(int32_t off) { return mem_bd(H_CTX, off); }
static Mem m_greg(int r) { return m_cpu(CPU_OFF(regs) + 4 * r); }
static Mem m_eflags(void) { return m_cpu(CPU_OFF(eflags)); }
/* The guest's arithmetic flags in state MEM: CpuInternal.lf_host (LF_HOST). */
static Mem m_flags(void) { return m_in(IN_OFF(lf_host)); }

static int hreg(int guest) { return guest_hreg[guest & 7]; }

/* ---- flags use of instructions ------------------------------------------------- */

static uint32_t cc_reads(unsigned cc)
{
    static const uint32_t r[8] = {
        EFLAGS_OF, EFLAGS_CF, EFLAGS_ZF, EFLAGS_CF | EFLAGS_ZF, EFLAGS_SF, EFLAGS_PF,
        EFLAGS_SF | EFLAGS_OF, EFLAGS_SF | EFLAGS_OF | EFLAGS_ZF,
    };
    return r[(cc >> 1) & 7];
}

/*
 * Flags read and written by an instruction, for liveness. Anything that
 * may fault or is unknown reads all of them (an exception pushes EFLAGS);
 * 'undef' are the flags the SDM leaves undefined (lockstep masks them).
 */
void insn_flag_use(const Insn *in, uint32_t *rd, uint32_t *wr, uint32_t *undef)
{
    unsigned op = in->opcode;
    bool mem = in->mod != 3;           /* the decoder leaves mod = 3 without ModRM */
    uint32_t r = 0, w = 0, u = 0;
    if (op < 0x40 && (op & 7) < 6) {
        unsigned k = op >> 3;
        w = FL_ALL;
        if (k == 2 || k == 3)
            r = EFLAGS_CF;
        if (k == 1 || k == 4 || k == 6)
            u = EFLAGS_AF;
    } else if (op >= 0x40 && op <= 0x4f) {
        w = FL_ALL & ~EFLAGS_CF;
    } else if (op >= 0x70 && op <= 0x7f) {
        r = cc_reads(op & 15);
    } else if (op >= 0x0f80 && op <= 0x0f8f) {
        r = cc_reads(op & 15);
    } else if ((op >= 0x0f90 && op <= 0x0f9f) || (op >= 0x0f40 && op <= 0x0f4f)) {
        r = cc_reads(op & 15);
    } else if (op == 0x80 || op == 0x81 || op == 0x83) {
        w = FL_ALL;
        if (in->reg == 2 || in->reg == 3)
            r = EFLAGS_CF;
        if (in->reg == 1 || in->reg == 4 || in->reg == 6)
            u = EFLAGS_AF;
    } else if (op == 0x84 || op == 0x85 || op == 0xa8 || op == 0xa9) {
        w = FL_ALL;
        u = EFLAGS_AF;
    } else if ((op == 0xf6 || op == 0xf7) && in->reg == 0) {
        w = FL_ALL;
        u = EFLAGS_AF;
    } else if ((op == 0xf6 || op == 0xf7) && in->reg == 3) {
        w = FL_ALL;
    } else if ((op == 0xf6 || op == 0xf7) && (in->reg == 4 || in->reg == 5)) {
        w = FL_ALL;
        u = EFLAGS_SF | EFLAGS_ZF | EFLAGS_AF | EFLAGS_PF;
    } else if ((op == 0xf6 || op == 0xf7) && in->reg >= 6) {
        r = FL_ALL;                    /* may fault */
        w = u = FL_ALL;
    } else if (op == 0x0faf || op == 0x69 || op == 0x6b) {
        w = FL_ALL;
        u = EFLAGS_SF | EFLAGS_ZF | EFLAGS_AF | EFLAGS_PF;
    } else if ((op == 0xc0 || op == 0xc1 || op == 0xd0 || op == 0xd1) && in->reg >= 4) {
        unsigned c = (op >= 0xd0 ? 1 : in->imm) & 31;
        if (c) {
            w = FL_ALL;
            u = EFLAGS_AF | (c > 1 ? EFLAGS_OF : 0);
        }
    } else if ((op == 0xc0 || op == 0xc1 || op == 0xd0 || op == 0xd1) && in->reg <= 1) {
        unsigned c = (op >= 0xd0 ? 1 : in->imm) & 31;
        if (c) {
            w = EFLAGS_CF | EFLAGS_OF;
            u = c > 1 ? EFLAGS_OF : 0;
        }
    } else if ((op == 0xd2 || op == 0xd3) && in->reg != 6) {
        /* by CL: the count is known only at run time (0 keeps the flags),
         * so nothing counts as written; OF (beyond 1) and AF are undefined */
        u = in->reg >= 4 ? EFLAGS_OF | EFLAGS_AF : EFLAGS_OF;
    } else if ((op == 0xfe || op == 0xff) && in->reg <= 1) {
        w = FL_ALL & ~EFLAGS_CF;
    } else if (op == 0x9e) {
        w = FL_ALL & ~EFLAGS_OF;
    } else if (op == 0x9f) {
        r = FL_ALL & ~EFLAGS_OF;
    } else if (op == 0xf8 || op == 0xf9) {
        w = EFLAGS_CF;
    } else if (op == 0xf5) {
        r = w = EFLAGS_CF;
    } else if (op == 0x0fb6 || op == 0x0fb7 || op == 0x0fbe || op == 0x0fbf || op == 0x8d ||
               (op >= 0x88 && op <= 0x8b) || op == 0xc6 || op == 0xc7 ||
               (op >= 0xb0 && op <= 0xbf) || (op >= 0x90 && op <= 0x99) || op == 0x86 ||
               op == 0x87 || (op >= 0x50 && op <= 0x5f) || op == 0x68 || op == 0x6a ||
               op == 0xe8 || op == 0xe9 || op == 0xeb || op == 0xc3 || op == 0xc2 ||
               op == 0xc9 || op == 0xfc || op == 0xfd || (op >= 0x0fc8 && op <= 0x0fcf) ||
               (op == 0xf6 || op == 0xf7) || (op == 0xff && in->reg >= 2) || op == 0x8f ||
               (op >= 0xa0 && op <= 0xa3)) {
        /* moves, stack, near transfers, NOT: no flags */
    } else {
        r = FL_ALL;                    /* unknown: a helper that may read them all */
    }
    if (mem)
        r = FL_ALL;
    /* push/pop/call/ret access memory too */
    if ((op >= 0x50 && op <= 0x5f) || op == 0x68 || op == 0x6a || op == 0xe8 ||
        op == 0xc3 || op == 0xc2 || op == 0xc9 || op == 0x8f || (op >= 0xa0 && op <= 0xa3))
        r = FL_ALL;
    *rd = r;
    *wr = w;
    *undef = u;
}

/* ---- small emitters ------------------------------------------------------------ */

/* Guest registers: host registers <-> cpu->regs (also the trampoline's). */
static void store_regs(Emit *e)
{
    for (int r = 0; r < 8; r++)
        emit_store(e, 4, m_greg(r), hreg(r));
}

static void load_regs(Emit *e)
{
    for (int r = 0; r < 8; r++)
        emit_load(e, 4, hreg(r), m_greg(r));
}

/* Run the recipe again: the flags it describes are in host EFLAGS after. */
static void emit_recipe(Emit *e, const Recipe *r)
{
    unsigned z = r->size;
    switch (r->kind) {
    case RC_CMP:
    case RC_TEST:
        if (r->s >= 0) {
            if (r->kind == RC_CMP)
                emit_alu_rr(e, z, ALU_CMP, r->d, r->s);
            else
                emit_test_rr(e, z, r->d, r->s);
        } else {
            if (r->kind == RC_CMP)
                emit_alu_ri(e, z, ALU_CMP, r->d, (int32_t)r->imm);
            else
                emit_test_ri(e, z, r->d, r->imm);
        }
        break;
    case RC_ADD:
    case RC_SUB: {
        int undo = r->kind == RC_ADD ? ALU_SUB : ALU_ADD, redo = r->kind == RC_ADD ? ALU_ADD : ALU_SUB;
        if (r->s >= 0) {
            emit_alu_rr(e, z, undo, r->d, r->s);
            emit_alu_rr(e, z, redo, r->d, r->s);
        } else {
            emit_alu_ri(e, z, undo, r->d, (int32_t)r->imm);
            emit_alu_ri(e, z, redo, r->d, (int32_t)r->imm);
        }
        break;
    }
    default:
        emit_test_rr(e, z, r->d, r->d);
        break;
    }
}

/* FS_REPLAY -> FS_HOST. */
static void replay(Gen *g)
{
    if (g->fs != FS_REPLAY)
        return;
    emit_recipe(&g->e, &g->rc);
    g->fs = FS_HOST;
}

/* Host EFLAGS -> lf_host: two instructions, no read-modify-write. */
static void materialize(Gen *g)
{
    replay(g);
    if (g->fs != FS_HOST)
        return;
    emit_pushfq(&g->e);
    emit_pop_m(&g->e, m_flags());
    g->fs = FS_MEM;
}

/* lf_host -> host EFLAGS (POPFQ is slow: slow paths and rare cases only).
 * The image only ever holds host PUSHF results or masked arithmetic bits,
 * so DF, TF and AC stay clear on the host. */
static void host_flags_from_mem(Gen *g)
{
    emit_push_m(&g->e, m_flags());
    emit_popfq(&g->e);
    g->fs = FS_HOST;
}

/*
 * A condition evaluated on the flags in cpu->eflags: emits a test and
 * returns the host condition that is true when guest condition cc is.
 */
static int cc_from_mem(Gen *g, unsigned cc)
{
    Emit *e = &g->e;
    unsigned base = cc & ~1u;
    bool neg = cc & 1;
    switch (base) {
    case CC_O: emit_test_mi(e, 4, m_flags(), EFLAGS_OF); break;
    case CC_B: emit_test_mi(e, 4, m_flags(), EFLAGS_CF); break;
    case CC_E: emit_test_mi(e, 4, m_flags(), EFLAGS_ZF); break;
    case CC_BE: emit_test_mi(e, 4, m_flags(), EFLAGS_CF | EFLAGS_ZF); break;
    case CC_S: emit_test_mi(e, 4, m_flags(), EFLAGS_SF); break;
    case CC_P: emit_test_mi(e, 4, m_flags(), EFLAGS_PF); break;
    default:                                        /* L, LE: SF != OF (or ZF) */
        emit_load(e, 4, H_R9, m_flags());
        emit_mov_rr(e, 4, H_R10, H_R9);
        emit_shift_ri(e, 4, SH_SHR, H_R10, 4);      /* OF (bit 11) -> bit 7 */
        emit_alu_rr(e, 4, ALU_XOR, H_R10, H_R9);
        if (base == CC_LE) {
            emit_alu_ri(e, 4, ALU_AND, H_R9, EFLAGS_ZF);
            emit_shift_ri(e, 4, SH_SHL, H_R9, 1);   /* ZF (bit 6) -> bit 7 */
            emit_alu_rr(e, 4, ALU_OR, H_R10, H_R9);
        }
        emit_test_ri(e, 4, H_R10, EFLAGS_SF);
        break;
    }
    return neg ? CC_E : CC_NE;
}

/* Host condition for guest cc in the current flag state. */
static int cond(Gen *g, unsigned cc)
{
    if (g->fs == FS_HOST)
        return (int)cc;
    return cc_from_mem(g, cc);
}

/* Guest CF into host CF before ADC/SBB (host state of others: don't care). */
static void carry_in(Gen *g)
{
    if (g->fs == FS_MEM)
        emit_bt_mi(&g->e, 4, m_flags(), 0);
}

static Stub *new_stub(Gen *g)
{
    enum { NSTUBS = sizeof g->stubs / sizeof g->stubs[0] - 1 };
    if (g->nstubs == NSTUBS) {
        /* out of stubs (several body copies): like running out of code
         * room - translate_block retries with one copy; the last slot
         * takes this one's writes meanwhile */
        g->e.full = true;
        Stub *spare = &g->stubs[NSTUBS];
        spare->nfrom = 0;
        return spare;
    }
    Stub *s = &g->stubs[g->nstubs++];
    s->insn = g->cur;
    s->nfrom = 0;
    s->resume = NULL;
    s->fs_after = FS_MEM;
    s->x87 = g->x87res;
    s->replay = false;
    s->left_extra = g->left_extra;
    return s;
}

static void stub_branch(Gen *g, Stub *s, int cc)
{
    uint8_t *at = emit_jcc(&g->e, cc);
    if (s->nfrom < 6)
        s->from[s->nfrom++] = at;
    else
        g->e.bad = true;
}

static void x87_spill(Gen *g);
static bool replay_safe(const Insn *in);

/* A block prologue's budget charge: SUB R11D, imm32 - always the 7-byte
 * form, so that invalidation can overwrite it with a 5-byte JMP. */
static void budget_sub(Emit *e, uint32_t n)
{
    emit_u8(e, 0x41);                    /* REX.B */
    emit_u8(e, 0x81);                    /* group 1, imm32 */
    emit_u8(e, (uint8_t)(0xc0 | ALU_SUB << 3 | (H_COUNT & 7)));
    emit_u32(e, n);
}

/* Call C code: the countdown (R11, caller-saved) goes through ctx. */
static void call_host(Emit *e, const void *fn)
{
    emit_store(e, 4, mem_bd(H_CTX, CTX_OFF(countdown)), H_COUNT);
    emit_call_abs(e, fn);
    emit_load(e, 4, H_COUNT, mem_bd(H_CTX, CTX_OFF(countdown)));
}

/* The helper call for instruction i (flags must be in state MEM). */
static void call_helper(Gen *g, int i)
{
    Emit *e = &g->e;
    const Insn *in = &g->ins[i];
    x87_spill(g);
    emit_store_imm(e, 4, m_cpu(CPU_OFF(eip)), in->eip);
    emit_store_imm(e, 4, m_ctx(CTX_OFF(left)), (uint32_t)(g->n - i - 1) + g->left_extra);
    store_regs(&g->e);
    emit_mov_rr(e, 8, H_RDI, H_CPU);
    emit_mov_ri(e, 8, H_RSI, (uint64_t)(uintptr_t)in);
    call_host(e, (const void *)jit_helper_insn);
    emit_mov_rr(e, 4, H_R10, H_RAX);
    load_regs(&g->e);
    emit_test_rr(e, 4, H_R10, H_R10);
    emit_jcc_to(e, CC_NE, g->j->epi_early);
}

/* ---- memory operands ------------------------------------------------------------- */

/* Offset of the ModRM memory operand into R8 (32-bit, zero-extended). */
static void gen_ea(Gen *g, const Insn *in)
{
    Emit *e = &g->e;
    if (in->base == EA_NONE && in->index == EA_NONE) {
        emit_mov_ri(e, 4, H_R8, in->addrsize == 2 ? (uint16_t)in->disp : (uint32_t)in->disp);
        return;
    }
    Mem m = mem_bisd(in->base == EA_NONE ? -1 : hreg(in->base),
                     in->index == EA_NONE ? -1 : hreg(in->index), in->scale, in->disp);
    emit_lea(e, 4, H_R8, m);
    if (in->addrsize == 2)
        emit_movzx_rr(e, 2, H_R8, H_R8);
}

/*
 * Offset in R8 -> linear in R8 for segment 'seg', access of 'size' bytes;
 * out-of-limit (or any unusual segment) branches to the stub.
 */
static void gen_seg(Gen *g, Stub *s, int seg, unsigned size, bool write)
{
    if (g->flat & (1u << seg))
        return;
    Emit *e = &g->e;
    emit_lea(e, 8, H_R9, mem_bd(H_R8, (int32_t)size - 1));
    emit_alu_rm(e, 8, ALU_CMP, H_R9,
                m_in(write ? IN_OFF(seg_wmax) + 8 * seg : IN_OFF(seg_rmax) + 8 * seg));
    stub_branch(g, s, CC_G);
    emit_alu_rm(e, 4, ALU_ADD, H_R8, m_cpu(CPU_OFF(seg) + seg * (int32_t)sizeof(SegCache) +
                                           (int32_t)offsetof(SegCache, base)));
}

/*
 * Linear in R8 -> host address [R9 + R8] through the TLB, or the stub.
 * The entry's byte offset is (lin >> 7) & ((TLB_ENTRIES - 1) << 5): one
 * RORX (BMI2) or MOV+SHR and an AND; the tag compare takes the page of the
 * access's last byte, so a page-crossing access misses.
 */
static void tlb_compare(Gen *g, unsigned span, bool write)
{
    Emit *e = &g->e;
    if (g->j->bmi2) {
        emit_rorx(e, H_R9, H_R8, PAGE_SHIFT - 5);
    } else {
        emit_mov_rr(e, 4, H_R9, H_R8);
        emit_shift_ri(e, 4, SH_SHR, H_R9, PAGE_SHIFT - 5);
    }
    emit_alu_ri(e, 4, ALU_AND, H_R9, (TLB_ENTRIES - 1) << 5);
    if (span == 1)
        emit_mov_rr(e, 4, H_R10, H_R8);
    else
        emit_lea(e, 4, H_R10, mem_bd(H_R8, (int32_t)span - 1));
    emit_alu_ri(e, 4, ALU_AND, H_R10, (int32_t)PAGE_MASK);
    int32_t tag = g->tlb_off + (write ? (int32_t)offsetof(TlbEntry, tag_write)
                                      : (int32_t)offsetof(TlbEntry, tag_read));
    emit_alu_rm(e, 4, ALU_CMP, H_R10, mem_bisd(H_IN, H_R9, 0, tag));
}

static Mem gen_tlb(Gen *g, Stub *s, unsigned size, bool write)
{
    Emit *e = &g->e;
    tlb_compare(g, size, write);
    stub_branch(g, s, CC_NE);
    emit_load(e, 8, H_R9, mem_bisd(H_IN, H_R9, 0, g->tlb_off + (int32_t)offsetof(TlbEntry, addend)));
    return mem_bisd(H_R9, H_R8, 0, 0);
}

/*
 * The block-entry probes of the hoisted groups (translator/hoist.c): each
 * group's span checked in the TLB from the entry registers, its addend
 * kept in ctx.gaddend; any miss branches to 'miss' (the copy without).
 */
static void gen_group_probes(Gen *g, uint8_t **miss, int *nmiss)
{
    Emit *e = &g->e;
    for (int k = 0; k < g->hp.ngroups; k++) {
        const HoistGroup *gr = &g->hp.g[k];
        if (gr->base < 0 && gr->index < 0)
            emit_mov_ri(e, 4, H_R8, gr->lo);
        else
            emit_lea(e, 4, H_R8, mem_bisd(gr->base >= 0 ? hreg(gr->base) : -1,
                                          gr->index >= 0 ? hreg(gr->index) : -1, gr->scale,
                                          (int32_t)gr->lo));
        tlb_compare(g, gr->span, gr->write);
        miss[(*nmiss)++] = emit_jcc(e, CC_NE);
        emit_load(e, 8, H_R9, mem_bisd(H_IN, H_R9, 0, g->tlb_off + (int32_t)offsetof(TlbEntry, addend)));
        emit_store(e, 8, m_ctx(CTX_OFF(gaddend) + 8 * k), H_R9);
    }
}

/* A hoisted access: offset already in R8, the group's addend into R9. No
 * probe, so the host flags survive; instructions that expect their probe
 * to have stored live flags still get that. */
static Mem group_access(Gen *g, int grp)
{
    if (g->fs != FS_MEM && !replay_safe(&g->ins[g->cur]))
        materialize(g);
    emit_load(&g->e, 8, H_R9, m_ctx(CTX_OFF(gaddend) + 8 * grp));
    return mem_bisd(H_R9, H_R8, 0, 0);
}

/* The planned group of the current instruction's ModRM/stack access. */
static int mem_group(Gen *g, unsigned size, bool write)
{
    int grp = g->grouped ? g->hp.mem[g->cur] : -1;
    if (grp < 0 || size > g->hp.msize[g->cur] || (write && !g->hp.g[grp].write))
        return -1;
    return grp;
}

static int stack_group(Gen *g, bool write)
{
    int grp = g->grouped ? g->hp.stack[g->cur] : -1;
    if (grp < 0 || (write && !g->hp.g[grp].write))
        return -1;
    return grp;
}

/*
 * Before a TLB probe (which clobbers the host's EFLAGS): live flags go to
 * memory - unless the instruction allows a replay and the recipe stays
 * valid, in which case nothing is stored and the stub recreates them for
 * the helper (the fast path cannot fault).
 */
static void flags_before_probe(Gen *g, Stub *s)
{
    if (g->fs != FS_MEM && g->replay_ok && g->rc.valid) {
        g->fs = FS_REPLAY;
        s->replay = true;
        s->rc = g->rc;
        return;
    }
    materialize(g);
}

/* The whole path for insn's ModRM memory operand: host address or stub. */
static Mem gen_modrm_mem(Gen *g, Stub *s, const Insn *in, unsigned size, bool write)
{
    int grp = mem_group(g, size, write);
    if (grp >= 0) {
        gen_ea(g, in);
        return group_access(g, grp);
    }
    flags_before_probe(g, s);
    gen_ea(g, in);
    gen_seg(g, s, in->seg, size, write);
    return gen_tlb(g, s, size, write);
}

/* A stack slot: offset ESP+delta (SS.B wraps), host address or stub. */
static Mem gen_stack_mem(Gen *g, Stub *s, int32_t delta, unsigned size, bool write)
{
    Emit *e = &g->e;
    int grp = stack_group(g, write);
    if (grp >= 0) {
        emit_lea(e, 4, H_R8, mem_bd(H_R13, delta));
        return group_access(g, grp);
    }
    flags_before_probe(g, s);
    emit_lea(e, 4, H_R8, mem_bd(H_R13, delta));
    if (!g->stack32)
        emit_movzx_rr(e, 2, H_R8, H_R8);
    gen_seg(g, s, SEG_SS, size, write);
    return gen_tlb(g, s, size, write);
}

/* ESP += delta, respecting SS.B; flags untouched. */
static void adjust_esp(Gen *g, int32_t delta)
{
    Emit *e = &g->e;
    if (g->stack32) {
        emit_lea(e, 4, H_R13, mem_bd(H_R13, delta));
    } else {
        emit_lea(e, 4, H_R9, mem_bd(H_R13, delta));
        emit_mov_rr(e, 2, H_R13, H_R9);
    }
}

/* ---- exits ------------------------------------------------------------------------ */

/* Compare the jump-cache entry's key and CS base (qword at m) with this
 * block's (a CMP imm32 when CS base is 0; else through 'tmp'). */
static void jc_key_cmp(Gen *g, Mem m, int tmp)
{
    Emit *e = &g->e;
    uint64_t want = (uint64_t)g->key | ((uint64_t)g->cs_base << 32);
    if (want < 0x80000000u) {
        emit_alu_mi(e, 8, ALU_CMP, m, (int32_t)want);
    } else {
        emit_mov_ri(e, 8, tmp, want);
        emit_alu_rm(e, 8, ALU_CMP, tmp, m);
    }
}

/* Jump to the block at constant guest EIP 'target' (flags in MEM or dead). */
static void exit_to(Gen *g, uint32_t target)
{
    Emit *e = &g->e;
    uint32_t lin = g->cs_base + target;
    if (g->left_extra)               /* leaving an unrolled loop copy early */
        emit_alu_ri(e, 4, ALU_ADD, H_COUNT, (int32_t)g->left_extra);
    if (!g->cs_flat && target > g->cpu->seg[SEG_CS].limit) {
        /* beyond CS limit: the run loop's decode raises #GP there */
        emit_store_imm(e, 4, m_cpu(CPU_OFF(eip)), target);
        emit_jmp_to(e, g->j->epi_normal);
        return;
    }
    uint8_t *site = emit_jmp(e);
    emit_patch(site, e->p);
    emit_store_imm(e, 4, m_cpu(CPU_OFF(eip)), target);
    if ((lin & PAGE_MASK) == (g->b->lin & PAGE_MASK) && g->j->chain && site) {
        emit_mov_ri(e, 8, H_R9, (uint64_t)(uintptr_t)site);
        emit_store(e, 8, m_ctx(CTX_OFF(chain_site)), H_R9);
        emit_jmp_to(e, g->j->epi_normal);
        return;
    }
    if (!g->j->chain) {
        emit_jmp_to(e, g->j->epi_normal);
        return;
    }
    /* another page: the jump cache, inline */
    uint32_t idx = jc_index(lin);
    int32_t ent = CTX_OFF(jc) + (int32_t)(idx * sizeof(JcEntry));
    emit_alu_mi(e, 4, ALU_CMP, m_ctx(ent), (int32_t)lin);
    emit_jcc_to(e, CC_NE, g->j->epi_normal);
    jc_key_cmp(g, m_ctx(ent + 4), H_R9);
    emit_jcc_to(e, CC_NE, g->j->epi_normal);
    emit_jmp_m(e, m_ctx(ent + (int32_t)offsetof(JcEntry, code)));
}

/* Jump to the guest EIP in R10 (flags in MEM or dead): jump cache inline. */
static void exit_indirect(Gen *g)
{
    Emit *e = &g->e;
    if (!g->j->chain) {
        emit_store(e, 4, m_cpu(CPU_OFF(eip)), H_R10);
        emit_jmp_to(e, g->j->epi_normal);
        return;
    }
    /* EIP is stored only when leaving for the run loop (after the jump):
     * translated code entered through the jump cache never reads cpu->eip
     * before setting it */
    int lin = H_R10;
    if (g->cs_base)
        emit_lea(e, 4, H_R10, mem_bd(H_R10, (int32_t)g->cs_base));
    /* index = ((lin >> 6) & 0xfc0) | ((lin ^ (lin >> 6)) & 63); a RORX
     * leaves lin's low bits on top, which both masks drop */
    if (g->j->bmi2) {
        emit_rorx(e, H_R9, lin, 6);
    } else {
        emit_mov_rr(e, 4, H_R9, lin);
        emit_shift_ri(e, 4, SH_SHR, H_R9, 6);
    }
    emit_mov_rr(e, 4, H_R8, H_R9);
    emit_alu_ri(e, 4, ALU_AND, H_R9, 0xfc0);
    emit_alu_rr(e, 4, ALU_XOR, H_R8, lin);
    emit_alu_ri(e, 4, ALU_AND, H_R8, 63);
    emit_alu_rr(e, 4, ALU_OR, H_R9, H_R8);
    emit_lea(e, 8, H_R9, mem_bisd(H_R9, H_R9, 1, 0));
    int32_t base = CTX_OFF(jc);
    emit_alu_rm(e, 4, ALU_CMP, lin, mem_bisd(H_CTX, H_R9, 3, base));
    uint8_t *miss1 = emit_jcc(e, CC_NE);
    jc_key_cmp(g, mem_bisd(H_CTX, H_R9, 3, base + 4), H_R8);
    uint8_t *miss2 = emit_jcc(e, CC_NE);
    emit_jmp_m(e, mem_bisd(H_CTX, H_R9, 3, base + (int32_t)offsetof(JcEntry, code)));
    emit_patch(miss1, e->p);
    emit_patch(miss2, e->p);
    if (g->cs_base)                  /* R10 holds the linear address here */
        emit_lea(e, 4, H_R10, mem_bd(H_R10, -(int32_t)g->cs_base));
    emit_store(e, 4, m_cpu(CPU_OFF(eip)), H_R10);
    emit_jmp_to(e, g->j->epi_normal);
}

static bool is_jcc(const Insn *in)
{
    unsigned op = in->opcode;
    return (op >= 0x70 && op <= 0x7f) || (op >= 0x0f80 && op <= 0x0f8f);
}

static uint32_t rel_target(const Gen *g, const Insn *in);

static uint32_t next_eip(const Gen *g, const Insn *in)
{
    uint32_t n = in->eip + in->len;
    return g->code32 ? n : (n & 0xffff);
}

/* Flags the code at 'eip' may read before overwriting them (look-ahead). */
static uint32_t succ_live(Gen *g, uint32_t eip)
{
    /* lockstep compares whole states at block ends: keep every flag */
    if (g->j->lockstep || ((g->cs_base + eip) & PAGE_MASK) != (g->b->lin & PAGE_MASK))
        return FL_ALL;
    uint32_t live = 0, killed = 0;
    for (int k = 0; k < 16; k++) {
        Insn in;
        if (!decode_probe(g->cpu, eip, &in))
            return FL_ALL;
        if (((g->cs_base + eip) & PAGE_MASK) != ((g->cs_base + eip + in.len - 1) & PAGE_MASK))
            return FL_ALL;
        uint32_t rd, wr, un;
        insn_flag_use(&in, &rd, &wr, &un);
        live |= rd & ~killed;
        killed |= wr;
        if ((killed & FL_ALL) == FL_ALL)
            return live;
        if (in.op->flags & (OPF_ENDS_BLOCK | OPF_MODE))
            return live | (FL_ALL & ~killed);
        eip = next_eip(g, &in);
        if (((g->cs_base + eip) & PAGE_MASK) != (g->b->lin & PAGE_MASK))
            return FL_ALL;
    }
    return live | (FL_ALL & ~killed);
}

/* Before an exit to 'target': flags to memory when the target needs them. */
static void flags_for_exit(Gen *g, uint32_t target)
{
    if (g->fs != FS_MEM && succ_live(g, target))
        materialize(g);
    g->fs = FS_MEM;
}

/* ---- inline instructions ----------------------------------------------------------- */

/* Register operand of a ModRM instruction as a host register, -1 if the
 * byte form cannot be combined with REX-needing operands. */
static int greg_sized(int r, unsigned size)
{
    return size == 1 ? r : hreg(r);
}

/* The guest register a host register operand of 'size' bytes belongs to. */
static uint8_t guest_bit(int hr, unsigned size)
{
    if (size == 1)
        return (uint8_t)(1u << (hr & 3));      /* AL..BL, AH..BH */
    for (int r = 0; r < 8; r++)
        if (hreg(r) == hr)
            return (uint8_t)(1u << r);
    return 0xff;
}

/* The current instruction's flags can be recreated by 'kind' (d, s|imm). */
static void set_recipe(Gen *g, int kind, unsigned size, int d, int s, uint32_t imm)
{
    if ((kind == RC_ADD || kind == RC_SUB) && s == d)
        return;                                 /* ADD r,r: the input is gone */
    g->rc = (Recipe){ true, (uint8_t)kind, (uint8_t)size,
                      (uint8_t)(guest_bit(d, size) | (s >= 0 ? guest_bit(s, size) : 0)),
                      (int8_t)d, (int8_t)s, imm };
    g->rc_set = true;
}

/*
 * Recipes across instructions. replay_safe: the instruction's code handles
 * FS_REPLAY (its probes may leave the flags to the recipe: moves, stack
 * moves, register moves, and the ALU/TEST forms that write every flag
 * without reading any). flag_free: it writes no flag, so a recipe stays
 * valid unless it writes one of the recipe's registers (insn_regs_written,
 * hoist.c).
 */
static bool flag_free(const Insn *in)
{
    unsigned op = in->opcode;
    return (op >= 0x88 && op <= 0x8b) || op == 0xc6 || op == 0xc7 || op == 0x8d ||
           (op >= 0xa0 && op <= 0xa3) || (op >= 0x50 && op <= 0x5f) || op == 0x68 ||
           op == 0x6a || (op == 0x8f && in->mod == 3) || (op == 0xff && in->reg == 6) ||
           op == 0x0fb6 || op == 0x0fb7 || op == 0x0fbe || op == 0x0fbf ||
           (op >= 0xb0 && op <= 0xbf) || (op >= 0x90 && op <= 0x99);
}

static bool replay_safe(const Insn *in)
{
    unsigned op = in->opcode;
    if (op < 0x40 && (op & 7) < 6)
        return (op >> 3) != 2 && (op >> 3) != 3;          /* not ADC/SBB */
    if (op == 0x80 || op == 0x81 || op == 0x83)
        return in->reg != 2 && in->reg != 3;
    return op == 0x84 || op == 0x85 || flag_free(in);
}

/* ALU op on (dst, src) kinds: reg/reg, reg/mem, mem/reg, reg/imm, mem/imm. */
static bool gen_alu(Gen *g, const Insn *in, int op, unsigned size, int form, uint32_t imm)
{
    /* form: 0 = E,G  1 = G,E  2 = E,imm  3 = AL/eAX,imm */
    Emit *e = &g->e;
    bool dead = !(g->live[g->cur + 1] & FL_ALL);
    bool writes = op != ALU_CMP;
    bool uses_cf = op == ALU_ADC || op == ALU_SBB;
    if (in->mod == 3 || form == 3) {
        int d = form == 1 ? greg_sized(in->reg, size) : greg_sized(in->rm, size);
        if (form == 3)
            d = size == 1 ? 0 : H_RAX;         /* AL / eAX, imm */
        if (!writes && dead)
            return true;                        /* CMP with dead flags */
        if (uses_cf)
            carry_in(g);
        int s = -1;
        if (form >= 2) {
            emit_alu_ri(e, size, op, d, (int32_t)imm);
        } else {
            s = form == 1 ? greg_sized(in->rm, size) : greg_sized(in->reg, size);
            emit_alu_rr(e, size, op, d, s);
        }
        g->fs = FS_HOST;
        if (op == ALU_CMP)
            set_recipe(g, RC_CMP, size, d, s, imm);
        else if (op == ALU_ADD || op == ALU_SUB)
            set_recipe(g, op == ALU_ADD ? RC_ADD : RC_SUB, size, d, s, imm);
        else if (op == ALU_AND || op == ALU_OR || op == ALU_XOR)
            set_recipe(g, RC_LOGIC, size, d, -1, 0);
        return !e->bad;
    }
    if (size == 1 && form != 2 && in->reg >= 4)
        return false;                           /* AH..BH with a REX operand */
    Stub *s = new_stub(g);
    bool mem_dst = form != 1;
    Mem m = gen_modrm_mem(g, s, in, size, mem_dst && writes);
    if (uses_cf)
        carry_in(g);
    if (form == 2)
        emit_alu_mi(e, size, op, m, (int32_t)imm);
    else if (form == 0)
        emit_alu_mr(e, size, op, m, greg_sized(in->reg, size));
    else
        emit_alu_rm(e, size, op, greg_sized(in->reg, size), m);
    g->fs = FS_HOST;
    s->resume = e->p;
    s->fs_after = FS_HOST;
    return true;
}

static bool gen_test(Gen *g, const Insn *in, unsigned size, bool imm_form)
{
    Emit *e = &g->e;
    bool dead = !(g->live[g->cur + 1] & FL_ALL);
    if (in->mod == 3) {
        if (dead)
            return true;
        int d = greg_sized(in->rm, size), s = imm_form ? -1 : greg_sized(in->reg, size);
        if (imm_form)
            emit_test_ri(e, size, d, in->imm);
        else
            emit_test_rr(e, size, d, s);
        g->fs = FS_HOST;
        set_recipe(g, RC_TEST, size, d, s, in->imm);
        return !e->bad;
    }
    if (size == 1 && !imm_form && in->reg >= 4)
        return false;
    Stub *s = new_stub(g);
    Mem m = gen_modrm_mem(g, s, in, size, false);
    if (imm_form) {
        emit_test_mi(e, size, m, in->imm);
    } else {
        uint8_t o = size == 1 ? 0x84 : 0x85;
        emit_op_rm(e, size, &o, 1, greg_sized(in->reg, size), m);
    }
    g->fs = FS_HOST;
    s->resume = e->p;
    s->fs_after = FS_HOST;
    return true;
}

/* MOV forms. dir 0: E <- G, 1: G <- E, 2: E <- imm */
static bool gen_mov(Gen *g, const Insn *in, unsigned size, int dir)
{
    Emit *e = &g->e;
    if (in->mod == 3) {
        if (dir == 2)
            emit_mov_ri(e, size, greg_sized(in->rm, size), in->imm);
        else if (dir == 0)
            emit_mov_rr(e, size, greg_sized(in->rm, size), greg_sized(in->reg, size));
        else
            emit_mov_rr(e, size, greg_sized(in->reg, size), greg_sized(in->rm, size));
        return !e->bad;
    }
    if (size == 1 && dir != 2 && in->reg >= 4)
        return false;
    Stub *s = new_stub(g);
    Mem m = gen_modrm_mem(g, s, in, size, dir != 1);
    if (dir == 2)
        emit_store_imm(e, size, m, in->imm);
    else if (dir == 0)
        emit_store(e, size, m, greg_sized(in->reg, size));
    else
        emit_load(e, size, greg_sized(in->reg, size), m);
    s->resume = e->p;
    s->fs_after = g->fs;
    return true;
}

/* MOV AL/eAX <-> moffs (A0-A3). */
static bool gen_mov_moffs(Gen *g, const Insn *in, unsigned size, bool store)
{
    Emit *e = &g->e;
    Stub *s = new_stub(g);
    int grp = mem_group(g, size, store);
    Mem m;
    if (grp >= 0) {
        emit_mov_ri(e, 4, H_R8, (uint32_t)in->disp);
        m = group_access(g, grp);
    } else {
        flags_before_probe(g, s);
        emit_mov_ri(e, 4, H_R8, in->addrsize == 2 ? (uint16_t)in->disp : (uint32_t)in->disp);
        gen_seg(g, s, in->seg, size, store);
        m = gen_tlb(g, s, size, store);
    }
    if (store)
        emit_store(e, size, m, H_RAX);
    else
        emit_load(e, size, H_RAX, m);
    s->resume = e->p;
    s->fs_after = g->fs;
    return true;
}

static bool gen_movx(Gen *g, const Insn *in, unsigned srcsize, bool sign)
{
    Emit *e = &g->e;
    int d = hreg(in->reg);
    unsigned dsize = in->opsize;
    if (in->mod == 3) {
        int s = srcsize == 1 ? in->rm : hreg(in->rm);
        if (srcsize == 1 && in->rm >= 4 && d >= 8)
            return false;
        if (dsize == 4) {
            if (sign) emit_movsx_rr(e, srcsize, d, s);
            else emit_movzx_rr(e, srcsize, d, s);
        } else {
            if (sign) emit_movsx_rr(e, srcsize, H_R10, s);
            else emit_movzx_rr(e, srcsize, H_R10, s);
            emit_mov_rr(e, 2, d, H_R10);
        }
        return !e->bad;
    }
    Stub *st = new_stub(g);
    Mem m = gen_modrm_mem(g, st, in, srcsize, false);
    if (sign)
        emit_movsx_rm(e, srcsize, H_R10, m);
    else
        emit_movzx_rm(e, srcsize, H_R10, m);
    emit_mov_rr(e, dsize, d, H_R10);
    st->resume = e->p;
    st->fs_after = g->fs;
    return true;
}

static bool gen_lea(Gen *g, const Insn *in)
{
    if (in->mod == 3)
        return false;
    Emit *e = &g->e;
    int d = hreg(in->reg);
    if (in->base == EA_NONE && in->index == EA_NONE) {
        uint32_t v = in->addrsize == 2 ? (uint16_t)in->disp : (uint32_t)in->disp;
        emit_mov_ri(e, in->opsize == 2 ? 2 : 4, d, v);
        return true;
    }
    Mem m = mem_bisd(in->base == EA_NONE ? -1 : hreg(in->base),
                     in->index == EA_NONE ? -1 : hreg(in->index), in->scale, in->disp);
    if (in->addrsize == 4 && in->opsize == 4) {
        emit_lea(e, 4, d, m);
    } else {
        emit_lea(e, 4, H_R10, m);
        emit_mov_rr(e, in->opsize, d, H_R10);   /* 16-bit result or address */
    }
    return !e->bad;
}

/* INC/DEC register or memory. */
static bool gen_incdec(Gen *g, const Insn *in, unsigned size, bool dec, int reg_form)
{
    Emit *e = &g->e;
    bool cf_live = (g->live[g->cur + 1] & EFLAGS_CF) != 0;
    if (reg_form >= 0 || in->mod == 3) {
        int r = reg_form >= 0 ? hreg(reg_form) : greg_sized(in->rm, size);
        if (g->fs == FS_MEM && cf_live)
            carry_in(g);
        emit_incdec_r(e, size, dec, r);
        g->fs = FS_HOST;
        return !e->bad;
    }
    Stub *s = new_stub(g);
    Mem m = gen_modrm_mem(g, s, in, size, true);
    if (cf_live)
        carry_in(g);
    emit_incdec_m(e, size, dec, m);
    g->fs = FS_HOST;
    s->resume = e->p;
    s->fs_after = FS_HOST;
    return true;
}

/* NOT (2) / NEG (3). */
static bool gen_notneg(Gen *g, const Insn *in, unsigned size, int digit)
{
    Emit *e = &g->e;
    if (in->mod == 3) {
        emit_unary_r(e, size, digit, greg_sized(in->rm, size));
    } else {
        Stub *s = new_stub(g);
        Mem m = gen_modrm_mem(g, s, in, size, true);
        emit_unary_m(e, size, digit, m);
        if (digit == 3)
            g->fs = FS_HOST;
        s->resume = e->p;
        s->fs_after = g->fs;
        return true;
    }
    if (digit == 3)
        g->fs = FS_HOST;
    return !e->bad;
}

/* Shifts/rotates by an immediate count (C0/C1/D0/D1). */
static bool gen_shift_imm(Gen *g, const Insn *in, unsigned size, unsigned count)
{
    Emit *e = &g->e;
    int op = in->reg;
    if (op == SH_RCL || op == SH_RCR || op == 6)
        return false;
    count &= 31;
    if (count == 0)
        return false;
    if (in->mod == 3) {
        emit_shift_ri(e, size, op, greg_sized(in->rm, size), (uint8_t)count);
        if (op <= SH_ROR && g->fs == FS_MEM) {
            /* rotates write only CF and OF: merge those into memory */
            emit_pushfq(e);
            emit_pop(e, H_R9);
            emit_alu_ri(e, 4, ALU_AND, H_R9, EFLAGS_CF | EFLAGS_OF);
            emit_alu_mi(e, 4, ALU_AND, m_flags(), (int32_t)~(EFLAGS_CF | EFLAGS_OF));
            emit_alu_mr(e, 4, ALU_OR, m_flags(), H_R9);
            return !e->bad;
        }
        g->fs = FS_HOST;
        return !e->bad;
    }
    if (op <= SH_ROR)
        return false;
    Stub *s = new_stub(g);
    Mem m = gen_modrm_mem(g, s, in, size, true);
    uint8_t o = count == 1 ? (size == 1 ? 0xd0 : 0xd1) : (size == 1 ? 0xc0 : 0xc1);
    emit_op_rm(e, size, &o, 1, op, m);
    if (count != 1)
        emit_u8(e, (uint8_t)count);
    g->fs = FS_HOST;
    s->resume = e->p;
    s->fs_after = FS_HOST;
    return true;
}

/* Shifts by CL (D2/D3), register operand only. */
static bool gen_shift_cl(Gen *g, const Insn *in, unsigned size)
{
    int op = in->reg;
    if (op == SH_RCL || op == SH_RCR || op == 6 || in->mod != 3)
        return false;
    if (g->fs == FS_MEM && (g->live[g->cur + 1] & FL_ALL))
        host_flags_from_mem(g);        /* count 0 keeps the flags */
    emit_shift_rcl(&g->e, size, op, greg_sized(in->rm, size));
    g->fs = FS_HOST;
    return !g->e.bad;
}

static bool gen_imul2(Gen *g, const Insn *in, bool has_imm)
{
    Emit *e = &g->e;
    unsigned size = in->opsize;
    int d = hreg(in->reg);
    if (in->mod == 3) {
        if (has_imm)
            emit_imul_rri(e, size, d, hreg(in->rm), (int32_t)in->imm);
        else
            emit_imul_rr(e, size, d, hreg(in->rm));
        g->fs = FS_HOST;
        return !e->bad;
    }
    Stub *s = new_stub(g);
    Mem m = gen_modrm_mem(g, s, in, size, false);
    if (has_imm) {
        uint8_t o = (in->imm + 128u) < 256u ? 0x6b : 0x69;
        emit_op_rm(e, size, &o, 1, d, m);
        if (o == 0x6b)
            emit_u8(e, (uint8_t)in->imm);
        else if (size == 2) {
            emit_u8(e, (uint8_t)in->imm);
            emit_u8(e, (uint8_t)(in->imm >> 8));
        } else {
            emit_u32(e, in->imm);
        }
    } else {
        uint8_t o[2] = { 0x0f, 0xaf };
        emit_op_rm(e, size, o, 2, d, m);
    }
    g->fs = FS_HOST;
    s->resume = e->p;
    s->fs_after = FS_HOST;
    return true;
}

/* MUL/IMUL/DIV/IDIV r/m32 (F7 /4-/7); the operand goes to R10. */
static bool gen_muldiv(Gen *g, const Insn *in)
{
    Emit *e = &g->e;
    unsigned size = in->opsize;
    int digit = in->reg;
    Stub *s = NULL;
    if (in->mod == 3) {
        emit_mov_rr(e, 4, H_R10, hreg(in->rm));
    } else {
        s = new_stub(g);
        Mem m = gen_modrm_mem(g, s, in, size, false);
        emit_load(e, size, H_R10, m);
    }
    if (digit >= 6) {
        if (!s)
            s = new_stub(g);
        materialize(g);
        emit_test_rr(e, 4, H_R10, H_R10);
        stub_branch(g, s, CC_E);
        if (digit == 6) {
            emit_alu_rr(e, 4, ALU_CMP, H_RDX, H_R10);   /* quotient overflow */
            stub_branch(g, s, CC_AE);
        } else {
            emit_mov_rr(e, 4, H_R9, H_RAX);
            emit_shift_ri(e, 4, SH_SAR, H_R9, 31);
            emit_alu_rr(e, 4, ALU_CMP, H_R9, H_RDX);   /* dividend must be sign-extended */
            stub_branch(g, s, CC_NE);
            emit_alu_ri(e, 4, ALU_CMP, H_R10, -1);
            uint8_t *ok = emit_jcc(e, CC_NE);
            emit_alu_ri(e, 4, ALU_CMP, H_RAX, (int32_t)0x80000000u);
            stub_branch(g, s, CC_E);
            emit_patch(ok, e->p);
        }
    }
    emit_unary_r(e, size, digit, H_R10);
    g->fs = FS_HOST;
    if (s) {
        s->resume = e->p;
        s->fs_after = FS_HOST;
    }
    return !e->bad;
}

static bool gen_push_reg(Gen *g, int r, unsigned size)
{
    Stub *s = new_stub(g);
    Mem m = gen_stack_mem(g, s, -(int32_t)size, size, true);
    emit_store(&g->e, size, m, hreg(r));
    adjust_esp(g, -(int32_t)size);
    s->resume = g->e.p;
    s->fs_after = g->fs;
    return true;
}

static bool gen_push_imm(Gen *g, uint32_t v, unsigned size)
{
    Stub *s = new_stub(g);
    Mem m = gen_stack_mem(g, s, -(int32_t)size, size, true);
    emit_store_imm(&g->e, size, m, v);
    adjust_esp(g, -(int32_t)size);
    s->resume = g->e.p;
    s->fs_after = g->fs;
    return true;
}

static bool gen_pop_reg(Gen *g, int r, unsigned size)
{
    if (r == R_ESP)
        return false;
    Stub *s = new_stub(g);
    Mem m = gen_stack_mem(g, s, 0, size, false);
    emit_load(&g->e, size, hreg(r), m);
    adjust_esp(g, (int32_t)size);
    s->resume = g->e.p;
    s->fs_after = g->fs;
    return true;
}

/* PUSH r/m (FF /6) from memory: read then push; both checked first. */
static bool gen_push_mem(Gen *g, const Insn *in)
{
    unsigned size = in->opsize;
    if (in->mod == 3)
        return gen_push_reg(g, in->rm, size);
    Emit *e = &g->e;
    Stub *s = new_stub(g);
    Mem m = gen_modrm_mem(g, s, in, size, false);
    emit_load(e, size, H_R10, m);
    emit_store(e, 4, m_ctx(CTX_OFF(tmp)), H_R10);   /* across the stack probe */
    Mem d = gen_stack_mem(g, s, -(int32_t)size, size, true);
    emit_load(e, 4, H_R10, m_ctx(CTX_OFF(tmp)));
    emit_store(e, size, d, H_R10);
    adjust_esp(g, -(int32_t)size);
    s->resume = e->p;
    s->fs_after = g->fs;
    return true;
}

/* A near transfer's target (R10) against a CS limit below 4 GiB: #GP from
 * the helper, before anything is committed. */
static void check_target(Gen *g, Stub *s)
{
    if (g->cs_flat)
        return;
    emit_alu_rm(&g->e, 4, ALU_CMP, H_R10, m_cpu(CPU_OFF(seg) + SEG_CS * (int32_t)sizeof(SegCache) +
                                                 (int32_t)offsetof(SegCache, limit)));
    stub_branch(g, s, CC_A);
}

/* CALL rel: push the return address, jump. */
static bool gen_call_rel(Gen *g, const Insn *in)
{
    unsigned size = in->opsize;
    uint32_t ret = next_eip(g, in);
    uint32_t target = rel_target(g, in);
    if (!g->cs_flat && target > g->cpu->seg[SEG_CS].limit)
        return false;
    Stub *s = new_stub(g);
    Mem m = gen_stack_mem(g, s, -(int32_t)size, size, true);
    emit_store_imm(&g->e, size, m, ret);
    adjust_esp(g, -(int32_t)size);
    g->fs = FS_MEM;
    exit_to(g, target);
    g->ended = true;
    return true;
}

/* RET / RET imm16. */
static bool gen_ret(Gen *g, const Insn *in, uint32_t extra)
{
    unsigned size = in->opsize;
    Emit *e = &g->e;
    if (!g->code32 && size == 4)
        return false;
    Stub *s = new_stub(g);
    Mem m = gen_stack_mem(g, s, 0, size, false);
    if (size == 4)
        emit_load(e, 4, H_R10, m);
    else
        emit_movzx_rm(e, 2, H_R10, m);
    check_target(g, s);
    adjust_esp(g, (int32_t)(size + extra));
    g->fs = FS_MEM;
    exit_indirect(g);
    g->ended = true;
    return true;
}

/* CALL/JMP r/m (FF /2, /4). */
static bool gen_indirect(Gen *g, const Insn *in, bool call)
{
    unsigned size = in->opsize;
    Emit *e = &g->e;
    if (!g->code32 && size == 4)
        return false;
    Stub *s = new_stub(g);
    if (in->mod == 3) {
        materialize(g);
        if (size == 4)
            emit_mov_rr(e, 4, H_R10, hreg(in->rm));
        else
            emit_movzx_rr(e, 2, H_R10, hreg(in->rm));
    } else {
        Mem m = gen_modrm_mem(g, s, in, size, false);
        if (size == 4)
            emit_load(e, 4, H_R10, m);
        else
            emit_movzx_rm(e, 2, H_R10, m);
    }
    check_target(g, s);
    if (call) {
        emit_store(e, 4, m_ctx(CTX_OFF(tmp)), H_R10);   /* across the stack probe */
        Mem d = gen_stack_mem(g, s, -(int32_t)size, size, true);
        emit_store_imm(e, size, d, next_eip(g, in));
        adjust_esp(g, -(int32_t)size);
        emit_load(e, 4, H_R10, m_ctx(CTX_OFF(tmp)));
    }
    g->fs = FS_MEM;
    exit_indirect(g);
    g->ended = true;
    return true;
}

/* Jcc rel: both ways leave the block. */
/*
 * A jump back to the block's own start with the flags in the host and a
 * recipe describing them: jump (condition 'hcc', or -1 = always) to the
 * self-loop copy, which starts in FS_REPLAY with that recipe. False when
 * this back edge cannot (then it exits as usual).
 */
static bool loop_back(Gen *g, uint32_t target, int hcc)
{
    if (!g->loop_ok || target != g->b->eip || g->fs != FS_HOST || !g->rc.valid)
        return false;
    const Recipe *r = &g->rc, *l = &g->loop_rc;
    if (l->valid && (r->kind != l->kind || r->size != l->size || r->d != l->d ||
                     r->s != l->s || r->imm != l->imm))
        return false;
    Emit *e = &g->e;
    if (g->in_loop && g->copy == g->unroll) {
        if (hcc < 0)
            emit_jmp_to(e, g->loop_entry);
        else
            emit_jcc_to(e, hcc, g->loop_entry);
        return true;
    }
    if (g->in_loop) {
        if (g->nnext == 4)
            return false;
        g->next_sites[g->nnext++] = hcc < 0 ? emit_jmp(e) : emit_jcc(e, hcc);
        return true;
    }
    if (g->nloop_sites == 4)
        return false;
    g->loop_rc = *r;
    g->loop_sites[g->nloop_sites++] = hcc < 0 ? emit_jmp(e) : emit_jcc(e, hcc);
    return true;
}

/* The target of a relative JMP/Jcc/CALL (16-bit operand or code: IP wraps). */
static uint32_t rel_target(const Gen *g, const Insn *in)
{
    uint32_t target = next_eip(g, in) + in->imm;
    if (in->opsize == 2 || !g->code32)
        target &= 0xffff;
    return target;
}

static bool gen_jcc(Gen *g, const Insn *in)
{
    Emit *e = &g->e;
    uint32_t fall = next_eip(g, in);
    uint32_t target = rel_target(g, in);
    if (g->cur < g->n - 1) {
        /* the block goes on: the taken side leaves through a side exit */
        if (g->nside == (int)(sizeof g->side / sizeof g->side[0]) ||
            (!g->cs_flat && target > g->cpu->seg[SEG_CS].limit))
            return false;
        int hcc = cond(g, in->opcode & 15);
        SideExit *x = &g->side[g->nside++];
        x->site = emit_jcc(e, hcc);
        x->target = target;
        x->fs = g->fs;
        x->rc = g->rc;
        x->refund = (uint32_t)(g->n - g->cur - 1) + g->left_extra;
        return true;
    }
    if (g->fs == FS_HOST && g->rc.valid && target == g->b->eip && g->loop_ok) {
        int hcc = cond(g, in->opcode & 15);
        if (loop_back(g, target, hcc)) {
            flags_for_exit(g, fall);
            exit_to(g, fall);
            g->ended = true;
            return true;
        }
    }
    uint32_t live_t = g->fs == FS_HOST ? succ_live(g, target) : 0;
    uint32_t live_f = g->fs == FS_HOST ? succ_live(g, fall) : 0;
    bool save = g->fs == FS_HOST && (live_t || live_f);
    if (save) {
        emit_pushfq(e);
        emit_pop(e, H_R9);
    }
    int hcc = cond(g, in->opcode & 15);
    uint8_t *taken = emit_jcc(e, hcc);
    if (save && live_f)
        emit_store(e, 8, m_flags(), H_R9);
    g->fs = FS_MEM;
    exit_to(g, fall);
    emit_patch(taken, e->p);
    if (save && live_t)
        emit_store(e, 8, m_flags(), H_R9);
    exit_to(g, target);
    g->ended = true;
    return true;
}

static bool gen_jmp_rel(Gen *g, const Insn *in)
{
    uint32_t target = rel_target(g, in);
    if (loop_back(g, target, -1)) {
        g->ended = true;
        return true;
    }
    flags_for_exit(g, target);
    exit_to(g, target);
    g->ended = true;
    return true;
}

static bool gen_setcc(Gen *g, const Insn *in)
{
    if (in->mod != 3)
        return false;
    int hcc = cond(g, in->opcode & 15);
    emit_setcc(&g->e, hcc, in->rm);
    return !g->e.bad;
}

static bool gen_cmov(Gen *g, const Insn *in)
{
    Emit *e = &g->e;
    unsigned size = in->opsize;
    if (in->mod == 3) {
        int hcc = cond(g, in->opcode & 15);
        emit_cmovcc(e, size, hcc, hreg(in->reg), hreg(in->rm));
        return !e->bad;
    }
    Stub *s = new_stub(g);
    int fs = g->fs;
    if (fs == FS_HOST) {
        /* the probe clobbers flags: keep them for the condition */
        materialize(g);
    }
    Mem m = gen_modrm_mem(g, s, in, size, false);
    emit_load(e, size, H_R8, m);
    int hcc = cond(g, in->opcode & 15);             /* uses R9/R10 at most */
    emit_cmovcc(e, size, hcc, hreg(in->reg), H_R8);
    s->resume = e->p;
    s->fs_after = g->fs;
    return !e->bad;
}

static bool gen_leave(Gen *g, const Insn *in)
{
    unsigned size = in->opsize;
    Emit *e = &g->e;
    if (!g->stack32)
        return false;
    /* ESP = EBP, then pop EBP; read checked before anything changes */
    Stub *s = new_stub(g);
    materialize(g);
    emit_mov_rr(e, 4, H_R8, H_RBP);
    int grp = stack_group(g, false);
    Mem m;
    if (grp >= 0) {
        m = group_access(g, grp);
    } else {
        gen_seg(g, s, SEG_SS, size, false);
        m = gen_tlb(g, s, size, false);
    }
    emit_load(e, size, H_R10, m);
    emit_lea(e, 4, H_R13, mem_bd(H_RBP, (int32_t)size));
    emit_mov_rr(e, size, H_RBP, H_R10);
    s->resume = e->p;
    s->fs_after = g->fs;
    return true;
}

static bool gen_xchg(Gen *g, const Insn *in, unsigned size)
{
    if (in->mod != 3)
        return false;                    /* memory XCHG: helper (rare, locked) */
    emit_xchg_rr(&g->e, size, greg_sized(in->reg, size), greg_sized(in->rm, size));
    return !g->e.bad;
}

/* ---- x87 on the host's x87 ------------------------------------------------------

 * While every x87 exception is masked (FCW), none is pending (FSW.ES) and
 * CR0.EM/TS are clear, an x87 instruction cannot fault except on its
 * memory operand, and the host's x87 computes exactly the guest's results,
 * flags, C0-C3 and TOP: same ISA, same 80-bit formats, same precision and
 * rounding control. So a run of x87 instructions in a block executes on
 * the host's x87: the guest state is loaded with FXRSTOR from an image
 * built by jit_x87_to_fx (translator/run.c) when the run starts (after
 * checking those conditions; if they fail, the rest of the block is left
 * to the interpreter), the instructions are emitted as themselves
 * (register forms byte for byte, memory forms on the TLB's host address),
 * and the state goes back with FXSAVE + FNINIT (the host stack is left
 * empty, as the ABI wants) after the block's last x87 instruction and
 * before any helper call or slow path. FIP, FOP, FDP and FDS are stored by
 * the generated code, as op_esc does.
 */

static void call_c(Gen *g, const void *fn, int32_t ctx_arg)
{
    Emit *e = &g->e;
    materialize(g);
    store_regs(e);
    emit_mov_rr(e, 8, H_RDI, H_CPU);
    emit_lea(e, 8, H_RSI, m_ctx(ctx_arg));
    call_host(e, fn);
    static const int caller_saved[] = { R_EAX, R_ECX, R_EDX, R_ESI, R_EDI };
    for (unsigned k = 0; k < 5; k++)
        emit_load(e, 4, hreg(caller_saved[k]), m_greg(caller_saved[k]));
}

static void x87_load(Gen *g)
{
    static const uint8_t fxrstor[2] = { 0x0f, 0xae };
    call_c(g, (const void *)jit_x87_to_fx, CTX_OFF(fx));
    emit_op_rm(&g->e, 4, fxrstor, 2, 1, m_ctx(CTX_OFF(fx)));
    emit_store_imm(&g->e, 1, m_ctx(CTX_OFF(x87_host)), 1);
    g->x87res = true;
}

/* Before C code runs (helpers, the run loop): the guest x87 back from the
 * host's if it is there (flags must be in state MEM: this compares). */
static void x87_spill(Gen *g)
{
    Emit *e = &g->e;
    materialize(g);
    emit_alu_mi(e, 1, ALU_CMP, m_ctx(CTX_OFF(x87_host)), 0);
    uint8_t *skip = emit_jcc(e, CC_E);
    uint8_t *call = e->p;
    emit_u8(e, 0xe8);                    /* call rel32 to the shared subroutine */
    emit_u32(e, (uint32_t)(g->j->x87_spill - (call + 5)));
    emit_patch(skip, e->p);
    g->x87res = false;
}

/* Start of a run on the host: check the conditions, load the state. */
static void x87_enter(Gen *g)
{
    Emit *e = &g->e;
    materialize(g);
    emit_alu_mi(e, 1, ALU_CMP, m_ctx(CTX_OFF(x87_host)), 0);
    uint8_t *there = emit_jcc(e, CC_NE);        /* still there from earlier code */
    emit_test_mi(e, 4, m_cpu(CPU_OFF(cr) + 0), CR0_EM | CR0_TS);
    uint8_t *f1 = emit_jcc(e, CC_NE);
    emit_movzx_rm(e, 2, H_R9, m_cpu(CPU_OFF(fpu) + (int32_t)offsetof(FpuState, fcw)));
    emit_alu_ri(e, 4, ALU_AND, H_R9, 0x3f);
    emit_alu_ri(e, 4, ALU_CMP, H_R9, 0x3f);
    uint8_t *f2 = emit_jcc(e, CC_NE);
    emit_test_mi(e, 2, m_cpu(CPU_OFF(fpu) + (int32_t)offsetof(FpuState, fsw)), 0x80);
    uint8_t *f3 = emit_jcc(e, CC_NE);
    x87_load(g);
    emit_movzx_rm(e, 2, H_R9, m_cpu(CPU_OFF(seg) + SEG_CS * (int32_t)sizeof(SegCache) +
                                   (int32_t)offsetof(SegCache, sel)));
    emit_store(e, 2, m_cpu(CPU_OFF(fpu) + (int32_t)offsetof(FpuState, fcs)), H_R9);
    uint8_t *ok = emit_jmp(e);
    emit_patch(f1, e->p);
    emit_patch(f2, e->p);
    emit_patch(f3, e->p);
    int32_t rest = g->n - g->cur;
    emit_store_imm(e, 4, m_cpu(CPU_OFF(eip)), g->ins[g->cur].eip);
    emit_store_imm(e, 4, m_ctx(CTX_OFF(left)), (uint32_t)rest + g->left_extra);
    emit_store_imm(e, 4, m_ctx(CTX_OFF(interp)), (uint32_t)rest);
    emit_jmp_to(e, g->j->epi_early);
    emit_patch(ok, e->p);
    emit_patch(there, e->p);
    g->x87res = true;
}

/* Size of the memory operand of an x87 instruction the host may run, 0 for
 * a register form it may run, -1 for the rest (control instructions,
 * transcendentals, FCOMI's EFLAGS, BCD). */
static int x87_host_size(const Insn *in)
{
    unsigned op = in->opcode, r = in->reg;
    if (in->mod == 3) {
        switch (op) {
        case 0xd8: return 0;                                  /* arithmetic, FCOM, FCOMP */
        case 0xdc: return (r == 2 || r == 3) ? -1 : 0;         /* (DC D0-DF: aliases) */
        case 0xde: return r == 2 ? -1 : r == 3 ? (in->modrm == 0xd9 ? 0 : -1) : 0;
        case 0xd9:
            if (r <= 1) return 0;                              /* FLD ST(i), FXCH */
            if (in->modrm == 0xd0) return 0;                   /* FNOP */
            if (r == 4 && (in->modrm & 7) != 2 && (in->modrm & 7) != 3 && (in->modrm & 7) < 6)
                return 0;                                      /* FCHS FABS FTST FXAM */
            if (r == 5 && in->modrm != 0xef) return 0;         /* FLD1 ... FLDZ */
            if (in->modrm == 0xfa) return 0;                   /* FSQRT */
            return -1;
        case 0xda: return in->modrm == 0xe9 ? 0 : -1;          /* FUCOMPP */
        case 0xdd: return (r == 0 || r == 2 || r == 3 || r == 4 || r == 5) ? 0 : -1;
        case 0xdf: return in->modrm == 0xe0 ? 0 : -1;          /* FNSTSW AX */
        default: return -1;
        }
    }
    switch (op) {
    case 0xd8: return 4;                                       /* arith m32fp */
    case 0xdc: return 8;                                       /* arith m64fp */
    case 0xda: return 4;                                       /* arith m32int */
    case 0xde: return 2;                                       /* arith m16int */
    case 0xd9: return (r == 0 || r == 2 || r == 3) ? 4 : -1;   /* FLD/FST/FSTP m32fp */
    case 0xdd: return (r == 0 || r == 2 || r == 3) ? 8 : -1;   /* m64fp */
    case 0xdb: return (r == 0 || r == 2 || r == 3) ? 4 : (r == 5 || r == 7) ? 10 : -1;
    case 0xdf: return (r == 0 || r == 2 || r == 3) ? 2 : (r == 5 || r == 7) ? 8 : -1;
    default: return -1;
    }
}

static bool x87_host_writes(const Insn *in)
{
    return in->mod != 3 && (in->reg == 2 || in->reg == 3 || in->reg == 7) &&
           (in->opcode == 0xd9 || in->opcode == 0xdd || in->opcode == 0xdb || in->opcode == 0xdf);
}

/* One x87 instruction on the host's x87; false: not this one. */
static bool gen_x87(Gen *g, const Insn *in)
{
    Emit *e = &g->e;
    int size = x87_host_size(in);
    if (size < 0 || (size > 0 && !(g->flat & (1u << in->seg))) || in->lock)
        return false;
    if (!g->x87res)
        x87_enter(g);
    if (!(in->opcode == 0xdf && in->modrm == 0xe0)) {
        emit_store_imm(e, 4, m_cpu(CPU_OFF(fpu) + (int32_t)offsetof(FpuState, fip)), in->eip);
        emit_store_imm(e, 2, m_cpu(CPU_OFF(fpu) + (int32_t)offsetof(FpuState, fop)),
                       (in->opcode & 7) << 8 | in->modrm);
    }
    if (size == 0) {
        emit_u8(e, (uint8_t)in->opcode);
        emit_u8(e, in->modrm);
        return true;
    }
    Stub *s = new_stub(g);
    Mem m = gen_modrm_mem(g, s, in, (unsigned)size, x87_host_writes(in));
    emit_store(e, 4, m_cpu(CPU_OFF(fpu) + (int32_t)offsetof(FpuState, fdp)), H_R8);
    emit_movzx_rm(e, 2, H_R10, m_cpu(CPU_OFF(seg) + in->seg * (int32_t)sizeof(SegCache) +
                                    (int32_t)offsetof(SegCache, sel)));
    emit_store(e, 2, m_cpu(CPU_OFF(fpu) + (int32_t)offsetof(FpuState, fds)), H_R10);
    uint8_t op = (uint8_t)in->opcode;
    emit_op_rm(e, 4, &op, 1, in->reg, m);
    s->resume = e->p;
    s->fs_after = g->fs;
    return true;
}

/* x87 instructions that leave general registers, EFLAGS and EIP alone:
 * a lighter call (no exit test; the callee-saved guest registers stay). */
static bool gen_fpu(Gen *g, const Insn *in)
{
    unsigned op = in->opcode;
    Emit *e = &g->e;
    if (gen_x87(g, in))
        return true;
    x87_spill(g);
    if (op == 0xdf && in->modrm == 0xe0) {
        /* FNSTSW AX: #NM when CR0.EM or TS, else AX = FSW (TOP included) */
        Stub *s = new_stub(g);
        materialize(g);
        emit_test_mi(e, 4, m_cpu(CPU_OFF(cr) + 0), CR0_EM | CR0_TS);
        stub_branch(g, s, CC_NE);
        emit_load(e, 2, H_RAX, m_cpu(CPU_OFF(fpu) + (int32_t)offsetof(FpuState, fsw)));
        s->resume = e->p;
        s->fs_after = FS_MEM;
        return true;
    }
    if ((op == 0xdb || op == 0xdf) && in->mod == 3 && (in->reg == 5 || in->reg == 6))
        return false;                    /* FCOMI, FUCOMI (EFLAGS) */
    materialize(g);
    emit_store_imm(e, 4, m_cpu(CPU_OFF(eip)), in->eip);
    emit_store_imm(e, 4, m_ctx(CTX_OFF(left)), (uint32_t)(g->n - g->cur - 1) + g->left_extra);
    store_regs(&g->e);
    emit_mov_rr(e, 8, H_RDI, H_CPU);
    emit_mov_ri(e, 8, H_RSI, (uint64_t)(uintptr_t)in);
    call_host(e, (const void *)jit_helper_fpu);
    emit_mov_rr(e, 4, H_R10, H_RAX);
    static const int caller_saved[] = { R_EAX, R_ECX, R_EDX, R_ESI, R_EDI };
    for (unsigned k = 0; k < 5; k++)
        emit_load(e, 4, hreg(caller_saved[k]), m_greg(caller_saved[k]));
    /* FERR# asserted (the instruction runs again after IRQ 13) or anything
     * else raising attention: leave for the run loop, which takes
     * interrupts - no C call lets one in without saying so */
    emit_test_rr(e, 4, H_R10, H_R10);
    emit_jcc_to(e, CC_NE, g->j->epi_early);
    return true;
}

/* One instruction inline; false: use the helper. */
static bool gen_insn(Gen *g, const Insn *in)
{
    unsigned op = in->opcode;
    unsigned sz = in->opsize;
    Emit *e = &g->e;
    if (op < 0x40 && (op & 7) < 6) {
        int alu = (int)(op >> 3);
        unsigned size = (op & 1) ? sz : 1;
        switch (op & 7) {
        case 0: case 1: return gen_alu(g, in, alu, size, 0, 0);
        case 2: case 3: return gen_alu(g, in, alu, size, 1, 0);
        default: return gen_alu(g, in, alu, size, 3, in->imm);
        }
    }
    if (op >= 0x40 && op <= 0x4f)
        return gen_incdec(g, in, sz, op >= 0x48, (int)(op & 7));
    if (op >= 0xd8 && op <= 0xdf)
        return gen_fpu(g, in);
    if (op >= 0x50 && op <= 0x57)
        return gen_push_reg(g, (int)(op & 7), sz);
    if (op >= 0x58 && op <= 0x5f)
        return gen_pop_reg(g, (int)(op & 7), sz);
    if (op >= 0x70 && op <= 0x7f)
        return gen_jcc(g, in);
    if (op >= 0x0f80 && op <= 0x0f8f)
        return gen_jcc(g, in);
    if (op >= 0x0f90 && op <= 0x0f9f)
        return gen_setcc(g, in);
    if (op >= 0x0f40 && op <= 0x0f4f)
        return gen_cmov(g, in);
    if (op >= 0xb0 && op <= 0xb7) {
        emit_mov_ri(e, 1, (int)(op & 7), in->imm);
        return true;
    }
    if (op >= 0xb8 && op <= 0xbf) {
        emit_mov_ri(e, sz, hreg((int)(op & 7)), in->imm);
        return true;
    }
    if (op >= 0x91 && op <= 0x97) {
        emit_xchg_rr(e, sz, H_RAX, hreg((int)(op & 7)));
        return true;
    }
    if (op >= 0x0fc8 && op <= 0x0fcf && sz == 4) {
        emit_bswap(e, hreg((int)(op & 7)));
        return true;
    }
    switch (op) {
    case 0x80: return gen_alu(g, in, in->reg, 1, 2, in->imm);
    case 0x81: case 0x83: return gen_alu(g, in, in->reg, sz, 2, in->imm);
    case 0x84: return gen_test(g, in, 1, false);
    case 0x85: return gen_test(g, in, sz, false);
    case 0x86: return gen_xchg(g, in, 1);
    case 0x87: return gen_xchg(g, in, sz);
    case 0x88: return gen_mov(g, in, 1, 0);
    case 0x89: return gen_mov(g, in, sz, 0);
    case 0x8a: return gen_mov(g, in, 1, 1);
    case 0x8b: return gen_mov(g, in, sz, 1);
    case 0x8d: return gen_lea(g, in);
    case 0x8f: return in->mod == 3 ? gen_pop_reg(g, in->rm, sz) : false;
    case 0x90: return in->rep == REP_NONE;        /* NOP (F3 90 = PAUSE: helper) */
    case 0x98: emit_cwde(e, sz); return true;
    case 0x9e:                            /* SAHF: SF ZF AF PF CF from AH, OF kept */
        if (g->fs == FS_HOST || !(g->live[g->cur + 1] & EFLAGS_OF)) {
            emit_u8(e, 0x9e);
            g->fs = FS_HOST;
            return true;
        }
        emit_u8(e, 0x9e);
        emit_pushfq(e);
        emit_pop(e, H_R9);
        emit_alu_ri(e, 4, ALU_AND, H_R9, (int32_t)(FL_ALL & ~EFLAGS_OF));
        emit_load(e, 4, H_R10, m_flags());
        emit_alu_ri(e, 4, ALU_AND, H_R10, EFLAGS_OF);
        emit_alu_rr(e, 4, ALU_OR, H_R9, H_R10);
        emit_store(e, 8, m_flags(), H_R9);
        return true;
    case 0x9f:                            /* LAHF */
        if (g->fs == FS_HOST) {
            emit_u8(e, 0x9f);
            return true;
        }
        emit_movzx_rm(e, 1, H_R9, m_flags());
        emit_alu_ri(e, 4, ALU_AND, H_R9, 0xd5);
        emit_alu_ri(e, 4, ALU_OR, H_R9, 2);
        emit_shift_ri(e, 4, SH_SHL, H_R9, 8);
        emit_alu_ri(e, 4, ALU_AND, H_RAX, (int32_t)0xffff00ffu);
        emit_alu_rr(e, 4, ALU_OR, H_RAX, H_R9);
        return true;
    case 0x99: emit_cdq(e, sz); return true;
    case 0xa0: return gen_mov_moffs(g, in, 1, false);
    case 0xa1: return gen_mov_moffs(g, in, sz, false);
    case 0xa2: return gen_mov_moffs(g, in, 1, true);
    case 0xa3: return gen_mov_moffs(g, in, sz, true);
    case 0xa8: case 0xa9:
        if (g->live[g->cur + 1] & FL_ALL) {
            emit_test_ri(e, op == 0xa8 ? 1 : sz, H_RAX, in->imm);
            g->fs = FS_HOST;
            set_recipe(g, RC_TEST, op == 0xa8 ? 1 : sz, H_RAX, -1, in->imm);
        }
        return true;
    case 0xc0: return gen_shift_imm(g, in, 1, in->imm);
    case 0xc1: return gen_shift_imm(g, in, sz, in->imm);
    case 0xd0: return gen_shift_imm(g, in, 1, 1);
    case 0xd1: return gen_shift_imm(g, in, sz, 1);
    case 0xd2: return gen_shift_cl(g, in, 1);
    case 0xd3: return gen_shift_cl(g, in, sz);
    case 0xc2: return gen_ret(g, in, in->imm & 0xffff);
    case 0xc3: return gen_ret(g, in, 0);
    case 0xc6: return gen_mov(g, in, 1, 2);
    case 0xc7: return gen_mov(g, in, sz, 2);
    case 0xc9: return gen_leave(g, in);
    case 0xe8: return gen_call_rel(g, in);
    case 0xe9: case 0xeb: return gen_jmp_rel(g, in);
    case 0x68: case 0x6a: return gen_push_imm(g, sz == 2 ? (in->imm & 0xffff) : in->imm, sz);
    case 0x69: return gen_imul2(g, in, true);
    case 0x6b: return gen_imul2(g, in, true);
    case 0x0faf: return gen_imul2(g, in, false);
    case 0x0fb6: return gen_movx(g, in, 1, false);
    case 0x0fb7: return gen_movx(g, in, 2, false);
    case 0x0fbe: return gen_movx(g, in, 1, true);
    case 0x0fbf: return gen_movx(g, in, 2, true);
    case 0xf5: if (g->fs == FS_MEM) emit_alu_mi(e, 4, ALU_XOR, m_flags(), EFLAGS_CF); else emit_u8(e, 0xf5); return true;
    case 0xf8: if (g->fs == FS_MEM) emit_alu_mi(e, 4, ALU_AND, m_flags(), (int32_t)~EFLAGS_CF); else emit_u8(e, 0xf8); return true;
    case 0xf9: if (g->fs == FS_MEM) emit_alu_mi(e, 4, ALU_OR, m_flags(), EFLAGS_CF); else emit_u8(e, 0xf9); return true;
    case 0xfc: case 0xfd:
        /* DF lives in cpu->eflags only (host DF stays 0) */
        materialize(g);
        if (op == 0xfc)
            emit_alu_mi(e, 4, ALU_AND, m_eflags(), (int32_t)~EFLAGS_DF);
        else
            emit_alu_mi(e, 4, ALU_OR, m_eflags(), EFLAGS_DF);
        return true;
    case 0xf6: case 0xf7: {
        unsigned size = op == 0xf6 ? 1 : sz;
        switch (in->reg) {
        case 0: case 1: return gen_test(g, in, size, true);
        case 2: case 3: return gen_notneg(g, in, size, in->reg);
        default: return op == 0xf7 && sz == 4 ? gen_muldiv(g, in) : false;
        }
    }
    case 0xfe: return in->reg <= 1 ? gen_incdec(g, in, 1, in->reg == 1, -1) : false;
    case 0xff:
        switch (in->reg) {
        case 0: case 1: return gen_incdec(g, in, sz, in->reg == 1, -1);
        case 2: return gen_indirect(g, in, true);
        case 4: return gen_indirect(g, in, false);
        case 6: return gen_push_mem(g, in);
        default: return false;
        }
    default:
        return false;
    }
}

/* ---- block assembly ------------------------------------------------------------- */

static void emit_side_exits(Gen *g)
{
    for (int k = 0; k < g->nside; k++) {
        SideExit *x = &g->side[k];
        emit_patch(x->site, g->e.p);
        g->fs = x->fs;
        g->rc = x->rc;
        flags_for_exit(g, x->target);
        g->left_extra = x->refund;
        exit_to(g, x->target);
        g->left_extra = 0;
    }
    g->nside = 0;
}

static void emit_stubs(Gen *g)
{
    Emit *e = &g->e;
    for (int k = 0; k < g->nstubs; k++) {
        Stub *s = &g->stubs[k];
        if (!s->nfrom)
            continue;
        for (int f = 0; f < s->nfrom; f++)
            emit_patch(s->from[f], e->p);
        if (s->replay) {
            g->fs = FS_REPLAY;
            g->rc = s->rc;
            materialize(g);
        }
        g->fs = FS_MEM;
        g->left_extra = s->left_extra;
        call_helper(g, s->insn);
        g->left_extra = 0;
        if (s->x87)
            x87_load(g);
        if (!s->resume) {
            emit_jmp_to(e, g->j->epi_early);
            continue;
        }
        if (s->fs_after == FS_HOST)
            host_flags_from_mem(g);
        emit_jmp_to(e, s->resume);
    }
}

/* Decode the block's instructions into g->ins; false if none fits. */
static bool form_block(Gen *g, uint32_t phys)
{
    int njcc = 0;
    CpuState *cpu = g->cpu;
    uint32_t eip = cpu->eip;
    uint32_t page_left = PAGE_SIZE - (phys & (PAGE_SIZE - 1));
    uint32_t off = 0;
    g->n = 0;
    while (g->n < MAX_BLOCK_INSNS) {
        Insn *in = &g->ins[g->n];
        if (g->n == 0) {
            decode_insn(cpu, in);         /* the first one may raise: that is the guest's fault */
        } else if (!decode_probe(cpu, eip, in)) {
            break;
        }
        if (off + in->len > page_left) {
            if (g->n == 0) {
                g->n = 1;                /* alone in its block, tied to both pages */
                g->xlen = in->len;
                return true;
            }
            break;
        }
        off += in->len;
        g->n++;
        /* a forward conditional branch does not end the block: it goes on
         * along the fall-through, the taken side is a side exit. A backward
         * one (a loop, usually taken; a self-loop gets its loop copy) does */
        if (is_jcc(in) && g->code32 && njcc < MAX_SIDE_EXITS && g->n < MAX_BLOCK_INSNS &&
            !(in->op->flags & (OPF_MODE | OPF_UD)) && rel_target(g, in) > in->eip) {
            njcc++;
        } else if (in->op->flags & (OPF_ENDS_BLOCK | OPF_MODE | OPF_UD)) {
            break;
        }
        uint32_t nx = next_eip(g, in);
        if (nx < eip || off >= page_left)
            break;                       /* 16-bit wrap, or the page ends */
        eip = nx;
    }
    return g->n > 0;
}

static void liveness(Gen *g)
{
    uint32_t live = FL_ALL;              /* refined per exit in codegen */
    g->live[g->n] = live;
    uint32_t written = 0, undef = 0;
    for (int i = g->n - 1; i >= 0; i--) {
        uint32_t rd, wr, un;
        insn_flag_use(&g->ins[i], &rd, &wr, &un);
        live = rd | (live & ~wr);
        if (i < g->n - 1 && is_jcc(&g->ins[i]))
            live |= succ_live(g, rel_target(g, &g->ins[i]));   /* its side exit */
        g->live[i] = live;
    }
    for (int i = 0; i < g->n; i++) {
        uint32_t rd, wr, un;
        insn_flag_use(&g->ins[i], &rd, &wr, &un);
        undef = (undef & ~wr) | un;
        written |= wr;
    }
    g->b->flags_undef = undef;
    g->b->flags_written = written;
}

/* The block's instructions, from the entry state (flags in memory). */
static void gen_body(Gen *g)
{
    Jit *j = g->j;
    Emit *e = &g->e;
    g->fs = g->in_loop ? FS_REPLAY : FS_MEM;
    g->rc = g->loop_rc;
    if (!g->in_loop)
        g->rc.valid = false;
    g->x87res = false;
    g->ended = false;
    for (int i = 0; i < g->n && !g->ended; i++) {
        g->cur = i;
        const Insn *in = &g->ins[i];
        /* flags left to a recipe: recreate them unless this instruction
         * copes with FS_REPLAY and keeps the recipe's registers */
        uint8_t wr = insn_regs_written(in);
        bool safe = replay_safe(in);
        if (g->fs == FS_REPLAY && !(g->live[i] & FL_ALL))
            g->fs = FS_MEM;                       /* dead: nothing to recreate */
        if (g->fs == FS_REPLAY && (!safe || (flag_free(in) && (wr & g->rc.mask))))
            replay(g);
        g->replay_ok = safe && g->rc.valid && (!flag_free(in) || !(wr & g->rc.mask));
        g->rc_set = false;
        Emit save = *e;
        int nstubs = g->nstubs;
        int fs = g->fs;
        Recipe rc = g->rc;
        bool x87res = g->x87res;
        bool ok = gen_insn(g, in);
        if (ok && !e->bad && !g->rc_set && (!flag_free(in) || (wr & g->rc.mask))) {
            g->rc.valid = false;
            if (g->fs == FS_REPLAY)
                g->fs = FS_HOST;                  /* only when the flags are dead */
        }
        if (!ok || e->bad) {
            *e = save;                   /* drop any partial inline code */
            g->nstubs = nstubs;
            g->fs = fs;
            g->rc = rc;
            g->x87res = x87res;
            g->ended = false;
            materialize(g);
            g->rc.valid = false;
            call_helper(g, i);
            if (!g->second)
                j->st.helper_insns++;
            if (i < 64)
                g->helper_mask |= 1ull << i;
            if (in->op->flags & (OPF_ENDS_BLOCK | OPF_MODE)) {
                /* a control transfer that returned 0 (e.g. to the next EIP) */
                emit_jmp_to(e, j->epi_normal);
                g->ended = true;
            }
        } else if (!g->second) {
            j->st.inline_insns++;
        }
    }
    if (!g->ended) {
        uint32_t nx = next_eip(g, &g->ins[g->n - 1]);
        flags_for_exit(g, nx);
        exit_to(g, nx);
    }
}

Block *translate_block(Jit *j, uint32_t phys, uint32_t key)
{
    CpuState *cpu = j->cpu;
    if (cache_page_hot_smc(j, phys))
        return NULL;                     /* rewritten all the time: interpret */
    if (j->buf_used + MAX_BLOCK_CODE > CODE_BUF_SIZE || j->nblocks >= BLOCK_POOL ||
        j->ninsns + MAX_BLOCK_INSNS > INSN_POOL || j->npages >= BLOCK_POOL)
        cache_flush(j);
    static Gen gen;
    Gen *g = &gen;
    memset(g, 0, sizeof *g);
    g->j = j;
    g->cpu = cpu;
    g->key = key;
    g->cs_base = cpu->seg[SEG_CS].base;
    g->code32 = code32(cpu);
    g->stack32 = stack32(cpu);
    g->cs_flat = cpu->seg[SEG_CS].limit == 0xffffffffu;
    g->cpl = cpu->cpl;
    g->flat = cpu->in->seg_flat;
    g->tlb_off = IN_OFF(tlb_set) + (cpu->cpl == 3 ? (int32_t)sizeof(cpu->in->tlb_set[0]) : 0);
    g->ins = &j->insns[j->ninsns];
    Block *b = &j->blocks[j->nblocks];
    memset(b, 0, sizeof *b);
    g->b = b;
    b->eip = cpu->eip;
    b->cs_base = g->cs_base;
    b->lin = g->cs_base + cpu->eip;
    b->key = key;
    b->phys = phys;
    if (!form_block(g, phys))
        return NULL;
    if (g->xlen) {
        uint32_t first = PAGE_SIZE - (phys & (PAGE_SIZE - 1));
        uint32_t p2 = cpu_translate(cpu, (b->lin & PAGE_MASK) + PAGE_SIZE, false) &
                      mem_a20_mask(cpu->mem);
        /* phys2 == 0 means "no second page": a tail in page 0 is interpreted */
        if (!p2 || !mem_host_ptr(cpu->mem, p2, false) || !cache_has_room(j))
            return NULL;
        b->phys2 = p2;
        b->phys2_end = p2 + (g->xlen - first);
    }
    b->ninsn = (uint16_t)g->n;
    b->insns = g->ins;
    liveness(g);

    Emit *e = &g->e;
    b->code = j->buf + j->buf_used;
    uint32_t guest_bytes = 0;
    for (int i = 0; i < g->n; i++)
        guest_bytes += g->ins[i].len;
    g->hp.ngroups = 0;
    if (!g->xlen)
        hoist_plan(g->ins, g->n, g->flat, g->stack32, &g->hp);
    JitStats st0 = j->st;
    {
        const Insn *last = &g->ins[g->n - 1];
        unsigned lop = last->opcode;
        g->loop_ok = j->chain && !g->xlen && !g->hp.ngroups &&
                     (is_jcc(last) || lop == 0xeb || lop == 0xe9);
    }
retry:
    emit_init(e, b->code, MAX_BLOCK_CODE);
    g->nstubs = 0;
    g->helper_mask = 0;
    g->second = false;
    g->in_loop = false;
    g->nloop_sites = 0;
    g->loop_rc.valid = false;
    g->left_extra = 0;
    g->nside = 0;
    /* entry: the budget (its 7 bytes become "jmp trailer" on invalidation) */
    budget_sub(e, (uint32_t)g->n);
    uint8_t *budget = emit_jcc(e, CC_S);
    if (g->hp.ngroups) {
        /* the copy with hoisted probes, then the one without */
        uint8_t *miss[HOIST_GROUPS];
        int nmiss = 0;
        gen_group_probes(g, miss, &nmiss);
        g->grouped = true;
        gen_body(g);
        for (int k = 0; k < nmiss; k++)
            emit_patch(miss[k], e->p);
        g->grouped = false;
        g->second = true;
    }
    gen_body(g);
    uint8_t *loop_budget = NULL;
    if (g->nloop_sites) {
        /* the self-loop copy: its own prologue, flags in FS_REPLAY, the
         * body unrolled so that the budget is charged once per 'unroll'
         * iterations (in memory its read-modify-write bounded small
         * loops; in R11 it is still one instruction fewer per round) */
        size_t body = emit_len(e);
        g->unroll = body <= 600 ? 4 : body <= 1200 ? 2 : 1;
        g->loop_entry = e->p;
        budget_sub(e, (uint32_t)(g->n * g->unroll));
        loop_budget = emit_jcc(e, CC_S);
        for (int k = 0; k < g->nloop_sites; k++)
            emit_patch(g->loop_sites[k], g->loop_entry);
        g->in_loop = true;
        g->second = true;
        g->nnext = 0;
        for (g->copy = 1; g->copy <= g->unroll; g->copy++) {
            for (int k = 0; k < g->nnext; k++)
                emit_patch(g->next_sites[k], e->p);
            g->nnext = 0;
            g->left_extra = (uint32_t)(g->n * (g->unroll - g->copy));
            gen_body(g);
        }
        g->left_extra = 0;
        g->in_loop = false;
    }
    emit_side_exits(g);
    emit_stubs(g);
    /* budget exhausted: give the block back; the trailer leaves */
    emit_patch(budget, e->p);
    emit_alu_ri(e, 4, ALU_ADD, H_COUNT, g->n);
    b->trailer = e->p;
    emit_store_imm(e, 4, m_cpu(CPU_OFF(eip)), b->eip);
    emit_jmp_to(e, j->epi_normal);
    b->entry2 = b->trailer2 = NULL;
    if (g->nloop_sites) {
        /* leaving from the self-loop entry: flags from the recipe first */
        emit_patch(loop_budget, e->p);
        emit_alu_ri(e, 4, ALU_ADD, H_COUNT, g->n * g->unroll);
        b->trailer2 = e->p;
        g->fs = FS_REPLAY;
        g->rc = g->loop_rc;
        materialize(g);
        emit_jmp_to(e, b->trailer);
        b->entry2 = g->loop_entry;
    }
    if (e->full && (g->hp.ngroups || g->loop_ok)) {
        g->hp.ngroups = 0;                /* two copies do not fit: one */
        g->loop_ok = false;
        j->st = st0;
        goto retry;
    }
    if (e->full || e->bad)
        emu_fatal(2, "translator", "code generation failed at %08x (%s)", b->eip,
                  e->full ? "block too large" : "bad encoding");
    b->code_len = (uint32_t)emit_len(e);
    b->phys_end = g->xlen ? (phys & PAGE_MASK) + PAGE_SIZE : phys + guest_bytes;
    b->valid = true;
    j->buf_used += (b->code_len + 15) & ~15u;
    j->nblocks++;
    j->ninsns += (uint32_t)g->n;
    j->st.blocks++;
    j->st.insns += (uint64_t)g->n;
    j->st.guest_bytes += guest_bytes;
    j->st.host_bytes += b->code_len;
    cache_insert(j, b);
    if (emu_log_mask & (LOG_IN_ASM | LOG_OUT_ASM))
        jit_trace_block(j, b, g->helper_mask);
    return b;
}

/*
 * The fixed code at the start of the buffer: enter(cpu, code, ctx, in)
 * saves the host's callee-saved registers, loads the guest registers and
 * jumps to code; the epilogues store them back and return.
 */
void codegen_stubs(Jit *j)
{
    Emit e;
    emit_init(&e, j->buf, 1024);
    j->enter = (void (*)(CpuState *, void *, JitCtx *, CpuInternal *))(void *)e.p;
    emit_push(&e, H_RBX);
    emit_push(&e, H_RBP);
    emit_push(&e, H_R12);
    emit_push(&e, H_R13);
    emit_push(&e, H_R14);
    emit_push(&e, H_R15);
    emit_alu_ri(&e, 8, ALU_SUB, H_RSP, 8);      /* 16-byte aligned calls */
    emit_mov_rr(&e, 8, H_R15, H_RDI);
    emit_mov_rr(&e, 8, H_R12, H_RDX);
    emit_mov_rr(&e, 8, H_R14, H_RCX);
    emit_mov_rr(&e, 8, H_R10, H_RSI);
    load_regs(&e);
    emit_load(&e, 4, H_COUNT, mem_bd(H_R12, CTX_OFF(countdown)));
    emit_jmp_r(&e, H_R10);
    /* x87_spill: called (flags in MEM, stack 8 off 16) when ctx.x87_host */
    static const uint8_t fxsave[2] = { 0x0f, 0xae };
    j->x87_spill = e.p;
    emit_op_rm(&e, 4, fxsave, 2, 0, mem_bd(H_R12, CTX_OFF(fx)));
    emit_u8(&e, 0xdb);                   /* FNINIT: the host stack empty again */
    emit_u8(&e, 0xe3);
    store_regs(&e);
    emit_alu_ri(&e, 8, ALU_SUB, H_RSP, 8);
    emit_mov_rr(&e, 8, H_RDI, H_R15);
    emit_lea(&e, 8, H_RSI, mem_bd(H_R12, CTX_OFF(fx)));
    call_host(&e, (const void *)jit_fx_to_x87);
    emit_alu_ri(&e, 8, ALU_ADD, H_RSP, 8);
    load_regs(&e);
    emit_store_imm(&e, 1, mem_bd(H_R12, CTX_OFF(x87_host)), 0);
    emit_ret(&e);
    /* epi_normal: every block instruction ran (left = 0) */
    j->epi_normal = e.p;
    emit_store_imm(&e, 4, mem_bd(H_R12, CTX_OFF(left)), 0);
    j->epi_early = e.p;
    emit_store(&e, 4, mem_bd(H_R12, CTX_OFF(countdown)), H_COUNT);
    emit_alu_mi(&e, 1, ALU_CMP, mem_bd(H_R12, CTX_OFF(x87_host)), 0);
    uint8_t *no_x87 = emit_jcc(&e, CC_E);
    uint8_t *call = e.p;
    emit_u8(&e, 0xe8);
    emit_u32(&e, (uint32_t)(j->x87_spill - (call + 5)));
    emit_patch(no_x87, e.p);
    store_regs(&e);
    emit_alu_ri(&e, 8, ALU_ADD, H_RSP, 8);
    emit_pop(&e, H_R15);
    emit_pop(&e, H_R14);
    emit_pop(&e, H_R13);
    emit_pop(&e, H_R12);
    emit_pop(&e, H_RBP);
    emit_pop(&e, H_RBX);
    emit_ret(&e);
    j->code_start = j->buf + ((emit_len(&e) + 63) & ~(size_t)63);
    j->buf_used = (size_t)(j->code_start - j->buf);
}
