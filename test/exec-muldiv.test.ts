// One-, two- and three-source data processing (RBIT/REV*/CLZ/CLS, UDIV/SDIV, shifts by
// register, MADD/MSUB/SMADDL/UMADDL/.../SMULH/UMULH): granule against the ASL reference model,
// worked edge cases, and the u64.ts helpers against bigint arithmetic.

import { describe, expect, it } from 'vitest';
import { compareWithRef, EDGES, encode, M64, prng, randomState, randomWords, rowsOf, runGranule, type State } from './helpers/a64-ref.js';
import { sdiv64, smulh64, u64, udiv64, udiv64by32, umulh64, mulS32 } from '../emulator/u64.js';

const rand = prng(0xd1d1de);

function st(regs: Record<number, bigint>): State {
  return { x: Array.from({ length: 31 }, (_, i) => regs[i] ?? 0n), sp: 0n, nzcv: 0, pc: 0x40000000n, tcr: 0n };
}

/** Pairs of edge values in X1/X2 (and X3 as accumulator). */
const pairStates: State[] = EDGES.flatMap((a, i) => EDGES.filter((_, j) => (i + j) % 3 === 0).map((b, j) => st({ 1: a, 2: b, 3: EDGES[(i * 3 + j) % EDGES.length] })));

describe('dataProc1/2/3: granule = ASL reference', () => {
  const states = Array.from({ length: 10 }, () => randomState(rand));
  for (const name of rowsOf('dataProc1', 'dataProc2', 'dataProc3')) {
    it(name, () => {
      const words = [...randomWords(name, 60, rand), ...randomWords(name, 8, rand, { rd: 31 }), ...randomWords(name, 8, rand, { rn: 31 })];
      expect(compareWithRef(words, states)).toEqual([]);
      // Fixed registers over all edge-value pairs, both widths where the row has them.
      const fixed = [0, 1].map((sf) => {
        const f: Record<string, number> = { sf, rd: 0, rn: 1, rm: 2, ra: 3 };
        return randomWords(name, 1, rand, f)[0];
      });
      expect(compareWithRef(fixed, pairStates)).toEqual([]);
    });
  }
});

describe('division: worked cases', () => {
  const div = (name: string, sf: number, a: bigint, b: bigint): bigint => runGranule(encode(name, { sf, rm: 2, rn: 1, rd: 0 }), st({ 0: 77n, 1: a, 2: b })).x[0];
  it('by zero gives 0', () => {
    expect(div('UDIV', 1, 123n, 0n)).toBe(0n);
    expect(div('UDIV', 1, M64, 0n)).toBe(0n);
    expect(div('SDIV', 1, 0x8000000000000000n, 0n)).toBe(0n);
    expect(div('UDIV', 0, 5n, 0xffffffff00000000n)).toBe(0n);
    expect(div('SDIV', 0, 0x80000000n, 0n)).toBe(0n);
  });
  it('INT_MIN / -1 wraps to INT_MIN', () => {
    expect(div('SDIV', 1, 0x8000000000000000n, M64)).toBe(0x8000000000000000n);
    expect(div('SDIV', 0, 0x80000000n, 0xffffffffn)).toBe(0x80000000n);
  });
  it('rounds toward zero; 64-bit quotients of large values', () => {
    expect(div('SDIV', 1, (-7n) & M64, 2n)).toBe((-3n) & M64);
    expect(div('SDIV', 1, 7n, (-2n) & M64)).toBe((-3n) & M64);
    expect(div('SDIV', 0, 0xfffffff9n, 2n)).toBe(0xfffffffdn);
    expect(div('UDIV', 1, M64, 1n)).toBe(M64);
    expect(div('UDIV', 1, M64, 3n)).toBe(0x5555555555555555n);
    expect(div('UDIV', 1, M64, 0x100000001n)).toBe(0xffffffffn);
    expect(div('UDIV', 1, 0xfedcba9876543210n, 0xfedcba9876543211n)).toBe(0n);
    expect(div('SDIV', 1, 0x8000000000000000n, 0x7fffffffffffffffn)).toBe(M64);
    // 32-bit forms ignore the upper halves
    expect(div('UDIV', 0, 0xffffffff00000010n, 0x1234567800000004n)).toBe(4n);
  });
});

describe('multiply: worked cases', () => {
  const run3 = (name: string, fields: Record<string, number>, regs: Record<number, bigint>): bigint => runGranule(encode(name, { rm: 2, rn: 1, rd: 0, ...fields }), st(regs)).x[0];
  it('MADD/MSUB/MUL/MNEG wrap modulo 2^64 / 2^32', () => {
    expect(run3('MADD', { sf: 1, ra: 3 }, { 1: M64, 2: M64, 3: 5n })).toBe(6n);
    expect(run3('MADD', { sf: 1, ra: 31 }, { 1: 0x100000001n, 2: 0x100000001n })).toBe(0x200000001n);
    expect(run3('MSUB', { sf: 1, ra: 3 }, { 1: 3n, 2: 4n, 3: 10n })).toBe((-2n) & M64);
    expect(run3('MSUB', { sf: 1, ra: 31 }, { 1: 1n, 2: 1n })).toBe(M64);
    expect(run3('MADD', { sf: 0, ra: 3 }, { 1: 0xffffffffn, 2: 0xffffffffn, 3: 0xffffffff00000000n })).toBe(1n);
    expect(run3('MSUB', { sf: 0, ra: 3 }, { 1: 2n, 2: 3n, 3: 0n })).toBe(0xfffffffan);
  });
  it('SMADDL/UMADDL/SMSUBL/UMSUBL read W registers', () => {
    expect(run3('SMADDL', { ra: 31 }, { 1: 0xffffffffn, 2: 0x80000000n })).toBe(0x80000000n);
    expect(run3('UMADDL', { ra: 31 }, { 1: 0xffffffffn, 2: 0xffffffffn })).toBe(0xfffffffe00000001n);
    expect(run3('SMADDL', { ra: 3 }, { 1: 0x1234567880000000n, 2: 0x80000000n, 3: 1n })).toBe(0x4000000000000001n);
    expect(run3('SMSUBL', { ra: 3 }, { 1: 0xffffffffn, 2: 1n, 3: 0n })).toBe(1n);
    expect(run3('UMSUBL', { ra: 3 }, { 1: 0xffffffffn, 2: 1n, 3: 0n })).toBe(0xffffffff00000001n);
  });
  it('SMULH/UMULH', () => {
    expect(run3('UMULH', {}, { 1: M64, 2: M64 })).toBe(M64 - 1n);
    expect(run3('SMULH', {}, { 1: M64, 2: M64 })).toBe(0n);
    expect(run3('SMULH', {}, { 1: 0x8000000000000000n, 2: 0x8000000000000000n })).toBe(0x4000000000000000n);
    expect(run3('SMULH', {}, { 1: 0x8000000000000000n, 2: 1n })).toBe(M64);
    expect(run3('UMULH', {}, { 1: 0x100000000n, 2: 0x100000000n })).toBe(1n);
  });
});

describe('one source and shifts by register: worked cases', () => {
  const run1 = (name: string, sf: number | undefined, x1: bigint): bigint => runGranule(encode(name, sf === undefined ? { rn: 1, rd: 0 } : { sf, rn: 1, rd: 0 }), st({ 0: M64, 1: x1 })).x[0];
  it('CLZ/CLS at 0, -1, INT_MIN', () => {
    expect([run1('CLZ', 1, 0n), run1('CLZ', 0, 0n), run1('CLZ', 1, 1n), run1('CLZ', 1, M64), run1('CLZ', 0, 0xffffffff00000001n)]).toEqual([64n, 32n, 63n, 0n, 31n]);
    expect([run1('CLS', 1, 0n), run1('CLS', 1, M64), run1('CLS', 0, 0xffffffffn), run1('CLS', 1, 0x8000000000000000n), run1('CLS', 1, 1n)]).toEqual([63n, 63n, 31n, 0n, 62n]);
    expect(run1('CLS', 1, 0xffffffff00000000n)).toBe(31n);
  });
  it('RBIT/REV16/REV32/REV', () => {
    expect(run1('RBIT', 1, 1n)).toBe(0x8000000000000000n);
    expect(run1('RBIT', 0, 0xffffffff00000001n)).toBe(0x80000000n);
    expect(run1('REV16', 1, 0x0123456789abcdefn)).toBe(0x23016745ab89efcdn);
    expect(run1('REV16', 0, 0x0123456789abcdefn)).toBe(0xab89efcdn);
    expect(run1('REV32', undefined, 0x0123456789abcdefn)).toBe(0x67452301efcdab89n);
    expect(run1('REV_x', undefined, 0x0123456789abcdefn)).toBe(0xefcdab8967452301n);
    expect(run1('REV_w', undefined, 0x0123456789abcdefn)).toBe(0xefcdab89n);
  });
  it('LSLV/LSRV/ASRV/RORV take the amount modulo the width', () => {
    const sh = (name: string, sf: number, a: bigint, n: bigint): bigint => runGranule(encode(name, { sf, rm: 2, rn: 1, rd: 0 }), st({ 1: a, 2: n })).x[0];
    expect(sh('LSLV', 1, 1n, 64n)).toBe(1n);
    expect(sh('LSLV', 1, 1n, 63n + 64n * 5n)).toBe(0x8000000000000000n);
    expect(sh('LSRV', 1, 0x8000000000000000n, 63n)).toBe(1n);
    expect(sh('ASRV', 1, 0x8000000000000000n, M64)).toBe(M64);
    expect(sh('RORV', 1, 1n, 32n)).toBe(0x100000000n);
    expect(sh('LSLV', 0, 1n, 32n)).toBe(1n);
    expect(sh('ASRV', 0, 0x80000000n, 31n)).toBe(0xffffffffn);
    expect(sh('RORV', 0, 0xffffffff00000001n, 0xffffffffffffffe1n)).toBe(0x80000000n);
  });
});

describe('u64 helpers = bigint arithmetic', () => {
  const lo = (v: bigint): number => Number(v & 0xffffffffn);
  const hi = (v: bigint): number => Number(v >> 32n);
  const got = (): bigint => (BigInt(u64.hi) << 32n) | BigInt(u64.lo);
  /** Values that stress the estimate-and-correct division paths: near powers of two, 2^21, 2^53. */
  const values: bigint[] = [...EDGES];
  for (const p of [21n, 31n, 32n, 33n, 52n, 53n, 54n, 63n]) for (const d of [-1n, 0n, 1n]) values.push(((1n << p) + d) & M64);
  const r64 = (): bigint => {
    const k = rand() % 4;
    const v = (BigInt(rand()) << 32n) | BigInt(rand());
    return k === 0 ? v >> BigInt(rand() % 64) : k === 1 ? values[rand() % values.length] : v;
  };
  it('udiv64, sdiv64 and udiv64by32', () => {
    const bad: string[] = [];
    for (let i = 0; i < 60000; i++) {
      const a = r64();
      const b = r64() || 1n;
      udiv64(lo(a), hi(a), lo(b), hi(b));
      if (got() !== a / b) bad.push(`udiv ${a} / ${b}`);
      sdiv64(lo(a), hi(a), lo(b), hi(b));
      if (got() !== BigInt.asUintN(64, BigInt.asIntN(64, a) / BigInt.asIntN(64, b))) bad.push(`sdiv ${a} / ${b}`);
      const d = b & 0xffffffffn || 1n;
      const rem = udiv64by32(lo(a), hi(a), Number(d));
      if (got() !== a / d || BigInt(rem) !== a % d) bad.push(`udiv64by32 ${a} / ${d}`);
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });
  it('umulh64, smulh64 and mulS32', () => {
    const bad: string[] = [];
    for (let i = 0; i < 60000; i++) {
      const a = r64();
      const b = r64();
      umulh64(lo(a), hi(a), lo(b), hi(b));
      if (got() !== (a * b) >> 64n) bad.push(`umulh ${a} ${b}`);
      smulh64(lo(a), hi(a), lo(b), hi(b));
      if (got() !== BigInt.asUintN(64, (BigInt.asIntN(64, a) * BigInt.asIntN(64, b)) >> 64n)) bad.push(`smulh ${a} ${b}`);
      mulS32(lo(a), lo(b));
      if (got() !== BigInt.asUintN(64, BigInt.asIntN(32, a) * BigInt.asIntN(32, b))) bad.push(`mulS32 ${a} ${b}`);
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });
});
