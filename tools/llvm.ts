// Runs LLVM 14's llvm-mc and llvm-objdump, the oracles the golden data comes from.
// Only the generator scripts in tools/ use this; tests read the committed results.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const LLVM_MC = process.env.LLVM_MC ?? 'llvm-mc-14';
export const LLVM_OBJDUMP = process.env.LLVM_OBJDUMP ?? 'llvm-objdump-14';
/** The features granule's golden data is produced with (see README: +v8.5a brings LSE). */
export const MATTR = '+mte,+v8.5a';

function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'granule-llvm-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * llvm-objdump's text for each word, word k at address `base + 4k`: mnemonic and operands,
 * whitespace runs as one space, without the ` <sym+off>` suffix it adds for a `.o` file.
 */
export function objdumpWords(words: number[], base = 0n): string[] {
  return withTempDir((dir) => {
    const src = join(dir, 'w.s');
    writeFileSync(src, words.map((w) => `.inst 0x${(w >>> 0).toString(16).padStart(8, '0')}\n`).join(''));
    execFileSync(LLVM_MC, ['-triple=aarch64', `-mattr=${MATTR}`, '-filetype=obj', src, '-o', join(dir, 'w.o')]);
    const out = execFileSync(LLVM_OBJDUMP, ['-d', '-z', `--mattr=${MATTR}`, `--adjust-vma=0x${base.toString(16)}`, join(dir, 'w.o')], { maxBuffer: 1 << 30 }).toString();
    const texts: string[] = [];
    for (const line of out.split('\n')) {
      const m = /^\s*[0-9a-f]+:\s+(?:[0-9a-f]{2} ){4}\s*(.*)$/.exec(line);
      if (m) texts.push(normalizeObjdump(m[1]));
    }
    if (texts.length !== words.length) throw new Error(`llvm-objdump gave ${texts.length} lines for ${words.length} words`);
    return texts;
  });
}

/** One line of llvm-objdump text as granule's disassembler prints it (see objdumpWords). */
export function normalizeObjdump(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/ (0x[0-9a-f]+) <[^>]*>/, ' $1');
}

export interface McResult {
  ok: boolean;
  words: number[];
  error?: string;
}

/** Assembles each line on its own with llvm-mc; returns the words or llvm-mc's error. */
export function mcAssembleLines(lines: string[]): McResult[] {
  return withTempDir((dir) => {
    const src = join(dir, 'a.s');
    // One line at a time would be slow: assemble all with -show-encoding and map results back by line.
    writeFileSync(src, lines.map((l) => l + '\n').join(''));
    let stdout = '';
    let stderr = '';
    try {
      stdout = execFileSync(LLVM_MC, ['-triple=aarch64', `-mattr=${MATTR}`, '-show-encoding', src], {
        maxBuffer: 1 << 30,
        stdio: ['ignore', 'pipe', 'pipe'],
      }).toString();
    } catch (e) {
      const err = e as { stdout?: Buffer; stderr?: Buffer };
      stdout = err.stdout?.toString() ?? '';
      stderr = err.stderr?.toString() ?? '';
    }
    const errors = new Map<number, string>();
    for (const m of stderr.matchAll(/^[^:\n]*:(\d+):\d+: error: (.*)$/gm)) {
      const ln = Number(m[1]) - 1;
      if (!errors.has(ln)) errors.set(ln, m[2]);
    }
    const encodings: number[][] = [];
    for (const m of stdout.matchAll(/encoding: \[([^\]]*)\]/g)) {
      const bytes = m[1].split(',').map((b) => parseInt(b.trim(), 16));
      const words: number[] = [];
      for (let i = 0; i + 3 < bytes.length; i += 4) words.push((bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)) >>> 0);
      encodings.push(words);
    }
    const results: McResult[] = [];
    let k = 0;
    for (let i = 0; i < lines.length; i++) {
      if (errors.has(i)) results.push({ ok: false, words: [], error: errors.get(i) });
      else results.push({ ok: true, words: encodings[k++] ?? [] });
    }
    if (k !== encodings.length) throw new Error(`llvm-mc: ${encodings.length} encodings for ${k} accepted lines`);
    return results;
  });
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}
