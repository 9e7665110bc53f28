// rt_sigreturn restores everything the frame holds: x0-x30, sp, pc and PSTATE (NZCV here), with
// a handler's edits to the frame taking effect; the handler may clobber every register. Then the
// frames Linux refuses (restore_sigframe, valid_user_regs, parse_user_sigframe): an sp that is
// not 16-byte aligned, a pstate that is not EL0t with DAIF clear, an unknown record in
// __reserved. Each raises SIGSEGV (arm64_notify_segfault(sp): SEGV_ACCERR while a VMA lies at or
// above sp) with the registers as far as they were restored.
        .include "lib.s"

        .equ PSR_MODE_EL1H, 5

main:
        stp x29, x30, [sp, #-16]!
        stp x19, x20, [sp, #-16]!
        SIGACTION SIGILL, on_ill, SA_SIGINFO | SA_RESTORER
        SIGACTION SIGSEGV, on_segv, SA_SIGINFO | SA_RESTORER
        SIGACTION SIGUSR1, on_usr1, SA_SIGINFO | SA_RESTORER

        PUTS "[every register survives a handler that clobbers them all]\n"
        adr x0, saved_regs
        bl fill_regs
        mov x16, #0x9
        lsl x16, x16, #28
        msr nzcv, x16                   // N and V
        mov x16, #0x1600
        mov x17, #0x1700
        udf #1
        stp x0, x1, [sp, #-16]!
        mrs x1, nzcv
        adr x0, after_regs
        str x1, [x0, #31 * 8]
        ldp x0, x1, [sp], #16
        bl store_regs
        bl compare_regs
        PUTS "  nzcv="
        adr x0, after_regs
        ldr x0, [x0, #31 * 8]
        lsr x0, x0, #28
        PHEX x0
        NL

        PUTS "[the handler edits x5, x28, sp and NZCV in the frame]\n"
        adr x9, edit_frame
        mov x10, #1
        str x10, [x9]
        mov x5, #5
        mov x28, #28
        mov x19, sp
        msr nzcv, xzr
        udf #2
        mrs x10, nzcv
        mov x11, sp
        sub x11, x19, x11
        mov sp, x19
        PUTS "  x5="
        PHEX x5
        PUTS " x28="
        PHEX x28
        PUTS " sp_moved_down="
        PHEX x11
        PUTS " nzcv="
        lsr x10, x10, #28
        PHEX x10
        NL

        PUTS "[pstate in the frame set to EL1h]\n"
        mov x19, sp
        adr x20, 1f
        RAISE SIGUSR1
1:      PUTS "  continued\n"

        PUTS "[unknown record in __reserved]\n"
        adr x9, edit_frame
        mov x10, #2
        str x10, [x9]
        adr x20, 2f
        RAISE SIGUSR1
2:      PUTS "  continued\n"

        PUTS "[rt_sigreturn with sp not 16-byte aligned]\n"
        mov x19, sp
        adr x20, 3f
        sub sp, sp, #8
        mov x8, #SYS_rt_sigreturn
        svc #0
3:      mov sp, x19
        PUTS "  continued\n"

        ldp x19, x20, [sp], #16
        ldp x29, x30, [sp], #16
        mov w0, #0
        ret

// x0..x30 (except x16, x17, x30) = 0x1000 * (n + 1) + n.
fill_regs:
        mov x16, x30
        .irp n, 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,18,19,20,21,22,23,24,25,26,27,28,29
        ldr x\n, =(0x1000 * (\n + 1) + \n)
        .endr
        ldr x0, =0x1000
        mov x30, x16
        ret

// after_regs[n] = xn (x16/x17 as they are); x30 stored as the return address it holds.
store_regs:
        stp x16, x17, [sp, #-16]!
        adr x16, after_regs
        .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,18,19,20,21,22,23,24,25,26,27,28,29
        str x\n, [x16, #\n * 8]
        .endr
        ldp x16, x17, [sp], #16
        adr x0, after_regs
        str x16, [x0, #16 * 8]
        str x17, [x0, #17 * 8]
        ret

compare_regs:
        stp x29, x30, [sp, #-16]!
        adr x0, after_regs
        mov x1, #0
        mov x2, #0
1:      cmp x1, #30
        b.eq 3f
        ldr x3, [x0, x1, lsl #3]
        ldr x4, =0x1000
        add x5, x1, #1
        mul x4, x4, x5
        add x4, x4, x1
        cmp x1, #16
        b.ne 4f
        ldr x4, =0x1600
4:      cmp x1, #17
        b.ne 5f
        ldr x4, =0x1700
5:      cmp x3, x4
        b.eq 2f
        PUTS "  x"
        PDEC x1
        PUTS "="
        PHEX x3
        NL
        add x2, x2, #1
2:      add x1, x1, #1
        b 1b
3:      PUTS "  registers that differ: "
        PDEC x2
        ldp x29, x30, [sp], #16
        ret

on_ill:
        stp x29, x30, [sp, #-16]!
        ldr x3, [x2, #UC_PC]
        add x3, x3, #4
        str x3, [x2, #UC_PC]
        adr x9, edit_frame
        ldr x10, [x9]
        cbz x10, 1f
        str xzr, [x9]
        mov x10, #0x55
        str x10, [x2, #UC_REGS + 5 * 8]
        mov x10, #0x2828
        str x10, [x2, #UC_REGS + 28 * 8]
        ldr x10, [x2, #UC_SP]
        sub x10, x10, #32
        str x10, [x2, #UC_SP]
        ldr x10, [x2, #UC_PSTATE]
        and x10, x10, #0x0fffffff
        orr x10, x10, #0x60000000       // Z and C
        str x10, [x2, #UC_PSTATE]
1:      // Clobber everything a handler may.
        .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28
        mov x\n, #-1
        .endr
        mov x16, #0xf0000000
        msr nzcv, x16
        ldp x29, x30, [sp], #16
        ret

// Corrupts its own frame: pstate (edit_frame = 0) or the first record (edit_frame = 2).
on_usr1:
        adr x9, edit_frame
        ldr x10, [x9]
        cmp x10, #2
        b.eq 1f
        ldr x10, [x2, #UC_PSTATE]
        mov x11, #PSR_MODE_EL1H
        orr x10, x10, x11
        str x10, [x2, #UC_PSTATE]
        ret
1:      str xzr, [x9]
        ldr x10, =0x12345678
        str w10, [x2, #UC_RESERVED]
        mov w10, #16
        str w10, [x2, #UC_RESERVED + 4]
        ret

// The SIGSEGV from a refused sigreturn: x19 = the sp the program expects it to report, x20 =
// where to continue. Prints what it got and resumes at x20 with sp = x19.
on_segv:
        stp x29, x30, [sp, #-16]!
        PUTS "  SIGSEGV"
        bl print_siginfo
        ldr x3, [x1, #16]
        sub x3, x3, x19
        PUTS " addr-sp="
        PDEC x3
        ldr x3, [x2, #UC_PSTATE]
        PUTS " pstate_nzcv_mode_daif="
        ldr x4, =0xf00003ff
        and x3, x3, x4
        PHEX x3
        ldr x3, [x2, #UC_FAULT_ADDRESS]
        PUTS " fault_address="
        PHEX x3
        mov x19, x2
        mov x0, x2
        bl find_esr
        mov x2, x19
        PUTS " esr="
        PDEC x0
        NL
        ldr x19, [x2, #UC_REGS + 19 * 8]
        str x20, [x2, #UC_PC]
        str x19, [x2, #UC_SP]
        ldp x29, x30, [sp], #16
        ret

        .data
        .balign 8
edit_frame: .quad 0
saved_regs: .skip 8 * 32
after_regs: .skip 8 * 32
