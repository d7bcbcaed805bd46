/*
 * cpu/vme.c - software interrupts in virtual-8086 mode and the virtual-8086
 * mode extensions (CR4.VME) and protected-mode virtual interrupts (CR4.PVI).
 *
 * Models:      INT n in V86 mode by the six methods of SDM Vol. 3A table
 *              20-2: without VME, IOPL 3 goes to the protected-mode handler
 *              and IOPL < 3 is #GP(0); with VME the interrupt redirection
 *              bitmap (32 bytes below the TSS's I/O map base) sends a vector
 *              whose bit is clear back to the 8086 program's own vector table
 *              at linear 0 (pushing FLAGS - with IF taken from VIF and IOPL
 *              shown as 3 when IOPL < 3 - CS and IP, then clearing TF and IF
 *              or VIF), and a vector whose bit is set to the protected-mode
 *              handler (IOPL 3) or #GP(0). With VME and IOPL < 3, CLI/STI act
 *              on VIF (STI is #GP(0) while VIP is set), PUSHF pushes IF =
 *              VIF and IOPL = 3, POPF/IRET load VIF from the popped IF (#GP(0)
 *              if that would set VIF with VIP pending, or if TF is set), and
 *              the 32-bit forms of PUSHF/POPF/IRET stay #GP(0). PVI: CLI/STI
 *              at CPL 3 with IOPL < 3 act on VIF in protected mode.
 * Not modeled: the #GP the SDM describes when an instruction starts with VIF
 *              and VIP both set after a monitor's IRET or a task switch (only
 *              STI/POPF/IRET check VIP).
 * Spec:        SDM Vol. 3A 20.3 (interrupt and exception handling in V86
 *              mode), 20.4 (protected-mode virtual interrupts), Vol. 2 CLI,
 *              STI, PUSHF, POPF, IRET, INT n Operation.
 */
#include "cpu/sys.h"

static unsigned iopl(const CpuState *cpu)
{
    return (cpu->eflags >> 12) & 3;
}

bool vif_mode(CpuState *cpu)
{
    if (real_mode(cpu))
        return false;
    if (v86_mode(cpu)) {
        if (iopl(cpu) == 3)
            return false;
        if (cpu->cr[4] & CR4_VME)
            return true;
        cpu_raise(cpu, EXC_GP, 0);
    }
    if ((unsigned)cpu->cpl <= iopl(cpu))
        return false;
    if (cpu->cpl == 3 && (cpu->cr[4] & CR4_PVI))
        return true;
    cpu_raise(cpu, EXC_GP, 0);
}

bool v86_vme(CpuState *cpu, unsigned opsize)
{
    if (!v86_mode(cpu) || iopl(cpu) == 3)
        return false;
    if (!(cpu->cr[4] & CR4_VME) || opsize != 2)
        cpu_raise(cpu, EXC_GP, 0);               /* SDM Vol. 3A 20.2.7 */
    return true;
}

uint16_t vme_flags_image(CpuState *cpu)
{
    uint32_t f = cpu_get_eflags(cpu) & 0xffff & ~(EFLAGS_IF | EFLAGS_IOPL);
    if (cpu->eflags & EFLAGS_VIF)
        f |= EFLAGS_IF;
    return (uint16_t)(f | EFLAGS_IOPL);
}

void vme_flags_check(CpuState *cpu, uint16_t v)
{
    if ((v & EFLAGS_TF) || ((v & EFLAGS_IF) && (cpu->eflags & EFLAGS_VIP)))
        cpu_raise(cpu, EXC_GP, 0);
}

void vme_flags_load(CpuState *cpu, uint16_t v, uint32_t mask)
{
    flags_write(cpu, v, mask & ~(EFLAGS_IF | EFLAGS_IOPL));
    cpu->eflags = (v & EFLAGS_IF) ? (cpu->eflags | EFLAGS_VIF) : (cpu->eflags & ~EFLAGS_VIF);
}

/* Bit 'vector' of the interrupt redirection bitmap: 1 = protected mode. */
static bool redirect_bit(CpuState *cpu, int vector)
{
    const SegCache *tr = &cpu->tr;
    if ((tr->flags & SEGF_TYPE) != SYS_TSS32_BUSY || tr->limit < 0x67)
        cpu_raise(cpu, EXC_GP, 0);
    uint32_t base = sys_read(cpu, tr->base + 0x66, 2);
    uint32_t off = base - 32 + (uint32_t)vector / 8;
    if (base < 32 || off > tr->limit)
        cpu_raise(cpu, EXC_GP, 0);
    return (sys_read(cpu, tr->base + off, 1) >> (vector & 7)) & 1;
}

/* Table 20-2 methods 5 and 6: through the 8086 program's vector table. */
static void redirect(CpuState *cpu, int vector)
{
    uint16_t ip = (uint16_t)lin_read(cpu, (uint32_t)vector * 4, 2);
    uint16_t cs = (uint16_t)lin_read(cpu, (uint32_t)vector * 4 + 2, 2);
    bool virt = iopl(cpu) < 3;
    uint16_t f = virt ? vme_flags_image(cpu) : (uint16_t)cpu_get_eflags(cpu);
    push(cpu, f, 2);
    push(cpu, cpu->seg[SEG_CS].sel, 2);
    push(cpu, cpu->eip & 0xffff, 2);
    cpu->eflags &= ~(EFLAGS_TF | (virt ? EFLAGS_VIF : EFLAGS_IF));
    cpu_set_seg_real(cpu, SEG_CS, cs);
    cpu->eip = ip;
}

void v86_int(CpuState *cpu, int vector)
{
    if ((cpu->cr[4] & CR4_VME) && !redirect_bit(cpu, vector)) {
        redirect(cpu, vector);
        return;
    }
    if (iopl(cpu) < 3)
        cpu_raise(cpu, EXC_GP, 0);
    cpu_deliver(cpu, vector, NO_ERROR_CODE, true);
}
