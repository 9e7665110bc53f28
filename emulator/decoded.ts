// Decoded instructions: what the run loop executes (DESIGN.md decision 3). Each word is decoded
// once into an Op record (one shape for every instruction, so property access stays
// monomorphic), with register 31 resolved to the SP, zero or sink slot and immediates computed
// by the family's decoder. Semantics live in emulator/exec/, one file per family.

import { decode, extractFields, UNDEFINED } from '../isa/decode.js';
import { ENCODINGS, type Encoding, type Family } from '../isa/encodings.js';
import type { Fields } from '../isa/operands.js';
import { SLOT_SINK, SLOT_SP, SLOT_ZR, type Cpu } from './cpu.js';
import { executeUndefined } from './exceptions.js';

/**
 * Executes one instruction. Returns NEXT (0) to fall through to the next instruction, or
 * BRANCHED (1) when it has set cpu.pcLo/pcHi itself (branches, exception entry, ERET).
 * Synchronous exceptions are thrown (see exceptions.ts) and leave the PC at the instruction.
 */
export type ExecFn = (cpu: Cpu, op: Op) => number;
export const NEXT = 0;
export const BRANCHED = 1;

export class Op {
  exec: ExecFn = executeUndefined;
  /** Register slots as indices into cpu.x (already doubled: slot n -> 2n). */
  rd = 0;
  rn = 0;
  rm = 0;
  ra = 0;
  /** Primary immediate: low half of a 64-bit value, or a signed offset. */
  imm = 0;
  /** High half of a 64-bit immediate. */
  immHi = 0;
  /** Secondary immediate (shift amount, lsb, nzcv, condition...). */
  imm2 = 0;
  /** Family-specific static bits (see each exec file). */
  flags = 0;
  /** The instruction word and its table row. */
  word = 0;
  row = UNDEFINED;
}

/** A family's decoder: fills `op` from the row's fields. Must not throw. */
export type FamilyDecoder = (op: Op, f: Fields, e: Encoding) => void;

const DECODERS = new Map<Family, FamilyDecoder>();

/** Each exec/ file registers the decoders of the families it implements. */
export function registerFamilies(decoders: Partial<Record<Family, FamilyDecoder>>): void {
  for (const [family, d] of Object.entries(decoders) as [Family, FamilyDecoder][]) DECODERS.set(family, d);
}

/** Slot index (doubled) for register field `n` where 31 means SP. */
export const regSp = (n: number): number => 2 * n;
/** Slot index (doubled) for a source register where 31 reads as zero. */
export const regZr = (n: number): number => 2 * (n === 31 ? SLOT_ZR : n);
/** Slot index (doubled) for a destination register where 31 discards the result. */
export const regZrDest = (n: number): number => 2 * (n === 31 ? SLOT_SINK : n);
export const SP_INDEX = 2 * SLOT_SP;

/** Decodes `word` into `op` (reusing the object). Unknown words execute as UNDEFINED. */
export function decodeOp(word: number, op: Op = new Op()): Op {
  op.word = word >>> 0;
  op.rd = op.rn = op.rm = op.ra = 0;
  op.imm = op.immHi = op.imm2 = op.flags = 0;
  const index = decode(word >>> 0);
  op.row = index;
  op.exec = executeUndefined;
  if (index === UNDEFINED) return op;
  const e = ENCODINGS[index];
  const d = e.supported ? DECODERS.get(e.family) : undefined;
  if (d) d(op, extractFields(e, word >>> 0), e);
  return op;
}
