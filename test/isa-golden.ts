// Reads the golden ISA data in test/golden/ (written by tools/gen-golden.ts) and assembles one
// line of text with granule's encoder, for the isa-*.test.ts files.

import { readFileSync } from 'node:fs';
import { encodeInstruction } from '../isa/asm/encoder.js';
import { tokenize, TokenCursor } from '../isa/asm/lexer.js';
import { CORPUS_BASE } from '../tools/golden-rules.js';

export interface GoldenEntry {
  address: bigint;
  word: number;
  /** llvm-objdump's text of the word (whitespace-normalised, no ` <sym>` suffix). */
  text: string;
  /** What llvm-mc assembled to the word, where it differs from the text. */
  source?: string;
  /** Where GNU as disagrees with llvm-mc. */
  note?: string;
}

function dataLines(name: string): string[] {
  return readFileSync(new URL(`golden/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** corpus.tsv: address, word, text[, source[, note]]. */
export function readCorpus(): GoldenEntry[] {
  return dataLines('corpus.tsv').map((l) => {
    const [address, word, text, source, note] = l.split('\t');
    return { address: BigInt(address), word: parseInt(word, 16), text, source: source || undefined, note };
  });
}

/** spellings.tsv: address, word, source, text. */
export function readSpellings(): GoldenEntry[] {
  return dataLines('spellings.tsv').map((l) => {
    const [address, word, source, text] = l.split('\t');
    return { address: BigInt(address), word: parseInt(word, 16), text, source };
  });
}

/** random.tsv: word, text; entry k at CORPUS_BASE + 4k. */
export function readRandom(): GoldenEntry[] {
  return dataLines('random.tsv').map((l, k) => {
    const [word, text] = l.split('\t');
    return { address: CORPUS_BASE + BigInt(4 * k), word: parseInt(word, 16), text };
  });
}

/** Assembles one instruction at `pc` (no symbols); throws the assembler's AsmError. */
export function assemble(text: string, pc: bigint): number {
  const c = new TokenCursor(tokenize(text, { file: 'golden', line: 1 }), 'golden', 1);
  const mnemonic = c.next();
  return encodeInstruction(mnemonic, c, { pc, sizing: false, resolver: { symbol: () => undefined, localLabel: () => undefined, dot: () => pc }, literal: () => 0n });
}

/** `assemble` as a value for comparisons: the word, or the error message. */
export function tryAssemble(text: string, pc: bigint): number | string {
  try {
    return assemble(text, pc);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

export const hex8 = (w: number): string => (w >>> 0).toString(16).padStart(8, '0');
