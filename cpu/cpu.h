/*
 * cpu/cpu.h - the CPU's architectural state and its public API.
 *
 * Models: a P6-class IA-32 CPU (see DESIGN.md section 4). This header is the
 * contract between cpu/ and the rest of emu (board, BIOS, main loop,
 * translator, snapshot): the state struct and the entry points. It holds no
 * code beyond short static inline accessors.
 *
 * Conventions:
 *  - regs[] is indexed by the x86 register number (EAX=0 ... EDI=7).
 *  - seg[] is indexed by the x86 segment register number (ES=0 ... GS=5).
 *  - EFLAGS may be kept lazily inside the CPU: always read it with
 *    cpu_get_eflags() and write it with cpu_set_eflags() from outside cpu/.
 *  - Memory is reached through the physical AddrSpace given to cpu_create();
 *    ports through the io AddrSpace.
 */
#ifndef CPU_CPU_H
#define CPU_CPU_H

#include "emu.h"
#include "memory/bus.h"

enum { R_EAX, R_ECX, R_EDX, R_EBX, R_ESP, R_EBP, R_ESI, R_EDI };
enum { SEG_ES, SEG_CS, SEG_SS, SEG_DS, SEG_FS, SEG_GS, SEG_COUNT };

/* EFLAGS bits (SDM Vol. 1 3.4.3). */
enum {
    EFLAGS_CF = 1u << 0,  EFLAGS_PF = 1u << 2,  EFLAGS_AF = 1u << 4,
    EFLAGS_ZF = 1u << 6,  EFLAGS_SF = 1u << 7,  EFLAGS_TF = 1u << 8,
    EFLAGS_IF = 1u << 9,  EFLAGS_DF = 1u << 10, EFLAGS_OF = 1u << 11,
    EFLAGS_IOPL = 3u << 12, EFLAGS_NT = 1u << 14, EFLAGS_RF = 1u << 16,
    EFLAGS_VM = 1u << 17, EFLAGS_AC = 1u << 18, EFLAGS_VIF = 1u << 19,
    EFLAGS_VIP = 1u << 20, EFLAGS_ID = 1u << 21,
};

/* CR0 bits. */
enum {
    CR0_PE = 1u << 0, CR0_MP = 1u << 1, CR0_EM = 1u << 2, CR0_TS = 1u << 3,
    CR0_ET = 1u << 4, CR0_NE = 1u << 5, CR0_WP = 1u << 16, CR0_AM = 1u << 18,
    CR0_NW = 1u << 29, CR0_CD = 1u << 30, CR0_PG = 1u << 31,
};

/*
 * A segment register with its hidden descriptor cache. 'flags' holds the
 * descriptor's access byte in bits 0-7 (type, S, DPL, P) and the G, D/B, L,
 * AVL nibble in bits 12-15, i.e. descriptor bits 40-55 shifted down by 40
 * (the layout LAR returns, shifted right by 8). 'limit' is the expanded byte
 * limit.
 */
typedef struct SegCache {
    uint16_t sel;
    uint32_t base;
    uint32_t limit;
    uint16_t flags;
} SegCache;

typedef struct DescTable {
    uint32_t base;
    uint16_t limit;
} DescTable;

/* Why cpu_exec() returned. */
typedef enum CpuExit {
    CPU_EXIT_BUDGET,     /* ran its instruction budget */
    CPU_EXIT_HALT,       /* HLT (or shutdown-halt) and no interrupt pending */
    CPU_EXIT_REQUEST,    /* cpu_request_exit() was called */
    CPU_EXIT_SHUTDOWN,   /* triple fault: the board resets the machine */
} CpuExit;

typedef struct CpuState CpuState;

/*
 * The BIOS hook: the byte sequence 0F FF nn (UD0 with an imm8 service
 * number) calls this when it is fetched from a physical address the hook
 * accepts; the hook returns false for anything else and the CPU raises #UD.
 * 'phys_eip' is the physical address of the 0F byte. On entry EIP already
 * points past the 3 bytes. The hook may change registers, flags and memory.
 */
typedef bool (*CpuBiosHook)(void *opaque, CpuState *cpu, uint32_t phys_eip,
                            uint8_t service);

/*
 * One x87 register: 80-bit double extended precision (SDM Vol. 1 4.2.2,
 * figure 4-3): 64-bit significand with an explicit integer bit (bit 63),
 * sign in bit 15 of 'se' and the biased 15-bit exponent in bits 0-14.
 */
typedef struct Fp80 {
    uint64_t sig;
    uint16_t se;
} Fp80;

/*
 * x87 FPU and MMX state (SDM Vol. 1 8.1, 9.2). st[] holds the physical
 * registers R0-R7: ST(i) is st[(TOP + i) & 7], MMi is st[i].sig. TOP lives
 * in fsw bits 11-13. ftw keeps two bits per physical register, 3 = empty;
 * only empty/non-empty is authoritative, FSTENV/FSAVE derive the rest.
 * fip/fcs/fop/fdp/fds describe the last non-control x87 instruction.
 * MXCSR is plain state (no SSE) kept for FXSAVE/FXRSTOR.
 */
typedef struct FpuState {
    Fp80 st[8];
    uint16_t fcw, fsw, ftw, fop;
    uint16_t fcs, fds;
    uint32_t fip, fdp;
    uint32_t mxcsr;
    bool ferr;                /* FERR# output is asserted */
} FpuState;

struct CpuState {
    /* ---- architectural state (saved) ---- */
    uint32_t regs[8];
    uint32_t eip;
    uint32_t eflags;          /* valid only through cpu_get_eflags() */
    SegCache seg[SEG_COUNT];
    SegCache ldtr, tr;
    DescTable gdtr, idtr;
    uint32_t cr[5];           /* CR0, (CR1), CR2, CR3, CR4 */
    uint32_t dr[8];
    int cpl;
    bool nmi_blocked;         /* NMI delivered, no IRET yet (SDM Vol. 3A 6.7.1) */
    uint32_t sysenter_cs, sysenter_esp, sysenter_eip;   /* MSRs 174h-176h */
    bool halted;
    bool intr_shadow;         /* interrupts inhibited for one instruction */
    bool nmi_pending;
    bool intr_line;           /* level of the INTR pin */
    uint64_t tsc;             /* TSC = tsc + time base (see clock_ns) */
    uint64_t icount;          /* instructions retired since creation */
    FpuState fpu;             /* x87 and MMX (cpu/fpu*.c) */

    /* ---- wiring and host state: never saved ---- */
    /*
     * The TSC's time base: guest nanoseconds from the board's virtual clock
     * (the TSC runs at 1 GHz, one tick per guest ns, so it agrees with the
     * PIT and the RTC whatever the host speed). Without it (unit tests, the
     * vector runner) the TSC counts retired instructions.
     */
    uint64_t (*clock_ns)(void *opaque);
    void *clock_opaque;
    AddrSpace *mem;
    AddrSpace *io;
    int (*intack)(void *opaque);      /* INTA cycle: returns the vector */
    void *intack_opaque;
    CpuBiosHook bios_hook;
    void *bios_opaque;
    /* FERR# (x87 error with CR0.NE=0): the board routes it to IRQ13 */
    void (*ferr)(void *opaque, bool level);
    void *ferr_opaque;
    volatile bool exit_request;
    struct CpuInternal *in;   /* decoder caches, TLB, lazy flags, ... */
};

/* Create a CPU attached to the physical memory and port spaces. */
CpuState *cpu_create(AddrSpace *mem, AddrSpace *io);
void cpu_free(CpuState *cpu);

/* Power-on/RESET state: CS=F000 base FFFF0000 EIP=FFF0, real mode. */
void cpu_reset(CpuState *cpu);

/*
 * Run up to 'budget' instructions (interrupts taken between instructions).
 * Returns why it stopped. HLT with IF=1 returns CPU_EXIT_HALT; the caller
 * advances time and calls again, and the CPU wakes when INTR/NMI arrives.
 */
CpuExit cpu_exec(CpuState *cpu, int64_t budget);

/* Execute exactly one instruction (or deliver one pending interrupt). */
CpuExit cpu_step(CpuState *cpu);

/* Level of the INTR pin (from the PIC) and an NMI edge. */
void cpu_set_intr(CpuState *cpu, bool level);
void cpu_raise_nmi(CpuState *cpu);

/* Make cpu_exec() return CPU_EXIT_REQUEST soon (safe from callbacks). */
void cpu_request_exit(CpuState *cpu);

uint32_t cpu_get_eflags(CpuState *cpu);
void cpu_set_eflags(CpuState *cpu, uint32_t eflags);

/* Load a segment register the real-mode/V86 way: base = sel << 4. */
void cpu_set_seg_real(CpuState *cpu, int seg, uint16_t sel);

/*
 * Linear-address accesses for firmware and debuggers: translated through
 * paging when it is on, without raising guest exceptions. Return 0, or -1 if
 * some page is not present (nothing is written then).
 */
int cpu_read_lin(CpuState *cpu, uint32_t lin, void *buf, size_t len);
int cpu_write_lin(CpuState *cpu, uint32_t lin, const void *buf, size_t len);

/* Drop every cached translation (A20 change, external paging changes). */
void cpu_tlb_flush(CpuState *cpu);

/*
 * Rebuild what the CPU derives from its architectural state (segment
 * bounds, the TLB, the privilege level's TLB set). Call after writing
 * seg[], cr[], cpl or EFLAGS.VM directly (snapshot restore, tests).
 */
void cpu_state_loaded(CpuState *cpu);

/* One-line and multi-line register dumps for traces and errors. */
void cpu_dump_state(CpuState *cpu, FILE *f);

/*
 * Disassemble the instruction at linear address 'lin' into buf (capstone,
 * 16- or 32-bit per CS.D). Returns the instruction length, 0 on failure.
 */
int cpu_disasm(CpuState *cpu, uint32_t lin, char *buf, size_t len);

/* Short accessors for 8/16-bit register halves. */
static inline uint16_t cpu_reg16(const CpuState *cpu, int r)
{
    return (uint16_t)cpu->regs[r];
}
static inline void cpu_set_reg16(CpuState *cpu, int r, uint16_t v)
{
    cpu->regs[r] = (cpu->regs[r] & 0xffff0000u) | v;
}
/* r: 0-3 = AL CL DL BL, 4-7 = AH CH DH BH (x86 encoding). */
static inline uint8_t cpu_reg8(const CpuState *cpu, int r)
{
    return r < 4 ? (uint8_t)cpu->regs[r] : (uint8_t)(cpu->regs[r - 4] >> 8);
}
static inline void cpu_set_reg8(CpuState *cpu, int r, uint8_t v)
{
    if (r < 4)
        cpu->regs[r] = (cpu->regs[r] & 0xffffff00u) | v;
    else
        cpu->regs[r - 4] = (cpu->regs[r - 4] & 0xffff00ffu) | ((uint32_t)v << 8);
}

#endif
