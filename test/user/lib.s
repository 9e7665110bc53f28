// Runtime of the syscall test programs (test/user/*.s): static arm64 Linux programs with raw
// `svc #0` syscalls, assembled by granule's own assembler, so the same ELF runs on granule, on
// qemu-aarch64 and on a Linux kernel. Every program starts with `.include "lib.s"` and defines
// `main`; _start calls it, flushes the output and exits with main's w0.
//
// Output is buffered (OUT, flushed at exit or by FLUSH), so printing makes no syscalls between
// the ones a test makes. The print macros (SHOW, SHOWX, SHOWD, SAY, OUTS, FLUSH) preserve every
// register and the flags; SYS clobbers x8 only (the kernel preserves the rest) and leaves the result
// in x0. Results print as strace does: a number, or `-1 ENAME` for -errno.

        .equ SYS_getcwd, 17
        .equ SYS_dup, 23
        .equ SYS_dup3, 24
        .equ SYS_fcntl, 25
        .equ SYS_ioctl, 29
        .equ SYS_mkdirat, 34
        .equ SYS_unlinkat, 35
        .equ SYS_mount, 40
        .equ SYS_ftruncate, 46
        .equ SYS_openat, 56
        .equ SYS_close, 57
        .equ SYS_lseek, 62
        .equ SYS_read, 63
        .equ SYS_write, 64
        .equ SYS_readv, 65
        .equ SYS_writev, 66
        .equ SYS_pread64, 67
        .equ SYS_pwrite64, 68
        .equ SYS_newfstatat, 79
        .equ SYS_fstat, 80
        .equ SYS_exit, 93
        .equ SYS_exit_group, 94
        .equ SYS_set_tid_address, 96
        .equ SYS_futex, 98
        .equ SYS_set_robust_list, 99
        .equ SYS_clock_gettime, 113
        .equ SYS_clock_getres, 114
        .equ SYS_sched_yield, 124
        .equ SYS_uname, 160
        .equ SYS_getrlimit, 163
        .equ SYS_umask, 166
        .equ SYS_prctl, 167
        .equ SYS_gettimeofday, 169
        .equ SYS_getpid, 172
        .equ SYS_getppid, 173
        .equ SYS_getuid, 174
        .equ SYS_gettid, 178
        .equ SYS_brk, 214
        .equ SYS_munmap, 215
        .equ SYS_mmap, 222
        .equ SYS_mprotect, 226
        .equ SYS_madvise, 233
        .equ SYS_prlimit64, 261
        .equ SYS_getrandom, 278

        .equ AT_FDCWD, -100
        .equ AT_REMOVEDIR, 0x200
        .equ AT_EMPTY_PATH, 0x1000
        .equ O_RDONLY, 0
        .equ O_WRONLY, 1
        .equ O_RDWR, 2
        .equ O_CREAT, 0100
        .equ O_EXCL, 0200
        .equ O_TRUNC, 01000
        .equ O_APPEND, 02000
        .equ O_DIRECTORY, 040000
        .equ O_DIRECT, 0200000
        .equ O_CLOEXEC, 02000000
        .equ O_PATH, 010000000
        .equ SEEK_SET, 0
        .equ SEEK_CUR, 1
        .equ SEEK_END, 2
        .equ SEEK_DATA, 3
        .equ SEEK_HOLE, 4
        .equ PROT_NONE, 0
        .equ PROT_READ, 1
        .equ PROT_WRITE, 2
        .equ PROT_EXEC, 4
        .equ PROT_MTE, 0x20
        .equ MAP_SHARED, 1
        .equ MAP_PRIVATE, 2
        .equ MAP_FIXED, 0x10
        .equ MAP_ANONYMOUS, 0x20
        .equ MAP_FIXED_NOREPLACE, 0x100000
        .equ MADV_NORMAL, 0
        .equ MADV_WILLNEED, 3
        .equ MADV_DONTNEED, 4
        .equ MADV_FREE, 8
        .equ MADV_REMOVE, 9
        .equ PR_SET_NAME, 15
        .equ PR_GET_NAME, 16
        .equ PR_SET_TAGGED_ADDR_CTRL, 55
        .equ PR_GET_TAGGED_ADDR_CTRL, 56
        .equ PR_TAGGED_ADDR_ENABLE, 1
        .equ PR_MTE_TCF_SYNC, 2
        .equ PR_MTE_TCF_ASYNC, 4
        .equ PR_MTE_TAG_SHIFT, 3
        .equ CLOCK_REALTIME, 0
        .equ CLOCK_MONOTONIC, 1
        .equ CLOCK_MONOTONIC_COARSE, 6
        .equ TCGETS, 0x5401
        .equ TIOCGWINSZ, 0x5413
        .equ FIONREAD, 0x541b
        .equ STDOUT, 1

        .equ OUT_SIZE, 0x10000

// SYS nr: the syscall; the result in x0.
.macro SYS nr
        mov x8, #\nr
        svc #0
.endm

// Saves/restores everything the print macros may clobber (x0-x19, x30, NZCV).
.macro SAVE_ALL
        sub sp, sp, #176
        stp x0, x1, [sp]
        stp x2, x3, [sp, #16]
        stp x4, x5, [sp, #32]
        stp x6, x7, [sp, #48]
        stp x8, x9, [sp, #64]
        stp x10, x11, [sp, #80]
        stp x12, x13, [sp, #96]
        stp x14, x15, [sp, #112]
        stp x16, x17, [sp, #128]
        stp x18, x30, [sp, #144]
        mrs x9, nzcv
        stp x9, x19, [sp, #160]
.endm
.macro RESTORE_ALL
        ldp x9, x19, [sp, #160]
        msr nzcv, x9
        ldp x0, x1, [sp]
        ldp x2, x3, [sp, #16]
        ldp x4, x5, [sp, #32]
        ldp x6, x7, [sp, #48]
        ldp x8, x9, [sp, #64]
        ldp x10, x11, [sp, #80]
        ldp x12, x13, [sp, #96]
        ldp x14, x15, [sp, #112]
        ldp x16, x17, [sp, #128]
        ldp x18, x30, [sp, #144]
        add sp, sp, #176
.endm

// SHOW name: prints "name=<result in x0>\n".
.macro SHOW name
        SAVE_ALL
        mov x19, x0
        adr x0, 9001f
        bl out_str
        mov x0, x19
        bl out_res
        mov w0, #10
        bl out_char
        RESTORE_ALL
        b 9002f
9001:   .asciz "\name="
        .balign 4
9002:
.endm

// SHOWX name, reg / SHOWD name, reg: "name=0x<hex>\n" / "name=<signed decimal>\n".
.macro SHOWX name, reg
        SAVE_ALL
        mov x19, \reg
        adr x0, 9001f
        bl out_str
        mov x0, x19
        bl out_hex
        mov w0, #10
        bl out_char
        RESTORE_ALL
        b 9002f
9001:   .asciz "\name="
        .balign 4
9002:
.endm
.macro SHOWD name, reg
        SAVE_ALL
        mov x19, \reg
        adr x0, 9001f
        bl out_str
        mov x0, x19
        bl out_dec
        mov w0, #10
        bl out_char
        RESTORE_ALL
        b 9002f
9001:   .asciz "\name="
        .balign 4
9002:
.endm

// SAY "text": prints the text and a newline.
.macro SAY text
        SAVE_ALL
        adr x0, 9001f
        bl out_str
        mov w0, #10
        bl out_char
        RESTORE_ALL
        b 9002f
9001:   .asciz "\text"
        .balign 4
9002:
.endm

// OUTS addr, len: copies raw bytes into the output (what a read returned, say).
.macro OUTS addr, len
        SAVE_ALL
        mov x0, \addr
        mov x1, \len
        bl out_bytes
        mov w0, #10
        bl out_char
        RESTORE_ALL
.endm

.macro FLUSH
        SAVE_ALL
        bl flush
        RESTORE_ALL
.endm

// ---- entry

        .text
        .global _start
        .type _start, %function
_start:
        mov x0, sp
        bl base_init
        bl main
        mov w19, w0
        bl flush
        mov w0, w19
        SYS SYS_exit_group

// ---- output

// out_char(w0)
out_char:
        adr x1, out_len
        ldr x2, [x1]
        ldr x3, =OUT
        strb w0, [x3, x2]
        add x2, x2, #1
        str x2, [x1]
        cmp x2, #OUT_SIZE
        b.lo 1f
        b flush
1:      ret

// out_str(x0 = NUL-terminated string)
out_str:
        stp x29, x30, [sp, #-32]!
        str x20, [sp, #16]
        mov x20, x0
1:      ldrb w0, [x20], #1
        cbz w0, 2f
        bl out_char
        b 1b
2:      ldr x20, [sp, #16]
        ldp x29, x30, [sp], #32
        ret

// out_bytes(x0 = address, x1 = count): printable bytes as they are, others as '.'.
out_bytes:
        stp x29, x30, [sp, #-32]!
        stp x20, x21, [sp, #16]
        mov x20, x0
        mov x21, x1
1:      cbz x21, 3f
        ldrb w0, [x20], #1
        cmp w0, #0x20
        b.lo 2f
        cmp w0, #0x7e
        b.ls 4f
2:      mov w0, #'.'
4:      bl out_char
        sub x21, x21, #1
        b 1b
3:      ldp x20, x21, [sp, #16]
        ldp x29, x30, [sp], #32
        ret

// out_udec(x0): the digits go to a stack buffer, then out in order (out_char keeps x9-x12).
out_udec:
        stp x29, x30, [sp, #-48]!
        add x10, sp, #48
        mov x12, x10
        mov x11, #10
1:      udiv x9, x0, x11
        msub x13, x9, x11, x0
        add w13, w13, #'0'
        strb w13, [x10, #-1]!
        mov x0, x9
        cbnz x0, 1b
2:      ldrb w0, [x10], #1
        bl out_char
        cmp x10, x12
        b.lo 2b
        ldp x29, x30, [sp], #48
        ret

// out_dec(x0): signed.
out_dec:
        stp x29, x30, [sp, #-16]!
        tbz x0, #63, 1f
        str x0, [sp, #-16]!
        mov w0, #'-'
        bl out_char
        ldr x0, [sp], #16
        neg x0, x0
1:      bl out_udec
        ldp x29, x30, [sp], #16
        ret

// out_hex(x0): "0x" and lowercase digits, no leading zeros.
out_hex:
        stp x29, x30, [sp, #-32]!
        str x20, [sp, #16]
        mov x20, x0
        mov w0, #'0'
        bl out_char
        mov w0, #'x'
        bl out_char
        mov x9, #60
        mov x10, #0
1:      lsr x11, x20, x9
        and x11, x11, #15
        cbnz x11, 2f
        cbnz x10, 2f
        cbz x9, 2f
        b 3f
2:      mov x10, #1
        cmp x11, #10
        add w0, w11, #'0'
        add w12, w11, #('a' - 10)
        csel w0, w12, w0, hs
        stp x9, x10, [sp, #-16]!
        bl out_char
        ldp x9, x10, [sp], #16
3:      subs x9, x9, #4
        b.pl 1b
        ldr x20, [sp, #16]
        ldp x29, x30, [sp], #32
        ret

// out_res(x0): a syscall result: "-1 ENAME" for -4095..-1, else signed decimal.
out_res:
        stp x29, x30, [sp, #-32]!
        str x20, [sp, #16]
        mov x20, x0
        cmn x0, #4095
        b.lo 3f
        tbz x0, #63, 3f
        adr x0, s_minus1
        bl out_str
        neg x20, x20
        cmp x20, #ERRNO_MAX
        b.hs 2f
        adr x1, errnames
        ldr x0, [x1, x20, lsl #3]
        cbz x0, 2f
        bl out_str
        b 4f
2:      mov w0, #'E'
        bl out_char
        mov x0, x20
        bl out_udec
        b 4f
3:      mov x0, x20
        bl out_dec
4:      ldr x20, [sp, #16]
        ldp x29, x30, [sp], #32
        ret

// flush: write(1, OUT, out_len) until everything is out.
flush:
        adr x1, out_len
        ldr x2, [x1]
        ldr x1, =OUT
1:      cbz x2, 2f
        mov x0, #STDOUT
        mov x8, #SYS_write
        svc #0
        cmp x0, #0
        b.le 2f
        add x1, x1, x0
        sub x2, x2, x0
        b 1b
2:      adr x1, out_len
        str xzr, [x1]
        ret

        .ltorg

        .section .rodata
s_minus1: .asciz "-1 "
e1: .asciz "EPERM"
e2: .asciz "ENOENT"
e3: .asciz "ESRCH"
e4: .asciz "EINTR"
e5: .asciz "EIO"
e6: .asciz "ENXIO"
e9: .asciz "EBADF"
e11: .asciz "EAGAIN"
e12: .asciz "ENOMEM"
e13: .asciz "EACCES"
e14: .asciz "EFAULT"
e16: .asciz "EBUSY"
e17: .asciz "EEXIST"
e19: .asciz "ENODEV"
e20: .asciz "ENOTDIR"
e21: .asciz "EISDIR"
e22: .asciz "EINVAL"
e24: .asciz "EMFILE"
e25: .asciz "ENOTTY"
e27: .asciz "EFBIG"
e28: .asciz "ENOSPC"
e29: .asciz "ESPIPE"
e34: .asciz "ERANGE"
e36: .asciz "ENAMETOOLONG"
e38: .asciz "ENOSYS"
e39: .asciz "ENOTEMPTY"
e75: .asciz "EOVERFLOW"
e95: .asciz "EOPNOTSUPP"
e110: .asciz "ETIMEDOUT"
        .balign 8
        .equ ERRNO_MAX, 111
errnames:
        .quad 0, e1, e2, e3, e4, e5, e6, 0, 0, e9, 0, e11, e12, e13, e14, 0
        .quad e16, e17, 0, e19, e20, e21, e22, 0, e24, e25, 0, e27, e28, e29, 0, 0
        .quad 0, 0, e34, 0, e36, 0, e38, e39, 0, 0, 0, 0, 0, 0, 0, 0
        .quad 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
        .quad 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, e75, 0, 0, 0, 0
        .quad 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, e95
        .quad 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, e110

        .data
        .balign 8
out_len: .quad 0

        .bss
        .balign 16
OUT:    .skip OUT_SIZE

// Programs continue in .text.
        .text

// ---- paths: argv[1] (or "/tmp") is the directory the program's files go in

// base_init(x0 = the initial sp): remembers argv[1] when there is one.
        .text
base_init:
        ldr x1, [x0]
        cmp x1, #2
        b.lo 1f
        ldr x1, [x0, #16]
        adr x2, base_dir
        str x1, [x2]
1:      ret

// path(x0 = name) -> x0 = base + "/" + name in PATHBUF (clobbers x1-x3).
path:
        adr x1, base_dir
        ldr x1, [x1]
        ldr x2, =PATHBUF
1:      ldrb w3, [x1], #1
        cbz w3, 2f
        strb w3, [x2], #1
        b 1b
2:      mov w3, #'/'
        strb w3, [x2], #1
3:      ldrb w3, [x0], #1
        strb w3, [x2], #1
        cbnz w3, 3b
        ldr x0, =PATHBUF
        ret

        .ltorg
        .section .rodata
s_tmp:  .asciz "/tmp"
        .data
        .balign 8
base_dir: .quad s_tmp
        .bss
PATHBUF: .skip 4096
        .text
