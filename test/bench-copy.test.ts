// `granule bench copy --json`: every case carries size, path, direction and bytesPerSec (the
// shape issue 4 documents). Run with GRANULE_BENCH_QUICK's tiny budget; no figure is asserted.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../dist/emulator/cli/main.js', import.meta.url));

describe('granule bench copy', () => {
  it('reports size, path, direction and bytesPerSec per case', () => {
    const r = spawnSync(process.execPath, [CLI, 'bench', 'copy', '--json'], { encoding: 'utf8', env: { ...process.env, GRANULE_BENCH_QUICK: '1' } });
    expect(r.status).toBe(0);
    const cases = (JSON.parse(r.stdout) as { suites: { copy: { cases: Record<string, unknown>[] } } }).suites.copy.cases;
    const seen = new Set<string>();
    for (const c of cases) {
      expect(typeof c.size).toBe('number');
      expect(['typed-array', 'instruction', 'raw']).toContain(c.path);
      expect(['from-user', 'to-user']).toContain(c.direction);
      expect(c.bytesPerSec as number).toBeGreaterThan(0);
      seen.add(`${c.direction} ${c.size} ${c.path}`);
    }
    for (const size of [64, 4096, 1 << 20]) for (const d of ['from-user', 'to-user']) for (const p of ['typed-array', 'instruction', 'raw']) expect(seen).toContain(`${d} ${size} ${p}`);
  });
});
