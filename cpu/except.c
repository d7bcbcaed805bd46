/*
 * cpu/except.c - raising exceptions and delivering interrupts.
 *
 * Models:      cpu_raise() unwinds to cpu_exec() (longjmp); the loop then
 *              resets EIP/ESP to the faulting instruction and calls
 *              except_unwound(), which applies the double-fault rules and
 *              delivers through the real-mode IVT: push FLAGS, CS, IP; clear
 *              IF, TF, AC; load CS:IP from IVT[vector]. An IVT entry beyond
 *              IDTR.limit raises #GP. A fault while delivering a fault becomes
 *              #DF; a fault while delivering #DF is a triple fault (shutdown).
 * Not modeled: protected-mode IDT gates, error-code pushes, task gates, the
 *              benign/contributory/page-fault class table (every nested fault
 *              is treated as contributory) - next issue.
 * Spec:        SDM Vol. 3A 6.4-6.5 (sources, classes), 6.15 table 6-5
 *              (double fault conditions), 20.1.4 (real-mode interrupt
 *              handling), Vol. 2 "INT n" Operation (REAL-ADDRESS-MODE).
 */
#include "cpu/internal.h"

_Noreturn void cpu_raise(CpuState *cpu, int vector, int error_code)
{
    CpuInternal *in = cpu->in;
    in->exc_vector = vector;
    in->exc_code = error_code;
    STAT(exceptions);
    LOG(LOG_INT, "cpu: exception %d (code %d) at %04x:%08x\n", vector, error_code,
        cpu->seg[SEG_CS].sel, in->insn_eip);
    if (!in->unwind_valid)
        emu_fatal(2, "cpu", "exception %d raised outside cpu_exec", vector);
    longjmp(in->unwind, 1);
}

void cpu_deliver(CpuState *cpu, int vector, int error_code, bool soft)
{
    CpuInternal *in = cpu->in;
    if (!real_mode(cpu))
        LOG(LOG_UNIMP, "cpu: protected-mode interrupt %d delivered the real-mode way\n", vector);
    uint32_t slot = (uint32_t)vector * 4;
    /* SDM Vol. 2 INT n, REAL-ADDRESS-MODE: IVT bounds check, then pushes. */
    if (slot + 3 > cpu->idtr.limit)
        cpu_raise(cpu, EXC_GP, NO_ERROR_CODE);
    uint16_t new_ip = (uint16_t)lin_read(cpu, cpu->idtr.base + slot, 2);
    uint16_t new_cs = (uint16_t)lin_read(cpu, cpu->idtr.base + slot + 2, 2);
    push(cpu, cpu_get_eflags(cpu) & 0xffff, 2);
    push(cpu, cpu->seg[SEG_CS].sel, 2);
    push(cpu, cpu->eip & 0xffff, 2);
    cpu->eflags &= ~(EFLAGS_IF | EFLAGS_TF | EFLAGS_AC | EFLAGS_RF);
    seg_load(cpu, SEG_CS, new_cs);
    cpu->eip = new_ip;
    in->last_vector = vector;
}

/*
 * Called by cpu_exec after a longjmp from cpu_raise, with EIP/ESP already
 * back at the faulting instruction. Returns false on shutdown.
 */
bool except_unwound(CpuState *cpu)
{
    CpuInternal *in = cpu->in;
    int vector = in->exc_vector;
    int code = in->exc_code;
    if (in->exc_depth >= 2) {
        /* SDM Vol. 3A 6.15 interrupt 8: a fault during #DF delivery -> shutdown */
        LOG(LOG_INT, "cpu: triple fault, shutdown\n");
        in->shutdown = true;
        in->exc_depth = 0;
        return false;
    }
    if (in->exc_depth == 1) {
        vector = EXC_DF;
        code = 0;
    }
    in->exc_depth++;
    cpu->halted = false;
    cpu_deliver(cpu, vector, code, false);
    in->exc_depth = 0;
    return true;
}
