// Run statistics for --stats, --stats-file and the API: instruction and exception counts, TLB
// and memory-path figures. Cycles come from a timing model; in functional mode (`--cpu none`)
// they are not modelled and reported as null.

import type { Machine } from './machine.js';

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
}

export function collectStats(m: Machine, cpuModel: string): RunStats {
  const exceptions: Record<string, number> = {};
  for (const [ec, n] of m.exceptionCounts) exceptions[EC_NAMES[ec] ?? `ec-0x${ec.toString(16)}`] = n;
  const t = m.mmu.tlb.stats;
  const s = m.mmu.stats;
  return {
    cpu: cpuModel,
    instructions: m.instructions,
    cycles: null,
    ipc: null,
    exceptions,
    tlb: { hits: t.hits, misses: t.misses, walks: s.walks, evictions: t.evictions, invalidations: t.invalidations, hostMisses: s.hostMisses },
    tags: { checks: s.tagChecks, faults: s.tagFaults },
  };
}

export function formatStats(s: RunStats): string {
  const lines = [
    `instructions: ${s.instructions}`,
    `cycles:       ${s.cycles ?? 'not modelled (--cpu none)'}`,
    `exceptions:   ${Object.entries(s.exceptions).map(([k, v]) => `${k} ${v}`).join(', ') || 'none'}`,
    `TLB:          ${s.tlb.hits} hits, ${s.tlb.misses} misses, ${s.tlb.walks} walks, ${s.tlb.invalidations} invalidated`,
    `tag checks:   ${s.tags.checks} slow-path checks, ${s.tags.faults} tag check failures`,
  ];
  return lines.map((l) => `granule: ${l}`).join('\n') + '\n';
}
