// The same copy loop over Tagged Normal memory (MAIR 0xF0) with synchronous tag checking
// (SCTLR_EL1.ATA, TCF = 1): every load and store is tag checked against tag 3.
.include "mmu.inc"
.text
_start:
  mmu_on 0xf0, ((1 << 43) | (1 << 40))
  // Tag both buffers with 3: STG over 128 KiB, then use pointers with logical tag 3.
  adr x0, src
  mov x9, #(3 << 56)
  orr x0, x0, x9
  mov x2, #8192
3:
  stg x0, [x0], #16
  subs x2, x2, #1
  b.ne 3b
1:
  adr x0, src
  orr x0, x0, x9
  adr x1, dst
  orr x1, x1, x9
  mov x2, #2048
2:
  ldp x4, x5, [x0], #16
  ldp x6, x7, [x0], #16
  stp x4, x5, [x1], #16
  stp x6, x7, [x1], #16
  add x8, x8, x4
  subs x2, x2, #1
  b.ne 2b
  b 1b
.data
  page_table
src: .zero 65536
dst: .zero 65536
