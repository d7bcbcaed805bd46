/*
 * hw/uart.c: National Semiconductor PC16550D UART (the PC's COM ports).
 *
 * Models:      RBR/THR/IER/IIR/FCR/LCR/MCR/LSR/MSR/SCR and the DLAB divisor
 *              latch; 16-byte receive and transmit FIFOs with receive trigger
 *              levels 1/4/8/14 and the character timeout interrupt (no FIFO
 *              activity for 4 character times); the four interrupt sources
 *              with the datasheet priorities and IIR identification codes;
 *              THRE interrupt semantics (raised when the transmitter holding
 *              register/FIFO empties or when ETBEI is enabled with it empty,
 *              cleared by an IIR read that reports it or by a THR write);
 *              transmit timing: bytes reach the host at once, but the shift
 *              register is busy for one character time computed from the
 *              divisor and LCR, so THRE/TEMT follow the real chip on the
 *              virtual clock, or (unpaced, the PC board's choice) the wire
 *              is instant, see tx_load_tsr; receiver overrun (OE); loopback (MCR bit 4:
 *              TSR output enters the receiver, DTR/RTS/OUT1/OUT2 drive
 *              DSR/CTS/RI/DCD); MSR delta bits (DCTS, DDSR, TERI, DDCD); the
 *              PC's OUT2 gate between the chip's INTR and the ISA IRQ line.
 * Not modeled: parity/framing errors and break reception (the host side is
 *              a byte stream); DMA mode signalling (TXRDY/RXRDY pins); the
 *              baud rate of the host side (receive is paced by can_receive).
 * Spec:        National Semiconductor / TI PC16550D datasheet, "Register
 *              Description", Table II (IIR), Table IV (reset), "FIFO
 *              Interrupt Mode Operation"; IBM PC AT technical reference for
 *              the OUT2 interrupt gate.
 */
#include "hw/uart.h"

/* ---- Registers (datasheet names) ----------------------------------------- */
enum {
    UART_RBR = 0, UART_THR = 0, UART_DLL = 0,
    UART_IER = 1, UART_DLM = 1,
    UART_IIR = 2, UART_FCR = 2,
    UART_LCR = 3, UART_MCR = 4, UART_LSR = 5, UART_MSR = 6, UART_SCR = 7,
};

#define UART_IER_ERBFI  0x01    /* received data available */
#define UART_IER_ETBEI  0x02    /* transmitter holding register empty */
#define UART_IER_ELSI   0x04    /* receiver line status */
#define UART_IER_EDSSI  0x08    /* modem status */

#define UART_IIR_NO_INT 0x01
#define UART_IIR_MSI    0x00
#define UART_IIR_THRI   0x02
#define UART_IIR_RDI    0x04
#define UART_IIR_RLSI   0x06
#define UART_IIR_CTI    0x0C
#define UART_IIR_FIFO   0xC0    /* both FIFO-enabled bits */

#define UART_FCR_FE     0x01
#define UART_FCR_RFR    0x02    /* reset receive FIFO */
#define UART_FCR_TFR    0x04    /* reset transmit FIFO */

#define UART_LCR_WLS    0x03
#define UART_LCR_STB    0x04
#define UART_LCR_PEN    0x08
#define UART_LCR_DLAB   0x80

#define UART_MCR_DTR    0x01
#define UART_MCR_RTS    0x02
#define UART_MCR_OUT1   0x04
#define UART_MCR_OUT2   0x08
#define UART_MCR_LOOP   0x10

#define UART_LSR_DR     0x01
#define UART_LSR_OE     0x02
#define UART_LSR_PE     0x04
#define UART_LSR_FE     0x08
#define UART_LSR_BI     0x10
#define UART_LSR_THRE   0x20
#define UART_LSR_TEMT   0x40
#define UART_LSR_ERR    0x80
#define UART_LSR_INT_MASK (UART_LSR_OE | UART_LSR_PE | UART_LSR_FE | UART_LSR_BI)

#define UART_MSR_DCTS   0x01
#define UART_MSR_DDSR   0x02
#define UART_MSR_TERI   0x04
#define UART_MSR_DDCD   0x08
#define UART_MSR_CTS    0x10
#define UART_MSR_DSR    0x20
#define UART_MSR_RI     0x40
#define UART_MSR_DCD    0x80

#define UART_FIFO_LEN   16
#define UART_CLOCK_HZ   1843200u    /* PC crystal; baud = clock / (16 * divisor) */

/* ---- State ----------------------------------------------------------------- */
struct Uart {
    uint8_t  ier, lcr, mcr, lsr, msr, scr, fcr;
    uint16_t divisor;               /* DLM:DLL */
    uint8_t  rx_fifo[UART_FIFO_LEN];
    uint8_t  rx_head, rx_count;
    uint8_t  tx_fifo[UART_FIFO_LEN];    /* THR, or the transmit FIFO */
    uint8_t  tx_head, tx_count;
    uint8_t  tsr;                   /* byte in the transmit shift register */
    bool     tsr_busy;
    bool     thr_ipending;          /* THRE interrupt latched */
    bool     timeout_ipending;      /* character timeout latched */
    uint64_t tx_deadline_ns;        /* end of the character in the TSR */
    uint64_t timeout_deadline_ns;   /* 0 = timeout timer idle */
    /* wiring: never saved */
    Machine    *m;
    IrqLine     irq;
    CharBackend *chr;
    Timer       tx_timer;
    Timer       timeout_timer;
    IoRegion    io;
    bool        paced;      /* transmit at the line rate (uart_set_paced) */
};

/* ---- Snapshot -------------------------------------------------------------- */
static const StateField uart_fields[] = {
    SF_INT(Uart, ier), SF_INT(Uart, lcr), SF_INT(Uart, mcr), SF_INT(Uart, lsr),
    SF_INT(Uart, msr), SF_INT(Uart, scr), SF_INT(Uart, fcr),
    SF_INT(Uart, divisor),
    SF_BYTES(Uart, rx_fifo), SF_INT(Uart, rx_head), SF_INT(Uart, rx_count),
    SF_BYTES(Uart, tx_fifo), SF_INT(Uart, tx_head), SF_INT(Uart, tx_count),
    SF_INT(Uart, tsr), SF_INT(Uart, tsr_busy),
    SF_INT(Uart, thr_ipending), SF_INT(Uart, timeout_ipending),
    SF_INT(Uart, tx_deadline_ns), SF_INT(Uart, timeout_deadline_ns),
    SF_END
};

/* ---- Chip logic ------------------------------------------------------------ */
static bool fifo_enabled(const Uart *u) { return u->fcr & UART_FCR_FE; }
static unsigned fifo_cap(const Uart *u) { return fifo_enabled(u) ? UART_FIFO_LEN : 1; }

static unsigned rx_trigger(const Uart *u)
{
    static const uint8_t levels[4] = { 1, 4, 8, 14 };
    return fifo_enabled(u) ? levels[u->fcr >> 6] : 1;
}

static uint64_t now_ns(const Uart *u) { return clock_now_ns(machine_clock(u->m)); }

/* One character on the wire: start + data + parity + stop bits, each bit
 * lasting 16 * divisor cycles of the 1.8432 MHz clock. Counted in half bits
 * for the 1.5 stop bits of 5-bit words. A zero divisor counts as 65536. */
static uint64_t char_time_ns(const Uart *u)
{
    uint64_t div = u->divisor ? u->divisor : 65536;
    unsigned half_bits = 2 * (1 + 5 + (u->lcr & UART_LCR_WLS));
    if (u->lcr & UART_LCR_PEN)
        half_bits += 2;
    if (u->lcr & UART_LCR_STB)
        half_bits += (u->lcr & UART_LCR_WLS) == 0 ? 3 : 4;
    else
        half_bits += 2;
    return half_bits * div * 16 * NS_PER_SEC / (2ull * UART_CLOCK_HZ);
}

/* Modem inputs as the MSR shows them: looped back from MCR in loopback
 * mode; otherwise a connected host stream looks like a ready modem. */
static uint8_t modem_inputs(const Uart *u)
{
    if (u->mcr & UART_MCR_LOOP) {
        uint8_t v = 0;
        if (u->mcr & UART_MCR_RTS)  v |= UART_MSR_CTS;
        if (u->mcr & UART_MCR_DTR)  v |= UART_MSR_DSR;
        if (u->mcr & UART_MCR_OUT1) v |= UART_MSR_RI;
        if (u->mcr & UART_MCR_OUT2) v |= UART_MSR_DCD;
        return v;
    }
    return u->chr ? (UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD) : 0;
}

/* Recompute the MSR status bits and latch the deltas (TERI on 1->0 of RI). */
static void update_msr(Uart *u)
{
    uint8_t old = u->msr, now = modem_inputs(u);
    uint8_t changed = old ^ now;
    uint8_t delta = old & 0x0f;
    if (changed & UART_MSR_CTS) delta |= UART_MSR_DCTS;
    if (changed & UART_MSR_DSR) delta |= UART_MSR_DDSR;
    if (changed & UART_MSR_DCD) delta |= UART_MSR_DDCD;
    if ((old & UART_MSR_RI) && !(now & UART_MSR_RI)) delta |= UART_MSR_TERI;
    u->msr = now | delta;
}

/* IIR identification for the highest-priority pending source (Table II). */
static uint8_t pending_iid(const Uart *u)
{
    if ((u->ier & UART_IER_ELSI) && (u->lsr & UART_LSR_INT_MASK))
        return UART_IIR_RLSI;
    if (u->ier & UART_IER_ERBFI) {
        if (u->rx_count && u->rx_count >= rx_trigger(u))
            return UART_IIR_RDI;
        if (u->timeout_ipending && u->rx_count)
            return UART_IIR_CTI;
    }
    if ((u->ier & UART_IER_ETBEI) && u->thr_ipending)
        return UART_IIR_THRI;
    if ((u->ier & UART_IER_EDSSI) && (u->msr & 0x0f))
        return UART_IIR_MSI;
    return UART_IIR_NO_INT;
}

/* The chip's INTR reaches the ISA bus only through the OUT2 gate; loopback
 * forces the OUT2 pin inactive, so nothing reaches the bus then either. */
static void update_irq(Uart *u)
{
    bool intr = pending_iid(u) != UART_IIR_NO_INT;
    bool gate = (u->mcr & (UART_MCR_OUT2 | UART_MCR_LOOP)) == UART_MCR_OUT2;
    irq_set(u->irq, intr && gate);
}

/* (Re)start the 4-character timeout: "no characters removed from or input
 * to the RCVR FIFO during the last 4 character times". */
static void restart_timeout(Uart *u)
{
    u->timeout_ipending = false;
    if (fifo_enabled(u) && u->rx_count) {
        u->timeout_deadline_ns = now_ns(u) + 4 * char_time_ns(u);
        timer_mod(&u->timeout_timer, u->timeout_deadline_ns);
    } else {
        u->timeout_deadline_ns = 0;
        timer_del(&u->timeout_timer);
    }
}

static void rx_push(Uart *u, uint8_t byte)
{
    if (u->rx_count >= fifo_cap(u)) {
        u->lsr |= UART_LSR_OE;
        /* Non-FIFO: the new character replaces RBR; FIFO: the character in
         * the shift register is lost (datasheet, LSR bit 1). */
        if (!fifo_enabled(u))
            u->rx_fifo[u->rx_head] = byte;
    } else {
        u->rx_fifo[(u->rx_head + u->rx_count) % UART_FIFO_LEN] = byte;
        u->rx_count++;
    }
    u->lsr |= UART_LSR_DR;
    restart_timeout(u);
    update_irq(u);
}

static uint8_t rx_pop(Uart *u)
{
    uint8_t byte = u->rx_fifo[u->rx_head];
    if (u->rx_count) {
        u->rx_head = (u->rx_head + 1) % UART_FIFO_LEN;
        u->rx_count--;
    }
    if (!u->rx_count)
        u->lsr &= ~UART_LSR_DR;
    restart_timeout(u);
    return byte;
}

/*
 * Transmit timing. Paced (uart_set_paced): the shift register is busy for
 * one character time at the programmed rate, so THRE/TEMT follow the chip
 * on the virtual clock. Unpaced (the board's default, as QEMU does): the
 * character leaves at once and THR/FIFO drain immediately. An emulated CPU
 * is slower than the one the guest was written for, so at 9600 baud a guest
 * that writes its console through an interrupt-driven tty and then resets
 * (Linux's "echo DONE; reboot -f") would lose output a real line would
 * still have sent; the unpaced wire keeps it.
 */
static void tx_load_tsr(Uart *u)
{
    while (!u->tsr_busy && u->tx_count) {
        u->tsr = u->tx_fifo[u->tx_head];
        u->tx_head = (u->tx_head + 1) % UART_FIFO_LEN;
        u->tx_count--;
        if (!u->tx_count)
            u->thr_ipending = true;
        if (!u->paced) {
            if (u->mcr & UART_MCR_LOOP)
                rx_push(u, u->tsr);
            continue;
        }
        u->tsr_busy = true;
        u->tx_deadline_ns = now_ns(u) + char_time_ns(u);
        timer_mod(&u->tx_timer, u->tx_deadline_ns);
    }
}

static void lsr_update_tx(Uart *u)
{
    u->lsr &= ~(UART_LSR_THRE | UART_LSR_TEMT);
    if (!u->tx_count) {
        u->lsr |= UART_LSR_THRE;
        if (!u->tsr_busy)
            u->lsr |= UART_LSR_TEMT;
    }
}

static void tx_write(Uart *u, uint8_t byte)
{
    if (!(u->mcr & UART_MCR_LOOP))
        chr_write(u->chr, &byte, 1);
    if (u->tx_count < fifo_cap(u)) {
        u->tx_fifo[(u->tx_head + u->tx_count) % UART_FIFO_LEN] = byte;
        u->tx_count++;
    }
    u->thr_ipending = false;
    /* The write clears the THRE interrupt; when the byte moves on (at once
     * on an unpaced wire) it is asserted again. Drive the line through that
     * low phase so an edge-triggered PIC sees the new interrupt. */
    if (!u->paced)
        update_irq(u);
    tx_load_tsr(u);
    lsr_update_tx(u);
    update_irq(u);
}

/* ---- Time ----------------------------------------------------------------- */
static void uart_tx_done(void *dev)
{
    Uart *u = dev;
    u->tsr_busy = false;
    if (u->mcr & UART_MCR_LOOP)
        rx_push(u, u->tsr);
    tx_load_tsr(u);
    lsr_update_tx(u);
    update_irq(u);
}

static void uart_timeout(void *dev)
{
    Uart *u = dev;
    u->timeout_deadline_ns = 0;
    if (fifo_enabled(u) && u->rx_count)
        u->timeout_ipending = true;
    update_irq(u);
}

/* ---- Host side ------------------------------------------------------------ */
static bool uart_can_receive(void *dev)
{
    Uart *u = dev;
    return !(u->mcr & UART_MCR_LOOP) && u->rx_count < fifo_cap(u);
}

static void uart_receive(void *dev, uint8_t byte)
{
    Uart *u = dev;
    if (u->mcr & UART_MCR_LOOP)
        return;     /* SIN is disconnected in loopback */
    rx_push(u, byte);
}

/* ---- Guest-visible registers ---------------------------------------------- */
static void fcr_write(Uart *u, uint8_t val)
{
    bool was = fifo_enabled(u);
    /* Changing FCR0 resets both FIFOs (datasheet, FCR bit 0). */
    if ((val & UART_FCR_FE) != was)
        val |= UART_FCR_RFR | UART_FCR_TFR;
    /* "FCR0 must be 1 when other FCR bits are written to or they will not
     * be programmed"; the DMA mode bit only changes pins, not modelled. */
    u->fcr = (val & UART_FCR_FE) ? val & (0xC0 | UART_FCR_FE) : 0;
    if (val & UART_FCR_RFR) {
        u->rx_head = u->rx_count = 0;
        u->lsr &= ~UART_LSR_DR;
    }
    if (val & UART_FCR_TFR) {
        u->tx_head = u->tx_count = 0;
        if (!u->tsr_busy)
            u->thr_ipending = true;
    }
    restart_timeout(u);
    lsr_update_tx(u);
}

static uint32_t uart_read(void *dev, uint32_t off, unsigned size)
{
    Uart *u = dev;
    uint8_t v = 0xff;
    switch (off) {
    case UART_RBR:
        if (u->lcr & UART_LCR_DLAB)
            v = u->divisor & 0xff;
        else
            v = rx_pop(u);
        break;
    case UART_IER:
        v = (u->lcr & UART_LCR_DLAB) ? u->divisor >> 8 : u->ier;
        break;
    case UART_IIR:
        v = pending_iid(u);
        /* Reading IIR clears a THRE interrupt it reports (Table II). */
        if (v == UART_IIR_THRI)
            u->thr_ipending = false;
        if (fifo_enabled(u))
            v |= UART_IIR_FIFO;
        break;
    case UART_LCR: v = u->lcr; break;
    case UART_MCR: v = u->mcr; break;
    case UART_LSR:
        v = u->lsr;
        u->lsr &= ~UART_LSR_INT_MASK;
        break;
    case UART_MSR:
        v = u->msr;
        u->msr &= 0xf0;
        break;
    case UART_SCR: v = u->scr; break;
    }
    update_irq(u);
    return v;
}

static void uart_write(void *dev, uint32_t off, uint32_t val, unsigned size)
{
    Uart *u = dev;
    uint8_t v = (uint8_t)val;
    switch (off) {
    case UART_THR:
        if (u->lcr & UART_LCR_DLAB)
            u->divisor = (u->divisor & 0xff00) | v;
        else
            tx_write(u, v);
        break;
    case UART_IER:
        if (u->lcr & UART_LCR_DLAB) {
            u->divisor = (uint16_t)((u->divisor & 0x00ff) | (v << 8));
        } else {
            /* Enabling ETBEI with THR empty raises THRE at once. */
            if ((v & UART_IER_ETBEI) && !(u->ier & UART_IER_ETBEI) &&
                (u->lsr & UART_LSR_THRE))
                u->thr_ipending = true;
            u->ier = v & 0x0f;
        }
        break;
    case UART_FCR: fcr_write(u, v); break;
    case UART_LCR: u->lcr = v; break;
    case UART_MCR:
        u->mcr = v & 0x1f;
        update_msr(u);
        break;
    case UART_SCR: u->scr = v; break;
    default: break;     /* LSR/MSR writes are factory test only */
    }
    update_irq(u);
}

static const IoOps uart_io_ops = { uart_read, uart_write, 1 };

/* ---- Lifecycle -------------------------------------------------------------- */
/* Master reset values (datasheet Table IV); divisor and SCR are not touched
 * by MR, but a machine reset is a power cycle, so 9600 baud and 0. */
static void uart_reset(void *dev)
{
    Uart *u = dev;
    u->ier = u->lcr = u->mcr = u->fcr = u->scr = 0;
    u->divisor = 12;
    u->lsr = UART_LSR_THRE | UART_LSR_TEMT;
    u->msr = modem_inputs(u);
    u->rx_head = u->rx_count = u->tx_head = u->tx_count = 0;
    u->tsr_busy = false;
    u->thr_ipending = false;
    u->timeout_ipending = false;
    u->tx_deadline_ns = u->timeout_deadline_ns = 0;
    timer_del(&u->tx_timer);
    timer_del(&u->timeout_timer);
    update_irq(u);
}

static void uart_post_load(void *dev)
{
    Uart *u = dev;
    u->rx_head %= UART_FIFO_LEN;
    u->tx_head %= UART_FIFO_LEN;
    if (u->rx_count > UART_FIFO_LEN) u->rx_count = UART_FIFO_LEN;
    if (u->tx_count > UART_FIFO_LEN) u->tx_count = UART_FIFO_LEN;
    if (u->tsr_busy)
        timer_mod(&u->tx_timer, u->tx_deadline_ns);
    else
        timer_del(&u->tx_timer);
    if (u->timeout_deadline_ns)
        timer_mod(&u->timeout_timer, u->timeout_deadline_ns);
    else
        timer_del(&u->timeout_timer);
    update_irq(u);
}

static const DeviceInfo uart_info = {
    .name = "uart", .version = 1, .state = uart_fields,
    .reset = uart_reset, .post_load = uart_post_load,
};

Uart *uart_create(Machine *m, uint16_t base, IrqLine irq, CharBackend *chr)
{
    Uart *u = xzalloc(sizeof *u);
    u->m = m;
    u->irq = irq;
    u->chr = chr;
    timer_init(&u->tx_timer, machine_clock(m), "uart-tx", uart_tx_done, u);
    u->paced = true;
    timer_init(&u->timeout_timer, machine_clock(m), "uart-timeout", uart_timeout, u);
    chr_attach(chr, uart_can_receive, uart_receive, u);
    io_region_init(&u->io, "uart", &uart_io_ops, u);
    io_map(machine_io(m), &u->io, base, 8);
    uart_reset(u);
    machine_add(m, &uart_info, u);
    return u;
}

void uart_set_paced(Uart *u, bool paced)
{
    u->paced = paced;
}
