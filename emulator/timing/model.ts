// The cycle model of one machine (DESIGN.md decision 8): a core (in-order scoreboard or
// out-of-order window), the memory side (TLBs, caches, tag cache, store buffer) and a branch
// predictor, driven by the timed run loop in machine.ts one retired instruction at a time.
// It never changes architectural state; the functional core runs exactly as without it.
//
// The kernel shim reaches it as `machine.timing` (undefined in functional mode) to charge the
// cycles of its TypeScript work "as the equivalent instruction loop would" and to put the
// memory it touches through the caches: chargeKernelWork, chargeCycles, memoryAccess,
// translate (see DESIGN.md, "Timing").

import type { Cpu } from '../cpu.js';
import { BRANCHED } from '../decoded.js';
import { decode } from '../../isa/decode.js';
import { assemble } from '../../isa/asm/assembler.js';
import type { PhysMem } from '../../mmu/physmem.js';
import { BranchPredictor, Prediction, type BranchStats } from './branch.js';
import { BranchKind, F_LOAD, F_SERIALIZE, F_STORE } from './classify.js';
import type { CpuName, TimingConfig } from './config.js';
import { Stall, STALL_NAMES, Units, type CoreModel } from './core.js';
import { buildDesc, TimingDesc } from './desc.js';
import { InOrderCore } from './inorder.js';
import { KERNEL_LOOPS, type KernelLoop } from './kernel-loops.js';
import { MemoryModel, type MemoryStats } from './memory.js';
import { OutOfOrderCore } from './ooo.js';
import { parseUnits, PIPES, SCHED_CLASSES, type SchedClass, type SchedEntry, type UnitUse } from './sched.js';

export interface HitMissStats {
  hits: number;
  misses: number;
}

/** What the model reports (RunStats.timing). */
export interface TimingReport {
  cpu: string;
  cycles: number;
  /** Cycles each cause held instructions back (see core.ts Stall). */
  stalls: Record<string, number>;
  caches: {
    l1i: HitMissStats;
    l1d: HitMissStats & { writebacks: number };
    l2: HitMissStats & { writebacks: number };
    tagCache: HitMissStats;
    dramAccesses: number;
  };
  tlb: {
    l1i: HitMissStats;
    l1d: HitMissStats;
    l2: HitMissStats;
    walks: number;
    walkCycles: number;
    walkDescriptorReads: number;
    walkCacheHits: number;
  };
  branches: BranchStats;
  mte: {
    tagChecks: { sync: number; async: number; asymm: number };
    tagCheckCycles: number;
    tagLoads: number;
    tagStores: number;
  };
  exceptions: { entries: Record<number, number>; returns: number; cycles: number };
  kernel: {
    /** Cycles while the kernel shim handled an exception (its charges, entry/return, EL1 code). */
    cycles: number;
    guestCycles: number;
    /** chargeKernelWork calls, their cycles and the instructions of the loops they stand for. */
    workCharges: number;
    workCycles: number;
    equivalentInstructions: number;
    memoryAccesses: number;
  };
  storeBufferStalls: number;
}

/** A physical run of RAM a kernel copy reads or writes; `tagCheck` is the TCF mode of its checks (0: unchecked). */
export interface KernelRange {
  pa: number;
  size: number;
  write: boolean;
  tagCheck?: number;
}

/** A loop the shim names, or its own one (assembly source of one iteration). */
export type KernelWork = string | KernelLoop;

export class TimingModel {
  readonly core: CoreModel;
  readonly mem: MemoryModel;
  readonly bp: BranchPredictor;
  private readonly entries: Record<SchedClass, SchedEntry>;
  private readonly units: Record<SchedClass, UnitUse[]>;
  private readonly groupNames: string[];
  /** Group number of a pipeline name for descriptors (-1 for groups that never hold anything back). */
  private readonly groupIndex: (name: string) => number;
  private readonly unitNames: string[];
  private readonly byWord = new Map<number, TimingDesc>();
  private readonly pages = new WeakMap<object, TimingDesc[]>();
  private readonly mispredict: number;
  private readonly btbMiss: number;
  /** Who the cycles since `modeSince` belong to. */
  private kernelMode = false;
  private modeSince = 0;
  private kernelCycles = 0;
  private guestCycles = 0;
  private readonly exceptionCounts = new Map<number, number>();
  private exceptionReturns = 0;
  private exceptionCycles = 0;
  private readonly work = { charges: 0, cycles: 0, instructions: 0, memoryAccesses: 0 };
  private readonly loopCpi = new Map<string, { cpi: number; length: number; uops: number }>();
  private fraction = 0;
  /** Fetch: the line (PA / line size) and the page (VA >> 12) last fetched from. */
  fetchLine = -1;
  fetchPageLo = -1;
  fetchPageHi = -1;
  private readonly iLine: number;

  constructor(
    readonly config: TimingConfig,
    private readonly cpu: Cpu,
    mem: PhysMem,
  ) {
    const name = config.name as CpuName;
    const pipes = PIPES[name];
    if (!pipes) throw new Error(`no pipeline description for '${config.name}'`);
    this.entries = config.sched;
    this.unitNames = pipes.units;
    this.groupNames = Object.keys(pipes.groups);
    this.units = Object.fromEntries(SCHED_CLASSES.map((c) => [c, parseUnits(this.entries[c].units, name)])) as Record<SchedClass, UnitUse[]>;
    const c = config.core;
    this.groupIndex = groupIndexer(this.groupNames, pipes.groups, this.units, c.kind === 'in-order' ? c.issueWidth : Infinity);
    this.core = this.newCore();
    this.mem = new MemoryModel(config, this.entries.load.latency, cpu.sys, mem, () => this.core.now());
    const b = config.branch;
    this.bp = new BranchPredictor(b.phtEntries, b.historyBits, b.btbEntries, b.btbWays, b.rasEntries);
    this.mispredict = c.mispredictPenalty;
    this.btbMiss = c.btbMissPenalty;
    this.iLine = config.memory.l1i.line;
  }

  get name(): string {
    return this.config.name;
  }

  /** Cycles so far. */
  cycles(): number {
    return this.core.cycles();
  }

  /** Instructions of the kernel work charged so far (what `stats.timing.kernel.equivalentInstructions` reports). */
  get kernelWorkInstructions(): number {
    return this.work.instructions;
  }

  /** The cycles an exception entry and return cost on this core (for work that stands for both). */
  get exceptionRoundTrip(): number {
    return this.config.core.exceptionEntry + this.config.core.exceptionReturn;
  }

  /** The descriptor of an instruction word (table row `row`), built once per distinct word. */
  describe(word: number, row: number): TimingDesc {
    let d = this.byWord.get(word);
    if (!d) {
      d = buildDesc(word, row, this.entries, this.units, this.groupIndex, this.config.core.issueWidth);
      this.byWord.set(word, d);
    }
    return d;
  }

  /** The descriptor array that goes with a decoded page (same slots). */
  descriptorsFor(page: object): TimingDesc[] {
    let a = this.pages.get(page);
    if (!a) {
      a = [];
      this.pages.set(page, a);
    }
    return a;
  }

  /**
   * Charges one executed instruction: `r` is what it returned, pc its address (cpu.pc is the
   * next one). The timed run loop inlines the common case: `core.issue(d, mem.extra,
   * mem.pre)`, then after() for the instructions with `special` set.
   */
  step(d: TimingDesc, r: number, pcLo: number, pcHi: number): void {
    const t = this.core.issue(d, this.mem.extra, this.mem.pre);
    if (d.special !== 0) this.after(d, t, r, pcLo, pcHi);
  }

  /** The rest of a memory, control-flow or serializing instruction's charge (it issued at t). */
  after(d: TimingDesc, t: number, r: number, pcLo: number, pcHi: number): void {
    this.mem.takeDelays();
    if (d.branch !== BranchKind.None) this.branch(d, t, r, pcLo, pcHi);
    if ((d.flags & F_SERIALIZE) !== 0) this.core.drain(this.config.core.serialize, Stall.Serialize);
  }

  private branch(d: TimingDesc, t: number, r: number, pcLo: number, pcHi: number): void {
    const cpu = this.cpu;
    let p: Prediction;
    switch (d.branch) {
      case BranchKind.Cond:
        p = this.bp.conditional(pcLo, pcHi, r === BRANCHED, cpu.pcLo, cpu.pcHi);
        break;
      case BranchKind.Direct:
      case BranchKind.Call:
        p = this.bp.direct(pcLo, pcHi, cpu.pcLo, cpu.pcHi, d.branch === BranchKind.Call);
        break;
      case BranchKind.Indirect:
      case BranchKind.IndirectCall:
        p = this.bp.indirect(pcLo, pcHi, cpu.pcLo, cpu.pcHi, d.branch === BranchKind.IndirectCall);
        break;
      case BranchKind.Return:
        p = this.bp.ret(cpu.pcLo, cpu.pcHi);
        break;
      case BranchKind.Eret:
        this.exceptionReturn();
        return;
      default:
        // SVC (and HVC/SMC not taken by the board) enter the vector directly.
        if (r === BRANCHED) this.exceptionEntry(Number((cpu.sys.esr >> 26n) & 0x3fn));
        return;
    }
    if (p === Prediction.Mispredict) this.core.redirect(t, this.mispredict, Stall.Branch);
    else if (p === Prediction.BtbMiss) this.core.redirect(t, this.btbMiss, Stall.Branch);
  }

  /** Instruction fetch from a new line (pa of the instruction); `newPage` when the VA page changed. */
  fetch(pcLo: number, pcHi: number, pa: number, translated: boolean, asid: number): void {
    const newPage = (pcLo >>> 12) !== this.fetchPageLo || pcHi !== this.fetchPageHi;
    this.fetchLine = Math.floor(pa / this.iLine);
    this.fetchPageLo = pcLo >>> 12;
    this.fetchPageHi = pcHi;
    const c = this.mem.fetch(pcLo, pcHi, pa, translated, asid, newPage);
    if (c > 0) this.core.fetchStall(c);
  }

  /** Set by the machine: a kernel shim owns the EL1 vector (its cycles are counted apart). */
  kernelPresent = false;

  /** A synchronous exception is taken (EC): the pipeline drains and the vector is fetched. */
  exceptionEntry(ec: number): void {
    this.exceptionCounts.set(ec, (this.exceptionCounts.get(ec) ?? 0) + 1);
    if (this.kernelPresent && this.cpu.el === 1) this.setKernelMode(true);
    const before = this.core.cycles();
    this.core.drain(this.config.core.exceptionEntry, Stall.Serialize);
    this.exceptionCycles += this.core.cycles() - before;
  }

  /** ERET (or the kernel shim returning to EL0). */
  exceptionReturn(): void {
    this.exceptionReturns++;
    const before = this.core.cycles();
    this.core.drain(this.config.core.exceptionReturn, Stall.Serialize);
    this.exceptionCycles += this.core.cycles() - before;
    if (this.cpu.el === 0) this.setKernelMode(false);
  }

  /** Whether the cycles from now on are the kernel shim's (EL1 in a machine with a shim) or the guest's. */
  setKernelMode(kernel: boolean): void {
    if (kernel === this.kernelMode) return;
    const now = this.core.cycles();
    if (this.kernelMode) this.kernelCycles += now - this.modeSince;
    else this.guestCycles += now - this.modeSince;
    this.modeSince = now;
    this.kernelMode = kernel;
  }

  // ---- the kernel shim's API

  /**
   * Charges the cycles of `iterations` iterations of a loop (a name from KERNEL_LOOPS, or the
   * shim's own loop): the work the shim did in TypeScript, costed as the equivalent instruction
   * loop on this core. Memory the work touches is reported with memoryAccess.
   */
  chargeKernelWork(work: KernelWork, iterations: number): number {
    if (!(iterations > 0)) return 0;
    const loop = typeof work === 'string' ? KERNEL_LOOPS[work] : work;
    if (!loop) throw new Error(`unknown kernel loop '${String(work)}' (loops: ${Object.keys(KERNEL_LOOPS).join(', ')})`);
    const { cpi, length } = this.loopCost(loop);
    this.work.charges++;
    this.work.instructions += length * iterations;
    const exact = cpi * iterations + this.fraction;
    const cycles = Math.floor(exact);
    this.fraction = exact - cycles;
    this.work.cycles += cycles;
    this.advance(cycles);
    return cycles;
  }

  /**
   * Charges `instructions` instructions of kernel work at the steady-state rate of `work`'s loop
   * (cycles per iteration / instructions per iteration): for work whose exact instruction count
   * the shim knows, such as the routine a typed-array uaccess copy stands for.
   */
  chargeKernelInstructions(work: KernelWork, instructions: number): number {
    if (!(instructions > 0)) return 0;
    const loop = typeof work === 'string' ? KERNEL_LOOPS[work] : work;
    if (!loop) throw new Error(`unknown kernel loop '${String(work)}' (loops: ${Object.keys(KERNEL_LOOPS).join(', ')})`);
    const { cpi, length } = this.loopCost(loop);
    this.work.charges++;
    this.work.instructions += instructions;
    const exact = (cpi / length) * instructions + this.fraction;
    const cycles = Math.floor(exact);
    this.fraction = exact - cycles;
    this.work.cycles += cycles;
    this.advance(cycles);
    return cycles;
  }

  /**
   * A copy (or clear) the shim did on typed arrays, costed as its instruction loop would run.
   * Each line of the `ranges` (physical runs, read or written, tag checked or not) goes through
   * L1D/L2/DRAM and, when checked, its tags through the tag cache, in order. Then the loop body
   * of `work` runs on a scratch core of this profile, one iteration per line (a longer copy runs
   * 128 iterations, each with the mean costs of its share of the lines, and is scaled): in each
   * iteration its first
   * load waits for that read line's miss cost, and its stores take store-buffer entries in turn
   * (the first one for as long as the written line's miss takes). The rest of `instructions` (prologue, tails) is charged at the
   * loop's steady rate. Returns the cycles charged.
   */
  chargeKernelCopy(work: KernelWork, instructions: number, ranges: readonly KernelRange[]): number {
    const loop = typeof work === 'string' ? KERNEL_LOOPS[work] : work;
    if (!loop) throw new Error(`unknown kernel loop '${String(work)}' (loops: ${Object.keys(KERNEL_LOOPS).join(', ')})`);
    const { cpi, length } = this.loopCost(loop);
    const reads: number[] = [];
    const writes: number[] = [];
    const before = this.mem.stats.kernelAccesses;
    for (const r of ranges) if (r.size > 0) this.mem.kernelLines(r.pa, r.size, r.write, r.tagCheck ?? 0, r.write ? writes : reads);
    this.work.memoryAccesses += this.mem.stats.kernelAccesses - before;
    // Iterations of the loop the copy amounts to: one per line of its larger side.
    const iterations = Math.max(reads.length, writes.length);
    const rest = Math.max(0, instructions - iterations * length);
    const loopCycles = iterations === 0 ? 0 : this.simulateCopyLoop(loop, reads, writes, iterations);
    const exact = loopCycles + (cpi / length) * rest + this.fraction;
    const cycles = Math.floor(exact);
    this.fraction = exact - cycles;
    this.work.charges++;
    this.work.instructions += instructions;
    this.work.cycles += cycles;
    this.advance(cycles);
    return cycles;
  }

  private scratch: { core: CoreModel; descs: Map<string, TimingDesc[]> } | undefined;

  /** Runs `iterations` of a copy loop on the scratch core with per-line memory delays; returns its cycles. */
  private simulateCopyLoop(loop: KernelLoop, reads: number[], writes: number[], iterations: number): number {
    if (!this.scratch) this.scratch = { core: this.newCore(), descs: new Map() };
    const sc = this.scratch;
    let descs = sc.descs.get(loop.name);
    if (!descs) {
      descs = assembleLoop(loop.source).map((w) => buildDesc(w, decode(w), this.entries, this.units, this.groupIndex, this.config.core.issueWidth));
      sc.descs.set(loop.name, descs);
    }
    const firstLoad = descs.findIndex((d) => (d.flags & F_LOAD) !== 0);
    const firstStore = descs.findIndex((d) => (d.flags & F_STORE) !== 0);
    const core = sc.core;
    core.drain(0, Stall.None);
    const start = core.cycles();
    const SAMPLE = 128;
    const n = Math.min(iterations, SAMPLE);
    const sb = new Float64Array(this.mem.storeBufferEntries);
    let head = 0;
    // Each simulated iteration stands for a stratum of the copy's lines: it carries their mean costs.
    const mean = (costs: number[], from: number, to: number): number => {
      let sum = 0;
      for (let i = from; i < to && i < costs.length; i++) sum += costs[i];
      return sum / (to - from);
    };
    for (let k = 0; k < n; k++) {
      const from = Math.floor((k * iterations) / n);
      const to = Math.floor(((k + 1) * iterations) / n);
      const rc = mean(reads, from, to);
      const wc = mean(writes, from, to);
      for (let j = 0; j < descs.length; j++) {
        let extra = 0;
        let pre = 0;
        if (j === firstLoad) extra = rc;
        if ((descs[j].flags & F_STORE) !== 0) {
          // As MemoryModel.store: every store takes the next entry in turn; the line's miss is on its first store.
          const now = core.now();
          if (sb[head] > now) pre = sb[head] - now;
          sb[head] = now + pre + (j === firstStore && wc > 0 ? wc : 1);
          head = (head + 1) % sb.length;
        }
        core.issue(descs[j], extra, pre);
      }
    }
    return ((core.cycles() - start) * iterations) / n;
  }

  /** A core of this profile with nothing in flight (the machine's, or a fresh one for loopCost). */
  private newCore(): CoreModel {
    const pipes = PIPES[this.config.name];
    const groups = this.groupNames.map((g) => pipes.groups[g].map((u) => pipes.units.indexOf(u)));
    const c = this.config.core;
    return c.kind === 'in-order'
      ? new InOrderCore(c.issueWidth, new Units(pipes.units.length, groups))
      : new OutOfOrderCore(c.issueWidth, c.decodeWidth, c.robSize, pipes.units.length, groups.map((g) => Int32Array.from(g)));
  }

  /** Charges `cycles` cycles of kernel work directly. */
  chargeCycles(cycles: number): void {
    if (!(cycles > 0)) return;
    this.work.charges++;
    this.work.cycles += cycles;
    this.advance(cycles);
  }

  /**
   * The kernel shim read or wrote [pa, pa+size) of RAM on typed arrays: the lines go through
   * L1D/L2 and misses cost what they would for its copy loop. Returns the cycles added.
   */
  memoryAccess(pa: number, size: number, write: boolean): number {
    if (!(size > 0)) return 0;
    const before = this.mem.stats.kernelAccesses;
    const cycles = this.mem.kernelAccess(pa, size, write);
    this.work.memoryAccesses += this.mem.stats.kernelAccesses - before;
    if (cycles > 0) this.advance(cycles);
    return cycles;
  }

  /** The kernel shim translated a user address (one page): the TLBs, and a walk on a miss. */
  translate(vaLo: number, vaHi: number, asid: number): number {
    const cycles = this.mem.kernelTranslate(vaLo, vaHi, asid);
    if (cycles > 0) this.advance(cycles);
    return cycles;
  }

  /** Cycles per iteration of a loop (memoized): its body run on a fresh core of this profile. */
  loopCost(loop: KernelLoop): { cpi: number; length: number; uops: number } {
    const known = this.loopCpi.get(loop.name);
    if (known) return known;
    const descs = assembleLoop(loop.source).map((w) => buildDesc(w, decode(w), this.entries, this.units, this.groupIndex, this.config.core.issueWidth));
    const core = this.newCore();
    const WARM = 64;
    const RUN = 256;
    let start = 0;
    for (let i = 0; i < WARM + RUN; i++) {
      if (i === WARM) start = core.cycles();
      for (const d of descs) core.issue(d, 0, 0);
    }
    const result = { cpi: (core.cycles() - start) / RUN, length: descs.length, uops: descs.reduce((a, d) => a + d.uops, 0) };
    this.loopCpi.set(loop.name, result);
    return result;
  }

  private advance(cycles: number): void {
    this.core.drain(cycles, Stall.None);
  }

  invalidateTlbs(): void {
    this.mem.invalidateTlbs();
  }

  report(): TimingReport {
    this.setKernelMode(this.kernelMode);
    const now = this.core.cycles();
    const open = now - this.modeSince;
    const m = this.mem;
    const stalls: Record<string, number> = {};
    STALL_NAMES.forEach((n, i) => {
      if (i !== 0) stalls[n] = this.core.stalls[i];
    });
    const hm = (s: { hits: number; misses: number }): HitMissStats => ({ hits: s.hits, misses: s.misses });
    return {
      cpu: this.config.name,
      cycles: now,
      stalls,
      caches: {
        l1i: hm(m.l1i.stats),
        l1d: { ...hm(m.l1d.stats), writebacks: m.l1d.stats.writebacks },
        l2: { ...hm(m.l2.stats), writebacks: m.l2.stats.writebacks },
        tagCache: hm(m.tagCache.stats),
        dramAccesses: m.stats.dramAccesses,
      },
      tlb: {
        l1i: hm(m.itlb.stats),
        l1d: hm(m.dtlb.stats),
        l2: hm(m.l2tlb.stats),
        walks: m.stats.walks,
        walkCycles: m.stats.walkCycles,
        walkDescriptorReads: m.stats.walkDescriptorReads,
        walkCacheHits: m.stats.walkCacheHits,
      },
      branches: { ...this.bp.stats },
      mte: {
        tagChecks: { ...m.stats.tagChecks },
        tagCheckCycles: m.stats.tagCheckCycles,
        tagLoads: m.stats.tagLoads,
        tagStores: m.stats.tagStores,
      },
      exceptions: { entries: Object.fromEntries(this.exceptionCounts), returns: this.exceptionReturns, cycles: this.exceptionCycles },
      kernel: {
        cycles: this.kernelCycles + (this.kernelMode ? open : 0),
        guestCycles: this.guestCycles + (this.kernelMode ? 0 : open),
        workCharges: this.work.charges,
        workCycles: this.work.cycles,
        equivalentInstructions: this.work.instructions,
        memoryAccesses: this.work.memoryAccesses,
      },
      storeBufferStalls: m.stats.storeBufferStalls,
    };
  }

  /** Names of the pipeline units (for reports). */
  get unitList(): readonly string[] {
    return this.unitNames;
  }
}

export type { MemoryStats };

/**
 * Numbers pipeline groups for descriptors. A group with at least `width` units of its own (no
 * other group shares them) that every class holds for one cycle can never delay an instruction
 * past what the issue width already allows: it gets -1 and costs the in-order core nothing.
 */
function groupIndexer(names: string[], groups: Record<string, string[]>, units: Record<SchedClass, UnitUse[]>, width: number): (name: string) => number {
  const free = new Set<string>();
  for (const g of names) {
    const own = groups[g];
    if (own.length < width) continue;
    const shared = names.some((o) => o !== g && groups[o].some((u) => own.includes(u)));
    const multi = Object.values(units).some((uses) => uses.filter((u) => u.group === g).some((u, _, all) => u.cycles !== 1 || all.length > 1));
    if (!shared && !multi) free.add(g);
  }
  return (name) => (free.has(name) ? -1 : names.indexOf(name));
}

/** Assembles a loop body (GNU syntax) to instruction words. */
function assembleLoop(source: string): number[] {
  const { errors, image } = assemble(source, { file: 'kernel-loop.s', base: 0x400000n });
  if (!image) throw new Error(`kernel loop: ${errors.map((e) => e.format()).join('; ')}`);
  const text = image.segments[0];
  const words: number[] = [];
  for (let i = 0; i + 4 <= text.data.length; i += 4) words.push((text.data[i] | (text.data[i + 1] << 8) | (text.data[i + 2] << 16) | (text.data[i + 3] << 24)) >>> 0);
  return words;
}
