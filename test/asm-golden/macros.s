// Macros (defaults, :req, named and space-separated arguments, \@, \(), .exitm), .irp, .irpc,
// .rept and conditionals, as GNU as expands them.
        .macro  words a, b=3, c:req
        .word   \a, \b, \c
        .endm

        .macro  movc reg, val
        .if     \val < 65536
        mov     \reg, #\val
        .else
        ldr     \reg, =\val
        .endif
        .endm

        .macro  tag name
\name\()_\@:
        .byte   \@
        .endm

        .macro  upto n
        .if     \n == 0
        .exitm
        .endif
        .byte   \n
        upto    \n - 1
        .endm

        .macro  sum first, rest:vararg
        .byte   \first
        .ifnb   \rest
        sum     \rest
        .endif
        .endm

        .text
        .global _start
_start:
        movc    x0, 42
        movc    x1, 0x12345
        movc    reg=x2, val=7
        .irp    r, x3, x4, x5
        mov     \r, #1
        .endr
        .rept   3
        add     x0, x0, #1
        .endr
        mov     x8, #93
        svc     #0

        .data
        words   1 2 4
        words   1, , 5
        words   c=9, a=7
        words   1 + 2, 3 -1, 6
        tag     first
        tag     second
        upto    3
        sum     1, 2, 3
        .irpc   d, 4567
        .byte   \d * 2
        .endr
        .irp    v
        .byte   9\v
        .endr
        .rept   0
        .byte   0xbb
        .endr

        .ifdef  first_4
        .byte   0x11
        .endif
        .ifndef nothing
        .byte   0x22
        .endif
        .if     0
        .byte   0x33
        .elseif 1
        .byte   0x44
        .else
        .byte   0x55
        .endif
        .ifc    abc, abc
        .byte   0x66
        .endif
        .ifnc   abc, abd
        .byte   0x77
        .endif
        .ifeq   3 - 3
        .byte   0x88
        .endif
        .ifgt   -1
        .byte   0x99
        .else
        .if     1
        .byte   0xaa
        .endif
        .endif
