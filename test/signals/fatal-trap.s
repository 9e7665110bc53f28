// BRK with no SIGTRAP handler: the process dies of SIGTRAP (TRAP_BRKPT).
        .include "lib.s"

main:
        PUTS "brk #0x42\n"
        brk #0x42
        PUTS "not reached\n"
        mov w0, #0
        ret
