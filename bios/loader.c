/*
 * bios/loader.c - direct kernel loading, the common part: reading the host
 * files, telling a Linux bzImage from a Multiboot kernel, and installing the
 * chosen one into guest RAM (see bios/loader.h).
 *
 * Models:      the choice QEMU makes for -kernel: a file with the Linux
 *              "HdrS" setup header boots through the Linux boot protocol
 *              (memtest86+ is such a file, and also carries a Multiboot
 *              header: the Linux path wins, as its 16-bit setup is the most
 *              compatible entry); otherwise a valid Multiboot header in the
 *              first 8 KiB makes it a Multiboot kernel.
 * Not modeled: compressed (gzip) kernel files, kernels given as a pipe.
 * Spec:        Linux Documentation/x86/boot.rst; Multiboot Specification
 *              0.6.96 section 3.1.
 */
#include "bios/loader.h"

#include <errno.h>
#include <sys/stat.h>

bool loader_read_file(BootFile *f, const char *path, const char *what, uint32_t max)
{
    memset(f, 0, sizeof *f);
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        emu_error(path, "cannot open %s: %s", what, strerror(errno));
        return false;
    }
    struct stat st;
    if (fstat(fileno(fp), &st) < 0 || !S_ISREG(st.st_mode)) {
        emu_error(path, "%s is not a regular file", what);
        fclose(fp);
        return false;
    }
    if (st.st_size == 0) {
        emu_error(path, "%s is empty", what);
        fclose(fp);
        return false;
    }
    if ((uint64_t)st.st_size > max) {
        emu_error(path, "%s too large for RAM (%llu bytes, %u MiB of RAM)", what,
                  (unsigned long long)st.st_size, max >> 20);
        fclose(fp);
        return false;
    }
    f->size = (size_t)st.st_size;
    f->data = xzalloc(f->size);
    if (fread(f->data, 1, f->size, fp) != f->size) {
        emu_error(path, "cannot read %s: %s", what, ferror(fp) ? strerror(errno) : "short read");
        fclose(fp);
        free(f->data);
        f->data = NULL;
        return false;
    }
    fclose(fp);
    f->path = xstrdup(path);
    return true;
}

void loader_free_file(BootFile *f)
{
    free(f->path);
    free(f->data);
    memset(f, 0, sizeof *f);
}

BootImage *boot_image_open(const char *kernel, const char *initrd, const char *append,
                           uint32_t ram_size)
{
    BootImage *bi = xzalloc(sizeof *bi);
    bi->ram_size = ram_size;
    bi->append = xstrdup(append ? append : "");
    if (!loader_read_file(&bi->kernel, kernel, "kernel", ram_size)) {
        boot_image_free(bi);
        return NULL;
    }
    int r = linux_probe(bi, initrd);
    if (r == 0)
        r = multiboot_probe(bi, initrd);
    if (r == 0 && linux_pre_2_00(bi))
        emu_error(kernel, "Linux boot protocol before 2.00 (no HdrS header) is not supported");
    else if (r == 0)
        emu_error(kernel, "not a Linux bzImage or Multiboot kernel");
    if (r <= 0) {
        boot_image_free(bi);
        return NULL;
    }
    return bi;
}

void boot_image_free(BootImage *bi)
{
    if (!bi)
        return;
    loader_free_file(&bi->kernel);
    loader_free_file(&bi->initrd);
    for (int i = 0; i < bi->nmods; i++) {
        loader_free_file(&bi->mods[i].file);
        free(bi->mods[i].string);
    }
    free(bi->mods);
    free(bi->append);
    free(bi);
}

void boot_image_install(const BootImage *bi, AddrSpace *mem)
{
    /* Images live above 1 MiB: with the gate closed they would wrap to 0. */
    bool a20 = mem_a20(mem);
    mem_set_a20(mem, true);
    if (bi->kind == BOOT_LINUX)
        linux_install(bi, mem);
    else
        multiboot_install(bi, mem);
    mem_set_a20(mem, a20);
}
