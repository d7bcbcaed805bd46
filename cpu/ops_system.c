/*
 * cpu/ops_system.c - flags and system instructions: HLT, CLC/STC/CMC,
 * CLI/STI, CLD/STD, IN/OUT, CPUID, RDTSC, RDMSR/WRMSR, SGDT/SIDT/LGDT/LIDT,
 * SMSW/LMSW, MOV to/from CRn and DRn, CLTS, INVD, WBINVD, INVLPG, UD2, the
 * BIOS hook (0F FF nn) and the protected-mode-only opcodes (#UD in real mode).
 *
 * Models:      real-mode behaviour (CPL 0, no IOPL checks); STI sets the
 *              interrupt shadow only when IF was 0; CPUID leaves 0 and 1 of
 *              a family-6 "GenuineIntel" with TSC, MSR, CX8 and CMOV (no FPU:
 *              see cpu/fpu.c); the TSC MSR (0x10); CR0/CR3/CR4 writes flush
 *              the TLB; LMSW cannot clear PE; SLDT/STR/LLDT/LTR/VERR/VERW/
 *              LAR/LSL/ARPL raise #UD in real mode as the SDM lists.
 * Not modeled: protected-mode privilege and IOPL checks, the I/O permission
 *              bitmap, other MSRs (#GP), debug-register breakpoints - they
 *              come with protected mode.
 * Spec:        SDM Vol. 2 per instruction; Vol. 3A 2.5 (control registers),
 *              Vol. 2 CPUID tables 3-8 and 3-11.
 */
#include "cpu/internal.h"
#include "cpu/ops.h"

/* CPUID.1:EDX feature bits we really implement. */
enum {
    CPUID_TSC = 1u << 4, CPUID_MSR = 1u << 5, CPUID_CX8 = 1u << 8, CPUID_CMOV = 1u << 15,
};

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

void op_cli(CpuState *cpu, const Insn *in)
{
    /* TODO: protected mode - IOPL < CPL raises #GP(0) (VME/PVI variants) */
    cpu->eflags &= ~EFLAGS_IF;
}

void op_sti(CpuState *cpu, const Insn *in)
{
    /* SDM Vol. 2 STI: interrupts are recognised after the next instruction
     * only if IF was clear before STI. */
    if (!(cpu->eflags & EFLAGS_IF))
        cpu->in->shadow_next = true;
    cpu->eflags |= EFLAGS_IF;
}

/* ---- port I/O ---------------------------------------------------------------- */

void op_in_AL_Ib(CpuState *cpu, const Insn *in) { reg_write(cpu, R_EAX, 1, io_read(cpu->io, in->imm & 0xff, 1)); }
void op_in_eAX_Ib(CpuState *cpu, const Insn *in) { reg_write(cpu, R_EAX, in->opsize, io_read(cpu->io, in->imm & 0xff, in->opsize)); }
void op_out_Ib_AL(CpuState *cpu, const Insn *in) { io_write(cpu->io, in->imm & 0xff, reg_read(cpu, R_EAX, 1), 1); }
void op_out_Ib_eAX(CpuState *cpu, const Insn *in) { io_write(cpu->io, in->imm & 0xff, reg_read(cpu, R_EAX, in->opsize), in->opsize); }
void op_in_AL_DX(CpuState *cpu, const Insn *in) { reg_write(cpu, R_EAX, 1, io_read(cpu->io, cpu_reg16(cpu, R_EDX), 1)); }
void op_in_eAX_DX(CpuState *cpu, const Insn *in) { reg_write(cpu, R_EAX, in->opsize, io_read(cpu->io, cpu_reg16(cpu, R_EDX), in->opsize)); }
void op_out_DX_AL(CpuState *cpu, const Insn *in) { io_write(cpu->io, cpu_reg16(cpu, R_EDX), reg_read(cpu, R_EAX, 1), 1); }
void op_out_DX_eAX(CpuState *cpu, const Insn *in) { io_write(cpu->io, cpu_reg16(cpu, R_EDX), reg_read(cpu, R_EAX, in->opsize), in->opsize); }

/* ---- identification, time stamp, MSRs ------------------------------------------- */

void op_cpuid(CpuState *cpu, const Insn *in)
{
    uint32_t leaf = cpu->regs[R_EAX];
    uint32_t *r = cpu->regs;
    if (leaf == 0) {
        r[R_EAX] = 1;
        r[R_EBX] = 0x756e6547;    /* "Genu" */
        r[R_EDX] = 0x49656e69;    /* "ineI" */
        r[R_ECX] = 0x6c65746e;    /* "ntel" */
    } else if (leaf == 1) {
        r[R_EAX] = 0x00000619;    /* family 6, model 1, stepping 9 (as EDX at reset) */
        r[R_EBX] = 0;
        r[R_ECX] = 0;
        r[R_EDX] = CPUID_TSC | CPUID_MSR | CPUID_CX8 | CPUID_CMOV;
    } else {
        r[R_EAX] = r[R_EBX] = r[R_ECX] = r[R_EDX] = 0;
    }
}

static uint64_t tsc_now(CpuState *cpu)
{
    return cpu->tsc + (uint64_t)cpu->in->executed;
}

void op_rdtsc(CpuState *cpu, const Insn *in)
{
    if ((cpu->cr[4] & (1u << 2)) && cpu->cpl != 0 && !real_mode(cpu))
        cpu_raise(cpu, EXC_GP, 0);                   /* CR4.TSD */
    uint64_t t = tsc_now(cpu);
    cpu->regs[R_EAX] = (uint32_t)t;
    cpu->regs[R_EDX] = (uint32_t)(t >> 32);
}

enum { MSR_TSC = 0x10 };

void op_rdmsr(CpuState *cpu, const Insn *in)
{
    if (cpu->cpl != 0 || cpu->regs[R_ECX] != MSR_TSC)
        cpu_raise(cpu, EXC_GP, 0);
    uint64_t t = tsc_now(cpu);
    cpu->regs[R_EAX] = (uint32_t)t;
    cpu->regs[R_EDX] = (uint32_t)(t >> 32);
}

void op_wrmsr(CpuState *cpu, const Insn *in)
{
    if (cpu->cpl != 0 || cpu->regs[R_ECX] != MSR_TSC)
        cpu_raise(cpu, EXC_GP, 0);
    uint64_t t = ((uint64_t)cpu->regs[R_EDX] << 32) | cpu->regs[R_EAX];
    cpu->tsc = t - (uint64_t)cpu->in->executed;
}

/* ---- descriptor table registers, MSW -------------------------------------------- */

static void store_dtr(CpuState *cpu, const Insn *in, const DescTable *t)
{
    uint32_t off = insn_ea(cpu, in);
    seg_lin(cpu, in->seg, off, 6);
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

static void set_cr0(CpuState *cpu, uint32_t v)
{
    uint32_t old = cpu->cr[0];
    cpu->cr[0] = v | CR0_ET;                         /* ET is hardwired on P6 */
    if ((old ^ cpu->cr[0]) & (CR0_PG | CR0_WP | CR0_PE))
        cpu_tlb_flush(cpu);
    if ((old ^ cpu->cr[0]) & CR0_PE)
        LOG(LOG_UNIMP, "cpu: CR0.PE %s - protected mode is not implemented yet\n",
            (v & CR0_PE) ? "set" : "cleared");
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
        cpu_tlb_flush(cpu);
        break;
    case 4:
        cpu->cr[4] = v;
        cpu_tlb_flush(cpu);
        break;
    default:
        cpu->cr[2] = v;
        break;
    }
}

static int dr_index(CpuState *cpu, int reg)
{
    if (reg == 4 || reg == 5) {
        if (cpu->cr[4] & (1u << 3))                 /* CR4.DE: DR4/DR5 are #UD */
            cpu_raise(cpu, EXC_UD, NO_ERROR_CODE);
        return reg + 2;
    }
    return reg;
}

void op_mov_Rd_Dd(CpuState *cpu, const Insn *in)
{
    if (cpu->cpl != 0)
        cpu_raise(cpu, EXC_GP, 0);
    cpu->regs[in->rm] = cpu->dr[dr_index(cpu, in->reg)];
}

void op_mov_Dd_Rd(CpuState *cpu, const Insn *in)
{
    if (cpu->cpl != 0)
        cpu_raise(cpu, EXC_GP, 0);
    /* LIMITATION: breakpoints in DR0-DR3/DR7 are stored, not armed */
    cpu->dr[dr_index(cpu, in->reg)] = cpu->regs[in->rm];
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
    cpu_tlb_flush(cpu);             /* TODO: flush one page once paging exists */
}

/* ---- undefined, BIOS hook, protected-mode-only ------------------------------------ */

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

/* SDM Vol. 2: "not recognized in real-address mode" -> #UD. */
static void pm_only(CpuState *cpu, const Insn *in)
{
    if (!real_mode(cpu) && !(cpu->eflags & EFLAGS_VM))
        LOG(LOG_UNIMP, "cpu: %s in protected mode is not implemented yet\n", in->op->mnemonic);
    cpu_raise(cpu, EXC_UD, NO_ERROR_CODE);
}

void op_sldt_Ew(CpuState *cpu, const Insn *in) { pm_only(cpu, in); }
void op_str_Ew(CpuState *cpu, const Insn *in) { pm_only(cpu, in); }
void op_lldt_Ew(CpuState *cpu, const Insn *in) { pm_only(cpu, in); }
void op_ltr_Ew(CpuState *cpu, const Insn *in) { pm_only(cpu, in); }
void op_verr_Ew(CpuState *cpu, const Insn *in) { pm_only(cpu, in); }
void op_verw_Ew(CpuState *cpu, const Insn *in) { pm_only(cpu, in); }
void op_lar_Gv_Ew(CpuState *cpu, const Insn *in) { pm_only(cpu, in); }
void op_lsl_Gv_Ew(CpuState *cpu, const Insn *in) { pm_only(cpu, in); }
void op_arpl_Ew_Gw(CpuState *cpu, const Insn *in) { pm_only(cpu, in); }
