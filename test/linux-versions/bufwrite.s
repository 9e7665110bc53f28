// The buffered-write cases of kernel-uaccess.md ("Scenarios the shim should reproduce" 4, 5, 6,
// 8, 10 and 24) on a tmpfs file, one line per case:
//
//   <name>: <sync|async> <write|read> p+<off> len=<len> bad=[<start>,<end>) -> <outcome>
//
// p = BUF, three PROT_MTE pages with pointer tag 0 and allocation tag 0 except [start, end)
// (allocation tag 1). <outcome> is what the case printed after its syscall:
//   writes: result=<r> size=<file size> data=ok|bad@<first wrong file byte>   (the buffer holds
//           'A' + i % 23 at p + i; the file is empty before the call)
//   reads:  result=<r> pos=<file position> changed=none|[<first>,<last+1>) data=ok|bad@<i>
//           (the file holds FILE_LEN bytes 'a' + i % 26, the buffer is 0xcc everywhere first;
//           data= says whether every changed byte holds the file byte it should)
// or, when the case did not end normally, what its parent saw instead:
//   livelock size=<file size>   the syscall had not returned after LIVELOCK_NS: a write stuck
//                               in generic_perform_write()'s retry loop (kernels without
//                               295cf156231c). The parent kills it with SIGKILL, which that loop
//                               notices (fatal_signal_pending()), and reports how far the file got.
//   killed by signal <n>        exit <n>
//
// Without arguments (as the oracle's init runs it) this is the harness: every case runs in a
// child (clone with SIGCHLD only, i.e. fork) while the parent polls wait4(WNOHANG). With one
// argument, the case of that name runs in this process and nothing else: granule's shim has no
// clone or wait4, so test/linux-versions.test.ts runs each case that way and renders a livelock
// (its watchdog ends the process) or a fatal signal as the parent here would print it.
// Everything printed is independent of the kernel's memory layout.

        .include "rt.s"

        .equ OP_WRITE, 0
        .equ OP_READ, 1
        .equ MODE_SYNC, 0
        .equ MODE_ASYNC, 1
        .equ AREA, 3 * 4096
        .equ FILE_LEN, 2 * 4096
        .equ WNOHANG, 1
        .equ O_CASE, O_RDWR | O_CREAT | O_TRUNC
        // A case counts as a livelock when it has not ended after POLLS waits of POLL_NS.
        .equ POLL_NS, 20000000
        .equ POLLS, 100
        .equ ST_SIZE, 48                // struct stat (arm64, asm-generic): st_size

// A case: op, mode, offset, length, bad start, bad end (words), then the name (NUL-terminated,
// padded to 4 bytes).
.macro CASE name, op, mode, off, len, bs, be
        .word \op, \mode, \off, \len, \bs, \be
        .asciz "\name"
        .balign 4
.endm

        .section .rodata
        .balign 4
cases:
        // Scenario 4 (Catalin Marinas' reproducer, "[BUG] arm64: an infinite loop in
        // generic_perform_write()", Jun 2021) and 5: bad granule 1.
        CASE "s4-write", OP_WRITE, MODE_SYNC, 14, 8, 16, 32
        CASE "s5-read", OP_READ, MODE_SYNC, 14, 8, 16, 32
        // Scenario 6: the first byte is bad.
        CASE "s6-write", OP_WRITE, MODE_SYNC, 0, 32, 0, 16
        CASE "s6-read", OP_READ, MODE_SYNC, 0, 32, 0, 16
        // Scenario 8: bad granule at 128 only (the first copy stops short of it).
        CASE "s8-write", OP_WRITE, MODE_SYNC, 0, 256, 128, 144
        // Scenario 24 (kernel-uaccess.md §7 Q2): the first granule of the next page is bad.
        CASE "s24-write", OP_WRITE, MODE_SYNC, 4000, 200, 4096, 4112
        // Scenario 10: the same buffers with asynchronous tag checks.
        CASE "s10-async-s4-write", OP_WRITE, MODE_ASYNC, 14, 8, 16, 32
        CASE "s10-async-s5-read", OP_READ, MODE_ASYNC, 14, 8, 16, 32
        CASE "s10-async-s8-write", OP_WRITE, MODE_ASYNC, 0, 256, 128, 144
        CASE "s10-async-s24-write", OP_WRITE, MODE_ASYNC, 4000, 200, 4096, 4112
        .word -1

path:           .asciz "/tmp/bufwrite"
// Names 6 bytes apart.
mode_names:     .asciz "sync"
                .byte 0
                .asciz "async"
op_names:       .asciz "write"
                .asciz "read"
                .byte 0
        .balign 8
poll_ts:        .quad 0, POLL_NS

        .data
        .balign 8
wstatus:        .quad 0
statbuf:        .space 128

        .text

// main: x0 = the initial stack pointer.
main:
        stp x29, x30, [sp, #-48]!
        stp x19, x20, [sp, #16]
        stp x21, x22, [sp, #32]
        ldr x1, [x0]
        cmp x1, #2
        b.lo harness
        ldr x19, [x0, #16]              // argv[1]: the case to run here
        adr x20, cases
1:      ldr w0, [x20]
        cmn w0, #1
        b.eq 3f
        add x0, x20, #24
        mov x1, x19
        bl streq
        cbnz x0, 2f
        mov x0, x20
        bl next_case
        mov x20, x0
        b 1b
2:      mov x0, x20
        bl print_case
        FLUSH
        mov x0, x20
        bl run_case
        mov w0, #0
        b 99f
3:      PUTS "bufwrite: no case named "
        mov x0, x19
        bl puts_end
        PUTS "\n"
        mov w0, #2
        b 99f

harness:
        adr x20, cases
1:      ldr w0, [x20]
        cmn w0, #1
        b.eq 9f
        mov x0, x20
        bl print_case
        FLUSH                           // the child must not inherit unwritten output
        // clone(SIGCHLD, 0, NULL, 0, NULL): a fork.
        mov x0, #SIGCHLD
        mov x1, #0
        mov x2, #0
        mov x3, #0
        mov x4, #0
        SYS SYS_clone
        cbnz x0, 2f
        mov x0, x20
        bl run_case
        mov w0, #0
        b exit
2:      tbz x0, #63, 21f
        PUTS "clone "
        PRESV x0
        PUTS "\n"
        b 8f
21:     mov x21, x0                     // the child
        mov x22, #POLLS
3:      mov x0, x21
        adr x1, wstatus
        mov x2, #WNOHANG
        mov x3, #0
        SYS SYS_wait4
        cmp x0, x21
        b.eq 5f
        cmn x0, #EINTR
        b.eq 3b
        cbz x0, 31f
        PUTS "wait4 "
        PRESV x0
        PUTS "\n"
        b 8f
31:     cbz x22, 4f
        sub x22, x22, #1
        adr x0, poll_ts
        mov x1, #0
        SYS SYS_nanosleep
        b 3b
4:      // Still in its syscall: kill it, reap it, and see how far the file got.
        mov x0, x21
        mov x1, #SIGKILL
        SYS SYS_kill
41:     mov x0, x21
        adr x1, wstatus
        mov x2, #0
        mov x3, #0
        SYS SYS_wait4
        cmn x0, #EINTR
        b.eq 41b
        mov x0, #AT_FDCWD
        adr x1, path
        adr x2, statbuf
        mov x3, #0
        SYS SYS_newfstatat
        PUTS "livelock size="
        cbz x0, 42f
        bl print_res
        b 43f
42:     adr x0, statbuf
        ldr x0, [x0, #ST_SIZE]
        bl print_udec
43:     PUTS "\n"
        b 8f
5:      // Ended by itself: nothing to add for exit status 0 (it printed its outcome).
        adr x0, wstatus
        ldr w0, [x0]
        and w1, w0, #0x7f
        cbnz w1, 6f
        ubfx w19, w0, #8, #8
        cbz w19, 8f
        PUTS "exit "
        PUDEC x19
        PUTS "\n"
        b 8f
6:      mov w19, w1
        PUTS "killed by signal "
        PUDEC x19
        PUTS "\n"
8:      FLUSH
        mov x0, x20
        bl next_case
        mov x20, x0
        b 1b
9:      mov w0, #0
99:     ldp x21, x22, [sp, #32]
        ldp x19, x20, [sp, #16]
        ldp x29, x30, [sp], #48
        ret

// next_case: x0 = a case; returns the one after it.
next_case:
        add x0, x0, #24
1:      ldrb w1, [x0], #1
        cbnz w1, 1b
        add x0, x0, #3
        and x0, x0, #~3
        ret

// print_case: x0 = a case: "<name>: <mode> <op> p+<off> len=<len> bad=[<start>,<end>) -> ".
print_case:
        stp x29, x30, [sp, #-32]!
        str x19, [sp, #16]
        mov x19, x0
        add x0, x19, #24
        bl puts_end
        PUTS ": "
        ldr w1, [x19, #4]
        adr x0, mode_names
        add x0, x0, x1, lsl #2
        add x0, x0, x1, lsl #1          // names are 6 bytes apart
        bl puts_end
        PUTS " "
        ldr w1, [x19]
        adr x0, op_names
        add x0, x0, x1, lsl #2
        add x0, x0, x1, lsl #1
        bl puts_end
        PUTS " p+"
        ldr w0, [x19, #8]
        bl print_udec
        PUTS " len="
        ldr w0, [x19, #12]
        bl print_udec
        PUTS " bad=["
        ldr w0, [x19, #16]
        bl print_udec
        PUTS ","
        ldr w0, [x19, #20]
        bl print_udec
        PUTS ") -> "
        ldr x19, [sp, #16]
        ldp x29, x30, [sp], #32
        ret

// setup_failed: prints "setup failed: " and the result in x0, then exits with status 1.
setup_failed:
        PUTS "setup failed: "
        bl print_res
        PUTS "\n"
        mov w0, #1
        b exit

// run_case: x0 = a case. Sets the tag check mode, maps and tags the buffer, prepares the file,
// makes the one syscall and prints its outcome.
run_case:
        stp x29, x30, [sp, #-96]!
        stp x19, x20, [sp, #16]
        stp x21, x22, [sp, #32]
        stp x23, x24, [sp, #48]
        stp x25, x26, [sp, #64]
        stp x27, x28, [sp, #80]
        mov x20, x0
        ldp w21, w22, [x20]             // op, mode
        ldp w23, w24, [x20, #8]         // offset, length
        ldp w25, w26, [x20, #16]        // bad [start, end)
        // prctl(PR_SET_TAGGED_ADDR_CTRL, ENABLE | SYNC or ASYNC | every tag but 0).
        ldr x1, =MTE_SYNC
        ldr x2, =MTE_ASYNC
        cmp w22, #MODE_ASYNC
        csel x1, x2, x1, eq
        mov x0, #PR_SET_TAGGED_ADDR_CTRL
        mov x2, #0
        mov x3, #0
        mov x4, #0
        SYS SYS_prctl
        cbnz x0, setup_failed
        ldr x0, =BUF
        mov x1, #AREA
        mov x2, #PROT_RWM
        bl map_fixed
        ldr x1, =BUF
        cmp x0, x1
        b.ne setup_failed
        ldr x0, =BUF3
        mov x1, #FILE_LEN
        mov x2, #PROT_RW
        bl map_fixed
        ldr x1, =BUF3
        cmp x0, x1
        b.ne setup_failed
        // A fresh PROT_MTE mapping has allocation tag 0: tag 1 on the bad granules.
        ldr x0, =BUF
        add x0, x0, x25
        orr x0, x0, #(1 << 56)
        sub x1, x26, x25
        bl set_tags
        mov x0, #AT_FDCWD
        adr x1, path
        mov x2, #O_CASE
        mov x3, #0x180                  // 0600
        SYS SYS_openat
        tbnz x0, #63, setup_failed
        mov x19, x0
        cmp w21, #OP_READ
        b.eq 5f

        // ---- write(fd, p + off, len) into the empty file.
        msr tco, #1
        ldr x0, =BUF
        mov x1, #0
        mov x4, #23
1:      udiv x5, x1, x4
        msub x5, x5, x4, x1
        add w5, w5, #'A'
        strb w5, [x0, x1]
        add x1, x1, #1
        cmp x1, #AREA
        b.lo 1b
        msr tco, #0
        mov x0, x19
        ldr x1, =BUF
        add x1, x1, x23
        mov x2, x24
        SYS SYS_write
        mov x27, x0
        PUTS "result="
        mov x0, x27
        bl print_res
        mov x0, x19
        mov x1, #0
        mov x2, #SEEK_END
        SYS SYS_lseek
        mov x28, x0
        PUTS " size="
        mov x0, x28
        bl print_res
        tbnz x28, #63, 9f
        // The file's bytes must be the buffer's from p + off on.
        mov x0, x19
        ldr x1, =BUF3
        mov x2, #FILE_LEN
        mov x3, #0
        SYS SYS_pread64
        ldr x6, =BUF3
        mov x1, #0
2:      cmp x1, x28
        b.hs 3f
        cmp x1, #FILE_LEN
        b.hs 3f
        add x2, x1, x23
        mov x4, #23
        udiv x5, x2, x4
        msub x5, x5, x4, x2
        add w5, w5, #'A'
        ldrb w0, [x6, x1]
        cmp w0, w5
        b.ne 4f
        add x1, x1, #1
        b 2b
3:      PUTS " data=ok"
        b 9f
4:      mov x27, x1
        PUTS " data=bad@"
        mov x0, x27
        bl print_udec
        b 9f

        // ---- read(fd, p + off, len) from the start of a FILE_LEN-byte file.
5:      ldr x0, =BUF3
        mov x1, #0
        mov x4, #26
51:     udiv x5, x1, x4
        msub x5, x5, x4, x1
        add w5, w5, #'a'
        strb w5, [x0, x1]
        add x1, x1, #1
        cmp x1, #FILE_LEN
        b.lo 51b
        mov x0, x19
        ldr x1, =BUF3
        mov x2, #FILE_LEN
        mov x3, #0
        SYS SYS_pwrite64
        cmp x0, #FILE_LEN
        b.ne setup_failed
        msr tco, #1
        ldr x0, =BUF
        mov x1, #0
        mov w2, #0xcc
52:     strb w2, [x0, x1]
        add x1, x1, #1
        cmp x1, #AREA
        b.lo 52b
        msr tco, #0
        mov x0, x19
        ldr x1, =BUF
        add x1, x1, x23
        mov x2, x24
        SYS SYS_read
        mov x27, x0
        PUTS "result="
        mov x0, x27
        bl print_res
        mov x0, x19
        mov x1, #0
        mov x2, #SEEK_CUR
        SYS SYS_lseek
        mov x27, x0
        PUTS " pos="
        mov x0, x27
        bl print_res
        // The changed bytes of the buffer (read with TCO = 1: the bad granules too).
        msr tco, #1
        mov x21, #-1                    // first changed
        mov x22, #0                     // last changed + 1
        mov x24, #-1                    // first wrong
        ldr x6, =BUF
        mov x1, #0
53:     ldrb w0, [x6, x1]
        cmp w0, #0xcc
        b.eq 54f
        cmn x21, #1
        csel x21, x1, x21, eq
        add x22, x1, #1
        sub x2, x1, x23                 // the file offset that belongs at p + i
        mov x4, #26
        udiv x5, x2, x4
        msub x5, x5, x4, x2
        add w5, w5, #'a'
        cmp x1, x23
        b.lo 55f
        cmp w0, w5
        b.eq 54f
55:     cmn x24, #1
        csel x24, x1, x24, eq
54:     add x1, x1, #1
        cmp x1, #AREA
        b.lo 53b
        msr tco, #0
        cmn x21, #1
        b.ne 56f
        PUTS " changed=none"
        b 9f
56:     PUTS " changed=["
        mov x0, x21
        bl print_udec
        PUTS ","
        mov x0, x22
        bl print_udec
        PUTS ")"
        cmn x24, #1
        b.ne 57f
        PUTS " data=ok"
        b 9f
57:     PUTS " data=bad@"
        mov x0, x24
        bl print_udec

9:      PUTS "\n"
        FLUSH
        ldp x27, x28, [sp, #80]
        ldp x25, x26, [sp, #64]
        ldp x23, x24, [sp, #48]
        ldp x21, x22, [sp, #32]
        ldp x19, x20, [sp, #16]
        ldp x29, x30, [sp], #96
        ret

        .ltorg
