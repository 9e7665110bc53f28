// PROT_MTE and the memory syscalls (memory-tagging-extension.rst; kernel-uaccess.md §4,
// scenario 21): new pages have allocation tag 0; mprotect cannot take PROT_MTE away (the tags
// stay); MADV_DONTNEED gives zero-filled pages with tag 0 again; PROT_MTE is allowed on
// anonymous memory, the stack, the heap and tmpfs files, refused (-EINVAL) on the executable's
// own mapping and on /dev/zero; a tmpfs page keeps its tags in the page cache, so a new shared
// mapping sees them. Finally a touch past the end of a file mapping: SIGBUS (BUS_ADRERR) ends
// the program. Granule-only (tags through qemu-user are not checked against Linux here; the
// Linux goldens mte-mmap.out cover the same ground on a real kernel).

        .include "lib.s"

        .equ P, 0x30000000
        .equ F, 0x30100000
        .equ PROT_RWM, PROT_READ | PROT_WRITE | PROT_MTE

// LDG name, addr: prints the allocation tag of the granule at addr.
.macro LDGT name, addr
        ldr x1, =\addr
        mov x2, #0
        ldg x2, [x1]
        lsr x2, x2, #56
        SHOWD \name, x2
.endm

main:
        stp x29, x30, [sp, #-16]!
        mov x0, #PR_SET_TAGGED_ADDR_CTRL
        ldr x1, =(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | (0xfffe << PR_MTE_TAG_SHIFT))
        mov x2, #0
        mov x3, #0
        mov x4, #0
        SYS SYS_prctl

        SAY "[anonymous PROT_MTE]"
        ldr x0, =P
        mov x1, #0x2000
        mov x2, #PROT_RWM
        mov x3, #(MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED)
        mov x4, #-1
        mov x5, #0
        SYS SYS_mmap
        SHOWX mmap, x0
        LDGT new_page_tag, P + 0x20
        ldr x1, =P + 0x20
        mov x2, #3
        orr x1, x1, x2, lsl #56
        stg x1, [x1]
        mov w2, #0x5a
        strb w2, [x1]
        LDGT stored_tag, P + 0x20
        ldr x0, =P
        mov x1, #0x1000
        mov x2, #(PROT_READ | PROT_WRITE)
        SYS SYS_mprotect
        SHOW mprotect_without_mte
        LDGT tag_kept, P + 0x20
        ldr x0, =P
        mov x1, #0x1000
        mov x2, #MADV_DONTNEED
        SYS SYS_madvise
        SHOW madv_dontneed
        LDGT tag_after_dontneed, P + 0x20
        ldr x1, =P + 0x20
        ldrb w2, [x1]
        SHOWD byte_after_dontneed, x2

        SAY "[where PROT_MTE may go]"
        adr x0, main
        and x0, x0, #~0xfff
        mov x1, #0x1000
        mov x2, #(PROT_READ | PROT_EXEC | PROT_MTE)
        SYS SYS_mprotect
        SHOW text
        mov x0, sp
        and x0, x0, #~0xfff
        mov x1, #0x1000
        mov x2, #PROT_RWM
        SYS SYS_mprotect
        SHOW stack
        mov x0, #0
        SYS SYS_brk
        mov x19, x0
        add x0, x19, #0x1000
        SYS SYS_brk
        mov x0, x19
        mov x1, #0x1000
        mov x2, #PROT_RWM
        SYS SYS_mprotect
        SHOW heap
        mov x0, #AT_FDCWD
        adr x1, dev_zero
        mov x2, #O_RDWR
        SYS SYS_openat
        mov x20, x0
        mov x0, #0
        mov x1, #0x1000
        mov x2, #PROT_RWM
        mov x3, #MAP_PRIVATE
        mov x4, x20
        mov x5, #0
        SYS SYS_mmap
        SHOW dev_zero_mte
        mov x0, #0
        mov x1, #0x1000
        mov x2, #(PROT_READ | PROT_WRITE)
        mov x3, #MAP_PRIVATE
        mov x4, x20
        mov x5, #0
        SYS SYS_mmap
        mov x21, x0
        cmn x0, #4095
        cset x1, lo
        SHOWD dev_zero_plain_ok, x1
        mov x0, x21
        mov x1, #0x1000
        mov x2, #PROT_RWM
        SYS SYS_mprotect
        SHOW dev_zero_mprotect_mte

        SAY "[tmpfs pages keep their tags]"
        adr x0, f_tags
        bl path
        mov x1, x0
        mov x0, #AT_FDCWD
        mov x2, #(O_RDWR | O_CREAT | O_TRUNC)
        mov x3, #0600
        SYS SYS_openat
        mov x22, x0
        mov x0, x22
        mov x1, #0x1000
        SYS SYS_ftruncate
        ldr x0, =F
        mov x1, #0x2000
        mov x2, #PROT_RWM
        mov x3, #(MAP_SHARED | MAP_FIXED)
        mov x4, x22
        mov x5, #0
        SYS SYS_mmap
        SHOWX shared, x0
        ldr x1, =F + 0x10
        mov x2, #5
        orr x1, x1, x2, lsl #56
        stg x1, [x1]
        ldr x0, =F
        mov x1, #0x2000
        SYS SYS_munmap
        ldr x0, =F
        mov x1, #0x2000
        mov x2, #PROT_RWM
        mov x3, #(MAP_SHARED | MAP_FIXED)
        mov x4, x22
        mov x5, #0
        SYS SYS_mmap
        SHOWX shared_again, x0
        LDGT tag_in_page_cache, F + 0x10
        SAY "touching the page past the end of the file"
        FLUSH
        ldr x1, =F + 0x1000
        ldrb w2, [x1]
        SAY "not reached"
        mov w0, #1
        ldp x29, x30, [sp], #16
        ret

        .ltorg
        .section .rodata
dev_zero: .asciz "/dev/zero"
f_tags:   .asciz "tags"
