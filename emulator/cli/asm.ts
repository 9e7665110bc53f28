// `granule asm FILE.s -o OUT [--format elf|bin] [--base ADDR]`: assembles GNU as AArch64 source
// into a static ELF executable (mode 0755) or a flat memory image.

import type { Command } from 'commander';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { assemble, toFlatBinary, type AssembleResult } from '../../isa/asm/assembler.js';
import { ElfWriteError, writeElfExecutable } from '../../isa/asm/elf-writer.js';
import { CliError, UsageError, parseNumber } from './common.js';

export const DEFAULT_BASE = 0x400000n;

/** "no such file or directory" out of Node's "ENOENT: no such file or directory, open 'x'". */
function reason(e: unknown): string {
  const message = (e as Error).message ?? String(e);
  return /^E[A-Z]+: ([^,]+)/.exec(message)?.[1] ?? message;
}

/**
 * Reads and assembles `file` (`.include` paths relative to the including file). Throws CliError
 * if the file cannot be read; assembly errors are in the result for the caller to print.
 */
export function assembleFile(file: string, base: bigint): AssembleResult {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read '${file}': ${reason(e)}`);
  }
  const readInclude = (path: string): string => {
    try {
      return readFileSync(path, 'utf8');
    } catch (e) {
      throw new Error(reason(e));
    }
  };
  return assemble(source, { file, base, readInclude });
}

/** `--base`: a 4 KiB-aligned 64-bit address (the layout puts each section group on its own pages). */
export function parseBase(text: string): bigint {
  const base = parseNumber(text, '--base address');
  if (base >= 1n << 64n || base % 0x1000n !== 0n) throw new UsageError(`--base must be a 4 KiB-aligned 64-bit address, not '${text}'`);
  return base;
}

interface AsmOptions {
  output: string;
  format: string;
  base?: string;
}

function runAsm(file: string, o: AsmOptions): void {
  if (o.format !== 'elf' && o.format !== 'bin') throw new UsageError(`invalid --format '${o.format}' (expected elf or bin)`);
  const base = o.base === undefined ? DEFAULT_BASE : parseBase(o.base);
  const { errors, image } = assembleFile(file, base);
  if (!image) {
    for (const e of errors) process.stderr.write(e.format() + '\n');
    process.exitCode = 1;
    return;
  }
  let bytes: Uint8Array;
  try {
    bytes = o.format === 'elf' ? writeElfExecutable(image) : toFlatBinary(image).bytes;
  } catch (e) {
    if (e instanceof ElfWriteError) throw new CliError(`cannot write an ELF file for '${file}': ${e.message}`);
    throw e;
  }
  try {
    writeFileSync(o.output, bytes, { mode: o.format === 'elf' ? 0o755 : 0o644 });
    if (o.format === 'elf') chmodSync(o.output, 0o755);
  } catch (e) {
    throw new CliError(`cannot write '${o.output}': ${reason(e)}`);
  }
}

export function registerAsm(program: Command): void {
  program
    .command('asm')
    .description('assemble GNU as AArch64 source into a static executable')
    .argument('<file>', 'assembly source (.s)')
    .requiredOption('-o, --output <file>', 'output file')
    .option('--format <format>', 'elf (static executable) or bin (flat memory image from the base address, no .bss)', 'elf')
    .option('--base <addr>', '.text address, a multiple of 4 KiB (default 0x400000)')
    .action((file: string, o: AsmOptions) => runAsm(file, o));
}
