// Asynchronous tag check faults (TCF0 = async): the mismatched store happens, nothing is
// reported until the next kernel entry; then SIGSEGV with SEGV_MTEAERR and si_addr 0, which is
// not forced. At a syscall Linux delivers it before running the syscall: the saved pc is the SVC
// itself and x0 its first argument, and after sigreturn the syscall runs once. At another entry
// (a page fault here) the saved pc is the instruction that entered. A blocked one stays pending
// and an ignored one is discarded; either way do_signal does not run, so the syscall that noticed
// the fault is not restarted and returns -ERESTARTNOINTR (-513) to the program. qemu-user runs
// the syscall first and reports pc after the SVC, and kills on a blocked or ignored one.
        .include "lib.s"

main:
        stp x29, x30, [sp, #-16]!
        stp x19, x20, [sp, #-16]!
        stp x21, x22, [sp, #-16]!
        ldr x0, =(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_ASYNC | (0xfffe << 3))
        bl set_tagged_addr_ctrl
        PUTS "prctl="
        PDEC x0
        mov x0, #4096
        mov x1, #(PROT_READ | PROT_WRITE | PROT_MTE)
        bl mmap_anon
        mov x19, x0
        TAGPTR x9, x19, 0x03
        add x9, x9, #16
        stg x9, [x9]
        mov x0, #8192
        mov x1, #(PROT_READ | PROT_WRITE)
        bl mmap_anon
        mov x21, x0                     // two plain pages, not touched yet
        SIGACTION SIGSEGV, on_segv, SA_SIGINFO | SA_RESTORER
        PUTS " sigaction="
        PDEC x0
        NL

        PUTS "[mismatched store, then write(1, \"X\\n\", 2)]\n"
        mov x10, #0x77
        str x10, [x19, #16]             // performed; TFSRE0_EL1.TF0 is set
        mov x0, #1
        adr x1, msg_x
        mov x2, #2
        mov x3, #0x333
        mov x8, #SYS_write
        adr x20, 1f
1:      svc #0
        PUTS "  write returned "
        PDEC x0
        msr tco, #1
        TAGPTR x11, x19, 0x03
        ldr x10, [x19, #16]
        msr tco, #0
        PUTS ", the store happened: "
        PHEX x10
        NL

        PUTS "[mismatched store, then a page fault]\n"
        str x10, [x19, #24]
        adr x20, 2f
2:      ldr x10, [x21]
        PUTS "  the load ran: "
        PHEX x10
        NL

        PUTS "[blocked: stays pending; the syscall that noticed it returns -ERESTARTNOINTR]\n"
        mov x8, #SYS_getpid
        svc #0
        mov x22, x0
        SIGMASK SIG_BLOCK, 1 << (SIGSEGV - 1)
        str x10, [x19, #16]
        mov x8, #SYS_getpid
        svc #0
        PUTS "  getpid="
        cmp x0, x22
        b.ne 4f
        PUTS "pid"
        b 5f
4:      PDEC x0
5:      bl get_pending
        PUTS " pending="
        PHEX x0
        NL
        adr x20, 3f
        SIGMASK SIG_UNBLOCK, 1 << (SIGSEGV - 1)
3:      PUTS "  unblocked\n"

        PUTS "[ignored: discarded]\n"
        SIGDISP SIGSEGV, SIG_IGN
        str x10, [x19, #24]
        mov x8, #SYS_getpid
        svc #0
        PUTS "  getpid="
        cmp x0, x22
        b.ne 6f
        PUTS "pid"
        b 7f
6:      PDEC x0
7:      mov x8, #SYS_getpid
        svc #0
        PUTS " then getpid="
        cmp x0, x22
        b.ne 8f
        PUTS "pid"
        b 9f
8:      PDEC x0
9:      bl get_pending
        PUTS " pending="
        PHEX x0
        NL
        mov x0, #(PR_TAGGED_ADDR_ENABLE)
        bl set_tagged_addr_ctrl

        ldp x21, x22, [sp], #16
        ldp x19, x20, [sp], #16
        ldp x29, x30, [sp], #16
        mov w0, #0
        ret

// x20 holds where the program expects the saved pc.
on_segv:
        stp x29, x30, [sp, #-16]!
        PUTS "  SIGSEGV"
        bl print_siginfo
        ldr x3, [x1, #16]
        PUTS " addr="
        PHEX x3
        ldr x3, [x2, #UC_PC]
        sub x3, x3, x20
        PUTS " pc-expected="
        PDEC x3
        PUTS " x0="
        ldr x3, [x2, #UC_REGS]
        PHEX x3
        PUTS " x3="
        ldr x3, [x2, #UC_REGS + 3 * 8]
        PHEX x3
        PUTS " x8="
        ldr x3, [x2, #UC_REGS + 8 * 8]
        PDEC x3
        NL
        ldp x29, x30, [sp], #16
        ret

        .section .rodata
msg_x:  .ascii "X\n"
