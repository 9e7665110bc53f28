// How a process ends, as the parent's wait4 status shows it: SA_RESETHAND: the first SIGSEGV runs the handler, which resets the action, so the second kills the process (11).

        .include "lib.s"

main:
        stp x29, x30, [sp, #-16]!
        TEST "end-resethand"
        mov x0, #SIGSEGV
        ldr x1, =SA_RESETHAND
        bl handle
        SHOW sigaction
        mov x9, #0x10
        ldr x10, [x9]
        PUTS "  survived the first fault\n"
        FLUSH
        ldr x10, [x9]
        PUTS "  not reached\n"
        mov w0, #0
        ldp x29, x30, [sp], #16
        ret
