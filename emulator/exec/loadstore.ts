// Loads and stores of general-purpose registers (ASL LoadStore* / LoadStorePair, Mem[]):
// immediate (unsigned offset, unscaled, pre/post-index), register offset, unprivileged
// LDTR/STTR, literal, PRFM (a hint: no access, no fault), pairs (LDP/STP/LDNP/STNP/LDPSW), the
// ordered accesses (LDAR/STLR/LDLAR/STLLR/LDAPR/LDAPUR/STLUR), and DC ZVA.
//
// Every access goes through cpu.mmu (translation, permission, tag check, data). The decoders
// settle what depends only on the encoding: the access kind, the scaled offset, register 31,
// and whether the form is tag checked (mte-arch.md §3.1); the flags travel in op.flags
// (MEM_* below). Fault order within an instruction (mte-arch.md §3.6): SP alignment (EC 0x26)
// when the base is SP, then alignment faults that do not depend on the memory type
// (SCTLR_EL1.A, the natural alignment of ordered accesses), then the memory path's faults
// (translation, permission, tag check). Registers, including the writeback of the base, change
// only after every access of the instruction has succeeded.
//
// The SP alignment check follows the architecture (SCTLR_EL1.SA at EL1, SA0 at EL0, both set at
// reset); QEMU `-cpu max` does not implement it. PRFM is exempt, as in the ASL.
//
// Alignment choice: granule does not implement FEAT_LSE2 (ID_AA64MMFR2_EL1.AT = 0), so the
// ordered accesses need natural alignment (ASL AArch64.UnalignedAccessFaults for acqsc/acqpc/
// relsc without LSE2). QEMU `-cpu max` implements LSE2 and lets an unaligned LDAR/STLR that
// stays inside a 16-byte block through; granule faults there.

import type { Cpu } from '../cpu.js';
import { NEXT, regSp, regZr, regZrDest, registerFamilies, SP_INDEX, type Op } from '../decoded.js';
import { ArchException, EC, sysTrapIss } from '../exceptions.js';
import { ID } from '../sysregs.js';
import { extend64, u64 } from '../u64.js';
import { ACC, MemoryFault } from '../../mmu/access.js';
import type { Attrs } from '../../isa/encodings.js';

// ---- op.flags of the memory families (loadstore.ts, atomic.ts, mte.ts)

/** Bits 0..4: the ACC descriptor of the access (WRITE, CHECKED, RMW...). */
export const MEM_ACC = 0x1f;
/** The base register is SP: SCTLR_EL1.SA/SA0 apply (ASL CheckSPAlignment). */
export const MEM_SP_BASE = 1 << 5;
/** Natural alignment is required whatever SCTLR_EL1.A says (ordered, exclusive, atomic). */
export const MEM_ALIGNED = 1 << 6;
/** LDTR/STTR: the access is unprivileged when executed at EL1 with PSTATE.UAO = 0. */
export const MEM_UNPRIV = 1 << 7;
/** log2 of the access (element) size, bits 8..10. */
export const MEM_SIZE_SHIFT = 8;
/** Register offset: the extend option (bits 12..14) and the shift amount (bits 16..18). */
const MEM_OPTION_SHIFT = 12;
const MEM_SHIFT_SHIFT = 16;

const SCTLR_A = 1 << 1;
const SCTLR_SA = 1 << 3;
const SCTLR_SA0 = 1 << 4;
const SCTLR_DZE = 1 << 14;

/** ASL CheckSPAlignment: with SCTLR_EL1.SA (EL1) / SA0 (EL0), SP must be 16-byte aligned (EC 0x26). */
export function checkSpAlignment(cpu: Cpu): void {
  if ((cpu.x[SP_INDEX] & 15) !== 0 && (cpu.mmu.sctlrLo & (cpu.el === 0 ? SCTLR_SA0 : SCTLR_SA)) !== 0) {
    throw new ArchException(EC.SP_ALIGN, 0);
  }
}

/**
 * The alignment faults that precede translation (ASL AArch64.UnalignedAccessFaults): `size`
 * bytes at lo must be aligned when SCTLR_EL1.A is set or the instruction requires it. WnR is
 * `write and not read`, so 0 for read-modify-write atomics.
 */
export function checkAlignment(cpu: Cpu, flags: number, lo: number, hi: number, size: number): void {
  if ((lo & (size - 1)) !== 0 && ((flags & MEM_ALIGNED) !== 0 || (cpu.mmu.sctlrLo & SCTLR_A) !== 0)) {
    throw new MemoryFault('alignment', 0, (flags & ACC.WRITE) !== 0 && (flags & ACC.RMW) === 0, lo, hi);
  }
}

// ---- access kinds (op.imm2): what moves between Rt and memory

export const K_STRB = 0;
export const K_STRH = 1;
export const K_STRW = 2;
export const K_STRX = 3;
export const K_LDRB = 4;
export const K_LDRH = 5;
export const K_LDRW = 6;
export const K_LDRX = 7;
export const K_LDRSBW = 8;
export const K_LDRSBX = 9;
export const K_LDRSHW = 10;
export const K_LDRSHX = 11;
export const K_LDRSW = 12;

/** The access kind of a load/store row from its static attributes. */
export function accessKind(a: Attrs): number {
  const size = a.size ?? 0;
  if (!a.load) return K_STRB + size;
  if (!a.signed) return K_LDRB + size;
  if (size === 2) return K_LDRSW;
  return K_LDRSBW + 2 * size + (a.regBits === 64 ? 1 : 0);
}

/** Moves one register to or from memory at lo/hi: op.rd is Rt, op.imm2 the kind. */
export function transfer(cpu: Cpu, op: Op, lo: number, hi: number, acc: number): void {
  const x = cpu.x;
  const m = cpu.mmu;
  const t = op.rd;
  switch (op.imm2) {
    case K_STRB: m.write8(lo, hi, x[t] & 0xff, acc); return;
    case K_STRH: m.write16(lo, hi, x[t] & 0xffff, acc); return;
    case K_STRW: m.write32(lo, hi, x[t], acc); return;
    case K_STRX: m.write64(lo, hi, x[t], x[t + 1], acc); return;
    case K_LDRB: x[t] = m.read8(lo, hi, acc); x[t + 1] = 0; return;
    case K_LDRH: x[t] = m.read16(lo, hi, acc); x[t + 1] = 0; return;
    case K_LDRW: x[t] = m.read32(lo, hi, acc); x[t + 1] = 0; return;
    case K_LDRX: {
      const v = m.read64(lo, hi, acc);
      x[t] = v;
      x[t + 1] = m.hi;
      return;
    }
    case K_LDRSBW: x[t] = (m.read8(lo, hi, acc) << 24) >> 24; x[t + 1] = 0; return;
    case K_LDRSHW: x[t] = (m.read16(lo, hi, acc) << 16) >> 16; x[t + 1] = 0; return;
    case K_LDRSBX: {
      const v = (m.read8(lo, hi, acc) << 24) >> 24;
      x[t] = v;
      x[t + 1] = v >> 31;
      return;
    }
    case K_LDRSHX: {
      const v = (m.read16(lo, hi, acc) << 16) >> 16;
      x[t] = v;
      x[t + 1] = v >> 31;
      return;
    }
    default: {
      const v = m.read32(lo, hi, acc) | 0;
      x[t] = v;
      x[t + 1] = v >> 31;
    }
  }
}

/** The access descriptor of an immediate-form execution: LDTR/STTR at EL1 with UAO = 0 are unprivileged. */
function accessFor(cpu: Cpu, flags: number): number {
  const acc = flags & MEM_ACC;
  return (flags & MEM_UNPRIV) !== 0 && cpu.el === 1 && cpu.uao === 0 ? acc | ACC.UNPRIV : acc;
}

// ---- single register, immediate and register offsets. op.rn = base slot, op.imm = offset.

/** [Xn|SP, #imm] (unsigned offset, unscaled, LDTR/STTR, ordered forms). */
function ldstOffset(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const flags = op.flags;
  if ((flags & MEM_SP_BASE) !== 0) checkSpAlignment(cpu);
  const s = x[op.rn] + op.imm;
  const lo = s >>> 0;
  const hi = (x[op.rn + 1] + Math.floor(s / 4294967296)) >>> 0;
  checkAlignment(cpu, flags, lo, hi, 1 << ((flags >>> MEM_SIZE_SHIFT) & 7));
  transfer(cpu, op, lo, hi, accessFor(cpu, flags));
  return NEXT;
}

/** [Xn|SP, #imm]! */
function ldstPre(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const flags = op.flags;
  if ((flags & MEM_SP_BASE) !== 0) checkSpAlignment(cpu);
  const s = x[op.rn] + op.imm;
  const lo = s >>> 0;
  const hi = (x[op.rn + 1] + Math.floor(s / 4294967296)) >>> 0;
  checkAlignment(cpu, flags, lo, hi, 1 << ((flags >>> MEM_SIZE_SHIFT) & 7));
  transfer(cpu, op, lo, hi, flags & MEM_ACC);
  x[op.rn] = lo;
  x[op.rn + 1] = hi;
  return NEXT;
}

/** [Xn|SP], #imm */
function ldstPost(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const flags = op.flags;
  if ((flags & MEM_SP_BASE) !== 0) checkSpAlignment(cpu);
  const lo = x[op.rn];
  const hi = x[op.rn + 1];
  checkAlignment(cpu, flags, lo, hi, 1 << ((flags >>> MEM_SIZE_SHIFT) & 7));
  transfer(cpu, op, lo, hi, flags & MEM_ACC);
  const s = lo + op.imm;
  x[op.rn] = s;
  x[op.rn + 1] = hi + Math.floor(s / 4294967296);
  return NEXT;
}

/** [Xn|SP, Rm{, LSL|UXTW|SXTW|SXTX {#amount}}]: always tag checked. */
function ldstReg(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const flags = op.flags;
  if ((flags & MEM_SP_BASE) !== 0) checkSpAlignment(cpu);
  extend64(x[op.rm], x[op.rm + 1], (flags >>> MEM_OPTION_SHIFT) & 7, (flags >>> MEM_SHIFT_SHIFT) & 7);
  const s = x[op.rn] + u64.lo;
  const lo = s >>> 0;
  const hi = (x[op.rn + 1] + u64.hi + (s > 0xffffffff ? 1 : 0)) >>> 0;
  checkAlignment(cpu, flags, lo, hi, 1 << ((flags >>> MEM_SIZE_SHIFT) & 7));
  transfer(cpu, op, lo, hi, flags & MEM_ACC);
  return NEXT;
}

// The most frequent forms get their own functions: LDR/STR Xt/Wt, [Xn|SP, #imm].

function ldrXOffset(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const flags = op.flags;
  if ((flags & MEM_SP_BASE) !== 0) checkSpAlignment(cpu);
  const s = x[op.rn] + op.imm;
  const lo = s >>> 0;
  const hi = (x[op.rn + 1] + Math.floor(s / 4294967296)) >>> 0;
  if ((lo & 7) !== 0) checkAlignment(cpu, flags, lo, hi, 8);
  const v = cpu.mmu.read64(lo, hi, flags & MEM_ACC);
  x[op.rd] = v;
  x[op.rd + 1] = cpu.mmu.hi;
  return NEXT;
}
function strXOffset(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const flags = op.flags;
  if ((flags & MEM_SP_BASE) !== 0) checkSpAlignment(cpu);
  const s = x[op.rn] + op.imm;
  const lo = s >>> 0;
  const hi = (x[op.rn + 1] + Math.floor(s / 4294967296)) >>> 0;
  if ((lo & 7) !== 0) checkAlignment(cpu, flags, lo, hi, 8);
  cpu.mmu.write64(lo, hi, x[op.rd], x[op.rd + 1], flags & MEM_ACC);
  return NEXT;
}
function ldrWOffset(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const flags = op.flags;
  if ((flags & MEM_SP_BASE) !== 0) checkSpAlignment(cpu);
  const s = x[op.rn] + op.imm;
  const lo = s >>> 0;
  const hi = (x[op.rn + 1] + Math.floor(s / 4294967296)) >>> 0;
  if ((lo & 3) !== 0) checkAlignment(cpu, flags, lo, hi, 4);
  x[op.rd] = cpu.mmu.read32(lo, hi, flags & MEM_ACC);
  x[op.rd + 1] = 0;
  return NEXT;
}
function strWOffset(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const flags = op.flags;
  if ((flags & MEM_SP_BASE) !== 0) checkSpAlignment(cpu);
  const s = x[op.rn] + op.imm;
  const lo = s >>> 0;
  const hi = (x[op.rn + 1] + Math.floor(s / 4294967296)) >>> 0;
  if ((lo & 3) !== 0) checkAlignment(cpu, flags, lo, hi, 4);
  cpu.mmu.write32(lo, hi, x[op.rd], flags & MEM_ACC);
  return NEXT;
}

/** LDR (literal): PC-relative, never tag checked. op.imm = byte offset. */
function ldrLiteral(cpu: Cpu, op: Op): number {
  const s = cpu.pcLo + op.imm;
  const lo = s >>> 0;
  const hi = (cpu.pcHi + Math.floor(s / 4294967296)) >>> 0;
  checkAlignment(cpu, op.flags, lo, hi, 1 << ((op.flags >>> MEM_SIZE_SHIFT) & 7));
  transfer(cpu, op, lo, hi, 0);
  return NEXT;
}

/** PRFM/PRFUM in every form: a hint with no access, no fault and no SP alignment check. */
function prefetch(_cpu: Cpu, _op: Op): number {
  return NEXT;
}

// ---- pairs. op.rd = Rt, op.rm = Rt2, op.imm = offset in bytes, op.imm2 = pair kind.

const P_STPW = 0;
const P_STPX = 1;
const P_LDPW = 2;
const P_LDPX = 3;
const P_LDPSW = 4;

/**
 * Checks both elements of a pair store before either is written (no partial store): one probe
 * of the whole range when it stays in one page (each element aligned to its own size on Device
 * memory), else one per element, in address order (ASL performs them as two accesses).
 */
function probePair(cpu: Cpu, lo: number, hi: number, esize: number, acc: number): void {
  const m = cpu.mmu;
  if ((lo & 0xfff) <= 4096 - 2 * esize) {
    m.probe(lo, hi, 2 * esize, acc, esize);
    return;
  }
  m.probe(lo, hi, esize, acc);
  const s = lo + esize;
  m.probe(s >>> 0, s > 0xffffffff ? (hi + 1) >>> 0 : hi, esize, acc);
}

/** The pair access at lo/hi; registers are written only after both loads succeeded. */
function pairTransfer(cpu: Cpu, op: Op, lo: number, hi: number, acc: number): void {
  const x = cpu.x;
  const m = cpu.mmu;
  const kind = op.imm2;
  const esize = kind === P_STPX || kind === P_LDPX ? 8 : 4;
  const s = lo + esize;
  const lo2 = s >>> 0;
  const hi2 = s > 0xffffffff ? (hi + 1) >>> 0 : hi;
  const t = op.rd;
  const t2 = op.rm;
  switch (kind) {
    case P_STPW:
      if ((lo & 7) === 0) {
        m.write64(lo, hi, x[t], x[t2], acc);
        return;
      }
      probePair(cpu, lo, hi, 4, acc);
      m.write32(lo, hi, x[t], acc);
      m.write32(lo2, hi2, x[t2], acc);
      return;
    case P_STPX:
      m.write128(lo, hi, x[t], x[t + 1], x[t2], x[t2 + 1], acc);
      return;
    case P_LDPW: {
      let a: number;
      let b: number;
      if ((lo & 7) === 0) {
        a = m.read64(lo, hi, acc);
        b = m.hi;
      } else {
        a = m.read32(lo, hi, acc);
        b = m.read32(lo2, hi2, acc);
      }
      x[t] = a;
      x[t + 1] = 0;
      x[t2] = b;
      x[t2 + 1] = 0;
      return;
    }
    case P_LDPX: {
      x[t] = m.read128(lo, hi, acc);
      x[t + 1] = m.hi;
      x[t2] = m.lo2;
      x[t2 + 1] = m.hi2;
      return;
    }
    default: {
      const a = m.read32(lo, hi, acc) | 0;
      const b = m.read32(lo2, hi2, acc) | 0;
      x[t] = a;
      x[t + 1] = a >> 31;
      x[t2] = b;
      x[t2 + 1] = b >> 31;
    }
  }
}

function pairOffset(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const flags = op.flags;
  if ((flags & MEM_SP_BASE) !== 0) checkSpAlignment(cpu);
  const s = x[op.rn] + op.imm;
  const lo = s >>> 0;
  const hi = (x[op.rn + 1] + Math.floor(s / 4294967296)) >>> 0;
  checkAlignment(cpu, flags, lo, hi, 1 << ((flags >>> MEM_SIZE_SHIFT) & 7));
  pairTransfer(cpu, op, lo, hi, flags & MEM_ACC);
  return NEXT;
}
function pairPre(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const flags = op.flags;
  if ((flags & MEM_SP_BASE) !== 0) checkSpAlignment(cpu);
  const s = x[op.rn] + op.imm;
  const lo = s >>> 0;
  const hi = (x[op.rn + 1] + Math.floor(s / 4294967296)) >>> 0;
  checkAlignment(cpu, flags, lo, hi, 1 << ((flags >>> MEM_SIZE_SHIFT) & 7));
  pairTransfer(cpu, op, lo, hi, flags & MEM_ACC);
  x[op.rn] = lo;
  x[op.rn + 1] = hi;
  return NEXT;
}
function pairPost(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const flags = op.flags;
  if ((flags & MEM_SP_BASE) !== 0) checkSpAlignment(cpu);
  const lo = x[op.rn];
  const hi = x[op.rn + 1];
  checkAlignment(cpu, flags, lo, hi, 1 << ((flags >>> MEM_SIZE_SHIFT) & 7));
  pairTransfer(cpu, op, lo, hi, flags & MEM_ACC);
  const s = lo + op.imm;
  x[op.rn] = s;
  x[op.rn + 1] = hi + Math.floor(s / 4294967296);
  return NEXT;
}

// ---- DC ZVA (called from the SYS handler in exec/system.ts)

/** DC ZVA/GVA/GZVA block: 4 << DCZID_EL0.BS bytes (64). */
export const DCZ_BLOCK_BYTES = 4 << Number(ID.DCZID_BS);

/**
 * DC ZVA, GVA and GZVA at EL0 need SCTLR_EL1.DZE, else they trap with EC 0x18 (ISS from the
 * SYS word: op0 = 1, direction = write).
 */
export function checkDcZeroAllowed(cpu: Cpu, word: number): void {
  if (cpu.el === 0 && (cpu.mmu.sctlrLo & SCTLR_DZE) === 0) {
    const w = word >>> 0;
    throw new ArchException(EC.SYS_TRAP, sysTrapIss(1, (w >>> 16) & 7, (w >>> 12) & 15, (w >>> 8) & 15, (w >>> 5) & 7, w & 31, false));
  }
}

/**
 * The fault a DC ZVA/GVA/GZVA reports: WnR = 1, CM = 0, and FAR = Xt (not the aligned block
 * address) for everything but a Tag Check fault (mte-arch.md §1.6; ASL AArch64.DataMemZero).
 */
export function dcZeroFault(e: unknown, xtLo: number, xtHi: number): unknown {
  if (e instanceof MemoryFault && e.kind !== 'tag-check') return new MemoryFault(e.kind, e.level, true, xtLo, xtHi);
  return e;
}

/**
 * DC ZVA, Xt (ASL AArch64.DataMemZero): zeroes the DCZ_BLOCK_BYTES block holding Xt. The
 * access is a write (PAN applies) and tag checked against Xt[59:56] for every granule of the
 * block; a Tag Check fault reports the lowest mismatching granule (the block address when it
 * is the first; the architecture lets this be IMPLEMENTATION DEFINED). Device memory takes an
 * Alignment fault. The SYS handler calls it with op.rn = the slot of Xt and op.word set.
 */
export function executeDcZva(cpu: Cpu, op: Op): number {
  checkDcZeroAllowed(cpu, op.word);
  const xtLo = cpu.x[op.rn];
  const xtHi = cpu.x[op.rn + 1];
  let zeroed: boolean;
  try {
    zeroed = cpu.mmu.zeroBlock((xtLo & -DCZ_BLOCK_BYTES) >>> 0, xtHi, DCZ_BLOCK_BYTES, ACC.CHECKED);
  } catch (e) {
    throw dcZeroFault(e, xtLo, xtHi);
  }
  if (!zeroed) throw new MemoryFault('alignment', 0, true, xtLo, xtHi);
  return NEXT;
}

// ---- decoders

/** Tag checked unless the base is SP without writeback (mte-arch.md §3.1). */
const checkedUnlessSp = (rn: number, writeback: boolean): number => (writeback || rn !== 31 ? ACC.CHECKED : 0);

function baseFlags(rn: number, a: Attrs): number {
  return (rn === 31 ? MEM_SP_BASE : 0) | (a.load ? 0 : ACC.WRITE) | ((a.size ?? 0) << MEM_SIZE_SHIFT);
}

registerFamilies({
  loadStore: (op, f, e) => {
    const a = e.attrs;
    op.rd = a.load ? regZrDest(f.rt) : regZr(f.rt);
    op.rn = regSp(f.rn);
    op.imm2 = accessKind(a);
    const size = a.size ?? 0;
    let flags = baseFlags(f.rn, a);
    switch (a.mode) {
      case 'uimm':
        op.imm = f.imm12 << size;
        op.flags = flags | checkedUnlessSp(f.rn, false);
        op.exec = op.imm2 === K_LDRX ? ldrXOffset : op.imm2 === K_STRX ? strXOffset : op.imm2 === K_LDRW ? ldrWOffset : op.imm2 === K_STRW ? strWOffset : ldstOffset;
        return;
      case 'unscaled':
      case 'unpriv':
        op.imm = (f.imm9 << 23) >> 23;
        if (a.mode === 'unpriv') flags |= MEM_UNPRIV;
        op.flags = flags | checkedUnlessSp(f.rn, false);
        op.exec = ldstOffset;
        return;
      case 'pre':
      case 'post':
        op.imm = (f.imm9 << 23) >> 23;
        op.flags = flags | ACC.CHECKED;
        op.exec = a.mode === 'pre' ? ldstPre : ldstPost;
        return;
      default:
        // Register offset: option 010 UXTW, 011 LSL (UXTX), 110 SXTW, 111 SXTX; S scales by the size.
        op.rm = regZr(f.rm);
        op.flags = flags | ACC.CHECKED | (f.option << MEM_OPTION_SHIFT) | ((f.S ? size : 0) << MEM_SHIFT_SHIFT);
        op.exec = ldstReg;
    }
  },
  loadLiteral: (op, f, e) => {
    op.rd = regZrDest(f.rt);
    op.imm = ((f.imm19 << 13) >> 13) * 4;
    op.imm2 = accessKind(e.attrs);
    op.flags = (e.attrs.size ?? 0) << MEM_SIZE_SHIFT;
    op.exec = ldrLiteral;
  },
  prefetch: (op) => {
    op.exec = prefetch;
  },
  loadStorePair: (op, f, e) => {
    const a = e.attrs;
    const size = a.size ?? 2;
    op.rd = a.load ? regZrDest(f.rt) : regZr(f.rt);
    op.rm = a.load ? regZrDest(f.rt2) : regZr(f.rt2);
    op.rn = regSp(f.rn);
    op.imm = ((f.imm7 << 25) >> 25) << size;
    op.imm2 = a.signed ? P_LDPSW : a.load ? (size === 3 ? P_LDPX : P_LDPW) : size === 3 ? P_STPX : P_STPW;
    const writeback = a.mode === 'pre' || a.mode === 'post';
    op.flags = baseFlags(f.rn, a) | checkedUnlessSp(f.rn, writeback);
    op.exec = a.mode === 'pre' ? pairPre : a.mode === 'post' ? pairPost : pairOffset;
  },
  acquireRelease: (op, f, e) => {
    // LDAR/STLR/LDLAR/STLLR/LDAPR [Xn|SP] and LDAPUR/STLUR [Xn|SP, #simm9]: no writeback, so
    // tag checked when Rn != 31; natural alignment required (no FEAT_LSE2, see the top).
    // LDLAR/STLLR behave as LDAR/STLR (no LORegion is ever configured).
    const a = e.attrs;
    op.rd = a.load ? regZrDest(f.rt) : regZr(f.rt);
    op.rn = regSp(f.rn);
    op.imm = a.mode === 'unscaled' ? (f.imm9 << 23) >> 23 : 0;
    op.imm2 = accessKind(a);
    op.flags = baseFlags(f.rn, a) | MEM_ALIGNED | checkedUnlessSp(f.rn, false);
    op.exec = ldstOffset;
  },
});
