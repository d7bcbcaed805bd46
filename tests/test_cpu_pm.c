/*
 * tests/test_cpu_pm.c - unit tests for the IA-32 system architecture in
 * cpu/: protected-mode segmentation, gates, interrupts, paging, tasks, V86,
 * double/triple faults and unreal mode. Short code sequences run from RAM on
 * a CPU with RAM and an empty port space; no disk image, no board.
 *
 * Layout (physical = linear unless a test turns paging on):
 *   0x00000 IDT (256 gates; every vector -> 0x08:HANDLER(v), a HLT)
 *   0x01000 GDT (entries below)     0x02000 TSS A    0x02200 TSS B
 *   0x03000 page directory          0x04000 page table for 0-4 MiB
 *   0x08000 handlers (HLT each)     0x10000 ring-0 code
 *   0x20000 ring-3 / V86 code       0x30000 data
 *   0x70000 ring-0 stack top        0x80000 ring-3 stack top
 */
#include <check.h>

#include "cpu/cpu.h"

#define RAM_SIZE (16u << 20)
#define IDT 0x0000u
#define GDT 0x1000u
#define TSS_A 0x2000u
#define TSS_B 0x2200u
#define PD 0x3000u
#define PT 0x4000u
#define HANDLER(v) (0x8000u + 4u * (v))
#define CODE 0x10000u
#define CODE3 0x20000u
#define DATA 0x30000u
#define STACK0 0x70000u
#define STACK3 0x80000u

/* GDT selectors */
enum {
    S_CODE0 = 0x08, S_DATA0 = 0x10, S_CODE3 = 0x18, S_DATA3 = 0x20, S_TSSA = 0x28,
    S_TSSB = 0x30, S_SMALL = 0x38, S_EXPDOWN = 0x40, S_RODATA = 0x48, S_NOTP = 0x50,
    S_XONLY = 0x58, S_CALLG = 0x60, S_EXPDOWN32 = 0x68, S_PAGE4K = 0x70, S_CODE16 = 0x78,
    GDT_ENTRIES = 16,
};

typedef struct PmRig {
    AddrSpace *mem, *io;
    uint8_t *ram;
    CpuState *cpu;
} PmRig;

static void wr8(PmRig *r, uint32_t p, uint8_t v) { r->ram[p] = v; }
static void wr16(PmRig *r, uint32_t p, uint16_t v) { r->ram[p] = (uint8_t)v; r->ram[p + 1] = (uint8_t)(v >> 8); }
static void wr32(PmRig *r, uint32_t p, uint32_t v) { wr16(r, p, (uint16_t)v); wr16(r, p + 2, (uint16_t)(v >> 16)); }
static uint16_t rd16(PmRig *r, uint32_t p) { return (uint16_t)(r->ram[p] | r->ram[p + 1] << 8); }
static uint32_t rd32(PmRig *r, uint32_t p) { return rd16(r, p) | (uint32_t)rd16(r, p + 2) << 16; }

/* access: P DPL S type byte; gran: the G D/B L AVL nibble in bits 4-7. */
static void set_desc(PmRig *r, uint32_t table, unsigned idx, uint32_t base, uint32_t limit,
                     uint8_t access, uint8_t gran)
{
    uint32_t p = table + 8 * idx;
    wr16(r, p, (uint16_t)limit);
    wr16(r, p + 2, (uint16_t)base);
    wr8(r, p + 4, (uint8_t)(base >> 16));
    wr8(r, p + 5, access);
    wr8(r, p + 6, (uint8_t)((gran & 0xf0) | ((limit >> 16) & 0xf)));
    wr8(r, p + 7, (uint8_t)(base >> 24));
}

static void set_gate(PmRig *r, uint32_t table, unsigned idx, uint16_t sel, uint32_t off,
                     uint8_t access, uint8_t params)
{
    uint32_t p = table + 8 * idx;
    wr16(r, p, (uint16_t)off);
    wr16(r, p + 2, sel);
    wr8(r, p + 4, params);
    wr8(r, p + 5, access);
    wr16(r, p + 6, (uint16_t)(off >> 16));
}

/* Load a segment register cache from the GDT image, as a load would. */
static void load_seg(PmRig *r, int seg, uint16_t sel)
{
    uint32_t p = GDT + (sel & ~7u);
    SegCache *s = &r->cpu->seg[seg];
    uint32_t lo = rd32(r, p), hi = rd32(r, p + 4);
    s->sel = sel;
    s->base = (lo >> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000u);
    s->limit = (lo & 0xffff) | (hi & 0xf0000);
    if (hi & (1u << 23))
        s->limit = (s->limit << 12) | 0xfff;
    s->flags = (uint16_t)((hi >> 8) & 0xf0ff);
}

static void build_tables(PmRig *r)
{
    set_desc(r, GDT, 1, 0, 0xfffff, 0x9a, 0xc0);        /* code0 flat 32-bit */
    set_desc(r, GDT, 2, 0, 0xfffff, 0x92, 0xc0);        /* data0 flat */
    set_desc(r, GDT, 3, 0, 0xfffff, 0xfa, 0xc0);        /* code3 flat */
    set_desc(r, GDT, 4, 0, 0xfffff, 0xf2, 0xc0);        /* data3 flat */
    set_desc(r, GDT, 5, TSS_A, 0x67 + 0x20, 0x89, 0);   /* TSS A, 32-bit, with a bitmap */
    set_desc(r, GDT, 6, TSS_B, 0x67, 0x89, 0);          /* TSS B */
    set_desc(r, GDT, 7, DATA, 0xff, 0x92, 0);           /* small: 256 bytes */
    set_desc(r, GDT, 8, DATA, 0xfff, 0x96, 0);          /* expand-down, B=0 */
    set_desc(r, GDT, 9, DATA, 0xffff, 0x90, 0);         /* read-only data */
    set_desc(r, GDT, 10, DATA, 0xffff, 0x12, 0);        /* writable, not present */
    set_desc(r, GDT, 11, 0, 0xfffff, 0x98, 0xc0);       /* execute-only code */
    set_gate(r, GDT, 12, S_CODE0, CODE + 0x800, 0xec, 1);  /* call gate DPL3, 1 param */
    set_desc(r, GDT, 13, DATA, 0xfff, 0x96, 0x40);      /* expand-down, B=1 */
    set_desc(r, GDT, 14, DATA, 0, 0x92, 0x80);          /* G=1, limit 0 -> 0xfff */
    set_desc(r, GDT, 15, CODE, 0xffff, 0x9a, 0);        /* 16-bit code */
    for (unsigned v = 0; v < 256; v++) {
        set_gate(r, IDT, v, S_CODE0, HANDLER(v), 0x8e, 0);
        wr8(r, HANDLER(v), 0xf4);
    }
    /* TSS A: SS0:ESP0, I/O bitmap at 0x68 (ports 0-255 all allowed but 0x80) */
    wr32(r, TSS_A + 4, STACK0);
    wr32(r, TSS_A + 8, S_DATA0);
    wr16(r, TSS_A + 0x66, 0x68);
    wr8(r, TSS_A + 0x68 + 0x10, 0x01);                  /* port 0x80 denied */
}

static PmRig *rig_new(void)
{
    PmRig *r = xzalloc(sizeof *r);
    r->mem = addr_space_new(ADDR_SPACE_MEM);
    r->io = addr_space_new(ADDR_SPACE_IO);
    r->ram = xzalloc(RAM_SIZE);
    mem_map_ram(r->mem, 0, RAM_SIZE, r->ram);
    mem_set_a20(r->mem, true);
    r->cpu = cpu_create(r->mem, r->io);
    return r;
}

/* Protected mode, ring 0, flat segments, TR = TSS A, code at CODE. */
static PmRig *pm_new(const uint8_t *code, size_t len)
{
    PmRig *r = rig_new();
    CpuState *cpu = r->cpu;
    build_tables(r);
    if (len)
        memcpy(r->ram + CODE, code, len);
    cpu->gdtr.base = GDT;
    cpu->gdtr.limit = 8 * GDT_ENTRIES - 1;
    cpu->idtr.base = IDT;
    cpu->idtr.limit = 256 * 8 - 1;
    cpu->cr[0] |= CR0_PE;
    load_seg(r, SEG_CS, S_CODE0);
    load_seg(r, SEG_SS, S_DATA0);
    load_seg(r, SEG_DS, S_DATA0);
    load_seg(r, SEG_ES, S_DATA0);
    load_seg(r, SEG_FS, S_DATA0);
    load_seg(r, SEG_GS, S_DATA0);
    wr8(r, GDT + S_TSSA + 5, 0x8b);                     /* busy: it is the current task */
    cpu->tr.sel = S_TSSA;
    cpu->tr.base = TSS_A;
    cpu->tr.limit = 0x67 + 0x20;
    cpu->tr.flags = 0x8b;
    cpu->eip = CODE;
    cpu->regs[R_ESP] = STACK0;
    cpu->cpl = 0;
    cpu_state_loaded(cpu);
    return r;
}

/* Switch the rig to ring 3 at CODE3 with flat ring-3 segments. */
static void to_ring3(PmRig *r, const uint8_t *code, size_t len)
{
    memcpy(r->ram + CODE3, code, len);
    load_seg(r, SEG_CS, S_CODE3 | 3);
    load_seg(r, SEG_SS, S_DATA3 | 3);
    load_seg(r, SEG_DS, S_DATA3 | 3);
    load_seg(r, SEG_ES, S_DATA3 | 3);
    r->cpu->eip = CODE3;
    r->cpu->regs[R_ESP] = STACK3;
    r->cpu->cpl = 3;
    cpu_state_loaded(r->cpu);
}

static void rig_free(PmRig *r)
{
    cpu_free(r->cpu);
    addr_space_free(r->mem);
    addr_space_free(r->io);
    free(r->ram);
    free(r);
}

static CpuExit run(PmRig *r, int steps)
{
    CpuExit e = CPU_EXIT_BUDGET;
    for (int i = 0; i < steps && !r->cpu->halted && e != CPU_EXIT_SHUTDOWN; i++)
        e = cpu_exec(r->cpu, 1);
    return e;
}

/* The CPU stopped in the handler of 'vector' (its HLT executed). */
static void assert_in_handler(PmRig *r, unsigned vector)
{
    ck_assert(r->cpu->halted);
    ck_assert_uint_eq(r->cpu->eip, HANDLER(vector) + 1);
    ck_assert_uint_eq(r->cpu->seg[SEG_CS].sel, S_CODE0);
}

/* Run 'code' in ring 0 and expect exception 'vector' with 'err' on top of the
 * handler's stack and the faulting instruction's address below it. */
static void expect_fault(const uint8_t *code, size_t len, unsigned vector, uint32_t err,
                         uint32_t fault_off)
{
    PmRig *r = pm_new(code, len);
    run(r, 50);
    assert_in_handler(r, vector);
    uint32_t sp = r->cpu->regs[R_ESP];
    ck_assert_uint_eq(rd32(r, sp), err);
    ck_assert_uint_eq(rd32(r, sp + 4), CODE + fault_off);
    rig_free(r);
}

/* ---- segmentation ------------------------------------------------------------------ */

START_TEST(pm_enter_from_real_mode)
{
    PmRig *r = rig_new();
    CpuState *cpu = r->cpu;
    build_tables(r);
    wr16(r, 0x900, 8 * GDT_ENTRIES - 1);                /* GDTR image */
    wr32(r, 0x902, GDT);
    static const uint8_t code[] = {
        0x0f, 0x01, 0x16, 0x00, 0x09,       /* lgdt [0x900] */
        0x0f, 0x20, 0xc0,                   /* mov eax,cr0 */
        0x66, 0x83, 0xc8, 0x01,             /* or eax,1 */
        0x0f, 0x22, 0xc0,                   /* mov cr0,eax */
        0x66, 0xea, 0x20, 0x00, 0x01, 0x00, 0x08, 0x00,   /* jmp dword 0x08:0x10020 */
    };
    static const uint8_t code32[] = {
        0x66, 0xb8, 0x10, 0x00,             /* mov ax,0x10 */
        0x8e, 0xd8,                         /* mov ds,ax */
        0x8b, 0x1d, 0x00, 0x00, 0x03, 0x00, /* mov ebx,[0x30000] */
        0xf4,
    };
    memcpy(r->ram + CODE, code, sizeof code);
    memcpy(r->ram + CODE + 0x20, code32, sizeof code32);
    wr32(r, DATA, 0xcafef00d);
    cpu_set_seg_real(cpu, SEG_CS, CODE >> 4);
    cpu_set_seg_real(cpu, SEG_DS, 0);
    cpu->eip = 0;
    run(r, 20);
    ck_assert(cpu->halted);
    ck_assert_uint_eq(cpu->cr[0] & CR0_PE, CR0_PE);
    ck_assert_uint_eq(cpu->seg[SEG_CS].sel, S_CODE0);
    ck_assert_uint_eq(cpu->seg[SEG_CS].flags & 0x4000, 0x4000);   /* D=1 */
    ck_assert_uint_eq(cpu->regs[R_EBX], 0xcafef00d);
    ck_assert_uint_eq(r->ram[GDT + S_DATA0 + 5] & 1, 1);          /* accessed */
    ck_assert_uint_eq(r->ram[GDT + S_CODE0 + 5] & 1, 1);
    rig_free(r);
}
END_TEST

START_TEST(pm_segment_load_faults)
{
    /* selector beyond the GDT limit: #GP(selector) */
    static const uint8_t beyond[] = { 0x66, 0xb8, 0x08, 0x04, 0x8e, 0xd8, 0xf4 };
    expect_fault(beyond, sizeof beyond, 13, 0x408, 4);
    /* not present: #NP(selector) */
    static const uint8_t notp[] = { 0x66, 0xb8, 0x50, 0x00, 0x8e, 0xc0, 0xf4 };
    expect_fault(notp, sizeof notp, 11, 0x50, 4);
    /* null into SS: #GP(0) */
    static const uint8_t nullss[] = { 0x31, 0xc0, 0x8e, 0xd0, 0xf4 };
    expect_fault(nullss, sizeof nullss, 13, 0, 2);
    /* read-only data into SS: #GP(selector) */
    static const uint8_t rossv[] = { 0x66, 0xb8, 0x48, 0x00, 0x8e, 0xd0, 0xf4 };
    expect_fault(rossv, sizeof rossv, 13, 0x48, 4);
    /* writable but not present into SS: #SS(selector) */
    static const uint8_t npss[] = { 0x66, 0xb8, 0x50, 0x00, 0x8e, 0xd0, 0xf4 };
    expect_fault(npss, sizeof npss, 12, 0x50, 4);
    /* execute-only code into DS: #GP(selector) */
    static const uint8_t xods[] = { 0x66, 0xb8, 0x58, 0x00, 0x8e, 0xd8, 0xf4 };
    expect_fault(xods, sizeof xods, 13, 0x58, 4);
    /* a null DS loads fine; using it is #GP(0) */
    static const uint8_t nullds[] = { 0x31, 0xc0, 0x8e, 0xd8, 0x8b, 0x18, 0xf4 };
    expect_fault(nullds, sizeof nullds, 13, 0, 4);
    /* writing through a read-only data segment: #GP(0) */
    static const uint8_t rowrite[] = { 0x66, 0xb8, 0x48, 0x00, 0x8e, 0xd8,
                                       0x8b, 0x18,          /* read: fine */
                                       0x89, 0x18, 0xf4 };  /* write: #GP(0) */
    expect_fault(rowrite, sizeof rowrite, 13, 0, 8);
    /* writing through CS: #GP(0) */
    static const uint8_t cswrite[] = { 0x2e, 0x89, 0x18, 0xf4 };
    expect_fault(cswrite, sizeof cswrite, 13, 0, 0);
    /* a ring-3 push beyond a small SS limit: #SS(0), taken on the ring-0 stack */
    static const uint8_t sslim[] = { 0x66, 0xb8, 0x3b, 0x00, 0x8e, 0xd0,   /* mov ss,0x3b */
                                     0xbc, 0x02, 0x01, 0x00, 0x00,        /* mov esp,0x102 */
                                     0x50, 0xeb, 0xfe };                  /* push eax */
    PmRig *r = pm_new(NULL, 0);
    set_desc(r, GDT, 7, DATA, 0xff, 0xf2, 0);           /* small, DPL 3 */
    to_ring3(r, sslim, sizeof sslim);
    run(r, 10);
    assert_in_handler(r, 12);
    ck_assert_uint_eq(r->cpu->regs[R_ESP], STACK0 - 24);
    ck_assert_uint_eq(rd32(r, STACK0 - 24), 0);
    ck_assert_uint_eq(rd32(r, STACK0 - 20), CODE3 + 11);
    ck_assert_uint_eq(rd32(r, STACK0 - 8), 0x102);       /* ESP before the push */
    rig_free(r);
    /* the same at ring 0: the handler's frame cannot be pushed either, so
     * #SS during #SS gives #DF, whose frame fails too: shutdown */
    static const uint8_t sslim0[] = { 0x66, 0xb8, 0x38, 0x00, 0x8e, 0xd0,
                                      0xbc, 0x02, 0x01, 0x00, 0x00, 0x50, 0xf4 };
    r = pm_new(sslim0, sizeof sslim0);
    ck_assert_int_eq(run(r, 10), CPU_EXIT_SHUTDOWN);
    rig_free(r);
}
END_TEST

START_TEST(pm_limits_expand_down_and_granularity)
{
    /* expand-down, B=0, limit 0xfff: offsets 0x1000-0xffff valid */
    static const uint8_t ok[] = { 0x66, 0xb8, 0x40, 0x00, 0x8e, 0xd8,
                                  0x8a, 0x05, 0x00, 0x10, 0x00, 0x00,   /* mov al,[0x1000] */
                                  0x66, 0x8b, 0x0d, 0xfe, 0xff, 0x00, 0x00,   /* mov cx,[0xfffe] */
                                  0xf4 };
    PmRig *r = pm_new(ok, sizeof ok);
    wr8(r, DATA + 0x1000, 0x5a);
    run(r, 10);
    ck_assert(r->cpu->halted);
    ck_assert_uint_eq(r->cpu->eip, CODE + sizeof ok);
    ck_assert_uint_eq(r->cpu->regs[R_EAX] & 0xff, 0x5a);
    rig_free(r);
    static const uint8_t low[] = { 0x66, 0xb8, 0x40, 0x00, 0x8e, 0xd8,
                                   0x8a, 0x05, 0xff, 0x0f, 0x00, 0x00, 0xf4 };  /* [0xfff] */
    expect_fault(low, sizeof low, 13, 0, 6);
    static const uint8_t high[] = { 0x66, 0xb8, 0x40, 0x00, 0x8e, 0xd8,
                                    0x66, 0x8b, 0x05, 0xff, 0xff, 0x00, 0x00, 0xf4 };  /* word [0xffff] */
    expect_fault(high, sizeof high, 13, 0, 6);
    /* B=1: the upper bound is 4 GiB */
    static const uint8_t big[] = { 0x66, 0xb8, 0x68, 0x00, 0x8e, 0xd8,
                                   0x8a, 0x05, 0x00, 0x00, 0x01, 0x00, 0xf4 };  /* [0x10000] */
    r = pm_new(big, sizeof big);
    run(r, 10);
    ck_assert_uint_eq(r->cpu->eip, CODE + sizeof big);
    rig_free(r);
    /* byte-granular limit 0xff: a word at 0xff crosses it */
    static const uint8_t small[] = { 0x66, 0xb8, 0x38, 0x00, 0x8e, 0xc0,
                                     0x26, 0x8a, 0x05, 0xff, 0x00, 0x00, 0x00,       /* al,es:[0xff] ok */
                                     0x26, 0x66, 0x8b, 0x05, 0xff, 0x00, 0x00, 0x00, 0xf4 };
    expect_fault(small, sizeof small, 13, 0, 13);
    /* 4 KiB granular limit 0 covers 0-0xfff */
    static const uint8_t gran[] = { 0x66, 0xb8, 0x70, 0x00, 0x8e, 0xd8,
                                    0x8a, 0x05, 0xff, 0x0f, 0x00, 0x00,              /* ok */
                                    0x8a, 0x05, 0x00, 0x10, 0x00, 0x00, 0xf4 };      /* #GP */
    expect_fault(gran, sizeof gran, 13, 0, 12);
}
END_TEST

START_TEST(pm_lar_lsl_verr_arpl)
{
    static const uint8_t code[] = {
        0x66, 0xb8, 0x48, 0x00,             /* mov ax,0x48 (read-only data) */
        0x0f, 0x02, 0xd8,                   /* lar ebx,eax */
        0x0f, 0x03, 0xc8,                   /* lsl ecx,eax */
        0x0f, 0x00, 0xe8,                   /* verw ax -> ZF=0 */
        0x9c,                               /* pushf */
        0x0f, 0x00, 0xe0,                   /* verr ax -> ZF=1 */
        0x9c,                               /* pushf */
        0x66, 0xba, 0x01, 0x00,             /* mov dx,1 */
        0x66, 0xbe, 0x03, 0x00,             /* mov si,3 */
        0x66, 0x63, 0xf2,                   /* arpl dx,si -> dx=3, ZF=1 */
        0xf4,
    };
    PmRig *r = pm_new(code, sizeof code);
    run(r, 20);
    CpuState *cpu = r->cpu;
    ck_assert(cpu->halted);
    ck_assert_uint_eq(cpu->regs[R_EBX], 0x00009000u);      /* P, DPL 0, S, type 0 */
    ck_assert_uint_eq(cpu->regs[R_ECX], 0xffff);
    ck_assert_uint_eq(rd32(r, STACK0 - 4) & 0x40, 0);      /* verw: ZF=0 */
    ck_assert_uint_eq(rd32(r, STACK0 - 8) & 0x40, 0x40);   /* verr: ZF=1 */
    ck_assert_uint_eq(cpu->regs[R_EDX] & 0xffff, 3);
    ck_assert_uint_eq(cpu_get_eflags(cpu) & 0x40, 0x40);
    rig_free(r);
}
END_TEST

/* ---- gates and privilege ------------------------------------------------------------------ */

START_TEST(pm_call_gate_to_ring0_and_back)
{
    static const uint8_t ring0[] = {
        0x8b, 0x44, 0x24, 0x08,             /* mov eax,[esp+8] (the parameter) */
        0x89, 0xe3,                         /* mov ebx,esp */
        0x66, 0xb9, 0x10, 0x00,             /* mov cx,0x10 */
        0x8e, 0xd9,                         /* mov ds,cx (DPL 0: nulled on return) */
        0xca, 0x04, 0x00,                   /* retf 4 */
    };
    static const uint8_t ring3[] = {
        0x68, 0x34, 0x12, 0x00, 0x00,       /* push 0x1234 */
        0x9a, 0x00, 0x00, 0x00, 0x00, 0x63, 0x00,   /* call 0x63:0 (gate, RPL 3) */
        0xeb, 0xfe,                         /* jmp $ */
    };
    PmRig *r = pm_new(NULL, 0);
    memcpy(r->ram + CODE + 0x800, ring0, sizeof ring0);
    to_ring3(r, ring3, sizeof ring3);
    run(r, 20);
    CpuState *cpu = r->cpu;
    ck_assert_uint_eq(cpu->regs[R_EAX], 0x1234);
    ck_assert_uint_eq(cpu->regs[R_EBX], STACK0 - 20);     /* EIP CS param ESP SS */
    ck_assert_uint_eq(rd32(r, STACK0 - 4), S_DATA3 | 3);   /* old SS */
    ck_assert_uint_eq(rd32(r, STACK0 - 8), STACK3 - 4);    /* old ESP */
    ck_assert_uint_eq(rd32(r, STACK0 - 12), 0x1234);       /* copied parameter */
    ck_assert_uint_eq(cpu->cpl, 3);
    ck_assert_uint_eq(cpu->seg[SEG_CS].sel, S_CODE3 | 3);
    ck_assert_uint_eq(cpu->seg[SEG_SS].sel, S_DATA3 | 3);
    ck_assert_uint_eq(cpu->regs[R_ESP], STACK3);
    ck_assert_uint_eq(cpu->seg[SEG_DS].sel, 0);             /* nulled by RET */
    ck_assert_uint_eq(cpu->eip, CODE3 + 12);
    rig_free(r);
}
END_TEST

START_TEST(pm_ring3_privilege_faults)
{
    /* ring 3 loading a DPL 0 data segment: #GP(selector) */
    static const uint8_t ld[] = { 0x66, 0xb8, 0x10, 0x00, 0x8e, 0xd8, 0xeb, 0xfe };
    PmRig *r = pm_new(NULL, 0);
    to_ring3(r, ld, sizeof ld);
    run(r, 10);
    assert_in_handler(r, 13);
    ck_assert_uint_eq(r->cpu->regs[R_ESP], STACK0 - 24);   /* err EIP CS EFL ESP SS */
    ck_assert_uint_eq(rd32(r, STACK0 - 24), 0x10);
    ck_assert_uint_eq(rd32(r, STACK0 - 20), CODE3 + 4);
    ck_assert_uint_eq(rd32(r, STACK0 - 4), S_DATA3 | 3);
    rig_free(r);
    /* INT n through a DPL 0 gate from ring 3: #GP(vector*8+2) */
    static const uint8_t in[] = { 0xcd, 0x40, 0xeb, 0xfe };
    r = pm_new(NULL, 0);
    to_ring3(r, in, sizeof in);
    run(r, 10);
    assert_in_handler(r, 13);
    ck_assert_uint_eq(rd32(r, r->cpu->regs[R_ESP]), 0x40 * 8 + 2);
    rig_free(r);
    /* CLI with IOPL 0 at CPL 3, HLT at CPL 3: #GP(0); IN through the bitmap */
    static const uint8_t cli[] = { 0xfa, 0xeb, 0xfe };
    r = pm_new(NULL, 0);
    to_ring3(r, cli, sizeof cli);
    run(r, 10);
    assert_in_handler(r, 13);
    ck_assert_uint_eq(rd32(r, r->cpu->regs[R_ESP]), 0);
    rig_free(r);
    static const uint8_t io[] = { 0xe4, 0x70,     /* in al,0x70: allowed by the bitmap */
                                  0xe4, 0x80,     /* in al,0x80: denied */
                                  0xeb, 0xfe };
    r = pm_new(NULL, 0);
    to_ring3(r, io, sizeof io);
    run(r, 10);
    assert_in_handler(r, 13);
    ck_assert_uint_eq(rd32(r, r->cpu->regs[R_ESP] + 4), CODE3 + 2);
    rig_free(r);
}
END_TEST

START_TEST(pm_interrupt_vs_trap_gate)
{
    static const uint8_t code[] = { 0xfb, 0xcd, 0x40, 0xf4 };   /* sti; int 0x40 */
    PmRig *r = pm_new(code, sizeof code);
    run(r, 10);
    assert_in_handler(r, 0x40);
    ck_assert_uint_eq(cpu_get_eflags(r->cpu) & EFLAGS_IF, 0);          /* interrupt gate */
    ck_assert_uint_eq(rd32(r, STACK0 - 4) & EFLAGS_IF, EFLAGS_IF);     /* pushed EFLAGS */
    ck_assert_uint_eq(rd32(r, STACK0 - 8), S_CODE0);
    ck_assert_uint_eq(rd32(r, STACK0 - 12), CODE + 3);                 /* after INT */
    rig_free(r);
    r = pm_new(code, sizeof code);
    set_gate(r, IDT, 0x40, S_CODE0, HANDLER(0x40), 0x8f, 0);   /* trap gate */
    run(r, 10);
    assert_in_handler(r, 0x40);
    ck_assert_uint_eq(cpu_get_eflags(r->cpu) & EFLAGS_IF, EFLAGS_IF);
    ck_assert_uint_eq(rd32(r, STACK0 - 12), CODE + 3);     /* return EIP */
    rig_free(r);
}
END_TEST

/* ---- paging ---------------------------------------------------------------------------------- */

enum { PG_P = 1, PG_RW = 2, PG_US = 4, PG_A = 0x20, PG_D = 0x40, PG_PS = 0x80, PG_G = 0x100 };

/* Identity-map 0-4 MiB (user, writable) and turn paging on. */
static void paging_on(PmRig *r, uint32_t cr0_extra, uint32_t cr4)
{
    for (uint32_t i = 0; i < 1024; i++)
        wr32(r, PT + 4 * i, (i << 12) | PG_P | PG_RW | PG_US);
    wr32(r, PD, PT | PG_P | PG_RW | PG_US);
    r->cpu->cr[3] = PD;
    r->cpu->cr[4] = cr4;
    r->cpu->cr[0] |= CR0_PG | cr0_extra;
    cpu_state_loaded(r->cpu);
}

static void expect_pf(PmRig *r, uint32_t err, uint32_t cr2)
{
    run(r, 20);
    assert_in_handler(r, 14);
    ck_assert_uint_eq(rd32(r, r->cpu->regs[R_ESP]), err);
    ck_assert_uint_eq(r->cpu->cr[2], cr2);
}

START_TEST(pm_page_fault_codes)
{
    static const uint8_t rd[] = { 0x8b, 0x05, 0x00, 0x00, 0x20, 0x00, 0xf4 };   /* mov eax,[0x200000] */
    static const uint8_t wr[] = { 0x89, 0x05, 0x00, 0x10, 0x20, 0x00, 0xf4 };   /* mov [0x201000],eax */
    /* not present, supervisor read: 0 */
    PmRig *r = pm_new(rd, sizeof rd);
    paging_on(r, 0, 0);
    wr32(r, PT + 4 * 0x200, 0);
    expect_pf(r, 0, 0x200000);
    rig_free(r);
    /* read-only page, supervisor write: allowed with WP=0 ... */
    r = pm_new(wr, sizeof wr);
    paging_on(r, 0, 0);
    wr32(r, PT + 4 * 0x201, 0x201000 | PG_P | PG_US);
    run(r, 10);
    ck_assert_uint_eq(r->cpu->eip, CODE + sizeof wr);
    rig_free(r);
    /* ... and a fault with WP=1: P|W */
    r = pm_new(wr, sizeof wr);
    paging_on(r, CR0_WP, 0);
    wr32(r, PT + 4 * 0x201, 0x201000 | PG_P | PG_US);
    expect_pf(r, 3, 0x201000);
    rig_free(r);
    /* user read of a supervisor page: P|U; user write to read-only: P|W|U */
    static const uint8_t urd[] = { 0x8b, 0x05, 0x00, 0x20, 0x20, 0x00, 0xeb, 0xfe };
    r = pm_new(NULL, 0);
    paging_on(r, 0, 0);
    wr32(r, PT + 4 * 0x202, 0x202000 | PG_P | PG_RW);
    to_ring3(r, urd, sizeof urd);
    expect_pf(r, 5, 0x202000);
    rig_free(r);
    static const uint8_t uwr[] = { 0x89, 0x05, 0x00, 0x10, 0x20, 0x00, 0xeb, 0xfe };
    r = pm_new(NULL, 0);
    paging_on(r, 0, 0);
    wr32(r, PT + 4 * 0x201, 0x201000 | PG_P | PG_US);
    to_ring3(r, uwr, sizeof uwr);
    expect_pf(r, 7, 0x201000);
    /* the handler ran on the ring-0 stack with the user frame */
    ck_assert_uint_eq(rd32(r, r->cpu->regs[R_ESP] + 4), CODE3);
    rig_free(r);
    /* user not-present write: W|U */
    r = pm_new(NULL, 0);
    paging_on(r, 0, 0);
    wr32(r, PT + 4 * 0x201, 0);
    to_ring3(r, uwr, sizeof uwr);
    expect_pf(r, 6, 0x201000);
    rig_free(r);
}
END_TEST

START_TEST(pm_paging_4m_pages_and_ad_bits)
{
    static const uint8_t code[] = {
        0x8b, 0x05, 0x10, 0x00, 0x40, 0x00,     /* mov eax,[0x400010] (4 MiB page) */
        0x8b, 0x1d, 0x00, 0x30, 0x20, 0x00,     /* mov ebx,[0x203000] */
        0x89, 0x1d, 0x04, 0x40, 0x20, 0x00,     /* mov [0x204004],ebx */
        0xf4,
    };
    PmRig *r = pm_new(code, sizeof code);
    paging_on(r, 0, 0x10);                      /* CR4.PSE */
    wr32(r, PD + 4, 0x800000 | PG_P | PG_RW | PG_PS);
    wr32(r, 0x800010, 0x4d4d4d4d);
    wr32(r, 0x203000, 0x11223344);
    run(r, 10);
    ck_assert(r->cpu->halted);
    ck_assert_uint_eq(r->cpu->regs[R_EAX], 0x4d4d4d4d);
    ck_assert_uint_eq(rd32(r, PD + 4) & (PG_A | PG_D), PG_A);
    ck_assert_uint_eq(rd32(r, PD) & PG_A, PG_A);
    ck_assert_uint_eq(rd32(r, PT + 4 * 0x203) & (PG_A | PG_D), PG_A);
    ck_assert_uint_eq(rd32(r, PT + 4 * 0x204) & (PG_A | PG_D), PG_A | PG_D);
    ck_assert_uint_eq(rd32(r, 0x204004), 0x11223344);
    rig_free(r);
    /* reserved bits 13-21 in a 4 MiB PDE: P|RSVD */
    r = pm_new(code, sizeof code);
    paging_on(r, 0, 0x10);
    wr32(r, PD + 4, 0x800000 | PG_P | PG_RW | PG_PS | 0x2000);
    expect_pf(r, 9, 0x400010);
    rig_free(r);
}
END_TEST

START_TEST(pm_invlpg_and_global_pages)
{
    static const uint8_t code[] = {
        0x8b, 0x05, 0x00, 0x50, 0x20, 0x00,     /* mov eax,[0x205000] */
        0xc7, 0x05, 0x14, 0x48, 0x00, 0x00,     /* mov dword [PT+0x205*4],0x301003 */
        0x03, 0x10, 0x30, 0x00,
        0x8b, 0x1d, 0x00, 0x50, 0x20, 0x00,     /* mov ebx,[0x205000]: stale TLB */
        0x0f, 0x01, 0x3d, 0x00, 0x50, 0x20, 0x00,   /* invlpg [0x205000] */
        0x8b, 0x0d, 0x00, 0x50, 0x20, 0x00,     /* mov ecx,[0x205000] */
        0xf4,
    };
    PmRig *r = pm_new(code, sizeof code);
    paging_on(r, 0, 0);
    wr32(r, 0x205000, 0xaaaa0000);
    wr32(r, 0x301000, 0xbbbb0000);
    run(r, 20);
    ck_assert(r->cpu->halted);
    ck_assert_uint_eq(r->cpu->regs[R_EAX], 0xaaaa0000);
    ck_assert_uint_eq(r->cpu->regs[R_EBX], 0xaaaa0000);
    ck_assert_uint_eq(r->cpu->regs[R_ECX], 0xbbbb0000);
    rig_free(r);
    /* CR3 reload keeps a global entry (CR4.PGE), drops the others */
    static const uint8_t g[] = {
        0x8b, 0x05, 0x00, 0x50, 0x20, 0x00,     /* mov eax,[0x205000] (global) */
        0x8b, 0x1d, 0x00, 0x60, 0x20, 0x00,     /* mov ebx,[0x206000] (not global) */
        0xc7, 0x05, 0x14, 0x48, 0x00, 0x00, 0x03, 0x10, 0x30, 0x00,   /* remap both */
        0xc7, 0x05, 0x18, 0x48, 0x00, 0x00, 0x03, 0x10, 0x30, 0x00,
        0x0f, 0x20, 0xda,                       /* mov edx,cr3 */
        0x0f, 0x22, 0xda,                       /* mov cr3,edx */
        0x8b, 0x0d, 0x00, 0x50, 0x20, 0x00,     /* mov ecx,[0x205000]: still old */
        0x8b, 0x35, 0x00, 0x60, 0x20, 0x00,     /* mov esi,[0x206000]: new */
        0xf4,
    };
    r = pm_new(g, sizeof g);
    paging_on(r, 0, 0x80);                      /* CR4.PGE */
    wr32(r, PT + 4 * 0x205, 0x205000 | PG_P | PG_RW | PG_G);
    wr32(r, 0x205000, 0x55550000);
    wr32(r, 0x206000, 0x66660000);
    wr32(r, 0x301000, 0x77770000);
    run(r, 20);
    ck_assert(r->cpu->halted);
    ck_assert_uint_eq(r->cpu->regs[R_ECX], 0x55550000);
    ck_assert_uint_eq(r->cpu->regs[R_ESI], 0x77770000);
    rig_free(r);
}
END_TEST

/* ---- tasks --------------------------------------------------------------------------------- */

static void tss_b_init(PmRig *r, uint32_t eip)
{
    wr32(r, TSS_B + 0x20, eip);
    wr32(r, TSS_B + 0x24, 0x2);
    wr32(r, TSS_B + 0x38, STACK0 - 0x1000);      /* ESP */
    wr32(r, TSS_B + 0x48, S_DATA0);              /* ES */
    wr32(r, TSS_B + 0x4c, S_CODE0);              /* CS */
    wr32(r, TSS_B + 0x50, S_DATA0);              /* SS */
    wr32(r, TSS_B + 0x54, S_DATA0);              /* DS */
}

START_TEST(pm_task_switch_jmp_and_back)
{
    static const uint8_t code[] = {
        0xb8, 0xaa, 0xaa, 0x00, 0x00,           /* mov eax,0xaaaa */
        0xea, 0x00, 0x00, 0x00, 0x00, 0x30, 0x00,   /* jmp 0x30:0 (TSS B) */
        0xf4,
    };
    static const uint8_t task_b[] = {
        0xb8, 0xbb, 0xbb, 0x00, 0x00,           /* mov eax,0xbbbb */
        0xea, 0x00, 0x00, 0x00, 0x00, 0x28, 0x00,   /* jmp 0x28:0 (TSS A) */
    };
    PmRig *r = pm_new(code, sizeof code);
    memcpy(r->ram + CODE + 0x400, task_b, sizeof task_b);
    tss_b_init(r, CODE + 0x400);
    run(r, 3);                                  /* mov, jmp: now in task B */
    CpuState *cpu = r->cpu;
    ck_assert_uint_eq(cpu->tr.sel, S_TSSB);
    ck_assert_uint_eq(r->ram[GDT + S_TSSA + 5], 0x89);      /* A available */
    ck_assert_uint_eq(r->ram[GDT + S_TSSB + 5], 0x8b);      /* B busy */
    ck_assert_uint_eq(rd32(r, TSS_A + 0x20), CODE + 12);    /* A's saved EIP */
    ck_assert_uint_eq(rd32(r, TSS_A + 0x28), 0xaaaa);       /* A's saved EAX */
    ck_assert_uint_eq(cpu->cr[0] & CR0_TS, CR0_TS);
    ck_assert_uint_eq(cpu->regs[R_ESP], STACK0 - 0x1000);
    run(r, 10);
    ck_assert(cpu->halted);
    ck_assert_uint_eq(cpu->tr.sel, S_TSSA);
    ck_assert_uint_eq(cpu->eip, CODE + 13);
    ck_assert_uint_eq(cpu->regs[R_EAX], 0xaaaa);
    ck_assert_uint_eq(rd32(r, TSS_B + 0x28), 0xbbbb);
    ck_assert_uint_eq(r->ram[GDT + S_TSSA + 5], 0x8b);
    ck_assert_uint_eq(r->ram[GDT + S_TSSB + 5], 0x89);
    rig_free(r);
}
END_TEST

START_TEST(pm_task_switch_call_iret_nested)
{
    static const uint8_t code[] = {
        0x9a, 0x00, 0x00, 0x00, 0x00, 0x30, 0x00,   /* call 0x30:0 */
        0xf4,
    };
    static const uint8_t task_b[] = { 0x9c, 0xcf };  /* pushf; iret */
    PmRig *r = pm_new(code, sizeof code);
    memcpy(r->ram + CODE + 0x400, task_b, sizeof task_b);
    tss_b_init(r, CODE + 0x400);
    run(r, 2);
    CpuState *cpu = r->cpu;
    ck_assert_uint_eq(cpu->tr.sel, S_TSSB);
    ck_assert_uint_eq(rd16(r, TSS_B), S_TSSA);              /* back link */
    ck_assert_uint_eq(rd32(r, STACK0 - 0x1000 - 4) & EFLAGS_NT, EFLAGS_NT);
    ck_assert_uint_eq(r->ram[GDT + S_TSSA + 5], 0x8b);      /* both busy */
    ck_assert_uint_eq(r->ram[GDT + S_TSSB + 5], 0x8b);
    run(r, 10);
    ck_assert(cpu->halted);
    ck_assert_uint_eq(cpu->tr.sel, S_TSSA);
    ck_assert_uint_eq(cpu->eip, CODE + 8);
    ck_assert_uint_eq(r->ram[GDT + S_TSSB + 5], 0x89);
    ck_assert_uint_eq(rd32(r, TSS_B + 0x24) & EFLAGS_NT, 0);  /* cleared in B's image */
    rig_free(r);
}
END_TEST

START_TEST(pm_task_switch_16bit_tss)
{
    static const uint8_t code[] = {
        0xb8, 0xaa, 0xaa, 0x00, 0x00,           /* mov eax,0xaaaa */
        0xea, 0x00, 0x00, 0x00, 0x00, 0x30, 0x00,   /* jmp 0x30:0 (16-bit TSS) */
        0xf4,
    };
    static const uint8_t task_b[] = {
        0xb8, 0x16, 0x16, 0x00, 0x00,           /* mov eax,0x1616 */
        0xea, 0x00, 0x00, 0x00, 0x00, 0x28, 0x00,   /* jmp 0x28:0 */
    };
    PmRig *r = pm_new(code, sizeof code);
    set_desc(r, GDT, 6, TSS_B, 0x2b, 0x81, 0);  /* 16-bit TSS */
    memcpy(r->ram + 0x9000, task_b, sizeof task_b);
    wr16(r, TSS_B + 0x0e, 0x9000);              /* IP */
    wr16(r, TSS_B + 0x10, 0x0002);              /* FLAGS */
    wr16(r, TSS_B + 0x1a, 0x6000);              /* SP */
    wr16(r, TSS_B + 0x22, S_DATA0);             /* ES */
    wr16(r, TSS_B + 0x24, S_CODE0);             /* CS */
    wr16(r, TSS_B + 0x26, S_DATA0);             /* SS */
    wr16(r, TSS_B + 0x28, S_DATA0);             /* DS */
    run(r, 2);
    CpuState *cpu = r->cpu;
    ck_assert_uint_eq(cpu->tr.sel, S_TSSB);
    ck_assert_uint_eq(cpu->eip, 0x9000);
    ck_assert_uint_eq(cpu->regs[R_ESP] & 0xffff, 0x6000);
    ck_assert_uint_eq(cpu->seg[SEG_FS].sel, 0);             /* no FS/GS in a 286 TSS */
    ck_assert_uint_eq(r->ram[GDT + S_TSSB + 5], 0x83);      /* busy 16-bit TSS */
    run(r, 10);
    ck_assert(cpu->halted);
    ck_assert_uint_eq(cpu->tr.sel, S_TSSA);
    ck_assert_uint_eq(cpu->regs[R_EAX], 0xaaaa);
    ck_assert_uint_eq(rd16(r, TSS_B + 0x12), 0x1616);       /* AX saved, 16 bits */
    ck_assert_uint_eq(rd16(r, TSS_B + 0x0e), 0x900c);       /* IP after the JMP */
    ck_assert_uint_eq(r->ram[GDT + S_TSSB + 5], 0x81);
    rig_free(r);
}
END_TEST

START_TEST(pm_ldt_segments)
{
    static const uint8_t code[] = {
        0x66, 0xb8, 0x78, 0x00,             /* mov ax,0x78 */
        0x0f, 0x00, 0xd0,                   /* lldt ax */
        0x66, 0xb8, 0x0c, 0x00,             /* mov ax,0x0c (LDT entry 1) */
        0x8e, 0xd8,                         /* mov ds,ax */
        0x8b, 0x1d, 0x00, 0x00, 0x00, 0x00, /* mov ebx,[0] */
        0x0f, 0x00, 0xc1,                   /* sldt ecx */
        0x66, 0xb8, 0x1c, 0x00,             /* mov ax,0x1c (beyond the LDT limit) */
        0x8e, 0xc0,                         /* mov es,ax: #GP(0x1c) */
        0xf4,
    };
    PmRig *r = pm_new(code, sizeof code);
    set_desc(r, GDT, 15, 0x5000, 15, 0x82, 0);      /* LDT with two entries */
    set_desc(r, 0x5000, 1, DATA + 0x100, 0xff, 0x92, 0);
    wr32(r, DATA + 0x100, 0x1d7d1d7d);
    run(r, 20);
    CpuState *cpu = r->cpu;
    assert_in_handler(r, 13);
    ck_assert_uint_eq(rd32(r, cpu->regs[R_ESP]), 0x1c);     /* TI kept in the error code */
    ck_assert_uint_eq(cpu->regs[R_EBX], 0x1d7d1d7d);
    ck_assert_uint_eq(cpu->regs[R_ECX], 0x78);
    ck_assert_uint_eq(cpu->ldtr.base, 0x5000);
    ck_assert_uint_eq(cpu->seg[SEG_DS].sel, 0x0c);
    rig_free(r);
}
END_TEST

START_TEST(pm_task_gate_for_double_fault)
{
    /* #GP with a missing gate -> #DF, delivered through a task gate to TSS B;
     * the error code 0 lands on the new task's stack, the back link is A */
    static const uint8_t code[] = { 0x31, 0xc0, 0x8e, 0xd0, 0xf4 };   /* mov ss,0: #GP */
    static const uint8_t task_b[] = { 0xf4 };
    PmRig *r = pm_new(code, sizeof code);
    memcpy(r->ram + CODE + 0x400, task_b, sizeof task_b);
    tss_b_init(r, CODE + 0x400);
    set_gate(r, IDT, 13, S_CODE0, HANDLER(13), 0x0e, 0);   /* not present */
    set_gate(r, IDT, 8, S_TSSB, 0, 0x85, 0);               /* task gate */
    run(r, 10);
    CpuState *cpu = r->cpu;
    ck_assert(cpu->halted);
    ck_assert_uint_eq(cpu->tr.sel, S_TSSB);
    ck_assert_uint_eq(cpu->eip, CODE + 0x401);
    ck_assert_uint_eq(cpu->regs[R_ESP], STACK0 - 0x1000 - 4);
    ck_assert_uint_eq(rd32(r, STACK0 - 0x1000 - 4), 0);
    ck_assert_uint_eq(rd16(r, TSS_B), S_TSSA);
    ck_assert_uint_eq(rd32(r, TSS_A + 0x20), CODE + 2);     /* the faulting MOV */
    ck_assert_uint_eq(cpu_get_eflags(cpu) & EFLAGS_NT, EFLAGS_NT);
    rig_free(r);
}
END_TEST

START_TEST(pm_iret_to_ring3_and_nmi_blocking)
{
    static const uint8_t code[] = {
        0x6a, 0x23,                         /* push 0x23 (SS) */
        0x68, 0x00, 0x00, 0x08, 0x00,       /* push STACK3 */
        0x68, 0x02, 0x02, 0x00, 0x00,       /* push 0x202 (IF) */
        0x6a, 0x1b,                         /* push 0x1b (CS) */
        0x68, 0x00, 0x00, 0x02, 0x00,       /* push CODE3 */
        0xcf,                               /* iret -> ring 3 */
    };
    static const uint8_t ring3[] = { 0x90, 0x90, 0x90, 0xeb, 0xfe };
    static const uint8_t nmi[] = { 0x43, 0xcf };                 /* inc ebx; iret */
    PmRig *r = pm_new(code, sizeof code);
    memcpy(r->ram + CODE3, ring3, sizeof ring3);
    memcpy(r->ram + CODE + 0x300, nmi, sizeof nmi);
    set_gate(r, IDT, 2, S_CODE0, CODE + 0x300, 0x8e, 0);
    CpuState *cpu = r->cpu;
    run(r, 6);
    ck_assert_uint_eq(cpu->cpl, 3);
    ck_assert_uint_eq(cpu->seg[SEG_CS].sel, 0x1b);
    ck_assert_uint_eq(cpu->regs[R_ESP], STACK3);
    ck_assert_uint_eq(cpu_get_eflags(cpu) & EFLAGS_IF, EFLAGS_IF);
    ck_assert_uint_eq(cpu->eip, CODE3);
    cpu_raise_nmi(cpu);
    run(r, 1);                              /* NMI delivered to ring 0 */
    ck_assert_uint_eq(cpu->eip, CODE + 0x300);
    ck_assert_uint_eq(cpu->cpl, 0);
    cpu_raise_nmi(cpu);
    run(r, 1);                              /* blocked: inc ebx runs */
    ck_assert_uint_eq(cpu->eip, CODE + 0x301);
    run(r, 1);                              /* iret: back to ring 3, unblocked */
    ck_assert_uint_eq(cpu->cpl, 3);
    ck_assert_uint_eq(cpu->eip, CODE3);
    run(r, 3);                              /* second NMI, inc, iret */
    ck_assert_uint_eq(cpu->regs[R_EBX], 2);
    ck_assert_uint_eq(cpu->cpl, 3);
    rig_free(r);
}
END_TEST

START_TEST(pm_instruction_breakpoint_and_rf)
{
    static const uint8_t code[] = {
        0xb8, 0x20, 0x00, 0x01, 0x00,       /* mov eax,CODE+0x20 */
        0x0f, 0x23, 0xc8,                   /* mov dr1,eax */
        0xb8, 0x04, 0x00, 0x00, 0x00,       /* mov eax,4: L1, R/W1 = 00 (execute) */
        0x0f, 0x23, 0xf8,                   /* mov dr7,eax */
        0xe9, 0x0b, 0x00, 0x00, 0x00,       /* jmp CODE+0x20 */
    };
    static const uint8_t handler[] = {
        0x43,                               /* inc ebx */
        0x81, 0x4c, 0x24, 0x08, 0x00, 0x00, 0x01, 0x00,   /* or dword [esp+8],RF */
        0xcf,                               /* iret */
    };
    PmRig *r = pm_new(code, sizeof code);
    wr8(r, CODE + 0x20, 0x41);              /* inc ecx */
    wr8(r, CODE + 0x21, 0xf4);
    memcpy(r->ram + CODE + 0x300, handler, sizeof handler);
    set_gate(r, IDT, 1, S_CODE0, CODE + 0x300, 0x8e, 0);
    run(r, 20);
    CpuState *cpu = r->cpu;
    ck_assert(cpu->halted);
    ck_assert_uint_eq(cpu->eip, CODE + 0x22);
    ck_assert_uint_eq(cpu->regs[R_EBX], 1);    /* one #DB: RF let the retry through */
    ck_assert_uint_eq(cpu->regs[R_ECX], 1);
    ck_assert_uint_eq(cpu->dr[6] & 0xf, 2);    /* B1 */
    ck_assert_uint_eq(cpu_get_eflags(cpu) & EFLAGS_RF, 0);
    rig_free(r);
}
END_TEST

/* ---- virtual-8086 mode ----------------------------------------------------------------------- */

/* From ring 0, IRET into V86 at 2000:0000 with the given IOPL. */
static PmRig *v86_new(const uint8_t *v86code, size_t len, unsigned iopl)
{
    static const uint8_t code[] = {
        0x6a, 0x00,                         /* push 0 (GS) */
        0x6a, 0x00,                         /* push 0 (FS) */
        0x68, 0x00, 0x30, 0x00, 0x00,       /* push 0x3000 (DS) */
        0x6a, 0x00,                         /* push 0 (ES) */
        0x68, 0x00, 0x10, 0x00, 0x00,       /* push 0x1000 (SS) */
        0x68, 0x00, 0xf0, 0x00, 0x00,       /* push 0xf000 (ESP) */
        0xff, 0x35, 0x00, 0x0f, 0x00, 0x00, /* push dword [0xf00] (EFLAGS) */
        0x68, 0x00, 0x20, 0x00, 0x00,       /* push 0x2000 (CS) */
        0x6a, 0x00,                         /* push 0 (EIP) */
        0xcf,                               /* iret */
    };
    PmRig *r = pm_new(code, sizeof code);
    wr32(r, 0xf00, EFLAGS_VM | (iopl << 12) | 2);
    memcpy(r->ram + CODE3, v86code, len);
    for (unsigned v = 0; v < 256; v++)
        set_gate(r, IDT, v, S_CODE0, HANDLER(v), 0xee, 0);   /* DPL 3 */
    return r;
}

START_TEST(pm_v86_enter_and_int)
{
    static const uint8_t v86[] = {
        0x8c, 0xd8,                         /* mov ax,ds */
        0x8e, 0xc0,                         /* mov es,ax (real-mode style load) */
        0xcd, 0x21,                         /* int 0x21 */
        0xeb, 0xfe,
    };
    PmRig *r = v86_new(v86, sizeof v86, 3);
    run(r, 12);                             /* 9 pushes, IRET, 2 moves */
    CpuState *cpu = r->cpu;
    ck_assert_uint_eq(cpu->eflags & EFLAGS_VM, EFLAGS_VM);   /* in V86 now */
    ck_assert_uint_eq(cpu->cpl, 3);
    ck_assert_uint_eq(cpu->seg[SEG_CS].base, 0x20000);
    ck_assert_uint_eq(cpu->seg[SEG_DS].base, 0x30000);
    run(r, 10);
    assert_in_handler(r, 0x21);
    ck_assert_uint_eq(cpu->cpl, 0);
    ck_assert_uint_eq(cpu_get_eflags(cpu) & EFLAGS_VM, 0);
    ck_assert_uint_eq(cpu->seg[SEG_DS].sel, 0);              /* data segments nulled */
    ck_assert_uint_eq(cpu->seg[SEG_ES].sel, 0);
    uint32_t sp = cpu->regs[R_ESP];
    ck_assert_uint_eq(sp, STACK0 - 36);
    ck_assert_uint_eq(rd32(r, sp), 6);                       /* EIP after INT */
    ck_assert_uint_eq(rd32(r, sp + 4), 0x2000);              /* CS */
    ck_assert_uint_eq(rd32(r, sp + 8) & EFLAGS_VM, EFLAGS_VM);
    ck_assert_uint_eq(rd32(r, sp + 12), 0xf000);             /* ESP */
    ck_assert_uint_eq(rd32(r, sp + 16), 0x1000);             /* SS */
    ck_assert_uint_eq(rd32(r, sp + 20), 0x3000);             /* ES (= DS) */
    ck_assert_uint_eq(rd32(r, sp + 24), 0x3000);             /* DS */
    rig_free(r);
    /* IOPL 0: INT n is #GP(0), taken to the ring-0 handler */
    r = v86_new(v86, sizeof v86, 0);
    run(r, 30);
    assert_in_handler(r, 13);
    sp = r->cpu->regs[R_ESP];
    ck_assert_uint_eq(rd32(r, sp), 0);                       /* error code */
    ck_assert_uint_eq(rd32(r, sp + 4), 4);                   /* the INT itself */
    ck_assert_uint_eq(rd32(r, sp + 12) & EFLAGS_VM, EFLAGS_VM);
    rig_free(r);
}
END_TEST

START_TEST(pm_v86_vme_redirection_and_vif)
{
    static const uint8_t v86[] = {
        0xfa,                               /* cli: VIF=0 (IOPL 0, VME) */
        0x9c,                               /* pushf: IF image = VIF = 0, IOPL 3 */
        0xfb,                               /* sti: VIF=1 */
        0x9c,                               /* pushf: IF image = 1 */
        0xcd, 0x21,                         /* int 0x21: redirected to the IVT */
        0xcd, 0x30,                         /* int 0x30: bitmap bit set, IOPL 0: #GP */
        0xeb, 0xfe,
    };
    static const uint8_t handler21[] = { 0xcf };   /* iret (16-bit, VME) */
    PmRig *r = v86_new(v86, sizeof v86, 0);
    /* TSS A: redirection bitmap at 0x68, I/O map at 0x88 */
    set_desc(r, GDT, 5, TSS_A, 0xa8, 0x8b, 0);
    r->cpu->tr.limit = 0xa8;
    wr16(r, TSS_A + 0x66, 0x88);
    memset(r->ram + TSS_A + 0x68, 0, 0x40);
    wr8(r, TSS_A + 0x68 + 0x30 / 8, 1);            /* vector 0x30 -> protected mode */
    r->cpu->cr[4] = 1;                             /* CR4.VME */
    wr16(r, 0x21 * 4, 0x0100);                     /* 8086 IVT: 0x21 -> 0x2000:0100 */
    wr16(r, 0x21 * 4 + 2, 0x2000);
    memcpy(r->ram + CODE3 + 0x100, handler21, sizeof handler21);
    run(r, 14);                                    /* IRET into V86, cli, pushf, sti, pushf */
    CpuState *cpu = r->cpu;
    ck_assert_uint_eq(cpu->eflags & EFLAGS_VM, EFLAGS_VM);
    ck_assert_uint_eq(cpu->eflags & EFLAGS_VIF, EFLAGS_VIF);
    ck_assert_uint_eq(cpu->eflags & EFLAGS_IF, 0);
    ck_assert_uint_eq(rd16(r, 0x10000 + 0xeffe) & (EFLAGS_IF | EFLAGS_IOPL), EFLAGS_IOPL);
    ck_assert_uint_eq(rd16(r, 0x10000 + 0xeffc) & (EFLAGS_IF | EFLAGS_IOPL), EFLAGS_IF | EFLAGS_IOPL);
    run(r, 1);                                     /* int 0x21 -> 2000:0100 */
    ck_assert_uint_eq(cpu->eip, 0x100);
    ck_assert_uint_eq(cpu->eflags & EFLAGS_VIF, 0);
    ck_assert_uint_eq(rd16(r, 0x10000 + 0xeff6), 6);          /* return IP */
    ck_assert_uint_eq(rd16(r, 0x10000 + 0xeffa) & EFLAGS_IF, EFLAGS_IF);   /* VIF image */
    run(r, 1);                                     /* iret: VIF back from the image */
    ck_assert_uint_eq(cpu->eip, 6);
    ck_assert_uint_eq(cpu->eflags & EFLAGS_VIF, EFLAGS_VIF);
    run(r, 5);                                     /* int 0x30: #GP(0) */
    assert_in_handler(r, 13);
    ck_assert_uint_eq(rd32(r, cpu->regs[R_ESP]), 0);
    ck_assert_uint_eq(rd32(r, cpu->regs[R_ESP] + 4), 6);
    rig_free(r);
}
END_TEST

/* ---- double and triple fault, unreal mode ---------------------------------------------------------- */

START_TEST(pm_double_and_triple_fault)
{
    /* #GP whose gate is not present: #NP while delivering #GP -> #DF(0) */
    static const uint8_t code[] = { 0x31, 0xc0, 0x8e, 0xd0, 0xf4 };   /* mov ss,0: #GP */
    PmRig *r = pm_new(code, sizeof code);
    set_gate(r, IDT, 13, S_CODE0, HANDLER(13), 0x0e, 0);   /* P = 0 */
    run(r, 10);
    assert_in_handler(r, 8);
    ck_assert_uint_eq(rd32(r, r->cpu->regs[R_ESP]), 0);
    rig_free(r);
    /* a benign #UD whose gate is missing is delivered as #NP, not #DF */
    static const uint8_t ud[] = { 0x0f, 0x0b, 0xf4 };         /* ud2 */
    r = pm_new(ud, sizeof ud);
    set_gate(r, IDT, 6, S_CODE0, HANDLER(6), 0x0e, 0);
    run(r, 10);
    assert_in_handler(r, 11);
    ck_assert_uint_eq(rd32(r, r->cpu->regs[R_ESP]), 6 * 8 + 2 + 1);   /* IDT, EXT */
    rig_free(r);
    /* an empty IDT: #GP -> #DF -> shutdown */
    r = pm_new(code, sizeof code);
    r->cpu->idtr.limit = 0;
    ck_assert_int_eq(run(r, 10), CPU_EXIT_SHUTDOWN);
    rig_free(r);
}
END_TEST

START_TEST(pm_unreal_mode_survives_pe_clear)
{
    PmRig *r = rig_new();
    CpuState *cpu = r->cpu;
    build_tables(r);
    wr16(r, 0x900, 8 * GDT_ENTRIES - 1);
    wr32(r, 0x902, GDT);
    static const uint8_t code[] = {
        0x0f, 0x01, 0x16, 0x00, 0x09,       /* lgdt [0x900] */
        0x0f, 0x20, 0xc0,                   /* mov eax,cr0 */
        0x66, 0x83, 0xc8, 0x01,             /* or eax,1 */
        0x0f, 0x22, 0xc0,                   /* mov cr0,eax */
        0xbb, 0x10, 0x00,                   /* mov bx,0x10 */
        0x8e, 0xdb,                         /* mov ds,bx (4 GiB limit) */
        0x66, 0x83, 0xe0, 0xfe,             /* and eax,~1 */
        0x0f, 0x22, 0xc0,                   /* mov cr0,eax */
        0x31, 0xdb,                         /* xor bx,bx */
        0x8e, 0xdb,                         /* mov ds,bx (real mode: limit kept) */
        0x67, 0x66, 0x8b, 0x0d, 0x00, 0x00, 0x20, 0x00,   /* mov ecx,[dword 0x200000] */
        0xf4,
    };
    memcpy(r->ram + CODE, code, sizeof code);
    wr32(r, 0x200000, 0x600dbeef);
    cpu_set_seg_real(cpu, SEG_CS, CODE >> 4);
    cpu_set_seg_real(cpu, SEG_DS, 0);
    cpu->eip = 0;
    run(r, 30);
    ck_assert(cpu->halted);
    ck_assert_uint_eq(cpu->cr[0] & CR0_PE, 0);
    ck_assert_uint_eq(cpu->regs[R_ECX], 0x600dbeef);
    ck_assert_uint_eq(cpu->seg[SEG_DS].limit, 0xffffffffu);
    rig_free(r);
}
END_TEST

/* ---- system instructions ----------------------------------------------------------------------- */

START_TEST(pm_msrs_cpuid_sysenter)
{
    static const uint8_t code[] = {
        0xb9, 0x74, 0x01, 0x00, 0x00,       /* mov ecx,0x174 */
        0xb8, 0x08, 0x00, 0x00, 0x00,       /* mov eax,8 */
        0x31, 0xd2,                         /* xor edx,edx */
        0x0f, 0x30,                         /* wrmsr SYSENTER_CS = 8 */
        0x41,                               /* inc ecx */
        0xb8, 0x00, 0x00, 0x07, 0x00,       /* mov eax,0x70000 */
        0x0f, 0x30,                         /* wrmsr SYSENTER_ESP */
        0x41,                               /* inc ecx */
        0xb8, 0x00, 0x08, 0x01, 0x00,       /* mov eax,0x10800 */
        0x0f, 0x30,                         /* wrmsr SYSENTER_EIP */
        0xb8, 0x01, 0x00, 0x00, 0x00,       /* mov eax,1 */
        0x0f, 0xa2,                         /* cpuid */
        0x89, 0xd5,                         /* mov ebp,edx */
        0xb9, 0x1b, 0x00, 0x00, 0x00,       /* mov ecx,0x1b */
        0x0f, 0x32,                         /* rdmsr APIC_BASE */
        0x89, 0xc6,                         /* mov esi,eax */
        0xb9, 0x00, 0x00, 0x20, 0x00,       /* mov ecx,0x200000 */
        0xba, 0x20, 0x00, 0x02, 0x00,       /* mov edx,0x20020 */
        0x0f, 0x35,                         /* sysexit -> ring 3 at 0x20020 */
    };
    static const uint8_t ring3[] = { 0x0f, 0x34 };   /* sysenter -> 0x10800 */
    PmRig *r = pm_new(code, sizeof code);
    memcpy(r->ram + CODE3 + 0x20, ring3, sizeof ring3);
    wr8(r, CODE + 0x800, 0xf4);
    run(r, 30);
    CpuState *cpu = r->cpu;
    ck_assert(cpu->halted);
    ck_assert_uint_eq(cpu->eip, CODE + 0x801);
    ck_assert_uint_eq(cpu->regs[R_ESP], 0x70000);
    ck_assert_uint_eq(cpu->seg[SEG_SS].sel, 0x10);
    ck_assert_uint_eq(cpu->regs[R_ESI], 0xfee00900u);
    uint32_t want = (1u << 1) | (1u << 2) | (1u << 3) | (1u << 4) | (1u << 5) | (1u << 8) | (1u << 11) |
                    (1u << 13) | (1u << 15);
    ck_assert_uint_eq(cpu->regs[R_EBP] & want, want);
    ck_assert_uint_eq(cpu->regs[R_EBP] & ((1u << 6) | (1u << 9)), 0);  /* no PAE, no APIC */
    rig_free(r);
    /* unknown MSR: #GP(0) */
    static const uint8_t bad[] = { 0xb9, 0x34, 0x12, 0x00, 0x00, 0x0f, 0x32, 0xf4 };
    expect_fault(bad, sizeof bad, 13, 0, 5);
    /* reserved CR4 bit (PAE: not offered): #GP(0) */
    static const uint8_t cr4[] = { 0xb8, 0x20, 0x00, 0x00, 0x00, 0x0f, 0x22, 0xe0, 0xf4 };
    expect_fault(cr4, sizeof cr4, 13, 0, 5);
}
END_TEST

START_TEST(pm_debug_single_step_and_breakpoints)
{
    static const uint8_t code[] = {
        0xb8, 0x00, 0x00, 0x03, 0x00,       /* mov eax,0x30000 */
        0x0f, 0x23, 0xc0,                   /* mov dr0,eax */
        0xb8, 0x01, 0x00, 0x0d, 0x00,       /* mov eax,0x000d0001: L0, RW0=01 LEN0=4 */
        0x0f, 0x23, 0xf8,                   /* mov dr7,eax */
        0x90,                               /* nop */
        0xc7, 0x05, 0x00, 0x00, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00,   /* mov [0x30000],1: #DB trap */
        0xf4,
    };
    PmRig *r = pm_new(code, sizeof code);
    run(r, 20);
    CpuState *cpu = r->cpu;
    assert_in_handler(r, 1);
    ck_assert_uint_eq(cpu->dr[6] & 0xf, 1);
    ck_assert_uint_eq(rd32(r, cpu->regs[R_ESP]), CODE + 27);   /* after the store */
    ck_assert_uint_eq(rd32(r, DATA), 1);
    rig_free(r);
    /* single-step: TF set by POPF traps after the next instruction, BS set */
    static const uint8_t ss[] = {
        0x68, 0x02, 0x01, 0x00, 0x00,       /* push 0x102 (TF) */
        0x9d,                               /* popf */
        0x90,                               /* nop: #DB after it */
        0xf4,
    };
    r = pm_new(ss, sizeof ss);
    run(r, 20);
    assert_in_handler(r, 1);
    ck_assert_uint_eq(r->cpu->dr[6] & (1u << 14), 1u << 14);
    ck_assert_uint_eq(rd32(r, r->cpu->regs[R_ESP]), CODE + 7);
    rig_free(r);
    /* I/O breakpoint on port 0x61 (CR4.DE, R/W 10): a trap after the IN */
    static const uint8_t io[] = {
        0xb8, 0x08, 0x00, 0x00, 0x00,       /* mov eax,8 (CR4.DE) */
        0x0f, 0x22, 0xe0,                   /* mov cr4,eax */
        0xb8, 0x61, 0x00, 0x00, 0x00,       /* mov eax,0x61 */
        0x0f, 0x23, 0xd0,                   /* mov dr2,eax */
        0xb8, 0x10, 0x00, 0x00, 0x02,       /* mov eax,0x02000010: L2, R/W2=10 */
        0x0f, 0x23, 0xf8,                   /* mov dr7,eax */
        0xe4, 0x60,                         /* in al,0x60: no match */
        0xe4, 0x61,                         /* in al,0x61: #DB after it */
        0xf4,
    };
    r = pm_new(io, sizeof io);
    run(r, 20);
    assert_in_handler(r, 1);
    ck_assert_uint_eq(r->cpu->dr[6] & 0xf, 4);
    ck_assert_uint_eq(rd32(r, r->cpu->regs[R_ESP]), CODE + 28);
    rig_free(r);
}
END_TEST

Suite *cpu_pm_suite(void)
{
    Suite *s = suite_create("cpu_pm");
    TCase *tc = tcase_create("protected-mode");
    tcase_add_test(tc, pm_enter_from_real_mode);
    tcase_add_test(tc, pm_segment_load_faults);
    tcase_add_test(tc, pm_limits_expand_down_and_granularity);
    tcase_add_test(tc, pm_lar_lsl_verr_arpl);
    tcase_add_test(tc, pm_call_gate_to_ring0_and_back);
    tcase_add_test(tc, pm_ring3_privilege_faults);
    tcase_add_test(tc, pm_interrupt_vs_trap_gate);
    tcase_add_test(tc, pm_page_fault_codes);
    tcase_add_test(tc, pm_paging_4m_pages_and_ad_bits);
    tcase_add_test(tc, pm_invlpg_and_global_pages);
    tcase_add_test(tc, pm_task_switch_jmp_and_back);
    tcase_add_test(tc, pm_task_switch_call_iret_nested);
    tcase_add_test(tc, pm_task_switch_16bit_tss);
    tcase_add_test(tc, pm_ldt_segments);
    tcase_add_test(tc, pm_task_gate_for_double_fault);
    tcase_add_test(tc, pm_iret_to_ring3_and_nmi_blocking);
    tcase_add_test(tc, pm_instruction_breakpoint_and_rf);
    tcase_add_test(tc, pm_v86_enter_and_int);
    tcase_add_test(tc, pm_v86_vme_redirection_and_vif);
    tcase_add_test(tc, pm_double_and_triple_fault);
    tcase_add_test(tc, pm_unreal_mode_survives_pe_clear);
    tcase_add_test(tc, pm_msrs_cpuid_sysenter);
    tcase_add_test(tc, pm_debug_single_step_and_breakpoints);
    suite_add_tcase(s, tc);
    return s;
}
