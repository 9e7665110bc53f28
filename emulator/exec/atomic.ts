// Exclusives (LDXR/LDAXR/STXR/STLXR, LDXP/LDAXP/STXP/STLXP) and the FEAT_LSE atomics (CAS,
// CASP, LD<op>, SWP) in every size and ordering (ASL AArch64.ExclusiveMonitorsPass,
// AArch64.MemAtomic, AArch64.MemAtomicCompareAndSwap). There is one PE and memory is
// sequentially consistent here, so acquire/release orderings change nothing.
//
// Rules shared by all of them: the base is Xn|SP with no offset; tag checked when Rn != 31
// (mte-arch.md §3.1); natural alignment of the whole access is required (a pair: twice the
// register size) -- granule does not implement FEAT_LSE2, whose 16-byte relaxation QEMU `-cpu
// max` applies to all but the 128-bit forms. Alignment faults come before translation; for
// atomics (read-modify-write) they, like translation and tag check faults, report WnR = 0
// (ASL `write and not read`; QEMU reports 1).
//
// The local exclusive monitor is cpu.exclusivePa/exclusiveSize: the physical address and size
// of the last load-exclusive. A store-exclusive checks alignment; with the monitor open it
// fails (status 1) without accessing memory (ASL IsExclusiveVA, as QEMU's address compare);
// otherwise it translates for a write (faults are taken), succeeds only for the same physical
// address and size, and always leaves the monitor open. CLREX and ERET also open it. Other
// stores never clear it (IMPLEMENTATION DEFINED; QEMU compares the old value instead).

import type { Cpu } from '../cpu.js';
import { NEXT, regSp, regZr, regZrDest, registerFamilies, type Op } from '../decoded.js';
import { ACC } from '../../mmu/access.js';
import { accessKind, checkAlignment, checkSpAlignment, MEM_ACC, MEM_ALIGNED, MEM_SIZE_SHIFT, MEM_SP_BASE, transfer } from './loadstore.js';
import { SLOT_SINK, SLOT_ZR } from '../cpu.js';

const sizeOf = (flags: number): number => (flags >>> MEM_SIZE_SHIFT) & 7;

/** The base address of an atomic or exclusive after the SP and alignment checks: `total` bytes. */
let baseLo = 0;
let baseHi = 0;
function atomicBase(cpu: Cpu, op: Op, total: number): void {
  const flags = op.flags;
  if ((flags & MEM_SP_BASE) !== 0) checkSpAlignment(cpu);
  baseLo = cpu.x[op.rn];
  baseHi = cpu.x[op.rn + 1];
  checkAlignment(cpu, flags, baseLo, baseHi, total);
}

// ---- exclusives. op.rd = Rt, op.rm = Rt2 (pairs), op.ra = Ws (stores), op.imm2 = access kind.

function loadExclusive(cpu: Cpu, op: Op): number {
  const size = 1 << sizeOf(op.flags);
  atomicBase(cpu, op, size);
  const lo = baseLo;
  const hi = baseHi;
  transfer(cpu, op, lo, hi, op.flags & MEM_ACC);
  cpu.exclusivePa = cpu.mmu.physicalAddress(lo, hi, 0);
  cpu.exclusiveSize = size;
  return NEXT;
}

/** ASL AArch64.ExclusiveMonitorsPass after the alignment check: translates for the store. */
function monitorPasses(cpu: Cpu, lo: number, hi: number, size: number): boolean {
  if (cpu.exclusivePa < 0) return false;
  const pa = cpu.mmu.physicalAddress(lo, hi, ACC.WRITE);
  return pa === cpu.exclusivePa && size === cpu.exclusiveSize;
}

function storeExclusive(cpu: Cpu, op: Op): number {
  const size = 1 << sizeOf(op.flags);
  atomicBase(cpu, op, size);
  let status = 1;
  if (monitorPasses(cpu, baseLo, baseHi, size)) {
    transfer(cpu, op, baseLo, baseHi, op.flags & MEM_ACC);
    status = 0;
  }
  cpu.exclusivePa = -1;
  cpu.x[op.ra] = status;
  cpu.x[op.ra + 1] = 0;
  return NEXT;
}

/** LDXP/LDAXP: two registers from one naturally aligned block (W: 8 bytes, X: 16 bytes). */
function loadExclusivePair(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const m = cpu.mmu;
  const esize = 1 << sizeOf(op.flags);
  atomicBase(cpu, op, 2 * esize);
  const acc = op.flags & MEM_ACC;
  const lo = baseLo;
  const hi = baseHi;
  if (esize === 4) {
    const a = m.read64(lo, hi, acc);
    const b = m.hi;
    x[op.rd] = a;
    x[op.rd + 1] = 0;
    x[op.rm] = b;
    x[op.rm + 1] = 0;
  } else {
    const aLo = m.read64(lo, hi, acc);
    const aHi = m.hi;
    const bLo = m.read64(lo + 8, hi, acc);
    const bHi = m.hi;
    x[op.rd] = aLo;
    x[op.rd + 1] = aHi;
    x[op.rm] = bLo;
    x[op.rm + 1] = bHi;
  }
  cpu.exclusivePa = m.physicalAddress(lo, hi, 0);
  cpu.exclusiveSize = 2 * esize;
  return NEXT;
}

function storeExclusivePair(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const m = cpu.mmu;
  const esize = 1 << sizeOf(op.flags);
  atomicBase(cpu, op, 2 * esize);
  const acc = op.flags & MEM_ACC;
  const lo = baseLo;
  const hi = baseHi;
  let status = 1;
  if (monitorPasses(cpu, lo, hi, 2 * esize)) {
    if (esize === 4) m.write64(lo, hi, x[op.rd], x[op.rm], acc);
    else {
      m.probe(lo, hi, 16, acc, 8);
      m.write64(lo, hi, x[op.rd], x[op.rd + 1], acc);
      m.write64(lo + 8, hi, x[op.rm], x[op.rm + 1], acc);
    }
    status = 0;
  }
  cpu.exclusivePa = -1;
  x[op.ra] = status;
  x[op.ra + 1] = 0;
  return NEXT;
}

// ---- compare and swap. op.rd = Rt (new value), op.rm = Rs as read, op.ra = Rs as written;
// CASP: op.imm/op.immHi = Rs+1 as read/written, op.imm2 = Rt+1.

const RMW = ACC.RMW | ACC.WRITE;

function compareSwap(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const m = cpu.mmu;
  const sz = sizeOf(op.flags);
  atomicBase(cpu, op, 1 << sz);
  const acc = (op.flags & MEM_ACC) | RMW;
  const lo = baseLo;
  const hi = baseHi;
  if (sz === 3) {
    const oldLo = m.read64(lo, hi, acc);
    const oldHi = m.hi;
    if (oldLo === x[op.rm] && oldHi === x[op.rm + 1]) m.write64(lo, hi, x[op.rd], x[op.rd + 1], acc);
    x[op.ra] = oldLo;
    x[op.ra + 1] = oldHi;
    return NEXT;
  }
  let old: number;
  const cmp = x[op.rm];
  const nv = x[op.rd];
  if (sz === 0) {
    old = m.read8(lo, hi, acc);
    if (old === (cmp & 0xff)) m.write8(lo, hi, nv & 0xff, acc);
  } else if (sz === 1) {
    old = m.read16(lo, hi, acc);
    if (old === (cmp & 0xffff)) m.write16(lo, hi, nv & 0xffff, acc);
  } else {
    old = m.read32(lo, hi, acc);
    if (old === cmp) m.write32(lo, hi, nv, acc);
  }
  x[op.ra] = old;
  x[op.ra + 1] = 0;
  return NEXT;
}

function compareSwapPair(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const m = cpu.mmu;
  const esize = 1 << sizeOf(op.flags);
  atomicBase(cpu, op, 2 * esize);
  const acc = (op.flags & MEM_ACC) | RMW;
  const lo = baseLo;
  const hi = baseHi;
  const s1 = op.imm;
  const t1 = op.imm2;
  if (esize === 4) {
    const a = m.read64(lo, hi, acc);
    const b = m.hi;
    if (a === x[op.rm] && b === x[s1]) m.write64(lo, hi, x[op.rd], x[t1], acc);
    x[op.ra] = a;
    x[op.ra + 1] = 0;
    x[op.immHi] = b;
    x[op.immHi + 1] = 0;
    return NEXT;
  }
  const aLo = m.read64(lo, hi, acc);
  const aHi = m.hi;
  const bLo = m.read64(lo + 8, hi, acc);
  const bHi = m.hi;
  if (aLo === x[op.rm] && aHi === x[op.rm + 1] && bLo === x[s1] && bHi === x[s1 + 1]) {
    m.write64(lo, hi, x[op.rd], x[op.rd + 1], acc);
    m.write64(lo + 8, hi, x[t1], x[t1 + 1], acc);
  }
  x[op.ra] = aLo;
  x[op.ra + 1] = aHi;
  x[op.immHi] = bLo;
  x[op.immHi + 1] = bHi;
  return NEXT;
}

// ---- LD<op> and SWP. op.rd = Rt (old value), op.rm = Rs (operand), op.imm2 = operation.

const OP_ADD = 0;
const OP_CLR = 1;
const OP_EOR = 2;
const OP_SET = 3;
const OP_SMAX = 4;
const OP_SMIN = 5;
const OP_UMAX = 6;
const OP_UMIN = 7;
const OP_SWP = 8;
const ATOMIC_OPS: Record<string, number> = { add: OP_ADD, clr: OP_CLR, eor: OP_EOR, set: OP_SET, smax: OP_SMAX, smin: OP_SMIN, umax: OP_UMAX, umin: OP_UMIN, swp: OP_SWP };

/** The operation on values of up to 32 bits (`shift` = 32 - width, for signed compares). */
function combine32(kind: number, old: number, s: number, shift: number): number {
  switch (kind) {
    case OP_ADD: return old + s;
    case OP_CLR: return old & ~s;
    case OP_EOR: return old ^ s;
    case OP_SET: return old | s;
    case OP_SMAX: return (old << shift) >> shift >= (s << shift) >> shift ? old : s;
    case OP_SMIN: return (old << shift) >> shift <= (s << shift) >> shift ? old : s;
    case OP_UMAX: return ((old << shift) >>> shift) >= ((s << shift) >>> shift) ? old : s;
    case OP_UMIN: return ((old << shift) >>> shift) <= ((s << shift) >>> shift) ? old : s;
    default: return s;
  }
}

function atomicOp(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const m = cpu.mmu;
  const sz = sizeOf(op.flags);
  atomicBase(cpu, op, 1 << sz);
  const acc = (op.flags & MEM_ACC) | RMW;
  const lo = baseLo;
  const hi = baseHi;
  const kind = op.imm2;
  if (sz === 3) {
    const sLo = x[op.rm];
    const sHi = x[op.rm + 1];
    const oLo = m.read64(lo, hi, acc);
    const oHi = m.hi;
    let nLo: number;
    let nHi: number;
    switch (kind) {
      case OP_ADD: {
        const s = oLo + sLo;
        nLo = s;
        nHi = oHi + sHi + (s > 0xffffffff ? 1 : 0);
        break;
      }
      case OP_CLR: nLo = oLo & ~sLo; nHi = oHi & ~sHi; break;
      case OP_EOR: nLo = oLo ^ sLo; nHi = oHi ^ sHi; break;
      case OP_SET: nLo = oLo | sLo; nHi = oHi | sHi; break;
      case OP_SWP: nLo = sLo; nHi = sHi; break;
      default: {
        // Signed compares order the high halves as int32, unsigned ones as uint32.
        const signed = kind === OP_SMAX || kind === OP_SMIN;
        const oh = signed ? oHi | 0 : oHi;
        const sh = signed ? sHi | 0 : sHi;
        const oldGreaterEq = oh !== sh ? oh > sh : oLo >= sLo;
        const oldLessEq = oh !== sh ? oh < sh : oLo <= sLo;
        const keepOld = kind === OP_SMAX || kind === OP_UMAX ? oldGreaterEq : oldLessEq;
        nLo = keepOld ? oLo : sLo;
        nHi = keepOld ? oHi : sHi;
      }
    }
    m.write64(lo, hi, nLo >>> 0, nHi >>> 0, acc);
    x[op.rd] = oLo;
    x[op.rd + 1] = oHi;
    return NEXT;
  }
  const s = x[op.rm];
  let old: number;
  if (sz === 0) {
    old = m.read8(lo, hi, acc);
    m.write8(lo, hi, combine32(kind, old, s, 24) & 0xff, acc);
  } else if (sz === 1) {
    old = m.read16(lo, hi, acc);
    m.write16(lo, hi, combine32(kind, old, s, 16) & 0xffff, acc);
  } else {
    old = m.read32(lo, hi, acc);
    m.write32(lo, hi, combine32(kind, old, s, 0) >>> 0, acc);
  }
  x[op.rd] = old;
  x[op.rd + 1] = 0;
  return NEXT;
}

// ---- decoders

/** Flags of every atomic/exclusive: SP base, tag checked when Rn != 31, natural alignment. */
const atomicFlags = (rn: number, size: number, write: boolean): number =>
  (rn === 31 ? MEM_SP_BASE : ACC.CHECKED) | MEM_ALIGNED | (write ? ACC.WRITE : 0) | (size << MEM_SIZE_SHIFT);

/** The slot of register n + 1 of a CASP pair (n even, so n + 1 <= 31, where 31 is XZR). */
const nextZr = (n: number): number => 2 * (n + 1 === 31 ? SLOT_ZR : n + 1);
const nextZrDest = (n: number): number => 2 * (n + 1 === 31 ? SLOT_SINK : n + 1);

registerFamilies({
  exclusive: (op, f, e) => {
    const a = e.attrs;
    op.rn = regSp(f.rn);
    op.imm2 = accessKind(a);
    op.flags = atomicFlags(f.rn, a.size ?? 0, !a.load);
    if (a.load) {
      op.rd = regZrDest(f.rt);
      op.exec = loadExclusive;
    } else {
      op.rd = regZr(f.rt);
      op.ra = regZrDest(f.rs);
      op.exec = storeExclusive;
    }
  },
  exclusivePair: (op, f, e) => {
    const a = e.attrs;
    op.rn = regSp(f.rn);
    op.flags = atomicFlags(f.rn, a.size ?? 2, !a.load);
    if (a.load) {
      op.rd = regZrDest(f.rt);
      op.rm = regZrDest(f.rt2);
      op.exec = loadExclusivePair;
    } else {
      op.rd = regZr(f.rt);
      op.rm = regZr(f.rt2);
      op.ra = regZrDest(f.rs);
      op.exec = storeExclusivePair;
    }
  },
  compareSwap: (op, f, e) => {
    op.rn = regSp(f.rn);
    op.rd = regZr(f.rt);
    op.rm = regZr(f.rs);
    op.ra = regZrDest(f.rs);
    op.flags = atomicFlags(f.rn, e.attrs.size ?? 0, false);
    op.exec = compareSwap;
  },
  compareSwapPair: (op, f, e) => {
    op.rn = regSp(f.rn);
    op.rd = regZr(f.rt);
    op.imm2 = nextZr(f.rt);
    op.rm = regZr(f.rs);
    op.ra = regZrDest(f.rs);
    op.imm = nextZr(f.rs);
    op.immHi = nextZrDest(f.rs);
    op.flags = atomicFlags(f.rn, e.attrs.size ?? 2, false);
    op.exec = compareSwapPair;
  },
  atomic: (op, f, e) => {
    op.rn = regSp(f.rn);
    op.rd = regZrDest(f.rt);
    op.rm = regZr(f.rs);
    op.imm2 = ATOMIC_OPS[e.attrs.op ?? 'add'];
    op.flags = atomicFlags(f.rn, e.attrs.size ?? 0, false);
    op.exec = atomicOp;
  },
  swap: (op, f, e) => {
    op.rn = regSp(f.rn);
    op.rd = regZrDest(f.rt);
    op.rm = regZr(f.rs);
    op.imm2 = OP_SWP;
    op.flags = atomicFlags(f.rn, e.attrs.size ?? 0, false);
    op.exec = atomicOp;
  },
});
