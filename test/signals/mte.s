// Synchronous tag check faults caught by a handler: SIGSEGV with SEGV_MTESERR, si_addr with the
// tag bits cleared unless the handler was installed with SA_EXPOSE_TAGBITS (bits 63:60 of the
// FAR are the untagged address's, bits 59:56 the pointer's logical tag), fault_address always
// untagged, the esr_context record (0x92000011 load, 0x92000051 store); the faulting access does
// not happen and the handler skips it. qemu-user differs (si_addr tag bits, no esr_context).
        .include "lib.s"

main:
        stp x29, x30, [sp, #-16]!
        stp x19, x20, [sp, #-16]!
        ldr x0, =(PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | (0xfffe << 3))
        bl set_tagged_addr_ctrl
        PUTS "prctl="
        PDEC x0
        mov x0, #4096
        mov x1, #(PROT_READ | PROT_WRITE | PROT_MTE)
        bl mmap_anon
        mov x19, x0                     // the page, pointer tag 0, allocation tags 0
        TAGPTR x9, x19, 0x03
        add x9, x9, #16
        stg x9, [x9]                    // granule 1: tag 3
        mov x0, #0x5a
        strb w0, [x9, #1]               // through the tag-3 pointer
        PUTS " tags set\n"
        SIGACTION SIGSEGV, on_segv, SA_SIGINFO | SA_RESTORER
        PUTS "sigaction="
        PDEC x0
        NL

        PUTS "[tag-0 load from granule 1]\n"
        mov x10, #0x77
1:      ldr x10, [x19, #16]
        PUTS "  x10="
        PHEX x10
        NL

        PUTS "[tag-5 store to granule 1]\n"
        TAGPTR x11, x19, 0x05
        mov x10, #0x66
2:      str x10, [x11, #20]
        TAGPTR x11, x19, 0x03
        ldr x10, [x11, #16]
        PUTS "  granule 1 still holds "
        PHEX x10
        NL

        PUTS "[tag-3 pointer, top byte 0xa3: only bits 59:56 are compared]\n"
        TAGPTR x11, x19, 0xa3
        ldr x10, [x11, #16]
        PUTS "  ok "
        PHEX x10
        NL
        TAGPTR x11, x19, 0xa3
3:      ldrb w10, [x11, #3]             // granule 0 has tag 0: faults
        NL

        PUTS "[SA_EXPOSE_TAGBITS]\n"
        SIGACTION SIGSEGV, on_segv, SA_SIGINFO | SA_RESTORER | SA_EXPOSE_TAGBITS
        TAGPTR x11, x19, 0x05
4:      str x10, [x11, #20]
        TAGPTR x11, x19, 0xa3
5:      ldrb w10, [x11, #3]
        ldr x11, =0x10008
        TAGPTR x11, x11, 0x35           // no mapping there: SEGV_MAPERR keeps the tag byte too
6:      ldr x10, [x11]

        PUTS "[a pair straddling into granule 1]\n"
7:      ldp x10, x11, [x19, #8]

        ldp x19, x20, [sp], #16
        ldp x29, x30, [sp], #16
        mov w0, #0
        ret

// Prints what the fault reported, relative to the page in x19 (which the handler still has).
on_segv:
        stp x29, x30, [sp, #-16]!
        PUTS "  SIGSEGV"
        bl print_siginfo
        ldr x3, [x1, #16]
        PUTS " addr_top="
        lsr x4, x3, #56
        PHEX x4
        // Addresses in the page print relative to it, others as they are.
        and x4, x3, #0x00ffffffffffffff
        ldr x5, [x2, #UC_FAULT_ADDRESS]
        sub x6, x4, x19
        cmp x6, #4096
        b.hs 1f
        sub x4, x4, x19
        sub x5, x5, x19
        PUTS " addr-page="
        PHEX x4
        PUTS " fault_address-page="
        PHEX x5
        b 2f
1:      PUTS " addr="
        PHEX x4
        PUTS " fault_address="
        PHEX x5
2:
        mov x20, x2
        mov x0, x2
        bl find_esr
        PUTS " esr="
        PHEX x0
        mov x2, x20
        NL
        ldr x3, [x2, #UC_PC]
        add x3, x3, #4
        str x3, [x2, #UC_PC]
        ldp x29, x30, [sp], #16
        ret
