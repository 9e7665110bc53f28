// The syscall test programs (test/user/*.s) under granule and under qemu-aarch64 (user mode,
// Linux host), stdout and exit status compared line by line. qemu-user runs the program's
// syscalls on the host kernel (files in a fresh host directory passed as argv[1]; granule's go
// in its tmpfs /tmp), so where qemu-user only forwards a call this checks granule against a
// real Linux. Where qemu-user emulates a call differently from Linux (oracles.md: "where
// qemu-user is not Linux"), the line is listed with the reason and what Linux does instead;
// those lines are checked against Linux elsewhere (test/user/*.expected, the real-kernel
// goldens). Skipped, with the reason, when qemu-aarch64 is not installed (CI installs it).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { assembleProgram } from '../tools/linux-oracle.js';
import { runUserProgram } from './helpers/user.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const QEMU = 'qemu-aarch64';
const hasQemu = spawnSync(QEMU, ['--version']).status === 0 && spawnSync('bash', ['-c', 'true']).status === 0;
const tmp = mkdtempSync(join(tmpdir(), 'granule-qemu-user-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Lines (by their `name=` prefix) where qemu-user's own emulation is not Linux's. */
const QEMU_DIFFERS: Record<string, Record<string, string>> = {
  files: {},
  memory: {
    noreplace_taken:
      'qemu 7.2 passes MAP_FIXED_NOREPLACE on as a hint and maps elsewhere; Linux fails with EEXIST (test/golden/linux/syscalls.out: fixed_noreplace_taken=-1 EEXIST)',
    mprotect_len_0: 'qemu 7.2 checks the (empty) range and says ENOMEM; Linux returns 0 for len 0 (syscalls.out: mprotect_len_0=0)',
  },
  misc: {
    get_both:
      'qemu 7.2 keeps one TCF mode and reports SYNC alone after SYNC|ASYNC; Linux reports both requested bits (mte-prctl.out: set(7)=0 get=7)',
  },
};

const key = (line: string): string => line.split('=')[0];

describe('test/user programs: granule and qemu-aarch64 agree', () => {
  const test = hasQemu ? it : it.skip;
  test.each(Object.keys(QEMU_DIFFERS))(`%s${hasQemu ? '' : ` (skipped: ${QEMU} is not installed)`}`, (name) => {
    const elf = join(tmp, name);
    writeFileSync(elf, assembleProgram(join(ROOT, 'test/user', `${name}.s`)), { mode: 0o755 });
    const dir = mkdtempSync(join(tmp, `${name}-files-`));
    // stdout must be a pipe, as granule's is (Node's own stdio pipes are socket pairs).
    const q = spawnSync('bash', ['-o', 'pipefail', '-c', `${QEMU} "$0" "$1" </dev/null | cat`, elf, dir], { encoding: 'utf8', timeout: 60_000 });
    const g = runUserProgram(name);
    expect({ status: q.status, signal: q.signal, stderr: q.stderr }).toEqual({ status: 0, signal: null, stderr: '' });
    expect(g.status).toBe(0);
    const differs = QEMU_DIFFERS[name];
    const ql = q.stdout.split('\n');
    const gl = g.stdout.split('\n');
    expect(gl.length).toBe(ql.length);
    const mismatches = gl.flatMap((l, i) => (l === ql[i] || key(l) in differs ? [] : [`line ${i + 1}: granule ${JSON.stringify(l)}, qemu ${JSON.stringify(ql[i])}`]));
    expect(mismatches).toEqual([]);
    // The listed lines really do differ (else the entry is stale and should go).
    for (const k of Object.keys(differs)) {
      const i = gl.findIndex((l) => key(l) === k);
      expect(i, `${k} is printed`).toBeGreaterThanOrEqual(0);
      expect(ql[i], `${k}: ${differs[k]}`).not.toBe(gl[i]);
    }
  });
});
