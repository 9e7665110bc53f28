// fault-in-readable, fault-in-writeable, fault-in-safe-writeable, probe-subpage-writeable,
// fault-in-subpage-writeable: the kernel function the ioctl ARG of /dev/granule-faultin names,
// on (p + OFFSET, LENGTH); the result is its return value (kernel-uaccess.md §1.2-1.3;
// scenarios 12-14). A function the profile's kernel does not have is -ENOTTY.

        .equ UNTOUCHED_PAGES, 0
        .include "lib.s"

scenario:
        stp     x29, x30, [sp, #-16]!
        cmp     x25, #7
        b.lt    usage
        OPEN    path_faultin, O_RDWR
        mov     x26, x0
        ldr     x0, [x24, #48]
        bl      parse_u64
        mov     x1, x0
        add     x2, x19, x20
        stp     x2, x21, [sp, #-16]!
        mov     x0, x26
        mov     x2, sp
        SYS     SYS_ioctl
        add     sp, sp, #16
        ldp     x29, x30, [sp], #16
        ret

        .section .rodata
path_faultin:   .asciz "/dev/granule-faultin"
        .text
