// The uaccess cases of kernel-uaccess.md (scenarios 4-10, 12 as write() shows it, and 24), shared by uaccess-sync.s,
// uaccess-async.s and uaccess-none.s, which run them under different tag check modes. Included
// after lib.s; run_cases runs the table and prints one line per case:
//
//   <op> p+<off> len=<len> [p+<off2> len=<len2>] bad=[<start>,<end>): result=<r> <effects>
//
// p = BUF, three PROT_MTE pages with pointer tag 0 and allocation tag 0, except the case's "bad"
// range (allocation tag 1). The file is a tmpfs file (/tmp is a tmpfs on both kernels).
// Writes: the file is emptied first; effects are the file's size and whether its bytes are the
// buffer's (data=ok, or data=bad@<first wrong index>). Reads: the file holds FILE_LEN bytes of
// 'a'..'z', and the buffer is 0xcc everywhere first; effects are the file position after the
// call and the bytes of the buffer that changed: written=[<first>,<last+1>) n=<count> and
// data=ok if each holds the file byte it should (so bytes stored but not counted show up).
// After the table: signals=<how many signals sig_report took while it ran>.

        .equ OP_WRITE, 0
        .equ OP_READ, 1
        .equ OP_WRITEV, 2
        .equ OP_READV, 3
        .equ OP_PWRITE, 4
        .equ OP_PREAD, 5
        .equ CASE_SIZE, 48
        .equ AREA, 3 * 4096
        .equ FILE_LEN, 3 * 4096
        // A source byte for writes: the buffer holds 'A' + i % 23 at p + i.
        // A file byte for reads: 'a' + i % 26 at file offset i.

// A case: op, off, len, off2, len2 (the second iovec; len2 = 0 for one buffer), bad start, bad end.
.macro CASE op, off, len, off2, len2, bs, be
        .hword \op
        .hword 0
        .word \off
        .quad \len
        .word \off2
        .word \len2
        .quad \bs
        .quad \be
        .quad 0
.endm

        .balign 8
cases:
        // Scenario 4 (Catalin's reproducer) and 5: bad granule 1.
        CASE OP_WRITE, 14, 8, 0, 0, 16, 32
        CASE OP_READ, 14, 8, 0, 0, 16, 32
        // Scenario 6: the first byte is bad.
        CASE OP_WRITE, 0, 32, 0, 0, 0, 16
        CASE OP_READ, 0, 32, 0, 0, 0, 16
        // Scenario 7 (check_user_mem, tag_offset 16, tag_len 16).
        CASE OP_WRITE, 0, 32, 0, 0, 16, 32
        CASE OP_WRITE, 8, 32, 0, 0, 16, 32
        CASE OP_WRITE, 16, 8, 0, 0, 16, 32
        CASE OP_WRITE, 0, 16, 0, 0, 16, 32
        CASE OP_WRITE, 4, 12, 0, 0, 16, 32
        CASE OP_WRITE, 1, 4096, 0, 0, 16, 32
        CASE OP_WRITE, 5, 40, 0, 0, 32, 48
        CASE OP_READ, 0, 32, 0, 0, 16, 32
        CASE OP_READ, 8, 32, 0, 0, 16, 32
        CASE OP_READ, 1, 4096, 0, 0, 16, 32
        CASE OP_READ, 0, 16, 0, 0, 16, 32
        CASE OP_READ, 4, 12, 0, 0, 16, 32
        CASE OP_READ, 16, 8, 0, 0, 16, 32
        CASE OP_READ, 5, 40, 0, 0, 32, 48
        CASE OP_WRITEV, 0, 32, 0, 0, 16, 32
        CASE OP_WRITEV, 8, 32, 0, 0, 16, 32
        CASE OP_READV, 0, 32, 0, 0, 16, 32
        CASE OP_READV, 8, 32, 0, 0, 16, 32
        CASE OP_WRITEV, 0, 8, 16, 8, 16, 32
        CASE OP_WRITEV, 16, 8, 0, 8, 16, 32
        CASE OP_WRITEV, 0, 8, 32, 8, 16, 32
        CASE OP_READV, 0, 8, 16, 8, 16, 32
        CASE OP_READV, 16, 8, 0, 8, 16, 32
        CASE OP_READV, 0, 8, 32, 8, 16, 32
        CASE OP_PWRITE, 8, 32, 0, 0, 16, 32
        CASE OP_PREAD, 8, 32, 0, 0, 16, 32
        // Scenario 8 (convergence): bad granule at 128 only.
        CASE OP_WRITE, 0, 256, 0, 0, 128, 144
        CASE OP_READ, 0, 256, 0, 0, 128, 144
        // Scenario 9: the second page bad.
        CASE OP_READ, 0, 8192, 0, 0, 4096, 8192
        CASE OP_WRITE, 0, 8192, 0, 0, 4096, 8192
        // Scenario 24: the first granule of the next page bad.
        CASE OP_WRITE, 4000, 200, 0, 0, 4096, 4112
        CASE OP_READ, 4000, 200, 0, 0, 4096, 4112
        // Bad granules in the middle of larger buffers.
        CASE OP_WRITE, 0, 4096, 0, 0, 992, 1008
        CASE OP_READ, 0, 4096, 0, 0, 992, 1008
        CASE OP_WRITE, 100, 3000, 0, 0, 2048, 2064
        CASE OP_READ, 100, 3000, 0, 0, 2048, 2064
        CASE OP_WRITE, 3, 9000, 0, 0, 8448, 8464
        CASE OP_READ, 3, 9000, 0, 0, 8448, 8464
        // Scenario 12 as write() sees it (generic_perform_write's fault_in_readable on each
        // page-sized chunk): a bad granule at a page start, in the middle of a page, and at
        // the first byte.
        CASE OP_WRITE, 100, 8000, 0, 0, 4096, 4112
        CASE OP_WRITE, 100, 8000, 0, 0, 4112, 4128
        CASE OP_WRITE, 100, 8000, 0, 0, 96, 112
        CASE OP_READ, 100, 8000, 0, 0, 4096, 4112
        CASE OP_READ, 100, 8000, 0, 0, 4112, 4128
        CASE OP_READ, 100, 8000, 0, 0, 96, 112
        // No bad granule in range.
        CASE OP_WRITE, 7, 100, 0, 0, 512, 528
        CASE OP_READ, 7, 100, 0, 0, 512, 528
        .quad -1

// run_cases: x0 = the file for reads (FILE_LEN bytes, never written), x1 = the file for writes.
run_cases:
        stp x29, x30, [sp, #-96]!
        stp x19, x20, [sp, #16]
        stp x21, x22, [sp, #32]
        stp x23, x24, [sp, #48]
        stp x25, x26, [sp, #64]
        stp x27, x28, [sp, #80]
        adr x2, read_fd
        str x0, [x2]
        str x1, [x2, #8]
        adr x0, h_count
        str xzr, [x0]
        adr x20, cases
1:      ldr x0, [x20]
        cmn x0, #1
        b.eq 9f
        ldrh w21, [x20]
        ldr w22, [x20, #4]
        ldr x23, [x20, #8]
        ldr w24, [x20, #16]
        ldr w25, [x20, #20]
        ldr x26, [x20, #24]
        ldr x27, [x20, #32]
        // x19 = the file: the read file for odd ops, the write file for even ones.
        adr x0, read_fd
        and x1, x21, #1
        eor x1, x1, #1
        ldr x19, [x0, x1, lsl #3]
        // Tags: all 0, then 1 over [bs, be).
        ldr x0, =BUF
        mov x1, #AREA
        bl set_tags
        ldr x0, =BUF
        add x0, x0, x26
        mov x1, #1
        bl with_tag
        sub x1, x27, x26
        bl set_tags
        // Print the case.
        adr x0, op_names
        add x0, x0, x21, lsl #3
        bl puts_end
        adr x0, case_p
        bl puts_end
        mov x0, x22
        bl print_udec
        adr x0, case_len
        bl puts_end
        mov x0, x23
        bl print_udec
        cbz x25, 2f
        adr x0, case_p
        bl puts_end
        mov x0, x24
        bl print_udec
        adr x0, case_len
        bl puts_end
        mov x0, x25
        bl print_udec
2:      adr x0, case_bad
        bl puts_end
        mov x0, x26
        bl print_udec
        mov w0, #','
        bl putc
        mov x0, x27
        bl print_udec
        adr x0, case_res
        bl puts_end
        tst x21, #1
        b.ne 3f
        // A write: buffer = source pattern, file emptied.
        bl fill_source
        mov x0, x19
        mov x1, #0
        SYS SYS_ftruncate
        mov x0, x19
        bl rewind
        b 4f
3:      // A read: buffer = 0xcc, position 0.
        ldr x0, =BUF
        mov x1, #AREA
        mov w2, #0xcc
        bl fill
        mov x0, x19
        bl rewind
4:      // iovecs (used by readv/writev).
        adr x0, iov
        ldr x1, =BUF
        add x2, x1, x22
        str x2, [x0]
        str x23, [x0, #8]
        add x2, x1, x24
        str x2, [x0, #16]
        str x25, [x0, #24]
        mov x0, x19
        ldr x1, =BUF
        add x1, x1, x22
        mov x2, x23
        mov x3, #0
        cmp x21, #OP_WRITE
        b.ne 5f
        SYS SYS_write
        b 8f
5:      cmp x21, #OP_READ
        b.ne 6f
        SYS SYS_read
        b 8f
6:      cmp x21, #OP_PWRITE
        b.ne 61f
        SYS SYS_pwrite64
        b 8f
61:     cmp x21, #OP_PREAD
        b.ne 7f
        SYS SYS_pread64
        b 8f
7:      adr x1, iov
        cmp x25, #0
        mov x2, #1
        cinc x2, x2, ne
        cmp x21, #OP_WRITEV
        b.ne 71f
        SYS SYS_writev
        b 8f
71:     SYS SYS_readv
8:      mov x28, x0
        bl print_res
        tst x21, #1
        b.ne 81f
        bl check_file
        b 82f
81:     bl check_buffer
82:     mov w0, #'\n'
        bl putc
        bl flush
        add x20, x20, #CASE_SIZE
        b 1b
9:      adr x0, signals_msg
        bl puts_end
        adr x0, h_count
        ldr x0, [x0]
        bl print_udec
        mov w0, #'\n'
        bl putc
        ldp x27, x28, [sp, #80]
        ldp x25, x26, [sp, #64]
        ldp x23, x24, [sp, #48]
        ldp x21, x22, [sp, #32]
        ldp x19, x20, [sp, #16]
        ldp x29, x30, [sp], #96
        ret

// fill_source: BUF[i] = 'A' + i % 23 over the whole area (TCO = 1).
fill_source:
        mrs x3, tco
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
        msr tco, x3
        ret

// check_file (after a write; x19 = fd, x22 = off, x23 = len, x24 = off2, x25 = len2): prints
// " size=<file size> data=ok|bad@<i>", comparing the file with the bytes the call was given.
check_file:
        stp x29, x30, [sp, #-32]!
        stp x26, x27, [sp, #16]
        mov x0, x19
        bl file_size
        mov x26, x0
        adr x0, size_msg
        bl puts_end
        mov x0, x26
        bl print_res
        // Read the file back into BUF3 (not PROT_MTE).
        mov x0, x19
        ldr x1, =BUF3
        mov x2, #AREA
        mov x3, #0
        SYS SYS_pread64
        // Expected byte j of the file: source[off + j] for j < len, else source[off2 + j - len].
        mov x27, #0
1:      cmp x27, x26
        b.hs 3f
        cmp x21, #OP_WRITEV
        b.ne 11f
        cmp x27, x23
        b.lo 11f
        sub x1, x27, x23
        add x1, x1, x24
        b 12f
11:     add x1, x27, x22
12:     mov x4, #23
        udiv x5, x1, x4
        msub x5, x5, x4, x1
        add w5, w5, #'A'
        ldr x0, =BUF3
        ldrb w0, [x0, x27]
        cmp w0, w5
        b.ne 2f
        add x27, x27, #1
        b 1b
2:      adr x0, bad_msg
        bl puts_end
        mov x0, x27
        bl print_udec
        b 4f
3:      adr x0, ok_msg
        bl puts_end
4:      ldp x26, x27, [sp, #16]
        ldp x29, x30, [sp], #32
        ret

// check_buffer (after a read): prints " pos=<file position> written=[a,b) n=<count> data=ok|bad@<i>"
// over the whole area; a changed byte at p + i must be the file byte the call would have put
// there (for readv: from the iovecs in order).
check_buffer:
        stp x29, x30, [sp, #-64]!
        stp x19, x20, [sp, #16]
        stp x26, x27, [sp, #32]
        stp x21, x22, [sp, #48]
        mov x0, x19
        mov x1, #0
        mov x2, #SEEK_CUR
        SYS SYS_lseek
        mov x1, x0
        adr x0, pos_msg
        str x1, [sp, #-16]!
        bl puts_end
        ldr x0, [sp], #16
        bl print_res
        mrs x0, tco
        str x0, [sp, #-16]!
        msr tco, #1
        mov x26, #-1                    // first changed
        mov x27, #0                     // last changed + 1
        mov x19, #0                     // count
        mov x20, #-1                    // first wrong
        mov x9, #0
        ldr x10, =BUF
1:      ldrb w0, [x10, x9]
        cmp w0, #0xcc
        b.eq 5f
        cmn x26, #1
        csel x26, x9, x26, eq
        add x27, x9, #1
        add x19, x19, #1
        // File offset of p + x9: pread reads from offset 0 too.
        // One buffer: x9 - off; readv: x9 - off for the first iovec, len + x9 - off2 for the second.
        cmp x21, #OP_READV
        b.ne 2f
        cbz x25, 2f
        sub x1, x9, x24
        cmp x9, x24
        b.lo 2f
        cmp x1, x25
        b.hs 2f
        add x1, x1, x23
        b 3f
2:      sub x1, x9, x22
3:      mov x4, #26
        udiv x5, x1, x4
        msub x5, x5, x4, x1
        add w5, w5, #'a'
        cmp w0, w5
        b.eq 5f
        cmn x20, #1
        csel x20, x9, x20, eq
5:      add x9, x9, #1
        cmp x9, #AREA
        b.lo 1b
        ldr x0, [sp], #16
        msr tco, x0
        adr x0, written_msg
        bl puts_end
        cmn x26, #1
        b.ne 6f
        adr x0, none_written_msg
        bl puts_end
        b 8f
6:      mov w0, #'['
        bl putc
        mov x0, x26
        bl print_udec
        mov w0, #','
        bl putc
        mov x0, x27
        bl print_udec
        adr x0, n_msg
        bl puts_end
        mov x0, x19
        bl print_udec
        cmn x20, #1
        b.ne 7f
        adr x0, ok_msg
        bl puts_end
        b 8f
7:      adr x0, bad_msg
        bl puts_end
        mov x0, x20
        bl print_udec
8:      ldp x21, x22, [sp, #48]
        ldp x26, x27, [sp, #32]
        ldp x19, x20, [sp, #16]
        ldp x29, x30, [sp], #64
        ret

// setup_cases: maps BUF (PROT_MTE) and BUF3 (plain), creates the file at x0 = path with
// FILE_LEN bytes of 'a' + i % 26 and returns its fd in x0; creates the (empty) file at x1 and
// returns its fd in x1.
setup_cases:
        stp x29, x30, [sp, #-32]!
        stp x19, x20, [sp, #16]
        mov x19, x0
        mov x0, x1
        bl open_tmp
        tbnz x0, #63, 9f
        mov x20, x0
        ldr x0, =BUF
        mov x1, #AREA
        mov x2, #PROT_RWM
        bl map_fixed
        ldr x1, =BUF
        cmp x0, x1
        b.ne 9f
        ldr x0, =BUF3
        mov x1, #AREA
        mov x2, #PROT_RW
        bl map_fixed
        ldr x1, =BUF3
        cmp x0, x1
        b.ne 9f
        ldr x0, =BUF3
        mov x1, #0
        mov x4, #26
1:      udiv x5, x1, x4
        msub x5, x5, x4, x1
        add w5, w5, #'a'
        strb w5, [x0, x1]
        add x1, x1, #1
        cmp x1, #FILE_LEN
        b.lo 1b
        mov x0, x19
        bl open_tmp
        tbnz x0, #63, 9f
        mov x19, x0
        ldr x1, =BUF3
        mov x2, #FILE_LEN
        SYS SYS_write
        cmp x0, #FILE_LEN
        b.ne 9f
        mov x0, x19
        mov x1, x20
        ldp x19, x20, [sp, #16]
        ldp x29, x30, [sp], #32
        ret
9:      PUTS "setup failed"
        PRES result, x0
        NL
        mov w0, #1
        b exit

        .ltorg

        .section .rodata
op_names:
        .asciz "write  "
        .asciz "read   "
        .asciz "writev "
        .asciz "readv  "
        .asciz "pwrite "
        .asciz "pread  "
case_p:         .asciz " p+"
case_len:       .asciz " len="
case_bad:       .asciz " bad=["
case_res:       .asciz "): result="
size_msg:       .asciz " size="
pos_msg:        .asciz " pos="
ok_msg:         .asciz " data=ok"
bad_msg:        .asciz " data=bad@"
written_msg:    .asciz " written="
none_written_msg: .asciz "none"
n_msg:          .asciz ") n="
signals_msg:    .asciz "signals="
        .data
        .balign 8
iov:    .quad 0, 0, 0, 0
read_fd: .quad 0
write_fd: .quad 0
        .text
