/*
 * hw/piix.h - the Intel 82371SB PIIX3 PCI ISA IDE Xcelerator: function 0,
 * the PCI-to-ISA bridge with the PIRQ router, and function 1, the IDE
 * controller with its SFF-8038i bus master. (Its 8259s, 8254, 8237s, ELCR
 * and port 92h have their own files: pic.c, pit.c, dma.c, port92.c.)
 */
#ifndef HW_PIIX_H
#define HW_PIIX_H

#include "hw/ide.h"
#include "hw/pci.h"

typedef struct Piix3 Piix3;
typedef struct PiixIde PiixIde;

/* Function 0 (8086:7000) at devfn; becomes the bus's PIRQ router. */
Piix3 *piix3_create(Machine *m, PciBus *bus, int devfn);

/*
 * Function 1 (8086:7010) at devfn in legacy mode (prog-if 80h: the
 * channels stay at 1F0h/3F6h IRQ 14 and 170h/376h IRQ 15, created by the
 * board), with the bus master registers behind BAR4 serving DMA for
 * 'primary' and 'secondary' (either may be NULL).
 */
PiixIde *piix_ide_create(Machine *m, PciBus *bus, int devfn, Ide *primary, Ide *secondary);

#endif
