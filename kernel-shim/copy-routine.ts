// The kernel shim's uaccess routines as AArch64 code (GNU as syntax, assembled by granule's own
// assembler into the kernel half, ktext.ts). They are the reference the typed-array path
// (uaccess.ts + copy-pattern.ts) is held to: the same access pattern as arm64 Linux's
// copy_template.S / copy_{from,to}_user.S / clear_user.S, user accesses as LDTR/STTR, and an
// exception table in arm64's layout (asm-extable.h, v6.0 numbering): per entry
// { .long insn - ., .long fixup - ., .short type, .short data }.
//
// Entry points (AAPCS64: arguments in x0..x2, result in x0):
//   __arch_copy_from_user(kdst, usrc, n), __arch_copy_to_user(udst, ksrc, n)
//       -> bytes not copied; the one-byte retry of 295cf156231c (v5.14).
//   __arch_copy_from_user_v5_13, __arch_copy_to_user_v5_13: every fixup is "end - dst".
//   __arch_clear_user(uaddr, n) (v5.14 rewrite), __arch_clear_user_v5_13 -> bytes not cleared.
//   __get_user_{1,2,4,8}(uaddr) -> x0 = 0 or -EFAULT, x1 = value (0 on a fault);
//   __put_user_{1,2,4,8}(uaddr, value) -> x0 = 0 or -EFAULT.
//   load_unaligned_zeropad(kaddr) -> the 8 bytes at kaddr, bytes past a fault read as 0.
//   kcall_return: where the shim's calls return to (the nested run stops there).
//
// Register use in the copy routines, as the template names them: x0 dstin, x1 src, x2 count,
// x3/x4 tmp1/tmp2, x5 end (dstin + n), x6 dst (advanced only after a store completed),
// x7..x14 the four pairs A..D of the 64-byte blocks, x15 srcin.

/** Exception table entry types (arch/arm64/include/asm/asm-extable.h, v6.0+). */
export const EX_TYPE_NONE = 0;
export const EX_TYPE_BPF = 1;
export const EX_TYPE_UACCESS_ERR_ZERO = 2;
export const EX_TYPE_KACCESS_ERR_ZERO = 3;
export const EX_TYPE_LOAD_UNALIGNED_ZEROPAD = 4;

export const COPY_ROUTINE_SOURCE = String.raw`
// ---- exception table entries

	.macro	extable insn, fixup, type, data
	.pushsection __ex_table, "a"
	.balign	4
	.long	(\insn - .)
	.long	(\fixup - .)
	.short	\type
	.short	\data
	.popsection
	.endm

	// EX_TYPE_UACCESS_ERR_ZERO with wzr/wzr: just resume at the fixup.
	.macro	uaccess insn, fixup
	extable	\insn, \fixup, ${EX_TYPE_UACCESS_ERR_ZERO}, (31 << 5) | 31
	.endm

// ---- one access of the copy template: the user side is unprivileged and has a table entry

	// A load of the source with post-increment: kop is the kernel form, uop the user form.
	.macro	cp_ld side, fix, kop, uop, reg, ptr, inc
	.ifc	\side, from
8888:	\uop	\reg, [\ptr]
	uaccess	8888b, \fix
	add	\ptr, \ptr, #\inc
	.else
	\kop	\reg, [\ptr], #\inc
	.endif
	.endm

	.macro	cp_st side, fix, kop, uop, reg, ptr, inc
	.ifc	\side, to
8888:	\uop	\reg, [\ptr]
	uaccess	8888b, \fix
	add	\ptr, \ptr, #\inc
	.else
	\kop	\reg, [\ptr], #\inc
	.endif
	.endm

	// 16 bytes: two 8-byte unprivileged accesses; the pointer moves only after both.
	.macro	cp_ldp side, r1, r2, ptr
	.ifc	\side, from
8888:	ldtr	\r1, [\ptr]
	uaccess	8888b, 9997f
8889:	ldtr	\r2, [\ptr, #8]
	uaccess	8889b, 9997f
	add	\ptr, \ptr, #16
	.else
	ldp	\r1, \r2, [\ptr], #16
	.endif
	.endm

	.macro	cp_stp side, r1, r2, ptr
	.ifc	\side, to
8888:	sttr	\r1, [\ptr]
	uaccess	8888b, 9997f
8889:	sttr	\r2, [\ptr, #8]
	uaccess	8889b, 9997f
	add	\ptr, \ptr, #16
	.else
	stp	\r1, \r2, [\ptr], #16
	.endif
	.endm

	.macro	cp_b side, reg
	cp_ld	\side, 9998f, ldrb, ldtrb, \reg, x1, 1
	cp_st	\side, 9998f, strb, sttrb, \reg, x6, 1
	.endm
	.macro	cp_h side, reg
	cp_ld	\side, 9997f, ldrh, ldtrh, \reg, x1, 2
	cp_st	\side, 9997f, strh, sttrh, \reg, x6, 2
	.endm
	.macro	cp_w side, reg
	cp_ld	\side, 9997f, ldr, ldtr, \reg, x1, 4
	cp_st	\side, 9997f, str, sttr, \reg, x6, 4
	.endm
	.macro	cp_x side, reg
	cp_ld	\side, 9997f, ldr, ldtr, \reg, x1, 8
	cp_st	\side, 9997f, str, sttr, \reg, x6, 8
	.endm
	.macro	cp_pair side, r1, r2
	cp_ldp	\side, \r1, \r2, x1
	cp_stp	\side, \r1, \r2, x6
	.endm

// ---- the copy: the access pattern of arch/arm64/lib/copy_template.S
// Local labels: 60 tiny (under 16 bytes), 61 source aligned, 62 tail (under 64), 63 64 or
// more, 64 the pipelined loop, 65 done.

	.macro	copy_body side
	mov	x6, x0
	cmp	x2, #16
	b.lo	60f
	// Align the source to 16: 1, 2, 4 then 8 bytes for the bits of -src & 15.
	neg	x4, x1
	ands	x4, x4, #15
	b.eq	61f
	sub	x2, x2, x4
	tbz	x4, #0, 1f
	cp_b	\side, w3
1:	tbz	x4, #1, 2f
	cp_h	\side, w3
2:	tbz	x4, #2, 3f
	cp_w	\side, w3
3:	tbz	x4, #3, 61f
	cp_x	\side, x3
61:	cmp	x2, #64
	b.ge	63f
62:	// 0, 16, 32 or 48 bytes of pairs for bits 5:4 of the count, then the tiny path.
	ands	x3, x2, #0x30
	b.eq	60f
	cmp	w3, #0x20
	b.eq	1f
	b.lt	2f
	cp_pair	\side, x7, x8
1:	cp_pair	\side, x7, x8
2:	cp_pair	\side, x7, x8
60:	// Under 16 bytes: 8, 4, 2 then 1 byte for bits 3..0 of the count.
	tbz	x2, #3, 1f
	cp_x	\side, x3
1:	tbz	x2, #2, 2f
	cp_w	\side, w3
2:	tbz	x2, #1, 3f
	cp_h	\side, w3
3:	tbz	x2, #0, 65f
	cp_b	\side, w3
	b	65f
63:	subs	x2, x2, #128
	b.ge	64f
	// 64 to 127 bytes: one 64-byte block (the third load before the second store), then the tail.
	cp_ldp	\side, x7, x8, x1
	cp_stp	\side, x7, x8, x6
	cp_ldp	\side, x9, x10, x1
	cp_ldp	\side, x11, x12, x1
	cp_stp	\side, x9, x10, x6
	cp_stp	\side, x11, x12, x6
	cp_ldp	\side, x13, x14, x1
	cp_stp	\side, x13, x14, x6
	tst	x2, #0x3f
	b.ne	62b
	b	65f
	.p2align 6
64:	// 128 or more: load 64 bytes ahead, then store a pair / load the next pair.
	cp_ldp	\side, x7, x8, x1
	cp_ldp	\side, x9, x10, x1
	cp_ldp	\side, x11, x12, x1
	cp_ldp	\side, x13, x14, x1
1:	cp_stp	\side, x7, x8, x6
	cp_ldp	\side, x7, x8, x1
	cp_stp	\side, x9, x10, x6
	cp_ldp	\side, x9, x10, x1
	cp_stp	\side, x11, x12, x6
	cp_ldp	\side, x11, x12, x1
	cp_stp	\side, x13, x14, x6
	cp_ldp	\side, x13, x14, x1
	subs	x2, x2, #64
	b.ge	1b
	cp_stp	\side, x7, x8, x6
	cp_stp	\side, x9, x10, x6
	cp_stp	\side, x11, x12, x6
	cp_stp	\side, x13, x14, x6
	tst	x2, #0x3f
	b.ne	62b
65:
	.endm

	// One copy routine: retry = 1 gives 9997 its single-byte try (295cf156231c).
	.macro	usercopy name, side, retry
	.globl	\name
	.p2align 6
\name:
	add	x5, x0, x2
	mov	x15, x1
	copy_body \side
	mov	x0, #0
	ret
	.if	\retry
9997:	// A multi-byte access faulted: if nothing was stored yet, try harder with one byte.
	cmp	x6, x0
	b.ne	9998f
	.ifc	\side, from
8888:	ldtrb	w3, [x15]
	uaccess	8888b, 9998f
	strb	w3, [x6], #1
	.else
	ldrb	w3, [x15]
8888:	sttrb	w3, [x6]
	uaccess	8888b, 9998f
	add	x6, x6, #1
	.endif
	.else
9997:
	.endif
9998:	sub	x0, x5, x6
	ret
	.endm

	.text
	.globl	kcall_return
kcall_return:
	brk	#0x800

	usercopy __arch_copy_from_user, from, 1
	usercopy __arch_copy_to_user, to, 1
	usercopy __arch_copy_from_user_v5_13, from, 0
	usercopy __arch_copy_to_user_v5_13, to, 0

// ---- clear_user, v5.14 ("arm64: Rewrite __arch_clear_user()"): x0 = uaddr, x1 = n, x2 = end.
// 8-byte stores from the start, then one 8-byte store ending at the end; under 8 bytes a word
// at the start and one ending at the end, or a halfword and a final byte. The fixups report
// end minus the faulting store's start, adjusted for the stores addressed from the end.

	.globl	__arch_clear_user
	.p2align 6
__arch_clear_user:
	add	x2, x0, x1
	subs	x1, x1, #8
	b.mi	2f
1:
8888:	sttr	xzr, [x0]
	uaccess	8888b, 9f
	add	x0, x0, #8
	subs	x1, x1, #8
	b.hi	1b
8888:	sttr	xzr, [x2, #-8]
	uaccess	8888b, 9f
	mov	x0, #0
	ret
2:	tbz	x1, #2, 3f
8888:	sttr	wzr, [x0]
	uaccess	8888b, 9f
8888:	sttr	wzr, [x2, #-4]
	uaccess	8888b, 8f
	mov	x0, #0
	ret
3:	tbz	x1, #1, 4f
8888:	sttrh	wzr, [x0]
	uaccess	8888b, 9f
4:	tbz	x1, #0, 5f
8888:	sttrb	wzr, [x2, #-1]
	uaccess	8888b, 7f
5:	mov	x0, #0
	ret
7:	sub	x0, x2, #5		// the final byte faulted: x0 = end - 1 after the next add
8:	add	x0, x0, #4		// the word ending at the end faulted: 4 bytes are clear
9:	sub	x0, x2, x0
	ret

// ---- clear_user before v5.14: 8-byte stores while 8 bytes remain, then 4, 2, 1; any fault
// returns the whole size. x2 keeps the size.

	.globl	__arch_clear_user_v5_13
	.p2align 6
__arch_clear_user_v5_13:
	mov	x2, x1
	subs	x1, x1, #8
	b.mi	2f
1:
8888:	sttr	xzr, [x0]
	uaccess	8888b, 9f
	add	x0, x0, #8
	subs	x1, x1, #8
	b.pl	1b
2:	adds	x1, x1, #4
	b.mi	3f
8888:	sttr	wzr, [x0]
	uaccess	8888b, 9f
	add	x0, x0, #4
	sub	x1, x1, #4
3:	adds	x1, x1, #2
	b.mi	4f
8888:	sttrh	wzr, [x0]
	uaccess	8888b, 9f
	add	x0, x0, #2
	sub	x1, x1, #2
4:	adds	x1, x1, #1
	b.mi	5f
8888:	sttrb	wzr, [x0]
	uaccess	8888b, 9f
5:	mov	x0, #0
	ret
9:	mov	x0, x2
	ret

// ---- get_user / put_user: one unprivileged access; EX_TYPE_UACCESS_ERR_ZERO puts -EFAULT in
// x0 (err) and, for loads, 0 in x1 (the value) and resumes after the access.

	.macro	get_user_fn name, op, reg
	.globl	\name
\name:
	mov	x2, x0
	mov	x0, #0
8888:	\op	\reg, [x2]
8889:	ret
	extable	8888b, 8889b, ${EX_TYPE_UACCESS_ERR_ZERO}, (1 << 5) | 0
	.endm

	.macro	put_user_fn name, op, reg
	.globl	\name
\name:
	mov	x2, x0
	mov	x0, #0
8888:	\op	\reg, [x2]
8889:	ret
	extable	8888b, 8889b, ${EX_TYPE_UACCESS_ERR_ZERO}, (31 << 5) | 0
	.endm

	get_user_fn __get_user_1, ldtrb, w1
	get_user_fn __get_user_2, ldtrh, w1
	get_user_fn __get_user_4, ldtr, w1
	get_user_fn __get_user_8, ldtr, x1
	put_user_fn __put_user_1, sttrb, w1
	put_user_fn __put_user_2, sttrh, w1
	put_user_fn __put_user_4, sttr, w1
	put_user_fn __put_user_8, sttr, x1

// ---- load_unaligned_zeropad (arch/arm64/include/asm/word-at-a-time.h): an 8-byte kernel load
// that may run into an unmapped page; EX_TYPE_LOAD_UNALIGNED_ZEROPAD (data x0, address x1)
// rereads the aligned word and shifts the bytes past the fault out.

	.globl	load_unaligned_zeropad
load_unaligned_zeropad:
	mov	x1, x0
8888:	ldr	x0, [x1]
8889:	ret
	extable	8888b, 8889b, ${EX_TYPE_LOAD_UNALIGNED_ZEROPAD}, (1 << 5) | 0
`;
