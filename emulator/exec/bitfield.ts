// Bitfield moves SBFM/BFM/UBFM (and so LSL/LSR/ASR immediate, SBFX/UBFX/SBFIZ/UBFIZ, BFI/BFXIL/
// BFC, SXTB/SXTH/SXTW, UXTB/UXTH) and EXTR (ROR immediate).
//
// UBFM/SBFM are, whatever the aliases say, "shift left by L = datasize-1-imms, then shift right
// (logically or arithmetically) by A", with A = L + immr when imms >= immr (a field extract)
// and A = immr - 1 - imms otherwise (an insert in zeros); this equals the ASL
// (top AND NOT tmask) OR (ROR(src, R) AND wmask AND tmask). BFM keeps the ASL form: ROR(src, R)
// merged into Xd under wmask AND tmask (from DecodeBitMasks at decode time).

import type { Cpu } from '../cpu.js';
import { NEXT, regZr, regZrDest, registerFamilies, type Op } from '../decoded.js';
import { decodeBitMasks } from '../../isa/bits.js';
import { SHIFT_ASR, SHIFT_LSL, SHIFT_LSR, SHIFT_ROR, shift64, u64 } from '../u64.js';
import { movReg32, movReg64 } from './logic.js';

// ---- Immediate shifts (UBFM/SBFM aliases). op.imm2 = the amount: 1..31 for the "small"
// 64-bit forms, amount - 32 (0..31) for the "big" ones.

function lslSmall64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const n = op.imm2;
  const lo = x[op.rn];
  x[op.rd + 1] = (x[op.rn + 1] << n) | (lo >>> (32 - n));
  x[op.rd] = lo << n;
  return NEXT;
}
function lslBig64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd + 1] = x[op.rn] << op.imm2;
  x[op.rd] = 0;
  return NEXT;
}
function lsrSmall64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const n = op.imm2;
  const hi = x[op.rn + 1];
  x[op.rd] = (x[op.rn] >>> n) | (hi << (32 - n));
  x[op.rd + 1] = hi >>> n;
  return NEXT;
}
function lsrBig64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = x[op.rn + 1] >>> op.imm2;
  x[op.rd + 1] = 0;
  return NEXT;
}
function asrSmall64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const n = op.imm2;
  const hi = x[op.rn + 1];
  x[op.rd] = (x[op.rn] >>> n) | (hi << (32 - n));
  x[op.rd + 1] = hi >> n;
  return NEXT;
}
function asrBig64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const hi = x[op.rn + 1];
  x[op.rd] = hi >> op.imm2;
  x[op.rd + 1] = hi >> 31;
  return NEXT;
}
function lsl32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = x[op.rn] << op.imm2;
  x[op.rd + 1] = 0;
  return NEXT;
}
function lsr32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = x[op.rn] >>> op.imm2;
  x[op.rd + 1] = 0;
  return NEXT;
}
function asr32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = x[op.rn] >> op.imm2;
  x[op.rd + 1] = 0;
  return NEXT;
}

// ---- Sign/zero extension of a low field (immr = 0, imms < 32): op.imm2 = 31 - imms

function sext64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const v = (x[op.rn] << op.imm2) >> op.imm2;
  x[op.rd] = v;
  x[op.rd + 1] = v >> 31;
  return NEXT;
}
function sext32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = (x[op.rn] << op.imm2) >> op.imm2;
  x[op.rd + 1] = 0;
  return NEXT;
}
function zext(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = x[op.rn] & op.imm;
  x[op.rd + 1] = 0;
  return NEXT;
}

// ---- UBFX/SBFX of a field inside one half of a 64-bit register: the 32-bit shift pair on
// that half (op.rn addresses it), op.imm2 = left shift, op.flags = right shift

function ubfxHalf64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = (x[op.rn] << op.imm2) >>> op.flags;
  x[op.rd + 1] = 0;
  return NEXT;
}
function sbfxHalf64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const v = (x[op.rn] << op.imm2) >> op.flags;
  x[op.rd] = v;
  x[op.rd + 1] = v >> 31;
  return NEXT;
}

// ---- General UBFM/SBFM: shift left by op.imm2 (L), right by op.flags (A)

function ubfm64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  shift64(x[op.rn], x[op.rn + 1], SHIFT_LSL, op.imm2);
  shift64(u64.lo, u64.hi, SHIFT_LSR, op.flags);
  x[op.rd] = u64.lo;
  x[op.rd + 1] = u64.hi;
  return NEXT;
}
function sbfm64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  shift64(x[op.rn], x[op.rn + 1], SHIFT_LSL, op.imm2);
  shift64(u64.lo, u64.hi, SHIFT_ASR, op.flags);
  x[op.rd] = u64.lo;
  x[op.rd + 1] = u64.hi;
  return NEXT;
}
function ubfm32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = (x[op.rn] << op.imm2) >>> op.flags;
  x[op.rd + 1] = 0;
  return NEXT;
}
function sbfm32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  x[op.rd] = (x[op.rn] << op.imm2) >> op.flags;
  x[op.rd + 1] = 0;
  return NEXT;
}

// ---- BFM: Xd = (Xd AND NOT mask) OR (ROR(Xn, immr) AND mask); op.imm/op.immHi = wmask AND
// tmask, op.imm2 = immr

function bfm64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  shift64(x[op.rn], x[op.rn + 1], SHIFT_ROR, op.imm2);
  x[op.rd] = (x[op.rd] & ~op.imm) | (u64.lo & op.imm);
  x[op.rd + 1] = (x[op.rd + 1] & ~op.immHi) | (u64.hi & op.immHi);
  return NEXT;
}
function bfm32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const s = x[op.rn];
  const r = op.imm2;
  x[op.rd] = (x[op.rd] & ~op.imm) | (((s >>> r) | (s << (32 - r))) & op.imm);
  x[op.rd + 1] = 0;
  return NEXT;
}

// ---- EXTR: Xd = (Xn:Xm) >> lsb. op.imm2 = lsb (64-bit: lsb, or lsb - 32 for the big form)

function extrSmall64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const n = op.imm2;
  const mHi = x[op.rm + 1];
  const lo = (x[op.rm] >>> n) | (mHi << (32 - n));
  x[op.rd + 1] = (mHi >>> n) | (x[op.rn] << (32 - n));
  x[op.rd] = lo;
  return NEXT;
}
function extr32of64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const lo = x[op.rm + 1];
  x[op.rd + 1] = x[op.rn];
  x[op.rd] = lo;
  return NEXT;
}
function extrBig64(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const n = op.imm2;
  const nLo = x[op.rn];
  const lo = (x[op.rm + 1] >>> n) | (nLo << (32 - n));
  x[op.rd + 1] = (nLo >>> n) | (x[op.rn + 1] << (32 - n));
  x[op.rd] = lo;
  return NEXT;
}
function extr32(cpu: Cpu, op: Op): number {
  const x = cpu.x;
  const n = op.imm2;
  x[op.rd] = (x[op.rm] >>> n) | (x[op.rn] << (32 - n));
  x[op.rd + 1] = 0;
  return NEXT;
}

registerFamilies({
  bitfield: (op, f, e) => {
    const size = f.sf ? 64 : 32;
    const masks = decodeBitMasks(f.N, f.imms, f.immr, false, size);
    if (!masks) return; // reserved (excluded by the table's undef rule): UNDEFINED
    const r = f.immr;
    const s = f.imms;
    op.rd = regZrDest(f.rd);
    op.rn = regZr(f.rn);
    const kind = e.attrs.op;
    if (kind === 'bfm') {
      const m = masks.wmask & masks.tmask;
      op.imm = Number(m & 0xffffffffn) | 0;
      op.immHi = Number(m >> 32n) | 0;
      op.imm2 = r;
      op.exec = f.sf ? bfm64 : bfm32;
      return;
    }
    const signed = kind === 'sbfm';
    const top = size - 1;
    if (s === top) {
      // LSR/ASR #r
      if (r === 0) {
        op.rm = op.rn;
        op.exec = f.sf ? movReg64 : movReg32;
      } else if (!f.sf) {
        op.imm2 = r;
        op.exec = signed ? asr32 : lsr32;
      } else if (r < 32) {
        op.imm2 = r;
        op.exec = signed ? asrSmall64 : lsrSmall64;
      } else {
        op.imm2 = r - 32;
        op.exec = signed ? asrBig64 : lsrBig64;
      }
      return;
    }
    if (!signed && s + 1 === r) {
      // LSL #(size - r), r >= 1
      const n = size - r;
      if (!f.sf) {
        op.imm2 = n;
        op.exec = lsl32;
      } else if (n < 32) {
        op.imm2 = n;
        op.exec = lslSmall64;
      } else {
        op.imm2 = n - 32;
        op.exec = lslBig64;
      }
      return;
    }
    if (r === 0 && s <= 31) {
      // SXTB/SXTH/SXTW (and SBFX #0, #width), UXTB/UXTH (and UBFX #0, #width)
      if (signed) {
        op.imm2 = 31 - s;
        op.exec = f.sf ? sext64 : sext32;
      } else {
        op.imm = (2 ** (s + 1) - 1) | 0;
        op.exec = zext;
      }
      return;
    }
    if (f.sf && s >= r && (s < 32 || r >= 32)) {
      // UBFX/SBFX #r, #(s - r + 1) with the field in one half
      const half = s < 32 ? 0 : 32;
      op.rn += half >> 5;
      op.imm2 = 31 - (s - half);
      op.flags = op.imm2 + r - half;
      op.exec = signed ? sbfxHalf64 : ubfxHalf64;
      return;
    }
    const left = top - s;
    op.imm2 = left;
    op.flags = s >= r ? left + r : r - 1 - s;
    op.exec = f.sf ? (signed ? sbfm64 : ubfm64) : signed ? sbfm32 : ubfm32;
  },
  extract: (op, f) => {
    op.rd = regZrDest(f.rd);
    op.rn = regZr(f.rn);
    op.rm = regZr(f.rm);
    const lsb = f.imms;
    if (lsb === 0) op.exec = f.sf ? movReg64 : movReg32;
    else if (!f.sf) {
      op.imm2 = lsb;
      op.exec = extr32;
    } else if (lsb < 32) {
      op.imm2 = lsb;
      op.exec = extrSmall64;
    } else if (lsb === 32) op.exec = extr32of64;
    else {
      op.imm2 = lsb - 32;
      op.exec = extrBig64;
    }
  },
});
