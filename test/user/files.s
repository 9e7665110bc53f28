// Files: openat/close/read/write/lseek/pread64/pwrite64/readv/writev/fstat/ftruncate/unlinkat/
// mkdirat/dup/fcntl on regular files and directories, and the standard streams. The files go
// in argv[1] (default /tmp), so the same program runs on granule's tmpfs and, under
// qemu-aarch64, in a fresh host directory: it prints nothing that depends on the file system
// (no block counts, devices, inode numbers, times) or on the kernel version.

        .include "lib.s"

// AT name: x0 = AT_FDCWD, x1 = the path of `name` in the test directory.
.macro AT name
        adr x0, \name
        bl path
        mov x1, x0
        mov x0, #AT_FDCWD
.endm

// WR fd, str: write(fd, str, strlen) for a string label with a `_len` symbol.
.macro WR fd, str
        mov x0, \fd
        adr x1, \str
        mov x2, #\str\()_len
        SYS SYS_write
.endm

// SIZE fd: prints size=<st_size>.
.macro SIZE fd
        mov x0, \fd
        ldr x1, =STATBUF
        SYS SYS_fstat
        ldr x1, =STATBUF
        ldr x1, [x1, #48]
        SHOWD size, x1
.endm

main:
        stp x29, x30, [sp, #-16]!

        SAY "[create, write, read, lseek]"
        AT f_a
        mov x2, #(O_RDWR | O_CREAT | O_EXCL)
        mov x3, #0600
        SYS SYS_openat
        SHOW create
        mov x19, x0
        AT f_a
        mov x2, #(O_RDWR | O_CREAT | O_EXCL)
        mov x3, #0600
        SYS SYS_openat
        SHOW create_excl_again
        WR x19, hello
        SHOW write
        mov x0, x19
        mov x1, #0
        mov x2, #SEEK_CUR
        SYS SYS_lseek
        SHOW pos
        mov x0, x19
        mov x1, #0
        mov x2, #SEEK_SET
        SYS SYS_lseek
        SHOW seek_set
        mov x0, x19
        ldr x1, =BUF
        mov x2, #5
        SYS SYS_read
        SHOW read
        ldr x1, =BUF
        OUTS x1, #5
        mov x0, x19
        mov x1, #-3
        mov x2, #SEEK_END
        SYS SYS_lseek
        SHOW seek_end_minus_3
        mov x0, x19
        ldr x1, =BUF
        mov x2, #100
        SYS SYS_read
        SHOW read_rest
        ldr x1, =BUF
        OUTS x1, #3
        mov x0, x19
        ldr x1, =BUF
        mov x2, #100
        SYS SYS_read
        SHOW read_at_eof
        mov x0, x19
        mov x1, #-1
        mov x2, #SEEK_SET
        SYS SYS_lseek
        SHOW seek_negative
        mov x0, x19
        mov x1, #0
        mov x2, #7
        SYS SYS_lseek
        SHOW seek_whence_7
        mov x0, x19
        mov x1, #-100
        mov x2, #SEEK_CUR
        SYS SYS_lseek
        SHOW seek_cur_before_0

        SAY "[holes]"
        mov x0, x19
        mov x1, #8192
        mov x2, #SEEK_SET
        SYS SYS_lseek
        SHOW seek_past_end
        WR x19, x_char
        SHOW write_past_end
        SIZE x19
        mov x0, x19
        ldr x1, =BUF
        mov x2, #16
        mov x3, #4090
        SYS SYS_pread64
        SHOW pread_hole
        ldr x1, =BUF
        OUTS x1, #16
        mov x0, x19
        ldr x1, =BUF
        mov x2, #10
        mov x3, #8188
        SYS SYS_pread64
        SHOW pread_to_eof
        ldr x1, =BUF
        OUTS x1, #5

        SAY "[pread and pwrite keep the position]"
        mov x0, x19
        mov x1, #100
        mov x2, #SEEK_SET
        SYS SYS_lseek
        mov x0, x19
        adr x1, ab
        mov x2, #2
        mov x3, #3
        SYS SYS_pwrite64
        SHOW pwrite
        mov x0, x19
        mov x1, #0
        mov x2, #SEEK_CUR
        SYS SYS_lseek
        SHOW pos_unchanged
        mov x0, x19
        ldr x1, =BUF
        mov x2, #6
        mov x3, #0
        SYS SYS_pread64
        SHOW pread
        ldr x1, =BUF
        OUTS x1, #6
        mov x0, x19
        ldr x1, =BUF
        mov x2, #6
        mov x3, #-1
        SYS SYS_pread64
        SHOW pread_negative
        mov x0, x19
        adr x1, ab
        mov x2, #0
        mov x3, #0
        SYS SYS_pwrite64
        SHOW pwrite_0

        SAY "[O_APPEND]"
        AT f_a
        mov x2, #(O_WRONLY | O_APPEND)
        SYS SYS_openat
        SHOW open_append
        mov x20, x0
        WR x20, z_char
        SHOW append
        mov x0, x20
        mov x1, #0
        mov x2, #SEEK_CUR
        SYS SYS_lseek
        SHOW append_pos
        mov x0, x20
        adr x1, y_char
        mov x2, #1
        mov x3, #0
        SYS SYS_pwrite64
        SHOW pwrite_appends
        SIZE x19
        mov x0, x19
        ldr x1, =BUF
        mov x2, #2
        mov x3, #8193
        SYS SYS_pread64
        ldr x1, =BUF
        OUTS x1, #2
        mov x0, x20
        ldr x1, =BUF
        mov x2, #1
        SYS SYS_read
        SHOW read_from_wronly
        mov x0, x20
        SYS SYS_close
        SHOW close

        SAY "[O_TRUNC]"
        AT f_a
        mov x2, #(O_RDONLY | O_TRUNC)
        SYS SYS_openat
        mov x20, x0
        SIZE x20
        mov x0, x20
        WR x20, x_char
        SHOW write_to_rdonly
        mov x0, x20
        mov x1, #0
        SYS SYS_ftruncate
        SHOW ftruncate_rdonly
        mov x0, x20
        SYS SYS_close

        SAY "[ftruncate]"
        WR x19, abc
        SHOW write_at_100
        SIZE x19
        mov x0, x19
        mov x1, #10
        SYS SYS_ftruncate
        SHOW shrink
        SIZE x19
        mov x0, x19
        mov x1, #5000
        SYS SYS_ftruncate
        SHOW grow
        SIZE x19
        mov x0, x19
        ldr x1, =BUF
        mov x2, #4
        mov x3, #100
        SYS SYS_pread64
        SHOW pread_after_grow
        ldr x1, =BUF
        OUTS x1, #4
        mov x0, x19
        mov x1, #-1
        SYS SYS_ftruncate
        SHOW ftruncate_negative
        mov x0, #999
        mov x1, #0
        SYS SYS_ftruncate
        SHOW ftruncate_bad_fd
        mov x0, #1
        mov x1, #0
        SYS SYS_ftruncate
        SHOW ftruncate_stdout

        SAY "[readv, writev]"
        mov x0, x19
        mov x1, #0
        mov x2, #SEEK_SET
        SYS SYS_lseek
        mov x0, x19
        adr x1, iov_w
        mov x2, #3
        SYS SYS_writev
        SHOW writev
        mov x0, x19
        mov x1, #0
        mov x2, #SEEK_SET
        SYS SYS_lseek
        ldr x0, =IOV
        ldr x1, =BUF
        mov x2, #3
        stp x1, x2, [x0]
        add x1, x1, #16
        mov x2, #10
        stp x1, x2, [x0, #16]
        mov x0, x19
        ldr x1, =IOV
        mov x2, #2
        SYS SYS_readv
        SHOW readv
        ldr x1, =BUF
        OUTS x1, #3
        ldr x1, =BUF + 16
        OUTS x1, #10
        mov x0, x19
        ldr x1, =IOV
        mov x2, #0
        SYS SYS_readv
        SHOW readv_0
        mov x0, x19
        ldr x1, =IOV
        mov x2, #1025
        SYS SYS_writev
        SHOW writev_1025
        mov x0, x19
        mov x1, #0x10
        mov x2, #2
        SYS SYS_readv
        SHOW readv_bad_array
        ldr x0, =IOV
        mov x1, #-1
        str x1, [x0, #8]
        mov x0, x19
        ldr x1, =IOV
        mov x2, #2
        SYS SYS_writev
        SHOW writev_negative_len

        SAY "[bad descriptors and buffers]"
        mov x0, #999
        ldr x1, =BUF
        mov x2, #1
        SYS SYS_write
        SHOW write_bad_fd
        mov x0, #-1
        ldr x1, =BUF
        mov x2, #1
        SYS SYS_read
        SHOW read_fd_minus_1
        mov x0, x19
        mov x1, #0x10
        mov x2, #4
        SYS SYS_write
        SHOW write_unmapped
        mov x0, x19
        mov x1, #0
        mov x2, #SEEK_SET
        SYS SYS_lseek
        mov x0, x19
        mov x1, #0x10
        mov x2, #4
        SYS SYS_read
        SHOW read_unmapped
        mov x0, #1
        ldr x1, =BUF
        mov x2, #1
        SYS SYS_read
        SHOW read_stdout
        mov x0, #1
        ldr x1, =BUF
        mov x2, #0
        SYS SYS_write
        SHOW write_stdout_0
        mov x0, #1
        mov x1, #0
        mov x2, #SEEK_SET
        SYS SYS_lseek
        SHOW lseek_stdout
        mov x0, #1
        ldr x1, =BUF
        mov x2, #1
        mov x3, #0
        SYS SYS_pwrite64
        SHOW pwrite_stdout
        mov x0, #999
        SYS SYS_close
        SHOW close_bad_fd

        SAY "[names]"
        AT f_missing
        mov x2, #O_RDONLY
        SYS SYS_openat
        SHOW open_missing
        AT f_under_file
        mov x2, #O_RDONLY
        SYS SYS_openat
        SHOW open_under_a_file
        AT f_under_file
        mov x2, #(O_WRONLY | O_CREAT)
        mov x3, #0644
        SYS SYS_openat
        SHOW create_under_a_file
        AT f_missing_dir
        mov x2, #(O_WRONLY | O_CREAT)
        mov x3, #0644
        SYS SYS_openat
        SHOW create_in_missing_dir
        mov x0, #AT_FDCWD
        adr x1, empty
        mov x2, #O_RDONLY
        SYS SYS_openat
        SHOW open_empty_path
        mov x0, #AT_FDCWD
        mov x1, #0x10
        mov x2, #O_RDONLY
        SYS SYS_openat
        SHOW open_unmapped_path
        mov x0, #999
        adr x1, rel
        mov x2, #O_RDONLY
        SYS SYS_openat
        SHOW open_bad_dirfd
        mov x0, x19
        adr x1, rel
        mov x2, #O_RDONLY
        SYS SYS_openat
        SHOW open_dirfd_is_a_file
        AT f_a_slash
        mov x2, #O_RDONLY
        SYS SYS_openat
        SHOW open_file_slash
        AT f_a
        ldr x2, =(O_RDONLY | O_DIRECTORY)
        SYS SYS_openat
        SHOW open_file_o_directory

        SAY "[directories]"
        AT d_dir
        mov x2, #0755
        SYS SYS_mkdirat
        SHOW mkdir
        AT d_dir
        mov x2, #0755
        SYS SYS_mkdirat
        SHOW mkdir_again
        AT d_dir
        mov x2, #O_RDWR
        SYS SYS_openat
        SHOW open_dir_rdwr
        AT d_dir
        ldr x2, =(O_RDONLY | O_DIRECTORY)
        SYS SYS_openat
        mov x21, x0
        mov x0, x21
        ldr x1, =BUF
        mov x2, #4
        SYS SYS_read
        SHOW read_dir
        mov x0, x21
        adr x1, inner
        mov x2, #(O_WRONLY | O_CREAT)
        mov x3, #0644
        SYS SYS_openat
        mov x22, x0
        WR x22, abc
        SHOW write_inner
        mov x0, x22
        SYS SYS_close
        AT d_inner
        mov x2, #O_RDONLY
        SYS SYS_openat
        mov x22, x0
        mov x0, x22
        ldr x1, =BUF
        mov x2, #10
        SYS SYS_read
        SHOW read_inner_by_path
        mov x0, x22
        SYS SYS_close
        AT d_dir
        mov x2, #AT_REMOVEDIR
        SYS SYS_unlinkat
        SHOW rmdir_not_empty
        AT d_dir
        mov x2, #0
        SYS SYS_unlinkat
        SHOW unlink_dir
        mov x0, x21
        adr x1, inner
        mov x2, #AT_REMOVEDIR
        SYS SYS_unlinkat
        SHOW rmdir_file
        mov x0, x21
        adr x1, inner
        mov x2, #0
        SYS SYS_unlinkat
        SHOW unlink_via_dirfd
        AT d_dir
        mov x2, #AT_REMOVEDIR
        SYS SYS_unlinkat
        SHOW rmdir
        AT d_dir
        mov x2, #AT_REMOVEDIR
        SYS SYS_unlinkat
        SHOW rmdir_again
        AT f_a
        mov x2, #1
        SYS SYS_unlinkat
        SHOW unlink_bad_flag
        mov x0, x21
        SYS SYS_close

        SAY "[unlink while open]"
        AT f_a
        mov x2, #0
        SYS SYS_unlinkat
        SHOW unlink
        AT f_a
        mov x2, #0
        SYS SYS_unlinkat
        SHOW unlink_again
        mov x0, x19
        ldr x1, =BUF
        mov x2, #3
        mov x3, #0
        SYS SYS_pread64
        SHOW pread_unlinked
        ldr x1, =BUF
        OUTS x1, #3
        WR x19, abc
        SHOW write_unlinked
        AT f_a
        mov x2, #O_RDONLY
        SYS SYS_openat
        SHOW open_unlinked

        SAY "[descriptors]"
        mov x0, x19
        SYS SYS_dup
        SHOW dup
        mov x20, x0
        mov x0, x20
        mov x1, #0
        mov x2, #SEEK_SET
        SYS SYS_lseek
        mov x0, x19
        mov x1, #0
        mov x2, #SEEK_CUR
        SYS SYS_lseek
        SHOW shared_position
        mov x0, x20
        mov x1, #10
        mov x2, #O_CLOEXEC
        SYS SYS_dup3
        SHOW dup3
        mov x0, #10
        mov x1, #1
        SYS SYS_fcntl
        SHOW getfd_cloexec
        mov x0, x20
        mov x1, x20
        mov x2, #0
        SYS SYS_dup3
        SHOW dup3_same
        mov x0, x20
        mov x1, #11
        mov x2, #1
        SYS SYS_dup3
        SHOW dup3_bad_flags
        mov x0, #10
        SYS SYS_close
        SHOW close_dup3
        mov x0, x20
        SYS SYS_close
        SHOW close_dup
        mov x0, x19
        mov x1, #0
        mov x2, #SEEK_CUR
        SYS SYS_lseek
        SHOW original_still_open
        mov x0, x19
        SYS SYS_close
        SHOW close
        mov x0, x19
        SYS SYS_close
        SHOW close_again
        AT f_b
        mov x2, #(O_WRONLY | O_CREAT)
        mov x3, #0644
        SYS SYS_openat
        SHOW lowest_free_fd
        mov x19, x0
        AT f_b
        mov x2, #0
        SYS SYS_unlinkat
        mov x0, x19
        SYS SYS_close

        SAY "[standard streams]"
        mov x0, #1
        mov x1, #TCGETS
        ldr x2, =BUF
        SYS SYS_ioctl
        SHOW tcgets_stdout
        mov x0, #1
        mov x1, #TIOCGWINSZ
        ldr x2, =BUF
        SYS SYS_ioctl
        SHOW tiocgwinsz_stdout
        mov x0, #999
        mov x1, #TCGETS
        ldr x2, =BUF
        SYS SYS_ioctl
        SHOW ioctl_bad_fd
        mov x0, #1
        ldr x1, =STATBUF
        SYS SYS_fstat
        ldr x1, =STATBUF
        ldr w1, [x1, #16]
        and w1, w1, #0170000
        SHOWX stdout_type, x1

        mov w0, #0
        ldp x29, x30, [sp], #16
        ret

        .ltorg
        .section .rodata
f_a:            .asciz "a"
f_a_slash:      .asciz "a/"
f_b:            .asciz "b"
f_missing:      .asciz "missing"
f_under_file:   .asciz "a/x"
f_missing_dir:  .asciz "nodir/x"
d_dir:          .asciz "d"
d_inner:        .asciz "d/inner"
inner:          .asciz "inner"
rel:            .asciz "rel"
empty:          .asciz ""
hello:          .ascii "hello world\n"
        .equ hello_len, . - hello
x_char:         .ascii "X"
        .equ x_char_len, 1
z_char:         .ascii "Z"
        .equ z_char_len, 1
y_char:         .ascii "Y"
ab:             .ascii "ab"
abc:            .ascii "abc"
        .equ abc_len, 3
one:            .ascii "one "
two:            .ascii "two "
three:          .ascii "three"
        .balign 8
iov_w:          .quad one, 4, two, 4, three, 5

        .bss
        .balign 16
BUF:            .skip 4096
STATBUF:        .skip 128
IOV:            .skip 64
