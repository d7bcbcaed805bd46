/*
 * tests/guests/pm_hoist.S - memory accesses a translator checks once per
 * block (translator/hoist.c: one TLB probe at block entry for several
 * accesses, or for one whose address the block computes), at the places
 * where that shortcut must step aside: a stack whose pushes and pops
 * straddle a page boundary, arrays walked across a page boundary by a
 * pointer the block increments, a byte-indexed table (CRC-32) inside a
 * page and straddling two, stores next to running code, and the A20 gate
 * switched between two loads of one address inside one block, and flags
 * read where the taken side of a branch inside a block lands. Every
 * routine runs many times (so it is translated) at each of the positions.
 *
 * Models:      nothing: a test guest (see pm_lib.inc).
 * Not modeled: -
 * Spec:        Intel SDM Vol. 3A 3.3 (flat segments, 32-bit addressing),
 *              Vol. 1 6.2 (the stack); IBM PS/2 port 92h bit 1 (A20);
 *              CRC-32 (IEEE 802.3, reflected, polynomial EDB88320h): the
 *              check value of "123456789" is CBF43926h.
 *
 * Memory map (linear; paging maps 0-4 MB to itself but for the pages
 * 5F000/60000, 6F000/70000, 7F000/80000, whose frames are 201000/200000,
 * 203000/202000, 205000/204000): 20000 page directory, 21000 page table;
 * 40000 CRC table inside a page; 5FE00 CRC table straddling 60000; ESP
 * around 70000 for the straddling stack; 7FF88 array crossing 80000;
 * 50010 / 150010 A20 aliases.
 */
#include "pm_lib.inc"

    .equ PD, 0x20000
    .equ PT0, 0x21000
    .equ TAB_IN, 0x40000
    .equ TAB_X, 0x5fe00
    .equ STK, 0x70000
    .equ ARR, 0x7ff88
    .equ A20LO, 0x50010
    .equ A20HI, 0x150010

/* CRC_ROUNDS routine, table, id, "text": 100 calls (translated by then),
 * EBP = table for routines that take one, the last CRC checked. */
.macro CRC_ROUNDS routine, table, id, msg
    movl $100, %ebx
1:  movl $\table, %ebp
    call \routine
    decl %ebx
    jnz 1b
    EXPECT %eax, $0xcbf43926, \id, "\msg"
.endm

    .code16
main:
    SAY "pm_hoist: accesses sharing one probe per block, at page edges", 16
    cli
    ENTER_PM32
    call idt_setup32

    /* paging: identity but for three pairs of linear neighbours whose
     * frames are swapped and far away, so an access reaching the wrong
     * page of a pair lands in the wrong frame */
    movl $PD, %edi
    movl $1024, %ecx
    xorl %eax, %eax
    cld
    rep stosl
    movl $(PT0 | 3), PD
    movl $PT0, %edi
    movl $3, %eax
1:  stosl
    addl $0x1000, %eax
    cmpl $0x400000, %eax
    jb 1b
    movl $(0x201000 | 3), PT0 + (0x5f000 >> 12) * 4
    movl $(0x200000 | 3), PT0 + (0x60000 >> 12) * 4
    movl $(0x203000 | 3), PT0 + (0x6f000 >> 12) * 4
    movl $(0x202000 | 3), PT0 + (0x70000 >> 12) * 4
    movl $(0x205000 | 3), PT0 + (0x7f000 >> 12) * 4
    movl $(0x204000 | 3), PT0 + (0x80000 >> 12) * 4
    movl $PD, %eax
    movl %eax, %cr3
    movl %cr0, %eax
    orl $0x80000000, %eax
    movl %eax, %cr0

    SAY "stack: pushes and pops around a page boundary"
    movl $STK + 0x20, %ebp          /* ESP from 70020h down to 6FFE0h */
1:  movl %esp, saved_esp
    movl %ebp, %esp
    movl $0x11111111, %eax
    movl $0x22222222, %ebx
    movl $0x33333333, %ecx
    movl $200, %edi                 /* many rounds: a translated routine */
2:  call stack_shuffle
    decl %edi
    jnz 2b
    movl saved_esp, %esp
    cmpl $0x33333333, %edx
    jne 3f
    cmpl $0x22222222, %esi
    jne 3f
    cmpl $0x11111111, %eax
    jne 3f
    cmpl -16(%ebp), %ecx            /* left on the stack by the pushes */
    jne 3f
    subl $4, %ebp
    cmpl $STK - 0x20, %ebp
    jae 1b
3:  EXPECT %ebp, $(STK - 0x24), 0x01, "push/pop around 70000h: ESP reached without a mismatch"

    SAY "array walked by an incremented pointer across a page boundary"
    movl $ARR, %edi                 /* 64 dwords: i * 3 + 1 */
    xorl %eax, %eax
1:  leal 1(%eax, %eax, 2), %edx
    movl %edx, (%edi, %eax, 4)
    incl %eax
    cmpl $64, %eax
    jne 1b
    movl $50, %ebx
2:  movl $ARR, %esi
    movl $16, %ecx
    xorl %eax, %eax
    call sum4
    decl %ebx
    jnz 2b
    EXPECT %eax, $6112, 0x02, "sum of 64 dwords across 80000h"

    SAY "CRC-32 with a byte-indexed table inside a page and across a page"
    movl $TAB_IN, %edi
    call crc_table
    movl $TAB_X, %edi
    call crc_table
    CRC_ROUNDS crc_check, TAB_IN, 0x03, "CRC-32 of 123456789, table inside a page"
    CRC_ROUNDS crc_check, TAB_X, 0x04, "CRC-32 of 123456789, table across 60000h"
    CRC_ROUNDS crc_fixed_in, 0, 0x05, "CRC-32, table at a constant address in a page"
    CRC_ROUNDS crc_fixed_x, 0, 0x0b, "CRC-32, table at a constant address across a page"

    SAY "stores next to the code that runs"
    movl $300, %ecx
1:  call near_code
    decl %ecx
    jnz 1b
    EXPECT near_var, $300, 0x06, "counter in the code page"
    EXPECT near_var + 4, $600, 0x07, "second counter in the code page"

    /* a block goes on past a forward conditional branch; its taken side
     * leaves with the flags the target reads */
    SAY "flags through the taken side of a branch inside a block"
    xorl %edi, %edi
    movl $100, %ebp
1:  xorl %eax, %eax
2:  call side_flags
    addl %ebx, %edi
    incl %eax
    cmpl $10, %eax
    jne 2b
    decl %ebp
    jnz 1b
    EXPECT %edi, $8900, 0x0c, "branch side exits: sum of the results"

    SAY "A20 switched between two loads of one address in one block"
    movl $0xaaaa5555, A20LO
    movl $0x5555aaaa, A20HI
    movl $20, %ebp
1:  movl $A20HI, %ebx
    movl (%ebx), %edx               /* the TLB holds the page again */
    call a20_loads
    decl %ebp
    jnz 1b
    EXPECT %esi, $0x5555aaaa, 0x08, "A20 on: the high address"
    EXPECT %edi, $0xaaaa5555, 0x09, "A20 off: the alias below 1 MB"
    xorl %eax, %eax
    inb $0x92, %al
    andl $2, %eax
    EXPECT %eax, $2, 0x0a, "A20 back on"
    call finish32

/* EBX = 1 | (0x10 unless EAX < 5), but 0x10 for EAX = 5: the JE's taken
 * side lands on a JB that reads the compare's carry. */
side_flags:
    xorl %ebx, %ebx
    cmpl $5, %eax
    je 1f
    movl $1, %ebx
1:  jb 2f
    orl $0x10, %ebx
2:  ret

/* Three pushes, three pops: ESP-relative accesses one probe could cover. */
stack_shuffle:
    pushl %eax
    pushl %ebx
    pushl %ecx
    popl %edx
    popl %esi
    popl %eax
    ret

/* EAX += ESI[0..4*ECX), four loads per round through ESI, ESI += 16. */
sum4:
1:  addl (%esi), %eax
    addl 4(%esi), %eax
    addl 8(%esi), %eax
    addl 12(%esi), %eax
    addl $16, %esi
    decl %ecx
    jnz 1b
    ret

/* The 256-entry CRC-32 table at EDI. */
crc_table:
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    movl $8, %edx
2:  shrl $1, %eax
    jnc 3f
    xorl $0xedb88320, %eax
3:  decl %edx
    jnz 2b
    movl %eax, (%edi, %ecx, 4)
    incl %ecx
    cmpl $256, %ecx
    jne 1b
    ret

/* EAX = CRC-32 of check_str with the table at EBP (index from MOVZX). */
crc_check:
    movl $check_str, %esi
    movl $0xffffffff, %eax
1:  movzbl (%esi), %ecx
    incl %esi
    xorb %al, %cl
    movzbl %cl, %ecx
    shrl $8, %eax
    xorl (%ebp, %ecx, 4), %eax
    cmpl $check_str + 9, %esi
    jne 1b
    notl %eax
    ret

/* The same with the table at a constant address. */
.macro CRC_FIXED name, table
\name:
    movl $check_str, %esi
    movl $0xffffffff, %eax
1:  movzbl (%esi), %ecx
    incl %esi
    xorb %al, %cl
    movzbl %cl, %ecx
    shrl $8, %eax
    xorl \table(, %ecx, 4), %eax
    cmpl $check_str + 9, %esi
    jne 1b
    notl %eax
    ret
.endm
    CRC_FIXED crc_fixed_in, TAB_IN
    CRC_FIXED crc_fixed_x, TAB_X

/* Two counters in this code's own page: stores a translator must see. */
near_code:
    incl near_var
    addl $2, near_var + 4
    ret
    .balign 4
near_var:   .long 0, 0

/* ESI = [EBX] with A20 on, EDI = [EBX] with A20 off, A20 on again. */
a20_loads:
    movl (%ebx), %esi
    inb $0x92, %al
    andb $~3, %al                   /* bit 0 is the fast reset: keep clear */
    outb %al, $0x92
    movl (%ebx), %edi
    orb $2, %al
    outb %al, $0x92
    ret

    .balign 4
saved_esp:  .long 0
check_str:  .ascii "123456789"

    .balign 8
gdt:
    GDT_STD
gdt_end:
gdt_desc:
    .word gdt_end - gdt - 1
    .long gdt
