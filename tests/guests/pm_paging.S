/*
 * tests/guests/pm_paging.S - 32-bit paging (no PAE): 4 KiB and 4 MiB pages
 * mapped away from identity; #PF error codes and CR2 for a not-present page
 * (read, write), a read-only page written by the supervisor with CR0.WP off
 * (allowed) and on (fault) and by the user (fault either way), a supervisor
 * page read by the user; accessed and dirty bits in PDEs and PTEs (and not D
 * in a PDE that points to a page table); INVLPG; a global page surviving a
 * CR3 reload with CR4.PGE while a non-global one is refetched, and global
 * entries flushed by clearing CR4.PGE.
 *
 * Models:      nothing: a test guest (see pm_lib.inc).
 * Not modeled: PAE, PSE-36, PAT, PCD/PWT effects.
 * Spec:        Intel SDM Vol. 3A 4.3 (32-bit paging, tables 4-4 to 4-6),
 *              4.6 (access rights, CR0.WP), 4.7 (page-fault exceptions,
 *              figure 4-12), 4.8 (accessed and dirty flags), 4.10.4.1
 *              (INVLPG, MOV to CR3 and global pages, CR4.PGE).
 */
#include "pm_lib.inc"

    .equ PD, 0x20000
    .equ PT0, 0x21000
    .equ PTE_P, 1
    .equ PTE_W, 2
    .equ PTE_U, 4
    .equ PTE_A, 0x20
    .equ PTE_D, 0x40
    .equ PDE_PS, 0x80
    .equ PTE_G, 0x100
    .equ ALIAS, 0x300000            /* -> physical 301000h */
    .equ HOLE, 0x302000             /* not present */
    .equ RO, 0x303000               /* read-only, user */
    .equ SUPER, 0x304000            /* supervisor, writable */
    .equ AD, 0x305000               /* A/D bits start clear */
    .equ INVL, 0x306000             /* remapped, then INVLPG */
    .equ GLOBAL, 0x307000           /* G; remapped to 308000h */
    .equ LOCAL, 0x309000            /* not G; remapped to 30A000h */
    .equ BIG_ALIAS, 0x800000        /* 4 MiB page -> physical 400000h */
    .equ BIG_AD, 0xc00000           /* 4 MiB page, A/D start clear */

.macro PTE va, val
    movl $(\val), PT0 + ((\va) >> 12) * 4
.endm

    .code16
main:
    SAY "pm_paging: 4K and 4M pages, #PF, WP, U/S, A/D, INVLPG, global", 16
    cli
    ENTER_PM32
    call idt_setup32
    call tss_setup32

    /* markers in the physical pages the tests remap */
    movl $0xa1a1a1a1, 0x301000
    movl $0x06060606, 0x306000
    movl $0x07070707, 0x307000
    movl $0x08080808, 0x308000
    movl $0x09090909, 0x309000
    movl $0x0a0a0a0a, 0x30a000

    /* page directory: 0-4M by PT0; 4M identity, 8M -> 4M, 12M with A/D clear */
    movl $PD, %edi
    movl $1024, %ecx
    xorl %eax, %eax
    cld
    rep stosl
    movl $(PT0 | PTE_P | PTE_W | PTE_U), PD
    movl $(0x400000 | PDE_PS | PTE_P | PTE_W | PTE_U), PD + 4
    movl $(0x400000 | PDE_PS | PTE_P | PTE_W | PTE_U), PD + 8
    movl $(0xc00000 | PDE_PS | PTE_P | PTE_W | PTE_U), PD + 12
    movl $PT0, %edi
    movl $(PTE_P | PTE_W | PTE_U), %eax
1:  stosl
    addl $0x1000, %eax
    cmpl $0x400000, %eax
    jb 1b
    PTE ALIAS, 0x301000 | PTE_P | PTE_W | PTE_U
    PTE HOLE, 0
    PTE RO, RO | PTE_P | PTE_U
    PTE SUPER, SUPER | PTE_P | PTE_W
    PTE GLOBAL, GLOBAL | PTE_P | PTE_W | PTE_G
    movl $PD, %eax
    movl %eax, %cr3
    movl %cr4, %eax
    orl $0x10, %eax                 /* PSE */
    movl %eax, %cr4
    movl %cr0, %eax
    orl $0x80000000, %eax           /* PG, WP still clear */
    movl %eax, %cr0
    SAY "paging on"

    EXPECT ALIAS, $0xa1a1a1a1, 0x01, "4K page mapped to another frame: read"
    movl $0x13572468, ALIAS + 4
    EXPECT 0x301004, $0x13572468, 0x02, "4K page mapped to another frame: write"
    movl $0x24681357, BIG_ALIAS + 0x10
    EXPECT 0x400010, $0x24681357, 0x03, "4M page mapped to another frame: write"
    movl $0x5a5a1234, 0x400020
    EXPECT BIG_ALIAS + 0x20, $0x5a5a1234, 0x04, "4M page mapped to another frame: read"

    SAY "#PF: not present"
    EXPECT_FAULT 1f
pf1:
    movl HOLE + 8, %eax
1:  EXPECT exc_vec, $14, 0x05, "read, not present: #PF"
    EXPECT exc_err, $0, 0x06, "read, not present: error code"
    EXPECT exc_cr2, $(HOLE + 8), 0x07, "read, not present: CR2"
    EXPECT exc_eip, $pf1, 0x08, "read, not present: pushed EIP"
    EXPECT_FAULT 1f
    movb $1, HOLE + 0xfff
1:  EXPECT exc_err, $2, 0x09, "write, not present: error code"
    EXPECT exc_cr2, $(HOLE + 0xfff), 0x0a, "write, not present: CR2"

    /* The flags a faulting access pushes are the last writer's, however
     * a translator keeps them (the JIT recreates them from registers on
     * its slow path); the registers the writer read stay as they were. */
    SAY "EFLAGS pushed by a faulting access after flag writers"
    EXPECT_FAULT 1f
    movl $0x7fffffff, %ecx
    addl $1, %ecx                   /* 80000000h: OF SF AF PF */
    movl HOLE, %eax
1:  movl exc_eflags, %eax
    andl $0x8d5, %eax
    EXPECT %eax, $0x894, 0x30, "add imm, then a load faults: pushed flags"
    EXPECT %ecx, $0x80000000, 0x31, "add imm: result intact"
    EXPECT_FAULT 1f
    movl $5, %edx
    cmpl $7, %edx                   /* -2: SF AF CF */
    movb %dl, HOLE + 1
1:  movl exc_eflags, %eax
    andl $0x8d5, %eax
    EXPECT %eax, $0x91, 0x32, "cmp, then a byte store faults: pushed flags"
    EXPECT_FAULT 1f
    movl $0x0f0f, %ebx
    xorl $0x0ff0, %ebx              /* 00FFh: PF (AF undefined) */
    pushl HOLE + 4
1:  movl exc_eflags, %eax
    andl $0x8c5, %eax
    EXPECT %eax, $0x04, 0x33, "xor, then push from memory faults: pushed flags"
    EXPECT_FAULT 1f
    movl $0x1234, %eax
    subb $0x34, %ah                 /* DEh: SF AF PF CF */
    movl HOLE + 8, %ecx
1:  movl exc_eflags, %ecx
    andl $0x8d5, %ecx
    EXPECT %ecx, $0x95, 0x34, "sub ah, then a load faults: pushed flags"
    EXPECT %eax, $0xde34, 0x35, "sub ah: result intact"
    EXPECT_FAULT 1f
    movl $0x8000, %esi
    subw $1, %si                    /* 7FFFh: OF AF PF */
    movw %si, HOLE + 2
1:  movl exc_eflags, %eax
    andl $0x8d5, %eax
    EXPECT %eax, $0x814, 0x36, "16-bit sub, then a store faults: pushed flags"
    EXPECT %esi, $0x7fff, 0x37, "16-bit sub: result intact"
    EXPECT_FAULT 1f
    movl $0xffffffff, %eax
    movl $1, %ecx
    addl %ecx, %eax                 /* 0: ZF PF AF CF */
    movl %eax, HOLE + 12
1:  movl exc_eflags, %edx
    andl $0x8d5, %edx
    EXPECT %edx, $0x55, 0x38, "add reg, then a store faults: pushed flags"
    EXPECT %eax, $0, 0x39, "add reg: result intact"
    EXPECT_FAULT 1f
    xorl %edi, %edi
    testl %edi, %edi                /* ZF PF */
    movzbl HOLE + 3, %edx
1:  movl exc_eflags, %eax
    andl $0x8c5, %eax
    EXPECT %eax, $0x44, 0x3a, "test, then movzx faults: pushed flags"
    /* a TLB miss without a fault: the flags still reach the reader after */
    invlpg ALIAS
    movl $5, %edx
    cmpl $7, %edx
    movl ALIAS, %eax
    setb %bl
    movzbl %bl, %ebx
    EXPECT %ebx, $1, 0x3b, "cmp, a load that misses the TLB, setb"

    /* accesses a translator checks with one probe at block entry: the
     * page is not present, so the fault comes from the first access, or
     * the second one after the first has stored */
    SAY "#PF inside a group of accesses sharing one probe"
    EXPECT_FAULT 1f
    movl $HOLE + 16, %ebx
    movl $7, %ecx
    incl %ecx
hf1:
    movl %ecx, (%ebx)
    movl 4(%ebx), %edx
1:  EXPECT exc_eip, $hf1, 0x3c, "group on a not-present page: #PF at the first access"
    EXPECT exc_cr2, $(HOLE + 16), 0x3d, "group on a not-present page: CR2"
    EXPECT %ecx, $8, 0x3e, "group on a not-present page: registers before it"
    EXPECT_FAULT 1f
    movl $HOLE - 4, %ebx
    movl $0x5a5a, %ecx
    movl %ecx, (%ebx)
hf2:
    movl 4(%ebx), %edx
    movl %edx, 8(%ebx)
1:  EXPECT exc_eip, $hf2, 0x3f, "group across into a hole: #PF at the second access"
    EXPECT exc_cr2, $HOLE, 0x40, "group across into a hole: CR2"
    EXPECT 0x301ffc, $0x5a5a, 0x41, "group across into a hole: the first store done"

    /* a small loop (translated as a self-loop, unrolled) walks into the
     * hole: the fault is at the load of the first missing byte, with the
     * flags of the previous round's compare */
    SAY "#PF in a tight loop walking into a not-present page"
    EXPECT_FAULT 1f
    movl $HOLE - 37, %esi
    xorl %eax, %eax
hl_load:
    movzbl (%esi), %edx
    addl %edx, %eax
    incl %esi
    cmpl $HOLE + 100, %esi
    jne hl_load
1:  EXPECT exc_eip, $hl_load, 0x42, "loop into a hole: #PF at the load"
    EXPECT %esi, $HOLE, 0x43, "loop into a hole: pointer at the hole"
    EXPECT exc_cr2, $HOLE, 0x44, "loop into a hole: CR2"
    movl exc_eflags, %eax
    andl $0x8d5, %eax
    EXPECT %eax, $0x95, 0x45, "loop into a hole: flags of the last compare"

    SAY "supervisor writes to a read-only page, CR0.WP off and on"
    movl $0xffffffff, exc_vec
    movl $0x11111111, RO
    EXPECT exc_vec, $0xffffffff, 0x0b, "WP=0: supervisor write to read-only: no fault"
    EXPECT RO, $0x11111111, 0x0c, "WP=0: supervisor write to read-only: written"
    movl %cr0, %eax
    orl $0x10000, %eax
    movl %eax, %cr0
    EXPECT_FAULT 1f
pf_wp:
    movl $0x22222222, RO + 4
1:  EXPECT exc_vec, $14, 0x0d, "WP=1: supervisor write to read-only: #PF"
    EXPECT exc_err, $3, 0x0e, "WP=1: supervisor write to read-only: error code P|W"
    EXPECT exc_cr2, $(RO + 4), 0x0f, "WP=1: supervisor write to read-only: CR2"
    EXPECT exc_eip, $pf_wp, 0x10, "WP=1: pushed EIP"

    SAY "user accesses (ring 3), WP=1"
    movl $user_test, %eax
    call run_ring3
    call check_user
    movl %cr0, %eax
    andl $~0x10000, %eax
    movl %eax, %cr0
    SAY "user accesses (ring 3), WP=0"
    movl $user_test, %eax
    call run_ring3
    call check_user

    SAY "accessed and dirty bits"
    andl $~(PTE_A | PTE_D), PD
    PTE AD, AD | PTE_P | PTE_W | PTE_U
    movl %cr3, %eax
    movl %eax, %cr3
    movl AD, %eax
    movl PT0 + (AD >> 12) * 4, %eax
    andl $(PTE_A | PTE_D), %eax
    EXPECT %eax, $PTE_A, 0x11, "read sets A, not D, in the PTE"
    movl PD, %eax
    andl $(PTE_A | PTE_D), %eax
    EXPECT %eax, $PTE_A, 0x12, "read sets A in the PDE"
    movl $5, AD + 8
    movl PT0 + (AD >> 12) * 4, %eax
    andl $(PTE_A | PTE_D), %eax
    EXPECT %eax, $(PTE_A | PTE_D), 0x13, "write sets D in the PTE"
    movl PD, %eax
    andl $PTE_D, %eax
    EXPECT %eax, $0, 0x14, "no D in a PDE that points to a page table"
    movl BIG_AD, %eax
    movl PD + 12, %eax
    andl $(PTE_A | PTE_D), %eax
    EXPECT %eax, $PTE_A, 0x15, "read sets A, not D, in a 4M PDE"
    movl $5, BIG_AD
    movl PD + 12, %eax
    andl $(PTE_A | PTE_D), %eax
    EXPECT %eax, $(PTE_A | PTE_D), 0x16, "write sets D in a 4M PDE"

    SAY "INVLPG"
    EXPECT INVL, $0x06060606, 0x17, "before the remap"
    PTE INVL, 0x301000 | PTE_P | PTE_W
    invlpg INVL
    EXPECT INVL, $0xa1a1a1a1, 0x18, "after the remap and INVLPG"

    SAY "global pages and CR3 reloads"
    movl %cr4, %eax
    orl $0x80, %eax                 /* PGE */
    movl %eax, %cr4
    EXPECT GLOBAL, $0x07070707, 0x19, "global page before the remap"
    EXPECT LOCAL, $0x09090909, 0x1a, "non-global page before the remap"
    PTE GLOBAL, 0x308000 | PTE_P | PTE_W | PTE_G
    PTE LOCAL, 0x30a000 | PTE_P | PTE_W
    movl %cr3, %eax
    movl %eax, %cr3
    EXPECT LOCAL, $0x0a0a0a0a, 0x1b, "CR3 reload refetches a non-global page"
    EXPECT GLOBAL, $0x07070707, 0x1c, "CR3 reload keeps a global page (PGE=1)"
    movl %cr4, %eax
    andl $~0x80, %eax
    movl %eax, %cr4
    orl $0x80, %eax
    movl %eax, %cr4
    EXPECT GLOBAL, $0x08080808, 0x1d, "clearing CR4.PGE flushes global pages"
    call finish32

/* Ring 3: read RO, write RO (#PF), read SUPER (#PF); results into u_*. */
user_test:
    movl RO, %eax
    movl %eax, u_ro_read
    EXPECT_FAULT 1f
u_pf1:
    movl $0x33333333, RO + 8
1:  movl exc_vec, %eax
    movl %eax, u_vec1
    movl exc_err, %eax
    movl %eax, u_err1
    movl exc_cr2, %eax
    movl %eax, u_cr2_1
    movl exc_eip, %eax
    movl %eax, u_eip1
    EXPECT_FAULT 1f
    movl SUPER + 12, %eax
1:  movl exc_vec, %eax
    movl %eax, u_vec2
    movl exc_err, %eax
    movl %eax, u_err2
    movl exc_cr2, %eax
    movl %eax, u_cr2_2
    BACK_TO_RING0

check_user:
    EXPECT u_ro_read, $0x11111111, 0x20, "user read of a read-only user page"
    EXPECT u_vec1, $14, 0x21, "user write to read-only: #PF"
    EXPECT u_err1, $7, 0x22, "user write to read-only: error code U|W|P"
    EXPECT u_cr2_1, $(RO + 8), 0x23, "user write to read-only: CR2"
    EXPECT u_eip1, $u_pf1, 0x24, "user write to read-only: pushed EIP"
    EXPECT u_vec2, $14, 0x25, "user read of a supervisor page: #PF"
    EXPECT u_err2, $5, 0x26, "user read of a supervisor page: error code U|P"
    EXPECT u_cr2_2, $(SUPER + 12), 0x27, "user read of a supervisor page: CR2"
    movl $0, u_vec1
    movl $0, u_vec2
    ret

    .balign 4
u_ro_read:  .long 0
u_vec1:     .long 0
u_err1:     .long 0
u_cr2_1:    .long 0
u_eip1:     .long 0
u_vec2:     .long 0
u_err2:     .long 0
u_cr2_2:    .long 0
gdt:
    GDT_STD
gdt_end:
gdt_desc:
    .word gdt_end - gdt - 1
    .long gdt
