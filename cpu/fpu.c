/*
 * cpu/fpu.c - the x87 escape opcodes (D8-DF) and WAIT, without an x87 yet.
 *
 * Models:      the machine as a 386/486SX-class board with the coprocessor
 *              socket empty: CPUID.1:EDX.FPU = 0, and with CR0.EM=0 an ESC
 *              instruction is fully decoded (ModRM and displacement consumed)
 *              and then does nothing - no memory is written, no register
 *              changes - which is what a DOS "is there an FPU" probe sees on
 *              such a machine (FNINIT; FNSTSW/FNSTCW leave the preset memory
 *              word untouched, so the probe concludes "no FPU" every time).
 *              CR0.EM=1 or CR0.TS=1 makes ESC raise #NM (7); WAIT raises #NM
 *              when CR0.MP and CR0.TS are both set.
 * Not modeled: the x87 itself (registers, FNINIT/FNSTSW/FLDCW state, 80-bit
 *              arithmetic, #MF/FERR) - the next issue implements it here and
 *              turns fpu_present on; CPUID will then report FPU.
 * Spec:        SDM Vol. 1 8.1 and 9 (x87 FPU, "Emulation", "Detecting the
 *              FPU"), Vol. 3A 2.5 CR0.EM/MP/TS and table 2-2, Vol. 2 WAIT.
 */
#include "cpu/internal.h"
#include "cpu/ops.h"

void op_esc(CpuState *cpu, const Insn *in)
{
    if (cpu->cr[0] & (CR0_EM | CR0_TS))
        cpu_raise(cpu, EXC_NM, NO_ERROR_CODE);
    if (!cpu->in->fpu_present)
        return;                 /* empty socket: nobody answers the escape */
    /* TODO: x87 (next issue) */
}

void op_wait(CpuState *cpu, const Insn *in)
{
    if ((cpu->cr[0] & (CR0_MP | CR0_TS)) == (CR0_MP | CR0_TS))
        cpu_raise(cpu, EXC_NM, NO_ERROR_CODE);
}
