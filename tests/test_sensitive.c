/*
 * tests/test_sensitive.c - unit tests for cpu/sensitive.c: classification
 * of every sensitive kind from real instruction bytes (decoded by
 * decode_insn on a CPU with RAM), agreement with the opcode map's
 * OPF_SENSITIVE rows, counting, the -d sensitive reporter (one line per
 * site, written from the live state, in protected, real and V86 mode) and
 * the bound on the site table.
 *
 * Layout (physical = linear):
 *   0x1000 GDT    0x2000 IDT    0x3000 TSS    0x3800 LDT
 *   0x10000 code (ring 0, ring 3 and real mode: 1000:0000)
 *   0x20000 data  0x60000 ring-3 stack top   0x70000 ring-0 stack top
 */
#include <check.h>

#include "cpu/sensitive.h"

#define RAM_SIZE (1u << 20)
#define GDT 0x1000u
#define IDT 0x2000u
#define TSS 0x3000u
#define LDT 0x3800u
#define CODE 0x10000u
#define DATA 0x20000u
#define STACK3 0x60000u
#define STACK0 0x70000u

enum {
    S_CODE0 = 0x08, S_DATA0 = 0x10, S_CODE3 = 0x18, S_DATA3 = 0x20, S_TSS = 0x28,
    S_LDT = 0x30, S_GATE = 0x38, S_CONF = 0x40, S_RODATA = 0x48, GDT_ENTRIES = 10,
};

typedef struct Rig {
    AddrSpace *mem, *io;
    uint8_t *ram;
    CpuState *cpu;
} Rig;

static void wr16(Rig *r, uint32_t p, uint16_t v)
{
    r->ram[p] = (uint8_t)v;
    r->ram[p + 1] = (uint8_t)(v >> 8);
}

static void wr32(Rig *r, uint32_t p, uint32_t v)
{
    wr16(r, p, (uint16_t)v);
    wr16(r, p + 2, (uint16_t)(v >> 16));
}

/* access: P DPL S type; flags: the G D/B L AVL nibble. */
static void set_desc(Rig *r, unsigned idx, uint32_t base, uint32_t limit, uint8_t access,
                     uint8_t flags)
{
    uint32_t p = GDT + 8 * idx;
    wr16(r, p, (uint16_t)limit);
    wr16(r, p + 2, (uint16_t)base);
    r->ram[p + 4] = (uint8_t)(base >> 16);
    r->ram[p + 5] = access;
    r->ram[p + 6] = (uint8_t)((flags << 4) | ((limit >> 16) & 0xf));
    r->ram[p + 7] = (uint8_t)(base >> 24);
}

static void set_gate(Rig *r, uint32_t at, uint16_t sel, uint32_t off, uint8_t access,
                     uint8_t params)
{
    wr16(r, at, (uint16_t)off);
    wr16(r, at + 2, sel);
    r->ram[at + 4] = params;
    r->ram[at + 5] = access;
    wr16(r, at + 6, (uint16_t)(off >> 16));
}

/* A segment register loaded from the GDT image, as a load would. */
static void load_seg(Rig *r, int seg, uint16_t sel)
{
    uint32_t p = GDT + (sel & ~7u);
    uint32_t lo = r->ram[p] | r->ram[p + 1] << 8 | (uint32_t)r->ram[p + 2] << 16 |
                  (uint32_t)r->ram[p + 3] << 24;
    uint32_t hi = r->ram[p + 4] | r->ram[p + 5] << 8 | (uint32_t)r->ram[p + 6] << 16 |
                  (uint32_t)r->ram[p + 7] << 24;
    SegCache *s = &r->cpu->seg[seg];
    s->sel = sel;
    s->base = (lo >> 16) | ((hi & 0xff) << 16) | (hi & 0xff000000u);
    s->limit = (lo & 0xffff) | (hi & 0xf0000);
    if (hi & (1u << 23))
        s->limit = (s->limit << 12) | 0xfff;
    s->flags = (uint16_t)((hi >> 8) & 0xf0ff);
}

static Rig *rig_new(void)
{
    Rig *r = xzalloc(sizeof *r);
    r->mem = addr_space_new(ADDR_SPACE_MEM);
    r->io = addr_space_new(ADDR_SPACE_IO);
    r->ram = xzalloc(RAM_SIZE);
    mem_map_ram(r->mem, 0, RAM_SIZE, r->ram);
    mem_set_a20(r->mem, true);
    r->cpu = cpu_create(r->mem, r->io);
    sens_reset();
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

/* Protected mode at 'cpl' (0 or 3), flat segments, IF=1, IOPL 0. */
static Rig *rig_pm(int cpl)
{
    Rig *r = rig_new();
    CpuState *cpu = r->cpu;
    set_desc(r, 1, 0, 0xfffff, 0x9a, 0xc);          /* 08 ring-0 code */
    set_desc(r, 2, 0, 0xfffff, 0x92, 0xc);          /* 10 ring-0 data */
    set_desc(r, 3, 0, 0xfffff, 0xfa, 0xc);          /* 18 ring-3 code */
    set_desc(r, 4, 0, 0xfffff, 0xf2, 0xc);          /* 20 ring-3 data */
    set_desc(r, 5, TSS, 0x67, 0x8b, 0);             /* 28 busy 32-bit TSS */
    set_desc(r, 6, LDT, 0x0f, 0x82, 0);             /* 30 LDT, two entries */
    set_gate(r, GDT + 8 * 7, S_CODE0, CODE + 0x800, 0xec, 2);   /* 38 call gate DPL 3 */
    set_desc(r, 8, 0, 0xfffff, 0x9e, 0xc);          /* 40 conforming code DPL 0 */
    set_desc(r, 9, DATA, 0xffff, 0x90, 0);          /* 48 read-only data DPL 0 */
    set_gate(r, IDT + 8 * 0x40, S_CODE0, CODE + 0x900, 0xee, 0);  /* DPL 3 interrupt gate */
    set_gate(r, IDT + 8 * 0x42, S_CODE0, CODE + 0x900, 0x8e, 0);  /* DPL 0 interrupt gate */
    wr32(r, TSS + 4, STACK0);
    wr32(r, TSS + 8, S_DATA0);
    cpu->gdtr.base = GDT;
    cpu->gdtr.limit = 8 * GDT_ENTRIES - 1;
    cpu->idtr.base = IDT;
    cpu->idtr.limit = 0x7ff;
    cpu->tr = (SegCache){ S_TSS, TSS, 0x67, 0x8b };
    cpu->ldtr = (SegCache){ S_LDT, LDT, 0x0f, 0x82 };
    cpu->cr[0] |= CR0_PE;
    bool user = cpl == 3;
    load_seg(r, SEG_CS, user ? S_CODE3 | 3 : S_CODE0);
    for (int s = SEG_ES; s < SEG_COUNT; s++)
        if (s != SEG_CS)
            load_seg(r, s, user ? S_DATA3 | 3 : S_DATA0);
    cpu->cpl = cpl;
    cpu->eip = CODE;
    cpu->regs[R_ESP] = user ? STACK3 : STACK0;
    cpu_set_eflags(cpu, EFLAGS_IF | 2);
    cpu_state_loaded(cpu);
    return r;
}

/* Real mode at 1000:0000 (or V86 mode with 'iopl' when v86), stack 6000:0000. */
static Rig *rig_real(bool v86, unsigned iopl)
{
    Rig *r = rig_new();
    CpuState *cpu = r->cpu;
    cpu->idtr.base = 0;
    cpu->idtr.limit = 0x3ff;
    wr32(r, 4 * 0x21, 0xf000e000);
    for (int s = SEG_ES; s < SEG_COUNT; s++)
        cpu_set_seg_real(cpu, s, 0x2000);
    cpu_set_seg_real(cpu, SEG_CS, CODE >> 4);
    cpu_set_seg_real(cpu, SEG_SS, STACK3 >> 4);
    cpu->eip = 0;
    cpu->regs[R_ESP] = 0xfff0;
    if (v86) {
        cpu->cr[0] |= CR0_PE;
        cpu->tr = (SegCache){ S_TSS, TSS, 0x67, 0x8b };
        cpu->cpl = 3;
    }
    cpu_set_eflags(cpu, EFLAGS_IF | 2 | (iopl << 12) | (v86 ? EFLAGS_VM : 0));
    cpu_state_loaded(cpu);
    return r;
}

/* Put 'code' at CS:EIP and decode it. */
static Insn decode_bytes(Rig *r, const uint8_t *code, size_t len)
{
    Insn in;
    memcpy(r->ram + r->cpu->seg[SEG_CS].base + r->cpu->eip, code, len);
    decode_insn(r->cpu, &in);
    ck_assert_uint_eq(in.len, len);
    return in;
}

/* ---- capturing the log ----------------------------------------------------------- */

static FILE *log_start(bool on)
{
    FILE *f = tmpfile();
    ck_assert_ptr_nonnull(f);
    emu_log_file = f;
    if (on)
        emu_log_mask |= LOG_SENSITIVE;
    return f;
}

/* Stop capturing; the text (caller frees). */
static char *log_end(FILE *f)
{
    emu_log_file = NULL;
    emu_log_mask &= ~(unsigned)LOG_SENSITIVE;
    long n = ftell(f);
    ck_assert_int_ge(n, 0);
    char *text = xzalloc((size_t)n + 1);
    rewind(f);
    ck_assert_uint_eq(fread(text, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return text;
}

static int lines(const char *text)
{
    int n = 0;
    for (; *text; text++)
        n += *text == '\n';
    return n;
}

/* The one report line of 'code' put at the rig's CS:EIP; EIP then moves on
 * so that the next report is another site. */
static char *report(Rig *r, const uint8_t *code, size_t len)
{
    Insn in = decode_bytes(r, code, len);
    FILE *f = log_start(true);
    sens_note(r->cpu, &in);
    char *text = log_end(f);
    r->cpu->eip += 0x20;
    ck_assert_int_eq(lines(text), 1);
    ck_assert_msg(strncmp(text, "sensitive: ", 11) == 0, "%s", text);
    return text;
}

#define ASSERT_HAS(text, part) ck_assert_msg(strstr((text), (part)) != NULL, \
                                             "'%s' not in: %s", (part), (text))

/* ---- classification ----------------------------------------------------------------- */

static const struct {
    uint8_t bytes[8];
    uint8_t len;
    SensKind kind;
} kinds[] = {
    { { 0x0f, 0x01, 0x00 }, 3, SENS_SGDT },               /* sgdt [eax] */
    { { 0x0f, 0x01, 0x08 }, 3, SENS_SIDT },               /* sidt [eax] */
    { { 0x0f, 0x00, 0xc0 }, 3, SENS_SLDT },               /* sldt eax */
    { { 0x0f, 0x01, 0xe0 }, 3, SENS_SMSW },               /* smsw eax */
    { { 0x0f, 0x01, 0x20 }, 3, SENS_SMSW },               /* smsw [eax] */
    { { 0x0f, 0x00, 0xc8 }, 3, SENS_STR },                /* str eax */
    { { 0x9c }, 1, SENS_PUSHF },
    { { 0x66, 0x9c }, 2, SENS_PUSHF },                    /* pushfw */
    { { 0x9d }, 1, SENS_POPF },
    { { 0x0f, 0x02, 0xc3 }, 3, SENS_LAR },                /* lar eax, ebx */
    { { 0x0f, 0x03, 0xc3 }, 3, SENS_LSL },                /* lsl eax, ebx */
    { { 0x0f, 0x00, 0xe0 }, 3, SENS_VERR },               /* verr ax */
    { { 0x0f, 0x00, 0xe8 }, 3, SENS_VERW },               /* verw ax */
    { { 0x8c, 0xc8 }, 2, SENS_MOV_FROM_SEG },             /* mov eax, cs */
    { { 0x8c, 0x1d, 0, 0, 2, 0 }, 6, SENS_MOV_FROM_SEG }, /* mov [0x20000], ds */
    { { 0x0e }, 1, SENS_PUSH_SEG },                       /* push cs */
    { { 0x16 }, 1, SENS_PUSH_SEG },                       /* push ss */
    { { 0x17 }, 1, SENS_POP_SS },
    { { 0x9a, 0, 0, 1, 0, 0x08, 0 }, 7, SENS_CALL_FAR },  /* call 0x08:0x10000 */
    { { 0xff, 0x18 }, 2, SENS_CALL_FAR },                 /* call far [eax] */
    { { 0xea, 0, 0, 1, 0, 0x08, 0 }, 7, SENS_JMP_FAR },   /* jmp 0x08:0x10000 */
    { { 0xff, 0x28 }, 2, SENS_JMP_FAR },                  /* jmp far [eax] */
    { { 0xcb }, 1, SENS_RET_FAR },
    { { 0xca, 0x08, 0x00 }, 3, SENS_RET_FAR },            /* retf 8 */
    { { 0xcd, 0x21 }, 2, SENS_INT },
    { { 0xcf }, 1, SENS_IRET },
    /* not sensitive */
    { { 0x06 }, 1, SENS_NONE },                           /* push es */
    { { 0x1f }, 1, SENS_NONE },                           /* pop ds */
    { { 0x0f, 0xa0 }, 2, SENS_NONE },                     /* push fs */
    { { 0x8e, 0xd8 }, 2, SENS_NONE },                     /* mov ds, eax */
    { { 0xcc }, 1, SENS_NONE },                           /* int3 */
    { { 0xce }, 1, SENS_NONE },                           /* into */
    { { 0x0f, 0x01, 0x10 }, 3, SENS_NONE },               /* lgdt [eax] */
    { { 0x0f, 0x00, 0xd0 }, 3, SENS_NONE },               /* lldt ax */
    { { 0x0f, 0x01, 0xf0 }, 3, SENS_NONE },               /* lmsw ax */
    { { 0xff, 0x10 }, 2, SENS_NONE },                     /* call [eax] */
    { { 0xff, 0x20 }, 2, SENS_NONE },                     /* jmp [eax] */
    { { 0xc3 }, 1, SENS_NONE },                           /* ret */
    { { 0xfa }, 1, SENS_NONE },                           /* cli */
    { { 0x90 }, 1, SENS_NONE },
};

START_TEST(sens_classifies_instruction_bytes)
{
    Rig *r = rig_pm(0);
    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
        Insn in = decode_bytes(r, kinds[i].bytes, kinds[i].len);
        ck_assert_msg(sens_kind(&in) == kinds[i].kind, "row %zu: got %d want %d", i,
                      (int)sens_kind(&in), (int)kinds[i].kind);
    }
    rig_free(r);
}
END_TEST

/* Every OPF_SENSITIVE row of the opcode maps is a kind, and nothing else is. */
static void check_map(const OpInfo *map, uint16_t prefix)
{
    for (unsigned b = 0; b < 256; b++) {
        for (unsigned reg = 0; reg < 8; reg++) {
            const OpInfo *row = map[b].group ? &map[b].group[reg] : &map[b];
            Insn in;
            memset(&in, 0, sizeof in);
            in.op = row;
            in.opcode = (uint16_t)(prefix | b);
            in.reg = (uint8_t)reg;
            bool flagged = (row->flags & OPF_SENSITIVE) != 0;
            ck_assert_msg((sens_kind(&in) != SENS_NONE) == flagged, "opcode %04x /%u: %s",
                          prefix | b, reg,
                          flagged ? "flagged, not classified" : "classified, not flagged");
            if (!map[b].group)
                break;
        }
    }
}

START_TEST(sens_kinds_match_opmap_flags)
{
    check_map(map_1byte, 0);
    check_map(map_0f, 0x0f00);
}
END_TEST

START_TEST(sens_names_are_distinct)
{
    for (int a = 0; a < SENS_COUNT; a++) {
        ck_assert_ptr_nonnull(sens_name(a));
        ck_assert_str_ne(sens_name(a), "?");
        for (int b = 0; b < a; b++)
            ck_assert_str_ne(sens_name(a), sens_name(b));
    }
    ck_assert_str_eq(sens_name(SENS_NONE), "?");
    ck_assert_str_eq(sens_name(SENS_PUSHF), "pushf");
    ck_assert_str_eq(sens_name(SENS_MOV_FROM_SEG), "mov from seg");
}
END_TEST

/* ---- counting ------------------------------------------------------------------------- */

START_TEST(sens_counts_and_prints_stats)
{
    Rig *r = rig_pm(0);
    static const uint8_t pushf[] = { 0x9c }, sgdt[] = { 0x0f, 0x01, 0x00 }, nop[] = { 0x90 };
    Insn a = decode_bytes(r, pushf, sizeof pushf);
    Insn b = decode_bytes(r, sgdt, sizeof sgdt);
    Insn c = decode_bytes(r, nop, sizeof nop);
    FILE *quiet = log_start(false);              /* log off: counted, not reported */
    for (int i = 0; i < 3; i++)
        sens_note(r->cpu, &a);
    sens_note(r->cpu, &b);
    sens_note(r->cpu, &c);
    char *text = log_end(quiet);
    ck_assert_str_eq(text, "");
    free(text);
    ck_assert_uint_eq(sens_count(SENS_PUSHF), 3);
    ck_assert_uint_eq(sens_count(SENS_SGDT), 1);
    ck_assert_uint_eq(sens_count(SENS_IRET), 0);
    ck_assert_uint_eq(sens_count(SENS_NONE), 0);

    FILE *f = tmpfile();
    sens_stats_print(f);
    rewind(f);
    char buf[2048] = { 0 };
    ck_assert_uint_gt(fread(buf, 1, sizeof buf - 1, f), 0);
    fclose(f);
    ASSERT_HAS(buf, "sensitive instructions by kind");
    ck_assert_ptr_nonnull(strstr(buf, "pushf"));
    ck_assert_int_eq(atoi(strstr(buf, "pushf") + 5), 3);
    ck_assert_int_eq(atoi(strstr(buf, "sgdt") + 4), 1);
    ck_assert_int_eq(atoi(strstr(buf, "total") + 5), 4);
    ck_assert_ptr_null(strstr(buf, "iret"));     /* kinds that never ran are left out */

    sens_reset();
    ck_assert_uint_eq(sens_count(SENS_PUSHF), 0);
    rig_free(r);
}
END_TEST

/* ---- reporting ------------------------------------------------------------------------ */

START_TEST(sens_reports_each_site_once)
{
    Rig *r = rig_pm(0);
    static const uint8_t sgdt[] = { 0x0f, 0x01, 0x00 }, pushf[] = { 0x9c };
    Insn a = decode_bytes(r, sgdt, sizeof sgdt);
    r->cpu->eip = CODE + 0x10;
    Insn b = decode_bytes(r, pushf, sizeof pushf);
    r->cpu->eip = CODE;
    FILE *f = log_start(true);
    for (int i = 0; i < 5; i++)
        sens_note(r->cpu, &a);
    sens_note(r->cpu, &b);
    sens_note(r->cpu, &b);
    char *text = log_end(f);
    ck_assert_int_eq(lines(text), 2);
    ASSERT_HAS(text, "sensitive: 0008:00010000 sgdt");
    ASSERT_HAS(text, "(CPL 0): stores GDTR base=00001000 limit=004f; no trap at any CPL");
    ASSERT_HAS(text, "sensitive: 0008:00010010 pushfd (CPL 0): pushes EFLAGS=00000202");
    ck_assert_uint_eq(sens_count(SENS_SGDT), 5);
    ck_assert_uint_eq(sens_count(SENS_PUSHF), 2);
    free(text);
    rig_free(r);
}
END_TEST

START_TEST(sens_reports_ring3_state)
{
    Rig *r = rig_pm(3);
    CpuState *cpu = r->cpu;
    char *t;

    static const uint8_t pushf[] = { 0x9c };
    t = report(r, pushf, sizeof pushf);
    ASSERT_HAS(t, "(CPL 3): pushes EFLAGS=00000202: IF=1 IOPL=0");
    ASSERT_HAS(t, "shows the real IF=1");
    free(t);

    static const uint8_t popf[] = { 0x9d };
    wr32(r, STACK3, 0x00000002);                 /* image with IF=0 */
    t = report(r, popf, sizeof popf);
    ASSERT_HAS(t, "(CPL 3 > IOPL 0): the IF change (1 -> 0) is silently dropped without a trap");
    ASSERT_HAS(t, "tried to disable interrupts");
    free(t);

    static const uint8_t mov_cs[] = { 0x8c, 0xc8 };
    t = report(r, mov_cs, sizeof mov_cs);
    ASSERT_HAS(t, "reads cs=001b: reveals RPL=3");
    free(t);

    static const uint8_t push_ss[] = { 0x16 };
    t = report(r, push_ss, sizeof push_ss);
    ASSERT_HAS(t, "pushes ss=0023: reveals RPL=3");
    free(t);

    static const uint8_t int42[] = { 0xcd, 0x42 }, int40[] = { 0xcd, 0x40 };
    t = report(r, int42, sizeof int42);
    ASSERT_HAS(t, "vector 42: 32-bit interrupt gate DPL 0 < CPL 3, #GP(0212)");
    free(t);
    t = report(r, int40, sizeof int40);
    ASSERT_HAS(t, "32-bit interrupt gate DPL 3 to 0008:00010900, handler at CPL 0");
    free(t);

    static const uint8_t lar[] = { 0x0f, 0x02, 0xc3 };   /* lar eax, ebx */
    cpu->regs[R_EBX] = S_CODE0;
    t = report(r, lar, sizeof lar);
    ASSERT_HAS(t, "selector 0008 -> readable code, DPL 0: ZF=0");
    free(t);
    cpu->regs[R_EBX] = S_CODE3 | 3;
    t = report(r, lar, sizeof lar);
    ASSERT_HAS(t, "selector 001b -> readable code, DPL 3: ZF=1, access rights 00c0fa00");
    free(t);

    static const uint8_t verw[] = { 0x0f, 0x00, 0xeb };  /* verw bx */
    cpu->regs[R_EBX] = S_DATA3 | 3;
    t = report(r, verw, sizeof verw);
    ASSERT_HAS(t, "writable data, DPL 3: ZF=1");
    free(t);

    static const uint8_t lcall[] = { 0x9a, 0, 0, 0, 0, S_GATE | 3, 0 };
    t = report(r, lcall, sizeof lcall);
    ASSERT_HAS(t, "32-bit call gate, DPL 3, to 0008:00010800: CPL 3 -> 0");
    free(t);

    static const uint8_t pop_ss[] = { 0x17 };
    wr32(r, STACK3, S_DATA0);
    t = report(r, pop_ss, sizeof pop_ss);
    ASSERT_HAS(t, "pops SS=0010 (writable data, DPL 0): #GP(0010)");
    free(t);

    static const uint8_t sidt[] = { 0x0f, 0x01, 0x0d, 0, 0, 2, 0 };  /* sidt [0x20000] */
    t = report(r, sidt, sizeof sidt);
    ASSERT_HAS(t, "stores IDTR base=00002000 limit=07ff");
    ASSERT_HAS(t, "an application learns");
    free(t);
    rig_free(r);
}
END_TEST

START_TEST(sens_reports_ring0_state)
{
    Rig *r = rig_pm(0);
    CpuState *cpu = r->cpu;
    char *t;

    static const uint8_t smsw[] = { 0x0f, 0x01, 0x20 };  /* smsw [eax] */
    cpu->regs[R_EAX] = DATA;
    t = report(r, smsw, sizeof smsw);
    ASSERT_HAS(t, "stores MSW=0011 (PE=1 MP=0 EM=0 TS=0 ET=1 NE=0)");
    ASSERT_HAS(t, "MOV from CR0 would trap");
    free(t);

    static const uint8_t str[] = { 0x0f, 0x00, 0xc8 }, sldt[] = { 0x0f, 0x00, 0xc0 };
    t = report(r, str, sizeof str);
    ASSERT_HAS(t, "stores TR=0028 (TSS base=00003000 limit=67)");
    free(t);
    t = report(r, sldt, sizeof sldt);
    ASSERT_HAS(t, "stores LDTR=0030 (LDT base=00003800 limit=f)");
    free(t);

    static const uint8_t popf[] = { 0x9d };
    wr32(r, STACK0, 0x00003002);                 /* IF=0, IOPL 3 */
    t = report(r, popf, sizeof popf);
    ASSERT_HAS(t, "pops 00003002 at CPL 0: IF becomes 0, IOPL becomes 3; deprivileged");
    ASSERT_HAS(t, "disabled interrupts");
    free(t);

    static const uint8_t retf[] = { 0xcb };
    wr32(r, STACK0, 0x12345678);
    wr32(r, STACK0 + 4, S_CODE3 | 3);
    wr32(r, STACK0 + 8, STACK3 - 16);
    wr32(r, STACK0 + 12, S_DATA3 | 3);
    t = report(r, retf, sizeof retf);
    ASSERT_HAS(t, "returns outward from CPL 0 to 3 at 001b:12345678, popping SS:ESP=0023:0005fff0");
    free(t);

    static const uint8_t iretd[] = { 0xcf };
    wr32(r, STACK0, 0x0100);
    wr32(r, STACK0 + 4, 0x2000);
    wr32(r, STACK0 + 8, EFLAGS_VM | EFLAGS_IF | 2);
    t = report(r, iretd, sizeof iretd);
    ASSERT_HAS(t, "returns to virtual-8086 mode at 2000:0100");
    ASSERT_HAS(t, "ignore VM=1");
    free(t);

    static const uint8_t ljmp_conf[] = { 0xea, 0, 0, 1, 0, S_CONF, 0 };
    t = report(r, ljmp_conf, sizeof ljmp_conf);
    ASSERT_HAS(t, "to 0040:00010000: conforming readable code, DPL 0: allowed, CPL stays 0");
    free(t);

    static const uint8_t ljmp_tss[] = { 0xea, 0, 0, 0, 0, S_TSS, 0 };   /* a busy TSS */
    t = report(r, ljmp_tss, sizeof ljmp_tss);
    ASSERT_HAS(t, "busy 32-bit TSS, #GP(0028)");
    free(t);

    static const uint8_t lsl[] = { 0x0f, 0x03, 0xc3 };   /* lsl eax, ebx */
    cpu->regs[R_EBX] = S_RODATA;
    t = report(r, lsl, sizeof lsl);
    ASSERT_HAS(t, "selector 0048 -> read-only data, DPL 0: ZF=1, limit 0000ffff");
    free(t);
    static const uint8_t verw[] = { 0x0f, 0x00, 0xeb };  /* verw bx */
    t = report(r, verw, sizeof verw);
    ASSERT_HAS(t, "read-only data, DPL 0: ZF=0");
    free(t);
    rig_free(r);
}
END_TEST

START_TEST(sens_reports_real_and_v86_mode)
{
    Rig *r = rig_real(false, 0);
    char *t;
    static const uint8_t pushf[] = { 0x9c }, sldt[] = { 0x0f, 0x00, 0xc0 },
                         int21[] = { 0xcd, 0x21 }, popf[] = { 0x9d };
    t = report(r, pushf, sizeof pushf);
    ASSERT_HAS(t, "sensitive: 1000:0000 pushf (real mode): pushes FLAGS=0202 (IF=1 IOPL=0)");
    free(t);
    t = report(r, sldt, sizeof sldt);
    ASSERT_HAS(t, "#UD: SLDT is not recognized in real-address mode");
    free(t);
    t = report(r, int21, sizeof int21);
    ASSERT_HAS(t, "through the IVT to f000:e000");
    free(t);
    rig_free(r);

    r = rig_real(true, 0);
    t = report(r, pushf, sizeof pushf);
    ASSERT_HAS(t, "(V86, IOPL 0): #GP(0) to the V86 monitor (IOPL 0 < 3)");
    free(t);
    t = report(r, int21, sizeof int21);
    ASSERT_HAS(t, "#GP(0) to the V86 monitor");
    free(t);
    rig_free(r);

    r = rig_real(true, 3);
    wr16(r, STACK3 + 0xfff0, 0x0002);            /* IF=0 */
    t = report(r, popf, sizeof popf);
    ASSERT_HAS(t, "(V86, IOPL 3): pops FLAGS=0002: IF becomes 0, IOPL stays 3");
    free(t);
    rig_free(r);

    r = rig_real(true, 0);
    r->cpu->cr[4] |= 1;                          /* CR4.VME */
    t = report(r, pushf, sizeof pushf);
    ASSERT_HAS(t, "CR4.VME: pushes IF=VIF=0 and IOPL=3 without a trap");
    free(t);
    rig_free(r);
}
END_TEST

/* Past SENS_SITES_MAX sites: one "further sites" line, counting goes on. */
START_TEST(sens_site_table_is_bounded)
{
    Rig *r = rig_pm(0);
    static const uint8_t pushf[] = { 0x9c };
    Insn in = decode_bytes(r, pushf, sizeof pushf);
    const unsigned n = SENS_SITES_MAX + 100;
    FILE *f = log_start(true);
    for (unsigned i = 0; i < n; i++) {
        in.eip = CODE + i;
        sens_note(r->cpu, &in);
        sens_note(r->cpu, &in);                  /* a known site: no line */
    }
    in.eip = CODE;
    sens_note(r->cpu, &in);
    char *text = log_end(f);
    ck_assert_int_eq(lines(text), SENS_SITES_MAX + 1);
    const char *last = strstr(text, "sensitive: further sites not listed");
    ck_assert_ptr_nonnull(last);
    ck_assert_int_eq(lines(last), 1);            /* said once, last */
    ck_assert_uint_eq(sens_count(SENS_PUSHF), 2 * n + 1);
    free(text);

    sens_reset();                                /* forgets the sites */
    f = log_start(true);
    sens_note(r->cpu, &in);
    text = log_end(f);
    ck_assert_int_eq(lines(text), 1);
    ck_assert_uint_eq(sens_count(SENS_PUSHF), 1);
    free(text);
    rig_free(r);
}
END_TEST

/* The note peeks at memory only: no accessed bits, no change to the guest. */
START_TEST(sens_note_changes_nothing)
{
    Rig *r = rig_pm(3);
    static const uint8_t lar[] = { 0x0f, 0x02, 0xc3 };
    r->cpu->regs[R_EBX] = S_CODE3 | 3;
    uint8_t access = r->ram[GDT + S_CODE3 + 5];
    Insn in = decode_bytes(r, lar, sizeof lar);
    CpuState before = *r->cpu;
    FILE *f = log_start(true);
    sens_note(r->cpu, &in);
    char *t = log_end(f);
    ASSERT_HAS(t, "ZF=1");
    free(t);
    ck_assert_uint_eq(r->ram[GDT + S_CODE3 + 5], access);
    ck_assert_mem_eq(r->cpu->regs, before.regs, sizeof before.regs);
    ck_assert_uint_eq(r->cpu->eip, before.eip);
    ck_assert_int_eq(r->cpu->cpl, 3);
    rig_free(r);
}
END_TEST

Suite *sensitive_suite(void)
{
    Suite *s = suite_create("sensitive");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, sens_classifies_instruction_bytes);
    tcase_add_test(tc, sens_kinds_match_opmap_flags);
    tcase_add_test(tc, sens_names_are_distinct);
    tcase_add_test(tc, sens_counts_and_prints_stats);
    tcase_add_test(tc, sens_reports_each_site_once);
    tcase_add_test(tc, sens_reports_ring3_state);
    tcase_add_test(tc, sens_reports_ring0_state);
    tcase_add_test(tc, sens_reports_real_and_v86_mode);
    tcase_add_test(tc, sens_site_table_is_bounded);
    tcase_add_test(tc, sens_note_changes_nothing);
    suite_add_tcase(s, tc);
    return s;
}
