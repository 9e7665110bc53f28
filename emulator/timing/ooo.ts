// The out-of-order core (Neoverse N2): an llvm-mca-style window model computed per instruction
// in program order.
// - Dispatch: in order, at most `issueWidth` µops and `decodeWidth` instructions per cycle,
//   and only while the reorder window (robSize µops) has room; entries free as instructions
//   retire, in order, the cycle after they complete.
// - Issue: no earlier than the cycle after dispatch and when its operands are ready; then the
//   first cycle at which every pipeline group it uses has a free unit (units are booked in a
//   per-unit calendar, oldest instruction first, which is what a scheduler that prefers older
//   ready instructions does).
// - Memory order as llvm-mca's LSUnit with no aliasing: loads may pass stores; a store issues
//   no earlier than older loads and stores.
// Each step is O(1) amortized, so the model keeps no queue of instructions besides the window's
// retire times.

import { REG_SLOTS } from './classify.js';
import { F_LOAD, F_STORE } from './classify.js';
import { Stall, STALL_COUNT, type CoreModel } from './core.js';
import type { TimingDesc } from './desc.js';

/** Cycles of look-ahead in each unit's booking calendar. */
const RING = 4096;
const RING_MASK = RING - 1;
/** How far past the operands' ready cycle a search for free units goes before giving up. */
const SEARCH_LIMIT = 256;

export class OutOfOrderCore implements CoreModel {
  /** Dispatch cycle, and µops/instructions dispatched in it. */
  private dc = 0;
  private dUops = 0;
  private dInsns = 0;
  private fetchReady = 0;
  private fetchCause: Stall = Stall.None;
  /** The window: retire cycle and µops of each instruction in flight, oldest at `head`. */
  private readonly robRetire: Float64Array;
  private readonly robUops: Int32Array;
  /** Why each window entry took long: what a full window is charged to when it waits for it. */
  private readonly robCause: Uint8Array;
  private head = 0;
  private count = 0;
  private robUsed = 0;
  private lastRetire = 0;
  private lastLoadIssue = 0;
  private lastStoreIssue = 0;
  private readonly ready = new Float64Array(REG_SLOTS);
  private readonly readyMem = new Uint8Array(REG_SLOTS);
  /** Per unit: RING slots holding the cycle number booked there. */
  private readonly calendar: Float64Array;
  /**
   * Per unit: the end of its last multi-cycle booking. Non-pipelined work (a divide holds M0 for
   * 12-20 cycles) is queued in program order behind it, which keeps the calendar search short
   * however far ahead the window has run.
   */
  private readonly serialFree: Float64Array;
  readonly stalls = new Float64Array(STALL_COUNT);

  constructor(
    private readonly width: number,
    private readonly decodeWidth: number,
    private readonly robSize: number,
    unitCount: number,
    private readonly groups: Int32Array[],
  ) {
    this.robRetire = new Float64Array(robSize + 1);
    this.robUops = new Int32Array(robSize + 1);
    this.robCause = new Uint8Array(robSize + 1);
    this.calendar = new Float64Array(unitCount * RING).fill(-1);
    this.serialFree = new Float64Array(unitCount);
  }

  private newCycle(t: number): void {
    this.dc = t;
    this.dUops = 0;
    this.dInsns = 0;
  }

  issue(d: TimingDesc, extra: number, pre: number): number {
    const uops = d.uops;
    const need = uops < this.width ? uops : this.width;
    if (this.dUops + need > this.width || this.dInsns >= this.decodeWidth) this.newCycle(this.dc + 1);
    if (this.fetchReady > this.dc) {
      this.stalls[this.fetchCause] += this.fetchReady - this.dc;
      this.newCycle(this.fetchReady);
    }
    // Free window entries of instructions retired by now; wait for more if still full.
    const cap = this.robRetire.length;
    while (this.count > 0 && (this.robRetire[this.head] <= this.dc || this.robUsed + uops > this.robSize)) {
      const r = this.robRetire[this.head];
      if (r > this.dc) {
        this.stalls[this.robCause[this.head]] += r - this.dc;
        this.newCycle(r);
      }
      this.robUsed -= this.robUops[this.head];
      this.head = (this.head + 1) % cap;
      this.count--;
    }
    this.dUops += need;
    this.dInsns++;
    // Operands.
    let t = this.dc + 1;
    let cause: Stall = Stall.Window;
    const r = this.ready;
    let x = r[d.s0];
    if (x > t) {
      t = x;
      cause = this.readyMem[d.s0] ? Stall.Memory : Stall.Dependency;
    }
    x = r[d.s1];
    if (x > t) {
      t = x;
      cause = this.readyMem[d.s1] ? Stall.Memory : Stall.Dependency;
    }
    x = r[d.s2];
    if (x > t) {
      t = x;
      cause = this.readyMem[d.s2] ? Stall.Memory : Stall.Dependency;
    }
    x = r[d.s3] - d.a3;
    if (x > t) {
      t = x;
      cause = this.readyMem[d.s3] ? Stall.Memory : Stall.Dependency;
    }
    if ((d.flags & F_STORE) !== 0) {
      if (this.lastStoreIssue > t) t = this.lastStoreIssue;
      if (this.lastLoadIssue > t) t = this.lastLoadIssue;
    }
    t += pre;
    if (d.g0 >= 0) {
      const want = t;
      t = this.book(d, t);
      if (t > want + 1 && cause === Stall.Window) cause = Stall.Resource;
    }
    if (extra > 0 || pre > 0) cause = Stall.Memory;
    if ((d.flags & F_LOAD) !== 0 && t > this.lastLoadIssue) this.lastLoadIssue = t;
    if ((d.flags & F_STORE) !== 0) this.lastStoreIssue = t;
    const m = extra > 0 ? 1 : 0;
    r[d.d0] = t + d.l0 + d.m0 * extra;
    this.readyMem[d.d0] = m & d.m0;
    r[d.d1] = t + d.l1 + d.m1 * extra;
    this.readyMem[d.d1] = m & d.m1;
    r[d.d2] = t + d.l2 + d.m2 * extra;
    this.readyMem[d.d2] = m & d.m2;
    r[d.d3] = t + d.l3 + d.m3 * extra;
    this.readyMem[d.d3] = m & d.m3;
    const done = t + d.lat + extra;
    const retire = done + 1 > this.lastRetire ? done + 1 : this.lastRetire;
    this.lastRetire = retire;
    const slot = (this.head + this.count) % cap;
    this.robRetire[slot] = retire;
    this.robUops[slot] = uops;
    this.robCause[slot] = cause;
    this.count++;
    this.robUsed += uops;
    return t;
  }

  /**
   * Finds the first cycle ≥ t at which every group `d` uses has a free unit (distinct units,
   * each free for its hold time), books them, and returns the cycle.
   */
  private book(d: TimingDesc, t: number): number {
    if (d.c0 > 1) t = Math.max(t, this.serialStart(d.g0));
    if (d.c1 > 1) t = Math.max(t, this.serialStart(d.g1));
    for (let tries = 0; ; tries++, t++) {
      const u0 = this.freeUnit(d.g0, t, d.c0, -1, -1);
      if (u0 < 0 && tries < SEARCH_LIMIT) continue;
      let u1 = -1;
      if (d.g1 >= 0) {
        u1 = this.freeUnit(d.g1, t, d.c1, u0, -1);
        if (u1 < 0 && tries < SEARCH_LIMIT) continue;
      }
      let u2 = -1;
      if (d.g2 >= 0) {
        u2 = this.freeUnit(d.g2, t, d.c2, u0, u1);
        if (u2 < 0 && tries < SEARCH_LIMIT) continue;
      }
      this.reserve(u0 >= 0 ? u0 : this.groups[d.g0][0], t, d.c0);
      if (d.g1 >= 0) this.reserve(u1 >= 0 ? u1 : this.groups[d.g1][0], t, d.c1);
      if (d.g2 >= 0) this.reserve(u2 >= 0 ? u2 : this.groups[d.g2][0], t, d.c2);
      return t;
    }
  }

  /** A unit of group g free during [t, t+cycles), other than `not1`/`not2`, or -1. */
  private freeUnit(g: number, t: number, cycles: number, not1: number, not2: number): number {
    const units = this.groups[g];
    const cal = this.calendar;
    for (let i = 0; i < units.length; i++) {
      const u = units[i];
      if (u === not1 || u === not2) continue;
      const base = u * RING;
      let ok = true;
      for (let k = 0; k < cycles; k++) {
        const c = t + k;
        if (cal[base + (c & RING_MASK)] === c) {
          ok = false;
          break;
        }
      }
      if (ok) return u;
    }
    return -1;
  }

  /** The earliest end of the last multi-cycle booking among a group's units. */
  private serialStart(g: number): number {
    const units = this.groups[g];
    let t = this.serialFree[units[0]];
    for (let i = 1; i < units.length; i++) if (this.serialFree[units[i]] < t) t = this.serialFree[units[i]];
    return t;
  }

  private reserve(u: number, t: number, cycles: number): void {
    if (cycles > 1) this.serialFree[u] = t + cycles;
    const base = u * RING;
    for (let k = 0; k < cycles; k++) this.calendar[base + ((t + k) & RING_MASK)] = t + k;
  }

  now(): number {
    return this.dc;
  }

  cycles(): number {
    return this.lastRetire;
  }

  redirect(at: number, penalty: number, cause: Stall): void {
    // The branch resolves when it executes (one cycle); the right path dispatches `penalty` later.
    const t = at + 1 + penalty;
    if (t > this.fetchReady) {
      this.fetchReady = t;
      this.fetchCause = cause;
    }
  }

  fetchStall(delay: number): void {
    const t = Math.max(this.dc, this.fetchReady) + delay;
    if (t > this.fetchReady) {
      this.fetchReady = t;
      this.fetchCause = Stall.Frontend;
    }
  }

  drain(cycles: number, cause: Stall): void {
    const start = Math.max(this.lastRetire, this.dc, this.fetchReady);
    this.stalls[cause] += start - this.dc;
    const t = start + cycles;
    this.newCycle(t);
    this.fetchReady = t;
    this.lastRetire = t;
    this.head = 0;
    this.count = 0;
    this.robUsed = 0;
  }
}
