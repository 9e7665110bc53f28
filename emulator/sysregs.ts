// System registers of an EL0/EL1-only PE with MTE (mte-arch.md §7): storage, reset values,
// the ID registers a program probes, and the access rules MRS/MSR apply. ID registers describe
// what granule implements, in the encodings QEMU 10 `-cpu max` uses (observed values are quoted
// where granule differs). Registers are 64-bit bigints: they are read and written off the hot
// path; what the hot path needs is cached by the machine through the CPU hooks.

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
 * SCTLR_EL1 at reset: QEMU 10 `-cpu max` (observed 0xc50838): MMU and caches off, SA/SA0,
 * CP15BEN, EOS, nTWI/nTWE (WFI/WFE at EL0 not trapped), EIS, SPAN. The architecture leaves most
 * of these UNKNOWN at reset.
 */
export const SCTLR_RESET = 0x00c5_0838n;

/** CNTKCTL_EL1 bits: EL0 access to the counters and timers. */
const CNTKCTL_EL0PCTEN = 1n << 0n;
const CNTKCTL_EL0VCTEN = 1n << 1n;
const CNTKCTL_EL0VTEN = 1n << 8n;
const CNTKCTL_EL0PTEN = 1n << 9n;

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
  csselr = 0n;
  cntfrq: bigint = ID.CNTFRQ;
  cntkctl = 0n;
  cntvCtl = 0n;
  cntvCval = 0n;
  cntpCtl = 0n;
  cntpCval = 0n;
  /** FP is not implemented (ID_AA64PFR0_EL1.FP = 0xF): FPCR/FPSR are UNDEFINED; kept for tools. */
  fpcr = 0n;
  fpsr = 0n;
  mdscr = 0n;
  // MTE
  tfsr = 0n;
  tfsre0 = 0n;
  /**
   * GCR_EL1 (Exclude [15:0], RRND [16]) and RGSR_EL1 (TAG [3:0], SEED [23:8]) live as numbers:
   * IRG, ADDG and SUBG read them (and IRG writes RGSR_EL1) on every execution, without BigInt
   * (exec/mte.ts). `gcr`/`rgsr` are their bigint views for MRS/MSR and tools.
   */
  gcrBits = 0;
  rgsrBits = 0;
  get gcr(): bigint {
    return BigInt(this.gcrBits);
  }
  set gcr(v: bigint) {
    this.gcrBits = Number(v & 0x1ffffn);
  }
  get rgsr(): bigint {
    return BigInt(this.rgsrBits);
  }
  set rgsr(v: bigint) {
    this.rgsrBits = Number(v & 0xffff0fn);
  }
}

/** The SysRegs properties that hold a register as a bigint. */
type BigintReg = { [K in keyof SysRegs]: SysRegs[K] extends bigint ? K : never }[keyof SysRegs];

/** ID register values: the features granule implements. */
export const ID = {
  /** Implementer 0 ("software"), architecture 0xF, part 0x051: QEMU's `max` CPU. */
  MIDR: 0x000f0510n,
  MPIDR: 0x80000000n,
  REVIDR: 0n,
  /** EL0 and EL1 AArch64-only, no EL2/EL3, FP and AdvSIMD not implemented (0xF), DIT = 1. */
  ID_AA64PFR0: 0x0001_0000_00ff_0011n,
  /** MTE = 3 (FEAT_MTE3), SSBS = 2 (MSR/MRS SSBS), BT = 0. */
  ID_AA64PFR1: 0x0000_0000_0000_0320n,
  /** Atomic = 2 (LSE), TS = 2 (FlagM2: CFINV, XAFLAG, AXFLAG), TLB = 2 (TLBI OS and range forms). */
  ID_AA64ISAR0: 0x0220_0000_0020_0000n,
  /** DPB = 2 (DC CVAP, DC CVADP), LRCPC = 2, SB = 1. */
  ID_AA64ISAR1: 0x0000_0010_0020_0002n,
  ID_AA64ISAR2: 0n,
  /** PARange 48 bits, ASIDBits 16, TGran4 supported (0), TGran64 not (0xF), TGran16 not (0). */
  ID_AA64MMFR0: 0x0000_0000_0f00_0025n,
  /**
   * PAN = 2 (FEAT_PAN2: AT S1E1RP/WP), LO = 1 (FEAT_LOR, mandatory from Armv8.1, with no
   * LORegions: LDLAR/STLLR behave as LDAR/STLR); no hardware AF/dirty, no HPDS.
   */
  ID_AA64MMFR1: 0x0000_0000_0021_0000n,
  /** UAO = 1, IDS = 1 (FEAT_IDST: EL0 reads of the ID space trap with EC 0x18). */
  ID_AA64MMFR2: 0x0000_0010_0000_0010n,
  ID_AA64DFR0: 0x0000_0000_0000_0006n,
  /** 64-byte cache lines, PIPT I-cache, IDC = DIC = 1 (no cache maintenance needed for coherence). */
  CTR: 0x0000_0000_b444_c004n,
  /** DC ZVA block: 4 << 4 = 64 bytes. */
  DCZID_BS: 4n,
  /** LDGM/STGM block: 4 << 6 = 256 bytes. */
  GMID: 6n,
  CLIDR: 0x0a200023n,
  /** CCSIDR_EL1 as QEMU `-cpu max` reports it (64-byte lines). */
  CCSIDR: 0x700fe01an,
  /** QEMU 10 virt's generic timer frequency, read back from QEMU (1 GHz). */
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
  /**
   * EL0 access: 'none' (UNDEFINED, or EC 0x18 for reads of the ID space), 'rw', 'ro' (writes
   * UNDEFINED), or a function that says whether a trap control allows the access (else EC 0x18).
   */
  el0: 'none' | 'rw' | 'ro' | ((cpu: Cpu, read: boolean) => boolean);
  /** With a function rule: writes at EL0 are UNDEFINED whatever the trap controls say. */
  el0ReadOnly?: boolean;
  /** Accessible only while PSTATE.SP = 1 (SP_EL0 at EL1). */
  needsSpsel1?: boolean;
}

export const sysKey = (op0: number, op1: number, crn: number, crm: number, op2: number): number =>
  (op0 << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;

const MASK64 = 0xffff_ffff_ffff_ffffn;

const field = (name: BigintReg, mask = MASK64): { read: Reader; write: Writer } => ({
  read: (cpu) => cpu.sys[name],
  write: (cpu, v) => {
    cpu.sys[name] = v & mask;
  },
});
const ro = (value: bigint): { read: Reader } => ({ read: () => value });
const kctl = (bit: bigint) => (cpu: Cpu): boolean => (cpu.sys.cntkctl & bit) !== 0n;

const translation = (name: 'sctlr' | 'tcr' | 'mair' | 'ttbr0' | 'ttbr1', mask = MASK64): { read: Reader; write: Writer } => ({
  read: (cpu) => cpu.sys[name],
  write: (cpu, v) => {
    cpu.sys[name] = v & mask;
    cpu.hooks.translationChanged(name);
  },
});

// ---- Generic timer (ASL AArch64.CNTP/V_TVAL/CTL): the count is the machine's counter; CNTVOFF is 0.

/** CNTx_CTL_EL0 as read: ENABLE, IMASK, and ISTATUS = ENABLE and CVAL <= count (unsigned). */
const timerCtl = (ctl: 'cntpCtl' | 'cntvCtl', cval: 'cntpCval' | 'cntvCval'): Reader => (cpu) => {
  const c = cpu.sys[ctl];
  return (c & 1n) !== 0n && cpu.sys[cval] <= cpu.hooks.counter() ? c | 4n : c;
};
/** TVAL reads CVAL - count as a 32-bit value and writes CVAL = count + SignExtend(TVAL[31:0]). */
const timerTval = (cval: 'cntpCval' | 'cntvCval'): { read: Reader; write: Writer } => ({
  read: (cpu) => BigInt.asUintN(32, cpu.sys[cval] - cpu.hooks.counter()),
  write: (cpu, v) => {
    cpu.sys[cval] = BigInt.asUintN(64, cpu.hooks.counter() + BigInt.asIntN(32, v));
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
    { name: 'CCSIDR_EL1', key: sysKey(3, 1, 0, 0, 0), ...ro(ID.CCSIDR), el0: 'none' },
    { name: 'CLIDR_EL1', key: sysKey(3, 1, 0, 0, 1), ...ro(ID.CLIDR), el0: 'none' },
    { name: 'GMID_EL1', key: sysKey(3, 1, 0, 0, 4), ...ro(ID.GMID), el0: 'none' },
    { name: 'AIDR_EL1', key: sysKey(3, 1, 0, 0, 7), ...ro(0n), el0: 'none' },
    // FEAT_LOR with no LORegions and no descriptors: LORID_EL1 reads 0, the rest are RAZ/WI.
    { name: 'LORID_EL1', key: sysKey(3, 0, 10, 4, 7), ...ro(0n), el0: 'none' },
    ...(['LORSA_EL1', 'LOREA_EL1', 'LORN_EL1', 'LORC_EL1'] as const).map((name, i): SysRegDef => ({
      name, key: sysKey(3, 0, 10, 4, i), ...ro(0n), write: () => {}, el0: 'none',
    })),
    { name: 'CSSELR_EL1', key: sysKey(3, 2, 0, 0, 0), ...field('csselr', 0xfn), el0: 'none' },
    { name: 'CTR_EL0', key: sysKey(3, 3, 0, 0, 1), ...ro(ID.CTR), el0: (cpu) => (cpu.sys.sctlr & SCTLR.UCT) !== 0n },
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
    // SP_EL0 is UNDEFINED at EL1 while it is the current SP (PSTATE.SP = 0).
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
    { name: 'AFSR0_EL1', key: sysKey(3, 0, 5, 1, 0), ...field('afsr0'), el0: 'none' },
    { name: 'AFSR1_EL1', key: sysKey(3, 0, 5, 1, 1), ...field('afsr1'), el0: 'none' },
    { name: 'ESR_EL1', key: sysKey(3, 0, 5, 2, 0), ...field('esr', 0xffffffffn), el0: 'none' },
    { name: 'TFSR_EL1', key: sysKey(3, 0, 5, 6, 0), ...field('tfsr', 3n), el0: 'none' },
    { name: 'TFSRE0_EL1', key: sysKey(3, 0, 5, 6, 1), ...field('tfsre0', 3n), el0: 'none' },
    { name: 'FAR_EL1', key: sysKey(3, 0, 6, 0, 0), ...field('far'), el0: 'none' },
    { name: 'PAR_EL1', key: sysKey(3, 0, 7, 4, 0), ...field('par'), el0: 'none' },
    { name: 'MAIR_EL1', key: sysKey(3, 0, 10, 2, 0), ...translation('mair'), el0: 'none' },
    { name: 'AMAIR_EL1', key: sysKey(3, 0, 10, 3, 0), ...field('amair'), el0: 'none' },
    // VBAR_EL1[10:0] are RES0, implemented as RAZ/WI (QEMU keeps [10:5]; the vector address never uses them).
    { name: 'VBAR_EL1', key: sysKey(3, 0, 12, 0, 0), ...field('vbar', MASK64 & ~0x7ffn), el0: 'none' },
    { name: 'ISR_EL1', key: sysKey(3, 0, 12, 1, 0), ...ro(0n), el0: 'none' },
    { name: 'CONTEXTIDR_EL1', key: sysKey(3, 0, 13, 0, 1), ...field('contextidr', 0xffffffffn), el0: 'none' },
    { name: 'TPIDR_EL1', key: sysKey(3, 0, 13, 0, 4), ...field('tpidr1'), el0: 'none' },
    { name: 'TPIDR_EL0', key: sysKey(3, 3, 13, 0, 2), ...field('tpidr0'), el0: 'rw' },
    { name: 'TPIDRRO_EL0', key: sysKey(3, 3, 13, 0, 3), ...field('tpidrro0'), el0: 'ro' },
    { name: 'CNTKCTL_EL1', key: sysKey(3, 0, 14, 1, 0), ...field('cntkctl', 0x3ffn), el0: 'none' },
    // CNTFRQ_EL0 is writable at the highest implemented EL (EL1 here); EL0 reads need EL0PCTEN or EL0VCTEN.
    { name: 'CNTFRQ_EL0', key: sysKey(3, 3, 14, 0, 0), ...field('cntfrq', 0xffffffffn), el0: kctl(CNTKCTL_EL0PCTEN | CNTKCTL_EL0VCTEN), el0ReadOnly: true },
    { name: 'CNTPCT_EL0', key: sysKey(3, 3, 14, 0, 1), read: (cpu) => cpu.hooks.counter(), el0: kctl(CNTKCTL_EL0PCTEN) },
    { name: 'CNTVCT_EL0', key: sysKey(3, 3, 14, 0, 2), read: (cpu) => cpu.hooks.counter(), el0: kctl(CNTKCTL_EL0VCTEN) },
    { name: 'CNTP_TVAL_EL0', key: sysKey(3, 3, 14, 2, 0), ...timerTval('cntpCval'), el0: kctl(CNTKCTL_EL0PTEN) },
    { name: 'CNTP_CTL_EL0', key: sysKey(3, 3, 14, 2, 1), read: timerCtl('cntpCtl', 'cntpCval'), write: field('cntpCtl', 3n).write, el0: kctl(CNTKCTL_EL0PTEN) },
    { name: 'CNTP_CVAL_EL0', key: sysKey(3, 3, 14, 2, 2), ...field('cntpCval'), el0: kctl(CNTKCTL_EL0PTEN) },
    { name: 'CNTV_TVAL_EL0', key: sysKey(3, 3, 14, 3, 0), ...timerTval('cntvCval'), el0: kctl(CNTKCTL_EL0VTEN) },
    { name: 'CNTV_CTL_EL0', key: sysKey(3, 3, 14, 3, 1), read: timerCtl('cntvCtl', 'cntvCval'), write: field('cntvCtl', 3n).write, el0: kctl(CNTKCTL_EL0VTEN) },
    { name: 'CNTV_CVAL_EL0', key: sysKey(3, 3, 14, 3, 2), ...field('cntvCval'), el0: kctl(CNTKCTL_EL0VTEN) },
    { name: 'MDSCR_EL1', key: sysKey(2, 0, 0, 2, 2), ...field('mdscr'), el0: 'none' },
  ];
  return new Map(defs.map((d) => [d.key, d]));
})();

/**
 * The ID register space (op0 = 3, op1 = 0/1/3, CRn = 0, CRm = 0..7): with FEAT_IDST, reads of
 * it that are not allowed are reported with EC 0x18 rather than as UNDEFINED (as QEMU does,
 * at EL0 and for unallocated encodings at EL1 too).
 */
export function inIdSpace(key: number): boolean {
  const op0 = key >>> 14;
  const op1 = (key >>> 11) & 7;
  const crn = (key >>> 7) & 15;
  const crm = (key >>> 3) & 15;
  return op0 === 3 && (op1 === 0 || op1 === 1 || op1 === 3) && crn === 0 && crm < 8;
}

const razDefs = new Map<number, SysRegDef>();

/**
 * The register MRS/MSR address: an implemented one, or for op0 = 3, op1 = 0, CRn = 0,
 * CRm = 1..7 (the reserved ID registers, which the architecture makes RAZ) a read-as-zero one.
 */
export function lookupSysReg(key: number): SysRegDef | undefined {
  const def = SYSREGS.get(key);
  if (def || (key & ~0x7f) !== sysKey(3, 0, 0, 0, 0) || ((key >>> 3) & 15) === 0) return def;
  let raz = razDefs.get(key);
  if (!raz) {
    raz = { name: `S3_0_C0_C${(key >>> 3) & 15}_${key & 7}`, key, read: () => 0n, el0: 'none' };
    razDefs.set(key, raz);
  }
  return raz;
}

/** PSTATE.PAN, PSTATE.UAO and PSTATE.TCO change what the memory path checks. */
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

/** EC 0x18 for the MRS/MSR `word` (ASL AArch64.SystemAccessTrapSyndrome). */
function sysRegTrap(word: number, read: boolean): ArchException {
  const w = word >>> 0;
  return new ArchException(EC.SYS_TRAP, sysTrapIss(2 + ((w >>> 19) & 1), (w >>> 16) & 7, (w >>> 12) & 15, (w >>> 8) & 15, (w >>> 5) & 7, w & 31, read));
}

/**
 * The access check MRS/MSR perform (`word` is the instruction): UNDEFINED for an unimplemented
 * register, an EL1 register at EL0, a write to a read-only one, or SP_EL0 while it is the
 * current SP; EC 0x18 when an EL0 access is disabled by a trap control (mte-arch.md §7), and
 * for reads of the ID space that are not allowed (FEAT_IDST).
 */
export function checkSysRegAccess(cpu: Cpu, def: SysRegDef | undefined, read: boolean, word: number): SysRegDef {
  if (!def || (read ? !def.read : !def.write)) {
    if (read && inIdSpace(((word >>> 5) & 0x7fff) | 0x8000)) throw sysRegTrap(word, read);
    throw undefinedInstruction();
  }
  if (def.needsSpsel1 && cpu.spsel === 0) throw undefinedInstruction();
  if (cpu.el === 0) {
    const rule = def.el0;
    if (rule === 'none') throw read && inIdSpace(def.key) ? sysRegTrap(word, read) : undefinedInstruction();
    if (rule === 'ro' && !read) throw undefinedInstruction();
    if (typeof rule === 'function') {
      if (!read && def.el0ReadOnly) throw undefinedInstruction();
      if (!rule(cpu, read)) throw sysRegTrap(word, read);
    }
  }
  return def;
}
