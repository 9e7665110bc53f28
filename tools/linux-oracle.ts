// A real arm64 Linux kernel as the oracle for granule's kernel shim (../shared/reference/
// oracles.md, "A real Linux kernel as the oracle"). Debian bookworm's arm64 kernel
// (tools/install-linux-oracle.sh) boots under qemu-system-aarch64 10 with mte=on and an
// initramfs built here: /init is test/linux/init.s, and every golden program test/linux/NAME.s is
// /bin/NAME. All of them are assembled by granule's own assembler, so the kernel and granule run
// the same ELF files. The init runs the programs one after the other and prints each one's
// stdout (hex-encoded, so the bytes survive the console) and wait status; parseConsole() turns
// that back into bytes and statuses. tools/gen-linux-golden.ts writes test/golden/linux/NAME.out
// from it; test/linux-golden.test.ts compares granule's user mode with those files.
//
// The initramfs is an uncompressed newc cpio archive, written here (no cpio binary needed):
// /init, /bin/NAME..., /tests (the names, one a line), the directories /bin /dev /tmp /proc /sys and
// the device nodes /dev/console (5,1), /dev/null (1,3) and /dev/zero (1,5).

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assembleProgramAt } from './program-source.js';

/** Repository root (this file runs as dist/tools/linux-oracle.js or tools/linux-oracle.ts). */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

export const ROOT = findRoot();
export const PROGRAM_DIR = join(ROOT, 'test/linux');
export const GOLDEN_DIR = join(ROOT, 'test/golden/linux');
export const INIT_SOURCE = join(PROGRAM_DIR, 'init.s');
/** Where the programs are assembled (granule asm's default, and where Linux loads an ET_EXEC). */
export const USER_BASE = 0x400000n;
/** The initramfs's /init is in test/linux but is not a golden program. */
const INIT_NAME = 'init.s';

/**
 * The machine: QEMU's virt board with MTE, `-cpu max` without SVE and SME (granule implements
 * neither; with them, Linux adds sve_context/za_context records to every signal frame).
 */
export const QEMU_ARGS = ['-M', 'virt,mte=on', '-cpu', 'max,sve=off,sme=off', '-m', '512M', '-nographic', '-nic', 'none', '-audio', 'none', '-no-reboot'];
export const KERNEL_CMDLINE = 'console=ttyAMA0 quiet panic=-1';
const BOOT_TIMEOUT_MS = 900_000;

/**
 * The golden programs: test/linux/*.s by name, except the init and the files other files
 * `.include` (lib.s, shared case tables).
 */
export function programNames(): string[] {
  const files = readdirSync(PROGRAM_DIR).filter((f) => f.endsWith('.s'));
  const included = new Set<string>();
  for (const f of files) {
    for (const m of readFileSync(join(PROGRAM_DIR, f), 'utf8').matchAll(/^\s*\.include\s+"([^"]+)"/gm)) included.add(basename(m[1]));
  }
  return files
    .filter((f) => f !== INIT_NAME && !included.has(f))
    .map((f) => f.slice(0, -2))
    .sort();
}

export function programPath(name: string): string {
  return join(PROGRAM_DIR, `${name}.s`);
}

export function goldenPath(name: string): string {
  return join(GOLDEN_DIR, `${name}.out`);
}

/** argv[0] of a program, on Linux (the init execs /bin/NAME) and in the test. */
export function programArgv0(name: string): string {
  return `/bin/${name}`;
}

export { sourceDigest, sourceFiles } from './program-source.js';

/** Assembles a program with granule's assembler into a static ELF64 executable at 0x400000. */
export function assembleProgram(file: string): Uint8Array {
  return assembleProgramAt(file, USER_BASE);
}

// ---- How a process ended --------------------------------------------------------------------

export type ProcessEnd = { kind: 'exit'; status: number } | { kind: 'signal'; signo: number };

/** A wait status (wait4) as an exit status or a fatal signal (the core-dump bit is dropped). */
export function decodeWaitStatus(status: number): ProcessEnd {
  const sig = status & 0x7f;
  if (sig === 0) return { kind: 'exit', status: (status >> 8) & 0xff };
  return { kind: 'signal', signo: sig };
}

export function formatEnd(e: ProcessEnd): string {
  return e.kind === 'exit' ? `exit:${e.status}` : `signal:${e.signo}`;
}

export function parseEnd(s: string): ProcessEnd {
  const m = /^(exit|signal):(\d+)$/.exec(s);
  if (!m) throw new Error(`not a process end: ${JSON.stringify(s)}`);
  return m[1] === 'exit' ? { kind: 'exit', status: Number(m[2]) } : { kind: 'signal', signo: Number(m[2]) };
}

// ---- Golden files ---------------------------------------------------------------------------

export interface Golden {
  /** uname -r of the oracle kernel, e.g. 6.1.0-56-arm64. */
  kernel: string;
  /** Debian's package version of it, e.g. 6.1.192-2 (from uname -v). */
  debian: string;
  qemu: string;
  end: ProcessEnd;
  source: string;
  stdout: Uint8Array;
}

const HEADER = /^# linux-golden kernel=(\S+) debian=(\S+) qemu=(\S+) end=(\S+) source=sha256:([0-9a-f]{64})\n/;

export function formatGolden(g: Golden): Uint8Array {
  const head = `# linux-golden kernel=${g.kernel} debian=${g.debian} qemu=${g.qemu} end=${formatEnd(g.end)} source=sha256:${g.source}\n`;
  return Buffer.concat([Buffer.from(head), g.stdout]);
}

export function parseGolden(bytes: Uint8Array): Golden {
  const nl = bytes.indexOf(10);
  const head = Buffer.from(bytes.subarray(0, nl + 1)).toString('latin1');
  const m = HEADER.exec(head);
  if (nl < 0 || !m) throw new Error(`not a linux golden file (header: ${JSON.stringify(head.slice(0, 120))})`);
  return { kernel: m[1], debian: m[2], qemu: m[3], end: parseEnd(m[4]), source: m[5], stdout: bytes.subarray(nl + 1) };
}

// ---- newc cpio ------------------------------------------------------------------------------

export interface CpioEntry {
  /** Path inside the archive, without a leading slash ("bin/prog"). */
  name: string;
  /** st_mode: type and permission bits (0o100755, 0o40755, 0o20600, ...). */
  mode: number;
  data?: Uint8Array;
  /** Device number of a character or block special file. */
  rdev?: { major: number; minor: number };
}

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFCHR = 0o020000;
const S_IFREG = 0o100000;

/**
 * An uncompressed "newc" (SVR4, no CRC) cpio archive as the kernel's initramfs unpacker reads it
 * (Documentation/driver-api/early-userspace/buffer-format.rst): per file a 110-byte ASCII header
 * ("070701" and 13 eight-digit hex fields), the NUL-terminated name padded to 4 bytes, the data
 * padded to 4 bytes; the archive ends with the name TRAILER!!!. Times are 0 (deterministic).
 */
export function cpioNewc(entries: CpioEntry[]): Uint8Array {
  const parts: Buffer[] = [];
  let size = 0;
  const push = (b: Buffer): void => {
    parts.push(b);
    size += b.length;
  };
  const pad = (): void => {
    if (size % 4) push(Buffer.alloc(4 - (size % 4)));
  };
  const hex = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');
  const one = (e: CpioEntry, ino: number): void => {
    const data = e.data ?? new Uint8Array(0);
    const name = Buffer.from(e.name + '\0', 'utf8');
    const type = e.mode & S_IFMT;
    const fields = [
      ino,
      e.mode,
      0, // uid
      0, // gid
      type === S_IFDIR ? 2 : 1, // nlink
      0, // mtime
      data.length,
      0, // devmajor
      0, // devminor
      e.rdev?.major ?? 0,
      e.rdev?.minor ?? 0,
      name.length,
      0, // check
    ];
    push(Buffer.from('070701' + fields.map(hex).join(''), 'latin1'));
    push(name);
    pad();
    if (data.length) {
      push(Buffer.from(data));
      pad();
    }
  };
  entries.forEach((e, i) => one(e, i + 1));
  one({ name: 'TRAILER!!!', mode: 0 }, 0);
  return Buffer.concat(parts, size);
}

export interface OracleProgram {
  name: string;
  elf: Uint8Array;
}

/** The initramfs: the init, the programs as /bin/NAME, and /tests listing them in order. */
export function buildInitramfs(init: Uint8Array, programs: OracleProgram[]): Uint8Array {
  const entries: CpioEntry[] = [
    { name: 'bin', mode: S_IFDIR | 0o755 },
    { name: 'dev', mode: S_IFDIR | 0o755 },
    { name: 'dev/console', mode: S_IFCHR | 0o600, rdev: { major: 5, minor: 1 } },
    { name: 'dev/null', mode: S_IFCHR | 0o666, rdev: { major: 1, minor: 3 } },
    { name: 'dev/zero', mode: S_IFCHR | 0o666, rdev: { major: 1, minor: 5 } },
    { name: 'proc', mode: S_IFDIR | 0o755 },
    { name: 'sys', mode: S_IFDIR | 0o755 },
    { name: 'tmp', mode: S_IFDIR | 0o1777 },
    { name: 'init', mode: S_IFREG | 0o755, data: init },
    { name: 'tests', mode: S_IFREG | 0o644, data: Buffer.from(programs.map((p) => p.name + '\n').join('')) },
  ];
  for (const p of programs) {
    if (!/^[A-Za-z0-9._-]+$/.test(p.name)) throw new Error(`program name ${JSON.stringify(p.name)} cannot be a file name`);
    entries.push({ name: `bin/${p.name}`, mode: S_IFREG | 0o755, data: p.elf });
  }
  return cpioNewc(entries);
}

// ---- Running the kernel ---------------------------------------------------------------------

/** The kernel image: $LINUX_ORACLE_KERNEL, or .cache/linux-oracle/boot/vmlinuz-* if installed. */
export function installedKernel(): string | undefined {
  const env = process.env.LINUX_ORACLE_KERNEL;
  if (env) return existsSync(env) ? env : undefined;
  const boot = join(ROOT, '.cache/linux-oracle/boot');
  if (!existsSync(boot)) return undefined;
  const images = readdirSync(boot)
    .filter((f) => f.startsWith('vmlinuz-'))
    .sort();
  return images.length ? join(boot, images[images.length - 1]) : undefined;
}

/** The kernel image, installing it with tools/install-linux-oracle.sh when it is missing. */
export function findKernel(): string {
  const have = installedKernel();
  if (have) return have;
  process.stderr.write('linux-oracle: installing the kernel into .cache/linux-oracle (tools/install-linux-oracle.sh)\n');
  const out = execFileSync('bash', [join(ROOT, 'tools/install-linux-oracle.sh'), join(ROOT, '.cache/linux-oracle')], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  const lines = out.trim().split('\n');
  return lines[lines.length - 1];
}

export interface BootResult {
  /** Everything the console printed (with \r\n as the tty writes it). */
  console: string;
  /** Wall-clock time of the boot and all programs, in milliseconds (for reports only). */
  ms: number;
}

/** Boots the kernel with the initramfs at `initrd` and returns the console output. */
export function bootOracle(qemu: string, env: NodeJS.ProcessEnv, kernel: string, initrd: string, timeoutMs = BOOT_TIMEOUT_MS): BootResult {
  const t0 = Date.now();
  const r = spawnSync(qemu, [...QEMU_ARGS, '-kernel', kernel, '-initrd', initrd, '-append', KERNEL_CMDLINE], {
    env,
    timeout: timeoutMs,
    maxBuffer: 256 << 20,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ms = Date.now() - t0;
  if (r.error && r.status === null && r.signal === null) throw new Error(`QEMU failed: ${r.error.message}`);
  const console = Buffer.from(r.stdout ?? []).toString('latin1');
  if (r.status === null) throw new Error(`QEMU was killed by ${r.signal} after ${ms} ms (timeout ${timeoutMs} ms?); console tail:\n${console.slice(-3000)}\n${r.stderr}`);
  if (r.status !== 0) throw new Error(`QEMU exited with status ${r.status}: ${r.stderr}\nconsole tail:\n${console.slice(-3000)}`);
  return { console, ms };
}

/**
 * qemu-system-aarch64 10: $QEMU_SYSTEM_AARCH64, or .cache/qemu10 (installed there with
 * tools/install-qemu10.sh when missing). `who` prefixes the progress message.
 */
export function findQemu(who: string): string {
  const env = process.env.QEMU_SYSTEM_AARCH64;
  if (env) return env;
  const dir = join(ROOT, '.cache/qemu10');
  const bin = join(dir, 'usr/bin/qemu-system-aarch64');
  if (!existsSync(bin)) {
    process.stderr.write(`${who}: installing QEMU 10 into .cache/qemu10 (tools/install-qemu10.sh)\n`);
    execFileSync('bash', [join(ROOT, 'tools/install-qemu10.sh'), dir], { stdio: ['ignore', 'inherit', 'inherit'] });
  }
  return bin;
}

/** Boots once and checks that every program in `names` ran to its end. */
export function bootAll(qemu: string, env: NodeJS.ProcessEnv, kernel: string, initrd: string, names: string[]): { parsed: ParsedConsole; ms: number; console: string } {
  const r = bootOracle(qemu, env, kernel, initrd);
  const parsed = parseConsole(r.console);
  const problems = [...parsed.errors];
  if (!parsed.done) problems.push('the init did not finish (no @@DONE)');
  for (const n of names) if (!parsed.runs.has(n)) problems.push(`${n}: did not run`);
  for (const [n, run] of parsed.runs) {
    if (run.end.kind === 'exit' && run.end.status === 127) problems.push(`${n}: exit status 127 (execve failed?)`);
    if (run.end.kind === 'signal' && run.end.signo === 14) problems.push(`${n}: killed by SIGALRM (it hung for 30 s)`);
  }
  if (problems.length) throw new Error(`the oracle run failed:\n  ${problems.join('\n  ')}\nconsole tail:\n${r.console.slice(-4000)}`);
  return { parsed, ms: r.ms, console: r.console };
}

export interface OracleRun {
  end: ProcessEnd;
  /** The raw wait status. */
  status: number;
  stdout: Uint8Array;
  /** Console lines printed while the program ran that are not the init's framing: its stderr, or kernel messages. */
  console: string[];
}

export interface ParsedConsole {
  /** uname: release, version, machine. */
  release: string;
  version: string;
  machine: string;
  runs: Map<string, OracleRun>;
  /** @@DONE was printed (every program ran and the init reached power-off). */
  done: boolean;
  errors: string[];
}

/** Reads the init's framed output (see test/linux/init.s) back into bytes and statuses. */
export function parseConsole(text: string): ParsedConsole {
  const out: ParsedConsole = { release: '', version: '', machine: '', runs: new Map(), done: false, errors: [] };
  let cur: { name: string; hex: string[]; console: string[] } | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r+$/, '');
    const at = line.indexOf('@@');
    const msg = at >= 0 ? line.slice(at) : '';
    let m: RegExpExecArray | null;
    if ((m = /^@@UNAME ([^|]*)\|([^|]*)\|(.*)$/.exec(msg))) {
      out.release = m[1];
      out.version = m[2];
      out.machine = m[3];
    } else if ((m = /^@@BEGIN (\S+)$/.exec(msg))) {
      cur = { name: m[1], hex: [], console: [] };
    } else if ((m = /^@@O ([0-9a-f]*)$/.exec(msg)) && cur) {
      cur.hex.push(m[1]);
    } else if ((m = /^@@END (\S+) status=0x([0-9a-f]+) bytes=(\d+)(.*)$/.exec(msg))) {
      if (!cur || cur.name !== m[1]) {
        out.errors.push(`@@END ${m[1]} without its @@BEGIN`);
        continue;
      }
      const stdout = Buffer.from(cur.hex.join(''), 'hex');
      if (stdout.length !== Number(m[3])) out.errors.push(`${m[1]}: ${stdout.length} bytes decoded, the init counted ${m[3]} (a console line was garbled?)`);
      if (m[4]) out.errors.push(`${m[1]}: ${m[4].trim()}`);
      const status = parseInt(m[2], 16);
      out.runs.set(m[1], { end: decodeWaitStatus(status), status, stdout, console: cur.console });
      cur = undefined;
    } else if (msg.startsWith('@@DONE')) {
      out.done = true;
    } else if (msg.startsWith('@@ERROR') || msg.startsWith('@@MOUNT')) {
      out.errors.push(msg);
    } else if (cur && line.trim() !== '') {
      cur.console.push(line);
    }
  }
  if (cur) out.errors.push(`${cur.name}: no @@END (the run stopped inside it)`);
  return out;
}

/** Debian's package version from uname -v ("#1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (...)"). */
export function debianVersion(version: string): string {
  return /Debian (\S+)/.exec(version)?.[1] ?? 'unknown';
}
