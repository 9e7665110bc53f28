// A handler installed without SA_RESTORER returns through the kernel's trampoline: x30 points
// at `mov x8, #139; svc #0` (__kernel_rt_sigreturn in the vDSO, after a NOP for unwinders),
// inside the ELF image AT_SYSINFO_EHDR points at. Prints those words, the vDSO's ELF header
// fields and that the return worked; the handler's x29 is the frame record {fp, lr} with the
// interrupted x29 and x30.
        .include "lib.s"

main:
        stp x29, x30, [sp, #-16]!
        mov x0, #SIGUSR1
        adr x1, on_usr1
        mov x2, #SA_SIGINFO
        mov x3, #0
        bl set_action
        PUTS "sigaction="
        PDEC x0
        mov x0, #33                     // AT_SYSINFO_EHDR
        bl getauxval
        mov x22, x0
        PUTS " vdso: magic="
        ldr w3, [x22]
        PHEX x3
        PUTS " type="
        ldrh w3, [x22, #16]
        PDEC x3
        PUTS " machine="
        ldrh w3, [x22, #18]
        PDEC x3
        NL
        ldr x29, =0x2929
        ldr x30, =0x3030
        RAISE SIGUSR1
        PUTS "returned\n"
        ldp x29, x30, [sp], #16
        mov w0, #0
        ret

on_usr1:
        mov x20, x30
        mov x21, x29
        PUTS "  x30-4: "
        ldur w3, [x20, #-4]
        PHEX x3
        PUTS " x30: "
        ldr w3, [x20]
        PHEX x3
        PUTS " x30+4: "
        ldr w3, [x20, #4]
        PHEX x3
        sub x3, x20, x22
        cmp x3, #4096
        cset x3, lo
        PUTS " in the vDSO's first page: "
        PDEC x3
        NL
        PUTS "  frame record: fp="
        ldr x3, [x21]
        PHEX x3
        PUTS " lr="
        ldr x3, [x21, #8]
        PHEX x3
        mov x4, sp
        sub x3, x21, x4
        PUTS " x29-sp="
        PHEX x3
        NL
        mov x30, x20
        ret
