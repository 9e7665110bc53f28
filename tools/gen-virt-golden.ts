// Regenerates test/golden/virt/NAME.out: what QEMU 10 system mode prints on the PL011 UART, and
// the semihosting exit status, for each bare-metal program test/virt/NAME.s. Each program is
// assembled by granule's own assembler (`--base 0x40000000`, as `granule asm` does) so QEMU and
// granule run the same ELF; test/virt-golden.test.ts runs it in granule and compares byte for
// byte. A golden file is one header line, then the UART bytes exactly:
//
//   # virt-golden qemu=10.0.2 exit=0 source=sha256:<hex of the program and its includes>
//
// Run: npm run gen:virt-golden [-- NAME...]        (all programs when no name is given)
//
// QEMU 10 comes from tools/install-qemu10.sh (run by this script when .cache/qemu10 lacks it), or
// from $QEMU_SYSTEM_AARCH64. Each program runs twice and must print the same both times. The
// semihosting console (SYS_WRITE0) goes to QEMU's stderr, so the programs print through the UART.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { assembleProgramAt, sourceDigest } from './program-source.js';
import { runAsTool } from './run-tool.js';

/** Repository root (this file runs as dist/tools/gen-virt-golden.js or tools/gen-virt-golden.ts). */
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
export const PROGRAM_DIR = join(ROOT, 'test/virt');
export const GOLDEN_DIR = join(ROOT, 'test/golden/virt');
export const VIRT_BASE = 0x40000000n;
/** Files in test/virt that are included by programs, not programs themselves. */
const LIBRARIES = new Set(['lib.s']);

export const QEMU_ARGS = ['-M', 'virt,mte=on', '-cpu', 'max', '-m', '128M', '-nographic', '-nic', 'none', '-audio', 'none', '-semihosting'];
const QEMU_TIMEOUT_MS = 60_000;

/** The golden programs: test/virt/*.s except the shared runtime, by name. */
export function programNames(): string[] {
  return readdirSync(PROGRAM_DIR)
    .filter((f) => f.endsWith('.s') && !LIBRARIES.has(f))
    .map((f) => f.slice(0, -2))
    .sort();
}

export function programPath(name: string): string {
  return join(PROGRAM_DIR, `${name}.s`);
}

export function goldenPath(name: string): string {
  return join(GOLDEN_DIR, `${name}.out`);
}

export { sourceDigest, sourceFiles } from './program-source.js';

/** Assembles a program with granule's assembler into an ELF64 executable at VIRT_BASE. */
export function assembleProgram(file: string): Uint8Array {
  return assembleProgramAt(file, VIRT_BASE);
}

export interface Golden {
  qemu: string;
  exit: number;
  source: string;
  /** The UART bytes. */
  uart: Uint8Array;
}

const HEADER = /^# virt-golden qemu=(\S+) exit=(\d+) source=sha256:([0-9a-f]{64})\n/;

export function formatGolden(g: Golden): Uint8Array {
  const head = Buffer.from(`# virt-golden qemu=${g.qemu} exit=${g.exit} source=sha256:${g.source}\n`);
  return Buffer.concat([head, g.uart]);
}

export function parseGolden(bytes: Uint8Array): Golden {
  const nl = bytes.indexOf(10);
  const head = Buffer.from(bytes.subarray(0, nl + 1)).toString('latin1');
  const m = HEADER.exec(head);
  if (nl < 0 || !m) throw new Error(`not a virt golden file (header: ${JSON.stringify(head.slice(0, 100))})`);
  return { qemu: m[1], exit: Number(m[2]), source: m[3], uart: bytes.subarray(nl + 1) };
}

// ---- QEMU -----------------------------------------------------------------------------------

function findQemu(): string {
  const env = process.env.QEMU_SYSTEM_AARCH64;
  if (env) return env;
  const dir = join(ROOT, '.cache/qemu10');
  const bin = join(dir, 'usr/bin/qemu-system-aarch64');
  if (!existsSync(bin)) {
    process.stderr.write('gen-virt-golden: installing QEMU 10 into .cache/qemu10 (tools/install-qemu10.sh)\n');
    execFileSync('bash', [join(ROOT, 'tools/install-qemu10.sh'), dir], { stdio: ['ignore', 'inherit', 'inherit'] });
  }
  return bin;
}

/** QEMU 10 if it is already installed ($QEMU_SYSTEM_AARCH64 or .cache/qemu10), else undefined. */
export function installedQemu(): string | undefined {
  const bin = process.env.QEMU_SYSTEM_AARCH64 ?? join(ROOT, '.cache/qemu10/usr/bin/qemu-system-aarch64');
  return existsSync(bin) ? bin : undefined;
}

export function qemuVersion(qemu: string, env: NodeJS.ProcessEnv): string {
  const out = execFileSync(qemu, ['--version'], { env, encoding: 'utf8' });
  const m = /QEMU emulator version (\d+\.\d+\.\d+)/.exec(out);
  if (!m) throw new Error(`cannot read the version of ${qemu}: ${out}`);
  if (!m[1].startsWith('10.')) throw new Error(`${qemu} is QEMU ${m[1]}; the golden files come from QEMU 10 (tools/install-qemu10.sh)`);
  return m[1];
}

export function runQemu(qemu: string, env: NodeJS.ProcessEnv, elf: string): { uart: Uint8Array; exit: number } {
  const r = spawnSync(qemu, [...QEMU_ARGS, '-kernel', elf], { env, timeout: QEMU_TIMEOUT_MS, maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) throw new Error(`${elf}: QEMU failed: ${r.error.message}`);
  if (r.status === null) throw new Error(`${elf}: QEMU was killed by ${r.signal} (timeout ${QEMU_TIMEOUT_MS} ms?)\n${r.stderr}`);
  return { uart: new Uint8Array(r.stdout), exit: r.status };
}

function main(): void {
  const names = process.argv.slice(2);
  const all = programNames();
  for (const n of names) if (!all.includes(n)) throw new Error(`no program test/virt/${n}.s (have: ${all.join(', ')})`);
  const qemu = findQemu();
  const tmp = mkdtempSync(join(tmpdir(), 'granule-virt-'));
  const moduleDir = join(tmp, 'modules');
  mkdirSync(moduleDir);
  const env = { ...process.env, QEMU_MODULE_DIR: moduleDir };
  try {
    const version = qemuVersion(qemu, env);
    mkdirSync(GOLDEN_DIR, { recursive: true });
    for (const name of names.length ? names : all) {
      const src = programPath(name);
      const elf = join(tmp, `${name}.elf`);
      writeFileSync(elf, assembleProgram(src));
      const a = runQemu(qemu, env, elf);
      const b = runQemu(qemu, env, elf);
      if (a.exit !== b.exit || Buffer.compare(Buffer.from(a.uart), Buffer.from(b.uart)) !== 0) {
        throw new Error(`${name}: two QEMU runs differ; the program must be deterministic`);
      }
      writeFileSync(goldenPath(name), formatGolden({ qemu: version, exit: a.exit, source: sourceDigest(src), uart: a.uart }));
      process.stdout.write(`${name}: ${a.uart.length} bytes, exit ${a.exit}\n`);
    }
    // Golden files whose program is gone.
    for (const f of readdirSync(GOLDEN_DIR)) {
      if (f.endsWith('.out') && !all.includes(f.slice(0, -4))) process.stderr.write(`gen-virt-golden: ${f} has no program (remove it?)\n`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

runAsTool(import.meta.url, 'gen-virt-golden', main);
