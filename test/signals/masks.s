// Dispositions and masks: sa_mask and the delivered signal blocked during a handler (uc_sigmask
// keeps the interrupted mask), SA_NODEFER, SA_RESETHAND, rt_sigprocmask (blocking, SIGKILL and
// SIGSTOP never blocked, bad arguments), rt_sigpending, the order several unblocked signals are
// delivered in (lowest number first, so the last frame built, for the highest, runs first),
// ignored signals (discarded when generated unless blocked; a pending one is discarded when its
// disposition becomes SIG_IGN), and the siginfo of kill/tkill/tgkill.
        .include "lib.s"

        .equ SIGUSR1_BIT, 1 << (SIGUSR1 - 1)
        .equ SIGUSR2_BIT, 1 << (SIGUSR2 - 1)
        .equ SIGTERM_BIT, 1 << (SIGTERM - 1)

main:
        stp x29, x30, [sp, #-16]!
        stp x19, x20, [sp, #-16]!
        mov x8, #SYS_getpid
        svc #0
        mov x19, x0                     // our pid

        PUTS "[sa_mask = {SIGUSR2}; SIGUSR2 raised in the SIGUSR1 handler waits for its sigreturn]\n"
        SIGACTION SIGUSR1, on_usr1, SA_SIGINFO | SA_RESTORER, SIGUSR2_BIT
        SIGACTION SIGUSR2, on_usr2, SA_SIGINFO | SA_RESTORER
        adr x9, mode
        mov x10, #1
        str x10, [x9]
        RAISE SIGUSR1
        PUTS "  back in main\n"

        PUTS "[SA_NODEFER: the handler is re-entered at once]\n"
        SIGACTION SIGUSR1, on_usr1, SA_SIGINFO | SA_RESTORER | SA_NODEFER
        adr x9, mode
        mov x10, #2
        str x10, [x9]
        RAISE SIGUSR1
        PUTS "  back in main\n"

        PUTS "[SA_RESETHAND]\n"
        SIGACTION SIGUSR2, on_usr2, SA_SIGINFO | SA_RESTORER | SA_RESETHAND
        adr x9, mode
        mov x10, #3
        str x10, [x9]
        RAISE SIGUSR2
        mov x0, #SIGUSR2
        bl get_action
        PUTS "  after: handler="
        PHEX x0
        PUTS " flags="
        PHEX x1
        NL

        PUTS "[rt_sigprocmask]\n"
        adr x9, mode
        str xzr, [x9]
        SIGACTION SIGUSR1, on_usr1, SA_SIGINFO | SA_RESTORER
        SIGMASK SIG_BLOCK, SIGUSR1_BIT
        RAISE SIGUSR1
        bl get_pending
        PUTS "  blocked and raised: pending="
        PHEX x0
        NL
        SIGMASK SIG_SETMASK, 0xffffffffffffffff
        bl get_mask
        PUTS "  SIG_SETMASK all: mask="
        PHEX x0
        NL
        SIGMASK 3, 0
        PUTS "  how=3 with a set: "
        PDEC x0
        mov x0, #3
        mov x1, #0
        mov x2, #0
        mov x3, #8
        mov x8, #SYS_rt_sigprocmask
        svc #0
        PUTS ", without: "
        PDEC x0
        mov x0, #SIG_BLOCK
        mov x1, #0
        mov x2, #0
        mov x3, #4
        mov x8, #SYS_rt_sigprocmask
        svc #0
        PUTS ", sigsetsize 4: "
        PDEC x0
        mov x0, #SIG_BLOCK
        mov x1, #0x10
        mov x2, #0
        mov x3, #8
        mov x8, #SYS_rt_sigprocmask
        svc #0
        PUTS ", bad set: "
        PDEC x0
        NL
        PUTS "  unblocking SIGUSR1 delivers it on the way out of rt_sigprocmask:\n"
        SIGMASK SIG_SETMASK, 0
        PUTS "  unblocked\n"

        PUTS "[three signals pending, unblocked together]\n"
        SIGACTION SIGTERM, on_usr1, SA_SIGINFO | SA_RESTORER
        SIGACTION SIGUSR2, on_usr1, SA_SIGINFO | SA_RESTORER
        SIGMASK SIG_BLOCK, SIGUSR1_BIT | SIGUSR2_BIT | SIGTERM_BIT
        RAISE SIGTERM
        RAISE SIGUSR2
        RAISE SIGUSR1
        bl get_pending
        PUTS "  pending="
        PHEX x0
        NL
        SIGMASK SIG_SETMASK, 0
        PUTS "  all delivered\n"

        PUTS "[ignored signals]\n"
        SIGDISP SIGUSR1, SIG_IGN
        RAISE SIGUSR1
        bl get_pending
        PUTS "  SIG_IGN: pending="
        PHEX x0
        SIGMASK SIG_BLOCK, SIGUSR1_BIT
        RAISE SIGUSR1
        bl get_pending
        PUTS ", blocked and ignored: pending="
        PHEX x0
        SIGMASK SIG_SETMASK, 0
        bl get_pending
        PUTS ", unblocked: pending="
        PHEX x0
        NL
        SIGACTION SIGUSR2, on_usr1, SA_SIGINFO | SA_RESTORER
        SIGMASK SIG_BLOCK, SIGUSR2_BIT
        RAISE SIGUSR2
        bl get_pending
        PUTS "  SIGUSR2 pending="
        PHEX x0
        SIGDISP SIGUSR2, SIG_IGN
        bl get_pending
        PUTS ", after SIG_IGN: pending="
        PHEX x0
        SIGMASK SIG_SETMASK, 0
        RAISE SIGCHLD
        bl get_pending
        PUTS ", SIGCHLD (default: ignore): pending="
        PHEX x0
        NL

        PUTS "[kill, tkill, tgkill]\n"
        adr x9, mode
        mov x10, #4
        str x10, [x9]
        SIGACTION SIGUSR1, on_usr1, SA_SIGINFO | SA_RESTORER
        mov x0, x19
        mov x1, #SIGUSR1
        mov x8, #SYS_kill
        svc #0
        mov x0, x19
        mov x1, #SIGUSR1
        mov x8, #SYS_tkill
        svc #0
        mov x0, x19
        mov x1, x19
        mov x2, #SIGUSR1
        mov x8, #SYS_tgkill
        svc #0
        mov x0, x19
        mov x1, #0
        mov x8, #SYS_kill
        svc #0
        PUTS "  kill(pid, 0)="
        PDEC x0
        mov x0, x19
        mov x1, #65
        mov x8, #SYS_kill
        svc #0
        PUTS " kill(pid, 65)="
        PDEC x0
        ldr x0, =0x7ffffff0
        mov x1, #SIGUSR1
        mov x8, #SYS_kill
        svc #0
        PUTS " kill(no such pid)="
        PDEC x0
        mov x0, #0
        mov x1, x19
        mov x2, #SIGUSR1
        mov x8, #SYS_tgkill
        svc #0
        PUTS " tgkill(0, pid)="
        PDEC x0
        mov x0, x19
        mov x1, #-1
        mov x2, #SIGUSR1
        mov x8, #SYS_tgkill
        svc #0
        PUTS " tgkill(pid, -1)="
        PDEC x0
        NL

        PUTS "[rt_sigaction]\n"
        mov x0, #SIGKILL_NR
        adr x1, on_usr1
        mov x2, #0
        mov x3, #0
        bl set_action
        PUTS "  SIGKILL="
        PDEC x0
        mov x0, #SIGKILL_NR
        bl get_action
        PUTS " query SIGKILL: handler="
        PHEX x0
        mov x0, #0
        bl get_action
        PUTS " signal 0: "
        PDEC x3
        mov x0, #65
        bl get_action
        PUTS " signal 65: "
        PDEC x3
        mov x0, #SIGUSR1
        mov x1, #0
        mov x2, #0
        mov x3, #16
        mov x8, #SYS_rt_sigaction
        svc #0
        PUTS " sigsetsize 16: "
        PDEC x0
        mov x0, #SIGUSR1
        mov x1, #0x10
        mov x2, #0
        mov x3, #8
        mov x8, #SYS_rt_sigaction
        svc #0
        PUTS " bad act: "
        PDEC x0
        NL
        // Unknown flag bits are dropped; the mask loses SIGKILL and SIGSTOP.
        mov x0, #SIGUSR2
        adr x1, on_usr1
        ldr x2, =0xffffffffffffffff
        ldr x3, =0xffffffffffffffff
        bl set_action
        PUTS "  all flags: "
        PDEC x0
        mov x0, #SIGUSR2
        bl get_action
        PUTS " flags="
        PHEX x1
        PUTS " mask="
        PHEX x2
        // A bad oact: the new action is still installed.
        sub sp, sp, #32
        adr x1, on_usr1
        str x1, [sp]
        mov x1, #SA_SIGINFO
        str x1, [sp, #8]
        str xzr, [sp, #16]
        str xzr, [sp, #24]
        mov x0, #SIGUSR2
        mov x1, sp
        mov x2, #0x10
        mov x3, #8
        mov x8, #SYS_rt_sigaction
        svc #0
        add sp, sp, #32
        PUTS " bad oact: "
        PDEC x0
        mov x0, #SIGUSR2
        bl get_action
        PUTS " then flags="
        PHEX x1
        NL

        ldp x19, x20, [sp], #16
        ldp x29, x30, [sp], #16
        mov w0, #0
        ret

        .equ SIGKILL_NR, 9

// mode 1: prints the mask, raises SIGUSR2 (blocked by sa_mask). mode 2: re-raises SIGUSR1
// once (SA_NODEFER). mode 4: prints si_code, whether si_pid is ours, si_uid. Otherwise prints
// which signal arrived.
on_usr1:
        stp x29, x30, [sp, #-16]!
        stp x20, x21, [sp, #-16]!
        mov x20, x0
        mov x21, x2
        PUTS "  handler: "
        PDEC x20
        adr x9, mode
        ldr x10, [x9]
        cmp x10, #4
        b.ne 1f
        ldrsw x3, [x1, #8]
        PUTS " code="
        PDEC x3
        ldr w3, [x1, #16]
        cmp x3, x19
        cset x3, eq
        PUTS " pid_is_ours="
        PDEC x3
        ldr w3, [x1, #20]
        PUTS " uid="
        PDEC x3
        NL
        b 9f
1:      bl get_mask
        PUTS " mask="
        PHEX x0
        ldr x3, [x21, #UC_SIGMASK]
        PUTS " uc_sigmask="
        PHEX x3
        NL
        adr x9, mode
        ldr x10, [x9]
        cmp x10, #1
        b.ne 2f
        RAISE SIGUSR2
        bl get_pending
        PUTS "  raised SIGUSR2: pending="
        PHEX x0
        NL
        b 9f
2:      cmp x10, #2
        b.ne 9f
        adr x9, depth
        ldr x10, [x9]
        add x10, x10, #1
        str x10, [x9]
        cmp x10, #2
        b.hs 3f
        RAISE SIGUSR1
3:      PUTS "  leaving depth "
        adr x9, depth
        ldr x10, [x9]
        PDEC x10
        NL
        sub x10, x10, #1
        str x10, [x9]
9:      ldp x20, x21, [sp], #16
        ldp x29, x30, [sp], #16
        ret

on_usr2:
        stp x29, x30, [sp, #-16]!
        stp x20, x21, [sp, #-16]!
        mov x21, x2
        PUTS "  SIGUSR2 handler: mask="
        bl get_mask
        PHEX x0
        ldr x3, [x21, #UC_SIGMASK]
        PUTS " uc_sigmask="
        PHEX x3
        mov x0, #SIGUSR2
        bl get_action
        PUTS " handler_now_dfl="
        cmp x0, #0
        cset x0, eq
        PDEC x0
        NL
        ldp x20, x21, [sp], #16
        ldp x29, x30, [sp], #16
        ret

        .data
        .balign 8
mode:   .quad 0
depth:  .quad 0
