// Uses .rodata (a table), .data (a counter), .bss (a buffer) and literal pools: copies the
// table into the buffer, adds it up with the counter, prints "ok\n" and exits with the sum.
        .equ    COUNT, 4

        .text
        .global _start
_start:
        ldr     x0, =table              // 8-byte pool entries
        ldr     x1, =buffer
        ldr     w2, =COUNT              // a 4-byte pool entry
        mov     x3, x1
1:      ldr     w4, [x0], #4
        str     w4, [x3], #4
        subs    w2, w2, #1
        b.ne    1b

        ldr     x5, =counter
        ldr     x6, [x5]
        mov     w2, #COUNT
2:      ldr     w4, [x1], #4
        add     x6, x6, x4
        subs    w2, w2, #1
        b.ne    2b
        str     x6, [x5]

        mov     x0, #1
        ldr     x1, =ok
        mov     x2, #3
        mov     x8, #64
        svc     #0

        ldr     x5, =counter
        ldr     x0, [x5]
        ldr     x8, =93                 // same value as COUNT's? no: its own entry
        svc     #0
        .ltorg

        .section .rodata
table:  .word   1, 2, 3, 4
ok:     .asciz  "ok\n"

        .data
        .balign 8
counter:
        .quad   32

        .bss
        .balign 16
buffer: .skip   4 * COUNT
