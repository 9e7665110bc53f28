// Branches: B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ, BR, BLR, RET. Granule against the ASL reference
// model (including AArch64.BranchAddr with TBI0/TBI1) from PCs that make the target cross 4 GiB
// and bit 55, worked cases, and whole programs in the run loop (page crossings, loops, a
// misaligned BR target's PC alignment fault).

import { describe, expect, it } from 'vitest';
import { compareWithRef, encode, M64, prng, randomState, randomWords, rowsOf, runGranule, type State } from './helpers/a64-ref.js';
import { bareMachine, CODE_BASE, RAM_BASE } from './helpers/machine.js';

const rand = prng(0xb4a2c4);
const TBI0 = 1n << 37n;
const TBI1 = 1n << 38n;

/** PCs near the interesting boundaries (4 GiB, bit 55, the top of the address space). */
const PCS = [
  0x40000000n, 0x40000ffcn, 0xfffffff8n, 0x100000004n, 0x7ffffffcn, 0x007ffffffffffff8n, 0x0080000000000004n,
  0xffff800000000000n, 0xfffffffffffffffcn, 0x0000000000000000n, 0x00ffffffffff0000n,
];

function states(n: number): State[] {
  return Array.from({ length: n }, (_, i) => {
    const s = randomState(rand, i < PCS.length ? PCS[i] : ((BigInt(rand()) << 32n) | BigInt(rand())) & ~3n & M64);
    s.tcr = [0n, TBI0, TBI1, TBI0 | TBI1][rand() & 3];
    return s;
  });
}

function st(regs: Record<number, bigint>, o: Partial<State> = {}): State {
  return { x: Array.from({ length: 31 }, (_, i) => regs[i] ?? 0n), sp: 0n, nzcv: 0, pc: 0x40000000n, tcr: 0n, ...o };
}

describe('branches: granule = ASL reference', () => {
  for (const name of rowsOf('branchImm', 'branchCond', 'compareBranch', 'testBranch', 'branchReg')) {
    it(name, () => {
      const words = randomWords(name, 150, rand);
      // Short offsets both ways, and register 31 (XZR) as the tested or target register.
      const small: Record<string, number> = name === 'B' || name === 'BL' ? { imm26: 0x3ffffff } : name === 'TBZ' || name === 'TBNZ' ? { imm14: 0x3fff } : { imm19: 0x7ffff };
      words.push(...randomWords(name, 20, rand, small), ...randomWords(name, 10, rand, { rt: 31, rn: 31 }));
      expect(compareWithRef(words, states(40))).toEqual([]);
    });
  }
});

describe('branches: worked cases', () => {
  it('B/BL offsets: forward, backward, the extremes, carry into the high half', () => {
    const b = (imm26: number, pc: bigint): bigint => runGranule(encode('B', { imm26 }), st({}, { pc })).pc;
    expect(b(1, 0x40000000n)).toBe(0x40000004n);
    expect(b(0x3ffffff, 0x40000000n)).toBe(0x3ffffffcn);
    expect(b(0x1ffffff, 0x40000000n)).toBe(0x40000000n + 0x7fffffcn);
    expect(b(0x2000000, 0x40000000n)).toBe(0x40000000n - 0x8000000n);
    expect(b(2, 0xfffffffcn)).toBe(0x100000004n);
    expect(b(0x3fffffe, 0x100000000n)).toBe(0xfffffff8n);
    const bl = runGranule(encode('BL', { imm26: 4 }), st({ 30: 1n }, { pc: 0xfffffffcn }));
    expect([bl.pc, bl.x[30]]).toEqual([0x10000000cn, 0x100000000n]);
  });
  it('B.cond: every condition, including AL and NV', () => {
    // (cond, nzcv that makes it hold, nzcv that does not)
    const cases: [number, number, number][] = [
      [0, 0b0100, 0], [1, 0, 0b0100], [2, 0b0010, 0], [3, 0, 0b0010], [4, 0b1000, 0], [5, 0, 0b1000], [6, 0b0001, 0], [7, 0, 0b0001],
      [8, 0b0010, 0b0110], [9, 0b0110, 0b0010], [10, 0b1001, 0b1000], [11, 0b1000, 0b1001], [12, 0b0000, 0b0100], [13, 0b0100, 0b0000],
    ];
    const word = (cond: number): number => encode('B_cond', { imm19: 0x7fffe, cond });
    for (const [cond, yes, no] of cases) {
      expect(runGranule(word(cond), st({}, { nzcv: yes })).pc).toBe(0x3ffffff8n);
      expect(runGranule(word(cond), st({}, { nzcv: no })).pc).toBe(0x40000004n);
    }
    for (let nzcv = 0; nzcv < 16; nzcv++) for (const cond of [14, 15]) expect(runGranule(word(cond), st({}, { nzcv })).pc).toBe(0x3ffffff8n);
  });
  it('CBZ/CBNZ look at 32 or 64 bits', () => {
    const cb = (name: string, sf: number, v: bigint): bigint => runGranule(encode(name, { sf, imm19: 3, rt: 5 }), st({ 5: v })).pc;
    expect(cb('CBZ', 0, 0xffffffff00000000n)).toBe(0x4000000cn);
    expect(cb('CBZ', 1, 0xffffffff00000000n)).toBe(0x40000004n);
    expect(cb('CBNZ', 1, 0x8000000000000000n)).toBe(0x4000000cn);
    expect(cb('CBNZ', 0, 0x8000000000000000n)).toBe(0x40000004n);
    expect(runGranule(encode('CBZ', { sf: 1, imm19: 3, rt: 31 }), st({})).pc).toBe(0x4000000cn);
  });
  it('TBZ/TBNZ on bits 0, 31, 32, 63', () => {
    const tb = (name: string, bitNo: number, v: bigint): bigint => runGranule(encode(name, { b5: bitNo >> 5, b40: bitNo & 31, imm14: 0x2000, rt: 7 }), st({ 7: v })).pc;
    const taken = 0x40000000n - 0x8000n;
    expect(tb('TBNZ', 63, 0x8000000000000000n)).toBe(taken);
    expect(tb('TBZ', 63, 0x7fffffffffffffffn)).toBe(taken);
    expect(tb('TBZ', 63, 0x8000000000000000n)).toBe(0x40000004n);
    expect(tb('TBNZ', 31, 0x80000000n)).toBe(taken);
    expect(tb('TBNZ', 32, 0x80000000n)).toBe(0x40000004n);
    expect(tb('TBNZ', 32, 0x100000000n)).toBe(taken);
    expect(tb('TBZ', 0, M64 - 1n)).toBe(taken);
  });
  it('BR/BLR/RET: targets, the link register, register 31', () => {
    const br = runGranule(encode('BR', { rn: 3 }), st({ 3: 0x123456789abcdef0n }));
    expect(br.pc).toBe(0x123456789abcdef0n);
    // blr x30: the target is the old X30
    const blr = runGranule(encode('BLR', { rn: 30 }), st({ 30: 0x40001000n }, { pc: 0x40000ffcn }));
    expect([blr.pc, blr.x[30]]).toEqual([0x40001000n, 0x40001000n]);
    expect(runGranule(encode('RET', { rn: 30 }), st({ 30: 0x40000800n })).pc).toBe(0x40000800n);
    expect(runGranule(encode('BR', { rn: 31 }), st({})).pc).toBe(0n);
    const blrHigh = runGranule(encode('BLR', { rn: 1 }), st({ 1: 8n }, { pc: 0xfffffffcn }));
    expect(blrHigh.x[30]).toBe(0x100000000n);
  });
  it('BranchAddr: TBI0/TBI1 replace bits 63:56 of the target with copies of bit 55', () => {
    const br = (target: bigint, tcr: bigint): bigint => runGranule(encode('BR', { rn: 1 }), st({ 1: target }, { tcr })).pc;
    expect(br(0x0f00000040000000n, TBI0)).toBe(0x40000000n);
    expect(br(0x0f00000040000000n, TBI1)).toBe(0x0f00000040000000n);
    expect(br(0x0f00000040000000n, 0n)).toBe(0x0f00000040000000n);
    expect(br(0x12ff800000001000n, TBI1)).toBe(0xffff800000001000n);
    expect(br(0x12ff800000001000n, TBI0)).toBe(0x12ff800000001000n);
    expect(br(0xff7f000000001000n, TBI0 | TBI1)).toBe(0x007f000000001000n);
    // An immediate branch whose target crosses bit 55 goes through BranchAddr too.
    const b = runGranule(encode('B', { imm26: 2 }), st({}, { pc: 0x007ffffffffffffcn, tcr: TBI1 }));
    expect(b.pc).toBe(0xff80000000000004n);
  });
});

describe('branches in the run loop', () => {
  const B = (words: number): number => encode('B', { imm26: words & 0x3ffffff });
  const movz = (rd: number, imm16: number): number => encode('MOVZ', { sf: 1, hw: 0, imm16, rd });
  const addImm = (rd: number, rn: number, imm12: number): number => encode('ADD_i', { sf: 1, sh: 0, imm12, rn, rd });
  const subsImm = (rd: number, rn: number, imm12: number): number => encode('SUBS_i', { sf: 1, sh: 0, imm12, rn, rd });

  it('a counted loop (SUBS + B.NE backward) and CBNZ', () => {
    // movz x0, #5; L: add x1, x1, #1; subs x0, x0, #1; b.ne L; movz x2, #3; M: add x3, x3, #2; sub x2, x2, #1; cbnz x2, M
    const words = [
      movz(0, 5), addImm(1, 1, 1), subsImm(0, 0, 1), encode('B_cond', { imm19: 0x7fffe, cond: 1 }),
      movz(2, 3), addImm(3, 3, 2), encode('SUB_i', { sf: 1, sh: 0, imm12: 1, rn: 2, rd: 2 }), encode('CBNZ', { sf: 1, imm19: 0x7fffe, rt: 2 }),
    ];
    const m = bareMachine(words);
    const r = m.run(1000, CODE_BASE + BigInt(words.length * 4));
    expect(r.reason).toBe('until');
    expect([m.cpu.readX(1), m.cpu.readX(3), m.instructions]).toEqual([5n, 6n, 1 + 5 * 3 + 1 + 3 * 3]);
  });

  it('branches across page boundaries, forward and backward, and BL at the end of a page', () => {
    // Page 0 ends at +0x1000. +0: b +0xff8; +0xff8: b +0x10 (to +0x1008); +0x1008: b -0xc (back
    // to +0xffc); +0xffc: bl +0x14 (to +0x1010, X30 = +0x1000); +0x1010: movz x5, #1;
    // +0x1014: tbnz x5, #0, to +4, where the run stops.
    const words: number[] = new Array(0x1018 / 4).fill(0);
    words[0] = B(0xff8 / 4);
    words[0xff8 / 4] = B(4);
    words[0xffc / 4] = encode('BL', { imm26: 5 });
    words[0x1008 / 4] = B(-3);
    words[0x1010 / 4] = movz(5, 1);
    words[0x1014 / 4] = encode('TBNZ', { b5: 0, b40: 0, imm14: 0x3fff & -(0x1010 / 4), rt: 5 });
    const m = bareMachine(words);
    m.run(100, CODE_BASE + 4n);
    expect(m.cpu.pc).toBe(CODE_BASE + 4n);
    expect(m.instructions).toBe(6);
    expect(m.cpu.readX(30)).toBe(CODE_BASE + 0x1000n);
  });

  it('a misaligned BR target within the page takes a PC alignment fault at the target', () => {
    // adr x1, .+6 (misaligned); br x1 — same page: the fault must still come from the fetch.
    const words = [encode('ADR', { immlo: 2, immhi: 1, rd: 1 }), encode('BR', { rn: 1 })];
    const m = bareMachine(words);
    m.cpu.sys.vbar = RAM_BASE + 0x10000n;
    const vector = RAM_BASE + 0x10000n + 0x200n; // current EL with SP_ELx, synchronous
    const r = m.run(10, vector);
    expect(r.reason).toBe('until');
    expect(m.lastException?.ec).toBe(0x22);
    expect(m.cpu.sys.elr).toBe(CODE_BASE + 6n);
    expect(m.cpu.sys.far).toBe(CODE_BASE + 6n);
  });
});
