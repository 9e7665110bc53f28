// granule's kernel profiles against the buffered-write behaviour of real kernels of several
// versions (issue 5). test/golden/linux-versions/KERNEL.out is what test/linux-versions/bufwrite.s
// printed on that kernel under qemu-system-aarch64 10 with MTE (tools/gen-linux-versions-golden.ts;
// neither the kernels nor QEMU are needed here). On Linux the program runs each case in a forked
// child and its parent reports a case still inside its syscall after 2 s as
// "livelock size=<file size>". granule's shim has no clone or wait4, so here each case runs
// alone (`bufwrite <case>`) under the profile that stands for the kernel, and its line is what
// that run printed plus what the parent would have added: for a run the livelock watchdog
// stopped (kernel.end.kind === 'livelock', exit status 125), "livelock size=" and the size the
// file reached, read from the shim's tmpfs; for a fatal signal, "killed by signal <n>".
//
// Every expected line comes from the committed observations; the table below only says which
// profile stands for which kernel, and why. Where the kernels and QEMU 10 are installed, the last block boots
// each one and checks that its file is still what it prints.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BufferSink } from '../emulator/devices/output.js';
import { createUserProcess } from '../kernel-shim/process.js';
import { qemuVersion } from '../tools/gen-virt-golden.js';
import { assembleProgram, bootAll, buildInitramfs, INIT_SOURCE, programArgv0, ROOT, sourceDigest } from '../tools/linux-oracle.js';
import {
  caseNames, installedKernels, parseCaseLines, parseVersionsGolden, VERSIONS_GOLDEN_DIR, VERSIONS_PROGRAM, VERSIONS_PROGRAM_PATH, versionsGoldenPath,
  type VersionsGolden,
} from '../tools/linux-versions.js';

/** Instruction budget per case (a case runs a few hundred thousand). */
const MAX_INSNS = 50_000_000;
/** Retry iterations without progress before the shim's watchdog calls it a livelock. */
const LIVELOCK_LIMIT = 1000;

interface KernelMapping {
  profile: string;
}

/**
 * Which profile stands for which kernel. A kernel whose golden file has no entry here fails the
 * test: add one (with the reason) when a kernel is added to tools/install-linux-versions.sh.
 */
const MAPPING: Record<string, KernelMapping> = {
  // Upstream 5.10.46 without 295cf156231c: the fixups that return "nothing copied" when a
  // multi-byte access faults, generic_perform_write() with iov_iter_fault_in_readable() and the
  // single-segment fallback, copy_page_to_iter() without a retry loop: v5.13's code for all of
  // these paths (they changed in v5.14 and v5.16).
  'upstream-5.10.46': { profile: 'linux-5.13' },
  // 5.10.y from 5.10.77 (and 5.10.46 with the backport): 295cf156231c's one-byte retry on top of
  // v5.13's generic_perform_write(), fault_in_pages_readable() and copy_page_to_iter() without
  // the 08aa64796016 loop -- the linux-5.10.y profile, every case.
  'debian-5.10.223': { profile: 'linux-5.10.y' },
  'upstream-5.10.46+295cf156231c': { profile: 'linux-5.10.y' },
  // v5.19 .. v6.13: generic_perform_write() prefaults with the v5.18 rule; linux-5.19 is that
  // (the later changes in these kernels touch none of these paths).
  'debian-6.1': { profile: 'linux-5.19' },
  'debian-6.12': { profile: 'linux-5.19' },
  // 7.x: generic_perform_write() copies first and faults in only after a copy that moved nothing
  // (665575cff098, v6.14).
  'debian-newest': { profile: 'linux-6.14' },
};

/** One case run alone on the shim, as the line the real kernel's harness prints for it. */
function granuleLine(elf: Uint8Array, name: string, profile: string): string {
  const stdout = new BufferSink();
  const stderr = new BufferSink();
  const { machine, kernel } = createUserProcess(elf, {
    argv: [programArgv0(VERSIONS_PROGRAM), name],
    envp: [],
    stdout,
    stderr,
    stdin: () => new Uint8Array(0),
    profile,
    livelockLimit: LIVELOCK_LIMIT,
  });
  while (!kernel.end && machine.instructions < MAX_INSNS) {
    if (machine.run(Math.min(1 << 22, MAX_INSNS - machine.instructions)).reason !== 'count') break;
  }
  let text = Buffer.from(stdout.bytes()).toString('latin1');
  const end = kernel.end;
  if (end?.kind === 'livelock') {
    // What bufwrite's parent prints after SIGKILL: the size the file reached (newfstatat).
    const file = kernel.files.tmp.entries?.get('bufwrite');
    text += `livelock size=${file ? file.size : 'no file'}\n`;
  } else if (end?.kind === 'signal') {
    text += `killed by signal ${end.signo}\n`;
  } else if (end?.kind === 'exit') {
    if (end.status !== 0) text += `exit ${end.status}\n`;
  } else {
    text += `no end after ${machine.instructions} instructions (pc 0x${machine.cpu.pc.toString(16)})\n`;
  }
  const err = Buffer.from(stderr.bytes()).toString('latin1');
  return text + (err ? `[stderr] ${err}` : '');
}

const goldenKernels = existsSync(VERSIONS_GOLDEN_DIR)
  ? readdirSync(VERSIONS_GOLDEN_DIR)
      .filter((f) => f.endsWith('.out'))
      .map((f) => f.slice(0, -4))
      .sort()
  : [];
const cases = caseNames();
const elf = assembleProgram(VERSIONS_PROGRAM_PATH);
const lineCache = new Map<string, string>();
const lineOn = (name: string, profile: string): string => {
  const key = `${profile}\0${name}`;
  if (!lineCache.has(key)) lineCache.set(key, granuleLine(elf, name, profile));
  return lineCache.get(key)!;
};

describe('buffered writes on real kernels of several versions (test/golden/linux-versions)', () => {
  it('has observations, and a profile for every observed kernel', () => {
    expect(goldenKernels.length, 'no test/golden/linux-versions/*.out (npm run gen:linux-versions-golden)').toBeGreaterThan(0);
    expect(goldenKernels.filter((k) => !(k in MAPPING))).toEqual([]);
    expect(Object.keys(MAPPING).filter((k) => !goldenKernels.includes(k)), 'kernels without an observation file').toEqual([]);
  });

  for (const k of goldenKernels) {
    describe(k, () => {
      const golden: VersionsGolden = parseVersionsGolden(readFileSync(versionsGoldenPath(k), 'utf8'), `${k}.out`);
      const observed = parseCaseLines(golden.output, `${k}.out`);
      const mapping = MAPPING[k];

      it('is up to date with the program (npm run gen:linux-versions-golden)', () => {
        expect(golden.kernel).toBe(k);
        expect(golden.source, `test/linux-versions/${VERSIONS_PROGRAM}.s (or rt.s) changed since ${k}.out was made`).toBe(sourceDigest(VERSIONS_PROGRAM_PATH));
        expect([...observed.keys()]).toEqual(cases);
      });

      if (!mapping) return;
      for (const c of cases) {
        it(`${c} on ${mapping.profile} is what ${golden.release} did`, () => {
          const want = observed.get(c);
          expect(want, `${k}.out has no line for ${c}`).toBeDefined();
          const line = lineOn(c, mapping.profile);
          expect(line.trimEnd()).toBe(`${want!.name}: ${want!.description} -> ${want!.outcome}`);
        });
      }
    });
  }
});

// Where a kernel and QEMU 10 are installed (tools/install-linux-versions.sh,
// tools/build-linux-5.10.sh, tools/install-qemu10.sh), boot it once and check that its committed
// observation is still what it prints. Skipped otherwise (CI).
const qemu = process.env.QEMU_SYSTEM_AARCH64 ?? join(ROOT, '.cache/qemu10/usr/bin/qemu-system-aarch64');
const bootable = existsSync(qemu) ? installedKernels().filter((k) => goldenKernels.includes(k.id)) : [];
const skipWhy = bootable.length ? '' : ' (skipped: needs a kernel in .cache/linux-versions/kernels and QEMU 10)';

describe.skipIf(bootable.length === 0)(`observations are what the installed kernels print now${skipWhy}`, () => {
  let env: NodeJS.ProcessEnv = {};
  let initrd = '';
  beforeAll(() => {
    const tmp = mkdtempSync(join(tmpdir(), 'granule-linux-versions-'));
    env = { ...process.env, QEMU_MODULE_DIR: tmp };
    initrd = join(tmp, 'initrd.cpio');
    writeFileSync(initrd, buildInitramfs(assembleProgram(INIT_SOURCE), [{ name: VERSIONS_PROGRAM, elf: assembleProgram(VERSIONS_PROGRAM_PATH) }]));
    return () => rmSync(tmp, { recursive: true, force: true });
  });

  for (const k of bootable) {
    it(k.id, () => {
      const golden = parseVersionsGolden(readFileSync(versionsGoldenPath(k.id), 'utf8'), `${k.id}.out`);
      expect(qemuVersion(qemu, env)).toBe(golden.qemu);
      const { parsed } = bootAll(qemu, env, k.vmlinuz, initrd, [VERSIONS_PROGRAM]);
      expect(parsed.release).toBe(golden.release);
      expect(Buffer.from(parsed.runs.get(VERSIONS_PROGRAM)!.stdout).toString('latin1')).toBe(golden.output);
    }, 120_000);
  }
});
