// direct-io: with O_DIRECT, read (ARG r) or write (ARG w) LENGTH bytes at file position 0 of
// /dev/granule-dio, a btrfs-like file, from or to p + OFFSET; ARG h reads with the buffer's
// last page made PROT_NONE, so a page cannot be pinned (IOMAP_DIO_PARTIAL, 97308f8b0d86). An aligned request pins the user
// pages and moves the data through kernel mappings, never tag checked; an unaligned one falls
// back to buffered I/O (kernel-uaccess.md §1.6; scenario 19).

        .equ UNTOUCHED_PAGES, 0
        .include "lib.s"

scenario:
        stp     x29, x30, [sp, #-16]!
        cmp     x25, #7
        b.lt    usage
        OPEN    path_dio, O_RDWR|O_DIRECT
        mov     x26, x0
        ldr     x4, [x24, #48]
        ldrb    w4, [x4]
        cmp     w4, #'h'
        b.ne    3f
        sub     x0, x22, #1
        add     x0, x19, x0, lsl #12
        mov     x1, #PAGE_SIZE
        mov     x2, #0
        SYS     SYS_mprotect
        CHECK   msg_mprotect
3:      mov     x0, x26
        add     x1, x19, x20
        mov     x2, x21
        mov     x3, #0
        ldr     x4, [x24, #48]
        ldrb    w4, [x4]
        cmp     w4, #'w'
        b.eq    1f
        SYS     SYS_pread64
        b       2f
1:      SYS     SYS_pwrite64
2:      ldp     x29, x30, [sp], #16
        ret

        .section .rodata
path_dio:       .asciz "/dev/granule-dio"
msg_mprotect:   .asciz "mprotect: "
        .text
