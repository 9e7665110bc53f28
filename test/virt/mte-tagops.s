// MTE data-processing instructions: IRG (the architected LFSR with GCR_EL1.RRND = 0 from
// RGSR_EL1 = 0xace100: 2 4 b f 6 9 d 9, ending at 0xc43709; exclusion through GCR_EL1 and Xm;
// everything excluded; RRND = 1 with a non-zero seed; SCTLR_EL1.ATA = 0; EL0 with ATA0),
// ADDG/SUBG (offsets, exclusion moving an excluded start tag, carries into the top byte, ATA = 0),
// GMI, SUBP, SUBPS and CMPP (sign extension from bit 55, flags).
//
// Left out because QEMU 10 is not the architecture there: IRG with GCR_EL1.RRND = 1 and a zero
// seed (QEMU then seeds from its host RNG; the generator is IMPLEMENTATION DEFINED).

        .include "lib.s"

        .text
main:
        stp x29, x30, [sp, #-16]!

        TEST "IRG from RGSR_EL1 = 0xace100, GCR_EL1 = 0"
        ldr x0, =0xace100
        msr rgsr_el1, x0
        mov x0, #8
        mov x4, #0
        bl irg_seq
        PSYS rgsr_el1
        NL
        mov x0, #16
        bl irg_seq
        PSYS rgsr_el1
        NL

        TEST "IRG keeps every bit of Xn but 59:56"
        ldr x0, =0x000100
        msr rgsr_el1, x0
        ldr x1, =0xf5123456789abcde
        irg x2, x1
        PX x2
        irg x2, x1
        PX x2
        mov x3, sp
        irg x2, sp
        sub x2, x2, x3
        PX x2
        irg x2, x1, xzr
        PX x2
        NL
        PSYS rgsr_el1
        NL

        TEST "IRG exclusion: Xm[15:0] | GCR_EL1.Exclude"
        ldr x0, =0x22ac09
        msr rgsr_el1, x0
        .irp xm, 0xfffe, 0xffdf, 0x7fff, 0x00ff, 0xff00, 0x5555, 0xaaaa, 0xffff, 0x12340000ffdf
        ldr x4, =\xm
        PX x4
        mov x0, #12
        bl irg_seq
        PSYS rgsr_el1
        NL
        .endr
        mov x4, #0
        .irp gcr, 0xffdf, 0x0001, 0xf0f0, 0xffff, 0x8000
        ldr x0, =\gcr
        msr gcr_el1, x0
        PSYS gcr_el1
        mov x0, #12
        bl irg_seq
        PSYS rgsr_el1
        NL
        .endr
        ldr x0, =0x0f0f
        msr gcr_el1, x0
        mov x4, #0x00f0
        PSYS gcr_el1
        PX x4
        mov x0, #12
        bl irg_seq
        NL
        msr gcr_el1, xzr

        TEST "IRG with GCR_EL1.RRND = 1 and a non-zero seed"
        mov x0, #1 << 16
        msr gcr_el1, x0
        ldr x0, =0x5a5a00
        msr rgsr_el1, x0
        mov x0, #16
        mov x4, #0
        bl irg_seq
        PSYS rgsr_el1
        NL
        ldr x0, =(1 << 16) | 0x00ff
        msr gcr_el1, x0
        mov x0, #16
        bl irg_seq
        PSYS rgsr_el1
        NL
        msr gcr_el1, xzr

        TEST "IRG with SCTLR_EL1.ATA = 0: tag 0, RGSR_EL1 unchanged"
        ldr x0, =0xace100
        msr rgsr_el1, x0
        SYSCLR sctlr_el1, SC_ATA
        mov x0, #4
        mov x4, #0
        bl irg_seq
        PSYS rgsr_el1
        ldr x1, =0x0f00000012345678
        irg x2, x1
        PX x2
        addg x2, x1, #16, #3
        PX x2
        subg x2, x1, #0, #0
        PX x2
        NL
        SYSSET sctlr_el1, SC_ATA

        TEST "IRG at EL0 (ATA0 = 1, then 0)"
        ldr x0, =0xace100
        msr rgsr_el1, x0
        ldr x0, =0x0003
        msr gcr_el1, x0
        CALL_EL0 el0_irg
        PSYS rgsr_el1
        NL
        SYSCLR sctlr_el1, SC_ATA0
        CALL_EL0 el0_irg
        PSYS rgsr_el1
        NL
        SYSSET sctlr_el1, SC_ATA0
        msr gcr_el1, xzr

        TEST "ADDG and SUBG"
        ldr x1, =0x0312345678901230
        .irp op, addg, subg
        \op x2, x1, #0, #0
        PX x2
        \op x2, x1, #16, #1
        PX x2
        \op x2, x1, #1008, #15
        PX x2
        \op x2, x1, #512, #13
        PX x2
        NL
        .endr
        PUTS "exclusion (GCR_EL1 = 0x0318: 3, 4, 8, 9 excluded):\n"
        ldr x0, =0x0318
        msr gcr_el1, x0
        .irp tagged, 0x0000000000001000, 0x0300000000001000, 0x0f00000000001000, 0x0700000000001000
        ldr x1, =\tagged
        addg x2, x1, #0, #0
        PX x2
        addg x2, x1, #0, #1
        PX x2
        addg x2, x1, #0, #5
        PX x2
        subg x2, x1, #0, #2
        PX x2
        NL
        .endr
        ldr x0, =0xffff
        msr gcr_el1, x0
        ldr x1, =0x0700000000001000
        addg x2, x1, #32, #4
        PX x2
        NL
        msr gcr_el1, xzr
        PUTS "carries into and borrows from the top byte:\n"
        ldr x1, =0x0ffffffffffffff0
        addg x2, x1, #16, #0
        PX x2
        ldr x1, =0xfffffffffffffff0
        addg x2, x1, #32, #1
        PX x2
        ldr x1, =0x0500000000000000
        subg x2, x1, #16, #0
        PX x2
        mov x1, #0
        subg x2, x1, #1008, #15
        PX x2
        NL
        mov x3, sp
        addg x2, sp, #64, #2
        sub x2, x2, x3
        PX x2
        mov x5, sp
        addg sp, sp, #0, #1
        mov x2, sp
        mov sp, x5
        sub x2, x2, x5
        PX x2
        NL

        TEST "GMI"
        ldr x1, =0x0a00000000000000
        mov x2, #0
        gmi x3, x1, x2
        PX x3
        ldr x1, =0xf5ffffffffffffff
        ldr x2, =0xffff000000000001
        gmi x3, x1, x2
        PX x3
        gmi x3, x1, xzr
        PX x3
        mov x4, sp
        gmi x3, sp, xzr
        PX x3
        ldr x1, =0x0f00000000000000
        gmi xzr, x1, x2
        gmi x3, x1, x2
        PX x3
        NL

        TEST "SUBP, SUBPS, CMPP"
        ldr x1, =0x0300000000001000
        ldr x2, =0x0a00000000000ff0
        subp x3, x1, x2
        PX x3
        subp x3, x2, x1
        PX x3
        ldr x1, =0xf5800000000000f0          // bit 55 set: negative after sign extension
        ldr x2, =0x0a7ffffffffffff0
        subp x3, x1, x2
        PX x3
        subp x3, x2, x1
        PX x3
        NL
        .irp pair, "x1, x2", "x2, x1", "x1, x1", "x2, x2"
        subps x3, \pair
        mrs x4, nzcv
        PX x3
        PX x4
        .endr
        NL
        ldr x1, =0x0100000000000010
        ldr x2, =0x0200000000000010
        cmpp x1, x2
        mrs x4, nzcv
        PX x4
        ldr x2, =0x0200000000000011
        cmpp x1, x2
        mrs x4, nzcv
        PX x4
        cmpp x2, x1
        mrs x4, nzcv
        PX x4
        mov x5, sp
        subp x3, sp, x5
        PX x3
        subps x3, x5, sp
        mrs x4, nzcv
        PX x4
        NL

        ldp x29, x30, [sp], #16
        mov w0, #0
        ret

// irg_seq: x0 = count, x4 = Xm. Prints " irg=" and the tag of each IRG (Xn = 0).
irg_seq:
        stp x29, x30, [sp, #-32]!
        stp x0, x1, [sp, #16]
        mov x1, x0
        PUTS " irg="
1:      mov x3, #0
        irg x0, x3, x4
        lsr x0, x0, #56
        bl putdigit
        subs x1, x1, #1
        b.ne 1b
        ldp x0, x1, [sp, #16]
        ldp x29, x30, [sp], #32
        ret

el0_irg:
        mov x1, #0
        mov x2, #0
        .rept 8
        irg x0, x1
        lsr x0, x0, #56
        lsl x2, x2, #4
        orr x2, x2, x0
        .endr
        UPX x2
        ldr x1, =0x0300000000000000
        addg x0, x1, #0, #0
        UPX x0
        gmi x0, x1, xzr
        UPX x0
        mov x2, #0x10
        subp x0, x1, x2
        UPX x0
        ret
