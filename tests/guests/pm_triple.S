/*
 * tests/guests/pm_triple.S - a triple fault: with an IDT whose limit covers
 * no gate, UD2 cannot deliver #UD, the resulting #GP cannot be delivered
 * either, nor the #DF that follows, and the processor shuts down; the board
 * resets, which `-no-reboot` turns into exit status 0. Any other outcome
 * writes a failure code to port 0xf4.
 *
 * Models:      nothing: a test guest (see pm_lib.inc).
 * Not modeled: -
 * Spec:        Intel SDM Vol. 3A 6.15 "Interrupt 8 - Double Fault Exception
 *              (#DF)" (shutdown on a fault during #DF delivery), 6.10 (IDT
 *              limit), 6.14.1 (a gate beyond the limit: #GP).
 */
#include "pm_lib.inc"

    .code16
main:
    SAY "pm_triple: expecting a triple fault (exit status 0 with -no-reboot)", 16
    cli
    lgdtl gdt_desc
    movl %cr0, %eax
    orl $1, %eax
    movl %eax, %cr0
    ljmp $KCODE32, $pm32

    .code32
pm32:
    movw $KDATA32, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    movl $MAIN_STACK, %esp
    lidt idt_empty
    ud2
    SAY "FAIL: execution went on after UD2 with an empty IDT"
    movb $0x01, %al
    outb %al, $0xf4
1:  hlt
    jmp 1b

    .balign 8
idt_empty:
    .word 0
    .long IDT_ADDR
gdt:
    GDT_STD
gdt_end:
gdt_desc:
    .word gdt_end - gdt - 1
    .long gdt
