/*
 * cpu/sys.h - private API of the IA-32 system architecture inside cpu/:
 * descriptors, segment loads, privilege, TSS and task switches, event
 * delivery, paging and debug registers.
 *
 * Models:      the descriptor formats of SDM Vol. 3A 3.4.5 and 5.8-5.12 as
 *              raw (lo, hi) words with accessors; the functions seg.c,
 *              ctrl_pm.c, task.c, except.c, paging.c and debug.c share.
 * Not modeled: 64-bit descriptors (no long mode).
 * Spec:        SDM Vol. 3A chapters 3 (segmentation), 4 (paging), 5
 *              (protection), 6 (interrupts), 7 (tasks), 17 (debug).
 */
#ifndef CPU_SYS_H
#define CPU_SYS_H

#include "cpu/internal.h"

/* SegCache.flags: descriptor bits 40-55 shifted down by 40. */
enum {
    SEGF_TYPE = 0x000f, SEGF_A = 0x0001, SEGF_RW = 0x0002, SEGF_EC = 0x0004,
    SEGF_CODE = 0x0008, SEGF_S = 0x0010, SEGF_DPL = 0x0060, SEGF_P = 0x0080,
    SEGF_AVL = 0x1000, SEGF_DB = 0x4000, SEGF_G = 0x8000,
};

/* System descriptor types (S = 0), SDM Vol. 3A table 3-2. */
enum {
    SYS_TSS16 = 1, SYS_LDT = 2, SYS_TSS16_BUSY = 3, SYS_CALL16 = 4, SYS_TASK = 5,
    SYS_INT16 = 6, SYS_TRAP16 = 7, SYS_TSS32 = 9, SYS_TSS32_BUSY = 11,
    SYS_CALL32 = 12, SYS_INT32 = 14, SYS_TRAP32 = 15,
};

typedef struct Desc {
    uint32_t lo, hi;
} Desc;

static inline uint32_t desc_base(const Desc *d)
{
    return (d->lo >> 16) | ((d->hi & 0xff) << 16) | (d->hi & 0xff000000u);
}
static inline uint32_t desc_limit(const Desc *d)
{
    uint32_t l = (d->lo & 0xffff) | (d->hi & 0xf0000);
    return (d->hi & (1u << 23)) ? (l << 12) | 0xfff : l;
}
static inline uint16_t desc_flags(const Desc *d) { return (uint16_t)((d->hi >> 8) & 0xf0ff); }
static inline unsigned desc_type(const Desc *d) { return (d->hi >> 8) & 0xf; }
static inline bool desc_is_seg(const Desc *d) { return (d->hi & (1u << 12)) != 0; }
static inline bool desc_is_code(const Desc *d) { return desc_is_seg(d) && (d->hi & (1u << 11)); }
static inline bool desc_is_data(const Desc *d) { return desc_is_seg(d) && !(d->hi & (1u << 11)); }
static inline unsigned desc_dpl(const Desc *d) { return (d->hi >> 13) & 3; }
static inline bool desc_present(const Desc *d) { return (d->hi & (1u << 15)) != 0; }
/* Gates: target selector, offset, parameter count. */
static inline uint16_t gate_sel(const Desc *d) { return (uint16_t)(d->lo >> 16); }
static inline uint32_t gate_off(const Desc *d) { return (d->lo & 0xffff) | (d->hi & 0xffff0000u); }
static inline unsigned gate_params(const Desc *d) { return d->hi & 0x1f; }

/* Error code of a selector fault: index and TI, RPL cleared. */
static inline int sel_err(uint16_t sel) { return sel & 0xfffc; }
static inline bool sel_null(uint16_t sel) { return (sel & 0xfffc) == 0; }

/* ---- privilege and implicit supervisor accesses (cpu/tlb.c) -------------- */

void cpu_set_cpl(CpuState *cpu, int cpl);
/* Descriptor tables, TSS, IDT: supervisor accesses whatever the CPL. */
uint32_t sys_read(CpuState *cpu, uint32_t lin, unsigned size);
void sys_write(CpuState *cpu, uint32_t lin, uint32_t val, unsigned size);
/* An access with the privilege of 'cpl' (a stack being switched to). */
void lin_write_as(CpuState *cpu, int cpl, uint32_t lin, uint32_t val, unsigned size);
uint32_t lin_read_as(CpuState *cpu, int cpl, uint32_t lin, unsigned size);

/* ---- descriptors and segment registers (cpu/seg.c) ----------------------- */

/* Read the descriptor 'sel' names; false if beyond the GDT/LDT limit. */
bool desc_read(CpuState *cpu, uint16_t sel, Desc *d);
void desc_write_hi(CpuState *cpu, uint16_t sel, uint32_t hi);
void desc_set_accessed(CpuState *cpu, uint16_t sel, Desc *d);
/* Load a segment register's cache from a descriptor (no checks). */
void seg_set_desc(CpuState *cpu, int seg, uint16_t sel, const Desc *d);
void seg_set_null(CpuState *cpu, int seg, uint16_t sel);
void seg_update(CpuState *cpu, int seg);
void seg_update_all(CpuState *cpu);
/* Offset check against a cache that is not (yet) loaded: true if fine. */
bool seg_cache_ok(const SegCache *s, uint32_t off, unsigned size);
/*
 * Check a stack segment selector for privilege level 'cpl' the way a
 * stack switch does (RET/IRET outward, gates inward, task switch): fails
 * with 'vec'(sel) for null/type/privilege, #SS(sel) when not present.
 */
void seg_check_ss(CpuState *cpu, uint16_t sel, Desc *d, int cpl, int vec);
/* Check a data segment selector for a task switch (#TS) or RET/IRET. */
bool seg_data_ok_for(const Desc *d, uint16_t sel, int cpl);
/* Null the data segments the new CPL may not use (RET/IRET outward). */
void seg_null_outer(CpuState *cpu);

/* A stack frame being built before its SS:ESP is loaded. */
typedef struct NewStack {
    SegCache ss;
    uint32_t esp;
    int cpl;                 /* privilege of the writes */
    int err;                 /* #SS error code on a limit violation */
} NewStack;
void newstack_push(CpuState *cpu, NewStack *st, uint32_t val, unsigned size);
void newstack_commit(CpuState *cpu, const NewStack *st);

/* ---- far transfers in protected mode (cpu/ctrl_pm.c) ---------------------- */

void pm_jmp_far(CpuState *cpu, uint16_t sel, uint32_t eip, unsigned opsize);
void pm_call_far(CpuState *cpu, uint16_t sel, uint32_t eip, unsigned opsize);
void pm_ret_far(CpuState *cpu, unsigned opsize, uint32_t extra);
void pm_iret(CpuState *cpu, unsigned opsize);
/* Load CS for a transfer whose checks are done; CPL becomes cpl. */
void cs_load(CpuState *cpu, uint16_t sel, const Desc *d, int cpl);

/* ---- tasks (cpu/task.c) ---------------------------------------------------- */

enum { TASK_JMP, TASK_CALL, TASK_IRET, TASK_INT };
/* Switch to the TSS 'sel' (descriptor d, checked by the caller for type and
 * privilege). For TASK_INT, error_code (>= 0) is pushed on the new stack. */
void task_switch(CpuState *cpu, uint16_t sel, Desc *d, int source, int error_code);
/* Through a task gate: checks the TSS selector in it, then switches. */
void task_gate(CpuState *cpu, const Desc *gate, int source, int error_code);
/* SS:ESP for privilege level 'dpl' from the current TSS (#TS if beyond). */
void tss_stack(CpuState *cpu, int dpl, uint16_t *ss, uint32_t *esp);
/* I/O permission: #GP(0) unless CPL <= IOPL (PM) or the bitmap allows;
 * then I/O breakpoints (cpu/debug.c). Called before every port access. */
void io_check(CpuState *cpu, uint16_t port, unsigned size);
void debug_check_io(CpuState *cpu, uint16_t port, unsigned size);
static inline void io_allowed(CpuState *cpu, uint16_t port, unsigned size)
{
    if ((cpu->cr[0] & CR0_PE) &&
        ((cpu->eflags & EFLAGS_VM) || (unsigned)cpu->cpl > ((cpu->eflags >> 12) & 3)))
        io_check(cpu, port, size);
    if (cpu->in->dr_io)
        debug_check_io(cpu, port, size);
}

/* ---- events (cpu/except.c) ------------------------------------------------- */

enum { EVENT_SOFT, EVENT_HW, EVENT_EXC };
void deliver_event(CpuState *cpu, int vector, int error_code, int kind);

/* ---- V86 interrupts and VME/PVI (cpu/vme.c) --------------------------------- */

/* CLI/STI: true if they act on VIF (VME in V86, PVI at CPL 3); #GP(0) if
 * the IOPL forbids them outright. */
bool vif_mode(CpuState *cpu);
/* PUSHF/POPF/IRET in V86 with IOPL < 3: true if VME handles it (16-bit),
 * #GP(0) otherwise; false when the normal path applies. */
bool v86_vme(CpuState *cpu, unsigned opsize);
uint16_t vme_flags_image(CpuState *cpu);
void vme_flags_check(CpuState *cpu, uint16_t v);
void vme_flags_load(CpuState *cpu, uint16_t v, uint32_t mask);
/* INT n in V86 mode (SDM Vol. 3A table 20-2). */
void v86_int(CpuState *cpu, int vector);

/* ---- paging (cpu/paging.c) ------------------------------------------------- */

/* #PF error code bits, also used as access kinds; WALK_NOCHECK skips the
 * permission checks (firmware writes). */
enum { PF_P = 1, PF_W = 2, PF_U = 4, PF_RSVD = 8, WALK_NOCHECK = 0x100 };

/* CR4 bits (SDM Vol. 3A 2.5). */
enum {
    CR4_VME = 1u << 0, CR4_PVI = 1u << 1, CR4_TSD = 1u << 2, CR4_DE = 1u << 3,
    CR4_PSE = 1u << 4, CR4_PAE = 1u << 5, CR4_MCE = 1u << 6, CR4_PGE = 1u << 7,
    CR4_PCE = 1u << 8, CR4_OSFXSR = 1u << 9, CR4_OSXMMEXCPT = 1u << 10,
};

typedef struct PageWalk {
    uint32_t phys;           /* physical page of the access */
    uint32_t err;            /* #PF error code when the walk fails */
    bool global, large;
} PageWalk;

/* Walk for an access of kind 'acc' (PF_W | PF_U); sets A/D unless 'peek'.
 * False on a fault, with w->err set. Paging off: identity. */
bool paging_walk(CpuState *cpu, uint32_t lin, unsigned acc, bool peek, PageWalk *w);
_Noreturn void page_fault(CpuState *cpu, uint32_t lin, uint32_t err);
void tlb_flush_nonglobal(CpuState *cpu);
void tlb_flush_page(CpuState *cpu, uint32_t lin);

/* ---- debug registers (cpu/debug.c) ------------------------------------------ */

void debug_regs_changed(CpuState *cpu);
void debug_check_data(CpuState *cpu, uint32_t lin, unsigned size, bool write);
bool debug_page_watched(const CpuState *cpu, uint32_t page);
/* Before an instruction: instruction breakpoints (a #DB fault). */
void debug_check_exec(CpuState *cpu);

/* ---- identification (cpu/msr.c) -------------------------------------------- */

uint32_t cpuid_features(const CpuState *cpu);
uint32_t cr4_valid_mask(const CpuState *cpu);

#endif
