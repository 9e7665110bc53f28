// tree-search: BTRFS_IOC_TREE_SEARCH_V2 on /dev/granule-treesearch, a btrfs-like tree of 64
// items of 32 bytes, with the result buffer (args->buf) at p + OFFSET and buf_size LENGTH; the
// 112 bytes of struct btrfs_ioctl_search_args_v2 before it (in the header page when OFFSET <
// 112) ask for every item. search_ioctl() copies the items with copy_to_user_nofault, faults in
// and searches again when a copy fails (kernel-uaccess.md §1.4; scenario 15).

        .equ UNTOUCHED_PAGES, 0
        .equ BTRFS_IOC_TREE_SEARCH_V2, 0xc0709411
        .include "lib.s"

scenario:
        stp     x29, x30, [sp, #-16]!
        OPEN    path_treesearch, O_RDWR
        mov     x26, x0
        // struct btrfs_ioctl_search_key: every objectid, offset, transid and type; 4096 items.
        add     x27, x19, x20
        sub     x27, x27, #112
        mov     x1, #-1
        stp     xzr, xzr, [x27]          // tree_id, min_objectid
        stp     x1, xzr, [x27, #16]      // max_objectid, min_offset
        stp     x1, xzr, [x27, #32]      // max_offset, min_transid
        str     x1, [x27, #48]           // max_transid
        mov     w2, #255
        stp     wzr, w2, [x27, #56]      // min_type, max_type
        mov     w2, #4096
        stp     w2, wzr, [x27, #64]      // nr_items, unused
        stp     xzr, xzr, [x27, #72]
        stp     xzr, xzr, [x27, #88]
        str     x21, [x27, #104]         // buf_size
        mov     x0, x26
        ldr     x1, =BTRFS_IOC_TREE_SEARCH_V2
        mov     x2, x27
        SYS     SYS_ioctl
        ldp     x29, x30, [sp], #16
        ret

        .section .rodata
path_treesearch: .asciz "/dev/granule-treesearch"
        .text
