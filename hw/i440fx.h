/*
 * hw/i440fx.h - the Intel 82441FX PCI and memory controller (PMC), the
 * host bridge of the i440FX chipset, at PCI 00:00.0.
 */
#ifndef HW_I440FX_H
#define HW_I440FX_H

#include "hw/pci.h"

typedef struct I440fx I440fx;

/* The host bridge as function 00:00.0 of 'bus'; ram_size sizes the DRB
 * registers the way a BIOS would have programmed them. */
I440fx *i440fx_create(Machine *m, PciBus *bus, uint32_t ram_size);

#endif
