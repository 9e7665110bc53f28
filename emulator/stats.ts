// Run statistics for --stats, --stats-file and the API: instruction and exception counts, TLB
// and memory-path figures, and with a timing model (`--cpu cortex-a510|neoverse-n2`) the cycles
// and the model's own figures (stalls by cause, cache/TLB hits and misses per level, branches,
// MTE, exceptions by class, kernel shim vs guest cycles) with the configuration used. In
// functional mode (`--cpu none`) cycles are not modelled and reported as null.

import type { Machine } from './machine.js';
import type { TimingConfig } from './timing/config.js';
import type { TimingReport } from './timing/model.js';

const EC_NAMES: Record<number, string> = {
  0x00: 'undefined', 0x01: 'wfx-trap', 0x07: 'fp-trap', 0x0e: 'illegal-state', 0x15: 'svc', 0x18: 'sysreg-trap',
  0x20: 'instruction-abort-lower', 0x21: 'instruction-abort', 0x22: 'pc-alignment', 0x24: 'data-abort-lower',
  0x25: 'data-abort', 0x26: 'sp-alignment', 0x3c: 'brk',
};

export interface RunStats {
  cpu: string;
  instructions: number;
  cycles: number | null;
  ipc: number | null;
  exceptions: Record<string, number>;
  tlb: { hits: number; misses: number; walks: number; evictions: number; invalidations: number; hostMisses: number };
  tags: { checks: number; faults: number };
  /** The cycle model's figures (absent in functional mode). */
  timing?: TimingStats;
  /** The configuration the model ran with (profile plus --timing-config overrides). */
  timingConfig?: TimingConfig;
}

/** The timing model's report with exception classes named. */
export type TimingStats = Omit<TimingReport, 'exceptions'> & {
  exceptions: { entries: Record<string, number>; returns: number; cycles: number };
};

/** The name --stats uses for an exception class (ESR_EL1.EC). */
export function exceptionClassName(ec: number): string {
  return EC_NAMES[ec] ?? `ec-0x${ec.toString(16)}`;
}

export function collectStats(m: Machine, cpuModel = m.timing?.name ?? 'none'): RunStats {
  const exceptions: Record<string, number> = {};
  for (const [ec, n] of m.exceptionCounts) exceptions[exceptionClassName(ec)] = n;
  const t = m.mmu.tlb.stats;
  const s = m.mmu.stats;
  const stats: RunStats = {
    cpu: cpuModel,
    instructions: m.instructions,
    cycles: null,
    ipc: null,
    exceptions,
    tlb: { hits: t.hits, misses: t.misses, walks: s.walks, evictions: t.evictions, invalidations: t.invalidations, hostMisses: s.hostMisses },
    tags: { checks: s.tagChecks, faults: s.tagFaults },
  };
  if (m.timing) {
    const r = m.timing.report();
    const entries: Record<string, number> = {};
    for (const [ec, n] of Object.entries(r.exceptions.entries)) entries[exceptionClassName(Number(ec))] = n;
    stats.cycles = r.cycles;
    stats.ipc = r.cycles > 0 ? m.instructions / r.cycles : 0;
    stats.timing = { ...r, exceptions: { ...r.exceptions, entries } };
    stats.timingConfig = m.timing.config;
  }
  return stats;
}

export function formatStats(s: RunStats): string {
  const lines = [
    `instructions: ${s.instructions}`,
    `cycles:       ${s.cycles ?? 'not modelled (--cpu none)'}${s.ipc === null ? '' : `  (IPC ${s.ipc.toFixed(3)}, ${s.cpu})`}`,
    `exceptions:   ${Object.entries(s.exceptions).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`,
    `TLB:          ${s.tlb.hits} hits, ${s.tlb.misses} misses, ${s.tlb.walks} walks, ${s.tlb.invalidations} invalidated`,
    `tag checks:   ${s.tags.checks} slow-path checks, ${s.tags.faults} tag check failures`,
  ];
  const t = s.timing;
  if (t) {
    const hm = (x: { hits: number; misses: number }): string => `${x.hits} hits, ${x.misses} misses`;
    const stalls = Object.entries(t.stalls).filter(([, v]) => v > 0);
    lines.push(
      `stall cycles: ${stalls.map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`,
      `L1I:          ${hm(t.caches.l1i)}`,
      `L1D:          ${hm(t.caches.l1d)}, ${t.caches.l1d.writebacks} writebacks`,
      `L2:           ${hm(t.caches.l2)}, ${t.caches.dramAccesses} DRAM accesses`,
      `tag cache:    ${hm(t.caches.tagCache)}`,
      `L1 iTLB:      ${hm(t.tlb.l1i)}`,
      `L1 dTLB:      ${hm(t.tlb.l1d)}`,
      `L2 TLB:       ${hm(t.tlb.l2)}, ${t.tlb.walks} walks (${t.tlb.walkCycles} cycles, ${t.tlb.walkDescriptorReads} descriptor reads, ${t.tlb.walkCacheHits} walk-cache hits)`,
      `branches:     ${t.branches.branches} (${t.branches.conditional} conditional, ${t.branches.taken} taken), ${t.branches.mispredicts} mispredicted, ${t.branches.btbMisses} BTB misses`,
      `MTE:          tag checks sync ${t.mte.tagChecks.sync}, async ${t.mte.tagChecks.async}, asymm ${t.mte.tagChecks.asymm} (${t.mte.tagCheckCycles} cycles); ${t.mte.tagLoads} tag loads, ${t.mte.tagStores} tag stores`,
      `exception entries: ${Object.entries(t.exceptions.entries).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}; ${t.exceptions.returns} returns (${t.exceptions.cycles} cycles)`,
      `kernel shim:  ${t.kernel.cycles} cycles (${t.kernel.workCharges} work charges: ${t.kernel.workCycles} cycles, ${t.kernel.equivalentInstructions} equivalent instructions, ${t.kernel.memoryAccesses} line accesses); guest ${t.kernel.guestCycles} cycles`,
    );
  }
  if (s.timingConfig) lines.push(`timing config: ${describeConfig(s.timingConfig)}`);
  return lines.map((l) => `granule: ${l}`).join('\n') + '\n';
}

/** One line with the parameters a researcher is most likely to turn (the JSON has them all). */
function describeConfig(c: TimingConfig): string {
  const kib = (n: number): string => (n >= 1024 * 1024 ? `${n / (1024 * 1024)} MiB` : `${n / 1024} KiB`);
  const m = c.memory;
  return [
    `${c.name} ${c.core.kind}, width ${c.core.issueWidth}${c.core.kind === 'out-of-order' ? `, window ${c.core.robSize}, decode ${c.core.decodeWidth}` : ''}, mispredict ${c.core.mispredictPenalty}`,
    `L1I ${kib(m.l1i.size)}/${m.l1i.ways}-way, L1D ${kib(m.l1d.size)}/${m.l1d.ways}-way, L2 ${kib(m.l2.size)}/${m.l2.ways}-way +${m.l2.latency}, DRAM +${m.dramLatency}`,
    `dTLB ${c.tlb.l1d.entries}, L2 TLB ${c.tlb.l2.entries}/${c.tlb.l2.ways}-way +${c.tlb.l2.latency}`,
    `tag cache ${c.mte.tagCache.entries}×${c.mte.tagCache.line} B, tag check +${c.mte.checkCycles.sync}/${c.mte.checkCycles.async}/${c.mte.checkCycles.asymm} (sync/async/asymm)`,
    `exception entry ${c.core.exceptionEntry}, return ${c.core.exceptionReturn}`,
  ].join('; ');
}
