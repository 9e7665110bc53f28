// A synchronous fault cannot be blocked away: with a SIGSEGV handler installed but SIGSEGV
// blocked, force_sig_fault resets the handler to SIG_DFL and unblocks the signal, so the store
// to read-only memory (SEGV_ACCERR) kills the process.
        .include "lib.s"

main:
        stp x29, x30, [sp, #-16]!
        SIGACTION SIGSEGV, on_segv, SA_SIGINFO | SA_RESTORER
        SIGMASK SIG_BLOCK, 1 << (SIGSEGV - 1)
        PUTS "SIGSEGV blocked; storing into .text\n"
        adr x9, main
        str xzr, [x9]
        PUTS "not reached\n"
        ldp x29, x30, [sp], #16
        mov w0, #0
        ret

on_segv:
        PUTS "handler: not reached\n"
        ret
