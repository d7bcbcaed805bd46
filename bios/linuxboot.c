/*
 * bios/linuxboot.c - the Linux x86 boot protocol, 16-bit entry: loads a
 * bzImage (and an initrd) the way a boot loader does and enters its
 * real-mode setup code, which then uses the BIOS (E820, video, keyboard,
 * EDD) and switches to protected mode by itself.
 *
 * Models:      boot protocol 2.02 and later, bzImage (LOADED_HIGH) only.
 *              The real-mode kernel (boot sector + setup_sects sectors, 4
 *              when the field is 0) goes to 1000:0000, the protected-mode
 *              kernel to 1 MiB, the command line to 2000:0000 (cmd_line_ptr,
 *              cut at the header's cmdline_size, 255 before 2.06), the
 *              initrd at the highest page-aligned address below
 *              min(initrd_addr_max + 1 (0x38000000 before 2.03), RAM end).
 *              Written back into the header: type_of_loader FFh (unknown
 *              loader), vid_mode FFFFh (normal), loadflags |= CAN_USE_HEAP,
 *              heap_end_ptr FC00h, cmd_line_ptr, ramdisk_image/size. Entry:
 *              CS = 1020h, IP = 0, DS = ES = FS = GS = SS = 1000h,
 *              SP = FE00h, interrupts off, through the trampoline at 7C00h
 *              that INT 19h jumps to.
 *              A deliberate difference from boot.rst's example (heap end
 *              E000h, command line right after it at base + E000h): emu
 *              keeps QEMU's full 64 KiB setup segment (heap and stack up to
 *              FE00h) and puts the command line just above it, so the two
 *              can never overlap.
 * Not modeled: zImage and protocols before 2.02 (refused), the 32-bit and
 *              64-bit entries, setup_data chains, EDD/E820 pre-filled in a
 *              zero page (the setup code asks the BIOS itself), multiple
 *              concatenated initrds.
 * Spec:        Linux Documentation/x86/boot.rst ("THE REAL-MODE KERNEL
 *              HEADER", "LOADING THE REST OF THE KERNEL", "RUNNING THE
 *              KERNEL", "SAMPLE BOOT CONFIGURATION").
 */
#include "bios/loader.h"

/* Setup header fields: offsets in the real-mode kernel (boot.rst). */
enum {
    HDR_SETUP_SECTS = 0x1f1,
    HDR_SYSSIZE = 0x1f4,
    HDR_VID_MODE = 0x1fa,
    HDR_BOOT_FLAG = 0x1fe,
    HDR_HEADER = 0x202,
    HDR_VERSION = 0x206,
    HDR_TYPE_OF_LOADER = 0x210,
    HDR_LOADFLAGS = 0x211,
    HDR_RAMDISK_IMAGE = 0x218,
    HDR_RAMDISK_SIZE = 0x21c,
    HDR_HEAP_END_PTR = 0x224,
    HDR_CMD_LINE_PTR = 0x228,
    HDR_INITRD_ADDR_MAX = 0x22c,
    HDR_CMDLINE_SIZE = 0x238,
    HDR_INIT_SIZE = 0x260,
    HDR_END = 0x264,                  /* enough to read every field above */
};

enum {
    LOADED_HIGH = 0x01,
    CAN_USE_HEAP = 0x80,
    LOADER_UNKNOWN = 0xff,
    VID_NORMAL = 0xffff,
    SETUP_MAX = 0x8000,               /* boot.rst: the setup may be up to 32 KiB */
};

static bool has_hdrs(const BootFile *f)
{
    return f->size >= HDR_END && ld16(f->data + HDR_BOOT_FLAG) == 0xaa55 &&
           !memcmp(f->data + HDR_HEADER, "HdrS", 4);
}

bool linux_pre_2_00(const BootImage *bi)
{
    const BootFile *f = &bi->kernel;
    if (f->size < 1024 || ld16(f->data + HDR_BOOT_FLAG) != 0xaa55)
        return false;
    uint8_t sects = f->data[HDR_SETUP_SECTS];
    return sects >= 1 && sects <= 64 && f->size > (sects + 1u) * 512u;
}

/* Protected-mode kernel size and the RAM it needs from 1 MiB up. */
static uint32_t kernel_footprint(const BootImage *bi)
{
    const uint8_t *h = bi->kernel.data;
    uint32_t size = (uint32_t)(bi->kernel.size - bi->setup_size);
    if (bi->version >= 0x20a && ld32(h + HDR_INIT_SIZE) > size)
        size = ld32(h + HDR_INIT_SIZE);
    return size;
}

static int place_initrd(BootImage *bi, const char *path)
{
    const uint8_t *h = bi->kernel.data;
    uint64_t max = bi->version >= 0x203 ? ld32(h + HDR_INITRD_ADDR_MAX) : 0x37ffffffu;
    uint64_t top = max + 1 < bi->ram_size ? max + 1 : bi->ram_size;
    uint64_t low = LINUX_KERNEL_ADDR + (uint64_t)kernel_footprint(bi);
    if (!loader_read_file(&bi->initrd, path, "initrd", bi->ram_size))
        return -1;
    uint64_t size = bi->initrd.size;
    if (size > top || ((top - size) & ~(uint64_t)0xfff) < low) {
        emu_error(path, "initrd too large for RAM (%llu bytes; %llu bytes free above the "
                  "kernel, below %#llx)", (unsigned long long)size,
                  (unsigned long long)(top > low ? top - low : 0), (unsigned long long)top);
        return -1;
    }
    bi->initrd_addr = (uint32_t)((top - size) & ~(uint64_t)0xfff);
    return 1;
}

int linux_probe(BootImage *bi, const char *initrd)
{
    const BootFile *f = &bi->kernel;
    if (!has_hdrs(f))
        return 0;
    const uint8_t *h = f->data;
    bi->kind = BOOT_LINUX;
    bi->version = ld16(h + HDR_VERSION);
    if (bi->version < 0x202) {
        emu_error(f->path, "Linux boot protocol %u.%02u is too old (2.02 or later needed)",
                  bi->version >> 8, bi->version & 0xff);
        return -1;
    }
    if (!(h[HDR_LOADFLAGS] & LOADED_HIGH)) {
        emu_error(f->path, "a zImage (loaded low) is not supported: a bzImage is needed");
        return -1;
    }
    unsigned sects = h[HDR_SETUP_SECTS] ? h[HDR_SETUP_SECTS] : 4;
    bi->setup_size = (sects + 1) * 512;
    if (bi->setup_size > SETUP_MAX) {
        emu_error(f->path, "setup code of %u bytes is larger than 32 KiB", bi->setup_size);
        return -1;
    }
    uint64_t syssize = (uint64_t)(bi->version >= 0x204 ? ld32(h + HDR_SYSSIZE)
                                                      : ld16(h + HDR_SYSSIZE)) * 16;
    /* syssize counts 16-byte paragraphs, rounded up: allow the last one short. */
    if (f->size <= bi->setup_size || f->size - bi->setup_size + 15 < syssize) {
        emu_error(f->path, "truncated bzImage: %zu bytes, the header needs %llu", f->size,
                  (unsigned long long)(bi->setup_size + (syssize ? syssize : 1)));
        return -1;
    }
    uint64_t need = LINUX_KERNEL_ADDR + (uint64_t)kernel_footprint(bi);
    if (need > bi->ram_size) {
        emu_error(f->path, "kernel does not fit in %u MiB of RAM (needs %llu MiB)",
                  bi->ram_size >> 20, (unsigned long long)((need + 0xfffff) >> 20));
        return -1;
    }
    bi->cmdline_max = bi->version >= 0x206 ? ld32(h + HDR_CMDLINE_SIZE) : 255;
    if (bi->cmdline_max > LINUX_CMDLINE_END - LINUX_CMDLINE_ADDR - 1)
        bi->cmdline_max = LINUX_CMDLINE_END - LINUX_CMDLINE_ADDR - 1;
    size_t len = strlen(bi->append);
    if (len > bi->cmdline_max) {
        emu_error(f->path, "command line too long (%zu bytes, the kernel takes %u)",
                  len, bi->cmdline_max);
        return -1;
    }
    if (initrd && place_initrd(bi, initrd) < 0)
        return -1;
    return 1;
}

/*
 * The entry trampoline (real mode, CS = 0): boot.rst "RUNNING THE KERNEL":
 * all data segments = the real-mode kernel's segment, SS:SP = seg:heap end,
 * then a far jump to seg+20h:0000 (the setup code right after the boot
 * sector) with interrupts off.
 */
static void put_entry(AddrSpace *mem, uint16_t seg, uint16_t sp)
{
    const uint8_t code[] = {
        0xfa,                                         /* cli */
        0xb8, (uint8_t)seg, (uint8_t)(seg >> 8),      /* mov ax,seg */
        0x8e, 0xd8,                                   /* mov ds,ax */
        0x8e, 0xc0,                                   /* mov es,ax */
        0x8e, 0xe0,                                   /* mov fs,ax */
        0x8e, 0xe8,                                   /* mov gs,ax */
        0x8e, 0xd0,                                   /* mov ss,ax */
        0x66, 0xbc, (uint8_t)sp, (uint8_t)(sp >> 8), 0, 0, /* mov esp,sp */
        0xea, 0x00, 0x00,                             /* jmp seg+20h:0000 */
        (uint8_t)(seg + 0x20), (uint8_t)((seg + 0x20) >> 8),
    };
    mem_write_buf(mem, BOOT_TRAMPOLINE, code, sizeof code);
}

void linux_install(const BootImage *bi, AddrSpace *mem)
{
    const BootFile *f = &bi->kernel;
    uint8_t *setup = xzalloc(bi->setup_size);
    memcpy(setup, f->data, bi->setup_size);
    st16(setup + HDR_VID_MODE, VID_NORMAL);
    setup[HDR_TYPE_OF_LOADER] = LOADER_UNKNOWN;
    setup[HDR_LOADFLAGS] |= CAN_USE_HEAP;
    st16(setup + HDR_HEAP_END_PTR, LINUX_HEAP_END - 0x200);
    st32(setup + HDR_CMD_LINE_PTR, LINUX_CMDLINE_ADDR);
    st32(setup + HDR_RAMDISK_IMAGE, bi->initrd.data ? bi->initrd_addr : 0);
    st32(setup + HDR_RAMDISK_SIZE, bi->initrd.data ? (uint32_t)bi->initrd.size : 0);
    mem_write_buf(mem, LINUX_SETUP_ADDR, setup, bi->setup_size);
    free(setup);

    mem_write_buf(mem, LINUX_CMDLINE_ADDR, bi->append, strlen(bi->append) + 1);
    mem_write_buf(mem, LINUX_KERNEL_ADDR, f->data + bi->setup_size, f->size - bi->setup_size);
    if (bi->initrd.data)
        mem_write_buf(mem, bi->initrd_addr, bi->initrd.data, bi->initrd.size);
    put_entry(mem, LINUX_SETUP_ADDR >> 4, LINUX_HEAP_END);
    LOG(LOG_BIOS, "bios: Linux boot protocol %u.%02u, setup %u bytes at %#x, kernel %zu bytes "
        "at %#x, initrd %zu bytes at %#x, command line \"%s\"\n", bi->version >> 8,
        bi->version & 0xff, bi->setup_size, LINUX_SETUP_ADDR, f->size - bi->setup_size,
        LINUX_KERNEL_ADDR, bi->initrd.size, bi->initrd_addr, bi->append);
}
