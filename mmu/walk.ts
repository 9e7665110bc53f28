// VMSAv8-64 stage-1 translation for the EL1&0 regime with the 4 KiB granule
// (mte-arch.md §6; ASL AArch64.S1Translate / AArch64.S1Walk). The walk reads descriptors
// straight from physical memory and reports faults with their level; permission checks
// happen in access.ts, on the leaf that the TLB caches.

import type { PhysMem } from './physmem.js';

/** The translation registers, as the CPU holds them. */
export interface TranslationRegs {
  sctlr: bigint;
  tcr: bigint;
  ttbr0: bigint;
  ttbr1: bigint;
  mair: bigint;
}

export type FaultKind = 'translation' | 'access-flag' | 'address-size' | 'permission' | 'walk-external' | 'alignment' | 'external' | 'tag-check';

/** A translation fault found by the walk (or by the permission/alignment/tag checks). */
export class MemoryFault {
  constructor(
    readonly kind: FaultKind,
    readonly level: number,
    /** The access was a write (WnR) -- decided by the caller's access descriptor. */
    readonly write: boolean,
    readonly vaLo: number,
    readonly vaHi: number,
  ) {}
  /** DFSC/IFSC (mte-arch.md §5.7). */
  get fsc(): number {
    switch (this.kind) {
      case 'address-size': return 0x00 | this.level;
      case 'translation': return 0x04 | this.level;
      case 'access-flag': return 0x08 | this.level;
      case 'permission': return 0x0c | this.level;
      case 'external': return 0x10;
      case 'tag-check': return 0x11;
      case 'walk-external': return 0x14 | this.level;
      case 'alignment': return 0x21;
    }
  }
}

/** The result of a successful walk: what the TLB caches. */
export interface Leaf {
  /** Canonical VA of the start of the page or block (TBI removed), as halves. */
  vaLo: number;
  vaHi: number;
  /** log2 of the page/block size: 12, 21 or 30. */
  sizeLog2: number;
  level: number;
  /** Physical address of the start of the page or block. */
  pa: number;
  /** MAIR_EL1 attribute byte selected by AttrIndx. */
  attr: number;
  /** AP[2:1] with APTable applied. */
  ap: number;
  uxn: boolean;
  pxn: boolean;
  /** nG = 1: the entry belongs to `asid`. */
  nonGlobal: boolean;
  asid: number;
  /** SH[1:0] of the leaf descriptor (reported by AT in PAR_EL1). */
  sh: number;
}

const TCR_EPD0 = 1n << 7n;
const TCR_EPD1 = 1n << 23n;
const TCR_A1 = 1n << 22n;
const TCR_AS = 1n << 36n;
const TCR_TBI0 = 1n << 37n;
const TCR_TBI1 = 1n << 38n;

/** Physical address size of the implementation (ID_AA64MMFR0_EL1.PARange = 48 bits). */
export const PA_BITS = 48;
const IPS_BITS = [32, 36, 40, 42, 44, 48, 52, 52];

/** Effective TBI for a data access of the half the address selects (mte-arch.md §4). */
export function tbiFor(tcr: bigint, vaHi: number): boolean {
  return (tcr & ((vaHi & 0x00800000) !== 0 ? TCR_TBI1 : TCR_TBI0)) !== 0n;
}

/** The current ASID (TCR_EL1.A1 selects TTBR1's; TCR_EL1.AS selects 8 or 16 bits). */
export function currentAsid(r: TranslationRegs): number {
  const ttbr = (r.tcr & TCR_A1) !== 0n ? r.ttbr1 : r.ttbr0;
  const asid = Number((ttbr >> 48n) & 0xffffn);
  return (r.tcr & TCR_AS) !== 0n ? asid : asid & 0xff;
}

/**
 * Walks the tables for the virtual address vaHi:vaLo. `forWrite` only sets WnR of a fault;
 * `instruction` selects the fetch view of TBI. Throws MemoryFault. When `trace` is given, the
 * physical address of each descriptor read is appended to it (the timing model charges them).
 */
export function walkStage1(r: TranslationRegs, mem: PhysMem, vaLo: number, vaHi: number, forWrite: boolean, trace?: number[]): Leaf {
  const fault = (kind: FaultKind, level: number): MemoryFault => new MemoryFault(kind, level, forWrite, vaLo, vaHi);
  const upper = (vaHi & 0x00800000) !== 0;
  const tcr = r.tcr;
  // TxSZ outside 16..39 is clamped, as QEMU does for the 4 KiB granule without FEAT_LVA.
  const txsz = Math.min(39, Math.max(16, Number((tcr >> (upper ? 16n : 0n)) & 0x3fn)));
  const iasize = 64 - txsz;
  const addrtop = (tcr & (upper ? TCR_TBI1 : TCR_TBI0)) !== 0n ? 55 : 63;
  // Bits [addrtop:iasize] must all equal VA[55] (ASL AArch64.VAIsOutOfRange).
  const va = (BigInt(vaHi >>> 0) << 32n) | BigInt(vaLo >>> 0);
  const rangeMask = ((1n << BigInt(addrtop + 1)) - 1n) & ~((1n << BigInt(iasize)) - 1n);
  if ((va & rangeMask) !== (upper ? rangeMask : 0n)) throw fault('translation', 0);
  if ((tcr & (upper ? TCR_EPD1 : TCR_EPD0)) !== 0n) throw fault('translation', 0);
  const ips = Math.min(PA_BITS, IPS_BITS[Number((tcr >> 32n) & 7n)]);
  const oaLimit = 1n << BigInt(ips);
  const startLevel = 3 - Math.floor((iasize - 13) / 9);
  const ttbr = upper ? r.ttbr1 : r.ttbr0;
  // Index bits of the start level: the table may be smaller than 4 KiB (and then less aligned).
  const startIndexBits = iasize - (39 - 9 * startLevel);
  const tableAlign = BigInt(Math.max(6, startIndexBits + 3));
  let table = ttbr & 0x0000_ffff_ffff_fffen & ~((1n << tableAlign) - 1n);
  // ASL AArch64.S1Walk reports a TTBR base beyond the OA size at level 0, whatever the start level.
  if (table >= oaLimit) throw fault('address-size', 0);
  let apTable = 0;
  let uxnTable = false;
  let pxnTable = false;
  for (let level = startLevel; level <= 3; level++) {
    const shift = 39 - 9 * level;
    const bits = level === startLevel ? startIndexBits : 9;
    const index = Number((va >> BigInt(shift)) & ((1n << BigInt(bits)) - 1n));
    const descPa = Number(table) + index * 8;
    trace?.push(descPa);
    const off = mem.ramOffset(descPa, 8);
    if (off < 0) throw fault('walk-external', level);
    const desc = mem.readU64(off);
    if ((desc & 1n) === 0n) throw fault('translation', level);
    const isTable = (desc & 2n) !== 0n;
    if (level < 3 && isTable) {
      const next = desc & 0x0000_ffff_ffff_f000n;
      if (next >= oaLimit) throw fault('address-size', level);
      apTable |= Number((desc >> 61n) & 3n);
      uxnTable ||= (desc & (1n << 60n)) !== 0n;
      pxnTable ||= (desc & (1n << 59n)) !== 0n;
      table = next;
      continue;
    }
    // Leaf: a page at level 3 (0b11), a block at level 1 or 2 (0b01). Anything else is invalid.
    if (level === 3 ? !isTable : level === 0 || isTable) throw fault('translation', level);
    const sizeLog2 = shift;
    const oa = desc & 0x0000_ffff_ffff_f000n & ~((1n << BigInt(sizeLog2)) - 1n);
    if (oa >= oaLimit) throw fault('address-size', level);
    if ((desc & (1n << 10n)) === 0n) throw fault('access-flag', level);
    // APTable[0] removes EL0 access (AP[1] -> 0), APTable[1] removes write access (AP[2] -> 1).
    let ap = Number((desc >> 6n) & 3n);
    if (apTable & 1) ap &= ~1;
    if (apTable & 2) ap |= 2;
    const attrIndx = Number((desc >> 2n) & 7n);
    const pageMask = (1n << BigInt(sizeLog2)) - 1n;
    const canonical = BigInt.asUintN(64, BigInt.asIntN(56, va)) & ~pageMask;
    return {
      vaLo: Number(canonical & 0xffffffffn),
      vaHi: Number(canonical >> 32n),
      sizeLog2,
      level,
      pa: Number(oa),
      attr: Number((r.mair >> BigInt(8 * attrIndx)) & 0xffn),
      ap,
      uxn: uxnTable || (desc & (1n << 54n)) !== 0n,
      pxn: pxnTable || (desc & (1n << 53n)) !== 0n,
      nonGlobal: (desc & (1n << 11n)) !== 0n,
      asid: currentAsid(r),
      sh: Number((desc >> 8n) & 3n),
    };
  }
  throw fault('translation', 3);
}
