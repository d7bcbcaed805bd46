/*
 * tests/guests/pm_except.S - protected-mode exceptions: vector, error code,
 * and the pushed CS:EIP for faults (the faulting instruction) and traps (the
 * next one): #DE #BP #OF #BR #UD, #NP and #SS on segment loads, #SS(0) on a
 * stack limit, #GP(0) and #GP(selector), #PF with CR2, the IDT-format error
 * code of #NP on a not-present gate and of #GP past the IDT limit, and a #DF
 * from a fault while delivering #GP.
 *
 * Models:      nothing: a test guest; boots from a floppy, reports on port
 *              0xE9, exits through port 0xf4 (0 = pass).
 * Not modeled: the triple fault (pm_triple.S).
 * Spec:        Intel SDM Vol. 3A 6.3 (sources of interrupts), 6.5 (fault,
 *              trap, abort), 6.13 (error code), 6.15 (exception reference:
 *              #DE #BP #OF #BR #UD #DF #NP #SS #GP #PF), 4.7 (#PF error code),
 *              Vol. 3B 17.3.1.1 (RF = 1 in the EFLAGS image of a fault).
 */
#include "pm_lib.inc"

    .equ NP_DATA, 0x40
    .equ SMALL_SS, 0x48
    .equ PD_ADDR, 0x20000
    .equ PT_ADDR, 0x21000
    .equ HOLE, 0x300000             /* the one not-present 4K page */

    .code16
main:
    SAY "pm_except: exceptions in 32-bit protected mode", 16
    cli
    ENTER_PM32
    call idt_setup32

    SAY "#DE: DIV by zero"
    EXPECT_FAULT 1f
    xorl %ecx, %ecx
    movl $1, %eax
    xorl %edx, %edx
de_insn:
    divl %ecx
1:  EXPECT exc_vec, $0, 0x01, "#DE vector"
    EXPECT exc_eip, $de_insn, 0x02, "#DE pushed EIP (the DIV)"
    EXPECT exc_cs, $KCODE32, 0x03, "#DE pushed CS"

    SAY "#BP and #OF are traps, #BR and #UD faults"
    EXPECT_FAULT bp_next
    int3
bp_next:
    EXPECT exc_vec, $3, 0x04, "INT3 vector"
    EXPECT exc_eip, $bp_next, 0x05, "INT3 pushed EIP (the next instruction)"
    movl exc_eflags, %eax
    andl $0x10000, %eax
    EXPECT %eax, $0, 0x32, "INT3 (a trap): RF clear in the pushed EFLAGS"
    EXPECT_FAULT of_next
    movb $0x7f, %al
    addb $1, %al                    /* OF = 1 */
    into
of_next:
    EXPECT exc_vec, $4, 0x06, "INTO vector"
    EXPECT exc_eip, $of_next, 0x07, "INTO pushed EIP (the next instruction)"
    EXPECT_FAULT 1f
    movl $10, %eax
br_insn:
    boundl %eax, bounds
1:  EXPECT exc_vec, $5, 0x08, "BOUND vector"
    EXPECT exc_eip, $br_insn, 0x09, "BOUND pushed EIP"
    EXPECT_FAULT 1f
ud_insn:
    ud2
1:  EXPECT exc_vec, $6, 0x0a, "UD2 vector"
    EXPECT exc_eip, $ud_insn, 0x0b, "UD2 pushed EIP"
    movl exc_eflags, %eax
    andl $0x10000, %eax
    EXPECT %eax, $0x10000, 0x33, "UD2 (a fault): RF set in the pushed EFLAGS (SDM 17.3.1.1)"

    SAY "#NP and #SS on segment loads"
    movw $NP_DATA, %ax
    EXPECT_FAULT 1f
np_insn:
    movw %ax, %es
1:  EXPECT exc_vec, $11, 0x0c, "MOV ES,not-present: vector"
    EXPECT exc_err, $NP_DATA, 0x0d, "MOV ES,not-present: error code = selector"
    EXPECT exc_eip, $np_insn, 0x0e, "MOV ES,not-present: pushed EIP"
    movw %es, %ax
    movzwl %ax, %eax
    EXPECT %eax, $KDATA32, 0x0f, "ES unchanged after the fault"
    movw $NP_DATA, %ax
    EXPECT_FAULT 1f
ss_insn:
    movw %ax, %ss
1:  EXPECT exc_vec, $12, 0x10, "MOV SS,not-present: vector (#SS)"
    EXPECT exc_err, $NP_DATA, 0x11, "MOV SS,not-present: error code = selector"
    EXPECT exc_eip, $ss_insn, 0x12, "MOV SS,not-present: pushed EIP"

    SAY "#SS(0) past the stack segment limit"
    movw $SMALL_SS, %ax
    movw %ax, %ss                   /* limit 7FFFFh, ESP inside */
    xorl %ebp, %ebp
    EXPECT_FAULT 1f
ss0_insn:
    movl 0x80000(%ebp), %eax
1:  movw $KDATA32, %ax
    movw %ax, %ss
    EXPECT exc_vec, $12, 0x13, "stack limit: vector (#SS)"
    EXPECT exc_err, $0, 0x14, "stack limit: error code 0"
    EXPECT exc_eip, $ss0_insn, 0x15, "stack limit: pushed EIP"

    SAY "#GP(selector) and #GP(0)"
    movw $0x1000, %ax               /* past the GDT limit */
    EXPECT_FAULT 1f
gp1_insn:
    movw %ax, %ds
1:  EXPECT exc_vec, $13, 0x16, "MOV DS,past GDT limit: vector"
    EXPECT exc_err, $0x1000, 0x17, "MOV DS,past GDT limit: error code = selector"
    EXPECT exc_eip, $gp1_insn, 0x18, "MOV DS,past GDT limit: pushed EIP"
    EXPECT_FAULT 1f
gp2_insn:
    ljmp $KDATA32, $0
1:  EXPECT exc_vec, $13, 0x19, "JMP FAR to a data segment: vector"
    EXPECT exc_err, $KDATA32, 0x1a, "JMP FAR to a data segment: error code"
    EXPECT exc_eip, $gp2_insn, 0x1b, "JMP FAR to a data segment: pushed EIP"
    EXPECT_FAULT 1f
gp3_insn:
    movl %eax, %cs:scratch          /* code segments are not writable */
1:  EXPECT exc_vec, $13, 0x1c, "write through CS: vector"
    EXPECT exc_err, $0, 0x1d, "write through CS: error code 0"
    EXPECT exc_eip, $gp3_insn, 0x1e, "write through CS: pushed EIP"

    SAY "#NP on a not-present IDT gate, #GP past the IDT limit"
    movl $0x70, %eax
    movl $exc_stubs, %ebx
    movl $KCODE32, %ecx
    movl $0x0e, %edx                /* interrupt gate, P = 0 */
    call set_gate32
    EXPECT_FAULT 1f
np_gate_insn:
    int $0x70
1:  EXPECT exc_vec, $11, 0x1f, "INT 70h, gate not present: vector (#NP)"
    EXPECT exc_err, $(0x70 * 8 + 2), 0x20, "INT 70h, gate not present: error code (IDT bit)"
    EXPECT exc_eip, $np_gate_insn, 0x21, "INT 70h, gate not present: pushed EIP"
    lidt idt_half
    EXPECT_FAULT 1f
gp_idt_insn:
    int $0x90
1:  lidt idt_desc
    EXPECT exc_vec, $13, 0x22, "INT 90h past the IDT limit: vector (#GP)"
    EXPECT exc_err, $(0x90 * 8 + 2), 0x23, "INT 90h past the IDT limit: error code"
    EXPECT exc_eip, $gp_idt_insn, 0x24, "INT 90h past the IDT limit: pushed EIP"

    SAY "#PF with CR2 and error codes"
    call paging_on
    EXPECT_FAULT 1f
pf1_insn:
    movl HOLE + 0x10, %eax
1:  EXPECT exc_vec, $14, 0x25, "read of a not-present page: vector"
    EXPECT exc_err, $0, 0x26, "read of a not-present page: error code"
    EXPECT exc_cr2, $(HOLE + 0x10), 0x27, "read of a not-present page: CR2"
    EXPECT exc_eip, $pf1_insn, 0x28, "read of a not-present page: pushed EIP"
    EXPECT_FAULT 1f
pf2_insn:
    movw %ax, HOLE + 0xffe
1:  EXPECT exc_vec, $14, 0x29, "write of a not-present page: vector"
    EXPECT exc_err, $2, 0x2a, "write of a not-present page: error code"
    EXPECT exc_cr2, $(HOLE + 0xffe), 0x2b, "write of a not-present page: CR2"
    EXPECT exc_eip, $pf2_insn, 0x2c, "write of a not-present page: pushed EIP"
    EXPECT_FAULT 1f
pf3_insn:
    movl %eax, HOLE - 2             /* straddles into the hole */
1:  EXPECT exc_vec, $14, 0x2d, "write straddling into the hole: vector"
    EXPECT exc_cr2, $HOLE, 0x2e, "write straddling into the hole: CR2 = first byte of the hole"
    EXPECT exc_eip, $pf3_insn, 0x2f, "write straddling into the hole: pushed EIP"
    movl %cr0, %eax
    andl $0x7fffffff, %eax
    movl %eax, %cr0

    SAY "#DF: #NP while delivering #GP"
    andb $0x7f, IDT_ADDR + 13 * 8 + 5
    movw $0x1000, %ax
    EXPECT_FAULT 1f
    movw %ax, %ds                   /* #GP -> gate 13 not present -> #NP -> #DF */
1:  orb $0x80, IDT_ADDR + 13 * 8 + 5
    EXPECT exc_vec, $8, 0x30, "#GP then #NP: vector (#DF)"
    EXPECT exc_err, $0, 0x31, "#DF error code"

    call finish32

/* Identity-map 0-4 MiB with 4K pages, except a not-present hole. */
paging_on:
    movl $PD_ADDR, %edi
    movl $1024, %ecx
    xorl %eax, %eax
    rep stosl
    movl $(PT_ADDR | 3), PD_ADDR
    movl $PT_ADDR, %edi
    movl $3, %eax
1:  stosl
    addl $0x1000, %eax
    cmpl $0x400003, %eax
    jb 1b
    movl $0, PT_ADDR + (HOLE >> 12) * 4
    movl $PD_ADDR, %eax
    movl %eax, %cr3
    movl %cr0, %eax
    orl $0x80000000, %eax
    movl %eax, %cr0
    ret

    .balign 8
bounds:
    .long 0, 5
scratch:
    .long 0
idt_half:
    .word 0x7ff / 2
    .long IDT_ADDR
gdt:
    GDT_STD
    DESC 0, 0xfffff, 0x12, 0xc      /* 40 data, not present */
    DESC 0, 0x7ffff, 0x92, 0x4      /* 48 data, limit 7FFFFh, B = 1 */
gdt_end:
gdt_desc:
    .word gdt_end - gdt - 1
    .long gdt
