/*
 * cpu/ops_system.c - flags and system instructions: HLT, CLC/STC/CMC,
 * CLI/STI, CLD/STD, IN/OUT, SGDT/SIDT/LGDT/LIDT, SMSW/LMSW, MOV to/from CRn
 * and DRn, CLTS, INVD, WBINVD, INVLPG, UD2 and the BIOS hook (0F FF nn).
 *
 * Models:      CPL 0 checks (#GP(0)) for HLT, LGDT, LIDT, LMSW, CLTS, INVD,
 *              WBINVD, INVLPG, MOV CRn/DRn (V86 runs at CPL 3); CLI/STI
 *              #GP(0) when CPL > IOPL (V86: IOPL < 3) unless VME/PVI make
 *              them act on VIF (cpu/vme.c); STI sets the interrupt shadow
 *              only when IF was 0; IN/OUT through the I/O permission
 *              bitmap when CPL > IOPL or in V86 (cpu/task.c); SGDT/SIDT with
 *              a 16-bit operand store a 24-bit base (top byte 0), LGDT/LIDT
 *              with a 16-bit operand load 24 bits; CR0 writes keep ET set and
 *              the reserved bits clear, reject PG without PE and NW without
 *              CD (#GP(0)), flush the TLB on PE/PG/WP changes and make CPL 0
 *              when PE is cleared (cached segment limits stay: unreal
 *              mode); CR3 writes drop non-global TLB entries; CR4 takes only
 *              the bits of implemented features (#GP(0) for others); LMSW
 *              loads PE MP EM TS and cannot clear PE; DR4/DR5 alias DR6/DR7
 *              unless CR4.DE (#UD); DR7.GD makes any MOV DRn a #DB fault
 *              with DR6.BD; CR1, CR5-CR7 are #UD.
 * Not modeled: cache control (INVD/WBINVD do nothing), CR8.
 * Spec:        SDM Vol. 2 per instruction; Vol. 3A 2.5 (control registers),
 *              2.7 (system instruction summary), 17.2 (debug registers).
 */
#include "cpu/ops.h"
#include "cpu/sys.h"

void op_hlt(CpuState *cpu, const Insn *in)
{
    if (cpu->cpl != 0)
        cpu_raise(cpu, EXC_GP, 0);
    cpu->halted = true;
}

void op_clc(CpuState *cpu, const Insn *in) { flags_set_arith(cpu, EFLAGS_CF, 0); }
void op_stc(CpuState *cpu, const Insn *in) { flags_set_arith(cpu, EFLAGS_CF, EFLAGS_CF); }
void op_cmc(CpuState *cpu, const Insn *in) { flags_set_arith(cpu, EFLAGS_CF, flags_cf(cpu) ? 0 : EFLAGS_CF); }
void op_cld(CpuState *cpu, const Insn *in) { cpu->eflags &= ~EFLAGS_DF; }
void op_std(CpuState *cpu, const Insn *in) { cpu->eflags |= EFLAGS_DF; }

/* SDM Vol. 2 CLI/STI: IOPL-sensitive outside real mode; VIF with VME/PVI. */
void op_cli(CpuState *cpu, const Insn *in)
{
    if (vif_mode(cpu))
        cpu->eflags &= ~EFLAGS_VIF;
    else
        cpu->eflags &= ~EFLAGS_IF;
}

void op_sti(CpuState *cpu, const Insn *in)
{
    if (vif_mode(cpu)) {
        if (cpu->eflags & EFLAGS_VIP)
            cpu_raise(cpu, EXC_GP, 0);          /* a virtual interrupt is pending */
        cpu->eflags |= EFLAGS_VIF;
        return;
    }
    /* SDM Vol. 2 STI: interrupts are recognised after the next instruction
     * only if IF was clear before STI. */
    if (!(cpu->eflags & EFLAGS_IF))
        cpu->in->shadow_next = true;
    cpu->eflags |= EFLAGS_IF;
}

/* ---- port I/O ---------------------------------------------------------------- */

static uint32_t port_in(CpuState *cpu, uint16_t port, unsigned size)
{
    io_allowed(cpu, port, size);
    return io_read(cpu->io, port, size);
}

static void port_out(CpuState *cpu, uint16_t port, uint32_t val, unsigned size)
{
    io_allowed(cpu, port, size);
    io_write(cpu->io, port, val, size);
}

void op_in_AL_Ib(CpuState *cpu, const Insn *in) { reg_write(cpu, R_EAX, 1, port_in(cpu, in->imm & 0xff, 1)); }
void op_in_eAX_Ib(CpuState *cpu, const Insn *in) { reg_write(cpu, R_EAX, in->opsize, port_in(cpu, in->imm & 0xff, in->opsize)); }
void op_out_Ib_AL(CpuState *cpu, const Insn *in) { port_out(cpu, in->imm & 0xff, reg_read(cpu, R_EAX, 1), 1); }
void op_out_Ib_eAX(CpuState *cpu, const Insn *in) { port_out(cpu, in->imm & 0xff, reg_read(cpu, R_EAX, in->opsize), in->opsize); }
void op_in_AL_DX(CpuState *cpu, const Insn *in) { reg_write(cpu, R_EAX, 1, port_in(cpu, cpu_reg16(cpu, R_EDX), 1)); }
void op_in_eAX_DX(CpuState *cpu, const Insn *in) { reg_write(cpu, R_EAX, in->opsize, port_in(cpu, cpu_reg16(cpu, R_EDX), in->opsize)); }
void op_out_DX_AL(CpuState *cpu, const Insn *in) { port_out(cpu, cpu_reg16(cpu, R_EDX), reg_read(cpu, R_EAX, 1), 1); }
void op_out_DX_eAX(CpuState *cpu, const Insn *in) { port_out(cpu, cpu_reg16(cpu, R_EDX), reg_read(cpu, R_EAX, in->opsize), in->opsize); }

/* ---- descriptor table registers, MSW -------------------------------------------- */

static void store_dtr(CpuState *cpu, const Insn *in, const DescTable *t)
{
    uint32_t off = insn_ea(cpu, in);
    seg_lin_w(cpu, in->seg, off, 6);
    seg_write(cpu, in->seg, off, t->limit, 2);
    /* SDM SGDT: with a 16-bit operand the top byte is stored as 0 (386+) */
    seg_write(cpu, in->seg, off + 2, in->opsize == 2 ? t->base & 0xffffff : t->base, 4);
}

static void load_dtr(CpuState *cpu, const Insn *in, DescTable *t)
{
    if (cpu->cpl != 0)
        cpu_raise(cpu, EXC_GP, 0);
    uint32_t off = insn_ea(cpu, in);
    uint16_t limit = (uint16_t)seg_read(cpu, in->seg, off, 2);
    uint32_t base = seg_read(cpu, in->seg, off + 2, 4);
    t->limit = limit;
    t->base = in->opsize == 2 ? base & 0xffffff : base;
}

void op_sgdt_Ms(CpuState *cpu, const Insn *in) { store_dtr(cpu, in, &cpu->gdtr); }
void op_sidt_Ms(CpuState *cpu, const Insn *in) { store_dtr(cpu, in, &cpu->idtr); }
void op_lgdt_Ms(CpuState *cpu, const Insn *in) { load_dtr(cpu, in, &cpu->gdtr); }
void op_lidt_Ms(CpuState *cpu, const Insn *in) { load_dtr(cpu, in, &cpu->idtr); }

void op_smsw_Ew(CpuState *cpu, const Insn *in)
{
    if (in->mod == 3)
        reg_write(cpu, in->rm, in->opsize, cpu->cr[0]);
    else
        write_E(cpu, in, 2, cpu->cr[0] & 0xffff);
}

static const uint32_t cr0_defined = CR0_PE | CR0_MP | CR0_EM | CR0_TS | CR0_ET | CR0_NE |
                                    CR0_WP | CR0_AM | CR0_NW | CR0_CD | CR0_PG;

static void set_cr0(CpuState *cpu, uint32_t v)
{
    uint32_t old = cpu->cr[0];
    v = (v & cr0_defined) | CR0_ET;                  /* ET is hardwired on P6 */
    cpu->cr[0] = v;
    if ((old ^ v) & (CR0_PG | CR0_WP | CR0_PE))
        cpu_tlb_flush(cpu);
    if ((old ^ v) & CR0_PE) {
        LOG(LOG_INT, "cpu: CR0.PE %s\n", (v & CR0_PE) ? "set" : "cleared");
        if (!(v & CR0_PE))
            cpu_set_cpl(cpu, 0);
        seg_update_all(cpu);
    }
}

void op_lmsw_Ew(CpuState *cpu, const Insn *in)
{
    if (cpu->cpl != 0)
        cpu_raise(cpu, EXC_GP, 0);
    uint32_t v = read_E(cpu, in, 2);
    /* SDM LMSW: loads PE MP EM TS; cannot clear PE */
    uint32_t cr0 = (cpu->cr[0] & ~0xeu) | (v & 0xf) | (cpu->cr[0] & CR0_PE);
    set_cr0(cpu, cr0);
}

/* ---- control and debug registers ------------------------------------------------- */

void op_mov_Rd_Cd(CpuState *cpu, const Insn *in)
{
    if (in->reg == 1 || in->reg > 4)
        cpu_raise(cpu, EXC_UD, NO_ERROR_CODE);
    if (cpu->cpl != 0)
        cpu_raise(cpu, EXC_GP, 0);
    cpu->regs[in->rm] = cpu->cr[in->reg];
}

void op_mov_Cd_Rd(CpuState *cpu, const Insn *in)
{
    if (in->reg == 1 || in->reg > 4)
        cpu_raise(cpu, EXC_UD, NO_ERROR_CODE);
    if (cpu->cpl != 0)
        cpu_raise(cpu, EXC_GP, 0);
    uint32_t v = cpu->regs[in->rm];
    switch (in->reg) {
    case 0:
        /* SDM MOV CR0: PG without PE, or NW without CD, is #GP(0) */
        if (((v & CR0_PG) && !(v & CR0_PE)) || ((v & CR0_NW) && !(v & CR0_CD)))
            cpu_raise(cpu, EXC_GP, 0);
        set_cr0(cpu, v);
        break;
    case 3:
        cpu->cr[3] = v & 0xfffff018u;
        tlb_flush_nonglobal(cpu);
        break;
    case 4:
        if (v & ~cr4_valid_mask(cpu))
            cpu_raise(cpu, EXC_GP, 0);
        if ((cpu->cr[4] ^ v) & (CR4_PSE | CR4_PGE | CR4_PAE))
            cpu_tlb_flush(cpu);
        if ((cpu->cr[4] ^ v) & CR4_DE) {
            cpu->cr[4] = v;
            debug_regs_changed(cpu);            /* I/O breakpoints need CR4.DE */
        }
        cpu->cr[4] = v;
        break;
    default:
        cpu->cr[2] = v;
        break;
    }
}

static int dr_index(CpuState *cpu, int reg)
{
    if (reg == 4 || reg == 5) {
        if (cpu->cr[4] & CR4_DE)                    /* CR4.DE: DR4/DR5 are #UD */
            cpu_raise(cpu, EXC_UD, NO_ERROR_CODE);
        return reg + 2;
    }
    return reg;
}

/* Common checks of MOV DRn: CPL 0, then general detect (SDM 17.2.4). */
static int dr_access(CpuState *cpu, const Insn *in)
{
    if (cpu->cpl != 0)
        cpu_raise(cpu, EXC_GP, 0);
    int r = dr_index(cpu, in->reg);
    if (cpu->dr[7] & (1u << 13)) {
        cpu->dr[7] &= ~(1u << 13);
        cpu->dr[6] |= 1u << 13;                     /* DR6.BD */
        cpu_raise(cpu, EXC_DB, NO_ERROR_CODE);
    }
    return r;
}

void op_mov_Rd_Dd(CpuState *cpu, const Insn *in)
{
    int r = dr_access(cpu, in);
    cpu->regs[in->rm] = cpu->dr[r];
}

void op_mov_Dd_Rd(CpuState *cpu, const Insn *in)
{
    int r = dr_access(cpu, in);
    uint32_t v = cpu->regs[in->rm];
    if (r == 6)
        v = (v & 0xe00fu) | 0xffff0ff0u;            /* reserved bits read as set */
    else if (r == 7)
        v = (v | 0x400u) & ~0xd800u;
    cpu->dr[r] = v;
    debug_regs_changed(cpu);
}

void op_clts(CpuState *cpu, const Insn *in)
{
    if (cpu->cpl != 0)
        cpu_raise(cpu, EXC_GP, 0);
    cpu->cr[0] &= ~CR0_TS;
}

void op_invd(CpuState *cpu, const Insn *in) { if (cpu->cpl != 0) cpu_raise(cpu, EXC_GP, 0); }
void op_wbinvd(CpuState *cpu, const Insn *in) { if (cpu->cpl != 0) cpu_raise(cpu, EXC_GP, 0); }

void op_invlpg_M(CpuState *cpu, const Insn *in)
{
    if (cpu->cpl != 0)
        cpu_raise(cpu, EXC_GP, 0);
    tlb_flush_page(cpu, cpu->seg[in->seg].base + insn_ea(cpu, in));
}

/* ---- undefined, BIOS hook ------------------------------------------------------------ */

void op_ud(CpuState *cpu, const Insn *in)
{
    cpu_raise(cpu, EXC_UD, NO_ERROR_CODE);
}

void op_ud0_bios(CpuState *cpu, const Insn *in)
{
    uint32_t eip_0f = in->eip + in->len - 3u;
    uint32_t phys = cpu_translate(cpu, cpu->seg[SEG_CS].base + eip_0f, false);
    if (cpu->bios_hook && cpu->bios_hook(cpu->bios_opaque, cpu, phys, (uint8_t)in->imm)) {
        STAT(bios_calls);
        return;
    }
    cpu_raise(cpu, EXC_UD, NO_ERROR_CODE);
}
