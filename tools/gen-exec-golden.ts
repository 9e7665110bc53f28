// Regenerates test/golden/exec/int.tsv: random blocks of integer data-processing and branch
// instructions (every row of the logical, move-wide, bitfield, extract, dataProc1/2/3,
// conditional compare/select and branch families, with random fields) run under QEMU's Linux
// user mode by tools/qemu-user-harness.ts, with the state each block leaves. test/exec-golden
// .test.ts runs the same blocks in granule and compares every register, SP and NZCV.
//
// Run: npm run gen:exec-golden   (needs qemu-aarch64 and GNU binutils for aarch64-linux-gnu)
//
// Deterministic: one seeded PRNG chooses everything, so the same QEMU gives the same file.
// Blocks stay inside themselves: forward branches go at most to the word after the block;
// backward branches only close counted loops; BR/BLR/RET targets are made by ADR (optionally
// with a tag ORed into bits 63:56, which TBI strips) and lie forward in the block.
// Generation fails, writing nothing, if QEMU raises a signal in any block or a row is covered
// fewer than MIN_PER_ROW times.

import { writeFileSync, mkdirSync } from 'node:fs';
import { decode } from '../isa/decode.js';
import { ENCODINGS, type Encoding, type Family } from '../isa/encodings.js';
import { encodeLogicalImmediate } from '../isa/bits.js';
import type { Fields } from '../isa/operands.js';
import { Prng, runBlocks, stateFromSeed, stateHash, type HarnessBlock } from './qemu-user-harness.js';

const OUT = new URL('../../test/golden/exec/', import.meta.url);
const BLOCKS = 1400;
const MIN_PER_ROW = 60;

const EXEC_FAMILIES: readonly Family[] = [
  'logicalImm', 'logicalShifted', 'moveWide', 'bitfield', 'extract', 'dataProc1', 'dataProc2', 'dataProc3',
  'condCompare', 'condSelect', 'branchImm', 'branchCond', 'compareBranch', 'testBranch', 'branchReg',
];
const FORWARD_BRANCH: readonly Family[] = ['branchImm', 'branchCond', 'compareBranch', 'testBranch'];

const rowIndex = (name: string): number => {
  const i = ENCODINGS.findIndex((e) => e.name === name);
  if (i < 0) throw new Error(`no row ${name}`);
  return i;
};

/** The word a row's fields give (should-be-one bits set). */
function wordOf(e: Encoding, f: Fields): number {
  let w = e.match | e.sbo;
  for (const spec of e.fields) w |= ((f[spec.name] ?? 0) & ((1 << spec.width) - 1)) << spec.lsb;
  return w >>> 0;
}

const REGISTER_FIELDS = new Set(['rd', 'rn', 'rm', 'ra', 'rt']);
const OFFSET_FIELDS = new Set(['imm26', 'imm19', 'imm14']);

/** Random fields for row `index` (offsets left 0), retried until the word decodes to the row. */
function randomWord(index: number, r: Prng, ok: (f: Fields) => boolean = () => true): { word: number; f: Fields } {
  const e = ENCODINGS[index];
  for (let tries = 0; tries < 10000; tries++) {
    const f: Fields = {};
    for (const spec of e.fields) {
      const max = 2 ** spec.width;
      if (OFFSET_FIELDS.has(spec.name)) f[spec.name] = 0;
      else if (REGISTER_FIELDS.has(spec.name)) f[spec.name] = r.chance(0.12) ? 31 : r.chance(0.5) ? r.below(8) : r.below(32);
      else if (spec.width >= 6 && r.chance(0.3)) f[spec.name] = r.pick([0, 1, max - 1, max / 2 - 1, max / 2, max / 2 + 1]);
      else f[spec.name] = r.below(max);
    }
    const word = wordOf(e, f);
    if (decode(word) === index && ok(f)) return { word, f };
  }
  throw new Error(`no random word decodes to ${e.name}`);
}

/** A block under construction: words, and forward branches to patch once the length is known. */
interface Item {
  word: number;
  /** Forward branch: the row, and how many words ahead it wants to go (clipped to the block end). */
  branch?: { index: number; ahead: number };
  /** ADR whose target is `ahead` words after the register branch `brAt` items later. */
  adr?: { rd: number; brAt: number; ahead: number };
  /** Inside a structure (a counted loop, a register branch): no forward branch lands here. */
  inside?: boolean;
}

function offsetField(e: Encoding): string {
  return e.fields.find((s) => OFFSET_FIELDS.has(s.name))!.name;
}

function finish(items: Item[]): number[] {
  const n = items.length;
  return items.map((it, i) => {
    if (it.branch) {
      const e = ENCODINGS[it.branch.index];
      let target = Math.min(i + it.branch.ahead, n);
      while (target < n && items[target].inside) target++;
      const ahead = target - i;
      const spec = e.fields.find((s) => s.name === offsetField(e))!;
      return (it.word | ((ahead & ((1 << spec.width) - 1)) << spec.lsb)) >>> 0;
    }
    if (it.adr) {
      const target = Math.min(i + it.adr.brAt + it.adr.ahead, n);
      const off = (target - i) * 4;
      return (0x10000000 | ((off & 3) << 29) | (((off >> 2) & 0x7ffff) << 5) | it.adr.rd) >>> 0;
    }
    return it.word;
  });
}

/** A cycle through `rows` in shuffled order, so every row comes up equally often. */
function cycler(rows: number[], r: Prng): () => number {
  let queue: number[] = [];
  return () => {
    if (queue.length === 0) {
      queue = [...rows];
      for (let i = queue.length - 1; i > 0; i--) {
        const j = r.below(i + 1);
        [queue[i], queue[j]] = [queue[j], queue[i]];
      }
    }
    return queue.pop()!;
  };
}

const TAG_MASKS = [0x0f00000000000000n, 0x0100000000000000n, 0xff00000000000000n, 0x3c00000000000000n, 0x7e00000000000000n];

function generateBlocks(): { blocks: HarnessBlock[]; seeds: number[] } {
  const r = new Prng(0xe7ec601d);
  const ours = ENCODINGS.map((e, i) => (e.supported && EXEC_FAMILIES.includes(e.family) ? i : -1)).filter((i) => i >= 0);
  const plain = ours.filter((i) => !FORWARD_BRANCH.includes(ENCODINGS[i].family) && ENCODINGS[i].family !== 'branchReg');
  const forward = ours.filter((i) => FORWARD_BRANCH.includes(ENCODINGS[i].family));
  const regBranch = ours.filter((i) => ENCODINGS[i].family === 'branchReg');
  const nextPlain = cycler(plain, r);
  const nextForward = cycler(forward, r);
  const nextRegBranch = cycler(regBranch, r);
  const ORR_I = rowIndex('ORR_i');
  const blocks: HarnessBlock[] = [];
  const seeds: number[] = [];
  for (let b = 0; b < BLOCKS; b++) {
    const items: Item[] = [];
    const count = 3 + r.below(9);
    let loops = 0;
    while (items.length < count) {
      const k = r.below(100);
      if (k < 58) items.push({ word: randomWord(nextPlain(), r).word });
      else if (k < 82) {
        const index = nextForward();
        items.push({ word: randomWord(index, r).word, branch: { index, ahead: 1 + r.below(4) } });
      } else if (k < 92) {
        // ADR Xn, target; [ORR Xn, Xn, #tag]; BR/BLR/RET Xn; ...; target: [BL .+4 to expose the PC]
        const index = nextRegBranch();
        const { word, f } = randomWord(index, r, (g) => g.rn !== 31);
        const tagged = r.chance(0.35);
        const ahead = 1 + r.below(3);
        items.push({ word: 0, adr: { rd: f.rn, brAt: tagged ? 2 : 1, ahead } });
        if (tagged) {
          const m = encodeLogicalImmediate(r.pick(TAG_MASKS), 64)!;
          items.push({ word: wordOf(ENCODINGS[ORR_I], { sf: 1, N: m.N, immr: m.immr, imms: m.imms, rn: f.rn, rd: f.rn }), inside: true });
        }
        items.push({ word, inside: true });
        for (let j = 1; j < ahead; j++) items.push({ word: randomWord(nextPlain(), r).word, inside: true });
        if (tagged) items.push({ word: 0x94000001, inside: true }); // bl .+4
      } else if (loops === 0) {
        // MOVZ Xc, #n; L: body (not writing Xc); SUB Xc, Xc, #1; CBNZ Xc, L  (or SUBS + B.NE)
        loops++;
        const c = r.below(30);
        const n = 1 + r.below(4);
        items.push({ word: (0xd2800000 | (n << 5) | c) >>> 0 });
        const body = 1 + r.below(3);
        for (let j = 0; j < body; j++) items.push({ word: randomWord(nextPlain(), r, (g) => g.rd !== c).word, inside: true });
        const back = -(body + 1);
        if (r.chance(0.5)) {
          items.push({ word: (0xd1000400 | (c << 5) | c) >>> 0, inside: true }); // sub xc, xc, #1
          items.push({ word: (0xb5000000 | ((back & 0x7ffff) << 5) | c) >>> 0, inside: true }); // cbnz xc, L
        } else {
          items.push({ word: (0xf1000400 | (c << 5) | c) >>> 0, inside: true }); // subs xc, xc, #1
          items.push({ word: (0x54000001 | ((back & 0x7ffff) << 5)) >>> 0, inside: true }); // b.ne L
        }
      }
    }
    const seed = r.u32();
    seeds.push(seed);
    blocks.push({ words: finish(items), init: stateFromSeed(seed) });
  }
  return { blocks, seeds };
}

const hex = (v: bigint | number): string => v.toString(16);

function main(): void {
  const { blocks, seeds } = generateBlocks();
  const results = runBlocks(blocks);
  const coverage = new Map<number, number>();
  const lines: string[] = [
    '# Golden execution data: integer data-processing and branch blocks run under QEMU',
    '# (qemu-aarch64 -cpu max, Linux user mode) by tools/qemu-user-harness.ts. Regenerate with',
    '# `npm run gen:exec-golden` (tools/gen-exec-golden.ts). One block per line, tab-separated, hex:',
    '# seed (initial X0..X30, SP, NZCV = stateFromSeed(seed)), FNV-1a hash of that state, address',
    '# of the first word, the words, and the final state as the values that differ from the',
    '# initial state (xN=, sp=, nzcv=).',
  ];
  let instructions = 0;
  results.forEach((res, k) => {
    const b = blocks[k];
    if (res.signal) throw new Error(`block ${k} raised signal ${res.signal.signo} at ${hex(res.signal.pc)}: ${b.words.map((w) => hex(w)).join(' ')}`);
    for (const w of b.words) {
      const row = decode(w);
      coverage.set(row, (coverage.get(row) ?? 0) + 1);
    }
    instructions += b.words.length;
    const diff: string[] = [];
    res.final.x.forEach((v, i) => {
      if (v !== b.init.x[i]) diff.push(`x${i}=${hex(v)}`);
    });
    if (res.final.sp !== b.init.sp) diff.push(`sp=${hex(res.final.sp)}`);
    if (res.final.nzcv !== b.init.nzcv) diff.push(`nzcv=${hex(res.final.nzcv)}`);
    lines.push([hex(seeds[k]), hex(stateHash(b.init)), hex(res.address), b.words.map((w) => hex(w >>> 0)).join(' '), diff.join(' ')].join('\t'));
  });
  for (const [i, e] of ENCODINGS.entries()) {
    if (!e.supported || !EXEC_FAMILIES.includes(e.family)) continue;
    const n = coverage.get(i) ?? 0;
    if (n < MIN_PER_ROW) throw new Error(`row ${e.name} covered ${n} times (< ${MIN_PER_ROW})`);
  }
  mkdirSync(OUT, { recursive: true });
  writeFileSync(new URL('int.tsv', OUT), lines.join('\n') + '\n');
  console.log(`test/golden/exec/int.tsv: ${blocks.length} blocks, ${instructions} instructions`);
}

main();
