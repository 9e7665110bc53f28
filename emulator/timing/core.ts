// What both core models share: stall causes, the per-register ready times, and the pipeline
// units with llvm-mca's unit selection among a group's units.

import type { TimingDesc } from './desc.js';

/** Why an instruction issued (in-order) or dispatched (out-of-order) later than it could have. */
export const enum Stall {
  None = 0,
  /** Instruction fetch: an L1I or iTLB miss. */
  Frontend = 1,
  /** A mispredicted branch, or a taken branch whose target missed the BTB. */
  Branch = 2,
  /** Waiting for an operand from an execute pipeline. */
  Dependency = 3,
  /** Waiting for an operand from a load that missed L1D, or for a TLB walk, or a full store buffer. */
  Memory = 4,
  /** A pipeline busy (divider, load/store pipes) or the issue width used up. */
  Resource = 5,
  /** In-order only: results must be written back in program order (llvm-mca's in-order rule). */
  WritebackOrder = 6,
  /** Out-of-order only: the reorder window is full. */
  Window = 7,
  /** Barriers and context synchronization waiting for older instructions to drain. */
  Serialize = 8,
}
export const STALL_NAMES = ['none', 'frontend', 'branch', 'dependency', 'memory', 'resource', 'writebackOrder', 'window', 'serialize'] as const;
export const STALL_COUNT = STALL_NAMES.length;

/**
 * A core model: issues one instruction at a time in program order and advances its clock.
 * `extra` is the memory delay of this instruction's load results (cache misses, synchronous
 * tag fetches), `pre` cycles spent before it can issue (TLB walk, store buffer full).
 */
export interface CoreModel {
  /** Issues `d`; returns the cycle it executes (begins its pipelines). */
  issue(d: TimingDesc, extra: number, pre: number): number;
  /** The cycle new work can start at (for the memory model's store buffer and kernel charges). */
  now(): number;
  /** Cycles so far: every issued instruction counted until it completes. */
  cycles(): number;
  /** The front end restarts `penalty` cycles after the branch that executed at `at`. */
  redirect(at: number, penalty: number, cause: Stall): void;
  /** The front end waits `delay` cycles from now (instruction fetch miss). */
  fetchStall(delay: number): void;
  /** Waits until everything issued so far has completed, then adds `cycles` (exceptions, kernel work). */
  drain(cycles: number, cause: Stall): void;
  readonly stalls: Float64Array;
}

/**
 * Pipeline units and groups. A group's units are in llvm-mca's resource order; picking one of
 * several free units follows llvm-mca's DefaultResourceStrategy (the highest-numbered free unit
 * still in the rotation, then the rotation moves down), which decides e.g. which of the A510's
 * two load pipes a load takes, and so whether a store in the same cycle finds LdSt free.
 */
export class Units {
  readonly free: Float64Array;
  readonly groups: Int32Array[];
  private readonly full: Int32Array;
  private readonly next: Int32Array;
  private readonly removed: Int32Array;

  constructor(unitCount: number, groups: number[][]) {
    this.free = new Float64Array(unitCount);
    this.groups = groups.map((g) => Int32Array.from(g));
    this.full = Int32Array.from(groups.map((g) => (1 << g.length) - 1));
    this.next = Int32Array.from(this.full);
    this.removed = new Int32Array(groups.length);
  }

  /** Earliest cycle some unit of group `g` is free. */
  earliest(g: number): number {
    const units = this.groups[g];
    let t = this.free[units[0]];
    for (let i = 1; i < units.length; i++) if (this.free[units[i]] < t) t = this.free[units[i]];
    return t;
  }

  /** Takes a unit of group `g` free at cycle t for `cycles` cycles (the earliest one if none is). */
  take(g: number, t: number, cycles: number): void {
    const units = this.groups[g];
    if (units.length === 1) {
      this.free[units[0]] = t + cycles;
      return;
    }
    let ready = 0;
    for (let i = 0; i < units.length; i++) if (this.free[units[i]] <= t) ready |= 1 << i;
    if (ready === 0) {
      let best = 0;
      for (let i = 1; i < units.length; i++) if (this.free[units[i]] < this.free[units[best]]) best = i;
      this.free[units[best]] = Math.max(t, this.free[units[best]]) + cycles;
      return;
    }
    const bit = this.select(g, ready);
    this.free[units[31 - Math.clz32(bit)]] = t + cycles;
  }

  /** llvm-mca DefaultResourceStrategy::select and ::used. */
  private select(g: number, ready: number): number {
    let cand = ready & this.next[g];
    if (cand === 0) {
      this.next[g] = this.full[g] ^ this.removed[g];
      this.removed[g] = 0;
      cand = ready & this.next[g];
      if (cand === 0) {
        this.next[g] = this.full[g];
        cand = ready & this.next[g];
      }
    }
    const bit = 1 << (31 - Math.clz32(cand));
    this.next[g] &= bit | (bit - 1);
    // used(bit)
    if (bit > this.next[g]) this.removed[g] |= bit;
    else {
      this.next[g] &= ~bit;
      if (this.next[g] === 0) {
        this.next[g] = this.full[g] ^ this.removed[g];
        this.removed[g] = 0;
      }
    }
    return bit;
  }

  reset(): void {
    this.free.fill(0);
    this.next.set(this.full);
    this.removed.fill(0);
  }
}
