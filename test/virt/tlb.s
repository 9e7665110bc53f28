// TLB maintenance, as far as the architecture and QEMU 10 agree: a remapped page keeps its old
// translation until a TLBI removes it (a permitted behaviour that QEMU and granule both show as
// long as nothing else evicts the entry), each TLBI kind (VAE1, VALE1, VAAE1, VAALE1, VMALLE1,
// ASIDE1 and their IS forms) removing it, a TLBI for another page leaving it, leaf entries
// surviving a change of their table descriptor, faulting descriptors never being cached, AT
// walking the tables afresh, and switching ASIDs between two sets of tables.
//
// What is left out, because QEMU 10's TLB ignores ASIDs (it flushes everything when TTBR0's
// ASID changes and ignores the ASID operand of TLBI): a non-global entry of one ASID surviving
// a switch to another ASID and back, a global entry being used under another ASID whose tables
// differ, TLBI VAE1/ASIDE1 naming another ASID leaving an entry, TLBI ASIDE1 leaving a global
// entry, a stale read-only entry faulting a store after the descriptor became writable (QEMU
// walks again on a permission miss), and a tagged pointer hitting the entry its untagged form
// made (QEMU's TLB is keyed by the tagged address, so it walks again). test/virt/arch/tlb.s
// checks those on granule alone.
//
// Between caching an entry and checking that it is stale, nothing is printed: QEMU's TLB is
// direct-mapped by page number, and the UART, stack and table pages could evict it.

        .include "lib.s"

        .equ P_IDX, 0x1f0                       // tt_l3_test index of the page under test
        .equ P, TEST_VA + P_IDX * 0x1000
        .equ Q, TEST_VA + (P_IDX + 1) * 0x1000  // another page
        .equ PA_A, SCRATCH + 0x40000            // holds 0xaaaa...
        .equ PA_B, SCRATCH + 0x41000            // holds 0xbbbb...
        .equ PA_C, SCRATCH + 0x42000            // holds 0xcccc...
        .equ PTE, D_PAGE | D_AF | D_SH | D_ATTR_TAGGED | D_AP_EL1RW | D_XN
        .equ PTE_NG, PTE | D_NG

// x20 = the descriptor of P, x21 = &tt_l3_test[P_IDX]: set them up once.
// Points P at `pa` without TLB maintenance (the store is made visible to the walker).
.macro REMAP pa, bits=PTE
        ldr x16, =(\pa) | (\bits)
        str x16, [x21]
        dsb ish
        isb
.endm

// One TLBI case: P -> A (cached by a load), remapped to B silently, a load (stale: A), the
// maintenance `insns`, a load (B). Prints the three first words read. `pte`: the page's bits
// (PTE_NG for ASIDE1, which leaves global entries alone where QEMU flushes everything).
.macro TLBI_CASE name, pte, insns:vararg
        TEST "\name"
        REMAP PA_A, \pte
        FLUSH
        ldr x0, [x22]
        REMAP PA_B, \pte
        ldr x1, [x22]
        \insns
        dsb ish
        isb
        ldr x2, [x22]
        PX x0
        PX x1
        PX x2
        NL
.endm

        .text
main:
        stp x29, x30, [sp, #-16]!
        bl setup
        ldr x21, =tt_l3_test + 8 * P_IDX
        ldr x22, =P
        ldr x23, =P >> 12                       // TLBI operand: VA[55:12], ASID 0
        ldr x24, =Q >> 12
        ldr x25, =(P >> 12) | (5 << 48)         // the same page, ASID field 5

        TLBI_CASE "no TLBI: the stale entry stays", PTE, nop
        TLBI_CASE "TLBI VAE1", PTE, tlbi vae1, x23
        TLBI_CASE "TLBI VALE1", PTE, tlbi vale1, x23
        TLBI_CASE "TLBI VAAE1", PTE, tlbi vaae1, x23
        TLBI_CASE "TLBI VAALE1", PTE, tlbi vaale1, x23
        TLBI_CASE "TLBI VMALLE1", PTE, tlbi vmalle1
        TLBI_CASE "TLBI ASIDE1 (ASID 0, a non-global entry)", PTE_NG, tlbi aside1, xzr
        TLBI_CASE "TLBI VAE1IS", PTE, tlbi vae1is, x23
        TLBI_CASE "TLBI VALE1IS", PTE, tlbi vale1is, x23
        TLBI_CASE "TLBI VAAE1IS", PTE, tlbi vaae1is, x23
        TLBI_CASE "TLBI VAALE1IS", PTE, tlbi vaale1is, x23
        TLBI_CASE "TLBI VMALLE1IS", PTE, tlbi vmalle1is
        TLBI_CASE "TLBI ASIDE1IS (ASID 0, a non-global entry)", PTE_NG, tlbi aside1is, xzr
        TLBI_CASE "TLBI VAE1 of another page leaves the entry", PTE, tlbi vae1, x24
        TLBI_CASE "TLBI VAE1 naming ASID 5 still removes a global entry", PTE, tlbi vae1, x25
        TLBI_CASE "TLBI VAAE1 naming ASID 5 (ignored)", PTE, tlbi vaae1, x25
        TLBI_CASE "IC IALLU is not TLB maintenance", PTE, ic iallu

        TEST "a leaf entry survives a change of its table descriptor"
        REMAP PA_A
        FLUSH
        ldr x0, [x22]
        // tt_l2_test[0] -> tt_l3_alt, where P maps PA_C.
        ldr x16, =tt_l3_alt + D_TABLE
        ldr x17, =tt_l2_test
        str x16, [x17]
        dsb ish
        isb
        ldr x1, [x22]
        tlbi vae1, x23
        dsb ish
        isb
        ldr x2, [x22]
        ldr x16, =tt_l3_test + D_TABLE
        ldr x17, =tt_l2_test
        str x16, [x17]
        FLUSH
        ldr x3, [x22]
        PX x0
        PX x1
        PX x2
        PX x3
        NL

        TEST "faulting descriptors are never cached"
        REMAP 0, 0
        FLUSH
        ldr x0, =0
        ldr x0, [x22]
        REMAP PA_A
        ldr x1, [x22]
        REMAP PA_B, PTE & ~D_AF
        FLUSH
        ldr x2, =0
        ldr x2, [x22]
        REMAP PA_B
        ldr x3, [x22]
        PX x1
        PX x2
        PX x3
        NL

        TEST "AT walks the tables, not the TLB"
        REMAP PA_A
        FLUSH
        ldr x0, [x22]
        REMAP PA_B
        at s1e1r, x22
        isb
        mrs x1, par_el1
        ldr x2, [x22]
        REMAP 0, 0
        at s1e1r, x22
        isb
        mrs x3, par_el1
        ldr x4, [x22]
        FLUSH
        PX x0
        PX x1
        PX x2
        PX x3
        PX x4
        NL
        ldr x4, [x22]

        TEST "ASIDs: two sets of tables, switched through TTBR0_EL1"
        // ASID 1: the standard tables, P -> A (non-global). ASID 2: tt_l1_b, P -> B.
        REMAP PA_A, PTE_NG
        ldr x16, =tt_l3_b + 8 * P_IDX
        ldr x17, =PA_B | PTE_NG
        str x17, [x16]
        ldr x26, =tt_l1 | (1 << 48)
        ldr x27, =tt_l1_b | (2 << 48)
        msr ttbr0_el1, x26
        isb
        FLUSH
        ldr x0, [x22]
        msr ttbr0_el1, x27
        isb
        ldr x1, [x22]
        msr ttbr0_el1, x26
        isb
        ldr x2, [x22]
        msr ttbr0_el1, x27
        isb
        ldr x3, [x22]
        ldr x16, =2 << 48
        tlbi aside1, x16
        dsb ish
        isb
        ldr x4, [x22]
        ldr x16, =(2 << 48) | (P >> 12)
        tlbi vae1, x16
        dsb ish
        isb
        ldr x5, [x22]
        mrs x6, ttbr0_el1
        msr ttbr0_el1, x26
        isb
        ldr x7, [x22]
        PX x0
        PX x1
        PX x2
        PX x3
        NL
        PX x4
        PX x5
        PX x6
        PX x7
        NL
        bl reset_mmu

        ldp x29, x30, [sp], #16
        mov w0, #0
        ret

// PA_A/B/C hold their patterns; tt_l1_b is tt_l1 with level-1 entry 3 -> tt_l2_b -> tt_l3_b.
setup:
        ldr x0, =PA_A
        ldr x1, =0xaaaaaaaaaaaaaaaa
        str x1, [x0]
        ldr x0, =PA_B
        ldr x1, =0xbbbbbbbbbbbbbbbb
        str x1, [x0]
        ldr x0, =PA_C
        ldr x1, =0xcccccccccccccccc
        str x1, [x0]
        ldr x0, =tt_l3_alt + 8 * P_IDX
        ldr x1, =PA_C | PTE
        str x1, [x0]
        ldr x0, =tt_l1
        ldr x1, =tt_l1_b
        ldp x2, x3, [x0]
        stp x2, x3, [x1]
        ldr x2, [x0, #16]
        str x2, [x1, #16]
        ldr x2, =tt_l2_b + D_TABLE
        str x2, [x1, #24]
        ldr x0, =tt_l2_b
        ldr x1, =tt_l3_b + D_TABLE
        str x1, [x0]
        dsb ish
        ret

        .bss
        .balign 4096
tt_l3_alt:      .skip 4096
tt_l1_b:        .skip 4096
tt_l2_b:        .skip 4096
tt_l3_b:        .skip 4096
