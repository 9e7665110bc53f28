// The timing descriptor of one decoded instruction: a fixed-shape record (so the cores' property
// loads stay monomorphic) with up to four source and four destination registers, up to three
// pipeline uses, and the latencies from the profile's class entry.

import { classify, DstKind, REG_NONE, REG_SINK, type BranchKind } from './classify.js';
import type { SchedClass, SchedEntry, UnitUse } from './sched.js';

export class TimingDesc {
  cls: SchedClass = 'system';
  mnemonic = '';
  uops = 1;
  /** Issue slots it needs in one cycle: min(uops, issue width). */
  need = 1;
  /** Instruction latency: the largest destination latency (or the entry's, without destinations). */
  lat = 1;
  /** The smallest destination latency (llvm-mca's first write-back, for in-order write-back order). */
  firstWB = 1;
  retireOOO = false;
  singleIssue = false;
  /** Sources: register numbers (REG_NONE when unused); a3: cycles source 3 may arrive late. */
  s0 = REG_NONE;
  s1 = REG_NONE;
  s2 = REG_NONE;
  s3 = REG_NONE;
  a3 = 0;
  /** Destinations and their latencies; `mN` is 1 when a memory delay postpones that result. */
  d0 = REG_SINK;
  d1 = REG_SINK;
  d2 = REG_SINK;
  d3 = REG_SINK;
  l0 = 0;
  l1 = 0;
  l2 = 0;
  l3 = 0;
  m0 = 0;
  m1 = 0;
  m2 = 0;
  m3 = 0;
  /** Pipeline uses: group indices into the core's groups (-1 unused) and cycles held. */
  g0 = -1;
  g1 = -1;
  g2 = -1;
  c0 = 0;
  c1 = 0;
  c2 = 0;
  branch: BranchKind = 0;
  flags = 0;
  /** 1 when the run loop must call the model after issue (memory, control flow, serializing). */
  special = 0;
  /**
   * 1 for the in-order core's fast path: one µop, at most one pipeline use of one cycle, not
   * SingleIssue nor RetireOOO, sources in slots 0-2 only, results in d0/d1 only, latency ≥ 1.
   */
  simple = 0;
}

/**
 * Builds the descriptor of `word` (table row `row`) from the class entries of a profile;
 * `groupIndex` maps a pipeline group name to the core's group number (-1: a group that can
 * never hold an instruction back, left out).
 */
export function buildDesc(word: number, row: number, entries: Record<SchedClass, SchedEntry>, units: Record<SchedClass, UnitUse[]>, groupIndex: (name: string) => number, width: number): TimingDesc {
  const c = classify(word, row);
  const en = entries[c.cls];
  const d = new TimingDesc();
  d.cls = c.cls;
  d.mnemonic = c.mnemonic;
  d.uops = en.uops;
  d.need = Math.min(en.uops, width);
  d.retireOOO = en.retireOOO;
  d.singleIssue = en.singleIssue;
  d.branch = c.branch;
  d.flags = c.flags;
  d.special = c.branch !== 0 || c.flags !== 0 ? 1 : 0;
  // Sources in slots 0-2 are needed at issue; slot 3 may arrive `a3` cycles late (a
  // multiply-accumulate's accumulator), so the accumulator goes there.
  const srcs = c.srcs.filter((_, i) => i !== c.accSrc).slice(0, c.accSrc >= 0 ? 3 : 4);
  while (srcs.length < 4) srcs.push(REG_NONE);
  if (c.accSrc >= 0) {
    srcs[3] = c.srcs[c.accSrc];
    d.a3 = en.accAdvance;
  }
  [d.s0, d.s1, d.s2, d.s3] = srcs;
  const dsts = c.dsts.slice(0, 4);
  const lats = dsts.map((x) => (x.kind === DstKind.Data ? en.latency : x.kind === DstKind.Data2 ? en.latency2 : en.writeback));
  const mem = dsts.map((x) => (x.kind === DstKind.Writeback ? 0 : 1));
  [d.d0, d.d1, d.d2, d.d3] = [...dsts.map((x) => x.reg), REG_SINK, REG_SINK, REG_SINK, REG_SINK];
  [d.l0, d.l1, d.l2, d.l3] = [...lats, 0, 0, 0, 0];
  [d.m0, d.m1, d.m2, d.m3] = [...mem, 0, 0, 0, 0];
  d.lat = Math.max(en.latency, ...lats);
  d.firstWB = lats.length === 0 ? en.latency : Math.min(...lats);
  const uses = units[c.cls].slice(0, 3);
  const kept = uses.filter((u) => groupIndex(u.group) >= 0);
  [d.g0, d.g1, d.g2] = [...kept.map((u) => groupIndex(u.group)), -1, -1, -1];
  [d.c0, d.c1, d.c2] = [...kept.map((u) => u.cycles), 0, 0, 0];
  d.simple =
    d.uops === 1 && d.g1 < 0 && (d.g0 < 0 || d.c0 === 1) && !d.singleIssue && !d.retireOOO && d.s3 === REG_NONE && d.d2 === REG_SINK && d.d3 === REG_SINK && d.firstWB >= 1 && d.lat === Math.max(d.l0, d.l1)
      ? 1
      : 0;
  return d;
}
