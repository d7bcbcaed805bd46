/*
 * tests/guests/pm_sensitive.S - the sensitive-but-unprivileged instructions
 * at CPL 0 and at CPL 3 (and PUSHF/POPF in virtual-8086 mode), checked
 * against what the architecture defines: SGDT/SIDT store what LGDT/LIDT
 * loaded and SMSW the low word of CR0 (PE=1) at any CPL, while MOV from CR0
 * faults at CPL 3; STR/SLDT give the TR/LDTR selectors; LAR/LSL/VERR/VERW
 * answer by DPL against CPL and RPL (ZF, access rights, limits, destination
 * unchanged when ZF=0); PUSHF shows the real IF and IOPL; POPF and IRET at
 * CPL 3 with IOPL 0 keep IF and IOPL silently (no #GP) where at CPL 0 they
 * change them, while CLI faults; MOV from CS/SS and PUSH CS/SS show RPL =
 * CPL; POP SS checks RPL and DPL against CPL; far CALL through a call gate
 * from ring 3 (pushed CS with RPL 3) and far RET back; far JMP and RET at the
 * same level; INT n through a DPL 3 gate (pushed CS with RPL 3) and
 * #GP(vector*8+2) through a DPL 0 gate; in V86 mode PUSHF and POPF work with
 * IOPL 3 and raise #GP(0) with IOPL 0 (no VME).
 *
 * Models:      nothing: a test guest (see pm_lib.inc).
 * Not modeled: rings 1 and 2, CR4.VME, 16-bit operand forms of SGDT/SIDT.
 * Spec:        Intel SDM Vol. 2 SGDT, SIDT, SLDT, STR, SMSW, LAR, LSL,
 *              VERR/VERW, PUSHF, POPF, IRET, MOV (segment registers), PUSH,
 *              POP, CALL, JMP, RET, INT n; Vol. 3A 5.8.3 (call gates),
 *              6.12.1 (gate DPL for software interrupts), 6.13 (error code),
 *              20.2.7 (sensitive instructions in V86 mode).
 */
#include "pm_lib.inc"

    .equ CALLGATE, 0x40
    .equ LDT_SEL, 0x48
    .equ RODATA0, 0x50              /* read-only data, DPL 0 */
    .equ DATA3_SMALL, 0x58          /* writable data, DPL 3, limit 12345h, byte-granular */
    .equ XCODE3, 0x60               /* execute-only code, DPL 3 */
    .equ LDT_ADDR, 0x20000
    .equ SENTINEL, 0xdeadbeef
    .equ FL_IF, 0x200
    .equ FL_IOPL, 0x3000

/* ZF -> var, as 0 or 1 (clobbers ECX). */
.macro SAVE_ZF var
    setz %cl
    movzbl %cl, %ecx
    movl %ecx, \var
.endm

/* The low word of a segment register -> var (clobbers EAX). */
.macro SAVE_SEG sreg, var
    movw \sreg, %ax
    movzwl %ax, %eax
    movl %eax, \var
.endm

/* EFLAGS & mask -> var (clobbers EAX). */
.macro SAVE_FLAGS mask, var
    pushfl
    popl %eax
    andl $\mask, %eax
    movl %eax, \var
.endm

    .code16
main:
    SAY "pm_sensitive: sensitive-but-unprivileged instructions at CPL 0, CPL 3 and in V86", 16
    cli
    ENTER_PM32
    call idt_setup32
    call tss_setup32
    movl $0x40, %eax
    movl $int40, %ebx
    movl $KCODE32, %ecx
    movl $0xee, %edx                /* interrupt gate, DPL 3 */
    call set_gate32
    movl $0x42, %eax
    movl $int42, %ebx
    movl $0x8e, %edx                /* interrupt gate, DPL 0 */
    call set_gate32
    movl $LDT_ADDR, %edi            /* an LDT of two empty entries */
    movl $4, %ecx
    xorl %eax, %eax
    cld
    rep stosl
    movl %cr0, %eax
    movzwl %ax, %eax
    movl %eax, cr0_low

    SAY "CPL 0: descriptor-table registers and the MSW"
    call store_system_regs
    movzwl sys_gdtr, %eax
    EXPECT %eax, $(gdt_end - gdt - 1), 0x01, "CPL 0: SGDT limit = what LGDT loaded"
    EXPECT sys_gdtr + 2, $gdt, 0x02, "CPL 0: SGDT base = what LGDT loaded"
    movzwl sys_idtr, %eax
    EXPECT %eax, $0x7ff, 0x03, "CPL 0: SIDT limit = what LIDT loaded"
    EXPECT sys_idtr + 2, $IDT_ADDR, 0x04, "CPL 0: SIDT base = what LIDT loaded"
    movl cr0_low, %edx
    EXPECT sys_msw, %edx, 0x05, "CPL 0: SMSW r16 = CR0 bits 0-15"
    orl $0xffff0000, %edx
    EXPECT sys_msw_mem, %edx, 0x06, "CPL 0: SMSW m16 writes 16 bits only"
    movl sys_msw, %eax
    andl $0x11, %eax
    EXPECT %eax, $0x11, 0x07, "CPL 0: SMSW shows PE=1 and ET=1"
    EXPECT sys_str, $TSS_SEL, 0x08, "CPL 0: STR = the TSS selector LTR loaded"
    EXPECT sys_sldt, $0, 0x09, "CPL 0: SLDT = 0 before LLDT"
    movw $LDT_SEL, %ax
    lldt %ax
    call store_system_regs
    EXPECT sys_sldt, $LDT_SEL, 0x0a, "CPL 0: SLDT = the selector LLDT loaded"

    SAY "CPL 0: PUSHF, POPF, IRET change IF and IOPL"
    sti                             /* every IRQ is masked at the PIC */
    SAVE_FLAGS 0x3200, k_pushf
    EXPECT k_pushf, $FL_IF, 0x0b, "CPL 0: PUSHF after STI: IF=1, IOPL 0"
    pushl $0x3002                   /* IF=0, IOPL 3 */
    popfl
    SAVE_FLAGS 0x3200, k_popf
    EXPECT k_popf, $FL_IOPL, 0x0c, "CPL 0: POPF loads IF=0 and IOPL 3"
    pushl $0x0202                   /* IF=1, IOPL 0 */
    pushl $KCODE32
    pushl $1f
    iretl
1:  SAVE_FLAGS 0x3200, k_iret
    EXPECT k_iret, $FL_IF, 0x0d, "CPL 0: IRET (same level) loads IF=1 and IOPL 0"

    SAY "CPL 0: segment registers, far transfers, INT n"
    SAVE_SEG %cs, k_cs
    EXPECT k_cs, $KCODE32, 0x0e, "CPL 0: MOV from CS: RPL 0"
    pushl %cs
    movzwl (%esp), %eax
    addl $4, %esp
    EXPECT %eax, $KCODE32, 0x0f, "CPL 0: PUSH CS"
    pushl %ss
    movzwl (%esp), %eax
    addl $4, %esp
    EXPECT %eax, $KDATA32, 0x10, "CPL 0: PUSH SS"
    pushl $KDATA32
    popl %ss
    SAVE_SEG %ss, k_ss
    EXPECT k_ss, $KDATA32, 0x11, "CPL 0: POP SS of a DPL 0 selector"
    EXPECT_FAULT 1f
    pushl $(UDATA32 | 3)
k_popss_insn:
    popl %ss
1:  addl $4, %esp
    EXPECT exc_vec, $13, 0x12, "CPL 0: POP SS with RPL 3: #GP"
    EXPECT exc_err, $UDATA32, 0x13, "CPL 0: POP SS with RPL 3: error code = selector"
    EXPECT exc_eip, $k_popss_insn, 0x14, "CPL 0: POP SS with RPL 3: pushed EIP"
    lcall $KCODE32, $k_far
    EXPECT k_far_cs, $KCODE32, 0x15, "CPL 0: far CALL to DPL 0 code"
    EXPECT k_far_ret, $1, 0x16, "CPL 0: far RET back"
    ljmp $KCODE32, $1f
1:  movl $0, int42_count
    int $0x42
    EXPECT int42_count, $1, 0x17, "CPL 0: INT 42h through a DPL 0 gate is allowed"

    SAY "CPL 0: LAR LSL VERR VERW"
    movl $SENTINEL, %eax
    movl $TSS_SEL, %ebx
    larl %bx, %eax
    SAVE_ZF k_lar_tss_zf
    movl %eax, k_lar_tss
    EXPECT k_lar_tss_zf, $1, 0x18, "CPL 0: LAR of the TSS: ZF=1"
    EXPECT k_lar_tss, $0x00008b00, 0x19, "CPL 0: LAR of the TSS: busy 32-bit TSS, DPL 0"
    lsll %bx, %eax
    SAVE_ZF k_lsl_tss_zf
    movl %eax, k_lsl_tss
    EXPECT k_lsl_tss_zf, $1, 0x1a, "CPL 0: LSL of the TSS: ZF=1"
    EXPECT k_lsl_tss, $TSS_LIMIT, 0x1b, "CPL 0: LSL of the TSS: its limit"
    movl $SENTINEL, %eax
    movl $(KDATA32 | 3), %ebx
    larl %bx, %eax
    SAVE_ZF k_lar_rpl_zf
    EXPECT k_lar_rpl_zf, $0, 0x1c, "CPL 0: LAR of a DPL 0 selector with RPL 3: ZF=0"
    EXPECT %eax, $SENTINEL, 0x1d, "CPL 0: LAR with ZF=0 leaves the destination"
    movw $RODATA0, %bx
    verr %bx
    SAVE_ZF k_verr_ro
    verw %bx
    SAVE_ZF k_verw_ro
    EXPECT k_verr_ro, $1, 0x1e, "CPL 0: VERR of read-only data: ZF=1"
    EXPECT k_verw_ro, $0, 0x1f, "CPL 0: VERW of read-only data: ZF=0"

    SAY "ring 3"
    movl exc_count, %eax
    movl %eax, exc_count_before
    movl $user_main, %eax
    call run_ring3
    SAY "back in ring 0"

    EXPECT u_gdtr + 2, $gdt, 0x20, "CPL 3: SGDT base, no fault"
    movzwl u_gdtr, %eax
    EXPECT %eax, $(gdt_end - gdt - 1), 0x21, "CPL 3: SGDT limit"
    EXPECT u_idtr + 2, $IDT_ADDR, 0x22, "CPL 3: SIDT base, no fault"
    movl cr0_low, %edx
    EXPECT u_msw, %edx, 0x23, "CPL 3: SMSW = CR0 bits 0-15 (PE=1), no fault"
    EXPECT u_str, $TSS_SEL, 0x24, "CPL 3: STR, no fault"
    EXPECT u_sldt, $LDT_SEL, 0x25, "CPL 3: SLDT, no fault"
    EXPECT u_exc_quiet, $0, 0x26, "CPL 3: SGDT SIDT SMSW STR SLDT PUSHF POPF IRET raised nothing"
    EXPECT u_cr0_vec, $13, 0x27, "CPL 3: MOV from CR0 (privileged): #GP"
    EXPECT u_cr0_err, $0, 0x28, "CPL 3: MOV from CR0: error code 0"

    EXPECT u_pushf, $FL_IF, 0x29, "CPL 3 IOPL 0: PUSHF shows the real IF=1"
    EXPECT u_popf, $(FL_IF | 1), 0x2a, "CPL 3 IOPL 0: POPF of IF=0 IOPL 3 CF=1: IF and IOPL kept silently, CF loaded"
    EXPECT u_iret, $(FL_IF | 1), 0x2b, "CPL 3 IOPL 0: IRET of IF=0 IOPL 3 CF=1: IF and IOPL kept silently"
    EXPECT u_cli_vec, $13, 0x2c, "CPL 3 IOPL 0: CLI (IOPL-sensitive, not silent): #GP"

    EXPECT u_cs, $(UCODE32 | 3), 0x2d, "CPL 3: MOV from CS: RPL 3"
    EXPECT u_ss, $(UDATA32 | 3), 0x2e, "CPL 3: MOV from SS: RPL 3"
    EXPECT u_push_cs, $(UCODE32 | 3), 0x2f, "CPL 3: PUSH CS: RPL 3"
    EXPECT u_push_ss, $(UDATA32 | 3), 0x30, "CPL 3: PUSH SS: RPL 3"
    EXPECT u_popss_ok, $(UDATA32 | 3), 0x31, "CPL 3: POP SS of a DPL 3 selector"
    EXPECT u_popss0_vec, $13, 0x32, "CPL 3: POP SS of a DPL 0 selector with RPL 0: #GP"
    EXPECT u_popss0_err, $KDATA32, 0x33, "CPL 3: POP SS of RPL 0: error code = selector"
    EXPECT u_popss3_vec, $13, 0x34, "CPL 3: POP SS of a DPL 0 selector with RPL 3: #GP"
    EXPECT u_popss3_err, $KDATA32, 0x35, "CPL 3: POP SS of DPL 0: error code = selector"

    EXPECT g_cs, $KCODE32, 0x36, "call gate from CPL 3: handler CS (CPL 0)"
    EXPECT g_caller_cs, $(UCODE32 | 3), 0x37, "call gate from CPL 3: pushed CS has RPL 3"
    EXPECT g_caller_ss, $(UDATA32 | 3), 0x38, "call gate from CPL 3: pushed SS (stack switch)"
    EXPECT u_after_gate_cs, $(UCODE32 | 3), 0x39, "far RET from the gate handler: back at CPL 3"
    EXPECT u_far_kcode_vec, $13, 0x3a, "CPL 3: far CALL to DPL 0 code: #GP"
    EXPECT u_far_kcode_err, $KCODE32, 0x3b, "CPL 3: far CALL to DPL 0 code: error code = selector"
    EXPECT u_jmp_ok, $1, 0x3c, "CPL 3: far JMP and far RET at the same level"

    EXPECT i40_cs, $(UCODE32 | 3), 0x3d, "INT 40h from CPL 3 (DPL 3 gate): pushed CS has RPL 3"
    movl i40_eflags, %eax
    andl $0x3200, %eax
    EXPECT %eax, $FL_IF, 0x3e, "INT 40h from CPL 3: pushed EFLAGS IF=1 IOPL 0"
    EXPECT u_int42_vec, $13, 0x3f, "INT 42h from CPL 3 (DPL 0 gate): #GP"
    EXPECT u_int42_err, $(0x42 * 8 + 2), 0x40, "INT 42h from CPL 3: error code = vector * 8 + 2"
    EXPECT u_int42_eip, $u_int42_insn, 0x41, "INT 42h from CPL 3: pushed EIP (the INT)"
    EXPECT int42_count, $1, 0x42, "INT 42h from CPL 3 did not reach its handler"

    EXPECT u_lar_k_zf, $0, 0x43, "CPL 3: LAR of DPL 0 code: ZF=0"
    EXPECT u_lar_k, $SENTINEL, 0x44, "CPL 3: LAR with ZF=0 leaves the destination"
    EXPECT u_lar_d3_zf, $1, 0x45, "CPL 3: LAR of DPL 3 data: ZF=1"
    EXPECT u_lar_d3, $0x0040f300, 0x46, "CPL 3: LAR of DPL 3 data: access rights (D/B, P, DPL 3, data RW A)"
    EXPECT u_lar_gate_zf, $1, 0x47, "CPL 3: LAR of the DPL 3 call gate: ZF=1"
    EXPECT u_lar_gate, $0x0000ec00, 0x48, "CPL 3: LAR of the call gate: type 12, DPL 3"
    EXPECT u_lsl_d3_zf, $1, 0x49, "CPL 3: LSL of DPL 3 data: ZF=1"
    EXPECT u_lsl_d3, $0x12345, 0x4a, "CPL 3: LSL of DPL 3 data: the byte limit"
    EXPECT u_lsl_flat_zf, $1, 0x4b, "CPL 3: LSL of flat DPL 3 data: ZF=1"
    EXPECT u_lsl_flat, $0xffffffff, 0x4c, "CPL 3: LSL of flat data: G=1 limit scaled"
    EXPECT u_lsl_tss_zf, $0, 0x4d, "CPL 3: LSL of the DPL 0 TSS: ZF=0"
    EXPECT u_lsl_tss, $SENTINEL, 0x4e, "CPL 3: LSL with ZF=0 leaves the destination"
    EXPECT u_verr_ucode, $1, 0x4f, "CPL 3: VERR of readable DPL 3 code: ZF=1"
    EXPECT u_verr_xcode, $0, 0x50, "CPL 3: VERR of execute-only code: ZF=0"
    EXPECT u_verr_kdata, $0, 0x51, "CPL 3: VERR of DPL 0 data: ZF=0"
    EXPECT u_verw_udata, $1, 0x52, "CPL 3: VERW of writable DPL 3 data: ZF=1"
    EXPECT u_verw_kdata, $0, 0x53, "CPL 3: VERW of DPL 0 data: ZF=0"
    EXPECT u_verw_ucode, $0, 0x54, "CPL 3: VERW of code: ZF=0"

    SAY "V86 with IOPL 3: PUSHF and POPF"
    movl $v86_iopl3, %eax
    movl $0x3002, %ebx              /* IOPL 3, IF 0 */
    call run_v86
    EXPECT v3_pushf, $FL_IOPL, 0x55, "V86 IOPL 3: PUSHF shows IOPL 3, IF=0"
    EXPECT v3_popf_on, $(FL_IOPL | FL_IF), 0x56, "V86 IOPL 3: POPF sets IF"
    EXPECT v3_popf_off, $FL_IOPL, 0x57, "V86 IOPL 3: POPF clears IF, IOPL stays 3"

    SAY "V86 with IOPL 0: PUSHF and POPF trap"
    movl $v86_iopl0, %eax
    movl $0x0202, %ebx              /* IOPL 0, IF 1 */
    call run_v86
    EXPECT v0_pushf_vec, $13, 0x58, "V86 IOPL 0: PUSHF: #GP"
    EXPECT v0_pushf_err, $0, 0x59, "V86 IOPL 0: PUSHF: error code 0"
    EXPECT v0_pushf_eip, $v0_pushf, 0x5a, "V86 IOPL 0: PUSHF: pushed EIP"
    EXPECT v0_popf_vec, $13, 0x5b, "V86 IOPL 0: POPF: #GP"
    EXPECT v0_popf_eip, $v0_popf, 0x5c, "V86 IOPL 0: POPF: pushed EIP"
    movl cr0_low, %edx
    EXPECT v0_smsw, %edx, 0x5d, "V86 IOPL 0: SMSW works, no trap"
    call finish32

/* SGDT SIDT SMSW STR SLDT into sys_* (any CPL; DS flat). */
store_system_regs:
    sgdtl sys_gdtr
    sidtl sys_idtr
    smsw %ax
    movzwl %ax, %eax
    movl %eax, sys_msw
    movl $0xffffffff, sys_msw_mem
    smsww sys_msw_mem
    str %ax
    movzwl %ax, %eax
    movl %eax, sys_str
    sldt %ax
    movzwl %ax, %eax
    movl %eax, sys_sldt
    ret

k_far:
    SAVE_SEG %cs, k_far_cs
    movl $1, k_far_ret
    lret

int42:
    incl int42_count
    iret

/* INT 40h from ring 3: DS is the caller's flat DPL 3 data. */
int40:
    movzwl 4(%esp), %eax
    movl %eax, i40_cs
    movl 8(%esp), %eax
    movl %eax, i40_eflags
    iret

/* The call gate's ring-0 target: CS, and the caller's CS and SS on the new stack. */
gate_target:
    SAVE_SEG %cs, g_cs
    movl 4(%esp), %eax
    movzwl %ax, %eax
    movl %eax, g_caller_cs
    movl 12(%esp), %eax
    movzwl %ax, %eax
    movl %eax, g_caller_ss
    lret

/* ---- ring 3 (IF=1, IOPL 0) -------------------------------------------- */
user_main:
    call store_system_regs
    movl sys_gdtr, %eax
    movl %eax, u_gdtr
    movl sys_gdtr + 4, %eax
    movl %eax, u_gdtr + 4
    movl sys_idtr + 2, %eax
    movl %eax, u_idtr + 2
    movl sys_msw, %eax
    movl %eax, u_msw
    movl sys_str, %eax
    movl %eax, u_str
    movl sys_sldt, %eax
    movl %eax, u_sldt

    SAVE_FLAGS 0x3200, u_pushf
    pushl $0x3003                   /* IF=0, IOPL 3, CF=1 */
    popfl
    SAVE_FLAGS 0x3201, u_popf
    clc
    pushl $0x3003
    pushl $(UCODE32 | 3)
    pushl $1f
    iretl
1:  SAVE_FLAGS 0x3201, u_iret
    clc
    movl exc_count, %eax
    subl exc_count_before, %eax
    movl %eax, u_exc_quiet

    EXPECT_FAULT 1f
    movl %cr0, %eax
1:  movl exc_vec, %eax
    movl %eax, u_cr0_vec
    movl exc_err, %eax
    movl %eax, u_cr0_err
    EXPECT_FAULT 1f
    cli
1:  movl exc_vec, %eax
    movl %eax, u_cli_vec

    SAVE_SEG %cs, u_cs
    SAVE_SEG %ss, u_ss
    pushl %cs
    movzwl (%esp), %eax
    addl $4, %esp
    movl %eax, u_push_cs
    pushl %ss
    movzwl (%esp), %eax
    addl $4, %esp
    movl %eax, u_push_ss
    pushl $(UDATA32 | 3)
    popl %ss
    SAVE_SEG %ss, u_popss_ok
    EXPECT_FAULT 1f
    pushl $KDATA32
    popl %ss
1:  addl $4, %esp
    movl exc_vec, %eax
    movl %eax, u_popss0_vec
    movl exc_err, %eax
    movl %eax, u_popss0_err
    EXPECT_FAULT 1f
    pushl $(KDATA32 | 3)
    popl %ss
1:  addl $4, %esp
    movl exc_vec, %eax
    movl %eax, u_popss3_vec
    movl exc_err, %eax
    movl %eax, u_popss3_err

    lcall $(CALLGATE | 3), $0       /* the offset is ignored */
    SAVE_SEG %cs, u_after_gate_cs
    EXPECT_FAULT 1f
    lcall $KCODE32, $k_far
1:  movl exc_vec, %eax
    movl %eax, u_far_kcode_vec
    movl exc_err, %eax
    movl %eax, u_far_kcode_err
    ljmp $(UCODE32 | 3), $1f
1:  pushl $(UCODE32 | 3)
    pushl $1f
    lret
1:  movl $1, u_jmp_ok

    int $0x40
    EXPECT_FAULT 1f
u_int42_insn:
    int $0x42
1:  movl exc_vec, %eax
    movl %eax, u_int42_vec
    movl exc_err, %eax
    movl %eax, u_int42_err
    movl exc_eip, %eax
    movl %eax, u_int42_eip

    movl $SENTINEL, %eax
    movl $KCODE32, %ebx
    larl %bx, %eax
    SAVE_ZF u_lar_k_zf
    movl %eax, u_lar_k
    movl $(DATA3_SMALL | 3), %ebx
    larl %bx, %eax
    SAVE_ZF u_lar_d3_zf
    movl %eax, u_lar_d3
    movl $(CALLGATE | 3), %ebx
    larl %bx, %eax
    SAVE_ZF u_lar_gate_zf
    movl %eax, u_lar_gate
    movl $(DATA3_SMALL | 3), %ebx
    lsll %bx, %eax
    SAVE_ZF u_lsl_d3_zf
    movl %eax, u_lsl_d3
    movl $(UDATA32 | 3), %ebx
    lsll %bx, %eax
    SAVE_ZF u_lsl_flat_zf
    movl %eax, u_lsl_flat
    movl $SENTINEL, %eax
    movl $TSS_SEL, %ebx
    lsll %bx, %eax
    SAVE_ZF u_lsl_tss_zf
    movl %eax, u_lsl_tss
    movw $(UCODE32 | 3), %bx
    verr %bx
    SAVE_ZF u_verr_ucode
    movw $(XCODE3 | 3), %bx
    verr %bx
    SAVE_ZF u_verr_xcode
    movw $KDATA32, %bx
    verr %bx
    SAVE_ZF u_verr_kdata
    verw %bx
    SAVE_ZF u_verw_kdata
    movw $(UDATA32 | 3), %bx
    verw %bx
    SAVE_ZF u_verw_udata
    movw $(UCODE32 | 3), %bx
    verw %bx
    SAVE_ZF u_verw_ucode
    BACK_TO_RING0

/* ---- V86 code (CS = DS = SS = 0; no I/O: the TSS has no bitmap) ------- */
    .code16
v86_iopl3:
    pushfw
    popw %ax
    andw $0x3200, %ax
    movw %ax, v3_pushf
    pushw $0x3202
    popfw
    pushfw
    popw %ax
    andw $0x3200, %ax
    movw %ax, v3_popf_on
    pushw $0x0002                   /* IF=0, IOPL 0: IOPL stays 3 */
    popfw
    pushfw
    popw %ax
    andw $0x3200, %ax
    movw %ax, v3_popf_off
    BACK_TO_RING0

v86_iopl0:
    EXPECT_FAULT 1f
v0_pushf:
    pushfw
1:  movl exc_vec, %eax
    movl %eax, v0_pushf_vec
    movl exc_err, %eax
    movl %eax, v0_pushf_err
    movl exc_eip, %eax
    movl %eax, v0_pushf_eip
    pushw $0x0202
    EXPECT_FAULT 1f
v0_popf:
    popfw
1:  popw %ax
    movl exc_vec, %eax
    movl %eax, v0_popf_vec
    movl exc_eip, %eax
    movl %eax, v0_popf_eip
    smsw %ax
    movzwl %ax, %eax
    movl %eax, v0_smsw
    BACK_TO_RING0
    .code32

    .balign 4
cr0_low:        .long 0
sys_gdtr:       .fill 2, 4, 0
sys_idtr:       .fill 2, 4, 0
sys_msw:        .long 0
sys_msw_mem:    .long 0
sys_str:        .long 0
sys_sldt:       .long 0
k_pushf:        .long 0
k_popf:         .long 0
k_iret:         .long 0
k_cs:           .long 0
k_ss:           .long 0
k_far_cs:       .long 0
k_far_ret:      .long 0
int42_count:    .long 0
k_lar_tss_zf:   .long 0
k_lar_tss:      .long 0
k_lsl_tss_zf:   .long 0
k_lsl_tss:      .long 0
k_lar_rpl_zf:   .long 0
k_verr_ro:      .long 0
k_verw_ro:      .long 0
exc_count_before: .long 0
u_gdtr:         .fill 2, 4, 0
u_idtr:         .fill 2, 4, 0
u_msw:          .long 0
u_str:          .long 0
u_sldt:         .long 0
u_exc_quiet:    .long 0xff
u_cr0_vec:      .long 0
u_cr0_err:      .long 0xff
u_pushf:        .long 0
u_popf:         .long 0
u_iret:         .long 0
u_cli_vec:      .long 0
u_cs:           .long 0
u_ss:           .long 0
u_push_cs:      .long 0
u_push_ss:      .long 0
u_popss_ok:     .long 0
u_popss0_vec:   .long 0
u_popss0_err:   .long 0
u_popss3_vec:   .long 0
u_popss3_err:   .long 0
g_cs:           .long 0
g_caller_cs:    .long 0
g_caller_ss:    .long 0
u_after_gate_cs: .long 0
u_far_kcode_vec: .long 0
u_far_kcode_err: .long 0
u_jmp_ok:       .long 0
i40_cs:         .long 0
i40_eflags:     .long 0
u_int42_vec:    .long 0
u_int42_err:    .long 0
u_int42_eip:    .long 0
u_lar_k_zf:     .long 0xff
u_lar_k:        .long 0
u_lar_d3_zf:    .long 0
u_lar_d3:       .long 0
u_lar_gate_zf:  .long 0
u_lar_gate:     .long 0
u_lsl_d3_zf:    .long 0
u_lsl_d3:       .long 0
u_lsl_flat_zf:  .long 0
u_lsl_flat:     .long 0
u_lsl_tss_zf:   .long 0xff
u_lsl_tss:      .long 0
u_verr_ucode:   .long 0
u_verr_xcode:   .long 0xff
u_verr_kdata:   .long 0xff
u_verw_udata:   .long 0
u_verw_kdata:   .long 0xff
u_verw_ucode:   .long 0xff
v3_pushf:       .long 0xff
v3_popf_on:     .long 0xff
v3_popf_off:    .long 0xff
v0_pushf_vec:   .long 0
v0_pushf_err:   .long 0xff
v0_pushf_eip:   .long 0
v0_popf_vec:    .long 0
v0_popf_eip:    .long 0
v0_smsw:        .long 0
gdt:
    GDT_STD
    GATE gate_target, KCODE32, 0xec, 0      /* 40 32-bit call gate, DPL 3 */
    DESC LDT_ADDR, 0x0f, 0x82, 0x0          /* 48 LDT, two entries */
    DESC 0, 0xfffff, 0x91, 0xc              /* 50 read-only data, DPL 0 (accessed) */
    DESC 0, 0x12345, 0xf3, 0x4              /* 58 data, DPL 3, byte-granular (accessed) */
    DESC 0, 0xfffff, 0xf9, 0xc              /* 60 execute-only code, DPL 3 (accessed) */
gdt_end:
gdt_desc:
    .word gdt_end - gdt - 1
    .long gdt
