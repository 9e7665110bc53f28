// Exclusives and LSE atomics (emulator/exec/atomic.ts): the local monitor, status results,
// every atomic operation and size with its returned old value, CAS/CASP success and failure,
// alignment, permission and tag-check faults with their syndromes.

import { describe, expect, it } from 'vitest';
import {
  DATA, enableMte, esr, DABT_SAME, insn, memMachine, read64, readBytes, run, setPageAp, setSctlr, setTags, tagged, taken, TCF, unmapPage,
  write64, WNR, SCTLR, type MemMachine,
} from './helpers/mem.js';

const X = (mm: MemMachine, n: number): bigint => mm.m.cpu.readX(n);

function go(src: string, regs: Record<number, bigint> = {}, setup?: (mm: MemMachine) => void): MemMachine {
  const mm = memMachine(src);
  mm.m.cpu.writeX(1, DATA);
  for (const [n, v] of Object.entries(regs)) mm.m.cpu.writeX(Number(n), BigInt.asUintN(64, v));
  setup?.(mm);
  run(mm);
  return mm;
}
function exec(src: string, regs: Record<number, bigint> = {}, setup?: (mm: MemMachine) => void): MemMachine {
  const mm = go(src, regs, setup);
  expect(taken(mm)).toBeUndefined();
  return mm;
}

const MASK = [0xffn, 0xffffn, 0xffffffffn, 0xffffffffffffffffn];
const SFX = ['b', 'h', '', ''];
const REG = ['w', 'w', 'w', 'x'];

describe('load/store exclusive', () => {
  for (let sz = 0; sz < 4; sz++) {
    const r = REG[sz];
    it(`ldxr${SFX[sz]}/stxr${SFX[sz]} ${r}: success writes memory and status 0, the monitor is then open`, () => {
      const src = `ldaxr${SFX[sz]} ${r}2, [x1]\nstlxr${SFX[sz]} w3, ${r}4, [x1]\nstxr${SFX[sz]} w5, ${r}6, [x1]`;
      const mm = exec(src, { 3: 7n, 4: 0x1122334455667788n, 5: 7n, 6: -1n }, (mm) => write64(mm.m, DATA, 0x8877665544332211n));
      expect(X(mm, 2)).toBe(0x8877665544332211n & MASK[sz]);
      expect(X(mm, 3)).toBe(0n);
      expect(X(mm, 5)).toBe(1n);
      const keep = 0x8877665544332211n & ~MASK[sz];
      expect(read64(mm.m, DATA)).toBe(keep | (0x1122334455667788n & MASK[sz]));
    });
  }

  it('fails without a preceding load-exclusive, after CLREX, at another address or size', () => {
    const cases = [
      'stxr w3, x4, [x1]',
      'ldxr x2, [x1]\nclrex\nstxr w3, x4, [x1]',
      'ldxr x2, [x1]\nstxr w3, x4, [x7]',
      'ldxr x2, [x1]\nstxr w3, w4, [x1]',
      'ldxrb w2, [x1]\nstxrh w3, w4, [x1]',
    ];
    for (const src of cases) {
      const mm = exec(src, { 3: 9n, 4: -1n, 7: DATA + 8n });
      expect(X(mm, 3)).toBe(1n);
      expect(read64(mm.m, DATA)).toBe(0n);
      expect(read64(mm.m, DATA + 8n)).toBe(0n);
    }
  });

  it('compares physical addresses: a differently tagged pointer to the same location passes', () => {
    const mm = exec('ldxr x2, [x1]\nstxr w3, x4, [x7]', { 4: 5n, 7: tagged(DATA, 9) });
    expect(X(mm, 3)).toBe(0n);
    expect(read64(mm.m, DATA)).toBe(5n);
  });

  it('a failing store-exclusive with the monitor open does not translate', () => {
    const mm = exec('stxr w3, x4, [x1]', { 1: DATA + 0x1000n, 3: 4n }, (mm) => unmapPage(mm.m, DATA + 0x1000n));
    expect(X(mm, 3)).toBe(1n);
  });

  it('a store-exclusive with the monitor set faults on translation; the status is not written', () => {
    const mm = go('ldxr x2, [x1]\nstxr w3, x4, [x7]', { 3: 4n, 7: DATA + 0x1000n }, (mm) => unmapPage(mm.m, DATA + 0x1000n));
    expect(taken(mm)).toEqual({ esr: esr(DABT_SAME, WNR | 0x07), far: DATA + 0x1000n, elr: insn(1), vector: 0x200n });
    expect(X(mm, 3)).toBe(4n);
  });

  it('LDXP/STXP and LDAXP/STLXP, W and X', () => {
    const mm = exec('ldxp x2, x3, [x1]\nstxp w4, x3, x2, [x1]\nldaxp w5, w6, [x1]\nstlxp w7, w6, w5, [x1]', { 4: 3n, 7: 3n }, (mm) => {
      write64(mm.m, DATA, 0x1111111122222222n);
      write64(mm.m, DATA + 8n, 0x3333333344444444n);
    });
    expect([X(mm, 2), X(mm, 3), X(mm, 4)]).toEqual([0x1111111122222222n, 0x3333333344444444n, 0n]);
    expect([X(mm, 5), X(mm, 6), X(mm, 7)]).toEqual([0x44444444n, 0x33333333n, 0n]);
    expect(read64(mm.m, DATA)).toBe(0x4444444433333333n);
    expect(read64(mm.m, DATA + 8n)).toBe(0x1111111122222222n);
  });

  it('need natural alignment of the whole access (no FEAT_LSE2), before translation', () => {
    const cases: [string, bigint, bigint][] = [
      ['ldxr w2, [x1]', DATA + 2n, 0x96000021n],
      ['ldaxrh w2, [x1]', DATA + 1n, 0x96000021n],
      ['stxr w3, x2, [x1]', DATA + 4n, 0x96000061n],
      ['ldxp x2, x3, [x1]', DATA + 8n, 0x96000021n],
      ['ldxp w2, w3, [x1]', DATA + 4n, 0x96000021n],
      ['stlxp w4, x2, x3, [x1]', DATA + 8n, 0x96000061n],
    ];
    for (const [src, addr, want] of cases) {
      const mm = go(src, { 1: addr }, (mm) => unmapPage(mm.m, DATA));
      expect(taken(mm), src).toEqual({ esr: want, far: addr, elr: insn(0), vector: 0x200n });
    }
    expect(taken(go('ldxrb w2, [x1]\nstxrb w3, w2, [x1]', { 1: DATA + 3n }))).toBeUndefined();
  });

  it('are tag checked through Xn, not through SP', () => {
    const setup = (mm: MemMachine): void => {
      enableMte(mm.m);
      setTags(mm.m, DATA, 4, 4);
      mm.m.cpu.writeSp(tagged(DATA, 3));
    };
    expect(taken(go('ldxr x2, [x1]', { 1: tagged(DATA, 3) }, setup))!.esr).toBe(0x96000011n);
    expect(taken(go('ldxr x2, [sp]\nstxr w3, x2, [sp]', {}, setup))).toBeUndefined();
    const st = go('ldxr x2, [x1]\nstxr w3, x4, [x7]', { 1: tagged(DATA, 4), 4: -1n, 7: tagged(DATA, 3) }, setup);
    expect(taken(st)).toEqual({ esr: 0x96000051n, far: tagged(DATA, 3), elr: insn(1), vector: 0x200n });
    expect(read64(st.m, DATA)).toBe(0n);
  });
});

describe('LSE atomic memory operations', () => {
  // [op, memory, operand, result in memory] for 8-bit values; the wider sizes use the same
  // values placed in the top byte of their width (so signedness is exercised at each width).
  const OPS: [string, bigint, bigint, bigint][] = [
    ['add', 0xf0n, 0x21n, 0x11n],
    ['clr', 0xf3n, 0x31n, 0xc2n],
    ['eor', 0xf3n, 0x31n, 0xc2n],
    ['set', 0x03n, 0x30n, 0x33n],
    ['smax', 0x80n, 0x7fn, 0x7fn],
    ['smax', 0x01n, 0xffn, 0x01n],
    ['smin', 0x80n, 0x7fn, 0x80n],
    ['smin', 0x01n, 0xffn, 0xffn],
    ['umax', 0x80n, 0x7fn, 0x80n],
    ['umax', 0x01n, 0xffn, 0xffn],
    ['umin', 0x80n, 0x7fn, 0x7fn],
    ['umin', 0x01n, 0xffn, 0x01n],
    ['swp', 0xaan, 0x55n, 0x55n],
  ];
  for (let sz = 0; sz < 4; sz++) {
    const bits = 8n << BigInt(sz);
    const place = (v: bigint): bigint => (v << (bits - 8n)) | (v & 1n); // top byte, plus a low bit
    for (const [op, mem, operand, want] of OPS) {
      for (const ord of ['', 'a', 'l', 'al']) {
        const mn = op === 'swp' ? `swp${ord}${SFX[sz]}` : `ld${op}${ord}${SFX[sz]}`;
        it(`${mn} ${REG[sz]}`, () => {
          const r = REG[sz];
          const mm = exec(`${mn} ${r}2, ${r}3, [x1]`, { 2: place(operand), 3: -1n }, (mm) => write64(mm.m, DATA, 0xeeeeeeeeeeeeeeeen & ~MASK[sz] | place(mem)));
          const expected = op === 'add' ? (place(mem) + place(operand)) & MASK[sz]
            : op === 'clr' ? place(mem) & ~place(operand) & MASK[sz]
            : op === 'eor' ? (place(mem) ^ place(operand)) & MASK[sz]
            : op === 'set' ? place(mem) | place(operand)
            : place(want);
          expect(read64(mm.m, DATA) & MASK[sz]).toBe(expected);
          expect(read64(mm.m, DATA) & ~MASK[sz]).toBe(0xeeeeeeeeeeeeeeeen & ~MASK[sz]);
          expect(X(mm, 3)).toBe(place(mem));
          expect(X(mm, 2)).toBe(place(operand));
        });
      }
    }
  }

  it('64-bit add carries across the halves; the ST<op> aliases discard the old value', () => {
    const mm = exec('ldadd x2, x3, [x1]\nstadd x2, [x1]\nsteorlb w4, [x1]', { 2: 0x00000000ffffffffn, 4: 0xffn }, (mm) => write64(mm.m, DATA, 0x00000001_00000001n));
    expect(X(mm, 3)).toBe(0x0000000100000001n);
    expect(read64(mm.m, DATA)).toBe(0x00000002ffffff00n);
  });

  it('need read and write permission: a read-only page gives a permission fault with WnR = 1', () => {
    const mm = go('ldset x2, x3, [x1]', { 3: 7n }, (mm) => setPageAp(mm.m, DATA, 2n));
    expect(taken(mm)).toEqual({ esr: 0x9600004fn, far: DATA, elr: insn(0), vector: 0x200n });
    expect(X(mm, 3)).toBe(7n);
  });

  it('translation, alignment and tag check faults report WnR = 0 (read-modify-write)', () => {
    expect(taken(go('swp x2, x3, [x1]', {}, (mm) => unmapPage(mm.m, DATA)))!.esr).toBe(0x96000007n);
    expect(taken(go('ldaddh w2, w3, [x1]', { 1: DATA + 1n }))!.esr).toBe(0x96000021n);
    expect(taken(go('casal w2, w3, [x1]', { 1: DATA + 6n }))!.esr).toBe(0x96000021n);
    const tag = go('ldumax x2, x3, [x1]', { 1: tagged(DATA, 2) }, (mm) => enableMte(mm.m));
    expect(taken(tag)).toEqual({ esr: 0x96000011n, far: tagged(DATA, 2), elr: insn(0), vector: 0x200n });
  });

  it('are synchronous in the asymmetric tag check mode (they read)', () => {
    const asym = go('stclr x2, [x1]\nstr x2, [x1]', { 1: tagged(DATA, 2), 2: 1n }, (mm) => enableMte(mm.m, TCF.ASYM));
    expect(taken(asym)!.elr).toBe(insn(0));
    const store = exec('str x2, [x1]', { 1: tagged(DATA, 2), 2: 1n }, (mm) => enableMte(mm.m, TCF.ASYM));
    expect(store.m.cpu.sys.tfsr).toBe(1n);
    expect(read64(store.m, DATA)).toBe(1n);
  });

  it('SP base: unchecked, SP alignment checked', () => {
    const mm = exec('ldadd x2, x3, [sp]', { 2: 1n }, (mm) => {
      enableMte(mm.m);
      mm.m.cpu.writeSp(tagged(DATA, 6));
    });
    expect(read64(mm.m, DATA)).toBe(1n);
    const sa = go('ldadd x2, x3, [sp]', {}, (mm) => {
      mm.m.cpu.writeSp(DATA + 8n);
      setSctlr(mm.m, SCTLR.SA);
    });
    expect(taken(sa)!.esr).toBe(0x9a000000n);
  });
});

describe('compare and swap', () => {
  for (let sz = 0; sz < 4; sz++) {
    const r = REG[sz];
    for (const ord of ['', 'a', 'l', 'al']) {
      const mn = `cas${ord}${SFX[sz]}`;
      it(`${mn} ${r}: success and failure, Rs gets the old value`, () => {
        const old = 0x8899aabbccddeeffn & MASK[sz];
        const ok = exec(`${mn} ${r}2, ${r}3, [x1]`, { 2: old | (sz < 3 ? 0xabc00000000n : 0n), 3: 0x0123456789abcdefn }, (mm) => write64(mm.m, DATA, 0x8899aabbccddeeffn));
        expect(read64(ok.m, DATA)).toBe((0x8899aabbccddeeffn & ~MASK[sz]) | (0x0123456789abcdefn & MASK[sz]));
        expect(X(ok, 2)).toBe(old);
        const fail = exec(`${mn} ${r}2, ${r}3, [x1]`, { 2: old ^ 1n, 3: 0x0123456789abcdefn }, (mm) => write64(mm.m, DATA, 0x8899aabbccddeeffn));
        expect(read64(fail.m, DATA)).toBe(0x8899aabbccddeeffn);
        expect(X(fail, 2)).toBe(old);
      });
    }
  }

  it('CAS with Rs = XZR compares with zero; a failing CAS still needs write permission', () => {
    const mm = exec('cas xzr, x3, [x1]', { 3: 5n });
    expect(read64(mm.m, DATA)).toBe(5n);
    const ro = go('cas x2, x3, [x1]', { 2: 1n }, (mm) => setPageAp(mm.m, DATA, 2n));
    expect(taken(ro)!.esr).toBe(0x9600004fn);
  });

  for (const ord of ['', 'a', 'l', 'al']) {
    it(`casp${ord} W and X pairs`, () => {
      const src = `casp${ord} x2, x3, x4, x5, [x1]\ncasp${ord} w6, w7, w8, w9, [x10]\ncasp${ord} x12, x13, x4, x5, [x1]`;
      const mm = exec(src, {
        2: 0x1111n, 3: 0x2222n, 4: 0xaaaan, 5: 0xbbbbn,
        6: 0x33n, 7: 0x44n, 8: 0xccn, 9: 0xddn, 10: DATA + 16n,
        12: 0n, 13: 0n,
      }, (mm) => {
        write64(mm.m, DATA, 0x1111n);
        write64(mm.m, DATA + 8n, 0x2222n);
        write64(mm.m, DATA + 16n, 0x0000004400000033n);
      });
      expect([read64(mm.m, DATA), read64(mm.m, DATA + 8n)]).toEqual([0xaaaan, 0xbbbbn]);
      expect([X(mm, 2), X(mm, 3)]).toEqual([0x1111n, 0x2222n]);
      expect(read64(mm.m, DATA + 16n)).toBe(0x000000dd000000ccn);
      expect([X(mm, 6), X(mm, 7)]).toEqual([0x33n, 0x44n]);
      // The third compares 0, 0 against aaaa, bbbb: it fails and returns them.
      expect([X(mm, 12), X(mm, 13)]).toEqual([0xaaaan, 0xbbbbn]);
    });
  }

  it('CASP with the pair x30, xzr, and the 16-byte alignment of CASP X', () => {
    const mm = exec('casp x30, xzr, x2, x3, [x1]', { 30: 7n, 2: 8n, 3: 9n }, (mm) => write64(mm.m, DATA, 7n));
    expect([read64(mm.m, DATA), read64(mm.m, DATA + 8n)]).toEqual([8n, 9n]);
    expect(X(mm, 30)).toBe(7n);
    expect(taken(go('casp x2, x3, x4, x5, [x1]', { 1: DATA + 8n }))!.esr).toBe(0x96000021n);
    expect(readBytes(mm.m, DATA + 16n, 1)).toEqual([0]);
  });
});
