// nested-fault: write(fd, p + OFFSET, LENGTH) to a tmpfs file while the perf-like sampler of
// /dev/granule-perf interrupts every copy made with page faults disabled and walks the user
// stack -- whose frame record sits in a granule with the wrong tag, so the walk takes a tag
// check fault of its own. The buffer's last page is left unpopulated, so the write's own copy
// comes up short on a plain page fault that a fault-in fixes. Linus Torvalds' objection to a
// per-thread "sub-page fault happened" flag (seed thread, 27 Oct 2021) and the fix of saving
// it on exception entry (kernel-uaccess.md §1.7).

        .equ UNTOUCHED_PAGES, 1
        .equ GRANULE_IOC_PERF_ENABLE, 0x4710
        .include "lib.s"

scenario:
        stp     x29, x30, [sp, #-16]!
        OPEN    path_tmpfile, O_RDWR|O_CREAT|O_TRUNC
        mov     x26, x0
        OPEN    path_perf, O_RDWR
        mov     x1, #GRANULE_IOC_PERF_ENABLE
        mov     x2, #0
        SYS     SYS_ioctl
        CHECK   msg_open
        // A frame record {fp = 0, lr} in the header page, its granule tagged 1.
        sub     x27, x19, #2048
        orr     x2, x27, #1 << 56
        stg     x2, [x2]
        stp     xzr, x30, [x2]
        mov     x29, x27
        mov     x0, x26
        add     x1, x19, x20
        mov     x2, x21
        SYS     SYS_write
        ldp     x29, x30, [sp], #16
        ret

        .section .rodata
path_perf:      .asciz "/dev/granule-perf"
        .text
