/*
 * tests/test_hoist.c - unit tests for translator/hoist.c: which accesses of
 * a block share a block-entry TLB probe, from real instruction bytes
 * decoded by decode_insn on a flat 32-bit protected-mode CPU. Pushes and
 * pops around the entry ESP; displacements off an untouched base; a base
 * moved by a constant; a table indexed by a MOVZX'd byte; lone accesses
 * left alone; registers loaded from memory or by IN breaking the chain;
 * spans beyond HOIST_SPAN; segments that are not flat.
 */
#include <check.h>

#include "translator/internal.h"

#define RAM_SIZE (1u << 20)
#define CODE 0x10000u

typedef struct Rig {
    AddrSpace *mem, *io;
    uint8_t *ram;
    CpuState *cpu;
    Insn ins[MAX_BLOCK_INSNS];
    int n;
    HoistPlan p;
} Rig;

/* A flat 32-bit ring-0 CPU (descriptor caches set as loads would). */
static Rig *rig_new(void)
{
    Rig *r = xzalloc(sizeof *r);
    r->mem = addr_space_new(ADDR_SPACE_MEM);
    r->io = addr_space_new(ADDR_SPACE_IO);
    r->ram = xzalloc(RAM_SIZE);
    mem_map_ram(r->mem, 0, RAM_SIZE, r->ram);
    mem_set_a20(r->mem, true);
    CpuState *cpu = r->cpu = cpu_create(r->mem, r->io);
    cpu->cr[0] |= CR0_PE;
    for (int s = SEG_ES; s < SEG_COUNT; s++)
        cpu->seg[s] = (SegCache){ 0x10, 0, 0xffffffffu, 0xc092 };
    cpu->seg[SEG_CS] = (SegCache){ 0x08, 0, 0xffffffffu, 0xc09a };
    cpu->cpl = 0;
    cpu->eip = CODE;
    cpu->regs[R_ESP] = 0x8000;
    cpu_set_eflags(cpu, 2);
    cpu_state_loaded(cpu);
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

/* Decode 'len' bytes of code as a block and plan it with 'flat' segments. */
static void plan(Rig *r, const uint8_t *code, size_t len, uint8_t flat)
{
    memcpy(r->ram + CODE, code, len);
    r->cpu->eip = CODE;
    r->n = 0;
    while (r->cpu->eip < CODE + len) {
        decode_insn(r->cpu, &r->ins[r->n]);
        r->cpu->eip += r->ins[r->n].len;
        r->n++;
    }
    ck_assert_uint_eq(r->cpu->eip, CODE + len);
    hoist_plan(r->ins, r->n, flat, true, &r->p);
}

#define ALL_FLAT 0x3f

static void check_group(const HoistGroup *g, int base, int index, unsigned scale, uint32_t lo,
                        uint32_t span, bool read, bool write, unsigned accesses)
{
    ck_assert_int_eq(g->base, base);
    ck_assert_int_eq(g->index, index);
    if (index >= 0)
        ck_assert_uint_eq(g->scale, scale);
    ck_assert_uint_eq(g->lo, lo);
    ck_assert_uint_eq(g->span, span);
    ck_assert_int_eq(g->read, read);
    ck_assert_int_eq(g->write, write);
    ck_assert_uint_eq(g->accesses, accesses);
}

START_TEST(hoist_pushes_and_pops_share_one_group)
{
    Rig *r = rig_new();
    static const uint8_t code[] = { 0x50, 0x53, 0x59, 0x5a };  /* push eax; push ebx; pop ecx; pop edx */
    plan(r, code, sizeof code, ALL_FLAT);
    ck_assert_int_eq(r->p.ngroups, 1);
    check_group(&r->p.g[0], R_ESP, -1, 0, 0xfffffff8u, 8, true, true, 4);
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(r->p.stack[i], 0);
        ck_assert_int_eq(r->p.mem[i], -1);
    }
    rig_free(r);
}
END_TEST

START_TEST(hoist_displacements_off_one_base)
{
    Rig *r = rig_new();
    static const uint8_t code[] = {
        0x8b, 0x46, 0x04,             /* mov eax, [esi+4] */
        0x8b, 0x5e, 0x0c,             /* mov ebx, [esi+12] */
        0x89, 0x4e, 0x08,             /* mov [esi+8], ecx */
    };
    plan(r, code, sizeof code, ALL_FLAT);
    ck_assert_int_eq(r->p.ngroups, 1);
    check_group(&r->p.g[0], R_ESI, -1, 0, 4, 12, true, true, 3);
    ck_assert_int_eq(r->p.mem[0], 0);
    ck_assert_int_eq(r->p.mem[2], 0);
    rig_free(r);
}
END_TEST

START_TEST(hoist_base_moved_by_a_constant)
{
    Rig *r = rig_new();
    static const uint8_t code[] = {
        0x8b, 0x06,                   /* mov eax, [esi] */
        0x83, 0xc6, 0x04,             /* add esi, 4 */
        0x8b, 0x1e,                   /* mov ebx, [esi]: entry ESI + 4 */
        0x4e,                         /* dec esi */
        0x8b, 0x4e, 0x01,             /* mov ecx, [esi+1]: entry ESI + 4 again */
    };
    plan(r, code, sizeof code, ALL_FLAT);
    ck_assert_int_eq(r->p.ngroups, 1);
    check_group(&r->p.g[0], R_ESI, -1, 0, 0, 8, true, false, 3);
    rig_free(r);
}
END_TEST

START_TEST(hoist_byte_indexed_table_is_a_constant_span)
{
    Rig *r = rig_new();
    static const uint8_t code[] = {
        0x0f, 0xb6, 0x08,                                 /* movzx ecx, byte [eax] */
        0x8b, 0x14, 0x8d, 0xc0, 0xc8, 0x13, 0x00,         /* mov edx, [ecx*4+0x13c8c0] */
    };
    plan(r, code, sizeof code, ALL_FLAT);
    /* the lone [eax] keeps its own probe; the table is one group */
    ck_assert_int_eq(r->p.ngroups, 1);
    check_group(&r->p.g[0], -1, -1, 0, 0x13c8c0, 255 * 4 + 4, true, false, 1);
    ck_assert_int_eq(r->p.mem[0], -1);
    ck_assert_int_eq(r->p.mem[1], 0);
    rig_free(r);
}
END_TEST

START_TEST(hoist_lone_entry_access_keeps_its_probe)
{
    Rig *r = rig_new();
    static const uint8_t code[] = { 0x8b, 0x06 };        /* mov eax, [esi] */
    plan(r, code, sizeof code, ALL_FLAT);
    ck_assert_int_eq(r->p.ngroups, 0);
    ck_assert_int_eq(r->p.mem[0], -1);
    rig_free(r);
}
END_TEST

START_TEST(hoist_register_loaded_from_memory_breaks_the_chain)
{
    Rig *r = rig_new();
    static const uint8_t code[] = {
        0x8b, 0x37,                   /* mov esi, [edi] */
        0x8b, 0x06,                   /* mov eax, [esi] */
        0x8b, 0x5e, 0x04,             /* mov ebx, [esi+4] */
    };
    plan(r, code, sizeof code, ALL_FLAT);
    ck_assert_int_eq(r->p.ngroups, 0);
    rig_free(r);
}
END_TEST

START_TEST(hoist_in_writes_eax)
{
    Rig *r = rig_new();
    static const uint8_t code[] = {
        0x8b, 0x18,                   /* mov ebx, [eax] */
        0xec,                         /* in al, dx */
        0x8b, 0x48, 0x04,             /* mov ecx, [eax+4] */
    };
    plan(r, code, sizeof code, ALL_FLAT);
    ck_assert_int_eq(r->p.ngroups, 0);
    rig_free(r);
}
END_TEST

START_TEST(hoist_spans_beyond_the_limit_split)
{
    Rig *r = rig_new();
    static const uint8_t code[] = {
        0x8b, 0x06,                               /* mov eax, [esi] */
        0x8b, 0x9e, 0x00, 0x10, 0x00, 0x00,       /* mov ebx, [esi+0x1000] */
    };
    plan(r, code, sizeof code, ALL_FLAT);
    ck_assert_int_eq(r->p.ngroups, 0);            /* two lone accesses */
    rig_free(r);
}
END_TEST

START_TEST(hoist_only_flat_segments)
{
    Rig *r = rig_new();
    static const uint8_t code[] = { 0x50, 0x53, 0x8b, 0x46, 0x04, 0x8b, 0x5e, 0x0c };
    plan(r, code, sizeof code, (uint8_t)(ALL_FLAT & ~(1u << SEG_SS)));
    ck_assert_int_eq(r->p.ngroups, 1);            /* DS group only */
    check_group(&r->p.g[0], R_ESI, -1, 0, 4, 12, true, false, 2);
    ck_assert_int_eq(r->p.stack[0], -1);
    plan(r, code, sizeof code, (uint8_t)(ALL_FLAT & ~(1u << SEG_DS)));
    ck_assert_int_eq(r->p.ngroups, 1);            /* the pushes only */
    check_group(&r->p.g[0], R_ESP, -1, 0, 0xfffffff8u, 8, false, true, 2);
    rig_free(r);
}
END_TEST

START_TEST(hoist_scaled_index_with_base)
{
    Rig *r = rig_new();
    static const uint8_t code[] = {
        0x8b, 0x1c, 0x87,             /* mov ebx, [edi+eax*4] */
        0x89, 0x4c, 0x87, 0x04,       /* mov [edi+eax*4+4], ecx */
        0x40,                         /* inc eax */
        0x8b, 0x14, 0x87,             /* mov edx, [edi+eax*4]: +4 */
    };
    plan(r, code, sizeof code, ALL_FLAT);
    ck_assert_int_eq(r->p.ngroups, 1);
    check_group(&r->p.g[0], R_EDI, R_EAX, 2, 0, 8, true, true, 3);
    rig_free(r);
}
END_TEST

Suite *hoist_suite(void)
{
    Suite *s = suite_create("hoist");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, hoist_pushes_and_pops_share_one_group);
    tcase_add_test(tc, hoist_displacements_off_one_base);
    tcase_add_test(tc, hoist_base_moved_by_a_constant);
    tcase_add_test(tc, hoist_byte_indexed_table_is_a_constant_span);
    tcase_add_test(tc, hoist_lone_entry_access_keeps_its_probe);
    tcase_add_test(tc, hoist_register_loaded_from_memory_breaks_the_chain);
    tcase_add_test(tc, hoist_in_writes_eax);
    tcase_add_test(tc, hoist_spans_beyond_the_limit_split);
    tcase_add_test(tc, hoist_only_flat_segments);
    tcase_add_test(tc, hoist_scaled_index_with_base);
    suite_add_tcase(s, tc);
    return s;
}
