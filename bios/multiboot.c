/*
 * bios/multiboot.c - Multiboot v1 kernels: finds and checks the header,
 * loads the image (ELF32 program headers, or the a.out kludge addresses),
 * places the modules, builds the Multiboot information structure and enters
 * the kernel in 32-bit protected mode through a small trampoline.
 *
 * Models:      the header in the first 8192 bytes, 4-byte aligned, with
 *              magic + flags + checksum = 0; flags bit 0 (modules page
 *              aligned: always done), bit 1 (memory information: always
 *              given), bit 2 (video mode: accepted, no video information is
 *              given, like QEMU), bit 16 (a.out kludge: header_addr,
 *              load_addr, load_end_addr (0 = to the end of the file),
 *              bss_end_addr (0 = none), entry_addr); without bit 16 an ELF32
 *              i386 executable whose PT_LOAD segments go to p_paddr with
 *              memsz - filesz zeroed, the entry translated from the virtual
 *              to the physical address when a segment's range holds it.
 *              Images must load at 1 MiB or above (as GRUB Legacy demands).
 *              Modules: -initrd "FILE ARGS,FILE2" (QEMU's form, ",," is a
 *              literal comma), each page aligned after the image, their
 *              string the whole "FILE ARGS". The information structure at
 *              8000h: mem_lower/mem_upper (bit 0) and the memory map (bit 6)
 *              from the BIOS's own E820 map, the command line (bit 2) "KERNEL
 *              APPEND" with the kernel path first like QEMU and GRUB, the
 *              modules (bit 3), boot_loader_name "emu" (bit 9).
 *              Entry (spec section 3.2): the trampoline at 7C00h loads a GDT
 *              of its own (flat 4 GiB code 08h and data 10h), sets CR0.PE,
 *              far-jumps to 32-bit code that loads DS/ES/FS/GS/SS = 10h,
 *              EAX = 2BADB002h, EBX = the information address, and jumps
 *              to the entry. Paging stays off, IF = 0, A20 on (INT 19h opens
 *              it), ESP = 7C00h (the spec leaves ESP undefined).
 * Not modeled: boot_device (bit 1), a.out/ELF symbol tables (bits 4/5),
 *              drives, APM, VBE and framebuffer information, Multiboot 2,
 *              ELF64 kernels.
 * Spec:        Multiboot Specification version 0.6.96 (sections 3.1 "OS
 *              image format", 3.2 "Machine state", 3.3 "Boot information
 *              format"); System V ABI / ELF for the program headers.
 */
#include "bios/internal.h"
#include "bios/loader.h"

enum {
    MB_MAGIC = 0x1badb002,
    MB_BOOT_MAGIC = 0x2badb002,
    MB_SEARCH = 8192,
    MB_FLAG_ALIGN = 1u << 0, MB_FLAG_MEMINFO = 1u << 1, MB_FLAG_VIDEO = 1u << 2,
    MB_FLAG_AOUT = 1u << 16,
    MB_KNOWN_REQUIRED = MB_FLAG_ALIGN | MB_FLAG_MEMINFO | MB_FLAG_VIDEO,
};

/* Information structure flags and offsets (spec 3.3). */
enum {
    MBI_MEM = 1u << 0, MBI_CMDLINE = 1u << 2, MBI_MODS = 1u << 3,
    MBI_MMAP = 1u << 6, MBI_LOADER_NAME = 1u << 9,
    MBI_FLAGS = 0, MBI_MEM_LOWER = 4, MBI_MEM_UPPER = 8, MBI_CMDLINE_PTR = 16,
    MBI_MODS_COUNT = 20, MBI_MODS_ADDR = 24, MBI_MMAP_LENGTH = 44,
    MBI_MMAP_ADDR = 48, MBI_LOADER_NAME_PTR = 64,
    MBI_SIZE = 88,
};

/* ELF32 (System V ABI). */
enum {
    EI_CLASS = 4, EI_DATA = 5, ELFCLASS32 = 1, ELFCLASS64 = 2, ELFDATA2LSB = 1,
    E_TYPE = 16, E_MACHINE = 18, E_ENTRY = 24, E_PHOFF = 28, E_PHENTSIZE = 42,
    E_PHNUM = 44, ELF_EHDR_SIZE = 52, ET_EXEC = 2, EM_386 = 3,
    P_TYPE = 0, P_OFFSET = 4, P_VADDR = 8, P_PADDR = 12, P_FILESZ = 16,
    P_MEMSZ = 20, PHDR_SIZE = 32, PT_LOAD = 1,
};

/* The header's offset in the file, -1 none, -2 magic with a bad checksum. */
static long find_header(const BootFile *f)
{
    size_t end = f->size < MB_SEARCH ? f->size : MB_SEARCH;
    long bad = -1;
    for (size_t off = 0; off + 12 <= end; off += 4) {
        const uint8_t *p = f->data + off;
        if (ld32(p) != MB_MAGIC)
            continue;
        if ((uint32_t)(ld32(p) + ld32(p + 4) + ld32(p + 8)) == 0)
            return (long)off;
        bad = -2;
    }
    return bad;
}

static int add_segment(BootImage *bi, uint32_t paddr, size_t off, uint32_t filesz,
                       uint32_t memsz)
{
    const char *path = bi->kernel.path;
    if (bi->nseg == MB_MAX_SEGS) {
        emu_error(path, "more than %d loadable segments", MB_MAX_SEGS);
        return -1;
    }
    if (filesz && (off > bi->kernel.size || filesz > bi->kernel.size - off)) {
        emu_error(path, "truncated Multiboot kernel: a segment needs bytes %#zx-%#llx, "
                  "the file has %zu", off, (unsigned long long)off + filesz, bi->kernel.size);
        return -1;
    }
    uint64_t end = (uint64_t)paddr + memsz;
    if (paddr < MB_LOW_LIMIT || end > bi->ram_size) {
        emu_error(path, "kernel loads at %#x-%#llx, outside RAM from 1 MiB to %u MiB",
                  paddr, (unsigned long long)end, bi->ram_size >> 20);
        return -1;
    }
    bi->seg[bi->nseg++] = (MbSegment){ paddr, filesz, memsz, off };
    if (end > bi->image_end)
        bi->image_end = (uint32_t)end;
    return 0;
}

/* a.out kludge (flags bit 16): the addresses come from the header. */
static int load_aout(BootImage *bi, size_t hdr)
{
    const BootFile *f = &bi->kernel;
    if (hdr + 32 > f->size) {
        emu_error(f->path, "truncated Multiboot header");
        return -1;
    }
    const uint8_t *h = f->data + hdr;
    uint32_t header_addr = ld32(h + 12), load_addr = ld32(h + 16);
    uint32_t load_end = ld32(h + 20), bss_end = ld32(h + 24);
    bi->entry = ld32(h + 28);
    if (load_addr > header_addr || header_addr - load_addr > hdr) {
        emu_error(f->path, "Multiboot header_addr %#x and load_addr %#x do not match its "
                  "place in the file", header_addr, load_addr);
        return -1;
    }
    size_t off = hdr - (header_addr - load_addr);
    uint64_t filesz = load_end ? (uint64_t)load_end - load_addr : f->size - off;
    if (load_end && load_end < load_addr) {
        emu_error(f->path, "Multiboot load_end_addr %#x is below load_addr %#x",
                  load_end, load_addr);
        return -1;
    }
    if (filesz > f->size - off) {
        emu_error(f->path, "truncated Multiboot kernel: load_end_addr needs %llu bytes "
                  "from offset %#zx, the file has %zu", (unsigned long long)filesz, off,
                  f->size);
        return -1;
    }
    uint64_t memsz = filesz;
    if (bss_end) {
        if (bss_end < load_addr + filesz) {
            emu_error(f->path, "Multiboot bss_end_addr %#x is below the loaded image", bss_end);
            return -1;
        }
        memsz = (uint64_t)bss_end - load_addr;
    }
    return add_segment(bi, load_addr, off, (uint32_t)filesz, (uint32_t)memsz);
}

static int load_elf(BootImage *bi)
{
    const BootFile *f = &bi->kernel;
    const uint8_t *e = f->data;
    if (f->size < ELF_EHDR_SIZE || memcmp(e, "\x7f" "ELF", 4)) {
        emu_error(f->path, "Multiboot kernel is neither ELF nor has the a.out kludge (flag 16)");
        return -1;
    }
    if (e[EI_CLASS] == ELFCLASS64) {
        emu_error(f->path, "64-bit ELF Multiboot kernels are not supported");
        return -1;
    }
    if (e[EI_CLASS] != ELFCLASS32 || e[EI_DATA] != ELFDATA2LSB ||
        ld16(e + E_MACHINE) != EM_386 || ld16(e + E_TYPE) != ET_EXEC) {
        emu_error(f->path, "not an ELF32 i386 executable");
        return -1;
    }
    uint32_t phoff = ld32(e + E_PHOFF);
    unsigned phnum = ld16(e + E_PHNUM), phentsize = ld16(e + E_PHENTSIZE);
    if (phentsize < PHDR_SIZE || phoff > f->size ||
        (uint64_t)phnum * phentsize > f->size - phoff) {
        emu_error(f->path, "truncated ELF kernel: program headers beyond the end of the file");
        return -1;
    }
    uint32_t entry = ld32(e + E_ENTRY);
    bi->entry = entry;
    for (unsigned i = 0; i < phnum; i++) {
        const uint8_t *ph = e + phoff + (size_t)i * phentsize;
        uint32_t filesz = ld32(ph + P_FILESZ), memsz = ld32(ph + P_MEMSZ);
        if (ld32(ph + P_TYPE) != PT_LOAD || memsz == 0)
            continue;
        if (filesz > memsz) {
            emu_error(f->path, "ELF segment %u has p_filesz > p_memsz", i);
            return -1;
        }
        uint32_t vaddr = ld32(ph + P_VADDR), paddr = ld32(ph + P_PADDR);
        if (entry - vaddr < memsz)
            bi->entry = paddr + (entry - vaddr);
        if (add_segment(bi, paddr, ld32(ph + P_OFFSET), filesz, memsz) < 0)
            return -1;
    }
    if (!bi->nseg) {
        emu_error(f->path, "ELF kernel has no loadable segment");
        return -1;
    }
    return 0;
}

/* Split "FILE ARGS,FILE2 ARGS" (",," = a literal comma) and read each file. */
static int load_modules(BootImage *bi, const char *list)
{
    size_t n = strlen(list);
    char *s = xzalloc(n + 1);
    uint32_t next = (bi->image_end + 0xfff) & ~0xfffu;
    for (const char *p = list; ; ) {
        size_t k = 0;
        while (*p && !(*p == ',' && p[1] != ',')) {
            if (*p == ',')
                p++;                  /* ",," */
            s[k++] = *p++;
        }
        s[k] = 0;
        const char *start = s;
        while (*start == ' ')
            start++;
        if (*start) {
            size_t plen = strcspn(start, " ");
            char *path = xzalloc(plen + 1);
            memcpy(path, start, plen);
            bi->mods = xrealloc(bi->mods, (size_t)(bi->nmods + 1) * sizeof *bi->mods);
            MbModule *m = &bi->mods[bi->nmods];
            memset(m, 0, sizeof *m);
            bool ok = loader_read_file(&m->file, path, "module", bi->ram_size);
            if (ok) {
                bi->nmods++;
                m->string = xstrdup(start);
                m->addr = next;
                if ((uint64_t)next + m->file.size > bi->ram_size) {
                    emu_error(path, "initrd too large for RAM (module of %zu bytes at %#x, "
                              "%u MiB of RAM)", m->file.size, next, bi->ram_size >> 20);
                    ok = false;
                }
                next = (uint32_t)(((uint64_t)next + m->file.size + 0xfff) & ~0xfffull);
            }
            free(path);
            if (!ok) {
                free(s);
                return -1;
            }
        }
        if (!*p)
            break;
        p++;
    }
    free(s);
    return 0;
}

int multiboot_probe(BootImage *bi, const char *modules)
{
    const BootFile *f = &bi->kernel;
    long hdr = find_header(f);
    if (hdr == -1)
        return 0;
    bi->kind = BOOT_MULTIBOOT;
    if (hdr == -2) {
        emu_error(f->path, "Multiboot header checksum is wrong");
        return -1;
    }
    bi->mb_flags = ld32(f->data + hdr + 4);
    uint32_t unknown = bi->mb_flags & 0xffffu & ~(uint32_t)MB_KNOWN_REQUIRED;
    if (unknown) {
        emu_error(f->path, "Multiboot header requires unsupported features (flags %#x)",
                  unknown);
        return -1;
    }
    if (bi->mb_flags & MB_FLAG_VIDEO)
        LOG(LOG_UNIMP, "multiboot: %s asks for a video mode; none is set\n", f->path);
    int r = bi->mb_flags & MB_FLAG_AOUT ? load_aout(bi, (size_t)hdr) : load_elf(bi);
    if (r < 0)
        return -1;
    if (modules && load_modules(bi, modules) < 0)
        return -1;
    /* Everything build_info() puts in the information area must fit. */
    uint64_t need = 4096 + 2 * strlen(f->path) + strlen(bi->append);
    for (int i = 0; i < bi->nmods; i++)
        need += 16 + 4 + strlen(bi->mods[i].string);
    if (need > MB_INFO_END - MB_INFO_ADDR) {
        emu_error(f->path, "command line and module strings too long (%llu bytes)",
                  (unsigned long long)need);
        return -1;
    }
    return 1;
}

/* ---- Installing --------------------------------------------------------------- */

/* Bump allocator in the low-memory information area. */
typedef struct InfoBuf {
    uint8_t data[MB_INFO_END - MB_INFO_ADDR];
    uint32_t used;
} InfoBuf;

static uint32_t info_alloc(InfoBuf *ib, const void *src, uint32_t len)
{
    uint32_t at = (ib->used + 3) & ~3u;
    if (len > sizeof ib->data - at)
        emu_fatal(2, "multiboot", "information area overflow");
    if (src)
        memcpy(ib->data + at, src, len);
    ib->used = at + len;
    return MB_INFO_ADDR + at;
}

static uint32_t info_string(InfoBuf *ib, const char *s)
{
    return info_alloc(ib, s, (uint32_t)strlen(s) + 1);
}

static void build_info(const BootImage *bi, InfoBuf *ib)
{
    uint32_t info = info_alloc(ib, NULL, MBI_SIZE);
    uint8_t *mbi = ib->data + (info - MB_INFO_ADDR);
    uint32_t flags = MBI_MEM | MBI_CMDLINE | MBI_MMAP | MBI_LOADER_NAME;

    E820 map[E820_MAX];
    int n = e820_map(bi->ram_size, map);
    uint8_t mm[E820_MAX * 24];
    for (int i = 0; i < n; i++) {
        uint8_t *e = mm + 24 * i;
        st32(e, 20);
        st32(e + 4, (uint32_t)map[i].base);
        st32(e + 8, (uint32_t)(map[i].base >> 32));
        st32(e + 12, (uint32_t)map[i].len);
        st32(e + 16, (uint32_t)(map[i].len >> 32));
        st32(e + 20, map[i].type);
        if (map[i].type == 1 && map[i].base == 0)
            st32(mbi + MBI_MEM_LOWER, (uint32_t)(map[i].len >> 10));
        if (map[i].type == 1 && map[i].base == 0x100000)
            st32(mbi + MBI_MEM_UPPER, (uint32_t)(map[i].len >> 10));
    }
    st32(mbi + MBI_MMAP_ADDR, info_alloc(ib, mm, (uint32_t)(24 * n)));
    st32(mbi + MBI_MMAP_LENGTH, (uint32_t)(24 * n));

    size_t clen = strlen(bi->kernel.path) + 1 + strlen(bi->append) + 1;
    char *cmdline = xzalloc(clen);
    snprintf(cmdline, clen, "%s%s%s", bi->kernel.path, *bi->append ? " " : "", bi->append);
    st32(mbi + MBI_CMDLINE_PTR, info_string(ib, cmdline));
    free(cmdline);
    st32(mbi + MBI_LOADER_NAME_PTR, info_string(ib, "emu"));

    if (bi->nmods) {
        flags |= MBI_MODS;
        uint32_t list = info_alloc(ib, NULL, (uint32_t)(16 * bi->nmods));
        for (int i = 0; i < bi->nmods; i++) {
            const MbModule *m = &bi->mods[i];
            uint8_t *e = ib->data + (list - MB_INFO_ADDR) + 16 * i;
            st32(e, m->addr);
            st32(e + 4, m->addr + (uint32_t)m->file.size);
            uint32_t str = info_string(ib, m->string);
            e = ib->data + (list - MB_INFO_ADDR) + 16 * i;
            st32(e + 8, str);
            st32(e + 12, 0);
        }
        st32(mbi + MBI_MODS_COUNT, (uint32_t)bi->nmods);
        st32(mbi + MBI_MODS_ADDR, list);
    }
    st32(mbi + MBI_FLAGS, flags);
}

/* Trampoline layout (offsets from BOOT_TRAMPOLINE). */
enum { TR_PM32 = 0x18, TR_ENTRY = 0x40, TR_GDT = 0x48, TR_GDTR = 0x60, TR_SIZE = 0x68 };

static void put_entry(AddrSpace *mem, uint32_t entry, uint32_t info)
{
    const uint32_t t = BOOT_TRAMPOLINE;
    uint8_t c[TR_SIZE];
    memset(c, 0x90, sizeof c);
    const uint8_t real16[] = {
        0xfa,                                         /* 00 cli */
        0x0f, 0x01, 0x16,                             /* 01 lgdt [t+TR_GDTR] (DS = 0) */
        (uint8_t)(t + TR_GDTR), (uint8_t)((t + TR_GDTR) >> 8),
        0x0f, 0x20, 0xc0,                             /* 06 mov eax,cr0 */
        0x0c, 0x01,                                   /* 09 or al,1 (PE) */
        0x0f, 0x22, 0xc0,                             /* 0B mov cr0,eax */
        0x66, 0xea, 0, 0, 0, 0, 0x08, 0x00,           /* 0E jmp dword 08h:t+TR_PM32 */
    };
    memcpy(c, real16, sizeof real16);
    st32(c + 0x10, t + TR_PM32);
    const uint8_t pm32[] = {
        0xb8, 0x10, 0x00, 0x00, 0x00,                 /* 18 mov eax,10h */
        0x8e, 0xd8,                                   /* 1D mov ds,ax */
        0x8e, 0xc0,                                   /* 1F mov es,ax */
        0x8e, 0xe0,                                   /* 21 mov fs,ax */
        0x8e, 0xe8,                                   /* 23 mov gs,ax */
        0x8e, 0xd0,                                   /* 25 mov ss,ax */
        0xbc, 0, 0, 0, 0,                             /* 27 mov esp,t */
        0xb8, 0x02, 0xb0, 0xad, 0x2b,                 /* 2C mov eax,2BADB002h */
        0xbb, 0, 0, 0, 0,                             /* 31 mov ebx,info */
        0xff, 0x25, 0, 0, 0, 0,                       /* 36 jmp [t+TR_ENTRY] */
    };
    memcpy(c + TR_PM32, pm32, sizeof pm32);
    st32(c + 0x28, t);
    st32(c + 0x32, info);
    st32(c + 0x38, t + TR_ENTRY);
    st32(c + TR_ENTRY, entry);
    /* GDT: null, 08h flat code (base 0, limit 4 GiB, 32-bit, ring 0, execute/
     * read), 10h flat data (read/write). */
    static const uint8_t gdt[24] = {
        0, 0, 0, 0, 0, 0, 0, 0,
        0xff, 0xff, 0x00, 0x00, 0x00, 0x9a, 0xcf, 0x00,
        0xff, 0xff, 0x00, 0x00, 0x00, 0x92, 0xcf, 0x00,
    };
    memcpy(c + TR_GDT, gdt, sizeof gdt);
    st16(c + TR_GDTR, sizeof gdt - 1);
    st32(c + TR_GDTR + 2, t + TR_GDT);
    mem_write_buf(mem, t, c, sizeof c);
}

void multiboot_install(const BootImage *bi, AddrSpace *mem)
{
    const uint8_t zero[4096] = { 0 };
    for (int i = 0; i < bi->nseg; i++) {
        const MbSegment *s = &bi->seg[i];
        mem_write_buf(mem, s->paddr, bi->kernel.data + s->off, s->filesz);
        for (uint32_t done = s->filesz; done < s->memsz; ) {
            uint32_t k = s->memsz - done < sizeof zero ? s->memsz - done : (uint32_t)sizeof zero;
            mem_write_buf(mem, s->paddr + done, zero, k);
            done += k;
        }
    }
    for (int i = 0; i < bi->nmods; i++)
        mem_write_buf(mem, bi->mods[i].addr, bi->mods[i].file.data, bi->mods[i].file.size);
    InfoBuf *ib = xzalloc(sizeof *ib);
    build_info(bi, ib);
    mem_write_buf(mem, MB_INFO_ADDR, ib->data, ib->used);
    free(ib);
    put_entry(mem, bi->entry, MB_INFO_ADDR);
    LOG(LOG_BIOS, "bios: Multiboot kernel, %d segments up to %#x, entry %#x, %d modules, "
        "command line \"%s\"\n", bi->nseg, bi->image_end, bi->entry, bi->nmods, bi->append);
}
