/* Numeric local labels defined several times, forward and backward references,
   branches of every range class, adr/adrp, and sections placed by kind. */
        .text
        .globl  _start
        .type   _start, @function
_start:
1:      b       1f
        b       1b
1:      cbz     x0, 1b
        cbnz    w1, 1f
        tbz     x2, #63, 1f
        tbnz    w3, #0, 2f
1:      bl      func
2:      b.eq    2b
        adr     x4, 1b
        adrp    x5, value
        ldr     w6, [x5, :lo12:value]
        ldr     w7, value               // a PC-relative literal load, no pool
        .equ    OFF, 8
        b       16                      // a constant target is an offset from here, in GNU as
        cbz     x0, OFF                 // as is an absolute symbol's value
        adr     x1, 16
        ldr     x2, 8
        b       .
        .size   _start, . - _start

        .section .text.func, "ax", %progbits
        .type   func, %function
func:   ret
        .size   func, . - func

        .section .rodata.consts, "a"
        .p2align 2
value:  .word   0x11223344
        .type   value, %object
        .size   value, 4

        .section .data.more, "aw", @progbits
        .quad   1b, 2b, func
        .global more
more:   .byte   2

        .section .rodata
        .byte   3
        .data
        .byte   4
