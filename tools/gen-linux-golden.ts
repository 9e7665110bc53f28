// Regenerates test/golden/linux/NAME.out: what each program test/linux/NAME.s prints on stdout,
// and how it ends, on a real arm64 Linux kernel with MTE: Debian bookworm's 6.1 kernel
// (tools/install-linux-oracle.sh) under qemu-system-aarch64 10 (`-M virt,mte=on -cpu
// max,sve=off,sme=off`), every program in one boot, run by test/linux/init.s from an initramfs
// (tools/linux-oracle.ts). test/linux-golden.test.ts runs the same ELF files in granule's user
// mode and compares byte for byte. A golden file is one header line, then the stdout bytes:
//
//   # linux-golden kernel=6.1.0-56-arm64 debian=6.1.192-2 qemu=10.0.2 end=exit:0 source=sha256:<hex>
//
// end= is exit:<status> or signal:<number> (the program was killed by it). source= hashes the
// program and its includes, so the test notices a stale golden file.
//
// Run: npm run gen:linux-golden [-- NAME...]   (all programs when no name is given; the others'
//      golden files are left alone)
//
// The kernel comes from .cache/linux-oracle (installed by tools/install-linux-oracle.sh when
// missing) or $LINUX_ORACLE_KERNEL; QEMU 10 from .cache/qemu10 (tools/install-qemu10.sh) or
// $QEMU_SYSTEM_AARCH64. The kernel boots twice and both runs must print the same for every
// program (the programs avoid anything that varies between boots); it fails otherwise.

import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { qemuVersion } from './gen-virt-golden.js';
import {
  assembleProgram, bootAll, buildInitramfs, debianVersion, findKernel, findQemu, formatEnd, formatGolden, GOLDEN_DIR, goldenPath, INIT_SOURCE,
  programNames, programPath, sourceDigest, type OracleProgram,
} from './linux-oracle.js';
import { runAsTool } from './run-tool.js';

function main(): void {
  const wanted = process.argv.slice(2);
  const all = programNames();
  for (const n of wanted) if (!all.includes(n)) throw new Error(`no program test/linux/${n}.s (have: ${all.join(', ')})`);
  const names = wanted.length ? wanted : all;
  const qemu = findQemu('gen-linux-golden');
  const kernel = findKernel();
  const tmp = mkdtempSync(join(tmpdir(), 'granule-linux-'));
  const moduleDir = join(tmp, 'modules');
  mkdirSync(moduleDir);
  const env = { ...process.env, QEMU_MODULE_DIR: moduleDir };
  try {
    const qemuVer = qemuVersion(qemu, env);
    const programs: OracleProgram[] = names.map((name) => ({ name, elf: assembleProgram(programPath(name)) }));
    const initrd = join(tmp, 'initrd.cpio');
    writeFileSync(initrd, buildInitramfs(assembleProgram(INIT_SOURCE), programs));
    const a = bootAll(qemu, env, kernel, initrd, names);
    const b = bootAll(qemu, env, kernel, initrd, names);
    const differ: string[] = [];
    for (const n of names) {
      const ra = a.parsed.runs.get(n)!;
      const rb = b.parsed.runs.get(n)!;
      if (ra.status !== rb.status || Buffer.compare(Buffer.from(ra.stdout), Buffer.from(rb.stdout)) !== 0) differ.push(n);
    }
    if (differ.length) throw new Error(`two boots differ for ${differ.join(', ')}; the programs must be deterministic`);
    mkdirSync(GOLDEN_DIR, { recursive: true });
    const kernelRelease = a.parsed.release;
    const debian = debianVersion(a.parsed.version);
    process.stdout.write(`kernel ${kernelRelease} (${a.parsed.version}), QEMU ${qemuVer}; boots took ${a.ms} ms and ${b.ms} ms\n`);
    for (const n of names) {
      const run = a.parsed.runs.get(n)!;
      writeFileSync(goldenPath(n), formatGolden({ kernel: kernelRelease, debian, qemu: qemuVer, end: run.end, source: sourceDigest(programPath(n)), stdout: run.stdout }));
      const noise = run.console.length ? ` (console: ${run.console.length} other lines, e.g. ${JSON.stringify(run.console[0])})` : '';
      process.stdout.write(`${n}: ${run.stdout.length} bytes, ${formatEnd(run.end)}${noise}\n`);
    }
    for (const f of readdirSync(GOLDEN_DIR)) {
      if (f.endsWith('.out') && !all.includes(f.slice(0, -4))) process.stderr.write(`gen-linux-golden: ${f} has no program (remove it?)\n`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

runAsTool(import.meta.url, 'gen-linux-golden', main);
