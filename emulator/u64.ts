// 64-bit arithmetic on uint32 halves for the hot path (DESIGN.md decision 1). Functions that
// produce a 64-bit value leave it in `u64.lo`/`u64.hi`, a module-level pair, so nothing is
// allocated per instruction.

export const u64 = { lo: 0, hi: 0 };

export const SHIFT_LSL = 0;
export const SHIFT_LSR = 1;
export const SHIFT_ASR = 2;
export const SHIFT_ROR = 3;

/** ASL ShiftReg for 64 bits: type LSL/LSR/ASR/ROR, amount 0..63. */
export function shift64(lo: number, hi: number, type: number, n: number): void {
  if (n === 0) {
    u64.lo = lo;
    u64.hi = hi;
    return;
  }
  switch (type) {
    case SHIFT_LSL:
      if (n < 32) {
        u64.hi = ((hi << n) | (lo >>> (32 - n))) >>> 0;
        u64.lo = (lo << n) >>> 0;
      } else {
        u64.hi = (lo << (n - 32)) >>> 0;
        u64.lo = 0;
      }
      return;
    case SHIFT_LSR:
      if (n < 32) {
        u64.lo = ((lo >>> n) | (hi << (32 - n))) >>> 0;
        u64.hi = hi >>> n;
      } else {
        u64.lo = hi >>> (n - 32);
        u64.hi = 0;
      }
      return;
    case SHIFT_ASR:
      if (n < 32) {
        u64.lo = ((lo >>> n) | (hi << (32 - n))) >>> 0;
        u64.hi = (hi >> n) >>> 0;
      } else {
        u64.lo = (hi >> (n - 32)) >>> 0;
        u64.hi = (hi >> 31) >>> 0;
      }
      return;
    default:
      if (n < 32) {
        u64.lo = ((lo >>> n) | (hi << (32 - n))) >>> 0;
        u64.hi = ((hi >>> n) | (lo << (32 - n))) >>> 0;
      } else if (n === 32) {
        u64.lo = hi;
        u64.hi = lo;
      } else {
        const m = n - 32;
        u64.lo = ((hi >>> m) | (lo << (32 - m))) >>> 0;
        u64.hi = ((lo >>> m) | (hi << (32 - m))) >>> 0;
      }
  }
}

/** ASL ShiftReg for 32 bits. */
export function shift32(v: number, type: number, n: number): number {
  if (n === 0) return v >>> 0;
  switch (type) {
    case SHIFT_LSL: return (v << n) >>> 0;
    case SHIFT_LSR: return v >>> n;
    case SHIFT_ASR: return (v >> n) >>> 0;
    default: return ((v >>> n) | (v << (32 - n))) >>> 0;
  }
}

/** ASL ExtendReg for a 64-bit result: option UXTB..SXTX (0..7), then LSL by `shift` (0..4). */
export function extend64(lo: number, hi: number, option: number, shift: number): void {
  switch (option) {
    case 0: lo &= 0xff; hi = 0; break;
    case 1: lo &= 0xffff; hi = 0; break;
    case 2: hi = 0; break;
    case 3: break;
    case 4: lo = (lo << 24) >> 24; hi = lo >> 31; break;
    case 5: lo = (lo << 16) >> 16; hi = lo >> 31; break;
    case 6: hi = (lo | 0) >> 31; break;
    default: break;
  }
  shift64(lo >>> 0, hi >>> 0, SHIFT_LSL, shift);
}

/** ASL ExtendReg for a 32-bit result. */
export function extend32(v: number, option: number, shift: number): number {
  switch (option & 3) {
    case 0: v = option & 4 ? (v << 24) >> 24 : v & 0xff; break;
    case 1: v = option & 4 ? (v << 16) >> 16 : v & 0xffff; break;
    default: break;
  }
  return (v << shift) >>> 0;
}

/** Unsigned 32x32 -> 64 multiply into u64: a * b = p1 * 2^16 + p0 with both partial products exact. */
export function mulU32(a: number, b: number): void {
  a >>>= 0;
  const p0 = a * (b & 0xffff); // < 2^48
  const p1 = a * (b >>> 16); // < 2^48
  const t = p0 + (p1 & 0xffff) * 65536; // < 2^49; p1 & 0xffff is p1 mod 2^16 (ToInt32 is exact modulo 2^32)
  u64.lo = t >>> 0;
  u64.hi = (p1 / 65536 >>> 0) + (t / 4294967296 >>> 0); // floor(p1 / 2^16) + carry: below 2^32
}

/** Low 64 bits of a 64x64 multiply into u64 (MUL/MADD). */
export function mul64(aLo: number, aHi: number, bLo: number, bHi: number): void {
  mulU32(aLo, bLo);
  u64.hi = (u64.hi + Math.imul(aLo, bHi) + Math.imul(aHi, bLo)) >>> 0;
}

/** Count leading zeros of a 64-bit value. */
export function clz64(lo: number, hi: number): number {
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
}

/** 64-bit halves to bigint and back, for the rare operations that need it (division, MULH). */
export function toBig(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}
export function fromBig(v: bigint): void {
  u64.lo = Number(v & 0xffffffffn);
  u64.hi = Number((v >> 32n) & 0xffffffffn);
}

/** Signed 32x32 -> 64 multiply into u64 (SMULL/SMADDL). */
export function mulS32(a: number, b: number): void {
  mulU32(a >>> 0, b >>> 0);
  // a*b = au*bu - 2^32 * ((a < 0 ? bu : 0) + (b < 0 ? au : 0))  (mod 2^64)
  let hi = u64.hi;
  if ((a | 0) < 0) hi -= b >>> 0;
  if ((b | 0) < 0) hi -= a >>> 0;
  u64.hi = hi >>> 0;
}

/** High 64 bits of the unsigned 128-bit product (UMULH) into u64. */
export function umulh64(aLo: number, aHi: number, bLo: number, bHi: number): void {
  mulU32(aLo, bLo);
  const llHi = u64.hi;
  mulU32(aLo, bHi);
  const lhLo = u64.lo;
  const lhHi = u64.hi;
  mulU32(aHi, bLo);
  const hlLo = u64.lo;
  const hlHi = u64.hi;
  mulU32(aHi, bHi);
  const mid = llHi + lhLo + hlLo; // < 3 * 2^32: exact
  const s = u64.lo + lhHi + hlHi + Math.floor(mid / 4294967296); // < 2^35: exact
  u64.lo = s >>> 0;
  u64.hi = (u64.hi + Math.floor(s / 4294967296)) >>> 0;
}

/** High 64 bits of the signed 128-bit product (SMULH) into u64. */
export function smulh64(aLo: number, aHi: number, bLo: number, bHi: number): void {
  umulh64(aLo, aHi, bLo, bHi);
  // signed = unsigned - 2^64 * ((a < 0 ? b : 0) + (b < 0 ? a : 0))  (mod 2^128)
  let lo = u64.lo;
  let hi = u64.hi;
  if ((aHi | 0) < 0) {
    const d = lo - (bLo >>> 0);
    hi = (hi - bHi - (d < 0 ? 1 : 0)) >>> 0;
    lo = d >>> 0;
  }
  if ((bHi | 0) < 0) {
    const d = lo - (aLo >>> 0);
    hi = (hi - aHi - (d < 0 ? 1 : 0)) >>> 0;
    lo = d >>> 0;
  }
  u64.lo = lo;
  u64.hi = hi;
}

/**
 * Unsigned 64 / 32 division, d in 1..2^32-1: the 64-bit quotient into u64, the remainder
 * returned. Doubles are exact below 2^53; above, a quotient estimate is corrected with the
 * exact remainder.
 */
export function udiv64by32(nLo: number, nHi: number, d: number): number {
  nLo >>>= 0;
  nHi >>>= 0;
  const qHi = Math.floor(nHi / d);
  const r1 = nHi - qHi * d; // < d
  // r1:nLo < d * 2^32, so this quotient digit is below 2^32.
  let q: number;
  let rem: number;
  if (r1 < 0x200000) {
    const n = r1 * 4294967296 + nLo; // < 2^53: exact
    q = Math.floor(n / d);
    rem = n - q * d;
  } else {
    // d > 2^21 here: the estimate from the rounded dividend is within one of the quotient.
    q = Math.min(Math.floor((r1 * 4294967296 + nLo) / d), 0xffffffff);
    mulU32(q, d);
    const lo = nLo - u64.lo;
    rem = (r1 - u64.hi - (lo < 0 ? 1 : 0)) * 4294967296 + (lo >>> 0);
    while (rem < 0) {
      q--;
      rem += d;
    }
    while (rem >= d) {
      q++;
      rem -= d;
    }
  }
  u64.lo = q >>> 0;
  u64.hi = qHi;
  return rem;
}

/** Unsigned 64-bit division (UDIV), b != 0, quotient into u64 (Hacker's Delight divlu64). */
export function udiv64(aLo: number, aHi: number, bLo: number, bHi: number): void {
  aLo >>>= 0;
  aHi >>>= 0;
  bLo >>>= 0;
  bHi >>>= 0;
  if (bHi === 0) {
    udiv64by32(aLo, aHi, bLo);
    return;
  }
  if (aHi < bHi || (aHi === bHi && aLo < bLo)) {
    u64.lo = u64.hi = 0;
    return;
  }
  // Normalise the divisor so its top 32 bits (v1) have bit 31 set; q1 = (a >> 1) / v1 < 2^32.
  const n = Math.clz32(bHi);
  const v1 = n === 0 ? bHi : ((bHi << n) | (bLo >>> (32 - n))) >>> 0;
  udiv64by32(((aLo >>> 1) | (aHi << 31)) >>> 0, aHi >>> 1, v1);
  let q = u64.lo >>> (31 - n);
  if (q !== 0) q--;
  // q is the quotient or one less: compare a - q * b with b.
  mul64(q, 0, bLo, bHi);
  const lo = aLo - u64.lo;
  const rLo = lo >>> 0;
  const rHi = (aHi - u64.hi - (lo < 0 ? 1 : 0)) >>> 0;
  if (rHi > bHi || (rHi === bHi && rLo >= bLo)) q++;
  u64.lo = q >>> 0;
  u64.hi = 0;
}

/** Signed 64-bit division (SDIV), b != 0, rounding toward zero; INT64_MIN / -1 wraps. */
export function sdiv64(aLo: number, aHi: number, bLo: number, bHi: number): void {
  const neg = ((aHi ^ bHi) | 0) < 0;
  if ((aHi | 0) < 0) {
    aHi = (~aHi + (aLo === 0 ? 1 : 0)) >>> 0;
    aLo = -aLo >>> 0;
  }
  if ((bHi | 0) < 0) {
    bHi = (~bHi + (bLo === 0 ? 1 : 0)) >>> 0;
    bLo = -bLo >>> 0;
  }
  udiv64(aLo, aHi, bLo, bHi);
  if (neg) {
    u64.hi = (~u64.hi + (u64.lo === 0 ? 1 : 0)) >>> 0;
    u64.lo = -u64.lo >>> 0;
  }
}
