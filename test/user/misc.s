// Process, time and identity syscalls: prctl (tagged address ABI round trips and validation,
// PR_SET_NAME/PR_GET_NAME), the tagged address ABI in a data syscall, uname, clock_gettime,
// getrandom, ids, sched_yield, set_tid_address, set_robust_list, resource limits, unknown
// syscall numbers. Values that differ from run to run or between kernels print as facts
// (ordered, in range, equal) rather than numbers.

        .include "lib.s"

.macro PRCTL opt, a2, a3
        mov x0, #\opt
        ldr x1, =\a2
        mov x2, #\a3
        mov x3, #0
        mov x4, #0
        SYS SYS_prctl
.endm

main:
        stp x29, x30, [sp, #-16]!

        SAY "[tagged address ABI]"
        PRCTL PR_GET_TAGGED_ADDR_CTRL, 0, 0
        SHOWX initial, x0
        PRCTL PR_SET_TAGGED_ADDR_CTRL, PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | (0xfffe << PR_MTE_TAG_SHIFT), 0
        SHOW set_sync
        PRCTL PR_GET_TAGGED_ADDR_CTRL, 0, 0
        SHOWX get, x0
        PRCTL PR_SET_TAGGED_ADDR_CTRL, PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | PR_MTE_TCF_ASYNC, 0
        SHOW set_both
        PRCTL PR_GET_TAGGED_ADDR_CTRL, 0, 0
        SHOWX get_both, x0
        PRCTL PR_SET_TAGGED_ADDR_CTRL, PR_MTE_TCF_ASYNC | (5 << PR_MTE_TAG_SHIFT), 0
        SHOW set_async_no_enable
        PRCTL PR_GET_TAGGED_ADDR_CTRL, 0, 0
        SHOWX get_async, x0
        PRCTL PR_SET_TAGGED_ADDR_CTRL, 1 << 19, 0
        SHOW set_unknown_bit
        PRCTL PR_SET_TAGGED_ADDR_CTRL, PR_TAGGED_ADDR_ENABLE, 1
        SHOW set_arg3_nonzero
        PRCTL PR_GET_TAGGED_ADDR_CTRL, 1, 0
        SHOW get_arg2_nonzero
        PRCTL PR_GET_TAGGED_ADDR_CTRL, 0, 0
        SHOWX unchanged, x0
        // A tagged pointer in a data syscall: -EFAULT without PR_TAGGED_ADDR_ENABLE, fine with it.
        mov x0, #STDOUT
        adr x1, dot
        mov x9, #0x5
        orr x1, x1, x9, lsl #56
        mov x2, #0
        SYS SYS_write
        SHOW write_tagged_no_abi
        PRCTL PR_SET_TAGGED_ADDR_CTRL, PR_TAGGED_ADDR_ENABLE, 0
        mov x0, #STDOUT
        adr x1, dot
        mov x9, #0x5
        orr x1, x1, x9, lsl #56
        mov x2, #0
        SYS SYS_write
        SHOW write_tagged_abi
        PRCTL PR_SET_TAGGED_ADDR_CTRL, 0, 0
        PRCTL PR_GET_TAGGED_ADDR_CTRL, 0, 0
        SHOWX reset, x0

        SAY "[names]"
        mov x0, #PR_SET_NAME
        adr x1, name1
        SYS SYS_prctl
        SHOW set_name
        mov x0, #PR_GET_NAME
        ldr x1, =BUF
        SYS SYS_prctl
        SHOW get_name
        ldr x1, =BUF
        OUTS x1, #16
        mov x0, #PR_SET_NAME
        adr x1, name_long
        SYS SYS_prctl
        SHOW set_long_name
        mov x0, #PR_GET_NAME
        ldr x1, =BUF
        SYS SYS_prctl
        ldr x1, =BUF
        OUTS x1, #16
        mov x0, #PR_SET_NAME
        mov x1, #0x10
        SYS SYS_prctl
        SHOW set_name_unmapped
        mov x0, #PR_GET_NAME
        mov x1, #0x10
        SYS SYS_prctl
        SHOW get_name_unmapped
        mov x0, #9999
        mov x1, #0
        SYS SYS_prctl
        SHOW unknown_option

        SAY "[uname]"
        ldr x0, =BUF
        SYS SYS_uname
        SHOW uname
        ldr x1, =BUF
        OUTS x1, #5
        ldr x1, =BUF + 4 * 65
        OUTS x1, #7
        mov x0, #0x10
        SYS SYS_uname
        SHOW uname_unmapped

        SAY "[clocks]"
        mov x0, #CLOCK_MONOTONIC
        ldr x1, =TS1
        SYS SYS_clock_gettime
        SHOW monotonic
        mov x0, #CLOCK_MONOTONIC
        ldr x1, =TS2
        SYS SYS_clock_gettime
        ldr x1, =TS1
        ldp x2, x3, [x1]
        ldr x1, =TS2
        ldp x4, x5, [x1]
        cmp x2, x4
        b.ne 1f
        cmp x3, x5
1:      cset x6, ls
        SHOWD not_backwards, x6
        mov x7, #0xca00
        movk x7, #0x3b9a, lsl #16
        cmp x5, x7
        cset x6, lo
        SHOWD nsec_in_range, x6
        mov x0, #CLOCK_REALTIME
        ldr x1, =TS1
        SYS SYS_clock_gettime
        SHOW realtime
        ldr x1, =TS1
        ldr x2, [x1]
        ldr x3, =1700000000
        cmp x2, x3
        cset x6, hi
        SHOWD realtime_after_2023, x6
        mov x0, #CLOCK_MONOTONIC_COARSE
        ldr x1, =TS1
        SYS SYS_clock_gettime
        SHOW monotonic_coarse
        mov x0, #100
        ldr x1, =TS1
        SYS SYS_clock_gettime
        SHOW clock_100
        mov x0, #CLOCK_MONOTONIC
        mov x1, #0x10
        SYS SYS_clock_gettime
        SHOW clock_unmapped
        mov x0, #CLOCK_MONOTONIC
        ldr x1, =TS1
        SYS SYS_clock_getres
        SHOW getres
        ldr x1, =TS1
        ldp x2, x3, [x1]
        SHOWD res_sec, x2
        SHOWD res_nsec, x3
        mov x0, #CLOCK_MONOTONIC
        mov x1, #0
        SYS SYS_clock_getres
        SHOW getres_null

        SAY "[getrandom]"
        ldr x0, =BUF
        mov x1, #16
        mov x2, #0
        SYS SYS_getrandom
        SHOW getrandom_16
        ldr x0, =BUF
        mov x1, #200
        mov x2, #0
        SYS SYS_getrandom
        SHOW getrandom_200
        ldr x0, =BUF
        mov x1, #0
        mov x2, #0
        SYS SYS_getrandom
        SHOW getrandom_0
        ldr x0, =BUF
        mov x1, #16
        mov x2, #8
        SYS SYS_getrandom
        SHOW getrandom_flags_8
        ldr x0, =BUF
        mov x1, #16
        mov x2, #6
        SYS SYS_getrandom
        SHOW getrandom_insecure_random
        mov x0, #0x10
        mov x1, #16
        mov x2, #0
        SYS SYS_getrandom
        SHOW getrandom_unmapped

        SAY "[ids]"
        SYS SYS_getpid
        mov x19, x0
        SYS SYS_gettid
        cmp x0, x19
        cset x1, eq
        SHOWD tid_is_pid, x1
        ldr x0, =BUF
        SYS SYS_set_tid_address
        cmp x0, x19
        cset x1, eq
        SHOWD set_tid_address_is_tid, x1
        SYS SYS_sched_yield
        SHOW sched_yield

        SAY "[unknown syscalls]"
        mov x8, #500
        svc #0
        SHOW nr_500
        mov x8, #1000
        svc #0
        SHOW nr_1000

        mov w0, #0
        ldp x29, x30, [sp], #16
        ret

        .ltorg
        .section .rodata
dot:       .ascii "."
name1:     .asciz "worker"
name_long: .asciz "a-very-long-process-name"
        .bss
        .balign 16
BUF:    .skip 4096
TS1:    .skip 16
TS2:    .skip 16
