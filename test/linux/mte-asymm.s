// The per-CPU tag check preference (/sys/devices/system/cpu/cpu0/mte_tcf_preferred, default
// "async") and asymmetric mode (kernel-uaccess.md scenarios 2, 10 and 20): a thread that asks
// for several modes gets the preferred one if it asked for it; SYNC|ASYNC also allows asymm on
// an MTE3 CPU (QEMU's -cpu max is one). In asymm mode a mismatched load faults synchronously
// (SEGV_MTESERR) and a mismatched store asynchronously (SEGV_MTEAERR at the next kernel
// entry); the kernel's copy_from_user (write()) is checked like sync, its copy_to_user (read())
// not at all, like async. Invalid preference strings give -EINVAL. The program mounts sysfs on
// /sys itself and puts "async" back before it exits (the preference outlives the process).
//
// Memory: BUF, one PROT_MTE page, allocation tag 0 except granule 1 (bytes 16..31) = tag 1.

        .include "lib.s"

// PREF string_label: writes the string to the preference file (x21) and prints the result.
.macro PREF label
        mov x0, x21
        adr x1, \label
        mov x2, #(\label\()_end - \label)
        SYS SYS_write
        SHOW write_\label
.endm

main:
        stp x29, x30, [sp, #-16]!
        TEST "setup"
        ldr x0, =BUF
        mov x1, #4096
        mov x2, #PROT_RWM
        bl map_fixed
        SHOW mmap
        ldr x0, =BUF + 16 + (1 << 56)
        mov x1, #16
        bl set_tags
        ldr x0, =BUF
        mov x1, #64
        mov w2, #0x5a
        bl fill
        adr x0, path
        bl open_tmp
        mov x20, x0
        SHOW open
        mov x0, x20
        ldr x1, =BUF
        mov x2, #64
        mov x3, #0
        SYS SYS_pwrite64
        SHOW fill_file
        mov x0, #SIGSEGV
        mov x1, #0
        bl handle
        SHOW sigaction
        adr x0, s_sysfs
        adr x1, s_sys
        adr x2, s_sysfs
        mov x3, #0
        mov x4, #0
        SYS SYS_mount
        SHOW mount_sysfs
        mov x0, #AT_FDCWD
        adr x1, pref_path
        mov x2, #O_RDWR
        mov x3, #0
        SYS SYS_openat
        mov x21, x0
        SHOW open_preference
        bl show_pref

        TEST "preference sync"
        PREF sync
        bl show_pref
        bl probe_modes

        TEST "preference asymm"
        PREF asymm
        bl show_pref
        bl probe_modes

        TEST "asymm: write() is checked, read() is not"
        ldr x0, =PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | PR_MTE_TCF_ASYNC
        bl set_mte
        adr x0, h_count
        str xzr, [x0]
        mov x0, x20
        ldr x1, =BUF + 8
        mov x2, #32
        mov x3, #0
        SYS SYS_pwrite64
        SHOW pwrite_p8_32
        mov x0, x20
        ldr x1, =BUF + 8
        mov x2, #32
        mov x3, #0
        SYS SYS_pread64
        SHOW pread_p8_32
        mov x0, x20
        ldr x1, =BUF + 16
        mov x2, #8
        mov x3, #0
        SYS SYS_pwrite64
        SHOW pwrite_p16_8
        mov x0, x20
        ldr x1, =BUF + 16
        mov x2, #8
        mov x3, #0
        SYS SYS_pread64
        SHOW pread_p16_8
        SYS SYS_getpid
        adr x0, h_count
        ldr x0, [x0]
        PUTS " "
        PDEC signals, x0
        NL

        TEST "invalid preferences"
        PREF bogus
        PREF empty
        bl show_pref

        TEST "preference async (the default, restored)"
        PREF async
        bl show_pref
        bl probe_modes
        mov w0, #0
        ldp x29, x30, [sp], #16
        ret

// show_pref: prints the preference file's contents.
show_pref:
        stp x29, x30, [sp, #-16]!
        adr x0, rbuf
        stp xzr, xzr, [x0]
        mov x0, x21
        adr x1, rbuf
        mov x2, #15
        mov x3, #0
        SYS SYS_pread64
        PUTS " "
        PRES read, x0
        PUTS " preference="
        adr x0, rbuf
        bl puts_end
        ldp x29, x30, [sp], #16
        ret

// probe_modes: for SYNC, ASYNC and SYNC|ASYNC: a mismatched load and a mismatched store, each
// followed by a syscall; prints how many signals came before and after the syscall.
probe_modes:
        stp x29, x30, [sp, #-48]!
        stp x19, x20, [sp, #16]
        stp x22, x23, [sp, #32]
        adr x19, modes
1:      ldr x20, [x19], #8
        cbz x20, 2f
        mov x0, x20
        bl set_mte
        PUTS "  mode "
        PHEXV x20
        PRES prctl, x0
        NL
        adr x0, h_count
        str xzr, [x0]
        FLUSH
        ldr x9, =BUF
        ldrb w10, [x9, #16]
        adr x0, h_count
        ldr x22, [x0]
        SYS SYS_getpid
        adr x0, h_count
        ldr x23, [x0]
        PUTS "   load:"
        PDEC before_syscall, x22
        PDEC after_syscall, x23
        NL
        adr x0, h_count
        str xzr, [x0]
        FLUSH
        ldr x9, =BUF
        strb w10, [x9, #17]
        adr x0, h_count
        ldr x22, [x0]
        SYS SYS_getpid
        adr x0, h_count
        ldr x23, [x0]
        PUTS "   store:"
        PDEC before_syscall, x22
        PDEC after_syscall, x23
        NL
        b 1b
2:      ldp x22, x23, [sp, #32]
        ldp x19, x20, [sp, #16]
        ldp x29, x30, [sp], #48
        ret

        .ltorg
        .section .rodata
path:           .asciz "/tmp/asymm"
s_sysfs:        .asciz "sysfs"
s_sys:          .asciz "/sys"
pref_path:      .asciz "/sys/devices/system/cpu/cpu0/mte_tcf_preferred"
sync:           .ascii "sync"
sync_end:
asymm:          .ascii "asymm"
asymm_end:
async:          .ascii "async"
async_end:
bogus:          .ascii "bogus"
bogus_end:
empty:          .ascii "\n"
empty_end:
        .data
        .balign 8
modes:
        .quad PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC
        .quad PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_ASYNC
        .quad PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | PR_MTE_TCF_ASYNC
        .quad 0
rbuf:           .space 16
        .text
