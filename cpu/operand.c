/*
 * cpu/operand.c - effective-address computation for ModRM memory operands.
 *
 * Models:      base + (index << scale) + disp, truncated to the address size
 *              (16-bit addressing wraps within 64 KiB before the limit check,
 *              SDM Vol. 1 3.7.5). The decoder already folded the 16-bit forms
 *              ([BX+SI], [BP+DI], ...) into base/index.
 * Not modeled: nothing further; register operands and the seg:off accessors
 *              are inline in cpu/internal.h (operand_E, read_E, write_E).
 * Spec:        SDM Vol. 2 2.1.5, Vol. 1 3.7.5 (specifying an offset).
 */
#include "cpu/internal.h"

uint32_t insn_ea(const CpuState *cpu, const Insn *in)
{
    uint32_t ea = (uint32_t)in->disp;
    if (in->base != EA_NONE)
        ea += cpu->regs[in->base];
    if (in->index != EA_NONE)
        ea += cpu->regs[in->index] << in->scale;
    return in->addrsize == 2 ? (ea & 0xffff) : ea;
}
