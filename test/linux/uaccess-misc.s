// Tag-checked kernel accesses outside read/write (kernel-uaccess.md scenarios 16 and 17 as far
// as user space can see them): in sync mode every syscall that copies to or from user memory
// fails with -EFAULT when the copy hits a mismatched granule, never with a signal: the iovec
// array of readv/writev (read with get_user-style loads), strings (openat paths, PR_SET_NAME:
// strncpy_from_user), structs copied in (rt_sigaction, rt_sigprocmask, sigaltstack) and out
// (clock_gettime, uname, fstat, PR_GET_NAME; put_user: PR_GET_PDEATHSIG), getrandom's buffer and
// a futex word (get_user). Where a syscall changes state before its final copy-out fails, the
// change stays (rt_sigaction, rt_sigprocmask with a bad old-value pointer). The zero-filled tail
// of a short copy_from_user (scenario 16) never reaches user space and is not observable here.
//
// Memory: BUF, one PROT_MTE page, allocation tag 0 except granule 1 (bytes 16..31) = tag 1,
// filled with 0xcc; BUF2, one PROT_MTE page, tag 1 on bytes 64..79; BUF3, one plain page.

        .include "lib.s"

        .equ CLOCK_MONOTONIC, 1
        .equ GRND_NONBLOCK, 1
        .equ FUTEX_WAIT_PRIVATE, 128
        .equ FUTEX_WAKE_PRIVATE, 129
        .equ PR_GET_PDEATHSIG, 2

// STR_AT addr, label: copies the NUL-terminated string at label to addr (TCO = 1).
.macro STR_AT addr, label
        ldr x0, =\addr
        adr x1, \label
        bl copy_str
.endm

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
        SHOW mmap
        ldr x0, =BUF2
        mov x1, #4096
        mov x2, #PROT_RWM
        bl map_fixed
        SHOW mmap2
        ldr x0, =BUF3
        mov x1, #4096
        mov x2, #PROT_RW
        bl map_fixed
        SHOW mmap3
        ldr x0, =BUF + 16 + (1 << 56)
        mov x1, #16
        bl set_tags
        ldr x0, =BUF2 + 64 + (1 << 56)
        mov x1, #16
        bl set_tags
        bl prefill
        adr x0, path
        bl open_tmp
        mov x20, x0
        SHOW open
        mov x0, x20
        adr x1, path
        mov x2, #8
        SYS SYS_write
        SHOW write
        mov x0, #SIGSEGV
        mov x1, #0
        bl handle
        SHOW sigaction

        TEST "readv/writev: the iovec array in a bad granule"
        // iov at BUF+16 (bad): one entry -> BUF3.
        mrs x9, tco
        msr tco, #1
        ldr x0, =BUF + 16
        ldr x1, =BUF3
        str x1, [x0]
        mov x1, #4
        str x1, [x0, #8]
        // iov at BUF+0: two entries, the second at BUF+16 (bad).
        ldr x0, =BUF
        ldr x1, =BUF3
        str x1, [x0]
        mov x1, #4
        str x1, [x0, #8]
        // iov at BUF+32 (good).
        ldr x0, =BUF + 32
        ldr x1, =BUF3
        str x1, [x0]
        mov x1, #4
        str x1, [x0, #8]
        msr tco, x9
        mov x0, x20
        bl rewind
        mov x0, x20
        ldr x1, =BUF + 16
        mov x2, #1
        SYS SYS_readv
        SHOW readv_iov_bad
        mov x0, x20
        ldr x1, =BUF
        mov x2, #2
        SYS SYS_readv
        SHOW readv_second_iov_bad
        mov x0, x20
        ldr x1, =BUF
        mov x2, #1
        SYS SYS_readv
        SHOW readv_first_iov_only
        mov x0, x20
        ldr x1, =BUF + 32
        mov x2, #1
        SYS SYS_readv
        SHOW readv_good
        mov x0, x20
        ldr x1, =BUF + 16
        mov x2, #1
        SYS SYS_writev
        SHOW writev_iov_bad
        mov x0, x20
        bl file_size
        SHOW file_size
        bl prefill

        TEST "clock_gettime"
        mov x0, #CLOCK_MONOTONIC
        ldr x1, =BUF + 8
        SYS SYS_clock_gettime
        SHOW straddling
        ldr x0, =BUF + 8
        bl changed8
        SHOW first_8_written
        mov x0, #CLOCK_MONOTONIC
        ldr x1, =BUF + 16
        SYS SYS_clock_gettime
        SHOW bad
        mov x0, #CLOCK_MONOTONIC
        ldr x1, =BUF + 32
        SYS SYS_clock_gettime
        SHOW good
        bl prefill

        TEST "uname into a buffer with a bad granule at 64"
        ldr x0, =BUF2
        SYS SYS_uname
        SHOW uname
        ldr x0, =BUF2
        mov x1, #8
        bl dump_mem
        ldr x0, =BUF2 + 56
        bl changed8
        SHOW bytes_56_63_written

        TEST "fstat"
        mov x0, x20
        ldr x1, =BUF + 16
        SYS SYS_fstat
        SHOW bad
        mov x0, x20
        ldr x1, =BUF + 256
        SYS SYS_fstat
        SHOW good
        bl prefill

        TEST "strings: openat and PR_SET_NAME"
        STR_AT BUF + 4, dev_null
        mov x0, #AT_FDCWD
        ldr x1, =BUF + 4
        mov x2, #O_RDONLY
        mov x3, #0
        SYS SYS_openat
        mov x21, x0
        SHOW path_before_bad_granule
        mov x0, x21
        SYS SYS_close
        STR_AT BUF + 12, tmp_x
        mov x0, #AT_FDCWD
        ldr x1, =BUF + 12
        mov x2, #O_RDONLY
        mov x3, #0
        SYS SYS_openat
        SHOW path_into_bad_granule
        bl prefill
        STR_AT BUF + 10, short_name
        mov x0, #PR_SET_NAME
        ldr x1, =BUF + 10
        SYS SYS_prctl
        SHOW set_name_before_bad_granule
        STR_AT BUF + 10, long_name
        mov x0, #PR_SET_NAME
        ldr x1, =BUF + 10
        SYS SYS_prctl
        SHOW set_name_into_bad_granule
        mov x0, #PR_GET_NAME
        ldr x1, =BUF + 8
        SYS SYS_prctl
        SHOW get_name_straddling
        mov x0, #PR_GET_NAME
        ldr x1, =BUF + 64
        SYS SYS_prctl
        SHOW get_name
        PUTS "  name="
        ldr x0, =BUF + 64
        bl puts_end
        NL
        bl prefill

        TEST "signal calls with bad structs"
        // act in the bad granule
        mov x0, #SIGUSR1
        ldr x1, =BUF + 16
        mov x2, #0
        mov x3, #8
        SYS SYS_rt_sigaction
        SHOW sigaction_act_bad
        // act good (SIG_IGN), oldact bad: the action is still changed
        ldr x0, =BUF3
        mov x1, #SIG_IGN
        stp x1, xzr, [x0]
        stp xzr, xzr, [x0, #16]
        mov x0, #SIGUSR1
        ldr x1, =BUF3
        ldr x2, =BUF + 16
        mov x3, #8
        SYS SYS_rt_sigaction
        SHOW sigaction_oldact_bad
        mov x0, #SIGUSR1
        mov x1, #0
        ldr x2, =BUF3 + 64
        mov x3, #8
        SYS SYS_rt_sigaction
        SHOW query
        ldr x0, =BUF3 + 64
        ldr x0, [x0]
        PHEX handler_now, x0
        NL
        // rt_sigprocmask
        mov x0, #SIG_BLOCK
        ldr x1, =BUF + 16
        mov x2, #0
        mov x3, #8
        SYS SYS_rt_sigprocmask
        SHOW sigprocmask_set_bad
        ldr x0, =BUF3
        mov x1, #(1 << (SIGUSR2 - 1))
        str x1, [x0]
        mov x0, #SIG_BLOCK
        ldr x1, =BUF3
        ldr x2, =BUF + 16
        mov x3, #8
        SYS SYS_rt_sigprocmask
        SHOW sigprocmask_oldset_bad
        mov x0, #SIG_BLOCK
        mov x1, #-1
        bl sigmask
        SHOW mask_now
        mov x0, #SIG_SETMASK
        mov x1, #0
        bl sigmask
        // sigaltstack
        ldr x0, =BUF + 16
        mov x1, #0
        SYS SYS_sigaltstack
        SHOW sigaltstack_ss_bad
        mov x0, #0
        ldr x1, =BUF + 16
        SYS SYS_sigaltstack
        SHOW sigaltstack_old_bad
        mov x0, #0
        ldr x1, =BUF + 8
        SYS SYS_sigaltstack
        SHOW sigaltstack_old_straddling
        bl prefill

        TEST "getrandom"
        ldr x0, =BUF + 8
        mov x1, #32
        mov x2, #GRND_NONBLOCK
        SYS SYS_getrandom
        SHOW straddling
        ldr x0, =BUF + 16
        mov x1, #8
        mov x2, #GRND_NONBLOCK
        SYS SYS_getrandom
        SHOW bad
        ldr x0, =BUF + 32
        mov x1, #64
        mov x2, #GRND_NONBLOCK
        SYS SYS_getrandom
        SHOW good
        bl prefill

        TEST "futex words and put_user"
        ldr x0, =BUF + 16
        mov x1, #FUTEX_WAIT_PRIVATE
        mov x2, #1
        mov x3, #0
        SYS SYS_futex
        SHOW wait_bad
        ldr x0, =BUF + 32
        mov x1, #FUTEX_WAIT_PRIVATE
        mov x2, #1
        mov x3, #0
        SYS SYS_futex
        SHOW wait_good_value_differs
        ldr x0, =BUF + 16
        mov x1, #FUTEX_WAKE_PRIVATE
        mov x2, #1
        mov x3, #0
        SYS SYS_futex
        SHOW wake_bad
        mov x0, #PR_GET_PDEATHSIG
        ldr x1, =BUF + 16
        SYS SYS_prctl
        SHOW pdeathsig_bad
        mov x0, #PR_GET_PDEATHSIG
        ldr x1, =BUF + 32
        SYS SYS_prctl
        SHOW pdeathsig_good
        ldr x0, =BUF + 32
        ldr w0, [x0]
        PHEX value, x0
        NL
        adr x0, h_count
        ldr x0, [x0]
        PDEC signals, x0
        NL
        mov w0, #0
        ldp x29, x30, [sp], #16
        ret

// prefill: BUF and BUF2 = 0xcc (TCO = 1).
prefill:
        stp x29, x30, [sp, #-16]!
        ldr x0, =BUF
        mov x1, #4096
        mov w2, #0xcc
        bl fill
        ldr x0, =BUF2
        mov x1, #4096
        mov w2, #0xcc
        bl fill
        ldp x29, x30, [sp], #16
        ret

// changed8: x0 = address: returns 1 if any of its 8 bytes is not 0xcc (TCO = 1).
changed8:
        mrs x3, tco
        msr tco, #1
        ldr x1, [x0]
        msr tco, x3
        mov x2, #0xcccccccccccccccc
        cmp x1, x2
        cset x0, ne
        ret

// copy_str: x0 = destination, x1 = NUL-terminated source (TCO = 1).
copy_str:
        mrs x3, tco
        msr tco, #1
1:      ldrb w2, [x1], #1
        strb w2, [x0], #1
        cbnz w2, 1b
        msr tco, x3
        ret

        .ltorg
        .section .rodata
path:           .asciz "/tmp/misc"
dev_null:       .asciz "/dev/null"
tmp_x:          .asciz "/tmp/x"
short_name:     .asciz "abcde"
long_name:      .asciz "abcdefghijk"
        .text
