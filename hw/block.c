/*
 * hw/block.c - raw disk image backends (see backend.h).
 *
 * Models: a raw image file read with pread/pwrite, opened read-write when
 * possible and read-only otherwise; -snapshot mode keeps written sectors in a
 * sparse in-memory overlay (512-byte granules in a hash table) so the file
 * is never modified; memory-backed images for tests.
 * Not modelled: image formats other than raw (copy-on-write files come
 * with the VM-state work).
 */
#include "hw/backend.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define GRAIN 512u
#define OVL_BUCKETS 4096u

typedef struct OvlGrain {
    uint64_t index;
    struct OvlGrain *next;
    uint8_t data[GRAIN];
} OvlGrain;

struct BlockBackend {
    char *name;
    int fd;                 /* -1 for memory backends */
    uint8_t *mem;
    uint64_t size;
    bool read_only;
    bool snapshot;
    bool owns_mem;
    OvlGrain **ovl;         /* snapshot overlay, OVL_BUCKETS chains */
};

BlockBackend *blk_open(const char *path, bool read_only, bool snapshot,
                       char *err, size_t errlen)
{
    bool ro = read_only;
    int fd = -1;
    if (!read_only && !snapshot) {
        fd = open(path, O_RDWR);
        if (fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM))
            ro = true;      /* a write-protected image: the guest sees it so */
        else if (fd < 0) {
            snprintf(err, errlen, "%s", strerror(errno));
            return NULL;
        }
    }
    if (fd < 0)
        fd = open(path, O_RDONLY);
    if (fd < 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "not a regular file");
        close(fd);
        return NULL;
    }
    BlockBackend *b = xzalloc(sizeof *b);
    b->name = xstrdup(path);
    b->fd = fd;
    b->size = (uint64_t)st.st_size;
    b->read_only = ro;
    b->snapshot = snapshot;
    if (snapshot)
        b->ovl = xzalloc(OVL_BUCKETS * sizeof *b->ovl);
    return b;
}

BlockBackend *blk_new_mem(uint8_t *buf, uint64_t size, bool read_only)
{
    BlockBackend *b = xzalloc(sizeof *b);
    b->name = xstrdup("memory");
    b->fd = -1;
    b->mem = buf;
    b->size = size;
    b->read_only = read_only;
    return b;
}

BlockBackend *blk_new_mem_copy(const void *data, size_t len, uint64_t size, const char *name)
{
    uint8_t *buf = xzalloc(size);
    memcpy(buf, data, len < size ? len : size);
    BlockBackend *b = blk_new_mem(buf, size, false);
    b->owns_mem = true;
    free(b->name);
    b->name = xstrdup(name);
    return b;
}

void blk_close(BlockBackend *b)
{
    if (!b)
        return;
    if (b->owns_mem)
        free(b->mem);
    if (b->ovl) {
        for (unsigned i = 0; i < OVL_BUCKETS; i++) {
            OvlGrain *g = b->ovl[i];
            while (g) {
                OvlGrain *n = g->next;
                free(g);
                g = n;
            }
        }
        free(b->ovl);
    }
    if (b->fd >= 0)
        close(b->fd);
    free(b->name);
    free(b);
}

uint64_t blk_size(BlockBackend *b) { return b->size; }
bool blk_read_only(BlockBackend *b) { return b->read_only; }
const char *blk_name(BlockBackend *b) { return b->name; }

static OvlGrain *ovl_find(BlockBackend *b, uint64_t index, bool create)
{
    OvlGrain **pp = &b->ovl[index % OVL_BUCKETS];
    for (OvlGrain *g = *pp; g; g = g->next)
        if (g->index == index)
            return g;
    if (!create)
        return NULL;
    OvlGrain *g = xzalloc(sizeof *g);
    g->index = index;
    g->next = *pp;
    *pp = g;
    return g;
}

static int raw_read(BlockBackend *b, uint64_t off, uint8_t *buf, size_t len)
{
    if (b->mem) {
        memcpy(buf, b->mem + off, len);
        return 0;
    }
    while (len) {
        ssize_t n = pread(b->fd, buf, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        buf += n;
        off += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

static int raw_write(BlockBackend *b, uint64_t off, const uint8_t *buf, size_t len)
{
    if (b->mem) {
        memcpy(b->mem + off, buf, len);
        return 0;
    }
    while (len) {
        ssize_t n = pwrite(b->fd, buf, len, (off_t)off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        buf += n;
        off += (uint64_t)n;
        len -= (size_t)n;
    }
    return 0;
}

int blk_read(BlockBackend *b, uint64_t off, void *buf, size_t len)
{
    if (off > b->size || len > b->size - off)
        return -1;
    if (!b->ovl)
        return raw_read(b, off, buf, len);
    uint8_t *p = buf;
    while (len) {
        uint64_t idx = off / GRAIN;
        size_t in = (size_t)(off % GRAIN);
        size_t chunk = GRAIN - in < len ? GRAIN - in : len;
        OvlGrain *g = ovl_find(b, idx, false);
        if (g)
            memcpy(p, g->data + in, chunk);
        else if (raw_read(b, off, p, chunk) < 0)
            return -1;
        p += chunk;
        off += chunk;
        len -= chunk;
    }
    return 0;
}

int blk_write(BlockBackend *b, uint64_t off, const void *buf, size_t len)
{
    if (b->read_only || off > b->size || len > b->size - off)
        return -1;
    if (!b->ovl)
        return raw_write(b, off, buf, len);
    const uint8_t *p = buf;
    while (len) {
        uint64_t idx = off / GRAIN;
        size_t in = (size_t)(off % GRAIN);
        size_t chunk = GRAIN - in < len ? GRAIN - in : len;
        OvlGrain *g = ovl_find(b, idx, false);
        if (!g) {
            g = ovl_find(b, idx, true);
            uint64_t gstart = idx * GRAIN;
            size_t glen = b->size - gstart < GRAIN ? (size_t)(b->size - gstart) : GRAIN;
            if (raw_read(b, gstart, g->data, glen) < 0)
                return -1;
        }
        memcpy(g->data + in, p, chunk);
        p += chunk;
        off += chunk;
        len -= chunk;
    }
    return 0;
}

int blk_flush(BlockBackend *b)
{
    if (b->fd >= 0 && !b->ovl && !b->read_only)
        return fsync(b->fd);
    return 0;
}
