// The kernel discussion's scenarios (issue 5; kernel-uaccess.md, "Scenarios the shim should
// reproduce"): bundled reproducer programs (the .s files beside this one, assembled by granule's
// own assembler), each run under a kernel profile with the parameters on its command line, and
// the one call it measures read back from the kernel's syscall log: its result, whether a retry
// loop livelocked, the retries, the faults the kernel's user accesses took, kernel instructions
// and cycles.
//
// A scenario is a program and a default case; a variant (`buffered-write/convergence`) is the
// same program with other defaults, so the matrix can show each case of the reference. Every
// parameter can be overridden (offset, length, bad granules, tag check mode).

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assemble } from '../../isa/asm/assembler.js';
import { writeElfExecutable } from '../../isa/asm/elf-writer.js';
import { BufferSink } from '../../emulator/devices/output.js';
import type { TimingConfig } from '../../emulator/timing/config.js';
import { createUserProcess } from '../process.js';
import { defaultProfile, parseProfile, type KernelProfile } from '../profiles.js';
import { DEFAULT_LIVELOCK_LIMIT, type FaultCounts, type LivelockReport } from '../retry.js';
import { ERRNO_NAMES } from '../syscalls.js';
import { signalName } from '../signals.js';
import type { CounterSnapshot } from '../kernel.js';
import type { UaccessPath } from '../uaccess.js';
import { GRANULE_IOC_FAULT_IN_READABLE, GRANULE_IOC_FAULT_IN_SAFE_WRITEABLE, GRANULE_IOC_FAULT_IN_SUBPAGE_WRITEABLE, GRANULE_IOC_FAULT_IN_WRITEABLE, GRANULE_IOC_PROBE_SUBPAGE_WRITEABLE } from '../devices.js';

export type Tcf = 'none' | 'sync' | 'async' | 'asymm';
export const TCF_MODES: readonly Tcf[] = ['none', 'sync', 'async', 'asymm'];

/** The names scripts rely on (CLI.md), then granule's extra ones. */
export const SCENARIO_NAMES = [
  'buffered-write',
  'buffered-read',
  'tree-search',
  'direct-io',
  'nested-fault',
  'fault-in-readable',
  'fault-in-writeable',
  'probe-subpage-writeable',
  'fault-in-safe-writeable',
  'fault-in-subpage-writeable',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export interface ScenarioParams {
  /** The user buffer's byte offset from the start of the page-aligned PROT_MTE mapping p. */
  offset: number;
  /** Bytes passed to the call. */
  length: number;
  /** 16-byte granule indexes from p whose allocation tag (1) differs from the pointer's (0). */
  badGranules: number[];
  tcf: Tcf;
}

export interface ScenarioCase {
  /** `buffered-write`, or a variant `buffered-write/convergence`. */
  name: string;
  scenario: ScenarioName;
  /** One line: what the case is. */
  summary: string;
  /** Where its expected behaviour comes from (kernel-uaccess.md's scenario list, a commit). */
  reference: string;
  params: ScenarioParams;
  /** The program's argument and measured call, when the case differs from its scenario's default (direct-io's write). */
  arg?: string;
  call?: ProgramDef['call'];
}

interface ProgramDef {
  file: string;
  /** The syscall the program makes to measure (the last one of that name on a file it opened). */
  call: 'write' | 'read' | 'ioctl' | 'pread64' | 'pwrite64';
  /** The program's own argument (ARG of lib.s). */
  arg?: string;
  /** Whether `result` is a kernel function's value (the fault-in ioctls) rather than a syscall's. */
  kernelFunction?: boolean;
  /** Pages the buffer has at least (nested-fault leaves its last one unpopulated). */
  minPages?: number;
}

const ioctlArg = (cmd: number): string => String(cmd);

const PROGRAMS: Record<ScenarioName, ProgramDef> = {
  'buffered-write': { file: 'buffered-write.s', call: 'write' },
  'buffered-read': { file: 'buffered-read.s', call: 'read', minPages: 2 },
  'tree-search': { file: 'tree-search.s', call: 'ioctl' },
  'direct-io': { file: 'direct-io.s', call: 'pread64', arg: 'r' },
  'nested-fault': { file: 'nested-fault.s', call: 'write', minPages: 2 },
  'fault-in-readable': { file: 'fault-in.s', call: 'ioctl', arg: ioctlArg(GRANULE_IOC_FAULT_IN_READABLE), kernelFunction: true },
  'fault-in-writeable': { file: 'fault-in.s', call: 'ioctl', arg: ioctlArg(GRANULE_IOC_FAULT_IN_WRITEABLE), kernelFunction: true },
  'probe-subpage-writeable': { file: 'fault-in.s', call: 'ioctl', arg: ioctlArg(GRANULE_IOC_PROBE_SUBPAGE_WRITEABLE), kernelFunction: true },
  'fault-in-safe-writeable': { file: 'fault-in.s', call: 'ioctl', arg: ioctlArg(GRANULE_IOC_FAULT_IN_SAFE_WRITEABLE), kernelFunction: true },
  'fault-in-subpage-writeable': { file: 'fault-in.s', call: 'ioctl', arg: ioctlArg(GRANULE_IOC_FAULT_IN_SUBPAGE_WRITEABLE), kernelFunction: true },
};

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
const p = (offset: number, length: number, badGranules: number[], tcf: Tcf = 'sync'): ScenarioParams => ({ offset, length, badGranules, tcf });

/** The bundled cases, in the matrix's order. */
export const SCENARIO_CASES: readonly ScenarioCase[] = [
  { name: 'buffered-write', scenario: 'buffered-write', summary: "Catalin Marinas' reproducer: write(fd, p+14, 8), granule 1 bad", reference: 'scenario 4', params: p(14, 8, [1]) },
  { name: 'buffered-write/convergence', scenario: 'buffered-write', summary: 'write(fd, p, 256), granule 8 bad: the first copy stops at 80, the retries converge', reference: 'scenario 8', params: p(0, 256, [8]) },
  { name: 'buffered-write/first-byte-bad', scenario: 'buffered-write', summary: 'write(fd, p, 32), granule 0 bad', reference: 'scenario 6', params: p(0, 32, [0]) },
  { name: 'buffered-write/page-straddle', scenario: 'buffered-write', summary: 'write(fd, p+4000, 200), granule 256 (p+4096) bad: the v5.16-v5.17 short-write regression', reference: 'scenario 24', params: p(4000, 200, [256]) },
  { name: 'buffered-write/async', scenario: 'buffered-write', summary: 'write(fd, p+14, 8), granule 1 bad, asynchronous tag checks', reference: 'scenario 10', params: p(14, 8, [1], 'async') },
  { name: 'buffered-read', scenario: 'buffered-read', summary: 'read(fd, p+14, 8), granule 1 bad', reference: 'scenario 5', params: p(14, 8, [1]) },
  { name: 'buffered-read/check-user-mem', scenario: 'buffered-read', summary: 'read(fd, p+8, 32), granule 1 bad (check_user_mem)', reference: 'scenario 7', params: p(8, 32, [1]) },
  { name: 'buffered-read/bad-page', scenario: 'buffered-read', summary: 'read(fd, p, 8192), page 1 all bad (the original selftest)', reference: 'scenario 9', params: p(0, 8192, range(256, 512)) },
  { name: 'tree-search', scenario: 'tree-search', summary: 'BTRFS_IOC_TREE_SEARCH_V2 into a page-aligned 4 KiB buffer, granule 1 bad', reference: 'scenario 15; 18788e34642e', params: p(0, 4096, [1]) },
  { name: 'tree-search/late-bad', scenario: 'tree-search', summary: 'the same into an 8 KiB buffer, only granule 500 bad: the results fit before it', reference: 'scenario 15 (variant)', params: p(0, 8192, [500]) },
  { name: 'direct-io', scenario: 'direct-io', summary: 'O_DIRECT read of 8 KiB into page-aligned p, granules 1 and 300 bad', reference: 'scenario 19', params: p(0, 8192, [1, 300]) },
  { name: 'direct-io/write', scenario: 'direct-io', summary: 'O_DIRECT write of 8 KiB from page-aligned p, granules 1 and 300 bad', reference: 'scenario 19', params: p(0, 8192, [1, 300]), arg: 'w', call: 'pwrite64' },
  { name: 'direct-io/unpinnable', scenario: 'direct-io', summary: "O_DIRECT read of 12 KiB into p, whose last page is PROT_NONE: a page GUP cannot pin", reference: '97308f8b0d86 IOMAP_DIO_PARTIAL', params: p(0, 12288, [1]), arg: 'h' },
  { name: 'direct-io/unaligned', scenario: 'direct-io', summary: 'O_DIRECT read of 8 KiB into p+16 (falls back to buffered I/O), granule 300 bad', reference: 'scenario 19; btrfs check_direct_read', params: p(16, 8192, [300]) },
  { name: 'nested-fault', scenario: 'nested-fault', summary: "write(fd, p, 8192), p's page 1 unpopulated, while a perf-like sampler's stack walk takes a tag check fault", reference: 'seed thread (Torvalds / Marinas, Oct 2021)', params: p(0, 8192, []) },
  { name: 'fault-in-readable', scenario: 'fault-in-readable', summary: 'fault_in_readable(p+100, 8000), granule 256 (p+4096) bad', reference: 'scenario 12', params: p(100, 8000, [256]) },
  { name: 'fault-in-readable/mid-page', scenario: 'fault-in-readable', summary: 'fault_in_readable(p+100, 8000), granule 257 (p+4112) bad: mid-page granules are invisible', reference: 'scenario 12', params: p(100, 8000, [257]) },
  { name: 'fault-in-writeable', scenario: 'fault-in-writeable', summary: 'fault_in_writeable(p+100, 8000), granule 256 (p+4096) bad', reference: 'scenario 13', params: p(100, 8000, [256]) },
  { name: 'fault-in-safe-writeable', scenario: 'fault-in-safe-writeable', summary: 'fault_in_safe_writeable(p+100, 8000), granule 256 bad: GUP never sees tags', reference: 'kernel-uaccess.md §1.2', params: p(100, 8000, [256]) },
  { name: 'probe-subpage-writeable', scenario: 'probe-subpage-writeable', summary: 'probe_subpage_writeable(p+5, 40), granule 2 bad', reference: 'scenario 14', params: p(5, 40, [2]) },
  { name: 'fault-in-subpage-writeable', scenario: 'fault-in-subpage-writeable', summary: 'fault_in_subpage_writeable(p+5, 40), granule 2 bad', reference: 'scenario 14', params: p(5, 40, [2]) },
];

/** The matrix's columns: every base profile, then the unmerged proposals on the kernels they were made for. */
export const MATRIX_PROFILES: readonly string[] = [
  'linux-5.10.y',
  'linux-5.13',
  'linux-5.16',
  'linux-5.18',
  'linux-5.19',
  'linux-6.14',
  'linux-5.16+retriable-uaccess',
  'linux-5.16+distinct-errors',
  'linux-5.16+subpage-fault-in',
  'linux-6.14+retriable-uaccess',
  'linux-6.14+retriable-uaccess+save-on-entry',
];

export class ScenarioError extends Error {}

/** A bundled case by name (a scenario's own name is its default case). */
export function findCase(name: string): ScenarioCase {
  const c = SCENARIO_CASES.find((s) => s.name === name);
  if (!c) throw new ScenarioError(`unknown scenario '${name}' (see 'granule scenario list')`);
  return c;
}

export type Outcome = 'returned' | 'livelock' | 'signal';

export interface ScenarioResult {
  scenario: string;
  kernel: string;
  outcome: Outcome;
  /** The call's return value (the kernel function's for the fault-in cases); null if it never returned. */
  result: number | null;
  /** The errno name when the result is an error (-errno), else null. */
  errno: string | null;
  /** Retry-loop iterations during the call (every loop: the write loop, copy_page_to_iter, search_ioctl, the direct I/O loops). */
  iterations: number;
  /** Kernel instructions the call took (the uaccess routines, charged kernel work). */
  instructions: number;
  /** Cycles the call took (null with --cpu none). */
  cycles: number | null;
  /** Faults the kernel's user accesses took during the call, by type. */
  faults: FaultCounts;
  /** Sampler interrupts during the call (nested-fault). */
  samples: number;
  params: ScenarioParams;
  /** The livelock report, when the watchdog stopped the call. */
  livelock: LivelockReport | null;
  /** The fatal signal's name, when one ended the program. */
  signal: string | null;
  /** The whole run: instructions the program retired and cycles. */
  run: { instructions: number; cycles: number | null };
}

export interface RunScenarioOptions {
  profile?: string | KernelProfile;
  params?: Partial<ScenarioParams>;
  livelockLimit?: number;
  /** A timing configuration (cycles), or undefined for functional mode. */
  timing?: TimingConfig;
  uaccessPath?: UaccessPath;
  /** Each syscall of the program, as `granule run --strace` prints it. */
  strace?: (line: string) => void;
}

/** Where the reproducer sources are: beside this file in the repository and the package. */
function sourceDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new ScenarioError('the scenario sources are missing (no package.json above the module)');
    dir = up;
  }
  return join(dir, 'kernel-shim', 'scenarios');
}

const programCache = new Map<string, Uint8Array>();

/** The program, assembled once per process. */
export function scenarioProgram(file: string): Uint8Array {
  let elf = programCache.get(file);
  if (!elf) {
    const path = join(sourceDir(), file);
    const { errors, image } = assemble(readFileSync(path, 'utf8'), { file: path, base: 0x400000n, readInclude: (f) => readFileSync(f, 'utf8') });
    if (!image) throw new ScenarioError(`${file}: ${errors.map((e) => e.format()).join('; ')}`);
    elf = writeElfExecutable(image);
    programCache.set(file, elf);
  }
  return elf;
}

const PAGE = 4096;
/** Bounds that keep a run small: the buffer at most 1 MiB. */
const MAX_BUFFER = 1 << 20;

/** Checks parameters and gives the pages the buffer needs. */
function bufferPages(def: ProgramDef, q: ScenarioParams): number {
  const int = (v: number, what: string): void => {
    if (!Number.isSafeInteger(v) || v < 0) throw new ScenarioError(`${what} must be a non-negative integer, not ${v}`);
  };
  int(q.offset, '--offset');
  int(q.length, '--length');
  for (const g of q.badGranules) int(g, '--bad-granules index');
  if (!TCF_MODES.includes(q.tcf)) throw new ScenarioError(`--tcf must be one of ${TCF_MODES.join(', ')}, not '${q.tcf}'`);
  const end = Math.max(q.offset + q.length, ...q.badGranules.map((g) => (g + 1) * 16));
  if (end > MAX_BUFFER) throw new ScenarioError(`the buffer would need ${end} bytes; offset + length and the bad granules must stay within ${MAX_BUFFER} bytes`);
  return Math.max(def.minPages ?? 1, Math.ceil(end / PAGE));
}

function delta(a: FaultCounts, b: FaultCounts): FaultCounts {
  return { tagCheck: b.tagCheck - a.tagCheck, translation: b.translation - a.translation, permission: b.permission - a.permission, pageFault: b.pageFault - a.pageFault, nested: b.nested - a.nested };
}

/**
 * The program's command line for a case (with any parameter overridden), argv[0] first:
 * `NAME PAGES OFFSET LENGTH TCF BAD [ARG]` as lib.s reads it. The same argv runs the program on a
 * real kernel (tools/gen-scenario-kernels-golden.ts).
 */
export function scenarioArgv(c: ScenarioCase, overrides: Partial<ScenarioParams> = {}): string[] {
  const def = PROGRAMS[c.scenario];
  const params: ScenarioParams = { ...c.params, ...overrides };
  const pages = bufferPages(def, params);
  const bad = params.badGranules.length > 0 ? params.badGranules.join(',') : '-';
  const arg = c.arg ?? def.arg;
  return [c.scenario, String(pages), String(params.offset), String(params.length), String(TCF_MODES.indexOf(params.tcf)), bad, ...(arg ? [arg] : [])];
}

/** Runs one case (with any parameter overridden) under a profile. */
export function runScenario(c: ScenarioCase, o: RunScenarioOptions = {}): ScenarioResult {
  const def = PROGRAMS[c.scenario];
  const params: ScenarioParams = { ...c.params, ...o.params };
  const profile = typeof o.profile === 'string' ? parseProfile(o.profile) : (o.profile ?? defaultProfile());
  bufferPages(def, params); // checks the parameters first
  // Asymmetric tag checking appeared in v5.18 (766121ba5de3): older kernels refuse "asymm".
  if (params.tcf === 'asymm' && !profile.behaviour.mteAsymm) throw new ScenarioError(`--tcf asymm needs a kernel with asymmetric tag checking (linux-5.18 or later), not ${profile.name}`);
  const call = c.call ?? def.call;
  const argv = scenarioArgv(c, o.params);
  const out = new BufferSink();
  const { machine: m, kernel: k } = createUserProcess(scenarioProgram(def.file), {
    argv,
    envp: [],
    stdout: out,
    stderr: out,
    profile,
    livelockLimit: o.livelockLimit ?? DEFAULT_LIVELOCK_LIMIT,
    strace: o.strace,
  });
  if (o.uaccessPath) k.uaccess.path = o.uaccessPath;
  m.setTiming(o.timing);
  k.syscallLog = [];
  // The programs are short; a bound keeps a broken one from running forever.
  for (let budget = 0; !k.end && budget < 64; budget++) {
    const r = m.run(1 << 24);
    if (r.reason !== 'count' && !k.end) throw new ScenarioError(`${c.name}: the program stopped (${r.reason}) without ending`);
  }
  const end = k.end;
  if (!end) throw new ScenarioError(`${c.name}: the program did not finish`);
  const text = Buffer.from(out.bytes()).toString('latin1');
  if (end.kind === 'exit' && end.status !== 0) throw new ScenarioError(`${c.name}: the program failed (exit status ${end.status}): ${text.trim()}`);
  // The measured call: the last of its kind on a file the program opened (fd 3 and up).
  const log = k.syscallLog;
  let rec = undefined;
  for (let i = log.length - 1; i >= 0; i--) {
    if (log[i].name === call && log[i].args[0] >= 3n) {
      rec = log[i];
      break;
    }
  }
  if (!rec) throw new ScenarioError(`${c.name}: the program never made its ${call} call`);
  const start: CounterSnapshot = rec.start;
  const stop: CounterSnapshot = rec.end ?? k.snapshot();
  const ret = rec.ret === undefined ? null : Number(BigInt.asIntN(64, rec.ret));
  // A fatal signal is the outcome even when the call returned first (the program never saw it).
  const outcome: Outcome = end.kind === 'livelock' ? 'livelock' : end.kind === 'signal' ? 'signal' : 'returned';
  return {
    scenario: c.name,
    kernel: profile.name,
    outcome,
    result: ret,
    errno: ret !== null && ret < 0 && ret >= -4095 ? (ERRNO_NAMES[-ret] ?? `E${-ret}`) : null,
    iterations: stop.retries - start.retries,
    instructions: stop.kernelInstructions - start.kernelInstructions,
    cycles: stop.cycles !== null && start.cycles !== null ? stop.cycles - start.cycles : null,
    faults: delta(start.faults, stop.faults),
    samples: stop.samples - start.samples,
    params,
    livelock: end.kind === 'livelock' ? end.livelock : null,
    signal: end.kind === 'signal' ? signalName(end.signo) : null,
    run: { instructions: m.instructions - k.uaccess.el1Instructions, cycles: m.timing ? m.timing.cycles() : null },
  };
}

/** The matrix cell: the result (or errno name), "livelock", or the signal. */
export function outcomeText(r: ScenarioResult): string {
  if (r.outcome === 'livelock') return 'livelock';
  if (r.outcome === 'signal') return r.signal ?? 'signal';
  return r.errno ?? String(r.result);
}

export interface MatrixResult {
  profiles: string[];
  rows: { scenario: string; summary: string; reference: string; cells: ScenarioResult[] }[];
}

/** Every case under every profile of the matrix. */
export function runMatrix(o: Omit<RunScenarioOptions, 'profile' | 'params'> & { profiles?: readonly string[]; cases?: readonly ScenarioCase[]; onCell?: () => void } = {}): MatrixResult {
  const profiles = [...(o.profiles ?? MATRIX_PROFILES)];
  const rows = (o.cases ?? SCENARIO_CASES).map((c) => ({
    scenario: c.name,
    summary: c.summary,
    reference: c.reference,
    cells: profiles.map((profile) => {
      const r = runScenario(c, { ...o, profile });
      o.onCell?.();
      return r;
    }),
  }));
  return { profiles, rows };
}
