/*
 * cpu/ops_string.c - string instructions: MOVS CMPS STOS LODS SCAS INS OUTS,
 * with REP / REPE / REPNE.
 *
 * Models:      source DS:rSI (segment override allowed), destination ES:rDI
 *              (never overridden); SI/DI/CX or ESI/EDI/ECX per address size
 *              (16-bit indexes wrap); DF direction; REPE/REPNE termination
 *              for CMPS/SCAS. Each iteration commits rSI/rDI/rCX, so a fault
 *              in iteration k leaves the registers as after k-1 iterations
 *              and EIP on the instruction (SDM Vol. 2 REP: "the instruction
 *              can be restarted"). A REP instruction stops after a bounded
 *              amount of work (below), or early when an interrupt or exit
 *              request is pending, and leaves EIP on itself to resume. With
 *              TF=1, or after an iteration that hit a data or I/O
 *              breakpoint, it stops after that iteration, so the #DB trap
 *              comes between iterations. INS/OUTS check I/O permission
 *              (IOPL, then the TSS bitmap) before each transfer.
 * Not modeled: the P6 quirk of reporting a REP MOVS/STOS data breakpoint
 *              one iteration late (SDM Vol. 3B 17.3.1.2).
 * Spec:        SDM Vol. 2 MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS, REP;
 *              Vol. 3B 17.3.1.2 (breakpoints in repeated string instructions).
 *
 * Bulk runs
 * ---------
 * REP MOVS/STOS/LODS/SCAS/CMPS alternate two kinds of step. The ordinary
 * step is one iteration through seg_read/seg_write: segment check, TLB,
 * slow path, faults. A bulk run does as many iterations as it can prove
 * cannot fault or touch anything but RAM/ROM, straight on host memory:
 *
 *   - segment: seg_elems() counts the elements that pass the same inline
 *     check seg_lin()/seg_lin_w() would make (the seg_rmax/seg_wmax bound;
 *     a 16-bit index also stops at FFFF so the wrap is an ordinary step).
 *     Expand-down, null or read-only segments have no bound there and
 *     never run in bulk. The element that would fault is therefore always
 *     an ordinary step, with the registers describing the ones before it.
 *   - pages: page_elems() keeps a run inside the page of its first
 *     element, and the run needs a TLB hit for that page (a read tag; a
 *     write tag for MOVS/STOS, which only plain writable RAM gets). A page
 *     not in the TLB gets an ordinary step, which walks the page tables
 *     (raising #PF with CR2 at that element) and fills the entry. So a run
 *     never enters a page that was not validated.
 *   - pages are remembered as copies of their TLB entries (BulkPages),
 *     taken just after an ordinary step touched them: source and
 *     destination pages whose slots collide (1 MiB apart) still get bulk
 *     runs. The copies are dropped before every ordinary step, since only
 *     an ordinary step can have side effects (MMIO) that change mappings;
 *     a bulk run touches RAM only. Writes to the guest's page tables during
 *     a run need no care: the TLB is not coherent with them on hardware
 *     either until INVLPG or a CR3 write.
 *   - MOVS keeps element order: when the host ranges of a run overlap and
 *     the destination lies ahead in the direction of DF, each element
 *     reads what an earlier one wrote (REP MOVSB with DI = SI+1 replicates
 *     a byte), so the copy goes element by element; other overlaps are a
 *     memmove and disjoint ranges a memcpy. Ranges are compared as host
 *     addresses, which also catches two linear pages aliasing one frame.
 *   - written pages were marked dirty when their write tag was cached
 *     (cpu/tlb.c), and a page holding translated code never has one.
 *   - REPE/REPNE scans stop at the element that ends the repeat and take
 *     the flags from it: memchr for REPNE SCASB going up, memcmp over
 *     blocks for REPE CMPS, an element loop otherwise. LODS loads only
 *     the last element of a run (reads of RAM/ROM have no side effects).
 *   - data breakpoints (DR7 with R/W 01/11) and TF turn bulk runs off:
 *     every access then goes through the slow path that checks them, one
 *     iteration at a time. INS/OUTS are always ordinary steps (each
 *     transfer is a device access).
 *
 * Interruptibility: one execution does at most REP_WORK units of work. An
 * ordinary step costs REP_WORK / REP_CHUNK, so a run of ordinary steps
 * still ends after REP_CHUNK iterations; an element of a bulk run costs
 * its size in bytes where a library call (memset, memcpy, memchr, memcmp)
 * does the work, and REP_LOOP_COST where a host loop goes element by
 * element. Measured on the development host: an ordinary step takes
 * ~9 ns, so REP_CHUNK of them ~9 us; 64 KiB of memset/memcpy ~5 us; the
 * element loops ~1 ns per element, so 8 K of them ~8 us. REP_WORK = 64 KiB
 * thus takes interrupts at least as often as the element-wise loop did,
 * while re-executing the instruction (decode, checks, ~0.1 us) stays near
 * 2 % of a chunk. Between runs (at least once per page) a pending
 * interrupt or exit request ends the execution early.
 */
#include "cpu/ops.h"
#include "cpu/sys.h"

enum { STR_MOVS, STR_CMPS, STR_STOS, STR_LODS, STR_SCAS, STR_INS, STR_OUTS };

enum {
    REP_WORK = 64 * 1024,                  /* work units per execution */
    REP_STEP_COST = REP_WORK / REP_CHUNK,  /* one ordinary iteration */
    REP_LOOP_COST = 8,                     /* one element of a host loop */
    REP_CMP_BLOCK = 256,                   /* bytes per memcmp of REPE CMPS */
};

/* TLB entry copies of the pages bulk runs use (see the essay above). */
typedef struct BulkPages {
    TlbEntry src;            /* DS:rSI page: read tag */
    TlbEntry dst;            /* ES:rDI page: write tag (MOVS, STOS) or read tag */
} BulkPages;

static uint32_t index_get(const CpuState *cpu, const Insn *in, int r)
{
    return in->addrsize == 2 ? (cpu->regs[r] & 0xffff) : cpu->regs[r];
}

static void index_step(CpuState *cpu, const Insn *in, int r, int32_t delta)
{
    if (in->addrsize == 2)
        cpu_set_reg16(cpu, r, (uint16_t)(cpu->regs[r] + (uint32_t)delta));
    else
        cpu->regs[r] += (uint32_t)delta;
}

/* Remember the TLB entry of lin's page if it is cached (for reads). */
static void keep_page(CpuState *cpu, TlbEntry *keep, uint32_t lin)
{
    const TlbEntry *e = &cpu->in->tlb[(lin >> PAGE_SHIFT) % TLB_ENTRIES];
    if (keep && e->tag_read == (lin & PAGE_MASK))
        *keep = *e;
}

/*
 * One iteration; returns true if a CMPS/SCAS comparison was made. For MOVS
 * and CMPS, 'keep' (may be NULL) receives the source page's TLB entry just
 * after the source read, before the destination access can evict it.
 */
static bool string_once(CpuState *cpu, const Insn *in, int kind, unsigned size, int32_t delta,
                        TlbEntry *keep)
{
    uint32_t a, b, v, lin;
    switch (kind) {
    case STR_MOVS:
        lin = seg_lin(cpu, in->seg, index_get(cpu, in, R_ESI), size);
        v = lin_read(cpu, lin, size);
        keep_page(cpu, keep, lin);
        seg_write(cpu, SEG_ES, index_get(cpu, in, R_EDI), v, size);
        index_step(cpu, in, R_ESI, delta);
        index_step(cpu, in, R_EDI, delta);
        return false;
    case STR_CMPS:
        lin = seg_lin(cpu, in->seg, index_get(cpu, in, R_ESI), size);
        a = lin_read(cpu, lin, size);
        keep_page(cpu, keep, lin);
        b = seg_read(cpu, SEG_ES, index_get(cpu, in, R_EDI), size);
        index_step(cpu, in, R_ESI, delta);
        index_step(cpu, in, R_EDI, delta);
        flags_lazy(cpu, LF_SUB, a, b, a - b, size);
        return true;
    case STR_STOS:
        seg_write(cpu, SEG_ES, index_get(cpu, in, R_EDI), reg_read(cpu, R_EAX, size), size);
        index_step(cpu, in, R_EDI, delta);
        return false;
    case STR_LODS:
        v = seg_read(cpu, in->seg, index_get(cpu, in, R_ESI), size);
        reg_write(cpu, R_EAX, size, v);
        index_step(cpu, in, R_ESI, delta);
        return false;
    case STR_SCAS:
        a = reg_read(cpu, R_EAX, size);
        b = seg_read(cpu, SEG_ES, index_get(cpu, in, R_EDI), size);
        index_step(cpu, in, R_EDI, delta);
        flags_lazy(cpu, LF_SUB, a, b, a - b, size);
        return true;
    case STR_INS:
        /* check the destination before the port read so no data is lost */
        io_allowed(cpu, cpu->regs[R_EDX] & 0xffff, size);
        lin = seg_lin_w(cpu, SEG_ES, index_get(cpu, in, R_EDI), size);
        v = io_read(cpu->io, cpu->regs[R_EDX] & 0xffff, size);
        lin_write(cpu, lin, v, size);
        index_step(cpu, in, R_EDI, delta);
        return false;
    default:                                   /* OUTS */
        io_allowed(cpu, cpu->regs[R_EDX] & 0xffff, size);
        v = seg_read(cpu, in->seg, index_get(cpu, in, R_ESI), size);
        io_write(cpu->io, cpu->regs[R_EDX] & 0xffff, v, size);
        index_step(cpu, in, R_ESI, delta);
        return false;
    }
}

/* ---- bulk runs: bounds ------------------------------------------------------ */

/*
 * Elements from offset 'off' on, in the direction of DF, that pass the
 * inline segment check and do not wrap a 16-bit index; 0 if the first one
 * does not (an ordinary step then decides, and faults if it must).
 */
static uint32_t seg_elems(const CpuState *cpu, const Insn *in, int seg, uint32_t off,
                          unsigned size, bool down, bool write)
{
    int64_t max = write ? cpu->in->seg_wmax[seg] : cpu->in->seg_rmax[seg];
    if (in->addrsize == 2 && max > 0xffff)
        max = 0xffff;
    if ((int64_t)off + size - 1 > max)
        return 0;
    int64_t n = down ? (int64_t)off / size + 1 : (max - off + 1) / size;
    return n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
}

/* Whole elements from lin on, in the direction of DF, inside lin's page. */
static uint32_t page_elems(uint32_t lin, unsigned size, bool down)
{
    uint32_t at = lin & (PAGE_SIZE - 1);
    if (at > PAGE_SIZE - size)
        return 0;                              /* the element crosses the page */
    return down ? at / size + 1 : (PAGE_SIZE - at) / size;
}

/*
 * Bound *n by what the operand at seg:index allows and find the host address
 * of its current element. False: no bulk run now (segment bound, page
 * crossing, or the page is not cached with the access needed).
 */
static bool operand_host(CpuState *cpu, const Insn *in, int seg, int index, unsigned size,
                         bool write, TlbEntry *page, uint32_t *n, uint8_t **host)
{
    bool down = (cpu->eflags & EFLAGS_DF) != 0;
    uint32_t off = index_get(cpu, in, index);
    uint32_t k = seg_elems(cpu, in, seg, off, size, down, write);
    if (k == 0)
        return false;
    uint32_t lin = cpu->seg[seg].base + off;
    uint32_t pk = page_elems(lin, size, down);
    if (pk == 0)
        return false;
    uint32_t tag = lin & PAGE_MASK;
    if ((write ? page->tag_write : page->tag_read) != tag) {
        const TlbEntry *e = &cpu->in->tlb[(lin >> PAGE_SHIFT) % TLB_ENTRIES];
        if ((write ? e->tag_write : e->tag_read) != tag)
            return false;
        *page = *e;
    }
    if (k < *n)
        *n = k;
    if (pk < *n)
        *n = pk;
    *host = (uint8_t *)((uintptr_t)lin + page->addend);
    return true;
}

/* ---- bulk runs: host loops ---------------------------------------------------- */

static uint32_t host_load(const uint8_t *p, unsigned size)
{
    if (size == 1)
        return p[0];
    if (size == 2) {
        uint16_t v;
        memcpy(&v, p, 2);
        return v;
    }
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static void host_store(uint8_t *p, uint32_t v, unsigned size)
{
    if (size == 1) {
        p[0] = (uint8_t)v;
    } else if (size == 2) {
        uint16_t w = (uint16_t)v;
        memcpy(p, &w, 2);
    } else {
        memcpy(p, &v, 4);
    }
}

/* Byte offset of the i-th element of a run from its lowest element. */
static size_t elem_at(uint32_t i, uint32_t n, unsigned size, bool down)
{
    return (size_t)(down ? n - 1 - i : i) * size;
}

/* STOS: n copies of v; the order of the stores cannot be observed. */
static void fill_elems(uint8_t *lo, uint32_t n, unsigned size, uint32_t v)
{
    size_t len = (size_t)n * size;
    uint32_t bytes = v & size_mask(size);
    if (bytes == (v & 0xff) * (size_mask(size) / 0xff)) {
        memset(lo, (int)(v & 0xff), len);      /* all bytes equal */
        return;
    }
    host_store(lo, v, size);
    for (size_t have = size; have < len;) {    /* double the filled prefix */
        size_t more = have < len - have ? have : len - have;
        memcpy(lo + have, lo, more);
        have += more;
    }
}

enum { COPY_SAME, COPY_DISJOINT, COPY_MEMMOVE, COPY_IN_ORDER };

/*
 * How MOVS may copy len bytes from src to dst (the lowest byte of each
 * range) and keep the result of element order in the direction of DF.
 * Ranges are compared as host addresses, so two linear pages aliasing one
 * frame are seen as overlapping.
 */
static int copy_kind(const uint8_t *dst, const uint8_t *src, size_t len, bool down)
{
    uintptr_t d = (uintptr_t)dst, s = (uintptr_t)src;
    if (d + len <= s || s + len <= d)
        return COPY_DISJOINT;
    if (d == s)
        return COPY_SAME;                      /* every element rewrites itself */
    /* destination behind: no element reads an earlier one's write */
    return (down ? d > s : d < s) ? COPY_MEMMOVE : COPY_IN_ORDER;
}

/* MOVS: n elements, src/dst being the lowest element of each range. */
static void copy_elems(uint8_t *dst, const uint8_t *src, uint32_t n, unsigned size, bool down)
{
    size_t len = (size_t)n * size;
    switch (copy_kind(dst, src, len, down)) {
    case COPY_DISJOINT:
        memcpy(dst, src, len);
        break;
    case COPY_MEMMOVE:
        memmove(dst, src, len);
        break;
    case COPY_IN_ORDER:
        /* the destination is ahead in the direction of the copy: later
         * elements read what earlier ones wrote (REP MOVSB, DI = SI+1) */
        for (uint32_t i = 0; i < n; i++) {
            size_t at = elem_at(i, n, size, down);
            host_store(dst + at, host_load(src + at, size), size);
        }
        break;
    default:
        break;
    }
}

/* Index (in DF order) of the first of n elements that ends the repeat, or n.
 * src NULL: SCAS, comparing with acc. */
static inline uint32_t scan_loop(const uint8_t *src, const uint8_t *dst, uint32_t acc, uint32_t n,
                                 unsigned size, bool down, bool want_eq)
{
    for (uint32_t i = 0; i < n; i++) {
        size_t at = elem_at(i, n, size, down);
        uint32_t a = src ? host_load(src + at, size) : acc;
        if ((a == host_load(dst + at, size)) != want_eq)
            return i;
    }
    return n;
}

static uint32_t scan_first(const uint8_t *src, const uint8_t *dst, uint32_t acc, uint32_t n,
                           unsigned size, bool down, bool want_eq)
{
    switch (size) {                            /* constant sizes: specialised loops */
    case 1:
        return scan_loop(src, dst, acc, n, 1, down, want_eq);
    case 2:
        return scan_loop(src, dst, acc, n, 2, down, want_eq);
    default:
        return scan_loop(src, dst, acc, n, 4, down, want_eq);
    }
}

/* REPE CMPS: elements (in DF order) inside whole equal blocks, found with
 * memcmp; at least one element is left to the caller's loop. */
static uint32_t equal_blocks(const uint8_t *src, const uint8_t *dst, uint32_t n, unsigned size,
                             bool down)
{
    uint32_t per = REP_CMP_BLOCK / size, done = 0;
    while (n - done > per) {
        size_t lo = (size_t)(down ? n - done - per : done) * size;
        if (memcmp(src + lo, dst + lo, REP_CMP_BLOCK) != 0)
            break;
        done += per;
    }
    return done;
}

/*
 * REPE/REPNE scan of up to n elements (src/dst: lowest element; src NULL
 * for SCAS). Returns how many were compared, sets the flags from the last
 * one and *stop if it ended the repeat.
 */
static uint32_t scan_elems(CpuState *cpu, const Insn *in, const uint8_t *src, const uint8_t *dst,
                           uint32_t n, unsigned size, bool down, bool *stop)
{
    bool want_eq = in->rep == REP_E;           /* REPE repeats while equal */
    uint32_t acc = src ? 0 : reg_read(cpu, R_EAX, size), i;
    if (!src && size == 1 && !down && !want_eq) {
        const uint8_t *hit = memchr(dst, (int)acc, n);   /* REPNE SCASB */
        i = hit ? (uint32_t)(hit - dst) : n;
    } else {
        uint32_t skip = src && want_eq ? equal_blocks(src, dst, n, size, down) : 0;
        size_t rest = down ? 0 : (size_t)skip * size;   /* lowest byte left */
        i = skip + scan_first(src ? src + rest : NULL, dst + rest, acc, n - skip, size, down,
                              want_eq);
    }
    *stop = i < n;
    uint32_t last = *stop ? i : n - 1;         /* the element compared last */
    size_t at = elem_at(last, n, size, down);
    uint32_t a = src ? host_load(src + at, size) : acc, b = host_load(dst + at, size);
    flags_lazy(cpu, LF_SUB, a, b, a - b, size);
    return last + 1;
}

/*
 * Work units per element of a run: its size in bytes where a library call
 * (memset, memcpy, memmove, memchr, memcmp) does the work, REP_LOOP_COST
 * where a loop goes element by element. src/dst: lowest elements.
 */
static unsigned run_unit(const Insn *in, int kind, unsigned size, bool down, const uint8_t *src,
                         const uint8_t *dst, uint32_t n)
{
    switch (kind) {
    case STR_MOVS:
        return copy_kind(dst, src, (size_t)n * size, down) == COPY_IN_ORDER ? REP_LOOP_COST : size;
    case STR_SCAS:
        return size == 1 && !down && in->rep == REP_NE ? size : REP_LOOP_COST;
    case STR_CMPS:
        return in->rep == REP_E ? size : REP_LOOP_COST;
    default:
        return size;
    }
}

/*
 * One bulk run of at most 'max' iterations and 'budget' work units. Returns
 * how many were done, their cost in *work; 0 when none can be done (the
 * caller makes an ordinary step). *stop: a CMPS/SCAS comparison ended the
 * repeat.
 */
static uint32_t bulk_run(CpuState *cpu, const Insn *in, int kind, unsigned size, uint32_t max,
                         uint32_t budget, BulkPages *pages, uint32_t *work, bool *stop)
{
    bool down = (cpu->eflags & EFLAGS_DF) != 0;
    bool reads_src = kind == STR_MOVS || kind == STR_CMPS || kind == STR_LODS;
    bool writes = kind == STR_MOVS || kind == STR_STOS;
    uint32_t n = max;
    uint8_t *src = NULL, *dst = NULL;          /* first element (DF order) */
    if (reads_src && !operand_host(cpu, in, in->seg, R_ESI, size, false, &pages->src, &n, &src))
        return 0;
    if (kind != STR_LODS &&
        !operand_host(cpu, in, SEG_ES, R_EDI, size, writes, &pages->dst, &n, &dst))
        return 0;
    size_t back = down ? (size_t)(n - 1) * size : 0;
    unsigned unit = run_unit(in, kind, size, down, src ? src - back : NULL,
                             dst ? dst - back : NULL, n);
    if (n > budget / unit)
        n = budget / unit;
    if (n == 0)
        return 0;
    back = down ? (size_t)(n - 1) * size : 0;  /* first element -> lowest */
    switch (kind) {
    case STR_MOVS:
        copy_elems(dst - back, src - back, n, size, down);
        break;
    case STR_STOS:
        fill_elems(dst - back, n, size, reg_read(cpu, R_EAX, size));
        break;
    case STR_LODS:
        /* only the last element is visible (RAM/ROM reads have no effects) */
        reg_write(cpu, R_EAX, size, host_load(down ? src - back : src + (size_t)(n - 1) * size,
                                              size));
        break;
    default:                                   /* CMPS, SCAS */
        n = scan_elems(cpu, in, src ? src - back : NULL, dst - back, n, size, down, stop);
        break;
    }
    *work += n * unit;
    int32_t delta = (int32_t)(n * size) * (down ? -1 : 1);
    if (reads_src)
        index_step(cpu, in, R_ESI, delta);
    if (kind != STR_LODS)
        index_step(cpu, in, R_EDI, delta);
    return n;
}

/* ---- the REP loop ------------------------------------------------------------- */

/*
 * End the execution after this iteration (EIP stays on the instruction)?
 * Yes when an interrupt or exit request is pending, or when a #DB trap is
 * due: TF=1 traps after every iteration, and a data or I/O breakpoint
 * after the iteration that hit it (SDM Vol. 3B 17.3.1.2), so the handler
 * sees the registers of that iteration.
 */
static bool should_pause(const CpuState *cpu)
{
    return (cpu->nmi_pending && !cpu->nmi_blocked) || cpu->exit_request ||
           (cpu->intr_line && (cpu->eflags & EFLAGS_IF)) ||
           (cpu->eflags & EFLAGS_TF) || cpu->in->dr6_hits;
}

static void pages_forget(BulkPages *pages)
{
    pages->src.tag_read = pages->dst.tag_read = TLB_INVALID_TAG;
    pages->src.tag_write = pages->dst.tag_write = TLB_INVALID_TAG;
}

static void string_rep(CpuState *cpu, const Insn *in, int kind, unsigned size, int32_t delta)
{
    bool bulk = kind != STR_INS && kind != STR_OUTS && !cpu->in->dr_data &&
                !(cpu->eflags & EFLAGS_TF);
    BulkPages pages;
    pages_forget(&pages);
    uint32_t count = index_get(cpu, in, R_ECX);
    uint32_t work = 0;
    while (count != 0) {
        bool stop = false;
        uint32_t n = 0;
        if (bulk)
            n = bulk_run(cpu, in, kind, size, count, REP_WORK - work, &pages, &work, &stop);
        if (n == 0) {
            pages_forget(&pages);              /* an ordinary step may touch MMIO */
            bool compared = string_once(cpu, in, kind, size, delta, &pages.src);
            stop = compared && flags_zf(cpu) != (in->rep == REP_E);
            n = 1;
            work += REP_STEP_COST;
        }
        count -= n;
        if (in->addrsize == 2)
            cpu_set_reg16(cpu, R_ECX, (uint16_t)count);
        else
            cpu->regs[R_ECX] = count;
        if (count == 0 || stop)
            break;                         /* REPE: stop on ZF=0; REPNE: stop on ZF=1 */
        if (work + size > REP_WORK || should_pause(cpu)) {
            cpu->eip = in->eip;            /* resume this instruction next time */
            break;
        }
    }
}

static void string_op(CpuState *cpu, const Insn *in, int kind, unsigned size)
{
    int32_t delta = (cpu->eflags & EFLAGS_DF) ? -(int32_t)size : (int32_t)size;
    if (in->rep == REP_NONE)
        string_once(cpu, in, kind, size, delta, NULL);
    else
        string_rep(cpu, in, kind, size, delta);
}

void op_movs_Yb_Xb(CpuState *cpu, const Insn *in) { string_op(cpu, in, STR_MOVS, 1); }
void op_movs_Yv_Xv(CpuState *cpu, const Insn *in) { string_op(cpu, in, STR_MOVS, in->opsize); }
void op_cmps_Xb_Yb(CpuState *cpu, const Insn *in) { string_op(cpu, in, STR_CMPS, 1); }
void op_cmps_Xv_Yv(CpuState *cpu, const Insn *in) { string_op(cpu, in, STR_CMPS, in->opsize); }
void op_stos_Yb_AL(CpuState *cpu, const Insn *in) { string_op(cpu, in, STR_STOS, 1); }
void op_stos_Yv_eAX(CpuState *cpu, const Insn *in) { string_op(cpu, in, STR_STOS, in->opsize); }
void op_lods_AL_Xb(CpuState *cpu, const Insn *in) { string_op(cpu, in, STR_LODS, 1); }
void op_lods_eAX_Xv(CpuState *cpu, const Insn *in) { string_op(cpu, in, STR_LODS, in->opsize); }
void op_scas_AL_Yb(CpuState *cpu, const Insn *in) { string_op(cpu, in, STR_SCAS, 1); }
void op_scas_eAX_Yv(CpuState *cpu, const Insn *in) { string_op(cpu, in, STR_SCAS, in->opsize); }
void op_ins_Yb_DX(CpuState *cpu, const Insn *in) { string_op(cpu, in, STR_INS, 1); }
void op_ins_Yv_DX(CpuState *cpu, const Insn *in) { string_op(cpu, in, STR_INS, in->opsize); }
void op_outs_DX_Xb(CpuState *cpu, const Insn *in) { string_op(cpu, in, STR_OUTS, 1); }
void op_outs_DX_Xv(CpuState *cpu, const Insn *in) { string_op(cpu, in, STR_OUTS, in->opsize); }
