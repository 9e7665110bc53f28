// The cycle model from the outside: `granule run --cpu/--timing-config/--stats` and the library
// API's `Machine({ cpu, timingConfig })`, `cycles()` and `stats()`.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Machine, assemble, writeElfExecutable, type RunStats } from '../emulator/api.js';

const CLI = fileURLToPath(new URL('../dist/emulator/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'granule-timing-'));

// 2000 loop iterations, then semihosting SYS_EXIT_EXTENDED with status 0.
const PROGRAM = `
  .text
  _start:
    mov x2, #2000
    adr x3, buf
  1:
    ldr x4, [x3]
    add x4, x4, #1
    str x4, [x3]
    subs x2, x2, #1
    b.ne 1b
    adr x1, block
    mov x0, #0x20
    hlt #0xf000
  .data
  .balign 8
  block: .quad 0x20026, 0
  buf: .quad 0
`;
const source = join(dir, 'loop.s');
writeFileSync(source, PROGRAM);

function granule(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('granule run and the cycle model', () => {
  it('times runs with cortex-a510 by default and reports the model with --stats --json', () => {
    const r = granule('run', '--machine', 'virt', source, '--stats', '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout) as RunStats;
    expect(s.cpu).toBe('cortex-a510');
    expect(s.cycles).toBeGreaterThan(s.instructions / 3);
    expect(s.ipc).toBeCloseTo(s.instructions / s.cycles!, 6);
    expect(s.timing).toBeDefined();
    expect(Object.keys(s.timing!.stalls)).toEqual(expect.arrayContaining(['frontend', 'branch', 'dependency', 'memory', 'resource']));
    expect(s.timing!.caches.l1d.hits + s.timing!.caches.l1d.misses).toBeGreaterThanOrEqual(4000);
    expect(s.timing!.branches.conditional).toBe(2000);
    expect(s.timing!.tlb).toHaveProperty('walks');
    expect(s.timing!.kernel).toMatchObject({ cycles: 0, workCharges: 0 });
    expect(s.timingConfig?.name).toBe('cortex-a510');
  });

  it('prints the figures and the configuration on stderr with --stats', () => {
    const r = granule('run', '--machine', 'virt', source, '--stats', '--cpu', 'neoverse-n2');
    expect(r.status).toBe(0);
    for (const line of ['cycles:', 'IPC', 'stall cycles:', 'L1D:', 'L2 TLB:', 'branches:', 'MTE:', 'exception entries:', 'kernel shim:', 'timing config: neoverse-n2 out-of-order']) {
      expect(r.stderr).toContain(line);
    }
  });

  it('runs functionally with --cpu none: cycles and IPC are null', () => {
    const r = granule('run', '--machine', 'virt', source, '--stats', '--json', '--cpu', 'none');
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout) as RunStats;
    expect(s).toMatchObject({ cpu: 'none', cycles: null, ipc: null });
    expect(s.timing).toBeUndefined();
  });

  it('applies --timing-config overrides and shows them', () => {
    const config = join(dir, 'slow-l2.json');
    writeFileSync(config, JSON.stringify({ cpu: 'neoverse-n2', memory: { l2: { latency: 40 } }, sched: { alu: { latency: 3 } } }));
    const r = granule('run', '--machine', 'virt', source, '--stats', '--json', '--timing-config', config);
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout) as RunStats;
    expect(s.timingConfig).toMatchObject({ name: 'neoverse-n2', memory: { l2: { latency: 40 } } });
    expect(s.timingConfig!.sched.alu.latency).toBe(3);
    const base = JSON.parse(granule('run', '--machine', 'virt', source, '--stats', '--json', '--cpu', 'neoverse-n2').stdout) as RunStats;
    expect(s.cycles!).toBeGreaterThan(base.cycles!);
  });

  it('rejects unknown parameters, wrong types, unknown models and --timing-config without a model', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ memory: { l3: { size: 1 } } }));
    let r = granule('run', '--machine', 'virt', source, '--timing-config', bad);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("unknown timing parameter 'memory.l3'");
    writeFileSync(bad, JSON.stringify({ core: { issueWidth: 'wide' } }));
    r = granule('run', '--machine', 'virt', source, '--timing-config', bad);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("'core.issueWidth' must be a number");
    r = granule('run', '--machine', 'virt', source, '--cpu', 'cortex-x9');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown --cpu 'cortex-x9'");
    r = granule('run', '--machine', 'virt', source, '--cpu', 'none', '--timing-config', bad);
    expect(r.status).toBe(2);
  });
});

describe('the library API', () => {
  const image = (): Uint8Array => {
    const { errors, image: img } = assemble(PROGRAM, { base: 0x40000000n });
    if (!img) throw new Error(errors.map((e) => e.format()).join('\n'));
    return writeElfExecutable(img);
  };

  it('is functional by default', () => {
    const m = new Machine();
    m.loadElf(image());
    m.run({ count: 100_000 });
    expect(m.cycles()).toBeNull();
    expect(m.stats()).toMatchObject({ cpu: 'none', cycles: null });
  });

  it('times with a cpu model and gives the same figures as --stats', () => {
    const m = new Machine({ cpu: 'neoverse-n2', timingConfig: { core: { mispredictPenalty: 20 } } });
    m.loadElf(image());
    const stop = m.run({ count: 100_000 });
    expect(stop.reason).toBe('halt');
    const s = m.stats();
    expect(s.cpu).toBe('neoverse-n2');
    expect(s.cycles).toBe(m.cycles());
    expect(s.timing!.branches.conditional).toBe(2000);
    expect(s.timingConfig!.core.mispredictPenalty).toBe(20);
  });
});
