// How a process ends, as the parent's wait4 status shows it: BRK with no handler: SIGTRAP (5).

        .include "lib.s"

main:
        stp x29, x30, [sp, #-16]!
        TEST "end-brk"
        PUTS "  executing brk #0x42\n"
        FLUSH
        brk #0x42
        PUTS "  not reached\n"
        mov w0, #0
        ldp x29, x30, [sp], #16
        ret
