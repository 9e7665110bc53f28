/* Sums 1..100 and the first 20 Fibonacci numbers in loops with numeric local labels;
   exits with (5050 + fib(20)) mod 256 = (5050 + 6765) mod 256 = 39. */
        .text
        .globl  _start
_start:
        mov     x1, #0                  // sum
        mov     x2, #100
1:      add     x1, x1, x2
        subs    x2, x2, #1
        b.ne    1b

        mov     x3, #0                  // fib(0)
        mov     x4, #1                  // fib(1)
        mov     x5, #20
1:      add     x6, x3, x4
        mov     x3, x4
        mov     x4, x6
        sub     x5, x5, #1
        cbnz    x5, 1b

        add     x0, x1, x3
        and     x0, x0, #0xff
        b       2f
        brk     #1                      // never reached
2:      mov     x8, #93
        svc     #0
