// `granule scenario list|run|matrix` and `granule run --kernel/--livelock-limit` from the
// outside (CLI.md): the JSON keys scripts read, the exit statuses, one-line errors.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SCENARIO_CASES, MATRIX_PROFILES } from '../kernel-shim/scenarios/index.js';

const CLI = fileURLToPath(new URL('../dist/emulator/cli/main.js', import.meta.url));
const WRITE = fileURLToPath(new URL('../kernel-shim/scenarios/buffered-write.s', import.meta.url));

function granule(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('granule scenario', () => {
  it('list names every scenario CLI.md promises, the profiles and the options', () => {
    const r = granule('scenario', 'list', '--json');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as { scenarios: { name: string }[]; profiles: { name: string }[]; options: { name: string }[] };
    const names = j.scenarios.map((s) => s.name);
    for (const n of ['buffered-write', 'buffered-read', 'tree-search', 'direct-io', 'nested-fault', 'fault-in-readable', 'fault-in-writeable', 'probe-subpage-writeable']) expect(names).toContain(n);
    expect(j.profiles.map((p) => p.name)).toEqual(['linux-5.10.y', 'linux-5.13', 'linux-5.16', 'linux-5.18', 'linux-5.19', 'linux-6.14']);
    expect(j.options.map((o) => o.name)).toContain('+retriable-uaccess');
    expect(granule('scenario', 'list').stdout).toContain('buffered-write/convergence');
  });

  it('run --json has the keys of CLI.md; a livelock exits 125', () => {
    const r = granule('scenario', 'run', 'buffered-write', '--kernel', 'linux-5.13', '--livelock-limit', '200', '--json');
    expect(r.status).toBe(125);
    const j = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(j).toMatchObject({ scenario: 'buffered-write', kernel: 'linux-5.13', outcome: 'livelock', result: null, errno: null, iterations: 200 });
    expect(typeof j.instructions).toBe('number');
    expect(typeof j.cycles).toBe('number');
    const ok = JSON.parse(granule('scenario', 'run', 'buffered-write', '--json', '--cpu', 'none').stdout) as Record<string, unknown>;
    expect(ok).toMatchObject({ kernel: 'linux-6.14', outcome: 'returned', result: 2, cycles: null });
    // The instruction-level routines give the same result, with their own instruction count.
    const insn = JSON.parse(granule('scenario', 'run', 'buffered-write', '--json', '--cpu', 'none', '--uaccess', 'instruction').stdout) as Record<string, unknown>;
    expect(insn).toMatchObject({ outcome: 'returned', result: 2, iterations: ok.iterations });
  });

  it('run takes the parameters from the command line', () => {
    const r = granule('scenario', 'run', 'buffered-write', '--offset', '0', '--length', '256', '--bad-granules', '5,9', '--json');
    expect(JSON.parse(r.stdout)).toMatchObject({ result: 80, params: { offset: 0, length: 256, badGranules: [5, 9], tcf: 'sync' } });
    const h = granule('scenario', 'run', 'tree-search', '--kernel', 'linux-5.19');
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(/result\s+-14 \(EFAULT\)/);
    expect(granule('scenario', 'run', 'buffered-write', '--tcf', 'async', '--json').stdout).toContain('"result":8');
    expect(granule('scenario', 'run', 'tree-search', '--strace').stderr).toMatch(/^ioctl\(3, 0xc0709411, 0x[0-9a-f]+\) = -1 EFAULT \(Bad address\)$/m);
  });

  it('bad input is a one-line error with a non-zero status', () => {
    const cases: [string[], number, RegExp][] = [
      [['scenario', 'run', 'nope'], 1, /unknown scenario 'nope'/],
      [['scenario', 'run', 'buffered-write', '--kernel', 'linux-4.19'], 2, /unknown kernel profile 'linux-4.19'/],
      [['scenario', 'run', 'buffered-write', '--kernel', 'linux-5.16+magic'], 2, /unknown kernel profile option '\+magic'/],
      [['scenario', 'run', 'buffered-write', '--tcf', 'sometimes'], 2, /--tcf must be one of/],
      [['scenario', 'run', 'buffered-write', '--tcf', 'asymm', '--kernel', 'linux-5.13'], 1, /linux-5.18 or later/],
      [['scenario', 'run', 'buffered-write', '--bad-granules', '1,x'], 2, /invalid --bad-granules index 'x'/],
      [['scenario', 'run', 'buffered-write', '--length', '4G'], 1, /within 1048576 bytes/],
      [['scenario', 'run', 'buffered-write', '--livelock-limit', '0'], 2, /--livelock-limit must be at least 1/],
      [['scenario', 'run', 'buffered-write', '--uaccess', 'fast'], 2, /--uaccess must be typed-array or instruction, not 'fast'/],
      [['scenario', 'matrix', '--cpu', 'cortex-a9'], 2, /unknown --cpu 'cortex-a9'/],
    ];
    for (const [args, status, msg] of cases) {
      const r = granule(...args);
      expect(r.status, args.join(' ')).toBe(status);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^granule: error: /);
      expect(r.stderr).toMatch(msg);
    }
  });

  it('matrix --json: every case under every profile', () => {
    const r = granule('scenario', 'matrix', '--json', '--livelock-limit', '100', '--cpu', 'none');
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as { profiles: string[]; rows: { scenario: string; cells: { outcome: string; kernel: string }[] }[] };
    expect(j.profiles).toEqual(MATRIX_PROFILES);
    expect(j.rows.map((x) => x.scenario)).toEqual(SCENARIO_CASES.map((c) => c.name));
    expect(j.rows[0].cells.map((c) => c.kernel)).toEqual(MATRIX_PROFILES);
    const text = granule('scenario', 'matrix', '--livelock-limit', '100', '--cpu', 'none').stdout.split('\n');
    expect(text[0]).toMatch(/^scenario\s+linux-5\.10\.y\s+linux-5\.13\s+linux-5\.16/);
    expect(text[1]).toMatch(/^buffered-write\s+2\s+livelock\s+2\s+2/);
  }, 60_000);
});

describe('granule run --kernel', () => {
  it('a livelock stops the run with the soft-lockup report and exit status 125', () => {
    const r = granule('run', '--kernel', 'linux-5.13', '--livelock-limit', '50', WRITE, '--', '1', '14', '8', '1', '1');
    expect(r.status).toBe(125);
    expect(r.stderr).toMatch(/watchdog: BUG: soft lockup - CPU#0 stuck in generic_perform_write for 50 iterations without progress!/);
    expect(r.stderr).toMatch(/Call trace:\n.*generic_perform_write/);
    const fixed = granule('run', '--kernel', 'linux-5.16', WRITE, '--', '1', '14', '8', '1', '1');
    expect(fixed.status).toBe(0);
    expect(fixed.stdout).toBe('result: 2\n');
  });

  it('--strace shows the call that never returned', () => {
    const r = granule('run', '--strace', '--kernel', 'linux-5.13', '--livelock-limit', '10', WRITE, '--', '1', '14', '8', '1', '1');
    expect(r.stderr).toMatch(/write\(3, "Z{8}", 8 <unfinished \.\.\.>/);
    expect(r.stderr).toMatch(/\+\+\+ stopped by the livelock watchdog \(soft lockup in generic_perform_write\) \+\+\+/);
  });

  it('--stats reports the profile, the retry loops and the uaccess faults', () => {
    const r = granule('run', '--stats', '--json', '--cpu', 'none', WRITE, '--', '1', '0', '256', '1', '8');
    const stats = JSON.parse(r.stdout.trim().split('\n').pop()!) as { kernel: { profile: string; retries: number; loops: Record<string, number>; faults: { tagCheck: number } } };
    expect(stats.kernel.profile).toBe('linux-6.14');
    expect(stats.kernel.retries).toBeGreaterThan(0);
    expect(stats.kernel.loops.generic_perform_write).toBe(stats.kernel.retries);
    expect(stats.kernel.faults.tagCheck).toBeGreaterThan(0);
    expect(granule('run', '--stats', '--kernel', 'linux-5.16', WRITE, '--', '1', '14', '8', '1', '1').stderr).toMatch(/granule: kernel: +linux-5\.16; \d+ retry-loop iterations/);
  });

  it('--kernel needs the user machine', () => {
    const r = granule('run', '--machine', 'virt', '--kernel', 'linux-5.13', WRITE);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/need --machine user/);
  });
});
