// Literal pools: GNU keeps one pool per entry size and section, shares identical entries,
// dumps 4-byte entries before the 8-byte ones (aligned to 8) at .ltorg/.pool and at the end of
// each section.
        .equ    BIG, 0x123456789abcdef0
        .text
        .global _start
_start:
        ldr     x0, =0x12345678         // 8-byte entry
        ldr     w1, =0x1234             // 4-byte entry
        ldr     x2, =0x12345678         // shared with the first
        ldr     x3, =msg                // an address
        ldr     x4, =msg                // shared
        ldr     x5, =msg + 4            // not shared: another addend
        ldr     w6, =-1                 // 4 bytes
        ldr     w7, =0xffffffff         // GNU compares values as written: a second entry
        ldrsw   x8, =-2
        ldr     x9, =BIG
        ldr     x10, =later             // defined after use
        .byte   1                       // leaves the pool misaligned: GNU pads with zeros
        .ltorg
        ldr     x11, =0x12345678        // a new pool: nothing shared with the dumped one
        ldr     w12, =7
        .pool

        ldr     w13, =0x55
        ldr     x14, =_start
        ldr     x15, =_start + 8
        b       1f
        .ltorg                          // an 8-byte pool after a 4-byte one: zeros between
1:      ldr     x16, =0xfedcba9876543210
        mov     x0, #0
        mov     x8, #93
        svc     #0
later:

        .section .text.extra, "ax"
extra:  ldr     x0, =0x1111             // this section's own pool, at its end
        ret

        .section .rodata
msg:    .asciz  "pool"
