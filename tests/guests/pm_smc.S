/*
 * tests/guests/pm_smc.S - self-modifying code, the way a dynamic binary
 * translator meets it. Immediates, opcodes and instruction lengths patched
 * between calls; stores into the next instruction of the running block and
 * into earlier instructions of a loop (its back edge included); code built
 * by REP MOVS/STOS; data stores into pages of hot code; code written through
 * a second linear alias, and one linear address remapped to another frame
 * (PTE + INVLPG, CR3); code replaced by floppy DMA (BIOS INT 13h from real
 * mode, and the 8237 + FDC driven directly); a routine across a page
 * boundary; real-mode patching and CS:IP aliases; patches on the last round
 * of a hot loop; retargeted JMP/Jcc/CALL and indirect pointers; code written
 * by uncommon instructions (PUSH, CALL, PUSHA, POP m, XCHG, XADD, CMPXCHG,
 * CMPXCHG8B, RMW ALU, BT*, SETcc, x87, MMX, string ops, INS, SIDT, SMSW,
 * 16-bit addressing, a segment base); one frame reached through two code
 * segment bases; exception handlers that patch the faulting code and return
 * into it.
 *
 * Each case prints "case NN: name" and then "case NN: PASS" or "FAIL"
 * (case 10, real mode, runs first, before protected mode, and again after
 * case 9 through a round trip to real mode). A
 * loop that calls patched code many times stops at the first wrong result
 * and reports it twice: the value (got/want) and the round it happened in
 * (got = that round). Patches alternate between long stable stretches (hot
 * code a translator has surely compiled) and a patch on every call.
 *
 * Models:      nothing: a test guest (see pm_lib.inc).
 * Not modeled: -
 * Spec:        Intel SDM Vol. 3A 11.6 (self-modifying code: a store to the
 *              next instruction takes effect on P6 and later; a store through
 *              another linear address needs a serializing instruction, so
 *              7's routine that does that runs CPUID), 4.3 and 4.10.4
 *              (paging, INVLPG, CR3), 9.9 (mode switches); Intel 8237A and
 *              82077AA data sheets (case 8); IBM PC/AT BIOS INT 13h.
 *
 * Memory map (physical; beyond pm_lib.inc's):
 *   20000 PD   21000 PT0 (identity 0-4M)   22000 PT1 (4M-8M)
 *   23000 PD2  24000 PT1B (PT1 with another LIN7R frame)
 *   27FF8 case 5 code buffer (crosses 28000)     29000 case 6 page
 *   2A000 case 7 frame of LIN7X and LIN7W        2B000 2C000 LIN7R frames
 *   2DFF9 case 9 routine (crosses 2E000)         30000 31000 LIN9 frames
 *   32000 33000 case 14 routines                 34000 35000 case 10 routines
 *   36000 case 14 caller
 */
#include "pm_lib.inc"

    .equ PD, 0x20000
    .equ PT0, 0x21000
    .equ PT1, 0x22000
    .equ PD2, 0x23000
    .equ PT1B, 0x24000
    .equ BUF5, 0x27ff8
    .equ PAGE6, 0x29000
    .equ FRAME7, 0x2a000
    .equ FRAME7B, 0x2b000
    .equ FRAME7C, 0x2c000
    .equ SPAN9, 0x2e000 - 7
    .equ FRAME9HI, 0x30000          /* second linear page of LIN9 */
    .equ FRAME9LO, 0x31000          /* first linear page of LIN9 */
    .equ PAGE14, 0x32000
    .equ STUB14, 0x36000
    .equ LIN7X, 0x400000            /* executes FRAME7 */
    .equ LIN7W, 0x401000            /* writes FRAME7 */
    .equ LIN7R, 0x402000            /* FRAME7B or FRAME7C */
    .equ LIN9, 0x404000 - 7         /* 403000 -> FRAME9LO, 404000 -> FRAME9HI */
    .equ CODE_B1000, 0x40           /* 32-bit code, base 1000h */
    .equ DATA_B1000, 0x48           /* 32-bit data, base 1000h */
    .equ PTE_PW, 3
    .equ PT1_R, PT1 + ((LIN7R >> 12) & 0x3ff) * 4
    .equ ROUNDS_N, 1500
    .equ C8_V1, 0x0d1a0001
    .equ C8_V2, 0x0d1a0002
    .equ C8_V3, 0x0d1a0003

/* CHECK what, value, "text" [, sfx]: EXPECT with the next free check id. */
    .set chk_id, 0
.macro CHECK what, value, msg, sfx=32
    .set chk_id, chk_id + 1
    EXPECT \what, \value, chk_id, "\msg", \sfx
.endm

/* CASE num, "name" [, sfx]: print "case NN: name", start counting fails. */
.macro CASE num, name, sfx=32
    movl $\num, %eax
    movl $.Lcase\@, %esi
    call case_begin\sfx
    .pushsection .text, 1
.Lcase\@:
    .asciz "\name"
    .popsection
.endm

/* ROUNDS patcher, routine, n, "text": n rounds of patcher then routine
 * (see run_rounds); checks the last result and the number of rounds. */
.macro ROUNDS patcher, routine, n, msg
    movl $\patcher, %ebx
    movl $\routine, %edi
    movl $\n, %ecx
    call run_rounds
    CHECK %eax, %edx, "\msg"
    CHECK %ecx, $\n, "\msg: rounds"
.endm

/* STATE_NEXT var, count: var = (var + 1) % count. */
.macro STATE_NEXT var, count
    incl \var
    cmpl $\count, \var
    jb .Lsn\@
    movl $0, \var
.Lsn\@:
.endm

/* ---- Case banners and the patch schedule, for 16- and 32-bit code ------ */
.macro CASEIO sfx
case_begin\sfx:                     /* EAX number, ESI name */
    movl %eax, case_num
    movl fail_count, %eax
    movl %eax, case_fails
    call case_tag\sfx
    call puts\sfx
    movb $10, %al
    outb %al, $0xe9
    ret
case_end\sfx:                       /* "case NN: PASS" or "FAIL" */
    pushal
    call case_tag\sfx
    movl $str_pass, %esi
    movl fail_count, %eax
    cmpl case_fails, %eax
    je 1f
    movl $str_cfail, %esi
1:  call puts\sfx
    popal
    ret
case_tag\sfx:                       /* "case NN: " */
    pushal
    movl $str_case, %esi
    call puts\sfx
    movl case_num, %eax
    movb $10, %cl
    divb %cl
    addw $0x3030, %ax
    outb %al, $0xe9
    movb %ah, %al
    outb %al, $0xe9
    movb $':', %al
    outb %al, $0xe9
    movb $' ', %al
    outb %al, $0xe9
    popal
    ret
/* ECX = round: ZF set when the round patches. Rounds 0-1023 patch every
 * 32nd round (31 calls of unchanged, hot code in between), later rounds
 * patch every time. */
patch_due\sfx:
    cmpl $1024, %ecx
    jae 1f
    testl $31, %ecx
    ret
1:  cmpl %ecx, %ecx
    ret
.endm

    .code16
    CASEIO 16
    .code32
    CASEIO 32

/* ---- Main ---------------------------------------------------------------- */
    .code16
main:
    SAY "pm_smc: self-modifying code (a translator's torture test)", 16
    cli
    CASE 10, "real mode (before protected mode): patched code, CS:IP aliases", 16
    call c10_rm
    call case_end16
    ENTER_PM32
    call idt_setup32
    call build_page_tables
    call case1
    call case2
    call case3
    call case4
    call case5
    call case6
    call case7
    call case8
    call case9
    CASE 10, "real mode again, after protected mode"
    movl $c10_rm, %eax
    call call_real16
    call case_end32
    call case11
    call case12
    call case13
    call case14
    call case15
    call finish32

/*
 * run_rounds: EBX patcher, EDI routine, ECX rounds. Round i calls the
 * patcher with ECX = i; it may patch code, and returns the routine's inputs
 * in EAX and ECX and the wanted result in EDX. Then the routine runs and its
 * EAX is compared. Patchers and routines keep EBX ESI EDI EBP. Returns
 * ECX = rounds done, EAX/EDX = last got/want (unequal after a mismatch).
 */
run_rounds:
    movl %ecx, rr_n
    movl $0, rr_i
1:  movl rr_i, %ecx
    call *%ebx
    movl %edx, rr_want
    call *%edi
    movl rr_want, %edx
    cmpl %edx, %eax
    jne 2f
    incl rr_i
    movl rr_i, %ecx
    cmpl rr_n, %ecx
    jb 1b
2:  movl rr_i, %ecx
    ret

/* Page tables: PT0 identity for 0-4M; PT1 (in PD) and PT1B (in PD2) for 4M-8M. */
build_page_tables:
    cld
    movl $PD, %edi
    movl $(5 * 1024), %ecx
    xorl %eax, %eax
    rep stosl
    movl $PT0, %edi
    movl $PTE_PW, %eax
1:  stosl
    addl $0x1000, %eax
    cmpl $0x400000, %eax
    jb 1b
    movl $(PT0 | PTE_PW), PD
    movl $(PT1 | PTE_PW), PD + 4
    movl $(PT0 | PTE_PW), PD2
    movl $(PT1B | PTE_PW), PD2 + 4
    movl $(FRAME7 | PTE_PW), PT1 + ((LIN7X >> 12) & 0x3ff) * 4
    movl $(FRAME7 | PTE_PW), PT1 + ((LIN7W >> 12) & 0x3ff) * 4
    movl $(FRAME7B | PTE_PW), PT1_R
    movl $(FRAME9LO | PTE_PW), PT1 + ((LIN9 >> 12) & 0x3ff) * 4
    movl $(FRAME9HI | PTE_PW), PT1 + (((LIN9 >> 12) + 1) & 0x3ff) * 4
    movl $PT1, %esi
    movl $PT1B, %edi
    movl $1024, %ecx
    rep movsl
    ret

paging_on:
    movl $PD, %eax
    movl %eax, %cr3
    movl %cr0, %eax
    orl $0x80000000, %eax
    movl %eax, %cr0
    ret

paging_off:
    movl %cr0, %eax
    andl $0x7fffffff, %eax
    movl %eax, %cr0
    ret

/*
 * call_real16: from flat 32-bit protected mode (paging off), call the 16-bit
 * routine at 0000:AX in real mode (real-mode IVT, IF as the routine leaves
 * it), then come back to protected mode. All registers are kept.
 */
call_real16:
    pushal
    movl %eax, rm_target
    movl %esp, rm_esp
    ljmp $KCODE16, $1f
    .code16
1:  movw $KDATA16, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %fs
    movw %ax, %gs
    movw %ax, %ss
    movl %cr0, %eax
    andl $0x7ffffffe, %eax
    movl %eax, %cr0
    ljmp $0, $2f
2:  xorw %ax, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %fs
    movw %ax, %gs
    movw %ax, %ss
    lidtl rm_idt_desc
    call *rm_target
    cli
    lgdtl gdt_desc                  /* the BIOS may have loaded its own */
    movl %cr0, %eax
    orl $1, %eax
    movl %eax, %cr0
    ljmpl $KCODE32, $3f
    .code32
3:  movw $KDATA32, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %fs
    movw %ax, %gs
    movw %ax, %ss
    movl rm_esp, %esp
    lidt idt_desc
    popal
    ret

/* ---- Case 1: immediates ---------------------------------------------------- */
case1:
    CASE 1, "immediates patched between calls"
    ROUNDS c1_patch, c1_fn, ROUNDS_N, "1 routine result with patched immediates"
    jmp case_end32

c1_patch:
    call patch_due32
    jnz 2f
    imull $0x9e3779b9, %ecx, %eax
    testb $32, %cl                  /* alternate: whole imm32, or its byte 2 */
    jnz 1f
    movl %eax, c1_fn_a
    movl %eax, c1_a
    jmp 3f
1:  shrl $16, %eax
    movb %al, c1_fn_a + 2
    movb %al, c1_a + 2
3:  imull $37, %ecx, %eax
    movb %al, c1_fn_b
    movb %al, c1_b
2:  movsbl c1_b, %edx
    addl c1_a, %edx
    roll $3, %edx
    ret

c1_fn:
    .byte 0xb8                      /* movl $imm32, %eax */
c1_fn_a:
    .long 0
    .byte 0x83, 0xc0                /* addl $imm8, %eax */
c1_fn_b:
    .byte 0
    roll $3, %eax
    ret

/* ---- Case 2: opcodes and instruction lengths ------------------------------- */
case2:
    CASE 2, "opcodes and instruction boundaries patched"
    ROUNDS c2_patch, c2_fn, ROUNDS_N, "2 routine result with a patched opcode and tail"
    jmp case_end32

c2_patch:
    call patch_due32
    jnz 2f
    STATE_NEXT c2_op, 5
    movl c2_op, %eax
    movb c2_ops(%eax), %al
    movb %al, c2_fn
    STATE_NEXT c2_tail, 4
    movl c2_tail, %eax
    movl c2_tails(,%eax,4), %eax
    cmpl $2, c2_tail
    jne 1f
    andl $0xff00ffff, %eax          /* ADD EAX, imm8: the round as imm8 */
    movzbl %cl, %edx
    shll $16, %edx
    orl %edx, %eax
1:  movl %eax, c2_tail_bytes
    movw %ax, c2_fn_tail
    shrl $16, %eax
    movb %al, c2_fn_tail + 2
2:  /* inputs x = EAX, y = ECX; want in EDX */
    movl %ecx, %edx
    xorl $0x5bd1e995, %edx
    imull $0x01000193, %ecx, %eax
    movl %edx, %ecx
    movl %eax, %edx
    pushl %ebx
    movl c2_op, %ebx
    cmpl $1, %ebx
    jb 3f
    je 4f
    cmpl $3, %ebx
    jb 5f
    je 6f
    xorl %ecx, %edx
    jmp 7f
3:  addl %ecx, %edx
    jmp 7f
4:  orl %ecx, %edx
    jmp 7f
5:  andl %ecx, %edx
    jmp 7f
6:  subl %ecx, %edx
7:  movl c2_tail, %ebx
    cmpl $1, %ebx
    jb 9f
    je 8f
    cmpl $3, %ebx
    je 10f
    movsbl c2_tail_bytes + 2, %ebx
    addl %ebx, %edx
    jmp 9f
8:  incl %edx
    negl %edx
    jmp 9f
10: shll $4, %edx
9:  popl %ebx
    ret

c2_fn:
    .byte 0x01, 0xc8                /* addl %ecx, %eax (opcode patched) */
c2_fn_tail:
    .byte 0x90, 0x90, 0x90          /* three bytes, re-cut as 1+1+1, 1+2, 3 */
    ret
c2_ops:     .byte 0x01, 0x09, 0x21, 0x29, 0x31  /* ADD OR AND SUB XOR Ev, Gv */
    .balign 4
c2_tails:   .byte 0x90, 0x90, 0x90, 0           /* NOP x 3 */
    .byte 0x40, 0xf7, 0xd8, 0                   /* INC EAX; NEG EAX */
    .byte 0x83, 0xc0, 0x00, 0                   /* ADD EAX, imm8 (the round) */
    .byte 0xc1, 0xe0, 0x04, 0                   /* SHL EAX, 4 */

/* ---- Case 3: the next instruction ------------------------------------------ */
case3:
    CASE 3, "stores into the next instructions of the running block"
    movl $1, %ecx
c3a_loop:
    imull $0x2545f491, %ecx, %ebx
    movl %ebx, c3a_mov + 1
c3a_mov:
    .byte 0xb8                      /* movl $imm32, %eax */
    .long 0
    movl %ebx, %edx
    notl %edx
    movl %edx, c3a_mov2 + 1
    incl %edi                       /* one instruction between store and target */
c3a_mov2:
    .byte 0xbe                      /* movl $imm32, %esi */
    .long 0
    cmpl %ebx, %eax
    jne 1f
    movl %esi, %eax
    movl %edx, %ebx
    cmpl %ebx, %eax
    jne 1f
    incl %ecx
    cmpl $ROUNDS_N, %ecx
    jbe c3a_loop
1:  CHECK %eax, %ebx, "3 MOV imm32 patched just before"
    CHECK %ecx, $(ROUNDS_N + 1), "3 next-instruction rounds"

    /* the byte right after the storing instruction: NOP, INC or DEC EAX */
    xorl %eax, %eax
    xorl %edx, %edx
    xorl %ecx, %ecx
c3b_loop:
    movl %ecx, %ebx
    andl $3, %ebx
    addl c3b_delta(,%ebx,4), %edx
    movb c3b_code(%ebx), %bl
    movb %bl, c3b_op
c3b_op:
    nop
    incl %ecx
    cmpl $1000, %ecx
    jb c3b_loop
    CHECK %eax, %edx, "3 NOP/INC/DEC right after its store"

    /* five NOPs become ADD EAX, imm32 just before they run */
    xorl %eax, %eax
    movl $300, %ecx
c3c_loop:
    movb $0x05, c3c_ins
    movl %ecx, c3c_ins + 1
c3c_ins:
    .byte 0x90, 0x90, 0x90, 0x90, 0x90
    movl $0x90909090, c3c_ins + 1
    movb $0x90, c3c_ins
    loop c3c_loop
    CHECK %eax, $45150, "3 five NOPs -> ADD EAX, imm32"

    /* REP MOVSB writes the instruction that follows it */
    movl $1, %ebp
c3d_loop:
    imull $0x6c8e9cf5, %ebp, %ebx
    movl %ebx, c3d_src + 1
    movl $c3d_src, %esi
    movl $c3d_ins, %edi
    movl $5, %ecx
    cld
    rep movsb
c3d_ins:
    .byte 0xb8                      /* movl $imm32, %eax */
    .long 0
    cmpl %ebx, %eax
    jne 1f
    incl %ebp
    cmpl $500, %ebp
    jbe c3d_loop
1:  CHECK %eax, %ebx, "3 REP MOVSB over the next instruction"
    CHECK %ebp, $501, "3 REP MOVSB rounds"

    /* NOP NOP -> UD2 must fault there; UD2 -> NOP NOP must not */
    movl $200, %ebp
c3e_loop:
    EXPECT_FAULT c3e_faulted
    movw $0x0b0f, c3e_ud
c3e_ud:
    .byte 0x90, 0x90
    movl $0, exc_resume
    jmp c3e_out                     /* no #UD: wrong */
c3e_faulted:
    movl exc_vec, %eax
    movl %eax, c3e_vec
    movl exc_eip, %eax
    movl %eax, c3e_eip
    movw $0x9090, c3e_ud
    EXPECT_FAULT c3e_out            /* any fault from here on is wrong */
    movw $0x9090, c3e_ud2
c3e_ud2:
    .byte 0x0f, 0x0b
    movl $0, exc_resume
    movw $0x0b0f, c3e_ud2
    decl %ebp
    jnz c3e_loop
c3e_out:
    CHECK %ebp, $0, "3 NOP/UD2 rounds left"
    CHECK c3e_vec, $6, "3 UD2 over NOPs: #UD"
    CHECK c3e_eip, $c3e_ud, "3 UD2 over NOPs: EIP"

    /* an instruction that rewrites its own imm8: 5, 10, 20, 40, 80, A0 */
    movb $5, c3f_ins + 6
    movl $5, %ecx
c3f_loop:
c3f_ins:
    .byte 0x80, 0x05                /* addb $imm8, c3f_ins + 6 (its own imm8) */
    .long c3f_ins + 6
    .byte 5
    loop c3f_loop
    movzbl c3f_ins + 6, %eax
    CHECK %eax, $0xa0, "3 ADD doubling its own imm8"
    jmp case_end32

c3b_code:   .byte 0x40, 0x90, 0x48, 0x40
    .balign 4
c3b_delta:  .long 1, 0, -1, 1
c3d_src:    .byte 0xb8
    .long 0

/* ---- Case 4: loops that rewrite themselves --------------------------------- */
case4:
    CASE 4, "loops that rewrite their own body and back edge"
    movl $0, c4_imm
    xorl %eax, %eax
    xorl %ecx, %ecx
c4_top:
    .byte 0x05                      /* addl $imm32, %eax */
c4_imm:
    .long 0
    incl %ecx
    leal (%ecx,%ecx,2), %edx
    movl %edx, c4_imm
    cmpl $2000, %ecx
    jb c4_top
    CHECK %eax, $5997000, "4 loop rewriting its own ADD imm32"

    movw c4b_jmp, %ax
    movw %ax, c4b_saved
    xorl %ecx, %ecx
c4b_top:
    incl %ecx
    cmpl $5000, %ecx                /* way out for a stale back edge */
    jae c4b_out
    cmpl $1000, %ecx
    jne c4b_jmp
    movw $0x9090, c4b_jmp
c4b_jmp:
    .byte 0xeb, c4b_top - (c4b_jmp + 2)     /* jmp c4b_top */
c4b_out:
    movw c4b_saved, %ax
    movw %ax, c4b_jmp
    CHECK %ecx, $1000, "4 loop NOPing out its own back edge"
    jmp case_end32

/* ---- Case 5: code built by string instructions ----------------------------- */
case5:
    CASE 5, "code built by REP MOVS and REP STOS"
    ROUNDS c5_patch, BUF5, ROUNDS_N, "5 copied routine"
    movl $100, %ebp
c5s_loop:
    movl $BUF5, %edi
    movl $0x40404040, %eax          /* INC EAX x 64, RET */
    movl $16, %ecx
    rep stosl
    movb $0xc3, %al
    stosb
    xorl %eax, %eax
    call BUF5
    movl $64, %edx
    cmpl %edx, %eax
    jne 1f
    movl $BUF5, %edi
    movb $0x48, %al                 /* DEC EAX x 37, RET */
    movl $37, %ecx
    rep stosb
    movb $0xc3, %al
    stosb
    movl $100, %eax
    call BUF5
    movl $63, %edx
    cmpl %edx, %eax
    jne 1f
    decl %ebp
    jnz c5s_loop
1:  CHECK %eax, %edx, "5 STOSD/STOSB of INC/DEC EAX"
    CHECK %ebp, $0, "5 STOS rounds left"
    jmp case_end32

c5_patch:
    call patch_due32
    jnz 5f
    pushl %esi
    pushl %edi
    incl c5_n
    movl c5_n, %eax
    imull $0x01010101, %eax
    addl $0x1234, %eax
    testb $1, c5_n
    jnz 1f
    movl %eax, c5_t1 + 1
    xorl $0x5a5a5a5a, %eax
    movl $c5_t1, %esi
    jmp 2f
1:  movl %eax, c5_t2 + 1
    notl %eax
    addl $0x01234567, %eax
    movl $c5_t2, %esi
2:  movl %eax, c5_want
    movl $BUF5, %edi
    movl c5_n, %eax
    shrl $1, %eax
    andl $3, %eax
    jz 3f
    cmpl $2, %eax
    jb 4f
    je 6f
    movl $8, %ecx
    rep movsw
    jmp 7f
3:  movl $16, %ecx
    rep movsb
    jmp 7f
4:  movl $4, %ecx
    rep movsl
    jmp 7f
6:  addl $15, %esi                  /* backwards */
    addl $15, %edi
    movl $16, %ecx
    std
    rep movsb
    cld
7:  popl %edi
    popl %esi
5:  movl c5_want, %edx
    ret

c5_t1:                              /* 16 bytes: imm ^ 5A5A5A5Ah */
    .byte 0xb8
    .long 0
    .byte 0x35
    .long 0x5a5a5a5a
    ret
    .byte 0x90, 0x90, 0x90, 0x90, 0x90
c5_t2:                              /* 16 bytes: ~imm + 01234567h */
    .byte 0xb8
    .long 0
    notl %eax
    .byte 0x05
    .long 0x01234567
    ret
    .byte 0x90, 0x90, 0x90

/* ---- Case 6: data in the page of hot code ----------------------------------- */
case6:
    CASE 6, "data stores into the page of hot code"
    movl $c6_tpl, %esi
    movl $PAGE6, %edi
    movl $(c6_tpl_end - c6_tpl), %ecx
    cld
    rep movsb
    movl $0, PAGE6 + 0x800
    movl $1, %eax
    movl $1, %edx
    movl $3000, %ecx
1:  call PAGE6
    leal 7(%edx,%edx,2), %edx
    addl %edx, %edx
    movl %ecx, PAGE6 + 0xf00
    movb %cl, PAGE6 + (c6_tpl_end - c6_tpl) + 1
    incl PAGE6 + 0x804
    cmpl %edx, %eax
    jne 2f
    loop 1b
2:  CHECK %eax, %edx, "6 result"
    CHECK %ecx, $0, "6 rounds left"
    CHECK PAGE6 + 0x800, $3000, "6 counter in the code page"
    movl PAGE6, %eax
    CHECK %eax, c6_tpl, "6 code bytes unchanged"
    jmp case_end32

c6_tpl:                             /* runs at PAGE6: EAX = 2 * (3 * EAX + 7) */
    leal 7(%eax,%eax,2), %eax
    incl PAGE6 + 0x800
    movl %eax, PAGE6 + 0x40
    addl PAGE6 + 0x40, %eax
    movb %al, PAGE6 + (c6_tpl_end - c6_tpl)     /* the byte after RET */
    ret
c6_tpl_end:

/* ---- Case 7: linear aliases and remapping ----------------------------------- */
case7:
    CASE 7, "paging: linear aliases and remapped code"
    call paging_on
    movl $c7_tpl, %esi
    movl $LIN7W, %edi
    movl $(c7_tpl_end - c7_tpl), %ecx
    cld
    rep movsb
    ROUNDS c7a_patch, LIN7X, ROUNDS_N, "7 written via an alias"

    movl $c7b_tpl, %esi
    movl $FRAME7B, %edi
    movl $(c7b_tpl_end - c7b_tpl), %ecx
    rep movsb
    movl $c7c_tpl, %esi
    movl $FRAME7C, %edi
    movl $(c7c_tpl_end - c7c_tpl), %ecx
    rep movsb
    ROUNDS c7c_patch, LIN7R, ROUNDS_N, "7 remapped (INVLPG, CR3)"
    movl $(FRAME7B | PTE_PW), PT1_R
    movl $PD, %eax
    movl %eax, %cr3

    movl $c7d_tpl, %esi
    movl $LIN7W, %edi
    movl $(c7d_tpl_end - c7d_tpl), %ecx
    rep movsb
    ROUNDS c7d_patch, LIN7X, ROUNDS_N, "7 next instruction via an alias"
    call paging_off
    jmp case_end32

c7a_patch:
    call patch_due32
    jnz 1f
    imull $0x1b873593, %ecx, %eax
    movl %eax, c7_imm
    STATE_NEXT c7_via, 3
    movl c7_via, %edx
    movl c7_alias(,%edx,4), %edx
    movl %eax, 1(%edx)
1:  movl c7_imm, %edx
    xorl $0x13579bdf, %edx
    ret

c7c_patch:
    call patch_due32
    jnz 1f
    imull $0x85ebca6b, %ecx, %eax
    movl %eax, FRAME7B + 1
    movl %eax, c7b_imm
    imull $0xc2b2ae35, %ecx, %eax
    movl %eax, FRAME7C + 1
    movl %eax, c7c_imm
1:  movl %ecx, %eax
    andl $3, %eax
    jz 2f
    cmpl $2, %eax
    jb 3f
    je 4f
    movl $PD, %eax                  /* 3: PD again, whose PT1 says FRAME7C */
    movl %eax, %cr3
    jmp 6f
2:  movl $(FRAME7B | PTE_PW), PT1_R /* 0: PTE back to FRAME7B */
    invlpg LIN7R
    jmp 5f
3:  movl $(FRAME7C | PTE_PW), PT1_R /* 1: PTE to FRAME7C */
    invlpg LIN7R
    jmp 6f
4:  movl $PD2, %eax                 /* 2: PD2, whose PT1B says FRAME7B */
    movl %eax, %cr3
5:  movl c7b_imm, %edx
    ret
6:  movl c7c_imm, %edx
    notl %edx
    ret

c7d_patch:                          /* EAX: the imm the routine writes and runs */
    imull $0x27d4eb2f, %ecx, %eax
    movl %eax, %edx
    ret

c7_tpl:
    .byte 0xb8                      /* movl $imm32, %eax */
    .long 0
    xorl $0x13579bdf, %eax
    ret
c7_tpl_end:
c7b_tpl:
    .byte 0xb8
    .long 0
    ret
c7b_tpl_end:
c7c_tpl:
    .byte 0xb8
    .long 0
    notl %eax
    ret
c7c_tpl_end:
c7d_tpl:                            /* at FRAME7 offset 0, run via LIN7X */
    pushl %ebx
    movl %eax, LIN7W + (c7d_imm - c7d_tpl)
    xorl %eax, %eax
    cpuid                           /* SDM 11.6: serialize after a cross-alias store */
    .byte 0xb8                      /* movl $imm32, %eax */
c7d_imm:
    .long 0
    popl %ebx
    ret
c7d_tpl_end:
    .balign 4
c7_alias:   .long LIN7W, FRAME7, LIN7X

/* ---- Case 8: DMA -------------------------------------------------------------- */
case8:
    CASE 8, "floppy DMA over code: INT 13h, then 8237 + FDC"
    movzbl c8_target, %eax
    CHECK %eax, $0xb8, "8 target sector loaded"
    movl $300, %ecx
1:  call c8_target
    loop 1b
    CHECK %eax, $C8_V1, "8 before DMA"
    movl $c8_v2, %eax
    call lba_chs
    movl $c8_rm, %eax
    call call_real16
    CHECK c8_rm_v1, $0x1601, "8 real mode, before INT 13h"
    CHECK c8_rm_err, $0, "8 INT 13h status"
    CHECK c8_rm_v2, $0x1602, "8 real mode, after INT 13h"
    call c8_target
    CHECK %eax, $C8_V2, "8 after INT 13h"
    movl $300, %ecx
1:  call c8_target
    loop 1b
    movl $c8_v3, %eax
    call lba_chs
    movl $c8_target, %edi
    call fdc_read
    CHECK c8_fdc_timeouts, $0, "8 FDC timeouts"
    movzbl c8_res, %eax
    andl $0xc0, %eax
    CHECK %eax, $0, "8 FDC ST0"
    call c8_target
    CHECK %eax, $C8_V3, "8 after 8237 DMA"
    movl $c8_rm2, %eax
    call call_real16
    CHECK c8_rm_v3, $0x1603, "8 real mode, after 8237 DMA"
    jmp case_end32

/* EAX: an address in this image -> its sector's CHS in c8_c, c8_h, c8_s. */
lba_chs:
    subl $0x7c00, %eax
    shrl $9, %eax
    xorl %edx, %edx
    movl $36, %ecx
    divl %ecx
    movb %al, c8_c
    movl %edx, %eax
    xorl %edx, %edx
    movl $18, %ecx
    divl %ecx
    movb %al, c8_h
    incl %edx
    movb %dl, c8_s
    ret

    .code16
c8_rm:                              /* real mode: call, INT 13h over it, call */
    call c8_target + 0x100
    movw %ax, c8_rm_v1
    movb $0xbe, %al                 /* IRQ0 and IRQ6 on for the BIOS */
    outb %al, $0x21
    sti
    movw $3, %si
1:  movw $c8_target, %bx
    movb c8_c, %ch
    movb c8_s, %cl
    movb c8_h, %dh
    movb boot_drive, %dl
    movw $0x0201, %ax
    int $0x13
    jnc 2f
    movb %ah, c8_rm_err
    movb $1, c8_rm_err + 1
    xorb %ah, %ah
    movb boot_drive, %dl
    int $0x13
    decw %si
    jnz 1b
    jmp 3f
2:  movw $0, c8_rm_err
3:  cli
    movb $0xff, %al
    outb %al, $0x21
    call c8_target + 0x100
    movw %ax, c8_rm_v2
    ret
c8_rm2:
    call c8_target + 0x100
    movw %ax, c8_rm_v3
    ret
    .code32

/* FDC: poll for RQM (DIO as AH wants), counting timeouts. */
fdc_wait:                           /* AH = wanted MSR & C0h */
    pushl %ecx
    pushl %edx
    movl $2000000, %ecx
    movw $0x3f4, %dx
1:  inb %dx, %al
    andb $0xc0, %al
    cmpb %ah, %al
    je 2f
    loop 1b
    incl c8_fdc_timeouts
2:  popl %edx
    popl %ecx
    ret

fdc_out:                            /* AL: one command byte */
    pushl %eax
    pushl %edx
    pushl %eax
    movb $0x80, %ah
    call fdc_wait
    popl %eax
    movw $0x3f5, %dx
    outb %al, %dx
    popl %edx
    popl %eax
    ret

fdc_in:                             /* AL: one result byte */
    pushl %edx
    movb $0xc0, %ah
    call fdc_wait
    movw $0x3f5, %dx
    inb %dx, %al
    popl %edx
    ret

fdc_sense:                          /* SENSE INTERRUPT STATUS: AL = ST0 */
    movb $0x08, %al
    call fdc_out
    call fdc_in
    cmpb $0x80, %al
    je 1f
    pushl %eax
    call fdc_in                     /* PCN */
    popl %eax
1:  ret

fdc_wait_seek:                      /* SENSE INTERRUPT until seek end */
    pushl %ecx
    movl $200000, %ecx
1:  call fdc_sense
    cmpb $0x80, %al
    je 2f
    testb $0x20, %al
    jnz 3f
2:  loop 1b
    incl c8_fdc_timeouts
3:  popl %ecx
    ret

/*
 * fdc_read: read sector c8_c/c8_h/c8_s of drive 0 into EDI (< 16M, not
 * across 64K) through 8237 channel 2, polling (IRQs stay masked). Result
 * bytes in c8_res.
 */
fdc_read:
    pushal
    movb $0x06, %al                 /* mask channel 2 */
    outb %al, $0x0a
    movb $0x46, %al                 /* single, increment, write memory, ch 2 */
    outb %al, $0x0b
    outb %al, $0x0c                 /* clear the byte flip-flop */
    movl %edi, %eax
    outb %al, $0x04
    movb %ah, %al
    outb %al, $0x04
    shrl $16, %eax
    outb %al, $0x81
    outb %al, $0x0c
    movb $0xff, %al                 /* count 511: one sector */
    outb %al, $0x05
    movb $0x01, %al
    outb %al, $0x05
    movb $0x02, %al                 /* unmask channel 2 */
    outb %al, $0x0a
    movw $0x3f2, %dx                /* DOR: reset, then drive 0, motor, DMA */
    xorb %al, %al
    outb %al, %dx
    movl $100, %ecx
1:  inb %dx, %al
    loop 1b
    movb $0x1c, %al
    outb %al, %dx
    movb $0x80, %ah
    call fdc_wait
    movw $0x3f7, %dx                /* CCR: 500 kbit/s */
    xorb %al, %al
    outb %al, %dx
    movl $4, %ecx
2:  call fdc_sense                  /* one per drive after a reset */
    loop 2b
    movb $0x03, %al                 /* SPECIFY: SRT/HUT, HLT, DMA mode */
    call fdc_out
    movb $0xdf, %al
    call fdc_out
    movb $0x02, %al
    call fdc_out
    movb $0x07, %al                 /* RECALIBRATE drive 0 */
    call fdc_out
    xorb %al, %al
    call fdc_out
    call fdc_wait_seek
    movb $0x0f, %al                 /* SEEK */
    call fdc_out
    movb c8_h, %al
    shlb $2, %al
    call fdc_out
    movb c8_c, %al
    call fdc_out
    call fdc_wait_seek
    movb $0x46, %al                 /* READ DATA, MFM: one sector (EOT = R) */
    call fdc_out
    movb c8_h, %al
    shlb $2, %al
    call fdc_out
    movb c8_c, %al
    call fdc_out
    movb c8_h, %al
    call fdc_out
    movb c8_s, %al
    call fdc_out
    movb $2, %al
    call fdc_out
    movb c8_s, %al
    call fdc_out
    movb $0x1b, %al
    call fdc_out
    movb $0xff, %al
    call fdc_out
    movl $c8_res, %edi
    movl $7, %ecx
3:  call fdc_in
    movb %al, (%edi)
    incl %edi
    loop 3b
    popal
    ret

/* ---- Case 9: across a page boundary ----------------------------------------- */
case9:
    CASE 9, "a routine across a page boundary"
    movl $SPAN9, %edi
    call c9_setup
    movl $SPAN9, c9_w2
    movl $SPAN9, c9_ws
    ROUNDS c9_patch, SPAN9, ROUNDS_N, "9 flat"
    call paging_on
    movl $LIN9, %edi
    call c9_setup
    movl $(FRAME9HI - 7), c9_w2
    movl $LIN9, c9_ws
    ROUNDS c9_patch, LIN9, ROUNDS_N, "9 paged, swapped frames"
    call paging_off
    jmp case_end32

c9_setup:                           /* copy the routine to EDI and to the shadow */
    movl $c9_tpl, %esi
    movl $16, %ecx
    cld
    rep movsb
    movl $c9_tpl, %esi
    movl $c9_shadow, %edi
    movl $16, %ecx
    rep movsb
    movl $0, c9_opi
    ret

c9_patch:
    call patch_due32
    jnz 1f
    pushl %ebx
    imull $0x9e3779b1, %ecx, %eax
    STATE_NEXT c9_kind, 3
    movl c9_kind, %edx
    cmpl $1, %edx
    jb 2f
    je 3f
    andl $0xffff00ff, %eax          /* 2: bytes 4-7 in one store: A's top byte, */
    orl $0x0500, %eax               /* ADD's opcode (kept), B's low half */
    movl c9_ws, %ebx
    movl %eax, 4(%ebx)
    movl %eax, c9_shadow + 4
    jmp 4f
2:  movl c9_w2, %ebx                /* 0: second page only: B's upper bytes, C */
    movw %ax, 7(%ebx)
    movw %ax, c9_shadow + 7
    shrl $16, %eax
    movb %al, 9(%ebx)
    movb %al, c9_shadow + 9
    imull $0x7feb352d, %ecx, %eax
    movl %eax, 11(%ebx)
    movl %eax, c9_shadow + 11
    jmp 4f
3:  movl c9_w2, %ebx                /* 1: the last instruction's opcode, and C */
    movl %eax, 11(%ebx)
    movl %eax, c9_shadow + 11
    STATE_NEXT c9_opi, 3
    movl c9_opi, %eax
    movb c9_ops(%eax), %al
    movb %al, 10(%ebx)
    movb %al, c9_shadow + 10
4:  popl %ebx
1:  movl c9_shadow + 1, %edx        /* want (A + B) op C */
    addl c9_shadow + 6, %edx
    movl c9_shadow + 11, %eax
    cmpb $0x35, c9_shadow + 10
    jne 5f
    xorl %eax, %edx
    ret
5:  cmpb $0x2d, c9_shadow + 10
    jne 6f
    subl %eax, %edx
    ret
6:  addl %eax, %edx
    ret

c9_tpl:                             /* at 2E000h - 7: bytes 0-6 | 7-15 */
    .byte 0xb8                      /* 0: movl $A, %eax */
    .long 0x11111111
    .byte 0x05                      /* 5: addl $B, %eax */
    .long 0x22222222
    .byte 0x35                      /* 10: xorl/subl/addl $C, %eax */
    .long 0x33333333
    ret                             /* 15 */
c9_ops:     .byte 0x35, 0x2d, 0x05

/* ---- Case 10: real mode ------------------------------------------------------ */
    .code16
c10_rm:
    pushal
    xorl %ecx, %ecx                 /* imm16s and the opcode of a near routine */
c10a_loop:
    call patch_due16
    jnz 1f
    imull $0x9e37, %ecx, %eax
    movw %ax, c10_fn + 1
    movw %ax, c10_a
    STATE_NEXT c10_op, 4
    movl c10_op, %eax
    movb c10_ops(%eax), %al
    movb %al, c10_fn + 3
    imull $0x5bd1, %ecx, %eax
    movw %ax, c10_fn + 4
    movw %ax, c10_b
1:  movzwl c10_a, %edx
    movzwl c10_b, %eax
    movl c10_op, %ebx
    cmpl $1, %ebx
    jb 2f
    je 3f
    cmpl $3, %ebx
    je 4f
    xorl %eax, %edx
    jmp 5f
2:  addl %eax, %edx
    jmp 5f
3:  subl %eax, %edx
    jmp 5f
4:  orl %eax, %edx
5:  movzwl %dx, %edx
    call c10_fn
    movzwl %ax, %eax
    cmpl %edx, %eax
    jne 6f
    incl %ecx
    cmpl $ROUNDS_N, %ecx
    jb c10a_loop
6:  CHECK %eax, %edx, "10 patched imm16/opcode", 16
    CHECK %ecx, $ROUNDS_N, "10 patch rounds", 16

    movl $1, %ecx                   /* the next instruction */
c10b_loop:
    imull $0x3b9f, %ecx, %ebx
    movw %bx, c10b_ins + 1
c10b_ins:
    .byte 0xb8                      /* movw $imm16, %ax */
    .word 0
    movzwl %ax, %eax
    movzwl %bx, %ebx
    cmpl %ebx, %eax
    jne 1f
    incl %ecx
    cmpl $1000, %ecx
    jbe c10b_loop
1:  CHECK %eax, %ebx, "10 next instruction", 16
    CHECK %ecx, $1001, "10 next-instruction rounds", 16

    movw $0x3400, %ax               /* far routines at 34000h and 35000h */
    movw %ax, %es
    xorw %di, %di
    movw $c10_t1, %si
    movw $(c10_t1_end - c10_t1), %cx
    cld
    rep movsb
    movw $0x3500, %ax
    movw %ax, %es
    xorw %di, %di
    movw $c10_t2, %si
    movw $(c10_t2_end - c10_t2), %cx
    rep movsb
    movl $0, c10_f1
    movl $0, c10_f2
    xorl %ecx, %ecx
c10c_loop:
    call patch_due16
    jnz 1f
    imull $0x4f1b, %ecx, %eax
    movw $0x3400, %dx
    movw %dx, %es
    movw %ax, %es:1
    movw %ax, c10_f1
    imull $0x7d35, %ecx, %eax
    movw $0x3500, %dx
    movw %dx, %es
    movw %ax, %es:1
    movw %ax, c10_f2
1:  movl %ecx, %ebx
    andl $3, %ebx
    movl c10_fptrs(,%ebx,4), %eax
    movl %eax, c10_fptr
    movzwl c10_f1, %edx
    cmpl $1, %ebx                   /* 1 and 2 reach 35000h */
    je 2f
    cmpl $2, %ebx
    jne 3f
2:  movzwl c10_f2, %edx
    notw %dx
3:  lcallw *c10_fptr
    movzwl %ax, %eax
    cmpl %edx, %eax
    jne 4f
    incl %ecx
    cmpl $ROUNDS_N, %ecx
    jb c10c_loop
4:  pushw $0
    popw %es
    CHECK %eax, %edx, "10 CS:IP aliases", 16
    CHECK %ecx, $ROUNDS_N, "10 alias rounds", 16
    popal
    ret

c10_fn:
    .byte 0xb8                      /* movw $imm16, %ax */
    .word 0
    .byte 0x05                      /* addw/subw/xorw/orw $imm16, %ax */
    .word 0
    ret
c10_t1:
    .byte 0xb8
    .word 0
    lret
c10_t1_end:
c10_t2:
    .byte 0xb8
    .word 0
    notw %ax
    lret
c10_t2_end:
    .code32
c10_ops:    .byte 0x05, 0x2d, 0x35, 0x0d
    .balign 4
c10_fptrs:  .word 0x0000, 0x3400    /* 34000h: routine 1 */
    .word 0x0000, 0x3500            /* 35000h: routine 2, same IP */
    .word 0x1000, 0x3400            /* 35000h: routine 2 again */
    .word 0x1000, 0x3300            /* 34000h: routine 1 again */

/* ---- Case 11: late changes ---------------------------------------------------- */
case11:
    CASE 11, "patches on the last round of a hot loop"
    movl $2, %ebx
1:  movb $0x05, c11_ins
    xorl %eax, %eax
    movl $3000, %ecx
2:  cmpl $1, %ecx
    jne c11_ins
    movb $0x2d, c11_ins             /* last round: ADD -> SUB */
c11_ins:
    .byte 0x05                      /* addl $3, %eax */
    .long 3
    loop 2b
    CHECK %eax, $8994, "11 ADD->SUB before the last round"
    decl %ebx
    jnz 1b

    movb $0x05, c11_fn
    xorl %eax, %eax
    movl $3000, %ecx
1:  call c11_fn
    cmpl $1, %ecx
    jne 2f
    movb $0x2d, c11_fn              /* after the last call in the loop */
2:  loop 1b
    call c11_fn
    CHECK %eax, $8997, "11 patched after the last call"
    jmp case_end32

c11_fn:
    .byte 0x05                      /* addl $3, %eax */
    .long 3
    ret

/* ---- Case 12: jump targets ----------------------------------------------------- */
case12:
    CASE 12, "retargeted jumps and calls"
    ROUNDS c12a_patch, c12_j32, ROUNDS_N, "12 JMP rel32"
    ROUNDS c12b_patch, c12_j8, ROUNDS_N, "12 JMP rel8"
    ROUNDS c12c_patch, c12_jcc, ROUNDS_N, "12 Jcc rel32"
    ROUNDS c12d_patch, c12_call, ROUNDS_N, "12 CALL rel32"
    ROUNDS c12e_patch, c12_ind, ROUNDS_N, "12 CALL [m32]"
    ROUNDS c12f_patch, c12_pr, ROUNDS_N, "12 PUSH/RET, JMP EDX"
    jmp case_end32

c12a_patch:
    call patch_due32
    jnz 1f
    STATE_NEXT c12_ka, 3
    movl c12_ka, %eax
    movl c12_tgts(,%eax,4), %edx
    subl $(c12_j32 + 5), %edx
    movl %edx, c12_j32 + 1
1:  movl c12_ka, %eax
    movl c12_vals(,%eax,4), %edx
    ret

c12b_patch:
    call patch_due32
    jnz 1f
    STATE_NEXT c12_kb, 3
    movl c12_kb, %eax
    movl c12_stgts(,%eax,4), %edx
    subl $(c12_j8 + 2), %edx
    movb %dl, c12_j8 + 1
1:  movl c12_kb, %edx
    addl $0x50, %edx
    ret

c12c_patch:
    call patch_due32
    jnz 1f
    STATE_NEXT c12_kc, 4
    movl c12_kc, %eax
    movb $0x84, c12_jcc_op          /* JE */
    cmpl $3, %eax
    jne 2f
    movb $0x85, c12_jcc_op          /* JNE: not taken after XOR */
    xorl %eax, %eax
2:  movl c12_tgts(,%eax,4), %edx
    subl $(c12_jcc_op + 5), %edx
    movl %edx, c12_jcc_op + 1
1:  movl c12_kc, %eax
    movl c12c_vals(,%eax,4), %edx
    ret

c12d_patch:
    call patch_due32
    jnz 1f
    STATE_NEXT c12_kd, 3
    movl c12_kd, %eax
    movl c12_tgts(,%eax,4), %edx
    subl $(c12_call + 5), %edx
    movl %edx, c12_call + 1
1:  movl c12_kd, %eax
    movl c12_vals(,%eax,4), %edx
    incl %edx
    ret

c12e_patch:
    call patch_due32
    jnz 1f
    STATE_NEXT c12_ke, 4
    movl c12_ke, %eax
    movl c12e_slot(,%eax,4), %edx
    movl %edx, c12_ind_disp
    pushl %ebx
    movl c12e_tgt(,%eax,4), %ebx
    movl %ebx, (%edx)
    popl %ebx
1:  movl c12_ke, %eax
    movl c12e_val(,%eax,4), %edx
    ret

c12f_patch:
    call patch_due32
    jnz 1f
    STATE_NEXT c12_kf, 3
    movl c12_kf, %eax
    movl c12_tgts(,%eax,4), %edx
    movl %edx, c12_pr_push + 1
    movl $2, %eax                   /* the JMP EDX path goes one target on */
    subl c12_kf, %eax
    movl c12_tgts(,%eax,4), %edx
    movl %edx, c12_mj + 1
1:  movl c12_kf, %eax
    movl c12_vals(,%eax,4), %edx
    movl $2, %eax
    subl c12_kf, %eax
    addl c12_vals(,%eax,4), %edx
    ret

c12_ta:
    movl $0xa0a0a0a0, %eax
    ret
c12_tb:
    movl $0xb0b0b0b0, %eax
    ret
c12_tc:
    movl $0xc0c0c0c0, %eax
    notl %eax
    ret
c12_j32:
    .byte 0xe9                      /* jmp rel32 */
    .long c12_ta - (c12_j32 + 5)
c12_j8:
    .byte 0xeb, 0                   /* jmp rel8 */
c12_s0:
    movl $0x50, %eax
    ret
c12_s1:
    movl $0x51, %eax
    ret
c12_s2:
    movl $0x52, %eax
    ret
c12_jcc:
    xorl %eax, %eax                 /* ZF = 1 */
    .byte 0x0f
c12_jcc_op:
    .byte 0x84                      /* je rel32 */
    .long c12_ta - (c12_jcc_op + 5)
    movl $0xfa11fa11, %eax
    ret
c12_call:
    .byte 0xe8                      /* call rel32 */
    .long c12_ta - (c12_call + 5)
    incl %eax
    ret
c12_ind:
    .byte 0xff, 0x15                /* call *disp32 */
c12_ind_disp:
    .long c12_ptr1
    ret
c12_ptr1:   .long c12_ta
c12_ptr2:   .long c12_tb
c12_pr:                             /* PUSH/RET target + JMP EDX target */
    call c12_pr_push
    pushl %eax
    call c12_mj
    popl %edx
    addl %edx, %eax
    ret
c12_pr_push:
    .byte 0x68                      /* pushl $imm32: RET goes there */
    .long c12_ta
    ret
c12_mj:
    .byte 0xba                      /* movl $imm32, %edx */
    .long c12_tc
    jmp *%edx
    .balign 4
c12_tgts:   .long c12_ta, c12_tb, c12_tc
c12_vals:   .long 0xa0a0a0a0, 0xb0b0b0b0, 0x3f3f3f3f
c12_stgts:  .long c12_s0, c12_s1, c12_s2
c12c_vals:  .long 0xa0a0a0a0, 0xb0b0b0b0, 0x3f3f3f3f, 0xfa11fa11
c12e_slot:  .long c12_ptr1, c12_ptr2, c12_ptr1, c12_ptr2
c12e_tgt:   .long c12_ta, c12_tb, c12_tc, c12_ta
c12e_val:   .long 0xa0a0a0a0, 0xb0b0b0b0, 0x3f3f3f3f, 0xa0a0a0a0

/* ---- Case 13: unusual writers ---------------------------------------------------- */
/* W13 old: set c13_fn's imm32 to old and run it 64 times (hot code). */
.macro W13 old
    movl $\old, c13_imm
    movl $64, %ecx
.Lw13\@:
    call c13_fn
    loop .Lw13\@
.endm
/* R13 want, "text": run c13_fn again and check what it returns now. */
.macro R13 want, msg
    call c13_fn
    CHECK %eax, \want, "\msg"
.endm

case13:
    CASE 13, "code written by unusual instructions"
    movl %cr0, %eax
    andl $~0xc, %eax                /* EM = TS = 0 for x87 and MMX */
    movl %eax, %cr0
    fninit

    W13 0x01010101
    movl %esp, c13_esp
    movl $(c13_imm + 4), %esp
    pushl $0x11223344
    movl c13_esp, %esp
    R13 $0x11223344, "13 PUSH imm32"

    W13 0x02020202
    movl %esp, c13_esp
    movl $(c13_imm + 4), %esp
    call c13_ret
c13_ret:
    movl c13_esp, %esp
    R13 $c13_ret, "13 CALL"

    W13 0x03030303
    movl %esp, c13_esp
    movl $0x31415926, %eax
    movl $0xb8000000, %ecx          /* ECX's top byte lands on the MOV opcode */
    movl $(c13_imm + 4), %esp
    pushal
    movl c13_esp, %esp
    R13 $0x31415926, "13 PUSHA (EAX)"

    W13 0x04040404
    movl $0x55667788, c13_src
    movl %esp, c13_esp
    movl $c13_src, %esp
    popl c13_imm
    movl c13_esp, %esp
    R13 $0x55667788, "13 POP m32"

    W13 0x05050505
    movl $0x99aabbcc, %ebx
    xchgl %ebx, c13_imm
    R13 $0x99aabbcc, "13 XCHG"

    W13 0x06060606
    movl $0x10, %ebx
    lock xaddl %ebx, c13_imm
    R13 $0x06060616, "13 LOCK XADD"

    W13 0x07070707
    movl $0x07070707, %eax
    movl $0x12121212, %ecx
    lock cmpxchgl %ecx, c13_imm
    R13 $0x12121212, "13 LOCK CMPXCHG"

    W13 0x08080808
    movl $0x08080808, %eax
    movl $0x909090c3, %edx          /* RET and padding after the imm32 */
    movl $0x34343434, %ebx
    movl $0x909090c3, %ecx
    lock cmpxchg8b c13_imm
    R13 $0x34343434, "13 LOCK CMPXCHG8B"

    W13 0x00ffffff
    incl c13_imm
    R13 $0x01000000, "13 INC m32"

    W13 0x0a0a0a0a
    addl $0x01010101, c13_imm
    R13 $0x0b0b0b0b, "13 ADD m32, imm32"

    W13 0x0c0c0c0c
    notl c13_imm
    R13 $0xf3f3f3f3, "13 NOT m32"

    W13 0x0d0d0d0d
    negl c13_imm
    R13 $0xf2f2f2f3, "13 NEG m32"

    W13 0x0e0e0e0e
    shll $4, c13_imm
    movb $8, %cl
    roll %cl, c13_imm
    R13 $0xe0e0e0e0, "13 SHL/ROL m32"

    W13 0x10101010
    movl $33, %ecx                  /* bit 33 above c13_imm - 4: bit 1 of c13_imm */
    btsl %ecx, c13_imm - 4
    R13 $0x10101012, "13 BTS m32, r32"

    W13 0x11111111
    btcl $31, c13_imm
    R13 $0x91111111, "13 BTC m32, imm8"

    W13 0x12121212
    stc
    setc c13_imm
    R13 $0x12121201, "13 SETC m8"

    W13 0x13131313
    fildl c13_int
    fistpl c13_imm
    R13 $123456789, "13 FISTP m32"

    W13 0x14141414
    fld1
    fstps c13_imm
    R13 $0x3f800000, "13 FSTP m32real"

    W13 0x15151515
    fninit
    fnstcw c13_imm
    R13 $0x1515037f, "13 FNSTCW m16"

    W13 0x16161616
    movl $0x0badf00d, c13_src
    movd c13_src, %mm0
    movd %mm0, c13_imm
    emms
    R13 $0x0badf00d, "13 MOVD m32, mm"

    W13 0x17171717
    movl $0xfeedface, c13_src
    movl $c13_src, %esi
    movl $c13_imm, %edi
    movsl
    R13 $0xfeedface, "13 MOVSD"

    W13 0x18181818
    movw $0x7777, %ax
    movl $c13_imm, %edi
    stosw
    R13 $0x18187777, "13 STOSW"

    W13 0x19191919
    movb $0xa5, %al                 /* slave PIC IMR as the data source */
    outb %al, $0xa1
    movl $c13_imm, %edi
    movw $0xa1, %dx
    movl $4, %ecx
    rep insb
    movb $0xff, %al
    outb %al, $0xa1
    R13 $0xa5a5a5a5, "13 REP INSB"

    W13 0x1a1a1a1a
    movl %cr0, %edx
    andl $0xffff, %edx
    orl $0x1a1a0000, %edx
    movl %edx, c13_want
    smsw c13_imm
    R13 c13_want, "13 SMSW m16"

    W13 0x1b1b1b1b
    movl $0x0a0b0c0d, %ebx
    movl $c13_imm, %esi
    addr16 movl %ebx, (%si)
    R13 $0x0a0b0c0d, "13 addr16 MOV"

    W13 0x1c1c1c1c
    movw $DATA_B1000, %ax
    movw %ax, %fs
    movl $0x0e0f1011, %fs:c13_imm - 0x1000
    movw $KDATA32, %ax
    movw %ax, %fs
    R13 $0x0e0f1011, "13 MOV via FS base"

    call c13_sfn                    /* SIDT of a made-up IDTR that is code */
    lidt c13_fake_idtr
    sidt c13_sfn
    lidt idt_desc
    call c13_sfn
    CHECK %eax, $0x78561234, "13 SIDT"
    jmp case_end32

    .balign 4
c13_pad:
    .fill 32, 1, 0xcc               /* PUSHA's other seven registers */
c13_fn:
    .byte 0xb8                      /* movl $imm32, %eax */
c13_imm:
    .long 0
    ret
    .byte 0x90, 0x90, 0x90          /* CMPXCHG8B's high dword: C3 90 90 90 */
c13_sfn:
    .byte 0xb8, 0, 0, 0, 0, 0x90    /* SIDT target: 6 bytes */
    ret
c13_fake_idtr:
    .word 0x34b8                    /* B8 34 12 56 78 90 */
    .long 0x90785612
    .balign 4
c13_int:    .long 123456789

/* ---- Case 14: code segment bases ---------------------------------------------- */
case14:
    CASE 14, "code segment bases: one frame, two bases"
    movl $c14_t1, %esi
    movl $PAGE14, %edi
    movl $(c14_t1_end - c14_t1), %ecx
    cld
    rep movsb
    movl $c14_t2, %esi
    movl $(PAGE14 + 0x1000), %edi
    movl $(c14_t2_end - c14_t2), %ecx
    rep movsb
    movl $c14_stub, %esi
    movl $STUB14, %edi
    movl $(c14_stub_end - c14_stub), %ecx
    rep movsb
    ROUNDS c14_patch, STUB14, ROUNDS_N, "14 far calls through CS bases 0 and 1000h"
    jmp case_end32

c14_patch:
    call patch_due32
    jnz 1f
    imull $0x6b43a9b5, %ecx, %eax
    movl %eax, PAGE14 + 1
    movl %eax, c14_i1
    imull $0x2f0d1b35, %ecx, %eax
    movl %eax, PAGE14 + 0x1001
    movl %eax, c14_i2
1:  pushl %ebx                      /* want: what c14_stub computes */
    movl c14_i1, %edx
    movl c14_i2, %ebx
    notl %ebx
    roll $8, %ebx
    xorl %ebx, %edx
    addl c14_i1, %edx
    roll $8, %ebx
    xorl %ebx, %edx
    popl %ebx
    ret

/* Copied to STUB14, a page nothing writes while it runs: the four calls
 * follow each other with no store in between (only the stack's). */
c14_stub:
    lcall $KCODE32, $PAGE14                 /* routine 1 */
    movl %eax, %ecx
    lcall $CODE_B1000, $PAGE14              /* same EIP, other base: routine 2 */
    roll $8, %eax
    xorl %eax, %ecx
    lcall $CODE_B1000, $(PAGE14 - 0x1000)   /* routine 1 at another EIP */
    addl %eax, %ecx
    lcall $KCODE32, $(PAGE14 + 0x1000)      /* routine 2 at another EIP */
    roll $16, %eax
    xorl %ecx, %eax
    ret
c14_stub_end:
c14_t1:
    .byte 0xb8                      /* movl $imm32, %eax */
    .long 0
    lret
c14_t1_end:
c14_t2:
    .byte 0xb8
    .long 0
    notl %eax
    lret
c14_t2_end:

/* ---- Case 15: patching exception handlers ------------------------------------- */
case15:
    CASE 15, "handlers patch the faulting code (INT3, UD2)"
    movl $3, %eax
    movl $c15_bp, %ebx
    movl $KCODE32, %ecx
    movl $0x8e, %edx
    call set_gate32
    movl $6, %eax
    movl $c15_ud, %ebx
    call set_gate32
    ROUNDS c15_patch, c15_fn, ROUNDS_N, "15 routine"
    movl c15_due, %eax
    addl %eax, %eax
    movl %eax, %edx
    CHECK c15_hits, %edx, "15 handler runs"
    call idt_setup32
    jmp case_end32

c15_patch:
    call patch_due32
    jnz 1f
    incl c15_due
    imull $0x2545f491, %ecx, %eax
    movl %eax, c15_imm
    movl %eax, c15_cur
    movb $0xcc, c15_fn              /* INT3 over the MOV opcode */
    movw $0x0b0f, c15_fix           /* UD2 over the two INC EAX */
1:  movl c15_cur, %edx
    addl $2, %edx
    ret

c15_fn:
    .byte 0xb8                      /* movl $imm32, %eax */
c15_imm:
    .long 0
c15_fix:
    .byte 0x40, 0x40                /* incl %eax; incl %eax */
    ret

c15_bp:                             /* #BP, a trap: put MOV back, rerun it */
    pushl %ebx
    movl 4(%esp), %ebx
    decl %ebx
    movb $0xb8, (%ebx)
    movl %ebx, 4(%esp)
    incl c15_hits
    popl %ebx
    iret

c15_ud:                             /* #UD, a fault: UD2 -> INC EAX x 2, rerun */
    pushl %ebx
    movl 4(%esp), %ebx
    movw $0x4040, (%ebx)
    incl c15_hits
    popl %ebx
    iret

/* ---- Data ---------------------------------------------------------------------- */
    .balign 4
case_num:       .long 0
case_fails:     .long 0
rr_n:           .long 0
rr_i:           .long 0
rr_want:        .long 0
rm_target:      .long 0
rm_esp:         .long 0
c1_a:           .long 0
c1_b:           .long 0
c2_op:          .long 0
c2_tail:        .long 0
c2_tail_bytes:  .long 0x00909090
c3e_vec:        .long 0
c3e_eip:        .long 0
c4b_saved:      .long 0
c5_n:           .long 0
c5_want:        .long 0
c7_imm:         .long 0
c7_via:         .long 0
c7b_imm:        .long 0
c7c_imm:        .long 0
c8_rm_v1:       .long 0
c8_rm_v2:       .long 0
c8_rm_v3:       .long 0
c8_rm_err:      .long 0
c8_fdc_timeouts: .long 0
c8_c:           .byte 0
c8_h:           .byte 0
c8_s:           .byte 0
c8_res:         .fill 7, 1, 0
c9_w2:          .long 0
c9_ws:          .long 0
c9_kind:        .long 0
c9_opi:         .long 0
c9_shadow:      .fill 16, 1, 0
c10_a:          .long 0
c10_b:          .long 0
c10_op:         .long 0
c10_f1:         .long 0
c10_f2:         .long 0
c10_fptr:       .long 0
c12_ka:         .long 0
c12_kb:         .long 0
c12_kc:         .long 0
c12_kd:         .long 0
c12_ke:         .long 0
c12_kf:         .long 0
c13_esp:        .long 0
c13_src:        .long 0
c13_want:       .long 0
c14_i1:         .long 0
c14_i2:         .long 0
    .balign 4
c15_due:        .long 0
c15_hits:       .long 0
c15_cur:        .long 0
rm_idt_desc:
    .word 0x3ff
    .long 0

gdt:
    GDT_STD
    DESC 0x1000, 0xfffff, 0x9a, 0xc /* 40 ring-0 code, base 1000h */
    DESC 0x1000, 0xfffff, 0x92, 0xc /* 48 ring-0 data, base 1000h */
gdt_end:
gdt_desc:
    .word gdt_end - gdt - 1
    .long gdt

    .pushsection .text, 1
str_case:   .asciz "case "
str_pass:   .asciz "PASS\n"
str_cfail:  .asciz "FAIL\n"
    .popsection

/*
 * Case 8's sectors, after everything else (subsection 2, behind the
 * strings). c8_target is loaded by the boot sector and run; INT 13h then
 * reads c8_v2's sector over it, and the 8237 + FDC read c8_v3's. Each has a
 * 32-bit routine at offset 0 and a 16-bit one at offset 100h. Size limit:
 * c8_target must stay within the boot sector's LOAD_SECTORS (offset 4600h at
 * most; today it is 3C00h); the first check of case 8 says if it is not.
 * c8_v2 and c8_v3 are read from the disk and may lie beyond.
 */
    .pushsection .text, 2
    .balign 512
c8_target:
    movl $C8_V1, %eax
    ret
    .skip 0x100 - (. - c8_target)
    .code16
    movw $0x1601, %ax
    ret
    .code32
    .balign 512
c8_v2:
    nop
    movl $(C8_V2 ^ 0x00ff00ff), %eax
    xorl $0x00ff00ff, %eax
    ret
    .skip 0x100 - (. - c8_v2)
    .code16
    nop
    movw $0x1602, %ax
    ret
    .code32
    .balign 512
c8_v3:
    movl $~C8_V3, %eax
    notl %eax
    ret
    .skip 0x100 - (. - c8_v3)
    .code16
    movw $0x1603, %ax
    ret
    .code32
    .balign 512
    .popsection

    .if chk_id > 255
    .error "more than 255 checks: check ids are bytes"
    .endif
