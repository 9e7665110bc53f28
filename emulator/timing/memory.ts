// The memory side of the cycle model: L1 iTLB/dTLB and a shared L2 TLB with page walks whose
// descriptor reads go through the data caches (and a walk cache for table descriptors), L1I,
// L1D and L2 tag arrays with DRAM behind them, a store buffer, and an allocation-tag cache for
// tag checks and tag stores. It only counts and times: the functional memory path (mmu/) has
// already moved the data. Accesses are reported while an instruction executes; the core reads
// the resulting delays (`extra`, `pre`) when it issues that instruction.

import type { PhysMem } from '../../mmu/physmem.js';
import { walkStage1, type TranslationRegs } from '../../mmu/walk.js';
import { SetAssocCache, TlbModel } from './cache.js';
import type { TimingConfig } from './config.js';

/** Tags live beside RAM in their own physical space: the tag byte of pa is at TAG_SPACE + pa / 32. */
const TAG_SPACE = 2 ** 49;

export interface MemoryStats {
  dramAccesses: number;
  walks: number;
  walkCycles: number;
  walkDescriptorReads: number;
  walkCacheHits: number;
  tagChecks: { sync: number; async: number; asymm: number };
  tagCheckCycles: number;
  tagStores: number;
  tagLoads: number;
  storeBufferStalls: number;
  kernelAccesses: number;
}

/** VA bits [55:12]: the page number the TLB models key on (TBI and sign extension removed). */
export const vpnOf = (vaLo: number, vaHi: number): number => (vaHi & 0x00ffffff) * 1048576 + (vaLo >>> 12);

export class MemoryModel {
  readonly l1i: SetAssocCache;
  readonly l1d: SetAssocCache;
  readonly l2: SetAssocCache;
  readonly tagCache: SetAssocCache;
  readonly itlb: TlbModel;
  readonly dtlb: TlbModel;
  readonly l2tlb: TlbModel;
  private readonly walkCache: SetAssocCache;
  private readonly l1Line: number;
  private readonly l2Line: number;
  private readonly iLine: number;
  private readonly tagLine: number;
  private readonly l2Latency: number;
  private readonly l1dLatency: number;
  private readonly l1iLatency: number;
  private readonly dtlbLatency: number;
  private readonly itlbLatency: number;
  private readonly tagStoreCycles: number;
  private readonly dcZeroCycles: number;
  private readonly dram: number;
  private readonly l2TlbLatency: number;
  private readonly walkLatency: number;
  private readonly descLatency: number;
  private readonly check: Float64Array;
  private readonly storeBuffer: Float64Array;
  private sbHead = 0;
  /** Delays of the instruction being executed: result latency added, and cycles before it issues. */
  extra = 0;
  pre = 0;
  readonly stats: MemoryStats = {
    dramAccesses: 0, walks: 0, walkCycles: 0, walkDescriptorReads: 0, walkCacheHits: 0,
    tagChecks: { sync: 0, async: 0, asymm: 0 }, tagCheckCycles: 0, tagStores: 0, tagLoads: 0, storeBufferStalls: 0, kernelAccesses: 0,
  };
  private readonly trace: number[] = [];

  constructor(
    readonly config: TimingConfig,
    /** Cycles an L1 hit takes for a load (the walk's descriptor reads pay it). */
    loadLatency: number,
    private readonly regs: TranslationRegs,
    private readonly mem: PhysMem,
    /** The core's current cycle (store buffer timing). */
    private readonly now: () => number,
  ) {
    const m = config.memory;
    this.l1i = new SetAssocCache(m.l1i.size / m.l1i.line, m.l1i.ways);
    this.l1d = new SetAssocCache(m.l1d.size / m.l1d.line, m.l1d.ways);
    this.l2 = new SetAssocCache(m.l2.size / m.l2.line, m.l2.ways);
    const t = config.mte.tagCache;
    this.tagCache = new SetAssocCache(t.entries, t.ways);
    this.itlb = new TlbModel(config.tlb.l1i.entries, config.tlb.l1i.ways);
    this.dtlb = new TlbModel(config.tlb.l1d.entries, config.tlb.l1d.ways);
    this.l2tlb = new TlbModel(config.tlb.l2.entries, config.tlb.l2.ways);
    const wc = Math.max(1, config.tlb.walkCacheEntries);
    this.walkCache = new SetAssocCache(wc, wc);
    this.l1Line = m.l1d.line;
    this.iLine = m.l1i.line;
    this.l2Line = m.l2.line;
    this.tagLine = t.line;
    this.l2Latency = m.l2.latency;
    this.l1dLatency = m.l1d.latency;
    this.l1iLatency = m.l1i.latency;
    this.dtlbLatency = config.tlb.l1d.latency;
    this.itlbLatency = config.tlb.l1i.latency;
    this.tagStoreCycles = config.mte.tagStoreCycles;
    this.dcZeroCycles = config.mte.dcZeroCycles;
    this.dram = m.dramLatency;
    this.l2TlbLatency = config.tlb.l2.latency;
    this.walkLatency = config.tlb.walkLatency;
    this.descLatency = loadLatency;
    const c = config.mte.checkCycles;
    this.check = Float64Array.of(0, c.sync, c.async, c.asymm);
    this.storeBuffer = new Float64Array(Math.max(1, m.storeBuffer));
  }

  /** Takes the delays accumulated by the instruction just executed. */
  takeDelays(): void {
    this.extra = 0;
    this.pre = 0;
  }

  /** Cycles an access to the line holding `pa` costs beyond an L1 hit (and fills the caches). */
  private cacheCost(l1: SetAssocCache, lineSize: number, pa: number, write: boolean): number {
    if (l1.access(Math.floor(pa / lineSize), write)) return l1 === this.l1d ? this.l1dLatency : this.l1iLatency;
    if (this.l2.access(Math.floor(pa / this.l2Line), write)) return this.l2Latency;
    this.stats.dramAccesses++;
    return this.l2Latency + this.dram;
  }

  /** Cycles to translate va through the TLBs (0 on an L1 TLB hit); walks on a miss. */
  private translate(l1: TlbModel, vaLo: number, vaHi: number, asid: number): number {
    const vpn = vpnOf(vaLo, vaHi);
    const a = asid & 0xff;
    if (l1.lookup(vpn, a)) return l1 === this.dtlb ? this.dtlbLatency : this.itlbLatency;
    if (this.l2tlb.lookup(vpn, a)) {
      l1.insert(vpn, a, 12, false);
      return this.l2TlbLatency;
    }
    return this.l2TlbLatency + this.walk(l1, vaLo, vaHi, vpn, a);
  }

  /**
   * A page walk: the descriptors the architectural walk reads (mmu/walk.ts), less the levels
   * whose table descriptor the walk cache holds, each read through L1D/L2/DRAM.
   */
  private walk(l1: TlbModel, vaLo: number, vaHi: number, vpn: number, asid: number): number {
    this.stats.walks++;
    const trace = this.trace;
    trace.length = 0;
    let leafLevel = 3;
    let size = 12;
    let global = false;
    try {
      const leaf = walkStage1(this.regs, this.mem, vaLo, vaHi, false, trace);
      leafLevel = leaf.level;
      size = leaf.sizeLog2;
      global = !leaf.nonGlobal;
    } catch {
      // A fault (stale architectural TLB): charge the reads it made.
      leafLevel = 3;
    }
    const first = leafLevel - trace.length + 1;
    // Walk-cache keys: the VA bits above the level a table descriptor translates (levels 0-2).
    let start = 0;
    for (let i = trace.length - 2; i >= 0; i--) {
      const level = first + i;
      if (this.walkCache.contains(walkKey(vpn, level))) {
        this.walkCache.access(walkKey(vpn, level), false);
        this.stats.walkCacheHits++;
        start = i + 1;
        break;
      }
    }
    let cycles = this.walkLatency;
    for (let i = start; i < trace.length; i++) {
      cycles += this.descLatency + this.cacheCost(this.l1d, this.l1Line, trace[i], false);
      this.stats.walkDescriptorReads++;
      if (i < trace.length - 1) this.walkCache.access(walkKey(vpn, first + i), false);
    }
    this.stats.walkCycles += cycles;
    if (trace.length > 0) {
      this.l2tlb.insert(vpn, asid, size, global);
      l1.insert(vpn, asid, size, global);
    }
    return cycles;
  }

  /**
   * A data access by the executing instruction: `check` is its tag-check mode (0 unchecked, 1
   * sync, 2 async, 3 asymmetric). Loads delay their result; stores take a store-buffer entry,
   * which a miss holds until its line arrives; TLB walks delay the instruction itself.
   */
  data(vaLo: number, vaHi: number, pa: number, size: number, write: boolean, check: number, translated: boolean, asid: number): void {
    if (translated) {
      const t = this.translate(this.dtlb, vaLo, vaHi, asid);
      if (t > this.pre) this.pre = t;
    }
    let cost = this.cacheCost(this.l1d, this.l1Line, pa, write);
    const last = pa + size - 1;
    if (Math.floor(last / this.l1Line) !== Math.floor(pa / this.l1Line)) {
      const c2 = this.cacheCost(this.l1d, this.l1Line, last, write);
      if (c2 > cost) cost = c2;
    }
    if (check !== 0) {
      const tc = this.tagCheck(pa, check);
      // Synchronous checks (and reads under the asymmetric mode) hold the access until the tags arrive.
      if (check === 1 || (check === 3 && !write)) cost += tc;
    }
    if (write) this.store(cost);
    else if (cost > this.extra) this.extra = cost;
  }

  private tagCheck(pa: number, mode: number): number {
    const s = this.stats.tagChecks;
    if (mode === 1) s.sync++;
    else if (mode === 2) s.async++;
    else s.asymm++;
    let cost = this.check[mode];
    cost += this.tagLineCost(pa, false);
    this.stats.tagCheckCycles += cost;
    return cost;
  }

  /** Looks up the tags of `pa` in the tag cache; a miss fetches the tag line through L2/DRAM. */
  private tagLineCost(pa: number, write: boolean): number {
    const tagPa = TAG_SPACE + pa / 32;
    if (this.tagCache.access(Math.floor(tagPa / this.tagLine), write)) return 0;
    if (this.l2.access(Math.floor(tagPa / this.l2Line), write)) return this.l2Latency;
    this.stats.dramAccesses++;
    return this.l2Latency + this.dram;
  }

  /** The store buffer: a store whose line misses holds an entry for `cost` cycles. */
  private store(cost: number): void {
    const sb = this.storeBuffer;
    const now = this.now();
    const free = sb[this.sbHead];
    let start = now;
    if (free > now) {
      this.stats.storeBufferStalls++;
      if (free - now > this.pre) this.pre = free - now;
      start = free;
    }
    sb[this.sbHead] = start + (cost > 0 ? cost : 1);
    this.sbHead = (this.sbHead + 1) % sb.length;
  }

  /** DC ZVA / DC GZVA zeroed a block: a store of its lines, plus the configured extra cycles. */
  zeroBlock(vaLo: number, vaHi: number, pa: number, size: number, translated: boolean, asid: number): void {
    this.data(vaLo, vaHi, pa, size, true, 0, translated, asid);
    if (this.dcZeroCycles > 0) this.pre += this.dcZeroCycles;
  }

  /** A tag load (LDG/LDGM) or tag store (STG family, DC G(Z)VA) of the granule at pa. */
  tagAccess(vaLo: number, vaHi: number, pa: number, write: boolean, translated: boolean, asid: number): void {
    if (translated) {
      const t = this.translate(this.dtlb, vaLo, vaHi, asid);
      if (t > this.pre) this.pre = t;
    }
    const cost = this.tagLineCost(pa, write);
    if (write) {
      this.stats.tagStores++;
      if (cost > 0) this.store(cost);
      if (this.tagStoreCycles > 0) this.pre += this.tagStoreCycles;
    } else {
      this.stats.tagLoads++;
      if (cost > this.extra) this.extra = cost;
    }
  }

  /**
   * An instruction fetch from a new line: iTLB (when translation is on) and L1I; returns the
   * cycles the front end waits.
   */
  fetch(vaLo: number, vaHi: number, pa: number, translated: boolean, asid: number, newPage: boolean): number {
    let cycles = 0;
    if (translated && newPage) cycles += this.translate(this.itlb, vaLo, vaHi, asid);
    cycles += this.cacheCost(this.l1i, this.iLine, pa, false);
    return cycles;
  }

  /**
   * Memory accesses the kernel shim makes on typed arrays (DESIGN.md decision 7): each line of
   * [pa, pa+size) goes through L1D/L2; returns the cycles they add (misses only).
   */
  kernelAccess(pa: number, size: number, write: boolean): number {
    let cycles = 0;
    const line = this.l1Line;
    for (let a = Math.floor(pa / line) * line; a < pa + size; a += line) {
      this.stats.kernelAccesses++;
      cycles += this.cacheCost(this.l1d, line, a, write);
    }
    return cycles;
  }

  /**
   * The miss cost of each line of [pa, pa+size) (0 for an L1D hit), through L1D/L2 in address
   * order, with the tag fetch of a checked access (`check`: the TCF mode, 0 for none), appended
   * to `out` (the kernel shim's copies, costed by the model's chargeKernelCopy).
   */
  kernelLines(pa: number, size: number, write: boolean, check: number, out: number[]): void {
    const line = this.l1Line;
    for (let a = Math.floor(pa / line) * line; a < pa + size; a += line) {
      this.stats.kernelAccesses++;
      let cost = this.cacheCost(this.l1d, line, a, write);
      if (check !== 0) {
        // One check per line stands for the accesses' checks of its granules: the tag line is
        // what costs; synchronous checks (and asymmetric reads) wait for it.
        const tc = this.tagCheck(a, check);
        if (check === 1 || (check === 3 && !write)) cost += tc;
      }
      out.push(cost);
    }
  }

  /** Store buffer entries (for the kernel shim's copies). */
  get storeBufferEntries(): number {
    return this.storeBuffer.length;
  }

  /** The kernel shim's translation of a user address (as LDTR/STTR would): dTLB, L2 TLB, walk. */
  kernelTranslate(vaLo: number, vaHi: number, asid: number): number {
    return this.translate(this.dtlb, vaLo, vaHi, asid);
  }

  /** TLBI: the model's TLBs follow the architectural ones (conservatively, all entries). */
  invalidateTlbs(): void {
    this.itlb.invalidateAll();
    this.dtlb.invalidateAll();
    this.l2tlb.invalidateAll();
    this.walkCache.invalidateAll();
  }
}

/**
 * Walk-cache key of the table descriptor read at `level` for page vpn: the VA bits from that
 * level's index up (VA >> (39 - 9 * level), i.e. vpn >> (27 - 9 * level)), tagged with the level.
 */
function walkKey(vpn: number, level: number): number {
  return Math.floor(vpn / 2 ** (27 - 9 * level)) * 4 + level;
}
