// Runtime of the scenario reproducers (kernel-shim/scenarios/*.s): each includes this file and
// defines `scenario`, which makes the one call the scenario measures and returns its result in
// x0. They are ordinary static arm64 Linux programs: `granule scenario run` passes the
// parameters on the command line, and they run unchanged on a real kernel with MTE.
//
//   NAME PAGES OFFSET LENGTH TCF BAD [ARG]
//
//   PAGES   pages of the PROT_MTE buffer p (one more page, the "header", is mapped before it)
//   OFFSET  the user buffer is p + OFFSET
//   LENGTH  bytes passed to the call
//   TCF     0 none, 1 sync, 2 async, 3 asymm (writes "asymm" to cpu0's mte_tcf_preferred first)
//   BAD     16-byte granule indexes from p whose allocation tag becomes 1 (the pointer's is 0),
//           comma separated, or "-"
//   ARG     a scenario's own argument (direct-io: r or w; fault-in: the ioctl number)
//
// The set-up is kernel-uaccess.md's common one: PR_SET_TAGGED_ADDR_CTRL with the tagged ABI on and
// every tag but 0 allowed; p page aligned, PROT_READ|PROT_WRITE|PROT_MTE, MAP_PRIVATE|
// MAP_ANONYMOUS, all allocation tags 0 but the BAD granules. Every byte of the buffer is written
// (0x5a) before the tags are set, except the last UNTOUCHED_PAGES pages, which the including
// file defines (before the .include) and which stay unpopulated until the call touches them.
// The program prints "result: N" (the raw return value, -errno for an error) and exits 0.
//
// Registers the scenario may use: x19 = p, x20 = OFFSET, x21 = LENGTH, x22 = PAGES, x23 = TCF,
// x24 = argv, x25 = argc; x26-x28 are its own.

        .equ SYS_ioctl, 29
        .equ SYS_mount, 40
        .equ SYS_openat, 56
        .equ SYS_close, 57
        .equ SYS_lseek, 62
        .equ SYS_read, 63
        .equ SYS_write, 64
        .equ SYS_pread64, 67
        .equ SYS_pwrite64, 68
        .equ SYS_exit_group, 94
        .equ SYS_prctl, 167
        .equ SYS_munmap, 215
        .equ SYS_mprotect, 226
        .equ SYS_mmap, 222

        .equ AT_FDCWD, -100
        .equ O_WRONLY, 1
        .equ O_RDWR, 2
        .equ O_CREAT, 0x40
        .equ O_TRUNC, 0x200
        .equ O_DIRECT, 0x10000
        .equ PROT_RW, 3
        .equ PROT_RWM, 3 | 0x20
        .equ MAP_PRIVATE_ANON, 0x22
        .equ PR_SET_TAGGED_ADDR_CTRL, 55
        .equ PR_TAGGED_ADDR_ENABLE, 1
        .equ PR_MTE_TCF_SYNC, 2
        .equ PR_MTE_TCF_ASYNC, 4
        .equ PR_MTE_INCLUDE_NONZERO, 0xfffe << 3
        .equ PAGE_SIZE, 4096
        .equ FILL, 0x5a

        .macro SYS nr
        mov     x8, #\nr
        svc     #0
        .endm

        // Fails the run (exit status 2) with a message when x0 holds an error.
        .macro CHECK what
        cmn     x0, #4095
        b.lo    .Lok\@
        adr     x1, \what
        b       fail
.Lok\@:
        .endm

        // x0 = openat(AT_FDCWD, path, flags, 0600), or the run fails.
        .macro OPEN path, flags
        mov     x0, #AT_FDCWD
        adr     x1, \path
        ldr     x2, =\flags
        mov     x3, #0600
        SYS     SYS_openat
        CHECK   msg_open
        .endm

        .text
        .global _start
_start:
        ldr     x25, [sp]
        add     x24, sp, #8
        cmp     x25, #6
        b.lt    usage
        ldr     x0, [x24, #8]
        bl      parse_u64
        mov     x22, x0
        ldr     x0, [x24, #16]
        bl      parse_u64
        mov     x20, x0
        ldr     x0, [x24, #24]
        bl      parse_u64
        mov     x21, x0
        ldr     x0, [x24, #32]
        bl      parse_u64
        mov     x23, x0
        bl      set_tcf

        // The header page, then PAGES pages: p = base + 4096.
        mov     x0, #0
        add     x1, x22, #1
        lsl     x1, x1, #12
        mov     x2, #PROT_RWM
        mov     x3, #MAP_PRIVATE_ANON
        mov     x4, #-1
        mov     x5, #0
        SYS     SYS_mmap
        CHECK   msg_mmap
        add     x19, x0, #PAGE_SIZE

        // Write the header page and the buffer but its last UNTOUCHED_PAGES pages.
        mov     x1, #FILL
        orr     x1, x1, x1, lsl #8
        orr     x1, x1, x1, lsl #16
        orr     x1, x1, x1, lsl #32
        sub     x2, x22, #UNTOUCHED_PAGES
        add     x2, x2, #1
        lsl     x2, x2, #12
        sub     x3, x19, #PAGE_SIZE
1:      cbz     x2, 2f
        stp     x1, x1, [x3], #16
        sub     x2, x2, #16
        b       1b
2:
        ldr     x0, [x24, #40]
        bl      set_bad_granules

        bl      scenario
        mov     x19, x0
        adr     x1, msg_result
        mov     x2, #8
        bl      write_out
        mov     x0, x19
        bl      print_dec
        mov     x0, #0
        SYS     SYS_exit_group

usage:
        adr     x1, msg_usage
        mov     x0, #-22
        b       fail

// fail: "scenario: <x1 string>: <x0>" on stderr, exit status 2.
fail:
        mov     x19, x0
        mov     x20, x1
        adr     x1, msg_fail
        mov     x2, #10
        bl      write_err
        mov     x0, x20
        bl      strlen
        mov     x2, x0
        mov     x1, x20
        bl      write_err
        mov     x0, x19
        bl      print_dec_err
        mov     x0, #2
        SYS     SYS_exit_group

// set_tcf: PR_SET_TAGGED_ADDR_CTRL for TCF x23 (asymm: the sysfs preference first).
set_tcf:
        stp     x29, x30, [sp, #-16]!
        ldr     x1, =PR_TAGGED_ADDR_ENABLE | PR_MTE_INCLUDE_NONZERO
        cmp     x23, #1
        b.ne    1f
        orr     x1, x1, #PR_MTE_TCF_SYNC
1:      cmp     x23, #2
        b.ne    2f
        orr     x1, x1, #PR_MTE_TCF_ASYNC
2:      cmp     x23, #3
        b.ne    3f
        stp     x1, xzr, [sp, #-16]!
        // sysfs may not be mounted yet (an init, granule's shim): mount it, ignoring EBUSY.
        adr     x0, str_sysfs
        adr     x1, path_sys
        adr     x2, str_sysfs
        mov     x3, #0
        mov     x4, #0
        SYS     SYS_mount
        mov     x0, #AT_FDCWD
        adr     x1, path_tcf_preferred
        mov     x2, #O_WRONLY
        mov     x3, #0
        SYS     SYS_openat
        CHECK   msg_sysfs
        mov     x9, x0
        adr     x1, str_asymm
        mov     x2, #5
        SYS     SYS_write
        CHECK   msg_sysfs
        mov     x0, x9
        SYS     SYS_close
        ldp     x1, xzr, [sp], #16
        orr     x1, x1, #PR_MTE_TCF_SYNC | PR_MTE_TCF_ASYNC
3:      mov     x0, #PR_SET_TAGGED_ADDR_CTRL
        mov     x2, #0
        mov     x3, #0
        mov     x4, #0
        SYS     SYS_prctl
        CHECK   msg_prctl
        ldp     x29, x30, [sp], #16
        ret

// set_bad_granules(x0 = "I,J,..." or "-"): allocation tag 1 on granule p + 16 * I (STG).
set_bad_granules:
        stp     x29, x30, [sp, #-32]!
        str     x26, [sp, #16]
        mov     x26, x0
1:      ldrb    w2, [x26]
        cmp     w2, #'-'
        b.eq    3f
        cbz     w2, 3f
        mov     x0, x26
        bl      parse_u64
        mov     x26, x1
        add     x2, x19, x0, lsl #4
        orr     x2, x2, #1 << 56
        stg     x2, [x2]
        ldrb    w2, [x26]
        cmp     w2, #','
        b.ne    3f
        add     x26, x26, #1
        b       1b
3:      ldr     x26, [sp, #16]
        ldp     x29, x30, [sp], #32
        ret

// parse_u64(x0 = string): decimal value in x0, the first byte after the digits in x1.
parse_u64:
        mov     x1, x0
        mov     x0, #0
        mov     x3, #10
1:      ldrb    w2, [x1]
        sub     w2, w2, #'0'
        cmp     w2, #9
        b.hi    2f
        madd    x0, x0, x3, x2
        add     x1, x1, #1
        b       1b
2:      ret

// strlen(x0): bytes before the NUL.
strlen:
        mov     x1, x0
1:      ldrb    w2, [x1], #1
        cbnz    w2, 1b
        sub     x0, x1, x0
        sub     x0, x0, #1
        ret

// write_out / write_err (x1 = bytes, x2 = count): to stdout / stderr.
write_out:
        mov     x0, #1
        SYS     SYS_write
        ret
write_err:
        mov     x0, #2
        SYS     SYS_write
        ret

// print_dec / print_dec_err(x0): signed decimal and a newline.
print_dec:
        mov     x9, #1
        b       1f
print_dec_err:
        mov     x9, #2
1:      stp     x29, x30, [sp, #-48]!
        mov     x29, sp
        add     x1, sp, #47
        mov     w2, #'\n'
        strb    w2, [x1]
        mov     x3, x0
        cmp     x0, #0
        cneg    x0, x0, lt
        mov     x4, #10
2:      udiv    x5, x0, x4
        msub    x6, x5, x4, x0
        add     w6, w6, #'0'
        strb    w6, [x1, #-1]!
        mov     x0, x5
        cbnz    x0, 2b
        cmp     x3, #0
        b.ge    3f
        mov     w6, #'-'
        strb    w6, [x1, #-1]!
3:      add     x2, sp, #48
        sub     x2, x2, x1
        mov     x0, x9
        SYS     SYS_write
        ldp     x29, x30, [sp], #48
        ret

        .section .rodata
msg_result:     .ascii "result: "
msg_fail:       .ascii "scenario: "
msg_usage:      .asciz "usage: NAME PAGES OFFSET LENGTH TCF BAD [ARG]: "
msg_mmap:       .asciz "mmap: "
msg_prctl:      .asciz "prctl(PR_SET_TAGGED_ADDR_CTRL): "
msg_sysfs:      .asciz "asymm in mte_tcf_preferred: "
msg_open:       .asciz "open: "
path_tcf_preferred: .asciz "/sys/devices/system/cpu/cpu0/mte_tcf_preferred"
str_asymm:      .ascii "asymm"
str_sysfs:      .asciz "sysfs"
path_sys:       .asciz "/sys"
path_tmpfile:   .asciz "/tmp/granule-scenario"
        .text
