// How a process ends, as the parent's wait4 status shows it: exit_group(42) after printing (the buffered output is written first).

        .include "lib.s"

main:
        stp x29, x30, [sp, #-16]!
        TEST "end-exit"
        PUTS "  exiting with 42\n"
        FLUSH
        mov x0, #42
        SYS SYS_exit_group
        PUTS "  not reached\n"
        mov w0, #0
        ldp x29, x30, [sp], #16
        ret
