// Regenerates test/asm-golden/*.json: what GNU as 2.40 + GNU ld make of the assembler test
// sources (test/asm-golden/*.s and test/programs/*.s), laid out the way granule lays out a
// program (.text at 0x400000, then .rodata, .data and .bss groups each from a new 4 KiB page,
// `.text.*`-style sections after their group's standard one). test/asm-gnu.test.ts compares
// granule's output with it: the memory image (`objcopy -O binary`), the entry point, labels
// and mapping symbols.
//
// Run: npm run build && node dist/tools/gen-asm-golden.js      (npm run gen:asm-golden)

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = join(ROOT, 'test/asm-golden');
const SOURCES = [join(ROOT, 'test/asm-golden'), join(ROOT, 'test/programs')];
const GNU = process.env.GNU_PREFIX ?? 'aarch64-linux-gnu-';
export const GOLDEN_BASE = 0x400000n;

const LINKER_SCRIPT = `
ENTRY(_start)
SECTIONS
{
  . = ${'0x' + GOLDEN_BASE.toString(16)};
  .text : { *(.text) *(.text.*) }
  . = ALIGN(0x1000);
  .rodata : { *(.rodata) *(.rodata.*) }
  . = ALIGN(0x1000);
  .data : { *(.data) *(.data.*) }
  . = ALIGN(0x1000);
  .bss : { *(.bss) *(.bss.*) }
}
`;

export interface GoldenSymbol {
  name: string;
  value: string;
  size: number;
  type: string;
  bind: string;
}

export interface Golden {
  source: string;
  entry: string;
  /** `objcopy -O binary` of the linked program: its length, and its bytes as hex runs that
   *  start at the given offsets (the zeros between the runs are left out). */
  bin: { length: number; runs: [number, string][] };
  symbols: GoldenSymbol[];
  /** `$x` / `$d` with their addresses, in address order. */
  mapping: { name: string; value: string }[];
}

function run(tool: string, args: string[], cwd?: string): string {
  return execFileSync(GNU + tool, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Non-zero runs of `bytes` (runs of fewer than 16 zeros stay inside a run). */
export function sparse(bytes: Uint8Array): Golden['bin'] {
  const runs: [number, string][] = [];
  let i = 0;
  while (i < bytes.length) {
    if (bytes[i] === 0) {
      i++;
      continue;
    }
    let end = i;
    for (let zeros = 0, j = i; j < bytes.length && zeros < 16; j++) {
      if (bytes[j] === 0) zeros++;
      else {
        zeros = 0;
        end = j + 1;
      }
    }
    runs.push([i, Buffer.from(bytes.subarray(i, end)).toString('hex')]);
    i = end;
  }
  return { length: bytes.length, runs };
}

function generate(src: string, dir: string): Golden {
  const obj = join(dir, 'a.o');
  const exe = join(dir, 'a.out');
  const bin = join(dir, 'a.bin');
  const script = join(dir, 'layout.ld');
  writeFileSync(script, LINKER_SCRIPT);
  run('as', ['-march=armv8.5-a+memtag', '-I', dirname(src), src, '-o', obj]);
  run('ld', ['-static', '-nostdlib', '-z', 'max-page-size=4096', '-z', 'noexecstack', '--no-warn-rwx-segments', '-T', script, obj, '-o', exe]);
  run('objcopy', ['-O', 'binary', exe, bin]);
  const entry = /Entry point address:\s+(0x[0-9a-f]+)/.exec(run('readelf', ['-hW', exe]))![1];
  const symbols: GoldenSymbol[] = [];
  const mapping: Golden['mapping'] = [];
  for (const line of run('readelf', ['-sW', exe]).split('\n')) {
    const m = /^\s*\d+:\s+([0-9a-f]+)\s+(\d+)\s+(\w+)\s+(\w+)\s+\w+\s+(\w+)\s+(\S+)$/.exec(line);
    if (!m || m[3] === 'SECTION' || m[3] === 'FILE') continue;
    const value = '0x' + BigInt('0x' + m[1]).toString(16);
    if (m[6] === '$x' || m[6] === '$d') mapping.push({ name: m[6], value });
    else symbols.push({ name: m[6], value, size: Number(m[2]), type: m[3].toLowerCase(), bind: m[4].toLowerCase() });
  }
  mapping.sort((a, b) => (BigInt(a.value) < BigInt(b.value) ? -1 : BigInt(a.value) > BigInt(b.value) ? 1 : 0));
  symbols.sort((a, b) => a.name.localeCompare(b.name) || (BigInt(a.value) < BigInt(b.value) ? -1 : 1));
  return { source: src.slice(ROOT.length), entry, bin: sparse(readFileSync(bin)), symbols, mapping };
}

function main(): void {
  const dir = mkdtempSync(join(tmpdir(), 'granule-gas-'));
  try {
    for (const folder of SOURCES) {
      for (const name of readdirSync(folder).filter((f) => f.endsWith('.s')).sort()) {
        const golden = generate(join(folder, name), dir);
        const out = join(OUT, basename(name, '.s') + '.json');
        writeFileSync(out, JSON.stringify(golden, null, 1) + '\n');
        console.log(`${out.slice(ROOT.length)}: ${golden.bin.length} bytes, ${golden.symbols.length} symbols`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
