/*
 * cpu/msr.c - identification and model-specific registers: CPUID, RDTSC,
 * RDPMC, RDMSR/WRMSR, SYSENTER/SYSEXIT.
 *
 * Models:      CPUID leaves 0 and 1 of a family-6 "GenuineIntel" reporting
 *              only what is implemented: VME, DE, PSE, TSC, MSR, CX8, SEP, PGE,
 *              CMOV, plus FPU when the x87 is present (CpuInternal.
 *              fpu_present) and whatever the x87/MMX code adds to
 *              CpuInternal.cpuid_fpu_bits (MMX, FXSR); no APIC, no PAE, no
 *              MCE/MCA, no MTRR. CR4 accepts VME PVI TSD DE PSE PGE PCE and,
 *              with FXSR reported, OSFXSR/OSXMMEXCPT. MSRs: TSC (10h),
 *              IA32_APIC_BASE (1Bh, reads the power-on default FEE00900h,
 *              writes ignored: there is no APIC), IA32_BIOS_SIGN_ID (8Bh,
 *              microcode revision 0: the SDM's update-signature protocol
 *              writes 0 then reads it back), SYSENTER_CS/ESP/EIP
 *              (174h-176h); any other MSR is #GP(0). RDTSC is #GP(0) at
 *              CPL > 0 with CR4.TSD; RDPMC reads counters 0 and 1 as 0 at
 *              CPL 0 or with CR4.PCE. SYSENTER/SYSEXIT load the flat
 *              segments the SDM describes from SYSENTER_CS.
 * Not modeled: performance counters (always 0), microcode update MSRs,
 *              machine-check banks, leaf 2 cache descriptors.
 * Spec:        SDM Vol. 2 CPUID (tables 3-8 and 3-11), RDTSC, RDPMC,
 *              RDMSR, WRMSR, SYSENTER, SYSEXIT; Vol. 4 (MSR list).
 */
#include "cpu/ops.h"
#include "cpu/sys.h"

/* CPUID.1:EDX feature bits. */
enum {
    CPUID_FPU = 1u << 0, CPUID_VME = 1u << 1, CPUID_DE = 1u << 2, CPUID_PSE = 1u << 3, CPUID_TSC = 1u << 4,
    CPUID_MSR = 1u << 5, CPUID_CX8 = 1u << 8, CPUID_SEP = 1u << 11, CPUID_PGE = 1u << 13,
    CPUID_CMOV = 1u << 15, CPUID_FXSR = 1u << 24,
};

/* Family 6, model 1 (Pentium Pro class), stepping 9: as EDX after reset. */
#define CPUID_SIGNATURE 0x00000619u

uint32_t cpuid_features(const CpuState *cpu)
{
    uint32_t f = CPUID_VME | CPUID_DE | CPUID_PSE | CPUID_TSC | CPUID_MSR | CPUID_CX8 | CPUID_SEP |
                 CPUID_PGE | CPUID_CMOV;
    if (cpu->in->fpu_present)
        f |= CPUID_FPU;
    return f | cpu->in->cpuid_fpu_bits;
}

uint32_t cr4_valid_mask(const CpuState *cpu)
{
    uint32_t m = CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | CR4_PGE | CR4_PCE;
    if (cpuid_features(cpu) & CPUID_FXSR)
        m |= CR4_OSFXSR | CR4_OSXMMEXCPT;
    return m;
}

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
        r[R_EAX] = CPUID_SIGNATURE;
        r[R_EBX] = 0;
        r[R_ECX] = 0;
        r[R_EDX] = cpuid_features(cpu);
    } else {
        r[R_EAX] = r[R_EBX] = r[R_ECX] = r[R_EDX] = 0;
    }
}

/* The TSC's time base: guest ns (1 GHz) or, without a clock, instructions. */
uint64_t cpu_tsc_base(CpuState *cpu)
{
    if (cpu->clock_ns)
        return cpu->clock_ns(cpu->clock_opaque);
    return cpu->icount + (uint64_t)cpu->in->executed;
}

static uint64_t tsc_now(CpuState *cpu)
{
    return cpu->tsc + cpu_tsc_base(cpu);
}

void op_rdtsc(CpuState *cpu, const Insn *in)
{
    if ((cpu->cr[4] & CR4_TSD) && cpu->cpl != 0 && !real_mode(cpu))
        cpu_raise(cpu, EXC_GP, 0);
    uint64_t t = tsc_now(cpu);
    cpu->regs[R_EAX] = (uint32_t)t;
    cpu->regs[R_EDX] = (uint32_t)(t >> 32);
}

void op_rdpmc(CpuState *cpu, const Insn *in)
{
    if ((!(cpu->cr[4] & CR4_PCE) && cpu->cpl != 0 && !real_mode(cpu)) || cpu->regs[R_ECX] > 1)
        cpu_raise(cpu, EXC_GP, 0);
    cpu->regs[R_EAX] = 0;
    cpu->regs[R_EDX] = 0;
}

enum {
    MSR_TSC = 0x10, MSR_APIC_BASE = 0x1b, MSR_BIOS_SIGN_ID = 0x8b, MSR_SYSENTER_CS = 0x174,
    MSR_SYSENTER_ESP = 0x175, MSR_SYSENTER_EIP = 0x176,
};

void op_rdmsr(CpuState *cpu, const Insn *in)
{
    if (cpu->cpl != 0)
        cpu_raise(cpu, EXC_GP, 0);
    uint64_t v;
    switch (cpu->regs[R_ECX]) {
    case MSR_TSC: v = tsc_now(cpu); break;
    case MSR_APIC_BASE: v = 0xfee00900u; break;   /* BSP, enabled, default base */
    case MSR_BIOS_SIGN_ID: v = 0; break;          /* no microcode update loaded */
    case MSR_SYSENTER_CS: v = cpu->sysenter_cs; break;
    case MSR_SYSENTER_ESP: v = cpu->sysenter_esp; break;
    case MSR_SYSENTER_EIP: v = cpu->sysenter_eip; break;
    default:
        LOG(LOG_UNIMP, "cpu: rdmsr %08x\n", cpu->regs[R_ECX]);
        cpu_raise(cpu, EXC_GP, 0);
    }
    cpu->regs[R_EAX] = (uint32_t)v;
    cpu->regs[R_EDX] = (uint32_t)(v >> 32);
}

void op_wrmsr(CpuState *cpu, const Insn *in)
{
    if (cpu->cpl != 0)
        cpu_raise(cpu, EXC_GP, 0);
    uint64_t v = ((uint64_t)cpu->regs[R_EDX] << 32) | cpu->regs[R_EAX];
    switch (cpu->regs[R_ECX]) {
    case MSR_TSC: cpu->tsc = v - cpu_tsc_base(cpu); break;
    case MSR_APIC_BASE: LOG(LOG_UNIMP, "cpu: APIC base write ignored (no APIC)\n"); break;
    case MSR_BIOS_SIGN_ID: break;
    case MSR_SYSENTER_CS: cpu->sysenter_cs = (uint32_t)v & 0xffff; break;
    case MSR_SYSENTER_ESP: cpu->sysenter_esp = (uint32_t)v; break;
    case MSR_SYSENTER_EIP: cpu->sysenter_eip = (uint32_t)v; break;
    default:
        LOG(LOG_UNIMP, "cpu: wrmsr %08x\n", cpu->regs[R_ECX]);
        cpu_raise(cpu, EXC_GP, 0);
    }
}

/* ---- SYSENTER / SYSEXIT ------------------------------------------------------------- */

/* A flat 4 GiB segment as SYSENTER/SYSEXIT load it (no descriptor read). */
static void flat_seg(CpuState *cpu, int seg, uint16_t sel, uint16_t flags)
{
    SegCache *s = &cpu->seg[seg];
    s->sel = sel;
    s->base = 0;
    s->limit = 0xffffffffu;
    s->flags = flags;
}

void op_sysenter(CpuState *cpu, const Insn *in)
{
    uint16_t cs = (uint16_t)cpu->sysenter_cs;
    if (real_mode(cpu) || sel_null(cs))
        cpu_raise(cpu, EXC_GP, 0);
    cpu->eflags &= ~(EFLAGS_VM | EFLAGS_IF | EFLAGS_RF);
    flat_seg(cpu, SEG_CS, cs & 0xfffc, 0xc09b);      /* 32-bit code, DPL 0 */
    flat_seg(cpu, SEG_SS, (uint16_t)((cs & 0xfffc) + 8), 0xc093);
    cpu_set_cpl(cpu, 0);
    seg_update_all(cpu);
    cpu->regs[R_ESP] = cpu->sysenter_esp;
    cpu->eip = cpu->sysenter_eip;
}

void op_sysexit(CpuState *cpu, const Insn *in)
{
    uint16_t cs = (uint16_t)cpu->sysenter_cs;
    if (real_mode(cpu) || sel_null(cs) || cpu->cpl != 0)
        cpu_raise(cpu, EXC_GP, 0);
    flat_seg(cpu, SEG_CS, (uint16_t)((cs + 16) | 3), 0xc0fb);   /* DPL 3 */
    flat_seg(cpu, SEG_SS, (uint16_t)((cs + 24) | 3), 0xc0f3);
    cpu_set_cpl(cpu, 3);
    seg_update_all(cpu);
    cpu->regs[R_ESP] = cpu->regs[R_ECX];
    cpu->eip = cpu->regs[R_EDX];
}
