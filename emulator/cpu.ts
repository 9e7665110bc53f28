// Architectural state of one AArch64 PE with EL0 and EL1 only (mte-arch.md "scope"): the
// register file, PSTATE, and the system registers. 64-bit values are two uint32 halves
// (DESIGN.md decision 1); bigint appears only in the accessors for the API edge.

import { SysRegs } from './sysregs.js';
import type { Mmu } from '../mmu/access.js';
import type { Machine } from './machine.js';

/** What the machine around the CPU must learn when state that it caches changes. */
export interface CpuHooks {
  /** SCTLR/TCR/MAIR/TTBRn written: translation and tag-check state must be re-derived. */
  translationChanged(which: 'sctlr' | 'tcr' | 'mair' | 'ttbr0' | 'ttbr1'): void;
  /** EL, PSTATE.PAN/TCO/UAO changed: the memory path's per-EL checks must be re-derived. */
  memoryStateChanged(): void;
  /** The counter CNTVCT_EL0/CNTPCT_EL0 read (DESIGN.md decision 9: follows the cycle count). */
  counter(): bigint;
}

const NO_HOOKS: CpuHooks = { translationChanged() {}, memoryStateChanged() {}, counter: () => 0n };

/** Register-file slots: X0..X30, then SP (the current one), a zero register, a write sink. */
export const SLOT_SP = 31;
export const SLOT_ZR = 32;
export const SLOT_SINK = 33;
export const SLOTS = 34;

/** PSTATE/SPSR bit positions (mte-arch.md §5.3). */
export const PSR = {
  N: 31, Z: 30, C: 29, V: 28, TCO: 25, DIT: 24, UAO: 23, PAN: 22, SS: 21, IL: 20, SSBS: 12,
  D: 9, A: 8, I: 7, F: 6, nRW: 4,
} as const;

export class Cpu {
  readonly sys = new SysRegs();
  hooks: CpuHooks = NO_HOOKS;
  /** The memory path (set by the machine): exec functions load and store through it. */
  mmu!: Mmu;
  /** The machine around the CPU, for system instructions (TLBI, IC, semihosting, PSCI). */
  machine!: Machine;

  /** X registers as halves: slot n at [2n] (lo) and [2n+1] (hi). */
  readonly x = new Uint32Array(SLOTS * 2);
  /** PC halves, always kept unsigned (`>>> 0`). */
  pcLo = 0;
  pcHi = 0;

  // NZCV as a flag cache (QEMU target/arm/cpu.h): N is bit 31 of nf, Z is (zf === 0),
  // C is cf (0/1), V is bit 31 of vf. Setting flags is mostly storing results.
  nf = 0;
  zf = 1;
  cf = 0;
  vf = 0;

  /** PSTATE.EL (0 or 1) and PSTATE.SP (0: SP_EL0, 1: SP_ELx). */
  el = 1;
  spsel = 1;
  /** PSTATE.{D,A,I,F} as bits 3..0. */
  daif = 0xf;
  pan = 0;
  uao = 0;
  tco = 0;
  dit = 0;
  ssbs = 0;
  il = 0;
  ss = 0;
  btype = 0;

  /** The SP of the other bank (the current SP lives in slot 31). */
  spEl0Lo = 0;
  spEl0Hi = 0;
  spEl1Lo = 0;
  spEl1Hi = 0;

  /** Local exclusive monitor: physical address and size of the last load-exclusive, or -1. */
  exclusivePa = -1;
  exclusiveSize = 0;

  /** The event register WFE waits on: set by SEV/SEVL and by exception return, cleared by WFE. */
  eventRegister = 0;

  // ---- register access helpers (API edge and slow paths)

  readX(n: number): bigint {
    const s = n === 31 ? SLOT_ZR : n;
    return (BigInt(this.x[2 * s + 1]) << 32n) | BigInt(this.x[2 * s]);
  }
  writeX(n: number, v: bigint): void {
    if (n === 31) return;
    this.x[2 * n] = Number(v & 0xffffffffn);
    this.x[2 * n + 1] = Number((v >> 32n) & 0xffffffffn);
  }
  readSp(): bigint {
    return (BigInt(this.x[2 * SLOT_SP + 1]) << 32n) | BigInt(this.x[2 * SLOT_SP]);
  }
  writeSp(v: bigint): void {
    this.x[2 * SLOT_SP] = Number(v & 0xffffffffn);
    this.x[2 * SLOT_SP + 1] = Number((v >> 32n) & 0xffffffffn);
  }
  get pc(): bigint {
    return (BigInt(this.pcHi >>> 0) << 32n) | BigInt(this.pcLo >>> 0);
  }
  set pc(v: bigint) {
    this.pcLo = Number(v & 0xffffffffn);
    this.pcHi = Number((v >> 32n) & 0xffffffffn);
  }

  // ---- NZCV

  get nzcv(): number {
    return (((this.nf >>> 31) << 3) | ((this.zf === 0 ? 1 : 0) << 2) | ((this.cf & 1) << 1) | (this.vf >>> 31)) >>> 0;
  }
  set nzcv(v: number) {
    this.nf = v & 8 ? -1 : 0;
    this.zf = v & 4 ? 0 : 1;
    this.cf = (v >>> 1) & 1;
    this.vf = v & 1 ? -1 : 0;
  }

  /** ASL ConditionHolds(cond). */
  conditionHolds(cond: number): boolean {
    let r: boolean;
    switch (cond >>> 1) {
      case 0: r = this.zf === 0; break; // EQ
      case 1: r = this.cf !== 0; break; // CS
      case 2: r = this.nf < 0; break; // MI
      case 3: r = this.vf < 0; break; // VS
      case 4: r = this.cf !== 0 && this.zf !== 0; break; // HI
      case 5: r = (this.nf < 0) === (this.vf < 0); break; // GE
      case 6: r = (this.nf < 0) === (this.vf < 0) && this.zf !== 0; break; // GT
      default: return true; // AL, NV
    }
    return (cond & 1) !== 0 ? !r : r;
  }

  // ---- PSTATE as an SPSR value (mte-arch.md §5.3)

  /** ASL GetPSRFromPSTATE for an AArch64 source. */
  packPstate(): number {
    return (
      ((this.nzcv << 28) |
        (this.tco << PSR.TCO) |
        (this.dit << PSR.DIT) |
        (this.uao << PSR.UAO) |
        (this.pan << PSR.PAN) |
        (this.ss << PSR.SS) |
        (this.il << PSR.IL) |
        (this.ssbs << PSR.SSBS) |
        (this.btype << 10) |
        (this.daif << PSR.F) |
        (this.el << 2) |
        this.spsel) >>>
      0
    );
  }

  /** Restores the fields ERET restores (ASL SetPSTATEFromPSR), switching SP banks as needed. */
  unpackPstate(spsr: number): void {
    this.nzcv = spsr >>> 28;
    this.tco = (spsr >>> PSR.TCO) & 1;
    this.dit = (spsr >>> PSR.DIT) & 1;
    this.uao = (spsr >>> PSR.UAO) & 1;
    this.pan = (spsr >>> PSR.PAN) & 1;
    this.ss = (spsr >>> PSR.SS) & 1;
    this.il = (spsr >>> PSR.IL) & 1;
    this.ssbs = (spsr >>> PSR.SSBS) & 1;
    this.btype = (spsr >>> 10) & 3;
    this.daif = (spsr >>> PSR.F) & 0xf;
    this.selectStack((spsr >>> 2) & 3, spsr & 1);
    this.hooks.memoryStateChanged();
  }

  /**
   * Sets PSTATE.EL and PSTATE.SP, moving the current SP between slot 31 and its bank: the
   * SP in use is SP_EL0 when EL is 0 or SPSel is 0, else SP_EL1.
   */
  selectStack(el: number, spsel: number): void {
    const oldUsesEl1 = this.el === 1 && this.spsel === 1;
    const newUsesEl1 = el === 1 && spsel === 1;
    if (oldUsesEl1 !== newUsesEl1) {
      const lo = this.x[2 * SLOT_SP];
      const hi = this.x[2 * SLOT_SP + 1];
      if (oldUsesEl1) {
        this.spEl1Lo = lo;
        this.spEl1Hi = hi;
        this.x[2 * SLOT_SP] = this.spEl0Lo;
        this.x[2 * SLOT_SP + 1] = this.spEl0Hi;
      } else {
        this.spEl0Lo = lo;
        this.spEl0Hi = hi;
        this.x[2 * SLOT_SP] = this.spEl1Lo;
        this.x[2 * SLOT_SP + 1] = this.spEl1Hi;
      }
    }
    this.el = el;
    this.spsel = spsel;
  }

  /** SP_EL0 / SP_EL1 as stored, whichever bank is current. */
  bankedSp(el: 0 | 1): bigint {
    const current = (this.el === 1 && this.spsel === 1 ? 1 : 0) === el;
    if (current) return this.readSp();
    return el === 0 ? (BigInt(this.spEl0Hi) << 32n) | BigInt(this.spEl0Lo) : (BigInt(this.spEl1Hi) << 32n) | BigInt(this.spEl1Lo);
  }
  setBankedSp(el: 0 | 1, v: bigint): void {
    const current = (this.el === 1 && this.spsel === 1 ? 1 : 0) === el;
    if (current) return this.writeSp(v);
    const lo = Number(v & 0xffffffffn);
    const hi = Number((v >> 32n) & 0xffffffffn);
    if (el === 0) {
      this.spEl0Lo = lo;
      this.spEl0Hi = hi;
    } else {
      this.spEl1Lo = lo;
      this.spEl1Hi = hi;
    }
  }
}
