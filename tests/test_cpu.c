/*
 * tests/test_cpu.c - unit tests for cpu/: short real-mode instruction byte
 * sequences run from RAM, checked against expected registers, flags, memory
 * and interrupt frames. No disk image, no board: CPU + RAM + empty ports.
 *
 * Layout used by every test: code at 0100:0000 (phys 0x1000), stack
 * 2000:FFFE, data segment 3000, IVT at 0 with every vector pointing at its
 * own HLT in 0050:vector*2 (phys 0x500 + 2*vector).
 */
#include <check.h>

#include "cpu/cpu.h"

#define RAM_SIZE (1u << 21)
#define CODE_PHYS 0x1000u
#define HANDLER(v) (0x500u + 2u * (v))

typedef struct Rig {
    AddrSpace *mem, *io;
    uint8_t *ram;
    CpuState *cpu;
    int intack_calls;
    int intack_vector;
    int hook_calls;
    uint32_t hook_phys;
    uint8_t hook_service;
    bool hook_accept;
} Rig;

static int fake_intack(void *opaque)
{
    Rig *r = opaque;
    r->intack_calls++;
    r->cpu->intr_line = false;
    return r->intack_vector;
}

static bool fake_hook(void *opaque, CpuState *cpu, uint32_t phys_eip, uint8_t service)
{
    Rig *r = opaque;
    r->hook_calls++;
    r->hook_phys = phys_eip;
    r->hook_service = service;
    if (r->hook_accept)
        cpu->regs[R_EAX] = 0x1234;
    return r->hook_accept;
}

static Rig *rig_new(const uint8_t *code, size_t len)
{
    Rig *r = xzalloc(sizeof *r);
    r->mem = addr_space_new(ADDR_SPACE_MEM);
    r->io = addr_space_new(ADDR_SPACE_IO);
    r->ram = xzalloc(RAM_SIZE);
    mem_map_ram(r->mem, 0, RAM_SIZE, r->ram);
    r->cpu = cpu_create(r->mem, r->io);
    CpuState *cpu = r->cpu;
    for (unsigned v = 0; v < 256; v++) {
        uint16_t off = (uint16_t)(HANDLER(v) - 0x500);
        r->ram[v * 4] = (uint8_t)off;
        r->ram[v * 4 + 1] = (uint8_t)(off >> 8);
        r->ram[v * 4 + 2] = 0x50;
        r->ram[v * 4 + 3] = 0x00;
        r->ram[HANDLER(v)] = 0xf4;
    }
    if (len)
        memcpy(r->ram + CODE_PHYS, code, len);
    cpu->idtr.base = 0;
    cpu->idtr.limit = 0x3ff;
    cpu_set_seg_real(cpu, SEG_CS, 0x0100);
    cpu_set_seg_real(cpu, SEG_SS, 0x2000);
    cpu_set_seg_real(cpu, SEG_DS, 0x3000);
    cpu_set_seg_real(cpu, SEG_ES, 0x4000);
    cpu->eip = 0;
    cpu->regs[R_ESP] = 0xfffe;
    cpu->intack = fake_intack;
    cpu->intack_opaque = r;
    cpu->bios_hook = fake_hook;
    cpu->bios_opaque = r;
    r->intack_vector = 0x20;
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

static uint16_t ram16(Rig *r, uint32_t phys)
{
    return (uint16_t)(r->ram[phys] | r->ram[phys + 1] << 8);
}

/* Check that 'vector' was delivered: CS:IP at its HLT (+1 after it ran) and
 * the frame on the stack holds return IP 'ret_ip', CS 0100. */
static void assert_delivered(Rig *r, unsigned vector, uint16_t ret_ip)
{
    CpuState *cpu = r->cpu;
    ck_assert_uint_eq(cpu->seg[SEG_CS].sel, 0x0050);
    ck_assert_uint_eq(cpu->eip, HANDLER(vector) - 0x500 + 1);
    ck_assert(cpu->halted);
    uint32_t sp = 0x20000 + (cpu->regs[R_ESP] & 0xffff);
    ck_assert_uint_eq(ram16(r, sp), ret_ip);
    ck_assert_uint_eq(ram16(r, sp + 2), 0x0100);
}

static uint32_t flags(Rig *r)
{
    return cpu_get_eflags(r->cpu);
}

START_TEST(cpu_reset_state)
{
    Rig *r = rig_new(NULL, 0);
    cpu_reset(r->cpu);
    ck_assert_uint_eq(r->cpu->eip, 0xfff0);
    ck_assert_uint_eq(r->cpu->seg[SEG_CS].sel, 0xf000);
    ck_assert_uint_eq(r->cpu->seg[SEG_CS].base, 0xffff0000u);
    ck_assert_uint_eq(r->cpu->cr[0], 0x60000010u);
    ck_assert_uint_eq(r->cpu->regs[R_EDX] & 0xf00, 0x600);
    ck_assert_uint_eq(cpu_get_eflags(r->cpu), 2);
    rig_free(r);
}
END_TEST

START_TEST(cpu_add_adc_sub_flags)
{
    static const uint8_t code[] = {
        0xb8, 0xff, 0x7f,       /* mov ax,7fff */
        0x05, 0x01, 0x00,       /* add ax,1   -> 8000 OF SF AF */
        0xf4,
    };
    Rig *r = rig_new(code, sizeof code);
    cpu_exec(r->cpu, 2);
    ck_assert_uint_eq(r->cpu->regs[R_EAX], 0x8000);
    ck_assert_uint_eq(flags(r) & 0x8d5, EFLAGS_OF | EFLAGS_SF | EFLAGS_AF | EFLAGS_PF);
    rig_free(r);

    static const uint8_t code2[] = {
        0xf9,                   /* stc */
        0xb0, 0xff,             /* mov al,ff */
        0x14, 0x00,             /* adc al,0  -> 0, CF ZF AF */
        0xf4,
    };
    r = rig_new(code2, sizeof code2);
    cpu_exec(r->cpu, 3);
    ck_assert_uint_eq(r->cpu->regs[R_EAX] & 0xff, 0);
    ck_assert_uint_eq(flags(r) & 0x8d5, EFLAGS_CF | EFLAGS_ZF | EFLAGS_AF | EFLAGS_PF);
    rig_free(r);

    static const uint8_t code3[] = {
        0xb8, 0x01, 0x00,       /* mov ax,1 */
        0x2d, 0x02, 0x00,       /* sub ax,2 -> ffff CF SF AF PF */
        0x48,                   /* dec ax   -> fffe, CF kept */
        0xf4,
    };
    r = rig_new(code3, sizeof code3);
    cpu_exec(r->cpu, 2);
    ck_assert_uint_eq(r->cpu->regs[R_EAX], 0xffff);
    ck_assert_uint_eq(flags(r) & 0x8d5, EFLAGS_CF | EFLAGS_SF | EFLAGS_AF | EFLAGS_PF);
    cpu_exec(r->cpu, 1);
    ck_assert_uint_eq(r->cpu->regs[R_EAX], 0xfffe);
    ck_assert(flags(r) & EFLAGS_CF);
    rig_free(r);
}
END_TEST

START_TEST(cpu_mul_div)
{
    static const uint8_t code[] = {
        0xb8, 0x34, 0x12,       /* mov ax,1234 */
        0xbb, 0x00, 0x01,       /* mov bx,100 */
        0xf7, 0xe3,             /* mul bx -> dx:ax = 0012:3400 */
        0xba, 0x00, 0x00,       /* mov dx,0 */
        0xb8, 0x64, 0x00,       /* mov ax,100 */
        0xb9, 0x07, 0x00,       /* mov cx,7 */
        0xf7, 0xf1,             /* div cx -> ax 14, dx 2 */
        0xf4,
    };
    Rig *r = rig_new(code, sizeof code);
    cpu_exec(r->cpu, 3);
    ck_assert_uint_eq(r->cpu->regs[R_EAX], 0x3400);
    ck_assert_uint_eq(r->cpu->regs[R_EDX], 0x0012);
    ck_assert_uint_eq(flags(r) & (EFLAGS_CF | EFLAGS_OF), EFLAGS_CF | EFLAGS_OF);
    cpu_exec(r->cpu, 4);
    ck_assert_uint_eq(r->cpu->regs[R_EAX], 14);
    ck_assert_uint_eq(r->cpu->regs[R_EDX], 2);
    rig_free(r);
}
END_TEST

START_TEST(cpu_div_by_zero_pushes_faulting_ip)
{
    static const uint8_t code[] = {
        0x31, 0xc9,             /* xor cx,cx */
        0xf7, 0xf1,             /* div cx -> #DE, return IP 2 */
    };
    Rig *r = rig_new(code, sizeof code);
    ck_assert_int_eq(cpu_exec(r->cpu, 100), CPU_EXIT_HALT);
    assert_delivered(r, 0, 0x0002);
    rig_free(r);
}
END_TEST

START_TEST(cpu_aam_zero_and_int_return_addresses)
{
    static const uint8_t code[] = { 0xd4, 0x00 };           /* aam 0 -> #DE at IP 0 */
    Rig *r = rig_new(code, sizeof code);
    cpu_exec(r->cpu, 10);
    assert_delivered(r, 0, 0x0000);
    rig_free(r);

    static const uint8_t code2[] = { 0x90, 0xcd, 0x21 };    /* nop; int 21h -> returns to 3 */
    r = rig_new(code2, sizeof code2);
    cpu_exec(r->cpu, 10);
    assert_delivered(r, 0x21, 0x0003);
    ck_assert(!(flags(r) & EFLAGS_IF));
    rig_free(r);
}
END_TEST

START_TEST(cpu_rep_movsb_forward_backward)
{
    static const uint8_t code[] = {
        0xbe, 0x00, 0x01,       /* mov si,100 */
        0xbf, 0x00, 0x02,       /* mov di,200 */
        0xb9, 0x04, 0x00,       /* mov cx,4 */
        0xf3, 0xa4,             /* rep movsb */
        0xfd,                   /* std */
        0xbe, 0x03, 0x01,       /* mov si,103 */
        0xbf, 0x13, 0x02,       /* mov di,213 */
        0xb9, 0x04, 0x00,       /* mov cx,4 */
        0xf3, 0xa4,             /* rep movsb (backwards) */
        0xf4,
    };
    Rig *r = rig_new(code, sizeof code);
    memcpy(r->ram + 0x30100, "abcd", 4);
    ck_assert_int_eq(cpu_exec(r->cpu, 100), CPU_EXIT_HALT);
    ck_assert(memcmp(r->ram + 0x40200, "abcd", 4) == 0);
    ck_assert(memcmp(r->ram + 0x40210, "abcd", 4) == 0);
    ck_assert_uint_eq(r->cpu->regs[R_ECX], 0);
    ck_assert_uint_eq(r->cpu->regs[R_ESI], 0x00ff);
    ck_assert_uint_eq(r->cpu->regs[R_EDI], 0x020f);
    rig_free(r);
}
END_TEST

START_TEST(cpu_rep_stosb_resumes_across_budget)
{
    /* 96 KiB of stores (DI wraps once): more than one execution's chunk,
     * also for the bulk path (64 KiB, cpu/ops_string.c) */
    static const uint8_t code[] = {
        0xb9, 0x00, 0xc0,       /* mov cx,c000 */
        0xb8, 0x5a, 0x5a,       /* mov ax,5a5a */
        0x31, 0xff,             /* xor di,di */
        0xf3, 0xab,             /* rep stosw */
        0xf4,
    };
    Rig *r = rig_new(code, sizeof code);
    cpu_exec(r->cpu, 3);
    cpu_exec(r->cpu, 1);                      /* one chunk only */
    ck_assert_uint_gt(r->cpu->regs[R_ECX], 0);
    ck_assert_uint_lt(r->cpu->regs[R_ECX], 0xc000);
    ck_assert_uint_eq(r->cpu->eip, 8);        /* still on the REP STOSW */
    ck_assert_int_eq(cpu_exec(r->cpu, 1000), CPU_EXIT_HALT);
    ck_assert_uint_eq(r->cpu->regs[R_ECX], 0);
    ck_assert_uint_eq(r->cpu->regs[R_EDI], 0x8000);
    ck_assert_uint_eq(r->ram[0x40000], 0x5a);
    ck_assert_uint_eq(r->ram[0x4ffff], 0x5a);
    ck_assert_uint_eq(r->ram[0x50000], 0);
    rig_free(r);
}
END_TEST

START_TEST(cpu_addr32_sib)
{
    static const uint8_t code[] = {
        0x66, 0xbb, 0x00, 0x01, 0x00, 0x00,   /* mov ebx,100 */
        0x66, 0xb9, 0x02, 0x00, 0x00, 0x00,   /* mov ecx,2 */
        0x66, 0x67, 0x8b, 0x44, 0x8b, 0x08,   /* mov eax,[ebx+ecx*4+8] */
        0x67, 0x8a, 0x14, 0x4b,               /* mov dl,[ebx+ecx*2] */
        0xf4,
    };
    Rig *r = rig_new(code, sizeof code);
    uint32_t v = 0x12345678;
    memcpy(r->ram + 0x30110, &v, 4);
    r->ram[0x30104] = 0x99;
    ck_assert_int_eq(cpu_exec(r->cpu, 10), CPU_EXIT_HALT);
    ck_assert_uint_eq(r->cpu->regs[R_EAX], 0x12345678);
    ck_assert_uint_eq(r->cpu->regs[R_EDX] & 0xff, 0x99);
    rig_free(r);
}
END_TEST

START_TEST(cpu_mov_ss_shadow)
{
    static const uint8_t code[] = {
        0xfb,                   /* sti */
        0x90,                   /* nop (STI shadow) */
        0x8e, 0xd0,             /* mov ss,ax */
        0xbc, 0x00, 0x10,       /* mov sp,1000 (shadowed) */
        0x90,
        0xf4,
    };
    Rig *r = rig_new(code, sizeof code);
    r->cpu->regs[R_EAX] = 0x2000;
    cpu_step(r->cpu);                          /* sti */
    cpu_step(r->cpu);                          /* nop */
    cpu_step(r->cpu);                          /* mov ss,ax */
    cpu_set_intr(r->cpu, true);
    cpu_step(r->cpu);                          /* mov sp: no interrupt in between */
    ck_assert_int_eq(r->intack_calls, 0);
    ck_assert_uint_eq(r->cpu->regs[R_ESP], 0x1000);
    cpu_step(r->cpu);                          /* now the interrupt */
    ck_assert_int_eq(r->intack_calls, 1);
    ck_assert_uint_eq(r->cpu->seg[SEG_CS].sel, 0x0050);
    ck_assert_uint_eq(ram16(r, 0x20000 + 0x1000 - 6), 0x0007);
    rig_free(r);
}
END_TEST

START_TEST(cpu_hlt_wakes_on_intr_only_with_if)
{
    static const uint8_t code[] = { 0xfa, 0xf4, 0xfb, 0xf4, 0x90 };   /* cli hlt sti hlt nop */
    Rig *r = rig_new(code, sizeof code);
    ck_assert_int_eq(cpu_exec(r->cpu, 100), CPU_EXIT_HALT);
    cpu_set_intr(r->cpu, true);
    ck_assert_int_eq(cpu_exec(r->cpu, 100), CPU_EXIT_HALT);     /* IF=0: stays halted */
    ck_assert_int_eq(r->intack_calls, 0);
    ck_assert_uint_eq(r->cpu->eip, 2);
    cpu_set_intr(r->cpu, false);
    r->cpu->halted = false;                    /* as if an NMI handler returned */
    ck_assert_int_eq(cpu_exec(r->cpu, 100), CPU_EXIT_HALT);     /* sti; hlt */
    ck_assert_uint_eq(r->cpu->eip, 4);
    cpu_set_intr(r->cpu, true);
    ck_assert_int_eq(cpu_exec(r->cpu, 100), CPU_EXIT_HALT);
    ck_assert_int_eq(r->intack_calls, 1);
    assert_delivered(r, 0x20, 0x0004);        /* returns after the HLT */
    rig_free(r);
}
END_TEST

START_TEST(cpu_nmi_wakes_hlt)
{
    static const uint8_t code[] = { 0xfa, 0xf4, 0x90 };
    Rig *r = rig_new(code, sizeof code);
    ck_assert_int_eq(cpu_exec(r->cpu, 100), CPU_EXIT_HALT);
    cpu_raise_nmi(r->cpu);
    cpu_exec(r->cpu, 100);
    assert_delivered(r, 2, 0x0002);
    rig_free(r);
}
END_TEST

START_TEST(cpu_bios_hook)
{
    static const uint8_t code[] = { 0x0f, 0xff, 0x42, 0xf4 };
    Rig *r = rig_new(code, sizeof code);
    r->hook_accept = true;
    ck_assert_int_eq(cpu_exec(r->cpu, 10), CPU_EXIT_HALT);
    ck_assert_int_eq(r->hook_calls, 1);
    ck_assert_uint_eq(r->hook_phys, CODE_PHYS);
    ck_assert_uint_eq(r->hook_service, 0x42);
    ck_assert_uint_eq(r->cpu->regs[R_EAX], 0x1234);
    ck_assert_uint_eq(r->cpu->eip, 4);
    rig_free(r);

    r = rig_new(code, sizeof code);
    r->hook_accept = false;
    cpu_exec(r->cpu, 10);
    ck_assert_int_eq(r->hook_calls, 1);
    assert_delivered(r, 6, 0x0000);           /* #UD at the 0F byte */
    rig_free(r);
}
END_TEST

static void expect_fault(const uint8_t *code, size_t len, unsigned vector, uint16_t ret_ip)
{
    Rig *r = rig_new(code, len);
    cpu_exec(r->cpu, 10);
    assert_delivered(r, vector, ret_ip);
    rig_free(r);
}

START_TEST(cpu_ud_lock_and_length)
{
    static const uint8_t ud2[] = { 0x90, 0x0f, 0x0b };
    expect_fault(ud2, sizeof ud2, 6, 1);
    static const uint8_t fe7[] = { 0xfe, 0xf8 };              /* FE /7 */
    expect_fault(fe7, sizeof fe7, 6, 0);
    static const uint8_t lea_reg[] = { 0x8d, 0xc0 };          /* lea ax,ax */
    expect_fault(lea_reg, sizeof lea_reg, 6, 0);
    static const uint8_t lock_reg[] = { 0xf0, 0x01, 0xc0 };   /* lock add ax,ax */
    expect_fault(lock_reg, sizeof lock_reg, 6, 0);
    static const uint8_t lock_nop[] = { 0xf0, 0x90 };
    expect_fault(lock_nop, sizeof lock_nop, 6, 0);
    static const uint8_t lock_ok[] = { 0xf0, 0x01, 0x07, 0xf4 };   /* lock add [bx],ax */
    Rig *r = rig_new(lock_ok, sizeof lock_ok);
    ck_assert_int_eq(cpu_exec(r->cpu, 10), CPU_EXIT_HALT);
    ck_assert_uint_eq(r->cpu->eip, 4);
    rig_free(r);

    uint8_t longest[16];
    memset(longest, 0x26, sizeof longest);
    longest[14] = 0x90;                        /* 14 prefixes + nop = 15 bytes: fine */
    longest[15] = 0xf4;
    r = rig_new(longest, sizeof longest);
    ck_assert_int_eq(cpu_exec(r->cpu, 10), CPU_EXIT_HALT);
    ck_assert_uint_eq(r->cpu->eip, 16);
    rig_free(r);
    memset(longest, 0x26, sizeof longest);
    longest[15] = 0x90;                        /* 16 bytes: #GP */
    expect_fault(longest, sizeof longest, 13, 0);
}
END_TEST

START_TEST(cpu_segment_limit_faults)
{
    static const uint8_t ds_word[] = { 0xbb, 0xff, 0xff, 0x8b, 0x07 };   /* mov bx,ffff; mov ax,[bx] */
    expect_fault(ds_word, sizeof ds_word, 13, 3);
    static const uint8_t ss_word[] = { 0xbd, 0xff, 0xff, 0x8b, 0x46, 0x00 };  /* mov bp,ffff; mov ax,[bp] */
    expect_fault(ss_word, sizeof ss_word, 12, 3);
    static const uint8_t byte_ok[] = { 0xbb, 0xff, 0xff, 0x8a, 0x07, 0xf4 };
    Rig *r = rig_new(byte_ok, sizeof byte_ok);
    ck_assert_int_eq(cpu_exec(r->cpu, 10), CPU_EXIT_HALT);
    rig_free(r);
}
END_TEST

START_TEST(cpu_esc_probe_and_em)
{
    static const uint8_t code[] = {
        0xdb, 0xe3,                   /* fninit */
        0xc7, 0x06, 0x00, 0x01, 0x5a, 0x5a,   /* mov word [100],5a5a */
        0xdd, 0x3e, 0x00, 0x01,       /* fnstsw [100] */
        0xf4,
    };
    Rig *r = rig_new(code, sizeof code);
    ck_assert_int_eq(cpu_exec(r->cpu, 10), CPU_EXIT_HALT);
    ck_assert_uint_eq(ram16(r, 0x30100), 0);     /* probe: an FPU answers SW=0 */
    ck_assert_uint_eq(r->cpu->eip, sizeof code);
    rig_free(r);
    r = rig_new(code, sizeof code);
    r->cpu->cr[0] |= CR0_EM;
    cpu_exec(r->cpu, 10);
    assert_delivered(r, 7, 0);                            /* #NM */
    rig_free(r);
}
END_TEST

START_TEST(cpu_triple_fault_with_empty_idt)
{
    static const uint8_t code[] = {
        0x0f, 0x01, 0x1e, 0x00, 0x01,   /* lidt [100] (limit 0, base 0) */
        0xcc,                           /* int3 -> #GP -> #DF -> shutdown */
    };
    Rig *r = rig_new(code, sizeof code);
    ck_assert_int_eq(cpu_exec(r->cpu, 10), CPU_EXIT_SHUTDOWN);
    ck_assert_int_eq(cpu_exec(r->cpu, 10), CPU_EXIT_SHUTDOWN);
    cpu_reset(r->cpu);
    ck_assert_uint_eq(r->cpu->eip, 0xfff0);
    rig_free(r);
}
END_TEST

START_TEST(cpu_exit_request_and_budget)
{
    static const uint8_t code[] = { 0xeb, 0xfe };     /* jmp $ */
    Rig *r = rig_new(code, sizeof code);
    ck_assert_int_eq(cpu_exec(r->cpu, 1000), CPU_EXIT_BUDGET);
    ck_assert_uint_eq(r->cpu->icount, 1000);
    cpu_request_exit(r->cpu);
    ck_assert_int_eq(cpu_exec(r->cpu, 1000), CPU_EXIT_REQUEST);
    ck_assert(!r->cpu->exit_request);
    rig_free(r);
}
END_TEST

START_TEST(cpu_bt_memory_bit_offset)
{
    static const uint8_t code[] = {
        0xbb, 0x10, 0x00,               /* mov bx,10 */
        0xb8, 0xf7, 0xff,               /* mov ax,-9 */
        0x0f, 0xab, 0x07,               /* bts [bx],ax -> bit 7 of word at 0e */
        0xf4,
    };
    Rig *r = rig_new(code, sizeof code);
    ck_assert_int_eq(cpu_exec(r->cpu, 10), CPU_EXIT_HALT);
    ck_assert_uint_eq(ram16(r, 0x3000e), 0x0080);
    ck_assert(!(flags(r) & EFLAGS_CF));
    rig_free(r);
}
END_TEST

START_TEST(cpu_386_ops_in_real_mode)
{
    static const uint8_t code[] = {
        0x66, 0xb8, 0x78, 0x56, 0x34, 0x12,   /* mov eax,12345678 */
        0x66, 0x0f, 0xc8,                     /* bswap eax -> 78563412 */
        0x66, 0xba, 0x00, 0x00, 0x00, 0x80,   /* mov edx,80000000 */
        0x66, 0x0f, 0xa4, 0xd0, 0x04,         /* shld eax,edx,4 -> 85634128, CF=1 */
        0x66, 0x0f, 0xbd, 0xc8,               /* bsr ecx,eax -> 31 */
        0x66, 0x0f, 0xbf, 0xda,               /* movsx ebx,dx -> 0 */
        0x66, 0x6b, 0xf1, 0xfd,               /* imul esi,ecx,-3 -> -93 */
        0x0f, 0x9c, 0xc3,                     /* setl bl: SF=1 (from -93), OF=0 -> 1 */
        0x66, 0x60,                           /* pushad */
        0x66, 0x61,                           /* popad */
        0xf4,
    };
    Rig *r = rig_new(code, sizeof code);
    ck_assert_int_eq(cpu_exec(r->cpu, 3), CPU_EXIT_BUDGET);
    ck_assert_uint_eq(r->cpu->regs[R_EAX], 0x78563412u);
    cpu_exec(r->cpu, 1);
    ck_assert_uint_eq(r->cpu->regs[R_EAX], 0x85634128u);
    ck_assert(flags(r) & EFLAGS_CF);
    ck_assert_int_eq(cpu_exec(r->cpu, 100), CPU_EXIT_HALT);
    ck_assert_uint_eq(r->cpu->regs[R_ECX], 31);
    ck_assert_uint_eq(r->cpu->regs[R_EBX], 1);
    ck_assert_uint_eq(r->cpu->regs[R_ESI], (uint32_t)-93);
    ck_assert_uint_eq(r->cpu->regs[R_ESP], 0xfffe);
    rig_free(r);
}
END_TEST

Suite *cpu_suite(void)
{
    Suite *s = suite_create("cpu");
    TCase *tc = tcase_create("real-mode");
    tcase_add_test(tc, cpu_reset_state);
    tcase_add_test(tc, cpu_add_adc_sub_flags);
    tcase_add_test(tc, cpu_mul_div);
    tcase_add_test(tc, cpu_div_by_zero_pushes_faulting_ip);
    tcase_add_test(tc, cpu_aam_zero_and_int_return_addresses);
    tcase_add_test(tc, cpu_rep_movsb_forward_backward);
    tcase_add_test(tc, cpu_rep_stosb_resumes_across_budget);
    tcase_add_test(tc, cpu_addr32_sib);
    tcase_add_test(tc, cpu_mov_ss_shadow);
    tcase_add_test(tc, cpu_hlt_wakes_on_intr_only_with_if);
    tcase_add_test(tc, cpu_nmi_wakes_hlt);
    tcase_add_test(tc, cpu_bios_hook);
    tcase_add_test(tc, cpu_ud_lock_and_length);
    tcase_add_test(tc, cpu_segment_limit_faults);
    tcase_add_test(tc, cpu_esc_probe_and_em);
    tcase_add_test(tc, cpu_triple_fault_with_empty_idt);
    tcase_add_test(tc, cpu_exit_request_and_budget);
    tcase_add_test(tc, cpu_bt_memory_bit_offset);
    tcase_add_test(tc, cpu_386_ops_in_real_mode);
    suite_add_tcase(s, tc);
    return s;
}
