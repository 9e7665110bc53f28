// The checked memory path (DESIGN.md "How one load flows"): translate (host TLB, then the
// architectural TLB, then the walk), check permissions for the access's EL, check allocation
// tags, then move the bytes. The host TLB is a direct-mapped cache of what the architectural
// TLB says, for the current ASID; it is flushed whenever the TLB is invalidated or the
// translation regime changes, so it never outlives what it caches.

import { PhysMem } from './physmem.js';
import { Tlb } from './tlb.js';
import { currentAsid, MemoryFault, walkStage1, type Leaf, type TranslationRegs } from './walk.js';
import { allocationTagCheck, type TagCheckOutcome } from './tags.js';

/** Access descriptor bits. */
export const ACC = {
  WRITE: 1,
  /** LDTR/STTR-style: EL0 permissions and EL0's tag-check settings (caller decides UAO). */
  UNPRIV: 2,
  /** The instruction form is tag checked (mte-arch.md §3.1). */
  CHECKED: 4,
  /** Read-modify-write (atomics, swaps): needs read and write permission; counts as a read for MTE. */
  RMW: 8,
  /** Cache maintenance by VA: faults report CM = 1 and WnR = 1. */
  CM: 16,
} as const;

/** What the memory path reads from the CPU. The CPU object satisfies this structurally. */
export interface MmuContext {
  el: number;
  pan: number;
  tco: number;
  sys: TranslationRegs & { tfsr: bigint; tfsre0: bigint };
}

// Host TLB entry permission bits, precomputed from the leaf so that checking is one AND.
const P_R0 = 1, P_W0 = 2, P_X0 = 4, P_R1 = 8, P_W1 = 16, P_X1 = 32, P_R1PAN = 64, P_W1PAN = 128;
// Host TLB entry flags.
export const F_TAGGED = 1;
const F_DEVICE = 2;
/** Writes must go through the slow path (the page holds decoded instructions). */
const F_CODE = 4;
/** Not RAM (MMIO or nothing): every access takes the slow path. */
export const F_IO = 8;
/** SCTLR_EL1.A or Device memory: unaligned accesses fault. */
const F_ALIGN = 16;

const HOST_BITS = 8;
const HOST_ENTRIES = 1 << HOST_BITS;
const HOST_MASK = HOST_ENTRIES - 1;

const SCTLR_M = 1n;
const TCR_TBI0 = 1n << 37n;
const TCR_TBI1 = 1n << 38n;
const SCTLR_A = 2n;
const SCTLR_WXN = 1n << 19n;
const SCTLR_ATA0 = 1n << 42n;
const SCTLR_ATA = 1n << 43n;
const TCR_TCMA0 = 1n << 57n;
const TCR_TCMA1 = 1n << 58n;

export interface MmuStats {
  hostMisses: number;
  walks: number;
  tagChecks: number;
  tagFaults: number;
}

export class Mmu {
  readonly tlb: Tlb;
  /** High half of the last 64-bit read (read64 returns the low half). */
  hi = 0;
  /** The second register of the last read128. */
  lo2 = 0;
  hi2 = 0;
  readonly stats: MmuStats = { hostMisses: 0, walks: 0, tagChecks: 0, tagFaults: 0 };
  /** Called when a write hits a page holding decoded instructions (physical page number). */
  onCodeWrite: (paPage: number) => void = () => {};
  /** Physical pages that hold decoded instructions. */
  private readonly codePages = new Set<number>();

  // Host TLB: tag = canonical VA page (lo >>> 12) and canonical high half.
  private readonly hTagLo = new Int32Array(HOST_ENTRIES).fill(-1);
  private readonly hTagHi = new Int32Array(HOST_ENTRIES);
  /** RAM offset of the page (pa - ramBase), when F_IO is clear; else the physical page address. */
  protected readonly hOff = new Float64Array(HOST_ENTRIES);
  private readonly hPerm = new Uint8Array(HOST_ENTRIES);
  protected readonly hFlags = new Uint8Array(HOST_ENTRIES);

  // Derived from the translation regime and PSTATE by refresh().
  protected mmuOn = false;
  protected asid = 0;
  private strictAlign = false;
  private wxn = false;
  /** Permission bit a normal read/write needs at the current EL with the current PAN. */
  private readBit = P_R1;
  private writeBit = P_W1;
  /** Tag-check mode (TCF/TCF0 when tag checking can happen at all, else 0) for EL0 and EL1 accesses. */
  private tagMode0 = 0;
  /** TCR_EL1.TBI0/TBI1, cached: the canonical VA of every access depends on them. */
  private tbi0 = false;
  private tbi1 = false;
  private tagMode1 = 0;
  /**
   * SCTLR_EL1 as uint32 halves, refreshed with the rest: instruction handlers test its bits per
   * execution (A, SA/SA0, DZE, ATA/ATA0) without BigInt.
   */
  sctlrLo = 0;
  sctlrHi = 0;

  constructor(
    readonly mem: PhysMem,
    readonly ctx: MmuContext,
    tlbEntries = 1024,
  ) {
    this.tlb = new Tlb(tlbEntries);
    this.refresh();
  }

  /** Re-derives the cached view of the regime and PSTATE (after SCTLR/TCR/MAIR/TTBR, EL, PAN, TCO changes). */
  refresh(): void {
    const s = this.ctx.sys;
    const mmuOn = (s.sctlr & SCTLR_M) !== 0n;
    const asid = currentAsid(s);
    const strict = (s.sctlr & SCTLR_A) !== 0n;
    const wxn = (s.sctlr & SCTLR_WXN) !== 0n;
    if (mmuOn !== this.mmuOn || asid !== this.asid || strict !== this.strictAlign || wxn !== this.wxn) this.flushHost();
    this.mmuOn = mmuOn;
    this.asid = asid;
    this.strictAlign = strict;
    this.wxn = wxn;
    const el1 = this.ctx.el === 1;
    this.readBit = !el1 ? P_R0 : this.ctx.pan ? P_R1PAN : P_R1;
    this.writeBit = !el1 ? P_W0 : this.ctx.pan ? P_W1PAN : P_W1;
    const tco = this.ctx.tco !== 0;
    this.tagMode0 = !tco && (s.sctlr & SCTLR_ATA0) !== 0n ? Number((s.sctlr >> 38n) & 3n) : 0;
    this.tagMode1 = !tco && (s.sctlr & SCTLR_ATA) !== 0n ? Number((s.sctlr >> 40n) & 3n) : 0;
    this.tbi0 = (s.tcr & TCR_TBI0) !== 0n;
    this.tbi1 = (s.tcr & TCR_TBI1) !== 0n;
    this.sctlrLo = Number(s.sctlr & 0xffffffffn);
    this.sctlrHi = Number((s.sctlr >> 32n) & 0xffffffffn);
  }

  /** MAIR changes the attributes cached in host entries; TTBR/TCR changes the translations. */
  flushHost(): void {
    this.hTagLo.fill(-1);
  }

  // ---- TLB maintenance (TLBI): the architectural TLB and the host cache in front of it

  tlbiAll(): void {
    this.tlb.invalidateAll();
    this.flushHost();
  }
  tlbiAsid(asid: number): void {
    this.tlb.invalidateAsid(asid);
    this.flushHost();
  }
  /** TLBI by VA: Xt[43:0] = VA[55:12], Xt[63:48] = ASID; `anyAsid` for VAAE1/VAALE1. */
  tlbiVa(xtLo: number, xtHi: number, anyAsid: boolean): void {
    const page = (BigInt(xtHi & 0xfff) << 32n) | BigInt(xtLo >>> 0);
    const va = BigInt.asUintN(64, BigInt.asIntN(56, page << 12n));
    this.tlb.invalidateVa(Number(va & 0xffffffffn), Number(va >> 32n), anyAsid ? undefined : xtHi >>> 16);
    this.flushHost();
  }

  // ---- translation

  /** Canonical high half: with TBI the top byte is ignored, so VA[63:56] becomes VA[55]'s sign. */
  private canonicalHi(vaHi: number): number {
    return ((vaHi & 0x00800000) !== 0 ? this.tbi1 : this.tbi0) ? (vaHi << 8) >> 8 : vaHi | 0;
  }

  /**
   * Fills the host entry for the page of va (canonical) and returns its index. Faults come
   * from the walk; permissions are checked by the caller against the entry's bits.
   */
  private fill(vaLo: number, vaHi: number, write: boolean): number {
    this.stats.hostMisses++;
    const hi = this.canonicalHi(vaHi);
    const i = (vaLo >>> 12) & HOST_MASK;
    let perm: number;
    let flags = 0;
    let pa: number;
    if (!this.mmuOn) {
      // MMU off: flat; data accesses are Device-nGnRnE (never tag checked, unaligned faults).
      if (hi >>> 16 !== 0) throw new MemoryFault('address-size', 0, write, vaLo, vaHi);
      pa = hi * 4294967296 + (((vaLo >>> 12) << 12) >>> 0);
      perm = 0xff;
      flags = F_DEVICE | F_ALIGN;
    } else {
      let leaf = this.tlb.lookup(vaLo, hi, this.asid);
      if (!leaf) {
        this.stats.walks++;
        leaf = walkStage1(this.ctx.sys, this.mem, vaLo, vaHi, write);
        this.tlb.insert(leaf);
      }
      pa = leaf.pa + (leaf.sizeLog2 > 12 ? (vaLo >>> 0) % 2 ** leaf.sizeLog2 - ((vaLo >>> 0) % 4096) : 0);
      perm = permissions(leaf, this.wxn);
      flags = attrFlags(leaf.attr);
    }
    if (this.strictAlign) flags |= F_ALIGN;
    const off = this.mem.ramOffset(pa, 4096);
    if (off < 0) flags |= F_IO;
    else if (this.codePages.has(pa / 4096)) flags |= F_CODE;
    this.hTagLo[i] = vaLo >>> 12;
    this.hTagHi[i] = hi;
    this.hOff[i] = off < 0 ? pa : off;
    this.hPerm[i] = perm;
    this.hFlags[i] = flags;
    return i;
  }

  /** Host entry index for the page of va, valid for this access, or -1 on a miss. */
  protected hit(vaLo: number, vaHi: number): number {
    const i = (vaLo >>> 12) & HOST_MASK;
    return this.hTagLo[i] === vaLo >>> 12 && this.hTagHi[i] === this.canonicalHi(vaHi) ? i : -1;
  }

  /** Translates one page for a data access and checks permission; returns the host index. */
  private entryFor(vaLo: number, vaHi: number, acc: number): number {
    const write = (acc & ACC.WRITE) !== 0;
    let i = this.hit(vaLo, vaHi);
    if (i < 0) i = this.fill(vaLo, vaHi, write && (acc & ACC.RMW) === 0);
    const unpriv = (acc & ACC.UNPRIV) !== 0;
    const rbit = unpriv ? P_R0 : this.readBit;
    const wbit = unpriv ? P_W0 : this.writeBit;
    const perm = this.hPerm[i];
    // RMW atomics need read permission first, then write (mte-arch.md §6.4).
    if ((!write || (acc & ACC.RMW) !== 0) && (perm & rbit) === 0) throw this.permissionFault(vaLo, vaHi, false, acc);
    if (write && (perm & wbit) === 0) throw this.permissionFault(vaLo, vaHi, true, acc);
    return i;
  }

  private permissionFault(vaLo: number, vaHi: number, write: boolean, acc: number): MemoryFault {
    const leaf = this.mmuOn ? this.tlb.lookup(vaLo, this.canonicalHi(vaHi), this.asid) : undefined;
    return new MemoryFault('permission', leaf?.level ?? 3, write || (acc & ACC.CM) !== 0, vaLo, vaHi);
  }

  // ---- tag checks (mte-arch.md §3)

  protected tagModeFor(acc: number): number {
    return (acc & ACC.UNPRIV) !== 0 || this.ctx.el === 0 ? this.tagMode0 : this.tagMode1;
  }

  /** Checks the granules [off, off+size) of one page against the pointer tag. */
  private checkTags(i: number, off: number, size: number, vaLo: number, vaHi: number, acc: number): void {
    this.stats.tagChecks++;
    const tags = this.mem.tags;
    const ptag = (vaHi >>> 24) & 0xf;
    if (tags[off >>> 4] === ptag && tags[(off + size - 1) >>> 4] === ptag && size <= 16) return;
    const outcome: TagCheckOutcome = allocationTagCheck(tags, off, size, vaLo, vaHi, this.ctx.sys.tcr);
    if (!outcome.failed) return;
    this.tagCheckFailed(outcome.faultLo, outcome.faultHi, acc, vaHi);
    void i;
  }

  /** Tag Check Fail handling: sync fault, async TFSR bit, or asymmetric (mte-arch.md §3.5). */
  private tagCheckFailed(faultLo: number, faultHi: number, acc: number, vaHi: number): void {
    this.stats.tagFaults++;
    const mode = this.tagModeFor(acc);
    const read = (acc & ACC.WRITE) === 0 || (acc & ACC.RMW) !== 0;
    if (mode === 1 || (mode === 3 && read)) {
      // ASL: a read-modify-write reports WnR = 0 (mte-arch.md §8.5).
      throw new MemoryFault('tag-check', 0, (acc & ACC.WRITE) !== 0 && (acc & ACC.RMW) === 0, faultLo, faultHi);
    }
    const bit = (vaHi & 0x00800000) !== 0 ? 2n : 1n;
    if ((acc & ACC.UNPRIV) !== 0 || this.ctx.el === 0) this.ctx.sys.tfsre0 |= bit;
    else this.ctx.sys.tfsr |= bit;
  }

  // ---- data accesses

  /**
   * Resolves one access that stays inside one page: returns the RAM offset of its first byte
   * after translation, permission and tag checks, or -1 when the page is not RAM.
   */
  private resolve(vaLo: number, vaHi: number, size: number, acc: number, align = size): number {
    const i = this.entryFor(vaLo, vaHi, acc);
    const flags = this.hFlags[i];
    if ((flags & F_ALIGN) !== 0 && (vaLo & (align - 1)) !== 0) throw new MemoryFault('alignment', 0, (acc & ACC.WRITE) !== 0, vaLo, vaHi);
    if ((flags & F_IO) !== 0) return -1;
    const off = this.hOff[i] + (vaLo & 0xfff);
    if ((flags & F_TAGGED) !== 0 && (acc & ACC.CHECKED) !== 0 && this.tagModeFor(acc) !== 0) this.checkTags(i, off, size, vaLo, vaHi, acc);
    if ((acc & ACC.WRITE) !== 0 && (flags & F_CODE) !== 0) this.onCodeWrite((this.mem.ramBase + off) >>> 12);
    return off;
  }

  /**
   * Translates and checks every page of [va, va+size) before any byte moves (no partial
   * stores: QEMU's order, mte-arch.md §3.4/§8.3). Returns the RAM offset of each byte run.
   */
  private resolveSplit(vaLo: number, vaHi: number, size: number, acc: number): [number, number, number] {
    const first = 4096 - (vaLo & 0xfff);
    const loLo = vaLo;
    const hiLo = (vaLo + first) >>> 0;
    const hiHi = hiLo < loLo ? (vaHi + 1) | 0 : vaHi;
    const i0 = this.entryFor(loLo, vaHi, acc);
    const i1 = this.entryFor(hiLo, hiHi, acc);
    for (const i of [i0, i1]) {
      if ((this.hFlags[i] & F_ALIGN) !== 0) throw new MemoryFault('alignment', 0, (acc & ACC.WRITE) !== 0, vaLo, vaHi);
      if ((this.hFlags[i] & F_IO) !== 0) throw new MemoryFault('external', 0, (acc & ACC.WRITE) !== 0, vaLo, vaHi);
    }
    const off0 = this.hOff[i0] + (vaLo & 0xfff);
    const off1 = this.hOff[i1];
    const checked = (acc & ACC.CHECKED) !== 0 && this.tagModeFor(acc) !== 0;
    // The first failing granule in address order is the one reported.
    if (checked && (this.hFlags[i0] & F_TAGGED) !== 0) this.checkTags(i0, off0, first, vaLo, vaHi, acc);
    if (checked && (this.hFlags[i1] & F_TAGGED) !== 0) this.checkTags(i1, off1, size - first, hiLo, (hiHi & 0x00ffffff) | (vaHi & 0xff000000), acc);
    if ((acc & ACC.WRITE) !== 0) {
      if ((this.hFlags[i0] & F_CODE) !== 0) this.onCodeWrite((this.mem.ramBase + off0) >>> 12);
      if ((this.hFlags[i1] & F_CODE) !== 0) this.onCodeWrite((this.mem.ramBase + off1) >>> 12);
    }
    return [off0, off1, first];
  }

  private ioRead(vaLo: number, vaHi: number, size: number, acc: number): number {
    const i = this.entryFor(vaLo, vaHi, acc);
    const pa = this.hOff[i] + (vaLo & 0xfff);
    const region = this.mem.mmioAt(pa);
    if (!region) throw new MemoryFault('external', 0, false, vaLo, vaHi);
    return region.device.read(pa - region.base, size);
  }

  private ioWrite(vaLo: number, vaHi: number, size: number, value: number, acc: number): void {
    const i = this.entryFor(vaLo, vaHi, acc);
    const pa = this.hOff[i] + (vaLo & 0xfff);
    const region = this.mem.mmioAt(pa);
    if (!region) throw new MemoryFault('external', 0, true, vaLo, vaHi);
    region.device.write(pa - region.base, size, value);
  }

  /** Fast-path lookup: the RAM offset for an access of `size` inside one page, or -1. */
  private fast(vaLo: number, vaHi: number, size: number, acc: number): number {
    const i = (vaLo >>> 12) & HOST_MASK;
    const flags = this.hFlags[i];
    if (
      this.hTagLo[i] !== vaLo >>> 12 ||
      this.hTagHi[i] !== this.canonicalHi(vaHi) ||
      (flags & (F_IO | F_CODE | F_ALIGN)) !== 0 ||
      (vaLo & 0xfff) > 4096 - size ||
      (acc & (ACC.UNPRIV | ACC.RMW)) !== 0
    )
      return -1;
    if ((this.hPerm[i] & ((acc & ACC.WRITE) !== 0 ? this.writeBit : this.readBit)) === 0) return -1;
    const off = this.hOff[i] + (vaLo & 0xfff);
    if ((flags & F_TAGGED) !== 0 && (acc & ACC.CHECKED) !== 0) {
      const ptag = (vaHi >>> 24) & 0xf;
      const tags = this.mem.tags;
      if ((tags[off >>> 4] !== ptag || tags[(off + size - 1) >>> 4] !== ptag) && this.tagModeFor(acc) !== 0) return -1;
    }
    return off;
  }

  read8(vaLo: number, vaHi: number, acc: number): number {
    let off = this.fast(vaLo, vaHi, 1, acc);
    if (off < 0) {
      off = this.resolve(vaLo, vaHi, 1, acc);
      if (off < 0) return this.ioRead(vaLo, vaHi, 1, acc);
    }
    return this.mem.bytes[off];
  }

  read16(vaLo: number, vaHi: number, acc: number): number {
    let off = this.fast(vaLo, vaHi, 2, acc);
    if (off < 0) {
      if ((vaLo & 0xfff) > 4094) return this.readSplit(vaLo, vaHi, 2, acc);
      off = this.resolve(vaLo, vaHi, 2, acc);
      if (off < 0) return this.ioRead(vaLo, vaHi, 2, acc);
    }
    return (off & 1) === 0 ? this.mem.u16[off >>> 1] : this.mem.view.getUint16(off, true);
  }

  read32(vaLo: number, vaHi: number, acc: number): number {
    let off = this.fast(vaLo, vaHi, 4, acc);
    if (off < 0) {
      if ((vaLo & 0xfff) > 4092) return this.readSplit(vaLo, vaHi, 4, acc);
      off = this.resolve(vaLo, vaHi, 4, acc);
      if (off < 0) return this.ioRead(vaLo, vaHi, 4, acc);
    }
    return (off & 3) === 0 ? this.mem.u32[off >>> 2] : this.mem.view.getUint32(off, true);
  }

  /** 64-bit read: returns the low half; the high half is left in `this.hi`. */
  read64(vaLo: number, vaHi: number, acc: number): number {
    let off = this.fast(vaLo, vaHi, 8, acc);
    if (off < 0) {
      if ((vaLo & 0xfff) > 4088) {
        const lo = this.readSplit(vaLo, vaHi, 8, acc);
        return lo;
      }
      off = this.resolve(vaLo, vaHi, 8, acc);
      if (off < 0) {
        const lo = this.ioRead(vaLo, vaHi, 4, acc);
        this.hi = this.ioRead((vaLo + 4) >>> 0, vaHi, 4, acc);
        return lo;
      }
    }
    if ((off & 3) === 0) {
      this.hi = this.mem.u32[(off >>> 2) + 1];
      return this.mem.u32[off >>> 2];
    }
    this.hi = this.mem.view.getUint32(off + 4, true);
    return this.mem.view.getUint32(off, true);
  }

  /** A read that crosses a page: both pages are checked first. Sets `hi` for 8-byte reads. */
  private readSplit(vaLo: number, vaHi: number, size: number, acc: number): number {
    const [off0, off1, first] = this.resolveSplit(vaLo, vaHi, size, acc);
    const b = this.mem.bytes;
    let lo = 0;
    let hi = 0;
    for (let k = 0; k < size; k++) {
      const v = b[k < first ? off0 + k : off1 + (k - first)];
      if (k < 4) lo |= v << (8 * k);
      else hi |= v << (8 * (k - 4));
    }
    this.hi = hi >>> 0;
    return lo >>> 0;
  }

  write8(vaLo: number, vaHi: number, value: number, acc: number): void {
    acc |= ACC.WRITE;
    let off = this.fast(vaLo, vaHi, 1, acc);
    if (off < 0) {
      off = this.resolve(vaLo, vaHi, 1, acc);
      if (off < 0) return this.ioWrite(vaLo, vaHi, 1, value & 0xff, acc);
    }
    this.mem.bytes[off] = value;
  }

  write16(vaLo: number, vaHi: number, value: number, acc: number): void {
    acc |= ACC.WRITE;
    let off = this.fast(vaLo, vaHi, 2, acc);
    if (off < 0) {
      if ((vaLo & 0xfff) > 4094) return this.writeSplit(vaLo, vaHi, 2, value, 0, acc);
      off = this.resolve(vaLo, vaHi, 2, acc);
      if (off < 0) return this.ioWrite(vaLo, vaHi, 2, value & 0xffff, acc);
    }
    if ((off & 1) === 0) this.mem.u16[off >>> 1] = value;
    else this.mem.view.setUint16(off, value, true);
  }

  write32(vaLo: number, vaHi: number, value: number, acc: number): void {
    acc |= ACC.WRITE;
    let off = this.fast(vaLo, vaHi, 4, acc);
    if (off < 0) {
      if ((vaLo & 0xfff) > 4092) return this.writeSplit(vaLo, vaHi, 4, value, 0, acc);
      off = this.resolve(vaLo, vaHi, 4, acc);
      if (off < 0) return this.ioWrite(vaLo, vaHi, 4, value >>> 0, acc);
    }
    if ((off & 3) === 0) this.mem.u32[off >>> 2] = value;
    else this.mem.view.setUint32(off, value, true);
  }

  write64(vaLo: number, vaHi: number, lo: number, hi: number, acc: number): void {
    acc |= ACC.WRITE;
    let off = this.fast(vaLo, vaHi, 8, acc);
    if (off < 0) {
      if ((vaLo & 0xfff) > 4088) return this.writeSplit(vaLo, vaHi, 8, lo, hi, acc);
      off = this.resolve(vaLo, vaHi, 8, acc);
      if (off < 0) {
        this.ioWrite(vaLo, vaHi, 4, lo >>> 0, acc);
        return this.ioWrite((vaLo + 4) >>> 0, vaHi, 4, hi >>> 0, acc);
      }
    }
    if ((off & 3) === 0) {
      this.mem.u32[off >>> 2] = lo;
      this.mem.u32[(off >>> 2) + 1] = hi;
    } else {
      this.mem.view.setUint32(off, lo, true);
      this.mem.view.setUint32(off + 4, hi, true);
    }
  }

  private writeSplit(vaLo: number, vaHi: number, size: number, lo: number, hi: number, acc: number): void {
    const [off0, off1, first] = this.resolveSplit(vaLo, vaHi, size, acc);
    const b = this.mem.bytes;
    for (let k = 0; k < size; k++) {
      const v = k < 4 ? (lo >>> (8 * k)) & 0xff : (hi >>> (8 * (k - 4))) & 0xff;
      b[k < first ? off0 + k : off1 + (k - first)] = v;
    }
  }

  /**
   * A 16-byte access of two 64-bit registers (LDP/STP Xt): one translation and one tag check
   * for both when they share a page and the host TLB hits; otherwise the whole range is
   * checked first (no partial store) and the halves go through the 8-byte paths. Returns the
   * low half of the first register; `hi`, `lo2`, `hi2` hold the rest.
   */
  read128(vaLo: number, vaHi: number, acc: number): number {
    const off = (vaLo & 7) === 0 ? this.fast(vaLo, vaHi, 16, acc) : -1;
    if (off >= 0) {
      const w = off >>> 2;
      const u32 = this.mem.u32;
      this.hi = u32[w + 1];
      this.lo2 = u32[w + 2];
      this.hi2 = u32[w + 3];
      return u32[w];
    }
    this.probe(vaLo, vaHi, 16, acc, 8);
    const s = vaLo + 8;
    const aLo = this.read64(vaLo, vaHi, acc);
    const aHi = this.hi;
    this.lo2 = this.read64(s >>> 0, s > 0xffffffff ? (vaHi + 1) >>> 0 : vaHi, acc);
    this.hi2 = this.hi;
    this.hi = aHi;
    return aLo;
  }

  write128(vaLo: number, vaHi: number, aLo: number, aHi: number, bLo: number, bHi: number, acc: number): void {
    acc |= ACC.WRITE;
    const off = (vaLo & 7) === 0 ? this.fast(vaLo, vaHi, 16, acc) : -1;
    if (off >= 0) {
      const w = off >>> 2;
      const u32 = this.mem.u32;
      u32[w] = aLo;
      u32[w + 1] = aHi;
      u32[w + 2] = bLo;
      u32[w + 3] = bHi;
      return;
    }
    this.probe(vaLo, vaHi, 16, acc, 8);
    const s = vaLo + 8;
    this.write64(vaLo, vaHi, aLo, aHi, acc);
    this.write64(s >>> 0, s > 0xffffffff ? (vaHi + 1) >>> 0 : vaHi, bLo, bHi, acc);
  }

  /**
   * Checks a whole multi-register access (pairs, 16 bytes) before any part of it happens, so
   * that a fault leaves memory untouched. The parts then hit the host TLB. `elementSize` is the
   * size of each part, which is what Device memory and SCTLR_EL1.A require alignment to.
   */
  probe(vaLo: number, vaHi: number, size: number, acc: number, elementSize = size): void {
    if ((vaLo & 0xfff) > 4096 - size) this.resolveSplit(vaLo, vaHi, size, acc);
    else this.resolve(vaLo, vaHi, size, acc, elementSize);
  }

  /**
   * Translates a data access and checks its permissions, without a tag check and without
   * moving data; returns the physical address. The exclusive monitor compares physical
   * addresses (ASL AArch64.ExclusiveMonitorsPass, AArch64.IsExclusiveLocal).
   */
  physicalAddress(vaLo: number, vaHi: number, acc: number): number {
    const i = this.entryFor(vaLo, vaHi, acc);
    const off = this.hOff[i] + (vaLo & 0xfff);
    return (this.hFlags[i] & F_IO) !== 0 ? off : this.mem.ramBase + off;
  }

  /**
   * Zeroes `size` bytes (a power of two up to 4096) at va, which the caller has aligned to
   * `size` (DC ZVA, DC GZVA, STZGM; ASL AArch64.DataMemZero): translation and write permission,
   * then the tag check of every granule when `acc` has CHECKED, then the zeroing. Returns false
   * without touching anything when the memory is Device (DC ZVA then takes an Alignment fault);
   * Normal memory that is not RAM takes an external abort.
   */
  zeroBlock(vaLo: number, vaHi: number, size: number, acc: number): boolean {
    acc |= ACC.WRITE;
    const i = this.entryFor(vaLo, vaHi, acc);
    const flags = this.hFlags[i];
    if ((flags & F_DEVICE) !== 0) return false;
    if ((flags & F_IO) !== 0) throw new MemoryFault('external', 0, true, vaLo, vaHi);
    const off = this.hOff[i] + (vaLo & 0xfff);
    if ((flags & F_TAGGED) !== 0 && (acc & ACC.CHECKED) !== 0 && this.tagModeFor(acc) !== 0) this.checkTags(i, off, size, vaLo, vaHi, acc);
    if ((flags & F_CODE) !== 0) this.onCodeWrite((this.mem.ramBase + off) >>> 12);
    this.mem.bytes.fill(0, off, off + size);
    return true;
  }

  /**
   * Translates one page for a bulk copy the way LDTR/STTR would (EL0 permissions, EL0's tag-check
   * settings): returns the RAM offset of va and leaves in `pageChecked` whether accesses to this
   * page are tag checked (Tagged Normal memory with tag checking on for EL0). Throws MemoryFault;
   * a page that is not RAM is an external abort. The kernel shim's typed-array uaccess path uses
   * this, then compares the granules' tags itself (DESIGN.md decision 7).
   */
  translateUnprivileged(vaLo: number, vaHi: number, write: boolean): number {
    const i = this.entryFor(vaLo, vaHi, ACC.UNPRIV | (write ? ACC.WRITE : 0));
    const flags = this.hFlags[i];
    if ((flags & F_IO) !== 0) throw new MemoryFault('external', 0, write, vaLo, vaHi);
    const off = this.hOff[i] + (vaLo & 0xfff);
    this.pageChecked = (flags & F_TAGGED) !== 0 && this.tagMode0 !== 0;
    if (write && (flags & F_CODE) !== 0) this.onCodeWrite((this.mem.ramBase + off) >>> 12);
    return off;
  }

  /** Whether the page last given by translateUnprivileged is tag checked. */
  pageChecked = false;

  /** Tag-check mode for EL0 accesses (SCTLR_EL1.TCF0 when ATA0 is set and TCO clear), else 0. */
  get el0TagMode(): number {
    return this.tagMode0;
  }

  // ---- allocation tags (LDG/STG family, DC GVA/GZVA): never tag checked themselves

  /**
   * RAM offset of the granule at va for a tag access, or -1 when the memory has no tags
   * (not Tagged Normal, or allocation tag access disabled for the EL): then loads read 0 and
   * stores are ignored, after translation and permission checks (mte-arch.md §1.3).
   */
  tagGranule(vaLo: number, vaHi: number, write: boolean): number {
    const i = this.entryFor(vaLo & ~15, vaHi, write ? ACC.WRITE : 0);
    if ((this.hFlags[i] & (F_TAGGED | F_IO)) !== F_TAGGED) return -1;
    const s = this.ctx.sys.sctlr;
    if ((s & (this.ctx.el === 0 ? SCTLR_ATA0 : SCTLR_ATA)) === 0n) return -1;
    return this.hOff[i] + (vaLo & 0xff0);
  }

  // ---- instruction fetch

  /**
   * Translates a fetch from the page of pc and returns the physical address of the page.
   * Fetches are Normal memory (even with the MMU off) and need execute permission.
   */
  translateFetch(pcLo: number, pcHi: number): number {
    let i = this.hit(pcLo, pcHi);
    if (i < 0) i = this.fill(pcLo, pcHi, false);
    const xbit = this.ctx.el === 0 ? P_X0 : P_X1;
    if ((this.hPerm[i] & xbit) === 0) {
      const leaf = this.mmuOn ? this.tlb.lookup(pcLo, this.canonicalHi(pcHi), this.asid) : undefined;
      throw new MemoryFault('permission', leaf?.level ?? 3, false, pcLo, pcHi);
    }
    const flags = this.hFlags[i];
    return (flags & F_IO) !== 0 ? this.hOff[i] : this.mem.ramBase + this.hOff[i];
  }

  /** Marks a physical page as holding decoded instructions: writes to it take the slow path. */
  markCode(paPage: number): void {
    if (this.codePages.has(paPage)) return;
    this.codePages.add(paPage);
    this.flushHost();
  }
  unmarkCode(paPage: number): void {
    if (this.codePages.delete(paPage)) this.flushHost();
  }

  // ---- cache maintenance and address translation instructions

  /**
   * The translation and permission checks of a cache maintenance instruction by VA (DC/IC;
   * ASL AArch64.DC/AArch64.IC, S1CheckPermissions for AccessType_DC/IC). Translation and
   * address-size faults are raised as for a data access; an Access flag fault is not (IMPDEF,
   * as QEMU); permission: `el0Read` requires EL0 read permission (clean ops and IC IVAU at EL0),
   * `write` requires write permission without PAN (invalidate ops). Faults are thrown as
   * MemoryFault with write = true (the caller reports CM = 1, WnR = 1).
   */
  maintenanceCheck(vaLo: number, vaHi: number, el0Read: boolean, write: boolean): void {
    let i = this.hit(vaLo, vaHi);
    if (i < 0) {
      try {
        i = this.fill(vaLo, vaHi, true);
      } catch (e) {
        if (e instanceof MemoryFault && e.kind === 'access-flag') return;
        throw e;
      }
    }
    const perm = this.hPerm[i];
    if ((el0Read && (perm & P_R0) === 0) || (write && (perm & (this.ctx.el === 0 ? P_W0 : P_W1)) === 0)) {
      throw this.permissionFault(vaLo, vaHi, true, ACC.CM);
    }
  }

  /**
   * AT S1E1R/W, S1E0R/W, S1E1RP/WP (ASL AArch64.AT): a fresh stage-1 walk for the EL1&0
   * regime that neither uses nor fills the TLBs (as QEMU), then the permission check for
   * `el` (with PAN only for the RP/WP forms). Returns the leaf and the physical address, or the
   * fault the translation would take. With the MMU off the result is flat Device-nGnRnE.
   */
  translateForAt(vaLo: number, vaHi: number, el: number, write: boolean, pan: boolean): AtResult {
    const s = this.ctx.sys;
    if ((s.sctlr & SCTLR_M) === 0n) {
      const hi = this.canonicalHi(vaHi);
      if (hi >>> 16 !== 0) return { fault: new MemoryFault('address-size', 0, write, vaLo, vaHi) };
      return { pa: hi * 4294967296 + (vaLo >>> 0), attr: 0x00, sh: 0 };
    }
    let leaf: Leaf;
    try {
      leaf = walkStage1(s, this.mem, vaLo, vaHi, write);
    } catch (e) {
      if (e instanceof MemoryFault) return { fault: e };
      throw e;
    }
    const perm = permissions(leaf, (s.sctlr & SCTLR_WXN) !== 0n);
    const need = el === 0 ? (write ? P_W0 : P_R0) : write ? (pan ? P_W1PAN : P_W1) : pan ? P_R1PAN : P_R1;
    if ((perm & need) === 0) return { fault: new MemoryFault('permission', leaf.level, write, vaLo, vaHi) };
    const off = (vaLo >>> 0) % 2 ** leaf.sizeLog2;
    return { pa: leaf.pa + off, attr: leaf.attr, sh: leaf.sh };
  }

  /** Host-side translation for tools (API, debugger): PA of va for the current EL, or undefined. */
  translateForDebug(vaLo: number, vaHi: number): number | undefined {
    try {
      const i = this.hit(vaLo, vaHi) >= 0 ? this.hit(vaLo, vaHi) : this.fill(vaLo, vaHi, false);
      return (this.hFlags[i] & F_IO) !== 0 ? this.hOff[i] + (vaLo & 0xfff) : this.mem.ramBase + this.hOff[i] + (vaLo & 0xfff);
    } catch (e) {
      if (e instanceof MemoryFault) return undefined;
      throw e;
    }
  }
}

/**
 * Permission bits of a leaf (mte-arch.md §6.4; ASL AArch64.S1DirectBasePermissions):
 * AP[2:1] gives EL1/EL0 read/write, EL0-writable memory is never EL1-executable, WXN removes
 * execute from writable memory, and PAN removes EL1 data access to EL0-accessible memory.
 */
function permissions(leaf: Leaf, wxn: boolean): number {
  const ap = leaf.ap;
  const r1 = true;
  const w1 = (ap & 2) === 0;
  const r0 = (ap & 1) !== 0;
  const w0 = ap === 1;
  let x1 = !leaf.pxn && !w0;
  let x0 = !leaf.uxn;
  if (wxn) {
    if (w1) x1 = false;
    if (w0) x0 = false;
  }
  const el0Accessible = r0 || w0;
  let p = 0;
  if (r0) p |= P_R0;
  if (w0) p |= P_W0;
  if (x0) p |= P_X0;
  if (r1) p |= P_R1;
  if (w1) p |= P_W1;
  if (x1) p |= P_X1;
  if (r1 && !el0Accessible) p |= P_R1PAN;
  if (w1 && !el0Accessible) p |= P_W1PAN;
  return p;
}

/** Memory-type flags of a MAIR attribute byte: 0xF0 is Tagged Normal, 0b0000xx00 is Device. */
function attrFlags(attr: number): number {
  if (attr === 0xf0) return F_TAGGED;
  if ((attr & 0xf0) === 0) return F_DEVICE | F_ALIGN;
  return 0;
}

/** What AT finds: a physical address with its attributes, or the fault. */
export type AtResult = { fault: MemoryFault; pa?: undefined } | { fault?: undefined; pa: number; attr: number; sh: number };

export { MemoryFault };
export type { Leaf };
export const HOST_TLB_ENTRIES = HOST_ENTRIES;
export { TCR_TCMA0, TCR_TCMA1 };
