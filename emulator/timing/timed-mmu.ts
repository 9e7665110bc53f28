// The memory path of a timed machine: the functional Mmu, unchanged, plus a report of every data
// access to the timing model (virtual and physical address, size, direction, tag-check mode).
// Only timed machines use this subclass, so the functional memory path keeps its exact code and
// pays nothing for timing (DESIGN.md decision 8). Machine.setTiming turns the machine's own Mmu
// object into one (its prototype changes; its identity and state stay), then attach() sets the
// fields. Accesses made inside another access (the 8-byte halves of a 16-byte access on the
// slow path) are reported once, by the outer one.

import { ACC, F_IO, F_TAGGED, Mmu } from '../../mmu/access.js';
import type { TimingModel } from './model.js';

export class TimedMmu extends Mmu {
  timing!: TimingModel;
  /** Nesting of public access calls: only the outermost reports. Reset after a fault. */
  private depth = 0;

  /** Connects this memory path to a timing model. */
  attach(model: TimingModel): void {
    this.timing = model;
    this.depth = 0;
  }

  /** Clears the nesting count after an access threw (the run loop calls it when it catches). */
  resetDepth(): void {
    this.depth = 0;
  }

  private report(vaLo: number, vaHi: number, size: number, acc: number, write: boolean): void {
    const i = this.hit(vaLo, vaHi);
    if (i < 0) return;
    const flags = this.hFlags[i];
    if ((flags & F_IO) !== 0) return;
    const pa = this.mem.ramBase + this.hOff[i] + (vaLo & 0xfff);
    const check = (flags & F_TAGGED) !== 0 && (acc & ACC.CHECKED) !== 0 ? this.tagModeFor(acc) : 0;
    this.timing.mem.data(vaLo, vaHi, pa, size, write, check, this.mmuOn, this.asid);
  }

  override read8(vaLo: number, vaHi: number, acc: number): number {
    this.depth++;
    const v = super.read8(vaLo, vaHi, acc);
    if (--this.depth === 0) this.report(vaLo, vaHi, 1, acc, false);
    return v;
  }

  override read16(vaLo: number, vaHi: number, acc: number): number {
    this.depth++;
    const v = super.read16(vaLo, vaHi, acc);
    if (--this.depth === 0) this.report(vaLo, vaHi, 2, acc, false);
    return v;
  }

  override read32(vaLo: number, vaHi: number, acc: number): number {
    this.depth++;
    const v = super.read32(vaLo, vaHi, acc);
    if (--this.depth === 0) this.report(vaLo, vaHi, 4, acc, false);
    return v;
  }

  override read64(vaLo: number, vaHi: number, acc: number): number {
    this.depth++;
    const v = super.read64(vaLo, vaHi, acc);
    if (--this.depth === 0) this.report(vaLo, vaHi, 8, acc, false);
    return v;
  }

  override read128(vaLo: number, vaHi: number, acc: number): number {
    this.depth++;
    const v = super.read128(vaLo, vaHi, acc);
    if (--this.depth === 0) this.report(vaLo, vaHi, 16, acc, false);
    return v;
  }

  override write8(vaLo: number, vaHi: number, value: number, acc: number): void {
    this.depth++;
    super.write8(vaLo, vaHi, value, acc);
    if (--this.depth === 0) this.report(vaLo, vaHi, 1, acc, true);
  }

  override write16(vaLo: number, vaHi: number, value: number, acc: number): void {
    this.depth++;
    super.write16(vaLo, vaHi, value, acc);
    if (--this.depth === 0) this.report(vaLo, vaHi, 2, acc, true);
  }

  override write32(vaLo: number, vaHi: number, value: number, acc: number): void {
    this.depth++;
    super.write32(vaLo, vaHi, value, acc);
    if (--this.depth === 0) this.report(vaLo, vaHi, 4, acc, true);
  }

  override write64(vaLo: number, vaHi: number, lo: number, hi: number, acc: number): void {
    this.depth++;
    super.write64(vaLo, vaHi, lo, hi, acc);
    if (--this.depth === 0) this.report(vaLo, vaHi, 8, acc, true);
  }

  override write128(vaLo: number, vaHi: number, aLo: number, aHi: number, bLo: number, bHi: number, acc: number): void {
    this.depth++;
    super.write128(vaLo, vaHi, aLo, aHi, bLo, bHi, acc);
    if (--this.depth === 0) this.report(vaLo, vaHi, 16, acc, true);
  }

  override zeroBlock(vaLo: number, vaHi: number, size: number, acc: number): boolean {
    this.depth++;
    const ok = super.zeroBlock(vaLo, vaHi, size, acc);
    if (--this.depth === 0 && ok) {
      const i = this.hit(vaLo, vaHi);
      if (i >= 0 && (this.hFlags[i] & F_IO) === 0) this.timing.mem.zeroBlock(vaLo, vaHi, this.mem.ramBase + this.hOff[i] + (vaLo & 0xfff), size, this.mmuOn, this.asid);
    }
    return ok;
  }

  override tagGranule(vaLo: number, vaHi: number, write: boolean): number {
    this.depth++;
    const off = super.tagGranule(vaLo, vaHi, write);
    if (--this.depth === 0 && off >= 0) this.timing.mem.tagAccess(vaLo, vaHi, this.mem.ramBase + off, write, this.mmuOn, this.asid);
    return off;
  }

  override tlbiAll(): void {
    super.tlbiAll();
    this.timing.invalidateTlbs();
  }

  override tlbiAsid(asid: number): void {
    super.tlbiAsid(asid);
    this.timing.invalidateTlbs();
  }

  override tlbiVa(xtLo: number, xtHi: number, anyAsid: boolean): void {
    super.tlbiVa(xtLo, xtHi, anyAsid);
    this.timing.invalidateTlbs();
  }

  /** Whether translation is on and the current ASID (for the fetch path's iTLB). */
  get translating(): boolean {
    return this.mmuOn;
  }
  get currentAsid(): number {
    return this.asid;
  }
}
