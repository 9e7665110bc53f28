// Data directives, strings, fills and alignment, expressions with GNU precedence, equates.
        .text
        .global _start
_start:
        nop
        .balign 16                      // NOPs in code
        nop
        .p2align 5,,8                   // would need 24 bytes: more than 8, so nothing
        nop
        .p2align 5,,28                  // 20 bytes of NOPs
        .byte   1
        .p2align 3                      // 3 zero bytes, then one NOP
        nop
        .inst   0xd503201f, 0xd65f03c0  // code given as words
        .word   1, 2                    // data inside code
        nop
        .byte   2
        .balign 8, 0x44                 // a fill in code: GNU maps the padding as code
        .byte   3
        .align  3,                      // an empty fill: zeros, not NOPs
        nop

        .data
bytes:  .byte   1, 255, -1, -255, 'a', '\n', 0x7f
        .hword  0xffff, -0x8000, 2 + 3 * 4
        .short  1
        .2byte  2
        .word   0xffffffff, -0x80000000, 1 << 31
        .long   3
        .int    4
        .4byte  5
        .quad   -1, 0x123456789abcdef0
        .xword  6
        .dword  7
        .8byte  8
strs:   .ascii  "ab", "c\t\"\\"
        .asciz  "z", ""
        .string "x\101\x42"
        .align  3
fills:  .zero   3
        .skip   2
        .skip   3, 0xaa
        .space  2, 7
        .fill   2, 3, 0x12345678
        .fill   1, 8, -1
        .fill   3
        .balign 4, 0xee
        .p2align 4, 0x5a
        .balign 16
        .balign 32, 0x11, 7              // 16 bytes needed, more than 7: nothing
exprs:  .word   -1 >> 1, ~0 << 4, 7 / 2, -7 / 2, -7 % 3, 1 + 2 * 3, (1 + 2) * 3
        .word   1 | 2 ^ 3 & 6, 5 == 5, 5 != 5, 3 < 4, 3 > 4, 3 <= 3, 3 >= 4, 1 <> 2
        .word   1 && 0, 1 || 0, !0, !5, 6 ! 3, - - 3, 0b101, 017, 0x1F
        .word   strs - bytes, exprs - ., . - exprs
        .quad   bytes, strs + 3, _start

        .equ    A, 10
        .set    B, A * 2
C = B + 1
        .word   A, B, C
        .set    A, 100                  // redefinition: later uses see 100
        .word   A, D                    // D: defined below
D = A + 1
        .word   D
        .equiv  E, 5
        .word   E
        .section .bss.scratch, "aw", %nobits
scratch:
        .skip   64
        .balign 64
        .word   0
