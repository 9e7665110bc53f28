// What a benchmark suite is, and the runner that times its cases with benchmark.js.
// A suite builds its inputs only when it runs, so listing suites costs nothing.

import Benchmark from 'benchmark';

export type Figure = number | string;

export interface BenchCase {
  name: string;
  /** One operation; benchmark.js times many calls of it. */
  fn: () => void;
  /** The case's own figures (words/s, bytes/s, sizes...) from the measured operations per second. */
  figures?: (opsPerSec: number) => Record<string, Figure>;
}

export interface BenchSuite {
  name: string;
  description: string;
  /** Builds the cases and their inputs. */
  cases(): BenchCase[];
}

export interface CaseResult {
  name: string;
  opsPerSec: number;
  /** Relative margin of error, in percent. */
  rme: number;
  samples: number;
  [figure: string]: Figure;
}

export interface RunOptions {
  /** Tiny timing budget: checks that every case runs, measures nothing worth reporting. */
  quick?: boolean;
  /** Called before each case starts (progress display). */
  onCaseStart?: (caseName: string, index: number, total: number) => void;
}

/** Where cases put a value computed from their work, so the JIT cannot drop the work. */
export const sink = { value: 0 };

/** A `figures` function for a case that handles `perOp` units (words, lines...) per operation. */
export function rate(unit: string, perOp: number): (opsPerSec: number) => Record<string, Figure> {
  return (opsPerSec) => ({ [`${unit}PerSec`]: opsPerSec * perOp });
}

const QUICK: Benchmark.Options = { maxTime: 0.02, minTime: 0.001, minSamples: 2, initCount: 1, delay: 0 };

/** Runs every case of `suite` synchronously; throws if a case fails. */
export function runSuite(suite: BenchSuite, o: RunOptions = {}): CaseResult[] {
  const cases = suite.cases();
  const results: CaseResult[] = [];
  cases.forEach((c, index) => {
    o.onCaseStart?.(c.name, index, cases.length);
    const bench = new Benchmark(c.name, c.fn, o.quick ? QUICK : {});
    bench.run({ async: false });
    if (bench.error) throw new Error(`${suite.name}: case '${c.name}' failed: ${bench.error.message}`);
    const opsPerSec = bench.hz;
    results.push({ name: c.name, opsPerSec, rme: bench.stats.rme, samples: bench.stats.sample.length, ...c.figures?.(opsPerSec) });
  });
  return results;
}
