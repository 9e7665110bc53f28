// granule's point at a glance: a use-after-free caught by the Memory Tagging Extension.
//
// An "allocator" gives out 64 bytes of a PROT_MTE page with a random tag (IRG + STG), the program
// uses the buffer, then the buffer is freed and handed out again with a different tag -- but the
// program keeps the old pointer. Accesses through it no longer match the memory's tag:
//   1. in asynchronous mode the stale store completes, and the kernel reports the mismatch at
//      the next syscall: SIGSEGV with si_code SEGV_MTEAERR and no address (this program handles it);
//   2. in synchronous mode the stale load faults on the spot: SIGSEGV with SEGV_MTESERR, and
//      granule's report shows the access, both tags and the tag map around the address.
//
// Run it: granule run examples/use-after-retag.s --stats

        .equ    SYS_write, 64
        .equ    SYS_getpid, 172
        .equ    SYS_rt_sigaction, 134
        .equ    SYS_rt_sigreturn, 139
        .equ    SYS_prctl, 167
        .equ    SYS_mmap, 222
        .equ    PR_SET_TAGGED_ADDR_CTRL, 55
        .equ    PR_TAGGED_ADDR_ENABLE, 1
        .equ    PR_MTE_TCF_SYNC, 2
        .equ    PR_MTE_TCF_ASYNC, 4
        .equ    INCLUDE_NONZERO, 0xfffe << 3      // IRG may give any tag but 0
        .equ    PROT_RW_MTE, 3 | 0x20
        .equ    MAP_PRIVATE_ANON, 0x22
        .equ    SIGSEGV, 11
        .equ    SA_SIGINFO_RESTORER_RESETHAND, 0x4 | 0x04000000 | 0x80000000
        .equ    SEGV_MTEAERR, 8

        .macro  say label, len
        mov     x0, #1
        adr     x1, \label
        mov     x2, #\len
        mov     x8, #SYS_write
        svc     #0
        .endm

        .text
        .global _start
_start:
        // Tag checking in asynchronous mode, random tags from 1..15.
        mov     x0, #PR_SET_TAGGED_ADDR_CTRL
        ldr     x1, =PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_ASYNC | INCLUDE_NONZERO
        mov     x2, #0
        mov     x3, #0
        mov     x4, #0
        mov     x8, #SYS_prctl
        svc     #0

        // One tagged page: the allocator's heap.
        mov     x0, #0
        mov     x1, #4096
        mov     x2, #PROT_RW_MTE
        mov     x3, #MAP_PRIVATE_ANON
        mov     x4, #-1
        mov     x5, #0
        mov     x8, #SYS_mmap
        svc     #0
        mov     x19, x0

        // malloc(64): a random tag for the pointer, the same tag on its four granules.
        irg     x20, x19
        stg     x20, [x20]
        stg     x20, [x20, #16]
        st2g    x20, [x20, #32]
        mov     w0, #'A'
        strb    w0, [x20]                       // fine: the tags match
        say     msg_alloc, msg_alloc_len

        // free() + malloc(64) again: the memory gets a new tag (GMI excludes the old one),
        // and only the new pointer x21 matches it. x20 is now stale.
        gmi     x1, x20, xzr
        irg     x21, x19, x1
        stg     x21, [x21]
        stg     x21, [x21, #16]
        st2g    x21, [x21, #32]

        // Catch the asynchronous report once (SA_RESETHAND: the next SIGSEGV kills).
        mov     x0, #SIGSEGV
        adr     x1, action
        mov     x2, #0
        mov     x3, #8
        mov     x8, #SYS_rt_sigaction
        svc     #0

        say     msg_async, msg_async_len
        mov     w0, #'B'
        strb    w0, [x20]                       // use after retag: completes in async mode
        mov     x8, #SYS_getpid                 // ...and the kernel notices at this syscall
        svc     #0

        // Synchronous mode: the same kind of access now faults at the instruction.
        mov     x0, #PR_SET_TAGGED_ADDR_CTRL
        ldr     x1, =PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | INCLUDE_NONZERO
        mov     x2, #0
        mov     x3, #0
        mov     x4, #0
        mov     x8, #SYS_prctl
        svc     #0
        say     msg_sync, msg_sync_len
        ldrb    w0, [x20, #5]                   // use after retag: SIGSEGV, SEGV_MTESERR
        say     msg_unreachable, msg_unreachable_len
        mov     x0, #0
        mov     x8, #93
        svc     #0

// SIGSEGV handler (SA_SIGINFO): x1 = siginfo; si_code is at offset 8.
on_segv:
        ldr     w9, [x1, #8]
        cmp     w9, #SEGV_MTEAERR
        b.ne    1f
        say     msg_caught, msg_caught_len
1:      ret

restorer:
        mov     x8, #SYS_rt_sigreturn
        svc     #0

        .data
        .balign 8
action: .quad   on_segv                         // struct sigaction: handler, flags, restorer, mask
        .quad   SA_SIGINFO_RESTORER_RESETHAND
        .quad   restorer
        .quad   0

msg_alloc:      .ascii "allocated 64 bytes with a random tag; freed and reallocated them with a new tag\n"
        .equ    msg_alloc_len, . - msg_alloc
msg_async:      .ascii "async mode: storing through the stale pointer...\n"
        .equ    msg_async_len, . - msg_async
msg_caught:     .ascii "  caught SIGSEGV with si_code SEGV_MTEAERR at the next syscall (no fault address: asynchronous)\n"
        .equ    msg_caught_len, . - msg_caught
msg_sync:       .ascii "sync mode: loading through the stale pointer...\n"
        .equ    msg_sync_len, . - msg_sync
msg_unreachable: .ascii "not reached: the load should have faulted\n"
        .equ    msg_unreachable_len, . - msg_unreachable
