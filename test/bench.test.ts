// `granule bench`: suites are listed and run (with GRANULE_BENCH_QUICK's tiny budget), the JSON
// has the documented shape, and the corpora are deterministic. No test looks at the figures.

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generateSource } from '../bench/asm.js';
import { mixedCorpus, spaceSample } from '../bench/corpus.js';
import { SUITES } from '../bench/index.js';
import { assemble } from '../isa/asm/assembler.js';
import { decode, UNDEFINED } from '../isa/decode.js';
import { ENCODINGS } from '../isa/encodings.js';

const CLI = fileURLToPath(new URL('../dist/emulator/cli/main.js', import.meta.url));

function granule(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, GRANULE_BENCH_QUICK: '1' };
  delete env.FORCE_COLOR;
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('granule bench', () => {
  it('lists the suites with their descriptions', () => {
    const r = granule('bench', '--list');
    expect(r.status).toBe(0);
    for (const s of SUITES) expect(r.stdout).toContain(s.name);
    expect(r.stdout).toContain(SUITES[0].description);
    expect(granule('help', 'bench').stdout).toContain(SUITES[0].description);
  });

  it('prints {"suites": {NAME: {"cases": [...]}}} on stdout with --json', () => {
    const r = granule('bench', 'decode', 'asm', '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout) as { suites: Record<string, { cases: Record<string, unknown>[] }> };
    expect(Object.keys(report.suites)).toEqual(['decode', 'asm']);
    const perSuite: Record<string, string> = { decode: 'wordsPerSec', asm: 'linesPerSec' };
    for (const [name, suite] of Object.entries(report.suites)) {
      expect(suite.cases.length).toBeGreaterThan(0);
      for (const c of suite.cases) {
        expect(typeof c.name).toBe('string');
        for (const key of ['opsPerSec', 'rme', perSuite[name]]) {
          expect(typeof c[key]).toBe('number');
          expect(Number.isFinite(c[key])).toBe(true);
        }
        expect(c.opsPerSec).toBeGreaterThan(0);
        expect(Number.isInteger(c.samples) && (c.samples as number) >= 1).toBe(true);
      }
    }
  });

  it('prints a plain table per suite when stdout is not a terminal', () => {
    const r = granule('bench', 'decode');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^case +ops\/s +±rme +samples +words\/s$/m);
    expect(r.stdout).toContain('mixed: decode');
    expect(r.stdout).not.toContain('\x1b[');
    expect(r.stderr).toBe('');
  });

  it('rejects an unknown suite with a usage error naming the suites', () => {
    const r = granule('bench', 'nosuch');
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^granule: error: unknown benchmark suite 'nosuch'/);
    for (const s of SUITES) expect(r.stderr).toContain(s.name);
  });
});

describe('benchmark corpora', () => {
  it('draws the same supported words every time, from every part of the mix', () => {
    const words = mixedCorpus(20_000);
    expect(words).toEqual(mixedCorpus(20_000));
    const families = new Set<string>();
    const features = new Set<string>();
    for (const w of words) {
      const index = decode(w);
      expect(index).not.toBe(UNDEFINED);
      expect(ENCODINGS[index].supported).toBe(true);
      families.add(ENCODINGS[index].family);
      features.add(ENCODINGS[index].feature);
    }
    for (const f of ['addSubImm', 'loadStore', 'loadStorePair', 'branchCond', 'hint', 'mrs', 'stg', 'irg']) expect(families).toContain(f);
    expect(features).toContain('MTE');
    expect(features).toContain('LSE');
  });

  it('samples the whole 32-bit space reproducibly', () => {
    const words = spaceSample(4096);
    expect(words).toEqual(spaceSample(4096));
    expect(Math.max(...words)).toBeGreaterThan(0xf0000000);
  });

  it('generates the same assembly source every time, and it assembles', () => {
    const source = generateSource(500);
    expect(source).toBe(generateSource(500));
    expect(source).toMatch(/^\t\.data$/m);
    expect(source).toMatch(/^\tb\.\w+ \.Lfn\d+_\d+$/m);
    expect(assemble(source, { file: 'bench.s' }).errors.map((e) => e.format())).toEqual([]);
  });
});
