// `granule bench [SUITE...] [--json]`: runs the benchmark.js suites registered in bench/index.ts.
// GRANULE_BENCH_QUICK=1 shrinks the timing budget to a smoke run (tests use it).

import type { Command } from 'commander';
import { runSuite, SUITES, type BenchSuite, type CaseResult } from '../../bench/index.js';
import { CliError, colourFor, UsageError } from './common.js';

interface BenchOptions {
  json?: boolean;
  list?: boolean;
}

const NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const SMALL = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 3 });

function formatNumber(n: number): string {
  return Math.abs(n) >= 100 ? NUMBER.format(n) : SMALL.format(n);
}

/** `wordsPerSec` → `words/s`: the table says what the JSON key means. */
function figureHeading(key: string): string {
  return key.replace(/PerSec$/, '/s');
}

function suiteList(): string {
  const width = Math.max(...SUITES.map((s) => s.name.length));
  return SUITES.map((s) => `  ${s.name.padEnd(width)}  ${s.description}`).join('\n');
}

function selectSuites(names: string[]): BenchSuite[] {
  if (names.length === 0) return [...SUITES];
  const chosen: BenchSuite[] = [];
  for (const name of names) {
    const suite = SUITES.find((s) => s.name === name);
    if (!suite) throw new UsageError(`unknown benchmark suite '${name}' (suites: ${SUITES.map((s) => s.name).join(', ')})`);
    if (!chosen.includes(suite)) chosen.push(suite);
  }
  return chosen;
}

function renderTable(suite: BenchSuite, results: CaseResult[]): string {
  const c = colourFor(process.stdout);
  const base = new Set(['name', 'opsPerSec', 'rme', 'samples']);
  const figureKeys = [...new Set(results.flatMap((r) => Object.keys(r).filter((k) => !base.has(k))))];
  const header = ['case', 'ops/s', '±rme', 'samples', ...figureKeys.map(figureHeading)];
  const rows = results.map((r) => [
    r.name,
    formatNumber(r.opsPerSec),
    `±${r.rme.toFixed(2)}%`,
    String(r.samples),
    ...figureKeys.map((k) => (r[k] === undefined ? '' : typeof r[k] === 'number' ? formatNumber(r[k]) : String(r[k]))),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]): string => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd();
  return [c.bold(`${suite.name}: ${suite.description}`), c.dim(line(header)), ...rows.map(line)].join('\n') + '\n';
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('run benchmark suites (benchmark.js) and report their speed')
    .argument('[suite...]', 'suites to run (default: all)')
    .option('--json', 'print the results as JSON on stdout')
    .option('--list', 'list the suites and exit')
    .addHelpText('after', `\nSuites:\n${suiteList()}\n\nGRANULE_BENCH_QUICK=1 runs every case briefly (a smoke test; the figures mean nothing).`)
    .action((names: string[], o: BenchOptions) => {
      const suites = selectSuites(names);
      if (o.list) {
        if (o.json) process.stdout.write(JSON.stringify({ suites: Object.fromEntries(suites.map((s) => [s.name, { description: s.description }])) }, null, 2) + '\n');
        else process.stdout.write(suiteList() + '\n');
        return;
      }
      const quick = Boolean(process.env.GRANULE_BENCH_QUICK) && process.env.GRANULE_BENCH_QUICK !== '0';
      const progress = process.stderr.isTTY === true;
      const report: Record<string, { description: string; cases: CaseResult[] }> = {};
      for (const suite of suites) {
        let results: CaseResult[];
        try {
          results = runSuite(suite, {
            quick,
            onCaseStart: progress ? (name, i, total) => process.stderr.write(`\r\x1b[K${suite.name} [${i + 1}/${total}] ${name}…`) : undefined,
          });
        } catch (e) {
          throw new CliError(`bench: ${(e as Error).message}`);
        }
        if (progress) process.stderr.write('\r\x1b[K');
        report[suite.name] = { description: suite.description, cases: results };
        if (!o.json) process.stdout.write(renderTable(suite, results) + (suite === suites[suites.length - 1] ? '' : '\n'));
      }
      if (o.json) process.stdout.write(JSON.stringify({ node: process.version, quick, suites: report }, null, 2) + '\n');
    });
}
