// MTE allocation-tag accesses: STG, STZG, ST2G, STZ2G (offset, pre- and post-index, Xt = SP,
// Xn = SP, crossing a page), STGP (all forms: the tag comes from the address), LDG (keeps the
// other bits of Xt, aligns down), LDGM/STGM/STZGM (EL1 only; 256-byte and 64-byte blocks),
// DC GVA/GZVA/ZVA (64-byte blocks), tags being physical (two mappings of one page share them),
// and what SCTLR_EL1.ATA/ATA0 = 0 and EL0 (DZE) change.
//
// Left out because QEMU 10 is not the architecture there: a tag check fault on DC ZVA (QEMU
// reports WnR = 0; mte-check.s tests DC ZVA in asynchronous mode).

        .include "lib.s"

        .equ BUF, SCRATCH + 0x10000             // 4 pages, Tagged Normal, EL1 (identity map)
        .equ BUF_EL0, BUF + EL0_OFF             // the same through the EL0 alias
        .equ BUF_HI, (HI_ALIAS + BUF) & 0x00ffffffffffffff | 0xf000000000000000  // TTBR1, tag 0
        .equ T3, 0x0300000000000000
        .equ T5, 0x0500000000000000
        .equ TA, 0x0a00000000000000

// Prints " tags=" and the tags of n granules from `addr` (an expression). Keeps all registers.
.macro TAGS addr, n
        stp x0, x1, [sp, #-32]!
        str x30, [sp, #16]
        ldr x0, =\addr
        mov x1, #\n
        bl print_tags
        ldr x30, [sp, #16]
        ldp x0, x1, [sp], #32
.endm
.macro MEM addr, n
        stp x0, x1, [sp, #-32]!
        str x30, [sp, #16]
        ldr x0, =\addr
        mov x1, #\n
        bl print_mem
        ldr x30, [sp, #16]
        ldp x0, x1, [sp], #32
.endm

        .text
main:
        stp x29, x30, [sp, #-16]!
        bl fill_buf

        TEST "STG: offset, pre-index, post-index, Xt = SP, Xn = SP"
        ldr x0, =BUF
        ldr x1, =BUF | T3
        ldr x2, =TA
        stg x1, [x0]
        stg x2, [x0, #32]
        stg x1, [x0, #-16]
        mov x3, x0
        stg x2, [x3, #64]!
        PX x3
        stg x1, [x3], #48
        PX x3
        ldr x4, =0xf5000000000000ff     // only bits 59:56 matter
        stg x4, [x3]
        add x5, x0, #0xf00
        stg x2, [x5, #4080]
        stg x2, [x5, #-4096]
        NL
        TAGS BUF - 16, 12
        TAGS BUF + 0xf00 - 0x1000, 1
        TAGS BUF + 0xf00 + 4080, 1
        NL
        mov x6, sp
        ldr x7, =0x0c00000000000000
        orr x7, x7, x6
        add x8, x0, #0x100
        mov sp, x7                      // SP with tag 0xc: STG takes the tag from SP
        stg sp, [x8]
        stg sp, [x8, #16]!
        mov sp, x6
        PX x8
        sub x9, x6, #0x100
        stg x2, [sp, #-0x100]           // Xn = SP
        mov x0, x9
        mov x1, #1
        bl print_tags
        stg x9, [sp, #-0x100]           // tag 0 again: the stack is accessed untagged
        TAGS BUF + 0x100, 2
        mov x0, x9
        mov x1, #1
        bl print_tags
        NL
        MEM BUF - 16, 4
        NL

        TEST "LDG: the tag into Xt[59:56], other bits kept; the address aligned down"
        ldr x0, =BUF
        mov x4, #-1
        ldg x4, [x0]
        PX x4
        mov x4, #0
        ldg x4, [x0, #32]
        PX x4
        ldr x4, =0x123456789abcdef0
        ldg x4, [x0, #-16]
        PX x4
        add x5, x0, #0x4f
        ldg x4, [x5]
        PX x4
        add x5, x0, #0xf00
        ldg x4, [x5, #4080]
        PX x4
        ldg x4, [x5, #-4096]
        PX x4
        ldg xzr, [x0]
        NL

        TEST "ST2G: two granules, also across a page"
        ldr x0, =BUF + 0x200
        ldr x1, =T5
        ldr x2, =TA
        st2g x1, [x0]
        st2g x2, [x0, #48]
        mov x3, x0
        st2g x1, [x3, #96]!
        PX x3
        st2g x2, [x3], #-64
        PX x3
        ldr x4, =BUF + 0xff0
        st2g x2, [x4]
        NL
        TAGS BUF + 0x200, 10
        TAGS BUF + 0xfe0, 4
        NL

        TEST "STZG and STZ2G: zero the data, set the tags"
        ldr x0, =BUF + 0x300
        ldr x1, =T3
        stzg x1, [x0]
        mov x3, x0
        stzg x1, [x3, #48]!
        stz2g x1, [x3, #32]
        stz2g x1, [x3], #-16
        PX x3
        NL
        TAGS BUF + 0x300, 8
        NL
        MEM BUF + 0x300, 16
        NL

        TEST "STGP: data stored unchecked, the tag taken from the address"
        ldr x0, =BUF + 0x400 | T5
        ldr x5, =0x5555555555555555
        ldr x6, =0x6666666666666666
        stgp x5, x6, [x0]
        stgp x6, x5, [x0, #32]
        mov x3, x0
        stgp x5, xzr, [x3, #-16]!
        PX x3
        stgp xzr, x6, [x3], #80
        PX x3
        ldr x7, =BUF + 0x480 | TA
        stgp x5, x5, [x7, #1008]
        stgp x6, x6, [x7, #-1024]
        NL
        TAGS BUF + 0x3f0, 8
        TAGS BUF + 0x480 + 1008, 1
        TAGS BUF + 0x480 - 1024, 1
        NL
        MEM BUF + 0x3f0, 12
        NL

        TEST "STGM, LDGM (256-byte blocks) and STZGM (64-byte blocks) at EL1"
        PSYS gmid_el1
        NL
        ldr x0, =BUF + 0x500 + 0x37     // aligned down to BUF + 0x500
        ldr x1, =0x0123456789abcdef
        stgm x1, [x0]
        TAGS BUF + 0x500, 16
        mov x2, #0
        ldgm x2, [x0]
        PX x2
        ldr x3, =BUF + 0x200 + 0x10
        ldgm x2, [x3]
        PX x2
        ldgm xzr, [x0]
        NL
        ldr x0, =BUF + 0x640 + 0x13     // aligned down to BUF + 0x640
        ldr x1, =0xfffffffffffffff9     // tag = Xt[3:0]
        stzgm x1, [x0]
        TAGS BUF + 0x600, 12
        NL
        MEM BUF + 0x630, 12
        NL

        TEST "DC GVA, DC GZVA, DC ZVA (64-byte blocks)"
        ldr x0, =BUF + 0x700 + 0x28 | 0x0700000000000000
        dc gva, x0
        ldr x1, =BUF + 0x740 + 0x08 | 0x0900000000000000
        dc gzva, x1
        ldr x2, =BUF + 0x780 + 0x3f     // tag 0 over tag 0: the check passes
        dc zva, x2
        TAGS BUF + 0x6f0, 14
        NL
        MEM BUF + 0x6f8, 4
        NL
        MEM BUF + 0x738, 4
        NL
        MEM BUF + 0x778, 4
        NL
        ldr x3, =BUF + 0x740 | 0x0900000000000000
        dc zva, x3                      // tag 9 over tag 9
        PUTS "dc zva with the matching tag: no fault\n"

        TEST "tags are physical: the EL0 alias and the TTBR1 alias see them"
        ldr x0, =BUF_EL0 + 0x500
        mov x2, #0
        ldgm x2, [x0]
        PX x2
        ldr x0, =BUF_HI + 0x500
        mov x2, #0
        ldgm x2, [x0]
        PX x2
        ldr x1, =0x0d00000000000000
        stg x1, [x0, #0x20]
        TAGS BUF + 0x520, 1
        NL

        TEST "SCTLR_EL1.ATA = 0: no tag reads or writes at EL1"
        SYSCLR sctlr_el1, SC_ATA
        ldr x0, =BUF + 0x800
        ldr x1, =TA
        stg x1, [x0]
        st2g x1, [x0, #16]
        stzg x1, [x0, #48]
        stz2g x1, [x0, #64]
        ldr x5, =0x5555555555555555
        stgp x5, x5, [x0, #96]
        ldr x2, =BUF + 0x500
        mov x3, #-1
        ldg x3, [x2]
        PX x3
        mov x3, #-1
        ldgm x3, [x2]
        PX x3
        ldr x4, =-1
        stgm x4, [x0]
        ldr x6, =BUF + 0x840 | 0x0700000000000000
        dc gva, x6
        add x6, x6, #0x40
        dc gzva, x6
        add x6, x6, #0x40
        stzgm x4, [x6]
        NL
        SYSSET sctlr_el1, SC_ATA
        TAGS BUF + 0x800, 20
        NL
        MEM BUF + 0x800, 8
        NL
        MEM BUF + 0x840, 4
        NL
        MEM BUF + 0x880, 4
        NL
        MEM BUF + 0x8c0, 4
        NL

        TEST "EL0: STG/LDG with ATA0 = 1, LDGM/STGM/STZGM UNDEFINED, DC GVA/GZVA and DZE"
        CALL_EL0 el0_tags
        TAGS BUF + 0x900, 8
        NL
        SYSSET sctlr_el1, SC_DZE
        CALL_EL0 el0_dc
        SYSCLR sctlr_el1, SC_DZE
        TAGS BUF + 0x940, 8
        NL
        MEM BUF + 0x978, 4
        NL
        SYSCLR sctlr_el1, SC_ATA0
        CALL_EL0 el0_tags
        SYSSET sctlr_el1, SC_ATA0
        TAGS BUF + 0x900, 8
        NL

        ldp x29, x30, [sp], #16
        mov w0, #0
        ret

// BUF: 4 pages of a recognisable pattern, tags 0.
fill_buf:
        ldr x0, =BUF - 0x1000
        ldr x1, =0x0101010101010101
        mov x2, #0
        mov x3, #(0x5000 / 8)
1:      str x2, [x0], #8
        add x2, x2, x1
        subs x3, x3, #1
        b.ne 1b
        ret

el0_tags:
        ldr x0, =BUF_EL0 + 0x900
        ldr x1, =0x0e00000000000000
        stg x1, [x0]
        st2g x1, [x0, #32]
        stzg x1, [x0, #64]
        mov x2, #0
        ldg x2, [x0, #32]
        UPX x2
        ldgm x2, [x0]
        stgm x2, [x0]
        stzgm x2, [x0]
        dc gva, x0
        dc gzva, x0
        UPUTS "\n"
        ret

el0_dc:
        ldr x0, =BUF_EL0 + 0x940 | 0x0b00000000000000
        dc gva, x0
        add x0, x0, #0x40
        dc gzva, x0
        ret
