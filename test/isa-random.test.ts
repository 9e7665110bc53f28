// The random-word differential (test/golden/random.tsv): tens of thousands of words, with
// llvm-objdump 14's text, prove that the decoder neither misdecodes nor rejects what LLVM
// accepts, except for the classes below. Regenerate the data with `npm run gen:golden`.

import { describe, expect, it } from 'vitest';
import { decode, fieldsOf, UNDEFINED } from '../isa/decode.js';
import { disassemble } from '../isa/disasm.js';
import { ENCODINGS } from '../isa/encodings.js';
import { NOT_ASSEMBLABLE } from '../tools/golden-rules.js';
import { hex8, readRandom, tryAssemble } from './isa-golden.js';

interface LlvmOnly {
  /** The class: `(word & mask) === match`, and with `anyOf`, at least one of those bits set. */
  mask: number;
  match: number;
  anyOf?: number;
  /** What llvm-objdump prints for such a word. */
  llvm: RegExp;
  reason: string;
}

/** Words LLVM 14 decodes but granule, following the architecture, treats as UNDEFINED. */
const LLVM_ONLY: LlvmOnly[] = [
  {
    mask: 0xbfc00000, match: 0x91800000, anyOf: 0x0000c000, llvm: /^(addg|subg) /,
    reason: 'ADDG/SUBG with bits [15:14] != 00: CONSTRAINED UNPREDICTABLE in the ASL, UNDEFINED in QEMU; LLVM ignores the bits',
  },
  {
    mask: 0xfff8f01f, match: 0xd500401f, llvm: /^msr S0_[0-7]_C4_C\d+_[0-7], xzr$/,
    reason: 'MSR (immediate) with an unallocated PSTATE field (or CRm[3:1] != 000 for a one-bit field): UNDEFINED',
  },
  { mask: 0xfffff0ff, match: 0xd503301f, llvm: /^msr S0_3_C3_C\d+_0, xzr$/, reason: 'barrier space, op2 = 000: unallocated' },
  { mask: 0xfffff0ff, match: 0xd503303f, llvm: /^msr S0_3_C3_C\d+_1, xzr$/, reason: 'barrier space, op2 = 001: DSB nXS (FEAT_XS), not implemented' },
  { mask: 0xfffff0ff, match: 0xd503307f, llvm: /^msr S0_3_C3_C\d+_3, xzr$/, reason: 'barrier space, op2 = 011: TCOMMIT (FEAT_TME) or unallocated, not implemented' },
  {
    mask: 0xfff80000, match: 0xd5000000, llvm: /^msr S0_[0-7]_C\d+_C\d+_[0-7], (x\d+|xzr)$/,
    reason: 'MSR (register) shape with op0 = 0: the reserved system-instruction space, UNDEFINED',
  },
  {
    mask: 0xfff80000, match: 0xd5200000, llvm: /^mrs (x\d+|xzr), S0_[0-7]_C\d+_C\d+_[0-7]$/,
    reason: 'MRS shape with op0 = 0: the reserved system-instruction space, UNDEFINED',
  },
];

const classOf = (w: number): LlvmOnly | undefined =>
  LLVM_ONLY.find((c) => ((w & c.mask) >>> 0) === c.match && (c.anyOf === undefined || (w & c.anyOf) !== 0));

const random = readRandom();

describe('random words against llvm-objdump', () => {
  it('holds tens of thousands of words', () => {
    expect(random.length).toBeGreaterThan(40000);
  });

  it("prints llvm-objdump's text for every word granule decodes", () => {
    const bad: string[] = [];
    for (const g of random) {
      const i = decode(g.word);
      if (i === UNDEFINED || !ENCODINGS[i].supported) continue;
      const text = disassemble(g.word, g.address);
      if (text !== g.text) bad.push(`${hex8(g.word)} (${ENCODINGS[i].name}): granule '${text}', llvm '${g.text}'`);
    }
    expect(bad).toEqual([]);
  });

  it('rejects only what LLVM rejects, apart from the listed classes', () => {
    const bad: string[] = [];
    const hits = new Map<LlvmOnly, number>();
    for (const g of random) {
      if (decode(g.word) !== UNDEFINED || g.text === '<unknown>') continue;
      const c = classOf(g.word);
      if (c && c.llvm.test(g.text)) hits.set(c, (hits.get(c) ?? 0) + 1);
      else bad.push(`${hex8(g.word)}: granule UNDEFINED, llvm '${g.text}'`);
    }
    expect(bad).toEqual([]);
    // Every class is still needed: a class no word falls in is stale and should go.
    expect(LLVM_ONLY.filter((c) => !hits.has(c)).map((c) => c.reason)).toEqual([]);
  });

  it('round-trips decode → disassemble → assemble for every assemblable word', () => {
    const bad: string[] = [];
    let checked = 0;
    for (const g of random) {
      const i = decode(g.word);
      if (i === UNDEFINED || !ENCODINGS[i].supported) continue;
      const e = ENCODINGS[i];
      if (NOT_ASSEMBLABLE.some(([, test]) => test(e, fieldsOf(i, g.word)))) continue;
      checked++;
      const text = disassemble(g.word, g.address);
      const got = tryAssemble(text, g.address);
      // Bits the decoder ignores (x, should-be) come back as the assembler writes them.
      const canonical = ((g.word & e.significant) | e.sbo) >>> 0;
      if (got !== canonical) bad.push(`${hex8(g.word)} '${text}': got ${typeof got === 'number' ? hex8(got) : got}, want ${hex8(canonical)}`);
    }
    expect(checked).toBeGreaterThan(30000);
    expect(bad).toEqual([]);
  });
});
