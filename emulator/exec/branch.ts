// Branches: B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ, BR, BLR, RET. Decoders turn the immediate into a
// signed byte offset (op.imm) and pick a handler per width, condition or tested half, so a taken
// branch is one add with carry into cpu.pcLo/pcHi.
//
// Every branch target goes through ASL AArch64.BranchAddr (BranchTo): at EL0/EL1, when TBI
// applies to the target's half (TCR_EL1.TBI0/TBI1 by bit 55) the PC is the target with bits
// 63:56 replaced by copies of bit 55. Those bits already are such copies for nearly every
// target, and then TBI cannot change anything, so TCR_EL1 is only read for the others.

import type { Cpu } from '../cpu.js';
import { BRANCHED, NEXT, regZr, registerFamilies, type Op } from '../decoded.js';

const TCR_TBI0 = 1n << 37n;
const TCR_TBI1 = 1n << 38n;
/** The link register's slot (X30, doubled). */
const LR = 60;

/**
 * The high half of AArch64.BranchAddr(target) for a high half whose bits 63:56 are not copies
 * of bit 55 (the rare case): with TBI for that half they become copies, else it is unchanged.
 * (granule has no PAuth, so TCR_EL1.TBIDn never applies.)
 */
function branchAddrHi(cpu: Cpu, hi: number): number {
  const upper = (hi & 0x00800000) !== 0;
  if ((cpu.sys.tcr & (upper ? TCR_TBI1 : TCR_TBI0)) === 0n) return hi >>> 0;
  return upper ? (hi | 0xff000000) >>> 0 : hi & 0x00ffffff;
}

/** Bits 63:55 of `hi` all equal: TBI cannot change the address. */
const canonicalTop = (hi: number): boolean => (((hi >> 23) + 1) >>> 1) === 0;

/** PC = BranchAddr(PC + off), off a signed byte offset (|off| < 2^28). */
function jump(cpu: Cpu, off: number): number {
  const lo = cpu.pcLo + off;
  let hi = cpu.pcHi;
  if (lo > 0xffffffff) hi = (hi + 1) >>> 0;
  else if (lo < 0) hi = (hi - 1) >>> 0;
  cpu.pcLo = lo >>> 0;
  cpu.pcHi = canonicalTop(hi) ? hi : branchAddrHi(cpu, hi);
  return BRANCHED;
}

/** X30 = PC + 4 (BL, BLR). */
function link(cpu: Cpu): void {
  const lo = cpu.pcLo + 4;
  cpu.x[LR] = lo;
  cpu.x[LR + 1] = lo > 0xffffffff ? cpu.pcHi + 1 : cpu.pcHi;
}

// ---- B, BL: op.imm = offset

function b(cpu: Cpu, op: Op): number {
  return jump(cpu, op.imm);
}
function bl(cpu: Cpu, op: Op): number {
  link(cpu);
  return jump(cpu, op.imm);
}

// ---- B.cond, one handler per condition (ASL ConditionHolds on the flag cache); op.imm = offset

function bEq(cpu: Cpu, op: Op): number {
  return cpu.zf === 0 ? jump(cpu, op.imm) : NEXT;
}
function bNe(cpu: Cpu, op: Op): number {
  return cpu.zf !== 0 ? jump(cpu, op.imm) : NEXT;
}
function bCs(cpu: Cpu, op: Op): number {
  return cpu.cf !== 0 ? jump(cpu, op.imm) : NEXT;
}
function bCc(cpu: Cpu, op: Op): number {
  return cpu.cf === 0 ? jump(cpu, op.imm) : NEXT;
}
function bMi(cpu: Cpu, op: Op): number {
  return cpu.nf < 0 ? jump(cpu, op.imm) : NEXT;
}
function bPl(cpu: Cpu, op: Op): number {
  return cpu.nf >= 0 ? jump(cpu, op.imm) : NEXT;
}
function bVs(cpu: Cpu, op: Op): number {
  return cpu.vf < 0 ? jump(cpu, op.imm) : NEXT;
}
function bVc(cpu: Cpu, op: Op): number {
  return cpu.vf >= 0 ? jump(cpu, op.imm) : NEXT;
}
function bHi(cpu: Cpu, op: Op): number {
  return cpu.cf !== 0 && cpu.zf !== 0 ? jump(cpu, op.imm) : NEXT;
}
function bLs(cpu: Cpu, op: Op): number {
  return cpu.cf === 0 || cpu.zf === 0 ? jump(cpu, op.imm) : NEXT;
}
function bGe(cpu: Cpu, op: Op): number {
  return (cpu.nf ^ cpu.vf) >= 0 ? jump(cpu, op.imm) : NEXT;
}
function bLt(cpu: Cpu, op: Op): number {
  return (cpu.nf ^ cpu.vf) < 0 ? jump(cpu, op.imm) : NEXT;
}
function bGt(cpu: Cpu, op: Op): number {
  return (cpu.nf ^ cpu.vf) >= 0 && cpu.zf !== 0 ? jump(cpu, op.imm) : NEXT;
}
function bLe(cpu: Cpu, op: Op): number {
  return (cpu.nf ^ cpu.vf) < 0 || cpu.zf === 0 ? jump(cpu, op.imm) : NEXT;
}

/** By cond: EQ NE CS CC MI PL VS VC HI LS GE LT GT LE, then AL and NV (both always). */
const B_COND = [bEq, bNe, bCs, bCc, bMi, bPl, bVs, bVc, bHi, bLs, bGe, bLt, bGt, bLe, b, b];

// ---- CBZ/CBNZ: op.rn = Rt, op.imm = offset

function cbzX(cpu: Cpu, op: Op): number {
  return (cpu.x[op.rn] | cpu.x[op.rn + 1]) === 0 ? jump(cpu, op.imm) : NEXT;
}
function cbnzX(cpu: Cpu, op: Op): number {
  return (cpu.x[op.rn] | cpu.x[op.rn + 1]) !== 0 ? jump(cpu, op.imm) : NEXT;
}
function cbzW(cpu: Cpu, op: Op): number {
  return cpu.x[op.rn] === 0 ? jump(cpu, op.imm) : NEXT;
}
function cbnzW(cpu: Cpu, op: Op): number {
  return cpu.x[op.rn] !== 0 ? jump(cpu, op.imm) : NEXT;
}

// ---- TBZ/TBNZ: op.rn = the half of Rt holding the bit, op.imm2 = the bit's mask in it

function tbz(cpu: Cpu, op: Op): number {
  return (cpu.x[op.rn] & op.imm2) === 0 ? jump(cpu, op.imm) : NEXT;
}
function tbnz(cpu: Cpu, op: Op): number {
  return (cpu.x[op.rn] & op.imm2) !== 0 ? jump(cpu, op.imm) : NEXT;
}

// ---- BR, BLR, RET: op.rn = Xn (register 31 is XZR)

/** PC = BranchAddr(Xn halves). */
function jumpTo(cpu: Cpu, lo: number, hi: number): number {
  cpu.pcLo = lo;
  cpu.pcHi = canonicalTop(hi) ? hi : branchAddrHi(cpu, hi);
  // A misaligned target faults on the next fetch (PC alignment fault), which the run loop
  // checks only when it re-translates the PC: make it do so.
  if ((lo & 3) !== 0) cpu.machine.contextSync();
  return BRANCHED;
}
function br(cpu: Cpu, op: Op): number {
  return jumpTo(cpu, cpu.x[op.rn], cpu.x[op.rn + 1]);
}
function blr(cpu: Cpu, op: Op): number {
  const lo = cpu.x[op.rn];
  const hi = cpu.x[op.rn + 1];
  link(cpu);
  return jumpTo(cpu, lo, hi);
}

registerFamilies({
  branchImm: (op, f, e) => {
    op.imm = ((f.imm26 << 6) >> 6) * 4;
    op.exec = e.attrs.op === 'link' ? bl : b;
  },
  branchCond: (op, f) => {
    op.imm = ((f.imm19 << 13) >> 13) * 4;
    op.imm2 = f.cond;
    op.exec = B_COND[f.cond];
  },
  compareBranch: (op, f, e) => {
    op.rn = regZr(f.rt);
    op.imm = ((f.imm19 << 13) >> 13) * 4;
    const nz = e.attrs.op === 'nz';
    op.exec = f.sf ? (nz ? cbnzX : cbzX) : nz ? cbnzW : cbzW;
  },
  testBranch: (op, f, e) => {
    const bit = (f.b5 << 5) | f.b40;
    op.rn = regZr(f.rt) + (bit >> 5);
    op.imm2 = 1 << (bit & 31);
    op.imm = ((f.imm14 << 18) >> 18) * 4;
    op.exec = e.attrs.op === 'nz' ? tbnz : tbz;
  },
  branchReg: (op, f, e) => {
    op.rn = regZr(f.rn);
    op.exec = e.attrs.op === 'link' ? blr : br; // RET is BR with a return hint
  },
});
