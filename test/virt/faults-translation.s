// Translation-table faults, printed as ESR/FAR: translation faults at levels 0-3 (range checks
// with T0SZ = 16, 20, 25 and 32, invalid entries at each level, descriptor types that are
// invalid at a level), access flag faults at levels 1-3, address size faults (TCR_EL1.IPS
// = 32 bits: block/page output addresses, a table address, TTBR1), EPD1, TBI0 and the TTBR1 half,
// with loads, stores, pairs, exclusives, acquire/release, atomics, MTE tag accesses, DC ZVA and
// instruction fetches, from EL1 and EL0, and accesses that cross into an unmapped page.
// AT S1E1R/W and S1E0R/W report the same faults in PAR_EL1.
//
// Left out because QEMU 10 is not the architecture there (see reference/oracles.md):
// - Faults of cache maintenance by VA (DC CIVAC/CVAC/IVAC, IC IVAU): QEMU implements them as
//   no-ops that never translate, where the architecture reports translation faults.
// - CAS/CASP translation faults: QEMU reports WnR = 1; the architecture reports WnR = 0 for
//   every read-modify-write atomic (LDADD, SWP, ... are tested).
// - Fetches from a misaligned unmapped address: QEMU reports the Instruction Abort, where the
//   PC alignment fault has priority; every fetch here is from an aligned address.

        .include "lib.s"

        .equ UNMAPPED_L0, 0x8000000000          // bit 39: outside a 39-bit range
        .equ UNMAPPED_L1, 0x100000000           // level-1 entry 4
        .equ UNMAPPED_L2, TEST_VA + 0x200000    // tt_l2_test[1]
        .equ UNMAPPED_L3, TEST_VA + 0x3000      // tt_l3_test[3]
        // The TTBR1 alias with a top byte of 0xf0: logical tag 0 (HI_ALIAS itself has tag 0xf).
        .equ HI_T0, (HI_ALIAS & 0x00ffffffffffffff) | 0xf000000000000000

// tt_l3_test[idx] = pa | bits, then TLB maintenance. Clobbers x16, x17.
.macro MAPT idx, pa, bits
        ldr x16, =(\pa) | (\bits)
        ldr x17, =tt_l3_test + 8 * (\idx)
        str x16, [x17]
        FLUSH
.endm

// A 64-bit store of `value` to `addr` (an EL1 RW address). Clobbers x16, x17.
.macro POKE addr, value
        ldr x16, =\value
        ldr x17, =\addr
        str x16, [x17]
        FLUSH
.endm

        .text
main:
        stp x29, x30, [sp, #-16]!

        TEST "loads, stores and fetches: level 1 (T0SZ = 25)"
        ldr x2, =UNMAPPED_L1 + 0x123
        ldr x0, [x2]
        str x0, [x2]
        ldrb w0, [x2]
        strh w0, [x2]
        ldp x0, x1, [x2, #-8]
        stp x0, x1, [x2, #16]
        ldur x0, [x2, #-1]
        ldtr x0, [x2]
        sttr x0, [x2]
        prfm pldl1keep, [x2]            // prefetches never fault
        PX x0
        NL
        and x2, x2, #~0xfff
        RECOVER 1f
        adr x30, 1f
        ret x2
1:      PUTS "after fetch\n"

        TEST "exclusives, acquire/release and atomics: level 2"
        ldr x2, =UNMAPPED_L2 + 0x40
        ldxr x0, [x2]
        stxr w3, x0, [x2]
        ldaxp x0, x1, [x2]
        stlxp w3, x0, x1, [x2]
        ldar x0, [x2]
        stlr x0, [x2]
        ldapr x0, [x2]
        ldadd x0, x1, [x2]
        stadd x0, [x2]
        swpal x0, x1, [x2]
        ldsmaxb w0, w1, [x2]
        ldclrlh w0, w1, [x2]

        TEST "MTE tag accesses and DC ZVA: level 3"
        ldr x2, =UNMAPPED_L3 + 0x10
        ldg x0, [x2, #0x20]
        stg x2, [x2, #-16]
        st2g x2, [x2, #16]
        stzg x2, [x2]
        stz2g x2, [x2, #32]!
        stgp x0, x1, [x2, #-32]
        PX x2
        NL
        add x2, x2, #8
        dc zva, x2
        dc gva, x2
        dc gzva, x2
        add x2, x2, #4
        RECOVER 1f
        adr x30, 1f
        ret x2
1:      PUTS "after fetch\n"

        TEST "level 0: VA outside the 39-bit range (T0SZ = 25)"
        ldr x2, =UNMAPPED_L0
        ldr x0, [x2]
        str x0, [x2]
        ldr x2, =0x0010000040200000     // bit 52 set: out of range even though RAM is below
        ldr x0, [x2]

        TEST "TBI0: the top byte is ignored for data, not with TBI0 = 0"
        ldr x2, =0xf000000040200000     // tag 0, bits 63:60 = 0xf: TBI ignores them
        ldr x0, [x2]
        PUTS "loaded through 0xf0... with TBI0\n"
        SYSCLR tcr_el1, TCR_TBI0
        ldr x0, [x2]
        str x0, [x2]
        SYSSET tcr_el1, TCR_TBI0

        TEST "T0SZ = 32: 1 << 32 is outside the range (level 0), not level 1"
        ldr x0, =tt_l1
        mrs x1, tcr_el1
        and x1, x1, #~TCR_T0SZ_MASK
        orr x1, x1, #32
        bl set_ttbr0_tcr
        ldr x2, =UNMAPPED_L1
        ldr x0, [x2]
        ldr x2, =UNMAPPED_L2
        ldr x0, [x2]
        bl reset_mmu

        TEST "T0SZ = 16: walks start at level 0"
        ldr x0, =tt_l0
        mrs x1, tcr_el1
        and x1, x1, #~TCR_T0SZ_MASK
        orr x1, x1, #16
        bl set_ttbr0_tcr
        ldr x2, =UNMAPPED_L0            // level-0 entry 1: invalid
        ldr x0, [x2]
        ldr x2, =UNMAPPED_L1            // level-1 entry 4: invalid
        ldr x0, [x2]
        ldr x2, =UNMAPPED_L3
        str x0, [x2]
        ldr x2, =0x1000000000000        // bit 48: outside a 48-bit range
        ldr x0, [x2]
        // A block descriptor at level 0 is invalid with 4 KiB pages.
        POKE tt_l0 + 8, SCRATCH | D_BLOCK | D_AF | D_SH
        ldr x2, =UNMAPPED_L0
        ldr x0, [x2]
        POKE tt_l0 + 8, 0
        bl reset_mmu

        TEST "T0SZ = 20: a 32-entry level-0 table"
        ldr x0, =tt_l0
        mrs x1, tcr_el1
        and x1, x1, #~TCR_T0SZ_MASK
        mov x3, #20
        orr x1, x1, x3
        bl set_ttbr0_tcr
        ldr x2, =SCRATCH
        ldr x0, [x2]
        PUTS "RAM still mapped\n"
        ldr x2, =UNMAPPED_L0
        ldr x0, [x2]
        ldr x2, =0x10000000000          // bit 40
        ldr x0, [x2]
        ldr x2, =0x100000000000         // bit 44: out of range
        ldr x0, [x2]
        bl reset_mmu

        TEST "descriptor types: level-1 block, page-type at level 3, block-type at level 3"
        POKE tt_l1 + 8 * 4, 0x40000000 | D_BLOCK | D_AF | D_SH | D_XN
        ldr x2, =UNMAPPED_L1 + 0x200008 // = PA 0x40200008 through a 1 GiB block
        ldr x3, =SCRATCH + 8
        ldr x4, =0x1234
        str x4, [x3]
        ldr x0, [x2]
        PX x0
        NL
        POKE tt_l1 + 8 * 4, 0
        MAPT 3, SCRATCH, D_PAGE | D_AF | D_SH | D_XN
        ldr x2, =UNMAPPED_L3
        ldr x0, [x2]
        PUTS "page ok\n"
        MAPT 3, SCRATCH, D_BLOCK | D_AF | D_SH | D_XN
        ldr x0, [x2]
        MAPT 3, 0, 0

        TEST "access flag faults at levels 1, 2 and 3"
        POKE tt_l1 + 8 * 4, 0x40000000 | D_BLOCK | D_SH | D_XN
        ldr x2, =UNMAPPED_L1 + 0x10
        ldr x0, [x2]
        str x0, [x2]
        POKE tt_l1 + 8 * 4, 0
        POKE tt_l2_test + 8 * 1, SCRATCH | D_BLOCK | D_SH | D_XN
        ldr x2, =UNMAPPED_L2 + 0x20
        ldr x0, [x2]
        stp x0, x1, [x2]
        ldadd x0, x1, [x2]
        stg x2, [x2]
        ldg x0, [x2]
        dc zva, x2
        POKE tt_l2_test + 8 * 1, 0
        MAPT 3, SCRATCH, D_PAGE | D_SH | D_UXN
        ldr x2, =UNMAPPED_L3 + 0x30
        ldrh w0, [x2]
        strb w0, [x2]
        ldxr x0, [x2]
        swp x0, x1, [x2]
        RECOVER 1f
        adr x30, 1f
        ret x2
1:      MAPT 3, 0, 0

        TEST "address size faults with IPS = 32 bits"
        mrs x0, tcr_el1
        and x0, x0, #~TCR_IPS_MASK
        msr tcr_el1, x0
        isb
        FLUSH
        MAPT 3, 0x100000000, D_PAGE | D_AF | D_SH | D_XN
        ldr x2, =UNMAPPED_L3 + 4
        ldr w0, [x2]
        str w0, [x2]
        MAPT 3, 0, 0
        POKE tt_l2_test + 8 * 1, 0x100200000 | D_BLOCK | D_AF | D_SH | D_XN
        ldr x2, =UNMAPPED_L2
        ldr x0, [x2]
        POKE tt_l2_test + 8 * 1, 0x100000000 | D_TABLE  // a table above 4 GiB
        ldr x0, [x2]
        POKE tt_l2_test + 8 * 1, 0
        POKE tt_l1 + 8 * 4, 0x100000000 | D_BLOCK | D_AF | D_SH | D_XN
        ldr x2, =UNMAPPED_L1
        ldr x0, [x2]
        POKE tt_l1 + 8 * 4, 0
        // TTBR1 pointing above 4 GiB.
        ldr x0, =tt_l1_hi | 0x100000000
        msr ttbr1_el1, x0
        isb
        FLUSH
        ldr x2, =HI_ALIAS + SCRATCH
        ldr x0, [x2]
        bl reset_mmu

        TEST "TTBR1: the high alias of RAM, EPD1, an unmapped high address"
        ldr x2, =HI_T0 + SCRATCH + 8
        ldr x0, [x2]
        PX x0
        NL
        ldr x2, =HI_ALIAS + SCRATCH + 8 // logical tag 0xf, allocation tag 0
        ldr x0, [x2]
        ldr x2, =HI_ALIAS + 0x100000000
        ldr x0, [x2]
        ldr x2, =0xfff0000000000000     // outside the 39-bit high range
        ldr x0, [x2]
        SYSSET tcr_el1, TCR_EPD1
        ldr x2, =HI_ALIAS + SCRATCH + 8
        ldr x0, [x2]
        SYSCLR tcr_el1, TCR_EPD1

        TEST "accesses crossing into an unmapped page: FAR and no partial store"
        MAPT 2, SCRATCH + 0x2000, PG_EL1RW
        ldr x2, =TEST_VA + 0x2ff0
        ldr x3, =0x1111111111111111
        stp x3, x3, [x2]
        ldr x2, =TEST_VA + 0x2ffc
        ldr x0, [x2]
        ldr x4, =0x2222222222222222
        str x4, [x2]
        ldr x2, =TEST_VA + 0x2ffc
        stp w4, w4, [x2]
        ldr x2, =TEST_VA + 0x2ff0
        ldp x0, x1, [x2, #8]
        ldr x0, =SCRATCH + 0x2ff0
        mov x1, #2
        bl print_mem
        NL
        MAPT 2, 0, 0

        TEST "EL0: translation faults"
        CALL_EL0 el0_faults
        PX x0
        NL

        TEST "AT: PAR_EL1 for mapped pages and each fault"
        MAPT 5, SCRATCH + 0x5000, PG_EL0RW
        ldr x2, =TEST_VA + 0x5010
        at s1e1r, x2
        isb
        PSYS par_el1
        at s1e1w, x2
        isb
        PSYS par_el1
        at s1e0r, x2
        isb
        PSYS par_el1
        at s1e0w, x2
        isb
        PSYS par_el1
        NL
        ldr x2, =UNMAPPED_L3
        at s1e1r, x2
        isb
        PSYS par_el1
        ldr x2, =UNMAPPED_L2
        at s1e1w, x2
        isb
        PSYS par_el1
        ldr x2, =UNMAPPED_L1
        at s1e0r, x2
        isb
        PSYS par_el1
        ldr x2, =UNMAPPED_L0
        at s1e0w, x2
        isb
        PSYS par_el1
        NL
        MAPT 5, 0, 0

        ldp x29, x30, [sp], #16
        mov w0, #0
        ret

// set_ttbr0_tcr: x0 = TTBR0_EL1, x1 = TCR_EL1, switched with the MMU off (the identity map
// makes that seamless) so that no instruction runs with one new and one old.
set_ttbr0_tcr:
        SYSCLR sctlr_el1, SC_M
        msr ttbr0_el1, x0
        msr tcr_el1, x1
        isb
        FLUSH
        SYSSET sctlr_el1, SC_M
        ret

el0_faults:
        ldr x2, =UNMAPPED_L1
        ldr x0, [x2]
        str x0, [x2]
        ldr x2, =UNMAPPED_L2
        ldadd x0, x1, [x2]
        ldg x0, [x2]
        stg x2, [x2]
        ldr x2, =UNMAPPED_L3
        dc zva, x2                      // DZE = 0: trapped before any translation
        ldr x2, =UNMAPPED_L0
        ldp x0, x1, [x2]
        RECOVER 1f
        ret x2
1:      mov x0, #1
        ret
