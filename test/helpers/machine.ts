// Test fixtures: a bare machine with code at the start of RAM, with the MMU off (flat, Device
// data accesses) or on (identity map of RAM as Normal memory, tagged or not).

import { Machine } from '../../emulator/machine.js';

export const RAM_BASE = 0x40000000n;
export const CODE_BASE = RAM_BASE;
/** Where fixtures put their page tables (the top 64 KiB of a 16 MiB RAM). */
const TABLES = RAM_BASE + 0xff0000n;

export interface FixtureOptions {
  /** Identity-map RAM with the MMU on. */
  mmu?: boolean;
  /** MAIR attribute for RAM when the MMU is on: 0xF0 Tagged Normal (default) or 0xFF Normal. */
  attr?: number;
  ramSize?: number;
  /**
   * Map RAM as EL0-accessible (AP = 01). EL1 can then not execute from it (EL0-writable
   * memory is never privileged-executable), so use this for code that runs at EL0.
   */
  el0?: boolean;
  /**
   * Also map RAM a second time at VA = PA + EL0_ALIAS (0x80000000..., one 1 GiB block) as EL0
   * read/write/execute, while the identity map stays EL1-only: EL0 code runs from the alias and
   * EL1 code (vectors) from the identity map.
   */
  el0Alias?: boolean;
}

/** Offset of the EL0-accessible alias of RAM made by `el0Alias`. */
export const EL0_ALIAS = 0x40000000n;

/**
 * A machine with RAM at 0x40000000, `words` placed at the start of RAM and the PC there, at
 * EL1 with SP_EL1 near the top of RAM. With `mmu`, RAM is identity-mapped by level-2 blocks
 * (T0SZ = 25, so the walk starts at level 1) with TBI0 on, SCTLR_EL1.M/C/I set.
 */
export function bareMachine(words: number[], o: FixtureOptions = {}): Machine {
  const ramSize = o.ramSize ?? 16 * 1024 * 1024;
  const m = new Machine({ ramSize });
  words.forEach((w, i) => {
    m.mem.u32[i] = w >>> 0;
  });
  m.cpu.pc = CODE_BASE;
  m.cpu.writeSp(RAM_BASE + BigInt(ramSize) - 0x20000n);
  if (o.mmu) identityMap(m, ramSize, o.attr ?? 0xf0, o.el0 ?? false);
  if (o.mmu && o.el0Alias) {
    // L1[2]: a 1 GiB block at PA RAM_BASE, AttrIndx 0, AP = 01 (EL0 read/write), AF, inner shareable.
    write64(m, TABLES + 16n, RAM_BASE | (1n << 10n) | (3n << 8n) | (1n << 6n) | 1n);
  }
  return m;
}

function write64(m: Machine, pa: bigint, v: bigint): void {
  m.mem.view.setBigUint64(Number(pa - RAM_BASE), v, true);
}

function identityMap(m: Machine, ramSize: number, attr: number, el0: boolean): void {
  const l1 = TABLES;
  const l2 = TABLES + 0x1000n;
  // L1[1] covers 0x40000000..0x7fffffff: a table of 2 MiB blocks.
  write64(m, l1 + 8n, l2 | 3n);
  for (let i = 0n; i < BigInt(ramSize >> 21); i++) {
    // Block: AttrIndx 0, AP = 00 (EL1 read/write) or 01 (EL0 too), AF, inner shareable.
    write64(m, l2 + i * 8n, (RAM_BASE + (i << 21n)) | (1n << 10n) | (3n << 8n) | (el0 ? 1n << 6n : 0n) | 1n);
  }
  const s = m.cpu.sys;
  s.mair = BigInt(attr);
  s.tcr = 25n | (1n << 37n) | (5n << 32n) | (1n << 23n); // T0SZ 25, TBI0, IPS 48-bit, EPD1
  s.ttbr0 = l1;
  s.sctlr |= 1n | (1n << 2n) | (1n << 12n);
  m.cpu.hooks.translationChanged('sctlr');
}

/** Runs until the PC reaches the word after the program (or `max` instructions). */
export function runTo(m: Machine, words: number, max = 100_000): void {
  m.run(max, CODE_BASE + BigInt(words * 4));
}

/** Encoders for the A64 words tests write by hand (fields as in the Arm ARM). */
export const a64 = {
  nop: 0xd503201f,
  eret: 0xd69f03e0,
  isb: 0xd5033fdf,
  /** MRS Xt, S<op0>_<op1>_C<n>_C<m>_<op2>. */
  mrs: (rt: number, op0: number, op1: number, crn: number, crm: number, op2: number): number =>
    (0xd5300000 | ((op0 - 2) << 19) | (op1 << 16) | (crn << 12) | (crm << 8) | (op2 << 5) | rt) >>> 0,
  /** MSR S<op0>_<op1>_C<n>_C<m>_<op2>, Xt. */
  msr: (op0: number, op1: number, crn: number, crm: number, op2: number, rt: number): number =>
    (0xd5100000 | ((op0 - 2) << 19) | (op1 << 16) | (crn << 12) | (crm << 8) | (op2 << 5) | rt) >>> 0,
  /** MSR <pstatefield>, #CRm. */
  msrImm: (op1: number, op2: number, crm: number): number => (0xd500401f | (op1 << 16) | (crm << 8) | (op2 << 5)) >>> 0,
  /** SYS #op1, C<n>, C<m>, #op2, Xt (DC, IC, AT, TLBI). */
  sys: (op1: number, crn: number, crm: number, op2: number, rt: number): number =>
    (0xd5080000 | (op1 << 16) | (crn << 12) | (crm << 8) | (op2 << 5) | rt) >>> 0,
  svc: (imm: number): number => (0xd4000001 | (imm << 5)) >>> 0,
  hvc: (imm: number): number => (0xd4000002 | (imm << 5)) >>> 0,
  smc: (imm: number): number => (0xd4000003 | (imm << 5)) >>> 0,
  brk: (imm: number): number => (0xd4200000 | (imm << 5)) >>> 0,
  hlt: (imm: number): number => (0xd4400000 | (imm << 5)) >>> 0,
  /** MOVZ Xd, #imm16, LSL #(16 * hw). */
  movz: (rd: number, imm16: number, hw = 0): number => (0xd2800000 | (hw << 21) | (imm16 << 5) | rd) >>> 0,
  /** LDR Xt, [Xn]. */
  ldr: (rt: number, rn: number): number => (0xf9400000 | (rn << 5) | rt) >>> 0,
  /** STR Xt, [Xn]. */
  str: (rt: number, rn: number): number => (0xf9000000 | (rn << 5) | rt) >>> 0,
  /** ADD Xd, Xn, #imm12. */
  addImm: (rd: number, rn: number, imm12: number): number => (0x91000000 | (imm12 << 10) | (rn << 5) | rd) >>> 0,
  /** B to a word offset. */
  b: (words: number): number => (0x14000000 | (words & 0x3ffffff)) >>> 0,
};

// ---- Exceptions: a machine whose vectors stop the run, and what an exception left behind.

/** VBAR_EL1 of vectoredMachine(). */
export const VBAR = RAM_BASE + 0x10000n;

/** How a run ended: the run loop's reason, the vector offset taken (if any) and the syndrome registers. */
export interface Outcome {
  reason: string;
  vector: number | undefined;
  esr: number;
  elr: bigint;
  far: bigint;
  spsr: number;
}

/** bareMachine() with VBAR_EL1 = VBAR. */
export function vectoredMachine(o: FixtureOptions = {}): Machine {
  const m = bareMachine([], o);
  m.cpu.sys.vbar = VBAR;
  return m;
}

/** Writes instruction words at physical `pa` (the caller decides whether to drop decoded code). */
export function putWords(m: Machine, pa: bigint, words: number[]): void {
  const base = Number(pa - RAM_BASE) / 4;
  words.forEach((w, i) => {
    m.mem.u32[base + i] = w >>> 0;
  });
}

/** Runs from `pc` (PSTATE as the test set it) until the code at `end` or any exception vector. */
export function runToVector(m: Machine, pc: bigint, end: bigint): Outcome {
  let vector: number | undefined;
  for (let off = 0; off < 0x800; off += 0x80) {
    m.setVectorHandler(VBAR + BigInt(off), (mm) => {
      vector = off;
      mm.haltReason = 'stop';
    });
  }
  m.cpu.pc = pc;
  m.cpu.hooks.memoryStateChanged();
  const r = m.run(10_000, end);
  const s = m.cpu.sys;
  return { reason: r.reason, vector, esr: Number(s.esr), elr: s.elr, far: s.far, spsr: Number(s.spsr) };
}
