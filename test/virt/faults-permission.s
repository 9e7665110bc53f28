// Permission faults, printed as ESR/FAR: data access permissions AP[2:1] at EL1 and EL0, PAN
// (with LDTR/STTR, UAO, LDG/STG, DC ZVA and atomics), execute permissions (PXN, UXN, EL0-writable
// memory at EL1, WXN), hierarchical APTable/PXNTable/UXNTable, a permission fault on a 2 MiB
// block (level 2), read-modify-write atomics and exclusives on read-only memory, MTE tag
// instructions and DC ZVA on read-only memory, and a store crossing into a read-only page.
//
// Left out because QEMU 10 is not the architecture there (see reference/oracles.md):
// - CAS/CASP faults (QEMU reports WnR = 1 where the architecture reports 0 for a translation
//   fault; the permission cases are kept to the other atomics for the same reason).
// - Cache maintenance by VA (DC CIVAC, IC IVAU, ...): QEMU never checks their permissions.

        .include "lib.s"

        .equ EXEC_EL1, D_PAGE | D_AF | D_SH | D_ATTR_TAGGED | D_AP_EL1RO | D_UXN     // EL1 only
        .equ PAGE_BASE, D_PAGE | D_AF | D_SH | D_ATTR_TAGGED

// tt_l3_test[idx] = pa | bits, then TLB maintenance. Clobbers x16, x17.
.macro MAPT idx, pa, bits
        ldr x16, =(\pa) | (\bits)
        ldr x17, =tt_l3_test + 8 * (\idx)
        str x16, [x17]
        FLUSH
.endm

.macro NORECOVER
        adr x17, recover_pc
        str xzr, [x17]
.endm

// Calls the code at `va` (exec_page: x0 = 0x55) with RET, so that no BTYPE is set, and prints
// x0 (0 if the fetch faulted). Clobbers x0, x1, x16, x17, x30.
.macro FETCH va
        RECOVER 1f
        mov x0, #0
        ldr x1, =\va
        adr x30, 1f
        ret x1
1:      NORECOVER
        PX x0
.endm
.macro UFETCH va
        RECOVER 1f
        mov x0, #0
        ldr x1, =\va
        adr x30, 1f
        ret x1
1:      NORECOVER
        UPX x0
.endm

        .equ VA_EL1RW, TEST_VA + 0x0000
        .equ VA_RW, TEST_VA + 0x1000
        .equ VA_EL1RO, TEST_VA + 0x2000
        .equ VA_RO, TEST_VA + 0x3000
        .equ VA_X_EL1, TEST_VA + 0x4000         // AP = 10, UXN: EL1 executable
        .equ VA_X_EL0, TEST_VA + 0x5000         // AP = 11, PXN: EL0 executable
        .equ VA_X_RW, TEST_VA + 0x6000          // AP = 01, no XN bits
        .equ VA_X_PXN, TEST_VA + 0x7000         // AP = 10, PXN
        .equ VA_X_UXN, TEST_VA + 0x8000         // AP = 11, UXN only
        .equ VA_X_EL1RW, TEST_VA + 0x9000       // AP = 00, no XN bits
        .equ VA_TBL, TEST_VA + 0x400000         // tt_l2_test[2] -> tt_l3_b
        .equ VA_BLOCK, TEST_VA + 0x600000       // tt_l2_test[3]: a 2 MiB block

        .text
main:
        stp x29, x30, [sp, #-16]!
        // Data pages: SCRATCH + idx * 4 KiB, each holding 0x1000 * (idx + 1) in its first word.
        ldr x0, =SCRATCH
        mov x1, #0x1000
        mov x2, #4
1:      str x1, [x0]
        add x0, x0, #0x1000
        add x1, x1, #0x1000
        subs x2, x2, #1
        b.ne 1b
        MAPT 0, SCRATCH + 0x0000, PAGE_BASE | D_AP_EL1RW | D_XN
        MAPT 1, SCRATCH + 0x1000, PAGE_BASE | D_AP_RW | D_XN
        MAPT 2, SCRATCH + 0x2000, PAGE_BASE | D_AP_EL1RO | D_XN
        MAPT 3, SCRATCH + 0x3000, PAGE_BASE | D_AP_RO | D_XN
        MAPT 4, exec_page, PAGE_BASE | D_AP_EL1RO | D_UXN
        MAPT 5, exec_page, PAGE_BASE | D_AP_RO | D_PXN
        MAPT 6, exec_page, PAGE_BASE | D_AP_RW
        MAPT 7, exec_page, PAGE_BASE | D_AP_EL1RO | D_PXN
        MAPT 8, exec_page, PAGE_BASE | D_AP_RO | D_UXN
        MAPT 9, exec_page, PAGE_BASE | D_AP_EL1RW

        TEST "EL1 loads and stores by AP[2:1]"
        .irp va, VA_EL1RW, VA_RW, VA_EL1RO, VA_RO
        ldr x2, =\va
        ldr x0, [x2]
        PX x0
        NL
        str x0, [x2, #8]
        .endr

        TEST "EL0 loads and stores by AP[2:1]"
        CALL_EL0 el0_ap

        TEST "PAN = 1: EL1 data accesses to EL0-accessible pages"
        msr pan, #1
        ldr x2, =VA_EL1RW
        ldr x0, [x2]
        PX x0
        NL
        ldr x2, =VA_RW
        ldr x0, [x2]
        str x0, [x2]
        ldr x2, =VA_RO
        ldr x0, [x2]
        ldr x2, =VA_RW
        ldg x0, [x2]
        stg x2, [x2]
        dc zva, x2
        ldadd x0, x1, [x2]
        swp x0, x1, [x2]
        PUTS "unprivileged:\n"
        ldr x2, =VA_RW
        ldtr x0, [x2]
        PX x0
        sttr x0, [x2, #16]
        ldr x2, =VA_RO
        ldtr x0, [x2]
        PX x0
        NL
        sttr x0, [x2]
        ldr x2, =VA_EL1RW
        ldtr x0, [x2]
        sttrb w0, [x2]
        PUTS "unprivileged with UAO = 1:\n"
        msr uao, #1
        ldr x2, =VA_EL1RW
        ldtr x0, [x2]
        PX x0
        NL
        ldr x2, =VA_RW
        ldtrh w0, [x2]
        msr uao, #0
        PUTS "instruction fetch ignores PAN:"
        FETCH VA_X_UXN
        NL
        msr pan, #0

        TEST "EL1 execute permissions"
        FETCH VA_X_EL1
        FETCH VA_X_UXN
        FETCH VA_X_EL1RW
        NL
        FETCH VA_X_EL0
        FETCH VA_X_RW
        FETCH VA_X_PXN
        NL

        TEST "EL0 execute permissions"
        CALL_EL0 el0_exec

        TEST "SCTLR_EL1.WXN: writable memory is never executable"
        SYSSET sctlr_el1, SC_WXN
        FETCH VA_X_EL1
        FETCH VA_X_EL1RW
        NL
        CALL_EL0 el0_exec
        SYSCLR sctlr_el1, SC_WXN

        TEST "APTable, PXNTable, UXNTable"
        ldr x0, =tt_l3_b
        ldr x1, =SCRATCH + 0x1000 | PAGE_BASE | D_AP_RW
        str x1, [x0]                                    // VA_TBL + 0: RW at EL0 and EL1
        ldr x1, =SCRATCH | PAGE_BASE | D_AP_EL1RW
        str x1, [x0, #8]                                // VA_TBL + 0x1000: EL1 RW
        ldr x1, =exec_page | PAGE_BASE | D_AP_EL1RO | D_UXN
        str x1, [x0, #16]                               // VA_TBL + 0x2000: EL1 executable
        ldr x1, =exec_page | PAGE_BASE | D_AP_RO | D_PXN
        str x1, [x0, #24]                               // VA_TBL + 0x3000: EL0 executable
        .irp attrs, 0, T_AP_NOEL0, T_AP_RO, T_PXN, T_UXN
        BASE 2f
2:      ldr x16, =tt_l3_b + D_TABLE + \attrs
        ldr x17, =tt_l2_test + 16
        str x16, [x17]
        FLUSH
        mov x0, #\attrs >> 59
        PUTS "table attributes (bits 62:59):"
        PX x0
        NL
        ldr x2, =VA_TBL
        ldr x0, [x2]
        str x0, [x2, #8]
        ldr x2, =VA_TBL + 0x1000
        str x0, [x2, #8]
        FETCH VA_TBL + 0x2000
        NL
        CALL_EL0 el0_table
        .endr

        TEST "a 2 MiB block (level 2): read-only at EL1"
        ldr x16, =SCRATCH + 0x200000 | D_BLOCK | D_AF | D_SH | D_AP_EL1RO | D_XN
        ldr x17, =tt_l2_test + 24
        str x16, [x17]
        FLUSH
        ldr x2, =VA_BLOCK + 0x12340
        ldr x0, [x2]
        PX x0
        NL
        str x0, [x2]
        stp x0, x0, [x2, #-16]

        TEST "atomics, exclusives and tag stores on read-only memory"
        ldr x2, =VA_EL1RO
        ldadd x0, x1, [x2]
        stset x0, [x2]
        swpl w0, w1, [x2]
        ldumaxalb w0, w1, [x2]
        ldxr x0, [x2]
        PX x0
        NL
        stxr w3, x0, [x2]
        ldaxp x0, x1, [x2]
        stlxp w3, x0, x1, [x2]
        stg x2, [x2]
        stzg x2, [x2]
        st2g x2, [x2, #32]
        stgp x0, x1, [x2]
        dc gva, x2
        dc gzva, x2
        dc zva, x2
        ldg x0, [x2]
        PUTS "ldg ok\n"
        ldr x0, =SCRATCH + 0x2000
        mov x1, #4
        bl print_mem
        NL

        TEST "EL0: atomics and tag accesses without permission"
        SYSSET sctlr_el1, SC_DZE
        CALL_EL0 el0_atomics
        SYSCLR sctlr_el1, SC_DZE

        TEST "a store crossing from a read/write page into a read-only page"
        ldr x2, =VA_RW + 0xffc
        ldr x0, =0x7777777777777777
        str x0, [x2]
        sub x3, x2, #4
        stp x0, x0, [x3]
        ldr x0, =SCRATCH + 0x1ff0
        mov x1, #2
        bl print_mem
        NL

        ldp x29, x30, [sp], #16
        mov w0, #0
        ret

el0_ap:
        stp x29, x30, [sp, #-16]!
        .irp va, VA_EL1RW, VA_RW, VA_EL1RO, VA_RO
        mov x0, #0
        ldr x2, =\va
        ldr x0, [x2]
        UPX x0
        UPUTS "\n"
        str x0, [x2, #8]
        .endr
        ldp x29, x30, [sp], #16
        ret

el0_exec:
        stp x29, x30, [sp, #-16]!
        UFETCH VA_X_EL0
        UFETCH VA_X_RW
        UFETCH VA_X_UXN
        UFETCH VA_X_EL1
        UFETCH VA_X_EL1RW
        UPUTS "\n"
        ldp x29, x30, [sp], #16
        ret

el0_table:
        stp x29, x30, [sp, #-16]!
        ldr x2, =VA_TBL
        mov x0, #0
        ldr x0, [x2]
        UPX x0
        str x0, [x2, #8]
        UFETCH VA_TBL + 0x3000
        UPUTS "\n"
        ldp x29, x30, [sp], #16
        ret

el0_atomics:
        stp x29, x30, [sp, #-16]!
        ldr x2, =VA_EL1RW
        ldadd x0, x1, [x2]
        swp x0, x1, [x2]
        ldg x0, [x2]
        stg x2, [x2]
        ldr x2, =VA_RO
        ldadd x0, x1, [x2]
        ldclr x0, x1, [x2]
        stg x2, [x2]
        dc zva, x2
        ldg x0, [x2]
        UPUTS "ldg ok\n"
        ldp x29, x30, [sp], #16
        ret

// The code every execute test runs.
        .balign 4096
exec_page:
        mov x0, #0x55
        ret
        .balign 4096

        .bss
        .balign 4096
tt_l3_b:        .skip 4096
