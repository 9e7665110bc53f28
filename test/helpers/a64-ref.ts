// A reference model of the integer data-processing and branch instructions, on bigints,
// written from the Arm ARM's ASL (the "operation" pseudocode of each instruction, and the
// shared functions AddWithCarry, ConditionHolds, DecodeBitMasks, ShiftReg, BranchAddr). It
// shares nothing with emulator/exec/ except the encoding table's field extraction, so the unit
// tests compare two independent readings of the architecture. Also: a runner that executes one
// word in granule from a given state, and a table-driven word builder.

import { decode, extractFields } from '../../isa/decode.js';
import { ENCODINGS } from '../../isa/encodings.js';
import type { Fields } from '../../isa/operands.js';
import { Machine } from '../../emulator/machine.js';
import { decodeOp, NEXT } from '../../emulator/decoded.js';

export const M64 = (1n << 64n) - 1n;

export interface State {
  /** X0..X30. */
  x: bigint[];
  sp: bigint;
  /** N = 8, Z = 4, C = 2, V = 1. */
  nzcv: number;
  pc: bigint;
  /** TCR_EL1 (TBI0 bit 37, TBI1 bit 38) for BranchAddr. */
  tcr: bigint;
}

export const cloneState = (s: State): State => ({ ...s, x: [...s.x] });

// ---- Words from the table

/** The word of table row `name` with `fields` (should-be-one bits set); it must decode to that row. */
export function encode(name: string, fields: Fields): number {
  const index = ENCODINGS.findIndex((e) => e.name === name);
  if (index < 0) throw new Error(`no row ${name}`);
  const e = ENCODINGS[index];
  let w = e.match | e.sbo;
  for (const spec of e.fields) {
    const v = fields[spec.name] ?? 0;
    if (v < 0 || v >= 2 ** spec.width) throw new Error(`${name}: ${spec.name} = ${v} does not fit`);
    w |= v << spec.lsb;
  }
  w >>>= 0;
  if (decode(w) !== index) throw new Error(`${name} ${JSON.stringify(fields)}: word ${w.toString(16)} does not decode to the row`);
  return w;
}

/** Like encode, but undefined when the fields hit a reserved value of the row. */
export function tryEncode(name: string, fields: Fields): number | undefined {
  try {
    return encode(name, fields);
  } catch {
    return undefined;
  }
}

export const rowsOf = (...families: string[]): string[] => ENCODINGS.filter((e) => e.supported && families.includes(e.family)).map((e) => e.name);

// ---- granule: execute one word

let machine: Machine | undefined;

/** Runs `word` once in granule (decode, then the handler) from state `s`; returns the new state. */
export function runGranule(word: number, s: State): State {
  const m = (machine ??= new Machine({ ramSize: 1 << 20 }));
  const cpu = m.cpu;
  s.x.forEach((v, i) => cpu.writeX(i, v));
  cpu.writeSp(s.sp);
  cpu.nzcv = s.nzcv;
  cpu.pc = s.pc;
  cpu.sys.tcr = s.tcr;
  const op = decodeOp(word);
  if (op.exec(cpu, op) === NEXT) cpu.pc = (cpu.pc + 4n) & M64;
  return { x: s.x.map((_, i) => cpu.readX(i)), sp: cpu.readSp(), nzcv: cpu.nzcv, pc: cpu.pc, tcr: s.tcr };
}

// ---- ASL shared functions

const mask = (n: number): bigint => (1n << BigInt(n)) - 1n;
const uint = (v: bigint, n: number): bigint => v & mask(n);
const sint = (v: bigint, n: number): bigint => BigInt.asIntN(n, v);
const bit = (v: bigint, i: number): number => Number((v >> BigInt(i)) & 1n);

/** ASL AddWithCarry: (result, nzcv). */
export function addWithCarry(x: bigint, y: bigint, carry: number, n: number): [bigint, number] {
  const unsignedSum = uint(x, n) + uint(y, n) + BigInt(carry);
  const signedSum = sint(x, n) + sint(y, n) + BigInt(carry);
  const result = uint(unsignedSum, n);
  const N = bit(result, n - 1);
  const Z = result === 0n ? 1 : 0;
  const C = result === unsignedSum ? 0 : 1;
  const V = sint(result, n) === signedSum ? 0 : 1;
  return [result, (N << 3) | (Z << 2) | (C << 1) | V];
}

/** ASL ConditionHolds. */
export function conditionHolds(cond: number, nzcv: number): boolean {
  const N = (nzcv >> 3) & 1, Z = (nzcv >> 2) & 1, C = (nzcv >> 1) & 1, V = nzcv & 1;
  let result: boolean;
  switch (cond >> 1) {
    case 0: result = Z === 1; break;
    case 1: result = C === 1; break;
    case 2: result = N === 1; break;
    case 3: result = V === 1; break;
    case 4: result = C === 1 && Z === 0; break;
    case 5: result = N === V; break;
    case 6: result = N === V && Z === 0; break;
    default: result = true;
  }
  if ((cond & 1) === 1 && cond !== 15) result = !result;
  return result;
}

function ror(v: bigint, shift: number, n: number): bigint {
  const s = BigInt(shift % n);
  v = uint(v, n);
  return s === 0n ? v : uint((v >> s) | (v << (BigInt(n) - s)), n);
}

function replicate(v: bigint, esize: number, n: number): bigint {
  let out = 0n;
  for (let i = 0; i < n; i += esize) out |= uint(v, esize) << BigInt(i);
  return out;
}

/** ASL DecodeBitMasks; undefined where the ASL says UNDEFINED. */
export function decodeBitMasks(immN: number, imms: number, immr: number, immediate: boolean, m: number): [bigint, bigint] | undefined {
  const combined = (immN << 6) | (~imms & 0x3f);
  let len = -1;
  for (let i = 6; i >= 0; i--) if ((combined >> i) & 1) { len = i; break; }
  if (len < 1) return undefined;
  const levels = (1 << len) - 1;
  if (immediate && (imms & levels) === levels) return undefined;
  const S = imms & levels;
  const R = immr & levels;
  const esize = 1 << len;
  if (esize > m) return undefined;
  const d = (S - R) & levels;
  const welem = mask(S + 1);
  const telem = mask(d + 1);
  return [replicate(ror(welem, R, esize), esize, m), replicate(telem, esize, m)];
}

/** ASL ShiftReg (type 0 LSL, 1 LSR, 2 ASR, 3 ROR). */
function shiftReg(v: bigint, type: number, amount: number, n: number): bigint {
  const a = BigInt(amount);
  switch (type) {
    case 0: return uint(v << a, n);
    case 1: return uint(v, n) >> a;
    case 2: return uint(sint(v, n) >> a, n);
    default: return ror(v, amount, n);
  }
}

/** ASL AArch64.BranchAddr at EL0/EL1 (no PAuth: TBIDn never applies). */
export function branchAddr(target: bigint, tcr: bigint): bigint {
  const upper = bit(target, 55) === 1;
  const tbi = bit(tcr, upper ? 38 : 37) === 1;
  if (!tbi) return target;
  return upper ? uint(sint(uint(target, 56), 56), 64) : uint(target, 56);
}

const highestSetBit = (v: bigint, n: number): number => {
  for (let i = n - 1; i >= 0; i--) if (bit(v, i)) return i;
  return -1;
};
const countLeadingZeroBits = (v: bigint, n: number): number => n - 1 - highestSetBit(v, n);
const countLeadingSignBits = (v: bigint, n: number): number => countLeadingZeroBits(uint((v >> 1n) ^ v, n - 1), n - 1);

function reverseBytesInContainers(v: bigint, container: number, n: number): bigint {
  let out = 0n;
  for (let c = 0; c < n; c += container) {
    for (let b = 0; b < container; b += 8) {
      const byte = (v >> BigInt(c + b)) & 0xffn;
      out |= byte << BigInt(c + container - 8 - b);
    }
  }
  return out;
}

// ---- The instructions

/** Executes `word` (a row of the integer/branch families) on the reference model. */
export function runRef(word: number, s0: State): State {
  const s = cloneState(s0);
  const index = decode(word);
  const e = ENCODINGS[index];
  const f = extractFields(e, word);
  const n = f.sf === 0 ? 32 : 64;
  /** X[r] with register 31 as the zero register, or as SP. */
  const X = (r: number, width = n): bigint => uint(r === 31 ? 0n : s.x[r], width);
  /** Writes of a `width`-bit result zero-extend to 64 bits. */
  const setX = (r: number, v: bigint, width = n): void => {
    if (r !== 31) s.x[r] = uint(v, width);
  };
  const setXSP = (r: number, v: bigint): void => {
    if (r === 31) s.sp = uint(v, n);
    else s.x[r] = uint(v, n);
  };
  const logicFlags = (r: bigint): number => (bit(r, n - 1) << 3) | ((r === 0n ? 1 : 0) << 2);
  const branchTo = (target: bigint): void => {
    s.pc = branchAddr(uint(target, 64), s.tcr);
  };
  const offset = (field: string, width: number): bigint => BigInt(sint(BigInt(f[field]), width)) * 4n;
  let branched = false;
  const take = (target: bigint): void => {
    branchTo(target);
    branched = true;
  };
  const op = e.attrs.op;

  switch (e.family) {
    case 'logicalImm': {
      const [imm] = decodeBitMasks(f.N, f.imms, f.immr, true, n)!;
      const a = X(f.rn);
      const r = op === 'and' ? a & imm : op === 'orr' ? a | imm : a ^ imm;
      if (e.attrs.setFlags) {
        s.nzcv = logicFlags(r);
        setX(f.rd, r);
      } else setXSP(f.rd, r);
      break;
    }
    case 'logicalShifted': {
      let b = shiftReg(X(f.rm), f.shift, f.imm6, n);
      if (op === 'bic' || op === 'orn' || op === 'eon') b = uint(~b, n);
      const a = X(f.rn);
      const r = op === 'and' || op === 'bic' ? a & b : op === 'orr' || op === 'orn' ? a | b : a ^ b;
      if (e.attrs.setFlags) s.nzcv = logicFlags(r);
      setX(f.rd, r);
      break;
    }
    case 'moveWide': {
      const pos = BigInt(f.hw * 16);
      let r = op === 'movk' ? X(f.rd) : 0n;
      r = (r & ~(0xffffn << pos)) | (BigInt(f.imm16) << pos);
      if (op === 'movn') r = uint(~r, n);
      setX(f.rd, r);
      break;
    }
    case 'bitfield': {
      const [wmask, tmask] = decodeBitMasks(f.N, f.imms, f.immr, false, n)!;
      const inzero = op !== 'bfm';
      const extend = op === 'sbfm';
      const dst = inzero ? 0n : X(f.rd);
      const src = X(f.rn);
      const bot = (dst & uint(~wmask, n)) | (ror(src, f.immr, n) & wmask);
      const top = extend ? (bit(src, f.imms) ? mask(n) : 0n) : dst;
      setX(f.rd, (top & uint(~tmask, n)) | (bot & tmask));
      break;
    }
    case 'extract': {
      const concat = (X(f.rn) << BigInt(n)) | X(f.rm);
      setX(f.rd, uint(concat >> BigInt(f.imms), n));
      break;
    }
    case 'dataProc1': {
      const w = e.name === 'REV_w' ? 32 : e.name === 'REV32' || e.name === 'REV_x' ? 64 : n;
      const v = X(f.rn, w);
      let r: bigint;
      if (op === 'rbit') {
        r = 0n;
        for (let i = 0; i < w; i++) if (bit(v, i)) r |= 1n << BigInt(w - 1 - i);
      } else if (op === 'rev16') r = reverseBytesInContainers(v, 16, w);
      else if (op === 'rev32') r = reverseBytesInContainers(v, 32, w);
      else if (op === 'rev') r = reverseBytesInContainers(v, w, w);
      else if (op === 'clz') r = BigInt(countLeadingZeroBits(v, w));
      else r = BigInt(countLeadingSignBits(v, w));
      setX(f.rd, r, w);
      break;
    }
    case 'dataProc2': {
      const a = X(f.rn);
      const b = X(f.rm);
      let r: bigint;
      if (op === 'udiv') r = b === 0n ? 0n : a / b;
      else if (op === 'sdiv') r = b === 0n ? 0n : sint(a, n) / sint(b, n); // bigint division rounds toward zero
      else r = shiftReg(a, ['lslv', 'lsrv', 'asrv', 'rorv'].indexOf(op!), Number(b % BigInt(n)), n);
      setX(f.rd, uint(r, n));
      break;
    }
    case 'dataProc3': {
      if (op === 'smulh' || op === 'umulh') {
        const signed = op === 'smulh';
        const p = signed ? sint(X(f.rn), 64) * sint(X(f.rm), 64) : X(f.rn) * X(f.rm);
        setX(f.rd, uint(p >> 64n, 64), 64);
      } else if (op === 'madd' || op === 'msub') {
        const p = X(f.rn) * X(f.rm);
        setX(f.rd, uint(op === 'madd' ? X(f.ra) + p : X(f.ra) - p, n));
      } else {
        const signed = op!.startsWith('s');
        const a = signed ? sint(X(f.rn, 32), 32) : X(f.rn, 32);
        const b = signed ? sint(X(f.rm, 32), 32) : X(f.rm, 32);
        const acc = X(f.ra, 64);
        setX(f.rd, uint(op!.endsWith('addl') ? acc + a * b : acc - a * b, 64), 64);
      }
      break;
    }
    case 'condCompare': {
      if (conditionHolds(f.cond, s.nzcv)) {
        let b = e.name.endsWith('_i') ? BigInt(f.imm5) : X(f.rm);
        const sub = op === 'sub';
        if (sub) b = uint(~b, n);
        s.nzcv = addWithCarry(X(f.rn), b, sub ? 1 : 0, n)[1];
      } else s.nzcv = f.nzcv;
      break;
    }
    case 'condSelect': {
      let r: bigint;
      if (conditionHolds(f.cond, s.nzcv)) r = X(f.rn);
      else {
        r = X(f.rm);
        if (op === 'csinv' || op === 'csneg') r = uint(~r, n);
        if (op === 'csinc' || op === 'csneg') r = uint(r + 1n, n);
      }
      setX(f.rd, r);
      break;
    }
    case 'branchImm':
      if (op === 'link') s.x[30] = uint(s.pc + 4n, 64);
      take(s.pc + offset('imm26', 26));
      break;
    case 'branchCond':
      if (conditionHolds(f.cond, s.nzcv)) take(s.pc + offset('imm19', 19));
      break;
    case 'compareBranch': {
      const zero = X(f.rt) === 0n;
      if (zero === (op !== 'nz')) take(s.pc + offset('imm19', 19));
      break;
    }
    case 'testBranch': {
      const b = bit(X(f.rt, 64), (f.b5 << 5) | f.b40);
      if (b === (op === 'nz' ? 1 : 0)) take(s.pc + offset('imm14', 14));
      break;
    }
    case 'branchReg': {
      const target = X(f.rn, 64);
      if (op === 'link') s.x[30] = uint(s.pc + 4n, 64);
      take(target);
      break;
    }
    default:
      throw new Error(`reference model: no ${e.family} (${e.name})`);
  }
  if (!branched) s.pc = uint(s.pc + 4n, 64);
  return s;
}

// ---- Test values

/** Register values that integer instructions treat specially. */
export const EDGES: bigint[] = [
  0n, 1n, 2n, 31n, 32n, 33n, 63n, 64n, M64, M64 - 1n, 0x7fffffffn, 0x80000000n, 0x80000001n, 0xffffffffn, 0x100000000n,
  0x7fffffffffffffffn, 0x8000000000000000n, 0x8000000000000001n, 0xffffffff00000000n, 0xffffffff80000000n,
  0xffffffff7fffffffn, 0x00000000fffffffen, 0x8000000080000000n, 0x0123456789abcdefn, 0xfedcba9876543210n,
  0x001fffffffffffffn, 0x0020000000000000n, 0xffe0000000000000n, 0x0000000100000001n,
];

/** xorshift32 for test data (no Math.random: failures must reproduce). */
export function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>>= 0);
  };
}

/** A random state: register values drawn from EDGES or random, random SP and flags. */
export function randomState(rand: () => number, pc = 0x40000000n): State {
  const value = (): bigint => {
    const k = rand() % 4;
    if (k === 0) return EDGES[rand() % EDGES.length];
    if (k === 1) return BigInt(rand() % 130);
    if (k === 2) return BigInt(rand());
    return (BigInt(rand()) << 32n) | BigInt(rand());
  };
  return { x: Array.from({ length: 31 }, value), sp: value(), nzcv: rand() & 15, pc, tcr: 0n };
}

export const hex = (v: bigint): string => '0x' + v.toString(16);

/** Where two states differ, as text (empty when equal). */
export function diffStates(got: State, want: State): string {
  const out: string[] = [];
  for (let i = 0; i < 31; i++) if (got.x[i] !== want.x[i]) out.push(`x${i}: ${hex(got.x[i])} != ${hex(want.x[i])}`);
  if (got.sp !== want.sp) out.push(`sp: ${hex(got.sp)} != ${hex(want.sp)}`);
  if (got.nzcv !== want.nzcv) out.push(`nzcv: ${got.nzcv.toString(2)} != ${want.nzcv.toString(2)}`);
  if (got.pc !== want.pc) out.push(`pc: ${hex(got.pc)} != ${hex(want.pc)}`);
  return out.join(', ');
}

/**
 * Runs every word on every state in granule and in the reference model; returns the
 * mismatches (as text, at most `limit`).
 */
export function compareWithRef(words: number[], states: State[], limit = 10): string[] {
  const bad: string[] = [];
  for (const w of words) {
    for (const s of states) {
      const d = diffStates(runGranule(w, s), runRef(w, s));
      if (d && bad.length < limit) bad.push(`${w.toString(16).padStart(8, '0')} from ${JSON.stringify(s, (_, v) => (typeof v === 'bigint' ? hex(v) : v))}: ${d}`);
    }
  }
  return bad;
}

/** Random words of table row `name` (random fields, resampled until the row decodes). */
export function randomWords(name: string, count: number, rand: () => number, fixed: Fields = {}): number[] {
  const e = ENCODINGS.find((r) => r.name === name)!;
  const out: number[] = [];
  for (let tries = 0; out.length < count && tries < count * 200; tries++) {
    const f: Fields = {};
    for (const spec of e.fields) {
      const max = 2 ** spec.width;
      const k = rand() % 8;
      f[spec.name] = fixed[spec.name] ?? (k === 0 ? 0 : k === 1 ? max - 1 : k === 2 ? Math.min(31, max - 1) : rand() % max);
    }
    const w = tryEncode(name, f);
    if (w !== undefined) out.push(w);
  }
  return out;
}
