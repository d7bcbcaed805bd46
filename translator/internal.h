/*
 * translator/internal.h - what the files of translator/ share: the block
 * and code cache structures, the run-time context generated code reaches
 * through R12, the host register assignment and the helper entry points.
 *
 * Host registers inside generated code (fixed for the whole cache, so
 * chained blocks agree without any shuffling):
 *
 *   guest EAX ECX EDX EBX ESP EBP ESI EDI
 *   host  RAX RCX RDX RBX R13 RBP RSI RDI     (identity except ESP)
 *
 *   R15 = CpuState *, R14 = CpuInternal *, R12 = JitCtx *,
 *   R11 = the budget (ctx.countdown, kept there across C calls and at
 *   exits: a counter in memory made every block's prologue a
 *   read-modify-write chained to the last one's by store forwarding),
 *   R8-R10 scratch.
 *
 * The identity mapping lets guest byte registers AH..BH stay encodable
 * (without REX) and guest CL drive host shifts directly. Guest registers
 * live only in host registers while translated code runs; they are stored
 * to cpu->regs around every helper call and at every exit.
 */
#ifndef TRANSLATOR_INTERNAL_H
#define TRANSLATOR_INTERNAL_H

#include "translator/jit.h"
#include "translator/emit.h"
#include "cpu/sys.h"

#define H_CPU H_R15
#define H_IN  H_R14
#define H_CTX H_R12
#define H_COUNT H_R11        /* ctx.countdown while translated code runs */

extern const int8_t guest_hreg[8];

#define CODE_BUF_SIZE   (32u << 20)
#define INSN_POOL       (512u << 10)
#define BLOCK_POOL      (256u << 10)
#define MAX_BLOCK_INSNS 48
#define MAX_SIDE_EXITS  3              /* conditional branches a block goes on past */
#define MAX_BLOCK_CODE  (16u << 10)   /* host bytes one block may need at most */
#define BLOCK_HASH      (1u << 16)
#define PAGE_HASH       (1u << 12)
#define JC_PAGES        64             /* jump cache: 64 slots x 64 entries */
#define JC_SIZE         (JC_PAGES * 64)

/* Guest arithmetic flags (CF PF AF ZF SF OF), as EFLAGS bits. */
#define FL_ALL FLAGS_ARITH

typedef struct Block {
    uint32_t phys;            /* physical address of the first guest byte */
    uint32_t phys_end;        /* one past the last byte in the first page */
    uint32_t phys2;           /* an instruction crossing pages: the second page's
                                 physical address, else 0 */
    uint32_t phys2_end;       /* one past its last byte there */
    uint32_t eip, cs_base, key;
    uint32_t lin;             /* cs_base + eip when translated */
    uint16_t ninsn;
    bool valid;
    uint8_t *code;            /* entry point (the patchable prologue) */
    uint8_t *trailer;         /* where an invalidated entry jumps */
    uint8_t *entry2;          /* the self-loop entry (codegen.c), or NULL */
    uint8_t *trailer2;        /* where entry2 jumps once invalidated */
    uint32_t code_len;
    Insn *insns;              /* the decoded instructions, for helpers */
    uint32_t flags_undef;     /* flags the block leaves undefined (lockstep) */
    uint32_t flags_written;   /* flags it defines or leaves undefined */
    struct Block *hash_next;
    struct Block *page_next;
} Block;

/* One jump-cache entry: linear EIP + key + CS base -> host code. key and
 * cs_base are adjacent so generated code compares them as one qword. */
typedef struct JcEntry {
    uint32_t lin;
    uint32_t key;
    uint32_t cs_base;
    uint32_t pad;
    uint8_t *code;
} JcEntry;

/* Block-entry TLB probes shared by several accesses (hoist.c). */
#define HOIST_GROUPS 8
#define HOIST_SPAN   2048           /* bytes one group may cover */

typedef struct HoistGroup {
    int8_t base, index;       /* guest registers as at block entry, -1: none */
    uint8_t scale;            /* index * 2^scale */
    bool read, write;
    uint16_t accesses;
    uint32_t lo, span;        /* bytes [base + index*2^scale + lo, + span) */
} HoistGroup;

typedef struct HoistPlan {
    int ngroups;
    HoistGroup g[HOIST_GROUPS];
    int8_t mem[MAX_BLOCK_INSNS];     /* group of an instruction's ModRM/moffs access, -1 */
    int8_t stack[MAX_BLOCK_INSNS];   /* group of its stack access, -1 */
    uint8_t msize[MAX_BLOCK_INSNS];  /* the ModRM access's size as planned */
} HoistPlan;

/* The run-time context generated code reads and writes through R12. */
typedef struct JitCtx {
    int32_t countdown;        /* instructions left in this slice (in R11 while
                                 translated code runs; here across C calls) */
    int32_t left;             /* block instructions not started at an early exit */
    uint8_t *chain_site;      /* rel32 of the exit that asks to be chained */
    uint32_t key;             /* key of the blocks being run */
    uint32_t smc;             /* code was invalidated while translated code ran */
    uint32_t tmp;             /* a value kept across a TLB probe */
    uint64_t helper_calls;    /* counted by the helper wrapper */
    int32_t interp;           /* instructions the run loop must interpret next */
    uint8_t x87_host;         /* the host's x87 holds the guest's (codegen gen_x87) */
    uintptr_t gaddend[HOIST_GROUPS];  /* host addends of the running block's groups */
    _Alignas(16) uint8_t fx[512];  /* FXSAVE image: the guest x87 in the host's */
    JcEntry jc[JC_SIZE];
} JitCtx;

typedef struct PageInfo {
    uint32_t page;            /* physical page address */
    Block *blocks;
    uint32_t xrefs;           /* page-crossing blocks whose tail is here */
    uint32_t smc;             /* blocks here invalidated by writes */
    struct PageInfo *next;
} PageInfo;

typedef struct JitStats {
    uint64_t blocks, insns, host_bytes, guest_bytes;
    uint64_t chains, flushes, smc_invalidations, smc_exits;
    uint64_t dispatches, interp_steps, inline_insns, helper_insns;
    uint64_t lockstep_blocks, lockstep_skipped;
} JitStats;

struct Jit {
    JitCtx ctx;
    CpuState *cpu;
    bool lockstep;
    bool chain;               /* direct chaining enabled (off under lockstep) */
    bool bmi2;                /* the host has BMI2 (RORX in TLB probes) */
    bool lockstep_failed;
    bool running;             /* translated code is on the host stack */
    int64_t run_slice;        /* countdown given to the current run */

    uint8_t *buf;             /* the code cache (RWX) */
    size_t buf_used;
    uint8_t *code_start;      /* first block byte, after the fixed stubs */
    void (*enter)(CpuState *cpu, void *code, JitCtx *ctx, CpuInternal *in);
    uint8_t *epi_normal;      /* exit: guest state in host regs, EIP in cpu */
    uint8_t *epi_early;       /* the same, ctx->left already set */
    uint8_t *x87_spill;       /* subroutine: the guest x87 back from the host's */

    Block *blocks;
    uint32_t nblocks;
    Insn *insns;
    uint32_t ninsns;
    Block *hash[BLOCK_HASH];
    PageInfo *pages[PAGE_HASH];
    PageInfo *page_pool;
    uint32_t npages;

    Block *jc_block[JC_SIZE]; /* the block of each jump-cache entry */
    Block *xblocks[256];      /* blocks that cross into a second page */
    uint32_t nxblocks;
    uint8_t *pending_chain;   /* exit asking to be chained to the next block */
    uint32_t pending_eip;

    JitStats st;
    uint32_t tlb_flushes;     /* TLB flushes seen (helpers compare) */
    uint32_t undef_running;   /* lockstep: flags currently undefined */
};

/* ---- cache.c ------------------------------------------------------------------ */
void cache_init(Jit *j);
void cache_destroy(Jit *j);
void cache_flush(Jit *j);
Block *cache_lookup(Jit *j, uint32_t phys, uint32_t eip, uint32_t cs_base, uint32_t key);
/* Code in this page keeps being rewritten: interpret it instead. */
bool cache_page_hot_smc(Jit *j, uint32_t phys);
#define SMC_INTERPRET 32             /* invalidations before a page is left to the interpreter */
void cache_insert(Jit *j, Block *b);
bool cache_has_room(const Jit *j);
void cache_invalidate_range(Jit *j, uint32_t phys, uint32_t len);
void cache_invalidate_block(Jit *j, Block *b);
void jc_flush(Jit *j);
void jc_put(Jit *j, Block *b);
void jc_flush_page(Jit *j, uint32_t lin);
static inline uint32_t jc_index(uint32_t lin)
{
    return ((lin >> 6) & 0xfc0u) | ((lin ^ (lin >> 6)) & 63u);
}

/* ---- codegen.c ------------------------------------------------------------------ */
/* Translate the block at the current CS:EIP (physical 'phys'); NULL if it
 * cannot be translated (the caller interprets one instruction). */
Block *translate_block(Jit *j, uint32_t phys, uint32_t key);
void codegen_stubs(Jit *j);   /* enter trampoline and epilogues at buf start */
/* Flags an instruction reads and writes (FL_* bits), conservatively. */
void insn_flag_use(const Insn *in, uint32_t *rd, uint32_t *wr, uint32_t *undef);

/* ---- hoist.c --------------------------------------------------------------------- */
void hoist_plan(const Insn *ins, int n, uint8_t flat, bool stack32, HoistPlan *p);
/* Guest registers an instruction may write (bits by R_*; 0xff: unknown). */
uint8_t insn_regs_written(const Insn *in);

/* ---- run.c ---------------------------------------------------------------------- */
extern Jit *jit_current;      /* the translator of the running CPU */
uint32_t jit_key(const CpuState *cpu);
int jit_helper_insn(CpuState *cpu, const Insn *i);
int jit_helper_fpu(CpuState *cpu, const Insn *i);
void jit_x87_to_fx(CpuState *cpu, uint8_t *fx);
void jit_fx_to_x87(CpuState *cpu, const uint8_t *fx);
void jit_trace_block(Jit *j, const Block *b, uint64_t helper_mask);

/* ---- lockstep.c ----------------------------------------------------------------- */
CpuExit lockstep_exec(Jit *j, int64_t budget);
CpuExit jit_finish(CpuState *cpu, CpuExit why);
bool jit_needs_step(const CpuState *cpu);
/* Run one block translated, with no chaining; returns instructions done. */
int64_t jit_run_one_block(Jit *j, Block *b);
Block *jit_find_block(Jit *j);

#endif
