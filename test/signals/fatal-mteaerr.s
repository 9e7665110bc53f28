// An asynchronous tag check fault with no handler: the mismatched store completes, and the next
// syscall (before running) kills the process with SIGSEGV (SEGV_MTEAERR): nothing after the
// store is printed.
        .include "lib.s"

        .equ HEAP, 0x10000000

main:
        stp x29, x30, [sp, #-16]!
        ldr x0, =(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_ASYNC | (0xfffe << 3))
        bl set_tagged_addr_ctrl
        ldr x0, =HEAP
        mov x1, #4096
        mov x2, #(PROT_READ | PROT_WRITE | PROT_MTE)
        bl mmap_fixed
        ldr x9, =HEAP + 0x20
        TAGPTR x20, x9, 0x05
        stg x20, [x20]
        PUTS "storing through a tag-3 pointer\n"
        TAGPTR x21, x9, 0x03
        mov x0, #1
        str x0, [x21, #8]
        PUTS "not printed: this write is where the fault is noticed\n"
        ldp x29, x30, [sp], #16
        mov w0, #0
        ret
