// Interpreter speed: guest instructions per second on an integer loop, a memory loop (MMU on,
// LDP/STP copy) and the same loop on Tagged Normal memory with synchronous tag checking, in
// functional mode (no timing model), then the same programs with the cycle model (--cpu
// cortex-a510 / neoverse-n2). The functional cases run first, so the timed ones cannot slow them
// down. The programs are in bench/programs/, assembled by granule.

import { readFileSync } from 'node:fs';
import { assemble } from '../isa/asm/assembler.js';
import { writeElfExecutable } from '../isa/asm/elf-writer.js';
import { BufferSink } from '../emulator/devices/output.js';
import { createVirtMachine, VIRT_RAM_BASE } from '../emulator/devices/virt.js';
import { loadElfPhysical } from '../emulator/loader/load.js';
import type { Machine } from '../emulator/machine.js';
import { resolveTimingConfig, type CpuName } from '../emulator/timing/config.js';
import { rate, sink, type BenchSuite } from './suite.js';

const PROGRAMS = new URL('../../bench/programs/', import.meta.url);
/** Instructions per benchmark operation: long enough that loop setup does not matter. */
const SLICE = 2_000_000;
/** Instructions run before timing: MMU set-up, tagging the buffers, warming the decoder. */
const WARMUP = 1_000_000;

function program(name: string, cpu?: CpuName): Machine {
  const read = (file: string): string => readFileSync(new URL(file, PROGRAMS), 'utf8');
  const { errors, image } = assemble(read(name), { file: name, base: BigInt(VIRT_RAM_BASE), readInclude: (p) => read(p.replace(/^.*\//, '')) });
  if (!image) throw new Error(`${name}: ${errors.map((e) => e.format()).join('; ')}`);
  const out = new BufferSink();
  const m = createVirtMachine({ ramSize: 16 * 1024 * 1024, uart: out, stdout: out, stderr: out });
  m.cpu.pc = loadElfPhysical(m, writeElfExecutable(image)).entry;
  const r = m.run(WARMUP);
  if (r.reason !== 'count' || m.exceptionCounts.size !== 0) throw new Error(`${name} did not reach its loop (${r.reason})`);
  // Timing goes on after the (functional) warm-up: the timed loop first runs in its own case,
  // as in a process that runs one program on one profile.
  if (cpu) m.setTiming(resolveTimingConfig(cpu));
  return m;
}

function running(m: Machine): () => void {
  return () => {
    sink.value ^= m.run(SLICE).instructions;
  };
}

/** MIPS as the case's own figure. */
const mips = (opsPerSec: number): Record<string, number> => ({ mips: (opsPerSec * SLICE) / 1e6, ...rate('instructions', SLICE)(opsPerSec) } as Record<string, number>);

export const runSuite: BenchSuite = {
  name: 'run',
  description: 'interpreter speed (MIPS): integer loop, memory loop, tag-checked memory loop; functional mode, then with the cycle model',
  cases() {
    return [
      { name: 'integer loop', fn: running(program('int-loop.s')), figures: mips },
      { name: 'memory loop (LDP/STP, MMU on)', fn: running(program('mem-loop.s')), figures: mips },
      { name: 'tag-checked memory loop (sync)', fn: running(program('tag-loop.s')), figures: mips },
      { name: 'integer loop, --cpu cortex-a510', fn: running(program('int-loop.s', 'cortex-a510')), figures: mips },
      { name: 'integer loop, --cpu neoverse-n2', fn: running(program('int-loop.s', 'neoverse-n2')), figures: mips },
      { name: 'memory loop, --cpu cortex-a510', fn: running(program('mem-loop.s', 'cortex-a510')), figures: mips },
      { name: 'tag-checked memory loop, --cpu cortex-a510', fn: running(program('tag-loop.s', 'cortex-a510')), figures: mips },
    ];
  },
};
