// read, write, readv, writev, pread64, pwrite64 on a tmpfs file with buffers that contain
// mismatched granules, under asynchronous tag checks: the kernel's copies are not checked, every call transfers everything (scenario 10).
// The cases and their output are described in uaccess-cases.s. No signal is ever delivered.

        .include "lib.s"
        .include "uaccess-cases.s"

main:
        stp x29, x30, [sp, #-16]!
        TEST "setup"
        ldr x0, =MTE_ASYNC
        bl set_mte
        SHOW prctl
        mov x0, #SIGSEGV
        mov x1, #0
        bl handle
        SHOW sigaction
        adr x0, path
        adr x1, path_w
        bl setup_cases
        mov x19, x0
        mov x20, x1
        TEST "cases"
        mov x0, x19
        mov x1, x20
        bl run_cases
        mov w0, #0
        ldp x29, x30, [sp], #16
        ret

        .section .rodata
path:   .asciz "/tmp/uaccess-async"
path_w: .asciz "/tmp/uaccess-async-w"
        .text
