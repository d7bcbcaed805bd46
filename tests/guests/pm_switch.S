/*
 * tests/guests/pm_switch.S - mode switches and segment limits: real mode ->
 * 16-bit protected mode -> 32-bit protected mode -> back to real mode through
 * a 16-bit segment; unreal mode (a 4 GiB limit loaded in DS survives PE=0 and
 * a real-mode reload of DS); #GP(0) on an offset past a byte- and a
 * page-granular limit; expand-down data segments (B=1 and B=0); #GP (INT 13)
 * in real mode past a 64 KiB limit.
 *
 * Models:      nothing: a test guest (see pm_lib.inc).
 * Not modeled: -
 * Spec:        Intel SDM Vol. 3A 9.9.1 and 9.9.2 (switching to and from
 *              protected mode), 3.4.5 (descriptor: limit, G, D/B, E), 5.3
 *              (limit checking, expand-down), 20.1.1 (real-mode segment
 *              loads keep the limit); Vol. 2 LSL.
 */
#include "pm_lib.inc"

    .equ SMALL, 0x40                /* base 20000h, limit FFFh, byte granular */
    .equ PAGE_G, 0x48               /* base 20000h, limit 0, G = 1 -> FFFh */
    .equ DOWN32, 0x50               /* expand-down, B = 1, limit FFFFh */
    .equ DOWN16, 0x58               /* expand-down, B = 0, base 20000h, limit FFFh */

    .code16
main:
    SAY "pm_switch: real -> 16-bit PM -> 32-bit PM -> real, limits", 16
    smsw %ax
    movzwl %ax, %eax
    andl $1, %eax
    EXPECT %eax, $0, 0x01, "real mode: CR0.PE", 16
    cli
    lgdtl gdt_desc
    movl %cr0, %eax
    orl $1, %eax
    movl %eax, %cr0
    ljmp $KCODE16, $pm16

pm16:
    movw $KDATA16, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    SAY "16-bit protected mode", 16
    smsw %ax
    movzwl %ax, %eax
    andl $1, %eax
    EXPECT %eax, $1, 0x02, "16-bit PM: CR0.PE", 16
    movw %cs, %ax
    movzwl %ax, %eax
    EXPECT %eax, $KCODE16, 0x03, "16-bit PM: CS", 16
    movl %esp, %ebx
    pushw $0x1234                   /* 16-bit code: pushes 2 bytes */
    popw %ax
    subl %esp, %ebx
    EXPECT %ebx, $0, 0x04, "16-bit PM: PUSH/POP balance", 16
    movw %sp, %bx
    call 1f
1:  popw %ax
    subw %sp, %bx
    movzwl %bx, %ebx
    EXPECT %ebx, $0, 0x05, "16-bit PM: CALL pushes 2 bytes", 16
    ljmp $KCODE32, $pm32

    .code32
pm32:
    movw $KDATA32, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %fs
    movw %ax, %gs
    movw %ax, %ss
    movl $MAIN_STACK, %esp
    call idt_setup32
    SAY "32-bit protected mode"
    movw %cs, %ax
    movzwl %ax, %eax
    EXPECT %eax, $KCODE32, 0x06, "32-bit PM: CS"
    movl %esp, %ebx
    call 1f
1:  popl %eax
    subl %esp, %ebx
    EXPECT %ebx, $0, 0x07, "32-bit PM: CALL/POP balance"
    EXPECT %eax, $1b, 0x08, "32-bit PM: CALL pushed EIP"

    SAY "limits: byte and page granular"
    movl $SMALL, %eax
    lsll %eax, %ebx
    EXPECT %ebx, $0xfff, 0x09, "LSL of a byte-granular segment"
    movl $PAGE_G, %eax
    lsll %eax, %ebx
    EXPECT %ebx, $0xfff, 0x0a, "LSL of a page-granular segment, limit 0"
    movw $SMALL, %ax
    movw %ax, %es
    movl $0x11223344, %es:0xffc     /* last dword inside */
    EXPECT 0x20ffc, $0x11223344, 0x0b, "write at the limit - 3 lands at base + offset"
    EXPECT_FAULT 1f
lim1:
    movl %eax, %es:0xffd            /* last byte past the limit */
1:  EXPECT exc_vec, $13, 0x0c, "dword crossing a byte-granular limit: #GP"
    EXPECT exc_err, $0, 0x0d, "dword crossing a byte-granular limit: error code 0"
    EXPECT exc_eip, $lim1, 0x0e, "dword crossing a byte-granular limit: pushed EIP"
    movw $PAGE_G, %ax
    movw %ax, %fs
    movb $0x5a, %fs:0xfff
    EXPECT_FAULT 1f
lim2:
    movb %fs:0x1000, %al
1:  EXPECT exc_vec, $13, 0x0f, "byte past a page-granular limit: #GP"
    EXPECT exc_eip, $lim2, 0x10, "byte past a page-granular limit: pushed EIP"

    SAY "expand-down data segments"
    movl $DOWN32, %eax
    lsll %eax, %ebx
    EXPECT %ebx, $0xffff, 0x11, "LSL of an expand-down segment: the raw limit"
    movw $DOWN32, %ax
    movw %ax, %gs
    movl $0x55667788, %gs:0x20010   /* above the limit: valid */
    EXPECT 0x20010, $0x55667788, 0x12, "expand-down B=1: write above the limit"
    EXPECT_FAULT 1f
down1:
    movl %gs:0xfffc, %eax           /* at or below the limit: invalid */
1:  EXPECT exc_vec, $13, 0x13, "expand-down B=1: offset below the limit: #GP"
    EXPECT exc_eip, $down1, 0x14, "expand-down B=1: pushed EIP"
    EXPECT_FAULT 1f
down2:
    movb %gs:0xffff, %al            /* = limit: still invalid */
1:  EXPECT exc_vec, $13, 0x15, "expand-down B=1: offset = limit: #GP"
    movw $DOWN16, %ax
    movw %ax, %gs
    movw $0xbeef, %gs:0x1000        /* lowest valid offset */
    movw $0xcafe, %gs:0xfffe        /* highest valid word */
    movzwl 0x21000, %eax
    EXPECT %eax, $0xbeef, 0x16, "expand-down B=0: write at limit + 1"
    movzwl 0x2fffe, %eax
    EXPECT %eax, $0xcafe, 0x17, "expand-down B=0: write at FFFEh"
    EXPECT_FAULT 1f
down3:
    movl %gs:0xfffe, %eax           /* crosses the 64 KiB upper bound */
1:  EXPECT exc_vec, $13, 0x18, "expand-down B=0: dword crossing FFFFh: #GP"
    EXPECT exc_eip, $down3, 0x19, "expand-down B=0: pushed EIP"
    EXPECT_FAULT 1f
down4:
    movb %gs:0xfff, %al             /* at the limit */
1:  EXPECT exc_vec, $13, 0x1a, "expand-down B=0: offset = limit: #GP"

    SAY "back to real mode through a 16-bit segment"
    movw $KDATA16, %ax
    movw %ax, %es
    movw %ax, %fs
    movw %ax, %gs
    movw %ax, %ss
    movw $KDATA32, %ax              /* DS keeps 4 GiB: unreal mode */
    movw %ax, %ds
    ljmp $KCODE16, $back16

    .code16
back16:
    movl %cr0, %eax
    andl $0xfffffffe, %eax
    movl %eax, %cr0
    ljmp $0, $real
real:
    xorw %ax, %ax
    movw %ax, %ss
    movw %ax, %ds                   /* real-mode load: base 0, limit kept */
    movw %ax, %es
    movl $MAIN_STACK, %esp
    lidtl ivt_desc
    SAY "real mode again", 16
    smsw %ax
    movzwl %ax, %eax
    andl $1, %eax
    EXPECT %eax, $0, 0x1b, "back in real mode: CR0.PE", 16
    movw $rm_gp, 13 * 4             /* INT 13 (#GP in real mode) -> rm_gp */
    movw $0, 13 * 4 + 2
    movl $0x200000, %ebx
    movl $0xcafef00d, (%ebx)        /* DS, 4 GiB limit, offset 2 MiB */
    movl (%ebx), %eax
    EXPECT %eax, $0xcafef00d, 0x1c, "unreal mode: DS access at 2 MiB", 16
    EXPECT rm_gp_count, $0, 0x1d, "unreal mode: no #GP through DS", 16
    movw $1f, rm_resume
    movl $0x10000, %ebx
rm_lim:
    movl %es:(%ebx), %eax           /* ES kept its 64 KiB limit */
1:  EXPECT rm_gp_count, $1, 0x1e, "real mode: offset past a 64 KiB limit raises INT 13", 16
    EXPECT rm_gp_ip, $rm_lim, 0x1f, "real mode: #GP pushed IP of the access", 16
    call finish16

/* Real-mode #GP: count it, note the IP, resume at rm_resume. */
rm_gp:
    pushw %bp
    movw %sp, %bp
    pushw %ax
    incl %cs:rm_gp_count
    movw 2(%bp), %ax
    movw %ax, %cs:rm_gp_ip
    movw %cs:rm_resume, %ax
    movw %ax, 2(%bp)
    popw %ax
    popw %bp
    iret

    .balign 4
rm_gp_count:
    .long 0
rm_gp_ip:
    .long 0
rm_resume:
    .word 0
ivt_desc:
    .word 0x3ff
    .long 0
gdt:
    GDT_STD
    DESC 0x20000, 0xfff, 0x92, 0x4  /* 40 SMALL */
    DESC 0x20000, 0x0, 0x92, 0xc    /* 48 PAGE_G */
    DESC 0, 0xffff, 0x96, 0x4       /* 50 DOWN32 */
    DESC 0x20000, 0xfff, 0x96, 0x0  /* 58 DOWN16 */
gdt_end:
gdt_desc:
    .word gdt_end - gdt - 1
    .long gdt
