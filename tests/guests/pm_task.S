/*
 * tests/guests/pm_task.S - hardware task switches: JMP to a 32-bit TSS (no
 * NT, no back link, the old task's busy bit cleared, its EIP and registers
 * saved and later restored), CALL to a TSS (NT set, back link written, both
 * busy) and IRET with NT=1 back (busy cleared), INT n through a task gate in
 * the IDT, CALL through a task gate in the GDT, #GP(selector) on a CALL to a
 * busy task, and a 16-bit TSS (AX loaded from it, the 32-bit caller's full
 * registers restored, IP saved into the 16-bit TSS on the way back).
 *
 * Models:      nothing: a test guest (see pm_lib.inc).
 * Not modeled: LDTs in tasks, CR3 changes, the T (debug trap) bit.
 * Spec:        Intel SDM Vol. 3A 7.2 (TSS, TSS descriptor, task gate, figures
 *              7-2 and 7-11), 7.3 (task switching, table 7-2 NT/busy/link),
 *              7.4 (task linking), 7.6 (16-bit TSS); Vol. 2 IRET, JMP, CALL.
 */
#include "pm_lib.inc"

    .equ TSS_A, TSS_SEL             /* this task, TSS at 10000h */
    .equ TSS_B, 0x40
    .equ TSS_C, 0x48
    .equ TASKGATE, 0x50
    .equ TSS_B_ADDR, 0x10100
    .equ TSS_C_ADDR, 0x10200

/* EAX = type nibble of the TSS descriptor 'sel' (9/B: 32-bit, 1/3: 16-bit). */
.macro TSS_TYPE sel
    movzbl gdt + \sel + 5, %eax
    andl $0x0f, %eax
.endm

.macro RECORD_NT var
    pushfl
    popl %eax
    andl $0x4000, %eax
    movl %eax, \var
.endm

    .code16
main:
    SAY "pm_task: task switches by JMP, CALL, IRET, task gates, 16-bit TSS", 16
    cli
    ENTER_PM32
    call idt_setup32
    call tss_setup32
    movl $0x50, %eax
    xorl %ebx, %ebx
    movl $TSS_B, %ecx
    movl $0x85, %edx                /* task gate */
    call set_gate32

    movl $TSS_B_ADDR, %edi          /* task B: 32-bit TSS */
    movl $26, %ecx
    xorl %eax, %eax
    rep stosl
    movl %cr3, %eax
    movl %eax, TSS_B_ADDR + 0x1c
    movl $task_b, TSS_B_ADDR + 0x20
    movl $2, TSS_B_ADDR + 0x24
    movl $0xb0b0b0b0, TSS_B_ADDR + 0x28
    movl $0x4800, TSS_B_ADDR + 0x38
    movl $KDATA32, TSS_B_ADDR + 0x48
    movl $KCODE32, TSS_B_ADDR + 0x4c
    movl $KDATA32, TSS_B_ADDR + 0x50
    movl $KDATA32, TSS_B_ADDR + 0x54
    movl $KDATA32, TSS_B_ADDR + 0x58
    movl $KDATA32, TSS_B_ADDR + 0x5c
    movw $0x68, TSS_B_ADDR + 0x66
    movl $TSS_C_ADDR, %edi          /* task C: 16-bit TSS */
    movl $11, %ecx
    xorl %eax, %eax
    rep stosl
    movw $task_c, TSS_C_ADDR + 14
    movw $2, TSS_C_ADDR + 16
    movw $0xc0c0, TSS_C_ADDR + 18
    movw $0x4400, TSS_C_ADDR + 26
    movw $KDATA16, TSS_C_ADDR + 34
    movw $KCODE16, TSS_C_ADDR + 36
    movw $KDATA16, TSS_C_ADDR + 38
    movw $KDATA32, TSS_C_ADDR + 40

    SAY "JMP to task B and back"
    movl $0x12345678, %eax
    movl $0x9abcdef0, %esi
    ljmp $TSS_B, $0
a1_back:
    EXPECT %eax, $0x12345678, 0x01, "JMP back: task A's EAX restored"
    EXPECT %esi, $0x9abcdef0, 0x02, "JMP back: task A's ESI restored"
    EXPECT b1_eax, $0xb0b0b0b0, 0x03, "task B: EAX loaded from its TSS"
    EXPECT b1_tr, $TSS_B, 0x04, "task B: TR"
    EXPECT b1_nt, $0, 0x05, "task B entered by JMP: NT = 0"
    EXPECT b1_busy_a, $9, 0x06, "JMP: the old task is no longer busy"
    EXPECT b1_busy_b, $0xb, 0x07, "JMP: the new task is busy"
    EXPECT b1_a_eip, $a1_back, 0x08, "JMP: old task's EIP saved (next instruction)"
    EXPECT b1_link, $0, 0x09, "JMP: no back link written"
    TSS_TYPE TSS_B
    EXPECT %eax, $9, 0x0a, "JMP back to A: B no longer busy"
    TSS_TYPE TSS_A
    EXPECT %eax, $0xb, 0x0b, "JMP back to A: A busy"
    str %ax
    movzwl %ax, %eax
    EXPECT %eax, $TSS_A, 0x0c, "JMP back to A: TR"

    SAY "CALL to task B, IRET back"
    lcall $TSS_B, $0
    RECORD_NT a2_nt
    EXPECT b2_nt, $0x4000, 0x0d, "task B entered by CALL: NT = 1"
    EXPECT b2_link, $TSS_A, 0x0e, "CALL: back link = caller's TSS"
    EXPECT b2_busy_a, $0xb, 0x0f, "CALL: the caller stays busy"
    EXPECT b2_busy_b, $0xb, 0x10, "CALL: the new task is busy"
    EXPECT a2_nt, $0, 0x11, "after IRET: caller's NT = 0"
    TSS_TYPE TSS_B
    EXPECT %eax, $9, 0x12, "IRET with NT: the returning task is no longer busy"

    SAY "INT 50h through a task gate"
    int $0x50
    EXPECT b3_nt, $0x4000, 0x13, "task gate in the IDT: NT = 1"
    EXPECT b3_link, $TSS_A, 0x14, "task gate in the IDT: back link"
    TSS_TYPE TSS_B
    EXPECT %eax, $9, 0x15, "IRET from the task-gate task: not busy"

    SAY "CALL through a task gate in the GDT"
    lcall $TASKGATE, $0
    EXPECT b4_nt, $0x4000, 0x16, "task gate in the GDT: NT = 1"
    EXPECT b4_tr, $TSS_B, 0x17, "task gate in the GDT: TR = the gate's TSS"

    SAY "CALL to a busy task"
    EXPECT_FAULT 1f
busy_insn:
    lcall $TSS_A, $0
1:  EXPECT exc_vec, $13, 0x18, "CALL to a busy TSS: #GP"
    EXPECT exc_err, $TSS_A, 0x19, "CALL to a busy TSS: error code = selector"
    EXPECT exc_eip, $busy_insn, 0x1a, "CALL to a busy TSS: pushed EIP"

    SAY "CALL to a 16-bit TSS"
    movl $0xaaaa5555, %eax
    movl $0x13579bdf, %ebp
    lcall $TSS_C, $0
    EXPECT %eax, $0xaaaa5555, 0x1b, "back from the 16-bit task: EAX (32 bits) restored"
    EXPECT %ebp, $0x13579bdf, 0x1c, "back from the 16-bit task: EBP restored"
    EXPECT c_ax, $0xc0c0, 0x1d, "16-bit task: AX loaded from its TSS"
    EXPECT c_nt, $0x4000, 0x1e, "16-bit task: NT = 1"
    EXPECT c_tr, $TSS_C, 0x1f, "16-bit task: TR"
    EXPECT c_link, $TSS_A, 0x20, "16-bit TSS: back link"
    movzwl TSS_C_ADDR + 14, %eax
    EXPECT %eax, $c_after, 0x21, "16-bit TSS: IP saved after the IRET"
    TSS_TYPE TSS_C
    EXPECT %eax, $1, 0x22, "16-bit TSS: not busy after IRET"
    call finish32

/* ---- task B: one phase per entry ------------------------------------- */
task_b:
    movl %eax, b1_eax
    str %ax
    movzwl %ax, %eax
    movl %eax, b1_tr
    RECORD_NT b1_nt
    TSS_TYPE TSS_A
    movl %eax, b1_busy_a
    TSS_TYPE TSS_B
    movl %eax, b1_busy_b
    movl TSS_ADDR + 0x20, %eax
    movl %eax, b1_a_eip
    movzwl TSS_B_ADDR, %eax
    movl %eax, b1_link
    ljmp $TSS_A, $0
    RECORD_NT b2_nt                 /* phase 2: CALL */
    movzwl TSS_B_ADDR, %eax
    movl %eax, b2_link
    TSS_TYPE TSS_A
    movl %eax, b2_busy_a
    TSS_TYPE TSS_B
    movl %eax, b2_busy_b
    iret
    RECORD_NT b3_nt                 /* phase 3: INT through a task gate */
    movzwl TSS_B_ADDR, %eax
    movl %eax, b3_link
    iret
    RECORD_NT b4_nt                 /* phase 4: CALL through a task gate */
    str %ax
    movzwl %ax, %eax
    movl %eax, b4_tr
    iret
    SAY "FAIL: task B entered once too often"
    movb $0x7d, %al
    outb %al, $0xf4

/* ---- task C: 16-bit ---------------------------------------------------- */
    .code16
task_c:
    movw %ax, c_ax
    pushfw
    popw %ax
    andw $0x4000, %ax
    movw %ax, c_nt
    str %ax
    movw %ax, c_tr
    movl $TSS_C_ADDR, %ebx
    movw (%ebx), %ax
    movw %ax, c_link
    iret
c_after:
    jmp task_c
    .code32

    .balign 4
b1_eax:     .long 0
b1_tr:      .long 0
b1_nt:      .long 0
b1_busy_a:  .long 0
b1_busy_b:  .long 0
b1_a_eip:   .long 0
b1_link:    .long 0
b2_nt:      .long 0
b2_link:    .long 0
b2_busy_a:  .long 0
b2_busy_b:  .long 0
a2_nt:      .long 0
b3_nt:      .long 0
b3_link:    .long 0
b4_nt:      .long 0
b4_tr:      .long 0
c_ax:       .long 0
c_nt:       .long 0
c_tr:       .long 0
c_link:     .long 0
gdt:
    GDT_STD
    DESC TSS_B_ADDR, 0x67, 0x89, 0x0    /* 40 task B, 32-bit TSS */
    DESC TSS_C_ADDR, 0x2b, 0x81, 0x0    /* 48 task C, 16-bit TSS */
    GATE 0, TSS_B, 0x85                 /* 50 task gate -> B */
gdt_end:
gdt_desc:
    .word gdt_end - gdt - 1
    .long gdt
