// A memory loop with the MMU on (Normal memory, attribute 0xFF): LDP/STP copy of 64 KiB,
// forever. Nine instructions per 32 bytes copied.
.include "mmu.inc"
.text
_start:
  mmu_on 0xff, 0
1:
  adr x0, src
  adr x1, dst
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
