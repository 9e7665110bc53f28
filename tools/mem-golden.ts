// What tools/gen-mem-golden.ts (the generator of test/golden/exec/mem-*.tsv) and
// test/exec-mem-golden.test.ts (which replays those blocks in granule) share: the data buffer's
// place and size, the initial buffer contents and allocation tags a block's seed stands for, the
// golden sets and their MTE settings, and the line format.
//
// A line is tab-separated, numbers in hex:
//   seed, FNV-1a hash of the initial state, address of the first word, the words,
//   registers that differ from the initial state (xN=, sp=, nzcv=),
//   buffer bytes that differ from the initial contents (offset:bytes, runs),
//   allocation tags that differ from the initial tags (granule=tag),
//   the signal, or `-` (signo,si_code,si_addr,pc).
// Registers are the state at the end of the block, or at the faulting instruction when a signal
// ends it (that instruction has no effect).

import { Prng, stateFromSeed, type HarnessState } from './qemu-user-harness.js';

/** The data buffer: inside granule's default RAM, far above the harness program. */
export const BUFFER_BASE = 0x40c00000n;
export const BUFFER_SIZE = 8192;
export const GRANULES = BUFFER_SIZE / 16;

export interface GoldenSet {
  file: string;
  /** The buffer is PROT_MTE (Tagged Normal memory in granule). */
  mte: boolean;
  /** EL0 tag-check fault mode (SCTLR_EL1.TCF0). */
  tcf: 'none' | 'sync';
  blocks: number;
  /** Block kinds: ordinary memory blocks, or blocks with DC ZVA/GVA/GZVA among them. */
  kind: 'mem' | 'dc';
  /** QEMU's -cpu. */
  cpu: 'max' | 'cortex-a710';
}

export const GOLDEN_SETS: readonly GoldenSet[] = [
  { file: 'mem-sync.tsv', mte: true, tcf: 'sync', blocks: 1200, kind: 'mem', cpu: 'max' },
  { file: 'mem-tcf-none.tsv', mte: true, tcf: 'none', blocks: 500, kind: 'mem', cpu: 'max' },
  // Without PROT_MTE the harness makes no prctl call, and QEMU's user mode then leaves
  // SCTLR_EL1.ATA0 clear: IRG/ADDG/SUBG/LDG give tag 0 and tag stores do nothing.
  { file: 'mem-untagged.tsv', mte: false, tcf: 'none', blocks: 500, kind: 'mem', cpu: 'max' },
  // QEMU 10's user-mode `max` CPU has a 512-byte DC ZVA block (DCZID_EL0 = 7); granule has
  // QEMU system mode's 64 bytes (DCZID_EL0 = 4), as user-mode `cortex-a710` does. DC ZVA with
  // tag checking is not compared: QEMU 10 user mode reports a tagged DC ZVA as a translation
  // fault (SEGV_MAPERR) even when the tags match, and a mismatch at a wrong address (mte-arch.md
  // §8.13); test/exec-loadstore.test.ts covers that check.
  { file: 'mem-dc.tsv', mte: true, tcf: 'none', blocks: 150, kind: 'dc', cpu: 'cortex-a710' },
];

/** The buffer's initial bytes and tags for a block seed (tags all 0 for an untagged set). */
export function initialMemory(seed: number, mte: boolean): { data: Uint8Array; tags: Uint8Array } {
  const r = new Prng((seed ^ 0x5bd1e995) >>> 0);
  const data = new Uint8Array(BUFFER_SIZE);
  for (let i = 0; i < BUFFER_SIZE; i += 4) new DataView(data.buffer).setUint32(i, r.u32(), true);
  const tags = new Uint8Array(GRANULES);
  if (mte) {
    // Runs of one tag (one to eight granules), like allocations.
    for (let g = 0; g < GRANULES; ) {
      const t = r.below(16);
      const n = 1 + r.below(8);
      for (let k = 0; k < n && g < GRANULES; k++) tags[g++] = t;
    }
  }
  return { data, tags };
}

export interface GoldenSignal {
  signo: number;
  code: number;
  addr: bigint;
  pc: bigint;
}

export interface GoldenBlock {
  line: number;
  seed: number;
  hash: number;
  address: bigint;
  words: number[];
  init: HarnessState;
  final: HarnessState;
  /** Final buffer contents and tags. */
  data: Uint8Array;
  tags: Uint8Array;
  initData: Uint8Array;
  initTags: Uint8Array;
  signal?: GoldenSignal;
}

const hex = (v: bigint | number): string => v.toString(16);

/** Formats one block's line. */
export function formatLine(seed: number, hash: number, address: bigint, words: number[], init: HarnessState, final: HarnessState, mte: boolean, data: Uint8Array, tags: Uint8Array | undefined, signal: GoldenSignal | undefined): string {
  const regs: string[] = [];
  final.x.forEach((v, i) => {
    if (v !== init.x[i]) regs.push(`x${i}=${hex(v)}`);
  });
  if (final.sp !== init.sp) regs.push(`sp=${hex(final.sp)}`);
  if (final.nzcv !== init.nzcv) regs.push(`nzcv=${hex(final.nzcv)}`);
  const start = initialMemory(seed, mte);
  const bytes: string[] = [];
  for (let i = 0; i < BUFFER_SIZE; ) {
    if (data[i] === start.data[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < BUFFER_SIZE && data[j] !== start.data[j]) j++;
    bytes.push(`${hex(i)}:${Array.from(data.subarray(i, j), (b) => b.toString(16).padStart(2, '0')).join('')}`);
    i = j;
  }
  const tagDiff: string[] = [];
  if (tags) tags.forEach((t, g) => t !== start.tags[g] && tagDiff.push(`${hex(g)}=${hex(t)}`));
  const sig = signal ? [signal.signo, signal.code, signal.addr, signal.pc].map(hex).join(',') : '-';
  return [hex(seed), hex(hash), hex(address), words.map((w) => hex(w >>> 0)).join(' '), regs.join(' '), bytes.join(' '), tagDiff.join(' '), sig].join('\t');
}

/** Parses a golden file (comment lines start with #). */
export function parseLines(text: string, mte: boolean): GoldenBlock[] {
  const blocks: GoldenBlock[] = [];
  text.split('\n').forEach((l, i) => {
    if (l === '' || l.startsWith('#')) return;
    const [seed, hash, address, words, regs, bytes, tags, sig] = l.split('\t');
    const s = parseInt(seed, 16);
    const init = stateFromSeed(s);
    const final: HarnessState = { x: [...init.x], sp: init.sp, nzcv: init.nzcv };
    for (const d of regs ? regs.split(' ') : []) {
      const [k, v] = d.split('=');
      if (k === 'sp') final.sp = BigInt('0x' + v);
      else if (k === 'nzcv') final.nzcv = parseInt(v, 16);
      else final.x[Number(k.slice(1))] = BigInt('0x' + v);
    }
    const start = initialMemory(s, mte);
    const data = new Uint8Array(start.data);
    for (const run of bytes ? bytes.split(' ') : []) {
      const [off, hexBytes] = run.split(':');
      const o = parseInt(off, 16);
      for (let k = 0; k < hexBytes.length / 2; k++) data[o + k] = parseInt(hexBytes.slice(2 * k, 2 * k + 2), 16);
    }
    const finalTags = new Uint8Array(start.tags);
    for (const t of tags ? tags.split(' ') : []) {
      const [g, v] = t.split('=');
      finalTags[parseInt(g, 16)] = parseInt(v, 16);
    }
    let signal: GoldenSignal | undefined;
    if (sig && sig !== '-') {
      const [signo, code, addr, pc] = sig.split(',');
      signal = { signo: parseInt(signo, 16), code: parseInt(code, 16), addr: BigInt('0x' + addr), pc: BigInt('0x' + pc) };
    }
    blocks.push({
      line: i + 1, seed: s, hash: parseInt(hash, 16), address: BigInt('0x' + address), words: words.split(' ').map((w) => parseInt(w, 16)),
      init, final, data, tags: finalTags, initData: start.data, initTags: start.tags, signal,
    });
  });
  return blocks;
}
