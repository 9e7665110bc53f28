// The buffered-write observations on several real kernels (issue 5): shared by
// tools/gen-linux-versions-golden.ts, which boots each kernel under QEMU 10 and writes
// test/golden/linux-versions/KERNEL.out, and test/linux-versions.test.ts, which compares
// granule's kernel shim with those files.
//
// The program is test/linux-versions/bufwrite.s (with rt.s), run by the single-kernel oracle's
// init (test/linux/init.s, tools/linux-oracle.ts) as /bin/bufwrite. It prints one line per case,
// "<name>: <description> -> <outcome>"; a golden file is a header of "# " lines, then exactly
// what the program printed:
//
//   # linux-versions kernel=<KERNEL> release=<uname -r> qemu=<version> end=exit:0 source=sha256:<hex>
//   # uname-v <uname -v>
//   # provenance <key>=<value>          (one line per line of KERNEL/provenance)
//   s4-write: sync write p+14 len=8 bad=[16,32) -> result=2 size=2 data=ok
//
// The kernels live in .cache/linux-versions/kernels/KERNEL/{vmlinuz,config,provenance}
// ($LINUX_VERSIONS_KERNELS overrides the folder): Debian's packages (tools/install-linux-versions.sh)
// and upstream 5.10.46 with and without 295cf156231c (tools/build-linux-5.10.sh).

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatEnd, parseEnd, ROOT, type ProcessEnd } from './linux-oracle.js';

export const VERSIONS_PROGRAM_DIR = join(ROOT, 'test/linux-versions');
export const VERSIONS_GOLDEN_DIR = join(ROOT, 'test/golden/linux-versions');
/** The one program: its name is /bin/NAME in the initramfs and its argv[0]. */
export const VERSIONS_PROGRAM = 'bufwrite';
export const VERSIONS_PROGRAM_PATH = join(VERSIONS_PROGRAM_DIR, `${VERSIONS_PROGRAM}.s`);

export function kernelsDir(): string {
  return process.env.LINUX_VERSIONS_KERNELS ?? join(ROOT, '.cache/linux-versions/kernels');
}

export function versionsGoldenPath(kernel: string): string {
  return join(VERSIONS_GOLDEN_DIR, `${kernel}.out`);
}

/** The case names of bufwrite.s, in table order (its `CASE "<name>", ...` lines). */
export function caseNames(): string[] {
  const names = [...readFileSync(VERSIONS_PROGRAM_PATH, 'utf8').matchAll(/^\s*CASE\s+"([^"]+)"/gm)].map((m) => m[1]);
  if (names.length === 0) throw new Error(`${VERSIONS_PROGRAM_PATH}: no CASE lines`);
  return names;
}

export interface InstalledKernel {
  /** The folder's name: debian-6.1, upstream-5.10.46+295cf156231c, ... */
  id: string;
  vmlinuz: string;
  /** KERNEL/provenance as key=value pairs, in file order. */
  provenance: [string, string][];
}

/** Reads a provenance file (key=value lines). */
export function readProvenance(file: string): [string, string][] {
  const out: [string, string][] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`${file}: not a key=value line: ${JSON.stringify(line)}`);
    out.push([line.slice(0, eq), line.slice(eq + 1)]);
  }
  return out;
}

/** Every kernel in kernelsDir() that has a vmlinuz and a provenance file, by name. */
/** The installed kernels a generator's command line names (all of them when it names none). */
export function selectKernels(wanted: string[]): InstalledKernel[] {
  const all = installedKernels();
  if (all.length === 0) throw new Error(`no kernels in ${kernelsDir()} (run tools/install-linux-versions.sh and tools/build-linux-5.10.sh)`);
  const ids = all.map((k) => k.id);
  for (const w of wanted) if (!ids.includes(w)) throw new Error(`no kernel ${w} in ${kernelsDir()} (have: ${ids.join(', ')})`);
  return wanted.length ? all.filter((k) => wanted.includes(k.id)) : all;
}

export function installedKernels(): InstalledKernel[] {
  const dir = kernelsDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((id) => !id.startsWith('.') && existsSync(join(dir, id, 'vmlinuz')) && existsSync(join(dir, id, 'provenance')))
    .sort()
    .map((id) => ({ id, vmlinuz: join(dir, id, 'vmlinuz'), provenance: readProvenance(join(dir, id, 'provenance')) }));
}

// ---- Golden files ---------------------------------------------------------------------------

export interface VersionsGolden {
  /** The kernel's folder name. */
  kernel: string;
  /** uname -r. */
  release: string;
  /** uname -v. */
  version: string;
  qemu: string;
  /** How the harness itself ended. */
  end: ProcessEnd;
  /** sourceDigest() of bufwrite.s and its includes. */
  source: string;
  provenance: [string, string][];
  /** What the program printed. */
  output: string;
}

const HEADER = /^# linux-versions kernel=(\S+) release=(\S+) qemu=(\S+) end=(\S+) source=sha256:([0-9a-f]{64})$/;

export function formatVersionsGolden(g: VersionsGolden): string {
  const head = [
    `# linux-versions kernel=${g.kernel} release=${g.release} qemu=${g.qemu} end=${formatEnd(g.end)} source=sha256:${g.source}`,
    `# uname-v ${g.version}`,
    ...g.provenance.map(([k, v]) => `# provenance ${k}=${v}`),
  ];
  return head.join('\n') + '\n' + g.output;
}

export function parseVersionsGolden(text: string, file = 'golden file'): VersionsGolden {
  const lines = text.split('\n');
  const m = HEADER.exec(lines[0]);
  if (!m) throw new Error(`${file}: not a linux-versions golden file (first line ${JSON.stringify(lines[0].slice(0, 120))})`);
  const g: VersionsGolden = { kernel: m[1], release: m[2], qemu: m[3], end: parseEnd(m[4]), source: m[5], version: '', provenance: [], output: '' };
  let i = 1;
  for (; i < lines.length && lines[i].startsWith('# '); i++) {
    const line = lines[i];
    let h: RegExpExecArray | null;
    if ((h = /^# uname-v (.*)$/.exec(line))) g.version = h[1];
    else if ((h = /^# provenance ([^=]+)=(.*)$/.exec(line))) g.provenance.push([h[1], h[2]]);
    else throw new Error(`${file}: unknown header line ${JSON.stringify(line)}`);
  }
  g.output = lines.slice(i).join('\n');
  return g;
}

/** One case's line: "<name>: <description> -> <outcome>". */
export interface CaseLine {
  name: string;
  description: string;
  outcome: string;
}

/** Splits bufwrite's output into its case lines, by name; anything else is an error. */
export function parseCaseLines(output: string, file = 'output'): Map<string, CaseLine> {
  const out = new Map<string, CaseLine>();
  for (const line of output.split('\n')) {
    if (line === '') continue;
    const m = /^([A-Za-z0-9-]+): (.*?) -> (.*)$/.exec(line);
    if (!m) throw new Error(`${file}: not a case line: ${JSON.stringify(line)}`);
    if (out.has(m[1])) throw new Error(`${file}: case ${m[1]} appears twice`);
    out.set(m[1], { name: m[1], description: m[2], outcome: m[3] });
  }
  return out;
}
