/*
 * cpu/ops_stack.c - the stack: PUSH, POP (registers, segment registers,
 * memory, immediates), PUSHA, POPA, PUSHF, POPF, ENTER, LEAVE, and the
 * push/pop helpers every other file uses.
 *
 * Models:      SS.B selects SP or ESP (16-bit SP wraps within 64 KiB); the
 *              segment limit check makes a word push/pop at offset FFFF
 *              raise #SS; PUSH SP pushes the value before the push (286+);
 *              POP into a memory operand addressed through ESP uses ESP after
 *              the pop; POPA reads all eight slots before writing registers;
 *              PUSH Sreg with a 32-bit operand writes 16 bits into a 4-byte
 *              slot (P6); PUSHF/POPF in real mode can change IOPL and NT,
 *              and AC/ID with a 32-bit operand; POP SS inhibits interrupts
 *              for one instruction.
 *              In protected mode POPF changes IF only when CPL <= IOPL and
 *              IOPL only at CPL 0 (no fault otherwise), never VM, RF, VIF,
 *              VIP; in V86 mode PUSHF/POPF are #GP(0) unless IOPL is 3 (POPF
 *              then leaves IOPL alone) or CR4.VME gives their 16-bit forms
 *              the virtual interrupt flag (cpu/vme.c).
 * Not modeled: -
 * Spec:        SDM Vol. 2 PUSH, POP, PUSHA, POPA, PUSHF, POPF, ENTER, LEAVE.
 */
#include "cpu/ops.h"
#include "cpu/sys.h"

static uint32_t stack_mask(const CpuState *cpu)
{
    return stack32(cpu) ? 0xffffffffu : 0xffffu;
}

static void set_sp(CpuState *cpu, uint32_t sp)
{
    if (stack32(cpu))
        cpu->regs[R_ESP] = sp;
    else
        cpu_set_reg16(cpu, R_ESP, (uint16_t)sp);
}

void push(CpuState *cpu, uint32_t val, unsigned size)
{
    uint32_t sp = (cpu->regs[R_ESP] - size) & stack_mask(cpu);
    seg_write(cpu, SEG_SS, sp, val, size);
    set_sp(cpu, sp);
}

uint32_t pop(CpuState *cpu, unsigned size)
{
    uint32_t sp = cpu->regs[R_ESP] & stack_mask(cpu);
    uint32_t v = seg_read(cpu, SEG_SS, sp, size);
    set_sp(cpu, sp + size);
    return v;
}

uint32_t stack_peek(CpuState *cpu, uint32_t offset, unsigned size)
{
    uint32_t sp = (cpu->regs[R_ESP] + offset) & stack_mask(cpu);
    return seg_read(cpu, SEG_SS, sp, size);
}

void stack_adjust(CpuState *cpu, int32_t delta)
{
    set_sp(cpu, (cpu->regs[R_ESP] + (uint32_t)delta) & stack_mask(cpu));
}

void op_push_Zv(CpuState *cpu, const Insn *in) { push(cpu, reg_read(cpu, in->opcode & 7, in->opsize), in->opsize); }

void op_pop_Zv(CpuState *cpu, const Insn *in)
{
    uint32_t v = pop(cpu, in->opsize);
    reg_write(cpu, in->opcode & 7, in->opsize, v);
}

void op_push_Iz(CpuState *cpu, const Insn *in) { push(cpu, in->imm, in->opsize); }

void op_push_Ev(CpuState *cpu, const Insn *in)
{
    push(cpu, read_E(cpu, in, in->opsize), in->opsize);
}

void op_pop_Ev(CpuState *cpu, const Insn *in)
{
    uint32_t v = pop(cpu, in->opsize);
    write_E(cpu, in, in->opsize, v);    /* EA computed with the incremented ESP */
}

/* ---- segment registers --------------------------------------------------------- */

static void push_sreg(CpuState *cpu, const Insn *in, int seg)
{
    uint16_t sel = cpu->seg[seg].sel;
    if (in->opsize == 2) {
        push(cpu, sel, 2);
        return;
    }
    uint32_t sp = (cpu->regs[R_ESP] - 4) & stack_mask(cpu);
    seg_lin_w(cpu, SEG_SS, sp, 4);                /* the whole slot must be valid */
    seg_write(cpu, SEG_SS, sp, sel, 2);
    set_sp(cpu, sp);
}

static void pop_sreg(CpuState *cpu, const Insn *in, int seg)
{
    uint16_t sel = (uint16_t)stack_peek(cpu, 0, in->opsize);
    seg_load(cpu, seg, sel);
    stack_adjust(cpu, in->opsize);
}

void op_push_ES(CpuState *cpu, const Insn *in) { push_sreg(cpu, in, SEG_ES); }
void op_push_CS(CpuState *cpu, const Insn *in) { push_sreg(cpu, in, SEG_CS); }
void op_push_SS(CpuState *cpu, const Insn *in) { push_sreg(cpu, in, SEG_SS); }
void op_push_DS(CpuState *cpu, const Insn *in) { push_sreg(cpu, in, SEG_DS); }
void op_push_FS(CpuState *cpu, const Insn *in) { push_sreg(cpu, in, SEG_FS); }
void op_push_GS(CpuState *cpu, const Insn *in) { push_sreg(cpu, in, SEG_GS); }
void op_pop_ES(CpuState *cpu, const Insn *in) { pop_sreg(cpu, in, SEG_ES); }
void op_pop_DS(CpuState *cpu, const Insn *in) { pop_sreg(cpu, in, SEG_DS); }
void op_pop_FS(CpuState *cpu, const Insn *in) { pop_sreg(cpu, in, SEG_FS); }
void op_pop_GS(CpuState *cpu, const Insn *in) { pop_sreg(cpu, in, SEG_GS); }

void op_pop_SS(CpuState *cpu, const Insn *in)
{
    pop_sreg(cpu, in, SEG_SS);
    cpu->in->shadow_next = true;     /* SDM Vol. 2 POP: interrupts inhibited after POP SS */
}

/* ---- PUSHA POPA ------------------------------------------------------------------ */

void op_pusha(CpuState *cpu, const Insn *in)
{
    unsigned size = in->opsize;
    uint32_t old_sp = cpu->regs[R_ESP];
    for (int r = R_EAX; r <= R_EDI; r++)
        push(cpu, r == R_ESP ? old_sp & size_mask(size) : reg_read(cpu, r, size), size);
}

void op_popa(CpuState *cpu, const Insn *in)
{
    unsigned size = in->opsize;
    uint32_t v[8];
    for (int i = 0; i < 8; i++)
        v[R_EDI - i] = stack_peek(cpu, (uint32_t)i * size, size);
    for (int r = R_EAX; r <= R_EDI; r++)
        if (r != R_ESP)
            reg_write(cpu, r, size, v[r]);
    stack_adjust(cpu, (int32_t)(8 * size));
}

/* ---- PUSHF POPF ------------------------------------------------------------------- */

void op_pushf(CpuState *cpu, const Insn *in)
{
    if (v86_vme(cpu, in->opsize)) {
        push(cpu, vme_flags_image(cpu), 2);
        return;
    }
    uint32_t f = cpu_get_eflags(cpu);
    /* SDM PUSHF: VM and RF are cleared in the pushed image */
    push(cpu, in->opsize == 2 ? (f & 0xffff) : (f & ~(EFLAGS_VM | EFLAGS_RF)), in->opsize);
}

/* Bits POPF/IRET may change in real mode (CPL 0, SDM Vol. 2 POPF table 4-16). */

uint32_t popf_mask(const CpuState *cpu, unsigned size)
{
    uint32_t m = EFLAGS_CF | EFLAGS_PF | EFLAGS_AF | EFLAGS_ZF | EFLAGS_SF | EFLAGS_TF |
                 EFLAGS_IF | EFLAGS_DF | EFLAGS_OF | EFLAGS_IOPL | EFLAGS_NT;
    if (size == 4)
        m |= EFLAGS_AC | EFLAGS_ID;
    return m;
}

void op_popf(CpuState *cpu, const Insn *in)
{
    if (v86_vme(cpu, in->opsize)) {
        uint16_t v = (uint16_t)stack_peek(cpu, 0, 2);
        vme_flags_check(cpu, v);
        stack_adjust(cpu, 2);
        vme_flags_load(cpu, v, popf_mask(cpu, 2));
        return;
    }
    uint32_t mask = popf_mask(cpu, in->opsize);
    if (cpu->cr[0] & CR0_PE) {
        /* SDM Vol. 2 POPF, protected and V86 mode */
        if (cpu->cpl > 0)
            mask &= ~EFLAGS_IOPL;
        if ((unsigned)cpu->cpl > ((cpu->eflags >> 12) & 3))
            mask &= ~EFLAGS_IF;
    }
    uint32_t v = pop(cpu, in->opsize);
    flags_write(cpu, v, mask);
}

/* ---- ENTER LEAVE ------------------------------------------------------------------- */

void op_enter_Iw_Ib(CpuState *cpu, const Insn *in)
{
    unsigned size = in->opsize;
    uint32_t mask = stack_mask(cpu);
    unsigned level = in->imm2 & 31;
    uint32_t bp = cpu->regs[R_EBP];
    push(cpu, bp & size_mask(size), size);
    uint32_t frame = cpu->regs[R_ESP] & mask;
    if (level > 0) {
        for (unsigned i = 1; i < level; i++) {
            bp = (bp - size) & mask;
            push(cpu, seg_read(cpu, SEG_SS, bp, size), size);
        }
        push(cpu, frame, size);
    }
    uint32_t new_sp = (cpu->regs[R_ESP] - (in->imm & 0xffff)) & mask;
    /* the 386+ checks the new stack top before committing */
    if (in->imm & 0xffff)
        seg_lin_w(cpu, SEG_SS, new_sp, 1);
    reg_write(cpu, R_EBP, size, frame);
    set_sp(cpu, new_sp);
}

void op_leave(CpuState *cpu, const Insn *in)
{
    set_sp(cpu, cpu->regs[R_EBP] & stack_mask(cpu));
    uint32_t v = pop(cpu, in->opsize);
    reg_write(cpu, R_EBP, in->opsize, v);
}
