// Data processing on registers beyond add/sub and logic: one source (RBIT, REV16, REV32, REV,
// CLZ, CLS), two sources (UDIV/SDIV, LSLV/LSRV/ASRV/RORV) and three (MADD/MSUB and their MUL/
// MNEG aliases, SMADDL/SMSUBL/UMADDL/UMSUBL, SMULH/UMULH). Division by zero gives 0 and
// INT_MIN / -1 wraps to INT_MIN (ASL: RoundTowardsZero of the exact quotient, truncated).

import type { Cpu } from '../cpu.js';
import { NEXT, regZr, regZrDest, registerFamilies, type Op } from '../decoded.js';
import { clz64, mul64, mulS32, mulU32, sdiv64, shift64, SHIFT_ASR, SHIFT_LSL, SHIFT_LSR, SHIFT_ROR, smulh64, u64, udiv64, umulh64 } from '../u64.js';

// ---- One source

function bitReverse32(v: number): number {
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return (v >>> 16) | (v << 16);
}
function byteSwap32(v: number): number {
  return (v << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24);
}
function halfSwap32(v: number): number {
  return ((v & 0x00ff00ff) << 8) | ((v >>> 8) & 0x00ff00ff);
}

function rbit64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const lo = x[op.rn];
  x[op.rd] = bitReverse32(x[op.rn + 1]);
  x[op.rd + 1] = bitReverse32(lo);
  return NEXT;
}
function rbit32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = bitReverse32(x[op.rn]);
  x[op.rd + 1] = 0;
  return NEXT;
}
function rev16x64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = halfSwap32(x[op.rn]);
  x[op.rd + 1] = halfSwap32(x[op.rn + 1]);
  return NEXT;
}
function rev16x32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = halfSwap32(x[op.rn]);
  x[op.rd + 1] = 0;
  return NEXT;
}
/** REV Wd (32-bit) and REV32 Xd (each word of a 64-bit register). */
function rev32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = byteSwap32(x[op.rn]);
  x[op.rd + 1] = op.flags === 0 ? 0 : byteSwap32(x[op.rn + 1]);
  return NEXT;
}
function rev64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const lo = x[op.rn];
  x[op.rd] = byteSwap32(x[op.rn + 1]);
  x[op.rd + 1] = byteSwap32(lo);
  return NEXT;
}
function clzX(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = clz64(x[op.rn], x[op.rn + 1]);
  x[op.rd + 1] = 0;
  return NEXT;
}
function clzW(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = Math.clz32(x[op.rn]);
  x[op.rd + 1] = 0;
  return NEXT;
}
/** ASL CountLeadingSignBits(x) = CountLeadingZeroBits(x<N-1:1> EOR x<N-2:0>). */
function clsX(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const lo = x[op.rn];
  const hi = x[op.rn + 1];
  const eHi = (hi >>> 1) ^ (hi & 0x7fffffff);
  const eLo = ((lo >>> 1) | (hi << 31)) ^ lo;
  x[op.rd] = clz64(eLo, eHi) - 1;
  x[op.rd + 1] = 0;
  return NEXT;
}
function clsW(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const v = x[op.rn];
  x[op.rd] = Math.clz32((v >>> 1) ^ (v & 0x7fffffff)) - 1;
  x[op.rd + 1] = 0;
  return NEXT;
}

// ---- Two sources: division

function udivX(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const aLo = x[op.rn];
  const aHi = x[op.rn + 1];
  const bLo = x[op.rm];
  const bHi = x[op.rm + 1];
  if ((aHi | bHi) === 0) {
    x[op.rd] = aLo / bLo; // x / 0 is Infinity or NaN, stored as 0
    x[op.rd + 1] = 0;
  } else if ((bLo | bHi) === 0) {
    x[op.rd] = x[op.rd + 1] = 0;
  } else {
    udiv64(aLo, aHi, bLo, bHi);
    x[op.rd] = u64.lo;
    x[op.rd + 1] = u64.hi;
  }
  return NEXT;
}
function udivW(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = x[op.rn] / x[op.rm]; // stored truncated; x / 0 stores 0
  x[op.rd + 1] = 0;
  return NEXT;
}
/** Signed 64-bit: the quotient in doubles is exact when both operands are below 2^53 in magnitude. */
function sdivX(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const aLo = x[op.rn];
  const aHi = x[op.rn + 1] | 0;
  const bLo = x[op.rm];
  const bHi = x[op.rm + 1] | 0;
  if ((bLo | bHi) === 0) {
    x[op.rd] = x[op.rd + 1] = 0;
  } else if (aHi > -0x200000 && aHi < 0x200000 && bHi > -0x200000 && bHi < 0x200000) {
    const q = Math.trunc((aHi * 4294967296 + aLo) / (bHi * 4294967296 + bLo));
    x[op.rd] = q;
    x[op.rd + 1] = Math.floor(q / 4294967296);
  } else {
    sdiv64(aLo, aHi, bLo, bHi);
    x[op.rd] = u64.lo;
    x[op.rd + 1] = u64.hi;
  }
  return NEXT;
}
function sdivW(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = ((x[op.rn] | 0) / (x[op.rm] | 0)) | 0; // x / 0 -> 0; INT_MIN / -1 -> INT_MIN
  x[op.rd + 1] = 0;
  return NEXT;
}

// ---- Two sources: shifts by register (amount = Xm MOD datasize)

function shiftvX(cpu: Cpu, op: Op, type: number): number {
  const x = cpu.x;
  shift64(x[op.rn], x[op.rn + 1], type, x[op.rm] & 63);
  x[op.rd] = u64.lo;
  x[op.rd + 1] = u64.hi;
  return NEXT;
}
function lslvX(cpu: Cpu, op: Op): number {
  return shiftvX(cpu, op, SHIFT_LSL);
}
function lsrvX(cpu: Cpu, op: Op): number {
  return shiftvX(cpu, op, SHIFT_LSR);
}
function asrvX(cpu: Cpu, op: Op): number {
  return shiftvX(cpu, op, SHIFT_ASR);
}
function rorvX(cpu: Cpu, op: Op): number {
  return shiftvX(cpu, op, SHIFT_ROR);
}
function lslvW(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = x[op.rn] << (x[op.rm] & 31);
  x[op.rd + 1] = 0;
  return NEXT;
}
function lsrvW(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = x[op.rn] >>> (x[op.rm] & 31);
  x[op.rd + 1] = 0;
  return NEXT;
}
function asrvW(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = x[op.rn] >> (x[op.rm] & 31);
  x[op.rd + 1] = 0;
  return NEXT;
}
function rorvW(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const v = x[op.rn];
  const n = x[op.rm] & 31;
  x[op.rd] = (v >>> n) | (v << (32 - n)); // n = 0: v | v
  x[op.rd + 1] = 0;
  return NEXT;
}

// ---- Three sources. MUL/MNEG/SMULL/UMULL are the forms with Ra = XZR.

function mulX(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  mul64(x[op.rn], x[op.rn + 1], x[op.rm], x[op.rm + 1]);
  x[op.rd] = u64.lo;
  x[op.rd + 1] = u64.hi;
  return NEXT;
}
function maddX(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  mul64(x[op.rn], x[op.rn + 1], x[op.rm], x[op.rm + 1]);
  const lo = x[op.ra] + u64.lo;
  x[op.rd + 1] = x[op.ra + 1] + u64.hi + (lo > 0xffffffff ? 1 : 0);
  x[op.rd] = lo;
  return NEXT;
}
function msubX(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  mul64(x[op.rn], x[op.rn + 1], x[op.rm], x[op.rm + 1]);
  const lo = x[op.ra] - u64.lo;
  x[op.rd + 1] = x[op.ra + 1] - u64.hi - (lo < 0 ? 1 : 0);
  x[op.rd] = lo;
  return NEXT;
}
function mulW(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = Math.imul(x[op.rn], x[op.rm]);
  x[op.rd + 1] = 0;
  return NEXT;
}
function maddW(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = x[op.ra] + Math.imul(x[op.rn], x[op.rm]);
  x[op.rd + 1] = 0;
  return NEXT;
}
function msubW(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = x[op.ra] - Math.imul(x[op.rn], x[op.rm]);
  x[op.rd + 1] = 0;
  return NEXT;
}
/** SMADDL/UMADDL (op.flags = 1: signed); SMULL/UMULL when Ra is XZR. */
function maddLong(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  if (op.flags !== 0) mulS32(x[op.rn], x[op.rm]);
  else mulU32(x[op.rn], x[op.rm]);
  const lo = x[op.ra] + u64.lo;
  x[op.rd + 1] = x[op.ra + 1] + u64.hi + (lo > 0xffffffff ? 1 : 0);
  x[op.rd] = lo;
  return NEXT;
}
function msubLong(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  if (op.flags !== 0) mulS32(x[op.rn], x[op.rm]);
  else mulU32(x[op.rn], x[op.rm]);
  const lo = x[op.ra] - u64.lo;
  x[op.rd + 1] = x[op.ra + 1] - u64.hi - (lo < 0 ? 1 : 0);
  x[op.rd] = lo;
  return NEXT;
}
function umulh(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  umulh64(x[op.rn], x[op.rn + 1], x[op.rm], x[op.rm + 1]);
  x[op.rd] = u64.lo;
  x[op.rd + 1] = u64.hi;
  return NEXT;
}
function smulh(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  smulh64(x[op.rn], x[op.rn + 1], x[op.rm], x[op.rm + 1]);
  x[op.rd] = u64.lo;
  x[op.rd + 1] = u64.hi;
  return NEXT;
}

type Handler = (cpu: Cpu, op: Op) => number;

/** [32-bit, 64-bit] handlers by attrs.op. */
const DP1: Record<string, [Handler, Handler]> = {
  rbit: [rbit32, rbit64],
  rev16: [rev16x32, rev16x64],
  rev32: [rev32, rev32],
  clz: [clzW, clzX],
  cls: [clsW, clsX],
};
const DP2: Record<string, [Handler, Handler]> = {
  udiv: [udivW, udivX],
  sdiv: [sdivW, sdivX],
  lslv: [lslvW, lslvX],
  lsrv: [lsrvW, lsrvX],
  asrv: [asrvW, asrvX],
  rorv: [rorvW, rorvX],
};

registerFamilies({
  dataProc1: (op, f, e) => {
    op.rd = regZrDest(f.rd);
    op.rn = regZr(f.rn);
    const name = e.attrs.op!;
    if (name === 'rev') op.exec = e.name === 'REV_x' ? rev64 : rev32; // REV_w: op.flags = 0
    else {
      if (name === 'rev32') op.flags = 1;
      op.exec = DP1[name][f.sf ?? 1];
    }
  },
  dataProc2: (op, f, e) => {
    op.rd = regZrDest(f.rd);
    op.rn = regZr(f.rn);
    op.rm = regZr(f.rm);
    op.exec = DP2[e.attrs.op!][f.sf];
  },
  dataProc3: (op, f, e) => {
    op.rd = regZrDest(f.rd);
    op.rn = regZr(f.rn);
    op.rm = regZr(f.rm);
    op.ra = regZr(f.ra ?? 31);
    const name = e.attrs.op!;
    const noAcc = f.ra === 31;
    switch (name) {
      case 'madd':
        op.exec = f.sf ? (noAcc ? mulX : maddX) : noAcc ? mulW : maddW;
        break;
      case 'msub':
        op.exec = f.sf ? msubX : msubW;
        break;
      case 'smaddl':
      case 'umaddl':
        op.flags = name === 'smaddl' ? 1 : 0;
        op.exec = maddLong;
        break;
      case 'smsubl':
      case 'umsubl':
        op.flags = name === 'smsubl' ? 1 : 0;
        op.exec = msubLong;
        break;
      case 'smulh':
        op.exec = smulh;
        break;
      default:
        op.exec = umulh;
    }
  },
});
