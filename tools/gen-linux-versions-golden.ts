// Regenerates test/golden/linux-versions/KERNEL.out: the buffered-write cases of
// test/linux-versions/bufwrite.s (kernel-uaccess.md scenarios 4, 5, 6, 8, 10 and 24) as each
// kernel in .cache/linux-versions/kernels runs them. Every kernel boots under
// qemu-system-aarch64 10 (`-M virt,mte=on -cpu max,sve=off,sme=off`, TCG, the machine of
// tools/linux-oracle.ts) with an initramfs holding the single-kernel oracle's init
// (test/linux/init.s, which mounts a tmpfs on /tmp) and /bin/bufwrite, assembled by granule's
// assembler. bufwrite runs each case in a forked child and reports a case that has not returned
// after 2 s as "livelock size=<file size>" (tools/linux-versions.ts has the file format).
//
// Run: npm run gen:linux-versions-golden [-- KERNEL...]   (every installed kernel by default)
//
// Install the kernels first: tools/install-linux-versions.sh (Debian's packages) and
// tools/build-linux-5.10.sh (upstream 5.10.46 with and without 295cf156231c). QEMU 10 comes from
// .cache/qemu10 (tools/install-qemu10.sh, run when missing) or $QEMU_SYSTEM_AARCH64. Each kernel
// boots twice and both boots must print the same; it fails otherwise. CI does not run this:
// test/linux-versions.test.ts only reads the committed files.

import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { qemuVersion } from './gen-virt-golden.js';
import { assembleProgram, bootAll, buildInitramfs, findQemu, formatEnd, INIT_SOURCE, sourceDigest } from './linux-oracle.js';
import {
  caseNames, formatVersionsGolden, installedKernels, parseCaseLines, selectKernels, VERSIONS_GOLDEN_DIR, VERSIONS_PROGRAM, VERSIONS_PROGRAM_PATH, versionsGoldenPath,
  type InstalledKernel,
} from './linux-versions.js';
import { runAsTool } from './run-tool.js';

const WHO = 'gen-linux-versions-golden';

/** One boot: what bufwrite printed and how it ended, checked for every case. */
function observe(qemu: string, env: NodeJS.ProcessEnv, k: InstalledKernel, initrd: string, cases: string[]): { release: string; version: string; output: string; end: string; ms: number } {
  const { parsed, ms } = bootAll(qemu, env, k.vmlinuz, initrd, [VERSIONS_PROGRAM]);
  const run = parsed.runs.get(VERSIONS_PROGRAM)!;
  const output = Buffer.from(run.stdout).toString('latin1');
  const lines = parseCaseLines(output, `${k.id}: ${VERSIONS_PROGRAM}'s output`);
  const names = [...lines.keys()];
  if (names.join(',') !== cases.join(',')) throw new Error(`${k.id}: the cases printed (${names.join(', ')}) are not the program's (${cases.join(', ')})`);
  for (const l of lines.values()) {
    if (/^(setup failed|clone|wait4)/.test(l.outcome)) throw new Error(`${k.id}: ${l.name}: ${l.outcome}`);
  }
  if (run.console.length) process.stderr.write(`${WHO}: ${k.id}: console lines during the run, e.g. ${JSON.stringify(run.console[0])}\n`);
  return { release: parsed.release, version: parsed.version, output, end: formatEnd(run.end), ms };
}

function main(): void {
  const kernels = selectKernels(process.argv.slice(2));
  const ids = installedKernels().map((k) => k.id);
  const qemu = findQemu(WHO);
  const tmp = mkdtempSync(join(tmpdir(), 'granule-linux-versions-'));
  const moduleDir = join(tmp, 'modules');
  mkdirSync(moduleDir);
  const env = { ...process.env, QEMU_MODULE_DIR: moduleDir };
  try {
    const qemuVer = qemuVersion(qemu, env);
    const cases = caseNames();
    const source = sourceDigest(VERSIONS_PROGRAM_PATH);
    const initrd = join(tmp, 'initrd.cpio');
    writeFileSync(initrd, buildInitramfs(assembleProgram(INIT_SOURCE), [{ name: VERSIONS_PROGRAM, elf: assembleProgram(VERSIONS_PROGRAM_PATH) }]));
    mkdirSync(VERSIONS_GOLDEN_DIR, { recursive: true });
    for (const k of kernels) {
      const a = observe(qemu, env, k, initrd, cases);
      const b = observe(qemu, env, k, initrd, cases);
      if (a.output !== b.output || a.end !== b.end) throw new Error(`${k.id}: two boots differ:\n${a.output}${a.end}\n---\n${b.output}${b.end}`);
      if (a.end !== 'exit:0') throw new Error(`${k.id}: ${VERSIONS_PROGRAM} ended with ${a.end}:\n${a.output}`);
      writeFileSync(
        versionsGoldenPath(k.id),
        formatVersionsGolden({ kernel: k.id, release: a.release, version: a.version, qemu: qemuVer, end: { kind: 'exit', status: 0 }, source, provenance: k.provenance, output: a.output }),
      );
      process.stdout.write(`${k.id}: ${a.release}, boots took ${a.ms} ms and ${b.ms} ms\n${a.output}`);
    }
    for (const f of readdirSync(VERSIONS_GOLDEN_DIR)) {
      if (f.endsWith('.out') && !ids.includes(f.slice(0, -4))) process.stderr.write(`${WHO}: ${f}: that kernel is not installed here (left alone)\n`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

runAsTool(import.meta.url, WHO, main);
