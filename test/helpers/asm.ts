// Helpers for the assembler tests: assemble a snippet, read back sections, symbols and words.

import { expect } from 'vitest';
import { assemble, type AssembledImage, type AssembleOptions } from '../../isa/asm/assembler.js';
import type { ElfSegment, ElfSymbol } from '../../isa/asm/elf-writer.js';

/** Assembles `source`, failing the test with the diagnostics if there are any. */
export function asm(source: string, opts: AssembleOptions = {}): AssembledImage {
  const r = assemble(source, { file: 't.s', ...opts });
  expect(r.errors.map((e) => e.format())).toEqual([]);
  return r.image!;
}

/** The diagnostics for `source`, formatted. */
export function diagnostics(source: string, opts: AssembleOptions = {}): string[] {
  const r = assemble(source, { file: 't.s', ...opts });
  expect(r.image).toBeUndefined();
  return r.errors.map((e) => e.format());
}

export function segment(image: AssembledImage, name: string): ElfSegment {
  const s = image.segments.find((x) => x.name === name);
  if (!s) throw new Error(`no section ${name} in ${image.segments.map((x) => x.name).join(', ')}`);
  return s;
}

/** The section's contents as little-endian 32-bit words. */
export function words(image: AssembledImage, name = '.text'): number[] {
  const d = segment(image, name).data;
  const view = new DataView(d.buffer, d.byteOffset, d.byteLength);
  return Array.from({ length: d.length >> 2 }, (_, i) => view.getUint32(i * 4, true));
}

export function bytes(image: AssembledImage, name: string): number[] {
  return [...segment(image, name).data];
}

export function symbol(image: AssembledImage, name: string): ElfSymbol {
  const s = image.symbols.find((x) => x.name === name);
  if (!s) throw new Error(`no symbol ${name}`);
  return s;
}

/** `$x`/`$d` mapping symbols as `name@offset` from `base`. */
export function mapping(image: AssembledImage, base = 0x400000n): string[] {
  return image.symbols
    .filter((s) => s.name === '$x' || s.name === '$d')
    .sort((a, b) => (a.value < b.value ? -1 : 1))
    .map((s) => `${s.name}@${(s.value - base).toString(16)}`);
}
