// Per-instruction-class scheduling data for each CPU profile: µops, latencies and the pipeline
// resources an instruction holds, written from LLVM 19's scheduling models and checked against
// `llvm-mca-19 -mcpu=cortex-a510|neoverse-n2` (its "Instruction Info" and "Resource pressure by
// instruction" views; the golden data in test/golden/timing/ records what it reports).
//
// A class is granule's own grouping of encodings with one timing (classify.ts maps each
// encoding to a class). An entry's `units` names the pipelines it occupies: "A+B" is one µop on
// each, "A*n" holds one unit of A for n cycles (LLVM's ReleaseAtCycles). Pipe names are the
// profile's (PIPES below): a name with several units means "any one of them".

import type { CpuName } from './config.js';

export interface SchedEntry {
  /** Cycles until the main result (first destination register, flags) can be used. */
  latency: number;
  /** Micro-operations: issue/dispatch slots and (out-of-order) window entries. */
  uops: number;
  /** Pipelines held, "P", "P*n" or "P+Q+..."; "" for none. */
  units: string;
  /** Latency of the second destination of a pair load (LDP's Rt2, WriteLDHi). */
  latency2: number;
  /** Latency of the base register written back by pre/post-indexed forms (WriteAdr). */
  writeback: number;
  /** Cycles the accumulator of a multiply-accumulate may arrive late (LLVM ReadAdvance ReadIMA). */
  accAdvance: number;
  /** May complete out of program order (LLVM RetireOOO: the in-order write-back rule skips it). */
  retireOOO: boolean;
  /** Issues alone in its cycle (LLVM SingleIssue: BeginGroup and EndGroup). */
  singleIssue: boolean;
}

export type SchedTable = Record<SchedClass, SchedEntry>;

/**
 * The classes. Names say what the instructions are; classify.ts has the mapping and the
 * profiles below say what each costs.
 */
export const SCHED_CLASSES = [
  'alu', 'aluShiftCheap', 'aluShift', 'logicShift', 'logicShiftFlags', 'aluExt', 'bitfield', 'bfm', 'extr',
  'shiftVar', 'rbit', 'mulW', 'mulX', 'mulLong', 'mulHigh', 'divW', 'divX',
  'branch', 'branchLink', 'branchReg', 'branchRegLink', 'eret',
  'load', 'loadWB', 'loadReg', 'loadPair', 'loadPairW', 'loadPairWB', 'loadPairWWB', 'loadPairSW', 'loadPairSWWB', 'loadPairNT',
  'store', 'storeWB', 'storeReg', 'storePair', 'storePairWB',
  'loadExcl', 'loadExclPair', 'storeExcl', 'atomic', 'prefetch',
  'barrier', 'system', 'flagm',
  'irg', 'gmi', 'addg', 'subp', 'ldg', 'stg', 'stgWB', 'dcz',
] as const;
export type SchedClass = (typeof SCHED_CLASSES)[number];

/**
 * Physical pipelines of each profile, in LLVM's resource index order (llvm-mca lists them so),
 * and the names an entry may use: a group of several units means any one of them.
 */
export const PIPES: Record<CpuName, { units: string[]; groups: Record<string, string[]> }> = {
  // AArch64SchedA510.td: ALU0, ALU12 (2), MAC, Div (not pipelined), LdSt (load/store), Ld1
  // (load only), B, PAC; groups ALU = ALU0+ALU12, Ld = LdSt+Ld1.
  'cortex-a510': {
    units: ['ALU0', 'ALU1', 'ALU2', 'B', 'Div', 'Ld1', 'LdSt', 'MAC', 'PAC'],
    groups: {
      ALU: ['ALU0', 'ALU1', 'ALU2'], MAC: ['MAC'], Div: ['Div'], Ld: ['Ld1', 'LdSt'], LdSt: ['LdSt'], B: ['B'], PAC: ['PAC'],
    },
  },
  // AArch64SchedNeoverseN2.td: 13 issue ports, B (2), D (2, store data), L2 (load), L01 (2,
  // load/store), M0, M1, S (2), V0, V1; groups M = M0+M1, L = L01+L2, I = S+M0+M1.
  'neoverse-n2': {
    units: ['B0', 'B1', 'D0', 'D1', 'L2', 'L0', 'L1', 'M0', 'M1', 'S0', 'S1', 'V0', 'V1'],
    groups: {
      B: ['B0', 'B1'], D: ['D0', 'D1'], L01: ['L0', 'L1'], L: ['L0', 'L1', 'L2'], M0: ['M0'], M1: ['M1'], M: ['M0', 'M1'],
      S: ['S0', 'S1'], I: ['M0', 'M1', 'S0', 'S1'], V: ['V0', 'V1'],
    },
  },
};

function e(latency: number, uops: number, units: string, more: Partial<SchedEntry> = {}): SchedEntry {
  return { latency, uops, units, latency2: latency, writeback: 0, accAdvance: 0, retireOOO: false, singleIssue: false, ...more };
}

/**
 * Cortex-A510, from AArch64SchedA510.td (LLVM 19). Pre/post-index writeback is WriteAdr: latency
 * 0, no pipeline, one µop. Stores are RetireOOO. ReadIMA has ReadAdvance 2. The model has no
 * rows for IRG, GMI, SUBP(S), LDG(M), STG and friends, nor LSE atomics (WriteAtomic is
 * Unsupported): those use the N2 latencies on the A510's own pipes (perf-anchors.md §2.6:
 * "A510 uses these N2 values until better data exists"), loads and stores as A510 loads/stores.
 */
const A510: SchedTable = {
  alu: e(1, 1, 'ALU'), // WriteI, WriteImm
  aluShiftCheap: e(2, 1, 'ALU'), // WriteISReg (A510WriteISReg: any nonzero shift)
  aluShift: e(2, 1, 'ALU'), // WriteISReg
  logicShift: e(2, 1, 'ALU'), // WriteISReg
  logicShiftFlags: e(2, 1, 'ALU'), // WriteISReg
  aluExt: e(2, 1, 'ALU'), // WriteIEReg
  bitfield: e(2, 1, 'ALU'), // WriteIS
  bfm: e(2, 1, 'ALU'), // WriteIS
  extr: e(2, 1, 'ALU'), // WriteExtr
  shiftVar: e(2, 1, 'ALU'), // WriteIS
  rbit: e(2, 1, 'ALU'), // InstRW WriteIS for RBITWr/RBITXr
  mulW: e(3, 1, 'MAC', { accAdvance: 2 }), // WriteIM32, ReadIMA 2
  mulX: e(5, 1, 'MAC*2', { accAdvance: 2 }), // WriteIM64: Latency 5, ReleaseAtCycles 2
  mulLong: e(3, 1, 'MAC', { accAdvance: 2 }), // WriteIM32 (SMADDL/UMADDL/...)
  mulHigh: e(5, 1, 'MAC*2'), // WriteIM64
  divW: e(8, 1, 'Div*8'), // WriteID32: Latency 8, ReleaseAtCycles 8
  divX: e(16, 1, 'Div*16'), // WriteID64
  branch: e(1, 1, 'B'), // WriteBr
  branchLink: e(1, 1, 'B'),
  branchReg: e(1, 1, 'B'), // WriteBrReg
  branchRegLink: e(1, 1, 'B'),
  eret: e(1, 1, 'B'),
  load: e(2, 1, 'Ld'), // WriteLD
  loadWB: e(2, 2, 'Ld'), // WriteAdr + WriteLD
  loadReg: e(2, 1, 'Ld'), // WriteLDIdx
  loadPair: e(3, 2, 'Ld*2'), // CortexA510WriteVLD1 + CortexA510WriteLDP2 (LDPXi)
  loadPairW: e(3, 2, 'Ld*2', { singleIssue: true }), // CortexA510WriteVLD1SI + LDP1 ("LDPS?Wi")
  loadPairWB: e(3, 3, 'Ld*2'), // WriteAdr + VLD1 + LDP2
  loadPairWWB: e(3, 3, 'Ld*2', { singleIssue: true }),
  loadPairSW: e(3, 2, 'Ld*2', { singleIssue: true }),
  loadPairSWWB: e(3, 3, 'Ld*2', { singleIssue: true }),
  loadPairNT: e(2, 2, 'Ld*2'), // LDNP: WriteLD + WriteLDHi
  store: e(1, 1, 'LdSt', { retireOOO: true }), // WriteST (RetireOOO)
  storeWB: e(1, 2, 'LdSt', { retireOOO: true }), // WriteAdr + WriteST
  storeReg: e(1, 1, 'LdSt', { retireOOO: true }), // WriteSTIdx
  storePair: e(1, 1, 'LdSt', { retireOOO: true }), // WriteSTP
  storePairWB: e(1, 2, 'LdSt', { retireOOO: true }),
  loadExcl: e(2, 1, 'Ld'), // WriteLD
  loadExclPair: e(2, 2, 'Ld*2'),
  storeExcl: e(3, 2, 'LdSt+Ld'), // WriteSTX = WriteST, WriteLD
  atomic: e(6, 2, 'LdSt*2'), // assumption: no LLVM 19 row (load 2 + ALU + store, serialized on the LdSt pipe)
  prefetch: e(2, 1, 'Ld'),
  barrier: e(1, 1, 'B'), // WriteBarrier on B
  system: e(1, 1, 'B'), // WriteSys / WriteHint on B
  flagm: e(1, 1, 'B'),
  irg: e(2, 1, 'ALU'), // N2's IRG latency (assumption for A510)
  gmi: e(1, 1, 'ALU'), // N2's latency
  addg: e(1, 1, 'ALU'), // LLVM 19 A510 times ADDG/SUBG as WriteI
  subp: e(1, 1, 'ALU'), // N2's latency
  ldg: e(2, 1, 'Ld'), // a load (assumption: A510's load latency)
  stg: e(1, 1, 'LdSt', { retireOOO: true }), // a store (LLVM 19 A510: STGP is WriteSTP)
  stgWB: e(1, 2, 'LdSt', { retireOOO: true }),
  dcz: e(1, 1, 'B'), // DC is WriteSys
};

/**
 * Neoverse N2, from AArch64SchedNeoverseN2.td (LLVM 19): no ReadAdvance anywhere (all 0),
 * WriteAdr = N2Write_1cyc_1I, WriteLDHi latency 4 without a pipe, barriers/hints/system ops
 * latency 1 without a pipe. Every MTE instruction has a row there.
 */
const N2: SchedTable = {
  alu: e(1, 1, 'I'), // N2Write_1cyc_1I (WriteI, WriteImm)
  aluShiftCheap: e(1, 1, 'I'), // N2Write_Arith, IsCheapLSL (LSL #1-4)
  aluShift: e(2, 1, 'M'), // N2Write_Arith otherwise: N2Write_2cyc_1M
  logicShift: e(1, 1, 'I'), // (AND|BIC|EON|EOR|ORN|ORR)[WX]rs: N2Write_1cyc_1I
  logicShiftFlags: e(2, 1, 'M'), // N2Write_Logical with a shift: N2Write_2cyc_1M
  aluExt: e(2, 1, 'M'), // WriteIEReg: N2Write_2cyc_1M
  bitfield: e(1, 1, 'I'), // WriteIS: N2Write_1cyc_1I
  bfm: e(2, 1, 'M'), // BFM[WX]ri: N2Write_2cyc_1M
  extr: e(3, 2, 'I+M'), // EXTR: N2Write_3cyc_1I_1M
  shiftVar: e(1, 1, 'I'),
  rbit: e(1, 1, 'I'),
  mulW: e(2, 1, 'M'), // WriteIM32: [N2UnitM] latency 2
  mulX: e(2, 1, 'M'), // WriteIM64
  mulLong: e(2, 1, 'M'),
  mulHigh: e(3, 1, 'M'), // SMULHrr/UMULHrr: N2Write_3cyc_1M
  divW: e(12, 1, 'M0*12'), // N2Write_12cyc_1M0
  divX: e(20, 1, 'M0*20'), // N2Write_20cyc_1M0
  branch: e(1, 1, 'B'), // N2Write_1cyc_1B
  branchLink: e(1, 2, 'B+S'), // BL: N2Write_1cyc_1B_1S
  branchReg: e(1, 1, 'B'),
  branchRegLink: e(1, 2, 'B+S'), // BLR
  eret: e(1, 1, 'B'),
  load: e(4, 1, 'L'), // WriteLD: N2Write_4cyc_1L
  loadWB: e(4, 2, 'L+I', { writeback: 1 }), // WriteAdr (1I) + WriteLD
  loadReg: e(4, 2, 'I+L'), // WriteLDIdx: N2Write_4cyc_1I_1L
  loadPair: e(4, 2, 'L', { latency2: 4 }), // WriteLD + WriteLDHi (no pipe)
  loadPairW: e(4, 2, 'L', { latency2: 4 }),
  loadPairWB: e(4, 3, 'L+I', { latency2: 4, writeback: 1 }),
  loadPairWWB: e(4, 3, 'L+I', { latency2: 4, writeback: 1 }),
  loadPairSW: e(5, 2, 'M0*5', { latency2: 4 }), // LDPSWi: N2Write_5cyc_1M0, WriteLDHi
  loadPairSWWB: e(5, 3, 'M0*5+I', { latency2: 4, writeback: 1 }),
  loadPairNT: e(4, 2, 'L', { latency2: 4 }),
  store: e(1, 2, 'L01+D'), // WriteST: N2Write_1cyc_1L01_1D
  storeWB: e(1, 3, 'L01+D+I', { writeback: 1 }), // WriteAdr + WriteST
  storeReg: e(1, 3, 'L01+D+I'), // WriteSTIdx: N2Write_1cyc_1L01_1D_1I
  storePair: e(1, 2, 'L01+D'), // WriteSTP
  storePairWB: e(1, 3, 'L01+D+I', { writeback: 1 }),
  loadExcl: e(4, 1, 'L'),
  loadExclPair: e(4, 2, 'L'),
  storeExcl: e(5, 3, 'L01+D+L'), // WriteSTX = WriteST + WriteLD
  atomic: e(14, 2, 'L+S'), // assumption: no LLVM 19 row; later N2 models give CAS 14 cycles (L, S)
  prefetch: e(4, 1, 'L'),
  barrier: e(1, 1, ''), // WriteBarrier: latency 1, no pipe
  system: e(1, 1, ''), // WriteSys / WriteHint
  flagm: e(1, 1, ''),
  irg: e(2, 1, 'M'), // IRG: N2Write_2cyc_1M
  gmi: e(1, 1, 'I'), // GMI: N2Write_1cyc_1I
  addg: e(2, 1, 'M'), // ADDG/SUBG: N2Write_2cyc_1M
  subp: e(1, 1, 'I'), // SUBP/SUBPS: N2Write_1cyc_1I
  ldg: e(4, 1, 'L'), // LDG/LDGM: N2Write_4cyc_1L
  stg: e(1, 2, 'L01+D'), // STGi/ST2Gi/STZGi/STZ2Gi/STGPi/STGM/STZGM: N2Write_1cyc_1L01_1D
  stgWB: e(1, 3, 'L01+D+I', { writeback: 1 }), // pre/post forms: N2Write_1cyc_1L01_1D_1I
  dcz: e(1, 1, ''), // DC: WriteSys
};

export const SCHED: Readonly<Record<CpuName, SchedTable>> = { 'cortex-a510': A510, 'neoverse-n2': N2 };

/** One resource use of an entry: a group of units and the cycles one of them is held. */
export interface UnitUse {
  group: string;
  cycles: number;
}

/** Parses an entry's `units` ("L01+D+I", "M0*12"); throws on a name the profile lacks. */
export function parseUnits(units: string, cpu: CpuName): UnitUse[] {
  if (units.trim() === '') return [];
  const groups = PIPES[cpu].groups;
  return units.split('+').map((part) => {
    const m = /^\s*(\w+)\s*(?:\*\s*(\d+))?\s*$/.exec(part);
    if (!m || !groups[m[1]]) throw new Error(`unknown pipeline '${part.trim()}' for ${cpu} (pipelines: ${Object.keys(groups).join(', ')})`);
    return { group: m[1], cycles: m[2] === undefined ? 1 : Number(m[2]) };
  });
}
