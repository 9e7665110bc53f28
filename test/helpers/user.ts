// Running the syscall test programs (test/user/*.s) in granule's user mode, functional (no
// timing model), with BufferSink outputs.

import { resolveTimingConfig } from '../../emulator/timing/config.js';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BufferSink } from '../../emulator/devices/output.js';
import type { Machine } from '../../emulator/machine.js';
import type { Kernel } from '../../kernel-shim/kernel.js';
import { createUserProcess } from '../../kernel-shim/process.js';
import { assembleProgram } from '../../tools/linux-oracle.js';

export const USER = join(fileURLToPath(new URL('../..', import.meta.url)), 'test/user');

export interface Run {
  stdout: string;
  stderr: string;
  trace: string[];
  status: number | undefined;
  machine: Machine;
  kernel: Kernel;
}

/** Runs test/user/NAME.s in granule's user mode (functional) until it ends. */
export function runUserProgram(name: string, opts: { argv?: string[]; strace?: boolean; seed?: number; stdin?: Uint8Array; cpu?: string } = {}): Run {
  const elf = assembleProgram(join(USER, `${name}.s`));
  const stdout = new BufferSink();
  const stderr = new BufferSink();
  const trace: string[] = [];
  let input = opts.stdin ?? new Uint8Array(0);
  const { machine, kernel } = createUserProcess(elf, {
    argv: [`/bin/${name}`, ...(opts.argv ?? [])],
    stdout,
    stderr,
    seed: opts.seed,
    stdin: (n) => {
      const chunk = input.subarray(0, n);
      input = input.subarray(n);
      return chunk;
    },
    strace: opts.strace ? (line) => trace.push(line) : undefined,
  });
  // With a timing model the machine swaps its memory path (as `granule run` does by default).
  if (opts.cpu) machine.setTiming(resolveTimingConfig(opts.cpu));
  for (let i = 0; i < 100 && !kernel.end; i++) machine.run(1 << 22);
  return { stdout: stdout.text(), stderr: stderr.text(), trace, status: kernel.end?.kind === 'exit' ? kernel.end.status : undefined, machine, kernel };
}

