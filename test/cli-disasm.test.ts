// `granule disasm`: its listing of test/golden/disasm.elf is llvm-objdump 14's (committed as
// disasm.objdump by tools/gen-golden.ts), --json and --format bin give the same instructions,
// and bad input is one line on stderr with exit status 1 (2 for usage errors).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeElfExecutable } from '../isa/asm/elf-writer.js';
import { disassembleElf } from '../emulator/cli/disasm.js';
import { parseElf } from '../emulator/loader/elf.js';

const CLI = fileURLToPath(new URL('../dist/emulator/cli/main.js', import.meta.url));
const GOLDEN = fileURLToPath(new URL('golden/', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'granule-disasm-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function granule(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env, cwd: GOLDEN });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function temp(name: string, bytes: Uint8Array): string {
  const path = join(tmp, name);
  writeFileSync(path, bytes);
  return path;
}

const elfBytes = readFileSync(join(GOLDEN, 'disasm.elf'));
const objdump = readFileSync(join(GOLDEN, 'disasm.objdump'), 'utf8');
const textSection = parseElf(elfBytes).sections.find((s) => s.name === '.text')!;

/** LLVM 14 names ADRP's target after PC + imm*4; granule after the page ADRP computes. */
const withoutAdrpSymbol = (listing: string): string => listing.replace(/(\tadrp\t.*) <[^>]*>$/gm, '$1');

describe('granule disasm on an ELF file', () => {
  it("prints llvm-objdump -d's listing", () => {
    const r = granule('disasm', 'disasm.elf');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(withoutAdrpSymbol(r.stdout)).toBe(withoutAdrpSymbol(objdump));
    expect(r.stdout).toContain('\tadrp\tx2, 0x402000 <table>\n');
  });

  it('reads the file as ELF with --format elf too', () => {
    expect(granule('disasm', '--format', 'elf', 'disasm.elf').stdout).toBe(granule('disasm', 'disasm.elf').stdout);
  });

  it('prints one JSON entry per word with --json', () => {
    const r = granule('disasm', 'disasm.elf', '--json');
    expect(r.status).toBe(0);
    const rows = JSON.parse(r.stdout) as { address: string; word: string; text: string; symbol?: string; section?: string }[];
    expect(rows[0]).toEqual({ address: '0x400000', word: '0xd2800020', text: 'mov x0, #1', symbol: '_start', section: '.text' });
    expect(rows.find((x) => x.address === '0x40005c')).toEqual({ address: '0x40005c', word: '0x12345678', text: '.word 0x12345678', symbol: 'lit', section: '.text' });
    // The zero words llvm-objdump elides as `...` are entries too.
    expect(rows.filter((x) => x.text === 'udf #0').map((x) => x.address)).toEqual(['0x40006c', '0x400070', '0x400074']);
    expect(rows.find((x) => x.address === '0x401010')?.text).toBe('.short 0xbeef');
    expect(rows.length).toBe(textSection.size / 4 + 5);
  });

  it('names the label printed when two symbols share an address after the greater name, as llvm-objdump does', () => {
    expect(objdump).toContain('<zz_alias>:');
    expect(objdump).not.toContain('<alias_a>:');
  });

  it('shows a lone trailing byte of a $d range as its own value', () => {
    const elf = parseElf(writeElfExecutable({
      entry: 0x1000n,
      segments: [{ name: '.text', vaddr: 0x1000n, data: Uint8Array.of(0x1f, 0x20, 0x03, 0xd5, 0x41), memSize: 5, flags: 'rx' }],
      symbols: [
        { name: '$x', value: 0x1000n, size: 0, type: 'notype', binding: 'local', section: '.text' },
        { name: '$d', value: 0x1004n, size: 0, type: 'notype', binding: 'local', section: '.text' },
      ],
    }));
    const lines = disassembleElf(elf, 'x').text.split('\n');
    expect(lines).toContain('    1000: 1f 20 03 d5  \tnop');
    expect(lines).toContain('    1004:\t41\t\t.byte\t0x41');
  });
});

describe('granule disasm --format bin', () => {
  const raw = temp('text.bin', textSection.data);

  it('lists every word at --base, as the ELF listing does without symbols', () => {
    const r = granule('disasm', '--format', 'bin', '--base', '0x400000', raw);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.length).toBe(textSection.size / 4);
    expect(lines[0]).toBe('  400000: 20 00 80 d2  \tmov\tx0, #1');
    expect(lines[1]).toBe('  400004: 19 00 00 14  \tb\t0x400068');
    // Data in a $d range is disassembled like code: a raw file has no mapping symbols.
    expect(lines[(0x40005c - 0x400000) / 4]).toBe('  40005c: 78 56 34 12  \tand\tw24, w19, #0xfffff003');
  });

  it('starts at address 0 without --base, and takes any file without the ELF magic as bin', () => {
    const r = granule('disasm', temp('nop.bin', Uint8Array.of(0x1f, 0x20, 0x03, 0xd5)));
    expect(r.stdout).toBe('       0: 1f 20 03 d5  \tnop\n');
  });

  it('disassembles the whole words of a file whose length is not a multiple of 4, then fails', () => {
    const r = granule('disasm', '--format', 'bin', temp('odd.bin', Uint8Array.of(0x1f, 0x20, 0x03, 0xd5, 0xc0, 0x03)));
    expect(r.stdout).toBe('       0: 1f 20 03 d5  \tnop\n');
    expect(r.stderr).toMatch(/^granule: error: .*odd\.bin: length 6 is not a multiple of 4; the last 2 bytes were not disassembled\n$/);
    expect(r.status).toBe(1);
  });

  it('prints JSON for a raw file too', () => {
    const r = granule('disasm', '--format', 'bin', '--base', '0x10', '--json', temp('ret.bin', Uint8Array.of(0xc0, 0x03, 0x5f, 0xd6)));
    expect(JSON.parse(r.stdout)).toEqual([{ address: '0x10', word: '0xd65f03c0', text: 'ret' }]);
  });
});

describe('granule disasm errors', () => {
  const oneLine = (stderr: string): void => expect(stderr).toMatch(/^granule: error: [^\n]+\n$/);

  it('reports an unreadable file (exit 1)', () => {
    const r = granule('disasm', 'no-such-file.elf');
    oneLine(r.stderr);
    expect(r.stderr).toContain("cannot read 'no-such-file.elf'");
    expect(r.status).toBe(1);
  });

  it('reports a malformed ELF file (exit 1)', () => {
    const r = granule('disasm', temp('short.elf', elfBytes.subarray(0, 40)));
    oneLine(r.stderr);
    expect(r.stderr).toContain('short.elf: ');
    expect(r.status).toBe(1);
  });

  it('reports an ELF file for another machine (exit 1)', () => {
    const x86 = Uint8Array.from(elfBytes);
    x86[18] = 62;
    const r = granule('disasm', temp('x86.elf', x86));
    oneLine(r.stderr);
    expect(r.stderr).toContain('not AArch64');
    expect(r.status).toBe(1);
  });

  it('rejects bad options (exit 2)', () => {
    for (const args of [['--format', 'hex', 'disasm.elf'], ['--base', '0x1000', 'disasm.elf'], ['--format', 'bin', '--base', 'zz', 'disasm.elf'], []]) {
      const r = granule('disasm', ...args);
      expect(r.stderr, args.join(' ')).toMatch(/^granule: error: /);
      expect(r.status, args.join(' ')).toBe(2);
    }
  });
});
