// The MTE instructions (mte-arch.md §1-§2): IRG, GMI, SUBP/SUBPS, ADDG/SUBG, LDG, STG/STZG/ST2G/
// STZ2G, STGP, LDGM/STGM/STZGM, and DC GVA/GZVA for the SYS handler. Helper names follow the
// Arm pseudocode (AArch64.ChooseNonExcludedTag, NextRandomTagBit, RandomTag,
// AllocationTagAccessIsEnabled, AddressWithAllocationTag).
//
// None of these accesses is tag checked. Tag loads/stores translate like data accesses (LDG and
// LDGM as reads, the stores as writes; PAN applies) through cpu.mmu.tagGranule, which returns
// -1 when the memory has no tags (not Tagged Normal) or tag access is disabled for the EL: tag
// loads then read 0 and tag stores are ignored, after translation and permission checks. Every
// granule an instruction touches is translated before anything changes, so a fault (on either
// page of an ST2G that crosses one, say) leaves memory, tags and registers untouched.

import type { Cpu } from '../cpu.js';
import { NEXT, regSp, regZr, regZrDest, registerFamilies, type Op } from '../decoded.js';
import { undefinedInstruction } from '../exceptions.js';
import { ID } from '../sysregs.js';
import { MemoryFault } from '../../mmu/access.js';
import { checkDcZeroAllowed, checkSpAlignment, DCZ_BLOCK_BYTES, dcZeroFault, MEM_SP_BASE } from './loadstore.js';

const SCTLR_HI_ATA0 = 1 << (42 - 32);
const SCTLR_HI_ATA = 1 << (43 - 32);
const GCR_RRND = 1 << 16;
/** The logical tag, bits [59:56], in the high half of an address. */
const TAG_MASK_HI = 0x0f000000;
/** LDGM/STGM block: 4 << GMID_EL1.BS bytes (256: 16 granules, one nibble each of Xt). */
const GM_BLOCK_BYTES = 4 << Number(ID.GMID);

// ---- the pseudocode helpers

/** ASL AArch64.AllocationTagAccessIsEnabled for EL0/EL1: SCTLR_EL1.ATA0 / ATA. */
export function allocationTagAccessIsEnabled(cpu: Cpu, el: number): boolean {
  return (cpu.mmu.sctlrHi & (el === 0 ? SCTLR_HI_ATA0 : SCTLR_HI_ATA)) !== 0;
}

/**
 * ASL AArch64.AddressWithAllocationTag on the high half of an address: bits [59:56] become
 * `tag`, or 0 when allocation tag access is disabled at `el`.
 */
export function addressWithAllocationTag(cpu: Cpu, el: number, hi: number, tag: number): number {
  const t = allocationTagAccessIsEnabled(cpu, el) ? tag & 0xf : 0;
  return ((hi & ~TAG_MASK_HI) | (t << 24)) >>> 0;
}

/**
 * ASL AArch64.ChooseNonExcludedTag: `offset` steps from `start`, each to the next tag not in
 * `exclude` (bit n set = tag n excluded); offset 0 still moves an excluded start to the next
 * allowed tag. All tags excluded gives 0.
 */
export function chooseNonExcludedTag(start: number, offset: number, exclude: number): number {
  if ((exclude & 0xffff) === 0xffff) return 0;
  let tag = start & 0xf;
  if (offset === 0) {
    while (((exclude >>> tag) & 1) !== 0) tag = (tag + 1) & 0xf;
    return tag;
  }
  for (let i = 0; i < offset; i++) {
    tag = (tag + 1) & 0xf;
    while (((exclude >>> tag) & 1) !== 0) tag = (tag + 1) & 0xf;
  }
  return tag;
}

/**
 * ASL AArch64.NextRandomTagBit: one step of the 16-bit LFSR in RGSR_EL1.SEED (bits [23:8]),
 * taps 5, 3, 2 and 0, shifting right with the new bit entering at bit 15. Returns the new bit.
 */
export function nextRandomTagBit(cpu: Cpu): number {
  const r = cpu.sys.rgsrBits;
  const lfsr = (r >>> 8) & 0xffff;
  const top = ((lfsr >>> 5) ^ (lfsr >>> 3) ^ (lfsr >>> 2) ^ lfsr) & 1;
  cpu.sys.rgsrBits = (r & 0xf) | (((top << 15) | (lfsr >>> 1)) << 8);
  return top;
}

/** ASL AArch64.RandomTag: four LFSR bits, the first generated is bit 0. */
export function randomTag(cpu: Cpu): number {
  let tag = 0;
  for (let i = 0; i < 4; i++) tag |= nextRandomTagBit(cpu) << i;
  return tag;
}

/**
 * The seed QEMU gives the LFSR when GCR_EL1.RRND = 1 and RGSR_EL1.SEED = 0 (mte-arch.md §2.4):
 * QEMU asks its guest RNG; granule takes the next value of a xorshift32 generator kept per CPU
 * and started from a fixed constant, so runs are reproducible (DESIGN.md decision 9).
 */
const seedState = new WeakMap<Cpu, number>();
const SEED_START = 0x2545f491;
export function nonZeroTagSeed(cpu: Cpu): number {
  let s = seedState.get(cpu) ?? SEED_START;
  let seed = 0;
  while (seed === 0) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    seed = s >>> 16;
  }
  seedState.set(cpu, s);
  return seed;
}

/**
 * The tag IRG inserts when tag access is enabled (ASL IRG with AArch64.RandomTag; for RRND = 1
 * QEMU's choice, the same LFSR after seeding a zero SEED): start at RGSR_EL1.TAG, move
 * RandomTag() non-excluded steps, and leave RGSR_EL1 = tag | SEED << 8.
 */
export function irgTag(cpu: Cpu, exclude: number): number {
  const sys = cpu.sys;
  if ((sys.gcrBits & GCR_RRND) !== 0 && (sys.rgsrBits & 0xffff00) === 0) sys.rgsrBits = (sys.rgsrBits & 0xf) | (nonZeroTagSeed(cpu) << 8);
  const start = sys.rgsrBits & 0xf;
  const offset = randomTag(cpu);
  const tag = chooseNonExcludedTag(start, offset, exclude);
  sys.rgsrBits = (sys.rgsrBits & 0xffff00) | tag;
  return tag;
}

// ---- data processing: IRG, GMI, SUBP(S), ADDG/SUBG

/** IRG Xd|SP, Xn|SP, Xm: exclude = Xm[15:0] | GCR_EL1.Exclude; tag 0 (RGSR untouched) without tag access. */
function irg(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const tag = allocationTagAccessIsEnabled(cpu, cpu.el) ? irgTag(cpu, (x[op.rm] | cpu.sys.gcrBits) & 0xffff) : 0;
  const hi = x[op.rn + 1];
  x[op.rd] = x[op.rn];
  x[op.rd + 1] = ((hi & ~TAG_MASK_HI) | (tag << 24)) >>> 0;
  return NEXT;
}

/** GMI Xd, Xn|SP, Xm: Xd = Xm | (1 << Xn[59:56]). */
function gmi(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const tag = (x[op.rn + 1] >>> 24) & 0xf;
  const hi = x[op.rm + 1];
  x[op.rd] = (x[op.rm] | (1 << tag)) >>> 0;
  x[op.rd + 1] = hi;
  return NEXT;
}

/** SUBP/SUBPS: SignExtend(Xn[55:0]) - SignExtend(Xm[55:0]); op.flags = 1 sets NZCV as SUBS does. */
function subp(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const aLo = x[op.rn];
  const aHi = (x[op.rn + 1] << 8) >> 8;
  const bLo = x[op.rm];
  const bHi = ~((x[op.rm + 1] << 8) >> 8);
  const lo = aLo + (~bLo >>> 0) + 1;
  const hi = (aHi >>> 0) + (bHi >>> 0) + (lo > 0xffffffff ? 1 : 0);
  const rLo = lo >>> 0;
  const rHi = hi >>> 0;
  if (op.flags !== 0) {
    cpu.nf = rHi | 0;
    cpu.zf = rLo | rHi;
    cpu.cf = hi > 0xffffffff ? 1 : 0;
    cpu.vf = ~(aHi ^ bHi) & (aHi ^ rHi);
  }
  x[op.rd] = rLo;
  x[op.rd + 1] = rHi;
  return NEXT;
}

/**
 * ADDG/SUBG Xd|SP, Xn|SP, #uimm6*16, #uimm4: the 64-bit address arithmetic (op.imm = the signed
 * byte offset), then bits [59:56] = ChooseNonExcludedTag(Xn[59:56], uimm4, GCR_EL1.Exclude), or 0
 * without tag access (op.imm2 = uimm4).
 */
function addSubTag(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const nHi = x[op.rn + 1];
  const s = x[op.rn] + op.imm;
  const hi = (nHi + Math.floor(s / 4294967296)) >>> 0;
  const tag = allocationTagAccessIsEnabled(cpu, cpu.el) ? chooseNonExcludedTag((nHi >>> 24) & 0xf, op.imm2, cpu.sys.gcrBits & 0xffff) : 0;
  x[op.rd] = s;
  x[op.rd + 1] = ((hi & ~TAG_MASK_HI) | (tag << 24)) >>> 0;
  return NEXT;
}

// ---- tag loads and stores. op.rn = base slot, op.imm = byte offset, op.rd = Xt slot.

/** Where a tag instruction's address is: base (+ offset unless post-index), after CheckSPAlignment. */
let addrLo = 0;
let addrHi = 0;
const MODE_OFFSET = 0;
const MODE_PRE = 1;
const MODE_POST = 2;
const MODE_MASK = 3;
/** Tag store forms (op.flags bits 2..3 besides the mode and MEM_SP_BASE). */
const TS_ZERO = 1 << 2;
const TS_PAIR = 1 << 3;

function tagAddress(cpu: Cpu, op: Op): void {
  if ((op.flags & MEM_SP_BASE) !== 0) checkSpAlignment(cpu);
  const x = cpu.x;
  if ((op.flags & MODE_MASK) === MODE_POST) {
    addrLo = x[op.rn];
    addrHi = x[op.rn + 1];
    return;
  }
  const s = x[op.rn] + op.imm;
  addrLo = s >>> 0;
  addrHi = (x[op.rn + 1] + Math.floor(s / 4294967296)) >>> 0;
}

/** Pre/post-index writeback: the base becomes base + offset. */
function tagWriteback(cpu: Cpu, op: Op): void {
  const mode = op.flags & MODE_MASK;
  if (mode === MODE_OFFSET) return;
  const x = cpu.x;
  if (mode === MODE_PRE) {
    x[op.rn] = addrLo;
    x[op.rn + 1] = addrHi;
  } else {
    const s = addrLo + op.imm;
    x[op.rn] = s;
    x[op.rn + 1] = addrHi + Math.floor(s / 4294967296);
  }
}

/** The 16-byte alignment the tag stores require (DFSC 0x21, WnR = 1), before translation. */
function checkGranuleAligned(lo: number, hi: number): void {
  if ((lo & 15) !== 0) throw new MemoryFault('alignment', 0, true, lo, hi);
}

/** LDG Xt, [Xn|SP, #simm9*16]: Xt[59:56] = the allocation tag of the granule (address aligned down). */
function ldg(cpu: Cpu, op: Op): number {
  tagAddress(cpu, op);
  const lo = (addrLo & ~15) >>> 0;
  const off = cpu.mmu.tagGranule(lo, addrHi, false);
  const tag = off < 0 ? 0 : cpu.mmu.mem.tags[off >>> 4];
  const x = cpu.x;
  x[op.rd] = x[op.rm];
  x[op.rd + 1] = addressWithAllocationTag(cpu, cpu.el, x[op.rm + 1], tag);
  return NEXT;
}

/**
 * STG/STZG/ST2G/STZ2G Xt|SP, [Xn|SP...]: tag Xt[59:56] for one or two granules, zeroing their
 * data first for the Z forms (that store is not tag checked).
 */
function stg(cpu: Cpu, op: Op): number {
  tagAddress(cpu, op);
  const lo = addrLo;
  const hi = addrHi;
  checkGranuleAligned(lo, hi);
  const m = cpu.mmu;
  const tag = (cpu.x[op.rd + 1] >>> 24) & 0xf;
  const pair = (op.flags & TS_PAIR) !== 0;
  const off0 = m.tagGranule(lo, hi, true);
  const lo2 = (lo + 16) >>> 0;
  const hi2 = lo2 < 16 ? (hi + 1) >>> 0 : hi;
  const off1 = pair ? m.tagGranule(lo2, hi2, true) : -1;
  if ((op.flags & TS_ZERO) !== 0) {
    m.write64(lo, hi, 0, 0, 0);
    m.write64(lo + 8, hi, 0, 0, 0);
    if (pair) {
      m.write64(lo2, hi2, 0, 0, 0);
      m.write64(lo2 + 8, hi2, 0, 0, 0);
    }
  }
  const mem = cpu.mmu.mem;
  if (off0 >= 0) mem.setTag(off0 >>> 4, tag);
  if (off1 >= 0) mem.setTag(off1 >>> 4, tag);
  tagWriteback(cpu, op);
  return NEXT;
}

/**
 * STGP Xt1, Xt2, [Xn|SP...]: stores Xt1 and Xt2 (not tag checked) and sets the granule's tag
 * to the address's own tag, address[59:56]. op.rd = Xt1, op.rm = Xt2.
 */
function stgp(cpu: Cpu, op: Op): number {
  tagAddress(cpu, op);
  const lo = addrLo;
  const hi = addrHi;
  checkGranuleAligned(lo, hi);
  const m = cpu.mmu;
  const x = cpu.x;
  const off = m.tagGranule(lo, hi, true);
  m.write64(lo, hi, x[op.rd], x[op.rd + 1], 0);
  m.write64(lo + 8, hi, x[op.rm], x[op.rm + 1], 0);
  if (off >= 0) cpu.mmu.mem.setTag(off >>> 4, (hi >>> 24) & 0xf);
  tagWriteback(cpu, op);
  return NEXT;
}

/** The base of LDGM/STGM/STZGM after the EL and SP checks: EL1 only (UNDEFINED at EL0). */
function blockBase(cpu: Cpu, op: Op, size: number): void {
  if (cpu.el === 0) throw undefinedInstruction();
  if ((op.flags & MEM_SP_BASE) !== 0) checkSpAlignment(cpu);
  addrLo = (cpu.x[op.rn] & -size) >>> 0;
  addrHi = cpu.x[op.rn + 1];
}

/** LDGM Xt, [Xn|SP]: the tags of the GMID block, granule at address a in nibble a[7:4] of Xt. */
function ldgm(cpu: Cpu, op: Op): number {
  blockBase(cpu, op, GM_BLOCK_BYTES);
  const m = cpu.mmu;
  const tags = cpu.mmu.mem.tags;
  let lo = 0;
  let hi = 0;
  for (let a = addrLo; a < addrLo + GM_BLOCK_BYTES; a += 16) {
    const off = m.tagGranule(a >>> 0, addrHi, false);
    const tag = off < 0 ? 0 : tags[off >>> 4];
    const idx = (a >>> 4) & 15;
    if (idx < 8) lo |= tag << (4 * idx);
    else hi |= tag << (4 * (idx - 8));
  }
  cpu.x[op.rd] = lo;
  cpu.x[op.rd + 1] = hi;
  return NEXT;
}

/** STGM Xt, [Xn|SP]: the inverse of LDGM. */
function stgm(cpu: Cpu, op: Op): number {
  blockBase(cpu, op, GM_BLOCK_BYTES);
  const m = cpu.mmu;
  const x = cpu.x;
  const vLo = x[op.rd];
  const vHi = x[op.rd + 1];
  const mem = cpu.mmu.mem;
  for (let a = addrLo; a < addrLo + GM_BLOCK_BYTES; a += 16) {
    const off = m.tagGranule(a >>> 0, addrHi, true);
    const idx = (a >>> 4) & 15;
    if (off >= 0) mem.setTag(off >>> 4, (idx < 8 ? vLo >>> (4 * idx) : vHi >>> (4 * (idx - 8))) & 0xf);
  }
  return NEXT;
}

/** STZGM Xt, [Xn|SP]: tag Xt[3:0] and zero every granule of the DC ZVA block. */
function stzgm(cpu: Cpu, op: Op): number {
  blockBase(cpu, op, DCZ_BLOCK_BYTES);
  const m = cpu.mmu;
  const lo = addrLo;
  const hi = addrHi;
  const first = m.tagGranule(lo, hi, true);
  if (!m.zeroBlock(lo, hi, DCZ_BLOCK_BYTES, 0)) {
    // Device memory: the data is still zeroed (tag stores there have no effect, as in QEMU).
    for (let k = 0; k < DCZ_BLOCK_BYTES; k += 8) m.write64(lo + k, hi, 0, 0, 0);
  }
  if (first >= 0) setBlockTags(cpu, lo, hi, DCZ_BLOCK_BYTES, cpu.x[op.rd] & 0xf);
  return NEXT;
}

/** Writes `tag` to every granule of a block whose first granule has tags (same page). */
function setBlockTags(cpu: Cpu, lo: number, hi: number, size: number, tag: number): void {
  const m = cpu.mmu;
  const mem = cpu.mmu.mem;
  for (let a = lo; a < lo + size; a += 16) {
    const off = m.tagGranule(a >>> 0, hi, true);
    if (off >= 0) mem.setTag(off >>> 4, tag);
  }
}

// ---- DC GVA / DC GZVA (called from the SYS handler in exec/system.ts)

/**
 * DC GVA, Xt: writes Xt[59:56] to every granule of the DC ZVA block holding Xt; no data
 * changes, not tag checked, a write for translation and permission (PAN applies). Faults report
 * FAR = Xt and WnR = 1. With tag access disabled or untagged memory only the checks happen.
 * The SYS handler calls it with op.rn = the slot of Xt and op.word set (EL0 needs SCTLR_EL1.DZE).
 */
export function executeDcGva(cpu: Cpu, op: Op): number {
  checkDcZeroAllowed(cpu, op.word);
  const xtLo = cpu.x[op.rn];
  const xtHi = cpu.x[op.rn + 1];
  const lo = (xtLo & -DCZ_BLOCK_BYTES) >>> 0;
  try {
    cpu.mmu.tagGranule(lo, xtHi, true);
  } catch (e) {
    throw dcZeroFault(e, xtLo, xtHi);
  }
  setBlockTags(cpu, lo, xtHi, DCZ_BLOCK_BYTES, (xtHi >>> 24) & 0xf);
  return NEXT;
}

/**
 * DC GZVA, Xt: DC GVA and then zeroing of the block (the zeroing is not tag checked: it is
 * writing the tags). Device memory takes an Alignment fault, as DC ZVA does.
 */
export function executeDcGzva(cpu: Cpu, op: Op): number {
  checkDcZeroAllowed(cpu, op.word);
  const xtLo = cpu.x[op.rn];
  const xtHi = cpu.x[op.rn + 1];
  const lo = (xtLo & -DCZ_BLOCK_BYTES) >>> 0;
  let zeroed: boolean;
  try {
    zeroed = cpu.mmu.zeroBlock(lo, xtHi, DCZ_BLOCK_BYTES, 0);
  } catch (e) {
    throw dcZeroFault(e, xtLo, xtHi);
  }
  if (!zeroed) throw new MemoryFault('alignment', 0, true, xtLo, xtHi);
  setBlockTags(cpu, lo, xtHi, DCZ_BLOCK_BYTES, (xtHi >>> 24) & 0xf);
  return NEXT;
}

// ---- decoders

const tagMode = (mode: string | undefined): number => (mode === 'pre' ? MODE_PRE : mode === 'post' ? MODE_POST : MODE_OFFSET);

registerFamilies({
  irg: (op, f) => {
    op.rd = regSp(f.rd);
    op.rn = regSp(f.rn);
    op.rm = regZr(f.rm);
    op.exec = irg;
  },
  gmi: (op, f) => {
    op.rd = regZrDest(f.rd);
    op.rn = regSp(f.rn);
    op.rm = regZr(f.rm);
    op.exec = gmi;
  },
  subp: (op, f, e) => {
    op.rd = regZrDest(f.rd);
    op.rn = regSp(f.rn);
    op.rm = regSp(f.rm);
    op.flags = e.attrs.setFlags ? 1 : 0;
    op.exec = subp;
  },
  addSubTag: (op, f, e) => {
    op.rd = regSp(f.rd);
    op.rn = regSp(f.rn);
    op.imm = (e.attrs.op === 'sub' ? -16 : 16) * f.uimm6;
    op.imm2 = f.uimm4;
    op.exec = addSubTag;
  },
  ldg: (op, f) => {
    op.rd = regZrDest(f.rt);
    op.rm = regZr(f.rt);
    op.rn = regSp(f.rn);
    op.imm = ((f.imm9 << 23) >> 23) * 16;
    op.flags = f.rn === 31 ? MEM_SP_BASE : 0;
    op.exec = ldg;
  },
  stg: (op, f, e) => {
    const a = e.attrs;
    op.rd = regSp(f.rt);
    op.rn = regSp(f.rn);
    op.imm = ((f.imm9 << 23) >> 23) * 16;
    op.flags = tagMode(a.mode) | (a.zero ? TS_ZERO : 0) | (a.pair ? TS_PAIR : 0) | (f.rn === 31 ? MEM_SP_BASE : 0);
    op.exec = stg;
  },
  stgp: (op, f, e) => {
    op.rd = regZr(f.rt);
    op.rm = regZr(f.rt2);
    op.rn = regSp(f.rn);
    op.imm = ((f.imm7 << 25) >> 25) * 16;
    op.flags = tagMode(e.attrs.mode) | (f.rn === 31 ? MEM_SP_BASE : 0);
    op.exec = stgp;
  },
  ldgm: (op, f) => {
    op.rd = regZrDest(f.rt);
    op.rn = regSp(f.rn);
    op.flags = f.rn === 31 ? MEM_SP_BASE : 0;
    op.exec = ldgm;
  },
  stgm: (op, f) => {
    op.rd = regZr(f.rt);
    op.rn = regSp(f.rn);
    op.flags = f.rn === 31 ? MEM_SP_BASE : 0;
    op.exec = stgm;
  },
  stzgm: (op, f) => {
    op.rd = regZr(f.rt);
    op.rn = regSp(f.rn);
    op.flags = f.rn === 31 ? MEM_SP_BASE : 0;
    op.exec = stzgm;
  },
});
