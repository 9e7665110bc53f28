// How a process ends, as the parent's wait4 status shows it: a synchronous tag check fault while SIGSEGV is ignored: force_sig_fault resets the action and the process dies of SIGSEGV (11) (kernel-uaccess.md scenario 1).

        .include "lib.s"

main:
        stp x29, x30, [sp, #-16]!
        TEST "end-mte-ignored"
        ldr x0, =MTE_SYNC
        bl set_mte
        SHOW prctl
        ldr x0, =BUF
        mov x1, #4096
        mov x2, #PROT_RWM
        bl map_fixed
        SHOW mmap
        ldr x0, =BUF + 16 + (1 << 56)
        mov x1, #16
        bl set_tags
        mov x0, #SIGSEGV
        mov x1, #SIG_IGN
        mov x2, #0
        mov x3, #0
        bl sigaction
        SHOW sig_ign
        FLUSH
        ldr x9, =BUF
        ldrb w10, [x9, #16]
        PUTS "  not reached\n"
        mov w0, #0
        ldp x29, x30, [sp], #16
        ret
