// The kernel shim's copies on a timed machine: the typed-array path, charged through the timing
// model's kernel API (chargeKernelCopy with the routine's loop and the shim's instruction
// count), costs within 15% of what the instruction-level routine costs when it runs, from 512
// bytes to 1 MiB, both directions, both profiles (bench/timing/copy-cycles.ts).

import { describe, expect, it } from 'vitest';
import { COPY_SIZES, copyCycles } from '../bench/timing/copy-cycles.js';
import type { CpuName } from '../emulator/timing/config.js';

describe.each(['cortex-a510', 'neoverse-n2'] as CpuName[])('copy cycles per byte on %s', (cpu) => {
  for (const direction of ['from-user', 'to-user'] as const) {
    it(`${direction}: typed-array path within 15% of the instruction-level routine`, () => {
      for (const size of COPY_SIZES.filter((s) => s >= 512)) {
        const r = copyCycles(cpu, direction, size);
        const error = Math.abs(r.typedArray - r.instruction) / r.instruction;
        expect({ size, within15: error <= 0.15 }).toEqual({ size, within15: true });
      }
    });
  }
});
