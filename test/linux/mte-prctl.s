// PR_SET/GET_TAGGED_ADDR_CTRL (kernel-uaccess.md scenario 20): round trips of every mode and
// include mask, what is rejected (-EINVAL: unknown bits, non-zero unused arguments), what each
// mode does to a mismatched access (sync: SIGSEGV code 9 at once; async: code 8 at the next
// syscall; none: nothing; sync|async: async, the default mte_tcf_preferred on 6.1), and the
// include mask's effect on IRG (GCR_EL1.Exclude = ~include): a single included tag is always
// generated, an empty mask generates 0, an excluded tag never is.
//
// Memory: BUF, one PROT_MTE page, allocation tag 0 except granule 1 = tag 1.

        .include "lib.s"

// SETGET value: prctl SET value, then GET; prints "set(<value>)=<r> get=<r>".
.macro SETGET value
        PUTS "  set(\value)="
        ldr x0, =\value
        bl set_mte
        PRESV x0
        bl get_mte
        PRES get, x0
        NL
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
        mov x0, #SIGSEGV
        mov x1, #0
        bl handle
        SHOW sigaction
        bl get_mte
        SHOW initial

        TEST "round trips"
        SETGET 0
        SETGET 1
        SETGET 2
        SETGET 3
        SETGET 4
        SETGET 5
        SETGET 6
        SETGET 7
        SETGET 0x7fff9
        SETGET 0x7fffb
        SETGET 0x13
        SETGET 0x7fff5
        SETGET 0x101
        SETGET 0x80001
        SETGET 0x40001
        SETGET 0x0

        TEST "rejected"
        SETGET 0x80000
        SETGET 0x100003
        SETGET 0x8000000000000001
        SETGET 8
        PUTS "  after the rejections"
        bl get_mte
        PRES get, x0
        NL
        mov x0, #PR_SET_TAGGED_ADDR_CTRL
        mov x1, #3
        mov x2, #1
        mov x3, #0
        mov x4, #0
        SYS SYS_prctl
        SHOW set_arg3
        mov x0, #PR_SET_TAGGED_ADDR_CTRL
        mov x1, #3
        mov x2, #0
        mov x3, #0
        mov x4, #1
        SYS SYS_prctl
        SHOW set_arg5
        mov x0, #PR_GET_TAGGED_ADDR_CTRL
        mov x1, #1
        mov x2, #0
        mov x3, #0
        mov x4, #0
        SYS SYS_prctl
        SHOW get_arg2
        mov x0, #PR_GET_TAGGED_ADDR_CTRL
        mov x1, #0
        mov x2, #0
        mov x3, #0
        mov x4, #1
        SYS SYS_prctl
        SHOW get_arg5

        TEST "what each mode does to a mismatched load"
        adr x19, modes
1:      ldr x0, [x19], #8
        cmn x0, #1
        b.eq 2f
        mov x21, x0
        bl set_mte
        PUTS "  mode "
        PHEXV x21
        NL
        adr x0, h_count
        str xzr, [x0]
        FLUSH
        ldr x9, =BUF
        mov x10, #0x77
        ldrb w10, [x9, #16]
        adr x0, h_count
        ldr x22, [x0]
        SYS SYS_getpid
        adr x0, h_count
        ldr x23, [x0]
        PDEC before_syscall, x22
        PDEC after_syscall, x23
        NL
        b 1b
2:

        TEST "IRG and the include mask"
        ldr x19, =BUF
        adr x20, masks
3:      ldr x21, [x20], #8
        cmn x21, #1
        b.eq 6f
        ldr x0, =PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC
        orr x0, x0, x21, lsl #PR_MTE_TAG_SHIFT
        bl set_mte
        PUTS "  include "
        PHEXV x21
        PRES prctl, x0
        // 64 IRGs: OR together (1 << tag) of every tag generated.
        mov x22, #0
        mov x23, #64
4:      irg x0, x19
        ubfx x0, x0, #56, #4
        mov x1, #1
        lsl x1, x1, x0
        orr x22, x22, x1
        subs x23, x23, #1
        b.ne 4b
        // Only tags inside the mask (an empty mask: tag 0 only).
        cmp x21, #0
        mov x0, #1
        csel x1, x0, x21, eq
        bic x2, x22, x1
        cmp x2, #0
        cset x2, eq
        PDEC only_included, x2
        // Exactly one possible tag: print what was generated.
        sub x0, x1, #1
        tst x0, x1
        b.ne 5f
        PHEX generated, x22
5:      NL
        b 3b
6:
        TEST "IRG with an extra exclude register, and GMI"
        ldr x0, =PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | (0x00f0 << PR_MTE_TAG_SHIFT)
        bl set_mte
        ldr x19, =BUF
        mov x22, #0
        mov x23, #64
        mov x2, #0x0030
7:      irg x0, x19, x2
        ubfx x0, x0, #56, #4
        mov x1, #1
        lsl x1, x1, x0
        orr x22, x22, x1
        subs x23, x23, #1
        b.ne 7b
        and x0, x22, #~0xc0
        cmp x0, #0
        cset x0, eq
        PDEC only_6_7, x0
        NL
        ldr x0, =BUF + (9 << 56)
        mov x1, #0x10
        gmi x2, x0, x1
        PHEX gmi, x2
        NL
        mov w0, #0
        ldp x29, x30, [sp], #16
        ret

        .ltorg
        .data
        .balign 8
modes:
        .quad PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC
        .quad PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_ASYNC
        .quad PR_TAGGED_ADDR_ENABLE
        .quad PR_TAGGED_ADDR_ENABLE | PR_MTE_TCF_SYNC | PR_MTE_TCF_ASYNC
        .quad PR_MTE_TCF_SYNC
        .quad -1
masks:
        .quad 0x0000, 0x0020, 0x0001, 0x8000, 0x00ff, 0xfffe, 0xffff, 0x1004
        .quad -1
        .text
