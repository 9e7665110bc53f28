// granule-only (QEMU 10 differs): exception behaviour QEMU 10 does not model, against the
// architecture. Expected output: exceptions.expected.
// - WFE at EL0 with SCTLR_EL1.nTWE = 0 and the event register clear is trapped (EC 0x01,
//   ISS 1); QEMU never traps WFE. (SEVL sets the event register, the first WFE consumes it.)
// - A fetch from a misaligned address in an unmapped page takes the PC alignment fault, which
//   has priority over the Instruction Abort (QEMU reports the Instruction Abort).
// - SP alignment checking (SCTLR_EL1.SA/SA0): a load through a misaligned SP takes an SP
//   alignment fault (EC 0x26); QEMU -cpu max never checks.

        .include "../lib.s"

        .text
main:
        stp x29, x30, [sp, #-16]!

        TEST "WFE at EL0 with nTWE = 0"
        SYSCLR sctlr_el1, SC_NTWE
        CALL_EL0 el0_wfe
        SYSSET sctlr_el1, SC_NTWE

        TEST "a misaligned fetch from an unmapped page"
        RECOVER 1f
        ldr x1, =0x100000002
        ret x1
1:      PUTS "recovered\n"

        TEST "SP alignment: SA0 at EL0, SA at EL1 with SP_EL0"
        SYSSET sctlr_el1, (1 << 4)      // SA0
        CALL_EL0 el0_sp
        SYSCLR sctlr_el1, (1 << 4)
        SYSSET sctlr_el1, (1 << 3)      // SA
        BASE 2f
2:      ldr x1, =el1t_stack_top - 8
        msr sp_el0, x1
        msr spsel, #0
        ldr x0, [sp]
        ldr x0, [sp, #8]!
        mov x0, sp
        msr spsel, #1
        SYSCLR sctlr_el1, (1 << 3)
        ldr x1, =el1t_stack_top
        sub x0, x0, x1                  // -8: no writeback
        PX x0
        NL

        ldp x29, x30, [sp], #16
        mov w0, #0
        ret

el0_wfe:
        sevl
        wfe                             // the event register was set: completes
        wfe                             // clear: trapped
        UPUTS "after wfe\n"
        ret

el0_sp:
        mov x1, sp
        sub x2, x1, #4
        mov sp, x2
        ldr x0, [sp]
        str x0, [sp, #-16]!
        mov sp, x1
        UPUTS "sp restored\n"
        ret

        .bss
        .balign 16
el1t_stack:     .skip 256
el1t_stack_top:
