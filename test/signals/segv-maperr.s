// SIGSEGV with SEGV_MAPERR and SEGV_ACCERR caught by an SA_SIGINFO handler that prints the
// siginfo and the saved pc, then skips the faulting instruction by advancing uc_mcontext.pc.
// Untagged addresses only: qemu-aarch64 and Linux agree on everything printed here.
        .include "lib.s"
main:
        stp x29, x30, [sp, #-16]!
        SIGACTION SIGSEGV, on_segv, SA_SIGINFO | SA_RESTORER
        PUTS "rt_sigaction="
        PDEC x0
        NL
        mov x9, #0x10
        mov x0, #0x55
1:      ldr x0, [x9]                    // unmapped: SEGV_MAPERR, the load does not happen
        PUTS "after load x0="
        PHEX x0
        NL
        adr x9, main
2:      str x0, [x9, #8]                // .text is read-only: SEGV_ACCERR
        PUTS "after store\n"
        mov x9, #0xdead0000
3:      ldrb w0, [x9, #0x123]
        PUTS "after ldrb\n"
        ldp x29, x30, [sp], #16
        mov w0, #0
        ret

on_segv:
        stp x29, x30, [sp, #-16]!
        PUTS "SIGSEGV x0="
        PDEC x0
        bl print_siginfo
        PUTS " addr="
        ldr x3, [x1, #16]
        PHEX x3
        PUTS " pc-main="
        ldr x3, [x2, #UC_PC]
        adr x4, main
        sub x4, x3, x4
        PHEX x4
        PUTS " x9="
        ldr x4, [x2, #UC_REGS + 9 * 8]
        PHEX x4
        NL
        add x3, x3, #4
        str x3, [x2, #UC_PC]
        ldp x29, x30, [sp], #16
        ret
