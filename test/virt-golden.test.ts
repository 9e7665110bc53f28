// Bare-metal behaviour against QEMU 10 system mode, byte for byte. Each program in test/virt/ is
// assembled by granule's assembler, run on granule's virt board (emulator/api.ts), and its UART
// output and semihosting exit status are compared with test/golden/virt/NAME.out, which
// tools/gen-virt-golden.ts made by running the same ELF under qemu-system-aarch64 10
// (`npm run gen:virt-golden`; QEMU is not needed to run these tests). On a mismatch the message
// shows the first differing line with the lines before it: the test name in brackets and the
// EXC lines (ESR/FAR/ELR/SPSR) point at the instruction or feature that differs.
//
// Where QEMU 10 is not the architecture, the golden programs leave the case out (each says which
// in its header) and test/virt/arch/NAME.s checks it on granule alone against NAME.expected,
// written from the architecture: same format, header `# virt-arch exit=N`.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeDifferences } from './helpers/output-diff.js';
import { describe, expect, it } from 'vitest';
import { Machine, type StopInfo } from '../emulator/api.js';
import type { OutputSink } from '../emulator/devices/output.js';
import { assembleProgram, goldenPath, installedQemu, parseGolden, PROGRAM_DIR, programNames, programPath, qemuVersion, runQemu, sourceDigest } from '../tools/gen-virt-golden.js';

/** Instruction budget per program (the largest runs a few million). */
const MAX_INSNS = 200_000_000;
/** Output cap: a runaway guest printing forever stops here. */
const MAX_UART = 4 << 20;

class ByteSink implements OutputSink {
  private readonly chunks: Uint8Array[] = [];
  length = 0;
  write(bytes: Uint8Array): void {
    this.chunks.push(bytes.slice());
    this.length += bytes.length;
  }
  bytes(): Uint8Array {
    return Buffer.concat(this.chunks);
  }
}

export interface VirtRun {
  uart: Uint8Array;
  stop: StopInfo;
  /** The exit status as a process would see it (0-255), undefined if the guest did not halt. */
  exit: number | undefined;
}

/** Runs an assembled program on granule's virt board until it halts (or the budget runs out). */
export function runVirt(elf: Uint8Array): VirtRun {
  const sink = new ByteSink();
  const m = new Machine({ uart: sink });
  m.loadElf(elf);
  let stop: StopInfo;
  let done = 0;
  for (;;) {
    stop = m.run({ count: Math.min(16_000_000, MAX_INSNS - done) });
    done += stop.instructions;
    if (stop.reason !== 'count' || done >= MAX_INSNS || sink.length > MAX_UART) break;
  }
  return { uart: sink.bytes(), stop, exit: stop.reason === 'halt' ? (stop.exitStatus ?? 0) & 0xff : undefined };
}


function stopDescription(r: VirtRun): string {
  if (r.exit !== undefined) return `exit status ${r.exit}`;
  return `no exit: stopped (${r.stop.reason}) after ${r.stop.instructions} instructions at pc 0x${r.stop.pc.toString(16)}`;
}

const names = programNames();

describe('virt golden programs (QEMU 10 system mode)', () => {
  it('every program has a golden file and every golden file a program', () => {
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((n) => !existsSync(goldenPath(n)))).toEqual([]);
  });

  for (const name of names) {
    describe(name, () => {
      const golden = existsSync(goldenPath(name)) ? parseGolden(readFileSync(goldenPath(name))) : undefined;

      it('golden file is up to date with the source (npm run gen:virt-golden)', () => {
        expect(golden, `test/golden/virt/${name}.out is missing`).toBeDefined();
        expect(golden!.source, `test/virt/${name}.s (or an include) changed since its golden file was made`).toBe(sourceDigest(programPath(name)));
      });

      // CI installs QEMU 10 (.ci/run): the committed output must still be what QEMU prints.
      const qemu = installedQemu();
      it.skipIf(!qemu)(`golden file is what QEMU 10 prints now${qemu ? '' : ' (skipped: QEMU 10 not installed; tools/install-qemu10.sh)'}`, () => {
        const tmp = mkdtempSync(join(tmpdir(), 'granule-virt-'));
        try {
          const env = { ...process.env, QEMU_MODULE_DIR: tmp };
          const elf = join(tmp, `${name}.elf`);
          writeFileSync(elf, assembleProgram(programPath(name)));
          const q = runQemu(qemu!, env, elf);
          expect(qemuVersion(qemu!, env)).toMatch(/^10\./);
          expect(q.exit).toBe(golden!.exit);
          expect(Buffer.from(q.uart).toString('latin1')).toBe(Buffer.from(golden!.uart).toString('latin1'));
        } finally {
          rmSync(tmp, { recursive: true, force: true });
        }
      });

      it('granule prints what QEMU 10 prints and exits with its status', () => {
        expect(golden).toBeDefined();
        const r = runVirt(assembleProgram(programPath(name)));
        const expected = Buffer.from(golden!.uart).toString('latin1');
        const actual = Buffer.from(r.uart).toString('latin1');
        const diff = describeDifferences(expected, actual, 'QEMU');
        const problems: string[] = [];
        if (diff) problems.push(diff);
        if (r.exit !== golden!.exit) problems.push(`exit: QEMU exit status ${golden!.exit}, granule ${stopDescription(r)}`);
        if (problems.length) expect.fail(`${name}.s: granule differs from QEMU 10\n${problems.join('\n')}`);
      });
    });
  }
});

const ARCH_DIR = join(PROGRAM_DIR, 'arch');
const archNames = existsSync(ARCH_DIR)
  ? readdirSync(ARCH_DIR)
      .filter((f) => f.endsWith('.s'))
      .map((f) => f.slice(0, -2))
      .sort()
  : [];

describe('virt programs where QEMU 10 is not the architecture (granule alone)', () => {
  for (const name of archNames) {
    it(`${name}: granule prints what the architecture says (test/virt/arch/${name}.expected)`, () => {
      const raw = readFileSync(join(ARCH_DIR, `${name}.expected`), 'latin1');
      const m = /^# virt-arch exit=(\d+)\n/.exec(raw);
      expect(m, `test/virt/arch/${name}.expected: no '# virt-arch exit=N' header`).not.toBeNull();
      const r = runVirt(assembleProgram(join(ARCH_DIR, `${name}.s`)));
      const problems: string[] = [];
      const diff = describeDifferences(raw.slice(m![0].length), Buffer.from(r.uart).toString('latin1'), 'expected');
      if (diff) problems.push(diff);
      if (r.exit !== Number(m![1])) problems.push(`exit: expected ${m![1]}, granule ${stopDescription(r)}`);
      if (problems.length) expect.fail(`arch/${name}.s: granule differs from the architecture\n${problems.join('\n')}`);
    });
  }
});
