// The decoder, compiled from the encoding table at module load. Every 32-bit word decodes to a
// row index (a supported or an allocated-but-unsupported encoding) or to UNDEFINED; it never
// throws. Rows are bucketed on bits [31:21]; inside a bucket the most specific mask is tried
// first, the way dynarmic orders its matcher list.

import { ENCODINGS, type Encoding } from './encodings.js';
import type { Fields } from './operands.js';

export const UNDEFINED = -1;

const BUCKET_SHIFT = 21;
const BUCKETS = 1 << (32 - BUCKET_SHIFT);

const popcount = (x: number): number => {
  let n = 0;
  for (let v = x >>> 0; v; v &= v - 1) n++;
  return n;
};

/** Per-bucket candidate lists, flattened: bucket b holds rows CAND[START[b] .. START[b+1]). */
const START = new Int32Array(BUCKETS + 1);
let CAND: Int32Array;
const MASKS = new Int32Array(ENCODINGS.length);
const MATCHES = new Int32Array(ENCODINGS.length);
/** Rows with reserved field values to check after the mask matched (1: table, 2: function, 3: not compiled yet). */
const HAS_UNDEF = new Uint8Array(ENCODINGS.length);
/** One reusable field record per row whose `undef` rule runs as a function. */
const SCRATCH: Fields[] = [];
/**
 * Most `undef` rules read a few fields (at most 16 bits): they are compiled into a table indexed
 * by those fields' bits, gathered from the word by GATHER[i] = [lsb, width, lsb, width, ...].
 */
const GATHER: Int32Array[] = [];
const UNDEF_TABLE: Uint8Array[] = [];
const TABLE_BITS = 16;

/** A deterministic PRNG for building tables (xorshift32). */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>>= 0);
  };
}

/** The fields an `undef` rule reads, found by running it on random field values. */
function fieldsRead(e: Encoding, rand: () => number): Set<string> {
  const used = new Set<string>();
  for (let k = 0; k < 256; k++) {
    const f = extractFields(e, rand());
    e.undef!(new Proxy(f, { get: (t, name: string) => (used.add(name), t[name]) }));
  }
  return used;
}

/** Tables shared by rows with the same rule function and field layout (e.g. all logical immediates). */
const tableCache = new Map<Function, Map<string, Uint8Array>>();
const rand = prng(0x9e3779b9);

/** Compiles a row's rule the first time a word matches the row (keeps module load fast). */
function prepareUndef(i: number): number {
  HAS_UNDEF[i] = compileUndef(i, rand) ? 1 : 2;
  return HAS_UNDEF[i];
}

/** Compiles a row's rule into a lookup table, or returns false when it reads too many bits. */
function compileUndef(i: number, rand: () => number): boolean {
  const e = ENCODINGS[i];
  const used = fieldsRead(e, rand);
  const specs = e.fields.filter((f) => used.has(f.name));
  const bits = specs.reduce((n, f) => n + f.width, 0);
  if (bits > TABLE_BITS || specs.length !== used.size) return false;
  const gather = new Int32Array(specs.flatMap((f) => [f.lsb, f.width]));
  const layout = specs.map((f) => `${f.name}:${f.width}`).join(',');
  const byLayout = tableCache.get(e.undef!) ?? new Map<string, Uint8Array>();
  tableCache.set(e.undef!, byLayout);
  let table = byLayout.get(layout);
  if (!table) {
    table = new Uint8Array(1 << bits);
    for (let k = 0; k < table.length; k++) {
      const f: Fields = {};
      let rest = k;
      for (let j = specs.length - 1; j >= 0; j--) {
        f[specs[j].name] = rest & ((1 << specs[j].width) - 1);
        rest >>>= specs[j].width;
      }
      table[k] = e.undef!(f) ? 1 : 0;
    }
    byLayout.set(layout, table);
  }
  GATHER[i] = gather;
  UNDEF_TABLE[i] = table;
  return true;
}

function undefKey(gather: Int32Array, word: number): number {
  let key = 0;
  for (let j = 0; j < gather.length; j += 2) key = (key << gather[j + 1]) | ((word >>> gather[j]) & ((1 << gather[j + 1]) - 1));
  return key;
}

(function build(): void {
  const order = ENCODINGS.map((_, i) => i).sort((a, b) => {
    const ea = ENCODINGS[a];
    const eb = ENCODINGS[b];
    // Supported rows before unsupported classes; then most specific first; then table order.
    if (ea.supported !== eb.supported) return ea.supported ? -1 : 1;
    return popcount(eb.mask) - popcount(ea.mask) || a - b;
  });
  const lists: number[][] = Array.from({ length: BUCKETS }, () => []);
  const keyMask = (BUCKETS - 1) << BUCKET_SHIFT;
  for (const i of order) {
    const e = ENCODINGS[i];
    MASKS[i] = e.mask | 0;
    MATCHES[i] = e.match | 0;
    HAS_UNDEF[i] = e.undef ? 3 : 0;
    SCRATCH[i] = {};
    const m = (e.mask & keyMask) >>> BUCKET_SHIFT;
    const v = (e.match & keyMask) >>> BUCKET_SHIFT;
    for (let b = 0; b < BUCKETS; b++) if ((b & m) === v) lists[b].push(i);
  }
  let total = 0;
  for (let b = 0; b < BUCKETS; b++) {
    START[b] = total;
    total += lists[b].length;
  }
  START[BUCKETS] = total;
  CAND = new Int32Array(total);
  let k = 0;
  for (const l of lists) for (const i of l) CAND[k++] = i;
})();

/** Fills `out` with the row's fields from `word` (unsigned values). */
export function extractFields(e: Encoding, word: number, out: Fields = {}): Fields {
  for (const f of e.fields) out[f.name] = f.width === 32 ? word >>> 0 : (word >>> f.lsb) & ((1 << f.width) - 1);
  return out;
}

/** Row index of `word` in ENCODINGS, or UNDEFINED. */
export function decode(word: number): number {
  const b = word >>> BUCKET_SHIFT;
  const end = START[b + 1];
  for (let k = START[b]; k < end; k++) {
    const i = CAND[k];
    if ((word & MASKS[i]) === MATCHES[i]) {
      let u = HAS_UNDEF[i];
      if (u === 3) u = prepareUndef(i);
      if (u === 1) {
        if (UNDEF_TABLE[i][undefKey(GATHER[i], word)] === 1) continue;
      } else if (u === 2) {
        const e = ENCODINGS[i];
        if (e.undef!(extractFields(e, word, SCRATCH[i]))) continue;
      }
      return i;
    }
  }
  return UNDEFINED;
}

/** Decoded fields for a word known to match row `index`. */
export function fieldsOf(index: number, word: number): Fields {
  return extractFields(ENCODINGS[index], word);
}

export { ENCODINGS };
