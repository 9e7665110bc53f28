// Integer add/subtract: immediate, shifted register, extended register, with carry, and
// ADR/ADRP. 64-bit values are lo/hi halves in cpu.x; flags go to the NZCV flag cache
// (cpu.nf/zf/cf/vf, see cpu.ts). Each decoder picks a specialised exec function, so the run
// loop never branches on width or on whether flags are set.

import type { Cpu } from '../cpu.js';
import { NEXT, regSp, regZr, regZrDest, registerFamilies, type Op } from '../decoded.js';
import { extend32, extend64, shift32, shift64, u64 } from '../u64.js';

// ---- ASL AddWithCarry on halves; the 64-bit result in resLo/resHi (module scratch: no allocation)

let resLo = 0;
let resHi = 0;

/** 64-bit x + y + carry; sets NZCV when `flags`. */
function add64(cpu: Cpu, xLo: number, xHi: number, yLo: number, yHi: number, carry: number, flags: boolean): void {
  const lo = xLo + yLo + carry;
  const cLo = lo > 0xffffffff ? 1 : 0;
  const hi = xHi + yHi + cLo;
  resLo = lo >>> 0;
  resHi = hi >>> 0;
  if (flags) {
    cpu.nf = resHi | 0;
    cpu.zf = resLo | resHi;
    cpu.cf = hi > 0xffffffff ? 1 : 0;
    cpu.vf = ~(xHi ^ yHi) & (xHi ^ resHi);
  }
}

/** 32-bit x + y + carry; sets NZCV when `flags`. */
function add32(cpu: Cpu, x: number, y: number, carry: number, flags: boolean): number {
  const sum = x + y + carry;
  const r = sum >>> 0;
  if (flags) {
    cpu.nf = r | 0;
    cpu.zf = r;
    cpu.cf = sum > 0xffffffff ? 1 : 0;
    cpu.vf = ~(x ^ y) & (x ^ r);
  }
  return r;
}

// ---- ADD/SUB (immediate). op.imm = imm12 << (12 * sh); rd, rn as slots.

function addImm64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  add64(cpu, x[op.rn], x[op.rn + 1], op.imm, 0, 0, false);
  x[op.rd] = resLo;
  x[op.rd + 1] = resHi;
  return NEXT;
}
function addsImm64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  add64(cpu, x[op.rn], x[op.rn + 1], op.imm, 0, 0, true);
  x[op.rd] = resLo;
  x[op.rd + 1] = resHi;
  return NEXT;
}
function subImm64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  add64(cpu, x[op.rn], x[op.rn + 1], ~op.imm >>> 0, 0xffffffff, 1, false);
  x[op.rd] = resLo;
  x[op.rd + 1] = resHi;
  return NEXT;
}
function subsImm64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  add64(cpu, x[op.rn], x[op.rn + 1], ~op.imm >>> 0, 0xffffffff, 1, true);
  x[op.rd] = resLo;
  x[op.rd + 1] = resHi;
  return NEXT;
}
function addImm32(cpu: Cpu, op: Op): number {
  cpu.x[op.rd] = add32(cpu, cpu.x[op.rn], op.imm, 0, false);
  cpu.x[op.rd + 1] = 0;
  return NEXT;
}
function addsImm32(cpu: Cpu, op: Op): number {
  cpu.x[op.rd] = add32(cpu, cpu.x[op.rn], op.imm, 0, true);
  cpu.x[op.rd + 1] = 0;
  return NEXT;
}
function subImm32(cpu: Cpu, op: Op): number {
  cpu.x[op.rd] = add32(cpu, cpu.x[op.rn], ~op.imm >>> 0, 1, false);
  cpu.x[op.rd + 1] = 0;
  return NEXT;
}
function subsImm32(cpu: Cpu, op: Op): number {
  cpu.x[op.rd] = add32(cpu, cpu.x[op.rn], ~op.imm >>> 0, 1, true);
  cpu.x[op.rd + 1] = 0;
  return NEXT;
}

// op.flags for register forms: bit 0 = subtract, bit 1 = set flags; shift type in bits 4..5.
const SUB = 1;
const SETF = 2;

function addSubShifted64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  shift64(x[op.rm], x[op.rm + 1], op.flags >>> 4, op.imm2);
  const sub = op.flags & SUB;
  add64(cpu, x[op.rn], x[op.rn + 1], sub ? ~u64.lo >>> 0 : u64.lo, sub ? ~u64.hi >>> 0 : u64.hi, sub, (op.flags & SETF) !== 0);
  x[op.rd] = resLo;
  x[op.rd + 1] = resHi;
  return NEXT;
}
function addSubShifted32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const m = shift32(x[op.rm], op.flags >>> 4, op.imm2);
  const sub = op.flags & SUB;
  x[op.rd] = add32(cpu, x[op.rn], sub ? ~m >>> 0 : m, sub, (op.flags & SETF) !== 0);
  x[op.rd + 1] = 0;
  return NEXT;
}
/** The common plain forms get their own functions: ADD/SUB Xd, Xn, Xm with no shift. */
function addReg64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  add64(cpu, x[op.rn], x[op.rn + 1], x[op.rm], x[op.rm + 1], 0, false);
  x[op.rd] = resLo;
  x[op.rd + 1] = resHi;
  return NEXT;
}
function subsReg64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  add64(cpu, x[op.rn], x[op.rn + 1], ~x[op.rm] >>> 0, ~x[op.rm + 1] >>> 0, 1, true);
  x[op.rd] = resLo;
  x[op.rd + 1] = resHi;
  return NEXT;
}
function addSubExtended64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  extend64(x[op.rm], x[op.rm + 1], op.flags >>> 4, op.imm2);
  const sub = op.flags & SUB;
  add64(cpu, x[op.rn], x[op.rn + 1], sub ? ~u64.lo >>> 0 : u64.lo, sub ? ~u64.hi >>> 0 : u64.hi, sub, (op.flags & SETF) !== 0);
  x[op.rd] = resLo;
  x[op.rd + 1] = resHi;
  return NEXT;
}
function addSubExtended32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const m = extend32(x[op.rm], op.flags >>> 4, op.imm2);
  const sub = op.flags & SUB;
  x[op.rd] = add32(cpu, x[op.rn], sub ? ~m >>> 0 : m, sub, (op.flags & SETF) !== 0);
  x[op.rd + 1] = 0;
  return NEXT;
}
function addSubCarry64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const sub = op.flags & SUB;
  add64(cpu, x[op.rn], x[op.rn + 1], sub ? ~x[op.rm] >>> 0 : x[op.rm], sub ? ~x[op.rm + 1] >>> 0 : x[op.rm + 1], cpu.cf, (op.flags & SETF) !== 0);
  x[op.rd] = resLo;
  x[op.rd + 1] = resHi;
  return NEXT;
}
function addSubCarry32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const sub = op.flags & SUB;
  x[op.rd] = add32(cpu, x[op.rn], sub ? ~x[op.rm] >>> 0 : x[op.rm], cpu.cf, (op.flags & SETF) !== 0);
  x[op.rd + 1] = 0;
  return NEXT;
}

// ---- ADR/ADRP: op.imm/op.immHi = the target computed at execution from the PC

function adr(cpu: Cpu, op: Op): number {
  // op.imm is the signed byte offset (ADR) or page offset in bytes (ADRP, flags = 1).
  const baseLo = op.flags ? (cpu.pcLo & ~0xfff) >>> 0 : cpu.pcLo;
  const lo = baseLo + op.imm;
  cpu.x[op.rd] = lo >>> 0;
  cpu.x[op.rd + 1] = (cpu.pcHi + Math.floor(lo / 4294967296)) >>> 0;
  return NEXT;
}

registerFamilies({
  addSubImm: (op, f, e) => {
    const flags = e.attrs.setFlags === true;
    op.rd = flags ? regZrDest(f.rd) : regSp(f.rd);
    op.rn = regSp(f.rn);
    op.imm = f.imm12 << (f.sh ? 12 : 0);
    const sub = e.attrs.op === 'sub';
    op.exec = f.sf
      ? sub ? (flags ? subsImm64 : subImm64) : flags ? addsImm64 : addImm64
      : sub ? (flags ? subsImm32 : subImm32) : flags ? addsImm32 : addImm32;
  },
  addSubShifted: (op, f, e) => {
    const flags = e.attrs.setFlags === true;
    const sub = e.attrs.op === 'sub';
    op.rd = regZrDest(f.rd);
    op.rn = regZr(f.rn);
    op.rm = regZr(f.rm);
    op.imm2 = f.imm6;
    op.flags = (sub ? SUB : 0) | (flags ? SETF : 0) | (f.shift << 4);
    if (f.sf && f.imm6 === 0 && !sub && !flags) op.exec = addReg64;
    else if (f.sf && f.imm6 === 0 && sub && flags) op.exec = subsReg64;
    else op.exec = f.sf ? addSubShifted64 : addSubShifted32;
  },
  addSubExtended: (op, f, e) => {
    const flags = e.attrs.setFlags === true;
    op.rd = flags ? regZrDest(f.rd) : regSp(f.rd);
    op.rn = regSp(f.rn);
    op.rm = regZr(f.rm);
    op.imm2 = f.imm3;
    op.flags = (e.attrs.op === 'sub' ? SUB : 0) | (flags ? SETF : 0) | (f.option << 4);
    op.exec = f.sf ? addSubExtended64 : addSubExtended32;
  },
  addSubCarry: (op, f, e) => {
    op.rd = regZrDest(f.rd);
    op.rn = regZr(f.rn);
    op.rm = regZr(f.rm);
    op.flags = (e.attrs.op === 'sub' ? SUB : 0) | (e.attrs.setFlags ? SETF : 0);
    op.exec = f.sf ? addSubCarry64 : addSubCarry32;
  },
  adr: (op, f, e) => {
    op.rd = regZrDest(f.rd);
    const imm = (((f.immhi << 2) | f.immlo) << 11) >> 11;
    const page = e.name === 'ADRP';
    op.imm = page ? imm * 4096 : imm;
    op.flags = page ? 1 : 0;
    op.exec = adr;
  },
});

// ---- Conditional compare (CCMN/CCMP): if cond holds, the flags of Rn + op2 (or Rn - op2),
// else #nzcv. op.imm2 = cond, op.ra = nzcv, op.imm = imm5 (immediate forms), op.flags = SUB.

function condCompare64(cpu: Cpu, op: Op): number {
  if (!cpu.conditionHolds(op.imm2)) {
    cpu.nzcv = op.ra;
    return NEXT;
  }
  const x = cpu.x;
  const sub = op.flags;
  add64(cpu, x[op.rn], x[op.rn + 1], sub ? ~x[op.rm] >>> 0 : x[op.rm], sub ? ~x[op.rm + 1] >>> 0 : x[op.rm + 1], sub, true);
  return NEXT;
}
function condCompare32(cpu: Cpu, op: Op): number {
  if (!cpu.conditionHolds(op.imm2)) {
    cpu.nzcv = op.ra;
    return NEXT;
  }
  const x = cpu.x;
  const sub = op.flags;
  add32(cpu, x[op.rn], sub ? ~x[op.rm] >>> 0 : x[op.rm], sub, true);
  return NEXT;
}
function condCompareImm64(cpu: Cpu, op: Op): number {
  if (!cpu.conditionHolds(op.imm2)) {
    cpu.nzcv = op.ra;
    return NEXT;
  }
  const x = cpu.x;
  const sub = op.flags;
  add64(cpu, x[op.rn], x[op.rn + 1], sub ? ~op.imm >>> 0 : op.imm, sub ? 0xffffffff : 0, sub, true);
  return NEXT;
}
function condCompareImm32(cpu: Cpu, op: Op): number {
  if (!cpu.conditionHolds(op.imm2)) {
    cpu.nzcv = op.ra;
    return NEXT;
  }
  const sub = op.flags;
  add32(cpu, cpu.x[op.rn], sub ? ~op.imm >>> 0 : op.imm, sub, true);
  return NEXT;
}

/** CCMP Xn, Xm / #imm (op.rm = -1 marks the immediate form): the flags of Xn - op2 inline. */
function ccmp64(cpu: Cpu, op: Op): number {
  if (!cpu.conditionHolds(op.imm2)) {
    cpu.nzcv = op.ra;
    return NEXT;
  }
  const x = cpu.x;
  const aHi = x[op.rn + 1] | 0;
  const bLo = op.rm < 0 ? op.imm : x[op.rm];
  const bHi = op.rm < 0 ? 0 : x[op.rm + 1] | 0;
  const lo = x[op.rn] - bLo;
  const hi = aHi - bHi - (lo < 0 ? 1 : 0);
  const rHi = hi | 0;
  cpu.nf = rHi;
  cpu.zf = (lo | 0) | rHi;
  cpu.cf = (aHi >>> 0) - (bHi >>> 0) - (lo < 0 ? 1 : 0) >= 0 ? 1 : 0;
  cpu.vf = (aHi ^ bHi) & (aHi ^ rHi);
  return NEXT;
}
function ccmp32(cpu: Cpu, op: Op): number {
  if (!cpu.conditionHolds(op.imm2)) {
    cpu.nzcv = op.ra;
    return NEXT;
  }
  const x = cpu.x;
  const a = x[op.rn];
  const b = op.rm < 0 ? op.imm : x[op.rm];
  const d = a - b;
  const r = d | 0;
  cpu.nf = r;
  cpu.zf = r;
  cpu.cf = d >= 0 ? 1 : 0;
  cpu.vf = (a ^ b) & (a ^ r);
  return NEXT;
}

// ---- Conditional select: Rd = cond ? Rn : f(Rm) with f = identity (CSEL), +1 (CSINC),
// NOT (CSINV), negate (CSNEG). op.imm2 = cond. CSET/CSETM (Rn = Rm = ZR) get their own.

function csel64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const s = cpu.conditionHolds(op.imm2) ? op.rn : op.rm;
  x[op.rd] = x[s];
  x[op.rd + 1] = x[s + 1];
  return NEXT;
}
function csel32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = x[cpu.conditionHolds(op.imm2) ? op.rn : op.rm];
  x[op.rd + 1] = 0;
  return NEXT;
}
function csinc64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  if (cpu.conditionHolds(op.imm2)) {
    x[op.rd] = x[op.rn];
    x[op.rd + 1] = x[op.rn + 1];
  } else {
    const lo = x[op.rm] + 1;
    x[op.rd + 1] = x[op.rm + 1] + (lo > 0xffffffff ? 1 : 0);
    x[op.rd] = lo;
  }
  return NEXT;
}
function csinc32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = cpu.conditionHolds(op.imm2) ? x[op.rn] : x[op.rm] + 1;
  x[op.rd + 1] = 0;
  return NEXT;
}
function csinv64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  if (cpu.conditionHolds(op.imm2)) {
    x[op.rd] = x[op.rn];
    x[op.rd + 1] = x[op.rn + 1];
  } else {
    x[op.rd] = ~x[op.rm];
    x[op.rd + 1] = ~x[op.rm + 1];
  }
  return NEXT;
}
function csinv32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = cpu.conditionHolds(op.imm2) ? x[op.rn] : ~x[op.rm];
  x[op.rd + 1] = 0;
  return NEXT;
}
function csneg64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  if (cpu.conditionHolds(op.imm2)) {
    x[op.rd] = x[op.rn];
    x[op.rd + 1] = x[op.rn + 1];
  } else {
    const lo = x[op.rm];
    x[op.rd + 1] = ~x[op.rm + 1] + (lo === 0 ? 1 : 0);
    x[op.rd] = -lo;
  }
  return NEXT;
}
function csneg32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = cpu.conditionHolds(op.imm2) ? x[op.rn] : -x[op.rm];
  x[op.rd + 1] = 0;
  return NEXT;
}
/** CSET Rd, cond (CSINC Rd, ZR, ZR, invert(cond)): 0 when op.imm2 holds, else 1. */
function cset(cpu: Cpu, op: Op): number {
  cpu.x[op.rd] = cpu.conditionHolds(op.imm2) ? 0 : 1;
  cpu.x[op.rd + 1] = 0;
  return NEXT;
}
/** CSETM Xd, cond (CSINV Xd, XZR, XZR, invert(cond)): 0 or all ones; op.immHi = the high half. */
function csetm(cpu: Cpu, op: Op): number {
  const v = cpu.conditionHolds(op.imm2) ? 0 : -1;
  cpu.x[op.rd] = v;
  cpu.x[op.rd + 1] = v & op.immHi;
  return NEXT;
}

const CSEL_HANDLERS: Record<string, [typeof csel32, typeof csel64]> = {
  csel: [csel32, csel64],
  csinc: [csinc32, csinc64],
  csinv: [csinv32, csinv64],
  csneg: [csneg32, csneg64],
};

registerFamilies({
  condCompare: (op, f, e) => {
    op.rn = regZr(f.rn);
    op.imm2 = f.cond;
    op.ra = f.nzcv;
    op.flags = e.attrs.op === 'sub' ? SUB : 0;
    if (e.name.endsWith('_i')) {
      op.imm = f.imm5;
      op.rm = -1;
      op.exec = op.flags ? (f.sf ? ccmp64 : ccmp32) : f.sf ? condCompareImm64 : condCompareImm32;
    } else {
      op.rm = regZr(f.rm);
      op.exec = op.flags ? (f.sf ? ccmp64 : ccmp32) : f.sf ? condCompare64 : condCompare32;
    }
  },
  condSelect: (op, f, e) => {
    op.rd = regZrDest(f.rd);
    op.rn = regZr(f.rn);
    op.rm = regZr(f.rm);
    op.imm2 = f.cond;
    const kind = e.attrs.op!;
    if (f.rn === 31 && f.rm === 31 && (kind === 'csinc' || kind === 'csinv')) {
      op.immHi = f.sf ? -1 : 0;
      op.exec = kind === 'csinc' ? cset : csetm;
    } else op.exec = CSEL_HANDLERS[kind][f.sf];
  },
});
