// The standard streams: stdin is the read end of a pipe from the host (pipe_read), stdout the
// write end of one to the host (pipe_write). A read into an unmapped buffer is -EFAULT and
// leaves the data in the pipe; then stdin is copied to stdout three bytes at a time.

        .include "lib.s"

main:
        stp x29, x30, [sp, #-16]!
        mov x0, #0
        mov x1, #0x10
        mov x2, #8
        SYS SYS_read
        SHOW read_bad_buffer
        mov x0, #0
        ldr x1, =BUF
        mov x2, #0
        SYS SYS_read
        SHOW read_0
        mov x0, #0
        mov x1, #FIONREAD
        ldr x2, =BUF
        SYS SYS_ioctl
        SHOW fionread
        FLUSH
1:      mov x0, #0
        ldr x1, =BUF
        mov x2, #3
        SYS SYS_read
        cmp x0, #0
        b.le 2f
        mov x2, x0
        mov x0, #STDOUT
        ldr x1, =BUF
        SYS SYS_write
        b 1b
2:      SHOW read_at_eof
        mov w0, #0
        ldp x29, x30, [sp], #16
        ret

        .bss
        .balign 16
BUF:    .skip 64
