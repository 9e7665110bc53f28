// How a process ends, as the parent's wait4 status shows it: an asynchronous tag check fault while SIGSEGV is blocked stays pending (not forced); exit_group then ends the process normally with status 3.

        .include "lib.s"

main:
        stp x29, x30, [sp, #-16]!
        TEST "end-async-blocked"
        ldr x0, =MTE_ASYNC
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
        mov x0, #SIG_BLOCK
        mov x1, #(1 << (SIGSEGV - 1))
        bl sigmask
        SHOW old_mask
        FLUSH
        ldr x9, =BUF
        ldrb w10, [x9, #16]
        SYS SYS_getpid
        PUTS "  still running after a syscall\n"
        FLUSH
        mov x0, #3
        SYS SYS_exit_group
        PUTS "  not reached\n"
        mov w0, #0
        ldp x29, x30, [sp], #16
        ret
