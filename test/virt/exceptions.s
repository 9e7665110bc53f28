// Synchronous exceptions from EL1 and EL0: the exception-generating instructions, UNDEFINED
// encodings, EL1-only registers and instructions at EL0, the SCTLR_EL1 EL0 traps (UCT, DZE,
// UCI, UMA, nTWI, nTWE) and CNTKCTL_EL1, PC alignment, SPSel and the vector offsets, ERET to
// EL1h/EL1t/EL0t restoring PSTATE, and illegal exception returns.
//
// Left out because QEMU 10 is not the architecture there (see reference/oracles.md):
// - SP alignment faults: QEMU -cpu max never checks SCTLR_EL1.SA/SA0 (lib.s keeps them 0).
// - MSR DAIFSet/DAIFClr trapped at EL0 (UMA = 0): QEMU swaps Op1 and Op2 in the ISS. The
//   register forms (MRS/MSR DAIF) and the untrapped immediate forms are tested instead.
// - Exceptions at the target of BR/BLR: QEMU -cpu max implements FEAT_BTI and would show
//   SPSR.BTYPE; PC alignment is reached with RET and ERET, which leave BTYPE 0.
// - HVC #0 with a function ID that is not PSCI's: QEMU treats the HVC as UNDEFINED where a
//   firmware would answer NOT_SUPPORTED; only PSCI functions are called.
// - WFI/WFE that are not trapped: with no interrupt source they would wait forever (WFE after
//   SEVL, which returns at once, is tested).
// - WFE at EL0 with nTWE = 0 and the event register clear: QEMU never traps WFE. The one WFE at
//   EL0 here follows an exception return, which sets the event register, so the architecture
//   also completes it without a trap (the trap check comes after the event register's).

        .include "lib.s"

        .text
main:
        stp x29, x30, [sp, #-16]!

        TEST "exception-generating instructions at EL1"
        svc #0
        svc #0xffff
        brk #0
        brk #0xbeef
        hlt #1                          // only HLT #0xF000 is semihosting: UNDEFINED
        hlt #0xf001
        udf #0
        udf #0xffff

        TEST "unallocated encodings at EL1"
        .inst 0x02000000                // op0 = 0b0001: unallocated
        .inst 0x93000000                // SBFM with sf = 1, N = 0
        .inst 0x8bc00000                // ADD (shifted register) with shift = 0b11
        .inst 0x0a008000                // AND (shifted register), 32-bit, imm6 = 32
        .inst 0x8b20f400                // ADD (extended register) with imm3 = 5
        .inst 0x12c00000                // MOVN, 32-bit, hw = 2
        .inst 0xd4200001                // exception generation, opc = 001, LL = 01
        .inst 0xd9201000                // STZGM with imm9 != 0
        .inst 0xd6bf03e0                // ERET-like, opc = 0101 (DRPS): UNDEFINED outside Debug state
        PUTS "done\n"

        TEST "PSTATE in SPSR_EL1: NZCV, DAIF, PAN, UAO, TCO"
        mov x0, #0x9
        lsl x0, x0, #28
        msr nzcv, x0
        msr daifclr, #0xf
        msr daifset, #5
        svc #1
        msr pan, #1
        msr uao, #1
        msr tco, #1
        svc #2
        msr pan, #0
        msr uao, #0
        msr tco, #0
        msr daifset, #0xf
        msr nzcv, xzr
        svc #3

        TEST "SPSel = 0 at EL1: vector offset 0x000"
        ldr x0, =el1t_stack_top
        msr sp_el0, x0
        msr spsel, #0
        PX sp
        NL
        svc #4
        brk #4
        PSYS spsel
        NL
        msr spsel, #1
        PSYS spsel
        NL

        TEST "PC alignment fault at EL1 (RET to a misaligned address)"
        RECOVER 1f
        adr x1, 2f
        add x1, x1, #2
        ret x1
2:      nop
        nop
1:      PUTS "recovered\n"

        TEST "PC alignment fault after ERET to a misaligned ELR"
        RECOVER 1f
        adr x1, 2f
        add x1, x1, #1
        msr elr_el1, x1
        mov x2, #0x3c5
        msr spsr_el1, x2
        eret
2:      nop
        nop
1:      PUTS "recovered\n"

        TEST "ERET to EL1h restores NZCV, DAIF, PAN, UAO, TCO, DIT, SSBS"
        // N, V, TCO, DIT, UAO, PAN, SSBS, D, I, EL1h
        ldr x1, =(1 << 31) | (1 << 28) | (1 << 25) | (1 << 24) | (1 << 23) | (1 << 22) | (1 << 12) | (1 << 9) | (1 << 7) | 5
        msr spsr_el1, x1
        adr x2, 1f
        msr elr_el1, x2
        eret
1:      mrs x3, nzcv
        mrs x4, daif
        mrs x5, pan
        mrs x6, uao
        mrs x7, tco
        mrs x8, dit
        mrs x9, ssbs
        mrs x10, currentel
        mrs x11, spsel
        PX x3
        PX x4
        PX x5
        PX x6
        PX x7
        PX x8
        PX x9
        PX x10
        PX x11
        NL
        svc #5                          // the same state, seen through SPSR_EL1
        msr pan, #0
        msr uao, #0
        msr tco, #0
        msr dit, #0
        msr ssbs, #0
        msr daifset, #0xf
        msr nzcv, xzr

        TEST "ERET to EL1t (SP_EL0)"
        ldr x0, =el1t_stack_top
        msr sp_el0, x0
        mov x1, #0x3c4
        msr spsr_el1, x1
        adr x2, 1f
        msr elr_el1, x2
        eret
1:      PSYS spsel
        PX sp
        NL
        svc #6
        msr spsel, #1

        TEST "illegal exception returns at EL1"
        // Each ERET is illegal: PSTATE.IL is set, EL and SP stay, PC = ELR, and the next
        // instruction takes an Illegal Execution State exception (EC 0x0E). NZCV and DAIF
        // still come from SPSR.
        // (M[4] = 1, AArch32, is left out: QEMU -cpu max implements AArch32 at EL0.)
        .irp m, 0x9, 0xd, 0x2, 0x1, 0x8, 0x6
        ldr x1, =(6 << 28) | (0xf << 6) | \m
        msr spsr_el1, x1
        adr x2, 1f
        msr elr_el1, x2
        eret
1:      nop
        PUTS "after illegal return with M="
        mov x0, #\m
        PX x0
        NL
        .endr
        msr nzcv, xzr

        TEST "DAIF at EL1"
        msr daifclr, #0xf
        PSYS daif
        msr daifset, #0xa
        PSYS daif
        mov x0, #0x1c0
        msr daif, x0
        PSYS daif
        msr daifset, #0xf
        PSYS daif
        NL

        TEST "WFE after SEVL returns"
        sevl
        wfe
        PUTS "after wfe\n"

        TEST "PSCI through HVC #0; SMC is UNDEFINED (PSCI's conduit is HVC)"
        ldr x0, =0x84000000             // PSCI_VERSION
        hvc #0
        PX x0
        ldr x0, =0x8400000a             // PSCI_FEATURES(SYSTEM_OFF)
        ldr x1, =0x84000008
        hvc #0
        PX x0
        ldr x0, =0x8400000a             // PSCI_FEATURES(PSCI_VERSION)
        ldr x1, =0x84000000
        hvc #0
        PX x0
        NL
        ldr x0, =0x84000000
        smc #0
        PX x0
        NL

        TEST "ID registers: DCZID_EL0, GMID_EL1, CTR_EL0, ID_AA64PFR1_EL1.MTE"
        PSYS dczid_el0
        PSYS gmid_el1
        PSYS ctr_el0
        mrs x0, id_aa64pfr1_el1
        ubfx x0, x0, #8, #4
        PX x0
        NL

        // ---- EL0 ----

        TEST "exception-generating instructions at EL0"
        CALL_EL0 el0_exc
        PX x0
        NL

        TEST "EL1-only registers and instructions at EL0: UNDEFINED"
        CALL_EL0 el0_undef
        PX x0
        NL

        TEST "EL0 traps with UCT, DZE, UCI, UMA, nTWI, nTWE = 0 and CNTKCTL_EL1 = 0"
        SYSCLR sctlr_el1, SC_NTWI | SC_NTWE
        ldr x0, =SCRATCH
        ldr x1, =0x1111111111111111
        .rept 16
        str x1, [x0], #8
        .endr
        mov x1, #0
        CALL_EL0 el0_traps
        ldr x0, =SCRATCH
        mov x1, #16
        bl print_mem
        NL

        TEST "the same at EL0 with UCT, DZE, UCI, UMA = 1"
        SYSSET sctlr_el1, SC_UCT | SC_DZE | SC_UCI | SC_UMA
        mov x1, #1
        CALL_EL0 el0_traps
        ldr x0, =SCRATCH
        mov x1, #16
        bl print_mem
        NL
        SYSSET sctlr_el1, SC_NTWI | SC_NTWE
        SYSCLR sctlr_el1, SC_UCT | SC_DZE | SC_UCI | SC_UMA

        TEST "PC alignment fault at EL0"
        CALL_EL0 el0_pcalign
        PX x0
        NL

        TEST "SVC from EL0 keeps the EL0 PSTATE in SPSR_EL1"
        CALL_EL0 el0_pstate
        PX x0
        NL

        ldp x29, x30, [sp], #16
        mov w0, #42                     // a non-zero exit status, through semihosting SYS_EXIT
        ret

// ---- EL0 functions (run through CALL_EL0) --------------------------------------------------

el0_exc:
        svc #0
        svc #0x42
        brk #1
        hlt #2
        mov x0, #0x99                   // not a semihosting call at EL0: HLT #0xF000 is UNDEFINED
        hlt #0xf000
        udf #7
        .inst 0x02000000
        mov x0, #1
        ret

el0_undef:
        mrs x1, sctlr_el1
        msr sctlr_el1, xzr
        mrs x1, currentel
        mrs x1, spsel
        mrs x1, elr_el1
        mrs x1, sp_el0
        msr pan, #1
        msr spsel, #1
        msr uao, #1
        tlbi vmalle1
        dc ivac, x1
        at s1e1r, x1
        eret
        hvc #0
        smc #0
        mov x0, #2
        ret

// x0 = 1 when UMA = 1 (MSR DAIFSet/DAIFClr are then not trapped).
el0_traps:
        mrs x1, dczid_el0
        UPX x1
        mrs x1, ctr_el0
        UPX x1
        UPUTS "\n"
        mrs x1, daif
        UPX x1
        msr daif, xzr
        cbz x0, 2f
        msr daifset, #2
        mrs x1, daif
        UPX x1
        msr daifclr, #2
2:      mrs x1, nzcv
        mrs x1, tpidr_el0
        UPUTS "\n"
        adr x2, 1f
        ldr x3, =SCRATCH + EL0_OFF + 8
        dc zva, x3
        dc civac, x3
        dc cvau, x3
        ic ivau, x2
1:      mrs x1, cntvct_el0
        mrs x1, cntfrq_el0
        wfi
        wfe
        UPUTS "el0 done\n"
        mov x0, #3
        ret

el0_pcalign:
        RECOVER 1f
        adr x1, 2f
        add x1, x1, #2
        ret x1
2:      nop
1:      UPUTS "recovered at EL0\n"
        mov x0, #4
        ret

el0_pstate:
        mov x1, #0x6
        lsl x1, x1, #28
        msr nzcv, x1
        msr tco, #1
        svc #9
        msr tco, #0
        msr nzcv, xzr
        svc #10
        mov x0, #5
        ret

        .bss
        .balign 16
el1t_stack:     .skip 1024
el1t_stack_top:
