// PSTATE.TCO and signal handlers: Linux enters every handler with TCO = 0 (setup_return clears
// it), keeps the interrupted TCO in the frame's pstate, and rt_sigreturn restores it, including
// a value the handler wrote into the frame. qemu-user runs handlers with TCO = 1.
        .include "lib.s"

        .equ PSR_TCO, 1 << 25

main:
        stp x29, x30, [sp, #-16]!
        SIGACTION SIGUSR1, on_usr1, SA_SIGINFO | SA_RESTORER
        PUTS "[TCO = 1, then a signal]\n"
        msr tco, #1
        RAISE SIGUSR1
        mrs x0, tco
        PUTS "  after: tco="
        lsr x0, x0, #25
        PHEX x0
        NL
        PUTS "[TCO = 0, the handler sets TCO in the frame]\n"
        msr tco, #0
        adr x9, set_tco
        mov x10, #1
        str x10, [x9]
        RAISE SIGUSR1
        mrs x0, tco
        PUTS "  after: tco="
        lsr x0, x0, #25
        PHEX x0
        NL
        PUTS "[TCO = 1, the handler clears it in the frame]\n"
        msr tco, #1
        adr x9, set_tco
        mov x10, #2
        str x10, [x9]
        RAISE SIGUSR1
        mrs x0, tco
        PUTS "  after: tco="
        lsr x0, x0, #25
        PHEX x0
        NL
        msr tco, #0
        ldp x29, x30, [sp], #16
        mov w0, #0
        ret

on_usr1:
        stp x29, x30, [sp, #-16]!
        mrs x3, tco
        PUTS "  handler: tco="
        lsr x3, x3, #25
        PHEX x3
        ldr x3, [x2, #UC_PSTATE]
        PUTS " frame_tco="
        ubfx x4, x3, #25, #1
        PHEX x4
        NL
        adr x9, set_tco
        ldr x10, [x9]
        cmp x10, #1
        b.ne 1f
        orr x3, x3, #PSR_TCO
1:      cmp x10, #2
        b.ne 2f
        and x3, x3, #~PSR_TCO
2:      str x3, [x2, #UC_PSTATE]
        ldp x29, x30, [sp], #16
        ret

        .data
set_tco: .quad 0
