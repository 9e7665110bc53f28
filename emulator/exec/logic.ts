// Logical instructions: AND/ORR/EOR/ANDS (immediate), AND/BIC/ORR/ORN/EOR/EON/ANDS/BICS
// (shifted register), and the move-wide immediates MOVZ/MOVN/MOVK. Decoders do the ASL decode
// work (DecodeBitMasks, shift amounts, the inversion of BIC/ORN/EON, register 31) and choose
// a specialised handler: MOV (ORR with XZR, MOVZ, MOVN) is a constant or a register copy, and
// register forms without a shift skip the shifter.

import type { Cpu } from '../cpu.js';
import { NEXT, regSp, regZr, regZrDest, registerFamilies, type Op } from '../decoded.js';
import { decodeBitMasks } from '../../isa/bits.js';
import { shift32, shift64, u64 } from '../u64.js';

// ---- Moves shared with other families (bitfield, extract): op.imm/immHi, or the register op.rm

/** Xd = the constant op.immHi:op.imm (MOVZ, MOVN, ORR with XZR; 32-bit forms have immHi = 0). */
export function movImm(cpu: Cpu, op: Op): number {
  cpu.x[op.rd] = op.imm;
  cpu.x[op.rd + 1] = op.immHi;
  return NEXT;
}
/** Xd = Xm. */
export function movReg64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = x[op.rm];
  x[op.rd + 1] = x[op.rm + 1];
  return NEXT;
}
/** Wd = Wm (upper half zeroed). */
export function movReg32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = x[op.rm];
  x[op.rd + 1] = 0;
  return NEXT;
}

// ---- Logical (immediate): op.imm/op.immHi = the DecodeBitMasks immediate

function andImm64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = x[op.rn] & op.imm;
  x[op.rd + 1] = x[op.rn + 1] & op.immHi;
  return NEXT;
}
function orrImm64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = x[op.rn] | op.imm;
  x[op.rd + 1] = x[op.rn + 1] | op.immHi;
  return NEXT;
}
function eorImm64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = x[op.rn] ^ op.imm;
  x[op.rd + 1] = x[op.rn + 1] ^ op.immHi;
  return NEXT;
}
function andsImm64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const lo = x[op.rn] & op.imm;
  const hi = x[op.rn + 1] & op.immHi;
  x[op.rd] = lo;
  x[op.rd + 1] = hi;
  cpu.nf = hi;
  cpu.zf = lo | hi;
  cpu.cf = 0;
  cpu.vf = 0;
  return NEXT;
}
function andImm32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = x[op.rn] & op.imm;
  x[op.rd + 1] = 0;
  return NEXT;
}
function orrImm32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = x[op.rn] | op.imm;
  x[op.rd + 1] = 0;
  return NEXT;
}
function eorImm32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = x[op.rn] ^ op.imm;
  x[op.rd + 1] = 0;
  return NEXT;
}
function andsImm32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const r = x[op.rn] & op.imm;
  x[op.rd] = r;
  x[op.rd + 1] = 0;
  cpu.nf = r;
  cpu.zf = r;
  cpu.cf = 0;
  cpu.vf = 0;
  return NEXT;
}

// ---- Logical (shifted register). op.flags = shift type, op.imm2 = amount; op.imm/op.immHi =
// the inversion mask (all ones for BIC/ORN/EON/BICS, else 0). "Plain" handlers have amount 0.

function andShifted64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  shift64(x[op.rm], x[op.rm + 1], op.flags, op.imm2);
  const lo = x[op.rn] & (u64.lo ^ op.imm);
  x[op.rd + 1] = x[op.rn + 1] & (u64.hi ^ op.immHi);
  x[op.rd] = lo;
  return NEXT;
}
function orrShifted64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  shift64(x[op.rm], x[op.rm + 1], op.flags, op.imm2);
  const lo = x[op.rn] | (u64.lo ^ op.imm);
  x[op.rd + 1] = x[op.rn + 1] | (u64.hi ^ op.immHi);
  x[op.rd] = lo;
  return NEXT;
}
function eorShifted64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  shift64(x[op.rm], x[op.rm + 1], op.flags, op.imm2);
  const lo = x[op.rn] ^ u64.lo ^ op.imm;
  x[op.rd + 1] = x[op.rn + 1] ^ u64.hi ^ op.immHi;
  x[op.rd] = lo;
  return NEXT;
}
function andsShifted64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  shift64(x[op.rm], x[op.rm + 1], op.flags, op.imm2);
  const lo = x[op.rn] & (u64.lo ^ op.imm);
  const hi = x[op.rn + 1] & (u64.hi ^ op.immHi);
  x[op.rd] = lo;
  x[op.rd + 1] = hi;
  cpu.nf = hi;
  cpu.zf = lo | hi;
  cpu.cf = 0;
  cpu.vf = 0;
  return NEXT;
}
function andPlain64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const lo = x[op.rn] & (x[op.rm] ^ op.imm);
  x[op.rd + 1] = x[op.rn + 1] & (x[op.rm + 1] ^ op.immHi);
  x[op.rd] = lo;
  return NEXT;
}
function orrPlain64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const lo = x[op.rn] | (x[op.rm] ^ op.imm);
  x[op.rd + 1] = x[op.rn + 1] | (x[op.rm + 1] ^ op.immHi);
  x[op.rd] = lo;
  return NEXT;
}
function eorPlain64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const lo = x[op.rn] ^ x[op.rm] ^ op.imm;
  x[op.rd + 1] = x[op.rn + 1] ^ x[op.rm + 1] ^ op.immHi;
  x[op.rd] = lo;
  return NEXT;
}
function andsPlain64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const lo = x[op.rn] & (x[op.rm] ^ op.imm);
  const hi = x[op.rn + 1] & (x[op.rm + 1] ^ op.immHi);
  x[op.rd] = lo;
  x[op.rd + 1] = hi;
  cpu.nf = hi;
  cpu.zf = lo | hi;
  cpu.cf = 0;
  cpu.vf = 0;
  return NEXT;
}
function andShifted32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = x[op.rn] & (shift32(x[op.rm], op.flags, op.imm2) ^ op.imm);
  x[op.rd + 1] = 0;
  return NEXT;
}
function orrShifted32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = x[op.rn] | (shift32(x[op.rm], op.flags, op.imm2) ^ op.imm);
  x[op.rd + 1] = 0;
  return NEXT;
}
function eorShifted32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = x[op.rn] ^ shift32(x[op.rm], op.flags, op.imm2) ^ op.imm;
  x[op.rd + 1] = 0;
  return NEXT;
}
function andsShifted32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const r = x[op.rn] & (shift32(x[op.rm], op.flags, op.imm2) ^ op.imm);
  x[op.rd] = r;
  x[op.rd + 1] = 0;
  cpu.nf = r;
  cpu.zf = r;
  cpu.cf = 0;
  cpu.vf = 0;
  return NEXT;
}
function andPlain32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = x[op.rn] & (x[op.rm] ^ op.imm);
  x[op.rd + 1] = 0;
  return NEXT;
}
function orrPlain32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = x[op.rn] | (x[op.rm] ^ op.imm);
  x[op.rd + 1] = 0;
  return NEXT;
}
function eorPlain32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = x[op.rn] ^ x[op.rm] ^ op.imm;
  x[op.rd + 1] = 0;
  return NEXT;
}
function andsPlain32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const r = x[op.rn] & (x[op.rm] ^ op.imm);
  x[op.rd] = r;
  x[op.rd + 1] = 0;
  cpu.nf = r;
  cpu.zf = r;
  cpu.cf = 0;
  cpu.vf = 0;
  return NEXT;
}
/** TST Xn, Xm (ANDS with XZR destination, no shift): flags only. */
function tstPlain64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const lo = x[op.rn] & (x[op.rm] ^ op.imm);
  const hi = x[op.rn + 1] & (x[op.rm + 1] ^ op.immHi);
  cpu.nf = hi;
  cpu.zf = lo | hi;
  cpu.cf = 0;
  cpu.vf = 0;
  return NEXT;
}

// ---- Move wide: MOVK keeps the other bits. op.rd addresses the half written (rd + hw/2);
// op.imm = imm16 placed in that half, op.immHi = the mask of the bits kept.

function movk64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = (x[op.rd] & op.immHi) | op.imm;
  return NEXT;
}
function movk32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = (x[op.rd] & op.immHi) | op.imm;
  x[op.rd + 1] = 0;
  return NEXT;
}

const IMM_HANDLERS: Record<string, [(cpu: Cpu, op: Op) => number, (cpu: Cpu, op: Op) => number]> = {
  and: [andImm32, andImm64],
  orr: [orrImm32, orrImm64],
  eor: [eorImm32, eorImm64],
  ands: [andsImm32, andsImm64],
};

/** [32-bit shifted, 32-bit plain, 64-bit shifted, 64-bit plain] by base operation. */
const REG_HANDLERS: Record<string, ((cpu: Cpu, op: Op) => number)[]> = {
  and: [andShifted32, andPlain32, andShifted64, andPlain64],
  orr: [orrShifted32, orrPlain32, orrShifted64, orrPlain64],
  eor: [eorShifted32, eorPlain32, eorShifted64, eorPlain64],
  ands: [andsShifted32, andsPlain32, andsShifted64, andsPlain64],
};

registerFamilies({
  logicalImm: (op, f, e) => {
    const size = f.sf ? 64 : 32;
    const masks = decodeBitMasks(f.N, f.imms, f.immr, true, size);
    if (!masks) return; // reserved: stays UNDEFINED (the table's undef rule excludes it)
    const flags = e.attrs.setFlags === true;
    op.rd = flags ? regZrDest(f.rd) : regSp(f.rd);
    op.rn = regZr(f.rn);
    op.imm = Number(masks.wmask & 0xffffffffn) | 0;
    op.immHi = Number(masks.wmask >> 32n) | 0;
    const base = flags ? 'ands' : e.attrs.op!;
    // MOV (bitmask immediate): ORR Xd|SP, XZR, #imm writes a constant.
    if (base === 'orr' && f.rn === 31) op.exec = movImm;
    else op.exec = IMM_HANDLERS[base][f.sf];
  },
  logicalShifted: (op, f, e) => {
    const flags = e.attrs.setFlags === true;
    const opName = e.attrs.op!; // and, bic, orr, orn, eor, eon (ANDS/BICS: and/bic with setFlags)
    const invert = opName === 'bic' || opName === 'orn' || opName === 'eon';
    const base = flags ? 'ands' : opName === 'bic' ? 'and' : opName === 'orn' ? 'orr' : opName === 'eon' ? 'eor' : opName;
    op.rd = regZrDest(f.rd);
    op.rn = regZr(f.rn);
    op.rm = regZr(f.rm);
    op.imm = op.immHi = invert ? -1 : 0;
    op.imm2 = f.imm6;
    op.flags = f.shift;
    const plain = f.imm6 === 0;
    if (base === 'orr' && f.rn === 31 && plain && !invert) op.exec = f.sf ? movReg64 : movReg32; // MOV Xd, Xm
    else if (base === 'ands' && f.rd === 31 && plain && f.sf) op.exec = tstPlain64;
    else op.exec = REG_HANDLERS[base][f.sf * 2 + (plain ? 1 : 0)];
  },
  moveWide: (op, f, e) => {
    op.rd = regZrDest(f.rd);
    const shift = 16 * (f.hw & 1);
    if (e.attrs.op === 'movk') {
      op.rd += f.hw >> 1;
      op.imm = f.imm16 << shift;
      op.immHi = ~(0xffff << shift);
      op.exec = f.sf ? movk64 : movk32;
      return;
    }
    let lo = f.hw < 2 ? f.imm16 << shift : 0;
    let hi = f.hw < 2 ? 0 : f.imm16 << shift;
    if (e.attrs.op === 'movn') {
      lo = ~lo;
      hi = f.sf ? ~hi : 0;
    }
    op.imm = lo | 0;
    op.immHi = hi | 0;
    op.exec = movImm;
  },
});
