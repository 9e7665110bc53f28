// The in-order core (Cortex-A510): llvm-mca's in-order issue stage (InOrderIssueStage.cpp)
// computed in closed form per instruction. An instruction issues at the first cycle where
// - the issue width has room for its µops (a SingleIssue one must be alone in its cycle),
// - every source register is ready (producer issue + latency - the read's ReadAdvance),
// - one unit of each pipeline group it uses is free (units held ReleaseAtCycles cycles),
// - unless it may retire out of order (stores), it writes back no earlier than the last
//   instruction issued before it (results are written in program order),
// - the front end has delivered it (fetch misses, branch mispredicts).
// These constraints only relax with time and nothing younger can issue first, so the issue
// cycle is simply their maximum. Memory adds to the model what llvm-mca leaves out: the extra
// latency of a load that misses, and TLB walks and a full store buffer before issue.

import { REG_SLOTS } from './classify.js';
import { Stall, STALL_COUNT, Units, type CoreModel } from './core.js';
import type { TimingDesc } from './desc.js';

export class InOrderCore implements CoreModel {
  /** The cycle being issued in. */
  private cycle = 0;
  /** µop slots left in this cycle. */
  private bw: number;
  /** µops of an instruction wider than the issue width, still to go in later cycles. */
  private carry = 0;
  /** Absolute cycle by which the last in-order instruction writes back. */
  private lastWB = 0;
  /** Earliest cycle the front end delivers the next instruction, and why. */
  private fetchReady = 0;
  private fetchCause: Stall = Stall.None;
  /** Latest completion of anything issued (for drains). */
  private maxDone = 0;
  /** Ready cycle of each register; memReady holds it again when a memory delay set it. */
  private readonly ready = new Float64Array(REG_SLOTS);
  private readonly memReady = new Float64Array(REG_SLOTS).fill(-1);
  readonly stalls = new Float64Array(STALL_COUNT);

  constructor(
    private readonly width: number,
    private readonly units: Units,
  ) {
    this.bw = width;
  }

  /**
   * The common case inline (a one-µop instruction without pipelines to book, issued in order
   * with its results), everything else in issueFull. Kept small so the run loop can inline it.
   */
  issue(d: TimingDesc, extra: number, pre: number): number {
    if (d.simple === 0 || extra !== 0 || pre !== 0 || this.carry !== 0) return this.issueFull(d, extra, pre);
    let t = this.cycle;
    if (this.bw === 0) t++;
    const base = t;
    if (this.fetchReady > t) t = this.fetchReady;
    const r = this.ready;
    let x = r[d.s0];
    if (x > t) t = x;
    x = r[d.s1];
    if (x > t) t = x;
    x = r[d.s2];
    if (x > t) t = x;
    x = this.lastWB - d.firstWB;
    if (x > t) t = x;
    const g = d.g0;
    if (g >= 0) {
      x = this.units.earliest(g);
      if (x > t) t = x;
    }
    if (t > base) this.stalled(d, base, t);
    if (t > this.cycle) {
      this.cycle = t;
      this.bw = this.width - 1;
    } else this.bw--;
    if (g >= 0) this.units.take(g, t, 1);
    r[d.d0] = t + d.l0;
    r[d.d1] = t + d.l1;
    this.lastWB = t + d.lat;
    return t;
  }

  /** Charges t - base stall cycles of a simple instruction to the constraint that set t. */
  private stalled(d: TimingDesc, base: number, t: number): void {
    const r = this.ready;
    let cause: Stall = Stall.Resource;
    if (this.fetchReady === t) cause = this.fetchCause;
    else if (r[d.s0] === t || r[d.s1] === t || r[d.s2] === t) {
      const s = r[d.s0] === t ? d.s0 : r[d.s1] === t ? d.s1 : d.s2;
      cause = this.memReady[s] === t ? Stall.Memory : Stall.Dependency;
    } else if (this.lastWB - d.firstWB === t) cause = Stall.WritebackOrder;
    else if (d.g0 >= 0 && this.units.earliest(d.g0) === t) cause = Stall.Resource;
    this.stalls[cause] += t - base;
  }

  private issueFull(d: TimingDesc, extra: number, pre: number): number {
    let base = this.cycle;
    if (this.bw < d.need || this.carry > 0 || (d.singleIssue && this.bw < this.width)) base++;
    let t = base;
    let cause: Stall = Stall.Resource;
    if (this.fetchReady > t) {
      t = this.fetchReady;
      cause = this.fetchCause;
    }
    const r = this.ready;
    let src = -1;
    let x = r[d.s0];
    if (x > t) {
      t = x;
      src = d.s0;
    }
    x = r[d.s1];
    if (x > t) {
      t = x;
      src = d.s1;
    }
    x = r[d.s2];
    if (x > t) {
      t = x;
      src = d.s2;
    }
    x = r[d.s3] - d.a3;
    if (x > t) {
      t = x;
      src = d.s3;
    }
    if (src >= 0) cause = this.memReady[src] === r[src] ? Stall.Memory : Stall.Dependency;
    const u = this.units;
    if (d.g0 >= 0) {
      x = u.earliest(d.g0);
      if (x > t) {
        t = x;
        cause = Stall.Resource;
      }
      if (d.g1 >= 0) {
        x = u.earliest(d.g1);
        if (x > t) {
          t = x;
          cause = Stall.Resource;
        }
        if (d.g2 >= 0) {
          x = u.earliest(d.g2);
          if (x > t) {
            t = x;
            cause = Stall.Resource;
          }
        }
      }
    }
    if (!d.retireOOO) {
      x = this.lastWB - d.firstWB;
      if (x > t) {
        t = x;
        cause = Stall.WritebackOrder;
      }
    }
    if (t > base) this.stalls[cause] += t - base;
    if (pre > 0) {
      this.stalls[Stall.Memory] += pre;
      t += pre;
    }
    if (t > this.cycle) {
      this.cycle = t;
      this.bw = this.width;
      if (this.carry > 0) {
        // The rest of a wide instruction issued before this one takes the new cycle's slots.
        const c = Math.min(this.carry, this.bw);
        this.bw -= c;
        this.carry -= c;
      }
    }
    if (d.uops > this.bw) {
      this.carry = d.uops - this.bw;
      this.bw = 0;
    } else this.bw = d.singleIssue ? 0 : this.bw - d.uops;
    if (d.g0 >= 0) {
      u.take(d.g0, t, d.c0);
      if (d.g1 >= 0) {
        u.take(d.g1, t, d.c1);
        if (d.g2 >= 0) u.take(d.g2, t, d.c2);
      }
    }
    r[d.d0] = t + d.l0;
    r[d.d1] = t + d.l1;
    r[d.d2] = t + d.l2;
    r[d.d3] = t + d.l3;
    let done = t + d.lat;
    if (extra > 0) {
      // A load that missed: its data results come later, and are marked as memory-bound.
      const mr = this.memReady;
      if (d.m0 !== 0) mr[d.d0] = r[d.d0] += extra;
      if (d.m1 !== 0) mr[d.d1] = r[d.d1] += extra;
      if (d.m2 !== 0) mr[d.d2] = r[d.d2] += extra;
      if (d.m3 !== 0) mr[d.d3] = r[d.d3] += extra;
      done += extra;
    }
    if (!d.retireOOO && done > t) this.lastWB = done;
    if (done > this.maxDone) this.maxDone = done;
    return t;
  }

  now(): number {
    return this.cycle;
  }

  cycles(): number {
    return Math.max(this.cycle + 1, this.done());
  }

  /** Latest completion of anything issued (simple instructions are covered by lastWB and the registers). */
  private done(): number {
    let m = Math.max(this.maxDone, this.lastWB);
    for (let i = 0; i < this.ready.length; i++) if (this.ready[i] > m) m = this.ready[i];
    return m;
  }

  redirect(at: number, penalty: number, cause: Stall): void {
    const t = at + penalty;
    if (t > this.fetchReady) {
      this.fetchReady = t;
      this.fetchCause = cause;
    }
  }

  fetchStall(delay: number): void {
    const t = Math.max(this.cycle, this.fetchReady) + delay;
    if (t > this.fetchReady) {
      this.fetchReady = t;
      this.fetchCause = Stall.Frontend;
    }
  }

  drain(cycles: number, cause: Stall): void {
    const start = Math.max(this.cycle + 1, this.done(), this.fetchReady);
    this.stalls[cause] += start - this.cycle - 1;
    this.cycle = start + cycles;
    this.maxDone = this.cycle;
    this.fetchReady = this.cycle;
    this.lastWB = this.cycle;
    this.bw = this.width;
    this.carry = 0;
  }
}
