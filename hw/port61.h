/*
 * hw/port61.h - PC/AT System Control Port B (port 0x61): PIT counter 2
 * gate, speaker data enable, refresh toggle and counter 2 OUT.
 */
#ifndef HW_PORT61_H
#define HW_PORT61_H

#include "hw/machine.h"
#include "hw/pit.h"

typedef struct Port61 Port61;

/* Port 0x61 gating 'pit' counter 2 (pit may be NULL: bit 5 reads 0). */
Port61 *port61_create(Machine *m, Pit *pit);

/* True while the speaker is driven: gate and data enable set and counter 2
 * OUT high (for an audio backend sampling the square wave). */
bool port61_speaker_on(Port61 *p);

#endif
