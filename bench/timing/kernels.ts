// The validation suite of the cycle model: small L1-resident loops with predictable branches,
// each timed by granule (bench/timing/measure.ts) and by llvm-mca 19 on the same body
// (tools/gen-timing-golden.ts writes test/golden/timing/llvm-mca-19.json). Every body ends with
// the loop control `subs x2, x2, #1; b.ne loop`, which both sides see; x2 is the counter.
//
// `cpus` lists the profiles llvm-mca 19 can time the body for: its Cortex-A510 model has no rows
// for IRG, GMI, SUBP(S), LDG and the STG family (llvm-mca rejects them), so those kernels are
// Neoverse N2 only. `chain` marks a dependent chain of one instruction: the model must give
// exactly llvm-mca's cycles for those.

import type { CpuName } from '../../emulator/timing/config.js';

export interface TimingKernel {
  name: string;
  /** What it measures, for the report. */
  what: string;
  /** The loop body (one instruction a line), without the loop control. */
  body: string[];
  /** granule only: instructions run once before the loop (registers, memory). */
  setup?: string[];
  /** Run with the MMU on, the buffers Tagged Normal and synchronous tag checking (SCTLR_EL1.TCF = 1). */
  mte?: boolean;
  cpus: CpuName[];
  chain?: boolean;
}

const BOTH: CpuName[] = ['cortex-a510', 'neoverse-n2'];
const N2: CpuName[] = ['neoverse-n2'];
const rep = (n: number, line: string): string[] => Array.from({ length: n }, () => line);
const seq = (n: number, f: (i: number) => string): string[] => Array.from({ length: n }, (_, i) => f(i));

export const KERNELS: readonly TimingKernel[] = [
  // ---- integer ALU
  { name: 'add-chain', what: 'ADD immediate, dependent', body: rep(8, 'add x0, x0, #1'), cpus: BOTH, chain: true },
  { name: 'add-independent', what: 'ADD immediate, 8 independent', body: seq(8, (i) => `add x${i + 3}, x11, #${i + 1}`), cpus: BOTH },
  { name: 'add-lsl2-chain', what: 'ADD shifted register (LSL #2), dependent', body: rep(8, 'add x0, x0, x1, lsl #2'), cpus: BOTH, chain: true },
  { name: 'add-lsr-chain', what: 'ADD shifted register (LSR #3), dependent', body: rep(8, 'add x0, x0, x1, lsr #3'), cpus: BOTH, chain: true },
  { name: 'add-ext-chain', what: 'ADD extended register (UXTW), dependent', body: rep(8, 'add x0, x0, w1, uxtw'), cpus: BOTH, chain: true },
  { name: 'ubfx-chain', what: 'UBFX, dependent', body: rep(8, 'ubfx x0, x0, #1, #40'), cpus: BOTH, chain: true },
  { name: 'extr-chain', what: 'EXTR, dependent', body: rep(8, 'extr x0, x0, x1, #7'), cpus: BOTH, chain: true },
  {
    name: 'alu-mix',
    what: 'the integer-loop benchmark body (ADD/EOR/LSL/ORR/SUB/AND)',
    body: ['add x0, x0, x12', 'eor x1, x1, x0', 'lsl x4, x1, #3', 'add x5, x4, x0', 'orr x6, x5, x12', 'sub x7, x6, #1', 'and x8, x7, x1', 'add x12, x12, #1'],
    cpus: BOTH,
  },
  {
    name: 'logic-imm-independent',
    what: 'AND/ORR/EOR/ANDS immediate, independent',
    body: ['and x3, x11, #0xff', 'orr x4, x11, #0xf0', 'eor x5, x11, #0x3', 'and x6, x12, #0xffff', 'orr x7, x12, #0x1', 'eor x8, x12, #0x7', 'movz x9, #7', 'movk x10, #9, lsl #16'],
    cpus: BOTH,
  },
  {
    name: 'flags-select',
    what: 'CMP/CSEL/CSET/CCMP/CSINC through the flags',
    body: ['cmp x3, x4', 'csel x5, x6, x7, lt', 'cmp x5, x8', 'cset x9, eq', 'ccmp x3, x9, #0, ne', 'csinc x10, x10, x11, eq', 'adds x12, x12, #1', 'adc x13, x13, xzr'],
    cpus: BOTH,
  },
  // ---- multiply and divide
  { name: 'mul-w-chain', what: 'MUL (W), dependent', body: rep(8, 'mul w0, w0, w1'), cpus: BOTH, chain: true },
  { name: 'mul-x-chain', what: 'MUL (X), dependent', body: rep(8, 'mul x0, x0, x1'), cpus: BOTH, chain: true },
  { name: 'madd-acc-chain', what: 'MADD (X) through the accumulator', body: rep(8, 'madd x0, x3, x4, x0'), cpus: BOTH },
  { name: 'mul-independent', what: 'MUL (X), 8 independent', body: seq(8, (i) => `mul x${i + 3}, x11, x12`), cpus: BOTH },
  { name: 'umulh-chain', what: 'UMULH, dependent', body: rep(8, 'umulh x0, x0, x1'), cpus: BOTH, chain: true },
  { name: 'smull-chain', what: 'SMULL, dependent', body: rep(8, 'smull x0, w0, w1'), cpus: BOTH, chain: true },
  { name: 'sdiv-w-chain', what: 'SDIV (W), dependent', body: rep(4, 'sdiv w0, w0, w1'), cpus: BOTH, chain: true },
  { name: 'udiv-x-chain', what: 'UDIV (X), dependent', body: rep(4, 'udiv x0, x0, x1'), cpus: BOTH, chain: true },
  { name: 'udiv-independent', what: 'UDIV (X), 4 independent (divider throughput)', body: seq(4, (i) => `udiv x${i + 3}, x11, x12`), cpus: BOTH },
  // ---- loads
  { name: 'load-chain', what: 'LDR pointer chasing (L1 hit latency)', body: rep(8, 'ldr x0, [x0]'), cpus: BOTH, chain: true },
  { name: 'load-independent', what: 'LDR, 8 independent', body: seq(8, (i) => `ldr x${i + 3}, [x0, #${8 * i}]`), cpus: BOTH },
  { name: 'load-use', what: 'LDR then ADD of the loaded value', body: seq(8, (i) => (i % 2 === 0 ? `ldr x${i + 3}, [x0, #${4 * i}]` : `add x${i + 3}, x${i + 2}, #1`)), cpus: BOTH },
  { name: 'load-reg-offset', what: 'LDR register offset (scaled), independent', body: seq(8, (i) => `ldr x${i + 3}, [x0, x13${i % 2 ? ', lsl #3' : ''}]`), cpus: BOTH },
  { name: 'load-post-chain', what: 'LDR post-index: the base writeback chain', body: [...seq(6, (i) => `ldr x${i + 3}, [x0], #8`), 'add x14, x14, #1', 'and x0, x0, x9'], cpus: BOTH },
  { name: 'ldp-independent', what: 'LDP, 4 independent', body: seq(4, (i) => `ldp x${2 * i + 3}, x${2 * i + 4}, [x0, #${16 * i}]`), cpus: BOTH },
  // ---- stores and copies
  { name: 'store-stream', what: 'STR, 8 independent', body: seq(8, (i) => `str x3, [x0, #${8 * i}]`), cpus: BOTH },
  { name: 'stp-stream', what: 'STP, 4 independent', body: seq(4, (i) => `stp x3, x4, [x0, #${16 * i}]`), cpus: BOTH },
  { name: 'store-post-chain', what: 'STR post-index: the base writeback chain', body: [...seq(7, () => 'str x3, [x0], #8'), 'and x0, x0, x9'], cpus: BOTH },
  {
    name: 'copy-ldp-stp',
    what: 'LDP/STP copy of 32 bytes (offset forms)',
    body: ['ldp x4, x5, [x0]', 'ldp x6, x7, [x0, #16]', 'stp x4, x5, [x1]', 'stp x6, x7, [x1, #16]'],
    cpus: BOTH,
  },
  {
    name: 'copy-post-index',
    what: 'LDP/STP copy with post-index writeback (pointers wrap in 4 KiB)',
    body: ['ldp x4, x5, [x0], #16', 'stp x4, x5, [x1], #16', 'ldp x6, x7, [x0], #16', 'stp x6, x7, [x1], #16', 'and x0, x0, x9', 'and x1, x1, x10'],
    cpus: BOTH,
  },
  {
    name: 'load-store-mix',
    what: 'LDR and STR interleaved',
    body: seq(8, (i) => (i % 2 === 0 ? `ldr x${i + 3}, [x0, #${8 * i}]` : `str x${i + 2}, [x1, #${8 * i}]`)),
    cpus: BOTH,
  },
  // ---- MTE
  { name: 'addg-chain', what: 'ADDG, dependent', body: rep(8, 'addg x0, x0, #16, #1'), cpus: BOTH, chain: true },
  { name: 'subg-addg-chain', what: 'SUBG/ADDG alternating, dependent', body: seq(8, (i) => (i % 2 ? 'addg x0, x0, #32, #2' : 'subg x0, x0, #16, #1')), cpus: BOTH, chain: true },
  { name: 'irg-chain', what: 'IRG, dependent', body: rep(8, 'irg x0, x0'), cpus: N2, chain: true },
  { name: 'irg-independent', what: 'IRG, 8 independent', body: seq(8, (i) => `irg x${i + 3}, x0`), cpus: N2 },
  { name: 'gmi-chain', what: 'GMI, dependent (exclusion mask)', body: rep(8, 'gmi x3, x0, x3'), cpus: N2, chain: true },
  { name: 'subp-mix', what: 'SUBP/SUBPS, independent', body: seq(8, (i) => (i % 2 ? `subps x${i + 3}, x0, x1` : `subp x${i + 3}, x0, x1`)), cpus: N2 },
  { name: 'ldg-chain', what: 'LDG, dependent through the address', body: rep(8, 'ldg x0, [x0]'), mte: true, cpus: N2, chain: true },
  { name: 'ldg-independent', what: 'LDG, 8 independent', body: seq(8, (i) => `ldg x${i + 3}, [x0, #${16 * i}]`), mte: true, cpus: N2 },
  { name: 'stg-stream', what: 'STG (offset), 8 granules', body: seq(8, (i) => `stg x0, [x0, #${16 * i}]`), mte: true, cpus: N2 },
  { name: 'st2g-stream', what: 'ST2G (offset), 4 pairs of granules', body: seq(4, (i) => `st2g x0, [x0, #${32 * i}]`), mte: true, cpus: N2 },
  { name: 'stzg-stream', what: 'STZG (offset), 8 granules', body: seq(8, (i) => `stzg x0, [x0, #${16 * i}]`), mte: true, cpus: N2 },
  { name: 'stz2g-stream', what: 'STZ2G (offset), 4 pairs', body: seq(4, (i) => `stz2g x0, [x0, #${32 * i}]`), mte: true, cpus: N2 },
  { name: 'stg-post-chain', what: 'STG post-index: the base writeback chain', body: [...seq(7, () => 'stg x0, [x0], #16'), 'and x0, x0, x9'], mte: true, cpus: N2 },
  { name: 'stgp-stream', what: 'STGP (offset), 4 independent', body: seq(4, (i) => `stgp x3, x4, [x0, #${16 * i}]`), mte: true, cpus: BOTH },
  { name: 'stgp-post-chain', what: 'STGP post-index chain', body: [...seq(5, () => 'stgp x3, x4, [x0], #16'), 'and x0, x0, x9'], mte: true, cpus: BOTH },
  {
    name: 'tagged-load-sync',
    what: 'LDR on Tagged Normal memory, synchronous checks (tags hit)',
    body: seq(8, (i) => `ldr x${i + 3}, [x0, #${8 * i}]`),
    mte: true,
    cpus: BOTH,
  },
  {
    name: 'tagged-copy-sync',
    what: 'LDP/STP copy on Tagged Normal memory, synchronous checks',
    body: ['ldp x4, x5, [x0]', 'ldp x6, x7, [x0, #16]', 'stp x4, x5, [x1]', 'stp x6, x7, [x1, #16]'],
    mte: true,
    cpus: BOTH,
  },
  {
    name: 'tag-and-store',
    what: 'IRG + STG + STR to the new tag (allocator pattern)',
    body: ['irg x5, x0', 'stg x5, [x5]', 'str x3, [x5]', 'addg x6, x5, #16, #0', 'stg x6, [x6]', 'str x3, [x6]'],
    mte: true,
    cpus: N2,
  },
];

/** The loop as llvm-mca reads it (and as granule runs it after its setup). */
export function loopSource(k: TimingKernel): string {
  return ['loop:', ...k.body.map((l) => `  ${l}`), '  subs x2, x2, #1', '  b.ne loop', ''].join('\n');
}

/** Instructions per iteration. */
export const loopLength = (k: TimingKernel): number => k.body.length + 2;
