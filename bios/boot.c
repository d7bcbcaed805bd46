/*
 * bios/boot.c - bootstrap (INT 19h, INT 18h) and the small services:
 * equipment (INT 11h), memory size (INT 12h), serial ports (INT 14h) and
 * printers (INT 17h).
 *
 * Models:      INT 19h tries the devices of the boot order ('a' diskette A:,
 *              'c' hard disk 80h) and loads sector 0 to 0000:7C00: a diskette
 *              boot sector is taken without the 55AAh check like the IBM
 *              BIOS does, unless it is all zeros; a hard disk needs 55AAh.
 *              The stub then jumps there with DL = drive, DS = ES = SS = 0
 *              and SP = 7C00h (a documented choice: the stack grows down
 *              right below the boot sector, which most boot sectors expect
 *              or replace). With -kernel, INT 19h boots the kernel instead
 *              (bios/loader.h): the same stub jumps to the kernel's entry
 *              trampoline at 0000:7C00. INT 18h prints "No bootable device."
 *              and idles.
 *              INT 14h AH=00h-03h drive the 8250/16550 registers; a send or
 *              receive that finds the UART busy/empty returns "not yet" and
 *              its stub spins with interrupts on (C never waits for guest
 *              time) until the byte moves or 40:7C+n seconds pass.
 *              'd' boots a CD-ROM the El Torito way (bios/cdrom.c).
 *              INT 17h AH=00h-02h.
 * Not modeled: network boot, INT 14h AH=04h/05h extended port control.
 * Spec:        IBM PC/AT Technical Reference, BOOT_STRAP, RS232_IO and
 *              PRINTER_IO listings; Ralf Brown's Interrupt List INT 14h,
 *              INT 17h, INT 18h, INT 19h.
 */
#include "bios/internal.h"
#include "bios/loader.h"

void int11_service(Bios *b)
{
    set_reg16(b, R_EAX, bda16(b, BDA_EQUIP));
}

void int12_service(Bios *b)
{
    set_reg16(b, R_EAX, bda16(b, BDA_MEM_KB));
}

/* ---- INT 14h ------------------------------------------------------------------- */

enum { UART_THR = 0, UART_DLL = 0, UART_IER = 1, UART_DLM = 1, UART_LCR = 3,
       UART_MCR = 4, UART_LSR = 5, UART_MSR = 6 };
enum { LSR_DR = 0x01, LSR_THRE = 0x20, LSR_TIMEOUT = 0x80 };

static uint16_t com_port(Bios *b)
{
    uint16_t idx = reg16(b, R_EDX);
    return idx < 4 ? bda16(b, BDA_COM + 2 * idx) : 0;
}

/* AH=01h needs THRE, AH=02h needs DR; move the byte and set AH. */
static bool serial_try(Bios *b, uint16_t port, uint8_t ah)
{
    uint8_t lsr = inb(b, port + UART_LSR);
    if (ah == 0x01) {
        if (!(lsr & LSR_THRE))
            return false;
        outb(b, port + UART_THR, reg8(b, R8_AL));
        set_reg8(b, R8_AH, inb(b, port + UART_LSR));
    } else {
        if (!(lsr & LSR_DR))
            return false;
        set_reg8(b, R8_AL, inb(b, port));
        set_reg8(b, R8_AH, inb(b, port + UART_LSR) & 0x1e);
    }
    return true;
}

/* The INT 14h stub's retry: done (live ZF=0) once the UART is ready or the
 * timeout of 40:7C+n seconds (at least two ticks) has passed. */
void serial_poll(Bios *b)
{
    uint16_t port = com_port(b);
    uint8_t ah = reg8(b, R8_AH);
    set_live_zf(b, false);
    if (!port || serial_try(b, port, ah))
        return;
    uint32_t start = rd32(b, ebda_lin(b) + EBDA_SERIAL_START);
    uint32_t elapsed = (bda32(b, BDA_TICKS) + 0x1800b0u - start) % 0x1800b0u;
    uint32_t limit = bda8(b, BDA_COM_TIMEOUT + (reg16(b, R_EDX) & 3)) * 18u + 2;
    if (elapsed < limit) {
        set_live_zf(b, true);
        return;
    }
    set_reg8(b, R8_AH, inb(b, port + UART_LSR) | LSR_TIMEOUT);
}

void int14_service(Bios *b)
{
    uint16_t port = com_port(b);
    uint8_t al = reg8(b, R8_AL), ah = reg8(b, R8_AH);
    set_live_zf(b, false);
    if (!port) {
        set_reg8(b, R8_AH, LSR_TIMEOUT);
        return;
    }
    switch (ah) {
    case 0x00: {                      /* initialise: AL = baud, parity, stop, length */
        static const uint16_t divisor[8] = { 1047, 768, 384, 192, 96, 48, 24, 12 };
        uint16_t div = divisor[al >> 5];
        outb(b, port + UART_LCR, 0x80);
        outb(b, port + UART_DLL, (uint8_t)div);
        outb(b, port + UART_DLM, (uint8_t)(div >> 8));
        outb(b, port + UART_LCR, al & 0x1f);
        outb(b, port + UART_IER, 0);
        set_reg8(b, R8_AH, inb(b, port + UART_LSR));
        set_reg8(b, R8_AL, inb(b, port + UART_MSR));
        break;
    }
    case 0x01:                        /* send AL: DTR and RTS on */
    case 0x02:                        /* receive into AL: DTR on */
        outb(b, port + UART_MCR, inb(b, port + UART_MCR) | (ah == 0x01 ? 0x03 : 0x01));
        if (serial_try(b, port, ah))
            break;
        wr32(b, ebda_lin(b) + EBDA_SERIAL_START, bda32(b, BDA_TICKS));
        set_live_zf(b, true);         /* the stub polls via serial_poll */
        break;
    case 0x03:
        set_reg8(b, R8_AH, inb(b, port + UART_LSR));
        set_reg8(b, R8_AL, inb(b, port + UART_MSR));
        break;
    default:
        break;
    }
}

/* ---- INT 17h --------------------------------------------------------------------- */

void int17_service(Bios *b)
{
    uint16_t idx = reg16(b, R_EDX);
    uint16_t port = idx < 3 ? bda16(b, BDA_LPT + 2 * idx) : 0;
    if (!port) {
        set_reg8(b, R8_AH, 0x01);     /* time-out: no printer */
        return;
    }
    switch (reg8(b, R8_AH)) {
    case 0x00:                        /* print AL: data, then strobe */
        outb(b, port, reg8(b, R8_AL));
        outb(b, port + 2, 0x0d);
        outb(b, port + 2, 0x0c);
        break;
    case 0x01:                        /* initialise: pulse INIT low */
        outb(b, port + 2, 0x08);
        outb(b, port + 2, 0x0c);
        break;
    case 0x02:
        break;
    default:
        return;
    }
    /* Status with ACK and ERROR flipped to active-high (PC/AT "XOR AH,48H"). */
    set_reg8(b, R8_AH, (uint8_t)((inb(b, port + 1) ^ 0x48) & 0xf8));
}

/* ---- Boot -------------------------------------------------------------------------- */

void int18_service(Bios *b)
{
    video_puts(b, "No bootable device.\r\n");
}

static bool load_boot_sector(Bios *b, BiosDisk *d, bool floppy)
{
    uint8_t sec[512];
    if (!d->blk || blk_read(d->blk, 0, sec, sizeof sec) < 0) {
        video_puts(b, "Boot failed: could not read the disk\r\n");
        return false;
    }
    bool zero = true;
    for (int i = 0; i < 512 && zero; i++)
        zero = sec[i] == 0;
    if (floppy ? zero : sec[510] != 0x55 || sec[511] != 0xaa) {
        video_puts(b, "Boot failed: not a bootable disk\r\n");
        return false;
    }
    return wr_buf(b, 0x7c00, sec, sizeof sec);
}

/* -kernel: copy the kernel into RAM and put its entry code where a boot
 * sector would go (bios/loader.h). A20 is opened through the chipset so
 * its state agrees with port 92h and the 8042 (Multiboot requires it on;
 * Linux's setup finds it already on). */
static void boot_kernel(Bios *b)
{
    char line[128];
    snprintf(line, sizeof line, "Booting the kernel %s...\r\n", b->boot->kernel.path);
    video_puts(b, line);
    a20_set(b, true);
    boot_image_install(b->boot, b->mem);
    set_reg8(b, R8_DL, 0x80);
    set_live_zf(b, false);
}

/* Load a boot sector; live ZF=0 and DL = drive on success. */
void int19_service(Bios *b)
{
    if (b->boot) {
        boot_kernel(b);
        return;
    }
    for (const char *p = b->boot_order; *p; p++) {
        if (*p == 'a' && b->fd[0].present) {
            video_puts(b, "Booting from Floppy...\r\n");
            if (load_boot_sector(b, &b->fd[0], true)) {
                set_reg8(b, R8_DL, 0x00);
                set_live_zf(b, false);
                return;
            }
        } else if (*p == 'c' && b->hd[0].present) {
            video_puts(b, "Booting from Hard Disk...\r\n");
            if (load_boot_sector(b, &b->hd[0], false)) {
                set_reg8(b, R8_DL, 0x80);
                set_live_zf(b, false);
                return;
            }
        } else if (*p == 'd') {
            video_puts(b, "Booting from CD-ROM...\r\n");
            if (cdrom_boot(b)) {
                set_live_zf(b, false);
                return;
            }
        }
    }
    set_live_zf(b, true);
}
