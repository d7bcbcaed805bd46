/*
 * cpu/seg.c - segment registers: descriptor fetch, loads with every
 * protection check, the bounds used by the fast access check, and frames
 * built on a stack that is not loaded yet.
 *
 * Models:      real-mode and V86 loads (base = selector << 4; in real mode
 *              the cached limit and the G/D bits stay, which is "unreal
 *              mode" when a guest comes back from protected mode with 4 GiB
 *              limits; V86 forces limit FFFF and DPL 3); protected-mode
 *              loads of DS/ES/FS/GS/SS through the GDT/LDT with the null
 *              selector, type, RPL/CPL/DPL and present checks in the order
 *              of SDM Vol. 2 "MOV"/"POP" Operation, and the accessed bit
 *              written back; every access checked for type (execute-only
 *              read, read-only write, null segment: #GP(0)/#SS(0)) and limit
 *              (expand-up, expand-down with the B bit giving the upper
 *              bound, byte or 4 KiB granular).
 * How:         seg_update() turns the cache into two bounds per register,
 *              the last offset a read and a write may reach; the inline
 *              check in internal.h compares against them and only unusual
 *              cases (expand-down, null, wrong type, beyond the limit) land
 *              in seg_lin_slow(). Real mode keeps the one-compare path.
 * Not modeled: segment-descriptor caches beyond the six registers, LDTR
 *              and TR (no descriptor prefetch).
 * Spec:        SDM Vol. 3A 3.4 (segment selectors, registers, descriptors),
 *              5.3-5.6 (limit, type and privilege checks), 5.7 (privileged
 *              data access), 20.1.1 (real-address mode), 20.2.1 (V86).
 */
#include "cpu/sys.h"

_Noreturn void seg_fault(CpuState *cpu, int seg)
{
    cpu_raise(cpu, seg == SEG_SS ? EXC_SS : EXC_GP, 0);
}

/* ---- the fast-check bounds ----------------------------------------------- */

void seg_update(CpuState *cpu, int seg)
{
    CpuInternal *in = cpu->in;
    const SegCache *s = &cpu->seg[seg];
    int64_t r = s->limit, w = s->limit;
    if (prot_mode(cpu)) {
        if (!(s->flags & SEGF_P) || !(s->flags & SEGF_S)) {
            r = w = -1;                          /* null or unusable */
        } else if (s->flags & SEGF_CODE) {
            if (!(s->flags & SEGF_RW))
                r = -1;                          /* execute-only */
            w = -1;                              /* code is never writable */
        } else if (s->flags & SEGF_EC) {
            r = w = -1;                          /* expand-down: slow check */
        } else if (!(s->flags & SEGF_RW)) {
            w = -1;                              /* read-only data */
        }
    }
    in->seg_rmax[seg] = r;
    in->seg_wmax[seg] = w;
    if (s->base == 0 && r == 0xffffffff && w == 0xffffffff)
        in->seg_flat |= (uint8_t)(1u << seg);
    else
        in->seg_flat &= (uint8_t)~(1u << seg);
}

void seg_update_all(CpuState *cpu)
{
    for (int s = 0; s < SEG_COUNT; s++)
        seg_update(cpu, s);
}

bool seg_cache_ok(const SegCache *s, uint32_t off, unsigned size)
{
    uint64_t last = (uint64_t)off + size - 1;
    if ((s->flags & (SEGF_CODE | SEGF_EC)) == SEGF_EC) {
        /* SDM Vol. 3A 5.3: expand-down valid offsets are limit+1 .. FFFF or
         * FFFFFFFF as the B flag says */
        uint64_t upper = (s->flags & SEGF_DB) ? 0xffffffffu : 0xffffu;
        return off > s->limit && last <= upper;
    }
    return last <= s->limit;
}

uint32_t seg_lin_slow(CpuState *cpu, int seg, uint32_t off, unsigned size, bool write)
{
    const SegCache *s = &cpu->seg[seg];
    if (prot_mode(cpu)) {
        uint16_t f = s->flags;
        if (!(f & SEGF_P) || !(f & SEGF_S))
            seg_fault(cpu, seg);                 /* null selector used */
        if ((f & SEGF_CODE) ? (write || !(f & SEGF_RW)) : (write && !(f & SEGF_RW)))
            seg_fault(cpu, seg);                 /* SDM Vol. 3A 5.5 type checks */
        if (!seg_cache_ok(s, off, size))
            seg_fault(cpu, seg);
    } else if ((uint64_t)off + size - 1 > s->limit) {
        seg_fault(cpu, seg);
    }
    return s->base + off;
}

/* ---- real mode and V86 -------------------------------------------------- */

/*
 * Real mode keeps the hidden limit and the G/D/AVL bits: SDM Vol. 3A 9.9.2
 * (switching back to real mode) notes the cached limits stay in effect. The
 * access rights become those of a present, writable (code: readable) DPL 0
 * segment, so a later switch to protected mode finds the register usable.
 */
void cpu_set_seg_real(CpuState *cpu, int seg, uint16_t sel)
{
    SegCache *s = &cpu->seg[seg];
    s->sel = sel;
    s->base = (uint32_t)sel << 4;
    if (cpu->eflags & EFLAGS_VM) {
        s->limit = 0xffff;
        s->flags = seg == SEG_CS ? 0x00fb : 0x00f3;
    } else {
        s->flags = (uint16_t)((s->flags & 0xf000) | (seg == SEG_CS ? 0x9b : 0x93));
    }
    seg_update(cpu, seg);
}

/* ---- descriptors --------------------------------------------------------- */

static bool desc_lin(CpuState *cpu, uint16_t sel, uint32_t *lin)
{
    uint32_t idx = sel & 0xfff8u;
    if (sel & 4) {
        if (sel_null(cpu->ldtr.sel) || !(cpu->ldtr.flags & SEGF_P) || idx + 7 > cpu->ldtr.limit)
            return false;
        *lin = cpu->ldtr.base + idx;
    } else {
        if (idx + 7 > cpu->gdtr.limit)
            return false;
        *lin = cpu->gdtr.base + idx;
    }
    return true;
}

bool desc_read(CpuState *cpu, uint16_t sel, Desc *d)
{
    uint32_t lin;
    if (!desc_lin(cpu, sel, &lin))
        return false;
    d->lo = sys_read(cpu, lin, 4);
    d->hi = sys_read(cpu, lin + 4, 4);
    return true;
}

void desc_write_hi(CpuState *cpu, uint16_t sel, uint32_t hi)
{
    uint32_t lin;
    if (desc_lin(cpu, sel, &lin))
        sys_write(cpu, lin + 4, hi, 4);
}

/* SDM Vol. 3A 3.4.5.1: the processor sets the accessed bit on a load. */
void desc_set_accessed(CpuState *cpu, uint16_t sel, Desc *d)
{
    uint32_t lin;
    if ((d->hi & 0x100) || !desc_lin(cpu, sel, &lin))
        return;
    d->hi |= 0x100;
    sys_write(cpu, lin + 5, (d->hi >> 8) & 0xff, 1);
}

void seg_set_desc(CpuState *cpu, int seg, uint16_t sel, const Desc *d)
{
    SegCache *s = &cpu->seg[seg];
    s->sel = sel;
    s->base = desc_base(d);
    s->limit = desc_limit(d);
    s->flags = desc_flags(d);
    seg_update(cpu, seg);
}

/* SDM Vol. 3A 3.4.2: a null selector loads but marks the register unusable. */
void seg_set_null(CpuState *cpu, int seg, uint16_t sel)
{
    SegCache *s = &cpu->seg[seg];
    s->sel = sel;
    s->flags = 0;
    seg_update(cpu, seg);
}

/* ---- protected-mode loads ------------------------------------------------- */

void seg_check_ss(CpuState *cpu, uint16_t sel, Desc *d, int cpl, int vec)
{
    if (sel_null(sel))
        cpu_raise(cpu, vec, 0);
    if (!desc_read(cpu, sel, d))
        cpu_raise(cpu, vec, sel_err(sel));
    if ((int)(sel & 3) != cpl || !desc_is_data(d) || !(d->hi & 0x200) || (int)desc_dpl(d) != cpl)
        cpu_raise(cpu, vec, sel_err(sel));
    if (!desc_present(d))
        cpu_raise(cpu, EXC_SS, sel_err(sel));
}

bool seg_data_ok_for(const Desc *d, uint16_t sel, int cpl)
{
    if (!desc_is_seg(d))
        return false;
    if (desc_is_code(d) && !(d->hi & 0x200))
        return false;                        /* execute-only code */
    bool conforming = desc_is_code(d) && (d->hi & 0x400);
    if (!conforming && ((int)desc_dpl(d) < cpl || desc_dpl(d) < (sel & 3u)))
        return false;
    return true;
}

/* SDM Vol. 2 MOV/POP/LDS Operation, protected mode. */
static void seg_load_pm(CpuState *cpu, int seg, uint16_t sel)
{
    Desc d;
    if (seg == SEG_SS) {
        seg_check_ss(cpu, sel, &d, cpu->cpl, EXC_GP);
    } else {
        if (sel_null(sel)) {
            seg_set_null(cpu, seg, sel);
            return;
        }
        if (!desc_read(cpu, sel, &d) || !seg_data_ok_for(&d, sel, cpu->cpl))
            cpu_raise(cpu, EXC_GP, sel_err(sel));
        if (!desc_present(&d))
            cpu_raise(cpu, EXC_NP, sel_err(sel));
    }
    desc_set_accessed(cpu, sel, &d);
    seg_set_desc(cpu, seg, sel, &d);
}

void seg_load(CpuState *cpu, int seg, uint16_t sel)
{
    if (prot_mode(cpu))
        seg_load_pm(cpu, seg, sel);
    else
        cpu_set_seg_real(cpu, seg, sel);
}

/* SDM Vol. 2 RET/IRET: "FOR each of ES, FS, GS, DS ... IF data or
 * non-conforming code AND CPL > DPL THEN selector <- 0". */
void seg_null_outer(CpuState *cpu)
{
    static const int segs[4] = { SEG_ES, SEG_DS, SEG_FS, SEG_GS };
    for (int i = 0; i < 4; i++) {
        const SegCache *s = &cpu->seg[segs[i]];
        uint16_t f = s->flags;
        if (!(f & SEGF_S))
            continue;                            /* already null */
        bool conforming = (f & SEGF_CODE) && (f & SEGF_EC);
        if (!conforming && (int)((f & SEGF_DPL) >> 5) < cpu->cpl)
            seg_set_null(cpu, segs[i], 0);
    }
}

/* ---- frames on a stack being switched to ---------------------------------------- */

void newstack_push(CpuState *cpu, NewStack *st, uint32_t val, unsigned size)
{
    uint32_t esp = st->esp - size;
    if (!(st->ss.flags & SEGF_DB))
        esp = (st->esp & 0xffff0000u) | (esp & 0xffff);
    uint32_t off = (st->ss.flags & SEGF_DB) ? esp : (esp & 0xffff);
    if (!seg_cache_ok(&st->ss, off, size))
        cpu_raise(cpu, EXC_SS, st->err);
    lin_write_as(cpu, st->cpl, st->ss.base + off, val, size);
    st->esp = esp;
}

void newstack_commit(CpuState *cpu, const NewStack *st)
{
    cpu->seg[SEG_SS] = st->ss;
    seg_update(cpu, SEG_SS);
    cpu->regs[R_ESP] = st->esp;
}
