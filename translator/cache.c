/*
 * translator/cache.c - the code cache: blocks by physical address, pages
 * holding code, the jump cache, invalidation and the whole-cache flush.
 *
 * Blocks live in one RWX buffer, allocated front to back and never freed
 * one by one: when the buffer (or the block or instruction pool) is full,
 * everything is flushed and translation starts over. A block is found by
 * (physical EIP, CS base, EIP, key) in a hash; the key holds the mode bits
 * its code depends on (translator/run.c, jit_key).
 *
 * Self-modifying code: every physical page holding a block is marked in
 * the memory bus's code map, so no TLB caches write access to it and every
 * write to it - CPU stores, string instructions, DMA - reaches
 * cache_invalidate_range() first. Blocks overlapping the written bytes are
 * invalidated: removed from the hash and their page list, and their entry
 * overwritten with a jump to their trailer, which leaves translated code
 * with the block's own EIP. So chained jumps and stale jump-cache entries
 * into an invalidated block need no bookkeeping: they fall out to the run
 * loop, which translates the new bytes. A page whose blocks keep being
 * rewritten (SMC_INTERPRET invalidations) is left to the interpreter until
 * the next flush: retranslating costs more than interpreting it. A write
 * while translated code runs
 * sets ctx.smc; the helper wrapper then ends the block right after the
 * writing instruction, so not one stale instruction runs. A page with no
 * block left is unmarked and gets fast writes again.
 *
 * The jump cache maps linear EIP to host code for indirect jumps, calls
 * and returns inside generated code (64 slots of 64 entries; a slot is
 * chosen by bits 12-17 of the address, so INVLPG clears one slot) and for
 * the run loop's first lookup. Any TLB flush drops the affected entries.
 */
#include <errno.h>
#include <sys/mman.h>

#include "translator/internal.h"

void cache_init(Jit *j)
{
    j->buf = mmap(NULL, CODE_BUF_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (j->buf == MAP_FAILED)
        emu_fatal(2, "translator", "cannot map %u MiB of executable memory: %s",
                  CODE_BUF_SIZE >> 20, strerror(errno));
    j->blocks = calloc(BLOCK_POOL, sizeof *j->blocks);
    j->insns = calloc(INSN_POOL, sizeof *j->insns);
    j->page_pool = calloc(BLOCK_POOL, sizeof *j->page_pool);
    if (!j->blocks || !j->insns || !j->page_pool)
        emu_fatal(2, "translator", "out of memory for the code cache");
    codegen_stubs(j);
}

void cache_destroy(Jit *j)
{
    if (j->buf && j->buf != MAP_FAILED)
        munmap(j->buf, CODE_BUF_SIZE);
    free(j->blocks);
    free(j->insns);
    free(j->page_pool);
}

void jc_flush(Jit *j)
{
    memset(j->ctx.jc, 0, sizeof j->ctx.jc);
    memset(j->jc_block, 0, sizeof j->jc_block);
}

/* INVLPG: the slot of the page (entries of other pages in it go too). */
void jc_flush_page(Jit *j, uint32_t lin)
{
    uint32_t first = jc_index(lin & PAGE_MASK) & ~63u;
    memset(&j->ctx.jc[first], 0, 64 * sizeof j->ctx.jc[0]);
    memset(&j->jc_block[first], 0, 64 * sizeof j->jc_block[0]);
}

void jc_put(Jit *j, Block *b)
{
    uint32_t i = jc_index(b->lin);
    JcEntry *e = &j->ctx.jc[i];
    e->lin = b->lin;
    e->key = b->key;
    e->cs_base = b->cs_base;
    e->code = b->code;
    j->jc_block[i] = b;
}

static uint32_t block_hash(uint32_t phys, uint32_t eip)
{
    uint32_t h = phys * 0x9e3779b1u ^ eip;
    return (h ^ (h >> 16)) & (BLOCK_HASH - 1);
}

static PageInfo **page_slot(Jit *j, uint32_t page)
{
    return &j->pages[((page >> PAGE_SHIFT) * 0x9e3779b1u >> 20) & (PAGE_HASH - 1)];
}

static PageInfo *page_find(Jit *j, uint32_t page)
{
    for (PageInfo *p = *page_slot(j, page); p; p = p->next)
        if (p->page == page)
            return p;
    return NULL;
}

void cache_flush(Jit *j)
{
    for (uint32_t h = 0; h < PAGE_HASH; h++)
        for (PageInfo *p = j->pages[h]; p; p = p->next)
            mem_code_protect(j->cpu->mem, p->page, false);
    memset(j->pages, 0, sizeof j->pages);
    memset(j->hash, 0, sizeof j->hash);
    j->npages = 0;
    j->nxblocks = 0;
    j->nblocks = 0;
    j->ninsns = 0;
    j->buf_used = (size_t)(j->code_start - j->buf);
    jc_flush(j);
    j->ctx.chain_site = NULL;
    j->pending_chain = NULL;
    if (j->running)
        j->ctx.smc = 1;
    j->st.flushes++;
}

Block *cache_lookup(Jit *j, uint32_t phys, uint32_t eip, uint32_t cs_base, uint32_t key)
{
    for (Block *b = j->hash[block_hash(phys, eip)]; b; b = b->hash_next)
        if (b->phys == phys && b->eip == eip && b->cs_base == cs_base && b->key == key)
            return b;
    return NULL;
}

static PageInfo *page_get(Jit *j, uint32_t page)
{
    PageInfo *p = page_find(j, page);
    if (!p) {
        p = &j->page_pool[j->npages++];
        p->page = page;
        p->blocks = NULL;
        p->xrefs = 0;
        p->smc = 0;
        PageInfo **ps = page_slot(j, page);
        p->next = *ps;
        *ps = p;
    }
    if (!p->blocks && !p->xrefs) {
        mem_code_protect(j->cpu->mem, page, true);
        cpu_tlb_code_protect(j->cpu, page);
    }
    return p;
}

bool cache_has_room(const Jit *j)
{
    return j->nxblocks < sizeof j->xblocks / sizeof j->xblocks[0];
}

bool cache_page_hot_smc(Jit *j, uint32_t phys)
{
    PageInfo *p = page_find(j, phys & PAGE_MASK);
    return p && p->smc >= SMC_INTERPRET;
}

void cache_insert(Jit *j, Block *b)
{
    Block **slot = &j->hash[block_hash(b->phys, b->eip)];
    b->hash_next = *slot;
    *slot = b;
    PageInfo *p = page_get(j, b->phys & PAGE_MASK);
    b->page_next = p->blocks;
    p->blocks = b;
    if (b->phys2) {
        page_get(j, b->phys2 & PAGE_MASK)->xrefs++;
        j->xblocks[j->nxblocks++] = b;
    }
}

static void page_release(Jit *j, PageInfo *p)
{
    if (!p->blocks && !p->xrefs)
        mem_code_protect(j->cpu->mem, p->page, false);   /* PageInfo stays, empty */
}

/* Overwrite an entry's first 5 bytes with a JMP rel32 to 'to'. */
static void patch_entry(uint8_t *at, const uint8_t *to)
{
    Emit e;
    emit_init(&e, at, 5);
    emit_u8(&e, 0xe9);
    emit_u32(&e, (uint32_t)(to - (at + 5)));
}

static void block_invalidate(Jit *j, Block *b)
{
    if (b->phys2) {
        for (uint32_t k = 0; k < j->nxblocks; k++)
            if (j->xblocks[k] == b)
                j->xblocks[k] = j->xblocks[--j->nxblocks];
        PageInfo *p2 = page_find(j, b->phys2 & PAGE_MASK);
        if (p2 && p2->xrefs) {
            p2->xrefs--;
            page_release(j, p2);
        }
    }
    Block **pp = &j->hash[block_hash(b->phys, b->eip)];
    while (*pp && *pp != b)
        pp = &(*pp)->hash_next;
    if (*pp)
        *pp = b->hash_next;
    b->valid = false;
    /* the entries become "jmp trailer": whoever still jumps here leaves */
    patch_entry(b->code, b->trailer);
    if (b->entry2)
        patch_entry(b->entry2, b->trailer2);
    j->st.smc_invalidations++;
}

/* Drop one block (a page-crossing block whose second page moved). */
void cache_invalidate_block(Jit *j, Block *b)
{
    PageInfo *p = page_find(j, b->phys & PAGE_MASK);
    if (p)
        for (Block **bp = &p->blocks; *bp; bp = &(*bp)->page_next)
            if (*bp == b) {
                *bp = b->page_next;
                break;
            }
    block_invalidate(j, b);
    if (p)
        page_release(j, p);
}

void cache_invalidate_range(Jit *j, uint32_t phys, uint32_t len)
{
    uint64_t end = (uint64_t)phys + len;     /* no wrap at the top of 4 GiB */
    for (uint32_t k = 0; k < j->nxblocks;) {
        Block *b = j->xblocks[k];
        if (b->phys2 < end && phys < b->phys2_end) {
            cache_invalidate_block(j, b);     /* moves the last entry to k */
            if (j->running)
                j->ctx.smc = 1;
        } else {
            k++;
        }
    }
    for (uint64_t page = phys & PAGE_MASK; page < end; page += PAGE_SIZE) {
        PageInfo *p = page_find(j, (uint32_t)page);
        if (!p)
            continue;
        for (Block **bp = &p->blocks; *bp;) {
            Block *b = *bp;
            if (b->phys < end && phys < b->phys_end) {
                *bp = b->page_next;
                block_invalidate(j, b);
                p->smc++;
                if (j->running)
                    j->ctx.smc = 1;
            } else {
                bp = &b->page_next;
            }
        }
        page_release(j, p);
    }
}
