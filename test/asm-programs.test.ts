// Programs assembled by `granule asm` run correctly under qemu-aarch64 (Linux user mode):
// test/programs/*.s and examples/hello.s. Needs the build in dist/.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'dist/emulator/cli/main.js');
const QEMU = 'qemu-aarch64';
const hasQemu = spawnSync(QEMU, ['--version']).status === 0;
const tmp = mkdtempSync(join(tmpdir(), 'granule-asm-programs-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** [source, stdout, exit status] */
const PROGRAMS: [string, string, number][] = [
  ['examples/hello.s', 'Hello from granule\n', 0],
  ['test/programs/hello.s', 'Hello from granule\n', 0],
  // (5050 + fib(20)) mod 256 = (5050 + 6765) mod 256
  ['test/programs/loop.s', '', (5050 + 6765) % 256],
  // 32 + 1 + 2 + 3 + 4
  ['test/programs/data.s', 'ok\n', 42],
];

describe('assembled programs under qemu-aarch64', () => {
  const test = hasQemu ? it : it.skip;
  test.each(PROGRAMS)(`%s${hasQemu ? '' : ` (skipped: ${QEMU} is not installed)`}`, (src, stdout, status) => {
    const exe = join(tmp, src.replace(/\W/g, '_'));
    const asm = spawnSync(process.execPath, [CLI, 'asm', join(ROOT, src), '-o', exe], { encoding: 'utf8' });
    expect(asm.stderr).toBe('');
    expect(asm.status).toBe(0);
    const run = spawnSync(QEMU, [exe], { encoding: 'utf8', timeout: 30_000 });
    expect({ stdout: run.stdout, status: run.status, signal: run.signal }).toEqual({ stdout, status, signal: null });
  });
});
