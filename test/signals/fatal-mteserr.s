// A use-after-retag caught by a synchronous tag check fault, with no handler: the process dies
// of SIGSEGV (SEGV_MTESERR) and granule prints its report (the test checks it). A 48-byte
// "allocation" at 0x10000040 in a PROT_MTE page gets tag 3; "freeing" it retags its granules
// with 7; the stale tag-3 pointer is then used.
        .include "lib.s"

        .equ HEAP, 0x10000000

main:
        stp x29, x30, [sp, #-16]!
        ldr x0, =(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | (0xfffe << 3))
        bl set_tagged_addr_ctrl
        ldr x0, =HEAP
        mov x1, #4096
        mov x2, #(PROT_READ | PROT_WRITE | PROT_MTE)
        bl mmap_fixed
        PUTS "mmap="
        PHEX x0
        NL
        ldr x9, =HEAP + 0x40
        TAGPTR x20, x9, 0x03            // p = malloc(48): tag 3
        stg x20, [x20]
        stg x20, [x20, #16]
        stg x20, [x20, #32]
        mov x0, #42
        str x0, [x20, #16]
        ldr x1, [x20, #16]
        PUTS "p->value="
        PDEC x1
        NL
        TAGPTR x21, x9, 0x07            // free(p): the granules get tag 7
        stg x21, [x21]
        stg x21, [x21, #16]
        stg x21, [x21, #32]
        PUTS "freed; using p again\n"
        ldr x1, [x20, #16]              // use after free
        PUTS "not reached\n"
        ldp x29, x30, [sp], #16
        mov w0, #0
        ret
