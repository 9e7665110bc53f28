// kill(getpid(), SIGTERM) with the default action: the process is terminated (no core) when the
// kill syscall returns.
        .include "lib.s"

main:
        PUTS "sending SIGTERM to myself\n"
        RAISE SIGTERM
        PUTS "not reached\n"
        mov w0, #0
        ret
