// MTE tag checking: synchronous faults (ESR/FAR) on loads, stores, pairs, exclusives and
// acquire/release at EL1 and EL0; the first failing granule of a multi-granule access and of a
// page-crossing access (FAR), no partial store; what is checked (register offset and SP bases
// with writeback are, SP without writeback, PRFM and LDG/STG are not); LDTR/STTR using
// TCF0/ATA0; asynchronous mode (TFSR_EL1.TF0/TF1, TFSRE0_EL1, stores completing, atomics,
// DC ZVA); asymmetric mode (loads synchronous, stores asynchronous); PSTATE.TCO; TCMA0/TCMA1;
// TBI0 = 0; SCTLR_EL1.ATA = 0; untagged (MAIR 0xFF) memory; a translation fault winning over a
// tag mismatch in the first page.
//
// Left out because QEMU 10 is not the architecture there (see reference/oracles.md):
// - Synchronous tag check faults of atomics (QEMU: WnR = 1; the architecture: 0) and of DC ZVA
//   (QEMU: WnR = 0; the architecture: 1): both are tested in asynchronous mode only.
// - LDAPUR/STLUR (FEAT_LRCPC2): QEMU 10 does not tag-check them.
// - FAR bits 63:60 of tag check faults are UNKNOWN; QEMU keeps the pointer's, as granule does,
//   so they are printed.

        .include "lib.s"

        .equ BUF, SCRATCH + 0x20000             // 3 pages, Tagged Normal
        .equ BUF_EL0, BUF + EL0_OFF
        .equ BUF_HI, (HI_ALIAS + BUF) & 0x00ffffffffffffff  // TTBR1 alias, top byte set below
        .equ UNTAGGED_VA, TEST_VA + 0x1000      // tt_l3_test[1]: SCRATCH + 0x30000, MAIR 0xFF
        .equ T0, 0x0000000000000000
        .equ T3, 0x0300000000000000
        .equ T5, 0x0500000000000000

.macro MAPT idx, pa, bits
        ldr x16, =(\pa) | (\bits)
        ldr x17, =tt_l3_test + 8 * (\idx)
        str x16, [x17]
        FLUSH
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

// Prints and clears TFSR_EL1 and TFSRE0_EL1.
.macro TFSR
        PSYS tfsr_el1
        PSYS tfsre0_el1
        msr tfsr_el1, xzr
        msr tfsre0_el1, xzr
        isb
.endm

// SCTLR_EL1.TCF/TCF0 = values (SC_TCF_* | SC_TCF0_*).
.macro TCF bits
        SYSCLR sctlr_el1, SC_TCF_MASK | SC_TCF0_MASK
        SYSSET sctlr_el1, \bits
.endm

        .text
main:
        stp x29, x30, [sp, #-16]!
        bl setup

        TEST "synchronous: loads and stores at EL1"
        ldr x2, =BUF | T5               // tag 5 over tag 5
        ldr x0, [x2]
        str x0, [x2, #8]
        ldr x3, =BUF + 0x100 | 0xf500000000000000  // bits 63:60 are not compared
        ldr x0, [x3]
        PUTS "matching tags: no fault\n"
        ldr x2, =BUF | T3
        ldr x0, [x2]
        ldrb w0, [x2, #15]
        str x0, [x2]
        ldr x2, =BUF
        strh w0, [x2, #2]
        ldr x2, =BUF | 0x5300000000000000
        ldr x0, [x2, #0x10]
        ldr x2, =BUF + 0x2000 | T3      // tag 0 memory, tag 3 pointer
        ldp x0, x1, [x2]
        stp x0, x1, [x2, #-16]
        ldur w0, [x2, #-3]
        ldr x0, [x2, #8]!
        PX x2
        ldr x0, [x2], #8
        PX x2
        NL
        MEM BUF, 2
        NL

        TEST "synchronous: exclusives and acquire/release at EL1"
        ldr x2, =BUF | T3
        ldxr x0, [x2]
        ldaxp x0, x1, [x2]
        ldar w0, [x2]
        stlr x0, [x2]
        ldapr x0, [x2]
        ldr x2, =BUF | T5
        ldxr x0, [x2]
        stxr w3, x0, [x2]
        mov x0, x3
        PX x0
        NL

        TEST "multi-granule accesses: FAR is the first failing granule; no partial store"
        // BUF: granules 0-3 tag 5, then tag 0 from BUF + 0x40.
        ldr x2, =BUF + 0x30 | T5
        ldr x0, [x2, #12]               // 8 bytes from +0x3c: the second granule fails
        ldp x0, x1, [x2, #8]            // +0x38..+0x47
        ldr x0, =0x9999999999999999
        stp x0, x0, [x2, #8]
        str x0, [x2, #12]
        stur w0, [x2, #14]
        ldr x3, =BUF + 0x44 | T5
        ldr w0, [x3]                    // the first granule fails: FAR = the address
        MEM BUF + 0x30, 4
        NL

        TEST "page-crossing accesses: FAR in the second page"
        // BUF + 0xff0 has tag 3, BUF + 0x1000 tag 5.
        ldr x2, =BUF + 0xffc | T3
        ldr x0, [x2]
        ldr x0, =0x8888888888888888
        str x0, [x2]
        ldr x4, =BUF + 0xff8 | T3
        stp x0, x0, [x4]
        MEM BUF + 0xff0, 4
        NL
        ldr x2, =BUF + 0xffc | T5       // the first granule fails
        ldr x0, [x2]

        TEST "a translation fault on the second page wins over a tag mismatch on the first"
        ldr x2, =TEST_VA + 0x2ffc | T5  // tt_l3_test[2]: tag 0; [3]: unmapped
        ldr x0, [x2]
        str x0, [x2]
        ldr x2, =TEST_VA + 0x2ff8 | T5
        ldr x0, [x2]

        TEST "what is checked: SP bases, register offsets, PRFM, tag instructions"
        mov x6, sp
        ldr x7, =BUF + 0x2800 | T3      // tag 0 memory
        mov sp, x7
        ldr x0, [sp]                    // SP base, no writeback: unchecked
        ldr x0, [sp, #16]
        str x0, [sp, #32]
        ldp x0, x1, [sp, #48]
        mov x8, #8
        ldr x0, [sp, x8]                // register offset: checked
        ldr x0, [sp, #16]!              // writeback: checked
        mov x9, sp
        mov sp, x6
        PX x9
        NL
        ldr x2, =BUF | T3
        prfm pldl1keep, [x2]
        prfm pstl1strm, [x2, #64]
        ldg x0, [x2]
        add x3, x2, #0x1000
        stg x2, [x3]                    // tag 3 at BUF + 0x1000 (was 5)
        st2g x2, [x3]
        mov x8, #0x20
        ldr x0, [x2, x8]
        ldr w0, [x2, w8, uxtw]
        PUTS "done\n"
        ldr x2, =BUF | T5
        add x3, x2, #0x1000
        st2g x2, [x3]                   // tag 5 again

        TEST "LDTR/STTR at EL1 use TCF0 and ATA0"
        ldr x2, =BUF_EL0 | T3           // EL0-accessible alias, tag 5 memory
        TCF SC_TCF_SYNC                 // TCF0 = none
        ldtr x0, [x2]
        sttr x0, [x2, #8]
        PUTS "TCF0 = none: no fault\n"
        ldr x0, [x2]
        TCF SC_TCF0_SYNC                // TCF = none, TCF0 = synchronous
        ldr x0, [x2]
        ldtr x0, [x2]
        sttrh w0, [x2, #2]
        TCF SC_TCF_SYNC | SC_TCF0_ASYNC
        ldtr x0, [x2]
        TFSR
        NL
        SYSCLR sctlr_el1, SC_ATA0
        ldtr x0, [x2]
        PUTS "ATA0 = 0: no fault\n"
        SYSSET sctlr_el1, SC_ATA0
        TCF SC_TCF_SYNC | SC_TCF0_SYNC

        TEST "synchronous at EL0"
        CALL_EL0 el0_sync

        TEST "asynchronous: TFSR_EL1.TF0/TF1, accesses complete"
        TCF SC_TCF_ASYNC | SC_TCF0_ASYNC
        TFSR
        NL
        ldr x2, =BUF + 0x2000 | T3
        ldr x0, [x2]
        TFSR
        NL
        ldr x0, =0x4444444444444444
        str x0, [x2]
        TFSR
        NL
        MEM BUF + 0x2000, 1
        NL
        ldr x2, =BUF_HI | 0x0300000000000000 | (1 << 55)  // bit 55 set: TF1
        ldr x0, [x2]
        TFSR
        NL
        ldr x2, =BUF + 0x2000 | T3
        ldadd x0, x1, [x2]
        TFSR
        swp x0, x1, [x2]
        cas x0, x1, [x2]
        TFSR
        NL
        ldr x3, =BUF + 0x2040 | T3
        dc zva, x3
        TFSR
        NL
        MEM BUF + 0x2040, 2
        NL
        CALL_EL0 el0_async
        TFSR
        NL

        TEST "asymmetric: loads synchronous, stores asynchronous"
        TCF SC_TCF_ASYM | SC_TCF0_SYNC
        ldr x2, =BUF + 0x2000 | T3
        ldr x0, [x2]
        ldp x0, x1, [x2]
        TFSR
        NL
        ldr x0, =0x3333333333333333
        str x0, [x2, #8]
        stp x0, x0, [x2, #16]
        TFSR
        NL
        MEM BUF + 0x2000, 4
        NL
        TCF SC_TCF_SYNC | SC_TCF0_SYNC

        TEST "PSTATE.TCO = 1: no checks"
        ldr x2, =BUF + 0x2000 | T3
        msr tco, #1
        ldr x0, [x2]
        str x0, [x2]
        ldadd x0, x1, [x2]
        mov x4, #0
        msr tco, x4
        PSYS tco
        ldr x0, [x2]
        ldr x4, =1 << 25
        msr tco, x4
        PSYS tco
        ldr x0, [x2]
        msr tco, #0
        NL

        TEST "TCMA0 (tag 0, bit 55 = 0) and TCMA1 (tag 0xf, bit 55 = 1)"
        ldr x2, =BUF                    // tag 0 pointer over tag 5
        ldr x0, [x2]
        SYSSET tcr_el1, TCR_TCMA0
        ldr x0, [x2]
        str x0, [x2]
        PUTS "TCMA0: tag 0 unchecked\n"
        ldr x3, =BUF | 0x0100000000000000
        ldr x0, [x3, #0x20]
        SYSCLR tcr_el1, TCR_TCMA0
        ldr x2, =BUF_HI | 0xff00000000000000      // tag 0xf, bit 55 = 1
        ldr x0, [x2, #0x2000]
        SYSSET tcr_el1, TCR_TCMA1
        ldr x0, [x2, #0x2000]
        PUTS "TCMA1: tag 0xf with bit 55 unchecked\n"
        ldr x0, [x2]
        SYSCLR tcr_el1, TCR_TCMA1

        TEST "TBI0 = 0: no tag checks on TTBR0 addresses"
        SYSCLR tcr_el1, TCR_TBI0
        ldr x2, =BUF                    // tag 0 pointer over tag 5
        ldr x0, [x2]
        PUTS "no fault\n"
        SYSSET tcr_el1, TCR_TBI0

        TEST "SCTLR_EL1.ATA = 0: no checks at EL1"
        SYSCLR sctlr_el1, SC_ATA
        ldr x2, =BUF | T3
        ldr x0, [x2]
        str x0, [x2, #8]
        PUTS "no fault\n"
        SYSSET sctlr_el1, SC_ATA

        TEST "untagged memory (MAIR 0xFF): no checks"
        ldr x2, =UNTAGGED_VA | T3
        ldr x0, [x2]
        str x0, [x2, #8]
        PUTS "no fault\n"

        TEST "FAR of other faults through tagged pointers keeps the top byte"
        ldr x2, =0x100000000 | 0x5a00000000000000
        ldr x0, [x2]
        ldr x2, =BUF + 8 | 0xa300000000000000
        stg x2, [x2]

        ldp x29, x30, [sp], #16
        mov w0, #0
        ret

// Tags: BUF granules 0-3 = 5, BUF + 0xff0 = 3, the page at BUF + 0x1000 = 5, the rest 0.
setup:
        stp x29, x30, [sp, #-16]!
        ldr x0, =BUF
        ldr x1, =0x0101010101010101
        mov x2, #0
        mov x3, #(0x3000 / 8)
1:      str x2, [x0], #8
        add x2, x2, x1
        subs x3, x3, #1
        b.ne 1b
        ldr x0, =BUF | T5
        st2g x0, [x0]
        st2g x0, [x0, #32]
        ldr x0, =BUF + 0xff0 | T3
        stg x0, [x0]
        ldr x0, =BUF + 0x1000 | T5
        mov x1, #128
2:      st2g x0, [x0], #32
        subs x1, x1, #1
        b.ne 2b
        ldr x0, =BUF + 0x100 | T5
        stg x0, [x0]
        MAPT 1, SCRATCH + 0x30000, D_PAGE | D_AF | D_SH | D_ATTR_NORMAL | D_AP_EL1RW | D_XN
        MAPT 2, BUF + 0x2000, D_PAGE | D_AF | D_SH | D_ATTR_TAGGED | D_AP_EL1RW | D_XN
        ldp x29, x30, [sp], #16
        ret

el0_sync:
        ldr x2, =BUF_EL0 | T3
        ldr x0, [x2]
        str x0, [x2]
        ldp x0, x1, [x2, #16]
        ldxr x0, [x2]
        ldr x2, =BUF_EL0 + 0x30 | T5
        ldr x0, [x2, #12]
        ldr x2, =BUF_EL0 | T5
        ldr x0, [x2]
        UPUTS "tag 5 over tag 5: no fault\n"
        ret

el0_async:
        ldr x2, =BUF_EL0 + 0x2000 | T3
        ldr x0, [x2]
        str x0, [x2]
        ret
