// Asynchronous tag check faults at EL0 (kernel-uaccess.md scenario 2): the access is performed,
// nothing happens until the next kernel entry, then SIGSEGV with si_code 8 (SEGV_MTEAERR) and
// si_addr 0. When that entry is a syscall, the syscall has not run yet: the saved pc is the SVC
// itself, x0 still holds the first argument, and the SVC runs (once) after sigreturn. A page
// fault is a kernel entry too. The signal is not forced: blocked, it stays pending; ignored, it
// is discarded. PR_MTE_TCF_SYNC | PR_MTE_TCF_ASYNC resolves to async on 6.1 with the default
// mte_tcf_preferred. Ends with an async fault pending at exit_group: killed by SIGSEGV.
//
// Memory: BUF, one PROT_MTE page, allocation tag 0 except granule 1 (bytes 16..31) = tag 1;
// BUF2, one PROT_MTE page never touched before the page-fault test.

        .include "lib.s"

main:
        stp x29, x30, [sp, #-16]!
        TEST "setup"
        ldr x0, =MTE_ASYNC
        bl set_mte
        SHOW prctl
        bl get_mte
        SHOW get
        ldr x0, =BUF
        mov x1, #4096
        mov x2, #PROT_RWM
        bl map_fixed
        SHOW mmap
        ldr x0, =BUF2
        mov x1, #4096
        mov x2, #PROT_RWM
        bl map_fixed
        SHOW mmap2
        ldr x0, =BUF + 16
        mov x1, #1
        bl with_tag
        mov x1, #16
        bl set_tags
        ldr x0, =BUF
        mov w2, #0x5a
        mov x1, #48
        bl fill
        adr x0, path
        bl open_tmp
        mov x20, x0
        SHOW open
        mov x0, #SIGSEGV
        mov x1, #0
        bl handle
        SHOW sigaction
        adr x0, h_verbose
        mov x1, #1
        str x1, [x0]

        TEST "async store to granule 1, then write(fd, \"X\", 1)"
        ldr x9, =BUF
        mov w10, #0xee
        strb w10, [x9, #20]
        mov x0, x20
        adr x1, xbyte
        mov x2, #1
        mov x8, #SYS_write
        svc #0
        SHOW write
        mov x0, x20
        bl file_size
        SHOW file_size
        ldr x0, =BUF
        mov x1, #32
        bl dump_mem
        adr x0, h_verbose
        str xzr, [x0]

        TEST "async load from granule 1, then sched_yield"
        ldr x9, =BUF
        ldrb w10, [x9, #17]
        SYS SYS_sched_yield
        SHOW sched_yield
        PHEX loaded, x10
        NL

        TEST "two faults before one syscall: one signal"
        adr x0, h_count
        str xzr, [x0]
        ldr x9, =BUF
        ldrb w10, [x9, #17]
        strb w10, [x9, #30]
        ldr x11, [x9, #16]
        SYS SYS_getpid
        adr x0, h_count
        ldr x0, [x0]
        PDEC signals, x0
        NL

        TEST "no syscall, no signal"
        adr x0, h_count
        str xzr, [x0]
        ldr x9, =BUF
        ldrb w10, [x9, #17]
        mov x0, #0
        mov x1, #2000
1:      add x0, x0, #1
        cmp x0, x1
        b.lo 1b
        adr x0, h_count
        ldr x0, [x0]
        PDEC signals_before_syscall, x0
        NL
        SYS SYS_getpid
        adr x0, h_count
        ldr x0, [x0]
        PDEC signals_after_syscall, x0
        NL

        TEST "async fault noticed at a page fault (first touch of BUF2)"
        ldr x9, =BUF
        ldr x11, =BUF2
        mov x12, #0x66
        ldrb w10, [x9, #17]
        ldrb w12, [x11, #8]
        PHEX loaded, x12
        NL

        TEST "SIGSEGV blocked: the async signal stays pending"
        mov x0, #SIG_BLOCK
        mov x1, #(1 << (SIGSEGV - 1))
        bl sigmask
        SHOW old_mask
        FLUSH
        ldr x9, =BUF
        ldrb w10, [x9, #17]
        SYS SYS_getpid
        PUTS "  after getpid\n"
        adr x0, mask_old
        mov x1, #8
        SYS SYS_rt_sigpending
        SHOW rt_sigpending
        adr x0, mask_old
        ldr x0, [x0]
        PHEX pending, x0
        NL
        FLUSH
        mov x0, #SIG_UNBLOCK
        mov x1, #(1 << (SIGSEGV - 1))
        bl sigmask
        SHOW unblock

        TEST "SIGSEGV ignored: the async signal is discarded"
        mov x0, #SIGSEGV
        mov x1, #SIG_IGN
        mov x2, #0
        mov x3, #0
        bl sigaction
        SHOW sig_ign
        ldr x9, =BUF
        ldrb w10, [x9, #17]
        SYS SYS_getpid
        adr x0, mask_old
        mov x1, #8
        SYS SYS_rt_sigpending
        adr x0, mask_old
        ldr x0, [x0]
        PHEX pending, x0
        NL
        mov x0, #SIGSEGV
        mov x1, #0
        bl handle

        TEST "SYNC|ASYNC requested: the load fault is asynchronous"
        ldr x0, =PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | PR_MTE_TCF_ASYNC | (0xfffe << PR_MTE_TAG_SHIFT)
        bl set_mte
        SHOW prctl
        bl get_mte
        SHOW get
        FLUSH
        ldr x9, =BUF
        mov x10, #0x77
        ldrb w10, [x9, #17]
        strb w10, [x9, #18]
        SYS SYS_getpid
        PHEX loaded, x10
        NL

        TEST "async fault pending at exit_group: killed by SIGSEGV"
        mov x0, #SIGSEGV
        mov x1, #SIG_DFL
        mov x2, #0
        mov x3, #0
        bl sigaction
        SHOW sig_dfl
        FLUSH
        ldr x9, =BUF
        ldrb w10, [x9, #17]
        mov x0, #0
        SYS SYS_exit_group
        b .

        .section .rodata
path:   .asciz "/tmp/async"
xbyte:  .ascii "X"
        .text
