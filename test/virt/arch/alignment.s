// granule-only (QEMU 10 differs): alignment faults QEMU 10 does not take or reports with
// another WnR, against the architecture (Armv9.4 ASL: AArch64.UnalignedAccessFaults,
// AlignmentFault, AArch64.ExclusiveMonitorsPass, MemAtomic, AArch64.S1HasAlignmentFault).
// Expected output: alignment.expected.
// - Unaligned accesses to a Device page with the MMU on fault (QEMU 10: no fault).
// - DC ZVA and DC GZVA to Device memory take an Alignment fault, WnR = 1, FAR = Xt (QEMU
//   zeroes the memory).
// - A misaligned STXR faults before its monitor check (QEMU: fails without a fault), WnR = 1;
//   a misaligned LDXR reports WnR = 0 (QEMU: 1). Every misaligned access here crosses a 16-byte
//   boundary, so it faults with or without FEAT_LSE2.
// - Atomics crossing a 16-byte boundary fault with WnR = 0: AlignmentFault sets
//   write = !read && write, and a read-modify-write reads (QEMU: WnR = 1).
// - CAS/CASP translation faults report WnR = 0 for the same reason (QEMU: 1).

        .include "../lib.s"

.macro MAPT idx, pa, bits
        ldr x16, =(\pa) | (\bits)
        ldr x17, =tt_l3_test + 8 * (\idx)
        str x16, [x17]
        FLUSH
.endm

        .equ VA_DEV, TEST_VA
        .equ BUF, SCRATCH + 0x2000

        .text
main:
        stp x29, x30, [sp, #-16]!
        MAPT 0, SCRATCH, D_PAGE | D_AF | D_ATTR_DEVICE | D_AP_EL1RW | D_XN

        TEST "unaligned accesses to a Device page (MMU on)"
        ldr x2, =VA_DEV
        ldr x0, [x2, #1]
        ldrh w0, [x2, #3]
        str x0, [x2, #4]
        add x3, x2, #4
        ldp x0, x1, [x3]

        TEST "DC ZVA and DC GZVA to Device memory"
        ldr x2, =VA_DEV + 0x48
        dc zva, x2
        dc gzva, x2
        SYSCLR sctlr_el1, SC_M
        ldr x2, =SCRATCH + 0x88
        dc zva, x2
        dc gzva, x2
        SYSSET sctlr_el1, SC_M

        TEST "misaligned exclusives"
        ldr x2, =BUF + 0x1c
        stxr w3, x0, [x2]
        ldxr x0, [x2]
        ldaxr x0, [x2]
        ldr x4, =BUF + 0x18
        stxp w3, x0, x1, [x4]
        ldxp x0, x1, [x4]

        TEST "atomics crossing a 16-byte boundary"
        ldr x2, =BUF + 0x1c
        ldadd x0, x1, [x2]
        stadd x0, [x2]
        swp x0, x1, [x2]
        cas x0, x1, [x2]
        ldr x5, =BUF + 0x1f
        ldeoralh w0, w1, [x5]
        casb w0, w1, [x5]

        TEST "CAS and CASP translation faults"
        ldr x2, =0x100000000
        cas x0, x1, [x2]
        casal w0, w1, [x2]
        casp x0, x1, x4, x5, [x2]

        ldp x29, x30, [sp], #16
        mov w0, #0
        ret
