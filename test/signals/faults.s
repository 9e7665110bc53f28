// One handler for the synchronous faults other than data aborts: SIGILL for an undefined
// instruction (si_addr = pc; do_undefinstr resets the thread's fault state, so no esr_context
// and fault_address 0), SIGTRAP for BRK (si_addr = pc; brk_handler records no fault state),
// SIGBUS for a PC alignment fault (si_addr = the pc; esr_context 0x8a000000, fault_address 0),
// SIGSEGV for an instruction fetch from a non-executable page (SEGV_ACCERR, esr 0x8200000f,
// fault_address = the pc), SIGSEGV for a load from the kernel half (SEGV_MAPERR: no VMA there;
// the ESR Linux records is reduced to a level-0 translation fault, 0x92000004), then kill() (no
// fault: the last fault's state is still in the frame).
// The handler prints its frame's pstate without BTYPE (bits 11:10: the oracle's CPU has FEAT_BTI,
// so a BR/BLR leaves BTYPE set at the faulting target; granule's core has no BTI).
        .include "lib.s"

main:
        stp x29, x30, [sp, #-16]!
        stp x19, x20, [sp, #-16]!
        SIGACTION SIGILL, on_fault, SA_SIGINFO | SA_RESTORER
        SIGACTION SIGTRAP, on_fault, SA_SIGINFO | SA_RESTORER
        SIGACTION SIGBUS, on_fault, SA_SIGINFO | SA_RESTORER
        SIGACTION SIGSEGV, on_fault, SA_SIGINFO | SA_RESTORER
        SIGACTION SIGUSR1, on_fault, SA_SIGINFO | SA_RESTORER
        adr x19, main                   // addresses print relative to main
        mov x0, #4096
        mov x1, #(PROT_READ | PROT_WRITE)
        bl mmap_anon
        mov x20, x0                     // a data page
        ldr w1, =0xd65f03c0             // ret
        str w1, [x20]

        PUTS "[udf #0x1234]\n"
        adr x21, 1f
        mov x16, #0xa
        lsl x16, x16, #28
        msr nzcv, x16
        udf #0x1234
1:      PUTS "[brk #0x77]\n"
        adr x21, 2f
        brk #0x77
2:      PUTS "[br to pc + 2]\n"
        adr x21, 3f
        adr x9, 3f
        add x9, x9, #2
        br x9
3:      PUTS "[blr to a data page]\n"
        adr x21, 4f
        blr x20
4:      PUTS "[ldr from the kernel half, 0xffff000000000000]\n"
        adr x21, 6f
        mov x9, #0xffff000000000000
        ldr x0, [x9]
6:      PUTS "[kill(getpid(), SIGUSR1)]\n"
        adr x21, 5f
        RAISE SIGUSR1
5:      ldp x19, x20, [sp], #16
        ldp x29, x30, [sp], #16
        mov w0, #0
        ret

// Prints the signal; resumes at x21.
on_fault:
        stp x29, x30, [sp, #-16]!
        mov x22, x2
        PUTS "  "
        bl print_siginfo
        ldrsw x3, [x1, #8]
        cmp x3, #0
        b.le 1f
        ldr x3, [x1, #16]
        PUTS " addr="
        bl print_rel
1:      ldr x3, [x22, #UC_PC]
        PUTS " pc="
        bl print_rel
        ldr x3, [x22, #UC_FAULT_ADDRESS]
        PUTS " fault_address="
        bl print_rel
        mov x0, x22
        bl find_esr
        PUTS " esr="
        PHEX x0
        ldr x3, [x22, #UC_PSTATE]
        and x3, x3, #~0xc00
        PUTS " pstate="
        PHEX x3
        NL
        str x21, [x22, #UC_PC]
        ldp x29, x30, [sp], #16
        ret

// Prints x3 as main+off, page+off (x20) or as it is.
print_rel:
        stp x29, x30, [sp, #-16]!
        sub x4, x3, x19
        cmp x4, #0x1000
        b.hs 1f
        PUTS "main+"
        PHEX x4
        b 3f
1:      sub x4, x3, x20
        cmp x4, #0x1000
        b.hs 2f
        PUTS "page+"
        PHEX x4
        b 3f
2:      PHEX x3
3:      ldp x29, x30, [sp], #16
        ret
