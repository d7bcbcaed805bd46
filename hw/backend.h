/*
 * hw/backend.h - what devices see of the host: block devices (disk images),
 * character streams (serial ports, debug console) and input (keyboard).
 *
 * Devices receive backends through their *_create() arguments; the UI and
 * the board create them from the command line. Tests use memory-backed ones.
 */
#ifndef HW_BACKEND_H
#define HW_BACKEND_H

#include "emu.h"

/* ---- Block devices -------------------------------------------------------- */

typedef struct BlockBackend BlockBackend;

/*
 * Open a raw image. 'snapshot' keeps all writes in memory (-snapshot); a
 * read-only file opens read-only. On failure returns NULL and writes a short
 * reason to err.
 */
BlockBackend *blk_open(const char *path, bool read_only, bool snapshot,
                       char *err, size_t errlen);
/* A backend over a caller-owned buffer (tests, embedded images). */
BlockBackend *blk_new_mem(uint8_t *buf, uint64_t size, bool read_only);
/* A backend that owns a zero-filled buffer of 'size' bytes starting with a
 * copy of data[0..len) (embedded images). */
BlockBackend *blk_new_mem_copy(const void *data, size_t len, uint64_t size, const char *name);
void blk_close(BlockBackend *b);
uint64_t blk_size(BlockBackend *b);
bool blk_read_only(BlockBackend *b);
const char *blk_name(BlockBackend *b);
/* Whole-range I/O; 0 on success, -1 on error or out of range. */
int blk_read(BlockBackend *b, uint64_t off, void *buf, size_t len);
int blk_write(BlockBackend *b, uint64_t off, const void *buf, size_t len);
int blk_flush(BlockBackend *b);

/* ---- Character streams -------------------------------------------------- */

/*
 * The host side sets write (guest -> host bytes). The device side attaches
 * with chr_attach so the host can push bytes in with chr_receive.
 */
typedef struct CharBackend {
    void (*write)(void *opaque, const uint8_t *buf, size_t len);
    void *opaque;
    /* device side */
    bool (*can_receive)(void *dev);
    void (*receive)(void *dev, uint8_t byte);
    void *dev;
} CharBackend;

static inline void chr_write(CharBackend *c, const uint8_t *buf, size_t len)
{
    if (c && c->write)
        c->write(c->opaque, buf, len);
}

static inline void chr_attach(CharBackend *c, bool (*can_receive)(void *),
                              void (*receive)(void *, uint8_t), void *dev)
{
    if (!c)
        return;
    c->can_receive = can_receive;
    c->receive = receive;
    c->dev = dev;
}

/* Host -> device. Returns false if the device cannot take the byte now. */
static inline bool chr_receive(CharBackend *c, uint8_t byte)
{
    if (!c || !c->receive || (c->can_receive && !c->can_receive(c->dev)))
        return false;
    c->receive(c->dev, byte);
    return true;
}

/* ---- Input ---------------------------------------------------------------- */

/*
 * Keyboard events use the PC/XT scan code set 1 make code as the universal
 * key number: 0x01 (Esc) ... 0x58 (F12), and 0xE0nn for the extended keys
 * (0xE048 cursor up, 0xE01D right Ctrl, ...). Pause is 0xE11D. The keyboard
 * device turns them into whatever its scan code set needs.
 */
typedef struct InputSink {
    void (*key)(void *dev, uint16_t keycode, bool down);
    /* Relative mouse motion and buttons (bit 0 left, 1 right, 2 middle). */
    void (*mouse)(void *dev, int dx, int dy, int dz, unsigned buttons);
    void *dev;
} InputSink;

#endif
