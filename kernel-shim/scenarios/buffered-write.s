// buffered-write: write(fd, p + OFFSET, LENGTH) to an empty tmpfs file -- generic_perform_write's
// copy with page faults disabled, fault-in and retry (kernel-uaccess.md §1.5; scenarios 4, 6, 8,
// 10 and 24). Catalin Marinas' reproducer is OFFSET 14, LENGTH 8, bad granule 1: the 8-byte
// load at p + 14 straddles into the bad granule.

        .equ UNTOUCHED_PAGES, 0
        .include "lib.s"

scenario:
        stp     x29, x30, [sp, #-16]!
        OPEN    path_tmpfile, O_RDWR|O_CREAT|O_TRUNC
        add     x1, x19, x20
        mov     x2, x21
        SYS     SYS_write
        ldp     x29, x30, [sp], #16
        ret
