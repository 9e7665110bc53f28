// Regenerates test/golden/exec/mem-*.tsv: random blocks of load/store, pair, literal, prefetch,
// exclusive, ordered, LSE atomic and MTE instructions (every row of those families, with random
// fields), and blocks around DC ZVA/GVA/GZVA, run under QEMU's Linux user mode
// (tools/qemu-user-harness.ts) against a data buffer (tools/mem-golden.ts) that is PROT_MTE with
// synchronous or no tag checking, or untagged. test/exec-mem-golden.test.ts replays them in
// granule at EL0 and compares registers, SP, NZCV, the buffer, its allocation tags and the
// signal that ends a faulting block.
//
// Run: npm run gen:mem-golden   (needs qemu-aarch64 and GNU binutils for aarch64-linux-gnu;
// QEMU_AARCH64 selects the QEMU binary: the committed data comes from QEMU 10.0.2)
//
// Deterministic: one seeded PRNG chooses everything. Every access lands inside the buffer (the
// generator tracks the base registers, writeback included) so the only faults are the ones
// granule and QEMU must agree on: tag check faults, alignment faults (16-byte tag stores,
// atomics/exclusives/ordered accesses that cross a 16-byte boundary -- the only misaligned ones
// generated, because QEMU's FEAT_LSE2 lets those inside a block through and granule does not
// implement LSE2) and the EL0 UNDEFINED LDGM/STGM/STZGM. Avoided on purpose: CONSTRAINED
// UNPREDICTABLE register overlaps, store-exclusives without their load-exclusive (QEMU keeps the
// monitor across blocks), IRG with more than one allowed tag (QEMU user mode seeds RGSR_EL1 at
// random), a misaligned SP (QEMU does not check SCTLR_EL1.SA0), and DC ZVA with tag checking on
// (see tools/mem-golden.ts). Generation fails, writing nothing, if a row is
// covered fewer than MIN_PER_ROW times or QEMU raises an unexpected signal.

import { mkdirSync, writeFileSync } from 'node:fs';
import { decode } from '../isa/decode.js';
import { ENCODINGS, type Encoding, type Family } from '../isa/encodings.js';
import type { Fields } from '../isa/operands.js';
import { BUFFER_BASE, BUFFER_SIZE, formatLine, GOLDEN_SETS, GRANULES, initialMemory, type GoldenSet } from './mem-golden.js';
import { Prng, runBlocks, stateFromSeed, stateHash, type HarnessBlock } from './qemu-user-harness.js';

const OUT = new URL('../../test/golden/exec/', import.meta.url);
const MIN_PER_ROW = 12;

export const MEM_FAMILIES: readonly Family[] = [
  'loadStore', 'loadLiteral', 'prefetch', 'loadStorePair', 'exclusive', 'exclusivePair', 'acquireRelease', 'compareSwap',
  'compareSwapPair', 'atomic', 'swap', 'irg', 'gmi', 'subp', 'addSubTag', 'ldg', 'stg', 'stgp', 'ldgm', 'stgm', 'stzgm',
];

function wordOf(e: Encoding, f: Fields): number {
  let w = e.match | e.sbo;
  for (const spec of e.fields) w |= ((f[spec.name] ?? 0) & ((1 << spec.width) - 1)) << spec.lsb;
  return w >>> 0;
}

const movz = (rd: number, imm: number, hw: number): number => (0xd2800000 | (hw << 21) | ((imm & 0xffff) << 5) | rd) >>> 0;
const movk = (rd: number, imm: number, hw: number): number => (0xf2800000 | (hw << 21) | ((imm & 0xffff) << 5) | rd) >>> 0;
const ADD_SP = (rn: number): number => (0x91000000 | (rn << 5) | 31) >>> 0; // add sp, xn, #0
const CLREX = 0xd5033f5f;

/** The words that put a 64-bit value into Xd. */
function setReg(rd: number, v: bigint): number[] {
  v = BigInt.asUintN(64, v);
  const out = [movz(rd, Number(v & 0xffffn), 0)];
  for (let hw = 1; hw < 4; hw++) {
    const part = Number((v >> BigInt(16 * hw)) & 0xffffn);
    if (part !== 0) out.push(movk(rd, part, hw));
  }
  return out;
}

const pointer = (off: number, tag: number): bigint => BUFFER_BASE + BigInt(off) + (BigInt(tag) << 56n);

/** A register holding a pointer into the buffer: its offset and logical tag. */
interface Base {
  off: number;
  tag: number;
}

/** One block under construction. */
class Block {
  readonly words: number[] = [];
  /** Pointer registers, their tracked values (x0..x30; 31 = SP). */
  readonly bases = new Map<number, Base>();
  readonly pool: number[];
  readonly index: number;
  readonly temp: number;
  readonly free: number[];
  readonly tags: Uint8Array;
  constructor(
    readonly r: Prng,
    readonly set: GoldenSet,
    tags: Uint8Array,
  ) {
    const regs = Array.from({ length: 31 }, (_, i) => i);
    for (let i = regs.length - 1; i > 0; i--) {
      const j = r.below(i + 1);
      [regs[i], regs[j]] = [regs[j], regs[i]];
    }
    this.pool = regs.slice(0, 3);
    this.index = regs[3];
    this.temp = regs[4];
    this.free = regs.slice(5);
    this.tags = new Uint8Array(tags);
  }

  /** The tag a pointer to `off` gets: the granule's own, or (rarely, when checking) another. */
  pointerTag(off: number): number {
    const own = this.tags[off >> 4];
    if (this.set.mte && this.set.tcf === 'sync' && this.r.chance(0.05)) return (own + 1 + this.r.below(15)) & 15;
    return this.set.mte ? own : this.r.below(16);
  }

  /** Points `reg` (a pool register or 31 = SP) at buffer offset `off`, tagged for an access at `tagFor`. */
  point(reg: number, off: number, tagFor = off): void {
    const tag = this.pointerTag(Math.min(Math.max(tagFor, 0), BUFFER_SIZE - 1));
    if (reg === 31) {
      this.words.push(...setReg(this.temp, pointer(off, tag)), ADD_SP(this.temp));
    } else this.words.push(...setReg(reg, pointer(off, tag)));
    this.bases.set(reg, { off, tag });
  }

  /**
   * A base register (a pool register, or SP when `allowSp`) for an access at `target`: one whose
   * tracked value already gives an offset `ok` accepts, or one set up for an offset `choose`
   * proposes. SP only ever holds a 16-byte aligned pointer (SCTLR_EL1.SA0, which QEMU ignores).
   */
  baseFor(target: number, allowSp: boolean, ok: (delta: number, reg: number) => boolean, choose: () => number): number {
    const reg = allowSp && this.r.chance(0.15) ? 31 : this.r.pick(this.pool);
    const cur = this.bases.get(reg);
    if (cur && ok(target - cur.off, reg) && this.r.chance(0.6)) {
      // Re-tag for this access now and then (SP keeps its tag).
      if (reg !== 31 && this.set.mte && this.r.chance(0.5)) {
        const tag = this.pointerTag(target);
        this.words.push(movk(reg, tag << 8, 3));
        cur.tag = tag;
      }
      return reg;
    }
    for (let tries = 0; tries < 100; tries++) {
      let off = target - choose();
      if (reg === 31) off -= ((off % 16) + 16) % 16;
      if (off >= 0 && off <= BUFFER_SIZE && ok(target - off, reg)) {
        this.point(reg, off, target);
        return reg;
      }
    }
    return this.baseFor(target, false, ok, choose);
  }

  /** A register for data (never a pointer register): now and then 31 (XZR, or SP for STG's Xt). */
  reg(avoid: number[] = [], allow31 = true): number {
    if (allow31 && !avoid.includes(31) && this.r.chance(0.08)) return 31;
    for (;;) {
      const v = this.r.pick(this.free);
      if (!avoid.includes(v)) return v;
    }
  }
}

/** A random target offset for an access of `size` bytes (aligned to `align` unless `misalign`). */
function target(r: Prng, size: number, align: number, misalign: boolean): number {
  for (;;) {
    // Now and then right at the page boundary in the middle of the buffer.
    let t = r.chance(0.15) ? 4096 - size + r.below(2 * size) : r.below(BUFFER_SIZE - size + 1);
    if (!misalign) t -= t % align;
    if (t >= 0 && t + size <= BUFFER_SIZE) return t;
  }
}

/** A target that crosses a 16-byte boundary while not aligned to `size` (for the LSE2-proof alignment faults). */
function crossing16(r: Prng, size: number): number {
  const g = 1 + r.below(GRANULES - 2);
  return g * 16 - 1 - r.below(Math.max(1, size - 1));
}

function rowsOf(pred: (e: Encoding) => boolean): number[] {
  return ENCODINGS.map((e, i) => (e.supported && pred(e) ? i : -1)).filter((i) => i >= 0);
}
const plainLoadRow = (size: number): number => rowsOf((e) => e.family === 'loadStore' && e.attrs.mode === 'uimm' && e.attrs.load === true && !e.attrs.signed && e.attrs.size === size)[0];
const loadExclusiveRow = (size: number, pair: boolean): number =>
  rowsOf((e) => e.family === (pair ? 'exclusivePair' : 'exclusive') && e.attrs.load === true && !e.attrs.acquire && e.attrs.size === size)[0];

const mod16 = (v: number): number => ((v % 16) + 16) % 16;

/** Emits one instruction of row `index` (with whatever setup it needs) into the block. */
function emit(b: Block, index: number): void {
  const e = ENCODINGS[index];
  const a = e.attrs;
  const r = b.r;
  const f: Fields = {};
  const size = a.size ?? 0;
  const esz = 1 << size;
  const put = (): void => {
    const w = wordOf(e, f);
    if (decode(w) !== index) throw new Error(`${e.name}: fields ${JSON.stringify(f)} decode elsewhere`);
    b.words.push(w);
  };
  /** A post-index immediate (in units of `unit` bytes, `bits` wide) keeping the base in the buffer. */
  const postImm = (rn: number, unit: number, bits: number): number => {
    const base = b.bases.get(rn)!;
    const lim = Math.min(1 << (bits - 1), Math.floor(512 / unit));
    for (;;) {
      const k = r.below(2 * lim) - lim;
      if ((rn !== 31 || mod16(k * unit) === 0) && base.off + k * unit >= 0 && base.off + k * unit <= BUFFER_SIZE) {
        base.off += k * unit;
        return k & ((1 << bits) - 1);
      }
    }
  };
  const atBase = (t: number, allowSp: boolean): number => b.baseFor(t, allowSp, (d) => d === 0, () => 0);
  switch (e.family) {
    case 'loadStore': {
      const t = target(r, esz, esz, r.chance(0.3));
      f.rt = b.reg();
      if (a.mode === 'reg') {
        f.option = r.pick([2, 3, 6, 7]);
        f.S = r.below(2);
        const scale = f.S ? esz : 1;
        const unsigned = f.option === 2;
        f.rn = b.baseFor(t, true, (d) => d % scale === 0 && (!unsigned || d >= 0), () => scale * (r.below(64) - (unsigned ? 0 : 32)));
        const k = (t - b.bases.get(f.rn)!.off) / scale;
        // The W index forms ignore bits 63:32: fill them with noise.
        const w32 = f.option === 2 || f.option === 6;
        const v = w32 ? BigInt.asUintN(32, BigInt(k)) | (BigInt(r.u32()) << 32n) : BigInt.asUintN(64, BigInt(k));
        b.words.push(...setReg(b.index, v));
        f.rm = b.index;
      } else if (a.mode === 'post') {
        f.rn = atBase(t, true);
        f.imm9 = postImm(f.rn, 1, 9);
      } else if (a.mode === 'uimm') {
        f.rn = b.baseFor(t, true, (d) => d >= 0 && d % esz === 0 && d / esz < 4096, () => esz * r.below(64));
        f.imm12 = (t - b.bases.get(f.rn)!.off) / esz;
      } else {
        const pre = a.mode === 'pre';
        f.rn = b.baseFor(t, !pre || mod16(t) === 0, (d, reg) => d >= -256 && d < 256 && (!pre || reg !== 31 || mod16(d) === 0), () => r.below(512) - 256);
        f.imm9 = (t - b.bases.get(f.rn)!.off) & 0x1ff;
        if (pre) b.bases.get(f.rn)!.off = t;
      }
      put();
      return;
    }
    case 'loadLiteral': {
      // A word earlier in the block, so the literal's 4 or 8 bytes stay inside the block.
      if (b.words.length < 2) b.words.push(...setReg(b.temp, BigInt(r.u32())));
      f.imm19 = -(1 + r.below(Math.min(b.words.length - 1, 64))) & 0x7ffff;
      f.rt = b.reg();
      put();
      return;
    }
    case 'prefetch': {
      for (const spec of e.fields) f[spec.name] = r.below(2 ** spec.width);
      if (e.name === 'PRFM_r') f.option = r.pick([2, 3, 6, 7]);
      put();
      return;
    }
    case 'loadStorePair': {
      const t = target(r, 2 * esz, esz, r.chance(0.2));
      if (a.mode === 'post') {
        f.rn = atBase(t, true);
        f.imm7 = postImm(f.rn, esz, 7);
      } else {
        const pre = a.mode === 'pre';
        f.rn = b.baseFor(t, !pre || mod16(t) === 0, (d, reg) => d % esz === 0 && d / esz >= -64 && d / esz < 64 && (!pre || reg !== 31 || mod16(d) === 0), () => esz * (r.below(128) - 64));
        f.imm7 = ((t - b.bases.get(f.rn)!.off) / esz) & 0x7f;
        if (pre) b.bases.get(f.rn)!.off = t;
      }
      f.rt = b.reg();
      f.rt2 = b.reg(a.load ? [f.rt === 31 ? -1 : f.rt] : []);
      if (a.load && f.rt === f.rt2) f.rt2 = b.reg([f.rt], false);
      put();
      return;
    }
    case 'exclusive':
    case 'exclusivePair': {
      const pair = e.family === 'exclusivePair';
      const total = pair ? 2 * esz : esz;
      if (a.load) {
        const misalign = total > 1 && r.chance(0.05);
        const t = misalign ? crossing16(r, total) : target(r, total, total, false);
        f.rn = atBase(t, !misalign);
        f.rt = b.reg();
        if (pair) f.rt2 = b.reg([f.rt], false);
        put();
        return;
      }
      // A store-exclusive right after its load-exclusive, of the same location or (now and
      // then) another one, with CLREX between them now and then.
      const t = target(r, total, total, false);
      const lt = r.chance(0.25) ? target(r, total, total, false) : t;
      const le = ENCODINGS[loadExclusiveRow(size, pair)];
      const lrn = atBase(lt, true);
      const lf: Fields = { rn: lrn, rt: b.reg() };
      if (pair) lf.rt2 = b.reg([lf.rt], false);
      b.words.push(wordOf(le, lf));
      if (r.chance(0.1)) b.words.push(CLREX);
      f.rn = atBase(t, true);
      f.rt = b.reg();
      if (pair) f.rt2 = b.reg();
      f.rs = b.reg([f.rt, f.rt2 ?? -1]);
      put();
      return;
    }
    case 'acquireRelease': {
      const misalign = esz > 1 && r.chance(0.08);
      const t = misalign ? crossing16(r, esz) : target(r, esz, esz, false);
      if (a.mode === 'unscaled') {
        // QEMU does not tag-check LDAPUR/STLUR (the architecture does, when Rn != 31): give
        // them a pointer with the right tag so that the two agree.
        f.rn = b.baseFor(t, false, (d) => d >= -256 && d < 256, () => r.below(512) - 256);
        const base = b.bases.get(f.rn)!;
        f.imm9 = (t - base.off) & 0x1ff;
        if (b.set.mte && base.tag !== b.tags[t >> 4]) {
          base.tag = b.tags[t >> 4];
          b.words.push(movk(f.rn, base.tag << 8, 3));
        }
      } else f.rn = atBase(t, !misalign);
      f.rt = b.reg();
      put();
      return;
    }
    case 'compareSwap':
    case 'compareSwapPair':
    case 'atomic':
    case 'swap': {
      const pair = e.family === 'compareSwapPair';
      const total = pair ? 2 * esz : esz;
      const misalign = total > 1 && r.chance(0.05);
      const t = misalign ? crossing16(r, total) : target(r, total, total, false);
      f.rn = atBase(t, !misalign);
      if (pair) {
        const evens = b.free.filter((v) => v % 2 === 0 && b.free.includes(v + 1));
        f.rs = r.pick(evens);
        f.rt = r.pick(evens);
        // Half the time the comparison succeeds: load the expected pair first.
        if (!misalign && r.chance(0.5)) {
          const lp = rowsOf((x) => x.family === 'loadStorePair' && x.attrs.load === true && !x.attrs.signed && x.attrs.size === size && x.attrs.mode === 'offset' && x.name.startsWith('LDP'))[0];
          b.words.push(wordOf(ENCODINGS[lp], { rn: f.rn, rt: f.rs, rt2: f.rs + 1, imm7: 0 }));
        }
      } else {
        f.rs = b.reg();
        f.rt = b.reg();
        if (e.family === 'compareSwap' && f.rs !== 31 && !misalign && r.chance(0.5)) {
          b.words.push(wordOf(ENCODINGS[plainLoadRow(size)], { rn: f.rn, rt: f.rs, imm12: 0 }));
        }
      }
      put();
      return;
    }
    case 'irg': {
      // Only one tag allowed, so the result does not depend on RGSR_EL1 (see the header).
      const t = r.below(16);
      b.words.push(...setReg(b.temp, BigInt(0xffff & ~(1 << t)) | (BigInt(r.u32()) << 16n)));
      f.rm = b.temp;
      f.rn = r.chance(0.5) ? r.pick(b.pool) : b.reg();
      f.rd = b.reg([], false);
      put();
      return;
    }
    case 'gmi':
    case 'subp':
    case 'addSubTag': {
      for (const spec of e.fields) f[spec.name] = r.below(2 ** spec.width);
      for (const s of ['rn', 'rm']) if (s in f) f[s] = r.chance(0.4) ? r.pick(b.pool) : b.reg();
      // ADDG/SUBG write Xd|SP: never SP, which holds a tracked pointer.
      f.rd = b.reg([], e.family !== 'addSubTag');
      put();
      return;
    }
    case 'ldg': {
      const t = r.below(BUFFER_SIZE);
      f.rn = b.baseFor(t, true, (d) => Math.floor(d / 16) >= -256 && Math.floor(d / 16) < 256, () => 16 * (r.below(512) - 256) + r.below(16));
      f.imm9 = Math.floor((t - b.bases.get(f.rn)!.off) / 16) & 0x1ff;
      f.rt = b.reg();
      put();
      return;
    }
    case 'stg':
    case 'stgp': {
      const n = a.pair && e.family === 'stg' ? 2 : 1;
      const misalign = r.chance(0.03);
      const t = misalign ? 16 * (1 + r.below(GRANULES - 4)) + 1 + r.below(15) : 16 * r.below(GRANULES - n + 1);
      const field = e.family === 'stgp' ? 'imm7' : 'imm9';
      const bits = e.family === 'stgp' ? 7 : 9;
      const lim = 1 << (bits - 1);
      if (a.mode === 'post') {
        f.rn = atBase(t, !misalign);
        const tag = b.bases.get(f.rn)!.tag;
        f[field] = postImm(f.rn, 16, bits);
        tagStoreRegs(b, e, f);
        if (!misalign) b.tags.fill(e.family === 'stgp' ? tag : tagSource(b, f.rt), t >> 4, (t >> 4) + n);
      } else {
        const pre = a.mode === 'pre';
        f.rn = b.baseFor(t, !misalign, (d) => d % 16 === 0 && d / 16 >= -lim && d / 16 < lim, () => 16 * (r.below(128) - 64));
        const base = b.bases.get(f.rn)!;
        f[field] = ((t - base.off) / 16) & ((1 << bits) - 1);
        tagStoreRegs(b, e, f);
        if (!misalign) b.tags.fill(e.family === 'stgp' ? base.tag : tagSource(b, f.rt), t >> 4, (t >> 4) + n);
        if (pre) base.off = t;
      }
      put();
      return;
    }
    default: {
      // LDGM/STGM/STZGM: UNDEFINED at EL0.
      f.rn = r.pick(b.pool);
      f.rt = b.reg();
      put();
    }
  }
}

/** STGP's data registers; the STG family's Xt|SP is a pointer register, so the tags stay known. */
function tagStoreRegs(b: Block, e: Encoding, f: Fields): void {
  if (e.family === 'stgp') {
    f.rt = b.reg();
    f.rt2 = b.reg();
  } else if (b.bases.has(31) && b.r.chance(0.2)) f.rt = 31;
  else {
    const known = b.pool.filter((p) => b.bases.has(p));
    if (known.length === 0) {
      b.point(b.pool[0], b.r.below(BUFFER_SIZE));
      known.push(b.pool[0]);
    }
    f.rt = b.r.pick(known);
  }
}

/** The tag an STG-family Xt|SP holds (every pointer register's tag is tracked exactly). */
function tagSource(b: Block, rt: number): number {
  return b.bases.get(rt)!.tag;
}

/** A cycle through `rows` in shuffled order. */
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

// DC ZVA/GVA/GZVA (SYS op1 = 3, CRn = 7, CRm = 4, op2 = 1/3/4), among the other instructions.
const DC_OPS = [1, 3, 4];
const dcWord = (op2: number, rt: number): number => (0xd50b7400 | (op2 << 5) | rt) >>> 0;

function emitDc(b: Block): void {
  const r = b.r;
  const op2 = r.pick(DC_OPS);
  const t = r.below(BUFFER_SIZE);
  const reg = r.pick(b.pool);
  b.point(reg, t);
  b.words.push(dcWord(op2, reg));
  const start = (t & ~63) >> 4;
  if (op2 !== 1) b.tags.fill(b.bases.get(reg)!.tag, start, start + 4);
}

function generate(set: GoldenSet, r: Prng): { blocks: HarnessBlock[]; seeds: number[] } {
  const ours = ENCODINGS.map((e, i) => (e.supported && MEM_FAMILIES.includes(e.family) ? i : -1)).filter((i) => i >= 0);
  const rare = new Set(['ldgm', 'stgm', 'stzgm']);
  const common = ours.filter((i) => !rare.has(ENCODINGS[i].family));
  const next = cycler(common, r);
  const nextRare = cycler(ours.filter((i) => rare.has(ENCODINGS[i].family)), r);
  const blocks: HarnessBlock[] = [];
  const seeds: number[] = [];
  for (let k = 0; k < set.blocks; k++) {
    const seed = r.u32();
    const mem = initialMemory(seed, set.mte);
    const b = new Block(r, set, mem.tags);
    const count = 3 + r.below(6);
    for (let i = 0; i < count; i++) {
      if (set.kind === 'dc' && r.chance(0.5)) emitDc(b);
      else emit(b, set.kind === 'mem' && r.chance(0.01) ? nextRare() : next());
    }
    seeds.push(seed);
    blocks.push({ words: b.words, init: stateFromSeed(seed), data: mem.data, tags: set.mte ? mem.tags : undefined });
  }
  return { blocks, seeds };
}

/** The signals a block may end with: SIGSEGV for tag checks, SIGBUS for alignment, SIGILL. */
const EXPECTED_SIGNALS = new Set(['11/9', '7/1', '4/1', '4/2']);

function main(): void {
  const r = new Prng(0x6d656d21);
  const coverage = new Map<number, number>();
  const summary: string[] = [];
  const outputs: [string, string][] = [];
  for (const set of GOLDEN_SETS) {
    const { blocks, seeds } = generate(set, r);
    const results = runBlocks(blocks, { data: { base: BUFFER_BASE, size: BUFFER_SIZE, mte: set.mte, tcf: set.tcf }, chunk: 100, qemuArgs: ['-cpu', set.cpu] });
    const lines = [
      `# Golden execution data: load/store, atomic and MTE blocks${set.kind === 'dc' ? ' with DC ZVA/GVA/GZVA' : ''} run under QEMU (qemu-aarch64,`,
      `# Linux user mode, EL0, -cpu ${set.cpu}) by tools/qemu-user-harness.ts with a ${BUFFER_SIZE}-byte buffer at 0x${BUFFER_BASE.toString(16)}: ${set.mte ? `PROT_MTE, tag checks ${set.tcf}` : 'untagged'}.`,
      '# Regenerate with `npm run gen:mem-golden` (tools/gen-mem-golden.ts); the format is described in tools/mem-golden.ts.',
    ];
    let signals = 0;
    results.forEach((res, k) => {
      const b = blocks[k];
      if (res.signal) {
        const key = `${res.signal.signo}/${res.signal.code}`;
        if (!EXPECTED_SIGNALS.has(key) || (set.tcf !== 'sync' && key === '11/9')) {
          throw new Error(`${set.file} block ${k}: unexpected signal ${key} at 0x${res.signal.pc.toString(16)} addr 0x${res.signal.addr.toString(16)}: ${b.words.map((w) => w.toString(16)).join(' ')}`);
        }
        signals++;
      }
      for (const w of b.words) coverage.set(decode(w), (coverage.get(decode(w)) ?? 0) + 1);
      lines.push(formatLine(seeds[k], stateHash(b.init), res.address, b.words, b.init, res.final, set.mte, res.data!, res.tags, res.signal));
    });
    outputs.push([set.file, lines.join('\n') + '\n']);
    summary.push(`test/golden/exec/${set.file}: ${blocks.length} blocks, ${blocks.reduce((n, b) => n + b.words.length, 0)} words, ${signals} ending in a signal`);
  }
  for (const [i, e] of ENCODINGS.entries()) {
    if (!e.supported || !MEM_FAMILIES.includes(e.family)) continue;
    const n = coverage.get(i) ?? 0;
    const min = ['ldgm', 'stgm', 'stzgm'].includes(e.family) ? 3 : MIN_PER_ROW;
    if (n < min) throw new Error(`row ${e.name} covered ${n} times (< ${min})`);
  }
  mkdirSync(OUT, { recursive: true });
  for (const [file, text] of outputs) writeFileSync(new URL(file, OUT), text);
  console.log(summary.join('\n'));
}

main();
