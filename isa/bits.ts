// Bit-level helpers shared by the decoder, disassembler and assembler, and the ASL "decode"
// functions that depend only on the encoding (Arm ARM shared pseudocode).

/** Bits [lsb + width - 1 : lsb] of a 32-bit word, unsigned. */
export function bits(word: number, lsb: number, width: number): number {
  return width === 32 ? word >>> 0 : (word >>> lsb) & ((1 << width) - 1) >>> 0;
}

/** Sign-extends the low `width` bits of `value` (width <= 32). */
export function signExtend(value: number, width: number): number {
  const shift = 32 - width;
  return (value << shift) >> shift;
}

const MASK64 = (1n << 64n) - 1n;

/** ASL Replicate / ROR on 64-bit bigints, used by DecodeBitMasks (slow path only). */
function ror(value: bigint, amount: number, width: number): bigint {
  const w = BigInt(width);
  const a = BigInt(amount % width);
  const m = (1n << w) - 1n;
  value &= m;
  return a === 0n ? value : ((value >> a) | (value << (w - a))) & m;
}

function replicate(value: bigint, esize: number, width: number): bigint {
  let out = 0n;
  for (let i = 0; i < width; i += esize) out |= value << BigInt(i);
  return out & ((1n << BigInt(width)) - 1n);
}

export interface BitMasks {
  wmask: bigint;
  tmask: bigint;
}

/**
 * ASL DecodeBitMasks(immN, imms, immr, immediate, M). Returns undefined where the ASL
 * says UNDEFINED (reserved element size or, for logical immediates, an all-ones element).
 */
export function decodeBitMasks(immN: number, imms: number, immr: number, immediate: boolean, datasize: number): BitMasks | undefined {
  const combined = (immN << 6) | (~imms & 0x3f);
  if (combined === 0) return undefined;
  const len = 31 - Math.clz32(combined);
  if (len < 1) return undefined;
  const levels = (1 << len) - 1;
  if (immediate && (imms & levels) === levels) return undefined;
  const esize = 1 << len;
  if (esize > datasize) return undefined;
  const s = imms & levels;
  const r = immr & levels;
  const diff = (s - r) & levels;
  const welem = (1n << BigInt(s + 1)) - 1n;
  const telem = (1n << BigInt(diff + 1)) - 1n;
  return {
    wmask: replicate(ror(welem, r, esize), esize, datasize),
    tmask: replicate(telem, esize, datasize),
  };
}

/** The value of a logical immediate (AND/ORR/EOR/ANDS), or undefined if the encoding is reserved. */
export function logicalImmediate(immN: number, immr: number, imms: number, datasize: number): bigint | undefined {
  return decodeBitMasks(immN, imms, immr, true, datasize)?.wmask;
}

/** Inverse of logicalImmediate: the N:immr:imms encoding of `value`, or undefined if none exists. */
export function encodeLogicalImmediate(value: bigint, datasize: number): { N: number; immr: number; imms: number } | undefined {
  const full = (1n << BigInt(datasize)) - 1n;
  value &= full;
  if (value === 0n || value === full) return undefined;
  // Find the smallest element size whose replication gives the value.
  let esize = datasize;
  while (esize > 2) {
    const half = esize / 2;
    const m = (1n << BigInt(half)) - 1n;
    if ((value & m) !== ((value >> BigInt(half)) & m)) break;
    esize = half;
  }
  const emask = (1n << BigInt(esize)) - 1n;
  const elem = value & emask;
  // The element must be a rotated run of ones: find the rotation that puts the run at bit 0.
  for (let r = 0; r < esize; r++) {
    const rotated = ((elem << BigInt(r)) | (elem >> BigInt(esize - r))) & emask; // rotate left by r
    if ((rotated & (rotated + 1n)) === 0n) {
      // rotated = 0...01...1 with ones = popcount
      let ones = 0;
      for (let v = rotated; v !== 0n; v >>= 1n) ones++;
      const immr = r;
      const sizeBits = (~(esize * 2 - 1) & 0x3f) | (ones - 1);
      return { N: esize === 64 ? 1 : 0, immr, imms: sizeBits & 0x3f };
    }
  }
  return undefined;
}

/** Two's-complement 64-bit value as an unsigned bigint. */
export function u64(v: bigint): bigint {
  return v & MASK64;
}

/** Formats like LLVM's printHex: `0x` and lower-case digits (zero is `0x0`). */
export function hex(v: bigint | number): string {
  return '0x' + (typeof v === 'bigint' ? u64(v) : v >>> 0).toString(16);
}
