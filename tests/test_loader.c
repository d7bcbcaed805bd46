/*
 * tests/test_loader.c - unit tests for direct kernel loading (-kernel,
 * -initrd, -append): synthetic Linux bzImages and Multiboot kernels (ELF32
 * and a.out kludge) written to temporary files, loaded into a 16 MiB bench
 * machine, then checked byte by byte: placement, the setup header fields a
 * boot loader writes back, .bss zeroing, the Multiboot information
 * structure and memory map, and the error cases. Through INT 19h, the CPU
 * runs each entry trampoline up to the kernel's first instruction.
 */
#include <check.h>
#include <unistd.h>

#include "bios/internal.h"
#include "bios/loader.h"
#include "cpu/cpu.h"
#include "tests/bench.h"

#define RAM_MB 16u
#define RAM_SIZE (RAM_MB << 20)

/* ---- helpers ------------------------------------------------------------- */

typedef struct TmpFile {
    char path[64];
} TmpFile;

static void tmp_write(TmpFile *t, const void *data, size_t len)
{
    snprintf(t->path, sizeof t->path, "/tmp/emu-loader-XXXXXX");
    int fd = mkstemp(t->path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
    close(fd);
}

static void tmp_remove(TmpFile *t)
{
    unlink(t->path);
}

static uint8_t pat(uint32_t i, uint8_t seed) { return (uint8_t)(i * 7 + (i >> 8) + seed); }

static uint32_t rd32_phys(Bench *b, uint32_t phys)
{
    return ld32(bench_ram(b) + phys);
}

static uint16_t rd16_phys(Bench *b, uint32_t phys)
{
    return ld16(bench_ram(b) + phys);
}

/* ---- synthetic bzImage --------------------------------------------------- */

typedef struct FakeLinux {
    uint8_t setup_sects;      /* as stored (0 = 4) */
    uint16_t version;
    uint8_t loadflags;
    uint32_t kernel_size;     /* protected-mode part */
    uint32_t syssize;         /* 0: from kernel_size */
    uint32_t initrd_addr_max;
    uint32_t cmdline_size;
    uint32_t init_size;
} FakeLinux;

static uint8_t *fake_bzimage(const FakeLinux *fl, size_t *len)
{
    unsigned sects = fl->setup_sects ? fl->setup_sects : 4;
    size_t setup = (sects + 1) * 512u;
    *len = setup + fl->kernel_size;
    uint8_t *p = xzalloc(*len);
    for (size_t i = 0; i < *len; i++)
        p[i] = pat((uint32_t)i, 1);
    memset(p + 0x1f1, 0, 0x264 - 0x1f1);
    p[0x1f1] = fl->setup_sects;
    st32(p + 0x1f4, fl->syssize ? fl->syssize : (fl->kernel_size + 15) / 16);
    st16(p + 0x1fe, 0xaa55);
    memcpy(p + 0x202, "HdrS", 4);
    st16(p + 0x206, fl->version);
    p[0x211] = fl->loadflags;
    st32(p + 0x214, 0x100000);
    st32(p + 0x22c, fl->initrd_addr_max);
    st32(p + 0x238, fl->cmdline_size);
    st32(p + 0x260, fl->init_size);
    return p;
}

static const FakeLinux linux_default = {
    .setup_sects = 8, .version = 0x020c, .loadflags = 0x01, .kernel_size = 40000,
    .initrd_addr_max = 0x7fffffff, .cmdline_size = 2047,
};

/* Write the image (and an initrd of initrd_len bytes if nonzero), open. */
static BootImage *open_linux(const FakeLinux *fl, uint32_t initrd_len, const char *append,
                             uint32_t ram_size)
{
    size_t len;
    uint8_t *img = fake_bzimage(fl, &len);
    TmpFile k, i;
    tmp_write(&k, img, len);
    free(img);
    if (initrd_len) {
        uint8_t *rd = xzalloc(initrd_len);
        for (uint32_t n = 0; n < initrd_len; n++)
            rd[n] = pat(n, 2);
        tmp_write(&i, rd, initrd_len);
        free(rd);
    }
    BootImage *bi = boot_image_open(k.path, initrd_len ? i.path : NULL, append, ram_size);
    tmp_remove(&k);
    if (initrd_len)
        tmp_remove(&i);
    return bi;
}

START_TEST(linux_layout_and_header)
{
    Bench *b = bench_new(RAM_MB * 1024);
    AddrSpace *mem = machine_mem(bench_machine(b));
    BootImage *bi = open_linux(&linux_default, 300000, "console=ttyS0 quiet", RAM_SIZE);
    ck_assert_ptr_nonnull(bi);
    ck_assert_int_eq(bi->kind, BOOT_LINUX);
    ck_assert_uint_eq(bi->setup_size, 9 * 512);
    mem_set_a20(mem, false);
    boot_image_install(bi, mem);
    ck_assert(!mem_a20(mem));                     /* restored */
    uint8_t *ram = bench_ram(b);
    /* Boot sector + setup at 1000:0000, untouched outside the header. */
    for (uint32_t i = 0; i < 0x1f1; i++)
        ck_assert_uint_eq(ram[0x10000 + i], pat(i, 1));
    for (uint32_t i = 0x264; i < 9 * 512; i++)
        ck_assert_uint_eq(ram[0x10000 + i], pat(i, 1));
    /* The protected-mode kernel at 1 MiB. */
    for (uint32_t i = 0; i < 40000; i++)
        ck_assert_uint_eq(ram[0x100000 + i], pat(9 * 512 + i, 1));
    /* Header fields written back. */
    ck_assert_uint_eq(ram[0x10210], 0xff);        /* type_of_loader */
    ck_assert_uint_eq(ram[0x10211], 0x81);        /* LOADED_HIGH | CAN_USE_HEAP */
    ck_assert_uint_eq(rd16_phys(b, 0x10224), 0xfc00);   /* heap_end_ptr */
    ck_assert_uint_eq(rd16_phys(b, 0x101fa), 0xffff);   /* vid_mode */
    ck_assert_uint_eq(rd32_phys(b, 0x10228), 0x20000);  /* cmd_line_ptr */
    ck_assert_str_eq((char *)ram + 0x20000, "console=ttyS0 quiet");
    /* initrd: page aligned, as high as RAM allows. */
    uint32_t rd = rd32_phys(b, 0x10218);
    ck_assert_uint_eq(rd, (RAM_SIZE - 300000) & ~0xfffu);
    ck_assert_uint_eq(rd32_phys(b, 0x1021c), 300000);
    for (uint32_t i = 0; i < 300000; i++)
        ck_assert_uint_eq(ram[rd + i], pat(i, 2));
    /* The trampoline: segments = 1000h, ESP = FE00h, jmp 1020:0000. */
    const uint8_t *t = ram + 0x7c00;
    ck_assert_uint_eq(t[0], 0xfa);
    ck_assert_uint_eq(ld16(t + 2), 0x1000);
    ck_assert_uint_eq(ld32(t + 16), 0xfe00);
    ck_assert_uint_eq(t[20], 0xea);
    ck_assert_uint_eq(ld32(t + 21), 0x10200000u);
    boot_image_free(bi);
    bench_free(b);
}
END_TEST

START_TEST(linux_fields_and_limits)
{
    Bench *b = bench_new(RAM_MB * 1024);
    AddrSpace *mem = machine_mem(bench_machine(b));
    /* setup_sects = 0 means 4; no initrd: ramdisk fields 0; initrd_addr_max. */
    FakeLinux fl = linux_default;
    fl.setup_sects = 0;
    BootImage *bi = open_linux(&fl, 0, NULL, RAM_SIZE);
    ck_assert_ptr_nonnull(bi);
    ck_assert_uint_eq(bi->setup_size, 5 * 512);
    memset(bench_ram(b) + 0x10000, 0xee, 0x1000);
    boot_image_install(bi, mem);
    ck_assert_uint_eq(rd32_phys(b, 0x10218), 0);
    ck_assert_uint_eq(rd32_phys(b, 0x1021c), 0);
    ck_assert_uint_eq(bench_ram(b)[0x20000], 0);   /* empty command line */
    ck_assert_uint_eq(bench_ram(b)[0x100000], pat(5 * 512, 1));
    boot_image_free(bi);

    fl = linux_default;
    fl.initrd_addr_max = 0x7fffff;
    bi = open_linux(&fl, 5000, "", RAM_SIZE);
    ck_assert_ptr_nonnull(bi);
    ck_assert_uint_eq(bi->initrd_addr, (0x800000 - 5000) & ~0xfffu);
    boot_image_free(bi);

    /* Protocol 2.02: initrd_addr_max not in the header: 0x37FFFFFF. */
    fl = linux_default;
    fl.version = 0x0202;
    fl.initrd_addr_max = 0x12345;                 /* must be ignored */
    bi = open_linux(&fl, 5000, "x", 1024u << 20);
    ck_assert_ptr_nonnull(bi);
    ck_assert_uint_eq(bi->initrd_addr, (0x38000000 - 5000) & ~0xfffu);
    ck_assert_uint_eq(bi->cmdline_max, 255);
    boot_image_free(bi);
    bench_free(b);
}
END_TEST

START_TEST(linux_errors)
{
    FakeLinux fl = linux_default;
    fl.version = 0x0201;
    ck_assert_ptr_null(open_linux(&fl, 0, NULL, RAM_SIZE));
    fl = linux_default;
    fl.loadflags = 0;                             /* zImage */
    ck_assert_ptr_null(open_linux(&fl, 0, NULL, RAM_SIZE));
    fl = linux_default;
    fl.syssize = (40000 + 16 + 15) / 16;          /* one paragraph more than the file */
    ck_assert_ptr_null(open_linux(&fl, 0, NULL, RAM_SIZE));
    fl = linux_default;
    fl.cmdline_size = 4;
    ck_assert_ptr_null(open_linux(&fl, 0, "console=ttyS0", RAM_SIZE));
    fl = linux_default;
    fl.init_size = RAM_SIZE;                      /* kernel needs more than RAM */
    ck_assert_ptr_null(open_linux(&fl, 0, NULL, RAM_SIZE));
    /* initrd does not fit between the kernel and the end of RAM. */
    ck_assert_ptr_null(open_linux(&linux_default, 2u << 20, NULL, 3u << 20));
    BootImage *bi = open_linux(&linux_default, 1u << 20, NULL, 3u << 20);
    ck_assert_ptr_nonnull(bi);
    boot_image_free(bi);
    /* Missing files. */
    ck_assert_ptr_null(boot_image_open("/nonexistent/vmlinuz", NULL, NULL, RAM_SIZE));
    size_t len;
    uint8_t *img = fake_bzimage(&linux_default, &len);
    TmpFile k;
    tmp_write(&k, img, len);
    free(img);
    ck_assert_ptr_null(boot_image_open(k.path, "/nonexistent/initrd", NULL, RAM_SIZE));
    tmp_remove(&k);
    /* Not a kernel at all. */
    uint8_t junk[4096];
    memset(junk, 0x5a, sizeof junk);
    tmp_write(&k, junk, sizeof junk);
    ck_assert_ptr_null(boot_image_open(k.path, NULL, NULL, RAM_SIZE));
    tmp_remove(&k);
}
END_TEST

/* ---- synthetic Multiboot kernels ------------------------------------------ */

static void mb_header(uint8_t *p, uint32_t flags)
{
    st32(p, 0x1badb002);
    st32(p + 4, flags);
    st32(p + 8, (uint32_t)-(0x1badb002u + flags));
}

/* ELF32 with two PT_LOAD segments linked at 0xC0100000 (virtual) and loaded
 * at 1 MiB (physical): text 0x2000 bytes, then data 0x800 file bytes + bss
 * up to 0x3000; entry at virtual 0xC0100010. */
enum { ELF_TEXT_OFF = 0x1000, ELF_DATA_OFF = 0x3000, ELF_SIZE = 0x3800 };

static uint8_t *fake_elf(size_t *len)
{
    *len = ELF_SIZE;
    uint8_t *p = xzalloc(ELF_SIZE);
    for (uint32_t i = ELF_TEXT_OFF; i < ELF_SIZE; i++)
        p[i] = pat(i, 3);
    memcpy(p, "\x7f" "ELF", 4);
    p[4] = 1; p[5] = 1; p[6] = 1;
    st16(p + 16, 2);                              /* ET_EXEC */
    st16(p + 18, 3);                              /* EM_386 */
    st32(p + 20, 1);
    st32(p + 24, 0xc0100010);                     /* e_entry (virtual) */
    st32(p + 28, 52);                             /* e_phoff */
    st16(p + 40, 52);
    st16(p + 42, 32);
    st16(p + 44, 3);                              /* 2 PT_LOAD + 1 PT_NOTE */
    uint8_t *ph = p + 52;
    st32(ph, 1); st32(ph + 4, ELF_TEXT_OFF); st32(ph + 8, 0xc0100000); st32(ph + 12, 0x100000);
    st32(ph + 16, 0x2000); st32(ph + 20, 0x2000);
    ph += 32;
    st32(ph, 1); st32(ph + 4, ELF_DATA_OFF); st32(ph + 8, 0xc0102000); st32(ph + 12, 0x102000);
    st32(ph + 16, 0x800); st32(ph + 20, 0x3000);
    ph += 32;
    st32(ph, 4); st32(ph + 4, 0); st32(ph + 8, 0); st32(ph + 12, 0);
    st32(ph + 16, 0x10); st32(ph + 20, 0x10);
    mb_header(p + ELF_TEXT_OFF + 0x100, 0x00000003);
    return p;
}

START_TEST(multiboot_elf_info_and_modules)
{
    Bench *b = bench_new(RAM_MB * 1024);
    AddrSpace *mem = machine_mem(bench_machine(b));
    uint8_t *ram = bench_ram(b);
    memset(ram + 0x100000, 0xaa, 0x10000);        /* bss must come out zero */
    size_t len;
    uint8_t *img = fake_elf(&len);
    TmpFile k, m1, m2;
    tmp_write(&k, img, len);
    uint8_t mod1[5000], mod2[100];
    for (uint32_t i = 0; i < sizeof mod1; i++)
        mod1[i] = pat(i, 4);
    for (uint32_t i = 0; i < sizeof mod2; i++)
        mod2[i] = pat(i, 5);
    tmp_write(&m1, mod1, sizeof mod1);
    tmp_write(&m2, mod2, sizeof mod2);
    char mods[256];
    snprintf(mods, sizeof mods, "%s arg1 a,,b,%s", m1.path, m2.path);
    BootImage *bi = boot_image_open(k.path, mods, "int 100", RAM_SIZE);
    ck_assert_ptr_nonnull(bi);
    ck_assert_int_eq(bi->kind, BOOT_MULTIBOOT);
    ck_assert_int_eq(bi->nseg, 2);
    ck_assert_uint_eq(bi->entry, 0x100010);       /* virtual -> physical */
    boot_image_install(bi, mem);

    ck_assert_int_eq(memcmp(ram + 0x100000, img + ELF_TEXT_OFF, 0x2000), 0);
    ck_assert_int_eq(memcmp(ram + 0x102000, img + ELF_DATA_OFF, 0x800), 0);
    for (uint32_t i = 0x800; i < 0x3000; i++)
        ck_assert_uint_eq(ram[0x102000 + i], 0);
    ck_assert_uint_eq(ram[0x104fff], 0);          /* last byte of the bss */

    /* The information structure. */
    uint32_t info = 0x8000;
    uint32_t flags = rd32_phys(b, info);
    ck_assert_uint_eq(flags, (1u << 0) | (1u << 2) | (1u << 3) | (1u << 6) | (1u << 9));
    ck_assert_uint_eq(rd32_phys(b, info + 4), 639);
    ck_assert_uint_eq(rd32_phys(b, info + 8), (RAM_SIZE - 0x100000) >> 10);
    char want[256];
    snprintf(want, sizeof want, "%s int 100", k.path);
    ck_assert_str_eq((char *)ram + rd32_phys(b, info + 16), want);
    ck_assert_str_eq((char *)ram + rd32_phys(b, info + 64), "emu");
    /* Memory map = the E820 map. */
    E820 map[E820_MAX];
    int n = e820_map(RAM_SIZE, map);
    ck_assert_uint_eq(rd32_phys(b, info + 44), 24u * (uint32_t)n);
    uint32_t mm = rd32_phys(b, info + 48);
    for (int i = 0; i < n; i++) {
        uint32_t e = mm + 24u * (uint32_t)i;
        ck_assert_uint_eq(rd32_phys(b, e), 20);
        ck_assert_uint_eq(rd32_phys(b, e + 4) | (uint64_t)rd32_phys(b, e + 8) << 32, map[i].base);
        ck_assert_uint_eq(rd32_phys(b, e + 12) | (uint64_t)rd32_phys(b, e + 16) << 32, map[i].len);
        ck_assert_uint_eq(rd32_phys(b, e + 20), map[i].type);
    }
    /* Modules: page aligned after the image, strings as given. */
    ck_assert_uint_eq(rd32_phys(b, info + 20), 2);
    uint32_t ml = rd32_phys(b, info + 24);
    uint32_t s1 = rd32_phys(b, ml), e1 = rd32_phys(b, ml + 4);
    uint32_t s2 = rd32_phys(b, ml + 16), e2 = rd32_phys(b, ml + 20);
    ck_assert_uint_eq(s1, 0x105000);
    ck_assert_uint_eq(e1, 0x105000 + sizeof mod1);
    ck_assert_uint_eq(s2, 0x107000);
    ck_assert_uint_eq(e2, 0x107000 + sizeof mod2);
    ck_assert_int_eq(memcmp(ram + s1, mod1, sizeof mod1), 0);
    ck_assert_int_eq(memcmp(ram + s2, mod2, sizeof mod2), 0);
    snprintf(want, sizeof want, "%s arg1 a,b", m1.path);
    ck_assert_str_eq((char *)ram + rd32_phys(b, ml + 8), want);
    ck_assert_str_eq((char *)ram + rd32_phys(b, ml + 24), m2.path);

    /* The trampoline: LGDT of its own flat GDT, far jump to 32-bit code
     * that sets EAX/EBX and jumps through the entry dword. */
    const uint8_t *t = ram + 0x7c00;
    ck_assert_uint_eq(ld16(t + 4), 0x7c60);       /* lgdt [7C60h] */
    ck_assert_uint_eq(ld16(ram + 0x7c60), 23);
    ck_assert_uint_eq(ld32(ram + 0x7c62), 0x7c48);
    ck_assert_uint_eq(ld32(ram + 0x7c50), 0x0000ffff);
    ck_assert_uint_eq(ld32(ram + 0x7c54), 0x00cf9a00);
    ck_assert_uint_eq(ld32(ram + 0x7c5c), 0x00cf9200);
    ck_assert_uint_eq(ld32(t + 0x2d), 0x2badb002);
    ck_assert_uint_eq(ld32(t + 0x32), info);
    ck_assert_uint_eq(ld32(t + 0x40), 0x100010);

    boot_image_free(bi);
    free(img);
    tmp_remove(&k);
    tmp_remove(&m1);
    tmp_remove(&m2);
    bench_free(b);
}
END_TEST

/* a.out kludge: header at file offset 0x40, image loaded at 2 MiB. */
static uint8_t *fake_aout(size_t *len, uint32_t load_end, uint32_t bss_end)
{
    *len = 0x1000;
    uint8_t *p = xzalloc(*len);
    for (uint32_t i = 0; i < *len; i++)
        p[i] = pat(i, 6);
    uint8_t *h = p + 0x40;
    mb_header(h, 0x00010002);
    st32(h + 12, 0x200040);                       /* header_addr */
    st32(h + 16, 0x200000);                       /* load_addr */
    st32(h + 20, load_end);
    st32(h + 24, bss_end);
    st32(h + 28, 0x200080);                       /* entry_addr */
    return p;
}

START_TEST(multiboot_aout_kludge)
{
    Bench *b = bench_new(RAM_MB * 1024);
    AddrSpace *mem = machine_mem(bench_machine(b));
    uint8_t *ram = bench_ram(b);
    memset(ram + 0x200000, 0xaa, 0x2000);
    size_t len;
    uint8_t *img = fake_aout(&len, 0x200c00, 0x201400);
    TmpFile k;
    tmp_write(&k, img, len);
    BootImage *bi = boot_image_open(k.path, NULL, NULL, RAM_SIZE);
    ck_assert_ptr_nonnull(bi);
    ck_assert_uint_eq(bi->entry, 0x200080);
    boot_image_install(bi, mem);
    ck_assert_int_eq(memcmp(ram + 0x200000, img, 0xc00), 0);
    for (uint32_t i = 0xc00; i < 0x1400; i++)
        ck_assert_uint_eq(ram[0x200000 + i], 0);
    ck_assert_uint_eq(ram[0x201400], 0xaa);
    /* No -append: the command line is the kernel path alone; no modules. */
    ck_assert_str_eq((char *)ram + rd32_phys(b, 0x8000 + 16), k.path);
    ck_assert_uint_eq(rd32_phys(b, 0x8000) & (1u << 3), 0);
    boot_image_free(bi);
    tmp_remove(&k);
    free(img);

    /* load_end_addr 0: to the end of the file; bss_end_addr 0: none. */
    img = fake_aout(&len, 0, 0);
    tmp_write(&k, img, len);
    bi = boot_image_open(k.path, NULL, "x", RAM_SIZE);
    ck_assert_ptr_nonnull(bi);
    ck_assert_uint_eq(bi->seg[0].filesz, 0x1000);
    ck_assert_uint_eq(bi->seg[0].memsz, 0x1000);
    boot_image_free(bi);
    tmp_remove(&k);
    free(img);
    bench_free(b);
}
END_TEST

static BootImage *open_buf(const uint8_t *img, size_t len, const char *mods, uint32_t ram_size)
{
    TmpFile k;
    tmp_write(&k, img, len);
    BootImage *bi = boot_image_open(k.path, mods, NULL, ram_size);
    tmp_remove(&k);
    return bi;
}

START_TEST(multiboot_errors)
{
    size_t len;
    uint8_t *img = fake_elf(&len);
    /* Bad checksum. */
    st32(img + ELF_TEXT_OFF + 0x108, 0x12345678);
    ck_assert_ptr_null(open_buf(img, len, NULL, RAM_SIZE));
    free(img);
    /* Header beyond the first 8 KiB is not looked for. */
    uint8_t far[0x3000];
    memset(far, 0, sizeof far);
    mb_header(far + 0x2000, 0x10000);
    ck_assert_ptr_null(open_buf(far, sizeof far, NULL, RAM_SIZE));
    /* Unsupported required feature (flag bit 3). */
    img = fake_elf(&len);
    mb_header(img + ELF_TEXT_OFF + 0x100, 0x00000008);
    ck_assert_ptr_null(open_buf(img, len, NULL, RAM_SIZE));
    free(img);
    /* Truncated ELF: the data segment runs past the end. */
    img = fake_elf(&len);
    ck_assert_ptr_null(open_buf(img, ELF_DATA_OFF + 0x100, NULL, RAM_SIZE));
    /* Program headers past the end. */
    st32(img + 28, 0x10000);
    ck_assert_ptr_null(open_buf(img, len, NULL, RAM_SIZE));
    free(img);
    /* ELF64. */
    img = fake_elf(&len);
    img[4] = 2;
    ck_assert_ptr_null(open_buf(img, len, NULL, RAM_SIZE));
    free(img);
    /* Loads below 1 MiB. */
    img = fake_elf(&len);
    st32(img + 52 + 12, 0x10000);
    ck_assert_ptr_null(open_buf(img, len, NULL, RAM_SIZE));
    free(img);
    /* Does not fit the RAM. */
    img = fake_elf(&len);
    ck_assert_ptr_null(open_buf(img, len, NULL, 1u << 20));
    free(img);
    /* a.out: load_end_addr past the end of the file. */
    img = fake_aout(&len, 0x202000, 0);
    ck_assert_ptr_null(open_buf(img, len, NULL, RAM_SIZE));
    free(img);
    /* a.out: header_addr below load_addr. */
    img = fake_aout(&len, 0, 0);
    st32(img + 0x40 + 12, 0x1ff000);
    mb_header(img + 0x40, 0x00010002);
    ck_assert_ptr_null(open_buf(img, len, NULL, RAM_SIZE));
    free(img);
    /* A module that does not fit, and a missing one. */
    img = fake_elf(&len);
    uint8_t *big = xzalloc(2u << 20);
    TmpFile m;
    tmp_write(&m, big, 2u << 20);
    free(big);
    ck_assert_ptr_null(open_buf(img, len, m.path, 3u << 20));
    tmp_remove(&m);
    ck_assert_ptr_null(open_buf(img, len, "/nonexistent/module arg", RAM_SIZE));
    free(img);
    /* Accepted: a bss-only segment whose p_offset lies past the file end. */
    img = fake_elf(&len);
    st32(img + 52 + 32 + 4, 0x100000);
    st32(img + 52 + 32 + 16, 0);
    BootImage *bi = open_buf(img, len, NULL, RAM_SIZE);
    ck_assert_ptr_nonnull(bi);
    boot_image_free(bi);
    free(img);
}
END_TEST

/* ---- through the BIOS ------------------------------------------------------ */

START_TEST(int19_boots_linux_setup)
{
    Bench *b = bench_new(RAM_MB * 1024);
    Machine *m = bench_machine(b);
    CpuState *cpu = cpu_create(machine_mem(m), machine_io(m));
    size_t len;
    FakeLinux fl = linux_default;
    uint8_t *img = fake_bzimage(&fl, &len);
    TmpFile k;
    tmp_write(&k, img, len);
    free(img);
    BiosConfig cfg = { .ram_size = RAM_SIZE, .boot_order = "c", .kernel = k.path,
                       .append = "console=ttyS0" };
    Bios *bios = bios_create(m, cpu, &cfg);
    tmp_remove(&k);
    ck_assert_ptr_nonnull(bios);
    cpu_reset(cpu);
    cpu_set_seg_real(cpu, SEG_SS, 0);
    cpu->regs[R_ESP] = 0x7000;
    cpu->regs[R_EDX] = 1;                         /* CPUID.1 EDX for POST */
    ck_assert(bios_call(bios, cpu, SVC_POST));
    cpu_set_eflags(cpu, EFLAGS_ZF | 2);
    ck_assert(bios_call(bios, cpu, SVC_INT19));
    ck_assert_uint_eq(cpu_get_eflags(cpu) & EFLAGS_ZF, 0);   /* the stub jumps */
    ck_assert_str_eq((char *)bench_ram(b) + 0x20000, "console=ttyS0");
    ck_assert_uint_eq(bench_ram(b)[0x10210], 0xff);

    /* Run the trampoline as the INT 19h stub leaves it: CS = 0, IP = 7C00h. */
    cpu_set_seg_real(cpu, SEG_CS, 0);
    cpu->eip = 0x7c00;
    cpu_set_eflags(cpu, 2 | EFLAGS_IF);
    for (int i = 0; i < 20 && cpu->seg[SEG_CS].sel != 0x1020; i++)
        cpu_step(cpu);
    ck_assert_uint_eq(cpu->seg[SEG_CS].sel, 0x1020);
    ck_assert_uint_eq(cpu->eip, 0);
    ck_assert_uint_eq(cpu->seg[SEG_SS].sel, 0x1000);
    ck_assert_uint_eq(cpu->seg[SEG_DS].sel, 0x1000);
    ck_assert_uint_eq(cpu->seg[SEG_ES].sel, 0x1000);
    ck_assert_uint_eq(cpu->seg[SEG_FS].sel, 0x1000);
    ck_assert_uint_eq(cpu->seg[SEG_GS].sel, 0x1000);
    ck_assert_uint_eq(cpu->regs[R_ESP], 0xfe00);
    ck_assert_uint_eq(cpu_get_eflags(cpu) & EFLAGS_IF, 0);
    bench_free(b);
    cpu_free(cpu);
}
END_TEST

START_TEST(int19_enters_multiboot_kernel)
{
    Bench *b = bench_new(RAM_MB * 1024);
    Machine *m = bench_machine(b);
    CpuState *cpu = cpu_create(machine_mem(m), machine_io(m));
    size_t len;
    uint8_t *img = fake_elf(&len);
    TmpFile k;
    tmp_write(&k, img, len);
    free(img);
    BiosConfig cfg = { .ram_size = RAM_SIZE, .boot_order = "a", .kernel = k.path };
    Bios *bios = bios_create(m, cpu, &cfg);
    tmp_remove(&k);
    ck_assert_ptr_nonnull(bios);
    cpu_reset(cpu);
    cpu_set_seg_real(cpu, SEG_SS, 0);
    cpu->regs[R_ESP] = 0x7000;
    cpu->regs[R_EDX] = 1;
    ck_assert(bios_call(bios, cpu, SVC_POST));
    ck_assert(bios_call(bios, cpu, SVC_INT19));
    ck_assert_uint_eq(cpu_get_eflags(cpu) & EFLAGS_ZF, 0);

    /* As the INT 19h stub leaves it: CS = DS = 0, IP = 7C00h, IF = 1. */
    cpu_set_seg_real(cpu, SEG_CS, 0);
    cpu_set_seg_real(cpu, SEG_DS, 0);
    cpu->eip = 0x7c00;
    cpu_set_eflags(cpu, 2 | EFLAGS_IF);
    for (int i = 0; i < 40 && cpu->eip != 0x100010; i++)
        cpu_step(cpu);
    ck_assert_uint_eq(cpu->eip, 0x100010);
    ck_assert_uint_eq(cpu->cr[0] & (CR0_PE | CR0_PG), CR0_PE);
    ck_assert_uint_eq(cpu->regs[R_EAX], 0x2badb002);
    ck_assert_uint_eq(cpu->regs[R_EBX], 0x8000);
    ck_assert_uint_eq(cpu->seg[SEG_CS].sel, 0x08);
    ck_assert_uint_eq(cpu->seg[SEG_CS].base, 0);
    ck_assert_uint_eq(cpu->seg[SEG_CS].limit, 0xffffffffu);
    ck_assert_uint_eq(cpu->seg[SEG_CS].flags & 0x4000, 0x4000);  /* 32-bit */
    for (int sr = 0; sr < SEG_COUNT; sr++) {
        if (sr == SEG_CS)
            continue;
        ck_assert_uint_eq(cpu->seg[sr].sel, 0x10);
        ck_assert_uint_eq(cpu->seg[sr].base, 0);
        ck_assert_uint_eq(cpu->seg[sr].limit, 0xffffffffu);
    }
    ck_assert_uint_eq(cpu_get_eflags(cpu) & (EFLAGS_IF | EFLAGS_VM), 0);
    bench_free(b);
    cpu_free(cpu);
}
END_TEST

START_TEST(bios_create_refuses_bad_kernel)
{
    Bench *b = bench_new(1024);
    Machine *m = bench_machine(b);
    CpuState *cpu = cpu_create(machine_mem(m), machine_io(m));
    BiosConfig cfg = { .ram_size = 1u << 20, .kernel = "/nonexistent/bzImage" };
    ck_assert_ptr_null(bios_create(m, cpu, &cfg));
    ck_assert_int_eq(machine_device_count(m), 0);
    bench_free(b);
    cpu_free(cpu);
}
END_TEST

Suite *loader_suite(void)
{
    Suite *s = suite_create("loader");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, linux_layout_and_header);
    tcase_add_test(tc, linux_fields_and_limits);
    tcase_add_test(tc, linux_errors);
    tcase_add_test(tc, multiboot_elf_info_and_modules);
    tcase_add_test(tc, multiboot_aout_kludge);
    tcase_add_test(tc, multiboot_errors);
    tcase_add_test(tc, int19_boots_linux_setup);
    tcase_add_test(tc, int19_enters_multiboot_kernel);
    tcase_add_test(tc, bios_create_refuses_bad_kernel);
    suite_add_tcase(s, tc);
    return s;
}
