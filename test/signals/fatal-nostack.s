// A signal whose frame cannot be written: with sp pointing at unmapped memory, delivering
// SIGUSR1 fails (setup_rt_frame), so force_sigsegv() raises SIGSEGV (SI_KERNEL); its handler's
// frame cannot be written either, which makes SIGSEGV fatal (force_fatal_sig).
        .include "lib.s"

main:
        SIGACTION SIGUSR1, on_signal, SA_SIGINFO | SA_RESTORER
        SIGACTION SIGSEGV, on_signal, SA_SIGINFO | SA_RESTORER
        PUTS "raising SIGUSR1 with sp = 0x10000\n"
        mov x9, #0x10000
        mov sp, x9
        RAISE SIGUSR1
        PUTS "not reached\n"
        mov w0, #0
        ret

on_signal:
        PUTS "handler: not reached\n"
        ret
