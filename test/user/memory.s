// Memory: mmap (anonymous, MAP_FIXED replacing, MAP_FIXED_NOREPLACE, hints, tmpfs file mappings
// shared and private, /dev/zero), munmap, mprotect (PROT_NONE keeps the data), brk, and their
// argument checks. Fixed addresses and relative values only, so the output does not depend on
// where a kernel places mappings. Files go in argv[1] (default /tmp).

        .include "lib.s"

        .equ AREA, 0x20000000
        .equ AREA2, 0x20100000

// MMAP addr, len, prot, flags, fd, off
.macro MMAP addr, len, prot, flags, fd, off
        ldr x0, =\addr
        ldr x1, =\len
        mov x2, #\prot
        ldr x3, =\flags
        mov x4, \fd
        ldr x5, =\off
        SYS SYS_mmap
.endm

// REL name: prints name=<x0 - AREA in hex> or the error.
.macro REL name
        cmn x0, #4095
        b.hs 9003f
        ldr x9, =AREA
        sub x0, x0, x9
        SHOWX \name, x0
        add x0, x0, x9
        b 9004f
9003:   SHOW \name
9004:
.endm

main:
        stp x29, x30, [sp, #-16]!

        SAY "[mmap]"
        MMAP AREA, 0x3000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, #-1, 0
        REL fixed
        ldr x1, =AREA + 0x1fff
        ldrb w2, [x1]
        SHOWD fresh_byte, x2
        mov w2, #0x42
        ldr x1, =AREA + 0x1000
        strb w2, [x1]
        MMAP AREA + 0x1000, 0x1000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, #-1, 0
        REL fixed_replaces
        ldr x1, =AREA + 0x1000
        ldrb w2, [x1]
        SHOWD replaced_byte, x2
        MMAP AREA, 0x1000, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, #-1, 0
        SHOW noreplace_taken
        MMAP AREA + 0x3000, 0x1000, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, #-1, 0
        REL noreplace_free
        MMAP AREA2, 0x1000, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, #-1, 0
        REL hint_free
        MMAP AREA, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, #-1, 0
        SHOW len_0
        MMAP 0, 0x1000, PROT_READ, MAP_ANONYMOUS, #-1, 0
        SHOW no_private_or_shared
        MMAP AREA + 0x10, 0x1000, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, #-1, 0
        SHOW fixed_unaligned
        MMAP 0, 0x1000, PROT_READ, MAP_PRIVATE, #-1, 0
        SHOW file_fd_minus_1
        MMAP 0, 0x1000, PROT_READ, MAP_PRIVATE, #1, 0x10
        SHOW offset_unaligned
        MMAP 0, 0x1000, PROT_READ, MAP_PRIVATE, #1, 0
        SHOW map_stdout

        SAY "[munmap]"
        ldr x0, =AREA + 0x3000
        mov x1, #0x1000
        SYS SYS_munmap
        SHOW munmap
        ldr x0, =AREA + 0x3000
        mov x1, #0x1000
        SYS SYS_munmap
        SHOW munmap_unmapped
        ldr x0, =AREA + 8
        mov x1, #0x1000
        SYS SYS_munmap
        SHOW munmap_unaligned
        ldr x0, =AREA
        mov x1, #0
        SYS SYS_munmap
        SHOW munmap_len_0

        SAY "[mprotect]"
        ldr x1, =AREA
        mov w2, #0x77
        strb w2, [x1, #0x10]
        ldr x0, =AREA
        mov x1, #0x1000
        mov x2, #PROT_NONE
        SYS SYS_mprotect
        SHOW prot_none
        ldr x0, =AREA
        mov x1, #0x1000
        mov x2, #(PROT_READ | PROT_WRITE)
        SYS SYS_mprotect
        SHOW prot_rw_again
        ldr x1, =AREA
        ldrb w2, [x1, #0x10]
        SHOWX kept_byte, x2
        ldr x0, =AREA + 1
        mov x1, #0x1000
        mov x2, #PROT_READ
        SYS SYS_mprotect
        SHOW mprotect_unaligned
        ldr x0, =AREA
        mov x1, #0
        mov x2, #PROT_READ
        SYS SYS_mprotect
        SHOW mprotect_len_0
        ldr x0, =AREA + 0x3000
        mov x1, #0x1000
        mov x2, #PROT_READ
        SYS SYS_mprotect
        SHOW mprotect_unmapped
        ldr x0, =AREA + 0x2000
        mov x1, #0x2000
        mov x2, #PROT_READ
        SYS SYS_mprotect
        SHOW mprotect_partly_unmapped
        ldr x0, =AREA
        mov x1, #0x1000
        mov x2, #0x40
        SYS SYS_mprotect
        SHOW mprotect_bad_prot
        ldr x0, =AREA
        mov x1, #0x1000
        mov x2, #PROT_READ
        SYS SYS_mprotect
        SHOW mprotect_ro
        ldr x0, =AREA
        mov x1, #1
        mov x2, #(PROT_READ | PROT_WRITE)
        SYS SYS_mprotect
        SHOW mprotect_len_1

        SAY "[tmpfs file mappings]"
        adr x0, f_map
        bl path
        mov x1, x0
        mov x0, #AT_FDCWD
        mov x2, #(O_RDWR | O_CREAT | O_TRUNC)
        mov x3, #0600
        SYS SYS_openat
        mov x19, x0
        mov x0, x19
        mov x1, #0x2000
        SYS SYS_ftruncate
        SHOW ftruncate
        MMAP AREA2, 0x2000, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, x19, 0
        REL shared
        MMAP AREA2 + 0x2000, 0x1000, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED, x19, 0x1000
        REL private_at_page_1
        ldr x1, =AREA2
        adr x2, hello
        ldr x3, [x2]
        str x3, [x1, #0x1008]
        mov x0, x19
        ldr x1, =BUF
        mov x2, #5
        mov x3, #0x1008
        SYS SYS_pread64
        SHOW pread_sees_shared_store
        ldr x1, =BUF
        OUTS x1, #5
        ldr x1, =AREA2 + 0x2000
        ldrb w2, [x1, #8]
        SHOWX private_first_byte, x2
        mov w2, #'P'
        strb w2, [x1, #9]
        mov x0, x19
        ldr x1, =BUF
        mov x2, #2
        mov x3, #0x1008
        SYS SYS_pread64
        ldr x1, =BUF
        OUTS x1, #2
        mov x0, x19
        adr x1, world
        mov x2, #5
        mov x3, #0x20
        SYS SYS_pwrite64
        ldr x1, =AREA2
        add x1, x1, #0x20
        OUTS x1, #5
        MMAP 0, 0x1000, PROT_READ | PROT_WRITE, MAP_SHARED, x19, 0x10
        SHOW shared_offset_unaligned
        ldr x0, =AREA2
        mov x1, #0x3000
        SYS SYS_munmap
        SHOW munmap_file
        mov x0, x19
        SYS SYS_close

        SAY "[brk]"
        mov x0, #0
        SYS SYS_brk
        mov x20, x0
        add x0, x20, #0x2000
        SYS SYS_brk
        sub x1, x0, x20
        SHOWX grow_by_0x2000, x1
        add x1, x20, #0x1000
        add x1, x1, #0xff8
        mov x2, #0x7e
        str x2, [x1]
        ldr x2, [x1]
        SHOWX stored, x2
        add x0, x20, #0x1000
        SYS SYS_brk
        sub x1, x0, x20
        SHOWX shrink_to_0x1000, x1
        sub x0, x20, #0x1000
        SYS SYS_brk
        sub x1, x0, x20
        SHOWX below_start, x1
        add x0, x20, #0x2000
        SYS SYS_brk
        add x1, x20, #0x1000
        add x1, x1, #0xff8
        ldr x2, [x1]
        SHOWX regrown_is_zero, x2
        mov x0, x20
        SYS SYS_brk
        sub x1, x0, x20
        SHOWX back_to_start, x1

        mov w0, #0
        ldp x29, x30, [sp], #16
        ret

        .ltorg
        .section .rodata
f_map:  .asciz "map"
hello:  .ascii "hello!!!"
world:  .ascii "world"
        .bss
        .balign 16
BUF:    .skip 4096
