/*
 * ui/demo.c - the built-in demo floppy (see demo.h). The image bytes come
 * from ui/demo_disk.S, which includes the assembled tests/guests/demo.S.
 */
#include "ui/demo.h"

extern const uint8_t emu_demo_img[];
extern const uint8_t emu_demo_img_end[];

BlockBackend *demo_disk_open(void)
{
    size_t len = (size_t)(emu_demo_img_end - emu_demo_img);
    return blk_new_mem_copy(emu_demo_img, len, 1474560, "built-in demo");
}
