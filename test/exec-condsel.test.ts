// Conditional compare (CCMN/CCMP) and conditional select (CSEL/CSINC/CSINV/CSNEG and CSET/
// CSETM/CINC/CNEG): every condition against every NZCV, against the ASL reference model, plus
// worked flag cases.

import { describe, expect, it } from 'vitest';
import { compareWithRef, conditionHolds, EDGES, encode, M64, prng, randomState, randomWords, rowsOf, runGranule, type State } from './helpers/a64-ref.js';

const rand = prng(0xc0dd5e1);

function st(regs: Record<number, bigint>, nzcv: number): State {
  return { x: Array.from({ length: 31 }, (_, i) => regs[i] ?? 0n), sp: 0n, nzcv, pc: 0x40000000n, tcr: 0n };
}

describe('conditional compare/select: granule = ASL reference', () => {
  for (const name of rowsOf('condCompare', 'condSelect')) {
    it(`${name}: every cond x every NZCV, both widths, edge values`, () => {
      const words: number[] = [];
      for (const sf of [0, 1]) for (let cond = 0; cond < 16; cond++) words.push(encode(name, { sf, cond, rm: 2, imm5: cond * 2 + 1, rn: 1, rd: 0, nzcv: (cond * 7) & 15 }));
      const states: State[] = [];
      for (let nzcv = 0; nzcv < 16; nzcv++) for (let k = 0; k < 4; k++) states.push(st({ 1: EDGES[rand() % EDGES.length], 2: EDGES[rand() % EDGES.length] }, nzcv));
      expect(compareWithRef(words, states)).toEqual([]);
    });
    it(`${name}: random fields and registers (31 included)`, () => {
      const states = Array.from({ length: 16 }, () => randomState(rand));
      expect(compareWithRef([...randomWords(name, 100, rand), ...randomWords(name, 10, rand, { rn: 31, rm: 31 })], states)).toEqual([]);
    });
  }
  it('the reference ConditionHolds: AL and NV always hold', () => {
    for (let nzcv = 0; nzcv < 16; nzcv++) expect([conditionHolds(14, nzcv), conditionHolds(15, nzcv)]).toEqual([true, true]);
  });
});

describe('conditional compare: worked cases', () => {
  const ccmp = (name: string, sf: number, cond: number, nzcv: number, x1: bigint, x2: bigint, flags: number): number =>
    runGranule(encode(name, { sf, cond, rm: 2, imm5: Number(x2 & 31n), rn: 1, nzcv }), st({ 1: x1, 2: x2 }, flags)).nzcv;
  it('a failed condition sets #nzcv', () => {
    // ccmp x1, x2, #0b0010, ne with Z set
    expect(ccmp('CCMP_r', 1, 1, 0b0010, 5n, 5n, 0b0100)).toBe(0b0010);
    expect(ccmp('CCMN_i', 0, 0, 0b1001, 5n, 5n, 0b0000)).toBe(0b1001);
  });
  it('a held condition sets the flags of the subtraction/addition', () => {
    // ccmp x1, x2, #0, eq with Z set: 5 - 5 = 0 -> Z, C
    expect(ccmp('CCMP_r', 1, 0, 0, 5n, 5n, 0b0100)).toBe(0b0110);
    // INT64_MIN - 1 overflows: V, C
    expect(ccmp('CCMP_r', 1, 14, 0, 0x8000000000000000n, 1n, 0)).toBe(0b0011);
    // 32-bit: 0x80000000 - 1 overflows in 32 bits only
    expect(ccmp('CCMP_i', 0, 14, 0, 0x80000000n, 1n, 0)).toBe(0b0011);
    // ccmn x1, #1, #0, al with x1 = -1: 0 with carry
    expect(ccmp('CCMN_i', 1, 14, 0, M64, 1n, 0b1000)).toBe(0b0110);
    // ccmp w1, #0, #0, nv (NV holds): 0 - 0 = 0, C set
    expect(ccmp('CCMP_i', 0, 15, 0b1000, 0xffffffff00000000n, 0n, 0)).toBe(0b0110);
  });
});

describe('conditional select: worked cases', () => {
  const sel = (name: string, sf: number, cond: number, rn: number, rm: number, regs: Record<number, bigint>, nzcv: number): bigint =>
    runGranule(encode(name, { sf, cond, rm, rn, rd: 0 }), st(regs, nzcv)).x[0];
  it('CSEL/CSINC/CSINV/CSNEG pick or transform', () => {
    const r = { 0: 99n, 1: 10n, 2: M64 };
    expect(sel('CSEL', 1, 0, 1, 2, r, 0b0100)).toBe(10n);
    expect(sel('CSEL', 1, 0, 1, 2, r, 0)).toBe(M64);
    expect(sel('CSINC', 1, 0, 1, 2, r, 0)).toBe(0n);
    expect(sel('CSINC', 0, 0, 1, 2, r, 0)).toBe(0n);
    expect(sel('CSINV', 1, 0, 1, 2, r, 0)).toBe(0n);
    expect(sel('CSNEG', 1, 0, 1, 2, r, 0)).toBe(1n);
    expect(sel('CSNEG', 1, 0, 1, 2, { 2: 0x8000000000000000n }, 0)).toBe(0x8000000000000000n);
    expect(sel('CSNEG', 0, 0, 1, 2, { 2: 0n }, 0)).toBe(0n);
    // csel w0, w1, w2 zeroes the upper half of the selected value
    expect(sel('CSEL', 0, 14, 1, 2, { 1: M64 }, 0)).toBe(0xffffffffn);
  });
  it('CSET/CSETM (Rn = Rm = ZR) and CINC', () => {
    // cset x0, eq = csinc x0, xzr, xzr, ne
    expect(sel('CSINC', 1, 1, 31, 31, { 0: 7n }, 0b0100)).toBe(1n);
    expect(sel('CSINC', 1, 1, 31, 31, { 0: 7n }, 0)).toBe(0n);
    // csetm x0, lt = csinv x0, xzr, xzr, ge (N != V)
    expect(sel('CSINV', 1, 10, 31, 31, {}, 0b1000)).toBe(M64);
    expect(sel('CSINV', 0, 10, 31, 31, {}, 0b1000)).toBe(0xffffffffn);
    expect(sel('CSINV', 1, 10, 31, 31, { 0: 5n }, 0b1001)).toBe(0n);
    // csinc with AL/NV always selects Rn
    expect(sel('CSINC', 1, 15, 31, 31, { 0: 5n }, 0)).toBe(0n);
    // cinc x0, x1, cs = csinc x0, x1, x1, cc: carry over the low half
    expect(sel('CSINC', 1, 3, 1, 1, { 1: 0xffffffffn }, 0b0010)).toBe(0x100000000n);
  });
});
