// Hello world through the write and exit syscalls; the message is in .rodata, reached with
// adrp + :lo12: and a length computed by the assembler.
        .global _start
        .type   _start, %function
_start:
        mov     x0, #1                  // stdout
        adrp    x1, msg
        add     x1, x1, :lo12:msg
        mov     x2, #(msg_end - msg)
        mov     x8, #64                 // write
        svc     #0
        cmp     x0, #(msg_end - msg)
        cset    w0, ne                  // exit status 0 only if everything was written
        mov     x8, #93                 // exit
        svc     #0
        .size   _start, . - _start

        .section .rodata
msg:    .ascii  "Hello from granule\n"
msg_end:
