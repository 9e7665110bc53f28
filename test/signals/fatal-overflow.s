// A buffer overflow caught by a synchronous tag check on a store, with no handler: a 32-byte
// buffer at 0x10000000 (tag 0xa) is followed by another allocation (tag 0xb); a loop writing 5
// words faults on the fifth. The page before is mapped without PROT_MTE, which the report's tag
// map shows as untagged.
        .include "lib.s"

        .equ HEAP, 0x10000000

main:
        stp x29, x30, [sp, #-16]!
        ldr x0, =(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | (0xfffe << 3))
        bl set_tagged_addr_ctrl
        ldr x0, =HEAP - 4096
        mov x1, #4096
        mov x2, #(PROT_READ | PROT_WRITE)
        bl mmap_fixed
        ldr x0, =HEAP
        mov x1, #4096
        mov x2, #(PROT_READ | PROT_WRITE | PROT_MTE)
        bl mmap_fixed
        ldr x9, =HEAP
        TAGPTR x20, x9, 0x0a            // the buffer: two granules, tag 0xa
        stg x20, [x20]
        stg x20, [x20, #16]
        add x9, x9, #32
        TAGPTR x21, x9, 0x0b            // the next allocation: tag 0xb
        stg x21, [x21]
        stg x21, [x21, #16]
        mov x0, #0
1:      PUTS "writing word "
        PDEC x0
        NL
        str x0, [x20, x0, lsl #3]
        add x0, x0, #1
        cmp x0, #5
        b.lo 1b
        PUTS "not reached\n"
        ldp x29, x30, [sp], #16
        mov w0, #0
        ret
