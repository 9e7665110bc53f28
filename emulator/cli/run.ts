// `granule run FILE [options] [-- GUEST-ARGS...]`: runs an ELF64 AArch64 executable (or a .s
// source, assembled on the fly) on a bare-metal virt board or, by default, in Linux user mode.

import type { Command } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { ElfError } from '../loader/elf.js';
import { loadElfPhysical } from '../loader/load.js';
import { createVirtMachine, VIRT_DEFAULT_RAM, VIRT_RAM_BASE } from '../devices/virt.js';
import type { OutputSink } from '../devices/output.js';
import type { Machine } from '../machine.js';
import { CliError, UsageError, hex, parseNumber } from './common.js';
import { Tracer } from '../trace.js';
import { collectStats, formatStats } from '../stats.js';
import { assembleSourceFile, isAssemblySource } from './source.js';
import { createUserProcess, USER_DEFAULT_RAM } from '../../kernel-shim/process.js';
import { readSync } from 'node:fs';
import { BASE_PROFILES, DEFAULT_PROFILE, parseProfile, ProfileError, type KernelProfile } from '../../kernel-shim/profiles.js';
import { DEFAULT_LIVELOCK_LIMIT, type FaultCounts } from '../../kernel-shim/retry.js';
import type { Kernel } from '../../kernel-shim/kernel.js';
import { CPU_NAMES, resolveTimingConfig, TimingConfigError, type TimingConfig } from '../timing/config.js';

interface RunOptions {
  machine: string;
  mem?: string;
  maxInsns?: string;
  trace?: boolean;
  stats?: boolean;
  json?: boolean;
  statsFile?: string;
  strace?: boolean;
  cpu: string;
  timingConfig?: string;
  kernel?: string;
  livelockLimit?: string;
}

/** Exit status when --max-insns stops the guest (like timeout(1)). */
export const EXIT_MAX_INSNS = 124;

const stdoutSink: OutputSink = { write: (b) => void process.stdout.write(b) };
const stderrSink: OutputSink = { write: (b) => void process.stderr.write(b) };

function readProgram(file: string, base: bigint): Uint8Array {
  if (isAssemblySource(file)) return assembleSourceFile(file, base);
  try {
    return readFileSync(file);
  } catch (e) {
    throw new CliError(`cannot read '${file}': ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
}

/**
 * The timing configuration `--cpu` and `--timing-config` ask for, or undefined for functional
 * mode (`--cpu none`). Timing is on by default (cortex-a510).
 */
function timingFor(o: RunOptions): TimingConfig | undefined {
  let overrides: unknown;
  if (o.timingConfig !== undefined) {
    let text: string;
    try {
      text = readFileSync(o.timingConfig, 'utf8');
    } catch (e) {
      throw new CliError(`cannot read '${o.timingConfig}': ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
    try {
      overrides = JSON.parse(text);
    } catch (e) {
      throw new CliError(`${o.timingConfig}: not JSON (${(e as Error).message})`);
    }
  }
  if (o.cpu === 'none') {
    if (overrides !== undefined) throw new UsageError('--timing-config needs a timing model (--cpu cortex-a510 or neoverse-n2), not --cpu none');
    return undefined;
  }
  if (!(CPU_NAMES as readonly string[]).includes(o.cpu)) throw new UsageError(`unknown --cpu '${o.cpu}' (models: none, ${CPU_NAMES.join(', ')})`);
  try {
    return resolveTimingConfig(o.cpu, overrides);
  } catch (e) {
    if (e instanceof TimingConfigError) throw new CliError(`${o.timingConfig}: ${e.message}`);
    throw e;
  }
}

/** `--kernel PROFILE`: a kernel profile (profiles.ts), or the default one. */
export function kernelProfileOption(text: string | undefined): KernelProfile {
  try {
    return parseProfile(text ?? DEFAULT_PROFILE);
  } catch (e) {
    if (e instanceof ProfileError) throw new UsageError(e.message);
    throw e;
  }
}

/** `--livelock-limit N`: retry iterations without progress before the watchdog stops a loop. */
export function livelockLimitOption(text: string | undefined): number {
  if (text === undefined) return DEFAULT_LIVELOCK_LIMIT;
  const n = parseNumber(text, '--livelock-limit count');
  if (n < 1n || n > 1n << 40n) throw new UsageError(`--livelock-limit must be at least 1, not '${text}'`);
  return Number(n);
}

/** Runs a bare-metal program on the virt board; returns the exit status. */
function runVirt(file: string, o: RunOptions): number {
  if (o.kernel !== undefined || o.livelockLimit !== undefined) throw new UsageError('--kernel and --livelock-limit select the kernel shim: they need --machine user');
  const ramSize = o.mem === undefined ? VIRT_DEFAULT_RAM : Number(parseNumber(o.mem, '--mem size', true));
  if (ramSize < 1 << 20 || ramSize > 4 * 1024 ** 3 || ramSize % 4096 !== 0) throw new UsageError(`--mem must be a multiple of 4 KiB between 1M and 4G, not '${o.mem}'`);
  const maxInsns = o.maxInsns === undefined ? Infinity : Number(parseNumber(o.maxInsns, '--max-insns count'));
  const bytes = readProgram(file, BigInt(VIRT_RAM_BASE));
  const m = createVirtMachine({ ramSize, uart: stdoutSink, stdout: stdoutSink, stderr: stderrSink });
  let entry: bigint;
  try {
    entry = loadElfPhysical(m, bytes).entry;
  } catch (e) {
    if (e instanceof ElfError) throw new CliError(`${file}: ${e.message}`);
    throw e;
  }
  m.cpu.pc = entry;
  m.setTiming(timingFor(o));
  const tracer = o.trace ? new Tracer(m, (line) => process.stderr.write(line + '\n')) : undefined;
  const reason = runGuest(m, maxInsns, tracer);
  const status = report(m, reason, maxInsns);
  emitStats(m, o);
  return status;
}

const readStdin = (n: number): Uint8Array => {
  const buf = Buffer.alloc(n);
  try {
    return buf.subarray(0, readSync(0, buf, 0, n, null));
  } catch {
    return new Uint8Array(0);
  }
};

/** Runs a static Linux executable at EL0 under the kernel shim; returns the exit status. */
function runUser(file: string, guestArgs: string[], o: RunOptions): number {
  const ramSize = o.mem === undefined ? USER_DEFAULT_RAM : Number(parseNumber(o.mem, '--mem size', true));
  if (ramSize < 1 << 22 || ramSize > 4 * 1024 ** 3 || ramSize % 4096 !== 0) throw new UsageError(`--mem must be a multiple of 4 KiB between 4M and 4G, not '${o.mem}'`);
  const maxInsns = o.maxInsns === undefined ? Infinity : Number(parseNumber(o.maxInsns, '--max-insns count'));
  const profile = kernelProfileOption(o.kernel);
  const livelockLimit = livelockLimitOption(o.livelockLimit);
  const bytes = readProgram(file, 0x400000n);
  let proc;
  try {
    proc = createUserProcess(bytes, {
      ramSize,
      argv: [file, ...guestArgs],
      stdout: stdoutSink,
      stderr: stderrSink,
      stdin: readStdin,
      strace: o.strace ? (line) => process.stderr.write(line + '\n') : undefined,
      profile,
      livelockLimit,
    });
  } catch (e) {
    if (e instanceof ElfError) throw new CliError(`${file}: ${e.message}`);
    throw e;
  }
  const { machine: m, kernel } = proc;
  m.setTiming(timingFor(o));
  const tracer = o.trace ? new Tracer(m, (line) => process.stderr.write(line + '\n')) : undefined;
  const reason = runGuest(m, maxInsns, tracer);
  let status: number;
  if (reason === 'halt' && kernel.end) {
    if (kernel.end.kind !== 'exit') process.stderr.write(kernel.end.report);
    status = m.exitStatus;
  } else status = report(m, reason, maxInsns);
  emitStats(m, o, kernelStats(kernel));
  return status;
}

/** Runs in chunks (so a huge budget never overflows a counter) until the guest stops. */
function runGuest(m: Machine, maxInsns: number, tracer: Tracer | undefined): string {
  const CHUNK = 1 << 24;
  for (;;) {
    const left = maxInsns - m.instructions;
    if (left <= 0) return 'max-insns';
    const r = tracer ? tracer.run(Math.min(left, CHUNK)) : m.run(Math.min(left, CHUNK));
    if (r.reason !== 'count') return r.reason;
  }
}

function report(m: Machine, reason: string, maxInsns: number): number {
  const pc = hex(m.cpu.pc);
  switch (reason) {
    case 'halt':
      return m.exitStatus & 0xff;
    case 'max-insns':
      process.stderr.write(`granule: stopped after ${maxInsns} instructions (--max-insns) at pc ${pc}\n`);
      return EXIT_MAX_INSNS;
    case 'wfi':
      process.stderr.write(`granule: the guest waits for an interrupt that can never arrive (WFI at pc ${pc})\n`);
      return 1;
    case 'fault-loop': {
      const e = m.lastException;
      const detail = e ? `ESR ${hex(e.esr)}${e.hasFar ? `, FAR ${hex((BigInt(e.farHi >>> 0) << 32n) | BigInt(e.farLo >>> 0))}` : ''}` : '';
      process.stderr.write(`granule: the guest is stuck taking exceptions without executing an instruction (${detail}; VBAR_EL1 ${hex(m.cpu.sys.vbar)}, pc ${pc})\n`);
      return 1;
    }
    default:
      process.stderr.write(`granule: guest stopped (${reason}) at pc ${pc}\n`);
      return 1;
  }
}

/** What `--stats` adds in user mode: the kernel profile and its retry loops and uaccess faults. */
interface KernelStats {
  profile: string;
  retries: number;
  loops: Record<string, number>;
  faults: FaultCounts;
}

function kernelStats(k: Kernel): KernelStats {
  return { profile: k.profile.name, retries: k.counters.retries, loops: Object.fromEntries(k.counters.byLoop), faults: { ...k.counters.faults } };
}

function formatKernelStats(s: KernelStats): string {
  const f = s.faults;
  const loops = Object.entries(s.loops).map(([name, n]) => `${name} ${n}`).join(', ');
  return (
    `granule: kernel:       ${s.profile}; ${s.retries} retry-loop iterations${loops ? ` (${loops})` : ''}\n` +
    `granule: uaccess faults: ${f.tagCheck} tag check, ${f.translation} translation, ${f.permission} permission, ${f.pageFault} page faults fixed${f.nested ? `, ${f.nested} nested` : ''}\n`
  );
}

function emitStats(m: Machine, o: RunOptions, kernel?: KernelStats): void {
  if (!o.stats && !o.statsFile) return;
  const stats = kernel ? { ...collectStats(m), kernel } : collectStats(m);
  if (o.statsFile) writeFileSync(o.statsFile, JSON.stringify(stats, null, 2) + '\n');
  if (o.stats) {
    if (o.json) process.stdout.write(JSON.stringify(stats) + '\n');
    else process.stderr.write(formatStats(stats) + (kernel ? formatKernelStats(kernel) : ''));
  }
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run an ELF64 AArch64 executable or a .s source')
    .argument('<file>', 'ELF64 AArch64 executable, or assembly source (.s/.S)')
    .argument('[guest-args...]', 'arguments for the guest (after --)')
    .option('--machine <kind>', 'user (Linux user mode with the kernel shim) or virt (QEMU-virt-compatible bare metal)', 'user')
    .option('--kernel <profile>', `which Linux kernel the shim follows: ${BASE_PROFILES.join(', ')} (default ${DEFAULT_PROFILE}), with +option suffixes for the unmerged proposals`)
    .option('--livelock-limit <n>', `kernel retry-loop iterations without progress before the shim reports a livelock (exit status 125; default ${DEFAULT_LIVELOCK_LIMIT})`)
    .option('--cpu <model>', `timing model: ${CPU_NAMES.join(', ')}, or none (functional, fastest)`, 'cortex-a510')
    .option('--timing-config <file>', 'JSON overriding any parameter of the --cpu profile (shown with --stats)')
    .option('--mem <size>', 'guest RAM, e.g. 128M (virt: at 0x40000000)')
    .option('--max-insns <n>', 'stop a runaway guest after N instructions (exit status 124)')
    .option('--trace', 'print each executed instruction with the registers it changed (stderr)')
    .option('--strace', 'print each syscall with its arguments and result, like strace (stderr)')
    .option('--stats', 'print a summary at exit (stderr; with --json, JSON on stdout)')
    .option('--json', 'machine-readable --stats')
    .option('--stats-file <file>', 'write the --stats JSON to a file')
    .action((file: string, guestArgs: string[], o: RunOptions) => {
      let status: number;
      if (o.machine === 'virt') status = runVirt(file, o);
      else if (o.machine === 'user') status = runUser(file, guestArgs, o);
      else throw new UsageError(`unknown --machine '${o.machine}' (expected user or virt)`);
      process.exitCode = status;
    });
}
