// Deterministic instruction corpora for the benchmarks, generated from the encoding table.
// The mix approximates the dynamic instruction mix of compiled integer code (roughly 45 %
// data processing, 35 % loads and stores, 17 % branches, a little system and MTE).

import { decode } from '../isa/decode.js';
import { ENCODINGS, type Encoding, type Family } from '../isa/encodings.js';

/** xorshift32: a small seeded generator, so every run measures the same words. */
export function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>>= 0);
  };
}

/** Relative weight of each family in the mix; a family's weight is shared among its rows. */
const FAMILY_WEIGHT: Partial<Record<Family, number>> = {
  addSubImm: 10, addSubShifted: 6, addSubExtended: 1, addSubCarry: 0.3, logicalImm: 3, logicalShifted: 4,
  moveWide: 5, bitfield: 4, extract: 0.3, adr: 2, condSelect: 3, condCompare: 1.5,
  dataProc1: 0.5, dataProc2: 1, dataProc3: 1.5,
  loadStore: 23, loadStorePair: 8, loadLiteral: 0.5, prefetch: 0.2, exclusive: 0.3, exclusivePair: 0.05,
  acquireRelease: 0.5, atomic: 0.5, swap: 0.1, compareSwap: 0.2, compareSwapPair: 0.05,
  branchCond: 7, branchImm: 4, compareBranch: 3, testBranch: 1.5, branchReg: 2,
  hint: 0.5, barrier: 0.3, clrex: 0.02, mrs: 0.2, msrReg: 0.1, msrImm: 0.05, flagm: 0.01, sys: 0.05, exception: 0.1,
  addSubTag: 0.7, irg: 0.3, gmi: 0.1, subp: 0.2, stg: 0.7, stgp: 0.4, ldg: 0.3, ldgm: 0.03, stgm: 0.03, stzgm: 0.03,
};

/** Compilers use scaled unsigned offsets far more than the other addressing forms. */
function rowFactor(e: Encoding): number {
  if (e.family !== 'loadStore') return 1;
  return e.attrs.mode === 'uimm' ? 6 : e.attrs.mode === 'unpriv' ? 0.1 : 1;
}

/** A word of row `index` with random field values, or undefined if it hit a reserved value. */
function randomWord(index: number, rand: () => number): number | undefined {
  const e = ENCODINGS[index];
  const w = ((rand() & e.significant & ~e.mask) | e.match | e.sbo) >>> 0;
  return decode(w) === index ? w : undefined;
}

export interface CorpusOptions {
  seed?: number;
  /** Only rows for which this is true (e.g. the assembler benchmark leaves out PC-relative rows). */
  filter?: (e: Encoding) => boolean;
}

/** `count` words drawn from the weighted mix of supported rows. */
export function mixedCorpus(count: number, o: CorpusOptions = {}): Uint32Array {
  const rand = prng(o.seed ?? 0x6a09e667);
  const rows: number[] = [];
  const cumulative: number[] = [];
  const perFamily = new Map<Family, number>();
  for (const e of ENCODINGS) if (e.supported) perFamily.set(e.family, (perFamily.get(e.family) ?? 0) + rowFactor(e));
  let total = 0;
  ENCODINGS.forEach((e, i) => {
    const w = FAMILY_WEIGHT[e.family];
    if (!e.supported || !w || (o.filter && !o.filter(e))) return;
    total += (w * rowFactor(e)) / perFamily.get(e.family)!;
    rows.push(i);
    cumulative.push(total);
  });
  const out = new Uint32Array(count);
  for (let n = 0; n < count; ) {
    const x = (rand() / 2 ** 32) * total;
    let lo = 0;
    let hi = rows.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    // Retry the chosen row, so rows with many reserved values keep their share of the mix.
    for (let tries = 0; tries < 64; tries++) {
      const w = randomWord(rows[lo], rand);
      if (w === undefined) continue;
      out[n++] = w;
      break;
    }
  }
  return out;
}

/** `count` words drawn uniformly from the whole 32-bit space (mostly SIMD/FP, SVE and unallocated). */
export function spaceSample(count: number, seed = 0xbb67ae85): Uint32Array {
  const rand = prng(seed);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = rand();
  return out;
}
