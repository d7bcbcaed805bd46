/*
 * hw/uart.h - NS16550A serial port (COM1-COM4).
 */
#ifndef HW_UART_H
#define HW_UART_H

#include "hw/backend.h"
#include "hw/irq.h"
#include "hw/machine.h"

typedef struct Uart Uart;

/*
 * A 16550A at ports base..base+7 raising 'irq' (gated by MCR OUT2 as on a
 * PC). 'chr' may be NULL (nothing attached); otherwise the UART attaches to
 * it so the host pushes received bytes with chr_receive().
 */
Uart *uart_create(Machine *m, uint16_t base, IrqLine irq, CharBackend *chr);
/* Paced (the default of uart_create): transmit takes one character time at
 * the programmed rate. Unpaced: characters leave at once (QEMU-like). */
void uart_set_paced(Uart *u, bool paced);

#endif
