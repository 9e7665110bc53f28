// A run of common syscalls for the `--strace` test: files, memory, prctl, uname, clocks,
// getrandom, ioctl, an error, an unimplemented and an unknown syscall, then exit_group. It
// prints nothing itself (so the trace is all there is).

        .equ SYS_ioctl, 29
        .equ SYS_mkdirat, 34
        .equ SYS_unlinkat, 35
        .equ SYS_openat, 56
        .equ SYS_close, 57
        .equ SYS_lseek, 62
        .equ SYS_read, 63
        .equ SYS_write, 64
        .equ SYS_readv, 65
        .equ SYS_writev, 66
        .equ SYS_pread64, 67
        .equ SYS_pwrite64, 68
        .equ SYS_fstat, 80
        .equ SYS_exit_group, 94
        .equ SYS_clock_gettime, 113
        .equ SYS_uname, 160
        .equ SYS_prctl, 167
        .equ SYS_brk, 214
        .equ SYS_munmap, 215
        .equ SYS_clone, 220
        .equ SYS_mmap, 222
        .equ SYS_mprotect, 226
        .equ SYS_madvise, 233
        .equ SYS_getrandom, 278

.macro SYS nr
        mov x8, #\nr
        svc #0
.endm

        .text
        .global _start
_start:
        mov x0, #-100
        adr x1, path
        mov x2, #0101                   // O_WRONLY|O_CREAT
        mov x3, #0644
        SYS SYS_openat
        mov x19, x0
        mov x0, x19
        adr x1, hello
        mov x2, #3
        SYS SYS_write
        mov x0, x19
        ldr x1, =buf
        mov x2, #16
        SYS SYS_read
        mov x0, x19
        SYS SYS_close
        mov x0, #-100
        adr x1, path
        mov x2, #02                     // O_RDWR
        SYS SYS_openat
        mov x19, x0
        mov x0, x19
        ldr x1, =buf
        mov x2, #16
        SYS SYS_read
        mov x0, x19
        mov x1, #-1
        mov x2, #2                      // SEEK_END
        SYS SYS_lseek
        mov x0, x19
        ldr x1, =statbuf
        SYS SYS_fstat
        mov x0, x19
        adr x1, quote_me
        mov x2, #40
        mov x3, #100
        SYS SYS_pwrite64
        mov x0, x19
        ldr x1, =buf
        mov x2, #4
        mov x3, #100
        SYS SYS_pread64
        mov x0, x19
        adr x1, iov
        mov x2, #2
        SYS SYS_writev
        mov x0, x19
        mov x1, #0
        mov x2, #0
        SYS SYS_lseek
        mov x0, x19
        adr x1, iov_r
        mov x2, #2
        SYS SYS_readv
        mov x0, x19
        SYS SYS_close
        mov x0, #-100
        adr x1, missing
        ldr x2, =02000000               // O_RDONLY|O_CLOEXEC
        SYS SYS_openat
        mov x0, #-100
        adr x1, dir
        mov x2, #0755
        SYS SYS_mkdirat
        mov x0, #-100
        adr x1, dir
        mov x2, #0x200                  // AT_REMOVEDIR
        SYS SYS_unlinkat
        mov x0, #-100
        adr x1, path
        mov x2, #0
        SYS SYS_unlinkat

        mov x0, #0
        SYS SYS_brk
        mov x0, #0
        mov x1, #8192
        mov x2, #0x23                   // PROT_READ|PROT_WRITE|PROT_MTE
        mov x3, #0x22                   // MAP_PRIVATE|MAP_ANONYMOUS
        mov x4, #-1
        mov x5, #0
        SYS SYS_mmap
        mov x20, x0
        mov x0, x20
        mov x1, #4096
        mov x2, #1                      // PROT_READ
        SYS SYS_mprotect
        mov x0, x20
        mov x1, #4096
        mov x2, #4                      // MADV_DONTNEED
        SYS SYS_madvise
        mov x0, x20
        mov x1, #8192
        SYS SYS_munmap

        mov x0, #55                     // PR_SET_TAGGED_ADDR_CTRL
        ldr x1, =(1 | 2 | (0xfffe << 3))
        mov x2, #0
        mov x3, #0
        mov x4, #0
        SYS SYS_prctl
        mov x0, #56
        mov x1, #0
        mov x2, #0
        mov x3, #0
        mov x4, #0
        SYS SYS_prctl
        mov x0, #15                     // PR_SET_NAME
        adr x1, name
        SYS SYS_prctl
        ldr x0, =utsname
        SYS SYS_uname
        mov x0, #1                      // CLOCK_MONOTONIC
        ldr x1, =ts
        SYS SYS_clock_gettime
        ldr x0, =buf
        mov x1, #8
        mov x2, #1                      // GRND_NONBLOCK
        SYS SYS_getrandom
        mov x0, #1
        mov x1, #0x5401                 // TCGETS
        ldr x2, =buf
        SYS SYS_ioctl
        mov x0, #0x11
        mov x1, #0
        mov x2, #0
        mov x3, #0
        mov x4, #0
        SYS SYS_clone
        mov x8, #500
        svc #0
        mov x0, #0
        SYS SYS_exit_group

        .ltorg
        .section .rodata
path:     .asciz "/tmp/trace"
missing:  .asciz "/tmp/missing"
dir:      .asciz "/tmp/d"
name:     .asciz "tracer"
hello:    .ascii "hi\n"
quote_me: .ascii "tab\there \"quoted\" back\\slash \001\0027 and more"
one:      .ascii "one"
two:      .ascii "two"
        .balign 8
iov:      .quad one, 3, two, 3
iov_r:    .quad buf, 2, buf + 16, 10
        .bss
        .balign 16
buf:      .skip 64
statbuf:  .skip 128
utsname:  .skip 390
        .balign 8
ts:       .skip 16
