// How a process ends, as the parent's wait4 status shows it: kill(getpid(), SIGTERM) with the default action: killed by SIGTERM (15).

        .include "lib.s"

main:
        stp x29, x30, [sp, #-16]!
        TEST "end-kill"
        PUTS "  sending SIGTERM to itself\n"
        FLUSH
        SYS SYS_getpid
        mov x1, #15
        SYS SYS_kill
        PUTS "  not reached\n"
        mov w0, #0
        ldp x29, x30, [sp], #16
        ret
