// Shared runtime of the signal test programs (test/signals/*.s): static Linux arm64 programs
// with raw `svc #0` syscalls, assembled by granule's own assembler, so the same ELF runs on
// granule, on qemu-aarch64 (user mode) and as a real Linux kernel's /init. Every program starts
// with `.include "lib.s"` and defines `main`; `_start` calls it and exits with its w0.
//
// Printing (PUTS, PHEX, PDEC, NL and the routines behind them) preserves every register and
// NZCV, so handlers can print the state they were given. Output goes to stdout with one write
// per piece (no buffering to lose when a signal kills the program).
//
// Frame offsets (arm64 struct rt_sigframe; x2 of an SA_SIGINFO handler points at uc):
//   siginfo: si_signo 0, si_errno 4, si_code 8, si_addr / si_pid 16, si_uid 20
//   uc:      uc_flags 0, uc_link 8, uc_stack 16 (ss_sp 16, ss_flags 24, ss_size 32),
//            uc_sigmask 40, uc_mcontext 176: fault_address 176, regs[n] 184 + 8n, sp 432,
//            pc 440, pstate 448, __reserved (the records) 464
        .equ SYS_write, 64
        .equ SYS_exit, 93
        .equ SYS_kill, 129
        .equ SYS_tkill, 130
        .equ SYS_tgkill, 131
        .equ SYS_sigaltstack, 132
        .equ SYS_rt_sigaction, 134
        .equ SYS_rt_sigprocmask, 135
        .equ SYS_rt_sigpending, 136
        .equ SYS_rt_sigreturn, 139
        .equ SYS_getpid, 172
        .equ SYS_gettid, 178
        .equ SYS_prctl, 167
        .equ SYS_mmap, 222
        .equ SYS_mprotect, 226
        .equ SYS_sched_yield, 124

        .equ SIGILL, 4
        .equ SIGTRAP, 5
        .equ SIGBUS, 7
        .equ SIGUSR1, 10
        .equ SIGSEGV, 11
        .equ SIGUSR2, 12
        .equ SIGTERM, 15
        .equ SIGCHLD, 17

        .equ SA_SIGINFO, 4
        .equ SA_EXPOSE_TAGBITS, 0x800
        .equ SA_RESTORER, 0x04000000
        .equ SA_ONSTACK, 0x08000000
        .equ SA_RESTART, 0x10000000
        .equ SA_NODEFER, 0x40000000
        .equ SA_RESETHAND, 0x80000000
        .equ SIG_DFL, 0
        .equ SIG_IGN, 1
        .equ SIG_BLOCK, 0
        .equ SIG_UNBLOCK, 1
        .equ SIG_SETMASK, 2
        .equ SS_ONSTACK, 1
        .equ SS_DISABLE, 2

        .equ PROT_READ, 1
        .equ PROT_WRITE, 2
        .equ PROT_MTE, 0x20
        .equ MAP_PRIVATE, 0x02
        .equ MAP_FIXED, 0x10
        .equ MAP_ANONYMOUS, 0x20
        .equ PR_SET_TAGGED_ADDR_CTRL, 55
        .equ PR_TAGGED_ADDR_ENABLE, 1
        .equ PR_MTE_TCF_SYNC, 2
        .equ PR_MTE_TCF_ASYNC, 4

        .equ UC_STACK_SP, 16
        .equ UC_STACK_FLAGS, 24
        .equ UC_STACK_SIZE, 32
        .equ UC_SIGMASK, 40
        .equ UC_FAULT_ADDRESS, 176
        .equ UC_REGS, 184
        .equ UC_SP, 432
        .equ UC_PC, 440
        .equ UC_PSTATE, 448
        .equ UC_RESERVED, 464
        .equ ESR_MAGIC, 0x45535201

// Prints a string given inline.
.macro PUTS str
        stp x0, x30, [sp, #-16]!
        bl print_inline
        .asciz "\str"
        .balign 4
        ldp x0, x30, [sp], #16
.endm

.macro NL
        PUTS "\n"
.endm

// Prints a register (or sp) as 0x<hex>, without leading zeros.
.macro PHEX reg
        stp x0, x30, [sp, #-16]!
        .ifc \reg,sp
        add x0, sp, #16
        .else
        mov x0, \reg
        .endif
        bl print_hex
        ldp x0, x30, [sp], #16
.endm

// Prints a register as a signed decimal number.
.macro PDEC reg
        stp x0, x30, [sp, #-16]!
        mov x0, \reg
        bl print_dec
        ldp x0, x30, [sp], #16
.endm

// dst = src with top byte `top` (clobbers x16).
.macro TAGPTR dst, src, top
        mov x16, #\top
        lsl x16, x16, #56
        orr \dst, \src, x16
.endm

// x0 = rt_sigaction(sig, {handler, flags, restore_rt if SA_RESTORER, mask}, NULL). Clobbers x0-x4.
.macro SIGACTION sig, handler, flags, mask=0
        mov x0, #\sig
        adr x1, \handler
        ldr x2, =\flags
        ldr x3, =\mask
        bl set_action
.endm

// x0 = rt_sigaction(sig, {SIG_DFL or SIG_IGN, 0, 0, 0}, NULL). Clobbers x0-x4.
.macro SIGDISP sig, disposition
        mov x0, #\sig
        mov x1, #\disposition
        mov x2, #0
        mov x3, #0
        bl set_action
.endm

// x0 = rt_sigprocmask(how, &mask, NULL). Clobbers x0-x4.
.macro SIGMASK how, mask
        mov x0, #\how
        ldr x1, =\mask
        bl set_mask
.endm

// x0 = kill(getpid(), sig). Clobbers x0, x1, x8.
.macro RAISE sig
        mov x8, #SYS_getpid
        svc #0
        mov x1, #\sig
        mov x8, #SYS_kill
        svc #0
.endm

        .text
        .global _start
_start:
        mov x0, sp
        adr x1, initial_sp
        str x0, [x1]
        bl main
        mov x8, #SYS_exit
        svc #0

// x0 = the value of auxv entry x0 (0 when absent). Clobbers x0-x3.
getauxval:
        adr x1, initial_sp
        ldr x1, [x1]
        ldr x2, [x1], #8                // argc
        add x1, x1, x2, lsl #3
        add x1, x1, #8                  // past argv and its NULL
1:      ldr x2, [x1], #8                // envp
        cbnz x2, 1b
2:      ldp x2, x3, [x1], #16
        cbz x2, 3f
        cmp x2, x0
        b.ne 2b
        mov x0, x3
        ret
3:      mov x0, #0
        ret

// The SA_RESTORER trampoline (what musl's __restore_rt is).
restore_rt:
        mov x8, #SYS_rt_sigreturn
        svc #0

set_action:
        sub sp, sp, #32
        str x1, [sp]
        str x2, [sp, #8]
        adr x4, restore_rt
        tst x2, #SA_RESTORER
        csel x4, x4, xzr, ne
        str x4, [sp, #16]
        str x3, [sp, #24]
        mov x1, sp
        mov x2, #0
        mov x3, #8
        mov x8, #SYS_rt_sigaction
        svc #0
        add sp, sp, #32
        ret

set_mask:
        sub sp, sp, #16
        str x1, [sp]
        mov x1, sp
        mov x2, #0
        mov x3, #8
        mov x8, #SYS_rt_sigprocmask
        svc #0
        add sp, sp, #16
        ret

// write(1, x1, x2), preserving x0-x8.
write_out:
        stp x0, x1, [sp, #-64]!
        stp x2, x8, [sp, #16]
        mov x0, #1
        mov x8, #SYS_write
        svc #0
        ldp x2, x8, [sp, #16]
        ldp x0, x1, [sp], #64
        ret

// Prints the NUL-terminated string at x30 and returns past it (4-byte aligned).
print_inline:
        stp x1, x2, [sp, #-48]!
        stp x3, x29, [sp, #16]
        mrs x3, nzcv
        str x3, [sp, #32]
        mov x1, x30
        mov x2, #0
1:      ldrb w3, [x1, x2]
        cbz w3, 2f
        add x2, x2, #1
        b 1b
2:      mov x29, x30
        bl write_out
        add x30, x29, x2
        add x30, x30, #4
        and x30, x30, #~3
        ldr x3, [sp, #32]
        msr nzcv, x3
        ldp x3, x29, [sp, #16]
        ldp x1, x2, [sp], #48
        ret

// Prints x0 as 0x<hex>.
print_hex:
        stp x1, x2, [sp, #-80]!
        stp x3, x4, [sp, #16]
        stp x5, x29, [sp, #32]
        mrs x3, nzcv
        str x3, [sp, #48]
        add x1, sp, #79                 // the digits go backwards into [sp+56, sp+80)
        mov x2, #0
        mov x4, x0
1:      and x5, x4, #15
        cmp x5, #10
        add x3, x5, #'0'
        add x5, x5, #('a' - 10)
        csel x3, x3, x5, lo
        strb w3, [x1]
        sub x1, x1, #1
        add x2, x2, #1
        lsr x4, x4, #4
        cbnz x4, 1b
        mov w3, #'x'
        strb w3, [x1]
        mov w3, #'0'
        strb w3, [x1, #-1]!
        add x2, x2, #2
        mov x29, x30
        bl write_out
        mov x30, x29
        ldr x3, [sp, #48]
        msr nzcv, x3
        ldp x5, x29, [sp, #32]
        ldp x3, x4, [sp, #16]
        ldp x1, x2, [sp], #80
        ret

// Prints x0 as a signed decimal number.
print_dec:
        stp x1, x2, [sp, #-80]!
        stp x3, x4, [sp, #16]
        stp x5, x29, [sp, #32]
        mrs x3, nzcv
        str x3, [sp, #48]
        str x6, [sp, #56]
        add x1, sp, #79
        mov x2, #0
        mov x4, x0
        cmp x4, #0
        cneg x4, x4, lt
        mov x6, #10
1:      udiv x5, x4, x6
        msub x3, x5, x6, x4
        add x3, x3, #'0'
        strb w3, [x1]
        sub x1, x1, #1
        add x2, x2, #1
        mov x4, x5
        cbnz x4, 1b
        cmp x0, #0
        b.ge 2f
        mov w3, #'-'
        strb w3, [x1]
        sub x1, x1, #1
        add x2, x2, #1
2:      add x1, x1, #1
        mov x29, x30
        bl write_out
        mov x30, x29
        ldr x6, [sp, #56]
        ldr x3, [sp, #48]
        msr nzcv, x3
        ldp x5, x29, [sp, #32]
        ldp x3, x4, [sp, #16]
        ldp x1, x2, [sp], #80
        ret

// Prints " signo=N code=N" from the siginfo at x1.
print_siginfo:
        stp x0, x30, [sp, #-16]!
        PUTS " signo="
        ldr w0, [x1]
        PDEC x0
        PUTS " errno="
        ldrsw x0, [x1, #4]
        PDEC x0
        PUTS " code="
        ldrsw x0, [x1, #8]
        PDEC x0
        ldp x0, x30, [sp], #16
        ret

// x0 = the ESR of the esr_context record in the frame whose uc is x0, or -1 without one. The
// records are walked as a program must (an fpsimd or SVE record may come first). Clobbers x0-x3.
find_esr:
        add x1, x0, #UC_RESERVED
        ldr w3, =ESR_MAGIC
1:      ldr w2, [x1]
        cbz w2, 2f
        cmp w2, w3
        b.eq 3f
        ldr w2, [x1, #4]
        cbz w2, 2f
        add x1, x1, x2
        b 1b
2:      mov x0, #-1
        ret
3:      ldr x0, [x1, #8]
        ret

// x0 = mmap(NULL, x0, x1 (prot), MAP_PRIVATE | MAP_ANONYMOUS, -1, 0). Clobbers x0-x5, x8.
mmap_anon:
        mov x2, x1
        mov x1, x0
        mov x0, #0
        mov x3, #(MAP_PRIVATE | MAP_ANONYMOUS)
        mov x4, #-1
        mov x5, #0
        mov x8, #SYS_mmap
        svc #0
        ret

// x0 = mmap(x0, x1, x2 (prot), MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0). Clobbers x0-x5, x8.
mmap_fixed:
        mov x3, #(MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED)
        mov x4, #-1
        mov x5, #0
        mov x8, #SYS_mmap
        svc #0
        ret

// x0 = prctl(PR_SET_TAGGED_ADDR_CTRL, x0, 0, 0, 0). Clobbers x0-x4, x8.
set_tagged_addr_ctrl:
        mov x1, x0
        mov x0, #PR_SET_TAGGED_ADDR_CTRL
        mov x2, #0
        mov x3, #0
        mov x4, #0
        mov x8, #SYS_prctl
        svc #0
        ret

// x0 = the blocked mask (rt_sigprocmask(SIG_BLOCK, NULL, &old)). Clobbers x0-x3, x8.
get_mask:
        sub sp, sp, #16
        mov x0, #SIG_BLOCK
        mov x1, #0
        mov x2, sp
        mov x3, #8
        mov x8, #SYS_rt_sigprocmask
        svc #0
        ldr x0, [sp]
        add sp, sp, #16
        ret

// x0 = the pending blocked signals (rt_sigpending). Clobbers x0, x1, x8.
get_pending:
        sub sp, sp, #16
        mov x0, sp
        mov x1, #8
        mov x8, #SYS_rt_sigpending
        svc #0
        ldr x0, [sp]
        add sp, sp, #16
        ret

// x0 = sa_handler, x1 = sa_flags, x2 = sa_mask of signal x0, x3 = the result of
// rt_sigaction(x0, NULL, &old) (the struct is zeroed first). Clobbers x0-x3, x8.
get_action:
        sub sp, sp, #32
        stp xzr, xzr, [sp]
        stp xzr, xzr, [sp, #16]
        mov x1, #0
        mov x2, sp
        mov x3, #8
        mov x8, #SYS_rt_sigaction
        svc #0
        mov x3, x0
        ldr x0, [sp]
        ldr x1, [sp, #8]
        ldr x2, [sp, #24]
        add sp, sp, #32
        ret

// x0 = sigaltstack({ss_sp = x0, ss_flags = w1, ss_size = x2}, NULL). Clobbers x0-x2, x8.
set_altstack:
        sub sp, sp, #32
        str x0, [sp]
        str w1, [sp, #8]
        str wzr, [sp, #12]
        str x2, [sp, #16]
        mov x0, sp
        mov x1, #0
        mov x8, #SYS_sigaltstack
        svc #0
        add sp, sp, #32
        ret

// x0 = ss_sp, x1 = ss_flags, x2 = ss_size, x3 = the result of sigaltstack(NULL, &old).
// Clobbers x0-x3, x8.
get_altstack:
        sub sp, sp, #32
        mov x0, #0
        mov x1, sp
        mov x8, #SYS_sigaltstack
        svc #0
        mov x3, x0
        ldr x0, [sp]
        ldr w1, [sp, #8]
        ldr x2, [sp, #16]
        add sp, sp, #32
        ret

        .data
        .balign 8
initial_sp: .quad 0
        .text
