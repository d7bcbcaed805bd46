/*
 * cpu/ops_prot.c - the protected-mode-only instructions: SLDT, STR, LLDT,
 * LTR, VERR, VERW, LAR, LSL, ARPL.
 *
 * Models:      #UD in real and virtual-8086 mode as the SDM lists; LLDT/LTR
 *              at CPL 0 only (#GP(0)), with the selector checks and error
 *              codes of their Operation sections (LTR marks the TSS busy);
 *              SLDT/STR to a 32-bit register zero-extend (P6), to memory
 *              store 16 bits; VERR/VERW/LAR/LSL set ZF when the descriptor
 *              is visible at the CPL and RPL and of a type the instruction
 *              accepts (SDM Vol. 2 LAR table "Segment and Gate Types"), and
 *              leave the destination alone otherwise; LAR returns the access
 *              rights masked with 00F0FF00h (FF00h for 16 bits), LSL the
 *              byte-granular limit; ARPL raises the RPL of its destination.
 * Not modeled: -
 * Spec:        SDM Vol. 2 SLDT, STR, LLDT, LTR, VERR/VERW, LAR, LSL, ARPL;
 *              Vol. 3A 5.10.3 (checking caller access privileges).
 */
#include "cpu/ops.h"
#include "cpu/sys.h"

static void pm_only(CpuState *cpu)
{
    if (!prot_mode(cpu))
        cpu_raise(cpu, EXC_UD, NO_ERROR_CODE);
}

static void store_selector(CpuState *cpu, const Insn *in, uint16_t sel)
{
    if (in->mod == 3)
        reg_write(cpu, in->rm, in->opsize, sel);
    else
        write_E(cpu, in, 2, sel);
}

void op_sldt_Ew(CpuState *cpu, const Insn *in)
{
    pm_only(cpu);
    store_selector(cpu, in, cpu->ldtr.sel);
}

void op_str_Ew(CpuState *cpu, const Insn *in)
{
    pm_only(cpu);
    store_selector(cpu, in, cpu->tr.sel);
}

void op_lldt_Ew(CpuState *cpu, const Insn *in)
{
    pm_only(cpu);
    if (cpu->cpl != 0)
        cpu_raise(cpu, EXC_GP, 0);
    uint16_t sel = (uint16_t)read_E(cpu, in, 2);
    if (sel_null(sel)) {
        cpu->ldtr.sel = sel;
        cpu->ldtr.flags = 0;                    /* LDTR invalid */
        return;
    }
    Desc d;
    if ((sel & 4) || !desc_read(cpu, sel, &d) || desc_is_seg(&d) || desc_type(&d) != SYS_LDT)
        cpu_raise(cpu, EXC_GP, sel_err(sel));
    if (!desc_present(&d))
        cpu_raise(cpu, EXC_NP, sel_err(sel));
    cpu->ldtr.sel = sel;
    cpu->ldtr.base = desc_base(&d);
    cpu->ldtr.limit = desc_limit(&d);
    cpu->ldtr.flags = desc_flags(&d);
}

void op_ltr_Ew(CpuState *cpu, const Insn *in)
{
    pm_only(cpu);
    if (cpu->cpl != 0)
        cpu_raise(cpu, EXC_GP, 0);
    uint16_t sel = (uint16_t)read_E(cpu, in, 2);
    if (sel_null(sel))
        cpu_raise(cpu, EXC_GP, 0);
    Desc d;
    if ((sel & 4) || !desc_read(cpu, sel, &d) || desc_is_seg(&d) ||
        (desc_type(&d) != SYS_TSS16 && desc_type(&d) != SYS_TSS32))
        cpu_raise(cpu, EXC_GP, sel_err(sel));
    if (!desc_present(&d))
        cpu_raise(cpu, EXC_NP, sel_err(sel));
    d.hi |= 0x200;                              /* busy */
    desc_write_hi(cpu, sel, d.hi);
    cpu->tr.sel = sel;
    cpu->tr.base = desc_base(&d);
    cpu->tr.limit = desc_limit(&d);
    cpu->tr.flags = desc_flags(&d);
}

/*
 * The descriptor LAR/LSL/VERR/VERW look at, if visible: non-null, within
 * the table, and (unless conforming code) DPL >= CPL and DPL >= RPL.
 * 'sys_types' is a bit mask of the system types the instruction accepts.
 */
static bool visible(CpuState *cpu, uint16_t sel, Desc *d, uint32_t sys_types)
{
    if (sel_null(sel) || !desc_read(cpu, sel, d))
        return false;
    if (!desc_is_seg(d) && !(sys_types & (1u << desc_type(d))))
        return false;
    bool conforming = desc_is_code(d) && (d->hi & 0x400);
    if (!conforming && ((int)desc_dpl(d) < cpu->cpl || desc_dpl(d) < (sel & 3u)))
        return false;
    return true;
}

static void set_zf(CpuState *cpu, bool on)
{
    flags_set_arith(cpu, EFLAGS_ZF, on ? EFLAGS_ZF : 0);
}

void op_verr_Ew(CpuState *cpu, const Insn *in)
{
    pm_only(cpu);
    uint16_t sel = (uint16_t)read_E(cpu, in, 2);
    Desc d;
    bool ok = visible(cpu, sel, &d, 0) && (!desc_is_code(&d) || (d.hi & 0x200));
    set_zf(cpu, ok);
}

void op_verw_Ew(CpuState *cpu, const Insn *in)
{
    pm_only(cpu);
    uint16_t sel = (uint16_t)read_E(cpu, in, 2);
    Desc d;
    bool ok = visible(cpu, sel, &d, 0) && desc_is_data(&d) && (d.hi & 0x200);
    set_zf(cpu, ok);
}

/* LAR: TSS, LDT, busy TSS, call gates, task gate (not interrupt/trap gates). */
static const uint32_t lar_types = (1u << SYS_TSS16) | (1u << SYS_LDT) | (1u << SYS_TSS16_BUSY) |
                                  (1u << SYS_CALL16) | (1u << SYS_TASK) | (1u << SYS_TSS32) |
                                  (1u << SYS_TSS32_BUSY) | (1u << SYS_CALL32);
/* LSL: TSSs and LDT only (gates have no limit). */
static const uint32_t lsl_types = (1u << SYS_TSS16) | (1u << SYS_LDT) | (1u << SYS_TSS16_BUSY) |
                                  (1u << SYS_TSS32) | (1u << SYS_TSS32_BUSY);

void op_lar_Gv_Ew(CpuState *cpu, const Insn *in)
{
    pm_only(cpu);
    uint16_t sel = (uint16_t)read_E(cpu, in, 2);
    Desc d;
    if (!visible(cpu, sel, &d, lar_types)) {
        set_zf(cpu, false);
        return;
    }
    reg_write(cpu, in->reg, in->opsize, d.hi & (in->opsize == 4 ? 0x00f0ff00u : 0xff00u));
    set_zf(cpu, true);
}

void op_lsl_Gv_Ew(CpuState *cpu, const Insn *in)
{
    pm_only(cpu);
    uint16_t sel = (uint16_t)read_E(cpu, in, 2);
    Desc d;
    if (!visible(cpu, sel, &d, lsl_types)) {
        set_zf(cpu, false);
        return;
    }
    reg_write(cpu, in->reg, in->opsize, desc_limit(&d));
    set_zf(cpu, true);
}

void op_arpl_Ew_Gw(CpuState *cpu, const Insn *in)
{
    pm_only(cpu);
    Operand o = operand_E(cpu, in);
    uint16_t dst = (uint16_t)operand_read(cpu, &o, 2);
    uint16_t src = (uint16_t)reg_read(cpu, in->reg, 2);
    if ((dst & 3) < (src & 3)) {
        operand_write(cpu, &o, 2, (uint16_t)((dst & ~3u) | (src & 3u)));
        set_zf(cpu, true);
    } else {
        set_zf(cpu, false);
    }
}
