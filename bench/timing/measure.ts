// Runs a validation kernel (kernels.ts) in granule with a CPU profile and measures its cycles
// per iteration in the steady state: the program sets up registers and memory, runs to the
// loop, warms it up (caches, TLBs, predictor), then the cycles between two iteration boundaries
// are divided by the iterations between them.

import { assemble } from '../../isa/asm/assembler.js';
import { writeElfExecutable } from '../../isa/asm/elf-writer.js';
import { BufferSink } from '../../emulator/devices/output.js';
import { createVirtMachine, VIRT_RAM_BASE } from '../../emulator/devices/virt.js';
import { loadElfPhysical } from '../../emulator/loader/load.js';
import { resolveTimingConfig, type CpuName, type TimingConfig } from '../../emulator/timing/config.js';
import type { Machine } from '../../emulator/machine.js';
import { loopLength, loopSource, type TimingKernel } from './kernels.js';

/**
 * MMU on with the first GiB of RAM identity-mapped as one block of Tagged Normal memory (MAIR
 * attribute 0xF0), TBI0, and SCTLR_EL1.ATA with the tag check mode TCF (1: synchronous, 2:
 * asynchronous, 3: asymmetric) at EL1.
 */
export const mteOn = (tcf: number): string => `
  adr x0, l1_table
  movz x1, #0x0701
  movk x1, #0x4000, lsl #16
  str x1, [x0, #8]
  msr ttbr0_el1, x0
  mov x1, #0xf0
  msr mair_el1, x1
  ldr x1, =(25 | (1 << 23) | (5 << 32) | (1 << 37))
  msr tcr_el1, x1
  isb
  mrs x2, sctlr_el1
  ldr x1, =(1 | (1 << 2) | (1 << 12) | (1 << 43) | (${tcf} << 40))
  orr x1, x1, x2
  msr sctlr_el1, x1
  isb
`;

/** The whole bare-metal program for a kernel: set-up, the loop, data. */
export function kernelProgram(k: TimingKernel): string {
  return [
    '.text',
    '_start:',
    k.mte ? mteOn(1) : '',
    '  adr x0, buf',
    '  adr x1, buf2',
    '  str x0, [x0]', // pointer chasing: [buf] = buf
    '  mov x9, #-4097', // ~0x1000: keeps a post-incremented pointer inside a 4 KiB window
    '  mov x10, x9',
    '  mov x11, #12345',
    '  mov x12, #7',
    '  mov x13, #0',
    '  mov x3, #3',
    '  mov x4, #5',
    '  movz x2, #0x7fff, lsl #16', // the loop counter: never reaches 0 while measured
    ...(k.setup ?? []).map((l) => `  ${l}`),
    loopSource(k),
    '  b .',
    '.ltorg',
    '.data',
    '.balign 8192',
    'buf: .zero 16384',
    'buf2: .zero 16384',
    '.balign 4096',
    'l1_table: .zero 4096',
  ].join('\n');
}

export interface KernelMeasurement {
  cyclesPerIteration: number;
  instructionsPerIteration: number;
  machine: Machine;
}

export const WARMUP_ITERATIONS = 300;
export const MEASURED_ITERATIONS = 1000;

/** Builds the machine for kernel `k` with timing `config`, stopped at the loop's first instruction. */
export function kernelMachine(k: TimingKernel, config: TimingConfig): Machine {
  const { errors, image } = assemble(kernelProgram(k), { file: `${k.name}.s`, base: BigInt(VIRT_RAM_BASE) });
  if (!image) throw new Error(`${k.name}: ${errors.map((e) => e.format()).join('; ')}`);
  const out = new BufferSink();
  const m = createVirtMachine({ ramSize: 8 * 1024 * 1024, uart: out, stdout: out, stderr: out });
  m.cpu.pc = loadElfPhysical(m, writeElfExecutable(image)).entry;
  m.setTiming(config);
  const loop = image.symbols.find((s) => s.name === 'loop');
  if (!loop) throw new Error(`${k.name}: no loop label`);
  const r = m.run(100_000, loop.value);
  if (r.reason !== 'until' || m.exceptionCounts.size !== 0) throw new Error(`${k.name}: the set-up did not reach the loop (${r.reason})`);
  return m;
}

/** Steady-state cycles per iteration of kernel `k` on `cpu` (or an explicit configuration). */
export function measureKernel(k: TimingKernel, cpu: CpuName | TimingConfig): KernelMeasurement {
  const config = typeof cpu === 'string' ? resolveTimingConfig(cpu) : cpu;
  const m = kernelMachine(k, config);
  const n = loopLength(k);
  const run = (iterations: number): void => {
    const r = m.run(iterations * n);
    if (r.reason !== 'count' || m.exceptionCounts.size !== 0) throw new Error(`${k.name}: the loop stopped (${r.reason})`);
  };
  run(WARMUP_ITERATIONS);
  const c0 = m.timing!.cycles();
  run(MEASURED_ITERATIONS);
  const c1 = m.timing!.cycles();
  return { cyclesPerIteration: (c1 - c0) / MEASURED_ITERATIONS, instructionsPerIteration: n, machine: m };
}
