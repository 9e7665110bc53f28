// `granule scenario list|run|matrix`: the kernel discussion's retry loops replayed under each
// kernel profile (kernel-shim/scenarios/). `run` reports one case; `matrix` runs every case under
// every profile and prints the scenario x profile table of outcomes.

import type { Command } from 'commander';
import { CliError, colourFor, parseNumber, UsageError } from './common.js';
import { kernelProfileOption, livelockLimitOption } from './run.js';
import { CPU_NAMES, resolveTimingConfig, type TimingConfig } from '../timing/config.js';
import { BASE_PROFILES, OPTION_DOCS, OPTION_NAMES, PROFILE_DOCS, DEFAULT_PROFILE } from '../../kernel-shim/profiles.js';
import { EXIT_LIVELOCK } from '../../kernel-shim/kernel.js';
import { findCase, MATRIX_PROFILES, outcomeText, runMatrix, runScenario, SCENARIO_CASES, ScenarioError, TCF_MODES, type MatrixResult, type ScenarioParams, type ScenarioResult, type Tcf } from '../../kernel-shim/scenarios/index.js';
import type { UaccessPath } from '../../kernel-shim/uaccess.js';

interface CommonOptions {
  json?: boolean;
  cpu: string;
  livelockLimit?: string;
  uaccess?: string;
}

interface RunOptions extends CommonOptions {
  kernel?: string;
  strace?: boolean;
  offset?: string;
  length?: string;
  badGranules?: string;
  tcf?: string;
}

function timingOption(cpu: string): TimingConfig | undefined {
  if (cpu === 'none') return undefined;
  if (!(CPU_NAMES as readonly string[]).includes(cpu)) throw new UsageError(`unknown --cpu '${cpu}' (models: none, ${CPU_NAMES.join(', ')})`);
  return resolveTimingConfig(cpu, undefined);
}

function uaccessOption(text: string | undefined): UaccessPath | undefined {
  if (text === undefined) return undefined;
  if (text !== 'typed-array' && text !== 'instruction') throw new UsageError(`--uaccess must be typed-array or instruction, not '${text}'`);
  return text;
}

function paramsOption(o: RunOptions): Partial<ScenarioParams> {
  const q: Partial<ScenarioParams> = {};
  if (o.offset !== undefined) q.offset = Number(parseNumber(o.offset, '--offset'));
  if (o.length !== undefined) q.length = Number(parseNumber(o.length, '--length', true));
  if (o.badGranules !== undefined) {
    const t = o.badGranules.trim();
    q.badGranules = t === '' || t === '-' ? [] : t.split(',').map((g) => Number(parseNumber(g, '--bad-granules index')));
  }
  if (o.tcf !== undefined) {
    if (!(TCF_MODES as readonly string[]).includes(o.tcf)) throw new UsageError(`--tcf must be one of ${TCF_MODES.join(', ')}, not '${o.tcf}'`);
    q.tcf = o.tcf as Tcf;
  }
  return q;
}

/** Scenario errors (bad parameters, a program that failed) are one-line granule errors. */
function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ScenarioError) throw new CliError(e.message);
    throw e;
  }
}

const hex = (v: bigint): string => '0x' + v.toString(16);

function describeParams(q: ScenarioParams): string {
  const g = q.badGranules;
  // A long run (a whole bad page) as its first and last index.
  const bad = g.length === 0 ? 'none' : g.length > 8 ? `${g[0]}..${g[g.length - 1]} (${g.length})` : g.join(',');
  return `offset ${q.offset}, length ${q.length}, bad granules ${bad}, tcf ${q.tcf}`;
}

function formatResult(r: ScenarioResult): string {
  const c = colourFor(process.stdout);
  const f = r.faults;
  let outcome: string;
  if (r.outcome === 'livelock' && r.livelock) outcome = c.red(`livelock in ${r.livelock.loop}: ${r.livelock.stalled} iterations without progress at user address ${hex(r.livelock.uaddr)}, ${r.livelock.left} bytes left`);
  else if (r.outcome === 'signal') outcome = c.red(`killed by ${r.signal}`);
  else outcome = 'returned';
  const rows: [string, string][] = [
    ['scenario', `${r.scenario} (${findCase(r.scenario).summary})`],
    ['kernel', r.kernel],
    ['params', describeParams(r.params)],
    ['outcome', outcome],
    ['result', r.result === null ? '-' : r.errno ? `${r.result} (${r.errno})` : String(r.result)],
    ['iterations', String(r.iterations)],
    ['faults', `tag check ${f.tagCheck}, translation ${f.translation}, permission ${f.permission}, page faults fixed ${f.pageFault}${f.nested ? `; ${f.nested} of them nested (sampler)` : ''}`],
    ['instructions', `${r.instructions} (kernel, in the call)`],
    ['cycles', r.cycles === null ? 'n/a (--cpu none)' : `${r.cycles} (in the call)`],
  ];
  if (r.samples) rows.push(['samples', String(r.samples)]);
  return rows.map(([k, v]) => `${k.padEnd(13)}${v}\n`).join('');
}

function formatMatrix(mx: MatrixResult): string {
  const c = colourFor(process.stdout);
  const cells = mx.rows.map((row) => row.cells.map(outcomeText));
  const first = Math.max('scenario'.length, ...mx.rows.map((r) => r.scenario.length));
  const widths = mx.profiles.map((p, j) => Math.max(p.length, ...cells.map((r) => r[j].length)));
  const paint = (t: string, w: number): string => {
    const padded = t.padEnd(w);
    if (t === 'livelock') return c.red(padded);
    if (/^E[A-Z]+$/.test(t)) return c.yellow(padded);
    return padded;
  };
  const lines = [['scenario'.padEnd(first), ...mx.profiles.map((p, j) => p.padEnd(widths[j]))].join('  ').trimEnd()];
  mx.rows.forEach((row, i) => lines.push([row.scenario.padEnd(first), ...cells[i].map((t, j) => paint(t, widths[j]))].join('  ').trimEnd()));
  return lines.join('\n') + '\n';
}

function list(o: { json?: boolean }): void {
  if (o.json) {
    process.stdout.write(
      JSON.stringify({
        scenarios: SCENARIO_CASES.map((s) => ({ name: s.name, scenario: s.scenario, summary: s.summary, reference: s.reference, params: s.params })),
        profiles: BASE_PROFILES.map((p) => ({ name: p, default: p === DEFAULT_PROFILE, ...PROFILE_DOCS[p] })),
        options: OPTION_NAMES.map((n) => ({ name: `+${n}`, summary: OPTION_DOCS[n] })),
        matrix: MATRIX_PROFILES,
      }) + '\n',
    );
    return;
  }
  const w = Math.max(...SCENARIO_CASES.map((s) => s.name.length));
  let out = 'Scenarios (granule scenario run NAME [--kernel PROFILE] [--offset N] [--length N] [--bad-granules I,J] [--tcf MODE]):\n';
  for (const s of SCENARIO_CASES) out += `  ${s.name.padEnd(w)}  ${s.summary} [${s.reference}]\n${' '.repeat(w + 4)}defaults: ${describeParams(s.params)}\n`;
  out += '\nKernel profiles (--kernel):\n';
  for (const p of BASE_PROFILES) out += `  ${p.padEnd(12)}${PROFILE_DOCS[p].summary}\n`;
  out += '\nOptions, added to any profile (--kernel linux-5.16+retriable-uaccess):\n';
  for (const n of OPTION_NAMES) out += `  +${n.padEnd(22)}${OPTION_DOCS[n]}\n`;
  process.stdout.write(out);
}

function run(name: string, o: RunOptions): void {
  const profile = kernelProfileOption(o.kernel);
  const params = paramsOption(o);
  const r = guard(() =>
    runScenario(findCase(name), { profile, params, livelockLimit: livelockLimitOption(o.livelockLimit), timing: timingOption(o.cpu), uaccessPath: uaccessOption(o.uaccess), strace: o.strace ? (line) => process.stderr.write(line + '\n') : undefined }),
  );
  if (o.json) process.stdout.write(JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? hex(v) : v)) + '\n');
  else process.stdout.write(formatResult(r));
  if (r.outcome === 'livelock') process.exitCode = EXIT_LIVELOCK;
}

function matrix(o: CommonOptions): void {
  const timing = timingOption(o.cpu);
  const livelockLimit = livelockLimitOption(o.livelockLimit);
  const uaccessPath = uaccessOption(o.uaccess);
  const total = SCENARIO_CASES.length * MATRIX_PROFILES.length;
  let done = 0;
  // A one-line counter on a terminal only (CLI.md: progress only on a TTY).
  const tty = process.stderr.isTTY === true;
  const mx = guard(() =>
    runMatrix({
      timing,
      livelockLimit,
      uaccessPath,
      onCell: () => {
        done++;
        if (tty) process.stderr.write(`\rgranule: scenario matrix ${done}/${total}`);
      },
    }),
  );
  if (tty) process.stderr.write('\r\x1b[K');
  if (o.json) process.stdout.write(JSON.stringify(mx, (_k, v: unknown) => (typeof v === 'bigint' ? hex(v) : v)) + '\n');
  else process.stdout.write(formatMatrix(mx));
}

export function registerScenario(program: Command): void {
  const cmd = program.command('scenario').description("replay the kernel discussion's retry loops under each kernel profile (list, run, matrix)");
  const common = (c: Command): Command =>
    c
      .option('--cpu <model>', `timing model for the cycles: ${CPU_NAMES.join(', ')}, or none`, 'cortex-a510')
      .option('--livelock-limit <n>', 'retry-loop iterations without progress before a livelock is reported (default 100000)')
      .option('--uaccess <path>', 'the uaccess implementation: typed-array (default) or instruction (the arm64 routines run at EL1)')
      .option('--json', 'machine-readable output');
  cmd
    .command('list')
    .description('list the bundled scenarios, the kernel profiles and their options')
    .option('--json', 'machine-readable output')
    .action((o: { json?: boolean }) => list(o));
  common(
    cmd
      .command('run')
      .description('run one scenario and report the call: result, outcome, retries, faults, instructions, cycles')
      .argument('<name>', "a scenario from 'granule scenario list'")
      .option('--kernel <profile>', `kernel profile, with +option suffixes (default ${DEFAULT_PROFILE})`)
      .option('--offset <n>', "the user buffer's byte offset in the page-aligned PROT_MTE mapping")
      .option('--length <n>', 'bytes passed to the call')
      .option('--bad-granules <list>', 'comma-separated 16-byte granule indexes (from the mapping start) with a mismatched tag, or -')
      .option('--tcf <mode>', `tag check mode: ${TCF_MODES.join(', ')}`)
      .option('--strace', "print the program's syscalls, like strace (stderr)"),
  ).action((name: string, o: RunOptions) => run(name, o));
  common(cmd.command('matrix').description('run every scenario under every profile and print the scenario x profile table')).action((o: CommonOptions) => matrix(o));
  for (const c of cmd.commands) c.exitOverride();
}
