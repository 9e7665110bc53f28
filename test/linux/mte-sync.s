// Synchronous tag check faults at EL0 (kernel-uaccess.md scenario 1): SIGSEGV with si_code 9
// (SEGV_MTESERR), si_addr without the tag bits unless the handler was installed with
// SA_EXPOSE_TAGBITS (bits 63:60 always from the untagged address: do_tag_check_fault),
// sigcontext.fault_address, the esr_context record (0x92000011 load, 0x92000051 store),
// the access not performed, and the failing granule's start reported for a straddling access.
// Ends with a fault while SIGSEGV is blocked: force_sig_fault kills the process (signal 11).
//
// Memory: BUF, one PROT_MTE page, allocation tag 0 except granule 1 (bytes 16..31) = tag 1;
// BUF2, one page without PROT_MTE.

        .include "lib.s"

main:
        stp x29, x30, [sp, #-16]!
        TEST "setup"
        ldr x0, =MTE_SYNC
        bl set_mte
        SHOW prctl
        ldr x0, =BUF
        mov x1, #4096
        mov x2, #PROT_RWM
        bl map_fixed
        SHOW mmap_mte
        ldr x0, =BUF2
        mov x1, #4096
        mov x2, #PROT_RW
        bl map_fixed
        SHOW mmap_plain
        ldr x0, =BUF + 16
        mov x1, #1
        bl with_tag
        mov x1, #16
        bl set_tags
        ldr x0, =BUF
        mov w2, #0x5a
        mov x1, #64
        bl fill
        ldr x0, =BUF
        mov x1, #4
        bl dump_tags
        mov x0, #SIGSEGV
        mov x1, #0
        bl handle
        SHOW sigaction

        TEST "ldrb granule 0 (tag 0), no fault"
        ldr x9, =BUF
        ldrb w10, [x9, #15]
        PHEX w10, x10
        NL

        TEST "ldrb granule 1 (tag 1) through a tag-0 pointer"
        ldr x9, =BUF
        mov x10, #0x77
        ldrb w10, [x9, #16]
        PHEX x10_unchanged, x10
        NL

        TEST "ldr x at BUF+12 straddling into granule 1"
        ldr x9, =BUF
        mov x10, #0x77
        ldr x10, [x9, #12]
        PHEX x10_unchanged, x10
        NL

        TEST "ldp at BUF+8"
        ldr x9, =BUF
        mov x10, #0x77
        mov x11, #0x78
        ldp x10, x11, [x9, #8]
        PHEX x10, x10
        PHEX x11, x11
        NL

        TEST "strb to granule 1 is suppressed"
        ldr x9, =BUF
        mov w10, #0xee
        strb w10, [x9, #20]
        ldr x0, =BUF
        mov x1, #32
        bl dump_mem

        TEST "str x at BUF+12 (first 4 bytes in a good granule) writes nothing"
        ldr x9, =BUF
        ldr x10, =0x1122334455667788
        str x10, [x9, #12]
        ldr x0, =BUF
        mov x1, #32
        bl dump_mem

        TEST "stp at BUF+0 (second register in granule 1)"
        ldr x9, =BUF
        ldr x10, =0x1111111111111111
        ldr x11, =0x2222222222222222
        stp x10, x11, [x9, #8]
        ldr x0, =BUF
        mov x1, #32
        bl dump_mem

        TEST "tag-3 pointer to granule 1 (tag 1)"
        ldr x9, =BUF + 16 + (3 << 56)
        ldrb w10, [x9, #4]

        TEST "tag-1 pointer: granule 1 matches, granule 0 does not"
        ldr x9, =BUF + (1 << 56)
        ldrb w10, [x9, #16]
        PHEX ok, x10
        NL
        ldrb w10, [x9, #3]

        TEST "top byte 0xa1 over tag 1: only bits 59:56 compare"
        ldr x9, =BUF + (0xa1 << 56)
        ldrb w10, [x9, #17]
        PHEX ok, x10
        NL
        ldrb w10, [x9, #1]

        TEST "tagged pointers into a page without PROT_MTE never fault"
        ldr x9, =BUF2 + (0x57 << 56)
        mov w10, #0x42
        strb w10, [x9, #100]
        ldrb w11, [x9, #100]
        PHEX w11, x11
        NL

        TEST "tagged pointer to an unmapped page (SEGV_MAPERR)"
        ldr x9, =BUF3 + (0x35 << 56)
        ldrb w10, [x9, #8]

        TEST "SA_EXPOSE_TAGBITS"
        mov x0, #SIGSEGV
        mov x1, #SA_EXPOSE_TAGBITS
        bl handle
        SHOW sigaction
        ldr x9, =BUF
        ldrb w10, [x9, #16]
        ldr x9, =BUF + 16 + (3 << 56)
        ldrb w10, [x9, #4]
        ldr x9, =BUF + (0xa1 << 56)
        ldrb w10, [x9, #1]
        ldr x9, =BUF + (0x53 << 56)
        str x10, [x9, #12]
        ldr x9, =BUF3 + (0x35 << 56)
        ldrb w10, [x9, #8]

        TEST "PSTATE.TCO = 1 suppresses the check"
        ldr x9, =BUF
        msr tco, #1
        ldrb w10, [x9, #16]
        msr tco, #0
        PHEX w10, x10
        NL

        TEST "LDG and STG do not check tags"
        ldr x9, =BUF + 32
        ldg x10, [x9]
        ubfx x10, x10, #56, #4
        PHEX ldg_granule2, x10
        NL

        TEST "fault with SIGSEGV blocked: killed"
        mov x0, #SIG_BLOCK
        mov x1, #(1 << (SIGSEGV - 1))
        bl sigmask
        SHOW old_mask
        FLUSH
        ldr x9, =BUF
        ldrb w10, [x9, #16]
        PUTS "survived\n"
        mov w0, #0
        ldp x29, x30, [sp], #16
        ret
