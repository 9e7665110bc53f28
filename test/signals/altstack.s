// sigaltstack and SA_ONSTACK: the state a new program starts with, what sigaltstack rejects
// (bad flags, a stack below MINSIGSTKSZ = 5120, changes while on the stack), the handler's
// frame at the top of the alternate stack (frame record 16 bytes below it, the 4688-byte
// rt_sigframe below that) and uc_stack; a signal raised on the alternate stack stays on it;
// without SA_ONSTACK the normal stack is used; SS_AUTODISARM disables the stack while a handler
// runs and sigreturn restores it from uc_stack; SS_DISABLE.
        .include "lib.s"

        .equ ALT_SIZE, 0x8000

main:
        stp x29, x30, [sp, #-16]!
        stp x19, x20, [sp, #-16]!
        adr x19, alt                    // the alternate stack
        PUTS "[initial]\n"
        bl show_altstack
        PUTS "[rejected]\n"
        mov x0, x19
        mov x1, #5
        mov x2, #ALT_SIZE
        bl set_altstack
        PUTS "  flags=5: "
        PDEC x0
        mov x0, x19
        mov x1, #0
        mov x2, #5119
        bl set_altstack
        PUTS " size 5119: "
        PDEC x0
        mov x0, x19
        mov x1, #SS_ONSTACK
        mov x2, #5120
        bl set_altstack
        PUTS " SS_ONSTACK, size 5120: "
        PDEC x0
        NL
        bl show_altstack
        mov x0, x19
        mov x1, #0
        mov x2, #ALT_SIZE
        bl set_altstack
        PUTS "  set: "
        PDEC x0
        NL
        bl show_altstack

        PUTS "[SA_ONSTACK]\n"
        SIGACTION SIGUSR1, on_usr1, SA_SIGINFO | SA_RESTORER | SA_ONSTACK
        SIGACTION SIGUSR2, on_usr2, SA_SIGINFO | SA_RESTORER | SA_ONSTACK
        RAISE SIGUSR1
        bl show_altstack

        PUTS "[without SA_ONSTACK]\n"
        SIGACTION SIGUSR2, on_usr2, SA_SIGINFO | SA_RESTORER
        RAISE SIGUSR2

        PUTS "[SS_AUTODISARM]\n"
        mov x0, x19
        ldr x1, =0x80000000
        mov x2, #ALT_SIZE
        bl set_altstack
        PUTS "  set: "
        PDEC x0
        NL
        bl show_altstack
        adr x9, quiet
        mov x10, #1
        str x10, [x9]
        RAISE SIGUSR1
        bl show_altstack

        PUTS "[SS_DISABLE]\n"
        mov x0, #0
        mov x1, #SS_DISABLE
        mov x2, #0
        bl set_altstack
        PUTS "  disable: "
        PDEC x0
        NL
        bl show_altstack

        ldp x19, x20, [sp], #16
        ldp x29, x30, [sp], #16
        mov w0, #0
        ret

// Prints sigaltstack(NULL, &old): ss_sp relative to the alternate stack, ss_flags, ss_size.
show_altstack:
        stp x29, x30, [sp, #-16]!
        bl get_altstack
        PUTS "  sigaltstack: "
        PDEC x3
        PUTS " ss_sp="
        cbz x0, 1f
        sub x0, x0, x19
        PUTS "alt+"
1:      PHEX x0
        PUTS " ss_flags="
        PHEX x1
        PUTS " ss_size="
        PHEX x2
        NL
        ldp x29, x30, [sp], #16
        ret

// Where the handler's frame is, uc_stack, the state inside; raises SIGUSR2 (on the stack too).
on_usr1:
        stp x29, x30, [sp, #-16]!
        stp x20, x21, [sp, #-16]!
        mov x20, x2
        add x3, sp, #32
        sub x3, x3, x19
        PUTS "  SIGUSR1: sp=alt+"
        PHEX x3
        sub x3, x29, x19
        PUTS " x29=alt+"
        PHEX x3
        sub x3, x1, x19
        PUTS " info=alt+"
        PHEX x3
        ldr x3, [x20, #UC_STACK_SP]
        cbz x3, 1f
        sub x3, x3, x19
        PUTS " uc_stack: sp=alt+"
1:      PHEX x3
        ldr w3, [x20, #UC_STACK_FLAGS]
        PUTS " flags="
        PHEX x3
        ldr x3, [x20, #UC_STACK_SIZE]
        PUTS " size="
        PHEX x3
        NL
        bl show_altstack
        adr x9, quiet
        ldr x10, [x9]
        cbnz x10, 2f
        mov x0, #0
        mov x1, #SS_DISABLE
        mov x2, #0
        bl set_altstack
        PUTS "  disable while on it: "
        PDEC x0
        NL
        RAISE SIGUSR2
2:      ldp x20, x21, [sp], #16
        ldp x29, x30, [sp], #16
        ret

on_usr2:
        stp x29, x30, [sp, #-16]!
        add x3, sp, #16
        sub x4, x3, x19
        cmp x4, #ALT_SIZE
        b.hi 1f
        PUTS "  SIGUSR2: on the alternate stack, sp=alt+"
        PHEX x4
        b 2f
1:      PUTS "  SIGUSR2: on the normal stack"
2:      ldr w3, [x2, #UC_STACK_FLAGS]
        PUTS " uc_stack.flags="
        PHEX x3
        NL
        ldp x29, x30, [sp], #16
        ret

        .data
        .balign 8
quiet:  .quad 0
        .bss
        .balign 16
alt:    .skip ALT_SIZE
