// System registers of an EL0/EL1-only PE with MTE (mte-arch.md §7): storage, reset values,
// the ID registers a program probes (as QEMU `-cpu max` reports them where granule implements
// the feature), and the access rules MRS/MSR apply. Registers are 64-bit bigints: they are
// read and written off the hot path; what the hot path needs is cached by the machine through
// the `changed` callback.

import type { Cpu } from './cpu.js';
import { ArchException, EC, sysTrapIss, undefinedInstruction } from './exceptions.js';

/** Bits of SCTLR_EL1 (mte-arch.md §7). */
export const SCTLR = {
  M: 1n << 0n, A: 1n << 1n, C: 1n << 2n, SA: 1n << 3n, SA0: 1n << 4n, nAA: 1n << 6n, UMA: 1n << 9n,
  I: 1n << 12n, DZE: 1n << 14n, UCT: 1n << 15n, nTWI: 1n << 16n, nTWE: 1n << 18n, WXN: 1n << 19n,
  SPAN: 1n << 23n, E0E: 1n << 24n, EE: 1n << 25n, UCI: 1n << 26n, ITFSB: 1n << 37n, ATA0: 1n << 42n, ATA: 1n << 43n,
  DSSBS: 1n << 44n,
} as const;

/**
 * SCTLR_EL1 at reset, as QEMU 10 `-M virt -cpu max` starts a bare-metal ELF at EL1: MMU and
 * caches off, SA/SA0/CP15BEN/EOS/nTWI/nTWE/EIS/SPAN set (read back from QEMU).
 */
export const SCTLR_RESET = 0xc50838n;

export class SysRegs {
  sctlr = SCTLR_RESET;
  actlr = 0n;
  cpacr = 0n;
  tcr = 0n;
  ttbr0 = 0n;
  ttbr1 = 0n;
  mair = 0n;
  amair = 0n;
  vbar = 0n;
  elr = 0n;
  spsr = 0n;
  esr = 0n;
  far = 0n;
  par = 0n;
  afsr0 = 0n;
  afsr1 = 0n;
  contextidr = 0n;
  tpidr1 = 0n;
  tpidr0 = 0n;
  tpidrro0 = 0n;
  cntkctl = 0n;
  cntvCtl = 0n;
  cntvCval = 0n;
  cntpCtl = 0n;
  cntpCval = 0n;
  fpcr = 0n;
  fpsr = 0n;
  mdscr = 0n;
  // MTE
  gcr = 0n;
  rgsr = 0n;
  tfsr = 0n;
  tfsre0 = 0n;
}

/** ID register values: the features granule implements, in QEMU `-cpu max`'s encodings. */
export const ID = {
  /** Implementer 0 ("software"), architecture 0xF, part 0x051: QEMU's `max` CPU. */
  MIDR: 0x000f0510n,
  MPIDR: 0x80000000n,
  REVIDR: 0n,
  /** EL0 and EL1 AArch64-only, no EL2/EL3, FP and AdvSIMD not implemented (0xF). */
  ID_AA64PFR0: 0x0000_0000_00ff_0011n,
  /** MTE = 3 (FEAT_MTE3), SSBS = 2, BT = 0. */
  ID_AA64PFR1: 0x0000_0000_0000_0320n,
  /** Atomic (LSE) = 2; TS (FlagM) = 1; RNDR not implemented. */
  ID_AA64ISAR0: 0x0000_0010_0020_0000n,
  /** LRCPC = 2 (LDAPR, LDAPUR/STLUR), SB = 1. */
  ID_AA64ISAR1: 0x0000_1000_0020_0000n,
  ID_AA64ISAR2: 0n,
  /** PARange 48 bits, ASIDBits 16, 4 KiB granule only (TGran16/64 not supported). */
  ID_AA64MMFR0: 0x0000_0000_ff00_0025n,
  /** PAN = 1, LO (LORegions) = 1, VH = 0. */
  ID_AA64MMFR1: 0x0000_0000_0011_0000n,
  /** UAO = 1. */
  ID_AA64MMFR2: 0x0000_0000_0000_0010n,
  ID_AA64DFR0: 0x0000_0000_0000_0006n,
  /** 64-byte cache lines, PIPT I-cache, IDC = DIC = 1 (no cache maintenance needed for coherence). */
  CTR: 0x0000_0000_b444_c004n,
  /** DC ZVA block: 4 << 4 = 64 bytes. */
  DCZID_BS: 4n,
  /** LDGM/STGM block: 4 << 6 = 256 bytes. */
  GMID: 6n,
  CLIDR: 0x0a200023n,
  /** QEMU 10's generic timer frequency (1 GHz). */
  CNTFRQ: 1_000_000_000n,
} as const;

type Reader = (cpu: Cpu) => bigint;
type Writer = (cpu: Cpu, v: bigint) => void;

export interface SysRegDef {
  name: string;
  /** op0<<14 | op1<<11 | CRn<<7 | CRm<<3 | op2 */
  key: number;
  read?: Reader;
  write?: Writer;
  /** EL0 access: 'none' (UNDEFINED), 'rw', 'ro', or a function that returns a trap when denied. */
  el0: 'none' | 'rw' | 'ro' | ((cpu: Cpu, read: boolean) => boolean);
  /** Accessible only while PSTATE.SP = 1 (SP_EL0 at EL1). */
  needsSpsel1?: boolean;
}

export const sysKey = (op0: number, op1: number, crn: number, crm: number, op2: number): number =>
  (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;

const field = (name: keyof SysRegs, mask = 0xffff_ffff_ffff_ffffn): { read: Reader; write: Writer } => ({
  read: (cpu) => cpu.sys[name],
  write: (cpu, v) => {
    cpu.sys[name] = v & mask;
  },
});
const ro = (value: bigint): { read: Reader } => ({ read: () => value });
const counterAllowed = (bit: bigint) => (cpu: Cpu, read: boolean): boolean => read && (cpu.sys.cntkctl & bit) !== 0n;

const translation = (name: 'sctlr' | 'tcr' | 'mair' | 'ttbr0' | 'ttbr1', mask = 0xffff_ffff_ffff_ffffn): { read: Reader; write: Writer } => ({
  read: (cpu) => cpu.sys[name],
  write: (cpu, v) => {
    cpu.sys[name] = v & mask;
    cpu.hooks.translationChanged(name);
  },
});

/** Every implemented system register, by key. */
export const SYSREGS: ReadonlyMap<number, SysRegDef> = (() => {
  const defs: SysRegDef[] = [
    { name: 'MIDR_EL1', key: sysKey(3, 0, 0, 0, 0), ...ro(ID.MIDR), el0: 'none' },
    { name: 'MPIDR_EL1', key: sysKey(3, 0, 0, 0, 5), ...ro(ID.MPIDR), el0: 'none' },
    { name: 'REVIDR_EL1', key: sysKey(3, 0, 0, 0, 6), ...ro(ID.REVIDR), el0: 'none' },
    { name: 'ID_AA64PFR0_EL1', key: sysKey(3, 0, 0, 4, 0), ...ro(ID.ID_AA64PFR0), el0: 'none' },
    { name: 'ID_AA64PFR1_EL1', key: sysKey(3, 0, 0, 4, 1), ...ro(ID.ID_AA64PFR1), el0: 'none' },
    { name: 'ID_AA64DFR0_EL1', key: sysKey(3, 0, 0, 5, 0), ...ro(ID.ID_AA64DFR0), el0: 'none' },
    { name: 'ID_AA64ISAR0_EL1', key: sysKey(3, 0, 0, 6, 0), ...ro(ID.ID_AA64ISAR0), el0: 'none' },
    { name: 'ID_AA64ISAR1_EL1', key: sysKey(3, 0, 0, 6, 1), ...ro(ID.ID_AA64ISAR1), el0: 'none' },
    { name: 'ID_AA64ISAR2_EL1', key: sysKey(3, 0, 0, 6, 2), ...ro(ID.ID_AA64ISAR2), el0: 'none' },
    { name: 'ID_AA64MMFR0_EL1', key: sysKey(3, 0, 0, 7, 0), ...ro(ID.ID_AA64MMFR0), el0: 'none' },
    { name: 'ID_AA64MMFR1_EL1', key: sysKey(3, 0, 0, 7, 1), ...ro(ID.ID_AA64MMFR1), el0: 'none' },
    { name: 'ID_AA64MMFR2_EL1', key: sysKey(3, 0, 0, 7, 2), ...ro(ID.ID_AA64MMFR2), el0: 'none' },
    { name: 'GMID_EL1', key: sysKey(3, 1, 0, 0, 4), ...ro(ID.GMID), el0: 'none' },
    { name: 'CLIDR_EL1', key: sysKey(3, 1, 0, 0, 1), ...ro(ID.CLIDR), el0: 'none' },
    { name: 'CTR_EL0', key: sysKey(3, 3, 0, 0, 1), ...ro(ID.CTR), el0: (cpu, read) => read && (cpu.sys.sctlr & SCTLR.UCT) !== 0n },
    {
      name: 'DCZID_EL0', key: sysKey(3, 3, 0, 0, 7), el0: 'ro',
      // DZP reports whether DC ZVA is prohibited at the current EL (EL0 with SCTLR_EL1.DZE = 0).
      read: (cpu) => ID.DCZID_BS | (cpu.el === 0 && (cpu.sys.sctlr & SCTLR.DZE) === 0n ? 0x10n : 0n),
    },
    { name: 'SCTLR_EL1', key: sysKey(3, 0, 1, 0, 0), ...translation('sctlr'), el0: 'none' },
    { name: 'ACTLR_EL1', key: sysKey(3, 0, 1, 0, 1), ...field('actlr'), el0: 'none' },
    { name: 'CPACR_EL1', key: sysKey(3, 0, 1, 0, 2), ...field('cpacr', 0x3330000n), el0: 'none' },
    { name: 'RGSR_EL1', key: sysKey(3, 0, 1, 0, 5), ...field('rgsr', 0xffff0fn), el0: 'none' },
    { name: 'GCR_EL1', key: sysKey(3, 0, 1, 0, 6), ...field('gcr', 0x1ffffn), el0: 'none' },
    { name: 'TTBR0_EL1', key: sysKey(3, 0, 2, 0, 0), ...translation('ttbr0'), el0: 'none' },
    { name: 'TTBR1_EL1', key: sysKey(3, 0, 2, 0, 1), ...translation('ttbr1'), el0: 'none' },
    { name: 'TCR_EL1', key: sysKey(3, 0, 2, 0, 2), ...translation('tcr'), el0: 'none' },
    { name: 'SPSR_EL1', key: sysKey(3, 0, 4, 0, 0), ...field('spsr', 0xffffffffn), el0: 'none' },
    { name: 'ELR_EL1', key: sysKey(3, 0, 4, 0, 1), ...field('elr'), el0: 'none' },
    { name: 'SP_EL0', key: sysKey(3, 0, 4, 1, 0), read: (cpu) => cpu.bankedSp(0), write: (cpu, v) => cpu.setBankedSp(0, v), el0: 'none', needsSpsel1: true },
    {
      name: 'SPSel', key: sysKey(3, 0, 4, 2, 0), el0: 'none',
      read: (cpu) => BigInt(cpu.spsel),
      write: (cpu, v) => cpu.selectStack(cpu.el, Number(v & 1n)),
    },
    { name: 'CurrentEL', key: sysKey(3, 0, 4, 2, 2), read: (cpu) => BigInt(cpu.el << 2), el0: 'none' },
    { name: 'PAN', key: sysKey(3, 0, 4, 2, 3), read: (cpu) => BigInt(cpu.pan) << 22n, write: (cpu, v) => setPan(cpu, Number((v >> 22n) & 1n)), el0: 'none' },
    { name: 'UAO', key: sysKey(3, 0, 4, 2, 4), read: (cpu) => BigInt(cpu.uao) << 23n, write: (cpu, v) => setUao(cpu, Number((v >> 23n) & 1n)), el0: 'none' },
    { name: 'NZCV', key: sysKey(3, 3, 4, 2, 0), read: (cpu) => BigInt(cpu.nzcv) << 28n, write: (cpu, v) => { cpu.nzcv = Number((v >> 28n) & 0xfn); }, el0: 'rw' },
    {
      name: 'DAIF', key: sysKey(3, 3, 4, 2, 1),
      read: (cpu) => BigInt(cpu.daif) << 6n,
      write: (cpu, v) => { cpu.daif = Number((v >> 6n) & 0xfn); },
      el0: (cpu) => (cpu.sys.sctlr & SCTLR.UMA) !== 0n,
    },
    { name: 'DIT', key: sysKey(3, 3, 4, 2, 5), read: (cpu) => BigInt(cpu.dit) << 24n, write: (cpu, v) => { cpu.dit = Number((v >> 24n) & 1n); }, el0: 'rw' },
    { name: 'SSBS', key: sysKey(3, 3, 4, 2, 6), read: (cpu) => BigInt(cpu.ssbs) << 12n, write: (cpu, v) => { cpu.ssbs = Number((v >> 12n) & 1n); }, el0: 'rw' },
    { name: 'TCO', key: sysKey(3, 3, 4, 2, 7), read: (cpu) => BigInt(cpu.tco) << 25n, write: (cpu, v) => setTco(cpu, Number((v >> 25n) & 1n)), el0: 'rw' },
    { name: 'FPCR', key: sysKey(3, 3, 4, 4, 0), ...field('fpcr'), el0: 'rw' },
    { name: 'FPSR', key: sysKey(3, 3, 4, 4, 1), ...field('fpsr'), el0: 'rw' },
    { name: 'AFSR0_EL1', key: sysKey(3, 0, 5, 1, 0), ...field('afsr0'), el0: 'none' },
    { name: 'AFSR1_EL1', key: sysKey(3, 0, 5, 1, 1), ...field('afsr1'), el0: 'none' },
    { name: 'ESR_EL1', key: sysKey(3, 0, 5, 2, 0), ...field('esr', 0xffffffffn), el0: 'none' },
    { name: 'TFSR_EL1', key: sysKey(3, 0, 5, 6, 0), ...field('tfsr', 3n), el0: 'none' },
    { name: 'TFSRE0_EL1', key: sysKey(3, 0, 5, 6, 1), ...field('tfsre0', 3n), el0: 'none' },
    { name: 'FAR_EL1', key: sysKey(3, 0, 6, 0, 0), ...field('far'), el0: 'none' },
    { name: 'PAR_EL1', key: sysKey(3, 0, 7, 4, 0), ...field('par'), el0: 'none' },
    { name: 'MAIR_EL1', key: sysKey(3, 0, 10, 2, 0), ...translation('mair'), el0: 'none' },
    { name: 'AMAIR_EL1', key: sysKey(3, 0, 10, 3, 0), ...field('amair'), el0: 'none' },
    { name: 'VBAR_EL1', key: sysKey(3, 0, 12, 0, 0), ...field('vbar', ~0x7ffn & 0xffff_ffff_ffff_ffffn), el0: 'none' },
    { name: 'ISR_EL1', key: sysKey(3, 0, 12, 1, 0), ...ro(0n), el0: 'none' },
    { name: 'CONTEXTIDR_EL1', key: sysKey(3, 0, 13, 0, 1), ...field('contextidr', 0xffffffffn), el0: 'none' },
    { name: 'TPIDR_EL1', key: sysKey(3, 0, 13, 0, 4), ...field('tpidr1'), el0: 'none' },
    { name: 'TPIDR_EL0', key: sysKey(3, 3, 13, 0, 2), ...field('tpidr0'), el0: 'rw' },
    { name: 'TPIDRRO_EL0', key: sysKey(3, 3, 13, 0, 3), ...field('tpidrro0'), el0: 'ro' },
    { name: 'CNTKCTL_EL1', key: sysKey(3, 0, 14, 1, 0), ...field('cntkctl', 0x3ffn), el0: 'none' },
    { name: 'CNTFRQ_EL0', key: sysKey(3, 3, 14, 0, 0), ...ro(ID.CNTFRQ), el0: counterAllowed(3n) },
    { name: 'CNTPCT_EL0', key: sysKey(3, 3, 14, 0, 1), read: (cpu) => cpu.hooks.counter(), el0: counterAllowed(1n) },
    { name: 'CNTVCT_EL0', key: sysKey(3, 3, 14, 0, 2), read: (cpu) => cpu.hooks.counter(), el0: counterAllowed(2n) },
    { name: 'CNTP_CTL_EL0', key: sysKey(3, 3, 14, 2, 1), ...field('cntpCtl', 3n), el0: (cpu) => (cpu.sys.cntkctl & (1n << 9n)) !== 0n },
    { name: 'CNTP_CVAL_EL0', key: sysKey(3, 3, 14, 2, 2), ...field('cntpCval'), el0: (cpu) => (cpu.sys.cntkctl & (1n << 9n)) !== 0n },
    { name: 'CNTV_CTL_EL0', key: sysKey(3, 3, 14, 3, 1), ...field('cntvCtl', 3n), el0: (cpu) => (cpu.sys.cntkctl & (1n << 8n)) !== 0n },
    { name: 'CNTV_CVAL_EL0', key: sysKey(3, 3, 14, 3, 2), ...field('cntvCval'), el0: (cpu) => (cpu.sys.cntkctl & (1n << 8n)) !== 0n },
    { name: 'MDSCR_EL1', key: sysKey(2, 0, 0, 2, 2), ...field('mdscr'), el0: 'none' },
  ];
  return new Map(defs.map((d) => [d.key, d]));
})();

/** PSTATE.PAN and PSTATE.TCO change what the memory path checks. */
export function setPan(cpu: Cpu, v: number): void {
  cpu.pan = v;
  cpu.hooks.memoryStateChanged();
}
export function setUao(cpu: Cpu, v: number): void {
  cpu.uao = v;
  cpu.hooks.memoryStateChanged();
}
export function setTco(cpu: Cpu, v: number): void {
  cpu.tco = v;
  cpu.hooks.memoryStateChanged();
}

/**
 * The access check MRS/MSR perform: UNDEFINED for an unimplemented register, an EL1 register
 * at EL0, a write to a read-only one, or SP_EL0 while it is the current SP; EC 0x18 when an
 * EL0 access is disabled by a trap control (mte-arch.md §7).
 */
export function checkSysRegAccess(cpu: Cpu, def: SysRegDef | undefined, read: boolean, op0: number, op1: number, crn: number, crm: number, op2: number, rt: number): SysRegDef {
  if (!def || (read ? !def.read : !def.write)) throw undefinedInstruction();
  if (def.needsSpsel1 && cpu.spsel === 0) throw undefinedInstruction();
  if (cpu.el === 0) {
    const rule = def.el0;
    if (rule === 'none' || (rule === 'ro' && !read)) throw undefinedInstruction();
    if (typeof rule === 'function' && !rule(cpu, read)) throw new ArchException(EC.SYS_TRAP, sysTrapIss(op0, op1, crn, crm, op2, rt, read));
  }
  return def;
}
