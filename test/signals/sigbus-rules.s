// expected: rules
// SIGBUS with BUS_ADRALN for the alignment faults QEMU does not take (so the Linux oracle
// cannot show them; test/golden/signals/sigbus-rules.out is written from Linux 6.1's code):
// - a misaligned exclusive load or store (DFSC 0x21): do_alignment_fault → do_bad_area:
//   set_thread_esr(far, esr), si_addr = far, fault_address = far, esr_context = the ESR
//   (0x92000021 for a load, 0x92000061 for a store; ISV = 0);
// - an access through a misaligned SP with SCTLR_EL1.SA0 set (Linux sets it): el0_sp →
//   do_sp_pc_abort(regs->sp) → arm64_notify_die: si_addr = sp, fault_address = 0,
//   esr_context = 0x9a000000 (EC 0x26, IL).
// The PC alignment fault, which QEMU does take, is in the oracle's programs (test/linux/signals.s).
        .include "lib.s"

main:
        stp x29, x30, [sp, #-16]!
        stp x19, x20, [sp, #-16]!
        SIGACTION SIGBUS, on_bus, SA_SIGINFO | SA_RESTORER
        adr x19, buf
        PUTS "[ldxr from buf+4]\n"
        add x9, x19, #4
        adr x20, 1f
        ldxr x0, [x9]
1:      PUTS "[stxr to buf+2]\n"
        add x9, x19, #2
        adr x20, 2f
        stxr w1, x0, [x9]
2:      PUTS "[ldr through sp = sp - 8]\n"
        mov x21, sp
        sub x9, sp, #8
        mov sp, x9
        adr x20, 3f
        ldr x0, [sp]
3:      mov sp, x21
        PUTS "  back\n"
        ldp x19, x20, [sp], #16
        ldp x29, x30, [sp], #16
        mov w0, #0
        ret

// Prints the fault relative to buf (x19) or to the misaligned sp, then resumes at x20 with the
// program's sp (the SP case needs it aligned again).
on_bus:
        stp x29, x30, [sp, #-16]!
        PUTS "  SIGBUS"
        bl print_siginfo
        ldr x3, [x1, #16]
        ldr x4, [x2, #UC_FAULT_ADDRESS]
        sub x5, x3, x19
        cmp x5, #64
        b.hs 1f
        PUTS " addr=buf+"
        PHEX x5
        PUTS " fault_address=buf+"
        sub x4, x4, x19
        PHEX x4
        b 2f
1:      ldr x5, [x2, #UC_SP]
        sub x5, x3, x5
        PUTS " addr=sp+"
        PHEX x5
        PUTS " fault_address="
        PHEX x4
2:
        mov x21, x2
        mov x0, x2
        bl find_esr
        mov x2, x21
        PUTS " esr="
        PHEX x0
        NL
        str x20, [x2, #UC_PC]
        ldr x3, [x2, #UC_SP]
        and x3, x3, #~15
        str x3, [x2, #UC_SP]
        ldp x29, x30, [sp], #16
        ret

        .data
        .balign 16
buf:    .skip 64
