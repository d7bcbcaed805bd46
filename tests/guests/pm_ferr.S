/*
 * tests/guests/pm_ferr.S - an unmasked x87 exception with CR0.NE clear
 * reaches the processor as IRQ 13 (FERR# through the slave 8259, asserted
 * by the next waiting x87 instruction, which then runs again after the
 * interrupt), in protected mode and promptly: the interrupt must arrive
 * before the counting loop that follows (a translator has to leave its
 * code for it, and must not lose the waiting instruction). The handler
 * finds FSW.ES set, clears FERR# through port F0h and the x87 state with
 * FNCLEX, and sends EOIs; FSINCOS has pushed its second result after. With
 * the exception masked again the same division raises nothing.
 *
 * Models:      nothing: a test guest (see pm_lib.inc).
 * Not modeled: -
 * Spec:        Intel SDM Vol. 1 8.7 and Vol. 3A 2.5 (CR0.NE = 0: the
 *              PC-style "MS-DOS compatibility" x87 error reporting through
 *              FERR# and IRQ 13, cleared by a write to port F0h); Intel
 *              8259A data sheet (ICW1-ICW4, OCW1, non-specific EOI).
 */
#include "pm_lib.inc"

    .equ IRQ13_VEC, 0x2d            /* slave base 28h + 5 */

    .code16
main:
    SAY "pm_ferr: x87 exception -> FERR# -> IRQ 13 with CR0.NE clear", 16
    cli
    ENTER_PM32
    call idt_setup32
    movl $IRQ13_VEC, %eax
    movl $irq13, %ebx
    movl $KCODE32, %ecx
    movl $0x8e, %edx
    call set_gate32

    /* the 8259s: master at 20h-27h, slave at 28h-2Fh, only IRQ2 and 13 */
    movb $0x11, %al
    outb %al, $0x20
    outb %al, $0xa0
    movb $0x20, %al
    outb %al, $0x21
    movb $0x28, %al
    outb %al, $0xa1
    movb $4, %al
    outb %al, $0x21
    movb $2, %al
    outb %al, $0xa1
    movb $1, %al
    outb %al, $0x21
    outb %al, $0xa1
    movb $0xfb, %al
    outb %al, $0x21
    movb $0xdf, %al
    outb %al, $0xa1

    movl %cr0, %eax
    andl $~0x2c, %eax               /* NE, TS, EM clear */
    orl $0x2, %eax                  /* MP */
    movl %eax, %cr0
    fninit
    fldcw cw_unmasked
    sti

    movl $0x12345, %ecx
    fld1
    fdivl zero64                    /* 1 / 0, ZE unmasked: FSW.ES */
    jmp 3f
3:  fsincos                         /* waits: FERR#, IRQ 13, then runs */
    xorl %ecx, %ecx
1:  incl %ecx
    cmpl $1000, %ecx
    jne 1b
    cli
    xorl %eax, %eax
    fnstsw %ax
    andl $0x3800, %eax
    EXPECT %eax, $0x3000, 0x05, "FSINCOS done after the interrupt (TOP = 6)"
    fstp %st(0)
    fstp %st(0)
    EXPECT irq_count, $1, 0x01, "IRQ 13 taken once"
    movl irq_ecx, %eax
    cmpl $0x12345, %eax
    je 2f
    cmpl $8, %eax
    jb 2f
    EXPECT %eax, $0x12345, 0x02, "IRQ 13 within a few instructions of FDIV"
2:  movl irq_fsw, %eax
    andl $0x84, %eax
    EXPECT %eax, $0x84, 0x03, "handler sees FSW.ES and ZE"

    /* masked: the same division gives infinity and no interrupt */
    fninit
    sti
    fld1
    fdivl zero64
    xorl %ecx, %ecx
1:  incl %ecx
    cmpl $1000, %ecx
    jne 1b
    cli
    fstp %st(0)
    EXPECT irq_count, $1, 0x04, "masked zero divide: no IRQ 13"
    call finish32

irq13:
    pushl %eax
    movl %ecx, irq_ecx
    fnstsw %ax
    movzwl %ax, %eax
    movl %eax, irq_fsw
    incl irq_count
    xorb %al, %al
    outb %al, $0xf0                 /* FERR# off */
    fnclex
    movb $0x20, %al
    outb %al, $0xa0
    outb %al, $0x20
    popl %eax
    iret

    .balign 4
irq_count:  .long 0
irq_ecx:    .long 0
irq_fsw:    .long 0
cw_unmasked: .word 0x037b           /* ZM clear, everything else masked */
    .balign 8
zero64:     .quad 0

    .balign 8
gdt:
    GDT_STD
gdt_end:
gdt_desc:
    .word gdt_end - gdt - 1
    .long gdt
