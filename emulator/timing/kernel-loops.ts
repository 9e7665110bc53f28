// The instruction loops whose cost the kernel shim charges for its TypeScript work (DESIGN.md
// decisions 7 and 8): "what the equivalent instruction loop would cost". Each is the inner
// loop of the arm64 Linux routine it stands for, as a loop body; the timing model runs it on
// its own core model (L1 hits, predicted branches) to get cycles per iteration, and the shim
// reports the memory the work touches separately (so misses are charged where they happen).

export interface KernelLoop {
  name: string;
  /** Assembly source of one iteration, ending with its loop branch. */
  source: string;
  /** Bytes one iteration moves (for cycles-per-byte reports; 0 when not a copy). */
  bytesPerIteration: number;
}

export const KERNEL_LOOPS: Readonly<Record<string, KernelLoop>> = {
  // The 64-byte loop of __arch_copy_from_user as the shim's instruction-level routine runs it
  // (kernel-shim/copy-routine.ts, arm64 copy_template.S with the user side as LDTR + ADD): store
  // a pair to the kernel buffer, load the next pair from user memory. 18 instructions, 64 bytes.
  copy_from_user64: {
    name: 'copy_from_user64',
    bytesPerIteration: 64,
    source: `
1:  stp x7, x8, [x6], #16
    ldtr x7, [x1]
    ldtr x8, [x1, #8]
    add x1, x1, #16
    stp x9, x10, [x6], #16
    ldtr x9, [x1]
    ldtr x10, [x1, #8]
    add x1, x1, #16
    stp x11, x12, [x6], #16
    ldtr x11, [x1]
    ldtr x12, [x1, #8]
    add x1, x1, #16
    stp x13, x14, [x6], #16
    ldtr x13, [x1]
    ldtr x14, [x1, #8]
    add x1, x1, #16
    subs x2, x2, #64
    b.ge 1b
`,
  },
  // The same loop of __arch_copy_to_user: the user side is STTR + ADD.
  copy_to_user64: {
    name: 'copy_to_user64',
    bytesPerIteration: 64,
    source: `
1:  sttr x7, [x6]
    sttr x8, [x6, #8]
    add x6, x6, #16
    ldp x7, x8, [x1], #16
    sttr x9, [x6]
    sttr x10, [x6, #8]
    add x6, x6, #16
    ldp x9, x10, [x1], #16
    sttr x11, [x6]
    sttr x12, [x6, #8]
    add x6, x6, #16
    ldp x11, x12, [x1], #16
    sttr x13, [x6]
    sttr x14, [x6, #8]
    add x6, x6, #16
    ldp x13, x14, [x1], #16
    subs x2, x2, #64
    b.ge 1b
`,
  },
  // arm64 copy_template.S, the 64-byte loop of __arch_copy_{from,to}_user (ldp/stp on the
  // kernel side; the user side is LDTR/STTR-equivalent, timed as loads/stores).
  copy64: {
    name: 'copy64',
    bytesPerIteration: 64,
    source: `
1:  ldp x4, x5, [x1]
    ldp x6, x7, [x1, #16]
    ldp x8, x9, [x1, #32]
    ldp x10, x11, [x1, #48]
    stp x4, x5, [x0]
    stp x6, x7, [x0, #16]
    stp x8, x9, [x0, #32]
    stp x10, x11, [x0, #48]
    add x1, x1, #64
    add x0, x0, #64
    subs x2, x2, #64
    b.ge 1b
`,
  },
  // A 16-byte copy step (the tail of copy_template.S).
  copy16: {
    name: 'copy16',
    bytesPerIteration: 16,
    source: `
1:  ldp x4, x5, [x1], #16
    stp x4, x5, [x0], #16
    subs x2, x2, #16
    b.ge 1b
`,
  },
  // A byte at a time (copy tails, strncpy_from_user, strnlen_user).
  byte: {
    name: 'byte',
    bytesPerIteration: 1,
    source: `
1:  ldrb w3, [x1], #1
    strb w3, [x0], #1
    subs x2, x2, #1
    b.ne 1b
`,
  },
  // __arch_clear_user: 16 bytes of zeros per iteration.
  clear16: {
    name: 'clear16',
    bytesPerIteration: 16,
    source: `
1:  stp xzr, xzr, [x0], #16
    subs x2, x2, #16
    b.ge 1b
`,
  },
  // Setting allocation tags (mte_set_mem_tag_range, mte_zero_clear_page_tags): one ST2G covers 32 bytes.
  tag32: {
    name: 'tag32',
    bytesPerIteration: 32,
    source: `
1:  st2g x0, [x0], #32
    subs x2, x2, #32
    b.ne 1b
`,
  },
  // Generic kernel bookkeeping: one simple integer instruction per iteration (dependent adds
  // cost their latency; this is the cheapest possible work, for "N instructions of C code").
  alu: {
    name: 'alu',
    bytesPerIteration: 0,
    source: `
1:  add x3, x4, #1
    add x5, x6, #1
    add x7, x8, #1
    subs x2, x2, #1
    b.ne 1b
`,
  },
};
