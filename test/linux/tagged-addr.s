// The tagged address ABI (kernel-uaccess.md scenario 11, tagged-address-abi.rst): without
// PR_TAGGED_ADDR_ENABLE a pointer with a non-zero top byte passed to a syscall fails access_ok
// (-EFAULT before any access), whatever TCF mode is set; with it, the kernel untags the address
// and the access uses the pointer's logical tag (so a matching tag works and a mismatched one
// is checked in sync mode). Memory-management calls take untagged addresses.
//
// Memory: BUF, one PROT_MTE page: granules 0-3 tag 0, granules 4-7 tag 5. BUF2, one plain page.

        .include "lib.s"

// WRITE ptr: write(fd x20, ptr, 8) and print the result as "name=".
.macro WRITE8 name, ptr
        mov x0, x20
        ldr x1, =\ptr
        mov x2, #8
        SYS SYS_write
        SHOW \name
.endm

main:
        stp x29, x30, [sp, #-16]!
        TEST "setup"
        ldr x0, =BUF
        mov x1, #4096
        mov x2, #PROT_RWM
        bl map_fixed
        SHOW mmap
        ldr x0, =BUF2
        mov x1, #4096
        mov x2, #PROT_RW
        bl map_fixed
        SHOW mmap2
        ldr x0, =BUF + 64 + (5 << 56)
        mov x1, #64
        bl set_tags
        ldr x0, =BUF
        mov x1, #4096
        mov w2, #0x61
        bl fill
        ldr x0, =BUF2
        mov x1, #4096
        mov w2, #0x62
        bl fill
        adr x0, path
        bl open_tmp
        mov x20, x0
        SHOW open
        mov x0, #SIGSEGV
        mov x1, #0
        bl handle
        bl get_mte
        SHOW initial_ctrl

        TEST "default (no ENABLE): tagged pointers are rejected"
        WRITE8 untagged, BUF
        WRITE8 tag5_on_tag5, BUF + 64 + (5 << 56)
        WRITE8 tag5_plain_page, BUF2 + (5 << 56)
        WRITE8 top_byte_0xa0, BUF2 + (0xa0 << 56)
        mov x0, x20
        bl rewind
        mov x0, x20
        ldr x1, =BUF2 + (5 << 56)
        mov x2, #8
        SYS SYS_read
        SHOW read_tagged

        TEST "TCF sync without ENABLE: still rejected, untagged still checked"
        mov x0, #PR_MTE_TCF_SYNC
        bl set_mte
        SHOW prctl
        bl get_mte
        SHOW get
        WRITE8 tag5_on_tag5, BUF + 64 + (5 << 56)
        WRITE8 untagged_on_tag5, BUF + 64
        WRITE8 untagged_on_tag0, BUF

        TEST "ENABLE | sync: the kernel untags and checks the logical tag"
        ldr x0, =MTE_SYNC
        bl set_mte
        SHOW prctl
        WRITE8 tag5_on_tag5, BUF + 64 + (5 << 56)
        WRITE8 tag5_on_tag0, BUF + (5 << 56)
        WRITE8 tag0_on_tag5, BUF + 64
        WRITE8 top_0xf5_on_tag5, BUF + 64 + (0xf5 << 56)
        WRITE8 tag5_plain_page, BUF2 + (5 << 56)
        WRITE8 tag5_straddle, BUF + 60 + (5 << 56)

        TEST "ENABLE | none: tagged pointers accepted, nothing checked"
        ldr x0, =MTE_NONE
        bl set_mte
        SHOW prctl
        WRITE8 tag5_on_tag0, BUF + (5 << 56)
        WRITE8 tag3_on_tag5, BUF + 64 + (3 << 56)

        TEST "paths through tagged pointers"
        adr x0, path
        ldr x1, =BUF2 + 256
        mov x3, #0
1:      ldrb w2, [x0, x3]
        strb w2, [x1, x3]
        add x3, x3, #1
        cbnz w2, 1b
        mov x0, #AT_FDCWD
        ldr x1, =BUF2 + 256 + (7 << 56)
        mov x2, #O_RDONLY
        mov x3, #0
        SYS SYS_openat
        SHOW openat_enabled
        mov x0, #0
        bl set_mte
        mov x0, #AT_FDCWD
        ldr x1, =BUF2 + 256 + (7 << 56)
        mov x2, #O_RDONLY
        mov x3, #0
        SYS SYS_openat
        SHOW openat_disabled

        TEST "memory-management calls and tagged addresses"
        ldr x0, =MTE_NONE
        bl set_mte
        ldr x0, =BUF2 + (5 << 56)
        mov x1, #4096
        mov x2, #PROT_READ
        SYS SYS_mprotect
        SHOW mprotect_tagged_enabled
        ldr x0, =BUF2 + (5 << 56)
        mov x1, #4096
        mov x2, #4
        SYS SYS_madvise
        SHOW madvise_tagged_enabled
        ldr x0, =BUF3 + (5 << 56)
        mov x1, #4096
        mov x2, #PROT_RW
        bl map_fixed
        SHOW mmap_fixed_tagged
        ldr x0, =BUF3 + (5 << 56)
        mov x1, #4096
        SYS SYS_munmap
        SHOW munmap_tagged_enabled
        mov x0, #0
        bl set_mte
        ldr x0, =BUF2 + (5 << 56)
        mov x1, #4096
        mov x2, #PROT_RW
        SYS SYS_mprotect
        SHOW mprotect_tagged_disabled
        ldr x0, =BUF2 + (5 << 56)
        mov x1, #4096
        SYS SYS_munmap
        SHOW munmap_tagged_disabled
        ldr x0, =BUF2
        mov x1, #4096
        mov x2, #PROT_RW
        SYS SYS_mprotect
        SHOW mprotect_untagged
        mov w0, #0
        ldp x29, x30, [sp], #16
        ret

        .section .rodata
path:   .asciz "/tmp/tagged"
        .text
