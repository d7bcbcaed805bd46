/*
 * tests/test_emit.c - unit tests for the x86-64 emitter (translator/emit.c).
 *
 * Every case encodes one instruction into a buffer, decodes it back with
 * capstone (x86-64, Intel syntax) and checks that capstone finds exactly one
 * instruction, that it used every emitted byte, that the byte count is the
 * one the shortest legal encoding has (SDM Vol. 2 2.1-2.2), and that its
 * text equals the expectation. Expectations are written out by hand or
 * assembled from the hand-written name tables below, never from the encoder.
 * A fixed-seed random test mixes functions, registers, sizes and memory
 * operands. Capstone 4 prints numbers up to 9 in decimal and larger ones in
 * hex; immediates sign-extended from 8 bits or into 64-bit operands as
 * signed values, except for and/or/xor, and others unsigned at the operand
 * size; a negative bare [disp32] cut to the size of a register operand in
 * front of it. The formatters below follow that.
 * Not covered: whether the code generator picks the right instruction.
 */
#include <capstone/capstone.h>
#include <check.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "translator/emit.h"

static const char *const r64[16] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15" };
static const char *const r32[16] = {
    "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi",
    "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d" };
static const char *const r16[16] = {
    "ax", "cx", "dx", "bx", "sp", "bp", "si", "di",
    "r8w", "r9w", "r10w", "r11w", "r12w", "r13w", "r14w", "r15w" };
static const char *const r8[16] = {
    "al", "cl", "dl", "bl", "ah", "ch", "dh", "bh",
    "r8b", "r9b", "r10b", "r11b", "r12b", "r13b", "r14b", "r15b" };
static const char *const cc_name[16] = {
    "o", "no", "b", "ae", "e", "ne", "be", "a",
    "s", "ns", "p", "np", "l", "ge", "le", "g" };
static const char *const alu_name[8] = {
    "add", "or", "adc", "sbb", "and", "sub", "xor", "cmp" };
static const char *const shift_name[8] = {
    "rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar" };
static const char *const unary_name[8] = {
    NULL, NULL, "not", "neg", "mul", "imul", "div", "idiv" };
static const unsigned sizes[4] = { 1, 2, 4, 8 };

/* Byte register numbers 4-7 without REX. */
enum { B_AH = 4, B_CH, B_DH, B_BH };

static csh cs;

static void cs_setup(void)
{
    ck_assert_int_eq(cs_open(CS_ARCH_X86, CS_MODE_64, &cs), CS_ERR_OK);
}

static void cs_teardown(void)
{
    cs_close(&cs);
}

/* ---- expected text -------------------------------------------------------- */

typedef struct Str { char s[200]; size_t n; } Str;

static void str_add(Str *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void str_add(Str *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(t->s + t->n, sizeof t->s - t->n, fmt, ap);
    va_end(ap);
    ck_assert(k >= 0 && (size_t)k < sizeof t->s - t->n);
    t->n += (size_t)k;
}

static const char *reg_name(unsigned size, int r)
{
    switch (size) {
    case 1: return r8[r];
    case 2: return r16[r];
    case 4: return r32[r];
    default: return r64[r];
    }
}

static const char *ptr_name(unsigned size)
{
    switch (size) {
    case 1: return "byte";
    case 2: return "word";
    case 4: return "dword";
    default: return "qword";
    }
}

static void add_unum(Str *t, uint64_t v)
{
    if (v <= 9)
        str_add(t, "%" PRIu64, v);
    else
        str_add(t, "0x%" PRIx64, v);
}

static void add_snum(Str *t, int64_t v)
{
    if (v < 0)
        str_add(t, "-");
    add_unum(t, v < 0 ? -(uint64_t)v : (uint64_t)v);
}

/* An immediate of an instruction with operand 'size'; v is the value after
 * sign extension, sext8 says it was encoded as a sign-extended imm8. */
static void add_imm(Str *t, unsigned size, int64_t v, bool sext8)
{
    if (sext8 || size == 8)
        add_snum(t, v);
    else
        add_unum(t, (uint64_t)v & (size == 4 ? 0xffffffffu : size == 2 ? 0xffffu : 0xffu));
}

/* An immediate of and/or/xor: capstone prints those unsigned at the
 * operand size, even when they were sign-extended. */
static void add_alu_imm(Str *t, unsigned size, int op, int64_t v, bool sext8)
{
    if (op == ALU_OR || op == ALU_AND || op == ALU_XOR)
        add_unum(t, size == 8 ? (uint64_t)v : (uint64_t)v & ((1ull << (8 * size)) - 1));
    else
        add_imm(t, size, v, sext8);
}

/* size 0: no "ptr" (lea). reg is the size of a register operand written
 * before the memory operand, else 0: capstone shows a negative bare
 * [disp32] sign-extended and cut to that size (64 bits when there is none). */
static void add_mem(Str *t, unsigned size, Mem m, unsigned reg)
{
    if (size)
        str_add(t, "%s ptr ", ptr_name(size));
    str_add(t, "[");
    if (m.base < 0 && m.index < 0) {
        uint64_t v = (uint64_t)(int64_t)m.disp;
        if (m.disp >= 0 || reg == 0 || reg == 8)
            add_unum(t, v);
        else                            /* always hex on this path */
            str_add(t, "0x%" PRIx64, (uint64_t)(v & ((1ull << (8 * reg)) - 1)));
        str_add(t, "]");
        return;
    }
    if (m.base >= 0)
        str_add(t, "%s", r64[m.base]);
    if (m.index >= 0) {
        str_add(t, "%s%s", m.base >= 0 ? " + " : "", r64[m.index]);
        if (m.scale)
            str_add(t, "*%d", 1 << m.scale);
    }
    if (m.disp) {
        str_add(t, m.disp < 0 ? " - " : " + ");
        add_unum(t, m.disp < 0 ? -(uint64_t)(int64_t)m.disp : (uint64_t)m.disp);
    }
    str_add(t, "]");
}

/* ModRM, SIB and displacement bytes for a memory operand (SDM Vol. 2
 * tables 2-2 and 2-3): the shortest displacement that is legal. */
static size_t mem_bytes(Mem m)
{
    size_t n = 1;
    if (m.base < 0 || m.index >= 0 || (m.base & 7) == 4)
        n++;
    if (m.base < 0)
        n += 4;
    else if (m.disp == 0 && (m.base & 7) != 5)
        n += 0;
    else if (m.disp >= -128 && m.disp <= 127)
        n += 1;
    else
        n += 4;
    return n;
}

static bool is_high8(int r)
{
    return r >= 4 && r <= 7;
}

/* ---- decoding and checking ------------------------------------------------ */

typedef struct Out { Emit e; uint8_t buf[64]; } Out;

static Emit *out(Out *o)
{
    emit_init(&o->e, o->buf, sizeof o->buf);
    return &o->e;
}

static void hex_of(const uint8_t *p, size_t n, char *s, size_t cap)
{
    s[0] = 0;
    for (size_t i = 0; i < n && 3 * i + 3 < cap; i++)
        snprintf(s + 3 * i, cap - 3 * i, "%02x ", p[i]);
}

/* Decodes p[0..n) at its own host address; fills text with "mnemonic
 * operands" of the first instruction and returns how many instructions
 * capstone found (with *len the first one's size). */
static size_t disasm(const uint8_t *p, size_t n, char *text, size_t cap, size_t *len)
{
    cs_insn *insn;
    size_t count = cs_disasm(cs, p, n, (uint64_t)(uintptr_t)p, 0, &insn);
    text[0] = 0;
    *len = 0;
    if (count) {
        snprintf(text, cap, "%s%s%s", insn[0].mnemonic, insn[0].op_str[0] ? " " : "",
                 insn[0].op_str);
        *len = insn[0].size;
        cs_free(insn, count);
    }
    return count;
}

/* The emitter holds exactly one instruction that reads as 'want' and, when
 * len is not 0, is len bytes long. */
static void expect(const Emit *e, size_t len, const char *want)
{
    char got[200], hex[100];
    size_t n = emit_len(e), used;
    hex_of(e->start, n, hex, sizeof hex);
    ck_assert_msg(!e->bad && !e->full, "%s: bad %d full %d [%s]", want, e->bad, e->full, hex);
    size_t count = disasm(e->start, n, got, sizeof got, &used);
    ck_assert_msg(count == 1 && used == n, "%s: [%s] decodes as %zu insns, first '%s' %zu bytes",
                  want, hex, count, got, used);
    ck_assert_msg(strcmp(got, want) == 0, "[%s] is '%s', want '%s'", hex, got, want);
    ck_assert_msg(len == 0 || n == len, "'%s' [%s] is %zu bytes, want %zu", want, hex, n, len);
    ck_assert_msg(!strstr(got, "spl") && !strstr(got, "bpl") && !strstr(got, "sil") &&
                  !strstr(got, "dil"), "[%s] '%s' uses a REX-only byte register", hex, got);
}

static void expect_str(const Emit *e, size_t len, const Str *t)
{
    expect(e, len, t->s);
}

static void expect_bad(const Emit *e, const char *what)
{
    ck_assert_msg(e->bad, "%s: bad not set", what);
}

/* ---- literal cases ------------------------------------------------------------ */

START_TEST(literal_examples)
{
    Out o;
    emit_alu_rm(out(&o), 4, ALU_ADD, H_R10, mem_bisd(H_R14, H_R9, 3, 0x140));
    expect(&o.e, 8, "add r10d, dword ptr [r14 + r9*8 + 0x140]");
    emit_load(out(&o), 8, H_RAX, mem_bd(H_RSP, 0));
    expect(&o.e, 4, "mov rax, qword ptr [rsp]");
    emit_load(out(&o), 4, H_RAX, mem_bd(H_R12, 8));
    expect(&o.e, 5, "mov eax, dword ptr [r12 + 8]");
    emit_load(out(&o), 4, H_RCX, mem_bd(H_RBP, 0));
    expect(&o.e, 3, "mov ecx, dword ptr [rbp]");
    emit_load(out(&o), 4, H_RCX, mem_bd(H_R13, 0));
    expect(&o.e, 4, "mov ecx, dword ptr [r13]");
    emit_load(out(&o), 2, H_RDX, mem_bd(H_RBX, -128));
    expect(&o.e, 4, "mov dx, word ptr [rbx - 0x80]");
    emit_load(out(&o), 2, H_RDX, mem_bd(H_RBX, 127));
    expect(&o.e, 4, "mov dx, word ptr [rbx + 0x7f]");
    emit_load(out(&o), 2, H_RDX, mem_bd(H_RBX, 128));
    expect(&o.e, 7, "mov dx, word ptr [rbx + 0x80]");
    emit_load(out(&o), 2, H_RDX, mem_bd(H_RBX, -129));
    expect(&o.e, 7, "mov dx, word ptr [rbx - 0x81]");
    emit_load(out(&o), 1, H_R15, mem_bd(-1, 0x1234));
    expect(&o.e, 8, "mov r15b, byte ptr [0x1234]");
    emit_load(out(&o), 8, H_RSI, mem_bisd(-1, H_RDI, 2, -8));
    expect(&o.e, 8, "mov rsi, qword ptr [rdi*4 - 8]");
    emit_store(out(&o), 1, mem_bisd(H_R13, H_R12, 0, 0), H_RBX);
    expect(&o.e, 5, "mov byte ptr [r13 + r12], bl");
    emit_store(out(&o), 8, mem_bisd(H_RAX, H_R15, 1, 0x7fffffff), H_R8);
    expect(&o.e, 8, "mov qword ptr [rax + r15*2 + 0x7fffffff], r8");
    emit_store_imm(out(&o), 8, mem_bd(H_RDI, 4), 0xffffffffu);
    expect(&o.e, 8, "mov qword ptr [rdi + 4], -1");
    emit_store_imm(out(&o), 2, mem_bd(H_R9, 0), 0xbeef);
    expect(&o.e, 6, "mov word ptr [r9], 0xbeef");
    emit_alu_mi(out(&o), 4, ALU_CMP, mem_bd(H_RSP, 0x10), 0x1000);
    expect(&o.e, 8, "cmp dword ptr [rsp + 0x10], 0x1000");
    emit_alu_ri(out(&o), 8, ALU_SUB, H_RSP, 8);
    expect(&o.e, 4, "sub rsp, 8");
    emit_alu_ri(out(&o), 1, ALU_XOR, B_AH, 0x80);
    expect(&o.e, 3, "xor ah, 0x80");
    emit_test_rr(out(&o), 1, H_RAX, B_AH);
    expect(&o.e, 2, "test al, ah");
    emit_lea(out(&o), 8, H_R9, mem_bisd(H_R9, H_R9, 1, 0));
    expect(&o.e, 4, "lea r9, [r9 + r9*2]");
    emit_lea(out(&o), 4, H_RAX, mem_bisd(-1, H_RCX, 3, 0));
    expect(&o.e, 7, "lea eax, [rcx*8]");
    emit_imul_rri(out(&o), 4, H_RAX, H_RBX, 10);
    expect(&o.e, 3, "imul eax, ebx, 0xa");
    emit_movzx_rr(out(&o), 1, H_RAX, B_AH);
    expect(&o.e, 3, "movzx eax, ah");
    emit_movsx_rm(out(&o), 2, H_R11, mem_bd(H_R12, -1));
    expect(&o.e, 6, "movsx r11d, word ptr [r12 - 1]");
    emit_xchg_rr(out(&o), 8, H_RAX, H_R8);
    expect(&o.e, 3, "xchg r8, rax");
    emit_shl64(out(&o), H_R10, 3);
    expect(&o.e, 4, "shl r10, 3");
    emit_jmp_m(out(&o), mem_bisd(H_R14, H_R9, 3, 0x40));
    expect(&o.e, 5, "jmp qword ptr [r14 + r9*8 + 0x40]");
    emit_jmp_r(out(&o), H_R11);
    expect(&o.e, 3, "jmp r11");
    emit_ret(out(&o));
    expect(&o.e, 1, "ret");
}
END_TEST

/* ---- registers ------------------------------------------------------------------ */

/* REX is needed for 64-bit operands or any register field above 7. */
static bool needs_rex(unsigned size, int a, int b)
{
    return size == 8 || a >= 8 || b >= 8;
}

/* AH..BH can only be encoded without REX. */
static bool byte_clash(unsigned size, int a, int b)
{
    return size == 1 && needs_rex(size, a, b) && (is_high8(a) || is_high8(b));
}

/* A two-register instruction "mn x, y" whose registers sit in ModRM. */
static void check_rr(const Emit *e, unsigned size, const char *mn, int x, int y, size_t oplen)
{
    if (byte_clash(size, x, y)) {
        expect_bad(e, mn);
        return;
    }
    Str t = { .n = 0 };
    str_add(&t, "%s %s, %s", mn, reg_name(size, x), reg_name(size, y));
    expect_str(e, (size == 2) + needs_rex(size, x, y) + oplen + 1, &t);
}

START_TEST(register_pairs_all_sizes)
{
    Out o;
    for (int si = 0; si < 4; si++) {
        unsigned size = sizes[si];
        for (int a = 0; a < 16; a++) {
            for (int b = 0; b < 16; b++) {
                emit_mov_rr(out(&o), size, a, b);
                check_rr(&o.e, size, "mov", a, b, 1);
                for (int op = 0; op < 8; op++) {
                    emit_alu_rr(out(&o), size, op, a, b);
                    check_rr(&o.e, size, alu_name[op], a, b, 1);
                }
                emit_test_rr(out(&o), size, a, b);
                check_rr(&o.e, size, "test", a, b, 1);
                emit_xchg_rr(out(&o), size, a, b);
                check_rr(&o.e, size, "xchg", b, a, 1);
                if (size == 1)
                    continue;
                emit_imul_rr(out(&o), size, a, b);
                check_rr(&o.e, size, "imul", a, b, 2);
                for (int cc = 0; cc < 16; cc++) {
                    char mn[16];
                    snprintf(mn, sizeof mn, "cmov%s", cc_name[cc]);
                    emit_cmovcc(out(&o), size, cc, a, b);
                    check_rr(&o.e, size, mn, a, b, 2);
                }
            }
        }
    }
}
END_TEST

START_TEST(byte_registers_high_and_rex)
{
    Out o;
    /* AH..BH with AL..BL or each other: no REX at all. */
    emit_mov_rr(out(&o), 1, B_AH, H_RBX);
    expect(&o.e, 2, "mov ah, bl");
    emit_mov_rr(out(&o), 1, B_BH, B_CH);
    expect(&o.e, 2, "mov bh, ch");
    emit_alu_rr(out(&o), 1, ALU_ADD, B_DH, H_RAX);
    expect(&o.e, 2, "add dh, al");
    emit_mov_ri(out(&o), 1, B_CH, 0x11);
    expect(&o.e, 2, "mov ch, 0x11");
    emit_mov_ri(out(&o), 1, H_R12, 0xfe);
    expect(&o.e, 3, "mov r12b, 0xfe");
    emit_load(out(&o), 1, B_AH, mem_bd(H_RAX, 0));
    expect(&o.e, 2, "mov ah, byte ptr [rax]");
    emit_store(out(&o), 1, mem_bisd(H_RSP, H_RDI, 0, 4), B_BH);
    expect(&o.e, 4, "mov byte ptr [rsp + rdi + 4], bh");
    emit_shift_ri(out(&o), 1, SH_SHR, B_DH, 1);
    expect(&o.e, 2, "shr dh, 1");
    emit_unary_r(out(&o), 1, 4, B_AH);
    expect(&o.e, 2, "mul ah");
    emit_incdec_r(out(&o), 1, true, B_CH);
    expect(&o.e, 2, "dec ch");
    emit_test_ri(out(&o), 1, B_BH, 0x80);
    expect(&o.e, 3, "test bh, 0x80");
    emit_movsx_rr(out(&o), 1, H_RDX, B_DH);
    expect(&o.e, 3, "movsx edx, dh");
    emit_movzx_rr(out(&o), 1, H_R8, H_RAX);
    expect(&o.e, 4, "movzx r8d, al");
    emit_movzx_rr(out(&o), 2, H_R8, H_RSP);
    expect(&o.e, 4, "movzx r8d, sp");

    /* AH..BH next to anything that needs REX: refused. */
    emit_mov_rr(out(&o), 1, B_AH, H_R8);
    expect_bad(&o.e, "mov ah, r8b");
    emit_mov_rr(out(&o), 1, H_R15, B_BH);
    expect_bad(&o.e, "mov r15b, bh");
    emit_load(out(&o), 1, B_AH, mem_bd(H_R8, 0));
    expect_bad(&o.e, "mov ah, [r8]");
    emit_load(out(&o), 1, B_CH, mem_bisd(H_RAX, H_R9, 0, 0));
    expect_bad(&o.e, "mov ch, [rax + r9]");
    emit_store(out(&o), 1, mem_bd(H_R12, 0), B_DH);
    expect_bad(&o.e, "mov [r12], dh");
    emit_alu_rm(out(&o), 1, ALU_OR, B_BH, mem_bd(H_R13, 8));
    expect_bad(&o.e, "or bh, [r13 + 8]");
    emit_alu_mr(out(&o), 1, ALU_AND, mem_bisd(-1, H_R10, 2, 0), B_AH);
    expect_bad(&o.e, "and [r10*4], ah");
    emit_movzx_rr(out(&o), 1, H_R8, B_AH);
    expect_bad(&o.e, "movzx r8d, ah");
    emit_movsx_rr(out(&o), 1, H_R9, B_BH);
    expect_bad(&o.e, "movsx r9d, bh");
    emit_xchg_rr(out(&o), 1, B_CH, H_R10);
    expect_bad(&o.e, "xchg r10b, ch");
    emit_test_rr(out(&o), 1, H_R11, B_DH);
    expect_bad(&o.e, "test r11b, dh");

    /* emit_byte_ok: only 4-7 with REX is impossible. */
    for (int r = 0; r < 16; r++) {
        ck_assert(emit_byte_ok(r, false));
        ck_assert(emit_byte_ok(r, true) == !is_high8(r));
    }
}
END_TEST

START_TEST(setcc_all_conditions_and_registers)
{
    Out o;
    for (int cc = 0; cc < 16; cc++) {
        for (int r = 0; r < 16; r++) {
            Str t = { .n = 0 };
            str_add(&t, "set%s %s", cc_name[cc], r8[r]);
            emit_setcc(out(&o), cc, r);
            expect_str(&o.e, 3 + (r >= 8), &t);
        }
    }
    emit_setcc(out(&o), CC_NE, B_AH);
    expect(&o.e, 3, "setne ah");
    emit_setcc(out(&o), CC_G, H_R15);
    expect(&o.e, 4, "setg r15b");
}
END_TEST

START_TEST(movzx_movsx_registers)
{
    Out o;
    for (unsigned src = 1; src <= 2; src++) {
        for (int d = 0; d < 16; d++) {
            for (int s = 0; s < 16; s++) {
                bool clash = src == 1 && is_high8(s) && (d >= 8 || s >= 8);
                for (int sx = 0; sx < 2; sx++) {
                    if (sx)
                        emit_movsx_rr(out(&o), src, d, s);
                    else
                        emit_movzx_rr(out(&o), src, d, s);
                    if (clash) {
                        expect_bad(&o.e, "movzx/movsx from AH..BH with REX");
                        continue;
                    }
                    Str t = { .n = 0 };
                    str_add(&t, "%s %s, %s", sx ? "movsx" : "movzx", r32[d], reg_name(src, s));
                    expect_str(&o.e, 3 + (d >= 8 || s >= 8), &t);
                }
            }
        }
    }
}
END_TEST

START_TEST(bswap_push_pop_jmp_registers)
{
    Out o;
    for (int r = 0; r < 16; r++) {
        Str t = { .n = 0 };
        str_add(&t, "bswap %s", r32[r]);
        emit_bswap(out(&o), r);
        expect_str(&o.e, 2 + (r >= 8), &t);
        t.n = 0;
        str_add(&t, "push %s", r64[r]);
        emit_push(out(&o), r);
        expect_str(&o.e, 1 + (r >= 8), &t);
        t.n = 0;
        str_add(&t, "pop %s", r64[r]);
        emit_pop(out(&o), r);
        expect_str(&o.e, 1 + (r >= 8), &t);
        t.n = 0;
        str_add(&t, "jmp %s", r64[r]);
        emit_jmp_r(out(&o), r);
        expect_str(&o.e, 2 + (r >= 8), &t);
    }
    emit_pushfq(out(&o));
    expect(&o.e, 1, "pushfq");
    emit_popfq(out(&o));
    expect(&o.e, 1, "popfq");
    emit_cwde(out(&o), 2);
    expect(&o.e, 2, "cbw");
    emit_cwde(out(&o), 4);
    expect(&o.e, 1, "cwde");
    emit_cdq(out(&o), 2);
    expect(&o.e, 2, "cwd");
    emit_cdq(out(&o), 4);
    expect(&o.e, 1, "cdq");
}
END_TEST

/* ---- memory operands -------------------------------------------------------------- */

static const int32_t disps[] = {
    0, 1, -1, 9, 10, 127, -128, 128, -129, 0x100, -0x1000, 0x12345678, INT32_MAX, INT32_MIN };

START_TEST(memory_all_bases_and_displacements)
{
    Out o;
    for (int base = -1; base < 16; base++) {
        for (size_t di = 0; di < sizeof disps / sizeof disps[0]; di++) {
            Mem m = mem_bd(base, disps[di]);
            for (int reg = 0; reg < 16; reg += 5) {
                Str t = { .n = 0 };
                str_add(&t, "mov %s, ", r32[reg]);
                add_mem(&t, 4, m, 4);
                emit_load(out(&o), 4, reg, m);
                expect_str(&o.e, needs_rex(4, reg, base) + 1 + mem_bytes(m), &t);

                t.n = 0;
                str_add(&t, "sub ");
                add_mem(&t, 8, m, 0);
                str_add(&t, ", %s", r64[reg]);
                emit_alu_mr(out(&o), 8, ALU_SUB, m, reg);
                expect_str(&o.e, 1 + 1 + mem_bytes(m), &t);
            }
        }
    }
    /* The forms the rules single out, spelled out. */
    emit_load(out(&o), 8, H_RAX, mem_bd(-1, 0x1000));
    expect(&o.e, 8, "mov rax, qword ptr [0x1000]");
    emit_load(out(&o), 8, H_RAX, mem_bd(-1, -16));
    expect(&o.e, 8, "mov rax, qword ptr [0xfffffffffffffff0]");
    emit_load(out(&o), 4, H_RAX, mem_bd(H_RSP, 127));
    expect(&o.e, 4, "mov eax, dword ptr [rsp + 0x7f]");
    emit_load(out(&o), 4, H_RAX, mem_bd(H_RSP, 128));
    expect(&o.e, 7, "mov eax, dword ptr [rsp + 0x80]");
    emit_load(out(&o), 4, H_RAX, mem_bd(H_R12, -128));
    expect(&o.e, 5, "mov eax, dword ptr [r12 - 0x80]");
    emit_load(out(&o), 4, H_RAX, mem_bd(H_R13, 0));
    expect(&o.e, 4, "mov eax, dword ptr [r13]");
    emit_load(out(&o), 4, H_RAX, mem_bd(H_RBP, -129));
    expect(&o.e, 6, "mov eax, dword ptr [rbp - 0x81]");
}
END_TEST

START_TEST(memory_index_and_scale)
{
    Out o;
    static const int32_t d[] = { 0, 0x44, -0x200 };
    for (int base = -1; base < 16; base++) {
        for (int index = 0; index < 16; index++) {
            for (int scale = 0; scale < 4; scale++) {
                for (int di = 0; di < 3; di++) {
                    Mem m = mem_bisd(base, index, scale, d[di]);
                    emit_load(out(&o), 8, H_RDX, m);
                    if (index == H_RSP) {
                        expect_bad(&o.e, "index rsp");
                        continue;
                    }
                    Str t = { .n = 0 };
                    str_add(&t, "mov rdx, ");
                    add_mem(&t, 8, m, 8);
                    expect_str(&o.e, 1 + 1 + mem_bytes(m), &t);
                }
            }
        }
    }
    emit_lea(out(&o), 8, H_RAX, mem_bisd(H_RBX, H_RSP, 0, 0));
    expect_bad(&o.e, "lea rax, [rbx + rsp]");
    emit_store(out(&o), 4, mem_bisd(-1, H_RSP, 3, 0x100), H_RAX);
    expect_bad(&o.e, "mov [rsp*8 + 0x100], eax");
    emit_load(out(&o), 4, H_RAX, mem_bisd(H_RSP, H_R12, 2, 0));
    expect(&o.e, 4, "mov eax, dword ptr [rsp + r12*4]");
    emit_load(out(&o), 4, H_RAX, mem_bisd(H_RBP, H_RAX, 0, 0));
    expect(&o.e, 4, "mov eax, dword ptr [rbp + rax]");
    emit_load(out(&o), 4, H_RAX, mem_bisd(-1, H_R13, 1, 0));
    expect(&o.e, 8, "mov eax, dword ptr [r13*2]");
    emit_load(out(&o), 4, H_RAX, mem_bisd(-1, H_RCX, 0, 0x10));
    expect(&o.e, 7, "mov eax, dword ptr [rcx + 0x10]");
}
END_TEST

START_TEST(memory_forms_of_each_function)
{
    Out o;
    Mem m = mem_bisd(H_R12, H_RBP, 2, -0x40);
    const char *ms = "[r12 + rbp*4 - 0x40]";
    char want[100];
    for (int si = 0; si < 4; si++) {
        unsigned size = sizes[si];
        const char *p = ptr_name(size);
        size_t pre = (size == 2) + 1;            /* r12 needs REX.B */
        emit_load(out(&o), size, H_RBX, m);
        snprintf(want, sizeof want, "mov %s, %s ptr %s", reg_name(size, H_RBX), p, ms);
        expect(&o.e, pre + 4, want);
        emit_store(out(&o), size, m, H_R9);
        snprintf(want, sizeof want, "mov %s ptr %s, %s", p, ms, reg_name(size, H_R9));
        expect(&o.e, pre + 4, want);
        for (int op = 0; op < 8; op++) {
            emit_alu_rm(out(&o), size, op, H_RCX, m);
            snprintf(want, sizeof want, "%s %s, %s ptr %s", alu_name[op],
                     reg_name(size, H_RCX), p, ms);
            expect(&o.e, pre + 4, want);
            emit_alu_mr(out(&o), size, op, m, H_RDX);
            snprintf(want, sizeof want, "%s %s ptr %s, %s", alu_name[op], p, ms,
                     reg_name(size, H_RDX));
            expect(&o.e, pre + 4, want);
        }
        for (int dig = 2; dig < 8; dig++) {
            emit_unary_m(out(&o), size, dig, m);
            snprintf(want, sizeof want, "%s %s ptr %s", unary_name[dig], p, ms);
            expect(&o.e, pre + 4, want);
        }
        emit_incdec_m(out(&o), size, false, m);
        snprintf(want, sizeof want, "inc %s ptr %s", p, ms);
        expect(&o.e, pre + 4, want);
        emit_incdec_m(out(&o), size, true, m);
        snprintf(want, sizeof want, "dec %s ptr %s", p, ms);
        expect(&o.e, pre + 4, want);
        if (size == 1)
            continue;
        emit_bt_mi(out(&o), size, m, 5);
        snprintf(want, sizeof want, "bt %s ptr %s, 5", p, ms);
        expect(&o.e, pre + 6, want);
        emit_bt_mi(out(&o), size, m, (uint8_t)(size * 8 - 1));
        snprintf(want, sizeof want, "bt %s ptr %s, 0x%x", p, ms, size * 8 - 1);
        expect(&o.e, pre + 6, want);
    }
    for (unsigned src = 1; src <= 2; src++) {
        emit_movzx_rm(out(&o), src, H_R10, m);
        snprintf(want, sizeof want, "movzx r10d, %s ptr %s", ptr_name(src), ms);
        expect(&o.e, 6, want);
        emit_movsx_rm(out(&o), src, H_RAX, m);
        snprintf(want, sizeof want, "movsx eax, %s ptr %s", ptr_name(src), ms);
        expect(&o.e, 6, want);
    }
    emit_lea(out(&o), 4, H_RDI, m);
    snprintf(want, sizeof want, "lea edi, %s", ms);
    expect(&o.e, 5, want);
    emit_lea(out(&o), 8, H_R15, m);
    snprintf(want, sizeof want, "lea r15, %s", ms);
    expect(&o.e, 5, want);
    emit_push_m(out(&o), m);
    snprintf(want, sizeof want, "push qword ptr %s", ms);
    expect(&o.e, 5, want);
    emit_pop_m(out(&o), m);
    snprintf(want, sizeof want, "pop qword ptr %s", ms);
    expect(&o.e, 5, want);
    emit_jmp_m(out(&o), m);
    snprintf(want, sizeof want, "jmp qword ptr %s", ms);
    expect(&o.e, 5, want);
    emit_push_m(out(&o), mem_bd(H_RSP, 0));
    expect(&o.e, 3, "push qword ptr [rsp]");
    emit_pop_m(out(&o), mem_bd(-1, 0x2000));
    expect(&o.e, 7, "pop qword ptr [0x2000]");
    emit_push_m(out(&o), mem_bd(H_R8, 8));
    expect(&o.e, 4, "push qword ptr [r8 + 8]");
}
END_TEST

/* ---- immediates ---------------------------------------------------------------- */

static const int32_t imm_wide[] = {
    0, 1, -1, 9, 10, 127, -128, 128, -129, 0x7fff, -0x8000, 0x12345678, INT32_MAX, INT32_MIN };
static const int32_t imm_word[] = { 0, 1, -1, 127, -128, 128, -129, 0x7fff, -0x8000, 0xffff };
static const int32_t imm_byte[] = { 0, 1, 9, 10, 0x7f, 0x80, 0xff };

/* The immediates worth trying at one operand size. */
static const int32_t *imms_for(unsigned size, size_t *n)
{
    if (size == 1) {
        *n = sizeof imm_byte / sizeof imm_byte[0];
        return imm_byte;
    }
    if (size == 2) {
        *n = sizeof imm_word / sizeof imm_word[0];
        return imm_word;
    }
    *n = sizeof imm_wide / sizeof imm_wide[0];
    return imm_wide;
}

/* Bytes of a group-1 style immediate: imm8 sign-extended when it fits. */
static size_t imm_bytes(unsigned size, int32_t imm, bool short_form)
{
    if (size == 1 || (short_form && imm >= -128 && imm <= 127))
        return 1;
    return size == 2 ? 2 : 4;
}

START_TEST(immediates_alu_imul)
{
    Out o;
    Mem m = mem_bd(H_R13, 0x10);
    for (int si = 0; si < 4; si++) {
        unsigned size = sizes[si];
        size_t n;
        const int32_t *imms = imms_for(size, &n);
        for (size_t i = 0; i < n; i++) {
            int32_t imm = imms[i];
            bool s8 = size != 1 && imm >= -128 && imm <= 127;
            for (int op = 0; op < 8; op++) {
                for (int r = 0; r < 16; r += 3) {
                    Str t = { .n = 0 };
                    str_add(&t, "%s %s, ", alu_name[op], reg_name(size, r));
                    add_alu_imm(&t, size, op, imm, s8);
                    emit_alu_ri(out(&o), size, op, r, imm);
                    expect_str(&o.e, (size == 2) + needs_rex(size, r, 0) + 2 +
                               imm_bytes(size, imm, true), &t);
                }
                Str t = { .n = 0 };
                str_add(&t, "%s ", alu_name[op]);
                add_mem(&t, size, m, 0);
                str_add(&t, ", ");
                add_alu_imm(&t, size, op, imm, s8);
                emit_alu_mi(out(&o), size, op, m, imm);
                expect_str(&o.e, (size == 2) + 1 + 1 + 2 + imm_bytes(size, imm, true), &t);
            }
            if (size == 1)
                continue;
            Str t = { .n = 0 };
            str_add(&t, "imul %s, %s, ", reg_name(size, H_R11), reg_name(size, H_RBP));
            add_imm(&t, size, imm, s8);
            emit_imul_rri(out(&o), size, H_R11, H_RBP, imm);
            expect_str(&o.e, (size == 2) + 3 + imm_bytes(size, imm, true), &t);
        }
    }
    /* The imm8/imm32 boundary spelled out. */
    emit_alu_ri(out(&o), 4, ALU_ADD, H_RAX, 127);
    expect(&o.e, 3, "add eax, 0x7f");
    emit_alu_ri(out(&o), 4, ALU_ADD, H_RAX, 128);
    expect(&o.e, 6, "add eax, 0x80");
    emit_alu_ri(out(&o), 8, ALU_CMP, H_R8, -128);
    expect(&o.e, 4, "cmp r8, -0x80");
    emit_alu_ri(out(&o), 8, ALU_CMP, H_R8, -129);
    expect(&o.e, 7, "cmp r8, -0x81");
    emit_alu_mi(out(&o), 2, ALU_AND, mem_bd(H_RAX, 0), -1);
    expect(&o.e, 4, "and word ptr [rax], 0xffff");
    emit_alu_mi(out(&o), 2, ALU_AND, mem_bd(H_RAX, 0), 0x1ff);
    expect(&o.e, 5, "and word ptr [rax], 0x1ff");
    emit_imul_rri(out(&o), 8, H_RAX, H_RCX, -128);
    expect(&o.e, 4, "imul rax, rcx, -0x80");
    emit_imul_rri(out(&o), 8, H_RAX, H_RCX, 128);
    expect(&o.e, 7, "imul rax, rcx, 0x80");
    emit_imul_rri(out(&o), 2, H_RAX, H_RCX, 0x1000);
    expect(&o.e, 5, "imul ax, cx, 0x1000");
}
END_TEST

static const uint32_t uimms[] = {
    0, 1, 9, 10, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff, 0x7fffffff, 0x80000000u, 0xffffffffu };

START_TEST(immediates_test_and_store)
{
    Out o;
    Mem m = mem_bisd(-1, H_R9, 3, 0x800);
    for (int si = 0; si < 4; si++) {
        unsigned size = sizes[si];
        uint32_t limit = size == 1 ? 0xff : size == 2 ? 0xffff : 0xffffffffu;
        size_t ib = size == 8 ? 4 : size;
        for (size_t i = 0; i < sizeof uimms / sizeof uimms[0]; i++) {
            uint32_t imm = uimms[i];
            if (imm > limit)
                continue;
            int64_t v = size == 8 ? (int64_t)(int32_t)imm : (int64_t)imm;
            for (int r = 0; r < 16; r++) {
                Str t = { .n = 0 };
                str_add(&t, "test %s, ", reg_name(size, r));
                add_imm(&t, size, v, false);
                emit_test_ri(out(&o), size, r, imm);
                expect_str(&o.e, (size == 2) + needs_rex(size, r, 0) + 2 + ib, &t);
            }
            Str t = { .n = 0 };
            str_add(&t, "test ");
            add_mem(&t, size, m, 0);
            str_add(&t, ", ");
            add_imm(&t, size, v, false);
            emit_test_mi(out(&o), size, m, imm);
            expect_str(&o.e, (size == 2) + 1 + 1 + mem_bytes(m) + ib, &t);

            t.n = 0;
            str_add(&t, "mov ");
            add_mem(&t, size, m, 0);
            str_add(&t, ", ");
            add_imm(&t, size, v, false);
            emit_store_imm(out(&o), size, m, imm);
            expect_str(&o.e, (size == 2) + 1 + 1 + mem_bytes(m) + ib, &t);
        }
    }
    emit_store_imm(out(&o), 8, mem_bd(H_RAX, 0), 0x80000000u);
    expect(&o.e, 7, "mov qword ptr [rax], -0x80000000");
    emit_test_ri(out(&o), 8, H_RAX, 0x7fffffff);
    expect(&o.e, 7, "test rax, 0x7fffffff");
}
END_TEST

START_TEST(mov_ri_shortest_forms)
{
    Out o;
    for (int r = 0; r < 16; r++) {
        size_t x = r >= 8;
        Str t = { .n = 0 };
        str_add(&t, "mov %s, 0x5a", r8[r]);
        emit_mov_ri(out(&o), 1, r, 0x5a);
        expect_str(&o.e, x + 2, &t);
        t.n = 0;
        str_add(&t, "mov %s, 0x8001", r16[r]);
        emit_mov_ri(out(&o), 2, r, 0x8001);
        expect_str(&o.e, 1 + x + 3, &t);
        t.n = 0;
        str_add(&t, "mov %s, 0xdeadbeef", r32[r]);
        emit_mov_ri(out(&o), 4, r, 0xdeadbeef);
        expect_str(&o.e, x + 5, &t);

        /* size 8: zero-extended imm32, sign-extended imm32, imm64. */
        t.n = 0;
        str_add(&t, "mov %s, 0", r32[r]);
        emit_mov_ri(out(&o), 8, r, 0);
        expect_str(&o.e, x + 5, &t);
        t.n = 0;
        str_add(&t, "mov %s, 0xffffffff", r32[r]);
        emit_mov_ri(out(&o), 8, r, 0xffffffffu);
        expect_str(&o.e, x + 5, &t);
        t.n = 0;
        str_add(&t, "movabs %s, 0x100000000", r64[r]);
        emit_mov_ri(out(&o), 8, r, 0x100000000ull);
        expect_str(&o.e, 10, &t);
        t.n = 0;
        str_add(&t, "mov %s, -1", r64[r]);
        emit_mov_ri(out(&o), 8, r, ~0ull);
        expect_str(&o.e, 7, &t);
        t.n = 0;
        str_add(&t, "mov %s, -0x80000000", r64[r]);
        emit_mov_ri(out(&o), 8, r, 0xffffffff80000000ull);
        expect_str(&o.e, 7, &t);
        t.n = 0;
        str_add(&t, "movabs %s, 0xffffffff7fffffff", r64[r]);
        emit_mov_ri(out(&o), 8, r, 0xffffffff7fffffffull);
        expect_str(&o.e, 10, &t);
        t.n = 0;
        str_add(&t, "movabs %s, 0x8000000000000000", r64[r]);
        emit_mov_ri(out(&o), 8, r, 0x8000000000000000ull);
        expect_str(&o.e, 10, &t);
    }
    emit_mov_ri(out(&o), 8, H_R11, 0x1122334455667788ull);
    expect(&o.e, 10, "movabs r11, 0x1122334455667788");
}
END_TEST

/* ---- shifts and one-operand groups ------------------------------------------------- */

START_TEST(shifts_by_one_imm_cl)
{
    Out o;
    static const uint8_t counts[] = { 1, 0, 2, 5, 9, 10, 31, 63 };
    for (int si = 0; si < 4; si++) {
        unsigned size = sizes[si];
        for (int op = 0; op < 8; op++) {
            for (int r = 0; r < 16; r++) {
                const char *rn = reg_name(size, r);
                size_t pre = (size == 2) + needs_rex(size, r, 0);
                for (size_t c = 0; c < sizeof counts; c++) {
                    Str t = { .n = 0 };
                    str_add(&t, "%s %s, ", shift_name[op], rn);
                    add_unum(&t, counts[c]);
                    emit_shift_ri(out(&o), size, op, r, counts[c]);
                    expect_str(&o.e, pre + 2 + (counts[c] != 1), &t);
                }
                Str t = { .n = 0 };
                str_add(&t, "%s %s, cl", shift_name[op], rn);
                emit_shift_rcl(out(&o), size, op, r);
                expect_str(&o.e, pre + 2, &t);
            }
        }
    }
    emit_shift_ri(out(&o), 8, SH_SAR, H_R15, 1);
    expect(&o.e, 3, "sar r15, 1");
    emit_shift_ri(out(&o), 2, SH_ROL, H_RAX, 8);
    expect(&o.e, 4, "rol ax, 8");
    emit_shl64(out(&o), H_RAX, 1);
    expect(&o.e, 3, "shl rax, 1");
    emit_shl64(out(&o), H_R12, 32);
    expect(&o.e, 4, "shl r12, 0x20");
    emit_rorx(out(&o), H_R9, H_R8, 7);
    expect(&o.e, 6, "rorx r9d, r8d, 7");
    emit_rorx(out(&o), H_RAX, H_RDI, 12);
    expect(&o.e, 6, "rorx eax, edi, 0xc");
    emit_rorx(out(&o), H_R10, H_RCX, 31);
    expect(&o.e, 6, "rorx r10d, ecx, 0x1f");
    emit_rorx(out(&o), H_RDX, H_R13, 1);
    expect(&o.e, 6, "rorx edx, r13d, 1");
}
END_TEST

START_TEST(unary_incdec_registers)
{
    Out o;
    for (int si = 0; si < 4; si++) {
        unsigned size = sizes[si];
        for (int r = 0; r < 16; r++) {
            size_t len = (size == 2) + needs_rex(size, r, 0) + 2;
            for (int dig = 2; dig < 8; dig++) {
                Str t = { .n = 0 };
                str_add(&t, "%s %s", unary_name[dig], reg_name(size, r));
                emit_unary_r(out(&o), size, dig, r);
                expect_str(&o.e, len, &t);
            }
            for (int dec = 0; dec < 2; dec++) {
                Str t = { .n = 0 };
                str_add(&t, "%s %s", dec ? "dec" : "inc", reg_name(size, r));
                emit_incdec_r(out(&o), size, dec, r);
                expect_str(&o.e, len, &t);
            }
        }
    }
}
END_TEST

START_TEST(generic_forms_and_raw_bytes)
{
    Out o;
    static const uint8_t mov_load[1] = { 0x8b }, mov_load8[1] = { 0x8a }, mov_store8[1] = { 0x88 };
    static const uint8_t imul[2] = { 0x0f, 0xaf }, movzx16[2] = { 0x0f, 0xb7 };
    emit_op_rr(out(&o), 4, mov_load, 1, H_RAX, H_R9);
    expect(&o.e, 3, "mov eax, r9d");
    emit_op_rr(out(&o), 8, imul, 2, H_R10, H_RBX);
    expect(&o.e, 4, "imul r10, rbx");
    emit_op_rm(out(&o), 2, mov_load, 1, H_R8, mem_bd(H_RSP, 0));
    expect(&o.e, 5, "mov r8w, word ptr [rsp]");
    emit_op_rm(out(&o), 8, movzx16, 2, H_RAX, mem_bisd(H_RBP, H_R8, 3, 0));
    expect(&o.e, 6, "movzx rax, word ptr [rbp + r8*8]");
    emit_op_rm(out(&o), 1, mov_load8, 1, B_AH, mem_bd(H_RAX, 1));
    expect(&o.e, 3, "mov ah, byte ptr [rax + 1]");
    emit_op_rm(out(&o), 1, mov_load8, 1, B_AH, mem_bd(H_R8, 1));
    expect_bad(&o.e, "mov ah, [r8 + 1]");
    emit_op_rr(out(&o), 1, mov_store8, 1, B_BH, H_R8);
    expect_bad(&o.e, "mov r8b, bh");

    Emit *e = out(&o);
    emit_u8(e, 0xab);
    emit_u32(e, 0x12345678);
    emit_u64(e, 0x0102030405060708ull);
    static const uint8_t want[13] = { 0xab, 0x78, 0x56, 0x34, 0x12,
                                      8, 7, 6, 5, 4, 3, 2, 1 };
    ck_assert_uint_eq(emit_len(e), 13);
    ck_assert_mem_eq(o.buf, want, 13);
    ck_assert(!e->full && !e->bad);
}
END_TEST

/* ---- control flow ---------------------------------------------------------------- */

/* "jcc"/"jmp" text for a branch to host address 'to'; cc 16 is jmp. */
static void branch_text(Str *t, int cc, const uint8_t *to)
{
    str_add(t, "j%s 0x%" PRIx64, cc < 16 ? cc_name[cc] : "mp", (uint64_t)(uintptr_t)to);
}

START_TEST(branches_rel32_and_patch)
{
    uint8_t *buf = calloc(1, 8192);
    uint8_t *at = buf + 4096;
    for (int cc = 0; cc <= 16; cc++) {
        Emit e;
        emit_init(&e, at, 64);
        uint8_t *rel = cc < 16 ? emit_jcc(&e, cc) : emit_jmp(&e);
        size_t len = cc < 16 ? 6 : 5;
        ck_assert_ptr_eq(rel, at + len - 4);
        ck_assert_uint_eq(emit_len(&e), len);
        const uint8_t *targets[] = { at + len, at, buf, buf + 8191, at + len + 127, at - 200 };
        for (size_t i = 0; i < sizeof targets / sizeof targets[0]; i++) {
            emit_patch(rel, targets[i]);
            Str t = { .n = 0 };
            branch_text(&t, cc, targets[i]);
            expect_str(&e, len, &t);
        }
    }
    emit_patch(NULL, buf);          /* a branch that did not fit: ignored */
    free(buf);
}
END_TEST

START_TEST(branches_rel8_or_rel32_at_the_boundary)
{
    uint8_t *buf = calloc(1, 8192);
    uint8_t *at = buf + 4096;
    static const int deltas[] = { -129, -128, -127, -2, 0, 1, 126, 127, 128, 129, -3000, 3000 };
    for (int cc = 0; cc <= 16; cc++) {
        for (size_t i = 0; i < sizeof deltas / sizeof deltas[0]; i++) {
            /* delta is measured from the end of a 2-byte short branch */
            const uint8_t *to = at + 2 + deltas[i];
            Emit e;
            emit_init(&e, at, 64);
            if (cc < 16)
                emit_jcc_to(&e, cc, to);
            else
                emit_jmp_to(&e, to);
            bool near = deltas[i] >= -128 && deltas[i] <= 127;
            Str t = { .n = 0 };
            branch_text(&t, cc, to);
            expect_str(&e, near ? 2 : cc < 16 ? 6 : 5, &t);
        }
    }
    /* After other code, the distance counts from the branch's own position. */
    Emit e;
    emit_init(&e, at, 64);
    emit_ret(&e);
    emit_ret(&e);
    emit_jmp_to(&e, at);                /* back 4 bytes from its end */
    ck_assert_uint_eq(emit_len(&e), 4);
    ck_assert_uint_eq(at[2], 0xeb);
    ck_assert_uint_eq(at[3], 0xfc);
    free(buf);
}
END_TEST

/* emit_call_abs: the move into R11 in its shortest form, then call r11. */
static void check_call_abs(uint64_t fn, size_t movlen, const char *mov)
{
    Out o;
    emit_call_abs(out(&o), (const void *)(uintptr_t)fn);
    ck_assert(!o.e.bad && !o.e.full);
    ck_assert_uint_eq(emit_len(&o.e), movlen + 3);
    char got[200];
    size_t used;
    ck_assert_uint_eq(disasm(o.buf, movlen + 3, got, sizeof got, &used), 2);
    ck_assert_uint_eq(used, movlen);
    ck_assert_str_eq(got, mov);
    ck_assert_uint_eq(disasm(o.buf + movlen, 3, got, sizeof got, &used), 1);
    ck_assert_uint_eq(used, 3);
    ck_assert_str_eq(got, "call r11");
}

START_TEST(call_abs_via_r11)
{
    check_call_abs(0x1122334455667788ull, 10, "movabs r11, 0x1122334455667788");
    check_call_abs(0x00007f0012345678ull, 10, "movabs r11, 0x7f0012345678");
    check_call_abs(0x12345678, 6, "mov r11d, 0x12345678");
    check_call_abs(0xffffffff80001000ull, 7, "mov r11, -0x7ffff000");
    /* A real function: whichever form its address needs. */
    uint64_t fn = (uint64_t)(uintptr_t)&cs_setup;
    char mov[64];
    if (fn <= 0xffffffffu) {
        snprintf(mov, sizeof mov, "mov r11d, 0x%" PRIx64, fn);
        check_call_abs(fn, 6, mov);
    } else {
        snprintf(mov, sizeof mov, "movabs r11, 0x%" PRIx64, fn);
        check_call_abs(fn, 10, mov);
    }
}
END_TEST

/* ---- a full buffer ------------------------------------------------------------------ */

enum { N_SAMPLES = 14 };

/* Sample instructions of various lengths for the full-buffer test. */
static void emit_sample(Emit *e, int which)
{
    switch (which) {
    case 0: emit_mov_ri(e, 8, H_R11, 0x1122334455667788ull); break;
    case 1: emit_alu_mi(e, 8, ALU_CMP, mem_bisd(H_R13, H_R12, 3, 0x12345), 0x7654321); break;
    case 2: emit_jcc(e, CC_NE); break;
    case 3: emit_jmp(e); break;
    case 4: emit_call_abs(e, (const void *)(uintptr_t)0x1122334455667788ull); break;
    case 5: emit_store_imm(e, 2, mem_bd(-1, 0x1000), 0xbeef); break;
    case 6: emit_push(e, H_R15); break;
    case 7: emit_movzx_rm(e, 2, H_R8, mem_bd(H_RSP, 0x100)); break;
    case 8: emit_jcc_to(e, CC_E, e->p); break;
    case 9: emit_jmp_to(e, e->p + 1000); break;
    case 10: emit_imul_rri(e, 2, H_RAX, H_R9, 0x1234); break;
    case 11: emit_bt_mi(e, 8, mem_bd(H_RBP, 0), 63); break;
    case 12: emit_u64(e, 0x0102030405060708ull); break;
    default: emit_cwde(e, 2); break;
    }
}

START_TEST(full_buffer_stops_at_the_end)
{
    uint8_t ref[64], buf[64];
    for (int which = 0; which < N_SAMPLES; which++) {
        Emit e;
        emit_init(&e, ref, sizeof ref);
        emit_sample(&e, which);
        size_t len = emit_len(&e);
        ck_assert(!e.full && len > 0);
        for (size_t room = 0; room <= len; room++) {
            memset(buf, 0xcc, sizeof buf);
            emit_init(&e, buf, room);
            emit_sample(&e, which);
            ck_assert_msg(e.full == (room < len), "sample %d room %zu", which, room);
            ck_assert_uint_eq(emit_len(&e), room);
            if (which != 9 || room == len)     /* rel32 is filled in only once it fits */
                ck_assert_mem_eq(buf, ref, room);
            for (size_t i = room; i < sizeof buf; i++)
                ck_assert_msg(buf[i] == 0xcc, "sample %d room %zu wrote byte %zu", which, room, i);
        }
    }
    /* A forward branch that does not fit hands back NULL; patching that is a no-op. */
    Emit e;
    emit_init(&e, buf, 5);
    ck_assert_ptr_null(emit_jcc(&e, CC_O));
    ck_assert(e.full);
    emit_init(&e, buf, 4);
    ck_assert_ptr_null(emit_jmp(&e));
    /* Once full, everything after is dropped as well. */
    emit_init(&e, buf, 2);
    emit_push(&e, H_R8);
    emit_ret(&e);
    ck_assert(e.full);
    ck_assert_uint_eq(emit_len(&e), 2);
}
END_TEST

/* ---- random combinations ----------------------------------------------------------- */

typedef struct Rng { uint64_t s; } Rng;

static uint64_t rng_next(Rng *r)
{
    /* xorshift64* (Vigna): fixed seed, same sequence every run */
    r->s ^= r->s >> 12;
    r->s ^= r->s << 25;
    r->s ^= r->s >> 27;
    return r->s * 0x2545f4914f6cdd1dull;
}

static int rnd(Rng *r, int n)
{
    return (int)((rng_next(r) >> 16) % (uint64_t)n);
}

static Mem rnd_mem(Rng *r)
{
    static const int32_t edge[] = { 0, 1, -1, 127, -128, 128, -129, INT32_MAX, INT32_MIN };
    int base = rnd(r, 8) == 0 ? -1 : rnd(r, 16);
    int index = rnd(r, 2) ? -1 : rnd(r, 16);
    int32_t disp;
    switch (rnd(r, 4)) {
    case 0: disp = edge[rnd(r, 9)]; break;
    case 1: disp = (int8_t)rng_next(r); break;
    case 2: disp = (int32_t)rng_next(r); break;
    default: disp = 0; break;
    }
    return mem_bisd(base, index, rnd(r, 4), disp);
}

static int32_t rnd_imm(Rng *r, unsigned size)
{
    int32_t v;
    switch (rnd(r, 3)) {
    case 0: v = (int8_t)rng_next(r); break;
    case 1: v = imm_wide[rnd(r, sizeof imm_wide / sizeof imm_wide[0])]; break;
    default: v = (int32_t)rng_next(r); break;
    }
    if (size == 1)
        return v & 0xff;
    if (size == 2)
        return (int16_t)v;
    return v;
}

/* What one random case should produce. */
typedef struct Want { Str t; size_t len; bool bad; } Want;

enum { K_MOV_RR, K_ALU_RR, K_TEST_RR, K_XCHG, K_IMUL_RR, K_CMOV, K_ALU_RI, K_TEST_RI,
       K_IMUL_RRI, K_SHIFT, K_SHIFT_CL, K_UNARY, K_INCDEC, K_MOVX_RR, K_SETCC, K_MOV_RI,
       K_REG_KINDS };

/* A register-only case; x and y are random registers. */
static void rnd_reg_case(Rng *r, Emit *e, int kind, unsigned size, int x, int y, Want *w)
{
    const char *xn = reg_name(size, x), *yn = reg_name(size, y);
    size_t pre = (size == 2) + needs_rex(size, x, y);
    w->bad = byte_clash(size, x, y);
    int op = rnd(r, 8), cc = rnd(r, 16);
    int32_t imm = rnd_imm(r, size);
    bool s8 = size != 1 && imm >= -128 && imm <= 127;
    switch (kind) {
    case K_MOV_RR:
        emit_mov_rr(e, size, x, y);
        str_add(&w->t, "mov %s, %s", xn, yn);
        w->len = pre + 2;
        break;
    case K_ALU_RR:
        emit_alu_rr(e, size, op, x, y);
        str_add(&w->t, "%s %s, %s", alu_name[op], xn, yn);
        w->len = pre + 2;
        break;
    case K_TEST_RR:
        emit_test_rr(e, size, x, y);
        str_add(&w->t, "test %s, %s", xn, yn);
        w->len = pre + 2;
        break;
    case K_XCHG:
        emit_xchg_rr(e, size, x, y);
        str_add(&w->t, "xchg %s, %s", yn, xn);
        w->len = pre + 2;
        break;
    case K_IMUL_RR:
        emit_imul_rr(e, size, x, y);
        str_add(&w->t, "imul %s, %s", xn, yn);
        w->len = pre + 3;
        break;
    case K_CMOV:
        emit_cmovcc(e, size, cc, x, y);
        str_add(&w->t, "cmov%s %s, %s", cc_name[cc], xn, yn);
        w->len = pre + 3;
        break;
    case K_IMUL_RRI:
        emit_imul_rri(e, size, x, y, imm);
        str_add(&w->t, "imul %s, %s, ", xn, yn);
        add_imm(&w->t, size, imm, s8);
        w->len = pre + 2 + imm_bytes(size, imm, true);
        break;
    default: break;
    }
}

/* A one-register case on x. */
static void rnd_reg1_case(Rng *r, Emit *e, int kind, unsigned size, int x, Want *w)
{
    const char *xn = reg_name(size, x);
    size_t pre = (size == 2) + needs_rex(size, x, 0);
    int op = rnd(r, 8), cc = rnd(r, 16), dig = 2 + rnd(r, 6);
    int32_t imm = rnd_imm(r, size);
    bool s8 = size != 1 && imm >= -128 && imm <= 127;
    uint8_t count = rnd(r, 2) ? 1 : (uint8_t)rnd(r, size == 8 ? 64 : 32);
    w->len = pre + 2;
    switch (kind) {
    case K_ALU_RI:
        emit_alu_ri(e, size, op, x, imm);
        str_add(&w->t, "%s %s, ", alu_name[op], xn);
        add_alu_imm(&w->t, size, op, imm, s8);
        w->len += imm_bytes(size, imm, true);
        break;
    case K_TEST_RI:
        emit_test_ri(e, size, x, (uint32_t)imm);
        str_add(&w->t, "test %s, ", xn);
        add_imm(&w->t, size, imm, false);
        w->len += size == 8 ? 4 : size;
        break;
    case K_SHIFT:
        emit_shift_ri(e, size, op, x, count);
        str_add(&w->t, "%s %s, ", shift_name[op], xn);
        add_unum(&w->t, count);
        w->len += count != 1;
        break;
    case K_SHIFT_CL:
        emit_shift_rcl(e, size, op, x);
        str_add(&w->t, "%s %s, cl", shift_name[op], xn);
        break;
    case K_UNARY:
        emit_unary_r(e, size, dig, x);
        str_add(&w->t, "%s %s", unary_name[dig], xn);
        break;
    case K_INCDEC:
        emit_incdec_r(e, size, op & 1, x);
        str_add(&w->t, "%s %s", op & 1 ? "dec" : "inc", xn);
        break;
    case K_SETCC:
        emit_setcc(e, cc, x);
        str_add(&w->t, "set%s %s", cc_name[cc], r8[x]);
        w->len = 3 + (x >= 8);
        break;
    default: break;
    }
}

/* movzx/movsx between registers and mov r, imm. */
static void rnd_misc_case(Rng *r, Emit *e, int kind, unsigned size, int x, int y, Want *w)
{
    if (kind == K_MOVX_RR) {
        unsigned src = 1 + (unsigned)rnd(r, 2);
        bool sx = rnd(r, 2);
        if (sx)
            emit_movsx_rr(e, src, x, y);
        else
            emit_movzx_rr(e, src, x, y);
        str_add(&w->t, "%s %s, %s", sx ? "movsx" : "movzx", r32[x], reg_name(src, y));
        w->len = 3 + (x >= 8 || y >= 8);
        w->bad = src == 1 && is_high8(y) && (x >= 8 || y >= 8);
        return;
    }
    uint64_t v = rng_next(r);
    switch (rnd(r, 4)) {
    case 0: v &= 0xffffffffu; break;
    case 1: v = (uint64_t)(int64_t)(int32_t)v; break;
    case 2: v &= 0xff; break;
    default: break;
    }
    emit_mov_ri(e, size, x, v);
    size_t x8 = x >= 8;
    if (size == 8 && v <= 0xffffffffu) {
        str_add(&w->t, "mov %s, ", r32[x]);
        add_unum(&w->t, v);
        w->len = x8 + 5;
    } else if (size == 8 && (int64_t)v >= INT32_MIN && (int64_t)v <= INT32_MAX) {
        str_add(&w->t, "mov %s, ", r64[x]);
        add_snum(&w->t, (int64_t)v);
        w->len = 7;
    } else if (size == 8) {
        str_add(&w->t, "movabs %s, ", r64[x]);
        add_unum(&w->t, v);
        w->len = 10;
    } else {
        str_add(&w->t, "mov %s, ", reg_name(size, x));
        add_imm(&w->t, size, (int64_t)v, false);
        w->len = (size == 2) + x8 + 1 + size;
    }
}

enum { K_LOAD, K_STORE, K_ALU_RM, K_ALU_MR, K_STORE_IMM, K_ALU_MI, K_TEST_MI, K_UNARY_M,
       K_INCDEC_M, K_MOVX_RM, K_LEA, K_BT_MI, K_STACK_M, K_MEM_KINDS };

/* A memory case: register x (when the form has one) and operand m. */
static void rnd_mem_case(Rng *r, Emit *e, int kind, unsigned size, int x, Mem m, Want *w)
{
    const char *xn = reg_name(size, x);
    int op = rnd(r, 8), dig = 2 + rnd(r, 6), pick = rnd(r, 3);
    int32_t imm = rnd_imm(r, size);
    bool s8 = size != 1 && imm >= -128 && imm <= 127;
    bool has_reg = kind <= K_ALU_MR || kind == K_MOVX_RM || kind == K_LEA;
    int reg = has_reg ? x : 0;
    bool rex = size == 8 || reg >= 8 || m.base >= 8 || m.index >= 8;
    w->bad = m.index == H_RSP ||
             (size == 1 && kind <= K_ALU_MR && rex && is_high8(reg));
    w->len = (size == 2) + rex + 1 + mem_bytes(m);
    switch (kind) {
    case K_LOAD:
        emit_load(e, size, x, m);
        str_add(&w->t, "mov %s, ", xn);
        add_mem(&w->t, size, m, size);
        break;
    case K_STORE:
        emit_store(e, size, m, x);
        str_add(&w->t, "mov ");
        add_mem(&w->t, size, m, 0);
        str_add(&w->t, ", %s", xn);
        break;
    case K_ALU_RM:
        emit_alu_rm(e, size, op, x, m);
        str_add(&w->t, "%s %s, ", alu_name[op], xn);
        add_mem(&w->t, size, m, size);
        break;
    case K_ALU_MR:
        emit_alu_mr(e, size, op, m, x);
        str_add(&w->t, "%s ", alu_name[op]);
        add_mem(&w->t, size, m, 0);
        str_add(&w->t, ", %s", xn);
        break;
    case K_STORE_IMM:
    case K_TEST_MI:
    case K_ALU_MI:
        if (kind == K_STORE_IMM)
            emit_store_imm(e, size, m, (uint32_t)imm);
        else if (kind == K_TEST_MI)
            emit_test_mi(e, size, m, (uint32_t)imm);
        else
            emit_alu_mi(e, size, op, m, imm);
        str_add(&w->t, "%s ",
                kind == K_STORE_IMM ? "mov" : kind == K_TEST_MI ? "test" : alu_name[op]);
        add_mem(&w->t, size, m, 0);
        str_add(&w->t, ", ");
        if (kind == K_ALU_MI)
            add_alu_imm(&w->t, size, op, imm, s8);
        else
            add_imm(&w->t, size, imm, false);
        w->len += imm_bytes(size, imm, kind == K_ALU_MI);
        break;
    case K_UNARY_M:
        emit_unary_m(e, size, dig, m);
        str_add(&w->t, "%s ", unary_name[dig]);
        add_mem(&w->t, size, m, 0);
        break;
    case K_INCDEC_M:
        emit_incdec_m(e, size, op & 1, m);
        str_add(&w->t, "%s ", op & 1 ? "dec" : "inc");
        add_mem(&w->t, size, m, 0);
        break;
    case K_MOVX_RM:                     /* size picks the source: 1 or 2 */
        if (op & 1)
            emit_movsx_rm(e, size, x, m);
        else
            emit_movzx_rm(e, size, x, m);
        str_add(&w->t, "%s %s, ", op & 1 ? "movsx" : "movzx", r32[x]);
        add_mem(&w->t, size, m, 4);
        w->len += 1 - (size == 2);      /* 0F escape, no 66 prefix */
        break;
    case K_LEA:
        emit_lea(e, size, x, m);
        str_add(&w->t, "lea %s, ", xn);
        add_mem(&w->t, 0, m, size);
        break;
    case K_BT_MI:
        emit_bt_mi(e, size, m, (uint8_t)(imm & 0x3f));
        str_add(&w->t, "bt ");
        add_mem(&w->t, size, m, 0);
        str_add(&w->t, ", ");
        add_unum(&w->t, (uint8_t)(imm & 0x3f));
        w->len += 2;
        break;
    default:                            /* push, pop, jmp qword [m]: size is 8 without REX.W */
        if (pick == 0)
            emit_push_m(e, m);
        else if (pick == 1)
            emit_pop_m(e, m);
        else
            emit_jmp_m(e, m);
        str_add(&w->t, "%s ", pick == 0 ? "push" : pick == 1 ? "pop" : "jmp");
        add_mem(&w->t, 8, m, 0);
        w->len -= 1 - (m.base >= 8 || m.index >= 8);
        break;
    }
}

/* Operand sizes each kind accepts. */
static unsigned rnd_size(Rng *r, bool reg_kinds, int kind)
{
    if (reg_kinds) {
        if (kind == K_IMUL_RR || kind == K_CMOV || kind == K_IMUL_RRI)
            return sizes[1 + rnd(r, 3)];
        return sizes[rnd(r, 4)];
    }
    if (kind == K_MOVX_RM)
        return 1 + (unsigned)rnd(r, 2);
    if (kind == K_LEA)
        return 4 + 4 * (unsigned)rnd(r, 2);
    if (kind == K_BT_MI)
        return sizes[1 + rnd(r, 3)];
    if (kind == K_STACK_M)
        return 8;
    return sizes[rnd(r, 4)];
}

START_TEST(random_combinations)
{
    Rng r = { 0x9e3779b97f4a7c15ull };
    int seen[K_REG_KINDS + K_MEM_KINDS] = { 0 };
    int bad = 0;
    for (int i = 0; i < 6000; i++) {
        Out o;
        Want w = { .t = { .n = 0 }, .len = 0, .bad = false };
        Emit *e = out(&o);
        bool reg_kinds = rnd(&r, 2);
        int kind = rnd(&r, reg_kinds ? K_REG_KINDS : K_MEM_KINDS);
        unsigned size = rnd_size(&r, reg_kinds, kind);
        int x = rnd(&r, 16), y = rnd(&r, 16);
        if (!reg_kinds) {
            rnd_mem_case(&r, e, kind, size, x, rnd_mem(&r), &w);
            seen[K_REG_KINDS + kind]++;
        } else {
            if (kind <= K_CMOV || kind == K_IMUL_RRI)
                rnd_reg_case(&r, e, kind, size, x, y, &w);
            else if (kind == K_MOVX_RR || kind == K_MOV_RI)
                rnd_misc_case(&r, e, kind, size, x, y, &w);
            else
                rnd_reg1_case(&r, e, kind, size, x, &w);
            seen[kind]++;
        }
        if (w.bad) {
            ck_assert_msg(e->bad, "case %d: want bad for '%s'", i, w.t.s);
            bad++;
        } else {
            expect_str(e, w.len, &w.t);
        }
    }
    for (int k = 0; k < K_REG_KINDS + K_MEM_KINDS; k++)
        ck_assert_msg(seen[k] > 50, "kind %d only %d times", k, seen[k]);
    ck_assert_int_gt(bad, 20);
}
END_TEST

Suite *emit_suite(void)
{
    Suite *s = suite_create("emit");
    TCase *tc = tcase_create("emit");
    tcase_add_checked_fixture(tc, cs_setup, cs_teardown);
    tcase_add_test(tc, literal_examples);
    tcase_add_test(tc, register_pairs_all_sizes);
    tcase_add_test(tc, byte_registers_high_and_rex);
    tcase_add_test(tc, setcc_all_conditions_and_registers);
    tcase_add_test(tc, movzx_movsx_registers);
    tcase_add_test(tc, bswap_push_pop_jmp_registers);
    tcase_add_test(tc, memory_all_bases_and_displacements);
    tcase_add_test(tc, memory_index_and_scale);
    tcase_add_test(tc, memory_forms_of_each_function);
    tcase_add_test(tc, immediates_alu_imul);
    tcase_add_test(tc, immediates_test_and_store);
    tcase_add_test(tc, mov_ri_shortest_forms);
    tcase_add_test(tc, shifts_by_one_imm_cl);
    tcase_add_test(tc, unary_incdec_registers);
    tcase_add_test(tc, generic_forms_and_raw_bytes);
    tcase_add_test(tc, branches_rel32_and_patch);
    tcase_add_test(tc, branches_rel8_or_rel32_at_the_boundary);
    tcase_add_test(tc, call_abs_via_r11);
    tcase_add_test(tc, full_buffer_stops_at_the_end);
    tcase_add_test(tc, random_combinations);
    suite_add_tcase(s, tc);
    return s;
}
