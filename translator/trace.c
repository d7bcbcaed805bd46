/*
 * translator/trace.c - "-d in_asm,out_asm" for translated blocks.
 *
 * Models:      at translation time, the guest instructions of the block
 *              (capstone in the block's 16/32-bit mode, with the way each
 *              one was handled: inline host code or a helper call, and the
 *              sensitive ones marked) and the host code produced for it
 *              (capstone, x86-64).
 * Not modeled: per-instruction host ranges (the host listing is the whole
 *              block, exits and slow paths included).
 * Spec:        capstone C API.
 */
#include <capstone/capstone.h>

#include "translator/internal.h"

void jit_trace_block(Jit *j, const Block *b, uint64_t helper_mask)
{
    CpuState *cpu = j->cpu;
    emu_log("translate: %04x:%08x (phys %08x) %u insns, %u host bytes\n",
            cpu->seg[SEG_CS].sel, b->eip, b->phys, b->ninsn, b->code_len);
    if (emu_log_mask & LOG_IN_ASM) {
        for (unsigned i = 0; i < b->ninsn; i++) {
            const Insn *in = &b->insns[i];
            char text[96];
            if (cpu_disasm(cpu, b->cs_base + in->eip, text, sizeof text) <= 0)
                snprintf(text, sizeof text, "(unreadable)");
            emu_log("  IN  %08x  %-40s %s%s\n", in->eip, text,
                    (i < 64 && (helper_mask >> i) & 1) ? "helper" : "inline",
                    (in->op->flags & OPF_SENSITIVE) ? " [sensitive]" : "");
        }
    }
    if (emu_log_mask & LOG_OUT_ASM) {
        csh h;
        if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK)
            return;
        cs_insn *insn;
        size_t n = cs_disasm(h, b->code, b->code_len, (uint64_t)(uintptr_t)b->code, 0, &insn);
        for (size_t i = 0; i < n; i++)
            emu_log("  OUT %012llx  %s %s\n", (unsigned long long)insn[i].address,
                    insn[i].mnemonic, insn[i].op_str);
        if (n)
            cs_free(insn, n);
        cs_close(&h);
    }
}
