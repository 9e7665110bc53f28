// The syscalls the shim implements, as Linux answers them (results and errno for the usual
// misuses): the initial stack (argc, argv, envp, auxv), uname, process ids, brk, mmap, munmap,
// mprotect, madvise, files on a tmpfs (openat flags, read/write/lseek/pread/pwrite/readv/writev,
// fstat, ftruncate, unlinkat, descriptor numbering), clock_gettime, getrandom, sched_yield,
// PR_SET/GET_NAME, and numbers Linux does not know (-ENOSYS). Only what is the same on every
// boot is printed (no pids, times, random bytes, or addresses the kernel chooses).

        .include "lib.s"

        .equ AT_NULL, 0
        .equ AT_PHDR, 3
        .equ AT_PHENT, 4
        .equ AT_PHNUM, 5
        .equ AT_PAGESZ, 6
        .equ AT_BASE, 7
        .equ AT_FLAGS, 8
        .equ AT_ENTRY, 9
        .equ AT_UID, 11
        .equ AT_EUID, 12
        .equ AT_GID, 13
        .equ AT_EGID, 14
        .equ AT_PLATFORM, 15
        .equ AT_HWCAP, 16
        .equ AT_CLKTCK, 17
        .equ AT_SECURE, 23
        .equ AT_RANDOM, 25
        .equ AT_HWCAP2, 26
        .equ AT_EXECFN, 31
        .equ AT_MINSIGSTKSZ, 51
        .equ MADV_NORMAL, 0
        .equ MADV_DONTNEED, 4

// C nr, a0, a1, a2, a3: a syscall with up to four arguments given as expressions (ldr =).
.macro C nr, a0=0, a1=0, a2=0, a3=0
        ldr x0, =\a0
        ldr x1, =\a1
        ldr x2, =\a2
        ldr x3, =\a3
        SYS \nr
.endm

// CF nr, a1, a2, a3: the same with x0 = the file descriptor in x20.
.macro CF nr, a1=0, a2=0, a3=0
        mov x0, x20
        ldr x1, =\a1
        ldr x2, =\a2
        ldr x3, =\a3
        SYS \nr
.endm

main:
        stp x29, x30, [sp, #-16]!
        mov x0, #SIGSEGV
        mov x1, #0
        bl handle
        TEST "initial stack"
        adr x0, argc
        ldr x19, [x0]
        PUTS " "
        PDEC argc, x19
        adr x0, argv
        ldr x20, [x0]
        PUTS " argv[0]="
        ldr x0, [x20]
        bl puts_end
        ldr x0, [x20, x19, lsl #3]
        PHEX argv_end, x0
        add x21, x20, x19, lsl #3
        add x21, x21, #8
        ldr x0, [x21]
        PHEX envp0, x0
        NL
        // auxv after envp's NULL.
1:      ldr x0, [x21], #8
        cbnz x0, 1b
        PUTS "  auxv types:"
        mov x22, x21
2:      ldp x0, x1, [x22], #16
        PUTS " "
        PRESV x0
        cbnz x0, 2b
        NL
        mov x22, x21
3:      ldp x23, x24, [x22], #16
        cbz x23, 9f
        cmp x23, #AT_PHENT
        b.eq 4f
        cmp x23, #AT_PHNUM
        b.eq 4f
        cmp x23, #AT_PAGESZ
        b.eq 4f
        cmp x23, #AT_BASE
        b.eq 4f
        cmp x23, #AT_FLAGS
        b.eq 4f
        cmp x23, #AT_UID
        b.lo 31f
        cmp x23, #AT_EGID
        b.ls 4f
31:     cmp x23, #AT_CLKTCK
        b.eq 4f
        cmp x23, #AT_SECURE
        b.eq 4f
        cmp x23, #AT_MINSIGSTKSZ
        b.eq 4f
        cmp x23, #AT_PHDR
        b.eq 4f
        cmp x23, #AT_ENTRY
        b.eq 5f
        cmp x23, #AT_HWCAP2
        b.eq 6f
        cmp x23, #AT_PLATFORM
        b.eq 7f
        cmp x23, #AT_EXECFN
        b.eq 7f
        cmp x23, #AT_RANDOM
        b.eq 8f
        b 3b
4:      PUTS "  AT_"
        PRESV x23
        PHEX value, x24
        NL
        b 3b
5:      adr x0, _start
        cmp x0, x24
        cset x0, eq
        PUTS "  AT_ENTRY"
        PDEC is_start, x0
        NL
        b 3b
6:      ldr x0, =(1 << 18) | (1 << 22)
        and x0, x24, x0
        PUTS "  AT_HWCAP2"
        PHEX mte_mte3_bits, x0
        NL
        b 3b
7:      PUTS "  AT_"
        PRESV x23
        PUTS " string="
        mov x0, x24
        bl puts_end
        NL
        b 3b
8:      PUTS "  AT_RANDOM"
        cmp x24, #0
        cset x0, ne
        PDEC nonzero, x0
        ldp x0, x1, [x24]
        NL
        b 3b
9:

        TEST "uname"
        adr x0, uts
        SYS SYS_uname
        SHOW uname
        PUTS "  sysname="
        adr x0, uts
        bl puts_end
        PUTS " nodename="
        adr x0, uts + 65
        bl puts_end
        PUTS " machine="
        adr x0, uts + 65 * 4
        bl puts_end
        PUTS " domainname="
        adr x0, uts + 65 * 5
        bl puts_end
        NL

        TEST "process ids"
        SYS SYS_getpid
        mov x19, x0
        SYS SYS_gettid
        cmp x0, x19
        cset x0, eq
        PUTS " "
        PDEC tid_is_pid, x0
        adr x0, scratch
        SYS SYS_set_tid_address
        cmp x0, x19
        cset x0, eq
        PDEC set_tid_address_is_pid, x0
        SYS SYS_getppid
        PDEC ppid, x0
        NL
        C 174
        SHOW getuid
        C 175
        SHOW geteuid
        C 176
        SHOW getgid
        C 177
        SHOW getegid
        SYS SYS_sched_yield
        SHOW sched_yield

        TEST "brk"
        C SYS_brk, 0
        mov x19, x0
        and x0, x19, #0xfff
        PUTS " "
        PHEX start_page_offset, x0
        NL
        add x0, x19, #0x2000
        SYS SYS_brk
        sub x0, x0, x19
        PUTS " "
        PHEX grow_by_0x2000, x0
        NL
        add x9, x19, #0x1000
        ldrb w10, [x9, #5]
        mov w11, #0x7e
        strb w11, [x9, #5]
        ldrb w11, [x9, #5]
        PUTS " "
        PHEX new_memory, x10
        PHEX stored, x11
        NL
        add x0, x19, #0x1000
        SYS SYS_brk
        sub x0, x0, x19
        PUTS " "
        PHEX shrink_to_0x1000, x0
        NL
        C SYS_brk, 0x1000
        sub x0, x0, x19
        PUTS " "
        PHEX below_start, x0
        NL
        mov x0, x19
        SYS SYS_brk
        sub x0, x0, x19
        PUTS " "
        PHEX back_to_start, x0
        NL

        TEST "mmap, munmap, mprotect, madvise"
        mov x4, #-1
        mov x5, #0
        C SYS_mmap, BUF, 8192, PROT_RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED
        SHOW mmap_fixed
        ldr x9, =BUF
        ldr x10, [x9, #4000]
        PUTS " "
        PHEX zero, x10
        NL
        mov x4, #-1
        C SYS_mmap, BUF3, 0, PROT_RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED
        SHOW len_0
        mov x4, #-1
        C SYS_mmap, BUF3, 4096, PROT_RW, MAP_ANONYMOUS | MAP_FIXED
        SHOW no_private_or_shared
        mov x4, #-1
        C SYS_mmap, BUF3 + 1, 4096, PROT_RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED
        SHOW fixed_unaligned
        mov x4, #-1
        C SYS_mmap, BUF, 4096, PROT_RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE
        SHOW fixed_noreplace_taken
        mov x4, #-1
        C SYS_mmap, BUF2, 4096, PROT_RW, MAP_PRIVATE | MAP_ANONYMOUS
        SHOW hint_free
        mov x4, #-1
        C SYS_mmap, BUF3, 4096, PROT_RW, MAP_PRIVATE | MAP_FIXED
        SHOW file_fd_minus_1
        mov x4, #-1
        C SYS_mmap, BUF3, 4096, 0x40 | PROT_RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED
        SHOW prot_0x40
        C SYS_munmap, BUF3, 4096
        SHOW munmap
        C SYS_munmap, BUF3, 4096
        SHOW munmap_unmapped
        C SYS_munmap, BUF + 1, 4096
        SHOW munmap_unaligned
        C SYS_munmap, BUF, 0
        SHOW munmap_len_0
        C SYS_mprotect, BUF + 1, 4096, PROT_READ
        SHOW mprotect_unaligned
        C SYS_mprotect, BUF3, 4096, PROT_READ
        SHOW mprotect_unmapped
        C SYS_mprotect, BUF, 8192, 0x40 | PROT_READ
        SHOW mprotect_prot_0x40
        C SYS_mprotect, BUF + 4096, 8192, PROT_READ
        SHOW mprotect_partly_unmapped
        C SYS_mprotect, BUF, 4096, PROT_READ
        SHOW mprotect_ro
        C SYS_mprotect, BUF, 0, PROT_READ
        SHOW mprotect_len_0
        ldr x9, =BUF + 4096
        mov w10, #0x55
        strb w10, [x9, #9]
        C SYS_madvise, BUF + 4096, 4096, MADV_DONTNEED
        SHOW madv_dontneed
        ldr x9, =BUF + 4096
        ldrb w10, [x9, #9]
        PUTS " "
        PHEX byte_after, x10
        NL
        C SYS_madvise, BUF, 8192, MADV_NORMAL
        SHOW madv_normal
        C SYS_madvise, BUF, 8192, 999
        SHOW madv_999
        C SYS_madvise, BUF + 1, 4096, MADV_NORMAL
        SHOW madv_unaligned
        C SYS_madvise, BUF3, 4096, MADV_NORMAL
        SHOW madv_unmapped

        TEST "files: openat, read, write, lseek"
        C SYS_openat, AT_FDCWD, path_f, O_RDWR | O_CREAT | O_EXCL, 0x180
        mov x20, x0
        SHOW create
        C SYS_openat, AT_FDCWD, path_f, O_RDWR | O_CREAT | O_EXCL, 0x180
        SHOW create_again_excl
        CF SYS_write, hello, 12
        SHOW write
        CF SYS_lseek, 0, SEEK_CUR
        SHOW pos
        CF SYS_lseek, 0, SEEK_SET
        SHOW seek_set
        CF SYS_read, rbuf, 5
        SHOW read
        bl show_rbuf
        CF SYS_lseek, -3, SEEK_END
        SHOW seek_end_minus_3
        CF SYS_read, rbuf, 10
        SHOW read
        bl show_rbuf
        CF SYS_read, rbuf, 10
        SHOW read_at_eof
        CF SYS_lseek, -100, SEEK_SET
        SHOW seek_negative
        CF SYS_lseek, 0, 7
        SHOW seek_whence_7
        CF SYS_lseek, 100, SEEK_SET
        SHOW seek_past_end
        CF SYS_write, hello, 1
        SHOW write_past_end
        mov x0, x20
        bl file_size
        SHOW size
        mov x0, x20
        adr x1, rbuf
        mov x2, #16
        mov x3, #88
        SYS SYS_pread64
        SHOW pread_hole
        bl show_rbuf
        mov x0, x20
        adr x1, ab
        mov x2, #2
        mov x3, #3
        SYS SYS_pwrite64
        SHOW pwrite
        CF SYS_lseek, 0, SEEK_CUR
        SHOW pos_unchanged
        mov x0, x20
        adr x1, rbuf
        mov x2, #12
        mov x3, #0
        SYS SYS_pread64
        SHOW pread
        bl show_rbuf
        mov x0, x20
        adr x1, rbuf
        mov x2, #12
        mov x3, #-1
        SYS SYS_pread64
        SHOW pread_negative_offset

        TEST "files: readv, writev"
        adr x0, iov
        adr x1, ab
        mov x2, #2
        stp x1, x2, [x0]
        adr x1, hello
        mov x2, #0
        stp x1, x2, [x0, #16]
        adr x1, hello + 6
        mov x2, #6
        stp x1, x2, [x0, #32]
        CF SYS_lseek, 0, SEEK_SET
        CF SYS_writev, iov, 3
        SHOW writev
        CF SYS_lseek, 0, SEEK_SET
        adr x0, iov
        adr x1, rbuf
        mov x2, #3
        stp x1, x2, [x0]
        adr x1, rbuf + 8
        mov x2, #4
        stp x1, x2, [x0, #16]
        CF SYS_readv, iov, 2
        SHOW readv
        bl show_rbuf
        CF SYS_readv, iov, 0
        SHOW readv_0
        CF SYS_writev, iov, 2000
        SHOW writev_too_many

        TEST "files: fstat, ftruncate"
        bl show_stat
        CF SYS_ftruncate, 5
        SHOW ftruncate_5
        bl show_stat
        CF SYS_ftruncate, 10000
        SHOW ftruncate_10000
        bl show_stat
        CF SYS_ftruncate, -1
        SHOW ftruncate_negative
        C SYS_ftruncate, 99, 0
        SHOW ftruncate_bad_fd
        CF SYS_lseek, 0, SEEK_CUR
        SHOW pos

        TEST "files: descriptors, flags, unlink"
        C SYS_openat, AT_FDCWD, path_f, O_RDONLY
        mov x21, x0
        SHOW open_rdonly
        mov x0, x21
        adr x1, hello
        mov x2, #1
        SYS SYS_write
        SHOW write_to_rdonly
        C SYS_openat, AT_FDCWD, path_f, O_WRONLY | O_APPEND
        mov x22, x0
        SHOW open_append
        mov x0, x22
        adr x1, rbuf
        mov x2, #1
        SYS SYS_read
        SHOW read_from_wronly
        mov x0, x22
        mov x1, #0
        mov x2, #SEEK_SET
        SYS SYS_lseek
        mov x0, x22
        adr x1, hello
        mov x2, #1
        SYS SYS_write
        SHOW append
        mov x0, x22
        mov x1, #0
        mov x2, #SEEK_CUR
        SYS SYS_lseek
        SHOW append_pos
        mov x0, x21
        SYS SYS_close
        SHOW close
        mov x0, x21
        SYS SYS_close
        SHOW close_again
        C SYS_openat, AT_FDCWD, path_f, O_RDONLY
        SHOW reuses_lowest_fd
        SYS SYS_close
        C SYS_write, 99, hello, 1
        SHOW write_bad_fd
        C SYS_write, -1, hello, 1
        SHOW write_fd_minus_1
        C SYS_write, 1, hello, 0
        SHOW write_stdout_0
        C SYS_openat, AT_FDCWD, path_f, O_RDWR | O_TRUNC
        mov x21, x0
        SHOW open_trunc
        mov x0, x21
        bl file_size
        SHOW size
        mov x0, x21
        SYS SYS_close
        C SYS_unlinkat, AT_FDCWD, path_f, 0
        SHOW unlink
        C SYS_unlinkat, AT_FDCWD, path_f, 0
        SHOW unlink_again
        C SYS_openat, AT_FDCWD, path_f, O_RDONLY
        SHOW open_missing
        CF SYS_write, hello, 5
        SHOW write_unlinked
        CF SYS_pread64, rbuf, 16, 0
        SHOW pread_unlinked
        mov x0, x20
        SYS SYS_close
        mov x0, x22
        SYS SYS_close
        C SYS_openat, AT_FDCWD, path_missing_dir, O_RDWR | O_CREAT, 0x180
        SHOW create_in_missing_dir
        C SYS_openat, AT_FDCWD, path_tmp, O_RDWR
        SHOW open_dir_rdwr
        C SYS_openat, AT_FDCWD, path_g, O_RDWR | O_CREAT, 0x180
        mov x21, x0
        SHOW create_g
        mov x0, x21
        SYS SYS_close
        C SYS_openat, AT_FDCWD, path_g_sub, O_RDWR | O_CREAT, 0x180
        SHOW create_under_a_file
        C SYS_openat, AT_FDCWD, path_empty, O_RDONLY
        SHOW open_empty_path
        C SYS_unlinkat, AT_FDCWD, path_g, 0
        SHOW unlink_g

        TEST "clock_gettime, getrandom"
        C SYS_clock_gettime, 1, ts
        SHOW monotonic
        adr x9, ts
        ldp x19, x20, [x9]
        ldr x0, =1000000000
        cmp x20, x0
        cset x0, lo
        PUTS " "
        PDEC nsec_ok, x0
        C SYS_clock_gettime, 1, ts
        adr x9, ts
        ldp x21, x22, [x9]
        cmp x21, x19
        ccmp x22, x20, #2, eq
        cset x0, hs
        PDEC not_backwards, x0
        NL
        C SYS_clock_gettime, 0, ts
        SHOW realtime
        C SYS_clock_gettime, 7, ts
        SHOW boottime
        C SYS_clock_gettime, 100, ts
        SHOW clock_100
        C SYS_getrandom, rbuf, 16, 0
        SHOW getrandom_16
        C SYS_getrandom, rbuf, 0, 0
        SHOW getrandom_0
        C SYS_getrandom, rbuf, 16, 8
        SHOW getrandom_flags_8

        TEST "PR_SET_NAME, PR_GET_NAME"
        C SYS_prctl, PR_GET_NAME, rbuf
        SHOW get
        PUTS "  name="
        adr x0, rbuf
        bl puts_end
        NL
        C SYS_prctl, PR_SET_NAME, long_name
        SHOW set_long
        C SYS_prctl, PR_GET_NAME, rbuf
        PUTS "  name="
        adr x0, rbuf
        bl puts_end
        NL

        TEST "unknown syscall numbers"
        C 500
        SHOW nr_500
        C 1000
        SHOW nr_1000
        C 244
        SHOW nr_244
        mov w0, #0
        ldp x29, x30, [sp], #16
        ret

// show_rbuf: prints rbuf's first 16 bytes in hex (then clears it).
show_rbuf:
        stp x29, x30, [sp, #-16]!
        adr x0, rbuf
        mov x1, #16
        bl dump_mem
        adr x0, rbuf
        stp xzr, xzr, [x0]
        ldp x29, x30, [sp], #16
        ret

// show_stat: fstat(x20) and the fields that do not depend on the boot.
show_stat:
        stp x29, x30, [sp, #-16]!
        mov x0, x20
        adr x1, st
        SYS SYS_fstat
        PUTS " "
        PRES fstat, x0
        adr x9, st
        ldr w0, [x9, #16]
        PHEX mode, x0
        ldr w0, [x9, #20]
        PDEC nlink, x0
        ldr w0, [x9, #24]
        PDEC uid, x0
        ldr w0, [x9, #28]
        PDEC gid, x0
        ldr x0, [x9, #48]
        PDEC size, x0
        ldr w0, [x9, #56]
        PDEC blksize, x0
        ldr x0, [x9, #64]
        PDEC blocks, x0
        NL
        ldp x29, x30, [sp], #16
        ret

        .ltorg
        .section .rodata
path_f:         .asciz "/tmp/f"
path_g:         .asciz "/tmp/g"
path_g_sub:     .asciz "/tmp/g/x"
path_tmp:       .asciz "/tmp"
path_missing_dir: .asciz "/tmp/missing/x"
path_empty:     .asciz ""
hello:          .ascii "hello world\n"
ab:             .ascii "AB"
long_name:      .asciz "a-very-long-process-name"
        .data
        .balign 16
rbuf:           .space 32
iov:            .space 48
ts:             .quad 0, 0
scratch:        .quad 0
st:             .space 128
uts:            .space 65 * 6
        .text
