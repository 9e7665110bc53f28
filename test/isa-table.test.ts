// Invariants of the encoding table (isa/encodings.ts) that the decoder, disassembler and
// assembler rely on, and regressions for table fixes found by the golden data.

import { describe, expect, it } from 'vitest';
import { decode } from '../isa/decode.js';
import { disassemble } from '../isa/disasm.js';
import { ENCODINGS, type Encoding } from '../isa/encodings.js';
import { tryAssemble } from './isa-golden.js';

/** Pairs of rows allowed to match a common word, with the reason (none today). */
const OVERLAPS: [string, string, string][] = [];

const fieldMask = (lsb: number, width: number): number => (width === 32 ? 0xffffffff : ((2 ** width - 1) * 2 ** lsb) >>> 0);

/** Bits a pattern spells out, counted from its text (fields, fixed bits, x, should-be runs). */
function patternBits(pattern: string): number {
  let n = 0;
  for (const tok of pattern.trim().split(/\s+/)) {
    const f = /^\w+:(\d+)$/.exec(tok);
    n += f ? Number(f[1]) : tok.replace(/[()]/g, '').length;
  }
  return n;
}

describe('encoding table', () => {
  it('has unique row names', () => {
    const names = ENCODINGS.map((e) => e.name);
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([]);
  });

  it.each(ENCODINGS.map((e) => [e.name, e] as [string, Encoding]))('%s: a 32-bit pattern whose parts do not overlap', (_, e) => {
    expect(patternBits(e.pattern)).toBe(32);
    expect((e.match & ~e.mask) >>> 0).toBe(0);
    expect((e.sbo & e.mask) >>> 0).toBe(0);
    let used = e.mask | e.sbo;
    for (const f of e.fields) {
      expect(f.lsb + f.width).toBeLessThanOrEqual(32);
      const m = fieldMask(f.lsb, f.width);
      expect((used & m) >>> 0, `field ${f.name}`).toBe(0);
      used |= m;
    }
    const names = e.fields.map((f) => f.name);
    expect(new Set(names).size, 'field names are unique').toBe(names.length);
  });

  it('gives every supported row a family, mnemonic and operand list', () => {
    for (const e of ENCODINGS.filter((r) => r.supported)) {
      expect(e.family, e.name).toMatch(/^[a-z]\w*$/);
      expect(e.mnemonic, e.name).toMatch(/^[a-z][a-z0-9.<>]*$/);
      expect(Array.isArray(e.operands), e.name).toBe(true);
      for (const op of e.operands) expect(typeof op.print === 'function' && typeof op.parse === 'function', e.name).toBe(true);
      for (const a of e.aliases) {
        expect(a.mnemonic, e.name).toMatch(/^[a-z][a-z0-9.]*$/);
        // An alias is printed (with its condition) or only assembled, never both or neither.
        expect(a.asmOnly === true, `${e.name} as ${a.mnemonic}`).toBe(a.when === undefined);
      }
    }
  });

  it('has no two rows that match the same word, unless listed', () => {
    const overlaps: string[] = [];
    ENCODINGS.forEach((a, i) => {
      for (const b of ENCODINGS.slice(i + 1)) {
        if (((a.match ^ b.match) & a.mask & b.mask) !== 0) continue;
        if (!OVERLAPS.some(([x, y]) => (x === a.name && y === b.name) || (x === b.name && y === a.name))) overlaps.push(`${a.name} / ${b.name}`);
      }
    });
    expect(overlaps).toEqual([]);
  });
});

describe('table fixes', () => {
  it('prints BFC for BFM from XZR with ImmR = 0, as LLVM 14 does', () => {
    expect(disassemble(0xb34003e0)).toBe('bfc x0, #0, #1');
    expect(disassemble(0x33001fe1)).toBe('bfc w1, #0, #8');
    expect(tryAssemble('bfc x0, #0, #1', 0n)).toBe(0xb34003e0);
    // With a source register it stays BFXIL.
    expect(disassemble(0xb3400020)).toBe('bfxil x0, x1, #0, #1');
  });

  it('decodes MSR DIT with any CRm, as LLVM prints it, but assembles only #0 and #1', () => {
    expect(ENCODINGS[decode(0xd503425f)].name).toBe('MSR_i_DIT');
    expect(disassemble(0xd503425f)).toBe('msr DIT, #2');
    expect(tryAssemble('msr DIT, #1', 0n)).toBe(0xd503415f);
    expect(tryAssemble('msr DIT, #2', 0n)).toMatch(/range \[0, 1\]/);
  });
});
