/*
 * cpu/debug.c - debug registers: instruction and data breakpoints.
 *
 * Models:      DR0-DR3 with the L/G enables, R/W and LEN fields of DR7:
 *              instruction breakpoints (R/W 00) are faults checked before an
 *              instruction starts, skipped when EFLAGS.RF is set (RF is then
 *              cleared for the next instruction); data breakpoints (R/W 01
 *              writes, 11 reads and writes) are traps reported after the
 *              instruction that touched any byte of the aligned 1/2/4/8-byte
 *              range, with DR6.Bn; with CR4.DE, I/O breakpoints (R/W 10)
 *              trap after an IN/OUT/INS/OUTS touching the port range. The
 *              TLB never caches a page that holds an
 *              enabled data breakpoint (cpu/tlb.c), so every access to it
 *              comes through the slow path and debug_check_data(); fetches
 *              do not trigger data breakpoints. exec.c delivers the #DB trap
 *              with the DR6 bits gathered during the instruction (Bn, BS for
 *              single-step, BT for a task's T bit).
 * Not modeled: the breakpoint-after-MOV-SS suppression.
 * Spec:        SDM Vol. 3A 17.2 (debug registers), 17.3.1 (debug exception
 *              conditions), 17.3.1.1 (instruction breakpoints and RF).
 */
#include "cpu/sys.h"

static unsigned bp_rw(const CpuState *cpu, int n)
{
    return (cpu->dr[7] >> (16 + 4 * n)) & 3;
}

static uint32_t bp_len(const CpuState *cpu, int n)
{
    static const uint32_t len[4] = { 1, 2, 8, 4 };
    return len[(cpu->dr[7] >> (18 + 4 * n)) & 3];
}

void debug_regs_changed(CpuState *cpu)
{
    CpuInternal *in = cpu->in;
    bool had_data = in->dr_data != 0;
    in->dr_exec = in->dr_data = in->dr_io = 0;
    for (int n = 0; n < 4; n++) {
        if (!((cpu->dr[7] >> (2 * n)) & 3))
            continue;
        unsigned rw = bp_rw(cpu, n);
        if (rw == 0)
            in->dr_exec |= (uint8_t)(1u << n);
        else if (rw != 2)
            in->dr_data |= (uint8_t)(1u << n);
        else if (cpu->cr[4] & CR4_DE)
            in->dr_io |= (uint8_t)(1u << n);    /* without DE, R/W 10 is undefined */
    }
    if (in->dr_data || had_data)
        cpu_tlb_flush(cpu);          /* watched pages must leave the TLB */
}

bool debug_page_watched(const CpuState *cpu, uint32_t page)
{
    for (int n = 0; n < 4; n++)
        if ((cpu->in->dr_data & (1u << n)) && (cpu->dr[n] & PAGE_MASK) == page)
            return true;
    return false;
}

void debug_check_data(CpuState *cpu, uint32_t lin, unsigned size, bool write)
{
    for (int n = 0; n < 4; n++) {
        if (!(cpu->in->dr_data & (1u << n)))
            continue;
        if (bp_rw(cpu, n) == 1 && !write)
            continue;
        uint32_t len = bp_len(cpu, n);
        uint32_t start = cpu->dr[n] & ~(len - 1);
        if (lin <= start + len - 1 && start <= lin + size - 1)
            cpu->in->dr6_hits |= 1u << n;
    }
}

void debug_check_io(CpuState *cpu, uint16_t port, unsigned size)
{
    for (int n = 0; n < 4; n++) {
        if (!(cpu->in->dr_io & (1u << n)))
            continue;
        uint32_t len = bp_len(cpu, n);
        uint32_t start = cpu->dr[n] & 0xffff & ~(len - 1);
        if (port <= start + len - 1 && start <= (uint32_t)port + size - 1)
            cpu->in->dr6_hits |= 1u << n;
    }
}

void debug_check_exec(CpuState *cpu)
{
    if (cpu->eflags & EFLAGS_RF) {
        cpu->eflags &= ~EFLAGS_RF;   /* 17.3.1.1: RF suppresses one instruction */
        return;
    }
    uint32_t lin = cpu->seg[SEG_CS].base + cpu->eip;
    uint32_t hits = 0;
    for (int n = 0; n < 4; n++)
        if ((cpu->in->dr_exec & (1u << n)) && cpu->dr[n] == lin)
            hits |= 1u << n;
    if (hits) {
        cpu->dr[6] = (cpu->dr[6] & ~0xfu) | hits;
        cpu_raise(cpu, EXC_DB, NO_ERROR_CODE);
    }
}
