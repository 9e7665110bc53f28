// granule-only (QEMU 10 differs): TLB behaviour that depends on ASIDs and on entries QEMU drops.
// QEMU 10's TLB ignores ASIDs (it flushes everything when TTBR0_EL1's ASID changes and treats
// TLBI by ASID as TLBI of everything), is keyed by the tagged address, and walks again on a
// permission miss. The architecture allows a TLB to keep each of these entries until a TLBI
// that covers it; granule's architectural TLB keeps them (DESIGN.md decision 5), and this
// program checks that it does. Expected output: tlb.expected, written from the architecture.

        .include "../lib.s"

        .equ P_IDX, 0x1f0
        .equ P, TEST_VA + P_IDX * 0x1000
        .equ PA_A, SCRATCH + 0x40000            // holds 0xaaaa...
        .equ PA_B, SCRATCH + 0x41000            // holds 0xbbbb...
        .equ PTE, D_PAGE | D_AF | D_SH | D_ATTR_TAGGED | D_AP_EL1RW | D_XN
        .equ PTE_NG, PTE | D_NG
        .equ PTE_RO, D_PAGE | D_AF | D_SH | D_ATTR_TAGGED | D_AP_EL1RO | D_XN

.macro REMAP pa, bits=PTE
        ldr x16, =(\pa) | (\bits)
        str x16, [x21]
        dsb ish
        isb
.endm

.macro TLBI_OP op, operand
        tlbi \op, \operand
        dsb ish
        isb
.endm

        .text
main:
        stp x29, x30, [sp, #-16]!
        bl setup
        ldr x21, =tt_l3_test + 8 * P_IDX
        ldr x22, =P
        ldr x26, =tt_l1 | (1 << 48)             // ASID 1: the standard tables
        ldr x27, =tt_l1_b | (2 << 48)           // ASID 2: P maps PA_B there
        msr ttbr0_el1, x26
        isb
        FLUSH

        TEST "a non-global entry of ASID 1 survives a switch to ASID 2 and back"
        REMAP PA_A, PTE_NG
        ldr x0, [x22]                           // ASID 1: A, cached
        msr ttbr0_el1, x27
        isb
        ldr x1, [x22]                           // ASID 2: B (its own walk)
        REMAP PA_B, PTE_NG                      // ASID 1's descriptor changes, no TLBI
        msr ttbr0_el1, x26
        isb
        ldr x2, [x22]                           // ASID 1: still A
        ldr x16, =(2 << 48) | (P >> 12)
        TLBI_OP vae1, x16                       // another ASID: kept
        ldr x3, [x22]
        ldr x16, =2 << 48
        TLBI_OP aside1, x16                     // another ASID: kept
        ldr x4, [x22]
        ldr x16, =1 << 48
        TLBI_OP aside1, x16                     // this ASID: gone
        ldr x5, [x22]
        PX x0
        PX x1
        PX x2
        NL
        PX x3
        PX x4
        PX x5
        NL

        TEST "a global entry is used under another ASID whose tables differ"
        REMAP PA_A, PTE
        FLUSH
        ldr x0, [x22]                           // ASID 1: A, global
        msr ttbr0_el1, x27
        isb
        ldr x1, [x22]                           // ASID 2: the global entry, A
        ldr x16, =2 << 48
        TLBI_OP aside1, x16                     // ASIDE1 keeps global entries
        ldr x2, [x22]
        ldr x16, =(7 << 48) | (P >> 12)
        TLBI_OP vae1, x16                       // VAE1 removes a global entry whatever the ASID
        ldr x3, [x22]                           // ASID 2's tables: B
        msr ttbr0_el1, x26
        isb
        PX x0
        PX x1
        PX x2
        PX x3
        NL

        TEST "TLBI ASIDE1 keeps a global entry of the current ASID"
        REMAP PA_A, PTE
        FLUSH
        ldr x0, [x22]
        REMAP PA_B, PTE
        ldr x16, =1 << 48
        TLBI_OP aside1, x16
        ldr x1, [x22]
        tlbi vmalle1
        dsb ish
        isb
        ldr x2, [x22]
        PX x0
        PX x1
        PX x2
        NL

        TEST "a tagged pointer hits the entry its untagged form made"
        REMAP PA_A, PTE
        FLUSH
        ldr x0, [x22]
        REMAP PA_B, PTE
        ldr x4, =P | 0xf000000000000000
        ldr x1, [x4]
        ldr x23, =P >> 12
        TLBI_OP vaae1, x23
        ldr x2, [x4]
        PX x0
        PX x1
        PX x2
        NL

        TEST "a read-only entry stays read-only until TLBI"
        REMAP PA_A, PTE_RO
        FLUSH
        ldr x0, [x22]
        REMAP PA_A, PTE
        ldr x1, =0x1111111111111111
        str x1, [x22]                           // the cached entry: permission fault
        ldr x23, =P >> 12
        TLBI_OP vale1, x23
        str x1, [x22]
        ldr x2, [x22]
        PX x0
        PX x2
        NL
        bl reset_mmu

        ldp x29, x30, [sp], #16
        mov w0, #0
        ret

setup:
        ldr x0, =PA_A
        ldr x1, =0xaaaaaaaaaaaaaaaa
        str x1, [x0]
        ldr x0, =PA_B
        ldr x1, =0xbbbbbbbbbbbbbbbb
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
        ldr x0, =tt_l3_b + 8 * P_IDX
        ldr x1, =PA_B | PTE_NG
        str x1, [x0]
        dsb ish
        ret

        .bss
        .balign 4096
tt_l1_b:        .skip 4096
tt_l2_b:        .skip 4096
tt_l3_b:        .skip 4096
