// What the cycle model needs to know about one encoded instruction, from the encoding table
// alone: its scheduling class (sched.ts), the registers it reads and writes (for the
// scoreboard), and what kind of control flow or memory operation it is. Computed once per
// decoded instruction (the timed run loop caches the result per decoded page).

import { ENCODINGS, type Encoding } from '../../isa/encodings.js';
import { extractFields, UNDEFINED } from '../../isa/decode.js';
import type { SchedClass } from './sched.js';

/** Scoreboard register numbers: X0-X30, SP, the NZCV flags, and "none" (always ready). */
export const REG_SP = 31;
export const REG_NZCV = 32;
export const REG_NONE = 33;
export const REG_COUNT = 34;
/** Where destinations that are not registers write their ready time (never read). */
export const REG_SINK = 34;
/** Size of a ready-time array: the registers, NONE (always 0) and the sink. */
export const REG_SLOTS = 35;

/** How a destination's latency is chosen from the class entry. */
export const enum DstKind {
  /** The main result (latency). */
  Data = 0,
  /** The second register of a pair load (latency2). */
  Data2 = 1,
  /** A pre/post-index base writeback (writeback latency). */
  Writeback = 2,
}

/** Control-flow kind (TimingDesc.branch). */
export const enum BranchKind {
  None = 0,
  /** B.cond, CBZ/CBNZ, TBZ/TBNZ: direction predicted. */
  Cond = 1,
  /** B: always taken, target from the BTB. */
  Direct = 2,
  /** BL: a call (pushes the return stack). */
  Call = 3,
  /** BR: target predicted by the BTB. */
  Indirect = 4,
  /** BLR: an indirect call. */
  IndirectCall = 5,
  /** RET: target predicted by the return stack. */
  Return = 6,
  /** ERET: exception return (a serializing redirect). */
  Eret = 7,
  /** SVC/HVC/SMC/BRK/HLT/UDF: may enter an exception. */
  Exception = 8,
}

/** Memory/system behaviour bits (TimingDesc.flags). */
export const F_LOAD = 1;
export const F_STORE = 2;
/** Waits for everything older to complete (DSB, ISB, system register writes that synchronize). */
export const F_SERIALIZE = 4;
/** A tag store or DC G(Z)VA. */
export const F_TAG = 8;

export interface Classified {
  cls: SchedClass;
  srcs: number[];
  /** Index of the source that is a multiply-accumulate's accumulator (for accAdvance), or -1. */
  accSrc: number;
  dsts: { reg: number; kind: DstKind }[];
  branch: BranchKind;
  flags: number;
  /** Mnemonic, for reports. */
  mnemonic: string;
}

/** Register number of a field where 31 means SP. */
const sp = (n: number): number => n;
/** Register number of a field where 31 means the zero register (no dependency). */
const zr = (n: number): number => (n === 31 ? REG_NONE : n);

/** Classifies the instruction `word` (any word; unallocated ones are timed as system ops). */
export function classify(word: number, row: number): Classified {
  const out: Classified = { cls: 'system', srcs: [], accSrc: -1, dsts: [], branch: BranchKind.None, flags: 0, mnemonic: 'udf' };
  if (row === UNDEFINED) {
    out.branch = BranchKind.Exception;
    return out;
  }
  const e = ENCODINGS[row];
  out.mnemonic = e.mnemonic;
  if (!e.supported) {
    out.branch = BranchKind.Exception;
    return out;
  }
  const f = extractFields(e, word >>> 0);
  const a = e.attrs;
  const src = (...regs: number[]): void => {
    for (const r of regs) if (r !== REG_NONE && !out.srcs.includes(r)) out.srcs.push(r);
  };
  const dst = (reg: number, kind: DstKind = DstKind.Data): void => {
    if (reg !== REG_NONE) out.dsts.push({ reg, kind });
  };
  const flagsOut = (): void => dst(REG_NZCV);
  const wb = a.mode === 'pre' || a.mode === 'post';
  switch (e.family) {
    case 'adr':
      out.cls = 'alu';
      dst(zr(f.rd));
      break;
    case 'addSubImm':
      out.cls = 'alu';
      src(sp(f.rn));
      dst(a.setFlags ? zr(f.rd) : sp(f.rd));
      if (a.setFlags) flagsOut();
      break;
    case 'addSubTag':
      out.cls = 'addg';
      src(sp(f.rn));
      dst(sp(f.rd));
      break;
    case 'logicalImm':
      out.cls = 'alu';
      src(zr(f.rn));
      dst(a.setFlags ? zr(f.rd) : sp(f.rd));
      if (a.setFlags) flagsOut();
      break;
    case 'moveWide':
      out.cls = 'alu';
      if (a.op === 'movk') src(zr(f.rd));
      dst(zr(f.rd));
      break;
    case 'bitfield':
      out.cls = a.op === 'bfm' ? 'bfm' : 'bitfield';
      src(zr(f.rn));
      if (a.op === 'bfm') src(zr(f.rd));
      dst(zr(f.rd));
      break;
    case 'extract':
      out.cls = 'extr';
      src(zr(f.rn), zr(f.rm));
      dst(zr(f.rd));
      break;
    case 'addSubShifted':
      // LSL #1-4 is cheap on N2 (IsCheapLSL); on A510 any nonzero shift is WriteISReg.
      out.cls = f.imm6 === 0 ? 'alu' : f.shift === 0 && f.imm6 <= 4 ? 'aluShiftCheap' : 'aluShift';
      src(zr(f.rn), zr(f.rm));
      dst(zr(f.rd));
      if (a.setFlags) flagsOut();
      break;
    case 'logicalShifted':
      out.cls = f.imm6 === 0 ? 'alu' : a.setFlags ? 'logicShiftFlags' : 'logicShift';
      src(zr(f.rn), zr(f.rm));
      dst(zr(f.rd));
      if (a.setFlags) flagsOut();
      break;
    case 'addSubExtended':
      out.cls = 'aluExt';
      src(sp(f.rn), zr(f.rm));
      dst(a.setFlags ? zr(f.rd) : sp(f.rd));
      if (a.setFlags) flagsOut();
      break;
    case 'addSubCarry':
      out.cls = 'alu';
      src(zr(f.rn), zr(f.rm), REG_NZCV);
      dst(zr(f.rd));
      if (a.setFlags) flagsOut();
      break;
    case 'condCompare':
      out.cls = 'alu';
      src(zr(f.rn), REG_NZCV);
      if (f.rm !== undefined) src(zr(f.rm));
      flagsOut();
      break;
    case 'condSelect':
      out.cls = 'alu';
      src(zr(f.rn), zr(f.rm), REG_NZCV);
      dst(zr(f.rd));
      break;
    case 'dataProc1':
      out.cls = a.op === 'rbit' ? 'rbit' : 'alu';
      src(zr(f.rn));
      dst(zr(f.rd));
      break;
    case 'dataProc2':
      out.cls = a.op === 'udiv' || a.op === 'sdiv' ? (f.sf ? 'divX' : 'divW') : 'shiftVar';
      src(zr(f.rn), zr(f.rm));
      dst(zr(f.rd));
      break;
    case 'dataProc3':
      if (a.op === 'smulh' || a.op === 'umulh') out.cls = 'mulHigh';
      else if (a.op === 'madd' || a.op === 'msub') out.cls = f.sf ? 'mulX' : 'mulW';
      else out.cls = 'mulLong';
      src(zr(f.rn), zr(f.rm));
      if (f.ra !== undefined && f.ra !== 31) {
        out.accSrc = out.srcs.length;
        out.srcs.push(f.ra);
      }
      dst(zr(f.rd));
      break;
    case 'irg':
      out.cls = 'irg';
      src(sp(f.rn), zr(f.rm));
      dst(sp(f.rd));
      break;
    case 'gmi':
      out.cls = 'gmi';
      src(sp(f.rn), zr(f.rm));
      dst(zr(f.rd));
      break;
    case 'subp':
      out.cls = 'subp';
      src(sp(f.rn), sp(f.rm));
      dst(zr(f.rd));
      if (a.setFlags) flagsOut();
      break;
    case 'flagm':
      out.cls = 'flagm';
      if (f.rn !== undefined) src(zr(f.rn));
      if (a.op !== 'setf8' && a.op !== 'setf16') src(REG_NZCV);
      flagsOut();
      break;
    case 'branchImm':
      out.cls = a.op === 'link' ? 'branchLink' : 'branch';
      out.branch = a.op === 'link' ? BranchKind.Call : BranchKind.Direct;
      if (a.op === 'link') dst(30);
      break;
    case 'branchCond':
      out.cls = 'branch';
      out.branch = BranchKind.Cond;
      src(REG_NZCV);
      break;
    case 'compareBranch':
    case 'testBranch':
      out.cls = 'branch';
      out.branch = BranchKind.Cond;
      src(zr(f.rt));
      break;
    case 'branchReg':
      src(zr(f.rn));
      if (a.op === 'link') {
        out.cls = 'branchRegLink';
        out.branch = BranchKind.IndirectCall;
        dst(30);
      } else {
        out.cls = 'branchReg';
        out.branch = a.op === 'ret' ? BranchKind.Return : BranchKind.Indirect;
      }
      break;
    case 'eret':
      out.cls = 'eret';
      out.branch = BranchKind.Eret;
      out.flags |= F_SERIALIZE;
      break;
    case 'exception':
    case 'udf':
      out.cls = 'system';
      out.branch = BranchKind.Exception;
      break;
    case 'hint':
    case 'msrImm':
      out.cls = 'system';
      break;
    case 'clrex':
      out.cls = 'barrier';
      break;
    case 'barrier':
      out.cls = 'barrier';
      if (a.op === 'dsb' || a.op === 'isb' || a.op === 'sb') out.flags |= F_SERIALIZE;
      break;
    case 'sys': {
      // DC ZVA (op2 1), DC GVA (3), DC GZVA (4): op1 3, CRn 7, CRm 4.
      const dcz = f.op1 === 3 && f.CRn === 7 && f.CRm === 4 && (f.op2 === 1 || f.op2 === 3 || f.op2 === 4);
      out.cls = dcz ? 'dcz' : 'system';
      if (dcz) out.flags |= F_STORE | (f.op2 === 1 ? 0 : F_TAG);
      // TLB and instruction-cache maintenance synchronize with the translation/fetch state.
      else if (f.CRn === 8 || (f.CRn === 7 && f.CRm === 5)) out.flags |= F_SERIALIZE;
      src(zr(f.rt));
      break;
    }
    case 'sysl':
    case 'mrs':
      out.cls = 'system';
      dst(zr(f.rt));
      break;
    case 'msrReg':
      out.cls = 'system';
      src(zr(f.rt));
      out.flags |= F_SERIALIZE;
      break;
    case 'loadStore':
      memoryAccess(out, e, f, wb);
      break;
    case 'loadLiteral':
      out.cls = 'load';
      out.flags |= F_LOAD;
      dst(zr(f.rt));
      break;
    case 'prefetch':
      out.cls = 'prefetch';
      if (f.rn !== undefined) src(sp(f.rn));
      if (f.rm !== undefined) src(zr(f.rm));
      break;
    case 'loadStorePair':
      src(sp(f.rn));
      if (a.load) {
        out.flags |= F_LOAD;
        const nt = /^LDNP/.test(e.name);
        if (a.signed) out.cls = wb ? 'loadPairSWWB' : 'loadPairSW';
        else if (nt) out.cls = 'loadPairNT';
        else if (a.size === 2) out.cls = wb ? 'loadPairWWB' : 'loadPairW';
        else out.cls = wb ? 'loadPairWB' : 'loadPair';
        dst(zr(f.rt));
        dst(zr(f.rt2), DstKind.Data2);
      } else {
        out.flags |= F_STORE;
        out.cls = wb ? 'storePairWB' : 'storePair';
        src(zr(f.rt), zr(f.rt2));
      }
      if (wb) dst(sp(f.rn), DstKind.Writeback);
      break;
    case 'exclusive':
    case 'exclusivePair':
      src(sp(f.rn));
      if (a.load) {
        out.flags |= F_LOAD;
        out.cls = a.pair ? 'loadExclPair' : 'loadExcl';
        dst(zr(f.rt));
        if (a.pair) dst(zr(f.rt2), DstKind.Data2);
      } else {
        out.flags |= F_STORE;
        out.cls = 'storeExcl';
        src(zr(f.rt));
        if (a.pair) src(zr(f.rt2));
        dst(zr(f.rs));
      }
      break;
    case 'acquireRelease':
      memoryAccess(out, e, f, false);
      break;
    case 'compareSwap':
    case 'compareSwapPair':
      out.cls = 'atomic';
      out.flags |= F_LOAD | F_STORE;
      src(sp(f.rn), zr(f.rs), zr(f.rt));
      if (a.pair) src(zr(f.rs + 1), zr(f.rt + 1));
      dst(zr(f.rs));
      if (a.pair) dst(zr(f.rs + 1), DstKind.Data2);
      break;
    case 'atomic':
    case 'swap':
      out.cls = 'atomic';
      out.flags |= F_LOAD | F_STORE;
      src(sp(f.rn), zr(f.rs));
      dst(zr(f.rt));
      break;
    case 'ldg':
      out.cls = 'ldg';
      out.flags |= F_LOAD;
      src(sp(f.rn), zr(f.rt));
      dst(zr(f.rt));
      break;
    case 'ldgm':
      out.cls = 'ldg';
      out.flags |= F_LOAD;
      src(sp(f.rn));
      dst(zr(f.rt));
      break;
    case 'stg':
      out.cls = wb ? 'stgWB' : 'stg';
      out.flags |= F_STORE | F_TAG;
      src(sp(f.rn), sp(f.rt));
      if (wb) dst(sp(f.rn), DstKind.Writeback);
      break;
    case 'stgp':
      out.cls = wb ? 'stgWB' : 'stg';
      out.flags |= F_STORE | F_TAG;
      src(sp(f.rn), zr(f.rt), zr(f.rt2));
      if (wb) dst(sp(f.rn), DstKind.Writeback);
      break;
    case 'stgm':
    case 'stzgm':
      out.cls = 'stg';
      out.flags |= F_STORE | F_TAG;
      src(sp(f.rn), zr(f.rt));
      break;
  }
  return out;
}

/** Single-register loads and stores (immediate, register offset, unprivileged, ordered). */
function memoryAccess(out: Classified, e: Encoding, f: Record<string, number>, wb: boolean): void {
  const a = e.attrs;
  const reg = a.mode === 'reg';
  out.srcs.push(f.rn);
  if (reg && f.rm !== 31) out.srcs.push(f.rm);
  if (a.load) {
    out.flags |= F_LOAD;
    out.cls = wb ? 'loadWB' : reg ? 'loadReg' : 'load';
    if (f.rt !== 31) out.dsts.push({ reg: f.rt, kind: DstKind.Data });
  } else {
    out.flags |= F_STORE;
    out.cls = wb ? 'storeWB' : reg ? 'storeReg' : 'store';
    if (f.rt !== 31 && !out.srcs.includes(f.rt)) out.srcs.push(f.rt);
  }
  if (wb) out.dsts.push({ reg: f.rn, kind: DstKind.Writeback });
}
