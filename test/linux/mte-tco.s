// Tag check overrides (kernel-uaccess.md scenario 3): with TCF NONE, or PSTATE.TCO = 1, mismatched
// user loads and stores succeed silently. But the kernel's own accesses to user memory run with
// TCO = 0 whatever the user set, so in sync mode a syscall on a mismatched buffer is still
// checked with TCO = 1 (and in NONE mode never is). Signal handlers run with TCO = 0; sigreturn
// restores the interrupted TCO (and a TCO bit the handler writes into the frame).
//
// Memory: BUF, one PROT_MTE page, allocation tag 0 except granule 1 (bytes 16..31) = tag 1.
// BUF3 unmapped (faults there are translation faults, taken whatever TCO is).

        .include "lib.s"

main:
        stp x29, x30, [sp, #-16]!
        TEST "setup"
        ldr x0, =BUF
        mov x1, #4096
        mov x2, #PROT_RWM
        bl map_fixed
        SHOW mmap
        ldr x0, =BUF + 16
        mov x1, #1
        bl with_tag
        mov x1, #16
        bl set_tags
        ldr x0, =BUF
        mov w2, #0x5a
        mov x1, #64
        bl fill
        adr x0, path
        bl open_tmp
        mov x20, x0
        SHOW open
        mov x0, #SIGSEGV
        mov x1, #0
        bl handle
        SHOW sigaction

        TEST "TCF none: mismatched load and store succeed, no signal at the next syscall"
        ldr x0, =MTE_NONE
        bl set_mte
        SHOW prctl
        ldr x9, =BUF
        mov w10, #0x11
        strb w10, [x9, #20]
        ldrb w11, [x9, #20]
        SYS SYS_getpid
        PHEX loaded, x11
        NL
        mov x0, x20
        ldr x1, =BUF + 8
        mov x2, #32
        SYS SYS_write
        SHOW write_mismatched_32

        TEST "sync, TCO = 1: mismatched load and store succeed"
        ldr x0, =MTE_SYNC
        bl set_mte
        SHOW prctl
        ldr x9, =BUF
        msr tco, #1
        mov w10, #0x22
        strb w10, [x9, #21]
        ldrb w11, [x9, #21]
        SYS SYS_getpid
        mrs x12, tco
        msr tco, #0
        PHEX loaded, x11
        ubfx x12, x12, #25, #1
        PDEC tco_after_syscall, x12
        NL

        TEST "sync, TCO = 1: the kernel still checks a syscall's buffer"
        msr tco, #1
        mov x0, x20
        ldr x1, =BUF + 8
        mov x2, #32
        SYS SYS_write
        mov x19, x0
        mov x0, x20
        ldr x1, =BUF + 16
        mov x2, #8
        SYS SYS_write
        mov x21, x0
        mov x0, x20
        ldr x1, =BUF
        mov x2, #16
        SYS SYS_write
        mov x22, x0
        msr tco, #0
        PRES write_p8_32, x19
        NL
        PRES write_p16_8, x21
        NL
        PRES write_p0_16, x22
        NL
        mov x0, x20
        bl rewind
        msr tco, #1
        mov x0, x20
        ldr x1, =BUF + 8
        mov x2, #32
        SYS SYS_read
        msr tco, #0
        SHOW read_p8_32

        TEST "async, TCO = 1: no fault recorded, no signal"
        ldr x0, =MTE_ASYNC
        bl set_mte
        SHOW prctl
        adr x0, h_count
        str xzr, [x0]
        ldr x9, =BUF
        msr tco, #1
        ldrb w11, [x9, #17]
        SYS SYS_getpid
        msr tco, #0
        SYS SYS_getpid
        adr x0, h_count
        ldr x0, [x0]
        PDEC signals, x0
        NL

        TEST "a handler runs with TCO = 0 and sigreturn restores TCO = 1"
        ldr x0, =MTE_SYNC
        bl set_mte
        ldr x9, =BUF3
        msr tco, #1
        ldrb w10, [x9]
        mrs x12, tco
        msr tco, #0
        ubfx x12, x12, #25, #1
        PDEC tco_after_return, x12
        NL

        TEST "SIGUSR1 while TCO = 1"
        mov x0, #SIGUSR1
        mov x1, #0
        bl handle
        SYS SYS_getpid
        mov x19, x0
        msr tco, #1
        mov x0, x19
        mov x1, #SIGUSR1
        SYS SYS_kill
        mrs x12, tco
        msr tco, #0
        ubfx x12, x12, #25, #1
        PDEC tco_after_return, x12
        NL

        TEST "a handler that sets TCO in the frame"
        mov x0, #SIGSEGV
        adr x1, tco_setter
        mov x2, #SA_SIGINFO
        mov x3, #0
        bl sigaction
        ldr x9, =BUF3
        ldrb w10, [x9]
        mrs x12, tco
        msr tco, #0
        ubfx x12, x12, #25, #1
        PDEC tco_after_return, x12
        NL
        mov w0, #0
        ldp x29, x30, [sp], #16
        ret

// SIGSEGV handler: sets PSTATE.TCO in the saved pstate and skips the instruction.
tco_setter:
        ldr x0, [x2, #SC_PSTATE]
        orr x0, x0, #(1 << 25)
        str x0, [x2, #SC_PSTATE]
        ldr x0, [x2, #SC_PC]
        add x0, x0, #4
        str x0, [x2, #SC_PC]
        ret

        .section .rodata
path:   .asciz "/tmp/tco"
        .text
