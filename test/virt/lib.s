// Shared runtime of the bare-metal golden programs (test/virt/*.s). Every program starts with
// `.include "lib.s"` and defines `main`, which runs at EL1 with the MMU on and returns its exit
// status in w0. The programs are assembled by granule's own assembler with `--base 0x40000000`
// and run unchanged on QEMU 10 (`-M virt,mte=on -cpu max -semihosting`) and on granule; all they
// observe is printed to the PL011 UART, and they end with semihosting SYS_EXIT.
//
// Memory map (4 KiB granule, T0SZ = T1SZ = 25, so walks start at level 1):
//   0x00000000-0x3fffffff  L1 block, Device-nGnRnE, EL1 only (the UART at 0x09000000)
//   0x40000000-0x401fffff  the image, by L3 pages: .text EL1 read-only and executable, .rodata
//                          EL1 read-only, .data/.bss (and the rest) EL1 read/write; Tagged Normal
//   0x40200000-0x47ffffff  RAM by 2 MiB blocks, EL1 read/write, Tagged Normal, never executable;
//                          SCRATCH (0x40200000) is the tests' memory
//   0x80000000-0x87ffffff  EL0_OFF alias of all of RAM for EL0: .text EL0/EL1 read-only, EL0
//                          executable; .rodata read-only; the rest EL0 read/write
//   0xc0000000-0xc01fffff  TEST_VA playground: L3 table tt_l3_test, all invalid at start
//   0xc0200000-0xffffffff  invalid level-2 entries (tt_l2_test)
//   1 << 32 and up         invalid level-1 entries
//   0xffffff8040000000     TTBR1 alias of RAM (tt_l1_hi[1] = the identity level-2 table)
// MAIR_EL1: Attr0 = 0xF0 (Tagged Normal), Attr1 = 0xFF (Normal, untagged), Attr2 = 0x00 (Device).
// SCTLR_EL1: M C I, SPAN (exception entry leaves PAN alone), nTWI nTWE (WFI/WFE not trapped),
// TCF = TCF0 = synchronous, ATA = ATA0 = 1; A, SA, SA0 clear (QEMU -cpu max never checks SP
// alignment, so no program relies on SCTLR.SA), UMA/UCT/DZE/UCI clear (EL0 traps).
//
// Conventions: print macros (PUTS, PX, NL, TEST) and the print routines preserve every
// register and NZCV. RECOVER, BASE, SYSSET, SYSCLR and FLUSH clobber x16 and x17 only.
//
// Exceptions: every vector prints one line
//   EXC <vector offset> ESR=<esr> [FAR=<far>] ELR=<elr> SPSR=<spsr>
// (FAR only for Instruction/Data Aborts and PC alignment, where the architecture defines it;
// ELR as T+off from the start of the current TEST, or of the EL0 function, when near it) and
// resumes at the RECOVER label if one is set (once), else after the instruction (ELR + 4; ELR
// itself for SVC). An Illegal Execution State exception returns with SPSR.IL cleared. EL0 code
// prints through SVCs: #0xfffe (UPUTS), #0xfffd (UPX) and returns to EL1 with #0xffff.

        .equ UART, 0x09000000
        .equ RAM_BASE, 0x40000000
        .equ SCRATCH, 0x40200000
        .equ EL0_OFF, 0x40000000
        .equ TEST_VA, 0xc0000000
        .equ HI_ALIAS, 0xffffff8000000000

        // Descriptor bits (VMSAv8-64, 4 KiB granule).
        .equ D_VALID, 1
        .equ D_TABLE, 3
        .equ D_BLOCK, 1
        .equ D_PAGE, 3
        .equ D_ATTR_TAGGED, 0 << 2
        .equ D_ATTR_NORMAL, 1 << 2
        .equ D_ATTR_DEVICE, 2 << 2
        .equ D_AP_EL1RW, 0 << 6
        .equ D_AP_RW, 1 << 6
        .equ D_AP_EL1RO, 2 << 6
        .equ D_AP_RO, 3 << 6
        .equ D_SH, 3 << 8
        .equ D_AF, 1 << 10
        .equ D_NG, 1 << 11
        .equ D_PXN, 1 << 53
        .equ D_UXN, 1 << 54
        .equ D_XN, D_PXN | D_UXN
        .equ T_PXN, 1 << 59
        .equ T_UXN, 1 << 60
        .equ T_AP_NOEL0, 1 << 61
        .equ T_AP_RO, 1 << 62
        // A Tagged Normal page, EL1 read/write, not executable: the usual test page.
        .equ PG_EL1RW, D_PAGE | D_AF | D_SH | D_ATTR_TAGGED | D_AP_EL1RW | D_XN
        .equ PG_EL0RW, D_PAGE | D_AF | D_SH | D_ATTR_TAGGED | D_AP_RW | D_XN

        // SCTLR_EL1 bits.
        .equ SC_M, 1 << 0
        .equ SC_A, 1 << 1
        .equ SC_C, 1 << 2
        .equ SC_UMA, 1 << 9
        .equ SC_EOS, 1 << 11
        .equ SC_I, 1 << 12
        .equ SC_DZE, 1 << 14
        .equ SC_UCT, 1 << 15
        .equ SC_NTWI, 1 << 16
        .equ SC_NTWE, 1 << 18
        .equ SC_WXN, 1 << 19
        .equ SC_TSCXT, 1 << 20
        .equ SC_EIS, 1 << 22
        .equ SC_SPAN, 1 << 23
        .equ SC_UCI, 1 << 26
        .equ SC_NTLSMD, 1 << 28
        .equ SC_LSMAOE, 1 << 29
        .equ SC_TCF0_SYNC, 1 << 38
        .equ SC_TCF0_ASYNC, 2 << 38
        .equ SC_TCF0_MASK, 3 << 38
        .equ SC_TCF_SYNC, 1 << 40
        .equ SC_TCF_ASYNC, 2 << 40
        .equ SC_TCF_ASYM, 3 << 40
        .equ SC_TCF_MASK, 3 << 40
        .equ SC_ATA0, 1 << 42
        .equ SC_ATA, 1 << 43
        .equ SCTLR_VAL, SC_M | SC_C | SC_EOS | SC_I | SC_NTWI | SC_NTWE | SC_TSCXT | SC_EIS | SC_SPAN | SC_NTLSMD | SC_LSMAOE | SC_TCF0_SYNC | SC_TCF_SYNC | SC_ATA0 | SC_ATA

        // TCR_EL1 bits.
        .equ TCR_T0SZ_MASK, 0x3f
        .equ TCR_EPD0, 1 << 7
        .equ TCR_EPD1, 1 << 23
        .equ TCR_IPS_MASK, 7 << 32
        .equ TCR_TBI0, 1 << 37
        .equ TCR_TBI1, 1 << 38
        .equ TCR_TCMA0, 1 << 57
        .equ TCR_TCMA1, 1 << 58
        .equ TCR_VAL, 25 | (1 << 8) | (1 << 10) | (3 << 12) | (25 << 16) | (1 << 24) | (1 << 26) | (3 << 28) | (2 << 30) | (5 << 32) | TCR_TBI0 | TCR_TBI1
        .equ MAIR_VAL, 0xf0 | (0xff << 8) | (0x00 << 16)

// ---- Macros ---------------------------------------------------------------------------------

// Prints a string (C escapes allowed).
.macro PUTS str
        stp x0, x30, [sp, #-16]!
        bl print_inline
        .asciz "\str"
        .balign 4
        ldp x0, x30, [sp], #16
.endm

.macro NL
        PUTS "\n"
.endm

// Prints " reg=0x<hex>" (an X register or sp).
.macro PX reg
        stp x0, x30, [sp, #-16]!
        .ifc \reg,sp
        add x0, sp, #16
        .else
        mov x0, \reg
        .endif
        bl print_named_x
        .asciz " \reg="
        .balign 4
        ldp x0, x30, [sp], #16
.endm

// Prints " name=0x<hex>" for a system register (read into x0 after saving it).
.macro PSYS reg
        stp x0, x30, [sp, #-16]!
        mrs x0, \reg
        bl print_named_x
        .asciz " \reg="
        .balign 4
        ldp x0, x30, [sp], #16
.endm

// Starts a test: prints "[name]", forgets any RECOVER label, and makes ELR print relative to the
// first instruction after the macro.
.macro TEST name
        stp x29, x30, [sp, #-16]!
        bl test_start
        .asciz "[\name]\n"
        .balign 4
        ldp x29, x30, [sp], #16
.endm

// The next exception resumes at `label` (once). Works at EL1 and EL0 (adr gives the alias).
.macro RECOVER label
        adr x16, \label
        adr x17, recover_pc
        str x16, [x17]
.endm

// From EL1: the next exception (taken from EL0) resumes at the EL0 alias of `label`.
.macro RECOVER_EL0 label
        adr x16, \label
        mov x17, #EL0_OFF
        add x16, x16, x17
        adr x17, recover_pc
        str x16, [x17]
.endm

// ELR prints relative to `label`.
.macro BASE label
        adr x16, \label
        adr x17, elr_base
        str x16, [x17]
.endm

// TLB maintenance after a change of tables or translation controls.
.macro FLUSH
        dsb ishst
        tlbi vmalle1
        dsb ish
        isb
.endm

// reg |= bits / reg &= ~bits, then FLUSH (SCTLR/TCR fields may be cached in TLB entries).
.macro SYSSET reg, bits
        mrs x16, \reg
        ldr x17, =\bits
        orr x16, x16, x17
        msr \reg, x16
        isb
        FLUSH
.endm
.macro SYSCLR reg, bits
        mrs x16, \reg
        ldr x17, =\bits
        bic x16, x16, x17
        msr \reg, x16
        isb
        FLUSH
.endm

// Runs `fn` at EL0 (from its EL0_OFF alias) with x0 = x1 here; returns its x0. Clobbers x0-x18.
.macro CALL_EL0 fn
        adr x0, \fn
        bl run_el0
.endm

// EL0 printing (through SVCs to the EL1 handler).
.macro UPUTS str
        svc #0xfffe
        .asciz "\str"
        .balign 4
.endm
.macro UPX reg
        stp x0, x30, [sp, #-16]!
        mov x0, \reg
        svc #0xfffd
        .asciz " \reg="
        .balign 4
        ldp x0, x30, [sp], #16
.endm

// Dumps x0-x30 and NZCV (the random instruction programs).
.macro DUMP
        stp x29, x30, [sp, #-16]!
        bl dump_regs
        ldp x29, x30, [sp], #16
.endm

// ---- Entry ----------------------------------------------------------------------------------

        .text
        .global _start
_start:
        ldr x0, =stack_top
        mov sp, x0
        adr x0, vectors
        msr vbar_el1, x0
        isb
        bl reset_mmu
        bl main
        b exit

// Rebuilds the standard tables and control registers (tests call it to undo their changes).
// The tables are rebuilt with the MMU off: the code's own mapping is among them.
reset_mmu:
        stp x29, x30, [sp, #-16]!
        stp x0, x1, [sp, #-16]!
        mrs x0, sctlr_el1
        and x0, x0, #~SC_M
        msr sctlr_el1, x0
        isb
        bl build_tables
        msr spsel, #1
        msr pan, #0
        msr uao, #0
        msr tco, #0
        msr gcr_el1, xzr
        msr rgsr_el1, xzr
        msr tfsr_el1, xzr
        msr tfsre0_el1, xzr
        msr cntkctl_el1, xzr
        ldr x0, =MAIR_VAL
        msr mair_el1, x0
        ldr x0, =TCR_VAL
        msr tcr_el1, x0
        ldr x0, =tt_l1
        msr ttbr0_el1, x0
        ldr x0, =tt_l1_hi
        msr ttbr1_el1, x0
        isb
        FLUSH
        ldr x0, =SCTLR_VAL
        msr sctlr_el1, x0
        isb
        FLUSH
        ldp x0, x1, [sp], #16
        ldp x29, x30, [sp], #16
        ret

build_tables:
        stp x0, x1, [sp, #-80]!
        stp x2, x3, [sp, #16]
        stp x4, x5, [sp, #32]
        stp x6, x7, [sp, #48]
        stp x8, x9, [sp, #64]
        // Zero every table.
        ldr x0, =tt_start
        ldr x1, =tt_end
1:      stp xzr, xzr, [x0], #16
        cmp x0, x1
        b.lo 1b
        // Level 0 (used only by tests that set T0SZ < 25): entry 0 -> the level-1 table.
        ldr x0, =tt_l0
        ldr x1, =tt_l1 + D_TABLE
        str x1, [x0]
        // Level 1.
        ldr x0, =tt_l1
        ldr x1, =D_BLOCK | D_AF | D_ATTR_DEVICE | D_AP_EL1RW | D_XN
        str x1, [x0, #0]
        ldr x1, =tt_l2_id + D_TABLE
        str x1, [x0, #8]
        ldr x1, =tt_l2_el0 + D_TABLE
        str x1, [x0, #16]
        ldr x1, =tt_l2_test + D_TABLE
        str x1, [x0, #24]
        ldr x0, =tt_l1_hi
        ldr x1, =tt_l2_id + D_TABLE
        str x1, [x0, #8]
        ldr x0, =tt_l2_test
        ldr x1, =tt_l3_test + D_TABLE
        str x1, [x0]
        // Level 2: entry 0 -> the image's level-3 tables, 1..63 -> 2 MiB blocks of RAM.
        ldr x0, =tt_l2_id
        ldr x1, =tt_l3_id + D_TABLE
        str x1, [x0]
        ldr x0, =tt_l2_el0
        ldr x1, =tt_l3_el0 + D_TABLE
        str x1, [x0]
        ldr x2, =RAM_BASE + 0x200000
        ldr x3, =D_BLOCK | D_AF | D_SH | D_ATTR_TAGGED | D_AP_EL1RW | D_XN
        ldr x4, =D_BLOCK | D_AF | D_SH | D_ATTR_TAGGED | D_AP_RW | D_XN
        ldr x0, =tt_l2_id
        ldr x1, =tt_l2_el0
        mov x5, #1
2:      orr x6, x2, x3
        str x6, [x0, x5, lsl #3]
        orr x6, x2, x4
        str x6, [x1, x5, lsl #3]
        add x2, x2, #0x200000
        add x5, x5, #1
        cmp x5, #64
        b.lo 2b
        // Level 3 for the image: classify each page by section.
        ldr x0, =tt_l3_id
        ldr x1, =tt_l3_el0
        ldr x2, =RAM_BASE
        ldr x8, =__rodata_start
        ldr x9, =__data_start
        mov x5, #0
3:      cmp x2, x8
        b.lo 4f
        cmp x2, x9
        b.lo 5f
        ldr x6, =D_PAGE | D_AF | D_SH | D_ATTR_TAGGED | D_AP_EL1RW | D_XN
        ldr x7, =D_PAGE | D_AF | D_SH | D_ATTR_TAGGED | D_AP_RW | D_XN
        b 6f
4:      ldr x6, =D_PAGE | D_AF | D_SH | D_ATTR_TAGGED | D_AP_EL1RO | D_UXN
        ldr x7, =D_PAGE | D_AF | D_SH | D_ATTR_TAGGED | D_AP_RO | D_PXN
        b 6f
5:      ldr x6, =D_PAGE | D_AF | D_SH | D_ATTR_TAGGED | D_AP_EL1RO | D_XN
        ldr x7, =D_PAGE | D_AF | D_SH | D_ATTR_TAGGED | D_AP_RO | D_XN
6:      orr x6, x6, x2
        str x6, [x0, x5, lsl #3]
        orr x7, x7, x2
        str x7, [x1, x5, lsl #3]
        add x2, x2, #0x1000
        add x5, x5, #1
        cmp x5, #512
        b.lo 3b
        dsb ish
        ldp x8, x9, [sp, #64]
        ldp x6, x7, [sp, #48]
        ldp x4, x5, [sp, #32]
        ldp x2, x3, [sp, #16]
        ldp x0, x1, [sp], #80
        ret

// Ends the program: semihosting SYS_EXIT with ADP_Stopped_ApplicationExit and status w0.
exit:
        ldr x1, =exit_block
        mov w2, w0
        str x2, [x1, #8]
        mov x0, #0x18
        hlt #0xf000
        b .

// ---- Printing (all registers and NZCV preserved) ---------------------------------------------

// putc: w0 = byte.
putc:
        stp x1, x2, [sp, #-16]!
        mov x1, #UART
        strb w0, [x1]
        ldp x1, x2, [sp], #16
        ret

// puts: x0 = NUL-terminated string; returns x0 = the address after the NUL.
puts_end:
        stp x1, x30, [sp, #-16]!
        mov x1, x0
1:      ldrb w0, [x1], #1
        cbz w0, 2f
        bl putc
        b 1b
2:      mov x0, x1
        ldp x1, x30, [sp], #16
        ret

// putx: x0 as 0x<hex>, no leading zeros.
putx:
        stp x0, x1, [sp, #-48]!
        stp x2, x3, [sp, #16]
        stp x4, x30, [sp, #32]
        mrs x4, nzcv
        mov x1, x0
        mov w0, #'0'
        bl putc
        mov w0, #'x'
        bl putc
        mov x2, #60
        mov x3, #0              // 1 once a digit was printed
1:      lsr x0, x1, x2
        and x0, x0, #15
        cbnz x3, 2f
        cbnz x0, 2f
        cbz x2, 2f              // the last digit always prints
        b 3f
2:      mov x3, #1
        bl putdigit
3:      cbz x2, 4f
        sub x2, x2, #4
        b 1b
4:      msr nzcv, x4
        ldp x4, x30, [sp, #32]
        ldp x2, x3, [sp, #16]
        ldp x0, x1, [sp], #48
        ret

// putx16: x0 as 16 hex digits.
putx16:
        stp x0, x1, [sp, #-32]!
        stp x2, x30, [sp, #16]
        mov x1, x0
        mov x2, #60
1:      lsr x0, x1, x2
        and x0, x0, #15
        bl putdigit
        cbz x2, 2f
        sub x2, x2, #4
        b 1b
2:      ldp x2, x30, [sp, #16]
        ldp x0, x1, [sp], #32
        ret

// putdigit: x0 = 0..15, printed as one hex digit.
putdigit:
        stp x0, x30, [sp, #-16]!
        stp x1, x2, [sp, #-16]!
        adr x1, hexdigits
        ldrb w0, [x1, x0]
        bl putc
        ldp x1, x2, [sp], #16
        ldp x0, x30, [sp], #16
        ret
hexdigits:
        .ascii "0123456789abcdef"

// print_inline: prints the string at x30 and returns after it (aligned to 4). Clobbers x0, x30
// (the macros save them).
print_inline:
        mov x0, x30
        bl puts_end
        add x0, x0, #3
        and x30, x0, #~3
        ret

// print_named_x: prints the string at x30, then x0 in hex; returns after the string.
print_named_x:
        stp x1, x2, [sp, #-16]!
        mov x1, x0
        mov x0, x30
        bl puts_end
        add x0, x0, #3
        and x2, x0, #~3
        mov x0, x1
        bl putx
        mov x30, x2
        ldp x1, x2, [sp], #16
        ret

// test_start (TEST): prints a newline and the string at x30, clears recover_pc, sets elr_base to
// the first instruction after the macro, and returns after the string.
test_start:
        stp x0, x1, [sp, #-32]!
        str x2, [sp, #16]
        mov x2, x30
        mov w0, #'\n'
        bl putc
        mov x0, x2
        bl puts_end
        add x0, x0, #3
        and x2, x0, #~3
        adr x1, recover_pc
        str xzr, [x1]
        adr x1, elr_base
        add x0, x2, #4
        str x0, [x1]
        mov x30, x2
        ldr x2, [sp, #16]
        ldp x0, x1, [sp], #32
        ret

// print_tags: x0 = address, x1 = granules. Prints " tags=" and one hex digit per granule (LDG).
print_tags:
        stp x0, x1, [sp, #-48]!
        stp x2, x3, [sp, #16]
        stp x4, x30, [sp, #32]
        mrs x4, nzcv
        mov x2, x0
        mov x3, x1
        adr x0, str_tags
        bl puts_end
1:      cbz x3, 2f
        mov x0, xzr
        ldg x0, [x2]
        lsr x0, x0, #56
        and x0, x0, #15
        bl putdigit
        add x2, x2, #16
        sub x3, x3, #1
        b 1b
2:      msr nzcv, x4
        ldp x4, x30, [sp, #32]
        ldp x2, x3, [sp, #16]
        ldp x0, x1, [sp], #48
        ret

// print_mem: x0 = address, x1 = doublewords. Prints " mem=" and each as 16 hex digits, with
// PSTATE.TCO set so that a tagged address is not checked.
print_mem:
        stp x0, x1, [sp, #-64]!
        stp x2, x3, [sp, #16]
        stp x4, x30, [sp, #32]
        stp x5, x6, [sp, #48]
        mrs x4, nzcv
        mrs x5, tco
        msr tco, #1
        mov x2, x0
        mov x3, x1
        adr x0, str_mem
        bl puts_end
1:      cbz x3, 2f
        ldr x0, [x2], #8
        bl putx16
        sub x3, x3, #1
        cbz x3, 2f
        mov w0, #' '
        bl putc
        b 1b
2:      msr tco, x5
        msr nzcv, x4
        ldp x5, x6, [sp, #48]
        ldp x4, x30, [sp, #32]
        ldp x2, x3, [sp, #16]
        ldp x0, x1, [sp], #64
        ret

// dump_regs (DUMP): x0-x28 as they are, x29/x30 from the caller's frame at [sp], then NZCV.
// Frame: x0..x30 at 8*n, NZCV at 248, the return address at 256.
dump_regs:
        sub sp, sp, #272
        stp x0, x1, [sp, #0]
        stp x2, x3, [sp, #16]
        stp x4, x5, [sp, #32]
        stp x6, x7, [sp, #48]
        stp x8, x9, [sp, #64]
        stp x10, x11, [sp, #80]
        stp x12, x13, [sp, #96]
        stp x14, x15, [sp, #112]
        stp x16, x17, [sp, #128]
        stp x18, x19, [sp, #144]
        stp x20, x21, [sp, #160]
        stp x22, x23, [sp, #176]
        stp x24, x25, [sp, #192]
        stp x26, x27, [sp, #208]
        str x28, [sp, #224]
        mrs x0, nzcv
        str x0, [sp, #248]
        str x30, [sp, #256]
        ldp x0, x1, [sp, #272]
        stp x0, x1, [sp, #232]
        mov x1, #0                      // register number
        mov x2, #0                      // its tens digit
        mov x3, #0                      // its ones digit
1:      mov w0, #'x'
        bl putc
        cbz x2, 2f
        mov x0, x2
        bl putdigit
2:      mov x0, x3
        bl putdigit
        mov w0, #'='
        bl putc
        ldr x0, [sp, x1, lsl #3]
        bl putx16
        and x0, x1, #3
        cmp x0, #3
        mov w0, #' '
        b.ne 3f
        mov w0, #'\n'
3:      bl putc
        add x1, x1, #1
        add x3, x3, #1
        cmp x3, #10
        b.ne 4f
        mov x3, #0
        add x2, x2, #1
4:      cmp x1, #31
        b.lo 1b
        adr x0, str_nzcv
        bl puts_end
        ldr x0, [sp, #248]
        lsr x0, x0, #28
        bl putdigit
        mov w0, #'\n'
        bl putc
        ldr x30, [sp, #256]
        ldr x0, [sp, #248]
        msr nzcv, x0
        ldp x0, x1, [sp, #0]
        ldp x2, x3, [sp, #16]
        ldp x4, x5, [sp, #32]
        ldp x6, x7, [sp, #48]
        ldp x8, x9, [sp, #64]
        ldp x10, x11, [sp, #80]
        ldp x12, x13, [sp, #96]
        ldp x14, x15, [sp, #112]
        ldp x16, x17, [sp, #128]
        ldp x18, x19, [sp, #144]
        ldp x20, x21, [sp, #160]
        ldp x22, x23, [sp, #176]
        ldp x24, x25, [sp, #192]
        ldp x26, x27, [sp, #208]
        ldr x28, [sp, #224]
        add sp, sp, #272
        ret

// ---- EL0 ------------------------------------------------------------------------------------

// run_el0: x0 = function (EL1 address), x1 = its argument. Runs it at EL0 (EL0t, DAIF clear)
// from the EL0_OFF alias, with SP_EL0 = the EL0 stack and x30 = a stub that returns here.
// Returns the function's x0. Clobbers x0-x18.
run_el0:
        stp x29, x30, [sp, #-96]!
        stp x19, x20, [sp, #16]
        stp x21, x22, [sp, #32]
        stp x23, x24, [sp, #48]
        stp x25, x26, [sp, #64]
        stp x27, x28, [sp, #80]
        ldr x2, =el0_ctx
        mov x3, sp
        str x3, [x2]
        // The EL1 state to come back to: NZCV, DAIF, PAN, UAO, TCO, EL1h.
        mrs x3, nzcv
        mrs x4, daif
        orr x3, x3, x4
        mrs x4, pan
        orr x3, x3, x4
        mrs x4, uao
        orr x3, x3, x4
        mrs x4, tco
        orr x3, x3, x4
        mov x4, #5
        orr x3, x3, x4
        str x3, [x2, #8]
        ldr x3, =EL0_OFF
        add x4, x0, x3
        msr elr_el1, x4
        ldr x2, =elr_base
        str x4, [x2]
        msr spsr_el1, xzr
        ldr x4, =el0_stack_top
        add x4, x4, x3
        msr sp_el0, x4
        adr x30, el0_exit_stub
        add x30, x30, x3
        mov x0, x1
        eret
run_el0_ret:
        ldp x19, x20, [sp, #16]
        ldp x21, x22, [sp, #32]
        ldp x23, x24, [sp, #48]
        ldp x25, x26, [sp, #64]
        ldp x27, x28, [sp, #80]
        ldp x29, x30, [sp], #96
        ret
el0_exit_stub:
        svc #0xffff

// ---- Exception vectors ----------------------------------------------------------------------

.macro VENTRY off
        .balign 128
        sub sp, sp, #256
        stp x0, x1, [sp]
        mov x0, #\off
        b exc_common
.endm

        .balign 2048
vectors:
        VENTRY 0x000
        VENTRY 0x080
        VENTRY 0x100
        VENTRY 0x180
        VENTRY 0x200
        VENTRY 0x280
        VENTRY 0x300
        VENTRY 0x380
        VENTRY 0x400
        VENTRY 0x480
        VENTRY 0x500
        VENTRY 0x580
        VENTRY 0x600
        VENTRY 0x680
        VENTRY 0x700
        VENTRY 0x780

exc_common:
        stp x2, x3, [sp, #16]
        stp x4, x5, [sp, #32]
        stp x6, x7, [sp, #48]
        stp x8, x9, [sp, #64]
        stp x10, x11, [sp, #80]
        stp x12, x13, [sp, #96]
        stp x14, x15, [sp, #112]
        stp x16, x17, [sp, #128]
        stp x18, x19, [sp, #144]
        stp x20, x21, [sp, #160]
        stp x22, x23, [sp, #176]
        stp x24, x25, [sp, #192]
        stp x26, x27, [sp, #208]
        stp x28, x29, [sp, #224]
        str x30, [sp, #240]
        msr pan, #0
        mov x19, x0                     // vector offset
        ldr x20, =exc_depth
        ldr x21, [x20]
        add x21, x21, #1
        str x21, [x20]
        cmp x21, #3
        b.hs exc_give_up
        cmp x21, #1
        b.ne exc_nested
        mrs x22, esr_el1
        lsr x23, x22, #26               // EC
        // EL0 services: SVC #0xfffd/#0xfffe/#0xffff from a lower EL.
        cmp x19, #0x400
        b.ne 1f
        cmp x23, #0x15
        b.ne 1f
        and x24, x22, #0xffff
        mov x25, #0xfffd
        cmp x24, x25
        b.lo 1f
        mov x25, #0xffff
        cmp x24, x25
        b.eq exc_el0_exit
        // 0xfffd / 0xfffe: the inline string at ELR (then, for 0xfffd, the caller's x0).
        mrs x0, elr_el1
        bl puts_end
        add x0, x0, #3
        and x25, x0, #~3
        mov x0, #0xfffd
        cmp x24, x0
        b.ne 2f
        ldr x0, [sp]
        bl putx
2:      msr elr_el1, x25
        b exc_out

1:      adr x0, str_exc
        bl puts_end
        mov x0, x19
        bl putx
        adr x0, str_esr
        bl puts_end
        mov x0, x22
        bl putx
        // FAR: Instruction Abort (0x20, 0x21), PC alignment (0x22), Data Abort (0x24, 0x25).
        cmp x23, #0x20
        b.lo 3f
        cmp x23, #0x25
        b.hi 3f
        cmp x23, #0x23
        b.eq 3f
        adr x0, str_far
        bl puts_end
        mrs x0, far_el1
        bl putx
3:      adr x0, str_elr
        bl puts_end
        mrs x0, elr_el1
        bl print_elr
        adr x0, str_spsr
        bl puts_end
        mrs x0, spsr_el1
        bl putx
        mov w0, #'\n'
        bl putc
        // Where to resume.
        ldr x0, =recover_pc
        ldr x1, [x0]
        cbz x1, 4f
        str xzr, [x0]
        msr elr_el1, x1
        b 5f
4:      cmp x23, #0x15
        b.eq 5f
        mrs x0, elr_el1
        add x0, x0, #4
        msr elr_el1, x0
5:      cmp x23, #0x0e
        b.ne exc_out
        mrs x0, spsr_el1
        and x0, x0, #~(1 << 20)
        msr spsr_el1, x0
exc_out:
        ldr x20, =exc_depth
        ldr x21, [x20]
        sub x21, x21, #1
        str x21, [x20]
        ldp x2, x3, [sp, #16]
        ldp x4, x5, [sp, #32]
        ldp x6, x7, [sp, #48]
        ldp x8, x9, [sp, #64]
        ldp x10, x11, [sp, #80]
        ldp x12, x13, [sp, #96]
        ldp x14, x15, [sp, #112]
        ldp x16, x17, [sp, #128]
        ldp x18, x19, [sp, #144]
        ldp x20, x21, [sp, #160]
        ldp x22, x23, [sp, #176]
        ldp x24, x25, [sp, #192]
        ldp x26, x27, [sp, #208]
        ldp x28, x29, [sp, #224]
        ldr x30, [sp, #240]
        ldp x0, x1, [sp]
        add sp, sp, #256
        eret

// SVC #0xffff from EL0: back to run_el0's caller at EL1 with the EL0 function's x0.
exc_el0_exit:
        ldr x0, [sp]
        str xzr, [x20]
        ldr x1, =el0_ctx
        ldr x2, [x1]
        ldr x3, [x1, #8]
        adr x4, run_el0_ret
        msr elr_el1, x4
        msr spsr_el1, x3
        mov sp, x2
        eret

// An exception while printing an exception: report it and stop.
exc_nested:
        adr x0, str_nested
        bl puts_end
        mrs x0, esr_el1
        bl putx
        adr x0, str_elr
        bl puts_end
        mrs x0, elr_el1
        bl putx
        mov w0, #'\n'
        bl putc
exc_give_up:
        mov w0, #0x7e
        b exit

// print_elr: x0 = an address; "T+0x.." / "T-0x.." when within 64 KiB of elr_base.
print_elr:
        stp x1, x30, [sp, #-16]!
        ldr x1, =elr_base
        ldr x1, [x1]
        cbz x1, 3f
        sub x1, x0, x1
        cmn x1, #0x10, lsl #12
        b.lt 3f
        cmp x1, #0x10, lsl #12
        b.gt 3f
        mov w0, #'T'
        bl putc
        mov w0, #'+'
        tbz x1, #63, 1f
        mov w0, #'-'
        neg x1, x1
1:      bl putc
        mov x0, x1
3:      bl putx
        ldp x1, x30, [sp], #16
        ret

// ---- Data -----------------------------------------------------------------------------------

        .rodata
__rodata_start:
str_exc:    .asciz "EXC "
str_esr:    .asciz " ESR="
str_far:    .asciz " FAR="
str_elr:    .asciz " ELR="
str_spsr:   .asciz " SPSR="
str_nested: .asciz "!! exception in the exception handler: ESR="
str_tags:   .asciz " tags="
str_mem:    .asciz " mem="
str_nzcv:   .asciz "nzcv="

        .data
__data_start:
        .balign 8
exit_block: .quad 0x20026, 0

        .bss
        .balign 4096
tt_start:
tt_l0:      .skip 4096
tt_l1:      .skip 4096
tt_l1_hi:   .skip 4096
tt_l2_id:   .skip 4096
tt_l3_id:   .skip 4096
tt_l2_el0:  .skip 4096
tt_l3_el0:  .skip 4096
tt_l2_test: .skip 4096
tt_l3_test: .skip 4096
tt_end:
        .balign 16
stack:      .skip 16384
stack_top:
el0_stack:  .skip 8192
el0_stack_top:
        .balign 8
exc_depth:  .skip 8
recover_pc: .skip 8
elr_base:   .skip 8
el0_ctx:    .skip 16
