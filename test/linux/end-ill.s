// How a process ends, as the parent's wait4 status shows it: an undefined instruction with no handler: SIGILL (4).

        .include "lib.s"

main:
        stp x29, x30, [sp, #-16]!
        TEST "end-ill"
        PUTS "  executing udf #0\n"
        FLUSH
        .inst 0x00000000
        PUTS "  not reached\n"
        mov w0, #0
        ldp x29, x30, [sp], #16
        ret
