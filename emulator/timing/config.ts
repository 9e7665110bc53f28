// CPU profiles for the cycle model (DESIGN.md decision 8) and the JSON overrides a researcher
// gives with `--timing-config FILE.json`. Every number carries its source: LLVM 19's scheduling
// models (AArch64SchedA510.td, AArch64SchedNeoverseN2.td, checked against what `llvm-mca-19`
// reports), the anchors in reference/perf-anchors.md, or "assumption" where no source gave a
// figure (those are the knobs to turn first when a measurement disagrees).
//
// The per-instruction latencies and pipeline resources are in sched.ts (and overridable here as
// `sched.CLASS.latency` and so on); this file holds the machine-level parameters: widths,
// window, predictor, caches, TLBs, MTE and exception costs.

import { parseUnits, SCHED, SCHED_CLASSES, type SchedEntry, type SchedTable } from './sched.js';

export type CpuName = 'cortex-a510' | 'neoverse-n2';
export const CPU_NAMES: readonly CpuName[] = ['cortex-a510', 'neoverse-n2'];

export interface CacheParams {
  /** Capacity in bytes. */
  size: number;
  ways: number;
  /** Line size in bytes (a power of two). */
  line: number;
  /**
   * Cycles added to an access that misses the level above and hits this one (for L1, added to
   * every hit: 0 because the instruction's latency already is an L1 hit's).
   */
  latency: number;
}

export interface TlbParams {
  /** Entries (fully associative with LRU when `ways` equals `entries`). */
  entries: number;
  ways: number;
  /** Cycles added when a lookup misses the level above and hits this one (for L1 TLBs: every hit). */
  latency: number;
}

export interface TimingConfig {
  /** Profile name (printed with --stats): selects the pipelines the sched entries name. */
  name: CpuName;
  core: {
    /** 'in-order' (a register scoreboard, llvm-mca's in-order pipeline) or 'out-of-order' (a window). */
    kind: 'in-order' | 'out-of-order';
    /** µops issued (in-order) or dispatched (out-of-order) per cycle. */
    issueWidth: number;
    /** Out-of-order only: instructions (MOPs) dispatched per cycle, besides the µop width. */
    decodeWidth: number;
    /** Out-of-order only: the reorder window in µops. */
    robSize: number;
    /** Cycles from a mispredicted branch's execution until the right path issues again. */
    mispredictPenalty: number;
    /** Front-end bubble for a taken branch whose target misses the BTB (redirect at decode). */
    btbMissPenalty: number;
    /** Pipeline drain and vector fetch on exception entry, and on exception return (ERET). */
    exceptionEntry: number;
    exceptionReturn: number;
    /** Extra cycles for a context synchronization (ISB) or a DSB after the pipeline drains. */
    serialize: number;
  };
  branch: {
    /** Pattern history table entries (2-bit counters, gshare indexed by PC ^ history). */
    phtEntries: number;
    /** Global history bits folded into the index (0: bimodal). */
    historyBits: number;
    btbEntries: number;
    btbWays: number;
    /** Return address stack depth. */
    rasEntries: number;
  };
  memory: {
    l1i: CacheParams;
    l1d: CacheParams;
    l2: CacheParams;
    /** Cycles added by an access that misses the last cache level. */
    dramLatency: number;
    /** Store buffer entries: stores that miss occupy one until their line arrives. */
    storeBuffer: number;
  };
  tlb: {
    l1i: TlbParams;
    l1d: TlbParams;
    l2: TlbParams;
    /** Entries of the walk cache (table descriptors of levels 0-2). */
    walkCacheEntries: number;
    /** Fixed cycles of a walk, besides its descriptor reads (which go through L1D/L2/DRAM). */
    walkLatency: number;
  };
  mte: {
    /** The allocation-tag cache: lines of tags (a 64-byte line holds the tags of 2 KiB of data). */
    tagCache: { entries: number; ways: number; line: number };
    /** Cycles a tag check adds to a checked access whose tags hit the tag cache, per TCF mode. */
    checkCycles: { sync: number; async: number; asymm: number };
    /**
     * Extra cycles for each granule whose tag a tag store writes (STG/ST2G/STZG/STZ2G/STGP/
     * STGM/STZGM, DC GVA/GZVA), besides the instruction's own cost (sched.ts).
     */
    tagStoreCycles: number;
    /** Extra cycles for each block DC ZVA, DC GZVA or STZGM zeroes, besides the instruction's own cost. */
    dcZeroCycles: number;
  };
  /** Per instruction class: latency, µops, pipelines (sched.ts). */
  sched: SchedTable;
}

/**
 * Cortex-A510 (in-order). Core: AArch64SchedA510.td (IssueWidth 3, MicroOpBufferSize 0,
 * `llvm-mca-19 -mcpu=cortex-a510` reports "Dispatch Width: 3"). Mispredict: 8 cycles, an
 * 8-stage pipeline redirected from the first execute stage (chipsandcheese.com, "Arm's Cortex
 * A510: Two Kids in a Trench Coat"; perf-anchors.md §2.1). Caches: 32 KiB 4-way L1I/L1D (one of
 * the two sizes Arm offers, wikichip), L2 256 KiB (0-512 KiB per cluster). TLB sizes: Cortex-A53
 * values (10-entry micro TLBs, 512-entry 4-way main TLB, 64-entry walk cache), flagged as an
 * assumption in perf-anchors.md §2.2.
 */
const CORTEX_A510: TimingConfig = {
  name: 'cortex-a510',
  core: {
    kind: 'in-order',
    issueWidth: 3,
    decodeWidth: 3,
    robSize: 0,
    mispredictPenalty: 8,
    btbMissPenalty: 2, // assumption: a decode-stage redirect (3 of the 8 stages are decode)
    exceptionEntry: 20, // assumption: drain (≈ pipeline depth) + vector fetch
    exceptionReturn: 12, // assumption
    serialize: 8, // assumption: a pipeline refill
  },
  branch: {
    // perf-anchors.md §2.6: "A510 borrows its big-core predictor, so use gshare with about 4-8 k entries".
    phtEntries: 4096,
    historyBits: 10,
    btbEntries: 512, // assumption
    btbWays: 4,
    rasEntries: 8, // assumption (gem5 HPI: 8)
  },
  memory: {
    l1i: { size: 32 * 1024, ways: 4, line: 64, latency: 0 },
    l1d: { size: 32 * 1024, ways: 4, line: 64, latency: 0 },
    // L2 hit: "adds about 9-13 cycles" (perf-anchors.md §2.6.4: A76 9, gem5 HPI 13+5).
    l2: { size: 256 * 1024, ways: 8, line: 64, latency: 9 },
    dramLatency: 150, // perf-anchors.md §2.6.4: default 150, an assumption with no source
    storeBuffer: 5, // gem5 HPI store buffer (perf-anchors.md §2.5)
  },
  tlb: {
    l1i: { entries: 10, ways: 10, latency: 0 },
    l1d: { entries: 10, ways: 10, latency: 0 },
    l2: { entries: 512, ways: 4, latency: 2 }, // assumption: latency
    walkCacheEntries: 64,
    walkLatency: 4, // assumption
  },
  mte: {
    tagCache: { entries: 32, ways: 4, line: 64 }, // assumption: the tag cache is undocumented
    // perf-anchors.md §2.4: "charge no extra cycles for a tag check that hits".
    checkCycles: { sync: 0, async: 0, asymm: 0 },
    tagStoreCycles: 0, // §2.6.5: tag stores are charged as stores (their tag lines go through the tag cache)
    dcZeroCycles: 0, // llvm-mca 19: DC is a 1-cycle system op (WriteSys); the block is a store through L1D
  },
  sched: SCHED['cortex-a510'],
};

/**
 * Neoverse N2 (out-of-order; Cortex-A710 uses the same LLVM model). AArch64SchedNeoverseN2.td
 * in LLVM 19: IssueWidth 10 ("Micro-ops dispatched at a time"; the N2 software optimization
 * guide: up to 5 MOPs and 10 µops dispatched per cycle), MicroOpBufferSize 160, LoadLatency 4,
 * MispredictPenalty 10. Caches: 64 KiB 4-way L1I/L1D (perf-anchors.md §2.6.4), L2 1 MiB. TLBs:
 * Cortex-A76 values (48-entry L1 iTLB/dTLB, 1280-entry 5-way L2 TLB "usually three cycles"),
 * flagged as an assumption in perf-anchors.md §2.2.
 */
const NEOVERSE_N2: TimingConfig = {
  name: 'neoverse-n2',
  core: {
    kind: 'out-of-order',
    issueWidth: 10,
    // The N2 software optimization guide decodes and renames up to 5 MOPs per cycle; LLVM 19's
    // model (and llvm-mca, which the validation compares with) limits only the 10 µops. The
    // default follows LLVM 19; set 5 for the guide's limit (dense single-µop code then runs at
    // most 5 instructions per cycle).
    decodeWidth: 10,
    robSize: 160,
    mispredictPenalty: 10,
    btbMissPenalty: 2, // assumption
    exceptionEntry: 30, // assumption: drain of the window + vector fetch
    exceptionReturn: 20, // assumption
    serialize: 10, // assumption: a front-end refill
  },
  branch: {
    phtEntries: 8192, // assumption
    historyBits: 12,
    btbEntries: 4096, // assumption
    btbWays: 4,
    rasEntries: 16, // assumption
  },
  memory: {
    l1i: { size: 64 * 1024, ways: 4, line: 64, latency: 0 },
    l1d: { size: 64 * 1024, ways: 4, line: 64, latency: 0 },
    l2: { size: 1024 * 1024, ways: 8, line: 64, latency: 9 }, // A76 L2: 9 cycles (perf-anchors.md §2.2)
    dramLatency: 150,
    storeBuffer: 16, // assumption
  },
  tlb: {
    l1i: { entries: 48, ways: 48, latency: 0 },
    l1d: { entries: 48, ways: 48, latency: 0 },
    l2: { entries: 1280, ways: 5, latency: 3 },
    walkCacheEntries: 64,
    walkLatency: 4, // assumption
  },
  mte: {
    tagCache: { entries: 64, ways: 4, line: 64 }, // assumption
    checkCycles: { sync: 0, async: 0, asymm: 0 },
    tagStoreCycles: 0,
    dcZeroCycles: 0,
  },
  sched: SCHED['neoverse-n2'],
};

export const PROFILES: Readonly<Record<CpuName, TimingConfig>> = { 'cortex-a510': CORTEX_A510, 'neoverse-n2': NEOVERSE_N2 };

/** A user error in a timing configuration (unknown parameter, wrong type, bad value). */
export class TimingConfigError extends Error {}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Deep copy of plain data. */
function clone<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/**
 * Applies `overrides` (parsed JSON) to a copy of `base`: every key must name an existing
 * parameter and keep its type; numbers must be finite and non-negative. Returns the merged
 * configuration. Errors name the parameter's path (`memory.l1d.size`).
 */
export function applyOverrides(base: TimingConfig, overrides: unknown, where = ''): TimingConfig {
  const out = clone(base);
  merge(out as unknown as Record<string, Json>, overrides as Json, where);
  validate(out);
  return out;
}

function merge(target: Record<string, Json>, src: Json, path: string): void {
  if (src === null || typeof src !== 'object' || Array.isArray(src)) throw new TimingConfigError(`${path || 'timing config'}: expected an object`);
  for (const [k, v] of Object.entries(src)) {
    const p = path ? `${path}.${k}` : k;
    if (!(k in target)) throw new TimingConfigError(`unknown timing parameter '${p}'`);
    const cur = target[k];
    if (cur !== null && typeof cur === 'object' && !Array.isArray(cur)) {
      merge(cur as Record<string, Json>, v, p);
      continue;
    }
    if (typeof v !== typeof cur) throw new TimingConfigError(`timing parameter '${p}' must be a ${typeof cur}, not ${JSON.stringify(v)}`);
    if (typeof v === 'number' && (!Number.isFinite(v) || v < 0)) throw new TimingConfigError(`timing parameter '${p}' must be a finite number ≥ 0, not ${v}`);
    target[k] = v;
  }
}

const isPow2 = (n: number): boolean => Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;

function validate(c: TimingConfig): void {
  if (!CPU_NAMES.includes(c.name)) throw new TimingConfigError(`name must be one of ${CPU_NAMES.join(', ')} (it selects the pipelines), not '${c.name}'`);
  for (const cls of SCHED_CLASSES) {
    const en: SchedEntry = c.sched[cls];
    try {
      parseUnits(en.units, c.name);
    } catch (e) {
      throw new TimingConfigError(`sched.${cls}.units: ${(e as Error).message}`);
    }
    if (!Number.isInteger(en.uops) || en.uops < 1) throw new TimingConfigError(`sched.${cls}.uops must be a positive integer`);
  }
  if (c.core.kind !== 'in-order' && c.core.kind !== 'out-of-order') throw new TimingConfigError(`core.kind must be 'in-order' or 'out-of-order', not '${c.core.kind}'`);
  const positiveInts: [string, number][] = [
    ['core.issueWidth', c.core.issueWidth], ['core.decodeWidth', c.core.decodeWidth],
    ['branch.phtEntries', c.branch.phtEntries], ['branch.btbEntries', c.branch.btbEntries], ['branch.btbWays', c.branch.btbWays],
    ['memory.storeBuffer', c.memory.storeBuffer], ['tlb.l1i.entries', c.tlb.l1i.entries], ['tlb.l1d.entries', c.tlb.l1d.entries],
    ['tlb.l2.entries', c.tlb.l2.entries], ['mte.tagCache.entries', c.mte.tagCache.entries],
  ];
  if (c.core.kind === 'out-of-order') positiveInts.push(['core.robSize', c.core.robSize]);
  for (const [name, v] of positiveInts) if (!Number.isInteger(v) || v < 1) throw new TimingConfigError(`${name} must be a positive integer, not ${v}`);
  if (!isPow2(c.branch.phtEntries)) throw new TimingConfigError(`branch.phtEntries must be a power of two, not ${c.branch.phtEntries}`);
  for (const [name, p] of [['memory.l1i', c.memory.l1i], ['memory.l1d', c.memory.l1d], ['memory.l2', c.memory.l2]] as const) {
    if (!isPow2(p.line) || p.line < 16) throw new TimingConfigError(`${name}.line must be a power of two ≥ 16, not ${p.line}`);
    const sets = p.size / (p.ways * p.line);
    if (!Number.isInteger(p.ways) || p.ways < 1 || !isPow2(sets)) throw new TimingConfigError(`${name}: size / (ways × line) must be a power of two (got ${p.size} / (${p.ways} × ${p.line}))`);
  }
  for (const [name, t] of [['tlb.l1i', c.tlb.l1i], ['tlb.l1d', c.tlb.l1d], ['tlb.l2', c.tlb.l2], ['mte.tagCache', c.mte.tagCache]] as const) {
    if (!Number.isInteger(t.ways) || t.ways < 1 || t.entries % t.ways !== 0 || !isPow2(t.entries / t.ways)) {
      throw new TimingConfigError(`${name}: entries / ways must be a power of two (got ${t.entries} / ${t.ways})`);
    }
  }
  if (!isPow2(c.mte.tagCache.line)) throw new TimingConfigError(`mte.tagCache.line must be a power of two, not ${c.mte.tagCache.line}`);
  if (c.branch.btbEntries % c.branch.btbWays !== 0 || !isPow2(c.branch.btbEntries / c.branch.btbWays)) {
    throw new TimingConfigError(`branch: btbEntries / btbWays must be a power of two`);
  }
}

/**
 * The configuration for `--cpu NAME` with the overrides of a `--timing-config` file (parsed
 * JSON; `cpu` in the file may name the base profile instead of `--cpu`).
 */
export function resolveTimingConfig(cpu: string, overrides?: unknown): TimingConfig {
  let base = cpu;
  let rest = overrides;
  if (overrides !== undefined && overrides !== null && typeof overrides === 'object' && !Array.isArray(overrides) && 'cpu' in overrides) {
    const { cpu: fileCpu, ...others } = overrides as Record<string, unknown>;
    if (typeof fileCpu !== 'string') throw new TimingConfigError(`timing config: 'cpu' must be a profile name`);
    base = fileCpu;
    rest = others;
  }
  const profile = PROFILES[base as CpuName];
  if (!profile) throw new TimingConfigError(`unknown CPU model '${base}' (models: none, ${CPU_NAMES.join(', ')})`);
  return rest === undefined ? clone(profile) : applyOverrides(profile, rest);
}
