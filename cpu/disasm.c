/*
 * cpu/disasm.c - guest instruction text for traces (-d in_asm) and tests.
 *
 * Models:      one instruction at a linear address, disassembled by capstone
 *              in 16- or 32-bit mode according to CS.D; the bytes are read
 *              with cpu_read_lin (no guest exceptions, no side effects).
 * Not modeled: emu's own operand-code printer (the translator's IR dumps
 *              print Insn fields; capstone's AT&T/Intel text is enough here).
 * Spec:        capstone 4/5 C API (cs_open, cs_disasm).
 */
#include <capstone/capstone.h>

#include "cpu/internal.h"

int cpu_disasm(CpuState *cpu, uint32_t lin, char *buf, size_t len)
{
    uint8_t bytes[16];
    csh handle;
    cs_insn *insn;
    int n = 0;
    if (len == 0)
        return 0;
    buf[0] = '\0';
    if (cpu_read_lin(cpu, lin, bytes, sizeof bytes) < 0)
        return 0;
    if (cs_open(CS_ARCH_X86, code32(cpu) ? CS_MODE_32 : CS_MODE_16, &handle) != CS_ERR_OK)
        return 0;
    size_t count = cs_disasm(handle, bytes, sizeof bytes, lin, 1, &insn);
    if (count > 0) {
        snprintf(buf, len, "%s %s", insn[0].mnemonic, insn[0].op_str);
        n = insn[0].size;
        cs_free(insn, count);
    } else {
        snprintf(buf, len, "(bad) %02x %02x", bytes[0], bytes[1]);
        n = 1;
    }
    cs_close(&handle);
    return n;
}
