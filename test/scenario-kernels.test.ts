// The bundled scenario programs on real kernels (issue 5). test/golden/scenario-kernels/KERNEL.out
// is what kernel-shim/scenarios/buffered-write.s and buffered-read.s did on that kernel under
// qemu-system-aarch64 10 with MTE, with the argv `granule scenario run` gives them
// (tools/gen-scenario-kernels-golden.ts; neither the kernels nor QEMU are needed here). Every
// buffered-write and buffered-read case of SCENARIO_CASES runs here with runScenario() under the
// profile that stands for the kernel (the mapping of test/linux-versions.test.ts) and must end as
// the kernel did: "result: N" is a returned call with result N, "livelock" (the wrapper killed a
// case still inside its syscall after a few seconds) is the shim's watchdog stopping the call.
// Every expected value comes from the committed observations.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runScenario, scenarioArgv, type ScenarioResult } from '../kernel-shim/scenarios/index.js';
import {
  parseScenarioKernelsGolden, realKernelCases, SCENARIO_KERNELS_GOLDEN_DIR, scenarioKernelsGoldenPath, scenarioSourcesDigest,
} from '../tools/gen-scenario-kernels-golden.js';

/** Retry iterations without progress before the shim's watchdog calls it a livelock. */
const LIVELOCK_LIMIT = 1000;

/** Which profile stands for which kernel: the same as test/linux-versions.test.ts (reasons there). */
const MAPPING: Record<string, string> = {
  'upstream-5.10.46': 'linux-5.13',
  'debian-5.10.223': 'linux-5.10.y',
  'upstream-5.10.46+295cf156231c': 'linux-5.10.y',
  'debian-6.1': 'linux-5.19',
  'debian-6.12': 'linux-5.19',
  'debian-newest': 'linux-6.14',
};

/** The observation's outcome as a ScenarioResult would say it. */
function asObserved(r: ScenarioResult): string {
  if (r.outcome === 'livelock') return 'livelock';
  if (r.outcome === 'signal') return `killed by signal ${r.signal}`;
  return `result: ${r.result}`;
}

const goldenKernels = existsSync(SCENARIO_KERNELS_GOLDEN_DIR)
  ? readdirSync(SCENARIO_KERNELS_GOLDEN_DIR)
      .filter((f) => f.endsWith('.out'))
      .map((f) => f.slice(0, -4))
      .sort()
  : [];
const cases = realKernelCases();
const resultCache = new Map<string, ScenarioResult>();
const resultOn = (i: number, profile: string): ScenarioResult => {
  const key = `${profile}\0${cases[i].name}`;
  if (!resultCache.has(key)) resultCache.set(key, runScenario(cases[i], { profile, livelockLimit: LIVELOCK_LIMIT }));
  return resultCache.get(key)!;
};

describe('the bundled scenario programs on real kernels (test/golden/scenario-kernels)', () => {
  it('has observations, and a profile for every observed kernel', () => {
    expect(cases.map((c) => c.name)).toEqual([
      'buffered-write',
      'buffered-write/convergence',
      'buffered-write/first-byte-bad',
      'buffered-write/page-straddle',
      'buffered-write/async',
      'buffered-read',
      'buffered-read/check-user-mem',
      'buffered-read/bad-page',
    ]);
    expect(goldenKernels.length, 'no test/golden/scenario-kernels/*.out (npm run gen:scenario-kernels-golden)').toBeGreaterThan(0);
    expect(goldenKernels.filter((k) => !(k in MAPPING))).toEqual([]);
    expect(Object.keys(MAPPING).filter((k) => !goldenKernels.includes(k)), 'kernels without an observation file').toEqual([]);
  });

  for (const k of goldenKernels) {
    describe(k, () => {
      const golden = parseScenarioKernelsGolden(readFileSync(scenarioKernelsGoldenPath(k), 'utf8'), `${k}.out`);
      const profile = MAPPING[k];

      it('is up to date with the programs and cases (npm run gen:scenario-kernels-golden)', () => {
        expect(golden.kernel).toBe(k);
        expect(golden.source, `kernel-shim/scenarios/buffered-{write,read}.s (or lib.s) changed since ${k}.out was made`).toBe(scenarioSourcesDigest());
        expect([...golden.lines.keys()]).toEqual(cases.map((c) => c.name));
        for (const c of cases) expect(golden.lines.get(c.name)?.argv, `${c.name}'s argv`).toBe(scenarioArgv(c).join(' '));
      });

      if (!profile) return;
      cases.forEach((c, i) => {
        it(`${c.name} on ${profile} is what ${golden.release} did`, () => {
          const want = golden.lines.get(c.name);
          expect(want, `${k}.out has no line for ${c.name}`).toBeDefined();
          expect(want!.outcome, 'an observation is "result: N" or "livelock"').toMatch(/^(result: -?\d+|livelock)$/);
          const r = resultOn(i, profile);
          expect(asObserved(r)).toBe(want!.outcome);
          if (want!.outcome === 'livelock') expect(r.outcome).toBe('livelock');
          else expect({ outcome: r.outcome, result: r.result }).toEqual({ outcome: 'returned', result: Number(want!.outcome.slice('result: '.length)) });
        });
      });
    });
  }
});
