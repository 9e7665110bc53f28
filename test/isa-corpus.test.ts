// The golden corpus (test/golden/corpus.tsv, spellings.tsv): granule's assembler gives llvm-mc's
// bytes for every line, its disassembler llvm-objdump's text for every word, and every
// supported table row and printed alias is covered. Regenerate with `npm run gen:golden`.

import { describe, expect, it } from 'vitest';
import { decode, UNDEFINED } from '../isa/decode.js';
import { disassemble, disassembleParts } from '../isa/disasm.js';
import { ENCODINGS } from '../isa/encodings.js';
import { hex8, readCorpus, readSpellings, tryAssemble, type GoldenEntry } from './isa-golden.js';

const corpus = readCorpus();
const spellings = readSpellings();

/** The entries for which `got` is not `want`, described, for a readable failure. */
function mismatches(entries: GoldenEntry[], got: (g: GoldenEntry) => number | string, want: (g: GoldenEntry) => number | string, what: (g: GoldenEntry) => string): string[] {
  const out: string[] = [];
  for (const g of entries) {
    const a = got(g);
    const b = want(g);
    if (a !== b) out.push(`${what(g)}: got ${typeof a === 'number' ? hex8(a) : a}, want ${typeof b === 'number' ? hex8(b) : b}`);
  }
  return out;
}

const isAdrp = (g: GoldenEntry): boolean => g.text.startsWith('adrp ');

describe('golden corpus: llvm-mc bytes and llvm-objdump text', () => {
  it('holds several thousand lines', () => {
    expect(corpus.length).toBeGreaterThan(5000);
  });

  it("disassembles every word to llvm-objdump's text", () => {
    expect(mismatches(corpus, (g) => disassemble(g.word, g.address), (g) => g.text, (g) => hex8(g.word))).toEqual([]);
  });

  it("assembles every line's text to llvm-mc's word", () => {
    expect(mismatches(corpus, (g) => tryAssemble(g.text, g.address), (g) => g.word, (g) => g.text)).toEqual([]);
  });

  it('assembles the #offset form of every PC-relative line, as llvm-mc read it', () => {
    const pcRelative = corpus.filter((g) => g.source !== undefined && !isAdrp(g));
    expect(pcRelative.length).toBeGreaterThan(50);
    expect(mismatches(pcRelative, (g) => tryAssemble(g.source!, g.address), (g) => g.word, (g) => g.source!)).toEqual([]);
  });

  // llvm-mc reads `adrp x0, #4096` as a byte offset (one page), not a page count.
  it('assembles ADRP #offset as a byte offset, as llvm-mc does', () => {
    const adrp = corpus.filter((g) => g.source !== undefined && isAdrp(g));
    expect(mismatches(adrp, (g) => tryAssemble(g.source!, g.address), (g) => g.word, (g) => g.source!)).toEqual([]);
  });

  it('round-trips decode → disassemble → assemble for every word', () => {
    expect(mismatches(corpus, (g) => tryAssemble(disassemble(g.word, g.address), g.address), (g) => g.word, (g) => hex8(g.word))).toEqual([]);
  });

  it('covers every supported row and every printed alias', () => {
    const seen = new Set<string>();
    for (const g of corpus) {
      const i = decode(g.word);
      if (i === UNDEFINED) continue;
      seen.add(ENCODINGS[i].name);
      const alias = disassembleParts(g.word, g.address).alias;
      if (alias !== undefined) seen.add(`${ENCODINGS[i].name} as ${ENCODINGS[i].aliases[alias].mnemonic}#${alias}`);
    }
    const missing: string[] = [];
    for (const e of ENCODINGS) {
      if (!e.supported) continue;
      if (!seen.has(e.name)) missing.push(e.name);
      e.aliases.forEach((a, k) => {
        if (!a.asmOnly && !seen.has(`${e.name} as ${a.mnemonic}#${k}`)) missing.push(`${e.name} as ${a.mnemonic}`);
      });
    }
    expect(missing, 'rows or aliases without a corpus line: run npm run gen:golden').toEqual([]);
  });

  it('notes each place where GNU as disagrees with llvm-mc', () => {
    for (const g of corpus) if (g.note !== undefined) expect(g.note).toMatch(/^gnu: /);
  });
});

/**
 * Spellings where granule's assembler still differs from both GNU as and llvm-mc: they read a
 * constant branch or literal target as an offset from the instruction, granule as an address.
 */
const ASSEMBLER_DIFFERS = new Set(['b 16', 'b.eq 8', 'cbz x0, 8', 'tbz w0, #1, 32', 'ldr x0, 16', 'adr x0, 16']);

describe('alternative spellings GNU as and llvm-mc both accept', () => {
  it("assembles every spelling to llvm-mc's word", () => {
    expect(spellings.length).toBeGreaterThan(100);
    const agreed = spellings.filter((g) => !ASSEMBLER_DIFFERS.has(g.source!));
    expect(mismatches(agreed, (g) => tryAssemble(g.source!, g.address), (g) => g.word, (g) => g.source!)).toEqual([]);
  });

  it('still differs where listed (remove a spelling from the list once it assembles alike)', () => {
    const listed = spellings.filter((g) => ASSEMBLER_DIFFERS.has(g.source!));
    expect(listed.length).toBe(ASSEMBLER_DIFFERS.size);
    for (const g of listed) expect(tryAssemble(g.source!, g.address), g.source).not.toBe(g.word);
  });

  it("disassembles every spelling's word to llvm-objdump's text", () => {
    expect(mismatches(spellings, (g) => disassemble(g.word, g.address), (g) => g.text, (g) => g.source!)).toEqual([]);
  });
});
