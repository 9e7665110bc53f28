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
/** Rows with reserved field values to check after the mask matched. */
const HAS_UNDEF = new Uint8Array(ENCODINGS.length);
/** One reusable field record per row with an `undef` rule: decode allocates nothing. */
const SCRATCH: Fields[] = [];

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
    HAS_UNDEF[i] = e.undef ? 1 : 0;
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
      if (HAS_UNDEF[i] === 1) {
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
