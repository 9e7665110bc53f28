// Logical (immediate, shifted register) and move-wide instructions: granule against the ASL
// reference model (test/helpers/a64-ref.ts) on random fields and edge values, plus worked cases.

import { describe, expect, it } from 'vitest';
import { compareWithRef, EDGES, encode, M64, prng, randomState, randomWords, rowsOf, runGranule, type State } from './helpers/a64-ref.js';

const rand = prng(0x10c1c);
const states: State[] = Array.from({ length: 12 }, () => randomState(rand));

/** A state with the given registers (others 0), SP and flags. */
function st(regs: Record<number, bigint>, nzcv = 0, sp = 0x1000n): State {
  const x = Array.from({ length: 31 }, (_, i) => regs[i] ?? 0n);
  return { x, sp, nzcv, pc: 0x40000000n, tcr: 0n };
}

describe('logical and move-wide: granule = ASL reference', () => {
  for (const name of rowsOf('logicalImm', 'logicalShifted', 'moveWide')) {
    it(name, () => {
      const words = randomWords(name, 120, rand);
      expect(words.length).toBe(120);
      // Register 31 in every position (SP for AND/ORR/EOR immediate destinations, else ZR).
      words.push(...randomWords(name, 20, rand, { rd: 31 }), ...randomWords(name, 20, rand, { rn: 31 }));
      expect(compareWithRef(words, states)).toEqual([]);
    });
  }
  it('every edge value through AND/ORR/EOR/ANDS/BICS (shifted, both widths)', () => {
    const words: number[] = [];
    for (const name of ['AND_r', 'ORR_r', 'EOR_r', 'ANDS_r', 'BICS_r', 'ORN_r', 'EON_r', 'BIC_r']) {
      for (const sf of [0, 1]) for (const shift of [0, 1, 2, 3]) for (const imm6 of sf ? [0, 1, 31, 32, 63] : [0, 1, 16, 31]) words.push(encode(name, { sf, shift, imm6, rm: 2, rn: 1, rd: 0 }));
    }
    const edgeStates = EDGES.flatMap((a, i) => [st({ 1: a, 2: EDGES[(i * 7 + 3) % EDGES.length] }, i & 15), st({ 1: a, 2: a }, 15)]);
    expect(compareWithRef(words, edgeStates)).toEqual([]);
  });
});

describe('logical: worked cases', () => {
  it('AND/ORR/EOR immediate (64 and 32-bit)', () => {
    // and x0, x1, #0xff (N=1 immr=0 imms=7)
    expect(runGranule(encode('AND_i', { sf: 1, N: 1, immr: 0, imms: 7, rn: 1, rd: 0 }), st({ 1: 0x123456789abcdefn })).x[0]).toBe(0xefn);
    // orr w0, w1, #0x80000000 (N=0 immr=1 imms=0): the upper half of x0 is zeroed
    expect(runGranule(encode('ORR_i', { sf: 0, N: 0, immr: 1, imms: 0, rn: 1, rd: 0 }), st({ 0: M64, 1: 0xffffffff00000001n })).x[0]).toBe(0x80000001n);
    // eor x0, x1, #0x5555555555555555 (N=0 immr=0 imms=0b111100: 2-bit elements '01')
    expect(runGranule(encode('EOR_i', { sf: 1, N: 0, immr: 0, imms: 0b111100, rn: 1, rd: 0 }), st({ 1: M64 })).x[0]).toBe(0xaaaaaaaaaaaaaaaan);
  });
  it('ORR immediate with XZR is MOV to a register or to SP; AND immediate writes SP', () => {
    // mov sp, #-65536 (orr sp, xzr, #0xffffffffffff0000: N=1 immr=48 imms=47)
    const s = runGranule(encode('ORR_i', { sf: 1, N: 1, immr: 48, imms: 47, rn: 31, rd: 31 }), st({}, 0, 0x1234n));
    expect(s.sp).toBe(0xffffffffffff0000n);
    // and wsp, w1, #0xfffffff0 (N=0 immr=28 imms=27): a 32-bit SP write zeroes SP[63:32]
    expect(runGranule(encode('AND_i', { sf: 0, N: 0, immr: 28, imms: 27, rn: 1, rd: 31 }), st({ 1: M64 }, 0, M64)).sp).toBe(0xfffffff0n);
    // ANDS with Rd = 31 is TST: XZR, SP unchanged
    const t = runGranule(encode('ANDS_i', { sf: 1, N: 1, immr: 0, imms: 0, rn: 1, rd: 31 }), st({ 1: 3n }, 0, 0x777n));
    expect([t.sp, t.nzcv]).toEqual([0x777n, 0b0000]);
  });
  it('ANDS/BICS set N and Z and clear C and V', () => {
    const ands = encode('ANDS_r', { sf: 1, shift: 0, imm6: 0, rm: 2, rn: 1, rd: 0 });
    expect(runGranule(ands, st({ 1: 0x8000000000000000n, 2: M64 }, 0b0011)).nzcv).toBe(0b1000);
    expect(runGranule(ands, st({ 1: 0xf0n, 2: 0x0fn }, 0b1011)).nzcv).toBe(0b0100);
    // ands w0, w1, w2: the 32-bit result decides N and Z (bit 63 of the operands does not)
    const ands32 = encode('ANDS_r', { sf: 0, shift: 0, imm6: 0, rm: 2, rn: 1, rd: 0 });
    const r = runGranule(ands32, st({ 1: 0x8000000100000000n, 2: M64 }, 0b1111));
    expect([r.x[0], r.nzcv]).toEqual([0n, 0b0100]);
    expect(runGranule(ands32, st({ 1: 0x80000000n, 2: 0xffffffffn }, 0)).nzcv).toBe(0b1000);
    // bics x0, x1, x1 -> 0, Z
    const bics = runGranule(encode('BICS_r', { sf: 1, shift: 0, imm6: 0, rm: 1, rn: 1, rd: 0 }), st({ 0: 5n, 1: M64 }, 0b1011));
    expect([bics.x[0], bics.nzcv]).toEqual([0n, 0b0100]);
    // tst x1, x2, lsl #63 (Rd = 31)
    const tst = runGranule(encode('ANDS_r', { sf: 1, shift: 0, imm6: 63, rm: 2, rn: 1, rd: 31 }), st({ 1: M64, 2: 1n }, 0b0111));
    expect(tst.nzcv).toBe(0b1000);
  });
  it('shifted-register operands: LSR/ASR/ROR by 0, 31, 32, 63; ORN/EON/MVN', () => {
    const v = 0x8000000000000001n;
    const orr = (shift: number, imm6: number): bigint => runGranule(encode('ORR_r', { sf: 1, shift, imm6, rm: 2, rn: 31, rd: 0 }), st({ 2: v })).x[0];
    expect(orr(0, 0)).toBe(v);
    expect(orr(0, 63)).toBe(0x8000000000000000n);
    expect(orr(1, 63)).toBe(1n);
    expect(orr(2, 63)).toBe(M64);
    expect(orr(2, 32)).toBe(0xffffffff80000000n);
    expect(orr(3, 1)).toBe(0xc000000000000000n);
    expect(orr(3, 32)).toBe(0x0000000180000000n);
    // 32-bit ROR #31 of w2 = 0x80000001 -> 0x00000003
    expect(runGranule(encode('ORR_r', { sf: 0, shift: 3, imm6: 31, rm: 2, rn: 31, rd: 0 }), st({ 2: 0xffffffff80000001n })).x[0]).toBe(3n);
    // mvn x0, x2 (ORN with XZR); eon x0, x1, x2; orn w0, w1, w2 zeroes the upper half
    expect(runGranule(encode('ORN_r', { sf: 1, shift: 0, imm6: 0, rm: 2, rn: 31, rd: 0 }), st({ 2: 0x0123456789abcdefn })).x[0]).toBe(0xfedcba9876543210n);
    expect(runGranule(encode('EON_r', { sf: 1, shift: 0, imm6: 0, rm: 2, rn: 1, rd: 0 }), st({ 1: 0xffn, 2: 0x0fn })).x[0]).toBe(0xffffffffffffff0fn);
    expect(runGranule(encode('ORN_r', { sf: 0, shift: 0, imm6: 0, rm: 2, rn: 1, rd: 0 }), st({ 1: 1n, 2: M64 })).x[0]).toBe(1n);
  });
  it('register 31 as a source reads zero and as a destination discards', () => {
    const s = runGranule(encode('EOR_r', { sf: 1, shift: 0, imm6: 0, rm: 31, rn: 1, rd: 31 }), st({ 1: 7n }, 0, 0x4242n));
    expect(s.sp).toBe(0x4242n);
    expect(runGranule(encode('AND_r', { sf: 1, shift: 0, imm6: 0, rm: 31, rn: 1, rd: 0 }), st({ 0: 9n, 1: M64 })).x[0]).toBe(0n);
  });
});

describe('move wide: worked cases', () => {
  it('MOVZ/MOVN at every position, both widths', () => {
    expect(runGranule(encode('MOVZ', { sf: 1, hw: 3, imm16: 0xbeef, rd: 0 }), st({ 0: M64 })).x[0]).toBe(0xbeef000000000000n);
    expect(runGranule(encode('MOVN', { sf: 1, hw: 3, imm16: 0x1234, rd: 0 }), st({})).x[0]).toBe(0xedcbffffffffffffn);
    expect(runGranule(encode('MOVN', { sf: 1, hw: 0, imm16: 0, rd: 0 }), st({})).x[0]).toBe(M64);
    expect(runGranule(encode('MOVN', { sf: 0, hw: 0, imm16: 0, rd: 0 }), st({ 0: 5n })).x[0]).toBe(0xffffffffn);
    expect(runGranule(encode('MOVN', { sf: 0, hw: 1, imm16: 0x8000, rd: 0 }), st({})).x[0]).toBe(0x7fffffffn);
    expect(runGranule(encode('MOVZ', { sf: 0, hw: 1, imm16: 0xffff, rd: 0 }), st({ 0: M64 })).x[0]).toBe(0xffff0000n);
  });
  it('MOVK keeps the other bits (64-bit) and zeroes the upper half (32-bit)', () => {
    expect(runGranule(encode('MOVK', { sf: 1, hw: 2, imm16: 0xbeef, rd: 0 }), st({ 0: 0x1111222233334444n })).x[0]).toBe(0x1111beef33334444n);
    expect(runGranule(encode('MOVK', { sf: 1, hw: 1, imm16: 0, rd: 0 }), st({ 0: M64 })).x[0]).toBe(0xffffffff0000ffffn);
    expect(runGranule(encode('MOVK', { sf: 0, hw: 1, imm16: 0xabcd, rd: 0 }), st({ 0: 0x1111222233334444n })).x[0]).toBe(0xabcd4444n);
    expect(runGranule(encode('MOVK', { sf: 1, hw: 0, imm16: 1, rd: 31 }), st({}, 0, 0x50n)).sp).toBe(0x50n);
  });
});
