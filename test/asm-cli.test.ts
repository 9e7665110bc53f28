// `granule asm FILE.s -o OUT [--format elf|bin] [--base ADDR]`, run as a process: outputs,
// diagnostics and exit statuses (0 ok, 1 user error, 2 usage error). Needs the build in dist/.

import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { assemble, toFlatBinary } from '../isa/asm/assembler.js';
import { parseElf } from '../emulator/loader/elf.js';

const CLI = fileURLToPath(new URL('../dist/emulator/cli/main.js', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'granule-asm-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function granule(args: string[], cwd = tmp): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd, env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function source(name: string, text: string): string {
  const path = join(tmp, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const PROGRAM = '_start: ldr x0, =msg\nmov x8, #93\nsvc #0\n.data\nmsg: .asciz "hi"\n.bss\n.skip 32\n';

describe('granule asm', () => {
  it('writes an executable ELF file (mode 0755) with the program', () => {
    const src = source('ok.s', PROGRAM);
    const r = granule(['asm', src, '-o', 'ok.elf']);
    expect(r).toEqual({ status: 0, stdout: '', stderr: '' });
    const out = join(tmp, 'ok.elf');
    expect(statSync(out).mode & 0o777).toBe(0o755);
    const elf = parseElf(readFileSync(out));
    expect(elf.entry).toBe(0x400000n);
    expect(elf.sections.map((s) => s.name)).toEqual(expect.arrayContaining(['.text', '.data', '.bss']));
  });

  it('makes an existing output file executable too', () => {
    const src = source('again.s', PROGRAM);
    const out = join(tmp, 'again.elf');
    writeFileSync(out, 'old', { mode: 0o600 });
    expect(granule(['asm', src, '-o', out]).status).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o755);
  });

  it('writes the flat memory image with --format bin, at --base', () => {
    const src = source('flat.s', PROGRAM);
    const r = granule(['asm', src, '-o', 'flat.bin', '--format', 'bin', '--base', '0x40080000']);
    expect(r.status).toBe(0);
    const expected = toFlatBinary(assemble(PROGRAM, { base: 0x40080000n }).image!);
    expect(new Uint8Array(readFileSync(join(tmp, 'flat.bin')))).toEqual(expected.bytes);
    expect(expected.bytes.length).toBe(0x1003);
  });

  it('reads .include files relative to the source file, not the working directory', () => {
    source('proj/src/main.s', '.include "defs.inc"\nmov x0, #CODE\nmov x8, #93\nsvc #0\n');
    source('proj/src/defs.inc', 'CODE = 7\n');
    const r = granule(['asm', 'proj/src/main.s', '-o', 'inc.elf']);
    expect(r).toEqual({ status: 0, stdout: '', stderr: '' });
  });

  it('prints each assembly error as file:line:col and exits with 1, writing nothing', () => {
    source('bad.s', 'nop\n  bogus x0\nadd x0, w1, x2\n.word nowhere\n');
    const r = granule(['asm', 'bad.s', '-o', 'bad.elf']);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      [
        "bad.s:2:3: error: unknown instruction 'bogus'",
        "bad.s:3:9: error: invalid register 'w1': expected 64-bit general-purpose register or sp",
        "bad.s:4:7: error: undefined symbol 'nowhere'",
        '',
      ].join('\n'),
    );
    expect(() => statSync(join(tmp, 'bad.elf'))).toThrow();
  });

  it('reports an unreadable input as one line and exits with 1', () => {
    const r = granule(['asm', 'missing.s', '-o', 'x']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("granule: error: cannot read 'missing.s': no such file or directory\n");
  });

  it('reports an unwritable output as one line and exits with 1', () => {
    const src = source('w.s', 'nop\n');
    const r = granule(['asm', src, '-o', join(tmp, 'no/such/dir/out')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^granule: error: cannot write '.*out': no such file or directory\n$/);
  });

  it.each([
    [['asm', 'ok.s'], "granule: error: required option '-o, --output <file>' not specified"],
    [['asm', 'ok.s', '-o', 'x', '--format', 'hex'], "granule: error: invalid --format 'hex' (expected elf or bin)"],
    [['asm', 'ok.s', '-o', 'x', '--base', 'lots'], "granule: error: invalid --base address 'lots'"],
    [['asm', 'ok.s', '-o', 'x', '--base', '0x400010'], "granule: error: --base must be a 4 KiB-aligned 64-bit address, not '0x400010'"],
    [['asm', '-o', 'x'], "granule: error: missing required argument 'file'"],
  ])('treats %j as a usage error (exit 2)', (args, message) => {
    source('ok.s', PROGRAM);
    const r = granule(args);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(message);
  });
});
