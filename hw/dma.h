/*
 * hw/dma.h - the PC/AT's two Intel 8237A DMA controllers (channels 0-3
 * byte-wide at 0x00-0x0F, channels 4-7 word-wide at 0xC0-0xDF, channel 4
 * the cascade) and the 74LS612 page registers at 0x81-0x8F.
 */
#ifndef HW_DMA_H
#define HW_DMA_H

#include "hw/machine.h"

typedef struct Dma Dma;

/* Mode register transfer type (bits 3-2), as dma_channel_mode() returns. */
enum {
    DMA_TRANSFER_VERIFY = 0,    /* addresses and count move, no data */
    DMA_TRANSFER_WRITE  = 1,    /* device -> memory (e.g. floppy read) */
    DMA_TRANSFER_READ   = 2,    /* memory -> device (e.g. floppy write) */
};

Dma *dma_create(Machine *m);

/*
 * A device with DREQ active moves up to 'len' bytes through 'channel' (0-7):
 * into guest memory from 'buf' when the channel is programmed for a write
 * transfer, from guest memory into 'buf' for a read transfer. 'to_memory'
 * is the device's idea of the direction; when it disagrees with the mode
 * register the addresses and count still advance but no data moves.
 * Stops at terminal count (setting TC and, without autoinitialize, the
 * channel's mask bit) or keeps going from the base registers when
 * autoinitialize is programmed. 16-bit channels move whole words.
 * Returns the number of bytes of 'buf' consumed or filled; 0 when the
 * channel is masked or its controller disabled.
 */
size_t dma_transfer(Dma *d, int channel, void *buf, size_t len, bool to_memory);

/* The channel reached terminal count since its count was last written. */
bool dma_channel_tc(Dma *d, int channel);
/* The channel's mask bit is set (the device must not expect transfers). */
bool dma_channel_masked(Dma *d, int channel);
/* The channel's transfer type (DMA_TRANSFER_*), or -1 for a bad channel. */
int dma_channel_mode(Dma *d, int channel);

#endif
