// granule's kernel shim against a real arm64 Linux kernel, byte for byte. Each program in
// test/linux/ is assembled by granule's assembler and run in granule's user mode
// (kernel-shim/process.ts createUserProcess, argv = { "/bin/NAME" } and no environment, as the
// oracle's init runs it); its stdout and how it ended (exit status, or the signal that killed
// it) are compared with test/golden/linux/NAME.out, which tools/gen-linux-golden.ts made by
// booting Debian's arm64 6.1 kernel under qemu-system-aarch64 10 with MTE and running the same
// ELF (`npm run gen:linux-golden`; neither is needed to run these tests). On a mismatch the
// message shows the first differing line with the lines before it, then every test section
// ([name] lines) that differs, so one missing feature does not hide the others.
//
// Programs whose features the shim does not have yet fail here; that is expected, and the
// failure says what is missing.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describeDifferences } from './helpers/output-diff.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { BufferSink } from '../emulator/devices/output.js';
import { createUserProcess } from '../kernel-shim/process.js';
import { qemuVersion } from '../tools/gen-virt-golden.js';
import {
  assembleProgram, bootOracle, buildInitramfs, formatEnd, goldenPath, INIT_SOURCE, installedKernel, parseConsole, parseGolden, programArgv0, programNames,
  programPath, ROOT, sourceDigest, type Golden, type ParsedConsole, type ProcessEnd,
} from '../tools/linux-oracle.js';

/** Instruction budget per program (the largest runs a few million). */
const MAX_INSNS = 400_000_000;
const CHUNK = 1 << 24;

export interface UserRun {
  stdout: Uint8Array;
  stderr: Uint8Array;
  end: ProcessEnd | undefined;
  /** Why the run stopped when the process did not end (budget, a host exception, ...). */
  problem?: string;
}

/** Runs a program under granule's kernel shim until the process ends or the budget runs out. */
export function runUser(elf: Uint8Array, argv0: string): UserRun {
  const stdout = new BufferSink();
  const stderr = new BufferSink();
  let problem: string | undefined;
  let end: ProcessEnd | undefined;
  try {
    const { machine, kernel } = createUserProcess(elf, { argv: [argv0], envp: [], stdout, stderr, stdin: () => new Uint8Array(0) });
    for (;;) {
      const left = MAX_INSNS - machine.instructions;
      if (left <= 0) {
        problem = `no end after ${MAX_INSNS} instructions (pc 0x${machine.cpu.pc.toString(16)})`;
        break;
      }
      const r = machine.run(Math.min(left, CHUNK));
      if (r.reason === 'count') continue;
      if (kernel.end?.kind === 'livelock') problem = kernel.end.report;
      else if (kernel.end) end = kernel.end.kind === 'exit' ? { kind: 'exit', status: kernel.end.status } : { kind: 'signal', signo: kernel.end.signo };
      else problem = `the run stopped (${r.reason}) at pc 0x${machine.cpu.pc.toString(16)} without the process ending`;
      break;
    }
  } catch (e) {
    problem = `host exception: ${(e as Error).stack ?? String(e)}`;
  }
  return { stdout: stdout.bytes(), stderr: stderr.bytes(), end, problem };
}


function endText(e: ProcessEnd | undefined): string {
  if (!e) return 'no end';
  return e.kind === 'exit' ? `exit status ${e.status}` : `killed by signal ${e.signo}`;
}

const sameEnd = (a: ProcessEnd | undefined, b: ProcessEnd): boolean =>
  a !== undefined && a.kind === b.kind && (a.kind === 'exit' ? a.status === (b as { status: number }).status : a.signo === (b as { signo: number }).signo);

const names = programNames();
const readGolden = (name: string): Golden | undefined => (existsSync(goldenPath(name)) ? parseGolden(readFileSync(goldenPath(name))) : undefined);

describe('Linux golden programs (Debian arm64 6.1 under QEMU 10 with MTE)', () => {
  it('every program has a golden file', () => {
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => !existsSync(goldenPath(n)))).toEqual([]);
  });

  for (const name of names) {
    describe(name, () => {
      const golden = readGolden(name);

      it('golden file is up to date with the source (npm run gen:linux-golden)', () => {
        expect(golden, `test/golden/linux/${name}.out is missing`).toBeDefined();
        expect(golden!.source, `test/linux/${name}.s (or an include) changed since its golden file was made`).toBe(sourceDigest(programPath(name)));
      });

      it('granule prints what Linux prints and ends the same way', () => {
        expect(golden, `test/golden/linux/${name}.out is missing`).toBeDefined();
        const r = runUser(assembleProgram(programPath(name)), programArgv0(name));
        const problems: string[] = [];
        const diff = describeDifferences(Buffer.from(golden!.stdout).toString('latin1'), Buffer.from(r.stdout).toString('latin1'), 'Linux');
        if (diff) problems.push(diff);
        if (!sameEnd(r.end, golden!.end)) problems.push(`end: Linux ${endText(golden!.end)}, granule ${endText(r.end)}`);
        if (r.problem) problems.push(r.problem);
        if (problems.length && r.stderr.length) problems.push(`granule's stderr:\n${Buffer.from(r.stderr).toString('latin1').slice(0, 2000)}`);
        if (problems.length) expect.fail(`${name}.s: granule differs from Linux ${golden!.kernel}\n${problems.join('\n')}`);
      });
    });
  }
});

// When the oracle kernel (the release the golden files name) and QEMU 10 are installed, boot it
// once with every program and check that the committed files are still what it prints.
const kernel = installedKernel();
const qemu = process.env.QEMU_SYSTEM_AARCH64 ?? join(ROOT, '.cache/qemu10/usr/bin/qemu-system-aarch64');
const releases = new Set(names.map((n) => readGolden(n)?.kernel).filter((k): k is string => k !== undefined));
const release = releases.size === 1 ? [...releases][0] : undefined;
const canBoot = kernel !== undefined && existsSync(qemu) && release !== undefined && basename(kernel) === `vmlinuz-${release}`;
const why = canBoot ? '' : ` (skipped: needs ${release ? `vmlinuz-${release}` : 'one kernel release in the golden files'} in .cache/linux-oracle, tools/install-linux-oracle.sh, and QEMU 10)`;

describe.skipIf(!canBoot)(`golden files are what the kernel prints now${why}`, () => {
  let parsed: ParsedConsole | undefined;
  let version = '';
  beforeAll(() => {
    const tmp = mkdtempSync(join(tmpdir(), 'granule-linux-'));
    try {
      const env = { ...process.env, QEMU_MODULE_DIR: tmp };
      version = qemuVersion(qemu, env);
      const initrd = join(tmp, 'initrd.cpio');
      writeFileSync(initrd, buildInitramfs(assembleProgram(INIT_SOURCE), names.map((name) => ({ name, elf: assembleProgram(programPath(name)) }))));
      parsed = parseConsole(bootOracle(qemu, env, kernel!, initrd).console);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 300_000);

  for (const name of names) {
    it(name, () => {
      const golden = readGolden(name)!;
      expect(parsed!.errors).toEqual([]);
      expect(version).toBe(golden.qemu);
      const run = parsed!.runs.get(name);
      expect(run, `${name} did not run`).toBeDefined();
      expect(formatEnd(run!.end)).toBe(formatEnd(golden.end));
      expect(Buffer.from(run!.stdout).toString('latin1')).toBe(Buffer.from(golden.stdout).toString('latin1'));
    });
  }
});
