// `npm run bench:timing`: the cycle model's accuracy report. Runs every validation kernel
// (kernels.ts) on both profiles, prints granule's cycles per iteration beside llvm-mca 19's
// (test/golden/timing/llvm-mca-19.json) with the error table, the copy cycles per byte of the
// kernel shim's two uaccess paths, and writes the plot bench/timing-accuracy.svg (granule against
// llvm-mca per kernel, log-log). `--no-copy` skips the copy table; `--svg FILE` writes elsewhere.

import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CpuName } from '../../emulator/timing/config.js';
import { KERNELS } from './kernels.js';
import { measureKernel } from './measure.js';
import { COPY_SIZES, copyCycles } from './copy-cycles.js';

const ROOT = new URL('../../../', import.meta.url);
const GOLDEN = new URL('test/golden/timing/llvm-mca-19.json', ROOT);
const CPUS: CpuName[] = ['cortex-a510', 'neoverse-n2'];

interface Row {
  kernel: string;
  what: string;
  cpu: CpuName;
  mca: number;
  granule: number;
  error: number;
  chain: boolean;
}

function measureAll(): Row[] {
  const golden = JSON.parse(readFileSync(GOLDEN, 'utf8')) as { kernels: Record<string, Partial<Record<CpuName, { cyclesPerIteration: number }>>> };
  const rows: Row[] = [];
  for (const k of KERNELS) {
    for (const cpu of k.cpus) {
      const mca = golden.kernels[k.name]?.[cpu]?.cyclesPerIteration;
      if (mca === undefined) throw new Error(`${k.name}: no llvm-mca data for ${cpu} (npm run gen:timing-golden)`);
      const granule = measureKernel(k, cpu).cyclesPerIteration;
      rows.push({ kernel: k.name, what: k.what, cpu, mca, granule, error: (granule - mca) / mca, chain: k.chain === true });
    }
  }
  return rows;
}

/** Spearman's rank correlation. */
function spearman(a: number[], b: number[]): number {
  const rank = (v: number[]): number[] => {
    const order = v.map((x, i) => [x, i] as const).sort((p, q) => p[0] - q[0]);
    const r = new Array<number>(v.length);
    for (let i = 0; i < order.length; ) {
      let j = i;
      while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
      for (let k = i; k <= j; k++) r[order[k][1]] = (i + j) / 2;
      i = j + 1;
    }
    return r;
  };
  const ra = rank(a);
  const rb = rank(b);
  const mean = (ra.length - 1) / 2;
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < ra.length; i++) {
    num += (ra[i] - mean) * (rb[i] - mean);
    da += (ra[i] - mean) ** 2;
    db += (rb[i] - mean) ** 2;
  }
  return num / Math.sqrt(da * db);
}

export interface Summary {
  cpu: CpuName;
  kernels: number;
  mae: number;
  worst: number;
  chainsExact: boolean;
  spearman: number;
}

export function summarize(rows: Row[]): Summary[] {
  return CPUS.map((cpu) => {
    const r = rows.filter((x) => x.cpu === cpu);
    return {
      cpu,
      kernels: r.length,
      mae: r.reduce((s, x) => s + Math.abs(x.error), 0) / r.length,
      worst: Math.max(...r.map((x) => Math.abs(x.error))),
      chainsExact: r.filter((x) => x.chain).every((x) => x.granule === x.mca),
      spearman: spearman(r.map((x) => x.mca), r.map((x) => x.granule)),
    };
  });
}

function table(rows: Row[]): string {
  const fmt = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(3));
  const lines = ['kernel                  cpu           llvm-mca   granule    error', '-'.repeat(66)];
  for (const r of rows) {
    lines.push(`${r.kernel.padEnd(24)}${r.cpu.padEnd(12)}${fmt(r.mca).padStart(10)}${fmt(r.granule).padStart(10)}${`${(100 * r.error).toFixed(1)}%`.padStart(9)}${r.chain ? '  chain' : ''}`);
  }
  return lines.join('\n');
}

/** The plot: granule's cycles per iteration against llvm-mca's, log-log, one dot per kernel and profile. */
export function svgPlot(rows: Row[], summaries: Summary[]): string {
  const W = 760;
  const H = 560;
  const m = { l: 70, r: 200, t: 50, b: 60 };
  const values = rows.flatMap((r) => [r.mca, r.granule]);
  const lo = Math.floor(Math.log10(Math.min(...values)) * 2) / 2;
  const hi = Math.ceil(Math.log10(Math.max(...values)) * 2) / 2;
  const px = (v: number): number => m.l + ((Math.log10(v) - lo) / (hi - lo)) * (W - m.l - m.r);
  const py = (v: number): number => H - m.b - ((Math.log10(v) - lo) / (hi - lo)) * (H - m.t - m.b);
  const colour: Record<CpuName, string> = { 'cortex-a510': '#1f77b4', 'neoverse-n2': '#d62728' };
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${W / 2 - 60}" y="24" text-anchor="middle" font-size="15">granule vs llvm-mca 19: cycles per loop iteration</text>`);
  // Grid and axes (decades and half-decades).
  for (let e = lo; e <= hi + 1e-9; e += 0.5) {
    const v = 10 ** e;
    const label = v >= 10 ? v.toFixed(0) : v.toFixed(1);
    out.push(`<line x1="${px(v)}" y1="${m.t}" x2="${px(v)}" y2="${H - m.b}" stroke="#ddd"/>`);
    out.push(`<line x1="${m.l}" y1="${py(v)}" x2="${W - m.r}" y2="${py(v)}" stroke="#ddd"/>`);
    out.push(`<text x="${px(v)}" y="${H - m.b + 16}" text-anchor="middle">${label}</text>`);
    out.push(`<text x="${m.l - 8}" y="${py(v) + 4}" text-anchor="end">${label}</text>`);
  }
  const a = 10 ** lo;
  const b = 10 ** hi;
  // The ±10% band and the diagonal.
  out.push(`<polygon points="${px(a)},${py(a * 1.1)} ${px(b / 1.1)},${py(b)} ${px(b)},${py(b)} ${px(b)},${py(b * 0.9)} ${px(a)},${py(a * 0.9)}" fill="#eee" opacity="0.8"/>`);
  out.push(`<line x1="${px(a)}" y1="${py(a)}" x2="${px(b)}" y2="${py(b)}" stroke="#888" stroke-dasharray="4 3"/>`);
  out.push(`<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 18}" text-anchor="middle">llvm-mca 19 (cycles / iteration)</text>`);
  out.push(`<text x="18" y="${(m.t + H - m.b) / 2}" text-anchor="middle" transform="rotate(-90 18 ${(m.t + H - m.b) / 2})">granule (cycles / iteration)</text>`);
  for (const r of rows) {
    const shape = r.cpu === 'cortex-a510' ? `<circle cx="${px(r.mca)}" cy="${py(r.granule)}" r="4.5"` : `<rect x="${px(r.mca) - 4}" y="${py(r.granule) - 4}" width="8" height="8"`;
    out.push(`${shape} fill="${colour[r.cpu]}" fill-opacity="0.65" stroke="${colour[r.cpu]}"><title>${r.kernel} (${r.cpu}): llvm-mca ${r.mca}, granule ${r.granule.toFixed(3)}, ${(100 * r.error).toFixed(1)}%</title>${r.cpu === 'cortex-a510' ? '</circle>' : '</rect>'}`);
  }
  // Legend with the summary figures.
  let y = m.t + 10;
  for (const s of summaries) {
    const c = colour[s.cpu];
    out.push(s.cpu === 'cortex-a510' ? `<circle cx="${W - m.r + 20}" cy="${y}" r="5" fill="${c}" fill-opacity="0.65" stroke="${c}"/>` : `<rect x="${W - m.r + 15}" y="${y - 5}" width="10" height="10" fill="${c}" fill-opacity="0.65" stroke="${c}"/>`);
    out.push(`<text x="${W - m.r + 32}" y="${y + 4}">${s.cpu}</text>`);
    out.push(`<text x="${W - m.r + 32}" y="${y + 20}" fill="#444">${s.kernels} kernels</text>`);
    out.push(`<text x="${W - m.r + 32}" y="${y + 36}" fill="#444">mean |error| ${(100 * s.mae).toFixed(2)}%</text>`);
    out.push(`<text x="${W - m.r + 32}" y="${y + 52}" fill="#444">worst ${(100 * s.worst).toFixed(1)}%</text>`);
    y += 80;
  }
  out.push(`<line x1="${W - m.r + 12}" y1="${y}" x2="${W - m.r + 28}" y2="${y}" stroke="#888" stroke-dasharray="4 3"/><text x="${W - m.r + 32}" y="${y + 4}">equal</text>`);
  out.push(`<rect x="${W - m.r + 12}" y="${y + 12}" width="16" height="10" fill="#eee"/><text x="${W - m.r + 32}" y="${y + 21}">±10%</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function main(): void {
  const args = process.argv.slice(2);
  const svgAt = args.includes('--svg') ? args[args.indexOf('--svg') + 1] : fileURLToPath(new URL('bench/timing-accuracy.svg', ROOT));
  const rows = measureAll();
  const summaries = summarize(rows);
  process.stdout.write(`Cycle model vs llvm-mca 19 (steady-state cycles per iteration of each validation kernel)\n\n${table(rows)}\n\n`);
  for (const s of summaries) {
    process.stdout.write(
      `${s.cpu}: ${s.kernels} kernels, mean absolute error ${(100 * s.mae).toFixed(2)}%, worst ${(100 * s.worst).toFixed(1)}%, ` +
        `dependent chains ${s.chainsExact ? 'exact' : 'NOT exact'}, Spearman ${s.spearman.toFixed(3)}\n`,
    );
  }
  if (!args.includes('--no-copy')) {
    process.stdout.write('\ncopy_{from,to}_user cycles per byte (sync tag checks): instruction-level routine vs the typed-array path charged through the timing API\n\n');
    process.stdout.write('cpu           direction        size  routine  typed-array    diff\n' + '-'.repeat(66) + '\n');
    for (const cpu of CPUS) {
      for (const direction of ['from-user', 'to-user'] as const) {
        for (const size of COPY_SIZES) {
          const r = copyCycles(cpu, direction, size);
          process.stdout.write(
            `${cpu.padEnd(14)}${direction.padEnd(12)}${String(size).padStart(9)}${r.instruction.toFixed(3).padStart(9)}${r.typedArray.toFixed(3).padStart(13)}${`${((100 * (r.typedArray - r.instruction)) / r.instruction).toFixed(1)}%`.padStart(8)}\n`,
          );
        }
      }
    }
  }
  writeFileSync(svgAt, svgPlot(rows, summaries));
  process.stdout.write(`\nwrote ${svgAt}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
