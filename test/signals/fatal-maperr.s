// A load through a NULL-based pointer with no handler: SIGSEGV (SEGV_MAPERR) kills the process.
        .include "lib.s"

main:
        PUTS "loading from 0x8\n"
        mov x0, #0
        ldr x1, [x0, #8]
        PUTS "not reached\n"
        mov w0, #0
        ret
