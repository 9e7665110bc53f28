// rt_sigreturn on a frame that is not one (pstate with DAIF set): Linux refuses it and raises
// SIGSEGV, which kills the process (no handler).
        .include "lib.s"

        .equ FRAME, 4688

main:
        PUTS "rt_sigreturn on a forged frame\n"
        mov x11, #FRAME
        sub x9, sp, x11
        mov sp, x9
        mov x10, #0
1:      str xzr, [x9, x10]
        add x10, x10, #8
        cmp x10, x11
        b.lo 1b
        mov x10, #0x3c0
        str x10, [x9, #128 + UC_PSTATE]
        mov x8, #SYS_rt_sigreturn
        svc #0
        PUTS "not reached\n"
        mov w0, #0
        ret
