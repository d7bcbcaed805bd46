/*
 * tests/test_string_fast.c - the bulk runs of REP MOVS/STOS/LODS/SCAS/CMPS
 * (cpu/ops_string.c) against element-by-element semantics.
 *
 * Most scenarios run twice on identical fresh machines: once as they are,
 * and once with a data breakpoint armed on a page no test touches, which
 * turns bulk runs off so that every iteration takes the ordinary path
 * (segment check, TLB, slow path). Registers, EIP, EFLAGS, CR2, where the
 * CPU stopped and all of RAM must then match. The focused tests also check
 * the expected values themselves: overlapping copies against a C model,
 * faults at unmapped pages and segment limits (ECX/EDI/CR2 naming the
 * element that faulted), 16-bit index wrap, ECX=0, resumption after a
 * chunk, a pending interrupt, ROM and unmapped memory.
 *
 * Layout (physical = linear; paging, when on, identity-maps 0-4 MiB):
 *   0x000000 IDT (protected mode) or IVT (real mode)
 *   0x001000 GDT          0x003000 page directory   0x004000 page table
 *   0x008000 handlers: a HLT at 0x8000 + 4 * vector
 *   0x010000 code (CS 0x08 flat, or real-mode CS 1000)
 *   0x070000 stack top    0x080000-0x3effff data
 *   0x3ff000 the breakpoint's page (never touched)
 *   0x400000 ROM (64 KiB) when a case asks for it; unmapped above
 */
#include <check.h>

#include "cpu/cpu.h"

#define RAM_SIZE (4u << 20)
#define GDT 0x1000u
#define PD 0x3000u
#define PT 0x4000u
#define HANDLER(v) (0x8000u + 4u * (v))
#define CODE 0x10000u
#define STACK 0x70000u
#define DATA_LO 0x80000u
#define DATA_HI 0x3f0000u
#define WATCH 0x3ff000u
#define ROM_BASE 0x400000u
#define ROM_SIZE 0x10000u

enum { VEC_GP = 13, VEC_PF = 14, VEC_INTR = 0x20 };
enum { PG_P = 1, PG_RW = 2 };

/* Opcodes of the byte forms; the word/dword form is the next opcode. */
enum { OP_MOVS = 0xa4, OP_CMPS = 0xa6, OP_STOS = 0xaa, OP_LODS = 0xac, OP_SCAS = 0xae };
enum { REP = 0xf3, REPNE = 0xf2 };

/* flags == 0: the default (flat 4 GiB data in protected mode, real-mode
 * segment with the reset limit 0xFFFF in real mode). */
typedef struct SegSpec {
    uint32_t base, limit;
    uint16_t flags;          /* SegCache.flags: access byte, G/B nibble << 12 */
} SegSpec;

typedef struct Case {
    bool real;               /* real mode, 16-bit code; else flat 32-bit ring 0 */
    bool paging;             /* protected mode: identity map of 0-4 MiB */
    uint32_t hole;           /* with paging: a page left not present (0: none) */
    bool rom;                /* map ROM at ROM_BASE */
    bool sti_intr;           /* INTR is asserted (the code starts with STI) */
    SegSpec ds, es;
    uint8_t insn[8];         /* the string instruction (HLT follows) */
    unsigned len;
    uint32_t eax, ecx, esi, edi;
    bool df, tf;
    /* before the run: copy (or, if copy_src is 0, fill with prep_byte)
     * prep_len bytes at prep_dst, then flip the byte at prep_dst + poke */
    uint32_t prep_dst, prep_len, copy_src, poke;
    uint8_t prep_byte;
} Case;

typedef struct Rig {
    AddrSpace *mem, *io;
    uint8_t *ram, *rom;
    CpuState *cpu;
} Rig;

static void wr16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void wr32(uint8_t *p, uint32_t v) { wr16(p, (uint16_t)v); wr16(p + 2, (uint16_t)(v >> 16)); }
static uint32_t rd32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static int fake_intack(void *opaque)
{
    CpuState *cpu = opaque;
    cpu->intr_line = false;
    return VEC_INTR;
}

/* Deterministic bytes, the same for both runs of a case: a pseudo-random
 * block of 69,997 bytes (not a multiple of any element or page size),
 * repeated. */
static void fill_pattern(uint8_t *p, uint32_t len, uint32_t seed)
{
    uint32_t x = seed | 1, block = len < 69997 ? len : 69997;
    for (uint32_t i = 0; i < block; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        p[i] = (uint8_t)(x >> 11);
    }
    for (uint32_t at = block; at < len; at += block)
        memcpy(p + at, p, len - at < block ? len - at : block);
}

static void set_seg(CpuState *cpu, int seg, const SegSpec *s, bool real)
{
    SegCache *c = &cpu->seg[seg];
    if (real) {
        cpu_set_seg_real(cpu, seg, (uint16_t)(s->base >> 4));
        if (s->limit)
            c->limit = s->limit;                /* unreal mode */
        return;
    }
    c->sel = 0x10;
    c->base = s->flags ? s->base : 0;
    c->limit = s->flags ? s->limit : 0xffffffffu;
    c->flags = s->flags ? s->flags : 0xc093;
}

static void setup_tables(Rig *r, const Case *c)
{
    for (unsigned v = 0; v < 256; v++) {
        r->ram[HANDLER(v)] = 0xf4;
        if (c->real) {
            wr16(r->ram + 4 * v, (uint16_t)(4 * v));
            wr16(r->ram + 4 * v + 2, HANDLER(0) >> 4);
        } else {
            uint8_t *g = r->ram + 8 * v;          /* 32-bit interrupt gate */
            wr16(g, (uint16_t)HANDLER(v));
            wr16(g + 2, 0x08);
            g[5] = 0x8e;
            wr16(g + 6, 0);
        }
    }
    /* GDT[1]: flat 32-bit code, GDT[2]: flat data */
    wr32(r->ram + GDT + 8, 0x0000ffff);
    wr32(r->ram + GDT + 12, 0x00cf9b00);
    wr32(r->ram + GDT + 16, 0x0000ffff);
    wr32(r->ram + GDT + 20, 0x00cf9300);
    for (uint32_t i = 0; i < 1024; i++)
        wr32(r->ram + PT + 4 * i, i << 12 | PG_P | PG_RW);
    wr32(r->ram + PD, PT | PG_P | PG_RW);
    if (c->hole)
        wr32(r->ram + PT + 4 * (c->hole >> 12), 0);
}

static void setup_cpu(Rig *r, const Case *c)
{
    CpuState *cpu = r->cpu;
    cpu->idtr.base = 0;
    if (c->real) {
        cpu->idtr.limit = 0x3ff;
        cpu_set_seg_real(cpu, SEG_CS, CODE >> 4);
        cpu_set_seg_real(cpu, SEG_SS, STACK >> 4);
        cpu->eip = 0;
        cpu->regs[R_ESP] = 0xfffe;
    } else {
        cpu->gdtr.base = GDT;
        cpu->gdtr.limit = 3 * 8 - 1;
        cpu->idtr.limit = 256 * 8 - 1;
        cpu->cr[0] |= CR0_PE;
        cpu->seg[SEG_CS] = (SegCache){ 0x08, 0, 0xffffffffu, 0xc09b };
        cpu->seg[SEG_SS] = (SegCache){ 0x10, 0, 0xffffffffu, 0xc093 };
        cpu->eip = CODE;
        cpu->regs[R_ESP] = STACK;
        if (c->paging) {
            cpu->cr[3] = PD;
            cpu->cr[0] |= CR0_PG;
        }
    }
    set_seg(cpu, SEG_DS, &c->ds, c->real);
    set_seg(cpu, SEG_ES, &c->es, c->real);
    cpu->regs[R_EAX] = c->eax;
    cpu->regs[R_ECX] = c->ecx;
    cpu->regs[R_ESI] = c->esi;
    cpu->regs[R_EDI] = c->edi;
    cpu->regs[R_EBX] = 0x12345678;
    cpu_set_eflags(cpu, (c->df ? EFLAGS_DF : 0) | (c->tf ? EFLAGS_TF : 0));
    cpu->intack = fake_intack;
    cpu->intack_opaque = cpu;
    cpu->intr_line = c->sti_intr;
}

/* A fresh machine for 'c'. reference: bulk runs off (see the file header). */
static Rig *rig_new(const Case *c, bool reference)
{
    Rig *r = calloc(1, sizeof *r);
    r->mem = addr_space_new(ADDR_SPACE_MEM);
    r->io = addr_space_new(ADDR_SPACE_IO);
    r->ram = calloc(1, RAM_SIZE);
    mem_map_ram(r->mem, 0, RAM_SIZE, r->ram);
    if (c->rom) {
        r->rom = malloc(ROM_SIZE);
        fill_pattern(r->rom, ROM_SIZE, 0x5eed);
        mem_map_rom(r->mem, ROM_BASE, ROM_SIZE, r->rom);
    }
    mem_set_a20(r->mem, true);
    r->cpu = cpu_create(r->mem, r->io);
    fill_pattern(r->ram + DATA_LO, DATA_HI - DATA_LO, 0xc0ffee);
    fill_pattern(r->ram + 0x20000, 0x40000, 0xbeef);        /* real-mode data */
    if (c->prep_len) {
        ck_assert(c->prep_dst >= 0x20000 && c->prep_dst + c->prep_len <= DATA_HI);
        if (c->copy_src)
            memmove(r->ram + c->prep_dst, r->ram + c->copy_src, c->prep_len);
        else
            memset(r->ram + c->prep_dst, c->prep_byte, c->prep_len);
        if (c->poke < c->prep_len)
            r->ram[c->prep_dst + c->poke] ^= 0x41;
    }
    setup_tables(r, c);
    uint8_t *code = r->ram + CODE;
    unsigned at = 0;
    if (c->sti_intr)
        code[at++] = 0xfb;
    memcpy(code + at, c->insn, c->len);
    code[at + c->len] = 0xf4;
    setup_cpu(r, c);
    if (reference) {
        r->cpu->dr[0] = WATCH;
        r->cpu->dr[7] = 0x00010001;             /* L0, break on writes, 1 byte */
    }
    cpu_state_loaded(r->cpu);
    return r;
}

static void rig_free(Rig *r)
{
    cpu_free(r->cpu);
    addr_space_free(r->mem);
    addr_space_free(r->io);
    free(r->ram);
    free(r->rom);
    free(r);
}

/* Run one instruction at a time until HLT; returns the number of steps. */
static int rig_run(Rig *r)
{
    int steps = 0;
    while (!r->cpu->halted && steps < 1000000) {
        cpu_exec(r->cpu, 1);
        steps++;
    }
    ck_assert(r->cpu->halted);
    return steps;
}

static void assert_same(Rig *a, Rig *b, const char *what)
{
    CpuState *x = a->cpu, *y = b->cpu;
    for (int i = 0; i < 8; i++)
        ck_assert_msg(x->regs[i] == y->regs[i], "%s: reg %d %08x, element-wise %08x",
                      what, i, x->regs[i], y->regs[i]);
    ck_assert_msg(x->eip == y->eip, "%s: eip %08x vs %08x", what, x->eip, y->eip);
    ck_assert_msg(x->seg[SEG_CS].sel == y->seg[SEG_CS].sel, "%s: cs", what);
    ck_assert_msg(cpu_get_eflags(x) == cpu_get_eflags(y), "%s: eflags %08x vs %08x", what,
                  cpu_get_eflags(x), cpu_get_eflags(y));
    ck_assert_msg(x->cr[2] == y->cr[2], "%s: cr2 %08x vs %08x", what, x->cr[2], y->cr[2]);
    if (memcmp(a->ram, b->ram, RAM_SIZE) != 0) {
        uint32_t p = 0;
        while (a->ram[p] == b->ram[p])
            p++;
        ck_abort_msg("%s: RAM differs at %06x: %02x vs %02x", what, p, a->ram[p], b->ram[p]);
    }
}

/* Run 'c' with and without bulk runs; the bulk rig is returned for further
 * checks (the caller frees it). */
static Rig *run_both(const Case *c, const char *what)
{
    Rig *bulk = rig_new(c, false), *ref = rig_new(c, true);
    rig_run(bulk);
    rig_run(ref);
    assert_same(bulk, ref, what);
    rig_free(ref);
    return bulk;
}

static void check_both(const Case *c, const char *what)
{
    rig_free(run_both(c, what));
}

/* The instruction bytes: operand size 1/2/4, rep prefix or 0, and the
 * address size (2 or 4) for the code's default size. */
static void set_insn(Case *c, uint8_t op, unsigned size, uint8_t rep, unsigned addrsize)
{
    unsigned def = c->real ? 2 : 4;
    c->len = 0;
    if (size > 1 && size != def)
        c->insn[c->len++] = 0x66;
    if (addrsize != def)
        c->insn[c->len++] = 0x67;
    if (rep)
        c->insn[c->len++] = rep;
    c->insn[c->len++] = (uint8_t)(size > 1 ? op + 1 : op);
}

/* The CPU ended in the handler of 'vector' after a fault: the frame holds
 * the string instruction's address (protected mode, error code pushed). */
static void assert_fault(Rig *r, unsigned vector, uint32_t error_code)
{
    CpuState *cpu = r->cpu;
    ck_assert_uint_eq(cpu->eip, HANDLER(vector) + 1);
    ck_assert_uint_eq(rd32(r->ram + cpu->regs[R_ESP]), error_code);
    ck_assert_uint_eq(rd32(r->ram + cpu->regs[R_ESP] + 4), CODE);
}

/* The instruction completed and the HLT after it ran. */
static void assert_done(Rig *r, const Case *c)
{
    ck_assert_uint_eq(r->cpu->eip, (c->real ? 0 : CODE) + c->len + 1);
}

/* MOVS element by element on a byte array: the architectural definition. */
static void model_movs(uint8_t *mem, uint32_t src, uint32_t dst, uint32_t n, unsigned size,
                       bool down)
{
    for (uint32_t i = 0; i < n; i++) {
        uint8_t t[4];
        memcpy(t, mem + src, size);
        memcpy(mem + dst, t, size);
        src += down ? -size : size;
        dst += down ? -size : size;
    }
}

/* ---- overlapping MOVS ---------------------------------------------------------- */

START_TEST(string_fast_movsb_overlap_replicates)
{
    Case c = { .esi = 0x100ff0, .edi = 0x100ff1, .ecx = 5000 };
    set_insn(&c, OP_MOVS, 1, REP, 4);
    Rig *r = run_both(&c, "rep movsb di=si+1");
    assert_done(r, &c);
    uint8_t first = r->ram[0x100ff0];
    for (uint32_t i = 0; i <= 5000; i++)
        ck_assert_uint_eq(r->ram[0x100ff0 + i], first);
    ck_assert_uint_eq(r->cpu->regs[R_ESI], 0x100ff0 + 5000);
    ck_assert_uint_eq(r->cpu->regs[R_EDI], 0x100ff1 + 5000);
    ck_assert_uint_eq(r->cpu->regs[R_ECX], 0);
    rig_free(r);

    /* DF=1, DI = SI-1: the byte at SI spreads downwards */
    c = (Case){ .esi = 0x102010, .edi = 0x10200f, .ecx = 5000, .df = true };
    set_insn(&c, OP_MOVS, 1, REP, 4);
    r = run_both(&c, "std; rep movsb di=si-1");
    first = r->ram[0x102010];
    for (uint32_t i = 0; i <= 5000; i++)
        ck_assert_uint_eq(r->ram[0x102010 - i], first);
    ck_assert_uint_eq(r->cpu->regs[R_EDI], 0x10200f - 5000);
    rig_free(r);
}
END_TEST

/* Every small source/destination distance, both directions, all sizes,
 * against the C model (independent of the CPU's own element path). */
START_TEST(string_fast_movs_overlap_matches_model)
{
    static const unsigned sizes[] = { 1, 2, 4 };
    for (int down = 0; down < 2; down++) {
        for (unsigned s = 0; s < 3; s++) {
            for (int dist = -9; dist <= 9; dist++) {
                unsigned size = sizes[s];
                uint32_t n = 3000 / size + 7;     /* crosses page boundaries */
                uint32_t src = down ? 0x180803 : 0x140803;
                uint32_t dst = src + (uint32_t)dist;
                Case c = { .esi = src, .edi = dst, .ecx = n, .df = down };
                set_insn(&c, OP_MOVS, size, REP, 4);
                char what[64];
                snprintf(what, sizeof what, "movs size %u dist %d df %d", size, dist, down);
                Rig *r = run_both(&c, what);
                uint8_t *want = malloc(RAM_SIZE);
                memset(want, 0, RAM_SIZE);
                fill_pattern(want + DATA_LO, DATA_HI - DATA_LO, 0xc0ffee);
                model_movs(want, src, dst, n, size, down);
                uint32_t lo = (down ? dst - n * size : dst) - 16;
                ck_assert_msg(memcmp(want + lo, r->ram + lo, n * size + 40) == 0, "%s", what);
                free(want);
                rig_free(r);
            }
        }
    }
}
END_TEST

/* Two linear pages mapping one frame: the overlap is in host memory only. */
START_TEST(string_fast_movs_aliased_pages)
{
    Case c = { .paging = true, .esi = 0x200000, .edi = 0x300004, .ecx = 1000 };
    set_insn(&c, OP_MOVS, 4, REP, 4);
    Rig *bulk = rig_new(&c, false), *ref = rig_new(&c, true);
    Rig *rigs[2] = { bulk, ref };
    for (int i = 0; i < 2; i++)        /* linear 0x300000 -> frame 0x200000 */
        wr32(rigs[i]->ram + PT + 4 * 0x300, 0x200000 | PG_P | PG_RW);
    rig_run(bulk);
    rig_run(ref);
    assert_same(bulk, ref, "aliased pages");
    uint32_t first = rd32(bulk->ram + 0x200000);
    for (uint32_t i = 0; i < 1000; i++)
        ck_assert_uint_eq(rd32(bulk->ram + 0x200004 + 4 * i), first);
    rig_free(bulk);
    rig_free(ref);
}
END_TEST

/* ---- faults ------------------------------------------------------------------------- */

START_TEST(string_fast_stos_faults_at_unmapped_page)
{
    Case c = { .paging = true, .hole = 0x201000, .eax = 0xa5a5a5a5, .edi = 0x200000,
               .ecx = 0x800 };
    set_insn(&c, OP_STOS, 4, REP, 4);
    Rig *r = run_both(&c, "rep stosd into a hole");
    assert_fault(r, VEC_PF, 2);                 /* write, not present */
    ck_assert_uint_eq(r->cpu->cr[2], 0x201000);
    ck_assert_uint_eq(r->cpu->regs[R_EDI], 0x201000);
    ck_assert_uint_eq(r->cpu->regs[R_ECX], 0x400);
    ck_assert_uint_eq(rd32(r->ram + 0x200ffc), 0xa5a5a5a5);
    ck_assert_uint_ne(rd32(r->ram + 0x201000), 0xa5a5a5a5);
    rig_free(r);

    /* DF=1 from the page above, coming down into the hole */
    c.edi = 0x202010;
    c.df = true;
    r = run_both(&c, "std; rep stosd into a hole");
    assert_fault(r, VEC_PF, 2);
    ck_assert_uint_eq(r->cpu->cr[2], 0x201ffc);
    ck_assert_uint_eq(r->cpu->regs[R_EDI], 0x201ffc);
    ck_assert_uint_eq(r->cpu->regs[R_ECX], 0x800 - 5);
    rig_free(r);

    /* an element straddling into the hole: nothing of it is written */
    c = (Case){ .paging = true, .hole = 0x201000, .eax = 0xa5a5a5a5, .edi = 0x200ffa,
                .ecx = 10 };
    set_insn(&c, OP_STOS, 4, REP, 4);
    r = run_both(&c, "rep stosd straddling a hole");
    assert_fault(r, VEC_PF, 2);
    ck_assert_uint_eq(r->cpu->cr[2], 0x201000);
    ck_assert_uint_eq(r->cpu->regs[R_EDI], 0x200ffe);
    ck_assert_uint_eq(r->cpu->regs[R_ECX], 9);
    ck_assert_uint_ne(r->ram[0x200ffe] | r->ram[0x200fff] << 8, 0xa5a5);
    rig_free(r);
}
END_TEST

START_TEST(string_fast_movs_faults_at_unmapped_source)
{
    Case c = { .paging = true, .hole = 0x181000, .esi = 0x180800, .edi = 0x240000,
               .ecx = 0x1000 };
    set_insn(&c, OP_MOVS, 2, REP, 4);
    Rig *r = run_both(&c, "rep movsw from a hole");
    assert_fault(r, VEC_PF, 0);                 /* read, not present */
    ck_assert_uint_eq(r->cpu->cr[2], 0x181000);
    ck_assert_uint_eq(r->cpu->regs[R_ESI], 0x181000);
    ck_assert_uint_eq(r->cpu->regs[R_EDI], 0x240800);
    ck_assert_uint_eq(r->cpu->regs[R_ECX], 0x1000 - 0x400);
    ck_assert(memcmp(r->ram + 0x240000, r->ram + 0x180800, 0x800) == 0);
    rig_free(r);

    c.hole = 0x241000;                          /* the destination instead */
    r = run_both(&c, "rep movsw into a hole");
    assert_fault(r, VEC_PF, 2);
    ck_assert_uint_eq(r->cpu->cr[2], 0x241000);
    ck_assert_uint_eq(r->cpu->regs[R_ECX], 0x1000 - 0x800);
    rig_free(r);
}
END_TEST

START_TEST(string_fast_segment_limit_faults)
{
    /* ES limit 0x1ffe: the dword at 0x1ffc reaches 0x1fff, beyond it */
    Case c = { .es = { 0x100000, 0x1ffe, 0x4093 }, .eax = 0x11223344, .edi = 0x1000,
               .ecx = 0x1000 };
    set_insn(&c, OP_STOS, 4, REP, 4);
    Rig *r = run_both(&c, "rep stosd to the ES limit");
    assert_fault(r, VEC_GP, 0);
    ck_assert_uint_eq(r->cpu->regs[R_EDI], 0x1ffc);
    ck_assert_uint_eq(r->cpu->regs[R_ECX], 0x1000 - 0x3ff);
    ck_assert_uint_eq(rd32(r->ram + 0x101ff8), 0x11223344);
    ck_assert_uint_ne(rd32(r->ram + 0x101ffc), 0x11223344);
    rig_free(r);

    /* DS read limit on the source of MOVS */
    c = (Case){ .ds = { 0x100000, 0x5000, 0x4093 }, .esi = 0x3000, .edi = 0x200000,
                .ecx = 0x3000 };
    set_insn(&c, OP_MOVS, 1, REP, 4);
    r = run_both(&c, "rep movsb to the DS limit");
    assert_fault(r, VEC_GP, 0);
    ck_assert_uint_eq(r->cpu->regs[R_ESI], 0x5001);
    ck_assert_uint_eq(r->cpu->regs[R_ECX], 0x3000 - 0x2001);
    rig_free(r);

    /* expand-down ES (limit 0xfff, B=1): valid offsets 0x1000-0xffffffff */
    c = (Case){ .es = { 0x100000, 0xfff, 0x4097 }, .edi = 0x1010, .ecx = 100, .df = true };
    set_insn(&c, OP_STOS, 4, REP, 4);
    r = run_both(&c, "std; rep stosd to an expand-down limit");
    assert_fault(r, VEC_GP, 0);
    ck_assert_uint_eq(r->cpu->regs[R_EDI], 0xffc);
    ck_assert_uint_eq(r->cpu->regs[R_ECX], 95);
    rig_free(r);

    /* DF=1 through offset 0 of a segment whose base is not page aligned:
     * the next element (offset FFFFFFFC) is beyond the limit */
    c = (Case){ .es = { 0x100800, 0xfffff, 0x4093 }, .edi = 0x10, .ecx = 100, .df = true };
    set_insn(&c, OP_STOS, 4, REP, 4);
    r = run_both(&c, "std; rep stosd through offset 0");
    assert_fault(r, VEC_GP, 0);
    ck_assert_uint_eq(r->cpu->regs[R_EDI], 0xfffffffc);
    ck_assert_uint_eq(r->cpu->regs[R_ECX], 95);
    rig_free(r);

    /* read-only ES: the first store faults */
    c = (Case){ .es = { 0x100000, 0xffff, 0x4091 }, .edi = 0x10, .ecx = 100 };
    set_insn(&c, OP_STOS, 1, REP, 4);
    r = run_both(&c, "rep stosb to read-only data");
    assert_fault(r, VEC_GP, 0);
    ck_assert_uint_eq(r->cpu->regs[R_ECX], 100);
    rig_free(r);
}
END_TEST

/* ---- 16-bit addressing ------------------------------------------------------------ */

START_TEST(string_fast_addr16_wraps)
{
    /* DI wraps from FFFF to 0 inside ES (base 0x100000, 4 GiB limit) */
    Case c = { .es = { 0x100000, 0xffffffff, 0xc093 }, .eax = 0x77, .ecx = 0xabcd0010,
               .edi = 0x5555fff8 };
    set_insn(&c, OP_STOS, 1, REP, 2);
    Rig *r = run_both(&c, "a16 rep stosb wrap");
    assert_done(r, &c);
    ck_assert_uint_eq(r->cpu->regs[R_ECX], 0xabcd0000);
    ck_assert_uint_eq(r->cpu->regs[R_EDI], 0x55550008);
    for (uint32_t i = 0; i < 8; i++) {
        ck_assert_uint_eq(r->ram[0x10fff8 + i], 0x77);
        ck_assert_uint_eq(r->ram[0x100000 + i], 0x77);
    }
    ck_assert_uint_ne(r->ram[0x100008], 0x77);
    ck_assert_uint_ne(r->ram[0x110000], 0x77);
    rig_free(r);

    /* DF=1 through 0 */
    c.edi = 3;
    c.df = true;
    r = run_both(&c, "a16 std; rep stosb wrap");
    ck_assert_uint_eq(r->cpu->regs[R_EDI], 0xfff3);
    for (uint32_t i = 0; i < 12; i++)
        ck_assert_uint_eq(r->ram[0x10fff4 + i], 0x77);
    rig_free(r);

    /* the wrap point in the middle of a page (segment base not aligned) */
    for (int down = 0; down < 2; down++) {
        c = (Case){ .es = { 0x100810, 0xffffffff, 0xc093 }, .eax = 0x66, .ecx = 0x1000,
                    .edi = down ? 0x7ff : 0xf800, .df = down };
        set_insn(&c, OP_STOS, 1, REP, 2);
        r = run_both(&c, "a16 rep stosb wrap mid-page");
        ck_assert_uint_eq(r->cpu->regs[R_EDI], down ? 0xf7ff : 0x0800);
        ck_assert_uint_eq(r->ram[0x11080f], 0x66);      /* offset FFFF */
        ck_assert_uint_eq(r->ram[0x100810], 0x66);      /* offset 0 */
        rig_free(r);
    }

    /* unreal mode: real-mode segments with 4 GiB limits, 16-bit indexes */
    c = (Case){ .real = true, .ds = { 0x20010, 0xffffffff, 0 }, .es = { 0x38040, 0xffffffff, 0 },
                .esi = 0xfe00, .edi = 0xfc00, .ecx = 0x300 };
    set_insn(&c, OP_MOVS, 2, REP, 2);
    r = run_both(&c, "unreal rep movsw wrap");
    assert_done(r, &c);
    ck_assert_uint_eq(r->cpu->regs[R_ESI], 0x0400);
    ck_assert_uint_eq(r->cpu->regs[R_EDI], 0x0200);
    ck_assert(memcmp(r->ram + 0x38040 + 0xfe00, r->ram + 0x20010, 0x200) == 0);
    ck_assert(memcmp(r->ram + 0x38040, r->ram + 0x20010 + 0x200, 0x200) == 0);
    rig_free(r);

    /* a word at DI=FFFF straddles the wrap point (no fault: 4 GiB limit) */
    c = (Case){ .ds = { 0x200000, 0xffffffff, 0xc093 }, .es = { 0x100000, 0xffffffff, 0xc093 },
                .esi = 0xfff0, .edi = 0xfff1, .ecx = 20 };
    set_insn(&c, OP_MOVS, 2, REP, 2);
    r = run_both(&c, "a16 rep movsw straddling");
    assert_done(r, &c);
    ck_assert_uint_eq(r->cpu->regs[R_ESI], 0x0018);
    ck_assert_uint_eq(r->cpu->regs[R_EDI], 0x0019);
    rig_free(r);

    /* real mode: a word at DI=FFFF is beyond the limit (#GP) */
    c = (Case){ .real = true, .ds = { 0x20000, 0, 0 }, .es = { 0x40000, 0, 0 }, .esi = 0xff00,
                .edi = 0xff81, .ecx = 0x100 };
    set_insn(&c, OP_MOVS, 2, REP, 2);
    r = run_both(&c, "real mode rep movsw");
    ck_assert_uint_eq(r->cpu->eip, VEC_GP * 4 + 1);
    ck_assert_uint_eq(r->cpu->regs[R_EDI], 0xffff);
    ck_assert_uint_eq(r->cpu->regs[R_ESI], 0xff7e);
    ck_assert_uint_eq(r->cpu->regs[R_ECX], 0xc1);
    rig_free(r);

    /* ... and SI/DI wrap at 64 KiB when the words are aligned */
    c.edi = 0xff80;
    r = run_both(&c, "real mode rep movsw wrap");
    assert_done(r, &c);
    ck_assert_uint_eq(r->cpu->regs[R_EDI], 0x0180);
    ck_assert_uint_eq(r->cpu->regs[R_ESI], 0x0100);
    ck_assert(memcmp(r->ram + 0x40000, r->ram + 0x2ff80, 0x80) == 0);
    ck_assert(memcmp(r->ram + 0x40080, r->ram + 0x20000, 0x100) == 0);
    rig_free(r);
}
END_TEST

/* ---- ECX=0, chunks, interrupts ------------------------------------------------------ */

START_TEST(string_fast_ecx_zero_does_nothing)
{
    static const uint8_t ops[] = { OP_MOVS, OP_CMPS, OP_STOS, OP_LODS, OP_SCAS };
    for (unsigned i = 0; i < sizeof ops; i++) {
        Case c = { .esi = 0x100000, .edi = 0x200000, .eax = 0x1234 };
        set_insn(&c, ops[i], 4, REP, 4);
        Rig *r = run_both(&c, "ecx=0");
        assert_done(r, &c);
        ck_assert_uint_eq(r->cpu->regs[R_ESI], 0x100000);
        ck_assert_uint_eq(r->cpu->regs[R_EDI], 0x200000);
        ck_assert_uint_eq(r->cpu->regs[R_EAX], 0x1234);
        ck_assert_uint_eq(cpu_get_eflags(r->cpu), 2);
        rig_free(r);
    }
}
END_TEST

START_TEST(string_fast_chunks_resume)
{
    Case c = { .eax = 0xdeadbeef, .edi = 0x100000, .ecx = 0x40000 };   /* 1 MiB */
    set_insn(&c, OP_STOS, 4, REP, 4);
    Rig *r = rig_new(&c, false);
    int execs = 0;
    while (r->cpu->eip == CODE) {
        cpu_exec(r->cpu, 1);
        execs++;
        /* after each chunk: ECX and EDI describe the same progress */
        ck_assert_uint_eq((r->cpu->regs[R_EDI] - 0x100000) / 4 + r->cpu->regs[R_ECX], 0x40000);
    }
    ck_assert_uint_eq(r->cpu->regs[R_ECX], 0);
    ck_assert_uint_eq(r->cpu->regs[R_EDI], 0x200000);
    /* 64 KiB per execution, at least 16; element by element it took 256 */
    ck_assert_int_ge(execs, 16);
    ck_assert_int_le(execs, 20);
    for (uint32_t p = 0x100000; p < 0x200000; p += 4)
        ck_assert_uint_eq(rd32(r->ram + p), 0xdeadbeef);
    ck_assert_uint_ne(rd32(r->ram + 0x200000), 0xdeadbeef);
    rig_free(r);

    Rig *ref = rig_new(&c, true);
    int ref_execs = rig_run(ref) - 1;
    ck_assert_int_eq(ref_execs, 0x40000 / 1024);
    rig_free(ref);
    check_both(&c, "rep stosd 1 MiB");
}
END_TEST

/* An interrupt pending while a long REP runs ends the chunk early; the
 * interrupt returns to the REP, which then completes. */
START_TEST(string_fast_interrupt_ends_chunk)
{
    Case c = { .sti_intr = true, .eax = 0x01020304, .edi = 0x100000, .ecx = 0x40000 };
    set_insn(&c, OP_STOS, 4, REP, 4);
    Rig *r = rig_new(&c, false);
    cpu_exec(r->cpu, 1);                        /* STI */
    cpu_exec(r->cpu, 1);                        /* the first chunk */
    ck_assert_uint_eq(r->cpu->eip, CODE + 1);
    uint32_t done = 0x40000 - r->cpu->regs[R_ECX];
    ck_assert_uint_gt(done, 0);
    ck_assert_uint_le(done, 1024);              /* at most one page */
    cpu_exec(r->cpu, 1);                        /* the interrupt */
    ck_assert_uint_eq(r->cpu->eip, HANDLER(VEC_INTR));
    ck_assert_uint_eq(rd32(r->ram + r->cpu->regs[R_ESP]), CODE + 1);
    rig_free(r);
}
END_TEST

/* #DB traps come between iterations: TF=1 after each one, a data
 * breakpoint after the iteration that wrote the watched bytes. */
START_TEST(string_fast_debug_traps_between_iterations)
{
    Case c = { .tf = true, .eax = 0x55, .edi = 0x100000, .ecx = 3 };
    set_insn(&c, OP_STOS, 1, REP, 4);
    Rig *r = rig_new(&c, false);
    rig_run(r);
    ck_assert_uint_eq(r->cpu->eip, HANDLER(1) + 1);
    ck_assert_uint_eq(rd32(r->ram + r->cpu->regs[R_ESP]), CODE);   /* back to the REP */
    ck_assert_uint_eq(r->cpu->regs[R_ECX], 2);
    ck_assert_uint_eq(r->cpu->regs[R_EDI], 0x100001);
    ck_assert_uint_eq(r->cpu->dr[6] & (1u << 14), 1u << 14);     /* BS */
    rig_free(r);

    c = (Case){ .eax = 0x12345678, .edi = 0x100000, .ecx = 100 };
    set_insn(&c, OP_STOS, 4, REP, 4);
    r = rig_new(&c, false);
    r->cpu->dr[0] = 0x100010;
    r->cpu->dr[7] = 0x00010001;                 /* L0, writes, 1 byte */
    cpu_state_loaded(r->cpu);
    rig_run(r);
    ck_assert_uint_eq(r->cpu->eip, HANDLER(1) + 1);
    ck_assert_uint_eq(rd32(r->ram + r->cpu->regs[R_ESP]), CODE);
    ck_assert_uint_eq(r->cpu->regs[R_ECX], 95);
    ck_assert_uint_eq(r->cpu->regs[R_EDI], 0x100014);
    ck_assert_uint_eq(r->cpu->dr[6] & 0xf, 1);                   /* B0 */
    ck_assert_uint_eq(rd32(r->ram + 0x100010), 0x12345678);
    ck_assert_uint_ne(rd32(r->ram + 0x100014), 0x12345678);
    rig_free(r);
}
END_TEST

/* Source and destination 1 MiB apart share a TLB slot; copies of the TLB
 * entries keep bulk runs going (a few executions, not one per 1024). */
START_TEST(string_fast_movs_colliding_tlb_slots)
{
    Case c = { .esi = 0x100000, .edi = 0x200000, .ecx = 0x4000 };     /* 64 KiB */
    set_insn(&c, OP_MOVS, 4, REP, 4);
    Rig *r = run_both(&c, "rep movsd 1 MiB apart");
    ck_assert(memcmp(r->ram + 0x100000, r->ram + 0x200000, 0x10000) == 0);
    rig_free(r);
    r = rig_new(&c, false);
    int execs = rig_run(r) - 1;
    ck_assert_int_le(execs, 2);
    rig_free(r);

    c.paging = true;
    check_both(&c, "rep movsd 1 MiB apart, paging");
}
END_TEST

/* Bulk stores mark every page they write dirty, and no other page. Pages
 * are marked when their write tag is cached (cpu/tlb.c), so a client that
 * clears its dirty bits flushes the TLB to see later writes - as here
 * before the second run. */
START_TEST(string_fast_marks_written_pages_dirty)
{
    static const uint8_t ops[] = { OP_STOS, OP_MOVS };
    for (unsigned i = 0; i < 2; i++) {
        Case c = { .esi = 0x100000, .edi = 0x200ffc, .ecx = 0x802 };
        set_insn(&c, ops[i], 4, REP, 4);
        Rig *r = rig_new(&c, false);
        for (int run = 0; run < 2; run++) {
            r->cpu->halted = false;
            r->cpu->eip = CODE;
            r->cpu->regs[R_ECX] = c.ecx;
            r->cpu->regs[R_ESI] = c.esi;
            r->cpu->regs[R_EDI] = c.edi;
            mem_dirty_test_clear(r->mem, 0, RAM_SIZE, DIRTY_VGA);
            cpu_tlb_flush(r->cpu);
            rig_run(r);
            ck_assert(!mem_dirty_test_clear(r->mem, 0x1ff000, 0x1000, DIRTY_VGA));
            for (uint32_t p = 0x200000; p <= 0x203000; p += 0x1000)
                ck_assert_msg(mem_dirty_test_clear(r->mem, p, 1, DIRTY_VGA), "page %x", p);
            ck_assert(!mem_dirty_test_clear(r->mem, 0x204000, 0x1000, DIRTY_VGA));
        }
        rig_free(r);
    }
}
END_TEST

/* ---- LODS, SCAS, CMPS ---------------------------------------------------------------- */

START_TEST(string_fast_scan_and_compare)
{
    /* REPNE SCASB finds the first 0x42 placed 5000 bytes on */
    Case c = { .eax = 0x42, .edi = 0x100100, .ecx = 20000, .prep_dst = 0x100100,
               .prep_len = 5001, .prep_byte = 0x03, .poke = 5000 };  /* 03 ^ 41 = 42 */
    set_insn(&c, OP_SCAS, 1, REPNE, 4);
    Rig *r = run_both(&c, "repne scasb");
    ck_assert_uint_eq(r->cpu->regs[R_EDI], 0x100100 + 5001);
    ck_assert_uint_eq(r->cpu->regs[R_ECX], 20000 - 5001);
    ck_assert(cpu_get_eflags(r->cpu) & EFLAGS_ZF);
    rig_free(r);

    /* REPE SCASW over equal words, stopping at the poked one, DF=1 */
    c = (Case){ .eax = 0x0303, .edi = 0x104000, .ecx = 20000, .df = true,
                .prep_dst = 0x100000, .prep_len = 0x4002, .prep_byte = 0x03, .poke = 0x1001 };
    set_insn(&c, OP_SCAS, 2, REP, 4);
    r = run_both(&c, "std; repe scasw");
    ck_assert_uint_eq(r->cpu->regs[R_EDI], 0x100ffe);
    ck_assert_uint_eq(r->cpu->regs[R_ECX], 20000 - (0x3000 / 2 + 1));
    ck_assert(!(cpu_get_eflags(r->cpu) & EFLAGS_ZF));
    rig_free(r);

    /* REPE CMPSD: a copy with one differing byte, across pages */
    c = (Case){ .esi = 0x100010, .edi = 0x230010, .ecx = 0x1000, .prep_dst = 0x230010,
                .prep_len = 0x3000, .copy_src = 0x100010, .poke = 0x2345 };
    set_insn(&c, OP_CMPS, 4, REP, 4);
    r = run_both(&c, "repe cmpsd");
    ck_assert_uint_eq(r->cpu->regs[R_ESI], 0x100010 + 0x2348);
    ck_assert_uint_eq(r->cpu->regs[R_ECX], 0x1000 - 0x2348 / 4);
    rig_free(r);

    /* ... equal all the way: ZF=1, ECX=0 */
    c.poke = 0xffffffff;
    c.ecx = 0x3000 / 4;
    r = run_both(&c, "repe cmpsd equal");
    ck_assert_uint_eq(r->cpu->regs[R_ECX], 0);
    ck_assert(cpu_get_eflags(r->cpu) & EFLAGS_ZF);
    rig_free(r);

    /* REP LODSD: EAX holds the last element */
    c = (Case){ .esi = 0x100ffc, .ecx = 3000 };
    set_insn(&c, OP_LODS, 4, REP, 4);
    r = run_both(&c, "rep lodsd");
    ck_assert_uint_eq(r->cpu->regs[R_EAX], rd32(r->ram + 0x100ffc + 4 * 2999));
    ck_assert_uint_eq(r->cpu->regs[R_ESI], 0x100ffc + 4 * 3000);
    rig_free(r);
}
END_TEST

/* ---- ROM and unmapped memory ----------------------------------------------------------- */

START_TEST(string_fast_rom_and_unmapped)
{
    Case c = { .rom = true, .esi = ROM_BASE + 0x10, .edi = 0x100000, .ecx = 0x3000 };
    set_insn(&c, OP_MOVS, 4, REP, 4);
    Rig *r = run_both(&c, "rep movsd from ROM");
    ck_assert(memcmp(r->ram + 0x100000, r->rom + 0x10, 0xc000) == 0);
    rig_free(r);

    c = (Case){ .rom = true, .eax = 0x99, .edi = ROM_BASE, .ecx = 0x5000 };
    set_insn(&c, OP_STOS, 1, REP, 4);
    r = run_both(&c, "rep stosb into ROM");
    uint8_t want[0x5000];
    fill_pattern(want, sizeof want, 0x5eed);
    ck_assert(memcmp(r->rom, want, sizeof want) == 0);
    rig_free(r);

    /* RAM ends at 4 MiB: copy across the end (reads all ones, writes lost) */
    c = (Case){ .esi = RAM_SIZE - 0x1002, .edi = 0x100000, .ecx = 0x1000 };
    set_insn(&c, OP_MOVS, 2, REP, 4);
    r = run_both(&c, "rep movsw across the end of RAM");
    ck_assert_uint_eq(rd32(r->ram + 0x101004), 0xffffffff);
    rig_free(r);
}
END_TEST

/* ---- random cases ---------------------------------------------------------------------- */

static uint32_t rnd(uint32_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* An offset near a page boundary more often than not. */
static uint32_t rnd_offset(uint32_t *s, uint32_t span)
{
    uint32_t page = (rnd(s) % (span >> 12)) << 12;
    switch (rnd(s) % 4) {
    case 0: return page + rnd(s) % 8;
    case 1: return page + 0xff8 + rnd(s) % 8;
    default: return page + rnd(s) % 0x1000;
    }
}

static uint32_t rnd_count(uint32_t *s)
{
    static const uint32_t caps[] = { 1, 3, 64, 2000, 9000, 40000 };
    return rnd(s) % caps[rnd(s) % 6];
}

static void random_case(uint32_t *s, Case *c)
{
    static const uint8_t ops[] = { OP_MOVS, OP_CMPS, OP_STOS, OP_LODS, OP_SCAS };
    static const unsigned sizes[] = { 1, 2, 4 };
    memset(c, 0, sizeof *c);
    uint8_t op = ops[rnd(s) % 5];
    unsigned size = sizes[rnd(s) % 3], mode = rnd(s) % 10, addrsize = 4;
    c->df = rnd(s) & 1;
    c->eax = rnd(s);
    c->ecx = rnd_count(s);
    if (mode == 0) {                            /* real mode, 16-bit indexes */
        c->real = true;
        c->ds.base = 0x20000 + (rnd(s) % 0x100) * 16;
        c->es.base = 0x30000 + (rnd(s) % 0x800) * 16;
        if (rnd(s) % 2)
            c->ds.limit = c->es.limit = 0xffffffff;        /* unreal mode */
        c->esi = rnd(s) % 0x10000;
        c->edi = rnd(s) & 1 ? (c->esi + rnd(s) % 16 - 8) & 0xffff : rnd(s) % 0x10000;
        addrsize = 2;
        c->ecx &= 0xffff;
    } else if (mode == 1) {                     /* 16-bit addressing, 4 GiB limits */
        c->ds = (SegSpec){ 0x100000 + (rnd(s) % 0x4000) * 16, 0xffffffff, 0xc093 };
        c->es = (SegSpec){ 0x180000 + (rnd(s) % 0x4000) * 16, 0xffffffff, 0xc093 };
        c->esi = rnd(s);
        c->edi = rnd(s);
        addrsize = 2;
    } else {
        c->esi = 0x100000 + rnd_offset(s, 0x200000);
        c->edi = rnd(s) % 3 ? c->esi + rnd(s) % 24 - 12 : 0x100000 + rnd_offset(s, 0x200000);
        if (mode == 2) {                        /* limits just ahead */
            c->ds = (SegSpec){ 0, c->esi + rnd(s) % 0x3000, 0x4093 };
            c->es = (SegSpec){ 0, c->edi + rnd(s) % 0x3000, 0x4093 };
        } else if (mode == 3) {                 /* paging, a hole ahead or behind */
            c->paging = true;
            c->hole = (c->edi & ~0xfffu) + (rnd(s) % 5 - 2) * 0x1000;
        } else if (mode == 4 && op != OP_STOS && op != OP_SCAS) {
            c->prep_dst = c->edi;               /* equal data: long REPE runs */
            c->copy_src = c->esi;
            c->prep_len = 0x4000;
            c->poke = rnd(s) % 0x5000;
        }
    }
    if (op == OP_SCAS && rnd(s) % 2) {        /* runs of the value scanned for */
        uint32_t lin = c->es.base + (addrsize == 2 ? c->edi & 0xffff : c->edi);
        c->prep_dst = (lin & ~0xfffu) - 0x2000;
        c->prep_len = 0x6000;
        c->prep_byte = (uint8_t)c->eax;
        c->poke = rnd(s) % 0x7000;
    }
    set_insn(c, op, size, rnd(s) % 2 ? REP : REPNE, addrsize);
}

START_TEST(string_fast_matches_elementwise_random)
{
    uint32_t seed = 0x9e3779b9;
    for (int i = 0; i < 400; i++) {
        Case c;
        random_case(&seed, &c);
        char what[96];
        snprintf(what, sizeof what, "random case %d (op %02x ecx %x esi %x edi %x df %d)", i,
                 c.insn[c.len - 1], c.ecx, c.esi, c.edi, c.df);
        check_both(&c, what);
    }
}
END_TEST

Suite *string_fast_suite(void)
{
    Suite *s = suite_create("string_fast");
    TCase *tc = tcase_create("bulk");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, string_fast_movsb_overlap_replicates);
    tcase_add_test(tc, string_fast_movs_overlap_matches_model);
    tcase_add_test(tc, string_fast_movs_aliased_pages);
    tcase_add_test(tc, string_fast_stos_faults_at_unmapped_page);
    tcase_add_test(tc, string_fast_movs_faults_at_unmapped_source);
    tcase_add_test(tc, string_fast_segment_limit_faults);
    tcase_add_test(tc, string_fast_addr16_wraps);
    tcase_add_test(tc, string_fast_ecx_zero_does_nothing);
    tcase_add_test(tc, string_fast_chunks_resume);
    tcase_add_test(tc, string_fast_interrupt_ends_chunk);
    tcase_add_test(tc, string_fast_debug_traps_between_iterations);
    tcase_add_test(tc, string_fast_movs_colliding_tlb_slots);
    tcase_add_test(tc, string_fast_marks_written_pages_dirty);
    tcase_add_test(tc, string_fast_scan_and_compare);
    tcase_add_test(tc, string_fast_rom_and_unmapped);
    tcase_add_test(tc, string_fast_matches_elementwise_random);
    suite_add_tcase(s, tc);
    return s;
}
