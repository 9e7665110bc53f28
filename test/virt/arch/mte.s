// granule-only (QEMU 10 differs): tag checks QEMU 10 skips or reports with another WnR,
// against the architecture (Armv9.4 ASL: MemAtomic, AArch64_TagCheckFault with
// write = !read && write, the LDAPUR/STLUR decode's tagchecked, AArch64_DataMemZero).
// Expected output: mte.expected.
// - A synchronous tag check fault on an atomic reports WnR = 0 (QEMU: 1); in asymmetric mode
//   an atomic is checked as a read, so synchronously.
// - DC ZVA with a mismatched tag takes a synchronous tag check fault with WnR = 1 (QEMU: 0);
//   the FAR is IMPLEMENTATION DEFINED (the lowest failing address or Xt).
// - LDAPUR and STLUR (FEAT_LRCPC2) are tag checked (QEMU 10 does not check them).

        .include "../lib.s"

        .equ BUF, SCRATCH + 0x20000
        .equ T3, 0x0300000000000000
        .equ T5, 0x0500000000000000

        .text
main:
        stp x29, x30, [sp, #-16]!
        ldr x0, =BUF | T5
        st2g x0, [x0]
        st2g x0, [x0, #32]              // BUF .. BUF + 0x3f: tag 5

        TEST "synchronous tag check faults of atomics"
        ldr x2, =BUF | T3
        ldadd x0, x1, [x2]
        stadd x0, [x2]
        swp x0, x1, [x2]
        cas x0, x1, [x2]
        casp x0, x1, x4, x5, [x2]
        ldumaxh w0, w1, [x2, #0]

        TEST "asymmetric mode: atomics are checked synchronously"
        SYSSET sctlr_el1, SC_TCF_ASYM
        ldadd x0, x1, [x2]
        swp x0, x1, [x2]
        str x0, [x2]
        PSYS tfsr_el1
        NL
        msr tfsr_el1, xzr
        SYSCLR sctlr_el1, SC_TCF_MASK
        SYSSET sctlr_el1, SC_TCF_SYNC

        TEST "DC ZVA with a mismatched tag"
        ldr x2, =BUF + 0x8 | T3
        dc zva, x2
        ldr x0, =BUF
        mov x1, #2
        bl print_mem
        NL

        TEST "LDAPUR and STLUR are tag checked"
        ldr x2, =BUF | T3
        ldapur x0, [x2, #8]
        ldapurb w0, [x2, #1]
        stlur w0, [x2, #4]
        stlurh w0, [x2, #-2]

        ldp x29, x30, [sp], #16
        mov w0, #0
        ret
