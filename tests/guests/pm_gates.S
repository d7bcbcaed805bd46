/*
 * tests/guests/pm_gates.S - privilege transfers through gates, from ring 3:
 * a 32-bit and a 16-bit call gate to ring 0 with parameter copy and a stack
 * switch through the TSS (the new stack's layout and position, RET far n
 * back to ring 3 restoring SS:ESP), data segment registers with DPL < CPL
 * nulled by that RET (others kept), an interrupt gate clearing IF and a trap
 * gate keeping it, INT n through a DPL 0 gate: #GP with the IDT error code,
 * a far call to a conforming DPL 0 segment (CPL stays 3, CS.RPL = 3) and to
 * a non-conforming one (#GP).
 *
 * Models:      nothing: a test guest (see pm_lib.inc).
 * Not modeled: ring 1 and 2, LDT gates.
 * Spec:        Intel SDM Vol. 3A 5.8.3-5.8.6 (call gates, stack switching,
 *              returning from a called procedure), 5.8.1.2 (conforming code),
 *              6.12.1 (exception/interrupt handler procedures, 6.12.1.1 IF
 *              for interrupt vs trap gates), 6.13 (error code for IDT
 *              references); Vol. 2 CALL, RET, INT n.
 */
#include "pm_lib.inc"

    .equ CALLGATE32, 0x40
    .equ CALLGATE16, 0x48
    .equ CONF, 0x50

    .code16
main:
    SAY "pm_gates: call gates, RET to ring 3, interrupt/trap gates, conforming code", 16
    cli
    ENTER_PM32
    call idt_setup32
    call tss_setup32
    movl $0x40, %eax
    movl $int40, %ebx
    movl $KCODE32, %ecx
    movl $0xee, %edx                /* interrupt gate, DPL 3 */
    call set_gate32
    movl $0x41, %eax
    movl $int41, %ebx
    movl $0xef, %edx                /* trap gate, DPL 3 */
    call set_gate32
    movl $0x42, %eax
    movl $int40, %ebx
    movl $0x8e, %edx                /* interrupt gate, DPL 0 */
    call set_gate32

    SAY "ring 3"
    movl $user_main, %eax
    call run_ring3
    SAY "back in ring 0"

    EXPECT g32_cs, $KCODE32, 0x01, "32-bit call gate: handler CS (CPL 0)"
    EXPECT g32_ss, $KDATA32, 0x02, "32-bit call gate: SS from TSS.SS0"
    EXPECT g32_esp, $(RING0_STACK - 24), 0x03, "32-bit call gate: ESP = TSS.ESP0 - 24"
    EXPECT g32_frame + 0, $cg32_ret, 0x04, "32-bit call gate: pushed EIP"
    EXPECT g32_frame + 4, $(UCODE32 | 3), 0x05, "32-bit call gate: pushed CS"
    EXPECT g32_frame + 8, $0x22222222, 0x06, "32-bit call gate: parameter 1 (top of the old stack)"
    EXPECT g32_frame + 12, $0x11111111, 0x07, "32-bit call gate: parameter 2"
    EXPECT g32_frame + 16, $(RING3_STACK - 8), 0x08, "32-bit call gate: pushed ESP"
    EXPECT g32_frame + 20, $(UDATA32 | 3), 0x09, "32-bit call gate: pushed SS"
    EXPECT u_esp_after32, $RING3_STACK, 0x0a, "RET 8 to ring 3: ESP with the parameters removed"
    EXPECT u_ss_after32, $(UDATA32 | 3), 0x0b, "RET 8 to ring 3: SS"
    EXPECT u_es, $0, 0x0c, "RET to ring 3 nulls ES (DPL 0 data)"
    EXPECT u_gs, $0, 0x0d, "RET to ring 3 nulls GS (DPL 0 data)"
    EXPECT u_fs, $(UDATA32 | 3), 0x0e, "RET to ring 3 keeps FS (DPL 3 data)"
    EXPECT u_ds, $(UDATA32 | 3), 0x0f, "RET to ring 3 keeps DS (DPL 3 data)"

    EXPECT g16_cs, $KCODE16, 0x10, "16-bit call gate: handler CS"
    EXPECT g16_esp, $(RING0_STACK - 12), 0x11, "16-bit call gate: ESP = TSS.ESP0 - 12"
    EXPECT g16_frame + 0, $(((UCODE32 | 3) << 16) + cg16_ret), 0x12, "16-bit call gate: pushed CS:IP"
    EXPECT g16_frame + 4, $0x33334444, 0x13, "16-bit call gate: the two parameter words"
    EXPECT g16_frame + 8, $(((UDATA32 | 3) << 16) | (RING3_STACK - 4)), 0x22, "16-bit call gate: pushed SS:SP"
    EXPECT u_esp_after16, $RING3_STACK, 0x14, "RETW 4 to ring 3: ESP with the parameters removed"

    EXPECT i40_if, $0, 0x15, "interrupt gate: IF cleared in the handler"
    EXPECT i40_frame + 8, $0x202, 0x16, "interrupt gate: pushed EFLAGS (IF=1)"
    EXPECT i40_frame + 4, $(UCODE32 | 3), 0x17, "interrupt gate: pushed CS"
    EXPECT i40_frame + 0, $int40_ret, 0x18, "interrupt gate: pushed EIP (after INT)"
    EXPECT i40_frame + 16, $(UDATA32 | 3), 0x19, "interrupt gate: pushed SS"
    EXPECT i41_if, $0x200, 0x1a, "trap gate: IF kept in the handler"

    EXPECT u_vec42, $13, 0x1b, "INT 42h through a DPL 0 gate from ring 3: #GP"
    EXPECT u_err42, $(0x42 * 8 + 2), 0x1c, "INT 42h: error code = vector * 8 + IDT bit"
    EXPECT u_eip42, $int42_insn, 0x1d, "INT 42h: pushed EIP (the INT)"

    EXPECT conf_cs, $(CONF | 3), 0x1e, "conforming DPL 0 code called from ring 3: CS.RPL = 3"
    EXPECT conf_ret, $1, 0x1f, "conforming code: returned to ring 3"
    EXPECT u_vec_nc, $13, 0x20, "CALL FAR to non-conforming DPL 0 code from ring 3: #GP"
    EXPECT u_err_nc, $KCODE32, 0x21, "CALL FAR to non-conforming DPL 0 code: error code = selector"
    call finish32

/* ---- ring 3 ---------------------------------------------------------- */
user_main:
    pushl $0x11111111
    pushl $0x22222222
    lcall $(CALLGATE32 | 3), $0     /* the offset is ignored */
cg32_ret:
    movl %esp, u_esp_after32
    movw %ss, %ax
    movzwl %ax, %eax
    movl %eax, u_ss_after32
    movw %es, %ax
    movzwl %ax, %eax
    movl %eax, u_es
    movw %fs, %ax
    movzwl %ax, %eax
    movl %eax, u_fs
    movw %gs, %ax
    movzwl %ax, %eax
    movl %eax, u_gs
    movw %ds, %ax
    movzwl %ax, %eax
    movl %eax, u_ds
    movw $(UDATA32 | 3), %ax
    movw %ax, %es
    movw %ax, %gs

    pushw $0x3333
    pushw $0x4444
    lcall $(CALLGATE16 | 3), $0
cg16_ret:
    movl %esp, u_esp_after16

    int $0x40
int40_ret:
    int $0x41

    EXPECT_FAULT 1f
int42_insn:
    int $0x42
1:  movl exc_vec, %eax
    movl %eax, u_vec42
    movl exc_err, %eax
    movl %eax, u_err42
    movl exc_eip, %eax
    movl %eax, u_eip42

    lcall $(CONF | 3), $conf_fn
    movl $1, conf_ret
    EXPECT_FAULT 1f
    lcall $KCODE32, $conf_fn
1:  movl exc_vec, %eax
    movl %eax, u_vec_nc
    movl exc_err, %eax
    movl %eax, u_err_nc
    BACK_TO_RING0

/* ---- ring 0 targets -------------------------------------------------- */
cg32_target:
    movw %cs, %ax
    movzwl %ax, %eax
    movl %eax, g32_cs
    movw %ss, %ax
    movzwl %ax, %eax
    movl %eax, g32_ss
    movl %esp, g32_esp
    movl $6, %ecx
    movl %esp, %esi
    movl $g32_frame, %edi
    rep movsl %ss:(%esi), %es:(%edi)
    movw $KDATA32, %ax              /* DPL 0: nulled by the RET to ring 3 */
    movw %ax, %es
    movw %ax, %gs
    movw $(UDATA32 | 3), %ax        /* DPL 3: kept */
    movw %ax, %fs
    lret $8

int40:
    pushfl
    popl %eax
    andl $0x200, %eax
    movl %eax, i40_if
    movl 0(%esp), %eax
    movl %eax, i40_frame
    movl 4(%esp), %eax
    movl %eax, i40_frame + 4
    movl 8(%esp), %eax
    movl %eax, i40_frame + 8
    movl 12(%esp), %eax
    movl %eax, i40_frame + 12
    movl 16(%esp), %eax
    movl %eax, i40_frame + 16
    iret

int41:
    pushfl
    popl %eax
    andl $0x200, %eax
    movl %eax, i41_if
    iret

conf_fn:
    movw %cs, %ax
    movzwl %ax, %eax
    movl %eax, conf_cs
    lret

    .code16
cg16_target:
    movw %cs, %ax
    movzwl %ax, %eax
    movl %eax, g16_cs
    movl %esp, g16_esp
    movl %ss:(%esp), %eax
    movl %eax, g16_frame
    movl %ss:4(%esp), %eax
    movl %eax, g16_frame + 4
    movl %ss:8(%esp), %eax
    movl %eax, g16_frame + 8
    lret $4
    .code32

    .balign 4
g32_cs:         .long 0
g32_ss:         .long 0
g32_esp:        .long 0
g32_frame:      .fill 6, 4, 0
g16_cs:         .long 0
g16_esp:        .long 0
g16_frame:      .fill 3, 4, 0
u_esp_after32:  .long 0
u_ss_after32:   .long 0
u_esp_after16:  .long 0
u_es:           .long 0
u_fs:           .long 0
u_gs:           .long 0
u_ds:           .long 0
i40_if:         .long 0
i40_frame:      .fill 5, 4, 0
i41_if:         .long 0
u_vec42:        .long 0
u_err42:        .long 0
u_eip42:        .long 0
conf_cs:        .long 0
conf_ret:       .long 0
u_vec_nc:       .long 0
u_err_nc:       .long 0
gdt:
    GDT_STD
    GATE cg32_target, KCODE32, 0xec, 2      /* 40 32-bit call gate, DPL 3 */
    GATE cg16_target, KCODE16, 0xe4, 2      /* 48 16-bit call gate, DPL 3 */
    DESC 0, 0xfffff, 0x9e, 0xc              /* 50 conforming code, DPL 0 */
gdt_end:
gdt_desc:
    .word gdt_end - gdt - 1
    .long gdt
