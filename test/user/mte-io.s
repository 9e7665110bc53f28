// Buffered write and read on tmpfs from a tag-checked user buffer (kernel-uaccess.md §1.5,
// scenarios 4, 6, 8 and 10): in sync mode a write converges through generic_perform_write's
// retry loop to exactly the bytes before the first bad granule, a write or read whose first
// byte is bad is -EFAULT with the file untouched, a read stops where copy_page_to_iter can go no
// further; in async mode the kernel's copies are not checked. Never a signal. Granule-only: a
// user-mode QEMU does not check syscall buffers (oracles.md).

        .include "lib.s"

        .equ P, 0x30000000

// TAG off, tag: sets the allocation tag of the granule at P + off.
.macro TAG off, tag
        ldr x1, =P + \off
        mov x2, #\tag
        orr x1, x1, x2, lsl #56
        stg x1, [x1]
.endm

// RW nr, off, len: the syscall (write or read) on x19 with P + off and len.
.macro RW nr, off, len
        mov x0, x19
        ldr x1, =P + \off
        mov x2, #\len
        SYS \nr
.endm

.macro RESET
        mov x0, x19
        mov x1, #0
        SYS SYS_ftruncate
        mov x0, x19
        mov x1, #0
        mov x2, #SEEK_SET
        SYS SYS_lseek
.endm

.macro SIZE
        mov x0, x19
        ldr x1, =STATBUF
        SYS SYS_fstat
        ldr x1, =STATBUF
        ldr x1, [x1, #48]
        SHOWD size, x1
.endm

main:
        stp x29, x30, [sp, #-16]!
        mov x0, #PR_SET_TAGGED_ADDR_CTRL
        ldr x1, =(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | (0xfffe << PR_MTE_TAG_SHIFT))
        mov x2, #0
        mov x3, #0
        mov x4, #0
        SYS SYS_prctl
        SHOW prctl_sync
        ldr x0, =P
        mov x1, #0x2000
        mov x2, #(PROT_READ | PROT_WRITE | PROT_MTE)
        mov x3, #(MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED)
        mov x4, #-1
        mov x5, #0
        SYS SYS_mmap
        SHOWX mmap, x0
        // The buffer: 'A' + i % 23.
        ldr x1, =P
        mov x2, #0
1:      mov x3, #23
        udiv x4, x2, x3
        msub x4, x4, x3, x2
        add w4, w4, #'A'
        strb w4, [x1, x2]
        add x2, x2, #1
        cmp x2, #0x2000
        b.lo 1b
        adr x0, f_io
        bl path
        mov x1, x0
        mov x0, #AT_FDCWD
        mov x2, #(O_RDWR | O_CREAT | O_TRUNC)
        mov x3, #0600
        SYS SYS_openat
        mov x19, x0

        SAY "[sync: bad granule at 128, write(p, 256) converges to 128]"
        TAG 128, 1
        RW SYS_write, 0, 256
        SHOW write
        SIZE
        TAG 128, 0

        SAY "[sync: bad granule 1, write(p + 14, 8) = 2]"
        RESET
        TAG 16, 1
        RW SYS_write, 14, 8
        SHOW write
        SIZE
        RW SYS_write, 16, 8
        SHOW write_first_byte_bad
        SIZE
        RW SYS_write, 0, 32
        SHOW write_p_32
        RW SYS_write, 8, 32
        SHOW write_p8_32

        SAY "[sync: reads into the same buffer]"
        RESET
        mov x0, x19
        ldr x1, =P + 0x1000
        mov x2, #64
        mov x3, #0
        SYS SYS_pwrite64
        SHOW fill_file
        mov x0, x19
        ldr x1, =P + 14
        mov x2, #8
        mov x3, #0
        SYS SYS_pread64
        SHOW pread_p14_8
        mov x0, x19
        ldr x1, =P + 16
        mov x2, #8
        mov x3, #0
        SYS SYS_pread64
        SHOW pread_first_byte_bad
        mov x0, x19
        ldr x1, =P
        mov x2, #32
        mov x3, #0
        SYS SYS_pread64
        SHOW pread_p_32
        mov x0, x19
        mov x1, #0
        mov x2, #SEEK_SET
        SYS SYS_lseek
        RW SYS_read, 8, 32
        SHOW read_p8_32
        mov x0, x19
        mov x1, #0
        mov x2, #SEEK_CUR
        SYS SYS_lseek
        SHOW pos_after_short_read

        SAY "[O_DIRECT on tmpfs: recorded, and served by the same loops]"
        adr x0, f_direct
        bl path
        mov x1, x0
        mov x0, #AT_FDCWD
        ldr x2, =(O_RDWR | O_CREAT | O_DIRECT)
        mov x3, #0600
        SYS SYS_openat
        mov x20, x0
        mov x0, x20
        mov x1, #3
        SYS SYS_fcntl
        and x0, x0, #O_DIRECT
        SHOWX getfl_o_direct, x0
        mov x0, x20
        ldr x1, =P + 14
        mov x2, #8
        SYS SYS_write
        SHOW direct_write_p14_8
        mov x0, x20
        SYS SYS_close

        SAY "[a buffer running into an unmapped page]"
        ldr x0, =P + 0x1000
        mov x1, #0x1000
        SYS SYS_munmap
        RESET
        RW SYS_write, 0xff8, 16
        SHOW write_short
        SIZE
        mov x0, x19
        ldr x1, =P + 0xff8
        mov x2, #16
        mov x3, #0
        SYS SYS_pread64
        SHOW pread_short
        RW SYS_write, 0x1000, 16
        SHOW write_unmapped

        SAY "[async: the kernel's copies are not checked]"
        mov x0, #PR_SET_TAGGED_ADDR_CTRL
        ldr x1, =(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_ASYNC | (0xfffe << PR_MTE_TAG_SHIFT))
        mov x2, #0
        mov x3, #0
        mov x4, #0
        SYS SYS_prctl
        SHOW prctl_async
        RESET
        RW SYS_write, 14, 8
        SHOW write
        RW SYS_write, 16, 8
        SHOW write_first_byte_bad
        RW SYS_write, 0, 32
        SHOW write_p_32
        mov x0, x19
        ldr x1, =P
        mov x2, #32
        mov x3, #0
        SYS SYS_pread64
        SHOW pread_p_32
        SYS SYS_sched_yield
        SHOW sched_yield

        mov w0, #0
        ldp x29, x30, [sp], #16
        ret

        .ltorg
        .section .rodata
f_io:     .asciz "mte-io"
f_direct: .asciz "mte-io-direct"
        .bss
        .balign 16
STATBUF: .skip 128
