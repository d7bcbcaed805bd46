/*
 * bios/loader.h - direct kernel loading (-kernel, -initrd, -append): a
 * Linux bzImage through the x86 boot protocol's 16-bit entry
 * (bios/linuxboot.c) or a Multiboot v1 kernel (bios/multiboot.c). The BIOS
 * reads and checks the files once at creation (bios_create) and copies them
 * into guest RAM each time INT 19h boots, so a guest reboot starts from
 * fresh images; INT 19h then jumps to a short real-mode trampoline at
 * 0000:7C00 that enters the kernel.
 *
 * Models:      see bios/linuxboot.c and bios/multiboot.c.
 * Not modeled: the Linux 32/64-bit boot entries, EFI handover, Multiboot 2,
 *              ELF64 kernels.
 * Spec:        Linux Documentation/x86/boot.rst; the Multiboot
 *              Specification version 0.6.96.
 */
#ifndef BIOS_LOADER_H
#define BIOS_LOADER_H

#include "emu.h"
#include "memory/bus.h"

/* Guest physical layout. The trampoline sits where a boot sector would. */
enum {
    BOOT_TRAMPOLINE = 0x7c00,         /* entry code (+ GDT for Multiboot) */
    LINUX_SETUP_ADDR = 0x10000,       /* real-mode kernel: boot sector + setup */
    LINUX_HEAP_END = 0xfe00,          /* setup heap/stack end, offset in its segment */
    LINUX_CMDLINE_ADDR = 0x20000,     /* just above the setup segment */
    LINUX_CMDLINE_END = 0x90000,
    LINUX_KERNEL_ADDR = 0x100000,     /* protected-mode kernel (LOADED_HIGH) */
    MB_INFO_ADDR = 0x8000,            /* Multiboot info, mmap, strings, modules */
    MB_INFO_END = 0x90000,
    MB_LOW_LIMIT = 0x100000,          /* Multiboot images load at 1 MiB or above */
    MB_MAX_SEGS = 16,
};

typedef enum BootKind { BOOT_LINUX = 1, BOOT_MULTIBOOT = 2 } BootKind;

/* One host file held in memory. */
typedef struct BootFile {
    char *path;
    uint8_t *data;
    size_t size;
} BootFile;

/* A piece of a Multiboot image: file bytes at data[off, off+filesz) go to
 * paddr, the rest up to memsz is zeroed (.bss). */
typedef struct MbSegment {
    uint32_t paddr, filesz, memsz;
    size_t off;
} MbSegment;

typedef struct MbModule {
    BootFile file;
    char *string;             /* "FILE ARGS" as given, for the module's string */
    uint32_t addr;            /* where it is placed */
} MbModule;

typedef struct BootImage {
    BootKind kind;
    BootFile kernel;
    char *append;             /* -append, "" when not given */
    uint32_t ram_size;

    /* Linux */
    uint16_t version;         /* boot protocol, e.g. 0x020c */
    uint32_t setup_size;      /* (setup_sects + 1) * 512 */
    uint32_t cmdline_max;     /* cmdline_size of the header */
    BootFile initrd;          /* data NULL: none */
    uint32_t initrd_addr;

    /* Multiboot */
    uint32_t mb_flags;        /* the header's flags */
    MbSegment seg[MB_MAX_SEGS];
    int nseg;
    uint32_t entry;           /* physical entry point */
    uint32_t image_end;       /* end of the highest segment */
    MbModule *mods;
    int nmods;
} BootImage;

/*
 * Read the kernel (and initrd or modules) and check that they can boot in
 * ram_size bytes of RAM. initrd and append may be NULL. On failure prints
 * one line "emu: FILE: WHAT" and returns NULL.
 */
BootImage *boot_image_open(const char *kernel, const char *initrd, const char *append,
                           uint32_t ram_size);
void boot_image_free(BootImage *bi);

/*
 * Copy everything into guest physical memory (the A20 gate is forced open
 * while copying and then restored) and write the entry trampoline at
 * BOOT_TRAMPOLINE: real-mode code to be jumped to with CS = 0.
 */
void boot_image_install(const BootImage *bi, AddrSpace *mem);

/* ---- Shared by the loaders (bios/loader.c) --------------------------------- */

/* Read a whole file of at most max bytes; false after an error line.
 * 'what' names it in the message ("kernel", "initrd"). */
bool loader_read_file(BootFile *f, const char *path, const char *what, uint32_t max);
void loader_free_file(BootFile *f);
static inline uint16_t ld16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }
static inline uint32_t ld32(const uint8_t *p) { return ld16(p) | (uint32_t)ld16(p + 2) << 16; }
static inline void st16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static inline void st32(uint8_t *p, uint32_t v) { st16(p, (uint16_t)v); st16(p + 2, (uint16_t)(v >> 16)); }

/* Each returns 1 (recognised and valid: bi filled), 0 (not this format) or
 * -1 (this format but unusable: error line printed). */
int linux_probe(BootImage *bi, const char *initrd);
int multiboot_probe(BootImage *bi, const char *modules);
/* True for what looks like a Linux kernel older than boot protocol 2.00. */
bool linux_pre_2_00(const BootImage *bi);
void linux_install(const BootImage *bi, AddrSpace *mem);
void multiboot_install(const BootImage *bi, AddrSpace *mem);

#endif
