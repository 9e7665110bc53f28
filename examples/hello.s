// granule's hello world: write(2) to stdout, then exit(0), with raw Linux syscalls.
// Assemble and run:  granule asm examples/hello.s -o hello && granule run hello

        .equ    SYS_write, 64
        .equ    SYS_exit, 93
        .equ    STDOUT, 1

        .text
        .global _start
        .type   _start, %function
_start:
        mov     x0, #STDOUT
        adr     x1, message
        mov     x2, #message_len
        mov     x8, #SYS_write
        svc     #0

        mov     x0, #0
        mov     x8, #SYS_exit
        svc     #0
        .size   _start, . - _start

        .section .rodata
message:
        .ascii  "Hello from granule\n"
        .equ    message_len, . - message
