// The cycle model against llvm-mca 19 (test/golden/timing/llvm-mca-19.json, written by
// `npm run gen:timing-golden`): the validation kernels' cycles per iteration (mean absolute
// error at most 10% on Cortex-A510 and 15% on Neoverse N2, no kernel worse than 30%, dependent
// single-instruction chains exact), and each instruction form's µops and latency in the
// scheduling tables.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KERNELS, loopSource } from '../bench/timing/kernels.js';
import { measureKernel } from '../bench/timing/measure.js';
import { assemble } from '../isa/asm/assembler.js';
import { decode } from '../isa/decode.js';
import { Cpu } from '../emulator/cpu.js';
import { PhysMem } from '../mmu/physmem.js';
import { resolveTimingConfig, type CpuName } from '../emulator/timing/config.js';
import { TimingModel } from '../emulator/timing/model.js';

interface Golden {
  kernels: Record<string, Partial<Record<CpuName, { cyclesPerIteration: number }>>>;
  instructions: Record<string, Record<CpuName, { uops: number; latency: number; rthroughput: number } | null>>;
}

const GOLDEN = JSON.parse(readFileSync(new URL('./golden/timing/llvm-mca-19.json', import.meta.url), 'utf8')) as Golden;
const LIMITS: Record<CpuName, number> = { 'cortex-a510': 0.1, 'neoverse-n2': 0.15 };

describe.each(['cortex-a510', 'neoverse-n2'] as CpuName[])('validation kernels on %s against llvm-mca 19', (cpu) => {
  const rows = KERNELS.filter((k) => k.cpus.includes(cpu)).map((k) => {
    const ref = GOLDEN.kernels[k.name]?.[cpu]?.cyclesPerIteration;
    if (ref === undefined) throw new Error(`${k.name}: no golden data for ${cpu} (npm run gen:timing-golden)`);
    return { k, ref, got: measureKernel(k, cpu).cyclesPerIteration };
  });

  it('covers every kernel the golden file has', () => {
    const names = Object.entries(GOLDEN.kernels).filter(([, v]) => v[cpu] !== undefined).map(([n]) => n);
    expect(rows.map((r) => r.k.name).sort()).toEqual(names.sort());
  });

  it(`has a mean absolute error of at most ${LIMITS[cpu] * 100}% and no kernel worse than 30%`, () => {
    const errors = rows.map((r) => Math.abs(r.got - r.ref) / r.ref);
    const mae = errors.reduce((a, b) => a + b, 0) / errors.length;
    expect(mae).toBeLessThanOrEqual(LIMITS[cpu]);
    for (const [i, r] of rows.entries()) expect({ kernel: r.k.name, error: errors[i] <= 0.3 }).toEqual({ kernel: r.k.name, error: true });
  });

  it('times dependent single-instruction chains exactly', () => {
    for (const r of rows.filter((x) => x.k.chain)) expect({ kernel: r.k.name, cycles: r.got }).toEqual({ kernel: r.k.name, cycles: r.ref });
  });
});

describe('scheduling tables against llvm-mca 19 Instruction Info', () => {
  const word = (text: string): number => {
    const { image, errors } = assemble(`${text}\n`, { base: 0x400000n });
    if (!image) throw new Error(errors.map((e) => e.format()).join('; '));
    const b = image.segments[0].data;
    return (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
  };
  it.each(['cortex-a510', 'neoverse-n2'] as CpuName[])('%s: µops and latency of every form llvm-mca times', (cpu) => {
    const model = new TimingModel(resolveTimingConfig(cpu), new Cpu(), new PhysMem(0x40000000, 1 << 20));
    let compared = 0;
    for (const [text, row] of Object.entries(GOLDEN.instructions)) {
      const ref = row[cpu];
      if (!ref) continue;
      const w = word(text);
      const d = model.describe(w, decode(w));
      expect({ text, uops: d.uops, latency: d.lat }).toEqual({ text, uops: ref.uops, latency: ref.latency });
      compared++;
    }
    expect(compared).toBeGreaterThan(150);
  });

  it('has golden loops that are what the kernels assemble to', () => {
    for (const k of KERNELS) expect(assemble(loopSource(k), { base: 0x400000n }).errors).toEqual([]);
  });
});
