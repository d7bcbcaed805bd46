/*
 * ui/demo.h - the built-in demo floppy that emu boots when no disk is given
 * (tests/guests/demo.S, assembled at build time and embedded in the binary).
 */
#ifndef UI_DEMO_H
#define UI_DEMO_H

#include "hw/backend.h"

/* A fresh 1.44 MB in-memory floppy holding the demo; the caller closes it. */
BlockBackend *demo_disk_open(void);

#endif
