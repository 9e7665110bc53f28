// How a process ends, as the parent's wait4 status shows it: an unhandled SEGV_MAPERR kills the process with SIGSEGV (11).

        .include "lib.s"

main:
        stp x29, x30, [sp, #-16]!
        TEST "end-segv"
        PUTS "  loading from address 0x10\n"
        FLUSH
        mov x9, #0x10
        ldr x10, [x9]
        PUTS "  not reached\n"
        mov w0, #0
        ldp x29, x30, [sp], #16
        ret
