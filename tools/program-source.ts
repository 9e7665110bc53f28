// What the golden-data tools share about a test program's source: the files it is made of
// (for a staleness hash) and its assembly by granule's own assembler into an ELF64 executable.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { assemble } from '../isa/asm/assembler.js';
import { writeElfExecutable } from '../isa/asm/elf-writer.js';

/** The files a program is made of, in include order (the program first). */
export function sourceFiles(file: string, seen: string[] = []): string[] {
  const path = resolve(file);
  if (seen.includes(path)) return seen;
  seen.push(path);
  for (const m of readFileSync(path, 'utf8').matchAll(/^\s*\.include\s+"([^"]+)"/gm)) {
    sourceFiles(resolve(dirname(path), m[1]), seen);
  }
  return seen;
}

/** sha256 over the program and everything it includes (base names and text). */
export function sourceDigest(file: string): string {
  const h = createHash('sha256');
  for (const f of sourceFiles(file)) {
    h.update(basename(f) + '\0');
    h.update(readFileSync(f));
    h.update('\0');
  }
  return h.digest('hex');
}

/** Assembles a program with granule's assembler into an ELF64 executable with `.text` at `base`. */
export function assembleProgramAt(file: string, base: bigint): Uint8Array {
  const { errors, image } = assemble(readFileSync(file, 'utf8'), {
    file,
    base,
    readInclude: (p) => readFileSync(p, 'utf8'),
  });
  if (!image) throw new Error(`${file}: assembly failed:\n${errors.map((e) => e.format()).join('\n')}`);
  return writeElfExecutable(image);
}
