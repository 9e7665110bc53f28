// Synchronous exceptions and ERET (mte-arch.md §5; ASL AArch64.TakeException,
// AArch64.ExceptionReturn). Everything is taken to EL1; there is no EL2/EL3.
// Instructions raise by throwing an ArchException; the run loop catches it and calls
// takeException, so a faulting instruction has no architectural effect.

import type { Cpu } from './cpu.js';
import type { Op } from './decoded.js';

/** Exception classes (ESR_ELx.EC) granule raises. */
export const EC = {
  UNKNOWN: 0x00,
  WFX: 0x01,
  FP_ACCESS: 0x07,
  ILLEGAL_STATE: 0x0e,
  SVC: 0x15,
  HVC: 0x16,
  SMC: 0x17,
  SYS_TRAP: 0x18,
  INSN_ABORT_LOWER: 0x20,
  INSN_ABORT_SAME: 0x21,
  PC_ALIGN: 0x22,
  DATA_ABORT_LOWER: 0x24,
  DATA_ABORT_SAME: 0x25,
  SP_ALIGN: 0x26,
  SERROR: 0x2f,
  BRK: 0x3c,
} as const;

/** Fault status codes (DFSC/IFSC) without the level. */
export const FSC = {
  ADDRESS_SIZE: 0x00,
  TRANSLATION: 0x04,
  ACCESS_FLAG: 0x08,
  PERMISSION: 0x0c,
  SYNC_EXTERNAL: 0x10,
  TAG_CHECK: 0x11,
  ALIGNMENT: 0x21,
} as const;

/** Vector offsets by exception type (added to the "taken from" base). */
export const VECTOR = { SYNC: 0x000, IRQ: 0x080, FIQ: 0x100, SERROR: 0x180 } as const;

/**
 * A synchronous exception in flight. `iss` excludes IL (always 1 for A64 instructions);
 * `far` is set for aborts and PC alignment faults.
 */
export class ArchException {
  constructor(
    readonly ec: number,
    readonly iss: number,
    readonly farLo = 0,
    readonly farHi = 0,
    readonly hasFar = false,
  ) {}
  get esr(): number {
    return ((this.ec << 26) | (1 << 25) | (this.iss & 0x1ffffff)) >>> 0;
  }
}

export function undefinedInstruction(): ArchException {
  return new ArchException(EC.UNKNOWN, 0);
}

/** Run-loop entry for words that decode as UNDEFINED or unsupported. */
export function executeUndefined(_cpu: Cpu, _op: Op): number {
  throw undefinedInstruction();
}

/** ISS of a trapped MSR/MRS/SYS (EC 0x18). `read` is MRS/SYSL. */
export function sysTrapIss(op0: number, op1: number, crn: number, crm: number, op2: number, rt: number, read: boolean): number {
  return (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) | (rt << 5) | (crm << 1) | (read ? 1 : 0);
}

/** A Data Abort (EC 0x24 from EL0, 0x25 from EL1) with its fault address. */
export function dataAbort(cpu: Cpu, fsc: number, wnr: boolean, farLo: number, farHi: number, cm = false): ArchException {
  const ec = cpu.el === 0 ? EC.DATA_ABORT_LOWER : EC.DATA_ABORT_SAME;
  return new ArchException(ec, (cm ? 1 << 8 : 0) | (wnr ? 1 << 6 : 0) | fsc, farLo, farHi, true);
}

/** An Instruction Abort (EC 0x20 / 0x21) for a fetch at the given address. */
export function instructionAbort(cpu: Cpu, fsc: number, farLo: number, farHi: number): ArchException {
  return new ArchException(cpu.el === 0 ? EC.INSN_ABORT_LOWER : EC.INSN_ABORT_SAME, fsc, farLo, farHi, true);
}

/** Where the vector for an exception taken to EL1 lives, relative to VBAR_EL1. */
export function vectorBase(cpu: Cpu): number {
  if (cpu.el === 0) return 0x400;
  return cpu.spsel ? 0x200 : 0x000;
}

const SCTLR_SPAN = 1n << 23n;
const SCTLR_DSSBS = 1n << 44n;

/**
 * Exception entry to EL1 (ASL AArch64.TakeException; mte-arch.md §5.2): SPSR_EL1 from PSTATE,
 * ELR_EL1 = the preferred return address, ESR_EL1 (and FAR_EL1 for aborts), then PSTATE for
 * EL1 with SP_EL1, DAIF masked, TCO set, PAN per SCTLR_EL1.SPAN, and PC = VBAR_EL1 + offset.
 */
export function enterException(cpu: Cpu, typeOffset: number, esr: number | undefined, retLo: number, retHi: number, farLo?: number, farHi?: number): void {
  const s = cpu.sys;
  const base = vectorBase(cpu);
  s.spsr = BigInt(cpu.packPstate());
  s.elr = (BigInt(retHi >>> 0) << 32n) | BigInt(retLo >>> 0);
  if (esr !== undefined) s.esr = BigInt(esr >>> 0);
  if (farLo !== undefined) s.far = (BigInt((farHi ?? 0) >>> 0) << 32n) | BigInt(farLo >>> 0);
  cpu.selectStack(1, 1);
  cpu.daif = 0xf;
  if ((s.sctlr & SCTLR_SPAN) === 0n) cpu.pan = 1;
  cpu.uao = 0;
  cpu.btype = 0;
  cpu.ss = 0;
  cpu.il = 0;
  cpu.ssbs = (s.sctlr & SCTLR_DSSBS) !== 0n ? 1 : 0;
  cpu.tco = 1;
  const target = (s.vbar & ~0x7ffn) + BigInt(base + typeOffset);
  cpu.pcLo = Number(target & 0xffffffffn);
  cpu.pcHi = Number((target >> 32n) & 0xffffffffn);
  cpu.hooks.memoryStateChanged();
}

/** Takes a synchronous exception raised by the instruction at the current PC. */
export function takeSyncException(cpu: Cpu, e: ArchException): void {
  // SVC (and HVC/SMC, UNDEFINED here) return to the next instruction; everything else retries.
  let retLo = cpu.pcLo;
  let retHi = cpu.pcHi;
  if (e.ec === EC.SVC || e.ec === EC.HVC || e.ec === EC.SMC) {
    retLo = (cpu.pcLo + 4) >>> 0;
    if (retLo < 4) retHi = (retHi + 1) >>> 0;
  }
  enterException(cpu, VECTOR.SYNC, e.esr, retLo, retHi, e.hasFar ? e.farLo : undefined, e.hasFar ? e.farHi : undefined);
}

/**
 * ERET (ASL AArch64.ExceptionReturn, SetPSTATEFromPSR; mte-arch.md §5.4). The return is
 * illegal for M[4] = 1 (AArch32), M[1] = 1, a target EL that is not implemented or above the
 * current one, or EL0 with M[0] = 1: then EL, SP and nRW stay, PSTATE.IL is set, NZCV, PAN and
 * DAIF are restored, and UAO/DIT/TCO/SSBS/BTYPE (UNKNOWN) keep their values, as QEMU keeps them
 * (QEMU also keeps PAN, which the architecture restores). The next instruction then takes an
 * Illegal Execution State exception (machine.ts); so does one after a legal return with
 * SPSR.IL = 1. PSTATE.SS becomes 0: software step is not implemented. ERET clears the local
 * exclusive monitor and sets the event register.
 */
export function exceptionReturn(cpu: Cpu): void {
  const spsr = Number(cpu.sys.spsr & 0xffffffffn);
  const m = spsr & 0x1f;
  const targetEl = (m >>> 2) & 3;
  const illegal = (m & 0x10) !== 0 || (m & 2) !== 0 || targetEl > cpu.el || (targetEl === 0 && (m & 1) !== 0);
  cpu.exclusivePa = -1;
  cpu.eventRegister = 1;
  if (illegal) {
    cpu.nzcv = spsr >>> 28;
    cpu.pan = (spsr >>> 22) & 1;
    cpu.daif = (spsr >>> 6) & 0xf;
    cpu.il = 1;
  } else cpu.unpackPstate(spsr);
  cpu.ss = 0;
  // With TBI for instructions, the return address loses its tag (ASL AArch64.BranchAddr).
  const elr = cpu.sys.elr;
  const target = branchAddr(cpu, elr);
  cpu.pcLo = Number(target & 0xffffffffn);
  cpu.pcHi = Number((target >> 32n) & 0xffffffffn);
  cpu.hooks.memoryStateChanged();
}

const TCR_TBI0 = 1n << 37n;
const TCR_TBI1 = 1n << 38n;

/** ASL AArch64.BranchAddr for EL0/EL1: strip the top byte when TBI applies to the half. */
export function branchAddr(cpu: Cpu, target: bigint): bigint {
  const upper = (target & (1n << 55n)) !== 0n;
  if ((cpu.sys.tcr & (upper ? TCR_TBI1 : TCR_TBI0)) === 0n) return target;
  return BigInt.asUintN(64, BigInt.asIntN(56, target));
}
