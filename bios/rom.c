/*
 * bios/rom.c - builds the 64 KiB BIOS ROM image: the reset vector, the
 * POST entry, one stub per interrupt service, fonts and the fixed tables.
 *
 * Models:      the IBM PC/AT entry points and table offsets in segment
 *              F000 (POST E05B, INT 13h EC59, diskette parameters EFC7,
 *              INT 10h F065, video parameters F0A4, 8x8 font FA6E, INT 1Ah
 *              FE6E, INT 08h FEA5, dummy IRET FF53, model byte FFFE ...);
 *              at each entry point a near JMP leads to the stub body in the
 *              free area from ROM_STUBS. Stubs are written out as bytes with
 *              their assembly beside them; 0F FF nn traps to service nn.
 * Not modeled: an option ROM at C0000 (the video BIOS lives in F000 too).
 * Spec:        IBM PC/AT Technical Reference, BIOS listing (entry points,
 *              diskette parameter table, configuration table); Ralf Brown's
 *              Interrupt List (INT 15h C0h #00509, INT 1Dh table, INT 10h
 *              AH=1Bh static functionality table #00043, 40:A8 #00040).
 */
#include "bios/internal.h"
#include "hw/vgafont.h"

/* ---- Emitter -------------------------------------------------------------- */

static uint16_t put_stub(Bios *b, const uint8_t *code, size_t n)
{
    uint16_t off = (uint16_t)b->stub_free;
    if (b->stub_free + n > ROM_POST)
        emu_fatal(2, "bios", "ROM stub area overflow");
    memcpy(b->rom + off, code, n);
    b->stub_free += (uint32_t)n;
    return off;
}

/* A near JMP at 'at' to 'to' (E9 rel16). */
static void put_jmp(Bios *b, uint16_t at, uint16_t to)
{
    uint16_t rel = (uint16_t)(to - (at + 3));
    b->rom[at] = 0xe9;
    b->rom[at + 1] = (uint8_t)rel;
    b->rom[at + 2] = (uint8_t)(rel >> 8);
}

/* Stub body in the free area, reached through a JMP at the IBM entry. */
static void put_entry(Bios *b, uint16_t at, const uint8_t *code, size_t n)
{
    put_jmp(b, at, put_stub(b, code, n));
}

/* ---- Stubs ---------------------------------------------------------------- */

/* Plain service: the C code does everything, flags go into the frame. */
static void put_plain(Bios *b, uint16_t at, uint8_t svc)
{
    const uint8_t code[] = {
        0x0f, 0xff, svc,        /* bios service svc */
        0xcf,                   /* iret */
    };
    put_entry(b, at, code, sizeof code);
}

/* Reset and POST (IBM: F000:E05B). Stack 0000:7C00 during POST. */
static const uint8_t post_code[] = {
    0xfa,                       /* 00 cli */
    0xfc,                       /* 01 cld */
    0x31, 0xc0,                 /* 02 xor ax,ax */
    0x8e, 0xd0,                 /* 04 mov ss,ax */
    0xbc, 0x00, 0x7c,           /* 06 mov sp,7C00h */
    0x0f, 0xff, SVC_POST_ENTRY, /* 09 shutdown code (CMOS 0Fh) -> AL */
    0x3c, 0x01,                 /* 0C cmp al,1 */
    0x74, 0x19,                 /* 0E je resume_jmp (29) */
    0x3c, 0x02,                 /* 10 cmp al,2 */
    0x74, 0x1d,                 /* 12 je resume_iret (31) */
    0x3c, 0x03,                 /* 14 cmp al,3 */
    0x74, 0x26,                 /* 16 je resume_retf (3E) */
    0x66, 0xb8, 0x01, 0x00, 0x00, 0x00, /* 18 mov eax,1 */
    0x0f, 0xa2,                 /* 1E cpuid (EDX bit 0: FPU) */
    0x0f, 0xff, SVC_POST,       /* 20 power-on self test */
    0xfb,                       /* 23 sti */
    0xcd, 0x19,                 /* 24 int 19h */
    0xf4,                       /* 26 hlt */
    0xeb, 0xfd,                 /* 27 jmp 26 */
    /* resume_jmp: CMOS 0Fh = 05h/0Ah, continue at the far pointer 40:67 */
    0x31, 0xc0,                 /* 29 xor ax,ax */
    0x8e, 0xd8,                 /* 2B mov ds,ax */
    0xff, 0x2e, 0x67, 0x04,     /* 2D jmp far [0467h] */
    /* resume_iret: CMOS 0Fh = 0Bh, SS:SP from 40:67, IRET */
    0x31, 0xc0,                 /* 31 xor ax,ax */
    0x8e, 0xd8,                 /* 33 mov ds,ax */
    0x8e, 0x16, 0x69, 0x04,     /* 35 mov ss,[0469h] */
    0x8b, 0x26, 0x67, 0x04,     /* 39 mov sp,[0467h] */
    0xcf,                       /* 3D iret */
    /* resume_retf: CMOS 0Fh = 0Ch, SS:SP from 40:67, RETF */
    0x31, 0xc0,                 /* 3E xor ax,ax */
    0x8e, 0xd8,                 /* 40 mov ds,ax */
    0x8e, 0x16, 0x69, 0x04,     /* 42 mov ss,[0469h] */
    0x8b, 0x26, 0x67, 0x04,     /* 46 mov sp,[0467h] */
    0xcb,                       /* 4A retf */
};

/* INT 08h, IRQ0 (IBM: FEA5): tick, INT 1Ch, then EOI. */
static const uint8_t int08_code[] = {
    0x50,                       /* push ax */
    0x0f, 0xff, SVC_INT08,      /* ticks at 40:6C, motor count 40:40 */
    0xcd, 0x1c,                 /* int 1Ch */
    0xfa,                       /* cli */
    0xb0, 0x20,                 /* mov al,20h */
    0xe6, 0x20,                 /* out 20h,al (EOI) */
    0x58,                       /* pop ax */
    0xcf,                       /* iret */
};

/* INT 09h, IRQ1 (IBM: E987). The C service answers in AH: 1 Ctrl-Break,
 * 2 Print Screen; SVC_PAUSE_POLL keeps ZF=1 while Pause holds the system. */
static const uint8_t int09_code[] = {
    0x50,                       /* 00 push ax */
    0xe4, 0x60,                 /* 01 in al,60h */
    0xb4, 0x4f,                 /* 03 mov ah,4Fh */
    0xf9,                       /* 05 stc */
    0xcd, 0x15,                 /* 06 int 15h (keyboard intercept) */
    0x73, 0x11,                 /* 08 jnc eoi (1B) */
    0x0f, 0xff, SVC_INT09,      /* 0A translate AL into the buffer */
    0x80, 0xfc, 0x01,           /* 0D cmp ah,1 */
    0x75, 0x02,                 /* 10 jne 14 */
    0xcd, 0x1b,                 /* 12 int 1Bh (Ctrl-Break) */
    0x80, 0xfc, 0x02,           /* 14 cmp ah,2 */
    0x75, 0x02,                 /* 17 jne 1B */
    0xcd, 0x05,                 /* 19 int 05h (Print Screen) */
    0xfa,                       /* 1B eoi: cli */
    0xb0, 0x20,                 /* 1C mov al,20h */
    0xe6, 0x20,                 /* 1E out 20h,al */
    0x0f, 0xff, SVC_PAUSE_POLL, /* 20 paused? (ZF=1) */
    0x75, 0x05,                 /* 23 jnz done (2A) */
    0xfb,                       /* 25 sti */
    0xf4,                       /* 26 hlt */
    0xfa,                       /* 27 cli */
    0xeb, 0xf6,                 /* 28 jmp 20 */
    0x58,                       /* 2A done: pop ax */
    0xcf,                       /* 2B iret */
};

/* INT 0Eh, IRQ6 (IBM: EF57): diskette interrupt flag, EOI. */
static const uint8_t int0e_code[] = {
    0x50,                       /* push ax */
    0x0f, 0xff, SVC_INT0E,      /* 40:3E bit 7 */
    0xb0, 0x20,                 /* mov al,20h */
    0xe6, 0x20,                 /* out 20h,al */
    0x58,                       /* pop ax */
    0xcf,                       /* iret */
};

/* INT 15h (IBM: F859). AH=86h returns ZF=1 when it must wait (HLT until
 * the RTC says the time is up); AH=C2h returns CF=1 when the mouse's answer
 * must be collected (spin with interrupts off: the 8042 delivers one byte
 * per ~100 us and nothing else may take them). */
static const uint8_t int15_code[] = {
    0x0f, 0xff, SVC_INT15,      /* 00 system services */
    0x72, 0x0a,                 /* 03 jc mouse (0F) */
    0x75, 0x07,                 /* 05 jnz done (0E) */
    0xfb,                       /* 07 wait: sti */
    0xf4,                       /* 08 hlt */
    0x0f, 0xff, SVC_WAIT_POLL,  /* 09 deadline passed? ZF=1 if not */
    0x74, 0xf9,                 /* 0C jz wait (07) */
    0xcf,                       /* 0E done: iret */
    0xf3, 0x90,                 /* 0F mouse: pause */
    0x0f, 0xff, SVC_MOUSE_POLL, /* 11 next answer byte; ZF=1 until all */
    0x74, 0xf9,                 /* 14 jz mouse (0F) */
    0xcf,                       /* 16 iret */
};

/* INT 16h (IBM: E82E). Reads return ZF=1 while the buffer is empty. */
static const uint8_t int16_code[] = {
    0x0f, 0xff, SVC_INT16,      /* 00 keyboard services */
    0x75, 0x04,                 /* 03 jnz done (09) */
    0xfb,                       /* 05 sti */
    0xf4,                       /* 06 hlt */
    0xeb, 0xf7,                 /* 07 jmp 00 */
    0xcf,                       /* 09 done: iret */
};

/* INT 14h (IBM: E739). Sends and receives return ZF=1 while the UART is
 * not ready; the stub spins (guest time passes, interrupts on) and asks
 * again until the byte moves or the BDA timeout (40:7C) runs out. */
static const uint8_t int14_code[] = {
    0x0f, 0xff, SVC_INT14,      /* 00 serial services */
    0x75, 0x08,                 /* 03 jnz done (0D) */
    0xfb,                       /* 05 wait: sti */
    0xf3, 0x90,                 /* 06 pause */
    0x0f, 0xff, SVC_SERIAL_POLL, /* 08 ready or timed out? ZF=1 if not */
    0x74, 0xf8,                 /* 0B jz wait (05) */
    0xcf,                       /* 0D done: iret */
};

/* INT 18h: no boot device; idle with interrupts on. */
static const uint8_t int18_code[] = {
    0x0f, 0xff, SVC_INT18,      /* 00 print the message */
    0xfb,                       /* 03 sti */
    0xf4,                       /* 04 hlt */
    0xeb, 0xfc,                 /* 05 jmp 03 */
};

/* INT 19h (IBM: E6F2): the C code loads the boot sector to 0000:7C00 and
 * sets DL; ZF=1 means nothing could be booted. The boot sector starts with
 * DS = ES = SS = 0 and SP = 7C00h (just below itself). */
static const uint8_t int19_code[] = {
    0x0f, 0xff, SVC_INT19,      /* 00 load a boot sector */
    0x74, 0x12,                 /* 03 jz fail (17) */
    0x31, 0xc0,                 /* 05 xor ax,ax */
    0x8e, 0xd8,                 /* 07 mov ds,ax */
    0x8e, 0xc0,                 /* 09 mov es,ax */
    0xfa,                       /* 0B cli */
    0x8e, 0xd0,                 /* 0C mov ss,ax */
    0xbc, 0x00, 0x7c,           /* 0E mov sp,7C00h */
    0xfb,                       /* 11 sti */
    0xea, 0x00, 0x7c, 0x00, 0x00, /* 12 jmp 0000:7C00 */
    0xcd, 0x18,                 /* 17 fail: int 18h */
};

/* INT 70h, IRQ8: RTC periodic/alarm; AH=1 asks for INT 4Ah (alarm). */
static const uint8_t int70_code[] = {
    0x50,                       /* 00 push ax */
    0x0f, 0xff, SVC_INT70,      /* 01 read register C, count the wait */
    0x80, 0xfc, 0x01,           /* 04 cmp ah,1 */
    0x75, 0x02,                 /* 07 jne 0B */
    0xcd, 0x4a,                 /* 09 int 4Ah */
    0xfa,                       /* 0B cli */
    0xb0, 0x20,                 /* 0C mov al,20h */
    0xe6, 0xa0,                 /* 0E out 0A0h,al */
    0xe6, 0x20,                 /* 10 out 20h,al */
    0x58,                       /* 12 pop ax */
    0xcf,                       /* 13 iret */
};

/* INT 71h, IRQ9: the PC/AT redirects it to INT 0Ah (the XT's IRQ2). */
static const uint8_t int71_code[] = {
    0x50,                       /* push ax */
    0xb0, 0x20,                 /* mov al,20h */
    0xe6, 0xa0,                 /* out 0A0h,al */
    0x58,                       /* pop ax */
    0xcd, 0x0a,                 /* int 0Ah */
    0xcf,                       /* iret */
};

/* INT 74h, IRQ12: PS/2 mouse byte; on a full packet call the handler set
 * by INT 15h AX=C207h with status, X, Y, 0 on the stack (RBIL C207). */
static const uint8_t int74_code[] = {
    0x60,                       /* 00 pusha */
    0x1e,                       /* 01 push ds */
    0x0f, 0xff, SVC_INT74,      /* 02 ZF=0: AX status BX x CX y DX 0 */
    0x74, 0x14,                 /* 05 jz eoi (1B) */
    0x50,                       /* 07 push ax */
    0x53,                       /* 08 push bx */
    0x51,                       /* 09 push cx */
    0x52,                       /* 0A push dx */
    0xb8, 0x40, 0x00,           /* 0B mov ax,40h */
    0x8e, 0xd8,                 /* 0E mov ds,ax */
    0x8e, 0x1e, 0x0e, 0x00,     /* 10 mov ds,[0Eh] (EBDA) */
    0xff, 0x1e, 0x22, 0x00,     /* 14 call far [22h] */
    0x83, 0xc4, 0x08,           /* 18 add sp,8 */
    0xfa,                       /* 1B eoi: cli */
    0xb0, 0x20,                 /* 1C mov al,20h */
    0xe6, 0xa0,                 /* 1E out 0A0h,al */
    0xe6, 0x20,                 /* 20 out 20h,al */
    0x1f,                       /* 22 pop ds */
    0x61,                       /* 23 popa */
    0xcf,                       /* 24 iret */
};

/* INT 75h, IRQ13: clear the FPU busy latch, EOI both, then NMI's INT 02h
 * as the PC/AT does for coprocessor errors. */
static const uint8_t int75_code[] = {
    0x50,                       /* push ax */
    0x30, 0xc0,                 /* xor al,al */
    0xe6, 0xf0,                 /* out 0F0h,al */
    0xb0, 0x20,                 /* mov al,20h */
    0xe6, 0xa0,                 /* out 0A0h,al */
    0xe6, 0x20,                 /* out 20h,al */
    0x58,                       /* pop ax */
    0xcd, 0x02,                 /* int 02h */
    0xcf,                       /* iret */
};

/* INT 76h, IRQ14: fixed disk interrupt flag 40:8E, EOI both. */
static const uint8_t int76_code[] = {
    0x50,                       /* push ax */
    0x0f, 0xff, SVC_INT76,      /* 40:8E = FFh */
    0xb0, 0x20,                 /* mov al,20h */
    0xe6, 0xa0,                 /* out 0A0h,al */
    0xe6, 0x20,                 /* out 20h,al */
    0x58,                       /* pop ax */
    0xcf,                       /* iret */
};

/* Any other IRQ: the C code checks the ISR, masks a stray IRQ like the
 * PC/AT's D11 handler, records it at 40:6B and sends the EOIs. */
static uint16_t put_irq_other(Bios *b, uint8_t irq)
{
    const uint8_t code[] = {
        0x50,                   /* push ax */
        0xb0, irq,              /* mov al,irq */
        0x0f, 0xff, SVC_IRQ_OTHER,
        0x58,                   /* pop ax */
        0xcf,                   /* iret */
    };
    return put_stub(b, code, sizeof code);
}

/* ---- Tables ---------------------------------------------------------------- */

/* Diskette parameter tables (PC/AT listing "DISK_BASE"; RBIL INT 1Eh):
 * specify 1/2, motor off delay, 512-byte sectors, EOT, gap, DTL, format
 * gap, fill byte, head settle, motor start. */
static const struct { uint16_t off; uint8_t t[11]; } dpts[] = {
    { ROM_DPT_360,  { 0xdf, 0x02, 0x25, 0x02, 0x09, 0x2a, 0xff, 0x50, 0xf6, 0x0f, 0x08 } },
    { ROM_DPT_1200, { 0xdf, 0x02, 0x25, 0x02, 0x0f, 0x1b, 0xff, 0x54, 0xf6, 0x0f, 0x08 } },
    { ROM_DPT_720,  { 0xdf, 0x02, 0x25, 0x02, 0x09, 0x2a, 0xff, 0x50, 0xf6, 0x0f, 0x08 } },
    { ROM_DPT_1440, { 0xdf, 0x02, 0x25, 0x02, 0x12, 0x1b, 0xff, 0x6c, 0xf6, 0x0f, 0x08 } },
    { ROM_DPT_2880, { 0xaf, 0x02, 0x25, 0x02, 0x24, 0x1b, 0xff, 0x50, 0xf6, 0x0f, 0x08 } },
};

/* INT 15h AH=C0h (RBIL #00509): 8 bytes follow the length word; model FCh
 * (AT), feature byte 1 = 74h: second 8259, RTC, INT 16h AH=10h, EBDA;
 * feature byte 2 = 40h: INT 16h AH=09h. */
static const uint8_t config_table[] = {
    0x08, 0x00, 0xfc, 0x01, 0x00, 0x74, 0x40, 0x00, 0x00, 0x00,
};

/* INT 1Dh: the 6845 parameter table of the IBM PC BIOS (40x25, 80x25,
 * graphics, monochrome CRTC sets; page lengths; columns; mode bytes). */
static const uint8_t video_parms_6845[] = {
    0x38, 0x28, 0x2d, 0x0a, 0x1f, 0x06, 0x19, 0x1c, 0x02, 0x07, 0x06, 0x07, 0, 0, 0, 0,
    0x71, 0x50, 0x5a, 0x0a, 0x1f, 0x06, 0x19, 0x1c, 0x02, 0x07, 0x06, 0x07, 0, 0, 0, 0,
    0x38, 0x28, 0x2d, 0x0a, 0x7f, 0x06, 0x64, 0x70, 0x02, 0x01, 0x06, 0x07, 0, 0, 0, 0,
    0x61, 0x50, 0x52, 0x0f, 0x19, 0x06, 0x19, 0x19, 0x02, 0x0d, 0x0b, 0x0c, 0, 0, 0, 0,
    0x00, 0x08, 0x00, 0x10, 0x00, 0x40, 0x00, 0x40,
    0x28, 0x28, 0x50, 0x50, 0x28, 0x28, 0x50, 0x50,
    0x2c, 0x28, 0x2d, 0x29, 0x2a, 0x2e, 0x1e, 0x29,
};

/* INT 10h AH=1Bh static functionality table (RBIL #00043): text modes
 * 0-3 and 7, 400 scan lines, 8 font blocks (2 active), font loading,
 * default palette loading, cursor emulation, EGA palette, DAC, colour
 * paging; blink/intensity and DCC. */
static const uint8_t video_static[16] = {
    0x8f, 0x00, 0x00, 0, 0, 0, 0, 0x04, 8, 2, 0xfc, 0x0c, 0, 0, 0, 0,
};

static void put_fonts(Bios *b)
{
    memcpy(b->rom + ROM_FONT16, vgafont_8x16, sizeof vgafont_8x16);
    /* No EGA 8x14 font of our own: rows 1-14 of the 8x16 glyphs, which
     * keeps the box-drawing joins (they span every row). */
    for (int ch = 0; ch < 256; ch++)
        memcpy(b->rom + ROM_FONT14 + ch * 14, vgafont_8x16 + ch * 16 + 1, 14);
    memcpy(b->rom + ROM_FONT8, vgafont_8x8, sizeof vgafont_8x8);
    memcpy(b->rom + ROM_FONT8_LOW, vgafont_8x8, 128 * 8);
}

static void put_tables(Bios *b)
{
    for (size_t i = 0; i < ARRAY_SIZE(dpts); i++)
        memcpy(b->rom + dpts[i].off, dpts[i].t, 11);
    /* INT 1Eh points at the table for drive A's medium. */
    uint16_t dpt_a = b->fd[0].blk ? b->fd[0].dpt : ROM_DPT_1440;
    memcpy(b->rom + ROM_DPT, b->rom + dpt_a, 11);
    memcpy(b->rom + ROM_CONFIG, config_table, sizeof config_table);
    memcpy(b->rom + ROM_VPT, video_parms_6845, sizeof video_parms_6845);
    memcpy(b->rom + ROM_VIDEO_STATIC, video_static, sizeof video_static);
    for (int i = 0; i < 2; i++)
        if (b->hd[i].present)
            disk_fdpt(&b->hd[i], b->rom + ROM_FDPT + 16 * i);
    /* 40:A8 save pointer table: [0] = the VGA video parameter table. */
    uint8_t *sp = b->rom + ROM_VIDEO_SAVEPTR;
    sp[0] = (uint8_t)ROM_VIDEO_PARMS;
    sp[1] = (uint8_t)(ROM_VIDEO_PARMS >> 8);
    sp[2] = (uint8_t)BIOS_SEG;
    sp[3] = (uint8_t)(BIOS_SEG >> 8);
    vga_put_parm_table(b->rom + ROM_VIDEO_PARMS);
    memcpy(b->rom + ROM_DATE, "01/01/25", 8);
    b->rom[ROM_MODEL] = 0xfc;         /* PC/AT */
}

/* ---- Putting it together --------------------------------------------------- */

static void put_stubs(Bios *b)
{
    for (int i = 0; i < 256; i++)
        b->vec[i] = ROM_IRET;
    for (int i = 0x60; i <= 0x67; i++)
        b->vec[i] = 0;                /* user vectors: free */

    memcpy(b->rom + ROM_POST, post_code, sizeof post_code);
    const uint8_t reset_jmp[] = { 0xea, 0x5b, 0xe0, 0x00, 0xf0 }; /* jmp F000:E05B */
    memcpy(b->rom + ROM_RESET, reset_jmp, sizeof reset_jmp);
    b->rom[ROM_IRET] = 0xcf;          /* iret */
    b->rom[ROM_INT05] = 0xcf;         /* print screen: nothing to print to */
    b->rom[ROM_NMI] = 0xcf;
    b->vec[0x02] = ROM_NMI;
    b->vec[0x05] = ROM_INT05;

    put_entry(b, ROM_INT08, int08_code, sizeof int08_code);
    put_entry(b, ROM_INT09, int09_code, sizeof int09_code);
    put_entry(b, ROM_INT0E, int0e_code, sizeof int0e_code);
    put_entry(b, ROM_INT15, int15_code, sizeof int15_code);
    put_entry(b, ROM_INT16, int16_code, sizeof int16_code);
    put_entry(b, ROM_INT19, int19_code, sizeof int19_code);
    put_plain(b, ROM_INT10, SVC_INT10);
    put_plain(b, ROM_INT11, SVC_INT11);
    put_plain(b, ROM_INT12, SVC_INT12);
    put_plain(b, ROM_INT13, SVC_INT13);
    put_entry(b, ROM_INT14, int14_code, sizeof int14_code);
    put_plain(b, ROM_INT17, SVC_INT17);
    put_plain(b, ROM_INT1A, SVC_INT1A);
    b->vec[0x08] = ROM_INT08;
    b->vec[0x09] = ROM_INT09;
    b->vec[0x0e] = ROM_INT0E;
    b->vec[0x10] = ROM_INT10;
    b->vec[0x11] = ROM_INT11;
    b->vec[0x12] = ROM_INT12;
    b->vec[0x13] = ROM_INT13;
    b->vec[0x40] = ROM_INT13;         /* diskette services, as relocated by
                                         hard disk BIOSes; same handler */
    b->vec[0x14] = ROM_INT14;
    b->vec[0x15] = ROM_INT15;
    b->vec[0x16] = ROM_INT16;
    b->vec[0x17] = ROM_INT17;
    b->vec[0x18] = put_stub(b, int18_code, sizeof int18_code);
    b->vec[0x19] = ROM_INT19;
    b->vec[0x1a] = ROM_INT1A;
    b->vec[0x70] = put_stub(b, int70_code, sizeof int70_code);
    b->vec[0x71] = put_stub(b, int71_code, sizeof int71_code);
    b->vec[0x74] = put_stub(b, int74_code, sizeof int74_code);
    b->vec[0x75] = put_stub(b, int75_code, sizeof int75_code);
    b->vec[0x76] = put_stub(b, int76_code, sizeof int76_code);
    static const uint8_t other_irqs[] = { 2, 3, 4, 5, 7, 10, 11, 15 };
    for (size_t i = 0; i < ARRAY_SIZE(other_irqs); i++) {
        uint8_t irq = other_irqs[i];
        b->vec[irq < 8 ? 0x08 + irq : 0x70 + irq - 8] = put_irq_other(b, irq);
    }
    /* Data vectors. */
    b->vec[0x1d] = ROM_VPT;
    b->vec[0x1e] = ROM_DPT;
    b->vec[0x1f] = ROM_FONT8 + 128 * 8;
    b->vec[0x41] = b->hd[0].present ? ROM_FDPT : 0;
    b->vec[0x43] = ROM_FONT16;
    b->vec[0x46] = b->hd[1].present ? ROM_FDPT + 16 : 0;
}

void rom_build(Bios *b)
{
    memset(b->rom, 0, ROM_SIZE);
    b->stub_free = ROM_STUBS;
    put_fonts(b);
    put_tables(b);
    put_stubs(b);
    uint8_t sum = 0;
    for (int i = 0; i < ROM_SIZE - 1; i++)
        sum = (uint8_t)(sum + b->rom[i]);
    b->rom[ROM_SIZE - 1] = (uint8_t)-sum;     /* whole ROM sums to zero */
}
