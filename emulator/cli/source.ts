// `.s` inputs to `run`: assembled in memory into an ELF image at the machine's code address,
// with the same diagnostics as `granule asm`.

import { writeElfExecutable } from '../../isa/asm/elf-writer.js';
import { assembleFile } from './asm.js';
import { CliError } from './common.js';

export function isAssemblySource(file: string): boolean {
  return /\.(s|S|asm)$/.test(file);
}

/** Assembles a source file into ELF bytes with `.text` at `base`; errors print as `file:line:col: error: …`. */
export function assembleSourceFile(file: string, base: bigint): Uint8Array {
  const { errors, image } = assembleFile(file, base);
  if (!image) {
    for (const e of errors) process.stderr.write(e.format() + '\n');
    // Already reported line by line: the CLI adds nothing.
    throw new CliError('');
  }
  return writeElfExecutable(image);
}
