// How a process ends, as the parent's wait4 status shows it: exit(300) (the thread exit syscall, 93): the status is 300 & 0xff = 44.

        .include "lib.s"

main:
        stp x29, x30, [sp, #-16]!
        TEST "end-exit-thread"
        PUTS "  exiting with 300\n"
        FLUSH
        ldr x0, =300
        SYS SYS_exit
        PUTS "  not reached\n"
        mov w0, #0
        ldp x29, x30, [sp], #16
        ret
