// An integer loop: ten instructions per iteration, forever (the benchmark bounds the run).
.text
_start:
  mov x2, #0
1:
  movz x3, #0x4000, lsl #16
2:
  add x0, x0, x2
  eor x1, x1, x0
  lsl x4, x1, #3
  add x5, x4, x0
  orr x6, x5, x2
  sub x7, x6, #1
  and x8, x7, x1
  add x2, x2, #1
  subs x3, x3, #1
  b.ne 2b
  b 1b
