/*
 * cpu/paging.c - 32-bit paging: the page walk, access rights, accessed and
 * dirty bits, and #PF.
 *
 * Models:      two-level 32-bit paging with 4 KiB pages and, with CR4.PSE,
 *              4 MiB pages (PDE.PS); global pages with CR4.PGE (kept by the
 *              TLB across CR3 writes, cpu/tlb.c); U/S and R/W combined over
 *              both levels; CR0.WP making read-only pages read-only for the
 *              supervisor too; the accessed bit set in the PDE and PTE (the
 *              4 MiB PDE) of every successful translation and the dirty bit
 *              in the last level for writes; #PF with CR2 = the faulting
 *              linear address and the error code's P, W/R, U/S and RSVD bits
 *              (RSVD for a 4 MiB PDE with any of bits 13-21 set, as there is
 *              no PSE-36).
 * Not modeled: PAE and its NX/I-D bit (CPUID.PAE is clear), PAT/PCD/PWT
 *              memory types (stored, no effect), SMAP/SMEP.
 * Spec:        SDM Vol. 3A 4.3 (32-bit paging, tables 4-4 to 4-6), 4.6
 *              (access rights), 4.7 (page-fault exceptions), 4.8 (accessed
 *              and dirty flags).
 */
#include "cpu/sys.h"

enum {
    PTE_P = 1u << 0, PTE_RW = 1u << 1, PTE_US = 1u << 2, PTE_A = 1u << 5,
    PTE_D = 1u << 6, PTE_PS = 1u << 7, PTE_G = 1u << 8,
};

/* SDM Vol. 3A 4.6: rights are the AND of both levels' R/W and U/S bits. */
static bool access_ok(const CpuState *cpu, uint32_t rights, unsigned acc)
{
    if (acc & PF_U) {
        if (!(rights & PTE_US))
            return false;
        return !(acc & PF_W) || (rights & PTE_RW);
    }
    if ((acc & PF_W) && (cpu->cr[0] & CR0_WP))
        return (rights & PTE_RW) != 0;
    return true;
}

static void set_bits(CpuState *cpu, uint32_t phys, uint32_t old, uint32_t bits)
{
    if ((old & bits) != bits)
        mem_write(cpu->mem, phys, old | bits, 4);
}

bool paging_walk(CpuState *cpu, uint32_t lin, unsigned acc, bool peek, PageWalk *w)
{
    w->global = w->large = false;
    if (!(cpu->cr[0] & CR0_PG)) {
        w->phys = lin;
        return true;
    }
    bool check = !(acc & WALK_NOCHECK);
    acc &= PF_W | PF_U;
    uint32_t pde_phys = (cpu->cr[3] & PAGE_MASK) | ((lin >> 20) & 0xffc);
    uint32_t pde = mem_read(cpu->mem, pde_phys, 4);
    if (!(pde & PTE_P)) {
        w->err = acc;
        return false;
    }
    if ((pde & PTE_PS) && (cpu->cr[4] & CR4_PSE)) {
        if (pde & 0x003fe000u) {
            w->err = acc | PF_P | PF_RSVD;     /* SDM 4.3 table 4-4: reserved */
            return false;
        }
        if (check && !access_ok(cpu, pde, acc)) {
            w->err = acc | PF_P;
            return false;
        }
        if (!peek)
            set_bits(cpu, pde_phys, pde, PTE_A | ((acc & PF_W) ? PTE_D : 0));
        w->phys = (pde & 0xffc00000u) | (lin & 0x3fffffu);
        w->global = (cpu->cr[4] & CR4_PGE) && (pde & PTE_G);
        w->large = true;
        return true;
    }
    uint32_t pte_phys = (pde & PAGE_MASK) | ((lin >> 10) & 0xffc);
    uint32_t pte = mem_read(cpu->mem, pte_phys, 4);
    if (!(pte & PTE_P)) {
        w->err = acc;
        return false;
    }
    if (check && !access_ok(cpu, pde & pte, acc)) {
        w->err = acc | PF_P;
        return false;
    }
    if (!peek) {
        set_bits(cpu, pde_phys, pde, PTE_A);
        set_bits(cpu, pte_phys, pte, PTE_A | ((acc & PF_W) ? PTE_D : 0));
    }
    w->phys = (pte & PAGE_MASK) | (lin & (PAGE_SIZE - 1));
    w->global = (cpu->cr[4] & CR4_PGE) && (pte & PTE_G);
    return true;
}

_Noreturn void page_fault(CpuState *cpu, uint32_t lin, uint32_t err)
{
    cpu->cr[2] = lin;
    LOG(LOG_INT, "cpu: page fault at %08x (code %x)\n", lin, err);
    cpu_raise(cpu, EXC_PF, (int)err);
}
