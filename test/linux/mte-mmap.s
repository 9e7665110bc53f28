// PROT_MTE and the mappings it is allowed on (kernel-uaccess.md scenario 21,
// memory-tagging-extension.rst): anonymous memory (private or shared) and RAM-based files
// (tmpfs) take PROT_MTE; a mapping without VM_MTE_ALLOWED (a private /dev/zero mapping is not
// MAP_ANONYMOUS) gives -EINVAL, a file with no mmap at all (/dev/null) -ENODEV. New pages have
// allocation tag 0; mprotect() cannot drop PROT_MTE (it succeeds, checking stays on);
// mprotect() can add it to anonymous memory; a new mapping over a tagged one, munmap + mmap,
// and MADV_DONTNEED give tag-0 pages again. Two shared mappings of one tmpfs page share its
// tags (tags belong to the physical page). STG on an untagged page does nothing.
//
// All mappings are MAP_FIXED at BUF..BUF4 (+ offsets); every tag check runs in sync mode.

        .include "lib.s"

        .equ BUF4, 0x10300000
        .equ MADV_DONTNEED, 4

// MMAP addr, len, prot, flags, fd register (or -1), offset: result in x0.
.macro MMAP addr, len, prot, flags, fd, off
        ldr x0, =\addr
        ldr x1, =\len
        ldr x2, =\prot
        ldr x3, =\flags
        mov x4, \fd
        mov x5, #\off
        SYS SYS_mmap
.endm

main:
        stp x29, x30, [sp, #-16]!
        TEST "setup"
        ldr x0, =MTE_SYNC
        bl set_mte
        SHOW prctl
        mov x0, #SIGSEGV
        mov x1, #0
        bl handle
        SHOW sigaction
        mov x19, #-1

        TEST "anonymous PROT_MTE, private and shared: new pages have tag 0"
        MMAP BUF, 8192, PROT_RWM, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, x19, 0
        SHOW private
        MMAP BUF2, 8192, PROT_RWM, MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, x19, 0
        SHOW shared
        ldr x0, =BUF
        mov x1, #512
        bl count_tags
        SHOW private_nonzero_tags
        ldr x0, =BUF2
        mov x1, #512
        bl count_tags
        SHOW shared_nonzero_tags
        ldr x0, =BUF + (3 << 56)
        mov x1, #16
        bl set_tags
        ldr x0, =BUF2 + 4096 + (3 << 56)
        mov x1, #16
        bl set_tags
        ldr x9, =BUF
        ldrb w10, [x9]
        ldr x9, =BUF2 + 4096
        ldrb w10, [x9]
        ldr x9, =BUF + (3 << 56)
        ldrb w10, [x9]
        PUTS "  tag-3 pointer loads fine\n"

        TEST "PROT_MTE with other protections"
        MMAP BUF3, 4096, PROT_MTE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, x19, 0
        SHOW mte_only
        MMAP BUF3, 4096, PROT_MTE | PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, x19, 0
        SHOW mte_rx
        MMAP BUF3, 4096, PROT_MTE | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, x19, 0
        SHOW mte_w
        ldr x0, =BUF3
        mov x1, #4096
        SYS SYS_munmap

        TEST "/dev/zero and /dev/null"
        mov x0, #AT_FDCWD
        adr x1, dev_zero
        mov x2, #O_RDWR
        mov x3, #0
        SYS SYS_openat
        mov x20, x0
        SHOW open_zero
        mov x0, #AT_FDCWD
        adr x1, dev_null
        mov x2, #O_RDWR
        mov x3, #0
        SYS SYS_openat
        mov x21, x0
        SHOW open_null
        MMAP BUF3, 4096, PROT_RWM, MAP_PRIVATE | MAP_FIXED, x20, 0
        SHOW zero_private_mte
        MMAP BUF3, 4096, PROT_RWM, MAP_SHARED | MAP_FIXED, x20, 0
        SHOW zero_shared_mte
        MMAP BUF3, 4096, PROT_RW, MAP_PRIVATE | MAP_FIXED, x20, 0
        SHOW zero_private
        ldr x0, =BUF3
        mov x1, #4096
        mov x2, #PROT_RWM
        SYS SYS_mprotect
        SHOW zero_private_mprotect_mte
        MMAP BUF4, 4096, PROT_RWM, MAP_SHARED | MAP_FIXED, x21, 0
        SHOW null_shared_mte
        MMAP BUF4, 4096, PROT_RW, MAP_SHARED | MAP_FIXED, x21, 0
        SHOW null_shared
        ldr x0, =BUF3
        mov x1, #4096
        SYS SYS_munmap
        mov x0, x20
        SYS SYS_close
        mov x0, x21
        SYS SYS_close

        TEST "tmpfs file mappings"
        adr x0, path
        bl open_tmp
        mov x20, x0
        SHOW open
        mov x0, x20
        mov x1, #8192
        SYS SYS_ftruncate
        SHOW ftruncate
        mov x0, x20
        adr x1, hello
        mov x2, #5
        mov x3, #16
        SYS SYS_pwrite64
        SHOW pwrite
        MMAP BUF3, 8192, PROT_RWM, MAP_SHARED | MAP_FIXED, x20, 0
        SHOW shared_mte
        MMAP BUF3 + 0x10000, 8192, PROT_RWM, MAP_SHARED | MAP_FIXED, x20, 0
        SHOW shared_mte_again
        MMAP BUF3 + 0x20000, 8192, PROT_RWM, MAP_PRIVATE | MAP_FIXED, x20, 0
        SHOW private_mte
        ldr x0, =BUF3
        mov x1, #512
        bl count_tags
        SHOW nonzero_tags
        ldr x0, =BUF3
        mov x1, #32
        bl dump_mem
        // Tag granule 1 of the first mapping; the second mapping sees it.
        ldr x0, =BUF3 + 16 + (6 << 56)
        mov x1, #16
        bl set_tags
        ldr x0, =BUF3 + 0x10000
        mov x1, #4
        bl dump_tags
        ldr x9, =BUF3 + 0x10000
        ldrb w10, [x9, #16]
        ldr x9, =BUF3 + 0x10000 + (6 << 56)
        ldrb w10, [x9, #16]
        PHEX through_tag6, x10
        NL
        // A store through the second mapping is in the file.
        ldr x9, =BUF3 + 0x10000 + (6 << 56)
        mov w10, #'!'
        strb w10, [x9, #20]
        mov x0, x20
        adr x1, scratch
        mov x2, #8
        mov x3, #16
        SYS SYS_pread64
        SHOW pread
        adr x0, scratch
        mov x1, #8
        bl dump_mem

        TEST "mprotect cannot drop PROT_MTE"
        ldr x0, =BUF
        mov x1, #8192
        mov x2, #PROT_RW
        SYS SYS_mprotect
        SHOW mprotect_rw
        ldr x0, =BUF
        mov x1, #2
        bl dump_tags
        ldr x9, =BUF
        ldrb w10, [x9, #4]
        ldr x0, =BUF + 32 + (2 << 56)
        mov x1, #16
        bl set_tags
        ldr x0, =BUF
        mov x1, #4
        bl dump_tags
        ldr x0, =BUF
        mov x1, #4096
        mov x2, #PROT_READ
        SYS SYS_mprotect
        SHOW mprotect_first_page_ro
        ldr x9, =BUF
        ldrb w10, [x9, #4]

        TEST "mprotect adds PROT_MTE to anonymous memory"
        MMAP BUF4, 4096, PROT_RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, x19, 0
        SHOW mmap_plain
        ldr x9, =BUF4
        mov w10, #0x42
        strb w10, [x9, #40]
        ldr x0, =BUF4 + (4 << 56)
        mov x1, #64
        bl set_tags
        ldr x0, =BUF4
        mov x1, #4
        bl dump_tags
        ldr x0, =BUF4
        mov x1, #4096
        mov x2, #PROT_RWM
        SYS SYS_mprotect
        SHOW mprotect_mte
        ldr x0, =BUF4
        mov x1, #4
        bl dump_tags
        ldr x9, =BUF4
        ldrb w10, [x9, #40]
        PHEX kept, x10
        NL
        ldr x0, =BUF4 + 32 + (4 << 56)
        mov x1, #16
        bl set_tags
        ldr x9, =BUF4
        ldrb w10, [x9, #40]

        TEST "a new mapping, munmap + mmap, MADV_DONTNEED: tag 0 again"
        MMAP BUF, 4096, PROT_RWM, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, x19, 0
        SHOW map_over
        ldr x0, =BUF
        mov x1, #4
        bl dump_tags
        ldr x0, =BUF4
        mov x1, #4096
        SYS SYS_munmap
        SHOW munmap
        MMAP BUF4, 4096, PROT_RWM, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, x19, 0
        SHOW mmap_again
        ldr x0, =BUF4
        mov x1, #4
        bl dump_tags
        ldr x0, =BUF4 + (9 << 56)
        mov x1, #64
        bl set_tags
        ldr x9, =BUF4 + (9 << 56)
        mov w10, #0x33
        strb w10, [x9, #8]
        ldr x0, =BUF4
        mov x1, #4096
        mov x2, #MADV_DONTNEED
        SYS SYS_madvise
        SHOW madv_dontneed
        ldr x0, =BUF4
        mov x1, #4
        bl dump_tags
        ldr x9, =BUF4
        ldrb w10, [x9, #8]
        PHEX byte8, x10
        NL

        TEST "STG on a page without PROT_MTE does nothing"
        MMAP BUF4, 4096, PROT_RW, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, x19, 0
        ldr x0, =BUF4 + (7 << 56)
        mov x1, #32
        bl set_tags
        ldr x0, =BUF4
        mov x1, #2
        bl dump_tags
        mov w0, #0
        ldp x29, x30, [sp], #16
        ret

// count_tags: x0 = address, x1 = number of granules; returns how many have a non-zero tag.
count_tags:
        mov x2, #0
1:      cbz x1, 2f
        mov x3, x0
        ldg x3, [x0]
        tst x3, #(0xf << 56)
        cinc x2, x2, ne
        add x0, x0, #16
        sub x1, x1, #1
        b 1b
2:      mov x0, x2
        ret

        .ltorg
        .section .rodata
dev_zero:       .asciz "/dev/zero"
dev_null:       .asciz "/dev/null"
path:           .asciz "/tmp/mmap"
hello:          .ascii "hello"
        .data
scratch:        .quad 0, 0
        .text
