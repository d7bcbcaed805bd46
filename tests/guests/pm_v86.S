/*
 * tests/guests/pm_v86.S - virtual-8086 mode: entry by IRET with EFLAGS.VM;
 * with IOPL 3, CLI/STI/PUSHF work in V86, INT n goes through a DPL 3 gate to
 * a ring-0 handler that sees the V86 frame (EIP CS EFLAGS ESP SS ES DS FS
 * GS) with ES/DS/FS/GS nulled, and IRET returns to V86; with IOPL 0, CLI,
 * STI and INT n raise #GP(0) to the monitor, which checks the error code and
 * the V86 frame and skips them; in both, the TSS I/O permission bitmap
 * allows port E9h (V86 code prints through it) and denies 61h and 80h
 * (#GP(0)).
 *
 * Models:      nothing: a test guest (see pm_lib.inc).
 * Not modeled: VME (CR4.VME virtual interrupts), the interrupt redirection
 *              bitmap.
 * Spec:        Intel SDM Vol. 3A 20.2 (V86 mode: entering, leaving,
 *              sensitive instructions, 20.2.7 and table 20-2), 20.3
 *              (interrupt and exception handling in V86, figure 20-2 the
 *              frame), 20.2.8.1 and Vol. 1 19.5 (I/O permission bitmap).
 */
    .equ TSS_LIMIT, 0x68 + 8192     /* 32-bit TSS + I/O bitmap + 0FFh byte */
#include "pm_lib.inc"

    .equ IOPB, TSS_ADDR + 0x68

    .code16
main:
    SAY "pm_v86: virtual-8086 mode, IOPL 3 and 0, I/O bitmap", 16
    cli
    ENTER_PM32
    call idt_setup32
    call tss_setup32
    movw $0x68, TSS_ADDR + 0x66     /* the bitmap right after the TSS */
    movl $IOPB, %edi
    movl $(8192 + 1), %ecx
    movb $0xff, %al
    rep stosb
    andb $~(1 << (0xe9 & 7)), IOPB + (0xe9 >> 3)
    movl $0x60, %eax
    movl $int60, %ebx
    movl $KCODE32, %ecx
    movl $0xee, %edx                /* interrupt gate, DPL 3 */
    call set_gate32

    SAY "V86 with IOPL 3"
    movl $v86_iopl3, %eax
    movl $0x3002, %ebx              /* IOPL 3, IF 0 */
    call run_v86
    EXPECT v3_sti_flags, $0x3202, 0x01, "IOPL 3: STI sets IF (PUSHF image)"
    EXPECT v3_cli_flags, $0x3002, 0x02, "IOPL 3: CLI clears IF (PUSHF image)"
    EXPECT i60_count, $1, 0x03, "IOPL 3: INT 60h reached the ring-0 handler"
    EXPECT i60_frame + 0, $v3_int_ret, 0x04, "INT 60h from V86: pushed EIP"
    EXPECT i60_frame + 4, $0, 0x05, "INT 60h from V86: pushed CS"
    movl i60_frame + 8, %eax
    andl $~0x8d5, %eax              /* not the status flags */
    EXPECT %eax, $0x23202, 0x06, "INT 60h from V86: pushed EFLAGS (VM IOPL3 IF)"
    EXPECT i60_frame + 12, $V86_STACK, 0x07, "INT 60h from V86: pushed ESP"
    EXPECT i60_frame + 16, $0, 0x08, "INT 60h from V86: pushed SS"
    EXPECT i60_frame + 20, $0x1234, 0x09, "INT 60h from V86: pushed ES"
    EXPECT i60_frame + 24, $0, 0x0a, "INT 60h from V86: pushed DS"
    EXPECT i60_es, $0, 0x0b, "INT 60h from V86: ES nulled in the handler"
    movl i60_flags, %eax
    andl $0x23200, %eax
    EXPECT %eax, $0x3000, 0x0c, "INT 60h from V86: handler EFLAGS (VM and IF clear, IOPL kept)"
    EXPECT v3_back, $1, 0x0d, "IOPL 3: IRET returned to V86"
    EXPECT v3_in_vec, $13, 0x0e, "IOPL 3: IN from a denied port: #GP"
    EXPECT v3_in_err, $0, 0x0f, "IOPL 3: IN from a denied port: error code 0"
    EXPECT v3_in_eip, $v3_in, 0x10, "IOPL 3: IN from a denied port: pushed EIP"

    SAY "V86 with IOPL 0"
    movl $v86_iopl0, %eax
    movl $0x0202, %ebx              /* IOPL 0, IF 1 */
    call run_v86
    EXPECT v0_cli_vec, $13, 0x11, "IOPL 0: CLI -> #GP"
    EXPECT v0_cli_err, $0, 0x12, "IOPL 0: CLI -> error code 0"
    EXPECT v0_cli_eip, $v0_cli, 0x13, "IOPL 0: CLI -> frame EIP"
    EXPECT v0_cli_cs, $0, 0x14, "IOPL 0: CLI -> frame CS"
    movl v0_cli_flags, %eax
    andl $~0x8d5, %eax
    EXPECT %eax, $0x30202, 0x15, "IOPL 0: CLI -> frame EFLAGS (VM, IF, and RF: a fault, SDM 17.3.1.1)"
    EXPECT v0_cli_esp, $V86_STACK, 0x16, "IOPL 0: CLI -> frame ESP"
    EXPECT v0_cli_ss, $0, 0x17, "IOPL 0: CLI -> frame SS"
    EXPECT v0_cli_es, $0x5678, 0x18, "IOPL 0: CLI -> frame ES"
    EXPECT v0_cli_ds_seen, $0, 0x19, "IOPL 0: handler entered with DS nulled"
    EXPECT v0_sti_vec, $13, 0x1a, "IOPL 0: STI -> #GP"
    EXPECT v0_sti_eip, $v0_sti, 0x1b, "IOPL 0: STI -> frame EIP"
    EXPECT v0_int_vec, $13, 0x1c, "IOPL 0: INT n -> #GP"
    EXPECT v0_int_err, $0, 0x1d, "IOPL 0: INT n -> error code 0"
    EXPECT v0_int_eip, $v0_int, 0x1e, "IOPL 0: INT n -> frame EIP"
    EXPECT i60_count, $1, 0x1f, "IOPL 0: INT 60h did not reach its handler"
    EXPECT v0_out_ok, $1, 0x20, "IOPL 0: OUT to the allowed port E9h works"
    EXPECT v0_out_vec, $13, 0x21, "IOPL 0: OUT to a denied port: #GP"
    EXPECT v0_out_err, $0, 0x22, "IOPL 0: OUT to a denied port: error code 0"
    EXPECT v0_out_eip, $v0_out, 0x23, "IOPL 0: OUT to a denied port: frame EIP"
    call finish32

/* INT 60h from V86 (IOPL 3): record the frame and the entry state. */
int60:
    movw %es, %ax
    movw $KDATA32, %bx
    movw %bx, %ds
    movzwl %ax, %eax
    movl %eax, i60_es
    pushfl
    popl %eax
    movl %eax, i60_flags
    incl i60_count
    movl $7, %ecx
    movl %esp, %esi
    movl $i60_frame, %edi
    movw %bx, %es
    cld
    rep movsl %ss:(%esi), %es:(%edi)
    iret

/* ---- V86 code (CS = DS = SS = 0) -------------------------------------- */
    .code16
v86_iopl3:
    SAY "  in V86, IOPL 3 (this line comes through the allowed port)", 16
    cli
    sti
    pushfw
    popw %ax
    andw $~0x8d5, %ax
    movw %ax, v3_sti_flags
    cli
    pushfw
    popw %ax
    andw $~0x8d5, %ax
    movw %ax, v3_cli_flags
    movw $0x1234, %ax
    movw %ax, %es
    sti
    int $0x60
v3_int_ret:
    movw $1, v3_back
    EXPECT_FAULT 1f
v3_in:
    inb $0x61, %al
1:  movl exc_vec, %eax
    movl %eax, v3_in_vec
    movl exc_err, %eax
    movl %eax, v3_in_err
    movl exc_eip, %eax
    movl %eax, v3_in_eip
    BACK_TO_RING0

v86_iopl0:
    SAY "  in V86, IOPL 0", 16
    movw $0x5678, %ax
    movw %ax, %es
    EXPECT_FAULT 1f
v0_cli:
    cli
1:  movl exc_vec, %eax
    movl %eax, v0_cli_vec
    movl exc_err, %eax
    movl %eax, v0_cli_err
    movl exc_eip, %eax
    movl %eax, v0_cli_eip
    movl exc_cs, %eax
    movl %eax, v0_cli_cs
    movl exc_eflags, %eax
    movl %eax, v0_cli_flags
    movl exc_esp, %eax
    movl %eax, v0_cli_esp
    movl exc_ss, %eax
    movl %eax, v0_cli_ss
    movl exc_v86_es, %eax
    movl %eax, v0_cli_es
    movl exc_ds, %eax
    movl %eax, v0_cli_ds_seen
    EXPECT_FAULT 1f
v0_sti:
    sti
1:  movl exc_vec, %eax
    movl %eax, v0_sti_vec
    movl exc_eip, %eax
    movl %eax, v0_sti_eip
    EXPECT_FAULT 1f
v0_int:
    int $0x60
1:  movl exc_vec, %eax
    movl %eax, v0_int_vec
    movl exc_err, %eax
    movl %eax, v0_int_err
    movl exc_eip, %eax
    movl %eax, v0_int_eip
    movb $'.', %al
    outb %al, $0xe9
    movb $10, %al
    outb %al, $0xe9
    movw $1, v0_out_ok
    EXPECT_FAULT 1f
v0_out:
    outb %al, $0x80
1:  movl exc_vec, %eax
    movl %eax, v0_out_vec
    movl exc_err, %eax
    movl %eax, v0_out_err
    movl exc_eip, %eax
    movl %eax, v0_out_eip
    BACK_TO_RING0
    .code32

    .balign 4
v3_sti_flags:   .long 0
v3_cli_flags:   .long 0
v3_back:        .long 0
v3_in_vec:      .long 0
v3_in_err:      .long 0
v3_in_eip:      .long 0
i60_count:      .long 0
i60_es:         .long 0
i60_flags:      .long 0
i60_frame:      .fill 7, 4, 0
v0_cli_vec:     .long 0
v0_cli_err:     .long 0
v0_cli_eip:     .long 0
v0_cli_cs:      .long 0
v0_cli_flags:   .long 0
v0_cli_esp:     .long 0
v0_cli_ss:      .long 0
v0_cli_es:      .long 0
v0_cli_ds_seen: .long 0
v0_sti_vec:     .long 0
v0_sti_eip:     .long 0
v0_int_vec:     .long 0
v0_int_err:     .long 0
v0_int_eip:     .long 0
v0_out_ok:      .long 0
v0_out_vec:     .long 0
v0_out_err:     .long 0
v0_out_eip:     .long 0
gdt:
    GDT_STD
gdt_end:
gdt_desc:
    .word gdt_end - gdt - 1
    .long gdt
