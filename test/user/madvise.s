// madvise (mm/madvise.c): what each kind of mapping keeps after MADV_DONTNEED and
// MADV_REMOVE, the no-op advice, and the argument checks. Granule-only: qemu-user's madvise is
// its own (it ignores most advice and checks ranges differently).

        .include "lib.s"

        .equ A, 0x30000000      // private anonymous
        .equ S, 0x30100000      // shared anonymous
        .equ F, 0x30200000      // shared, a tmpfs file
        .equ R, 0x30300000      // private, the same file

.macro MAP addr, flags, fd
        ldr x0, =\addr
        mov x1, #0x1000
        mov x2, #(PROT_READ | PROT_WRITE)
        mov x3, #(\flags | MAP_FIXED)
        mov x4, \fd
        mov x5, #0
        SYS SYS_mmap
.endm

// ADV addr, len, advice: madvise, result printed as name.
.macro ADV name, addr, len, advice
        ldr x0, =\addr
        ldr x1, =\len
        mov x2, #\advice
        SYS SYS_madvise
        SHOW \name
.endm

.macro BYTE name, addr
        ldr x1, =\addr
        ldrb w2, [x1]
        SHOWX \name, x2
.endm

.macro POKE addr, val
        ldr x1, =\addr
        mov w2, #\val
        strb w2, [x1]
.endm

main:
        stp x29, x30, [sp, #-16]!
        adr x0, f_name
        bl path
        mov x1, x0
        mov x0, #AT_FDCWD
        mov x2, #(O_RDWR | O_CREAT | O_TRUNC)
        mov x3, #0600
        SYS SYS_openat
        mov x19, x0
        mov x0, x19
        mov x1, #0x1000
        SYS SYS_ftruncate
        MAP A, MAP_PRIVATE | MAP_ANONYMOUS, #-1
        MAP S, MAP_SHARED | MAP_ANONYMOUS, #-1
        MAP F, MAP_SHARED, x19
        MAP R, MAP_PRIVATE, x19

        SAY "[MADV_DONTNEED]"
        POKE A, 0x11
        POKE S, 0x22
        POKE F, 0x33
        POKE R + 1, 0x44
        ADV private_anon, A, 0x1000, MADV_DONTNEED
        BYTE private_anon_byte, A
        ADV shared_anon, S, 0x1000, MADV_DONTNEED
        BYTE shared_anon_byte, S
        ADV shared_file, F, 0x1000, MADV_DONTNEED
        BYTE shared_file_byte, F
        ADV private_file, R, 0x1000, MADV_DONTNEED
        BYTE private_file_byte0, R
        BYTE private_file_byte1, R + 1

        SAY "[advice that changes nothing]"
        POKE A, 0x55
        ADV free, A, 0x1000, MADV_FREE
        BYTE after_free, A
        ADV willneed, A, 0x1000, MADV_WILLNEED
        ADV normal, A, 0x1000, MADV_NORMAL
        ADV free_shared, S, 0x1000, MADV_FREE

        SAY "[MADV_REMOVE]"
        ADV remove_private_anon, A, 0x1000, MADV_REMOVE
        POKE S, 0x66
        ADV remove_shared_anon, S, 0x1000, MADV_REMOVE
        BYTE shared_anon_byte, S
        ADV remove_private_file, R, 0x1000, MADV_REMOVE
        POKE F + 8, 0x77
        ADV remove_shared_file, F, 0x1000, MADV_REMOVE
        BYTE shared_file_byte, F + 8
        mov x0, x19
        ldr x1, =BUF
        mov x2, #1
        mov x3, #8
        SYS SYS_pread64
        SHOW pread_hole
        ldr x1, =BUF
        ldrb w2, [x1]
        SHOWX file_byte, x2

        SAY "[checks]"
        ADV unaligned, A + 1, 0x1000, MADV_NORMAL
        ADV advice_999, A, 0x1000, 999
        ADV len_0, A, 0, MADV_DONTNEED
        ADV hole_after, A, 0x2000, MADV_NORMAL
        ADV hole_before, A - 0x1000, 0x2000, MADV_NORMAL
        ADV unmapped, 0x40000000, 0x1000, MADV_NORMAL
        POKE A, 0x12
        ADV hole_after_dontneed, A, 0x2000, MADV_DONTNEED
        BYTE advised_anyway, A

        mov w0, #0
        ldp x29, x30, [sp], #16
        ret

        .ltorg
        .section .rodata
f_name: .asciz "madv"
        .bss
BUF:    .skip 16
