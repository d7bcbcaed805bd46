/*
 * cpu/exec.c - the interpreter loop: decode, execute, interrupts, unwinding.
 *
 * Design
 * ------
 * Every instruction goes through the same three steps:
 *
 *   1. decode_insn() (cpu/decode.c) reads prefixes, opcode, ModRM/SIB,
 *      displacement and immediates into an Insn. What to read is not coded
 *      per opcode: the row of the opcode map (cpu/opmap.c, SDM Appendix A
 *      order) lists SDM operand codes (Ev, Gv, Iz, Jb ...) and the decoder
 *      derives ModRM presence and immediate sizes from them. Group opcodes
 *      (80-83, C0, D0-D3, F6, F7, FE, FF, 0F 01, 0F BA ...) select their row
 *      by ModRM.reg. The row also carries flags the translator and the
 *      statistics need: lockable, ends-block, sensitive, privileged,
 *      mode-changing.
 *   2. The loop commits EIP to the next instruction, then calls
 *      in->op->exec(cpu, in): one semantics function per instruction, named
 *      op_<mnemonic>_<SDM operands> (op_add_Ev_Gv, op_jcc_Jb ...). Operand
 *      size variants share a function and look at in->opsize; byte forms
 *      are separate functions. Relative branches add to the committed EIP.
 *   3. Flags are left lazy (cpu/flags.c): arithmetic results are recorded
 *      and each flag is computed when consumed. cpu_get_eflags() is exact.
 *
 * Exceptions: a handler that detects a fault calls cpu_raise(cpu, vector,
 * code), which records the event and longjmps back here (QEMU's
 * cpu_loop_exit idea). The loop then restores EIP and ESP saved at the start
 * of the instruction - so exceptions are precise as long as a handler
 * performs every access that can fault before it changes registers other
 * than ESP; all handlers follow that rule (read operands, compute, write the
 * memory destination, then registers and flags). except_unwound() applies
 * the double-fault table (SDM Vol. 3A table 6-5) and delivers through the
 * IVT in real mode or the IDT otherwise (cpu/except.c). Software interrupts
 * (INT n, INT3, INTO, INT1) are not faults: their handlers call
 * cpu_deliver() directly with EIP already past the instruction. #DE on a
 * 386+ is a fault, so DIV pushes its own address.
 *
 * Protected mode keeps that one rule and adds "check everything, then
 * commit": a far transfer, gate, interrupt delivery or IRET reads and checks
 * every descriptor and builds the new stack frame (cpu/seg.c NewStack: a
 * stack that is not loaded yet, written with the privilege it will have)
 * before it changes CS, SS, CPL or EFLAGS, so a fault on the way unwinds to
 * an untouched caller. The one exception is a task switch: once the old
 * task is saved and TR points at the new TSS (the SDM's commit point), the
 * rest belongs to the new task, so task_switch() moves insn_eip/insn_esp to
 * the new task before loading its segments - a fault then is delivered in
 * the new task, as the SDM requires. Faults met while delivering an event
 * carry EXT in their error code (CpuInternal.deliver_ext), and the class of
 * the event being delivered (deliver_class) decides #DF or shutdown.
 *
 * The common path stays as cheap as in real mode: segment checks compare an
 * offset with bounds computed when the register was loaded (seg_rmax,
 * seg_wmax; anything unusual - expand-down, null, read-only, execute-only -
 * takes one slow function), and the TLB has one set of entries per
 * privilege class (supervisor, user), each entry's read/write tags already
 * encoding what the page tables allow, so a hit costs the same with paging
 * on or off. CPL changes only switch the set (cpu_set_cpl). Implicit
 * supervisor accesses (GDT/LDT/IDT/TSS) borrow the supervisor set for one
 * access; the unwinder re-selects the set from the CPL after a fault.
 * Debug registers cost one test per instruction (instruction breakpoints
 * or RF pending); data breakpoints keep their pages out of the TLB so only
 * the slow path checks them, and their hits, single-step (TF sampled before
 * the instruction) and a task's T bit become one #DB trap after the
 * instruction.
 *
 * Interrupts are sampled between instructions: NMI first, then INTR when
 * IF=1 and no interrupt shadow is active (the instruction after MOV SS,
 * POP SS, or STI with IF previously 0 - SDM Vol. 3A 6.8.3). The vector comes
 * from cpu->intack (the PIC's INTA cycle). Taking one interrupt counts as
 * one step of the budget. HLT sets cpu->halted; the loop returns
 * CPU_EXIT_HALT while nothing can wake it.
 *
 * REP string instructions do a bounded amount of work per execution -
 * REP_CHUNK element-by-element iterations, or 64 KiB moved in bulk through
 * host pointers (cpu/ops_string.c), one iteration when TF is set or a
 * breakpoint hit - and then leave EIP on themselves, with ECX/ESI/EDI
 * updated; the next execution resumes them. Between chunks the loop can take interrupts, end
 * the budget or honour an exit request, exactly as the hardware does
 * between iterations (SDM Vol. 2 "REP", "interruption of repeated strings").
 *
 * The translator (translator/) reuses all of this: it calls decode_insn()
 * to form blocks, emits host code for the instructions it knows, and calls
 * in->op->exec on a stored Insn copy for the rest (through a wrapper that
 * does what cpu_exec_one does after decoding). cpu_raise unwinds out of
 * translated code the same way: the translator's run loop owns the setjmp
 * and calls cpu_unwound(); it takes interrupts with cpu_take_interrupt()
 * and single-steps with cpu_exec_one() whenever TF, RF, debug registers or
 * an interrupt shadow need instruction granularity. in->attention tells
 * translated code that an interrupt, NMI or exit request wants the loop.
 *
 * Budget: cpu_exec(cpu, n) runs up to n steps; icount and STAT(insns) are
 * charged once per call, not per instruction.
 */
#include "cpu/sensitive.h"
#include "cpu/sys.h"



static void trace_insn(CpuState *cpu)
{
    char text[96];
    uint32_t lin = cpu->seg[SEG_CS].base + cpu->eip;
    if (cpu_disasm(cpu, lin, text, sizeof text) > 0)
        emu_log("%04x:%08x  %s\n", cpu->seg[SEG_CS].sel, cpu->eip, text);
    if (emu_log_mask & LOG_CPU)
        cpu_dump_state(cpu, emu_log_file ? emu_log_file : stderr);
}

void cpu_exec_one(CpuState *cpu)
{
    CpuInternal *in = cpu->in;
    Insn *i = &in->insn;
    in->insn_eip = cpu->eip;
    in->insn_esp = cpu->regs[R_ESP];
    if (emu_log_mask & (LOG_IN_ASM | LOG_CPU))
        trace_insn(cpu);
    if (in->dr_exec || (cpu->eflags & EFLAGS_RF))
        debug_check_exec(cpu);
    decode_insn(cpu, i);
    uint32_t next = cpu->eip + i->len;
    cpu->eip = code32(cpu) ? next : (next & 0xffff);
    cpu->intr_shadow = false;
    in->shadow_next = false;
    if (i->op->flags & OPF_SENSITIVE)
        sens_note(cpu, i);
    bool single_step = (cpu->eflags & EFLAGS_TF) != 0;
    i->op->exec(cpu, i);
    cpu->intr_shadow = in->shadow_next;
    in->executed++;
    if (single_step || in->dr6_hits) {
        /* SDM Vol. 3A 17.3.1.2-17.3.1.5: data breakpoint, single-step and
         * task-switch traps after the instruction, in one #DB */
        cpu->dr[6] |= in->dr6_hits | (single_step ? 1u << 14 : 0);
        in->dr6_hits = 0;
        in->insn_eip = cpu->eip;
        in->insn_esp = cpu->regs[R_ESP];
        deliver_event(cpu, EXC_DB, NO_ERROR_CODE, EVENT_EXC);
    }
}

/* Take a pending NMI or INTR if allowed; true if one was delivered. */
bool cpu_take_interrupt(CpuState *cpu)
{
    CpuInternal *in = cpu->in;
    in->insn_eip = cpu->eip;
    in->insn_esp = cpu->regs[R_ESP];
    if (cpu->nmi_pending && !cpu->nmi_blocked) {
        cpu->nmi_pending = false;
        cpu->halted = false;
        cpu_deliver(cpu, EXC_NMI, NO_ERROR_CODE, false);
        STAT(interrupts);
        return true;
    }
    if (cpu->intr_line && (cpu->eflags & EFLAGS_IF) && cpu->intack) {
        int vector = cpu->intack(cpu->intack_opaque);
        cpu->halted = false;
        if (vector < 0)
            return false;          /* spurious: the PIC withdrew the request */
        LOG(LOG_INT, "cpu: interrupt 0x%02x\n", vector);
        cpu_deliver(cpu, vector & 0xff, NO_ERROR_CODE, false);
        STAT(interrupts);
        return true;
    }
    return false;
}

bool cpu_unwound(CpuState *cpu)
{
    /* cpu_raise() landed in a run loop: make the exception precise, deliver it. */
    CpuInternal *in = cpu->in;
    cpu->eip = in->insn_eip;
    cpu->regs[R_ESP] = in->insn_esp;
    in->tlb = in->tlb_set[cpu->cpl == 3];    /* undo lin_read_as/sys_read */
    in->fetching = false;
    in->dr6_hits = 0;
    in->shadow_next = false;
    cpu->intr_shadow = false;
    in->executed++;
    return except_unwound(cpu);
}

static CpuExit finish(CpuState *cpu, CpuExit why)
{
    CpuInternal *in = cpu->in;
    in->unwind_valid = false;
    cpu->icount += (uint64_t)in->executed;
    emu_stats[STAT_insns] += (uint64_t)in->executed;
    return why;
}

CpuExit cpu_exec(CpuState *cpu, int64_t budget)
{
    CpuInternal *in = cpu->in;
    in->executed = 0;
    if (in->shutdown)
        return CPU_EXIT_SHUTDOWN;
    in->unwind_valid = true;
    if (setjmp(in->unwind)) {
        if (!cpu_unwound(cpu))
            return finish(cpu, CPU_EXIT_SHUTDOWN);
    }
    while (in->executed < budget) {
        if (cpu->exit_request) {
            cpu->exit_request = false;
            return finish(cpu, CPU_EXIT_REQUEST);
        }
        if ((cpu->nmi_pending || cpu->intr_line) && !cpu->intr_shadow && cpu_take_interrupt(cpu)) {
            in->executed++;
            continue;
        }
        if (cpu->halted)
            return finish(cpu, CPU_EXIT_HALT);
        cpu_exec_one(cpu);
    }
    return finish(cpu, CPU_EXIT_BUDGET);
}

CpuExit cpu_step(CpuState *cpu)
{
    return cpu_exec(cpu, 1);
}

void cpu_set_intr(CpuState *cpu, bool level)
{
    cpu->intr_line = level;
    if (level)
        cpu->in->attention = 1;
}

void cpu_raise_nmi(CpuState *cpu)
{
    cpu->nmi_pending = true;
    cpu->in->attention = 1;
}

void cpu_request_exit(CpuState *cpu)
{
    cpu->exit_request = true;
    cpu->in->attention = 1;
}
