// Regenerates test/golden/signals/NAME.out for the signal programs test/signals/NAME.s: what each
// prints on stdout and how it ends on a real arm64 Linux kernel with MTE, the same oracle as
// tools/gen-linux-golden.ts (Debian bookworm's 6.1 kernel under qemu-system-aarch64 10, `-M
// virt,mte=on -cpu max,sve=off,sme=off`; every program in one boot, run by test/linux/init.s as
// /bin/NAME). Each program is also run under qemu-aarch64 (user mode), and the header records
// whether qemu-user prints the same (most signal programs touch a place where it is not Linux:
// si_addr tag bits, the esr_context record, TCO in handlers, async faults at a syscall). A golden
// file is one header line, then the stdout bytes:
//
//   # signals-golden kernel=6.1.0-56-arm64 debian=6.1.192-2 qemu=10.0.2 end=signal:11 qemu-user=same source=sha256:<hex>
//
// Programs whose first line says `// expected: rules` are not run: QEMU does not implement the
// architecture there (alignment faults of exclusives at EL0, SP alignment), so their expected
// output is written by hand from Linux's rules, with a `# signals-rules end=...` header.
//
// Run: npm run gen:signals-golden [-- NAME...]   (all oracle programs when no name is given)
// The kernel and QEMU 10 come from .cache (tools/install-linux-oracle.sh, tools/install-qemu10.sh)
// or $LINUX_ORACLE_KERNEL / $QEMU_SYSTEM_AARCH64; qemu-aarch64 from $QEMU_AARCH64 or the PATH.

import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { qemuVersion } from './gen-virt-golden.js';
import {
  assembleProgram, bootOracle, buildInitramfs, debianVersion, decodeWaitStatus, findKernel, formatEnd, INIT_SOURCE, parseConsole, parseEnd, ROOT, sourceDigest,
  sourceFiles, type OracleProgram, type ProcessEnd,
} from './linux-oracle.js';
import { runAsTool } from './run-tool.js';

export const SIGNALS_DIR = join(ROOT, 'test/signals');
export const SIGNALS_GOLDEN_DIR = join(ROOT, 'test/golden/signals');

export interface SignalsGolden {
  /** 'linux' (from the oracle kernel) or 'rules' (written from Linux's rules). */
  from: 'linux' | 'rules';
  kernel?: string;
  end: ProcessEnd;
  /** Whether qemu-aarch64 printed the same bytes and ended the same way. */
  qemuUser?: 'same' | 'differs';
  source?: string;
  stdout: Uint8Array;
}

/** The programs: test/signals/*.s except the files they include. */
export function signalProgramNames(): string[] {
  const files = readdirSync(SIGNALS_DIR).filter((f) => f.endsWith('.s'));
  const included = new Set<string>();
  for (const f of files) for (const p of sourceFiles(join(SIGNALS_DIR, f)).slice(1)) included.add(p);
  return files.filter((f) => !included.has(join(SIGNALS_DIR, f))).map((f) => f.slice(0, -2)).sort();
}

export const signalProgramPath = (name: string): string => join(SIGNALS_DIR, `${name}.s`);
export const signalGoldenPath = (name: string): string => join(SIGNALS_GOLDEN_DIR, `${name}.out`);
export const isRulesProgram = (name: string): boolean => /^\/\/ expected: rules/.test(readFileSync(signalProgramPath(name), 'utf8'));

const LINUX_HEADER = /^# signals-golden kernel=(\S+) debian=\S+ qemu=\S+ end=(\S+) qemu-user=(same|differs) source=sha256:([0-9a-f]{64})\n/;
const RULES_HEADER = /^# signals-rules end=(\S+)\n/;

export function parseSignalsGolden(bytes: Uint8Array): SignalsGolden {
  const nl = bytes.indexOf(10);
  const head = Buffer.from(bytes.subarray(0, nl + 1)).toString('latin1');
  const stdout = bytes.subarray(nl + 1);
  let m = LINUX_HEADER.exec(head);
  if (m) return { from: 'linux', kernel: m[1], end: parseEnd(m[2]), qemuUser: m[3] as 'same' | 'differs', source: m[4], stdout };
  m = RULES_HEADER.exec(head);
  if (m) return { from: 'rules', end: parseEnd(m[1]), stdout };
  throw new Error(`not a signals golden file (header: ${JSON.stringify(head.slice(0, 120))})`);
}

function findQemuSystem(): string {
  const env = process.env.QEMU_SYSTEM_AARCH64;
  if (env) return env;
  const bin = join(ROOT, '.cache/qemu10/usr/bin/qemu-system-aarch64');
  if (!existsSync(bin)) execFileSync('bash', [join(ROOT, 'tools/install-qemu10.sh'), join(ROOT, '.cache/qemu10')], { stdio: ['ignore', 'inherit', 'inherit'] });
  return bin;
}

/** Runs the ELF under qemu-aarch64 (user mode): its stdout and how it ended. */
function runQemuUser(elf: Uint8Array, dir: string, name: string): { stdout: Uint8Array; end: ProcessEnd } {
  const path = join(dir, name);
  writeFileSync(path, elf, { mode: 0o755 });
  const r = spawnSync(process.env.QEMU_AARCH64 ?? 'qemu-aarch64', ['-cpu', 'max', path], { timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) throw new Error(`qemu-aarch64: ${r.error.message}`);
  const SIGNALS: Record<string, number> = { SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGALRM: 14, SIGTERM: 15 };
  const end: ProcessEnd = r.signal ? { kind: 'signal', signo: SIGNALS[r.signal] ?? -1 } : decodeWaitStatus((r.status ?? 0) << 8);
  return { stdout: r.stdout, end };
}

const sameEnd = (a: ProcessEnd, b: ProcessEnd): boolean => formatEnd(a) === formatEnd(b);

function main(): void {
  const wanted = process.argv.slice(2);
  const all = signalProgramNames().filter((n) => !isRulesProgram(n));
  for (const n of wanted) if (!all.includes(n)) throw new Error(`no oracle program test/signals/${n}.s (have: ${all.join(', ')})`);
  const names = wanted.length ? wanted : all;
  const qemu = findQemuSystem();
  const kernel = findKernel();
  const tmp = mkdtempSync(join(tmpdir(), 'granule-signals-'));
  const env = { ...process.env, QEMU_MODULE_DIR: tmp };
  try {
    const programs: OracleProgram[] = names.map((name) => ({ name, elf: assembleProgram(signalProgramPath(name)) }));
    const initrd = join(tmp, 'initrd.cpio');
    writeFileSync(initrd, buildInitramfs(assembleProgram(INIT_SOURCE), programs));
    const boots = [0, 1].map(() => {
      const parsed = parseConsole(bootOracle(qemu, env, kernel, initrd).console);
      const problems = [...parsed.errors, ...names.filter((n) => !parsed.runs.has(n)).map((n) => `${n}: did not run`)];
      if (!parsed.done) problems.push('the init did not finish');
      if (problems.length) throw new Error(`the oracle run failed:\n  ${problems.join('\n  ')}`);
      return parsed;
    });
    const differ = names.filter((n) => Buffer.compare(Buffer.from(boots[0].runs.get(n)!.stdout), Buffer.from(boots[1].runs.get(n)!.stdout)) !== 0 || boots[0].runs.get(n)!.status !== boots[1].runs.get(n)!.status);
    if (differ.length) throw new Error(`two boots differ for ${differ.join(', ')}; the programs must be deterministic`);
    const qemuVer = qemuVersion(qemu, env);
    const head = boots[0];
    mkdirSync(SIGNALS_GOLDEN_DIR, { recursive: true });
    for (const p of programs) {
      const run = head.runs.get(p.name)!;
      const q = runQemuUser(p.elf, tmp, p.name);
      const same = Buffer.compare(Buffer.from(q.stdout), Buffer.from(run.stdout)) === 0 && sameEnd(q.end, run.end);
      const header = `# signals-golden kernel=${head.release} debian=${debianVersion(head.version)} qemu=${qemuVer} end=${formatEnd(run.end)} qemu-user=${same ? 'same' : 'differs'} source=sha256:${sourceDigest(signalProgramPath(p.name))}\n`;
      writeFileSync(signalGoldenPath(p.name), Buffer.concat([Buffer.from(header), run.stdout]));
      process.stdout.write(`${p.name}: ${run.stdout.length} bytes, ${formatEnd(run.end)}, qemu-user ${same ? 'same' : 'differs'}\n`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

runAsTool(import.meta.url, 'gen-signals-golden', main);
