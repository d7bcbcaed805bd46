/*
 * cpu/insn.h - one decoded instruction (Insn) and one opcode-map row (OpInfo).
 *
 * Models:      what the decoder extracts from the instruction bytes: prefixes,
 *              opcode, ModRM/SIB (as base/index/scale/disp), immediates,
 *              length, operand and address size; and the per-opcode data the
 *              opcode map (cpu/opmap.c) attaches: mnemonic, semantics function,
 *              SDM operand codes and behaviour flags.
 * Not modeled: VEX/EVEX, REX (no long mode yet), SSE mandatory prefixes.
 * Spec:        Intel SDM Vol. 2, chapter 2 (instruction format) and
 *              Appendix A (opcode map, operand codes).
 *
 * The interpreter (cpu/exec.c), the disassembler and later the translator all
 * consume the same Insn: decode once, then either call in->op->exec or emit.
 */
#ifndef CPU_INSN_H
#define CPU_INSN_H

#include "cpu/cpu.h"

typedef struct Insn Insn;
typedef void ExecFn(CpuState *cpu, const Insn *in);

/* Operand codes, SDM Appendix A.2 spelling. */
enum {
    OPND_NONE,
    /* ModRM-encoded: presence of any of these means a ModRM byte follows */
    OPND_Eb, OPND_Ew, OPND_Ev, OPND_Ed, OPND_Gb, OPND_Gw, OPND_Gv, OPND_Gd,
    OPND_M, OPND_Mp, OPND_Ma, OPND_Ms, OPND_Mq, OPND_Sw, OPND_Rd, OPND_Cd,
    OPND_Dd, OPND_Fx,            /* Fx: x87 ModRM (memory or ST(i)) */
    OPND_Pq, OPND_Qq, OPND_Qd, OPND_Nq,   /* MMX: ModRM.reg, ModRM r/m (mm or memory), ModRM r/m (mm only) */
    OPND_MODRM_LAST = OPND_Nq,
    /* immediates and other encoded data */
    OPND_Ib, OPND_Ibs,           /* Ibs: Ib sign-extended to the operand size */
    OPND_Iw, OPND_Iz, OPND_Jb, OPND_Jz, OPND_Ap, OPND_Ob, OPND_Ov,
    /* implicit */
    OPND_Xb, OPND_Xv, OPND_Yb, OPND_Yv,    /* DS:rSI, ES:rDI string operands */
    OPND_AL, OPND_CL, OPND_DX, OPND_eAX, OPND_1,
    OPND_Zb, OPND_Zv, OPND_Zd,   /* register in the opcode's low 3 bits */
    OPND_ES, OPND_CS, OPND_SS, OPND_DS, OPND_FS, OPND_GS,
};

/* OpInfo.flags */
enum {
    OPF_LOCKABLE   = 1u << 0,   /* LOCK allowed with a memory destination */
    OPF_ENDS_BLOCK = 1u << 1,   /* control transfer: a translated block ends here */
    OPF_SENSITIVE  = 1u << 2,   /* sensitive but unprivileged (DESIGN.md 4) */
    OPF_PRIV       = 1u << 3,   /* CPL 0 only in protected mode */
    OPF_MODE       = 1u << 4,   /* may change CPU mode / mode bits of a block key */
    OPF_MEM_ONLY   = 1u << 5,   /* ModRM must name memory, else #UD */
    OPF_STRING     = 1u << 6,   /* REP prefixes apply */
    OPF_UD         = 1u << 7,   /* undefined opcode: raise #UD */
    OPF_MOD_IGNORED = 1u << 8,  /* MOV CRn/DRn: ModRM.mod ignored, always a register */
};

typedef struct OpInfo {
    const char *mnemonic;          /* for traces */
    ExecFn *exec;                  /* interpreter semantics */
    const struct OpInfo *group;    /* non-NULL: ModRM.reg selects group[reg] */
    uint8_t opnd[3];               /* OPND_* in SDM order (destination first) */
    uint16_t flags;                /* OPF_* */
} OpInfo;

enum { EA_NONE = 0xff };           /* Insn.base / Insn.index: no register */
enum { REP_NONE = 0, REP_NE = 0xf2, REP_E = 0xf3 };

struct Insn {
    const OpInfo *op;
    uint32_t eip;            /* offset of the first byte in CS */
    uint16_t opcode;         /* 0x00-0xff, or 0x0f00 | second byte */
    uint8_t len;
    uint8_t opsize;          /* 2 or 4 (byte forms are separate handlers) */
    uint8_t addrsize;        /* 2 or 4 */
    uint8_t seg;             /* segment of the memory operand (override or default) */
    uint8_t seg_override;    /* SEG_* or EA_NONE */
    uint8_t rep;             /* REP_NONE, REP_NE (F2), REP_E (F3) */
    uint8_t lock;
    uint8_t modrm;
    uint8_t mod, reg, rm;    /* ModRM fields (mod == 3: register operand) */
    uint8_t base, index, scale;   /* effective address: base + (index << scale) + disp */
    int32_t disp;
    uint32_t imm;            /* first immediate (sign-extended for Jb/Jz/Ibs) */
    uint32_t imm2;           /* second immediate (ENTER Ib, far pointer selector) */
};

/* Opcode maps (cpu/opmap.c). */
extern const OpInfo map_1byte[256];
extern const OpInfo map_0f[256];

/*
 * Decode the instruction at CS:EIP into *in. Raises #GP for instructions
 * longer than 15 bytes or fetched beyond the CS limit, #UD for undefined
 * opcodes or LOCK misuse (through cpu_raise: does not return then).
 */
void decode_insn(CpuState *cpu, Insn *in);

#endif
