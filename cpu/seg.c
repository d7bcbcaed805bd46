/*
 * cpu/seg.c - segment register loads and segment faults.
 *
 * Models:      real-mode and V86 loads (base = selector << 4; limit and
 *              attributes are kept, which gives "unreal mode" for free when a
 *              guest returns from protected mode with 4 GiB limits); the
 *              fault a limit violation raises (#SS for SS, #GP(0) otherwise).
 * Not modeled: protected-mode descriptor loads (GDT/LDT lookup, type and
 *              privilege checks, #NP/#TS) - the next issue adds them behind
 *              seg_load(); until then a load with CR0.PE=1 behaves as in real
 *              mode and logs under -d unimp.
 * Spec:        SDM Vol. 3A 3.4.3 (segment registers), 20.1.1 (real-address
 *              mode address translation), Vol. 2 MOV/POP "Real-Address Mode
 *              Exceptions".
 */
#include "cpu/internal.h"

_Noreturn void seg_fault(CpuState *cpu, int seg)
{
    cpu_raise(cpu, seg == SEG_SS ? EXC_SS : EXC_GP, 0);
}

/*
 * Real mode keeps the hidden limit and attributes: SDM Vol. 3A 9.9.2 (switching
 * back to real mode) notes the cached limits stay in effect. The CS load on a
 * far transfer in real mode likewise only changes selector and base.
 */
void cpu_set_seg_real(CpuState *cpu, int seg, uint16_t sel)
{
    SegCache *s = &cpu->seg[seg];
    s->sel = sel;
    s->base = (uint32_t)sel << 4;
    if (cpu->eflags & EFLAGS_VM) {
        s->limit = 0xffff;
        s->flags = seg == SEG_CS ? 0x00fb : 0x00f3;
    }
}

void seg_load(CpuState *cpu, int seg, uint16_t sel)
{
    if (!real_mode(cpu) && !(cpu->eflags & EFLAGS_VM))
        LOG(LOG_UNIMP, "cpu: protected-mode load of seg %d = %04x done the real-mode way\n",
            seg, sel);
    cpu_set_seg_real(cpu, seg, sel);
}
