// buffered-read: read(fd, p + OFFSET, LENGTH) from a tmpfs file holding PAGES pages of data
// (written first from an untagged buffer) -- filemap_read / copy_page_to_iter's copy_to_user
// with page faults enabled (kernel-uaccess.md §1.5; scenarios 5, 6, 7 and 9).

        .equ UNTOUCHED_PAGES, 0
        .include "lib.s"

scenario:
        stp     x29, x30, [sp, #-16]!
        OPEN    path_tmpfile, O_RDWR|O_CREAT|O_TRUNC
        mov     x26, x0
        // The file's data: PAGES pages of 'D' from an untagged mapping.
        mov     x0, #0
        lsl     x1, x22, #12
        mov     x2, #PROT_RW
        mov     x3, #MAP_PRIVATE_ANON
        mov     x4, #-1
        mov     x5, #0
        SYS     SYS_mmap
        CHECK   msg_mmap
        mov     x27, x0
        mov     x1, #'D'
        lsl     x2, x22, #12
1:      subs    x2, x2, #1
        strb    w1, [x27, x2]
        b.ne    1b
        mov     x0, x26
        mov     x1, x27
        lsl     x2, x22, #12
        SYS     SYS_write
        CHECK   msg_open
        mov     x0, x26
        mov     x1, #0
        mov     x2, #0
        SYS     SYS_lseek
        mov     x0, x26
        add     x1, x19, x20
        mov     x2, x21
        SYS     SYS_read
        ldp     x29, x30, [sp], #16
        ret
