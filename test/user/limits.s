// tmpfs limits: files are sparse up to MAX_LFS_FILESIZE (2^63 - 1): pwrite far out allocates one
// page, a position at the limit is -EFBIG, lseek stops there (-EINVAL beyond); SEEK_DATA and
// SEEK_HOLE see the pages the file holds; and the tmpfs holds 64 MiB of pages (size=50% of a
// 128 MiB machine): the page after that is -ENOSPC. Granule-only (a host's /tmp has other
// limits).

        .include "lib.s"

.macro STAT fd
        mov x0, \fd
        ldr x1, =STATBUF
        SYS SYS_fstat
        ldr x1, =STATBUF
        ldr x2, [x1, #48]
        SHOWX size, x2
        ldr x2, [x1, #64]
        SHOWD blocks, x2
.endm

main:
        stp x29, x30, [sp, #-16]!
        adr x0, f_big
        bl path
        mov x1, x0
        mov x0, #AT_FDCWD
        mov x2, #(O_RDWR | O_CREAT)
        mov x3, #0600
        SYS SYS_openat
        mov x19, x0

        SAY "[sparse]"
        mov x0, x19
        adr x1, byte
        mov x2, #1
        mov x3, #1
        lsl x3, x3, #40
        SYS SYS_pwrite64
        SHOW pwrite_at_2_40
        STAT x19
        mov x0, x19
        mov x1, #0
        mov x2, #SEEK_DATA
        SYS SYS_lseek
        SHOWX seek_data_0, x0
        mov x0, x19
        mov x1, #0
        mov x2, #SEEK_HOLE
        SYS SYS_lseek
        SHOWX seek_hole_0, x0
        mov x0, x19
        mov x1, #1
        lsl x1, x1, #40
        mov x2, #SEEK_HOLE
        SYS SYS_lseek
        SHOWX seek_hole_at_data, x0
        mov x0, x19
        mov x1, #1
        lsl x1, x1, #41
        mov x2, #SEEK_DATA
        SYS SYS_lseek
        SHOW seek_data_past_eof
        mov x0, x19
        adr x1, byte
        mov x2, #1
        mov x3, #-1
        lsr x3, x3, #1
        SYS SYS_pwrite64
        SHOW pwrite_at_max
        mov x0, x19
        adr x1, byte
        mov x2, #2
        mov x3, #-1
        lsr x3, x3, #1
        sub x3, x3, #1
        SYS SYS_pwrite64
        SHOW pwrite_ending_past_max
        mov x0, x19
        mov x1, #-1
        lsr x1, x1, #1
        mov x2, #SEEK_SET
        SYS SYS_lseek
        SHOWX seek_max, x0
        mov x0, x19
        mov x1, #1
        mov x2, #SEEK_CUR
        SYS SYS_lseek
        SHOW seek_past_max
        mov x0, x19
        mov x1, #0
        SYS SYS_ftruncate

        SAY "[the tmpfs is full after 16384 pages]"
        mov x20, #0
1:      mov x0, x19
        adr x1, byte
        mov x2, #1
        lsl x3, x20, #12
        SYS SYS_pwrite64
        cmp x0, #1
        b.ne 2f
        add x20, x20, #1
        b 1b
2:      SHOW failing_pwrite
        SHOWD pages_written, x20
        mov x0, x19
        mov x1, #4096
        SYS SYS_ftruncate
        mov x0, x19
        adr x1, byte
        mov x2, #1
        mov x3, #0x10000
        SYS SYS_pwrite64
        SHOW after_truncate

        mov w0, #0
        ldp x29, x30, [sp], #16
        ret

        .section .rodata
f_big:  .asciz "big"
byte:   .ascii "xy"
        .bss
        .balign 16
STATBUF: .skip 128
