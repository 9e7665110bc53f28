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

/** Unsigned 32x32 -> 64 multiply into u64. */
export function mulU32(a: number, b: number): void {
  const aL = a & 0xffff, aH = a >>> 16, bL = b & 0xffff, bH = b >>> 16;
  const ll = aL * bL;
  const mid = aH * bL + aL * bH; // < 2^33
  const lo = ll + (mid % 65536) * 65536;
  u64.lo = lo >>> 0;
  u64.hi = (aH * bH + Math.floor(mid / 65536) + Math.floor(lo / 4294967296)) >>> 0;
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
