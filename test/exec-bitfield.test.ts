// Bitfield moves (SBFM/BFM/UBFM and their aliases) and EXTR: granule against the ASL reference
// model on every immr/imms pair of both widths, plus worked alias cases.

import { describe, expect, it } from 'vitest';
import { compareWithRef, EDGES, encode, M64, prng, randomState, randomWords, runGranule, tryEncode, type State } from './helpers/a64-ref.js';

const rand = prng(0xb17f1e1d);

function st(regs: Record<number, bigint>): State {
  return { x: Array.from({ length: 31 }, (_, i) => regs[i] ?? 0n), sp: 0n, nzcv: 0, pc: 0x40000000n, tcr: 0n };
}

/** Edge values in X1 (and a different one in X0, the BFM destination). */
const edgeStates: State[] = EDGES.map((v, i) => st({ 0: EDGES[(i * 5 + 2) % EDGES.length], 1: v }));

describe('bitfield and extract: granule = ASL reference', () => {
  for (const name of ['SBFM', 'BFM', 'UBFM']) {
    it(`${name}: every immr/imms, both widths, on edge values`, () => {
      const words: number[] = [];
      for (const sf of [0, 1]) {
        for (let immr = 0; immr < 64; immr++) {
          for (let imms = 0; imms < 64; imms++) {
            const w = tryEncode(name, { sf, N: sf, immr, imms, rn: 1, rd: 0 });
            if (w !== undefined) words.push(w);
          }
        }
      }
      expect(words.length).toBe(64 * 64 + 32 * 32);
      // Every pair on a few edge values, and a random sample of pairs on all of them.
      expect(compareWithRef(words, [edgeStates[4], edgeStates[16], edgeStates[23], edgeStates[24]])).toEqual([]);
      expect(compareWithRef(words.filter(() => rand() % 16 === 0), edgeStates)).toEqual([]);
    });
    it(`${name}: random registers, including 31`, () => {
      const states = Array.from({ length: 8 }, () => randomState(rand));
      expect(compareWithRef([...randomWords(name, 150, rand), ...randomWords(name, 20, rand, { rn: 31 }), ...randomWords(name, 20, rand, { rd: 31 })], states)).toEqual([]);
    });
  }
  it('EXTR: every lsb, both widths, same and different registers', () => {
    const words: number[] = [];
    for (const sf of [0, 1]) {
      for (let imms = 0; imms < (sf ? 64 : 32); imms++) {
        words.push(encode('EXTR', { sf, N: sf, rm: 2, imms, rn: 1, rd: 0 }), encode('EXTR', { sf, N: sf, rm: 1, imms, rn: 1, rd: 1 }));
      }
    }
    const states = EDGES.map((v, i) => st({ 1: v, 2: EDGES[(i * 11 + 5) % EDGES.length] }));
    expect(compareWithRef(words, states)).toEqual([]);
  });
});

describe('bitfield: worked alias cases', () => {
  const run1 = (name: string, sf: number, immr: number, imms: number, x1: bigint, x0 = 0n): bigint =>
    runGranule(encode(name, { sf, N: sf, immr, imms, rn: 1, rd: 0 }), st({ 0: x0, 1: x1 })).x[0];
  it('LSL/LSR/ASR immediate by 0, 1, 31, 32, 63', () => {
    const v = 0x8000000180000001n;
    // lsl x0, x1, #n = UBFM immr = -n MOD 64, imms = 63 - n
    const lsl = (n: number): bigint => run1('UBFM', 1, (64 - n) % 64, 63 - n, v);
    expect([lsl(0), lsl(1), lsl(31), lsl(32), lsl(63)]).toEqual([v, 0x0000000300000002n, 0xc000000080000000n, 0x8000000100000000n, 0x8000000000000000n]);
    const lsr = (n: number): bigint => run1('UBFM', 1, n, 63, v);
    expect([lsr(0), lsr(1), lsr(31), lsr(32), lsr(63)]).toEqual([v, 0x40000000c0000000n, 0x100000003n, 0x80000001n, 1n]);
    const asr = (n: number): bigint => run1('SBFM', 1, n, 63, v);
    expect([asr(1), asr(31), asr(32), asr(63)]).toEqual([0xc0000000c0000000n, 0xffffffff00000003n, 0xffffffff80000001n, M64]);
    // 32-bit: lsl w0, w1, #31; lsr w0, w1, #31; asr w0, w1, #31 (upper half of x0 zero)
    expect(run1('UBFM', 0, 1, 0, 0xffffffff00000003n, M64)).toBe(0x80000000n);
    expect(run1('UBFM', 0, 31, 31, 0xffffffff80000000n, M64)).toBe(1n);
    expect(run1('SBFM', 0, 31, 31, 0x80000000n, M64)).toBe(0xffffffffn);
  });
  it('SXTB/SXTH/SXTW, UXTB/UXTH', () => {
    expect(run1('SBFM', 1, 0, 7, 0x1234567880n)).toBe(0xffffffffffffff80n);
    expect(run1('SBFM', 1, 0, 15, 0x17fffn)).toBe(0x7fffn);
    expect(run1('SBFM', 1, 0, 31, 0x80000000n)).toBe(0xffffffff80000000n);
    expect(run1('SBFM', 0, 0, 7, 0xffn, M64)).toBe(0xffffffffn);
    expect(run1('UBFM', 0, 0, 7, 0x1234n, M64)).toBe(0x34n);
    expect(run1('UBFM', 0, 0, 15, 0xffffffffffffffffn, M64)).toBe(0xffffn);
  });
  it('UBFX/SBFX/UBFIZ/SBFIZ', () => {
    // ubfx x0, x1, #60, #4 ; sbfx x0, x1, #60, #4
    expect(run1('UBFM', 1, 60, 63, 0xa000000000000000n)).toBe(0xan);
    expect(run1('SBFM', 1, 30, 33, 0x0000000280000000n)).toBe(0xfffffffffffffffan);
    // ubfiz x0, x1, #32, #8 (immr = 32, imms = 7); sbfiz x0, x1, #4, #4 (immr = 60, imms = 3)
    expect(run1('UBFM', 1, 32, 7, 0xfffn)).toBe(0xff00000000n);
    expect(run1('SBFM', 1, 60, 3, 0x8n)).toBe(0xffffffffffffff80n);
  });
  it('BFI/BFXIL/BFC keep the other bits of the destination', () => {
    // bfi x0, x1, #8, #16 (immr = 56, imms = 15)
    expect(run1('BFM', 1, 56, 15, 0xabcdn, M64)).toBe(0xffffffffffabcdffn);
    // bfxil x0, x1, #60, #4 (immr = 60, imms = 63)
    expect(run1('BFM', 1, 60, 63, 0x5000000000000000n, 0x1234n)).toBe(0x1235n);
    // bfc w0, #0, #8 (BFM w0, wzr, #0, #7) zeroes the upper half too
    expect(runGranule(encode('BFM', { sf: 0, N: 0, immr: 0, imms: 7, rn: 31, rd: 0 }), st({ 0: M64 })).x[0]).toBe(0xffffff00n);
  });
  it('EXTR and ROR immediate', () => {
    const ext = (sf: number, imms: number, n: bigint, m: bigint): bigint => runGranule(encode('EXTR', { sf, N: sf, rm: 2, imms, rn: 1, rd: 0 }), st({ 1: n, 2: m })).x[0];
    expect(ext(1, 0, 1n, 2n)).toBe(2n);
    expect(ext(1, 32, 0x1111111122222222n, 0x3333333344444444n)).toBe(0x2222222233333333n);
    expect(ext(1, 63, 0x1n, 0x8000000000000000n)).toBe(3n);
    expect(ext(1, 4, 0xfn, 0n)).toBe(0xf000000000000000n);
    expect(ext(0, 8, 0xffffffff000000abn, 0xffffffff12345678n)).toBe(0xab123456n);
    // ror x0, x1, #36
    expect(runGranule(encode('EXTR', { sf: 1, N: 1, rm: 1, imms: 36, rn: 1, rd: 0 }), st({ 1: 0x0123456789abcdefn })).x[0]).toBe(0x789abcdef0123456n);
  });
});
