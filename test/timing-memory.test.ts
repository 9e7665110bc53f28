// The memory side of the cycle model, on bare-metal programs with predictable counts: a walk
// over a buffer larger than L1D, a TLB-thrashing page walk with 4 KiB pages, tag checks in each
// TCF mode, the predictor on predictable and unpredictable branches, exception costs, and the
// kernel shim's charging API.

import { describe, expect, it } from 'vitest';
import { assemble } from '../isa/asm/assembler.js';
import { writeElfExecutable } from '../isa/asm/elf-writer.js';
import { BufferSink } from '../emulator/devices/output.js';
import { createVirtMachine, VIRT_RAM_BASE } from '../emulator/devices/virt.js';
import { loadElfPhysical } from '../emulator/loader/load.js';
import type { Machine } from '../emulator/machine.js';
import { collectStats } from '../emulator/stats.js';
import { resolveTimingConfig, type CpuName } from '../emulator/timing/config.js';
import type { TimingReport } from '../emulator/timing/model.js';
import { KERNELS } from '../bench/timing/kernels.js';
import { measureKernel, mteOn } from '../bench/timing/measure.js';

/** Assembles and loads `source` on a virt board with timing; returns it and the symbol table. */
function load(source: string, cpu: CpuName | 'none', overrides?: unknown): { m: Machine; sym: (n: string) => bigint } {
  const { errors, image } = assemble(source, { file: 'test.s', base: BigInt(VIRT_RAM_BASE) });
  if (!image) throw new Error(errors.map((e) => e.format()).join('\n'));
  const out = new BufferSink();
  const m = createVirtMachine({ ramSize: 16 * 1024 * 1024, uart: out, stdout: out, stderr: out });
  m.cpu.pc = loadElfPhysical(m, writeElfExecutable(image)).entry;
  if (cpu !== 'none') m.setTiming(resolveTimingConfig(cpu, overrides));
  const sym = (n: string): bigint => {
    const s = image.symbols.find((x) => x.name === n);
    if (!s) throw new Error(`no symbol ${n}`);
    return s.value;
  };
  return { m, sym };
}

function runTo(m: Machine, at: bigint): void {
  const r = m.run(50_000_000, at);
  expect(r.reason).toBe('until');
  expect(m.exceptionCounts.size).toBe(0);
}

/** The model's report between two points of a run. */
function delta(a: TimingReport, b: TimingReport): { l1d: number[]; l2: number[]; dram: number; dtlb: number[]; l2tlb: number[]; walks: number; walkReads: number } {
  return {
    l1d: [b.caches.l1d.hits - a.caches.l1d.hits, b.caches.l1d.misses - a.caches.l1d.misses],
    l2: [b.caches.l2.hits - a.caches.l2.hits, b.caches.l2.misses - a.caches.l2.misses],
    dram: b.caches.dramAccesses - a.caches.dramAccesses,
    dtlb: [b.tlb.l1d.hits - a.tlb.l1d.hits, b.tlb.l1d.misses - a.tlb.l1d.misses],
    l2tlb: [b.tlb.l2.hits - a.tlb.l2.hits, b.tlb.l2.misses - a.tlb.l2.misses],
    walks: b.tlb.walks - a.tlb.walks,
    walkReads: b.tlb.walkDescriptorReads - a.tlb.walkDescriptorReads,
  };
}

describe('data caches', () => {
  // One load per 64-byte line over `bytes`, twice.
  const program = (bytes: number): string => `
    .text
    _start:
      adr x0, buf
      mov x2, #${bytes / 64}
    pass1:
      ldr x3, [x0], #64
      subs x2, x2, #1
      b.ne pass1
      adr x0, buf
      mov x2, #${bytes / 64}
    pass2:
      ldr x3, [x0], #64
      subs x2, x2, #1
      b.ne pass2
    done:
      b done
    .data
    .balign 4096
    buf: .zero ${bytes}
  `;

  it('a buffer twice the size of L1D misses every line on both passes; L2 holds it for the second', () => {
    // Cortex-A510 profile: L1D 32 KiB 4-way with LRU, L2 256 KiB. 64 KiB is 1024 lines: each
    // set sees 8 lines in turn through 4 ways, so the second pass misses L1D again but hits L2.
    const { m, sym } = load(program(64 * 1024), 'cortex-a510');
    runTo(m, sym('pass1'));
    const a = m.timing!.report();
    runTo(m, sym('pass2'));
    const b = m.timing!.report();
    runTo(m, sym('done'));
    const c = m.timing!.report();
    expect(delta(a, b)).toMatchObject({ l1d: [0, 1024], l2: [0, 1024], dram: 1024 });
    expect(delta(b, c)).toMatchObject({ l1d: [0, 1024], l2: [1024, 0], dram: 0 });
  });

  it('a buffer that fits L1D hits on the second pass', () => {
    const { m, sym } = load(program(16 * 1024), 'cortex-a510');
    runTo(m, sym('pass2'));
    const b = m.timing!.report();
    runTo(m, sym('done'));
    expect(delta(b, m.timing!.report())).toMatchObject({ l1d: [256, 0], l2: [0, 0], dram: 0 });
  });

  it('misses cost cycles: the same loop is slower from DRAM than from L1D', () => {
    const cycles = (bytes: number, pass: 'pass1' | 'pass2'): number => {
      const { m, sym } = load(program(bytes), 'cortex-a510');
      runTo(m, sym(pass === 'pass1' ? 'pass1' : 'pass2'));
      const c0 = m.timing!.cycles();
      runTo(m, sym(pass === 'pass1' ? 'pass2' : 'done'));
      return (m.timing!.cycles() - c0) / (bytes / 64);
    };
    const dram = cycles(16 * 1024, 'pass1');
    const l1 = cycles(16 * 1024, 'pass2');
    // A510: a DRAM miss adds L2 (9) + DRAM (150) cycles to the load; an L1 hit adds nothing.
    expect(dram - l1).toBeGreaterThanOrEqual(150);
    expect(l1).toBeLessThan(6);
  });
});

describe('TLBs and page walks', () => {
  // 4 KiB pages for VA 0x40200000..0x405fffff (1024 pages, identity), the first 2 MiB (code,
  // tables) as one block. T0SZ 25: the walk starts at level 1.
  const program = (pages: number, rounds: number): string => `
    .text
    _start:
      adr x0, l1_table
      msr ttbr0_el1, x0
      mov x1, #0xff
      msr mair_el1, x1
      ldr x1, =(25 | (1 << 23) | (5 << 32))
      msr tcr_el1, x1
      isb
      mrs x1, sctlr_el1
      orr x1, x1, #1
      orr x1, x1, #(1 << 2)
      orr x1, x1, #(1 << 12)
      msr sctlr_el1, x1
      isb
      ldr x0, =0x40200000
      mov x5, #${rounds}
    round:
      mov x1, x0
      mov x2, #${pages}
    page:
      ldr x3, [x1]
      add x1, x1, #4096
      subs x2, x2, #1
      b.ne page
      subs x5, x5, #1
      b.ne round
    done:
      b done
    .ltorg
    .data
    .balign 4096
    l1_table:
      .quad 0
      .quad l2_table + 3
      .zero 4096 - 16
    l2_table:
      .quad 0x40000000 + 0x701
      .quad l3_a + 3
      .quad l3_b + 3
      .zero 4096 - 24
    l3_a:
      i = 0
      .rept 512
      .quad 0x40200000 + i * 4096 + 0x703
      i = i + 1
      .endr
    l3_b:
      .rept 512
      .quad 0x40200000 + i * 4096 + 0x703
      i = i + 1
      .endr
  `;

  it('64 pages round robin: every access misses the 10-entry dTLB, only the first round walks', () => {
    const { m, sym } = load(program(64, 4), 'cortex-a510');
    runTo(m, sym('round'));
    const a = m.timing!.report();
    runTo(m, sym('done'));
    const d = delta(a, m.timing!.report());
    expect(d.dtlb).toEqual([0, 256]);
    expect(d.l2tlb).toEqual([192, 64]);
    expect(d.walks).toBe(64);
    // Levels 1 and 2 come from the walk cache after the first walk: one level-3 read each.
    expect(d.walkReads).toBeLessThanOrEqual(64 + 2);
  });

  it('1024 pages thrash the 512-entry L2 TLB: every access walks', () => {
    const { m, sym } = load(program(1024, 2), 'cortex-a510');
    runTo(m, sym('round'));
    const a = m.timing!.report();
    runTo(m, sym('done'));
    const d = delta(a, m.timing!.report());
    expect(d.walks).toBe(2048);
    expect(d.l2tlb).toEqual([0, 2048]);
  });

  it('walks cost cycles, and their descriptor reads go through the data caches', () => {
    const cycles = (overrides?: unknown): { cycles: number; walks: number } => {
      const { m, sym } = load(program(1024, 2), 'cortex-a510', overrides);
      runTo(m, sym('round'));
      const a = m.timing!.report();
      runTo(m, sym('done'));
      const b = m.timing!.report();
      return { cycles: b.cycles - a.cycles, walks: b.tlb.walks - a.tlb.walks };
    };
    // The same accesses with an L2 TLB big enough for all 1024 pages: the second round walks no more.
    const thrash = cycles();
    const roomy = cycles({ tlb: { l2: { entries: 4096 } } });
    expect(roomy.walks).toBe(1024);
    expect(thrash.walks).toBe(2048);
    const walkLatency = resolveTimingConfig('cortex-a510').tlb.walkLatency;
    expect(thrash.cycles - roomy.cycles).toBeGreaterThan(1024 * walkLatency);
    const { m, sym } = load(program(1024, 1), 'neoverse-n2');
    runTo(m, sym('round'));
    const a = m.timing!.report();
    runTo(m, sym('done'));
    const b = m.timing!.report();
    // Each load is one L1D access; each walk adds its descriptor reads (at least the level-3 one).
    const reads = b.tlb.walkDescriptorReads - a.tlb.walkDescriptorReads;
    expect(reads).toBeGreaterThanOrEqual(b.tlb.walks - a.tlb.walks);
    expect(b.caches.l1d.hits + b.caches.l1d.misses - (a.caches.l1d.hits + a.caches.l1d.misses)).toBe(1024 + reads);
  });
});

describe('MTE costs', () => {
  // Tagged loads over 256 KiB (tags of 128 granules per 64-byte tag line), TCF = mode.
  const program = (tcf: number, store: boolean): string => `
    .text
    _start:
      ${mteOn(tcf)}
      adr x0, buf
      mov x2, #4096
    loop:
      ${store ? 'str x3, [x0], #64' : 'ldr x3, [x0], #64'}
      subs x2, x2, #1
      b.ne loop
    done:
      b done
    .ltorg
    .data
    .balign 4096
    l1_table: .zero 4096
    buf: .zero 262144
  `;
  const run = (tcf: number, store = false): { report: TimingReport; cycles: number } => {
    const { m, sym } = load(program(tcf, store), 'cortex-a510');
    runTo(m, sym('loop'));
    const c0 = m.timing!.cycles();
    runTo(m, sym('done'));
    return { report: m.timing!.report(), cycles: m.timing!.cycles() - c0 };
  };

  it('counts tag checks by mode, and fetches tag lines through the tag cache', () => {
    const sync = run(1).report;
    expect(sync.mte.tagChecks).toEqual({ sync: 4096, async: 0, asymm: 0 });
    // 4096 lines of data need 4096 * 64 / 2048 = 128 tag lines.
    expect(sync.caches.tagCache.misses).toBe(128);
    expect(run(2).report.mte.tagChecks).toEqual({ sync: 0, async: 4096, asymm: 0 });
    expect(run(3).report.mte.tagChecks).toEqual({ sync: 0, async: 0, asymm: 4096 });
    expect(run(0).report.mte.tagChecks).toEqual({ sync: 0, async: 0, asymm: 0 });
  });

  it('synchronous checks wait for tag misses; asynchronous ones do not; asymmetric reads are synchronous', () => {
    const none = run(0).cycles;
    const sync = run(1).cycles;
    const async = run(2).cycles;
    const asymmRead = run(3).cycles;
    expect(async).toBe(none);
    expect(sync).toBeGreaterThan(none);
    expect(asymmRead).toBe(sync);
    // Asymmetric mode checks stores asynchronously: no tag wait on the store path.
    expect(run(3, true).cycles).toBe(run(2, true).cycles);
  });

  it('the check itself can be given a cost per mode (mte.checkCycles)', () => {
    const { m, sym } = load(program(1, false), 'cortex-a510', { mte: { checkCycles: { sync: 3 } } });
    runTo(m, sym('loop'));
    const c0 = m.timing!.cycles();
    runTo(m, sym('done'));
    expect(m.timing!.cycles() - c0).toBeGreaterThan(run(1).cycles);
  });

  it('counts tag stores and tag loads', () => {
    const { m, sym } = load(
      `
      .text
      _start:
        adr x0, buf
        mov x2, #64
      loop:
        stg x0, [x0], #16
        ldg x3, [x0]
        subs x2, x2, #1
        b.ne loop
      done: b done
      .data
      .balign 4096
      buf: .zero 4096
    `,
      'neoverse-n2',
    );
    // MMU off: Device memory has no tags, so LDG/STG do nothing and report nothing.
    runTo(m, sym('done'));
    expect(m.timing!.report().mte).toMatchObject({ tagLoads: 0, tagStores: 0 });
  });
});

describe('configuration knobs', () => {
  const cyclesPerIteration = (kernel: string, cpu: CpuName, overrides?: unknown): number => {
    const k = KERNELS.find((x) => x.name === kernel)!;
    const config = resolveTimingConfig(cpu, overrides);
    return measureKernel(k, config).cyclesPerIteration;
  };
  it('an L1D hit latency adds to every load', () => {
    // load-chain: 8 dependent loads an iteration.
    expect(cyclesPerIteration('load-chain', 'cortex-a510', { memory: { l1d: { latency: 1 } } })).toBe(cyclesPerIteration('load-chain', 'cortex-a510') + 8);
  });
  it('tag stores cost mte.tagStoreCycles per granule', () => {
    const base = cyclesPerIteration('stg-stream', 'neoverse-n2');
    expect(cyclesPerIteration('stg-stream', 'neoverse-n2', { mte: { tagStoreCycles: 2 } })).toBeGreaterThan(base);
  });
  it('a scheduling class can be retimed', () => {
    expect(cyclesPerIteration('mul-x-chain', 'cortex-a510', { sched: { mulX: { latency: 7 } } })).toBe(56);
  });
});

describe('branch prediction', () => {
  // x4 steps an LCG; the branch follows one of its bits (unpredictable) or a fixed pattern.
  const program = (predictable: boolean): string => `
    .text
    _start:
      mov x2, #4000
      movz x4, #0x1234
      movz x5, #0x4c95
      movk x5, #0x5851, lsl #16
      movk x5, #0xf42d, lsl #32
      movk x5, #0x5851, lsl #48
    loop:
      madd x4, x4, x5, x5
      ${predictable ? 'tst x2, #1' : 'tst x4, #(1 << 40)'}
      b.eq 1f
      add x6, x6, #1
    1:
      subs x2, x2, #1
      b.ne loop
    done:
      b done
  `;
  it('mispredicts a random branch about half the time, a regular one almost never', () => {
    const mispredicts = (predictable: boolean): { mis: number; cycles: number } => {
      const { m, sym } = load(program(predictable), 'cortex-a510');
      runTo(m, sym('done'));
      const r = m.timing!.report();
      return { mis: r.branches.mispredicts, cycles: r.cycles };
    };
    const random = mispredicts(false);
    const regular = mispredicts(true);
    expect(random.mis).toBeGreaterThan(1400);
    expect(random.mis).toBeLessThan(2600);
    expect(regular.mis).toBeLessThan(100);
    // Each mispredict costs about the 8-cycle penalty.
    expect(random.cycles - regular.cycles).toBeGreaterThan(6 * (random.mis - regular.mis));
  });

  it('predicts returns with the return stack', () => {
    const { m, sym } = load(
      `
      .text
      _start:
        mov x2, #1000
      loop:
        bl f
        subs x2, x2, #1
        b.ne loop
      done: b done
      f:
        add x3, x3, #1
        ret
    `,
      'neoverse-n2',
    );
    runTo(m, sym('done'));
    const b = m.timing!.report().branches;
    expect(b.returns).toBe(1000);
    expect(b.returnMispredicts).toBe(0);
  });
});

describe('exceptions', () => {
  it('charges exception entry and return, and counts entries by class', () => {
    const { m, sym } = load(
      `
      .text
      _start:
        adr x0, vectors
        msr vbar_el1, x0
        isb
        mov x2, #10
      loop:
        brk #1
        subs x2, x2, #1
        b.ne loop
      done: b done
      .balign 2048
      vectors:
        .balign 0x200
        .zero 0x200
        mrs x1, elr_el1
        add x1, x1, #4
        msr elr_el1, x1
        eret
    `,
      'cortex-a510',
    );
    runTo(m, sym('loop'));
    const c0 = m.timing!.cycles();
    m.exceptionCounts.clear();
    const r = m.run(1_000_000, sym('done'));
    expect(r.reason).toBe('until');
    const t = collectStats(m).timing!;
    expect(t.exceptions.entries).toEqual({ brk: 10 });
    expect(t.exceptions.returns).toBe(10);
    const config = resolveTimingConfig('cortex-a510').core;
    expect(m.timing!.cycles() - c0).toBeGreaterThanOrEqual(10 * (config.exceptionEntry + config.exceptionReturn));
  });
});

describe('the kernel shim API', () => {
  it('charges loop work as the loop would run, and memory through the caches', () => {
    const { m } = load('.text\n_start: b _start\n', 'cortex-a510');
    const t = m.timing!;
    const { cpi, length } = t.loopCost({ name: 'copy16', source: '1: ldp x4, x5, [x1], #16\n stp x4, x5, [x0], #16\n subs x2, x2, #16\n b.ge 1b\n', bytesPerIteration: 16 });
    expect(length).toBe(4);
    // Cortex-A510, llvm-mca 19: this body is 5 cycles an iteration (see the copy-post-index kernel).
    expect(cpi).toBeGreaterThan(2);
    const c0 = t.cycles();
    const charged = t.chargeKernelWork('copy16', 256);
    expect(charged).toBe(Math.floor(cpi * 256));
    expect(t.cycles() - c0).toBeGreaterThanOrEqual(charged);
    const first = t.memoryAccess(0x40100000, 4096, false);
    const second = t.memoryAccess(0x40100000, 4096, false);
    expect(first).toBeGreaterThan(0);
    expect(second).toBe(0);
    const r = t.report();
    expect(r.kernel).toMatchObject({ workCharges: 1, equivalentInstructions: 1024, memoryAccesses: 128 });
    expect(r.caches.l1d.misses).toBe(64);
    expect(() => t.chargeKernelWork('no-such-loop', 1)).toThrow(/unknown kernel loop/);
  });

  it('attributes cycles to the kernel while it handles an exception', () => {
    const { m } = load('.text\n_start: b _start\n', 'neoverse-n2');
    const t = m.timing!;
    t.kernelPresent = true;
    m.cpu.el = 1;
    t.exceptionEntry(0x15);
    t.chargeCycles(1000);
    m.cpu.el = 0;
    t.exceptionReturn();
    const k = t.report().kernel;
    expect(k.cycles).toBeGreaterThanOrEqual(1000);
    expect(k.workCycles).toBe(1000);
  });
});

describe('functional and timed runs', () => {
  it('compute the same architectural results', () => {
    const src = `
      .text
      _start:
        mov x2, #500
        adr x0, buf
      loop:
        ldr x3, [x0, x2, lsl #3]
        add x3, x3, x2
        str x3, [x0, x2, lsl #3]
        mul x4, x3, x2
        udiv x5, x4, x3
        eor x6, x6, x5
        subs x2, x2, #1
        b.ne loop
      done: b done
      .data
      buf: .zero 8192
    `;
    const regs = (cpu: CpuName | 'none'): bigint[] => {
      const { m, sym } = load(src, cpu);
      runTo(m, sym('done'));
      return Array.from({ length: 8 }, (_, i) => m.cpu.readX(i));
    };
    const functional = regs('none');
    expect(regs('cortex-a510')).toEqual(functional);
    expect(regs('neoverse-n2')).toEqual(functional);
  });
});
