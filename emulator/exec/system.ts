// System instructions (mte-arch.md §5-§7): hints (WFI/WFE/SEV), barriers, CLREX, MSR
// (immediate) to PSTATE fields, FlagM, MRS/MSR through the system register table, SYS (DC, IC,
// TLBI, AT), the exception-generating instructions, UDF and ERET. Every access rule is checked
// at execution, since it depends on PSTATE.EL and SCTLR_EL1; encoding-only work (which
// operation, which register, the trap syndrome fields) is done by the decoders.

import type { Cpu } from '../cpu.js';
import { BRANCHED, NEXT, registerFamilies, regZr, regZrDest, type Op } from '../decoded.js';
import {
  ArchException, dataAbort, EC, enterException, exceptionReturn, executeUndefined, sysTrapIss, undefinedInstruction, VECTOR,
} from '../exceptions.js';
import { checkSysRegAccess, lookupSysReg, SCTLR, setPan, setTco, setUao, sysKey, type SysRegDef } from '../sysregs.js';
import { MemoryFault } from '../../mmu/walk.js';
import { executeDcZva } from './loadstore.js';
import { executeDcGva, executeDcGzva } from './mte.js';
import { shift64, SHIFT_ROR, u64 } from '../u64.js';

const TCR_AS = 1n << 36n;

/** EC 0x18 for the MSR/MRS/SYS `word` as executed at EL0 (ASL AArch64.SystemAccessTrap). */
function sysTrap(word: number, read: boolean): ArchException {
  const w = word >>> 0;
  return new ArchException(EC.SYS_TRAP, sysTrapIss((w >>> 19) & 3, (w >>> 16) & 7, (w >>> 12) & 15, (w >>> 8) & 15, (w >>> 5) & 7, w & 31, read));
}

// ---- Hints: NOP and the hints granule has no feature for are NOPs (PAuth, BTI, ESB, CSDB...)

function nop(_cpu: Cpu, _op: Op): number {
  return NEXT;
}

/** ESR_EL1.ISS of a trapped WFI/WFE: CV = 1, COND = 0xE, TI = 0 (WFI) or 1 (WFE). */
const WFX_ISS = (1 << 24) | (0xe << 20);

/**
 * WFI (ASL WaitForInterrupt): trapped at EL0 when SCTLR_EL1.nTWI = 0 (EC 0x01); otherwise the
 * PE idles until an interrupt, which on this machine never comes (machine.waitForInterrupt).
 */
function wfi(cpu: Cpu, _op: Op): number {
  if (cpu.el === 0 && (cpu.sys.sctlr & SCTLR.nTWI) === 0n) throw new ArchException(EC.WFX, WFX_ISS);
  cpu.machine.waitForInterrupt();
  return NEXT;
}

/**
 * WFE: with the event register set it only clears it; else it would wait, so it is trapped at
 * EL0 when SCTLR_EL1.nTWE = 0, and otherwise idles like WFI (no event source exists).
 */
function wfe(cpu: Cpu, _op: Op): number {
  if (cpu.eventRegister !== 0) {
    cpu.eventRegister = 0;
    return NEXT;
  }
  if (cpu.el === 0 && (cpu.sys.sctlr & SCTLR.nTWE) === 0n) throw new ArchException(EC.WFX, WFX_ISS | 1);
  cpu.machine.waitForInterrupt();
  return NEXT;
}

/** SEV (one PE: it signals itself too) and SEVL set the event register. */
function sev(cpu: Cpu, _op: Op): number {
  cpu.eventRegister = 1;
  return NEXT;
}

// ---- Barriers: memory is sequentially consistent here; ISB re-fetches

function isb(cpu: Cpu, _op: Op): number {
  cpu.machine.contextSync();
  return NEXT;
}

function clrex(cpu: Cpu, _op: Op): number {
  cpu.exclusivePa = -1;
  return NEXT;
}

// ---- MSR (immediate): op.imm = CRm; op.imm2 = the EC 0x18 ISS for DAIFSet/DAIFClr at EL0

function msrUao(cpu: Cpu, op: Op): number {
  if (cpu.el === 0) throw undefinedInstruction();
  setUao(cpu, op.imm & 1);
  return NEXT;
}
function msrPan(cpu: Cpu, op: Op): number {
  if (cpu.el === 0) throw undefinedInstruction();
  setPan(cpu, op.imm & 1);
  return NEXT;
}
function msrSpsel(cpu: Cpu, op: Op): number {
  if (cpu.el === 0) throw undefinedInstruction();
  cpu.selectStack(cpu.el, op.imm & 1);
  return NEXT;
}
function msrSsbs(cpu: Cpu, op: Op): number {
  cpu.ssbs = op.imm & 1;
  return NEXT;
}
function msrDit(cpu: Cpu, op: Op): number {
  cpu.dit = op.imm & 1;
  return NEXT;
}
function msrTco(cpu: Cpu, op: Op): number {
  setTco(cpu, op.imm & 1);
  return NEXT;
}
function msrDaifSet(cpu: Cpu, op: Op): number {
  if (cpu.el === 0 && (cpu.sys.sctlr & SCTLR.UMA) === 0n) throw new ArchException(EC.SYS_TRAP, op.imm2);
  cpu.daif |= op.imm;
  return NEXT;
}
function msrDaifClr(cpu: Cpu, op: Op): number {
  if (cpu.el === 0 && (cpu.sys.sctlr & SCTLR.UMA) === 0n) throw new ArchException(EC.SYS_TRAP, op.imm2);
  cpu.daif &= ~op.imm & 0xf;
  return NEXT;
}

// ---- FlagM (ASL CFINV, XAFLAG, AXFLAG), on the flag cache of cpu.ts

function cfinv(cpu: Cpu, _op: Op): number {
  cpu.cf ^= 1;
  return NEXT;
}
/** RMIF Xn, #imm6, #mask: NZCV bits selected by mask take bits 3..0 of ROR(Xn, imm6). */
function rmif(cpu: Cpu, op: Op): number {
  shift64(cpu.x[op.rn], cpu.x[op.rn + 1], SHIFT_ROR, op.imm2);
  const v = u64.lo & 0xf;
  const mask = op.imm;
  if (mask & 8) cpu.nf = v & 8 ? -1 : 0;
  if (mask & 4) cpu.zf = v & 4 ? 0 : 1;
  if (mask & 2) cpu.cf = (v >>> 1) & 1;
  if (mask & 1) cpu.vf = v & 1 ? -1 : 0;
  return NEXT;
}
/** SETF8/SETF16 Wn: N = top bit, Z = all zero, V = top bit XOR the next one up; C unchanged. */
function setf(cpu: Cpu, op: Op): number {
  const bits = op.imm;
  const w = cpu.x[op.rn];
  const top = (w >>> (bits - 1)) & 1;
  cpu.nf = top ? -1 : 0;
  cpu.zf = w & ((1 << bits) - 1);
  cpu.vf = (top ^ ((w >>> bits) & 1)) !== 0 ? -1 : 0;
  return NEXT;
}
/** XAFLAG: N = !C & !Z, Z = Z & C, C = C | Z, V = !C & Z. */
function xaflag(cpu: Cpu, _op: Op): number {
  const c = cpu.cf;
  const z = cpu.zf === 0 ? 1 : 0;
  cpu.nf = (c | z) === 0 ? -1 : 0;
  cpu.zf = (z & c) !== 0 ? 0 : 1;
  cpu.cf = c | z;
  cpu.vf = c === 0 && z !== 0 ? -1 : 0;
  return NEXT;
}
/** AXFLAG: N = 0, Z = Z | V, C = C & !V, V = 0. */
function axflag(cpu: Cpu, _op: Op): number {
  const v = cpu.vf < 0 ? 1 : 0;
  const z = cpu.zf === 0 ? 1 : 0;
  cpu.nf = 0;
  cpu.zf = (z | v) !== 0 ? 0 : 1;
  cpu.cf &= v ^ 1;
  cpu.vf = 0;
  return NEXT;
}

// ---- MRS/MSR (register): op.flags indexes DEFS (0: no such register); op.rd/op.rn = Xt

const DEFS: (SysRegDef | undefined)[] = [undefined];
const DEF_INDEX = new Map<SysRegDef, number>();

function defIndex(def: SysRegDef | undefined): number {
  if (!def) return 0;
  let i = DEF_INDEX.get(def);
  if (i === undefined) {
    i = DEFS.length;
    DEFS.push(def);
    DEF_INDEX.set(def, i);
  }
  return i;
}

function mrs(cpu: Cpu, op: Op): number {
  const def = checkSysRegAccess(cpu, DEFS[op.flags], true, op.word);
  const v = def.read!(cpu);
  cpu.x[op.rd] = Number(v & 0xffffffffn);
  cpu.x[op.rd + 1] = Number((v >> 32n) & 0xffffffffn);
  return NEXT;
}

function msrReg(cpu: Cpu, op: Op): number {
  const def = checkSysRegAccess(cpu, DEFS[op.flags], false, op.word);
  def.write!(cpu, (BigInt(cpu.x[op.rn + 1]) << 32n) | BigInt(cpu.x[op.rn]));
  return NEXT;
}

// ---- SYS: cache maintenance, TLB maintenance, address translation. op.rn = Xt.

/**
 * The translation/permission part of DC/IC by VA (mte-arch.md §1.6, §6.4): a fault is a Data
 * Abort with CM = 1 and WnR = 1 and FAR = Xt.
 */
function maintenance(cpu: Cpu, op: Op, el0Read: boolean, write: boolean): void {
  const x = cpu.x;
  try {
    cpu.mmu.maintenanceCheck(x[op.rn], x[op.rn + 1], el0Read, write);
  } catch (e) {
    if (e instanceof MemoryFault) throw dataAbort(cpu, e.fsc, true, e.vaLo, e.vaHi, true);
    throw e;
  }
}

/** IC IALLU, IC IALLUIS: EL1 only; drop every decoded instruction. */
function icIallu(cpu: Cpu, _op: Op): number {
  if (cpu.el === 0) throw undefinedInstruction();
  cpu.machine.invalidateCode();
  return NEXT;
}

/** IC IVAU: EL0 with SCTLR_EL1.UCI (else EC 0x18), needing EL0 read permission there. */
function icIvau(cpu: Cpu, op: Op): number {
  if (cpu.el === 0 && (cpu.sys.sctlr & SCTLR.UCI) === 0n) throw sysTrap(op.word, false);
  maintenance(cpu, op, cpu.el === 0, false);
  cpu.machine.invalidateCode();
  return NEXT;
}

/** DC clean/clean+invalidate by VA (CVAC, CVAU, CVAP, CVADP, CIVAC and the tag forms): no caches to clean. */
function dcClean(cpu: Cpu, op: Op): number {
  if (cpu.el === 0 && (cpu.sys.sctlr & SCTLR.UCI) === 0n) throw sysTrap(op.word, false);
  maintenance(cpu, op, cpu.el === 0, false);
  return NEXT;
}

/** DC IVAC, IGVAC, IGDVAC: EL1 only; invalidation needs write permission. */
function dcInvalidate(cpu: Cpu, op: Op): number {
  if (cpu.el === 0) throw undefinedInstruction();
  maintenance(cpu, op, false, true);
  return NEXT;
}

/** DC by set/way (ISW, CSW, CISW and the tag forms): EL1 only, nothing to do. */
function dcSetWay(cpu: Cpu, _op: Op): number {
  if (cpu.el === 0) throw undefinedInstruction();
  return NEXT;
}

/** TLBI VMALLE1{,IS,OS} and the range forms (invalidating everything is always allowed). */
function tlbiAll(cpu: Cpu, _op: Op): number {
  if (cpu.el === 0) throw undefinedInstruction();
  cpu.mmu.tlbiAll();
  return NEXT;
}

/** Xt[63:48] as the ASID the TLB tags entries with (8 bits unless TCR_EL1.AS = 1). */
function operandAsid(cpu: Cpu, xtHi: number): number {
  return (cpu.sys.tcr & TCR_AS) !== 0n ? xtHi >>> 16 : (xtHi >>> 16) & 0xff;
}

/** TLBI ASIDE1{,IS,OS}: the non-global entries of Xt[63:48]. */
function tlbiAsid(cpu: Cpu, op: Op): number {
  if (cpu.el === 0) throw undefinedInstruction();
  cpu.mmu.tlbiAsid(operandAsid(cpu, cpu.x[op.rn + 1]));
  return NEXT;
}

/** TLBI VAE1/VALE1 (op.imm = 0: this ASID or global) and VAAE1/VAALE1 (op.imm = 1: any ASID). */
function tlbiVa(cpu: Cpu, op: Op): number {
  if (cpu.el === 0) throw undefinedInstruction();
  const hi = cpu.x[op.rn + 1];
  cpu.mmu.tlbiVa(cpu.x[op.rn], ((hi & 0xffff) | (operandAsid(cpu, hi) << 16)) >>> 0, op.imm !== 0);
  return NEXT;
}

/**
 * AT S1E1R/W, S1E0R/W, S1E1RP/WP (op.imm: bit 0 write, bit 1 EL0, bit 2 PAN applies): PAR_EL1
 * per mte-arch.md §6.5, with QEMU's choices where the architecture leaves one: NS = 1 for the
 * Non-secure regime, IMPDEF fields 0; SH = 0b10 for Device and Normal non-cacheable memory.
 */
function at(cpu: Cpu, op: Op): number {
  if (cpu.el === 0) throw undefinedInstruction();
  const write = (op.imm & 1) !== 0;
  const el = (op.imm & 2) !== 0 ? 0 : 1;
  const pan = (op.imm & 4) !== 0 && cpu.pan !== 0;
  const r = cpu.mmu.translateForAt(cpu.x[op.rn], cpu.x[op.rn + 1], el, write, pan);
  if (r.fault) {
    // F = 1, FST [6:1], PTW [8] = 0 and S [9] = 0 (stage 1 only), bit 11 RES1.
    cpu.sys.par = BigInt(0x800 | (r.fault.fsc << 1) | 1);
  } else {
    const sh = (r.attr & 0xf0) === 0 || r.attr === 0x44 ? 2 : r.sh;
    const pa = BigInt(r.pa) & 0x0000_ffff_ffff_f000n;
    cpu.sys.par = (BigInt(r.attr) << 56n) | pa | 0x800n | (1n << 9n) | BigInt(sh << 7);
  }
  return NEXT;
}

type SysEntry = [fn: (cpu: Cpu, op: Op) => number, imm?: number];

/** SYS operations by op1<<11 | CRn<<7 | CRm<<3 | op2 (the keys of isa/sysnames.ts SYS_ALIASES). */
const SYS_OPS = (() => {
  const m = new Map<number, SysEntry>();
  const k = (op1: number, crn: number, crm: number, op2: number): number => sysKey(0, op1, crn, crm, op2);
  m.set(k(0, 7, 1, 0), [icIallu]); // IC IALLUIS
  m.set(k(0, 7, 5, 0), [icIallu]); // IC IALLU
  m.set(k(3, 7, 5, 1), [icIvau]); // IC IVAU
  for (const op2 of [1, 3, 5]) m.set(k(0, 7, 6, op2), [dcInvalidate]); // DC IVAC, IGVAC, IGDVAC
  for (const [crm, op2s] of [[6, [2, 4, 6]], [10, [2, 4, 6]], [14, [2, 4, 6]]] as const) {
    for (const op2 of op2s) m.set(k(0, 7, crm, op2), [dcSetWay]); // DC ISW/IGSW/IGDSW, CSW/CGSW/CGDSW, CISW/CIGSW/CIGDSW
  }
  // DC CVAC/CGVAC/CGDVAC, CVAU, CVAP/CGVAP/CGDVAP, CVADP/CGVADP/CGDVADP, CIVAC/CIGVAC/CIGDVAC
  for (const crm of [10, 12, 13, 14]) for (const op2 of [1, 3, 5]) m.set(k(3, 7, crm, op2), [dcClean]);
  m.set(k(3, 7, 11, 1), [dcClean]);
  // DC ZVA, GVA, GZVA (exec/loadstore.ts, exec/mte.ts: SCTLR_EL1.DZE at EL0, translation, tags).
  m.set(k(3, 7, 4, 1), [executeDcZva]);
  m.set(k(3, 7, 4, 3), [executeDcGva]);
  m.set(k(3, 7, 4, 4), [executeDcGzva]);
  // AT S1E1R, S1E1W, S1E0R, S1E0W, S1E1RP, S1E1WP
  m.set(k(0, 7, 8, 0), [at, 0]);
  m.set(k(0, 7, 8, 1), [at, 1]);
  m.set(k(0, 7, 8, 2), [at, 2]);
  m.set(k(0, 7, 8, 3), [at, 3]);
  m.set(k(0, 7, 9, 0), [at, 4]);
  m.set(k(0, 7, 9, 1), [at, 5]);
  // TLBI ... E1 (CRm = 7), ... E1IS (CRm = 3), ... E1OS (CRm = 1)
  for (const crm of [1, 3, 7]) {
    m.set(k(0, 8, crm, 0), [tlbiAll]); // VMALLE1
    m.set(k(0, 8, crm, 1), [tlbiVa, 0]); // VAE1
    m.set(k(0, 8, crm, 2), [tlbiAsid]); // ASIDE1
    m.set(k(0, 8, crm, 3), [tlbiVa, 1]); // VAAE1
    m.set(k(0, 8, crm, 5), [tlbiVa, 0]); // VALE1
    m.set(k(0, 8, crm, 7), [tlbiVa, 1]); // VAALE1
  }
  // TLBI RVAE1, RVAAE1, RVALE1, RVAALE1 (FEAT_TLBIRANGE): local (CRm = 6), IS (2), OS (5).
  for (const crm of [2, 5, 6]) for (const op2 of [1, 3, 5, 7]) m.set(k(0, 8, crm, op2), [tlbiAll]);
  return m;
})();

// ---- Exception generation (mte-arch.md §5.5)

/** SVC: EC 0x15 with imm16, taken directly (ELR = the next instruction). */
function svc(cpu: Cpu, op: Op): number {
  const retLo = (cpu.pcLo + 4) >>> 0;
  const retHi = retLo < 4 ? (cpu.pcHi + 1) >>> 0 : cpu.pcHi;
  enterException(cpu, VECTOR.SYNC, ((EC.SVC << 26) | (1 << 25) | op.imm) >>> 0, retLo, retHi);
  const counts = cpu.machine.exceptionCounts;
  counts.set(EC.SVC, (counts.get(EC.SVC) ?? 0) + 1);
  return BRANCHED;
}

/** HVC/SMC: no EL2/EL3, so UNDEFINED unless the board takes the call (PSCI); always at EL0. */
function hvc(cpu: Cpu, op: Op): number {
  if (cpu.el === 0 || !cpu.machine.hypercall?.(op.imm, 'hvc')) throw undefinedInstruction();
  return NEXT;
}
function smc(cpu: Cpu, op: Op): number {
  if (cpu.el === 0 || !cpu.machine.hypercall?.(op.imm, 'smc')) throw undefinedInstruction();
  return NEXT;
}

/** BRK: EC 0x3C with imm16; ELR = the BRK itself. */
function brk(_cpu: Cpu, op: Op): number {
  throw new ArchException(EC.BRK, op.imm);
}

/** HLT: UNDEFINED (no halting debug) unless the board implements semihosting on this immediate. */
function hlt(cpu: Cpu, op: Op): number {
  if (!cpu.machine.semihosting?.(op.imm)) throw undefinedInstruction();
  return NEXT;
}

/** ERET: UNDEFINED at EL0; otherwise exceptions.ts does the return. */
function eret(cpu: Cpu, _op: Op): number {
  if (cpu.el === 0) throw undefinedInstruction();
  exceptionReturn(cpu);
  return BRANCHED;
}

registerFamilies({
  hint: (op, f) => {
    switch (f.imm7) {
      case 2: op.exec = wfe; break;
      case 3: op.exec = wfi; break;
      case 4: case 5: op.exec = sev; break;
      default: op.exec = nop;
    }
  },
  barrier: (op, _f, e) => {
    op.exec = e.attrs.op === 'isb' ? isb : nop;
  },
  clrex: (op) => {
    op.exec = clrex;
  },
  msrImm: (op, f, e) => {
    op.imm = f.CRm;
    const field = e.attrs.op;
    const w = op.word;
    op.imm2 = sysTrapIss(0, (w >>> 16) & 7, 4, f.CRm, (w >>> 5) & 7, 31, false);
    op.exec =
      field === 'UAO' ? msrUao
      : field === 'PAN' ? msrPan
      : field === 'SPSel' ? msrSpsel
      : field === 'SSBS' ? msrSsbs
      : field === 'DIT' ? msrDit
      : field === 'TCO' ? msrTco
      : field === 'DAIFSet' ? msrDaifSet
      : field === 'DAIFClr' ? msrDaifClr
      : executeUndefined;
  },
  flagm: (op, f, e) => {
    switch (e.attrs.op) {
      case 'rmif':
        op.rn = regZr(f.rn);
        op.imm2 = f.imm6;
        op.imm = f.mask;
        op.exec = rmif;
        return;
      case 'setf8':
      case 'setf16':
        op.rn = regZr(f.rn);
        op.imm = e.attrs.op === 'setf8' ? 8 : 16;
        op.exec = setf;
        return;
      default:
        op.exec = e.attrs.op === 'cfinv' ? cfinv : e.attrs.op === 'xaflag' ? xaflag : axflag;
    }
  },
  mrs: (op, f) => {
    op.rd = regZrDest(f.rt);
    op.flags = defIndex(lookupSysReg(sysKey(2 + f.o0, f.op1, f.CRn, f.CRm, f.op2)));
    op.exec = mrs;
  },
  msrReg: (op, f) => {
    op.rn = regZr(f.rt);
    op.flags = defIndex(lookupSysReg(sysKey(2 + f.o0, f.op1, f.CRn, f.CRm, f.op2)));
    op.exec = msrReg;
  },
  sys: (op, f) => {
    const entry = SYS_OPS.get(sysKey(0, f.op1, f.CRn, f.CRm, f.op2));
    op.rn = regZr(f.rt);
    op.imm = entry?.[1] ?? 0;
    op.exec = entry ? entry[0] : executeUndefined;
  },
  sysl: (op) => {
    op.exec = executeUndefined;
  },
  exception: (op, f, e) => {
    op.imm = f.imm16;
    const kind = e.attrs.op;
    op.exec = kind === 'svc' ? svc : kind === 'hvc' ? hvc : kind === 'smc' ? smc : kind === 'brk' ? brk : hlt;
  },
  udf: (op) => {
    op.exec = executeUndefined;
  },
  eret: (op) => {
    op.exec = eret;
  },
});
