// Runtime of the kernel-version oracle program (test/linux-versions/bufwrite.s, run as /bin/bufwrite
// by the single-kernel oracle's init, test/linux/init.s): it includes this first and defines
// `main`, which returns the exit status in w0.
// Static Linux executables assembled by granule's own assembler (base 0x400000); they run on
// every kernel tools/gen-linux-versions-golden.ts boots (Debian's packaged arm64 kernels and
// upstream 5.10.46 with and without 295cf156231c, under qemu-system-aarch64 10 with mte=on) and
// on granule's kernel shim. Deliberately separate from test/linux/lib.s so the committed
// observations (whose headers hash these sources) do not go stale when that file changes.
//
// main gets x0 = the initial stack pointer (argc at [x0], argv[] after it).
// Output is buffered and written to stdout only by FLUSH or exit (so no syscall happens behind
// a case's back). _start moves sp to a fixed stack (MAP_FIXED at STACK_BASE) and test memory is
// mapped at fixed addresses, so nothing printed depends on a kernel's memory layout.
// The print macros preserve x0-x8 and NZCV; SYS clobbers x8 and returns the result in x0.

        .equ STACK_BASE, 0x30000000
        .equ STACK_SIZE, 0x40000
        .equ OUTBUF_SIZE, 0x10000

        // Syscall numbers (include/uapi/asm-generic/unistd.h).
        .equ SYS_dup3, 24
        .equ SYS_mount, 40
        .equ SYS_ftruncate, 46
        .equ SYS_openat, 56
        .equ SYS_close, 57
        .equ SYS_pipe2, 59
        .equ SYS_lseek, 62
        .equ SYS_read, 63
        .equ SYS_write, 64
        .equ SYS_pread64, 67
        .equ SYS_pwrite64, 68
        .equ SYS_ppoll, 73
        .equ SYS_newfstatat, 79
        .equ SYS_exit_group, 94
        .equ SYS_nanosleep, 101
        .equ SYS_setitimer, 103
        .equ SYS_kill, 129
        .equ SYS_rt_sigaction, 134
        .equ SYS_rt_sigreturn, 139
        .equ SYS_reboot, 142
        .equ SYS_uname, 160
        .equ SYS_prctl, 167
        .equ SYS_getpid, 172
        .equ SYS_clone, 220
        .equ SYS_execve, 221
        .equ SYS_mmap, 222
        .equ SYS_wait4, 260

        .equ AT_FDCWD, -100
        .equ O_RDONLY, 0
        .equ O_RDWR, 2
        .equ O_CREAT, 0x40
        .equ O_TRUNC, 0x200
        .equ SEEK_SET, 0
        .equ SEEK_CUR, 1
        .equ SEEK_END, 2
        .equ PROT_READ, 1
        .equ PROT_WRITE, 2
        .equ PROT_MTE, 0x20
        .equ PROT_RW, PROT_READ | PROT_WRITE
        .equ PROT_RWM, PROT_READ | PROT_WRITE | PROT_MTE
        .equ MAP_PRIVATE, 2
        .equ MAP_FIXED, 0x10
        .equ MAP_ANONYMOUS, 0x20

        .equ PR_SET_TAGGED_ADDR_CTRL, 55
        .equ PR_TAGGED_ADDR_ENABLE, 1
        .equ PR_MTE_TCF_SYNC, 2
        .equ PR_MTE_TCF_ASYNC, 4
        .equ PR_MTE_TAG_SHIFT, 3
        // kernel-uaccess.md's common setup: tagged ABI on, every tag but 0 may be generated.
        .equ MTE_SYNC, PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | (0xfffe << PR_MTE_TAG_SHIFT)
        .equ MTE_ASYNC, PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_ASYNC | (0xfffe << PR_MTE_TAG_SHIFT)

        .equ SIGKILL, 9
        .equ SIGSEGV, 11
        .equ SIGCHLD, 17
        .equ SA_SIGINFO, 4
        .equ SA_RESTORER, 0x04000000
        .equ SI_CODE, 8
        .equ EINTR, 4

        // Fixed addresses for test memory.
        .equ BUF, 0x10000000
        .equ BUF3, 0x10200000

.macro SYS nr
        mov x8, #\nr
        svc #0
.endm

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

// Prints a register as a syscall result (see print_res).
.macro PRESV reg
        stp x0, x30, [sp, #-16]!
        mov x0, \reg
        PUSH_REST
        bl print_res
        POP_REST
        ldp x0, x30, [sp], #16
.endm

// Prints a register in unsigned decimal.
.macro PUDEC reg
        stp x0, x30, [sp, #-16]!
        mov x0, \reg
        PUSH_REST
        bl print_udec
        POP_REST
        ldp x0, x30, [sp], #16
.endm

.macro FLUSH
        stp x0, x30, [sp, #-16]!
        PUSH_REST
        bl flush
        POP_REST
        ldp x0, x30, [sp], #16
.endm

// ---- Entry ------------------------------------------------------------------------------------

        .text
        .global _start
        .type _start, %function
_start:
        mov x20, sp                     // argc, argv[], envp[], auxv (for main)
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
        mov x0, x20
        bl main
        b exit
1:      mov x0, #127
        SYS SYS_exit_group
        .size _start, . - _start

// exit: flushes and exits with status w0.
exit:
        mov w19, w0
        bl flush
        mov w0, w19
        SYS SYS_exit_group
        b .

// ---- Output (clobbers x0-x8 and NZCV) ------------------------------------------------------------

// flush: writes the buffer to stdout (all of it, retrying short writes).
flush:
        stp x29, x30, [sp, #-32]!
        stp x19, x20, [sp, #16]
        adr x19, outbuf
        adr x3, outpos
        ldr x20, [x3]
1:      cbz x20, 2f
        mov x0, #1
        mov x1, x19
        mov x2, x20
        SYS SYS_write
        cmn x0, #EINTR
        b.eq 1b
        cmp x0, #0
        b.le 2f
        add x19, x19, x0
        sub x20, x20, x0
        b 1b
2:      adr x3, outpos
        str xzr, [x3]
        ldp x19, x20, [sp, #16]
        ldp x29, x30, [sp], #32
        ret

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

// utoa: writes x0 in unsigned decimal to x1 (NUL-terminated); returns x0 = the address of the NUL.
utoa:
        sub sp, sp, #32
        add x3, sp, #32
        mov x2, #10
1:      udiv x4, x0, x2
        msub x5, x4, x2, x0
        add x5, x5, #'0'
        strb w5, [x3, #-1]!
        mov x0, x4
        cbnz x0, 1b
        add x4, sp, #32
2:      ldrb w5, [x3], #1
        strb w5, [x1], #1
        cmp x3, x4
        b.lo 2b
        strb wzr, [x1]
        mov x0, x1
        add sp, sp, #32
        ret

// print_udec: x0 in unsigned decimal.
print_udec:
        stp x29, x30, [sp, #-48]!
        add x1, sp, #16
        bl utoa
        add x0, sp, #16
        bl puts_end
        ldp x29, x30, [sp], #48
        ret

// print_res: a syscall result: "-1 ENAME" for -4095..-1 (as strace shows it), else signed decimal.
print_res:
        cmn x0, #4095
        b.lo 3f
        tbz x0, #63, 3f
        stp x29, x30, [sp, #-32]!
        str x19, [sp, #16]
        neg x19, x0
        adr x0, minus_one
        bl puts_end
        adr x1, errno_names
1:      ldrb w2, [x1]
        cbz w2, 4f
        cmp x2, x19
        b.eq 2f
        add x1, x1, #1
5:      ldrb w2, [x1], #1
        cbnz w2, 5b
        b 1b
2:      add x0, x1, #1
        bl puts_end
        b 6f
4:      mov w0, #'E'
        bl putc
        mov x0, x19
        bl print_udec
6:      ldr x19, [sp, #16]
        ldp x29, x30, [sp], #32
        ret
3:      tbz x0, #63, print_udec
        stp x29, x30, [sp, #-16]!
        str x0, [sp, #-16]!
        mov w0, #'-'
        bl putc
        ldr x0, [sp], #16
        neg x0, x0
        bl print_udec
        ldp x29, x30, [sp], #16
        ret

// hexdigit: prints the low 4 bits of w0 as a lowercase hex digit.
hexdigit:
        and w0, w0, #0xf
        cmp w0, #10
        add w1, w0, #'0'
        add w2, w0, #('a' - 10)
        csel w0, w1, w2, lo
        b putc

// ---- Memory, tags, strings (clobber x0-x8) -----------------------------------------------------

// map_fixed: mmap(x0, x1, prot x2, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0).
map_fixed:
        mov x3, #(MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED)
        mov x4, #-1
        mov x5, #0
        SYS SYS_mmap
        ret

// set_tags: x0 = address (its logical tag is stored), x1 = length (a multiple of 16): STG each granule.
set_tags:
        cbz x1, 2f
1:      stg x0, [x0], #16
        subs x1, x1, #16
        b.hi 1b
2:      ret

// streq: x0, x1 = NUL-terminated strings; returns x0 = 1 if they are equal, else 0.
streq:
1:      ldrb w2, [x0], #1
        ldrb w3, [x1], #1
        cmp w2, w3
        b.ne 2f
        cbnz w2, 1b
        mov x0, #1
        ret
2:      mov x0, #0
        ret

        .ltorg

        .section .rodata
minus_one:      .asciz "-1 "
// errno names: one byte (the number), then the name.
errno_names:
        .byte 2
        .asciz "ENOENT"
        .byte 4
        .asciz "EINTR"
        .byte 10
        .asciz "ECHILD"
        .byte 11
        .asciz "EAGAIN"
        .byte 12
        .asciz "ENOMEM"
        .byte 14
        .asciz "EFAULT"
        .byte 22
        .asciz "EINVAL"
        .byte 0

        .data
        .balign 8
outpos:         .quad 0

        .bss
        .balign 16
outbuf:         .space OUTBUF_SIZE

        .text
