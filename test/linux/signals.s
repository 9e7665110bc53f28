// Signals as arm64 Linux delivers them (arch/arm64/kernel/signal.c, kernel/signal.c): the
// rt_sigframe (registers, sp, pc, pstate, fault_address, uc_flags, uc_sigmask, uc_stack, and
// the records in __reserved: fpsimd_context, esr_context for faults), si_code/si_addr/ESR for
// each kind of fault (translation, permission, instruction fetch, undefined instruction, BRK,
// PC alignment), kill/tgkill siginfo, handler registers with and without
// SA_SIGINFO, sa_mask and SA_NODEFER, SA_RESETHAND, blocked and ignored signals, sigaltstack
// with SA_ONSTACK, and sigreturn restoring every register and NZCV (a handler's edits
// included). Also what rt_sigaction, rt_sigprocmask and sigaltstack reject. The esr_context
// record and fault_address come from the thread's last fault (thread.fault_code/fault_address):
// they stay in later frames, even for kill(), until a fault that resets them (an undefined
// instruction does; BRK does not touch them).
// Left out because QEMU 10 is not the architecture there: alignment faults of exclusives at
// EL0 and SP alignment (QEMU takes neither).
//
// Memory: BUF one read-only page, BUF2 one read/write page (never executable), BUF3 one page,
// ALTSTACK 64 KiB for sigaltstack.

        .include "lib.s"

        .equ SI_TKILL, -6
        .equ ALTSTACK_SIZE, 0x10000

// RAISE signo: kill(getpid(), signo). Clobbers x0, x1, x8.
.macro RAISE signo
        SYS SYS_getpid
        mov x1, #\signo
        SYS SYS_kill
.endm

main:
        stp x29, x30, [sp, #-16]!
        TEST "setup"
        ldr x0, =BUF
        mov x1, #4096
        mov x2, #PROT_READ
        bl map_fixed
        SHOW mmap_ro
        ldr x0, =BUF2
        mov x1, #4096
        mov x2, #PROT_RW
        bl map_fixed
        SHOW mmap_rw
        ldr x0, =BUF3
        mov x1, #4096
        mov x2, #PROT_RW
        bl map_fixed
        SHOW mmap3
        // A return instruction in BUF2 (data, not executable).
        ldr x0, =BUF2
        ldr w1, =0xd65f03c0
        str w1, [x0]
        mov x0, #SIGSEGV
        mov x1, #0
        bl handle
        SHOW segv
        mov x0, #SIGBUS
        mov x1, #0
        bl handle
        SHOW bus
        mov x0, #SIGILL
        mov x1, #0
        bl handle
        SHOW ill
        mov x0, #SIGTRAP
        mov x1, #0
        bl handle
        SHOW trap

        TEST "SEGV_MAPERR: the whole frame"
        adr x0, h_verbose
        mov x1, #1
        str x1, [x0]
        bl set_regs
        mov x16, #0x8
        mov x17, #(0xa << 28)
        msr nzcv, x17
        ldr x17, [x16]
        adr x0, h_verbose
        str xzr, [x0]

        TEST "SEGV_ACCERR: store to a read-only page"
        ldr x9, =BUF
        ldrb w10, [x9, #1]
        PHEX read_ok, x10
        NL
        strb w10, [x9, #1]

        TEST "instruction fetch from a page without PROT_EXEC"
        RESUME 1f
        ldr x16, =BUF2
        blr x16
1:      PUTS "  resumed\n"
        RESUME 2f
        ldr x16, =BUF3 + 0x100000
        blr x16
2:      PUTS "  resumed\n"

        TEST "undefined instruction"
        .inst 0x00000000
        .inst 0xd4a00001
        mrs x0, sctlr_el1
        PUTS "  after\n"

        TEST "BRK"
        brk #0x1234
        brk #0

        TEST "PC alignment"
        RESUME 3f
        adr x16, 3f
        add x16, x16, #2
        br x16
3:      PUTS "  resumed\n"

        TEST "kill and tgkill: si_code, si_pid, si_uid"
        mov x0, #SIGUSR1
        mov x1, #0
        bl handle
        mov x0, #SIGUSR2
        mov x1, #0
        bl handle
        RAISE SIGUSR1
        SHOW kill
        bl print_sender
        SYS SYS_getpid
        mov x19, x0
        SYS SYS_gettid
        mov x1, x0
        mov x0, x19
        mov x2, #SIGUSR2
        SYS SYS_tgkill
        SHOW tgkill
        bl print_sender

        TEST "a handler without SA_SIGINFO"
        mov x0, #SIGUSR1
        adr x1, plain_handler
        mov x2, #0
        mov x3, #0
        bl sigaction
        mov x2, #0x7777
        RAISE SIGUSR1
        adr x9, plain_regs
        ldr x0, [x9]
        PDEC x0, x0
        ldr x0, [x9, #8]
        PDEC x1, x0
        ldr x0, [x9, #16]
        PHEX x2, x0
        ldr x0, [x9, #24]
        adr x1, sig_restorer
        cmp x0, x1
        cset x0, eq
        PDEC x30_is_restorer, x0
        ldr x0, [x9, #32]
        ldr x1, [x9, #40]
        sub x0, x0, x1
        PDEC x29_minus_sp, x0
        NL

        TEST "the handler's signal mask: default, sa_mask, SA_NODEFER, SA_RESETHAND"
        mov x0, #SIGUSR1
        adr x1, mask_handler
        mov x2, #0
        mov x3, #0
        bl sigaction
        RAISE SIGUSR1
        bl print_seen_mask
        mov x0, #SIGUSR1
        adr x1, mask_handler
        mov x2, #0
        mov x3, #(1 << (SIGUSR2 - 1))
        bl sigaction
        RAISE SIGUSR1
        bl print_seen_mask
        mov x0, #SIGUSR1
        adr x1, mask_handler
        mov x2, #SA_NODEFER
        mov x3, #(1 << (SIGUSR2 - 1))
        bl sigaction
        RAISE SIGUSR1
        bl print_seen_mask
        mov x0, #SIGUSR1
        adr x1, mask_handler
        ldr x2, =SA_RESETHAND
        mov x3, #0
        bl sigaction
        RAISE SIGUSR1
        bl print_seen_mask
        mov x0, #SIGUSR1
        mov x1, #-1
        bl query_action
        mov x0, #SIG_BLOCK
        mov x1, #-1
        bl sigmask
        SHOW mask_after

        TEST "blocked, then unblocked; ignored"
        mov x0, #SIGUSR1
        mov x1, #0
        bl handle
        mov x0, #SIG_BLOCK
        mov x1, #(1 << (SIGUSR1 - 1))
        bl sigmask
        RAISE SIGUSR1
        SHOW kill_while_blocked
        adr x0, mask_old
        mov x1, #8
        SYS SYS_rt_sigpending
        adr x0, mask_old
        ldr x0, [x0]
        PHEX pending, x0
        NL
        FLUSH
        mov x0, #SIG_UNBLOCK
        mov x1, #(1 << (SIGUSR1 - 1))
        bl sigmask
        SHOW unblock
        mov x0, #SIGUSR1
        mov x1, #SIG_IGN
        mov x2, #0
        mov x3, #0
        bl sigaction
        RAISE SIGUSR1
        SHOW kill_while_ignored
        adr x0, mask_old
        mov x1, #8
        SYS SYS_rt_sigpending
        adr x0, mask_old
        ldr x0, [x0]
        PHEX pending, x0
        NL

        TEST "sigaltstack and SA_ONSTACK"
        ldr x0, =ALTSTACK
        mov x1, #ALTSTACK_SIZE
        mov x2, #PROT_RW
        bl map_fixed
        SHOW mmap
        mov x0, #0
        adr x1, ss_old
        SYS SYS_sigaltstack
        SHOW query
        bl print_ss_old
        adr x0, ss_new
        ldr x1, =ALTSTACK
        str x1, [x0]
        mov x1, #4096
        str x1, [x0, #16]
        str wzr, [x0, #8]
        adr x0, ss_new
        mov x1, #0
        SYS SYS_sigaltstack
        SHOW too_small
        adr x0, ss_new
        mov x1, #ALTSTACK_SIZE
        str x1, [x0, #16]
        mov w1, #0x10
        str w1, [x0, #8]
        adr x0, ss_new
        mov x1, #0
        SYS SYS_sigaltstack
        SHOW bad_flags
        adr x0, ss_new
        str wzr, [x0, #8]
        adr x0, ss_new
        mov x1, #0
        SYS SYS_sigaltstack
        SHOW set
        mov x0, #0
        adr x1, ss_old
        SYS SYS_sigaltstack
        SHOW query
        bl print_ss_old
        mov x0, #SIGUSR1
        adr x1, alt_handler
        ldr x2, =SA_ONSTACK | SA_SIGINFO
        mov x3, #0
        bl sigaction
        RAISE SIGUSR1
        adr x9, alt_seen
        ldr x0, [x9]
        ldr x1, =ALTSTACK
        sub x0, x0, x1
        PHEX handler_sp_minus_altstack, x0
        ldr x0, [x9, #8]
        PRES query_in_handler, x0
        ldr x0, [x9, #16]
        PDEC ss_flags_in_handler, x0
        ldr x0, [x9, #24]
        PRES change_in_handler, x0
        NL
        ldr x0, [x9, #32]
        ldr x1, =ALTSTACK
        sub x0, x0, x1
        PHEX uc_ss_sp_minus_altstack, x0
        ldr x0, [x9, #40]
        PDEC uc_ss_flags, x0
        ldr x0, [x9, #48]
        PHEX uc_ss_size, x0
        NL
        mov x0, #0
        adr x1, ss_old
        SYS SYS_sigaltstack
        SHOW query_after
        bl print_ss_old
        adr x0, ss_new
        mov w1, #SS_DISABLE
        str w1, [x0, #8]
        adr x0, ss_new
        mov x1, #0
        SYS SYS_sigaltstack
        SHOW disable
        mov x0, #0
        adr x1, ss_old
        SYS SYS_sigaltstack
        bl print_ss_old

        TEST "sigreturn restores every register, and the handler's edits"
        ldr x0, =0x1234
        adr x1, h_edit
        str x0, [x1]
        mov x0, #0x16
        adr x1, h_nzcv
        str x0, [x1]
        bl set_regs
        mov x16, #(0x9 << 28)
        msr nzcv, x16
        brk #1
        mrs x16, nzcv
        adr x17, saved_x0
        str x0, [x17]
        bl check_regs
        adr x17, saved_x0
        ldr x17, [x17]
        PHEX x0, x17
        lsr x16, x16, #28
        PHEX nzcv, x16
        PDEC others_kept, x18
        NL

        TEST "rt_sigaction and rt_sigprocmask: what is rejected"
        mov x0, #9
        mov x1, #0
        mov x2, #0
        mov x3, #0
        bl sigaction
        SHOW sigkill
        mov x0, #19
        mov x1, #0
        mov x2, #0
        mov x3, #0
        bl sigaction
        SHOW sigstop
        mov x0, #0
        mov x1, #0
        mov x2, #0
        mov x3, #0
        bl sigaction
        SHOW signal_0
        mov x0, #65
        mov x1, #0
        mov x2, #0
        mov x3, #0
        bl sigaction
        SHOW signal_65
        mov x0, #SIGUSR1
        mov x1, #0
        adr x2, old_sa
        mov x3, #4
        SYS SYS_rt_sigaction
        SHOW sigsetsize_4
        mov x0, #SIGUSR1
        adr x1, sig_report
        ldr x2, =SA_SIGINFO | SA_UNSUPPORTED | SA_EXPOSE_TAGBITS | SA_RESTART
        mov x3, #0
        bl sigaction
        SHOW with_sa_unsupported
        mov x0, #SIGUSR1
        mov x1, #-1
        bl query_action
        mov x0, #SIG_SETMASK
        mov x1, #-1
        bl sigmask_all
        SHOW block_everything
        mov x0, #SIG_BLOCK
        mov x1, #-1
        bl sigmask
        SHOW mask
        mov x0, #3
        mov x1, #1
        bl sigmask_all
        SHOW how_3
        mov x0, #SIG_SETMASK
        adr x1, mask_tmp
        str xzr, [x1]
        mov x2, #0
        mov x3, #4
        SYS SYS_rt_sigprocmask
        SHOW sigsetsize_4
        mov x0, #SIG_SETMASK
        mov x1, #0
        bl sigmask
        mov w0, #0
        ldp x29, x30, [sp], #16
        ret

// print_sender: prints "  si_code=<code> from_self=<si_pid == getpid> si_uid=<uid>".
print_sender:
        stp x29, x30, [sp, #-16]!
        adr x9, last_info
        ldr w0, [x9, #SI_CODE]
        sxtw x0, w0
        PUTS " "
        PDEC si_code, x0
        SYS SYS_getpid
        ldr w1, [x9, #SI_PID]
        cmp w0, w1
        cset x0, eq
        PDEC from_self, x0
        ldr w0, [x9, #SI_UID]
        PDEC si_uid, x0
        NL
        ldp x29, x30, [sp], #16
        ret

// plain_handler (no SA_SIGINFO): keeps x0, x1, x2, x30, x29 and sp.
plain_handler:
        adr x9, plain_regs
        stp x0, x1, [x9]
        stp x2, x30, [x9, #16]
        mov x10, sp
        stp x29, x10, [x9, #32]
        ret

// mask_handler: keeps the signal mask it runs with.
mask_handler:
        stp x29, x30, [sp, #-16]!
        mov x0, #SIG_BLOCK
        mov x1, #0
        adr x2, seen_mask
        mov x3, #8
        SYS SYS_rt_sigprocmask
        ldp x29, x30, [sp], #16
        ret

print_seen_mask:
        adr x0, seen_mask
        ldr x0, [x0]
        PUTS " "
        PHEX mask_in_handler, x0
        NL
        ret

// query_action: x0 = signal: prints its handler and flags.
query_action:
        stp x29, x30, [sp, #-16]!
        mov x1, #0
        adr x2, old_sa
        mov x3, #8
        SYS SYS_rt_sigaction
        adr x9, old_sa
        ldr x0, [x9]
        adr x1, sig_report
        cmp x0, x1
        b.ne 1f
        PUTS "  handler=sig_report"
        b 2f
1:      PUTS " "
        PHEX handler, x0
2:      ldr x0, [x9, #8]
        PHEX flags, x0
        NL
        ldp x29, x30, [sp], #16
        ret

// sigmask_all: rt_sigprocmask(x0, &all-ones or NULL for x1 = 0, NULL).
sigmask_all:
        adr x2, mask_tmp
        mov x3, #-1
        str x3, [x2]
        cmp x1, #0
        csel x1, xzr, x2, eq
        mov x2, #0
        mov x3, #8
        SYS SYS_rt_sigprocmask
        ret

// alt_handler (SA_ONSTACK | SA_SIGINFO): keeps its sp, what sigaltstack reports inside, and
// the frame's uc_stack.
alt_handler:
        stp x29, x30, [sp, #-32]!
        str x19, [sp, #16]
        mov x19, x2
        adr x9, alt_seen
        add x10, sp, #32
        str x10, [x9]
        mov x0, #0
        adr x1, ss_in
        SYS SYS_sigaltstack
        adr x9, alt_seen
        str x0, [x9, #8]
        adr x1, ss_in
        ldr w0, [x1, #8]
        str x0, [x9, #16]
        adr x0, ss_new
        mov x1, #0
        SYS SYS_sigaltstack
        adr x9, alt_seen
        str x0, [x9, #24]
        ldr x0, [x19, #UC_STACK]
        str x0, [x9, #32]
        ldr w0, [x19, #UC_STACK + 8]
        str x0, [x9, #40]
        ldr x0, [x19, #UC_STACK + 16]
        str x0, [x9, #48]
        ldr x19, [sp, #16]
        ldp x29, x30, [sp], #32
        ret

print_ss_old:
        adr x9, ss_old
        ldr x0, [x9]
        PUTS " "
        PHEX ss_sp, x0
        ldr w0, [x9, #8]
        PDEC ss_flags, x0
        ldr x0, [x9, #16]
        PHEX ss_size, x0
        NL
        ret

// check_regs: x18 = 1 if x1-x15 and x19-x28 still hold set_regs' patterns, else 0 (x17
// clobbered).
check_regs:
        mov x18, #0
        mov x17, #0xa001
        cmp x1, x17
        b.ne 1f
        mov x17, #0xa002
        cmp x2, x17
        b.ne 1f
        mov x17, #0xa003
        cmp x3, x17
        b.ne 1f
        mov x17, #0xa004
        cmp x4, x17
        b.ne 1f
        mov x17, #0xa005
        cmp x5, x17
        b.ne 1f
        mov x17, #0xa006
        cmp x6, x17
        b.ne 1f
        mov x17, #0xa007
        cmp x7, x17
        b.ne 1f
        mov x17, #0xa008
        cmp x8, x17
        b.ne 1f
        mov x17, #0xa009
        cmp x9, x17
        b.ne 1f
        mov x17, #0xa00a
        cmp x10, x17
        b.ne 1f
        mov x17, #0xa00b
        cmp x11, x17
        b.ne 1f
        mov x17, #0xa00c
        cmp x12, x17
        b.ne 1f
        mov x17, #0xa00d
        cmp x13, x17
        b.ne 1f
        mov x17, #0xa00e
        cmp x14, x17
        b.ne 1f
        mov x17, #0xa00f
        cmp x15, x17
        b.ne 1f
        mov x17, #0xa013
        cmp x19, x17
        b.ne 1f
        mov x17, #0xa014
        cmp x20, x17
        b.ne 1f
        mov x17, #0xa015
        cmp x21, x17
        b.ne 1f
        mov x17, #0xa016
        cmp x22, x17
        b.ne 1f
        mov x17, #0xa017
        cmp x23, x17
        b.ne 1f
        mov x17, #0xa018
        cmp x24, x17
        b.ne 1f
        mov x17, #0xa019
        cmp x25, x17
        b.ne 1f
        mov x17, #0xa01a
        cmp x26, x17
        b.ne 1f
        mov x17, #0xa01b
        cmp x27, x17
        b.ne 1f
        mov x17, #0xa01c
        cmp x28, x17
        b.ne 1f
        mov x18, #1
1:      ret

        .ltorg
        .data
        .balign 8
plain_regs:     .quad 0, 0, 0, 0, 0, 0
seen_mask:      .quad 0
ss_old:         .quad 0, 0, 0
ss_new:         .quad 0, 0, 0
ss_in:          .quad 0, 0, 0
alt_seen:       .quad 0, 0, 0, 0, 0, 0, 0
saved_x0:       .quad 0
        .text
