/*
 * tests/guests/demo.S - the demo guest emu boots when no disk is given: a
 * boot sector that loads the rest of the program from the same track, then
 * draws a framed "emu - it works" box, shows what the BIOS reports
 * (conventional memory from INT 12h, extended memory from INT 15h E801h or
 * 88h, the equipment word, the boot drive, the RTC time from INT 1Ah AH=02h
 * redrawn once a second as the tick count moves), echoes typed keys (INT
 * 16h), prints EMU-DEMO-OK on the screen and to COM1 through INT 14h (and
 * the 0xE9 debug port) so tests can wait for it, and powers off on Esc by
 * writing 0 to port 0xF4 (emu exits with status 1).
 *
 * Models:      a real-mode program that uses only BIOS services.
 * Not modeled: -
 * Spec:        GNU as, .code16, linked at 0x7C00 into a flat binary:
 *              as --32 demo.S && ld -m elf_i386 -Ttext=0x7c00 --oformat binary
 *              (the Makefile pads it to a 1.44 MB diskette image).
 */
    .code16
    .text
    .globl _start

    .equ NSECT, 8                   /* sectors after the boot sector */
    .equ BOX_ATTR, 0x1f             /* bright white on blue */
    .equ TITLE_ATTR, 0x1e           /* yellow on blue */
    .equ VALUE_ATTR, 0x1b           /* bright cyan on blue */
    .equ OK_ATTR, 0x1a              /* bright green on blue */
    .equ VALUE_COL, 36
    .equ ECHO_ROW, 13
    .equ ECHO_FIRST, 14
    .equ ECHO_LAST, 65

/* ---- Boot sector: loaded by the BIOS at 0000:7C00, DL = boot drive ---- */
_start:
    cli
    xorw %ax, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movw $0x7c00, %sp
    sti
    cld
    ljmp $0, $start2                /* CS:IP = 0000:7Cxx whatever the BIOS used */
start2:
    movb %dl, boot_drive
    movw $3, %si                    /* tries */
load:
    movw $0x7e00, %bx               /* ES:BX = 0000:7E00 */
    movw $(0x0200 + NSECT), %ax     /* AH=02h read, AL = sectors */
    movw $0x0002, %cx               /* cylinder 0, sector 2 */
    xorb %dh, %dh                   /* head 0 */
    movb boot_drive, %dl
    int $0x13
    jnc main
    xorb %ah, %ah                   /* reset the drive and retry */
    movb boot_drive, %dl
    int $0x13
    decw %si
    jnz load
    movw $msg_load_failed, %si
bs_puts:
    lodsb
    testb %al, %al
    jz bs_hang
    movb $0x0e, %ah
    movw $0x0007, %bx
    int $0x10
    jmp bs_puts
bs_hang:
    hlt
    jmp bs_hang

msg_load_failed:
    .asciz "demo: could not read the rest of the disk"
boot_drive:
    .byte 0

    .org 510
    .byte 0x55, 0xaa

/* ---- The program, at 0000:7E00 --------------------------------------- */
main:
    movw $0x0003, %ax               /* 80x25 colour text, clear */
    int $0x10
    call draw_frame

    movw $(0x0300 + 33), %dx         /* title, row 3, centred */
    movb $TITLE_ATTR, %bl
    movw $str_title, %si
    call put_str

    movb $BOX_ATTR, %bl
    movw $0x050e, %dx
    movw $str_conv, %si
    call put_str
    movw $0x060e, %dx
    movw $str_ext, %si
    call put_str
    movw $0x070e, %dx
    movw $str_equip, %si
    call put_str
    movw $0x080e, %dx
    movw $str_drive, %si
    call put_str
    movw $0x090e, %dx
    movw $str_time, %si
    call put_str
    movw $0x0b0e, %dx
    movw $str_type, %si
    call put_str
    movw $0x100e, %dx
    movw $str_esc, %si
    call put_str

    call show_memory
    call show_equipment

    movb $OK_ATTR, %bl              /* the marker tests wait for */
    movw $0x120e, %dx
    movw $str_ok, %si
    call put_str
    call serial_ok

    movw $(ECHO_ROW << 8 | ECHO_FIRST), %dx
    call set_cursor
    sti
main_loop:
    movb $0x01, %ah                 /* key waiting? */
    int $0x16
    jz 1f
    xorb %ah, %ah
    int $0x16
    cmpb $0x1b, %al
    je power_off
    call echo_key
1:
    call update_clock
    hlt                             /* until the next tick or key */
    jmp main_loop

power_off:
    xorb %al, %al
    outb %al, $0xf4                 /* isa-debug-exit: emu exits with 1 */
    cli
2:
    hlt
    jmp 2b

/* ---- Frame: a blue window with a double-line border, rows 1-20 ------- */
draw_frame:
    movw $0x0600, %ax               /* clear window rows 1-20, cols 10-69 */
    movb $BOX_ATTR, %bh
    movw $0x010a, %cx
    movw $0x1445, %dx
    int $0x10
    movb $BOX_ATTR, %bl
    movw $0x010a, %dx               /* top edge */
    movb $0xc9, %al
    call put_char
    incb %dl
    movb $0xcd, %al
    movw $58, %cx
    call put_chars
    movb $69, %dl
    movb $0xbb, %al
    call put_char
    movw $0x140a, %dx               /* bottom edge */
    movb $0xc8, %al
    call put_char
    incb %dl
    movb $0xcd, %al
    movw $58, %cx
    call put_chars
    movb $69, %dl
    movb $0xbc, %al
    call put_char
    movb $2, %dh                    /* sides */
3:
    movb $10, %dl
    movb $0xba, %al
    call put_char
    movb $69, %dl
    call put_char
    incb %dh
    cmpb $20, %dh
    jb 3b
    ret

/* ---- BIOS data ---------------------------------------------------------- */
show_memory:
    int $0x12                       /* conventional memory in KB */
    movzwl %ax, %eax
    movw $(0x0500 + VALUE_COL), %dx
    call put_kb
    movw $0xe801, %ax               /* extended: KB to 16M + 64K blocks above */
    xorw %bx, %bx
    xorw %cx, %cx
    xorw %dx, %dx
    int $0x15
    jc 4f
    testw %ax, %ax
    jnz 5f
    movw %cx, %ax                   /* some BIOSes answer in CX/DX only */
    movw %dx, %bx
5:
    movzwl %bx, %ebx
    shll $6, %ebx
    movzwl %ax, %eax
    addl %ebx, %eax
    jmp 6f
4:
    movb $0x88, %ah
    int $0x15
    movzwl %ax, %eax
6:
    movw $(0x0600 + VALUE_COL), %dx
    call put_kb
    ret

show_equipment:
    int $0x11
    movw $(0x0700 + VALUE_COL), %dx
    movb $VALUE_ATTR, %bl
    call put_hex16
    movb boot_drive, %al
    movw $(0x0800 + VALUE_COL), %dx
    call put_hex8
    ret

/* EAX KB at DX: "<n> KB". */
put_kb:
    movb $VALUE_ATTR, %bl
    call put_dec
    movw $str_kb, %si
    call put_str
    ret

/* COM1: 9600 8N1, then the marker line; the same to port 0xE9. */
serial_ok:
    movw $0x00e3, %ax
    xorw %dx, %dx
    int $0x14
    movw $str_ok_line, %si
7:
    lodsb
    testb %al, %al
    jz 8f
    outb %al, $0xe9
    movb $0x01, %ah
    xorw %dx, %dx
    int $0x14
    jmp 7b
8:
    ret

/* ---- Clock: redraw when the RTC second changes (checked per tick) ---- */
update_clock:
    movw 0x046c, %ax                /* BDA tick count, low word */
    cmpw last_tick, %ax
    je 9f
    movw %ax, last_tick
    movb $0x02, %ah
    int $0x1a
    jc 9f
    cmpb last_sec, %dh
    je 9f
    movb %dh, last_sec
    movw $time_buf, %di
    movb %ch, %al
    call bcd2
    movb $':', (%di)
    incw %di
    movb %cl, %al
    call bcd2
    movb $':', (%di)
    incw %di
    movb %dh, %al
    call bcd2
    movb $0, (%di)
    pushw %dx
    movw $(0x0900 + VALUE_COL), %dx
    movb $VALUE_ATTR, %bl
    movw $time_buf, %si
    call put_str
    popw %dx
    call restore_echo_cursor
9:
    ret

/* AL (BCD) -> two ASCII digits at DI. */
bcd2:
    movb %al, %ah
    shrb $4, %al
    addb $'0', %al
    movb %al, (%di)
    movb %ah, %al
    andb $0x0f, %al
    addb $'0', %al
    movb %al, 1(%di)
    addw $2, %di
    ret

/* ---- Key echo on row ECHO_ROW ------------------------------------------ */
echo_key:
    movb $BOX_ATTR, %bl
    movb echo_col, %dl
    movb $ECHO_ROW, %dh
    cmpb $0x08, %al
    je 10f
    cmpb $0x0d, %al
    je 11f
    cmpb $0x20, %al
    jb 12f
    cmpb $ECHO_LAST, %dl
    jbe 13f
    call clear_echo
    movb $ECHO_FIRST, %dl
13:
    call put_char
    incb %dl
    jmp 12f
10:                                 /* backspace */
    cmpb $ECHO_FIRST, %dl
    jbe 12f
    decb %dl
    movb $' ', %al
    call put_char
    jmp 12f
11:                                 /* Enter: start over */
    call clear_echo
    movb $ECHO_FIRST, %dl
12:
    movb %dl, echo_col
    call restore_echo_cursor
    ret

clear_echo:
    pushw %dx
    movw $(ECHO_ROW << 8 | ECHO_FIRST), %dx
    movb $' ', %al
    movw $(ECHO_LAST - ECHO_FIRST + 1), %cx
    call put_chars
    popw %dx
    ret

restore_echo_cursor:
    pushw %dx
    movb $ECHO_ROW, %dh
    movb echo_col, %dl
    call set_cursor
    popw %dx
    ret

/* ---- Output helpers (INT 10h) ------------------------------------------- */

/* Cursor to row DH, column DL of page 0. */
set_cursor:
    pushw %ax
    pushw %bx
    movb $0x02, %ah
    xorb %bh, %bh
    int $0x10
    popw %bx
    popw %ax
    ret

/* CX copies of AL with attribute BL at DH/DL (AH=09h). */
put_chars:
    call set_cursor
    pushw %ax
    pushw %bx
    movb $0x09, %ah
    xorb %bh, %bh
    int $0x10
    popw %bx
    popw %ax
    ret

put_char:
    pushw %cx
    movw $1, %cx
    call put_chars
    popw %cx
    ret

/* NUL-terminated string at SI, attribute BL, from DH/DL; DL advances. */
put_str:
    lodsb
    testb %al, %al
    jz 14f
    call put_char
    incb %dl
    jmp put_str
14:
    ret

/* EAX in decimal at DH/DL. */
put_dec:
    pushw %dx
    movw $num_end, %si
    movl $10, %ecx
15:
    xorl %edx, %edx
    divl %ecx
    addb $'0', %dl
    decw %si
    movb %dl, (%si)
    testl %eax, %eax
    jnz 15b
    popw %dx
    call put_str
    ret

/* AX as "XXXXh", AL as "XXh". */
put_hex16:
    pushw %ax
    movb %ah, %al
    call hex2
    popw %ax
put_hex8:
    call hex2
    movb $'h', %al
    call put_char
    incb %dl
    ret

hex2:
    pushw %ax
    shrb $4, %al
    call hex1
    popw %ax
hex1:
    pushw %ax
    andb $0x0f, %al
    addb $'0', %al
    cmpb $'9', %al
    jbe 16f
    addb $7, %al
16:
    call put_char
    incb %dl
    popw %ax
    ret

/* ---- Data ------------------------------------------------------------------- */
str_title:   .asciz "emu \xc4 it works"
str_conv:    .asciz "Conventional memory:"
str_ext:     .asciz "Extended memory:"
str_equip:   .asciz "Equipment word:"
str_drive:   .asciz "Boot drive:"
str_time:    .asciz "RTC time:"
str_type:    .asciz "Type something (echoed below):"
str_esc:     .asciz "Esc: power off"
str_ok:      .asciz "EMU-DEMO-OK"
str_ok_line: .asciz "EMU-DEMO-OK\r\n"
str_kb:      .asciz " KB"
echo_col:    .byte ECHO_FIRST
last_sec:    .byte 0xff
last_tick:   .word 0xffff
time_buf:    .space 12
num_buf:     .space 11
num_end:     .byte 0
demo_end:

    /* Pad to exactly what the boot sector loads; "moving .org backwards"
     * here means the program outgrew NSECT sectors. */
    .org main + NSECT * 512
