// Shared runtime of the Linux golden programs (test/linux/*.s). Every program starts with
// `.include "lib.s"` and defines `main`, which returns its exit status in w0. The programs are
// static Linux executables assembled by granule's own assembler (base 0x400000) and run
// unchanged on a real arm64 Linux kernel (Debian's 6.1 under qemu-system-aarch64 10 with
// mte=on, tools/gen-linux-golden.ts) and on granule's kernel shim (test/linux-golden.test.ts);
// what they print on stdout, and how they end, must be the same.
//
// Determinism: the programs never print anything that differs between runs or kernels' memory
// layouts: _start moves sp to a fixed stack (mmap MAP_FIXED at STACK_BASE), test memory is
// mapped with MAP_FIXED at fixed addresses, and program counters print relative to the current
// TEST (T+0x..). Output is buffered and written only by FLUSH (TEST flushes first, and exit
// flushes), so printing never makes a syscall behind a test's back: an async tag check fault is
// delivered at the next kernel entry, which must be the one the test chose.
//
// Conventions: the print macros (PUTS, PHEX, PDEC, PRES, NL, TEST, FLUSH) preserve every
// register and NZCV. SYS clobbers x8 and puts the result in x0 (the kernel preserves the rest).
// Functions called with bl follow the AAPCS (x0-x17 and flags clobbered) unless stated.

        .equ STACK_BASE, 0x30000000
        .equ STACK_SIZE, 0x40000
        .equ OUTBUF_SIZE, 0x10000

        // Syscall numbers (include/uapi/asm-generic/unistd.h).
        .equ SYS_dup3, 24
        .equ SYS_mkdirat, 34
        .equ SYS_unlinkat, 35
        .equ SYS_mount, 40
        .equ SYS_ftruncate, 46
        .equ SYS_openat, 56
        .equ SYS_close, 57
        .equ SYS_pipe2, 59
        .equ SYS_lseek, 62
        .equ SYS_read, 63
        .equ SYS_write, 64
        .equ SYS_readv, 65
        .equ SYS_writev, 66
        .equ SYS_pread64, 67
        .equ SYS_pwrite64, 68
        .equ SYS_fstat, 80
        .equ SYS_exit, 93
        .equ SYS_exit_group, 94
        .equ SYS_set_tid_address, 96
        .equ SYS_futex, 98
        .equ SYS_setitimer, 103
        .equ SYS_clock_gettime, 113
        .equ SYS_sched_yield, 124
        .equ SYS_kill, 129
        .equ SYS_tgkill, 131
        .equ SYS_sigaltstack, 132
        .equ SYS_rt_sigaction, 134
        .equ SYS_rt_sigprocmask, 135
        .equ SYS_rt_sigpending, 136
        .equ SYS_rt_sigreturn, 139
        .equ SYS_reboot, 142
        .equ SYS_uname, 160
        .equ SYS_prctl, 167
        .equ SYS_getpid, 172
        .equ SYS_getppid, 173
        .equ SYS_gettid, 178
        .equ SYS_brk, 214
        .equ SYS_munmap, 215
        .equ SYS_clone, 220
        .equ SYS_execve, 221
        .equ SYS_mmap, 222
        .equ SYS_mprotect, 226
        .equ SYS_madvise, 233
        .equ SYS_wait4, 260
        .equ SYS_getrandom, 278

        .equ AT_FDCWD, -100
        .equ O_RDONLY, 0
        .equ O_WRONLY, 1
        .equ O_RDWR, 2
        .equ O_CREAT, 0x40
        .equ O_EXCL, 0x80
        .equ O_TRUNC, 0x200
        .equ O_APPEND, 0x400
        .equ O_DIRECTORY, 0x4000
        .equ SEEK_SET, 0
        .equ SEEK_CUR, 1
        .equ SEEK_END, 2

        .equ PROT_NONE, 0
        .equ PROT_READ, 1
        .equ PROT_WRITE, 2
        .equ PROT_EXEC, 4
        .equ PROT_MTE, 0x20
        .equ PROT_RW, PROT_READ | PROT_WRITE
        .equ PROT_RWM, PROT_READ | PROT_WRITE | PROT_MTE
        .equ MAP_SHARED, 1
        .equ MAP_PRIVATE, 2
        .equ MAP_FIXED, 0x10
        .equ MAP_ANONYMOUS, 0x20
        .equ MAP_FIXED_NOREPLACE, 0x100000

        // prctl (include/uapi/linux/prctl.h).
        .equ PR_SET_NAME, 15
        .equ PR_GET_NAME, 16
        .equ PR_SET_TAGGED_ADDR_CTRL, 55
        .equ PR_GET_TAGGED_ADDR_CTRL, 56
        .equ PR_TAGGED_ADDR_ENABLE, 1
        .equ PR_MTE_TCF_NONE, 0
        .equ PR_MTE_TCF_SYNC, 2
        .equ PR_MTE_TCF_ASYNC, 4
        .equ PR_MTE_TAG_SHIFT, 3
        // The selftests' usual mode: tagged ABI on, every tag but 0 may be generated.
        .equ MTE_SYNC, PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | (0xfffe << PR_MTE_TAG_SHIFT)
        .equ MTE_ASYNC, PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_ASYNC | (0xfffe << PR_MTE_TAG_SHIFT)
        .equ MTE_NONE, PR_TAGGED_ADDR_ENABLE | (0xfffe << PR_MTE_TAG_SHIFT)

        // Signals (arch/arm64 uses the generic numbers).
        .equ SIGILL, 4
        .equ SIGTRAP, 5
        .equ SIGBUS, 7
        .equ SIGUSR1, 10
        .equ SIGSEGV, 11
        .equ SIGUSR2, 12
        .equ SIGALRM, 14
        .equ SIG_DFL, 0
        .equ SIG_IGN, 1
        .equ SIG_BLOCK, 0
        .equ SIG_UNBLOCK, 1
        .equ SIG_SETMASK, 2
        .equ SA_SIGINFO, 4
        .equ SA_UNSUPPORTED, 0x400
        .equ SA_EXPOSE_TAGBITS, 0x800
        .equ SA_RESTORER, 0x04000000
        .equ SA_ONSTACK, 0x08000000
        .equ SA_RESTART, 0x10000000
        .equ SA_NODEFER, 0x40000000
        .equ SA_RESETHAND, 0x80000000
        .equ SS_ONSTACK, 1
        .equ SS_DISABLE, 2
        .equ SEGV_MAPERR, 1
        .equ SEGV_ACCERR, 2
        .equ SEGV_MTEAERR, 8
        .equ SEGV_MTESERR, 9

        // Signal frame (arch/arm64/include/uapi/asm/ucontext.h, sigcontext.h): offsets in the
        // ucontext the handler gets in x2.
        .equ UC_FLAGS, 0
        .equ UC_STACK, 16
        .equ UC_SIGMASK, 40
        .equ UC_MCONTEXT, 176
        .equ SC_FAULT_ADDRESS, UC_MCONTEXT
        .equ SC_REGS, UC_MCONTEXT + 8
        .equ SC_SP, UC_MCONTEXT + 256
        .equ SC_PC, UC_MCONTEXT + 264
        .equ SC_PSTATE, UC_MCONTEXT + 272
        .equ SC_RESERVED, UC_MCONTEXT + 288
        .equ ESR_MAGIC, 0x45535201
        // siginfo.
        .equ SI_SIGNO, 0
        .equ SI_ERRNO, 4
        .equ SI_CODE, 8
        .equ SI_ADDR, 16
        .equ SI_PID, 16
        .equ SI_UID, 20

        // Fixed addresses for test memory (nothing else is mapped there on either kernel).
        .equ BUF, 0x10000000
        .equ BUF2, 0x10100000
        .equ BUF3, 0x10200000
        .equ ALTSTACK, 0x20000000

// ---- Macros ---------------------------------------------------------------------------------

.macro SYS nr
        mov x8, #\nr
        svc #0
.endm

// Saves x1-x8 and NZCV below x0/x30 (which the caller pushed first); POP_REST undoes it.
.macro PUSH_REST
        stp x1, x2, [sp, #-80]!
        stp x3, x4, [sp, #16]
        stp x5, x6, [sp, #32]
        stp x7, x8, [sp, #48]
        mrs x1, nzcv
        str x1, [sp, #64]
.endm
.macro POP_REST
        ldr x1, [sp, #64]
        msr nzcv, x1
        ldp x7, x8, [sp, #48]
        ldp x5, x6, [sp, #32]
        ldp x3, x4, [sp, #16]
        ldp x1, x2, [sp], #80
.endm

// Prints a string (C escapes allowed).
.macro PUTS str
        stp x0, x30, [sp, #-16]!
        PUSH_REST
        bl print_inline
        .asciz "\str"
        .balign 4
        POP_REST
        ldp x0, x30, [sp], #16
.endm

.macro NL
        PUTS "\n"
.endm

// Loads the value to print into x0 (sp as it was before the macro pushed anything).
.macro PVAL reg
        .ifc \reg,sp
        add x0, sp, #16
        .else
        mov x0, \reg
        .endif
.endm

// Prints " label=0x<hex>".
.macro PHEX label, reg
        stp x0, x30, [sp, #-16]!
        PVAL \reg
        PUSH_REST
        bl print_named_hex
        .asciz " \label="
        .balign 4
        POP_REST
        ldp x0, x30, [sp], #16
.endm

// Prints " label=<signed decimal>".
.macro PDEC label, reg
        stp x0, x30, [sp, #-16]!
        PVAL \reg
        PUSH_REST
        bl print_named_dec
        .asciz " \label="
        .balign 4
        POP_REST
        ldp x0, x30, [sp], #16
.endm

// Prints " label=<result>": -1 ENAME for -4095..-1 (as strace shows it), 0x<hex> from 0x10000
// up, else decimal.
.macro PRES label, reg
        stp x0, x30, [sp, #-16]!
        PVAL \reg
        PUSH_REST
        bl print_named_res
        .asciz " \label="
        .balign 4
        POP_REST
        ldp x0, x30, [sp], #16
.endm

// Print just the value: a result (as PRES) or hex.
.macro PRESV reg
        stp x0, x30, [sp, #-16]!
        PVAL \reg
        PUSH_REST
        bl print_res
        POP_REST
        ldp x0, x30, [sp], #16
.endm
.macro PHEXV reg
        stp x0, x30, [sp, #-16]!
        PVAL \reg
        PUSH_REST
        bl print_hex
        POP_REST
        ldp x0, x30, [sp], #16
.endm

// Writes the output buffer to stdout.
.macro FLUSH
        stp x0, x30, [sp, #-16]!
        PUSH_REST
        bl flush
        POP_REST
        ldp x0, x30, [sp], #16
.endm

// Starts a test: flushes, prints "[name]", forgets any RESUME label, and makes program
// counters print relative to the first instruction after the macro (T+0x..).
.macro TEST name
        stp x0, x30, [sp, #-16]!
        PUSH_REST
        bl flush
        bl test_start
        .asciz "[\name]\n"
        .balign 4
        POP_REST
        ldp x0, x30, [sp], #16
.endm

// The next signal handled by sig_report resumes at `label` (once). Clobbers x16, x17.
.macro RESUME label
        adr x16, \label
        adr x17, h_resume
        str x16, [x17]
.endm

// Prints "  name=<value of x0 as a result>\n" after a syscall, preserving everything.
.macro SHOW name
        PUTS " "
        PRES \name, x0
        NL
.endm

// ---- Entry ----------------------------------------------------------------------------------

        .text
        .global _start
        .type _start, %function
_start:
        // argc and argv from the initial stack, then a stack at a fixed address.
        ldr x19, [sp]
        add x20, sp, #8
        adr x0, argc
        str x19, [x0]
        adr x0, argv
        str x20, [x0]
        ldr x0, =STACK_BASE
        ldr x1, =STACK_SIZE
        mov x2, #PROT_RW
        mov x3, #(MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED)
        mov x4, #-1
        mov x5, #0
        SYS SYS_mmap
        ldr x1, =STACK_BASE
        cmp x0, x1
        b.ne 1f
        ldr x0, =STACK_BASE + STACK_SIZE
        mov sp, x0
        bl main
        b exit
1:      mov x0, #2
        adr x1, stack_msg
        mov x2, #(stack_msg_end - stack_msg)
        SYS SYS_write
        mov x0, #127
        SYS SYS_exit_group
        .size _start, . - _start

// exit: flushes and exits with status w0.
exit:
        mov w19, w0
        bl flush
        mov w0, w19
        SYS SYS_exit_group
        b .

// ---- Output ---------------------------------------------------------------------------------
// Internal routines clobber x0-x8 and NZCV only; the macros save those around them.

// flush: writes the buffer. A signal handler that printed while the write was pending (an async
// fault delivered at this SVC) has its text moved down and written by the next flush.
flush:
        adr x3, outpos
        ldr x2, [x3]
        cbz x2, 3f
        mov x0, #1
        adr x1, outbuf
        SYS SYS_write
        adr x3, outpos
        ldr x2, [x3]
        cmp x0, #0
        b.le 2f
        cmp x0, x2
        b.hi 2f
        // Move bytes [x0, x2) down to 0.
        adr x1, outbuf
        mov x4, #0
1:      add x5, x0, x4
        cmp x5, x2
        b.hs 4f
        ldrb w6, [x1, x5]
        strb w6, [x1, x4]
        add x4, x4, #1
        b 1b
4:      str x4, [x3]
        ret
2:      str xzr, [x3]
3:      ret

// putc: w0 = byte.
putc:
        adr x1, outpos
        ldr x2, [x1]
        adr x3, outbuf
        strb w0, [x3, x2]
        add x2, x2, #1
        str x2, [x1]
        mov x3, #OUTBUF_SIZE
        cmp x2, x3
        b.lo 1f
        stp x29, x30, [sp, #-16]!
        bl flush
        ldp x29, x30, [sp], #16
1:      ret

// puts_end: prints the NUL-terminated string at x0; returns x0 = the address after the NUL.
puts_end:
        stp x29, x30, [sp, #-32]!
        str x19, [sp, #16]
        mov x19, x0
1:      ldrb w0, [x19], #1
        cbz w0, 2f
        bl putc
        b 1b
2:      mov x0, x19
        ldr x19, [sp, #16]
        ldp x29, x30, [sp], #32
        ret

// print_inline: prints the string at x30; returns after it (4-aligned).
print_inline:
        mov x0, x30
        bl puts_end
        add x0, x0, #3
        and x30, x0, #~3
        ret

// print_hex: x0 as 0x<hex>, no leading zeros.
print_hex:
        stp x29, x30, [sp, #-32]!
        stp x19, x20, [sp, #16]
        mov x19, x0
        mov w0, #'0'
        bl putc
        mov w0, #'x'
        bl putc
        mov x20, #60
1:      cbz x20, 2f
        lsr x0, x19, x20
        cbnz x0, 2f
        sub x20, x20, #4
        b 1b
2:      lsr x0, x19, x20
        and x0, x0, #0xf
        cmp x0, #10
        add x1, x0, #'0'
        add x2, x0, #('a' - 10)
        csel x0, x1, x2, lo
        bl putc
        cbz x20, 3f
        sub x20, x20, #4
        b 2b
3:      ldp x19, x20, [sp, #16]
        ldp x29, x30, [sp], #32
        ret

// print_udec: x0 in unsigned decimal.
print_udec:
        stp x29, x30, [sp, #-64]!
        stp x19, x20, [sp, #16]
        add x20, sp, #56
        mov x19, x0
        mov x2, #10
1:      udiv x1, x19, x2
        msub x3, x1, x2, x19
        add x3, x3, #'0'
        strb w3, [x20, #-1]!
        mov x19, x1
        cbnz x19, 1b
        add x19, sp, #56
2:      ldrb w0, [x20], #1
        bl putc
        cmp x20, x19
        b.lo 2b
        ldp x19, x20, [sp, #16]
        ldp x29, x30, [sp], #64
        ret

// print_dec: x0 in signed decimal.
print_dec:
        tbz x0, #63, print_udec
        stp x29, x30, [sp, #-16]!
        str x0, [sp, #-16]!
        mov w0, #'-'
        bl putc
        ldr x0, [sp], #16
        neg x0, x0
        bl print_udec
        ldp x29, x30, [sp], #16
        ret

// print_res: a syscall result: "-1 ENAME" for -4095..-1, hex from 0x10000 up (addresses),
// else decimal.
print_res:
        cmp x0, #0x10000
        b.lo print_dec
        cmn x0, #4095
        b.lo print_hex
        stp x29, x30, [sp, #-32]!
        str x19, [sp, #16]
        neg x19, x0
        adr x0, minus_one
        bl puts_end
        adr x1, errno_names
1:      ldrb w2, [x1]
        cbz w2, 3f
        cmp x2, x19
        b.eq 2f
        add x1, x1, #1
4:      ldrb w2, [x1], #1
        cbnz w2, 4b
        b 1b
2:      add x0, x1, #1
        bl puts_end
        b 5f
3:      mov w0, #'E'
        bl putc
        mov x0, x19
        bl print_udec
5:      ldr x19, [sp, #16]
        ldp x29, x30, [sp], #32
        ret

// print_named_{hex,dec,res}: print the string at x30, then x0; return after the string.
print_named_hex:
        adr x6, print_hex
        b print_named
print_named_dec:
        adr x6, print_dec
        b print_named
print_named_res:
        adr x6, print_res
print_named:
        stp x19, x20, [sp, #-32]!
        stp x21, x22, [sp, #16]
        mov x19, x0
        mov x21, x6
        mov x0, x30
        bl puts_end
        add x0, x0, #3
        and x20, x0, #~3
        mov x0, x19
        blr x21
        mov x30, x20
        ldp x21, x22, [sp, #16]
        ldp x19, x20, [sp], #32
        ret

// test_start (TEST): prints the string at x30, clears h_resume, sets test_base to the first
// instruction after the macro (the string, its padding, POP_REST and the final ldp), returns
// after the string.
test_start:
        mov x0, x30
        bl puts_end
        add x0, x0, #3
        and x30, x0, #~3
        adr x1, h_resume
        str xzr, [x1]
        add x0, x30, #(7 * 4)
        adr x1, test_base
        str x0, [x1]
        ret

// print_pc: x0 as T+0x<offset> if it is at most 64 KiB after test_base, else absolute hex.
print_pc:
        stp x29, x30, [sp, #-32]!
        str x19, [sp, #16]
        mov x19, x0
        adr x1, test_base
        ldr x1, [x1]
        sub x2, x19, x1
        cmp x2, #0x10000
        b.hs 1f
        cbz x1, 1f
        stp x2, xzr, [sp, #-16]!
        mov w0, #'T'
        bl putc
        mov w0, #'+'
        bl putc
        ldp x0, xzr, [sp], #16
        bl print_hex
        b 2f
1:      mov x0, x19
        bl print_hex
2:      ldr x19, [sp, #16]
        ldp x29, x30, [sp], #32
        ret

// dump_mem: x0 = address, x1 = length: prints the bytes in hex, 32 per line, each line
// "  +off: bytes". Reads with PSTATE.TCO = 1 (no tag checks), restoring TCO after.
dump_mem:
        stp x29, x30, [sp, #-48]!
        stp x19, x20, [sp, #16]
        stp x21, x22, [sp, #32]
        mov x19, x0
        mov x20, x1
        mov x21, #0
        mrs x22, tco
        msr tco, #1
1:      cmp x21, x20
        b.hs 4f
        tst x21, #31
        b.ne 2f
        cbz x21, 3f
        mov w0, #'\n'
        bl putc
3:      mov w0, #' '
        bl putc
        bl putc
        mov w0, #'+'
        bl putc
        mov x0, x21
        bl print_hex
        mov w0, #':'
        bl putc
2:      tst x21, #3
        b.ne 5f
        mov w0, #' '
        bl putc
5:      ldrb w0, [x19, x21]
        lsr w1, w0, #4
        and w0, w0, #0xf
        stp x0, xzr, [sp, #-16]!
        mov w0, w1
        bl hexdigit
        ldp x0, xzr, [sp], #16
        bl hexdigit
        add x21, x21, #1
        b 1b
4:      mov w0, #'\n'
        bl putc
        msr tco, x22
        ldp x21, x22, [sp, #32]
        ldp x19, x20, [sp, #16]
        ldp x29, x30, [sp], #48
        ret

hexdigit:
        cmp w0, #10
        add w1, w0, #'0'
        add w2, w0, #('a' - 10)
        csel w0, w1, w2, lo
        b putc

// dump_tags: x0 = address (16-aligned), x1 = number of granules: prints "  tags: t t t ..."
// (LDG per granule, one hex digit each).
dump_tags:
        stp x29, x30, [sp, #-32]!
        stp x19, x20, [sp, #16]
        mov x19, x0
        mov x20, x1
        adr x0, tags_msg
        bl puts_end
1:      cbz x20, 2f
        mov x0, x19
        ldg x0, [x19]
        ubfx x0, x0, #56, #4
        bl hexdigit
        add x19, x19, #16
        sub x20, x20, #1
        b 1b
2:      mov w0, #'\n'
        bl putc
        ldp x19, x20, [sp, #16]
        ldp x29, x30, [sp], #32
        ret

// ---- MTE and memory helpers --------------------------------------------------------------------

// set_mte: prctl(PR_SET_TAGGED_ADDR_CTRL, x0, 0, 0, 0); returns the result.
set_mte:
        mov x1, x0
        mov x0, #PR_SET_TAGGED_ADDR_CTRL
        mov x2, #0
        mov x3, #0
        mov x4, #0
        SYS SYS_prctl
        ret

// get_mte: prctl(PR_GET_TAGGED_ADDR_CTRL, 0, 0, 0, 0).
get_mte:
        mov x0, #PR_GET_TAGGED_ADDR_CTRL
        mov x1, #0
        mov x2, #0
        mov x3, #0
        mov x4, #0
        SYS SYS_prctl
        ret

// map_fixed: mmap(x0, x1, prot x2, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0).
map_fixed:
        mov x3, #(MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED)
        mov x4, #-1
        mov x5, #0
        SYS SYS_mmap
        ret

// set_tags: x0 = tagged address (16-aligned), x1 = length (multiple of 16): STG of the pointer's
// tag over the range.
set_tags:
        cbz x1, 2f
1:      stg x0, [x0], #16
        subs x1, x1, #16
        b.hi 1b
2:      ret

// with_tag: x0 = address, x1 = tag: returns the address with that logical tag (bits 59:56).
with_tag:
        and x0, x0, #~(0xf << 56)
        orr x0, x0, x1, lsl #56
        ret

// fill: x0 = address, x1 = length, w2 = byte (with TCO = 1, restoring it).
fill:
        mrs x3, tco
        msr tco, #1
        cbz x1, 2f
1:      strb w2, [x0], #1
        subs x1, x1, #1
        b.ne 1b
2:      msr tco, x3
        ret

// open_tmp: openat(AT_FDCWD, x0 = path, O_RDWR | O_CREAT | O_TRUNC, 0600).
open_tmp:
        mov x1, x0
        mov x0, #AT_FDCWD
        mov x2, #(O_RDWR | O_CREAT | O_TRUNC)
        mov x3, #0x180                  // 0600
        SYS SYS_openat
        ret

// file_size: x0 = fd: lseek(fd, 0, SEEK_END) (the position moves to the end).
file_size:
        mov x1, #0
        mov x2, #SEEK_END
        SYS SYS_lseek
        ret

// rewind: x0 = fd: lseek(fd, 0, SEEK_SET).
rewind:
        mov x1, #0
        mov x2, #SEEK_SET
        SYS SYS_lseek
        ret

// ---- Signals ----------------------------------------------------------------------------------

// sigaction: x0 = signal, x1 = handler (or SIG_DFL/SIG_IGN), x2 = sa_flags (SA_RESTORER is
// added with sig_restorer), x3 = sa_mask. Returns the result; the old action is in old_sa.
sigaction:
        adr x4, new_sa
        str x1, [x4]
        orr x2, x2, #SA_RESTORER
        str x2, [x4, #8]
        adr x5, sig_restorer
        str x5, [x4, #16]
        str x3, [x4, #24]
        mov x1, x4
        adr x2, old_sa
        mov x3, #8
        SYS SYS_rt_sigaction
        ret

// handle: x0 = signal, x1 = extra sa_flags: installs sig_report with SA_SIGINFO | x1, empty mask.
handle:
        orr x2, x1, #SA_SIGINFO
        adr x1, sig_report
        mov x3, #0
        b sigaction

sig_restorer:
        mov x8, #SYS_rt_sigreturn
        svc #0

// sigmask: x0 = how, x1 = set (value, or -1 for "query only"): rt_sigprocmask; returns the old
// mask in x0 (or -errno).
sigmask:
        adr x2, mask_tmp
        str x1, [x2]
        cmn x1, #1
        csel x1, xzr, x2, eq
        adr x2, mask_old
        mov x3, #8
        SYS SYS_rt_sigprocmask
        cbnz x0, 1f
        adr x2, mask_old
        ldr x0, [x2]
1:      ret

// sig_report: the SA_SIGINFO handler. Prints, on one line,
//   SIG<n> code=<si_code> addr=0x<si_addr> (errno=<si_errno> if non-zero) pc=<sc.pc>
//   fault_address=0x<sc.fault_address> esr=0x<esr_context.esr> (or esr=none) nzcv=<N> tco=<T>
//   handler_tco=<TCO in the handler>
// and, when h_verbose is set, the registers x0-x30 of the frame, sp relative to the handler's,
// and the frame's records. Then resumes: at h_resume if set (once); else after the instruction
// for a synchronous fault (si_code 1..0x7f other than SEGV_MTEAERR); else where it was.
// h_edit: when non-zero, x0 of the frame is replaced by it (sigreturn must restore it); h_nzcv
// (0x10 | flags) likewise replaces the frame's NZCV. Both are used once. The first 32 bytes of
// the siginfo are kept in last_info.
sig_report:
        stp x29, x30, [sp, #-64]!
        mov x29, sp
        stp x19, x20, [sp, #16]
        stp x21, x22, [sp, #32]
        str x23, [sp, #48]
        mrs x23, tco
        mov x19, x0
        mov x20, x1
        mov x21, x2
        adr x0, h_count
        ldr x1, [x0]
        add x1, x1, #1
        str x1, [x0]
        adr x0, sig_msg
        bl puts_end
        mov x0, x19
        bl print_dec
        adr x0, code_msg
        bl puts_end
        ldr w0, [x20, #SI_CODE]
        sxtw x0, w0
        bl print_dec
        ldr w0, [x20, #SI_CODE]
        cmp w0, #0
        b.le 1f
        cmp w0, #0x80
        b.ge 1f
        adr x0, addr_msg
        bl puts_end
        ldr x0, [x20, #SI_ADDR]
        bl print_hex
1:      ldr w0, [x20, #SI_ERRNO]
        cbz w0, 2f
        adr x0, errno_msg
        bl puts_end
        ldr w0, [x20, #SI_ERRNO]
        sxtw x0, w0
        bl print_dec
2:      adr x0, pc_msg
        bl puts_end
        ldr x0, [x21, #SC_PC]
        bl print_pc
        adr x0, fa_msg
        bl puts_end
        ldr x0, [x21, #SC_FAULT_ADDRESS]
        bl print_hex
        adr x0, esr_msg
        bl puts_end
        // Find the esr_context record.
        add x22, x21, #SC_RESERVED
3:      ldr w0, [x22]
        cbz w0, 5f
        ldr w1, =ESR_MAGIC
        cmp w0, w1
        b.eq 4f
        ldr w1, [x22, #4]
        cbz w1, 5f
        add x22, x22, x1
        b 3b
4:      ldr x0, [x22, #8]
        bl print_hex
        b 6f
5:      adr x0, none_msg
        bl puts_end
6:      adr x0, nzcv_msg
        bl puts_end
        ldr x0, [x21, #SC_PSTATE]
        lsr x0, x0, #28
        bl print_hex
        adr x0, tco_msg
        bl puts_end
        ldr x0, [x21, #SC_PSTATE]
        ubfx x0, x0, #25, #1
        bl print_dec
        adr x0, htco_msg
        bl puts_end
        ubfx x0, x23, #25, #1
        bl print_dec
        mov w0, #'\n'
        bl putc
        adr x0, h_verbose
        ldr x0, [x0]
        cbz x0, 7f
        mov x0, x21
        add x1, x29, #64
        bl dump_frame
7:      // Keep the siginfo for the program (si_signo .. si_addr/si_pid+si_uid).
        adr x0, last_info
        ldp x1, x2, [x20]
        stp x1, x2, [x0]
        ldp x1, x2, [x20, #16]
        stp x1, x2, [x0, #16]
        // NZCV edit (h_nzcv = 0x10 | the new NZCV).
        adr x0, h_nzcv
        ldr x1, [x0]
        cbz x1, 71f
        ldr x2, [x21, #SC_PSTATE]
        bfi x2, x1, #28, #4
        str x2, [x21, #SC_PSTATE]
        str xzr, [x0]
71:     // x0 edit.
        adr x0, h_edit
        ldr x1, [x0]
        cbz x1, 8f
        str x1, [x21, #SC_REGS]
        str xzr, [x0]
8:      // Where to resume.
        adr x0, h_resume
        ldr x1, [x0]
        cbz x1, 9f
        str x1, [x21, #SC_PC]
        str xzr, [x0]
        b 10f
9:      ldr w0, [x20, #SI_CODE]
        cmp w0, #SEGV_MTEAERR
        b.eq 10f
        cmp w0, #0
        b.le 10f
        cmp w0, #0x80
        b.ge 10f
        ldr x1, [x21, #SC_PC]
        add x1, x1, #4
        str x1, [x21, #SC_PC]
10:     ldr x23, [sp, #48]
        ldp x21, x22, [sp, #32]
        ldp x19, x20, [sp, #16]
        ldp x29, x30, [sp], #64
        ret

// dump_frame: x0 = ucontext, x1 = the handler's sp at entry. Prints x0-x30 of the frame (four
// per line), sp of the frame relative to the handler's sp at entry, uc_flags, uc_sigmask,
// uc_stack, and each record in __reserved as magic/size.
dump_frame:
        stp x29, x30, [sp, #-48]!
        stp x19, x20, [sp, #16]
        stp x21, x22, [sp, #32]
        mov x19, x0
        mov x22, x1
        mov x20, #0
1:      tst x20, #3
        b.ne 2f
        adr x0, indent_msg
        bl puts_end
2:      mov w0, #' '
        bl putc
        mov w0, #'x'
        bl putc
        mov x0, x20
        bl print_udec
        mov w0, #'='
        bl putc
        add x0, x19, #SC_REGS
        ldr x0, [x0, x20, lsl #3]
        bl print_hex
        add x20, x20, #1
        and x0, x20, #3
        cbnz x0, 3f
        cmp x20, #31
        b.hs 3f
        mov w0, #'\n'
        bl putc
3:      cmp x20, #31
        b.lo 1b
        mov w0, #'\n'
        bl putc
        adr x0, fsp_msg
        bl puts_end
        ldr x0, [x19, #SC_SP]
        sub x0, x0, x22
        bl print_dec
        adr x0, flags_msg
        bl puts_end
        ldr x0, [x19, #UC_FLAGS]
        bl print_hex
        adr x0, mask_msg
        bl puts_end
        ldr x0, [x19, #UC_SIGMASK]
        bl print_hex
        adr x0, ss_msg
        bl puts_end
        ldr x0, [x19, #UC_STACK]
        bl print_hex
        adr x0, ssf_msg
        bl puts_end
        ldr w0, [x19, #UC_STACK + 8]
        bl print_hex
        adr x0, sss_msg
        bl puts_end
        ldr x0, [x19, #UC_STACK + 16]
        bl print_hex
        mov w0, #'\n'
        bl putc
        adr x0, rec_msg
        bl puts_end
        add x20, x19, #SC_RESERVED
4:      ldr w0, [x20]
        ldr w1, =0x46508001
        cmp w0, w1
        // fpsimd_context: the oracle's CPU has FP/SIMD, granule's has none (not printed).
        b.eq 6f
        mov w0, #' '
        bl putc
        ldr w0, [x20]
        bl print_hex
        mov w0, #'/'
        bl putc
        ldr w0, [x20, #4]
        bl print_udec
6:      ldr w0, [x20]
        cbz w0, 5f
        ldr w0, [x20, #4]
        cbz w0, 5f
        add x20, x20, x0
        b 4b
5:      mov w0, #'\n'
        bl putc
        ldp x21, x22, [sp, #32]
        ldp x19, x20, [sp, #16]
        ldp x29, x30, [sp], #48
        ret

// set_regs: xn = 0xa000 + n for x0-x15 and x19-x28 (patterns a signal frame can be checked
// against). Does not touch x16-x18, x29, x30, sp.
set_regs:
        mov x0, #0xa000
        mov x1, #0xa001
        mov x2, #0xa002
        mov x3, #0xa003
        mov x4, #0xa004
        mov x5, #0xa005
        mov x6, #0xa006
        mov x7, #0xa007
        mov x8, #0xa008
        mov x9, #0xa009
        mov x10, #0xa00a
        mov x11, #0xa00b
        mov x12, #0xa00c
        mov x13, #0xa00d
        mov x14, #0xa00e
        mov x15, #0xa00f
        mov x19, #0xa013
        mov x20, #0xa014
        mov x21, #0xa015
        mov x22, #0xa016
        mov x23, #0xa017
        mov x24, #0xa018
        mov x25, #0xa019
        mov x26, #0xa01a
        mov x27, #0xa01b
        mov x28, #0xa01c
        ret

        .ltorg

// ---- Data -------------------------------------------------------------------------------------

        .section .rodata
stack_msg:
        .ascii "lib.s: cannot map the fixed stack\n"
stack_msg_end:
minus_one:      .asciz "-1 "
sig_msg:        .asciz "  SIG"
code_msg:       .asciz " code="
addr_msg:       .asciz " addr="
errno_msg:      .asciz " errno="
pc_msg:         .asciz " pc="
fa_msg:         .asciz " fault_address="
esr_msg:        .asciz " esr="
none_msg:       .asciz "none"
nzcv_msg:       .asciz " nzcv="
tco_msg:        .asciz " tco="
htco_msg:       .asciz " handler_tco="
indent_msg:     .asciz "   "
fsp_msg:        .asciz "    sp=handler_sp+"
flags_msg:      .asciz " uc_flags="
mask_msg:       .asciz " uc_sigmask="
ss_msg:         .asciz " ss_sp="
ssf_msg:        .asciz " ss_flags="
sss_msg:        .asciz " ss_size="
rec_msg:        .asciz "    records:"
tags_msg:       .asciz "  tags: "
// errno names: number byte, then the name, NUL; a 0 byte ends the table.
errno_names:
        .byte 1
        .asciz "EPERM"
        .byte 2
        .asciz "ENOENT"
        .byte 3
        .asciz "ESRCH"
        .byte 4
        .asciz "EINTR"
        .byte 5
        .asciz "EIO"
        .byte 9
        .asciz "EBADF"
        .byte 11
        .asciz "EAGAIN"
        .byte 12
        .asciz "ENOMEM"
        .byte 13
        .asciz "EACCES"
        .byte 14
        .asciz "EFAULT"
        .byte 16
        .asciz "EBUSY"
        .byte 17
        .asciz "EEXIST"
        .byte 19
        .asciz "ENODEV"
        .byte 20
        .asciz "ENOTDIR"
        .byte 21
        .asciz "EISDIR"
        .byte 22
        .asciz "EINVAL"
        .byte 24
        .asciz "EMFILE"
        .byte 25
        .asciz "ENOTTY"
        .byte 28
        .asciz "ENOSPC"
        .byte 29
        .asciz "ESPIPE"
        .byte 34
        .asciz "ERANGE"
        .byte 36
        .asciz "ENAMETOOLONG"
        .byte 38
        .asciz "ENOSYS"
        .byte 95
        .asciz "EOPNOTSUPP"
        .byte 0

        .data
        .balign 8
argc:           .quad 0
argv:           .quad 0
outpos:         .quad 0
test_base:      .quad 0
h_resume:       .quad 0
h_count:        .quad 0
h_verbose:      .quad 0
h_edit:         .quad 0
h_nzcv:         .quad 0
last_info:      .quad 0, 0, 0, 0
mask_tmp:       .quad 0
mask_old:       .quad 0
new_sa:         .quad 0, 0, 0, 0
old_sa:         .quad 0, 0, 0, 0

        .bss
        .balign 16
outbuf:         .space OUTBUF_SIZE
        .text
